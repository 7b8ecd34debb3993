use crate::support::{MESSAGE_ONLY_PY, Project, SWALLOWED_JS};

#[test]
fn statistics_count_findings_per_rule_most_frequent_first() {
    let project = Project::new();
    project
        .file("src/a.js", SWALLOWED_JS)
        .file("src/b.js", SWALLOWED_JS)
        .file("jobs.py", MESSAGE_ONLY_PY);
    let run = project.run(&["--statistics"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(
        lines[0].starts_with("2  swallowed-catch    "),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("1  log-without-stack  "),
        "{}",
        lines[1]
    );
    assert!(
        run.stderr.contains("3 problems (0 errors, 3 warnings)"),
        "{}",
        run.stderr
    );

    let run = project.run(&["--statistics", "--format", "json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(
        rows,
        [
            serde_json::json!({"rule": "swallowed-catch", "count": 2}),
            serde_json::json!({"rule": "log-without-stack", "count": 1}),
        ]
    );
}

#[test]
fn statistics_break_ties_by_rule_id_and_are_empty_when_clean() {
    let project = Project::new();
    project
        .file("src/a.js", SWALLOWED_JS)
        .file("jobs.py", MESSAGE_ONLY_PY);
    let run = project.run(&["--statistics"]);
    let rules: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|line| line.split_whitespace().nth(1))
        .collect();
    assert_eq!(rules, ["log-without-stack", "swallowed-catch"]);

    let clean = Project::new();
    clean.file("src/add.js", "export const add = (a, b) => a + b;\n");
    let run = clean.run(&["--statistics"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
}
