//! Code frames drawn by miette.
//!
//! miette is never given a file's text: each finding gets an excerpt of it, the lines its spans
//! touch and their context lines, each line cut to a window around the spans on it (the cuts
//! marked `…`), control characters escaped, and spans over many lines shortened. What miette
//! draws is then bounded by the number of labels, not by the length of a line or of a span, and
//! nothing from the file can reach the terminal raw. The frame's header still gives the
//! finding's line and column in the file.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{self, Write};
use std::iter;
use std::panic::{self, AssertUnwindSafe};

use lint500_core::{Diagnostic, Position, RuleMeta, Severity, Span, printable};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use crate::{Report, ReportOptions, concise_line, printable_path};

/// Characters kept on each side of a span's start and of its end on a line that is cut.
const WINDOW: usize = 40;
/// Lines of at most this many characters are shown whole.
const WHOLE_LINE: usize = 160;
/// A span over more lines is shown through its first `SPAN_LINES` lines.
const SPAN_LINES: usize = 6;
/// The context lines shown before and after a span: miette's default, which it asks for.
const CONTEXT_LINES: usize = 1;
/// Marks text left out of a line.
const ELLIPSIS: &str = "…";

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
    // and without them miette prints the URL itself after the rule id. Words are not broken to
    // fit the width: a line may only start where a word does.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(options.color)
        .with_break_words(false)
        .with_context_lines(CONTEXT_LINES);
    let mut first = true;
    for file in report.files {
        let name = printable_path(file.path);
        let lines = LineIndex::new(file.source);
        for diagnostic in file.diagnostics {
            let url = report.rule(diagnostic.rule).map(RuleMeta::docs_url);
            let rendered = drawn_or_concise(&name, diagnostic, || {
                let finding = Finding::new(&name, file.source, &lines, diagnostic, url);
                let mut rendered = String::new();
                handler.render_report(&mut rendered, &finding).ok()?;
                Some(rendered)
            });
            if !first {
                writeln!(out)?;
            }
            first = false;
            out.write_all(rendered.as_bytes())?;
        }
    }
    Ok(())
}

/// What `draw` draws of a finding, or its concise line if drawing fails or panics, or draws a
/// line that a CI runner could read as a workflow command: one finding can neither stop the
/// report nor inject into it. (A panic is still reported on stderr by the panic hook.)
fn drawn_or_concise(
    name: &str,
    diagnostic: &Diagnostic,
    draw: impl FnOnce() -> Option<String>,
) -> String {
    panic::catch_unwind(AssertUnwindSafe(draw))
        .ok()
        .flatten()
        .filter(|drawn| !has_command_line(drawn))
        .unwrap_or_else(|| format!("{}\n", concise_line(name, diagnostic)))
}

/// Whether a line of `text` starts, after its indentation, with `::`.
fn has_command_line(text: &str) -> bool {
    text.split(['\n', '\r'])
        .any(|line| line.trim_start().starts_with("::"))
}

/// Where the lines of a file start, found once per file so that each finding can find its
/// lines without scanning the text.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(source: &str) -> LineIndex {
        let starts = iter::once(0)
            .chain(source.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        LineIndex { starts }
    }

    /// The 0-based line that holds `byte`.
    fn line_of(&self, byte: usize) -> usize {
        self.starts
            .partition_point(|&start| start <= byte)
            .saturating_sub(1)
    }

    fn start(&self, line: usize) -> usize {
        self.starts[line]
    }

    /// Where the text of `line` ends, before its `\n` or `\r\n`.
    fn content_end(&self, source: &str, line: usize) -> usize {
        match self.starts.get(line + 1) {
            Some(&next) => {
                let newline = next - 1;
                if newline > self.starts[line] && source.as_bytes()[newline - 1] == b'\r' {
                    newline - 1
                } else {
                    newline
                }
            }
            None => source.len(),
        }
    }

    /// Whether `line` is worth showing as context: it exists and is not the empty line after
    /// the file's final newline.
    fn shows_as_context(&self, source: &str, line: usize) -> bool {
        line < self.starts.len() && (line == 0 || self.starts[line] < source.len())
    }
}

/// One of the finding's spans as it is shown: its clamped bytes in the file, its lines, and the
/// last line of the file it covers when it is shown shortened.
struct Shown {
    start: usize,
    end: usize,
    start_line: usize,
    end_line: usize,
    shortened_from: Option<usize>,
    position: Position,
}

impl Shown {
    fn new(source: &str, lines: &LineIndex, span: &Span) -> Shown {
        let start = floor_boundary(source, span.start_byte);
        let end = floor_boundary(source, span.end_byte).max(start);
        let start_line = lines.line_of(start);
        let start = start.min(lines.content_end(source, start_line));
        let mut end_line = lines.line_of(end);
        let mut end = end.min(lines.content_end(source, end_line)).max(start);
        let mut shortened_from = None;
        if end_line - start_line >= SPAN_LINES {
            shortened_from = Some(end_line);
            end_line = start_line + SPAN_LINES - 1;
            end = lines.content_end(source, end_line);
        }
        Shown {
            start,
            end,
            start_line,
            end_line,
            shortened_from,
            position: span.start,
        }
    }
}

/// `byte` moved into `text` and back onto a character boundary.
fn floor_boundary(text: &str, byte: usize) -> usize {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    byte
}

/// The byte `count` characters before `from`, or `floor` if that comes first.
fn chars_back(text: &str, floor: usize, from: usize, count: usize) -> usize {
    text[floor..from]
        .char_indices()
        .rev()
        .take(count)
        .last()
        .map_or(from, |(at, _)| floor + at)
}

/// The byte `count` characters after `from`, or `ceiling` if that comes first.
fn chars_forward(text: &str, from: usize, ceiling: usize, count: usize) -> usize {
    text[from..ceiling]
        .char_indices()
        .nth(count)
        .map_or(ceiling, |(at, _)| from + at)
}

/// The part of a file miette draws a finding from: some of its lines, each cut to windows
/// around the spans and escaped, under the path it is shown by.
#[derive(Debug)]
struct Excerpt {
    name: String,
    text: String,
    lines: Vec<ExcerptLine>,
    /// The 0-based column in the file of the spans that start at an offset of `text`.
    columns: HashMap<usize, usize>,
}

#[derive(Debug)]
struct ExcerptLine {
    /// Where the line starts in the excerpt's text.
    start: usize,
    /// Where the next line starts, after this one's `\n`.
    end: usize,
    /// The 0-based line of the file it shows.
    number: usize,
}

impl Excerpt {
    /// The excerpt that shows `spans`, with each span's place in it.
    fn new(
        name: &str,
        source: &str,
        lines: &LineIndex,
        spans: &[Shown],
    ) -> (Excerpt, Vec<SourceSpan>) {
        // The lines to show and the span ends on each.
        let mut shown: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for span in spans {
            let before = span.start_line.saturating_sub(CONTEXT_LINES)..span.start_line;
            let after_count = if span.shortened_from.is_some() {
                0
            } else {
                CONTEXT_LINES
            };
            let after = span.end_line + 1..=span.end_line + after_count;
            for line in before.chain(after) {
                if lines.shows_as_context(source, line) {
                    shown.entry(line).or_default();
                }
            }
            for line in span.start_line..=span.end_line {
                shown.entry(line).or_default();
            }
            shown.entry(span.start_line).or_default().push(span.start);
            shown.entry(span.end_line).or_default().push(span.end);
        }

        let mut excerpt = Excerpt {
            name: name.to_string(),
            text: String::new(),
            lines: Vec::with_capacity(shown.len()),
            columns: HashMap::new(),
        };
        let mut offsets: HashMap<usize, usize> = HashMap::new();
        // A line without span ends is cut around the column of the nearest line with some, the
        // previous one if there is one: context lines then line up with the line they surround.
        let mut anchor_column = shown
            .iter()
            .find_map(|(&line, ends)| Some(ends.iter().min()? - lines.start(line)))
            .unwrap_or(0);
        for (&line, ends) in &mut shown {
            ends.sort_unstable();
            ends.dedup();
            let start = lines.start(line);
            let end = lines.content_end(source, line);
            let anchors = if ends.is_empty() {
                vec![floor_boundary(
                    source,
                    start + anchor_column.min(end - start),
                )]
            } else {
                anchor_column = ends[0] - start;
                ends.clone()
            };
            let windows = windows(source, start, end, &anchors);
            let line_start = excerpt.text.len();
            excerpt.push_line(source, start, end, &windows, ends, &mut offsets);
            excerpt.lines.push(ExcerptLine {
                start: line_start,
                end: excerpt.text.len(),
                number: line,
            });
        }

        let places = spans
            .iter()
            .map(|span| {
                let start = offsets[&span.start];
                let end = offsets[&span.end];
                let column = usize::try_from(span.position.column.saturating_sub(1));
                excerpt.columns.entry(start).or_insert(column.unwrap_or(0));
                SourceSpan::from(start..end)
            })
            .collect();
        (excerpt, places)
    }

    /// Appends a line of `source`, `start..end`, as the parts `windows` keep of it, recording
    /// in `offsets` where each of `ends` lands.
    fn push_line(
        &mut self,
        source: &str,
        start: usize,
        end: usize,
        windows: &[(usize, usize)],
        ends: &[usize],
        offsets: &mut HashMap<usize, usize>,
    ) {
        let mut shown_to = start;
        for &(from, to) in windows {
            if from > shown_to {
                self.text.push_str(ELLIPSIS);
            }
            let mut at = from;
            for &point in ends.iter().filter(|&&point| from <= point && point <= to) {
                self.text.push_str(&printable(&source[at..point]));
                offsets.entry(point).or_insert(self.text.len());
                at = point;
            }
            self.text.push_str(&printable(&source[at..to]));
            shown_to = to;
        }
        if shown_to < end {
            self.text.push_str(ELLIPSIS);
        }
        self.text.push('\n');
    }
}

/// The parts of the line `start..end` of `source` to show, in order and apart: all of it if it
/// is short, otherwise `WINDOW` characters on each side of each anchor.
fn windows(source: &str, start: usize, end: usize, anchors: &[usize]) -> Vec<(usize, usize)> {
    if source[start..end].chars().nth(WHOLE_LINE).is_none() {
        return vec![(start, end)];
    }
    let mut windows: Vec<(usize, usize)> = Vec::with_capacity(anchors.len());
    for &anchor in anchors {
        let from = chars_back(source, start, anchor, WINDOW);
        let to = chars_forward(source, anchor, end, WINDOW);
        match windows.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => windows.push((from, to)),
        }
    }
    windows
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset();
        let end = start + span.len();
        if end > self.text.len() || self.lines.is_empty() {
            return Err(MietteError::OutOfBounds);
        }
        let line_at = |offset: usize| {
            self.lines
                .partition_point(|line| line.start <= offset)
                .saturating_sub(1)
        };
        let mut first = line_at(start);
        // As miette reads spans, one that ends where a line starts does not reach into it.
        let mut last = line_at(end.saturating_sub(1).max(start));
        let follows = |line: usize| self.lines[line].number == self.lines[line - 1].number + 1;
        // The lines of an excerpt need not follow each other in the file, and miette numbers
        // the lines it reads one after the other: a span across a gap cannot be read.
        if !(first + 1..=last).all(follows) {
            return Err(MietteError::OutOfBounds);
        }
        for _ in 0..context_lines_before {
            if first == 0 || !follows(first) {
                break;
            }
            first -= 1;
        }
        for _ in 0..context_lines_after {
            if last + 1 == self.lines.len() || !follows(last + 1) {
                break;
            }
            last += 1;
        }
        let (from, to) = (self.lines[first].start, self.lines[last].end);
        // miette shows the column of a read without context before it in the frame's header:
        // the span's column in the file, in characters as the other formats count it.
        let column = if context_lines_before == 0 {
            self.columns.get(&start).copied().unwrap_or(0)
        } else {
            0
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[from..to],
            SourceSpan::from(from..to),
            self.lines[first].number,
            column,
            last - first + 1,
        )))
    }
}

/// A diagnostic as miette sees it: its texts escaped, its spans placed in its excerpt.
#[derive(Debug)]
struct Finding<'a> {
    diagnostic: &'a Diagnostic,
    message: String,
    help: String,
    url: Option<String>,
    excerpt: Excerpt,
    /// The message of each span, the diagnostic's first, then its labels', with where it is
    /// in the excerpt.
    labels: Vec<(String, SourceSpan)>,
}

impl<'a> Finding<'a> {
    fn new(
        name: &str,
        source: &str,
        lines: &LineIndex,
        diagnostic: &'a Diagnostic,
        url: Option<String>,
    ) -> Finding<'a> {
        let spans: Vec<Shown> = iter::once(&diagnostic.span)
            .chain(diagnostic.labels.iter().map(|label| &label.span))
            .map(|span| Shown::new(source, lines, span))
            .collect();
        let (excerpt, places) = Excerpt::new(name, source, lines, &spans);
        let message = printable(&diagnostic.message).into_owned();
        let texts = iter::once(&diagnostic.message)
            .chain(diagnostic.labels.iter().map(|label| &label.message));
        let labels = texts
            .zip(&spans)
            .zip(places)
            .map(|((text, span), place)| {
                let mut text = printable(text).into_owned();
                if let Some(last_line) = span.shortened_from {
                    text.push_str(&format!(" (the span goes on to line {})", last_line + 1));
                }
                (text, place)
            })
            .collect();
        Finding {
            diagnostic,
            message,
            help: printable(&diagnostic.help).into_owned(),
            url,
            excerpt,
            labels,
        }
    }
}

impl fmt::Display for Finding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
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
        (!self.help.is_empty()).then(|| Box::new(&self.help) as Box<dyn fmt::Display + 'a>)
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url
            .as_ref()
            .map(|url| Box::new(url) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.excerpt)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().enumerate().map(
            |(index, (text, place))| {
                let text = Some(text.clone());
                if index == 0 {
                    LabeledSpan::new_primary_with_span(text, *place)
                } else {
                    LabeledSpan::new_with_span(text, *place)
                }
            },
        )))
    }
}

#[cfg(test)]
mod tests {
    use lint500_core::Label;

    use super::*;

    fn span(line: u32, column: u32, start_byte: usize, end_byte: usize) -> Span {
        let position = Position { line, column };
        Span {
            start_byte,
            end_byte,
            start: position,
            end: position,
        }
    }

    fn diagnostic(span: Span, labels: Vec<Label>) -> Diagnostic {
        Diagnostic {
            rule: "swallowed-catch",
            severity: Severity::Warning,
            message: "the error is swallowed".into(),
            help: String::new(),
            span,
            labels,
            fix: None,
        }
    }

    fn excerpt_of(source: &str, diagnostic: &Diagnostic) -> (Excerpt, Vec<SourceSpan>) {
        let lines = LineIndex::new(source);
        let spans: Vec<Shown> = iter::once(&diagnostic.span)
            .chain(diagnostic.labels.iter().map(|label| &label.span))
            .map(|span| Shown::new(source, &lines, span))
            .collect();
        Excerpt::new("a.js", source, &lines, &spans)
    }

    fn text_at<'a>(excerpt: &'a Excerpt, place: &SourceSpan) -> &'a str {
        &excerpt.text[place.offset()..place.offset() + place.len()]
    }

    /// miette is given a window of a long line, whatever the length of the line, and of the
    /// span on it.
    #[test]
    fn a_long_line_is_cut_to_windows_around_the_spans() {
        let source = format!(
            "{}catch (e) {{}}{}\n{}\n",
            "x".repeat(1_000_000),
            "y".repeat(1_000_000),
            "z".repeat(1_000_000)
        );
        let start = 1_000_000;
        let finding = diagnostic(span(1, 1_000_001, start, start + 500_000), Vec::new());
        let (excerpt, places) = excerpt_of(&source, &finding);
        assert!(excerpt.text.len() < 1_000, "{}", excerpt.text.len());
        let lines: Vec<&str> = excerpt.text.lines().collect();
        assert_eq!(lines.len(), 2, "the span's line and the one after");
        // 40 characters before the start, 40 after it, the cut, 40 before the end, 40 after.
        assert_eq!(
            lines[0],
            format!(
                "…{}catch (e) {{}}{}…{}…",
                "x".repeat(40),
                "y".repeat(40 - 12),
                "y".repeat(80)
            )
        );
        // The context line is cut at the span's column, as far as it reaches.
        assert_eq!(lines[1], format!("…{}", "z".repeat(40)));
        assert!(text_at(&excerpt, &places[0]).starts_with("catch (e) {}y"));
        assert_eq!(excerpt.columns[&places[0].offset()], 1_000_000);
        let header = excerpt.read_span(&places[0], 0, 0).unwrap();
        assert_eq!((header.line(), header.column()), (0, 1_000_000));
    }

    #[test]
    fn short_lines_are_shown_whole_and_escaped() {
        let source = "a\u{1b}[2J\n\tb();\r\nc\u{202e}d\re\n";
        let b = source.find('b').unwrap();
        let finding = diagnostic(span(2, 2, b, b + 3), Vec::new());
        let (excerpt, places) = excerpt_of(source, &finding);
        assert_eq!(
            excerpt.text, "a\\u{1b}[2J\n\tb();\nc\\u{202e}d\\re\n",
            "CRLF ends a line, a lone CR is escaped"
        );
        assert_eq!(text_at(&excerpt, &places[0]), "b()");
    }

    /// A span over many lines is shown through its first lines, and nothing after them is read
    /// as its context.
    #[test]
    fn a_span_over_many_lines_is_shortened() {
        let source: String = (1..=100_000).map(|line| format!("line {line}\n")).collect();
        let end = source.len() - 1;
        let label_at = source.find("line 50000").unwrap();
        let finding = diagnostic(
            span(1, 1, 0, end),
            vec![Label {
                span: span(50_000, 1, label_at, label_at + 4),
                message: "here".into(),
            }],
        );
        let (excerpt, places) = excerpt_of(&source, &finding);
        let numbers: Vec<usize> = excerpt.lines.iter().map(|line| line.number).collect();
        assert_eq!(numbers, [0, 1, 2, 3, 4, 5, 49_998, 49_999, 50_000]);
        assert_eq!(
            text_at(&excerpt, &places[0]),
            "line 1\nline 2\nline 3\nline 4\nline 5\nline 6"
        );
        assert_eq!(text_at(&excerpt, &places[1]), "line");

        // The lines of the label follow those of the span in the excerpt, not in the file: a
        // read across them would number them wrong, so it fails.
        let across = SourceSpan::from(places[0].offset()..places[1].offset() + 1);
        assert!(excerpt.read_span(&across, 1, 1).is_err());
        let context = excerpt.read_span(&places[1], 1, 1).unwrap();
        assert_eq!((context.line(), context.line_count()), (49_998, 3));
        let context = excerpt.read_span(&places[0], 1, 1).unwrap();
        assert_eq!((context.line(), context.line_count()), (0, 6));
    }

    #[test]
    fn a_drawing_that_fails_or_could_inject_gives_way_to_the_concise_line() {
        let finding = diagnostic(span(3, 7, 0, 0), Vec::new());
        let concise = "a.js:3:7: warning[swallowed-catch] the error is swallowed\n";
        assert_eq!(
            drawn_or_concise("a.js", &finding, || Some("ok\n".into())),
            "ok\n"
        );
        assert_eq!(drawn_or_concise("a.js", &finding, || None), concise);
        assert_eq!(
            drawn_or_concise("a.js", &finding, || Some("ok\n  ::error::x\n".into())),
            concise
        );
        assert_eq!(
            drawn_or_concise("a.js", &finding, || Some("ok\r::error::x\n".into())),
            concise
        );
        assert_eq!(
            drawn_or_concise("a.js", &finding, || panic!(
                "Formatting argument out of range"
            )),
            concise
        );
    }
}
