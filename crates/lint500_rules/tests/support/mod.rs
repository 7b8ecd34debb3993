//! Lints text in memory with every rule and default settings, as the CLI would.

use std::path::Path;

use lint500_core::{Diagnostic, Language};
use lint500_engine::{CommandLineOverrides, Config, Linter, Settings};

pub fn lint(source: &str, language: Language, file_name: &str) -> Vec<Diagnostic> {
    let rules = lint500_rules::all();
    let dir = Path::new("/fixtures");
    let settings = Settings::resolve(
        &Config::none(dir),
        CommandLineOverrides::default(),
        rules,
        dir,
    )
    .expect("defaults are valid");
    let linter = Linter::new(rules, settings, dir.to_path_buf());
    let (diagnostics, _notices) =
        linter.lint_source(&dir.join(file_name), source.to_string(), language);
    diagnostics
}

/// A stable text form of findings for snapshots.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let (start, end) = (diagnostic.span.start, diagnostic.span.end);
        out += &format!(
            "{}:{}-{}:{} {}[{}] {}\n  help: {}\n",
            start.line,
            start.column,
            end.line,
            end.column,
            diagnostic.severity,
            diagnostic.rule,
            diagnostic.message,
            diagnostic.help
        );
        for label in &diagnostic.labels {
            out += &format!(
                "  label {}:{}-{}:{}: {}\n",
                label.span.start.line,
                label.span.start.column,
                label.span.end.line,
                label.span.end.column,
                label.message
            );
        }
    }
    out
}
