//! What rules ask about `catch` (JavaScript/TypeScript) and `except` (Python) clauses.

use lint500_engine::FileModel;
use tree_sitter::Node;

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

/// Python: whether an `except` clause catches everything: bare `except:`, `Exception` or
/// `BaseException` (also inside a tuple, also unparenthesised as Python 3.14 allows, also
/// spelled `builtins.Exception`).
pub(crate) fn is_broad_except(clause: Node<'_>, file: &FileModel<'_>) -> bool {
    let is_broad = |node: Node<'_>| {
        let name = file.text(node);
        let name = name.rsplit('.').next().unwrap_or(name);
        matches!(name, "Exception" | "BaseException")
    };
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
