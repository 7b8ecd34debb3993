//! `unused-ignore`: suppression comments that suppress nothing, or name no rule. The engine
//! tracks which rule of which comment suppressed a finding; this rule words the findings.

use lint500_engine::{IdleSuppression, Rule, SuppressionContext};

pub struct UnusedIgnore;

impl Rule for UnusedIgnore {
    fn document(&self) -> &'static str {
        include_str!("../../../rules/unused-ignore.md")
    }

    fn checks_suppressions(&self) -> bool {
        true
    }

    fn check_suppressions(&self, idle: &[IdleSuppression], ctx: &mut SuppressionContext<'_>) {
        for suppression in idle {
            let rule = &suppression.rule;
            let directive = if suppression.file_wide {
                "lint500-ignore-file"
            } else {
                "lint500-ignore"
            };
            if suppression.known {
                let place = if suppression.file_wide {
                    "in this file"
                } else {
                    "on the line it covers"
                };
                ctx.report(
                    suppression.span,
                    format!("`{directive}: {rule}` suppresses nothing: `{rule}` reports nothing {place}"),
                    format!("Remove `{rule}` from the comment (or the comment): the code it excused is gone or no longer flagged"),
                );
            } else {
                let help = match closest_rule(rule) {
                    Some(known) => {
                        format!("Did you mean `{known}`? `lint500 rules` lists the rule ids")
                    }
                    None => {
                        "Correct or remove the id; `lint500 rules` lists the rule ids".to_string()
                    }
                };
                ctx.report(
                    suppression.span,
                    format!("`{directive}` names `{rule}`, which is not a lint500 rule, so it suppresses nothing"),
                    help,
                );
            }
        }
    }
}

/// The rule id closest to `id` in edits, when a few edits make it (a typo).
fn closest_rule(id: &str) -> Option<&'static str> {
    crate::all()
        .metas()
        .map(|meta| (edit_distance(id, &meta.id), meta.id.as_str()))
        .filter(|&(distance, known)| distance <= 2.max(known.len() / 5))
        .min()
        .map(|(_, known)| known)
}

/// The Levenshtein distance between two short strings, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_matched_to_the_closest_rule() {
        assert_eq!(edit_distance("swalowed-catch", "swallowed-catch"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(closest_rule("swalowed-catch"), Some("swallowed-catch"));
        assert_eq!(closest_rule("log-without-stak"), Some("log-without-stack"));
        assert_eq!(closest_rule("no-console"), None);
    }
}
