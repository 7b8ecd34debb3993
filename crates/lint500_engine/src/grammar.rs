use std::cell::{Cell, RefCell};
use std::fmt;
use std::ops::ControlFlow;

use lint500_core::Language;
use tree_sitter::{ParseOptions, Parser, Tree};

pub(crate) fn grammar(language: Language) -> tree_sitter::Language {
    match language {
        Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        Language::Python => tree_sitter_python::LANGUAGE.into(),
    }
}

/// Why a text was not parsed: parsing it would abort the process or take too long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseRefusal {
    /// The Python grammar's scanner keeps its indentation stack in a fixed buffer that a file
    /// with this many distinct indentation widths could overrun (tree-sitter then aborts).
    TooManyIndentLevels { widths: usize },
    /// Error recovery went on past the budget of parser steps the text's size allows.
    OverBudget,
}

impl fmt::Display for ParseRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseRefusal::TooManyIndentLevels { widths } => write!(
                f,
                "is indented at {widths} different widths, more than the {MAX_INDENT_WIDTHS} the Python parser can follow"
            ),
            ParseRefusal::OverBudget => f.write_str(
                "could not be parsed within the parser's step budget (pathological syntax errors)",
            ),
        }
    }
}

/// The Python scanner serializes 2 + up to 255 string delimiters + 2 bytes per indentation level
/// into tree-sitter's 1,024-byte buffer, and writes past it from 384 levels on. Every level on
/// its stack is a distinct width, so fewer distinct widths than this keep it in bounds.
const MAX_INDENT_WIDTHS: usize = 383;

/// tree-sitter reports progress every 100 parser operations. Real code needs at most one
/// report per 40 bytes (the densest file of the benchmark corpus; Python and TypeScript parsed
/// as JavaScript, all syntax errors, need no more), while error recovery on pathological input
/// needs one or more per byte. Counting reports instead of measuring time gives the same
/// outcome on every machine and thread count.
const BYTES_PER_PROGRESS_REPORT: u64 = 8;
const PROGRESS_REPORTS_BASE: u64 = 10_000;

thread_local! {
    /// One parser per thread and language: creating parsers per file is measurable.
    static PARSERS: RefCell<Vec<(Language, Parser)>> = const { RefCell::new(Vec::new()) };
}

/// Parses `source` with the grammar of `language`, reusing this thread's parser; refuses texts
/// that would abort the parser or keep it busy far longer than their size warrants.
pub fn parse(source: &str, language: Language) -> Result<Tree, ParseRefusal> {
    if language == Language::Python {
        let widths = distinct_indent_widths(source.as_bytes());
        if widths > MAX_INDENT_WIDTHS {
            return Err(ParseRefusal::TooManyIndentLevels { widths });
        }
    }
    let budget = PROGRESS_REPORTS_BASE + source.len() as u64 / BYTES_PER_PROGRESS_REPORT;
    let reports = Cell::new(0u64);
    let mut progress = |_: &tree_sitter::ParseState| {
        reports.set(reports.get() + 1);
        if reports.get() > budget {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    PARSERS.with_borrow_mut(|parsers| {
        let index = match parsers.iter().position(|(lang, _)| *lang == language) {
            Some(index) => index,
            None => {
                let mut parser = Parser::new();
                parser
                    .set_language(&grammar(language))
                    .expect("the bundled grammars match the tree-sitter ABI");
                parsers.push((language, parser));
                parsers.len() - 1
            }
        };
        let parser = &mut parsers[index].1;
        let bytes = source.as_bytes();
        let tree = parser.parse_with_options(
            &mut |offset, _| bytes.get(offset..).unwrap_or_default(),
            None,
            Some(ParseOptions::new().progress_callback(&mut progress)),
        );
        tree.ok_or_else(|| {
            // A cancelled parse would otherwise resume with the next text.
            parser.reset();
            ParseRefusal::OverBudget
        })
    })
}

/// How many different indentation widths the Python scanner could measure in `source`: the
/// width (space 1, tab 8, wrapping at 2^16 as the scanner's counter does) of each run of
/// blanks after a line break, where a backslash continuation does not break the run.
fn distinct_indent_widths(source: &[u8]) -> usize {
    let mut seen = vec![0u64; 1 << 10];
    let mut count = 0;
    let mut width: Option<u16> = Some(0);
    let mut at = 0;
    while at < source.len() {
        match source[at] {
            b'\n' | b'\r' | 0x0c => width = Some(0),
            b' ' => width = width.map(|w| w.wrapping_add(1)),
            b'\t' => width = width.map(|w| w.wrapping_add(8)),
            b'\\' if width.is_some() && continues_line(&source[at + 1..]) => {
                at += if source.get(at + 1) == Some(&b'\r') {
                    2
                } else {
                    1
                };
            }
            _ => {
                if let Some(w) = width.take() {
                    let (word, bit) = (usize::from(w) / 64, w % 64);
                    if seen[word] & (1 << bit) == 0 {
                        seen[word] |= 1 << bit;
                        count += 1;
                    }
                }
            }
        }
        at += 1;
    }
    count
}

/// Whether the bytes after a backslash make it a line continuation (`\` `\r`? `\n`).
fn continues_line(after: &[u8]) -> bool {
    matches!(after, [b'\n', ..] | [b'\r', b'\n', ..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_widths_the_python_scanner_can_push() {
        assert_eq!(distinct_indent_widths(b"a\n  b\n  c\n\tb\n"), 3);
        // A continuation keeps counting: the second line is 4 wide, not 2.
        assert_eq!(distinct_indent_widths(b"x\n  \\\n  y\n"), 2);
        let nested: String = (0..400).map(|i| " ".repeat(i) + "if x:\n").collect();
        assert_eq!(distinct_indent_widths(nested.as_bytes()), 400);
    }

    #[test]
    fn refuses_python_that_would_overrun_the_scanner() {
        let nested: String = (0..511).map(|i| " ".repeat(i) + "if x:\n").collect();
        let source = nested + &" ".repeat(511) + "y = \"a\"\n";
        assert_eq!(
            parse(&source, Language::Python).unwrap_err(),
            ParseRefusal::TooManyIndentLevels { widths: 512 }
        );
        let shallow: String = (0..300).map(|i| " ".repeat(i) + "if x:\n").collect();
        let source = shallow + &" ".repeat(300) + "y = \"a\"\n";
        let tree = parse(&source, Language::Python).unwrap();
        assert!(!tree.root_node().has_error());
    }

    #[test]
    fn gives_up_on_quadratic_error_recovery_and_parses_the_next_text() {
        let stuck =
            "if (a) {} else ".repeat(4000) + "if (if (if (" + &"if (a) {} else ".repeat(4000);
        for language in [Language::JavaScript, Language::TypeScript, Language::Tsx] {
            assert_eq!(
                parse(&stuck, language).unwrap_err(),
                ParseRefusal::OverBudget
            );
            let tree = parse("let a = 1;\n", language).unwrap();
            assert_eq!(tree.root_node().end_byte(), 11);
            assert!(!tree.root_node().has_error());
        }
    }
}
