//! `swallowed-catch`: a `catch` / `except` whose body only drops the error (empty, `pass`, `...`,
//! a bare or empty-valued `return`, `continue`, `break`), so the failure vanishes without a trace;
//! or one that turns a failed piece of real work into a plausible answer (`return false`, `0`,
//! `''`, `'unknown'`). Deliberate shapes stay silent: predicates, parse-or-default helpers, probe
//! loops, and (JavaScript) a comment that gives a reason.

use lint500_core::Language;
use lint500_engine::{FileModel, Rule, RuleContext};
use tree_sitter::Node;

use crate::attempt::{
    Attempt, callee_of, in_finaliser, only_appends, only_cleans_up, only_loads_modules,
    only_reads_files,
};
use crate::catch::{
    caught_name, cleans_up_after_another_outcome, handler_body, is_broad_except, is_function,
    last_statement, leading_comments, returned_value, unwrap_expression,
};
use crate::logging::LogCall;

const JS_HELP: &str = "Log the error with its stack, rethrow it, pass it to `next(err)`, \
                       or add a comment in the block saying why it is safe to ignore";
const PY_HELP: &str = "Catch the specific exception you expect, log it with `logger.exception(...)`, \
                       or re-raise it";

/// How far up from a `try` statement the loop its `continue` belongs to may be.
const MAX_LOOP_DISTANCE: usize = 8;

pub struct SwallowedCatch;

impl Rule for SwallowedCatch {
    fn document(&self) -> &'static str {
        include_str!("../../../rules/swallowed-catch.md")
    }

    fn node_kinds(&self, _language: Language) -> &'static [&'static str] {
        // The `try` statement rather than its clauses: what the rule asks of the `try` block
        // and of the code around it is read from there, downwards.
        &["try_statement"]
    }

    fn check_node<'tree>(&self, try_statement: Node<'tree>, ctx: &mut RuleContext<'_, 'tree>) {
        let Some(block) = try_statement.child_by_field_name("body") else {
            return;
        };
        let mut attempt = None;
        let mut cursor = try_statement.walk();
        let clauses: Vec<Node<'tree>> = try_statement
            .named_children(&mut cursor)
            .filter(|child| matches!(child.kind(), "catch_clause" | "except_clause"))
            .collect();
        for clause in clauses {
            check_clause(clause, try_statement, block, &mut attempt, ctx);
        }
    }
}

/// Checks one `catch` / `except` clause of a `try` statement; `attempt` is what the `try` block
/// does, read on first need and shared by the clauses.
fn check_clause<'tree>(
    clause: Node<'tree>,
    try_statement: Node<'tree>,
    block: Node<'tree>,
    attempt: &mut Option<Attempt<'tree>>,
    ctx: &mut RuleContext<'_, 'tree>,
) {
    {
        let file = ctx.file();
        let python = !ctx.language().is_javascript_like();
        // A specific exception with a fallback (`except KeyError: return default`) is a choice.
        if python && !is_broad_except(clause, file) {
            return;
        }
        let Some(body) = handler_body(clause) else {
            return;
        };
        let Some(handler) = Handler::read(body, python, file) else {
            return;
        };
        let attempt = attempt.get_or_insert_with(|| Attempt::read(block, file));
        let around = Around::of(try_statement, file);
        // An empty handler falls through: `try { return verify(sig) } catch {} return false;`.
        let falls_through = handler
            .dropped_at
            .is_none_or(|statement| statement.kind() == "pass_statement");
        let answer = handler.answer.map(|(_, answer)| answer).or_else(|| {
            around
                .next_statement(around.path.len().saturating_sub(1))
                .filter(|next| falls_through && next.kind() == "return_statement")
                .and_then(returned_value)
                .and_then(|value| self::answer(value, file))
        });
        // A parse-or-default helper: nothing in the `try` can fail but the parse of plain
        // values, and the default is the author's answer for bad input; the same for a
        // library's computation (`semver.clean(v)`) or a browser automation step (`await
        // page.waitForNavigation()`), which fail on odd input or a page that moved on, not
        // for an outage. Python probes objects and libraries the same way (EAFP: `obj.attr`,
        // `getattr(...)`, an assignment the object may refuse, a library's lookup) where
        // JavaScript has `?.`.
        if (attempt.parses && attempt.work.is_none())
            || (attempt.work.is_some() && attempt.real_work.is_none() && !attempt.nests_try)
            || (python && attempt.real_work.is_none())
        {
            return;
        }
        // `safeJsonParse`, `tryReadConfig`, `load_or_none`: the name promises not to throw.
        if in_function_named_not_to_throw(file) {
            return;
        }
        // When nothing in the `try` can fail for a reason the caller must hear of (an outage, a
        // bug), `false` is a predicate's answer and `0`, `''` or `'unknown'` a default for odd
        // values. A question about a local file (`isInstalled`: `fs.stat(dir)`) is answered
        // "no" by a missing file.
        let only_asks_files = || only_reads_files(block, file);
        if (attempt.real_work.is_none() && answer == Some(Answer::Sentinel))
            || (answer == Some(Answer::False)
                && (attempt.real_work.is_none() || only_asks_files())
                && answers_yes(try_statement, &around, file))
        {
            return;
        }
        // A chain of alternatives: `try: return build_fast() except Exception: pass`, then the
        // next `try`, and a fallback at the end; each failure only sends on to the next.
        if falls_through && tries_an_alternative_next(block, &around) {
            return;
        }
        if handler.goes_on && is_probe_loop(&around, block, python, file) {
            return;
        }
        if python
            && (excused_for_linters(clause, try_statement, file)
                || drains_cancelled_task(clause, file))
        {
            return;
        }
        // Best-effort cleanup: a stream, watcher or connection that fails to close, in a `try`
        // or a finaliser (`__del__`, `__exit__`), has nothing left to lose. Appending to a log or journal must not fail what it records, and an
        // optional module is there or is not.
        if answer.is_none()
            && (only_cleans_up(block, file)
                || in_finaliser(file)
                || cleans_up_after_another_outcome(try_statement, file)
                || only_appends(block, file)
                || only_loads_modules(block, file))
        {
            return;
        }

        let keyword = clause
            .child(0)
            .filter(|child| !child.is_named())
            .unwrap_or(clause);
        match (handler.answer, attempt.real_work) {
            (Some((statement, _)), Some(work)) => {
                let value = returned_value(statement).map_or("", |value| file.text(value));
                let value = short(value).unwrap_or("a default");
                let help = if python {
                    format!(
                        "Catch only the exception that means `{value}` (e.g. `except ValueError:`); \
                         let the others propagate, or log them with `logger.exception(...)`"
                    )
                } else {
                    format!(
                        "Return `{value}` only for the error you expect (check `err.code` or its \
                         class) and rethrow the others, or log them with their stack"
                    )
                };
                ctx.report(
                    keyword,
                    format!("A failure becomes `{value}`, an answer the caller cannot tell from a real one"),
                    help,
                )
                .label(work, format!("if this fails (an outage, a bug), the caller gets `{value}`"))
                .label(statement, "the caller reads this as a real answer");
            }
            _ => {
                let noun = if python { "exception" } else { "error" };
                let message = match caught_name(clause, file) {
                    Some(name) => format!("The caught {noun} `{name}` is discarded"),
                    None => format!("The caught {noun} is discarded"),
                };
                let help = if python { PY_HELP } else { JS_HELP };
                // Label the empty block unless a trailing comment was folded into its span
                // (see `Handler::read`).
                let body_is_clean = file.text(body).ends_with('}');
                let mut report = ctx.report(keyword, message, help);
                if let Some(types) = caught_types(clause).filter(|_| python) {
                    report = report.label(types, "this catches every exception, bugs included");
                }
                if let Some(comment) = handler.placeholder {
                    report = report.label(
                        comment,
                        "a placeholder, not a reason: it does not say why the error can be ignored",
                    );
                }
                match handler.dropped_at {
                    Some(statement) => {
                        report.label(statement, consequence(statement));
                    }
                    None if body_is_clean && handler.placeholder.is_none() => {
                        report.label(body, "the block is empty");
                    }
                    None => {}
                }
            }
        }
    }
}

/// A `return` value that looks like an answer rather than "nothing".
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// `false`, `False`.
    False,
    /// `0`, `''`, `"unknown"`, `'n/a'`.
    Sentinel,
}

/// What a handler block does, when all it does is drop the error.
struct Handler<'tree> {
    /// The first statement that drops the error; `None` for an empty block.
    dropped_at: Option<Node<'tree>>,
    /// The first `return false` / `return 0` / `return ''` / `return 'unknown'`.
    answer: Option<(Node<'tree>, Answer)>,
    /// Whether the loop around goes on: the block `continue`s, or ends without leaving.
    goes_on: bool,
    /// JavaScript: a comment in the block that gives no reason (`// TODO: handle errors`).
    placeholder: Option<Node<'tree>>,
}

impl<'tree> Handler<'tree> {
    /// Reads a handler block; `None` when it does something with the error, or (JavaScript)
    /// holds a comment that says why it does not.
    fn read(body: Node<'tree>, python: bool, file: &FileModel<'tree>) -> Option<Self> {
        let mut handler = Handler {
            dropped_at: None,
            answer: None,
            goes_on: true,
            placeholder: None,
        };
        let mut cursor = body.walk();
        for statement in body.children(&mut cursor) {
            if !statement.is_named() {
                // tree-sitter may hang a comment that follows the block (`catch {} // x`)
                // inside it, after the closing brace: only what comes before the brace is in
                // the body.
                if statement.kind() == "}" {
                    break;
                }
                continue;
            }
            if statement.kind() == "comment" {
                // JavaScript cannot narrow a catch, so a comment is how its author says "on
                // purpose" (unless it is a placeholder). A broad Python handler still hides
                // bugs (NameError, TypeError…) whatever the comment says: there the fix is a
                // narrower type.
                if python {
                    continue;
                }
                if !is_placeholder(file.text(statement)) {
                    return None;
                }
                handler.placeholder.get_or_insert(statement);
                continue;
            }
            match statement.kind() {
                "empty_statement" | "pass_statement" | "continue_statement" => {}
                "break_statement" => handler.goes_on = false,
                "return_statement" => {
                    handler.goes_on = false;
                    match returned_value(statement) {
                        None => {}
                        Some(value) if is_empty_value(value, file) => {}
                        Some(value) => {
                            let answer = answer(value, file)?;
                            handler.answer.get_or_insert((statement, answer));
                        }
                    }
                }
                // Python's `...` placeholder.
                "expression_statement"
                    if statement.named_child_count() == 1
                        && statement
                            .named_child(0)
                            .is_some_and(|child| child.kind() == "ellipsis") => {}
                _ => return None,
            }
            handler.dropped_at.get_or_insert(statement);
        }
        Some(handler)
    }
}

/// Whether a comment is only a placeholder: empty, a `TODO` / `FIXME` / `XXX`, or made only of
/// words such as "ignore", "noop", "nothing to do", "handle the error".
fn is_placeholder(comment: &str) -> bool {
    const FILLER: &[&str] = &[
        "a",
        "an",
        "catch",
        "do",
        "e",
        "empty",
        "err",
        "error",
        "errors",
        "exception",
        "exceptions",
        "for",
        "handle",
        "handled",
        "handling",
        "here",
        "ignore",
        "ignored",
        "ignoring",
        "it",
        "just",
        "no",
        "no-op",
        "noop",
        "nothing",
        "now",
        "op",
        "pass",
        "silent",
        "silently",
        "swallow",
        "swallowed",
        "that",
        "the",
        "this",
        "to",
    ];
    let words: Vec<String> = comment
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .map(|word| word.trim_matches(['-', '\'']).to_lowercase())
        .filter(|word| !word.is_empty())
        .collect();
    match words.first().map(String::as_str) {
        None | Some("todo" | "fixme" | "xxx") => true,
        Some(_) => words.iter().all(|word| FILLER.contains(&word.as_str())),
    }
}

/// `null`, `undefined`, `void 0`, `[]`, `{}` (JS, also through parentheses and TS `as` /
/// `satisfies` / `!` / `<T>`), `None`, `[]`, `{}` (Python): values that only say "nothing", so
/// the caller cannot tell the failure from an empty result.
fn is_empty_value(value: Node<'_>, file: &FileModel<'_>) -> bool {
    let value = unwrap_expression(value);
    match value.kind() {
        "null" | "undefined" | "none" => true,
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

/// `false`, `0`, `''`, `"unknown"`, `'n/a'`: values a caller takes for an answer.
fn answer(value: Node<'_>, file: &FileModel<'_>) -> Option<Answer> {
    let value = unwrap_expression(value);
    let text = file.text(value);
    match value.kind() {
        "false" => Some(Answer::False),
        "number" | "integer" if matches!(text, "0" | "0.0") => Some(Answer::Sentinel),
        "string" => {
            let content = text
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .trim_matches(['\'', '"', '`'])
                .trim()
                .to_ascii_lowercase();
            matches!(content.as_str(), "" | "unknown" | "n/a").then_some(Answer::Sentinel)
        }
        _ => None,
    }
}

/// How many levels below its function a `try` statement may be for the rule to look around it:
/// a bound for pathological nesting (tree-sitter finds a node's parent by walking down from the
/// root, so the rule walks down from the function instead, once).
const MAX_FUNCTION_DEPTH: usize = 64;

/// The statements around a `try` statement: the path down to it from its function.
struct Around<'tree> {
    /// From the function to the `try` statement, outermost first; empty when the `try` is not
    /// in a function or lies too deep in it.
    path: Vec<Node<'tree>>,
}

impl<'tree> Around<'tree> {
    fn of(try_statement: Node<'tree>, file: &FileModel<'tree>) -> Self {
        let mut path = Vec::new();
        let Some(mut node) = file.enclosing_function() else {
            return Around { path };
        };
        path.push(node);
        while node.id() != try_statement.id() {
            match node.child_with_descendant(try_statement) {
                Some(child) if path.len() <= MAX_FUNCTION_DEPTH => {
                    path.push(child);
                    node = child;
                }
                _ => return Around { path: Vec::new() },
            }
        }
        Around { path }
    }

    /// The statement right after `path[index]` in its parent, comments aside.
    fn next_statement(&self, index: usize) -> Option<Node<'tree>> {
        let (node, parent) = (
            *self.path.get(index)?,
            *self.path.get(index.checked_sub(1)?)?,
        );
        let mut cursor = parent.walk();
        let mut siblings = parent
            .named_children(&mut cursor)
            .skip_while(|sibling| sibling.id() != node.id())
            .skip(1)
            .filter(|sibling| sibling.kind() != "comment");
        siblings.next()
    }
}

/// A predicate: `try { new URL(s); return true } catch { return false }`, `try { return
/// a.role === 'admin' } …`. The success path returns `true` or a boolean expression (at the end
/// of the `try` block, of a Python `else:` block, or right after the whole `try` statement),
/// so `false` is the answer to a yes/no question, not a lost error. The caller checked that
/// the `try` block does no real work.
fn answers_yes(try_statement: Node<'_>, around: &Around<'_>, file: &FileModel<'_>) -> bool {
    let returns_boolean = |node: Option<Node<'_>>| {
        node.is_some_and(|node| {
            node.kind() == "return_statement"
                && returned_value(node).is_some_and(|value| is_boolean(value, file))
        })
    };
    let mut cursor = try_statement.walk();
    let else_body = try_statement
        .named_children(&mut cursor)
        .find(|child| child.kind() == "else_clause")
        .and_then(|else_clause| else_clause.child_by_field_name("body"));
    let try_body = try_statement.child_by_field_name("body");
    [try_body, else_body]
        .into_iter()
        .any(|block| returns_boolean(block.and_then(last_statement)))
        || returns_boolean(around.next_statement(around.path.len().saturating_sub(1)))
}

/// `true`, a comparison, `!x`, `!!x`, `a && b.includes(c)`, `re.test(s)`, `isValid(x)`;
/// Python `True`, `not x`, `x in y`, `isinstance(…)`, `s.startswith(…)`.
fn is_boolean(value: Node<'_>, file: &FileModel<'_>) -> bool {
    let mut value = unwrap_expression(value);
    for _ in 0..MAX_LOOP_DISTANCE {
        match value.kind() {
            "true" | "comparison_operator" | "not_operator" => return true,
            "unary_expression" => {
                return value
                    .child_by_field_name("operator")
                    .is_some_and(|op| file.text(op) == "!");
            }
            "binary_expression" | "boolean_operator" => {
                let operator = value
                    .child_by_field_name("operator")
                    .map_or("", |op| op.kind());
                match operator {
                    "===" | "!==" | "==" | "!=" | "<" | ">" | "<=" | ">=" | "instanceof" | "in" => {
                        return true;
                    }
                    "&&" | "||" | "and" | "or" => match value.child_by_field_name("right") {
                        Some(right) => value = unwrap_expression(right),
                        None => return false,
                    },
                    _ => return false,
                }
            }
            "call_expression" | "call" => {
                let Some((callee, _)) = callee_of(value, file) else {
                    return false;
                };
                let prefixed = |prefix: &str| {
                    callee.strip_prefix(prefix).is_some_and(|rest| {
                        rest.starts_with(|c: char| c.is_ascii_uppercase() || c == '_')
                    })
                };
                return prefixed("is")
                    || prefixed("has")
                    || prefixed("can")
                    || prefixed("should")
                    || matches!(
                        callee,
                        "includes"
                            | "test"
                            | "startsWith"
                            | "endsWith"
                            | "has"
                            | "some"
                            | "every"
                            | "Boolean"
                            | "bool"
                            | "isinstance"
                            | "issubclass"
                            | "hasattr"
                            | "callable"
                            | "startswith"
                            | "endswith"
                            | "isdigit"
                            | "isnumeric"
                            | "isalpha"
                            | "isalnum"
                            | "exists"
                            | "verify"
                            | "all"
                            | "any"
                    );
            }
            _ => return false,
        }
    }
    false
}

/// Whether the function around the current node is named to never throw: `safe…`, `try…`,
/// `…OrNull`, `…OrDefault`, `…_or_none`, `…_or_default`.
fn in_function_named_not_to_throw(file: &FileModel<'_>) -> bool {
    let Some(name) = file
        .enclosing_function()
        .and_then(|function| function.child_by_field_name("name"))
        .map(|name| file.text(name))
    else {
        return false;
    };
    let prefixed = |prefix: &str| {
        name.strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase() || c == '_'))
    };
    prefixed("safe")
        || prefixed("try")
        || prefixed("_safe")
        || prefixed("_try")
        || [
            "OrNull",
            "OrUndefined",
            "OrDefault",
            "_or_none",
            "_or_default",
        ]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

/// A probe loop: each turn tries one candidate (a path, a format, a server) and goes on to the
/// next when it fails, and the code after the loop throws or reports when none succeeded
/// (`throw new Error('no config found')`, `raise LookupError(…)`, `logger.error(…)`, `if
/// (!found) throw …`, Python's `for … else: raise`). The failures are the search, not lost.
fn is_probe_loop(around: &Around<'_>, block: Node<'_>, python: bool, file: &FileModel<'_>) -> bool {
    let loops = around
        .path
        .iter()
        .enumerate()
        .rev()
        .skip(1)
        .take(MAX_LOOP_DISTANCE)
        .find(|(_, node)| {
            matches!(
                node.kind(),
                "for_statement" | "for_in_statement" | "while_statement" | "do_statement"
            )
        });
    let Some((index, the_loop)) = loops else {
        return false;
    };
    let else_body = the_loop
        .child_by_field_name("alternative")
        .and_then(|else_clause| else_clause.child_by_field_name("body"));
    ends_search(block)
        || else_body.is_some_and(|body| reports(body, python, file, true))
        || around
            .next_statement(index)
            .is_some_and(|statement| reports(statement, python, file, true))
}

/// Whether the `try` block leaves the loop when it succeeds (`return locator`, `break`): the
/// loop looks for the first candidate that works, and a failure only moves on to the next.
fn ends_search(block: Node<'_>) -> bool {
    let mut stack = vec![block];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_SEARCH_NODES {
            return false;
        }
        match node.kind() {
            "return_statement" | "break_statement" => return true,
            // A nested loop's `break` leaves that loop only.
            "for_statement" | "for_in_statement" | "while_statement" | "do_statement" => continue,
            _ if is_function(node) => continue,
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

/// How many nodes a look for a `return` or `break` in a `try` block reads.
const MAX_SEARCH_NODES: usize = 256;

/// Whether the `try` statement is one link of a chain of alternatives: its block returns what
/// it made, and the statement right before or after it is another `try` whose block does the
/// same.
fn tries_an_alternative_next(block: Node<'_>, around: &Around<'_>) -> bool {
    let returns = |block: Option<Node<'_>>| {
        block
            .and_then(last_statement)
            .is_some_and(|last| last.kind() == "return_statement")
    };
    let Some(&try_statement) = around.path.last() else {
        return false;
    };
    let is_alternative = |sibling: Option<Node<'_>>| {
        sibling.is_some_and(|sibling| {
            sibling.kind() == "try_statement" && returns(sibling.child_by_field_name("body"))
        })
    };
    returns(Some(block))
        && (is_alternative(around.next_statement(around.path.len().saturating_sub(1)))
            || is_alternative(
                std::iter::successors(try_statement.prev_named_sibling(), Node::prev_named_sibling)
                    .find(|sibling| sibling.kind() != "comment"),
            ))
}

/// Whether the handler names `CancelledError` beside the broad type (`except
/// (asyncio.CancelledError, Exception): pass`): the `try` waits for a task it cancelled, whose
/// own outcome no longer matters.
fn drains_cancelled_task(clause: Node<'_>, file: &FileModel<'_>) -> bool {
    caught_types(clause).is_some_and(|types| file.text(types).contains("CancelledError"))
}

/// Whether the `except` line tells Ruff, flake8 or Pylint that the broad handler is meant
/// (`# noqa: BLE001`, `# noqa: E722`, `# pylint: disable=broad-except`), or a comment right
/// before the `try` tells PyCharm (`# noinspection PyBroadException`): the author has already
/// answered this finding.
fn excused_for_linters(clause: Node<'_>, try_statement: Node<'_>, file: &FileModel<'_>) -> bool {
    if leading_comments(try_statement)
        .any(|comment| file.text(comment).contains("noinspection PyBroadException"))
    {
        return true;
    }
    let line = file.source[clause.start_byte()..]
        .split('\n')
        .next()
        .unwrap_or_default();
    let Some((_, comment)) = line.split_once('#') else {
        return false;
    };
    const CODES: &[&str] = &[
        "BLE001",
        "E722",
        "S110",
        "S112",
        "SIM105",
        "broad-except",
        "bare-except",
        "broad-exception-caught",
        "W0703",
        "W0702",
    ];
    let comment = comment.trim();
    comment == "noqa"
        || (comment.starts_with("noqa") || comment.contains("pylint: disable"))
            && CODES.iter().any(|code| comment.contains(code))
}

/// Whether a statement (or a block's statements) throws, raises or logs a failure; with
/// `branches`, also an `if` whose branch does.
fn reports(statement: Node<'_>, python: bool, file: &FileModel<'_>, branches: bool) -> bool {
    match statement.kind() {
        "throw_statement" | "raise_statement" => true,
        "statement_block" | "block" => {
            let mut cursor = statement.walk();
            statement
                .named_children(&mut cursor)
                .any(|child| reports(child, python, file, false))
        }
        "if_statement" if branches => statement
            .child_by_field_name("consequence")
            .is_some_and(|consequence| reports(consequence, python, file, false)),
        "expression_statement" => statement
            .named_child(0)
            .map(|expression| match expression.kind() {
                "await_expression" | "await" => expression.named_child(0).unwrap_or(expression),
                _ => expression,
            })
            .and_then(|call| LogCall::of(call, file))
            .is_some_and(|log| log.reports_failure(python)),
        _ => false,
    }
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

/// The text if it fits in a one-line message.
fn short(text: &str) -> Option<&str> {
    (!text.is_empty() && text.len() <= 24 && !text.contains('\n')).then_some(text)
}
