//! The class an attribute of `self` (Python) or `this` (TypeScript) is declared with in the
//! class around it: what a method called on the attribute (`self.repo.get_one(…)`,
//! `this.repo.findByEmail(…)`) belongs to. Read from the class's own text only; which class
//! the name means, and what its methods return, is the project view's to say.

use lint500_core::Language;
use lint500_engine::{FileModel, is_nested_scope};
use tree_sitter::Node;

/// Nodes one search through a class may visit; beyond it the attribute's class is unknown.
const MAX_VISITED: usize = 20_000;

/// Whether `receiver` is an attribute of the instance a method runs on: `self.repo` in
/// Python, `this.repo` in TypeScript (one level: not `self.a.b`).
pub(crate) fn is_own_attribute(receiver: Node<'_>, file: &FileModel<'_>) -> bool {
    match receiver.kind() {
        "attribute" => receiver
            .child_by_field_name("object")
            .is_some_and(|object| object.kind() == "identifier" && file.text(object) == "self"),
        "member_expression" => {
            receiver
                .child_by_field_name("object")
                .is_some_and(|object| object.kind() == "this")
                && receiver
                    .child_by_field_name("property")
                    .is_some_and(|property| property.kind() == "property_identifier")
        }
        _ => false,
    }
}

/// The class `attribute` (`self.repo`, `this.repo`; see [`is_own_attribute`]) is declared
/// with in the class around it, as written there (`ArticleRepository`,
/// `repositories.ArticleRepository`), without type arguments. Python reads a class-level
/// annotation (`repo: ArticleRepository`), an annotated assignment (`self.repo:
/// ArticleRepository = …`), a construction (`self.repo = ArticleRepository(db)`), a
/// method's annotated parameter assigned to it (`def __init__(self, repo:
/// ArticleRepository)`, also `Annotated[ArticleRepository, Depends(…)]`) or a property's
/// return type (`@cached_property def repo(self) -> ArticleRepository`). TypeScript reads a
/// field's type (`private repo: UserRepository`), a constructor's parameter property
/// (`constructor(private readonly repo: UserRepository)`), a construction (`this.repo = new
/// UserRepository(…)`) or a method's typed parameter assigned to it. `None` when nothing
/// says, or when two places say different things, or assign something else (`None` and
/// `null` aside).
pub(crate) fn attribute_class<'tree>(
    attribute: Node<'tree>,
    file: &FileModel<'tree>,
) -> Option<&'tree str> {
    let mut search = ClassSearch {
        file,
        found: None,
        conflicting: false,
        visited: 0,
    };
    if file.language == Language::Python {
        let name = file.text(attribute.child_by_field_name("attribute")?);
        let class = enclosing(attribute, &["class_definition"])?;
        search.python_class(class, name)?;
    } else {
        let name = file.text(attribute.child_by_field_name("property")?);
        let class = enclosing(
            attribute,
            &["class_declaration", "abstract_class_declaration", "class"],
        )?;
        search.typescript_class(class, name)?;
    }
    if search.conflicting {
        return None;
    }
    search.found
}

/// The innermost ancestor of `node` of one of `kinds`.
fn enclosing<'tree>(node: Node<'tree>, kinds: &[&str]) -> Option<Node<'tree>> {
    std::iter::successors(node.parent(), Node::parent).find(|node| kinds.contains(&node.kind()))
}

struct ClassSearch<'a, 'tree> {
    file: &'a FileModel<'tree>,
    /// The class named so far.
    found: Option<&'tree str>,
    /// Two places named different classes, or one assigned a value of no known class.
    conflicting: bool,
    visited: usize,
}

impl<'tree> ClassSearch<'_, 'tree> {
    /// Records what one place says the attribute holds: a class (`Some`), or a value the
    /// search cannot tell the class of (`None`).
    fn record(&mut self, class: Option<&'tree str>) {
        match (class, self.found) {
            (None, _) => self.conflicting = true,
            (Some(class), Some(found)) if class != found => self.conflicting = true,
            (Some(class), _) => self.found = Some(class),
        }
    }

    /// Counts a visited node; `None` once the search has seen too many.
    fn visit(&mut self) -> Option<()> {
        self.visited += 1;
        (self.visited <= MAX_VISITED).then_some(())
    }

    fn python_class(&mut self, class: Node<'tree>, name: &str) -> Option<()> {
        let file = self.file;
        let body = class.child_by_field_name("body")?;
        let mut cursor = body.walk();
        for statement in body.named_children(&mut cursor) {
            self.visit()?;
            let definition = match statement.kind() {
                "decorated_definition" => statement.child_by_field_name("definition"),
                _ => Some(statement),
            };
            match definition.map(|definition| (definition.kind(), definition)) {
                // `repo: ArticleRepository` or `repo = ArticleRepository()` in the class body.
                Some(("expression_statement", statement)) => {
                    let Some(assignment) = statement
                        .named_child(0)
                        .filter(|child| child.kind() == "assignment")
                    else {
                        continue;
                    };
                    if assignment
                        .child_by_field_name("left")
                        .is_some_and(|left| left.kind() == "identifier" && file.text(left) == name)
                    {
                        self.python_assignment(assignment, None);
                    }
                }
                // `@cached_property def repo(self) -> ArticleRepository`.
                Some(("function_definition", method))
                    if is_property(statement, file)
                        && method
                            .child_by_field_name("name")
                            .is_some_and(|method| file.text(method) == name) =>
                {
                    let class = method
                        .child_by_field_name("return_type")
                        .and_then(|annotation| python_type(annotation, file));
                    self.record(class);
                }
                Some(("function_definition", method)) => self.python_method(method, name)?,
                _ => {}
            }
        }
        Some(())
    }

    /// The assignments to `self.<name>` in a method's body, nested functions and classes
    /// aside.
    fn python_method(&mut self, method: Node<'tree>, name: &str) -> Option<()> {
        let file = self.file;
        let Some(body) = method.child_by_field_name("body") else {
            return Some(());
        };
        let mut stack = vec![body];
        while let Some(node) = stack.pop() {
            self.visit()?;
            if is_nested_scope(node.kind()) {
                continue;
            }
            if node.kind() == "assignment"
                && node.child_by_field_name("left").is_some_and(|left| {
                    is_own_attribute(left, file)
                        && left
                            .child_by_field_name("attribute")
                            .is_some_and(|attribute| file.text(attribute) == name)
                })
            {
                self.python_assignment(node, Some(method));
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
        Some(())
    }

    /// What an assignment to the attribute says: its annotation, else the class it
    /// constructs, else the annotation of the `method`'s parameter it assigns.
    fn python_assignment(&mut self, assignment: Node<'tree>, method: Option<Node<'tree>>) {
        let file = self.file;
        if let Some(annotation) = assignment.child_by_field_name("type") {
            self.record(python_type(annotation, file));
            return;
        }
        let Some(value) = assignment.child_by_field_name("right") else {
            return;
        };
        match value.kind() {
            "none" => {}
            "call" => {
                let class = value
                    .child_by_field_name("function")
                    .map(|callee| file.text(callee))
                    .filter(|callee| is_class_name(callee));
                self.record(class);
            }
            "identifier" => {
                let annotation = method
                    .and_then(|method| python_parameter_annotation(method, file.text(value), file));
                self.record(annotation.and_then(|annotation| python_type(annotation, file)));
            }
            _ => self.record(None),
        }
    }

    fn typescript_class(&mut self, class: Node<'tree>, name: &str) -> Option<()> {
        let file = self.file;
        let body = class.child_by_field_name("body")?;
        let mut cursor = body.walk();
        for member in body.named_children(&mut cursor) {
            self.visit()?;
            match member.kind() {
                // `private repo: UserRepository`, `repo = new UserRepository()`.
                "public_field_definition" => {
                    if member
                        .child_by_field_name("name")
                        .is_none_or(|field| file.text(field) != name)
                    {
                        continue;
                    }
                    if let Some(annotation) = member.child_by_field_name("type") {
                        self.record(typescript_type(annotation, file));
                    } else if let Some(value) = member.child_by_field_name("value") {
                        self.typescript_value(value, None);
                    }
                }
                "method_definition" => {
                    let is_constructor = member
                        .child_by_field_name("name")
                        .is_some_and(|method| file.text(method) == "constructor");
                    if is_constructor {
                        self.parameter_property(member, name);
                    }
                    self.typescript_method(member, name)?;
                }
                _ => {}
            }
        }
        Some(())
    }

    /// `constructor(private readonly repo: UserRepository)`: a parameter that declares a field.
    fn parameter_property(&mut self, constructor: Node<'tree>, name: &str) {
        let file = self.file;
        let Some(parameters) = constructor.child_by_field_name("parameters") else {
            return;
        };
        let mut cursor = parameters.walk();
        for parameter in parameters.named_children(&mut cursor) {
            let declares_field = {
                let mut cursor = parameter.walk();
                parameter
                    .children(&mut cursor)
                    .any(|child| matches!(child.kind(), "accessibility_modifier" | "readonly"))
            };
            let named = parameter
                .child_by_field_name("pattern")
                .is_some_and(|pattern| file.text(pattern) == name);
            if declares_field && named {
                let class = parameter
                    .child_by_field_name("type")
                    .and_then(|annotation| typescript_type(annotation, file));
                self.record(class);
            }
        }
    }

    /// The assignments to `this.<name>` in a method's body. Arrow functions keep `this`, so
    /// they are searched too; other nested functions and classes are not.
    fn typescript_method(&mut self, method: Node<'tree>, name: &str) -> Option<()> {
        let file = self.file;
        let Some(body) = method.child_by_field_name("body") else {
            return Some(());
        };
        let mut stack = vec![body];
        while let Some(node) = stack.pop() {
            self.visit()?;
            if node.kind() != "arrow_function" && is_nested_scope(node.kind()) {
                continue;
            }
            if node.kind() == "assignment_expression"
                && node.child_by_field_name("left").is_some_and(|left| {
                    is_own_attribute(left, file)
                        && left
                            .child_by_field_name("property")
                            .is_some_and(|property| file.text(property) == name)
                })
                && let Some(value) = node.child_by_field_name("right")
            {
                self.typescript_value(value, Some(method));
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
        Some(())
    }

    /// What a value assigned to the attribute says: the class it constructs (`new
    /// UserRepository(…)`), or the type of the `method`'s parameter it is.
    fn typescript_value(&mut self, value: Node<'tree>, method: Option<Node<'tree>>) {
        let file = self.file;
        match value.kind() {
            "null" | "undefined" => {}
            "new_expression" => {
                let class = value
                    .child_by_field_name("constructor")
                    .map(|constructor| file.text(constructor))
                    .filter(|constructor| is_class_name(constructor));
                self.record(class);
            }
            "identifier" => {
                let name = file.text(value);
                let parameter = method
                    .and_then(|method| method.child_by_field_name("parameters"))
                    .and_then(|parameters| {
                        let mut cursor = parameters.walk();
                        parameters.named_children(&mut cursor).find(|parameter| {
                            parameter
                                .child_by_field_name("pattern")
                                .is_some_and(|pattern| file.text(pattern) == name)
                        })
                    });
                let class = parameter
                    .and_then(|parameter| parameter.child_by_field_name("type"))
                    .and_then(|annotation| typescript_type(annotation, file));
                self.record(class);
            }
            _ => self.record(None),
        }
    }
}

/// Whether a class body's statement is a method decorated as a property (`@property`,
/// `@cached_property`, `@functools.cached_property`): reading the attribute calls it.
fn is_property(statement: Node<'_>, file: &FileModel<'_>) -> bool {
    if statement.kind() != "decorated_definition" {
        return false;
    }
    let mut cursor = statement.walk();
    statement
        .named_children(&mut cursor)
        .filter(|child| child.kind() == "decorator")
        .any(|decorator| {
            let name = file.text(decorator).trim_start_matches('@').trim();
            matches!(
                name.rsplit('.').next(),
                Some("property" | "cached_property")
            )
        })
}

/// The annotation of `method`'s parameter `name` (`repo: ArticleRepository`, with a default
/// or not).
fn python_parameter_annotation<'tree>(
    method: Node<'tree>,
    name: &str,
    file: &FileModel<'tree>,
) -> Option<Node<'tree>> {
    let parameters = method.child_by_field_name("parameters")?;
    let mut cursor = parameters.walk();
    parameters
        .named_children(&mut cursor)
        .find(|parameter| match parameter.kind() {
            "typed_parameter" => parameter
                .named_child(0)
                .is_some_and(|identifier| file.text(identifier) == name),
            "typed_default_parameter" => parameter
                .child_by_field_name("name")
                .is_some_and(|identifier| file.text(identifier) == name),
            _ => false,
        })?
        .child_by_field_name("type")
}

/// The class a Python annotation names: `ArticleRepository`, `"ArticleRepository"`,
/// `repositories.ArticleRepository`, `BaseRepository[Article]` (the generic class),
/// `Annotated[ArticleRepository, Depends(…)]` (its first part). Not a union or an
/// `Optional[…]`: that names no class whose methods the attribute surely has.
fn python_type<'tree>(annotation: Node<'tree>, file: &FileModel<'tree>) -> Option<&'tree str> {
    let mut text = file
        .text(annotation)
        .trim()
        .trim_matches(|c| c == '"' || c == '\'');
    for prefix in ["Annotated[", "typing.Annotated["] {
        if let Some(inner) = text.strip_prefix(prefix) {
            text = inner.split(',').next()?.trim();
        }
    }
    let class = text.split('[').next()?.trim();
    (is_class_name(class) && !matches!(class, "Optional" | "typing.Optional" | "Union"))
        .then_some(class)
}

/// The class a TypeScript type annotation (`: UserRepository`, `: repos.UserRepository`,
/// `: BaseRepository<User>`) names, without type arguments.
fn typescript_type<'tree>(annotation: Node<'tree>, file: &FileModel<'tree>) -> Option<&'tree str> {
    let class = file
        .text(annotation)
        .trim_start_matches(':')
        .split('<')
        .next()?
        .trim();
    is_class_name(class).then_some(class)
}

/// A dotted name whose last part is capitalised, as classes are: `ArticleRepository`,
/// `repositories.ArticleRepository`.
fn is_class_name(text: &str) -> bool {
    let is_identifier = |part: &str| {
        part.chars()
            .next()
            .is_some_and(|first| first.is_alphabetic() || first == '_' || first == '$')
            && part
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
    };
    text.split('.').all(is_identifier)
        && text
            .rsplit('.')
            .next()
            .is_some_and(|last| last.starts_with(|c: char| c.is_ascii_uppercase()))
}
