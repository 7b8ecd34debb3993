//! The file model: what the walk knows about the file at the node being checked (its text,
//! its language, the functions, catch clauses and guarded try blocks around the node). A low
//! layer: the facts collectors, the error-text reader and the rules read it; the walk in
//! `dispatch` builds it.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

use lint500_core::{Language, Span};
use tree_sitter::Node;

use crate::async_callables::AsyncCallables;
use crate::columns::Columns;

/// What the walk knows about the file at the node being checked: its text, its language, and
/// the constructs enclosing the node that rules ask about.
pub struct FileModel<'tree> {
    pub source: &'tree str,
    pub language: Language,
    /// Enclosing functions, catch clauses and guarded try blocks.
    frames: Frames<'tree>,
    root: Node<'tree>,
    async_callables: OnceCell<AsyncCallables>,
    /// By name, whether each function the module's top level defines returns the message of
    /// the error it is given; filled in on first use by `error_text`.
    pub(crate) error_text_helpers: OnceCell<HashMap<String, bool>>,
    columns: Columns<'tree>,
    /// How many nodes lie above the current one.
    pub(crate) depth: u32,
    /// By function (its first byte) and name, whether the function declares the name: asked
    /// for every assignment, and each answer reads the function's whole body.
    pub(crate) declarations: RefCell<HashMap<(usize, String), bool>>,
}

/// A construct around the current node that queries ask about.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Frame<'tree> {
    Function(Node<'tree>),
    Catch(Node<'tree>),
    /// The block of a `try` that has a `catch` / `except`.
    GuardedTry,
}

/// The frames around the current node, outermost first, each with what the queries about it
/// need, so that every query costs the same however deep the nesting (a hostile file may nest
/// a hundred thousand blocks).
#[derive(Default)]
struct Frames<'tree>(Vec<Framed<'tree>>);

struct Framed<'tree> {
    frame: Frame<'tree>,
    /// The index of the innermost function frame at or below this one.
    function: Option<usize>,
    /// The index of the innermost catch frame at or below this one.
    catch: Option<usize>,
    /// Whether a guarded try block lies between the innermost function and this frame.
    guarded: bool,
}

impl<'tree> Frames<'tree> {
    fn push(&mut self, frame: Frame<'tree>) {
        let index = self.0.len();
        let top = self.0.last();
        let (function, catch, guarded) = (
            top.and_then(|top| top.function),
            top.and_then(|top| top.catch),
            top.is_some_and(|top| top.guarded),
        );
        self.0.push(match frame {
            Frame::Function(_) => Framed {
                frame,
                function: Some(index),
                catch,
                guarded: false,
            },
            Frame::Catch(_) => Framed {
                frame,
                function,
                catch: Some(index),
                guarded,
            },
            Frame::GuardedTry => Framed {
                frame,
                function,
                catch,
                guarded: true,
            },
        });
    }

    fn pop(&mut self) -> Option<Frame<'tree>> {
        self.0.pop().map(|framed| framed.frame)
    }

    fn node_at(&self, index: Option<usize>) -> Option<Node<'tree>> {
        match self.0.get(index?)?.frame {
            Frame::Function(node) | Frame::Catch(node) => Some(node),
            Frame::GuardedTry => None,
        }
    }

    /// The catch clauses, innermost first.
    fn catches(&self) -> impl Iterator<Item = Node<'tree>> + '_ {
        let innermost = self.0.last().and_then(|top| top.catch);
        std::iter::successors(innermost, |&index| {
            index.checked_sub(1).and_then(|below| self.0[below].catch)
        })
        .filter_map(|index| self.node_at(Some(index)))
    }
}

impl<'tree> FileModel<'tree> {
    /// The model of a file before the walk enters its root.
    pub(crate) fn new(source: &'tree str, language: Language, root: Node<'tree>) -> Self {
        FileModel {
            source,
            language,
            frames: Frames::default(),
            root,
            async_callables: OnceCell::new(),
            error_text_helpers: OnceCell::new(),
            columns: Columns::new(source),
            depth: 0,
            declarations: RefCell::default(),
        }
    }

    /// How many nodes lie above the current one. tree-sitter answers `parent()` and the sibling
    /// queries by walking down from the root, so each costs this much: a rule that asks them
    /// of every node it checks stays silent past a depth no real code reaches.
    pub fn depth(&self) -> u32 {
        self.depth
    }

    /// The root of the file's tree, for rules that look up a module-level declaration.
    pub fn root(&self) -> Node<'tree> {
        self.root
    }

    pub(crate) fn columns(&self) -> &Columns<'tree> {
        &self.columns
    }

    /// Enters a frame (the walk calls this on the node that opens it).
    pub(crate) fn push_frame(&mut self, frame: Frame<'tree>) {
        self.frames.push(frame);
    }

    /// Leaves the innermost frame.
    pub(crate) fn pop_frame(&mut self) -> Option<Frame<'tree>> {
        self.frames.pop()
    }

    pub fn text(&self, node: Node<'_>) -> &'tree str {
        self.source.get(node.byte_range()).unwrap_or("")
    }

    pub fn span(&self, node: Node<'_>) -> Span {
        self.columns.span(node)
    }

    /// What the file's top level and classes declare async, read on first use.
    pub fn async_callables(&self) -> &AsyncCallables {
        self.async_callables
            .get_or_init(|| AsyncCallables::of(self.root, self.source, self.language))
    }

    /// The `catch` / `except` clauses around the current node, innermost first, stopping at
    /// nothing: a callback inside a catch block still sees the caught error.
    pub fn enclosing_catch_clauses(&self) -> impl Iterator<Item = Node<'tree>> + '_ {
        self.frames.catches()
    }

    /// The innermost function (declaration, expression, arrow, method, lambda) around the node.
    pub fn enclosing_function(&self) -> Option<Node<'tree>> {
        let frames = &self.frames;
        frames.node_at(frames.0.last().and_then(|top| top.function))
    }

    /// Whether the current node is inside the block of a `try` that has a `catch` / `except`,
    /// within the innermost function (a nested function's body is not guarded by an outer try).
    pub fn is_guarded_by_try(&self) -> bool {
        self.frames.0.last().is_some_and(|top| top.guarded)
    }
}

/// The last name of a callee or member: `format_exc` of `traceback.format_exc`, `error` of
/// `logger.error`, `String` of `String`.
pub fn last_name<'tree>(node: Node<'tree>, file: &FileModel<'tree>) -> &'tree str {
    match node.kind() {
        "attribute" => node.child_by_field_name("attribute"),
        "member_expression" => node.child_by_field_name("property"),
        _ => Some(node),
    }
    .map_or("", |name| file.text(name))
}
