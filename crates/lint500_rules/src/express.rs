//! What the Express rules share: which registrations are made on Express apps and routers,
//! and what the package says about how Express treats rejected promises.

use std::collections::HashMap;

use lint500_core::{Diagnostic, Label, Span, is_test_path};
use lint500_engine::{FileId, Project, Registration, Resolved, Value};
use lint500_knowledge::servers::{Creates, EXPRESS_ROUTE_METHODS, JS_APP_SERVERS};

/// An app by the file and start byte of the `express()` call that creates it.
pub(crate) type AppKey = (FileId, usize);

/// A registration on something that is, or clearly looks like, an Express app or router.
pub(crate) struct ExpressRegistration<'p> {
    pub file: FileId,
    /// Its position among the file's registrations: source order.
    pub order: usize,
    pub registration: &'p Registration,
    pub receiver: Receiver,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Receiver {
    /// The app created by the `express()` call at this place.
    App { file: FileId, span: Span },
    /// A router; `promise` for `express-promise-router`, which forwards rejections itself.
    Router { promise: bool },
    /// A parameter or property named like an app or router (`module.exports = (app) => …`) in
    /// a package that uses Express: an app or router of unknown identity.
    Unidentified,
}

impl ExpressRegistration<'_> {
    pub(crate) fn registers_route(&self) -> bool {
        EXPRESS_ROUTE_METHODS.contains(&self.registration.method.as_str())
    }

    pub(crate) fn is_use(&self) -> bool {
        self.registration.method == "use"
    }
}

/// Every registration made on an Express app or router, file by file in source order.
/// Tests are left out: the apps they build are minimal on purpose.
pub(crate) fn registrations(project: &Project) -> Vec<ExpressRegistration<'_>> {
    let mut found = Vec::new();
    for (file, project_file) in project.files() {
        let Some(module) = &project_file.facts.module else {
            continue;
        };
        let package_root = &project.package_of(file).root;
        if is_test_path(
            project_file
                .path
                .strip_prefix(package_root)
                .unwrap_or(&project_file.path),
        ) {
            continue;
        }
        for (order, registration) in module.registrations.iter().enumerate() {
            let receiver = match resolve_app(project, file, &registration.receiver) {
                Resolved::Created {
                    creates: Creates::ExpressApp,
                    file,
                    span,
                } => Receiver::App { file, span },
                Resolved::Created {
                    creates: Creates::ExpressRouter { promise },
                    ..
                } => Receiver::Router { promise },
                Resolved::Unknown
                    if looks_like_express(&registration.receiver)
                        && uses_express(project, file) =>
                {
                    Receiver::Unidentified
                }
                _ => continue,
            };
            found.push(ExpressRegistration {
                file,
                order,
                registration,
                receiver,
            });
        }
    }
    found
}

/// What a value resolves to, with the result of an app factory (`createApp()`, `require('./api')
/// (env)` where the function builds `express()` and returns it) resolved to that app.
pub(crate) fn resolve_app<'p>(
    project: &'p Project,
    file: FileId,
    value: &'p Value,
) -> Resolved<'p> {
    let resolved = project.resolve(file, value);
    let Resolved::CallResult {
        file: called_in,
        call,
    } = resolved
    else {
        return resolved;
    };
    let Resolved::Function {
        file: defined_in,
        function,
    } = project.resolve(called_in, &call.callee)
    else {
        return resolved;
    };
    let app = function.returns_app.as_deref().and_then(|name| {
        let module = project.file(defined_in).facts.module.as_ref()?;
        module.binding(name)
    });
    match app.map(|app| project.resolve(defined_in, app)) {
        Some(
            app @ Resolved::Created {
                creates: Creates::ExpressApp,
                ..
            },
        ) => app,
        _ => resolved,
    }
}

/// The Express apps the project serves itself: listened on (`app.listen(…)`,
/// `createApp().listen(…)`) or handed to a function that serves them (`http.createServer(app)`,
/// `serverless(app)`), whether that call is listened on, bound or exported; with the span of
/// their `express()` call.
pub(crate) fn started_apps(project: &Project) -> HashMap<AppKey, Span> {
    let mut started = HashMap::new();
    let mut start = |file: FileId, value: &Value| {
        if let Resolved::Created {
            creates: Creates::ExpressApp,
            file,
            span,
        } = resolve_app(project, file, value)
        {
            started.insert((file, span.start_byte), span);
        }
    };
    for (file, project_file) in project.files() {
        let Some(module) = &project_file.facts.module else {
            continue;
        };
        let listened = module.listen_calls.iter().map(|listen| &listen.receiver);
        for receiver in listened.clone() {
            start(file, receiver);
        }
        let values = listened
            .chain(module.bindings.iter().map(|binding| &binding.value))
            .chain(module.exports.iter().map(|export| &export.value));
        for value in values {
            if let Value::Call(call) = value
                && value_name(&call.callee).is_some_and(|name| JS_APP_SERVERS.contains(&name))
            {
                for argument in &call.arguments {
                    start(file, argument);
                }
            }
        }
    }
    started
}

/// Whether Express itself, or a package the project imports, passes rejected promises of
/// async handlers on to the error middleware: Express 5 does, and so do
/// `express-async-errors` and `@awaitjs/express` once imported.
pub(crate) fn forwards_rejections(project: &Project, file: FileId) -> bool {
    let package = project.package_of(file);
    package
        .major_version("express")
        .is_some_and(|major| major >= 5)
        || package.imports("express-async-errors")
        || package.imports("@awaitjs/express")
}

fn uses_express(project: &Project, file: FileId) -> bool {
    let package = project.package_of(file);
    package.depends_on("express") || package.imports("express")
}

/// `app`, `router`, `this.app`, `userRouter`…: names that mean an Express app or router in a
/// package that uses Express.
fn looks_like_express(receiver: &Value) -> bool {
    let name = match receiver {
        Value::Name(name) => name,
        Value::Member(_, property) => property,
        _ => return false,
    };
    matches!(
        name.as_str(),
        "app" | "router" | "api" | "server" | "routes"
    ) || name.ends_with("Router")
        || name.ends_with("router")
        || name.ends_with("App")
}

/// The short name a value goes by: `errorHandler` for `errorHandler`, `errors` for
/// `celebrate.errors()`.
pub(crate) fn value_name(value: &Value) -> Option<&str> {
    match value {
        Value::Name(name) | Value::Member(_, name) => Some(name),
        Value::Call(call) => value_name(&call.callee),
        _ => None,
    }
}

/// Shows the place `span` of `at_file` beside a finding made in `in_file`: as a label when it is
/// in the same file (labels can only point into the finding's own file), otherwise as
/// `(mention path:line:column)` after the message.
pub(crate) fn point_to(
    project: &Project,
    diagnostic: &mut Diagnostic,
    in_file: FileId,
    (at_file, span): (FileId, Span),
    label: &str,
    mention: &str,
) {
    if at_file == in_file {
        diagnostic.labels.push(Label {
            span,
            message: label.into(),
        });
    } else {
        diagnostic.message = format!(
            "{} ({mention} {}:{}:{})",
            diagnostic.message,
            project.file(at_file).display.display(),
            span.start.line,
            span.start.column
        );
    }
}
