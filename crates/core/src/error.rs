//! The core's one error type: a stable machine code, a catalogue key for the message, and the
//! message's parameters. The UI receives [`ErrorDto`] (`{code, key, message, params}`) and
//! translates `errors.<key>` itself; the CLI prints [`Error::message`] in its language.

use crate::i18n::{t_fields, Arg, ArgText, Lang, Localized};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// Stable error codes. Scripts and the UI branch on these; never rename one.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    specta::Type,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ErrorCode {
    // Input that was read and rejected by a rule (CLI exit 1).
    MissingRequired,
    TooLong,
    InvalidDepartment,
    DepartmentExists,
    DuplicateDepartment,
    DepartmentNotFound,
    CyclicMove,
    DepartmentNotEmpty,
    MemberNotFound,
    InvalidUserid,
    DuplicateUserid,
    InvalidMobile,
    DuplicateMobile,
    InvalidEmail,
    DuplicateEmail,
    InvalidDate,
    InvalidValue,
    /// A control character (NUL …) in text.
    InvalidCharacter,
    NothingToUndo,
    NothingToRedo,
    MissingContact,
    BatchNotFound,
    RollbackConflict,
    RoleNotFound,
    DuplicateRole,
    UnknownPermission,
    SnapshotNotFound,
    SnapshotExists,
    TemplateNotFound,
    AppNotFound,
    TagNotFound,
    DuplicateTag,
    /// A plan the guards stopped (too many deletes, a value the platform refuses).
    PlanBlocked,
    /// The platform answered with an error code.
    PlatformRefused,
    /// No saved plan has that id.
    PlanNotFound,
    /// The live directory changed since the pull a plan was computed from.
    LiveChanged,
    // The operation could not run at all (CLI exit 2).
    FileNotFound,
    FileExists,
    NotAWorkspace,
    CorruptFile,
    NewerVersion,
    IoError,
    DatabaseError,
    HistoryConflict,
    NoWorkspaceOpen,
    InvalidArgument,
    UnreadableFile,
    /// An output path that must not be written (a workspace, a folder, the command's input).
    UnsafeOutput,
    /// No connection to the platform, or nothing pulled yet.
    NotConnected,
    /// The OS keyring could not be reached, or holds no secret for the connection.
    KeyringUnavailable,
    /// The platform's server could not be reached.
    PlatformUnreachable,
    Cancelled,
    Internal,
}

/// How much a finding of a check matters (least-privilege checks, export pre-flight …).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    specta::Type,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Whether the input was rejected by a rule or the operation could not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Rejected,
    Unusable,
}

impl ErrorCode {
    pub fn kind(self) -> ErrorKind {
        use ErrorCode::*;
        match self {
            FileNotFound | FileExists | NotAWorkspace | CorruptFile | NewerVersion | IoError
            | DatabaseError | HistoryConflict | NoWorkspaceOpen | InvalidArgument
            | UnreadableFile | UnsafeOutput | NotConnected | KeyringUnavailable
            | PlatformUnreachable | Cancelled | Internal => ErrorKind::Unusable,
            _ => ErrorKind::Rejected,
        }
    }

    /// The code as it is serialised (`cyclic_move`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct Error {
    pub code: ErrorCode,
    /// Key under `errors.` in the message catalogue.
    pub key: &'static str,
    pub params: Vec<(&'static str, Arg)>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: ErrorCode, key: &'static str) -> Self {
        Error {
            code,
            key,
            params: Vec::new(),
        }
    }

    /// Adds a message parameter. A `field` parameter holds a field code (`mobile`) and is
    /// shown by the field's name.
    pub fn with(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.params.push((name, Arg::Text(value.to_string())));
        self
    }

    /// Adds a parameter shown as the translation of catalogue `key`.
    pub fn with_key(mut self, name: &'static str, key: impl Into<String>) -> Self {
        self.params.push((name, Arg::Key(key.into())));
        self
    }

    /// Adds a parameter given in both languages (a name from a data file).
    pub fn with_localized(mut self, name: &'static str, text: &Localized) -> Self {
        self.params
            .push((name, Arg::Localized(Box::new(text.clone()))));
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.code.kind()
    }

    /// A parameter as given: the text, the catalogue key, or the Chinese of a localised one.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| match v {
                Arg::Text(s) | Arg::Key(s) => s.as_str(),
                Arg::Localized(l) => l.zh_cn.as_str(),
            })
    }

    /// The message in `lang`. A `field` parameter holds a field code and is shown by its name.
    pub fn message(&self, lang: Lang) -> String {
        t_fields(lang, &format!("errors.{}", self.key), &self.params)
    }

    pub fn to_dto(&self, lang: Lang) -> ErrorDto {
        ErrorDto {
            code: self.code,
            key: self.key.to_string(),
            message: self.message(lang),
            params: self
                .params
                .iter()
                .map(|(k, v)| (k.to_string(), v.text(lang).into_owned()))
                .collect(),
        }
    }

    /// An I/O error about `path`, worded by what happened (no permission, disk full, …) so the
    /// message says what to do.
    pub fn io(path: &std::path::Path, e: &std::io::Error) -> Self {
        use std::io::ErrorKind as K;
        let key = match e.kind() {
            K::NotFound => "io_not_found",
            K::PermissionDenied | K::ReadOnlyFilesystem => "io_permission",
            K::StorageFull | K::QuotaExceeded | K::FileTooLarge => "io_disk_full",
            _ => "io_error",
        };
        Error::new(ErrorCode::IoError, key)
            .with("path", path.display())
            .with("detail", e)
    }

    pub(crate) fn internal(detail: impl fmt::Display) -> Self {
        Error::new(ErrorCode::Internal, "internal").with("detail", detail)
    }

    pub fn invalid_value(field: &str, value: &str, allowed: &str) -> Self {
        Error::new(ErrorCode::InvalidValue, "value_invalid")
            .with("field", field)
            .with("value", value)
            .with("allowed", allowed)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::EnUs))
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        // A statement stopped on purpose (`Workspace::stop_reads_when`) is not a fault.
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted) {
            return Error::new(ErrorCode::Cancelled, "read_stopped");
        }
        Error::new(ErrorCode::DatabaseError, "database_error").with("detail", e)
    }
}

/// An error as the UI and `--json` output see it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ErrorDto {
    pub code: ErrorCode,
    pub key: String,
    pub message: String,
    pub params: BTreeMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_in_snake_case_and_have_a_kind() {
        assert_eq!(ErrorCode::CyclicMove.as_str(), "cyclic_move");
        assert_eq!(ErrorCode::CyclicMove.kind(), ErrorKind::Rejected);
        assert_eq!(ErrorCode::NewerVersion.kind(), ErrorKind::Unusable);
    }

    #[test]
    fn messages_are_rendered_from_the_catalogue() {
        let e =
            Error::new(ErrorCode::DepartmentNotFound, "department_not_found").with("path", "A/B");
        assert!(e.message(Lang::ZhCn).contains("找不到部门“A/B”"));
        assert!(e.to_string().contains("No department “A/B”"));
        let dto = e.to_dto(Lang::EnUs);
        assert_eq!(dto.params.get("path").map(String::as_str), Some("A/B"));
    }
}
