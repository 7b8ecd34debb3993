//! One bad file never costs the findings of the others.

use crate::support::{Project, SWALLOWED_JS};

/// Lints `project` (which holds `src/good.js`, one finding) and checks that finding survived.
fn assert_good_file_still_reported(project: &Project, args: &[&str]) -> crate::support::Run {
    project.file("src/good.js", SWALLOWED_JS);
    let mut all = vec!["--format", "concise"];
    all.extend_from_slice(args);
    let run = project.run(&all);
    assert!(
        run.findings()
            .contains(&"src/good.js:4:5: warning[swallowed-catch]".to_string()),
        "stdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    run
}

#[test]
fn invalid_utf8_is_skipped_with_a_warning() {
    let project = Project::new();
    project.file("src/latin1.js", b"// caf\xe9\nlet a = 1;\n");
    let run = assert_good_file_still_reported(&project, &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("warning: src/latin1.js: skipped: the file is not valid UTF-8 (line 1)"),
        "{}",
        run.stderr
    );
}

#[test]
fn binary_files_are_skipped_with_a_warning() {
    let project = Project::new();
    project.file("src/blob.js", b"\x00\x01\x02binary\x00");
    let run = assert_good_file_still_reported(&project, &[]);
    assert!(
        run.stderr
            .contains("warning: src/blob.js: skipped: the file looks binary"),
        "{}",
        run.stderr
    );
}

#[test]
fn files_over_the_size_limit_are_skipped_with_a_warning() {
    let project = Project::new();
    project.file(
        "src/bundle.js",
        format!("{}{SWALLOWED_JS}", "let a = 1;\n".repeat(200)),
    );
    let run = assert_good_file_still_reported(&project, &["--max-file-size", "1000"]);
    assert!(
        run.stderr
            .contains("warning: src/bundle.js: skipped: the file is "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("bytes, over the 1000-byte limit"),
        "{}",
        run.stderr
    );
    assert_eq!(run.findings().len(), 1);
    project.file("lint500.toml", "max-file-size = 1000\n");
    let run = assert_good_file_still_reported(&project, &[]);
    assert_eq!(run.findings().len(), 1);
    let run = assert_good_file_still_reported(&project, &["--max-file-size", "100000"]);
    assert_eq!(run.findings().len(), 2);
}

#[test]
fn the_default_size_limit_is_2_mib() {
    let project = Project::new();
    let big = format!("{SWALLOWED_JS}{}", "x".repeat(2 * 1024 * 1024));
    project.file("src/huge.js", format!("{big}\n"));
    let run = assert_good_file_still_reported(&project, &[]);
    assert!(
        run.stderr.contains("src/huge.js: skipped"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_minified_single_line_file_is_linted_only_when_generated_files_are_included() {
    let project = Project::new();
    let line = "var a=function(){try{x()}catch(e){}};".repeat(20_000);
    project.file("src/vendor-bundle.js", format!("{line}\n"));
    let run = assert_good_file_still_reported(&project, &[]);
    assert_eq!(run.findings().len(), 1);
    project.file("lint500.toml", "include-generated = true\n");
    let run = assert_good_file_still_reported(&project, &[]);
    assert_eq!(run.findings().len(), 20_001);
}

#[test]
fn syntax_errors_keep_what_parsed_and_report_nothing_inside_the_broken_code() {
    let project = Project::new();
    project.file(
        "src/broken.js",
        "function ok() {\n  try { a(); } catch (e) {}\n}\n\nfunction broken( {\n  try { b(); } catch (e) {}\n  let = ;\n",
    );
    project.file(
        "src/broken.py",
        "def f(:\n    try:\n        a()\n    except Exception:\n        pass\n",
    );
    let run = assert_good_file_still_reported(&project, &[]);
    assert!(
        run.findings()
            .contains(&"src/broken.js:2:16: warning[swallowed-catch]".to_string()),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("src/broken.js:6"),
        "nothing from the broken function: {}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("warning: src/broken.js: syntax error at"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("warning: src/broken.py: syntax error at"),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 1, "syntax errors are warnings, not failures");
}

#[test]
fn fifty_thousand_nested_brackets_do_not_overflow_the_stack() {
    let project = Project::new();
    // One long line: minified code, which is linted on request.
    project.file("lint500.toml", "include-generated = true\n");
    let depth = 50_000;
    project.file("src/open.js", "[".repeat(depth));
    project.file(
        "src/balanced.js",
        format!("x = {}1{};\n", "[".repeat(depth), "]".repeat(depth)),
    );
    project.file(
        "src/calls.js",
        format!("{}{}\n", "f(".repeat(depth), ")".repeat(depth)),
    );
    project.file(
        "src/blocks.ts",
        format!("{}{}\n", "{".repeat(depth), "}".repeat(depth)),
    );
    project.file(
        "src/nested.py",
        format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth)),
    );
    project.file(
        "src/calls.py",
        format!(
            "def handler():\n    return {}os.getenv('X'){}\n",
            "f(".repeat(depth),
            ")".repeat(depth)
        ),
    );
    // The read is as deep as the nesting: facts and request-time functions are followed
    // without recursion.
    project.file(
        "src/lambdas.py",
        format!(
            "import os\nfrom fastapi import FastAPI\napp = FastAPI()\n@app.get('/')\ndef route():\n    return {}os.environ['X']\n",
            "lambda: ".repeat(depth)
        ),
    );
    let run = assert_good_file_still_reported(&project, &[]);
    assert_eq!(run.findings().len(), 2, "{}", run.stdout);
    assert!(
        run.findings()
            .iter()
            .any(|finding| finding.starts_with("src/lambdas.py:6:")
                && finding.ends_with("error[env-read-in-handler]")),
        "{}",
        run.stdout
    );
}

#[test]
fn deeply_nested_catch_blocks_are_still_linted() {
    let project = Project::new();
    // One long line: minified code, which is linted on request.
    project.file("lint500.toml", "include-generated = true\n");
    let depth = 5_000;
    let nested = format!(
        "{}try {{ a(); }} catch (e) {{}}{}\n",
        "try { ".repeat(depth),
        " } catch (e) { throw e; }".repeat(depth)
    );
    project.file("src/nested.js", nested);
    let run = assert_good_file_still_reported(&project, &[]);
    assert_eq!(run.findings().len(), 2, "{}", run.stdout);
}

#[test]
fn sockets_are_skipped_with_a_warning() {
    let project = Project::new();
    let socket = project.path().join("src/socket.js");
    std::fs::create_dir_all(project.path().join("src")).expect("folder");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).expect("bind a socket");
    let run = assert_good_file_still_reported(&project, &["src/socket.js", "src/good.js"]);
    assert!(
        run.stderr
            .contains("warning: src/socket.js: skipped: the file is not a regular file"),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 1);
}
