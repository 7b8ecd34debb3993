//! Async client APIs known by their type annotation: a parameter or attribute annotated
//! `AsyncSession` makes `db.execute(…)` a coroutine. A new async API is one entry of
//! [`ASYNC_APIS`].

/// An async client type and the methods of it that return a coroutine.
pub struct AsyncApi {
    /// The type's name as annotations spell it (`AsyncSession`, `httpx.AsyncClient`).
    pub name: &'static str,
    /// Text the annotation must also hold, for names other libraries use for sync types
    /// (`asyncpg.Connection`, `redis.asyncio.Redis`); empty when the name says it all.
    pub qualifier: &'static str,
    pub methods: &'static [&'static str],
}

/// The async client types of SQLAlchemy, httpx, aiohttp, Motor, asyncpg and redis-py.
#[rustfmt::skip]
pub const ASYNC_APIS: &[AsyncApi] = &[
    AsyncApi { name: "AsyncSession", qualifier: "", methods: &["execute", "scalar", "scalars", "get", "commit", "flush", "refresh", "delete", "merge", "close", "rollback", "stream", "run_sync"] },
    AsyncApi { name: "AsyncClient", qualifier: "", methods: &["get", "post", "put", "patch", "delete", "head", "options", "request", "send", "aclose"] },
    AsyncApi { name: "ClientSession", qualifier: "aiohttp", methods: &["close"] },
    AsyncApi { name: "AsyncIOMotorCollection", qualifier: "", methods: &["find_one", "insert_one", "insert_many", "update_one", "update_many", "replace_one", "delete_one", "delete_many", "count_documents", "find_one_and_update", "find_one_and_delete", "find_one_and_replace", "distinct", "create_index"] },
    AsyncApi { name: "Connection", qualifier: "asyncpg", methods: &["fetch", "fetchrow", "fetchval", "execute", "executemany", "close"] },
    AsyncApi { name: "Pool", qualifier: "asyncpg", methods: &["fetch", "fetchrow", "fetchval", "execute", "executemany", "acquire", "close"] },
    AsyncApi { name: "Redis", qualifier: "asyncio", methods: &["get", "set", "setex", "delete", "exists", "expire", "incr", "decr", "hget", "hset", "hgetall", "lpush", "rpush", "lrange", "publish", "close", "aclose"] },
];

/// The packages whose async APIs [`ASYNC_APIS`] describes.
pub const ASYNC_API_PACKAGES: &[&str] = &[
    "sqlalchemy",
    "httpx",
    "aiohttp",
    "motor",
    "asyncpg",
    "redis",
];

/// Whether some async API has a coroutine method named `method`: the cheap first test.
pub fn is_async_method(method: &str) -> bool {
    ASYNC_APIS.iter().any(|api| api.methods.contains(&method))
}

/// Whether `method`, called on a value annotated `annotation`, returns a coroutine.
pub fn is_async_call(annotation: &str, method: &str) -> bool {
    ASYNC_APIS.iter().any(|api| {
        api.methods.contains(&method)
            && names_type(annotation, api.name)
            && annotation.contains(api.qualifier)
    })
}

/// Whether an annotation's text names `name` as a whole word (`AsyncSession` in
/// `Annotated[AsyncSession, Depends(get_db)]`, not in `AsyncSessionFactory`).
fn names_type(annotation: &str, name: &str) -> bool {
    annotation
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|word| word == name)
}
