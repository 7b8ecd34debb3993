//! Where `lint500-ignore` comments are written: by the language server's "Ignore <rule>"
//! quick fixes and by `lint500 --add-ignore`, one placement for both.
//!
//! On a line: a rule is added to a `lint500-ignore:` comment that already covers the line;
//! otherwise the comment goes at the end of the line, or alone on a new line above it when the
//! line already ends with a comment (one comment holding another would hide the directive from
//! a reader, and a `-- reason` in the old comment would swallow it). In the file: a rule is
//! added to an existing `lint500-ignore-file:` comment, or a new one goes at the top, below a
//! shebang and Python's coding declaration, which must stay on the first lines.
//!
//! A comment is never placed where it would not be one: inside a string, a template literal,
//! JSX text or another comment, or after a Python line continuation. The file is parsed to
//! know; when no place on the line is safe, no fix is offered for the line.

use std::ops::Range;

use lint500_core::Language;
use tree_sitter::Tree;

use crate::grammar::parse;
use crate::suppression::{FILE_DIRECTIVE, LINE_DIRECTIVE, directive};

/// Text to insert at a byte offset.
#[derive(Debug, PartialEq, Eq)]
pub struct Insertion {
    pub at: usize,
    pub text: String,
}

/// A document parsed once to place suppression comments in it.
pub struct Suppressor<'a> {
    index: Lines<'a>,
    language: Language,
    tree: Tree,
    /// In document order; their ends are in order too.
    comments: Vec<Range<usize>>,
    /// The `lint500-ignore:` comments by the line each covers, found once: a code action
    /// request may name a finding on every line.
    line_directives: Vec<(usize, Range<usize>)>,
    line_break: &'static str,
}

impl<'a> Suppressor<'a> {
    /// `None` when the parser refuses the text (see `lint500_engine::parse`).
    pub fn new(text: &'a str, language: Language) -> Option<Suppressor<'a>> {
        let tree = parse(text, language).ok()?;
        let comments = comments(&tree);
        let index = Lines::new(text);
        let mut line_directives: Vec<(usize, Range<usize>)> = comments
            .iter()
            .filter_map(|comment| Some((covered_line(&index, comment)?, comment.clone())))
            .collect();
        // Stable: the first of two directives on one line is the one extended, as before.
        line_directives.sort_by_key(|(line, _)| *line);
        Some(Suppressor {
            index,
            language,
            tree,
            comments,
            line_directives,
            line_break: if text.contains("\r\n") { "\r\n" } else { "\n" },
        })
    }

    /// Suppresses `rule` on 0-based `line`; `None` when it already is or no place is safe.
    pub fn ignore_on_line(&self, line: usize, rule: &str) -> Option<Insertion> {
        self.ignore_rules_on_line(line, &[rule], None, &[])
    }

    /// Suppresses `rules` on 0-based `line`, a new comment giving `reason` after ` -- `;
    /// `None` when all of them already are or no place is safe. A comment that covers the
    /// line already gets the rules it lacks, and keeps its own reason. A comment goes above
    /// rather than at the end of the line when the end lies inside one of the `flagged` byte
    /// ranges (the findings'): a comment inside an empty `catch` block would change the code
    /// the rule judges.
    pub fn ignore_rules_on_line(
        &self,
        line: usize,
        rules: &[&str],
        reason: Option<&str>,
        flagged: &[Range<usize>],
    ) -> Option<Insertion> {
        let text = self.index.text();
        let bytes = self.index.line_bytes(line)?;
        if let Some(comment) = self.line_directive_covering(line) {
            return add_to_directive(text, comment, LINE_DIRECTIVE, rules);
        }
        let rule = rules.join(", ");
        let rule = match reason {
            Some(reason) => format!("{rule} -- {reason}"),
            None => rule,
        };
        let code_end = bytes.start + text[bytes.clone()].trim_end().len();
        let ends_with_comment = self
            .comments
            .get(
                self.comments
                    .partition_point(|comment| comment.end < code_end),
            )
            .is_some_and(|comment| comment.end == code_end && comment.start >= bytes.start);
        let directive = format!("{} {LINE_DIRECTIVE} {rule}", self.comment_marker());
        let at_end = || {
            let continued = self.language == Language::Python && text[..code_end].ends_with('\\');
            (!continued && self.is_code(bytes.end)).then(|| Insertion {
                at: code_end,
                text: format!("{}{directive}", self.inline_gap()),
            })
        };
        let above = || {
            let previous_continues = self.language == Language::Python
                && text[..bytes.start]
                    .trim_end_matches(['\n', '\r'])
                    .ends_with('\\');
            let safe = bytes.start == 0 || self.is_code(bytes.start - 1);
            let indent_len = text[bytes.clone()].len() - text[bytes.clone()].trim_start().len();
            let indent = &text[bytes.start..bytes.start + indent_len];
            (safe && !previous_continues).then(|| Insertion {
                at: bytes.start,
                text: format!("{indent}{directive}{}", self.line_break),
            })
        };
        // Between JSX children neither `//` nor a line above is a comment; a JSX expression
        // holding a block comment is, and is read as a comment after code on its line.
        let in_jsx = || {
            self.in_jsx_children(code_end).then(|| Insertion {
                at: code_end,
                text: format!(" {{/* {LINE_DIRECTIVE} {rule} */}}"),
            })
        };
        let inside_finding = flagged
            .iter()
            .any(|range| range.start < code_end && code_end < range.end);
        if ends_with_comment {
            above()
        } else if inside_finding {
            above().or_else(at_end).or_else(in_jsx)
        } else {
            at_end().or_else(above).or_else(in_jsx)
        }
    }

    /// Whether byte `at` lies between the children of a JSX element, where `{…}` may go.
    fn in_jsx_children(&self, at: usize) -> bool {
        let text = self.index.text();
        if !self.language.is_javascript_like() || at >= text.len() || at == 0 {
            return false;
        }
        let node = self.tree.root_node().descendant_for_byte_range(at, at + 1);
        node.is_some_and(|node| matches!(node.kind(), "jsx_text" | "jsx_element"))
    }

    /// Suppresses `rule` in the whole file; `None` when it already is.
    pub fn ignore_in_file(&self, rule: &str) -> Option<Insertion> {
        let text = self.index.text();
        if let Some(comment) = self
            .comments
            .iter()
            .find(|comment| text[(*comment).clone()].contains(FILE_DIRECTIVE))
        {
            return add_to_directive(text, comment, FILE_DIRECTIVE, &[rule]);
        }
        let mut line = usize::from(text.starts_with("#!"));
        let is_coding_line = |line: usize| {
            self.index.line_bytes(line).is_some_and(|bytes| {
                let line = text[bytes].trim_start();
                line.starts_with('#') && (line.contains("coding:") || line.contains("coding="))
            })
        };
        if self.language == Language::Python && is_coding_line(line) {
            line += 1;
        }
        let directive = format!("{} {FILE_DIRECTIVE} {rule}", self.comment_marker());
        Some(match self.index.line_bytes(line) {
            Some(bytes) => Insertion {
                at: bytes.start,
                text: format!("{directive}{}", self.line_break),
            },
            // The file is only a shebang (and coding) line without a final line break.
            None => Insertion {
                at: text.len(),
                text: format!("{}{directive}", self.line_break),
            },
        })
    }

    /// A `lint500-ignore:` comment that covers `line`: at the end of it, or alone above it.
    fn line_directive_covering(&self, line: usize) -> Option<&Range<usize>> {
        let first = self
            .line_directives
            .partition_point(|(covered, _)| *covered < line);
        self.line_directives
            .get(first)
            .filter(|(covered, _)| *covered == line)
            .map(|(_, comment)| comment)
    }

    /// Whether a comment may start at byte `at`: not inside a string, template literal, JSX
    /// text or comment (an interpolation inside those is code again).
    fn is_code(&self, at: usize) -> bool {
        if at >= self.index.text().len() {
            return true;
        }
        let mut node = self.tree.root_node().descendant_for_byte_range(at, at + 1);
        while let Some(current) = node {
            match current.kind() {
                "template_substitution" | "jsx_expression" | "interpolation" => return true,
                "string"
                | "template_string"
                | "comment"
                | "jsx_text"
                | "jsx_element"
                | "jsx_opening_element"
                | "jsx_closing_element"
                | "jsx_self_closing_element" => {
                    return false;
                }
                _ => node = current.parent(),
            }
        }
        true
    }

    fn comment_marker(&self) -> &'static str {
        match self.language {
            Language::Python => "#",
            Language::JavaScript | Language::TypeScript | Language::Tsx => "//",
        }
    }

    /// Before a comment that ends a line of code: two spaces in Python (PEP 8), one in
    /// JavaScript (Prettier).
    fn inline_gap(&self) -> &'static str {
        match self.language {
            Language::Python => "  ",
            Language::JavaScript | Language::TypeScript | Language::Tsx => " ",
        }
    }
}

/// Where each line of a text starts.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Lines { text, starts }
    }

    fn text(&self) -> &'a str {
        self.text
    }

    /// The 0-based line holding byte `offset` (clamped to the text).
    fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.starts.partition_point(|&start| start <= offset) - 1
    }

    /// The byte range of 0-based `line` without its line break, or `None` past the last line.
    fn line_bytes(&self, line: usize) -> Option<Range<usize>> {
        let start = *self.starts.get(line)?;
        let next = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let content = &self.text[start..next];
        let end = start + content.trim_end_matches('\n').trim_end_matches('\r').len();
        Some(start..end)
    }
}

/// The line a `lint500-ignore:` comment covers, if `comment` is one: alone on its line, the
/// next line; after code, its own (the engine's rule).
fn covered_line(index: &Lines, comment: &Range<usize>) -> Option<usize> {
    let text = index.text();
    let body = &text[comment.clone()];
    if !body.contains(LINE_DIRECTIVE) || body.contains(FILE_DIRECTIVE) {
        return None;
    }
    let start_line = index.line_of(comment.start);
    let line_start = index
        .line_bytes(start_line)
        .map_or(comment.start, |bytes| bytes.start);
    let alone = text[line_start..comment.start].trim().is_empty();
    Some(if alone {
        index.line_of(comment.end) + 1
    } else {
        start_line
    })
}

/// Adds `rules` to the rule list after `marker` in `comment`, before any ` -- reason` or
/// `*/`, reading the list as the engine does; `None` when every rule is listed already.
fn add_to_directive(
    text: &str,
    comment: &Range<usize>,
    marker: &str,
    rules: &[&str],
) -> Option<Insertion> {
    let body = &text[comment.clone()];
    let listed = directive(body, marker)?;
    let list_start = body.find(marker)? + marker.len();
    let rest = body[list_start..].trim_end().trim_end_matches("*/");
    let list = rest.split(" --").next().unwrap_or(rest).trim_end();
    let mut missing: Vec<&str> = rules
        .iter()
        .copied()
        .filter(|rule| !listed.iter().any(|id| id == rule))
        .collect();
    missing.dedup();
    if missing.is_empty() {
        return None;
    }
    let separator = if listed.is_empty() { " " } else { ", " };
    Some(Insertion {
        at: comment.start + list_start + list.len(),
        text: format!("{separator}{}", missing.join(", ")),
    })
}

/// The byte ranges of the comments in `tree`, in order.
fn comments(tree: &Tree) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut cursor = tree.walk();
    loop {
        if cursor.node().kind() == "comment" {
            found.push(cursor.node().byte_range());
        }
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return found;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text after applying the fix for `rule` on 1-based `line`, or `None` if none.
    fn on_line(text: &str, language: Language, line: usize) -> Option<String> {
        let insertion = Suppressor::new(text, language)?.ignore_on_line(line - 1, "rule-a")?;
        Some(apply(text, insertion))
    }

    fn in_file(text: &str, language: Language) -> Option<String> {
        let insertion = Suppressor::new(text, language)?.ignore_in_file("rule-a")?;
        Some(apply(text, insertion))
    }

    fn apply(text: &str, insertion: Insertion) -> String {
        let mut result = text.to_string();
        result.insert_str(insertion.at, &insertion.text);
        result
    }

    #[test]
    fn line_fix_goes_at_the_end_of_the_line() {
        let js = "try {\n  run();\n} catch {}  \n";
        assert_eq!(
            on_line(js, Language::JavaScript, 3).as_deref(),
            Some("try {\n  run();\n} catch {} // lint500-ignore: rule-a  \n")
        );
        let py = "try:\n    run()\nexcept Exception:\n    pass\n";
        assert_eq!(
            on_line(py, Language::Python, 3).as_deref(),
            Some("try:\n    run()\nexcept Exception:  # lint500-ignore: rule-a\n    pass\n")
        );
    }

    #[test]
    fn line_fix_goes_above_a_line_that_ends_with_a_comment() {
        let js = "function f() {\n  try { run(); } catch {} // best effort\n}\n";
        assert_eq!(
            on_line(js, Language::JavaScript, 2).as_deref(),
            Some(
                "function f() {\n  // lint500-ignore: rule-a\n  try { run(); } catch {} // best effort\n}\n"
            )
        );
        let crlf = "x()\r\ntry:\r\n    run()\r\nexcept:  # why\r\n    pass\r\n";
        assert_eq!(
            on_line(crlf, Language::Python, 4).as_deref(),
            Some(
                "x()\r\ntry:\r\n    run()\r\n# lint500-ignore: rule-a\r\nexcept:  # why\r\n    pass\r\n"
            )
        );
    }

    #[test]
    fn line_fix_extends_a_directive_that_covers_the_line() {
        let trailing = "a(); // lint500-ignore: other -- reason\n";
        assert_eq!(
            on_line(trailing, Language::JavaScript, 1).as_deref(),
            Some("a(); // lint500-ignore: other, rule-a -- reason\n")
        );
        let above = "/* lint500-ignore: other */\na();\n";
        assert_eq!(
            on_line(above, Language::TypeScript, 2).as_deref(),
            Some("/* lint500-ignore: other, rule-a */\na();\n")
        );
        let listed = "a(); // lint500-ignore: rule-a\n";
        assert_eq!(on_line(listed, Language::JavaScript, 1), None);
    }

    #[test]
    fn several_rules_and_a_reason_go_in_one_comment() {
        let js = "a();\nb(); // lint500-ignore: rule-a -- kept\n";
        let suppressor = Suppressor::new(js, Language::JavaScript).expect("parses");
        let fixed = |line, reason| {
            let insertion =
                suppressor.ignore_rules_on_line(line, &["rule-a", "rule-b"], reason, &[])?;
            Some(apply(js, insertion))
        };
        assert_eq!(
            fixed(0, Some("TODO")).as_deref(),
            Some(
                "a(); // lint500-ignore: rule-a, rule-b -- TODO\nb(); // lint500-ignore: rule-a -- kept\n"
            )
        );
        // A comment covering the line gets the missing rule and keeps its reason.
        assert_eq!(
            fixed(1, Some("TODO")).as_deref(),
            Some("a();\nb(); // lint500-ignore: rule-a, rule-b -- kept\n")
        );
        let py = "x = f()  # why\n";
        let insertion = Suppressor::new(py, Language::Python)
            .and_then(|s| s.ignore_rules_on_line(0, &["rule-a"], Some("TODO: check"), &[]));
        assert_eq!(
            insertion.map(|insertion| apply(py, insertion)).as_deref(),
            Some("# lint500-ignore: rule-a -- TODO: check\nx = f()  # why\n")
        );
        // The end of the line lies inside the flagged catch block: the comment goes above.
        let block = "try {\n  a();\n} catch (e) {\n}\n";
        let catch = block.find("catch").unwrap_or_default()..block.len() - 1;
        let insertion = Suppressor::new(block, Language::JavaScript)
            .and_then(|s| s.ignore_rules_on_line(2, &["rule-a"], None, &[catch]));
        assert_eq!(
            insertion
                .map(|insertion| apply(block, insertion))
                .as_deref(),
            Some("try {\n  a();\n// lint500-ignore: rule-a\n} catch (e) {\n}\n")
        );
    }

    #[test]
    fn many_directives_each_cover_their_own_line() {
        // Per block: a directive after code, one alone above code, and code without one.
        let block = |i: usize| {
            format!(
                "a{i}(); // lint500-ignore: other\n// lint500-ignore: other -- why\nb{i}();\nc{i}();\n"
            )
        };
        let js: String = (0..300).map(block).collect();
        let suppressor = Suppressor::new(&js, Language::JavaScript).expect("parses");
        let fixed_line = |line: usize| {
            let insertion = suppressor.ignore_on_line(line, "rule-a")?;
            let fixed = apply(&js, insertion);
            let touched = if line % 4 == 2 { line - 1 } else { line };
            fixed.lines().nth(touched).map(str::to_string)
        };
        for i in [0, 1, 150, 299] {
            assert_eq!(
                fixed_line(4 * i).as_deref(),
                Some(format!("a{i}(); // lint500-ignore: other, rule-a").as_str())
            );
            assert_eq!(
                fixed_line(4 * i + 2).as_deref(),
                Some("// lint500-ignore: other, rule-a -- why")
            );
            assert_eq!(
                fixed_line(4 * i + 3).as_deref(),
                Some(format!("c{i}(); // lint500-ignore: rule-a").as_str())
            );
        }
    }

    #[test]
    fn no_line_fix_inside_strings_or_after_continuations() {
        // Line 2 starts and ends inside a template literal; line 1 ends inside it.
        let template = "const s = `a\nb\nc`;\n";
        assert_eq!(on_line(template, Language::JavaScript, 2), None);
        assert_eq!(
            on_line(template, Language::JavaScript, 1).as_deref(),
            Some("// lint500-ignore: rule-a\nconst s = `a\nb\nc`;\n")
        );
        // After a line continuation a comment can end the line but not stand alone.
        let continued = "x = 1 + \\\n    2 + \\\n    3\n";
        assert_eq!(on_line(continued, Language::Python, 2), None);
        assert_eq!(
            on_line(continued, Language::Python, 3).as_deref(),
            Some("x = 1 + \\\n    2 + \\\n    3  # lint500-ignore: rule-a\n")
        );
        // Inside JSX children a `//` would be text; the fix goes above the element's line.
        let jsx = "const el = (\n  <div>\n    {items.map((i) => f(i))}\n  </div>\n);\n";
        assert_eq!(
            on_line(jsx, Language::Tsx, 3).as_deref(),
            Some(
                "const el = (\n  <div>\n    {items.map((i) => f(i))} {/* lint500-ignore: rule-a */}\n  </div>\n);\n"
            )
        );
        // Inside an opening tag's attributes there is no place.
        let attributes = "const el = (\n  <div\n    className={f()}\n  >x</div>\n);\n";
        assert_eq!(on_line(attributes, Language::JavaScript, 3), None);
        assert_eq!(
            on_line(jsx, Language::Tsx, 1).as_deref(),
            Some(
                "const el = ( // lint500-ignore: rule-a\n  <div>\n    {items.map((i) => f(i))}\n  </div>\n);\n"
            )
        );
    }

    #[test]
    fn file_fix_goes_first_after_shebang_and_coding_lines() {
        assert_eq!(
            in_file("run();\n", Language::JavaScript).as_deref(),
            Some("// lint500-ignore-file: rule-a\nrun();\n")
        );
        assert_eq!(
            in_file("#!/usr/bin/env node\nrun();\n", Language::JavaScript).as_deref(),
            Some("#!/usr/bin/env node\n// lint500-ignore-file: rule-a\nrun();\n")
        );
        assert_eq!(
            in_file(
                "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\nrun()\n",
                Language::Python
            )
            .as_deref(),
            Some(
                "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n# lint500-ignore-file: rule-a\nrun()\n"
            )
        );
        assert_eq!(
            in_file("#!/usr/bin/env node", Language::JavaScript).as_deref(),
            Some("#!/usr/bin/env node\n// lint500-ignore-file: rule-a")
        );
    }

    #[test]
    fn file_fix_extends_an_existing_file_directive() {
        let py = "import os\n# lint500-ignore-file: other\nrun()\n";
        assert_eq!(
            in_file(py, Language::Python).as_deref(),
            Some("import os\n# lint500-ignore-file: other, rule-a\nrun()\n")
        );
        let empty = "// lint500-ignore-file:\nrun();\n";
        assert_eq!(
            in_file(empty, Language::JavaScript).as_deref(),
            Some("// lint500-ignore-file: rule-a\nrun();\n")
        );
        assert_eq!(
            in_file("# lint500-ignore-file: rule-a\n", Language::Python),
            None
        );
    }
}
