use std::fmt;
use std::path::Path;

/// A grammar lint500 parses. TypeScript and TSX are separate grammars of the same family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    JavaScript,
    TypeScript,
    Tsx,
    Python,
}

/// The language a rule document names: rules are written per family, not per grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
pub enum LanguageFamily {
    #[serde(rename = "js")]
    JavaScript,
    #[serde(rename = "ts")]
    TypeScript,
    #[serde(rename = "py")]
    Python,
}

impl Language {
    pub const ALL: [Language; 4] = [
        Language::JavaScript,
        Language::TypeScript,
        Language::Tsx,
        Language::Python,
    ];

    /// The language of a file by its extension; `None` for files lint500 does not read.
    /// Declaration files (`.d.ts`) carry no runtime code and are treated as not ours.
    pub fn from_path(path: &Path) -> Option<Language> {
        // Bytes, not text: a file name that is not valid UTF-8 still has an extension.
        let name = path.file_name()?.as_encoded_bytes();
        if [".d.ts", ".d.mts", ".d.cts"]
            .iter()
            .any(|suffix| name.ends_with(suffix.as_bytes()))
        {
            return None;
        }
        // As `Path::extension`: a leading dot starts a name, not an extension.
        let dot = name
            .iter()
            .rposition(|&byte| byte == b'.')
            .filter(|&at| at > 0)?;
        let extension = &name[dot + 1..];
        match extension {
            b"js" | b"mjs" | b"cjs" | b"jsx" => Some(Language::JavaScript),
            b"ts" | b"mts" | b"cts" => Some(Language::TypeScript),
            b"tsx" => Some(Language::Tsx),
            b"py" | b"pyi" => Some(Language::Python),
            _ => None,
        }
    }

    pub fn family(self) -> LanguageFamily {
        match self {
            Language::JavaScript => LanguageFamily::JavaScript,
            Language::TypeScript | Language::Tsx => LanguageFamily::TypeScript,
            Language::Python => LanguageFamily::Python,
        }
    }

    /// JavaScript, TypeScript and TSX share statement and expression node kinds.
    pub fn is_javascript_like(self) -> bool {
        self != Language::Python
    }
}

impl LanguageFamily {
    pub fn code(self) -> &'static str {
        match self {
            LanguageFamily::JavaScript => "js",
            LanguageFamily::TypeScript => "ts",
            LanguageFamily::Python => "py",
        }
    }

    /// Which grammar parses a Markdown code block tagged with `tag`.
    pub fn language_of_code_block(tag: &str) -> Option<Language> {
        match tag {
            "js" | "javascript" | "jsx" => Some(Language::JavaScript),
            "ts" | "typescript" => Some(Language::TypeScript),
            "tsx" => Some(Language::Tsx),
            "py" | "python" => Some(Language::Python),
            _ => None,
        }
    }
}

/// `*.test.js`, `*.spec.ts`, Python's `test_*.py`, `*_test.py` and `conftest.py`, and
/// anything under `test/`, `tests/`, `__tests__/`, `e2e/`, `evals/` or a browser-test folder
/// (`cypress/`, `playwright/`) (give a path relative to the project or package, so that a
/// project inside a folder named `test` still counts).
pub fn is_test_path(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("");
    name.contains(".test.")
        || name.contains(".spec.")
        || (name.ends_with(".py")
            && (name.starts_with("test_") || name.ends_with("_test.py") || name == "conftest.py"))
        || path.components().any(|component| {
            matches!(
                component.as_os_str().to_str(),
                Some(
                    "test"
                        | "tests"
                        | "__tests__"
                        | "test-int"
                        | "e2e"
                        | "evals"
                        | "cypress"
                        | "playwright"
                )
            )
        })
}

impl fmt::Display for LanguageFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_by_extension() {
        let cases = [
            ("a.js", Some(Language::JavaScript)),
            ("a.mjs", Some(Language::JavaScript)),
            ("a.cjs", Some(Language::JavaScript)),
            ("a.jsx", Some(Language::JavaScript)),
            ("a.ts", Some(Language::TypeScript)),
            ("a.mts", Some(Language::TypeScript)),
            ("a.cts", Some(Language::TypeScript)),
            ("a.tsx", Some(Language::Tsx)),
            ("a.py", Some(Language::Python)),
            ("a.pyi", Some(Language::Python)),
            ("types.d.ts", None),
            ("types.d.mts", None),
            ("a.rs", None),
            ("Makefile", None),
            (".js", None),
        ];
        for (name, expected) in cases {
            assert_eq!(Language::from_path(Path::new(name)), expected, "{name}");
        }
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let not_utf8 = std::ffi::OsStr::from_bytes(b"bad\xff.js");
            assert_eq!(
                Language::from_path(Path::new(not_utf8)),
                Some(Language::JavaScript)
            );
        }
    }
}
