//! GitLab Code Quality: a JSON array of issues that merge requests show as a widget and in diffs.

use std::io::{self, Write};

use lint500_core::{Position, Severity};
use serde::Serialize;

use crate::fingerprint::fingerprints;
use crate::{Report, display_path};

#[derive(Serialize)]
struct Issue<'a> {
    description: &'a str,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation<'a>,
}

#[derive(Serialize)]
struct IssueLocation<'a> {
    path: &'a str,
    positions: Positions,
}

#[derive(Serialize)]
struct Positions {
    begin: LineColumn,
    end: LineColumn,
}

#[derive(Serialize)]
struct LineColumn {
    line: u32,
    column: u32,
}

impl From<Position> for LineColumn {
    fn from(position: Position) -> LineColumn {
        LineColumn {
            line: position.line,
            column: position.column,
        }
    }
}

pub(crate) fn write(out: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    let paths: Vec<String> = report
        .files
        .iter()
        .map(|file| display_path(file.path))
        .collect();
    let mut issues = Vec::new();
    for (file, path) in report.files.iter().zip(&paths) {
        for (diagnostic, fingerprint) in file.diagnostics.iter().zip(fingerprints(file, path)) {
            issues.push(Issue {
                description: &diagnostic.message,
                check_name: diagnostic.rule,
                fingerprint,
                // GitLab's scale is info, minor, major, critical, blocker.
                severity: match diagnostic.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                location: IssueLocation {
                    path,
                    positions: Positions {
                        begin: diagnostic.span.start.into(),
                        end: diagnostic.span.end.into(),
                    },
                },
            });
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
