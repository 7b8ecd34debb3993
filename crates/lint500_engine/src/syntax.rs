//! Questions about tree-sitter nodes that every part of lint500 asks in both grammars.

use tree_sitter::Node;

use crate::FileModel;

/// The last name of a callee or member: `format_exc` of `traceback.format_exc`, `error` of
/// `logger.error`, `String` of `String`.
pub fn last_name<'tree>(node: Node<'tree>, file: &FileModel<'tree>) -> &'tree str {
    match node.kind() {
        "attribute" => node.child_by_field_name("attribute"),
        "member_expression" => node.child_by_field_name("property"),
        _ => Some(node),
    }
    .map_or("", |name| file.text(name))
}

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
