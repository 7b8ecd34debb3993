//! `env-read-in-handler`: the environment read while a request is served (in a handler, a
//! FastAPI dependency, or a helper only they call) instead of once, validated, at startup.
//!
//! The facts keep only the reads that can fail: not those with a literal fallback, of a
//! variable the function tests, or in a create-once initialiser; and each variable's first
//! read per function (see `lint500_engine`'s `EnvRead`).

use std::collections::{HashMap, HashSet};

use lint500_core::{Label, Language, Severity, is_test_path};
use lint500_engine::{EnvRead, PackageId, Project, ProjectContext, Rule};
use lint500_knowledge::servers::HANDLER_FRAMEWORKS;

use crate::handlers::{
    HandlerKind, RequestTime, RequestTimeFunction, module_functions, relative_to_package,
    request_time_functions,
};

pub struct EnvReadInHandler;

const HELP: &str = "Read it once at startup into a validated settings object (a pydantic `BaseSettings`, \
                    a config module that checks it), or give it a default or a check where it is read";

impl Rule for EnvReadInHandler {
    fn document(&self) -> &'static str {
        include_str!("../../../rules/env-read-in-handler.md")
    }

    fn project_dependencies(&self) -> &'static [&'static str] {
        HANDLER_FRAMEWORKS
    }

    fn check_project(&self, project: &Project, ctx: &mut ProjectContext<'_>) {
        let assigned = assigned_variables(project);
        for function in request_time_functions(project) {
            let project_file = project.file(function.file);
            let language = project_file.language;
            let assigned = assigned.get(&project_file.package);
            for read in &function.function.env_reads {
                let variable = read.variable.name();
                let settings = assigned.is_some_and(|assigned| {
                    assigned.contains(&None)
                        || variable.is_some_and(|v| assigned.contains(&Some(v)))
                });
                if settings || tested_by_every_caller(project, &function, read) {
                    continue;
                }
                let diagnostic = ctx.report(
                    function.file,
                    read.span,
                    message(read, language, &function),
                    HELP,
                );
                if read.raises_when_missing {
                    diagnostic.severity = Severity::Error;
                }
                if let Some((file, span)) = function.registered
                    && file == function.file
                {
                    diagnostic.labels.push(Label {
                        span,
                        message: "the handler is registered here".into(),
                    });
                }
            }
        }
    }
}

/// By package, the variables its code (tests aside) assigns: a server that saves settings into
/// its environment while it runs (`process.env[key] = value` from an admin page) must read them
/// where they are used, since a read at startup would keep the old value. `None` stands for a
/// computed key: any variable.
fn assigned_variables(project: &Project) -> HashMap<PackageId, HashSet<Option<&str>>> {
    let mut assigned: HashMap<PackageId, HashSet<Option<&str>>> = HashMap::new();
    for (id, file) in project.files() {
        let writes = match (&file.facts.module, &file.facts.python) {
            (Some(module), _) => &module.env_writes,
            (_, Some(module)) => &module.env_writes,
            _ => continue,
        };
        if writes.is_empty() || is_test_path(relative_to_package(project, id, file)) {
            continue;
        }
        let variables = assigned.entry(file.package).or_default();
        variables.extend(writes.iter().map(Option::as_deref));
    }
    assigned
}

/// Whether a helper's read is of a variable that every function of its module calling it
/// tests (`if (!process.env.KEY) return …; setup();`): the callers handle its absence.
fn tested_by_every_caller(
    project: &Project,
    function: &RequestTimeFunction<'_>,
    read: &EnvRead,
) -> bool {
    let (RequestTime::Helper, Some(variable)) = (function.why, read.variable.name()) else {
        return false;
    };
    let functions = module_functions(project, function.file);
    let tests = |start: usize| {
        // The caller, or a function it is written in.
        let mut scope = Some(start);
        let mut steps = 0;
        while let Some(start) = scope.filter(|_| steps < 64) {
            let Ok(at) = functions.binary_search_by_key(&start, |f| f.start_byte) else {
                return false;
            };
            if functions[at]
                .env_tested
                .iter()
                .any(|tested| tested.name() == Some(variable))
            {
                return true;
            }
            scope = functions[at].enclosing;
            steps += 1;
        }
        false
    };
    let mut callers = functions
        .iter()
        .filter(|caller| {
            caller
                .calls_each_time()
                .any(|callee| callee == function.function.start_byte)
        })
        .peekable();
    callers.peek().is_some() && callers.all(|caller| tests(caller.start_byte))
}

fn message(read: &EnvRead, language: Language, function: &RequestTimeFunction<'_>) -> String {
    let place = match function.why {
        RequestTime::Handler(HandlerKind::FastApiDependency) => {
            "a FastAPI dependency, which runs on every request".to_string()
        }
        RequestTime::Handler(HandlerKind::Serverless) => {
            "a serverless handler, on every invocation".to_string()
        }
        RequestTime::Handler(_) | RequestTime::Nested => {
            "a request handler, on every request".to_string()
        }
        RequestTime::Helper => match &function.function.name {
            Some(name) => format!("`{name}`, which only request handlers call"),
            None => "a function only request handlers call".to_string(),
        },
        RequestTime::Called => match &function.function.name {
            Some(name) => format!("`{name}`, which a request handler calls"),
            None => "a function a request handler calls".to_string(),
        },
    };
    let variable = match read.variable.name() {
        Some(name) => format!("The environment variable `{name}`"),
        None => "The environment".to_string(),
    };
    if read.raises_when_missing {
        format!(
            "{variable} is read with `os.environ[…]` in {place}: when it is missing, every request fails with KeyError"
        )
    } else {
        let missing = if language == Language::Python {
            "None"
        } else {
            "undefined"
        };
        format!(
            "{variable} is read in {place}: when it is missing, the code gets {missing} there instead of failing at startup"
        )
    }
}
