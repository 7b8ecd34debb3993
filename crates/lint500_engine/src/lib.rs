//! lint500's engine: from paths on disk to sorted diagnostics.
//!
//! Each file is read and parsed once; one iterative depth-first walk over its tree builds the
//! file model (enclosing functions and catch clauses, suppression comments) and hands every
//! node to the rules that asked for its kind. Trees and texts are dropped when their file is
//! done; only diagnostics (and, for files with findings, the text to show them) are kept.

mod async_callables;
mod config;
mod error_text;
mod facts;
mod grammar;
mod model;
mod module_paths;
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
    CONFIG_FILE_NAMES, CommandLineOverrides, Config, ConfigError, RuleOptions, RuleSelection,
    Settings,
};
pub use error_text::{
    CarriedText, ErrorPart, ErrorText, carried_text, error_text, is_traceback_function,
    local_values,
};
pub use facts::javascript::has_token;
pub use facts::process::is_shutdown_name;
pub use facts::python::argument as python_argument;
pub use facts::{
    Binding, Call, Class, ClientConstruction, DEFAULT_EXPORT, EXTRA_CLIENTS, Ending, EnvRead,
    Export, FileFacts, Function, Import, Imported, JsModule, ListenCall, MODULE_EXPORTS,
    ProcessListener, PyModule, Registration, UnawaitedCall, Value,
};
pub use grammar::{ParseRefusal, parse};
pub use model::{FileModel, TreeLint, WalkPlan, lint_tree};
pub use paths::GlobList;
pub use project::{Ecosystem, FileId, Package, PackageId, Project, ProjectFile, Resolved};
pub use rule::{
    Condition, DiagnosticBuilder, PendingFinding, ProjectContext, Rule, RuleContext, RuleSet,
};
pub use runner::{FileFindings, LintRun, Linter, Notice, NoticeKind, Overlays, RunOptions};
pub use scope::{INCLUDE_KEYS, NotServerCode, ScopeIncludes};
pub use source::{DEFAULT_MAX_FILE_SIZE, SourceError};
pub use suppression::{IdleSuppression, SuppressionContext, Suppressions};
pub use suppression_comments::{Insertion, Suppressor};
pub use syntax::{is_function, last_name};
pub use unawaited::{
    PromiseUse, UnawaitedUse, callee_name, is_nested_scope, later_statements, unawaited_use,
};
pub use walk::{SourceFile, WalkOptions, collect_files};
