//! `swallowed-catch`: a `catch` / `except` whose body only drops the error (empty, `pass`, `...`,
//! a bare or empty-valued `return`, `continue`, `break`), so the failure vanishes without a trace.

use lint500_core::Language;
use lint500_engine::{FileModel, Rule, RuleContext};
use tree_sitter::Node;

use crate::catch::{caught_name, handler_body, is_broad_except};

const JS_HELP: &str = "Log the error with its stack, rethrow it, pass it to `next(err)`, \
                       or add a comment in the block saying why it is safe to ignore";
const PY_HELP: &str = "Catch the specific exception you expect, log it with `logger.exception(...)`, \
                       or re-raise it";

pub struct SwallowedCatch;

impl Rule for SwallowedCatch {
    fn document(&self) -> &'static str {
        include_str!("../../../rules/swallowed-catch.md")
    }

    fn node_kinds(&self, language: Language) -> &'static [&'static str] {
        if language.is_javascript_like() {
            &["catch_clause"]
        } else {
            &["except_clause"]
        }
    }

    fn check_node<'tree>(&self, clause: Node<'tree>, ctx: &mut RuleContext<'_, 'tree>) {
        let file = ctx.file();
        let python = !ctx.language().is_javascript_like();
        // A specific exception with a fallback (`except KeyError: return default`) is a choice.
        if python && !is_broad_except(clause, file) {
            return;
        }
        let Some(body) = handler_body(clause) else {
            return;
        };
        let mut dropped_at: Option<Node<'tree>> = None;
        let mut cursor = body.walk();
        for statement in body.children(&mut cursor) {
            if !statement.is_named() {
                // tree-sitter may hang a comment that follows the block (`catch {} // x`) inside
                // it, after the closing brace: only what comes before the brace is in the body.
                if statement.kind() == "}" {
                    break;
                }
                continue;
            }
            if statement.kind() == "comment" {
                // JavaScript cannot narrow a catch, so a comment is how its author says "on
                // purpose". A broad Python handler still hides bugs (NameError, TypeError…)
                // whatever the comment says: there the fix is a narrower type.
                if python {
                    continue;
                }
                return;
            }
            if !drops_error(statement, file) {
                return;
            }
            dropped_at.get_or_insert(statement);
        }
        if dropped_at.is_some_and(|statement| answers_no(clause, statement, file)) {
            return;
        }

        let keyword = clause
            .child(0)
            .filter(|child| !child.is_named())
            .unwrap_or(clause);
        let noun = if python { "exception" } else { "error" };
        let message = match caught_name(clause, file) {
            Some(name) => format!("The caught {noun} `{name}` is discarded"),
            None => format!("The caught {noun} is discarded"),
        };
        let help = if python { PY_HELP } else { JS_HELP };
        // Label the empty block unless a trailing comment was folded into its span (see above).
        let body_is_clean = file.text(body).ends_with('}');
        let report = ctx.report(keyword, message, help);
        let report = match caught_types(clause) {
            Some(types) if python => {
                report.label(types, "this catches every exception, bugs included")
            }
            _ => report,
        };
        match dropped_at {
            Some(statement) => report.label(statement, consequence(statement)),
            None if body_is_clean => report.label(body, "the block is empty"),
            None => report,
        };
    }
}

/// Whether `statement` ends the handler without doing anything with the error.
fn drops_error(statement: Node<'_>, file: &FileModel<'_>) -> bool {
    match statement.kind() {
        "empty_statement" | "pass_statement" | "continue_statement" | "break_statement" => true,
        "return_statement" => {
            returned_value(statement).is_none_or(|value| is_empty_value(value, file))
        }
        // Python's `...` placeholder.
        "expression_statement" => {
            statement.named_child_count() == 1
                && statement
                    .named_child(0)
                    .is_some_and(|child| child.kind() == "ellipsis")
        }
        _ => false,
    }
}

/// What a `return` statement returns; `None` for a bare `return`.
fn returned_value(statement: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = statement.walk();
    statement
        .named_children(&mut cursor)
        .find(|child| child.kind() != "comment")
}

/// `null`, `undefined`, `void 0`, `false`, `[]`, `{}` (JS, also through parentheses and TS
/// `as` / `satisfies` / `!` / `<T>`), `None`, `False`, `[]`, `{}` (Python): values that only
/// say "nothing", so the caller cannot tell the failure from an empty result.
fn is_empty_value(value: Node<'_>, file: &FileModel<'_>) -> bool {
    let value = strip_wrappers(value);
    match value.kind() {
        "null" | "undefined" | "false" | "none" => true,
        "array" | "object" | "list" | "dictionary" => value.named_child_count() == 0,
        "unary_expression" => {
            value
                .child_by_field_name("operator")
                .is_some_and(|op| file.text(op) == "void")
                && value
                    .child_by_field_name("argument")
                    .is_some_and(|arg| arg.kind() == "number")
        }
        _ => false,
    }
}

/// The expression inside parentheses and TypeScript type assertions, which change no value.
/// A loop, not recursion: the nesting depth comes from the input.
fn strip_wrappers(mut value: Node<'_>) -> Node<'_> {
    loop {
        let inner = match value.kind() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression" => value.named_child(0),
            // `<T>expr`: the type comes first.
            "type_assertion" => value.named_child(1),
            _ => None,
        };
        match inner {
            Some(inner) => value = inner,
            None => return value,
        }
    }
}

/// `try { new URL(s); return true } catch { return false }` answers a yes/no question ("is this
/// valid?"): the failure is the answer, not a lost error. True when the handler's only statement
/// is `return false` and the success path returns `true` (at the end of the `try` block, of a
/// Python `else:` block, or right after the whole `try` statement).
fn answers_no(clause: Node<'_>, statement: Node<'_>, file: &FileModel<'_>) -> bool {
    let returns = |node: Option<Node<'_>>, literal: &str| {
        node.is_some_and(|node| {
            node.kind() == "return_statement"
                && returned_value(node)
                    .is_some_and(|value| file.text(strip_wrappers(value)) == literal)
        })
    };
    let (no, yes) = if clause.kind() == "except_clause" {
        ("False", "True")
    } else {
        ("false", "true")
    };
    if !returns(Some(statement), no) {
        return false;
    }
    let Some(try_statement) = clause.parent() else {
        return false;
    };
    let mut cursor = try_statement.walk();
    let else_body = try_statement
        .named_children(&mut cursor)
        .find(|child| child.kind() == "else_clause")
        .and_then(|else_clause| else_clause.child_by_field_name("body"));
    let try_body = try_statement.child_by_field_name("body");
    if [try_body, else_body]
        .into_iter()
        .any(|block| returns(block.and_then(last_statement), yes))
    {
        return true;
    }
    let mut after = try_statement.next_named_sibling();
    while after.is_some_and(|node| node.kind() == "comment") {
        after = after.and_then(|node| node.next_named_sibling());
    }
    returns(after, yes)
}

/// The last statement of a block, comments aside.
fn last_statement(block: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = block.walk();
    block
        .named_children(&mut cursor)
        .filter(|node| node.kind() != "comment")
        .last()
}

/// Python: the exception types an `except` clause names (`Exception` in `except Exception as e`).
fn caught_types(clause: Node<'_>) -> Option<Node<'_>> {
    let value = clause.child_by_field_name("value")?;
    if value.kind() == "as_pattern" {
        value.named_child(0)
    } else {
        Some(value)
    }
}

/// What the user should read at the statement that drops the error.
fn consequence(statement: Node<'_>) -> &'static str {
    match statement.kind() {
        "return_statement" => "the caller carries on as if nothing had failed",
        "continue_statement" | "break_statement" => "the loop carries on as if nothing had failed",
        _ => "this does nothing with the error",
    }
}
