//! How lint500 shows its findings: miette code frames for people, one line per finding for
//! editors and grep, JSON for programs, SARIF for code scanning, and the formats CI systems read
//! (GitHub workflow commands, GitLab Code Quality, JUnit XML).

mod fingerprint;
mod github;
mod gitlab;
mod json;
mod junit;
mod pretty;
mod sarif;

use std::io::{self, Write};
use std::path::{MAIN_SEPARATOR, Path};

use lint500_core::{Diagnostic, RuleMeta, Severity, printable};

pub use fingerprint::fingerprints;

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
    /// A SARIF 2.1.0 log, as GitHub code scanning reads it.
    Sarif,
    /// GitHub Actions workflow commands: one `::error` or `::warning` annotation per finding.
    Github,
    /// A GitLab Code Quality report.
    Gitlab,
    /// JUnit XML: one test case per file with findings, one failure per finding.
    Junit,
}

/// A rule that ran, with the severity the configuration gave its findings.
#[derive(Clone, Copy, Debug)]
pub struct ActiveRule<'a> {
    pub meta: &'a RuleMeta,
    pub severity: Severity,
}

/// Something the run has to tell about a path besides findings: a file that could not be read
/// or parsed, a path that does not exist, a rule that failed.
#[derive(Clone, Copy, Debug)]
pub struct RunNotice<'a> {
    /// Shown like `FileReport::path`.
    pub path: &'a Path,
    /// `Error` when the notice makes the run fail.
    pub severity: Severity,
    pub message: &'a str,
}

/// Everything a report describes: the findings and the run that produced them.
#[derive(Clone, Copy, Debug)]
pub struct Report<'a> {
    /// Files with findings, sorted by path.
    pub files: &'a [FileReport<'a>],
    /// The rules that ran, sorted by id.
    pub rules: &'a [ActiveRule<'a>],
    pub notices: &'a [RunNotice<'a>],
    /// The absolute folder the relative paths of `files` and `notices` start from.
    pub root: &'a Path,
    /// The SARIF `automationDetails.id` category, which tells apart analyses uploaded for the
    /// same commit (one per service of a monorepo, say).
    pub sarif_category: Option<&'a str>,
}

impl<'a> Report<'a> {
    /// The metadata of the rule `id`, if it ran.
    fn rule(&self, id: &str) -> Option<&'a RuleMeta> {
        self.rules
            .iter()
            .find(|rule| rule.meta.id == id)
            .map(|rule| rule.meta)
    }
}

/// How the pretty format draws; the other formats ignore these.
#[derive(Clone, Copy, Debug)]
pub struct ReportOptions {
    /// ANSI colors and terminal hyperlinks; without it the URL of a rule is printed as text.
    pub color: bool,
    /// The column at which text is wrapped.
    pub width: usize,
}

/// Writes `report` in `format`. A finding of a rule missing from `report.rules` is shown
/// without a documentation link.
pub fn write_report(
    out: &mut dyn Write,
    format: Format,
    report: &Report<'_>,
    options: &ReportOptions,
) -> io::Result<()> {
    match format {
        Format::Pretty => pretty::write(out, report, options),
        Format::Concise => write_concise(out, report.files),
        Format::Json => json::write(out, report),
        Format::Sarif => sarif::write(out, report),
        Format::Github => github::write(out, report),
        Format::Gitlab => gitlab::write(out, report),
        Format::Junit => junit::write(out, report),
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
        let path = printable_path(file.path);
        for diagnostic in file.diagnostics {
            writeln!(out, "{}", concise_line(&path, diagnostic))?;
        }
    }
    Ok(())
}

/// `path:line:col: severity[rule-id] message`, the message made printable. A path that would
/// start the line with `::` gets a leading `./`: the GitHub runner reads such a line as a
/// workflow command.
fn concise_line(path: &str, diagnostic: &Diagnostic) -> String {
    let start = diagnostic.span.start;
    let dot = if path.trim_start().starts_with("::") {
        "./"
    } else {
        ""
    };
    format!(
        "{dot}{path}:{}:{}: {}[{}] {}",
        start.line,
        start.column,
        diagnostic.severity,
        diagnostic.rule,
        printable(&diagnostic.message)
    )
}

/// The path with `/` separators on every platform, so that reports read the same everywhere.
fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace(MAIN_SEPARATOR, "/")
}

/// `display_path` with its control characters escaped, for the formats people read.
fn printable_path(path: &Path) -> String {
    printable(&display_path(path)).into_owned()
}
