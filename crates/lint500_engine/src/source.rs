//! A file's text: read from disk (or from an unsaved editor buffer), refused when it is not
//! text lint500 can lint. A leaf of the engine.

use std::collections::HashMap;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};

use lint500_core::printable;

/// Unsaved editor buffers by absolute path: their text stands in for the file on disk.
pub type Overlays = HashMap<PathBuf, String>;

/// Files larger than this are skipped unless configured otherwise: real handlers are far
/// smaller, and bundles this size are generated code.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 * 1024 * 1024;

/// The largest `max-file-size` there is: tree-sitter counts bytes in 32 bits.
pub const MAX_FILE_SIZE_LIMIT: u64 = u32::MAX as u64;

/// Manifests and configuration files larger than this are not read: real ones are a few
/// kilobytes, and a link to `/dev/zero` would otherwise grow without bound.
pub(crate) const MAX_MANIFEST_SIZE: u64 = 4 * 1024 * 1024;

/// How many leading bytes are searched for a NUL to call a file binary (as git does).
const BINARY_SNIFF_LEN: usize = 8000;

/// Why a file's text could not be linted.
#[derive(Debug, PartialEq, Eq)]
pub enum SourceError {
    Unreadable(String),
    /// A FIFO, a device, a socket or a folder: reading it could block or never end.
    NotAFile,
    /// A discovered configuration file or manifest that is a link to a file outside the
    /// project: a committed `lint500.toml -> /proc/self/environ` must not be read.
    LinksOutside(PathBuf),
    TooLarge {
        size: u64,
        limit: u64,
    },
    Binary,
    InvalidUtf8 {
        line: usize,
    },
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceError::Unreadable(reason) => write!(f, "cannot be read: {reason}"),
            SourceError::NotAFile => f.write_str("is not a regular file"),
            SourceError::LinksOutside(target) => write!(
                f,
                "is a link to {}, outside the project; it was not read",
                printable(&target.to_string_lossy())
            ),
            SourceError::TooLarge { size, limit } => write!(
                f,
                "is {size} bytes, over the {limit}-byte limit (raise it with `max-file-size` or --max-file-size)"
            ),
            SourceError::Binary => f.write_str("looks binary (it contains NUL bytes)"),
            SourceError::InvalidUtf8 { line } => write!(f, "is not valid UTF-8 (line {line})"),
        }
    }
}

/// Reads a source file as UTF-8 text, refusing what is not a regular file, too large, binary
/// or not UTF-8. Every file lint500 opens is read here.
pub(crate) fn read_source(path: &Path, max_size: u64) -> Result<String, SourceError> {
    let mut text = read_text(path, max_size)?;
    normalize_line_breaks(&mut text);
    Ok(text)
}

/// Reads a configuration file named on the command line.
pub(crate) fn read_named(path: &Path) -> Result<String, SourceError> {
    read_text(path, MAX_MANIFEST_SIZE)
}

/// Reads a configuration file or manifest that lint500 found by itself (not one named on the
/// command line): like [`read_source`], and a link is followed only to a file inside the
/// project, the enclosing git repository (or else the link's own folder).
pub(crate) fn read_discovered(path: &Path) -> Result<String, SourceError> {
    let unreadable = |err: std::io::Error| SourceError::Unreadable(err.to_string());
    if std::fs::symlink_metadata(path)
        .map_err(unreadable)?
        .is_symlink()
    {
        let target = path.canonicalize().map_err(unreadable)?;
        let folder = path.parent().unwrap_or(Path::new("."));
        let folder = folder.canonicalize().map_err(unreadable)?;
        let project = folder
            .ancestors()
            .find(|candidate| candidate.join(".git").exists())
            .unwrap_or(&folder);
        if !target.starts_with(project) {
            return Err(SourceError::LinksOutside(target));
        }
    }
    read_text(path, MAX_MANIFEST_SIZE)
}

/// The text of a regular file of at most `max_size` bytes, without a leading byte-order mark.
fn read_text(path: &Path, max_size: u64) -> Result<String, SourceError> {
    let unreadable = |err: std::io::Error| SourceError::Unreadable(err.to_string());
    // Opening a FIFO blocks until a writer comes: look before opening, without blocking on
    // open, and check the handle (the path may have changed in between).
    if !std::fs::metadata(path).map_err(unreadable)?.is_file() {
        return Err(SourceError::NotAFile);
    }
    let mut file = open_nonblocking(path).map_err(unreadable)?;
    let metadata = file.metadata().map_err(unreadable)?;
    if !metadata.is_file() {
        return Err(SourceError::NotAFile);
    }
    let size = metadata.len();
    if size > max_size {
        return Err(SourceError::TooLarge {
            size,
            limit: max_size,
        });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // Read one byte past the limit so a file that grew since the size check is still refused
    // (and a file whose size the system does not know, like those under /proc, is bounded).
    file.by_ref()
        .take(max_size.saturating_add(1))
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

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

/// Makes each carriage return that does not start a CRLF a line feed. JavaScript and Python
/// both end lines there, but tree-sitter counts rows by line feeds only; the byte length and
/// so every offset stay the same.
pub(crate) fn normalize_line_breaks(text: &mut String) {
    if !text.contains('\r') {
        return;
    }
    let mut bytes = std::mem::take(text).into_bytes();
    for at in 0..bytes.len() {
        if bytes[at] == b'\r' && bytes.get(at + 1) != Some(&b'\n') {
            bytes[at] = b'\n';
        }
    }
    *text = String::from_utf8(bytes).expect("replacing an ASCII byte by another keeps UTF-8");
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
