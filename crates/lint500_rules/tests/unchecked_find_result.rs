//! `unchecked-find-result` on input the fixtures cannot hold: deep nesting must neither overflow
//! the stack nor turn into a finding the rule cannot justify.

mod support;

use lint500_core::Language;

fn findings(source: &str, language: Language, file_name: &str) -> Vec<(u32, String)> {
    support::lint(source, language, file_name)
        .into_iter()
        .filter(|diagnostic| diagnostic.rule == "unchecked-find-result")
        .map(|diagnostic| (diagnostic.span.start.line, diagnostic.message))
        .collect()
}

const DEPTH: usize = 50_000;

#[test]
fn a_deeply_negated_guard_is_read_without_recursion() {
    // `!!…!user` with an even count tests that the row exists: too deep to read, so silent.
    let source = format!(
        "async function f(id) {{\n  const user = await prisma.user.findUnique({{ where: {{ id }} }});\n  if ({}user) return user.name;\n  return null;\n}}\n",
        "!".repeat(DEPTH)
    );
    assert_eq!(findings(&source, Language::JavaScript, "deep.js"), vec![]);
}

#[test]
fn a_deep_expression_after_the_lookup_is_bounded() {
    let source = format!(
        "def f(session, user_id):\n    user = session.get(User, user_id)\n    x = {}user.name{}\n",
        "(".repeat(DEPTH),
        ")".repeat(DEPTH)
    );
    // Either answer is acceptable for a file this deep; it must not crash.
    let found = findings(&source, Language::Python, "deep.py");
    assert!(found.len() <= 1, "{found:?}");
}

#[test]
fn a_deep_or_chain_of_guards_is_bounded() {
    let guard = "!user || ".repeat(DEPTH);
    let source = format!(
        "async function f(id) {{\n  const user = await User.findById(id);\n  if ({guard}!user) return null;\n  return user.name;\n}}\n"
    );
    assert_eq!(findings(&source, Language::JavaScript, "chain.js"), vec![]);
}

#[test]
fn a_shallow_unchecked_use_is_still_found() {
    let source =
        "async function f(id) {\n  const user = await User.findById(id);\n  return user.name;\n}\n";
    let rendered = support::render(&support::lint(source, Language::JavaScript, "plain.js"));
    assert!(
        rendered.contains("label 2:22-2:35: this lookup returns null"),
        "{rendered}"
    );
    assert_eq!(
        findings(source, Language::JavaScript, "plain.js"),
        vec![(
            3,
            "`user` is dereferenced without a check for null: `User.findById` returns null when nothing matches"
                .to_string()
        )]
    );
}
