//! Rule options from `[rules.<rule-id>]`: with the option set, the named lookups are found
//! exactly where the `expect:` comments say; without it, the same code raises nothing.

mod support;

use std::collections::BTreeSet;

use lint500_core::Language;
use support::expectations::expectations;

fn check(source: &str, language: Language, file_name: &str, lint500_toml: &str) {
    let configured = support::lint_configured(source, language, file_name, Some(lint500_toml));
    let found: BTreeSet<(u32, String)> = configured
        .iter()
        .map(|diagnostic| (diagnostic.span.start.line, diagnostic.rule.to_string()))
        .collect();
    assert_eq!(
        found,
        expectations(source),
        "{file_name}:\n{}",
        support::render(&configured)
    );
    let unconfigured = support::lint(source, language, file_name);
    assert!(
        unconfigured.is_empty(),
        "{file_name} without the option:\n{}",
        support::render(&unconfigured)
    );
}

const EXTRA_LOOKUPS: &str = "[rules.unchecked-find-result]\n\
                             extra-lookups = [\"findByEmail\", \"findUser\", \"getUserOrNull\", \"get_user_or_none\"]\n";

#[test]
fn extra_lookups_in_javascript_awaited_or_not() {
    let source = "\
async function byEmail(repo, email) {
  const user = await repo.findByEmail(email);
  return user.name; // expect: unchecked-find-result
}

function synchronous(cache, id) {
  const user = cache.findUser(id);
  return user.name; // expect: unchecked-find-result
}

function plainFunction(id) {
  return getUserOrNull(id).email; // expect: unchecked-find-result
}

async function direct(repo, email) {
  return (await repo.findByEmail(email)).name; // expect: unchecked-find-result
}

function checked(cache, id) {
  const user = cache.findUser(id);
  if (!user) return null;
  return user.name;
}

function optional(cache, id) {
  return cache.findUser(id)?.name;
}

function promised(repo, email) {
  const pending = repo.findByEmail(email);
  return pending.then((user) => user && user.name);
}

function chained(repo, email) {
  return repo.findByEmail(email).then((user) => user?.name);
}

async function unnamed(repo, name) {
  const user = await repo.findByName(name);
  return user.name;
}
";
    check(source, Language::JavaScript, "users.js", EXTRA_LOOKUPS);
}

#[test]
fn extra_lookups_in_python() {
    let source = "\
def read(repo, user_id):
    user = repo.get_user_or_none(user_id)
    return user.name  # expect: unchecked-find-result


def plain_function(user_id):
    return get_user_or_none(user_id).name  # expect: unchecked-find-result


async def awaited(repo, user_id):
    user = await repo.get_user_or_none(user_id)
    return user.name  # expect: unchecked-find-result


def checked(repo, user_id):
    user = repo.get_user_or_none(user_id)
    if user is None:
        raise LookupError(user_id)
    return user.name
";
    check(source, Language::Python, "users.py", EXTRA_LOOKUPS);
}
