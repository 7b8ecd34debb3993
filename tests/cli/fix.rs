use std::fs;

use crate::support::Project;

const PACKAGE_JSON: &str = r#"{ "dependencies": { "express": "^4.21.0" } }"#;

const ROUTES_JS: &str = "const express = require('express');\nconst { getUser } = require('./users');\n\nconst app = express();\n\napp.get('/users/:id', async (req, res) => {\n  try {\n    const name = getUser(req.params.id).name;\n    res.json({ name });\n  } catch (err) {\n    console.error('lookup failed', err.message);\n    res.status(500).end();\n  }\n});\n\nmodule.exports = app;\n";

const USERS_JS: &str = "async function getUser(id) {\n  return { id, name: 'Ada' };\n}\n\nmodule.exports = { getUser };\n";

/// With Windows line breaks and a byte-order mark, which a fix keeps.
const JOBS_PY: &str = "\u{feff}import logging\r\nfrom .tasks import work\r\nlogger = logging.getLogger(__name__)\r\n\r\n\r\ndef run_job():\r\n    try:\r\n        work()\r\n    except Exception as e:\r\n        logger.error(f\"job failed: {e}\")\r\n";

fn project() -> Project {
    let project = Project::new();
    project
        .file("package.json", PACKAGE_JSON)
        .file("src/routes.js", ROUTES_JS)
        .file("src/users.js", USERS_JS)
        .file("jobs.py", JOBS_PY);
    project
}

fn read(project: &Project, path: &str) -> String {
    fs::read_to_string(project.path().join(path)).expect("read")
}

#[test]
fn diff_shows_the_safe_fixes_and_writes_nothing() {
    let project = project();
    let run = project.run(&["--diff"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "--- jobs.py\n+++ jobs.py\n@@ -7,4 +7,4 @@\n     try:\r\n         work()\r\n     except Exception as e:\r\n-        logger.error(f\"job failed: {e}\")\r\n+        logger.exception(f\"job failed: {e}\")\r\n--- src/routes.js\n+++ src/routes.js\n@@ -8,7 +8,7 @@\n     const name = getUser(req.params.id).name;\n     res.json({ name });\n   } catch (err) {\n-    console.error('lookup failed', err.message);\n+    console.error('lookup failed', err);\n     res.status(500).end();\n   }\n });\n"
    );
    assert!(
        run.stderr.contains("2 fixes would be made in 2 files"),
        "{}",
        run.stderr
    );
    assert_eq!(read(&project, "src/routes.js"), ROUTES_JS);
    assert_eq!(read(&project, "jobs.py"), JOBS_PY);

    // The unsafe `await`, across modules, only when asked for.
    let run = project.run(&["--diff", "--unsafe-fixes"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("+    const name = (await getUser(req.params.id)).name;\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("3 fixes would be made in 2 files"),
        "{}",
        run.stderr
    );
}

#[test]
fn fix_writes_the_safe_fixes_and_reports_what_remains() {
    let project = project();
    let before = project.run(&["--format", "concise"]);
    assert_eq!(before.findings().len(), 4, "{}", before.stdout);

    let run = project.run(&["--fix", "--format", "concise"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // The missing error middleware has no fix, and the `await` is unsafe.
    let remaining = run.findings();
    assert_eq!(remaining.len(), 2, "{}", run.stdout);
    assert!(
        remaining[0].contains("missing-error-middleware"),
        "{remaining:?}"
    );
    assert!(remaining[1].contains("missing-await"), "{remaining:?}");
    assert!(run.stderr.contains(", 2 fixed"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("1 unsafe fix left: --unsafe-fixes makes them"),
        "{}",
        run.stderr
    );
    assert_eq!(
        read(&project, "jobs.py"),
        JOBS_PY.replace("logger.error(", "logger.exception(")
    );
    assert_eq!(
        read(&project, "src/routes.js"),
        ROUTES_JS.replace("err.message);", "err);")
    );

    // Nothing safe is left to fix; the unsafe fix on request.
    let again = project.run(&["--fix", "--unsafe-fixes", "--format", "concise"]);
    assert_eq!(again.code, 1, "{}", again.stderr);
    assert_eq!(again.findings().len(), 1, "{}", again.stdout);
    assert!(again.stderr.contains(", 1 fixed"), "{}", again.stderr);
    assert!(
        read(&project, "src/routes.js")
            .contains("    const name = (await getUser(req.params.id)).name;\n")
    );

    // The files parse, and a last --diff has nothing to show.
    let last = project.run(&["--diff"]);
    assert_eq!(
        (last.code, last.stdout.as_str()),
        (0, ""),
        "{}",
        last.stderr
    );
    assert!(!last.stderr.contains("syntax error"), "{}", last.stderr);
}

#[test]
fn unsafe_fixes_alone_is_refused() {
    let project = project();
    let run = project.run(&["--unsafe-fixes"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("--unsafe-fixes goes with --fix or --diff"),
        "{}",
        run.stderr
    );
}
