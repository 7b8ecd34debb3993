//! How a JavaScript function ends the process, read from its statements: what a process-level
//! error listener must do (exit, rethrow, or hand the process to its manager) on every path.
//! Calls into other modules stay open in the [`Ending`] and are settled by the project view.

use std::collections::HashSet;

use tree_sitter::Node;

use super::javascript::value_of;
use super::{Binding, Ending, Function, Import, JsModule, Value};
use crate::model::FileModel;
use crate::syntax::is_nested_scope;

/// The methods that add a listener to `process`.
pub(crate) const LISTENER_METHODS: &[&str] = &[
    "on",
    "once",
    "addListener",
    "prependListener",
    "prependOnceListener",
];

/// The events whose listeners decide what happens to an error nothing else caught.
pub(crate) const ERROR_EVENTS: &[&str] = &["uncaughtException", "unhandledRejection"];

/// How deep callbacks (`server.close(() => …)`) and nested branches are followed.
const MAX_DEPTH: usize = 8;

/// How far statements are searched for a `return` (a branch that leaves the function early).
const MAX_RETURN_SEARCH: usize = 2_000;

impl Ending {
    /// Ends when any part does: statements run one after another.
    pub(crate) fn any(parts: Vec<Ending>) -> Ending {
        let mut kept = Vec::new();
        for part in parts {
            match part {
                Ending::Always => return Ending::Always,
                Ending::Never => {}
                Ending::Any(inner) => kept.extend(inner),
                other => kept.push(other),
            }
        }
        match kept.len() {
            0 => Ending::Never,
            1 => kept.pop().unwrap_or_default(),
            _ => Ending::Any(kept),
        }
    }

    /// Ends when every part does: the branches of an `if`, a `try` and its `catch`.
    pub(crate) fn all(parts: Vec<Ending>) -> Ending {
        let mut kept = Vec::new();
        for part in parts {
            match part {
                Ending::Never => return Ending::Never,
                Ending::Always => {}
                Ending::All(inner) => kept.extend(inner),
                other => kept.push(other),
            }
        }
        match kept.len() {
            0 => Ending::Always,
            1 => kept.pop().unwrap_or_default(),
            _ => Ending::All(kept),
        }
    }
}

/// How `function` (any function node) ends the process, with every call it makes left open.
pub(crate) fn function_ending(function: Node<'_>, file: &FileModel<'_>) -> Ending {
    body_ending(function, file, 0)
}

fn body_ending(function: Node<'_>, file: &FileModel<'_>, depth: usize) -> Ending {
    let Some(body) = function.child_by_field_name("body") else {
        return Ending::Never;
    };
    if body.kind() == "statement_block" {
        block_ending(body, file, depth)
    } else {
        expression_ending(body, file, depth)
    }
}

fn block_ending(block: Node<'_>, file: &FileModel<'_>, depth: usize) -> Ending {
    let mut cursor = block.walk();
    let statements: Vec<Node<'_>> = block
        .named_children(&mut cursor)
        .filter(|statement| statement.kind() != "comment")
        .collect();
    sequence_ending(&statements, file, depth)
}

/// A statement standing for a branch: a block, or a single statement.
fn branch_ending(statement: Node<'_>, file: &FileModel<'_>, depth: usize) -> Ending {
    if statement.kind() == "statement_block" {
        block_ending(statement, file, depth)
    } else {
        sequence_ending(&[statement], file, depth)
    }
}

/// Statements run in order: the sequence ends the process when one of them does on every
/// path, before a `return` lets the function leave.
fn sequence_ending(statements: &[Node<'_>], file: &FileModel<'_>, depth: usize) -> Ending {
    if depth > MAX_DEPTH {
        return Ending::Never;
    }
    let mut parts = Vec::new();
    let mut exit_code_set = false;
    for (index, &statement) in statements.iter().enumerate() {
        match statement.kind() {
            "expression_statement" => {
                let Some(expression) = statement.named_child(0) else {
                    continue;
                };
                if is_exit_code_assignment(expression, file) {
                    exit_code_set = true;
                } else if exit_code_set && closes(expression, file) {
                    // `process.exitCode = 1; server.close()`: the process ends once idle.
                    return Ending::Always;
                } else {
                    parts.push(expression_ending(expression, file, depth));
                }
            }
            "throw_statement" => return Ending::Always,
            "return_statement" => {
                if let Some(value) = statement.named_child(0) {
                    parts.push(expression_ending(value, file, depth));
                }
                return Ending::any(parts);
            }
            "if_statement" => {
                let consequence = statement.child_by_field_name("consequence");
                let alternative = statement
                    .child_by_field_name("alternative")
                    .and_then(|clause| clause.named_child(0));
                let branch = |node: Option<Node<'_>>| {
                    node.map_or(Ending::Never, |node| branch_ending(node, file, depth + 1))
                };
                let returns = |node: Option<Node<'_>>| node.is_some_and(may_return);
                let (then_returns, else_returns) = (returns(consequence), returns(alternative));
                if then_returns
                    && alternative.is_none()
                    && is_reentry_guard(statement, &statements[index + 1..], file)
                {
                    // `if (shuttingDown) return; shuttingDown = true; …`: a second call leaves
                    // the first to end the process.
                    continue;
                }
                if !then_returns && !else_returns {
                    parts.push(Ending::all(vec![branch(consequence), branch(alternative)]));
                    continue;
                }
                // A branch that may return skips the statements after the `if`.
                let rest = sequence_ending(&statements[index + 1..], file, depth + 1);
                let with_rest = |ending: Ending, returns: bool| {
                    if returns {
                        ending
                    } else {
                        Ending::any(vec![ending, rest.clone()])
                    }
                };
                parts.push(Ending::all(vec![
                    with_rest(branch(consequence), then_returns),
                    with_rest(branch(alternative), else_returns),
                ]));
                return Ending::any(parts);
            }
            "try_statement" => parts.push(try_ending(statement, file, depth)),
            "statement_block" => parts.push(block_ending(statement, file, depth + 1)),
            "lexical_declaration" | "variable_declaration" => {
                let mut cursor = statement.walk();
                for declarator in statement.named_children(&mut cursor) {
                    if let Some(value) = declarator.child_by_field_name("value") {
                        parts.push(expression_ending(value, file, depth));
                    }
                }
            }
            _ => {}
        }
    }
    Ending::any(parts)
}

/// A `try` ends the process when its `finally` does, or when both the block and its `catch`
/// do (without a `catch`, what the block throws goes on up).
fn try_ending(statement: Node<'_>, file: &FileModel<'_>, depth: usize) -> Ending {
    let body = statement
        .child_by_field_name("body")
        .map_or(Ending::Never, |body| block_ending(body, file, depth + 1));
    let handler = statement
        .child_by_field_name("handler")
        .and_then(|clause| clause.child_by_field_name("body"))
        .map(|body| block_ending(body, file, depth + 1));
    let finalizer = statement
        .child_by_field_name("finalizer")
        .and_then(|clause| clause.child_by_field_name("body"))
        .map_or(Ending::Never, |body| block_ending(body, file, depth + 1));
    let guarded = match handler {
        Some(handler) => Ending::all(vec![body, handler]),
        None => body,
    };
    Ending::any(vec![finalizer, guarded])
}

fn expression_ending(expression: Node<'_>, file: &FileModel<'_>, depth: usize) -> Ending {
    if depth > MAX_DEPTH {
        return Ending::Never;
    }
    match expression.kind() {
        "parenthesized_expression" | "await_expression" => expression
            .named_child(0)
            .map_or(Ending::Never, |inner| expression_ending(inner, file, depth)),
        // `void shutdown()`.
        "unary_expression" => expression
            .child_by_field_name("argument")
            .map_or(Ending::Never, |inner| expression_ending(inner, file, depth)),
        "sequence_expression" => {
            let mut cursor = expression.walk();
            let parts = expression
                .named_children(&mut cursor)
                .map(|part| expression_ending(part, file, depth))
                .collect();
            Ending::any(parts)
        }
        "ternary_expression" => {
            let branch = |field: &str| {
                expression
                    .child_by_field_name(field)
                    .map_or(Ending::Never, |branch| {
                        expression_ending(branch, file, depth)
                    })
            };
            Ending::all(vec![branch("consequence"), branch("alternative")])
        }
        "assignment_expression" => expression
            .child_by_field_name("right")
            .map_or(Ending::Never, |right| expression_ending(right, file, depth)),
        "call_expression" => call_ending(expression, file, depth),
        _ => Ending::Never,
    }
}

/// `process.exit(…)`, `process.abort()`, `process.kill(process.pid, …)` end the process; any
/// other call ends it when the function it calls does, or when a callback it is given does
/// (`server.close(() => process.exit(1))`, `setTimeout(() => process.exit(1))`) — except a
/// rejection handler (`.catch(…)`, the second argument of `.then`), which may never run.
fn call_ending(call: Node<'_>, file: &FileModel<'_>, depth: usize) -> Ending {
    let Some(callee) = call.child_by_field_name("function") else {
        return Ending::Never;
    };
    let arguments = call.child_by_field_name("arguments");
    let mut parts = Vec::new();
    let mut method = None;
    if callee.kind() == "member_expression" {
        let (Some(object), Some(property)) = (
            callee.child_by_field_name("object"),
            callee.child_by_field_name("property"),
        ) else {
            return Ending::Never;
        };
        let name = file.text(property);
        if is_process(object, file) {
            let first = arguments.and_then(|list| list.named_child(0));
            return match name {
                "exit" | "abort" | "reallyExit" => Ending::Always,
                "kill" if first.is_some_and(|pid| is_own_pid(pid, file)) => Ending::Always,
                _ => Ending::Never,
            };
        }
        method = Some(name);
        // `shutdown().then(() => …)`: the call the chain starts with runs too.
        parts.push(expression_ending(object, file, depth));
    }
    if matches!(callee.kind(), "identifier" | "member_expression") {
        parts.push(Ending::Call(value_of(callee, file)));
    }
    if let Some(list) = arguments {
        let mut cursor = list.walk();
        for (index, argument) in list.named_children(&mut cursor).enumerate() {
            let rejection_handler =
                method == Some("catch") || (method == Some("then") && index > 0);
            if rejection_handler {
                continue;
            }
            match argument.kind() {
                "arrow_function" | "function_expression" | "function" => {
                    parts.push(body_ending(argument, file, depth + 1));
                }
                // `server.close(exit)`: a function of the module given as the callback.
                "identifier" => parts.push(Ending::Call(Value::Name(file.text(argument).into()))),
                _ => {}
            }
        }
    }
    Ending::any(parts)
}

/// `if (flag) return;` followed by `flag = true`: the guard of a function that runs once.
fn is_reentry_guard(statement: Node<'_>, rest: &[Node<'_>], file: &FileModel<'_>) -> bool {
    let Some(mut condition) = statement.child_by_field_name("condition") else {
        return false;
    };
    while condition.kind() == "parenthesized_expression" {
        match condition.named_child(0) {
            Some(inner) => condition = inner,
            None => return false,
        }
    }
    if !matches!(condition.kind(), "identifier" | "member_expression") {
        return false;
    }
    let flag = file.text(condition);
    rest.iter().any(|later| {
        later.kind() == "expression_statement"
            && later.named_child(0).is_some_and(|expression| {
                expression.kind() == "assignment_expression"
                    && expression
                        .child_by_field_name("left")
                        .is_some_and(|left| file.text(left) == flag)
                    && expression
                        .child_by_field_name("right")
                        .is_some_and(|right| file.text(right) == "true")
            })
    })
}

/// `process`, `global.process`, `globalThis.process`.
pub(crate) fn is_process(node: Node<'_>, file: &FileModel<'_>) -> bool {
    matches!(
        file.text(node),
        "process" | "global.process" | "globalThis.process"
    )
}

fn is_own_pid(node: Node<'_>, file: &FileModel<'_>) -> bool {
    matches!(
        file.text(node),
        "process.pid" | "global.process.pid" | "globalThis.process.pid"
    )
}

/// `process.exitCode = …`.
fn is_exit_code_assignment(expression: Node<'_>, file: &FileModel<'_>) -> bool {
    expression.kind() == "assignment_expression"
        && expression.child_by_field_name("left").is_some_and(|left| {
            left.kind() == "member_expression"
                && left
                    .child_by_field_name("property")
                    .is_some_and(|property| file.text(property) == "exitCode")
                && left
                    .child_by_field_name("object")
                    .is_some_and(|object| is_process(object, file))
        })
}

/// A call that closes the server or shuts the service down: `server.close()`,
/// `await app.stop()`, `shutdown()`.
fn closes(expression: Node<'_>, file: &FileModel<'_>) -> bool {
    let mut node = expression;
    while matches!(node.kind(), "await_expression" | "parenthesized_expression") {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => return false,
        }
    }
    if node.kind() != "call_expression" {
        return false;
    }
    let Some(callee) = node.child_by_field_name("function") else {
        return false;
    };
    let name = match callee.kind() {
        "member_expression" => callee
            .child_by_field_name("property")
            .map_or("", |property| file.text(property)),
        _ => file.text(callee),
    };
    is_shutdown_name(name) || name == "close" || name == "stop"
}

/// Names of functions that shut a service down: `shutdown`, `gracefulShutdown`, `exitHandler`,
/// `terminate`.
pub fn is_shutdown_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["shutdown", "exit", "terminate", "abort", "crash"]
        .iter()
        .any(|word| lower.contains(word))
}

/// Whether a `return` may run in `statement` (nested functions aside).
fn may_return(statement: Node<'_>) -> bool {
    let mut pending = vec![statement];
    let mut seen = 0;
    while let Some(node) = pending.pop() {
        seen += 1;
        if seen > MAX_RETURN_SEARCH {
            return true;
        }
        if node.kind() == "return_statement" {
            return true;
        }
        if is_nested_scope(node.kind()) || node.kind() == "expression_statement" {
            continue;
        }
        let mut cursor = node.walk();
        pending.extend(node.named_children(&mut cursor));
    }
    false
}

/// Whether a function's body never names its first parameter (nor `arguments`): a listener
/// given the error or the rejection reason that does nothing with it. False for a destructured
/// first parameter.
pub(crate) fn ignores_first_argument(
    function: Node<'_>,
    first_parameter: Option<&str>,
    arity: u8,
    file: &FileModel<'_>,
) -> bool {
    let Some(body) = function.child_by_field_name("body") else {
        return false;
    };
    let text = file.text(body);
    let name = match (first_parameter, arity) {
        (Some(name), _) => name,
        (None, 0) if !has_parameters(function) => "arguments",
        _ => return false,
    };
    !mentions(text, name) && (name == "arguments" || !mentions(text, "arguments"))
}

fn has_parameters(function: Node<'_>) -> bool {
    function
        .child_by_field_name("parameters")
        .or_else(|| function.child_by_field_name("parameter"))
        .is_some_and(|list| list.kind() == "identifier" || list.named_child_count() > 0)
}

/// Whether `text` holds `name` as a whole identifier.
fn mentions(text: &str, name: &str) -> bool {
    let is_identifier_byte =
        |byte: u8| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$';
    let bytes = text.as_bytes();
    text.match_indices(name).any(|(at, _)| {
        let before = at.checked_sub(1).map(|index| bytes[index]);
        let after = bytes.get(at + name.len()).copied();
        !before.is_some_and(is_identifier_byte) && !after.is_some_and(is_identifier_byte)
    })
}

/// Settles what each function's [`Ending`] says about calls within the module: a call of a
/// function of the module becomes that function's ending, a call of an imported name stays
/// open for the project view, and every other call (a package's, a global's, a method of an
/// object the module cannot follow) ends nothing.
pub(crate) fn settle_endings(functions: &mut [Function], bindings: &[Binding], imports: &[Import]) {
    let mut settled: Vec<Option<Ending>> = vec![None; functions.len()];
    for index in 0..functions.len() {
        let mut visiting = HashSet::new();
        let ending = settle_function(
            index,
            functions,
            bindings,
            imports,
            &mut settled,
            &mut visiting,
        );
        settled[index] = Some(ending);
    }
    for (function, ending) in functions.iter_mut().zip(settled) {
        function.ending = ending.unwrap_or_default();
    }
}

fn settle_function(
    index: usize,
    functions: &[Function],
    bindings: &[Binding],
    imports: &[Import],
    settled: &mut Vec<Option<Ending>>,
    visiting: &mut HashSet<usize>,
) -> Ending {
    if let Some(done) = &settled[index] {
        return done.clone();
    }
    // A function that calls itself, directly or not, does not end the process by that call.
    if !visiting.insert(index) || visiting.len() > MAX_DEPTH * 4 {
        return Ending::Never;
    }
    let raw = functions[index].ending.clone();
    let ending = settle(raw, functions, bindings, imports, settled, visiting);
    visiting.remove(&index);
    settled[index] = Some(ending.clone());
    ending
}

fn settle(
    ending: Ending,
    functions: &[Function],
    bindings: &[Binding],
    imports: &[Import],
    settled: &mut Vec<Option<Ending>>,
    visiting: &mut HashSet<usize>,
) -> Ending {
    let mut each = |parts: Vec<Ending>| -> Vec<Ending> {
        parts
            .into_iter()
            .map(|part| settle(part, functions, bindings, imports, settled, visiting))
            .collect()
    };
    match ending {
        Ending::Always | Ending::Never => ending,
        Ending::Any(parts) => Ending::any(each(parts)),
        Ending::All(parts) => Ending::all(each(parts)),
        Ending::Call(callee) => {
            let root = match &callee {
                Value::Name(name) => name,
                Value::Member(object, _) => match object.as_ref() {
                    Value::Name(name) => name,
                    _ => return Ending::Never,
                },
                _ => return Ending::Never,
            };
            if imports.iter().any(|import| import.local == *root) {
                return Ending::Call(callee);
            }
            let bound = |name: &str| {
                bindings
                    .iter()
                    .find(|binding| binding.name == name)
                    .map(|binding| &binding.value)
            };
            let function = match (&callee, bound(root)) {
                (Value::Name(_), Some(Value::Function(start))) => Some(*start),
                (Value::Member(_, property), Some(Value::Object(members))) => members
                    .iter()
                    .find(|(name, _)| name == property)
                    .and_then(|(_, value)| match value {
                        Value::Function(start) => Some(*start),
                        _ => None,
                    }),
                _ => None,
            };
            match function.and_then(|start| {
                functions
                    .binary_search_by_key(&start, |function| function.start_byte)
                    .ok()
            }) {
                Some(index) => {
                    settle_function(index, functions, bindings, imports, settled, visiting)
                }
                None => Ending::Never,
            }
        }
    }
}

/// The functions of a module a process listener may be, here or in another module: those
/// given as listeners here (`inline`: written in place; or named), and the exported ones
/// that end the process, ignore their first argument or take an error as it.
pub(crate) fn listener_functions(module: &JsModule, inline: &[usize]) -> HashSet<usize> {
    let function_of = |value: &Value| match value {
        Value::Function(start) => Some(*start),
        Value::Name(name) => match module.binding(name) {
            Some(Value::Function(start)) => Some(*start),
            _ => None,
        },
        _ => None,
    };
    let mut found: HashSet<usize> = inline.iter().copied().collect();
    found.extend(
        module
            .process_listeners
            .iter()
            .filter_map(|listener| function_of(&listener.handler)),
    );
    let mut exported = Vec::new();
    for export in &module.exports {
        match &export.value {
            Value::Object(members) => {
                exported.extend(members.iter().filter_map(|(_, value)| function_of(value)));
            }
            value => exported.extend(function_of(value)),
        }
    }
    found.extend(exported.into_iter().filter(|start| {
        module
            .functions
            .binary_search_by_key(start, |function| function.start_byte)
            .ok()
            .map(|index| &module.functions[index])
            .is_some_and(|function| {
                function.ending != Ending::Never
                    || function.ignores_first_argument
                    || function
                        .first_parameter
                        .as_deref()
                        .is_some_and(is_error_parameter)
            })
    }));
    found
}

/// First parameter names that say a function is given an error or a rejection reason.
fn is_error_parameter(name: &str) -> bool {
    matches!(
        name,
        "err" | "error" | "e" | "ex" | "exception" | "reason" | "rejection" | "cause"
    )
}
