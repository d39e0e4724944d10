//! Changesets: SQLite's binary format for an action's row changes. Rows a bulk import inserted
//! while the session was paused are listed by id range (see [`super::Recorder::inserted`]):
//! undo and rollback delete them by those ranges in bulk, and undo first describes them here,
//! exactly as the session would have, so that redo can insert them again.

use crate::error::{Error, Result};
use rusqlite::Transaction;
use serde::{Deserialize, Serialize};

/// Rows inserted while the session was paused: those of `table` whose integer `column` is
/// between `first` and `last`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Inserted(pub String, pub String, pub i64, pub i64);

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

/// The rows action `id` inserted in bulk, by range (empty for other actions).
pub(super) fn listed(tx: &Transaction, id: i64) -> Result<Vec<Inserted>> {
    json_column(tx, id, "inserted")
}

/// The tables action `id` replaced whole (empty for other actions).
pub(super) fn replaced(tx: &Transaction, id: i64) -> Result<Vec<String>> {
    json_column(tx, id, "replaced")
}

/// A list kept as JSON in `column` of audit entry `id`; empty when there is none.
fn json_column<T: serde::de::DeserializeOwned>(
    tx: &Transaction,
    id: i64,
    column: &str,
) -> Result<Vec<T>> {
    let json: Option<String> = tx.query_row(
        &format!("SELECT {column} FROM audit_log WHERE id = ?1"),
        [id],
        |r| r.get(0),
    )?;
    Ok(match json {
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| Error::internal(format!("audit entry {id}: {e}")))?,
        None => Vec::new(),
    })
}

/// The tables that hold workspace content: every table the history tracks.
pub(super) fn content_tables(conn: &rusqlite::Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         ORDER BY name",
    )?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names.into_iter().filter(|n| super::tracked(n)).collect())
}

/// Every row of `tables` as a changeset of inserts: what an action that replaces the whole
/// content keeps of the content it replaced.
pub(super) fn describe_all(tx: &Transaction, tables: &[String]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for table in tables {
        describe_inserts(tx, &mut out, table, "1", [])?;
    }
    Ok(out)
}

/// The listed rows as a changeset of inserts (what redo applies after an undo removed them).
pub(super) fn describe(tx: &Transaction, listed: &[Inserted]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for Inserted(table, column, first, last) in listed {
        let filter = format!("\"{column}\" BETWEEN ?1 AND ?2");
        describe_inserts(tx, &mut out, table, &filter, [first, last])?;
    }
    Ok(out)
}

/// Deletes the listed rows in bulk, dependents first (they were listed after what they depend
/// on). Like the import that wrote them, a large delete rebuilds the indexes (see [`in_bulk`]).
pub(super) fn delete_listed(tx: &Transaction, listed: &[Inserted]) -> Result<()> {
    let rows: i64 = listed.iter().map(|Inserted(_, _, a, b)| b - a + 1).sum();
    let tables: Vec<&str> = listed.iter().map(|i| i.0.as_str()).collect();
    in_bulk(tx, &tables, rows, || {
        for Inserted(table, column, first, last) in listed.iter().rev() {
            tx.prepare(&format!(
                "DELETE FROM \"{table}\" WHERE \"{column}\" BETWEEN ?1 AND ?2"
            ))?
            .execute([first, last])?;
        }
        Ok(())
    })
}

/// Runs `write`, which changes `rows` rows of `tables`. From [`BULK_ROWS`] on, the tables'
/// secondary indexes are dropped before and built again after (one sort each instead of an
/// update per row); a unique index that no longer holds then fails the write, as it would have
/// row by row. Indexes a delete needs to find a parent's children are kept.
pub(super) fn in_bulk<T>(
    tx: &rusqlite::Connection,
    tables: &[&str],
    rows: i64,
    write: impl FnOnce() -> Result<T>,
) -> Result<T> {
    bulk(tx, tables, rows, true, write)
}

/// [`in_bulk`] for a write that only inserts: every secondary index is built again after.
pub(crate) fn inserting_in_bulk<T>(
    tx: &rusqlite::Connection,
    tables: &[&str],
    rows: i64,
    write: impl FnOnce() -> Result<T>,
) -> Result<T> {
    bulk(tx, tables, rows, false, write)
}

fn bulk<T>(
    tx: &rusqlite::Connection,
    tables: &[&str],
    rows: i64,
    deleting: bool,
    write: impl FnOnce() -> Result<T>,
) -> Result<T> {
    let mut bulk = Bulk::new(tables, deleting);
    bulk.coming(tx, rows)?;
    let out = write()?;
    bulk.finish(tx)?;
    Ok(out)
}

/// [`inserting_in_bulk`] for a write that learns how many rows it inserts as it goes: told
/// before each batch, it drops the indexes once the rows reach [`BULK_ROWS`]; `finish` builds
/// them again.
pub(crate) struct Bulk<'a> {
    tables: &'a [&'a str],
    deleting: bool,
    rows: i64,
    rebuild: Option<Vec<String>>,
}

impl<'a> Bulk<'a> {
    pub(crate) fn new(tables: &'a [&'a str], deleting: bool) -> Self {
        Bulk {
            tables,
            deleting,
            rows: 0,
            rebuild: None,
        }
    }

    /// `rows` more rows are about to be written.
    pub(crate) fn coming(&mut self, tx: &rusqlite::Connection, rows: i64) -> Result<()> {
        self.rows += rows;
        if self.rebuild.is_none() && self.rows >= BULK_ROWS {
            self.rebuild = Some(crate::db::drop_indexes(tx, self.tables, self.deleting)?);
        }
        Ok(())
    }

    /// Builds the dropped indexes again.
    pub(crate) fn finish(self, tx: &rusqlite::Connection) -> Result<()> {
        for sql in self.rebuild.into_iter().flatten() {
            tx.execute_batch(&sql)?;
        }
        Ok(())
    }
}

/// From this many rows on, a write rebuilds the indexes instead of updating them.
const BULK_ROWS: i64 = 5_000;

/// The tables a changeset changes and how many rows in all.
pub(super) fn tables_of(changeset: &[u8]) -> Result<(Vec<String>, i64)> {
    let mut input: &[u8] = changeset;
    let input: &mut dyn std::io::Read = &mut input;
    let mut iter = rusqlite::session::ChangesetIter::start_strm(&input)?;
    let (mut tables, mut rows) = (Vec::<String>::new(), 0);
    while let Some(item) =
        rusqlite::fallible_streaming_iterator::FallibleStreamingIterator::next(&mut iter)?
    {
        let op = item.op()?;
        if !tables.iter().any(|t| t == op.table_name()) {
            tables.push(op.table_name().to_string());
        }
        rows += 1;
    }
    Ok((tables, rows))
}

/// Whether an action after `id` that is still in effect changed one of the rows `id` inserted
/// without describing them. (One that replaced the whole content holds them as it found them,
/// as inserts: it counts as changing them.)
pub(super) fn changed_later(tx: &Transaction, id: i64, inserted: &[Inserted]) -> Result<bool> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::history::{Action, Change, Db, Source, Tx};
    use rusqlite::session::ChangesetIter;
    use rusqlite::{params, Connection};

    const SCHEMA: &str = "
        CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at, source, actor, action, target, before,
                                after, changeset, state, ref_id, inserted, described, replaced);
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

    fn write(tx: &Tx) {
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
    fn write_listed(db: &mut Db) -> i64 {
        db.record_bulk(Action::Import, |tx, recorder| {
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

    fn db() -> Db {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        Db::new(conn, Source::Cli).unwrap()
    }

    #[test]
    fn inserts_described_by_hand_equal_what_the_session_records() {
        let mut recorded = db();
        let mut by_hand = db();
        recorded
            .record(Action::Import, |tx| {
                write(tx);
                Ok(nothing())
            })
            .unwrap();
        write_listed(&mut by_hand);
        let column = |db: &Db, column: &str| -> Vec<u8> {
            db.conn()
                .query_row(
                    &format!("SELECT ifnull({column}, x'') FROM audit_log WHERE id = 1"),
                    [],
                    |r| r.get(0),
                )
                .unwrap()
        };
        // The rows are listed, and described when the action is undone (which removes them).
        assert!(column(&by_hand, "changeset").is_empty());
        by_hand.undo().unwrap();
        let (a, b) = (
            column(&recorded, "changeset"),
            column(&by_hand, "described"),
        );
        assert_eq!(changes(&a).len(), 80);
        assert_eq!(changes(&a), changes(&b));
        let count = |db: &Db, t: &str| -> i64 {
            db.conn()
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(
            (count(&by_hand, "people"), count(&by_hand, "links")),
            (0, 0)
        );
        by_hand.redo().unwrap();
        assert_eq!(
            (count(&by_hand, "people"), count(&by_hand, "links")),
            (40, 40)
        );
        // Back as listed, the rows need no description; undone again, they are described again.
        assert!(column(&by_hand, "described").is_empty());
        by_hand.undo().unwrap();
        assert_eq!(changes(&column(&by_hand, "described")), changes(&a));
        assert_eq!(count(&by_hand, "people"), 0);
    }

    #[test]
    fn a_rollback_of_listed_rows_is_refused_when_a_later_action_changed_one() {
        let mut db = db();
        let id = write_listed(&mut db);
        // A later action that only adds a row of its own does not stop the rollback...
        db.record(Action::MemberAdd, |tx| {
            tx.execute("INSERT INTO people (id, name) VALUES (100, '新人')", [])?;
            Ok(nothing())
        })
        .unwrap();
        // ...one that changes a link of a listed row does.
        db.record(Action::MemberUpdate, |tx| {
            tx.execute("UPDATE links SET main = 7 WHERE a = 5", [])?;
            Ok(nothing())
        })
        .unwrap();
        let e = db.rollback(id).unwrap_err();
        assert_eq!(e.code, ErrorCode::RollbackConflict);
        db.undo().unwrap(); // the relink
        db.rollback(id).unwrap();
        let count = |t: &str| -> i64 {
            db.conn()
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!((count("people"), count("links")), (1, 0));
    }

    #[test]
    fn writes_outside_the_mutation_path_are_refused() {
        let mut db = db();
        let e = db
            .conn()
            .execute("INSERT INTO people (name) VALUES ('x')", [])
            .unwrap_err();
        assert!(e.to_string().contains("readonly"), "{e}");
        db.record(Action::MemberAdd, |tx| {
            tx.execute("INSERT INTO people (name) VALUES ('y')", [])?;
            Ok(nothing())
        })
        .unwrap();
        // Read-only again after the action, and after a failed one.
        assert!(db.conn().execute("DELETE FROM people", []).is_err());
        let failed: crate::Result<()> = db.record(Action::MemberAdd, |tx| {
            tx.execute("INSERT INTO nowhere VALUES (1)", [])?;
            Ok(nothing())
        });
        assert!(failed.is_err());
        assert!(db.conn().execute("DELETE FROM people", []).is_err());
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
