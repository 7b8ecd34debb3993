//! `missing-await`: a call known to return a promise (JavaScript, TypeScript) or a coroutine
//! (Python) whose result is used as if it were its value, or dropped, without `await`.
//!
//! Known-async callees written in the file itself (its async functions and methods, Prisma
//! model methods, `fetch`, `fs/promises`, `asyncio.sleep`) are checked on the spot; callees
//! imported from another module of the project are checked with the project view, from the
//! calls the facts record.

use lint500_core::{Label, Language};
use lint500_engine::{
    FileModel, Function, Project, ProjectContext, PromiseUse, Resolved, Rule, RuleContext,
    UnawaitedCall, callee_name, has_token, unawaited_use,
};
use lint500_knowledge::orm::{self, PRISMA_CLIENT_METHODS, PRISMA_MODEL_METHODS};
use lint500_knowledge::servers::{FASTAPI_ROUTE_METHODS, HANDLER_FRAMEWORKS};
use tree_sitter::Node;

use crate::async_apis::is_async_client_call;
use crate::fixes;

pub struct MissingAwait;

/// A callee whose result is a promise or coroutine, and why the rule knows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Callee {
    /// An async function or method of the project.
    Declared,
    /// A Prisma query: it does not even run until it is awaited.
    Prisma,
    /// `fetch`, `fs/promises`, `asyncio.sleep`.
    Library,
}

impl Rule for MissingAwait {
    fn document(&self) -> &'static str {
        include_str!("../../../rules/missing-await.md")
    }

    fn node_kinds(&self, language: Language) -> &'static [&'static str] {
        if language.is_javascript_like() {
            &["call_expression"]
        } else {
            &["call"]
        }
    }

    fn check_node<'tree>(&self, call: Node<'tree>, ctx: &mut RuleContext<'_, 'tree>) {
        let file = ctx.file();
        let python = !file.language.is_javascript_like();
        // The callee is a call's first child in both grammars; this runs on every call.
        let Some(callee) = call.child(0) else {
            return;
        };
        let Some(known) = known_callee(callee, file, python) else {
            return;
        };
        let Some(found) = unawaited_use(call, file) else {
            return;
        };
        // Prisma's fluent API reads a relation from the query itself:
        // `await prisma.user.findUnique(…).posts()`.
        let fluent = known == Callee::Prisma
            && found.how == PromiseUse::Member
            && found.variable.is_none()
            && found.at.parent().is_some_and(|parent| {
                parent.kind() == "call_expression"
                    && parent
                        .child_by_field_name("function")
                        .is_some_and(|function| function.id() == found.at.id())
            });
        let reported = !fluent
            && match found.how {
                PromiseUse::Floating => {
                    python
                        || (enclosing_is_async(file)
                            && !(known == Callee::Declared && never_rejects_here(callee, file)))
                }
                PromiseUse::Returned => python && in_synchronous_route(file),
                _ => true,
            };
        if !reported {
            return;
        }
        let name = shown(callee_name(callee, file).as_deref());
        let variable = found.variable.map(|variable| file.text(variable));
        let message = message(found.how, &name, variable, known, python);
        // The value is used, in an async function: `await` it (the fix of a dropped promise
        // may as well be a `.catch`, or a task kept, and is the author's choice).
        let fix = file
            .enclosing_function()
            .filter(|&function| {
                found.how.reads_value()
                    && is_async(function)
                    && fixes::may_await(call, function, python)
            })
            .map(|_| fixes::insert_await(call.byte_range(), found.how, found.variable.is_some()));
        let mut diagnostic = ctx.report(call, message, help(found.how, &name, python));
        if let Some(site) = found.label_site(call) {
            diagnostic = diagnostic.label(site, use_label(found.how, python));
        }
        if let Some(fix) = fix {
            diagnostic.fix(fix);
        }
    }

    fn project_dependencies(&self) -> &'static [&'static str] {
        HANDLER_FRAMEWORKS
    }

    fn check_project(&self, project: &Project, ctx: &mut ProjectContext<'_>) {
        for (id, file) in project.files() {
            let python = file.language == Language::Python;
            let calls: &[UnawaitedCall] = match (&file.facts.module, &file.facts.python) {
                (Some(module), _) => &module.unawaited_calls,
                (_, Some(module)) => &module.unawaited_calls,
                _ => continue,
            };
            for call in calls {
                let reported = match call.how {
                    PromiseUse::Floating => python || call.in_async_function,
                    PromiseUse::Returned => false,
                    _ => true,
                };
                if !reported {
                    continue;
                }
                let Some(callee) = async_elsewhere(project, id, call) else {
                    continue;
                };
                // A dropped promise that never rejects is a fire-and-forget; a dropped
                // coroutine never runs at all.
                if call.how == PromiseUse::Floating && !python && callee.never_rejects {
                    continue;
                }
                let name = shown(call.name.as_deref());
                let message = message(
                    call.how,
                    &name,
                    call.variable.as_deref(),
                    Callee::Declared,
                    python,
                );
                let diagnostic = ctx.report(id, call.span, message, help(call.how, &name, python));
                if let Some(span) = call.used_at {
                    diagnostic.labels.push(Label {
                        span,
                        message: use_label(call.how, python).into(),
                    });
                }
                if call.in_async_function && call.how.reads_value() {
                    diagnostic.fix = Some(fixes::insert_await(
                        call.span.bytes(),
                        call.how,
                        call.variable.is_some(),
                    ));
                }
            }
        }
    }
}

/// The callee of an imported call, when it is an async function (not a generator) of
/// another module.
fn async_elsewhere<'p>(
    project: &'p Project,
    file: usize,
    call: &'p UnawaitedCall,
) -> Option<&'p Function> {
    match project.resolve(file, &call.callee) {
        Resolved::Function {
            file: defined,
            function,
        } if defined != file && function.is_async && !function.is_generator => Some(function),
        _ => None,
    }
}

/// Whether a JavaScript callee declared in this file (`notify(…)`, `this.notify(…)`) is an
/// async function whose promise never rejects: its whole body is a `try … catch` that does
/// not rethrow.
fn never_rejects_here(callee: Node<'_>, file: &FileModel<'_>) -> bool {
    let known = file.async_callables();
    match callee.kind() {
        "identifier" => known.is_never_rejecting_function(callee, file.source),
        "member_expression" => {
            callee
                .child_by_field_name("object")
                .is_some_and(|object| object.kind() == "this")
                && callee
                    .child_by_field_name("property")
                    .is_some_and(|method| has(&known.never_rejecting_methods, file.text(method)))
        }
        _ => false,
    }
}

/// What the file says about the callee: an async function or method declared here, Prisma,
/// or a promise API of the platform.
fn known_callee(callee: Node<'_>, file: &FileModel<'_>, python: bool) -> Option<Callee> {
    let known = file.async_callables();
    let text = |node: Node<'_>| file.text(node);
    if python {
        return match callee.kind() {
            "identifier" => known
                .is_async_function(callee, file.source)
                .then_some(Callee::Declared),
            "attribute" => {
                let object = callee.child_by_field_name("object")?;
                let method = text(callee.child_by_field_name("attribute")?);
                if is_async_client_call(object, method, file) {
                    return Some(Callee::Library);
                }
                if object.kind() != "identifier" {
                    return None;
                }
                match text(object) {
                    "self" | "cls" => has(&known.methods, method).then_some(Callee::Declared),
                    module if has(&known.promise_modules, module) && method == "sleep" => {
                        Some(Callee::Library)
                    }
                    _ => None,
                }
            }
            _ => None,
        };
    }
    match callee.kind() {
        "identifier" => {
            if known.is_async_function(callee, file.source) {
                Some(Callee::Declared)
            } else {
                (text(callee) == "fetch").then_some(Callee::Library)
            }
        }
        "member_expression" => {
            let object = callee.child_by_field_name("object")?;
            let method = text(callee.child_by_field_name("property")?);
            match object.kind() {
                "this" => has(&known.methods, method).then_some(Callee::Declared),
                "identifier" if has(&known.promise_modules, text(object)) => Some(Callee::Library),
                "identifier" if is_prisma_client(object, file) => PRISMA_CLIENT_METHODS
                    .contains(&method)
                    .then_some(Callee::Prisma),
                "member_expression" => {
                    let inner = object.child_by_field_name("object")?;
                    let property = text(object.child_by_field_name("property")?);
                    if property == "promises"
                        && inner.kind() == "identifier"
                        && has(&known.fs_modules, text(inner))
                    {
                        Some(Callee::Library)
                    } else {
                        // `prisma.user.findMany`, or `this.prisma.$transaction`.
                        let query = (is_prisma_client(inner, file)
                            && PRISMA_MODEL_METHODS.contains(&method))
                            || (is_prisma_client(object, file)
                                && PRISMA_CLIENT_METHODS.contains(&method));
                        query.then_some(Callee::Prisma)
                    }
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// A Prisma client by its name: `prisma`, `this.prisma`, `ctx.prisma`, `prismaClient`.
fn is_prisma_client(node: Node<'_>, file: &FileModel<'_>) -> bool {
    let name = match node.kind() {
        "identifier" => file.text(node),
        "member_expression" => match node.child_by_field_name("property") {
            Some(property) => file.text(property),
            None => return false,
        },
        _ => return false,
    };
    orm::is_prisma_client_name(name)
}

fn has(names: &[String], name: &str) -> bool {
    names.iter().any(|known| known == name)
}

/// Whether the innermost function around the node is async.
fn enclosing_is_async(file: &FileModel<'_>) -> bool {
    file.enclosing_function().is_some_and(is_async)
}

fn is_async(function: Node<'_>) -> bool {
    has_token(function, "async")
}

/// Whether the node is in a synchronous `def` decorated as a FastAPI route (`@app.get(…)`):
/// FastAPI serialises what it returns, and a coroutine cannot be.
fn in_synchronous_route(file: &FileModel<'_>) -> bool {
    let Some(function) = file.enclosing_function() else {
        return false;
    };
    if function.kind() != "function_definition" || is_async(function) {
        return false;
    }
    let Some(decorated) = function
        .parent()
        .filter(|parent| parent.kind() == "decorated_definition")
    else {
        return false;
    };
    let mut cursor = decorated.walk();
    decorated
        .named_children(&mut cursor)
        .filter(|child| child.kind() == "decorator")
        .any(|decorator| {
            let Some(call) = decorator
                .named_child(0)
                .filter(|node| node.kind() == "call")
            else {
                return false;
            };
            call.child_by_field_name("function")
                .filter(|function| function.kind() == "attribute")
                .and_then(|function| function.child_by_field_name("attribute"))
                .is_some_and(|method| FASTAPI_ROUTE_METHODS.contains(&file.text(method)))
        })
}

/// The callee as the message shows it: `getUser(…)`, or "this call" when it is no name.
fn shown(name: Option<&str>) -> String {
    name.map_or_else(|| "this call".to_string(), |name| format!("{name}(…)"))
}

fn message(
    how: PromiseUse,
    call: &str,
    variable: Option<&str>,
    known: Callee,
    python: bool,
) -> String {
    let promise = if python { "coroutine" } else { "promise" };
    let subject = match variable {
        Some(variable) => format!("`{variable}` holds the {promise} of `{call}`, never awaited"),
        None => format!("`{call}` is not awaited"),
    };
    match how {
        PromiseUse::Floating if python => {
            format!("`{call}` makes a coroutine that nothing awaits: it never runs")
        }
        PromiseUse::Floating if known == Callee::Prisma => format!(
            "`{call}` is not awaited: a Prisma query runs only when it is awaited, so this one never runs"
        ),
        PromiseUse::Floating => format!(
            "`{call}` returns a promise that nothing awaits: the code goes on without waiting for it, and its errors escape as unhandled rejections"
        ),
        PromiseUse::Returned => format!(
            "`{call}` is returned unawaited from a synchronous route: FastAPI cannot serialise the coroutine and the request fails"
        ),
        PromiseUse::Member => {
            format!("{subject}: a property is read from the {promise}, not from its result")
        }
        PromiseUse::Index => format!("{subject}: the {promise} is indexed, not its result"),
        PromiseUse::Destructured => {
            format!("{subject}: the {promise} is destructured, not its result")
        }
        PromiseUse::Response => format!(
            "{subject}: the response is built from the {promise}, not its result (the client gets `{{}}`)"
        ),
        PromiseUse::Operand => {
            format!("{subject}: the {promise} itself is used in arithmetic or a comparison")
        }
        PromiseUse::Condition => {
            format!("{subject}: the {promise} is tested as a condition, where it is always truthy")
        }
        PromiseUse::Interpolated => {
            let shown = if python {
                "<coroutine object …>"
            } else {
                "[object Promise]"
            };
            format!("{subject}: the string gets `{shown}`, not its result")
        }
        PromiseUse::Iterated => format!("{subject}: the {promise} is iterated, not its result"),
    }
}

fn help(how: PromiseUse, call: &str, python: bool) -> String {
    match (how, python) {
        (PromiseUse::Floating, true) => format!(
            "Await it (`await {call}`), or start it in the background with `asyncio.create_task({call})` and keep the task"
        ),
        (PromiseUse::Floating, false) => format!(
            "Await it (`await {call}`); for a deliberate fire-and-forget write `void {call}.catch(…)`"
        ),
        (PromiseUse::Returned, _) => {
            format!("Make the route `async def` and return `await {call}`")
        }
        _ => format!(
            "Await it (`await {call}`) before using the result; the enclosing function must be async"
        ),
    }
}

fn use_label(how: PromiseUse, python: bool) -> &'static str {
    match (how, python) {
        (PromiseUse::Response, _) => "the unawaited result is sent here",
        (_, true) => "the coroutine is used here as if it were its result",
        (_, false) => "the promise is used here as if it were its result",
    }
}
