//! What a file itself says is asynchronous: the names its top level binds to async functions,
//! the async methods of its classes, and the promise APIs it imports. Read from the top-level
//! statements and class bodies only (no walk of function bodies), once per file, when a rule
//! first asks.

use lint500_core::Language;
use tree_sitter::Node;

use crate::syntax::{has_token, is_nested_scope};

/// How many nodes the search for a `yield` in one Python function may visit; beyond it the
/// function counts as a generator, whose call is no coroutine (so the rule stays silent).
const MAX_YIELD_SEARCH: usize = 4096;

/// How many nodes the search of a `try` statement for what can still reject may visit;
/// beyond it the function counts as one that can reject.
const MAX_REJECT_SEARCH: usize = 4096;

/// How far up from a call the search for a parameter or local of the callee's name goes, and
/// how many nodes of one parameter list or block it looks at.
const MAX_SCOPE_DEPTH: usize = 256;
const MAX_DECLARATION_SEARCH: usize = 512;

/// Names a call can be known to return a promise / coroutine by. A file has few, so lists
/// (searched on every call of the file) beat hashing.
#[derive(Debug, Default)]
pub struct AsyncCallables {
    /// Top-level names bound to async functions that are not generators (`async function f`,
    /// `const f = async () => …`, `async def f`), and functions imported from promise APIs
    /// (`import { readFile } from 'fs/promises'`, `from asyncio import sleep`).
    pub functions: Vec<String>,
    /// Async methods of the file's classes, called as `this.m(…)` / `self.m(…)`.
    pub methods: Vec<String>,
    /// Names bound to a whole promise API module: `import fs from 'fs/promises'`,
    /// `const { promises: fs } = require('fs')`, `import asyncio`.
    pub promise_modules: Vec<String>,
    /// Names bound to Node's `fs` module, whose `.promises` member is the promise API.
    pub fs_modules: Vec<String>,
    /// Those of `functions` and `methods` whose promise never rejects (see [`never_rejects`]):
    /// dropping it is a fire-and-forget, not an escaping error. JavaScript only.
    pub never_rejecting_functions: Vec<String>,
    pub never_rejecting_methods: Vec<String>,
    /// Methods some class of the file defines synchronously: `this.save()` may be one of those.
    sync_methods: Vec<String>,
}

impl AsyncCallables {
    /// Whether `identifier`, a callee, is one of [`Self::functions`]: the name is there, and
    /// no function around the call takes a parameter or declares a local of that name
    /// (`new Promise((resolve) => … resolve(value))` beside a top-level `async function
    /// resolve`).
    pub fn is_async_function(&self, identifier: Node<'_>, source: &str) -> bool {
        let name = source.get(identifier.byte_range()).unwrap_or("");
        self.functions.iter().any(|known| known == name) && !is_shadowed(identifier, source)
    }

    /// Whether `identifier`, a callee, is one of [`Self::never_rejecting_functions`], not
    /// shadowed (see [`Self::is_async_function`]).
    pub fn is_never_rejecting_function(&self, identifier: Node<'_>, source: &str) -> bool {
        let name = source.get(identifier.byte_range()).unwrap_or("");
        self.never_rejecting_functions
            .iter()
            .any(|known| known == name)
            && !is_shadowed(identifier, source)
    }

    pub(crate) fn of(root: Node<'_>, source: &str, language: Language) -> Self {
        let mut found = AsyncCallables::default();
        let mut cursor = root.walk();
        for statement in root.named_children(&mut cursor) {
            if language.is_javascript_like() {
                found.javascript_statement(statement, source);
            } else {
                found.python_statement(statement, source);
            }
        }
        let sync_methods = std::mem::take(&mut found.sync_methods);
        found.methods.retain(|name| !sync_methods.contains(name));
        found
            .never_rejecting_methods
            .retain(|name| found.methods.contains(name));
        found
    }

    fn javascript_statement(&mut self, statement: Node<'_>, source: &str) {
        let text = |node: Node<'_>| source.get(node.byte_range()).unwrap_or("");
        match statement.kind() {
            "export_statement" => {
                if let Some(declaration) = statement.child_by_field_name("declaration") {
                    self.javascript_statement(declaration, source);
                }
            }
            "function_declaration" if has_token(statement, "async") => {
                if let Some(name) = statement.child_by_field_name("name") {
                    self.functions.push(text(name).to_string());
                    if never_rejects(statement, source) {
                        self.never_rejecting_functions.push(text(name).to_string());
                    }
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                let mut cursor = statement.walk();
                for declarator in statement.named_children(&mut cursor) {
                    let (Some(name), Some(value)) = (
                        declarator.child_by_field_name("name"),
                        declarator.child_by_field_name("value"),
                    ) else {
                        continue;
                    };
                    self.javascript_binding(name, value, source);
                }
            }
            "class_declaration" | "abstract_class_declaration" | "class" => {
                if let Some(body) = statement.child_by_field_name("body") {
                    let mut cursor = body.walk();
                    for member in body.named_children(&mut cursor) {
                        self.javascript_class_member(member, source);
                    }
                }
            }
            "import_statement" => self.javascript_import(statement, source),
            _ => {}
        }
    }

    /// `const f = async () => …`, `const fs = require('fs/promises')`,
    /// `const { readFile } = require('fs/promises')`, `const fs = require('fs')`.
    fn javascript_binding(&mut self, name: Node<'_>, value: Node<'_>, source: &str) {
        let text = |node: Node<'_>| source.get(node.byte_range()).unwrap_or("");
        let value = unwrap_javascript(value);
        match value.kind() {
            "arrow_function" | "function_expression" | "function"
                if name.kind() == "identifier" && has_token(value, "async") =>
            {
                self.functions.push(text(name).to_string());
                if never_rejects(value, source) {
                    self.never_rejecting_functions.push(text(name).to_string());
                }
            }
            "call_expression" => {
                let Some(specifier) = required(value, source) else {
                    return;
                };
                self.javascript_module_binding(name, specifier, None, source);
            }
            // `require('fs').promises`
            "member_expression" => {
                let (Some(object), Some(property)) = (
                    value.child_by_field_name("object"),
                    value.child_by_field_name("property"),
                ) else {
                    return;
                };
                if text(property) == "promises"
                    && required(object, source).is_some_and(is_fs)
                    && name.kind() == "identifier"
                {
                    self.promise_modules.push(text(name).to_string());
                }
            }
            _ => {}
        }
    }

    /// A name (or pattern) bound to the module `specifier`; `member` when the binding takes
    /// one export of it.
    fn javascript_module_binding(
        &mut self,
        name: Node<'_>,
        specifier: &str,
        member: Option<&str>,
        source: &str,
    ) {
        let text = |node: Node<'_>| source.get(node.byte_range()).unwrap_or("");
        match name.kind() {
            "identifier" => match member {
                None if is_fs_promises(specifier) => {
                    self.promise_modules.push(text(name).to_string());
                }
                None if is_fs(specifier) => {
                    self.fs_modules.push(text(name).to_string());
                }
                Some("promises") if is_fs(specifier) => {
                    self.promise_modules.push(text(name).to_string());
                }
                Some(_) if is_fs_promises(specifier) => {
                    self.functions.push(text(name).to_string());
                }
                _ => {}
            },
            // `const { readFile, promises: fsp } = require(…)`
            "object_pattern" => {
                let mut cursor = name.walk();
                for property in name.named_children(&mut cursor) {
                    match property.kind() {
                        "shorthand_property_identifier_pattern" => {
                            let local = text(property);
                            self.javascript_module_binding_name(local, local, specifier);
                        }
                        "pair_pattern" => {
                            let (Some(key), Some(value)) = (
                                property.child_by_field_name("key"),
                                property.child_by_field_name("value"),
                            ) else {
                                continue;
                            };
                            if value.kind() == "identifier" {
                                self.javascript_module_binding_name(
                                    text(key),
                                    text(value),
                                    specifier,
                                );
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    fn javascript_module_binding_name(&mut self, imported: &str, local: &str, specifier: &str) {
        if is_fs_promises(specifier) {
            self.functions.push(local.to_string());
        } else if is_fs(specifier) && imported == "promises" {
            self.promise_modules.push(local.to_string());
        }
    }

    fn javascript_import(&mut self, statement: Node<'_>, source: &str) {
        let text = |node: Node<'_>| source.get(node.byte_range()).unwrap_or("");
        let Some(specifier) = statement
            .child_by_field_name("source")
            .map(|source_node| text(source_node).trim_matches(['\'', '"']))
        else {
            return;
        };
        if !is_fs(specifier) && !is_fs_promises(specifier) {
            return;
        }
        let mut cursor = statement.walk();
        let Some(clause) = statement
            .named_children(&mut cursor)
            .find(|child| child.kind() == "import_clause")
        else {
            return;
        };
        let mut cursor = clause.walk();
        for part in clause.named_children(&mut cursor) {
            match part.kind() {
                "identifier" => self.javascript_module_binding(part, specifier, None, source),
                "namespace_import" => {
                    let mut inner = part.walk();
                    if let Some(local) = part
                        .named_children(&mut inner)
                        .find(|child| child.kind() == "identifier")
                    {
                        self.javascript_module_binding(local, specifier, None, source);
                    }
                }
                "named_imports" => {
                    let mut inner = part.walk();
                    for specifier_node in part.named_children(&mut inner) {
                        let Some(imported) = specifier_node.child_by_field_name("name") else {
                            continue;
                        };
                        let local = specifier_node
                            .child_by_field_name("alias")
                            .unwrap_or(imported);
                        self.javascript_module_binding_name(text(imported), text(local), specifier);
                    }
                }
                _ => {}
            }
        }
    }

    fn javascript_class_member(&mut self, member: Node<'_>, source: &str) {
        let text = |node: Node<'_>| source.get(node.byte_range()).unwrap_or("");
        match member.kind() {
            "method_definition" => {
                let Some(name) = member.child_by_field_name("name") else {
                    return;
                };
                // Modifiers (`private`, `static`, `async`, `*`) come before the name.
                let mut cursor = member.walk();
                let modifiers: Vec<&str> = member
                    .children(&mut cursor)
                    .take_while(|child| child.id() != name.id())
                    .map(|child| child.kind())
                    .collect();
                let name = text(name).trim_start_matches('#').to_string();
                if modifiers.contains(&"async") && !modifiers.contains(&"*") {
                    if never_rejects(member, source) {
                        self.never_rejecting_methods.push(name.clone());
                    }
                    self.methods.push(name);
                } else {
                    self.sync_methods.push(name);
                }
            }
            // `handler = async () => …` as a class field.
            "field_definition" | "public_field_definition" => {
                let name = member
                    .child_by_field_name("property")
                    .or_else(|| member.child_by_field_name("name"));
                let value = member.child_by_field_name("value").map(unwrap_javascript);
                if let (Some(name), Some(value)) = (name, value)
                    && matches!(value.kind(), "arrow_function" | "function_expression")
                    && has_token(value, "async")
                {
                    let name = text(name).trim_start_matches('#').to_string();
                    if never_rejects(value, source) {
                        self.never_rejecting_methods.push(name.clone());
                    }
                    self.methods.push(name);
                }
            }
            _ => {}
        }
    }

    fn python_statement(&mut self, statement: Node<'_>, source: &str) {
        let text = |node: Node<'_>| source.get(node.byte_range()).unwrap_or("");
        match statement.kind() {
            "decorated_definition" => {
                if let Some(definition) = statement.child_by_field_name("definition") {
                    self.python_statement(definition, source);
                }
            }
            "function_definition" if is_python_coroutine_function(statement) => {
                if let Some(name) = statement.child_by_field_name("name") {
                    self.functions.push(text(name).to_string());
                }
            }
            "class_definition" => {
                let Some(body) = statement.child_by_field_name("body") else {
                    return;
                };
                let mut cursor = body.walk();
                for member in body.named_children(&mut cursor) {
                    let member = match member.kind() {
                        "decorated_definition" => match member.child_by_field_name("definition") {
                            Some(definition) => definition,
                            None => continue,
                        },
                        _ => member,
                    };
                    if member.kind() != "function_definition" {
                        continue;
                    }
                    let Some(name) = member.child_by_field_name("name") else {
                        continue;
                    };
                    let name = text(name).to_string();
                    if is_python_coroutine_function(member) {
                        self.methods.push(name);
                    } else {
                        self.sync_methods.push(name);
                    }
                }
            }
            // `import asyncio`, `import asyncio as aio`
            "import_statement" => {
                let mut cursor = statement.walk();
                for name in statement.children_by_field_name("name", &mut cursor) {
                    let (module, local) = match name.kind() {
                        "aliased_import" => (
                            name.child_by_field_name("name"),
                            name.child_by_field_name("alias"),
                        ),
                        _ => (Some(name), Some(name)),
                    };
                    if let (Some(module), Some(local)) = (module, local)
                        && text(module) == "asyncio"
                    {
                        self.promise_modules.push(text(local).to_string());
                    }
                }
            }
            // `from asyncio import sleep`, `from asyncio import sleep as nap`
            "import_from_statement" => {
                let module = statement.child_by_field_name("module_name").map(text);
                if module != Some("asyncio") {
                    return;
                }
                let mut cursor = statement.walk();
                for name in statement.children_by_field_name("name", &mut cursor) {
                    let (imported, local) = match name.kind() {
                        "aliased_import" => (
                            name.child_by_field_name("name"),
                            name.child_by_field_name("alias"),
                        ),
                        _ => (Some(name), Some(name)),
                    };
                    if let (Some(imported), Some(local)) = (imported, local)
                        && text(imported) == "sleep"
                    {
                        self.functions.push(text(local).to_string());
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether a Python `def` is `async def` without a `yield`: calling it makes a coroutine (an
/// `async def` that yields makes an async generator, which is iterated, never awaited).
pub fn is_python_coroutine_function(definition: Node<'_>) -> bool {
    if !has_token(definition, "async") {
        return false;
    }
    let Some(body) = definition.child_by_field_name("body") else {
        return false;
    };
    let mut stack = vec![body];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_YIELD_SEARCH || node.kind() == "yield" {
            return false;
        }
        if matches!(
            node.kind(),
            "function_definition" | "lambda" | "class_definition"
        ) {
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    true
}

/// Whether a function around `identifier` binds its name to something else: a parameter
/// (`(resolve, reject) => …`), or a variable declared directly in one of the blocks around it
/// (`const load = …`, Python `load = …`). Module-level bindings are not looked at: they are
/// what the name means.
pub(crate) fn is_shadowed(identifier: Node<'_>, source: &str) -> bool {
    let name = source.get(identifier.byte_range()).unwrap_or("");
    let mut node = identifier;
    for _ in 0..MAX_SCOPE_DEPTH {
        let Some(parent) = node.parent() else {
            return false;
        };
        if is_nested_scope(parent.kind()) {
            let parameters = parent
                .child_by_field_name("parameters")
                .or_else(|| parent.child_by_field_name("parameter"));
            if parameters.is_some_and(|parameters| binds(parameters, name, source)) {
                return true;
            }
        }
        if matches!(parent.kind(), "statement_block" | "block")
            && declares_in_block(parent, name, source)
        {
            return true;
        }
        node = parent;
    }
    false
}

/// Whether a parameter list (or an arrow's single parameter) binds `name`: its own names,
/// not those in default values or type annotations.
fn binds(parameters: Node<'_>, name: &str, source: &str) -> bool {
    let text = |node: Node<'_>| source.get(node.byte_range()).unwrap_or("");
    let mut stack = vec![parameters];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_DECLARATION_SEARCH {
            return false;
        }
        match node.kind() {
            "identifier" | "shorthand_property_identifier_pattern" if text(node) == name => {
                return true;
            }
            // Defaults and annotations: only the bound side.
            "assignment_pattern" | "object_assignment_pattern" => {
                stack.extend(node.child_by_field_name("left"));
            }
            "required_parameter" | "optional_parameter" => {
                stack.extend(node.child_by_field_name("pattern"));
            }
            "default_parameter" | "typed_default_parameter" => {
                stack.extend(node.child_by_field_name("name"));
            }
            "typed_parameter" => stack.extend(node.named_child(0)),
            "pair_pattern" => stack.extend(node.child_by_field_name("value")),
            _ => {
                let mut cursor = node.walk();
                stack.extend(node.named_children(&mut cursor));
            }
        }
    }
    false
}

/// Whether a block's own statements declare `name`: `const`/`let`/`var` declarators and
/// Python assignments to the plain name.
fn declares_in_block(block: Node<'_>, name: &str, source: &str) -> bool {
    let text = |node: Node<'_>| source.get(node.byte_range()).unwrap_or("");
    let mut cursor = block.walk();
    block
        .named_children(&mut cursor)
        .take(MAX_DECLARATION_SEARCH)
        .any(|statement| match statement.kind() {
            "lexical_declaration" | "variable_declaration" => {
                let mut cursor = statement.walk();
                statement.named_children(&mut cursor).any(|declarator| {
                    declarator
                        .child_by_field_name("name")
                        .is_some_and(|declared| binds(declared, name, source))
                })
            }
            "expression_statement" => statement.named_child(0).is_some_and(|assignment| {
                assignment.kind() == "assignment"
                    && assignment
                        .child_by_field_name("left")
                        .is_some_and(|left| left.kind() == "identifier" && text(left) == name)
            }),
            _ => false,
        })
}

/// Whether the promise of an async JavaScript function never rejects: its body is a `try …
/// catch` (with only declarations and plain returns beside it) whose `try` block returns no
/// promise unawaited and whose handler and `finally` neither throw nor await. Calling such a
/// function without `await` is a fire-and-forget: its errors cannot escape.
pub(crate) fn never_rejects(function: Node<'_>, source: &str) -> bool {
    let Some(body) = function.child_by_field_name("body") else {
        return false;
    };
    if body.kind() != "statement_block" {
        return false;
    }
    let mut guarded = false;
    let mut cursor = body.walk();
    for statement in body.named_children(&mut cursor) {
        match statement.kind() {
            "comment" | "empty_statement" => {}
            "try_statement" if try_settles(statement) => guarded = true,
            _ if cannot_throw(statement, source) => {}
            _ => return false,
        }
    }
    guarded
}

/// A `try` with a `catch` whose block returns no promise unawaited (a rejected one would
/// escape the `catch`), and whose handler and `finally` neither throw nor await.
fn try_settles(statement: Node<'_>) -> bool {
    let (Some(block), Some(handler)) = (
        statement.child_by_field_name("body"),
        statement.child_by_field_name("handler"),
    ) else {
        return false;
    };
    let quiet = |node: Node<'_>| {
        !contains(node, &|node| {
            matches!(node.kind(), "throw_statement" | "await_expression")
        })
    };
    let returns_promise = |node: Node<'_>| {
        node.kind() == "return_statement"
            && node
                .named_child(0)
                .map(unwrap_javascript)
                .is_some_and(|value| matches!(value.kind(), "call_expression" | "new_expression"))
    };
    !contains(block, &returns_promise)
        && quiet(handler)
        && statement.child_by_field_name("finalizer").is_none_or(quiet)
}

/// Statements that cannot throw: declarations without a value or with a literal one, and
/// `return` of nothing, a name or a literal.
fn cannot_throw(statement: Node<'_>, source: &str) -> bool {
    let plain = |value: Option<Node<'_>>| {
        value.is_none_or(|value| {
            matches!(
                value.kind(),
                "identifier" | "string" | "number" | "true" | "false" | "null" | "undefined"
            )
        })
    };
    match statement.kind() {
        "lexical_declaration" | "variable_declaration" => {
            let mut cursor = statement.walk();
            statement
                .named_children(&mut cursor)
                .filter(|declarator| declarator.kind() == "variable_declarator")
                .all(|declarator| plain(declarator.child_by_field_name("value")))
        }
        "return_statement" => plain(statement.named_child(0)),
        // `if (!Array.isArray(ids) || ids.length === 0) return;`
        "if_statement" => {
            let returns_plainly =
                statement
                    .child_by_field_name("consequence")
                    .is_some_and(|consequence| match consequence.kind() {
                        "return_statement" => cannot_throw(consequence, source),
                        "statement_block" => {
                            consequence.named_child_count() == 1
                                && consequence.named_child(0).is_some_and(|only| {
                                    only.kind() == "return_statement" && cannot_throw(only, source)
                                })
                        }
                        _ => false,
                    });
            returns_plainly
                && statement.child_by_field_name("alternative").is_none()
                && statement
                    .child_by_field_name("condition")
                    .is_some_and(|condition| {
                        !contains(condition, &|node| may_throw_in_a_test(node, source))
                    })
        }
        _ => false,
    }
}

/// In a guard's condition: anything but a test of values (`!x`, `typeof x`, comparisons,
/// `x.length`, `Array.isArray(x)`), which may throw.
fn may_throw_in_a_test(node: Node<'_>, source: &str) -> bool {
    match node.kind() {
        "identifier"
        | "property_identifier"
        | "member_expression"
        | "unary_expression"
        | "binary_expression"
        | "parenthesized_expression"
        | "string"
        | "string_fragment"
        | "number"
        | "true"
        | "false"
        | "null"
        | "undefined"
        | "arguments" => false,
        "call_expression" => node.child_by_field_name("function").is_none_or(|function| {
            !matches!(
                source.get(function.byte_range()).unwrap_or_default(),
                "Array.isArray" | "Number.isInteger" | "Number.isFinite"
            )
        }),
        _ => true,
    }
}

/// Whether some node under `root`, outside the functions nested in it, matches; a search
/// longer than [`MAX_REJECT_SEARCH`] nodes counts as a match.
fn contains(root: Node<'_>, matches: &dyn Fn(Node<'_>) -> bool) -> bool {
    let mut stack = vec![root];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_REJECT_SEARCH || matches(node) {
            return true;
        }
        if node.id() != root.id() && is_nested_scope(node.kind()) {
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

fn unwrap_javascript(mut node: Node<'_>) -> Node<'_> {
    while matches!(
        node.kind(),
        "parenthesized_expression" | "as_expression" | "satisfies_expression"
    ) {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// The specifier of `require('…')`.
fn required<'source>(call: Node<'_>, source: &'source str) -> Option<&'source str> {
    if call.kind() != "call_expression" {
        return None;
    }
    let function = call.child_by_field_name("function")?;
    if source.get(function.byte_range()) != Some("require") {
        return None;
    }
    let argument = call.child_by_field_name("arguments")?.named_child(0)?;
    (argument.kind() == "string")
        .then(|| source.get(argument.byte_range()))
        .flatten()
        .map(|text| text.trim_matches(['\'', '"']))
}

fn is_fs(specifier: &str) -> bool {
    matches!(specifier, "fs" | "node:fs")
}

fn is_fs_promises(specifier: &str) -> bool {
    matches!(specifier, "fs/promises" | "node:fs/promises")
}
