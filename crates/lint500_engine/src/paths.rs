//! Path handling shared by walking and configuration: lexical normalisation, the display path
//! of a file, and gitignore-like glob lists.

use std::path::{Component, Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use lint500_core::printable;

/// `base.join(path)` with `.` and `..` resolved lexically (no file system access, so paths
/// through symlinks keep the spelling the user gave).
pub(crate) fn absolute(base: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in base.join(path).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// How a file is shown in reports: relative to the current directory when it is under it.
pub(crate) fn display_path(cwd: &Path, absolute: &Path) -> PathBuf {
    absolute
        .strip_prefix(cwd)
        .map_or_else(|_| absolute.to_path_buf(), Path::to_path_buf)
}

/// A list of globs matched the way `.gitignore` lines are: a pattern without `/` matches a
/// file or folder name anywhere (`*.test.js`, `fixtures`); a pattern with `/` matches the path
/// relative to the base folder (`src/legacy/**`). A folder's match covers everything in it.
#[derive(Clone, Debug)]
pub struct GlobList {
    base: PathBuf,
    by_name: GlobSet,
    by_path: GlobSet,
}

impl GlobList {
    pub fn new<'a>(
        base: &Path,
        patterns: impl IntoIterator<Item = &'a str>,
    ) -> Result<GlobList, String> {
        let mut by_name = GlobSetBuilder::new();
        let mut by_path = GlobSetBuilder::new();
        for pattern in patterns {
            let trimmed = pattern.trim_end_matches('/');
            let anchored = trimmed.contains('/');
            let glob = GlobBuilder::new(trimmed.trim_start_matches("./").trim_start_matches('/'))
                .literal_separator(true)
                .build()
                .map_err(|err| format!("invalid glob `{}`: {}", printable(pattern), err.kind()))?;
            if anchored {
                by_path.add(glob)
            } else {
                by_name.add(glob)
            };
        }
        let build = |builder: GlobSetBuilder| builder.build().map_err(|err| err.to_string());
        Ok(GlobList {
            base: base.to_path_buf(),
            by_name: build(by_name)?,
            by_path: build(by_path)?,
        })
    }

    pub fn empty() -> GlobList {
        GlobList {
            base: PathBuf::new(),
            by_name: GlobSet::empty(),
            by_path: GlobSet::empty(),
        }
    }

    /// Whether the name of `path` itself matches (used while walking, where the folders
    /// above were already checked).
    pub(crate) fn matches_entry(&self, absolute: &Path) -> bool {
        absolute
            .file_name()
            .is_some_and(|name| self.by_name.is_match(Path::new(name)))
            || absolute
                .strip_prefix(&self.base)
                .is_ok_and(|relative| self.by_path.is_match(relative))
    }

    /// Whether `path` or any folder above it (below the base) matches.
    pub fn matches(&self, absolute: &Path) -> bool {
        if self.by_name.is_empty() && self.by_path.is_empty() {
            return false;
        }
        let relative = absolute.strip_prefix(&self.base).unwrap_or(absolute);
        let mut prefix = PathBuf::new();
        relative.components().any(|component| {
            prefix.push(component);
            self.by_name.is_match(Path::new(component.as_os_str()))
                || self.by_path.is_match(&prefix)
        })
    }
}

/// Default exclusions: dependencies, build output, virtual environments, caches, minified code.
pub(crate) const DEFAULT_EXCLUDES: &[&str] = &[
    "node_modules",
    "dist",
    "build",
    "coverage",
    ".venv",
    "venv",
    "__pycache__",
    ".git",
    "*.min.js",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_lexically() {
        assert_eq!(
            absolute(Path::new("/a/b"), Path::new("../c/./d.js")),
            PathBuf::from("/a/c/d.js")
        );
        assert_eq!(
            absolute(Path::new("/a"), Path::new("/x/y")),
            PathBuf::from("/x/y")
        );
    }

    #[test]
    fn matches_like_gitignore() {
        let list = GlobList::new(
            Path::new("/p"),
            ["*.test.js", "fixtures", "src/legacy/**", "gen/"],
        )
        .unwrap();
        assert!(list.matches(Path::new("/p/src/a.test.js")));
        assert!(list.matches(Path::new("/p/x/fixtures/deep/a.js")));
        assert!(list.matches(Path::new("/p/src/legacy/a/b.js")));
        assert!(list.matches(Path::new("/p/gen/a.js")));
        assert!(!list.matches(Path::new("/p/lib/src/legacy/a.js")));
        assert!(!list.matches(Path::new("/p/src/a.js")));
        assert!(!list.matches(Path::new("/p/src/fixtures.js")));
    }
}
