//! Inline suppressions: `lint500-ignore: rule-a, rule-b -- reason` at the end of the flagged
//! line or alone on the line above it, and `lint500-ignore-file: rule-a` anywhere in the file.

use tree_sitter::Node;

const LINE_DIRECTIVE: &str = "lint500-ignore:";
const FILE_DIRECTIVE: &str = "lint500-ignore-file:";

/// The suppression comments of one file.
#[derive(Debug, Default)]
pub struct Suppressions {
    /// (1-based line the comment covers, rule ids)
    lines: Vec<(u32, Vec<String>)>,
    file: Vec<String>,
    /// Every rule id a directive names, with the 1-based line of its comment, for validation.
    named: Vec<(u32, String)>,
}

impl Suppressions {
    /// Records the directive in a comment, if it holds one.
    pub(crate) fn add_comment(&mut self, text: &str, comment: Node<'_>, source: &str) {
        let comment_line = comment.start_position().row as u32 + 1;
        if let Some(rules) = directive(text, FILE_DIRECTIVE) {
            self.named
                .extend(rules.iter().map(|rule| (comment_line, rule.clone())));
            self.file.extend(rules);
        } else if let Some(rules) = directive(text, LINE_DIRECTIVE) {
            self.named
                .extend(rules.iter().map(|rule| (comment_line, rule.clone())));
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
            self.lines.push((covered, rules));
        }
    }

    pub fn is_suppressed(&self, rule: &str, line: u32) -> bool {
        self.file.iter().any(|id| id == rule)
            || self
                .lines
                .iter()
                .any(|(covered, rules)| *covered == line && rules.iter().any(|id| id == rule))
    }

    /// Each rule id named in a directive, with the line of its comment.
    pub fn named_rules(&self) -> impl Iterator<Item = (u32, &str)> {
        self.named.iter().map(|(line, rule)| (*line, rule.as_str()))
    }
}

/// The rule ids after `marker` in a comment's text, up to ` -- reason` or the comment's end.
fn directive(comment: &str, marker: &str) -> Option<Vec<String>> {
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
}
