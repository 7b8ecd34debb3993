use std::fs;
use std::path::Path;

use crate::support::{MESSAGE_ONLY_PY, Project, SWALLOWED_JS};

/// Two swallowed errors on lines that read the same, and one on a line of its own.
const THREE_SWALLOWED_JS: &str = "function a() {\n  try { run(); } catch (e) {}\n}\nfunction b() {\n  try { run(); } catch (e) {}\n}\nfunction c() {\n  try { other(); } catch (e) {}\n}\n";

fn copy_tree(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).expect("read folder").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            fs::create_dir_all(&target).expect("create folder");
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).expect("copy file");
        }
    }
}

#[test]
fn a_baseline_hides_recorded_findings_and_reports_new_ones() {
    let project = Project::new();
    project
        .file("services/api/src/load.js", SWALLOWED_JS)
        .file("services/api/jobs.py", MESSAGE_ONLY_PY);
    let written = project.run(&["--write-baseline", "lint500-baseline.json"]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert!(
        written
            .stderr
            .contains("wrote 2 findings to the baseline lint500-baseline.json"),
        "{}",
        written.stderr
    );
    assert_eq!(written.stdout, "");
    let text = fs::read_to_string(project.path().join("lint500-baseline.json")).expect("written");
    let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(json["version"], 1);
    let entries: Vec<(String, String)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|entry| {
            assert_eq!(entry["fingerprint"].as_str().map(str::len), Some(32));
            (
                entry["path"].as_str().unwrap_or_default().to_string(),
                entry["rule"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("services/api/jobs.py".into(), "log-without-stack".into()),
            ("services/api/src/load.js".into(), "swallowed-catch".into())
        ]
    );
    // Written again, byte for byte the same.
    project.run(&["--write-baseline", "lint500-baseline.json"]);
    assert_eq!(
        fs::read_to_string(project.path().join("lint500-baseline.json")).expect("written"),
        text
    );

    let run = project.run(&["--format", "concise", "--baseline", "lint500-baseline.json"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("0 problems (0 errors, 0 warnings) in 2 files, 2 baselined"),
        "{}",
        run.stderr
    );

    // Lines added above a recorded finding keep it recorded; a new finding is reported.
    project.file(
        "services/api/src/load.js",
        format!("import {{ read }} from './read.js';\n\n{SWALLOWED_JS}{SWALLOWED_JS}"),
    );
    let run = project.run(&["--format", "concise", "--baseline", "lint500-baseline.json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.findings(),
        ["services/api/src/load.js:11:5: warning[swallowed-catch]"]
    );
    assert!(run.stderr.contains(", 2 baselined"), "{}", run.stderr);
}

#[test]
fn a_baseline_works_from_another_folder_and_on_another_machine() {
    let first = Project::new();
    first
        .file("src/load.js", SWALLOWED_JS)
        .file("app/jobs.py", MESSAGE_ONLY_PY)
        .file("ci/.keep", "");
    let written = first.run_in("ci", &["--write-baseline", "baseline.json", ".."]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    let text = fs::read_to_string(first.path().join("ci/baseline.json")).expect("written");
    assert!(text.contains("\"../src/load.js\""), "{text}");

    // A checkout elsewhere, linted from its root and from a subfolder.
    let second = Project::new();
    copy_tree(first.path(), second.path());
    let run = second.run(&["--format", "concise", "--baseline", "ci/baseline.json"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    let run = second.run_in(
        "src",
        &["--format", "concise", "--baseline", "../ci/baseline.json"],
    );
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    assert!(run.stderr.contains("1 baselined"), "{}", run.stderr);
}

#[test]
fn identical_findings_are_matched_by_count_and_gone_ones_reported_fixed() {
    let project = Project::new();
    project.file("src/jobs.js", THREE_SWALLOWED_JS);
    assert_eq!(project.run(&["--write-baseline", "b.json"]).code, 0);

    // One of the two identical findings fixed, and the third one too: both entries are fixed.
    project.file(
        "src/jobs.js",
        "function a() {\n  try { run(); } catch (e) {}\n}\n",
    );
    let run = project.run(&["--format", "concise", "--baseline", "b.json"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "fixed: 2 baseline entries match no finding any more (--write-baseline prunes them):\n  src/jobs.js: swallowed-catch\n  src/jobs.js: swallowed-catch\n"
        ),
        "{}",
        run.stderr
    );

    // A third copy of the same line is one more than the baseline records.
    project.file("src/jobs.js", THREE_SWALLOWED_JS.replace("other", "run"));
    let run = project.run(&["--format", "concise", "--baseline", "b.json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.findings(),
        ["src/jobs.js:8:18: warning[swallowed-catch]"]
    );
    assert!(run.stderr.contains("2 baselined"), "{}", run.stderr);

    // Entries of a rule that did not run are not taken for fixed.
    let run = project.run(&[
        "--format",
        "concise",
        "--baseline",
        "b.json",
        "--select",
        "log-without-stack",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("fixed:"), "{}", run.stderr);
}

#[test]
fn the_configuration_names_a_baseline_relative_to_its_folder() {
    let project = Project::new();
    project
        .file("lint500.toml", "baseline = \"ci/lint500-baseline.json\"\n")
        .file("src/load.js", SWALLOWED_JS)
        .file("ci/.keep", "");
    let written = project.run(&["--write-baseline", "ci/lint500-baseline.json"]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    let run = project.run_in("src", &["--format", "concise"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    // The baseline named on the command line replaces the configuration's.
    project.file("other.json", "{\"version\": 1, \"findings\": []}\n");
    let run = project.run(&["--format", "concise", "--baseline", "other.json"]);
    assert_eq!(
        run.findings(),
        ["src/load.js:4:5: warning[swallowed-catch]"]
    );
}

#[test]
fn a_bad_baseline_is_an_error() {
    let project = Project::new();
    project
        .file("src/load.js", SWALLOWED_JS)
        .file("old.json", "{\"version\": 9, \"findings\": []}\n")
        .file("bad.json", "[1, 2]\n");
    let run = project.run(&["--baseline", "missing.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read the baseline missing.json"),
        "{}",
        run.stderr
    );
    let run = project.run(&["--baseline", "bad.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("bad.json is not a lint500 baseline"),
        "{}",
        run.stderr
    );
    let run = project.run(&["--baseline", "old.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("version 9"), "{}", run.stderr);
}
