//! Server code only: tests, examples, migrations, generated and bundled files, browser code
//! and modules no server entry point reaches are left alone by every rule, say so in
//! `--show-files`, and come back with their configuration key.

use std::fs;
use std::path::Path;

use crate::support::{Project, fixtures};

/// A scratch copy of the `server-code` fixture project, to add a configuration to.
fn server_code_project() -> Project {
    fn copy(from: &Path, to: &Path) {
        fs::create_dir_all(to).expect("create folder");
        for entry in fs::read_dir(from).expect("readable folder").flatten() {
            let target = to.join(entry.file_name());
            if entry.path().is_dir() {
                copy(&entry.path(), &target);
            } else {
                fs::copy(entry.path(), target).expect("copy file");
            }
        }
    }
    let project = Project::new();
    copy(&fixtures().join("projects/server-code"), project.path());
    project
}

#[test]
fn show_files_says_which_files_are_skipped_and_why() {
    let run = server_code_project().run(&["--show-files"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let expected = "\
skipped  api/cypress/support/commands.js: a test (`include-tests = true` lints it)
skipped  api/migrations/001-users.js: a migration or seed (`include-migrations = true` lints it)
skipped  api/public/sw.js: a browser asset under public/ (`include-generated = true` lints it)
linted   api/src/app.js
linted   api/src/cache.js
skipped  api/src/generated/client.js: generated (its header says so) (`include-generated = true` lints it)
linted   api/src/routes/users.js
linted   api/src/server.js
skipped  api/src/unused.js: not imported by any server entry point of its package (`include-unreachable = true` lints it)
skipped  api/test-int/users.js: a test (`include-tests = true` lints it)
skipped  api/tools/print-routes.js: not imported by any server entry point of its package (`include-unreachable = true` lints it)
skipped  cli/src/index.js: a command-line tool or script (`include-scripts = true` lints it)
skipped  next/components/Form.jsx: a 'use client' module (`include-browser = true` lints it)
linted   next/lib/db.js
skipped  next/lib/format.js: not imported by any server entry point of its package (`include-unreachable = true` lints it)
linted   next/pages/api/users.js
linted   py/app/__init__.py
linted   py/app/main.py
skipped  py/dev/gen_docs.py: not imported by any server entry point of its package (`include-unreachable = true` lints it)
linted   pyshared/shop_common/__init__.py
linted   pyshared/shop_common/money.py
skipped  pytools/sync_catalog.py: in a package with no server that no server package of the project imports (`include-unreachable = true` lints it)
linted   shared/index.js
skipped  tools/bump.js: in a package with no server that no server package of the project imports (`include-unreachable = true` lints it)
skipped  web/src/App.jsx: browser code (its package is built for a browser and has no server) (`include-browser = true` lints it)
";
    assert_eq!(run.stdout, expected);
}

#[test]
fn each_class_comes_back_with_its_key() {
    let cases = [
        ("include-tests", "api/test-int/users.js"),
        ("include-tests", "api/cypress/support/commands.js"),
        ("include-examples", ""),
        ("include-migrations", "api/migrations/001-users.js"),
        ("include-generated", "api/public/sw.js"),
        ("include-generated", "api/src/generated/client.js"),
        ("include-browser", "next/components/Form.jsx"),
        ("include-browser", "web/src/App.jsx"),
        ("include-scripts", "cli/src/index.js"),
        ("include-unreachable", "api/src/unused.js"),
        ("include-unreachable", "next/lib/format.js"),
        ("include-unreachable", "api/tools/print-routes.js"),
        ("include-unreachable", "py/dev/gen_docs.py"),
        ("include-unreachable", "tools/bump.js"),
        ("include-unreachable", "pytools/sync_catalog.py"),
    ];
    // Packages imported by name (`@shop/shared`, `shop_common`) run in the server.
    let default = server_code_project().run(&["--format", "concise"]);
    assert_eq!(default.findings().len(), 8, "{}", default.stdout);
    for (key, path) in cases {
        let project = server_code_project();
        project.file("lint500.toml", format!("{key} = true\n"));
        let run = project.run(&["--format", "concise"]);
        assert_eq!(run.code, 1, "{key}: {}", run.stderr);
        assert!(
            path.is_empty() || run.stdout.contains(&format!("{path}:")),
            "{key} brings back {path}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn an_app_in_an_examples_folder_of_its_own_is_linted() {
    let project = Project::new();
    project
        .file("examples/shop/package.json", r#"{"dependencies": {"express": "^4.0.0"}}"#)
        .file(
            "examples/shop/index.js",
            "const app = require('express')();\napp.get('/', (req, res) => {\n  try { res.send(a()); } catch (e) {}\n});\n",
        )
        .file("examples/snippet.js", "try { a(); } catch (e) {}\n");
    let run = project.run(&["--show-files"]);
    assert_eq!(
        run.stdout,
        "linted   examples/shop/index.js\nskipped  examples/snippet.js: an example (`include-examples = true` lints it)\n"
    );
}

#[test]
fn a_computed_require_keeps_every_module_of_the_package() {
    let project = Project::new();
    project
        .file("package.json", r#"{"dependencies": {"express": "^4.0.0"}}"#)
        .file(
            "app.js",
            "const app = require('express')();\nfor (const name of names) app.use(require(`./routes/${name}`));\n",
        )
        .file("routes/users.js", "exports.x = () => { try { a(); } catch (e) {} };\n");
    let run = project.run(&["--format", "concise"]);
    assert!(run.stdout.contains("routes/users.js:1:"), "{}", run.stdout);
}

#[test]
fn scripts_and_the_ui_of_a_package_that_also_serves_are_not_server_code() {
    let project = Project::new();
    project
        .file(
            "package.json",
            r#"{"dependencies": {"express": "^4.0.0", "react": "^18.0.0"}}"#,
        )
        .file(
            "app.js",
            "const app = require('express')();\napp.get('/', (req, res) => res.send('ok'));\n",
        )
        .file("scripts/seed.js", "try { a(); } catch (e) {}\n")
        .file("views/Page.jsx", "export const Page = () => <main />;\n");
    let run = project.run(&["--show-files"]);
    assert_eq!(
        run.stdout,
        "linted   app.js\n\
         skipped  scripts/seed.js: a command-line tool or script (`include-scripts = true` lints it)\n\
         skipped  views/Page.jsx: a UI component (its package has a UI framework too) (`include-browser = true` lints it)\n"
    );
}

#[test]
fn a_package_a_server_imports_by_name_is_linted_and_a_setup_module_is_no_manifest() {
    let project = Project::new();
    project.file(
        "pyproject.toml",
        "[project]\nname = \"memory\"\ndependencies = []\n",
    );
    project.file("memory/__init__.py", "");
    // A module of the import package, not the manifest of a project of its own.
    project.file("memory/setup.py", "def configure():\n    return {}\n");
    project.file(
        "memory/main.py",
        "def load(client):\n    try:\n        return client.get()\n    except Exception:\n        pass\n",
    );
    project.file(
        "tools/pyproject.toml",
        "[project]\nname = \"tools\"\ndependencies = []\n",
    );
    project.file(
        "tools/export.py",
        "def export(client):\n    try:\n        return client.dump()\n    except Exception:\n        pass\n",
    );
    project.file("server/requirements.txt", "fastapi\n");
    project.file(
        "server/main.py",
        "from fastapi import FastAPI\nfrom memory.main import load\n\napp = FastAPI()\n",
    );
    let run = project.run(&["--show-files"]);
    assert!(
        run.stdout.contains("linted   memory/main.py\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("skipped  tools/export.py: in a package with no server"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_plugin_package_the_server_declares_but_loads_by_a_computed_name_is_linted() {
    let project = Project::new();
    project.file(
        "app/package.json",
        r#"{ "name": "app", "dependencies": { "express": "^4.21.0", "@shop/plugin-audit": "1.0.0" } }"#,
    );
    project.file(
        "app/server.js",
        "const express = require('express');\nconst plugins = require('./plugins.json');\nconst app = express();\nfor (const name of Object.values(plugins)) require(name)(app);\napp.listen(3000);\n",
    );
    project.file(
        "plugin-audit/package.json",
        r#"{ "name": "@shop/plugin-audit" }"#,
    );
    project.file(
        "plugin-audit/index.js",
        "module.exports = (app) => {\n  try {\n    app.locals.audit = load();\n  } catch (e) {}\n};\n",
    );
    project.file("tools/package.json", r#"{ "name": "@shop/tools" }"#);
    project.file(
        "tools/index.js",
        "module.exports = () => {\n  try {\n    return load();\n  } catch (e) {}\n};\n",
    );
    let run = project.run(&["--show-files"]);
    assert!(
        run.stdout.contains("linted   plugin-audit/index.js\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("skipped  tools/index.js: in a package with no server"),
        "{}",
        run.stdout
    );
}

#[test]
fn dev_tools_web_view_bundles_and_vendored_code_are_not_server_code() {
    let project = Project::new();
    project.file(
        "app/package.json",
        r#"{ "name": "app", "dependencies": { "express": "^4.21.0", "@shop/mobile": "1.0.0" }, "devDependencies": { "@shop/eslint-plugin": "1.0.0" } }"#,
    );
    project.file(
        "app/server.js",
        "const express = require('express');\nconst retry = require('./vendor/retry');\nconst app = express();\napp.get('/', (req, res) => res.send(retry()));\napp.listen(3000);\n",
    );
    project.file(
        "app/vendor/retry.js",
        "module.exports = () => {\n  try {\n    return load();\n  } catch (e) {}\n};\n",
    );
    // A lint plugin the app declares only to lint itself with.
    project.file(
        "eslint-plugin/package.json",
        r#"{ "name": "@shop/eslint-plugin", "peerDependencies": { "eslint": "^9.0.0" } }"#,
    );
    project.file(
        "eslint-plugin/index.js",
        "module.exports = () => {\n  try {\n    return load();\n  } catch (e) {}\n};\n",
    );
    // A web-view app bundled with Node's builtins stood in for: it runs on a phone.
    project.file(
        "mobile/package.json",
        r#"{ "name": "@shop/mobile", "dependencies": { "crypto-browserify": "3.12.1", "i18next": "24.2.2" } }"#,
    );
    project.file(
        "mobile/src/init.js",
        "export const init = () => {\n  try {\n    return load();\n  } catch (e) {}\n};\n",
    );
    let run = project.run(&["--show-files"]);
    for expected in [
        "linted   app/server.js\n",
        "skipped  app/vendor/retry.js: vendored third-party code",
        "skipped  eslint-plugin/index.js: in a package with no server",
        "skipped  mobile/src/init.js: browser code",
    ] {
        assert!(run.stdout.contains(expected), "{expected}\n{}", run.stdout);
    }
}
