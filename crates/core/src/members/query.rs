//! Reading members: one, a filtered list, or every member streamed in constant memory.

use super::schema::{FieldKind, MemberFields, FIELDS};
use super::{search, Member, MemberPage, MemberQuery};
use crate::error::{Error, ErrorCode, Result};
use crate::org::departments::{self, Tree};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, OpenFlags, OptionalExtension};
use std::collections::HashMap;
use std::sync::OnceLock;

/// How many members the workspace has.
pub(crate) fn count(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("SELECT count(*) FROM members", [], |r| r.get(0))?)
}

/// The id of the member with account `userid`.
pub(crate) fn id_of(conn: &Connection, userid: &str) -> Result<i64> {
    conn.query_row(
        "SELECT id FROM members WHERE userid = ?1",
        [userid.trim()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        Error::new(ErrorCode::MemberNotFound, "member_not_found").with("userid", userid.trim())
    })
}

/// The member with account `userid`.
pub(crate) fn get(conn: &Connection, userid: &str) -> Result<Member> {
    get_by_id(conn, id_of(conn, userid)?)
}

pub(super) fn get_by_id(conn: &Connection, id: i64) -> Result<Member> {
    let tree = Tree::load(conn)?;
    fetch(conn, &tree, "WHERE m.id = ?1", vec![Value::Integer(id)])?
        .pop()
        .ok_or_else(|| Error::internal(format!("member #{id} vanished")))
}

/// The members `query` finds, in the order they were added (a page of them with `limit`). A
/// search needs the index up to date (see [`super::search::catch_up`]).
pub(crate) fn list(conn: &Connection, query: &MemberQuery) -> Result<Vec<Member>> {
    Ok(page(conn, query, Count::No)?.members)
}

/// Whether and how a page counts what its query finds in all.
#[derive(Clone, Copy)]
pub(crate) enum Count {
    No,
    /// On the caller's connection, whose cache holds the index after the first searches (the
    /// app's).
    Here,
    /// A broad search's matches in parts, each on a read connection of its own, at once: for a
    /// process that answers one question (the CLI), whose connection starts with an empty cache
    /// anyway. In the app they would take a core from the web view drawing the answer.
    InParts,
}

/// The page `query` asks for ([`list`]), with the number of members it finds in all unless
/// `count` is [`Count::No`] (then 0).
pub(crate) fn page(conn: &Connection, query: &MemberQuery, count: Count) -> Result<MemberPage> {
    let search = query.search.as_deref().and_then(search::match_expr);
    let window = |ids: &[i64]| -> Vec<i64> {
        let limit = query.limit.map_or(usize::MAX, |l| l as usize);
        ids.iter()
            .copied()
            .skip(query.offset as usize)
            .take(limit)
            .collect()
    };
    let sql_window = match query.limit {
        Some(limit) => format!(" LIMIT {limit} OFFSET {}", query.offset),
        None if query.offset == 0 => String::new(),
        None => format!(" LIMIT -1 OFFSET {}", query.offset),
    };
    // One tree for the department asked for and the members' department paths.
    let tree = Tree::load(conn)?;
    let (total, members) = match (picked_departments(&tree, query)?, search) {
        // A department's members are found in Rust: its links by the department index, matched
        // against the search's ids when there is one. SQLite would build a temporary table of
        // them for every page and count them again with a sort.
        (Some(departments), search) => {
            let ids = in_departments(conn, &departments, search.as_deref())?;
            (ids.len() as u32, by_ids(conn, &tree, &window(&ids))?)
        }
        // The index gives its matches in id order, the id index everyone: only the page is
        // read (the rows skipped are never read).
        (None, search) => {
            let (from, args) = match &search {
                Some(expr) => (
                    "SELECT rowid FROM member_search WHERE member_search MATCH ?1 ORDER BY rowid",
                    vec![Value::Text(expr.clone())],
                ),
                None => ("SELECT id FROM members ORDER BY id", Vec::new()),
            };
            let tail = match (&search, sql_window.as_str()) {
                (None, "") => "ORDER BY m.id".to_string(),
                _ => format!("WHERE m.id IN ({from}{sql_window}) ORDER BY m.id"),
            };
            let members = fetch(conn, &tree, &tail, args)?;
            let total = match (count, told_by_page(query, members.len()), search) {
                (Count::No, _, _) => 0,
                (_, Some(total), _) => total,
                (_, None, None) => self::count(conn)?,
                (Count::Here, None, Some(expr)) => count_in(conn, &expr, EVERY_ID)?,
                // The page's last id tells how densely the search finds members.
                (Count::InParts, None, Some(expr)) => {
                    let seen = i64::from(query.offset) + members.len() as i64;
                    count_found(conn, &expr, members.last().map(|m| (m.id, seen)))?
                }
            };
            (total, members)
        }
    };
    Ok(MemberPage {
        total,
        offset: query.offset,
        members,
    })
}

/// The total a page of `found` members tells by itself: a page that is not full ends the list.
fn told_by_page(query: &MemberQuery, found: usize) -> Option<u32> {
    let full = query.limit.is_some_and(|limit| found >= limit as usize);
    (!full && (found > 0 || query.offset == 0)).then(|| query.offset + found as u32)
}

/// From this many members found on (as estimated), a search's matches are counted in parallel
/// parts: below it, the second connections cost more than they save.
const COUNT_IN_PARTS_FROM: i64 = 50_000;

/// How many members the search `expr` finds; `seen` is the id of the last member found so far
/// and how many were found up to it, if any.
///
/// The count walks every match in the index: about 140 ms for a query that finds all of
/// 1,000,000 members. When it would find many, it is split into ranges of ids, each counted on
/// a read connection of its own, in parallel.
fn count_found(conn: &Connection, expr: &str, seen: Option<(i64, i64)>) -> Result<u32> {
    let (first, last): (Option<i64>, Option<i64>) = conn.query_row(
        "SELECT (SELECT min(id) FROM members), (SELECT max(id) FROM members)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let (Some(first), Some(last), Some(path)) = (first, last, conn.path()) else {
        return count_in(conn, expr, EVERY_ID);
    };
    let estimate = match seen {
        Some((at, found)) => found.saturating_mul(last - first + 1) / (at - first + 1).max(1),
        None => last - first + 1,
    };
    // Other connections would not see uncommitted changes, nor an in-memory database.
    if estimate < COUNT_IN_PARTS_FROM || path.is_empty() || !conn.is_autocommit() {
        return count_in(conn, expr, EVERY_ID);
    }
    let parts = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    // A part that could not be read on its own connection (a read-only folder without the
    // shared-memory file, say) leaves the count to this one.
    count_in_parts(path, expr, &id_ranges(first, last, parts))
        .or_else(|_| count_in(conn, expr, EVERY_ID))
}

/// How many members the search `expr` finds in `ranges` of ids, each range counted on a read
/// connection of its own to the workspace file at `path`, all at once.
fn count_in_parts(path: &str, expr: &str, ranges: &[(i64, i64)]) -> Result<u32> {
    std::thread::scope(|scope| {
        let parts: Vec<_> = ranges
            .iter()
            .map(|&range| {
                scope.spawn(move || -> Result<u32> {
                    let part = Connection::open_with_flags(
                        path,
                        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                    )?;
                    part.busy_timeout(std::time::Duration::from_secs(5))?;
                    count_in(&part, expr, range)
                })
            })
            .collect();
        parts.into_iter().try_fold(0, |total, part| {
            let n = part
                .join()
                .unwrap_or_else(|_| Err(Error::internal("a count part panicked")))?;
            Ok(total + n)
        })
    })
}

/// `parts` ranges of ids that together cover `first..=last`, in order.
fn id_ranges(first: i64, last: i64, parts: usize) -> Vec<(i64, i64)> {
    let parts = parts.max(1) as i64;
    let step = (last - first) / parts + 1;
    (0..parts)
        .map(|i| {
            let lo = first.saturating_add(i.saturating_mul(step));
            (lo, lo.saturating_add(step - 1).min(last))
        })
        .filter(|(lo, hi)| lo <= hi)
        .collect()
}

/// The range of every id, for [`count_in`].
const EVERY_ID: (i64, i64) = (i64::MIN, i64::MAX);

/// How many members with ids in `range` the search `expr` finds.
fn count_in(conn: &Connection, expr: &str, (lo, hi): (i64, i64)) -> Result<u32> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM member_search WHERE member_search MATCH ?1 AND rowid BETWEEN ?2 AND ?3",
        )?
        .query_row(rusqlite::params![expr, lo, hi], |r| r.get(0))?)
}

/// The departments `query` picks (a JSON array of ids), unless that is all of them.
fn picked_departments(tree: &Tree, query: &MemberQuery) -> Result<Option<String>> {
    let Some(r) = &query.department else {
        return Ok(None);
    };
    let dept = departments::resolve(tree, r)?;
    let ids = if query.direct_only {
        vec![dept]
    } else {
        tree.subtree(dept)
    };
    // Every member is in a department: the whole tree is everyone.
    if ids.len() == tree.len() {
        return Ok(None);
    }
    Ok(Some(serde_json::to_string(&ids).map_err(Error::internal)?))
}

/// The ids of the members in `departments` (a JSON array of ids), each once and in id order;
/// with a search expression, only those it finds.
fn in_departments(conn: &Connection, departments: &str, search: Option<&str>) -> Result<Vec<i64>> {
    let mut ids: Vec<i64> = conn
        .prepare_cached(
            "SELECT member_id FROM member_departments WHERE department_id IN (SELECT value FROM json_each(?1))",
        )?
        .query_map([departments], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.sort_unstable();
    ids.dedup();
    if let Some(expr) = search {
        let found: Vec<i64> = conn
            .prepare_cached(
                "SELECT rowid FROM member_search WHERE member_search MATCH ?1 ORDER BY rowid",
            )?
            .query_map([expr], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        // Both in id order: one pass keeps the ids the search found.
        let mut at = 0;
        ids.retain(|&id| {
            while found.get(at).is_some_and(|&f| f < id) {
                at += 1;
            }
            found.get(at) == Some(&id)
        });
    }
    Ok(ids)
}

/// The members with `ids`, in id order.
fn by_ids(conn: &Connection, tree: &Tree, ids: &[i64]) -> Result<Vec<Member>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(ids).map_err(Error::internal)?;
    fetch(
        conn,
        tree,
        "WHERE m.id IN (SELECT value FROM json_each(?1)) ORDER BY m.id",
        vec![Value::Text(ids)],
    )
}

/// `SELECT … FROM members m …` with every field after `m.id, m.userid, m.created_at,
/// m.updated_at`, in [`FIELDS`] order; a reference to another member is read as their account.
fn select() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let mut columns = String::from("m.id, m.userid, m.created_at, m.updated_at");
        let mut joins = String::new();
        for (i, spec) in FIELDS.iter().enumerate() {
            if spec.kind == FieldKind::Member {
                columns.push_str(&format!(", r{i}.userid"));
                joins.push_str(&format!(
                    " LEFT JOIN members r{i} ON r{i}.id = m.\"{}\"",
                    spec.column
                ));
            } else {
                columns.push_str(&format!(", m.\"{}\"", spec.column));
            }
        }
        format!("SELECT {columns} FROM members m{joins}")
    })
}

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Member> {
    Ok(Member {
        id: r.get(0)?,
        userid: r.get(1)?,
        created_at: r.get(2)?,
        updated_at: r.get(3)?,
        fields: MemberFields::read(r, 4)?,
        departments: Vec::new(),
        department_ids: Vec::new(),
        main_department: None,
        leader_of: Vec::new(),
    })
}

/// Adds one department link (read in `is_main DESC, sort_order` order) to a member.
fn add_link(
    m: &mut Member,
    tree: &Tree,
    paths: &mut HashMap<i64, String>,
    link: (i64, bool, bool),
) {
    let (dept, main, leader) = link;
    let path = paths.entry(dept).or_insert_with(|| tree.path(dept)).clone();
    if main {
        m.main_department = Some(path.clone());
    }
    if leader {
        m.leader_of.push(path.clone());
    }
    m.departments.push(path);
    m.department_ids.push(dept);
}

const LINK_SQL: &str =
    "SELECT member_id, department_id, is_main, is_leader FROM member_departments";
const LINK_ORDER: &str = " ORDER BY member_id, is_main DESC, sort_order";

/// Calls `f` with every member in id order, one at a time: exports of any size stay in constant
/// memory.
pub(crate) fn each(conn: &Connection, mut f: impl FnMut(Member) -> Result<()>) -> Result<()> {
    let tree = Tree::load(conn)?;
    let mut paths: HashMap<i64, String> = HashMap::new();
    let mut stmt = conn.prepare(&format!("{} ORDER BY m.id", select()))?;
    // Primary key order (no sort in SQLite); each member's few links are ordered below.
    let mut link_stmt = conn.prepare(
        "SELECT member_id, department_id, is_main, is_leader, sort_order FROM member_departments ORDER BY member_id",
    )?;
    let mut links = link_stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            (r.get(1)?, r.get(2)?, r.get(3)?),
            r.get::<_, i64>(4)?,
        ))
    })?;
    let mut pending = links.next().transpose()?;
    let mut own: Vec<((i64, bool, bool), i64)> = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let mut m = from_row(r)?;
        own.clear();
        // Links of members that no longer exist cannot happen (foreign keys), but skip them safely.
        while let Some((id, link, order)) = pending {
            if id > m.id {
                break;
            }
            if id == m.id {
                own.push((link, order));
            }
            pending = links.next().transpose()?;
        }
        own.sort_by_key(|&((_, main, _), order)| (!main, order));
        for &(link, _) in &own {
            add_link(&mut m, &tree, &mut paths, link);
        }
        f(m)?;
    }
    Ok(())
}

/// The members `tail` (conditions, order, limit) selects, with their departments.
fn fetch(conn: &Connection, tree: &Tree, tail: &str, args: Vec<Value>) -> Result<Vec<Member>> {
    let mut stmt = conn.prepare(&format!("{} {tail}", select()))?;
    let mut members: Vec<Member> = stmt
        .query_map(params_from_iter(args.iter()), from_row)?
        .collect::<rusqlite::Result<_>>()?;
    if members.is_empty() {
        return Ok(members);
    }
    // Links of the listed members only when few were asked for, else of everyone in one pass.
    let mut links: HashMap<i64, Vec<(i64, bool, bool)>> = HashMap::new();
    let mut push = |r: &rusqlite::Row| -> rusqlite::Result<()> {
        links
            .entry(r.get(0)?)
            .or_default()
            .push((r.get(1)?, r.get(2)?, r.get(3)?));
        Ok(())
    };
    if members.len() <= FEW {
        let ids = serde_json::to_string(&members.iter().map(|m| m.id).collect::<Vec<_>>())
            .map_err(Error::internal)?;
        let mut stmt = conn.prepare_cached(&format!(
            "{LINK_SQL} WHERE member_id IN (SELECT value FROM json_each(?1)){LINK_ORDER}"
        ))?;
        let mut rows = stmt.query([ids])?;
        while let Some(r) = rows.next()? {
            push(r)?;
        }
    } else {
        let mut stmt = conn.prepare_cached(&format!("{LINK_SQL}{LINK_ORDER}"))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            push(r)?;
        }
    }
    let mut paths: HashMap<i64, String> = HashMap::new();
    for m in &mut members {
        for link in links.remove(&m.id).unwrap_or_default() {
            add_link(m, tree, &mut paths, link);
        }
    }
    Ok(members)
}

/// Up to this many members, their links are looked up one member at a time.
const FEW: usize = 2_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_that_is_not_full_tells_the_total() {
        let q = |offset, limit| MemberQuery {
            offset,
            limit,
            ..Default::default()
        };
        assert_eq!(told_by_page(&q(0, Some(50)), 3), Some(3));
        assert_eq!(told_by_page(&q(100, Some(50)), 3), Some(103));
        assert_eq!(told_by_page(&q(0, Some(50)), 0), Some(0));
        assert_eq!(told_by_page(&q(0, None), 7), Some(7));
        // A full page may have more after it; an empty one past the start may be past the end.
        assert_eq!(told_by_page(&q(0, Some(50)), 50), None);
        assert_eq!(told_by_page(&q(100, Some(50)), 0), None);
        assert_eq!(told_by_page(&q(0, Some(0)), 0), None);
    }

    #[test]
    fn id_ranges_cover_every_id_once_in_order() {
        for (first, last, parts) in [
            (1, 1, 2),
            (1, 10, 3),
            (5, 1_000_003, 4),
            (1, 2, 4),
            (7, 9, 1),
        ] {
            let ranges = id_ranges(first, last, parts);
            assert!(!ranges.is_empty() && ranges.len() <= parts);
            assert_eq!(ranges[0].0, first);
            assert_eq!(ranges[ranges.len() - 1].1, last);
            for pair in ranges.windows(2) {
                assert_eq!(pair[0].1 + 1, pair[1].0, "{ranges:?}");
            }
            assert!(ranges.iter().all(|(lo, hi)| lo <= hi), "{ranges:?}");
        }
    }

    /// The parallel count, on connections of its own to a real workspace file, finds what one
    /// count over every id finds.
    #[test]
    fn counts_in_parts_add_up_to_the_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.orgdesk");
        let conn = crate::db::create(&path, crate::db::latest_version()).unwrap();
        let mut insert = conn
            .prepare("INSERT INTO member_search (rowid, text) VALUES (?1, ?2)")
            .unwrap();
        for i in 0..120i64 {
            let userid = format!("user{i:03}");
            let mobile = format!("139{i:08}");
            let text = search::Searchable {
                name: ["张伟", "王芳", "李娜"][i as usize % 3],
                userid: &userid,
                mobile: (i % 4 == 0).then_some(mobile.as_str()),
                alias: None,
                email: None,
            }
            .text();
            insert.execute(rusqlite::params![i + 1, text]).unwrap();
        }
        let file = path.to_str().unwrap();
        for q in ["user", "张", "zw", "1", "139", "user11", "nobody"] {
            let expr = search::match_expr(q).unwrap();
            let whole = count_in(&conn, &expr, EVERY_ID).unwrap();
            for parts in 1..=4 {
                let ranges = id_ranges(1, 120, parts);
                let found = count_in_parts(file, &expr, &ranges).unwrap();
                assert_eq!(found, whole, "{q} in {parts} parts");
            }
        }
        let user = search::match_expr("user").unwrap();
        assert_eq!(count_in(&conn, &user, EVERY_ID).unwrap(), 120);
        assert!(count_in_parts("/nonexistent/c.orgdesk", &user, &[(1, 10)]).is_err());
    }
}
