//! How lint500 shows its findings: miette code frames for people, one line per finding for
//! editors and grep, and JSON for programs.

mod json;
mod pretty;

use std::io::{self, Write};
use std::path::{MAIN_SEPARATOR, Path};

use lint500_core::{Diagnostic, RuleMeta, Severity};

/// One file's findings as the emitters see them.
#[derive(Clone, Copy, Debug)]
pub struct FileReport<'a> {
    /// The path as it should be shown, usually relative to the current folder.
    pub path: &'a Path,
    /// The file's text, which the spans of `diagnostics` index into.
    pub source: &'a str,
    /// The file's findings, sorted by `Diagnostic::sort_key`.
    pub diagnostics: &'a [Diagnostic],
}

/// The shape of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Each finding with a code frame, its labels and its help, drawn by miette.
    Pretty,
    /// One `path:line:col: severity[rule-id] message` line per finding.
    Concise,
    /// One JSON array of finding objects.
    Json,
}

/// How the pretty format draws; the other formats ignore these.
#[derive(Clone, Copy, Debug)]
pub struct ReportOptions {
    /// ANSI colors and terminal hyperlinks; without it the URL of a rule is printed as text.
    pub color: bool,
    /// The column at which text is wrapped.
    pub width: usize,
}

/// Writes the findings (files already sorted by path, diagnostics sorted) in `format`.
///
/// `rules` gives a rule's metadata by id; a rule it does not know is shown without a docs URL.
pub fn write_report<'r>(
    out: &mut dyn Write,
    format: Format,
    files: &[FileReport<'_>],
    rules: &dyn Fn(&str) -> Option<&'r RuleMeta>,
    options: &ReportOptions,
) -> io::Result<()> {
    match format {
        Format::Pretty => pretty::write(out, files, rules, options),
        Format::Concise => write_concise(out, files),
        Format::Json => json::write(out, files, rules),
    }
}

/// "N problems (E errors, W warnings) in F files", where F counts the files linted, so that a
/// clean run still says how much it checked.
pub fn summary_line(files: &[FileReport<'_>], files_linted: usize) -> String {
    let diagnostics = || files.iter().flat_map(|file| file.diagnostics);
    let errors = diagnostics()
        .filter(|diagnostic| diagnostic.severity == Severity::Error)
        .count();
    let warnings = diagnostics()
        .filter(|diagnostic| diagnostic.severity == Severity::Warning)
        .count();
    format!(
        "{} ({}, {}) in {}",
        counted(errors + warnings, "problem"),
        counted(errors, "error"),
        counted(warnings, "warning"),
        counted(files_linted, "file"),
    )
}

fn counted(count: usize, noun: &str) -> String {
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} {noun}{plural}")
}

fn write_concise(out: &mut dyn Write, files: &[FileReport<'_>]) -> io::Result<()> {
    for file in files {
        let path = display_path(file.path);
        for diagnostic in file.diagnostics {
            let start = diagnostic.span.start;
            writeln!(
                out,
                "{path}:{}:{}: {}[{}] {}",
                start.line, start.column, diagnostic.severity, diagnostic.rule, diagnostic.message
            )?;
        }
    }
    Ok(())
}

/// The path with `/` separators on every platform, so that reports read the same everywhere.
fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace(MAIN_SEPARATOR, "/")
}
