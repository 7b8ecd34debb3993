//! Hostile input, as a pull request from a stranger can bring it: each shape is generated here,
//! and each run must end normally, say what it skipped and why, keep the other files' findings,
//! and print no line that a CI log would take for a workflow command.

use std::fs;
use std::process::{Command, Stdio};

use crate::support::{Project, Run, SWALLOWED_JS};

const GOOD: &str = "src/good.js:4:5: warning[swallowed-catch]";
const FORMATS: [&str; 7] = [
    "pretty", "concise", "json", "sarif", "github", "gitlab", "junit",
];

/// Runs lint500 in `project`, which also holds `src/good.js` (one finding), and checks that the
/// run ended normally, kept that finding, and printed nothing a CI log runs as a command.
fn run_beside_a_good_file(project: &Project, args: &[&str]) -> Run {
    project.file("src/good.js", SWALLOWED_JS);
    let mut all = vec!["--format", "concise"];
    all.extend_from_slice(args);
    let run = project.run(&all);
    assert!(
        run.findings().contains(&GOOD.to_string()),
        "stdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    assert_no_workflow_command(&run.stdout, "concise");
    assert_no_workflow_command(&run.stderr, "stderr");
    run
}

/// No line starts (after the blanks the runner trims) with `::`, but the github format's own
/// annotations; no escape character reaches a terminal.
fn assert_no_workflow_command(out: &str, stream: &str) {
    for line in out.split(['\n', '\r']) {
        let line = line.trim_start();
        let ours = stream == "github"
            && (line.starts_with("::error file=") || line.starts_with("::warning file="));
        assert!(
            !line.starts_with("::") || ours,
            "{stream} has a workflow command: {line:?}"
        );
    }
    if matches!(stream, "pretty" | "concise" | "stderr") {
        assert!(!out.contains('\u{1b}'), "{stream} has an escape character");
    }
}

fn assert_warns(run: &Run, warning: &str) {
    assert!(run.stderr.contains(warning), "{}", run.stderr);
}

#[test]
fn python_nested_past_the_scanners_buffer_is_refused_not_aborted() {
    let project = Project::new();
    let nested: String = (0..511).map(|i| " ".repeat(i) + "if x:\n").collect();
    project.file("app/deep.py", nested + &" ".repeat(511) + "y = \"a\"\n");
    let run = run_beside_a_good_file(&project, &[]);
    assert_eq!(run.code, 1);
    assert_warns(
        &run,
        "warning: app/deep.py: skipped: the file is indented at 512 different widths, more than the 383 the Python parser can follow",
    );
}

#[test]
fn pathological_error_recovery_runs_out_of_budget_in_every_javascript_grammar() {
    let project = Project::new();
    let stuck = "if (a) {} else ".repeat(4000) + "if (if (if (" + &"if (a) {} else ".repeat(4000);
    for name in ["stuck.js", "stuck.ts", "stuck.tsx"] {
        project.file(&format!("src/{name}"), &stuck);
    }
    let run = run_beside_a_good_file(&project, &[]);
    for name in ["stuck.js", "stuck.ts", "stuck.tsx"] {
        assert_warns(
            &run,
            &format!(
                "warning: src/{name}: skipped: the file could not be parsed within the parser's step budget"
            ),
        );
    }
}

#[test]
fn findings_far_along_a_long_line_are_drawn_in_a_window() {
    let project = Project::new();
    // Lines that long are minified code, linted on request.
    project.file("lint500.toml", "include-generated = true\n");
    // Column 65,536 and beyond; then 2,000 findings along a line of almost 2 MiB.
    project.file(
        "src/wide.js",
        " ".repeat(65_535) + "try { f(); } catch (e) {}\n",
    );
    let chunk = format!("{}try {{ f(); }} catch (e) {{}}", " ".repeat(950));
    project.file("src/long.js", chunk.repeat(2_000) + "\n");
    let run = project.run(&["--max-file-size", "4000000", "src/wide.js"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("src/wide.js:1:65549"), "{}", run.stdout);
    assert!(run.stdout.len() < 5_000, "{} bytes", run.stdout.len());
    for format in FORMATS {
        let run = project.run(&[
            "--max-file-size",
            "4000000",
            "--format",
            format,
            "src/long.js",
        ]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        // Each finding costs a bounded report, not a copy of its line.
        assert!(
            run.stdout.len() < 2_000 * 2_000,
            "{format}: {} bytes",
            run.stdout.len()
        );
    }
}

#[test]
fn a_hundred_thousand_nested_try_blocks_are_linted() {
    let project = Project::new();
    // Lines that long are minified code, linted on request.
    project.file("lint500.toml", "include-generated = true\n");
    let nested = "try { ".repeat(100_000) + "f();" + &" } catch (e) {}".repeat(100_000);
    project.file("src/nested.js", nested + "\n");
    let run = run_beside_a_good_file(&project, &["--max-file-size", "4000000"]);
    let nested_findings = run
        .findings()
        .iter()
        .filter(|finding| finding.starts_with("src/nested.js:1:"))
        .count();
    assert_eq!(nested_findings, 100_000);
}

/// Queries for a node's parent or siblings cost the depth of the tree: rules and facts that
/// ask them of every node stay silent past a depth no real code reaches, where they would
/// otherwise take time quadratic in the nesting.
#[test]
fn thirty_thousand_nested_guards_logs_and_responses_are_linted() {
    let project = Project::new();
    let levels = 30_000;
    let guards = "if (!cache) { cache = process.env.KEY;\n".repeat(levels) + &"}\n".repeat(levels);
    let handlers = "try {\n".repeat(levels)
        + "await f();\n"
        + &"} catch (e) { console.error(e.message); res.status(500).json({ error: e.message }); }\n"
            .repeat(levels);
    project.file(
        "src/nested.js",
        format!(
            "const express = require('express');\nconst app = express();\nlet cache;\n\
             app.get('/', async (req, res) => {{\n{guards}{handlers}}});\n\
             app.use((err, req, res, next) => res.status(500).end());\napp.listen(3000);\n"
        ),
    );
    let run = run_beside_a_good_file(&project, &["--max-file-size", "8000000"]);
    let findings = run.findings();
    // The outermost handlers, within reach, are still checked.
    assert!(
        findings
            .iter()
            .any(|finding| finding.contains("warning[log-without-stack]")),
        "{findings:?}"
    );
    assert!(
        findings
            .iter()
            .any(|finding| finding.contains("[error-leak-in-response]")),
        "{findings:?}"
    );
}

#[test]
fn no_file_name_or_comment_starts_a_workflow_command() {
    let project = Project::new();
    project.file("src/x\n::error title=name::pwned.js", SWALLOWED_JS);
    project.file(
        "src/comment.js",
        "/* lint500-ignore: x\n::error title=comment::pwned */\nlet a = 1;\n",
    );
    project.file(
        "src/escape.js",
        "function f() {\n  try { g(); } catch (e) {} // \u{1b}]0;title\u{7}\u{1b}[2J\n}\n",
    );
    for format in FORMATS {
        let run = project.run(&["--format", format]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert_no_workflow_command(&run.stdout, format);
        assert_no_workflow_command(&run.stderr, "stderr");
    }
    let run = run_beside_a_good_file(&project, &[]);
    assert!(
        run.findings()
            .contains(&"src/x\\n::error title=name::pwned.js:4:5: warning[swallowed-catch]".into()),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "src/comment.js:1:1: warning[unused-ignore] `lint500-ignore` names `x\\n::error title=comment::pwned`"
        ),
        "{}",
        run.stdout
    );
    // Without the rule, the unknown id is a warning, escaped as well.
    let run = run_beside_a_good_file(&project, &["--ignore", "unused-ignore"]);
    assert_warns(
        &run,
        "warning: src/comment.js: line 1: suppression comment names unknown rule `x\\n::error title=comment::pwned`",
    );
}

#[cfg(unix)]
#[test]
fn a_configuration_linked_out_of_the_project_is_not_read() {
    let secrets = Project::new();
    secrets.file("secrets.toml", "TOKEN = \"hunter2\"\n");
    let project = Project::new();
    project.file("src/good.js", SWALLOWED_JS);
    std::os::unix::fs::symlink(
        secrets.path().join("secrets.toml"),
        project.path().join("lint500.toml"),
    )
    .unwrap();
    let run = project.run(&["--format", "concise"]);
    assert_eq!(run.code, 2);
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
    assert_warns(&run, "lint500.toml: is a link to ");
    assert_warns(&run, "outside the project; it was not read");

    // The process environment, where CI keeps its secrets.
    fs::remove_file(project.path().join("lint500.toml")).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", project.path().join("lint500.toml")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_lint500"))
        .current_dir(project.path())
        .env("LINT500_TEST_SECRET", "s3cr3t-value")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("s3cr3t-value"), "{stderr}");
}

#[test]
fn configuration_errors_quote_no_file_contents() {
    let project = Project::new();
    project.file(
        "lint500.toml",
        "select = [\"all\"]\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG\n",
    );
    let run = project.run(&["--format", "concise"]);
    assert_eq!(run.code, 2);
    assert!(!run.stderr.contains("wJalrXUtnFEMI"), "{}", run.stderr);
    assert_warns(&run, "lint500.toml: line 2, column ");
}

#[cfg(unix)]
#[test]
fn manifests_that_never_end_or_block_are_not_read() {
    let project = Project::new();
    project.file("api/src/app.js", SWALLOWED_JS);
    project.file("worker/app/main.py", "import fastapi\n");
    std::os::unix::fs::symlink("/dev/zero", project.path().join("api/package.json")).unwrap();
    std::os::unix::fs::symlink("/dev/stdin", project.path().join("worker/pyproject.toml")).unwrap();
    // Standard input stays open and silent: reading it would wait forever.
    let mut child = Command::new(env!("CARGO_BIN_EXE_lint500"))
        .args(["--format", "concise"])
        .current_dir(project.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take();
    let output = child.wait_with_output().unwrap();
    drop(stdin);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout.contains("api/src/app.js:4:5: warning[swallowed-catch]"),
        "{stdout}"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_named_on_the_command_line_is_skipped_without_blocking() {
    let project = Project::new();
    project.file("src/good.js", SWALLOWED_JS);
    let fifo = project.path().join("src/pipe.js");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let run = project.run(&["--format", "concise", "src/pipe.js", "src/good.js"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.findings().contains(&GOOD.to_string()), "{}", run.stdout);
    assert_warns(
        &run,
        "warning: src/pipe.js: skipped: the file is not a regular file",
    );
}

#[test]
fn a_size_limit_past_what_can_be_parsed_is_a_configuration_error() {
    let project = Project::new();
    project.file("src/good.js", SWALLOWED_JS);
    project.file("lint500.toml", "max-file-size = 18446744073709551615\n");
    let run = project.run(&["--format", "concise"]);
    assert_eq!(run.code, 2);
    assert_warns(
        &run,
        "`max-file-size`: 18446744073709551615 is over the largest size lint500 can parse, 4294967295 bytes",
    );
    let run = project.run(&["--max-file-size", "18446744073709551615"]);
    assert_eq!(run.code, 2);
    assert_warns(&run, "--max-file-size: 18446744073709551615 is over");
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_linted() {
    use std::os::unix::ffi::OsStrExt;
    let project = Project::new();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.js");
    fs::create_dir_all(project.path().join("src")).unwrap();
    fs::write(project.path().join("src").join(name), SWALLOWED_JS).unwrap();
    let run = run_beside_a_good_file(&project, &[]);
    assert!(
        run.findings()
            .contains(&"src/caf\u{fffd}.js:4:5: warning[swallowed-catch]".into()),
        "{}",
        run.stdout
    );
}

#[test]
fn carriage_returns_alone_end_lines() {
    let project = Project::new();
    project.file("src/old-mac.js", SWALLOWED_JS.replace('\n', "\r"));
    project.file(
        "app/old_mac.py",
        "def load():\r    try:\r        read()\r    except Exception:\r        pass\r",
    );
    let run = run_beside_a_good_file(&project, &[]);
    assert!(
        run.findings()
            .contains(&"src/old-mac.js:4:5: warning[swallowed-catch]".into()),
        "{}",
        run.stdout
    );
    assert!(
        run.findings()
            .contains(&"app/old_mac.py:4:5: warning[swallowed-catch]".into()),
        "{}",
        run.stdout
    );
    assert!(!run.stderr.contains("syntax error"), "{}", run.stderr);
}

#[test]
fn a_typo_next_to_all_is_refused() {
    let project = Project::new();
    project.file("lint500.toml", "select = [\"all\", \"swalowed-catch\"]\n");
    let run = project.run(&[]);
    assert_eq!(run.code, 2);
    assert_warns(&run, "`select`: unknown rule `swalowed-catch`");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_error_does_not_end_the_run() {
    let project = Project::new();
    project.file("src/good.js", SWALLOWED_JS);
    project.file("src/latin1.js", b"// caf\xe9\n");
    let output = Command::new(env!("CARGO_BIN_EXE_lint500"))
        .args(["--format", "concise"])
        .current_dir(project.path())
        .stderr(fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains(GOOD), "{stdout}");
}
