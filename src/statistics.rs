//! `--statistics`: how many findings each rule has, most frequent first, so that a team
//! adopting lint500 sees where most of its findings are.

use std::collections::BTreeMap;

use lint500_engine::LintRun;
use serde_json::json;

/// (rule id, count), most frequent first, ties by rule id.
pub fn counts(run: &LintRun) -> Vec<(&'static str, usize)> {
    let mut by_rule: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (_, diagnostic) in run.diagnostics() {
        *by_rule.entry(diagnostic.rule).or_default() += 1;
    }
    let mut counts: Vec<(&'static str, usize)> = by_rule.into_iter().collect();
    // Stable: rules with equal counts stay in id order.
    counts.sort_by_key(|&(_, count)| std::cmp::Reverse(count));
    counts
}

/// One line per rule: the count, right-aligned, the rule id and the rule's summary.
pub fn text(counts: &[(&'static str, usize)]) -> String {
    let rules = lint500_rules::all();
    let count_width = counts
        .iter()
        .map(|(_, count)| count.to_string().len())
        .max()
        .unwrap_or(1);
    let id_width = counts.iter().map(|(rule, _)| rule.len()).max().unwrap_or(0);
    let mut text = String::new();
    for (rule, count) in counts {
        let summary = rules.find(rule).map_or("", |meta| meta.summary.as_str());
        text += &format!("{count:>count_width$}  {rule:<id_width$}  {summary}\n");
    }
    text
}

/// A JSON array of `{"rule", "count"}` objects, in the order of [`text`].
pub fn json(counts: &[(&'static str, usize)]) -> String {
    let rows: Vec<_> = counts
        .iter()
        .map(|(rule, count)| json!({ "rule": rule, "count": count }))
        .collect();
    let mut text = serde_json::to_string_pretty(&rows).expect("JSON values serialize");
    text.push('\n');
    text
}
