//! What a framework, an ORM, a database client or an async API looks like: the data tables and
//! small text recognisers that the engine's facts collectors and the rules read alike.
//!
//! Framework knowledge lives here and nowhere else: the engine walks, parses, dispatches and
//! joins the project without naming a framework. Supporting a new ORM's lookup methods, a new
//! pooled client or a new async API is one line in the table of its subject:
//!
//! - [`servers`]: server frameworks and serverless platforms, how an app is created, the
//!   methods that register routes, the shapes of Next.js and Lambda handlers;
//! - [`orm`]: lookup and query methods of ORMs (Prisma, Mongoose, TypeORM, SQLAlchemy and the
//!   like), and the folders where migrations are kept;
//! - [`clients`]: the constructors and factories of pooled database and cache clients;
//! - [`async_apis`]: async client types whose methods return coroutines;
//! - [`packages`]: browser UI frameworks and Node's builtin modules.
//!
//! The recognisers take text (`&str`, `&Path`), never a syntax tree.

pub mod async_apis;
pub mod clients;
pub mod orm;
pub mod packages;
pub mod servers;

/// Every package and framework name the tables mention (server frameworks, serverless
/// runtimes, browser frameworks, client, ORM and async API packages), sorted: what the engine
/// must never name. Node's builtin modules are the runtime's, not a framework's, and are not
/// among them.
pub fn all_package_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = servers::server_packages()
        .chain(servers::HANDLER_FRAMEWORKS.iter().copied())
        .chain(servers::PYTHON_SERVER_FRAMEWORKS.iter().copied())
        .chain(servers::APP_FACTORIES.iter().map(|factory| factory.package))
        .chain([servers::NEXT])
        .chain(packages::BROWSER_PACKAGES.iter().copied())
        .chain(
            clients::JS_CLIENTS
                .iter()
                .flat_map(|client| client.packages.iter().copied()),
        )
        .chain(
            clients::PY_CLIENTS
                .iter()
                .flat_map(|(packages, _, _)| packages.iter().copied()),
        )
        .chain(orm::ORM_PACKAGES.iter().copied())
        .chain(async_apis::ASYNC_API_PACKAGES.iter().copied())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_frameworks_and_not_the_runtime() {
        let names = all_package_names();
        for name in [
            "express",
            "fastapi",
            "next",
            "@prisma/client",
            "react",
            "asyncpg",
        ] {
            assert!(names.contains(&name), "{name}");
        }
        assert!(!names.contains(&"fs"));
    }

    #[test]
    fn express_routes_are_its_registrations_but_use() {
        let registrations: Vec<&str> = servers::EXPRESS_REGISTRATION_METHODS
            .iter()
            .copied()
            .filter(|method| *method != "use")
            .collect();
        assert_eq!(registrations, servers::EXPRESS_ROUTE_METHODS);
    }

    #[test]
    fn handler_frameworks_are_server_packages() {
        for framework in servers::HANDLER_FRAMEWORKS {
            assert!(
                servers::server_packages().any(|package| package == *framework),
                "{framework}"
            );
        }
    }

    #[test]
    fn recognisers_read_the_tables() {
        assert_eq!(clients::js_client("pg", "Pool", true), Some("new Pool()"));
        assert_eq!(clients::js_client("pg", "Pool", false), None);
        assert_eq!(
            clients::py_client("redis", "StrictRedis"),
            Some("redis.Redis()")
        );
        assert!(async_apis::is_async_call(
            "Annotated[AsyncSession, Depends(get_db)]",
            "execute"
        ));
        assert!(!async_apis::is_async_call("AsyncSessionFactory", "execute"));
        assert!(!async_apis::is_async_call("redis.Redis", "get"));
        assert_eq!(
            servers::created_by("express", Some("Router")),
            Some(servers::Creates::ExpressRouter { promise: false })
        );
        assert_eq!(servers::factory_member("APIRouter"), Some("APIRouter"));
        assert_eq!(orm::js_lookup("findByPk"), Some(orm::JsLookup::Model));
        assert_eq!(orm::py_lookup("first"), Some(orm::PyLookup::QueryChainEnd));
        assert!(orm::is_prisma_client_name("ctxPrismaClient"));
    }
}
