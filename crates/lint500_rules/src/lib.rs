//! lint500's rules. Each rule is one file here and one document in `rules/<id>.md`, which the
//! rule compiles in with `include_str!` and which holds its id, summary and default severity.

use std::sync::LazyLock;

use lint500_engine::{Rule, RuleSet};

mod async_apis;
mod async_handler_no_catch;
mod attempt;
mod attribute_class;
mod catch;
mod client_in_handler;
mod env_read_in_handler;
mod error_leak_in_response;
mod express;
mod fixes;
mod handlers;
mod log_without_stack;
mod logging;
mod missing_await;
mod missing_error_middleware;
mod status;
mod swallowed_catch;
mod unchecked_find_result;
mod unhandled_rejection;
mod unused_ignore;

fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(async_handler_no_catch::AsyncHandlerNoCatch),
        Box::new(client_in_handler::ClientInHandler),
        Box::new(env_read_in_handler::EnvReadInHandler),
        Box::new(error_leak_in_response::ErrorLeakInResponse),
        Box::new(log_without_stack::LogWithoutStack),
        Box::new(missing_await::MissingAwait),
        Box::new(missing_error_middleware::MissingErrorMiddleware),
        Box::new(swallowed_catch::SwallowedCatch),
        Box::new(unchecked_find_result::UncheckedFindResult),
        Box::new(unhandled_rejection::UnhandledRejection),
        Box::new(unused_ignore::UnusedIgnore),
    ]
}

/// Every rule lint500 has, sorted by id.
pub fn all() -> &'static RuleSet {
    static ALL: LazyLock<RuleSet> = LazyLock::new(|| {
        RuleSet::new(rules()).unwrap_or_else(|err| panic!("the built-in rules are invalid: {err}"))
    });
    &ALL
}
