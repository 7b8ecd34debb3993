//! End-to-end tests of the lint500 binary: exit codes, formats, configuration, suppression,
//! walking, determinism and bad input.

mod add_ignore;
mod bad_input;
mod baseline;
mod cache;
mod ci_formats;
mod config;
mod fix;
mod formats;
mod handlers_by_shape;
mod hostile;
mod projects;
mod scope;
mod statistics;
mod subcommands;
mod support;
mod suppression;
mod walking;

use support::{CLEAN_JS, MESSAGE_ONLY_PY, Project, SWALLOWED_JS};

#[test]
fn exit_code_is_0_without_findings() {
    let project = Project::new();
    project.file("src/add.js", CLEAN_JS);
    let run = project.run(&["--format", "concise"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn exit_code_is_1_with_findings() {
    let project = Project::new();
    project
        .file("src/load.js", SWALLOWED_JS)
        .file("app/jobs.py", MESSAGE_ONLY_PY);
    let run = project.run(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.findings(),
        [
            "app/jobs.py:7:18: warning[log-without-stack]",
            "src/load.js:4:5: warning[swallowed-catch]"
        ]
    );
}

#[test]
fn exit_code_is_2_for_a_missing_path_and_findings_are_still_printed() {
    let project = Project::new();
    project.file("load.js", SWALLOWED_JS);
    let run = project.run(&["--format", "concise", "load.js", "missing.js"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.findings(), ["load.js:4:5: warning[swallowed-catch]"]);
    assert!(
        run.stderr.contains("error: missing.js: cannot be linted"),
        "{}",
        run.stderr
    );
}

#[test]
fn exit_code_is_2_for_a_usage_error() {
    let project = Project::new();
    let run = project.run(&["--format", "xml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("invalid value 'xml'"), "{}", run.stderr);
    assert_eq!(project.run(&["--threads", "0"]).code, 2);
}

#[test]
fn findings_are_identical_whatever_the_thread_count() {
    let project = Project::new();
    for index in 0..40 {
        project.file(&format!("pkg{}/mod{index}.js", index % 7), SWALLOWED_JS);
        project.file(&format!("pkg{}/job{index}.py", index % 5), MESSAGE_ONLY_PY);
        project.file(&format!("pkg{}/clean{index}.ts", index % 3), CLEAN_JS);
    }
    for format in ["concise", "json", "pretty"] {
        let one = project.run(&["--format", format, "--threads", "1", "--color", "never"]);
        assert_eq!(one.code, 1);
        for threads in ["2", "4", "8"] {
            let many = project.run(&["--format", format, "--threads", threads, "--color", "never"]);
            assert_eq!(
                one.stdout, many.stdout,
                "{format} differs with {threads} threads"
            );
        }
    }
}
