//! Rules as the engine sees them: the `Rule` trait, the rule set and its dispatch table by
//! node kind, and the contexts rules report through. Above the file model, the facts and the
//! project view (a pending finding is decided by the project); below the walk and the runner.

use std::panic::RefUnwindSafe;

use lint500_core::{Diagnostic, Fix, Label, Language, RuleMeta, Span};
use tree_sitter::Node;

use crate::facts::{FalsyArguments, Value, javascript, python};
use crate::grammar::grammar;
use crate::model::FileModel;
use crate::options::RuleOptions;
use crate::project::{FileId, Project};
use crate::suppression::{IdleSuppression, SuppressionContext};

/// A check on one file. A rule names the node kinds it wants per language; the engine's single
/// walk hands it each such node together with the shared file model, so no rule walks the tree.
pub trait Rule: Send + Sync + RefUnwindSafe {
    /// The rule's document (`rules/<id>.md`), the single source of its metadata.
    fn document(&self) -> &'static str;

    /// The tree-sitter node kinds this rule inspects in `language` (empty: not this language).
    fn node_kinds(&self, _language: Language) -> &'static [&'static str] {
        &[]
    }

    /// The options this rule accepts in `[rules.<id>]`, each a list of strings; the rule reads
    /// them with [`RuleContext::option`] (or the engine does, for the facts it gathers).
    fn options(&self) -> &'static [&'static str] {
        &[]
    }

    fn check_node<'tree>(&self, _node: Node<'tree>, _ctx: &mut RuleContext<'_, 'tree>) {}

    /// For a rule that implements [`Rule::check_project`]: the npm packages that make a
    /// package worth checking (`express`). The engine gathers facts only from files of packages
    /// that depend on one of them (or that have no `package.json`), and reads the rest of such
    /// a package when only some of its files are linted. Empty: the rule has no project part.
    fn project_dependencies(&self) -> &'static [&'static str] {
        &[]
    }

    /// For rules that need more than one file: runs once per run, after every file's facts are
    /// gathered, over the whole project view.
    fn check_project(&self, _project: &Project, _ctx: &mut ProjectContext<'_>) {}

    /// Whether this is a rule about suppression comments themselves, which implements
    /// [`Rule::check_suppressions`].
    fn checks_suppressions(&self) -> bool {
        false
    }

    /// For a rule about suppression comments: runs on each linted file once every other rule
    /// is done, with the rules its comments name that suppressed nothing there (rules that
    /// did not run on the file are left out; unknown ids are in).
    fn check_suppressions(&self, _idle: &[IdleSuppression], _ctx: &mut SuppressionContext<'_>) {}
}

struct RegisteredRule {
    meta: RuleMeta,
    rule: Box<dyn Rule>,
}

/// The rules of a run with their metadata and a node-kind → rules table per language.
pub struct RuleSet {
    rules: Vec<RegisteredRule>,
    /// `dispatch[language][kind_id]` lists the indices of the rules that want that kind.
    dispatch: Vec<Vec<Vec<usize>>>,
}

impl RuleSet {
    /// Reads each rule's metadata from its document and builds the dispatch tables.
    /// Fails on a malformed document, a duplicate id or a node kind the grammar lacks.
    pub fn new(rules: Vec<Box<dyn Rule>>) -> Result<RuleSet, String> {
        let mut registered: Vec<RegisteredRule> = Vec::with_capacity(rules.len());
        for rule in rules {
            let meta = RuleMeta::from_document(rule.document()).map_err(|err| err.to_string())?;
            if registered.iter().any(|other| other.meta.id == meta.id) {
                return Err(format!("two rules share the id `{}`", meta.id));
            }
            registered.push(RegisteredRule { meta, rule });
        }
        let dispatch = Language::ALL
            .iter()
            .map(|&language| dispatch_table(&registered, language))
            .collect::<Result<_, _>>()?;
        Ok(RuleSet {
            rules: registered,
            dispatch,
        })
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    pub fn metas(&self) -> impl Iterator<Item = &RuleMeta> {
        self.rules.iter().map(|registered| &registered.meta)
    }

    pub fn meta(&self, index: usize) -> &RuleMeta {
        &self.rules[index].meta
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.rules
            .iter()
            .position(|registered| registered.meta.id == id)
    }

    pub fn find(&self, id: &str) -> Option<&RuleMeta> {
        self.index_of(id).map(|index| self.meta(index))
    }

    pub(crate) fn rule(&self, index: usize) -> &dyn Rule {
        self.rules[index].rule.as_ref()
    }

    /// For each kind id of `language`'s grammar, the indices of the rules that want it.
    pub(crate) fn dispatch_table(&self, language: Language) -> &[Vec<usize>] {
        &self.dispatch[language_slot(language)]
    }
}

fn language_slot(language: Language) -> usize {
    Language::ALL
        .iter()
        .position(|&candidate| candidate == language)
        .expect("Language::ALL lists every language")
}

fn dispatch_table(rules: &[RegisteredRule], language: Language) -> Result<Vec<Vec<usize>>, String> {
    let grammar = grammar(language);
    let mut table = vec![Vec::new(); usize::from(grammar.node_kind_count() as u16)];
    for (index, registered) in rules.iter().enumerate() {
        for &kind in registered.rule.node_kinds(language) {
            // A name can belong to several symbols (aliases): register the rule for each.
            let mut found = false;
            for kind_id in 0..table.len() as u16 {
                if grammar.node_kind_is_named(kind_id)
                    && grammar.node_kind_for_id(kind_id) == Some(kind)
                {
                    table[usize::from(kind_id)].push(index);
                    found = true;
                }
            }
            if !found {
                return Err(format!(
                    "rule `{}` asks for node kind `{kind}`, which the {language:?} grammar does not have",
                    registered.meta.id
                ));
            }
        }
    }
    Ok(table)
}

/// What a rule sees while it checks a node: the file model, its options, and a place to
/// report findings.
pub struct RuleContext<'a, 'tree> {
    pub(crate) file: &'a FileModel<'tree>,
    pub(crate) meta: &'static RuleMeta,
    pub(crate) options: &'a RuleOptions,
    pub(crate) diagnostics: &'a mut Vec<Diagnostic>,
    pub(crate) pending: &'a mut Vec<PendingFinding>,
}

/// A finding that holds only if `helper`, a function the file calls (`getErrorMessage`
/// imported from `./utils`, `get_one` from `.repository`), does what `condition` says. The
/// project view resolves the name once every file's facts are in; a finding whose helper
/// cannot be resolved, or does not, is dropped.
#[derive(Debug)]
pub struct PendingFinding {
    pub(crate) helper: Value,
    pub(crate) condition: Condition,
    pub(crate) diagnostic: Diagnostic,
}

/// What a pending finding needs of the function it calls.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Condition {
    /// It returns the message of the error it is given (`getErrorMessage(err)`).
    ReturnsErrorText,
    /// Its result may be empty (`-> Optional[User]`, `: Promise<User | null>`) for a call that
    /// passes these falsy literals: see [`crate::Nullability`].
    ReturnsNullable(FalsyArguments),
    /// It is the project's own code: a function, class, instance or module written in the
    /// project (or imported by a relative path the view cannot find), not a package's.
    IsProjectCode,
}

impl PendingFinding {
    /// Whether the helper, written in `file`, is a function that meets the condition.
    pub(crate) fn holds(&self, project: &Project, file: FileId) -> bool {
        let resolved = project.resolve(file, &self.helper);
        match (&self.condition, resolved) {
            (Condition::IsProjectCode, resolved) => project.is_project_code(resolved),
            (Condition::ReturnsErrorText, crate::Resolved::Function { function, .. }) => {
                function.returns_error_text
            }
            (Condition::ReturnsNullable(arguments), crate::Resolved::Function { function, .. }) => {
                function.nullability.for_call(arguments)
            }
            _ => false,
        }
    }

    pub(crate) fn into_diagnostic(self) -> Diagnostic {
        self.diagnostic
    }
}

impl<'a, 'tree> RuleContext<'a, 'tree> {
    pub fn file(&self) -> &FileModel<'tree> {
        self.file
    }

    /// The strings the configuration lists for the rule's option `name` (none when unset).
    pub fn option(&self, name: &str) -> &'a [String] {
        self.options.get(name)
    }

    pub fn language(&self) -> Language {
        self.file.language
    }

    /// The source text of `node`.
    pub fn text(&self, node: Node<'_>) -> &'tree str {
        self.file.text(node)
    }

    /// Reports a finding whose primary span is `node`; add labels to the returned builder.
    pub fn report(
        &mut self,
        node: Node<'_>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> DiagnosticBuilder<'_, 'tree> {
        let span = self.file.span(node);
        self.diagnostics
            .push(new_diagnostic(self.meta, span, message.into(), help.into()));
        DiagnosticBuilder {
            file: self.file,
            diagnostic: self.diagnostics.last_mut().expect("just pushed"),
        }
    }
}

impl<'tree> RuleContext<'_, 'tree> {
    /// Reports a finding that holds only if `helper`, a callee, meets `condition` once the
    /// project view resolves it (see [`PendingFinding`]).
    pub fn report_if(
        &mut self,
        helper: Node<'_>,
        condition: Condition,
        node: Node<'_>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> DiagnosticBuilder<'_, 'tree> {
        let helper = if self.file.language.is_javascript_like() {
            javascript::value_of(helper, self.file)
        } else {
            python::value_of(helper, self.file, 0)
        };
        self.report_if_value(helper, condition, node, message, help)
    }

    /// [`RuleContext::report_if`] for a helper the rule describes itself, when the callee's
    /// syntax does not say what it is: for `self.repo.get_one(…)`, `get_one` of the class the
    /// rule found `repo` declared with (a [`Value::Member`] of the class's name).
    pub fn report_if_value(
        &mut self,
        helper: Value,
        condition: Condition,
        node: Node<'_>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> DiagnosticBuilder<'_, 'tree> {
        let span = self.file.span(node);
        self.pending.push(PendingFinding {
            helper,
            condition,
            diagnostic: new_diagnostic(self.meta, span, message.into(), help.into()),
        });
        DiagnosticBuilder {
            file: self.file,
            diagnostic: &mut self.pending.last_mut().expect("just pushed").diagnostic,
        }
    }
}

pub struct DiagnosticBuilder<'a, 'tree> {
    file: &'a FileModel<'tree>,
    diagnostic: &'a mut Diagnostic,
}

impl DiagnosticBuilder<'_, '_> {
    /// Adds a secondary span that gives the finding context.
    pub fn label(self, node: Node<'_>, message: impl Into<String>) -> Self {
        let span = self.file.span(node);
        self.diagnostic.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Attaches a change that resolves the finding (see [`Fix`]).
    pub fn fix(self, fix: Fix) -> Self {
        self.diagnostic.fix = Some(fix);
        self
    }
}

/// What a rule sees while it checks the project: a place to report findings in any file.
pub struct ProjectContext<'a> {
    pub(crate) meta: &'static RuleMeta,
    pub(crate) diagnostics: &'a mut Vec<(FileId, Diagnostic)>,
}

impl ProjectContext<'_> {
    /// Reports a finding in `file` whose primary span is `span`; add labels (in the same file)
    /// to the returned diagnostic.
    pub fn report(
        &mut self,
        file: FileId,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diagnostics.push((
            file,
            new_diagnostic(self.meta, span, message.into(), help.into()),
        ));
        &mut self.diagnostics.last_mut().expect("just pushed").1
    }
}

/// A finding of the rule `meta` with its default severity and no labels yet.
fn new_diagnostic(
    meta: &'static RuleMeta,
    span: Span,
    message: String,
    help: String,
) -> Diagnostic {
    Diagnostic {
        rule: &meta.id,
        severity: meta.default_severity,
        message,
        help,
        span,
        labels: Vec::new(),
        fix: None,
    }
}
