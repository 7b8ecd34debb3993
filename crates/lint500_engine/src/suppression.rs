//! Inline suppressions: `lint500-ignore: rule-a, rule-b -- reason` at the end of the flagged
//! line or alone on the line above it, and `lint500-ignore-file: rule-a` anywhere in the file.
//!
//! Each rule a directive names remembers whether it suppressed a finding, so that a directive
//! that outlived the code it excused can be reported (`unused-ignore`).

use lint500_core::{Diagnostic, Position, RuleMeta, Span};
use serde::{Deserialize, Serialize};
use tree_sitter::{Node, Point};

use crate::columns::Columns;

pub(crate) const LINE_DIRECTIVE: &str = "lint500-ignore:";
pub(crate) const FILE_DIRECTIVE: &str = "lint500-ignore-file:";

/// The suppression comments of one file.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Suppressions {
    directives: Vec<Directive>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Directive {
    /// The comment, located in characters by [`Suppressions::locate`].
    span: Span,
    #[serde(with = "PointDef")]
    start_point: Point,
    #[serde(with = "PointDef")]
    end_point: Point,
    /// The 1-based line it covers; `None` for the whole file.
    covered: Option<u32>,
    rules: Vec<String>,
    /// By rule: whether it suppressed a finding.
    used: Vec<bool>,
}

/// A tree-sitter point, for the cache.
#[derive(Serialize, Deserialize)]
#[serde(remote = "Point")]
struct PointDef {
    row: usize,
    column: usize,
}

/// A rule named in a suppression comment that suppressed nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdleSuppression {
    /// The comment.
    pub span: Span,
    /// The rule id as written.
    pub rule: String,
    /// `lint500-ignore-file:` rather than `lint500-ignore:`.
    pub file_wide: bool,
    /// Whether lint500 has a rule of that id (else the comment names an unknown rule).
    pub known: bool,
}

impl Suppressions {
    /// Records the directive in a comment, if it holds one.
    pub(crate) fn add_comment(&mut self, text: &str, comment: Node<'_>, source: &str) {
        let comment_line = comment.start_position().row as u32 + 1;
        let covered = if let Some(rules) = directive(text, FILE_DIRECTIVE) {
            (None, rules)
        } else if let Some(rules) = directive(text, LINE_DIRECTIVE) {
            let line_start = comment.start_byte() - comment.start_position().column;
            let alone = source
                .get(line_start..comment.start_byte())
                .is_some_and(|before| before.trim().is_empty());
            // Alone on its line, a comment covers the next line; after code, its own line.
            let covered = if alone {
                comment.end_position().row as u32 + 2
            } else {
                comment_line
            };
            (Some(covered), rules)
        } else {
            return;
        };
        let (covered, rules) = covered;
        let start = Position {
            line: comment_line,
            column: 1,
        };
        self.directives.push(Directive {
            span: Span {
                start_byte: comment.start_byte(),
                end_byte: comment.end_byte(),
                start,
                end: start,
            },
            start_point: comment.start_position(),
            end_point: comment.end_position(),
            covered,
            used: vec![false; rules.len()],
            rules,
        });
    }

    /// Gives the comments their columns in characters, once the walk is done.
    pub(crate) fn locate(&mut self, columns: &Columns<'_>) {
        for directive in &mut self.directives {
            directive.span.start =
                columns.position(directive.span.start_byte, directive.start_point);
            directive.span.end = columns.position(directive.span.end_byte, directive.end_point);
        }
    }

    /// Whether the file has any suppression comment.
    pub fn is_empty(&self) -> bool {
        self.directives.is_empty()
    }

    /// Whether a finding of `rule` starting on 1-based `line` is suppressed; every directive
    /// that suppresses it is marked used.
    pub fn suppress(&mut self, rule: &str, line: u32) -> bool {
        let mut suppressed = false;
        for directive in &mut self.directives {
            if directive.covered.is_some_and(|covered| covered != line) {
                continue;
            }
            for (id, used) in directive.rules.iter().zip(&mut directive.used) {
                if id == rule {
                    *used = true;
                    suppressed = true;
                }
            }
        }
        suppressed
    }

    /// Whether a finding of `rule` on 1-based `line` would be suppressed (marks nothing).
    pub fn is_suppressed(&self, rule: &str, line: u32) -> bool {
        self.directives.iter().any(|directive| {
            directive.covered.is_none_or(|covered| covered == line)
                && directive.rules.iter().any(|id| id == rule)
        })
    }

    /// Each rule id named in a directive, with the line of its comment.
    pub fn named_rules(&self) -> impl Iterator<Item = (u32, &str)> {
        self.directives.iter().flat_map(|directive| {
            directive
                .rules
                .iter()
                .map(|rule| (directive.span.start.line, rule.as_str()))
        })
    }

    /// The rules named in directives that suppressed nothing, in the order of the comments:
    /// those `known` says lint500 has and `checked` says ran on the file, and those lint500
    /// does not have.
    pub fn idle(
        &self,
        known: impl Fn(&str) -> bool,
        checked: impl Fn(&str) -> bool,
    ) -> Vec<IdleSuppression> {
        let mut idle = Vec::new();
        for directive in &self.directives {
            for (rule, used) in directive.rules.iter().zip(&directive.used) {
                let known = known(rule);
                if *used || (known && !checked(rule)) {
                    continue;
                }
                idle.push(IdleSuppression {
                    span: directive.span,
                    rule: rule.clone(),
                    file_wide: directive.covered.is_none(),
                    known,
                });
            }
        }
        idle
    }
}

/// What a rule about suppression comments sees: a place to report findings in the file.
pub struct SuppressionContext<'a> {
    pub(crate) meta: &'static RuleMeta,
    pub(crate) diagnostics: &'a mut Vec<Diagnostic>,
}

impl SuppressionContext<'_> {
    /// Reports a finding whose primary span is `span` (a comment's).
    pub fn report(
        &mut self,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic {
            rule: &self.meta.id,
            severity: self.meta.default_severity,
            message: message.into(),
            help: help.into(),
            span,
            labels: Vec::new(),
            fix: None,
        });
        self.diagnostics.last_mut().expect("just pushed")
    }
}

/// The rule ids after `marker` in a comment's text, up to ` -- reason` or the comment's end.
pub(crate) fn directive(comment: &str, marker: &str) -> Option<Vec<String>> {
    let start = comment.find(marker)? + marker.len();
    let rest = comment[start..].trim_end().trim_end_matches("*/");
    let list = rest.split(" --").next().unwrap_or(rest);
    let rules: Vec<String> = list
        .split(',')
        .map(str::trim)
        .filter(|rule| !rule.is_empty())
        .map(str::to_string)
        .collect();
    Some(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rule_lists_and_reasons() {
        assert_eq!(
            directive("// lint500-ignore: a, b -- the reason", LINE_DIRECTIVE),
            Some(vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(
            directive("/* lint500-ignore: a */", LINE_DIRECTIVE),
            Some(vec!["a".to_string()])
        );
        assert_eq!(
            directive("# lint500-ignore-file: swallowed-catch", FILE_DIRECTIVE),
            Some(vec!["swallowed-catch".to_string()])
        );
        assert_eq!(directive("// lint500-ignore-file: a", LINE_DIRECTIVE), None);
        assert_eq!(directive("// nothing here", LINE_DIRECTIVE), None);
    }

    fn suppressions_of(source: &str) -> Suppressions {
        let tree =
            crate::grammar::parse(source, lint500_core::Language::JavaScript).expect("parses");
        let mut suppressions = Suppressions::default();
        let mut cursor = tree.walk();
        loop {
            let node = cursor.node();
            if node.kind() == "comment" {
                suppressions.add_comment(&source[node.byte_range()], node, source);
            }
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    suppressions.locate(&Columns::new(source));
                    return suppressions;
                }
            }
        }
    }

    #[test]
    fn directives_remember_what_they_suppressed() {
        let source = "a(); // lint500-ignore: x, y\n// lint500-ignore: x\nb();\n/* lint500-ignore-file: z, nope */\n";
        let mut suppressions = suppressions_of(source);
        assert!(suppressions.is_suppressed("x", 1));
        assert!(!suppressions.is_suppressed("x", 2));
        assert!(suppressions.suppress("x", 3));
        assert!(suppressions.suppress("z", 40));
        assert!(!suppressions.suppress("y", 2));
        let idle: Vec<(u32, u32, String, bool, bool)> = suppressions
            .idle(|rule| rule != "nope", |rule| rule != "z")
            .into_iter()
            .map(|idle| {
                (
                    idle.span.start.line,
                    idle.span.start.column,
                    idle.rule,
                    idle.file_wide,
                    idle.known,
                )
            })
            .collect();
        assert_eq!(
            idle,
            [
                (1, 6, "x".to_string(), false, true),
                (1, 6, "y".to_string(), false, true),
                (4, 1, "nope".to_string(), true, false),
            ]
        );
    }
}
