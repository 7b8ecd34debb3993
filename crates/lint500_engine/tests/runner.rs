//! The runner with a small test rule: panics are contained per file, and unsaved buffers
//! stand in for files on disk.

use std::fs;
use std::path::Path;

use lint500_core::Language;
use lint500_engine::{
    CommandLineOverrides, Config, LintRun, Linter, NoticeKind, Overlays, Rule, RuleContext,
    RuleSet, RunOptions, Settings,
};
use tree_sitter::Node;

/// Reports every call of `found()` and panics on a call of `boom()`.
struct Fragile;

impl Rule for Fragile {
    fn document(&self) -> &'static str {
        "+++\nid = \"fragile\"\nlanguages = [\"js\"]\nseverity = \"error\"\nprecision = \"high\"\ntags = []\nsummary = \"test rule\"\n+++\n# fragile\n"
    }

    fn node_kinds(&self, language: Language) -> &'static [&'static str] {
        if language == Language::JavaScript {
            &["call_expression"]
        } else {
            &[]
        }
    }

    fn check_node<'tree>(&self, node: Node<'tree>, ctx: &mut RuleContext<'_, 'tree>) {
        match ctx.text(node) {
            "boom()" => panic!("cannot handle boom"),
            "found()" => {
                ctx.report(node, "found", "remove it");
            }
            _ => {}
        }
    }
}

fn linter(dir: &Path) -> Linter {
    let rules: &'static RuleSet = Box::leak(Box::new(
        RuleSet::new(vec![Box::new(Fragile)]).expect("valid rule"),
    ));
    let settings = Settings::resolve(
        &Config::none(dir),
        CommandLineOverrides::default(),
        rules,
        dir,
    )
    .expect("defaults");
    Linter::new(rules, settings, dir.to_path_buf())
}

const OPTIONS: RunOptions = RunOptions {
    threads: 2,
    parse_only: false,
    force_exclude: false,
};

/// (path, line) of every finding.
fn found(run: &LintRun) -> Vec<(String, u32)> {
    run.diagnostics()
        .map(|(file, diagnostic)| (file.path.display().to_string(), diagnostic.span.start.line))
        .collect()
}

#[test]
fn a_panicking_rule_is_reported_per_file_and_the_run_goes_on() {
    let rules: &'static RuleSet = Box::leak(Box::new(
        RuleSet::new(vec![Box::new(Fragile)]).expect("valid rule"),
    ));
    let dir = tempfile::tempdir().expect("temporary folder");
    fs::write(dir.path().join("a.js"), "found();\nboom();\nfound();\n").expect("write");
    fs::write(dir.path().join("b.js"), "found();\nfound();\n").expect("write");
    let settings = Settings::resolve(
        &Config::none(dir.path()),
        CommandLineOverrides::default(),
        rules,
        dir.path(),
    )
    .expect("defaults");
    let linter = Linter::new(rules, settings, dir.path().to_path_buf());
    let run = linter.run(
        &[dir.path().to_path_buf()],
        RunOptions {
            threads: 2,
            parse_only: false,
            force_exclude: false,
        },
    );

    assert!(run.has_errors());
    let internal: Vec<_> = run
        .notices
        .iter()
        .filter(|notice| notice.kind == NoticeKind::InternalError)
        .collect();
    assert_eq!(internal.len(), 1);
    assert_eq!(internal[0].path, std::path::Path::new("a.js"));
    assert!(
        internal[0]
            .message
            .contains("rule `fragile` panicked (cannot handle boom)"),
        "{}",
        internal[0].message
    );
    let lines: Vec<(String, u32)> = run
        .diagnostics()
        .map(|(file, diagnostic)| (file.path.display().to_string(), diagnostic.span.start.line))
        .collect();
    // a.js keeps the finding before the panic; b.js is complete.
    assert_eq!(
        lines,
        [
            ("a.js".to_string(), 1),
            ("b.js".to_string(), 1),
            ("b.js".to_string(), 2)
        ]
    );
}

#[test]
fn unsaved_buffers_stand_in_for_files_on_disk() {
    let dir = tempfile::tempdir().expect("temporary folder");
    fs::write(dir.path().join("saved.js"), "ok();\n").expect("write");
    let overlays = Overlays::from([
        (dir.path().join("saved.js"), "ok();\nfound();\n".to_string()),
        (dir.path().join("new.js"), "found();\n".to_string()),
    ]);
    let paths = [dir.path().join("saved.js"), dir.path().join("new.js")];
    let run = linter(dir.path()).run_with_overlays(&paths, OPTIONS, &overlays);
    assert_eq!(
        found(&run),
        [("new.js".to_string(), 1), ("saved.js".to_string(), 2)]
    );
    assert!(run.notices.is_empty(), "{:?}", run.notices);
    let from_disk = linter(dir.path()).run(&paths[..1], OPTIONS);
    assert!(found(&from_disk).is_empty());
}
