//! Questions about tree-sitter nodes that every part of lint500 asks in both grammars. A leaf
//! of the engine: it knows node kinds, not files.

use tree_sitter::Node;

/// The kinds of functions (and classes), whose bodies run later, if at all, and may rebind
/// names.
pub fn is_function(node: Node<'_>) -> bool {
    matches!(
        node.kind(),
        "arrow_function"
            | "function_expression"
            | "function_declaration"
            | "function"
            | "method_definition"
            | "generator_function"
            | "generator_function_declaration"
            | "function_definition"
            | "lambda"
            | "class"
            | "class_declaration"
            | "class_definition"
    )
}

/// Whether a node kind is a function or class, whose body may run later than the code
/// around it (after checks or awaits a search in that code cannot see).
pub fn is_nested_scope(kind: &str) -> bool {
    matches!(
        kind,
        "arrow_function"
            | "function_expression"
            | "function_declaration"
            | "function"
            | "generator_function"
            | "generator_function_declaration"
            | "method_definition"
            | "class_declaration"
            | "class"
            | "function_definition"
            | "lambda"
            | "class_definition"
    )
}

/// Whether the keyword `token` (`async`, `*`, `type`) is among a node's leading anonymous
/// children, before its first named child (decorators aside).
pub fn has_token(node: Node<'_>, token: &str) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .take_while(|child| !child.is_named() || child.kind() == "decorator")
        .any(|child| child.kind() == token)
}
