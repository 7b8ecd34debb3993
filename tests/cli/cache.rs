use std::fs;

use crate::support::{MESSAGE_ONLY_PY, Project};

const PACKAGE_JSON: &str = r#"{ "dependencies": { "express": "^4.21.0" } }"#;

const APP_JS: &str = "const express = require('express');\nconst { register } = require('./routes');\n\nconst app = express();\napp.get('/health', (req, res) => res.send('ok'));\nregister(app);\napp.listen(3000);\n";

const ROUTES_JS: &str = "const { getUser } = require('./users');\n\nfunction register(app) {\n  app.get('/users/:id', async (req, res) => {\n    const name = getUser(req.params.id).name;\n    res.json({ name });\n  });\n}\n\nmodule.exports = { register };\n";

const USERS_JS: &str = "async function getUser(id) {\n  return { id, name: 'Ada' };\n}\n\nmodule.exports = { getUser };\n";

const ARGS: &[&str] = &["--format", "json"];

fn project() -> Project {
    let project = Project::new();
    project
        .file("package.json", PACKAGE_JSON)
        .file("src/app.js", APP_JS)
        .file("src/routes.js", ROUTES_JS)
        .file("src/users.js", USERS_JS)
        .file("jobs.py", MESSAGE_ONLY_PY);
    project
}

/// Runs with the cache twice (filling it if need be, then from it) and without it: the same
/// report and exit code each time. Returns the report.
fn same_with_and_without_cache(project: &Project) -> String {
    let first = project.run(ARGS);
    let second = project.run(ARGS);
    let uncached = project.run(&[ARGS, &["--no-cache"]].concat());
    assert_eq!(
        (first.code, &first.stdout),
        (uncached.code, &uncached.stdout),
        "{}",
        first.stderr
    );
    assert_eq!(
        (second.code, &second.stdout, &second.stderr),
        (first.code, &first.stdout, &first.stderr)
    );
    first.stdout
}

fn rules_of(report: &str) -> Vec<String> {
    let values: Vec<serde_json::Value> = serde_json::from_str(report).expect("JSON report");
    values
        .iter()
        .map(|value| {
            format!(
                "{}:{}",
                value["path"].as_str().expect("path"),
                value["rule"].as_str().expect("rule")
            )
        })
        .collect()
}

#[test]
fn the_cache_follows_edits_across_files_the_configuration_and_package_json() {
    let project = project();
    let cache = project.path().join(".lint500_cache");
    let report = same_with_and_without_cache(&project);
    assert_eq!(
        rules_of(&report),
        [
            "jobs.py:log-without-stack",
            "src/app.js:missing-error-middleware",
            "src/routes.js:missing-await"
        ]
    );
    assert_eq!(
        fs::read_to_string(cache.join(".gitignore")).expect("the cache's .gitignore"),
        "# Created by lint500.\n*\n"
    );
    // A run over unchanged files reads the cache and writes nothing.
    let entries = cache.join("files-v1.json");
    let written = fs::read(&entries).expect("the entries");
    project.file("stamp.txt", "");
    let run = project.run(ARGS);
    assert_eq!(run.stdout, report);
    assert_eq!(fs::read(&entries).expect("the entries"), written);

    // The callee's file: `getUser` is no longer async, and the finding in its caller's file
    // goes, though that file is unchanged.
    project.file(
        "src/users.js",
        USERS_JS.replace("async function", "function"),
    );
    let report = same_with_and_without_cache(&project);
    assert_eq!(
        rules_of(&report),
        [
            "jobs.py:log-without-stack",
            "src/app.js:missing-error-middleware"
        ]
    );

    // The registration's file: an error middleware registered there settles the app's finding.
    project.file(
        "src/routes.js",
        ROUTES_JS.replace(
            "}\n\nmodule.exports",
            "  app.use((err, req, res, next) => {\n    console.error(err);\n    res.status(500).end();\n  });\n}\n\nmodule.exports",
        ),
    );
    let report = same_with_and_without_cache(&project);
    assert_eq!(rules_of(&report), ["jobs.py:log-without-stack"]);

    // The configuration: a severity, then a rule ignored for some files.
    project.file(
        "lint500.toml",
        "[severity]\nlog-without-stack = \"error\"\n",
    );
    let report = same_with_and_without_cache(&project);
    assert!(report.contains("\"severity\": \"error\""), "{report}");
    project.file(
        "lint500.toml",
        "[per-file-ignores]\n\"*.py\" = [\"log-without-stack\"]\n",
    );
    let report = same_with_and_without_cache(&project);
    assert_eq!(rules_of(&report), Vec::<String>::new());
    fs::remove_file(project.path().join("lint500.toml")).expect("remove the configuration");

    // package.json: without Express, the missing-await of the first version is not a server's.
    project.file("src/users.js", USERS_JS);
    project.file("src/routes.js", ROUTES_JS);
    let report = same_with_and_without_cache(&project);
    assert_eq!(rules_of(&report).len(), 3, "{report}");
    project.file("package.json", r#"{ "dependencies": { "lodash": "^4" } }"#);
    let report = same_with_and_without_cache(&project);
    assert_eq!(rules_of(&report), ["jobs.py:log-without-stack"]);
}

#[test]
fn a_corrupt_or_foreign_cache_is_ignored_and_replaced() {
    let project = project();
    let expected = project.run(&[ARGS, &["--no-cache"]].concat());
    assert!(!project.path().join(".lint500_cache").exists());
    for garbage in [
        "not json".to_string(),
        r#"{"build":"0.0.0+elsewhere","files":{}}"#.to_string(),
        // An entry for the right file whose key matches nothing.
        format!(
            r#"{{"build":"x","files":{{"{}":{{"key":"0","outcome":"{{}}"}}}}}}"#,
            project.path().join("jobs.py").display()
        ),
    ] {
        project.file(".lint500_cache/files-v1.json", &garbage);
        let run = project.run(ARGS);
        assert_eq!((run.code, &run.stdout), (expected.code, &expected.stdout));
        let rewritten = fs::read_to_string(project.path().join(".lint500_cache/files-v1.json"))
            .expect("the entries");
        assert_ne!(rewritten, garbage);
    }
}

#[test]
fn cache_dir_puts_the_cache_elsewhere() {
    let project = project();
    let run = project.run(&[ARGS, &["--cache-dir", "build/lint-cache"]].concat());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        project
            .path()
            .join("build/lint-cache/files-v1.json")
            .exists()
    );
    assert!(!project.path().join(".lint500_cache").exists());
}
