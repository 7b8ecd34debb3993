//! Request handlers: the functions that run once per request, whatever the framework. Every
//! request-time rule starts here and then looks at the facts of the functions found:
//!
//! - Express: functions registered on an app or router (`app.get`, `router.use`,
//!   `router.route(path).post`, …), inline, local, imported or passed through a wrapper
//!   (`asyncHandler(fn)`: both the wrapper's result and `fn` run per request);
//! - serverless and Next-style, by shape wherever they are and whatever the package depends
//!   on: `exports.handler` / `export const handler` / `export async function handler`, any
//!   exported function taking Lambda's `(event[, context[, callback]])`, the default export of
//!   a module under an `api/` folder, and `GET`/`POST`/… of Next's `route` modules;
//! - FastAPI: functions decorated with `@app.get(…)` / `@router.post(…)` / … (or given to
//!   `add_api_route`) on an app made by `FastAPI()` or a router made by `APIRouter()`, and the
//!   dependency functions `Depends(fn)` / `Security(fn)` name anywhere in the project.
//!
//! [`request_time_functions`] adds what runs inside them: functions written in a handler,
//! helpers of the same module that only request-time functions call, and the functions of
//! other modules they call by an imported name. Calls made, and functions written, only in a
//! create-once initialiser (`if (!ready) { ready = init(); }` on a module-level `ready`) are
//! not followed: they run once per process, whichever request comes first.

use std::collections::{BTreeSet, HashMap, HashSet};

use lint500_core::{Span, is_test_path};
use lint500_engine::{
    Call, DEFAULT_EXPORT, FileId, Function, MODULE_EXPORTS, Project, ProjectFile, Resolved, Value,
};
use lint500_knowledge::servers::{
    Creates, EVENT_PARAMETERS, FASTAPI_RECEIVER_NAMES, HANDLER_EXPORT, NEXT_ROUTE_METHODS,
    PY_HANDLER_NAMES,
};

use crate::express::registrations;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HandlerKind {
    Express,
    /// A Lambda-style function: `handler`, or an export taking `(event, context)`.
    Serverless,
    /// A Next.js API route or App Router route handler, a Vercel function.
    ApiRoute,
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
    /// A function of another module that a request-time function calls by an imported name.
    Called,
}

pub(crate) struct RequestTimeFunction<'p> {
    pub file: FileId,
    pub function: &'p Function,
    pub why: RequestTime,
    /// Where the handler it runs for is registered, when known.
    pub registered: Option<(FileId, Span)>,
}

/// How many wrappers around a handler are looked through (`withA(withB(handler))`).
const MAX_WRAPPERS: usize = 4;

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
            for (file, function, kind) in serverless_exports(project, file, project_file) {
                found.add(file, function, kind, None);
            }
        }
        let Some(module) = &project_file.facts.python else {
            continue;
        };
        for function in module
            .functions
            .iter()
            .filter(|f| is_python_lambda_handler(f))
        {
            found.add(file, function, HandlerKind::Serverless, None);
        }
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
/// function; functions of the same module that are called only by request-time functions
/// (not while the module loads, not from startup code, not from other functions); and
/// functions of other modules that a request-time function calls by an imported name
/// (`createLead(…)`, `users.create(…)`), unless their module calls them while it loads. Only
/// calls made each time the caller runs count (see `Function::calls_each_time`).
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
    // By file: start byte → where the handler it runs for is registered.
    let mut request_time: HashMap<FileId, HashMap<usize, Option<(FileId, Span)>>> = HashMap::new();
    for function in &found {
        request_time
            .entry(function.file)
            .or_default()
            .insert(function.function.start_byte, function.registered);
    }
    // Files to look at again, in order: each time one gains a request-time function.
    let mut pending: BTreeSet<FileId> = request_time.keys().copied().collect();
    while let Some(file) = pending.pop_first() {
        let functions = module_functions(project, file);
        let known = request_time.entry(file).or_default();
        extend_within_module(file, functions, known, &mut found);
        let known = &request_time[&file];
        let mut reached = Vec::new();
        for caller in functions {
            let Some(&registered) = known.get(&caller.start_byte) else {
                continue;
            };
            // A call made only while the caller creates something once (`if (!ready) {
            // ready = init() }`) runs once per process: what it reaches is not request-time.
            for callee in caller.imported_calls_each_time() {
                if let Resolved::Function {
                    file: defined,
                    function,
                } = project.resolve(file, callee)
                    && defined != file
                    && !function.cached
                    && !function.called_at_load
                {
                    reached.push((defined, function, registered));
                }
            }
        }
        for (defined, function, registered) in reached {
            let known = request_time.entry(defined).or_default();
            if known.contains_key(&function.start_byte) {
                continue;
            }
            known.insert(function.start_byte, registered);
            found.push(RequestTimeFunction {
                file: defined,
                function,
                why: RequestTime::Called,
                registered,
            });
            pending.insert(defined);
        }
    }
    found
}

/// Adds to `known` (and `found`) the functions of `file` that run inside its request-time
/// functions: those written in one, and those only request-time functions call.
fn extend_within_module<'p>(
    file: FileId,
    functions: &'p [Function],
    known: &mut HashMap<usize, Option<(FileId, Span)>>,
    found: &mut Vec<RequestTimeFunction<'p>>,
) {
    let mut callers: HashMap<usize, Vec<usize>> = HashMap::new();
    for caller in functions {
        for callee in caller.calls_each_time() {
            callers.entry(callee).or_default().push(caller.start_byte);
        }
    }
    // Functions come in source order, so one round reaches every nested function; a helper
    // may wait for its callers. Each round adds a function or ends.
    loop {
        let mut added = false;
        for function in functions {
            if known.contains_key(&function.start_byte) || function.cached {
                continue;
            }
            let nested_in = function
                .enclosing
                .filter(|_| !function.created_once)
                .and_then(|enclosing| known.get(&enclosing).copied());
            let helper_of = || {
                let callers = callers.get(&function.start_byte)?;
                if function.called_at_load {
                    return None;
                }
                callers
                    .iter()
                    .map(|caller| known.get(caller).copied())
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
            known.insert(function.start_byte, registered);
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

/// The functions a JavaScript module exports as serverless or Next-style handlers: its
/// `handler` export; an exported function shaped like a Lambda handler, taking `(event[,
/// context[, callback]])`; the default export of a module under an `api/` folder (Next's
/// `pages/api`, Vercel functions); and the HTTP methods of Next's `route` modules.
fn serverless_exports<'p>(
    project: &'p Project,
    file: FileId,
    project_file: &'p ProjectFile,
) -> Vec<(FileId, &'p Function, HandlerKind)> {
    let path = relative_to_package(project, file, project_file);
    let mut names: Vec<(&str, HandlerKind)> = vec![(HANDLER_EXPORT, HandlerKind::Serverless)];
    let in_api_folder = path
        .parent()
        .is_some_and(|folder| folder.components().any(|part| part.as_os_str() == "api"));
    if in_api_folder {
        names.push((DEFAULT_EXPORT, HandlerKind::ApiRoute));
    }
    if path.file_stem().is_some_and(|stem| stem == "route") {
        names.extend(
            NEXT_ROUTE_METHODS
                .iter()
                .map(|method| (*method, HandlerKind::ApiRoute)),
        );
    }
    let mut found: Vec<(FileId, &Function, HandlerKind)> = Vec::new();
    for (name, kind) in names {
        match project.resolve_export(file, name, 0) {
            Resolved::Function { file, function } => found.push((file, function, kind)),
            // `export default withAuth(handler)`, `withMiddleware('verify')(handler)`.
            Resolved::CallResult { file, call } => found.extend(
                wrapped(project, file, call)
                    .into_iter()
                    .map(|(file, function)| (file, function, kind)),
            ),
            _ => {}
        }
    }
    // Lambda handlers go by any name (`module.exports.create = (event, context, cb) => …`).
    let Some(module) = &project_file.facts.module else {
        return found;
    };
    let mut exported: Vec<&str> = Vec::new();
    for export in &module.exports {
        match (&export.value, export.name.as_str()) {
            (Value::Object(members), MODULE_EXPORTS) => {
                exported.extend(members.iter().map(|(name, _)| name.as_str()));
            }
            (_, MODULE_EXPORTS | DEFAULT_EXPORT) => {}
            (_, name) => exported.push(name),
        }
    }
    for name in exported {
        if let Resolved::Function { file, function } = project.resolve_export(file, name, 0)
            && is_lambda_shaped(function)
        {
            found.push((file, function, HandlerKind::Serverless));
        }
    }
    found
}

/// The functions a wrapper call is given: its arguments, and those of the calls that made the
/// wrapper (`withMiddleware('verify')(handler)`), a few levels deep.
fn wrapped<'p>(project: &'p Project, file: FileId, call: &'p Call) -> Vec<(FileId, &'p Function)> {
    let mut found = Vec::new();
    let mut call = Some(call);
    for _ in 0..MAX_WRAPPERS {
        let Some(current) = call else {
            break;
        };
        for argument in &current.arguments {
            match project.resolve(file, argument) {
                Resolved::Function { file, function } => found.push((file, function)),
                Resolved::CallResult { file, call } if argument_is_call(argument) => {
                    found.extend(wrapped(project, file, call));
                }
                _ => {}
            }
        }
        call = match &current.callee {
            Value::Call(inner) => Some(inner),
            _ => None,
        };
    }
    found
}

/// Whether a wrapper's argument is itself a wrapped handler written in place
/// (`withA(withB(handler))`): only those are followed, not calls through names.
fn argument_is_call(argument: &Value) -> bool {
    matches!(argument, Value::Call(_))
}

/// `(event)`, `(event, context)` or `(event, context, callback)`: what Lambda calls.
/// A module-level Python function named like a Lambda handler (`lambda_handler`) or taking
/// Lambda's `(event, context)`; not a method.
fn is_python_lambda_handler(function: &Function) -> bool {
    let method = matches!(function.first_parameter.as_deref(), Some("self" | "cls"));
    function.enclosing.is_none()
        && !method
        && (function
            .name
            .as_deref()
            .is_some_and(|name| PY_HANDLER_NAMES.contains(&name))
            || (function.arity == 2 && is_lambda_shaped(function)))
}

fn is_lambda_shaped(function: &Function) -> bool {
    function.arity <= 3
        && function
            .first_parameter
            .as_deref()
            .is_some_and(|first| EVENT_PARAMETERS.contains(&first))
}

/// Whether a decorator's receiver is a FastAPI app or router: resolved to `FastAPI()` /
/// `APIRouter()`, or of unknown value but named like one in a package that uses FastAPI.
fn is_fastapi_receiver(project: &Project, file: FileId, receiver: &Value) -> bool {
    match project.resolve(file, receiver) {
        Resolved::Created {
            creates: Creates::FastApiApp | Creates::FastApiRouter,
            ..
        } => true,
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

pub(crate) fn relative_to_package<'p>(
    project: &Project,
    file: FileId,
    project_file: &'p ProjectFile,
) -> &'p std::path::Path {
    project_file
        .path
        .strip_prefix(&project.package_of(file).root)
        .unwrap_or(&project_file.path)
}
