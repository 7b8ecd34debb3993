//! The runner: the top layer of the engine. It walks the paths, reads and parses each file,
//! runs the walk with the configured rules, gathers facts, builds the project view, runs the
//! project rules and the suppression checks, and sorts what they found.

use std::collections::{BTreeSet, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use lint500_core::{Diagnostic, Language};
use rayon::prelude::*;

use crate::columns::Columns;
use crate::config::Settings;
use crate::dispatch::{TreeLint, WalkPlan, lint_tree, panic_message};
use crate::facts::FileFacts;
use crate::grammar::parse;
use crate::notice::{Notice, NoticeKind};
use crate::paths::{absolute, display_path};
use crate::project::{
    Ecosystem, FactScope, FactsNeed, FileId, Manifests, Project, ProjectFileInput,
};
use crate::rule::{PendingFinding, ProjectContext, RuleSet};
use crate::scope::{ImportShape, NotServerCode, Packages, unreachable_files};
use crate::source::{Overlays, SourceError, normalize_line_breaks, read_source};
use crate::suppression::{IdleSuppression, SuppressionContext, Suppressions};
use crate::walk::{SourceFile, WalkOptions, collect_files};

mod cache;

/// How many imports away from a file with facts the facts of imported files are gathered.
const MAX_IMPORT_ROUNDS: usize = 8;

/// The facts of a file gathered after the per-file pass, because a file with facts imports it.
struct Gathered {
    facts: FileFacts,
    import_shape: ImportShape,
    /// The hash of the text they were gathered from.
    text_hash: u64,
}

/// Runs a rule set with resolved settings over files on disk or over text in memory.
pub struct Linter {
    rules: &'static RuleSet,
    settings: Settings,
    cwd: PathBuf,
    /// What linting each file gave last time, when the run keeps a cache.
    cache: Option<Box<cache::Cache>>,
}

#[derive(Clone, Copy, Debug)]
pub struct RunOptions {
    pub threads: usize,
    /// Read and parse only, run no rule: the floor the benchmark compares a full run with.
    pub parse_only: bool,
    /// Apply the excludes to files named explicitly too (pre-commit hooks, editors).
    pub force_exclude: bool,
}

/// The findings of one file, with its text so that reports can show code frames.
#[derive(Debug)]
pub struct FileFindings {
    /// Relative to the current folder when the file is under it.
    pub path: PathBuf,
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// Everything a run found, in a deterministic order whatever the thread count.
#[derive(Debug, Default)]
pub struct LintRun {
    /// Files with at least one finding, sorted by path; findings sorted by position and rule.
    pub files: Vec<FileFindings>,
    pub notices: Vec<Notice>,
    pub files_linted: usize,
    /// Every file asked for that could be read, sorted, with why it was not linted when it
    /// is not server code.
    pub scope: Vec<(PathBuf, Option<NotServerCode>)>,
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

/// One file for the per-file pass, with what the run decided about its folder.
#[derive(Clone, Copy)]
struct Job<'a> {
    file: &'a SourceFile,
    /// Whether the file was asked for, or is read only for its facts.
    linted: bool,
    scope: &'a FactScope,
    packages: &'a Packages,
}

/// What the per-file pass produced for one file.
struct FileOutcome {
    /// Absolute and lexically normalised.
    path: PathBuf,
    display: PathBuf,
    language: Language,
    /// Whether the file was asked for: its findings are reported. Other files of its package
    /// are read only for the facts that project rules need.
    linted: bool,
    /// Whether its text could be read.
    read: bool,
    /// The rules enabled for this file, by index.
    enabled: Vec<bool>,
    suppressions: Suppressions,
    /// Whether the file has a syntax error: a finding inside the broken code is lost, so its
    /// suppression may look unused.
    syntax_error: bool,
    /// The rules that panicked on the file: their findings here are incomplete.
    panicked: Vec<&'static str>,
    /// Findings after suppressions, with configured severities.
    diagnostics: Vec<Diagnostic>,
    /// A hash of the text the findings were made on: the text itself is not kept (the texts of
    /// all files with findings would be most of a run's memory) but read again for the report,
    /// and this tells whether it changed in between.
    text_hash: Option<u64>,
    notices: Vec<Notice>,
    facts: FileFacts,
    /// Findings that wait for the project view (see [`PendingFinding`]).
    pending: Vec<PendingFinding>,
    /// Why the file, asked for, is not linted: it is not server code.
    not_server_code: Option<NotServerCode>,
    /// Not server code, but of a class the configuration brings back in (a test, a
    /// migration): no entry point imports such files, and they are linted all the same.
    included_by_key: bool,
    import_shape: ImportShape,
}

impl FileOutcome {
    fn unread(
        file: &SourceFile,
        display: PathBuf,
        linted: bool,
        notices: Vec<Notice>,
    ) -> FileOutcome {
        FileOutcome {
            path: file.path.clone(),
            display,
            language: file.language,
            linted,
            read: false,
            enabled: Vec::new(),
            suppressions: Suppressions::default(),
            syntax_error: false,
            panicked: Vec::new(),
            diagnostics: Vec::new(),
            text_hash: None,
            notices,
            facts: FileFacts::default(),
            pending: Vec::new(),
            not_server_code: None,
            included_by_key: false,
            import_shape: ImportShape::default(),
        }
    }

    /// A file that was not linted, with a notice saying why when it was asked for.
    fn skipped(
        file: &SourceFile,
        display: PathBuf,
        linted: bool,
        why: &dyn std::fmt::Display,
    ) -> FileOutcome {
        let notices = if linted {
            vec![Notice {
                path: display.clone(),
                kind: NoticeKind::Skipped,
                message: format!("skipped: the file {why}"),
            }]
        } else {
            Vec::new()
        };
        FileOutcome::unread(file, display, linted, notices)
    }
}

impl Linter {
    pub fn new(rules: &'static RuleSet, settings: Settings, cwd: PathBuf) -> Linter {
        Linter {
            rules,
            settings,
            cwd,
            cache: None,
        }
    }

    /// Keeps what linting each file gives in the folder `dir` (created if need be), and reuses
    /// it for a file whose text, settings and place in the run are unchanged. Without a
    /// folder that can be created, runs go without a cache.
    pub fn with_cache(mut self, dir: &Path) -> Linter {
        self.cache = cache::Cache::open(dir).map(Box::new);
        self
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
            force_exclude: options.force_exclude,
        };
        let (linted, mut notices) = collect_files(paths, &walk, overlays);
        let project_rules = if options.parse_only {
            Vec::new()
        } else {
            self.enabled_project_rules()
        };
        // Finding the modules no server entry point reaches needs the facts of server packages.
        let reachability =
            !options.parse_only && !self.settings.includes.includes(NotServerCode::Unreachable);
        let mut dependencies: Vec<&'static str> = project_rules
            .iter()
            .flat_map(|&index| self.rules.rule(index).project_dependencies())
            .copied()
            .collect();
        if reachability {
            dependencies.extend(lint500_knowledge::servers::server_packages());
        }
        let mut scope = FactScope::new(dependencies);
        let mut manifests = Manifests::default();
        let mut packages = Packages::default();
        for file in &linted {
            scope.add(&file.path, file.language, &mut manifests);
            packages.add(&file.path, file.language, &mut manifests);
        }
        let context = self.package_files_outside(&linted, &scope, &mut manifests, &walk, overlays);
        for file in &context {
            scope.add(&file.path, file.language, &mut manifests);
        }
        let jobs: Vec<(&SourceFile, bool)> = linted
            .iter()
            .map(|file| (file, true))
            .chain(context.iter().map(|file| (file, false)))
            .collect();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(options.threads)
            .build()
            .expect("a thread pool of a positive size can be built");
        // One file per task: the largest files then spread over all threads.
        let mut outcomes: Vec<FileOutcome> = pool.install(|| {
            jobs.par_iter()
                .with_max_len(1)
                .map(|&(file, linted)| {
                    let job = Job {
                        file,
                        linted,
                        scope: &scope,
                        packages: &packages,
                    };
                    self.lint_file(&job, options.parse_only, overlays)
                })
                .collect()
        });
        if !options.parse_only {
            // A handler by its shape, in a package that names no framework: the package's
            // other files are read as for one that does, even when only that file is linted.
            let more =
                self.shaped_package_files(&outcomes, &scope, &mut manifests, &walk, overlays);
            for file in &more {
                scope.add(&file.path, file.language, &mut manifests);
            }
            let more: Vec<FileOutcome> = pool.install(|| {
                more.par_iter()
                    .with_max_len(1)
                    .map(|file| {
                        let job = Job {
                            file,
                            linted: false,
                            scope: &scope,
                            packages: &packages,
                        };
                        self.lint_file(&job, false, overlays)
                    })
                    .collect()
            });
            outcomes.extend(more);
            if outcomes.iter().any(|outcome| !outcome.facts.is_empty()) {
                self.gather_imported_facts(&mut outcomes, &mut manifests, &pool, overlays);
            }
        }
        let has_facts = outcomes.iter().any(|outcome| !outcome.facts.is_empty());
        let has_pending = outcomes.iter().any(|outcome| !outcome.pending.is_empty());
        if !project_rules.is_empty() || (has_facts && (reachability || has_pending)) {
            notices.extend(self.check_project(
                &project_rules,
                &mut outcomes,
                manifests,
                reachability,
            ));
        }
        let project_ran = !project_rules.is_empty();
        for outcome in &mut outcomes {
            self.check_suppressions(outcome, project_ran);
        }

        let mut run = LintRun::default();
        for mut outcome in outcomes {
            if outcome.linted && outcome.read {
                run.scope
                    .push((outcome.display.clone(), outcome.not_server_code));
                run.files_linted += usize::from(outcome.not_server_code.is_none());
            }
            notices.append(&mut outcome.notices);
            if outcome.diagnostics.is_empty() {
                continue;
            }
            match self.text_for_report(&outcome, overlays) {
                Ok(source) => {
                    let mut diagnostics = outcome.diagnostics;
                    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
                    diagnostics.dedup();
                    run.files.push(FileFindings {
                        path: outcome.display,
                        source,
                        diagnostics,
                    });
                }
                Err(message) => notices.push(Notice {
                    path: outcome.display,
                    kind: NoticeKind::Skipped,
                    message,
                }),
            }
        }
        for notice in &mut notices {
            notice.path = display_path(&self.cwd, &absolute(&self.cwd, &notice.path));
        }
        notices.sort();
        notices.dedup();
        run.notices = notices;
        run.scope.sort();
        run.files.sort_by(|a, b| a.path.cmp(&b.path));
        if let Some(cache) = &self.cache {
            cache.save();
        }
        run
    }

    /// Indices of the enabled rules that look at the whole project.
    fn enabled_project_rules(&self) -> Vec<usize> {
        (0..self.rules.len())
            .filter(|&index| {
                self.settings.enabled[index]
                    && !self.rules.rule(index).project_dependencies().is_empty()
            })
            .collect()
    }

    /// The other files of the packages the linted files belong to: project rules see a whole
    /// package even when only some of its files are linted (pre-commit, editors).
    fn package_files_outside(
        &self,
        linted: &[SourceFile],
        scope: &FactScope,
        manifests: &mut Manifests,
        walk: &WalkOptions,
        overlays: &Overlays,
    ) -> Vec<SourceFile> {
        // Files without a manifest above them have no package to complete.
        let roots: BTreeSet<PathBuf> = linted
            .iter()
            .filter(|file| scope.need(&file.path, file.language) == FactsNeed::Yes)
            .filter_map(|file| manifests.nearest(file.path.parent()?, Ecosystem::of(file.language)))
            .collect();
        if roots.is_empty() {
            return Vec::new();
        }
        let roots: Vec<PathBuf> = roots.into_iter().collect();
        let (found, _) = collect_files(&roots, walk, overlays);
        let asked: HashSet<&Path> = linted.iter().map(|file| file.path.as_path()).collect();
        found
            .into_iter()
            .filter(|file| !asked.contains(file.path.as_path()))
            .collect()
    }

    fn lint_file(&self, job: &Job<'_>, parse_only: bool, overlays: &Overlays) -> FileOutcome {
        let Job {
            file,
            linted,
            scope,
            packages,
        } = *job;
        let display = display_path(&self.cwd, &file.path);
        match self.text_of(&file.path, overlays) {
            Ok(source) if parse_only => match parse(&source, file.language) {
                Ok(_) => FileOutcome {
                    read: true,
                    ..FileOutcome::unread(file, display, linted, Vec::new())
                },
                Err(refusal) => FileOutcome::skipped(file, display, linted, &refusal),
            },
            Ok(source) => {
                let facts = scope.wants_facts(&file.path, file.language, &source);
                let why = packages.not_server_code(&file.path, &display, file.language, &source);
                let included = why.is_some_and(|why| self.settings.includes.includes(why));
                let not_server_code = why.filter(|_| !included);
                let mut outcome =
                    self.lint_text_cached(file, display, source, linted, facts, not_server_code);
                outcome.included_by_key = included;
                outcome
            }
            Err(err) => FileOutcome::skipped(file, display, linted, &err),
        }
    }

    /// The files of the packages of linted files that have facts only because they export a
    /// handler by its shape (their manifest names no framework), not linted nor read yet.
    fn shaped_package_files(
        &self,
        outcomes: &[FileOutcome],
        scope: &FactScope,
        manifests: &mut Manifests,
        walk: &WalkOptions,
        overlays: &Overlays,
    ) -> Vec<SourceFile> {
        let roots: BTreeSet<PathBuf> = outcomes
            .iter()
            .filter(|outcome| {
                outcome.linted
                    && !outcome.facts.is_empty()
                    && scope.need(&outcome.path, outcome.language) != FactsNeed::Yes
            })
            .filter_map(|outcome| {
                manifests.nearest(outcome.path.parent()?, Ecosystem::of(outcome.language))
            })
            .collect();
        if roots.is_empty() {
            return Vec::new();
        }
        let roots: Vec<PathBuf> = roots.into_iter().collect();
        let (found, _) = collect_files(&roots, walk, overlays);
        let known: HashSet<&Path> = outcomes
            .iter()
            .map(|outcome| outcome.path.as_path())
            .collect();
        found
            .into_iter()
            .filter(|file| !known.contains(file.path.as_path()))
            .collect()
    }

    /// Gathers the facts of the files that files with facts import, and of what those import
    /// in turn: a serverless handler's package names no framework (Lambda code depends on
    /// none), nor does the workspace package or aliased module that holds its database code,
    /// yet the project rules follow the handler there. Files are resolved by the project view
    /// (relative imports, path aliases, package imports, workspace packages, Python modules).
    fn gather_imported_facts(
        &self,
        outcomes: &mut [FileOutcome],
        manifests: &mut Manifests,
        pool: &rayon::ThreadPool,
        overlays: &Overlays,
    ) {
        let root = project_root(&self.cwd);
        let mut tried: HashSet<FileId> = HashSet::new();
        // Each round reaches one more import away; a chain longer than this is left out.
        for _ in 0..MAX_IMPORT_ROUNDS {
            let files = project_inputs(outcomes);
            let project = Project::new(files, &root, manifests);
            let mut wanted: Vec<FileId> = project
                .files()
                .filter(|(_, file)| !file.facts.is_empty())
                .flat_map(|(id, _)| project.imported_files(id))
                .filter(|&target| {
                    project.file(target).facts.is_empty()
                        && outcomes[target].read
                        && tried.insert(target)
                })
                .collect();
            wanted.sort_unstable();
            for (outcome, facts) in outcomes.iter_mut().zip(project.into_facts()) {
                outcome.facts = facts;
            }
            if wanted.is_empty() {
                return;
            }
            let gathered: Vec<(FileId, Option<Gathered>)> = pool.install(|| {
                wanted
                    .par_iter()
                    .with_max_len(1)
                    .map(|&id| (id, self.facts_of(&outcomes[id], overlays)))
                    .collect()
            });
            for (id, gathered) in gathered {
                if let Some(gathered) = gathered {
                    let outcome = &mut outcomes[id];
                    outcome.facts = gathered.facts;
                    outcome.import_shape = gathered.import_shape;
                    // Project rules may now report in this file: the report reads it again.
                    outcome.text_hash.get_or_insert(gathered.text_hash);
                }
            }
        }
    }

    /// The facts of a file read before without them.
    fn facts_of(&self, outcome: &FileOutcome, overlays: &Overlays) -> Option<Gathered> {
        let source = self.text_of(&outcome.path, overlays).ok()?;
        let tree = parse(&source, outcome.language).ok()?;
        let enabled = vec![false; self.rules.len()];
        let plan = WalkPlan {
            rules: self.rules,
            enabled: &enabled,
            options: &self.settings.options,
            collect_facts: true,
        };
        Some(Gathered {
            facts: lint_tree(&source, &tree, outcome.language, &plan).facts,
            import_shape: ImportShape::of(&source, outcome.language),
            text_hash: text_hash(&source),
        })
    }

    /// Lints `source` as the contents of the file at `path`, on its own: no project rules.
    pub fn lint_source(
        &self,
        path: &Path,
        mut source: String,
        language: Language,
    ) -> (Vec<Diagnostic>, Vec<Notice>) {
        normalize_line_breaks(&mut source);
        let file = SourceFile {
            path: absolute(&self.cwd, path),
            language,
        };
        let display = display_path(&self.cwd, &file.path);
        let mut outcome = self.lint_text(&file, display, source, true, false, None);
        self.check_suppressions(&mut outcome, false);
        outcome
            .diagnostics
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        (outcome.diagnostics, outcome.notices)
    }

    fn lint_text(
        &self,
        file: &SourceFile,
        display: PathBuf,
        source: String,
        linted: bool,
        facts: bool,
        not_server_code: Option<NotServerCode>,
    ) -> FileOutcome {
        let tree = match parse(&source, file.language) {
            Ok(tree) => tree,
            Err(refusal) => return FileOutcome::skipped(file, display, linted, &refusal),
        };
        // A file read only for its facts runs no rule of its own, nor one that is not server
        // code.
        let linted_here = linted && not_server_code.is_none();
        let import_shape = if facts {
            ImportShape::of(&source, file.language)
        } else {
            ImportShape::default()
        };
        let enabled = if linted_here {
            self.settings.enabled_for(&file.path)
        } else {
            vec![false; self.rules.len()]
        };
        let plan = WalkPlan {
            rules: self.rules,
            enabled: &enabled,
            options: &self.settings.options,
            collect_facts: facts,
        };
        let lint = lint_tree(&source, &tree, file.language, &plan);
        drop(tree);
        let TreeLint {
            diagnostics,
            mut suppressions,
            panics,
            first_syntax_error,
            facts,
            pending,
        } = lint;
        if !suppressions.is_empty() {
            suppressions.locate(&Columns::new(&source));
        }

        let notice = |kind, message| Notice {
            path: display.clone(),
            kind,
            message,
        };
        let mut notices = Vec::new();
        if linted_here && let Some(at) = first_syntax_error {
            notices.push(notice(
                NoticeKind::SyntaxError,
                format!(
                    "syntax error at {}:{}; the rest of the file was linted, nothing is reported inside the broken code",
                    at.line, at.column
                ),
            ));
        }
        let panicked = panics.iter().map(|(rule, _)| *rule).collect();
        for (rule, message) in panics {
            notices.push(notice(
                NoticeKind::InternalError,
                format!("internal error: rule `{rule}` panicked ({message}); its findings for this file are incomplete"),
            ));
        }

        let mut outcome = FileOutcome {
            path: file.path.clone(),
            display,
            language: file.language,
            linted,
            read: true,
            enabled,
            suppressions,
            syntax_error: first_syntax_error.is_some(),
            panicked,
            diagnostics: Vec::new(),
            text_hash: None,
            notices,
            facts,
            pending: if linted_here { pending } else { Vec::new() },
            not_server_code,
            included_by_key: false,
            import_shape,
        };
        for diagnostic in diagnostics {
            self.accept(&mut outcome, diagnostic);
        }
        // Project rules may report in a file with facts, even one without findings of its own.
        // The rule about suppression comments reports once every other rule is done.
        if !outcome.diagnostics.is_empty()
            || !outcome.suppressions.is_empty()
            || !outcome.facts.is_empty()
            || !outcome.pending.is_empty()
        {
            outcome.text_hash = Some(text_hash(&source));
        }
        outcome
    }

    /// Keeps a finding unless the file suppresses it or does not run its rule. A severity set
    /// in the configuration applies to all the rule's findings; otherwise a finding keeps its
    /// own (a rule's findings default to its document's severity, and some are sharper).
    fn accept(&self, outcome: &mut FileOutcome, mut diagnostic: Diagnostic) {
        let Some(index) = self.rules.index_of(diagnostic.rule) else {
            return;
        };
        if !outcome.linted
            || !outcome.enabled.get(index).copied().unwrap_or(false)
            || outcome
                .suppressions
                .suppress(diagnostic.rule, diagnostic.span.start.line)
        {
            return;
        }
        if self.settings.severity_configured[index] {
            diagnostic.severity = self.settings.severity[index];
        }
        outcome.diagnostics.push(diagnostic);
    }

    /// Once every rule has reported in a linted file: hands the rules its suppression
    /// comments name that suppressed nothing to the rules about suppressions
    /// (`unused-ignore`). A rule that did not run on the file (not selected, ignored for the
    /// file, a project rule when `project_ran` is false, one that panicked) is left out, and
    /// so is every rule in a file with syntax errors, where findings in the broken code are
    /// lost. Without a rule about suppressions, unknown rule ids are notices.
    fn check_suppressions(&self, outcome: &mut FileOutcome, project_ran: bool) {
        if !outcome.linted
            || !outcome.read
            || outcome.not_server_code.is_some()
            || outcome.suppressions.is_empty()
        {
            return;
        }
        let enabled = |index: usize| outcome.enabled.get(index).copied().unwrap_or(false);
        let checkers: Vec<usize> = (0..self.rules.len())
            .filter(|&index| enabled(index) && self.rules.rule(index).checks_suppressions())
            .collect();
        if checkers.is_empty() {
            let unknown: Vec<Notice> = outcome
                .suppressions
                .named_rules()
                .filter(|(_, rule)| self.rules.index_of(rule).is_none())
                .map(|(line, rule)| Notice {
                    path: outcome.display.clone(),
                    kind: NoticeKind::UnknownRuleInSuppression,
                    message: format!(
                        "line {line}: suppression comment names unknown rule `{rule}`"
                    ),
                })
                .collect();
            outcome.notices.extend(unknown);
            return;
        }
        let checked = |rule: &str| {
            self.rules.index_of(rule).is_some_and(|index| {
                enabled(index)
                    && !outcome.syntax_error
                    && !outcome.panicked.contains(&rule)
                    && (project_ran || self.rules.rule(index).project_dependencies().is_empty())
            })
        };
        let idle = outcome
            .suppressions
            .idle(|rule| self.rules.index_of(rule).is_some(), checked);
        if idle.is_empty() {
            return;
        }
        let mut found = Vec::new();
        for index in checkers {
            let meta = self.rules.meta(index);
            // A comment that names the rule about suppressions is never reported by it.
            let idle: Vec<IdleSuppression> = idle
                .iter()
                .filter(|suppression| suppression.rule != meta.id)
                .cloned()
                .collect();
            let mut ctx = SuppressionContext {
                meta,
                diagnostics: &mut found,
            };
            let checked = panic::catch_unwind(AssertUnwindSafe(|| {
                self.rules.rule(index).check_suppressions(&idle, &mut ctx)
            }));
            if let Err(payload) = checked {
                outcome.notices.push(Notice {
                    path: outcome.display.clone(),
                    kind: NoticeKind::InternalError,
                    message: format!(
                        "internal error: rule `{}` panicked ({})",
                        meta.id,
                        panic_message(payload.as_ref())
                    ),
                });
            }
        }
        for diagnostic in found {
            self.accept(outcome, diagnostic);
        }
    }

    /// Runs the project rules over every file's facts and adds their findings to the linted
    /// files; returns notices for rules that panicked.
    fn check_project(
        &self,
        rules: &[usize],
        outcomes: &mut [FileOutcome],
        mut manifests: Manifests,
        reachability: bool,
    ) -> Vec<Notice> {
        let files = project_inputs(outcomes);
        let root = project_root(&self.cwd);
        let project = Project::new(files, &root, &mut manifests);
        if reachability {
            let shapes: Vec<ImportShape> = outcomes
                .iter()
                .map(|outcome| outcome.import_shape)
                .collect();
            for (id, why) in unreachable_files(&project, &shapes) {
                let outcome = &mut outcomes[id];
                if outcome.linted && outcome.not_server_code.is_none() && !outcome.included_by_key {
                    outcome.not_server_code = Some(why);
                    outcome.enabled.fill(false);
                    outcome.diagnostics.clear();
                    outcome
                        .notices
                        .retain(|notice| notice.kind == NoticeKind::InternalError);
                }
            }
        }
        let mut found: Vec<(FileId, Diagnostic)> = Vec::new();
        let mut notices = Vec::new();
        for &index in rules {
            let meta = self.rules.meta(index);
            let mut ctx = ProjectContext {
                meta,
                diagnostics: &mut found,
            };
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
                self.rules.rule(index).check_project(&project, &mut ctx)
            }));
            if let Err(payload) = outcome {
                notices.push(Notice {
                    path: root.clone(),
                    kind: NoticeKind::InternalError,
                    message: format!(
                        "internal error: rule `{}` panicked ({})",
                        meta.id,
                        panic_message(payload.as_ref())
                    ),
                });
            }
        }
        // Findings that hold if a helper of another module returns the error's message.
        for (file, outcome) in outcomes.iter_mut().enumerate() {
            for pending in std::mem::take(&mut outcome.pending) {
                if pending.holds(&project, file) {
                    found.push((file, pending.into_diagnostic()));
                }
            }
        }
        drop(project);
        for (file, diagnostic) in found {
            let Some(outcome) = outcomes.get_mut(file) else {
                continue;
            };
            self.accept(outcome, diagnostic);
        }
        notices
    }

    /// The text of the file at `path`: its unsaved buffer or else the file on disk, with the
    /// line breaks every parse expects.
    fn text_of(&self, path: &Path, overlays: &Overlays) -> Result<String, SourceError> {
        match overlays.get(path) {
            Some(text) => {
                let mut text = text.clone();
                normalize_line_breaks(&mut text);
                Ok(text)
            }
            None => read_source(path, self.settings.max_file_size),
        }
    }

    /// The text of a file with findings, read again for the report; an error when it cannot
    /// be read or is no longer the text that was linted.
    fn text_for_report(
        &self,
        outcome: &FileOutcome,
        overlays: &Overlays,
    ) -> Result<String, String> {
        let text = self
            .text_of(&outcome.path, overlays)
            .map_err(|err| format!("skipped: the file {err}"))?;
        if outcome.text_hash != Some(text_hash(&text)) {
            return Err(
                "skipped: the file changed while it was being linted; lint it again".into(),
            );
        }
        Ok(text)
    }
}

fn text_hash(text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// Where files without a package belong: the enclosing git repository, or the current folder.
fn project_root(cwd: &Path) -> PathBuf {
    cwd.ancestors()
        .find(|candidate| candidate.join(".git").exists())
        .unwrap_or(cwd)
        .to_path_buf()
}

/// The project view's input: each file's path, language and facts, the facts moved out of its
/// outcome into the view.
fn project_inputs(outcomes: &mut [FileOutcome]) -> Vec<ProjectFileInput> {
    outcomes
        .iter_mut()
        .map(|outcome| ProjectFileInput {
            path: outcome.path.clone(),
            display: outcome.display.clone(),
            language: outcome.language,
            facts: std::mem::take(&mut outcome.facts),
        })
        .collect()
}
