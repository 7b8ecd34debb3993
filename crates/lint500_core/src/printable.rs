use std::borrow::Cow;
use std::fmt::Write;

/// `text` made safe to print on a terminal or into a CI log: every control character but the
/// tab (newlines, carriage returns, escape sequences, C1 controls), the Unicode line and
/// paragraph separators and the bidirectional overrides is written as a `\u{…}` escape
/// (`\n`, `\r` for those two). A file name or a comment can then neither end the line it is
/// printed on (and start a GitHub workflow command on the next) nor drive the terminal.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '\n' => escaped.push_str("\\n"),
            '\r' => escaped.push_str("\\r"),
            ch if needs_escape(ch) => {
                let _ = write!(escaped, "\\u{{{:x}}}", ch as u32);
            }
            ch => escaped.push(ch),
        }
    }
    Cow::Owned(escaped)
}

/// At most `max_chars` characters of `text` (an ellipsis marks a cut), escaped by
/// [`printable`]: how a message quotes text that came from a file or a client.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let cut = match text.char_indices().nth(max_chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    };
    printable(&cut).into_owned()
}

/// Whether `printable` escapes `ch`.
pub fn needs_escape(ch: char) -> bool {
    (ch.is_control() && ch != '\t')
        || matches!(ch, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_could_end_a_line_or_drive_a_terminal() {
        assert!(matches!(printable("src/app.js"), Cow::Borrowed(_)));
        assert_eq!(printable("a\tb"), "a\tb");
        assert_eq!(
            printable("x\n::error title=t::pwned"),
            "x\\n::error title=t::pwned"
        );
        assert_eq!(printable("a\rb"), "a\\rb");
        assert_eq!(printable("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(
            printable("\u{85}\u{7f}\u{2028}\u{202e}"),
            "\\u{85}\\u{7f}\\u{2028}\\u{202e}"
        );
        assert_eq!(printable("héllo ✓"), "héllo ✓");
    }

    #[test]
    fn excerpts_are_short_and_escaped() {
        assert_eq!(excerpt("abc", 3), "abc");
        assert_eq!(excerpt("ééé\nx", 4), "ééé\\n…");
    }
}
