//! JSON-RPC over standard input and output, framed by `Content-Length` headers.
//!
//! The client may send anything; only the end of the input (or `exit`) ends the connection.
//!
//! - A frame is a header block (`Name: value` lines, one of them `Content-Length: <bytes>`,
//!   ended by an empty line; lines end with `\r\n` or `\n`) and a payload of that many bytes.
//!   Empty lines between frames are skipped.
//! - A payload that is JSON but not a message lint500 can take is logged and, when it asks for
//!   one, answered with an `InvalidRequest` error; the frame was sound, so reading goes on after
//!   it. Notifications and responses are never answered. The answer carries the request's `id`
//!   when that is a number or a string: the same string, the same integer up to 64 bits, other
//!   numbers as the nearest double (`1e20` comes back as `1e+20`, the number a JavaScript
//!   client compares). A request id that lsp-server cannot hold (an integer beyond 32 bits such
//!   as `4294967296`, `1e20`, a fraction) is refused this way rather than taken, so the client
//!   gets its error under the id it knows. An id of any other type (`null`, an object) is
//!   answered with a `null` id, as JSON-RPC 2.0 asks for an id that cannot be read.
//! - A payload that is not JSON at all means the frame's length was wrong, and no boundary
//!   after it can be trusted. It is answered with a `ParseError` under a `null` id (JSON-RPC
//!   2.0 again: the id could not be read), and the reader resynchronises: it skips bytes, from
//!   the first byte of that payload on, up to the next `Content-Length: <digits>` line, and
//!   reads a frame from there. A length too short thus loses its own message only (the rest
//!   of it is skipped), and so does a length too long (the next frame's header, swallowed by
//!   the payload, is found again inside it).
//! - A broken header block (a line that is not a header, a length that is not a number or is
//!   above [`MAX_MESSAGE_BYTES`], no `Content-Length`, a block above [`MAX_HEADER_BYTES`]) is
//!   logged and skipped the same way, from its second byte on. An oversized message is not
//!   read at all: its payload, JSON, is skipped up to the next frame.
//!
//! The resynchronisation is safe because a `Content-Length: <digits>` line cannot occur in a
//! JSON text: outside strings JSON has no letters but its literals, and inside a string no
//! raw line break. For the same reason a frame whose length points past the next frame's
//! header is found broken as soon as that header has arrived, not only once the announced
//! number of bytes has: a client that waits for an answer does not wait forever.
//!
//! Memory follows what has arrived, not what a header announces: the input is read in chunks
//! of [`CHUNK`] bytes into one buffer that grows as they come.

use std::io::{self, Read, Write};
use std::ops::Range;
use std::thread::{self, JoinHandle};

use crossbeam_channel::{Receiver, Sender, never, select, unbounded};
use lsp_server::{Connection, ErrorCode, Message, RequestId};
use serde_json::{Value, json};

use crate::log;

/// Far above any real message (a document of tens of megabytes); a larger length is taken for
/// a broken header rather than read.
pub const MAX_MESSAGE_BYTES: usize = 64 << 20;

/// Far above any real header block, which holds `Content-Length` and maybe `Content-Type` (an
/// attempt to read a block costs up to this much, and every `Content-Length` line in a broken
/// stretch is tried).
pub const MAX_HEADER_BYTES: usize = 1 << 10;

/// How much the reader asks of its input at a time.
pub const CHUNK: usize = 64 << 10;

const CONTENT_LENGTH: &[u8] = b"content-length:";

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
    let (replies, from_replies) = unbounded::<Value>();
    let writer = thread::Builder::new()
        .name("lint500-lsp-writer".into())
        .spawn(move || write_messages(&mut io::stdout().lock(), &from_server, &from_replies))?;
    let reader = thread::Builder::new()
        .name("lint500-lsp-reader".into())
        .spawn(move || read_messages(io::stdin().lock(), &to_server, &replies))?;
    let connection = Connection {
        sender: to_writer,
        receiver: from_reader,
    };
    Ok((connection, IoThreads { reader, writer }))
}

/// Writes the server's messages and the reader's answers until both have hung up.
fn write_messages(
    output: &mut impl Write,
    from_server: &Receiver<Message>,
    from_reader: &Receiver<Value>,
) -> io::Result<()> {
    let (mut server, mut reader) = (Some(from_server), Some(from_reader));
    let (no_messages, no_replies) = (never(), never());
    while server.is_some() || reader.is_some() {
        select! {
            recv(server.unwrap_or(&no_messages)) -> message => match message {
                Ok(message) => message.write(output)?,
                Err(_) => server = None,
            },
            recv(reader.unwrap_or(&no_replies)) -> reply => match reply {
                Ok(reply) => write_value(output, &reply)?,
                Err(_) => reader = None,
            },
        }
    }
    Ok(())
}

/// Writes `value` framed as lsp-server frames a message.
fn write_value(output: &mut impl Write, value: &Value) -> io::Result<()> {
    let payload = serde_json::to_vec(value)?;
    write!(output, "Content-Length: {}\r\n\r\n", payload.len())?;
    output.write_all(&payload)?;
    output.flush()
}

/// Forwards each message to the server until the input ends or `exit` arrives; logs the rest
/// and sends the answers it is owed to the writer.
fn read_messages(
    input: impl Read,
    to_server: &Sender<Message>,
    replies: &Sender<Value>,
) -> io::Result<()> {
    let mut reader = MessageReader::new(input);
    while let Some(incoming) = reader.read_next()? {
        match incoming {
            Incoming::Message(message) => {
                let is_exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                if to_server.send(message).is_err() || is_exit {
                    break;
                }
            }
            Incoming::Invalid { reason, reply } => {
                log(&format!("ignoring a malformed message: {reason}"));
                if let Some(reply) = reply {
                    // The writer is gone only when the client is: nothing left to tell.
                    let _ = replies.send(reply);
                }
            }
            Incoming::Broken { reason } => {
                log(&format!("skipping input up to the next message: {reason}"));
            }
        }
    }
    Ok(())
}

/// What the reader makes of the input, one frame (or broken stretch) at a time.
#[derive(Debug)]
pub enum Incoming {
    /// A message for the server.
    Message(Message),
    /// A payload that is no message lint500 takes: why, and the JSON-RPC error response owed
    /// to the client, if any (its `id` may be `null`).
    Invalid {
        reason: String,
        reply: Option<Value>,
    },
    /// Bytes that are no frame: why. They are skipped up to the next `Content-Length` header.
    Broken { reason: String },
}

/// Frames and parses every message in `bytes`, as the server reads its input, and returns what
/// it made of each frame; never panics, and takes time linear in the input's length. The entry
/// point for fuzzing the reader.
pub fn read_all(bytes: &[u8]) -> Vec<Incoming> {
    let mut reader = MessageReader::new(bytes);
    let mut read = Vec::new();
    // Reading a slice cannot fail.
    while let Ok(Some(incoming)) = reader.read_next() {
        read.push(incoming);
    }
    read
}

/// Frames messages out of a byte stream; see the module's documentation.
pub struct MessageReader<R> {
    input: R,
    /// Input read but not yet consumed: `buffer[start..end]`; past `end`, room to read into.
    buffer: Vec<u8>,
    start: usize,
    end: usize,
    /// Skip up to the next `Content-Length` line before reading a frame.
    resync: bool,
    /// Where the search for a header inside a partial payload goes on (an absolute offset in
    /// `buffer`), so that a long payload arriving in many chunks is searched once.
    searched_to: usize,
    ended: bool,
}

/// A header block read from the buffer.
enum Header {
    /// The payload's place in the buffer.
    Frame(Range<usize>),
    Broken(String),
    /// More input is needed to tell.
    Partial,
}

impl<R: Read> MessageReader<R> {
    pub fn new(input: R) -> MessageReader<R> {
        MessageReader {
            input,
            buffer: Vec::new(),
            start: 0,
            end: 0,
            resync: false,
            searched_to: 0,
            ended: false,
        }
    }

    /// The next frame's worth of input, or `None` at its end.
    pub fn read_next(&mut self) -> io::Result<Option<Incoming>> {
        loop {
            if self.resync {
                match find_content_length(&self.buffer[..self.end], self.start) {
                    Ok(at) => {
                        self.start = at;
                        self.resync = false;
                    }
                    Err(keep_from) => {
                        self.start = keep_from;
                        if !self.fill()? {
                            self.start = self.end;
                            return Ok(None);
                        }
                        continue;
                    }
                }
            }
            while self.start < self.end && matches!(self.buffer[self.start], b'\r' | b'\n') {
                self.start += 1;
            }
            let payload = match self.header() {
                Header::Frame(payload) => payload,
                Header::Broken(reason) => {
                    self.skip_from(self.start + 1);
                    return Ok(Some(Incoming::Broken { reason }));
                }
                Header::Partial if self.fill()? => continue,
                Header::Partial if self.start == self.end => return Ok(None),
                Header::Partial => {
                    self.start = self.end;
                    let reason = "the input ended inside a header".to_string();
                    return Ok(Some(Incoming::Broken { reason }));
                }
            };
            if payload.end > self.end {
                // A header line among the bytes come so far: the length points past the next
                // frame's start, as no JSON holds such a line.
                let search_from = self.searched_to.max(payload.start);
                match find_content_length(&self.buffer[..self.end], search_from) {
                    Ok(_) => {
                        let detail = "the next frame's header is inside it";
                        return Ok(Some(self.not_json(payload.start, detail)));
                    }
                    Err(keep_from) => self.searched_to = keep_from,
                }
                // (Reading moves the buffer's contents: `payload` is stale after it.)
                let arrived = self.end - payload.start;
                if self.fill()? {
                    continue;
                }
                self.start = self.end;
                let reason = format!(
                    "the input ended {arrived} bytes into a message of {} bytes",
                    payload.len()
                );
                return Ok(Some(Incoming::Broken { reason }));
            }
            let incoming = match decode(&self.buffer[payload.clone()]) {
                Ok(incoming) => incoming,
                Err(err) => return Ok(Some(self.not_json(payload.start, &err))),
            };
            self.start = payload.end;
            self.searched_to = 0;
            return Ok(Some(incoming));
        }
    }

    /// The reply to a payload starting at `at` that is not JSON, and a resynchronisation
    /// from there.
    fn not_json(&mut self, at: usize, detail: &str) -> Incoming {
        self.skip_from(at);
        let reason = format!("the payload is not JSON ({detail}); its length must be wrong");
        let reply = error_response(
            Value::Null,
            ErrorCode::ParseError,
            &format!("not a JSON-RPC message: {detail}"),
        );
        Incoming::Invalid {
            reason,
            reply: Some(reply),
        }
    }

    fn skip_from(&mut self, at: usize) {
        self.start = at.min(self.end);
        self.resync = true;
        self.searched_to = 0;
    }

    /// The header block at the start of the unconsumed input.
    fn header(&self) -> Header {
        let block = &self.buffer[self.start..self.end];
        let mut length = None;
        let mut at = 0;
        loop {
            let Some(line_len) = block[at..].iter().position(|&byte| byte == b'\n') else {
                return if block.len() > MAX_HEADER_BYTES {
                    Header::Broken(format!("a header above {MAX_HEADER_BYTES} bytes"))
                } else {
                    Header::Partial
                };
            };
            let line = &block[at..at + line_len];
            at += line_len + 1;
            if at > MAX_HEADER_BYTES {
                return Header::Broken(format!("a header above {MAX_HEADER_BYTES} bytes"));
            }
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                return match length {
                    Some(length) => {
                        let payload = self.start + at;
                        Header::Frame(payload..payload + length)
                    }
                    None => Header::Broken("a header without Content-Length".into()),
                };
            }
            let text = String::from_utf8_lossy(line);
            let Some((name, value)) = text.split_once(':') else {
                return Header::Broken(format!("\"{}\" is not a header", excerpt(&text)));
            };
            if name.trim().eq_ignore_ascii_case("content-length") {
                let value = value.trim();
                match value.parse::<usize>() {
                    Ok(bytes) if bytes <= MAX_MESSAGE_BYTES => length = Some(bytes),
                    Ok(bytes) => {
                        return Header::Broken(format!(
                            "a message of {bytes} bytes, above the {MAX_MESSAGE_BYTES} lint500 reads"
                        ));
                    }
                    Err(_) => {
                        let value = excerpt(value);
                        return Header::Broken(format!("Content-Length \"{value}\" is no length"));
                    }
                }
            }
        }
    }

    /// Reads another chunk of input into the buffer; `false` at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.ended {
            return Ok(false);
        }
        // Consumed bytes are dropped once they are the larger part of the buffer, so that
        // moving the rest costs no more than reading it did.
        if self.start > 0 && self.start >= self.end / 2 {
            self.buffer.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.searched_to = self.searched_to.saturating_sub(self.start);
            self.start = 0;
            // After a large message, give its memory back.
            if self.buffer.len() > 4 * CHUNK && self.end < CHUNK {
                self.buffer.truncate(2 * CHUNK);
                self.buffer.shrink_to_fit();
            }
        }
        // Room for a chunk; zeroed once, then reused.
        if self.buffer.len() < self.end + CHUNK {
            self.buffer.resize(self.end + CHUNK, 0);
        }
        let read = loop {
            match self.input.read(&mut self.buffer[self.end..]) {
                Ok(read) => break read,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        };
        self.end += read;
        self.ended = read == 0;
        Ok(read > 0)
    }

    #[cfg(test)]
    fn buffer_capacity(&self) -> usize {
        self.buffer.capacity()
    }
}

/// The first `Content-Length: <digits>` line in `buffer` from `from` on: `Ok(its start)`, or
/// `Err(where to search again)` once more input has arrived (a line that may be one but is not
/// complete yet).
fn find_content_length(buffer: &[u8], from: usize) -> Result<usize, usize> {
    let mut at = from;
    while let Some(found) = buffer
        .get(at..)
        .and_then(|rest| {
            rest.windows(CONTENT_LENGTH.len())
                .position(|window| window.eq_ignore_ascii_case(CONTENT_LENGTH))
        })
        .map(|found| at + found)
    {
        let rest = &buffer[found + CONTENT_LENGTH.len()..];
        let value_len = rest
            .iter()
            .position(|byte| !matches!(byte, b' ' | b'\t' | b'\r' | b'0'..=b'9'))
            .unwrap_or(rest.len());
        match rest.get(value_len) {
            // Undecided until the rest of the line arrives; a real one is short.
            None if value_len <= 64 => return Err(found),
            Some(b'\n') if value_len <= 64 && is_length(&rest[..value_len]) => return Ok(found),
            _ => at = found + 1,
        }
    }
    // A header may start in the last bytes, cut short.
    Err(buffer
        .len()
        .saturating_sub(CONTENT_LENGTH.len() - 1)
        .max(from))
}

/// Whether `value` (between `Content-Length:` and the line break) is a length.
fn is_length(value: &[u8]) -> bool {
    let value = value.strip_suffix(b"\r").unwrap_or(value);
    let digits = value.trim_ascii();
    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
}

/// A payload that is JSON as a message, or its JSON-RPC error; `Err` when it is not JSON.
fn decode(payload: &[u8]) -> Result<Incoming, String> {
    let value: Value = serde_json::from_slice(payload).map_err(|err| excerpt(&err.to_string()))?;
    let object = value.as_object();
    let field = |name: &str| object.and_then(|object| object.get(name));
    let is_response =
        field("method").is_none() && (field("result").is_some() || field("error").is_some());
    // Notifications and responses get no answer; other things owe one under their id.
    let reply_id = match field("id") {
        _ if is_response => None,
        Some(id @ (Value::Number(_) | Value::String(_))) => Some(id.clone()),
        Some(_) => Some(Value::Null),
        None if field("method").is_some() => None,
        None => Some(Value::Null),
    };
    let invalid = |reason: String| {
        let reply = reply_id.as_ref().map(|id| {
            let message = format!("not a valid JSON-RPC message: {reason}");
            error_response(id.clone(), ErrorCode::InvalidRequest, &message)
        });
        Incoming::Invalid { reason, reply }
    };
    if let Some(id) = field("id")
        && serde_json::from_value::<RequestId>(id.clone()).is_err()
    {
        let id = excerpt(&id.to_string());
        return Ok(invalid(format!(
            "the id {id} is neither a string nor a 32-bit integer"
        )));
    }
    Ok(match serde_json::from_value::<Message>(value) {
        Ok(message) => Incoming::Message(message),
        Err(err) => invalid(excerpt(&err.to_string())),
    })
}

fn error_response(id: Value, code: ErrorCode, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code as i32, "message": message}})
}

/// At most a short line of `text`, for a log or an answer that quotes the client.
fn excerpt(text: &str) -> String {
    lint500_core::excerpt(text, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    /// What `read_all` makes of `input`, in short: `message <method or id>`, `invalid <code> <id>`
    /// (`invalid -` when unanswered) or `broken`.
    fn summary(input: &[u8]) -> Vec<String> {
        describe(read_all(input))
    }

    fn describe(read: Vec<Incoming>) -> Vec<String> {
        read.into_iter()
            .map(|incoming| match incoming {
                Incoming::Message(Message::Request(request)) => format!("request {}", request.id),
                Incoming::Message(Message::Notification(n)) => format!("notification {}", n.method),
                Incoming::Message(Message::Response(response)) => {
                    format!("response {}", response.id)
                }
                Incoming::Invalid { reply: None, .. } => "invalid -".into(),
                Incoming::Invalid {
                    reply: Some(reply), ..
                } => format!("invalid {} {}", reply["error"]["code"], reply["id"]),
                Incoming::Broken { .. } => "broken".into(),
            })
            .collect()
    }

    fn request(id: &str) -> String {
        frame(&format!(
            r#"{{"jsonrpc":"2.0","id":{id},"method":"shutdown"}}"#
        ))
    }

    #[test]
    fn malformed_payloads_are_answered_or_skipped() {
        let input = [
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","id":7,"method":42}"#),
            frame(r#"{"jsonrpc":"2.0","method":42}"#),
            frame(r#"{"jsonrpc":"2.0","id":"x","result":{},"junk":1}"#),
            frame(r#"{"jsonrpc":"2.0","id":[1],"result":null}"#),
            frame(r#"{"jsonrpc":"2.0","id":[1],"method":"m"}"#),
            frame(r#"[1, 2]"#),
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
            frame(r#"{"jsonrpc":"2.0","method":"never-read"}"#),
        ]
        .concat();
        let (to_server, from_reader) = unbounded();
        let (replies, from_replies) = unbounded();
        let result = read_messages(input.as_bytes(), &to_server, &replies);
        assert!(result.is_ok(), "{result:?}");
        let forwarded: Vec<Message> = from_reader.try_iter().collect();
        assert!(
            matches!(forwarded.as_slice(), [Message::Response(r), Message::Notification(n)]
                if r.id == RequestId::from("x".to_string()) && n.method == "exit"),
            "{forwarded:?}"
        );
        let answered: Vec<String> = from_replies
            .try_iter()
            .map(|reply| format!("{} {}", reply["error"]["code"], reply["id"]))
            .collect();
        assert_eq!(
            answered,
            ["-32700 null", "-32600 7", "-32600 null", "-32600 null"]
        );
    }

    #[test]
    fn ids_beyond_32_bits_are_refused_under_the_id_as_written() {
        let input = [
            request("4294967296"),
            request("1e20"),
            request("-2147483649"),
            request("1.5"),
            request("null"),
            request(r#""4294967296""#),
            request("2147483647"),
            frame(r#"{"jsonrpc":"2.0","id":4294967296,"result":null}"#),
        ]
        .concat();
        assert_eq!(
            summary(input.as_bytes()),
            [
                "invalid -32600 4294967296",
                // The same number, as serde_json writes it.
                "invalid -32600 1e+20",
                "invalid -32600 -2147483649",
                "invalid -32600 1.5",
                "invalid -32600 null",
                "request \"4294967296\"",
                "request 2147483647",
                // A response is never answered.
                "invalid -",
            ]
        );
    }

    #[test]
    fn a_length_too_short_loses_only_its_own_message() {
        let body = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown","params":null}"#;
        let short = format!("Content-Length: 20\r\n\r\n{body}");
        // The rest of the cut message is skipped up to the next header, whatever it holds.
        let tricky = r#"{"jsonrpc":"2.0","method":"m","params":"Content-Length: 3"}"#;
        let cut = format!("Content-Length: 30\r\n\r\n{tricky}");
        let input = [short, request("2"), cut, request("3")].concat();
        assert_eq!(
            summary(input.as_bytes()),
            [
                "invalid -32700 null",
                "request 2",
                "invalid -32700 null",
                "request 3"
            ]
        );
    }

    #[test]
    fn a_length_too_long_loses_only_its_own_message() {
        let body = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let long = format!("Content-Length: {}\r\n\r\n{body}", body.len() + 30);
        // The announced bytes never all come, yet the next message is read.
        let input = [long, request("2")].concat();
        assert_eq!(
            summary(input.as_bytes()),
            ["invalid -32700 null", "request 2"]
        );
        let input = [
            format!("Content-Length: {}\r\n\r\n{body}", body.len() + 1_000),
            request("2"),
            request("3"),
        ]
        .concat();
        assert_eq!(
            summary(input.as_bytes()),
            ["invalid -32700 null", "request 2", "request 3"]
        );
    }

    #[test]
    fn broken_headers_are_skipped_up_to_the_next_message() {
        let input = [
            "Content-Length: lots\r\n\r\n{}".to_string(),
            request("1"),
            "garbage without a colon\r\n".into(),
            request("2"),
            "Content-Type: text/plain\r\n\r\n{}".into(),
            request("3"),
            "\r\n\n".into(),
            "content-length:  56 \n\n".into(),
            r#"{"jsonrpc":"2.0","id":4,"method":"shutdown","params":{}}"#.into(),
            format!("X-Long: {}\r\n", "x".repeat(MAX_HEADER_BYTES)),
            request("5"),
            "Content-Length: 99999999999999999999999\r\n\r\n".into(),
            request("6"),
            "Content-Len".into(),
        ]
        .concat();
        assert_eq!(
            summary(input.as_bytes()),
            [
                "broken",
                "request 1",
                "broken",
                "request 2",
                "broken",
                "request 3",
                "request 4",
                "broken",
                "request 5",
                "broken",
                "request 6",
                "broken",
            ]
        );
        assert!(read_all(b"").is_empty());
        assert!(read_all(b"\r\n\r\n").is_empty());
        assert_eq!(summary(b"Content-Length: 10\r\n\r\n{}"), ["broken"]);
    }

    /// Input that arrives a few bytes at a time, as a pipe may deliver it.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.0.len()).min(self.1);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn trickled(input: &[u8], chunk: usize) -> Vec<Incoming> {
        let mut reader = MessageReader::new(Trickle(input, chunk));
        let mut read = Vec::new();
        while let Some(incoming) = reader.read_next().expect("reads") {
            read.push(incoming);
        }
        read
    }

    #[test]
    fn frames_split_anywhere_read_the_same() {
        let input = [
            request("1"),
            "Content-Length: 20\r\n\r\n".into(),
            request("2"),
            frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{"text":"é😀"}}"#),
            "garbage\r\n".into(),
            request("3"),
        ]
        .concat();
        let whole = summary(input.as_bytes());
        assert_eq!(
            whole,
            [
                "request 1",
                "invalid -32700 null",
                "request 2",
                "notification initialized",
                "broken",
                "request 3"
            ]
        );
        for chunk in [1, 7, 100] {
            assert_eq!(describe(trickled(input.as_bytes(), chunk)), whole);
        }
    }

    /// Pseudo-random streams of frames, their pieces and noise: whatever the bytes and however
    /// they arrive, the reader ends, never panics, reads them the same, and owes only
    /// well-formed answers.
    #[test]
    fn arbitrary_streams_are_read_the_same_however_they_arrive() {
        let pieces: [&[u8]; 14] = [
            b"Content-Length: ",
            b"content-length:7\n",
            b"Content-Type: x\r\n",
            b"\r\n",
            b"\n",
            b"12",
            b"99999999999999999999",
            br#"{"jsonrpc":"2.0","id":1,"method":"m"}"#,
            br#"{"id":4294967296,"method":"m"}"#,
            br#"{"id":null,"result":1}"#,
            br#""Content-Length: 3""#,
            b"{\"\xff\xfe\"}",
            b"\x1b]0;\x07\0",
            "é😀".as_bytes(),
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut random = |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % below as u64).unwrap_or_default()
        };
        for _ in 0..500 {
            let mut input = Vec::new();
            for _ in 0..random(40) {
                match random(4) {
                    0 => input.extend_from_slice(&request(&random(100).to_string()).into_bytes()),
                    _ => input.extend_from_slice(pieces[random(pieces.len())]),
                }
            }
            let whole = read_all(&input);
            for incoming in &whole {
                if let Incoming::Invalid {
                    reply: Some(reply), ..
                } = incoming
                {
                    assert_eq!(reply["jsonrpc"], "2.0");
                    assert!(reply["error"]["code"].is_i64() && reply.get("id").is_some());
                }
            }
            let whole = describe(whole);
            let chunk = 1 + random(20);
            assert_eq!(describe(trickled(&input, chunk)), whole, "{input:?}");
        }
    }

    /// A client that announces a message and sends a little of it.
    struct Announced {
        header: Vec<u8>,
        body_left: usize,
    }

    impl Read for Announced {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if !self.header.is_empty() {
                let n = buf.len().min(self.header.len());
                buf[..n].copy_from_slice(&self.header[..n]);
                self.header.drain(..n);
                return Ok(n);
            }
            let n = buf.len().min(self.body_left);
            buf[..n].fill(b' ');
            self.body_left -= n;
            Ok(n)
        }
    }

    #[test]
    fn memory_follows_the_bytes_that_arrive_not_the_announced_length() {
        let announced = MAX_MESSAGE_BYTES;
        let mut reader = MessageReader::new(Announced {
            header: format!("Content-Length: {announced}\r\n\r\n").into_bytes(),
            body_left: 100_000,
        });
        let incoming = reader.read_next().expect("reads");
        assert!(
            matches!(&incoming, Some(Incoming::Broken { reason }) if reason.contains("100000 bytes into")),
            "{incoming:?}"
        );
        let capacity = reader.buffer_capacity();
        assert!(capacity < 4 * (100_000 + CHUNK), "{capacity} bytes");
        assert!(reader.read_next().expect("reads").is_none());

        // Above the limit, nothing of the message is kept: only the search for a header.
        let mut reader = MessageReader::new(Announced {
            header: b"Content-Length: 1073741824\r\n\r\n".to_vec(),
            body_left: 10 * CHUNK,
        });
        let incoming = reader.read_next().expect("reads");
        assert!(
            matches!(&incoming, Some(Incoming::Broken { reason }) if reason.contains("1073741824")),
            "{incoming:?}"
        );
        assert!(reader.read_next().expect("reads").is_none());
        let capacity = reader.buffer_capacity();
        assert!(capacity <= 4 * CHUNK, "{capacity} bytes");
    }

    #[test]
    fn replies_are_framed_like_messages() {
        let mut output = Vec::new();
        let reply = error_response(Value::Null, ErrorCode::ParseError, "x");
        write_value(&mut output, &reply).expect("writes");
        let read = read_all(&output);
        assert!(
            matches!(read.as_slice(), [Incoming::Invalid { reply: None, .. }]),
            "a response with a null id, which lsp-server cannot hold: {read:?}"
        );
        let text = String::from_utf8(output).expect("UTF-8");
        let (header, payload) = text.split_once("\r\n\r\n").expect("a header");
        assert_eq!(header, format!("Content-Length: {}", payload.len()));
        let written: Value = serde_json::from_str(payload).expect("JSON");
        assert_eq!(written, reply);
    }
}
