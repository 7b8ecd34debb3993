use std::io::{self, Write};

use lint500_core::{Diagnostic, Label, RuleMeta, Severity, Span};
use serde::Serialize;

use crate::{Report, display_path};

/// One finding as JSON; the field order is the key order of the output.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    help: &'a str,
    path: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    url: Option<String>,
    labels: Vec<JsonLabel<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

pub(crate) fn write(out: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    let paths: Vec<String> = report
        .files
        .iter()
        .map(|file| display_path(file.path))
        .collect();
    let entries: Vec<JsonDiagnostic<'_>> = report
        .files
        .iter()
        .zip(&paths)
        .flat_map(|(file, path)| {
            file.diagnostics.iter().map(|diagnostic| {
                entry(
                    diagnostic,
                    path,
                    report.rule(diagnostic.rule).map(RuleMeta::docs_url),
                )
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &entries)?;
    writeln!(out)
}

fn entry<'a>(diagnostic: &'a Diagnostic, path: &'a str, url: Option<String>) -> JsonDiagnostic<'a> {
    let Span { start, end, .. } = diagnostic.span;
    JsonDiagnostic {
        rule: diagnostic.rule,
        severity: diagnostic.severity,
        message: &diagnostic.message,
        help: &diagnostic.help,
        path,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        url,
        labels: diagnostic.labels.iter().map(label).collect(),
    }
}

fn label(label: &Label) -> JsonLabel<'_> {
    let Span { start, end, .. } = label.span;
    JsonLabel {
        message: &label.message,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}
