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
    list_with(conn, Filter::new(conn, query)?, query)
}

fn list_with(conn: &Connection, filter: Filter, query: &MemberQuery) -> Result<Vec<Member>> {
    let window = match (query.limit, query.offset) {
        (Some(limit), offset) => format!(" LIMIT {limit} OFFSET {offset}"),
        (None, 0) => String::new(),
        (None, offset) => format!(" LIMIT -1 OFFSET {offset}"),
    };
    match filter.search_only() {
        // The index gives its matches in id order: only the page is read.
        Some(expr) => fetch(
            conn,
            &format!(
                "WHERE m.id IN (SELECT rowid FROM member_search WHERE member_search MATCH ?1 ORDER BY rowid{window}) ORDER BY m.id"
            ),
            vec![Value::Text(expr.to_string())],
        ),
        None => fetch(conn, &format!("{} ORDER BY m.id{window}", filter.sql), filter.args),
    }
}

/// [`list`] with the number of members the query finds in all.
pub(crate) fn page(conn: &Connection, query: &MemberQuery) -> Result<MemberPage> {
    let filter = Filter::new(conn, query)?;
    let total = match (filter.search_only(), &filter.departments) {
        (Some(expr), _) => conn.query_row(
            "SELECT count(*) FROM member_search WHERE member_search MATCH ?1",
            [expr],
            |r| r.get(0),
        )?,
        (None, Some(ids)) if filter.search.is_none() => conn.query_row(
            &format!(
                "SELECT count(DISTINCT member_id) FROM member_departments WHERE {IN_DEPARTMENTS}"
            ),
            [ids],
            |r| r.get(0),
        )?,
        _ => conn.query_row(
            &format!("SELECT count(*) FROM members m {}", filter.sql),
            params_from_iter(filter.args.iter()),
            |r| r.get(0),
        )?,
    };
    Ok(MemberPage {
        total,
        offset: query.offset,
        members: list_with(conn, filter, query)?,
    })
}

/// The `WHERE` clause (possibly empty) for a query's department and search, with its arguments.
struct Filter {
    sql: String,
    args: Vec<Value>,
    /// The search expression, when the query has one.
    search: Option<String>,
    /// The departments the query picks (a JSON array of ids), unless that is all of them.
    departments: Option<String>,
}

/// Member links in the departments of a JSON array of ids (`?1`).
const IN_DEPARTMENTS: &str = "department_id IN (SELECT value FROM json_each(?1))";

impl Filter {
    fn new(conn: &Connection, query: &MemberQuery) -> Result<Filter> {
        let mut clauses = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        let mut departments = None;
        if let Some(r) = &query.department {
            let tree = Tree::load(conn)?;
            let dept = departments::resolve(&tree, r)?;
            let ids = if query.direct_only {
                vec![dept]
            } else {
                tree.subtree(dept)
            };
            // Every member is in a department: the whole tree is everyone.
            if ids.len() < tree.len() {
                let ids = serde_json::to_string(&ids).map_err(Error::internal)?;
                args.push(Value::Text(ids.clone()));
                departments = Some(ids);
                clauses.push(format!(
                    "m.id IN (SELECT member_id FROM member_departments WHERE {IN_DEPARTMENTS})"
                ));
            }
        }
        let search = query.search.as_deref().and_then(search::match_expr);
        if let Some(expr) = &search {
            args.push(Value::Text(expr.clone()));
            clauses.push(format!(
                "m.id IN (SELECT rowid FROM member_search WHERE member_search MATCH ?{})",
                args.len()
            ));
        }
        let sql = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        Ok(Filter {
            sql,
            args,
            search,
            departments,
        })
    }

    /// The search expression when the query is a search and nothing else.
    fn search_only(&self) -> Option<&str> {
        self.search
            .as_deref()
            .filter(|_| self.departments.is_none())
    }
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
