//! Byte offsets in a document's text, as the engine reports them, turned into LSP positions in
//! the encoding negotiated with the client.

use lsp_types::{Position, PositionEncodingKind, Range};

/// How the client counts columns. UTF-16 code units is the protocol's default and every client
/// supports it; UTF-8 (bytes) is cheaper and taken when the client offers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PositionEncoding {
    Utf8,
    Utf16,
}

impl PositionEncoding {
    /// UTF-8 if the client lists it among `general.positionEncodings`, else UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> PositionEncoding {
        let offers_utf8 = offered.is_some_and(|kinds| kinds.contains(&PositionEncodingKind::UTF8));
        if offers_utf8 {
            PositionEncoding::Utf8
        } else {
            PositionEncoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
            PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

/// Where each line of a text starts. Lines end at `\n`, as tree-sitter counts rows; a `\r`
/// before it belongs to the line's end.
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        LineIndex { text, line_starts }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The 0-based line holding byte `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.line_starts.partition_point(|&start| start <= offset) - 1
    }

    /// The byte range of 0-based `line` without its line break, or `None` past the last line.
    pub fn line_bytes(&self, line: usize) -> Option<std::ops::Range<usize>> {
        let start = *self.line_starts.get(line)?;
        let next = self
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let content = &self.text[start..next];
        let end = start + content.trim_end_matches('\n').trim_end_matches('\r').len();
        Some(start..end)
    }

    /// The LSP position of byte `offset`, clamped to the text and to a character boundary.
    pub fn position(&self, offset: usize, encoding: PositionEncoding) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let before = &self.text[self.line_starts[line]..offset];
        let character = match encoding {
            PositionEncoding::Utf8 => before.len(),
            PositionEncoding::Utf16 => before.encode_utf16().count(),
        };
        Position::new(saturate(line), saturate(character))
    }

    pub fn range(&self, bytes: std::ops::Range<usize>, encoding: PositionEncoding) -> Range {
        Range::new(
            self.position(bytes.start, encoding),
            self.position(bytes.end, encoding),
        )
    }
}

fn saturate(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_code_units_of_the_negotiated_encoding() {
        // "é" is 2 bytes and 1 UTF-16 unit; "😀" is 4 bytes and 2 UTF-16 units.
        let text = "a\r\né😀x\nlast";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap_or_default();
        assert_eq!(
            index.position(x, PositionEncoding::Utf16),
            Position::new(1, 3)
        );
        assert_eq!(
            index.position(x, PositionEncoding::Utf8),
            Position::new(1, 6)
        );
        assert_eq!(index.line_bytes(0), Some(0..1));
        assert_eq!(index.line_bytes(2), Some(text.len() - 4..text.len()));
        assert_eq!(index.line_bytes(3), None);
        // Inside a character and past the end: clamped, never a panic.
        assert_eq!(
            index.position(x - 1, PositionEncoding::Utf16),
            Position::new(1, 1)
        );
        assert_eq!(
            index.position(usize::MAX, PositionEncoding::Utf16),
            Position::new(2, 4)
        );
    }

    #[test]
    fn utf8_only_when_offered() {
        let offered = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(
            PositionEncoding::negotiate(Some(&offered)),
            PositionEncoding::Utf8
        );
        assert_eq!(
            PositionEncoding::negotiate(Some(&offered[..1])),
            PositionEncoding::Utf16
        );
        assert_eq!(PositionEncoding::negotiate(None), PositionEncoding::Utf16);
    }
}
