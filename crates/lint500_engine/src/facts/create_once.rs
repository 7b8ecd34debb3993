//! Create-once initialisers: the code a function runs only while a binding that outlives it
//! is not made yet (`if (!client) { client = new Client(…) }`, `if engine is None: global
//! engine; engine = …`). It runs once per process, not each time the function does: an
//! environment read there is not a read per request, and a call made there is not a call per
//! request (see `Function::calls`).

use std::ops::Range;

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

/// The create-once initialisers the walk is in, as byte ranges with the function (an index of
/// the collector's) they belong to. A call asks here instead of climbing the tree: a climb per
/// call is quadratic in deeply nested code.
#[derive(Default)]
pub(crate) struct Initialisers(Vec<(usize, Range<usize>)>);

impl Initialisers {
    /// Records the initialiser `node` opens, if any: the node is an `if` statement or an
    /// assignment of `function`, where the walk is.
    pub(crate) fn enter(&mut self, node: Node<'_>, function: usize, file: &FileModel<'_>) {
        if let Some(range) = initialiser(node, file) {
            self.0.push((function, range));
        }
    }

    /// Whether the byte `at`, where the walk is, lies in an initialiser of `function`.
    pub(crate) fn contains(&mut self, function: usize, at: usize) -> bool {
        // Walk order: ranges nest, and those that end before `at` are left for good.
        while self.0.last().is_some_and(|(_, range)| range.end <= at) {
            self.0.pop();
        }
        self.0
            .iter()
            .any(|(owner, range)| *owner == function && range.contains(&at))
    }
}

/// The code `node` makes a create-once initialiser of the function the walk is in: the branch
/// of `if (!client) { client = … }`, the rest of the block after `if (client) return client;`
/// when it assigns `client`, the right side of `client ??= …`.
fn initialiser(node: Node<'_>, file: &FileModel<'_>) -> Option<Range<usize>> {
    let function = file.enclosing_function()?;
    match node.kind() {
        "if_statement" => {
            let condition = node.child_by_field_name("condition")?;
            let branch = node.child_by_field_name("consequence")?;
            if assigns_tested_binding(&[branch], condition, function, file) {
                return Some(branch.byte_range());
            }
            if !returns(branch) {
                return None;
            }
            let block = node.parent()?;
            let rest = statements_after(node, block);
            assigns_tested_binding(&rest, condition, function, file)
                .then(|| node.end_byte()..block.end_byte())
        }
        "augmented_assignment_expression" => {
            let creates_once = node
                .child_by_field_name("operator")
                .is_some_and(|operator| matches!(file.text(operator), "??=" | "||="));
            let target = node.child_by_field_name("left")?;
            let value = node.child_by_field_name("right")?;
            (creates_once && outlives(target, function, file)).then(|| value.byte_range())
        }
        _ => None,
    }
}

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

/// The named statements of `block` after `statement`, at most [`MAX_SIBLINGS`], read with one
/// cursor: asking each for its next sibling would cost the depth of the tree every time.
fn statements_after<'tree>(statement: Node<'tree>, block: Node<'tree>) -> Vec<Node<'tree>> {
    let mut cursor = block.walk();
    if cursor
        .goto_first_child_for_byte(statement.end_byte())
        .is_none()
    {
        return Vec::new();
    }
    let mut rest = Vec::new();
    loop {
        let sibling = cursor.node();
        if sibling.is_named() && sibling.start_byte() >= statement.end_byte() {
            rest.push(sibling);
            if rest.len() == MAX_SIBLINGS {
                break;
            }
        }
        if !cursor.goto_next_sibling() {
            break;
        }
    }
    rest
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
            && !assigns_a_flag(node)
        {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

/// Whether an assignment stores a literal (`isProcessing = true`, `count = 0`): a flag or a
/// counter that the code resets, not something created once and kept.
fn assigns_a_flag(assignment: Node<'_>) -> bool {
    assignment
        .child_by_field_name("right")
        .is_some_and(|value| {
            matches!(
                value.kind(),
                "true"
                    | "false"
                    | "number"
                    | "integer"
                    | "float"
                    | "string"
                    | "null"
                    | "none"
                    | "undefined"
            )
        })
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

#[cfg(test)]
mod tests {
    use lint500_core::Language;

    use crate::facts::{Function, functions_of};

    fn named<'f>(functions: &'f [Function], name: &str) -> &'f Function {
        functions
            .iter()
            .find(|function| function.name.as_deref() == Some(name))
            .expect("the function is kept")
    }

    /// (callee, once) of a function's edges to functions of its module.
    fn calls(functions: &[Function], name: &str) -> Vec<(Option<String>, bool)> {
        named(functions, name)
            .calls
            .iter()
            .map(|edge| {
                let callee = functions.iter().find(|f| f.start_byte == edge.callee);
                (callee.and_then(|f| f.name.clone()), edge.once)
            })
            .collect()
    }

    #[test]
    fn javascript_calls_and_functions_in_an_initialiser_run_once() {
        let source = "\
import { connect, warm } from './db';
let ready;
function setup() { return connect(); }
export function init() {
  if (!ready) {
    ready = setup();
    warm();
  }
  if (ready === undefined) ready = (async () => { await connect(); })();
  return ready;
}
export function local() {
  let cached;
  if (!cached) cached = setup();
  return cached;
}
export function twice() {
  if (!ready) ready = setup();
  setup();
}
";
        let functions = functions_of(source, Language::TypeScript);
        assert_eq!(calls(&functions, "init"), [(Some("setup".into()), true)]);
        assert!(
            named(&functions, "init")
                .imported_calls
                .iter()
                .all(|edge| edge.once)
        );
        assert_eq!(calls(&functions, "local"), [(Some("setup".into()), false)]);
        assert_eq!(calls(&functions, "twice"), [(Some("setup".into()), false)]);
        let arrow = functions.iter().find(|f| f.name.is_none()).expect("kept");
        assert!(arrow.created_once);
    }

    #[test]
    fn python_calls_under_a_global_guard_run_once() {
        let source = "\
import redis
_client = None
def build():
    return redis.Redis()
def get():
    global _client
    if _client is None:
        _client = build()
    return _client
def local():
    client = None
    if client is None:
        client = build()
    return client
";
        let functions = functions_of(source, Language::Python);
        assert_eq!(calls(&functions, "get"), [(Some("build".into()), true)]);
        assert_eq!(calls(&functions, "local"), [(Some("build".into()), false)]);
    }
}
