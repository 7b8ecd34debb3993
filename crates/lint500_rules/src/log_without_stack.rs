//! log-without-stack: inside a `catch` / `except`, a logging call that records only the
//! error's message (`err.message`, `String(err)`, `str(e)`, `f"{e}"` …) and so loses the stack
//! trace that says where the error came from.

use lint500_core::Language;
use lint500_engine::{FileModel, Rule, RuleContext};
use tree_sitter::Node;

use crate::catch::{caught_binding, caught_name, handler_body, is_broad_except};

pub struct LogWithoutStack;

/// How many argument nodes one logging call may have before the rule gives up on it: keeps the
/// walk bounded on generated or pathological code, where staying silent is the safe answer.
const MAX_VISITED: usize = 256;

/// Parameter lists are small; a bigger one is not worth reading for shadowing.
const MAX_PARAMETER_NODES: usize = 64;

impl Rule for LogWithoutStack {
    fn document(&self) -> &'static str {
        include_str!("../../../rules/log-without-stack.md")
    }

    fn node_kinds(&self, language: Language) -> &'static [&'static str] {
        if language.is_javascript_like() {
            &["call_expression"]
        } else {
            &["call"]
        }
    }

    fn check_node<'tree>(&self, node: Node<'tree>, ctx: &mut RuleContext<'_, 'tree>) {
        let Some(finding) = find(node, ctx.file()) else {
            return;
        };
        let report = ctx.report(finding.culprit, finding.message, finding.help);
        if let Some(binding) = finding.binding {
            report.label(binding, "the error is caught here");
        }
    }
}

/// What to report: the argument that carries only the message, and the binding of the error.
struct Finding<'tree> {
    culprit: Node<'tree>,
    binding: Option<Node<'tree>>,
    message: String,
    help: String,
}

/// Checks each error caught around `node`, innermost first; an inner clause that binds the same
/// name hides the outer one.
fn find<'tree>(node: Node<'tree>, file: &FileModel<'tree>) -> Option<Finding<'tree>> {
    // Cheap checks first: this runs on every call of every file.
    file.enclosing_catch_clauses().next()?;
    let python = !file.language.is_javascript_like();
    let call = LogCall::of(node, file)?;
    if !call.is_error_level(python) {
        return None;
    }
    let mut shadowed: Vec<&str> = Vec::new();
    for clause in file.enclosing_catch_clauses() {
        let Some(name) = caught_name(clause, file) else {
            continue;
        };
        if shadowed.contains(&name) {
            continue;
        }
        shadowed.push(name);
        let Some(body) = handler_body(clause) else {
            continue;
        };
        if node.start_byte() < body.start_byte() {
            continue;
        }
        let Some(culprit) = message_only_argument(node, name, file, clause) else {
            continue;
        };
        if rebound_between(body, node, name, file) || handler_keeps_stack(body, name, file) {
            continue;
        }
        let (message, help) = describe(&call, culprit, name, file, python);
        return Some(Finding {
            culprit: culprit.node,
            binding: caught_binding(clause),
            message,
            help,
        });
    }
    None
}

/// A call to a logging method: `console.error(…)`, `req.log.warn(…)`, `logger.error(…)`.
struct LogCall<'tree> {
    call: Node<'tree>,
    receiver: Node<'tree>,
    method: &'tree str,
    console: bool,
}

impl<'tree> LogCall<'tree> {
    fn of(call: Node<'tree>, file: &FileModel<'tree>) -> Option<LogCall<'tree>> {
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

    /// The methods the rule judges. `info`/`debug` are left alone: logging an error at those
    /// levels says the author expects it; Python's `exception` is the fix itself.
    fn is_error_level(&self, python: bool) -> bool {
        if python {
            matches!(
                self.method,
                "error" | "warning" | "warn" | "critical" | "fatal"
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
                let (object, name) = match function.kind() {
                    "member_expression" => (
                        function.child_by_field_name("object"),
                        function.child_by_field_name("property"),
                    ),
                    "attribute" => (
                        function.child_by_field_name("object"),
                        function.child_by_field_name("attribute"),
                    ),
                    _ => (None, Some(function)),
                };
                match name.map(|name| file.text(name)) {
                    Some("getLogger" | "get_logger" | "createLogger") => return true,
                    Some("child" | "getChild" | "bind") => match object {
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
        return ends_with_logger || matches!(name, "log" | "logging" | "winston" | "pino");
    }
    false
}

/// Where an expression sits inside the logging call's arguments, which decides what a bare
/// reference to the caught error means there.
#[derive(Clone, Copy)]
enum Place<'tree> {
    /// A direct argument of the logging call.
    Argument,
    /// Inside an expression that turns its parts into text: a template literal, `'…' + x`, an
    /// f-string, `'%s' % x`, `'{}'.format(x)`.
    Text(Node<'tree>),
    /// Only tested: `typeof err`, `err instanceof Error`, `isinstance(e, X)`, a condition.
    Test,
    /// Inside an object, array, dict or keyword argument.
    Nested,
    /// Passed to a function the rule does not know, which may well print the stack.
    Opaque,
}

/// What a message-only argument is, for the message.
#[derive(Clone, Copy)]
enum Form {
    /// `err.message`, `String(err)`, `str(e)`, `e.args`: the span's text says it.
    Explicit,
    /// The error itself turned into text by the surrounding expression.
    AsText,
    /// Python: the exception object as the message or a `%s` argument.
    Bare,
}

/// The expression that carries only the message.
#[derive(Clone, Copy)]
struct Culprit<'tree> {
    node: Node<'tree>,
    form: Form,
}

/// What the arguments of one logging call do with the caught error.
#[derive(Default)]
struct Scan<'tree> {
    keeps_stack: bool,
    message: Option<Culprit<'tree>>,
    bare: Option<Node<'tree>>,
}

impl<'tree> Scan<'tree> {
    fn message(&mut self, node: Node<'tree>, form: Form) {
        self.message.get_or_insert(Culprit { node, form });
    }
}

/// The argument to point at when the call logs only the message of `name`, if it does.
/// A bare exception object (Python) counts only in a broad handler: for a specific exception
/// the one-line message is a deliberate choice.
fn message_only_argument<'tree>(
    call: Node<'tree>,
    name: &str,
    file: &FileModel<'tree>,
    clause: Node<'tree>,
) -> Option<Culprit<'tree>> {
    let scan = scan_arguments(call, name, file)?;
    if scan.keeps_stack {
        return None;
    }
    scan.message.or_else(|| {
        let bare = scan.bare?;
        is_broad_except(clause, file).then_some(Culprit {
            node: bare,
            form: Form::Bare,
        })
    })
}

/// Reads the call's arguments with an explicit stack and a node budget; `None` when the budget
/// runs out (the rule then stays silent).
fn scan_arguments<'tree>(
    call: Node<'tree>,
    name: &str,
    file: &FileModel<'tree>,
) -> Option<Scan<'tree>> {
    let arguments = call.child_by_field_name("arguments")?;
    let python = !file.language.is_javascript_like();
    let mut scan = Scan::default();
    let mut stack: Vec<(Node<'tree>, Place<'tree>)> = Vec::new();
    let mut cursor = arguments.walk();
    let top: Vec<Node<'tree>> = arguments.named_children(&mut cursor).collect();
    for argument in top.into_iter().rev() {
        match argument.kind() {
            // `exc_info=` (any value) and `stack_info=True` are the author's explicit word on tracebacks.
            "keyword_argument" => {
                let key = argument
                    .child_by_field_name("name")
                    .map(|key| file.text(key));
                let value = argument.child_by_field_name("value");
                match key {
                    Some("exc_info") => scan.keeps_stack = true,
                    Some("stack_info") => {
                        scan.keeps_stack |=
                            value.is_none_or(|value| !matches!(value.kind(), "false" | "none"));
                    }
                    _ => stack.extend(value.map(|value| (value, Place::Nested))),
                }
            }
            // `**kwargs` may carry `exc_info`.
            "dictionary_splat" => scan.keeps_stack = true,
            "list_splat" | "spread_element" => stack.push((argument, Place::Nested)),
            "comment" => {}
            _ => stack.push((argument, Place::Argument)),
        }
    }
    let mut visited = 0;
    while let Some((node, place)) = stack.pop() {
        visited += 1;
        if visited > MAX_VISITED {
            return None;
        }
        if python {
            visit_python(node, place, name, file, &mut scan, &mut stack);
        } else {
            visit_javascript(node, place, name, file, &mut scan, &mut stack);
        }
        if scan.keeps_stack {
            break;
        }
    }
    Some(scan)
}

/// Pushes the named children of `node` in reverse, so that they pop in source order.
fn push_children<'tree>(
    node: Node<'tree>,
    place: Place<'tree>,
    stack: &mut Vec<(Node<'tree>, Place<'tree>)>,
) {
    let start = stack.len();
    let mut cursor = node.walk();
    stack.extend(node.named_children(&mut cursor).map(|child| (child, place)));
    stack[start..].reverse();
}

fn push_field<'tree>(
    node: Node<'tree>,
    field: &str,
    place: Place<'tree>,
    stack: &mut Vec<(Node<'tree>, Place<'tree>)>,
) {
    stack.extend(node.child_by_field_name(field).map(|child| (child, place)));
}

/// Keeps the outermost text-making expression as the span: `'a' + err + 'b'` is one argument.
fn text_place<'tree>(place: Place<'tree>, node: Node<'tree>) -> Place<'tree> {
    match place {
        Place::Text(_) => place,
        _ => Place::Text(node),
    }
}

/// Strips parentheses and TypeScript casts: `(err as Error)`, `err!`, `<Error>err`.
fn unwrap_expression(mut node: Node<'_>) -> Node<'_> {
    while matches!(
        node.kind(),
        "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion"
    ) {
        let inner = if node.kind() == "type_assertion" {
            node.named_child(node.named_child_count().saturating_sub(1) as u32)
        } else {
            node.named_child(0)
        };
        match inner {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

fn is_name(node: Node<'_>, name: &str, file: &FileModel<'_>) -> bool {
    let node = unwrap_expression(node);
    node.kind() == "identifier" && file.text(node) == name
}

fn visit_javascript<'tree>(
    node: Node<'tree>,
    place: Place<'tree>,
    name: &str,
    file: &FileModel<'tree>,
    scan: &mut Scan<'tree>,
    stack: &mut Vec<(Node<'tree>, Place<'tree>)>,
) {
    match node.kind() {
        "identifier" if file.text(node) == name => match place {
            Place::Text(text) => scan.message(text, Form::AsText),
            Place::Test => {}
            // `console.error('x', err)`, `{ error: err }`, `inspect(err)`: Node prints the stack.
            Place::Argument | Place::Nested | Place::Opaque => scan.keeps_stack = true,
        },
        "shorthand_property_identifier" if file.text(node) == name => scan.keeps_stack = true,
        "member_expression" => {
            let Some(object) = node.child_by_field_name("object") else {
                return;
            };
            if is_name(object, name, file) {
                match node
                    .child_by_field_name("property")
                    .map(|property| file.text(property))
                {
                    Some("message") => scan.message(node, Form::Explicit),
                    Some("stack") => scan.keeps_stack = true,
                    _ => {}
                }
            } else {
                stack.push((object, Place::Nested));
            }
        }
        "call_expression" => {
            let (Some(function), Some(arguments)) = (
                node.child_by_field_name("function"),
                node.child_by_field_name("arguments"),
            ) else {
                return;
            };
            let first_argument = arguments.named_child(0);
            let receiver = (function.kind() == "member_expression")
                .then(|| function.child_by_field_name("object"))
                .flatten();
            let on_error = receiver.is_some_and(|receiver| is_name(receiver, name, file));
            let method = function
                .child_by_field_name("property")
                .map(|property| file.text(property));
            let stringifies = function.kind() == "identifier"
                && file.text(function) == "String"
                && first_argument.is_some_and(|argument| is_name(argument, name, file));
            if stringifies || (on_error && method == Some("toString")) {
                scan.message(node, Form::Explicit);
            } else {
                push_children(arguments, Place::Opaque, stack);
                if !on_error {
                    stack.push((function, Place::Nested));
                }
            }
        }
        "template_string" => push_children(node, text_place(place, node), stack),
        "binary_expression" => {
            let operator = node
                .child_by_field_name("operator")
                .map(|operator| operator.kind());
            let (left, right) = match operator {
                Some("+") => (text_place(place, node), text_place(place, node)),
                Some("&&") => (Place::Test, place),
                Some("||" | "??") => (place, place),
                _ => (Place::Test, Place::Test),
            };
            push_field(node, "right", right, stack);
            push_field(node, "left", left, stack);
        }
        "unary_expression" => push_children(node, Place::Test, stack),
        "ternary_expression" => {
            push_field(node, "alternative", place, stack);
            push_field(node, "consequence", place, stack);
            push_field(node, "condition", Place::Test, stack);
        }
        "template_substitution"
        | "parenthesized_expression"
        | "as_expression"
        | "satisfies_expression"
        | "non_null_expression"
        | "type_assertion"
        | "await_expression" => push_children(node, place, stack),
        // A nested function may rebind the name and runs later, if at all.
        "arrow_function" | "function_expression" | "function" | "class" => {}
        _ => push_children(node, Place::Nested, stack),
    }
}

/// `traceback` functions that render the traceback (not `format_exception_only`).
fn is_traceback_function(name: &str) -> bool {
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

/// The last name of a callee: `format_exc` for `traceback.format_exc`.
fn callee_name<'tree>(function: Node<'tree>, file: &FileModel<'tree>) -> &'tree str {
    match function.kind() {
        "attribute" => function.child_by_field_name("attribute"),
        "member_expression" => function.child_by_field_name("property"),
        _ => Some(function),
    }
    .map_or("", |name| file.text(name))
}

fn visit_python<'tree>(
    node: Node<'tree>,
    place: Place<'tree>,
    name: &str,
    file: &FileModel<'tree>,
    scan: &mut Scan<'tree>,
    stack: &mut Vec<(Node<'tree>, Place<'tree>)>,
) {
    match node.kind() {
        "identifier" if file.text(node) == name => match place {
            Place::Text(text) => scan.message(text, Form::AsText),
            Place::Argument => {
                scan.bare.get_or_insert(node);
            }
            // `format_error(e)` may render the traceback.
            Place::Opaque => scan.keeps_stack = true,
            Place::Test | Place::Nested => {}
        },
        "attribute" => {
            let Some(object) = node.child_by_field_name("object") else {
                return;
            };
            if is_name(object, name, file) {
                match node
                    .child_by_field_name("attribute")
                    .map(|attribute| file.text(attribute))
                {
                    Some("args") => scan.message(node, Form::Explicit),
                    Some("__traceback__") => scan.keeps_stack = true,
                    _ => {}
                }
            } else {
                stack.push((object, Place::Nested));
            }
        }
        "call" => {
            let (Some(function), Some(arguments)) = (
                node.child_by_field_name("function"),
                node.child_by_field_name("arguments"),
            ) else {
                return;
            };
            // `", ".join(x for x in …)`: a generator may rebind the name.
            if arguments.kind() != "argument_list" {
                return;
            }
            let callee = callee_name(function, file);
            let first_argument = arguments.named_child(0);
            let receiver = (function.kind() == "attribute")
                .then(|| function.child_by_field_name("object"))
                .flatten();
            if function.kind() == "identifier"
                && matches!(callee, "str" | "repr")
                && first_argument.is_some_and(|argument| is_name(argument, name, file))
            {
                scan.message(node, Form::Explicit);
            } else if is_traceback_function(callee) {
                scan.keeps_stack = true;
            } else if function.kind() == "identifier"
                && matches!(
                    callee,
                    "type" | "isinstance" | "getattr" | "hasattr" | "id" | "bool"
                )
            {
                push_children(arguments, Place::Test, stack);
            } else if callee == "format"
                && receiver.is_some_and(|receiver| receiver.kind() == "string")
            {
                push_children(arguments, text_place(place, node), stack);
            } else {
                push_children(arguments, Place::Opaque, stack);
                match receiver {
                    Some(receiver) if is_name(receiver, name, file) => {}
                    _ => stack.push((function, Place::Nested)),
                }
            }
        }
        "string" => {
            let mut cursor = node.walk();
            let start = stack.len();
            stack.extend(
                node.named_children(&mut cursor)
                    .filter(|child| child.kind() == "interpolation")
                    .filter_map(|child| child.child_by_field_name("expression"))
                    .map(|expression| (expression, text_place(place, node))),
            );
            stack[start..].reverse();
        }
        "binary_operator" => {
            let operator = node
                .child_by_field_name("operator")
                .map(|operator| operator.kind());
            let left = node.child_by_field_name("left");
            let formats = operator == Some("%")
                && left.is_some_and(|left| matches!(left.kind(), "string" | "concatenated_string"));
            let right = if formats {
                text_place(place, node)
            } else {
                place
            };
            push_field(node, "right", right, stack);
            push_field(node, "left", place, stack);
        }
        "conditional_expression" => {
            let mut cursor = node.walk();
            let parts: Vec<Node<'tree>> = node.named_children(&mut cursor).collect();
            for (index, part) in parts.into_iter().enumerate().rev() {
                stack.push((part, if index == 1 { Place::Test } else { place }));
            }
        }
        "not_operator" | "comparison_operator" => push_children(node, Place::Test, stack),
        "tuple" if matches!(place, Place::Text(_)) => push_children(node, place, stack),
        "keyword_argument" => push_field(node, "value", place, stack),
        "parenthesized_expression" | "concatenated_string" | "boolean_operator" | "await" => {
            push_children(node, place, stack)
        }
        // These may rebind the name and, for lambdas, run later if at all.
        "lambda"
        | "generator_expression"
        | "list_comprehension"
        | "set_comprehension"
        | "dictionary_comprehension" => {}
        _ => push_children(node, Place::Nested, stack),
    }
}

/// Whether a function between the catch body and the call rebinds the caught name as a
/// parameter: `items.forEach((err) => log.error(err.message))` is about another `err`.
fn rebound_between(body: Node<'_>, call: Node<'_>, name: &str, file: &FileModel<'_>) -> bool {
    let mut node = body;
    while node.id() != call.id() {
        let Some(child) = node.child_with_descendant(call) else {
            return false;
        };
        node = child;
        let parameters = node
            .child_by_field_name("parameters")
            .or_else(|| node.child_by_field_name("parameter"));
        let is_function = matches!(
            node.kind(),
            "arrow_function"
                | "function_expression"
                | "function_declaration"
                | "method_definition"
                | "generator_function"
                | "generator_function_declaration"
                | "function_definition"
                | "lambda"
        );
        if is_function && parameters.is_some_and(|parameters| binds(parameters, name, file)) {
            return true;
        }
    }
    false
}

/// Whether a parameter list binds `name`, skipping default values and type annotations.
fn binds(parameters: Node<'_>, name: &str, file: &FileModel<'_>) -> bool {
    let mut stack = vec![parameters];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_PARAMETER_NODES {
            return false;
        }
        if matches!(
            node.kind(),
            "identifier" | "shorthand_property_identifier_pattern"
        ) && file.text(node) == name
        {
            return true;
        }
        let mut cursor = node.walk();
        if !cursor.goto_first_child() {
            continue;
        }
        loop {
            let skipped = match cursor.field_name() {
                Some("value") => node.kind() != "pair_pattern",
                Some("right" | "type" | "default") => true,
                _ => false,
            };
            if !skipped && cursor.node().is_named() {
                stack.push(cursor.node());
            }
            if !cursor.goto_next_sibling() {
                break;
            }
        }
    }
    false
}

/// Whether a statement of the handler body already passes the error, with its stack, to
/// somewhere that records it: it is rethrown (`throw err`, `raise`, `next(err)`, a new error
/// with `cause: err`, any Python `raise` but an `HTTPException`), reported
/// (`Sentry.captureException(err)`), or logged whole by another call (`logger.debug(err.stack)`,
/// `logger.exception(…)`, `traceback.print_exc()`).
fn handler_keeps_stack(body: Node<'_>, name: &str, file: &FileModel<'_>) -> bool {
    let mut cursor = body.walk();
    body.named_children(&mut cursor)
        .any(|statement| match statement.kind() {
            "throw_statement" => statement
                .named_child(0)
                .is_some_and(|thrown| is_name(thrown, name, file) || has_cause(thrown, name, file)),
            "raise_statement" => raise_keeps_context(statement, file),
            "expression_statement" | "return_statement" => statement
                .named_child(0)
                .and_then(|expression| {
                    let expression = if matches!(expression.kind(), "await_expression" | "await") {
                        expression.named_child(0)?
                    } else {
                        expression
                    };
                    matches!(expression.kind(), "call_expression" | "call").then_some(expression)
                })
                .is_some_and(|call| call_keeps_stack(call, name, file)),
            _ => false,
        })
}

/// JavaScript: `new AppError('…', { cause: err })` carries the error along.
fn has_cause(thrown: Node<'_>, name: &str, file: &FileModel<'_>) -> bool {
    let Some(arguments) = (thrown.kind() == "new_expression")
        .then(|| thrown.child_by_field_name("arguments"))
        .flatten()
    else {
        return false;
    };
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .filter(|argument| argument.kind() == "object")
        .any(|options| {
            let mut cursor = options.walk();
            options
                .named_children(&mut cursor)
                .any(|property| match property.kind() {
                    "pair" => {
                        property
                            .child_by_field_name("key")
                            .is_some_and(|key| file.text(key) == "cause")
                            && property
                                .child_by_field_name("value")
                                .is_some_and(|value| is_name(value, name, file))
                    }
                    "shorthand_property_identifier" => {
                        file.text(property) == "cause" && name == "cause"
                    }
                    _ => false,
                })
        })
}

/// Python chains the handled exception into whatever is raised in its handler (`__context__`,
/// or `__cause__` with `from e`), and the traceback printed upstream shows it. Not so for
/// `raise … from None`, nor for `HTTPException`, which FastAPI turns into a response unlogged.
fn raise_keeps_context(statement: Node<'_>, file: &FileModel<'_>) -> bool {
    let Some(raised) = statement.named_child(0) else {
        return true;
    };
    if statement
        .child_by_field_name("cause")
        .is_some_and(|cause| cause.kind() == "none")
    {
        return false;
    }
    let exception = match raised.kind() {
        "call" => raised.child_by_field_name("function").unwrap_or(raised),
        _ => raised,
    };
    !callee_name(exception, file).ends_with("HTTPException")
}

fn call_keeps_stack(call: Node<'_>, name: &str, file: &FileModel<'_>) -> bool {
    let Some(function) = call.child_by_field_name("function") else {
        return false;
    };
    let callee = callee_name(function, file);
    let first_argument = call
        .child_by_field_name("arguments")
        .and_then(|arguments| arguments.named_child(0));
    if callee == "next" && function.kind() == "identifier" {
        return first_argument.is_some_and(|argument| is_name(argument, name, file));
    }
    if matches!(
        callee,
        "captureException" | "capture_exception" | "recordException" | "record_exception"
    ) {
        // `capture_exception()` without an argument reports the exception being handled.
        return first_argument.is_none_or(|argument| is_name(argument, name, file));
    }
    if is_traceback_function(callee) {
        return true;
    }
    match LogCall::of(call, file) {
        Some(log) if log.method == "exception" => true,
        Some(log) => scan_arguments(log.call, name, file).is_some_and(|scan| scan.keeps_stack),
        None => false,
    }
}

fn describe(
    call: &LogCall<'_>,
    culprit: Culprit<'_>,
    name: &str,
    file: &FileModel<'_>,
    python: bool,
) -> (String, String) {
    let lost = if python { "traceback" } else { "stack trace" };
    let message = match culprit.form {
        Form::Explicit => match short(file.text(culprit.node)) {
            Some(text) => format!("`{text}` is logged without its {lost}"),
            None => format!("The message of `{name}` is logged without its {lost}"),
        },
        Form::AsText => format!("`{name}` is logged as text, without its {lost}"),
        Form::Bare => format!("`{name}` is logged without its {lost}"),
    };
    let receiver = short(file.text(call.receiver)).unwrap_or("logger");
    let help = if python {
        if matches!(call.method, "warning" | "warn") {
            format!(
                "Pass `exc_info=True` to keep the traceback: `{receiver}.{}('…', exc_info=True)`",
                call.method
            )
        } else {
            format!(
                "Use `{receiver}.exception('…')`, which logs the traceback, or pass `exc_info=True`"
            )
        }
    } else if call.console {
        format!(
            "Pass the error object itself: `console.{}('…', {name})`",
            call.method
        )
    } else {
        let field = if name == "err" {
            "err".to_string()
        } else {
            format!("err: {name}")
        };
        format!(
            "Pass the error object itself, e.g. `{receiver}.{}({{ {field} }}, '…')`",
            call.method
        )
    };
    (message, help)
}

/// The text if it fits in a one-line message.
fn short(text: &str) -> Option<&str> {
    (text.len() <= 40 && !text.contains('\n')).then_some(text)
}
