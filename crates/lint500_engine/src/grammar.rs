use std::cell::RefCell;

use lint500_core::Language;
use tree_sitter::{Parser, Tree};

pub(crate) fn grammar(language: Language) -> tree_sitter::Language {
    match language {
        Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        Language::Python => tree_sitter_python::LANGUAGE.into(),
    }
}

thread_local! {
    /// One parser per thread and language: creating parsers per file is measurable.
    static PARSERS: RefCell<Vec<(Language, Parser)>> = const { RefCell::new(Vec::new()) };
}

/// Parses `source` with the grammar of `language`, reusing this thread's parser.
pub fn parse(source: &str, language: Language) -> Tree {
    PARSERS.with_borrow_mut(|parsers| {
        let index = match parsers.iter().position(|(lang, _)| *lang == language) {
            Some(index) => index,
            None => {
                let mut parser = Parser::new();
                parser
                    .set_language(&grammar(language))
                    .expect("the bundled grammars match the tree-sitter ABI");
                parsers.push((language, parser));
                parsers.len() - 1
            }
        };
        parsers[index]
            .1
            .parse(source, None)
            .expect("parsing without a timeout or cancellation flag always yields a tree")
    })
}
