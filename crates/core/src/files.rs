//! Writing files safely: spreadsheet-injection neutralisation for CSV cells, and output that
//! appears only when complete (a failed or cancelled export leaves no half-written file).
//! Every module that writes a file the user chose goes through [`Staged`].

use crate::error::{Error, ErrorCode, Result};
use std::io::{Read, Write};
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

/// The folder `target` goes to, which must exist, and `target` checked as an output
/// ([`check_output`]): called before any long work starts.
pub fn output_folder(target: &Path) -> Result<&Path> {
    let dir = folder_of(target)?;
    check_output(target)?;
    Ok(dir)
}

/// The folder `target` goes to, which must exist.
fn folder_of(target: &Path) -> Result<&Path> {
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

/// Whether `path` is an OrgDesk workspace: a SQLite file with the workspace application id (read
/// through links), or the journal of one (`W.orgdesk-wal` …).
pub fn is_workspace(path: &Path) -> bool {
    let mut header = [0u8; 72];
    let read = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut header));
    if read.is_ok()
        && header.starts_with(b"SQLite format 3\0")
        && i32::from_be_bytes([header[68], header[69], header[70], header[71]])
            == crate::db::APPLICATION_ID
    {
        return true;
    }
    let name = path.as_os_str().to_string_lossy();
    ["-wal", "-shm", "-journal"].iter().any(|suffix| {
        name.strip_suffix(suffix)
            .is_some_and(|main| is_workspace(Path::new(main)))
    })
}

/// Refuses to write `target` when it is a folder or an OrgDesk workspace (writing there would
/// destroy it), before any long work starts.
pub fn check_output(target: &Path) -> Result<()> {
    if target.is_dir() {
        return Err(
            Error::new(ErrorCode::UnsafeOutput, "output_is_folder").with("path", target.display())
        );
    }
    if is_workspace(target) {
        return Err(Error::new(ErrorCode::UnsafeOutput, "output_is_workspace")
            .with("path", target.display()));
    }
    Ok(())
}

/// Refuses to write `target` over `input`, a file the same command reads.
pub fn check_not_input(target: &Path, input: &Path) -> Result<()> {
    let same = match (target.canonicalize(), input.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(
            Error::new(ErrorCode::UnsafeOutput, "output_is_input").with("path", target.display())
        );
    }
    Ok(())
}

/// The prefix of every temporary file OrgDesk makes (finished outputs, snapshot copies).
pub(crate) const TEMP_PREFIX: &str = ".orgdesk-";

/// How old a temporary file of OrgDesk's must be to be taken for one a killed process left.
const STALE: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Removes what killed OrgDesk processes left in `dir`: temporary files of ours (`.orgdesk-*`
/// ending with `suffix`) whose process is gone (the name carries its id; Linux), or older than
/// ten minutes (no write takes that long).
pub(crate) fn sweep(dir: &Path, suffix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Some(rest) = name.strip_prefix(TEMP_PREFIX) else {
            continue;
        };
        if !name.ends_with(suffix) {
            continue;
        }
        let owner_gone = rest
            .split('-')
            .next()
            .and_then(|pid| pid.parse::<u32>().ok())
            .is_some_and(process_gone);
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE);
        if owner_gone || old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether process `pid` no longer runs (known on Linux only; elsewhere the age decides).
fn process_gone(pid: u32) -> bool {
    cfg!(target_os = "linux")
        && pid != std::process::id()
        && !Path::new("/proc").join(pid.to_string()).exists()
}

/// A new temporary file of ours in `dir`, named `.orgdesk-<process id>-…<suffix>` so that
/// [`sweep`] knows whose it is (after sweeping what killed processes left there). `shared`:
/// readable like any file the user saves (temporary files default to owner-only).
pub(crate) fn temp_file(
    dir: &Path,
    suffix: &str,
    shared: bool,
) -> std::io::Result<tempfile::NamedTempFile> {
    sweep(dir, suffix);
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(suffix);
    #[cfg(unix)]
    if shared {
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    }
    #[cfg(not(unix))]
    let _ = shared;
    builder.tempfile_in(dir)
}

/// A file being written next to its destination; it replaces the destination only on
/// [`Staged::finish`] (or [`finish_all`]), and disappears if dropped before. The destination is
/// checked first ([`check_output`]).
pub struct Staged {
    temp: tempfile::NamedTempFile,
    target: PathBuf,
}

impl Staged {
    pub fn new(target: &Path) -> Result<Staged> {
        let dir = output_folder(target)?;
        let temp = temp_file(dir, ".part", true).map_err(|e| io_error(target, e))?;
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
    pub fn finish(self) -> Result<()> {
        finish_all(vec![self])
    }
}

/// Moves finished files into place together: every destination is checked again first (it may
/// have become a folder or a workspace meanwhile), so that they all appear or none does.
pub fn finish_all(staged: Vec<Staged>) -> Result<()> {
    for s in &staged {
        check_output(&s.target)?;
    }
    let mut files = Vec::with_capacity(staged.len());
    for mut s in staged {
        s.temp.flush().map_err(|e| io_error(&s.target, e))?;
        s.temp
            .as_file()
            .sync_all()
            .map_err(|e| io_error(&s.target, e))?;
        files.push(s);
    }
    for s in files {
        let target = s.target;
        s.temp
            .persist(&target)
            .map_err(|e| Error::io(&target, &e.error))?;
    }
    Ok(())
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

    #[test]
    fn what_killed_writers_left_is_swept_and_what_others_write_stays() {
        let dir = tempfile::TempDir::new().unwrap();
        let old = dir.path().join(".orgdesk-killed.part");
        let fresh = dir.path().join(".orgdesk-writing.part");
        let mine = dir.path().join("report.part");
        // Fresh, but its process is gone (no process has that id): swept too (Linux).
        let orphan = dir.path().join(".orgdesk-999999999-abc.part");
        let running = dir
            .path()
            .join(format!(".orgdesk-{}-abc.part", std::process::id()));
        for p in [&old, &fresh, &mine, &orphan, &running] {
            std::fs::write(p, "x").unwrap();
        }
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for p in [&old, &mine] {
            std::fs::File::options()
                .write(true)
                .open(p)
                .unwrap()
                .set_modified(hour_ago)
                .unwrap();
        }
        let staged = Staged::new(&dir.path().join("out.xlsx")).unwrap();
        assert!(!old.exists(), "a stale temporary file of ours is removed");
        assert!(fresh.exists() && mine.exists(), "others' files stay");
        assert_eq!(orphan.exists(), !cfg!(target_os = "linux"));
        assert!(running.exists(), "a running process's file stays");
        std::fs::remove_file(&running).unwrap();
        drop(staged);
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".part") && n.starts_with(TEMP_PREFIX))
            .collect();
        assert_eq!(
            left,
            [".orgdesk-writing.part"],
            "a dropped file leaves nothing"
        );
    }

    #[test]
    fn several_files_appear_together_or_not_at_all() {
        let dir = tempfile::TempDir::new().unwrap();
        let a = dir.path().join("a.csv");
        let b = dir.path().join("b.csv");
        let mut staged = vec![Staged::new(&a).unwrap(), Staged::new(&b).unwrap()];
        for s in &mut staged {
            s.writer().write_all(b"new").unwrap();
        }
        // The second destination became a folder meanwhile: neither file appears.
        std::fs::create_dir(&b).unwrap();
        assert_eq!(finish_all(staged).unwrap_err().key, "output_is_folder");
        assert!(!a.exists());
    }
}
