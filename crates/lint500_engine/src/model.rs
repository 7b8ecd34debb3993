use std::panic::{self, AssertUnwindSafe};
use std::sync::OnceLock;

use lint500_core::{Diagnostic, Language, Position, Span};
use tree_sitter::{Node, Tree};

use crate::grammar::grammar;
use crate::rule::{RuleContext, RuleSet, position, span_of};
use crate::suppression::Suppressions;

/// What the walk knows about the file at the node being checked: its text, its language, and
/// the constructs enclosing the node that rules ask about.
pub struct FileModel<'tree> {
    pub source: &'tree str,
    pub language: Language,
    /// Enclosing functions and catch clauses, outermost first.
    frames: Vec<Frame<'tree>>,
}

#[derive(Clone, Copy, Debug)]
enum Frame<'tree> {
    Function(Node<'tree>),
    Catch(Node<'tree>),
}

impl<'tree> Frame<'tree> {
    fn node(self) -> Node<'tree> {
        match self {
            Frame::Function(node) | Frame::Catch(node) => node,
        }
    }
}

impl<'tree> FileModel<'tree> {
    pub fn text(&self, node: Node<'_>) -> &'tree str {
        self.source.get(node.byte_range()).unwrap_or("")
    }

    pub fn span(&self, node: Node<'_>) -> Span {
        span_of(self.source, node)
    }

    /// The `catch` / `except` clauses around the current node, innermost first, stopping at
    /// nothing: a callback inside a catch block still sees the caught error.
    pub fn enclosing_catch_clauses(&self) -> impl Iterator<Item = Node<'tree>> + '_ {
        self.frames.iter().rev().filter_map(|frame| match frame {
            Frame::Catch(node) => Some(*node),
            Frame::Function(_) => None,
        })
    }

    /// The innermost function (declaration, expression, arrow, method, lambda) around the node.
    pub fn enclosing_function(&self) -> Option<Node<'tree>> {
        self.frames.iter().rev().find_map(|frame| match frame {
            Frame::Function(node) => Some(*node),
            Frame::Catch(_) => None,
        })
    }
}

/// The node kinds the walk itself tracks, as kind ids of one grammar.
struct TrackedKinds {
    functions: Vec<u16>,
    catches: Vec<u16>,
    comments: Vec<u16>,
}

impl TrackedKinds {
    fn of(language: Language) -> &'static TrackedKinds {
        static KINDS: OnceLock<Vec<TrackedKinds>> = OnceLock::new();
        let all = KINDS.get_or_init(|| {
            Language::ALL
                .iter()
                .map(|&lang| TrackedKinds::build(lang))
                .collect()
        });
        let slot = Language::ALL
            .iter()
            .position(|&lang| lang == language)
            .expect("every language is in ALL");
        &all[slot]
    }

    fn build(language: Language) -> TrackedKinds {
        let (functions, catches): (&[&str], &[&str]) = if language.is_javascript_like() {
            (
                &[
                    "function_declaration",
                    "function_expression",
                    "arrow_function",
                    "method_definition",
                    "generator_function",
                    "generator_function_declaration",
                ],
                &["catch_clause"],
            )
        } else {
            (&["function_definition", "lambda"], &["except_clause"])
        };
        let grammar = grammar(language);
        let ids = |names: &[&str]| -> Vec<u16> {
            (0..grammar.node_kind_count() as u16)
                .filter(|&id| grammar.node_kind_is_named(id))
                .filter(|&id| {
                    grammar
                        .node_kind_for_id(id)
                        .is_some_and(|kind| names.contains(&kind))
                })
                .collect()
        };
        TrackedKinds {
            functions: ids(functions),
            catches: ids(catches),
            comments: ids(&["comment"]),
        }
    }
}

/// Everything one walk over one file produced.
pub struct TreeLint {
    pub diagnostics: Vec<Diagnostic>,
    pub suppressions: Suppressions,
    /// Rules that panicked on this file, with the panic message; each stopped for this file.
    pub panics: Vec<(&'static str, String)>,
    /// Where the first syntax error starts, if the file has one.
    pub first_syntax_error: Option<Position>,
}

/// Walks `tree` once, depth first and without recursion (deep nesting cannot overflow the
/// stack), building the file model and running each enabled rule on the nodes it asked for.
/// Subtrees under ERROR nodes are not entered, and no rule sees a node containing an error.
pub fn lint_tree(
    source: &str,
    tree: &Tree,
    language: Language,
    rules: &'static RuleSet,
    enabled: &[bool],
) -> TreeLint {
    let kinds = TrackedKinds::of(language);
    let mut enabled = enabled.to_vec();
    let mut model = FileModel {
        source,
        language,
        frames: Vec::new(),
    };
    let mut lint = TreeLint {
        diagnostics: Vec::new(),
        suppressions: Suppressions::default(),
        panics: Vec::new(),
        first_syntax_error: None,
    };
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        let broken = node.is_error() || node.is_missing();
        if broken && lint.first_syntax_error.is_none() {
            lint.first_syntax_error =
                Some(position(source, node.start_byte(), node.start_position()));
        }
        if !broken {
            let kind = node.kind_id();
            if kinds.comments.contains(&kind) {
                lint.suppressions
                    .add_comment(model.text(node), node, source);
            } else if kinds.functions.contains(&kind) {
                model.frames.push(Frame::Function(node));
            } else if kinds.catches.contains(&kind) {
                model.frames.push(Frame::Catch(node));
            }
            if !node.has_error() {
                run_rules(node, &model, rules, &mut enabled, &mut lint);
            }
            if cursor.goto_first_child() {
                continue;
            }
        }
        loop {
            let left = cursor.node();
            if model
                .frames
                .last()
                .is_some_and(|frame| frame.node() == left)
            {
                model.frames.pop();
            }
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    lint
}

fn run_rules<'tree>(
    node: Node<'tree>,
    model: &FileModel<'tree>,
    rules: &'static RuleSet,
    enabled: &mut [bool],
    lint: &mut TreeLint,
) {
    for &index in rules.rules_for_kind(model.language, node.kind_id()) {
        if !enabled[index] {
            continue;
        }
        let meta = rules.meta(index);
        let mut ctx = RuleContext {
            file: model,
            meta,
            diagnostics: &mut lint.diagnostics,
        };
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            rules.rule(index).check_node(node, &mut ctx)
        }));
        if let Err(payload) = outcome {
            let message = payload
                .downcast_ref::<&str>()
                .map(|text| text.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            lint.panics.push((meta.id.as_str(), message));
            enabled[index] = false;
        }
    }
}
