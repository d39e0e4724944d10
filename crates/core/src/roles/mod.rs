//! Roles: permissions granted with a scope (whole organisation, the holder's own department
//! subtree, or chosen departments), assigned to members. Everything goes through the audited,
//! undoable mutation path.

/// The permission catalogue, data of the foundation (the migrations seed the built-in roles from it).
pub use crate::permissions as catalogue;
pub mod checks;
pub mod effective;
pub mod export;
pub mod mapping;

use crate::error::{Error, ErrorCode, Result};
use crate::history::{Change, Tx};
use crate::i18n::{Lang, Localized};
use crate::org::departments::{self, DepartmentRef, Tree};
use catalogue::catalogue;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use std::str::FromStr;

/// Where a granted permission applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The whole organisation.
    Organization,
    /// The holder's own departments and everything below them.
    OwnSubtree,
    /// Chosen departments and everything below them.
    Departments,
}

impl Scope {
    /// The scope of a grant when none is chosen: the chosen departments when some are given,
    /// else the holder's own subtree for a department-level role, else the whole organisation.
    /// The one default every face uses.
    pub fn default_for(level: Level, departments_given: bool) -> Scope {
        if departments_given {
            Scope::Departments
        } else if level == Level::Department {
            Scope::OwnSubtree
        } else {
            Scope::Organization
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Organization => "organization",
            Scope::OwnSubtree => "own_subtree",
            Scope::Departments => "departments",
        }
    }
}

impl FromStr for Scope {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "organization" | "organisation" | "org" | "all" | "全公司" => {
                Ok(Scope::Organization)
            }
            "own_subtree" | "own" | "subtree" | "本部门" => Ok(Scope::OwnSubtree),
            "departments" | "chosen" | "指定部门" => Ok(Scope::Departments),
            _ => Err(Error::invalid_value(
                "scope",
                s,
                "organization, own_subtree, departments",
            )),
        }
    }
}

/// How senior a role is: org-wide admins, department-level managers, or ordinary employees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Admin,
    Department,
    Employee,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Admin => "admin",
            Level::Department => "department",
            Level::Employee => "employee",
        }
    }
}

impl FromStr for Level {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "admin" => Ok(Level::Admin),
            "department" => Ok(Level::Department),
            "employee" => Ok(Level::Employee),
            _ => Err(Error::invalid_value(
                "level",
                s,
                "admin, department, employee",
            )),
        }
    }
}

/// A permission a role grants, and where.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Grant {
    pub permission: String,
    pub scope: Scope,
    /// For `departments`: the chosen departments (paths).
    pub departments: Vec<String>,
    pub department_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Role {
    pub id: i64,
    /// Built-in roles: super_admin, it_admin, department_head, employee.
    pub key: Option<String>,
    /// The display name (a built-in role's name in both languages comes from the catalogue).
    pub name: Localized,
    pub builtin: bool,
    pub level: Level,
    /// Held by every active member without an assignment.
    pub everyone: bool,
    pub grants: Vec<Grant>,
    /// Account ids of the members assigned to it.
    pub holders: Vec<String>,
}

impl Role {
    /// How the CLI and messages name the role.
    pub fn label(&self, lang: Lang) -> String {
        self.name.get(lang).to_string()
    }

    pub fn grant(&self, permission: &str) -> Option<&Grant> {
        self.grants.iter().find(|g| g.permission == permission)
    }
}

/// A role given by id, built-in key or name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, specta::Type)]
#[serde(untagged)]
pub enum RoleRef {
    Id(i64),
    Name(String),
}

fn same(n: &str) -> Localized {
    Localized {
        zh_cn: n.to_string(),
        en_us: n.to_string(),
    }
}

/// Every role with its grants and holders, built-ins first.
pub(crate) fn list(conn: &Connection) -> Result<Vec<Role>> {
    let c = catalogue();
    let tree = Tree::load(conn)?;
    let mut grant_depts: HashMap<(i64, String), Vec<i64>> = HashMap::new();
    let mut stmt = conn
        .prepare_cached("SELECT role_id, permission, department_id FROM role_grant_departments")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        grant_depts
            .entry((r.get(0)?, r.get(1)?))
            .or_default()
            .push(r.get(2)?);
    }
    let mut grants: HashMap<i64, Vec<Grant>> = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT role_id, permission, scope FROM role_grants")?;
    let mut rows = stmt.query([])?;
    let order: HashMap<&str, usize> = c
        .permissions
        .iter()
        .enumerate()
        .map(|(i, p)| (p.key.as_str(), i))
        .collect();
    while let Some(r) = rows.next()? {
        let (role, permission, scope): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let mut ids = grant_depts
            .remove(&(role, permission.clone()))
            .unwrap_or_default();
        ids.sort_by_key(|d| tree.path(*d));
        grants.entry(role).or_default().push(Grant {
            departments: ids.iter().map(|d| tree.path(*d)).collect(),
            department_ids: ids,
            scope: scope.parse().unwrap_or(Scope::Organization),
            permission,
        });
    }
    for g in grants.values_mut() {
        g.sort_by_key(|g| {
            order
                .get(g.permission.as_str())
                .copied()
                .unwrap_or(usize::MAX)
        });
    }
    let mut holders: HashMap<i64, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT a.role_id, m.userid FROM role_assignments a JOIN members m ON m.id = a.member_id ORDER BY m.id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        holders.entry(r.get(0)?).or_default().push(r.get(1)?);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id, key, name, level, everyone FROM roles ORDER BY key IS NULL, sort_order, id",
    )?;
    let roles = stmt
        .query_map([], |r| {
            let (id, key, name): (i64, Option<String>, Option<String>) =
                (r.get(0)?, r.get(1)?, r.get(2)?);
            Ok((id, key, name, r.get::<_, String>(3)?, r.get::<_, bool>(4)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(roles
        .into_iter()
        .map(|(id, key, name, level, everyone)| {
            let builtin = key.as_deref().and_then(|k| c.builtin(k));
            Role {
                id,
                name: match (builtin, &name) {
                    (_, Some(n)) => same(n),
                    (Some(b), None) => b.name.clone(),
                    (None, None) => same(key.as_deref().unwrap_or_default()),
                },
                builtin: builtin.is_some(),
                key,
                level: level.parse().unwrap_or(Level::Admin),
                everyone,
                grants: grants.remove(&id).unwrap_or_default(),
                holders: holders.remove(&id).unwrap_or_default(),
            }
        })
        .collect())
}

fn not_found(r: &RoleRef) -> Error {
    let shown = match r {
        RoleRef::Id(id) => format!("#{id}"),
        RoleRef::Name(n) => n.clone(),
    };
    Error::new(ErrorCode::RoleNotFound, "role_not_found").with("role", shown)
}

/// Finds a role by id, built-in key, or name in either language (ignoring case).
pub(crate) fn find(conn: &Connection, r: &RoleRef) -> Result<Role> {
    let roles = list(conn)?;
    find_in(&roles, r).cloned().ok_or_else(|| not_found(r))
}

/// [`find`] among roles already listed.
pub(crate) fn find_in<'r>(roles: &'r [Role], r: &RoleRef) -> Option<&'r Role> {
    match r {
        RoleRef::Id(id) => roles.iter().find(|x| x.id == *id),
        RoleRef::Name(n) => {
            let n = n.trim();
            let wanted = n
                .trim_start_matches('#')
                .parse::<i64>()
                .ok()
                .filter(|_| n.starts_with('#'));
            roles.iter().find(|x| {
                wanted == Some(x.id)
                    || x.key.as_deref().is_some_and(|k| k.eq_ignore_ascii_case(n))
                    || x.name.zh_cn.eq_ignore_ascii_case(n)
                    || x.name.en_us.eq_ignore_ascii_case(n)
            })
        }
    }
}

fn check_permission(key: &str) -> Result<()> {
    if catalogue().permission(key).is_none() {
        return Err(
            Error::new(ErrorCode::UnknownPermission, "permission_unknown")
                .with("permission", key)
                .with("known", catalogue().keys().join(", ")),
        );
    }
    Ok(())
}

fn snapshot(role: &Role) -> serde_json::Value {
    serde_json::to_value(role).unwrap_or_default()
}

pub(crate) fn add(tx: &Tx, name: &str, level: Level) -> Result<Change<Role>> {
    let name = crate::validate::clean(name)
        .ok_or_else(|| Error::new(ErrorCode::MissingRequired, "role_name_empty"))?;
    if name.chars().count() > 64 {
        return Err(Error::new(ErrorCode::TooLong, "field_too_long")
            .with("field", "role")
            .with("max", 64));
    }
    if find(tx, &RoleRef::Name(name.clone())).is_ok() {
        return Err(Error::new(ErrorCode::DuplicateRole, "role_exists").with("role", &name));
    }
    let order: i64 = tx.query_row(
        "SELECT coalesce(max(sort_order), 0) + 1 FROM roles",
        [],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO roles (name, level, sort_order) VALUES (?1, ?2, ?3)",
        params![name, level.as_str(), order],
    )?;
    let role = find(tx, &RoleRef::Id(tx.last_insert_rowid()))?;
    Ok(Change {
        target: name,
        before: None,
        after: Some(snapshot(&role)),
        value: role,
    })
}

pub(crate) fn delete(tx: &Tx, r: &RoleRef) -> Result<Change<Role>> {
    let role = find(tx, r)?;
    if role.builtin {
        return Err(Error::new(ErrorCode::InvalidValue, "role_builtin")
            .with("role", role.label(Lang::ZhCn)));
    }
    tx.execute("DELETE FROM role_assignments WHERE role_id = ?1", [role.id])?;
    tx.execute(
        "DELETE FROM role_grant_departments WHERE role_id = ?1",
        [role.id],
    )?;
    tx.execute("DELETE FROM role_grants WHERE role_id = ?1", [role.id])?;
    tx.execute("DELETE FROM app_visibility WHERE role_id = ?1", [role.id])?;
    tx.execute("DELETE FROM roles WHERE id = ?1", [role.id])?;
    Ok(Change {
        target: role.label(Lang::ZhCn),
        before: Some(snapshot(&role)),
        after: None,
        value: role,
    })
}

/// Grants (or changes the scope of) `permission` on a role; without a scope, the default
/// ([`Scope::default_for`]).
pub(crate) fn grant(
    tx: &Tx,
    r: &RoleRef,
    permission: &str,
    scope: Option<Scope>,
    chosen: &[DepartmentRef],
) -> Result<Change<Role>> {
    check_permission(permission)?;
    let before = find(tx, r)?;
    let scope = scope.unwrap_or_else(|| Scope::default_for(before.level, !chosen.is_empty()));
    let tree = Tree::load(tx)?;
    let mut ids = Vec::new();
    for d in chosen {
        let id = departments::resolve(&tree, d)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if scope == Scope::Departments && ids.is_empty() {
        return Err(
            Error::new(ErrorCode::MissingRequired, "grant_departments_required")
                .with("permission", permission),
        );
    }
    if scope != Scope::Departments {
        ids.clear();
    }
    tx.execute(
        "DELETE FROM role_grant_departments WHERE role_id = ?1 AND permission = ?2",
        params![before.id, permission],
    )?;
    tx.execute(
        "INSERT INTO role_grants (role_id, permission, scope) VALUES (?1, ?2, ?3)
         ON CONFLICT (role_id, permission) DO UPDATE SET scope = excluded.scope",
        params![before.id, permission, scope.as_str()],
    )?;
    for id in &ids {
        tx.execute(
            "INSERT INTO role_grant_departments (role_id, permission, department_id) VALUES (?1, ?2, ?3)",
            params![before.id, permission, id],
        )?;
    }
    let after = find(tx, &RoleRef::Id(before.id))?;
    Ok(Change {
        target: format!("{} · {permission}", before.label(Lang::ZhCn)),
        before: Some(json!({ "grant": before.grant(permission) })),
        after: Some(json!({ "grant": after.grant(permission) })),
        value: after,
    })
}

pub(crate) fn revoke(tx: &Tx, r: &RoleRef, permission: &str) -> Result<Change<Role>> {
    check_permission(permission)?;
    let before = find(tx, r)?;
    if before.grant(permission).is_none() {
        return Err(Error::new(ErrorCode::InvalidValue, "grant_not_found")
            .with("role", before.label(Lang::ZhCn))
            .with("permission", permission));
    }
    tx.execute(
        "DELETE FROM role_grant_departments WHERE role_id = ?1 AND permission = ?2",
        params![before.id, permission],
    )?;
    tx.execute(
        "DELETE FROM role_grants WHERE role_id = ?1 AND permission = ?2",
        params![before.id, permission],
    )?;
    let after = find(tx, &RoleRef::Id(before.id))?;
    Ok(Change {
        target: format!("{} · {permission}", before.label(Lang::ZhCn)),
        before: Some(json!({ "grant": before.grant(permission) })),
        after: None,
        value: after,
    })
}

pub(crate) fn assign(tx: &Tx, r: &RoleRef, userid: &str) -> Result<Change<Role>> {
    let role = find(tx, r)?;
    if role.everyone {
        return Err(Error::new(ErrorCode::InvalidValue, "role_everyone")
            .with("role", role.label(Lang::ZhCn)));
    }
    let member = crate::members::id_of(tx, userid)?;
    tx.execute(
        "INSERT OR IGNORE INTO role_assignments (role_id, member_id) VALUES (?1, ?2)",
        params![role.id, member],
    )?;
    let after = find(tx, &RoleRef::Id(role.id))?;
    Ok(Change {
        target: format!("{} → {}", role.label(Lang::ZhCn), userid.trim()),
        before: None,
        after: None,
        value: after,
    })
}

pub(crate) fn unassign(tx: &Tx, r: &RoleRef, userid: &str) -> Result<Change<Role>> {
    let role = find(tx, r)?;
    let member = crate::members::id_of(tx, userid)?;
    let removed = tx.execute(
        "DELETE FROM role_assignments WHERE role_id = ?1 AND member_id = ?2",
        params![role.id, member],
    )?;
    if removed == 0 {
        return Err(Error::new(ErrorCode::InvalidValue, "role_not_held")
            .with("role", role.label(Lang::ZhCn))
            .with("userid", userid.trim()));
    }
    let after = find(tx, &RoleRef::Id(role.id))?;
    Ok(Change {
        target: format!("{} ✕ {}", role.label(Lang::ZhCn), userid.trim()),
        before: None,
        after: None,
        value: after,
    })
}

/// Roles × permissions, as the matrix shows it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Matrix {
    pub roles: Vec<Role>,
    pub categories: Vec<catalogue::Category>,
    pub permissions: Vec<catalogue::Permission>,
}

pub(crate) fn matrix(conn: &Connection) -> Result<Matrix> {
    let c = catalogue();
    Ok(Matrix {
        roles: list(conn)?,
        categories: c.categories.clone(),
        permissions: c.permissions.clone(),
    })
}
