//! Undo, redo and rollback: the inverted (or original) changeset of an action applied in one
//! transaction; and reading the log.

use super::changeset::{
    changed_later, delete_listed, describe, describe_all, in_bulk, listed, replaced, tables_of,
};
use super::record::{discard_redo, insert_entry, Entry, Writable};
use super::{Action, ActionState, AuditEntry, HistoryStatus, Source};
use crate::error::{Error, ErrorCode, Result};
use rusqlite::session::{invert_strm, ConflictAction};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

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
    let mut writable = Writable::new(conn)?;
    let tx = writable.transaction()?;
    let entry = match dir {
        Direction::Undo => next_entry(&tx, ActionState::Done)?,
        Direction::Redo => next_entry(&tx, ActionState::Undone)?,
    };
    let Some(entry) = entry else {
        return Err(match dir {
            Direction::Undo => Error::new(ErrorCode::NothingToUndo, "nothing_to_undo"),
            Direction::Redo => Error::new(ErrorCode::NothingToRedo, "nothing_to_redo"),
        });
    };
    let conflict = || {
        Error::new(ErrorCode::HistoryConflict, "history_conflict")
            .with_key("action", format!("actions.{}", entry.action.as_str()))
    };
    let changeset = recorded(&tx, entry.id)?;
    let listed = listed(&tx, entry.id)?;
    let replaced = replaced(&tx, entry.id)?;
    match dir {
        // The content the action replaced comes back whole; what it put there is kept for redo.
        Direction::Undo if !replaced.is_empty() => {
            let now = describe_all(&tx, &replaced)?;
            keep_described(&tx, entry.id, Some(&now))?;
            replace_content(&tx, &replaced, &changeset).map_err(|_| conflict())?;
        }
        Direction::Redo if !replaced.is_empty() => {
            replace_content(&tx, &replaced, &described(&tx, entry.id)?).map_err(|_| conflict())?;
            keep_described(&tx, entry.id, None)?;
        }
        Direction::Undo => {
            // Rows inserted in bulk go first (what the session recorded, such as their new
            // departments, may depend on them), described beforehand for redo.
            if !listed.is_empty() {
                keep_described(&tx, entry.id, Some(&describe(&tx, &listed)?))?;
                delete_listed(&tx, &listed)?;
            }
            apply(&tx, &inverted(&changeset)?).map_err(|_| conflict())?;
        }
        Direction::Redo => {
            apply(&tx, &changeset).map_err(|_| conflict())?;
            if !listed.is_empty() {
                apply(&tx, &described(&tx, entry.id)?).map_err(|_| conflict())?;
                // The rows are back as listed: their description is no longer needed.
                keep_described(&tx, entry.id, None)?;
            }
        }
    }
    let (new_state, marker) = match dir {
        Direction::Undo => (ActionState::Undone, Action::Undo),
        Direction::Redo => (ActionState::Done, Action::Redo),
    };
    tx.execute(
        "UPDATE audit_log SET state = ?1 WHERE id = ?2",
        params![new_state.as_str(), entry.id],
    )?;
    insert_entry(&tx, marker_entry(source, marker, &entry.target, entry.id))?;
    tx.commit()?;
    Ok(AuditEntry {
        state: Some(new_state),
        ..entry
    })
}

/// What an undone bulk action's undo removed, for redo (see [`keep_described`]).
fn described(tx: &Transaction, id: i64) -> Result<Vec<u8>> {
    Ok(tx.query_row(
        "SELECT ifnull(described, x'') FROM audit_log WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?)
}

/// Keeps (or, once redone, forgets) what the undo of bulk action `id` removed.
fn keep_described(tx: &Transaction, id: i64, rows: Option<&[u8]>) -> Result<()> {
    tx.execute(
        "UPDATE audit_log SET described = ?1 WHERE id = ?2",
        params![rows, id],
    )?;
    Ok(())
}

/// Empties `tables` and fills them with `rows` (a changeset of inserts), in bulk.
fn replace_content(tx: &Transaction, tables: &[String], rows: &[u8]) -> Result<()> {
    let names: Vec<&str> = tables.iter().map(String::as_str).collect();
    let (_, count) = tables_of(rows)?;
    in_bulk(tx, &names, count, || {
        // Foreign keys are checked at commit, so the order of the tables does not matter.
        tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
        for table in tables {
            tx.execute(&format!("DELETE FROM main.\"{table}\""), [])?;
        }
        apply_now(tx, rows)
    })
}

/// What the session recorded of action `id`.
fn recorded(tx: &Transaction, id: i64) -> Result<Vec<u8>> {
    Ok(tx.query_row(
        "SELECT ifnull(changeset, x'') FROM audit_log WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?)
}

fn inverted(changeset: &[u8]) -> Result<Vec<u8>> {
    let mut inverted = Vec::new();
    invert_strm(&mut &changeset[..], &mut inverted)?;
    Ok(inverted)
}

fn marker_entry(source: Source, action: Action, target: &str, ref_id: i64) -> Entry<'_> {
    Entry {
        source,
        action,
        target,
        before: None,
        after: None,
        changeset: None,
        state: None,
        ref_id: Some(ref_id),
    }
}

/// Reverts the action `id` even when later actions exist, provided they did not touch the rows
/// it wrote. The latest action is simply undone (and can be redone); an older one becomes
/// `rolled_back` for good.
pub(crate) fn rollback(conn: &mut Connection, source: Source, id: i64) -> Result<()> {
    if next_entry(conn, ActionState::Done)?.map(|e| e.id) == Some(id) {
        return undo(conn, source).map(drop);
    }
    let mut writable = Writable::new(conn)?;
    let tx = writable.transaction()?;
    let target: String = tx.query_row(
        "SELECT target FROM audit_log WHERE id = ?1 AND state = 'done'
         AND (changeset IS NOT NULL OR inserted IS NOT NULL)",
        [id],
        |r| r.get(0),
    )?;
    let conflict =
        || Error::new(ErrorCode::RollbackConflict, "import_rollback_conflict").with("batch", id);
    let listed = listed(&tx, id)?;
    if changed_later(&tx, id, &listed)? {
        return Err(conflict());
    }
    // As undo does, without describing the rows: a rollback is not redone.
    delete_listed(&tx, &listed)?;
    apply(&tx, &inverted(&recorded(&tx, id)?)?).map_err(|_| conflict())?;
    discard_redo(&tx)?;
    tx.execute(
        "UPDATE audit_log SET state = ?1 WHERE id = ?2",
        params![ActionState::RolledBack.as_str(), id],
    )?;
    insert_entry(&tx, marker_entry(source, Action::Rollback, &target, id))?;
    tx.commit()?;
    Ok(())
}

/// Applies a changeset (a large one in bulk, see [`in_bulk`]); any conflict aborts, leaving
/// the transaction's content untouched.
fn apply(tx: &Transaction, changeset: &[u8]) -> Result<()> {
    let (tables, rows) = tables_of(changeset)?;
    let tables: Vec<&str> = tables.iter().map(String::as_str).collect();
    in_bulk(tx, &tables, rows, || apply_now(tx, changeset))
}

/// Applies a changeset as it is; any conflict aborts.
fn apply_now(tx: &Transaction, changeset: &[u8]) -> Result<()> {
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
    let text = |i: usize| -> rusqlite::Result<String> { r.get(i) };
    // The audit log is written only by this module: a value it does not know is a damaged file.
    let closed = |i: usize, value: String| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown audit value “{value}”").into(),
        )
    };
    let action = text(4)?;
    Ok(AuditEntry {
        id: r.get(0)?,
        at: r.get(1)?,
        source: text(2)?.parse().unwrap_or(Source::Cli),
        actor: r.get(3)?,
        action: action.parse().map_err(|_| closed(4, action))?,
        target: r.get(5)?,
        before: json(r.get(6)?),
        after: json(r.get(7)?),
        state: match r.get::<_, Option<String>>(8)? {
            Some(s) => Some(s.parse().map_err(|_| closed(8, s))?),
            None => None,
        },
        ref_id: r.get(9)?,
    })
}

fn next_entry(conn: &Connection, state: ActionState) -> Result<Option<AuditEntry>> {
    let order = match state {
        ActionState::Undone => "ASC",
        _ => "DESC",
    };
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE state = ?1 ORDER BY id {order} LIMIT 1"
    );
    Ok(conn
        .query_row(&sql, [state.as_str()], entry_from_row)
        .optional()?)
}

/// The audit log, newest first; only entries of `action` when given.
pub(crate) fn log(
    conn: &Connection,
    action: Option<Action>,
    limit: Option<u32>,
) -> Result<Vec<AuditEntry>> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE ?1 IS NULL OR action = ?1 ORDER BY id DESC LIMIT ?2"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(
        params![
            action.map(Action::as_str),
            limit.map(i64::from).unwrap_or(-1)
        ],
        entry_from_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn status(conn: &Connection) -> Result<HistoryStatus> {
    Ok(HistoryStatus {
        undo: next_entry(conn, ActionState::Done)?,
        redo: next_entry(conn, ActionState::Undone)?,
    })
}
