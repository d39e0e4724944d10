//! Reading members: one, a filtered list, or every member streamed in constant memory.

use super::schema::{FieldKind, MemberFields, FIELDS};
use super::{Member, MemberQuery};
use crate::error::{Error, ErrorCode, Result};
use crate::org::departments::{self, Tree};
use crate::validate::clean_opt;
use rusqlite::{params_from_iter, Connection, OptionalExtension};
use std::collections::HashMap;
use std::sync::OnceLock;

/// How many members the workspace has.
pub(crate) fn count(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("SELECT count(*) FROM members", [], |r| r.get(0))?)
}

/// The member with account `userid`.
pub(crate) fn get(conn: &Connection, userid: &str) -> Result<Member> {
    let id: Option<i64> = conn
        .query_row(
            "SELECT id FROM members WHERE userid = ?1",
            [userid.trim()],
            |r| r.get(0),
        )
        .optional()?;
    match id {
        Some(id) => get_by_id(conn, id),
        None => {
            Err(Error::new(ErrorCode::MemberNotFound, "member_not_found")
                .with("userid", userid.trim()))
        }
    }
}

pub(super) fn get_by_id(conn: &Connection, id: i64) -> Result<Member> {
    fetch(
        conn,
        "WHERE m.id = ?1",
        vec![rusqlite::types::Value::Integer(id)],
    )?
    .pop()
    .ok_or_else(|| Error::internal(format!("member #{id} vanished")))
}

pub(crate) fn list(conn: &Connection, query: &MemberQuery) -> Result<Vec<Member>> {
    use rusqlite::types::Value;
    let mut clauses = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    if let Some(r) = &query.department {
        let tree = Tree::load(conn)?;
        let dept = departments::resolve(&tree, r)?;
        args.push(Value::Integer(dept));
        let n = args.len();
        clauses.push(if query.direct_only {
            format!("m.id IN (SELECT member_id FROM member_departments WHERE department_id = ?{n})")
        } else {
            format!(
                "m.id IN (SELECT member_id FROM member_departments WHERE department_id IN (
                    WITH RECURSIVE sub(id) AS (SELECT ?{n} UNION ALL SELECT d.id FROM departments d JOIN sub ON d.parent_id = sub.id)
                    SELECT id FROM sub))"
            )
        });
    }
    if let Some(s) = clean_opt(query.search.as_deref()) {
        let escaped = s
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        args.push(Value::Text(format!("%{escaped}%")));
        let n = args.len();
        clauses.push(format!(
            "(m.name LIKE ?{n} ESCAPE '\\' OR m.userid LIKE ?{n} ESCAPE '\\' OR m.mobile LIKE ?{n} ESCAPE '\\'
              OR m.alias LIKE ?{n} ESCAPE '\\' OR m.email LIKE ?{n} ESCAPE '\\')"
        ));
    }
    let filter = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    fetch(conn, &filter, args)
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

fn fetch(
    conn: &Connection,
    filter: &str,
    args: Vec<rusqlite::types::Value>,
) -> Result<Vec<Member>> {
    let tree = Tree::load(conn)?;
    let mut stmt = conn.prepare(&format!("{} {filter} ORDER BY m.id", select()))?;
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
    if members.len() == 1 {
        let mut stmt =
            conn.prepare_cached(&format!("{LINK_SQL} WHERE member_id = ?1{LINK_ORDER}"))?;
        let mut rows = stmt.query([members[0].id])?;
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
