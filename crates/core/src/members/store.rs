//! Writing members: the statements are built from the schema, so there is one
//! `INSERT INTO members` in OrgDesk (forms, the CLI, demos and imports all use it).

use super::check::check;
use super::query::{get, get_by_id};
use super::schema::{FieldKind, MemberFields, FIELDS};
use super::{Member, MemberInput, MemberSaved};
use crate::error::Result;
use crate::history::{now, Change, Tx};
use rusqlite::{params, Statement};
use std::sync::OnceLock;

/// The placeholder of field `spec` at parameter `n`: a reference to another member is given by
/// account and stored as their id.
fn placeholder(kind: FieldKind, n: usize) -> String {
    match kind {
        FieldKind::Member => format!("(SELECT id FROM members WHERE userid = ?{n})"),
        _ => format!("?{n}"),
    }
}

/// Inserts a member: `?1` the account, then every field in [`FIELDS`] order, then the time
/// (created and updated).
pub(crate) fn insert_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let mut columns = vec!["userid".to_string()];
        let mut values = vec!["?1".to_string()];
        for (i, spec) in FIELDS.iter().enumerate() {
            columns.push(format!("\"{}\"", spec.column));
            values.push(placeholder(spec.kind, i + 2));
        }
        let time = FIELDS.len() + 2;
        columns.extend(["created_at".into(), "updated_at".into()]);
        values.extend([format!("?{time}"), format!("?{time}")]);
        format!(
            "INSERT INTO members ({}) VALUES ({})",
            columns.join(", "),
            values.join(", ")
        )
    })
}

/// How an update treats the fields.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Update {
    /// Every field as given (a form).
    All,
    /// The fields an import reads; an empty one keeps the member's value.
    Imported,
}

/// Updates the member with id `?1`: every field in [`FIELDS`] order from `?2`, then the time.
pub(crate) fn update_sql(how: Update) -> &'static str {
    static ALL: OnceLock<String> = OnceLock::new();
    static IMPORTED: OnceLock<String> = OnceLock::new();
    let cell = match how {
        Update::All => &ALL,
        Update::Imported => &IMPORTED,
    };
    cell.get_or_init(|| {
        let mut sets = Vec::new();
        for (i, spec) in FIELDS.iter().enumerate() {
            let value = placeholder(spec.kind, i + 2);
            let column = format!("\"{}\"", spec.column);
            match how {
                Update::All => sets.push(format!("{column} = {value}")),
                // The name is required: a row always gives one.
                Update::Imported if spec.kind == FieldKind::Name => {
                    sets.push(format!("{column} = {value}"))
                }
                Update::Imported if spec.import => {
                    sets.push(format!("{column} = coalesce({value}, {column})"))
                }
                Update::Imported => {}
            }
        }
        sets.push(format!("updated_at = ?{}", FIELDS.len() + 2));
        format!("UPDATE members SET {} WHERE id = ?1", sets.join(", "))
    })
}

/// Runs a statement of [`insert_sql`] or [`update_sql`]: `first` is the account or the id.
pub(crate) fn execute(
    stmt: &mut Statement,
    first: &dyn rusqlite::ToSql,
    fields: &MemberFields,
    time: &str,
) -> Result<usize> {
    stmt.raw_bind_parameter(1, first)?;
    let mut n = 2;
    // An import's update does not use every parameter: binding an unused one is harmless.
    for spec in FIELDS {
        fields.bind(spec.key, stmt, n)?;
        n += 1;
    }
    stmt.raw_bind_parameter(n, time)?;
    Ok(stmt.raw_execute()?)
}

/// Replaces a member's department links: (department, leader), the main department first.
pub(crate) fn write_links(tx: &Tx, member_id: i64, departments: &[(i64, bool)]) -> Result<()> {
    tx.prepare_cached("DELETE FROM member_departments WHERE member_id = ?1")?
        .execute([member_id])?;
    let mut stmt = tx.prepare_cached(LINK_INSERT)?;
    for (i, (dept, leader)) in departments.iter().enumerate() {
        stmt.execute(params![member_id, dept, i == 0, leader, i as i64])?;
    }
    Ok(())
}

/// Links a member to a department: member, department, main, leader, order.
pub(crate) const LINK_INSERT: &str = "INSERT INTO member_departments (member_id, department_id, is_main, is_leader, sort_order) VALUES (?1, ?2, ?3, ?4, ?5)";

/// The target label of a member in the audit log.
fn label(m: &Member) -> String {
    format!("{} ({})", m.fields.name, m.userid)
}

fn json_of(m: &Member) -> serde_json::Value {
    serde_json::to_value(m).unwrap_or_default()
}

pub(crate) fn add(tx: &Tx, input: &MemberInput) -> Result<Change<MemberSaved>> {
    let (c, created) = check(tx, input, None)?;
    let mut insert = tx.prepare_cached(insert_sql())?;
    execute(&mut insert, &c.userid, &c.fields, &now())?;
    let id = tx.last_insert_rowid();
    write_links(tx, id, &c.departments)?;
    let member = get_by_id(tx, id)?;
    Ok(Change {
        target: label(&member),
        before: None,
        after: Some(json_of(&member)),
        value: MemberSaved {
            member,
            created_departments: created,
        },
    })
}

pub(crate) fn update(tx: &Tx, userid: &str, input: &MemberInput) -> Result<Change<MemberSaved>> {
    let old = get(tx, userid)?;
    let (c, created) = check(tx, input, Some(&old))?;
    let mut update = tx.prepare_cached(update_sql(Update::All))?;
    execute(&mut update, &old.id, &c.fields, &now())?;
    write_links(tx, old.id, &c.departments)?;
    let member = get_by_id(tx, old.id)?;
    Ok(Change {
        target: label(&member),
        before: Some(json_of(&old)),
        after: Some(json_of(&member)),
        value: MemberSaved {
            member,
            created_departments: created,
        },
    })
}

pub(crate) fn delete(tx: &Tx, userid: &str) -> Result<Change<Member>> {
    let old = get(tx, userid)?;
    for spec in FIELDS.iter().filter(|s| s.kind == FieldKind::Member) {
        tx.execute(
            &format!(
                "UPDATE members SET \"{0}\" = NULL WHERE \"{0}\" = ?1",
                spec.column
            ),
            [old.id],
        )?;
    }
    tx.execute(
        "DELETE FROM role_assignments WHERE member_id = ?1",
        [old.id],
    )?;
    tx.execute(
        "DELETE FROM department_viewers WHERE viewer_member_id = ?1",
        [old.id],
    )?;
    tx.execute("DELETE FROM lifecycle_ticks WHERE member_id = ?1", [old.id])?;
    tx.execute("DELETE FROM app_visibility WHERE member_id = ?1", [old.id])?;
    tx.execute("DELETE FROM app_admins WHERE member_id = ?1", [old.id])?;
    tx.execute("DELETE FROM customer_owners WHERE member_id = ?1", [old.id])?;
    tx.execute(
        "DELETE FROM campaign_senders WHERE member_id = ?1",
        [old.id],
    )?;
    tx.execute("DELETE FROM leavers WHERE member_id = ?1", [old.id])?;
    tx.execute(
        "UPDATE leavers SET successor_id = NULL WHERE successor_id = ?1",
        [old.id],
    )?;
    tx.execute(
        "DELETE FROM member_departments WHERE member_id = ?1",
        [old.id],
    )?;
    tx.execute("DELETE FROM members WHERE id = ?1", [old.id])?;
    Ok(Change {
        target: label(&old),
        before: Some(json_of(&old)),
        after: None,
        value: old,
    })
}
