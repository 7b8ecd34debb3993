//! The server's state and its one loop: messages in, diagnostics and answers out.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

use crossbeam_channel::RecvTimeoutError;
use lint500_core::{Applicability, Fix, Language, Severity, excerpt};
use lint500_engine::{
    CONFIG_FILE_NAMES, CommandLineOverrides, Config, FileFindings, Insertion, Linter, Overlays,
    RunOptions, Settings, Suppressor,
};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Initialized, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{
    CodeActionRequest, Initialize, RegisterCapability, Request as _, Shutdown,
};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, CodeDescription, DiagnosticRelatedInformation,
    DiagnosticSeverity, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, FileSystemWatcher, GlobPattern,
    InitializeParams, InitializeResult, Location, MessageType, NumberOrString,
    PublishDiagnosticsParams, Registration, RegistrationParams, SaveOptions, ServerCapabilities,
    ServerInfo, ShowMessageParams, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, TextEdit, Uri, WorkspaceEdit,
};

use crate::text::{LineIndex, PositionEncoding};
use crate::{Error, log, popup_text};

/// How long after the last change of a burst a document is linted.
const DEBOUNCE: Duration = Duration::from_millis(200);

const SOURCE: &str = "lint500";

/// The most characters of a client's text (a method name, a parse error quoting a value)
/// quoted back in an error response.
const QUOTED_CHARS: usize = 200;

/// Runs the protocol on `connection` until `exit` or the end of the input.
pub fn serve(connection: Connection) -> Result<(), Error> {
    let (id, params) = wait_for_initialize(&connection)?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_else(|err| {
        // A client's odd field should cost it workspace folders and UTF-8, not the server.
        log(&format!(
            "initialize parameters not understood, using defaults: {err}"
        ));
        InitializeParams::default()
    });
    let mut server = Server::new(connection, &params);
    let result = InitializeResult {
        capabilities: server.capabilities(),
        server_info: Some(ServerInfo {
            name: SOURCE.into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    server.respond(Response::new_ok(id, result));
    server.run()
}

/// The `initialize` request's id and parameters. Requests before it are refused with
/// `ServerNotInitialized`, notifications dropped, as the protocol asks; `exit` ends the server.
fn wait_for_initialize(connection: &Connection) -> Result<(RequestId, serde_json::Value), Error> {
    loop {
        let Ok(message) = connection.receiver.recv() else {
            return Err("the client went away before `initialize`".into());
        };
        match message {
            Message::Request(request) if request.method == Initialize::METHOD => {
                return Ok((request.id, request.params));
            }
            Message::Request(request) => {
                let method = excerpt(&request.method, QUOTED_CHARS);
                let response = Response::new_err(
                    request.id,
                    ErrorCode::ServerNotInitialized as i32,
                    format!("`{method}` before `initialize`"),
                );
                // The writer is gone only when the client is: the next `recv` says so.
                let _ = connection.sender.send(response.into());
            }
            Message::Notification(notification) if notification.method == "exit" => {
                return Err("exit before `initialize`".into());
            }
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
}

/// An open document lint500 lints.
struct Document {
    path: PathBuf,
    language: Language,
    text: String,
    version: i32,
    /// The fixes of the findings last published, and the text they are for.
    fixes: Option<Fixes>,
}

/// The fixes of a document's findings: each with the range and rule of its finding, as
/// published, and its edits as byte ranges of `text`.
struct Fixes {
    text: String,
    found: Vec<(lsp_types::Range, &'static str, Fix)>,
}

/// The settings for the documents of one folder, or why there are none.
enum FolderLinter {
    Ready { linter: Linter, cwd: PathBuf },
    BadConfig(String),
}

struct Server {
    connection: Connection,
    encoding: PositionEncoding,
    workspace_folders: Vec<PathBuf>,
    watch_config_files: bool,
    documents: HashMap<Uri, Document>,
    /// When the open documents are to be linted again: a while after the last change.
    due: Option<Instant>,
    /// By document folder; emptied when a configuration file changes.
    linters: HashMap<PathBuf, Rc<FolderLinter>>,
    /// Configuration errors already shown, so that each is shown once per change.
    shown_errors: HashSet<String>,
    shutdown_requested: bool,
}

impl Server {
    fn new(connection: Connection, params: &InitializeParams) -> Server {
        let capabilities = &params.capabilities;
        let offered = capabilities
            .general
            .as_ref()
            .and_then(|general| general.position_encodings.as_deref());
        #[allow(deprecated)] // `rootUri` is what clients without workspace folders send.
        let roots = match (&params.workspace_folders, &params.root_uri) {
            (Some(folders), _) => folders.iter().map(|folder| &folder.uri).collect(),
            (None, Some(root)) => vec![root],
            (None, None) => Vec::new(),
        };
        Server {
            connection,
            encoding: PositionEncoding::negotiate(offered),
            workspace_folders: roots.into_iter().filter_map(file_path).collect(),
            watch_config_files: capabilities
                .workspace
                .as_ref()
                .and_then(|workspace| workspace.did_change_watched_files.as_ref())
                .and_then(|watched| watched.dynamic_registration)
                .unwrap_or(false),
            documents: HashMap::new(),
            due: None,
            linters: HashMap::new(),
            shown_errors: HashSet::new(),
            shutdown_requested: false,
        }
    }

    fn capabilities(&self) -> ServerCapabilities {
        ServerCapabilities {
            position_encoding: Some(self.encoding.kind()),
            // Whole texts: a document is re-parsed whole anyway, and the client's edits then
            // never need to be applied here.
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::FULL),
                    save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                        include_text: Some(false),
                    })),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                resolve_provider: Some(false),
                ..CodeActionOptions::default()
            })),
            ..ServerCapabilities::default()
        }
    }

    fn run(&mut self) -> Result<(), Error> {
        loop {
            let message = match self.due {
                Some(deadline) => match self.connection.receiver.recv_deadline(deadline) {
                    Ok(message) => Some(message),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return Ok(()),
                },
                None => match self.connection.receiver.recv() {
                    Ok(message) => Some(message),
                    Err(_) => return Ok(()),
                },
            };
            match message {
                Some(Message::Request(request)) => self.on_request(request),
                Some(Message::Notification(notification)) if notification.method == "exit" => {
                    return if self.shutdown_requested {
                        Ok(())
                    } else {
                        Err("exit without a shutdown request".into())
                    };
                }
                Some(Message::Notification(notification)) => self.on_notification(notification),
                // Answers to our own requests (the watcher registration): nothing to do.
                Some(Message::Response(_)) | None => {}
            }
            self.lint_due();
        }
    }

    fn on_request(&mut self, request: Request) {
        let Request { id, method, params } = request;
        if self.shutdown_requested {
            let message = "the server is shutting down".to_string();
            return self.respond(Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                message,
            ));
        }
        let response = match method.as_str() {
            Shutdown::METHOD => {
                self.shutdown_requested = true;
                Response::new_ok(id, ())
            }
            // The protocol allows one `initialize`; a second one is refused, and the session
            // goes on as the first one set it up.
            Initialize::METHOD => Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is already initialized".into(),
            ),
            CodeActionRequest::METHOD => match serde_json::from_value(params) {
                Ok(params) => Response::new_ok(id, self.code_actions(params)),
                Err(err) => invalid_params(id, &method, &err),
            },
            _ => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!(
                    "lint500 does not handle `{}`",
                    excerpt(&method, QUOTED_CHARS)
                ),
            ),
        };
        self.respond(response);
    }

    fn on_notification(&mut self, notification: Notification) {
        let Notification { method, params } = notification;
        let handled = match method.as_str() {
            DidOpenTextDocument::METHOD => serde_json::from_value(params).map(|p| self.opened(p)),
            DidChangeTextDocument::METHOD => {
                serde_json::from_value(params).map(|p| self.changed(p))
            }
            DidCloseTextDocument::METHOD => serde_json::from_value(params).map(|p| self.closed(p)),
            DidSaveTextDocument::METHOD => serde_json::from_value(params).map(|p| self.saved(p)),
            DidChangeWatchedFiles::METHOD => {
                serde_json::from_value(params).map(|p| self.files_changed(p))
            }
            Initialized::METHOD => {
                self.watch_config_files();
                Ok(())
            }
            // Cancellations, trace settings and the rest need nothing from a linter.
            _ => Ok(()),
        };
        if let Err(err) = handled {
            log(&format!(
                "ignoring `{method}` with invalid parameters: {err}"
            ));
        }
    }

    fn opened(&mut self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        // Documents of other languages and without a file path are not lint500's.
        let Some(path) = file_path(&item.uri) else {
            return;
        };
        let Some(language) = Language::from_path(&path) else {
            return;
        };
        self.documents.insert(
            item.uri,
            Document {
                path,
                language,
                text: item.text,
                version: item.version,
                fixes: None,
            },
        );
        self.lint_open_documents();
    }

    fn changed(&mut self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some(document) = self.documents.get_mut(&uri) else {
            return;
        };
        // Full synchronization: the last change holds the whole text.
        let Some(change) = params.content_changes.into_iter().next_back() else {
            return;
        };
        if change.range.is_some() {
            log("ignoring an incremental change; the server asked for full texts");
            return;
        }
        document.text = change.text;
        document.version = params.text_document.version;
        self.due = Some(Instant::now() + DEBOUNCE);
    }

    fn closed(&mut self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if self.documents.remove(&uri).is_some() {
            self.publish(uri, Vec::new(), None);
            // Its file on disk now stands where its unsaved text did.
            self.lint_open_documents();
        }
    }

    fn saved(&mut self, params: DidSaveTextDocumentParams) {
        if is_config_file(&params.text_document.uri) {
            self.reload_configuration();
        }
    }

    fn files_changed(&mut self, params: DidChangeWatchedFilesParams) {
        if params
            .changes
            .iter()
            .any(|change| is_config_file(&change.uri))
        {
            self.reload_configuration();
        }
    }

    /// Asks the client to report changes to configuration files, where it can.
    fn watch_config_files(&self) {
        if !self.watch_config_files {
            return;
        }
        let watchers = CONFIG_FILE_NAMES
            .iter()
            .map(|name| FileSystemWatcher {
                glob_pattern: GlobPattern::String(format!("**/{name}")),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "lint500-configuration".into(),
                method: DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        let id = RequestId::from("lint500-watch-configuration".to_string());
        self.send(Request::new(id, RegisterCapability::METHOD.into(), params).into());
    }

    fn reload_configuration(&mut self) {
        self.linters.clear();
        self.shown_errors.clear();
        self.lint_open_documents();
    }

    fn lint_due(&mut self) {
        if self.due.is_some_and(|at| at <= Instant::now()) {
            self.lint_open_documents();
        }
    }

    /// Lints every open document, with their unsaved texts standing in for their files on
    /// disk, and publishes their diagnostics. All of them: with project rules, a change in one
    /// file can add or settle a finding in another.
    fn lint_open_documents(&mut self) {
        self.due = None;
        let overlays: Overlays = self
            .documents
            .values()
            .map(|document| (document.path.clone(), document.text.clone()))
            .collect();
        // Documents of one folder share their settings: one run per folder.
        let mut by_folder: BTreeMap<PathBuf, Vec<Uri>> = BTreeMap::new();
        for (uri, document) in &self.documents {
            let folder = document.path.parent().unwrap_or(Path::new("/"));
            by_folder
                .entry(folder.to_path_buf())
                .or_default()
                .push(uri.clone());
        }
        for (folder, uris) in by_folder {
            let published = match &*self.linter_for(&folder) {
                FolderLinter::BadConfig(message) => {
                    self.show_error_once(message);
                    uris.iter().map(|uri| (uri, Vec::new(), None)).collect()
                }
                FolderLinter::Ready { linter, cwd } => {
                    self.run_linter(linter, cwd, &uris, &overlays)
                }
            };
            for (uri, diagnostics, fixes) in published {
                let version = self.documents.get_mut(uri).map(|document| {
                    document.fixes = fixes;
                    document.version
                });
                self.publish(uri.clone(), diagnostics, version);
            }
        }
    }

    /// The one place lint500 lints: the engine's run over the documents' paths, on the
    /// workspace on disk with the open buffers overlaid.
    fn run_linter<'u>(
        &self,
        linter: &Linter,
        cwd: &Path,
        uris: &'u [Uri],
        overlays: &Overlays,
    ) -> Vec<(&'u Uri, Vec<lsp_types::Diagnostic>, Option<Fixes>)> {
        let paths: Vec<PathBuf> = uris
            .iter()
            .filter_map(|uri| self.documents.get(uri))
            .map(|document| document.path.clone())
            .collect();
        let options = RunOptions {
            threads: std::thread::available_parallelism().map_or(1, usize::from),
            parse_only: false,
            // An excluded file gets no diagnostics in the editor either.
            force_exclude: true,
        };
        let run = linter.run_with_overlays(&paths, options, overlays);
        for notice in run.notices.iter().filter(|notice| notice.kind.is_error()) {
            log(&format!("{}: {}", notice.path.display(), notice.message));
        }
        uris.iter()
            .map(|uri| {
                let findings = self.documents.get(uri).and_then(|document| {
                    run.files
                        .iter()
                        .find(|file| cwd.join(&file.path) == document.path)
                });
                let diagnostics = findings
                    .map(|file| self.to_lsp(uri, file))
                    .unwrap_or_default();
                let fixes = findings.map(|file| Fixes {
                    text: file.source.clone(),
                    found: file
                        .diagnostics
                        .iter()
                        .zip(&diagnostics)
                        .filter_map(|(finding, published)| {
                            let fix = finding.fix.clone()?;
                            Some((published.range, finding.rule, fix))
                        })
                        .collect(),
                });
                (uri, diagnostics, fixes)
            })
            .collect()
    }

    fn to_lsp(&self, uri: &Uri, file: &FileFindings) -> Vec<lsp_types::Diagnostic> {
        let index = LineIndex::new(&file.source);
        let rules = lint500_rules::all();
        file.diagnostics
            .iter()
            .map(|diagnostic| {
                let message = if diagnostic.help.is_empty() {
                    diagnostic.message.clone()
                } else {
                    format!("{}\nhelp: {}", diagnostic.message, diagnostic.help)
                };
                let related = diagnostic
                    .labels
                    .iter()
                    .map(|label| DiagnosticRelatedInformation {
                        location: Location::new(
                            uri.clone(),
                            index.range(label.span.bytes(), self.encoding),
                        ),
                        message: label.message.clone(),
                    })
                    .collect::<Vec<_>>();
                lsp_types::Diagnostic {
                    range: index.range(diagnostic.span.bytes(), self.encoding),
                    severity: Some(match diagnostic.severity {
                        Severity::Error => DiagnosticSeverity::ERROR,
                        Severity::Warning => DiagnosticSeverity::WARNING,
                    }),
                    code: Some(NumberOrString::String(diagnostic.rule.to_string())),
                    code_description: rules
                        .find(diagnostic.rule)
                        .and_then(|meta| meta.docs_url().parse().ok())
                        .map(|href| CodeDescription { href }),
                    source: Some(SOURCE.into()),
                    message,
                    related_information: (!related.is_empty()).then_some(related),
                    tags: None,
                    data: None,
                }
            })
            .collect()
    }

    /// The linter for documents in `folder`: the configuration found from there upward,
    /// resolved once until a configuration file changes.
    fn linter_for(&mut self, folder: &Path) -> Rc<FolderLinter> {
        if let Some(found) = self.linters.get(folder) {
            return Rc::clone(found);
        }
        // A run from the workspace root is what the command line in a terminal there does.
        let cwd = self
            .workspace_folders
            .iter()
            .filter(|root| folder.starts_with(root))
            .max_by_key(|root| root.as_os_str().len())
            .map_or(folder, PathBuf::as_path);
        let rules = lint500_rules::all();
        let resolved = Config::discover(folder).and_then(|config| {
            Settings::resolve(&config, CommandLineOverrides::default(), rules, cwd)
        });
        let linter = Rc::new(match resolved {
            Ok(settings) => FolderLinter::Ready {
                linter: Linter::new(rules, settings, cwd.to_path_buf()),
                cwd: cwd.to_path_buf(),
            },
            Err(err) => FolderLinter::BadConfig(err.to_string()),
        });
        self.linters
            .insert(folder.to_path_buf(), Rc::clone(&linter));
        linter
    }

    fn show_error_once(&mut self, message: &str) {
        if self.shown_errors.insert(message.to_string()) {
            let params = ShowMessageParams {
                typ: MessageType::ERROR,
                message: popup_text(&format!("lint500: {message}")),
            };
            self.send(Notification::new(ShowMessage::METHOD.into(), params).into());
        }
    }

    fn code_actions(&self, params: CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        let Some(document) = self.documents.get(uri) else {
            return Vec::new();
        };
        let wants_quick_fixes = params.context.only.as_ref().is_none_or(|only| {
            only.iter()
                .any(|kind| CodeActionKind::QUICKFIX.as_str().starts_with(kind.as_str()))
        });
        let rules = lint500_rules::all();
        // The client's diagnostics are input: only known rule ids of ours are acted on.
        let ours: Vec<(&lsp_types::Diagnostic, &'static str)> = params
            .context
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.source.as_deref() == Some(SOURCE))
            .filter_map(|diagnostic| match &diagnostic.code {
                Some(NumberOrString::String(code)) => {
                    rules.find(code).map(|meta| (diagnostic, meta.id.as_str()))
                }
                _ => None,
            })
            .collect();
        if !wants_quick_fixes || ours.is_empty() {
            return Vec::new();
        }

        // A text the parser refuses has no findings to fix.
        let Some(suppressor) = Suppressor::new(&document.text, document.language) else {
            return Vec::new();
        };
        let index = LineIndex::new(&document.text);
        let action =
            |title: String, diagnostics: Vec<lsp_types::Diagnostic>, insertion: Insertion| {
                let at = index.position(insertion.at, self.encoding);
                let edit = TextEdit::new(lsp_types::Range::new(at, at), insertion.text);
                CodeActionOrCommand::CodeAction(CodeAction {
                    title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(diagnostics),
                    edit: Some(WorkspaceEdit {
                        changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                        ..WorkspaceEdit::default()
                    }),
                    ..CodeAction::default()
                })
            };
        let mut actions = self.fix_actions(uri, document, &ours, &index);
        let mut lines_done = HashSet::new();
        for &(diagnostic, rule) in &ours {
            let line = diagnostic.range.start.line as usize;
            if lines_done.insert((rule, line))
                && let Some(insertion) = suppressor.ignore_on_line(line, rule)
            {
                let title = format!("Ignore {rule} on this line");
                actions.push(action(title, vec![diagnostic.clone()], insertion));
            }
        }
        let mut rules_done = HashSet::new();
        for &(_, rule) in &ours {
            if rules_done.insert(rule)
                && let Some(insertion) = suppressor.ignore_in_file(rule)
            {
                let of_rule = ours
                    .iter()
                    .filter(|(_, other)| *other == rule)
                    .map(|(diagnostic, _)| (*diagnostic).clone())
                    .collect();
                let title = format!("Ignore {rule} in this file");
                actions.push(action(title, of_rule, insertion));
            }
        }
        actions
    }

    /// The fixes of the client's diagnostics that are the findings last published for the text
    /// the document holds: safe ones preferred, unsafe ones said to be so.
    fn fix_actions(
        &self,
        uri: &Uri,
        document: &Document,
        ours: &[(&lsp_types::Diagnostic, &'static str)],
        index: &LineIndex,
    ) -> Vec<CodeActionOrCommand> {
        let Some(fixes) = document
            .fixes
            .as_ref()
            .filter(|fixes| fixes.text == document.text)
        else {
            return Vec::new();
        };
        let mut actions = Vec::new();
        for &(diagnostic, rule) in ours {
            let Some((_, _, fix)) = fixes
                .found
                .iter()
                .find(|(range, id, _)| *range == diagnostic.range && *id == rule)
            else {
                continue;
            };
            let edits = fix
                .edits
                .iter()
                .map(|edit| {
                    TextEdit::new(
                        index.range(edit.range.clone(), self.encoding),
                        edit.text.clone(),
                    )
                })
                .collect();
            let safe = fix.applicability == Applicability::Safe;
            let title = if safe {
                fix.title.clone()
            } else {
                format!("{} (unsafe: review it)", fix.title)
            };
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), edits)])),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(safe),
                ..CodeAction::default()
            }));
        }
        actions
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Notification::new(PublishDiagnostics::METHOD.into(), params).into());
    }

    fn respond(&self, response: Response) {
        self.send(response.into());
    }

    fn send(&self, message: Message) {
        // The writer is gone only when the client is: the reader then ends the loop.
        let _ = self.connection.sender.send(message);
    }
}

fn invalid_params(id: RequestId, method: &str, err: &serde_json::Error) -> Response {
    Response::new_err(
        id,
        ErrorCode::InvalidParams as i32,
        format!(
            "invalid parameters for `{method}`: {}",
            excerpt(&err.to_string(), QUOTED_CHARS)
        ),
    )
}

/// The path of a `file:` URI.
fn file_path(uri: &Uri) -> Option<PathBuf> {
    url::Url::parse(uri.as_str()).ok()?.to_file_path().ok()
}

fn is_config_file(uri: &Uri) -> bool {
    file_path(uri)
        .as_deref()
        .and_then(Path::file_name)
        .is_some_and(|name| CONFIG_FILE_NAMES.iter().any(|config| name == *config))
}
