use serde::Deserialize;

use crate::support::Project;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListedRule {
    id: String,
    languages: Vec<String>,
    severity: String,
    precision: String,
    tags: Vec<String>,
    summary: String,
    url: String,
}

#[test]
fn rules_lists_every_rule() {
    let project = Project::new();
    let run = project.run(&["rules"]);
    assert_eq!(run.code, 0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("RULE") && lines[0].contains("SUMMARY"));
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("swallowed-catch ") && line.contains("js,ts,py"))
    );
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("log-without-stack "))
    );

    let run = project.run(&["rules", "--format", "json"]);
    let rules: Vec<ListedRule> = serde_json::from_str(&run.stdout).expect("valid JSON");
    let swallowed = rules
        .iter()
        .find(|rule| rule.id == "swallowed-catch")
        .expect("listed");
    assert_eq!(swallowed.languages, ["js", "ts", "py"]);
    assert_eq!(swallowed.severity, "warning");
    assert!(
        !swallowed.summary.is_empty()
            && !swallowed.tags.is_empty()
            && !swallowed.precision.is_empty()
    );
    assert!(swallowed.url.ends_with("/rules/swallowed-catch.md"));
}

#[test]
fn explain_prints_the_rule_document() {
    let project = Project::new();
    let run = project.run(&["explain", "log-without-stack"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.starts_with("# log-without-stack\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("## Wrong") && run.stdout.contains("## Fixed"));
    assert!(!run.stdout.contains("+++"), "front matter is not shown");
    let run = project.run(&["explain", "no-such-rule"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown rule `no-such-rule`")
            && run.stderr.contains("swallowed-catch")
    );
}

#[test]
fn version() {
    let run = Project::new().run(&["--version"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout.trim(),
        format!("lint500 {}", env!("CARGO_PKG_VERSION"))
    );
}
