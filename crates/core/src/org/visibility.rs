//! Department visibility in the directory (guide §2: "每个部门可设置独立可见范围"), modelled as
//! the three platforms set it:
//!
//! - **hidden**: the department (and every department under it) is not shown in the directory,
//!   except to its own members and to chosen viewers (departments with their sub-departments,
//!   or named members) — WeCom's 隐藏部门 with its whitelist, DingTalk's 隐藏本部门 with
//!   "允许以下人员查看", Feishu's supplementary visibility rules;
//! - **only own**: the members of the department (and of the departments under it) see only
//!   their own departments and the departments under those — WeCom's 限制查看外部门, DingTalk's
//!   限制本部门成员查看通讯录 ("只看所在部门、下级部门"), Feishu's "user can access their
//!   department".
//!
//! Where each is set on each platform is data: `assets/visibility/platforms.json`.
//!
//! A member M sees department D when every hidden department on D's path (D included) is one M
//! belongs to (directly or below it) or lists M, or a department M belongs to, among its
//! viewers; and, when M is restricted to their own departments, D is one of M's departments or
//! lies under one.

use super::departments::{self, Department, Tree};
use crate::error::{Error, ErrorCode, Result};
use crate::history::{Change, Tx};
use crate::i18n::{t, Lang};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// A department's visibility setting. Listing viewers makes the department hidden (the viewers
/// are the exceptions); with nothing set it is visible to everyone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Visibility {
    /// Hidden from the directory, except to its own members and the viewers below.
    pub hidden: bool,
    /// Departments (full paths) whose members, with those of their sub-departments, still see it.
    pub departments: Vec<String>,
    /// Members (accounts) who still see it.
    pub members: Vec<String>,
    /// Its members (and those of the departments under it) see only their own departments.
    pub only_own: bool,
}

impl Visibility {
    /// Visible to everyone, no restriction on its members: the platforms' default.
    pub fn is_default(&self) -> bool {
        !self.hidden && !self.only_own && self.departments.is_empty() && self.members.is_empty()
    }

    /// The setting in words ("隐藏（本部门成员及 财务部、zhangsan 可见） · 成员只能看到本部门").
    pub fn describe(&self, lang: Lang) -> String {
        let mut parts = Vec::new();
        let viewers: Vec<&str> = self
            .departments
            .iter()
            .chain(&self.members)
            .map(String::as_str)
            .collect();
        parts.push(match (self.hidden, viewers.is_empty()) {
            (false, _) => t(lang, "org.visibility_everyone", &[]),
            (true, true) => t(lang, "org.visibility_hidden", &[]),
            (true, false) => t(
                lang,
                "org.visibility_hidden_with",
                &[("viewers", viewers.join("、"))],
            ),
        });
        if self.only_own {
            parts.push(t(lang, "org.visibility_only_own", &[]));
        }
        parts.join(" · ")
    }
}

/// What one member sees of the directory.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Sight {
    pub userid: String,
    pub name: String,
    /// Restricted to their own departments (and those under them) by an "only own" setting.
    pub only_own: bool,
    /// The departments they see, in tree order.
    pub departments: Vec<String>,
    /// The departments hidden from them, in tree order.
    pub hidden: Vec<String>,
    /// How many members they see (members of a department they see, and themselves).
    pub members_seen: u32,
    pub members_total: u32,
}

/// Who sees one department.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Audience {
    pub department: String,
    /// Every member sees it.
    pub everyone: bool,
    /// How many members see it.
    pub count: u32,
    pub members_total: u32,
    /// The first of them (at most [`AUDIENCE_SAMPLE`]), as "name (account)", in member order.
    pub sample: Vec<String>,
    /// Hidden on its own or through a department above it: the paths of those departments.
    pub hidden_by: Vec<String>,
}

/// How many members an [`Audience`] names.
pub const AUDIENCE_SAMPLE: usize = 50;

/// The departments each member belongs to, by member id, in member order.
fn memberships(conn: &Connection) -> Result<Vec<(i64, Vec<i64>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, d.department_id FROM members m
         LEFT JOIN member_departments d ON d.member_id = m.id ORDER BY m.id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out: Vec<(i64, Vec<i64>)> = Vec::new();
    while let Some(r) = rows.next()? {
        let (member, dept): (i64, Option<i64>) = (r.get(0)?, r.get(1)?);
        match out.last_mut() {
            Some((m, depts)) if *m == member => depts.extend(dept),
            _ => out.push((member, dept.into_iter().collect())),
        }
    }
    Ok(out)
}

/// One member's standing: the departments they are in and everything above those.
struct Viewer<'a> {
    tree: &'a Tree,
    id: i64,
    own: HashSet<i64>,
    within: HashSet<i64>,
    only_own: bool,
}

impl<'a> Viewer<'a> {
    fn new(tree: &'a Tree, id: i64, own: &[i64]) -> Viewer<'a> {
        let within: HashSet<i64> = own
            .iter()
            .flat_map(|&d| tree.ancestors_and_self(d))
            .collect();
        let only_own = within.iter().any(|&d| tree.only_own(d));
        Viewer {
            tree,
            id,
            own: own.iter().copied().collect(),
            within,
            only_own,
        }
    }

    /// Whether the hidden department `h` still shows to this member.
    fn let_in(&self, h: i64) -> bool {
        self.within.contains(&h)
            || self.tree.viewers(h).is_some_and(|v| {
                v.members.iter().any(|(m, _)| *m == self.id)
                    || v.departments.iter().any(|d| self.within.contains(d))
            })
    }

    fn sees(&self, dept: i64) -> bool {
        let lineage = self.tree.ancestors_and_self(dept);
        if self.only_own && !lineage.iter().any(|d| self.own.contains(d)) {
            return false;
        }
        lineage
            .iter()
            .all(|&a| !self.tree.hidden(a) || self.let_in(a))
    }
}

/// What the member with account `userid` sees.
pub(crate) fn sight(conn: &Connection, userid: &str) -> Result<Sight> {
    let (id, userid, name): (i64, String, String) = conn
        .query_row(
            "SELECT id, userid, name FROM members WHERE userid = ?1",
            [userid.trim()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| {
            Error::new(ErrorCode::MemberNotFound, "member_not_found").with("userid", userid.trim())
        })?;
    let tree = Tree::load(conn)?;
    let everyone = memberships(conn)?;
    let own = everyone
        .iter()
        .find(|(m, _)| *m == id)
        .map(|(_, d)| d.clone())
        .unwrap_or_default();
    let viewer = Viewer::new(&tree, id, &own);
    let (mut departments, mut hidden) = (Vec::new(), Vec::new());
    let mut seen = HashSet::new();
    for d in tree.preorder() {
        if viewer.sees(d) {
            seen.insert(d);
            departments.push(tree.path(d));
        } else {
            hidden.push(tree.path(d));
        }
    }
    let members_seen = everyone
        .iter()
        .filter(|(m, depts)| *m == id || depts.iter().any(|d| seen.contains(d)))
        .count() as u32;
    Ok(Sight {
        userid,
        name,
        only_own: viewer.only_own,
        departments,
        hidden,
        members_seen,
        members_total: everyone.len() as u32,
    })
}

/// Who sees the department `id`.
pub(crate) fn audience(conn: &Connection, id: i64) -> Result<Audience> {
    let tree = Tree::load(conn)?;
    let everyone = memberships(conn)?;
    let mut count = 0u32;
    let mut first = Vec::new();
    for (member, own) in &everyone {
        if Viewer::new(&tree, *member, own).sees(id) {
            count += 1;
            if first.len() < AUDIENCE_SAMPLE {
                first.push(*member);
            }
        }
    }
    let mut stmt = conn.prepare_cached("SELECT name, userid FROM members WHERE id = ?1")?;
    let sample = first
        .iter()
        .map(|m| {
            stmt.query_row([m], |r| {
                Ok(format!(
                    "{} ({})",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?
                ))
            })
        })
        .collect::<rusqlite::Result<_>>()?;
    Ok(Audience {
        department: tree.path(id),
        everyone: count as usize == everyone.len(),
        count,
        members_total: everyone.len() as u32,
        sample,
        hidden_by: tree
            .ancestors_and_self(id)
            .into_iter()
            .filter(|&a| tree.hidden(a))
            .map(|a| tree.path(a))
            .collect(),
    })
}

/// Whether `id` is hidden from the directory, on its own or through a department above it.
pub(crate) fn effectively_hidden(tree: &Tree, id: i64) -> bool {
    tree.ancestors_and_self(id)
        .into_iter()
        .any(|a| tree.hidden(a))
}

/// Replaces the visibility of department `id`.
pub(crate) fn set(tx: &Tx, id: i64, input: &Visibility) -> Result<Change<Department>> {
    let tree = Tree::load(tx)?;
    let id = departments::resolve(&tree, &departments::DepartmentRef::Id(id))?;
    let mut viewer_departments: Vec<i64> = Vec::new();
    for path in &input.departments {
        let d = departments::resolve(&tree, &departments::DepartmentRef::Path(path.clone()))?;
        if !viewer_departments.contains(&d) {
            viewer_departments.push(d);
        }
    }
    let mut viewer_members: Vec<i64> = Vec::new();
    for userid in &input.members {
        let m: i64 = tx
            .query_row(
                "SELECT id FROM members WHERE userid = ?1",
                [userid.trim()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| {
                Error::new(ErrorCode::MemberNotFound, "member_not_found")
                    .with("userid", userid.trim())
            })?;
        if !viewer_members.contains(&m) {
            viewer_members.push(m);
        }
    }
    let hidden = input.hidden || !viewer_departments.is_empty() || !viewer_members.is_empty();
    let before = tree.visibility(id);
    tx.execute(
        "UPDATE departments SET hidden = ?1, only_own = ?2 WHERE id = ?3",
        params![hidden, input.only_own, id],
    )?;
    tx.execute(
        "DELETE FROM department_viewers WHERE department_id = ?1",
        [id],
    )?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO department_viewers (department_id, viewer_department_id, viewer_member_id)
         VALUES (?1, ?2, ?3)",
    )?;
    for d in viewer_departments {
        insert.execute(params![id, d, None::<i64>])?;
    }
    for m in viewer_members {
        insert.execute(params![id, None::<i64>, m])?;
    }
    let after = departments::get(tx, id)?;
    Ok(Change {
        target: after.path.clone(),
        before: Some(json!({ "visibility": before })),
        after: Some(json!({ "visibility": after.visibility })),
        value: after,
    })
}

/// Where a visibility setting is made on one platform (`assets/visibility/platforms.json`).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct PlatformSetting {
    /// `hidden`, `viewers` or `only_own`.
    pub setting: String,
    /// Where in the admin console, zh-CN and en-US.
    pub console: HashMap<String, String>,
    /// The field of the platform's department API that carries it, where there is one.
    pub api: Option<String>,
    pub source: String,
    pub checked: String,
    /// `official`, `third-party` or `unsourced`, as in the capability dataset.
    pub confidence: String,
}

#[derive(Deserialize)]
struct MappingFile {
    platforms: HashMap<String, Vec<PlatformSetting>>,
}

/// How each visibility setting is made on each platform, keyed by platform (`wecom` …).
pub fn platform_mapping() -> &'static HashMap<String, Vec<PlatformSetting>> {
    static MAPPING: OnceLock<HashMap<String, Vec<PlatformSetting>>> = OnceLock::new();
    MAPPING.get_or_init(|| {
        let file: MappingFile =
            serde_json::from_str(include_str!("../../../../assets/visibility/platforms.json"))
                .expect("assets/visibility/platforms.json is checked by its tests");
        file.platforms
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_covers_every_platform_and_setting_with_a_source() {
        let m = platform_mapping();
        for platform in ["wecom", "dingtalk", "feishu"] {
            let settings = &m[platform];
            for key in ["hidden", "viewers", "only_own"] {
                let s = settings
                    .iter()
                    .find(|s| s.setting == key)
                    .unwrap_or_else(|| panic!("{platform}: no {key}"));
                assert!(
                    ["official", "third-party", "unsourced"].contains(&s.confidence.as_str()),
                    "{platform}/{key}: {}",
                    s.confidence
                );
                assert_eq!(s.source.is_empty(), s.confidence == "unsourced");
                assert!(
                    s.checked.len() == 10,
                    "{platform}/{key}: date {}",
                    s.checked
                );
                for lang in ["zh-CN", "en-US"] {
                    assert!(!s.console[lang].is_empty(), "{platform}/{key}/{lang}");
                }
            }
        }
    }
}
