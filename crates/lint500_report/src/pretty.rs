use std::fmt;
use std::io::{self, Write};
use std::iter;

use lint500_core::{Diagnostic, RuleMeta, Severity};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use crate::{Report, ReportOptions, display_path};

pub(crate) fn write(
    out: &mut dyn Write,
    report: &Report<'_>,
    options: &ReportOptions,
) -> io::Result<()> {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Hyperlink escapes only go with color: where there is no color there may be no terminal,
    // and without them miette prints the URL itself after the rule id.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(options.color);
    let mut first = true;
    for file in report.files {
        let source = FileSource {
            name: display_path(file.path),
            text: file.source,
        };
        for diagnostic in file.diagnostics {
            let finding = Finding {
                diagnostic,
                source: &source,
                url: report.rule(diagnostic.rule).map(RuleMeta::docs_url),
            };
            let mut rendered = String::new();
            handler
                .render_report(&mut rendered, &finding)
                .map_err(|_| {
                    io::Error::other(format!(
                        "could not draw the code frame of the `{}` finding in {}",
                        diagnostic.rule, source.name
                    ))
                })?;
            if !first {
                writeln!(out)?;
            }
            first = false;
            out.write_all(rendered.as_bytes())?;
        }
    }
    Ok(())
}

/// A file's text under its path, with columns counted the way `Position` counts them.
#[derive(Debug)]
struct FileSource<'a> {
    name: String,
    text: &'a str,
}

impl SourceCode for FileSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let contents = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        // miette counts columns in bytes, and the one it shows in the frame's header would then
        // disagree with the concise and JSON reports on any line with non-ASCII text before the
        // span. It only reports a column other than 0 for reads that start at the span.
        let byte_column = contents.column();
        let column = span
            .offset()
            .checked_sub(byte_column)
            .and_then(|line_start| self.text.get(line_start..span.offset()))
            .map_or(byte_column, |before| before.chars().count());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            *contents.span(),
            contents.line(),
            column,
            contents.line_count(),
        )))
    }
}

/// A diagnostic as miette sees it.
#[derive(Debug)]
struct Finding<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a FileSource<'a>,
    url: Option<String>,
}

impl fmt::Display for Finding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Finding<'_> {}

impl miette::Diagnostic for Finding<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.diagnostic.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let help = &self.diagnostic.help;
        (!help.is_empty()).then(|| Box::new(help) as Box<dyn fmt::Display + 'a>)
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url
            .as_ref()
            .map(|url| Box::new(url) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = LabeledSpan::new_primary_with_span(
            Some(self.diagnostic.message.clone()),
            self.diagnostic.span.bytes(),
        );
        let secondary = self.diagnostic.labels.iter().map(|label| {
            LabeledSpan::new_with_span(Some(label.message.clone()), label.span.bytes())
        });
        Some(Box::new(iter::once(primary).chain(secondary)))
    }
}
