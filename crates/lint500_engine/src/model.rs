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

/// What the walk itself does with a node kind, besides handing it to rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Plain,
    Function,
    Catch,
    Comment,
}

/// The role of every kind id of a grammar: one table lookup per node on the hot path.
fn roles(language: Language) -> &'static [Role] {
    static ROLES: OnceLock<Vec<Vec<Role>>> = OnceLock::new();
    let all = ROLES.get_or_init(|| Language::ALL.iter().map(|&lang| role_table(lang)).collect());
    let slot = Language::ALL
        .iter()
        .position(|&lang| lang == language)
        .expect("every language is in ALL");
    &all[slot]
}

fn role_table(language: Language) -> Vec<Role> {
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
    (0..grammar.node_kind_count() as u16)
        .map(|id| match grammar.node_kind_for_id(id) {
            Some(kind) if grammar.node_kind_is_named(id) && functions.contains(&kind) => {
                Role::Function
            }
            Some(kind) if grammar.node_kind_is_named(id) && catches.contains(&kind) => Role::Catch,
            Some("comment") if grammar.node_kind_is_named(id) => Role::Comment,
            _ => Role::Plain,
        })
        .collect()
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

/// tree-sitter's symbol for ERROR nodes.
const ERROR_KIND: u16 = u16::MAX;

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
    let roles = roles(language);
    let dispatch = rules.dispatch_table(language);
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
        first_syntax_error: first_syntax_error(tree, source),
    };
    // Each frame is pushed with the depth of its node, and popped when the walk leaves that depth.
    let mut frame_depths: Vec<u32> = Vec::new();
    let mut depth: u32 = 0;
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        let kind = node.kind_id();
        if kind != ERROR_KIND {
            let frame = match roles.get(usize::from(kind)).copied().unwrap_or(Role::Plain) {
                Role::Plain => None,
                Role::Function => Some(Frame::Function(node)),
                Role::Catch => Some(Frame::Catch(node)),
                Role::Comment => {
                    lint.suppressions
                        .add_comment(model.text(node), node, source);
                    None
                }
            };
            if let Some(frame) = frame {
                model.frames.push(frame);
                frame_depths.push(depth);
            }
            let wanted = dispatch
                .get(usize::from(kind))
                .map_or(&[][..], Vec::as_slice);
            if !wanted.is_empty() && !node.has_error() && !node.is_missing() {
                run_rules(node, wanted, &model, rules, &mut enabled, &mut lint);
            }
            if cursor.goto_first_child() {
                depth += 1;
                continue;
            }
        }
        loop {
            if frame_depths.last() == Some(&depth) {
                frame_depths.pop();
                model.frames.pop();
            }
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
            depth -= 1;
        }
    }
    lint
}

/// The start of the first ERROR or MISSING node, found by descending only into subtrees that
/// contain one (iteratively, so deep nesting is no problem).
fn first_syntax_error(tree: &Tree, source: &str) -> Option<Position> {
    let mut node = tree.root_node();
    if !node.has_error() {
        return None;
    }
    let mut cursor = tree.walk();
    loop {
        if node.is_error() || node.is_missing() {
            return Some(position(source, node.start_byte(), node.start_position()));
        }
        node = node.children(&mut cursor).find(|child| child.has_error())?;
    }
}

fn run_rules<'tree>(
    node: Node<'tree>,
    wanted: &[usize],
    model: &FileModel<'tree>,
    rules: &'static RuleSet,
    enabled: &mut [bool],
    lint: &mut TreeLint,
) {
    for &index in wanted {
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
