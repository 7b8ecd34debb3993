//! SARIF 2.1.0, shaped for GitHub code scanning: rule metadata with the rule documents as help,
//! locations relative to `%SRCROOT%`, UTF-16 columns, fingerprints that survive unrelated
//! edits, and the files that could not be linted as tool notifications.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::iter;
use std::path::Path;

use lint500_core::{Diagnostic, Label, Position, Severity, Span};
use serde_json::{Value, json};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, RunAutomationDetails, Sarif, Tool, ToolComponent,
};

use crate::fingerprint::fingerprints;
use crate::{ActiveRule, FileReport, Report, RunNotice, display_path};

/// The base that relative artifact URIs resolve against: the folder lint500 ran in.
const SRCROOT: &str = "%SRCROOT%";
/// The `partialFingerprints` key; the version changes if the fingerprint scheme ever does.
const FINGERPRINT_KEY: &str = "lint500/v1";
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub(crate) fn write(out: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    let sarif = Sarif::builder()
        .schema(SCHEMA)
        .version(json!("2.1.0"))
        .runs(vec![run(report)])
        .build();
    serde_json::to_writer_pretty(&mut *out, &sarif)?;
    writeln!(out)
}

fn run(report: &Report<'_>) -> Run {
    let results = report
        .files
        .iter()
        .flat_map(|file| file_results(report, file))
        .collect::<Vec<_>>();
    let root = ArtifactLocation::builder()
        .uri(directory_uri(report.root))
        .description(
            Message::builder()
                .text("The folder lint500 ran in.")
                .build(),
        )
        .build();
    let execution_successful = !report
        .notices
        .iter()
        .any(|notice| notice.severity == Severity::Error);
    let mut invocation = Invocation::builder()
        .execution_successful(execution_successful)
        .build();
    invocation.tool_execution_notifications = non_empty(report.notices.iter().map(notification));
    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver(report.rules)).build())
        .original_uri_base_ids(BTreeMap::from([(SRCROOT.to_string(), root)]))
        .column_kind(json!("utf16CodeUnits"))
        .invocations(vec![invocation])
        .results(results)
        .build();
    run.automation_details = report.sarif_category.map(|category| {
        RunAutomationDetails::builder()
            .id(automation_id(category))
            .build()
    });
    run
}

/// Optional arrays are left out rather than written empty.
fn non_empty<T>(items: impl Iterator<Item = T>) -> Option<Vec<T>> {
    let items: Vec<T> = items.collect();
    (!items.is_empty()).then_some(items)
}

/// GitHub takes everything before the last `/` of `automationDetails.id` as the category, so
/// a category given without one gets it appended.
fn automation_id(category: &str) -> String {
    if category.ends_with('/') {
        category.to_string()
    } else {
        format!("{category}/")
    }
}

fn driver(rules: &[ActiveRule<'_>]) -> ToolComponent {
    ToolComponent::builder()
        .name("lint500")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(env!("CARGO_PKG_REPOSITORY"))
        .rules(rules.iter().map(descriptor).collect::<Vec<_>>())
        .build()
}

fn descriptor(rule: &ActiveRule<'_>) -> ReportingDescriptor {
    let meta = rule.meta;
    let body = meta.body();
    let full_description = what_it_does(body).unwrap_or_else(|| meta.summary.clone());
    let properties = PropertyBag::builder()
        .tags(meta.tags.clone())
        .additional_properties(BTreeMap::from([
            ("precision".to_string(), json!(meta.precision.as_str())),
            (
                "problem.severity".to_string(),
                json!(rule.severity.as_str()),
            ),
        ]))
        .build();
    ReportingDescriptor::builder()
        .id(&meta.id)
        .name(pascal_case(&meta.id))
        .short_description(plain(&sentence(&meta.summary)))
        .full_description(plain(&sentence(&full_description)))
        .help(
            MultiformatMessageString::builder()
                .text(body)
                .markdown(body)
                .build(),
        )
        .help_uri(meta.docs_url())
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(rule.severity.as_str()))
                .build(),
        )
        .properties(properties)
        .build()
}

fn plain(text: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(text).build()
}

/// The first paragraph of the document's "What it does" section, on one line.
fn what_it_does(body: &str) -> Option<String> {
    let section = body
        .split("\n## ")
        .find_map(|section| section.strip_prefix("What it does\n"))?;
    let paragraph = section.trim_start().split("\n\n").next()?;
    Some(paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// `swallowed-catch` → `SwallowedCatch`: SARIF's convention for a rule's readable name.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .into_iter()
                .flat_map(char::to_uppercase)
                .chain(chars)
        })
        .collect()
}

fn file_results(report: &Report<'_>, file: &FileReport<'_>) -> Vec<SarifResult> {
    let path = display_path(file.path);
    let artifact = artifact_location(file.path);
    let columns = Utf16Columns::new(
        file.source,
        file.diagnostics.iter().flat_map(|diagnostic| {
            iter::once(&diagnostic.span)
                .chain(diagnostic.labels.iter().map(|label| &label.span))
                .flat_map(|span| [span.start_byte, span.end_byte])
        }),
    );
    file.diagnostics
        .iter()
        .zip(fingerprints(file, &path))
        .map(|(diagnostic, fingerprint)| {
            let rule_index = report
                .rules
                .iter()
                .position(|rule| rule.meta.id == diagnostic.rule);
            let location = Location::builder()
                .physical_location(physical_location(&artifact, &columns, &diagnostic.span))
                .build();
            let mut result = SarifResult::builder()
                .rule_id(diagnostic.rule)
                .level(match diagnostic.severity {
                    Severity::Error => ResultLevel::Error,
                    Severity::Warning => ResultLevel::Warning,
                })
                .message(Message::builder().text(result_message(diagnostic)).build())
                .locations(vec![location])
                .partial_fingerprints(BTreeMap::from([(FINGERPRINT_KEY.to_string(), fingerprint)]))
                .build();
            result.rule_index = rule_index.map(|index| index as i64);
            result.related_locations =
                non_empty(related_locations(&artifact, &columns, &diagnostic.labels));
            result
        })
        .collect()
}

/// The finding's message, then each label as a link to its related location: GitHub shows
/// related locations only where the message links to them. The texts are escaped so that
/// nothing in them reads as a link.
fn result_message(diagnostic: &Diagnostic) -> String {
    let mut text = sentence(&escape_text(&diagnostic.message));
    for (id, label) in (1..).zip(&diagnostic.labels) {
        text.push_str(&format!(
            " [{}]({id}).",
            escape_text(label.message.trim_end_matches('.'))
        ));
    }
    text
}

/// Related location ids count from 1, as the links in `result_message` do.
fn related_locations<'a>(
    artifact: &'a ArtifactLocation,
    columns: &'a Utf16Columns,
    labels: &'a [Label],
) -> impl Iterator<Item = Location> + 'a {
    (1..).zip(labels).map(|(id, label)| {
        Location::builder()
            .id(id)
            .physical_location(physical_location(artifact, columns, &label.span))
            .message(
                Message::builder()
                    .text(sentence(&escape_text(&label.message)))
                    .build(),
            )
            .build()
    })
}

fn physical_location(
    artifact: &ArtifactLocation,
    columns: &Utf16Columns,
    span: &Span,
) -> PhysicalLocation {
    let region = Region::builder()
        .start_line(i64::from(span.start.line))
        .start_column(columns.column(span.start_byte, span.start))
        .end_line(i64::from(span.end.line))
        .end_column(columns.column(span.end_byte, span.end))
        .build();
    PhysicalLocation::builder()
        .artifact_location(artifact.clone())
        .region(region)
        .build()
}

/// The 1-based columns, in UTF-16 code units (the `columnKind` GitHub expects), of the bytes of
/// a file that spans start or end at, found in one pass over the file rather than one pass
/// over a line per span.
struct Utf16Columns {
    columns: HashMap<usize, i64>,
}

impl Utf16Columns {
    fn new(source: &str, bytes: impl IntoIterator<Item = usize>) -> Utf16Columns {
        let mut bytes: Vec<usize> = bytes
            .into_iter()
            .filter(|&byte| source.is_char_boundary(byte))
            .collect();
        bytes.sort_unstable();
        bytes.dedup();
        let mut columns = HashMap::with_capacity(bytes.len());
        let (mut at, mut column) = (0, 0);
        for byte in bytes {
            for ch in source[at..byte].chars() {
                column = if ch == '\n' {
                    0
                } else {
                    column + ch.len_utf16()
                };
            }
            at = byte;
            columns.insert(byte, column as i64 + 1);
        }
        Utf16Columns { columns }
    }

    /// The column of `byte`; the character column of `position` if `byte` is not a character
    /// boundary of the file.
    fn column(&self, byte: usize, position: Position) -> i64 {
        self.columns
            .get(&byte)
            .copied()
            .unwrap_or(i64::from(position.column))
    }
}

fn notification(notice: &RunNotice<'_>) -> Notification {
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(artifact_location(notice.path))
                .build(),
        )
        .build();
    let text = sentence(&escape_text(&format!(
        "{}: {}",
        display_path(notice.path),
        notice.message
    )));
    Notification::builder()
        .level(Value::from(notice.severity.as_str()))
        .message(Message::builder().text(text).build())
        .locations(vec![location])
        .build()
}

/// A relative path becomes a URI relative to `%SRCROOT%`; one outside the folder lint500 ran
/// in is shown absolute and becomes a `file:` URI.
fn artifact_location(path: &Path) -> ArtifactLocation {
    if path.is_absolute() {
        ArtifactLocation::builder().uri(file_uri(path)).build()
    } else {
        ArtifactLocation::builder()
            .uri(percent_encode(&display_path(path)))
            .uri_base_id(SRCROOT)
            .build()
    }
}

/// The `file:` URI of a folder, ending with `/` as SARIF requires of a base URI.
fn directory_uri(path: &Path) -> String {
    let uri = file_uri(path);
    if uri.ends_with('/') {
        uri
    } else {
        format!("{uri}/")
    }
}

fn file_uri(path: &Path) -> String {
    let path = display_path(path);
    // Windows paths (`C:/src`) need a `/` before the drive letter.
    let slash = if path.starts_with('/') { "" } else { "/" };
    format!(
        "file://{slash}{}",
        percent_encode(&path).replace("%3A", ":")
    )
}

/// Percent-encodes everything but unreserved characters and `/`, so that spaces, `#`, `?`, `%`,
/// non-ASCII names, and a `:` that would read as a scheme are all kept as part of the path.
fn percent_encode(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// SARIF messages are sentences: they end with a period.
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// Text put into a plain text message literally. A message may embed links, `[text](id)`,
/// and SARIF 2.1.0 (§3.11.6) reads `\[`, `\]` and `\\` as literal brackets and backslash:
/// escaping the backslashes as well as the brackets keeps a backslash in the text from
/// escaping the escape (`\[a\](1)` would otherwise read `\\[a\\](1)`: a backslash, then a
/// link).
fn escape_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for ch in text.chars() {
        if matches!(ch, '\\' | '[' | ']') {
            escaped.push('\\');
        }
        escaped.push(ch);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs_twice() {
        let source = "a\nconst é = \"😀\"; x\n";
        let x = source.find('x').unwrap();
        let fallback = Position { line: 2, column: 0 };
        let columns = Utf16Columns::new(source, [x, 0, 2, 9, x, source.len(), source.len() + 1]);
        // `const é = "😀"; ` is 15 characters but 16 UTF-16 code units.
        assert_eq!(columns.column(x, fallback), 17);
        assert_eq!(columns.column(0, fallback), 1);
        assert_eq!(columns.column(2, fallback), 1);
        // Inside `é`, or past the end: not a boundary, so the fallback.
        assert_eq!(columns.column(9, fallback), 0);
        assert_eq!(columns.column(source.len() + 1, fallback), 0);
        assert_eq!(columns.column(source.len(), fallback), 1);
    }

    #[test]
    fn message_text_cannot_form_links() {
        assert_eq!(
            escape_text(r"\[a\](https://x.io) [b](1) c:\d"),
            r"\\\[a\\\](https://x.io) \[b\](1) c:\\d"
        );
    }

    #[test]
    fn paths_become_uris() {
        assert_eq!(
            percent_encode("src/a b#?%é:.js"),
            "src/a%20b%23%3F%25%C3%A9%3A.js"
        );
        assert_eq!(
            file_uri(Path::new("/srv/my app/x.js")),
            "file:///srv/my%20app/x.js"
        );
        assert_eq!(directory_uri(Path::new("/srv/app")), "file:///srv/app/");
        assert_eq!(directory_uri(Path::new("/")), "file:///");
    }

    #[test]
    fn descriptions_and_names() {
        assert_eq!(pascal_case("log-without-stack"), "LogWithoutStack");
        assert_eq!(sentence("done"), "done.");
        assert_eq!(sentence("done?"), "done?");
        let body = "# x\n\n## What it does\n\nFinds things\nthat break.\n\nMore.\n\n## Why\n";
        assert_eq!(
            what_it_does(body).as_deref(),
            Some("Finds things that break.")
        );
        assert_eq!(what_it_does("# x\n"), None);
        assert_eq!(automation_id("api"), "api/");
        assert_eq!(automation_id("api/run1/"), "api/run1/");
    }
}
