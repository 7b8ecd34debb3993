//! Scratch projects on disk and a way to run the lint500 binary in them.

#![allow(dead_code)] // each test file uses its own part of this module

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A swallowed error in JavaScript: one `swallowed-catch` finding on line 3.
pub const SWALLOWED_JS: &str =
    "function load() {\n  try {\n    return read();\n  } catch (e) {}\n}\n";
/// A logged message without its stack in Python: one `log-without-stack` finding on line 6.
pub const MESSAGE_ONLY_PY: &str = "import logging\nfrom .tasks import run\nlogger = logging.getLogger(__name__)\ntry:\n    run()\nexcept Exception as e:\n    logger.error(str(e))\n    result = None\n";
pub const CLEAN_JS: &str = "export function add(a, b) {\n  return a + b;\n}\n";

pub struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    pub fn new() -> Project {
        Project {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, relative: &str, contents: impl AsRef<[u8]>) -> &Project {
        let path = self.dir.path().join(relative);
        fs::create_dir_all(path.parent().expect("a file has a folder")).expect("create folder");
        fs::write(path, contents).expect("write file");
        self
    }

    /// Runs lint500 with `args` in the project's folder (or `subdir` of it).
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_in(".", args)
    }

    pub fn run_in(&self, subdir: &str, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_lint500"))
            .args(args)
            .current_dir(self.dir.path().join(subdir))
            .env_remove("NO_COLOR")
            .output()
            .expect("lint500 runs");
        Run::from(output)
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output
                .status
                .code()
                .expect("lint500 exits normally, not by a signal"),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }
}

impl Run {
    /// The `path:line:col: severity[rule]` prefixes of a concise report.
    pub fn findings(&self) -> Vec<String> {
        self.stdout
            .lines()
            .filter_map(|line| line.split_once("] ").map(|(head, _)| format!("{head}]")))
            .collect()
    }
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}
