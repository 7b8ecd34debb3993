//! The rule documents in `rules/` are part of the product: every rule has one, every document
//! belongs to a rule, and the code they show behaves as they say. Each code block under
//! `## Wrong` must raise its rule and nothing else; each under `## Fixed` must raise nothing.

mod support;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use lint500_core::LanguageFamily;

/// (section heading, info string, code) of every fenced code block in a Markdown body.
fn code_blocks(markdown: &str) -> Vec<(String, String, String)> {
    let mut blocks = Vec::new();
    let mut section = String::new();
    let mut open: Option<(String, String)> = None;
    for line in markdown.lines() {
        if let Some((tag, code)) = open.as_mut() {
            if line.trim_start().starts_with("```") {
                blocks.push((section.clone(), std::mem::take(tag), std::mem::take(code)));
                open = None;
            } else {
                code.push_str(line);
                code.push('\n');
            }
        } else if let Some(heading) = line.strip_prefix("## ") {
            section = heading.trim().to_string();
        } else if let Some(tag) = line.trim_start().strip_prefix("```") {
            open = Some((tag.trim().to_string(), String::new()));
        }
    }
    blocks
}

#[test]
fn every_rule_has_a_document_and_every_document_a_rule() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    let documents: BTreeSet<String> = fs::read_dir(&folder)
        .expect("rules/ folder")
        .flatten()
        .filter_map(|entry| {
            entry
                .file_name()
                .to_str()?
                .strip_suffix(".md")
                .map(str::to_string)
        })
        .collect();
    let rules: BTreeSet<String> = lint500_rules::all()
        .metas()
        .map(|meta| meta.id.clone())
        .collect();
    assert_eq!(documents, rules);
    for meta in lint500_rules::all().metas() {
        let on_disk = fs::read_to_string(folder.join(format!("{}.md", meta.id))).expect("document");
        assert_eq!(
            on_disk, meta.document,
            "{} compiles in a different document",
            meta.id
        );
    }
}

#[test]
fn documents_have_the_expected_sections() {
    for meta in lint500_rules::all().metas() {
        for section in [
            "## What it does",
            "## Why it matters",
            "## Wrong",
            "## Fixed",
            "## How to suppress",
        ] {
            assert!(
                meta.body().contains(section),
                "{} lacks `{section}`",
                meta.id
            );
        }
        assert!(
            meta.body().starts_with(&format!("# {}\n", meta.id)),
            "{} must open with its id",
            meta.id
        );
    }
}

#[test]
fn wrong_examples_raise_their_rule_and_fixed_examples_raise_nothing() {
    for meta in lint500_rules::all().metas() {
        let mut covered = BTreeSet::new();
        for (section, tag, code) in code_blocks(meta.body()) {
            let Some(language) = LanguageFamily::language_of_code_block(&tag) else {
                continue;
            };
            let file_name = format!("example.{tag}");
            let found = support::lint(&code, language, &file_name);
            match section.as_str() {
                "Wrong" => {
                    assert!(
                        !found.is_empty(),
                        "{}: a Wrong {tag} example raises nothing:\n{code}",
                        meta.id
                    );
                    let others: Vec<_> = found.iter().filter(|d| d.rule != meta.id).collect();
                    assert!(
                        others.is_empty(),
                        "{}: a Wrong example raises other rules: {others:?}",
                        meta.id
                    );
                    covered.insert(language.family());
                }
                "Fixed" => assert!(
                    found.is_empty(),
                    "{}: a Fixed {tag} example raises {}:\n{code}",
                    meta.id,
                    support::render(&found)
                ),
                _ => {}
            }
        }
        for family in &meta.languages {
            assert!(
                covered.contains(family),
                "{}: no Wrong example in {family}",
                meta.id
            );
        }
    }
}
