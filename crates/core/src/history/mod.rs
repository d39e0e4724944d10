//! The one mutation path. Every write to a workspace runs in an IMMEDIATE transaction handed out
//! as a [`Tx`], which only this module creates:
//!
//! - [`record`] (and [`record_bulk`] for imports): the transaction's row changes are recorded by
//!   a SQLite session as a changeset and the action is appended to the audit log with its source,
//!   target and before/after, so it can be undone ([`undo`]), redone and rolled back.
//! - [`unrecorded`]: the one path for writes that are deliberately not undoable — creating a
//!   workspace, filling a demo, saving or deleting a snapshot. They are logged as markers.
//!
//! Outside these two paths the connection is read-only (`PRAGMA query_only`), so a write that
//! bypasses them fails instead of going unaudited.

mod changeset;
mod record;
mod undo;

pub(crate) use changeset::{inserting_in_bulk, Bulk};
pub(crate) use record::{Decision, Recorder};

use crate::error::Result;
use rusqlite::{Connection, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::Path;

/// Where a change came from.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    specta::Type,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Source {
    Ui,
    Cli,
    Import,
    /// An operation applied to the platform's live directory.
    Platform,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// What an audit entry records; translated under `actions.` in the catalogues.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    specta::Type,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Action {
    // Markers: logged, not undoable.
    Init,
    DemoCreate,
    SnapshotSave,
    SnapshotDelete,
    Undo,
    Redo,
    Rollback,
    // Undoable actions.
    DepartmentAdd,
    DepartmentRename,
    DepartmentMove,
    DepartmentDelete,
    DepartmentSensitive,
    DepartmentVisibility,
    DepartmentCustomerFacing,
    MemberOffboard,
    LifecycleTick,
    MemberAdd,
    MemberUpdate,
    MemberDelete,
    Import,
    RoleAdd,
    RoleDelete,
    RoleGrant,
    RoleRevoke,
    RoleAssign,
    RoleUnassign,
    NeedSet,
    NeedUnset,
    SnapshotRestore,
    ProfileUpdate,
    CertificationSet,
    ChecklistTick,
    SecuritySet,
    DeviceAdd,
    DeviceDelete,
    DeviceEvent,
    HardwareImport,
    RankSet,
    ApprovalTemplateSave,
    ApprovalTemplateDelete,
    ApprovalRecordsImport,
    AppAdd,
    AppRemove,
    AppVisibility,
    ActivityImport,
    CustomersImport,
    OrdersImport,
    TagEdit,
    RfmApply,
    CustomerHandover,
    CampaignAdd,
    CampaignDelete,
    WelcomeSet,
    WelcomeDelete,
    Connect,
    Disconnect,
    Pull,
    /// A pull that failed: its calls kept in the API log (a marker).
    PullFailed,
    /// One operation of a plan applied to the platform (a marker: the platform is not undone).
    SyncApply,
}

impl Action {
    /// The code stored in the audit log (`department_add`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// What became of an undoable action.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    specta::Type,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ActionState {
    Done,
    /// Reverted by undo; redo applies it again.
    Undone,
    /// Undone, then replaced by a newer action (can no longer be redone).
    Discarded,
    /// An import batch reverted out of order (cannot be redone).
    RolledBack,
}

impl ActionState {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Tables whose changes are bookkeeping, not workspace content.
pub(crate) const UNTRACKED: &[&str] = &["audit_log", "snapshots", "sync_plans", "sync_journal"];

/// Whether `table` holds content: not the history itself, the snapshots, nor derived data (the
/// member search index, its tables all named `member_search…`).
pub(crate) fn tracked(table: &str) -> bool {
    !UNTRACKED.contains(&table) && !table.starts_with("member_search")
}

/// A write transaction of the mutation path. Only this module makes one, so a function that
/// takes `&Tx` can only run inside [`record`] or [`unrecorded`]: every domain write takes one.
/// It reads like a connection.
pub struct Tx<'c>(&'c Transaction<'c>);

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.0
    }
}

/// What a domain operation reports back to the mutation path.
pub(crate) struct Change<T> {
    pub value: T,
    pub target: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl<T> Change<T> {
    /// A change with a target and an `after` document only.
    pub(crate) fn after(value: T, target: impl Into<String>, after: Option<Value>) -> Change<T> {
        Change {
            value,
            target: target.into(),
            before: None,
            after,
        }
    }
}

/// One entry of the audit log.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AuditEntry {
    pub id: i64,
    /// UTC timestamp, RFC 3339.
    pub at: String,
    pub source: Source,
    pub actor: String,
    pub action: Action,
    pub target: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// Null for markers (undo, redo, init …).
    pub state: Option<ActionState>,
    /// For undo/redo/rollback markers: the action they reverted or re-applied.
    pub ref_id: Option<i64>,
}

/// The actions the next undo and redo would touch, for button labels.
#[derive(Debug, Clone, Serialize, specta::Type, Default)]
pub struct HistoryStatus {
    pub undo: Option<AuditEntry>,
    pub redo: Option<AuditEntry>,
}

pub(crate) fn now() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

fn actor() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default()
}

/// An open workspace database as the mutation path hands it out: reads through
/// [`Db::conn`] (a read-only connection), writes only through [`Db::record`] and its kin.
pub struct Db {
    conn: Connection,
    source: Source,
}

impl Db {
    /// Takes over `conn` (migrated) for changes coming from `source`.
    pub(crate) fn new(conn: Connection, source: Source) -> Result<Db> {
        conn.pragma_update(None, "query_only", true)?;
        Ok(Db { conn, source })
    }

    /// The connection, for reads: it refuses writes.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The connection's own settings (hooks), never for writing around the history.
    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Runs `f` in a write transaction that is neither audited nor undoable: for derived data
    /// only (the member search index), which a read may bring up to date, hence `&self`.
    pub(crate) fn derived<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        self.conn.pragma_update(None, "query_only", false)?;
        let done = (|| {
            let tx =
                Transaction::new_unchecked(&self.conn, rusqlite::TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })();
        self.conn.pragma_update(None, "query_only", true)?;
        done
    }

    /// Runs `f` in a write transaction that is neither audited nor undoable, for the
    /// bookkeeping of untracked tables only (a saved plan, the apply journal's marks).
    pub(crate) fn bookkeeping<T>(&mut self, f: impl FnOnce(&Tx) -> Result<T>) -> Result<T> {
        self.conn.pragma_update(None, "query_only", false)?;
        let done = (|| {
            let tx =
                Transaction::new_unchecked(&self.conn, rusqlite::TransactionBehavior::Immediate)?;
            let value = f(&Tx(&tx))?;
            tx.commit()?;
            Ok(value)
        })();
        self.conn.pragma_update(None, "query_only", true)?;
        done
    }

    pub(crate) fn source(&self) -> Source {
        self.source
    }

    /// Where `action` is recorded as coming from: a member import from the import (its file),
    /// whoever started it; anything else from this connection's source.
    fn source_of(&self, action: Action) -> Source {
        match action {
            Action::Import => Source::Import,
            Action::SyncApply => Source::Platform,
            _ => self.source,
        }
    }

    /// Runs `f` in one transaction, records its row changes and logs it as an undoable action.
    /// When `f` fails nothing is written. When it changes nothing, nothing is logged.
    pub(crate) fn record<T>(
        &mut self,
        action: Action,
        f: impl FnOnce(&Tx) -> Result<Change<T>>,
    ) -> Result<T> {
        self.record_bulk(action, |tx, _| f(tx))
            .map(|(value, _)| value)
    }

    /// [`Db::record`] for an action that writes many new rows: `f` may pause the session and
    /// list what it inserted meanwhile (see [`Recorder`]). Also returns the audit entry's id
    /// (None when nothing changed).
    pub(crate) fn record_bulk<T>(
        &mut self,
        action: Action,
        f: impl FnOnce(&Tx, &mut Recorder) -> Result<Change<T>>,
    ) -> Result<(T, Option<i64>)> {
        let recorded = self
            .record_or_roll_back::<T, std::convert::Infallible>(action, |tx, r| {
                f(tx, r).map(Decision::Commit)
            })?;
        match recorded {
            Ok(done) => Ok(done),
            Err(never) => match never {},
        }
    }

    /// [`Db::record_bulk`] for work that decides on the way whether to keep what it wrote:
    /// [`Decision::RollBack`] leaves the workspace as it was and hands its value back as `Err`.
    pub(crate) fn record_or_roll_back<T, R>(
        &mut self,
        action: Action,
        f: impl FnOnce(&Tx, &mut Recorder) -> Result<Decision<T, R>>,
    ) -> Result<std::result::Result<(T, Option<i64>), R>> {
        let source = self.source_of(action);
        record::record(&mut self.conn, source, action, f)
    }

    /// [`Db::record`] for an action that replaces the whole content (a snapshot restore) with
    /// that of the workspace file at `path`, attached as `alias` for `f` to read from (detached
    /// again whatever happens). Instead of a session's changeset, the action keeps the content it
    /// replaced, and undo and redo replace the content again in bulk, as fast as `f` did.
    pub(crate) fn record_replacing<T>(
        &mut self,
        action: Action,
        path: &Path,
        alias: &str,
        f: impl FnOnce(&Tx) -> Result<Change<T>>,
    ) -> Result<T> {
        self.conn.execute(
            "ATTACH DATABASE ?1 AS ?2",
            rusqlite::params![path.to_string_lossy(), alias],
        )?;
        let source = self.source_of(action);
        let done = record::record_replacing(&mut self.conn, source, action, f);
        let detached = self
            .conn
            .execute(&format!("DETACH DATABASE \"{alias}\""), []);
        let value = done?;
        detached?;
        Ok(value)
    }

    /// The one path for writes that are deliberately not undoable: creating a workspace, filling
    /// a demo into a new one, saving or deleting a snapshot (a table the history does not
    /// track). `f` runs in one transaction, logged as the marker `action` (no changeset, no
    /// state). Only for new workspaces and untracked tables: a change to tracked content made
    /// here could not be undone and would make older actions' undo conflict.
    pub(crate) fn unrecorded<T>(
        &mut self,
        action: Action,
        f: impl FnOnce(&Tx) -> Result<Change<T>>,
    ) -> Result<T> {
        let source = self.source_of(action);
        record::unrecorded(&mut self.conn, source, action, f)
    }

    /// Reverts the most recent action that is not undone yet; returns it.
    pub(crate) fn undo(&mut self) -> Result<AuditEntry> {
        undo::undo(&mut self.conn, self.source)
    }

    /// Re-applies the most recently undone action; returns it.
    pub(crate) fn redo(&mut self) -> Result<AuditEntry> {
        undo::redo(&mut self.conn, self.source)
    }

    /// Reverts action `id` even when later actions exist, provided they did not touch the rows
    /// it wrote (an import batch).
    pub(crate) fn rollback(&mut self, id: i64) -> Result<()> {
        undo::rollback(&mut self.conn, self.source, id)
    }

    /// The audit log, newest first; only entries of `action` when given.
    pub(crate) fn log(
        &self,
        action: Option<Action>,
        limit: Option<u32>,
    ) -> Result<Vec<AuditEntry>> {
        undo::log(&self.conn, action, limit)
    }

    /// What the next undo and redo would touch.
    pub(crate) fn status(&self) -> Result<HistoryStatus> {
        undo::status(&self.conn)
    }

    /// The raw connection, for tests that must damage or inspect a workspace behind the core's
    /// back. Not part of the API the app and the CLI see (feature `test-support`).
    #[cfg(feature = "test-support")]
    pub fn raw(&self) -> &Connection {
        &self.conn
    }
}
