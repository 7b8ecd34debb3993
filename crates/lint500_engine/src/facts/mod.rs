//! Facts: what project rules need to know about a file, gathered during the one walk over its
//! tree and kept as small owned data (no tree, no source text) after the tree is dropped.
//!
//! Facts are syntactic: `const app = express()` is recorded as a call of the name `express`.
//! What a name means (that `express` is imported from the `express` package, so the call
//! creates an app) is decided later by the project view, which sees every file.

pub(crate) mod javascript;

pub(crate) use javascript::JsFactsCollector;
pub use javascript::MODULE_EXPORTS;

use lint500_core::Span;

/// The facts of one file.
#[derive(Clone, Debug, Default)]
pub struct FileFacts {
    /// JavaScript and TypeScript modules: imports, exports, functions, Express registrations.
    pub module: Option<JsModule>,
}

/// What a JavaScript or TypeScript module imports, exports, defines and registers.
#[derive(Clone, Debug, Default)]
pub struct JsModule {
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    /// Specifiers of `export * from '…'`.
    pub star_exports: Vec<String>,
    /// Names bound to values: variables, functions and classes, in source order.
    pub bindings: Vec<Binding>,
    /// Every function in the file, sorted by where it starts.
    pub functions: Vec<Function>,
    pub classes: Vec<Class>,
    /// Calls shaped like Express registrations (`x.get(…)`, `x.use(…)`, `x.route(…).post(…)`),
    /// in source order.
    pub registrations: Vec<Registration>,
    /// Every module specifier imported or required, including side-effect imports.
    pub specifiers: Vec<String>,
}

/// A name bound by an import or a `require`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub local: String,
    pub specifier: String,
    pub imported: Imported,
}

/// Which part of a module an import takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Imported {
    /// `import x from` — the default export (`module.exports` of a CommonJS module).
    Default,
    /// `import * as x from`, or `require('…')` — the whole module.
    Namespace,
    /// `import { x } from`, or `const { x } = require('…')`.
    Named(String),
}

/// A value a module exports under a name; `default` is also what `module.exports = …` sets.
#[derive(Clone, Debug, PartialEq)]
pub struct Export {
    pub name: String,
    pub value: Value,
}

pub const DEFAULT_EXPORT: &str = "default";

#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    pub name: String,
    pub value: Value,
}

/// What an expression denotes, as far as syntax tells.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A function written here, by the byte where it starts.
    Function(usize),
    /// A class written here, by its index in [`JsModule::classes`].
    Class(usize),
    /// An identifier.
    Name(String),
    /// `object.property`.
    Member(Box<Value>, String),
    /// An object literal's properties.
    Object(Vec<(String, Value)>),
    /// `new Class(…)`.
    New(Box<Value>),
    /// The result of a call.
    Call(Box<Call>),
    /// A whole module: `require('./users')`, or the module of `export { x } from './users'`.
    Module(String),
    /// Anything else: literals, arithmetic, expressions too deep to follow.
    Unknown,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub callee: Value,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub start_byte: usize,
    pub name: Option<String>,
    pub is_async: bool,
    /// `fn.length` in JavaScript: the parameters before the first default or rest parameter.
    /// Express tells error middleware (four) from other middleware by it.
    pub arity: u8,
    pub first_parameter: Option<String>,
    /// Where the parameter list is, to point at a middleware's signature.
    pub signature: Span,
    /// The first `await` (or `for await`) not inside the `try` block of a `try … catch` in this
    /// function itself.
    pub first_uncovered_await: Option<Span>,
    /// A function this one returns directly (`() => (err, req, res, next) => …`), by start byte.
    pub returns_function: Option<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Class {
    pub name: Option<String>,
    /// Methods and function-valued fields, by name.
    pub members: Vec<(String, Value)>,
}

/// A call shaped like an Express registration: `receiver.method(path?, ...handlers)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Registration {
    pub receiver: Value,
    /// `get`, `post`, …, `all`, `use`.
    pub method: String,
    /// The arguments after a leading path, with arrays flattened.
    pub handlers: Vec<Value>,
    /// `receiver.method`, or `receiver.route(…).method` for route chains.
    pub span: Span,
}

impl JsModule {
    pub fn function(&self, start_byte: usize) -> Option<&Function> {
        self.functions
            .binary_search_by_key(&start_byte, |function| function.start_byte)
            .ok()
            .map(|index| &self.functions[index])
    }

    /// The value bound to `name` in this module (its first binding), if any.
    pub fn binding(&self, name: &str) -> Option<&Value> {
        self.bindings
            .iter()
            .find(|binding| binding.name == name)
            .map(|binding| &binding.value)
    }

    pub fn import(&self, local: &str) -> Option<&Import> {
        self.imports.iter().find(|import| import.local == local)
    }

    pub fn export(&self, name: &str) -> Option<&Value> {
        self.exports
            .iter()
            .rev()
            .find(|export| export.name == name)
            .map(|export| &export.value)
    }
}
