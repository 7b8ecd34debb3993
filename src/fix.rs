//! `--fix`, `--diff` and `--unsafe-fixes`: the fixes rules attach to their findings, made in
//! the text of each file. Fixes whose edits overlap wait for the next pass, which lints the
//! fixed texts again (at most [`MAX_PASSES`] of them); a file whose fixed text no longer
//! parses keeps its text.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use lint500_core::{Applicability, Fix, Language};
use lint500_engine::{LintRun, Linter, Overlays, RunOptions, parse};

use crate::edit::{self, Replacement};

/// How many times the files are fixed and linted again, at most.
const MAX_PASSES: usize = 4;

/// The texts the fixes made.
#[derive(Debug, Default)]
pub struct Fixed {
    /// By path as reported (relative to the current folder when under it).
    pub files: BTreeMap<PathBuf, FixedFile>,
    /// Files whose fixes were not made, with why.
    pub refused: Vec<(PathBuf, String)>,
    /// Unsafe fixes left out (without `--unsafe-fixes`), in the last pass.
    pub unsafe_left: usize,
}

#[derive(Debug)]
pub struct FixedFile {
    /// The text as first linted.
    pub original: String,
    pub fixed: String,
    /// How many fixes were made.
    pub count: usize,
}

impl Fixed {
    pub fn count(&self) -> usize {
        self.files.values().map(|file| file.count).sum()
    }
}

/// Makes the fixes of `run`'s findings (the safe ones, and the unsafe ones too when
/// `unsafe_fixes`), in memory; the next passes lint `paths` again with the fixed texts, and
/// `keep` filters each pass's findings as the first ones were (a baseline).
pub fn fix(
    linter: &Linter,
    paths: &[PathBuf],
    options: RunOptions,
    cwd: &Path,
    mut run: LintRun,
    unsafe_fixes: bool,
    keep: &dyn Fn(&mut LintRun),
) -> Fixed {
    let mut fixed = Fixed::default();
    let mut overlays = Overlays::new();
    for pass in 0..MAX_PASSES {
        if pass > 0 {
            run = linter.run_with_overlays(paths, options, &overlays);
            keep(&mut run);
        }
        let mut postponed = false;
        fixed.unsafe_left = 0;
        for file in &run.files {
            let Some(language) = Language::from_path(&file.path) else {
                continue;
            };
            let mut fixes: Vec<&Fix> = Vec::new();
            for fix in file.diagnostics.iter().filter_map(|d| d.fix.as_ref()) {
                if fix.applicability == Applicability::Safe || unsafe_fixes {
                    fixes.push(fix);
                } else {
                    fixed.unsafe_left += 1;
                }
            }
            let (chosen, overlapping) = non_overlapping(fixes);
            postponed |= overlapping;
            if chosen.is_empty() {
                continue;
            }
            let replacements: Vec<Replacement> = chosen
                .iter()
                .flat_map(|fix| &fix.edits)
                .map(|edit| Replacement {
                    range: edit.range.clone(),
                    text: edit.text.clone(),
                })
                .collect();
            let text = edit::apply(&file.source, &replacements);
            if parses(&file.source, language) && !parses(&text, language) {
                fixed.refused.push((
                    file.path.clone(),
                    "its fixes would leave a syntax error; not fixed".into(),
                ));
                continue;
            }
            let entry = fixed
                .files
                .entry(file.path.clone())
                .or_insert_with(|| FixedFile {
                    original: file.source.clone(),
                    fixed: String::new(),
                    count: 0,
                });
            entry.fixed = text.clone();
            entry.count += chosen.len();
            overlays.insert(cwd.join(&file.path), text);
        }
        if !postponed {
            break;
        }
    }
    fixed.files.retain(|_, file| file.fixed != file.original);
    fixed.refused.sort();
    fixed.refused.dedup();
    fixed
}

/// The fixes to make now: in order of position, each that touches no byte (nor the edge) of
/// one chosen before; and whether some had to wait.
fn non_overlapping(mut fixes: Vec<&Fix>) -> (Vec<&Fix>, bool) {
    fixes.sort_by_key(|fix| {
        fix.bounds()
            .map(|bounds| (bounds.start, bounds.end))
            .unwrap_or_default()
    });
    fixes.dedup();
    let mut chosen: Vec<&Fix> = Vec::new();
    let mut taken: Vec<Range<usize>> = Vec::new();
    let mut postponed = false;
    for fix in fixes {
        let Some(bounds) = fix.bounds() else {
            continue;
        };
        if taken
            .iter()
            .any(|other| bounds.start <= other.end && other.start <= bounds.end)
        {
            postponed = true;
            continue;
        }
        taken.push(bounds);
        chosen.push(fix);
    }
    (chosen, postponed)
}

/// Whether `text` parses without a syntax error.
fn parses(text: &str, language: Language) -> bool {
    parse(text, language).is_ok_and(|tree| !tree.root_node().has_error())
}

/// Writes the fixed files; the ones that could not be written, with why.
pub fn write(fixed: &Fixed, cwd: &Path) -> Vec<(PathBuf, String)> {
    fixed
        .files
        .iter()
        .filter_map(|(path, file)| {
            edit::write_fixed(&cwd.join(path), &file.original, &file.fixed)
                .err()
                .map(|message| (path.clone(), message))
        })
        .collect()
}

/// The fixes as one unified diff, file after file.
pub fn diff(fixed: &Fixed) -> String {
    let mut out = String::new();
    for (path, file) in &fixed.files {
        let shown = path.to_string_lossy().replace('\\', "/");
        let diff = similar::TextDiff::from_lines(&file.original, &file.fixed);
        out += &diff
            .unified_diff()
            .context_radius(3)
            .header(&shown, &shown)
            .missing_newline_hint(true)
            .to_string();
    }
    out
}

#[cfg(test)]
mod tests {
    use lint500_core::Edit;

    use super::*;

    #[test]
    fn overlapping_fixes_wait_for_the_next_pass() {
        let first = Fix::safe("a", vec![Edit::replace(2..5, "x")]);
        let touching = Fix::safe("b", vec![Edit::insert(5, "y")]);
        let apart = Fix::safe("c", vec![Edit::insert(7, "z")]);
        let (chosen, postponed) = non_overlapping(vec![&apart, &touching, &first]);
        assert_eq!(chosen, vec![&first, &apart]);
        assert!(postponed);
        let (chosen, postponed) = non_overlapping(vec![&first, &first]);
        assert_eq!((chosen.len(), postponed), (1, false));
    }

    #[test]
    fn the_diff_names_the_file_and_shows_the_change() {
        let mut fixed = Fixed::default();
        fixed.files.insert(
            PathBuf::from("app/jobs.py"),
            FixedFile {
                original: "a\nlogger.error(str(e))\nb\n".into(),
                fixed: "a\nlogger.exception(str(e))\nb\n".into(),
                count: 1,
            },
        );
        assert_eq!(
            diff(&fixed),
            "--- app/jobs.py\n+++ app/jobs.py\n@@ -1,3 +1,3 @@\n a\n-logger.error(str(e))\n+logger.exception(str(e))\n b\n"
        );
    }
}
