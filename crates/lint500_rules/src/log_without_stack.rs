//! log-without-stack: where a caught error ends (a `catch` / `except` that does not hand it on,
//! an Express error middleware, a process-level error listener, a FastAPI exception handler), a
//! logging call that records only the error's message (`err.message`, `String(err)`, `str(e)`,
//! `f"{e}"` …) and so loses, for good, the stack trace that says where the error came from.

use lint500_core::{Fix, Language};
use lint500_engine::{
    Condition, ErrorPart, ErrorText, FileModel, Rule, RuleContext, error_text,
    is_traceback_function,
};
use tree_sitter::Node;

use crate::attempt::{
    Attempt, chain_root, has_word, import_source, in_teardown, is_project_specifier,
    only_cleans_up, only_loads_modules, only_step, only_touches_files,
};
use crate::catch::{
    ErrorSite, binds, cleans_up_after_another_outcome, handler_expressions, is_function, is_name,
    last_name, last_statement, leading_comments, mentions, returned_value, tests_error,
    unwrap_expression,
};
use crate::fixes;
use crate::logging::{LogCall, is_debug_gate};
use crate::status::answered_statuses;

pub struct LogWithoutStack;

/// How many argument nodes one logging call may have before the rule gives up on it: keeps the
/// walk bounded on generated or pathological code, where staying silent is the safe answer.
const MAX_VISITED: usize = 256;

/// How deep in the tree a logging call may be for the rule to read it: real code stays far
/// shallower, and a file nested deeper is hostile or generated.
const MAX_DEPTH: u32 = 1_000;

/// Parameter lists are small; a bigger one is not worth reading for shadowing.
const MAX_PARAMETER_NODES: usize = 64;

/// How many of the places an error arrives around a call (innermost first) are read, and how
/// many levels below one of them the call may be: bounds for pathological nesting, beyond which
/// the rule stays silent.
const MAX_SITES: usize = 64;
const MAX_PATH: usize = 256;

impl Rule for LogWithoutStack {
    fn document(&self) -> &'static str {
        include_str!("../../../rules/log-without-stack.md")
    }

    fn node_kinds(&self, language: Language) -> &'static [&'static str] {
        if language.is_javascript_like() {
            &["call_expression"]
        } else {
            &["call"]
        }
    }

    fn check_node<'tree>(&self, node: Node<'tree>, ctx: &mut RuleContext<'_, 'tree>) {
        let Some(finding) = find(node, ctx.file()) else {
            return;
        };
        let report = match (finding.helper, finding.step) {
            // `logger.error(getErrorMessage(err))` with the helper imported: a finding only if
            // the project view finds that it returns the message.
            (Some(helper), _) => ctx.report_if(
                helper,
                Condition::ReturnsErrorText,
                finding.culprit,
                finding.message,
                finding.help,
            ),
            // `try { await users.create(body) }`: a finding only if `users` is the project's.
            (None, Some(StepOwner::Named(name))) => ctx.report_if(
                name,
                Condition::IsProjectCode,
                finding.culprit,
                finding.message,
                finding.help,
            ),
            (None, _) => ctx.report(finding.culprit, finding.message, finding.help),
        };
        let report = match finding.binding {
            Some(binding) => report.label(binding, "the error is caught here"),
            None => report,
        };
        if let Some(fix) = finding.fix {
            report.fix(fix);
        }
    }
}

/// What to report: the argument that carries only the message, and the binding of the error.
struct Finding<'tree> {
    culprit: Node<'tree>,
    binding: Option<Node<'tree>>,
    /// The helper of another module the culprit calls, whose result decides the finding.
    helper: Option<Node<'tree>>,
    /// Who wrote the single call of the `try`, when the `try` makes only one.
    step: Option<StepOwner<'tree>>,
    message: String,
    help: String,
    fix: Option<Fix>,
}

/// Checks each error that arrives around `node`, innermost first; an inner site that binds the
/// same name hides the outer one.
/// Whether the site is a `catch` whose `try` only parses, converts or reads values in hand
/// (`JSON.parse(raw)`, `await request.json()`, `int(value)`, `handler.deserialize(raw)`,
/// `page["properties"]["title"]`), only releases something (`await pool.end()`,
/// `fs.unlinkSync(tmp)`), runs in a function that tears down (`close()`, `stop()`) or cleans up
/// after another outcome (in a `finally`, in a handler that rethrows), only touches the file system (JavaScript: `await fs.mkdir(dir)`), only
/// loads an optional module (`require('sass-embedded')`), or only logs: the error's message is
/// the whole story, and logging it alone is deliberate.
fn only_parses_or_cleans_up(site: &ErrorSite<'_>, file: &FileModel<'_>) -> bool {
    if !matches!(site.node.kind(), "catch_clause" | "except_clause") {
        return false;
    }
    let Some(block) = site
        .node
        .parent()
        .and_then(|statement| statement.child_by_field_name("body"))
    else {
        return false;
    };
    let attempt = Attempt::read(block, file);
    attempt.work.is_none()
        || only_logs(block, file)
        || only_cleans_up(block, file)
        || in_teardown(file)
        || site
            .node
            .parent()
            .is_some_and(|statement| cleans_up_after_another_outcome(statement, file))
        || only_touches_files(block, file)
        || only_loads_modules(block, file)
}

/// Who wrote the code that the single call of a `try` runs.
#[derive(Clone, Copy)]
enum StepOwner<'tree> {
    /// The project: a method of `this` / `self` (`this.sync()`, `self._load(path)`).
    Project,
    /// Someone else, as far as syntax tells: a method of something an instance holds
    /// (`self.client.post(…)`) or of a call's result.
    Other,
    /// Whoever wrote what this name (the callee's root: `users` of `users.create(…)`,
    /// `requests` of `requests.get(…)`) is: the project view tells.
    Named(Node<'tree>),
}

/// For a `catch` whose `try` makes a single call, who wrote what it runs. The stack is worth
/// keeping where the failure comes from the project's own code, which has bugs to locate; a
/// package's single call (an HTTP client, an SDK, a socket) is located by the log line's words,
/// and the message says why it failed. `None` for other places and for several steps.
fn step_owner<'tree>(site: &ErrorSite<'tree>, file: &FileModel<'tree>) -> Option<StepOwner<'tree>> {
    if !matches!(site.node.kind(), "catch_clause" | "except_clause") {
        return None;
    }
    let block = site.node.parent()?.child_by_field_name("body")?;
    let call = only_step(block, file)?;
    let (root, _) = chain_root(call);
    let of_instance = matches!(root.kind(), "this" | "super")
        || (root.kind() == "identifier" && matches!(file.text(root), "self" | "cls"));
    let function = call.child_by_field_name("function");
    // `this.sync()`, not `this.client.post()`.
    let own_method = function
        .and_then(|function| function.child_by_field_name("object"))
        .is_some_and(|object| object == root);
    let calls_parameter = function.is_some_and(|function| function == root)
        && file.enclosing_function().is_some_and(|enclosing| {
            enclosing
                .child_by_field_name("parameters")
                .is_some_and(|parameters| binds(parameters, file.text(root), file))
        });
    Some(match root.kind() {
        _ if of_instance && own_method => StepOwner::Project,
        _ if of_instance => StepOwner::Other,
        // A function of the module, or a callback handed in (`await call_next(request)`), which
        // runs the caller's code.
        "identifier" if calls_parameter || defines(file, file.text(root)) => StepOwner::Project,
        // An import says whose it is, but for a Python absolute import or a path alias the
        // project view decides (`from app.services import users` is the project's).
        "identifier" => match import_source(file.text(root), file) {
            Some(specifier) if specifier.starts_with('.') => StepOwner::Project,
            Some(specifier)
                if file.language.is_javascript_like() && !is_project_specifier(specifier) =>
            {
                StepOwner::Other
            }
            _ => StepOwner::Named(root),
        },
        _ => StepOwner::Other,
    })
}

/// How many top-level statements are read for the functions and classes a module defines.
const MAX_TOP_LEVEL: usize = 512;

/// Whether the module defines a function or class named `name` at its top level (`def
/// _decode(raw)`, `function loadUser()`, `const sync = async () => …`, `export class Repo`).
fn defines(file: &FileModel<'_>, name: &str) -> bool {
    let root = file.root();
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .take(MAX_TOP_LEVEL)
        .any(|statement| {
            let definition = match statement.kind() {
                "decorated_definition" => statement.child_by_field_name("definition"),
                "export_statement" => statement.child_by_field_name("declaration"),
                _ => Some(statement),
            };
            definition.is_some_and(|definition| match definition.kind() {
                "function_definition"
                | "class_definition"
                | "function_declaration"
                | "generator_function_declaration"
                | "class_declaration" => definition
                    .child_by_field_name("name")
                    .is_some_and(|defined| file.text(defined) == name),
                "lexical_declaration" | "variable_declaration" => {
                    let mut cursor = definition.walk();
                    definition.named_children(&mut cursor).any(|declarator| {
                        declarator
                            .child_by_field_name("name")
                            .is_some_and(|defined| file.text(defined) == name)
                            && declarator
                                .child_by_field_name("value")
                                .is_some_and(is_function)
                    })
                }
                _ => false,
            })
        })
}

/// Whether the handler hands the failure back as the function's "no result" (`return None`,
/// `return False`, `return (False, None)`, `return null`) where its `try` returns a result: an
/// optional lookup or a probe (`health_check()`, `find_cached_model()`, `probe_dimension()`),
/// whose caller handles the absence, and the log line is the operator's note of why. Not in a
/// request handler, whose return value is the response: there `None` hides the failure.
fn answers_no_result(site: &ErrorSite<'_>, file: &FileModel<'_>) -> bool {
    if !matches!(site.node.kind(), "catch_clause" | "except_clause") {
        return false;
    }
    let gives_nothing = last_statement(site.body)
        .filter(|statement| statement.kind() == "return_statement")
        .and_then(returned_value)
        .is_some_and(is_no_result);
    let Some(try_statement) = site.node.parent() else {
        return false;
    };
    let returns_result = |statement: Option<Node<'_>>| {
        statement
            .filter(|statement| statement.kind() == "return_statement")
            .and_then(returned_value)
            .is_some_and(|value| !is_no_result(value))
    };
    let gives_result = try_statement
        .child_by_field_name("body")
        .is_some_and(returns_a_result)
        || returns_result(try_statement.next_named_sibling());
    gives_nothing && gives_result && !serves_requests(file)
}

/// How many nodes a look for the `return` statements of a `try` block reads.
const MAX_RETURN_NODES: usize = 512;

/// Whether a `try` block returns a result somewhere (`return groups[0].id`), outside the
/// functions it defines.
fn returns_a_result(block: Node<'_>) -> bool {
    let mut stack = vec![block];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_RETURN_NODES {
            return false;
        }
        if node.kind() == "return_statement" {
            if returned_value(node).is_some_and(|value| !is_no_result(value)) {
                return true;
            }
            continue;
        }
        if is_function(node) {
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

/// `None`, `False`, `null`, `undefined`, `false`, and tuples of them (`False, None`).
fn is_no_result(value: Node<'_>) -> bool {
    let value = unwrap_expression(value);
    match value.kind() {
        "none" | "false" | "null" | "undefined" => true,
        "tuple" | "expression_list" => {
            let mut cursor = value.walk();
            let items: Vec<Node<'_>> = value.named_children(&mut cursor).collect();
            !items.is_empty() && items.into_iter().all(is_no_result)
        }
        _ => false,
    }
}

/// Whether the function around the current node may be a request handler: a decorated Python
/// function (`@router.get(…)`), a JavaScript function that takes a response (`res`, `reply`).
fn serves_requests(file: &FileModel<'_>) -> bool {
    let Some(function) = file.enclosing_function() else {
        return false;
    };
    if function
        .parent()
        .is_some_and(|parent| parent.kind() == "decorated_definition")
    {
        return true;
    }
    let Some(parameters) = function
        .child_by_field_name("parameters")
        .or_else(|| function.child_by_field_name("parameter"))
    else {
        return false;
    };
    ["res", "response", "reply", "ctx"]
        .iter()
        .any(|name| binds(parameters, name, file))
}

/// Whether every statement of the block is a logging call: only the logger can fail there.
fn only_logs(block: Node<'_>, file: &FileModel<'_>) -> bool {
    let mut cursor = block.walk();
    let mut statements = block
        .named_children(&mut cursor)
        .filter(|statement| statement.kind() != "comment")
        .peekable();
    statements.peek().is_some()
        && statements.all(|statement| {
            statement.kind() == "expression_statement"
                && statement
                    .named_child(0)
                    .is_some_and(|expression| LogCall::of(expression, file).is_some())
        })
}

/// Whether the handler's shape says the failure is expected and its message the whole story:
/// it answers the request with a 4xx (a bad token, a missing record: the client's failure), or
/// it is one attempt of a retry loop (it waits, or counts attempts), whose last failure is
/// reported after the loop.
fn expects_failure(site: &ErrorSite<'_>, file: &FileModel<'_>) -> bool {
    if !matches!(site.node.kind(), "catch_clause" | "except_clause") {
        return false;
    }
    let statuses = answered_statuses(site.body, file);
    if !statuses.is_empty() && statuses.iter().all(|status| (400..500).contains(status)) {
        return true;
    }
    in_loop(site.node) && retries(site.body, file)
}

/// Whether a `catch` / `except` handler ends the process (`process.exit(1)`, `sys.exit(1)`,
/// `os._exit(1)`): a startup failure, whose message is for the operator who starts the server.
fn exits_process(site: &ErrorSite<'_>, file: &FileModel<'_>) -> bool {
    if !matches!(site.node.kind(), "catch_clause" | "except_clause") {
        return false;
    }
    handler_expressions(site.body)
        .into_iter()
        .filter(|call| matches!(call.kind(), "call_expression" | "call"))
        .filter_map(|call| call.child_by_field_name("function"))
        .any(|function| {
            matches!(
                file.text(function),
                "process.exit" | "sys.exit" | "os._exit" | "exit" | "quit"
            )
        })
}

/// Words with which a log line or a comment says the failure is tolerated: the code goes on
/// without what failed, and the message is for the operator.
const TOLERATED: &[&str] = &[
    "fall back",
    "falling back",
    "fallback",
    "best-effort",
    "best effort",
    "non-fatal",
    "nonfatal",
    "non-blocking",
    "do not crash",
    "don't crash",
    "reloading",
    "non blocking",
    "non-critical",
    "ignoring",
    "skipping",
    "continuing",
    "move on",
    "degrade",
    "using default",
    "using the default",
    "defaulting to",
    "never raise",
    "instead of raising",
    "instead of failing",
    "to continue",
    "can continue",
    "will continue",
    "continue without",
    "using existing",
    "continue with",
    "fall through",
    "falls through",
    "to be safe",
    "simply return",
    "just assume",
    "should not fail",
    "shouldn't fail",
    "must not fail",
    "never fail",
    "must never",
    "should never",
    "don't fail",
    "do not fail",
];

/// Whether the log line (`log`), the rest of the handler, a comment in it or right before its
/// `try`, or the docstring of its Python function says that the failure is tolerated
/// (`"Reranker failed, falling back to recent"`, `# Best-effort: recording the view must never
/// fail the read`): a step the author chose to lose.
fn tolerates_failure(site: &ErrorSite<'_>, log: Node<'_>, file: &FileModel<'_>) -> bool {
    if !matches!(site.node.kind(), "catch_clause" | "except_clause") {
        return false;
    }
    let says = |node: Node<'_>| {
        let text = file.text(node).to_ascii_lowercase();
        TOLERATED.iter().any(|words| text.contains(words))
    };
    // The log line, or another line of the handler (`logger.warn('Falling back to local
    // launch')`, `return fallback_title`).
    if says(log) || says(site.body) {
        return true;
    }
    // tree-sitter-python hangs the comments that open a handler's block on the clause.
    let mut cursor = site.body.walk();
    let mut clause_cursor = site.node.walk();
    if site
        .body
        .named_children(&mut cursor)
        .chain(site.node.named_children(&mut clause_cursor))
        .any(|child| child.kind() == "comment" && says(child))
    {
        return true;
    }
    site.node
        .parent()
        .is_some_and(|try_statement| leading_comments(try_statement).any(says))
        || docstring(file).is_some_and(says)
}

/// Python: the docstring of the function around the current node.
fn docstring<'tree>(file: &FileModel<'tree>) -> Option<Node<'tree>> {
    let body = file.enclosing_function()?.child_by_field_name("body")?;
    let first = body.named_child(0)?;
    let string = first.named_child(0)?;
    (first.kind() == "expression_statement" && string.kind() == "string").then_some(string)
}

/// How many ancestors a look for an enclosing loop reads.
const MAX_LOOP_DEPTH: usize = 8;

/// Whether the node runs in a loop of its own function.
fn in_loop(node: Node<'_>) -> bool {
    std::iter::successors(node.parent(), Node::parent)
        .take(MAX_LOOP_DEPTH)
        .take_while(|ancestor| !is_function(*ancestor))
        .any(|ancestor| {
            matches!(
                ancestor.kind(),
                "for_statement" | "for_in_statement" | "while_statement" | "do_statement"
            )
        })
}

/// Whether a handler in a loop sets up another attempt: it sleeps or backs off, or reads a
/// counter of attempts (`attempt`, `retries`, `tries`). Nested functions count: `await new
/// Promise((resolve) => setTimeout(resolve, ms))` is how JavaScript sleeps.
fn retries(body: Node<'_>, file: &FileModel<'_>) -> bool {
    let mut stack = vec![body];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_VISITED {
            return false;
        }
        let found = match node.kind() {
            "call_expression" | "call" => {
                node.child_by_field_name("function")
                    .is_some_and(|function| {
                        matches!(
                            last_name(function, file),
                            "sleep" | "setTimeout" | "delay" | "backoff" | "wait"
                        )
                    })
            }
            "identifier" | "property_identifier" => has_word(
                file.text(node),
                &["attempt", "attempts", "retry", "retries", "tries"],
            ),
            _ => false,
        };
        if found {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

fn find<'tree>(node: Node<'tree>, file: &FileModel<'tree>) -> Option<Finding<'tree>> {
    // Cheap checks first: this runs on every call of every file.
    let python = !file.language.is_javascript_like();
    let call = LogCall::of(node, file)?;
    // The checks below ask the tree for parents and siblings, each at the cost of the depth.
    if file.depth() > MAX_DEPTH {
        return None;
    }
    // Python's `logger.exception(…)` is the fix itself.
    if !call.reports_failure(python) || call.method == "exception" {
        return None;
    }
    let mut shadowed: Vec<&str> = Vec::new();
    for site in ErrorSite::around(file).take(MAX_SITES) {
        if shadowed.contains(&site.name) {
            continue;
        }
        shadowed.push(site.name);
        // Python can narrow a handler: one for a specific exception logs an expected failure,
        // and its one-line message is a deliberate choice.
        let narrowed = |site: &ErrorSite<'_>| python && site.catches_all(file) == Some(false);
        if narrowed(&site) || node.start_byte() < site.body.start_byte() {
            continue;
        }
        let Some(culprit) = message_only_argument(node, site.name, file) else {
            continue;
        };
        if path_to(site.body, node, site.name, file) != Path::Plain
            || handler_keeps_stack(site.body, site.name, file)
            || only_parses_or_cleans_up(&site, file)
            || answers_no_result(&site, file)
            || expects_failure(&site, file)
            || exits_process(&site, file)
            || tolerates_failure(&site, node, file)
        {
            continue;
        }
        let step = step_owner(&site, file);
        if matches!(step, Some(StepOwner::Other)) {
            continue;
        }
        let Some(site) = site.confirm(file).filter(|site| !narrowed(site)) else {
            continue;
        };
        let (message, help) = describe(&call, culprit, site.name, file, python);
        let fix = fixes::log_without_stack(&call, culprit.node, site.name, site.node, file);
        return Some(Finding {
            culprit: culprit.node,
            binding: Some(site.binding),
            helper: match culprit.form {
                Form::Helper(callee) => Some(callee),
                _ => None,
            },
            step,
            message,
            help,
            fix,
        });
    }
    None
}

/// Where an expression sits inside the logging call's arguments, which decides what a bare
/// reference to the caught error means there.
#[derive(Clone, Copy)]
enum Place<'tree> {
    /// A direct argument of the logging call.
    Argument,
    /// Inside an expression that turns its parts into text: a template literal, `'…' + x`, an
    /// f-string, `'%s' % x`, `'{}'.format(x)`.
    Text(Node<'tree>),
    /// Only tested: `typeof err`, `err instanceof Error`, `isinstance(e, X)`, a condition.
    Test,
    /// Inside an object, array, dict or keyword argument.
    Nested,
    /// Passed to a function the rule does not know, which may well print the stack.
    Opaque,
}

/// What a message-only argument is, for the message.
#[derive(Clone, Copy)]
enum Form<'tree> {
    /// `err.message`, `String(err)`, `str(e)`, `e.args`, a helper of the module that returns
    /// the message: the span's text says it.
    Explicit,
    /// The error itself turned into text by the surrounding expression.
    AsText,
    /// Python: the exception object as the message or a `%s` argument.
    Bare,
    /// The error handed to a function of another module (the callee), which may return its
    /// message (`getErrorMessage(err)`) or render the stack (`formatError(err)`).
    Helper(Node<'tree>),
}

/// The expression that carries only the message.
#[derive(Clone, Copy)]
struct Culprit<'tree> {
    node: Node<'tree>,
    form: Form<'tree>,
}

/// What the arguments of one logging call do with the caught error.
#[derive(Default)]
struct Scan<'tree> {
    keeps_stack: bool,
    message: Option<Culprit<'tree>>,
    bare: Option<Node<'tree>>,
    /// A call that hands the error to a function of another module, and that function.
    helper: Option<(Node<'tree>, Node<'tree>)>,
}

impl<'tree> Scan<'tree> {
    fn message(&mut self, node: Node<'tree>, form: Form<'tree>) {
        self.message.get_or_insert(Culprit { node, form });
    }

    /// Records what the shared reading of the error's text says of `node`; whether it said
    /// anything.
    fn error_text(&mut self, node: Node<'tree>, name: &str, file: &FileModel<'tree>) -> bool {
        match error_text(node, name, file) {
            Some(ErrorText::Part(ErrorPart::Message)) => self.message(node, Form::Explicit),
            Some(ErrorText::Part(ErrorPart::Stack)) => self.keeps_stack = true,
            Some(ErrorText::Helper { callee }) => {
                self.helper.get_or_insert((node, callee));
            }
            None => return false,
        }
        true
    }
}

/// The argument to point at when the call logs only the message of `name`, if it does.
fn message_only_argument<'tree>(
    call: Node<'tree>,
    name: &str,
    file: &FileModel<'tree>,
) -> Option<Culprit<'tree>> {
    let scan = scan_arguments(call, name, file)?;
    if scan.keeps_stack {
        return None;
    }
    scan.message
        .or_else(|| {
            scan.bare.map(|bare| Culprit {
                node: bare,
                form: Form::Bare,
            })
        })
        .or_else(|| {
            scan.helper.map(|(call, callee)| Culprit {
                node: call,
                form: Form::Helper(callee),
            })
        })
}

/// Reads the call's arguments with an explicit stack and a node budget; `None` when the budget
/// runs out (the rule then stays silent).
fn scan_arguments<'tree>(
    call: Node<'tree>,
    name: &str,
    file: &FileModel<'tree>,
) -> Option<Scan<'tree>> {
    let arguments = call.child_by_field_name("arguments")?;
    let python = !file.language.is_javascript_like();
    let mut scan = Scan::default();
    let mut stack: Vec<(Node<'tree>, Place<'tree>)> = Vec::new();
    let mut cursor = arguments.walk();
    let top: Vec<Node<'tree>> = arguments.named_children(&mut cursor).collect();
    for argument in top.into_iter().rev() {
        match argument.kind() {
            // `exc_info=` (any value) and `stack_info=True` are the author's explicit word on tracebacks.
            "keyword_argument" => {
                let key = argument
                    .child_by_field_name("name")
                    .map(|key| file.text(key));
                let value = argument.child_by_field_name("value");
                match key {
                    Some("exc_info") => scan.keeps_stack = true,
                    Some("stack_info") => {
                        scan.keeps_stack |=
                            value.is_none_or(|value| !matches!(value.kind(), "false" | "none"));
                    }
                    _ => stack.extend(value.map(|value| (value, Place::Nested))),
                }
            }
            // `**kwargs` may carry `exc_info`.
            "dictionary_splat" => scan.keeps_stack = true,
            "list_splat" | "spread_element" => stack.push((argument, Place::Nested)),
            "comment" => {}
            _ => stack.push((argument, Place::Argument)),
        }
    }
    let mut visited = 0;
    while let Some((node, place)) = stack.pop() {
        visited += 1;
        if visited > MAX_VISITED {
            return None;
        }
        if python {
            visit_python(node, place, name, file, &mut scan, &mut stack);
        } else {
            visit_javascript(node, place, name, file, &mut scan, &mut stack);
        }
        if scan.keeps_stack {
            break;
        }
    }
    Some(scan)
}

/// Pushes the named children of `node` in reverse, so that they pop in source order.
fn push_children<'tree>(
    node: Node<'tree>,
    place: Place<'tree>,
    stack: &mut Vec<(Node<'tree>, Place<'tree>)>,
) {
    let start = stack.len();
    let mut cursor = node.walk();
    stack.extend(node.named_children(&mut cursor).map(|child| (child, place)));
    stack[start..].reverse();
}

fn push_field<'tree>(
    node: Node<'tree>,
    field: &str,
    place: Place<'tree>,
    stack: &mut Vec<(Node<'tree>, Place<'tree>)>,
) {
    stack.extend(node.child_by_field_name(field).map(|child| (child, place)));
}

/// Keeps the outermost text-making expression as the span: `'a' + err + 'b'` is one argument.
fn text_place<'tree>(place: Place<'tree>, node: Node<'tree>) -> Place<'tree> {
    match place {
        Place::Text(_) => place,
        _ => Place::Text(node),
    }
}

fn visit_javascript<'tree>(
    node: Node<'tree>,
    place: Place<'tree>,
    name: &str,
    file: &FileModel<'tree>,
    scan: &mut Scan<'tree>,
    stack: &mut Vec<(Node<'tree>, Place<'tree>)>,
) {
    match node.kind() {
        "identifier" if file.text(node) == name => match place {
            Place::Text(text) => scan.message(text, Form::AsText),
            Place::Test => {}
            // `console.error('x', err)`, `{ error: err }`, `inspect(err)`: Node prints the stack.
            Place::Argument | Place::Nested | Place::Opaque => scan.keeps_stack = true,
        },
        "shorthand_property_identifier" if file.text(node) == name => scan.keeps_stack = true,
        "member_expression" => {
            let Some(object) = node.child_by_field_name("object") else {
                return;
            };
            if is_name(object, name, file) {
                scan.error_text(node, name, file);
            } else {
                stack.push((object, Place::Nested));
            }
        }
        "call_expression" => {
            let (Some(function), Some(arguments)) = (
                node.child_by_field_name("function"),
                node.child_by_field_name("arguments"),
            ) else {
                return;
            };
            let receiver = (function.kind() == "member_expression")
                .then(|| function.child_by_field_name("object"))
                .flatten();
            let on_error = receiver.is_some_and(|receiver| is_name(receiver, name, file));
            if !scan.error_text(node, name, file) {
                push_children(arguments, Place::Opaque, stack);
                if !on_error {
                    stack.push((function, Place::Nested));
                }
            }
        }
        "template_string" => push_children(node, text_place(place, node), stack),
        "binary_expression" => {
            let operator = node
                .child_by_field_name("operator")
                .map(|operator| operator.kind());
            let (left, right) = match operator {
                Some("+") => (text_place(place, node), text_place(place, node)),
                Some("&&") => (Place::Test, place),
                Some("||" | "??") => (place, place),
                _ => (Place::Test, Place::Test),
            };
            push_field(node, "right", right, stack);
            push_field(node, "left", left, stack);
        }
        "unary_expression" => push_children(node, Place::Test, stack),
        "ternary_expression" => {
            push_field(node, "alternative", place, stack);
            push_field(node, "consequence", place, stack);
            push_field(node, "condition", Place::Test, stack);
        }
        "template_substitution"
        | "parenthesized_expression"
        | "as_expression"
        | "satisfies_expression"
        | "non_null_expression"
        | "type_assertion"
        | "await_expression" => push_children(node, place, stack),
        // A nested function may rebind the name and runs later, if at all.
        "arrow_function" | "function_expression" | "function" | "class" => {}
        _ => push_children(node, Place::Nested, stack),
    }
}

fn visit_python<'tree>(
    node: Node<'tree>,
    place: Place<'tree>,
    name: &str,
    file: &FileModel<'tree>,
    scan: &mut Scan<'tree>,
    stack: &mut Vec<(Node<'tree>, Place<'tree>)>,
) {
    match node.kind() {
        "identifier" if file.text(node) == name => match place {
            Place::Text(text) => scan.message(text, Form::AsText),
            Place::Argument => {
                scan.bare.get_or_insert(node);
            }
            // `format_error(e)` may render the traceback.
            Place::Opaque => scan.keeps_stack = true,
            Place::Test | Place::Nested => {}
        },
        "attribute" => {
            let Some(object) = node.child_by_field_name("object") else {
                return;
            };
            if is_name(object, name, file) {
                scan.error_text(node, name, file);
            } else {
                stack.push((object, Place::Nested));
            }
        }
        "call" => {
            let (Some(function), Some(arguments)) = (
                node.child_by_field_name("function"),
                node.child_by_field_name("arguments"),
            ) else {
                return;
            };
            // `", ".join(x for x in …)`: a generator may rebind the name.
            if arguments.kind() != "argument_list" {
                return;
            }
            let callee = last_name(function, file);
            let receiver = (function.kind() == "attribute")
                .then(|| function.child_by_field_name("object"))
                .flatten();
            if scan.error_text(node, name, file) {
                // `str(e)`, `repr(e)`, `traceback.format_exc()`, `error_message(e)`.
            } else if function.kind() == "identifier"
                && matches!(
                    callee,
                    "type" | "isinstance" | "getattr" | "hasattr" | "id" | "bool"
                )
            {
                push_children(arguments, Place::Test, stack);
            } else if callee == "format"
                && receiver.is_some_and(|receiver| receiver.kind() == "string")
            {
                push_children(arguments, text_place(place, node), stack);
            } else {
                push_children(arguments, Place::Opaque, stack);
                match receiver {
                    Some(receiver) if is_name(receiver, name, file) => {}
                    _ => stack.push((function, Place::Nested)),
                }
            }
        }
        "string" => {
            let mut cursor = node.walk();
            let start = stack.len();
            stack.extend(
                node.named_children(&mut cursor)
                    .filter(|child| child.kind() == "interpolation")
                    .filter_map(|child| child.child_by_field_name("expression"))
                    .map(|expression| (expression, text_place(place, node))),
            );
            stack[start..].reverse();
        }
        "binary_operator" => {
            let operator = node
                .child_by_field_name("operator")
                .map(|operator| operator.kind());
            let left = node.child_by_field_name("left");
            let formats = operator == Some("%")
                && left.is_some_and(|left| matches!(left.kind(), "string" | "concatenated_string"));
            let right = if formats {
                text_place(place, node)
            } else {
                place
            };
            push_field(node, "right", right, stack);
            push_field(node, "left", place, stack);
        }
        "conditional_expression" => {
            let mut cursor = node.walk();
            let parts: Vec<Node<'tree>> = node.named_children(&mut cursor).collect();
            for (index, part) in parts.into_iter().enumerate().rev() {
                stack.push((part, if index == 1 { Place::Test } else { place }));
            }
        }
        "not_operator" | "comparison_operator" => push_children(node, Place::Test, stack),
        "tuple" if matches!(place, Place::Text(_)) => push_children(node, place, stack),
        "keyword_argument" => push_field(node, "value", place, stack),
        "parenthesized_expression" | "concatenated_string" | "boolean_operator" | "await" => {
            push_children(node, place, stack)
        }
        // These may rebind the name and, for lambdas, run later if at all.
        "lambda"
        | "generator_expression"
        | "list_comprehension"
        | "set_comprehension"
        | "dictionary_comprehension" => {}
        _ => push_children(node, Place::Nested, stack),
    }
}

/// What lies on the way from the code that receives the error down to the logging call.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Path {
    /// Nothing that changes what the call means.
    Plain,
    /// A function that declares its own parameter of the same name:
    /// `items.forEach((err) => log.error(err.message))` is about another `err`.
    Rebound,
    /// Too deep to read: the rule stays silent.
    TooDeep,
    /// A branch taken only for one kind of error (`if (err.code === 'P2024')`, a `case` of
    /// `switch (err.code)`, `if isinstance(e, TimeoutError)`), where a one-line message is the
    /// author's choice; or one taken only while debugging (`if (process.env.DEBUG)`).
    Deliberate,
}

/// Walks from `body` down to `call`, one child at a time, and says what it passed.
fn path_to(body: Node<'_>, call: Node<'_>, name: &str, file: &FileModel<'_>) -> Path {
    let mut node = body;
    let mut depth = 0;
    while node.id() != call.id() {
        depth += 1;
        if depth > MAX_PATH {
            return Path::TooDeep;
        }
        let Some(child) = node.child_with_descendant(call) else {
            return Path::Plain;
        };
        let parameters = child
            .child_by_field_name("parameters")
            .or_else(|| child.child_by_field_name("parameter"));
        if is_function(child) && parameters.is_some_and(|parameters| binds(parameters, name, file))
        {
            return Path::Rebound;
        }
        let condition = match node.kind() {
            // The branch taken when the condition holds: `if`, Python's `elif`, `c ? a : b`.
            "if_statement" | "elif_clause" | "ternary_expression"
                if node.child_by_field_name("consequence") == Some(child) =>
            {
                node.child_by_field_name("condition")
            }
            // `DEBUG && console.error(…)`, `settings.debug and logger.error(…)`.
            "binary_expression" | "boolean_operator"
                if node.child_by_field_name("right") == Some(child)
                    && node
                        .child_by_field_name("operator")
                        .is_some_and(|op| matches!(op.kind(), "&&" | "and")) =>
            {
                node.child_by_field_name("left")
            }
            _ => None,
        };
        if condition.is_some_and(|condition| {
            tests_error(condition, name, file) || is_debug_gate(condition, file)
        }) {
            return Path::Deliberate;
        }
        // `switch (err.code) { case 'P2024': … }`, `switch (true) { case err instanceof X: … }`;
        // not `default:`, which holds the unexpected errors.
        if child.kind() == "switch_case" {
            let switched_on_error = node
                .parent()
                .and_then(|switch| switch.child_by_field_name("value"))
                .is_some_and(|value| mentions(value, name, file));
            let case_tests_error = child
                .child_by_field_name("value")
                .is_some_and(|value| tests_error(value, name, file));
            if switched_on_error || case_tests_error {
                return Path::Deliberate;
            }
        }
        node = child;
    }
    Path::Plain
}

/// Whether a statement of the handler body, at its top level or inside its blocks, branches and
/// loops, passes the error on with its stack: it is rethrown (`throw err`, `raise`, a new error
/// with `cause: err`, any Python `raise` but an `HTTPException`), handed to the code that called
/// (`next(err)`, `done(err)`, `cb(err)`, `callback(err)`, `reject(err)`), reported
/// (`Sentry.captureException(err)`), or logged whole by another call (`logger.debug(err.stack)`,
/// `logger.exception(…)`, `traceback.print_exc()`). Nested functions and nested handlers are
/// not read: they run later, or for another error.
fn handler_keeps_stack(body: Node<'_>, name: &str, file: &FileModel<'_>) -> bool {
    let mut stack = vec![body];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_VISITED {
            return false;
        }
        let keeps = match node.kind() {
            "throw_statement" => node
                .named_child(0)
                .is_some_and(|thrown| is_name(thrown, name, file) || has_cause(thrown, name, file)),
            "raise_statement" => raise_keeps_context(node, file),
            "expression_statement" | "return_statement" => node
                .named_child(0)
                .and_then(|expression| {
                    let expression = if matches!(expression.kind(), "await_expression" | "await") {
                        expression.named_child(0)?
                    } else {
                        expression
                    };
                    matches!(expression.kind(), "call_expression" | "call").then_some(expression)
                })
                .is_some_and(|call| call_keeps_stack(call, name, file)),
            // A rethrow in a branch that tests the error (`if (err instanceof ValidationError)
            // throw err;`) hands on those errors only, not the ones logged outside it.
            "if_statement" | "elif_clause" => {
                let tested = node
                    .child_by_field_name("condition")
                    .is_some_and(|condition| tests_error(condition, name, file));
                let mut cursor = node.walk();
                stack.extend(
                    node.children_by_field_name("alternative", &mut cursor)
                        .chain(node.child_by_field_name("consequence").filter(|_| !tested)),
                );
                false
            }
            "switch_case"
                if node
                    .child_by_field_name("value")
                    .is_some_and(|value| tests_error(value, name, file))
                    || node
                        .parent()
                        .and_then(|body| body.parent())
                        .and_then(|switch| switch.child_by_field_name("value"))
                        .is_some_and(|value| mentions(value, name, file)) =>
            {
                false
            }
            "statement_block" | "block" | "else_clause" | "try_statement" | "finally_clause"
            | "for_statement" | "for_in_statement" | "while_statement" | "do_statement"
            | "with_statement" | "switch_statement" | "switch_body" | "switch_case"
            | "switch_default" | "labeled_statement" => {
                let mut cursor = node.walk();
                stack.extend(node.named_children(&mut cursor));
                false
            }
            _ => false,
        };
        if keeps {
            return true;
        }
    }
    false
}

/// JavaScript: `new AppError('…', { cause: err })` carries the error along.
fn has_cause(thrown: Node<'_>, name: &str, file: &FileModel<'_>) -> bool {
    let Some(arguments) = (thrown.kind() == "new_expression")
        .then(|| thrown.child_by_field_name("arguments"))
        .flatten()
    else {
        return false;
    };
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .filter(|argument| argument.kind() == "object")
        .any(|options| {
            let mut cursor = options.walk();
            options
                .named_children(&mut cursor)
                .any(|property| match property.kind() {
                    "pair" => {
                        property
                            .child_by_field_name("key")
                            .is_some_and(|key| file.text(key) == "cause")
                            && property
                                .child_by_field_name("value")
                                .is_some_and(|value| is_name(value, name, file))
                    }
                    "shorthand_property_identifier" => {
                        file.text(property) == "cause" && name == "cause"
                    }
                    _ => false,
                })
        })
}

/// Python chains the handled exception into whatever is raised in its handler (`__context__`,
/// or `__cause__` with `from e`), and the traceback printed upstream shows it. Not so for
/// `raise … from None`, nor for `HTTPException`, which FastAPI turns into a response unlogged.
fn raise_keeps_context(statement: Node<'_>, file: &FileModel<'_>) -> bool {
    let Some(raised) = statement.named_child(0) else {
        return true;
    };
    if statement
        .child_by_field_name("cause")
        .is_some_and(|cause| cause.kind() == "none")
    {
        return false;
    }
    let exception = match raised.kind() {
        "call" => raised.child_by_field_name("function").unwrap_or(raised),
        _ => raised,
    };
    !last_name(exception, file).ends_with("HTTPException")
}

fn call_keeps_stack(call: Node<'_>, name: &str, file: &FileModel<'_>) -> bool {
    let Some(function) = call.child_by_field_name("function") else {
        return false;
    };
    let callee = last_name(function, file);
    let first_argument = call
        .child_by_field_name("arguments")
        .and_then(|arguments| arguments.named_child(0));
    // The callbacks that take an error first, and `Promise.reject(err)`.
    let hands_back = match function.kind() {
        "identifier" => matches!(callee, "next" | "done" | "cb" | "callback" | "reject"),
        "member_expression" => {
            callee == "reject"
                && function
                    .child_by_field_name("object")
                    .is_some_and(|object| file.text(object) == "Promise")
        }
        _ => false,
    };
    if hands_back {
        return first_argument.is_some_and(|argument| is_name(argument, name, file));
    }
    if matches!(
        callee,
        "captureException" | "capture_exception" | "recordException" | "record_exception"
    ) {
        // `capture_exception()` without an argument reports the exception being handled.
        return first_argument.is_none_or(|argument| is_name(argument, name, file));
    }
    if is_traceback_function(callee) {
        return true;
    }
    match LogCall::of(call, file) {
        Some(log) if log.method == "exception" => true,
        Some(log) => scan_arguments(log.call, name, file).is_some_and(|scan| scan.keeps_stack),
        // `print(traceback.format_exc())`, `sys.stderr.write(traceback.format_exc())`.
        None => call
            .child_by_field_name("arguments")
            .is_some_and(|arguments| renders_traceback(arguments, file)),
    }
}

/// Whether an expression calls a `traceback` function that renders the traceback.
fn renders_traceback(expression: Node<'_>, file: &FileModel<'_>) -> bool {
    let mut stack = vec![expression];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_PARAMETER_NODES {
            return false;
        }
        if node.kind() == "call"
            && node
                .child_by_field_name("function")
                .is_some_and(|function| is_traceback_function(last_name(function, file)))
        {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

fn describe(
    call: &LogCall<'_>,
    culprit: Culprit<'_>,
    name: &str,
    file: &FileModel<'_>,
    python: bool,
) -> (String, String) {
    let lost = if python { "traceback" } else { "stack trace" };
    let message = match culprit.form {
        Form::Explicit | Form::Helper(_) => match short(file.text(culprit.node)) {
            Some(text) => format!("`{text}` is logged without its {lost}"),
            None => format!("The message of `{name}` is logged without its {lost}"),
        },
        Form::AsText => format!("`{name}` is logged as text, without its {lost}"),
        Form::Bare => format!("`{name}` is logged without its {lost}"),
    };
    let receiver = short(file.text(call.receiver)).unwrap_or("logger");
    let help = if python {
        if matches!(call.method, "warning" | "warn") {
            format!(
                "Pass `exc_info=True` to keep the traceback: `{receiver}.{}('…', exc_info=True)`",
                call.method
            )
        } else {
            format!(
                "Use `{receiver}.exception('…')`, which logs the traceback, or pass `exc_info=True`"
            )
        }
    } else if call.console {
        format!(
            "Pass the error object itself: `console.{}('…', {name})`",
            call.method
        )
    } else {
        let field = if name == "err" {
            "err".to_string()
        } else {
            format!("err: {name}")
        };
        format!(
            "Pass the error object itself, e.g. `{receiver}.{}({{ {field} }}, '…')`",
            call.method
        )
    };
    (message, help)
}

/// The text if it fits in a one-line message.
fn short(text: &str) -> Option<&str> {
    (text.len() <= 40 && !text.contains('\n')).then_some(text)
}
