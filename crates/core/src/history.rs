//! The one mutation path: every write runs in an IMMEDIATE transaction, is recorded by a SQLite
//! session as a changeset, and is appended to the audit log with its source, target and
//! before/after. Undo applies the inverted changeset of the last action; redo applies it again.

use crate::error::{Error, ErrorCode, Result};
use rusqlite::session::{invert_strm, ConflictAction, Session};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Where a change came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Ui,
    Cli,
    Import,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Ui => "ui",
            Source::Cli => "cli",
            Source::Import => "import",
        }
    }

    fn parse(s: &str) -> Source {
        match s {
            "ui" => Source::Ui,
            "import" => Source::Import,
            _ => Source::Cli,
        }
    }
}

/// Tables whose changes are bookkeeping, not workspace content.
pub(crate) const UNTRACKED: &[&str] = &["audit_log", "snapshots"];

/// What a domain operation reports back to the mutation path.
pub(crate) struct Change<T> {
    pub value: T,
    pub target: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// One entry of the audit log.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AuditEntry {
    pub id: i64,
    /// UTC timestamp, RFC 3339.
    pub at: String,
    pub source: Source,
    pub actor: String,
    /// Action code, e.g. `department_add`; translated under `actions.` in the catalogue.
    pub action: String,
    pub target: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// `done` / `undone` / `discarded` for actions, null for markers (undo, redo, init).
    pub state: Option<String>,
    /// For undo/redo markers: the action they reverted or re-applied.
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

/// Runs `f` in one transaction, records its row changes and logs it as an undoable action.
/// When `f` fails nothing is written. When it changes nothing, nothing is logged.
pub(crate) fn record<T>(
    conn: &mut Connection,
    source: Source,
    action: &'static str,
    f: impl FnOnce(&Transaction) -> Result<Change<T>>,
) -> Result<T> {
    record_logged(conn, source, action, f).map(|(value, _)| value)
}

/// [`record`], also returning the id of the audit entry (None when nothing changed).
pub(crate) fn record_logged<T>(
    conn: &mut Connection,
    source: Source,
    action: &'static str,
    f: impl FnOnce(&Transaction) -> Result<Change<T>>,
) -> Result<(T, Option<i64>)> {
    record_bulk(conn, source, action, |tx, _| f(tx))
}

/// What records an action: the session, and the rows inserted while it was paused.
pub(crate) struct Recorder<'conn> {
    session: Session<'conn>,
    inserted: Vec<Inserted>,
}

/// Rows inserted while the session was paused: those of `table` whose integer `column` is
/// between `first` and `last`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Inserted(String, String, i64, i64);

impl Recorder<'_> {
    /// Stops (or restarts) recording row changes. While paused, only inserts of new rows may
    /// happen, and each must then be listed with [`Recorder::inserted`].
    pub(crate) fn pause(&mut self, paused: bool) {
        self.session.set_enabled(!paused);
    }

    /// Lists rows inserted while paused: those of `table` whose integer `column` is between
    /// `first` and `last`, none of them touched again in the action. They are described in the
    /// action's changeset (exactly as the session would have) only when the action is undone or
    /// rolled back: until then they are as inserted, or changed by later actions that undo
    /// reverts first and that a rollback refuses to lose. A bulk import thus writes its rows once,
    /// not twice.
    pub(crate) fn inserted(&mut self, table: &str, column: &str, first: i64, last: i64) {
        self.inserted
            .push(Inserted(table.into(), column.into(), first, last));
    }
}

/// Appends the rows of `table` selected by `filter` (an SQL condition over `params`) to a
/// changeset as inserts, exactly as SQLite stores them. `table` has a declared primary key (as
/// every table the session tracks).
fn describe_inserts(
    tx: &Transaction,
    out: &mut Vec<u8>,
    table: &str,
    filter: &str,
    params: impl rusqlite::Params,
) -> Result<()> {
    // Table header: 'T', the column count, each column's place in the primary key (as
    // `PRAGMA table_info` gives it, which is what the session compares), the name.
    let mut pk = Vec::new();
    let mut stmt = tx.prepare("SELECT pk FROM pragma_table_info(?1) ORDER BY cid")?;
    for v in stmt.query_map([table], |r| r.get::<_, u8>(0))? {
        pk.push(v?);
    }
    out.push(b'T');
    put_varint(out, pk.len() as u32);
    out.extend_from_slice(&pk);
    out.extend_from_slice(table.as_bytes());
    out.push(0);
    let mut stmt = tx.prepare(&format!("SELECT * FROM \"{table}\" WHERE {filter}"))?;
    let mut rows = stmt.query(params)?;
    while let Some(row) = rows.next()? {
        out.push(18); // SQLITE_INSERT
        out.push(0); // direct change
        for i in 0..pk.len() {
            use rusqlite::types::ValueRef;
            match row.get_ref(i)? {
                ValueRef::Null => out.push(5),
                ValueRef::Integer(v) => {
                    out.push(1);
                    out.extend_from_slice(&v.to_be_bytes());
                }
                ValueRef::Real(v) => {
                    out.push(2);
                    out.extend_from_slice(&v.to_bits().to_be_bytes());
                }
                ValueRef::Text(b) => put_bytes(out, 3, b),
                ValueRef::Blob(b) => put_bytes(out, 4, b),
            }
        }
    }
    Ok(())
}

/// The rows action `id` inserted and has not described yet (see [`Recorder::inserted`]).
fn undescribed(tx: &Transaction, id: i64) -> Result<Vec<Inserted>> {
    let listed: Option<String> =
        tx.query_row("SELECT inserted FROM audit_log WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
    Ok(match listed {
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| Error::internal(format!("audit entry {id}: {e}")))?,
        None => Vec::new(),
    })
}

/// The whole changeset of action `id`, describing the rows it inserted first if it has not yet
/// (they must be as the action left them: undo reverts later actions first, rollback checks).
fn changeset_of(tx: &Transaction, id: i64) -> Result<Vec<u8>> {
    let mut changeset: Vec<u8> = tx.query_row(
        "SELECT ifnull(changeset, x'') FROM audit_log WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?;
    let inserted = undescribed(tx, id)?;
    if !inserted.is_empty() {
        for Inserted(table, column, first, last) in &inserted {
            let filter = format!("\"{column}\" BETWEEN ?1 AND ?2");
            describe_inserts(tx, &mut changeset, table, &filter, [first, last])?;
        }
        tx.execute(
            "UPDATE audit_log SET changeset = ?1, inserted = NULL WHERE id = ?2",
            params![changeset, id],
        )?;
    }
    Ok(changeset)
}

/// Whether an action after `id` that is still in effect changed one of the rows `id` inserted
/// without describing them.
fn changed_later(tx: &Transaction, id: i64, inserted: &[Inserted]) -> Result<bool> {
    use rusqlite::session::ChangesetIter;
    use rusqlite::types::ValueRef;
    let mut columns = Vec::new();
    for Inserted(table, column, first, last) in inserted {
        let cid: i64 = tx.query_row(
            "SELECT cid FROM pragma_table_info(?1) WHERE name = ?2",
            [table, column],
            |r| r.get(0),
        )?;
        columns.push((table.as_str(), cid as usize, *first..=*last));
    }
    let mut stmt = tx.prepare(
        "SELECT changeset FROM audit_log WHERE id > ?1 AND state = 'done' AND changeset IS NOT NULL",
    )?;
    let changesets = stmt
        .query_map([id], |r| r.get::<_, Vec<u8>>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for bytes in changesets {
        let mut input: &[u8] = &bytes;
        let input: &mut dyn std::io::Read = &mut input;
        let mut iter = ChangesetIter::start_strm(&input)?;
        while let Some(item) =
            rusqlite::fallible_streaming_iterator::FallibleStreamingIterator::next(&mut iter)?
        {
            let op = item.op()?;
            for (table, cid, range) in &columns {
                if op.table_name() != *table {
                    continue;
                }
                let value = match op.code() {
                    rusqlite::hooks::Action::SQLITE_INSERT => item.new_value(*cid)?,
                    _ => item.old_value(*cid)?,
                };
                if matches!(value, ValueRef::Integer(v) if range.contains(&v)) {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

fn put_bytes(out: &mut Vec<u8>, kind: u8, bytes: &[u8]) {
    out.push(kind);
    put_varint(out, bytes.len() as u32);
    out.extend_from_slice(bytes);
}

/// SQLite's variable-length integer (big-endian groups of 7 bits), as changesets use it.
fn put_varint(out: &mut Vec<u8>, v: u32) {
    let mut groups = [0u8; 5];
    let mut n = 0;
    let mut rest = v;
    loop {
        groups[n] = (rest & 0x7f) as u8;
        n += 1;
        rest >>= 7;
        if rest == 0 {
            break;
        }
    }
    for i in (0..n).rev() {
        out.push(if i > 0 { groups[i] | 0x80 } else { groups[i] });
    }
}

/// [`record_logged`] for an action that writes many new rows: `f` may pause the session and
/// describe what it inserted meanwhile (see [`Recorder`]).
pub(crate) fn record_bulk<T>(
    conn: &mut Connection,
    source: Source,
    action: &'static str,
    f: impl FnOnce(&Transaction, &mut Recorder) -> Result<Change<T>>,
) -> Result<(T, Option<i64>)> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (change, changeset, inserted) = {
        let mut session = Session::new(&tx)?;
        session.table_filter(Some(|table: &str| !UNTRACKED.contains(&table)));
        session.attach::<&str>(None)?;
        let mut recorder = Recorder {
            session,
            inserted: Vec::new(),
        };
        let change = f(&tx, &mut recorder)?;
        let mut changeset = Vec::new();
        recorder.session.changeset_strm(&mut changeset)?;
        (change, changeset, recorder.inserted)
    };
    if changeset.is_empty() && inserted.is_empty() {
        return Ok((change.value, None));
    }
    tx.execute(
        "UPDATE audit_log SET state = 'discarded' WHERE state = 'undone'",
        [],
    )?;
    insert_entry(
        &tx,
        source,
        action,
        &change.target,
        change.before,
        change.after,
        Some(&changeset),
        Some("done"),
        None,
    )?;
    let id = tx.last_insert_rowid();
    if !inserted.is_empty() {
        let listed = serde_json::to_string(&inserted).map_err(Error::internal)?;
        tx.execute(
            "UPDATE audit_log SET inserted = ?1 WHERE id = ?2",
            params![listed, id],
        )?;
    }
    tx.commit()?;
    Ok((change.value, Some(id)))
}

/// Logs an action that cannot be undone (creating the workspace, loading a demo) inside `tx`.
pub(crate) fn log_marker(
    tx: &Transaction,
    source: Source,
    action: &str,
    target: &str,
    after: Option<Value>,
) -> Result<()> {
    insert_entry(tx, source, action, target, None, after, None, None, None)
}

#[allow(clippy::too_many_arguments)]
fn insert_entry(
    tx: &Transaction,
    source: Source,
    action: &str,
    target: &str,
    before: Option<Value>,
    after: Option<Value>,
    changeset: Option<&[u8]>,
    state: Option<&str>,
    ref_id: Option<i64>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_log (at, source, actor, action, target, before, after, changeset, state, ref_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            now(),
            source.as_str(),
            actor(),
            action,
            target,
            before.map(|v| v.to_string()),
            after.map(|v| v.to_string()),
            changeset,
            state,
            ref_id
        ],
    )?;
    Ok(())
}

/// Reverts the most recent action that is not undone yet.
pub(crate) fn undo(conn: &mut Connection, source: Source) -> Result<AuditEntry> {
    step(conn, source, Direction::Undo)
}

/// Re-applies the most recently undone action.
pub(crate) fn redo(conn: &mut Connection, source: Source) -> Result<AuditEntry> {
    step(conn, source, Direction::Redo)
}

#[derive(Clone, Copy)]
enum Direction {
    Undo,
    Redo,
}

fn step(conn: &mut Connection, source: Source, dir: Direction) -> Result<AuditEntry> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let entry = match dir {
        Direction::Undo => next_entry(&tx, "done", "DESC")?,
        Direction::Redo => next_entry(&tx, "undone", "ASC")?,
    };
    let Some(entry) = entry else {
        return Err(match dir {
            Direction::Undo => Error::new(ErrorCode::NothingToUndo, "nothing_to_undo"),
            Direction::Redo => Error::new(ErrorCode::NothingToRedo, "nothing_to_redo"),
        });
    };
    let changeset = changeset_of(&tx, entry.id)?;
    let to_apply = match dir {
        Direction::Undo => {
            let mut inverted = Vec::new();
            invert_strm(&mut changeset.as_slice(), &mut inverted)?;
            inverted
        }
        Direction::Redo => changeset,
    };
    apply(&tx, &to_apply).map_err(|_| {
        Error::new(ErrorCode::HistoryConflict, "history_conflict").with("action", &entry.action)
    })?;
    let (new_state, marker) = match dir {
        Direction::Undo => ("undone", "undo"),
        Direction::Redo => ("done", "redo"),
    };
    tx.execute(
        "UPDATE audit_log SET state = ?1 WHERE id = ?2",
        params![new_state, entry.id],
    )?;
    insert_entry(
        &tx,
        source,
        marker,
        &entry.target,
        None,
        None,
        None,
        None,
        Some(entry.id),
    )?;
    tx.commit()?;
    Ok(AuditEntry {
        state: Some(new_state.to_string()),
        ..entry
    })
}

/// Reverts the action `id` even when later actions exist, provided they did not touch the rows
/// it wrote. The latest action is simply undone (and can be redone); an older one becomes
/// `rolled_back` for good.
pub(crate) fn rollback(conn: &mut Connection, source: Source, id: i64) -> Result<()> {
    if next_entry(conn, "done", "DESC")?.map(|e| e.id) == Some(id) {
        return undo(conn, source).map(drop);
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let target: String = tx.query_row(
        "SELECT target FROM audit_log WHERE id = ?1 AND state = 'done'
         AND (changeset IS NOT NULL OR inserted IS NOT NULL)",
        [id],
        |r| r.get(0),
    )?;
    let conflict =
        || Error::new(ErrorCode::RollbackConflict, "import_rollback_conflict").with("batch", id);
    if changed_later(&tx, id, &undescribed(&tx, id)?)? {
        return Err(conflict());
    }
    let changeset = changeset_of(&tx, id)?;
    let mut inverted = Vec::new();
    invert_strm(&mut changeset.as_slice(), &mut inverted)?;
    apply(&tx, &inverted).map_err(|_| conflict())?;
    tx.execute(
        "UPDATE audit_log SET state = 'discarded' WHERE state = 'undone'",
        [],
    )?;
    tx.execute(
        "UPDATE audit_log SET state = 'rolled_back' WHERE id = ?1",
        [id],
    )?;
    insert_entry(
        &tx,
        source,
        "rollback",
        &target,
        None,
        None,
        None,
        None,
        Some(id),
    )?;
    tx.commit()?;
    Ok(())
}

/// Applies a changeset; any conflict aborts, leaving the transaction's content untouched.
fn apply(tx: &Transaction, changeset: &[u8]) -> Result<()> {
    let conflicted = Arc::new(AtomicBool::new(false));
    let flag = conflicted.clone();
    let mut input = changeset;
    let applied = tx.apply_strm(&mut input, None::<fn(&str) -> bool>, move |_kind, _item| {
        flag.store(true, Ordering::SeqCst);
        ConflictAction::SQLITE_CHANGESET_ABORT
    });
    if conflicted.load(Ordering::SeqCst) {
        return Err(Error::new(ErrorCode::HistoryConflict, "history_conflict"));
    }
    applied?;
    Ok(())
}

const ENTRY_COLUMNS: &str = "id, at, source, actor, action, target, before, after, state, ref_id";

fn entry_from_row(r: &rusqlite::Row) -> rusqlite::Result<AuditEntry> {
    let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    Ok(AuditEntry {
        id: r.get(0)?,
        at: r.get(1)?,
        source: Source::parse(&r.get::<_, String>(2)?),
        actor: r.get(3)?,
        action: r.get(4)?,
        target: r.get(5)?,
        before: json(r.get(6)?),
        after: json(r.get(7)?),
        state: r.get(8)?,
        ref_id: r.get(9)?,
    })
}

fn next_entry(conn: &Connection, state: &str, order: &str) -> Result<Option<AuditEntry>> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE state = ?1 ORDER BY id {order} LIMIT 1"
    );
    Ok(conn.query_row(&sql, [state], entry_from_row).optional()?)
}

/// The audit log, newest first.
pub(crate) fn log(conn: &Connection, limit: Option<u32>) -> Result<Vec<AuditEntry>> {
    let sql = format!("SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY id DESC LIMIT ?1");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([limit.map(i64::from).unwrap_or(-1)], entry_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn status(conn: &Connection) -> Result<HistoryStatus> {
    Ok(HistoryStatus {
        undo: next_entry(conn, "done", "DESC")?,
        redo: next_entry(conn, "undone", "ASC")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::session::ChangesetIter;

    const SCHEMA: &str = "
        CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at, source, actor, action, target, before,
                                after, changeset, state, ref_id, inserted);
        CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, photo BLOB,
                             note TEXT, age INTEGER);
        CREATE TABLE links (a INTEGER NOT NULL, b INTEGER NOT NULL, main INTEGER,
                            PRIMARY KEY (b, a)) WITHOUT ROWID;";

    /// Every change of a changeset as (table, operation, new values), in a stable order.
    fn changes(bytes: &[u8]) -> Vec<(String, String, Vec<String>)> {
        let mut input: &[u8] = bytes;
        let input: &mut dyn std::io::Read = &mut input;
        let mut iter = ChangesetIter::start_strm(&input).unwrap();
        let mut out = Vec::new();
        while let Some(item) =
            rusqlite::fallible_streaming_iterator::FallibleStreamingIterator::next(&mut iter)
                .unwrap()
        {
            let op = item.op().unwrap();
            let n = op.number_of_columns() as usize;
            let values = (0..n)
                .map(|i| format!("{:?}", item.new_value(i).unwrap()))
                .collect();
            out.push((
                op.table_name().to_string(),
                format!("{:?}", op.code()),
                values,
            ));
        }
        out.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
        out
    }

    fn nothing() -> Change<()> {
        Change {
            value: (),
            target: String::new(),
            before: None,
            after: None,
        }
    }

    fn write(tx: &Transaction) {
        for i in 1..=40i64 {
            tx.execute(
                "INSERT INTO people (name, score, photo, note, age) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    format!("成员{i}"),
                    (i % 3 == 0).then_some(i as f64 / 7.0),
                    (i % 4 == 0).then(|| vec![i as u8; (i * 5) as usize]),
                    (i % 2 == 0).then(|| "x".repeat((i * 9) as usize)),
                    i * 1_000_000_007
                ],
            )
            .unwrap();
            tx.execute(
                "INSERT INTO links (a, b, main) VALUES (?1, ?2, ?3)",
                params![i, i % 5, i % 2 == 0],
            )
            .unwrap();
        }
    }

    /// [`write`] with the session paused, the rows listed; the action's id.
    fn write_listed(conn: &mut Connection) -> i64 {
        record_bulk(conn, Source::Cli, "test", |tx, recorder| {
            recorder.pause(true);
            write(tx);
            recorder.pause(false);
            recorder.inserted("people", "id", 1, 40);
            recorder.inserted("links", "a", 1, 40);
            Ok(nothing())
        })
        .unwrap()
        .1
        .unwrap()
    }

    #[test]
    fn inserts_described_by_hand_equal_what_the_session_records() {
        let mut recorded = Connection::open_in_memory().unwrap();
        recorded.execute_batch(SCHEMA).unwrap();
        let mut by_hand = Connection::open_in_memory().unwrap();
        by_hand.execute_batch(SCHEMA).unwrap();

        record_logged(&mut recorded, Source::Cli, "test", |tx| {
            write(tx);
            Ok(nothing())
        })
        .unwrap();
        write_listed(&mut by_hand);
        let changeset = |conn: &Connection| -> Vec<u8> {
            conn.query_row(
                "SELECT ifnull(changeset, x'') FROM audit_log WHERE id = 1",
                [],
                |r| r.get(0),
            )
            .unwrap()
        };
        // The rows are listed, and described when the action is undone (which removes them).
        assert!(changeset(&by_hand).is_empty());
        undo(&mut by_hand, Source::Cli).unwrap();
        let (a, b) = (changeset(&recorded), changeset(&by_hand));
        assert_eq!(changes(&a).len(), 80);
        assert_eq!(changes(&a), changes(&b));
        let count = |conn: &Connection, t: &str| -> i64 {
            conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(
            (count(&by_hand, "people"), count(&by_hand, "links")),
            (0, 0)
        );
        redo(&mut by_hand, Source::Cli).unwrap();
        assert_eq!(
            (count(&by_hand, "people"), count(&by_hand, "links")),
            (40, 40)
        );
    }

    #[test]
    fn a_rollback_of_listed_rows_is_refused_when_a_later_action_changed_one() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        let id = write_listed(&mut conn);
        // A later action that only adds a row of its own does not stop the rollback...
        record(&mut conn, Source::Cli, "add", |tx| {
            tx.execute("INSERT INTO people (id, name) VALUES (100, '新人')", [])?;
            Ok(nothing())
        })
        .unwrap();
        // ...one that changes a link of a listed row does.
        record(&mut conn, Source::Cli, "relink", |tx| {
            tx.execute("UPDATE links SET main = 7 WHERE a = 5", [])?;
            Ok(nothing())
        })
        .unwrap();
        let e = rollback(&mut conn, Source::Cli, id).unwrap_err();
        assert_eq!(e.code, ErrorCode::RollbackConflict);
        undo(&mut conn, Source::Cli).unwrap(); // the relink
        rollback(&mut conn, Source::Cli, id).unwrap();
        let count = |t: &str| -> i64 {
            conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!((count("people"), count("links")), (1, 0));
    }

    #[test]
    fn varints_are_sqlites() {
        let enc = |v: u32| {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            out
        };
        assert_eq!(enc(0), [0]);
        assert_eq!(enc(127), [0x7f]);
        assert_eq!(enc(128), [0x81, 0x00]);
        assert_eq!(enc(16_383), [0xff, 0x7f]);
        assert_eq!(enc(16_384), [0x81, 0x80, 0x00]);
    }
}
