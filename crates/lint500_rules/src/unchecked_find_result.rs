//! `unchecked-find-result`: the value of an ORM lookup that yields null / `None` when nothing
//! matches (`prisma.user.findUnique`, `User.findOne`, `session.get(User, id)`, `….first()` …) is
//! dereferenced before any null check.
//!
//! The rule starts at the lookup call. A direct chain (`(await User.findById(id)).name`,
//! `query.first().name`) is reported at once. A lookup assigned to a plain variable
//! (`const user = await …`, `user = session.get(User, id)`) is followed through the statements
//! that come after the assignment in the same block, in order: the first dereference reached with
//! no null check on the way is reported. Whatever the rule does not understand (the variable
//! passed to a helper, reassigned, tested in an unusual way) ends the search silently.

use lint500_core::Language;
use lint500_engine::{
    Condition, FalsyArguments, FileModel, Rule, RuleContext, Value, is_nested_scope,
    later_statements,
};
use lint500_knowledge::orm::{self, JsLookup, PY_QUERY_METHODS, PyLookup, QUERY_BUILDERS};
use tree_sitter::Node;

use crate::attempt::has_word;
use crate::attribute_class::{attribute_class, is_own_attribute};

pub struct UncheckedFindResult;

/// The option naming more lookups: methods or functions whose result is null / `None` when
/// nothing matches (`findByEmail`, `get_user_or_none`).
const EXTRA_LOOKUPS: &str = "extra-lookups";

/// Nodes one search may visit after the assignment; beyond it the rule stays silent.
const MAX_VISITED: usize = 20_000;

/// How deeply `!`, `||`, `&&` may nest in a condition the rule reads.
const MAX_TEST_DEPTH: usize = 32;

/// Steps taken along a call chain or through wrappers (parentheses, `await`, query builders).
const MAX_STEPS: usize = 16;

/// Methods of a promise: a named lookup used with them is not awaited yet, so its value is not
/// the row.
const PROMISE_METHODS: &[&str] = &["then", "catch", "finally"];

impl Rule for UncheckedFindResult {
    fn document(&self) -> &'static str {
        include_str!("../../../rules/unchecked-find-result.md")
    }

    fn options(&self) -> &'static [&'static str] {
        &[EXTRA_LOOKUPS]
    }

    fn node_kinds(&self, language: Language) -> &'static [&'static str] {
        if language.is_javascript_like() {
            &["call_expression"]
        } else {
            &["call"]
        }
    }

    fn check_node<'tree>(&self, call: Node<'tree>, ctx: &mut RuleContext<'_, 'tree>) {
        let file = ctx.file();
        let python = !file.language.is_javascript_like();
        let Some(lookup) = Lookup::of(call, file, python, ctx.option(EXTRA_LOOKUPS)) else {
            return;
        };
        let Some((dereference, variable)) = find(&lookup, file, python) else {
            return;
        };
        // Migrations run once, at deploy time: a missing row breaks the deploy, not a request.
        if python && is_migration(file) {
            return;
        }
        // `self.repo.get_one(…)`: the method of the class `repo` is declared with, which the
        // project view looks up (with the classes it inherits from).
        let declared_method = match lookup.attribute {
            Some(attribute) => match attribute_class(attribute, file) {
                Some(class) => Some(method_of(class, lookup.method)),
                None => return,
            },
            None => None,
        };
        let null = if python { "None" } else { "null" };
        let (callee, label) = lookup.shown(file);
        let returns = if lookup.declared {
            format!("is declared to return {null} when nothing matches")
        } else {
            format!("returns {null} when nothing matches")
        };
        let message = match variable {
            Some(name) => {
                format!("`{name}` is dereferenced without a check for {null}: `{callee}` {returns}")
            }
            None => format!(
                "The result of `{callee}` is dereferenced without a check for {null}: it {}",
                if lookup.declared {
                    returns.clone()
                } else {
                    format!("is {null} when nothing matches")
                }
            ),
        };
        let shown = variable.unwrap_or("row");
        let help = if python {
            format!(
                "Check the result first and answer 404 when nothing matched \
                 (`if {shown} is None: raise HTTPException(status_code=404)`), or use the \
                 throwing variant (`.one()`, `.scalar_one()`, `get_object_or_404`)"
            )
        } else {
            format!(
                "Check the result first and answer 404 when nothing matched \
                 (`if (!{shown}) return res.status(404).end();`), or use the throwing variant \
                 (`findUniqueOrThrow`, `findFirstOrThrow`, `.orFail()`)"
            )
        };
        let label_text = format!("this lookup {returns}");
        if lookup.declared {
            let condition = Condition::ReturnsNullable(FalsyArguments::of(lookup.call, file));
            match declared_method {
                Some(method) => ctx.report_if_value(method, condition, dereference, message, help),
                None => ctx.report_if(lookup.callee, condition, dereference, message, help),
            }
            .label(label, label_text);
        } else {
            ctx.report(dereference, message, help)
                .label(label, label_text);
        }
    }
}

/// A recognised lookup call.
struct Lookup<'tree> {
    call: Node<'tree>,
    /// The callee expression (`prisma.user.findUnique`).
    callee: Node<'tree>,
    /// The method's name node (`first` in `….filter(…).first`).
    method_node: Node<'tree>,
    method: &'tree str,
    /// Named in `extra-lookups` rather than known to the rule.
    configured: bool,
    /// A project function, a lookup only if the project view finds its declared return type
    /// nullable.
    declared: bool,
    /// For a declared lookup called on an attribute of `self` / `this` (`self.repo`): that
    /// attribute, whose class says which function the method is.
    attribute: Option<Node<'tree>>,
}

impl Lookup<'_> {
    /// What the finding calls the lookup and the node its label points at: the whole callee
    /// when it is a plain dotted name (`prisma.user.findUnique`), else the method of a chain
    /// (`.first()`).
    fn shown(&self, file: &FileModel<'_>) -> (String, Node<'_>) {
        let text = file.text(self.callee);
        let dotted = text.len() <= 60
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '$');
        if dotted {
            (text.to_string(), self.callee)
        } else {
            (format!(".{}()", self.method), self.method_node)
        }
    }
}

impl<'tree> Lookup<'tree> {
    /// The lookup `call` makes: a built-in one, or one whose callee's last name is in
    /// `extra_lookups` (`x.findByEmail(…)`, `getUserOrNull(…)`).
    fn of(
        call: Node<'tree>,
        file: &FileModel<'tree>,
        python: bool,
        extra_lookups: &[String],
    ) -> Option<Lookup<'tree>> {
        let callee = call.child_by_field_name("function")?;
        let (receiver, method_node) = match (callee.kind(), python) {
            ("member_expression", false) => (
                Some(callee.child_by_field_name("object")?),
                callee.child_by_field_name("property")?,
            ),
            ("attribute", true) => (
                Some(callee.child_by_field_name("object")?),
                callee.child_by_field_name("attribute")?,
            ),
            ("identifier", _) => (None, callee),
            _ => return None,
        };
        let method = file.text(method_node);
        let arguments = call.child_by_field_name("arguments")?;
        let configured = extra_lookups.iter().any(|name| name == method);
        let known = receiver.is_some_and(|receiver| {
            if python {
                is_python_lookup(method, receiver, arguments, file)
            } else {
                is_javascript_lookup(method, receiver, arguments, file)
            }
        });
        // A project function the project view may find declared nullable (`-> Optional[User]`,
        // `: Promise<User | null>`): typed languages, a callee named like a lookup, called by
        // name, on a module (`get_one(…)`, `crud.get_user(…)`) or on an attribute of the
        // instance (`self.repo.get_one(…)`, `this.repo.findByEmail(…)`).
        let attribute = receiver.filter(|receiver| is_own_attribute(*receiver, file));
        let declared = !configured
            && !known
            && file.language != Language::JavaScript
            && receiver
                .is_none_or(|receiver| receiver.kind() == "identifier" || attribute.is_some())
            && has_word(
                method,
                &[
                    "get", "find", "fetch", "load", "lookup", "retrieve", "read", "select",
                ],
            );
        (configured || known || declared).then_some(Lookup {
            call,
            callee,
            method_node,
            method,
            configured,
            declared,
            attribute: attribute.filter(|_| declared),
        })
    }
}

/// `method` of the class written `class` (`ArticleRepository`, `repositories.ArticleRepository`)
/// in the file, as the project view resolves it.
fn method_of(class: &str, method: &str) -> Value {
    let mut parts = class.split('.');
    let first = Value::Name(parts.next().unwrap_or(class).to_string());
    let class = parts.fold(first, |object, part| {
        Value::Member(Box::new(object), part.to_string())
    });
    Value::Member(Box::new(class), method.to_string())
}

/// Prisma `<client>.<model>.findUnique/findFirst`; Mongoose, Sequelize and TypeORM
/// `findOne`/`findById`/`findByPk`/`findOneBy` on a model (`User`, `db.User`, `this.userModel`),
/// TypeORM's `findOne`/`findOneBy` on a repository (`userRepository`, `this.repo`,
/// `getRepository(User)`) or an entity manager called with an entity class
/// (`manager.findOne(User, …)`).
fn is_javascript_lookup(
    method: &str,
    receiver: Node<'_>,
    arguments: Node<'_>,
    file: &FileModel<'_>,
) -> bool {
    match orm::js_lookup(method) {
        Some(JsLookup::ClientModel) => receiver.kind() == "member_expression",
        Some(lookup @ (JsLookup::Model | JsLookup::ModelOrRepository)) => {
            if receiver.kind() == "call_expression" {
                return receiver
                    .child_by_field_name("function")
                    .and_then(|function| last_name(function, file))
                    .is_some_and(|name| name == orm::REPOSITORY_FACTORY);
            }
            let Some(name) = last_name(receiver, file) else {
                return false;
            };
            let lower = name.to_ascii_lowercase();
            if starts_uppercase(name) || name.ends_with("Model") {
                return true;
            }
            // TypeORM's repositories have `findOne` and `findOneBy`; a `findById` on a
            // repository is the project's own wrapper, which may well throw a 404 itself.
            if (lower.ends_with("repository") || lower.ends_with("repo"))
                && lookup == JsLookup::ModelOrRepository
            {
                return true;
            }
            lower.ends_with("manager")
                && arguments.named_child(0).is_some_and(|first| {
                    first.kind() == "identifier" && starts_uppercase(file.text(first))
                })
        }
        None => false,
    }
}

/// prisma-client-py `find_unique`/`find_first`, Tortoise `get_or_none`, SQLAlchemy
/// `scalar_one_or_none()`/`one_or_none()`, `.first()`/`.last()` without arguments on a query
/// chain (`session.query(…)…`, `….scalars()`, `session.exec(…)`, `Model.objects.filter(…)`), and
/// `session.get(Model, id)` / `db.get(Model, id)` with a class as first of two arguments.
fn is_python_lookup(
    method: &str,
    receiver: Node<'_>,
    arguments: Node<'_>,
    file: &FileModel<'_>,
) -> bool {
    let positional = || {
        let mut cursor = arguments.walk();
        arguments
            .named_children(&mut cursor)
            .filter(|argument| {
                !matches!(
                    argument.kind(),
                    "keyword_argument" | "comment" | "dictionary_splat" | "list_splat"
                )
            })
            .collect::<Vec<_>>()
    };
    match orm::py_lookup(method) {
        Some(PyLookup::Always) => true,
        Some(PyLookup::NoArguments) => arguments.named_child_count() == 0,
        Some(PyLookup::QueryChainEnd) => {
            arguments.named_child_count() == 0
                && is_query_chain(receiver, file)
                && !selects_only_aggregates(receiver, file)
        }
        Some(PyLookup::SessionGet) => {
            let arguments = positional();
            is_session(receiver, file)
                && arguments.len() == 2
                && arguments[0].kind() == "identifier"
                && starts_uppercase(file.text(arguments[0]))
        }
        // SQLAlchemy 2.0's `session.scalar(select(User).where(…))`.
        Some(PyLookup::SessionScalar) => {
            let arguments = positional();
            is_session(receiver, file) && arguments.len() == 1 && is_select(arguments[0], file)
        }
        None => false,
    }
}

/// Whether the query selects only aggregates (`select(func.count(Doc.id), func.max(…))`,
/// `session.query(func.sum(…).label("total"))`): it yields exactly one row, never none.
fn selects_only_aggregates(receiver: Node<'_>, file: &FileModel<'_>) -> bool {
    let is_aggregate = |column: Node<'_>| {
        let text = file.text(column);
        column.kind() == "call" && (text.starts_with("func.") || text.starts_with("sa.func."))
    };
    let mut stack = vec![receiver];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_STEPS * 8 {
            return false;
        }
        if node.kind() == "call" {
            let selects = node
                .child_by_field_name("function")
                .is_some_and(|function| {
                    matches!(file.text(function), "select" | "sa.select")
                        || (function.kind() == "attribute"
                            && last_name(function, file) == Some("query"))
                });
            if let Some(arguments) = node.child_by_field_name("arguments").filter(|_| selects) {
                let mut cursor = arguments.walk();
                let columns: Vec<Node<'_>> = arguments.named_children(&mut cursor).collect();
                return !columns.is_empty() && columns.into_iter().all(is_aggregate);
            }
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

/// A SQLAlchemy session by its name: `db`, `session`, `self.session`, `async_session`, `sess`.
fn is_session(receiver: Node<'_>, file: &FileModel<'_>) -> bool {
    last_name(receiver, file).is_some_and(|name| {
        let lower = name.trim_start_matches('_').to_ascii_lowercase();
        lower == "db" || lower.ends_with("session") || lower == "sess"
    })
}

/// Whether a Python expression is a `select(…)` statement, built on or not (`select(User).where(…)`).
fn is_select(mut node: Node<'_>, file: &FileModel<'_>) -> bool {
    for _ in 0..MAX_STEPS {
        let Some(function) = node
            .child_by_field_name("function")
            .filter(|_| node.kind() == "call")
        else {
            return false;
        };
        match function.kind() {
            "identifier" => return file.text(function) == "select",
            "attribute" => match function.child_by_field_name("object") {
                Some(object) => node = object,
                None => return false,
            },
            _ => return false,
        }
    }
    false
}

/// Whether an attribute read from a lookup's result is a further query method of a chain that
/// is awaited as a whole (Tortoise's `await Note.filter(…).first().values()`): the lookup made
/// a lazy query there, not a row.
fn continues_awaited_query(access: Node<'_>) -> bool {
    let mut node = access;
    for _ in 0..MAX_STEPS {
        let Some(parent) = node.parent() else {
            return false;
        };
        match parent.kind() {
            "call" if node.kind() == "attribute" => node = parent,
            "attribute" if node.kind() == "call" => node = parent,
            "await" => return node.kind() == "call",
            _ => return false,
        }
    }
    false
}

/// A Python module of Alembic or Django migrations.
fn is_migration(file: &FileModel<'_>) -> bool {
    file.source.contains("from alembic import op")
        || file.source.contains("from django.db import migrations")
}

/// Whether a Python receiver is a query: a chain of calls that contains a query method, or
/// goes through a Django manager (`.objects`).
fn is_query_chain(mut receiver: Node<'_>, file: &FileModel<'_>) -> bool {
    for _ in 0..MAX_STEPS {
        receiver = match receiver.kind() {
            "parenthesized_expression" | "await" => match receiver.named_child(0) {
                Some(inner) => inner,
                None => return false,
            },
            "call" => match receiver.child_by_field_name("function") {
                Some(function) if function.kind() == "attribute" => {
                    let name = function
                        .child_by_field_name("attribute")
                        .map(|name| file.text(name));
                    if name.is_some_and(|name| PY_QUERY_METHODS.contains(&name)) {
                        return true;
                    }
                    match function.child_by_field_name("object") {
                        Some(object) => object,
                        None => return false,
                    }
                }
                _ => return false,
            },
            "attribute" => {
                if receiver
                    .child_by_field_name("attribute")
                    .is_some_and(|name| file.text(name) == "objects")
                {
                    return true;
                }
                return false;
            }
            _ => return false,
        };
    }
    false
}

/// The last name of `User`, `db.User`, `this.userRepository`, `self.session`.
fn last_name<'tree>(node: Node<'tree>, file: &FileModel<'tree>) -> Option<&'tree str> {
    match node.kind() {
        "identifier" | "property_identifier" => Some(file.text(node)),
        "this" => None,
        "member_expression" => node
            .child_by_field_name("property")
            .map(|property| file.text(property)),
        "attribute" => node
            .child_by_field_name("attribute")
            .map(|attribute| file.text(attribute)),
        _ => None,
    }
}

fn starts_uppercase(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|first| first.is_ascii_uppercase())
}

/// The dereference to report and, when the value went through a variable, its name.
fn find<'tree>(
    lookup: &Lookup<'tree>,
    file: &FileModel<'tree>,
    python: bool,
) -> Option<(Node<'tree>, Option<&'tree str>)> {
    if !python && let Some(found) = find_in_promise_all(lookup, file) {
        return found;
    }
    if !python && let Some(found) = find_in_callback(lookup, file) {
        return found;
    }
    let value = value_of(lookup, file, python)?;
    let parent = value.parent()?;
    match parent.kind() {
        "member_expression" | "subscript_expression" | "attribute" | "subscript" => {
            let object_field = if parent.kind() == "subscript" {
                "value"
            } else {
                "object"
            };
            let is_object = parent
                .child_by_field_name(object_field)
                .is_some_and(|object| object.id() == value.id());
            let lazy = python && continues_awaited_query(parent);
            (is_object && !is_optional(parent) && !lazy).then_some((parent, None))
        }
        "variable_declarator" => {
            if parent
                .child_by_field_name("value")
                .is_none_or(|declared| declared.id() != value.id())
            {
                return None;
            }
            let name = parent.child_by_field_name("name")?;
            match name.kind() {
                "object_pattern" | "array_pattern" => Some((name, None)),
                "identifier" => {
                    let statement = parent.parent()?;
                    let variable = file.text(name);
                    let found = follow(statement, variable, file, python)?;
                    Some((found, Some(variable)))
                }
                _ => None,
            }
        }
        "assignment_expression" | "assignment" => {
            if parent
                .child_by_field_name("right")
                .is_none_or(|right| right.id() != value.id())
            {
                return None;
            }
            let left = parent.child_by_field_name("left")?;
            if left.kind() != "identifier" {
                return None;
            }
            let statement = parent.parent()?;
            if statement.kind() != "expression_statement" {
                return None;
            }
            let variable = file.text(left);
            let found = follow(statement, variable, file, python)?;
            Some((found, Some(variable)))
        }
        _ => None,
    }
}

/// A lookup whose result arrives in a callback: Mongoose's `User.findById(id, (err, user) =>
/// …)` and `.exec((err, doc) => …)`, or a promise chain `.findOne(…).then((user) => …)`. The
/// parameter is followed through the callback's body. `None` when the lookup hands its result
/// to no callback; `Some(None)` when it does but nothing unguarded follows.
fn find_in_callback<'tree>(
    lookup: &Lookup<'tree>,
    file: &FileModel<'tree>,
) -> Option<Option<(Node<'tree>, Option<&'tree str>)>> {
    let last_argument = || {
        let arguments = lookup.call.child_by_field_name("arguments")?;
        let mut cursor = arguments.walk();
        arguments.named_children(&mut cursor).last()
    };
    let chained = || {
        let member = lookup
            .call
            .parent()
            .filter(|parent| parent.kind() == "member_expression")?;
        let method = file.text(member.child_by_field_name("property")?);
        let call = member
            .parent()
            .filter(|parent| parent.kind() == "call_expression")?;
        let callback = call.child_by_field_name("arguments")?.named_child(0)?;
        match method {
            "then" => Some((callback, 0)),
            "exec" => Some((callback, 1)),
            _ => None,
        }
    };
    let (callback, index) = last_argument()
        .filter(|argument| is_callback(*argument))
        .map(|callback| (callback, 1))
        .or_else(chained)?;
    let parameters = callback_parameters(callback);
    // `(err, user)` for Node-style callbacks: a lone parameter there is the error.
    if index == 1 && parameters.len() < 2 {
        return None;
    }
    let parameter = *parameters.get(index)?;
    let variable = file.text(parameter);
    let body = callback.child_by_field_name("body")?;
    let mut search = Search {
        variable,
        file,
        python: false,
        visited: 0,
    };
    let statements: Vec<Node<'tree>> = if body.kind() == "statement_block" {
        let mut cursor = body.walk();
        body.named_children(&mut cursor).collect()
    } else {
        vec![body]
    };
    for statement in statements {
        match search.statement(statement) {
            Outcome::Continue => {}
            Outcome::Stop => return Some(None),
            Outcome::Found(node) => return Some(Some((node, Some(variable)))),
        }
    }
    Some(None)
}

fn is_callback(node: Node<'_>) -> bool {
    matches!(
        node.kind(),
        "arrow_function" | "function_expression" | "function"
    )
}

/// The names a callback binds, in order: `user` in `(user) => …`, `user => …`, `function (err,
/// user: User) {…}`; a destructuring pattern ends the list.
fn callback_parameters(callback: Node<'_>) -> Vec<Node<'_>> {
    if let Some(single) = callback.child_by_field_name("parameter") {
        return vec![single];
    }
    let Some(parameters) = callback.child_by_field_name("parameters") else {
        return Vec::new();
    };
    let mut cursor = parameters.walk();
    parameters
        .named_children(&mut cursor)
        .map(|parameter| match parameter.kind() {
            "required_parameter" | "optional_parameter" => parameter
                .child_by_field_name("pattern")
                .unwrap_or(parameter),
            _ => parameter,
        })
        .take_while(|parameter| parameter.kind() == "identifier")
        .collect()
}

/// A lookup among the promises of `const [a, b] = await Promise.all([lookup, …])`: its
/// result is the pattern's element at the same index, followed like a variable. `None` when
/// the lookup is not in such a destructuring (the usual search applies); `Some(None)` when it
/// is but nothing unguarded follows.
fn find_in_promise_all<'tree>(
    lookup: &Lookup<'tree>,
    file: &FileModel<'tree>,
) -> Option<Option<(Node<'tree>, Option<&'tree str>)>> {
    let array = lookup.call.parent().filter(|node| node.kind() == "array")?;
    let all = array
        .parent()
        .filter(|node| node.kind() == "arguments")?
        .parent()?;
    let callee = all.child_by_field_name("function")?;
    if !matches!(file.text(callee), "Promise.all" | "Promise.allSettled") {
        return None;
    }
    let declarator = all
        .parent()
        .filter(|node| node.kind() == "await_expression")?
        .parent()
        .filter(|node| node.kind() == "variable_declarator")?;
    let pattern = declarator
        .child_by_field_name("name")
        .filter(|name| name.kind() == "array_pattern")?;
    // `allSettled` yields `{ status, value }` objects, not the rows.
    if file.text(callee) == "Promise.allSettled" {
        return Some(None);
    }
    let index = position_among_named(array, lookup.call)?;
    let element = nth_element(pattern, index)?;
    if element.kind() != "identifier" {
        return Some(None);
    }
    let variable = file.text(element);
    let statement = declarator.parent()?;
    Some(follow(statement, variable, file, false).map(|found| (found, Some(variable))))
}

/// The index of `child` among the named children of `parent` (comments aside).
fn position_among_named(parent: Node<'_>, child: Node<'_>) -> Option<usize> {
    let mut cursor = parent.walk();
    parent
        .named_children(&mut cursor)
        .filter(|node| node.kind() != "comment")
        .position(|node| node.id() == child.id())
}

/// The element of an array pattern at `index`, counting holes (`[, b]`).
fn nth_element<'tree>(pattern: Node<'tree>, index: usize) -> Option<Node<'tree>> {
    let mut cursor = pattern.walk();
    let mut position = 0;
    let mut expecting_element = true;
    for child in pattern.children(&mut cursor) {
        match child.kind() {
            "[" | "]" | "comment" => {}
            "," => {
                if expecting_element {
                    position += 1;
                }
                expecting_element = true;
            }
            _ => {
                if position == index {
                    return Some(child);
                }
                position += 1;
                expecting_element = false;
            }
        }
    }
    None
}

/// The expression that carries the lookup's result: through Mongoose query builders, the
/// `await` (required in JavaScript for the built-in lookups, which all return a promise; a
/// configured one may be synchronous) and parentheses. `None` when the value is made non-null
/// (`.orFail()`, TypeScript `!`) or is still a promise (`.then(…)`).
fn value_of<'tree>(
    lookup: &Lookup<'tree>,
    file: &FileModel<'tree>,
    python: bool,
) -> Option<Node<'tree>> {
    let mut value = lookup.call;
    let mut awaited = false;
    for _ in 0..MAX_STEPS {
        let Some(parent) = value.parent() else {
            break;
        };
        match parent.kind() {
            "parenthesized_expression" => value = parent,
            "await_expression" | "await" => {
                awaited = true;
                value = parent;
            }
            "member_expression" if !python && !awaited => {
                let property = parent.child_by_field_name("property").map(|p| file.text(p));
                let chained = parent.parent().filter(|call| {
                    call.kind() == "call_expression"
                        && call
                            .child_by_field_name("function")
                            .is_some_and(|function| function.id() == parent.id())
                });
                match (property, chained) {
                    (Some(name), Some(call)) if QUERY_BUILDERS.contains(&name) => value = call,
                    // `cache.findUser(id).name`: a synchronous lookup dereferenced at once.
                    (Some(name), _)
                        if (lookup.configured || lookup.declared)
                            && !PROMISE_METHODS.contains(&name) =>
                    {
                        break;
                    }
                    _ => return None,
                }
            }
            _ => break,
        }
    }
    (python || awaited || lookup.configured || lookup.declared).then_some(value)
}

/// Whether a member access or subscript uses optional chaining (`user?.email`, `user?.[k]`).
fn is_optional(access: Node<'_>) -> bool {
    let mut cursor = access.walk();
    access
        .children(&mut cursor)
        .any(|child| child.kind() == "optional_chain")
}

/// Follows `variable` through the statements after `statement` in its block.
fn follow<'tree>(
    statement: Node<'tree>,
    variable: &str,
    file: &FileModel<'tree>,
    python: bool,
) -> Option<Node<'tree>> {
    let mut search = Search {
        variable,
        file,
        python,
        visited: 0,
    };
    for current in later_statements(statement)? {
        match search.statement(current) {
            Outcome::Continue => {}
            Outcome::Stop => return None,
            Outcome::Found(node) => return Some(node),
        }
    }
    None
}

enum Outcome<'tree> {
    /// Nothing about the variable here: go on with the next statement.
    Continue,
    /// A null check, a reassignment or something not understood: stay silent.
    Stop,
    /// An unguarded dereference.
    Found(Node<'tree>),
}

/// How a condition tests the variable.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Test {
    /// Not at all (it may still dereference it).
    None,
    /// True when the variable holds a value: `user`, `user != null`, `user is not None`.
    Present,
    /// True when it is null: `!user`, `user == null`, `user is None`, `not user`.
    Missing,
    /// Some other use the rule does not read (`isNil(user)`, `!user && strict`).
    Unknown,
}

impl Test {
    fn negate(self) -> Test {
        match self {
            Test::Present => Test::Missing,
            Test::Missing => Test::Present,
            other => other,
        }
    }
}

struct Search<'a, 'tree> {
    variable: &'a str,
    file: &'a FileModel<'tree>,
    python: bool,
    visited: usize,
}

impl<'tree> Search<'_, 'tree> {
    fn is_variable(&self, node: Node<'_>) -> bool {
        node.kind() == "identifier" && self.file.text(node) == self.variable
    }

    /// Walks one statement in source order with an explicit stack.
    fn statement(&mut self, statement: Node<'tree>) -> Outcome<'tree> {
        let mut stack = vec![statement];
        while let Some(node) = stack.pop() {
            self.visited += 1;
            if self.visited > MAX_VISITED {
                return Outcome::Stop;
            }
            match self.node(node, &mut stack) {
                Outcome::Continue => {}
                outcome => return outcome,
            }
        }
        Outcome::Continue
    }

    /// Judges one node; pushes the children to walk, last first.
    fn node(&mut self, node: Node<'tree>, stack: &mut Vec<Node<'tree>>) -> Outcome<'tree> {
        match node.kind() {
            // A nested function may run later, after checks the rule cannot see.
            kind if is_nested_scope(kind) || kind == "decorated_definition" => {
                return Outcome::Continue;
            }
            "if_statement" | "elif_clause" | "while_statement" => {
                if let Some(condition) = node.child_by_field_name("condition") {
                    match self.test(condition) {
                        Test::None => {}
                        Test::Present => {
                            // The body runs with a value; an `else` that runs without one
                            // usually leaves the function: stay silent then.
                            let alternative = node.child_by_field_name("alternative");
                            return if alternative.is_some() {
                                Outcome::Stop
                            } else {
                                Outcome::Continue
                            };
                        }
                        Test::Missing | Test::Unknown => return Outcome::Stop,
                    }
                }
            }
            "ternary_expression" | "conditional_expression" => {
                let condition = if node.kind() == "ternary_expression" {
                    node.child_by_field_name("condition")
                } else {
                    node.named_child(1)
                };
                if condition.is_some_and(|condition| self.test(condition) != Test::None) {
                    return Outcome::Continue;
                }
            }
            "binary_expression" | "boolean_operator" => {
                let operator = node
                    .child_by_field_name("operator")
                    .map(|operator| self.file.text(operator));
                if matches!(operator, Some("&&" | "||" | "??" | "and" | "or"))
                    && node
                        .child_by_field_name("left")
                        .is_some_and(|left| self.test(left) != Test::None)
                {
                    return Outcome::Continue;
                }
            }
            "member_expression" | "subscript_expression" | "attribute" | "subscript" => {
                let field = if node.kind() == "subscript" {
                    "value"
                } else {
                    "object"
                };
                let object = node.child_by_field_name(field).map(unwrap_parentheses);
                if object.is_some_and(|object| self.is_variable(object)) && !is_optional(node) {
                    // `user.then(…)`: an unawaited configured lookup holds a promise.
                    let promise = node.kind() == "member_expression"
                        && node
                            .child_by_field_name("property")
                            .is_some_and(|name| PROMISE_METHODS.contains(&self.file.text(name)));
                    if promise {
                        return Outcome::Stop;
                    }
                    return Outcome::Found(node);
                }
            }
            "variable_declarator" => {
                let name = node.child_by_field_name("name");
                if name.is_some_and(|name| self.is_variable(name)) {
                    return Outcome::Stop;
                }
                let value = node.child_by_field_name("value").map(unwrap_parentheses);
                if let (Some(name), Some(value)) = (name, value)
                    && matches!(name.kind(), "object_pattern" | "array_pattern")
                    && self.is_variable(value)
                {
                    return Outcome::Found(name);
                }
            }
            "assignment_expression"
            | "augmented_assignment_expression"
            | "assignment"
            | "augmented_assignment"
            | "named_expression"
            | "for_in_statement"
            | "for_statement" => {
                let target = node
                    .child_by_field_name("left")
                    .or_else(|| node.child_by_field_name("name"));
                if target.is_some_and(|target| self.binds(target)) {
                    return Outcome::Stop;
                }
                if node.kind() == "assignment_expression"
                    && let (Some(left), Some(right)) = (
                        target,
                        node.child_by_field_name("right").map(unwrap_parentheses),
                    )
                    && matches!(left.kind(), "object_pattern" | "array_pattern")
                    && self.is_variable(right)
                {
                    return Outcome::Found(left);
                }
            }
            // Passed to a helper, which may check it (or throw): the rule cannot follow it.
            "arguments" | "argument_list" => {
                let mut cursor = node.walk();
                let escapes = node.named_children(&mut cursor).any(|argument| {
                    let argument = match argument.kind() {
                        "keyword_argument" => argument.child_by_field_name("value"),
                        _ => Some(argument),
                    };
                    argument
                        .map(unwrap_parentheses)
                        .is_some_and(|argument| self.is_variable(argument))
                });
                if escapes {
                    return Outcome::Stop;
                }
            }
            // `assert user`, `assert user is not None`.
            "assert_statement"
                if node
                    .named_child(0)
                    .is_some_and(|condition| self.test(condition) != Test::None) =>
            {
                return Outcome::Stop;
            }
            _ => {}
        }
        let start = stack.len();
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
        stack[start..].reverse();
        Outcome::Continue
    }

    /// Whether an assignment target binds the variable (`user`, `[user, other]`, `(user, x)`).
    fn binds(&mut self, target: Node<'tree>) -> bool {
        let mut stack = vec![target];
        let mut visited = 0;
        while let Some(node) = stack.pop() {
            visited += 1;
            if visited > 256 {
                return true;
            }
            if self.is_variable(node)
                || (node.kind() == "shorthand_property_identifier_pattern"
                    && self.file.text(node) == self.variable)
            {
                return true;
            }
            if matches!(
                node.kind(),
                "member_expression" | "subscript_expression" | "attribute" | "subscript"
            ) {
                continue;
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
        false
    }

    /// How `condition` tests the variable.
    fn test(&self, condition: Node<'_>) -> Test {
        self.test_within(condition, MAX_TEST_DEPTH)
    }

    /// [`Search::test`] with a bound on the nesting of `!`, `||` and `&&` it reads; deeper
    /// conditions are [`Test::Unknown`], so the rule stays silent.
    fn test_within(&self, condition: Node<'_>, depth: usize) -> Test {
        let Some(depth) = depth.checked_sub(1) else {
            return Test::Unknown;
        };
        let condition = unwrap_parentheses(condition);
        if self.is_variable(condition) {
            return Test::Present;
        }
        match condition.kind() {
            "unary_expression"
                if condition
                    .child_by_field_name("operator")
                    .is_some_and(|operator| self.file.text(operator) == "!") =>
            {
                return condition
                    .child_by_field_name("argument")
                    .map_or(Test::None, |argument| {
                        self.test_within(argument, depth).negate()
                    });
            }
            "not_operator" => {
                return condition
                    .child_by_field_name("argument")
                    .map_or(Test::None, |argument| {
                        self.test_within(argument, depth).negate()
                    });
            }
            "non_null_expression"
                if condition
                    .named_child(0)
                    .is_some_and(|inner| self.is_variable(unwrap_parentheses(inner))) =>
            {
                return Test::Present;
            }
            "binary_expression" | "boolean_operator" | "comparison_operator" => {
                if let Some(test) = self.binary_test(condition, depth) {
                    return test;
                }
            }
            _ => {}
        }
        if self.mentions(condition) {
            Test::Unknown
        } else {
            Test::None
        }
    }

    /// `x == null`, `x !== undefined`, `x is None`, `a || b`, `a and b`.
    fn binary_test(&self, condition: Node<'_>, depth: usize) -> Option<Test> {
        let (left, right) = if condition.kind() == "comparison_operator" {
            if condition.named_child_count() != 2 {
                return None;
            }
            (condition.named_child(0)?, condition.named_child(1)?)
        } else {
            (
                condition.child_by_field_name("left")?,
                condition.child_by_field_name("right")?,
            )
        };
        let operator = self
            .file
            .source
            .get(left.end_byte()..right.start_byte())
            .map(|between| between.trim().trim_matches(|c| c == '(' || c == ')').trim())?;
        let operator = operator.split_whitespace().collect::<Vec<_>>().join(" ");
        match operator.as_str() {
            "||" | "or" => {
                let (left, right) = (
                    self.test_within(left, depth),
                    self.test_within(right, depth),
                );
                if left == Test::Missing || right == Test::Missing {
                    Some(Test::Missing)
                } else if left == Test::None && right == Test::None {
                    Some(Test::None)
                } else {
                    Some(Test::Unknown)
                }
            }
            "&&" | "and" => {
                let (left, right) = (
                    self.test_within(left, depth),
                    self.test_within(right, depth),
                );
                if left == Test::Present || (left == Test::None && right == Test::Present) {
                    Some(Test::Present)
                } else if left == Test::None && right == Test::None {
                    Some(Test::None)
                } else {
                    Some(Test::Unknown)
                }
            }
            "==" | "===" | "is" | "!=" | "!==" | "is not" => {
                let (left, right) = (unwrap_parentheses(left), unwrap_parentheses(right));
                let other = if self.is_variable(left) {
                    right
                } else if self.is_variable(right) {
                    left
                } else {
                    return None;
                };
                if !is_null(other, self.file, self.python) {
                    return None;
                }
                Some(if matches!(operator.as_str(), "==" | "===" | "is") {
                    Test::Missing
                } else {
                    Test::Present
                })
            }
            _ => None,
        }
    }

    /// Whether the variable appears in `node` other than as the object of a plain dereference.
    fn mentions(&self, node: Node<'_>) -> bool {
        let mut stack = vec![node];
        let mut visited = 0;
        while let Some(node) = stack.pop() {
            visited += 1;
            if visited > 4096 {
                return true;
            }
            if self.is_variable(node) {
                let dereferenced = node.parent().is_some_and(|parent| {
                    let field = if parent.kind() == "subscript" {
                        "value"
                    } else {
                        "object"
                    };
                    matches!(
                        parent.kind(),
                        "member_expression" | "subscript_expression" | "attribute" | "subscript"
                    ) && !is_optional(parent)
                        && parent
                            .child_by_field_name(field)
                            .is_some_and(|object| object.id() == node.id())
                });
                if !dereferenced {
                    return true;
                }
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
        false
    }
}

fn is_null(node: Node<'_>, file: &FileModel<'_>, python: bool) -> bool {
    if python {
        node.kind() == "none"
    } else {
        node.kind() == "null"
            || node.kind() == "undefined"
            || (node.kind() == "identifier" && file.text(node) == "undefined")
    }
}

/// The expression inside parentheses. A loop: the nesting depth comes from the input.
fn unwrap_parentheses(mut node: Node<'_>) -> Node<'_> {
    while node.kind() == "parenthesized_expression" {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}
