//! ORMs and query builders: the methods that look a row up (and give nothing when none
//! matches), the methods that build or run a query, and Prisma's query methods. A new ORM's
//! lookup method is one line of [`JS_LOOKUPS`] or [`PY_LOOKUPS`].

/// The ORM and migration packages these tables describe.
pub const ORM_PACKAGES: &[&str] = &[
    "@prisma/client",
    "prisma",
    "mongoose",
    "sequelize",
    "typeorm",
    "sqlalchemy",
    "sqlmodel",
    "tortoise-orm",
    "alembic",
];

/// Folders that hold migrations and seeds, as ORMs and migration tools name them (Alembic's
/// `alembic/`, Sequelize's `seeders/`): not server code.
pub const MIGRATION_FOLDERS: &[&str] = &["migrations", "migration", "alembic", "seeders", "seeds"];

/// How a JavaScript lookup method is told from a method of the same name that is no lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsLookup {
    /// On a model of a client: `prisma.user.findUnique(…)`.
    ClientModel,
    /// On a model (`User`, `db.User`, `this.userModel`), an entity manager called with an
    /// entity class (`manager.findOne(User, …)`), or `getRepository(User)`.
    Model,
    /// As [`JsLookup::Model`], and on a repository too (`userRepository.findOne(…)`).
    ModelOrRepository,
}

/// JavaScript lookup methods: Prisma's, then Mongoose's, Sequelize's and TypeORM's.
#[rustfmt::skip]
pub const JS_LOOKUPS: &[(&str, JsLookup)] = &[
    ("findUnique", JsLookup::ClientModel),
    ("findFirst", JsLookup::ClientModel),
    ("findOne", JsLookup::ModelOrRepository),
    ("findById", JsLookup::Model),
    ("findByPk", JsLookup::Model),
    ("findOneBy", JsLookup::ModelOrRepository),
];

/// The function that gives TypeORM's repository of an entity (`getRepository(User)`).
pub const REPOSITORY_FACTORY: &str = "getRepository";

/// How a Python lookup method is told from a method of the same name that is no lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PyLookup {
    /// Always a lookup: prisma-client-py's `find_unique`, Tortoise's `get_or_none`.
    Always,
    /// A lookup when called without arguments: SQLAlchemy's `one_or_none()`.
    NoArguments,
    /// Without arguments at the end of a query chain: `.first()`, `.last()`.
    QueryChainEnd,
    /// On a session, with an entity class and a key: `session.get(User, id)`.
    SessionGet,
    /// On a session, with a `select(…)`: SQLAlchemy 2.0's `session.scalar(select(User)…)`.
    SessionScalar,
}

/// Python lookup methods: prisma-client-py's, Tortoise's, SQLAlchemy's and Django's.
#[rustfmt::skip]
pub const PY_LOOKUPS: &[(&str, PyLookup)] = &[
    ("find_unique", PyLookup::Always),
    ("find_first", PyLookup::Always),
    ("get_or_none", PyLookup::Always),
    ("scalar_one_or_none", PyLookup::NoArguments),
    ("one_or_none", PyLookup::NoArguments),
    ("first", PyLookup::QueryChainEnd),
    ("last", PyLookup::QueryChainEnd),
    ("get", PyLookup::SessionGet),
    ("scalar", PyLookup::SessionScalar),
];

/// How the JavaScript method `method` is a lookup, if it may be one.
pub fn js_lookup(method: &str) -> Option<JsLookup> {
    JS_LOOKUPS
        .iter()
        .find(|(name, _)| *name == method)
        .map(|(_, lookup)| *lookup)
}

/// How the Python method `method` is a lookup, if it may be one.
pub fn py_lookup(method: &str) -> Option<PyLookup> {
    PY_LOOKUPS
        .iter()
        .find(|(name, _)| *name == method)
        .map(|(_, lookup)| *lookup)
}

/// Mongoose query-builder methods: called on the query before it is awaited, they keep the
/// lookup's "null when nothing matches" result.
pub const QUERY_BUILDERS: &[&str] = &[
    "lean",
    "populate",
    "select",
    "exec",
    "session",
    "sort",
    "collation",
    "projection",
    "hint",
    "comment",
    "maxTimeMS",
    "read",
    "setOptions",
    "where",
];

/// Python methods that make a call chain a database query (SQLAlchemy, SQLModel, Django), for
/// `.first()` / `.last()`.
pub const PY_QUERY_METHODS: &[&str] = &[
    "query",
    "filter",
    "filter_by",
    "where",
    "order_by",
    "scalars",
    "execute",
    "exec",
    "select_from",
    "join",
    "outerjoin",
    "options",
    "exclude",
    "select_related",
    "prefetch_related",
    "limit",
    "offset",
    "distinct",
    "annotate",
];

/// Prisma model delegate methods: each returns a query that runs only once awaited.
pub const PRISMA_MODEL_METHODS: &[&str] = &[
    "findUnique",
    "findUniqueOrThrow",
    "findFirst",
    "findFirstOrThrow",
    "findMany",
    "create",
    "createMany",
    "createManyAndReturn",
    "update",
    "updateMany",
    "updateManyAndReturn",
    "upsert",
    "delete",
    "deleteMany",
    "count",
    "aggregate",
    "groupBy",
];

/// Prisma client methods that run a query or a transaction.
pub const PRISMA_CLIENT_METHODS: &[&str] = &[
    "$transaction",
    "$queryRaw",
    "$queryRawUnsafe",
    "$executeRaw",
    "$executeRawUnsafe",
];

/// Whether a variable or property name holds a Prisma client: `prisma`, `prismaClient`,
/// `ctx.prisma`'s `prisma`. Case-insensitive and without allocating: this runs on most member
/// calls.
pub fn is_prisma_client_name(name: &str) -> bool {
    name.as_bytes()
        .windows(6)
        .any(|window| window.eq_ignore_ascii_case(b"prisma"))
}
