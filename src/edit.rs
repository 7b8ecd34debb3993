//! Writing to the files linted: `--add-ignore` puts a `lint500-ignore` comment on every line
//! with findings, in the place the language server's quick fix would put it; `--fix` writes
//! the text its fixes made.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use lint500_core::Language;
use lint500_engine::{FileFindings, LintRun, Suppressor};

use crate::baseline::write_atomically;

/// The reason `--add-ignore` writes when it is given none: a placeholder to search for.
pub const DEFAULT_REASON: &str = "TODO: fix, or say why this is safe";

/// Text to put in place of a byte range of a file as it was linted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replacement {
    pub range: Range<usize>,
    pub text: String,
}

/// What `--add-ignore` did.
#[derive(Debug, Default)]
pub struct Added {
    pub comments: usize,
    pub files: usize,
    /// (path, 1-based line) of findings no comment could be placed for: the line starts
    /// inside a string or template literal, say.
    pub unplaced: Vec<(PathBuf, u32)>,
    /// Files that could not be written, with why.
    pub failed: Vec<(PathBuf, String)>,
}

/// Checks the reason given to `--add-ignore`: it must fit in a one-line comment.
pub fn check_reason(reason: &str) -> Result<(), String> {
    if reason.contains(['\n', '\r']) || reason.contains("*/") {
        Err("--add-ignore: the reason must fit on one line and hold no `*/`".into())
    } else {
        Ok(())
    }
}

/// Adds a `lint500-ignore: rules -- reason` comment for the findings of each line of each file
/// of `run`, and writes the files.
pub fn add_ignores(run: &LintRun, cwd: &Path, reason: &str) -> Added {
    let mut added = Added::default();
    for file in &run.files {
        let Some(language) = Language::from_path(&file.path) else {
            continue;
        };
        let Some(suppressor) = Suppressor::new(&file.source, language) else {
            continue;
        };
        let mut by_line: BTreeMap<u32, (BTreeSet<&str>, Vec<Range<usize>>)> = BTreeMap::new();
        for diagnostic in &file.diagnostics {
            let (rules, flagged) = by_line.entry(diagnostic.span.start.line).or_default();
            rules.insert(diagnostic.rule);
            // The code a finding points at, its labels' too (the empty block of a catch).
            flagged.push(diagnostic.span.bytes());
            flagged.extend(diagnostic.labels.iter().map(|label| label.span.bytes()));
        }
        let mut replacements = Vec::new();
        for (line, (rules, flagged)) in by_line {
            let rules: Vec<&str> = rules.into_iter().collect();
            let index = line.saturating_sub(1) as usize;
            match suppressor.ignore_rules_on_line(index, &rules, Some(reason), &flagged) {
                Some(insertion) => replacements.push(Replacement {
                    range: insertion.at..insertion.at,
                    text: insertion.text,
                }),
                None => added.unplaced.push((file.path.clone(), line)),
            }
        }
        if replacements.is_empty() {
            continue;
        }
        match rewrite(file, cwd, &replacements) {
            Ok(_) => {
                added.comments += replacements.len();
                added.files += 1;
            }
            Err(message) => added.failed.push((file.path.clone(), message)),
        }
    }
    added
}

/// Writes `file` with `replacements` (byte ranges of the text as linted, which do not
/// overlap) made; returns the new text as linted. The file on disk must still be the text that
/// was linted: its byte-order mark and line breaks are kept as they are.
pub fn rewrite(
    file: &FileFindings,
    cwd: &Path,
    replacements: &[Replacement],
) -> Result<String, String> {
    let path = cwd.join(&file.path);
    let raw = std::fs::read_to_string(&path).map_err(|err| err.to_string())?;
    let bom = if raw.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    if !same_text(&raw[bom..], &file.source) {
        return Err("the file changed since it was linted; run lint500 again".into());
    }
    let new_raw = format!("{}{}", &raw[..bom], apply(&raw[bom..], replacements));
    write_atomically(&path, &new_raw).map_err(|err| err.to_string())?;
    Ok(apply(&file.source, replacements))
}

/// Writes `fixed`, the text as linted (`linted`) with fixes made, to the file at `path`, whose
/// text on disk must still be `linted`; a byte-order mark is kept, and so are old Mac line
/// breaks where the file has no others.
pub fn write_fixed(path: &Path, linted: &str, fixed: &str) -> Result<(), String> {
    let raw = std::fs::read_to_string(path).map_err(|err| err.to_string())?;
    let bom = if raw.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let on_disk = &raw[bom..];
    if !same_text(on_disk, linted) {
        return Err("the file changed since it was linted; run lint500 again".into());
    }
    let body = if on_disk == linted {
        fixed.to_string()
    } else if !on_disk.contains('\n') {
        fixed.replace('\n', "\r")
    } else {
        return Err("its line breaks are a mix of \\r and others; fix it by hand".into());
    };
    write_atomically(path, &format!("{}{body}", &raw[..bom])).map_err(|err| err.to_string())
}

/// `text` with `replacements` made (ranges of `text`, not overlapping, in any order).
pub fn apply(text: &str, replacements: &[Replacement]) -> String {
    let mut sorted: Vec<&Replacement> = replacements.iter().collect();
    sorted.sort_by_key(|replacement| (replacement.range.start, replacement.range.end));
    let mut result = String::with_capacity(text.len());
    let mut at = 0;
    for replacement in sorted {
        if replacement.range.start < at || replacement.range.end > text.len() {
            continue;
        }
        result.push_str(&text[at..replacement.range.start]);
        result.push_str(&replacement.text);
        at = replacement.range.end;
    }
    result.push_str(&text[at..]);
    result
}

/// Whether the text on disk is the text linted, whose lone carriage returns (old Mac line
/// endings) were read as line feeds, byte for byte in place.
fn same_text(on_disk: &str, linted: &str) -> bool {
    on_disk.len() == linted.len()
        && on_disk
            .bytes()
            .zip(linted.bytes())
            .enumerate()
            .all(|(at, (disk, linted))| {
                disk == linted
                    || (disk == b'\r'
                        && linted == b'\n'
                        && on_disk.as_bytes().get(at + 1) != Some(&b'\n'))
            })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacements_apply_in_order_of_position() {
        let edits = [
            Replacement {
                range: 6..7,
                text: "X".into(),
            },
            Replacement {
                range: 0..0,
                text: ">".into(),
            },
        ];
        assert_eq!(apply("abcdefgh", &edits), ">abcdefXh");
        assert!(same_text("a\rb\r\nc", "a\nb\r\nc"));
        assert!(!same_text("a\nb", "a\rb"));
        assert!(check_reason("TODO: later").is_ok());
        assert!(check_reason("two\nlines").is_err());
    }
}
