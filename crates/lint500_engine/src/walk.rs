//! The walk over the file system: from the paths given to the files to lint. Below the runner,
//! it knows paths, sources and notices only.

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

use ignore::{WalkBuilder, WalkState};
use lint500_core::Language;

use crate::notice::{Notice, NoticeKind};
use crate::paths::{DEFAULT_EXCLUDES, GlobList, absolute};
use crate::source::Overlays;

/// How to walk the paths given on the command line.
pub struct WalkOptions {
    pub cwd: PathBuf,
    pub threads: usize,
    /// Globs that keep files and folders out of folder walks.
    pub excludes: Vec<GlobList>,
    /// Whether the excludes (the defaults included) also apply to paths named explicitly:
    /// pre-commit and editors name every file, excluded or not.
    pub force_exclude: bool,
}

/// A file to lint: its absolute (lexically normalised) path and language.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceFile {
    pub path: PathBuf,
    pub language: Language,
}

/// Expands `paths` into the files to lint, sorted and without duplicates. Folders are walked in
/// parallel honouring `.gitignore`, `.ignore`, git's global and repository excludes, hidden
/// files, the default excludes and `options.excludes`; a file named explicitly is always taken
/// (unless `options.force_exclude` and an exclude matches it), also when it exists only as an
/// unsaved buffer in `overlays`.
pub fn collect_files(
    paths: &[PathBuf],
    options: &WalkOptions,
    overlays: &Overlays,
) -> (Vec<SourceFile>, Vec<Notice>) {
    let mut files = Vec::new();
    let mut notices = Vec::new();
    let mut folders = Vec::new();
    for given in paths {
        let path = absolute(&options.cwd, given);
        if options.force_exclude
            && (default_excludes().matches(&path)
                || options.excludes.iter().any(|globs| globs.matches(&path)))
        {
            continue;
        }
        let metadata = std::fs::metadata(&path);
        if metadata.is_err() && overlays.contains_key(&path) {
            notices.extend(explicit_file(path, given, &mut files));
            continue;
        }
        match metadata {
            Err(err) => notices.push(Notice {
                path: given.clone(),
                kind: NoticeKind::MissingPath,
                message: format!("cannot be linted: {err}"),
            }),
            Ok(meta) if meta.is_dir() => folders.push(path),
            Ok(_) => notices.extend(explicit_file(path, given, &mut files)),
        }
    }
    if !folders.is_empty() {
        walk_folders(&folders, options, &mut files, &mut notices);
    }
    files.sort();
    files.dedup();
    (files, notices)
}

/// Dependencies, build output, virtual environments and minified code, which no walk enters.
fn default_excludes() -> &'static GlobList {
    static DEFAULTS: LazyLock<GlobList> = LazyLock::new(|| {
        GlobList::new(Path::new("/"), DEFAULT_EXCLUDES.iter().copied()).expect("valid globs")
    });
    &DEFAULTS
}

/// Takes a file named on the command line, or says why it cannot be linted.
fn explicit_file(path: PathBuf, given: &Path, files: &mut Vec<SourceFile>) -> Option<Notice> {
    match Language::from_path(&path) {
        Some(language) => {
            files.push(SourceFile { path, language });
            None
        }
        None => Some(Notice {
            path: given.to_path_buf(),
            kind: NoticeKind::Skipped,
            message: "skipped: not a JavaScript, TypeScript or Python file".into(),
        }),
    }
}

fn walk_folders(
    folders: &[PathBuf],
    options: &WalkOptions,
    files: &mut Vec<SourceFile>,
    notices: &mut Vec<Notice>,
) {
    let mut builder = WalkBuilder::new(&folders[0]);
    for folder in &folders[1..] {
        builder.add(folder);
    }
    let defaults = default_excludes();
    let excludes = Arc::new(options.excludes.clone());
    builder
        .threads(options.threads)
        .hidden(true)
        .require_git(false)
        .filter_entry(move |entry| {
            let path = entry.path();
            entry.depth() == 0
                || !(defaults.matches_entry(path)
                    || excludes.iter().any(|globs| globs.matches_entry(path)))
        });

    let found = Mutex::new((Vec::new(), Vec::new()));
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            let mut found = found
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            match entry {
                Ok(entry) if entry.file_type().is_some_and(|kind| kind.is_file()) => {
                    if let Some(language) = Language::from_path(entry.path()) {
                        found.0.push(SourceFile {
                            path: entry.into_path(),
                            language,
                        });
                    }
                }
                Ok(_) => {}
                Err(err) => found.1.push(Notice {
                    path: err_path(&err).unwrap_or_default(),
                    kind: NoticeKind::Skipped,
                    message: format!("skipped: {err}"),
                }),
            }
            WalkState::Continue
        })
    });
    let (walked, problems) = found
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    files.extend(walked);
    notices.extend(problems);
}

fn err_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            err_path(err)
        }
        _ => None,
    }
}
