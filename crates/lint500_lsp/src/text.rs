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

/// Where each line of a text starts, and how many UTF-16 code units precede every
/// [`CHECKPOINT`]-th byte. Lines end at `\n`, as tree-sitter counts rows; a `\r` before it
/// belongs to the line's end.
///
/// Built once per text in one pass; a position is then found by a binary search for its line
/// and a scan of at most [`CHECKPOINT`] bytes from the checkpoint before it, so converting every
/// finding of a file costs time linear in the file's size and the number of findings, however
/// long its lines (a minified bundle is one line of megabytes).
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// `checkpoints[i]`: the last character boundary at or before byte `i * CHECKPOINT`, and the
    /// UTF-16 length of the text before it. Empty for an ASCII text, where both counts agree.
    checkpoints: Vec<Checkpoint>,
    /// Bytes read to count code units, to check the bound above.
    #[cfg(test)]
    scanned: std::cell::Cell<usize>,
}

/// The spacing of [`LineIndex`]'s checkpoints: the most bytes one position costs to convert.
const CHECKPOINT: usize = 256;

#[derive(Clone, Copy)]
struct Checkpoint {
    byte: usize,
    utf16: usize,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        let mut index = LineIndex {
            text,
            line_starts,
            checkpoints: Vec::new(),
            #[cfg(test)]
            scanned: std::cell::Cell::new(0),
        };
        if !text.is_ascii() {
            index.checkpoints = index.checkpoints();
        }
        index
    }

    fn checkpoints(&self) -> Vec<Checkpoint> {
        let mut checkpoints = Vec::with_capacity(self.text.len() / CHECKPOINT + 1);
        let mut last = Checkpoint { byte: 0, utf16: 0 };
        for i in 0..=self.text.len() / CHECKPOINT {
            let byte = self.floor_char_boundary(i * CHECKPOINT);
            // Boundaries at most 3 bytes apart from multiples of CHECKPOINT never go backwards.
            last = Checkpoint {
                byte,
                utf16: last.utf16 + self.utf16_len(last.byte..byte),
            };
            checkpoints.push(last);
        }
        checkpoints
    }

    /// The 0-based line holding byte `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.line_starts.partition_point(|&start| start <= offset) - 1
    }

    /// The LSP position of byte `offset`, clamped to the text and to a character boundary.
    pub fn position(&self, offset: usize, encoding: PositionEncoding) -> Position {
        let offset = self.floor_char_boundary(offset);
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let character = match encoding {
            PositionEncoding::Utf8 => offset - start,
            PositionEncoding::Utf16 => self.utf16_before(offset) - self.utf16_before(start),
        };
        Position::new(saturate(line), saturate(character))
    }

    pub fn range(&self, bytes: std::ops::Range<usize>, encoding: PositionEncoding) -> Range {
        Range::new(
            self.position(bytes.start, encoding),
            self.position(bytes.end, encoding),
        )
    }

    /// The UTF-16 length of the text before `offset`, a character boundary.
    fn utf16_before(&self, offset: usize) -> usize {
        match self.checkpoints.get(offset / CHECKPOINT) {
            Some(checkpoint) => checkpoint.utf16 + self.utf16_len(checkpoint.byte..offset),
            // An ASCII text.
            None => offset,
        }
    }

    /// The UTF-16 length of `bytes`, a range between character boundaries: one code unit per
    /// character, two for a character beyond the BMP (encoded in four bytes).
    fn utf16_len(&self, bytes: std::ops::Range<usize>) -> usize {
        #[cfg(test)]
        self.scanned.set(self.scanned.get() + bytes.len());
        self.text.as_bytes()[bytes]
            .iter()
            .map(|&byte| usize::from(!is_continuation(byte)) + usize::from(byte >= 0xf0))
            .sum()
    }

    /// `offset` clamped to the text and moved back to the start of the character it is in.
    fn floor_char_boundary(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

fn is_continuation(byte: u8) -> bool {
    byte & 0xc0 == 0x80
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

    /// The positions of `offsets` (sorted character boundaries) counted the slow, obvious way,
    /// in one walk over the text.
    fn walked(text: &str, offsets: &[usize], encoding: PositionEncoding) -> Vec<Position> {
        let mut positions = Vec::new();
        let (mut line, mut column, mut at) = (0, 0, 0);
        let mut chars = text.chars();
        for &offset in offsets {
            while at < offset {
                let ch = chars.next().unwrap_or_default();
                at += ch.len_utf8();
                if ch == '\n' {
                    (line, column) = (line + 1, 0);
                } else {
                    column += match encoding {
                        PositionEncoding::Utf8 => ch.len_utf8(),
                        PositionEncoding::Utf16 => ch.len_utf16(),
                    };
                }
            }
            positions.push(Position::new(saturate(line), saturate(column)));
        }
        positions
    }

    #[test]
    fn a_long_line_costs_a_bounded_scan_per_position() {
        // A minified bundle: one line of 2 MiB with two- and four-byte characters, between
        // CRLF lines, and 2,000 findings spread over it.
        let unit = "var é=\"😀\";x(a,b);";
        let long_line = unit.repeat((2 << 20) / unit.len());
        let text = format!("head\r\n{long_line}\r\ntail😀\r\n");
        let mut offsets: Vec<usize> = (0..2_000)
            .map(|i| i * text.len() / 2_000)
            .chain([0, 5, 6, text.len() - 3, text.len()])
            .filter(|&offset| text.is_char_boundary(offset))
            .collect();
        offsets.sort_unstable();
        offsets.dedup();
        assert!(offsets.len() > 1_000);
        for encoding in [PositionEncoding::Utf16, PositionEncoding::Utf8] {
            let index = LineIndex::new(&text);
            let built = index.scanned.get();
            assert!(built <= text.len(), "one pass to build: {built} bytes");
            let positions: Vec<Position> = offsets
                .iter()
                .map(|&offset| index.position(offset, encoding))
                .collect();
            assert_eq!(positions, walked(&text, &offsets, encoding), "{encoding:?}");
            // Two counts (the position and its line's start) of at most one checkpoint's span
            // (plus a character) per position; a scan from the line's start would read about
            // 2 MiB per position.
            let per_position = (index.scanned.get() - built) / offsets.len();
            assert!(per_position <= 2 * (CHECKPOINT + 3), "{per_position} bytes");
        }
        let ascii = LineIndex::new("no checkpoints needed\r\n");
        assert_eq!(
            ascii.position(22, PositionEncoding::Utf16),
            Position::new(0, 22)
        );
        assert_eq!(ascii.scanned.get(), 0);
    }

    #[test]
    fn every_offset_of_a_mixed_text_is_exact() {
        // Short lines, checkpoints inside characters, surrogate pairs at line ends, CRLF.
        let text = "é😀\r\n".repeat(40) + &"aé😀ü€\n".repeat(80) + "😀";
        let offsets: Vec<usize> = (0..=text.len())
            .filter(|&offset| text.is_char_boundary(offset))
            .collect();
        let index = LineIndex::new(&text);
        for encoding in [PositionEncoding::Utf16, PositionEncoding::Utf8] {
            let positions: Vec<Position> = offsets
                .iter()
                .map(|&offset| index.position(offset, encoding))
                .collect();
            assert_eq!(positions, walked(&text, &offsets, encoding), "{encoding:?}");
        }
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
