//! Expectation comments in fixture files: `expect: rule-a, rule-b` at the end of a line means
//! findings of exactly those rules start on that line; alone on its line, the comment speaks of
//! the next line. Shared by the rule fixtures and the end-to-end project fixtures.

use std::collections::BTreeSet;

const MARKER: &str = "expect:";

/// (line, rule id) pairs the comments of a fixture announce.
pub fn expectations(source: &str) -> BTreeSet<(u32, String)> {
    let mut expected = BTreeSet::new();
    for (index, line) in source.lines().enumerate() {
        let Some(at) = line.find(MARKER) else {
            continue;
        };
        let before = &line[..at];
        let comment_start = before
            .rfind("//")
            .or_else(|| before.rfind('#'))
            .unwrap_or(0);
        let alone = line[..comment_start].trim().is_empty();
        let target = index as u32 + if alone { 2 } else { 1 };
        for rule in line[at + MARKER.len()..].split(',') {
            let rule = rule.trim().trim_end_matches("*/").trim();
            if !rule.is_empty() {
                expected.insert((target, rule.to_string()));
            }
        }
    }
    expected
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expectation_comments_are_read() {
        let source = "a() // expect: x, y\n// expect: z\nb()\n# expect: w\n";
        let expected: Vec<(u32, String)> = expectations(source).into_iter().collect();
        assert_eq!(
            expected,
            [
                (1, "x".to_string()),
                (1, "y".to_string()),
                (3, "z".to_string()),
                (5, "w".to_string())
            ]
        );
    }
}
