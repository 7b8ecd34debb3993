//! Rule options from `[rules.<rule-id>]`: with the option set, the named lookups and clients
//! are found exactly where the `expect:` comments say; without it, the same code raises nothing.

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

const EXTRA_CLIENTS: &str =
    "[rules.client-in-handler]\nextra-clients = [\"Knex\", \"makePool\", \"make_pool\"]\n";

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

#[test]
fn extra_clients_in_express_handlers_but_not_lazy_singletons() {
    let source = "\
const express = require('express');
const db = require('./db');

const app = express();
let pool;

app.get('/knex', (req, res) => {
  const knex = new Knex({ client: 'pg' }); // expect: client-in-handler
  res.json(knex);
});

app.get('/factory', (req, res) => {
  res.json(makePool()); // expect: client-in-handler
});

app.get('/member', (req, res) => {
  res.json(db.makePool()); // expect: client-in-handler
});

app.get('/lazy', (req, res) => {
  if (!pool) pool = makePool();
  res.json(pool);
});

app.get('/unnamed', (req, res) => {
  res.json(makeCache());
});

app.use((err, req, res, next) => {
  res.status(500).end();
});
";
    check(source, Language::JavaScript, "app.js", EXTRA_CLIENTS);
}

#[test]
fn extra_clients_in_fastapi_dependencies_but_not_cached_factories() {
    let source = "\
from functools import lru_cache

from fastapi import Depends, FastAPI

from app import db
from app.db import make_pool

app = FastAPI()


def get_pool():
    return make_pool()  # expect: client-in-handler


@lru_cache
def cached_pool():
    return make_pool()


@app.get('/items')
def items(pool=Depends(get_pool)):
    return pool.fetch()


@app.get('/cached')
def cached(pool=Depends(cached_pool)):
    return pool.fetch()


@app.get('/member')
def member():
    return db.make_pool().fetch()  # expect: client-in-handler
";
    check(source, Language::Python, "main.py", EXTRA_CLIENTS);
}
