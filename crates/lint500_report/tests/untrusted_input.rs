//! Reports of files written by strangers: lint500 runs in CI on pull requests, so the paths,
//! the source text and the messages quoting it are hostile input.

use std::path::Path;

use lint500_core::{Diagnostic, Label, Position, Severity, Span};
use lint500_report::{FileReport, Format, Report, ReportOptions, RunNotice, write_report};
use serde_json::Value;

/// Text that would start GitHub workflow commands on new lines, and paint the terminal red.
const INJECTION: &str = "x\n::error title=x::pwned\r::warning::x \u{1b}[31mred";

const FORMATS: [Format; 7] = [
    Format::Pretty,
    Format::Concise,
    Format::Json,
    Format::Sarif,
    Format::Github,
    Format::Gitlab,
    Format::Junit,
];

const PLAIN: ReportOptions = ReportOptions {
    color: false,
    width: 100,
};

const COLORED: ReportOptions = ReportOptions {
    color: true,
    width: 100,
};

fn position(source: &str, byte: usize) -> Position {
    let before = &source[..byte];
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    Position {
        line: u32::try_from(before.matches('\n').count() + 1).unwrap(),
        column: u32::try_from(before[line_start..].chars().count() + 1).unwrap(),
    }
}

fn span(source: &str, start_byte: usize, end_byte: usize) -> Span {
    Span {
        start_byte,
        end_byte,
        start: position(source, start_byte),
        end: position(source, end_byte),
    }
}

fn span_of(source: &str, needle: &str) -> Span {
    let start = source
        .find(needle)
        .expect("the needle occurs in the source");
    span(source, start, start + needle.len())
}

fn render(
    format: Format,
    files: &[FileReport<'_>],
    notices: &[RunNotice<'_>],
    options: &ReportOptions,
) -> String {
    let report = Report {
        files,
        rules: &[],
        notices,
        root: Path::new("/srv/shop"),
        sarif_category: None,
    };
    let mut out = Vec::new();
    write_report(&mut out, format, &report, options).unwrap();
    String::from_utf8(out).unwrap()
}

fn swallowed(span: Span, labels: Vec<Label>) -> Diagnostic {
    Diagnostic {
        rule: "swallowed-catch",
        severity: Severity::Warning,
        message: format!("swallowed {INJECTION}"),
        help: format!("rethrow {INJECTION}"),
        span,
        labels,
        fix: None,
    }
}

#[test]
fn no_line_of_any_format_starts_a_workflow_command() {
    // The source text itself holds the injection, in a string and on a line of its own.
    let source = format!("try {{\n  f(\"{INJECTION}\");\n}} catch (e) {{}}\n::warning::x\n");
    let label = Label {
        span: span_of(&source, "f("),
        message: format!("thrown here {INJECTION}"),
    };
    let diagnostics = [
        swallowed(span_of(&source, "catch (e) {}"), vec![label]),
        Diagnostic {
            severity: Severity::Error,
            ..swallowed(span_of(&source, "::error"), Vec::new())
        },
    ];
    let injected_path = format!("src/{INJECTION}.js");
    let files = [
        FileReport {
            path: Path::new(&injected_path),
            source: &source,
            diagnostics: &diagnostics,
        },
        // A path that would itself start a concise line with `::`.
        FileReport {
            path: Path::new("::error title=x::pwned.js"),
            source: &source,
            diagnostics: &diagnostics[..1],
        },
    ];
    let notices = [RunNotice {
        path: Path::new(&injected_path),
        severity: Severity::Error,
        message: INJECTION,
    }];
    let findings = 3;

    for format in FORMATS {
        for options in [PLAIN, COLORED] {
            let output = render(format, &files, &notices, &options);
            let commands: Vec<&str> = output
                .split(['\n', '\r'])
                .filter(|line| line.trim_start().starts_with("::"))
                .collect();
            if format != Format::Github {
                assert_eq!(commands, [] as [&str; 0], "{format:?}:\n{output}");
                continue;
            }
            // Only lint500's own annotations, one per finding, all of the injected text
            // escaped inside them.
            assert_eq!(commands.len(), findings, "{output}");
            assert!(
                output.lines().all(|line| commands.contains(&line)),
                "{output}"
            );
            let escaped_path =
                "src/x%0A%3A%3Aerror title=x%3A%3Apwned%0D%3A%3Awarning%3A%3Ax \u{1b}[31mred.js";
            let message = r"swallowed x\n::error title=x::pwned\r::warning::x \u{1b}[31mred";
            let help = r"%0Ahelp: rethrow x\n::error title=x::pwned\r::warning::x \u{1b}[31mred";
            for (command, expected) in commands.iter().zip(["warning", "error"]) {
                assert!(
                    command.starts_with(&format!("::{expected} file={escaped_path},line=")),
                    "{command}"
                );
                assert!(
                    command.ends_with(&format!("::{message}{help}")),
                    "{command}"
                );
            }
            assert!(commands[2].starts_with("::warning file=%3A%3Aerror title=x%3A%3Apwned.js,"));
        }
    }

    for format in [Format::Pretty, Format::Concise] {
        let output = render(format, &files, &notices, &PLAIN);
        assert!(!output.contains('\u{1b}'), "{format:?}: {output:?}");
        assert!(!output.contains('\r'), "{format:?}: {output:?}");
        assert!(output.contains(r"\u{1b}[31mred"), "{format:?}: {output:?}");
    }
    let concise = render(Format::Concise, &files, &notices, &PLAIN);
    assert!(
        concise.starts_with(
            r"src/x\n::error title=x::pwned\r::warning::x \u{1b}[31mred.js:4:3: warning[swallowed-catch] swallowed x\n::error"
        ),
        "{concise}"
    );
    assert!(
        concise.contains("\n./::error title=x::pwned.js:4:3: warning"),
        "{concise}"
    );

    let pretty = render(Format::Pretty, &files, &notices, &PLAIN);
    assert_eq!(
        pretty.matches("╭─[").count(),
        findings,
        "drawn, not the fallback"
    );
    assert!(
        pretty.contains(r"╭─[src/x\n::error title=x::pwned\r::warning::x \u{1b}[31mred.js:4:3]"),
        "{pretty}"
    );
    assert!(pretty.contains(r"╰── thrown here x\n::error"), "{pretty}");
    assert!(pretty.contains(r"help: rethrow x\n::error"), "{pretty}");
    // The source's own lines are drawn behind their numbers, its lone CR and ESC escaped.
    assert!(
        pretty.contains(r#" 3 │ ::error title=x::pwned\r::warning::x \u{1b}[31mred");"#),
        "{pretty}"
    );
    assert!(pretty.contains(" 5 │ ::warning::x\n"), "{pretty}");

    // The machine formats keep the text as it is, in their own escaping.
    let json: Vec<Value> =
        serde_json::from_str(&render(Format::Json, &files, &notices, &PLAIN)).unwrap();
    assert_eq!(json[0]["message"], format!("swallowed {INJECTION}"));
    assert_eq!(json[0]["path"], injected_path.as_str());
    let junit = render(Format::Junit, &files, &notices, &PLAIN);
    let document = roxmltree::Document::parse(&junit).unwrap();
    let failure = document
        .descendants()
        .find(|node| node.has_tag_name("failure"))
        .unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some(
            "4:3: warning[swallowed-catch] swallowed x\n::error title=x::pwned\r::warning::x \u{FFFD}[31mred"
        )
    );
}

/// The file of the report that made miette panic ("Formatting argument out of range"): a
/// finding past column 65,535.
#[test]
fn a_finding_past_column_65535_is_drawn() {
    let source = format!("{}try {{ f(); }} catch (e) {{}}", " ".repeat(65_535));
    let diagnostics = [swallowed(span_of(&source, "catch (e) {}"), Vec::new())];
    let files = [FileReport {
        path: Path::new("src/wide.js"),
        source: &source,
        diagnostics: &diagnostics,
    }];
    let pretty = render(Format::Pretty, &files, &[], &PLAIN);
    assert!(pretty.contains("╭─[src/wide.js:1:65549]"), "{pretty}");
    assert!(pretty.contains(" 1 │ …"), "{pretty}");
    assert!(pretty.contains("try { f(); } catch (e) {}\n"), "{pretty}");
    assert!(pretty.len() < 2_000, "{pretty}");
}

/// A 2 MB line with a finding at column 70,000, and a label on the same line far after it:
/// each is shown in a window, and the report stays small.
#[test]
fn a_finding_on_a_2_mb_line_is_shown_in_a_window() {
    let source = format!(
        "{}catch (e) {{}}{}await{}\nmore();\n",
        "x".repeat(69_999),
        "y".repeat(1_000_000),
        "z".repeat(1_000_000)
    );
    let label = Label {
        span: span_of(&source, "await"),
        message: "this can reject".into(),
    };
    let diagnostics = [swallowed(span_of(&source, "catch (e) {}"), vec![label])];
    let files = [FileReport {
        path: Path::new("src/min.js"),
        source: &source,
        diagnostics: &diagnostics,
    }];
    for options in [PLAIN, COLORED] {
        let pretty = render(Format::Pretty, &files, &[], &options);
        assert!(pretty.len() < 10_000, "{} bytes", pretty.len());
        assert!(pretty.contains("src/min.js:1:70000"), "{pretty}");
    }
    let pretty = render(Format::Pretty, &files, &[], &PLAIN);
    let window = format!(
        " 1 │ …{}catch (e) {{}}{}…{}await{}…\n",
        "x".repeat(40),
        "y".repeat(40),
        "y".repeat(40),
        "z".repeat(40)
    );
    assert!(pretty.contains(&window), "{pretty}");
    assert!(pretty.contains(" 2 │ more();\n"), "{pretty}");
}

/// A thousand findings on a 2 MB line: each one's frame is drawn from a window of the line,
/// so the report grows with the findings, not with the findings times the line.
#[test]
fn many_findings_on_a_long_line_each_draw_a_window() {
    let source = "f(x); ".repeat(350_000);
    let diagnostics: Vec<Diagnostic> = (0..1_000)
        .map(|index| {
            let start = index * 2_000 * 6 / 6;
            swallowed(span(&source, start, start + 4), Vec::new())
        })
        .collect();
    let files = [FileReport {
        path: Path::new("src/min.js"),
        source: &source,
        diagnostics: &diagnostics,
    }];
    let pretty = render(Format::Pretty, &files, &[], &PLAIN);
    assert_eq!(pretty.matches("╭─[").count(), 1_000);
    assert!(pretty.len() < 1_000 * 1_500, "{} bytes", pretty.len());
}

#[test]
fn a_span_over_thousands_of_lines_shows_its_first_lines() {
    let source: String = (1..=5_000)
        .map(|line| format!("  step({line});\n"))
        .collect();
    let diagnostics = [swallowed(span(&source, 0, source.len() - 1), Vec::new())];
    let files = [FileReport {
        path: Path::new("src/long.js"),
        source: &source,
        diagnostics: &diagnostics,
    }];
    let pretty = render(Format::Pretty, &files, &[], &PLAIN);
    assert!(pretty.contains(" 1 │ ╭─▶   step(1);\n"), "{pretty}");
    assert!(pretty.contains(" 6 │ ├─▶   step(6);\n"), "{pretty}");
    assert!(!pretty.contains("step(7)"), "{pretty}");
    assert!(
        pretty.contains("(the span goes on to line 5000)"),
        "{pretty}"
    );
    assert!(pretty.lines().count() < 20, "{pretty}");
}

#[test]
fn control_characters_in_the_source_are_escaped_in_the_frame() {
    let source = "const a = \"\u{1b}]8;;https://x.io\u{7}\u{202e}evil\u{85}\";\r\ntry { f(); } catch (e) {}\r\n";
    let diagnostics = [swallowed(span_of(source, "catch (e) {}"), Vec::new())];
    let files = [FileReport {
        path: Path::new("src/a.js"),
        source,
        diagnostics: &diagnostics,
    }];
    let pretty = render(Format::Pretty, &files, &[], &PLAIN);
    assert!(
        pretty.contains(r#" 1 │ const a = "\u{1b}]8;;https://x.io\u{7}\u{202e}evil\u{85}";"#),
        "{pretty}"
    );
    assert!(
        pretty.contains(" 2 │ try { f(); } catch (e) {}\n"),
        "{pretty}"
    );
    assert!(
        !pretty.contains(['\u{1b}', '\u{7}', '\u{202e}', '\u{85}', '\r']),
        "{pretty:?}"
    );
    // The underline is under the span, whatever the escaping did to the line before it.
    assert!(
        pretty.contains(" 2 │ try { f(); } catch (e) {}\n   ·              ──────┬─────\n"),
        "{pretty}"
    );
}

/// A viewer's reading of a SARIF plain text message (§3.11.6): the text it shows and the
/// embedded links, `[text](id)`, it finds in it. `\` escapes the next character.
fn read_sarif_message(message: &str) -> (String, Vec<(String, String)>) {
    let chars: Vec<char> = message.chars().collect();
    let (mut shown, mut links) = (String::new(), Vec::new());
    let mut at = 0;
    while at < chars.len() {
        match chars[at] {
            '\\' if at + 1 < chars.len() => {
                shown.push(chars[at + 1]);
                at += 2;
            }
            '[' => {
                // An unescaped `[`: a link if an unescaped `]` and `(id)` follow.
                let mut text = String::new();
                let mut end = at + 1;
                while end < chars.len() && chars[end] != ']' {
                    if chars[end] == '\\' && end + 1 < chars.len() {
                        end += 1;
                    }
                    text.push(chars[end]);
                    end += 1;
                }
                let rest: String = chars[(end + 1).min(chars.len())..].iter().collect();
                match rest.strip_prefix('(').and_then(|rest| rest.split_once(')')) {
                    Some((target, _)) if end < chars.len() => {
                        shown.push_str(&text);
                        links.push((text, target.to_string()));
                        at = end + 2 + target.chars().count() + 1;
                    }
                    _ => {
                        shown.push('[');
                        at += 1;
                    }
                }
            }
            ch => {
                shown.push(ch);
                at += 1;
            }
        }
    }
    (shown, links)
}

#[test]
fn sarif_messages_cannot_be_made_into_links() {
    let link = r"\[a\](https://x.io) [b](https://x.io) c:\d";
    let source = "try { f(); } catch (e) {}\n";
    let label = Label {
        span: span_of(source, "f()"),
        message: format!("thrown {link}"),
    };
    let diagnostics = [Diagnostic {
        message: format!("swallowed {link}"),
        ..swallowed(span_of(source, "catch (e) {}"), vec![label])
    }];
    let files = [FileReport {
        path: Path::new("src/[x](https:/y).js"),
        source,
        diagnostics: &diagnostics,
    }];
    let notices = [RunNotice {
        path: Path::new("src/[n](https:/y).js"),
        severity: Severity::Warning,
        message: link,
    }];
    let sarif: Value =
        serde_json::from_str(&render(Format::Sarif, &files, &notices, &PLAIN)).unwrap();
    let run = &sarif["runs"][0];
    let result = &run["results"][0];

    let message = result["message"]["text"].as_str().unwrap();
    assert!(
        message.starts_with(r"swallowed \\\[a\\\](https://x.io) \[b\](https://x.io) c:\\d"),
        "{message}"
    );
    let (shown, links) = read_sarif_message(message);
    assert_eq!(
        shown,
        format!("swallowed {link}. thrown {link}."),
        "the viewer shows the text as it was"
    );
    assert_eq!(
        links,
        [(format!("thrown {link}"), "1".to_string())],
        "the only link is lint500's own, to the related location"
    );

    let related = result["relatedLocations"][0]["message"]["text"]
        .as_str()
        .unwrap();
    assert_eq!(
        read_sarif_message(related),
        (format!("thrown {link}."), Vec::new())
    );
    let notification = run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .unwrap();
    assert_eq!(
        read_sarif_message(notification),
        (format!("src/[n](https:/y).js: {link}."), Vec::new())
    );
}
