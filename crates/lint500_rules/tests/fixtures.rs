//! Fixture files under `tests/fixtures/<rule-id>/` declare what must be found with `expect:`
//! comments (see `support/expectations.rs`); every other line must be silent. The rendered
//! findings of each file are snapshotted.

mod support;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use lint500_core::Language;
use support::expectations::expectations;

#[test]
fn fixtures_raise_exactly_what_they_expect() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut rule_dirs: Vec<_> = fs::read_dir(&root)
        .expect("fixtures folder")
        .flatten()
        .collect();
    rule_dirs.sort_by_key(|entry| entry.file_name());
    for rule_dir in rule_dirs {
        let mut files: Vec<_> = fs::read_dir(rule_dir.path())
            .expect("rule folder")
            .flatten()
            .collect();
        files.sort_by_key(|entry| entry.file_name());
        for file in files {
            let path = file.path();
            let Some(language) = Language::from_path(&path) else {
                continue;
            };
            let source = fs::read_to_string(&path).expect("fixture is UTF-8");
            let diagnostics = support::lint(&source, language, &file.file_name().to_string_lossy());
            let found: BTreeSet<(u32, String)> = diagnostics
                .iter()
                .map(|diagnostic| (diagnostic.span.start.line, diagnostic.rule.to_string()))
                .collect();
            let expected = expectations(&source);
            let name = format!(
                "{}/{}",
                rule_dir.file_name().to_string_lossy(),
                file.file_name().to_string_lossy()
            );
            for missing in expected.difference(&found) {
                failures.push(format!(
                    "{name}:{}: expected {} but it was not found",
                    missing.0, missing.1
                ));
            }
            for extra in found.difference(&expected) {
                failures.push(format!("{name}:{}: unexpected {}", extra.0, extra.1));
            }
            insta::assert_snapshot!(name.replace('/', "__"), support::render(&diagnostics));
            checked += 1;
        }
    }
    assert!(
        checked > 0,
        "no fixture files found under {}",
        root.display()
    );
    assert!(
        failures.is_empty(),
        "fixture mismatches:\n{}",
        failures.join("\n")
    );
}
