//! The walk over one tree: one iterative depth-first pass that builds the file model, hands
//! every node to the rules that asked for its kind and to the facts collectors, and reads the
//! suppression comments. Above the rules, the facts and the file model; below the runner.

use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::sync::OnceLock;

use lint500_core::{Diagnostic, Language, Position};
use lint500_knowledge::packages;
use tree_sitter::{Node, Tree};

use crate::columns::Columns;
use crate::facts::{FactKind, FactsCollector, FileFacts, fact_kinds};
use crate::grammar::grammar;
use crate::model::{FileModel, Frame};
use crate::options::RuleOptions;
use crate::rule::{PendingFinding, RuleContext, RuleSet};
use crate::suppression::Suppressions;

/// What the walk itself does with a node kind, besides handing it to rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Plain,
    Function,
    Catch,
    Comment,
    Try,
    /// A node the facts collector records.
    Fact(FactKind),
    /// A subtree that holds no code for any rule or fact: a string literal, a regular
    /// expression, a TypeScript type. The walk does not enter it.
    Opaque,
}

/// Kinds whose subtrees hold no code: their children are quotes, fragments and type names.
/// (Python's `type` may hold `Annotated[…, Depends(…)]`, and an f-string holds expressions.)
const OPAQUE_KINDS: &[&str] = &[
    "string",
    "regex",
    "type_annotation",
    "type_arguments",
    "type_parameters",
    "interface_declaration",
    "type_alias_declaration",
];

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
    let facts = fact_kinds(language);
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
        .map(|id| {
            let kind = match grammar.node_kind_for_id(id) {
                Some(kind) if grammar.node_kind_is_named(id) => kind,
                _ => return Role::Plain,
            };
            if functions.contains(&kind) {
                Role::Function
            } else if catches.contains(&kind) {
                Role::Catch
            } else if kind == "comment" {
                Role::Comment
            } else if kind == "try_statement" {
                Role::Try
            } else if let Some(&(_, fact)) = facts.iter().find(|(name, _)| *name == kind) {
                Role::Fact(fact)
            } else if OPAQUE_KINDS.contains(&kind) {
                Role::Opaque
            } else {
                Role::Plain
            }
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
    pub facts: FileFacts,
    /// Findings that hold only if a function of another module is what the rule took it for;
    /// the project view decides.
    pub pending: Vec<PendingFinding>,
}

/// tree-sitter's symbol for ERROR nodes.
const ERROR_KIND: u16 = u16::MAX;

/// What one walk over a file does: the rules it runs, with their options, and whether it
/// gathers facts. `enabled` and `options` are by rule index.
pub struct WalkPlan<'a> {
    pub rules: &'static RuleSet,
    pub enabled: &'a [bool],
    pub options: &'a [RuleOptions],
    pub collect_facts: bool,
}

impl WalkPlan<'_> {
    /// A walk that only gathers facts, for tests of the facts collectors.
    #[cfg(test)]
    pub(crate) fn facts_only(rules: &'static RuleSet) -> WalkPlan<'static> {
        WalkPlan {
            rules,
            enabled: &[],
            options: &[],
            collect_facts: true,
        }
    }
}

/// How deep a node may be for every fact of it to be recorded.
const MAX_FACT_DEPTH: u32 = 1_000;

/// How many member expressions deeper than [`MAX_FACT_DEPTH`] a file's facts read.
const MAX_DEEP_MEMBERS: usize = 256;

/// Walks `tree` once, depth first and without recursion (deep nesting cannot overflow the
/// stack), building the file model and running each enabled rule on the nodes it asked for.
/// Subtrees under ERROR nodes are not entered, and no rule sees a node containing an error.
pub fn lint_tree(source: &str, tree: &Tree, language: Language, plan: &WalkPlan<'_>) -> TreeLint {
    let WalkPlan {
        rules,
        enabled,
        options,
        collect_facts,
    } = *plan;
    let roles = roles(language);
    let dispatch = rules.dispatch_table(language);
    let mut enabled = enabled.to_vec();
    let mut model = FileModel::new(source, language, tree.root_node());
    let mut lint = TreeLint {
        diagnostics: Vec::new(),
        suppressions: Suppressions::default(),
        panics: Vec::new(),
        first_syntax_error: first_syntax_error(tree, model.columns()),
        facts: FileFacts::default(),
        pending: Vec::new(),
    };
    let mut facts = collect_facts.then(|| FactsCollector::new(language, options));
    // The block of the `try` statement just entered, when it has a handler: it is entered next.
    let mut guarded_block: Option<usize> = None;
    // Each frame is pushed with the depth of its node, and popped when the walk leaves that depth.
    let mut frame_depths: Vec<u32> = Vec::new();
    let mut depth: u32 = 0;
    // How many member expressions deeper than `MAX_FACT_DEPTH` the facts have read.
    let mut deep_members = 0;
    // The functions given to a call that runs them in a browser page, met before them.
    let mut page_functions: HashSet<usize> = HashSet::new();
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        let kind = node.kind_id();
        model.depth = depth;
        let role = roles.get(usize::from(kind)).copied().unwrap_or(Role::Plain);
        if language.is_javascript_like() && node.kind() == "call_expression" {
            page_functions.extend(functions_run_in_a_page(node, &model));
        }
        // A function a browser automation library runs in the page is browser code: no rule
        // and no fact reads it.
        if kind != ERROR_KIND && !(role == Role::Function && page_functions.contains(&node.id())) {
            let mut frame = match role {
                Role::Plain | Role::Opaque => None,
                Role::Function => {
                    if let Some(collector) = &mut facts {
                        collector.enter_function(node, &model);
                    }
                    Some(Frame::Function(node))
                }
                Role::Catch => Some(Frame::Catch(node)),
                Role::Comment => {
                    lint.suppressions
                        .add_comment(model.text(node), node, source);
                    None
                }
                Role::Try => {
                    guarded_block = guarded_try_block(node).map(|block| block.id());
                    None
                }
                Role::Fact(fact) => {
                    // Environment reads and create-once guards are read by asking the tree for
                    // parents and siblings, each at the cost of the depth: past a depth no real
                    // code reaches (a hostile or generated file), guards are not recorded, and
                    // reads only up to a budget.
                    let deep = depth > MAX_FACT_DEPTH
                        && match fact {
                            FactKind::Conditional => true,
                            FactKind::Member => {
                                deep_members += 1;
                                deep_members > MAX_DEEP_MEMBERS
                            }
                            _ => false,
                        };
                    if let (Some(collector), false) = (&mut facts, deep) {
                        // Only awaits ask whether a `try` covers them.
                        let covered = matches!(fact, FactKind::Await | FactKind::ForIn)
                            && model.is_guarded_by_try();
                        collector.enter(node, fact, &model, covered);
                    }
                    None
                }
            };
            if guarded_block.is_some_and(|id| id == node.id()) {
                guarded_block = None;
                frame = Some(Frame::GuardedTry);
            }
            if let Some(frame) = frame {
                model.push_frame(frame);
                frame_depths.push(depth);
            }
            let wanted = dispatch
                .get(usize::from(kind))
                .map_or(&[][..], Vec::as_slice);
            if !wanted.is_empty() && !node.has_error() && !node.is_missing() {
                run_rules(
                    node,
                    wanted,
                    &model,
                    rules,
                    &mut enabled,
                    options,
                    &mut lint,
                );
            }
            let opaque = role == Role::Opaque && !is_format_string(node, source, language);
            if !opaque && cursor.goto_first_child() {
                depth += 1;
                continue;
            }
        }
        loop {
            if frame_depths.last() == Some(&depth) {
                frame_depths.pop();
                if let (Some(Frame::Function(_)), Some(collector)) = (model.pop_frame(), &mut facts)
                {
                    collector.leave_function();
                }
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
    if let Some(collector) = facts {
        lint.facts = collector.finish(source);
    }
    lint
}

/// Whether a string literal is a Python f-string (`f"…"`, `rf'…'`), whose interpolations are
/// code.
fn is_format_string(string: Node<'_>, source: &str, language: Language) -> bool {
    language == Language::Python
        && source.get(string.start_byte()..).is_some_and(|text| {
            text.bytes()
                .take_while(|byte| byte.is_ascii_alphabetic())
                .any(|byte| byte.eq_ignore_ascii_case(&b'f'))
        })
}

/// The functions `call` hands to a method that runs them in a browser page (`page.evaluate(()
/// => …)`, `page.$$eval(sel, (els) => …)`), by node id. Read from the call down: asking a
/// function for its parent costs the depth of the tree.
fn functions_run_in_a_page(call: Node<'_>, model: &FileModel<'_>) -> Vec<usize> {
    let runs_in_page = call
        .child_by_field_name("function")
        .filter(|callee| callee.kind() == "member_expression")
        .and_then(|callee| callee.child_by_field_name("property"))
        .is_some_and(|property| packages::PAGE_EVALUATION_METHODS.contains(&model.text(property)));
    let Some(arguments) = call
        .child_by_field_name("arguments")
        .filter(|_| runs_in_page)
    else {
        return Vec::new();
    };
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .filter(|argument| {
            matches!(
                argument.kind(),
                "arrow_function" | "function_expression" | "function"
            )
        })
        .map(|function| function.id())
        .collect()
}

/// The block of a `try` statement that has a `catch` / `except` handler.
fn guarded_try_block(statement: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = statement.walk();
    let has_handler = statement.child_by_field_name("handler").is_some()
        || statement
            .named_children(&mut cursor)
            .any(|child| child.kind() == "except_clause");
    has_handler
        .then(|| statement.child_by_field_name("body"))
        .flatten()
}

/// The start of the first ERROR or MISSING node, found by descending only into subtrees that
/// contain one (iteratively, so deep nesting is no problem).
fn first_syntax_error(tree: &Tree, columns: &Columns<'_>) -> Option<Position> {
    let mut node = tree.root_node();
    if !node.has_error() {
        return None;
    }
    let mut cursor = tree.walk();
    loop {
        if node.is_error() || node.is_missing() {
            return Some(columns.position(node.start_byte(), node.start_position()));
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
    options: &[RuleOptions],
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
            options: &options[index],
            diagnostics: &mut lint.diagnostics,
            pending: &mut lint.pending,
        };
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            rules.rule(index).check_node(node, &mut ctx)
        }));
        if let Err(payload) = outcome {
            lint.panics
                .push((meta.id.as_str(), panic_message(payload.as_ref())));
            enabled[index] = false;
        }
    }
}

/// The message a panic was raised with.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|text| text.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}
