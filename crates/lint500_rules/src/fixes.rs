//! The fixes rules attach to their findings, one function per rule, each conservative: where
//! the rule cannot be sure the change keeps the code's meaning (a logging library it does not
//! know, an `await` where it would not parse), it offers no fix rather than a wrong one.

use lint500_core::{Edit, Fix};
use lint500_engine::{FileModel, PromiseUse};
use tree_sitter::Node;

use crate::catch::is_function;
use crate::logging::LogCall;

/// How far up from a logging call its handler is looked for.
const MAX_DEPTH: usize = 64;

/// log-without-stack: a logging call in the handler of the error `name` (`site`: the `catch`
/// or `except` clause, or the function that receives the error) that records only its
/// message (`culprit`).
///
/// - Python, in an `except` clause: `logger.error(…)` becomes `logger.exception(…)` (the same
///   message at the same level, with the traceback); `warning`, `critical` and `fatal` get
///   `exc_info=True`. Not where the file uses loguru or structlog, whose calls differ.
/// - `console.error('x', err.message)` becomes `console.error('x', err)`; where the message
///   is part of a text (`` `failed: ${err.message}` ``), the error is passed after it.
/// - pino and bunyan (the file imports one of them, and no other logging library): the error
///   goes first, `logger.error(err, 'failed: …')`, where they serialise it with its stack.
///   Other loggers' calls (winston, a module of the project) get no fix.
pub(crate) fn log_without_stack<'tree>(
    call: &LogCall<'tree>,
    culprit: Node<'tree>,
    name: &str,
    site: Node<'tree>,
    file: &FileModel<'tree>,
) -> Option<Fix> {
    let arguments = call.call.child_by_field_name("arguments")?;
    let listed: Vec<Node<'tree>> = {
        let mut cursor = arguments.walk();
        arguments
            .named_children(&mut cursor)
            .filter(|argument| argument.kind() != "comment")
            .collect()
    };
    if file.language.is_javascript_like() {
        javascript_log(call, culprit, name, &listed, file)
    } else {
        if arguments.kind() != "argument_list" || !directly_in(call.call, site) {
            return None;
        }
        python_log(call, &listed, file)
    }
}

/// Whether `node` runs while `site` (an `except` clause) handles its exception: it lies inside
/// it, not in a function defined there (which may run later, outside the handler).
fn directly_in(node: Node<'_>, site: Node<'_>) -> bool {
    if site.kind() != "except_clause" {
        return false;
    }
    let mut current = node;
    for _ in 0..MAX_DEPTH {
        let Some(parent) = current.parent() else {
            return false;
        };
        if parent.id() == site.id() {
            return true;
        }
        if is_function(parent) {
            return false;
        }
        current = parent;
    }
    false
}

fn python_log<'tree>(
    call: &LogCall<'tree>,
    listed: &[Node<'tree>],
    file: &FileModel<'tree>,
) -> Option<Fix> {
    // loguru has no `exc_info`, and structlog's calls take their own keywords.
    if file.source.contains("loguru") || file.source.contains("structlog") {
        return None;
    }
    let method = call
        .call
        .child_by_field_name("function")?
        .child_by_field_name("attribute")?;
    let receiver = file.text(call.receiver);
    match file.text(method) {
        "error" => Some(Fix::safe(
            format!(
                "Use `{}.exception(…)`, which logs the traceback",
                short(receiver)
            ),
            vec![Edit::replace(method.byte_range(), "exception")],
        )),
        "warning" | "warn" | "critical" | "fatal" => {
            let last = listed.last()?;
            Some(Fix::safe(
                "Pass `exc_info=True`, which logs the traceback",
                vec![Edit::insert(last.end_byte(), ", exc_info=True")],
            ))
        }
        _ => None,
    }
}

fn javascript_log<'tree>(
    call: &LogCall<'tree>,
    culprit: Node<'tree>,
    name: &str,
    listed: &[Node<'tree>],
    file: &FileModel<'tree>,
) -> Option<Fix> {
    let first = *listed.first()?;
    let last = *listed.last()?;
    if call.console {
        let direct = listed.iter().any(|argument| argument.id() == culprit.id());
        if direct && only_the_message(file.text(culprit), name) {
            return Some(Fix::safe(
                format!("Log `{name}` itself, with its stack"),
                vec![Edit::replace(culprit.byte_range(), name)],
            ));
        }
        return Some(Fix::safe(
            format!("Pass `{name}` as an argument of its own, with its stack"),
            vec![Edit::insert(last.end_byte(), format!(", {name}"))],
        ));
    }
    if logger_library(file.source) != Some(Library::ErrorFirst) {
        return None;
    }
    // The message first: `logger.error('failed: ' + err.message)`. A first argument that is
    // an object of fields would need the error among them instead.
    let message_first = first.id() == culprit.id()
        || matches!(
            first.kind(),
            "string" | "template_string" | "binary_expression"
        );
    message_first.then(|| {
        Fix::safe(
            format!("Pass `{name}` first, where the logger records its stack"),
            vec![Edit::insert(first.start_byte(), format!("{name}, "))],
        )
    })
}

/// `err.message`, `err?.message`, `String(err)`, `err.toString()`: the error's text and
/// nothing else, which logging the error itself shows too.
fn only_the_message(text: &str, name: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    [
        format!("{name}.message"),
        format!("{name}?.message"),
        format!("String({name})"),
        format!("{name}.toString()"),
        format!("{name}?.toString()"),
    ]
    .contains(&compact)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Library {
    /// pino and bunyan: `logger.error(err, 'message')` records the error with its stack.
    ErrorFirst,
    /// Another logging library, whose way with an extra argument lint500 does not rely on.
    Other,
}

/// The logging library a JavaScript file imports, when it imports exactly one kind.
fn logger_library(source: &str) -> Option<Library> {
    let imports = |package: &str| {
        ['\'', '"']
            .iter()
            .any(|quote| source.contains(&format!("{quote}{package}{quote}")))
    };
    let error_first = ["pino", "pino-http", "express-pino-logger", "bunyan"]
        .iter()
        .any(|package| imports(package));
    let other = [
        "winston",
        "log4js",
        "loglevel",
        "tslog",
        "signale",
        "consola",
        "roarr",
        "morgan",
        "@nestjs/common",
    ]
    .iter()
    .any(|package| imports(package));
    match (error_first, other) {
        (true, false) => Some(Library::ErrorFirst),
        (_, true) => Some(Library::Other),
        (false, false) => None,
    }
}

/// missing-await: `await` before an unawaited call whose value is used, in an async function.
/// Where the call is the operand of something that binds tighter than `await` (`getUser().name`,
/// `getRows()[0]`, `count() > 0`) it is parenthesised: `(await getUser()).name`. Unsafe: the
/// code then waits where it did not, and a rejection now throws here.
pub(crate) fn insert_await(
    call: std::ops::Range<usize>,
    how: PromiseUse,
    through_variable: bool,
) -> Fix {
    let wrap = !through_variable
        && matches!(
            how,
            PromiseUse::Member | PromiseUse::Index | PromiseUse::Operand
        );
    let edits = if wrap {
        vec![
            Edit::insert(call.start, "(await "),
            Edit::insert(call.end, ")"),
        ]
    } else {
        vec![Edit::insert(call.start, "await ")]
    };
    Fix::unsafe_edits("Insert `await`", edits)
}

/// Whether `await` may be written at `call`, which lies in `function`: the function is async
/// and the call is in its body (not in a parameter's default value), and in Python not in a
/// generator expression, which `await` would turn into an async generator.
pub(crate) fn may_await(call: Node<'_>, function: Node<'_>, python: bool) -> bool {
    let Some(body) = function.child_by_field_name("body") else {
        return false;
    };
    if call.start_byte() < body.start_byte() || call.end_byte() > body.end_byte() {
        return false;
    }
    let mut current = call;
    for _ in 0..MAX_DEPTH {
        let Some(parent) = current.parent() else {
            return false;
        };
        if parent.id() == function.id() {
            return true;
        }
        if python
            && matches!(
                parent.kind(),
                "generator_expression"
                    | "list_comprehension"
                    | "set_comprehension"
                    | "dictionary_comprehension"
            )
        {
            return false;
        }
        current = parent;
    }
    false
}

fn short(text: &str) -> &str {
    if text.len() <= 40 && !text.contains('\n') {
        text
    } else {
        "logger"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_message_is_the_text_and_nothing_more() {
        assert!(only_the_message("err.message", "err"));
        assert!(only_the_message("String( e )", "e"));
        assert!(!only_the_message("err.message.trim()", "err"));
        assert!(!only_the_message("other.message", "err"));
    }

    #[test]
    fn the_logging_library_is_read_from_the_imports() {
        assert!(logger_library("const pino = require('pino');") == Some(Library::ErrorFirst));
        assert!(logger_library("import winston from \"winston\";") == Some(Library::Other));
        assert!(
            logger_library("import pino from 'pino';\nimport w from 'winston';")
                == Some(Library::Other)
        );
        assert!(logger_library("import { logger } from './logger';").is_none());
    }
}
