//! `async-handler-no-catch`: an async Express handler whose `await` can reject outside any
//! `try … catch` (and waits for no promise with a rejection handler chained), where Express 4
//! never passes the rejection to the error middleware.

use std::collections::HashSet;

use lint500_engine::{Project, ProjectContext, Resolved, Rule};

use crate::express::{Receiver, forwards_rejections, point_to, registrations};

pub struct AsyncHandlerNoCatch;

const MESSAGE: &str = "This `await` can reject outside any try/catch or `.catch()`, and Express 4 does not pass the rejection to `next`";
const HELP: &str = "Wrap the handler (`asyncHandler(fn)`), wrap the awaits in `try { … } catch (err) { next(err) }`, \
                    or move to Express 5 (or import `express-async-errors`), which forward rejections to the error middleware";

impl Rule for AsyncHandlerNoCatch {
    fn document(&self) -> &'static str {
        include_str!("../../../rules/async-handler-no-catch.md")
    }

    fn project_dependencies(&self) -> &'static [&'static str] {
        &["express"]
    }

    fn check_project(&self, project: &Project, ctx: &mut ProjectContext<'_>) {
        // A handler registered several times is reported once.
        let mut reported = HashSet::new();
        for registered in registrations(project) {
            if registered.receiver == (Receiver::Router { promise: true })
                || forwards_rejections(project, registered.file)
            {
                continue;
            }
            for handler in &registered.registration.handlers {
                // A handler passed through any call (`asyncHandler(fn)`) is the wrapper's job.
                let Resolved::Function { file, function } =
                    project.resolve(registered.file, handler)
                else {
                    continue;
                };
                let Some(await_span) = function.first_uncovered_await.filter(|_| function.is_async)
                else {
                    continue;
                };
                if !reported.insert((file, function.start_byte)) {
                    continue;
                }
                point_to(
                    project,
                    ctx.report(file, await_span, MESSAGE, HELP),
                    file,
                    (registered.file, registered.registration.span),
                    "the async handler is registered here",
                    "the handler is registered at",
                );
            }
        }
    }
}
