//! Server frameworks and serverless platforms: their packages, how an app is created, the
//! methods that register routes and dependencies, and the shapes of Next.js and Lambda
//! handlers.

use std::path::Path;

/// Node's server frameworks: the packages of services whose entry points start a server.
pub const NODE_SERVER_FRAMEWORKS: &[&str] = &[
    "express",
    "fastify",
    "koa",
    "@hapi/hapi",
    "hapi",
    "restify",
    "@nestjs/core",
    "hono",
    "next",
];

/// Server frameworks and runtimes besides [`NODE_SERVER_FRAMEWORKS`]: a package that depends on
/// one is not browser code, and its files' facts are gathered to find its entry points.
pub const OTHER_SERVER_PACKAGES: &[&str] = &[
    "@vercel/node",
    "@netlify/functions",
    "@types/aws-lambda",
    "aws-lambda",
    "serverless",
    "serverless-http",
    "fastapi",
    "starlette",
];

/// Every server framework and runtime: [`NODE_SERVER_FRAMEWORKS`], then
/// [`OTHER_SERVER_PACKAGES`].
pub fn server_packages() -> impl Iterator<Item = &'static str> {
    NODE_SERVER_FRAMEWORKS
        .iter()
        .chain(OTHER_SERVER_PACKAGES)
        .copied()
}

/// Python server frameworks: a module importing one of them is a server entry point.
pub const PYTHON_SERVER_FRAMEWORKS: &[&str] = &["fastapi", "starlette"];

/// Python web frameworks, servers and serverless adapters besides
/// [`PYTHON_SERVER_FRAMEWORKS`]: a package that depends on one serves requests, even where
/// lint500 finds no entry point of its own. Not the ones a frozen requirements file lists for
/// other reasons (`aiohttp` is a client too, `tornado` comes with Jupyter).
pub const OTHER_PYTHON_SERVER_PACKAGES: &[&str] = &[
    "flask",
    "django",
    "quart",
    "sanic",
    "litestar",
    "falcon",
    "gunicorn",
    "hypercorn",
    "mangum",
    "aws-lambda-powertools",
];

/// Every Python server framework, server and adapter.
pub fn python_server_packages() -> impl Iterator<Item = &'static str> {
    PYTHON_SERVER_FRAMEWORKS
        .iter()
        .chain(OTHER_PYTHON_SERVER_PACKAGES)
        .copied()
}

/// Next.js: a package that depends on it runs on the server only its route handlers, API
/// routes, middleware, server actions and what they import.
pub const NEXT: &str = "next";

/// The web frameworks and serverless platforms whose request handlers the request-time rules
/// find: a package that depends on one of them is worth reading for those rules.
pub const HANDLER_FRAMEWORKS: &[&str] = &[
    "express",
    "next",
    "@vercel/node",
    "@netlify/functions",
    "@types/aws-lambda",
    "aws-lambda",
    "serverless",
    "fastapi",
];

/// How a JavaScript module creates a server application, as its text spells it.
pub const JS_APP_CONSTRUCTORS: &[&str] =
    &["express()", "fastify(", "Fastify(", "new Koa(", "new Hono("];

/// How a Python module creates a server application, as its text spells it.
pub const PY_APP_CONSTRUCTORS: &[&str] = &["FastAPI(", "Starlette("];

/// How a JavaScript module starts a server with an app, as its text spells it.
pub const JS_SERVER_STARTS: &[&str] = &[
    ".listen(",
    "createServer(",
    "serverless(",
    "serverlessExpress(",
];

/// Functions that serve the JavaScript app they are given, as an HTTP server or a serverless
/// handler: `http.createServer(app)`, `serverless(app)` (serverless-http).
pub const JS_APP_SERVERS: &[&str] = &["createServer", "createSecureServer", "serverless"];

/// How a Python module starts a server with an app, as its text spells it: an ASGI server or
/// a Lambda adapter.
pub const PY_SERVER_STARTS: &[&str] = &["uvicorn", "hypercorn", "granian", "gunicorn", "Mangum("];

/// What calling a package's export creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Creates {
    ExpressApp,
    /// An Express router; `promise` for one that forwards rejected promises itself.
    ExpressRouter {
        promise: bool,
    },
    FastApiApp,
    FastApiRouter,
}

/// A package export whose call creates an app or a router: the package, the member called
/// (`None` for the module itself: `express()`), and what it creates.
pub struct AppFactory {
    pub package: &'static str,
    pub member: Option<&'static str>,
    pub creates: Creates,
}

/// The calls that create apps and routers, followed by the project view.
#[rustfmt::skip]
pub const APP_FACTORIES: &[AppFactory] = &[
    AppFactory { package: "express", member: None, creates: Creates::ExpressApp },
    AppFactory { package: "express", member: Some("Router"), creates: Creates::ExpressRouter { promise: false } },
    AppFactory { package: "fastapi", member: Some("FastAPI"), creates: Creates::FastApiApp },
    AppFactory { package: "fastapi", member: Some("APIRouter"), creates: Creates::FastApiRouter },
    AppFactory { package: "express-promise-router", member: None, creates: Creates::ExpressRouter { promise: true } },
    AppFactory { package: "express-promise-router", member: Some("default"), creates: Creates::ExpressRouter { promise: true } },
];

/// What calling `member` of `package` (or the package itself, for `None`) creates.
pub fn created_by(package: &str, member: Option<&str>) -> Option<Creates> {
    APP_FACTORIES
        .iter()
        .find(|factory| factory.package == package && factory.member == member)
        .map(|factory| factory.creates)
}

/// The member of an app factory named `property` (`Router` of `express.Router`), as the
/// table spells it.
pub fn factory_member(property: &str) -> Option<&'static str> {
    APP_FACTORIES
        .iter()
        .filter_map(|factory| factory.member)
        .find(|member| *member == property)
}

/// Express: the package whose default export creates an app (`express()`).
pub const EXPRESS: &str = "express";

/// Express's registration methods (`del` is Express 4's old alias of `delete`).
pub const EXPRESS_REGISTRATION_METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "del", "all", "options", "head", "use",
];

/// Express's methods that register routes: every registration method but `use`.
pub const EXPRESS_ROUTE_METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "del", "all", "options", "head",
];

/// The method of an Express app or router that starts a chain of registrations on one path
/// (`router.route('/users').get(…).post(…)`).
pub const EXPRESS_ROUTE_CHAIN: &str = "route";

/// The names an Express response goes by (`res.json(…)`).
pub const EXPRESS_RESPONSE_NAMES: &[&str] = &["res", "response"];

/// The methods of an Express response that send a body.
pub const EXPRESS_RESPONSE_METHODS: &[&str] = &["json", "send", "jsonp", "render", "write", "end"];

/// Functions that encode a value into a response body unchanged in content (`jsonify(err)`,
/// `jsonable_encoder(exc)`).
pub const RESPONSE_ENCODERS: &[&str] = &["jsonify", "jsonable_encoder"];

/// The methods of FastAPI apps and routers whose decorators register a request handler.
pub const FASTAPI_ROUTE_METHODS: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "options",
    "head",
    "trace",
    "api_route",
    "websocket",
];

/// The methods of FastAPI apps and routers that register a handler by call, the endpoint
/// their second argument (`router.add_api_route("/users", list_users)`).
pub const FASTAPI_ADD_ROUTE_METHODS: &[&str] = &["add_api_route", "add_api_websocket_route"];

/// FastAPI's dependency markers: `Depends(get_db)`, `Security(get_user)`.
pub const FASTAPI_DEPENDENCY_MARKERS: &[&str] = &["Depends", "Security"];

/// The keyword of a dependency marker's first argument (`Depends(dependency=get_db)`).
pub const FASTAPI_DEPENDENCY_ARGUMENT: &str = "dependency";

/// The keyword of `add_api_route`'s second argument, the handler (`endpoint=list_users`).
pub const FASTAPI_ENDPOINT_ARGUMENT: &str = "endpoint";

/// Names that mean a FastAPI app or router when their value cannot be followed
/// (`def register(app: FastAPI)`), in a package that uses FastAPI.
pub const FASTAPI_RECEIVER_NAMES: &[&str] = &["app", "router", "api", "api_router"];

/// The response classes of the Fetch API and Next.js, built with a body and `{ status }`
/// (`new Response(body, { status: 500 })`, `NextResponse.json(body, { status: 500 })`).
pub const FETCH_RESPONSE_CLASSES: &[&str] = &["Response", "NextResponse"];

/// NestJS's exception built with a body and a status (`new HttpException(body, status)`).
pub const NEST_HTTP_EXCEPTION: &str = "HttpException";

/// The methods of an Express or Fastify reply that send a body, its status set before them
/// (`res.status(500).json(…)`, `reply.code(500).send(…)`).
pub const REPLY_BODY_METHODS: &[&str] = &["json", "send", "jsonp", "end"];

/// The methods that set a reply's status: Express's `status`, Fastify's `code`.
pub const REPLY_STATUS_METHODS: &[&str] = &["status", "code"];

/// The keys of a Lambda proxy result: its status and its body.
pub const LAMBDA_RESULT_KEYS: (&str, &str) = ("statusCode", "body");

/// Where a Python error response takes its status and body: each argument's position and
/// keyword.
pub struct ResponseArguments {
    pub status: (usize, &'static str),
    pub body: (usize, &'static str),
}

/// Python error responses by the end of their name, first match wins: FastAPI's and
/// Starlette's `HTTPException(status_code, detail)`, then `JSONResponse(content, status_code)`
/// and the other `…Response` classes.
#[rustfmt::skip]
pub const PY_ERROR_RESPONSES: &[(&str, ResponseArguments)] = &[
    ("HTTPException", ResponseArguments { status: (0, "status_code"), body: (1, "detail") }),
    ("Response", ResponseArguments { status: (1, "status_code"), body: (0, "content") }),
];

/// NestJS's exceptions that answer with a server error status, the message as their body.
pub const NEST_SERVER_ERROR_EXCEPTIONS: &[&str] = &[
    "InternalServerErrorException",
    "ServiceUnavailableException",
    "BadGatewayException",
    "GatewayTimeoutException",
    "NotImplementedException",
];

/// The HTTP methods a Next.js App Router `route` module exports as handlers
/// (`export async function GET(request)`).
pub const NEXT_ROUTE_METHODS: &[&str] =
    &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// The directive of a Next.js module that runs in the browser.
pub const CLIENT_COMPONENT_DIRECTIVE: &str = "use client";

/// The directive of a Next.js module of server actions.
pub const SERVER_ACTIONS_DIRECTIVE: &str = "use server";

/// Route handlers (`app/**/route.ts`), API routes (`pages/api/**`), and `middleware.ts` /
/// `instrumentation.ts` of a Next.js app, with or without a `src/` folder; `relative` is the
/// path from the package's root.
pub fn is_next_server_file(relative: &Path) -> bool {
    let relative = relative.strip_prefix("src").unwrap_or(relative);
    let stem = relative
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or("");
    relative.starts_with("pages/api")
        || (relative.starts_with("app") && stem == "route")
        || (relative.parent() == Some(Path::new(""))
            && matches!(stem, "middleware" | "instrumentation"))
}

/// The parameter names a Lambda-style handler takes first (`(event, context, callback)`).
pub const EVENT_PARAMETERS: &[&str] = &["event", "_event", "evt"];

/// The export name of a serverless handler in JavaScript (`exports.handler = …`).
pub const HANDLER_EXPORT: &str = "handler";

/// The function names of a Python serverless handler.
pub const PY_HANDLER_NAMES: &[&str] = &["handler", "lambda_handler"];

/// Whether the JavaScript module at `path`, whose text is `source`, exports something shaped
/// like a serverless or Next.js handler, read from its text alone: an export named `handler`,
/// an exported function taking Lambda's `(event, context)`, an HTTP method of a Next.js `route`
/// module, or a default export under an `api/` folder.
pub fn exports_handler_shape(path: &Path, source: &str) -> bool {
    let in_api_folder = path
        .parent()
        .is_some_and(|folder| folder.components().any(|part| part.as_os_str() == "api"));
    let route_module = path.file_stem().is_some_and(|stem| stem == "route");
    let lambda_signature = EVENT_PARAMETERS
        .iter()
        .any(|event| source.contains(&format!("({event}, context")));
    lambda_signature
        || source.lines().any(|line| {
            let line = line.trim_start();
            let exported = line.starts_with("export ")
                || line.starts_with("exports.")
                || line.starts_with("module.exports");
            exported
                && (line.contains(HANDLER_EXPORT)
                    || EVENT_PARAMETERS.iter().any(|event| {
                        line.contains(&format!("({event}"))
                            || line.contains(&format!("{event} =>"))
                            || line.contains(&format!("async {event}"))
                    })
                    || (in_api_folder && line.starts_with("export default"))
                    || (route_module
                        && NEXT_ROUTE_METHODS
                            .iter()
                            .any(|method| line.contains(&format!(" {method}")))))
        })
}

/// Whether the Python module whose text is `source` defines something shaped like a Lambda
/// handler, read from its text alone: a function named like one (`def lambda_handler(`) or
/// taking Lambda's `(event, context)`.
pub fn defines_python_handler(source: &str) -> bool {
    source.lines().any(|line| {
        let Some(definition) = line
            .strip_prefix("def ")
            .or_else(|| line.strip_prefix("async def "))
        else {
            return false;
        };
        PY_HANDLER_NAMES
            .iter()
            .any(|name| definition.starts_with(&format!("{name}(")))
            || EVENT_PARAMETERS
                .iter()
                .any(|event| definition.contains(&format!("({event}, context")))
    })
}

/// Commands that run a JavaScript or TypeScript file with Node.
pub const NODE_RUNNERS: &[&str] = &[
    "node",
    "nodemon",
    "ts-node",
    "ts-node-dev",
    "tsx",
    "node-dev",
    "babel-node",
];
