use std::path::Path;

use lint500_core::{Diagnostic, Label, Position, RuleMeta, Severity, Span};
use lint500_report::{
    ActiveRule, FileReport, Format, Report, ReportOptions, RunNotice, summary_line, write_report,
};
use serde_json::Value;

const APP_JS: &str = r#"const express = require("express");
const app = express();

app.get("/café", async (req, res) => {
  const user = await db.find(req.params.id);
  res.json({ nom: "é", name: user.name });
});
"#;

const ITEMS_PY: &str = r#"@app.get("/items/{item_id}")
async def read_item(item_id: int):
    try:
        return items[item_id]
    except Exception:
        pass
"#;

const UNHANDLED_DOC: &str = "+++\nid = \"express-unhandled-async\"\nlanguages = [\"js\", \"ts\"]\nseverity = \"error\"\nprecision = \"high\"\ntags = []\nsummary = \"s\"\n+++\n";
const NULL_DOC: &str = "+++\nid = \"null-property-access\"\nlanguages = [\"js\", \"ts\"]\nseverity = \"warning\"\nprecision = \"medium\"\ntags = []\nsummary = \"s\"\n+++\n";
const SWALLOWED_DOC: &str = "+++\nid = \"swallowed-exception\"\nlanguages = [\"py\"]\nseverity = \"warning\"\nprecision = \"high\"\ntags = []\nsummary = \"s\"\n+++\n";

/// The span of the `nth` (0-based) occurrence of `needle` in `source`, with positions counted
/// the way the engine counts them: 1-based lines, 1-based columns in characters.
fn span_of(source: &str, needle: &str, nth: usize) -> Span {
    let start_byte = source
        .match_indices(needle)
        .nth(nth)
        .map(|(at, _)| at)
        .expect("the needle occurs in the source");
    let end_byte = start_byte + needle.len();
    Span {
        start_byte,
        end_byte,
        start: position(source, start_byte),
        end: position(source, end_byte),
    }
}

fn position(source: &str, byte: usize) -> Position {
    let before = &source[..byte];
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    Position {
        line: u32::try_from(before.matches('\n').count() + 1).unwrap(),
        column: u32::try_from(before[line_start..].chars().count() + 1).unwrap(),
    }
}

fn app_diagnostics() -> Vec<Diagnostic> {
    vec![
        Diagnostic {
            rule: "express-unhandled-async",
            severity: Severity::Error,
            message: "this async handler's rejections never reach `next`".into(),
            help: "wrap the body in try/catch and call `next(err)`, or use Express 5".into(),
            span: span_of(APP_JS, "async (req, res) =>", 0),
            labels: vec![Label {
                span: span_of(APP_JS, "db.find(req.params.id)", 0),
                message: "this can reject".into(),
            }],
            fix: None,
        },
        Diagnostic {
            rule: "null-property-access",
            severity: Severity::Warning,
            message: "`user` is null when no row matches".into(),
            help: "answer 404 when `user` is null".into(),
            span: span_of(APP_JS, "user.name", 0),
            labels: Vec::new(),
            fix: None,
        },
    ]
}

fn items_diagnostics() -> Vec<Diagnostic> {
    vec![Diagnostic {
        rule: "swallowed-exception",
        severity: Severity::Warning,
        message: "the exception is swallowed and the handler answers `null`".into(),
        help: "let it propagate, or raise an HTTPException".into(),
        span: span_of(ITEMS_PY, "except Exception:\n        pass", 0),
        labels: vec![Label {
            span: span_of(ITEMS_PY, "items[item_id]", 0),
            message: "a KeyError here is swallowed".into(),
        }],
        fix: None,
    }]
}

fn metas() -> Vec<RuleMeta> {
    [UNHANDLED_DOC, NULL_DOC, SWALLOWED_DOC]
        .into_iter()
        .map(|document| RuleMeta::from_document(document).unwrap())
        .collect()
}

fn render(format: Format, files: &[FileReport<'_>], options: &ReportOptions) -> String {
    render_with_notices(format, files, &[], options)
}

fn render_with_notices(
    format: Format,
    files: &[FileReport<'_>],
    notices: &[RunNotice<'_>],
    options: &ReportOptions,
) -> String {
    let metas = metas();
    let rules: Vec<ActiveRule<'_>> = metas
        .iter()
        .map(|meta| ActiveRule {
            meta,
            severity: meta.default_severity,
        })
        .collect();
    let report = Report {
        files,
        rules: &rules,
        notices,
        root: Path::new("/srv/shop"),
        sarif_category: Some("api"),
    };
    let mut out = Vec::new();
    write_report(&mut out, format, &report, options).unwrap();
    String::from_utf8(out).unwrap()
}

const PLAIN: ReportOptions = ReportOptions {
    color: false,
    width: 100,
};

fn with_reports(check: impl FnOnce(&[FileReport<'_>])) {
    let app = app_diagnostics();
    let items = items_diagnostics();
    let files = [
        FileReport {
            path: Path::new("src/app.js"),
            source: APP_JS,
            diagnostics: &app,
        },
        FileReport {
            path: Path::new("src/items.py"),
            source: ITEMS_PY,
            diagnostics: &items,
        },
    ];
    check(&files);
}

#[test]
fn pretty_without_color() {
    with_reports(|files| {
        insta::assert_snapshot!("pretty", render(Format::Pretty, files, &PLAIN));
    });
}

#[test]
fn pretty_with_color_links_the_rule_to_its_docs() {
    with_reports(|files| {
        let colored = ReportOptions {
            color: true,
            width: 100,
        };
        let output = render(Format::Pretty, &files[..1], &colored);
        assert!(output.contains("\u{1b}["), "ANSI colors: {output:?}");
        assert!(
            output.contains(
                "\u{1b}]8;;https://github.com/lint500/lint500/blob/main/rules/express-unhandled-async.md\u{1b}\\"
            ),
            "a terminal hyperlink: {output:?}"
        );
    });
}

#[test]
fn pretty_without_color_has_no_escapes() {
    with_reports(|files| {
        let output = render(Format::Pretty, files, &PLAIN);
        assert!(!output.contains('\u{1b}'), "{output:?}");
    });
}

#[test]
fn concise() {
    with_reports(|files| {
        insta::assert_snapshot!("concise", render(Format::Concise, files, &PLAIN));
    });
}

#[test]
fn json_fields() {
    with_reports(|files| {
        let output = render(Format::Json, files, &PLAIN);
        assert!(output.ends_with("]\n"), "{output:?}");
        assert!(
            output.contains("\n  {\n    \"rule\""),
            "two-space indent: {output}"
        );
        let values: Vec<Value> = serde_json::from_str(&output).unwrap();
        assert_eq!(values.len(), 3);

        // `Value` sorts its keys, so their order is read from the text of the first object.
        let keys: Vec<&str> = output
            .lines()
            .take_while(|line| *line != "  },")
            .filter_map(|line| line.strip_prefix("    \""))
            .filter_map(|rest| rest.split_once('"'))
            .map(|(key, _)| key)
            .collect();
        assert_eq!(
            keys,
            [
                "rule",
                "severity",
                "message",
                "help",
                "path",
                "line",
                "column",
                "end_line",
                "end_column",
                "url",
                "labels"
            ]
        );
        let first = &values[0];
        assert_eq!(first["rule"], "express-unhandled-async");
        assert_eq!(first["severity"], "error");
        assert_eq!(
            first["message"],
            "this async handler's rejections never reach `next`"
        );
        assert_eq!(
            first["help"],
            "wrap the body in try/catch and call `next(err)`, or use Express 5"
        );
        assert_eq!(first["path"], "src/app.js");
        // `app.get("/café", ` is 17 characters but 18 bytes.
        assert_eq!(
            (&first["line"], &first["column"]),
            (&Value::from(4), &Value::from(18))
        );
        assert_eq!(
            (&first["end_line"], &first["end_column"]),
            (&Value::from(4), &Value::from(37))
        );
        assert_eq!(
            first["url"],
            "https://github.com/lint500/lint500/blob/main/rules/express-unhandled-async.md"
        );
        assert_eq!(
            first["labels"],
            serde_json::json!([{
                "message": "this can reject",
                "line": 5,
                "column": 22,
                "end_line": 5,
                "end_column": 44,
            }])
        );

        assert_eq!(values[1]["severity"], "warning");
        assert_eq!(values[1]["labels"], serde_json::json!([]));
        let swallowed = &values[2];
        assert_eq!(swallowed["path"], "src/items.py");
        assert_eq!(
            [
                &swallowed["line"],
                &swallowed["column"],
                &swallowed["end_line"],
                &swallowed["end_column"]
            ],
            [
                &Value::from(5),
                &Value::from(5),
                &Value::from(6),
                &Value::from(13)
            ]
        );
    });
}

#[test]
fn json_of_an_unknown_rule_has_a_null_url() {
    let diagnostics = vec![Diagnostic {
        rule: "not-a-rule",
        ..app_diagnostics().remove(1)
    }];
    let files = [FileReport {
        path: Path::new("a.js"),
        source: APP_JS,
        diagnostics: &diagnostics,
    }];
    let values: Vec<Value> = serde_json::from_str(&render(Format::Json, &files, &PLAIN)).unwrap();
    assert_eq!(values[0]["url"], Value::Null);
}

#[test]
fn sarif() {
    with_reports(|files| {
        let notices = [
            RunNotice {
                path: Path::new("src/latin1.js"),
                severity: Severity::Warning,
                message: "skipped: the file is not valid UTF-8 (line 1)",
            },
            RunNotice {
                path: Path::new("/elsewhere/gone.js"),
                severity: Severity::Error,
                message: "cannot be linted: it does not exist",
            },
        ];
        let output = render_with_notices(Format::Sarif, files, &notices, &PLAIN);
        insta::assert_snapshot!("sarif", output);
    });
}

#[test]
fn sarif_execution_succeeds_without_error_notices() {
    let output = render(Format::Sarif, &[], &PLAIN);
    let sarif: Value = serde_json::from_str(&output).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    assert_eq!(run["results"], serde_json::json!([]));
    assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 3);
}

#[test]
fn github() {
    with_reports(|files| {
        insta::assert_snapshot!("github", render(Format::Github, files, &PLAIN));
    });
}

#[test]
fn gitlab() {
    with_reports(|files| {
        insta::assert_snapshot!("gitlab", render(Format::Gitlab, files, &PLAIN));
    });
}

#[test]
fn junit() {
    with_reports(|files| {
        insta::assert_snapshot!("junit", render(Format::Junit, files, &PLAIN));
    });
}

#[test]
fn junit_parses_back_whatever_the_paths_and_messages_hold() {
    let mut diagnostics = app_diagnostics();
    diagnostics[0].message = "a <script> & \"quotes\" 'too'\non two lines".into();
    let awkward = [
        FileReport {
            path: Path::new("src/a&b<c>\"d'.js"),
            source: APP_JS,
            diagnostics: &diagnostics,
        },
        FileReport {
            path: Path::new("src/control\u{1}.js"),
            source: APP_JS,
            diagnostics: &diagnostics[1..],
        },
    ];
    let output = render(Format::Junit, &awkward, &PLAIN);
    let document = roxmltree::Document::parse(&output).unwrap();
    let suite = document
        .descendants()
        .find(|node| node.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("tests"), Some("2"));
    let cases: Vec<_> = suite
        .children()
        .filter(|node| node.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases[0].attribute("name"), Some("src/a&b<c>\"d'.js"));
    // XML cannot hold most control characters, even escaped.
    assert_eq!(cases[1].attribute("name"), Some("src/control\u{FFFD}.js"));
    let failures: Vec<_> = cases[0]
        .children()
        .filter(|node| node.has_tag_name("failure"))
        .collect();
    assert_eq!(failures.len(), 2);
    assert_eq!(
        failures[0].attribute("type"),
        Some("express-unhandled-async")
    );
    assert_eq!(
        failures[0].attribute("message"),
        Some("4:18: error[express-unhandled-async] a <script> & \"quotes\" 'too'\non two lines")
    );
    assert!(
        failures[0]
            .text()
            .unwrap()
            .starts_with("src/a&b<c>\"d'.js:4:18: error[express-unhandled-async] a <script>")
    );
}

#[test]
fn empty_runs() {
    for format in [
        Format::Pretty,
        Format::Concise,
        Format::Json,
        Format::Github,
    ] {
        let expected = if format == Format::Json { "[]\n" } else { "" };
        assert_eq!(render(format, &[], &PLAIN), expected, "{format:?}");
    }
    assert_eq!(render(Format::Gitlab, &[], &PLAIN), "[]\n");
    let junit = render(Format::Junit, &[], &PLAIN);
    let document = roxmltree::Document::parse(&junit).unwrap();
    assert_eq!(document.root_element().attribute("tests"), Some("0"));
    assert_eq!(
        summary_line(&[], 12),
        "0 problems (0 errors, 0 warnings) in 12 files"
    );
}

#[test]
fn summary_counts() {
    with_reports(|files| {
        assert_eq!(
            summary_line(files, 5),
            "3 problems (1 error, 2 warnings) in 5 files"
        );
        let one_error = &files[0].diagnostics[..1];
        let single = [
            FileReport {
                diagnostics: one_error,
                ..files[0]
            },
            FileReport {
                diagnostics: &[],
                ..files[1]
            },
        ];
        assert_eq!(
            summary_line(&single, 1),
            "1 problem (1 error, 0 warnings) in 1 file"
        );
    });
}
