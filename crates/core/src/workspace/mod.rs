//! [`Workspace`]: one open `.orgdesk` file and every operation on it — the façade on top of the
//! domain modules. The CLI and the app call these methods and nothing else, so both behave the
//! same. Domain modules never see a `Workspace`: they take a read-only connection for reads and
//! a [`crate::history::Tx`] for writes, which this façade obtains from the one mutation path
//! ([`Db`]). One file per domain.

mod approvals;
mod apps;
mod compare;
mod customers;
mod demo;
mod exports;
mod health;
mod imports;
mod lifecycle;
mod members;
pub mod migrate;
mod org;
mod roles;
mod setup;
mod snapshots;
mod sync;

use crate::db;
use crate::error::Result;
use crate::history::{Action, AuditEntry, Change, Db, HistoryStatus, Source};
use crate::org::profile::{self, OrgProfile, Platform};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub struct Workspace {
    db: Db,
    path: Option<PathBuf>,
}

/// What the app shows about the open workspace.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct WorkspaceInfo {
    pub path: Option<String>,
    pub profile: OrgProfile,
    pub schema_version: u32,
}

impl Workspace {
    /// Creates a new workspace file; refuses to overwrite an existing one.
    pub fn create(
        path: &Path,
        name: &str,
        platform: Platform,
        source: Source,
    ) -> Result<Workspace> {
        // `db::create` refuses an existing file; what it made is removed if initialising fails.
        let conn = db::create(path, db::latest_version())?;
        let made = Db::new(conn, source).and_then(|db| {
            let mut ws = Workspace {
                db,
                path: Some(path.to_path_buf()),
            };
            ws.initialise(name, platform)?;
            Ok(ws)
        });
        if made.is_err() {
            db::remove_with_sidecars(path);
        }
        made
    }

    /// An in-memory workspace built by the real migrations (tests, migrations of files).
    pub fn in_memory(name: &str, platform: Platform) -> Result<Workspace> {
        let mut ws = Workspace {
            db: Db::new(db::in_memory()?, Source::Cli)?,
            path: None,
        };
        ws.initialise(name, platform)?;
        Ok(ws)
    }

    fn initialise(&mut self, name: &str, platform: Platform) -> Result<()> {
        let name =
            crate::validate::clean(name).unwrap_or_else(|| default_name(self.path.as_deref()));
        self.db.unrecorded(Action::Init, |tx| {
            profile::insert(tx, &name, platform)?;
            Ok(Change::after(
                (),
                name.clone(),
                Some(serde_json::json!({ "name": name, "platform": platform })),
            ))
        })
    }

    /// Opens an existing workspace file, upgrading an older schema.
    pub fn open(path: &Path, source: Source) -> Result<Workspace> {
        Ok(Workspace {
            db: Db::new(db::open(path)?, source)?,
            path: Some(path.to_path_buf()),
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Stops every SQL statement on this connection, with a [`ErrorCode::Cancelled`] error, while
    /// `stop` is set: another thread can then call off a long read (the checklist: seconds at a
    /// million members) that nobody waits for any more. The flag is looked at every thousand
    /// steps of a statement.
    ///
    /// [`ErrorCode::Cancelled`]: crate::ErrorCode::Cancelled
    pub fn stop_reads_when(&mut self, stop: Arc<AtomicBool>) -> Result<()> {
        self.db
            .conn_mut()
            .progress_handler(1000, Some(move || stop.load(Ordering::SeqCst)))?;
        Ok(())
    }

    /// A number that changes whenever another connection commits to this workspace's file
    /// (SQLite's `PRAGMA data_version`): a reader keys cached results on it.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .db
            .conn()
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    pub fn source(&self) -> Source {
        self.db.source()
    }

    /// The raw connection, for tests that must damage or inspect a workspace behind the core's
    /// back (feature `test-support`; the app and the CLI never see it).
    #[cfg(feature = "test-support")]
    pub fn raw_connection(&self) -> &rusqlite::Connection {
        self.db.raw()
    }

    /// Runs `sql` on the raw connection, past the read-only guard (feature `test-support`).
    #[cfg(feature = "test-support")]
    pub fn raw_execute(&self, sql: &str) -> rusqlite::Result<()> {
        let conn = self.db.raw();
        conn.pragma_update(None, "query_only", false)?;
        let done = conn.execute_batch(sql);
        conn.pragma_update(None, "query_only", true)?;
        done
    }

    pub fn info(&self) -> Result<WorkspaceInfo> {
        Ok(WorkspaceInfo {
            path: self.path.as_ref().map(|p| p.display().to_string()),
            profile: self.profile()?,
            schema_version: self
                .db
                .conn()
                .pragma_query_value(None, "user_version", |r| r.get(0))?,
        })
    }

    pub fn profile(&self) -> Result<OrgProfile> {
        profile::load(self.db.conn())
    }

    // ----- history -----

    /// Reverts the last action; returns it.
    pub fn undo(&mut self) -> Result<AuditEntry> {
        self.db.undo()
    }

    /// Re-applies the last undone action; returns it.
    pub fn redo(&mut self) -> Result<AuditEntry> {
        self.db.redo()
    }

    /// The audit log, newest first.
    pub fn log(&self, limit: Option<u32>) -> Result<Vec<AuditEntry>> {
        self.db.log(None, limit)
    }

    pub fn history(&self) -> Result<HistoryStatus> {
        self.db.status()
    }
}

fn default_name(path: Option<&Path>) -> String {
    path.and_then(|p| p.file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "OrgDesk".to_string())
}

/// The name of a file as messages show it (`staff.xlsx`).
fn file_name(file: &std::path::Path) -> String {
    file.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
