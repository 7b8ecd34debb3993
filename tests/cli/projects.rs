//! Whole projects under `tests/fixtures/projects/`: rules that look across files (handlers
//! defined in one module and registered in another, Express versions per package) checked
//! end to end. `expect:` comments in any file say what must be found; nothing else may be.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[path = "../../crates/lint500_rules/tests/support/expectations.rs"]
mod expectations;

use crate::support::{Project, Run, fixtures};

#[derive(Deserialize)]
struct Finding {
    rule: String,
    path: String,
    line: u32,
    message: String,
}

fn lint(project: &Path, args: &[&str]) -> (Run, Vec<Finding>) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = Project::new().run_in(project.to_str().expect("UTF-8 path"), &all);
    assert_ne!(run.code, 2, "{}", run.stderr);
    let findings = serde_json::from_str(&run.stdout).expect("valid JSON");
    (run, findings)
}

/// (path, line, rule) of every `expect:` comment in the project's source files.
fn expected_in(project: &Path) -> BTreeSet<(String, u32, String)> {
    let mut expected = BTreeSet::new();
    let mut folders = vec![project.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)
            .expect("readable folder")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path
                .extension()
                .is_some_and(|extension| extension != "json")
            {
                let source = std::fs::read_to_string(&path).expect("UTF-8 fixture");
                let relative = relative(project, &path);
                for (line, rule) in expectations::expectations(&source) {
                    expected.insert((relative.clone(), line, rule));
                }
            }
        }
    }
    expected
}

fn relative(project: &Path, path: &Path) -> String {
    path.strip_prefix(project)
        .expect("inside the project")
        .to_string_lossy()
        .into_owned()
}

fn found(findings: &[Finding]) -> BTreeSet<(String, u32, String)> {
    findings
        .iter()
        .map(|finding| (finding.path.clone(), finding.line, finding.rule.clone()))
        .collect()
}

fn project(name: &str) -> PathBuf {
    fixtures().join("projects").join(name)
}

#[test]
fn projects_raise_exactly_what_they_expect() {
    let mut names: Vec<String> = std::fs::read_dir(fixtures().join("projects"))
        .expect("projects folder")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 5, "{names:?}");
    for name in names {
        let root = project(&name);
        let (_, findings) = lint(&root, &[]);
        assert_eq!(found(&findings), expected_in(&root), "project {name}");
    }
}

#[test]
fn a_handler_defined_in_another_file_says_where_it_is_registered() {
    let (_, findings) = lint(&project("express4-shop"), &[]);
    let create = findings
        .iter()
        .find(|finding| finding.path == "src/controllers/users.js")
        .expect("the create handler is flagged");
    assert!(
        create
            .message
            .ends_with("(the handler is registered at src/routes/users.js:6:1)"),
        "{}",
        create.message
    );
}

#[test]
fn a_file_linted_alone_still_sees_its_package() {
    let root = project("express4-shop");
    // The controller alone: its handler is still known to be registered, unwrapped, in routes.
    let (_, findings) = lint(&root, &["src/controllers/users.js"]);
    assert_eq!(
        found(&findings),
        BTreeSet::from([(
            "src/controllers/users.js".to_string(),
            12,
            "async-handler-no-catch".to_string()
        )])
    );
    // The app alone: its error middleware, registered in server.js, still counts; findings
    // of the package's other files are not reported.
    let (run, findings) = lint(&root, &["src/app.js"]);
    assert!(findings.is_empty(), "{}", run.stdout);
    let (_, findings) = lint(&root, &["src/routes/users.js"]);
    assert!(findings.is_empty());
}

#[test]
fn each_package_of_a_monorepo_follows_its_own_express_version() {
    let root = project("monorepo");
    let (_, findings) = lint(
        &root,
        &[
            "packages/modern/src/routes.ts",
            "packages/legacy/src/routes.ts",
        ],
    );
    assert_eq!(
        found(&findings),
        BTreeSet::from([(
            "packages/legacy/src/routes.ts".to_string(),
            6,
            "async-handler-no-catch".to_string()
        )])
    );
}

#[test]
fn without_a_manifest_only_files_that_name_a_framework_are_read_for_facts() {
    let project = Project::new();
    project.file(
        "server.js",
        "const express = require('express');\nconst app = express();\napp.get('/', home);\n",
    );
    // No manifest and no mention of a framework: nothing says this is an Express app.
    project.file(
        "worker.js",
        "const app = makeApp();\napp.get('/', async (req, res) => {\n  res.json(await jobs());\n});\n",
    );
    let (_, findings) = lint(project.path(), &[]);
    assert_eq!(
        found(&findings),
        BTreeSet::from([(
            "server.js".to_string(),
            2,
            "missing-error-middleware".to_string()
        )])
    );
}

#[test]
fn modules_that_import_a_name_from_each_other_end_the_search() {
    let project = Project::new();
    project.file(
        "pyproject.toml",
        "[project]\nname = \"cycle\"\ndependencies = [\"fastapi\"]\n",
    );
    project.file("app/__init__.py", "");
    project.file("app/a.py", "from .b import load\n");
    project.file("app/b.py", "from .a import load\n");
    project.file(
        "app/main.py",
        "from fastapi import FastAPI\n\nfrom .a import load\n\napp = FastAPI()\n\n\n@app.get(\"/\")\nasync def home():\n    load()\n    return {}\n",
    );
    let (run, findings) = lint(project.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(findings.is_empty());
}

#[test]
fn error_middleware_registered_later_by_a_function_is_not_ordered_against_module_level_routes() {
    let (_, findings) = lint(
        &project("express-deferred-setup"),
        &["--select", "missing-error-middleware"],
    );
    // `configureApp()` (called from a `.then`) and `async function start()` register the
    // error middleware after the module-level routes at run time, whatever the text order;
    // only the function that registers both, error middleware first, is reported.
    let reported: Vec<(&str, u32, &str)> = findings
        .iter()
        .map(|finding| {
            (
                finding.path.as_str(),
                finding.line,
                finding.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        reported,
        [(
            "src/reports.js",
            7,
            "The error middleware is registered before routes, so it never sees their errors"
        )]
    );
}

#[test]
fn a_dropped_call_of_an_imported_function_that_never_rejects_is_a_fire_and_forget() {
    let root = project("fire-and-forget");
    let (_, findings) = lint(&root, &["--select", "missing-await"]);
    let reported: Vec<(&str, u32)> = findings
        .iter()
        .map(|finding| (finding.path.as_str(), finding.line))
        .collect();
    // `recordQuietly` catches everything it awaits (lines 8 and 9 stay silent);
    // `recordStrictly` rethrows and `recordLater` returns its promise from the `try` block. A
    // Python coroutine is reported whatever its body: unawaited, it never runs.
    assert_eq!(
        reported,
        [
            ("js/src/routes.mjs", 10),
            ("js/src/routes.mjs", 11),
            ("py/app/routers/users.py", 11),
        ]
    );
}

#[test]
fn process_listeners_are_followed_into_the_modules_that_define_them() {
    let (_, findings) = lint(
        &project("process-listeners"),
        &["--select", "unhandled-rejection"],
    );
    let messages: Vec<&str> = findings
        .iter()
        .map(|finding| finding.message.as_str())
        .collect();
    // The listener that reaches the shutdown function of lifecycle.ts (directly, or through
    // errors.ts) is silent; the two that do not say where their handler is.
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].ends_with("(the handler is defined at src/errors.ts:11:28)"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].starts_with("This `unhandledRejection` listener drops the rejection reason"),
        "{}",
        messages[1]
    );
}

#[test]
fn a_server_started_with_lenient_unhandled_rejections_is_reported_where_it_listens() {
    let (_, findings) = lint(
        &project("lenient-rejections"),
        &["--select", "unhandled-rejection"],
    );
    // `start` runs src/index.js, which loads the app that listens; `seed` runs a script.
    assert_eq!(found(&findings).len(), 1);
    let finding = &findings[0];
    assert_eq!((finding.path.as_str(), finding.line), ("src/app.js", 10));
    assert!(
        finding
            .message
            .contains("`--unhandled-rejections=warn` (package.json script `start`)"),
        "{}",
        finding.message
    );
}

#[test]
fn a_message_helper_of_another_module_is_followed_when_one_file_is_linted() {
    let root = project("error-text-express");
    let (run, findings) = lint(&root, &["src/routes/users.js"]);
    let lines: BTreeSet<(u32, String)> = findings
        .iter()
        .map(|finding| (finding.line, finding.rule.clone()))
        .collect();
    assert_eq!(
        lines,
        BTreeSet::from([
            (14, "log-without-stack".to_string()),
            (15, "error-leak-in-response".to_string()),
            (34, "error-leak-in-response".to_string()),
        ]),
        "{}",
        run.stdout
    );
}
