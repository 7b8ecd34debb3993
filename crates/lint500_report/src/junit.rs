//! JUnit XML, which most CI systems show as test results: one test case per file with
//! findings, one failure per finding.
//!
//! Files without findings are not listed: the report only has the files with findings, and
//! keeping every clean path of a large tree to print passing test cases is not worth its memory.

use std::io::{self, Write};

use lint500_core::RuleMeta;

use crate::{Report, display_path};

pub(crate) fn write(out: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    let files = report.files.len();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="lint500" tests="{files}" failures="{files}" errors="0">"#
    )?;
    writeln!(
        out,
        r#"  <testsuite name="lint500" tests="{files}" failures="{files}" errors="0">"#
    )?;
    for file in report.files {
        let path = display_path(file.path);
        writeln!(
            out,
            r#"    <testcase classname="lint500" name="{}" file="{}">"#,
            escape(&path),
            escape(&path)
        )?;
        for diagnostic in file.diagnostics {
            let start = diagnostic.span.start;
            let summary = format!(
                "{}:{}: {}[{}] {}",
                start.line, start.column, diagnostic.severity, diagnostic.rule, diagnostic.message
            );
            let mut details = format!("{path}:{summary}");
            if !diagnostic.help.is_empty() {
                details.push_str(&format!("\nhelp: {}", diagnostic.help));
            }
            if let Some(url) = report.rule(diagnostic.rule).map(RuleMeta::docs_url) {
                details.push_str(&format!("\n{url}"));
            }
            writeln!(
                out,
                r#"      <failure type="{}" message="{}">{}</failure>"#,
                escape(diagnostic.rule),
                escape(&summary),
                escape(&details)
            )?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

/// Escapes text for an attribute value or element content. Line breaks and tabs become
/// character references so attribute values keep them; characters XML 1.0 cannot hold at all
/// (most control characters) become U+FFFD.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\n' => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            '\t' => escaped.push_str("&#9;"),
            c if is_xml_char(c) => escaped.push(c),
            _ => escaped.push(char::REPLACEMENT_CHARACTER),
        }
    }
    escaped
}

/// XML 1.0's `Char` production.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_line_breaks_and_forbidden_characters() {
        assert_eq!(
            escape("a<b>&\"c'\n\td\u{1}\u{FFFE}é😀"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;&#9;d\u{FFFD}\u{FFFD}é😀"
        );
    }
}
