//! `lint500 rules` and `lint500 explain RULE`: the rule catalogue, from the rule documents.

use std::io::{self, IsTerminal, Write};

use lint500_core::RuleMeta;
use serde_json::json;

use crate::{CatalogueFormat, EXIT_CLEAN, EXIT_ERROR, print_error};

pub fn list(format: CatalogueFormat) -> u8 {
    let metas: Vec<&RuleMeta> = lint500_rules::all().metas().collect();
    let text = match format {
        CatalogueFormat::Text => table(&metas),
        CatalogueFormat::Json => {
            let rules: Vec<_> = metas
                .iter()
                .map(|meta| {
                    json!({
                        "id": meta.id,
                        "languages": meta.languages.iter().map(|family| family.code()).collect::<Vec<_>>(),
                        "severity": meta.default_severity,
                        "precision": meta.precision.as_str(),
                        "tags": meta.tags,
                        "summary": meta.summary,
                        "url": meta.docs_url(),
                    })
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&rules).expect("JSON values serialize");
            text.push('\n');
            text
        }
    };
    print_or_fail(&text)
}

fn table(metas: &[&RuleMeta]) -> String {
    let rows: Vec<[String; 4]> = metas
        .iter()
        .map(|meta| {
            let languages: Vec<&str> = meta.languages.iter().map(|family| family.code()).collect();
            [
                meta.id.clone(),
                languages.join(","),
                meta.default_severity.to_string(),
                meta.summary.clone(),
            ]
        })
        .collect();
    let header = ["RULE", "LANGUAGES", "SEVERITY", "SUMMARY"].map(String::from);
    let widths: Vec<usize> = (0..3)
        .map(|column| {
            std::iter::once(&header)
                .chain(&rows)
                .map(|row| row[column].len())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        text += &format!(
            "{:w0$}  {:w1$}  {:w2$}  {}\n",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
    }
    text
}

pub fn explain(id: &str) -> u8 {
    let rules = lint500_rules::all();
    let Some(meta) = rules.find(id) else {
        let known: Vec<&str> = rules.metas().map(|meta| meta.id.as_str()).collect();
        print_error(&format!(
            "error: unknown rule `{id}`; valid rules are {}",
            known.join(", ")
        ));
        return EXIT_ERROR;
    };
    let styled = io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut text = String::new();
    for line in meta.body().lines() {
        // Headings in bold on a terminal; the rest is Markdown, which reads well as it is.
        if styled && line.starts_with('#') {
            text += &format!("\x1b[1m{}\x1b[0m\n", line.trim_start_matches('#').trim());
        } else {
            text += line;
            text.push('\n');
        }
    }
    text += &format!(
        "\nSeverity: {}. Languages: {}. Online: {}\n",
        meta.default_severity,
        meta.languages
            .iter()
            .map(|family| family.code())
            .collect::<Vec<_>>()
            .join(", "),
        meta.docs_url()
    );
    print_or_fail(&text)
}

fn print_or_fail(text: &str) -> u8 {
    match io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => EXIT_CLEAN,
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => EXIT_CLEAN,
        Err(err) => {
            print_error(&format!("error: cannot write: {err}"));
            EXIT_ERROR
        }
    }
}
