//! lint500's engine: from paths on disk to sorted diagnostics.
//!
//! Each file is read and parsed once; one iterative depth-first walk over its tree builds the
//! file model (enclosing functions and catch clauses, suppression comments) and hands every
//! node to the rules that asked for its kind. Trees and texts are dropped when their file is
//! done; only diagnostics (and, for files with findings, the text to show them) are kept.
//!
//! The engine names no framework: what Express, FastAPI, Next.js, an ORM or a client looks like
//! is read from `lint500_knowledge`. Its modules form layers, each using only those below it
//! (kept so by `tests/layers.rs`), from the bottom:
//!
//! - leaves: `source`, `paths`, `grammar`, `syntax`, `columns`, `options`, `notice`;
//! - `module_paths`, `python_manifest`, `async_callables`, `suppression` (then
//!   `suppression_comments`), and `walk` (the file system);
//! - `model`, the file model; then `error_text` and `unawaited`, which read it;
//! - `facts`, the per-file facts; `project`, the project view joining them; `scope`, which
//!   files are server code;
//! - `rule`, the rule trait and set; `config`; `dispatch`, the walk over one tree;
//! - `runner`.

mod async_callables;
mod columns;
mod config;
mod dispatch;
mod error_text;
mod facts;
mod grammar;
mod model;
mod module_paths;
mod notice;
mod options;
mod paths;
mod project;
mod python_manifest;
mod rule;
mod runner;
mod scope;
mod source;
mod suppression;
mod suppression_comments;
mod syntax;
mod unawaited;
mod walk;

pub use async_callables::{AsyncCallables, is_python_coroutine_function};
pub use config::{
    CONFIG_FILE_NAMES, CommandLineOverrides, Config, ConfigError, RuleSelection, Settings,
};
pub use dispatch::{TreeLint, WalkPlan, lint_tree};
pub use error_text::{
    CarriedText, ErrorPart, ErrorText, carried_text, error_text, is_traceback_function,
    local_values,
};
pub use facts::process::is_shutdown_name;
pub use facts::python::argument as python_argument;
pub use facts::{
    Binding, Call, CallEdge, Class, ClientConstruction, DEFAULT_EXPORT, EXTRA_CLIENTS, Ending,
    EnvRead, EnvVariable, Export, FalsyArguments, FileFacts, FlagParameter, Function, Import,
    Imported, JsModule, ListenCall, MODULE_EXPORTS, Nullability, ProcessListener, PyModule,
    Registration, UnawaitedCall, Value,
};
pub use grammar::{ParseRefusal, parse};
pub use model::{FileModel, last_name};
pub use notice::{Notice, NoticeKind};
pub use options::RuleOptions;
pub use paths::GlobList;
pub use project::{Ecosystem, FileId, Package, PackageId, Project, ProjectFile, Resolved};
pub use rule::{
    Condition, DiagnosticBuilder, PendingFinding, ProjectContext, Rule, RuleContext, RuleSet,
};
pub use runner::{FileFindings, LintRun, Linter, RunOptions};
pub use scope::{INCLUDE_KEYS, NotServerCode, ScopeIncludes};
pub use source::{DEFAULT_MAX_FILE_SIZE, Overlays, SourceError};
pub use suppression::{IdleSuppression, SuppressionContext, Suppressions};
pub use suppression_comments::{Insertion, Suppressor};
pub use syntax::{has_token, is_function, is_nested_scope};
pub use unawaited::{PromiseUse, UnawaitedUse, callee_name, later_statements, unawaited_use};
pub use walk::{SourceFile, WalkOptions, collect_files};
