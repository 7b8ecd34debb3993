use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a file as people count it: 1-based line, 1-based column in Unicode characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// A source range: byte offsets for slicing the text, positions for showing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start_byte: usize,
    pub end_byte: usize,
    pub start: Position,
    pub end: Position,
}

impl Span {
    pub fn bytes(&self) -> Range<usize> {
        self.start_byte..self.end_byte
    }
}

/// A secondary span that gives a finding its context ("the error is caught here").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// Whether a fix can be applied without a look: a safe fix changes nothing but what a log
/// records; an unsafe one may change what the code does (an `await` inserted), and is applied
/// only when asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Applicability {
    Safe,
    Unsafe,
}

/// Text to put in place of a byte range of the file as it was linted (empty: an insertion).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

impl Edit {
    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit {
            range: at..at,
            text: text.into(),
        }
    }

    pub fn replace(range: Range<usize>, text: impl Into<String>) -> Edit {
        Edit {
            range,
            text: text.into(),
        }
    }
}

/// A change of the source that resolves a finding: edits that do not overlap, all or none.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fix {
    /// What the fix does, for people: "Use `logger.exception`".
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            applicability: Applicability::Safe,
            edits,
        }
    }

    pub fn unsafe_edits(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            applicability: Applicability::Unsafe,
            edits,
        }
    }

    /// The first byte an edit touches and the last, for telling fixes that overlap apart.
    pub fn bounds(&self) -> Option<Range<usize>> {
        let start = self.edits.iter().map(|edit| edit.range.start).min()?;
        let end = self.edits.iter().map(|edit| edit.range.end).max()?;
        Some(start..end)
    }
}

/// One finding of one rule in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: String,
    pub span: Span,
    pub labels: Vec<Label>,
    /// A change that resolves the finding, when the rule knows one for sure.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// The order findings are reported in within a file.
    pub fn sort_key(&self) -> (Position, &'static str, usize) {
        (self.span.start, self.rule, self.span.end_byte)
    }
}
