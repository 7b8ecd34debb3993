//! `client-in-handler`: a pooled database or cache client built while a request is served (in
//! a handler, a FastAPI dependency, or a helper only they call), so each request opens a pool
//! of its own.

use lint500_core::Label;
use lint500_engine::{ClientConstruction, EXTRA_CLIENTS, Project, ProjectContext, Rule};

use lint500_knowledge::servers::HANDLER_FRAMEWORKS;

use crate::handlers::{HandlerKind, RequestTime, RequestTimeFunction, request_time_functions};

pub struct ClientInHandler;

const HELP: &str = "Create the client once: at module level, in a lazily created module-level \
                    singleton, or in startup/lifespan code, and reuse it in every request";

impl Rule for ClientInHandler {
    fn document(&self) -> &'static str {
        include_str!("../../../rules/client-in-handler.md")
    }

    /// The engine's facts collectors read `extra-clients`: they find the constructions.
    fn options(&self) -> &'static [&'static str] {
        &[EXTRA_CLIENTS]
    }

    fn project_dependencies(&self) -> &'static [&'static str] {
        HANDLER_FRAMEWORKS
    }

    fn check_project(&self, project: &Project, ctx: &mut ProjectContext<'_>) {
        for function in request_time_functions(project) {
            for client in &function.function.clients {
                if client.lazy_singleton {
                    continue;
                }
                let diagnostic =
                    ctx.report(function.file, client.span, message(client, &function), HELP);
                if let Some((file, span)) = function.registered
                    && file == function.file
                {
                    diagnostic.labels.push(Label {
                        span,
                        message: "the handler is registered here".into(),
                    });
                }
            }
        }
    }
}

fn message(client: &ClientConstruction, function: &RequestTimeFunction<'_>) -> String {
    let place = match function.why {
        RequestTime::Handler(HandlerKind::FastApiDependency) => {
            "a FastAPI dependency, which runs on every request".to_string()
        }
        RequestTime::Handler(HandlerKind::Serverless) => {
            "a serverless handler, on every invocation".to_string()
        }
        RequestTime::Handler(_) | RequestTime::Nested => {
            "a request handler, on every request".to_string()
        }
        RequestTime::Helper => match &function.function.name {
            Some(name) => format!("`{name}`, which only request handlers call"),
            None => "a function only request handlers call".to_string(),
        },
        RequestTime::Called => match &function.function.name {
            Some(name) => format!("`{name}`, which a request handler calls"),
            None => "a function a request handler calls".to_string(),
        },
    };
    format!(
        "A pooled client (`{}`) is created in {place}: each call opens its own connections, which leak and exhaust the database's limit under load",
        client.client
    )
}
