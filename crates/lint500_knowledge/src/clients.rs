//! Pooled clients: the constructors and factories that build a database engine, a connection
//! pool or a cache client, which a request handler should not call on every request.

/// A client of JavaScript and TypeScript: the packages that export it, its export names
/// (`default` / `*` for a module that is the class itself), whether it is built with `new`,
/// and how the rule names it.
pub struct JsClient {
    pub packages: &'static [&'static str],
    pub names: &'static [&'static str],
    pub constructed: bool,
    pub label: &'static str,
}

/// The JavaScript client catalogue.
#[rustfmt::skip]
pub const JS_CLIENTS: &[JsClient] = &[
    JsClient { packages: &["@prisma/client"], names: &["PrismaClient"], constructed: true, label: "new PrismaClient()" },
    JsClient { packages: &["pg"], names: &["Pool"], constructed: true, label: "new Pool()" },
    JsClient { packages: &["pg"], names: &["Client"], constructed: true, label: "new Client()" },
    JsClient { packages: &["mongodb"], names: &["MongoClient"], constructed: true, label: "new MongoClient()" },
    JsClient { packages: &["mongoose"], names: &["connect", "createConnection"], constructed: false, label: "mongoose.connect()" },
    JsClient { packages: &["sequelize"], names: &["Sequelize", "default", "*"], constructed: true, label: "new Sequelize()" },
    JsClient { packages: &["mysql", "mysql2", "mysql2/promise"], names: &["createPool"], constructed: false, label: "mysql.createPool()" },
    JsClient { packages: &["ioredis"], names: &["Redis", "default", "*"], constructed: true, label: "new Redis()" },
    JsClient { packages: &["redis", "@redis/client"], names: &["createClient"], constructed: false, label: "createClient()" },
];

/// Names specific enough to mean the client without an import that can be seen (a Prisma
/// client generated to a custom path, a global), with the rule's name for it.
pub const JS_UNIMPORTED: &[(&str, &str)] = &[
    ("PrismaClient", "new PrismaClient()"),
    ("MongoClient", "new MongoClient()"),
];

/// Whether a called method or function name may build a client (`mongoose.connect`,
/// `createClient`): the cheap first test on every call.
pub fn is_js_client_call(name: &str) -> bool {
    JS_CLIENTS
        .iter()
        .any(|client| !client.constructed && client.names.contains(&name))
}

/// The client that `name`, imported from `specifier`, builds when called (or `new`-ed, for
/// `constructed`).
pub fn js_client(specifier: &str, name: &str, constructed: bool) -> Option<&'static str> {
    JS_CLIENTS
        .iter()
        .find(|client| {
            client.constructed == constructed
                && client.names.contains(&name)
                && client.packages.contains(&specifier)
        })
        .map(|client| client.label)
}

/// The client `new <name>()` builds when `name` is not imported (see [`JS_UNIMPORTED`]).
pub fn js_unimported_client(name: &str) -> Option<&'static str> {
    JS_UNIMPORTED
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, label)| *label)
}

/// Python clients: the top-level packages that export them, their names, and the rule's name.
#[rustfmt::skip]
pub const PY_CLIENTS: &[(&[&str], &[&str], &str)] = &[
    (&["sqlalchemy", "sqlmodel"], &["create_engine"], "create_engine()"),
    (&["sqlalchemy", "sqlmodel"], &["create_async_engine"], "create_async_engine()"),
    (&["prisma"], &["Prisma"], "Prisma()"),
    (&["motor"], &["AsyncIOMotorClient"], "AsyncIOMotorClient()"),
    (&["pymongo", "motor"], &["MongoClient"], "MongoClient()"),
    (&["redis"], &["Redis", "StrictRedis"], "redis.Redis()"),
    (&["asyncpg"], &["create_pool"], "asyncpg.create_pool()"),
];

/// Whether a callee's last name may be a Python client: the cheap first test.
pub fn is_py_client_name(name: &str) -> bool {
    PY_CLIENTS.iter().any(|(_, names, _)| names.contains(&name))
}

/// The client that `name` of the top-level Python `package` builds when called.
pub fn py_client(package: &str, name: &str) -> Option<&'static str> {
    PY_CLIENTS
        .iter()
        .find(|(packages, names, _)| packages.contains(&package) && names.contains(&name))
        .map(|(_, _, label)| *label)
}
