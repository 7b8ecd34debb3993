//! JSON-RPC over standard input and output, framed by `Content-Length` headers.
//!
//! lsp-server's own stdio transport ends the connection on the first payload that is not a
//! valid message; here a bad payload is answered (when it names a request id) or logged, and
//! the server goes on. Only a broken frame, after which no message boundary can be trusted,
//! ends the connection.

use std::io::{self, BufRead};
use std::thread::{self, JoinHandle};

use crossbeam_channel::{Sender, unbounded};
use lsp_server::{Connection, ErrorCode, Message, RequestId, Response};

/// Far above any real message; a larger length is taken for a corrupt header rather than
/// allocated.
const MAX_MESSAGE_BYTES: usize = 1 << 30;

/// The reader and writer threads of a stdio connection.
pub struct IoThreads {
    reader: JoinHandle<io::Result<()>>,
    writer: JoinHandle<io::Result<()>>,
}

impl IoThreads {
    /// Waits for both threads; call after dropping the connection's sender.
    pub fn join(self) -> io::Result<()> {
        let reader = self.reader.join().map_err(|_| panicked("reader"))?;
        let writer = self.writer.join().map_err(|_| panicked("writer"))?;
        reader.and(writer)
    }
}

fn panicked(thread: &str) -> io::Error {
    io::Error::other(format!("the {thread} thread panicked"))
}

pub fn stdio() -> io::Result<(Connection, IoThreads)> {
    let (to_writer, from_server) = unbounded::<Message>();
    let (to_server, from_reader) = unbounded::<Message>();
    let writer = thread::Builder::new()
        .name("lint500-lsp-writer".into())
        .spawn(move || {
            let mut stdout = io::stdout().lock();
            for message in from_server {
                message.write(&mut stdout)?;
            }
            Ok(())
        })?;
    let replies = to_writer.clone();
    let reader = thread::Builder::new()
        .name("lint500-lsp-reader".into())
        .spawn(move || read_messages(&mut io::stdin().lock(), &to_server, &replies))?;
    let connection = Connection {
        sender: to_writer,
        receiver: from_reader,
    };
    Ok((connection, IoThreads { reader, writer }))
}

/// Forwards each message to the server until the input ends or `exit` arrives.
fn read_messages(
    input: &mut impl BufRead,
    to_server: &Sender<Message>,
    replies: &Sender<Message>,
) -> io::Result<()> {
    while let Some(payload) = read_frame(input)? {
        match serde_json::from_slice::<Message>(&payload) {
            Ok(message) => {
                let is_exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                if to_server.send(message).is_err() || is_exit {
                    break;
                }
            }
            Err(err) => {
                eprintln!("lint500 lsp: ignoring a malformed message: {err}");
                if let Some(id) = request_id(&payload) {
                    let reply = Response::new_err(
                        id,
                        ErrorCode::InvalidRequest as i32,
                        format!("not a valid JSON-RPC message: {err}"),
                    );
                    // The writer is gone only when the server is: nothing left to tell.
                    let _ = replies.send(reply.into());
                }
            }
        }
    }
    Ok(())
}

/// The id of something that looks like a request, to answer it with an error.
fn request_id(payload: &[u8]) -> Option<RequestId> {
    let value: serde_json::Value = serde_json::from_slice(payload).ok()?;
    match value.get("id")? {
        serde_json::Value::Number(n) => Some(RequestId::from(i32::try_from(n.as_i64()?).ok()?)),
        serde_json::Value::String(s) => Some(RequestId::from(s.clone())),
        _ => None,
    }
}

/// One payload, or `None` at the end of the input.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut length = None;
    let mut headers = 0;
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            match (length, headers) {
                (Some(_), _) => break,
                // Blank lines between messages are harmless.
                (None, 0) => continue,
                (None, _) => return Err(invalid("a message without Content-Length".into())),
            }
        }
        headers += 1;
        let (name, value) = header
            .split_once(':')
            .ok_or_else(|| invalid(format!("malformed header {header:?}")))?;
        if name.trim().eq_ignore_ascii_case("content-length") {
            let value = value.trim();
            length = Some(
                value
                    .parse::<usize>()
                    .map_err(|_| invalid(format!("bad Content-Length {value:?}")))?,
            );
        }
    }
    let length = length.unwrap_or_default();
    if length > MAX_MESSAGE_BYTES {
        return Err(invalid(format!("a message of {length} bytes")));
    }
    let mut payload = vec![0; length];
    input.read_exact(&mut payload)?;
    Ok(Some(payload))
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn malformed_payloads_are_answered_or_skipped() {
        let input = [
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","id":7,"method":42}"#),
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
            frame(r#"{"jsonrpc":"2.0","method":"never-read"}"#),
        ]
        .concat();
        let (to_server, from_reader) = unbounded();
        let (replies, from_replies) = unbounded();
        let result = read_messages(&mut input.as_bytes(), &to_server, &replies);
        assert!(result.is_ok(), "{result:?}");
        let forwarded: Vec<Message> = from_reader.try_iter().collect();
        assert!(
            matches!(forwarded.as_slice(), [Message::Notification(n)] if n.method == "exit"),
            "{forwarded:?}"
        );
        let answered: Vec<Message> = from_replies.try_iter().collect();
        assert!(
            matches!(answered.as_slice(), [Message::Response(r)] if r.id == RequestId::from(7) && r.response_result.is_err()),
            "{answered:?}"
        );
    }

    #[test]
    fn a_broken_frame_ends_the_connection() {
        let (to_server, _from_reader) = unbounded();
        let (replies, _from_replies) = unbounded();
        let input = "Content-Length: lots\r\n\r\n{}";
        assert!(read_messages(&mut input.as_bytes(), &to_server, &replies).is_err());
    }
}
