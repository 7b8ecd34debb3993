//! Fixes, before and after: each file under `tests/fixes/<rule-id>/` is linted, every fix of
//! its findings is made (unsafe ones too), and the text must be its `<name>.fixed.<ext>`
//! neighbour byte for byte. The fixed text must parse, and linting it again must find only
//! the findings that had no fix.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use lint500_core::{Diagnostic, Language};

/// The inputs: every file of a language but the expected outputs, by rule folder.
fn inputs() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixes");
    let mut found = Vec::new();
    for rule in fs::read_dir(&root).expect("fixes folder").flatten() {
        let rule_id = rule.file_name().to_string_lossy().into_owned();
        for file in fs::read_dir(rule.path()).expect("rule folder").flatten() {
            let path = file.path();
            let name = file.file_name().to_string_lossy().into_owned();
            if Language::from_path(&path).is_some() && !name.contains(".fixed.") {
                found.push((rule_id.clone(), path));
            }
        }
    }
    found.sort();
    found
}

fn expected_path(input: &Path) -> PathBuf {
    let stem = input.file_stem().unwrap().to_string_lossy();
    let extension = input.extension().unwrap().to_string_lossy();
    input.with_file_name(format!("{stem}.fixed.{extension}"))
}

/// `source` with the fixes of `diagnostics` made; the fixes of one file never overlap here.
fn apply_fixes(source: &str, diagnostics: &[Diagnostic]) -> String {
    let mut edits: Vec<_> = diagnostics
        .iter()
        .filter_map(|diagnostic| diagnostic.fix.as_ref())
        .flat_map(|fix| &fix.edits)
        .collect();
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut out = String::new();
    let mut at = 0;
    for edit in edits {
        assert!(edit.range.start >= at, "overlapping edits: {edit:?}");
        out.push_str(&source[at..edit.range.start]);
        out.push_str(&edit.text);
        at = edit.range.end;
    }
    out.push_str(&source[at..]);
    out
}

fn parses(source: &str, language: Language) -> bool {
    lint500_engine::parse(source, language).is_ok_and(|tree| !tree.root_node().has_error())
}

#[test]
fn fixes_make_the_expected_text_which_parses_and_is_clean() {
    let inputs = inputs();
    assert!(inputs.len() >= 7, "fixture inputs: {inputs:?}");
    let mut fixed_somewhere = 0;
    for (rule, input) in inputs {
        let name = input.file_name().unwrap().to_string_lossy().into_owned();
        let language = Language::from_path(&input).unwrap();
        let source = fs::read_to_string(&input).expect("read the input");
        let expected = fs::read_to_string(expected_path(&input))
            .unwrap_or_else(|err| panic!("{name} has no .fixed file: {err}"));
        let before: Vec<Diagnostic> = support::lint(&source, language, &name)
            .into_iter()
            .filter(|diagnostic| diagnostic.rule == rule)
            .collect();
        assert!(!before.is_empty(), "{rule}/{name}: no finding to fix");
        let fixable = before.iter().filter(|d| d.fix.is_some()).count();
        fixed_somewhere += fixable;

        let fixed = apply_fixes(&source, &before);
        assert_eq!(fixed, expected, "{rule}/{name}: the fixed text differs");
        assert!(
            parses(&fixed, language),
            "{rule}/{name}: the fixed text does not parse"
        );
        let after: Vec<Diagnostic> = support::lint(&fixed, language, &name)
            .into_iter()
            .filter(|diagnostic| diagnostic.rule == rule)
            .collect();
        assert!(
            after.iter().all(|diagnostic| diagnostic.fix.is_none()),
            "{rule}/{name}: a fixable finding is left: {after:?}"
        );
        assert_eq!(
            after.len(),
            before.len() - fixable,
            "{rule}/{name}: the fixes did not resolve their findings:\n{}",
            support::render(&after)
        );
    }
    assert!(fixed_somewhere >= 15, "only {fixed_somewhere} fixes made");
}
