//! Facts: what project rules need to know about a file, gathered during the one walk over its
//! tree and kept as small owned data (no tree, no source text) after the tree is dropped.
//!
//! Facts are syntactic: `const app = express()` is recorded as a call of the name `express`.
//! What a name means (that `express` is imported from the `express` package, so the call
//! creates an app) is decided later by the project view, which sees every file.

pub(crate) mod clients;
pub(crate) mod create_once;
pub(crate) mod env;
pub(crate) mod javascript;
pub(crate) mod nullable;
pub(crate) mod process;
pub(crate) mod python;

pub use clients::EXTRA_CLIENTS;
pub use javascript::MODULE_EXPORTS;
pub use nullable::{FalsyArguments, FlagParameter, Nullability};

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use lint500_core::{Language, Span};
use tree_sitter::Node;

use crate::model::FileModel;
use crate::options::RuleOptions;
use crate::unawaited::{PromiseUse, callee_name, unawaited_use};
use javascript::JsFactsCollector;
use python::PyFactsCollector;

/// The facts of one file.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct FileFacts {
    /// JavaScript and TypeScript modules: imports, exports, functions, Express registrations.
    pub module: Option<JsModule>,
    /// Python modules: imports, module-level names, functions, FastAPI routes and dependencies.
    pub python: Option<PyModule>,
}

impl FileFacts {
    pub fn is_empty(&self) -> bool {
        self.module.is_none() && self.python.is_none()
    }
}

/// The node kinds the facts collectors want to see, besides functions (which the walk tracks
/// anyway); each collector acts on the kinds of its language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FactKind {
    Import,
    ImportFrom,
    Export,
    Declarator,
    Assignment,
    Call,
    /// `new X(…)`: where JavaScript clients are constructed.
    New,
    Class,
    Await,
    ForIn,
    /// `a.b` / `a[b]`: where environment reads are.
    Member,
    Decorated,
    /// Python's `"KEY" in os.environ`: a test of a variable.
    Comparison,
    /// `if …`, `x ??= …`: where a create-once initialiser may start.
    Conditional,
}

/// The kinds each language's collector wants, by node kind name.
pub(crate) fn fact_kinds(language: Language) -> &'static [(&'static str, FactKind)] {
    if language.is_javascript_like() {
        javascript::FACT_KINDS
    } else {
        python::FACT_KINDS
    }
}

/// Gathers a file's facts during the walk, in the language of the file.
pub(crate) enum FactsCollector {
    JavaScript(JsFactsCollector),
    Python(PyFactsCollector),
}

impl FactsCollector {
    /// A collector for a file of `language`; `options` (by rule index) may name more clients.
    pub(crate) fn new(language: Language, options: &[RuleOptions]) -> FactsCollector {
        let extra_clients = options
            .iter()
            .flat_map(|options| options.get(EXTRA_CLIENTS))
            .cloned()
            .collect();
        if language.is_javascript_like() {
            FactsCollector::JavaScript(JsFactsCollector::new(language, extra_clients))
        } else {
            FactsCollector::Python(PyFactsCollector::new(extra_clients))
        }
    }

    /// Records a fact node; `covered` says whether an `await` here sits in a `try` block with
    /// a `catch` of the innermost enclosing function.
    pub(crate) fn enter(
        &mut self,
        node: Node<'_>,
        kind: FactKind,
        file: &FileModel<'_>,
        covered: bool,
    ) {
        match self {
            FactsCollector::JavaScript(collector) => collector.enter(node, kind, file, covered),
            FactsCollector::Python(collector) => collector.enter(node, kind, file),
        }
    }

    pub(crate) fn enter_function(&mut self, node: Node<'_>, file: &FileModel<'_>) {
        match self {
            FactsCollector::JavaScript(collector) => collector.enter_function(node, file),
            FactsCollector::Python(collector) => collector.enter_function(node, file),
        }
    }

    pub(crate) fn leave_function(&mut self) {
        match self {
            FactsCollector::JavaScript(collector) => collector.leave_function(),
            FactsCollector::Python(collector) => collector.leave_function(),
        }
    }

    pub(crate) fn finish(self, source: &str) -> FileFacts {
        match self {
            FactsCollector::JavaScript(collector) => FileFacts {
                module: Some(collector.finish(source)),
                python: None,
            },
            FactsCollector::Python(collector) => FileFacts {
                module: None,
                python: Some(collector.finish(source)),
            },
        }
    }
}

/// What a Python module imports, binds at module level, defines and registers with FastAPI.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct PyModule {
    /// `import a.b as c` (the whole module, [`Imported::Namespace`]) and `from .b import c`
    /// ([`Imported::Named`]); the specifier is the module as written (`os`, `app.deps`,
    /// `.deps`, `..`). Imports inside functions are included.
    pub imports: Vec<Import>,
    /// Names bound at module level: assignments and `def`s, in source order.
    pub bindings: Vec<Binding>,
    /// The functions project rules can use, sorted by where they start.
    pub functions: Vec<Function>,
    /// Route decorators `@receiver.get(…)` (the handler is the decorated function) and
    /// `receiver.add_api_route(path, endpoint)` calls.
    pub routes: Vec<Registration>,
    /// What `Depends(…)` / `Security(…)` name anywhere in the file: parameter defaults,
    /// `dependencies=[…]` of decorators, routers and apps.
    pub dependencies: Vec<Value>,
    pub unawaited_calls: Vec<UnawaitedCall>,
    /// Environment variables the module assigns (`os.environ["KEY"] = …`), anywhere in it;
    /// `None` for a computed key. A server that saves settings into its environment while it
    /// runs must read them where they are used: a read at startup would keep the old value.
    pub env_writes: Vec<Option<String>>,
    /// Every class statement, in source order; those at module level are also bindings.
    pub classes: Vec<Class>,
}

impl PyModule {
    pub fn function(&self, start_byte: usize) -> Option<&Function> {
        function_at(&self.functions, start_byte)
    }

    /// The value a module-level name is bound to (its last binding: a module's names end up
    /// with the value they were given last).
    pub fn binding(&self, name: &str) -> Option<&Value> {
        self.bindings
            .iter()
            .rev()
            .find(|binding| binding.name == name)
            .map(|binding| &binding.value)
    }

    pub fn import(&self, local: &str) -> Option<&Import> {
        self.imports
            .iter()
            .rev()
            .find(|import| import.local == local)
    }
}

/// A read of the process environment inside a function that can fail the code around it
/// when the variable is missing. Reads that cannot are not recorded: those with a fallback
/// (`process.env.PORT || '3000'`, `os.getenv("X", "")`), those whose absence the
/// function tests (`if (!process.env.KEY) …`, a variable read into and then tested), and those
/// in a create-once initialiser (`if (!client) { client = … }` on a module-level binding).
/// A function records each variable once, at its first such read.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EnvRead {
    /// The whole read: `os.environ["KEY"]`, `os.getenv("KEY")`, `process.env.KEY`.
    pub span: Span,
    pub variable: EnvVariable,
    /// `os.environ[…]` raises `KeyError` when the variable is missing; the other forms
    /// yield `None` / `undefined`.
    pub raises_when_missing: bool,
}

/// Which environment variable a read or a test of presence is of.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum EnvVariable {
    /// Named by the code: `process.env.KEY`, `os.environ["KEY"]`, `'KEY' in process.env`.
    Named(String),
    /// A computed key, as written: `process.env[name]`, `os.getenv(key)`, `key in os.environ`.
    /// The reads and tests of one function that write the same key are of one variable.
    Computed(String),
    /// No one variable: the environment itself (`const env = process.env`) or several
    /// (`const { A, B } = process.env`).
    Several,
}

impl EnvVariable {
    /// The variable's name, when the code names it.
    pub fn name(&self) -> Option<&str> {
        match self {
            EnvVariable::Named(name) => Some(name),
            EnvVariable::Computed(_) | EnvVariable::Several => None,
        }
    }
}

/// A pooled client (a database engine, connection pool or cache client) constructed inside a
/// function: `new PrismaClient()`, `mysql.createPool(…)`, `create_engine(…)`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClientConstruction {
    /// The construction: the `new` expression or the call.
    pub span: Span,
    /// The client as the rule names it: `new PrismaClient()`, `create_engine()`.
    pub client: String,
    /// Assigned to a binding that outlives the call (a module-level name, a Python `global`,
    /// an attribute) under a "not created yet" guard (`if (!prisma) prisma = new …`,
    /// `client ??= …`, `if engine is None: engine = …`): built once, then reused.
    pub lazy_singleton: bool,
}

/// What a JavaScript or TypeScript module imports, exports, defines and registers.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct JsModule {
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    /// Specifiers of `export * from '…'`.
    pub star_exports: Vec<String>,
    /// Names bound to values: variables, functions and classes, in source order.
    pub bindings: Vec<Binding>,
    /// Every function in the file, sorted by where it starts.
    pub functions: Vec<Function>,
    pub classes: Vec<Class>,
    /// Calls shaped like Express registrations (`x.get(…)`, `x.use(…)`, `x.route(…).post(…)`),
    /// in source order.
    pub registrations: Vec<Registration>,
    /// Every module specifier imported or required, including side-effect imports.
    pub specifiers: Vec<String>,
    pub unawaited_calls: Vec<UnawaitedCall>,
    /// Environment variables the module assigns (`process.env.KEY = …`), as in
    /// [`PyModule::env_writes`].
    pub env_writes: Vec<Option<String>>,
    /// `process.on('uncaughtException' | 'unhandledRejection', handler)` (also `once`,
    /// `addListener`, `prependListener`), in source order.
    pub process_listeners: Vec<ProcessListener>,
    /// `x.listen(…)` calls: where a server may start.
    pub listen_calls: Vec<ListenCall>,
}

/// A listener added to `process` for an error nothing else caught.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProcessListener {
    /// `uncaughtException` or `unhandledRejection`.
    pub event: String,
    /// The event name's string literal.
    pub event_span: Span,
    pub handler: Value,
    /// The handler argument: the function written there, or the name given.
    pub handler_span: Span,
}

/// `receiver.listen(…)`.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ListenCall {
    pub receiver: Value,
    /// `receiver.listen`.
    pub span: Span,
}

/// Whether a function ends the process (exits, aborts, throws, or signals itself to stop) on
/// every path, as far as its own module tells: calls of imported functions stay open.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Ending {
    #[default]
    Never,
    Always,
    /// When the function this call names does (an imported one, for the project view).
    Call(Value),
    /// When any of these does: statements that run one after another.
    Any(Vec<Ending>),
    /// When every one of these does: the branches of an `if`, a `try` and its `catch`.
    All(Vec<Ending>),
}

/// A call of an imported name whose result is not awaited and is used as if it were its
/// value, or dropped (`const user = getUser(id); user.name`, `users.remove(id);`). Whether
/// that is wrong depends on the callee, in another module: the project view tells.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UnawaitedCall {
    pub callee: Value,
    /// The callee as a dotted name (`getUser`, `users.remove`), when it is one.
    pub name: Option<String>,
    pub span: Span,
    pub how: PromiseUse,
    /// Where the result is used, for a label (see [`crate::UnawaitedUse::label_site`]).
    pub used_at: Option<Span>,
    /// The variable the result went through before that use.
    pub variable: Option<String>,
    pub in_async_function: bool,
}

/// A name bound by an import or a `require`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Import {
    pub local: String,
    pub specifier: String,
    pub imported: Imported,
}

/// Which part of a module an import takes.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Imported {
    /// `import x from` — the default export (`module.exports` of a CommonJS module).
    Default,
    /// `import * as x from`, or `require('…')` — the whole module.
    Namespace,
    /// `import { x } from`, or `const { x } = require('…')`.
    Named(String),
}

/// A value a module exports under a name; `default` is also what `module.exports = …` sets.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Export {
    pub name: String,
    pub value: Value,
}

pub const DEFAULT_EXPORT: &str = "default";

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Binding {
    pub name: String,
    pub value: Value,
}

/// What an expression denotes, as far as syntax tells.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Value {
    /// A function written here, by the byte where it starts.
    Function(usize),
    /// A class written here, by its index in [`JsModule::classes`] or [`PyModule::classes`].
    Class(usize),
    /// An identifier.
    Name(String),
    /// `object.property`.
    Member(Box<Value>, String),
    /// An object literal's properties.
    Object(Vec<(String, Value)>),
    /// `new Class(…)`.
    New(Box<Value>),
    /// The result of a call.
    Call(Box<Call>),
    /// A whole module: `require('./users')`, or the module of `export { x } from './users'`.
    Module(String),
    /// Anything else: literals, arithmetic, expressions too deep to follow.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Call {
    pub callee: Value,
    pub span: Span,
    /// The positional arguments the view can follow (names, members, functions, calls):
    /// what a wrapper such as `asyncHandler(fn)` wraps.
    pub arguments: Vec<Value>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Function {
    pub start_byte: usize,
    pub name: Option<String>,
    pub is_async: bool,
    /// `function*`, or a Python function that yields: its call returns an iterator (an async
    /// generator when it is also async), not a promise or coroutine.
    pub is_generator: bool,
    /// `fn.length` in JavaScript: the parameters before the first default or rest parameter.
    /// Express tells error middleware (four) from other middleware by it.
    pub arity: u8,
    pub first_parameter: Option<String>,
    /// Where the parameter list is, to point at a middleware's signature.
    pub signature: Span,
    /// The first `await` (or `for await`) not inside the `try` block of a `try … catch` in this
    /// function itself, nor of a promise with a rejection handler chained (`await
    /// p.catch(…)`, `await p.then(ok, fail)`).
    pub first_uncovered_await: Option<Span>,
    /// JavaScript: an async function whose whole body runs inside a `try … catch` that
    /// neither rethrows nor awaits in its handler, so the promise it returns never rejects.
    /// (A Python coroutine that nobody awaits never runs, so this is always false there.)
    pub never_rejects: bool,
    /// A function this one returns directly (`() => (err, req, res, next) => …`), by start byte.
    pub returns_function: Option<usize>,
    /// JavaScript: the Express app this function builds and returns (`function createApp() {
    /// const app = express(); …; return app; }`), by the name it returns; set only when the
    /// module binds that name to `express()`. An app factory's result is that app.
    pub returns_app: Option<String>,
    /// Whether it returns the message of the error it is given as its first parameter
    /// (`getErrorMessage(err)`): see [`crate::error_text::returns_error_text`].
    pub returns_error_text: bool,
    /// Whether its result may be empty: its declared return type admits nothing (Python `->
    /// Optional[T]`, `-> T | None`; TypeScript `: Promise<T | undefined>`), perhaps only when
    /// a call turns off the flag under which it raises instead. Its result is then a lookup
    /// where it is called so: see [`Nullability`].
    pub nullability: Nullability,
    /// The function this one is written in, by start byte.
    pub enclosing: Option<usize>,
    /// Written in a create-once initialiser of the function it is written in (`if (!ready) {
    /// ready = (async () => { … })() }`): made once per process, not each time that one runs.
    pub created_once: bool,
    /// The functions of this module it calls by name, by start byte.
    pub calls: Vec<CallEdge<usize>>,
    /// JavaScript: what its own body calls of imported names (`createLead(…)`,
    /// `users.create(…)`), once each: the project view follows them into other modules.
    pub imported_calls: Vec<CallEdge<Value>>,
    /// Whether the module calls it by name outside any function, that is while it loads.
    pub called_at_load: bool,
    /// Whether [`Function::imported_calls`] holds a call of a module the specifier says is
    /// the project's (relative, `#`, an alias such as `@/` or `~/`, a scoped workspace
    /// package): such functions may reach request-time facts in another module, and are kept.
    pub calls_project_imports: bool,
    /// Python `@cache` / `@lru_cache`: its body runs once per argument list, not per call.
    pub cached: bool,
    /// Environment reads in its own body (those of nested functions are theirs).
    pub env_reads: Vec<EnvRead>,
    /// Variables its own body tests for presence (`if (!process.env.KEY) …`): the functions
    /// it calls after the test may read them safely.
    pub env_tested: Vec<EnvVariable>,
    /// Pooled database or cache clients constructed in its own body.
    pub clients: Vec<ClientConstruction>,
    /// JavaScript: whether it ends the process on every path (see [`Ending`]).
    pub ending: Ending,
    /// JavaScript, for module-level functions and process listeners written in place: its
    /// body never names its first parameter (or it has none), so it drops the error or
    /// rejection reason it is given. False where not read.
    pub ignores_first_argument: bool,
}

/// A call from a function's own body: what it calls, and whether every such call is made in
/// a create-once initialiser of the function (`if (!client) { client = await connect() }`,
/// see [`create_once`]): such a call runs once per process, however often the function runs.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CallEdge<Callee> {
    pub callee: Callee,
    pub once: bool,
}

/// Records a call of `callee` in `edges`, one edge per callee: it runs each time the caller
/// does as soon as one of its calls does.
pub(crate) fn add_call<Callee: PartialEq>(
    edges: &mut Vec<CallEdge<Callee>>,
    callee: Callee,
    once: bool,
) {
    match edges.iter_mut().find(|edge| edge.callee == callee) {
        Some(edge) => edge.once &= once,
        None => edges.push(CallEdge { callee, once }),
    }
}

impl Function {
    /// The functions of this module it calls each time it runs (not only while it creates
    /// something once), by start byte: what runs at request time when it does.
    pub fn calls_each_time(&self) -> impl Iterator<Item = usize> + '_ {
        self.calls
            .iter()
            .filter(|edge| !edge.once)
            .map(|edge| edge.callee)
    }

    /// What it calls of imported names each time it runs, as [`Function::calls_each_time`].
    pub fn imported_calls_each_time(&self) -> impl Iterator<Item = &Value> {
        self.imported_calls
            .iter()
            .filter(|edge| !edge.once)
            .map(|edge| &edge.callee)
    }

    /// Whether it holds a fact that request-time rules report on: such functions, and those
    /// that contain or call them, are kept when a file's facts are trimmed.
    fn has_request_time_facts(&self) -> bool {
        !self.env_reads.is_empty()
            || self.clients.iter().any(|client| !client.lazy_singleton)
            || self.calls_project_imports
    }
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Class {
    pub name: Option<String>,
    /// Methods and function-valued fields, by name.
    pub members: Vec<(String, Value)>,
    /// The classes it extends, in order, without type arguments: `BaseRepository` for
    /// `extends BaseRepository<User>` or `(BaseRepository[Article])`. A member it does not
    /// define is looked up there.
    pub bases: Vec<Value>,
}

/// A call shaped like an Express registration: `receiver.method(path?, ...handlers)`.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Registration {
    pub receiver: Value,
    /// `get`, `post`, …, `all`, `use`.
    pub method: String,
    /// The arguments after a leading path, with arrays flattened.
    pub handlers: Vec<Value>,
    /// JavaScript: whether a path comes first (`app.use('/api', api)`), under which `use`
    /// mounts what it is given. False in Python, where no rule asks.
    pub at_path: bool,
    /// `receiver.method`, or `receiver.route(…).method` for route chains.
    pub span: Span,
    /// The function whose body makes the registration, by start byte; none at module level.
    /// Registrations run in source order only within one body: a function's run when it is
    /// called.
    pub function: Option<usize>,
}

impl JsModule {
    pub fn function(&self, start_byte: usize) -> Option<&Function> {
        function_at(&self.functions, start_byte)
    }

    /// The value bound to `name` in this module (its first binding), if any.
    pub fn binding(&self, name: &str) -> Option<&Value> {
        self.bindings
            .iter()
            .find(|binding| binding.name == name)
            .map(|binding| &binding.value)
    }

    pub fn import(&self, local: &str) -> Option<&Import> {
        self.imports.iter().find(|import| import.local == local)
    }

    pub fn export(&self, name: &str) -> Option<&Value> {
        self.exports
            .iter()
            .rev()
            .find(|export| export.name == name)
            .map(|export| &export.value)
    }
}

fn function_at(functions: &[Function], start_byte: usize) -> Option<&Function> {
    functions
        .binary_search_by_key(&start_byte, |function| function.start_byte)
        .ok()
        .map(|index| &functions[index])
}

/// A call by plain name seen during the walk, resolved against the module's bindings once the
/// walk is done: the function making it (index into the collector's functions; none at module
/// level), where the callee's name is, and whether it is made in a create-once initialiser.
pub(crate) type NamedCall = (Option<usize>, Range<usize>, bool);

/// Turns the calls by name into call edges between the module's functions (`calls`,
/// `called_at_load`), then keeps the functions that `keep` asks for and those that hold,
/// contain or call (transitively) request-time facts; edges to dropped functions go.
/// `callee` says which function start a name is bound to.
pub(crate) fn link_and_trim_functions(
    functions: &mut Vec<Function>,
    calls: &[NamedCall],
    source: &str,
    callee: impl Fn(&str) -> Option<usize>,
    keep: impl Fn(&Function) -> bool,
) {
    for (caller, name, once) in calls {
        let Some(target) = source.get(name.clone()).and_then(&callee) else {
            continue;
        };
        match caller {
            Some(caller) => {
                if let Some(function) = functions.get_mut(*caller) {
                    add_call(&mut function.calls, target, *once);
                }
            }
            None => {
                if let Ok(index) =
                    functions.binary_search_by_key(&target, |function| function.start_byte)
                {
                    functions[index].called_at_load = true;
                }
            }
        }
    }
    // Functions that reach request-time facts: a worklist over the reversed edges (callers and
    // enclosing functions), so each function is visited once however deep the nesting.
    let index_of = |start: usize| {
        functions
            .binary_search_by_key(&start, |function| function.start_byte)
            .ok()
    };
    let mut callers: HashMap<usize, Vec<usize>> = HashMap::new();
    for (index, function) in functions.iter().enumerate() {
        for edge in &function.calls {
            callers.entry(edge.callee).or_default().push(index);
        }
    }
    let mut pending: Vec<usize> = (0..functions.len())
        .filter(|&index| functions[index].has_request_time_facts())
        .collect();
    let mut reaching: HashSet<usize> = HashSet::new();
    while let Some(index) = pending.pop() {
        let function = &functions[index];
        if !reaching.insert(function.start_byte) {
            continue;
        }
        pending.extend(function.enclosing.and_then(index_of));
        pending.extend(callers.get(&function.start_byte).into_iter().flatten());
    }
    functions.retain(|function| keep(function) || reaching.contains(&function.start_byte));
    let kept: HashSet<usize> = functions
        .iter()
        .map(|function| function.start_byte)
        .collect();
    for function in functions.iter_mut() {
        function.calls.retain(|edge| kept.contains(&edge.callee));
        function.calls.shrink_to_fit();
    }
    functions.shrink_to_fit();
}

/// The [`UnawaitedCall`] of `call`, when its result is not awaited and is used in one of the
/// ways [`PromiseUse`] names. `callee` is what the view resolves.
pub(crate) fn unawaited_call(
    call: Node<'_>,
    callee: Node<'_>,
    value: Value,
    in_async_function: bool,
    file: &FileModel<'_>,
) -> Option<UnawaitedCall> {
    let found = unawaited_use(call, file)?;
    let used_at = found.label_site(call).map(|at| file.span(at));
    Some(UnawaitedCall {
        callee: value,
        name: callee_name(callee, file),
        span: file.span(call),
        how: found.how,
        used_at,
        variable: found
            .variable
            .map(|variable| file.text(variable).to_string()),
        in_async_function,
    })
}

/// The functions whose facts a file keeps, from a walk that runs no rule: what the facts
/// collectors' tests look at.
#[cfg(test)]
pub(crate) fn functions_of(source: &str, language: Language) -> Vec<Function> {
    use std::sync::LazyLock;

    use crate::dispatch::{WalkPlan, lint_tree};
    use crate::grammar::parse;
    use crate::rule::RuleSet;

    static NO_RULES: LazyLock<RuleSet> =
        LazyLock::new(|| RuleSet::new(Vec::new()).expect("an empty rule set is valid"));
    let tree = parse(source, language).expect("parses");
    let facts = lint_tree(source, &tree, language, &WalkPlan::facts_only(&NO_RULES)).facts;
    match (facts.module, facts.python) {
        (Some(module), _) => module.functions,
        (_, Some(module)) => module.functions,
        _ => Vec::new(),
    }
}
