//! Effective permissions: what a member can do and where, and who can do a thing.

use super::{list, Role, Scope};
use crate::error::{Error, ErrorCode, Result};
use crate::i18n::Localized;
use crate::members::{MemberQuery, MemberStatus};
use crate::org::departments::{self, DepartmentRef, Tree};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::HashMap;

/// One thing a member can do, where, and through which role.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct EffectiveGrant {
    pub permission: String,
    pub scope: Scope,
    /// The departments (with everything below them) it covers; empty for the whole organisation.
    pub departments: Vec<String>,
    pub role_id: i64,
    pub role: Localized,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct MemberPermissions {
    pub userid: String,
    pub name: String,
    pub status: MemberStatus,
    /// False for frozen and departed members, who hold nothing.
    pub active: bool,
    pub grants: Vec<EffectiveGrant>,
}

/// A member who holds a permission.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Holder {
    pub userid: String,
    pub name: String,
    /// The grants that give it (several roles may).
    pub via: Vec<EffectiveGrant>,
}

struct MemberRow {
    id: i64,
    userid: String,
    name: String,
    status: MemberStatus,
    departments: Vec<i64>,
}

/// Everything needed to resolve permissions, loaded once.
pub(crate) struct Resolver {
    pub(crate) roles: Vec<Role>,
    tree: Tree,
    /// Preorder interval of each department: `a` covers `b` when a.0 <= b.0 <= a.1.
    span: HashMap<i64, (u32, u32)>,
    members: Vec<MemberRow>,
    /// Role indexes assigned to each member id.
    assigned: HashMap<i64, Vec<usize>>,
}

impl Resolver {
    pub(crate) fn load(conn: &Connection) -> Result<Resolver> {
        Resolver::load_members(conn, None)
    }

    /// [`Resolver::load`] with only the members who hold a role, which is all the permission
    /// checks look at: a few rows read where [`Resolver::load`] reads every member (5 s of the
    /// home checklist's 9 s at a million members).
    pub(crate) fn load_holders(conn: &Connection) -> Result<Resolver> {
        let ids: Vec<i64> = conn
            .prepare_cached("SELECT DISTINCT member_id FROM role_assignments")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let ids = serde_json::to_string(&ids).map_err(Error::internal)?;
        Resolver::load_members(conn, Some(&ids))
    }

    /// [`Resolver::load`] with only the members of ids `only` (a JSON array), when given.
    fn load_members(conn: &Connection, only: Option<&str>) -> Result<Resolver> {
        let roles = list(conn)?;
        let tree = Tree::load(conn)?;
        let order = tree.preorder();
        let mut span: HashMap<i64, (u32, u32)> = HashMap::with_capacity(order.len());
        // The end of a subtree is the position of its last descendant in preorder.
        let mut stack: Vec<(i64, u32)> = Vec::new();
        for (pos, id) in order.iter().enumerate() {
            let depth = tree.ancestors_and_self(*id).len();
            while stack.len() >= depth {
                let (done, start) = stack.pop().expect("non-empty");
                span.insert(done, (start, pos as u32 - 1));
            }
            stack.push((*id, pos as u32));
        }
        let last = order.len() as u32;
        while let Some((done, start)) = stack.pop() {
            span.insert(done, (start, last.saturating_sub(1)));
        }
        let (links_of, members_of) = match only {
            Some(_) => (
                "WHERE member_id IN (SELECT value FROM json_each(?1))",
                "WHERE id IN (SELECT value FROM json_each(?1))",
            ),
            None => ("WHERE ?1 IS NULL", "WHERE ?1 IS NULL"),
        };
        let mut links: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut stmt = conn.prepare_cached(&format!("SELECT member_id, department_id FROM member_departments {links_of} ORDER BY member_id, is_main DESC, sort_order"))?;
        let mut rows = stmt.query([only])?;
        while let Some(r) = rows.next()? {
            links.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id, userid, name, status FROM members {members_of} ORDER BY id"
        ))?;
        let members = stmt
            .query_map([only], |r| {
                let id: i64 = r.get(0)?;
                Ok(MemberRow {
                    id,
                    userid: r.get(1)?,
                    name: r.get(2)?,
                    status: r.get::<_, String>(3)?.parse().unwrap_or_default(),
                    departments: links.remove(&id).unwrap_or_default(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let by_userid: HashMap<&str, i64> =
            members.iter().map(|m| (m.userid.as_str(), m.id)).collect();
        let mut assigned: HashMap<i64, Vec<usize>> = HashMap::new();
        for (i, role) in roles.iter().enumerate() {
            for u in &role.holders {
                if let Some(&id) = by_userid.get(u.as_str()) {
                    assigned.entry(id).or_default().push(i);
                }
            }
        }
        Ok(Resolver {
            roles,
            tree,
            span,
            members,
            assigned,
        })
    }

    fn covers(&self, root: i64, dept: i64) -> bool {
        match (self.span.get(&root), self.span.get(&dept)) {
            (Some(a), Some(b)) => a.0 <= b.0 && b.0 <= a.1,
            _ => false,
        }
    }

    fn holds(status: MemberStatus) -> bool {
        !matches!(status, MemberStatus::Frozen | MemberStatus::Departed)
    }

    /// The member's grants: from the roles everyone has and the roles assigned to them.
    fn grants_of(&self, m: &MemberRow) -> Vec<(EffectiveGrant, Vec<i64>)> {
        if !Self::holds(m.status) {
            return Vec::new();
        }
        let mut out = Vec::new();
        let everyone = self
            .roles
            .iter()
            .enumerate()
            .filter(|(_, r)| r.everyone)
            .map(|(i, _)| i);
        let assigned = self.assigned.get(&m.id).into_iter().flatten().copied();
        for i in everyone.chain(assigned) {
            let role = &self.roles[i];
            for g in &role.grants {
                let roots: Vec<i64> = match g.scope {
                    Scope::Organization => Vec::new(),
                    Scope::OwnSubtree => m.departments.clone(),
                    Scope::Departments => g.department_ids.clone(),
                };
                let grant = EffectiveGrant {
                    permission: g.permission.clone(),
                    scope: g.scope,
                    departments: roots.iter().map(|d| self.tree.path(*d)).collect(),
                    role_id: role.id,
                    role: role.name.clone(),
                };
                out.push((grant, roots));
            }
        }
        out
    }

    fn member_permissions(&self, m: &MemberRow) -> MemberPermissions {
        MemberPermissions {
            userid: m.userid.clone(),
            name: m.name.clone(),
            status: m.status,
            active: Self::holds(m.status),
            grants: self.grants_of(m).into_iter().map(|(g, _)| g).collect(),
        }
    }

    /// Whether a grant with these scope roots applies in `dept` (None: anywhere).
    fn applies(&self, scope: Scope, roots: &[i64], dept: Option<i64>) -> bool {
        match (scope, dept) {
            (Scope::Organization, _) => true,
            (_, None) => !roots.is_empty(),
            (_, Some(d)) => roots.iter().any(|r| self.covers(*r, d)),
        }
    }

    pub(crate) fn member_departments(&self, userid: &str) -> Vec<i64> {
        self.members
            .iter()
            .find(|m| m.userid == userid)
            .map(|m| m.departments.clone())
            .unwrap_or_default()
    }

    pub(crate) fn covers_any(&self, roots: &[i64], depts: &[i64]) -> bool {
        depts
            .iter()
            .any(|d| roots.iter().any(|r| self.covers(*r, *d)))
    }

    pub(crate) fn status_of(&self, userid: &str) -> Option<MemberStatus> {
        self.members
            .iter()
            .find(|m| m.userid == userid)
            .map(|m| m.status)
    }
}

/// What one member can do.
pub(crate) fn can(conn: &Connection, userid: &str) -> Result<MemberPermissions> {
    let r = Resolver::load(conn)?;
    let m = r
        .members
        .iter()
        .find(|m| m.userid.eq_ignore_ascii_case(userid.trim()))
        .ok_or_else(|| {
            Error::new(ErrorCode::MemberNotFound, "member_not_found").with("userid", userid.trim())
        })?;
    Ok(r.member_permissions(m))
}

/// Everyone who holds `permission` (in `department`, when given).
pub(crate) fn who_can(
    conn: &Connection,
    permission: &str,
    department: Option<&DepartmentRef>,
) -> Result<Vec<Holder>> {
    let mut all = Vec::new();
    each_holder(conn, permission, department, |h| all.push(h()))?;
    Ok(all)
}

/// One page of the holders of a permission.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct HoldersPage {
    /// How many members hold it in all.
    pub total: u32,
    pub offset: u32,
    pub members: Vec<Holder>,
}

/// [`who_can`] a page at a time: when everyone holds it, a million members are counted, not sent.
pub(crate) fn who_can_page(
    conn: &Connection,
    permission: &str,
    department: Option<&DepartmentRef>,
    offset: u32,
    limit: u32,
) -> Result<HoldersPage> {
    let mut total = 0;
    let mut members = Vec::new();
    each_holder(conn, permission, department, |h| {
        if total >= offset && members.len() < limit as usize {
            members.push(h());
        }
        total += 1;
    })?;
    Ok(HoldersPage {
        total,
        offset,
        members,
    })
}

/// Calls `f` for each holder of `permission` (in `department`, when given), in member order,
/// with a function that describes them (only the holders a caller keeps are described).
fn each_holder(
    conn: &Connection,
    permission: &str,
    department: Option<&DepartmentRef>,
    mut f: impl FnMut(&dyn Fn() -> Holder),
) -> Result<()> {
    super::check_permission(permission)?;
    let r = Resolver::load(conn)?;
    let dept = department
        .map(|d| departments::resolve(&r.tree, d))
        .transpose()?;
    for m in &r.members {
        let via: Vec<(EffectiveGrant, Vec<i64>)> = r
            .grants_of(m)
            .into_iter()
            .filter(|(g, roots)| g.permission == permission && r.applies(g.scope, roots, dept))
            .collect();
        if !via.is_empty() {
            f(&|| Holder {
                userid: m.userid.clone(),
                name: m.name.clone(),
                via: via.iter().map(|(g, _)| g.clone()).collect(),
            });
        }
    }
    Ok(())
}

/// Every member's effective permissions (the export of the members × permissions view).
pub(crate) fn all(conn: &Connection) -> Result<Vec<MemberPermissions>> {
    let r = Resolver::load(conn)?;
    Ok(r.members.iter().map(|m| r.member_permissions(m)).collect())
}

/// One page of members' effective permissions.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PermissionsPage {
    /// How many members the query finds in all.
    pub total: u32,
    pub offset: u32,
    pub members: Vec<MemberPermissions>,
}

/// The effective permissions of the page of members `query` finds (the members × permissions
/// view): only those members are read and resolved, whatever the workspace's size.
pub(crate) fn page(conn: &Connection, query: &MemberQuery) -> Result<PermissionsPage> {
    let found = crate::members::page(conn, query, crate::members::Count::Here)?;
    let ids = serde_json::to_string(&found.members.iter().map(|m| m.id).collect::<Vec<_>>())
        .map_err(Error::internal)?;
    let r = Resolver::load_members(conn, Some(&ids))?;
    Ok(PermissionsPage {
        total: found.total,
        offset: found.offset,
        members: r.members.iter().map(|m| r.member_permissions(m)).collect(),
    })
}
