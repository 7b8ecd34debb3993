//! Prints the named nodes of a file's syntax tree, with field names, as the rules see them:
//! `cargo run -p lint500_engine --example tree -- path/to/file.ts`.

use std::path::Path;
use std::process::ExitCode;

use lint500_core::Language;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: tree FILE");
        return ExitCode::from(2);
    };
    let Some(language) = Language::from_path(Path::new(&path)) else {
        eprintln!("{path}: not a JavaScript, TypeScript or Python file");
        return ExitCode::from(2);
    };
    let source = match std::fs::read_to_string(&path) {
        Ok(source) => source,
        Err(err) => {
            eprintln!("{path}: {err}");
            return ExitCode::from(2);
        }
    };
    let tree = match lint500_engine::parse(&source, language) {
        Ok(tree) => tree,
        Err(refusal) => {
            eprintln!("{path}: {refusal}");
            return ExitCode::from(2);
        }
    };
    let mut cursor = tree.walk();
    let mut depth = 0;
    loop {
        let node = cursor.node();
        if node.is_named() {
            let field = cursor
                .field_name()
                .map(|name| format!("{name}: "))
                .unwrap_or_default();
            let text: String = source[node.byte_range()].chars().take(40).collect();
            println!("{}{field}{} {text:?}", "  ".repeat(depth), node.kind());
        }
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return ExitCode::SUCCESS;
            }
            depth -= 1;
        }
    }
}
