//! GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

use std::io::{self, Write};

use lint500_core::{RuleMeta, Severity, printable};

use crate::{Report, display_path};

/// One `::error …::message` or `::warning …::message` line per finding.
///
/// The runner reads a command from any line of the log that starts with `::`, so every value is
/// escaped the way it unescapes them: a newline in a file name or a message can never end the
/// line and start another command, and a `,` or `:` in a file name can never end its property.
pub(crate) fn write(out: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    for file in report.files {
        let path = escape_property(&display_path(file.path));
        for diagnostic in file.diagnostics {
            let command = match diagnostic.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let (start, end) = (diagnostic.span.start, diagnostic.span.end);
            // The message and help are made printable: their own line breaks would read as the
            // annotation's, and the log would pass their escape sequences to the terminal.
            let mut message = printable(&diagnostic.message).into_owned();
            if !diagnostic.help.is_empty() {
                message.push_str(&format!("\nhelp: {}", printable(&diagnostic.help)));
            }
            if let Some(url) = report.rule(diagnostic.rule).map(RuleMeta::docs_url) {
                message.push_str(&format!("\n{url}"));
            }
            writeln!(
                out,
                "::{command} file={path},line={},col={},endLine={},endColumn={},title={}::{}",
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(diagnostic.rule),
                escape_data(&message),
            )?;
        }
    }
    Ok(())
}

/// The escaping of a command's message (`escapeData` in `@actions/core`).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The escaping of a property value (`escapeProperty` in `@actions/core`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_unescapes() {
        assert_eq!(escape_data("50% done\r\nok::x"), "50%25 done%0D%0Aok::x");
        assert_eq!(
            escape_property("a,b:c\n::warning %0A"),
            "a%2Cb%3Ac%0A%3A%3Awarning %250A"
        );
    }
}
