//! Lints text with every rule and default settings, as the CLI would.

pub mod expectations;

use lint500_core::{Diagnostic, Language};
use lint500_engine::{CommandLineOverrides, Config, Linter, RunOptions, Settings};

/// The manifests of the scratch project a snippet is linted in: a service on Express 4 (whose
/// rejections the async rules care about), a serverless function, and a FastAPI app.
const PACKAGE_JSON: &str =
    r#"{ "dependencies": { "express": "^4.21.0", "serverless": "^4.0.0" } }"#;
const PYPROJECT: &str = "[project]\nname = \"snippet\"\ndependencies = [\"fastapi\"]\n";

/// Lints `source` as a file named `file_name` in a project of its own, project rules included.
pub fn lint(source: &str, language: Language, file_name: &str) -> Vec<Diagnostic> {
    lint_configured(source, language, file_name, None)
}

/// Like [`lint`], with `lint500_toml` as the project's configuration when given.
pub fn lint_configured(
    source: &str,
    language: Language,
    file_name: &str,
    lint500_toml: Option<&str>,
) -> Vec<Diagnostic> {
    let rules = lint500_rules::all();
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join("package.json"), PACKAGE_JSON).expect("write package.json");
    std::fs::write(dir.path().join("pyproject.toml"), PYPROJECT).expect("write pyproject.toml");
    let path = dir.path().join(file_name);
    std::fs::write(&path, source).expect("write the file");
    assert_eq!(Language::from_path(&path), Some(language), "{file_name}");
    let config = match lint500_toml {
        Some(text) => {
            let config_path = dir.path().join("lint500.toml");
            std::fs::write(&config_path, text).expect("write lint500.toml");
            Config::load(&config_path).expect("the configuration is valid")
        }
        None => Config::none(dir.path()),
    };
    let settings = Settings::resolve(&config, CommandLineOverrides::default(), rules, dir.path())
        .expect("the settings are valid");
    let linter = Linter::new(rules, settings, dir.path().to_path_buf());
    let run = linter.run(
        &[path],
        RunOptions {
            threads: 1,
            parse_only: false,
            force_exclude: false,
        },
    );
    run.files
        .into_iter()
        .flat_map(|file| file.diagnostics)
        .collect()
}

/// A stable text form of findings for snapshots.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let (start, end) = (diagnostic.span.start, diagnostic.span.end);
        out += &format!(
            "{}:{}-{}:{} {}[{}] {}\n  help: {}\n",
            start.line,
            start.column,
            end.line,
            end.column,
            diagnostic.severity,
            diagnostic.rule,
            diagnostic.message,
            diagnostic.help
        );
        for label in &diagnostic.labels {
            out += &format!(
                "  label {}:{}-{}:{}: {}\n",
                label.span.start.line,
                label.span.start.column,
                label.span.end.line,
                label.span.end.column,
                label.message
            );
        }
    }
    out
}
