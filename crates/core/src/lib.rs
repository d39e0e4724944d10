//! OrgDesk core: the workspace model, its storage and its rules. No UI, no Tauri.
//!
//! Everything goes through [`Workspace`]; every write is one transaction recorded in the audit
//! log and undoable (see [`history`]).

pub mod compare;
pub mod dataset;
pub mod db;
pub mod demo;
pub mod error;
pub mod exports;
pub mod files;
pub mod history;
pub mod i18n;
pub mod imports;
pub mod members;
pub mod org;
pub mod progress;
pub mod roles;
pub mod settings;
pub mod setup;
pub mod snapshots;
pub mod validate;
mod workspace;
pub mod xlsx;

pub use error::{Error, ErrorCode, ErrorDto, ErrorKind, Result};
pub use history::{Action, ActionState, AuditEntry, HistoryStatus, Source};
pub use i18n::Lang;
pub use members::{
    FieldKey, Gender, Member, MemberFields, MemberInput, MemberQuery, MemberSaved, MemberStatus,
};
pub use org::departments::{Department, DepartmentAdded, DepartmentRef};
pub use org::profile::{OrgProfile, Platform};
pub use workspace::migrate::{migrate, Migration};
pub use workspace::{Workspace, WorkspaceInfo};

/// The file extension of workspace files.
pub const WORKSPACE_EXTENSION: &str = "orgdesk";
