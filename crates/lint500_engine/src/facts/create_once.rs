//! Create-once initialisers: the code a function runs only while a binding that outlives it
//! is not made yet (`if (!client) { client = new Client(…) }`, `if engine is None: global
//! engine; engine = …`). It runs once per process, not each time the function does: an
//! environment read there is not a read per request, and a call made there is not a call per
//! request (see `Function::calls`).

use tree_sitter::Node;

use super::clients::{declares_global, mentions, outlives_js_call};
use crate::model::FileModel;
use crate::syntax::is_nested_scope;

/// Steps taken up from a node to its function, looking for a create-once guard.
const MAX_DEPTH: usize = 64;
/// Nodes a search of a branch for the assignment may visit.
const MAX_SCAN: usize = 2_000;
/// Earlier statements of a block looked at for an early-return guard.
const MAX_SIBLINGS: usize = 64;

/// Whether `node` runs in a create-once initialiser of the function the walk is in: the
/// branch of an `if` that tests a binding outliving the call and assigns it (`if (!stripe) {
/// stripe = new Stripe(process.env.KEY) }`), the statements after an early return on it (`if
/// (client) return client;`), or the right side of `client ??= …`. `file`'s walk must be at
/// `node`, or at a function written there (its enclosing function is the one asked about).
pub(crate) fn in_create_once_initialiser(node: Node<'_>, file: &FileModel<'_>) -> bool {
    let Some(function) = file.enclosing_function() else {
        return false;
    };
    let mut node = node;
    for _ in 0..MAX_DEPTH {
        if node.id() == function.id() {
            return false;
        }
        let Some(parent) = node.parent() else {
            return false;
        };
        match parent.kind() {
            "if_statement" => {
                let is_branch = parent
                    .child_by_field_name("consequence")
                    .is_some_and(|branch| branch.id() == node.id());
                if let (true, Some(condition)) =
                    (is_branch, parent.child_by_field_name("condition"))
                    && assigns_tested_binding(&[node], condition, function, file)
                {
                    return true;
                }
            }
            "augmented_assignment_expression" => {
                let creates_once = parent
                    .child_by_field_name("operator")
                    .is_some_and(|operator| matches!(file.text(operator), "??=" | "||="));
                let target = parent.child_by_field_name("left");
                if creates_once && target.is_some_and(|target| outlives(target, function, file)) {
                    return true;
                }
            }
            "statement_block" | "program" | "block" | "module"
                if after_early_return(node, function, file) =>
            {
                return true;
            }
            _ => {}
        }
        node = parent;
    }
    false
}

/// `if (client) return client;` before `statement`, and `statement` or one after it assigns
/// `client`.
fn after_early_return(statement: Node<'_>, function: Node<'_>, file: &FileModel<'_>) -> bool {
    let mut sibling = statement.prev_named_sibling();
    for _ in 0..MAX_SIBLINGS {
        let Some(earlier) = sibling else {
            return false;
        };
        if earlier.kind() == "if_statement"
            && earlier
                .child_by_field_name("consequence")
                .is_some_and(returns)
            && let Some(condition) = earlier.child_by_field_name("condition")
        {
            let rest: Vec<Node<'_>> =
                std::iter::successors(Some(statement), Node::next_named_sibling)
                    .take(MAX_SIBLINGS)
                    .collect();
            if assigns_tested_binding(&rest, condition, function, file) {
                return true;
            }
        }
        sibling = earlier.prev_named_sibling();
    }
    false
}

/// Whether a branch is a `return` or ends in one.
fn returns(branch: Node<'_>) -> bool {
    match branch.kind() {
        "return_statement" => true,
        "statement_block" | "block" => {
            let mut cursor = branch.walk();
            branch
                .named_children(&mut cursor)
                .last()
                .is_some_and(|last| last.kind() == "return_statement")
        }
        _ => false,
    }
}

/// Whether some statement of `scopes` assigns a binding that outlives the call and that
/// `condition` names.
fn assigns_tested_binding(
    scopes: &[Node<'_>],
    condition: Node<'_>,
    function: Node<'_>,
    file: &FileModel<'_>,
) -> bool {
    let tested = file.text(condition);
    let mut visited = 0;
    let mut stack: Vec<Node<'_>> = scopes.to_vec();
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_SCAN {
            return false;
        }
        if is_nested_scope(node.kind()) {
            continue;
        }
        if matches!(
            node.kind(),
            "assignment_expression" | "augmented_assignment_expression" | "assignment"
        ) && let Some(target) = node.child_by_field_name("left")
            && mentions(tested, file.text(target))
            && outlives(target, function, file)
        {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

/// Whether an assignment target lives longer than the call: a property, a JavaScript name the
/// function does not declare, a Python name it declares `global`.
fn outlives(target: Node<'_>, function: Node<'_>, file: &FileModel<'_>) -> bool {
    if file.language.is_javascript_like() {
        return outlives_js_call(target, Some(function), file);
    }
    match target.kind() {
        "attribute" => true,
        "identifier" => declares_global(function, file.text(target), file),
        _ => false,
    }
}
