//! Gathers [`PyModule`] facts while the engine walks a Python tree.

use std::sync::OnceLock;

use lint500_core::Language;
use lint500_knowledge::servers;
use tree_sitter::Node;

use super::clients::{extra_client, is_py_client_name, py_client, py_lazy_singleton};
use super::create_once::Initialisers;
use super::env;
use super::{
    Binding, Call, Class, ClientConstruction, Ending, EnvVariable, FactKind, Function, Import,
    Imported, NamedCall, PyModule, Registration, Value, link_and_trim_functions, unawaited_call,
};
use crate::async_callables::{is_python_coroutine_function, is_shadowed};
use crate::grammar::grammar;
use crate::model::FileModel;
use crate::syntax::has_token;

/// The node kinds the collector wants to see, besides functions (which the walk tracks anyway).
pub(crate) const FACT_KINDS: &[(&str, FactKind)] = &[
    ("import_statement", FactKind::Import),
    ("import_from_statement", FactKind::ImportFrom),
    ("assignment", FactKind::Assignment),
    ("call", FactKind::Call),
    ("subscript", FactKind::Member),
    ("decorated_definition", FactKind::Decorated),
    ("comparison_operator", FactKind::Comparison),
    ("class_definition", FactKind::Class),
    ("if_statement", FactKind::Conditional),
];

/// Decorators that memoise a function: its body runs once per argument list.
const CACHE_DECORATORS: &[&str] = &["cache", "lru_cache", "cached_property", "cached"];

/// How deep an expression is followed to describe its value; deeper is [`Value::Unknown`].
const MAX_VALUE_DEPTH: usize = 12;

/// Ids of the kinds and fields the hot paths look at (see the JavaScript collector's `Ids`).
struct Ids {
    identifier: u16,
    attribute: u16,
    module: u16,
    decorated_definition: u16,
    expression_statement: u16,
    function: u16,
    arguments: u16,
    object: u16,
    attribute_field: u16,
    value: u16,
    name: u16,
    parameters: u16,
    left: u16,
    right: u16,
}

impl Ids {
    fn get() -> &'static Ids {
        static IDS: OnceLock<Ids> = OnceLock::new();
        IDS.get_or_init(|| {
            let grammar = grammar(Language::Python);
            let kind = |name: &str| grammar.id_for_node_kind(name, true);
            let field = |name: &str| grammar.field_id_for_name(name).map_or(0, |id| id.get());
            Ids {
                identifier: kind("identifier"),
                attribute: kind("attribute"),
                module: kind("module"),
                decorated_definition: kind("decorated_definition"),
                expression_statement: kind("expression_statement"),
                function: field("function"),
                arguments: field("arguments"),
                object: field("object"),
                attribute_field: field("attribute"),
                value: field("value"),
                name: field("name"),
                parameters: field("parameters"),
                left: field("left"),
                right: field("right"),
            }
        })
    }
}

pub(crate) struct PyFactsCollector {
    ids: &'static Ids,
    module: PyModule,
    /// Indices into `module.functions` of the functions enclosing the walk, innermost last.
    open_functions: Vec<usize>,
    calls: Vec<NamedCall>,
    /// Start bytes of definitions decorated with a cache decorator, seen before the definition.
    cached_definitions: Vec<usize>,
    /// Variables a function tests for presence (index into `module.functions`, variable).
    env_tested: Vec<(usize, EnvVariable)>,
    /// Constructors and factories the configuration adds to the built-in clients.
    extra_clients: Vec<String>,
    initialisers: Initialisers,
}

impl PyFactsCollector {
    pub(crate) fn new(extra_clients: Vec<String>) -> PyFactsCollector {
        PyFactsCollector {
            ids: Ids::get(),
            module: PyModule::default(),
            open_functions: Vec::new(),
            calls: Vec::new(),
            cached_definitions: Vec::new(),
            env_tested: Vec::new(),
            extra_clients,
            initialisers: Initialisers::default(),
        }
    }

    /// The module's facts, trimmed to what project rules can use: functions that reach no
    /// request-time fact, routes of such functions and names bound to values the view cannot
    /// follow are dropped.
    pub(crate) fn finish(self, source: &str) -> PyModule {
        let mut module = self.module;
        env::settle_reads(&mut module.functions, &self.env_tested);
        let bindings = &module.bindings;
        let callee = |name: &str| match bindings.iter().rev().find(|binding| binding.name == name) {
            Some(Binding {
                value: Value::Function(start),
                ..
            }) => Some(*start),
            _ => None,
        };
        link_and_trim_functions(
            &mut module.functions,
            &self.calls,
            source,
            callee,
            // Coroutine functions: another module's call may forget to await them; message
            // helpers and nullable lookups: another module's rules ask what they return.
            |function| {
                (function.is_async && !function.is_generator)
                    || function.returns_error_text
                    || function.nullability.is_possible()
            },
        );
        let functions = &module.functions;
        let kept = |value: &Value| match value {
            Value::Unknown => false,
            Value::Function(start) => functions
                .binary_search_by_key(start, |function| function.start_byte)
                .is_ok(),
            _ => true,
        };
        module.bindings.retain(|binding| kept(&binding.value));
        module
            .routes
            .retain(|route| route.handlers.iter().any(&kept));
        module.bindings.shrink_to_fit();
        module.routes.shrink_to_fit();
        module.imports.shrink_to_fit();
        module.classes.shrink_to_fit();
        module
    }

    pub(crate) fn enter(&mut self, node: Node<'_>, kind: FactKind, file: &FileModel<'_>) {
        match kind {
            FactKind::Import => self.import_statement(node, file),
            FactKind::ImportFrom => self.import_from_statement(node, file),
            FactKind::Assignment => self.assignment(node, file),
            FactKind::Call => self.call(node, file),
            FactKind::Member => self.subscript(node, file),
            FactKind::Decorated => self.decorated(node, file),
            FactKind::Comparison => self.comparison(node, file),
            FactKind::Class => self.class_definition(node, file),
            FactKind::Conditional => {
                if let Some(&function) = self.open_functions.last() {
                    self.initialisers.enter(node, function, file);
                }
            }
            _ => {}
        }
    }

    pub(crate) fn enter_function(&mut self, node: Node<'_>, file: &FileModel<'_>) {
        let ids = self.ids;
        let start = node.start_byte();
        let name = node
            .child_by_field_id(ids.name)
            .map(|name| file.text(name).to_string());
        let parameters = node.child_by_field_id(ids.parameters);
        let (arity, first_parameter) = parameters.map_or((0, None), |list| {
            let mut cursor = list.walk();
            let mut names = list
                .named_children(&mut cursor)
                .filter(|parameter| parameter.kind() != "comment");
            let first = names.next();
            let count = u8::try_from(names.count() + usize::from(first.is_some()));
            (
                count.unwrap_or(u8::MAX),
                first
                    .filter(|parameter| parameter.kind_id() == ids.identifier)
                    .map(|parameter| file.text(parameter).to_string()),
            )
        });
        let enclosing = self
            .open_functions
            .last()
            .map(|&index| self.module.functions[index].start_byte);
        if let (None, Some(name)) = (enclosing, &name)
            && self.is_module_level(node)
        {
            self.module.bindings.push(Binding {
                name: name.clone(),
                value: Value::Function(start),
            });
        }
        let created_once = self.runs_once(node);
        self.module.functions.push(Function {
            start_byte: start,
            name,
            is_async: has_token(node, "async"),
            is_generator: has_token(node, "async") && !is_python_coroutine_function(node),
            arity,
            first_parameter,
            signature: file.span(parameters.unwrap_or(node)),
            first_uncovered_await: None,
            never_rejects: false,
            returns_function: None,
            returns_app: None,
            returns_error_text: crate::error_text::returns_error_text(node, file),
            nullability: super::nullable::nullability(node, file.source),
            enclosing,
            created_once,
            calls: Vec::new(),
            imported_calls: Vec::new(),
            called_at_load: false,
            calls_project_imports: false,
            cached: self.cached_definitions.contains(&start),
            env_reads: Vec::new(),
            env_tested: Vec::new(),
            clients: Vec::new(),
            ending: Ending::Never,
            ignores_first_argument: false,
        });
        self.open_functions.push(self.module.functions.len() - 1);
    }

    pub(crate) fn leave_function(&mut self) {
        self.open_functions.pop();
    }

    /// Whether `node`, where the walk is, runs in a create-once initialiser of the innermost
    /// function the walk is in.
    fn runs_once(&mut self, node: Node<'_>) -> bool {
        self.open_functions
            .last()
            .is_some_and(|&function| self.initialisers.contains(function, node.start_byte()))
    }

    /// The start byte of the innermost function the walk is in.
    fn enclosing_start(&self) -> Option<usize> {
        self.open_functions
            .last()
            .map(|&index| self.module.functions[index].start_byte)
    }

    /// Whether a statement (or a definition) sits directly in the module, not in a class or
    /// a block. Only asked outside functions, where the tree is shallow.
    fn is_module_level(&self, node: Node<'_>) -> bool {
        let ids = self.ids;
        let mut parent = node.parent();
        if parent.is_some_and(|parent| {
            parent.kind_id() == ids.decorated_definition
                || parent.kind_id() == ids.expression_statement
        }) {
            parent = parent.and_then(|parent| parent.parent());
        }
        parent.is_some_and(|parent| parent.kind_id() == ids.module)
    }

    /// `import a`, `import a.b` (binds `a`), `import a.b as c` (binds `c` to `a.b`).
    fn import_statement(&mut self, node: Node<'_>, file: &FileModel<'_>) {
        let mut cursor = node.walk();
        for name in node.children_by_field_name("name", &mut cursor) {
            let (local, specifier) = match name.child_by_field_id(self.ids.name) {
                Some(dotted) => {
                    let alias = name.child_by_field_name("alias");
                    let specifier = file.text(dotted);
                    (alias.map_or(specifier, |alias| file.text(alias)), specifier)
                }
                None => {
                    let dotted = file.text(name);
                    let top = dotted.split('.').next().unwrap_or(dotted);
                    (top, top)
                }
            };
            self.module.imports.push(Import {
                local: local.to_string(),
                specifier: specifier.to_string(),
                imported: Imported::Namespace,
            });
        }
    }

    /// `from a.b import c`, `from . import c as d`, `from ..deps import get_db`.
    fn import_from_statement(&mut self, node: Node<'_>, file: &FileModel<'_>) {
        let Some(module_name) = node.child_by_field_name("module_name") else {
            return;
        };
        let specifier: String = file
            .text(module_name)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut cursor = node.walk();
        for name in node.children_by_field_name("name", &mut cursor) {
            let (imported, local) = match name.child_by_field_id(self.ids.name) {
                Some(dotted) => {
                    let alias = name.child_by_field_name("alias").unwrap_or(dotted);
                    (file.text(dotted), file.text(alias))
                }
                None => (file.text(name), file.text(name)),
            };
            self.module.imports.push(Import {
                local: local.to_string(),
                specifier: specifier.clone(),
                imported: Imported::Named(imported.to_string()),
            });
        }
    }

    /// `app = FastAPI()`, `router: APIRouter = APIRouter(prefix=…)` at module level.
    fn assignment(&mut self, node: Node<'_>, file: &FileModel<'_>) {
        let ids = self.ids;
        if !self.open_functions.is_empty() {
            return;
        }
        let (Some(left), Some(right)) = (
            node.child_by_field_id(ids.left),
            node.child_by_field_id(ids.right),
        ) else {
            return;
        };
        if left.kind_id() != ids.identifier || !self.is_module_level(node) {
            return;
        }
        let value = value_of(right, file, 0);
        self.module.bindings.push(Binding {
            name: file.text(left).to_string(),
            value,
        });
    }

    /// `class ArticleRepository(BaseRepository[Article]): …`: its methods and bases, which
    /// the project view reads to find a method called on an instance (`self.repo.get_one`,
    /// declared `-> Optional[T]` in the base class). A method defined twice (`@overload`
    /// stubs, then the implementation) is the last definition, as in Python.
    fn class_definition(&mut self, node: Node<'_>, file: &FileModel<'_>) {
        let ids = self.ids;
        let Some(name) = node.child_by_field_id(ids.name) else {
            return;
        };
        let mut bases = Vec::new();
        if let Some(superclasses) = node.child_by_field_name("superclasses") {
            let mut cursor = superclasses.walk();
            for base in superclasses.named_children(&mut cursor) {
                // `BaseRepository[Article]`: the generic class itself.
                let base = if base.kind() == "subscript" {
                    base.child_by_field_id(ids.value)
                } else {
                    Some(base)
                };
                if let Some(base) = base.filter(|base| {
                    base.kind_id() == ids.identifier || base.kind_id() == ids.attribute
                }) {
                    bases.push(value_of(base, file, 0));
                }
            }
        }
        let mut members: Vec<(String, Value)> = Vec::new();
        if let Some(body) = node.child_by_field_name("body") {
            let mut cursor = body.walk();
            for statement in body.named_children(&mut cursor) {
                let definition = if statement.kind_id() == ids.decorated_definition {
                    statement.child_by_field_name("definition")
                } else {
                    Some(statement)
                };
                let Some(definition) =
                    definition.filter(|definition| definition.kind() == "function_definition")
                else {
                    continue;
                };
                if let Some(method) = definition.child_by_field_id(ids.name) {
                    let method = file.text(method);
                    members.retain(|(defined, _)| defined != method);
                    members.push((method.to_string(), Value::Function(definition.start_byte())));
                }
            }
        }
        let name = file.text(name).to_string();
        self.module.classes.push(Class {
            name: Some(name.clone()),
            members,
            bases,
        });
        if self.open_functions.is_empty() && self.is_module_level(node) {
            self.module.bindings.push(Binding {
                name,
                value: Value::Class(self.module.classes.len() - 1),
            });
        }
    }

    /// Runs on every call: `Depends(…)`, environment lookups, `add_api_route`, and calls of
    /// plain names (the module's call graph).
    fn call(&mut self, node: Node<'_>, file: &FileModel<'_>) {
        let ids = self.ids;
        let Some(callee) = node.child_by_field_id(ids.function) else {
            return;
        };
        self.unawaited_import_call(node, callee, file);
        if callee.kind_id() == ids.identifier {
            match file.text(callee) {
                name if servers::FASTAPI_DEPENDENCY_MARKERS.contains(&name) => {
                    self.dependency(node, file);
                }
                "getenv" if self.imported_from_os(file.text(callee), "getenv") => {
                    self.read_env_call(node, file);
                }
                name => {
                    if self.may_build_client(name) {
                        self.client(node, callee, file);
                    }
                    let once = self.runs_once(node);
                    let caller = self.open_functions.last().copied();
                    self.calls.push((caller, callee.byte_range(), once));
                }
            }
            return;
        }
        if callee.kind_id() != ids.attribute {
            return;
        }
        let (Some(object), Some(method)) = (
            callee.child_by_field_id(ids.object),
            callee.child_by_field_id(ids.attribute_field),
        ) else {
            return;
        };
        match file.text(method) {
            name if servers::FASTAPI_DEPENDENCY_MARKERS.contains(&name) => {
                self.dependency(node, file);
            }
            "getenv" if self.is_os(object, file) => self.read_env_call(node, file),
            "get" if self.is_environ(object, file) => self.read_env_call(node, file),
            "setdefault" | "update" if self.is_environ(object, file) => {
                let key = node
                    .child_by_field_id(ids.arguments)
                    .filter(|_| file.text(method) == "setdefault")
                    .and_then(|arguments| argument(arguments, 0, "key", file));
                let variable = key.and_then(|key| env::string_key(key, file));
                self.module.env_writes.push(variable);
            }
            name if self.may_build_client(name) => {
                self.client(node, callee, file);
            }
            name if servers::FASTAPI_ADD_ROUTE_METHODS.contains(&name) => {
                let Some(arguments) = node.child_by_field_id(ids.arguments) else {
                    return;
                };
                let endpoint = argument(arguments, 1, servers::FASTAPI_ENDPOINT_ARGUMENT, file);
                if let Some(endpoint) = endpoint {
                    let span = file.span(callee);
                    let function = self.enclosing_start();
                    self.module.routes.push(Registration {
                        receiver: value_of(object, file, 0),
                        method: file.text(method).to_string(),
                        handlers: vec![value_of(endpoint, file, 0)],
                        at_path: false,
                        span,
                        function,
                    });
                }
            }
            _ => {}
        }
    }

    /// A call of an imported name (`get_user(db, id)`, `crud.get_user(db, id)`) whose
    /// coroutine, if it makes one, is not awaited: the project view decides.
    fn unawaited_import_call(&mut self, node: Node<'_>, callee: Node<'_>, file: &FileModel<'_>) {
        let ids = self.ids;
        let root = if callee.kind_id() == ids.attribute {
            match callee.child_by_field_id(ids.object) {
                Some(object) => object,
                None => return,
            }
        } else {
            callee
        };
        if root.kind_id() != ids.identifier || self.module.import(file.text(root)).is_none() {
            return;
        }
        let in_async_function = self
            .open_functions
            .last()
            .is_some_and(|&index| self.module.functions[index].is_async);
        if let Some(call) = unawaited_call(
            node,
            callee,
            value_of(callee, file, 0),
            in_async_function,
            file,
        ) && !is_shadowed(root, file.source)
        {
            self.module.unawaited_calls.push(call);
        }
    }

    /// `os.environ[…]` / `environ[…]`: read (not assigned or deleted) inside a function, or
    /// assigned anywhere.
    fn subscript(&mut self, node: Node<'_>, file: &FileModel<'_>) {
        let Some(value) = node.child_by_field_id(self.ids.value) else {
            return;
        };
        if !self.is_environ(value, file) {
            return;
        }
        let key = node.child_by_field_name("subscript");
        let parent = node.parent();
        let assigned = parent.is_some_and(|parent| {
            matches!(parent.kind(), "assignment" | "augmented_assignment")
                && parent
                    .child_by_field_id(self.ids.left)
                    .is_some_and(|left| left.id() == node.id())
        });
        if assigned {
            let variable = key.and_then(|key| env::string_key(key, file));
            self.module.env_writes.push(variable);
            return;
        }
        let variable = env::variable_of(key, file);
        if !self.open_functions.is_empty()
            && parent.is_none_or(|parent| parent.kind() != "delete_statement")
            && !env::is_always_set(variable.name())
        {
            self.read_env(node, variable, file, true);
        }
    }

    /// `os.getenv("KEY")`, `os.environ.get("KEY", default)`: safe with a default.
    fn read_env_call(&mut self, call: Node<'_>, file: &FileModel<'_>) {
        if self.open_functions.is_empty() || env::has_default(call, file) {
            return;
        }
        let key = call
            .child_by_field_id(self.ids.arguments)
            .and_then(|arguments| argument(arguments, 0, "key", file));
        let variable = env::variable_of(key, file);
        if !env::is_always_set(variable.name()) {
            self.read_env(call, variable, file, false);
        }
    }

    /// Records a read of `variable` unless the code around it copes with a missing variable.
    fn read_env(
        &mut self,
        node: Node<'_>,
        variable: EnvVariable,
        file: &FileModel<'_>,
        raises_when_missing: bool,
    ) {
        let Some(&function) = self.open_functions.last() else {
            return;
        };
        env::record_read(
            &mut self.module.functions,
            &mut self.env_tested,
            function,
            node,
            variable,
            raises_when_missing,
            file,
        );
    }

    /// `"KEY" in os.environ` / `"KEY" not in environ` inside a function: a test of the
    /// variable.
    fn comparison(&mut self, node: Node<'_>, file: &FileModel<'_>) {
        let Some(&function) = self.open_functions.last() else {
            return;
        };
        let Some(environ) = node.named_child(1) else {
            return;
        };
        if node.named_child_count() == 2
            && self.is_environ(environ, file)
            && let Some(variable) = env::membership_test_key(environ, file)
        {
            self.env_tested.push((function, variable));
        }
    }

    /// The cheap first test on a callee's last name inside a function: a built-in client
    /// (`create_engine`) or a configured one.
    fn may_build_client(&self, name: &str) -> bool {
        // `from sqlalchemy import create_engine as make_engine`: the imported name counts.
        let aliased = || {
            self.module.import(name).is_some_and(|import| {
                matches!(&import.imported, Imported::Named(imported) if is_py_client_name(imported))
            })
        };
        !self.open_functions.is_empty()
            && (is_py_client_name(name)
                || self.extra_clients.iter().any(|extra| extra == name)
                || aliased())
    }

    /// Records a call as a client construction of the innermost function when `callee` builds
    /// one: `create_engine(…)`, `redis.Redis(…)`.
    fn client(&mut self, node: Node<'_>, callee: Node<'_>, file: &FileModel<'_>) {
        let Some(&function) = self.open_functions.last() else {
            return;
        };
        let Some(client) = py_client(callee, &self.module.imports, file)
            .map(str::to_string)
            .or_else(|| extra_client(callee, false, &self.extra_clients, file))
        else {
            return;
        };
        let lazy_singleton = py_lazy_singleton(node, file);
        self.module.functions[function]
            .clients
            .push(ClientConstruction {
                span: file.span(node),
                client,
                lazy_singleton,
            });
    }

    /// `Depends(get_db)`, `Security(get_user, scopes=[…])`, `Depends(dependency=get_db)`.
    fn dependency(&mut self, node: Node<'_>, file: &FileModel<'_>) {
        let Some(arguments) = node.child_by_field_id(self.ids.arguments) else {
            return;
        };
        if let Some(target) = argument(arguments, 0, servers::FASTAPI_DEPENDENCY_ARGUMENT, file) {
            let value = value_of(target, file, 0);
            if value != Value::Unknown {
                self.module.dependencies.push(value);
            }
        }
    }

    /// The decorators of a definition: FastAPI route registrations and cache decorators.
    fn decorated(&mut self, node: Node<'_>, file: &FileModel<'_>) {
        let Some(definition) = node.child_by_field_name("definition") else {
            return;
        };
        if definition.kind() != "function_definition" {
            return;
        }
        let mut cursor = node.walk();
        for decorator in node
            .named_children(&mut cursor)
            .filter(|child| child.kind() == "decorator")
        {
            let Some(expression) = decorator.named_child(0) else {
                continue;
            };
            let (callee, is_call) = if expression.kind() == "call" {
                match expression.child_by_field_id(self.ids.function) {
                    Some(callee) => (callee, true),
                    None => continue,
                }
            } else {
                (expression, false)
            };
            let name = match callee.child_by_field_id(self.ids.attribute_field) {
                Some(attribute) => file.text(attribute),
                None => file.text(callee),
            };
            if CACHE_DECORATORS.contains(&name) {
                self.cached_definitions.push(definition.start_byte());
                continue;
            }
            if !is_call
                || !servers::FASTAPI_ROUTE_METHODS.contains(&name)
                || callee.kind_id() != self.ids.attribute
            {
                continue;
            }
            let Some(receiver) = callee.child_by_field_id(self.ids.object) else {
                continue;
            };
            let function = self.enclosing_start();
            self.module.routes.push(Registration {
                receiver: value_of(receiver, file, 0),
                method: name.to_string(),
                handlers: vec![Value::Function(definition.start_byte())],
                at_path: false,
                span: file.span(callee),
                function,
            });
        }
    }

    /// `os` (or what `import os as o` binds).
    fn is_os(&self, node: Node<'_>, file: &FileModel<'_>) -> bool {
        node.kind_id() == self.ids.identifier && {
            let name = file.text(node);
            self.module.imports.iter().any(|import| {
                import.local == name
                    && import.specifier == "os"
                    && import.imported == Imported::Namespace
            })
        }
    }

    /// `os.environ`, or `environ` imported from `os`.
    fn is_environ(&self, node: Node<'_>, file: &FileModel<'_>) -> bool {
        let ids = self.ids;
        if node.kind_id() == ids.identifier {
            return self.imported_from_os(file.text(node), "environ");
        }
        node.kind_id() == ids.attribute
            && node
                .child_by_field_id(ids.attribute_field)
                .is_some_and(|attribute| file.text(attribute) == "environ")
            && node
                .child_by_field_id(ids.object)
                .is_some_and(|object| self.is_os(object, file))
    }

    /// Whether `local` is `name` imported with `from os import name`.
    fn imported_from_os(&self, local: &str, name: &str) -> bool {
        self.module.imports.iter().any(|import| {
            import.local == local
                && import.specifier == "os"
                && import.imported == Imported::Named(name.to_string())
        })
    }
}

/// A Python call's positional argument at `position`, or else its keyword argument `keyword`.
pub fn argument<'tree>(
    arguments: Node<'tree>,
    position: usize,
    keyword: &str,
    file: &FileModel<'_>,
) -> Option<Node<'tree>> {
    let mut cursor = arguments.walk();
    let mut positional = 0;
    for child in arguments.named_children(&mut cursor) {
        match child.kind() {
            "keyword_argument" => {
                if child
                    .child_by_field_name("name")
                    .is_some_and(|name| file.text(name) == keyword)
                {
                    return child.child_by_field_name("value");
                }
            }
            "comment" | "list_splat" | "dictionary_splat" => {}
            _ => {
                if positional == position {
                    return Some(child);
                }
                positional += 1;
            }
        }
    }
    None
}

/// What an expression denotes, followed to [`MAX_VALUE_DEPTH`] levels.
pub(crate) fn value_of(node: Node<'_>, file: &FileModel<'_>, depth: usize) -> Value {
    if depth > MAX_VALUE_DEPTH {
        return Value::Unknown;
    }
    let nested = |inner: Node<'_>| value_of(inner, file, depth + 1);
    match node.kind() {
        "identifier" => Value::Name(file.text(node).to_string()),
        "attribute" => match (
            node.child_by_field_name("object"),
            node.child_by_field_name("attribute"),
        ) {
            (Some(object), Some(attribute)) => {
                Value::Member(Box::new(nested(object)), file.text(attribute).to_string())
            }
            _ => Value::Unknown,
        },
        "lambda" => Value::Function(node.start_byte()),
        "parenthesized_expression" => node.named_child(0).map_or(Value::Unknown, nested),
        "call" => {
            let Some(callee) = node.child_by_field_name("function") else {
                return Value::Unknown;
            };
            let mut arguments = Vec::new();
            if let Some(list) = node.child_by_field_name("arguments") {
                let mut cursor = list.walk();
                arguments.extend(
                    list.named_children(&mut cursor)
                        .filter(|argument| argument.kind() != "keyword_argument")
                        .map(nested)
                        .filter(|argument| *argument != Value::Unknown),
                );
            }
            Value::Call(Box::new(Call {
                callee: nested(callee),
                span: file.span(node),
                arguments,
            }))
        }
        _ => Value::Unknown,
    }
}
