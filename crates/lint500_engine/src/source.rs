use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Files larger than this are skipped unless configured otherwise: real handlers are far
/// smaller, and bundles this size are generated code.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 * 1024 * 1024;

/// How many leading bytes are searched for a NUL to call a file binary (as git does).
const BINARY_SNIFF_LEN: usize = 8000;

/// Why a file's text could not be linted.
#[derive(Debug, PartialEq, Eq)]
pub enum SourceError {
    Unreadable(String),
    TooLarge { size: u64, limit: u64 },
    Binary,
    InvalidUtf8 { line: usize },
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceError::Unreadable(reason) => write!(f, "cannot be read: {reason}"),
            SourceError::TooLarge { size, limit } => write!(
                f,
                "is {size} bytes, over the {limit}-byte limit (raise it with `max-file-size` or --max-file-size)"
            ),
            SourceError::Binary => f.write_str("looks binary (it contains NUL bytes)"),
            SourceError::InvalidUtf8 { line } => write!(f, "is not valid UTF-8 (line {line})"),
        }
    }
}

/// Reads a file as UTF-8 text, refusing files that are too large, binary, or not UTF-8.
/// A leading byte-order mark is dropped.
pub(crate) fn read_source(path: &Path, max_size: u64) -> Result<String, SourceError> {
    let unreadable = |err: std::io::Error| SourceError::Unreadable(err.to_string());
    let mut file = File::open(path).map_err(unreadable)?;
    let size = file.metadata().map_err(unreadable)?.len();
    if size > max_size {
        return Err(SourceError::TooLarge {
            size,
            limit: max_size,
        });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // Read one byte past the limit so a file that grew since the size check is still refused.
    file.by_ref()
        .take(max_size + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > max_size {
        return Err(SourceError::TooLarge {
            size: bytes.len() as u64,
            limit: max_size,
        });
    }
    if bytes[..bytes.len().min(BINARY_SNIFF_LEN)].contains(&0) {
        return Err(SourceError::Binary);
    }
    let mut text = String::from_utf8(bytes).map_err(|err| {
        let valid = err.utf8_error().valid_up_to();
        let line = err.as_bytes()[..valid]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        SourceError::InvalidUtf8 { line }
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8], limit: u64) -> Result<String, SourceError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.js");
        std::fs::write(&path, bytes).unwrap();
        read_source(&path, limit)
    }

    #[test]
    fn classifies_bad_input() {
        assert_eq!(read(b"let a = 1;\n", 100), Ok("let a = 1;\n".to_string()));
        assert_eq!(read("\u{feff}x".as_bytes(), 100), Ok("x".to_string()));
        assert_eq!(
            read(b"a\nb\n\xff\xfe", 100),
            Err(SourceError::InvalidUtf8 { line: 3 })
        );
        assert_eq!(read(b"ab\0cd", 100), Err(SourceError::Binary));
        assert_eq!(
            read(b"0123456789", 5),
            Err(SourceError::TooLarge { size: 10, limit: 5 })
        );
        let missing = read_source(Path::new("/nonexistent/lint500/f.js"), 100);
        assert!(matches!(missing, Err(SourceError::Unreadable(_))));
    }
}
