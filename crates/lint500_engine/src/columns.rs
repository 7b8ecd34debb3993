//! Positions of nodes as reports show them: lines, and columns counted in characters. A leaf of
//! the engine.

use std::cell::OnceCell;

use lint500_core::{Position, Span};
use tree_sitter::Node;

/// Turns tree-sitter points (row, byte column) into 1-based lines and character columns, at a
/// cost bounded per position however long the line: a minified or hostile file may hold
/// thousands of findings on one line of megabytes.
pub(crate) struct Columns<'s> {
    source: &'s str,
    /// The characters before each multiple of `CHECKPOINT` bytes, made on the first column
    /// that lies far into a long line.
    checkpoints: OnceCell<Vec<usize>>,
}

/// Bytes between checkpoints: the most a column counts without them.
const CHECKPOINT: usize = 1024;

impl<'s> Columns<'s> {
    pub(crate) fn new(source: &'s str) -> Columns<'s> {
        Columns {
            source,
            checkpoints: OnceCell::new(),
        }
    }

    pub(crate) fn position(&self, byte: usize, point: tree_sitter::Point) -> Position {
        let byte = byte.min(self.source.len());
        let line_start = byte.saturating_sub(point.column);
        let column = if byte - line_start <= CHECKPOINT {
            chars_in(&self.source.as_bytes()[line_start..byte])
        } else {
            self.chars_before(byte) - self.chars_before(line_start)
        };
        Position {
            line: point.row as u32 + 1,
            column: column as u32 + 1,
        }
    }

    pub(crate) fn span(&self, node: Node<'_>) -> Span {
        Span {
            start_byte: node.start_byte(),
            end_byte: node.end_byte(),
            start: self.position(node.start_byte(), node.start_position()),
            end: self.position(node.end_byte(), node.end_position()),
        }
    }

    fn chars_before(&self, byte: usize) -> usize {
        let bytes = self.source.as_bytes();
        let checkpoints = self.checkpoints.get_or_init(|| {
            let mut before = 0;
            let mut checkpoints = vec![0];
            for chunk in bytes.chunks(CHECKPOINT) {
                before += chars_in(chunk);
                checkpoints.push(before);
            }
            checkpoints
        });
        let index = byte / CHECKPOINT;
        checkpoints[index] + chars_in(&bytes[index * CHECKPOINT..byte])
    }
}

/// The characters that start in `bytes` (which may begin or end inside one).
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&byte| byte & 0xc0 != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_on_long_lines_too() {
        // Multi-byte characters straddle checkpoints; one line of 30 KB, then a short one.
        let line = "é✓x".repeat(5_000);
        let source = format!("{line}\nab");
        let columns = Columns::new(&source);
        for byte in (0..line.len())
            .filter(|&byte| line.is_char_boundary(byte))
            .step_by(97)
        {
            let point = tree_sitter::Point::new(0, byte);
            let expected = line[..byte].chars().count() as u32 + 1;
            assert_eq!(columns.position(byte, point).column, expected);
        }
        let last = source.len() - 1;
        let position = columns.position(last, tree_sitter::Point::new(1, 1));
        assert_eq!((position.line, position.column), (2, 2));
    }
}
