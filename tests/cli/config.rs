use crate::support::{MESSAGE_ONLY_PY, Project, SWALLOWED_JS};

fn project() -> Project {
    let project = Project::new();
    project
        .file("src/load.js", SWALLOWED_JS)
        .file("app/jobs.py", MESSAGE_ONLY_PY);
    project
}

#[test]
fn select_and_ignore_in_lint500_toml() {
    let project = project();
    project.file("lint500.toml", "select = [\"swallowed-catch\"]\n");
    assert_eq!(
        project.run(&["--format", "concise"]).findings(),
        ["src/load.js:4:5: warning[swallowed-catch]"]
    );
    project.file(
        "lint500.toml",
        "select = [\"all\"]\nignore = [\"swallowed-catch\"]\n",
    );
    assert_eq!(
        project.run(&["--format", "concise"]).findings(),
        ["app/jobs.py:7:18: warning[log-without-stack]"]
    );
}

#[test]
fn command_line_select_and_ignore_replace_the_file() {
    let project = project();
    project.file("lint500.toml", "select = [\"swallowed-catch\"]\n");
    let run = project.run(&["--format", "concise", "--select", "log-without-stack"]);
    assert_eq!(
        run.findings(),
        ["app/jobs.py:7:18: warning[log-without-stack]"]
    );
    let run = project.run(&[
        "--format",
        "concise",
        "--select",
        "all",
        "--ignore",
        "log-without-stack",
    ]);
    assert_eq!(
        run.findings(),
        ["src/load.js:4:5: warning[swallowed-catch]"]
    );
}

#[test]
fn hidden_config_file_and_discovery_from_a_subfolder() {
    let project = project();
    project.file(".lint500.toml", "ignore = [\"log-without-stack\"]\n");
    let run = project.run_in("app", &["--format", "concise"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let run = project.run_in("src", &["--format", "concise"]);
    assert_eq!(run.findings(), ["load.js:4:5: warning[swallowed-catch]"]);
}

#[test]
fn pyproject_tool_section() {
    let project = project();
    project.file(
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.lint500]\nignore = [\"swallowed-catch\"]\n",
    );
    let run = project.run(&["--format", "concise"]);
    assert_eq!(
        run.findings(),
        ["app/jobs.py:7:18: warning[log-without-stack]"]
    );
}

#[test]
fn pyproject_without_the_section_is_passed_over() {
    let project = project();
    project.file("lint500.toml", "ignore = [\"swallowed-catch\"]\n");
    project.file("app/pyproject.toml", "[project]\nname = \"x\"\n");
    let run = project.run_in("app", &["--format", "concise"]);
    assert_eq!(run.code, 1);
    let run = project.run_in("app", &["--format", "concise", "../src"]);
    assert_eq!(run.code, 0, "the root lint500.toml applies: {}", run.stdout);
}

#[test]
fn severity_overrides_and_off() {
    let project = project();
    project.file(
        "lint500.toml",
        "[severity]\nswallowed-catch = \"error\"\nlog-without-stack = \"off\"\n",
    );
    let run = project.run(&["--format", "concise"]);
    assert_eq!(run.findings(), ["src/load.js:4:5: error[swallowed-catch]"]);
}

#[test]
fn per_file_ignores_and_exclude() {
    let project = project();
    project.file("src/legacy/old.js", SWALLOWED_JS);
    project.file("scripts/tool.js", SWALLOWED_JS);
    project.file(
        "lint500.toml",
        "exclude = [\"scripts\"]\n\n[per-file-ignores]\n\"src/legacy/**\" = [\"swallowed-catch\"]\n\"*.py\" = [\"all\"]\n",
    );
    let run = project.run(&["--format", "concise"]);
    assert_eq!(
        run.findings(),
        ["src/load.js:4:5: warning[swallowed-catch]"]
    );
    let run = project.run(&["--format", "concise", "--exclude", "src"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn explicit_config_file() {
    let project = project();
    project.file("lint500.toml", "select = [\"swallowed-catch\"]\n");
    project.file("ci/strict.toml", "select = [\"log-without-stack\"]\n");
    let run = project.run(&["--format", "concise", "--config", "ci/strict.toml"]);
    assert_eq!(
        run.findings(),
        ["app/jobs.py:7:18: warning[log-without-stack]"]
    );
    let run = project.run(&["--config", "ci/missing.toml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("ci/missing.toml: cannot be read"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_configuration_is_a_clear_error() {
    let cases = [
        (
            "selct = [\"all\"]\n",
            &["lint500.toml", "unknown field `selct`", "select"][..],
        ),
        (
            "select = [\"swallowed-cach\"]\n",
            &[
                "lint500.toml",
                "`select`",
                "unknown rule `swallowed-cach`",
                "swallowed-catch",
            ],
        ),
        (
            "[severity]\nswallowed-catch = \"fatal\"\n",
            &["lint500.toml", "fatal", "error", "warning", "off"],
        ),
        (
            "[severity]\nnope = \"error\"\n",
            &["lint500.toml", "`severity`", "unknown rule `nope`"],
        ),
        (
            "[per-file-ignores]\n\"a/[\" = [\"all\"]\n",
            &["lint500.toml", "`per-file-ignores`", "invalid glob"],
        ),
        (
            "[rules.nope]\nextra = [\"a\"]\n",
            &[
                "lint500.toml",
                "`rules`",
                "unknown rule `nope`",
                "unchecked-find-result",
            ],
        ),
        (
            "[rules.unchecked-find-result]\nextra-lookup = [\"findByEmail\"]\n",
            &[
                "lint500.toml",
                "`rules.unchecked-find-result`",
                "unknown option `extra-lookup`",
                "valid options are extra-lookups",
            ],
        ),
        (
            "[rules.swallowed-catch]\nextra = [\"a\"]\n",
            &[
                "lint500.toml",
                "`rules.swallowed-catch`",
                "unknown option `extra`",
                "this rule has no options",
            ],
        ),
        (
            "[rules.client-in-handler]\nextra-clients = \"Knex\"\n",
            &[
                "lint500.toml",
                "line 2",
                "extra-clients",
                "expected a list of strings",
            ],
        ),
        (
            "[rules.client-in-handler]\nextra-clients = [\"Knex\", 1]\n",
            &["lint500.toml", "line 2", "expected a string"],
        ),
        ("select = \"all\"\n", &["lint500.toml", "select"]),
        ("select = [\n", &["lint500.toml"]),
    ];
    for (text, expected) in cases {
        let project = project();
        project.file("lint500.toml", text);
        let run = project.run(&["--format", "concise"]);
        assert_eq!(run.code, 2, "{text}");
        assert_eq!(run.stdout, "", "no findings on a bad config: {text}");
        for fragment in expected {
            assert!(
                run.stderr.contains(fragment),
                "`{fragment}` missing for {text:?}:\n{}",
                run.stderr
            );
        }
    }
    let project = project();
    project.file("pyproject.toml", "[tool.lint500]\ncolour = 1\n");
    let run = project.run(&[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("pyproject.toml") && run.stderr.contains("colour"),
        "{}",
        run.stderr
    );
    let run = project.run(&["--select", "nope"]);
    assert_eq!(run.code, 2);
}

#[test]
fn a_configured_severity_overrides_a_findings_own() {
    let project = Project::new();
    project.file(
        "app/main.py",
        "import os\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/')\ndef root():\n    return os.environ['A'], os.getenv('B')\n",
    );
    // Unconfigured, `os.environ[…]` is an error and `os.getenv` the rule's default warning.
    assert_eq!(
        project.run(&["--format", "concise"]).findings(),
        [
            "app/main.py:9:12: error[env-read-in-handler]",
            "app/main.py:9:29: warning[env-read-in-handler]"
        ]
    );
    project.file(
        "lint500.toml",
        "[severity]\nenv-read-in-handler = \"warning\"\n",
    );
    assert_eq!(
        project.run(&["--format", "concise"]).findings(),
        [
            "app/main.py:9:12: warning[env-read-in-handler]",
            "app/main.py:9:29: warning[env-read-in-handler]"
        ]
    );
    project.file(
        "lint500.toml",
        "[severity]\nenv-read-in-handler = \"error\"\n",
    );
    assert_eq!(
        project.run(&["--format", "concise"]).findings(),
        [
            "app/main.py:9:12: error[env-read-in-handler]",
            "app/main.py:9:29: error[env-read-in-handler]"
        ]
    );
}

#[test]
fn extra_lookups_make_named_lookups_count() {
    let project = Project::new();
    project
        .file(
            "src/users.js",
            "function email(cache, id) {\n  const user = cache.findUser(id);\n  return user.email;\n}\n",
        )
        .file(
            "app/users.py",
            "def name(repo, user_id):\n    user = repo.get_user_or_none(user_id)\n    return user.name\n",
        );
    let run = project.run(&["--format", "concise"]);
    assert_eq!(
        run.code, 0,
        "not lookups without the option: {}",
        run.stdout
    );
    project.file(
        "lint500.toml",
        "[rules.unchecked-find-result]\nextra-lookups = [\"findUser\", \"get_user_or_none\"]\n",
    );
    assert_eq!(
        project.run(&["--format", "concise"]).findings(),
        [
            "app/users.py:3:12: error[unchecked-find-result]",
            "src/users.js:3:10: error[unchecked-find-result]"
        ]
    );
}

#[test]
fn extra_clients_in_pyproject_make_named_factories_count() {
    const PYPROJECT: &str = "[project]\nname = \"svc\"\ndependencies = [\"fastapi\"]\n";
    let project = Project::new();
    project
        .file(
            "package.json",
            r#"{ "dependencies": { "express": "^4.21.0" } }"#,
        )
        .file(
            "src/app.js",
            "const express = require('express');\nconst app = express();\napp.get('/', (req, res) => {\n  res.json(new Knex({}));\n});\napp.use((err, req, res, next) => res.status(500).end());\n",
        )
        .file("pyproject.toml", PYPROJECT)
        .file(
            "app/main.py",
            "from fastapi import FastAPI\nfrom app.db import make_pool\n\napp = FastAPI()\n\n\n@app.get('/')\ndef root():\n    return make_pool().fetch()\n",
        );
    let run = project.run(&["--format", "concise"]);
    assert_eq!(
        run.code, 0,
        "not clients without the option: {}",
        run.stdout
    );
    project.file(
        "pyproject.toml",
        format!(
            "{PYPROJECT}\n[tool.lint500.rules.client-in-handler]\nextra-clients = [\"Knex\", \"make_pool\"]\n"
        ),
    );
    assert_eq!(
        project.run(&["--format", "concise"]).findings(),
        [
            "app/main.py:9:12: error[client-in-handler]",
            "src/app.js:4:12: error[client-in-handler]"
        ]
    );
}
