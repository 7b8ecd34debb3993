//! What a `try` block does: whether it parses, does work, and does real work (I/O, a query, a
//! call into the project) whose failure the caller must hear of. The catch rules read it to
//! tell a deliberate default from a hidden failure.

use lint500_engine::FileModel;
use tree_sitter::Node;

use crate::catch::{binds, is_function, last_name, unwrap_expression};
use crate::logging::LogCall;

/// How many nodes a look into a `try` block reads before giving up; a bigger block is taken to
/// do real work.
const MAX_NODES: usize = 512;

/// How many receivers of a call chain (`self.repo.users.get`) are read.
const MAX_RECEIVERS: usize = 8;

/// What a `try` block does, read once.
pub(crate) struct Attempt<'tree> {
    /// The first node that does any work: an `await`, a call or a `new` that is not a known
    /// pure function (a parse, a conversion, a string or collection method). The block itself
    /// when it is too big to read.
    pub(crate) work: Option<Node<'tree>>,
    /// The first node that does real work, which can fail for reasons the caller must hear of
    /// (an outage, a bug): an `await`, I/O, a query, a call into the project. A library's
    /// computation (`semver.satisfies`, `ast.unparse`) is work, not real work.
    pub(crate) real_work: Option<Node<'tree>>,
    /// Whether it parses or converts something (`JSON.parse`, `new URL`, `int()`).
    pub(crate) parses: bool,
    /// Whether it holds a `try` of its own.
    pub(crate) nests_try: bool,
}

impl<'tree> Attempt<'tree> {
    pub(crate) fn read(block: Node<'tree>, file: &FileModel<'tree>) -> Self {
        let mut attempt = Attempt {
            work: None,
            real_work: None,
            parses: false,
            nests_try: false,
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
                    // `await request.json()`: the body's parse, awaited.
                    let awaited = node
                        .named_child(0)
                        .map(unwrap_expression)
                        .filter(|awaited| matches!(awaited.kind(), "call" | "call_expression"));
                    if awaited.is_some_and(|call| is_parse_call(call, file)) {
                        attempt.parses = true;
                        continue;
                    }
                    if awaited.is_some_and(|call| drives_browser(call, file)) {
                        attempt.work.get_or_insert(node);
                        continue;
                    }
                    attempt.work.get_or_insert(node);
                    attempt.real_work = Some(node);
                    return attempt;
                }
                // Logging, arguments and all: a guard around a log line keeps the logger's own
                // failure from replacing the outcome, and its message is formatted for the log.
                "call_expression" | "call" if LogCall::of(node, file).is_some() => continue,
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
                    attempt.nests_try = true;
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

/// The one call of a `try` block that does work, when the block talks to one thing only
/// (`await client.get(url)`, `gateway.charge(invoice)`, `websocket.send_json(…)` in either
/// branch of an `if`): a single step, which the log line's words and the error's message
/// locate. A chain (`page.locator("html").count()`) is one step, and so is a call on what an
/// earlier step gave (`response.raise_for_status()` after `response = requests.get(url)`) or
/// on a loop's variable; building an object counts only when nothing else does. `None` when
/// the block makes no such call, or calls several things (a nested `try` counts as several),
/// or is too big to read.
pub(crate) fn only_step<'tree>(block: Node<'tree>, file: &FileModel<'tree>) -> Option<Node<'tree>> {
    let mut step: Option<(Node<'tree>, &str)> = None;
    let mut construction = None;
    let mut results: Vec<&str> = Vec::new();
    let mut stack = vec![block];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_NODES {
            return None;
        }
        match node.kind() {
            "call_expression" | "call" if LogCall::of(node, file).is_some() => continue,
            "call_expression" | "call" | "new_expression" => {
                // A chain's calls share their root: `page.locator("html").count()` is one step.
                let (root, holder) = chain_root(node);
                let continues = root.kind() == "identifier" && results.contains(&file.text(root));
                let step_here = !continues
                    && !is_parse_call(node, file)
                    && !is_pure_call(node, file)
                    && !answers_request(node, root, file);
                // Building an object is a step only when nothing else is: the work is in what
                // is done with it (`client = httpx.AsyncClient()`, then `client.get(url)`).
                if step_here && constructs(node, file) {
                    construction.get_or_insert(node);
                } else if step_here {
                    // What the call talks to: `self.client` of `self.client.post(…)`, `users`.
                    let of_instance = matches!(root.kind(), "this" | "super")
                        || matches!(file.text(root), "self" | "cls");
                    let target = file.text(if of_instance { holder } else { root });
                    match step {
                        Some((_, other)) if other != target => return None,
                        Some(_) => {}
                        None => step = Some((node, target)),
                    }
                }
            }
            "try_statement" => return None,
            _ if is_function(node) => continue,
            _ => {}
        }
        results.extend(assigned_name(node).map(|name| file.text(name)));
        let start = stack.len();
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
        stack[start..].reverse();
    }
    step.map(|(call, _)| call).or(construction)
}

/// Whether a call builds an object (`new Client(options)`, `HTTPBasicAuth(user, password)`,
/// `SendPaymentRequest(…)`), by JavaScript's `new` or Python's capitalised class names.
fn constructs(call: Node<'_>, file: &FileModel<'_>) -> bool {
    call.kind() == "new_expression"
        || callee_of(call, file).is_some_and(|(callee, _)| {
            callee.starts_with(|first: char| first.is_ascii_uppercase())
                && callee.chars().any(|c| c.is_ascii_lowercase())
        })
}

/// Methods with which an Express or Fastify handler answers (`res.status(500).json(…)`).
const RESPONSE_METHODS: &[&str] = &[
    "json",
    "send",
    "status",
    "sendStatus",
    "end",
    "render",
    "redirect",
    "set",
    "header",
    "type",
    "cookie",
    "clearCookie",
    "sendFile",
    "code",
];

/// Whether a call builds or sends the handler's answer: `res.json(user)` (on `res`, `reply` or
/// `response`), Starlette's `JSONResponse(…)`. Not a step of the work the `try` guards.
fn answers_request(call: Node<'_>, root: Node<'_>, file: &FileModel<'_>) -> bool {
    let Some((callee, _)) = callee_of(call, file) else {
        return false;
    };
    if file.language.is_javascript_like() {
        matches!(file.text(root), "res" | "reply" | "response")
            && RESPONSE_METHODS.contains(&callee)
    } else {
        callee.ends_with("Response")
    }
}

/// The root of a call's callee, down its receivers, and the node just above it: `users` and
/// `users.repo` of `users.repo.create(…)`; the inner call of `get_client().send(…)`; `sync` and
/// `sync` of `sync()`.
pub(crate) fn receiver_root(call: Node<'_>) -> (Node<'_>, Node<'_>) {
    let Some(mut node) = call
        .child_by_field_name("function")
        .or_else(|| call.child_by_field_name("constructor"))
    else {
        return (call, call);
    };
    let mut holder = node;
    for _ in 0..MAX_RECEIVERS {
        let object = match node.kind() {
            "member_expression" | "attribute" | "subscript" | "subscript_expression" => node
                .child_by_field_name("object")
                .or_else(|| node.child_by_field_name("value")),
            "await_expression" | "await" | "parenthesized_expression" => node.named_child(0),
            _ => None,
        };
        match object {
            Some(object) => (holder, node) = (node, object),
            None => break,
        }
    }
    (node, holder)
}

/// [`receiver_root`] through calls: `requests` of `requests.get(url).json()`, the name
/// `get_client` of `get_client().send(…)`.
pub(crate) fn chain_root(call: Node<'_>) -> (Node<'_>, Node<'_>) {
    let (mut root, mut holder) = receiver_root(call);
    for _ in 0..MAX_RECEIVERS {
        if !matches!(root.kind(), "call_expression" | "call" | "new_expression") {
            break;
        }
        (root, holder) = receiver_root(root);
    }
    (root, holder)
}

/// The name an assignment or declaration binds (`response = …`, `const res = …`, `with … as
/// f`), when it binds one name.
fn assigned_name(node: Node<'_>) -> Option<Node<'_>> {
    let target = match node.kind() {
        "assignment" | "assignment_expression" | "augmented_assignment" => {
            node.child_by_field_name("left")
        }
        "variable_declarator" => node.child_by_field_name("name"),
        // A loop's variable: `for line in resp.text.splitlines()`, `for (const row of rows)`.
        "for_statement" | "for_in_statement" => node.child_by_field_name("left"),
        "as_pattern" => node
            .child_by_field_name("alias")
            .map(|alias| alias.named_child(0).unwrap_or(alias)),
        _ => None,
    }?;
    (target.kind() == "identifier").then_some(target)
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
/// (`validateKey(key)`, `fetch_profile(user_id)`) that is not imported from a library. A method
/// of anything else (`semver.clean(v)`, `node.get_text()`) is a library's computation.
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
        return !imported_from_a_library(file.text(function), file);
    }
    // The receiver chain, down to its root: `self.repo.users.get` → `self`.
    let mut node = function;
    let mut receivers_are_io = false;
    for _ in 0..MAX_RECEIVERS {
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
        let name = last_name(object, file);
        if names_browser_automation(name) {
            return false;
        }
        receivers_are_io |= names_io(name);
        node = object;
    }
    let root = file.text(node);
    receivers_are_io
        || matches!(node.kind(), "this" | "super")
        || (node.kind() == "identifier"
            && (matches!(root, "self" | "cls") || names_io(root) || IO_MODULES.contains(&root)))
}

/// How many top-level statements are read for the imports of a module.
const MAX_TOP_LEVEL: usize = 256;

/// JavaScript: whether the module binds `name` by importing it from a library that does no
/// I/O (`const cronValidate = require('cron-validate')`, `import { jsonrepair } from
/// 'jsonrepair'`): a call of it computes, where a function of the project may do anything.
fn imported_from_a_library(name: &str, file: &FileModel<'_>) -> bool {
    file.language.is_javascript_like()
        && import_source(name, file).is_some_and(|specifier| {
            !is_project_specifier(specifier)
                && !IO_MODULES.contains(&specifier.split('/').next().unwrap_or(specifier))
        })
}

/// Whether an import's specifier names the project's own code: a relative path (`./users`,
/// Python's `.services`), or a path alias (`@/lib/db`, `~/utils`, `#db`).
pub(crate) fn is_project_specifier(specifier: &str) -> bool {
    specifier.starts_with(['.', '/', '#', '~']) || specifier.starts_with("@/")
}

/// The specifier of the top-level import that binds `name`: `./users` for `import users from
/// './users'` or `const { users } = require('./users')`, `.services` for Python's `from
/// .services import users`, `app.db` for `from app.db import session`.
pub(crate) fn import_source<'tree>(name: &str, file: &FileModel<'tree>) -> Option<&'tree str> {
    let root = file.root();
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .take(MAX_TOP_LEVEL)
        .find_map(|statement| {
            let (specifier, bound) = match statement.kind() {
                "import_statement" if file.language.is_javascript_like() => (
                    statement.child_by_field_name("source"),
                    statement.named_child(0),
                ),
                "lexical_declaration" | "variable_declaration" => {
                    let declarator = statement.named_child(0)?;
                    let required = declarator
                        .child_by_field_name("value")
                        .and_then(|value| required_specifier(value, file));
                    (required, declarator.child_by_field_name("name"))
                }
                "import_from_statement" => {
                    let module = statement.child_by_field_name("module_name")?;
                    let mut names = statement.walk();
                    let binds_name = statement
                        .children_by_field_name("name", &mut names)
                        .any(|imported| python_binds(imported, name, file));
                    return binds_name.then(|| file.text(module));
                }
                "import_statement" => {
                    let mut names = statement.walk();
                    return statement
                        .children_by_field_name("name", &mut names)
                        .find(|imported| python_binds(*imported, name, file))
                        .map(|imported| file.text(imported));
                }
                _ => return None,
            };
            let (specifier, bound) = (specifier?, bound?);
            binds(bound, name, file).then(|| file.text(specifier).trim_matches(['\'', '"', '`']))
        })
}

/// Python: whether one imported name (`users`, `users as u`, `app.db`) binds `name`.
fn python_binds(imported: Node<'_>, name: &str, file: &FileModel<'_>) -> bool {
    let local = match imported.kind() {
        "aliased_import" => imported.child_by_field_name("alias"),
        _ => Some(imported),
    };
    local.is_some_and(|local| {
        let text = file.text(local);
        text == name || text.split('.').next() == Some(name)
    })
}

/// The string argument of `require('x')` in `value`: `require('x')`, `require('x')(…)`,
/// `require('x').member`.
fn required_specifier<'tree>(value: Node<'tree>, file: &FileModel<'_>) -> Option<Node<'tree>> {
    let mut node = value;
    for _ in 0..MAX_RECEIVERS {
        match node.kind() {
            "call_expression" => {
                let function = node.child_by_field_name("function")?;
                if function.kind() == "identifier" && file.text(function) == "require" {
                    return node
                        .child_by_field_name("arguments")?
                        .named_child(0)
                        .filter(|argument| argument.kind() == "string");
                }
                node = function;
            }
            "member_expression" => node = node.child_by_field_name("object")?,
            _ => return None,
        }
    }
    None
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
    has_word(name, IO_WORDS)
}

/// Whether a receiver is driven by a browser automation library (Playwright, Puppeteer,
/// Selenium): `page`, `locator`, `frame`, `element_handle`, `driver`. Its calls fail whenever
/// an element detaches or a page navigates: expected, not an outage.
fn names_browser_automation(name: &str) -> bool {
    has_word(
        name,
        &["page", "locator", "frame", "element", "handle", "driver"],
    )
}

/// Whether a call drives a browser: `page.click(…)`, `self.page.locator(sel).count()`, also
/// under a timeout (`asyncio.wait_for(locator.count(), 1.0)`).
fn drives_browser(mut call: Node<'_>, file: &FileModel<'_>) -> bool {
    for _ in 0..MAX_RECEIVERS {
        if !matches!(callee_of(call, file), Some(("wait_for" | "shield", _))) {
            break;
        }
        match call
            .child_by_field_name("arguments")
            .and_then(|arguments| arguments.named_child(0))
            .filter(|inner| matches!(inner.kind(), "call" | "call_expression"))
        {
            Some(inner) => call = inner,
            None => return false,
        }
    }
    let mut node = call;
    for _ in 0..MAX_RECEIVERS {
        let next = match node.kind() {
            "call_expression" | "call" => node.child_by_field_name("function"),
            "member_expression" | "attribute" => {
                let object = node.child_by_field_name("object");
                if object.is_some_and(|object| names_browser_automation(last_name(object, file))) {
                    return true;
                }
                object
            }
            _ => None,
        };
        let Some(next) = next else {
            return false;
        };
        node = next;
    }
    false
}

/// Whether one of the words of a name, in snake or camel case (`prismaClient`, `redis_cache`),
/// is one of `words` (lowercase).
pub(crate) fn has_word(name: &str, words: &[&str]) -> bool {
    words_of(name).any(|word| words.contains(&word.as_str()))
}

/// Whether the first word of a name (`kill_session`, `parseCIDR`, `_decode_image`) is one of
/// `words` (lowercase): the verb of a function's name.
pub(crate) fn starts_with_word(name: &str, words: &[&str]) -> bool {
    words_of(name)
        .next()
        .is_some_and(|word| words.contains(&word.as_str()))
}

/// The lowercase words of a name in snake or camel case: `prismaClient` → `prisma`, `client`.
fn words_of(name: &str) -> std::vec::IntoIter<String> {
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
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect::<Vec<_>>()
        .into_iter()
}

/// Parses and conversions that throw on bad input: the reason a parse-or-default helper exists.
fn is_parse_call(call: Node<'_>, file: &FileModel<'_>) -> bool {
    let Some((callee, receiver)) = callee_of(call, file) else {
        return false;
    };
    if call.kind() == "new_expression" {
        return matches!(
            callee,
            "URL" | "Date" | "ObjectId" | "BigNumber" | "Decimal" | "RegExp"
        );
    }
    // A library's method named for it: `ipaddr.parseCIDR(rule)`, `handler.deserialize(raw)`,
    // `enclave.verifyJWT(token)`. A function of the project (`parseJwt(token)`,
    // `self.decode_session(raw)`) may do anything.
    let of_a_library = receiver.is_some_and(|receiver| {
        !matches!(receiver, "this" | "self" | "cls")
            && !receiver.starts_with("this.")
            && !receiver.starts_with("self.")
    });
    if of_a_library
        && (starts_with_word(callee, &["parse", "decode", "deserialize", "unmarshal"])
            || (starts_with_word(callee, &["verify", "decrypt"])
                && has_word(callee, &["jwt", "token"])))
    {
        return true;
    }
    match callee {
        "from" => receiver == Some("Buffer"),
        // `jwt.verify(token, secret)`: a token's parse; `re.compile(pattern)`: a pattern's.
        "verify" => receiver.is_some_and(|receiver| receiver.eq_ignore_ascii_case("jwt")),
        "compile" => receiver == Some("re"),
        // Python's `response.json()` (requests, httpx; the body is already read) and an
        // awaited `request.json()` / `request.form()` (Starlette).
        "json" | "form" => {
            call.kind() == "call"
                && call
                    .child_by_field_name("arguments")
                    .is_some_and(|arguments| arguments.named_child_count() == 0)
        }
        // `date.toISOString()` throws a `RangeError` for an invalid date.
        "toISOString" => call.kind() == "call_expression",
        "parse" | "parseInt" | "parseFloat" | "Number" | "BigInt" | "decodeURIComponent"
        | "decodeURI" | "atob" | "int" | "float" | "Decimal" | "UUID" | "loads"
        | "fromisoformat" | "strptime" | "literal_eval" | "b64decode" | "urlsafe_b64decode"
        | "ip_address" | "ip_network" | "fromhex" | "Fraction" | "urlparse" | "urlsplit"
        // pydantic's validation of outside data.
        | "model_validate" | "model_validate_json" | "parse_obj" | "parse_raw" => true,
        _ => false,
    }
}

/// The callee's last name and the text of its receiver: `("parse", Some("JSON"))`.
pub(crate) fn callee_of<'tree>(
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
    "isFile",
    "isDirectory",
    "isSymbolicLink",
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
    "setattr",
    "delattr",
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
    "rpartition",
    "fullmatch",
    "search",
    "compile",
    "group",
    "dumps",
    "urljoin",
    "urlencode",
    "urlunparse",
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
    let pure = if file.language.is_javascript_like() {
        PURE_JAVASCRIPT
    } else {
        PURE_PYTHON
    };
    if pure.contains(&callee) || receiver == Some("Math") || is_array_method(call, callee) {
        return true;
    }
    // `headers.get('x')`, `config.get('port')`, `data.get("id")`; not a client's `get`.
    callee == "get"
        && receiver.is_some_and(|receiver| !names_io(receiver) && !IO_MODULES.contains(&receiver))
}

/// JavaScript: `items.find((item) => …)`, `rows.map(function (row) { … })`: an array's method
/// called with a function written there (a collection's `find` takes a query object instead).
fn is_array_method(call: Node<'_>, callee: &str) -> bool {
    matches!(
        callee,
        "find"
            | "findIndex"
            | "findLast"
            | "filter"
            | "map"
            | "flatMap"
            | "some"
            | "every"
            | "reduce"
            | "forEach"
            | "sort"
    ) && call.kind() == "call_expression"
        && call
            .child_by_field_name("arguments")
            .and_then(|arguments| arguments.named_child(0))
            .is_some_and(|argument| {
                matches!(argument.kind(), "arrow_function" | "function_expression")
            })
}

/// Methods that release something: failing to, in a `try` of their own, is no failure of the
/// work at hand.
const CLEANUP_METHODS: &[&str] = &[
    "close",
    "aclose",
    "end",
    "destroy",
    "disconnect",
    "unsubscribe",
    "abort",
    "release",
    "quit",
    "kill",
    "terminate",
    "unlink",
    "unlinkSync",
    "rmSync",
    "remove",
    "removeListener",
    "removeAllListeners",
    "remove_listener",
    "remove_all_listeners",
    "off",
    "cancel",
    "detach",
    "stop",
    "shutdown",
    "dispose",
    "rmtree",
];

/// Verbs that only ever name a release, first in a method's or function's name
/// (`kill_session`, `closeConnection`, `stop()`, `_unregister_listener`); `remove` or `cancel`
/// may name the work itself (`remove_member`, `cancelOrder`).
const RELEASE_VERBS: &[&str] = &[
    "close",
    "aclose",
    "disconnect",
    "kill",
    "terminate",
    "shutdown",
    "dispose",
    "release",
    "unregister",
    "deregister",
    "unsubscribe",
    "cleanup",
    "teardown",
    "quit",
    "stop",
];

/// Checks that may guard a cleanup: `if (fs.existsSync(tmp)) fs.unlinkSync(tmp)`.
const EXISTENCE_CHECKS: &[&str] = &["existsSync", "exists", "is_file", "is_dir"];

/// Whether the `try` block only releases something: every call in it is a method that
/// releases (`stream.end()`, `await watcher.close()`, `await provider.kill_session(s)`,
/// `fs.unlinkSync(tmp)`, an `unlinkSync(tmp)` imported from `fs`) or checks that there is
/// something to release, and there is at least one release.
pub(crate) fn only_cleans_up(block: Node<'_>, file: &FileModel<'_>) -> bool {
    only_calls(block, file, |callee, receiver| {
        (CLEANUP_METHODS.contains(&callee) || starts_with_word(callee, RELEASE_VERBS))
            && (receiver.is_some() || matches!(callee, "unlink" | "unlinkSync" | "rmSync"))
    })
}

/// Whether the function around the current node tears something down (`close()`, `stop()`,
/// `_kill_sandbox()`, `__aexit__`): what fails there has nothing left to lose, and the work
/// it served is over.
pub(crate) fn in_teardown(file: &FileModel<'_>) -> bool {
    in_finaliser(file)
        || enclosing_name(file).is_some_and(|name| starts_with_word(name, RELEASE_VERBS))
}

/// Whether the current node is in a Python finaliser or context exit (`__del__`, `__exit__`,
/// `__aexit__`): it runs when the object is done with, and has nobody to report to.
pub(crate) fn in_finaliser(file: &FileModel<'_>) -> bool {
    enclosing_name(file).is_some_and(|name| matches!(name, "__exit__" | "__aexit__" | "__del__"))
}

fn enclosing_name<'tree>(file: &FileModel<'tree>) -> Option<&'tree str> {
    file.enclosing_function()
        .and_then(|function| function.child_by_field_name("name"))
        .map(|name| file.text(name))
}

/// File system calls whose errors say everything: the call, the code (`ENOENT`, `EACCES`) and
/// the path are in the message, and Node's asynchronous ones carry no frame of the caller.
const FILE_SYSTEM_CALLS: &[&str] = &[
    "mkdir",
    "mkdirSync",
    "readFile",
    "readFileSync",
    "writeFile",
    "writeFileSync",
    "appendFile",
    "appendFileSync",
    "unlink",
    "unlinkSync",
    "rm",
    "rmSync",
    "rename",
    "renameSync",
    "copyFile",
    "copyFileSync",
    "readdir",
    "readdirSync",
    "stat",
    "statSync",
    "access",
    "accessSync",
    // fs-extra's.
    "pathExists",
    "ensureDir",
];

/// Python's file system calls, of `os`, `os.path` and `shutil`: their `OSError` names the
/// call's errno and the path.
const PYTHON_FILE_SYSTEM_CALLS: &[&str] = &[
    "remove",
    "unlink",
    "rmdir",
    "removedirs",
    "mkdir",
    "makedirs",
    "rename",
    "replace",
    "listdir",
    "scandir",
    "exists",
    "isfile",
    "isdir",
    "getsize",
    "rmtree",
    "copy",
    "copy2",
    "copyfile",
    "copytree",
    "move",
];

/// Python's `open()` and the methods of the file it returns.
const FILE_IO: &[&str] = &[
    "open",
    "read",
    "readline",
    "readlines",
    "write",
    "writelines",
];

/// Python modules whose `dump` / `load` write or read a file they are given.
const SERIALIZERS: &[&str] = &["json", "pickle", "yaml", "toml", "tomllib"];

/// `pathlib.Path` methods that touch the file system, named so that no other object's are
/// likely to share the names.
const PATH_METHODS: &[&str] = &[
    "mkdir",
    "rmdir",
    "touch",
    "iterdir",
    "read_text",
    "write_text",
    "read_bytes",
    "write_bytes",
];

/// Whether the `try` block only touches the file system (`await fs.mkdir(dir)`,
/// `fs.writeFileSync(path, data)`, `pathExistsSync(dir)`; Python's `os.remove(path)`,
/// `shutil.rmtree(path)`, `path.write_text(data)`, `with open(path, "w") as f: json.dump(data,
/// f)`): the error's message (the call, the code, the path) is the whole story.
pub(crate) fn only_touches_files(block: Node<'_>, file: &FileModel<'_>) -> bool {
    if file.language.is_javascript_like() {
        return only_calls(block, file, |callee, _| {
            FILE_SYSTEM_CALLS.contains(&callee)
                || FILE_SYSTEM_CALLS
                    .iter()
                    .any(|fs_call| callee.strip_suffix("Sync") == Some(fs_call))
        });
    }
    // A file's methods count when the block opens the file: `storage.write(key)` is no file.
    let opens = file.text(block).contains("open(");
    only_calls(block, file, |callee, receiver| {
        PATH_METHODS.contains(&callee)
            || (opens && FILE_IO.contains(&callee))
            || (PYTHON_FILE_SYSTEM_CALLS.contains(&callee)
                && receiver.is_some_and(|receiver| matches!(receiver, "os" | "os.path" | "shutil")))
            || (matches!(callee, "dump" | "load" | "safe_dump" | "safe_load")
                && receiver.is_some_and(|receiver| SERIALIZERS.contains(&receiver)))
    })
}

/// File system calls that only read: what a predicate about a local file asks with.
const FILE_READS: &[&str] = &[
    "readFile",
    "readFileSync",
    "readdir",
    "readdirSync",
    "stat",
    "statSync",
    "lstat",
    "lstatSync",
    "access",
    "accessSync",
];

/// JavaScript: whether the `try` block only reads the file system, and parses what it read
/// (`(await fs.stat(dir)).isDirectory()`, `JSON.parse(await fs.readFile(path)).system`): a
/// question about a local file, which "no such file" answers.
pub(crate) fn only_reads_files(block: Node<'_>, file: &FileModel<'_>) -> bool {
    file.language.is_javascript_like()
        && only_calls(block, file, |callee, _| FILE_READS.contains(&callee))
}

/// JavaScript: whether the `try` block only appends to a file (`fs.appendFileSync(logPath,
/// line)`): how a log or a journal is written, and a guard around it, like one around a logging
/// call, keeps the log's failure from replacing the outcome.
pub(crate) fn only_appends(block: Node<'_>, file: &FileModel<'_>) -> bool {
    file.language.is_javascript_like()
        && only_calls(block, file, |callee, _| {
            matches!(callee, "appendFile" | "appendFileSync")
        })
}

/// JavaScript: whether the `try` block only loads a module (`require('node:worker_threads')`,
/// `await import('sharp')`): a probe for an optional dependency, which is there or is not.
pub(crate) fn only_loads_modules(block: Node<'_>, file: &FileModel<'_>) -> bool {
    file.language.is_javascript_like()
        && only_calls(block, file, |callee, receiver| {
            receiver.is_none() && matches!(callee, "require" | "import")
        })
}

/// Whether every call in the `try` block is one `wanted` accepts (given the callee's last name
/// and its receiver), a check that there is something to act on, a pure function or a logging
/// call, and there is at least one it accepts. What an accepted call's arguments compute (a
/// path, a line) is part of that call; its receiver is not.
fn only_calls(
    block: Node<'_>,
    file: &FileModel<'_>,
    wanted: impl Fn(&str, Option<&str>) -> bool,
) -> bool {
    let mut found = false;
    let mut stack = vec![block];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_NODES {
            return false;
        }
        match node.kind() {
            "call_expression" | "call" => {
                let Some((callee, receiver)) = callee_of(node, file) else {
                    return false;
                };
                // `await asyncio.to_thread(shutil.rmtree, path)` calls `shutil.rmtree`.
                let (callee, receiver) =
                    run_in_thread(node, callee, file).unwrap_or((callee, receiver));
                if wanted(callee, receiver) {
                    // The receiver chain still counts: `res.status(204).end()` is more than a
                    // release.
                    found = true;
                    stack.extend(node.child_by_field_name("function"));
                    continue;
                }
                if !EXISTENCE_CHECKS.contains(&callee)
                    && !is_pure_call(node, file)
                    && !is_parse_call(node, file)
                    && LogCall::of(node, file).is_none()
                {
                    return false;
                }
            }
            "new_expression" => return false,
            _ if is_function(node) => continue,
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    found
}

/// The function a thread-running or waiting call runs (`asyncio.to_thread(shutil.rmtree,
/// path)`, `loop.run_in_executor(None, os.remove, path)`, `asyncio.wait_for(client.aclose(),
/// 5)`), as a callee and its receiver.
fn run_in_thread<'tree>(
    call: Node<'tree>,
    callee: &str,
    file: &FileModel<'tree>,
) -> Option<(&'tree str, Option<&'tree str>)> {
    let position = match callee {
        "to_thread" | "run_sync" | "wait_for" | "shield" => 0,
        "run_in_executor" => 1,
        _ => return None,
    };
    let argument = call
        .child_by_field_name("arguments")?
        .named_child(position)?;
    // `asyncio.wait_for(client.aclose(), 5)` waits for the call it is given.
    if argument.kind() == "call" {
        return callee_of(argument, file);
    }
    let function =
        Some(argument).filter(|argument| matches!(argument.kind(), "identifier" | "attribute"))?;
    let receiver = function
        .child_by_field_name("object")
        .map(|object| file.text(object));
    Some((last_name(function, file), receiver))
}
