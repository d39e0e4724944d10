//! Reading members: one, a filtered list, or every member streamed in constant memory.

use super::schema::{FieldKind, MemberFields, FIELDS};
use super::{search, Member, MemberPage, MemberQuery};
use crate::error::{Error, ErrorCode, Result};
use crate::org::departments::{self, Tree};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, OptionalExtension};
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
    fetch(conn, "WHERE m.id = ?1", vec![Value::Integer(id)])?
        .pop()
        .ok_or_else(|| Error::internal(format!("member #{id} vanished")))
}

/// The members `query` finds, in the order they were added (a page of them with `limit`). A
/// search needs the index up to date (see [`super::search::catch_up`]).
pub(crate) fn list(conn: &Connection, query: &MemberQuery) -> Result<Vec<Member>> {
    Ok(page_of(conn, query, false)?.members)
}

/// [`list`] with the number of members the query finds in all.
pub(crate) fn page(conn: &Connection, query: &MemberQuery) -> Result<MemberPage> {
    page_of(conn, query, true)
}

/// The page `query` asks for, with the total when `counted` (else 0).
fn page_of(conn: &Connection, query: &MemberQuery, counted: bool) -> Result<MemberPage> {
    let search = query.search.as_deref().and_then(search::match_expr);
    let window = |ids: &[i64]| -> Vec<i64> {
        let from = ids.len().min(query.offset as usize);
        let to = match query.limit {
            Some(limit) => ids.len().min(from.saturating_add(limit as usize)),
            None => ids.len(),
        };
        ids[from..to].to_vec()
    };
    let sql_window = match query.limit {
        Some(limit) => format!(" LIMIT {limit} OFFSET {}", query.offset),
        None if query.offset == 0 => String::new(),
        None => format!(" LIMIT -1 OFFSET {}", query.offset),
    };
    let (total, members) = match (picked_departments(conn, query)?, search) {
        // A department's members are found in Rust: its links by the department index, matched
        // against the search's ids when there is one. SQLite would build a temporary table of
        // them for every page and count them again with a sort.
        (Some(departments), search) => {
            let ids = in_departments(conn, &departments, search.as_deref())?;
            (ids.len() as u32, by_ids(conn, &window(&ids))?)
        }
        // The index gives its matches in id order: only the page is read.
        (None, Some(expr)) => {
            let total = if counted {
                conn.query_row(
                    "SELECT count(*) FROM member_search WHERE member_search MATCH ?1",
                    [&expr],
                    |r| r.get(0),
                )?
            } else {
                0
            };
            let members = fetch(
                conn,
                &format!(
                    "WHERE m.id IN (SELECT rowid FROM member_search WHERE member_search MATCH ?1 ORDER BY rowid{sql_window}) ORDER BY m.id"
                ),
                vec![Value::Text(expr)],
            )?;
            (total, members)
        }
        (None, None) => {
            let total = if counted { count(conn)? } else { 0 };
            // The page's ids first, from the id index: the rows skipped are never read.
            let tail = match sql_window.as_str() {
                "" => "ORDER BY m.id".to_string(),
                window => format!(
                    "WHERE m.id IN (SELECT id FROM members ORDER BY id{window}) ORDER BY m.id"
                ),
            };
            (total, fetch(conn, &tail, Vec::new())?)
        }
    };
    Ok(MemberPage {
        total,
        offset: query.offset,
        members,
    })
}

/// The departments `query` picks (a JSON array of ids), unless that is all of them.
fn picked_departments(conn: &Connection, query: &MemberQuery) -> Result<Option<String>> {
    let Some(r) = &query.department else {
        return Ok(None);
    };
    let tree = Tree::load(conn)?;
    let dept = departments::resolve(&tree, r)?;
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
fn by_ids(conn: &Connection, ids: &[i64]) -> Result<Vec<Member>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(ids).map_err(Error::internal)?;
    fetch(
        conn,
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
fn fetch(conn: &Connection, tail: &str, args: Vec<Value>) -> Result<Vec<Member>> {
    let tree = Tree::load(conn)?;
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
            add_link(m, &tree, &mut paths, link);
        }
    }
    Ok(members)
}

/// Up to this many members, their links are looked up one member at a time.
const FEW: usize = 2_000;
