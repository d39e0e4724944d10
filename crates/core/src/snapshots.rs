//! Named snapshots of a workspace, kept inside its file (they travel with it). A snapshot is a
//! copy of the whole database taken with SQLite's online backup, so it is consistent even while
//! another connection writes. Restoring replaces every content table in one recorded
//! transaction: atomic, and undoable like any other action. Also: "Save a copy as…".

use crate::error::{Error, ErrorCode, Result};
use crate::history::{self, tracked, Change, Tx};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::path::Path;

/// The snapshot a demo workspace starts from (what "reset" restores).
pub const INITIAL: &str = "initial";

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct SnapshotInfo {
    pub id: i64,
    pub name: String,
    pub kind: SnapshotKind,
    pub created_at: String,
    pub members: u32,
    pub departments: u32,
}

/// Copies the whole database behind `src` into a new file at `dest` in one backup step (one
/// read transaction: a consistent state whatever other connections do meanwhile).
fn backup_to(src: &Connection, dest: &Path) -> Result<Connection> {
    let mut out = Connection::open(dest)?;
    {
        let backup = Backup::new(src, &mut out)?;
        // All pages in one step; a writer holding a lock makes the step retry, not fail.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More | StepResult::Busy | StepResult::Locked
                    if std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(20))
                }
                _ => return Err(Error::new(ErrorCode::DatabaseError, "snapshot_locked")),
            }
        }
    }
    Ok(out)
}

/// A temporary workspace file in `dir` (the system's temporary folder when None); what killed
/// processes left there before is swept first.
fn temp_in(dir: Option<&Path>) -> Result<tempfile::NamedTempFile> {
    let temp = std::env::temp_dir();
    let dir = dir.unwrap_or(&temp);
    crate::files::temp_file(dir, ".orgdesk", false).map_err(|e| crate::Error::io(dir, &e))
}

fn counts(conn: &Connection) -> Result<(u32, u32)> {
    Ok(conn.query_row(
        "SELECT (SELECT count(*) FROM members), (SELECT count(*) FROM departments)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

fn not_found(name: &str) -> Error {
    Error::new(ErrorCode::SnapshotNotFound, "snapshot_not_found").with("name", name)
}

/// Finds a snapshot by name, or by `#id`.
fn find(conn: &Connection, name: &str) -> Result<SnapshotInfo> {
    let by_id = name.strip_prefix('#').and_then(|n| n.parse::<i64>().ok());
    conn.query_row(
        "SELECT id, name, kind, created_at, members, departments FROM snapshots
         WHERE name = ?1 OR id = ?2",
        params![name, by_id],
        info,
    )
    .optional()?
    .ok_or_else(|| not_found(name))
}

fn info(r: &rusqlite::Row) -> rusqlite::Result<SnapshotInfo> {
    Ok(SnapshotInfo {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: r
            .get::<_, String>(2)?
            .parse()
            .unwrap_or(SnapshotKind::Manual),
        created_at: r.get(3)?,
        members: r.get(4)?,
        departments: r.get(5)?,
    })
}

/// What a snapshot is: one saved by hand, or the state a demo workspace started from.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    specta::Type,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SnapshotKind {
    Manual,
    Initial,
}

impl SnapshotKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

pub(crate) fn list(conn: &Connection) -> Result<Vec<SnapshotInfo>> {
    let mut stmt = conn.prepare(
        "SELECT id, name, kind, created_at, members, departments FROM snapshots ORDER BY id DESC",
    )?;
    let rows = stmt.query_map([], info)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A copy of the workspace's content, taken to be stored as a snapshot.
pub(crate) struct Taken {
    name: String,
    data: Vec<u8>,
    members: u32,
    departments: u32,
}

/// Takes a copy of the workspace behind `conn` to store as snapshot `name` (checked: not
/// empty, not taken). Reads only.
pub(crate) fn take(conn: &Connection, name: &str) -> Result<Taken> {
    let name = crate::validate::clean(name)
        .ok_or_else(|| Error::new(ErrorCode::MissingRequired, "snapshot_name_empty"))?;
    if find(conn, &name).is_ok() {
        return Err(Error::new(ErrorCode::SnapshotExists, "snapshot_exists").with("name", &name));
    }
    let temp = temp_in(None)?;
    let copy = backup_to(conn, temp.path())?;
    // The copy keeps content only: no snapshots inside snapshots, no history.
    copy.execute_batch("DELETE FROM snapshots; DELETE FROM audit_log; VACUUM;")?;
    let (members, departments) = counts(&copy)?;
    drop(copy);
    let data = std::fs::read(temp.path()).map_err(|e| Error::io(temp.path(), &e))?;
    Ok(Taken {
        name,
        data,
        members,
        departments,
    })
}

/// Stores a copy taken by [`take`] (the snapshots table is not tracked by the history).
pub(crate) fn insert(tx: &Tx, taken: Taken, kind: SnapshotKind) -> Result<Change<SnapshotInfo>> {
    tx.execute(
        "INSERT INTO snapshots (name, kind, created_at, members, departments, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            taken.name,
            kind.as_str(),
            history::now(),
            taken.members,
            taken.departments,
            taken.data
        ],
    )?;
    let saved = find(tx, &format!("#{}", tx.last_insert_rowid()))?;
    Ok(Change::after(saved.clone(), saved.name.clone(), None))
}

pub(crate) fn delete(tx: &Tx, name: &str) -> Result<Change<SnapshotInfo>> {
    let found = find(tx, name)?;
    tx.execute("DELETE FROM snapshots WHERE id = ?1", [found.id])?;
    Ok(Change::after(found.clone(), found.name.clone(), None))
}

/// The tables that hold workspace content (everything the history tracks) and their columns.
fn content_tables(conn: &Connection) -> Result<Vec<(String, Vec<String>)>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )?;
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for name in names.into_iter().filter(|n| tracked(n)) {
        let mut cols = conn.prepare(&format!("SELECT name FROM pragma_table_info('{name}')"))?;
        let columns: Vec<String> = cols
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        out.push((name, columns));
    }
    Ok(out)
}

/// Snapshot `name` written out as a workspace file of its own (checked, and upgraded when an
/// older version took it), to be attached as [`ATTACHED`] while it is restored.
pub(crate) fn extract(
    conn: &Connection,
    name: &str,
) -> Result<(SnapshotInfo, tempfile::NamedTempFile)> {
    let found = find(conn, name)?;
    let data: Vec<u8> = conn.query_row(
        "SELECT data FROM snapshots WHERE id = ?1",
        [found.id],
        |r| r.get(0),
    )?;
    let temp = temp_in(None)?;
    std::fs::write(temp.path(), &data).map_err(|e| Error::io(temp.path(), &e))?;
    // Checked (and upgraded when an older version took it) as any workspace; a damaged one is
    // named by its name, not by the temporary file.
    if let Err(e) = crate::db::open(temp.path()) {
        return Err(match e.code {
            ErrorCode::IoError => e,
            _ => Error::new(ErrorCode::CorruptFile, "snapshot_damaged").with("name", &found.name),
        });
    }
    Ok((found, temp))
}

/// The schema name a snapshot being restored is attached under.
pub(crate) const ATTACHED: &str = "snap";

/// Replaces every content table with the attached snapshot's (see [`extract`]).
pub(crate) fn restore(tx: &Tx, found: &SnapshotInfo) -> Result<Change<()>> {
    let tables = content_tables(tx)?;
    tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
    // Foreign keys are checked at commit, so the order of the tables does not matter.
    for (table, _) in &tables {
        tx.execute(&format!("DELETE FROM main.\"{table}\""), [])?;
    }
    for (table, columns) in &tables {
        let cols = columns
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        tx.execute(
            &format!(
                "INSERT INTO main.\"{table}\" ({cols}) SELECT {cols} FROM {ATTACHED}.\"{table}\""
            ),
            [],
        )?;
    }
    Ok(Change::after(
        (),
        found.name.clone(),
        Some(serde_json::json!({ "snapshot": found.id })),
    ))
}

/// Writes a consistent copy of the workspace to `dest`; the file appears only when complete.
pub(crate) fn save_copy(conn: &Connection, dest: &Path) -> Result<()> {
    let dir = crate::files::output_folder(dest)?;
    let temp = temp_in(Some(dir))?;
    let copy = backup_to(conn, temp.path())?;
    // A self-contained file: everything in the main file, nothing left in a -wal.
    copy.pragma_update(None, "journal_mode", "DELETE")?;
    drop(copy);
    temp.persist(dest)
        .map_err(|e| crate::Error::io(dest, &e.error))?;
    Ok(())
}
