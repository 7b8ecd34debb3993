//! Baselines: `--write-baseline FILE` records every current finding; `--baseline FILE` (or
//! `baseline = "…"` in the configuration) then reports only the findings it does not record.
//!
//! A finding is recorded by its rule, its path relative to the baseline's folder (with `/`
//! separators, so that a baseline written on one machine works on another) and the fingerprint
//! the SARIF and GitLab reports give it, which leaves out line numbers: editing other lines of
//! the file keeps a recorded finding recorded. Findings are matched by count: a baseline that
//! records a finding twice excuses two such findings, not three.

use std::collections::{BTreeSet, HashMap};
use std::io;
use std::path::{Component, Path, PathBuf};

use lint500_engine::LintRun;
use lint500_report::{FileReport, fingerprints};
use serde::{Deserialize, Serialize};

/// The version of the baseline format; a file of another version is refused.
const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

/// One recorded finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub fingerprint: String,
}

/// What applying a baseline left out, and what it records that is gone.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Findings the baseline records, no longer reported.
    pub baselined: usize,
    /// Entries that match no finding of a file this run linted (or of a file that is gone):
    /// fixed since the baseline was written.
    pub fixed: Vec<Entry>,
}

/// A baseline file and the folder its paths start from.
pub struct Baseline {
    folder: PathBuf,
    entries: Vec<Entry>,
}

impl Baseline {
    /// Reads the baseline at `path`; the error says what is wrong with it.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let shown = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|err| format!("cannot read the baseline {shown}: {err}"))?;
        let file: BaselineFile = serde_json::from_str(&text)
            .map_err(|err| format!("{shown} is not a lint500 baseline: {err}"))?;
        if file.version != VERSION {
            return Err(format!(
                "{shown} is a baseline of version {}; this lint500 reads version {VERSION} (write it again with --write-baseline)",
                file.version
            ));
        }
        Ok(Baseline {
            folder: folder_of(path)?,
            entries: file.findings,
        })
    }

    /// Removes from `run` the findings the baseline records.
    ///
    /// `cwd` is the folder the run's paths are relative to; `ran` tells whether a rule ran, so
    /// that an entry of a rule left out (`--select`) is not taken for fixed.
    pub fn apply(&self, run: &mut LintRun, cwd: &Path, ran: impl Fn(&str) -> bool) -> Outcome {
        let mut remaining: HashMap<&Entry, usize> = HashMap::new();
        for entry in &self.entries {
            *remaining.entry(entry).or_default() += 1;
        }
        let mut outcome = Outcome::default();
        for file in &mut run.files {
            let path = relative_to(&cwd.join(&file.path), &self.folder);
            let report = FileReport {
                path: &file.path,
                source: &file.source,
                diagnostics: &file.diagnostics,
            };
            let recorded: Vec<bool> = fingerprints(&report, &path)
                .into_iter()
                .zip(&file.diagnostics)
                .map(|(fingerprint, diagnostic)| {
                    let entry = Entry {
                        path: path.clone(),
                        rule: diagnostic.rule.to_string(),
                        fingerprint,
                    };
                    match remaining.get_mut(&entry) {
                        Some(count) if *count > 0 => {
                            *count -= 1;
                            true
                        }
                        _ => false,
                    }
                })
                .collect();
            let mut recorded = recorded.into_iter();
            file.diagnostics
                .retain(|_| !recorded.next().unwrap_or(false));
        }
        let before: usize = self.entries.len();
        let left: usize = remaining.values().sum();
        outcome.baselined = before - left;
        run.files.retain(|file| !file.diagnostics.is_empty());

        let linted: BTreeSet<String> = run
            .scope
            .iter()
            .filter(|(_, not_server_code)| not_server_code.is_none())
            .map(|(path, _)| relative_to(&cwd.join(path), &self.folder))
            .collect();
        let mut fixed: Vec<Entry> = remaining
            .into_iter()
            .filter(|(entry, count)| {
                *count > 0
                    && ran(&entry.rule)
                    && (linted.contains(&entry.path) || !self.folder.join(&entry.path).exists())
            })
            .flat_map(|(entry, count)| std::iter::repeat_n(entry.clone(), count))
            .collect();
        fixed.sort();
        outcome.fixed = fixed;
        outcome
    }
}

/// Writes every finding of `run` to a baseline at `path`; returns how many it recorded.
pub fn write(run: &LintRun, cwd: &Path, path: &Path) -> Result<usize, String> {
    let shown = path.display();
    let folder = folder_of(path)?;
    let mut entries = Vec::new();
    for file in &run.files {
        let relative = relative_to(&cwd.join(&file.path), &folder);
        let report = FileReport {
            path: &file.path,
            source: &file.source,
            diagnostics: &file.diagnostics,
        };
        for (fingerprint, diagnostic) in fingerprints(&report, &relative)
            .into_iter()
            .zip(&file.diagnostics)
        {
            entries.push(Entry {
                path: relative.clone(),
                rule: diagnostic.rule.to_string(),
                fingerprint,
            });
        }
    }
    entries.sort();
    let count = entries.len();
    let file = BaselineFile {
        version: VERSION,
        findings: entries,
    };
    let mut text = serde_json::to_string_pretty(&file).expect("a baseline serializes");
    text.push('\n');
    write_atomically(path, &text).map_err(|err| format!("cannot write {shown}: {err}"))?;
    Ok(count)
}

/// Writes `text` to a temporary file beside `path` and renames it over `path`, so that a
/// reader never sees half a file.
pub fn write_atomically(path: &Path, text: &str) -> io::Result<()> {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

/// The absolute, resolved folder of the file at `path` (which need not exist).
fn folder_of(path: &Path) -> Result<PathBuf, String> {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    parent
        .canonicalize()
        .map_err(|err| format!("cannot find the folder of {}: {err}", path.display()))
}

/// `path` relative to `folder` (both absolute), with `/` separators and `..` where `path` is
/// outside `folder`.
pub fn relative_to(path: &Path, folder: &Path) -> String {
    let path: Vec<Component> = normalized(path);
    let folder: Vec<Component> = normalized(folder);
    let common = path.iter().zip(&folder).take_while(|(a, b)| a == b).count();
    let ups = std::iter::repeat_n("..".to_string(), folder.len() - common);
    let downs = path[common..]
        .iter()
        .map(|component| component.as_os_str().to_string_lossy().into_owned());
    ups.chain(downs).collect::<Vec<_>>().join("/")
}

/// The components of `path` with `.` left out and `..` applied.
fn normalized(path: &Path) -> Vec<Component<'_>> {
    let mut components = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(components.last(), Some(Component::Normal(_))) {
                    components.pop();
                }
            }
            other => components.push(other),
        }
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_with_slashes() {
        let folder = Path::new("/repo/services");
        assert_eq!(
            relative_to(Path::new("/repo/services/api/app.js"), folder),
            "api/app.js"
        );
        assert_eq!(
            relative_to(Path::new("/repo/services/./api/../web/x.ts"), folder),
            "web/x.ts"
        );
        assert_eq!(
            relative_to(Path::new("/repo/tools/x.py"), folder),
            "../tools/x.py"
        );
    }
}
