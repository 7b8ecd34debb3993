//! The vocabulary every lint500 crate shares: what a language, a severity, a position and a
//! diagnostic are, and the metadata of a rule as its document declares it.

mod diagnostic;
mod language;
mod printable;
mod rule_meta;

pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Position, Severity, Span};
pub use language::{Language, LanguageFamily, is_test_path};
pub use printable::{excerpt, needs_escape, printable};
pub use rule_meta::{RuleMeta, RuleMetaError};

/// Where the rule documents are published; `<DOCS_BASE_URL><rule-id>.md` is a rule's page.
pub const DOCS_BASE_URL: &str = "https://github.com/lint500/lint500/blob/main/rules/";
