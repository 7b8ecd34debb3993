use crate::support::{Project, SWALLOWED_JS};

#[test]
fn gitignore_and_ignore_files_are_honoured_and_explicit_files_always_linted() {
    let project = Project::new();
    project
        .file(".gitignore", "generated/\n")
        .file(".ignore", "vendor.js\n")
        .file("generated/client.js", SWALLOWED_JS)
        .file("vendor.js", SWALLOWED_JS)
        .file("src/load.js", SWALLOWED_JS);
    let run = project.run(&["--format", "concise"]);
    assert_eq!(
        run.findings(),
        ["src/load.js:4:5: warning[swallowed-catch]"]
    );
    let run = project.run(&["--format", "concise", "generated/client.js", "vendor.js"]);
    assert_eq!(
        run.findings(),
        [
            "generated/client.js:4:5: warning[swallowed-catch]",
            "vendor.js:4:5: warning[swallowed-catch]"
        ]
    );
}

#[test]
fn default_excludes_skip_dependencies_and_build_output() {
    let project = Project::new();
    for folder in [
        "node_modules/x",
        "dist",
        "build",
        "coverage",
        ".venv/lib",
        "venv/lib",
        "__pycache__",
    ] {
        project.file(&format!("{folder}/a.js"), SWALLOWED_JS);
    }
    project
        .file("public/app.min.js", SWALLOWED_JS)
        .file("src/types.d.ts", "declare function f(): void;\n")
        .file("src/load.js", SWALLOWED_JS);
    let run = project.run(&["--format", "concise"]);
    assert_eq!(
        run.findings(),
        ["src/load.js:4:5: warning[swallowed-catch]"]
    );
    let run = project.run(&["--format", "concise", "node_modules/x/a.js"]);
    assert_eq!(
        run.findings(),
        ["node_modules/x/a.js:4:5: warning[swallowed-catch]"]
    );
}

#[test]
fn every_supported_extension_is_linted_and_others_are_not() {
    let project = Project::new();
    let js = "try { a(); } catch (e) {}\n";
    let py = "try:\n    a()\nexcept Exception:\n    pass\n";
    for name in [
        "a.js", "a.mjs", "a.cjs", "a.jsx", "a.ts", "a.mts", "a.cts", "a.tsx", "a.txt", "a.json",
    ] {
        project.file(name, js);
    }
    project.file("a.py", py).file("a.pyi", py);
    let run = project.run(&["--format", "concise"]);
    let files: Vec<String> = run
        .findings()
        .iter()
        .map(|finding| finding.split(':').next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        files,
        [
            "a.cjs", "a.cts", "a.js", "a.jsx", "a.mjs", "a.mts", "a.py", "a.pyi", "a.ts", "a.tsx"
        ]
    );
}

#[test]
fn duplicate_paths_are_linted_once() {
    let project = Project::new();
    project.file("src/load.js", SWALLOWED_JS);
    let run = project.run(&["--format", "concise", "src", "src/load.js", "./src/../src"]);
    assert_eq!(
        run.findings(),
        ["src/load.js:4:5: warning[swallowed-catch]"]
    );
}

#[test]
fn force_exclude_applies_the_excludes_to_files_named_explicitly() {
    let project = Project::new();
    project
        .file("lint500.toml", "exclude = [\"generated\"]\n")
        .file("generated/client.js", SWALLOWED_JS)
        .file("node_modules/x/a.js", SWALLOWED_JS)
        .file("src/load.js", SWALLOWED_JS);
    let named = ["generated/client.js", "node_modules/x/a.js", "src/load.js"];
    let mut args = vec!["--format", "concise"];
    args.extend(named);
    assert_eq!(project.run(&args).findings().len(), 3);
    args.push("--force-exclude");
    assert_eq!(
        project.run(&args).findings(),
        ["src/load.js:4:5: warning[swallowed-catch]"]
    );
}
