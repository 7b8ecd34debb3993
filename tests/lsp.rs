//! `lint500 lsp` driven over stdio as an editor drives it: framed JSON-RPC in, diagnostics,
//! answers and quick fixes out.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(20);

/// A non-ASCII line: the emoji is one character, two UTF-16 code units and four bytes, so a
/// column past it differs in each count.
const EMOJI_LINE: &str = "const s = \"😀\"; try { run(); } catch {}";
const LOGGED_LINE: &str = "try { save(load()); } catch (err) { console.error(err.message); }";

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Notifications that arrived while waiting for something else.
    backlog: Vec<Value>,
    next_id: i64,
    /// What the server wrote to its standard error, read to the end.
    log: JoinHandle<String>,
}

impl Client {
    fn start(workspace: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lint500"))
            .arg("lsp")
            .current_dir(workspace)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("lint500 lsp starts");
        let stdin = child.stdin.take().expect("piped stdin");
        let mut stderr = child.stderr.take().expect("piped stderr");
        let log = thread::spawn(move || {
            let mut log = Vec::new();
            let _ = stderr.read_to_end(&mut log);
            String::from_utf8_lossy(&log).into_owned()
        });
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let (sender, incoming) = channel();
        thread::spawn(move || {
            while let Some(message) = read_frame(&mut stdout) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            backlog: Vec::new(),
            next_id: 1,
            log,
        }
    }

    /// Writes bytes as they are, framed or not.
    fn send_bytes(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("write");
        self.stdin.flush().expect("flush");
    }

    /// A request that asks nothing of the server's state, to see that it still answers.
    fn ping(&mut self) -> Value {
        let response = self.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": "file:///nowhere/none.js"},
                "range": range((0, 0), (0, 0)), "context": {"diagnostics": []}}),
        );
        assert_eq!(response["result"], json!([]), "{response}");
        response
    }

    /// The code actions offered for `diagnostic` of the document `uri`.
    fn code_actions(&mut self, uri: &str, diagnostic: &Value) -> Vec<Value> {
        let response = self.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diagnostic["range"],
                "context": {"diagnostics": [diagnostic]}}),
        );
        response["result"]
            .as_array()
            .unwrap_or_else(|| panic!("code actions: {response}"))
            .clone()
    }

    fn send_raw(&mut self, body: &str) {
        self.send_frames(&[body.to_string()]);
    }

    /// Writes the messages at once, so that they reach the server together.
    fn send_frames(&mut self, bodies: &[String]) {
        let frames: String = bodies
            .iter()
            .map(|body| format!("Content-Length: {}\r\n\r\n{body}", body.len()))
            .collect();
        self.stdin.write_all(frames.as_bytes()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        let message = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send_raw(&message.to_string());
    }

    /// Sends a request and returns its response (`result` or `error` inside).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send_raw(&message.to_string());
        self.response(id)
    }

    fn response(&mut self, id: i64) -> Value {
        self.wait_for(&format!("the response to request {id}"), |message| {
            message.get("method").is_none() && message["id"] == json!(id)
        })
    }

    fn receive(&mut self, what: &str) -> Value {
        match self.incoming.recv_timeout(TIMEOUT) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for {what}"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server quit before {what}"),
        }
    }

    fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.backlog.iter().position(&wanted) {
            return self.backlog.remove(at);
        }
        loop {
            let message = self.receive(what);
            if wanted(&message) {
                return message;
            }
            self.backlog.push(message);
        }
    }

    /// The next `publishDiagnostics` for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Value {
        let message = self.wait_for(&format!("diagnostics for {uri}"), |message| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
        });
        message["params"].clone()
    }

    fn initialize(&mut self, root: &Path, encodings: &[&str]) -> Value {
        let response = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": file_uri(root),
                "capabilities": {
                    "general": {"positionEncodings": encodings},
                    "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
                },
            }),
        );
        self.notify("initialized", json!({}));
        response
    }

    /// Shuts the server down and returns its log.
    fn shutdown(mut self) -> String {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        assert!(response.get("error").is_none(), "{response}");
        self.notify("exit", Value::Null);
        assert_eq!(self.exit_code(), Some(0));
        drop(self.stdin);
        self.log.join().expect("the log reader")
    }

    fn exit_code(&mut self) -> Option<i32> {
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code();
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!("the server did not exit");
    }
}

fn read_frame(input: &mut impl BufRead) -> Option<Value> {
    let mut length = 0;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A workspace whose configuration raises swallowed-catch to an error.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("lint500.toml"),
        "[severity]\nswallowed-catch = \"error\"\n",
    )
    .expect("write config");
    dir
}

fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

fn titles(actions: &[Value]) -> Vec<&str> {
    actions
        .iter()
        .map(|action| action["title"].as_str().expect("title"))
        .collect()
}

fn codes(published: &Value) -> Vec<&str> {
    let diagnostics = published["diagnostics"].as_array().expect("diagnostics");
    diagnostics
        .iter()
        .map(|diagnostic| diagnostic["code"].as_str().expect("a string code"))
        .collect()
}

fn range(start: (usize, usize), end: (usize, usize)) -> Value {
    json!({
        "start": {"line": start.0, "character": start.1},
        "end": {"line": end.0, "character": end.1},
    })
}

#[test]
fn diagnostics_quick_fixes_and_errors_over_stdio() {
    let dir = workspace();
    // The server reads the workspace's real path, as editors send it.
    let root = dir.path().canonicalize().expect("canonical path");
    let mut client = Client::start(&root);

    // Before `initialize`, a request is refused, not fatal.
    let early = client.request("textDocument/codeAction", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");

    let initialized = client.initialize(&root, &["utf-16"]);
    let capabilities = &initialized["result"]["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-16", "{initialized}");
    assert_eq!(capabilities["textDocumentSync"]["change"], 1);
    assert_eq!(
        capabilities["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix"])
    );

    // The server asks to hear about configuration files; the client says yes.
    let registration = client.wait_for("the watcher registration", |message| {
        message["method"] == "client/registerCapability"
    });
    let watchers = &registration["params"]["registrations"][0]["registerOptions"]["watchers"];
    assert!(
        watchers
            .as_array()
            .expect("watchers")
            .contains(&json!({"globPattern": "**/lint500.toml"})),
        "{registration}"
    );
    let registration_id = registration["id"].clone();
    client.send_raw(&json!({"jsonrpc": "2.0", "id": registration_id, "result": null}).to_string());

    // Malformed messages, unknown methods and bad parameters get errors or are dropped.
    client.send_raw("{this is not json");
    client.send_raw(r#"{"jsonrpc":"2.0","id":99,"method":42}"#);
    let invalid = client.response(99);
    assert_eq!(invalid["error"]["code"], -32600, "{invalid}");
    let unknown = client.request("lint500/unknown", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    client.notify("lint500/unknown", json!({}));
    client.notify("textDocument/didOpen", json!({"textDocument": 5}));
    let bad_params = client.request("textDocument/codeAction", json!({"textDocument": 5}));
    assert_eq!(bad_params["error"]["code"], -32602, "{bad_params}");

    // A document of another language is not lint500's.
    let readme = file_uri(&root.join("README.md"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": readme, "languageId": "markdown", "version": 1,
            "text": "try { run(); } catch {}\n"}}),
    );

    // Open: the unsaved text is linted (the file does not exist on disk).
    let path = root.join("app.js");
    let uri = file_uri(&path);
    let text = format!("{EMOJI_LINE}\n{LOGGED_LINE}\n");
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "javascript", "version": 1, "text": text}}),
    );
    let published = client.diagnostics(&uri);
    assert_eq!(published["version"], 1);
    assert_eq!(codes(&published), ["swallowed-catch", "log-without-stack"]);
    let swallowed = &published["diagnostics"][0];
    // `catch` starts after 30 characters, 31 UTF-16 code units.
    let catch_at = utf16_len(&EMOJI_LINE[..EMOJI_LINE.find("catch").expect("catch")]);
    assert_eq!(catch_at, 31);
    assert_eq!(swallowed["range"], range((0, 31), (0, 36)));
    assert_eq!(
        swallowed["severity"], 1,
        "the configuration makes it an error"
    );
    assert_eq!(swallowed["source"], "lint500");
    assert_eq!(
        swallowed["codeDescription"]["href"],
        "https://github.com/lint500/lint500/blob/main/rules/swallowed-catch.md"
    );
    let message = swallowed["message"].as_str().expect("message");
    assert!(
        message.starts_with("The caught error is discarded\nhelp: "),
        "{message}"
    );
    let related = &swallowed["relatedInformation"][0];
    assert_eq!(related["message"], "the block is empty");
    assert_eq!(related["location"]["uri"], uri);
    assert_eq!(related["location"]["range"], range((0, 37), (0, 39)));
    let logged = &published["diagnostics"][1];
    assert_eq!(logged["severity"], 2);
    assert_eq!(logged["range"]["start"]["line"], 1);

    // A burst of changes is linted once, after the last one.
    let fixed_log = LOGGED_LINE.replace("err.message", "err");
    let burst: Vec<String> = [
        (2, format!("{EMOJI_LINE}\n")),
        (3, format!("{EMOJI_LINE}\n{LOGGED_LINE}")),
        (4, format!("{EMOJI_LINE}\n{fixed_log}\n")),
    ]
    .into_iter()
    .map(|(version, text)| {
        json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": text}]}})
        .to_string()
    })
    .collect();
    client.send_frames(&burst);
    let published = client.diagnostics(&uri);
    assert_eq!(published["version"], 4, "only the last version is linted");
    assert_eq!(codes(&published), ["swallowed-catch"]);
    let swallowed = published["diagnostics"][0].clone();

    // Quick fixes for the finding: on its line, and in the whole file.
    let actions = client.code_actions(&uri, &swallowed);
    assert_eq!(
        titles(&actions),
        [
            "Ignore swallowed-catch on this line",
            "Ignore swallowed-catch in this file"
        ]
    );
    let line_end = utf16_len(EMOJI_LINE);
    assert_eq!(
        actions[0]["edit"]["changes"][&uri],
        json!([{"range": range((0, line_end), (0, line_end)),
            "newText": " // lint500-ignore: swallowed-catch"}])
    );
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(
        actions[1]["edit"]["changes"][&uri],
        json!([{"range": range((0, 0), (0, 0)),
            "newText": "// lint500-ignore-file: swallowed-catch\n"}])
    );

    // The configuration changes on disk: its watcher reports it and the document is relinted.
    std::fs::write(
        root.join("lint500.toml"),
        "[severity]\nswallowed-catch = \"warning\"\n",
    )
    .expect("rewrite config");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&root.join("lint500.toml")), "type": 2}]}),
    );
    let published = client.diagnostics(&uri);
    assert_eq!(published["diagnostics"][0]["severity"], 2);

    // The line fix, applied as the editor would, silences the finding.
    let suppressed = format!("{EMOJI_LINE} // lint500-ignore: swallowed-catch\n{fixed_log}\n");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 5},
            "contentChanges": [{"text": suppressed}]}),
    );
    let published = client.diagnostics(&uri);
    assert_eq!(published["diagnostics"], json!([]));

    // Closing clears the document's diagnostics.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let published = client.diagnostics(&uri);
    assert_eq!(published["diagnostics"], json!([]));

    assert!(
        !client
            .backlog
            .iter()
            .any(|message| message["params"]["uri"] == readme),
        "nothing is published for other languages"
    );
    client.shutdown();
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let dir = workspace();
    let root = dir.path().canonicalize().expect("canonical path");
    let mut client = Client::start(&root);
    let initialized = client.initialize(&root, &["utf-8", "utf-16"]);
    assert_eq!(
        initialized["result"]["capabilities"]["positionEncoding"],
        "utf-8"
    );
    let js = file_uri(&root.join("app.js"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": js, "languageId": "javascript", "version": 1,
            "text": EMOJI_LINE}}),
    );
    let published = client.diagnostics(&js);
    let catch_at = EMOJI_LINE.find("catch").expect("catch");
    assert_eq!(catch_at, 33, "bytes");
    assert_eq!(
        published["diagnostics"][0]["range"],
        range((0, catch_at), (0, catch_at + 5))
    );

    let uri = file_uri(&root.join("main.py"));
    let text = "try:\n    run()\nexcept Exception:  # «ok»\n    pass\n";
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
    );
    let published = client.diagnostics(&uri);
    assert_eq!(codes(&published), ["swallowed-catch"]);
    let swallowed = published["diagnostics"][0].clone();
    assert_eq!(
        swallowed["range"]["start"],
        json!({"line": 2, "character": 0})
    );

    // The line ends with a comment: the fix goes alone on the line above.
    let actions = client.code_actions(&uri, &swallowed);
    assert_eq!(
        actions[0]["edit"]["changes"][&uri],
        json!([{"range": range((2, 0), (2, 0)),
            "newText": "# lint500-ignore: swallowed-catch\n"}])
    );
    client.shutdown();
}

#[test]
fn exit_without_shutdown_is_an_error() {
    let dir = workspace();
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), &[]);
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), Some(1));
}

#[test]
fn project_rules_see_unsaved_buffers_of_other_files() {
    let dir = workspace();
    let root = dir.path().canonicalize().expect("canonical path");
    let app = "const express = require('express');\nconst app = express();\n\
        app.get('/health', (req, res) => res.send('ok'));\nmodule.exports = app;\n";
    std::fs::write(
        root.join("package.json"),
        r#"{"name": "svc", "dependencies": {"express": "^4.21.0"}}"#,
    )
    .expect("write package.json");
    std::fs::write(root.join("app.js"), app).expect("write app.js");
    let server = "const app = require('./app');\napp.listen(3000);\n";
    std::fs::write(root.join("server.js"), server).expect("write server.js");

    let mut client = Client::start(&root);
    client.initialize(&root, &[]);
    let app_uri = file_uri(&root.join("app.js"));
    let server_uri = file_uri(&root.join("server.js"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": app_uri, "languageId": "javascript", "version": 1, "text": app}}),
    );
    let published = client.diagnostics(&app_uri);
    assert_eq!(codes(&published), ["missing-error-middleware"]);
    assert_eq!(published["diagnostics"][0]["range"]["start"]["line"], 1);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": server_uri, "languageId": "javascript", "version": 1,
            "text": server}}),
    );

    // The error middleware, typed in server.js and not saved, settles the finding in app.js.
    let with_handler = format!(
        "{server}app.use((err, req, res, next) => {{ console.error(err); res.status(500).end(); }});\n"
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": server_uri, "version": 2},
            "contentChanges": [{"text": with_handler}]}),
    );
    let settled = client.wait_for("app.js relinted after the change", |message| {
        message["method"] == "textDocument/publishDiagnostics"
            && message["params"]["uri"] == app_uri
            && message["params"]["diagnostics"] == json!([])
    });
    assert_eq!(settled["params"]["version"], 1);
    client.shutdown();
}

#[test]
fn garbage_from_the_client_is_answered_and_survived() {
    let dir = workspace();
    let root = dir.path().canonicalize().expect("canonical path");
    let mut client = Client::start(&root);
    client.initialize(&root, &[]);

    // A second `initialize` is an invalid request; the session goes on.
    let again = client.request("initialize", json!({"capabilities": {}}));
    assert_eq!(again["error"]["code"], -32600, "{again}");
    client.ping();

    // Request ids lsp-server cannot hold get their error under the id as written.
    for id in ["4294967296", "1e20", "-2147483649"] {
        client.send_raw(&format!(
            r#"{{"jsonrpc":"2.0","id":{id},"method":"shutdown"}}"#
        ));
        let id: Value = serde_json::from_str(id).expect("a number");
        let refused = client.wait_for(&format!("the answer to id {id}"), |message| {
            message["id"] == id
        });
        assert_eq!(refused["error"]["code"], -32600, "{refused}");
    }
    client.ping();

    let parse_errors = |client: &mut Client| {
        client.wait_for("a parse error", |message| {
            message["id"].is_null() && message["error"]["code"] == -32700
        })
    };
    let lost = r#"{"jsonrpc":"2.0","id":1000,"method":"lint500/unknown","params":{}}"#;
    // A length too short: its message is lost, the next one is read.
    client.send_bytes(format!("Content-Length: 20\r\n\r\n{lost}").as_bytes());
    parse_errors(&mut client);
    client.ping();
    // A length too long: the next message is read as soon as it has arrived.
    let long = format!("Content-Length: {}\r\n\r\n{lost}", lost.len() + 10_000);
    client.send_bytes(long.as_bytes());
    client.ping();
    parse_errors(&mut client);
    // A length of a gigabyte is a broken header, not an allocation.
    client.send_bytes(format!("Content-Length: 1073741824\r\n\r\n{lost}").as_bytes());
    client.ping();
    // Bytes that are no header at all, with a terminal escape and a line break in them.
    client.send_bytes(b"Content-Length: 1\x1b[2J\r::error::pwned\r\n\r\n{}");
    client.ping();
    assert!(
        !client.backlog.iter().any(|message| message["id"] == 1000),
        "the lost request is not answered"
    );

    let log = client.shutdown();
    assert!(log.contains("\\u{1b}[2J\\r::error::pwned"), "{log}");
    for line in log.lines() {
        assert!(line.starts_with("lint500 lsp: "), "{line:?}");
        assert!(!line.chars().any(char::is_control), "{line:?}");
    }
}

#[test]
fn a_configuration_error_shows_a_glimpse_of_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().canonicalize().expect("canonical path");
    // A rule name of a megabyte, with a terminal escape: the error quotes it.
    let rule = format!("\\u001b[2J{}", "x".repeat(1 << 20));
    let config = format!("[severity]\n\"{rule}\" = \"error\"\n");
    std::fs::write(root.join("lint500.toml"), config).expect("write config");
    let mut client = Client::start(&root);
    client.initialize(&root, &[]);
    let uri = file_uri(&root.join("app.js"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "javascript", "version": 1,
            "text": "try { run(); } catch {}\n"}}),
    );
    let shown = client.wait_for("the configuration error", |message| {
        message["method"] == "window/showMessage"
    });
    let message = shown["params"]["message"].as_str().expect("a message");
    assert!(message.starts_with("lint500: "), "{message}");
    assert!(message.contains("lint500.toml"), "{message}");
    assert!(message.contains("unknown rule"), "{message}");
    assert!(!message.contains('\u{1b}'), "{message}");
    assert!(message.len() < 2_000, "{} bytes", message.len());
    let published = client.diagnostics(&uri);
    assert_eq!(published["diagnostics"], json!([]));
    let log = client.shutdown();
    assert!(log.lines().all(|line| line.len() < 5_000), "{log}");
}

#[test]
fn fixes_are_offered_as_quick_fixes() {
    let dir = workspace();
    let root = dir.path().canonicalize().expect("canonical path");
    let mut client = Client::start(&root);
    client.initialize(&root, &["utf-16"]);
    let uri = file_uri(&root.join("app.js"));
    // The emoji before the call: edits count UTF-16 code units like diagnostics do.
    let line = "try { save(load()); } catch (err) { console.error('😀', err.message); }";
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "javascript", "version": 1,
            "text": format!("{line}\n")}}),
    );
    let published = client.diagnostics(&uri);
    assert_eq!(codes(&published), ["log-without-stack"]);
    let logged = published["diagnostics"][0].clone();
    let actions = client.code_actions(&uri, &logged);
    assert_eq!(
        titles(&actions),
        [
            "Log `err` itself, with its stack",
            "Ignore log-without-stack on this line",
            "Ignore log-without-stack in this file"
        ]
    );
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    let start = utf16_len(&line[..line.find("err.message").expect("err.message")]);
    let end = start + "err.message".len();
    assert_eq!(
        fix["edit"]["changes"][&uri],
        json!([{"range": range((0, start), (0, end)), "newText": "err"}])
    );

    // Once the text changes, the fix of the old text is not offered for it.
    let fixed = line.replace("err.message", "err");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"text": format!("{fixed}\n")}]}),
    );
    let stale = client.code_actions(&uri, &logged);
    assert!(
        !titles(&stale).contains(&"Log `err` itself, with its stack"),
        "{stale:?}"
    );
    // The fix, applied as the editor would, resolves the finding.
    let published = client.diagnostics(&uri);
    assert_eq!(published["version"], 2);
    assert_eq!(published["diagnostics"], json!([]));
    client.shutdown();
}
