//! The formats CI systems read: SARIF (validated by Microsoft's SARIF Multitool), GitHub
//! workflow commands, and GitLab Code Quality; fingerprints that survive unrelated edits.

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::Value;

use crate::support::{Project, Run, SWALLOWED_JS, fixtures};

/// The rules the fixture's findings are asserted for, so that new rules do not change them.
const FIXTURE_RULES: &str = "--select=log-without-stack,swallowed-catch";

/// Lints `tests/fixtures/ci_formats` (findings of two rules with labels, non-ASCII text, a
/// syntax error and a file that is not UTF-8) from inside that folder.
fn lint_fixture(args: &[&str]) -> Run {
    let folder = fixtures().join("ci_formats");
    Project::new().run_in(folder.to_str().expect("UTF-8 path"), args)
}

fn sarif_of(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).expect("the SARIF log is JSON")
}

/// `(uri, startLine, startColumn, ruleId)` of each result.
fn result_starts(sarif: &Value) -> Vec<(String, u64, u64, String)> {
    sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|result| {
            let location = &result["locations"][0]["physicalLocation"];
            (
                location["artifactLocation"]["uri"]
                    .as_str()
                    .expect("uri")
                    .to_string(),
                location["region"]["startLine"].as_u64().expect("line"),
                location["region"]["startColumn"].as_u64().expect("column"),
                result["ruleId"].as_str().expect("ruleId").to_string(),
            )
        })
        .collect()
}

#[test]
fn sarif_describes_the_rules_results_and_files_not_linted() {
    let run = lint_fixture(&[
        "--format",
        "sarif",
        "--sarif-category",
        "api",
        FIXTURE_RULES,
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let sarif = sarif_of(&run);
    assert_eq!(sarif["version"], "2.1.0");
    let sarif_run = &sarif["runs"][0];
    assert_eq!(sarif_run["automationDetails"]["id"], "api/");
    assert_eq!(sarif_run["columnKind"], "utf16CodeUnits");
    let root = sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("%SRCROOT% is declared");
    assert!(
        root.starts_with("file:///") && root.ends_with("/tests/fixtures/ci_formats/"),
        "{root}"
    );

    let driver = &sarif_run["tool"]["driver"];
    assert_eq!(driver["name"], "lint500");
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules
        .iter()
        .filter_map(|rule| rule["id"].as_str())
        .collect();
    assert_eq!(ids, ["log-without-stack", "swallowed-catch"]);
    let swallowed = &rules[1];
    assert_eq!(swallowed["name"], "SwallowedCatch");
    assert!(
        swallowed["help"]["markdown"]
            .as_str()
            .is_some_and(|help| help.starts_with("# swallowed-catch\n")
                && help.contains("## Why it matters")),
        "the rule's document is its help: {swallowed}"
    );
    assert_eq!(swallowed["defaultConfiguration"]["level"], "warning");
    assert_eq!(swallowed["properties"]["problem.severity"], "warning");
    assert_eq!(swallowed["properties"]["precision"], "high");
    assert_eq!(
        swallowed["properties"]["tags"],
        serde_json::json!(["error-handling"])
    );

    // The concise report counts characters; SARIF counts UTF-16 code units, and 😀 and 🛒 are
    // two of them each.
    let concise = lint_fixture(&["--format", "concise", FIXTURE_RULES]);
    assert!(
        concise
            .findings()
            .contains(&"src/orders.js:10:32: warning[log-without-stack]".into())
            && concise
                .findings()
                .contains(&"src/orders.js:16:71: warning[swallowed-catch]".into()),
        "{}",
        concise.stdout
    );
    let starts = result_starts(&sarif);
    let start = |uri: &str, line: u64, column: u64, rule: &str| {
        (uri.to_string(), line, column, rule.to_string())
    };
    assert_eq!(
        starts,
        [
            start("app/jobs.py", 10, 22, "log-without-stack"),
            start("app/jobs.py", 16, 5, "swallowed-catch"),
            start("src/broken.js", 4, 5, "swallowed-catch"),
            start("src/orders.js", 10, 33, "log-without-stack"),
            start("src/orders.js", 16, 72, "swallowed-catch"),
        ]
    );
    for result in sarif_run["results"].as_array().expect("results") {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"],
            "%SRCROOT%"
        );
        assert_eq!(
            result["relatedLocations"][0]["id"], 1,
            "every fixture finding has a label: {result}"
        );
        assert!(
            result["message"]["text"]
                .as_str()
                .is_some_and(|text| text.contains("](1).")),
            "the message links its related location: {result}"
        );
    }

    let invocation = &sarif_run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notifications: Vec<(&str, &str)> = invocation["toolExecutionNotifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .map(|notification| {
            (
                notification["level"].as_str().expect("level"),
                notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .expect("uri"),
            )
        })
        .collect();
    assert_eq!(
        notifications,
        [("warning", "src/broken.js"), ("warning", "src/latin1.js")]
    );
}

#[test]
fn sarif_of_a_failed_run_says_so() {
    let project = Project::new();
    project.file("load.js", SWALLOWED_JS);
    let run = project.run(&["--format", "sarif", "load.js", "missing.js"]);
    assert_eq!(run.code, 2);
    let invocation = &sarif_of(&run)["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"][0]["level"],
        "error"
    );
    assert_eq!(sarif_of(&run)["runs"][0]["automationDetails"], Value::Null);
}

#[test]
fn sarif_uris_are_relative_and_percent_encoded() {
    let project = Project::new();
    project
        .file("api/src/my route#1 é.js", SWALLOWED_JS)
        .file("other/load.js", SWALLOWED_JS);
    let run = project.run_in("api", &["--format", "sarif", ".", "../other/load.js"]);
    let sarif = sarif_of(&run);
    let uris: Vec<String> = result_starts(&sarif)
        .into_iter()
        .map(|start| start.0)
        .collect();
    let other = project.path().join("other/load.js");
    assert_eq!(
        uris,
        [
            format!("file://{}", other.to_str().expect("UTF-8 path")),
            "src/my%20route%231%20%C3%A9.js".to_string()
        ]
    );
    let results = &sarif["runs"][0]["results"];
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"],
        Value::Null,
        "a file outside the folder lint500 ran in has an absolute URI"
    );
}

/// The `lint500/v1` fingerprint and start line of each result, in order.
fn fingerprints(project: &Project) -> Vec<(String, u64)> {
    let sarif = sarif_of(&project.run(&["--format", "sarif"]));
    let gitlab: Vec<Value> =
        serde_json::from_str(&project.run(&["--format", "gitlab"]).stdout).expect("GitLab JSON");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), gitlab.len());
    results
        .iter()
        .zip(&gitlab)
        .map(|(result, issue)| {
            let fingerprint = result["partialFingerprints"]["lint500/v1"]
                .as_str()
                .expect("fingerprint");
            assert_eq!(
                issue["fingerprint"], fingerprint,
                "one scheme for both formats"
            );
            (
                fingerprint.to_string(),
                result["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .expect("line"),
            )
        })
        .collect()
}

#[test]
fn fingerprints_survive_edits_above_and_tell_findings_apart() {
    let project = Project::new();
    let twice = format!("{SWALLOWED_JS}\n{}", SWALLOWED_JS.replace("(e)", "(err)"));
    project.file("src/store.js", &twice);
    let before = fingerprints(&project);
    assert_eq!(before.len(), 2);
    assert_ne!(before[0].0, before[1].0, "two findings, two fingerprints");

    project.file(
        "src/store.js",
        format!("// A header.\nconst cache = new Map();\n\n{twice}"),
    );
    let after = fingerprints(&project);
    assert_eq!(
        after.iter().map(|(_, line)| line - 3).collect::<Vec<_>>(),
        before.iter().map(|(_, line)| *line).collect::<Vec<_>>(),
        "the findings moved down"
    );
    assert_eq!(
        after.iter().map(|(f, _)| f).collect::<Vec<_>>(),
        before.iter().map(|(f, _)| f).collect::<Vec<_>>(),
        "but kept their fingerprints"
    );

    // Identical lines: the occurrence count tells the findings apart.
    project.file("src/store.js", format!("{SWALLOWED_JS}{SWALLOWED_JS}"));
    let identical = fingerprints(&project);
    assert_eq!(identical[0].0, before[0].0);
    assert_ne!(identical[0].0, identical[1].0);
}

/// Reads back `::command key=value,…::message` as the Actions runner does.
fn parse_workflow_command(line: &str) -> (String, Vec<(String, String)>, String) {
    let rest = line.strip_prefix("::").expect("a workflow command");
    let (head, message) = rest.split_once("::").expect("`::` ends the properties");
    let (command, properties) = head.split_once(' ').expect("a command with properties");
    let properties = properties
        .split(',')
        .map(|property| {
            let (key, value) = property.split_once('=').expect("key=value");
            (key.to_string(), unescape(value))
        })
        .collect();
    (command.to_string(), properties, unescape(message))
}

/// Undoes `%XX` escapes (`%25`, `%0D`, `%0A`, `%3A`, `%2C`) left to right.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let code = rest.get(at + 1..at + 3).expect("two hex digits");
        let byte = u8::from_str_radix(code, 16).expect("hex");
        out.push(char::from(byte));
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    out
}

#[test]
fn github_annotations_cannot_be_injected_by_file_names() {
    let names = [
        "plain.js",
        "new\nline.js",
        "cr\rreturn.js",
        "50%25 and %0A.js",
        "a,b=c.js",
        "x::error file=evil.js::pwned.js",
        "\n::error::injected.js",
    ];
    let project = Project::new();
    for name in names {
        project.file(&format!("src/{name}"), SWALLOWED_JS);
    }
    let run = project.run(&["--format", "github"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), names.len(), "{}", run.stdout);
    let mut files = BTreeSet::new();
    for line in lines {
        assert!(line.starts_with("::warning "), "{line:?}");
        let (command, properties, message) = parse_workflow_command(line);
        assert_eq!(command, "warning");
        let keys: Vec<&str> = properties.iter().map(|(key, _)| key.as_str()).collect();
        assert_eq!(
            keys,
            ["file", "line", "col", "endLine", "endColumn", "title"]
        );
        assert_eq!(properties[1].1, "4");
        assert_eq!(properties[5].1, "swallowed-catch");
        assert!(
            message.contains("\nhelp: ") && message.ends_with("rules/swallowed-catch.md"),
            "{message:?}"
        );
        files.insert(properties[0].1.clone());
    }
    let expected: BTreeSet<String> = names.iter().map(|name| format!("src/{name}")).collect();
    assert_eq!(files, expected);
}

/// The documented fields of a GitLab Code Quality issue.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeQualityIssue {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: String,
    location: CodeQualityLocation,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeQualityLocation {
    path: String,
    positions: CodeQualityPositions,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeQualityPositions {
    begin: LineColumn,
    end: LineColumn,
}

#[derive(Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
struct LineColumn {
    line: u32,
    column: u32,
}

#[test]
fn gitlab_code_quality_parses_back() {
    let project = Project::new();
    project
        .file("lint500.toml", "[severity]\nswallowed-catch = \"error\"\n")
        .file("src/load.js", SWALLOWED_JS);
    let run = project.run(&["--format", "gitlab"]);
    let issues: Vec<CodeQualityIssue> = serde_json::from_str(&run.stdout).expect("GitLab JSON");
    assert_eq!(issues.len(), 1);
    let issue = &issues[0];
    assert_eq!(issue.check_name, "swallowed-catch");
    assert_eq!(issue.severity, "major");
    assert!(!issue.description.is_empty());
    assert_eq!(issue.fingerprint.len(), 32);
    assert_eq!(issue.location.path, "src/load.js");
    assert_eq!(
        issue.location.positions.begin,
        LineColumn { line: 4, column: 5 }
    );
    assert!(issue.location.positions.end > issue.location.positions.begin);

    let fixture: Vec<CodeQualityIssue> =
        serde_json::from_str(&lint_fixture(&["--format", "gitlab", FIXTURE_RULES]).stdout)
            .expect("GitLab JSON");
    assert_eq!(fixture.len(), 5);
    assert!(fixture.iter().all(|issue| issue.severity == "minor"));
    let unique: BTreeSet<&str> = fixture
        .iter()
        .map(|issue| issue.fingerprint.as_str())
        .collect();
    assert_eq!(unique.len(), fixture.len());
    // GitLab counts columns in characters, as the other reports do.
    assert!(
        fixture
            .iter()
            .any(|issue| issue.location.path == "src/orders.js"
                && issue.location.positions.begin
                    == LineColumn {
                        line: 16,
                        column: 71
                    })
    );
}

/// Validation by Microsoft's SARIF Multitool, whose npm package ships a Linux binary.
#[cfg(target_os = "linux")]
mod multitool {
    use std::fs;
    use std::os::unix::fs::PermissionsExt;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use serde_json::Value;

    use super::lint_fixture;

    /// The pinned SARIF Multitool, installed from npm into the target folder on first use.
    fn sarif_multitool() -> PathBuf {
        const VERSION: &str = "5.7.0";
        let prefix =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sarif-multitool-{VERSION}"));
        let binary = prefix.join("node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
        if binary.is_file() {
            return binary;
        }
        // Install beside the final folder and move it into place, so that an interrupted install
        // is never mistaken for a finished one. The Linux package is named too so that its
        // version is pinned, not just the wrapper's.
        let staging = prefix.with_extension(format!("staging-{}", std::process::id()));
        let _ = fs::remove_dir_all(&staging);
        let install = Command::new("npm")
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "--prefix",
            ])
            .arg(&staging)
            .arg(format!("@microsoft/sarif-multitool@{VERSION}"))
            .arg(format!("@microsoft/sarif-multitool-linux@{VERSION}"))
            .output()
            .expect("npm is installed (it installs the SARIF Multitool for this test)");
        assert!(
            install.status.success(),
            "npm could not install the SARIF Multitool:\n{}",
            String::from_utf8_lossy(&install.stderr)
        );
        let staged = staging.join("node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
        // The package makes its binary executable in a postinstall script, which npm may skip.
        fs::set_permissions(&staged, fs::Permissions::from_mode(0o755))
            .expect("chmod the Multitool");
        if fs::rename(&staging, &prefix).is_err() {
            // Another test run finished installing first.
            let _ = fs::remove_dir_all(&staging);
        }
        binary
    }

    /// The results of `Sarif.Multitool validate --rule-kind "Gh;Sarif"` on `logs`, as
    /// `(log file name, level, rule id, message)`, notes left out.
    fn multitool_problems(logs: &[&Path], scratch: &Path) -> Vec<(String, String, String, String)> {
        let output = scratch.join("validation.sarif");
        let run = Command::new(sarif_multitool())
            .args(["validate", "--rule-kind", "Gh;Sarif", "--output"])
            .arg(&output)
            .args(logs)
            // .NET needs ICU for culture data unless told to do without.
            .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
            .output()
            .expect("the SARIF Multitool runs");
        assert!(
            run.status.success(),
            "the Multitool failed:\n{}\n{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        let validation: Value =
            serde_json::from_str(&fs::read_to_string(&output).expect("validation log"))
                .expect("JSON");
        let invocation = &validation["runs"][0]["invocations"][0];
        assert_eq!(
            invocation["executionSuccessful"], true,
            "the Multitool could not validate: {invocation}"
        );
        validation["runs"][0]["results"]
            .as_array()
            .expect("validation results")
            .iter()
            .filter_map(|result| {
                // SARIF's default level is `warning`.
                let level = result["level"].as_str().unwrap_or("warning");
                let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or_default();
                let file = uri.rsplit('/').next().unwrap_or_default().to_string();
                (level != "note").then(|| {
                    (
                        file,
                        level.to_string(),
                        result["ruleId"].as_str().unwrap_or_default().to_string(),
                        result["message"].to_string(),
                    )
                })
            })
            .collect()
    }

    #[test]
    fn sarif_validates_under_the_multitool_github_and_sarif_rules() {
        let scratch = tempfile::tempdir().expect("temporary folder");
        let sarif = scratch.path().join("lint500.sarif");
        // All rules, so that every rule's document is validated as SARIF help.
        let run = lint_fixture(&[
            "--format",
            "sarif",
            "--sarif-category",
            "api",
            "--output",
            sarif.to_str().expect("UTF-8 path"),
        ]);
        assert_eq!(run.code, 1, "{}", run.stderr);

        // A copy without `$schema` shows that the validator runs its GitHub rules and that this
        // test reads what it finds.
        let mut broken: Value =
            serde_json::from_str(&fs::read_to_string(&sarif).expect("SARIF written"))
                .expect("JSON");
        broken.as_object_mut().expect("an object").remove("$schema");
        let control = scratch.path().join("control.sarif");
        fs::write(&control, broken.to_string()).expect("write the control log");

        let problems = multitool_problems(&[&sarif, &control], scratch.path());
        let (ours, control): (Vec<_>, Vec<_>) = problems
            .into_iter()
            .partition(|(file, ..)| file != "control.sarif");
        assert_eq!(ours, [], "lint500's SARIF has errors or warnings");
        assert!(
            control
                .iter()
                .any(|(_, level, rule, _)| level == "error" && rule == "GH1013"),
            "the control log without $schema is rejected: {control:?}"
        );
    }
}
