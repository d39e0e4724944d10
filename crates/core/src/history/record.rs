//! Recording: the two ways a write runs ([`record`] and [`unrecorded`]) and the audit entries
//! they append. [`super::Db`] is their public face.

use super::changeset::{content_tables, describe_all, Inserted};
use super::{actor, now, tracked, Action, ActionState, Change, Source, Tx};
use crate::error::{Error, Result};
use rusqlite::session::Session;
use rusqlite::{params, Connection, Transaction, TransactionBehavior};
use serde_json::Value;

/// The connection, writable until dropped: every write of the mutation path happens while one
/// exists, and the connection is read-only again afterwards (also after a failure).
pub(super) struct Writable<'c>(&'c mut Connection);

impl<'c> Writable<'c> {
    pub(super) fn new(conn: &'c mut Connection) -> Result<Writable<'c>> {
        conn.pragma_update(None, "query_only", false)?;
        Ok(Writable(conn))
    }

    /// An IMMEDIATE transaction: the write lock is taken at once, so a concurrent writer waits
    /// (busy timeout) instead of failing half-way.
    pub(super) fn transaction(&mut self) -> Result<Transaction<'_>> {
        Ok(self
            .0
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }
}

impl Drop for Writable<'_> {
    fn drop(&mut self) {
        let _ = self.0.pragma_update(None, "query_only", true);
    }
}

/// What records an action: the session, and the rows inserted while it was paused.
pub(crate) struct Recorder<'conn> {
    session: Session<'conn>,
    inserted: Vec<Inserted>,
}

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

/// What recorded work decided: keep what it wrote, or roll it back and hand `R` back.
pub(crate) enum Decision<T, R> {
    Commit(Change<T>),
    RollBack(R),
}

/// Runs `f` in one IMMEDIATE transaction with a session recording its row changes; appends the
/// action to the audit log and commits, unless `f` fails or decides to roll back. Nothing is
/// logged when nothing changed.
pub(super) fn record<T, R>(
    conn: &mut Connection,
    source: Source,
    action: Action,
    f: impl FnOnce(&Tx, &mut Recorder) -> Result<Decision<T, R>>,
) -> Result<std::result::Result<(T, Option<i64>), R>> {
    let mut writable = Writable::new(conn)?;
    let tx = writable.transaction()?;
    let (change, changeset, inserted) = {
        let mut session = Session::new(&tx)?;
        session.table_filter(Some(|table: &str| tracked(table)));
        session.attach::<&str>(None)?;
        let mut recorder = Recorder {
            session,
            inserted: Vec::new(),
        };
        let change = match f(&Tx(&tx), &mut recorder)? {
            Decision::Commit(change) => change,
            Decision::RollBack(r) => return Ok(Err(r)),
        };
        let mut changeset = Vec::new();
        recorder.session.changeset_strm(&mut changeset)?;
        (change, changeset, recorder.inserted)
    };
    if changeset.is_empty() && inserted.is_empty() {
        return Ok(Ok((change.value, None)));
    }
    let listed = (!inserted.is_empty()).then_some(("inserted", &inserted));
    let (value, id) = append_done(&tx, source, action, change, &changeset, listed)?;
    tx.commit()?;
    Ok(Ok((value, Some(id))))
}

/// Appends undoable action `change` (state `done`, the redo stack cleared) with its changeset,
/// and for a bulk action what it keeps beside it: the rows it listed (`inserted`) or the tables
/// it replaced (`replaced`), as JSON. Returns the change's value and the entry's id.
fn append_done<T>(
    tx: &Transaction,
    source: Source,
    action: Action,
    change: Change<T>,
    changeset: &[u8],
    bulk: Option<(&'static str, &impl serde::Serialize)>,
) -> Result<(T, i64)> {
    discard_redo(tx)?;
    let id = insert_entry(
        tx,
        Entry {
            source,
            action,
            target: &change.target,
            before: change.before,
            after: change.after,
            changeset: Some(changeset),
            state: Some(ActionState::Done),
            ref_id: None,
        },
    )?;
    if let Some((column, list)) = bulk {
        let json = serde_json::to_string(list).map_err(Error::internal)?;
        tx.execute(
            &format!("UPDATE audit_log SET {column} = ?1 WHERE id = ?2"),
            params![json, id],
        )?;
    }
    Ok((change.value, id))
}

/// See [`super::Db::record_replacing`].
pub(super) fn record_replacing<T>(
    conn: &mut Connection,
    source: Source,
    action: Action,
    f: impl FnOnce(&Tx) -> Result<Change<T>>,
) -> Result<T> {
    let mut writable = Writable::new(conn)?;
    let tx = writable.transaction()?;
    let tables = content_tables(&tx)?;
    let before = describe_all(&tx, &tables)?;
    let change = f(&Tx(&tx))?;
    let (value, _) = append_done(
        &tx,
        source,
        action,
        change,
        &before,
        Some(("replaced", &tables)),
    )?;
    tx.commit()?;
    Ok(value)
}

/// See [`super::Db::unrecorded`].
pub(super) fn unrecorded<T>(
    conn: &mut Connection,
    source: Source,
    action: Action,
    f: impl FnOnce(&Tx) -> Result<Change<T>>,
) -> Result<T> {
    let mut writable = Writable::new(conn)?;
    let tx = writable.transaction()?;
    let change = f(&Tx(&tx))?;
    insert_entry(
        &tx,
        Entry {
            source,
            action,
            target: &change.target,
            before: change.before,
            after: change.after,
            changeset: None,
            state: None,
            ref_id: None,
        },
    )?;
    tx.commit()?;
    Ok(change.value)
}

/// A new action clears the redo stack.
pub(super) fn discard_redo(tx: &Transaction) -> Result<()> {
    tx.execute(
        "UPDATE audit_log SET state = 'discarded' WHERE state = 'undone'",
        [],
    )?;
    Ok(())
}

/// An audit entry to append.
pub(super) struct Entry<'a> {
    pub source: Source,
    pub action: Action,
    pub target: &'a str,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub changeset: Option<&'a [u8]>,
    pub state: Option<ActionState>,
    pub ref_id: Option<i64>,
}

/// Appends `e` to the audit log; returns its id.
pub(super) fn insert_entry(tx: &Transaction, e: Entry) -> Result<i64> {
    tx.execute(
        "INSERT INTO audit_log (at, source, actor, action, target, before, after, changeset, state, ref_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            now(),
            e.source.as_str(),
            actor(),
            e.action.as_str(),
            e.target,
            e.before.map(|v| v.to_string()),
            e.after.map(|v| v.to_string()),
            e.changeset,
            e.state.map(ActionState::as_str),
            e.ref_id
        ],
    )?;
    Ok(tx.last_insert_rowid())
}
