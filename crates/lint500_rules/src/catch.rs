//! What rules ask about the places a caught error arrives: `catch` (JavaScript/TypeScript) and
//! `except` (Python) clauses, and the functions a framework calls with an error (Express error
//! middleware, `process.on('uncaughtException')` listeners, FastAPI exception handlers); and
//! about what the code there does with the error: test it, pass it on.

use lint500_engine::FileModel;

use crate::logging::LogCall;
pub(crate) use lint500_engine::{is_function, last_name};
use tree_sitter::Node;

/// How many nodes a look at a condition or a handler's statements reads before giving up: keeps
/// each look bounded on generated or pathological code.
const MAX_NODES: usize = 256;

/// The node that binds the error: `err` in `catch (err)`, `e` in `except X as e`; a pattern
/// for a destructuring `catch ({ message })`; `None` for `catch {}` or an `except` without `as`.
pub(crate) fn caught_binding(clause: Node<'_>) -> Option<Node<'_>> {
    if clause.kind() == "catch_clause" {
        return clause.child_by_field_name("parameter");
    }
    let target = clause
        .child_by_field_name("value")?
        .child_by_field_name("alias")?;
    Some(target.named_child(0).unwrap_or(target))
}

/// The name the clause binds the error to; `None` when it binds none or destructures it.
pub(crate) fn caught_name<'tree>(
    clause: Node<'tree>,
    file: &FileModel<'tree>,
) -> Option<&'tree str> {
    caught_binding(clause)
        .filter(|binding| binding.kind() == "identifier")
        .map(|binding| file.text(binding))
}

/// The block that runs when the error is caught.
pub(crate) fn handler_body(clause: Node<'_>) -> Option<Node<'_>> {
    match clause.kind() {
        "catch_clause" => clause.child_by_field_name("body"),
        _ => {
            let mut cursor = clause.walk();
            clause
                .named_children(&mut cursor)
                .find(|child| child.kind() == "block")
        }
    }
}

/// Whether a name is one of Python's catch-everything exception classes, also spelled
/// `builtins.Exception`.
fn is_broad_exception_name(name: &str) -> bool {
    let name = name.rsplit('.').next().unwrap_or(name);
    matches!(name, "Exception" | "BaseException")
}

/// Python: whether an `except` clause catches everything: bare `except:`, `Exception` or
/// `BaseException` (also inside a tuple, also unparenthesised as Python 3.14 allows, also
/// spelled `builtins.Exception`).
pub(crate) fn is_broad_except(clause: Node<'_>, file: &FileModel<'_>) -> bool {
    let is_broad = |node: Node<'_>| is_broad_exception_name(file.text(node));
    let mut cursor = clause.walk();
    let mut values = clause
        .children_by_field_name("value", &mut cursor)
        .peekable();
    if values.peek().is_none() {
        return true;
    }
    values.any(|value| {
        let caught = if value.kind() == "as_pattern" {
            match value.named_child(0) {
                Some(caught) => caught,
                None => return false,
            }
        } else {
            value
        };
        if caught.kind() == "tuple" || caught.kind() == "parenthesized_expression" {
            let mut cursor = caught.walk();
            caught.named_children(&mut cursor).any(is_broad)
        } else {
            is_broad(caught)
        }
    })
}

/// A place where a caught error arrives, with the name the code there gives it.
#[derive(Clone, Copy)]
pub(crate) struct ErrorSite<'tree> {
    /// The `catch` / `except` clause, or the function.
    pub(crate) node: Node<'tree>,
    pub(crate) name: &'tree str,
    /// The identifier that binds the error.
    pub(crate) binding: Node<'tree>,
    /// The code that runs with the error: the clause's block or the function's body.
    pub(crate) body: Node<'tree>,
    role: Role,
}

/// What is known of a site's role.
#[derive(Clone, Copy)]
enum Role {
    /// A clause, or a function whose signature says it all. `catches_all`: whether every error
    /// arrives here, bugs included. Always in JavaScript, which cannot narrow a `catch`; in
    /// Python a broad `except` or a handler registered for `Exception`.
    Known { catches_all: bool },
    /// A `catch` / `except` clause: whether it catches everything is read on demand.
    Clause,
    /// JavaScript: a function passed to a call, which may be `process.on('uncaughtException', …)`.
    MaybeProcessListener,
    /// Python: a function of two parameters or more, which may be an exception handler.
    MaybeExceptionHandler,
}

impl<'tree> ErrorSite<'tree> {
    /// The site of a `catch` / `except` clause that names the error.
    pub(crate) fn of_clause(clause: Node<'tree>, file: &FileModel<'tree>) -> Option<Self> {
        let binding = caught_binding(clause).filter(|binding| binding.kind() == "identifier")?;
        Some(ErrorSite {
            node: clause,
            name: file.text(binding),
            binding,
            body: handler_body(clause)?,
            role: Role::Clause,
        })
    }

    /// A function that a framework may call with an error: an Express error middleware (four
    /// parameters, the first named like an error: `(err, req, res, next)`), a
    /// `process.on('uncaughtException' | 'unhandledRejection', (err) => …)` listener, or a FastAPI
    /// exception handler (`@app.exception_handler(…)`, or `(request: Request, exc: Exception)`).
    /// Whether a listener or a handler is one is read from around the function, which costs a
    /// walk from the root: [`ErrorSite::confirm`] does it, once a finding is otherwise certain.
    pub(crate) fn of_function(function: Node<'tree>, file: &FileModel<'tree>) -> Option<Self> {
        let body = function.child_by_field_name("body")?;
        let parameters = parameters(function);
        let (binding, role) = if file.language.is_javascript_like() {
            let first = parameter_identifier(*parameters.first()?)?;
            if parameters.len() == 4 && names_an_error(file.text(first)) {
                (first, Role::Known { catches_all: true })
            } else if matches!(function.kind(), "arrow_function" | "function_expression")
                || (parameters.len() == 1 && names_an_error(file.text(first)))
            {
                // Inline, or a declared `function onCrash(err)` registered by name.
                (first, Role::MaybeProcessListener)
            } else {
                return None;
            }
        } else {
            (
                parameter_identifier(*parameters.get(1)?)?,
                Role::MaybeExceptionHandler,
            )
        };
        Some(ErrorSite {
            node: function,
            name: file.text(binding),
            binding,
            body,
            role,
        })
    }

    /// Whether every error arrives here; `None` until the site is confirmed.
    pub(crate) fn catches_all(&self, file: &FileModel<'_>) -> Option<bool> {
        match self.role {
            Role::Known { catches_all } => Some(catches_all),
            Role::Clause => {
                Some(self.node.kind() == "catch_clause" || is_broad_except(self.node, file))
            }
            Role::MaybeProcessListener | Role::MaybeExceptionHandler => None,
        }
    }

    /// The site with its role known, or `None` when the function is not called with an error.
    pub(crate) fn confirm(self, file: &FileModel<'tree>) -> Option<Self> {
        let catches_all = match self.role {
            Role::Known { .. } | Role::Clause => return Some(self),
            Role::MaybeProcessListener => is_process_listener(self.node, file).then_some(true)?,
            Role::MaybeExceptionHandler => exception_handler_scope(self.node, file)?,
        };
        Some(ErrorSite {
            role: Role::Known { catches_all },
            ..self
        })
    }

    /// The sites around the current node, innermost first: the enclosing clauses that name
    /// the error, and the innermost function when a framework may call it with one. Lazy: a
    /// caller that stops at the innermost site pays for no other.
    pub(crate) fn around<'file>(
        file: &'file FileModel<'tree>,
    ) -> impl Iterator<Item = Self> + 'file {
        let mut function = file
            .enclosing_function()
            .and_then(|function| Self::of_function(function, file));
        let mut clauses = file
            .enclosing_catch_clauses()
            .filter_map(|clause| Self::of_clause(clause, file))
            .peekable();
        std::iter::from_fn(move || {
            // Nested constructs start later: the function comes before the first clause that
            // starts before it, which encloses it.
            let function_first = match (&function, clauses.peek()) {
                (Some(site), Some(clause)) => clause.node.start_byte() < site.node.start_byte(),
                (Some(_), None) => true,
                (None, _) => false,
            };
            if function_first {
                function.take()
            } else {
                clauses.next()
            }
        })
    }
}

/// The parameters of a function as a list of the nodes that declare them.
fn parameters(function: Node<'_>) -> Vec<Node<'_>> {
    if let Some(single) = function.child_by_field_name("parameter") {
        return vec![single];
    }
    let Some(list) = function.child_by_field_name("parameters") else {
        return Vec::new();
    };
    let mut cursor = list.walk();
    list.named_children(&mut cursor)
        .filter(|parameter| parameter.kind() != "comment")
        .collect()
}

/// The identifier a parameter declares: `err` in `err`, `err: Error`, `err = null`, `exc: Exception`.
fn parameter_identifier(parameter: Node<'_>) -> Option<Node<'_>> {
    let identifier = match parameter.kind() {
        "identifier" => Some(parameter),
        "required_parameter" | "optional_parameter" => parameter.child_by_field_name("pattern"),
        "typed_parameter" => parameter.named_child(0),
        "default_parameter" | "typed_default_parameter" => parameter.child_by_field_name("name"),
        _ => None,
    }?;
    (identifier.kind() == "identifier").then_some(identifier)
}

/// Whether a name says it holds an error: `err`, `error`, `e`, `ex`, `exception`, `dbError`.
pub(crate) fn names_an_error(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(lower.as_str(), "e" | "ex" | "exc" | "exception")
        || lower.ends_with("err")
        || lower.ends_with("error")
}

/// JavaScript: whether a function is passed to `process.on('uncaughtException' |
/// 'unhandledRejection', …)` (or `once`, `addListener`, `prependListener`).
fn is_process_listener(function: Node<'_>, file: &FileModel<'_>) -> bool {
    let listens = || {
        let arguments = function
            .parent()
            .filter(|parent| parent.kind() == "arguments")?;
        let callee = arguments.parent()?.child_by_field_name("function")?;
        let object = callee.child_by_field_name("object")?;
        let method = callee.child_by_field_name("property")?;
        let event = arguments.named_child(0)?;
        Some(
            file.text(object) == "process"
                && matches!(
                    file.text(method),
                    "on" | "once" | "addListener" | "prependListener" | "prependOnceListener"
                )
                && event.kind() == "string"
                && matches!(
                    file.text(event).trim_matches(['\'', '"']),
                    "uncaughtException" | "unhandledRejection" | "uncaughtExceptionMonitor"
                ),
        )
    };
    listens().unwrap_or(false)
        || registered_by_name(function, file, |call, name| {
            let callee = call.child_by_field_name("function")?;
            let arguments = call.child_by_field_name("arguments")?;
            let event = arguments.named_child(0)?;
            let listens = callee
                .child_by_field_name("object")
                .is_some_and(|object| file.text(object) == "process")
                && matches!(
                    last_name(callee, file),
                    "on" | "once" | "addListener" | "prependListener" | "prependOnceListener"
                )
                && matches!(
                    file.text(event).trim_matches(['\'', '"']),
                    "uncaughtException" | "unhandledRejection" | "uncaughtExceptionMonitor"
                );
            let handler = arguments.named_child(1)?;
            (listens && file.text(handler) == name).then_some(())
        })
        .is_some()
}

/// How many top-level statements a look for a registration by name reads.
const MAX_STATEMENTS: usize = 512;

/// Whether the module's top level registers the named `function` with a call that `registers`
/// accepts (given the call and the function's name; it answers what the registration says,
/// for FastAPI whether it is for every exception). `process.on('uncaughtException',
/// onCrash)`, `app.add_exception_handler(Exception, unhandled)`, `FastAPI(exception_handlers=
/// {Exception: unhandled})`. Only functions defined at the top level are looked for.
fn registered_by_name<T>(
    function: Node<'_>,
    file: &FileModel<'_>,
    registers: impl Fn(Node<'_>, &str) -> Option<T>,
) -> Option<T> {
    let name = function.child_by_field_name("name")?;
    let name = file.text(name);
    let mut module = function.parent()?;
    if module.kind() == "decorated_definition" || module.kind() == "export_statement" {
        module = module.parent()?;
    }
    if !matches!(module.kind(), "program" | "module") {
        return None;
    }
    let mut cursor = module.walk();
    for statement in module.named_children(&mut cursor).take(MAX_STATEMENTS) {
        // `process.on(…)`, `app.add_exception_handler(…)`, `app = FastAPI(…)`.
        let expression = match statement.kind() {
            "expression_statement" => statement.named_child(0),
            "lexical_declaration" | "variable_declaration" => statement
                .named_child(0)
                .and_then(|declarator| declarator.child_by_field_name("value")),
            _ => None,
        };
        let expression = match expression {
            Some(expression) if expression.kind() == "assignment" => {
                expression.child_by_field_name("right")
            }
            other => other,
        };
        let Some(call) =
            expression.filter(|call| matches!(call.kind(), "call" | "call_expression"))
        else {
            continue;
        };
        if let Some(found) = registers(call, name) {
            return Some(found);
        }
    }
    None
}

/// FastAPI: whether a call registers the handler `name`, and if so whether for every exception:
/// `app.add_exception_handler(Exception, handler)`, `FastAPI(exception_handlers={Exception:
/// handler})`.
fn exception_handler_registration(
    call: Node<'_>,
    name: &str,
    file: &FileModel<'_>,
) -> Option<bool> {
    let callee = call.child_by_field_name("function")?;
    let arguments = call.child_by_field_name("arguments")?;
    let broad = |exception: Node<'_>| {
        let text = file.text(exception);
        is_broad_exception_name(text)
            || text == "500"
            || text.ends_with("_500_INTERNAL_SERVER_ERROR")
    };
    if last_name(callee, file) == "add_exception_handler" {
        let exception = arguments.named_child(0)?;
        let handler = arguments.named_child(1)?;
        return (file.text(handler) == name).then(|| broad(exception));
    }
    let mut cursor = arguments.walk();
    let handlers = arguments
        .named_children(&mut cursor)
        .filter(|argument| argument.kind() == "keyword_argument")
        .find(|argument| {
            argument
                .child_by_field_name("name")
                .is_some_and(|keyword| file.text(keyword) == "exception_handlers")
        })?
        .child_by_field_name("value")?;
    let mut cursor = handlers.walk();
    let entry = handlers
        .named_children(&mut cursor)
        .filter(|pair| pair.kind() == "pair")
        .find(|pair| {
            pair.child_by_field_name("value")
                .is_some_and(|value| file.text(value) == name)
        })?;
    Some(entry.child_by_field_name("key").is_some_and(broad))
}

/// Python: whether a function is a FastAPI exception handler, and if so whether it is registered
/// for every exception (`Exception`, `BaseException`, or status 500). A handler is recognised by
/// its decorator, `@app.exception_handler(…)`, by its registration at the module's top level
/// (`app.add_exception_handler(Exception, handler)`, `FastAPI(exception_handlers={…})`), or,
/// registered elsewhere, by its signature: `(request: Request, exc: Exception)`.
fn exception_handler_scope(function: Node<'_>, file: &FileModel<'_>) -> Option<bool> {
    let decorators = function
        .parent()
        .filter(|parent| parent.kind() == "decorated_definition");
    if let Some(decorated) = decorators {
        let mut cursor = decorated.walk();
        let registered_for = decorated
            .named_children(&mut cursor)
            .filter(|child| child.kind() == "decorator")
            .filter_map(|decorator| decorator.named_child(0))
            .filter(|call| call.kind() == "call")
            .find(|call| {
                call.child_by_field_name("function")
                    .is_some_and(|callee| last_name(callee, file) == "exception_handler")
            })
            .and_then(|call| call.child_by_field_name("arguments")?.named_child(0));
        if let Some(registered_for) = registered_for {
            let text = file.text(registered_for);
            return Some(
                is_broad_exception_name(text)
                    || text == "500"
                    || text.ends_with("_500_INTERNAL_SERVER_ERROR"),
            );
        }
    }
    let parameters = parameters(function);
    let annotation = |parameter: Node<'_>| {
        parameter
            .child_by_field_name("type")
            .map_or(String::new(), |annotation| {
                file.text(annotation).to_string()
            })
    };
    let (request, exception) = match parameters.as_slice() {
        [request, exception] => (*request, *exception),
        _ => return None,
    };
    if let Some(broad) = registered_by_name(function, file, |call, name| {
        exception_handler_registration(call, name, file)
    }) {
        return Some(broad);
    }
    let takes_request = annotation(request).ends_with("Request")
        || parameter_identifier(request).is_some_and(|name| file.text(name) == "request");
    (takes_request && is_broad_exception_name(&annotation(exception))).then_some(true)
}

/// The expression inside parentheses and TypeScript casts, which change no value: `(err as
/// Error)`, `err!`, `<Error>err`, `x satisfies T`. A loop: the nesting depth comes from the input.
/// Parameter lists and binding patterns are small; a bigger one is not worth reading.
const MAX_PATTERN_NODES: usize = 64;

/// Whether a parameter list or a binding pattern (`{ a, b: c }`, an import clause) binds
/// `name`, skipping default values and type annotations.
pub(crate) fn binds(parameters: Node<'_>, name: &str, file: &FileModel<'_>) -> bool {
    let mut stack = vec![parameters];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_PATTERN_NODES {
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

pub(crate) fn unwrap_expression(mut node: Node<'_>) -> Node<'_> {
    loop {
        let inner = match node.kind() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression" => node.named_child(0),
            // `<T>expr`: the type comes first.
            "type_assertion" => node.named_child(node.named_child_count().saturating_sub(1) as u32),
            _ => None,
        };
        match inner {
            Some(inner) => node = inner,
            None => return node,
        }
    }
}

/// Whether an expression is the identifier `name`, through parentheses and casts.
pub(crate) fn is_name(node: Node<'_>, name: &str, file: &FileModel<'_>) -> bool {
    let node = unwrap_expression(node);
    node.kind() == "identifier" && file.text(node) == name
}

/// Whether `name` occurs in an expression, outside nested functions.
pub(crate) fn mentions(expression: Node<'_>, name: &str, file: &FileModel<'_>) -> bool {
    let mut stack = vec![expression];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_NODES {
            return false;
        }
        if node.kind() == "identifier" && file.text(node) == name {
            return true;
        }
        if is_function(node) {
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

/// Whether a condition tests which error `name` is: `err.code === 'P2024'`,
/// `err instanceof ZodError`, `err.name === 'AbortError'`, `isAxiosError(err)`,
/// `err.message.includes('timeout')`; Python `isinstance(e, httpx.TimeoutException)`,
/// `e.status_code == 429`, `"duplicate key" in str(e)`. A branch taken only for such an error
/// handles an expected failure. Negated tests (`!==`, `!(err instanceof X)`, `not in`) and
/// generic ones (`err instanceof Error`, `typeof err === 'object'`, `isinstance(e, Exception)`)
/// do not count: their branch holds the unexpected errors.
pub(crate) fn tests_error(condition: Node<'_>, name: &str, file: &FileModel<'_>) -> bool {
    let mut stack = vec![condition];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_NODES {
            return false;
        }
        let specific = match node.kind() {
            "parenthesized_expression" => {
                stack.extend(node.named_child(0));
                false
            }
            "binary_expression" | "boolean_operator" => {
                let operator = node.child_by_field_name("operator").map(|op| op.kind());
                let (Some(left), Some(right)) = (
                    node.child_by_field_name("left"),
                    node.child_by_field_name("right"),
                ) else {
                    continue;
                };
                match operator {
                    Some("&&" | "||" | "and" | "or") => {
                        stack.extend([right, left]);
                        false
                    }
                    Some("instanceof") => {
                        mentions(left, name, file)
                            && !matches!(
                                last_name(unwrap_expression(right), file),
                                "Error" | "Object"
                            )
                    }
                    Some("===" | "==") => compares_error(&[left, right], name, file),
                    _ => false,
                }
            }
            "comparison_operator" => {
                let mut cursor = node.walk();
                let equality = node
                    .children_by_field_name("operators", &mut cursor)
                    .all(|op| matches!(op.kind(), "==" | "in" | "is"));
                let mut cursor = node.walk();
                let operands: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                equality && compares_error(&operands, name, file)
            }
            "call_expression" | "call" => calls_error_test(node, name, file),
            _ => false,
        };
        if specific {
            return true;
        }
    }
    false
}

/// `err.code === 'P2024'`, `e.status_code == 429`, `"duplicate" in str(e)`: one operand is about
/// the error, another is a value that is not (and not `null`/`None`), and no operand is a
/// `typeof`.
fn compares_error(operands: &[Node<'_>], name: &str, file: &FileModel<'_>) -> bool {
    let unary = |operand: Node<'_>| {
        (operand.kind() == "unary_expression")
            .then(|| operand.child_by_field_name("operator"))
            .flatten()
            .map(|op| file.text(op))
    };
    let is_value = |operand: &Node<'_>| {
        let operand = unwrap_expression(*operand);
        !mentions(operand, name, file)
            && !matches!(operand.kind(), "null" | "undefined" | "none")
            && unary(operand) != Some("void")
    };
    !operands
        .iter()
        .any(|operand| unary(*operand) == Some("typeof"))
        && operands
            .iter()
            .any(|operand| mentions(*operand, name, file))
        && operands.iter().any(is_value)
}

/// `isAxiosError(err)`, `axios.isAxiosError(err)`, `isinstance(e, TimeoutError)`,
/// `err.message.includes('timeout')`, `/ECONN/.test(err.code)`, `str(e).startswith('…')`.
fn calls_error_test(call: Node<'_>, name: &str, file: &FileModel<'_>) -> bool {
    let (Some(function), Some(arguments)) = (
        call.child_by_field_name("function"),
        call.child_by_field_name("arguments"),
    ) else {
        return false;
    };
    let callee = last_name(function, file);
    let mut cursor = arguments.walk();
    let arguments: Vec<Node<'_>> = arguments.named_children(&mut cursor).collect();
    if callee == "isinstance" {
        return match arguments.as_slice() {
            [value, classes, ..] => {
                let mut cursor = classes.walk();
                let named: Vec<Node<'_>> = if classes.kind() == "tuple" {
                    classes.named_children(&mut cursor).collect()
                } else {
                    vec![*classes]
                };
                mentions(*value, name, file)
                    && named
                        .iter()
                        .all(|class| !is_broad_exception_name(file.text(*class)))
            }
            _ => false,
        };
    }
    let receiver = function.child_by_field_name("object");
    let guard = callee.len() > 2
        && callee.starts_with("is")
        && callee[2..].starts_with(|c: char| c.is_ascii_uppercase())
        && !matches!(callee, "isError" | "isNativeError" | "isObject");
    let text_test = matches!(
        callee,
        "includes" | "startsWith" | "endsWith" | "match" | "test" | "startswith" | "endswith"
    );
    (guard || text_test)
        && (arguments
            .iter()
            .any(|argument| mentions(*argument, name, file))
            || (text_test && receiver.is_some_and(|receiver| mentions(receiver, name, file))))
}

/// What a `return` statement returns; `None` for a bare `return`.
pub(crate) fn returned_value(statement: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = statement.walk();
    statement
        .named_children(&mut cursor)
        .find(|child| child.kind() != "comment")
}

/// The last statement of a block, comments aside.
pub(crate) fn last_statement(block: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = block.walk();
    block
        .named_children(&mut cursor)
        .filter(|node| node.kind() != "comment")
        .last()
}

/// How many comments before a `try` statement are read.
const MAX_LEADING_COMMENTS: usize = 4;

/// The comments right before a `try` statement, nearest first. tree-sitter-python hangs the
/// comments that open a block before the block itself.
pub(crate) fn leading_comments(try_statement: Node<'_>) -> impl Iterator<Item = Node<'_>> {
    let leading = try_statement.prev_named_sibling().or_else(|| {
        try_statement
            .parent()
            .filter(|block| block.kind() == "block")
            .and_then(|block| block.prev_named_sibling())
    });
    std::iter::successors(leading, Node::prev_named_sibling)
        .take(MAX_LEADING_COMMENTS)
        .take_while(|sibling| sibling.kind() == "comment")
}

/// How many levels below its function a `try` statement is looked for.
const MAX_CLEANUP_DEPTH: usize = 32;

/// Whether the `try` statement cleans up after another outcome: it runs in a `finally` block,
/// in a handler that ends by rethrowing its error (`except BaseException: …; raise`), or in a
/// handler that has already logged its error (`logger.error('run failed', err)`, then `try {
/// await run.update({ status: 'failed' }) } catch {}`). Its own failure is secondary and must
/// not replace that outcome. Read from the function the walk is in down to the `try`: asking a
/// node for its parent costs the depth of the tree.
pub(crate) fn cleans_up_after_another_outcome(
    try_statement: Node<'_>,
    file: &FileModel<'_>,
) -> bool {
    let Some(mut node) = file.enclosing_function() else {
        return false;
    };
    for _ in 0..MAX_CLEANUP_DEPTH {
        let Some(child) = node.child_with_descendant(try_statement) else {
            return false;
        };
        if child.id() == try_statement.id() {
            return false;
        }
        let after_another_outcome = match child.kind() {
            "finally_clause" => true,
            "catch_clause" | "except_clause" => {
                handler_body(child)
                    .and_then(last_statement)
                    .is_some_and(|last| rethrows(last, child, file))
                    || logs_before(child, try_statement, file)
            }
            _ => false,
        };
        if after_another_outcome {
            return true;
        }
        node = child;
    }
    false
}

/// How many statements of a handler are read for the log line before a `try`.
const MAX_HANDLER_STATEMENTS: usize = 32;

/// Whether the handler `clause` logs the error it caught (`logger.error(f"run failed: {e}")`,
/// `logger.exception(…)`) in a statement before the one that holds `try_statement`.
fn logs_before(clause: Node<'_>, try_statement: Node<'_>, file: &FileModel<'_>) -> bool {
    let Some(body) = handler_body(clause) else {
        return false;
    };
    let name = caught_name(clause, file);
    handler_expressions(body)
        .into_iter()
        .take_while(|expression| expression.end_byte() <= try_statement.start_byte())
        .filter_map(|expression| LogCall::of(unwrap_expression(expression), file))
        .any(|log| {
            log.method == "exception" || name.is_some_and(|name| mentions(log.call, name, file))
        })
}

/// The expressions a handler's block runs as statements of their own (`logger.error(…)`,
/// `process.exit(1)`), in order, among its first [`MAX_HANDLER_STATEMENTS`] statements.
pub(crate) fn handler_expressions(body: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = body.walk();
    body.named_children(&mut cursor)
        .take(MAX_HANDLER_STATEMENTS)
        .filter(|statement| statement.kind() == "expression_statement")
        .filter_map(|statement| statement.named_child(0))
        .collect()
}

/// Whether `statement` rethrows the error `clause` caught: a bare `raise`, `raise e`,
/// `throw err`. Raising another error (`raise HTTPException(503)`) ends the caught one.
fn rethrows(statement: Node<'_>, clause: Node<'_>, file: &FileModel<'_>) -> bool {
    if !matches!(statement.kind(), "throw_statement" | "raise_statement") {
        return false;
    }
    let Some(thrown) = statement
        .named_child(0)
        .filter(|node| node.kind() != "comment")
    else {
        return statement.kind() == "raise_statement";
    };
    caught_name(clause, file).is_some_and(|name| is_name(thrown, name, file))
}
