//! Async client APIs known by their type annotation: a parameter or attribute annotated
//! `AsyncSession` (`db: AsyncSession = Depends(get_db)`, `Annotated[AsyncSession, Depends(…)]`,
//! `self.session: AsyncSession`) makes `db.execute(…)` a coroutine. The async APIs are the
//! table `lint500_knowledge::async_apis::ASYNC_APIS`; this module finds the annotation.

use lint500_engine::FileModel;
use lint500_knowledge::async_apis;
use tree_sitter::Node;

/// How many nodes of a function's parameters or a class body the search for an annotation
/// reads, and how many ancestors the search for the enclosing class walks.
const MAX_NODES: usize = 512;
const MAX_DEPTH: usize = 64;

/// Whether `receiver.method(…)`, in Python, calls a coroutine method of an async client that
/// an annotation names: a parameter of the enclosing function (`db: AsyncSession`), or an
/// attribute of `self` annotated in the class or assigned from such a parameter in a method.
pub(crate) fn is_async_client_call(receiver: Node<'_>, method: &str, file: &FileModel<'_>) -> bool {
    // Cheap check first: this runs on every method call.
    if !async_apis::is_async_method(method) {
        return false;
    }
    let Some(function) = file.enclosing_function() else {
        return false;
    };
    let annotation = match receiver.kind() {
        "identifier" => parameter_annotation(function, file.text(receiver), file),
        "attribute" => receiver
            .child_by_field_name("object")
            .filter(|object| object.kind() == "identifier" && file.text(*object) == "self")
            .and(receiver.child_by_field_name("attribute"))
            .and_then(|attribute| attribute_annotation(function, file.text(attribute), file)),
        _ => None,
    };
    annotation.is_some_and(|annotation| async_apis::is_async_call(annotation, method))
}

/// The annotation of the function's parameter `name`, if it has one.
fn parameter_annotation<'tree>(
    function: Node<'tree>,
    name: &str,
    file: &FileModel<'tree>,
) -> Option<&'tree str> {
    let parameters = function.child_by_field_name("parameters")?;
    let mut cursor = parameters.walk();
    let found = parameters
        .named_children(&mut cursor)
        .take(MAX_NODES)
        .filter(|parameter| {
            matches!(
                parameter.kind(),
                "typed_parameter" | "typed_default_parameter"
            )
        })
        .find(|parameter| {
            let named = parameter
                .child_by_field_name("name")
                .or_else(|| parameter.named_child(0));
            named.is_some_and(|named| file.text(named) == name)
        })?;
    found
        .child_by_field_name("type")
        .map(|kind| file.text(kind))
}

/// The annotation of `self.<name>` in the class around `function`: `name: T` in the class
/// body, `self.name: T = …` in a method, or `self.name = parameter` in a method whose
/// parameter is annotated.
fn attribute_annotation<'tree>(
    function: Node<'tree>,
    name: &str,
    file: &FileModel<'tree>,
) -> Option<&'tree str> {
    let class = std::iter::successors(function.parent(), Node::parent)
        .take(MAX_DEPTH)
        .find(|node| node.kind() == "class_definition")?;
    let body = class.child_by_field_name("body")?;
    let mut visited = 0;
    let mut stack = vec![body];
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_NODES {
            return None;
        }
        match node.kind() {
            "assignment" => {
                let left = node.child_by_field_name("left");
                let target = left.map(|left| file.text(left));
                let annotated = node.child_by_field_name("type").map(|kind| file.text(kind));
                let is_target =
                    |target: &str| target == name || target.strip_prefix("self.") == Some(name);
                if target.is_some_and(is_target) {
                    if annotated.is_some() {
                        return annotated;
                    }
                    // `self.session = session` with `session: AsyncSession` in the method.
                    let right = node.child_by_field_name("right")?;
                    let method = std::iter::successors(node.parent(), Node::parent)
                        .take(MAX_DEPTH)
                        .find(|ancestor| ancestor.kind() == "function_definition");
                    if right.kind() == "identifier"
                        && let Some(method) = method
                        && let Some(annotation) =
                            parameter_annotation(method, file.text(right), file)
                    {
                        return Some(annotation);
                    }
                }
            }
            // Nested classes have attributes of their own.
            "class_definition" => continue,
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    None
}
