//! How JavaScript and TypeScript projects name their own modules besides relative paths:
//! TypeScript's `compilerOptions.paths` and `baseUrl` (in `tsconfig.json` or `jsconfig.json`,
//! following `extends` to relative files), and a `package.json`'s `imports` (`#db`) and entry
//! points (`exports`, `main`, `module`, `types`), by which the packages of a workspace import
//! each other. Each configuration file is read once; the project view resolves with them.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::paths::absolute;
use crate::source::read_discovered;

/// How many `extends` a `tsconfig.json` may follow: cycles end here.
const MAX_EXTENDS: usize = 8;

/// Names of the configuration files that declare a TypeScript or JavaScript project.
const TS_CONFIG_NAMES: &[&str] = &["tsconfig.json", "jsconfig.json"];

/// Module paths declared by a `tsconfig.json` and the files it extends.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct TsPaths {
    /// `compilerOptions.baseUrl`, absolute: non-relative specifiers are looked for under it.
    base_url: Option<PathBuf>,
    /// `compilerOptions.paths`: pattern → targets, made absolute (each may hold one `*`).
    paths: Vec<(String, Vec<String>)>,
}

impl TsPaths {
    /// Whether the configuration declares nothing that changes resolution.
    pub(crate) fn is_empty(&self) -> bool {
        self.base_url.is_none() && self.paths.is_empty()
    }

    /// The absolute paths `specifier` may name, in the order TypeScript tries them: the
    /// targets of the `paths` pattern that matches best, then the specifier under `baseUrl`.
    pub(crate) fn candidates(&self, specifier: &str) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = best_match(&self.paths, specifier)
            .into_iter()
            .map(PathBuf::from)
            .collect();
        if let Some(base) = &self.base_url {
            found.push(absolute(base, Path::new(specifier)));
        }
        found
    }

    /// The paths of the `tsconfig.json` or `jsconfig.json` at `file`, merged with those it
    /// extends; `None` when it cannot be read or parsed.
    pub(crate) fn load(file: &Path) -> Option<TsPaths> {
        let raw = RawTsConfig::load(file, 0)?;
        let base = raw.base_url.clone().or(raw.paths_folder)?;
        let paths = raw
            .paths
            .into_iter()
            .map(|(pattern, targets)| {
                let targets = targets
                    .iter()
                    .map(|target| absolute(&base, Path::new(target)).to_string_lossy().into())
                    .collect();
                (pattern, targets)
            })
            .collect();
        Some(TsPaths {
            base_url: raw.base_url,
            paths,
        })
    }

    /// The configuration file nearest `folder`: in it, or else in the closest folder above.
    pub(crate) fn file_in(folder: &Path) -> Option<PathBuf> {
        TS_CONFIG_NAMES
            .iter()
            .map(|name| folder.join(name))
            .find(|path| path.is_file())
    }
}

/// The compiler options of one configuration file and those it extends, not yet made absolute.
#[derive(Default)]
struct RawTsConfig {
    base_url: Option<PathBuf>,
    /// The folder of the file that declares `paths`: targets are relative to it without
    /// `baseUrl`.
    paths_folder: Option<PathBuf>,
    paths: Vec<(String, Vec<String>)>,
}

impl RawTsConfig {
    fn load(file: &Path, depth: usize) -> Option<RawTsConfig> {
        if depth > MAX_EXTENDS {
            return None;
        }
        let json = parse_jsonc(&read_discovered(file).ok()?)?;
        let folder = file.parent()?;
        let mut config = RawTsConfig::default();
        // `extends` is a file or (TypeScript 5) a list of them; later ones win. A package name
        // (`@tsconfig/node20`) declares no paths of the project.
        let extended: Vec<&str> = match json.get("extends") {
            Some(Json::String(one)) => vec![one.as_str()],
            Some(Json::Array(many)) => many.iter().filter_map(Json::as_str).collect(),
            _ => Vec::new(),
        };
        for extended in extended.into_iter().filter(|name| name.starts_with('.')) {
            let mut path = absolute(folder, Path::new(extended));
            if !path.is_file() && path.extension().is_none_or(|extension| extension != "json") {
                let mut with_json = path.into_os_string();
                with_json.push(".json");
                path = PathBuf::from(with_json);
            }
            if let Some(parent) = RawTsConfig::load(&path, depth + 1) {
                if parent.base_url.is_some() {
                    config.base_url = parent.base_url;
                }
                if parent.paths_folder.is_some() {
                    config.paths_folder = parent.paths_folder;
                    config.paths = parent.paths;
                }
            }
        }
        let options = json.get("compilerOptions");
        if let Some(base_url) = options
            .and_then(|options| options.get("baseUrl"))
            .and_then(Json::as_str)
        {
            config.base_url = Some(absolute(folder, Path::new(base_url)));
        }
        if let Some(paths) = options
            .and_then(|options| options.get("paths"))
            .and_then(Json::as_object)
        {
            config.paths_folder = Some(folder.to_path_buf());
            config.paths = paths
                .iter()
                .map(|(pattern, targets)| (pattern.clone(), strings(targets)))
                .collect();
        }
        Some(config)
    }
}

/// What a `package.json` says about the names its package's modules go by.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct NodeEntries {
    /// `imports`: `#db` or `#lib/*` → targets relative to the package's root.
    imports: Vec<(String, Vec<String>)>,
    /// `exports` by subpath (`.`, `./client`, `./*`), with `types`, `module` and `main` after
    /// the exports of `.`: what another package reaches by importing this one's name.
    exports: Vec<(String, Vec<String>)>,
    /// Whether it declares `bin`: commands its package installs.
    pub(crate) declares_commands: bool,
}

impl NodeEntries {
    /// The entries of the `package.json` in `folder` (none when it has none).
    pub(crate) fn read(folder: &Path) -> NodeEntries {
        let Some(json) = read_discovered(&folder.join("package.json"))
            .ok()
            .and_then(|text| serde_json::from_str::<Json>(&text).ok())
        else {
            return NodeEntries::default();
        };
        let imports = json
            .get("imports")
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
            .filter(|(pattern, _)| pattern.starts_with('#'))
            .map(|(pattern, targets)| (pattern.clone(), strings(targets)))
            .collect();
        let mut exports: Vec<(String, Vec<String>)> = match json.get("exports") {
            Some(Json::Object(map)) if map.keys().any(|key| key.starts_with('.')) => map
                .iter()
                .filter(|(subpath, _)| subpath.starts_with('.'))
                .map(|(subpath, targets)| (subpath.clone(), strings(targets)))
                .collect(),
            Some(whole @ (Json::String(_) | Json::Object(_) | Json::Array(_))) => {
                vec![(".".to_string(), strings(whole))]
            }
            _ => Vec::new(),
        };
        let fields: Vec<String> = ["types", "typings", "module", "main"]
            .iter()
            .filter_map(|field| json.get(*field)?.as_str().map(str::to_string))
            .collect();
        match exports.iter_mut().find(|(subpath, _)| subpath == ".") {
            Some((_, targets)) => targets.extend(fields),
            None => exports.push((".".to_string(), fields)),
        }
        NodeEntries {
            imports,
            exports,
            declares_commands: json.get("bin").is_some(),
        }
    }

    /// The paths, relative to the package's root, that `#name` may name.
    pub(crate) fn import_targets(&self, specifier: &str) -> Vec<String> {
        best_match(&self.imports, specifier)
    }

    /// The paths, relative to the package's root, that `subpath` (`.` for the package's own
    /// name, `./client` for `name/client`) may name: its exports, then the usual places of
    /// sources (`src/index`, `index`, `src/client`, `client`).
    pub(crate) fn export_targets(&self, subpath: &str) -> Vec<String> {
        let mut found = best_match(&self.exports, subpath);
        match subpath {
            "." => found.extend(["./src/index".to_string(), "./index".to_string()]),
            _ => {
                let rest = subpath.trim_start_matches("./");
                found.extend([format!("./src/{rest}"), format!("./{rest}")]);
            }
        }
        found
    }
}

/// Where a built file's source is likely to be: `./dist/db.js` → `./src/db.js`,
/// `./dist/index.d.ts` → `./src/index`.
pub(crate) fn source_of_built(target: &str) -> Option<String> {
    let rest = target.trim_start_matches("./");
    let (folder, rest) = rest.split_once('/')?;
    if !matches!(folder, "dist" | "build" | "lib" | "out") {
        return None;
    }
    let rest = rest.strip_suffix(".d.ts").unwrap_or(rest);
    Some(format!("./src/{rest}"))
}

/// The targets of the pattern that matches `specifier` best: an exact key, or else the
/// pattern with one `*` whose prefix is longest, its `*` replaced in each target. Conditions
/// (`{"types": …, "default": …}`) have been flattened into the target lists.
fn best_match(patterns: &[(String, Vec<String>)], specifier: &str) -> Vec<String> {
    if let Some((_, targets)) = patterns
        .iter()
        .find(|(pattern, _)| pattern == specifier && !pattern.contains('*'))
    {
        return targets.clone();
    }
    let mut best: Option<(usize, &str, &[String])> = None;
    for (pattern, targets) in patterns {
        let Some((prefix, suffix)) = pattern.split_once('*') else {
            continue;
        };
        let Some(middle) = specifier
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(suffix))
        else {
            continue;
        };
        if best.is_none_or(|(length, _, _)| prefix.len() > length) {
            best = Some((prefix.len(), middle, targets));
        }
    }
    best.map_or_else(Vec::new, |(_, middle, targets)| {
        targets
            .iter()
            .map(|target| target.replacen('*', middle, 1))
            .collect()
    })
}

/// Every string in a target: itself, the elements of a fallback list, the values of a
/// conditions object (nested ones too), in order.
fn strings(json: &Json) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![json];
    while let Some(json) = pending.pop() {
        match json {
            Json::String(text) => found.push(text.clone()),
            Json::Array(items) => pending.extend(items.iter().rev()),
            Json::Object(map) => pending.extend(map.values().rev()),
            _ => {}
        }
    }
    found
}

/// JSON with comments and trailing commas, as `tsconfig.json` allows.
pub(crate) fn parse_jsonc(text: &str) -> Option<Json> {
    serde_json::from_str(&strip_jsonc(text)).ok()
}

/// `text` without `//` and `/* */` comments outside strings, nor commas before `}` or `]`.
fn strip_jsonc(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    // Where the last comma outside a string was written to `out`, while only whitespace and
    // comments followed it.
    let mut pending_comma: Option<usize> = None;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                let start = at;
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
                at = (at + 1).min(bytes.len());
                out.push_str(&text[start..at]);
                pending_comma = None;
            }
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                at = text[at..].find('\n').map_or(bytes.len(), |end| at + end);
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                at = text[at + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |end| at + 2 + end + 2);
                out.push(' ');
            }
            b'}' | b']' => {
                if let Some(comma) = pending_comma.take() {
                    out.replace_range(comma..comma + 1, " ");
                }
                out.push(bytes[at] as char);
                at += 1;
            }
            b',' => {
                pending_comma = Some(out.len());
                out.push(',');
                at += 1;
            }
            byte => {
                if !byte.is_ascii_whitespace() {
                    pending_comma = None;
                }
                // Copy the whole character: strings aside, JSON outside them is ASCII, but a
                // stray byte must not split a UTF-8 sequence.
                let length = text[at..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&text[at..at + length]);
                at += length;
            }
        }
    }
    out
}

/// The package an npm specifier names: `express` of `express/lib/router`, `@vercel/node` of
/// `@vercel/node/dist`.
pub(crate) fn package_of(specifier: &str) -> &str {
    let segments = if specifier.starts_with('@') { 2 } else { 1 };
    let end = specifier
        .match_indices('/')
        .nth(segments - 1)
        .map_or(specifier.len(), |(at, _)| at);
    &specifier[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonc_comments_and_trailing_commas_are_dropped() {
        let text = r#"{
  // the base
  "extends": "./base.json", /* block */
  "compilerOptions": {
    "paths": { "@/*": ["./src/*",], "a//b": ["x/*y"] },
  },
}"#;
        let json = parse_jsonc(text).expect("parses");
        assert_eq!(json["extends"], "./base.json");
        assert_eq!(json["compilerOptions"]["paths"]["@/*"][0], "./src/*");
        assert_eq!(json["compilerOptions"]["paths"]["a//b"][0], "x/*y");
        assert_eq!(parse_jsonc(r#"{"a": "é, }"}"#).unwrap()["a"], "é, }");
        assert_eq!(parse_jsonc(r#"{"a": "\"//"}"#).unwrap()["a"], "\"//");
    }

    #[test]
    fn the_longest_prefix_wins_and_exact_keys_first() {
        let patterns = vec![
            ("@/*".to_string(), vec!["/p/src/*".to_string()]),
            ("@/db/*".to_string(), vec!["/p/db/*".to_string()]),
            ("@config".to_string(), vec!["/p/config".to_string()]),
        ];
        assert_eq!(
            best_match(&patterns, "@/controllers/users"),
            ["/p/src/controllers/users"]
        );
        assert_eq!(best_match(&patterns, "@/db/client"), ["/p/db/client"]);
        assert_eq!(best_match(&patterns, "@config"), ["/p/config"]);
        assert!(best_match(&patterns, "express").is_empty());
    }

    #[test]
    fn tsconfig_extends_relative_files_and_resolves_targets_from_their_folder() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path();
        std::fs::create_dir_all(root.join("apps/api")).unwrap();
        std::fs::write(
            root.join("tsconfig.base.json"),
            "{ \"compilerOptions\": { \"paths\": { \"@/*\": [\"./apps/api/src/*\"], }, }, }",
        )
        .unwrap();
        std::fs::write(
            root.join("apps/api/tsconfig.json"),
            "// app\n{ \"extends\": \"../../tsconfig.base\", \"compilerOptions\": { \"strict\": true } }",
        )
        .unwrap();
        let paths = TsPaths::load(&root.join("apps/api/tsconfig.json")).expect("loads");
        assert_eq!(
            paths.candidates("@/controllers/users"),
            [root.join("apps/api/src/controllers/users")]
        );
        // `baseUrl` in the app: targets are relative to it, and bare names are looked for there.
        std::fs::write(
            root.join("apps/api/tsconfig.json"),
            "{ \"extends\": [\"@tsconfig/node20\", \"../../tsconfig.base.json\"], \"compilerOptions\": { \"baseUrl\": \"src\" } }",
        )
        .unwrap();
        let paths = TsPaths::load(&root.join("apps/api/tsconfig.json")).expect("loads");
        assert_eq!(
            paths.candidates("@/x"),
            [
                root.join("apps/api/src/apps/api/src/x"),
                root.join("apps/api/src/@/x"),
            ]
        );
        assert_eq!(
            paths.candidates("lib/db"),
            [root.join("apps/api/src/lib/db")]
        );
    }

    #[test]
    fn package_imports_and_exports_flatten_conditions() {
        let dir = tempfile::tempdir().expect("temporary folder");
        std::fs::write(
            dir.path().join("package.json"),
            r##"{
  "name": "@acme/db",
  "main": "./dist/index.js",
  "exports": { ".": { "types": "./src/index.ts", "default": "./dist/index.js" }, "./client": "./src/client.ts" },
  "imports": { "#db": "./src/db.js", "#lib/*": { "node": "./src/lib/*.js" } }
}"##,
        )
        .unwrap();
        let entries = NodeEntries::read(dir.path());
        assert_eq!(entries.import_targets("#db"), ["./src/db.js"]);
        assert_eq!(entries.import_targets("#lib/mail"), ["./src/lib/mail.js"]);
        assert!(entries.import_targets("#other").is_empty());
        let main = entries.export_targets(".");
        assert!(main.contains(&"./src/index.ts".to_string()), "{main:?}");
        assert!(main.contains(&"./dist/index.js".to_string()), "{main:?}");
        assert_eq!(main.last().map(String::as_str), Some("./index"));
        assert_eq!(entries.export_targets("./client")[0], "./src/client.ts");
        assert_eq!(
            source_of_built("./dist/index.d.ts").as_deref(),
            Some("./src/index")
        );
        assert_eq!(source_of_built("./src/index.ts"), None);
    }
}
