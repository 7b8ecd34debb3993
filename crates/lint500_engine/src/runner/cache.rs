//! The cache of what linting one file gave: its findings, suppressions, notices and project
//! facts, before the project rules ran. An entry is keyed by lint500's build, the settings
//! that apply to the file, what the run decided about the file (linted or read for its facts,
//! server code or not) and its text; a hit skips parsing. Project rules always run again,
//! from the cached facts, so a change in one file reaches the findings of the others.
//!
//! The entries live in one JSON file under the cache folder, written to a temporary file and
//! renamed, so that concurrent runs never read half a file; an entry that does not read back
//! (corrupt, from another build, naming a rule this build lacks) is a miss.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};

use lint500_core::{Diagnostic, Fix, Label, Severity, Span};
use serde::{Deserialize, Serialize};

use super::{FileOutcome, Linter};
use crate::facts::{FileFacts, Value};
use crate::notice::Notice;
use crate::rule::{Condition, PendingFinding, RuleSet};
use crate::scope::{ImportShape, NotServerCode};
use crate::suppression::Suppressions;
use crate::walk::SourceFile;

/// The name of the file that holds the entries.
const ENTRIES: &str = "files-v1.json";

/// A run's view of the cache folder: the entries read when it opened, and those of this run.
pub(crate) struct Cache {
    dir: PathBuf,
    /// This build of lint500: its version and the identity of its executable.
    build: String,
    loaded: RwLock<HashMap<PathBuf, Entry>>,
    fresh: Mutex<HashMap<PathBuf, Entry>>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    build: String,
    files: BTreeMap<PathBuf, Entry>,
}

#[derive(Clone, Serialize, Deserialize)]
struct Entry {
    key: String,
    /// A [`CachedOutcome`] as JSON, read only on a hit.
    outcome: String,
}

#[derive(Serialize, Deserialize)]
struct CachedOutcome {
    enabled: Vec<bool>,
    suppressions: Suppressions,
    syntax_error: bool,
    panicked: Vec<String>,
    diagnostics: Vec<CachedDiagnostic>,
    text_hash: Option<u64>,
    notices: Vec<Notice>,
    facts: FileFacts,
    pending: Vec<(Value, Condition, CachedDiagnostic)>,
}

/// A [`Diagnostic`] whose rule is named by its id.
#[derive(Serialize, Deserialize)]
struct CachedDiagnostic {
    rule: String,
    severity: Severity,
    message: String,
    help: String,
    span: Span,
    labels: Vec<Label>,
    fix: Option<Fix>,
}

impl CachedDiagnostic {
    fn of(diagnostic: &Diagnostic) -> CachedDiagnostic {
        CachedDiagnostic {
            rule: diagnostic.rule.to_string(),
            severity: diagnostic.severity,
            message: diagnostic.message.clone(),
            help: diagnostic.help.clone(),
            span: diagnostic.span,
            labels: diagnostic.labels.clone(),
            fix: diagnostic.fix.clone(),
        }
    }

    fn into_diagnostic(self, rules: &'static RuleSet) -> Option<Diagnostic> {
        Some(Diagnostic {
            rule: rules.find(&self.rule)?.id.as_str(),
            severity: self.severity,
            message: self.message,
            help: self.help,
            span: self.span,
            labels: self.labels,
            fix: self.fix,
        })
    }
}

impl Cache {
    /// Opens the cache in `dir` (creating it, with a `.gitignore` that keeps it out of git);
    /// `None` when it cannot be created. An unreadable or foreign entries file is empty.
    pub(crate) fn open(dir: &Path) -> Option<Cache> {
        std::fs::create_dir_all(dir).ok()?;
        let ignore = dir.join(".gitignore");
        if !ignore.exists() {
            std::fs::write(&ignore, "# Created by lint500.\n*\n").ok()?;
        }
        let build = build_identity();
        let loaded = std::fs::read(dir.join(ENTRIES))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).ok())
            .filter(|stored| stored.build == build)
            .map(|stored| stored.files)
            .unwrap_or_default();
        Some(Cache {
            dir: dir.to_path_buf(),
            build,
            loaded: RwLock::new(loaded.into_iter().collect()),
            fresh: Mutex::new(HashMap::new()),
        })
    }

    /// Writes the entries, this run's with those of files it did not read that still exist,
    /// and keeps them for the linter's next run. Nothing is written when the run changed
    /// nothing; a failure leaves the old file.
    pub(crate) fn save(&self) {
        let fresh = std::mem::take(&mut *self.fresh.lock().unwrap_or_else(|e| e.into_inner()));
        let mut loaded = self.loaded.write().unwrap_or_else(|e| e.into_inner());
        let mut changed = false;
        for (path, entry) in fresh {
            let same = loaded
                .get(&path)
                .is_some_and(|old| old.key == entry.key && old.outcome == entry.outcome);
            if !same {
                changed = true;
                loaded.insert(path, entry);
            }
        }
        if !changed {
            return;
        }
        loaded.retain(|path, _| path.exists());
        let stored = Stored {
            build: self.build.clone(),
            files: loaded
                .iter()
                .map(|(path, entry)| (path.clone(), entry.clone()))
                .collect(),
        };
        let Ok(text) = serde_json::to_vec(&stored) else {
            return;
        };
        let temporary = self
            .dir
            .join(format!(".{ENTRIES}.{}.tmp", std::process::id()));
        if std::fs::write(&temporary, text).is_err()
            || std::fs::rename(&temporary, self.dir.join(ENTRIES)).is_err()
        {
            let _ = std::fs::remove_file(&temporary);
        }
    }

    /// The outcome stored for the file at `path` under `key`, as JSON.
    fn lookup(&self, path: &Path, key: &str) -> Option<String> {
        let loaded = self.loaded.read().unwrap_or_else(|e| e.into_inner());
        loaded
            .get(path)
            .filter(|entry| entry.key == key)
            .map(|entry| entry.outcome.clone())
    }

    fn remember(&self, path: &Path, key: String, outcome: String) {
        self.fresh
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_path_buf(), Entry { key, outcome });
    }
}

/// lint500's version and the size and time of its executable: a rebuild is another build.
fn build_identity() -> String {
    let executable = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|metadata| {
            let modified = metadata
                .modified()
                .ok()
                .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |since| since.as_nanos());
            format!("{}-{modified}", metadata.len())
        })
        .unwrap_or_default();
    format!("{}+{executable}", env!("CARGO_PKG_VERSION"))
}

/// A hash of `parts`, as hex. It is compared only with the one entry stored for the same
/// path, so 64 bits keep a stale entry from passing for a fresh one.
fn key_of(parts: &impl Hash) -> String {
    let mut hasher = DefaultHasher::new();
    parts.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

impl Linter {
    /// [`Linter::lint_text`] through the cache, when the run has one.
    pub(super) fn lint_text_cached(
        &self,
        file: &SourceFile,
        display: PathBuf,
        source: String,
        linted: bool,
        facts: bool,
        not_server_code: Option<NotServerCode>,
    ) -> FileOutcome {
        let Some(cache) = &self.cache else {
            return self.lint_text(file, display, source, linted, facts, not_server_code);
        };
        let settings = &self.settings;
        let key = key_of(&(
            format!(
                "{:?}{:?}{:?}{:?}{:?}",
                settings.severity,
                settings.severity_configured,
                settings.options,
                settings.includes,
                not_server_code
            ),
            settings.enabled_for(&file.path),
            &file.path,
            format!("{:?}", file.language),
            linted,
            facts,
            &source,
        ));
        if let Some(stored) = cache.lookup(&file.path, &key)
            && let Ok(cached) = serde_json::from_str::<CachedOutcome>(&stored)
            && let Some(outcome) = self.restore(cached, file, &display, linted, not_server_code)
        {
            let outcome = FileOutcome {
                import_shape: if facts {
                    ImportShape::of(&source, file.language)
                } else {
                    ImportShape::default()
                },
                ..outcome
            };
            cache.remember(&file.path, key, stored);
            return outcome;
        }
        let outcome = self.lint_text(file, display, source, linted, facts, not_server_code);
        // A file the parser refused is read again next time, and a rule that panicked may not
        // panic next time: neither is cached.
        if outcome.read
            && outcome.panicked.is_empty()
            && let Ok(text) = serde_json::to_string(&cached(&outcome))
        {
            cache.remember(&file.path, key, text);
        }
        outcome
    }

    fn restore(
        &self,
        cached: CachedOutcome,
        file: &SourceFile,
        display: &Path,
        linted: bool,
        not_server_code: Option<NotServerCode>,
    ) -> Option<FileOutcome> {
        let diagnostics = cached
            .diagnostics
            .into_iter()
            .map(|diagnostic| diagnostic.into_diagnostic(self.rules))
            .collect::<Option<Vec<_>>>()?;
        let pending = cached
            .pending
            .into_iter()
            .map(|(helper, condition, diagnostic)| {
                Some(PendingFinding {
                    helper,
                    condition,
                    diagnostic: diagnostic.into_diagnostic(self.rules)?,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let panicked = cached
            .panicked
            .iter()
            .map(|id| Some(self.rules.find(id)?.id.as_str()))
            .collect::<Option<Vec<_>>>()?;
        if cached.enabled.len() != self.rules.len() {
            return None;
        }
        let mut notices = cached.notices;
        for notice in &mut notices {
            notice.path = display.to_path_buf();
        }
        Some(FileOutcome {
            path: file.path.clone(),
            display: display.to_path_buf(),
            language: file.language,
            linted,
            read: true,
            enabled: cached.enabled,
            suppressions: cached.suppressions,
            syntax_error: cached.syntax_error,
            panicked,
            diagnostics,
            text_hash: cached.text_hash,
            notices,
            facts: cached.facts,
            pending,
            not_server_code,
            included_by_key: false,
            import_shape: ImportShape::default(),
        })
    }
}

fn cached(outcome: &FileOutcome) -> CachedOutcome {
    CachedOutcome {
        enabled: outcome.enabled.clone(),
        suppressions: outcome.suppressions.clone(),
        syntax_error: outcome.syntax_error,
        panicked: outcome.panicked.iter().map(|id| id.to_string()).collect(),
        diagnostics: outcome
            .diagnostics
            .iter()
            .map(CachedDiagnostic::of)
            .collect(),
        text_hash: outcome.text_hash,
        notices: outcome.notices.clone(),
        facts: outcome.facts.clone(),
        pending: outcome
            .pending
            .iter()
            .map(|pending| {
                (
                    pending.helper.clone(),
                    pending.condition.clone(),
                    CachedDiagnostic::of(&pending.diagnostic),
                )
            })
            .collect(),
    }
}
