//! error-leak-in-response: a response whose status is, or may be, a server error (5xx) and whose
//! body carries the caught error's text (`err.message`, `err.stack`, `String(err)`, the error
//! itself; Python `str(e)`, `f"{e}"`, `repr(e)`, `traceback.format_exc()`), or the result of a
//! project helper that returns the message. The client learns the implementation's details;
//! the fix is a generic message with a request id, and the details in the logs.

use lint500_core::Language;
use lint500_engine::{
    Condition, FileModel, Rule, RuleContext, carried_text, local_values, python_argument,
};
use lint500_knowledge::servers::{
    FETCH_RESPONSE_CLASSES, LAMBDA_RESULT_KEYS, NEST_HTTP_EXCEPTION, NEST_SERVER_ERROR_EXCEPTIONS,
    PY_ERROR_RESPONSES, REPLY_BODY_METHODS, REPLY_STATUS_METHODS,
};
use tree_sitter::Node;

use crate::catch::{
    caught_binding, caught_name, handler_body, is_function, last_name, names_an_error,
};
use crate::logging::is_debug_gate;

pub struct ErrorLeakInResponse;

/// How deep in the tree a response may be for the rule to read it: real code stays far
/// shallower, and a file nested deeper is hostile or generated.
const MAX_DEPTH: u32 = 1_000;

/// How many nodes a look at a status expression or a condition reads before giving up.
const MAX_NODES: usize = 64;

/// How deep below the code that receives the error the response may be: a bound for
/// pathological nesting, beyond which the rule stays silent.
const MAX_PATH: usize = 256;

/// How many catch clauses around a response are read.
const MAX_CLAUSES: usize = 16;

impl Rule for ErrorLeakInResponse {
    fn document(&self) -> &'static str {
        include_str!("../../../rules/error-leak-in-response.md")
    }

    fn node_kinds(&self, language: Language) -> &'static [&'static str] {
        if language.is_javascript_like() {
            &["call_expression", "new_expression", "object"]
        } else {
            &["call", "dictionary"]
        }
    }

    fn check_node<'tree>(&self, node: Node<'tree>, ctx: &mut RuleContext<'_, 'tree>) {
        let file = ctx.file();
        let Some(response) = Response::of(node, file) else {
            return;
        };
        // The checks below ask the tree for siblings, each at the cost of the depth.
        if file.depth() > MAX_DEPTH {
            return;
        }
        let scope = file
            .enclosing_function()
            .and_then(|function| function.child_by_field_name("body"));
        for error in errors_around(node, file) {
            let scope = scope.unwrap_or(error.body);
            if check(node, &response, &error, scope, ctx) {
                return;
            }
        }
    }
}

/// Reports the response if its body carries the text of `error`; whether it did.
fn check<'tree>(
    node: Node<'tree>,
    response: &Response<'tree>,
    error: &CaughtError<'tree>,
    scope: Node<'tree>,
    ctx: &mut RuleContext<'_, 'tree>,
) -> bool {
    let file = ctx.file();
    let gate = |condition: Node<'tree>| is_disclosure_gate(condition, file);
    if !may_be_server_error(response.status, scope, file)
        || gated_path(scope, node, file)
        || (scope.id() != error.body.id() && gated_path(error.body, node, file))
    {
        return false;
    }
    let Some(carried) = carried_text(response.body, error.name, Some(scope), file, &gate) else {
        return false;
    };
    let python = !file.language.is_javascript_like();
    let status = status_text(response.status, file);
    let help = help(python);
    let leaked = carried
        .stack
        .map(|stack| (stack, "the error's stack trace"))
        .or_else(|| {
            carried
                .message
                .map(|message| (message, "the error's message"))
        })
        .or_else(|| {
            carried
                .whole
                .filter(|_| !python)
                .map(|whole| (whole, "the error object"))
        });
    if let Some((culprit, part)) = leaked {
        let message = match short(file.text(culprit)) {
            Some(text) => {
                format!("`{text}` sends {part} to the client in a {status} response")
            }
            None => format!("A response with status {status} sends {part} to the client"),
        };
        ctx.report(culprit, message, help)
            .label(response.status, "a server error status");
        true
    } else if let Some((call, callee)) = carried.helper {
        let message = match short(file.text(call)) {
            Some(text) => {
                format!("`{text}` sends the error's message to the client in a {status} response")
            }
            None => {
                format!("A response with status {status} sends the error's message to the client")
            }
        };
        ctx.report_if(callee, Condition::ReturnsErrorText, call, message, help)
            .label(response.status, "a server error status");
        true
    } else {
        false
    }
}

/// A response the code builds: its status and its body.
struct Response<'tree> {
    status: Node<'tree>,
    body: Node<'tree>,
}

impl<'tree> Response<'tree> {
    fn of(node: Node<'tree>, file: &FileModel<'tree>) -> Option<Self> {
        match node.kind() {
            "call_expression" => Self::of_javascript_call(node, file),
            "new_expression" => {
                let constructor = node.child_by_field_name("constructor")?;
                let arguments = positional(node.child_by_field_name("arguments")?);
                match last_name(constructor, file) {
                    // `new Response(JSON.stringify(…), { status: 500 })`, `new NextResponse(…)`.
                    name if FETCH_RESPONSE_CLASSES.contains(&name) => Some(Response {
                        body: *arguments.first()?,
                        status: status_option(*arguments.get(1)?, file)?,
                    }),
                    // Nest: `new HttpException(err.message, HttpStatus.INTERNAL_SERVER_ERROR)`.
                    name if name == NEST_HTTP_EXCEPTION => Some(Response {
                        body: *arguments.first()?,
                        status: *arguments.get(1)?,
                    }),
                    name if NEST_SERVER_ERROR_EXCEPTIONS.contains(&name) => Some(Response {
                        body: *arguments.first()?,
                        status: constructor,
                    }),
                    _ => None,
                }
            }
            // Lambda and serverless: `return { statusCode: 500, body: JSON.stringify(…) }`.
            "object" | "dictionary" => {
                let mut status = None;
                let mut body = None;
                let mut cursor = node.walk();
                for pair in node.named_children(&mut cursor) {
                    if pair.kind() != "pair" {
                        continue;
                    }
                    let (Some(key), Some(value)) = (
                        pair.child_by_field_name("key"),
                        pair.child_by_field_name("value"),
                    ) else {
                        continue;
                    };
                    let key = file.text(key).trim_matches(['\'', '"']);
                    if key == LAMBDA_RESULT_KEYS.0 {
                        status = Some(value);
                    } else if key == LAMBDA_RESULT_KEYS.1 {
                        body = Some(value);
                    }
                }
                Some(Response {
                    status: status?,
                    body: body?,
                })
            }
            "call" => {
                let function = node.child_by_field_name("function")?;
                let arguments = node.child_by_field_name("arguments")?;
                if arguments.kind() != "argument_list" {
                    return None;
                }
                let callee = last_name(function, file);
                // `HTTPException(status_code, detail)`; `JSONResponse(content, status_code)`.
                let (_, taken) = PY_ERROR_RESPONSES
                    .iter()
                    .find(|(suffix, _)| callee.ends_with(suffix))?;
                let (status, body) = (taken.status, taken.body);
                Some(Response {
                    status: python_argument(arguments, status.0, status.1, file)?,
                    body: python_argument(arguments, body.0, body.1, file)?,
                })
            }
            _ => None,
        }
    }

    /// `res.status(500).json(…)` (also `.send`, `.end`, and Fastify's `reply.code(500)`), and
    /// Next.js `NextResponse.json(…, { status: 500 })` / `Response.json(…)`.
    fn of_javascript_call(call: Node<'tree>, file: &FileModel<'tree>) -> Option<Self> {
        let function = call.child_by_field_name("function")?;
        if function.kind() != "member_expression" {
            return None;
        }
        let method = file.text(function.child_by_field_name("property")?);
        let object = function.child_by_field_name("object")?;
        let arguments = positional(call.child_by_field_name("arguments")?);
        if !REPLY_BODY_METHODS.contains(&method) {
            return None;
        }
        if object.kind() == "call_expression" {
            let setter = object.child_by_field_name("function")?;
            let setter_name = setter
                .child_by_field_name("property")
                .map(|property| file.text(property));
            if setter.kind() != "member_expression"
                || !setter_name.is_some_and(|name| REPLY_STATUS_METHODS.contains(&name))
            {
                return None;
            }
            let status = positional(object.child_by_field_name("arguments")?);
            return Some(Response {
                status: *status.first()?,
                body: *arguments.first()?,
            });
        }
        if method == "json" && FETCH_RESPONSE_CLASSES.contains(&last_name(object, file)) {
            return Some(Response {
                body: *arguments.first()?,
                status: status_option(*arguments.get(1)?, file)?,
            });
        }
        None
    }
}

/// The arguments of a call that are not comments.
fn positional(arguments: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .filter(|argument| argument.kind() != "comment")
        .collect()
}

/// The `status` of a response's options: `{ status: 500 }`.
fn status_option<'tree>(options: Node<'tree>, file: &FileModel<'tree>) -> Option<Node<'tree>> {
    if options.kind() != "object" {
        return None;
    }
    let mut cursor = options.walk();
    options
        .named_children(&mut cursor)
        .filter(|pair| pair.kind() == "pair")
        .find(|pair| {
            pair.child_by_field_name("key")
                .is_some_and(|key| file.text(key).trim_matches(['\'', '"']) == "status")
        })
        .and_then(|pair| pair.child_by_field_name("value"))
}

/// The caught error a response is built with: its name and the code that receives it.
struct CaughtError<'tree> {
    name: &'tree str,
    body: Node<'tree>,
}

/// The errors around a response, innermost first: `catch (err)` / `except … as e` clauses, and
/// the innermost function when one of its first two parameters names an error (an Express
/// error middleware `(err, req, res, next)`, a FastAPI exception handler `(request, exc)`, a
/// `.catch((err) => …)` callback, a node-style callback `(err, rows) => …`, a helper
/// `handleError(error, res)`). An inner binding of a name hides the outer ones.
fn errors_around<'tree>(node: Node<'tree>, file: &FileModel<'tree>) -> Vec<CaughtError<'tree>> {
    let function = file.enclosing_function().and_then(|function| {
        let body = function.child_by_field_name("body")?;
        let parameters = function
            .child_by_field_name("parameters")
            .or_else(|| function.child_by_field_name("parameter"))?;
        let names: Vec<&str> = if parameters.kind() == "identifier" {
            vec![file.text(parameters)]
        } else {
            let mut cursor = parameters.walk();
            parameters
                .named_children(&mut cursor)
                .filter(|parameter| parameter.kind() != "comment")
                .take(2)
                .filter_map(|parameter| parameter_name(parameter, file))
                .collect()
        };
        let name = names.into_iter().find(|name| names_an_error(name))?;
        Some((function.start_byte(), CaughtError { name, body }))
    });
    let mut function = function;
    let mut errors: Vec<CaughtError<'tree>> = Vec::new();
    for clause in file.enclosing_catch_clauses().take(MAX_CLAUSES) {
        // Clauses come innermost first; the function goes before the first clause that
        // encloses it.
        if function
            .as_ref()
            .is_some_and(|(start, _)| clause.start_byte() < *start)
        {
            errors.extend(function.take().map(|(_, error)| error));
        }
        // A clause that binds no name (`except Exception:`) can still send the traceback
        // (`traceback.format_exc()`); the empty name matches no identifier.
        let name = match caught_binding(clause) {
            None => Some(""),
            Some(_) => caught_name(clause, file),
        };
        if let (Some(name), Some(body)) = (name, handler_body(clause)) {
            errors.push(CaughtError { name, body });
        }
    }
    errors.extend(function.map(|(_, error)| error));
    let mut seen: Vec<&str> = Vec::new();
    errors.retain(|error| {
        let first = !seen.contains(&error.name);
        seen.push(error.name);
        first && node.start_byte() >= error.body.start_byte()
    });
    errors
}

/// The name a parameter declares: `err`, `err: Error`, `exc: Exception`, `err = null`.
fn parameter_name<'tree>(parameter: Node<'tree>, file: &FileModel<'tree>) -> Option<&'tree str> {
    let identifier = match parameter.kind() {
        "identifier" => Some(parameter),
        "required_parameter" | "optional_parameter" => parameter.child_by_field_name("pattern"),
        "typed_parameter" => parameter.named_child(0),
        "default_parameter" | "typed_default_parameter" => parameter.child_by_field_name("name"),
        _ => None,
    }?;
    (identifier.kind() == "identifier").then(|| file.text(identifier))
}

/// Whether a status is, or may be, a server error: a literal 500–599 or a constant named for
/// one (`HTTP_500_INTERNAL_SERVER_ERROR`, `status.HTTP_503_SERVICE_UNAVAILABLE`,
/// `StatusCodes.INTERNAL_SERVER_ERROR`, `HttpStatus.BAD_GATEWAY`) anywhere in it (`err.status
/// || 500`, `getattr(exc, "status_code", 500)`), also through a local variable (`const status =
/// err.statusCode ?? 500`).
fn may_be_server_error(status: Node<'_>, scope: Node<'_>, file: &FileModel<'_>) -> bool {
    let mut stack = vec![status];
    let mut visited = 0;
    let mut followed = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_NODES {
            return false;
        }
        match node.kind() {
            "number" | "integer" => {
                if is_server_error_number(file.text(node)) {
                    return true;
                }
            }
            "identifier" | "property_identifier" => {
                if is_server_error_constant(file.text(node)) {
                    return true;
                }
                if node.kind() == "identifier" && followed < 4 {
                    followed += 1;
                    stack.extend(local_values(scope, node, file, &|_| false));
                }
            }
            "member_expression" | "attribute" => {
                if is_server_error_constant(last_name(node, file)) {
                    return true;
                }
            }
            // Not a status: what a condition compares with.
            "binary_expression" | "comparison_operator"
                if node
                    .child_by_field_name("operator")
                    .is_some_and(|operator| {
                        matches!(operator.kind(), "<" | ">" | "<=" | ">=" | "===" | "==")
                    })
                    || node.kind() == "comparison_operator" => {}
            _ if is_function(node) => {}
            _ => {
                let mut cursor = node.walk();
                stack.extend(node.named_children(&mut cursor));
            }
        }
    }
    false
}

fn is_server_error_number(text: &str) -> bool {
    text.parse::<u32>()
        .is_ok_and(|number| (500..=599).contains(&number))
}

/// `INTERNAL_SERVER_ERROR`, `HTTP_503_SERVICE_UNAVAILABLE`, `InternalServerError`, `BAD_GATEWAY`.
fn is_server_error_constant(name: &str) -> bool {
    let normalized: String = name
        .chars()
        .filter(|c| *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    const NAMES: &[&str] = &[
        "internalservererror",
        "serviceunavailable",
        "badgateway",
        "gatewaytimeout",
        "notimplemented",
        "insufficientstorage",
    ];
    let numbered = normalized
        .strip_prefix("http")
        .is_some_and(|rest| rest.len() > 3 && is_server_error_number(&rest[..3]));
    numbered || NAMES.iter().any(|known| normalized.ends_with(known))
}

/// Whether a condition decides what the client may see: a production or debug flag
/// (`isProduction`, `process.env.NODE_ENV !== 'production'`, `DEBUG`, `settings.debug`), the
/// error's own verdict (`err.expose`, `err.isOperational`), or a server error status
/// (`status >= 500`).
fn is_disclosure_gate(condition: Node<'_>, file: &FileModel<'_>) -> bool {
    if is_debug_gate(condition, file) {
        return true;
    }
    let mut stack = vec![condition];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_NODES {
            return false;
        }
        match node.kind() {
            "identifier" | "property_identifier" | "shorthand_property_identifier" => {
                let name = file.text(node).to_ascii_lowercase();
                if [
                    "prod",
                    "debug",
                    "expose",
                    "operational",
                    "verbose",
                    "node_env",
                ]
                .iter()
                .any(|word| name.contains(word))
                    || name == "dev"
                    || name.starts_with("isdev")
                    || name.contains("development")
                {
                    return true;
                }
            }
            "number" | "integer" if is_server_error_number(file.text(node)) => return true,
            "string" => {
                let text = file.text(node).trim_matches(['\'', '"', '`']);
                if matches!(text, "production" | "prod" | "development" | "dev") {
                    return true;
                }
            }
            _ if is_function(node) => {}
            _ => {
                let mut cursor = node.walk();
                stack.extend(node.named_children(&mut cursor));
            }
        }
    }
    false
}

/// Whether the way from `top` down to `node` passes a condition that decides what the client
/// may see (see [`is_disclosure_gate`]): an `if` or a ternary around it, a `&&` before it, or an
/// earlier `if` of the same block (`if (status >= 500) return res.json({ error: 'Internal' })`).
fn gated_path(top: Node<'_>, node: Node<'_>, file: &FileModel<'_>) -> bool {
    let mut current = top;
    let mut depth = 0;
    while current.id() != node.id() {
        depth += 1;
        if depth > MAX_PATH {
            return true;
        }
        let Some(child) = current.child_with_descendant(node) else {
            return false;
        };
        let condition = match current.kind() {
            "if_statement" | "elif_clause" | "ternary_expression" | "while_statement" => {
                current.child_by_field_name("condition")
            }
            "conditional_expression" => current.named_child(1),
            "binary_expression" | "boolean_operator"
                if current.child_by_field_name("right") == Some(child)
                    && current
                        .child_by_field_name("operator")
                        .is_some_and(|operator| matches!(operator.kind(), "&&" | "and")) =>
            {
                current.child_by_field_name("left")
            }
            _ => None,
        };
        if condition.is_some_and(|condition| is_disclosure_gate(condition, file)) {
            return true;
        }
        if matches!(current.kind(), "statement_block" | "block") {
            let mut sibling = child.prev_named_sibling();
            let mut seen = 0;
            while let Some(earlier) = sibling {
                seen += 1;
                if seen > MAX_NODES {
                    break;
                }
                if earlier.kind() == "if_statement"
                    && earlier
                        .child_by_field_name("condition")
                        .is_some_and(|condition| is_disclosure_gate(condition, file))
                {
                    return true;
                }
                sibling = earlier.prev_named_sibling();
            }
        }
        current = child;
    }
    false
}

/// The status as the message shows it: `500`, the constant, or "5xx" when it is computed.
fn status_text<'tree>(status: Node<'tree>, file: &FileModel<'tree>) -> String {
    let text = file.text(status);
    if is_server_error_number(text) {
        text.to_string()
    } else if matches!(
        status.kind(),
        "member_expression" | "attribute" | "identifier"
    ) && is_server_error_constant(last_name(status, file))
    {
        format!("`{}`", short(text).unwrap_or("5xx"))
    } else {
        "5xx".to_string()
    }
}

fn help(python: bool) -> &'static str {
    if python {
        "Log the exception (`logger.exception(…)`) and answer with a generic detail, e.g. \
         `HTTPException(status_code=500, detail=\"Internal server error\")`, with a request id \
         to find the log line"
    } else {
        "Log the error and send a generic message, e.g. `res.status(500).json({ error: \
         'Internal server error', requestId })`; keep the details in the logs"
    }
}

/// The text if it fits in a one-line message between backticks.
fn short(text: &str) -> Option<&str> {
    (text.len() <= 40 && !text.contains(['\n', '`'])).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_error_constants() {
        for name in [
            "HTTP_500_INTERNAL_SERVER_ERROR",
            "HTTP_503_SERVICE_UNAVAILABLE",
            "INTERNAL_SERVER_ERROR",
            "InternalServerError",
            "BAD_GATEWAY",
        ] {
            assert!(is_server_error_constant(name), "{name}");
        }
        for name in ["HTTP_400_BAD_REQUEST", "NOT_FOUND", "status", "HTTP_5"] {
            assert!(!is_server_error_constant(name), "{name}");
        }
    }
}
