use std::fmt;

use serde::Deserialize;

use crate::{DOCS_BASE_URL, LanguageFamily, Severity};

/// A rule's metadata, read from the TOML front matter of its document (`rules/<id>.md`),
/// which is the single source of the id, summary and default severity.
#[derive(Clone, Debug)]
pub struct RuleMeta {
    pub id: String,
    pub languages: Vec<LanguageFamily>,
    pub default_severity: Severity,
    pub precision: Precision,
    pub tags: Vec<String>,
    pub summary: String,
    /// The whole document, front matter included.
    pub document: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Precision {
    VeryHigh,
    High,
    Medium,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::VeryHigh => "very-high",
            Precision::High => "high",
            Precision::Medium => "medium",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: String,
    languages: Vec<LanguageFamily>,
    severity: Severity,
    precision: Precision,
    tags: Vec<String>,
    summary: String,
}

#[derive(Debug)]
pub struct RuleMetaError(String);

impl fmt::Display for RuleMetaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RuleMetaError {}

const FENCE: &str = "+++";

impl RuleMeta {
    pub fn from_document(document: &'static str) -> Result<RuleMeta, RuleMetaError> {
        let (front_matter, _) = split_front_matter(document).ok_or_else(|| {
            RuleMetaError("the document does not start with `+++` TOML front matter".into())
        })?;
        let front: FrontMatter = toml::from_str(front_matter)
            .map_err(|err| RuleMetaError(format!("bad front matter: {err}")))?;
        Ok(RuleMeta {
            id: front.id,
            languages: front.languages,
            default_severity: front.severity,
            precision: front.precision,
            tags: front.tags,
            summary: front.summary,
            document,
        })
    }

    /// The document without its front matter: what `lint500 explain` shows.
    pub fn body(&self) -> &'static str {
        split_front_matter(self.document).map_or(self.document, |(_, body)| body)
    }

    pub fn docs_url(&self) -> String {
        format!("{DOCS_BASE_URL}{}.md", self.id)
    }

    pub fn applies_to(&self, family: LanguageFamily) -> bool {
        self.languages.contains(&family)
    }
}

/// `(front matter, body)` of a document that opens with a `+++` fence.
fn split_front_matter(document: &str) -> Option<(&str, &str)> {
    let rest = document.strip_prefix(FENCE)?.strip_prefix('\n')?;
    let end = rest.find(&format!("\n{FENCE}\n"))?;
    Some((&rest[..end], rest[end + FENCE.len() + 2..].trim_start()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_front_matter() {
        let meta = RuleMeta::from_document(
            "+++\nid = \"x\"\nlanguages = [\"js\", \"py\"]\nseverity = \"warning\"\nprecision = \"high\"\ntags = [\"a\"]\nsummary = \"s\"\n+++\n\n# x\nbody\n",
        )
        .unwrap();
        assert_eq!(meta.id, "x");
        assert_eq!(
            meta.languages,
            [LanguageFamily::JavaScript, LanguageFamily::Python]
        );
        assert_eq!(meta.default_severity, Severity::Warning);
        assert_eq!(meta.body(), "# x\nbody\n");
    }

    #[test]
    fn rejects_documents_without_front_matter() {
        assert!(RuleMeta::from_document("# x\n").is_err());
        let unknown_key = "+++\nid = \"x\"\nlanguages = []\nseverity = \"error\"\nprecision = \"high\"\ntags = []\nsummary = \"s\"\ncolour = 1\n+++\n";
        assert!(RuleMeta::from_document(unknown_key).is_err());
    }
}
