use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lint500_core::{Diagnostic, Language};
use rayon::prelude::*;

use crate::config::Settings;
use crate::grammar::parse;
use crate::model::lint_tree;
use crate::paths::{absolute, display_path};
use crate::rule::RuleSet;
use crate::source::read_source;
use crate::walk::{SourceFile, WalkOptions, collect_files};

/// Unsaved editor buffers by absolute path: their text stands in for the file on disk.
pub type Overlays = HashMap<PathBuf, String>;

/// Runs a rule set with resolved settings over files on disk or over text in memory.
pub struct Linter {
    rules: &'static RuleSet,
    settings: Settings,
    cwd: PathBuf,
}

#[derive(Clone, Copy, Debug)]
pub struct RunOptions {
    pub threads: usize,
    /// Read and parse only, run no rule: the floor the benchmark compares a full run with.
    pub parse_only: bool,
}

/// The findings of one file, with its text so that reports can show code frames.
#[derive(Debug)]
pub struct FileFindings {
    /// Relative to the current folder when the file is under it.
    pub path: PathBuf,
    pub source: Arc<str>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Something the run has to tell about a path besides findings.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Notice {
    pub path: PathBuf,
    pub kind: NoticeKind,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoticeKind {
    /// A path given on the command line that does not exist: the run fails.
    MissingPath,
    /// A rule panicked on the file: the run fails, the other rules' findings stay.
    InternalError,
    /// The file was not linted (unreadable, binary, too large, not UTF-8, not ours).
    Skipped,
    /// The file has syntax errors; what parsed was linted.
    SyntaxError,
    /// A suppression comment names a rule that does not exist.
    UnknownRuleInSuppression,
}

impl NoticeKind {
    /// Whether this notice makes the run fail (exit code 2).
    pub fn is_error(self) -> bool {
        matches!(self, NoticeKind::MissingPath | NoticeKind::InternalError)
    }
}

/// Everything a run found, in a deterministic order whatever the thread count.
#[derive(Debug, Default)]
pub struct LintRun {
    /// Files with at least one finding, sorted by path; findings sorted by position and rule.
    pub files: Vec<FileFindings>,
    pub notices: Vec<Notice>,
    pub files_linted: usize,
}

impl LintRun {
    pub fn diagnostics(&self) -> impl Iterator<Item = (&FileFindings, &Diagnostic)> {
        self.files.iter().flat_map(|file| {
            file.diagnostics
                .iter()
                .map(move |diagnostic| (file, diagnostic))
        })
    }

    pub fn has_errors(&self) -> bool {
        self.notices.iter().any(|notice| notice.kind.is_error())
    }
}

/// The result of linting one file.
struct FileOutcome {
    findings: Option<FileFindings>,
    notices: Vec<Notice>,
    linted: bool,
}

impl Linter {
    pub fn new(rules: &'static RuleSet, settings: Settings, cwd: PathBuf) -> Linter {
        Linter {
            rules,
            settings,
            cwd,
        }
    }

    pub fn rules(&self) -> &'static RuleSet {
        self.rules
    }

    /// Lints the files under `paths` on `options.threads` threads.
    pub fn run(&self, paths: &[PathBuf], options: RunOptions) -> LintRun {
        self.run_with_overlays(paths, options, &Overlays::new())
    }

    /// Like [`Linter::run`], reading the text of the files in `overlays` (unsaved editor
    /// buffers, by absolute path) from there instead of from disk.
    pub fn run_with_overlays(
        &self,
        paths: &[PathBuf],
        options: RunOptions,
        overlays: &Overlays,
    ) -> LintRun {
        let walk = WalkOptions {
            cwd: self.cwd.clone(),
            threads: options.threads,
            excludes: self.settings.excludes.clone(),
        };
        let (files, mut notices) = collect_files(paths, &walk, overlays);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(options.threads)
            .build()
            .expect("a thread pool of a positive size can be built");
        // One file per task: the largest files then spread over all threads.
        let outcomes: Vec<FileOutcome> = pool.install(|| {
            files
                .par_iter()
                .with_max_len(1)
                .map(|file| self.lint_file(file, options.parse_only, overlays))
                .collect()
        });
        let mut run = LintRun::default();
        for outcome in outcomes {
            run.files.extend(outcome.findings);
            notices.extend(outcome.notices);
            run.files_linted += usize::from(outcome.linted);
        }
        for notice in &mut notices {
            notice.path = display_path(&self.cwd, &absolute(&self.cwd, &notice.path));
        }
        notices.sort();
        run.notices = notices;
        run.files.sort_by(|a, b| a.path.cmp(&b.path));
        run
    }

    fn lint_file(&self, file: &SourceFile, parse_only: bool, overlays: &Overlays) -> FileOutcome {
        let display = display_path(&self.cwd, &file.path);
        let source = match overlays.get(&file.path) {
            Some(text) => Ok(text.clone()),
            None => read_source(&file.path, self.settings.max_file_size),
        };
        match source {
            Ok(source) if parse_only => {
                parse(&source, file.language);
                FileOutcome {
                    findings: None,
                    notices: Vec::new(),
                    linted: true,
                }
            }
            Ok(source) => self.lint_text(&file.path, &display, source, file.language),
            Err(err) => FileOutcome {
                findings: None,
                notices: vec![Notice {
                    path: display,
                    kind: NoticeKind::Skipped,
                    message: format!("skipped: the file {err}"),
                }],
                linted: false,
            },
        }
    }

    /// Lints `source` as the contents of the file at `path` (absolute): used for files read
    /// from disk and for unsaved editor buffers alike.
    pub fn lint_source(
        &self,
        path: &Path,
        source: String,
        language: Language,
    ) -> (Vec<Diagnostic>, Vec<Notice>) {
        let path = absolute(&self.cwd, path);
        let display = display_path(&self.cwd, &path);
        let outcome = self.lint_text(&path, &display, source, language);
        let diagnostics = outcome
            .findings
            .map(|found| found.diagnostics)
            .unwrap_or_default();
        (diagnostics, outcome.notices)
    }

    fn lint_text(
        &self,
        path: &Path,
        display: &Path,
        source: String,
        language: Language,
    ) -> FileOutcome {
        let tree = parse(&source, language);
        let enabled = self.settings.enabled_for(path);
        let lint = lint_tree(&source, &tree, language, self.rules, &enabled);
        drop(tree);

        let notice = |kind, message| Notice {
            path: display.to_path_buf(),
            kind,
            message,
        };
        let mut notices = Vec::new();
        if let Some(at) = lint.first_syntax_error {
            notices.push(notice(
                NoticeKind::SyntaxError,
                format!(
                    "syntax error at {}:{}; the rest of the file was linted, nothing is reported inside the broken code",
                    at.line, at.column
                ),
            ));
        }
        for (rule, message) in lint.panics {
            notices.push(notice(
                NoticeKind::InternalError,
                format!("internal error: rule `{rule}` panicked ({message}); its findings for this file are incomplete"),
            ));
        }
        for (line, rule) in lint.suppressions.named_rules() {
            if self.rules.index_of(rule).is_none() {
                notices.push(notice(
                    NoticeKind::UnknownRuleInSuppression,
                    format!("line {line}: suppression comment names unknown rule `{rule}`"),
                ));
            }
        }

        let mut diagnostics: Vec<Diagnostic> = lint
            .diagnostics
            .into_iter()
            .filter(|diagnostic| {
                !lint
                    .suppressions
                    .is_suppressed(diagnostic.rule, diagnostic.span.start.line)
            })
            .collect();
        for diagnostic in &mut diagnostics {
            if let Some(index) = self.rules.index_of(diagnostic.rule) {
                diagnostic.severity = self.settings.severity[index];
            }
        }
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let findings = (!diagnostics.is_empty()).then(|| FileFindings {
            path: display.to_path_buf(),
            source: Arc::from(source),
            diagnostics,
        });
        FileOutcome {
            findings,
            notices,
            linted: true,
        }
    }
}
