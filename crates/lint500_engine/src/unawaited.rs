//! How the result of a call that is not awaited is used: as if it were the value the promise
//! (or coroutine) will hold, dropped, handed on, or returned. Shared by the rule that reports
//! it and by the facts that let it see callees in other modules.

use lint500_knowledge::servers;
use tree_sitter::Node;

use crate::model::FileModel;
use crate::syntax::is_nested_scope;

/// Steps taken up through parentheses and type assertions around the call.
const MAX_WRAPPERS: usize = 16;

/// Nodes the search for a variable's first use may visit; beyond it the result is unknown.
/// A promise is used soon after it is made, or handed on.
const MAX_VISITED: usize = 2_000;

/// A use of a promise or coroutine as if it were its value, or dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PromiseUse {
    /// `p.name`, `p.save()`: read from the promise (`.then`/`.catch`/`.finally` excepted).
    Member,
    /// `p[0]`.
    Index,
    /// `const { a } = p`, `a, b = coro()`.
    Destructured,
    /// `res.json(p)`, `res.send({ user: p })`: the client gets the promise serialised.
    Response,
    /// `p + 1`, `p > 0`, `p === null`: arithmetic or a comparison with the promise itself.
    Operand,
    /// `if (p)`, `!p`, `p ? a : b`, `p || x`: a promise is always truthy.
    Condition,
    /// `` `${p}` ``, `f"{coro()}"`.
    Interpolated,
    /// `for (const x of p)`, `[...p]`, `for x in coro()`.
    Iterated,
    /// A statement of its own: nothing waits for it.
    Floating,
    /// `return p`: the caller gets the promise. Fine in JavaScript and in async code; wrong
    /// where the caller wants the value itself (a synchronous FastAPI route).
    Returned,
}

impl PromiseUse {
    /// Whether the use treats the promise as its value (every use but floating and returned).
    pub fn reads_value(self) -> bool {
        !matches!(self, PromiseUse::Floating | PromiseUse::Returned)
    }
}

/// Where and how an unawaited promise is used.
#[derive(Clone, Copy, Debug)]
pub struct UnawaitedUse<'tree> {
    pub how: PromiseUse,
    /// The node that uses it: the member access, the condition, the statement.
    pub at: Node<'tree>,
    /// The variable the promise went through before this use, if any.
    pub variable: Option<Node<'tree>>,
}

impl<'tree> UnawaitedUse<'tree> {
    /// Where a finding's label should point: the use, when it reads the value somewhere other
    /// than the call itself (a condition or an iterable is the call, parenthesised or not).
    pub fn label_site(&self, call: Node<'_>) -> Option<Node<'tree>> {
        let is_call = self.at.id() == call.id()
            || (self.at.kind() == "parenthesized_expression" && self.variable.is_none());
        (self.how.reads_value() && !is_call).then_some(self.at)
    }
}

/// How the result of `call` is used, when it is not awaited and the use is one of
/// [`PromiseUse`]. `None` when it is awaited, chained with `.then`, handed to another call
/// (`Promise.all`, `asyncio.create_task`), stored somewhere the search does not follow, or
/// assigned to a variable whose first use is one of those.
pub fn unawaited_use<'tree>(
    call: Node<'tree>,
    file: &FileModel<'_>,
) -> Option<UnawaitedUse<'tree>> {
    let python = !file.language.is_javascript_like();
    let mut found = use_of(call, file, python)?;
    if let Use::Variable(name) = found {
        let statement = statement_of(name.parent()?)?;
        let later = first_use_after(statement, file.text(name), file)?;
        found = use_of(later, file, python)?;
        return match found {
            Use::Promise(how, at) if how.reads_value() => Some(UnawaitedUse {
                how,
                at,
                variable: Some(later),
            }),
            _ => None,
        };
    }
    match found {
        Use::Promise(how, at) => Some(UnawaitedUse {
            how,
            at,
            variable: None,
        }),
        Use::Variable(_) => None,
    }
}

/// A callee as a dotted name (`prisma.user.update`, `self.load`, `users.find(…).first`), from
/// its structure, so that comments and line breaks inside it do not show. `None` for callees
/// that are not names or member chains, or longer than a message can hold.
pub fn callee_name(callee: Node<'_>, file: &FileModel<'_>) -> Option<String> {
    let mut parts = Vec::new();
    let mut node = callee;
    for _ in 0..MAX_WRAPPERS {
        match node.kind() {
            "identifier" | "this" | "super" => {
                parts.push(file.text(node).to_string());
                parts.reverse();
                let name = parts.concat();
                return (name.len() <= 48).then_some(name);
            }
            "member_expression" | "attribute" => {
                let field = if node.kind() == "attribute" {
                    "attribute"
                } else {
                    "property"
                };
                parts.push(format!(".{}", file.text(node.child_by_field_name(field)?)));
                node = node.child_by_field_name("object")?;
            }
            "call_expression" | "call" => {
                parts.push("(…)".to_string());
                node = node.child_by_field_name("function")?;
            }
            _ => return None,
        }
    }
    None
}

enum Use<'tree> {
    Promise(PromiseUse, Node<'tree>),
    /// Assigned to this plain variable: its first use decides.
    Variable(Node<'tree>),
}

/// How the expression `value` (a call, or a variable holding the promise) is used.
fn use_of<'tree>(mut value: Node<'tree>, file: &FileModel<'_>, python: bool) -> Option<Use<'tree>> {
    let mut parent = value.parent()?;
    for _ in 0..MAX_WRAPPERS {
        if !matches!(
            parent.kind(),
            "parenthesized_expression" | "as_expression" | "satisfies_expression"
        ) {
            break;
        }
        value = parent;
        parent = value.parent()?;
    }
    let is = |field: &str| {
        parent
            .child_by_field_name(field)
            .is_some_and(|child| child.id() == value.id())
    };
    let promise = |how| Some(Use::Promise(how, parent));
    match parent.kind() {
        "expression_statement" => promise(PromiseUse::Floating),
        "member_expression" if is("object") => {
            let property = parent.child_by_field_name("property").map(|p| file.text(p));
            if matches!(property, Some("then" | "catch" | "finally")) {
                None
            } else {
                promise(PromiseUse::Member)
            }
        }
        "attribute" if is("object") => {
            // The coroutine's own protocol: `coro().__await__()`, `.send(None)`, `.close()`.
            let attribute = parent
                .child_by_field_name("attribute")
                .map(|a| file.text(a));
            if matches!(attribute, Some("__await__" | "send" | "throw" | "close")) {
                None
            } else {
                promise(PromiseUse::Member)
            }
        }
        "subscript_expression" if is("object") => promise(PromiseUse::Index),
        "subscript" if is("value") => promise(PromiseUse::Index),
        "variable_declarator" if is("value") => {
            let name = parent.child_by_field_name("name")?;
            match name.kind() {
                "identifier" => Some(Use::Variable(name)),
                "object_pattern" | "array_pattern" => {
                    Some(Use::Promise(PromiseUse::Destructured, name))
                }
                _ => None,
            }
        }
        "assignment_expression" | "assignment" if is("right") => {
            let left = parent.child_by_field_name("left")?;
            match left.kind() {
                // Only a statement of its own: `x = y = p()` is not followed.
                "identifier" if statement_of(parent).is_some() => Some(Use::Variable(left)),
                "object_pattern" | "array_pattern" | "pattern_list" | "tuple_pattern"
                | "list_pattern" => Some(Use::Promise(PromiseUse::Destructured, left)),
                _ => None,
            }
        }
        "augmented_assignment_expression" | "augmented_assignment" if is("right") => {
            // `cached ??= load()` stores the promise; `total += load()` adds it.
            let operator = parent.child_by_field_name("operator").map(|o| file.text(o));
            if matches!(operator, Some("??=" | "||=" | "&&=")) {
                None
            } else {
                promise(PromiseUse::Operand)
            }
        }
        "binary_expression" | "boolean_operator" => {
            let operator = parent.child_by_field_name("operator").map(|o| file.text(o));
            match operator {
                Some("&&" | "||" | "??" | "and" | "or") => {
                    is("left").then_some(Use::Promise(PromiseUse::Condition, parent))
                }
                Some(_) => promise(PromiseUse::Operand),
                None => None,
            }
        }
        "binary_operator" | "comparison_operator" => promise(PromiseUse::Operand),
        "unary_expression" => match parent.child_by_field_name("operator").map(|o| file.text(o)) {
            Some("!") => promise(PromiseUse::Condition),
            Some("-" | "+" | "~") => promise(PromiseUse::Operand),
            _ => None,
        },
        "not_operator" => promise(PromiseUse::Condition),
        // Statements: the use is the condition or iterable itself, not the whole statement.
        "if_statement" | "while_statement" | "do_statement" | "elif_clause" if is("condition") => {
            Some(Use::Promise(PromiseUse::Condition, value))
        }
        "ternary_expression" if is("condition") => promise(PromiseUse::Condition),
        // Python's `a if p else b`: the condition is the second operand.
        "conditional_expression"
            if parent
                .named_child(1)
                .is_some_and(|condition| condition.id() == value.id()) =>
        {
            promise(PromiseUse::Condition)
        }
        "template_substitution" | "interpolation" => promise(PromiseUse::Interpolated),
        "for_in_statement" | "for_statement" | "for_in_clause" if is("right") => {
            // `for await (… of p)` and `async for x in p` iterate asynchronously.
            (!has_child(parent, "await") && !has_child(parent, "async"))
                .then_some(Use::Promise(PromiseUse::Iterated, value))
        }
        "spread_element" | "list_splat" => promise(PromiseUse::Iterated),
        "return_statement" => promise(PromiseUse::Returned),
        "arrow_function" if is("body") => promise(PromiseUse::Returned),
        // An argument: the callee decides, and only a response is known to take the value.
        "arguments" => response_call(parent, file)
            .filter(|_| !python)
            .map(|call| Use::Promise(PromiseUse::Response, call)),
        // In an object or array literal: wrong only when that literal is sent as a response.
        "pair" | "array" if !python => {
            let container = if parent.kind() == "pair" {
                if !is("value") {
                    return None;
                }
                parent.parent()?
            } else {
                parent
            };
            let arguments = container.parent()?;
            (arguments.kind() == "arguments")
                .then(|| response_call(arguments, file))
                .flatten()
                .map(|call| Use::Promise(PromiseUse::Response, call))
        }
        _ => None,
    }
}

/// The call whose `arguments` these are, when it sends an Express response:
/// `res.json(…)`, `res.send(…)`, `res.status(…).json(…)`, `response.render(…)`.
fn response_call<'tree>(arguments: Node<'tree>, file: &FileModel<'_>) -> Option<Node<'tree>> {
    let call = arguments.parent()?;
    let callee = call.child_by_field_name("function")?;
    if callee.kind() != "member_expression" {
        return None;
    }
    let method = file.text(callee.child_by_field_name("property")?);
    if !servers::EXPRESS_RESPONSE_METHODS.contains(&method) {
        return None;
    }
    let mut receiver = callee.child_by_field_name("object")?;
    // Through `res.status(500)` and `res.set(…)` to `res`.
    for _ in 0..MAX_WRAPPERS {
        if receiver.kind() != "call_expression" {
            break;
        }
        let function = receiver.child_by_field_name("function")?;
        if function.kind() != "member_expression" {
            return None;
        }
        receiver = function.child_by_field_name("object")?;
    }
    (receiver.kind() == "identifier"
        && servers::EXPRESS_RESPONSE_NAMES.contains(&file.text(receiver)))
    .then_some(call)
}

/// The statement that is `node` itself or its parent: a declaration or an expression statement
/// directly in a block.
fn statement_of(node: Node<'_>) -> Option<Node<'_>> {
    let statement = match node.kind() {
        "variable_declarator" => node.parent()?,
        "assignment_expression" | "assignment" => node.parent()?,
        _ => return None,
    };
    matches!(
        statement.kind(),
        "lexical_declaration" | "variable_declaration" | "expression_statement"
    )
    .then_some(statement)
}

/// The first mention of `variable` in the statements after `statement` in its block. `None`
/// when there is none, or when it is reassigned, or first used inside a nested function
/// (which may run after an `await` the search cannot see).
fn first_use_after<'tree>(
    statement: Node<'tree>,
    variable: &str,
    file: &FileModel<'_>,
) -> Option<Node<'tree>> {
    let mut visited = 0;
    for current in later_statements(statement)? {
        let mut stack = vec![current];
        while let Some(node) = stack.pop() {
            visited += 1;
            if visited > MAX_VISITED {
                return None;
            }
            if is_nested_scope(node.kind()) {
                if mentions(node, variable, file) {
                    return None;
                }
                continue;
            }
            if node.kind() == "identifier" && file.text(node) == variable && !is_label(node) {
                return Some(node);
            }
            if node.kind() == "shorthand_property_identifier" && file.text(node) == variable {
                return None;
            }
            let start = stack.len();
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
            stack[start..].reverse();
        }
    }
    None
}

/// The statements after `statement` in its block (function body, module, `case`), in order;
/// `None` when it is not directly in a block, where "after" means nothing a search can use.
pub fn later_statements<'tree>(
    statement: Node<'tree>,
) -> Option<impl Iterator<Item = Node<'tree>>> {
    let block = statement.parent()?;
    matches!(
        block.kind(),
        "statement_block" | "program" | "switch_case" | "switch_default" | "block" | "module"
    )
    .then(|| std::iter::successors(statement.next_named_sibling(), Node::next_named_sibling))
}

/// Whether a Python identifier names an attribute (`x.user`) or a keyword (`f(user=…)`)
/// rather than a variable.
fn is_label(identifier: Node<'_>) -> bool {
    identifier.parent().is_some_and(|parent| {
        let field = match parent.kind() {
            "attribute" => "attribute",
            "keyword_argument" => "name",
            _ => return false,
        };
        parent
            .child_by_field_name(field)
            .is_some_and(|label| label.id() == identifier.id())
    })
}

fn mentions(node: Node<'_>, variable: &str, file: &FileModel<'_>) -> bool {
    let mut stack = vec![node];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_VISITED
            || (matches!(node.kind(), "identifier" | "shorthand_property_identifier")
                && file.text(node) == variable)
        {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

fn has_child(node: Node<'_>, kind: &str) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor).any(|child| child.kind() == kind)
}
