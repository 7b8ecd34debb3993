//! Whether a project function's result may be empty (`None`, `null`, `undefined`): read from
//! its declared return type and, for a function that raises instead of returning nothing while
//! a flag of its own is on, from what each call passes for that flag.

use tree_sitter::Node;

use crate::model::FileModel;
use crate::syntax::is_nested_scope;

/// Whether a function's result may be empty, as its declaration and body say.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Nullability {
    /// Its declared return type admits no empty value, or it declares none.
    #[default]
    Never,
    /// Its declared return type admits one: `-> Optional[User]`, `: Promise<User | null>`.
    Declared,
    /// Declared so, but it raises rather than return nothing while this flag is on, and the
    /// flag is on by default: `fail_if_missing: bool = True` with `if fail_if_missing and not
    /// message: raise …` before `return message`. Only a call that turns the flag off gets
    /// nothing back.
    UnlessFlag(FlagParameter),
}

/// A boolean parameter of a function, `True` / `true` by default.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FlagParameter {
    pub name: String,
    /// Its place among the arguments a call passes by position (a method's `self` / `cls`
    /// not counted); `None` for a keyword-only parameter.
    pub position: Option<usize>,
}

/// The arguments a call passes as falsy literals (`False`, `None`, `0`, `''`; `false`, `null`,
/// `undefined`): what may turn a [`FlagParameter`] off.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FalsyArguments {
    /// By position, up to the first spread (`*args`, `...rest`), after which positions are
    /// unknown.
    positions: Vec<usize>,
    /// By keyword (`fail_if_missing=False`).
    keywords: Vec<String>,
}

impl Nullability {
    /// Whether some call may get nothing back: such functions are kept in a file's facts.
    pub fn is_possible(&self) -> bool {
        *self != Nullability::Never
    }

    /// Whether a call passing `arguments` may get nothing back. A flag passed anything but a
    /// falsy literal (a variable, `**options`) is taken to stay on.
    pub fn for_call(&self, arguments: &FalsyArguments) -> bool {
        match self {
            Nullability::Never => false,
            Nullability::Declared => true,
            Nullability::UnlessFlag(flag) => {
                arguments.keywords.contains(&flag.name)
                    || flag
                        .position
                        .is_some_and(|position| arguments.positions.contains(&position))
            }
        }
    }
}

impl FalsyArguments {
    /// The falsy literals `call` (a `call` or `call_expression`) passes.
    pub fn of(call: Node<'_>, file: &FileModel<'_>) -> FalsyArguments {
        let mut falsy = FalsyArguments::default();
        let Some(arguments) = call.child_by_field_name("arguments") else {
            return falsy;
        };
        let is_falsy = |value: Node<'_>| {
            matches!(
                file.text(value),
                "False" | "None" | "0" | "''" | "\"\"" | "false" | "null" | "undefined"
            )
        };
        let mut position = Some(0);
        let mut cursor = arguments.walk();
        for argument in arguments.named_children(&mut cursor) {
            match argument.kind() {
                "comment" | "dictionary_splat" => {}
                "list_splat" | "spread_element" => position = None,
                "keyword_argument" => {
                    let name = argument.child_by_field_name("name");
                    let value = argument.child_by_field_name("value");
                    if let (Some(name), Some(value)) = (name, value)
                        && is_falsy(value)
                    {
                        falsy.keywords.push(file.text(name).to_string());
                    }
                }
                _ => {
                    if let Some(index) = position {
                        if is_falsy(argument) {
                            falsy.positions.push(index);
                        }
                        position = Some(index + 1);
                    }
                }
            }
        }
        falsy
    }
}

/// The nullability of `function` (a definition in either grammar).
pub(crate) fn nullability(function: Node<'_>, source: &str) -> Nullability {
    if !nullable_return(function, source) {
        return Nullability::Never;
    }
    match raising_flag(function, source) {
        Some(flag) => Nullability::UnlessFlag(flag),
        None => Nullability::Declared,
    }
}

/// Whether a function's declared return type (`return_type` in both grammars) admits nothing
/// (`None`, `null`, `undefined`) beside a value, at its top level: `Optional[User]`, `User |
/// None`, `Union[User, None]`, `User | null`, `Promise<User | undefined>`. Not `tuple[A, B |
/// None]`, whose value is always there, nor `void` or a bare `None`, which return no value to
/// dereference.
fn nullable_return(function: Node<'_>, source: &str) -> bool {
    let Some(annotation) = function
        .child_by_field_name("return_type")
        .and_then(|node| source.get(node.byte_range()))
    else {
        return false;
    };
    let mut annotation = annotation
        .trim_start_matches(':')
        .trim()
        .trim_matches(|c| c == '"' || c == '\'');
    let inside = |text: &'_ str, opening: &str, closing: char| -> Option<String> {
        let inner = text.strip_prefix(opening)?.strip_suffix(closing)?;
        Some(inner.to_string())
    };
    let unwrapped;
    if let Some(inner) = inside(annotation, "Promise<", '>') {
        unwrapped = inner;
        annotation = unwrapped.trim();
    }
    let optional = ["Optional[", "typing.Optional["]
        .iter()
        .any(|prefix| inside(annotation, prefix, ']').is_some());
    let union_members = ["Union[", "typing.Union["]
        .iter()
        .find_map(|prefix| inside(annotation, prefix, ']'));
    let members = match &union_members {
        Some(inner) => top_level_parts(inner, ','),
        None => top_level_parts(annotation, '|'),
    };
    let empty = |member: &&str| matches!(*member, "None" | "null" | "undefined");
    optional
        || (members.iter().any(empty)
            && members
                .iter()
                .any(|member| !empty(member) && !matches!(*member, "void" | "never" | "")))
}

/// The parts of a type separated by `separator` outside any brackets, trimmed.
fn top_level_parts(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (index, c) in text.char_indices() {
        match c {
            '[' | '<' | '(' | '{' => depth += 1,
            ']' | '>' | ')' | '}' => depth = depth.saturating_sub(1),
            _ if c == separator && depth == 0 => {
                parts.push(text[start..index].trim());
                start = index + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts
}

/// The flag under which `function` raises rather than return nothing: a statement of its body
/// `if <flag> and <result missing>: raise …` (either order; `not x`, `x is None`, `!x`, `x ==
/// null`, `x === undefined`), every `return` after it giving that result, and the flag a
/// parameter that is `True` / `true` by default.
fn raising_flag(function: Node<'_>, source: &str) -> Option<FlagParameter> {
    let body = function.child_by_field_name("body")?;
    let mut cursor = body.walk();
    let (guard, flag, result) = body.named_children(&mut cursor).find_map(|statement| {
        raising_guard(statement, source).map(|(flag, result)| (statement, flag, result))
    })?;
    if !returns_only(body, guard.end_byte(), result, source) {
        return None;
    }
    parameter_true_by_default(function, flag, source)
}

/// `if <flag> and <result missing>: raise …` (or `if (…) throw …`): the flag's and the
/// result's names.
fn raising_guard<'s>(statement: Node<'_>, source: &'s str) -> Option<(&'s str, &'s str)> {
    let text = |node: Node<'_>| source.get(node.byte_range()).unwrap_or("");
    if statement.kind() != "if_statement" {
        return None;
    }
    let consequence = statement.child_by_field_name("consequence")?;
    let last = {
        let mut cursor = consequence.walk();
        consequence
            .named_children(&mut cursor)
            .filter(|child| child.kind() != "comment")
            .last()
    };
    let raises = |node: Node<'_>| matches!(node.kind(), "raise_statement" | "throw_statement");
    if !(raises(consequence) || last.is_some_and(raises)) {
        return None;
    }
    let condition = unparenthesized(statement.child_by_field_name("condition")?);
    if !matches!(condition.kind(), "boolean_operator" | "binary_expression")
        || !matches!(
            condition.child_by_field_name("operator").map(text),
            Some("and" | "&&")
        )
    {
        return None;
    }
    let left = unparenthesized(condition.child_by_field_name("left")?);
    let right = unparenthesized(condition.child_by_field_name("right")?);
    [(left, right), (right, left)]
        .into_iter()
        .find_map(|(flag, tested)| {
            let result = missing_name(tested, source)?;
            (flag.kind() == "identifier").then(|| (text(flag), result))
        })
}

/// The name `test` finds missing: `not x`, `!x`, `x is None`, `x == None`, `x == null`, `x ===
/// undefined`.
fn missing_name<'s>(test: Node<'_>, source: &'s str) -> Option<&'s str> {
    let text = |node: Node<'_>| source.get(node.byte_range()).unwrap_or("");
    let identifier = |node: Node<'_>| (node.kind() == "identifier").then(|| text(node));
    match test.kind() {
        "not_operator" => identifier(unparenthesized(test.child_by_field_name("argument")?)),
        "unary_expression" if test.child_by_field_name("operator").map(text) == Some("!") => {
            identifier(unparenthesized(test.child_by_field_name("argument")?))
        }
        "comparison_operator" | "binary_expression" => {
            let mut cursor = test.walk();
            let children: Vec<Node<'_>> = test.children(&mut cursor).collect();
            let [left, operator, right] = children[..] else {
                return None;
            };
            let empty = |node: Node<'_>| matches!(text(node), "None" | "null" | "undefined");
            if !matches!(text(operator), "is" | "==" | "===") {
                return None;
            }
            if empty(right) {
                identifier(left)
            } else if empty(left) {
                identifier(right)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// `node` without the parentheses around it.
fn unparenthesized(mut node: Node<'_>) -> Node<'_> {
    while node.kind() == "parenthesized_expression" {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// Whether `body` has a `return` and every one of its own (those of nested functions are
/// theirs) comes after `after` and returns the name `result`.
fn returns_only(body: Node<'_>, after: usize, result: &str, source: &str) -> bool {
    let mut returns = 0;
    let mut pending = vec![body];
    while let Some(node) = pending.pop() {
        if node.kind() == "return_statement" {
            let value = node
                .named_child(0)
                .filter(|value| value.kind() != "comment");
            let gives_result = value.is_some_and(|value| {
                value.kind() == "identifier" && source.get(value.byte_range()) == Some(result)
            });
            if node.start_byte() < after || !gives_result {
                return false;
            }
            returns += 1;
            continue;
        }
        let mut cursor = node.walk();
        pending.extend(
            node.named_children(&mut cursor)
                .filter(|child| !is_nested_scope(child.kind())),
        );
    }
    returns > 0
}

/// The parameter `name` of `function` when it is `True` / `true` by default.
fn parameter_true_by_default(
    function: Node<'_>,
    name: &str,
    source: &str,
) -> Option<FlagParameter> {
    let text = |node: Node<'_>| source.get(node.byte_range()).unwrap_or("");
    let parameters = function.child_by_field_name("parameters")?;
    let python = function.kind() == "function_definition";
    let mut position = Some(0);
    let mut cursor = parameters.walk();
    for (index, parameter) in parameters
        .named_children(&mut cursor)
        .filter(|parameter| parameter.kind() != "comment")
        .enumerate()
    {
        let (declared, default) = match parameter.kind() {
            // Python `flag=True`, `flag: bool = True`.
            "default_parameter" | "typed_default_parameter" => (
                parameter.child_by_field_name("name"),
                parameter.child_by_field_name("value"),
            ),
            // JavaScript `flag = true`.
            "assignment_pattern" => (
                parameter.child_by_field_name("left"),
                parameter.child_by_field_name("right"),
            ),
            // TypeScript `flag: boolean = true`.
            "required_parameter" | "optional_parameter" => (
                parameter.child_by_field_name("pattern"),
                parameter.child_by_field_name("value"),
            ),
            // Python: after `*` or `*args`, parameters are keyword-only.
            "keyword_separator" | "list_splat_pattern" => {
                position = None;
                continue;
            }
            "positional_separator" => continue,
            // A method's `self` / `cls` is not among the arguments a call passes.
            "identifier" if python && index == 0 && matches!(text(parameter), "self" | "cls") => {
                continue;
            }
            _ => (None, None),
        };
        if declared.map(text) == Some(name) {
            return default
                .is_some_and(|default| matches!(text(default), "True" | "true"))
                .then(|| FlagParameter {
                    name: name.to_string(),
                    position,
                });
        }
        position = position.map(|position| position + 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::Nullability;
    use crate::facts::functions_of;
    use lint500_core::Language;

    fn nullable(source: &str, language: Language) -> Vec<String> {
        functions_of(source, language)
            .into_iter()
            .filter(|function| function.nullability.is_possible())
            .filter_map(|function| function.name)
            .collect()
    }

    #[test]
    fn nullable_return_types_are_read_at_their_top_level() {
        let python = "def a() -> Optional[User]: ...\n\
                      def b() -> User | None: ...\n\
                      def c() -> Union[User, None]: ...\n\
                      def d() -> 'User | None': ...\n\
                      def e() -> tuple[User, str | None]: ...\n\
                      def f() -> None: ...\n\
                      def g() -> list[User | None]: ...\n";
        assert_eq!(nullable(python, Language::Python), ["a", "b", "c", "d"]);
        let typescript = "export async function a(): Promise<User | null> { return null; }\n\
                          export function b(): User | undefined { return undefined; }\n\
                          export async function c(): Promise<User> { return user; }\n\
                          export function d(): [User, string | null] { return [user, null]; }\n\
                          export function e(): void | undefined {}\n";
        assert_eq!(nullable(typescript, Language::TypeScript), ["a", "b"]);
    }

    /// A flag parameter as `(name, position)`.
    type Flag = (String, Option<usize>);

    /// The flag of each function, by name.
    fn flags(source: &str, language: Language) -> Vec<(String, Option<Flag>)> {
        functions_of(source, language)
            .into_iter()
            .filter_map(|function| {
                let flag = match function.nullability {
                    Nullability::UnlessFlag(flag) => Some((flag.name, flag.position)),
                    _ => None,
                };
                Some((function.name?, flag))
            })
            .collect()
    }

    #[test]
    fn a_result_that_raises_under_a_flag_on_by_default_is_nullable_only_when_it_is_off() {
        let python = "\
class Repository:
    def a(self, key, fail_if_missing: bool = True) -> Optional[Row]:
        row = self.db.get(Row, key)
        if fail_if_missing and not row:
            raise LookupError(key)
        return row

    def b(self, key, *, strict=True) -> Optional[Row]:
        row = self.db.get(Row, key)
        if (row is None) and strict:
            raise LookupError(key)
        return row

    def c(self, key, fail_if_missing: bool = False) -> Optional[Row]:
        row = self.db.get(Row, key)
        if fail_if_missing and not row:
            raise LookupError(key)
        return row

    def d(self, key, fail_if_missing=True) -> Optional[Row]:
        if key is None:
            return None
        row = self.db.get(Row, key)
        if fail_if_missing and not row:
            raise LookupError(key)
        return row

    def e(self, key, fail_if_missing=True) -> Optional[Row]:
        row = self.db.get(Row, key)
        if fail_if_missing or not row:
            raise LookupError(key)
        return row
";
        let flag = |name: &str, position| Some((name.to_string(), position));
        assert_eq!(
            flags(python, Language::Python),
            [
                ("a".into(), flag("fail_if_missing", Some(1))),
                ("b".into(), flag("strict", None)),
                ("c".into(), None),
                ("d".into(), None),
                ("e".into(), None),
            ]
        );
        let typescript = "\
export async function a(id: string, throwIfMissing = true): Promise<User | null> {
  const user = await repo.findOne(id);
  if (throwIfMissing && user === null) throw new NotFound();
  return user;
}
export async function b(id: string, throwIfMissing = true): Promise<User | null> {
  const user = await repo.findOne(id);
  if (!user && throwIfMissing) {
    throw new NotFound();
  }
  return user ?? null;
}
";
        assert_eq!(
            flags(typescript, Language::TypeScript),
            [
                ("a".into(), flag("throwIfMissing", Some(1))),
                ("b".into(), None)
            ]
        );
    }
}
