//! Members: the people in the directory, their departments (one of them main) and leader flags.

pub mod userid;

use crate::error::{Error, ErrorCode, Result};
use crate::history::{now, Change};
use crate::org::departments::{self, DepartmentRef, Tree};
use crate::validate::{self, clean_opt, TEXT_FIELD_MAX};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }
}

impl rusqlite::ToSql for Gender {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

impl FromStr for Gender {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "male" | "m" | "男" | "1" => Ok(Gender::Male),
            "female" | "f" | "女" | "2" => Ok(Gender::Female),
            _ => Err(Error::invalid_value("gender", s, "male / 男, female / 女")),
        }
    }
}

/// Lifecycle of a member: invited → unverified → active → frozen → departed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum MemberStatus {
    Invited,
    Unverified,
    #[default]
    Active,
    Frozen,
    Departed,
}

impl MemberStatus {
    pub const ALL: [MemberStatus; 5] = [
        MemberStatus::Invited,
        MemberStatus::Unverified,
        MemberStatus::Active,
        MemberStatus::Frozen,
        MemberStatus::Departed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Invited => "invited",
            MemberStatus::Unverified => "unverified",
            MemberStatus::Active => "active",
            MemberStatus::Frozen => "frozen",
            MemberStatus::Departed => "departed",
        }
    }
}

impl FromStr for MemberStatus {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let lower = s.trim().to_ascii_lowercase();
        MemberStatus::ALL
            .into_iter()
            .find(|m| m.as_str() == lower)
            .ok_or_else(|| {
                Error::invalid_value("status", s, "invited, unverified, active, frozen, departed")
            })
    }
}

/// What a form, the CLI or an import gives for a member. Text is cleaned and checked by the
/// core; departments are ids or full paths, the first one is the main department.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, specta::Type)]
#[serde(default)]
pub struct MemberInput {
    /// Generated from the name's pinyin when empty.
    pub userid: Option<String>,
    pub name: String,
    pub alias: Option<String>,
    pub mobile: Option<String>,
    pub telephone: Option<String>,
    pub email: Option<String>,
    pub biz_email: Option<String>,
    pub gender: Option<Gender>,
    pub position: Option<String>,
    pub employee_no: Option<String>,
    /// The manager's account id.
    pub manager: Option<String>,
    pub rank: Option<String>,
    pub join_date: Option<String>,
    /// Defaults to active for a new member and to the current status on update.
    pub status: Option<MemberStatus>,
    pub address: Option<String>,
    pub employment_type: Option<String>,
    pub departments: Vec<DepartmentRef>,
    /// Departments (among `departments`) this member leads.
    pub leader_of: Vec<DepartmentRef>,
}

/// A member as shown and exported.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Member {
    pub id: i64,
    pub userid: String,
    pub name: String,
    pub alias: Option<String>,
    pub mobile: Option<String>,
    pub telephone: Option<String>,
    pub email: Option<String>,
    pub biz_email: Option<String>,
    pub gender: Option<Gender>,
    pub position: Option<String>,
    pub employee_no: Option<String>,
    pub manager: Option<String>,
    pub rank: Option<String>,
    pub join_date: Option<String>,
    pub status: MemberStatus,
    pub address: Option<String>,
    pub employment_type: Option<String>,
    /// Department paths, the main department first.
    pub departments: Vec<String>,
    /// Department ids, in the same order as `departments`.
    pub department_ids: Vec<i64>,
    pub main_department: Option<String>,
    pub leader_of: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl Member {
    /// The form input that reproduces this member (for editing).
    pub fn to_input(&self) -> MemberInput {
        let leader_ids = self
            .department_ids
            .iter()
            .zip(&self.departments)
            .filter(|(_, p)| self.leader_of.contains(p))
            .map(|(id, _)| DepartmentRef::Id(*id))
            .collect();
        MemberInput {
            userid: Some(self.userid.clone()),
            name: self.name.clone(),
            alias: self.alias.clone(),
            mobile: self.mobile.clone(),
            telephone: self.telephone.clone(),
            email: self.email.clone(),
            biz_email: self.biz_email.clone(),
            gender: self.gender,
            position: self.position.clone(),
            employee_no: self.employee_no.clone(),
            manager: self.manager.clone(),
            rank: self.rank.clone(),
            join_date: self.join_date.clone(),
            status: Some(self.status),
            address: self.address.clone(),
            employment_type: self.employment_type.clone(),
            departments: self
                .department_ids
                .iter()
                .map(|id| DepartmentRef::Id(*id))
                .collect(),
            leader_of: leader_ids,
        }
    }
}

/// Which members to list.
#[derive(Debug, Clone, Default, Deserialize, Serialize, specta::Type)]
#[serde(default)]
pub struct MemberQuery {
    /// Only members of this department (and, unless `direct_only`, of its sub-departments).
    pub department: Option<DepartmentRef>,
    pub direct_only: bool,
    /// Matches name, account, mobile, alias and email (case-insensitive substring).
    pub search: Option<String>,
}

/// A member after cleaning and checking, ready to write.
struct Checked {
    userid: String,
    name: String,
    alias: Option<String>,
    mobile: Option<String>,
    telephone: Option<String>,
    email: Option<String>,
    biz_email: Option<String>,
    gender: Option<Gender>,
    position: Option<String>,
    employee_no: Option<String>,
    manager_id: Option<i64>,
    rank: Option<String>,
    join_date: Option<String>,
    status: MemberStatus,
    address: Option<String>,
    employment_type: Option<String>,
    /// (department, leader), the main department first.
    departments: Vec<(i64, bool)>,
}

fn text_field(field: &'static str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    let v = clean_opt(value);
    if let Some(s) = &v {
        if s.chars().count() > max {
            return Err(Error::new(ErrorCode::TooLong, "field_too_long")
                .with("field", field)
                .with("max", max));
        }
    }
    Ok(v)
}

fn other_member_with(
    conn: &Connection,
    column: &str,
    value: &str,
    except: Option<i64>,
) -> Result<Option<String>> {
    let sql = format!("SELECT name FROM members WHERE {column} = ?1 AND id IS NOT ?2");
    Ok(conn
        .query_row(&sql, params![value, except], |r| r.get(0))
        .optional()?)
}

/// Cleans and checks `input`. `existing` is the member being updated. Missing department levels
/// given by path are created (inside the caller's transaction); their paths are returned.
fn check(
    conn: &Connection,
    input: &MemberInput,
    existing: Option<&Member>,
) -> Result<(Checked, Vec<String>)> {
    let except = existing.map(|m| m.id);
    let name = validate::clean(&input.name)
        .ok_or_else(|| Error::new(ErrorCode::MissingRequired, "member_name_empty"))?;
    if name.chars().count() > validate::member_name_max() {
        return Err(Error::new(ErrorCode::TooLong, "member_name_too_long")
            .with("name", &name)
            .with("max", validate::member_name_max()));
    }
    let given_userid = clean_opt(input.userid.as_deref());
    let userid = match (existing, given_userid) {
        (Some(m), Some(u)) if !u.eq_ignore_ascii_case(&m.userid) => {
            return Err(
                Error::new(ErrorCode::InvalidUserid, "userid_immutable").with("userid", &m.userid)
            );
        }
        (Some(m), _) => m.userid.clone(),
        (None, Some(u)) => {
            if !validate::is_valid_userid(&u) {
                return Err(
                    Error::new(ErrorCode::InvalidUserid, "userid_invalid").with("userid", &u)
                );
            }
            if let Some(other) = other_member_with(conn, "userid", &u, None)? {
                return Err(Error::new(ErrorCode::DuplicateUserid, "userid_duplicate")
                    .with("userid", &u)
                    .with("name", other));
            }
            u
        }
        (None, None) => userid::generate(conn, &name, &[])?,
    };
    let mobile = match clean_opt(input.mobile.as_deref()) {
        None => None,
        Some(raw) => {
            let m = validate::normalize_mobile(&raw).ok_or_else(|| {
                Error::new(ErrorCode::InvalidMobile, "mobile_invalid").with("mobile", &raw)
            })?;
            if let Some(other) = other_member_with(conn, "mobile", &m, except)? {
                return Err(Error::new(ErrorCode::DuplicateMobile, "mobile_duplicate")
                    .with("mobile", &m)
                    .with("name", other));
            }
            Some(m)
        }
    };
    let email = match clean_opt(input.email.as_deref()) {
        None => None,
        Some(e) => {
            if !validate::is_valid_email(&e) {
                return Err(Error::new(ErrorCode::InvalidEmail, "email_invalid").with("email", &e));
            }
            if let Some(other) = other_member_with(conn, "email", &e, except)? {
                return Err(Error::new(ErrorCode::DuplicateEmail, "email_duplicate")
                    .with("email", &e)
                    .with("name", other));
            }
            Some(e)
        }
    };
    let biz_email = match clean_opt(input.biz_email.as_deref()) {
        Some(e) if !validate::is_valid_email(&e) => {
            return Err(Error::new(ErrorCode::InvalidEmail, "email_invalid").with("email", &e));
        }
        other => other,
    };
    let position = clean_opt(input.position.as_deref());
    if let Some(p) = &position {
        if p.chars().count() > validate::position_max() {
            return Err(Error::new(ErrorCode::TooLong, "position_too_long")
                .with("value", p)
                .with("max", validate::position_max()));
        }
    }
    let join_date = match clean_opt(input.join_date.as_deref()) {
        None => None,
        Some(d) => Some(validate::normalize_date(&d).ok_or_else(|| {
            Error::new(ErrorCode::InvalidDate, "date_invalid")
                .with("field", "join_date")
                .with("value", &d)
        })?),
    };
    let manager_id = match clean_opt(input.manager.as_deref()) {
        None => None,
        Some(u) => {
            if u.eq_ignore_ascii_case(&userid) {
                return Err(Error::new(ErrorCode::InvalidValue, "manager_self").with("name", &name));
            }
            let id: Option<i64> = conn
                .query_row("SELECT id FROM members WHERE userid = ?1", [&u], |r| {
                    r.get(0)
                })
                .optional()?;
            Some(id.ok_or_else(|| {
                Error::new(ErrorCode::MemberNotFound, "manager_not_found").with("userid", &u)
            })?)
        }
    };
    let status = input
        .status
        .or(existing.map(|m| m.status))
        .unwrap_or_default();

    let mut tree = Tree::load(conn)?;
    let mut created = Vec::new();
    let mut dept_ids: Vec<i64> = Vec::new();
    for r in &input.departments {
        let id = match r {
            DepartmentRef::Path(p) => {
                let (id, made) =
                    departments::ensure_path(conn, &mut tree, &departments::parse_path(p)?)?;
                created.extend(made);
                id
            }
            DepartmentRef::Id(_) => departments::resolve(&tree, r)?,
        };
        if dept_ids.contains(&id) {
            return Err(
                Error::new(ErrorCode::InvalidDepartment, "member_department_duplicate")
                    .with("name", &name)
                    .with("path", tree.path(id)),
            );
        }
        dept_ids.push(id);
    }
    if dept_ids.is_empty() {
        return Err(
            Error::new(ErrorCode::MissingRequired, "member_department_required")
                .with("name", &name),
        );
    }
    let mut leaders = Vec::new();
    for r in &input.leader_of {
        let id = departments::resolve(&tree, r)?;
        if !dept_ids.contains(&id) {
            return Err(Error::new(
                ErrorCode::InvalidDepartment,
                "member_leader_not_in_department",
            )
            .with("name", &name)
            .with("path", tree.path(id)));
        }
        leaders.push(id);
    }
    let checked = Checked {
        userid,
        name,
        alias: text_field("alias", input.alias.as_deref(), TEXT_FIELD_MAX)?,
        mobile,
        telephone: text_field("telephone", input.telephone.as_deref(), TEXT_FIELD_MAX)?,
        email,
        biz_email,
        gender: input.gender,
        position,
        employee_no: text_field("employee_no", input.employee_no.as_deref(), TEXT_FIELD_MAX)?,
        manager_id,
        rank: text_field("rank", input.rank.as_deref(), TEXT_FIELD_MAX)?,
        join_date,
        status,
        address: text_field("address", input.address.as_deref(), TEXT_FIELD_MAX)?,
        employment_type: text_field(
            "employment_type",
            input.employment_type.as_deref(),
            TEXT_FIELD_MAX,
        )?,
        departments: dept_ids
            .into_iter()
            .map(|d| (d, leaders.contains(&d)))
            .collect(),
    };
    Ok((checked, created))
}

fn write_links(conn: &Connection, member_id: i64, departments: &[(i64, bool)]) -> Result<()> {
    conn.execute(
        "DELETE FROM member_departments WHERE member_id = ?1",
        [member_id],
    )?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO member_departments (member_id, department_id, is_main, is_leader, sort_order) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, (dept, leader)) in departments.iter().enumerate() {
        stmt.execute(params![member_id, dept, i == 0, leader, i as i64])?;
    }
    Ok(())
}

/// The target label of a member in the audit log.
fn label(m: &Member) -> String {
    format!("{} ({})", m.name, m.userid)
}

fn json_of(m: &Member) -> serde_json::Value {
    serde_json::to_value(m).unwrap_or_default()
}

/// What adding or updating a member did.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct MemberSaved {
    #[serde(flatten)]
    pub member: Member,
    /// Department paths created on the way.
    pub created_departments: Vec<String>,
}

pub(crate) fn add(conn: &Connection, input: &MemberInput) -> Result<Change<MemberSaved>> {
    let (c, created) = check(conn, input, None)?;
    let ts = now();
    conn.execute(
        "INSERT INTO members (userid, name, alias, mobile, telephone, email, biz_email, gender, position, employee_no,
                              manager_id, rank, join_date, status, address, employment_type, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17)",
        params![
            c.userid, c.name, c.alias, c.mobile, c.telephone, c.email, c.biz_email, c.gender.map(Gender::as_str),
            c.position, c.employee_no, c.manager_id, c.rank, c.join_date, c.status.as_str(), c.address,
            c.employment_type, ts
        ],
    )?;
    let id = conn.last_insert_rowid();
    write_links(conn, id, &c.departments)?;
    let member = get_by_id(conn, id)?;
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

pub(crate) fn update(
    conn: &Connection,
    userid: &str,
    input: &MemberInput,
) -> Result<Change<MemberSaved>> {
    let old = get(conn, userid)?;
    let (c, created) = check(conn, input, Some(&old))?;
    conn.execute(
        "UPDATE members SET name = ?2, alias = ?3, mobile = ?4, telephone = ?5, email = ?6, biz_email = ?7, gender = ?8,
                position = ?9, employee_no = ?10, manager_id = ?11, rank = ?12, join_date = ?13, status = ?14,
                address = ?15, employment_type = ?16, updated_at = ?17
         WHERE id = ?1",
        params![
            old.id, c.name, c.alias, c.mobile, c.telephone, c.email, c.biz_email, c.gender.map(Gender::as_str),
            c.position, c.employee_no, c.manager_id, c.rank, c.join_date, c.status.as_str(), c.address,
            c.employment_type, now()
        ],
    )?;
    write_links(conn, old.id, &c.departments)?;
    let member = get_by_id(conn, old.id)?;
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

pub(crate) fn delete(conn: &Connection, userid: &str) -> Result<Change<Member>> {
    let old = get(conn, userid)?;
    conn.execute(
        "UPDATE members SET manager_id = NULL WHERE manager_id = ?1",
        [old.id],
    )?;
    conn.execute(
        "DELETE FROM role_assignments WHERE member_id = ?1",
        [old.id],
    )?;
    conn.execute(
        "DELETE FROM member_departments WHERE member_id = ?1",
        [old.id],
    )?;
    conn.execute("DELETE FROM members WHERE id = ?1", [old.id])?;
    Ok(Change {
        target: label(&old),
        before: Some(json_of(&old)),
        after: None,
        value: old,
    })
}

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

fn get_by_id(conn: &Connection, id: i64) -> Result<Member> {
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

const MEMBER_COLUMNS: &str = "m.id, m.userid, m.name, m.alias, m.mobile, m.telephone, m.email, m.biz_email, m.gender,
    m.position, m.employee_no, mgr.userid, m.rank, m.join_date, m.status, m.address, m.employment_type,
    m.created_at, m.updated_at";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Member> {
    Ok(Member {
        id: r.get(0)?,
        userid: r.get(1)?,
        name: r.get(2)?,
        alias: r.get(3)?,
        mobile: r.get(4)?,
        telephone: r.get(5)?,
        email: r.get(6)?,
        biz_email: r.get(7)?,
        gender: r.get::<_, Option<String>>(8)?.and_then(|g| g.parse().ok()),
        position: r.get(9)?,
        employee_no: r.get(10)?,
        manager: r.get(11)?,
        rank: r.get(12)?,
        join_date: r.get(13)?,
        status: r.get::<_, String>(14)?.parse().unwrap_or_default(),
        address: r.get(15)?,
        employment_type: r.get(16)?,
        departments: Vec::new(),
        department_ids: Vec::new(),
        main_department: None,
        leader_of: Vec::new(),
        created_at: r.get(17)?,
        updated_at: r.get(18)?,
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
    let sql = format!(
        "SELECT {MEMBER_COLUMNS} FROM members m LEFT JOIN members mgr ON mgr.id = m.manager_id ORDER BY m.id"
    );
    let mut stmt = conn.prepare(&sql)?;
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
    let sql = format!("SELECT {MEMBER_COLUMNS} FROM members m LEFT JOIN members mgr ON mgr.id = m.manager_id {filter} ORDER BY m.id");
    let mut stmt = conn.prepare(&sql)?;
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
