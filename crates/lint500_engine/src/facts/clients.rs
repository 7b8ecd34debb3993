//! Pooled client constructions: which calls build a database engine, a connection pool or a
//! cache client, and whether one inside a function is the lazy singleton (built on the first
//! call into a binding that outlives it, reused afterwards).
//!
//! The collectors call in here only for calls whose callee's last name is one of the client
//! names, so the tree is climbed rarely.

use lint500_knowledge::clients;
use tree_sitter::Node;

use super::{Import, Imported};
use crate::model::FileModel;

pub(crate) use lint500_knowledge::clients::{is_js_client_call, is_py_client_name};

/// The client a `new` expression's constructor or a call's callee builds, given the module's
/// imports so far: `new PrismaClient()`, `new pg.Pool()`, `mongoose.connect(…)`.
pub(crate) fn js_client(
    callee: Node<'_>,
    constructed: bool,
    imports: &[Import],
    file: &FileModel<'_>,
) -> Option<&'static str> {
    let (root, member) = match callee.kind() {
        "identifier" => (callee, None),
        "member_expression" => {
            let object = callee.child_by_field_name("object")?;
            let property = callee.child_by_field_name("property")?;
            if object.kind() != "identifier" {
                return None;
            }
            (object, Some(file.text(property)))
        }
        _ => return None,
    };
    let local = file.text(root);
    let Some(import) = imports.iter().rev().find(|import| import.local == local) else {
        return match member {
            None if constructed => clients::js_unimported_client(local),
            _ => None,
        };
    };
    let name = match (member, &import.imported) {
        (None, Imported::Named(name)) => name.as_str(),
        (None, Imported::Default) => "default",
        (None, Imported::Namespace) => "*",
        (Some(member), Imported::Default | Imported::Namespace) => member,
        (Some(_), Imported::Named(_)) => return None,
    };
    clients::js_client(&import.specifier, name, constructed)
}

/// The client a Python call builds, given the module's imports so far: `create_engine(…)`
/// imported from `sqlalchemy`, `redis.Redis(…)`, `asyncpg.create_pool(…)`.
pub(crate) fn py_client(
    callee: Node<'_>,
    imports: &[Import],
    file: &FileModel<'_>,
) -> Option<&'static str> {
    let (name, root) = match callee.kind() {
        "identifier" => (None, callee),
        "attribute" => {
            let name = file.text(callee.child_by_field_name("attribute")?);
            let mut root = callee.child_by_field_name("object")?;
            for _ in 0..MAX_CLIMB {
                if root.kind() != "attribute" {
                    break;
                }
                root = root.child_by_field_name("object")?;
            }
            (Some(name), root)
        }
        _ => return None,
    };
    if root.kind() != "identifier" {
        return None;
    }
    let local = file.text(root);
    let import = imports.iter().rev().find(|import| import.local == local)?;
    // `create_engine(…)` after `from sqlalchemy import create_engine [as …]`.
    let name = match (name, &import.imported) {
        (Some(name), _) => name,
        (None, Imported::Named(imported)) => imported.as_str(),
        (None, _) => return None,
    };
    let package = import.specifier.split('.').next().unwrap_or("");
    clients::py_client(package, name)
}

/// The option of `client-in-handler` that names more constructors and factories of pooled
/// clients, in either language: `Knex` for `new Knex(…)`, `makePool` for `makePool(…)` and
/// `db.makePool(…)`.
pub const EXTRA_CLIENTS: &str = "extra-clients";

/// The client a construction or call builds when its callee's last name is one of the
/// configured `extra` clients (no import needed: the user named it), as written: `new Knex()`,
/// `makePool()`.
pub(crate) fn extra_client(
    callee: Node<'_>,
    constructed: bool,
    extra: &[String],
    file: &FileModel<'_>,
) -> Option<String> {
    let name = match callee.kind() {
        "identifier" => callee,
        "member_expression" => callee.child_by_field_name("property")?,
        "attribute" => callee.child_by_field_name("attribute")?,
        _ => return None,
    };
    let name = file.text(name);
    extra.iter().any(|extra| extra == name).then(|| {
        if constructed {
            format!("new {name}()")
        } else {
            format!("{name}()")
        }
    })
}

/// How many wrapping expressions (`await`, parentheses, `.then(…)`) are climbed from a
/// construction to the assignment that keeps it, and how many statements are looked back at
/// for an early-return guard.
const MAX_CLIMB: usize = 8;
const MAX_SIBLINGS: usize = 64;
/// How many nodes of the enclosing function are looked at for a declaration of the name.
const MAX_SCAN: usize = 20_000;

/// Node kinds of one grammar that the lazy-singleton test looks at.
struct Kinds {
    /// Expressions that pass the client on: `await x`, `(x)`, `x as T`.
    wrappers: &'static [&'static str],
    /// `x.then(…)`, `x.execution_options(…)`: the member access and the call it makes.
    member: &'static str,
    call: &'static str,
    callee_field: &'static str,
    assignment: &'static str,
    conditionals: &'static [&'static str],
    /// `x ?? (x = …)` / `x or …`.
    binary: &'static str,
    defaults: &'static [&'static str],
}

const JS_KINDS: Kinds = Kinds {
    wrappers: &[
        "await_expression",
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
    ],
    member: "member_expression",
    call: "call_expression",
    callee_field: "function",
    assignment: "assignment_expression",
    conditionals: &["if_statement", "ternary_expression"],
    binary: "binary_expression",
    defaults: &["??", "||"],
};

const PY_KINDS: Kinds = Kinds {
    wrappers: &["await", "parenthesized_expression"],
    member: "attribute",
    call: "call",
    callee_field: "function",
    assignment: "assignment",
    conditionals: &["if_statement", "elif_clause", "conditional_expression"],
    binary: "boolean_operator",
    defaults: &["or"],
};

/// Whether a JavaScript construction is a lazy singleton: assigned to a name the function does
/// not declare (or to a property: `globalThis.prisma`, `cached.conn`, `this.pool`) under a
/// guard on that target (`if (!prisma)`, an earlier `if (prisma) return prisma`, `prisma ??
/// (prisma = …)`), or by `??=` / `||=`.
pub(crate) fn js_lazy_singleton(construction: Node<'_>, file: &FileModel<'_>) -> bool {
    let top = climb_wrappers(construction, &JS_KINDS);
    let Some(parent) = top.parent() else {
        return false;
    };
    let right = parent.child_by_field_name("right");
    if right.is_none_or(|right| right.id() != top.id()) {
        return false;
    }
    let Some(target) = parent.child_by_field_name("left") else {
        return false;
    };
    let function = file.enclosing_function();
    if !outlives_js_call(target, function, file) {
        return false;
    }
    match parent.kind() {
        "augmented_assignment_expression" => parent
            .child_by_field_name("operator")
            .is_some_and(|operator| matches!(file.text(operator), "??=" | "||=")),
        "assignment_expression" => guarded(parent, file.text(target), function, &JS_KINDS, file),
        _ => false,
    }
}

/// Whether a Python construction is a lazy singleton: assigned to a name the function declares
/// `global` (or to an attribute: `self._engine`, `state.engine`) under a guard on that target
/// (`if engine is None:`, an earlier `if engine: return engine`, `engine or …`).
pub(crate) fn py_lazy_singleton(construction: Node<'_>, file: &FileModel<'_>) -> bool {
    let top = climb_wrappers(construction, &PY_KINDS);
    let Some(parent) = top.parent() else {
        return false;
    };
    if parent.kind() != PY_KINDS.assignment
        || parent
            .child_by_field_name("right")
            .is_none_or(|right| right.id() != top.id())
    {
        return false;
    }
    let Some(target) = parent.child_by_field_name("left") else {
        return false;
    };
    let function = file.enclosing_function();
    let outlives = match target.kind() {
        "attribute" => true,
        "identifier" => {
            function.is_some_and(|function| declares_global(function, file.text(target), file))
        }
        _ => false,
    };
    outlives && guarded(parent, file.text(target), function, &PY_KINDS, file)
}

/// The outermost expression that still stands for the construction.
fn climb_wrappers<'tree>(mut node: Node<'tree>, kinds: &Kinds) -> Node<'tree> {
    for _ in 0..MAX_CLIMB {
        let Some(parent) = node.parent() else {
            break;
        };
        let kind = parent.kind();
        let passes = kinds.wrappers.contains(&kind)
            || (kind == kinds.member
                && parent
                    .child_by_field_name("object")
                    .is_some_and(|object| object.id() == node.id())
                && parent
                    .parent()
                    .is_some_and(|call| call.kind() == kinds.call));
        let is_call_of_member = kind == kinds.call
            && node.kind() == kinds.member
            && parent
                .child_by_field_name(kinds.callee_field)
                .is_some_and(|callee| callee.id() == node.id());
        if !passes && !is_call_of_member {
            break;
        }
        node = parent;
    }
    node
}

/// Whether an assignment sits under a test of its target between it and the function: an
/// `if` / ternary whose condition names it, `target ?? (target = …)`, or an earlier statement
/// of an enclosing block that tests it (`if (client) return client;`).
fn guarded(
    assignment: Node<'_>,
    target: &str,
    function: Option<Node<'_>>,
    kinds: &Kinds,
    file: &FileModel<'_>,
) -> bool {
    let mut node = assignment;
    while let Some(parent) = node.parent() {
        if function.is_some_and(|function| function.id() == node.id()) {
            break;
        }
        if kinds.conditionals.contains(&parent.kind())
            && parent
                .child_by_field_name("condition")
                .is_some_and(|condition| {
                    condition.id() != node.id() && mentions(file.text(condition), target)
                })
        {
            return true;
        }
        if parent.kind() == kinds.binary
            && parent
                .child_by_field_name("operator")
                .is_some_and(|operator| kinds.defaults.contains(&file.text(operator)))
            && parent
                .child_by_field_name("left")
                .is_some_and(|left| left.id() != node.id() && file.text(left) == target)
        {
            return true;
        }
        let mut sibling = node.prev_named_sibling();
        for _ in 0..MAX_SIBLINGS {
            let Some(earlier) = sibling else {
                break;
            };
            if earlier.kind() == "if_statement"
                && earlier
                    .child_by_field_name("condition")
                    .is_some_and(|condition| mentions(file.text(condition), target))
            {
                return true;
            }
            sibling = earlier.prev_named_sibling();
        }
        node = parent;
    }
    false
}

/// Whether `text` names `target` as a whole (`!prisma`, `prisma == null`, but not `prismaUrl`).
pub(crate) fn mentions(text: &str, target: &str) -> bool {
    if target.is_empty() {
        return false;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    text.match_indices(target).any(|(at, _)| {
        let before = text.get(..at).and_then(|before| before.chars().next_back());
        let after = text
            .get(at + target.len()..)
            .and_then(|after| after.chars().next());
        before.is_none_or(|c| !is_word(c) && c != '.') && after.is_none_or(|c| !is_word(c))
    })
}

/// Whether a JavaScript assignment target lives longer than the call: a property, or a name
/// the enclosing function neither declares nor takes as a parameter.
pub(crate) fn outlives_js_call(
    target: Node<'_>,
    function: Option<Node<'_>>,
    file: &FileModel<'_>,
) -> bool {
    let mut root = target;
    for _ in 0..MAX_CLIMB {
        if root.kind() != "member_expression" {
            break;
        }
        match root.child_by_field_name("object") {
            Some(object) => root = object,
            None => return false,
        }
    }
    match root.kind() {
        "this" => true,
        "identifier" => {
            let name = file.text(root);
            function.is_none_or(|function| !declares_js(function, name, file))
        }
        _ => false,
    }
}

/// Whether a JavaScript function declares `name` (a variable, or a parameter) in its own body,
/// not counting nested functions.
fn declares_js(function: Node<'_>, name: &str, file: &FileModel<'_>) -> bool {
    remembered(function, name, file, || {
        scan_declares_js(function, name, file)
    })
}

/// The answer of `scan` for `name` in `function`, computed once per file.
fn remembered(
    function: Node<'_>,
    name: &str,
    file: &FileModel<'_>,
    scan: impl FnOnce() -> bool,
) -> bool {
    let key = (function.start_byte(), name.to_string());
    if let Some(&known) = file.declarations.borrow().get(&key) {
        return known;
    }
    let declared = scan();
    file.declarations.borrow_mut().insert(key, declared);
    declared
}

fn scan_declares_js(function: Node<'_>, name: &str, file: &FileModel<'_>) -> bool {
    let declared = |node: Node<'_>| match node.kind() {
        "variable_declarator" => node
            .child_by_field_name("name")
            .is_some_and(|declared| mentions(file.text(declared), name)),
        "formal_parameters" => mentions(file.text(node), name),
        // An arrow function's single parameter (asked of the function: asking each identifier
        // for its parent would cost the depth of the tree every time).
        "identifier" => {
            function
                .child_by_field_name("parameter")
                .is_some_and(|parameter| parameter.id() == node.id())
                && file.text(node) == name
        }
        _ => false,
    };
    any_in_own_body(function, declared)
}

/// Whether a Python function declares `global name`.
pub(crate) fn declares_global(function: Node<'_>, name: &str, file: &FileModel<'_>) -> bool {
    remembered(function, name, file, || {
        any_in_own_body(function, |node| {
            node.kind() == "global_statement" && {
                let mut cursor = node.walk();
                node.named_children(&mut cursor)
                    .any(|declared| file.text(declared) == name)
            }
        })
    })
}

/// Whether some node of a function, outside the functions nested in it, matches; iterative and
/// bounded by [`MAX_SCAN`] nodes.
fn any_in_own_body(function: Node<'_>, matches: impl Fn(Node<'_>) -> bool) -> bool {
    let mut cursor = function.walk();
    let mut seen = 0;
    loop {
        let node = cursor.node();
        if matches(node) {
            return true;
        }
        seen += 1;
        if seen > MAX_SCAN {
            return false;
        }
        let nested = node.id() != function.id() && is_function_kind(node.kind());
        if !nested && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node().id() == function.id() {
                return false;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return false;
            }
        }
    }
}

fn is_function_kind(kind: &str) -> bool {
    matches!(
        kind,
        "function_declaration"
            | "function_expression"
            | "arrow_function"
            | "method_definition"
            | "generator_function"
            | "generator_function_declaration"
            | "function_definition"
            | "lambda"
    )
}

#[cfg(test)]
mod tests {
    use lint500_core::Language;

    use super::mentions;
    use crate::facts::functions_of;

    /// (function name, client, lazy singleton) of every construction a file's facts keep.
    fn clients(source: &str, language: Language) -> Vec<(String, String, bool)> {
        functions_of(source, language)
            .iter()
            .flat_map(|function| {
                function.clients.iter().map(|client| {
                    (
                        function.name.clone().unwrap_or_default(),
                        client.client.clone(),
                        client.lazy_singleton,
                    )
                })
            })
            .collect()
    }

    #[test]
    fn javascript_constructions_and_lazy_singletons() {
        let source = "\
import { PrismaClient } from '@prisma/client';
import pg from 'pg';
import { Pool as Other } from 'generic-pool';
let prisma;
function lazy() { if (!prisma) prisma = new PrismaClient(); return prisma; }
function logical() { return (prisma ??= new PrismaClient()); }
function local() { let prisma; if (!prisma) prisma = new PrismaClient(); return prisma; }
function plain() { return new pg.Pool(); }
function unrelated() { return new Other(); }
function early() { if (prisma) return prisma; prisma = new PrismaClient(); return prisma; }
function both() { if (!prisma) prisma = new PrismaClient(); return new pg.Pool(); }
";
        assert_eq!(
            clients(source, Language::TypeScript),
            // Functions whose only constructions are lazy singletons are not kept.
            vec![
                ("local".to_string(), "new PrismaClient()".into(), false),
                ("plain".to_string(), "new Pool()".into(), false),
                ("both".to_string(), "new PrismaClient()".into(), true),
                ("both".to_string(), "new Pool()".into(), false),
            ]
        );
    }

    #[test]
    fn python_constructions_and_global_singletons() {
        let source = "\
import redis
from sqlalchemy import create_engine
from mylib import create_pool

_engine = None

def lazy():
    global _engine
    if _engine is None:
        _engine = create_engine('sqlite://')
    return _engine

def unguarded():
    global _engine
    _engine = create_engine('sqlite://')

def no_global():
    engine = create_engine('sqlite://')
    return engine

def cache():
    return redis.Redis()

def other():
    return create_pool()

def both():
    global _engine
    if not _engine:
        _engine = create_engine('sqlite://')
    return redis.StrictRedis()
";
        assert_eq!(
            clients(source, Language::Python),
            vec![
                ("unguarded".to_string(), "create_engine()".into(), false),
                ("no_global".to_string(), "create_engine()".into(), false),
                ("cache".to_string(), "redis.Redis()".into(), false),
                ("both".to_string(), "create_engine()".into(), true),
                ("both".to_string(), "redis.Redis()".into(), false),
            ]
        );
    }

    #[test]
    fn mentions_names_as_whole_words() {
        assert!(mentions("!prisma", "prisma"));
        assert!(mentions("prisma == null", "prisma"));
        assert!(mentions("_engine is None", "_engine"));
        assert!(mentions("!globalThis.prisma", "globalThis.prisma"));
        assert!(!mentions("!prismaUrl", "prisma"));
        assert!(!mentions("!other.prisma", "prisma"));
        assert!(!mentions("anything", ""));
    }
}
