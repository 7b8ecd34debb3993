//! `unhandled-rejection`: a process-level error listener that keeps a broken process serving
//! (`uncaughtException` without an exit, a rethrow or a signal to the process manager), one that
//! drops the rejection reason (`unhandledRejection` never naming it), and a server started with
//! `--unhandled-rejections=warn|none` in a package without an `unhandledRejection` listener.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use lint500_core::{Label, Span};
use lint500_engine::{
    Ending, FileId, PackageId, ProcessListener, Project, ProjectContext, Resolved, Rule, Value,
    is_shutdown_name,
};
use lint500_knowledge::servers::{Creates, NODE_RUNNERS, NODE_SERVER_FRAMEWORKS};

use crate::express::{point_to, resolve_app, value_name};

pub struct UnhandledRejection;

/// How many calls deep an ending is followed across modules.
const MAX_CALL_DEPTH: usize = 16;

/// The flag values that turn an unhandled rejection into a warning, or into nothing.
const LENIENT_MODES: &[&str] = &["warn", "none"];

impl Rule for UnhandledRejection {
    fn document(&self) -> &'static str {
        include_str!("../../../rules/unhandled-rejection.md")
    }

    fn project_dependencies(&self) -> &'static [&'static str] {
        NODE_SERVER_FRAMEWORKS
    }

    fn check_project(&self, project: &Project, ctx: &mut ProjectContext<'_>) {
        let mut with_rejection_listener: HashSet<PackageId> = HashSet::new();
        let mut files_of: HashMap<PackageId, Vec<FileId>> = HashMap::new();
        for (file, project_file) in project.files() {
            let Some(module) = &project_file.facts.module else {
                continue;
            };
            files_of.entry(project_file.package).or_default().push(file);
            for listener in &module.process_listeners {
                if listener.event == "unhandledRejection" {
                    with_rejection_listener.insert(project_file.package);
                }
                check_listener(project, ctx, file, listener);
            }
        }
        let mut packages: Vec<_> = files_of.into_iter().collect();
        packages.sort_by_key(|(package, _)| *package);
        for (package, files) in packages {
            if with_rejection_listener.contains(&package) {
                continue;
            }
            check_lenient_start(project, ctx, &files);
        }
    }
}

fn check_listener(
    project: &Project,
    ctx: &mut ProjectContext<'_>,
    file: FileId,
    listener: &ProcessListener,
) {
    let uncaught = listener.event == "uncaughtException";
    let (defined_in, function) = match project.resolve(file, &listener.handler) {
        Resolved::Function { file, function } => (file, Some(function)),
        // `process.on('uncaughtException', console.error)`: it logs and returns.
        _ if is_log_call(&listener.handler) => (file, None),
        _ => return,
    };
    let (message, help) = if uncaught {
        let ends =
            function.is_some_and(|function| ends_process(project, defined_in, &function.ending, 0));
        if ends {
            return;
        }
        (
            "This `uncaughtException` listener lets the process go on serving after an \
             exception nothing caught: it neither exits, nor rethrows, nor signals the process \
             manager on every path",
            "Log the error with its stack, then end the process: `process.exit(1)` (after \
             `server.close(…)` to finish the requests in flight), a shutdown function that does, \
             or `throw err`; the process manager starts a clean one",
        )
    } else {
        if !function.is_some_and(|function| function.ignores_first_argument) {
            return;
        }
        (
            "This `unhandledRejection` listener drops the rejection reason: the error that \
             rejected the promise is never logged nor rethrown",
            "Take the reason and log it with its stack, or rethrow it (`throw reason`) so that it \
             ends the process as an uncaught exception does",
        )
    };
    let diagnostic = ctx.report(file, listener.handler_span, message, help);
    diagnostic.labels.push(Label {
        span: listener.event_span,
        message: listener.event.clone(),
    });
    if let (Some(function), true) = (function, defined_in != file) {
        point_to(
            project,
            diagnostic,
            file,
            (defined_in, function.signature),
            "the handler",
            "the handler is defined at",
        );
    }
}

/// Whether a function with this ending, written in `file`, ends the process on every path.
fn ends_process(project: &Project, file: FileId, ending: &Ending, depth: usize) -> bool {
    match ending {
        Ending::Always => true,
        Ending::Never => false,
        Ending::Any(parts) => parts
            .iter()
            .any(|part| ends_process(project, file, part, depth)),
        Ending::All(parts) => parts
            .iter()
            .all(|part| ends_process(project, file, part, depth)),
        Ending::Call(callee) if depth < MAX_CALL_DEPTH => match project.resolve(file, callee) {
            Resolved::Function { file, function } => {
                ends_process(project, file, &function.ending, depth + 1)
            }
            // A module of the project whose facts are known: what it does not keep ends nothing.
            _ if imports_known_module(project, file, callee) => false,
            // A function lint500 cannot follow (a path alias, a package): trust its name.
            _ => value_name(callee).is_some_and(is_shutdown_name),
        },
        Ending::Call(_) => false,
    }
}

/// Whether the name `callee` starts with is imported from a module of the project whose facts
/// were gathered.
fn imports_known_module(project: &Project, file: FileId, callee: &Value) -> bool {
    let root = match callee {
        Value::Name(name) => name,
        Value::Member(object, _) => match object.as_ref() {
            Value::Name(name) => name,
            _ => return false,
        },
        _ => return false,
    };
    let Some(module) = &project.file(file).facts.module else {
        return false;
    };
    module
        .import(root)
        .and_then(|import| project.resolve_module(file, &import.specifier))
        .is_some_and(|target| project.file(target).facts.module.is_some())
}

/// `console.error`, `logger.error`: a logging function given as the listener.
fn is_log_call(handler: &Value) -> bool {
    let Value::Member(object, method) = handler else {
        return false;
    };
    let Value::Name(object) = object.as_ref() else {
        return false;
    };
    object == "console"
        || (object.to_ascii_lowercase().contains("log")
            && matches!(
                method.as_str(),
                "error" | "fatal" | "warn" | "log" | "info" | "debug" | "trace"
            ))
}

/// A package whose `package.json` starts a server with `--unhandled-rejections=warn|none`
/// (directly or in `NODE_OPTIONS`) and which has no `unhandledRejection` listener: reported
/// where the server started by that script listens.
fn check_lenient_start(project: &Project, ctx: &mut ProjectContext<'_>, files: &[FileId]) {
    let Some(&first) = files.first() else {
        return;
    };
    let package = project.package_of(first);
    for (script, command) in &package.scripts {
        let Some((mode, entry)) = lenient_start(command) else {
            continue;
        };
        let entry_file =
            entry.and_then(|entry| project.file_at(&lexically_normal(&package.root.join(entry))));
        let started: Vec<FileId> = match entry_file {
            Some(entry) => reached_from(project, entry),
            // A build output (`dist/server.js`) or a file lint500 did not read: the servers of
            // the package.
            None if entry.is_none_or(|entry| !is_script_path(entry)) => files.to_vec(),
            None => Vec::new(),
        };
        for file in started {
            let Some(module) = &project.file(file).facts.module else {
                continue;
            };
            for listen in &module.listen_calls {
                if !starts_server(project, file, &listen.receiver) {
                    continue;
                }
                report_lenient(ctx, file, listen.span, script, mode);
            }
        }
    }
}

fn report_lenient(
    ctx: &mut ProjectContext<'_>,
    file: FileId,
    span: Span,
    script: &str,
    mode: &str,
) {
    ctx.report(
        file,
        span,
        format!(
            "This server is started with `--unhandled-rejections={mode}` (package.json script \
             `{script}`) and the package has no `unhandledRejection` listener: a rejection \
             nothing handles is only a warning, and the request it belongs to hangs"
        ),
        "Drop the flag (Node's default ends the process on an unhandled rejection), or add \
         `process.on('unhandledRejection', (reason) => { … })` that logs the reason with its \
         stack and exits",
    );
}

/// The lenient mode a script command starts Node with, and the file it runs (when it names
/// one): `node --unhandled-rejections=warn server.js`, `NODE_OPTIONS=--unhandled-rejections=none
/// nodemon src/index.ts`.
fn lenient_start(command: &str) -> Option<(&'static str, Option<&str>)> {
    for segment in command.split(['&', ';', '|']) {
        let Some(at) = segment.find("--unhandled-rejections") else {
            continue;
        };
        let value = segment[at + "--unhandled-rejections".len()..]
            .trim_start_matches(['=', ' '])
            .split(|c: char| c.is_whitespace() || c == '\'' || c == '"')
            .next()
            .unwrap_or("");
        let Some(&mode) = LENIENT_MODES.iter().find(|mode| **mode == value) else {
            continue;
        };
        let tokens: Vec<&str> = segment
            .split_whitespace()
            .map(|token| token.trim_matches(['\'', '"']))
            .collect();
        let Some(runner) = tokens.iter().position(|token| {
            NODE_RUNNERS.contains(
                &Path::new(token)
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or(""),
            )
        }) else {
            continue;
        };
        let entry = tokens[runner + 1..]
            .iter()
            .find(|token| !token.starts_with('-') && !token.contains('='))
            .copied();
        return Some((mode, entry));
    }
    None
}

/// `scripts/seed.js`, `bin/migrate.js`: a script run by hand, not a server.
fn is_script_path(entry: &str) -> bool {
    Path::new(entry).components().any(|part| {
        matches!(
            part.as_os_str().to_str(),
            Some("scripts" | "bin" | "cli" | "migrations" | "seeds" | "seeders")
        )
    })
}

/// `root/./src/../server.js` → `root/server.js`, as the project keys its files.
fn lexically_normal(path: &Path) -> std::path::PathBuf {
    let mut normal = std::path::PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

/// The entry file and the project modules it imports, directly or not.
fn reached_from(project: &Project, entry: FileId) -> Vec<FileId> {
    let mut seen = vec![entry];
    let mut pending = vec![entry];
    while let Some(file) = pending.pop() {
        let Some(module) = &project.file(file).facts.module else {
            continue;
        };
        for specifier in &module.specifiers {
            if let Some(target) = project.resolve_module(file, specifier)
                && !seen.contains(&target)
            {
                seen.push(target);
                pending.push(target);
            }
        }
    }
    seen.sort_unstable();
    seen
}

/// Whether `receiver.listen(…)` starts an HTTP server: an Express app, a server made by
/// `createServer(…)`, or a name that says it is one (`server`, `httpServer`, `app`).
fn starts_server(project: &Project, file: FileId, receiver: &Value) -> bool {
    match resolve_app(project, file, receiver) {
        Resolved::Created {
            creates: Creates::ExpressApp,
            ..
        } => return true,
        Resolved::CallResult { call, .. } => {
            return value_name(&call.callee).is_some_and(|name| name == "createServer");
        }
        _ => {}
    }
    if let Value::Call(call) = receiver {
        return value_name(&call.callee).is_some_and(|name| name == "createServer");
    }
    value_name(receiver).is_some_and(|name| {
        let lower = name.to_ascii_lowercase();
        lower == "app" || lower.ends_with("server") || lower.ends_with("app")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_starts_are_read_from_script_commands() {
        assert_eq!(
            lenient_start("node --unhandled-rejections=warn server.js"),
            Some(("warn", Some("server.js")))
        );
        assert_eq!(
            lenient_start(
                "cross-env NODE_OPTIONS='--unhandled-rejections=none' nodemon src/index.ts"
            ),
            Some(("none", Some("src/index.ts")))
        );
        assert_eq!(
            lenient_start(
                "tsc && node --unhandled-rejections=warn --enable-source-maps dist/main.js"
            ),
            Some(("warn", Some("dist/main.js")))
        );
        assert_eq!(
            lenient_start("node --unhandled-rejections=strict server.js"),
            None
        );
        assert_eq!(
            lenient_start("node --unhandled-rejections=warn-with-error-code server.js"),
            None
        );
        assert_eq!(lenient_start("jest --unhandled-rejections=warn"), None);
        assert!(is_script_path("scripts/seed.js"));
        assert!(!is_script_path("src/server.js"));
    }
}
