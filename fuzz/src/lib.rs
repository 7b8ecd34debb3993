//! What the fuzz targets run, and the properties they check on every input.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use lint500_engine::{
    CommandLineOverrides, Config, LintRun, Linter, Overlays, RunOptions, Settings,
};
use lint500_report::{
    ActiveRule, FileReport, Format, Report, ReportOptions, RunNotice, write_report,
};

const FORMATS: [Format; 7] = [
    Format::Pretty,
    Format::Concise,
    Format::Json,
    Format::Sarif,
    Format::Github,
    Format::Gitlab,
    Format::Junit,
];

/// A project folder with an Express and a FastAPI manifest, made once per fuzzing process.
static PROJECT: LazyLock<PathBuf> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("lint500-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    std::fs::write(
        dir.join("package.json"),
        r#"{"dependencies": {"express": "^4.19.0", "@prisma/client": "^5.0.0"}}"#,
    )
    .expect("package.json");
    std::fs::write(
        dir.join("pyproject.toml"),
        "[project]\nname = \"app\"\ndependencies = [\"fastapi\", \"sqlalchemy\"]\n",
    )
    .expect("pyproject.toml");
    dir
});

/// Lints `text` as a file of the language `selector` picks and writes the findings in every
/// format; panics when lint500 panics or prints a line a CI log would take for a command.
pub fn lint_and_report(selector: u8, text: &[u8]) {
    let name = ["app.js", "app.ts", "app.tsx", "app.py"][usize::from(selector % 4)];
    let dir: &Path = &PROJECT;
    let path = dir.join(name);
    let rules = lint500_rules::all();
    let settings = Settings::resolve(&Config::none(dir), CommandLineOverrides::default(), rules, dir)
        .expect("the defaults are valid");
    let active: Vec<ActiveRule<'static>> = rules
        .metas()
        .enumerate()
        .map(|(index, meta)| ActiveRule {
            meta,
            severity: settings.severity[index],
        })
        .collect();
    let linter = Linter::new(rules, settings, dir.to_path_buf());
    let mut overlays = Overlays::new();
    overlays.insert(path.clone(), String::from_utf8_lossy(text).into_owned());
    let options = RunOptions {
        threads: 1,
        parse_only: false,
        force_exclude: false,
    };
    let run = linter.run_with_overlays(&[path], options, &overlays);
    write_every_format(&run, &active, dir);
}

fn write_every_format(run: &LintRun, rules: &[ActiveRule<'_>], root: &Path) {
    let files: Vec<FileReport<'_>> = run
        .files
        .iter()
        .map(|file| FileReport {
            path: &file.path,
            source: &file.source,
            diagnostics: &file.diagnostics,
        })
        .collect();
    let notices: Vec<RunNotice<'_>> = run
        .notices
        .iter()
        .map(|notice| RunNotice {
            path: &notice.path,
            severity: notice.kind.severity(),
            message: &notice.message,
        })
        .collect();
    let report = Report {
        files: &files,
        rules,
        notices: &notices,
        root,
        sarif_category: None,
    };
    for format in FORMATS {
        for color in [false, true] {
            let mut out = Vec::new();
            let options = ReportOptions { color, width: 100 };
            write_report(&mut out, format, &report, &options).expect("writing to memory");
            assert_printable(format, color, &String::from_utf8_lossy(&out));
        }
    }
}

/// No line of a report starts a GitHub workflow command but the github format's annotations,
/// and the formats for terminals carry no escape character unless they color.
fn assert_printable(format: Format, color: bool, out: &str) {
    if matches!(format, Format::Pretty | Format::Concise) && !color {
        assert!(!out.contains('\u{1b}'), "{format:?} printed an escape character");
    }
    for line in out.split(['\n', '\r']) {
        let line = line.trim_start();
        if line.starts_with("::") {
            assert!(
                format == Format::Github
                    && (line.starts_with("::error file=") || line.starts_with("::warning file=")),
                "{format:?} printed a workflow command: {line:?}"
            );
        }
    }
}

/// Reads `bytes` as the language server's input stream: every frame and message in it.
pub fn read_lsp_stream(bytes: &[u8]) {
    lint500_lsp::read_all(bytes);
}
