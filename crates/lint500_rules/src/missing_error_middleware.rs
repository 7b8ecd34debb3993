//! `missing-error-middleware`: an Express app with routes but no error-handling middleware (a
//! four-parameter function registered with `use` after the routes), across files.

use std::collections::{HashMap, HashSet};

use lint500_core::{Label, Span};
use lint500_engine::{FileId, PackageId, Project, ProjectContext, Resolved, Rule, Value};
use lint500_knowledge::servers::Creates;

use crate::express::{
    AppKey, ExpressRegistration, Receiver, point_to, registrations, resolve_app, started_apps,
    value_name,
};

pub struct MissingErrorMiddleware;

/// What a function given to `use` is, as error handling goes.
enum Middleware {
    /// Four parameters, or a factory whose name says it makes one (`errorHandler()`).
    ErrorHandler,
    /// Three parameters, the first named like an error: Express calls it as plain middleware.
    ThreeParameterErrorHandler {
        file: FileId,
        signature: Span,
    },
    Other,
}

const HELP: &str = "Register a four-parameter error middleware after the routes: \
                    `app.use((err, req, res, next) => { … })`; without one, Express answers errors \
                    with its default handler, which prints the stack trace outside production";

/// First parameter names that show the author meant an error handler.
const ERROR_PARAMETER_NAMES: &[&str] = &["err", "error", "e"];

#[derive(Default)]
struct App<'p> {
    routes: Vec<&'p ExpressRegistration<'p>>,
    error_handlers: Vec<&'p ExpressRegistration<'p>>,
    /// Whether it mounts something under a path (`app.use('/api', …)`), which lint500 may
    /// not be able to follow (`ctx.api`): an app that composes others.
    mounts_at_path: bool,
}

/// What the sub-apps of a package (see [`sub_apps_by_package`]) leave to its top apps.
#[derive(Default)]
struct SubApps<'p> {
    /// Whether a top app of the package has an error middleware.
    top_handles_errors: bool,
    /// The first route of a sub-app without an error middleware.
    route: Option<&'p ExpressRegistration<'p>>,
}

impl Rule for MissingErrorMiddleware {
    fn document(&self) -> &'static str {
        include_str!("../../../rules/missing-error-middleware.md")
    }

    fn project_dependencies(&self) -> &'static [&'static str] {
        &["express"]
    }

    fn check_project(&self, project: &Project, ctx: &mut ProjectContext<'_>) {
        let registered = registrations(project);
        let mut apps: HashMap<AppKey, (Span, App<'_>)> = HashMap::new();
        // Packages where an error handler is registered on an app of unknown identity
        // (`module.exports = (app) => app.use(onError)`): their apps may well be covered.
        let mut covered_packages = Vec::new();
        let mut misdeclared_apps = Vec::new();
        // (mounted app, app it is mounted on): `parent.use('/api', api)`.
        let mut mounts: Vec<(AppKey, AppKey)> = Vec::new();
        for registration in &registered {
            let is_route = registration.registers_route()
                || (registration.is_use() && mounts_router(project, registration));
            let mut is_error_handler = false;
            if registration.is_use() {
                for handler in &registration.registration.handlers {
                    match classify(project, registration.file, handler) {
                        Middleware::ErrorHandler => is_error_handler = true,
                        Middleware::ThreeParameterErrorHandler { file, signature } => {
                            report_three_parameters(project, ctx, registration, file, signature);
                            if let Receiver::App { file, span } = registration.receiver {
                                misdeclared_apps.push((file, span.start_byte));
                            }
                        }
                        Middleware::Other => {}
                    }
                }
            }
            if let (true, Receiver::App { file, span }) =
                (registration.is_use(), registration.receiver)
            {
                for handler in &registration.registration.handlers {
                    if let Resolved::Created {
                        creates: Creates::ExpressApp,
                        file: mounted_file,
                        span: mounted,
                    } = resolve_app(project, registration.file, handler)
                    {
                        mounts.push(((mounted_file, mounted.start_byte), (file, span.start_byte)));
                    }
                }
            }
            match registration.receiver {
                Receiver::App { file, span } => {
                    let (_, app) = apps
                        .entry((file, span.start_byte))
                        .or_insert_with(|| (span, App::default()));
                    if is_route {
                        app.routes.push(registration);
                    }
                    if is_error_handler {
                        app.error_handlers.push(registration);
                    }
                    app.mounts_at_path |=
                        registration.is_use() && registration.registration.at_path;
                }
                Receiver::Unidentified if is_error_handler => {
                    covered_packages.push(project.file(registration.file).package);
                }
                Receiver::Router { .. } | Receiver::Unidentified => {}
            }
        }

        // Apps with an error middleware of their own; a mounted app hands the errors it does
        // not handle to the app it is mounted on.
        let handling: HashSet<AppKey> = apps
            .iter()
            .filter(|(_, (_, app))| !app.error_handlers.is_empty())
            .map(|(key, _)| *key)
            .collect();
        let started = started_apps(project);
        for (key, span) in &started {
            apps.entry(*key).or_insert_with(|| (*span, App::default()));
        }
        let mut apps: Vec<_> = apps.into_iter().collect();
        apps.sort_by_key(|(key, _)| *key);
        let unhandled = |key: AppKey, app: &App<'_>| {
            app.error_handlers.is_empty()
                && !misdeclared_apps.contains(&key)
                && !mounted_on_handling_app(key, &mounts, &handling)
        };
        // The top apps of a package: those it serves itself, and those that mount what they
        // are given under a path and have an error middleware, with no app mounting them. In a
        // package that has one, every other app is a sub-app (see [`sub_apps_by_package`]).
        let tops: HashSet<AppKey> = apps
            .iter()
            .filter(|(key, (_, app))| {
                started.contains_key(key)
                    || (!app.error_handlers.is_empty()
                        && app.mounts_at_path
                        && !mounts.iter().any(|(mounted, _)| mounted == key))
            })
            .map(|(key, _)| *key)
            .collect();
        let sub_apps = sub_apps_by_package(project, &apps, &tops, unhandled);
        for (key @ (file, _), (span, app)) in &apps {
            let package = project.file(*file).package;
            if covered_packages.contains(&package) {
                continue;
            }
            if app.error_handlers.is_empty() {
                if !unhandled(*key, app) {
                    continue;
                }
                // A route in the app's own file makes a label; otherwise say where they are.
                let own_route = app
                    .routes
                    .iter()
                    .find(|route| route.file == *file)
                    .or_else(|| app.routes.first());
                match sub_apps.get(&package) {
                    // No app of the package is known to be served or to handle errors: each
                    // app with routes answers for them.
                    None => {
                        if let Some(route) = own_route {
                            report_missing(project, ctx, (*file, *span), route, RoutesOf::App);
                        }
                    }
                    Some(sub_apps) if tops.contains(key) => match (own_route, sub_apps.route) {
                        (Some(route), _) => {
                            report_missing(project, ctx, (*file, *span), route, RoutesOf::App)
                        }
                        (None, Some(route)) if !sub_apps.top_handles_errors => {
                            report_missing(project, ctx, (*file, *span), route, RoutesOf::SubApps);
                        }
                        _ => {}
                    },
                    // A sub-app: its errors reach a top app, which answers for them.
                    Some(_) => {}
                }
                continue;
            }
            if app.routes.is_empty() {
                continue;
            }
            // An error handler sees the errors of what is registered before it; one followed
            // in its own function body by routes, with no other after them, never sees theirs.
            // Registrations in different bodies (module level and a function called later, two
            // functions) run in an order the text does not tell.
            let route_after = |handler: &ExpressRegistration<'_>| {
                app.routes
                    .iter()
                    .find(|route| {
                        route.file == handler.file
                            && route.registration.function == handler.registration.function
                            && route.order > handler.order
                    })
                    .copied()
            };
            if app
                .error_handlers
                .iter()
                .all(|handler| route_after(handler).is_some())
            {
                let Some(last) = app.error_handlers.last() else {
                    continue;
                };
                if let Some(route) = route_after(last) {
                    ctx.report(
                        last.file,
                        last.registration.span,
                        "The error middleware is registered before routes, so it never sees their errors",
                        "Register the error middleware last, after every route and router",
                    )
                    .labels
                    .push(Label {
                        span: route.registration.span,
                        message: "this route is registered after it".into(),
                    });
                }
            }
        }
    }
}

/// By package, for the packages with a top app, what its sub-apps leave to the top apps. A
/// sub-app is any other app: it is mounted where the project view cannot follow
/// (`app.use('/properties', ctx.properties)`), and Express hands its errors to the app it is
/// mounted on, so the finding belongs there.
fn sub_apps_by_package<'p>(
    project: &Project,
    apps: &[(AppKey, (Span, App<'p>))],
    tops: &HashSet<AppKey>,
    unhandled: impl Fn(AppKey, &App<'_>) -> bool,
) -> HashMap<PackageId, SubApps<'p>> {
    let mut packages: HashMap<PackageId, SubApps<'p>> = HashMap::new();
    for (key, (_, app)) in apps.iter().filter(|(key, _)| tops.contains(key)) {
        let package = packages.entry(project.file(key.0).package).or_default();
        package.top_handles_errors |= !app.error_handlers.is_empty();
    }
    for (key, (_, app)) in apps {
        if tops.contains(key) || !unhandled(*key, app) {
            continue;
        }
        if let (Some(package), Some(&route)) = (
            packages.get_mut(&project.file(key.0).package),
            app.routes.first(),
        ) {
            package.route.get_or_insert(route);
        }
    }
    packages
}

/// Whether the app is mounted, directly or through other mounted apps, on an app with an
/// error middleware: Express passes a mounted app's unhandled errors to its parent.
fn mounted_on_handling_app(
    app: AppKey,
    mounts: &[(AppKey, AppKey)],
    handling: &HashSet<AppKey>,
) -> bool {
    let mut pending = vec![app];
    let mut seen = HashSet::new();
    while let Some(current) = pending.pop() {
        if !seen.insert(current) {
            continue;
        }
        for &(mounted, parent) in mounts {
            if mounted == current {
                if handling.contains(&parent) {
                    return true;
                }
                pending.push(parent);
            }
        }
    }
    false
}

/// Whose routes a missing error middleware leaves to Express's default handler.
#[derive(Clone, Copy)]
enum RoutesOf {
    /// The app's own routes.
    App,
    /// The routes of sub-apps that hand their errors to this app, which has none of its own.
    SubApps,
}

fn report_missing(
    project: &Project,
    ctx: &mut ProjectContext<'_>,
    (file, span): (FileId, Span),
    route: &ExpressRegistration<'_>,
    routes_of: RoutesOf,
) {
    let (message, here, elsewhere) = match routes_of {
        RoutesOf::App => (
            "This Express app registers routes but no error middleware",
            "routes are registered here",
            "its routes are registered in",
        ),
        RoutesOf::SubApps => (
            "This Express app is served without an error middleware, and the sub-apps of its \
             package hand it the errors of their routes",
            "a sub-app registers routes here",
            "a sub-app registers routes in",
        ),
    };
    let diagnostic = ctx.report(file, span, message, HELP);
    point_to(
        project,
        diagnostic,
        file,
        (route.file, route.registration.span),
        here,
        elsewhere,
    );
}

fn report_three_parameters(
    project: &Project,
    ctx: &mut ProjectContext<'_>,
    registration: &ExpressRegistration<'_>,
    file: FileId,
    signature: Span,
) {
    let diagnostic = ctx.report(
        file,
        signature,
        "This error middleware has three parameters, so Express never calls it with an error",
        "Declare all four parameters, `(err, req, res, next)`: Express recognises error middleware by \
         its parameter count",
    );
    point_to(
        project,
        diagnostic,
        file,
        (registration.file, registration.registration.span),
        "registered here as ordinary middleware",
        "it is registered at",
    );
}

/// `app.use('/users', usersRouter)`: mounting a router or a sub-app registers its routes.
fn mounts_router(project: &Project, registration: &ExpressRegistration<'_>) -> bool {
    registration.registration.handlers.iter().any(|handler| {
        matches!(
            resolve_app(project, registration.file, handler),
            Resolved::Created {
                creates: Creates::ExpressRouter { .. } | Creates::ExpressApp,
                ..
            }
        )
    })
}

fn classify(project: &Project, file: FileId, handler: &Value) -> Middleware {
    match project.resolve(file, handler) {
        Resolved::Function { file, function } => match function.arity {
            4 => Middleware::ErrorHandler,
            3 if function
                .first_parameter
                .as_deref()
                .is_some_and(|name| ERROR_PARAMETER_NAMES.contains(&name)) =>
            {
                Middleware::ThreeParameterErrorHandler {
                    file,
                    signature: function.signature,
                }
            }
            _ => Middleware::Other,
        },
        // A function from a package, or made by a call the view cannot see into: trust its
        // name (`errorHandler`, `celebrate.errors()`, `Sentry.Handlers.errorHandler()`).
        Resolved::Package { .. } | Resolved::CallResult { .. } | Resolved::Unknown
            if value_name(handler)
                .is_some_and(|name| name.to_ascii_lowercase().contains("error")) =>
        {
            Middleware::ErrorHandler
        }
        _ => Middleware::Other,
    }
}
