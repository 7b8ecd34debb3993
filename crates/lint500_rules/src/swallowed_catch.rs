//! `swallowed-catch`: a `catch` / `except` whose body only drops the error (empty, `pass`, `...`,
//! a bare or empty-valued `return`, `continue`, `break`), so the failure vanishes without a trace;
//! or one that turns a failed piece of real work into a plausible answer (`return false`, `0`,
//! `''`, `'unknown'`). Deliberate shapes stay silent: predicates, parse-or-default helpers, probe
//! loops, and (JavaScript) a comment that gives a reason.

use lint500_core::Language;
use lint500_engine::{FileModel, Rule, RuleContext};
use tree_sitter::Node;

use crate::catch::{
    caught_name, handler_body, is_broad_except, is_function, last_name, unwrap_expression,
};
use crate::logging::LogCall;

const JS_HELP: &str = "Log the error with its stack, rethrow it, pass it to `next(err)`, \
                       or add a comment in the block saying why it is safe to ignore";
const PY_HELP: &str = "Catch the specific exception you expect, log it with `logger.exception(...)`, \
                       or re-raise it";

/// How many nodes a look into a `try` block reads before giving up; a bigger block is taken to
/// do real work.
const MAX_NODES: usize = 512;

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
        let answer = handler.answer.map(|(_, answer)| answer);
        // A parse-or-default helper: nothing in the `try` can fail but the parse of plain
        // values, and the default is the author's answer for bad input.
        if attempt.parses && attempt.work.is_none() {
            return;
        }
        // When nothing in the `try` can fail for a reason the caller must hear of (an outage, a
        // bug), `false` is a predicate's answer and `0`, `''` or `'unknown'` a default for odd
        // values.
        if attempt.real_work.is_none()
            && (answer == Some(Answer::Sentinel)
                || (answer == Some(Answer::False) && answers_yes(try_statement, &around, file)))
        {
            return;
        }
        if handler.goes_on && is_probe_loop(&around, python, file) {
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

/// What a `return` statement returns; `None` for a bare `return`.
fn returned_value(statement: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = statement.walk();
    statement
        .named_children(&mut cursor)
        .find(|child| child.kind() != "comment")
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

/// What a `try` block does, read once.
struct Attempt<'tree> {
    /// The first node that does any work: an `await`, a call or a `new` that is not a known
    /// pure function (a parse, a conversion, a string or collection method). The block itself
    /// when it is too big to read.
    work: Option<Node<'tree>>,
    /// The first node that does real work, which can fail for reasons the caller must hear of
    /// (an outage, a bug): an `await`, I/O, a query, a call into the project. A library's
    /// computation (`semver.satisfies`, `ast.unparse`) is work, not real work.
    real_work: Option<Node<'tree>>,
    /// Whether it parses or converts something (`JSON.parse`, `new URL`, `int()`).
    parses: bool,
}

impl<'tree> Attempt<'tree> {
    fn read(block: Node<'tree>, file: &FileModel<'tree>) -> Self {
        let mut attempt = Attempt {
            work: None,
            real_work: None,
            parses: false,
        };
        let mut stack = vec![block];
        let mut visited = 0;
        while let Some(node) = stack.pop() {
            visited += 1;
            if visited > MAX_NODES {
                attempt.work.get_or_insert(block);
                attempt.real_work.get_or_insert(block);
                return attempt;
            }
            match node.kind() {
                "await_expression" | "await" => {
                    attempt.work.get_or_insert(node);
                    attempt.real_work = Some(node);
                    return attempt;
                }
                "call_expression" | "call" | "new_expression" => {
                    if is_parse_call(node, file) {
                        attempt.parses = true;
                    } else if !is_pure_call(node, file) {
                        attempt.work.get_or_insert(node);
                        if does_real_work(node, file) {
                            attempt.real_work = Some(node);
                            return attempt;
                        }
                    }
                }
                // A nested `try` is work whose failures its own handlers answer for; not
                // entering it keeps the reading of nested `try` blocks linear.
                "try_statement" => {
                    attempt.work.get_or_insert(node);
                    continue;
                }
                _ if is_function(node) => continue,
                _ => {}
            }
            let start = stack.len();
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
            stack[start..].reverse();
        }
        attempt
    }
}

/// Modules that do I/O: a call into one is real work.
const IO_MODULES: &[&str] = &[
    "fs",
    "child_process",
    "axios",
    "requests",
    "httpx",
    "aiohttp",
    "urllib",
    "subprocess",
    "os",
    "shutil",
    "socket",
    "boto3",
    "psycopg2",
    "sqlite3",
    "pymongo",
    "redis",
];

/// Calls that do I/O or run a query whatever they are called on.
const IO_CALLS: &[&str] = &[
    "fetch",
    "open",
    "urlopen",
    "execute",
    "executemany",
    "fetchone",
    "fetchall",
    "fetchmany",
    "commit",
    "read_text",
    "read_bytes",
    "write_text",
    "write_bytes",
];

/// Whether a call that is neither a parse nor a pure function does real work: I/O (`*Sync`,
/// `fetch`, `open`, a module that does I/O, a session, client, database or cache), a query, or
/// a call into the project: a method of `this` / `self`, or a function called by its bare name
/// (`validateKey(key)`, `fetch_profile(user_id)`). A method of anything else (`semver.clean(v)`,
/// `node.get_text()`) is a library's computation.
fn does_real_work(call: Node<'_>, file: &FileModel<'_>) -> bool {
    let Some((callee, _)) = callee_of(call, file) else {
        return true;
    };
    // `readFileSync`, `execSync`; not the CPU-bound `bcrypt.compareSync` or `crypto.scryptSync`.
    let synchronous_io = file.language.is_javascript_like()
        && callee.len() > "Sync".len()
        && callee.ends_with("Sync")
        && !matches!(
            callee,
            "compareSync" | "hashSync" | "genSaltSync" | "scryptSync" | "pbkdf2Sync"
        );
    if synchronous_io || IO_CALLS.contains(&callee) {
        return true;
    }
    let Some(function) = call
        .child_by_field_name("function")
        .or_else(|| call.child_by_field_name("constructor"))
    else {
        return true;
    };
    if function.kind() == "identifier" {
        return true;
    }
    // The receiver chain, down to its root: `self.repo.users.get` → `self`.
    let mut node = function;
    let mut receivers_are_io = false;
    for _ in 0..MAX_LOOP_DISTANCE {
        let object = match node.kind() {
            "member_expression" | "attribute" | "subscript" | "subscript_expression" => node
                .child_by_field_name("object")
                .or_else(|| node.child_by_field_name("value")),
            "call_expression" | "call" => node.child_by_field_name("function"),
            _ => None,
        };
        let Some(object) = object else {
            break;
        };
        receivers_are_io |= names_io(last_name(object, file));
        node = object;
    }
    let root = file.text(node);
    receivers_are_io
        || matches!(node.kind(), "this" | "super")
        || (node.kind() == "identifier"
            && (matches!(root, "self" | "cls") || names_io(root) || IO_MODULES.contains(&root)))
}

/// Whether a name says it holds a connection to something outside the process: `session`,
/// `db`, `prismaClient`, `redis_cache`, `userRepository`, `s3`, `httpClient`.
fn names_io(name: &str) -> bool {
    const IO_WORDS: &[&str] = &[
        "session",
        "client",
        "cursor",
        "conn",
        "connection",
        "redis",
        "cache",
        "db",
        "database",
        "repo",
        "repository",
        "bucket",
        "s3",
        "http",
        "api",
        "prisma",
        "knex",
        "sequelize",
        "mongo",
        "mongoose",
        "pool",
    ];
    // `prismaClient` → `prisma_client`: one word per part.
    let mut snake = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            snake.push('_');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        snake.push(c.to_ascii_lowercase());
    }
    snake
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| IO_WORDS.contains(&word))
}

/// Parses and conversions that throw on bad input: the reason a parse-or-default helper exists.
fn is_parse_call(call: Node<'_>, file: &FileModel<'_>) -> bool {
    let Some((callee, receiver)) = callee_of(call, file) else {
        return false;
    };
    if call.kind() == "new_expression" {
        return matches!(
            callee,
            "URL" | "Date" | "ObjectId" | "BigNumber" | "Decimal"
        );
    }
    match callee {
        "from" => receiver == Some("Buffer"),
        // `jwt.verify(token, secret)`, `jwt.decode(token)`: a token's parse.
        "verify" | "decode" => {
            receiver.is_some_and(|receiver| receiver.eq_ignore_ascii_case("jwt"))
        }
        // Python's `response.json()` (requests, httpx): the body is already read.
        "json" => {
            call.kind() == "call"
                && call
                    .child_by_field_name("arguments")
                    .is_some_and(|arguments| arguments.named_child_count() == 0)
        }
        "parse" | "parseInt" | "parseFloat" | "Number" | "BigInt" | "decodeURIComponent"
        | "decodeURI" | "atob" | "int" | "float" | "Decimal" | "UUID" | "loads"
        | "fromisoformat" | "strptime" | "literal_eval" | "b64decode" | "urlsafe_b64decode"
        | "ip_address" | "ip_network" | "fromhex" | "Fraction" | "urlparse" | "urlsplit" => true,
        _ => false,
    }
}

/// The callee's last name and the text of its receiver: `("parse", Some("JSON"))`.
fn callee_of<'tree>(
    call: Node<'tree>,
    file: &FileModel<'tree>,
) -> Option<(&'tree str, Option<&'tree str>)> {
    let function = call
        .child_by_field_name("function")
        .or_else(|| call.child_by_field_name("constructor"))?;
    let receiver = function
        .child_by_field_name("object")
        .map(|object| file.text(object));
    Some((last_name(function, file), receiver))
}

/// JavaScript functions and methods that do no I/O and call nothing of the project.
const PURE_JAVASCRIPT: &[&str] = &[
    "String",
    "Boolean",
    "isNaN",
    "isFinite",
    "isInteger",
    "isSafeInteger",
    "isArray",
    "encodeURIComponent",
    "encodeURI",
    "btoa",
    "keys",
    "values",
    "entries",
    "fromEntries",
    "assign",
    "freeze",
    "of",
    "includes",
    "test",
    "startsWith",
    "endsWith",
    "match",
    "matchAll",
    "replace",
    "replaceAll",
    "trim",
    "trimStart",
    "trimEnd",
    "toLowerCase",
    "toUpperCase",
    "split",
    "slice",
    "substring",
    "substr",
    "indexOf",
    "lastIndexOf",
    "charAt",
    "charCodeAt",
    "padStart",
    "padEnd",
    "toString",
    "toISOString",
    "toJSON",
    "toFixed",
    "getTime",
    "valueOf",
    "join",
    "concat",
    "at",
    "has",
    "push",
    "unshift",
    "normalize",
    "localeCompare",
    "stringify",
    "structuredClone",
    "require",
    "resolve",
    "basename",
    "dirname",
    "extname",
];

/// Python functions and methods that do no I/O and call nothing of the project.
const PURE_PYTHON: &[&str] = &[
    "Path",
    "PurePath",
    "is_relative_to",
    "any",
    "all",
    "next",
    "iter",
    "enumerate",
    "zip",
    "range",
    "map",
    "filter",
    "sum",
    "reversed",
    "hash",
    "chr",
    "ord",
    "hex",
    "divmod",
    "pow",
    "callable",
    "vars",
    "id",
    "print",
    "total_seconds",
    "isoformat",
    "timestamp",
    "astimezone",
    "strftime",
    "str",
    "bool",
    "bytes",
    "len",
    "isinstance",
    "issubclass",
    "hasattr",
    "getattr",
    "type",
    "repr",
    "round",
    "abs",
    "min",
    "max",
    "sorted",
    "list",
    "dict",
    "tuple",
    "set",
    "frozenset",
    "parse_qs",
    "unquote",
    "quote",
    "b64encode",
    "encode",
    "decode",
    "strip",
    "lstrip",
    "rstrip",
    "lower",
    "upper",
    "rsplit",
    "startswith",
    "endswith",
    "isdigit",
    "isnumeric",
    "isalpha",
    "isalnum",
    "items",
    "append",
    "extend",
    "add",
    "format",
    "casefold",
    "splitlines",
    "partition",
    "fullmatch",
    "search",
    "compile",
    "group",
    "dumps",
];

/// Calls, other than parses, that do no I/O and call nothing of the project: string, number,
/// date and collection methods, `Math`, `Object`, `Intl`.
fn is_pure_call(call: Node<'_>, file: &FileModel<'_>) -> bool {
    if call.kind() == "new_expression" {
        let constructor = call.child_by_field_name("constructor");
        return constructor.is_some_and(|constructor| {
            file.text(constructor).starts_with("Intl.")
                || matches!(
                    last_name(constructor, file),
                    "URLSearchParams"
                        | "RegExp"
                        | "Map"
                        | "Set"
                        | "Array"
                        | "Error"
                        | "TextDecoder"
                        | "TextEncoder"
                )
        });
    }
    let Some((callee, receiver)) = callee_of(call, file) else {
        return false;
    };
    if PURE_JAVASCRIPT.contains(&callee)
        || PURE_PYTHON.contains(&callee)
        || receiver == Some("Math")
    {
        return true;
    }
    // `headers.get('x')`, `config.get('port')`, `data.get("id")`; not a client's `get`.
    callee == "get"
        && receiver.is_some_and(|receiver| !names_io(receiver) && !IO_MODULES.contains(&receiver))
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
                            | "all"
                            | "any"
                    );
            }
            _ => return false,
        }
    }
    false
}

/// The last statement of a block, comments aside.
fn last_statement(block: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = block.walk();
    block
        .named_children(&mut cursor)
        .filter(|node| node.kind() != "comment")
        .last()
}

/// A probe loop: each turn tries one candidate (a path, a format, a server) and goes on to the
/// next when it fails, and the code after the loop throws or reports when none succeeded
/// (`throw new Error('no config found')`, `raise LookupError(…)`, `logger.error(…)`, `if
/// (!found) throw …`, Python's `for … else: raise`). The failures are the search, not lost.
fn is_probe_loop(around: &Around<'_>, python: bool, file: &FileModel<'_>) -> bool {
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
    else_body.is_some_and(|body| reports(body, python, file, true))
        || around
            .next_statement(index)
            .is_some_and(|statement| reports(statement, python, file, true))
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
