//! The workspace file: one SQLite database with numbered migrations.
//!
//! Files are marked with an application id so that any other SQLite file (or anything else) is
//! refused before a single byte is written; a file written by a newer schema is refused too.

use crate::error::{Error, ErrorCode, Result};
use rusqlite::{params, Connection, OpenFlags, Transaction, TransactionBehavior};
use std::fs::OpenOptions;
use std::io::Read;
use std::path::Path;

/// `PRAGMA application_id` of every workspace file ("ORGD").
pub const APPLICATION_ID: i32 = 0x4F52_4744;

/// A numbered migration: SQL, then an optional step in code (e.g. seeding data from assets/).
struct Migration {
    sql: &'static str,
    seed: Option<fn(&rusqlite::Transaction) -> Result<()>>,
}

/// Numbered migrations, applied in order; a file's `user_version` is the last one applied.
const MIGRATIONS: &[Migration] = &[
    Migration {
        sql: include_str!("../migrations/0001_init.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("../migrations/0002_audit_log.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("../migrations/0003_audit_rollback.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("../migrations/0004_roles.sql"),
        seed: Some(seed_builtin_roles),
    },
    Migration {
        sql: include_str!("../migrations/0005_needs.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("../migrations/0006_snapshots.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("../migrations/0007_setup.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("../migrations/0008_deferred_inserts.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("../migrations/0009_foreign_key_indexes.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("../migrations/0010_described_inserts.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("../migrations/0011_member_search.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("../migrations/0012_department_visibility.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("../migrations/0013_lifecycle.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("../migrations/0014_apps_approvals.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("../migrations/0015_activity.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("../migrations/0016_customers.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("../migrations/0017_campaigns.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("../migrations/0018_welcome.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("../migrations/0019_platform.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("../migrations/0020_sync_apply.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("../migrations/0021_member_order.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("../migrations/0022_extra_links.sql"),
        seed: None,
    },
];

/// Seeds the built-in roles from the catalogue (migration 4).
pub(crate) fn seed_builtin_roles(tx: &Transaction) -> Result<()> {
    let c = crate::permissions::catalogue();
    for (order, role) in c.builtin_roles.iter().enumerate() {
        tx.execute(
            "INSERT INTO roles (key, level, everyone, sort_order) VALUES (?1, ?2, ?3, ?4)",
            params![role.key, role.level, role.everyone, order as i64],
        )?;
        let id = tx.last_insert_rowid();
        for g in &role.grants {
            let keys: Vec<&str> = if g.permission == "*" {
                c.keys()
            } else {
                vec![g.permission.as_str()]
            };
            for k in keys {
                tx.execute(
                    "INSERT INTO role_grants (role_id, permission, scope) VALUES (?1, ?2, ?3)",
                    params![id, k, g.scope],
                )?;
            }
        }
    }
    Ok(())
}

/// The schema version this build writes.
pub fn latest_version() -> u32 {
    MIGRATIONS.len() as u32
}

/// Read-write on an existing file. A `Connection` is never shared between threads, so SQLite's
/// per-call locking is left out (rusqlite's default too; it costs a mutex on every step).
fn open_flags() -> OpenFlags {
    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // 32 MB of page cache (pages are allocated as needed): large imports stay in memory.
    conn.pragma_update(None, "cache_size", -32768)?;
    Ok(())
}

/// Applies the migrations after the file's version up to `target`, in one transaction.
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<()> {
    let current: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current >= target {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for m in &MIGRATIONS[current as usize..target as usize] {
        tx.execute_batch(m.sql)?;
        if let Some(seed) = m.seed {
            seed(&tx)?;
        }
    }
    tx.pragma_update(None, "user_version", target)?;
    tx.commit()?;
    Ok(())
}

/// Creates a new, empty workspace file at `path` at schema version `version` (the latest unless
/// a test builds an older file). Refuses an existing file; removes a half-made one on failure.
pub fn create(path: &Path, version: u32) -> Result<Connection> {
    // `create_new` claims the path atomically, so a file that appeared meanwhile is never reused.
    match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(
                Error::new(ErrorCode::FileExists, "file_exists").with("path", path.display())
            );
        }
        Err(e) => return Err(Error::io(path, &e)),
    }
    let made = (|| {
        let mut conn = Connection::open_with_flags(path, open_flags())?;
        // 16 KiB pages (SQLite's default is 4 KiB): a large import or its undo changeset writes a
        // quarter as many pages, and a small workspace hardly grows. Only new files; an existing
        // file keeps its page size.
        conn.pragma_update(None, "page_size", 16384)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        configure(&conn)?;
        migrate_to(&mut conn, version)?;
        Ok(conn)
    })();
    if made.is_err() {
        remove_with_sidecars(path);
    }
    made
}

/// Opens an existing workspace, upgrading an older schema in one transaction.
pub fn open(path: &Path) -> Result<Connection> {
    let mut conn = open_checked(path)?;
    configure(&conn).map_err(|e| cannot_write(path, e))?;
    let found: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| corrupt(path, e))?;
    // The migrations run in one transaction: when the tables do not match the version the file
    // claims (a version lowered or raised by another program), nothing is changed.
    migrate_to(&mut conn, latest_version()).map_err(|e| match e.code {
        ErrorCode::DatabaseError => Error::new(ErrorCode::CorruptFile, "schema_mismatch")
            .with("path", path.display())
            .with("found", found),
        _ => e,
    })?;
    Ok(conn)
}

/// Why setting up a workspace that opened failed: SQLite keeps its journal next to the file, so
/// a read-only file or folder shows here.
fn cannot_write(path: &Path, e: Error) -> Error {
    let detail = e.param("detail").unwrap_or_default().to_ascii_lowercase();
    if detail.contains("readonly") || detail.contains("unable to open") {
        Error::new(ErrorCode::IoError, "workspace_read_only").with("path", path.display())
    } else {
        corrupt(path, e.message(crate::Lang::EnUs))
    }
}

/// Opens `path` and checks that it is a workspace this build can use, without writing anything.
fn open_checked(path: &Path) -> Result<Connection> {
    if path.is_dir() {
        return Err(not_a_workspace(path, "not_a_workspace_folder"));
    }
    let mut header = [0u8; 16];
    let read = std::fs::File::open(path).and_then(|mut f| {
        let mut n = 0;
        while n < header.len() {
            match f.read(&mut header[n..])? {
                0 => break,
                k => n += k,
            }
        }
        Ok(n)
    });
    let n = match read {
        Ok(n) => n,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(
                Error::new(ErrorCode::FileNotFound, "file_not_found").with("path", path.display())
            );
        }
        Err(e) => return Err(Error::io(path, &e)),
    };
    if n == 0 {
        return Err(not_a_workspace(path, "not_a_workspace_empty"));
    }
    if n < 16 || &header != b"SQLite format 3\0" {
        return Err(not_a_workspace(path, "not_a_workspace_not_sqlite"));
    }
    let conn = Connection::open_with_flags(path, open_flags()).map_err(|e| corrupt(path, e))?;
    let app_id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(|e| corrupt(path, e))?;
    if app_id != APPLICATION_ID {
        return Err(not_a_workspace(path, "not_a_workspace_other_database"));
    }
    let version: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| corrupt(path, e))?;
    if version > latest_version() {
        return Err(Error::new(ErrorCode::NewerVersion, "newer_version")
            .with("path", path.display())
            .with("found", version)
            .with("supported", latest_version()));
    }
    // Reading the schema touches every page header the migrations will need.
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(|e| corrupt(path, e))?;
    Ok(conn)
}

fn not_a_workspace(path: &Path, key: &'static str) -> Error {
    Error::new(ErrorCode::NotAWorkspace, key).with("path", path.display())
}

fn corrupt(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::CorruptFile, "corrupt_file")
        .with("path", path.display())
        .with("detail", e)
}

/// Drops the secondary indexes of `tables` (inside the caller's transaction) and returns the
/// statements that build them again: writing or deleting many rows and then building each index
/// with one sort is much faster than updating it row by row. Before deleting, pass `deleting`:
/// indexes led by a foreign-key column stay, as deleting a row looks up the rows pointing at it
/// through them (without, every delete would scan the table). For members, the search index's
/// triggers go too (the whole index is brought up to date at the next search instead).
pub(crate) fn drop_indexes(
    conn: &Connection,
    tables: &[&str],
    deleting: bool,
) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT s.name, s.sql FROM sqlite_schema s WHERE s.type = 'index' AND s.sql IS NOT NULL
         AND s.tbl_name IN (SELECT value FROM json_each(?1))
         AND NOT (?2 AND EXISTS (SELECT 1 FROM pragma_foreign_key_list(s.tbl_name) fk
                                 JOIN pragma_index_info(s.name) ii ON ii.name = fk.\"from\"
                                 WHERE ii.seqno = 0))",
    )?;
    let list = serde_json::to_string(tables).map_err(Error::internal)?;
    let indexes = stmt
        .query_map(rusqlite::params![list, deleting], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (name, _) in &indexes {
        conn.execute_batch(&format!("DROP INDEX \"{name}\""))?;
    }
    let mut rebuild: Vec<String> = indexes.into_iter().map(|(_, sql)| sql).collect();
    if tables.contains(&"members") {
        rebuild.extend(suspend_search(conn)?);
    }
    Ok(rebuild)
}

/// Drops the triggers that note changed members for the search index (see
/// `members::search`) and notes every member instead; returns the statements that create them
/// again.
fn suspend_search(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'members'
         AND name LIKE 'member\\_search\\_%' ESCAPE '\\'",
    )?;
    let triggers = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (name, _) in &triggers {
        conn.execute_batch(&format!("DROP TRIGGER \"{name}\""))?;
    }
    conn.execute(
        "INSERT INTO member_search_pending VALUES (?1, ?2)",
        [i64::MIN, i64::MAX],
    )?;
    Ok(triggers.into_iter().map(|(_, sql)| sql).collect())
}

/// Deletes a workspace file with its `-wal`/`-shm`/`-journal` companions (after a failed create).
pub(crate) fn remove_with_sidecars(path: &Path) {
    let _ = std::fs::remove_file(path);
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

/// An in-memory database built by the real migrations, for tests.
pub fn in_memory() -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    migrate_to(&mut conn, latest_version())?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bulk delete drops the indexes that only cost upkeep and keeps those it needs to
    /// find the rows pointing at a deleted one (without `members_manager`, undoing an import of
    /// 100,000 members scanned the table per member and took minutes).
    #[test]
    fn bulk_writes_keep_the_indexes_foreign_keys_use() {
        let conn = in_memory().unwrap();
        let names = |conn: &Connection| -> Vec<String> {
            conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('members', 'member_departments') ORDER BY name")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let before = names(&conn);
        let tables = ["members", "member_departments"];
        // Before inserting, all of them go.
        let rebuild = drop_indexes(&conn, &tables, false).unwrap();
        assert_eq!(names(&conn), Vec::<String>::new());
        for sql in rebuild {
            conn.execute_batch(&sql).unwrap();
        }
        assert_eq!(names(&conn), before);
        let rebuild = drop_indexes(&conn, &tables, true).unwrap();
        let kept = names(&conn);
        assert_eq!(
            kept,
            [
                "member_departments_department",
                "member_departments_extra",
                "member_departments_main",
                "members_manager"
            ]
        );
        // The search index's three triggers are dropped with the indexes.
        assert_eq!(rebuild.len() + kept.len(), before.len() + 3);
        assert!(rebuild.iter().any(|sql| sql.contains("members_mobile")));
        for sql in rebuild {
            conn.execute_batch(&sql).unwrap();
        }
        assert_eq!(names(&conn), before);
    }
}
