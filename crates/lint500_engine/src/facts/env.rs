//! Environment reads that cannot fail a request: what the code around a read of
//! `process.env.KEY`, `os.environ[…]` or `os.getenv(…)` does with a missing variable.
//!
//! - A fallback (`process.env.URL || 'http://localhost'`, `?? '3000'`, a chain of reads
//!   ending in a literal, `|| config.url`, `os.getenv("X", "default")`, `os.getenv("X") or
//!   "x"`) gives the code a value either way; `|| null` and `|| process.env.OTHER` do not.
//! - A test of the variable (`if (!process.env.KEY) return res.status(400)…`,
//!   `!!process.env.KEY ? … : …`, `if not os.getenv("KEY"): raise …`, a variable read into and
//!   then tested, `"KEY" in os.environ`, a function of the module it is handed to that tests
//!   the parameter first) means the code copes with its absence: none of the function's reads
//!   of that variable is reported.
//!   The tested variables are kept in the function's facts, so that a helper's reads can be
//!   checked against its callers' tests.
//! - A comparison with a literal (`process.env.MODE === 'strict'`) yields a boolean either way,
//!   and so does a flag passed alone to a call whose result is tested (`if
//!   (!isEnabled(process.env.FLAG))`): the callee says what a missing one means.
//! - A read in a create-once initialiser (`if (!client) { client = new Client(process.env.KEY) }`
//!   on a binding that outlives the call) runs once per process, not per request.
//!
//! The collectors ask [`handling`] on each read during the walk and settle each function's
//! reads with [`settle_reads`] when the walk is done.

use std::collections::HashSet;

use tree_sitter::Node;

use super::create_once::in_create_once_initialiser;
use super::{EnvRead, EnvVariable, Function};
use crate::model::FileModel;
use crate::syntax::is_nested_scope;
use crate::unawaited::later_statements;

/// Steps taken up from a read through the expressions that pass its value on.
const MAX_CLIMB: usize = 16;
/// Steps taken up from a function to those it is written in.
const MAX_DEPTH: usize = 64;
/// Nodes a search below a statement (a later test, an assignment) may visit.
const MAX_SCAN: usize = 2_000;

/// Functions that turn a variable's text into a value and keep `undefined` / `None` falsy:
/// `Number(process.env.PORT) || 3000`, `int(os.getenv("N") or 4)`.
const CONVERSIONS: &[&str] = &[
    "Number",
    "parseInt",
    "parseFloat",
    "String",
    "Boolean",
    "int",
    "float",
    "str",
    "bool",
];

/// Variables every platform sets: reading them anywhere is the norm. `NODE_ENV` is also
/// inlined by bundlers; `PATH` and `HOME` are set for every process.
const ALWAYS_SET: &[&str] = &["NODE_ENV", "PATH", "HOME"];

/// Whether `variable` is one every platform sets.
pub(crate) fn is_always_set(variable: Option<&str>) -> bool {
    variable.is_some_and(|variable| ALWAYS_SET.contains(&variable))
}

/// What the code around one read does with a missing variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Handling {
    /// Nothing: a missing variable reaches the code as `undefined` / `None` (or `KeyError`).
    Unhandled,
    /// This read cannot fail: a fallback, a comparison with a literal, a create-once
    /// initialiser.
    Safe,
    /// The read tests whether the variable is set: every read of it in the function is safe.
    Tested,
}

/// Records `read` of `variable` in the facts of `functions[function]` unless the code around
/// it copes with a missing variable; a variable the code tests is remembered in `tested`.
pub(crate) fn record_read(
    functions: &mut [Function],
    tested: &mut Vec<(usize, EnvVariable)>,
    function: usize,
    read: Node<'_>,
    variable: EnvVariable,
    raises_when_missing: bool,
    file: &FileModel<'_>,
) {
    match handling(read, file) {
        Handling::Safe => {}
        Handling::Tested => {
            if variable != EnvVariable::Several {
                tested.push((function, variable));
            }
        }
        Handling::Unhandled => functions[function].env_reads.push(EnvRead {
            span: file.span(read),
            variable,
            raises_when_missing,
        }),
    }
}

/// How the code around `read` (the read expression, or the declarator of `const { A } =
/// process.env`) copes with a missing variable. `file`'s walk must be at the read.
pub(crate) fn handling(read: Node<'_>, file: &FileModel<'_>) -> Handling {
    if read.kind() == "variable_declarator" {
        return destructured(read, file);
    }
    match use_in_test(read, file) {
        Test::Presence => return Handling::Tested,
        Test::Literal => return Handling::Safe,
        Test::None => {}
    }
    if has_fallback(read, file) {
        return Handling::Safe;
    }
    if let Some((statement, name)) = bound_to(read, file)
        && tested_later(statement, name, file)
    {
        return Handling::Tested;
    }
    if in_create_once_initialiser(read, file) || passed_to_a_function_that_tests_it(read, file) {
        return Handling::Safe;
    }
    Handling::Unhandled
}

/// Python: whether `os.getenv(…)` / `os.environ.get(…)` has a default (second positional
/// argument or `default=`) that is a fallback (see [`is_fallback`]).
pub(crate) fn has_default(call: Node<'_>, file: &FileModel<'_>) -> bool {
    let Some(arguments) = call.child_by_field_name("arguments") else {
        return false;
    };
    let mut cursor = arguments.walk();
    let mut positional = 0;
    for argument in arguments.named_children(&mut cursor) {
        match argument.kind() {
            "keyword_argument" => {
                let is_default = argument
                    .child_by_field_name("name")
                    .is_some_and(|name| file.text(name) == "default");
                if is_default {
                    return argument
                        .child_by_field_name("value")
                        .is_some_and(|value| is_fallback(value, file));
                }
            }
            "comment" => {}
            _ => {
                if positional == 1 {
                    return is_fallback(argument, file);
                }
                positional += 1;
            }
        }
    }
    false
}

/// The variable a membership test asks about: `'KEY' in process.env`, `"KEY" in os.environ`,
/// `"KEY" not in environ`, `key in process.env`; `environ` is the node of the environment
/// object.
pub(crate) fn membership_test_key(environ: Node<'_>, file: &FileModel<'_>) -> Option<EnvVariable> {
    let test = environ.parent()?;
    match test.kind() {
        "binary_expression" => {
            let operator = test.child_by_field_name("operator")?;
            let right = test.child_by_field_name("right")?;
            if file.text(operator) != "in" || right.id() != environ.id() {
                return None;
            }
            Some(variable_of(test.child_by_field_name("left"), file))
        }
        "comparison_operator" => {
            // `"KEY" in os.environ`: the key, the operator, the environment.
            let key = test.named_child(0)?;
            let operator = file.text(test).get(
                key.end_byte() - test.start_byte()..environ.start_byte() - test.start_byte(),
            )?;
            let operator = operator.split_whitespace().collect::<Vec<_>>();
            let is_membership = matches!(operator.as_slice(), ["in"] | ["not", "in"]);
            (is_membership && test.named_child_count() == 2).then(|| variable_of(Some(key), file))
        }
        _ => None,
    }
}

/// The variable a key names: the contents of a string literal (`'KEY'`, `"KEY"`), or a
/// property name (`process.env.KEY`). `None` for a computed key (`process.env[name]`).
pub(crate) fn string_key(node: Node<'_>, file: &FileModel<'_>) -> Option<String> {
    let text = file.text(node);
    let key = match node.kind() {
        "property_identifier" => text,
        "string" => text
            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .trim_matches(['\'', '"']),
        "template_string" if is_literal(node, file) => text.trim_matches('`'),
        _ => return None,
    };
    (!key.is_empty()).then(|| key.to_string())
}

/// The variable `key` (of `process.env[key]`, `os.getenv(key)`, `key in os.environ`) is: named
/// by a string literal or a property name, else computed. Without a key, several.
pub(crate) fn variable_of(key: Option<Node<'_>>, file: &FileModel<'_>) -> EnvVariable {
    match key {
        Some(key) => match string_key(key, file) {
            Some(name) => EnvVariable::Named(name),
            None => EnvVariable::Computed(file.text(key).to_string()),
        },
        None => EnvVariable::Several,
    }
}

/// Records the variables each function tests, drops the reads of variables a function (or
/// one it is written in) tests, and keeps each variable's first read: one finding per
/// variable per function. `tested` holds (index into `functions`, variable) pairs.
pub(crate) fn settle_reads(functions: &mut [Function], tested: &[(usize, EnvVariable)]) {
    for (index, variable) in tested {
        if let Some(function) = functions.get_mut(*index)
            && !function.env_tested.contains(variable)
        {
            function.env_tested.push(variable.clone());
        }
    }
    if functions
        .iter()
        .all(|function| function.env_reads.is_empty())
    {
        return;
    }
    let starts: Vec<usize> = functions
        .iter()
        .map(|function| function.start_byte)
        .collect();
    let tested: HashSet<(usize, &EnvVariable)> = tested
        .iter()
        .filter_map(|(index, variable)| Some((*starts.get(*index)?, variable)))
        .collect();
    let enclosing: Vec<Option<usize>> = functions
        .iter()
        .map(|function| function.enclosing)
        .collect();
    for (index, function) in functions.iter_mut().enumerate() {
        if function.env_reads.is_empty() {
            continue;
        }
        let mut seen = HashSet::new();
        function.env_reads.retain(|read| {
            let variable = &read.variable;
            if *variable == EnvVariable::Several {
                return true;
            }
            // This function and the ones it is written in, innermost first.
            let mut scope = Some(starts[index]);
            let mut steps = 0;
            while let Some(start) = scope {
                if tested.contains(&(start, variable)) {
                    return false;
                }
                steps += 1;
                scope = starts
                    .binary_search(&start)
                    .ok()
                    .and_then(|at| enclosing[at])
                    .filter(|_| steps < MAX_DEPTH);
            }
            seen.insert(variable.clone())
        });
    }
}

/// What a read's value feeds, as far as a test of it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Test {
    None,
    /// Tested for presence: a condition, `!`, a comparison with `null` / `None` / `typeof`.
    Presence,
    /// Compared with a literal: a boolean either way.
    Literal,
}

/// Follows a value up through the expressions that only test it.
fn use_in_test(value: Node<'_>, file: &FileModel<'_>) -> Test {
    let mut value = value;
    // The value has become a boolean (`!x`, `x == null`): it cannot be missing any more.
    let mut boolean = false;
    let mut type_of = false;
    // Passed alone to a call whose result is tested (`if (!isEnabled(process.env.FLAG))`):
    // the callee decides what a missing variable means, so the read is safe but no test.
    let mut through_call = false;
    // `process.env.X?.trim().length`: a missing variable short-circuits the whole chain to
    // `undefined`, which the test then compares.
    let mut optional = false;
    for _ in 0..MAX_CLIMB {
        let Some(parent) = value.parent() else {
            break;
        };
        match parent.kind() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression" => {}
            "member_expression" | "call_expression"
                if parent
                    .child_by_field_name("object")
                    .or_else(|| parent.child_by_field_name("function"))
                    .is_some_and(|object| object.id() == value.id())
                    && (optional || {
                        let mut cursor = parent.walk();
                        parent
                            .children(&mut cursor)
                            .any(|child| child.kind() == "optional_chain")
                    }) =>
            {
                optional = true;
            }
            "unary_expression" => match operator(parent, file) {
                "!" => boolean = true,
                "typeof" => type_of = true,
                _ => return Test::None,
            },
            "not_operator" => boolean = true,
            // `Boolean(process.env.KEY)`, `bool(os.getenv("KEY"))`.
            "arguments" | "argument_list" => {
                let call = parent.parent();
                let converts = call
                    .and_then(|call| call.child_by_field_name("function"))
                    .is_some_and(|callee| matches!(file.text(callee), "Boolean" | "bool"));
                match call {
                    Some(call) if parent.named_child_count() == 1 => {
                        if converts {
                            boolean = true;
                        } else {
                            through_call = true;
                        }
                        value = call;
                        continue;
                    }
                    _ => return Test::None,
                }
            }
            "binary_expression" => match operator(parent, file) {
                "&&" | "||" => {}
                "==" | "===" | "!=" | "!==" => {
                    let Some(other) = other_operand(parent, value) else {
                        return Test::None;
                    };
                    if is_nullish(other, file) || (type_of && is_literal(other, file)) {
                        boolean = true;
                    } else if is_literal(other, file) {
                        return Test::Literal;
                    } else {
                        return Test::None;
                    }
                }
                // `process.env.X?.trim().length > 0`: `undefined` compares false, so the
                // test passes only when the variable is set: a test of its presence.
                "<" | ">" | "<=" | ">=" if optional => {
                    return match other_operand(parent, value) {
                        Some(other) if is_literal(other, file) => Test::Presence,
                        _ => Test::None,
                    };
                }
                _ => return Test::None,
            },
            "boolean_operator" => {}
            "comparison_operator" => {
                let mut cursor = parent.walk();
                let others: Vec<Node<'_>> = parent
                    .named_children(&mut cursor)
                    .filter(|operand| operand.id() != value.id())
                    .collect();
                if others.iter().all(|other| is_nullish(*other, file)) {
                    boolean = true;
                } else if others.iter().all(|other| is_literal(*other, file)) {
                    return Test::Literal;
                } else {
                    return Test::None;
                }
            }
            _ => {
                if is_condition(parent, value) {
                    boolean = true;
                }
                break;
            }
        }
        value = parent;
    }
    match (boolean, through_call) {
        (false, _) => Test::None,
        (true, false) => Test::Presence,
        (true, true) => Test::Literal,
    }
}

/// Whether `value` is the condition of `parent`: `if`, `while`, `do … while`, `for`, `?:`,
/// Python's `if` / `elif` / `while` and `a if value else b`.
fn is_condition(parent: Node<'_>, value: Node<'_>) -> bool {
    match parent.kind() {
        "if_statement" | "while_statement" | "do_statement" | "for_statement"
        | "ternary_expression" | "elif_clause" => parent
            .child_by_field_name("condition")
            .is_some_and(|condition| condition.id() == value.id()),
        "conditional_expression" => parent
            .named_child(1)
            .is_some_and(|condition| condition.id() == value.id()),
        _ => false,
    }
}

/// Whether the value reaches a `||` / `??` / `or` chain that ends in a fallback (see
/// [`is_fallback`]), possibly through a conversion (`Number(process.env.PORT) || 3000`).
fn has_fallback(read: Node<'_>, file: &FileModel<'_>) -> bool {
    let mut value = read;
    for _ in 0..MAX_CLIMB {
        let Some(parent) = value.parent() else {
            return false;
        };
        match parent.kind() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression" => {}
            "arguments" | "argument_list" => {
                let Some(call) = parent.parent() else {
                    return false;
                };
                let converts = call
                    .child_by_field_name("function")
                    .is_some_and(|callee| CONVERSIONS.contains(&file.text(callee)));
                let first = parent
                    .named_child(0)
                    .is_some_and(|first| first.id() == value.id());
                if !converts || !first {
                    return false;
                }
                value = call;
                continue;
            }
            "binary_expression" | "boolean_operator" => {
                if !matches!(operator(parent, file), "||" | "??" | "or") {
                    return false;
                }
                let from_left = parent
                    .child_by_field_name("left")
                    .is_some_and(|left| left.id() == value.id());
                if from_left
                    && parent
                        .child_by_field_name("right")
                        .is_some_and(|right| is_fallback(right, file))
                {
                    return true;
                }
            }
            _ => return false,
        }
        value = parent;
    }
    false
}

/// `const { A, B = 'x' } = process.env`: safe when every name has a literal default or is
/// tested before it is used.
fn destructured(declarator: Node<'_>, file: &FileModel<'_>) -> Handling {
    let (Some(pattern), Some(statement)) =
        (declarator.child_by_field_name("name"), declarator.parent())
    else {
        return Handling::Unhandled;
    };
    let mut cursor = pattern.walk();
    let mut all_tested = true;
    for property in pattern.named_children(&mut cursor) {
        let handled = match property.kind() {
            "object_assignment_pattern" => property
                .child_by_field_name("right")
                .is_some_and(|default| is_literal(default, file)),
            "shorthand_property_identifier_pattern" => {
                tested_later(statement, file.text(property), file)
            }
            "pair_pattern" => match property.child_by_field_name("value") {
                Some(value) if value.kind() == "assignment_pattern" => value
                    .child_by_field_name("right")
                    .is_some_and(|default| is_literal(default, file)),
                Some(value) if value.kind() == "identifier" => {
                    tested_later(statement, file.text(value), file)
                }
                _ => false,
            },
            "comment" => true,
            _ => false,
        };
        all_tested &= handled;
    }
    if all_tested {
        Handling::Safe
    } else {
        Handling::Unhandled
    }
}

/// `const key = process.env.KEY` / `key = os.getenv("KEY")` as a statement of its own: the
/// statement and the name.
fn bound_to<'tree>(
    read: Node<'tree>,
    file: &FileModel<'tree>,
) -> Option<(Node<'tree>, &'tree str)> {
    let mut value = read;
    for _ in 0..MAX_CLIMB {
        let parent = value.parent()?;
        // `const url = process.env.API_URL || process.env.PUBLIC_API_URL; if (url) …`: the
        // binding's test covers every read of the chain.
        let alternative = matches!(parent.kind(), "binary_expression" | "boolean_operator")
            && matches!(operator(parent, file), "||" | "??" | "or");
        if !alternative
            && !matches!(
                parent.kind(),
                "parenthesized_expression"
                    | "as_expression"
                    | "satisfies_expression"
                    | "non_null_expression"
            )
        {
            break;
        }
        value = parent;
    }
    let parent = value.parent()?;
    let (name, statement) = match parent.kind() {
        "variable_declarator" => (parent.child_by_field_name("name")?, parent.parent()?),
        "assignment_expression" | "assignment" => {
            let statement = parent.parent()?;
            if statement.kind() != "expression_statement" {
                return None;
            }
            (parent.child_by_field_name("left")?, statement)
        }
        _ => return None,
    };
    let right = parent
        .child_by_field_name("value")
        .or_else(|| parent.child_by_field_name("right"))?;
    (right.id() == value.id() && name.kind() == "identifier").then(|| (statement, file.text(name)))
}

/// Whether the first mention of `name` after `statement`, in the same block, tests it.
fn tested_later(statement: Node<'_>, name: &str, file: &FileModel<'_>) -> bool {
    later_statements(statement).is_some_and(|later| tested_first(later, name, file))
}

/// Whether the first mention of `name` in `nodes`, in order, tests it. A nested function
/// that mentions it first (and may run at any time) does not count as a test.
fn tested_first<'tree>(
    nodes: impl Iterator<Item = Node<'tree>>,
    name: &str,
    file: &FileModel<'_>,
) -> bool {
    let mut visited = 0;
    for current in nodes {
        let mut stack = vec![current];
        while let Some(node) = stack.pop() {
            visited += 1;
            if visited > MAX_SCAN {
                return false;
            }
            if is_nested_scope(node.kind()) {
                if mentions_name(node, name, file, &mut visited) {
                    return false;
                }
                continue;
            }
            if node.kind() == "identifier" && file.text(node) == name {
                return use_in_test(node, file) == Test::Presence;
            }
            let start = stack.len();
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
            stack[start..].reverse();
        }
    }
    false
}

/// Whether an identifier `name` occurs under `node`; a search past [`MAX_SCAN`] nodes in all
/// (`visited` counts them) answers yes.
fn mentions_name(node: Node<'_>, name: &str, file: &FileModel<'_>, visited: &mut usize) -> bool {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        *visited += 1;
        if *visited > MAX_SCAN || (node.kind() == "identifier" && file.text(node) == name) {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

/// `parseRanges(process.env.RANGES)` where `parseRanges`, a function of the module, tests that
/// parameter before any other use of it (`if (!ranges) return [];`).
fn passed_to_a_function_that_tests_it(read: Node<'_>, file: &FileModel<'_>) -> bool {
    let mut value = read;
    while let Some(parent) = value.parent().filter(|parent| {
        matches!(
            parent.kind(),
            "parenthesized_expression" | "as_expression" | "non_null_expression"
        )
    }) {
        value = parent;
    }
    let Some(arguments) = value
        .parent()
        .filter(|parent| matches!(parent.kind(), "arguments" | "argument_list"))
    else {
        return false;
    };
    let Some(callee) = arguments
        .parent()
        .and_then(|call| call.child_by_field_name("function"))
        .filter(|callee| callee.kind() == "identifier")
    else {
        return false;
    };
    let mut cursor = arguments.walk();
    let Some(position) = arguments
        .named_children(&mut cursor)
        .filter(|argument| argument.kind() != "comment")
        .position(|argument| argument.id() == value.id())
    else {
        return false;
    };
    let mut root = arguments;
    while let Some(parent) = root.parent() {
        root = parent;
    }
    let Some(function) = module_function(root, file.text(callee), file) else {
        return false;
    };
    let Some(parameter) = parameter_name(function, position, file) else {
        return false;
    };
    let Some(body) = function.child_by_field_name("body") else {
        return false;
    };
    if matches!(body.kind(), "statement_block" | "block") {
        let mut cursor = body.walk();
        let statements: Vec<Node<'_>> = body.named_children(&mut cursor).collect();
        tested_first(statements.into_iter(), parameter, file)
    } else {
        tested_first(std::iter::once(body), parameter, file)
    }
}

/// The function a module binds `name` to at its top level: `function name(…)`, `const name =
/// (…) => …`, `def name(…)`, exported or decorated.
fn module_function<'tree>(
    root: Node<'tree>,
    name: &str,
    file: &FileModel<'_>,
) -> Option<Node<'tree>> {
    let mut cursor = root.walk();
    let statements: Vec<Node<'tree>> = root.named_children(&mut cursor).collect();
    statements.into_iter().take(MAX_SCAN).find_map(|statement| {
        let statement = match statement.kind() {
            "export_statement" => statement.child_by_field_name("declaration")?,
            "decorated_definition" => statement.child_by_field_name("definition")?,
            _ => statement,
        };
        match statement.kind() {
            "function_declaration" | "function_definition" => statement
                .child_by_field_name("name")
                .is_some_and(|declared| file.text(declared) == name)
                .then_some(statement),
            "lexical_declaration" | "variable_declaration" => {
                let mut cursor = statement.walk();
                let declarators: Vec<Node<'tree>> = statement.named_children(&mut cursor).collect();
                declarators.into_iter().find_map(|declarator| {
                    let declared = declarator.child_by_field_name("name")?;
                    let value = declarator.child_by_field_name("value")?;
                    (file.text(declared) == name
                        && matches!(
                            value.kind(),
                            "arrow_function" | "function_expression" | "function"
                        ))
                    .then_some(value)
                })
            }
            _ => None,
        }
    })
}

/// The name of a function's parameter at `position`, when it is a plain name.
fn parameter_name<'tree>(
    function: Node<'_>,
    position: usize,
    file: &FileModel<'tree>,
) -> Option<&'tree str> {
    if let Some(single) = function.child_by_field_name("parameter") {
        return (position == 0 && single.kind() == "identifier").then(|| file.text(single));
    }
    let parameters = function.child_by_field_name("parameters")?;
    let mut cursor = parameters.walk();
    let parameter = parameters
        .named_children(&mut cursor)
        .filter(|parameter| parameter.kind() != "comment")
        .nth(position)?;
    let name = match parameter.kind() {
        "identifier" => parameter,
        "required_parameter" | "optional_parameter" => parameter.child_by_field_name("pattern")?,
        "typed_parameter" => parameter.named_child(0)?,
        "default_parameter" | "typed_default_parameter" | "assignment_pattern" => parameter
            .child_by_field_name("name")
            .or_else(|| parameter.child_by_field_name("left"))?,
        _ => return None,
    };
    (name.kind() == "identifier").then(|| file.text(name))
}

fn operator<'tree>(node: Node<'_>, file: &FileModel<'tree>) -> &'tree str {
    node.child_by_field_name("operator")
        .map_or("", |operator| file.text(operator))
}

fn other_operand<'tree>(binary: Node<'tree>, operand: Node<'_>) -> Option<Node<'tree>> {
    let left = binary.child_by_field_name("left")?;
    let right = binary.child_by_field_name("right")?;
    if left.id() == operand.id() {
        Some(right)
    } else {
        Some(left)
    }
}

/// A value the code falls back on when the variable is missing: a literal, or another
/// expression (`config.apiUrl`, `DEFAULT_REGION`, `req.query.region`) that is neither `null` /
/// `undefined` / `None` nor another read of the environment (`process.env.A ||
/// process.env.B` can find both missing).
fn is_fallback(node: Node<'_>, file: &FileModel<'_>) -> bool {
    if is_literal(node, file) {
        return true;
    }
    let text = file.text(node);
    !is_nullish(node, file)
        && !text.contains("process.env")
        && !text.contains("environ")
        && !text.contains("getenv")
}

fn is_nullish(node: Node<'_>, file: &FileModel<'_>) -> bool {
    match node.kind() {
        "null" | "none" => true,
        "undefined" => true,
        "identifier" => file.text(node) == "undefined",
        "parenthesized_expression" => node
            .named_child(0)
            .is_some_and(|inner| is_nullish(inner, file)),
        _ => false,
    }
}

/// A literal value other than `null`, `undefined` and `None`: a string (a template without
/// substitutions), a number, a boolean, an array, object, list, tuple or dictionary literal.
fn is_literal(node: Node<'_>, file: &FileModel<'_>) -> bool {
    match node.kind() {
        "string"
        | "number"
        | "true"
        | "false"
        | "array"
        | "object"
        | "integer"
        | "float"
        | "concatenated_string"
        | "list"
        | "dictionary"
        | "tuple" => true,
        "template_string" => {
            let mut cursor = node.walk();
            !node
                .named_children(&mut cursor)
                .any(|part| part.kind() == "template_substitution")
        }
        "parenthesized_expression" => node
            .named_child(0)
            .is_some_and(|inner| is_literal(inner, file)),
        "unary_expression" | "unary_operator" => {
            matches!(operator(node, file), "-" | "+")
                && node
                    .child_by_field_name("argument")
                    .is_some_and(|argument| {
                        matches!(argument.kind(), "number" | "integer" | "float")
                    })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use lint500_core::Language;

    use crate::facts::{EnvVariable, functions_of};

    /// (function name, variable) of every read a file's facts keep.
    fn reads(source: &str, language: Language) -> Vec<(String, String)> {
        functions_of(source, language)
            .iter()
            .flat_map(|function| {
                function.env_reads.iter().map(|read| {
                    (
                        function.name.clone().unwrap_or_default(),
                        match &read.variable {
                            EnvVariable::Named(name) => name.clone(),
                            EnvVariable::Computed(key) => format!("[{key}]"),
                            EnvVariable::Several => String::new(),
                        },
                    )
                })
            })
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(function, variable)| (function.to_string(), variable.to_string()))
            .collect()
    }

    #[test]
    fn javascript_reads_that_cannot_fail_are_not_recorded() {
        let source = "\
let client;
function fallbacks() {
  return [process.env.A || 'x', process.env.B ?? 3000, Number(process.env.C) || 4,
    process.env.D || process.env.E || `y`, process.env.F || null, process.env.V || config.v];
}
function tests(req, res) {
  if (!process.env.G) return res.status(400).end();
  const h = !!process.env.H ? 1 : 2;
  if (typeof process.env.I === 'undefined') return;
  const mode = process.env.J === 'strict';
  return [process.env.G, process.env.I, process.env.J, req.token !== process.env.K];
}
function bound(res) {
  const key = process.env.L;
  if (!key) return res.sendStatus(500);
  const used = process.env.M;
  send(used);
  if (!used) return;
  const { N, O = 'o' } = process.env;
  const { P = 'p' } = process.env;
  const url = process.env.W || process.env.X;
  if (!url) return;
  const other = process.env.Y || process.env.Z;
  send(other);
  const socket = process.env.AA?.trim().length > 0;
  const name = process.env.AB?.trim();
  return key + N + O + P + url + socket + name;
}
function once() {
  if (!client) {
    const url = process.env.Q;
    client = connect(url);
  }
  return client;
}
function early() {
  if (client) return client;
  client = connect(process.env.R);
  return client;
}
function local() {
  let client;
  if (!client) { client = connect(process.env.S); }
  return [process.env.S, process.env.S, client];
}
function nested() {
  if (!process.env.T) return;
  return () => process.env.T + ('U' in process.env ? process.env.U : '');
}
";
        assert_eq!(
            reads(source, Language::JavaScript),
            pairs(&[
                ("fallbacks", "F"),
                // `J === 'strict'` is safe, the plain read after it is not.
                ("tests", "J"),
                ("tests", "K"),
                ("bound", "M"),
                ("bound", ""),
                ("bound", "Y"),
                ("bound", "Z"),
                ("bound", "AB"),
                ("local", "S"),
            ])
        );
    }

    #[test]
    fn a_test_of_a_computed_key_covers_the_reads_of_the_same_key() {
        let javascript = "\
function tested(name) {
  if (process.env[name] === undefined) return process.cwd();
  return process.env[name];
}
function negated(name) {
  if (!process.env[name]) throw new Error(name);
  return process.env[name].trim();
}
function membership(name) {
  return name in process.env ? process.env[name] : '';
}
function other(name, key) {
  if (!process.env[key]) return;
  return [process.env[name], process.env[name]];
}
";
        assert_eq!(
            reads(javascript, Language::JavaScript),
            pairs(&[("other", "[name]")])
        );
        let python = "\
import os

def tested(name):
    if os.environ.get(name) is None:
        return os.getcwd()
    return os.environ[name]

def membership(name):
    if name not in os.environ:
        raise KeyError(name)
    return os.getenv(name)

def other(name, key):
    if not os.getenv(key):
        return None
    return os.environ[name]
";
        assert_eq!(
            reads(python, Language::Python),
            pairs(&[("other", "[name]")])
        );
    }

    #[test]
    fn python_reads_that_cannot_fail_are_not_recorded() {
        let source = "\
import os
from os import environ, getenv

_client = None

def fallbacks():
    return [os.getenv('A', 'a'), os.environ.get('B', ''), getenv('C', default=3),
            os.getenv('D') or 'd', int(os.getenv('E') or 4), os.getenv('F', None), environ['G']]

def tests():
    if not os.getenv('H'):
        raise ValueError('H')
    key = os.environ.get('I')
    if key is None:
        raise ValueError('I')
    if 'J' not in os.environ:
        return None
    return os.environ['H'], os.environ['J'], os.getenv('K') == '1', os.getenv('L'), os.getenv('L')

def once():
    global _client
    if _client is None:
        _client = connect(os.environ['M'])
    return _client

def local():
    client = None
    if client is None:
        client = connect(os.environ['N'])
    return client
";
        assert_eq!(
            reads(source, Language::Python),
            pairs(&[
                ("fallbacks", "F"),
                ("fallbacks", "G"),
                ("tests", "L"),
                ("local", "N"),
            ])
        );
    }
}
