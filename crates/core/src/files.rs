//! Writing files safely: spreadsheet-injection neutralisation for CSV cells, and output that
//! appears only when complete (a failed or cancelled export leaves no half-written file).
//! Every module that writes a file the user chose goes through [`Staged`].

use crate::error::{Error, ErrorCode, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Characters that make a spreadsheet treat a CSV cell as a formula (OWASP CSV injection).
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A plain phone number (`+852 1234 5678`, `010-12345678`): starts with an optional `+` and a
/// digit, then only digits, spaces, dashes and brackets. Spreadsheets read it as a number or
/// text, never as a formula, and the API needs it as it is.
fn is_phone_like(s: &str) -> bool {
    let rest = s.strip_prefix('+').unwrap_or(s);
    rest.starts_with(|c: char| c.is_ascii_digit())
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'))
}

/// The CSV cell for `value`: a value starting with `=`, `+`, `-`, `@`, tab or carriage return
/// gets a leading `'` so spreadsheets show it as text instead of running it.
pub fn neutralise(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(TRIGGERS) && !is_phone_like(value) {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

/// Undoes [`neutralise`] on a value read back from a CSV file.
pub fn unneutralise(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(TRIGGERS) => rest,
        _ => value,
    }
}

/// An error of a writer (xlsx, csv) about `path`: worded by its cause when it is an I/O error.
pub(crate) fn io_error(path: &Path, e: impl std::fmt::Display + 'static) -> Error {
    let any: &dyn std::any::Any = &e;
    if let Some(io) = any.downcast_ref::<std::io::Error>() {
        return Error::io(path, io);
    }
    if let Some(rust_xlsxwriter::XlsxError::IoError(io)) = any.downcast_ref() {
        return Error::io(path, io);
    }
    if let Some(csv::ErrorKind::Io(io)) = any.downcast_ref::<csv::Error>().map(|e| e.kind()) {
        return Error::io(path, io);
    }
    Error::new(ErrorCode::IoError, "io_error")
        .with("path", path.display())
        .with("detail", e)
}

/// The folder `target` goes to, which must exist (checked before any long work starts).
pub fn folder_of(target: &Path) -> Result<&Path> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(Error::new(ErrorCode::FileNotFound, "export_folder_missing")
            .with("path", dir.display()));
    }
    Ok(dir)
}

/// A file being written next to its destination; it replaces the destination only on
/// [`Staged::finish`], and disappears if dropped before.
pub struct Staged {
    temp: tempfile::NamedTempFile,
    target: PathBuf,
}

impl Staged {
    pub fn new(target: &Path) -> Result<Staged> {
        let dir = folder_of(target)?;
        let mut builder = tempfile::Builder::new();
        builder.prefix(".orgdesk-").suffix(".part");
        // Readable like any file the user saves (temporary files default to owner-only).
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let temp = builder.tempfile_in(dir).map_err(|e| io_error(target, e))?;
        Ok(Staged {
            temp,
            target: target.to_path_buf(),
        })
    }

    /// Where to write.
    pub fn path(&self) -> &Path {
        self.temp.path()
    }

    pub fn writer(&mut self) -> &mut std::fs::File {
        self.temp.as_file_mut()
    }

    /// Moves the finished file into place (replacing an older one).
    pub fn finish(mut self) -> Result<()> {
        self.temp.flush().map_err(|e| io_error(&self.target, e))?;
        self.temp
            .persist(&self.target)
            .map_err(|e| Error::io(&self.target, &e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_triggers_are_neutralised_and_phones_are_not() {
        for (given, written) in [
            ("=1+1", "'=1+1"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("+85212345678", "+85212345678"),
            ("+86 138-0013-8000", "+86 138-0013-8000"),
            ("-", "'-"),
            ("张三", "张三"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(neutralise(given), written, "{given:?}");
            assert_eq!(unneutralise(&neutralise(given)), given);
        }
        assert_eq!(unneutralise("'abc"), "'abc");
    }
}
