//! Logging calls, as the rules about errors see them: `console.error(…)`, `req.log.warn(…)`,
//! `logger.error(…)`, `logging.getLogger(__name__).warning(…)`; and the debug flags that gate
//! logging meant only for development.

use lint500_engine::FileModel;
use tree_sitter::Node;

use crate::catch::last_name;

/// How many nodes a look at a condition reads before giving up.
const MAX_CONDITION_NODES: usize = 64;

/// A call to a logging method: `console.error(…)`, `req.log.warn(…)`, `logger.error(…)`.
pub(crate) struct LogCall<'tree> {
    pub(crate) call: Node<'tree>,
    pub(crate) receiver: Node<'tree>,
    pub(crate) method: &'tree str,
    pub(crate) console: bool,
}

impl<'tree> LogCall<'tree> {
    pub(crate) fn of(call: Node<'tree>, file: &FileModel<'tree>) -> Option<LogCall<'tree>> {
        let function = call.child_by_field_name("function")?;
        let (receiver, method) = match function.kind() {
            "member_expression" => (
                function.child_by_field_name("object")?,
                function.child_by_field_name("property")?,
            ),
            "attribute" => (
                function.child_by_field_name("object")?,
                function.child_by_field_name("attribute")?,
            ),
            _ => return None,
        };
        let console = function.kind() == "member_expression"
            && receiver.kind() == "identifier"
            && file.text(receiver) == "console";
        (console || is_logger(receiver, file)).then(|| LogCall {
            call,
            receiver,
            method: file.text(method),
            console,
        })
    }

    /// The levels that report a failure: `error`, `warn` (and `console.log`, which prints to
    /// the same place as `console.error` in most deployments), `fatal`, Python's `warning`,
    /// `critical` and `exception`. `info`/`debug` say the author expects what they log.
    pub(crate) fn reports_failure(&self, python: bool) -> bool {
        if python {
            matches!(
                self.method,
                "error" | "warning" | "warn" | "critical" | "fatal" | "exception"
            )
        } else if self.console {
            matches!(self.method, "error" | "warn" | "log")
        } else {
            matches!(self.method, "error" | "warn" | "fatal")
        }
    }
}

/// Whether an expression names a logger: `logger`, `log`, `this.logger`, `req.log`,
/// `self._logger`, `winston`, `logging`, `logging.getLogger(__name__)`, `logger.child({…})`.
fn is_logger(mut receiver: Node<'_>, file: &FileModel<'_>) -> bool {
    for _ in 0..4 {
        let name = match receiver.kind() {
            "identifier" => receiver,
            "member_expression" | "attribute" => {
                let field = if receiver.kind() == "attribute" {
                    "attribute"
                } else {
                    "property"
                };
                match receiver.child_by_field_name(field) {
                    Some(name) => name,
                    None => return false,
                }
            }
            "call_expression" | "call" => {
                let Some(function) = receiver.child_by_field_name("function") else {
                    return false;
                };
                let object = function.child_by_field_name("object");
                match last_name(function, file) {
                    "getLogger" | "get_logger" | "createLogger" => return true,
                    "child" | "getChild" | "bind" => match object {
                        Some(object) => {
                            receiver = object;
                            continue;
                        }
                        None => return false,
                    },
                    _ => return false,
                }
            }
            _ => return false,
        };
        let name = file.text(name).trim_start_matches(['#', '_']);
        let ends_with_logger = name
            .len()
            .checked_sub("logger".len())
            .and_then(|start| name.get(start..))
            .is_some_and(|tail| tail.eq_ignore_ascii_case("logger"));
        // `LOG = structlog.get_logger()` is as common as `log`.
        return ends_with_logger
            || name.eq_ignore_ascii_case("log")
            || matches!(name, "logging" | "winston" | "pino");
    }
    false
}

/// Whether a condition holds only while debugging: `process.env.DEBUG`, `DEBUG`, `isDebug()`,
/// `settings.debug`, `config.verbose`, `process.env.NODE_ENV === 'development'`,
/// `app.get('env') !== 'production'`, `settings.ENVIRONMENT == "local"`. A negated flag
/// (`!DEBUG`) holds in production.
pub(crate) fn is_debug_gate(condition: Node<'_>, file: &FileModel<'_>) -> bool {
    let mut stack = vec![condition];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_CONDITION_NODES {
            return false;
        }
        match node.kind() {
            "identifier" | "property_identifier" => {
                let name = file.text(node).to_ascii_lowercase();
                if name.contains("debug") || name == "verbose" {
                    return true;
                }
            }
            "binary_expression" | "comparison_operator" if compares_environment(node, file) => {
                return true;
            }
            // `!DEBUG`, `not settings.debug`, and what only looks at the flag's value.
            "unary_expression" | "not_operator" | "arguments" | "argument_list" | "string" => {}
            _ => {
                let mut cursor = node.walk();
                stack.extend(node.named_children(&mut cursor));
            }
        }
    }
    false
}

/// `process.env.NODE_ENV === 'development'`, `env != "production"`: an environment (or mode,
/// or log level) compared with a development value, or unequal to a production one.
fn compares_environment(comparison: Node<'_>, file: &FileModel<'_>) -> bool {
    let mut cursor = comparison.walk();
    let mut equal = None;
    let mut about_environment = false;
    let mut value = None;
    for child in comparison.children(&mut cursor) {
        match child.kind() {
            "===" | "==" => equal = Some(true),
            "!==" | "!=" => equal = Some(false),
            "string" => {
                value = Some(
                    file.text(child)
                        .trim_matches(['\'', '"', '`'])
                        .to_ascii_lowercase(),
                )
            }
            _ if child.is_named() => {
                let text = file.text(child).to_ascii_lowercase();
                about_environment |=
                    text.contains("env") || text.contains("mode") || text.contains("level");
            }
            _ => {}
        }
    }
    match (equal, value) {
        (Some(true), Some(value)) if about_environment => {
            matches!(
                value.as_str(),
                "development" | "dev" | "local" | "debug" | "test"
            )
        }
        (Some(false), Some(value)) if about_environment => {
            matches!(value.as_str(), "production" | "prod")
        }
        _ => false,
    }
}
