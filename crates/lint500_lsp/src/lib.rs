//! `lint500 lsp`: lint500 as a language server on standard input and output.
//!
//! It publishes the findings of open JavaScript, TypeScript and Python documents as the user
//! types (debounced), with the workspace's configuration, and offers quick fixes that write
//! `lint500-ignore` comments. Every lint goes through the engine's run over the workspace on
//! disk with the open buffers overlaid, so project rules see unsaved text too.
//!
//! What the client sends is input like any file: [`read_all`] is the reader's whole parsing of
//! a byte stream, for fuzzing.

mod server;
mod text;
mod transport;

use lint500_core::excerpt;

pub use transport::{
    CHUNK, Incoming, MAX_HEADER_BYTES, MAX_MESSAGE_BYTES, MessageReader, read_all,
};

/// Why the server stopped other than by `shutdown` and `exit`.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// The most characters of one log line's message (a line of the client's is cut there).
const LOG_CHARS: usize = 500;

/// Serves one client on standard input and output until it says `exit` or goes away.
///
/// The error, if any, is printable on one line: it may quote the client.
pub fn run_stdio() -> Result<(), Error> {
    serve_stdio().map_err(|err| one_line(&err.to_string()).into())
}

fn serve_stdio() -> Result<(), Error> {
    let (connection, io_threads) = transport::stdio()?;
    server::serve(connection)?;
    // Only after `exit` or the end of the input: the reader thread has ended, so the join
    // cannot wait on a client that still talks.
    io_threads.join()?;
    Ok(())
}

/// Writes one line to standard error, which editors keep as the server's log.
fn log(message: &str) {
    eprintln!("lint500 lsp: {}", one_line(message));
}

/// `text` cut to [`LOG_CHARS`] characters and escaped by `printable`, so that nothing a client
/// or a file put in it can end the line, start another (a `::` workflow command in a CI log)
/// or drive a terminal.
fn one_line(text: &str) -> String {
    excerpt(text, LOG_CHARS)
}

/// A short excerpt of a multi-line `text` for a popup: its first lines, each cut short and
/// escaped as log lines are. An error quoting a file (a TOML error shows the offending line)
/// then shows a glimpse of it, not a megabyte-long line.
fn popup_text(text: &str) -> String {
    const LINES: usize = 8;
    const LINE_CHARS: usize = 160;
    let mut lines: Vec<String> = text
        .lines()
        .take(LINES)
        .map(|line| excerpt(line, LINE_CHARS))
        .collect();
    if text.lines().nth(LINES).is_some() {
        lines.push("…".into());
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_lines_are_one_short_printable_line() {
        let line = one_line("bad \u{1b}[2J\r\n::error::pwned");
        assert_eq!(line, "bad \\u{1b}[2J\\r\\n::error::pwned");
        let long = one_line(&"é".repeat(10_000));
        assert_eq!(long.chars().count(), LOG_CHARS + 1);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn popups_show_a_glimpse_of_long_texts() {
        let text = format!(
            "lint500.toml: TOML parse error at line 1\n1 | {}\n\u{1b}]0;x\u{7}",
            "x".repeat(1 << 20)
        );
        let shown = popup_text(&text);
        assert!(shown.len() < 600, "{} bytes", shown.len());
        assert!(shown.starts_with("lint500.toml: TOML parse error at line 1\n1 | xxx"));
        assert!(shown.ends_with("\n\\u{1b}]0;x\\u{7}"), "{shown}");
        let many = "line\n".repeat(100);
        assert_eq!(popup_text(&many).lines().count(), 9);
    }
}
