//! Request handlers: the functions that run once per request, whatever the framework. Every
//! request-time rule starts here and then looks at the facts of the functions found:
//!
//! - Express: functions registered on an app or router (`app.get`, `router.use`,
//!   `router.route(path).post`, …), inline, local, imported or passed through a wrapper
//!   (`asyncHandler(fn)`: both the wrapper's result and `fn` run per request);
//! - serverless and Next-style: `exports.handler` / `export const handler` anywhere, the
//!   default export of a module under an `api/` folder, and `GET`/`POST`/… of Next's `route`
//!   modules;
//! - FastAPI: functions decorated with `@app.get(…)` / `@router.post(…)` / … (or given to
//!   `add_api_route`) on an app made by `FastAPI()` or a router made by `APIRouter()`, and the
//!   dependency functions `Depends(fn)` / `Security(fn)` name anywhere in the project.
//!
//! [`request_time_functions`] adds what runs inside them: functions written in a handler, and
//! helpers of the same module that only request-time functions call.

use std::collections::{HashMap, HashSet};

use lint500_core::{Span, is_test_path};
use lint500_engine::{DEFAULT_EXPORT, FileId, Function, Project, ProjectFile, Resolved, Value};

use crate::express::registrations;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HandlerKind {
    Express,
    Serverless,
    FastApiRoute,
    /// A function FastAPI calls for each request that depends on it.
    FastApiDependency,
}

/// A function a framework calls for each request.
pub(crate) struct Handler<'p> {
    pub file: FileId,
    pub function: &'p Function,
    pub kind: HandlerKind,
    /// Where it is registered (the route registration or decorator), when there is one.
    pub registered: Option<(FileId, Span)>,
}

/// Why a function runs at request time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RequestTime {
    /// It is a handler of this kind.
    Handler(HandlerKind),
    /// It is written inside a request-time function (a callback, a nested `def`).
    Nested,
    /// A function of its module that only request-time functions call.
    Helper,
}

pub(crate) struct RequestTimeFunction<'p> {
    pub file: FileId,
    pub function: &'p Function,
    pub why: RequestTime,
    /// Where the handler it runs for is registered, when known.
    pub registered: Option<(FileId, Span)>,
}

/// The web frameworks and serverless platforms whose handlers this module finds: a package
/// that depends on one of them is worth reading for the request-time rules.
pub(crate) const HANDLER_FRAMEWORKS: &[&str] = &[
    "express",
    "next",
    "@vercel/node",
    "@netlify/functions",
    "@types/aws-lambda",
    "aws-lambda",
    "serverless",
    "fastapi",
];

/// Names that mean a FastAPI app or router when their value cannot be followed
/// (`def register(app: FastAPI)`), in a package that uses FastAPI.
const FASTAPI_RECEIVER_NAMES: &[&str] = &["app", "router", "api", "api_router"];

/// HTTP method exports of Next's `route` modules (`app/api/users/route.ts`).
const NEXT_ROUTE_EXPORTS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Every request handler of the project, each function once (its first registration wins).
/// Test files are left out, and so are cached functions (`@lru_cache`): they run once.
pub(crate) fn handlers(project: &Project) -> Vec<Handler<'_>> {
    let mut found = Found::default();
    for registered in registrations(project) {
        let at = Some((registered.file, registered.registration.span));
        for handler in &registered.registration.handlers {
            for (file, function) in functions_of(project, registered.file, handler) {
                found.add(file, function, HandlerKind::Express, at);
            }
        }
    }
    for (file, project_file) in project.files() {
        if is_test_path(relative_to_package(project, file, project_file)) {
            continue;
        }
        if project_file.facts.module.is_some() {
            for name in serverless_exports(project, file, project_file) {
                if let Resolved::Function { file, function } = project.resolve_export(file, name, 0)
                {
                    found.add(file, function, HandlerKind::Serverless, None);
                }
            }
        }
        let Some(module) = &project_file.facts.python else {
            continue;
        };
        for route in &module.routes {
            if !is_fastapi_receiver(project, file, &route.receiver) {
                continue;
            }
            for handler in &route.handlers {
                for (defined_in, function) in functions_of(project, file, handler) {
                    let at = Some((file, route.span));
                    found.add(defined_in, function, HandlerKind::FastApiRoute, at);
                }
            }
        }
        for dependency in &module.dependencies {
            for (defined_in, function) in functions_of(project, file, dependency) {
                found.add(defined_in, function, HandlerKind::FastApiDependency, None);
            }
        }
    }
    found.handlers
}

/// The handlers and everything that runs inside them: functions written in a request-time
/// function, and functions of the same module that are called only by request-time functions
/// (not while the module loads, not from startup code, not from other functions).
pub(crate) fn request_time_functions(project: &Project) -> Vec<RequestTimeFunction<'_>> {
    let mut found: Vec<RequestTimeFunction<'_>> = handlers(project)
        .into_iter()
        .map(|handler| RequestTimeFunction {
            file: handler.file,
            function: handler.function,
            why: RequestTime::Handler(handler.kind),
            registered: handler.registered,
        })
        .collect();
    let mut by_file: HashMap<FileId, Vec<usize>> = HashMap::new();
    for (index, function) in found.iter().enumerate() {
        by_file.entry(function.file).or_default().push(index);
    }
    let mut files: Vec<FileId> = by_file.keys().copied().collect();
    files.sort_unstable();
    for file in files {
        let functions = module_functions(project, file);
        let mut callers: HashMap<usize, Vec<usize>> = HashMap::new();
        for caller in functions {
            for &callee in &caller.calls {
                callers.entry(callee).or_default().push(caller.start_byte);
            }
        }
        // Start byte → where the handler it runs for is registered.
        let mut request_time: HashMap<usize, Option<(FileId, Span)>> = by_file[&file]
            .iter()
            .map(|&index| (found[index].function.start_byte, found[index].registered))
            .collect();
        // Functions come in source order, so one round reaches every nested function; a helper
        // may wait for its callers. Each round adds a function or ends.
        loop {
            let mut added = false;
            for function in functions {
                if request_time.contains_key(&function.start_byte) || function.cached {
                    continue;
                }
                let nested_in = function
                    .enclosing
                    .and_then(|enclosing| request_time.get(&enclosing).copied());
                let helper_of = || {
                    let callers = callers.get(&function.start_byte)?;
                    if function.called_at_load {
                        return None;
                    }
                    callers
                        .iter()
                        .map(|caller| request_time.get(caller).copied())
                        .collect::<Option<Vec<_>>>()
                        .and_then(|registered| registered.into_iter().next())
                };
                let (why, registered) = match nested_in {
                    Some(registered) => (RequestTime::Nested, registered),
                    None => match helper_of() {
                        Some(registered) => (RequestTime::Helper, registered),
                        None => continue,
                    },
                };
                request_time.insert(function.start_byte, registered);
                found.push(RequestTimeFunction {
                    file,
                    function,
                    why,
                    registered,
                });
                added = true;
            }
            if !added {
                break;
            }
        }
    }
    found
}

/// Handlers gathered once each.
#[derive(Default)]
struct Found<'p> {
    handlers: Vec<Handler<'p>>,
    seen: HashSet<(FileId, usize)>,
}

impl<'p> Found<'p> {
    fn add(
        &mut self,
        file: FileId,
        function: &'p Function,
        kind: HandlerKind,
        registered: Option<(FileId, Span)>,
    ) {
        if !function.cached && self.seen.insert((file, function.start_byte)) {
            self.handlers.push(Handler {
                file,
                function,
                kind,
                registered,
            });
        }
    }
}

/// The functions a handler value stands for: what it resolves to, and for a call (a wrapper
/// such as `asyncHandler(fn)`, `Depends(get_db)` already unwrapped) the functions among its
/// arguments too.
fn functions_of<'p>(
    project: &'p Project,
    file: FileId,
    value: &'p Value,
) -> Vec<(FileId, &'p Function)> {
    let mut functions = Vec::new();
    if let Resolved::Function { file, function } = project.resolve(file, value) {
        functions.push((file, function));
    }
    if let Value::Call(call) = value {
        for argument in &call.arguments {
            if let Resolved::Function { file, function } = project.resolve(file, argument) {
                functions.push((file, function));
            }
        }
    }
    functions
}

/// The names a JavaScript module exports as serverless or Next-style handlers.
fn serverless_exports(
    project: &Project,
    file: FileId,
    project_file: &ProjectFile,
) -> Vec<&'static str> {
    let path = relative_to_package(project, file, project_file);
    let mut names = vec!["handler"];
    let in_api_folder = path
        .parent()
        .is_some_and(|folder| folder.components().any(|part| part.as_os_str() == "api"));
    if in_api_folder {
        names.push(DEFAULT_EXPORT);
    }
    if path.file_stem().is_some_and(|stem| stem == "route") {
        names.extend_from_slice(NEXT_ROUTE_EXPORTS);
    }
    names
}

/// Whether a decorator's receiver is a FastAPI app or router: resolved to `FastAPI()` /
/// `APIRouter()`, or of unknown value but named like one in a package that uses FastAPI.
fn is_fastapi_receiver(project: &Project, file: FileId, receiver: &Value) -> bool {
    match project.resolve(file, receiver) {
        Resolved::FastApiApp { .. } | Resolved::FastApiRouter { .. } => true,
        Resolved::Unknown => {
            let name = match receiver {
                Value::Name(name) | Value::Member(_, name) => name.as_str(),
                _ => return false,
            };
            let package = project.package_of(file);
            (FASTAPI_RECEIVER_NAMES.contains(&name) || name.ends_with("_router"))
                && (package.depends_on("fastapi") || package.imports("fastapi"))
        }
        _ => false,
    }
}

/// The functions the facts keep of a JavaScript or Python module, sorted by start byte.
pub(crate) fn module_functions(project: &Project, file: FileId) -> &[Function] {
    let facts = &project.file(file).facts;
    match (&facts.module, &facts.python) {
        (Some(module), _) => &module.functions,
        (_, Some(module)) => &module.functions,
        _ => &[],
    }
}

fn relative_to_package<'p>(
    project: &Project,
    file: FileId,
    project_file: &'p ProjectFile,
) -> &'p std::path::Path {
    project_file
        .path
        .strip_prefix(&project.package_of(file).root)
        .unwrap_or(&project_file.path)
}
