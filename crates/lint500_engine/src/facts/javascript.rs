//! Gathers [`JsModule`] facts while the engine walks a JavaScript or TypeScript tree.

use std::sync::OnceLock;

use lint500_core::Language;
use lint500_knowledge::{packages, servers};
use tree_sitter::Node;

use super::clients::{extra_client, is_js_client_call, js_client, js_lazy_singleton};
use super::create_once::Initialisers;
use super::env;
use super::process::{
    ERROR_EVENTS, LISTENER_METHODS, function_ending, ignores_first_argument, is_process,
    listener_functions, settle_endings,
};
use super::{
    Binding, Call, Class, ClientConstruction, DEFAULT_EXPORT, EnvVariable, Export, FactKind,
    Function, Import, Imported, JsModule, ListenCall, NamedCall, ProcessListener, Registration,
    Value, add_call, link_and_trim_functions, unawaited_call,
};
use crate::async_callables::{is_shadowed, never_rejects};
use crate::grammar::grammar;
use crate::model::FileModel;
use crate::syntax::has_token;

/// What `module.exports = …` and TypeScript's `export = …` set: the module's CommonJS value.
pub const MODULE_EXPORTS: &str = "module.exports";

/// How deep an expression is followed to describe its value; deeper is [`Value::Unknown`].
const MAX_VALUE_DEPTH: usize = 12;

/// The node kinds the collector wants to see, besides functions (which the walk tracks anyway).
pub(crate) const FACT_KINDS: &[(&str, FactKind)] = &[
    ("member_expression", FactKind::Member),
    ("subscript_expression", FactKind::Member),
    ("import_statement", FactKind::Import),
    ("export_statement", FactKind::Export),
    ("variable_declarator", FactKind::Declarator),
    ("assignment_expression", FactKind::Assignment),
    ("call_expression", FactKind::Call),
    ("new_expression", FactKind::New),
    ("class_declaration", FactKind::Class),
    ("abstract_class_declaration", FactKind::Class),
    ("await_expression", FactKind::Await),
    ("for_in_statement", FactKind::ForIn),
    ("if_statement", FactKind::Conditional),
    ("augmented_assignment_expression", FactKind::Conditional),
];

/// Ids of the kinds and fields the hot paths look at, per grammar: comparing ids is much
/// cheaper than comparing names (tree-sitter finds a field by name with string compares).
struct Ids {
    identifier: u16,
    import: u16,
    member_expression: u16,
    object: u16,
    property: u16,
    arguments: u16,
    name: u16,
    value: u16,
    parameters: u16,
    parameter: u16,
    body: u16,
    index: u16,
}

impl Ids {
    fn of(language: Language) -> &'static Ids {
        static IDS: OnceLock<Vec<Ids>> = OnceLock::new();
        let all = IDS.get_or_init(|| {
            Language::ALL
                .iter()
                .map(|&language| Ids::build(language))
                .collect()
        });
        let slot = Language::ALL
            .iter()
            .position(|&candidate| candidate == language)
            .expect("every language is in ALL");
        &all[slot]
    }

    fn build(language: Language) -> Ids {
        let grammar = grammar(language);
        let kind = |name: &str| grammar.id_for_node_kind(name, true);
        // 0 is never a field id: a grammar without the field (Python) matches nothing.
        let field = |name: &str| grammar.field_id_for_name(name).map_or(0, |id| id.get());
        Ids {
            identifier: kind("identifier"),
            import: grammar.id_for_node_kind("import", false),
            member_expression: kind("member_expression"),
            object: field("object"),
            property: field("property"),
            arguments: field("arguments"),
            name: field("name"),
            value: field("value"),
            parameters: field("parameters"),
            parameter: field("parameter"),
            body: field("body"),
            index: field("index"),
        }
    }
}

pub(crate) struct JsFactsCollector {
    ids: &'static Ids,
    module: JsModule,
    /// Indices into `module.functions` of the functions enclosing the walk, innermost last.
    open_functions: Vec<usize>,
    calls: Vec<NamedCall>,
    /// Variables a function tests for presence (index into `module.functions`, variable).
    env_tested: Vec<(usize, EnvVariable)>,
    /// Constructors and factories the configuration adds to the built-in clients.
    extra_clients: Vec<String>,
    /// Where the functions written as process listeners start (`process.on(…, (err) => …)`).
    listener_handlers: Vec<usize>,
    initialisers: Initialisers,
}

impl JsFactsCollector {
    /// The module's facts, trimmed to what project rules can use: facts of every file stay in
    /// memory until the project is checked, so a function nobody could ask about (not async
    /// with an unguarded `await`, fewer than three parameters, returns no function, reaches no
    /// request-time fact) and names bound to values the view cannot follow are dropped.
    pub(crate) fn finish(self, source: &str) -> JsModule {
        let mut module = self.module;
        env::settle_reads(&mut module.functions, &self.env_tested);
        settle_endings(&mut module.functions, &module.bindings, &module.imports);
        let listener_functions = listener_functions(&module, &self.listener_handlers);
        let bindings = &module.bindings;
        let callee = |name: &str| match bindings.iter().find(|binding| binding.name == name) {
            Some(Binding {
                value: Value::Function(start),
                ..
            }) => Some(*start),
            _ => None,
        };
        // Only app factories keep the name they return.
        let imports = &module.imports;
        for function in &mut module.functions {
            let builds_app = function.returns_app.as_deref().is_some_and(|name| {
                matches!(
                    bindings.iter().find(|binding| binding.name == name),
                    Some(Binding { value: Value::Call(call), .. })
                        if matches!(&call.callee, Value::Name(callee)
                            if imports.iter().any(|import| import.local == *callee
                                && import.specifier == servers::EXPRESS))
                )
            });
            if !builds_app {
                function.returns_app = None;
            }
        }
        // Walk order is start order, so the functions are sorted by start byte already.
        link_and_trim_functions(
            &mut module.functions,
            &self.calls,
            source,
            callee,
            |function| {
                // Async functions: another module's call may forget to await them.
                function.is_async
                    || function.arity >= 3
                    || function.returns_function.is_some()
                    || function.returns_app.is_some()
                    // What a process listener here or in another module may be.
                    || listener_functions.contains(&function.start_byte)
                    // Message helpers and nullable lookups: another module's rules ask what
                    // they return.
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
        module.bindings.shrink_to_fit();
        module
    }

    pub(crate) fn new(language: Language, extra_clients: Vec<String>) -> JsFactsCollector {
        JsFactsCollector {
            ids: Ids::of(language),
            module: JsModule::default(),
            open_functions: Vec::new(),
            calls: Vec::new(),
            env_tested: Vec::new(),
            extra_clients,
            listener_handlers: Vec::new(),
            initialisers: Initialisers::default(),
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
        match kind {
            FactKind::Import => self.import_statement(node, file),
            FactKind::Export => self.export_statement(node, file),
            FactKind::Declarator => self.variable_declarator(node, file),
            FactKind::Member => self.member(node, file),
            FactKind::Assignment => self.assignment(node, file),
            FactKind::Call => self.call(node, file),
            FactKind::Class => self.class(node, file),
            FactKind::New => self.new_expression(node, file),
            FactKind::Await => self.awaited(node, file, covered),
            FactKind::ForIn if has_token(node, "await") => self.awaited(node, file, covered),
            FactKind::Conditional => {
                if let Some(&function) = self.open_functions.last() {
                    self.initialisers.enter(node, function, file);
                }
            }
            FactKind::ForIn | FactKind::ImportFrom | FactKind::Decorated | FactKind::Comparison => {
            }
        }
    }

    pub(crate) fn enter_function(&mut self, node: Node<'_>, file: &FileModel<'_>) {
        let ids = self.ids;
        let parameters = node
            .child_by_field_id(ids.parameters)
            .or_else(|| node.child_by_field_id(ids.parameter));
        let (arity, first_parameter) = parameters.map_or((0, None), |list| arity(list, file));
        let name = node
            .child_by_field_id(ids.name)
            .map(|name| file.text(name).to_string());
        let is_declaration = matches!(
            node.kind(),
            "function_declaration" | "generator_function_declaration"
        );
        if let (true, Some(name)) = (is_declaration, &name) {
            self.bind(name.clone(), Value::Function(node.start_byte()));
        }
        let is_async = has_token(node, "async");
        // Module-level functions may be imported as a process listener elsewhere.
        let ignores_first_argument = (self.open_functions.is_empty()
            || self.listener_handlers.contains(&node.start_byte()))
            && ignores_first_argument(node, first_parameter.as_deref(), arity, file);
        let created_once = self.runs_once(node);
        self.module.functions.push(Function {
            start_byte: node.start_byte(),
            name,
            is_async,
            is_generator: node.kind().starts_with("generator_function") || has_token(node, "*"),
            arity,
            first_parameter,
            signature: file.span(parameters.unwrap_or(node)),
            first_uncovered_await: None,
            never_rejects: is_async && never_rejects(node, file.source),
            returns_function: returned_function(node, ids.body),
            returns_app: returned_name(node, ids.body, file),
            returns_error_text: crate::error_text::returns_error_text(node, file),
            nullability: super::nullable::nullability(node, file.source),
            enclosing: self
                .open_functions
                .last()
                .map(|&index| self.module.functions[index].start_byte),
            created_once,
            calls: Vec::new(),
            imported_calls: Vec::new(),
            called_at_load: false,
            calls_project_imports: false,
            cached: false,
            env_reads: Vec::new(),
            env_tested: Vec::new(),
            clients: Vec::new(),
            ending: function_ending(node, file),
            ignores_first_argument,
        });
        self.open_functions.push(self.module.functions.len() - 1);
    }

    pub(crate) fn leave_function(&mut self) {
        self.open_functions.pop();
    }

    fn awaited(&mut self, node: Node<'_>, file: &FileModel<'_>, covered: bool) {
        if covered || handles_rejection(node, file) {
            return;
        }
        if let Some(&index) = self.open_functions.last() {
            let function = &mut self.module.functions[index];
            if function.first_uncovered_await.is_none() {
                // Point at the `await` keyword (and its operand when short).
                let span = file.span(node);
                function.first_uncovered_await = Some(span);
            }
        }
    }

    /// `process.env.KEY` / `process.env['KEY']` inside a function. `NODE_ENV`, `PATH` and
    /// `HOME` are left out: every platform sets them.
    fn member(&mut self, node: Node<'_>, file: &FileModel<'_>) {
        let ids = self.ids;
        let Some(object) = node.child_by_field_id(ids.object) else {
            return;
        };
        // Runs on every member expression: leave after comparing ids in the common case.
        if object.kind_id() == ids.member_expression
            && let Some(parent) = node.parent()
            && matches!(
                parent.kind(),
                "assignment_expression" | "augmented_assignment_expression"
            )
            && parent
                .child_by_field_name("left")
                .is_some_and(|left| left.id() == node.id())
            && is_process_env(object, ids, file)
        {
            let key = node
                .child_by_field_id(ids.property)
                .or_else(|| node.child_by_field_id(ids.index));
            let variable = key.and_then(|key| env::string_key(key, file));
            self.module.env_writes.push(variable);
            return;
        }
        let Some(&function) = self.open_functions.last() else {
            return;
        };
        if object.kind_id() == ids.identifier {
            // `'KEY' in process.env`: a test of the variable, not a read.
            if file.text(object) == "process"
                && is_process_env(node, ids, file)
                && let Some(variable) = env::membership_test_key(node, file)
            {
                self.env_tested.push((function, variable));
            }
            return;
        }
        if object.kind_id() != ids.member_expression || !is_process_env(object, ids, file) {
            return;
        }
        let key = node
            .child_by_field_id(ids.property)
            .or_else(|| node.child_by_field_id(ids.index));
        let variable = env::variable_of(key, file);
        if env::is_always_set(variable.name()) {
            return;
        }
        self.read_env(function, node, variable, file);
    }

    /// Records a read of `variable` unless the code around it copes with a missing variable.
    fn read_env(
        &mut self,
        function: usize,
        node: Node<'_>,
        variable: EnvVariable,
        file: &FileModel<'_>,
    ) {
        env::record_read(
            &mut self.module.functions,
            &mut self.env_tested,
            function,
            node,
            variable,
            false,
            file,
        );
    }

    fn bind(&mut self, name: String, value: Value) {
        self.module.bindings.push(Binding { name, value });
    }

    fn import_statement(&mut self, node: Node<'_>, file: &FileModel<'_>) {
        let mut cursor = node.walk();
        // TypeScript's `import x = require('y')`.
        if let Some(clause) = node
            .named_children(&mut cursor)
            .find(|child| child.kind() == "import_require_clause")
        {
            let local = clause.named_child(0);
            let source = clause.child_by_field_name("source");
            if let (Some(local), Some(source)) = (local, source) {
                let specifier = string_value(source, file);
                self.import(file.text(local), &specifier, Imported::Namespace);
                self.module.specifiers.push(specifier);
            }
            return;
        }
        let Some(source) = node.child_by_field_name("source") else {
            return;
        };
        let specifier = string_value(source, file);
        self.module.specifiers.push(specifier.clone());
        if has_token(node, "type") {
            return;
        }
        let Some(clause) = node
            .named_children(&mut cursor)
            .find(|child| child.kind() == "import_clause")
        else {
            return;
        };
        let mut cursor = clause.walk();
        for part in clause.named_children(&mut cursor) {
            match part.kind() {
                "identifier" => self.import(file.text(part), &specifier, Imported::Default),
                "namespace_import" => {
                    if let Some(local) = part.named_child(0) {
                        self.import(file.text(local), &specifier, Imported::Namespace);
                    }
                }
                "named_imports" => {
                    let mut cursor = part.walk();
                    for named in part.named_children(&mut cursor) {
                        let Some(name) = named.child_by_field_name("name") else {
                            continue;
                        };
                        let local = named.child_by_field_name("alias").unwrap_or(name);
                        let imported = imported_name(file.text(name));
                        self.import(file.text(local), &specifier, imported);
                    }
                }
                _ => {}
            }
        }
    }

    fn import(&mut self, local: &str, specifier: &str, imported: Imported) {
        self.module.imports.push(Import {
            local: local.to_string(),
            specifier: specifier.to_string(),
            imported,
        });
    }

    fn export_statement(&mut self, node: Node<'_>, file: &FileModel<'_>) {
        let source = node
            .child_by_field_name("source")
            .map(|source| string_value(source, file));
        let is_default = has_token(node, "default");
        if let Some(declaration) = node.child_by_field_name("declaration") {
            for name in declared_names(declaration, file) {
                let exported = if is_default {
                    DEFAULT_EXPORT.to_string()
                } else {
                    name.clone()
                };
                self.export(exported, Value::Name(name));
            }
            if is_default && declared_names(declaration, file).is_empty() {
                // `export default function () {}` / `export default class {}`
                self.export(DEFAULT_EXPORT.into(), value_of(declaration, file));
            }
            return;
        }
        if let Some(value) = node.child_by_field_name("value") {
            self.export(DEFAULT_EXPORT.into(), value_of(value, file));
            return;
        }
        let mut cursor = node.walk();
        let mut exported_anything = false;
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "export_clause" => {
                    exported_anything = true;
                    let mut cursor = child.walk();
                    for specifier in child.named_children(&mut cursor) {
                        let Some(name) = specifier.child_by_field_name("name") else {
                            continue;
                        };
                        let local = file.text(name).to_string();
                        let exported = specifier
                            .child_by_field_name("alias")
                            .map_or_else(|| local.clone(), |alias| file.text(alias).to_string());
                        let value = match &source {
                            Some(from) => {
                                Value::Member(Box::new(Value::Module(from.clone())), local)
                            }
                            None => Value::Name(local),
                        };
                        self.export(exported, value);
                    }
                }
                "namespace_export" => {
                    exported_anything = true;
                    if let (Some(name), Some(from)) = (child.named_child(0), &source) {
                        self.export(file.text(name).to_string(), Value::Module(from.clone()));
                    }
                }
                // TypeScript's `export = value`.
                "identifier" | "member_expression" | "object" | "call_expression" => {
                    exported_anything = true;
                    self.export(MODULE_EXPORTS.into(), value_of(child, file));
                }
                _ => {}
            }
        }
        if let (Some(from), false) = (source, exported_anything) {
            self.module.star_exports.push(from);
        }
    }

    fn export(&mut self, name: String, value: Value) {
        self.module.exports.push(Export { name, value });
    }

    fn variable_declarator(&mut self, node: Node<'_>, file: &FileModel<'_>) {
        let ids = self.ids;
        let (Some(name), Some(value)) = (
            node.child_by_field_id(ids.name),
            node.child_by_field_id(ids.value),
        ) else {
            return;
        };
        match name.kind() {
            "identifier" => {
                if let Some(&function) = self.open_functions.last()
                    && value.kind_id() == ids.member_expression
                    && is_process_env(value, ids, file)
                {
                    // `const env = process.env`: every later `env.KEY` is a read.
                    self.read_env(function, value, EnvVariable::Several, file);
                }
                let value = value_of(value, file);
                let local = file.text(name).to_string();
                if let Value::Module(specifier) = &value {
                    self.import(&local, specifier, Imported::Namespace);
                }
                self.bind(local, value);
            }
            // `const { list, create: make } = require('./users')` or `= controller`.
            "object_pattern" => {
                if let Some(&function) = self.open_functions.last()
                    && value.kind_id() == ids.member_expression
                    && is_process_env(value, ids, file)
                {
                    // `const { KEY } = process.env` names its variable.
                    let mut cursor = name.walk();
                    let mut properties = name
                        .named_children(&mut cursor)
                        .filter(|property| property.kind() != "comment");
                    let variable = match (properties.next(), properties.next()) {
                        (Some(only), None) => only
                            .child_by_field_name("key")
                            .or_else(|| only.child_by_field_name("left"))
                            .map_or_else(|| file.text(only), |key| file.text(key)),
                        _ => "",
                    };
                    let variable = if variable.is_empty() {
                        EnvVariable::Several
                    } else {
                        EnvVariable::Named(variable.to_string())
                    };
                    self.read_env(function, node, variable, file);
                    return;
                }
                let source = value_of(value, file);
                let mut cursor = name.walk();
                for property in name.named_children(&mut cursor) {
                    let (key, local) = match property.kind() {
                        "shorthand_property_identifier_pattern" => (property, property),
                        "pair_pattern" => match (
                            property.child_by_field_name("key"),
                            property.child_by_field_name("value"),
                        ) {
                            (Some(key), Some(local)) if local.kind() == "identifier" => {
                                (key, local)
                            }
                            _ => continue,
                        },
                        _ => continue,
                    };
                    let key = file.text(key).to_string();
                    let local = file.text(local).to_string();
                    if let Value::Module(specifier) = &source {
                        self.import(&local, specifier, imported_name(&key));
                    }
                    self.bind(local, Value::Member(Box::new(source.clone()), key));
                }
            }
            _ => {}
        }
    }

    fn assignment(&mut self, node: Node<'_>, file: &FileModel<'_>) {
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return;
        };
        let value = || value_of(right, file);
        match left.kind() {
            "identifier" => {
                let name = file.text(left).to_string();
                let value = value();
                self.bind(name, value);
            }
            "member_expression" => {
                let target = file.text(left);
                if target == "module.exports" {
                    let value = value();
                    self.export(MODULE_EXPORTS.into(), value);
                } else if let Some(name) = target
                    .strip_prefix("module.exports.")
                    .or_else(|| target.strip_prefix("exports."))
                    .filter(|name| is_identifier(name))
                {
                    let value = value();
                    self.export(name.to_string(), value);
                }
            }
            _ => {}
        }
    }

    fn call(&mut self, node: Node<'_>, file: &FileModel<'_>) {
        let ids = self.ids;
        // The callee is a call's first child. This runs on every call of the file: the common
        // case (not `require`, not a registration method) leaves after comparing ids.
        let Some(callee) = node.child(0) else {
            return;
        };
        let callee_kind = callee.kind_id();
        self.unawaited_import_call(node, callee, file);
        if callee_kind == ids.identifier && file.text(callee) != "require" {
            if self.may_build_client(file.text(callee)) {
                self.client(node, callee, false, file);
            }
            let once = self.runs_once(node);
            let caller = self.open_functions.last().copied();
            self.calls.push((caller, callee.byte_range(), once));
            return;
        }
        if callee_kind == ids.identifier || callee_kind == ids.import {
            if let Some(specifier) = first_string_argument(node, file) {
                self.module.specifiers.push(specifier);
            }
            return;
        }
        if callee_kind != ids.member_expression {
            return;
        }
        let Some(property) = callee.child_by_field_id(ids.property) else {
            return;
        };
        let method = file.text(property);
        if LISTENER_METHODS.contains(&method) || method == "listen" {
            self.process_listener_or_listen(node, callee, method, file);
        }
        if !servers::EXPRESS_REGISTRATION_METHODS.contains(&method) {
            if self.may_build_client(method) {
                self.client(node, callee, false, file);
            }
            return;
        }
        let Some(object) = callee.child_by_field_id(ids.object) else {
            return;
        };
        let receiver = route_chain_receiver(object, file).unwrap_or(object);
        if !matches!(receiver.kind(), "identifier" | "member_expression" | "this") {
            return;
        }
        let Some(arguments) = node.child_by_field_id(ids.arguments) else {
            return;
        };
        let handlers = handler_arguments(arguments, file);
        if handlers.is_empty() {
            return;
        }
        let at_path = arguments.named_child(0).is_some_and(is_path);
        let start = file.span(receiver);
        let end = file.span(property);
        let function = self
            .open_functions
            .last()
            .map(|&index| self.module.functions[index].start_byte);
        self.module.registrations.push(Registration {
            receiver: value_of(receiver, file),
            method: method.to_string(),
            handlers,
            at_path,
            span: lint500_core::Span {
                start_byte: start.start_byte,
                start: start.start,
                end_byte: end.end_byte,
                end: end.end,
            },
            function,
        });
    }

    /// `process.on('uncaughtException', handler)` and the other ways of adding a listener for an
    /// error nothing caught; `x.listen(…)`, where a server may start.
    fn process_listener_or_listen(
        &mut self,
        node: Node<'_>,
        callee: Node<'_>,
        method: &str,
        file: &FileModel<'_>,
    ) {
        let Some(object) = callee.child_by_field_id(self.ids.object) else {
            return;
        };
        if method == "listen" {
            self.module.listen_calls.push(ListenCall {
                receiver: value_of(object, file),
                span: file.span(callee),
            });
            return;
        }
        if !is_process(object, file) {
            return;
        }
        let Some(arguments) = node.child_by_field_id(self.ids.arguments) else {
            return;
        };
        let mut cursor = arguments.walk();
        let mut listed = arguments
            .named_children(&mut cursor)
            .filter(|argument| argument.kind() != "comment");
        let (Some(event), Some(handler)) = (listed.next(), listed.next()) else {
            return;
        };
        let name = string_value(event, file);
        if event.kind() != "string" || !ERROR_EVENTS.contains(&name.as_str()) {
            return;
        }
        let handler_value = value_of(handler, file);
        if let Value::Function(start) = handler_value {
            self.listener_handlers.push(start);
        }
        self.module.process_listeners.push(ProcessListener {
            event: name,
            event_span: file.span(event),
            handler: handler_value,
            handler_span: file.span(handler),
        });
    }

    /// A call of an imported name (`getUser(id)`, `users.getUser(id)`): recorded for the
    /// function making it, and, when its result, if it is a promise, is not awaited, for the
    /// project view to decide whether the callee is async. Node's own modules are left out.
    fn unawaited_import_call(&mut self, node: Node<'_>, callee: Node<'_>, file: &FileModel<'_>) {
        let ids = self.ids;
        let root = if callee.kind_id() == ids.member_expression {
            match callee.child_by_field_id(ids.object) {
                Some(object) => object,
                None => return,
            }
        } else {
            callee
        };
        if root.kind_id() != ids.identifier {
            return;
        }
        let Some(import) = self.module.import(file.text(root)) else {
            return;
        };
        if is_node_builtin(&import.specifier) || is_shadowed(root, file.source) {
            return;
        }
        let project_like = is_project_like(&import.specifier);
        if let Some(&index) = self.open_functions.last() {
            let value = value_of(callee, file);
            let once = self.runs_once(node);
            let function = &mut self.module.functions[index];
            function.calls_project_imports |= project_like;
            add_call(&mut function.imported_calls, value, once);
        }
        let in_async_function = self
            .open_functions
            .last()
            .is_some_and(|&index| self.module.functions[index].is_async);
        if let Some(call) = unawaited_call(
            node,
            callee,
            value_of(callee, file),
            in_async_function,
            file,
        ) {
            self.module.unawaited_calls.push(call);
        }
    }

    /// Whether `node`, where the walk is, runs in a create-once initialiser of the innermost
    /// function the walk is in.
    fn runs_once(&mut self, node: Node<'_>) -> bool {
        self.open_functions
            .last()
            .is_some_and(|&function| self.initialisers.contains(function, node.start_byte()))
    }

    /// `new PrismaClient()`, `new pg.Pool()` inside a function.
    fn new_expression(&mut self, node: Node<'_>, file: &FileModel<'_>) {
        if self.open_functions.is_empty() {
            return;
        }
        if let Some(constructor) = node.child_by_field_name("constructor") {
            self.client(node, constructor, true, file);
        }
    }

    /// The cheap first test on a called name inside a function: a built-in client factory
    /// (`mongoose.connect`) or a configured one.
    fn may_build_client(&self, name: &str) -> bool {
        !self.open_functions.is_empty()
            && (is_js_client_call(name) || self.extra_clients.iter().any(|extra| extra == name))
    }

    /// Records `node` as a client construction of the innermost function when `callee` builds
    /// one.
    fn client(
        &mut self,
        node: Node<'_>,
        callee: Node<'_>,
        constructed: bool,
        file: &FileModel<'_>,
    ) {
        let Some(&function) = self.open_functions.last() else {
            return;
        };
        let Some(client) = js_client(callee, constructed, &self.module.imports, file)
            .map(str::to_string)
            .or_else(|| extra_client(callee, constructed, &self.extra_clients, file))
        else {
            return;
        };
        let lazy_singleton = js_lazy_singleton(node, file);
        self.module.functions[function]
            .clients
            .push(ClientConstruction {
                span: file.span(node),
                client,
                lazy_singleton,
            });
    }

    fn class(&mut self, node: Node<'_>, file: &FileModel<'_>) {
        let name = node
            .child_by_field_name("name")
            .map(|name| file.text(name).to_string());
        let mut members = Vec::new();
        if let Some(body) = node.child_by_field_name("body") {
            let mut cursor = body.walk();
            for member in body.named_children(&mut cursor) {
                let member_name = member
                    .child_by_field_name("name")
                    .or_else(|| member.child_by_field_name("property"));
                let Some(member_name) = member_name else {
                    continue;
                };
                let value = match member.kind() {
                    "method_definition" => Value::Function(member.start_byte()),
                    _ => member
                        .child_by_field_name("value")
                        .map_or(Value::Unknown, |value| value_of(value, file)),
                };
                members.push((file.text(member_name).to_string(), value));
            }
        }
        self.module.classes.push(Class {
            name: name.clone(),
            members,
            bases: base_classes(node, file),
        });
        if let Some(name) = name {
            let index = self.module.classes.len() - 1;
            self.bind(name, Value::Class(index));
        }
    }
}

/// What a class extends: `BaseRepository` for JavaScript's `extends BaseRepository` and
/// TypeScript's `extends BaseRepository<User>` (the type arguments are a separate field).
fn base_classes(class: Node<'_>, file: &FileModel<'_>) -> Vec<Value> {
    let mut cursor = class.walk();
    let Some(heritage) = class
        .named_children(&mut cursor)
        .find(|child| child.kind() == "class_heritage")
    else {
        return Vec::new();
    };
    let mut cursor = heritage.walk();
    let mut bases = Vec::new();
    for clause in heritage.named_children(&mut cursor) {
        match clause.kind() {
            "extends_clause" => {
                let mut cursor = clause.walk();
                bases.extend(
                    clause
                        .children_by_field_name("value", &mut cursor)
                        .map(|base| value_of(base, file)),
                );
            }
            "implements_clause" | "comment" => {}
            // JavaScript's grammar has the expression right in the heritage.
            _ => bases.push(value_of(clause, file)),
        }
    }
    bases
}

/// `fn.length` and the first parameter's name of a parameter list.
fn arity(parameters: Node<'_>, file: &FileModel<'_>) -> (u8, Option<String>) {
    if parameters.kind() == "identifier" {
        return (1, Some(file.text(parameters).to_string()));
    }
    let mut count: u8 = 0;
    let mut first = None;
    let mut cursor = parameters.walk();
    for (index, parameter) in parameters.named_children(&mut cursor).enumerate() {
        let pattern = match parameter.kind() {
            "required_parameter" | "optional_parameter" => {
                if parameter.child_by_field_name("value").is_some() {
                    break;
                }
                parameter
                    .child_by_field_name("pattern")
                    .unwrap_or(parameter)
            }
            "assignment_pattern" | "rest_pattern" => break,
            "comment" => continue,
            _ => parameter,
        };
        if pattern.kind() == "rest_pattern" || file.text(pattern) == "this" {
            break;
        }
        if index == 0 && pattern.kind() == "identifier" {
            first = Some(file.text(pattern).to_string());
        }
        count = count.saturating_add(1);
    }
    (count, first)
}

/// A function returned directly by `function`: an arrow's expression body, or the value of a
/// `return` among the body's top-level statements.
fn returned_function(function: Node<'_>, body_field: u16) -> Option<usize> {
    let body = function.child_by_field_id(body_field)?;
    if is_function(body) {
        return Some(body.start_byte());
    }
    let mut cursor = body.walk();
    body.named_children(&mut cursor)
        .filter(|statement| statement.kind() == "return_statement")
        .find_map(|statement| statement.named_child(0).filter(|value| is_function(*value)))
        .map(|value| value.start_byte())
}

/// The name a function returns among its body's top-level statements (`return app;`).
fn returned_name(function: Node<'_>, body_field: u16, file: &FileModel<'_>) -> Option<String> {
    let body = function.child_by_field_id(body_field)?;
    if body.kind() != "statement_block" {
        return None;
    }
    let mut cursor = body.walk();
    body.named_children(&mut cursor)
        .filter(|statement| statement.kind() == "return_statement")
        .find_map(|statement| {
            statement
                .named_child(0)
                .filter(|value| value.kind() == "identifier")
        })
        .map(|name| file.text(name).to_string())
}

fn is_function(node: Node<'_>) -> bool {
    matches!(
        node.kind(),
        "arrow_function" | "function_expression" | "function" | "generator_function"
    )
}

/// The receiver of `receiver.route(path).get(…).post(…)` seen from any call in the chain.
fn route_chain_receiver<'tree>(
    mut object: Node<'tree>,
    file: &FileModel<'_>,
) -> Option<Node<'tree>> {
    for _ in 0..MAX_VALUE_DEPTH {
        if object.kind() != "call_expression" {
            return None;
        }
        let callee = object.child_by_field_name("function")?;
        if callee.kind() != "member_expression" {
            return None;
        }
        let property = callee.child_by_field_name("property")?;
        let inner = callee.child_by_field_name("object")?;
        if file.text(property) == servers::EXPRESS_ROUTE_CHAIN {
            return Some(inner);
        }
        object = inner;
    }
    None
}

/// The values of a registration's arguments after a leading path, arrays flattened.
fn handler_arguments(arguments: Node<'_>, file: &FileModel<'_>) -> Vec<Value> {
    let mut handlers = Vec::new();
    let mut cursor = arguments.walk();
    for (index, argument) in arguments.named_children(&mut cursor).enumerate() {
        if index == 0 && is_path(argument) {
            continue;
        }
        if argument.kind() == "array" {
            let mut cursor = argument.walk();
            handlers.extend(
                argument
                    .named_children(&mut cursor)
                    .filter(|element| !is_path(*element))
                    .map(|element| value_of(element, file)),
            );
        } else if argument.kind() != "comment" {
            handlers.push(value_of(argument, file));
        }
    }
    handlers
}

fn is_path(node: Node<'_>) -> bool {
    matches!(node.kind(), "string" | "template_string" | "regex")
}

/// What an expression denotes, followed through wrappers that do not change it.
/// The class a TypeScript parameter of the enclosing function is annotated with, when
/// `identifier` names that parameter: `ProductController` for `controller` in `function
/// productRoutes(controller: ProductController)`. Only a plain class name counts.
fn typed_parameter_class<'tree>(
    identifier: Node<'_>,
    file: &FileModel<'tree>,
) -> Option<&'tree str> {
    if file.language == Language::JavaScript {
        return None;
    }
    let name = file.text(identifier);
    let parameters = file
        .enclosing_function()?
        .child_by_field_name("parameters")?;
    let mut cursor = parameters.walk();
    let parameter = parameters
        .named_children(&mut cursor)
        .filter(|parameter| {
            matches!(
                parameter.kind(),
                "required_parameter" | "optional_parameter"
            )
        })
        .find(|parameter| {
            parameter
                .child_by_field_name("pattern")
                .is_some_and(|pattern| pattern.kind() == "identifier" && file.text(pattern) == name)
        })?;
    let annotated = parameter.child_by_field_name("type")?.named_child(0)?;
    let class = file.text(annotated);
    (annotated.kind() == "type_identifier" && class.starts_with(|c: char| c.is_ascii_uppercase()))
        .then_some(class)
}

/// The name of the class whose method, constructor or field initialiser holds the current
/// node (`OrdersRouter` for `this.list` in its constructor).
fn enclosing_class_name<'tree>(file: &FileModel<'tree>) -> Option<&'tree str> {
    let function = file.enclosing_function()?;
    // method_definition → class_body → class; a field's arrow function → field → class_body.
    let class = std::iter::successors(function.parent(), Node::parent)
        .take(3)
        .find(|node| {
            matches!(
                node.kind(),
                "class_declaration" | "class" | "abstract_class_declaration"
            )
        })?;
    class
        .child_by_field_name("name")
        .map(|name| file.text(name))
}

pub(crate) fn value_of(node: Node<'_>, file: &FileModel<'_>) -> Value {
    value_at_depth(node, file, 0)
}

/// `value_of` for a node `depth` levels inside the expression being described: deeper than
/// [`MAX_VALUE_DEPTH`] is not followed, so nesting in the source cannot exhaust the stack.
fn value_at_depth(node: Node<'_>, file: &FileModel<'_>, depth: usize) -> Value {
    if depth > MAX_VALUE_DEPTH {
        return Value::Unknown;
    }
    let nested = |inner: Node<'_>| value_at_depth(inner, file, depth + 1);
    match node.kind() {
        "parenthesized_expression"
        | "as_expression"
        | "satisfies_expression"
        | "non_null_expression"
        | "type_assertion" => {
            let mut cursor = node.walk();
            let inner = node.named_children(&mut cursor).find(|child| {
                child.kind().ends_with("expression") || !child.kind().contains("type")
            });
            inner.map_or(Value::Unknown, nested)
        }
        "identifier" => match typed_parameter_class(node, file) {
            // `controller.list` with `controller: ProductController`: a member of an instance.
            Some(class) => Value::New(Box::new(Value::Name(class.to_string()))),
            None => Value::Name(file.text(node).to_string()),
        },
        // `this.list` in a method or constructor: a member of an instance of the class.
        "this" => match enclosing_class_name(file) {
            Some(class) => Value::New(Box::new(Value::Name(class.to_string()))),
            None => Value::Name("this".into()),
        },
        "arrow_function"
        | "function_expression"
        | "function"
        | "generator_function"
        | "function_declaration"
        | "generator_function_declaration" => Value::Function(node.start_byte()),
        "member_expression" => match (
            node.child_by_field_name("object"),
            node.child_by_field_name("property"),
        ) {
            (Some(object), Some(property)) => {
                Value::Member(Box::new(nested(object)), file.text(property).to_string())
            }
            _ => Value::Unknown,
        },
        "subscript_expression" => match (
            node.child_by_field_name("object"),
            node.child_by_field_name("index"),
        ) {
            (Some(object), Some(index)) if index.kind() == "string" => {
                Value::Member(Box::new(nested(object)), string_value(index, file))
            }
            _ => Value::Unknown,
        },
        "object" => {
            let mut properties = Vec::new();
            let mut cursor = node.walk();
            for property in node.named_children(&mut cursor) {
                match property.kind() {
                    "shorthand_property_identifier" => {
                        let name = file.text(property).to_string();
                        properties.push((name.clone(), Value::Name(name)));
                    }
                    "pair" => {
                        if let (Some(key), Some(value)) = (
                            property.child_by_field_name("key"),
                            property.child_by_field_name("value"),
                        ) {
                            let key = match key.kind() {
                                "string" => string_value(key, file),
                                _ => file.text(key).to_string(),
                            };
                            properties.push((key, nested(value)));
                        }
                    }
                    "method_definition" => {
                        if let Some(name) = property.child_by_field_name("name") {
                            properties.push((
                                file.text(name).to_string(),
                                Value::Function(property.start_byte()),
                            ));
                        }
                    }
                    _ => {}
                }
            }
            Value::Object(properties)
        }
        "new_expression" => node
            .child_by_field_name("constructor")
            .map_or(Value::Unknown, |constructor| {
                Value::New(Box::new(nested(constructor)))
            }),
        "call_expression" => {
            let Some(callee) = node.child_by_field_name("function") else {
                return Value::Unknown;
            };
            if callee.kind() == "identifier" && file.text(callee) == "require" {
                return first_string_argument(node, file).map_or(Value::Unknown, Value::Module);
            }
            let mut arguments = Vec::new();
            if let Some(list) = node.child_by_field_name("arguments") {
                let mut cursor = list.walk();
                arguments.extend(
                    list.named_children(&mut cursor)
                        .map(nested)
                        .filter(|argument| {
                            matches!(
                                argument,
                                Value::Name(_)
                                    | Value::Member(..)
                                    | Value::Function(_)
                                    | Value::Call(_)
                            )
                        }),
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

fn declared_names(declaration: Node<'_>, file: &FileModel<'_>) -> Vec<String> {
    match declaration.kind() {
        "lexical_declaration" | "variable_declaration" => {
            let mut cursor = declaration.walk();
            declaration
                .named_children(&mut cursor)
                .filter_map(|declarator| declarator.child_by_field_name("name"))
                .filter(|name| name.kind() == "identifier")
                .map(|name| file.text(name).to_string())
                .collect()
        }
        _ => declaration
            .child_by_field_name("name")
            .map(|name| file.text(name).to_string())
            .into_iter()
            .collect(),
    }
}

fn imported_name(name: &str) -> Imported {
    if name == DEFAULT_EXPORT {
        Imported::Default
    } else {
        Imported::Named(name.to_string())
    }
}

fn first_string_argument(call: Node<'_>, file: &FileModel<'_>) -> Option<String> {
    let arguments = call.child_by_field_name("arguments")?;
    let first = arguments.named_child(0)?;
    (first.kind() == "string").then(|| string_value(first, file))
}

/// The contents of a string literal, without quotes.
fn string_value(node: Node<'_>, file: &FileModel<'_>) -> String {
    let text = file.text(node);
    text.get(1..text.len().saturating_sub(1))
        .unwrap_or("")
        .to_string()
}

/// Whether an `await` waits for a promise with a rejection handler chained, which cannot
/// reject there: `await p.catch(handle)`, `await p.then(ok, fail)`, either followed by
/// `.finally(…)`.
fn handles_rejection(awaited: Node<'_>, file: &FileModel<'_>) -> bool {
    let mut promise = awaited.named_child(0);
    for _ in 0..MAX_VALUE_DEPTH {
        let Some(node) = promise else {
            return false;
        };
        if node.kind() == "parenthesized_expression" {
            promise = node.named_child(0);
            continue;
        }
        if node.kind() != "call_expression" {
            return false;
        }
        let (Some(callee), Some(arguments)) = (
            node.child_by_field_name("function"),
            node.child_by_field_name("arguments"),
        ) else {
            return false;
        };
        if callee.kind() != "member_expression" {
            return false;
        }
        let handlers = arguments.named_child_count();
        match callee.child_by_field_name("property").map(|p| file.text(p)) {
            Some("catch") => return handlers >= 1,
            Some("then") => return handlers >= 2,
            Some("finally") => promise = callee.child_by_field_name("object"),
            _ => return false,
        }
    }
    false
}

/// `process.env`.
fn is_process_env(node: Node<'_>, ids: &Ids, file: &FileModel<'_>) -> bool {
    let (Some(object), Some(property)) = (
        node.child_by_field_id(ids.object),
        node.child_by_field_id(ids.property),
    ) else {
        return false;
    };
    object.kind_id() == ids.identifier
        && file.text(object) == "process"
        && file.text(property) == "env"
}

/// Whether an import names one of Node's own modules (`fs`, `node:path`): never the project's.
fn is_node_builtin(specifier: &str) -> bool {
    specifier.starts_with("node:")
        || packages::NODE_BUILTINS.contains(&crate::module_paths::package_of(specifier))
}

/// Whether a specifier is likely to name a module of the project rather than an installed
/// package: relative, a package import (`#db`), a path alias (`@/lib/db`, `~/lib/db`), or a
/// scoped name a workspace package may have (`@acme/db`). Bare names (`axios`) are packages
/// unless a `baseUrl` says otherwise, which only the project view knows.
fn is_project_like(specifier: &str) -> bool {
    specifier.starts_with('.')
        || specifier.starts_with('#')
        || specifier.starts_with('~')
        || specifier.starts_with("@/")
        || specifier.starts_with('@') && specifier.contains('/')
}

fn is_identifier(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}
