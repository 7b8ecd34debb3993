//! The error's text: what of a caught error an expression gives away. `err.message`,
//! `String(err)`, `` `${err}` ``, `err.toString()`; Python `str(e)`, `repr(e)`, `f"{e}"`,
//! `e.args`; and a function of the project that returns one of these (`getErrorMessage(err)`),
//! written in the same module or imported from another. The rules about logging errors and
//! about answering with them read this one notion; the facts record which functions return the
//! message, so that the project view can tell it of an imported helper.

use std::collections::HashMap;

use lint500_knowledge::servers;
use tree_sitter::Node;

use crate::model::FileModel;
use crate::model::last_name;
use crate::syntax::is_function;

/// How many nodes one look at an expression reads before giving up (silence).
const MAX_NODES: usize = 256;

/// How many nodes of a function's body the search for what it returns reads: message helpers
/// are small, a bigger function is not one.
const MAX_HELPER_NODES: usize = 160;

/// How many local variables a look follows from one expression (`const message = …`).
const MAX_FOLLOWED: usize = 4;

/// What part of the error an expression gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorPart {
    /// Its message: `err.message`, `String(err)`, `str(e)`, `repr(e)`, `e.args`, a helper of
    /// the module that returns it.
    Message,
    /// Its stack or traceback: `err.stack`, `e.__traceback__`, `traceback.format_exc()`.
    Stack,
}

/// What an expression, read by itself, makes of the error.
#[derive(Clone, Copy, Debug)]
pub enum ErrorText<'tree> {
    Part(ErrorPart),
    /// The error handed to a function this module does not define (`getErrorMessage(err)`
    /// imported from `./utils`): its message when that function returns it, which only the
    /// project view can tell. `callee` is the function called.
    Helper {
        callee: Node<'tree>,
    },
}

/// What `node` itself (not its parts) gives of the error named `name`: `err.message`,
/// `err.stack`, `String(err)`, `err.toString()`, `str(e)`, `repr(e)`, `e.args`, `e.message`,
/// `traceback.format_exc()`, or a call that hands the error to a message helper.
pub fn error_text<'tree>(
    node: Node<'tree>,
    name: &str,
    file: &FileModel<'tree>,
) -> Option<ErrorText<'tree>> {
    leaf(node, name, file, true)
}

/// [`error_text`]; `resolve_helpers` says whether a call of a module function asks the file's
/// table of helpers, which is being built while [`returns_error_text`] reads a function.
fn leaf<'tree>(
    node: Node<'tree>,
    name: &str,
    file: &FileModel<'tree>,
    resolve_helpers: bool,
) -> Option<ErrorText<'tree>> {
    let part = |part| Some(ErrorText::Part(part));
    match node.kind() {
        "member_expression" | "attribute" => {
            let field = if node.kind() == "attribute" {
                "attribute"
            } else {
                "property"
            };
            let object = node.child_by_field_name("object")?;
            if !is_name(object, name, file) {
                return None;
            }
            match file.text(node.child_by_field_name(field)?) {
                "message" => part(ErrorPart::Message),
                "args" if node.kind() == "attribute" => part(ErrorPart::Message),
                "stack" if node.kind() == "member_expression" => part(ErrorPart::Stack),
                "__traceback__" if node.kind() == "attribute" => part(ErrorPart::Stack),
                _ => None,
            }
        }
        "call_expression" | "call" => {
            let function = node.child_by_field_name("function")?;
            let arguments = node.child_by_field_name("arguments")?;
            let callee = last_name(function, file);
            if node.kind() == "call" && is_traceback_function(callee) {
                return part(ErrorPart::Stack);
            }
            let mut cursor = arguments.walk();
            let first = arguments
                .named_children(&mut cursor)
                .find(|argument| argument.kind() != "comment");
            let on_error = first.is_some_and(|first| is_name(first, name, file));
            let receiver = function.child_by_field_name("object");
            match (function.kind(), callee) {
                ("identifier", "String" | "str" | "repr") if on_error => {
                    return part(ErrorPart::Message);
                }
                ("member_expression", "toString")
                    if receiver.is_some_and(|receiver| is_name(receiver, name, file)) =>
                {
                    return part(ErrorPart::Message);
                }
                _ => {}
            }
            if !on_error || function.kind() == "identifier" && BUILTINS.contains(&callee) {
                return None;
            }
            match function.kind() {
                "identifier" if !resolve_helpers => Some(ErrorText::Helper { callee: function }),
                "identifier" => match file.error_text_helper(file.text(function)) {
                    Some(true) => part(ErrorPart::Message),
                    Some(false) => None,
                    None => Some(ErrorText::Helper { callee: function }),
                },
                // `utils.getErrorMessage(err)`: a module's member, not a method of a value
                // such as `JSON`, `console` or the error itself.
                "member_expression" | "attribute"
                    if receiver.is_some_and(|receiver| {
                        receiver.kind() == "identifier"
                            && !matches!(
                                file.text(receiver),
                                "JSON" | "console" | "Object" | "Promise" | "Reflect" | "util"
                            )
                    }) =>
                {
                    Some(ErrorText::Helper { callee: function })
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Built-in functions of either language that take the error and are no helper of the project.
const BUILTINS: &[&str] = &[
    "Boolean",
    "Number",
    "Array",
    "Object",
    "require",
    "type",
    "isinstance",
    "issubclass",
    "getattr",
    "hasattr",
    "id",
    "bool",
    "len",
    "print",
    "vars",
    "dir",
    "format",
    "list",
    "dict",
    "tuple",
    "callable",
];

/// Python's `traceback` functions that render the traceback (not `format_exception_only`).
pub fn is_traceback_function(name: &str) -> bool {
    matches!(
        name,
        "format_exc"
            | "format_exception"
            | "print_exc"
            | "print_exception"
            | "format_tb"
            | "extract_tb"
    )
}

/// What an expression carries of the error, part by part: the first node found for each.
#[derive(Clone, Copy, Debug, Default)]
pub struct CarriedText<'tree> {
    /// The expression that carries the message: the leaf (`err.message`), or the text that
    /// turns the error into its message (`` `failed: ${err}` ``, `f"failed: {e}"`).
    pub message: Option<Node<'tree>>,
    /// The expression that carries the stack or traceback.
    pub stack: Option<Node<'tree>>,
    /// The error object itself as a value: `res.send(err)`, `{ error: err }`.
    pub whole: Option<Node<'tree>>,
    /// A call that hands the error to a function of another module, and that function.
    pub helper: Option<(Node<'tree>, Node<'tree>)>,
}

/// Functions whose result carries the values of their arguments: serialisers and builders
/// (and the response encoders of the frameworks, `servers::RESPONSE_ENCODERS`).
const PASS_THROUGH: &[&str] = &["stringify", "dumps", "dict", "getattr", "assign"];

/// String methods whose result is still the text they are called on, or part of it.
const STRING_METHODS: &[&str] = &[
    "slice",
    "substring",
    "substr",
    "trim",
    "replace",
    "replaceAll",
    "toString",
    "toLowerCase",
    "toUpperCase",
    "strip",
    "lower",
    "upper",
];

/// Where an expression sits, which decides what the bare error there means.
#[derive(Clone, Copy)]
enum Context<'tree> {
    /// A value of its own: the error there is the object.
    Value,
    /// Inside an expression that makes text of its parts (a template, `'…' + x`, an f-string,
    /// `'%s' % x`, `'{}'.format(x)`), the outermost of which is kept.
    Text(Node<'tree>),
}

/// Reads `expression` for what it carries of the error `name`. Conditions are not read
/// (`typeof err`, `err instanceof X`, `isinstance(e, X)`); a ternary or `&&` whose condition
/// `gated` accepts (a production or debug flag, say) is skipped whole; local variables are
/// followed to the last value `scope` gives them before `expression` (`const message =
/// err.message`). `None` when the expression is too big to read.
pub fn carried_text<'tree>(
    expression: Node<'tree>,
    name: &str,
    scope: Option<Node<'tree>>,
    file: &FileModel<'tree>,
    gated: &dyn Fn(Node<'tree>) -> bool,
) -> Option<CarriedText<'tree>> {
    carried(expression, name, scope, file, gated, true)
}

fn carried<'tree>(
    expression: Node<'tree>,
    name: &str,
    scope: Option<Node<'tree>>,
    file: &FileModel<'tree>,
    gated: &dyn Fn(Node<'tree>) -> bool,
    resolve_helpers: bool,
) -> Option<CarriedText<'tree>> {
    let mut carried = CarriedText::default();
    // Each node with its context and, inside a followed variable's value, the use of the
    // variable: what a finding points at.
    let mut pending: Vec<(Node<'tree>, Context<'tree>, Option<Node<'tree>>)> =
        vec![(expression, Context::Value, None)];
    let mut visited = 0;
    let mut followed = 0;
    while let Some((node, context, via)) = pending.pop() {
        let mut stack: Vec<(Node<'tree>, Context<'tree>)> = Vec::new();
        visited += 1;
        if visited > MAX_NODES {
            return None;
        }
        let text_here = |node| match context {
            Context::Text(_) => context,
            Context::Value => Context::Text(node),
        };
        if let Some(found) = leaf(node, name, file, resolve_helpers) {
            let at = via.unwrap_or(match context {
                Context::Text(text) => text,
                Context::Value => node,
            });
            match found {
                ErrorText::Part(ErrorPart::Message) => {
                    carried.message.get_or_insert(at);
                }
                ErrorText::Part(ErrorPart::Stack) => {
                    carried.stack.get_or_insert(at);
                }
                ErrorText::Helper { callee } => {
                    carried.helper.get_or_insert((node, callee));
                }
            }
            continue;
        }
        match node.kind() {
            "identifier" if file.text(node) == name => match context {
                Context::Text(text) => {
                    carried.message.get_or_insert(via.unwrap_or(text));
                }
                Context::Value => {
                    carried.whole.get_or_insert(via.unwrap_or(node));
                }
            },
            "identifier" | "shorthand_property_identifier" => {
                if node.kind() == "shorthand_property_identifier" && file.text(node) == name {
                    carried.whole.get_or_insert(via.unwrap_or(node));
                } else if let Some(scope) = scope.filter(|_| followed < MAX_FOLLOWED) {
                    let via = via.or(matches!(context, Context::Value).then_some(node));
                    for value in local_values(scope, node, file, gated) {
                        if followed < MAX_FOLLOWED {
                            followed += 1;
                            pending.push((value, context, via));
                        }
                    }
                }
            }
            "template_string" => push_children(node, text_here(node), &mut stack),
            "string" => {
                // A Python f-string: its interpolations are text.
                let mut cursor = node.walk();
                let start = stack.len();
                stack.extend(
                    node.named_children(&mut cursor)
                        .filter(|child| child.kind() == "interpolation")
                        .filter_map(|child| child.child_by_field_name("expression"))
                        .map(|expression| (expression, text_here(node))),
                );
                stack[start..].reverse();
            }
            "binary_expression" | "binary_operator" | "boolean_operator" => {
                let operator = node
                    .child_by_field_name("operator")
                    .map_or("", |operator| operator.kind());
                let left = node.child_by_field_name("left");
                let right = node.child_by_field_name("right");
                match operator {
                    "+" => {
                        stack.extend(right.map(|right| (right, text_here(node))));
                        stack.extend(left.map(|left| (left, text_here(node))));
                    }
                    // `'failed: %s' % e`.
                    "%" if left.is_some_and(|left| {
                        matches!(left.kind(), "string" | "concatenated_string")
                    }) =>
                    {
                        stack.extend(right.map(|right| (right, text_here(node))));
                    }
                    "&&" | "and" if !left.is_some_and(gated) => {
                        stack.extend(right.map(|right| (right, context)));
                    }
                    "||" | "??" | "or" => {
                        stack.extend(right.map(|right| (right, context)));
                        stack.extend(left.map(|left| (left, context)));
                    }
                    _ => {}
                }
            }
            "ternary_expression" | "conditional_expression" => {
                // JavaScript: condition, consequence, alternative; Python: body, condition,
                // alternative.
                let (condition, branches) = if node.kind() == "ternary_expression" {
                    (
                        node.child_by_field_name("condition"),
                        [
                            node.child_by_field_name("consequence"),
                            node.child_by_field_name("alternative"),
                        ],
                    )
                } else {
                    (
                        node.named_child(1),
                        [node.named_child(0), node.named_child(2)],
                    )
                };
                if !condition.is_some_and(gated) {
                    for branch in branches.into_iter().rev().flatten() {
                        stack.push((branch, context));
                    }
                }
            }
            "call_expression" | "call" => {
                let Some(function) = node.child_by_field_name("function") else {
                    continue;
                };
                let Some(arguments) = node.child_by_field_name("arguments") else {
                    continue;
                };
                let callee = last_name(function, file);
                let receiver = function.child_by_field_name("object");
                let string_receiver = receiver.is_some_and(|receiver| receiver.kind() == "string");
                if string_receiver && callee == "format" {
                    // `'failed: {}'.format(e)`.
                    push_children(arguments, text_here(node), &mut stack);
                } else if PASS_THROUGH.contains(&callee)
                    || servers::RESPONSE_ENCODERS.contains(&callee)
                    || matches!(callee, "concat" | "join") && string_receiver
                {
                    // `JSON.stringify({ error: err.message })`: the same values, serialised.
                    push_children(arguments, context, &mut stack);
                } else if STRING_METHODS.contains(&callee) {
                    // `err.message.slice(0, 200)`: still the message.
                    stack.extend(receiver.map(|receiver| (receiver, context)));
                }
                // Any other function makes something else of its arguments
                // (`sanitize(err.message)`, `translate(…)`), unless it is a helper that returns
                // the message, which `leaf` has told already.
            }
            "object"
            | "array"
            | "dictionary"
            | "list"
            | "tuple"
            | "set"
            | "argument_list"
            | "arguments"
            | "parenthesized_expression"
            | "template_substitution"
            | "interpolation"
            | "await_expression"
            | "await"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "concatenated_string"
            | "expression_list"
            | "spread_element" => push_children(node, context, &mut stack),
            "pair" => stack.extend(
                node.child_by_field_name("value")
                    .map(|value| (value, context)),
            ),
            "keyword_argument" => stack.extend(
                node.child_by_field_name("value")
                    .map(|value| (value, context)),
            ),
            _ => {}
        }
        pending.extend(
            stack
                .into_iter()
                .map(|(node, context)| (node, context, via)),
        );
    }
    Some(carried)
}

/// Pushes the named children of `node` in reverse, so that they pop in source order.
fn push_children<'tree>(
    node: Node<'tree>,
    context: Context<'tree>,
    stack: &mut Vec<(Node<'tree>, Context<'tree>)>,
) {
    let start = stack.len();
    let mut cursor = node.walk();
    stack.extend(
        node.named_children(&mut cursor)
            .filter(|child| child.kind() != "comment")
            .map(|child| (child, context)),
    );
    stack[start..].reverse();
}

/// The values the local variable `identifier` may hold where it is used: the initialisers and
/// right sides of its declarations and assignments in `scope` before the use (`const message =
/// err.message`, `detail = str(e)`), in source order. Nested functions are not read, nor the
/// branches of an `if` whose condition `gated` accepts (`if (DEBUG) message = err.message`).
pub fn local_values<'tree>(
    scope: Node<'tree>,
    identifier: Node<'tree>,
    file: &FileModel<'tree>,
    gated: &dyn Fn(Node<'tree>) -> bool,
) -> Vec<Node<'tree>> {
    let name = file.text(identifier);
    let before = identifier.start_byte();
    let mut found = Vec::new();
    let mut stack = vec![scope];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_HELPER_NODES * 4 {
            break;
        }
        if node.start_byte() >= before {
            continue;
        }
        let (target, value) = match node.kind() {
            "variable_declarator" => (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            ),
            "assignment_expression" | "assignment" => (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ),
            _ => (None, None),
        };
        if let (Some(target), Some(value)) = (target, value)
            && target.kind() == "identifier"
            && file.text(target) == name
            && value.end_byte() <= before
        {
            found.push(value);
        }
        let skipped = (is_function(node) && node.id() != scope.id())
            || (matches!(node.kind(), "if_statement" | "elif_clause")
                && node.child_by_field_name("condition").is_some_and(gated));
        if skipped {
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    found.sort_by_key(|value| value.start_byte());
    found
}

/// Whether a function returns the message of the error it is given as its first parameter
/// (`function getErrorMessage(err) { return err instanceof Error ? err.message : String(err) }`,
/// `def error_message(exc): return f"{type(exc).__name__}: {exc}"`), and never its stack.
pub fn returns_error_text(function: Node<'_>, file: &FileModel<'_>) -> bool {
    let Some(parameter) = first_parameter(function, file) else {
        return false;
    };
    let name = file.text(parameter);
    let Some(body) = function.child_by_field_name("body") else {
        return false;
    };
    let mut returned: Vec<Node<'_>> = Vec::new();
    if matches!(body.kind(), "statement_block" | "block") {
        let mut stack = vec![body];
        let mut visited = 0;
        while let Some(node) = stack.pop() {
            visited += 1;
            if visited > MAX_HELPER_NODES {
                return false;
            }
            if node.kind() == "return_statement" {
                returned.extend(node.named_child(0));
                continue;
            }
            if is_function(node) || is_expression_leaf(node) {
                continue;
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
    } else {
        returned.push(body);
    }
    let mut message = false;
    for value in returned {
        let Some(carried) = carried(value, name, Some(body), file, &|_| false, false) else {
            return false;
        };
        if carried.stack.is_some() {
            return false;
        }
        message |= carried.message.is_some();
    }
    message
}

/// Statement-level kinds whose insides hold no `return`.
fn is_expression_leaf(node: Node<'_>) -> bool {
    matches!(
        node.kind(),
        "expression_statement" | "lexical_declaration" | "variable_declaration" | "comment"
    )
}

/// The identifier of a function's first parameter: `err` in `(err)`, `err: unknown`,
/// `err = null`, `exc: Exception`; not `self` or `cls`.
fn first_parameter<'tree>(function: Node<'tree>, file: &FileModel<'tree>) -> Option<Node<'tree>> {
    if let Some(single) = function.child_by_field_name("parameter") {
        return (single.kind() == "identifier").then_some(single);
    }
    let list = function.child_by_field_name("parameters")?;
    let mut cursor = list.walk();
    let mut parameters = list
        .named_children(&mut cursor)
        .filter(|parameter| parameter.kind() != "comment");
    let mut first = parameters.next()?;
    let identifier = |parameter: Node<'tree>| match parameter.kind() {
        "identifier" => Some(parameter),
        "required_parameter" | "optional_parameter" => parameter.child_by_field_name("pattern"),
        "assignment_pattern" => parameter.child_by_field_name("left"),
        "typed_parameter" => parameter.named_child(0),
        "default_parameter" | "typed_default_parameter" => parameter.child_by_field_name("name"),
        _ => None,
    };
    if identifier(first).is_some_and(|name| matches!(file.text(name), "self" | "cls")) {
        first = parameters.next()?;
    }
    identifier(first).filter(|name| name.kind() == "identifier")
}

/// The functions a module's top level defines, by name, and whether each returns the message
/// of the error it is given (see [`returns_error_text`]); read once per file, on first use.
#[derive(Debug, Default)]
pub(crate) struct ErrorTextHelpers {
    functions: HashMap<String, bool>,
}

impl ErrorTextHelpers {
    pub(crate) fn of(root: Node<'_>, file: &FileModel<'_>) -> Self {
        let mut helpers = ErrorTextHelpers::default();
        let mut cursor = root.walk();
        for statement in root.named_children(&mut cursor) {
            let statement = match statement.kind() {
                "export_statement" => match statement.child_by_field_name("declaration") {
                    Some(declaration) => declaration,
                    None => continue,
                },
                "decorated_definition" => match statement.child_by_field_name("definition") {
                    Some(definition) => definition,
                    None => continue,
                },
                _ => statement,
            };
            match statement.kind() {
                "function_declaration" | "function_definition" => {
                    helpers.add(statement.child_by_field_name("name"), statement, file);
                }
                "lexical_declaration" | "variable_declaration" => {
                    let mut cursor = statement.walk();
                    for declarator in statement.named_children(&mut cursor) {
                        let value = declarator
                            .child_by_field_name("value")
                            .filter(|value| is_function(*value));
                        if let Some(value) = value {
                            helpers.add(declarator.child_by_field_name("name"), value, file);
                        }
                    }
                }
                _ => {}
            }
        }
        helpers
    }

    fn add(&mut self, name: Option<Node<'_>>, function: Node<'_>, file: &FileModel<'_>) {
        if let Some(name) = name.filter(|name| name.kind() == "identifier") {
            self.functions.insert(
                file.text(name).to_string(),
                returns_error_text(function, file),
            );
        }
    }
}

impl FileModel<'_> {
    /// Whether the function the module's top level defines as `name` returns the message of
    /// the error it is given (`getErrorMessage(err)`): `None` when the module defines no
    /// function of that name. Read once per file, on first use.
    pub fn error_text_helper(&self, name: &str) -> Option<bool> {
        self.error_text_helpers
            .get_or_init(|| ErrorTextHelpers::of(self.root(), self).functions)
            .get(name)
            .copied()
    }
}

/// Whether an expression is the identifier `name`, through parentheses and TypeScript casts.
fn is_name(node: Node<'_>, name: &str, file: &FileModel<'_>) -> bool {
    let mut node = node;
    for _ in 0..8 {
        match node.kind() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression" => match node.named_child(0) {
                Some(inner) => node = inner,
                None => return false,
            },
            "identifier" => return file.text(node) == name,
            _ => return false,
        }
    }
    false
}
