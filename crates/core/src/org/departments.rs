//! The department tree. Its invariants live here: no cycles, sibling names unique, names
//! valid, explicit sibling order, no deleting a department that still has children or members.

use crate::error::{Error, ErrorCode, Result};
use crate::history::{Change, Tx};
use crate::org::profile::Platform;
use crate::validate::{self, DEPARTMENT_FORBIDDEN};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;

pub use super::visibility::Visibility;

/// A department as listed: its place in the tree and how many members it has.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Department {
    pub id: i64,
    /// Full path from the top level, levels joined by `/`.
    pub path: String,
    pub name: String,
    pub parent_id: Option<i64>,
    /// Position among its siblings, from 0.
    pub order: i64,
    /// 1 for a top-level department.
    pub depth: u32,
    /// Members directly in this department.
    pub member_count: u32,
    /// Distinct members in this department and all its sub-departments.
    pub total_member_count: u32,
    pub child_count: u32,
    /// Holds sensitive data: it should be hidden from the directory or shown to chosen viewers
    /// only (a check says when it is not).
    pub sensitive: bool,
    /// Who sees it in the directory, and what its members see.
    pub visibility: Visibility,
    /// Its members (and those of the departments under it) face customers: they must be
    /// activated to use external contact.
    pub customer_facing: bool,
}

/// A department given by id (from the UI) or by full path (from the CLI and imports).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, specta::Type)]
#[serde(untagged)]
pub enum DepartmentRef {
    Id(i64),
    Path(String),
}

impl From<&str> for DepartmentRef {
    fn from(path: &str) -> Self {
        DepartmentRef::Path(path.to_string())
    }
}

/// The result of adding a department by path.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct DepartmentAdded {
    pub id: i64,
    pub path: String,
    /// Every level that did not exist before, top first.
    pub created: Vec<String>,
}

struct Node {
    parent: Option<i64>,
    name: String,
    order: i64,
    sensitive: bool,
    hidden: bool,
    only_own: bool,
    customer_facing: bool,
}

/// Who still sees a hidden department besides its own members.
#[derive(Debug, Clone, Default)]
pub(crate) struct Viewers {
    /// Departments, each with the departments under it.
    pub departments: Vec<i64>,
    /// Members by id, with their accounts.
    pub members: Vec<(i64, String)>,
}

/// Departments nest at most this deep where the platform's limit is not known (undecided, or no
/// figure in the capability dataset): deeper than any platform allows.
pub const DEPTH_CAP: usize = 32;

/// How deep departments may nest in a workspace: its platform's limit from the capability
/// dataset, else [`DEPTH_CAP`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct DepthLimit {
    pub max: usize,
    platform: Platform,
}

impl DepthLimit {
    pub(crate) fn load(conn: &Connection) -> Result<DepthLimit> {
        let platform = super::profile::load(conn)?.platform;
        let max = crate::dataset::Dataset::builtin()
            .limit(platform.as_str(), "department_depth")
            .map_or(DEPTH_CAP, |v| (v as usize).min(DEPTH_CAP));
        Ok(DepthLimit { max, platform })
    }

    /// Refuses a department `depth` levels deep (`path` names it).
    pub(crate) fn check(&self, depth: usize, path: impl FnOnce() -> String) -> Result<()> {
        if depth <= self.max {
            return Ok(());
        }
        let path = path();
        let shown: String = if path.chars().count() > 120 {
            path.chars().take(120).chain("…".chars()).collect()
        } else {
            path
        };
        Err(
            Error::new(ErrorCode::InvalidDepartment, "department_too_deep")
                .with("path", shown)
                .with("depth", depth)
                .with("max", self.max)
                .with_key("platform", format!("platforms.{}", self.platform.as_str())),
        )
    }
}

/// The whole tree in memory (a workspace holds at most tens of thousands of departments).
pub(crate) struct Tree {
    nodes: HashMap<i64, Node>,
    children: HashMap<Option<i64>, Vec<i64>>,
    viewers: HashMap<i64, Viewers>,
    pub(crate) depth_limit: DepthLimit,
}

impl Tree {
    pub(crate) fn load(conn: &Connection) -> Result<Tree> {
        let mut stmt = conn.prepare_cached(
            "SELECT id, parent_id, name, sort_order, sensitive, hidden, only_own, customer_facing
             FROM departments ORDER BY sort_order, id",
        )?;
        let mut tree = Tree {
            nodes: HashMap::new(),
            children: HashMap::new(),
            viewers: HashMap::new(),
            depth_limit: DepthLimit::load(conn)?,
        };
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let parent: Option<i64> = r.get(1)?;
            tree.children.entry(parent).or_default().push(id);
            tree.nodes.insert(
                id,
                Node {
                    parent,
                    name: r.get(2)?,
                    order: r.get(3)?,
                    sensitive: r.get(4)?,
                    hidden: r.get(5)?,
                    only_own: r.get(6)?,
                    customer_facing: r.get(7)?,
                },
            );
        }
        let mut stmt = conn.prepare_cached(
            "SELECT v.department_id, v.viewer_department_id, v.viewer_member_id, m.userid
             FROM department_viewers v LEFT JOIN members m ON m.id = v.viewer_member_id
             ORDER BY v.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let entry = tree.viewers.entry(r.get(0)?).or_default();
            match (r.get::<_, Option<i64>>(1)?, r.get::<_, Option<i64>>(2)?) {
                (Some(d), _) => entry.departments.push(d),
                (None, Some(m)) => entry.members.push((m, r.get(3)?)),
                (None, None) => {}
            }
        }
        Ok(tree)
    }

    pub(crate) fn contains(&self, id: i64) -> bool {
        self.nodes.contains_key(&id)
    }

    pub(crate) fn children(&self, parent: Option<i64>) -> &[i64] {
        self.children.get(&parent).map(Vec::as_slice).unwrap_or(&[])
    }

    pub(crate) fn parent(&self, id: i64) -> Option<i64> {
        self.nodes.get(&id).and_then(|n| n.parent)
    }

    /// Whether `id` is set hidden from the directory (its own setting, not its ancestors').
    pub(crate) fn hidden(&self, id: i64) -> bool {
        self.nodes.get(&id).is_some_and(|n| n.hidden)
    }

    /// Whether `id` or a department above it faces customers.
    pub(crate) fn customer_facing(&self, id: i64) -> bool {
        self.lineage(id)
            .iter()
            .any(|d| self.nodes.get(d).is_some_and(|n| n.customer_facing))
    }

    /// Whether the members of `id` are set to see only their own departments.
    pub(crate) fn only_own(&self, id: i64) -> bool {
        self.nodes.get(&id).is_some_and(|n| n.only_own)
    }

    /// Who still sees `id` when it is hidden.
    pub(crate) fn viewers(&self, id: i64) -> Option<&Viewers> {
        self.viewers.get(&id)
    }

    /// The listed form of `id`'s visibility setting.
    pub(crate) fn visibility(&self, id: i64) -> Visibility {
        let v = self.viewers.get(&id);
        Visibility {
            hidden: self.hidden(id),
            departments: v
                .map(|v| v.departments.iter().map(|&d| self.path(d)).collect())
                .unwrap_or_default(),
            members: v
                .map(|v| v.members.iter().map(|(_, u)| u.clone()).collect())
                .unwrap_or_default(),
            only_own: self.only_own(id),
        }
    }

    /// The ids from the top level down to `id`.
    fn lineage(&self, id: i64) -> Vec<i64> {
        let mut ids = vec![id];
        let mut cur = self.parent(id);
        while let Some(p) = cur {
            if ids.len() > self.nodes.len() {
                break; // a corrupt cycle must not hang the app
            }
            ids.push(p);
            cur = self.parent(p);
        }
        ids.reverse();
        ids
    }

    pub(crate) fn path(&self, id: i64) -> String {
        self.lineage(id)
            .iter()
            .filter_map(|i| self.nodes.get(i).map(|n| n.name.as_str()))
            .collect::<Vec<_>>()
            .join("/")
    }

    /// `id` and its ancestors.
    pub(crate) fn ancestors_and_self(&self, id: i64) -> Vec<i64> {
        self.lineage(id)
    }

    fn find_child(&self, parent: Option<i64>, name: &str) -> Option<i64> {
        self.children(parent)
            .iter()
            .copied()
            .find(|c| self.nodes[c].name == name)
    }

    pub(crate) fn find(&self, segments: &[String]) -> Option<i64> {
        let mut cur = None;
        for seg in segments {
            cur = Some(self.find_child(cur, seg)?);
        }
        cur
    }

    /// Levels from `id` down to the deepest department below it (1 for a department without
    /// sub-departments).
    fn height(&self, id: i64) -> usize {
        let mut deepest = 0;
        let mut stack = vec![(id, 1)];
        while let Some((node, level)) = stack.pop() {
            deepest = deepest.max(level);
            stack.extend(self.children(Some(node)).iter().map(|&c| (c, level + 1)));
        }
        deepest
    }

    /// Whether `node` is `root` or lies below it.
    pub(crate) fn in_subtree(&self, node: i64, root: i64) -> bool {
        self.lineage(node).contains(&root)
    }

    /// `root` and every department under it.
    pub(crate) fn subtree(&self, root: i64) -> Vec<i64> {
        let mut out = Vec::new();
        let mut stack = vec![root];
        while let Some(id) = stack.pop() {
            out.push(id);
            stack.extend(self.children(Some(id)));
        }
        out
    }

    /// How many departments there are.
    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Every department in display order: parents before children, siblings by order.
    pub(crate) fn preorder(&self) -> Vec<i64> {
        let mut out = Vec::with_capacity(self.nodes.len());
        let mut stack: Vec<i64> = self.children(None).iter().rev().copied().collect();
        while let Some(id) = stack.pop() {
            out.push(id);
            stack.extend(self.children(Some(id)).iter().rev());
        }
        out
    }

    /// The listed form of `id`, given its member counts.
    fn department(&self, id: i64, member_count: u32, total_member_count: u32) -> Department {
        let node = &self.nodes[&id];
        Department {
            id,
            path: self.path(id),
            name: node.name.clone(),
            parent_id: node.parent,
            order: node.order,
            depth: self.lineage(id).len() as u32,
            member_count,
            total_member_count,
            child_count: self.children(Some(id)).len() as u32,
            sensitive: node.sensitive,
            visibility: self.visibility(id),
            customer_facing: node.customer_facing,
        }
    }

    fn add_local(&mut self, id: i64, parent: Option<i64>, name: String, order: i64) {
        self.children.entry(parent).or_default().push(id);
        self.nodes.insert(
            id,
            Node {
                parent,
                name,
                order,
                sensitive: false,
                hidden: false,
                only_own: false,
                customer_facing: false,
            },
        );
    }
}

fn name_error(key: &'static str, name: &str) -> Error {
    Error::new(ErrorCode::InvalidDepartment, key).with("name", name)
}

/// Checks one department name and returns it trimmed.
pub fn validate_name(raw: &str) -> Result<String> {
    let Some(name) = validate::clean(raw) else {
        return Err(name_error("department_name_empty", raw));
    };
    // Invisible characters (bidi controls, zero-width) go; control characters are refused below.
    let name = validate::without_invisible(&name).unwrap_or(name);
    if name.is_empty() {
        return Err(name_error("department_name_empty", raw));
    }
    if let Some(c) = name
        .chars()
        .find(|c| DEPARTMENT_FORBIDDEN.contains(c) || c.is_control())
    {
        return Err(
            name_error("department_name_forbidden_char", &name).with("char", c.escape_debug())
        );
    }
    let length = name.chars().count();
    if length > validate::department_name_max() {
        return Err(name_error("department_name_too_long", &name)
            .with("length", length)
            .with("max", validate::department_name_max()));
    }
    Ok(name)
}

/// Splits `A/B/C` into checked level names (spaces around `/` and an outer `/` are ignored).
pub fn parse_path(text: &str) -> Result<Vec<String>> {
    let trimmed = text.trim().trim_matches('/');
    if validate::clean(trimmed).is_none() {
        return Err(Error::new(
            ErrorCode::InvalidDepartment,
            "department_path_empty",
        ));
    }
    trimmed.split('/').map(validate_name).collect()
}

fn not_found(path: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::DepartmentNotFound, "department_not_found").with("path", path)
}

/// Finds an existing department.
pub(crate) fn resolve(tree: &Tree, r: &DepartmentRef) -> Result<i64> {
    match r {
        DepartmentRef::Id(id) => tree
            .contains(*id)
            .then_some(*id)
            .ok_or_else(|| not_found(format!("#{id}"))),
        DepartmentRef::Path(p) => tree
            .find(&parse_path(p)?)
            .ok_or_else(|| not_found(p.trim())),
    }
}

/// Finds the department at `segments`, creating the missing levels. Returns its id and the
/// paths that were created.
pub(crate) fn ensure_path(
    tx: &Tx,
    tree: &mut Tree,
    segments: &[String],
) -> Result<(i64, Vec<String>)> {
    let mut parent = None;
    let mut created = Vec::new();
    for seg in segments {
        let id = match tree.find_child(parent, seg) {
            Some(id) => id,
            None => {
                let id = insert(tx, tree, parent, seg)?;
                created.push(tree.path(id));
                id
            }
        };
        parent = Some(id);
    }
    let id =
        parent.ok_or_else(|| Error::new(ErrorCode::InvalidDepartment, "department_path_empty"))?;
    Ok((id, created))
}

/// Inserts a checked name as the last child of `parent`, within the depth limit.
fn insert(tx: &Tx, tree: &mut Tree, parent: Option<i64>, name: &str) -> Result<i64> {
    let depth = parent.map_or(0, |p| tree.lineage(p).len()) + 1;
    tree.depth_limit.check(depth, || match parent {
        Some(p) => format!("{}/{name}", tree.path(p)),
        None => name.to_string(),
    })?;
    let order = tree.children(parent).len() as i64;
    tx.execute(
        "INSERT INTO departments (parent_id, name, sort_order) VALUES (?1, ?2, ?3)",
        params![parent, name, order],
    )?;
    let id = tx.last_insert_rowid();
    tree.add_local(id, parent, name.to_string(), order);
    Ok(id)
}

fn check_unique(tree: &Tree, parent: Option<i64>, name: &str, except: Option<i64>) -> Result<()> {
    match tree.find_child(parent, name) {
        Some(other) if Some(other) != except => Err(Error::new(
            ErrorCode::DuplicateDepartment,
            "department_duplicate_sibling",
        )
        .with("name", name)
        .with(
            "parent",
            parent
                .map(|p| tree.path(p))
                .unwrap_or_else(|| "/".to_string()),
        )),
        _ => Ok(()),
    }
}

/// Rewrites `sort_order` of `siblings` to their index, touching only rows that change.
fn write_order(tx: &Tx, tree: &Tree, siblings: &[i64]) -> Result<()> {
    let mut stmt = tx.prepare_cached("UPDATE departments SET sort_order = ?1 WHERE id = ?2")?;
    for (i, id) in siblings.iter().enumerate() {
        if tree.nodes.get(id).map(|n| n.order) != Some(i as i64) {
            stmt.execute(params![i as i64, id])?;
        }
    }
    Ok(())
}

fn snapshot(tree: &Tree, id: i64) -> serde_json::Value {
    let node = &tree.nodes[&id];
    json!({
        "id": id,
        "path": tree.path(id),
        "name": node.name,
        "parent": node.parent.map(|p| tree.path(p)),
        "order": node.order,
    })
}

pub(crate) fn add_path(tx: &Tx, path: &str) -> Result<Change<DepartmentAdded>> {
    let segments = parse_path(path)?;
    let mut tree = Tree::load(tx)?;
    let (id, created) = ensure_path(tx, &mut tree, &segments)?;
    let full = tree.path(id);
    if created.is_empty() {
        return Err(Error::new(ErrorCode::DepartmentExists, "department_exists").with("path", full));
    }
    Ok(Change {
        target: full.clone(),
        before: None,
        after: Some(json!({ "path": full, "created": created })),
        value: DepartmentAdded {
            id,
            path: full,
            created,
        },
    })
}

pub(crate) fn add_child(tx: &Tx, parent: Option<i64>, name: &str) -> Result<Change<Department>> {
    let name = validate_name(name)?;
    let mut tree = Tree::load(tx)?;
    if let Some(p) = parent {
        if !tree.contains(p) {
            return Err(not_found(format!("#{p}")));
        }
    }
    check_unique(&tree, parent, &name, None)?;
    let id = insert(tx, &mut tree, parent, &name)?;
    Ok(Change {
        target: tree.path(id),
        before: None,
        after: Some(snapshot(&tree, id)),
        value: get(tx, id)?,
    })
}

pub(crate) fn rename(tx: &Tx, id: i64, new_name: &str) -> Result<Change<Department>> {
    let name = validate_name(new_name)?;
    let tree = Tree::load(tx)?;
    let id = resolve(&tree, &DepartmentRef::Id(id))?;
    check_unique(&tree, tree.parent(id), &name, Some(id))?;
    let before = snapshot(&tree, id);
    tx.execute(
        "UPDATE departments SET name = ?1 WHERE id = ?2",
        params![name, id],
    )?;
    let after = snapshot(&Tree::load(tx)?, id);
    Ok(Change {
        target: tree.path(id),
        before: Some(before),
        after: Some(after),
        value: get(tx, id)?,
    })
}

/// Moves `id` under `new_parent` (None = top level) at `position` among the new siblings
/// (default: last). Moving within the same parent reorders.
pub(crate) fn move_to(
    tx: &Tx,
    id: i64,
    new_parent: Option<i64>,
    position: Option<u32>,
) -> Result<Change<Department>> {
    let tree = Tree::load(tx)?;
    let id = resolve(&tree, &DepartmentRef::Id(id))?;
    if let Some(p) = new_parent {
        resolve(&tree, &DepartmentRef::Id(p))?;
        if tree.in_subtree(p, id) {
            return Err(Error::new(ErrorCode::CyclicMove, "department_cyclic_move")
                .with("department", tree.path(id))
                .with("target", tree.path(p)));
        }
    }
    let old_parent = tree.parent(id);
    check_unique(&tree, new_parent, &tree.nodes[&id].name, Some(id))?;
    // The deepest department below it moves down (or up) with it.
    let depth = new_parent.map_or(0, |p| tree.lineage(p).len()) + tree.height(id);
    tree.depth_limit.check(depth, || {
        let name = &tree.nodes[&id].name;
        match new_parent {
            Some(p) => format!("{}/{name}", tree.path(p)),
            None => name.clone(),
        }
    })?;
    let mut siblings: Vec<i64> = tree
        .children(new_parent)
        .iter()
        .copied()
        .filter(|&c| c != id)
        .collect();
    let pos = position.map(|p| p as usize).unwrap_or(siblings.len());
    if pos > siblings.len() {
        return Err(
            Error::new(ErrorCode::InvalidValue, "department_position_invalid")
                .with("position", pos)
                .with("count", siblings.len() + 1)
                .with("max", siblings.len()),
        );
    }
    siblings.insert(pos, id);
    let before = snapshot(&tree, id);
    if old_parent != new_parent {
        tx.execute(
            "UPDATE departments SET parent_id = ?1 WHERE id = ?2",
            params![new_parent, id],
        )?;
        let old_siblings: Vec<i64> = tree
            .children(old_parent)
            .iter()
            .copied()
            .filter(|&c| c != id)
            .collect();
        write_order(tx, &tree, &old_siblings)?;
    }
    write_order(tx, &tree, &siblings)?;
    let after = snapshot(&Tree::load(tx)?, id);
    Ok(Change {
        target: tree.path(id),
        before: Some(before),
        after: Some(after),
        value: get(tx, id)?,
    })
}

pub(crate) fn delete(tx: &Tx, id: i64) -> Result<Change<Department>> {
    let tree = Tree::load(tx)?;
    let id = resolve(&tree, &DepartmentRef::Id(id))?;
    let dept = get(tx, id)?;
    if dept.child_count > 0 {
        return Err(
            Error::new(ErrorCode::DepartmentNotEmpty, "department_has_children")
                .with("path", &dept.path)
                .with("count", dept.child_count),
        );
    }
    if dept.member_count > 0 {
        return Err(
            Error::new(ErrorCode::DepartmentNotEmpty, "department_has_members")
                .with("path", &dept.path)
                .with("count", dept.member_count),
        );
    }
    let before = snapshot(&tree, id);
    tx.execute(
        "DELETE FROM role_grant_departments WHERE department_id = ?1",
        [id],
    )?;
    tx.execute(
        "DELETE FROM department_viewers WHERE department_id = ?1 OR viewer_department_id = ?1",
        [id],
    )?;
    tx.execute("DELETE FROM app_visibility WHERE department_id = ?1", [id])?;
    tx.execute(
        "DELETE FROM welcome_messages WHERE department_id = ?1",
        [id],
    )?;
    tx.execute("DELETE FROM departments WHERE id = ?1", [id])?;
    let parent = tree.parent(id);
    let siblings: Vec<i64> = tree
        .children(parent)
        .iter()
        .copied()
        .filter(|&c| c != id)
        .collect();
    write_order(tx, &tree, &siblings)?;
    Ok(Change {
        target: dept.path.clone(),
        before: Some(before),
        after: None,
        value: dept,
    })
}

pub(crate) fn set_sensitive(tx: &Tx, id: i64, sensitive: bool) -> Result<Change<Department>> {
    let before = get(tx, id)?;
    tx.execute(
        "UPDATE departments SET sensitive = ?1 WHERE id = ?2",
        params![sensitive, id],
    )?;
    let after = get(tx, id)?;
    Ok(Change {
        target: before.path.clone(),
        before: Some(json!({ "sensitive": before.sensitive })),
        after: Some(json!({ "sensitive": after.sensitive })),
        value: after,
    })
}

pub(crate) fn set_customer_facing(tx: &Tx, id: i64, on: bool) -> Result<Change<Department>> {
    let before = get(tx, id)?;
    tx.execute(
        "UPDATE departments SET customer_facing = ?1 WHERE id = ?2",
        params![on, id],
    )?;
    let after = get(tx, id)?;
    Ok(Change {
        target: before.path.clone(),
        before: Some(json!({ "customer_facing": before.customer_facing })),
        after: Some(json!({ "customer_facing": after.customer_facing })),
        value: after,
    })
}

/// Every department in tree order, with member counts.
///
/// Each department's own members are counted in the department index; a department's total is
/// then its own plus its children's totals, less the members counted twice (linked to two
/// departments under it). Only members with several links can be, and each of them has a link
/// that is not their main department: those few are read through `member_departments_extra`.
pub(crate) fn list(conn: &Connection) -> Result<Vec<Department>> {
    let tree = Tree::load(conn)?;
    let direct: HashMap<i64, u32> = conn
        .prepare_cached(
            "SELECT d.id, (SELECT count(*) FROM member_departments m WHERE m.department_id = d.id)
             FROM departments d",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut twice: HashMap<i64, u32> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT member_id, department_id FROM member_departments
         WHERE member_id IN (SELECT member_id FROM member_departments WHERE is_main = 0)
         ORDER BY member_id",
    )?;
    let mut rows = stmt.query([])?;
    let mut current: Option<i64> = None;
    let mut links: Vec<i64> = Vec::new();
    let flush = |links: &mut Vec<i64>, twice: &mut HashMap<i64, u32>| {
        if links.len() > 1 {
            let mut lineages: Vec<i64> = links
                .iter()
                .flat_map(|&d| tree.ancestors_and_self(d))
                .collect();
            lineages.sort_unstable();
            for same in lineages.chunk_by(|a, b| a == b) {
                if same.len() > 1 {
                    *twice.entry(same[0]).or_default() += same.len() as u32 - 1;
                }
            }
        }
        links.clear();
    };
    while let Some(row) = rows.next()? {
        let (member, dept): (i64, i64) = (row.get(0)?, row.get(1)?);
        if current != Some(member) {
            flush(&mut links, &mut twice);
            current = Some(member);
        }
        links.push(dept);
    }
    flush(&mut links, &mut twice);
    let order = tree.preorder();
    // Children come after their parent in preorder: summing in reverse has each child's total.
    let mut links_under: HashMap<i64, u32> = HashMap::with_capacity(order.len());
    for &id in order.iter().rev() {
        let below: u32 = tree.children(Some(id)).iter().map(|c| links_under[c]).sum();
        links_under.insert(id, direct.get(&id).copied().unwrap_or(0) + below);
    }
    Ok(order
        .into_iter()
        .map(|id| {
            let total = links_under[&id] - twice.get(&id).copied().unwrap_or(0);
            tree.department(id, direct.get(&id).copied().unwrap_or(0), total)
        })
        .collect())
}

pub(crate) fn get(conn: &Connection, id: i64) -> Result<Department> {
    let tree = Tree::load(conn)?;
    if !tree.contains(id) {
        return Err(not_found(format!("#{id}")));
    }
    let (direct, total): (u32, u32) = conn.query_row(
        "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION ALL SELECT d.id FROM departments d JOIN sub ON d.parent_id = sub.id)
         SELECT (SELECT count(*) FROM member_departments WHERE department_id = ?1),
                (SELECT count(DISTINCT member_id) FROM member_departments WHERE department_id IN sub)",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(tree.department(id, direct, total))
}

/// Finds a department by id or path.
pub(crate) fn find(conn: &Connection, r: &DepartmentRef) -> Result<Department> {
    let id = resolve(&Tree::load(conn)?, r)?;
    get(conn, id)
}
