//! Welcome messages (guide §5): a text per scope — the organisation, a department with its
//! subtree, or a member — with variables for the customer's and the member's name; the
//! narrowest scope holding a member applies. Checked against the platform's length limit (the
//! capability dataset's `welcome_message_length`; unsourced platforms are not checked) and for
//! members who own customers but no message reaches.

use crate::error::{Error, ErrorCode, Result};
use crate::history::Tx;
use crate::i18n::Lang;
use crate::org::departments::{self, Tree};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// The variables a text may hold, each in Chinese and English.
const CUSTOMER: [&str; 2] = ["{客户名称}", "{customer_name}"];
const MEMBER: [&str; 2] = ["{成员姓名}", "{member_name}"];

/// Where a message applies: a department path, a member's account, or (neither) everyone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct WelcomeScope {
    pub department: Option<String>,
    pub member: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Welcome {
    #[specta(type = f64)]
    pub id: i64,
    pub scope: WelcomeScope,
    pub text: String,
    /// UTF-8 bytes, as the platform counts them.
    pub bytes: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Uncovered {
    pub userid: String,
    pub name: String,
    pub customers: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct WelcomeCheck {
    /// The platform's limit in bytes; None when unsourced (not checked).
    pub limit: Option<u32>,
    pub limit_source: Option<String>,
    /// Messages over the limit.
    #[specta(type = Vec<f64>)]
    pub too_long: Vec<i64>,
    /// Members who own customers and whom no message reaches.
    pub uncovered: Vec<Uncovered>,
}

fn scope_ids(conn: &Connection, scope: &WelcomeScope) -> Result<(Option<i64>, Option<i64>)> {
    match (&scope.department, &scope.member) {
        (Some(_), Some(_)) => Err(Error::new(ErrorCode::InvalidValue, "welcome_one_scope")),
        (Some(path), None) => {
            let tree = Tree::load(conn)?;
            Ok((
                Some(departments::resolve(&tree, &path.as_str().into())?),
                None,
            ))
        }
        (None, Some(u)) => Ok((None, Some(super::member_id(conn, u)?))),
        (None, None) => Ok((None, None)),
    }
}

/// Sets the message of a scope (replacing the one it had).
pub(crate) fn set(tx: &Tx, scope: &WelcomeScope, text: &str) -> Result<i64> {
    let text = crate::validate::clean(text)
        .ok_or_else(|| Error::new(ErrorCode::MissingRequired, "welcome_text_required"))?;
    let (department, member) = scope_ids(tx, scope)?;
    tx.execute(
        "DELETE FROM welcome_messages WHERE department_id IS ?1 AND member_id IS ?2",
        params![department, member],
    )?;
    tx.execute(
        "INSERT INTO welcome_messages (department_id, member_id, text) VALUES (?1, ?2, ?3)",
        params![department, member, text],
    )?;
    Ok(tx.last_insert_rowid())
}

pub(crate) fn delete(tx: &Tx, id: i64) -> Result<()> {
    if tx.execute("DELETE FROM welcome_messages WHERE id = ?1", [id])? == 0 {
        return Err(Error::new(ErrorCode::InvalidValue, "welcome_not_found").with("id", id));
    }
    Ok(())
}

struct Row {
    id: i64,
    department: Option<i64>,
    member: Option<i64>,
    text: String,
}

fn rows(conn: &Connection) -> Result<Vec<Row>> {
    let mut stmt = conn
        .prepare("SELECT id, department_id, member_id, text FROM welcome_messages ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok(Row {
            id: r.get(0)?,
            department: r.get(1)?,
            member: r.get(2)?,
            text: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn list(conn: &Connection) -> Result<Vec<Welcome>> {
    let tree = Tree::load(conn)?;
    rows(conn)?
        .into_iter()
        .map(|r| {
            let member = match r.member {
                Some(m) => Some(conn.query_row(
                    "SELECT userid FROM members WHERE id = ?1",
                    [m],
                    |x| x.get(0),
                )?),
                None => None,
            };
            Ok(Welcome {
                id: r.id,
                scope: WelcomeScope {
                    department: r.department.map(|d| tree.path(d)),
                    member,
                },
                bytes: r.text.len() as u32,
                text: r.text,
            })
        })
        .collect()
}

/// The message that reaches `member` (by id): theirs, else the nearest department's of their
/// main department (up the tree), else the organisation's.
fn applies<'r>(
    conn: &Connection,
    tree: &Tree,
    rows: &'r [Row],
    member: i64,
) -> Result<Option<&'r Row>> {
    if let Some(r) = rows.iter().find(|r| r.member == Some(member)) {
        return Ok(Some(r));
    }
    let main: Option<i64> = conn
        .query_row(
            "SELECT department_id FROM member_departments WHERE member_id = ?1 AND is_main = 1",
            [member],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(d) = main {
        for a in tree.ancestors_and_self(d).into_iter().rev() {
            if let Some(r) = rows.iter().find(|r| r.department == Some(a)) {
                return Ok(Some(r));
            }
        }
    }
    Ok(rows
        .iter()
        .find(|r| r.department.is_none() && r.member.is_none()))
}

/// The text a customer named `customer` would get from `userid`, variables filled in.
pub fn preview(conn: &Connection, userid: &str, customer: &str) -> Result<Option<String>> {
    let id = super::member_id(conn, userid)?;
    let name: String =
        conn.query_row("SELECT name FROM members WHERE id = ?1", [id], |r| r.get(0))?;
    let tree = Tree::load(conn)?;
    let all = rows(conn)?;
    Ok(applies(conn, &tree, &all, id)?.map(|r| {
        let mut text = r.text.clone();
        for v in CUSTOMER {
            text = text.replace(v, customer);
        }
        for v in MEMBER {
            text = text.replace(v, &name);
        }
        text
    }))
}

/// Messages over the platform's limit and members with customers no message reaches.
pub fn check(conn: &Connection, platform: &str, _lang: Lang) -> Result<WelcomeCheck> {
    let claim = crate::dataset::Dataset::builtin()
        .row("welcome_message_length")
        .and_then(|r| r.current(platform));
    let limit = claim.and_then(|c| match c.value.as_ref()? {
        crate::dataset::CellValue::Number { value, .. } => Some(*value as u32),
        _ => None,
    });
    let all = rows(conn)?;
    let tree = Tree::load(conn)?;
    let too_long = match limit {
        Some(l) => all
            .iter()
            .filter(|r| r.text.len() as u32 > l)
            .map(|r| r.id)
            .collect(),
        None => Vec::new(),
    };
    let owners: Vec<(i64, String, String, u32)> = conn
        .prepare(
            "SELECT m.id, m.userid, m.name, count(*) FROM customer_owners o JOIN members m ON m.id = o.member_id
             WHERE m.status = 'active' GROUP BY m.id ORDER BY m.userid",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut uncovered = Vec::new();
    for (id, userid, name, customers) in owners {
        if applies(conn, &tree, &all, id)?.is_none() {
            uncovered.push(Uncovered {
                userid,
                name,
                customers,
            });
        }
    }
    Ok(WelcomeCheck {
        limit,
        limit_source: claim
            .and_then(|c| c.source.clone())
            .filter(|_| limit.is_some()),
        too_long,
        uncovered,
    })
}
