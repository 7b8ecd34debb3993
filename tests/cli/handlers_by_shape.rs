//! Serverless and Next.js handlers found by their shape, in packages that name no framework,
//! and followed into the modules they import however the project names them.

use crate::support::Project;

const SEED: &str = "\
const { PrismaClient } = require('@prisma/client');

exports.handler = async (event) => {
  const prisma = new PrismaClient();
  const lead = await prisma.lead.create({ data: JSON.parse(event.body) });
  return { statusCode: 201, body: JSON.stringify(lead) };
};
";

#[test]
fn the_seed_lambda_is_found_whatever_its_file_is_called_and_its_package_depends_on() {
    let project = Project::new();
    project
        .file(
            "package.json",
            r#"{ "name": "leads", "dependencies": { "@prisma/client": "^5.0.0" } }"#,
        )
        .file("create-lead.js", SEED);
    let run = project.run(&["--format", "concise"]);
    assert_eq!(
        run.findings(),
        ["create-lead.js:4:18: error[client-in-handler]"],
        "{}",
        run.stderr
    );
    // The client built once per container is what the fix looks like.
    project.file(
        "create-lead.js",
        SEED.replace(
            "exports.handler = async (event) => {\n  const prisma = new PrismaClient();\n",
            "const prisma = new PrismaClient();\n\nexports.handler = async (event) => {\n",
        ),
    );
    let run = project.run(&["--format", "concise"]);
    assert_eq!(run.findings(), Vec::<String>::new(), "{}", run.stdout);
}

#[test]
fn a_handler_linted_alone_is_followed_into_the_modules_of_its_package() {
    let project = Project::new();
    project
        .file(
            "package.json",
            r#"{ "name": "leads", "dependencies": { "pg": "^8.0.0" } }"#,
        )
        .file(
            "functions/show.js",
            "const { findLead } = require('../lib/db');\n\nmodule.exports.show = async (event, context) => {\n  const lead = findLead(event.pathParameters.id);\n  return { statusCode: 200, body: lead.email };\n};\n",
        )
        .file(
            "lib/db.js",
            "const { Pool } = require('pg');\n\nexports.findLead = async (id) => {\n  const pool = new Pool();\n  const { rows } = await pool.query('select * from leads where id = $1', [id]);\n  return rows[0];\n};\n",
        );
    // An editor lints the handler's file alone: what it imports is still known to be async.
    let run = project.run(&["--format", "concise", "functions/show.js"]);
    assert_eq!(
        run.findings(),
        ["functions/show.js:4:16: error[missing-await]"],
        "{}",
        run.stderr
    );
    // The whole package: the pool built per invocation in the module the handler calls.
    let run = project.run(&["--format", "concise"]);
    assert_eq!(
        run.findings(),
        [
            "functions/show.js:4:16: error[missing-await]",
            "lib/db.js:4:16: error[client-in-handler]"
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn an_exported_function_that_is_not_shaped_like_a_handler_is_not_one() {
    let project = Project::new();
    project
        .file(
            "package.json",
            r#"{ "name": "tools", "dependencies": { "@prisma/client": "^5.0.0" } }"#,
        )
        .file(
            "reset.js",
            "const { PrismaClient } = require('@prisma/client');\n\nexports.reset = async (options) => {\n  const prisma = new PrismaClient();\n  await prisma.lead.deleteMany();\n};\n",
        );
    let run = project.run(&["--format", "concise"]);
    assert_eq!(run.findings(), Vec::<String>::new(), "{}", run.stdout);
}
