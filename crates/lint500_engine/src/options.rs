//! The options of one rule, as the configuration gives them. A leaf of the engine: the
//! configuration fills them in, the walk hands them to rules and to the facts collectors.

use std::collections::BTreeMap;

/// The options one rule is given in `[rules.<rule-id>]`: option name -> the strings it lists.
#[derive(Clone, Debug, Default)]
pub struct RuleOptions(BTreeMap<String, Vec<String>>);

impl RuleOptions {
    /// The strings listed for `name`; none when the configuration does not set it.
    pub fn get(&self, name: &str) -> &[String] {
        self.0.get(name).map_or(&[], Vec::as_slice)
    }

    /// Sets the strings listed for `name`.
    pub(crate) fn insert(&mut self, name: String, values: Vec<String>) {
        self.0.insert(name, values);
    }
}
