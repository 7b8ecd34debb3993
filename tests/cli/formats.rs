use serde::Deserialize;

use crate::support::{MESSAGE_ONLY_PY, Project, SWALLOWED_JS, fixtures};

/// The JSON report's documented fields.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonFinding {
    rule: String,
    severity: String,
    message: String,
    help: String,
    path: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    url: String,
    labels: Vec<JsonLabel>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonLabel {
    message: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

#[test]
fn json_is_one_array_that_parses_back() {
    let project = Project::new();
    project
        .file("src/load.js", SWALLOWED_JS)
        .file("jobs.py", MESSAGE_ONLY_PY);
    let run = project.run(&["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let findings: Vec<JsonFinding> = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(findings.len(), 2);
    let python = &findings[0];
    assert_eq!(
        (
            python.path.as_str(),
            python.rule.as_str(),
            python.severity.as_str()
        ),
        ("jobs.py", "log-without-stack", "warning")
    );
    assert_eq!(
        (
            python.line,
            python.column,
            python.end_line,
            python.end_column
        ),
        (7, 18, 7, 24)
    );
    assert!(!python.message.is_empty() && !python.help.is_empty());
    assert!(
        python.url.ends_with("rules/log-without-stack.md"),
        "{}",
        python.url
    );
    assert!(
        python.labels.iter().any(|label| label.line == 6),
        "{:?}",
        python.labels
    );
    assert!(python.labels.iter().all(|label| !label.message.is_empty()
        && (label.end_line, label.end_column) > (label.line, label.column)));
    let js = &findings[1];
    assert_eq!(
        (js.path.as_str(), js.rule.as_str(), js.line),
        ("src/load.js", "swallowed-catch", 4)
    );
    assert!(js.end_column > js.column || js.end_line > js.line);
}

#[test]
fn json_of_a_clean_run_is_an_empty_array() {
    let project = Project::new();
    project.file("a.py", "x = 1\n");
    let run = project.run(&["--format", "json"]);
    assert_eq!(run.code, 0);
    let findings: Vec<JsonFinding> = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert!(findings.is_empty());
}

#[test]
fn json_paths_are_relative_to_the_current_folder() {
    let project = Project::new();
    project.file("api/src/load.js", SWALLOWED_JS);
    let absolute = project.path().join("api/src");
    let run = project.run_in(
        "api",
        &["--format", "json", absolute.to_str().expect("UTF-8 path")],
    );
    let findings: Vec<JsonFinding> = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(findings[0].path, "src/load.js");
    let outside = project.run_in("api/src", &["--format", "json", "../../api/src/load.js"]);
    let findings: Vec<JsonFinding> = serde_json::from_str(&outside.stdout).expect("valid JSON");
    assert_eq!(findings[0].path, "load.js");
}

#[test]
fn output_writes_the_report_to_a_file() {
    let project = Project::new();
    project.file("load.js", SWALLOWED_JS);
    let run = project.run(&["--format", "json", "--output", "report.json", "load.js"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    let written =
        std::fs::read_to_string(project.path().join("report.json")).expect("report written");
    let findings: Vec<JsonFinding> = serde_json::from_str(&written).expect("valid JSON");
    assert_eq!(findings.len(), 1);
}

#[test]
fn pretty_output_of_the_fixture_project() {
    let run = crate::support::Project::new().run_in(
        fixtures().join("mixed").to_str().expect("UTF-8 path"),
        &["--color", "never"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("pretty", run.stdout);
    assert_eq!(
        run.stderr.lines().last(),
        Some("3 problems (0 errors, 3 warnings) in 2 files")
    );
}

#[test]
fn concise_output_of_the_fixture_project() {
    let run = crate::support::Project::new().run_in(
        fixtures().join("mixed").to_str().expect("UTF-8 path"),
        &["--format", "concise"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("concise", run.stdout);
}
