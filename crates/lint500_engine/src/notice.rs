//! Notices: what a run tells about a path besides findings. A leaf of the engine: the walk and
//! the runner report them.

use std::path::PathBuf;

use lint500_core::Severity;

/// Something the run has to tell about a path besides findings.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Notice {
    pub path: PathBuf,
    pub kind: NoticeKind,
    pub message: String,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
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

    /// How reports show the notice: an error when it makes the run fail.
    pub fn severity(self) -> Severity {
        if self.is_error() {
            Severity::Error
        } else {
            Severity::Warning
        }
    }
}
