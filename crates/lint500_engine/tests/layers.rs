//! The engine's shape, kept by tests: its modules form layers (no module depends, through any
//! chain, on itself), and it names no framework (framework knowledge lives in
//! `lint500_knowledge`).
//!
//! Both tests read the engine's source as text: every `crate::<module>` path and `use
//! crate::{…}` group is an edge (a name the crate root re-exports counts as its module), and
//! `super::` in a file of a module's folder is the module itself. Comments, string literals
//! and `#[cfg(test)]` items are left out.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A source file reduced to what the tests read: its code with comments and literals blanked
/// out, and its string literals.
struct Stripped {
    code: String,
    /// Outside `#[cfg(test)]` items, which hold test data.
    literals: Vec<String>,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `src`, with its module: the first component of its path without
/// the extension (`facts/env.rs` and `facts/mod.rs` are `facts`, `runner/cache.rs` is
/// `runner`).
fn source_files() -> Vec<(String, PathBuf)> {
    fn visit(folder: &Path, found: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(folder).expect("src is readable") {
            let path = entry.expect("src is readable").path();
            if path.is_dir() {
                visit(&path, found);
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                found.push(path);
            }
        }
    }
    let root = src_dir();
    let mut paths = Vec::new();
    visit(&root, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(&root).expect("under src");
            let first = relative.components().next().expect("a file");
            let module = Path::new(first.as_os_str())
                .file_stem()
                .and_then(|stem| stem.to_str())
                .expect("a UTF-8 name")
                .to_string();
            (module, path)
        })
        .collect()
}

/// Blanks comments and literals out of `source`, collecting its string literals.
fn strip(source: &str) -> Stripped {
    let bytes = source.as_bytes();
    let mut code = String::with_capacity(source.len());
    let mut literals = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &source[i..];
        if rest.starts_with("//") {
            let end = rest.find('\n').map_or(bytes.len(), |at| i + at);
            code.push(' ');
            i = end;
        } else if rest.starts_with("/*") {
            let mut depth = 0;
            let mut j = i;
            while j < bytes.len() {
                if source[j..].starts_with("/*") {
                    depth += 1;
                    j += 2;
                } else if source[j..].starts_with("*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            code.push(' ');
            i = j;
        } else if let Some((literal, length)) = raw_string(rest) {
            literals.push((code.len(), literal));
            code.push_str("\"\"");
            i += length;
        } else if bytes[i] == b'"' || rest.starts_with("b\"") {
            let start = if bytes[i] == b'"' { i + 1 } else { i + 2 };
            let mut j = start;
            let mut literal = String::new();
            while j < bytes.len() && bytes[j] != b'"' {
                if bytes[j] == b'\\' {
                    j += 1;
                }
                let c = source[j..].chars().next().expect("in bounds");
                literal.push(c);
                j += c.len_utf8();
            }
            literals.push((code.len(), literal));
            code.push_str("\"\"");
            i = j + 1;
        } else if bytes[i] == b'\'' {
            // A character literal ('x', '\n', '\u{1F600}') or a lifetime ('tree).
            let after = &source[i + 1..];
            let length = if after.starts_with('\\') {
                after.find('\'').map(|end| end + 2)
            } else {
                after
                    .chars()
                    .next()
                    .filter(|c| after[c.len_utf8()..].starts_with('\''))
                    .map(|c| c.len_utf8() + 2)
            };
            match length {
                Some(length) => {
                    code.push_str("' '");
                    i += length;
                }
                None => {
                    code.push('\'');
                    i += 1;
                }
            }
        } else {
            let c = rest.chars().next().expect("in bounds");
            // An identifier ending in `r` or `b` is no raw-string prefix.
            if c.is_alphanumeric() || c == '_' {
                let end = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                code.push_str(&rest[..end]);
                i += end;
            } else {
                code.push(c);
                i += c.len_utf8();
            }
        }
    }
    let tests = test_items(&code);
    let outside = |at: usize| !tests.iter().any(|range| range.contains(&at));
    let kept = code
        .char_indices()
        .filter(|(at, _)| outside(*at))
        .map(|(_, c)| c)
        .collect();
    let literals = literals
        .into_iter()
        .filter(|(at, _)| outside(*at))
        .map(|(_, literal)| literal)
        .collect();
    Stripped {
        code: kept,
        literals,
    }
}

/// A raw string literal at the start of `text` (`r"…"`, `r#"…"#`, `br"…"`): its content and
/// its length in the source.
fn raw_string(text: &str) -> Option<(String, usize)> {
    let prefix = if text.starts_with("br") {
        2
    } else if text.starts_with('r') {
        1
    } else {
        return None;
    };
    let hashes = text[prefix..]
        .bytes()
        .take_while(|&byte| byte == b'#')
        .count();
    let open = prefix + hashes;
    if text.as_bytes().get(open) != Some(&b'"') {
        return None;
    }
    let close = format!("\"{}", "#".repeat(hashes));
    let end = text[open + 1..].find(&close)? + open + 1;
    Some((text[open + 1..end].to_string(), end + close.len()))
}

/// Where the items marked `#[cfg(test)]` are in `code` (a `mod tests { … }`, a test-only
/// function), found by matching braces in code whose comments and literals are blanked.
fn test_items(code: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut from = 0;
    while let Some(found) = code[from..].find("#[cfg(test)]") {
        let at = from + found;
        let item = &code[at..];
        let end = match (item.find('{'), item.find(';')) {
            (Some(open), semicolon) if semicolon.is_none_or(|semicolon| open < semicolon) => {
                let mut depth = 0;
                let mut end = item.len();
                for (offset, c) in item[open..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = open + offset + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            (_, Some(semicolon)) => semicolon + 1,
            _ => item.len(),
        };
        ranges.push(at..at + end);
        from = at + end;
    }
    ranges
}

/// The first identifier of `text` (after spaces), if it starts with one.
fn identifier(text: &str) -> &str {
    let text = text.trim_start();
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The first name of every path a `{ … }` group at the start of `text` lists, nested groups
/// being part of their item.
fn group_names(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut depth = 0;
    let mut item_start = 1;
    for (at, c) in text.char_indices() {
        match c {
            '{' => {
                depth += 1;
            }
            '}' | ',' => {
                if depth == 1 {
                    names.push(identifier(&text[item_start..at]));
                    item_start = at + 1;
                }
                if c == '}' {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    names.retain(|name| !name.is_empty());
    names
}

/// The names that follow `prefix` (`crate::`) in `code`: `x` of `crate::x::y`, and each first
/// name of `crate::{x::y, z}`.
fn paths_after<'c>(code: &'c str, prefix: &str) -> Vec<&'c str> {
    let mut names = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let after = &code[at + prefix.len()..];
        if after.starts_with('{') {
            names.extend(group_names(after));
        } else {
            names.push(identifier(after));
        }
    }
    names.retain(|name| !name.is_empty());
    names
}

/// The modules `lib.rs` declares, and the module each name it re-exports comes from.
fn crate_root() -> (BTreeSet<String>, HashMap<String, String>) {
    let lib = strip(&fs::read_to_string(src_dir().join("lib.rs")).expect("lib.rs")).code;
    let mut modules = BTreeSet::new();
    let mut exports = HashMap::new();
    for statement in lib.split(';') {
        let statement = statement.trim();
        let statement = statement
            .strip_prefix("pub(crate) ")
            .or_else(|| statement.strip_prefix("pub "))
            .unwrap_or(statement);
        if let Some(name) = statement.strip_prefix("mod ") {
            modules.insert(identifier(name).to_string());
        } else if let Some(path) = statement.strip_prefix("use ") {
            let module = identifier(path).to_string();
            let rest = path.trim_start()[module.len()..].trim_start();
            let rest = rest.strip_prefix("::").unwrap_or(rest);
            // `use m::{a, b::{c, d as e}}` re-exports a, c and e; `use m::a as b` re-exports b.
            let names: Vec<&str> = rest
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|word| !word.is_empty())
                .collect();
            let mut index = 0;
            while index < names.len() {
                let name = names[index];
                let renamed = names.get(index + 1) == Some(&"as");
                if renamed {
                    exports.insert(names[index + 2].to_string(), module.clone());
                    index += 3;
                } else {
                    exports.insert(name.to_string(), module.clone());
                    index += 1;
                }
            }
        }
    }
    (modules, exports)
}

/// The engine's module graph: module → the modules it names.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let (modules, exports) = crate_root();
    let resolve = |name: &str| -> Option<String> {
        if modules.contains(name) {
            Some(name.to_string())
        } else {
            exports.get(name).cloned()
        }
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = modules
        .iter()
        .map(|module| (module.clone(), BTreeSet::new()))
        .collect();
    let root = src_dir();
    for (module, path) in source_files() {
        if module == "lib" {
            continue;
        }
        let code = strip(&fs::read_to_string(&path).expect("readable")).code;
        let mut targets: Vec<String> = paths_after(&code, "crate::")
            .into_iter()
            .filter_map(resolve)
            .collect();
        // In `facts/mod.rs`, `super::` is the crate root; elsewhere it is the module itself.
        let in_folder_root = path.file_name().is_some_and(|name| name == "mod.rs")
            && path.parent() != Some(root.as_path());
        if in_folder_root {
            targets.extend(
                paths_after(&code, "super::")
                    .into_iter()
                    .filter_map(resolve),
            );
        }
        let edges = graph.entry(module.clone()).or_default();
        edges.extend(targets.into_iter().filter(|target| *target != module));
    }
    graph
}

/// A cycle of `graph`, as the modules along it (the first repeated at the end).
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        module: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut HashMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        marks.insert(module.to_string(), Mark::Open);
        path.push(module.to_string());
        for next in graph.get(module).into_iter().flatten() {
            match marks.get(next.as_str()).copied().unwrap_or(Mark::New) {
                Mark::Open => {
                    let start = path.iter().position(|open| open == next).expect("open");
                    let mut cycle = path[start..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(cycle) = visit(next, graph, marks, path) {
                        return Some(cycle);
                    }
                }
                Mark::Done => {}
            }
        }
        path.pop();
        marks.insert(module.to_string(), Mark::Done);
        None
    }
    let mut marks = HashMap::new();
    for module in graph.keys() {
        if marks.get(module.as_str()).copied().unwrap_or(Mark::New) == Mark::New {
            let mut path = Vec::new();
            if let Some(cycle) = visit(module, graph, &mut marks, &mut path) {
                return Some(cycle);
            }
        }
    }
    None
}

#[test]
fn the_engine_modules_form_layers() {
    let graph = module_graph();
    assert!(graph.len() > 10, "the graph was read: {graph:?}");
    assert!(
        graph.values().any(|edges| !edges.is_empty()),
        "edges were read: {graph:?}"
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "the engine's modules depend on each other in a cycle: {}\nthe module graph: {graph:#?}",
            cycle.join(" -> ")
        );
    }
}

/// Whether `literal` names the package `name`: is it, or starts with it followed by a
/// character that cannot continue a name (`express()`, `express.Router`, `@nestjs/core/x`,
/// `FastAPI(`), ignoring case.
fn names_package(literal: &str, name: &str) -> bool {
    let literal = literal.to_ascii_lowercase();
    literal.strip_prefix(name).is_some_and(|rest| {
        rest.chars()
            .next()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'))
    })
}

#[test]
fn the_engine_names_no_framework() {
    let names = lint500_knowledge::all_package_names();
    assert!(names.contains(&"express") && names.contains(&"fastapi"));
    let mut found = Vec::new();
    for (_, path) in source_files() {
        let source = fs::read_to_string(&path).expect("readable");
        for literal in strip(&source).literals {
            for name in &names {
                if names_package(&literal, name) {
                    found.push(format!("{}: \"{literal}\" names `{name}`", path.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "the engine names frameworks; their knowledge belongs in lint500_knowledge:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_reader_sees_edges_literals_and_test_items() {
    let stripped = strip(
        "use crate::{a::B, c};\n// crate::comment\nfn f<'t>(x: &'t str) { crate::d::e(\"crate::s\", 'x', r#\"raw\"#); }\n#[cfg(test)]\nmod tests { use crate::t; }\n",
    );
    assert_eq!(paths_after(&stripped.code, "crate::"), ["a", "c", "d"]);
    assert_eq!(stripped.literals, ["crate::s", "raw"]);
    assert!(names_package("FastAPI(", "fastapi"));
    assert!(names_package("express", "express"));
    assert!(!names_package("nextSibling", "next"));
    let cyclic: BTreeMap<String, BTreeSet<String>> =
        [("a", &["b"][..]), ("b", &["c"][..]), ("c", &["a"][..])]
            .into_iter()
            .map(|(module, edges)| {
                (
                    module.to_string(),
                    edges.iter().map(|edge| edge.to_string()).collect(),
                )
            })
            .collect();
    assert_eq!(
        find_cycle(&cyclic).map(|cycle| cycle.join(" -> ")),
        Some("a -> b -> c -> a".to_string())
    );
}
