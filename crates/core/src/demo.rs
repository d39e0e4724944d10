//! Demo companies, declared as data in `assets/demos/*.json`.

use crate::error::{Error, ErrorCode, Result};
use crate::history::{self, Source};
use crate::i18n::Localized;
use crate::members::{self, MemberInput};
use crate::org::departments::{self, Tree};
use crate::org::profile::Platform;
use crate::workspace::Workspace;
use rusqlite::TransactionBehavior;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

const DEMOS: &[&str] = &[
    include_str!("../../../assets/demos/shili-keji.json"),
    include_str!("../../../assets/demos/xianguo-lingshou.json"),
    include_str!("../../../assets/demos/hengli-jinggong.json"),
    include_str!("../../../assets/demos/yunzhan-keji.json"),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoFile {
    id: String,
    /// The organisation's name (Chinese, as registered).
    name: String,
    title: Localized,
    story: Localized,
    platform: Platform,
    /// Departments in display order; members' departments are created too if missing.
    departments: Vec<String>,
    members: Vec<MemberInput>,
    /// Built-in or custom roles and who holds them.
    #[serde(default)]
    roles: Vec<DemoRole>,
    /// Departments whose visibility is isolated.
    #[serde(default)]
    sensitive_departments: Vec<String>,
    /// What the business needs of its platform (for the fit score).
    #[serde(default)]
    needs: Vec<crate::compare::needs::Need>,
    /// Registration details (legal name, credit code, entity type, industry, region, headcount).
    #[serde(default)]
    profile: Option<crate::org::profile::ProfileInput>,
    /// How far the company is with certification.
    #[serde(default)]
    certification: Option<crate::setup::certification::CertificationInput>,
    /// Security settings already in place (keys of `assets/security/settings.json`).
    #[serde(default)]
    security: BTreeMap<String, serde_json::Value>,
    /// Hardware inventory and its offline/failure log.
    #[serde(default)]
    devices: Vec<crate::setup::hardware::DeviceInput>,
    #[serde(default)]
    device_events: Vec<crate::setup::hardware::EventInput>,
    /// Notes for whoever edits the file (e.g. why the mobiles cannot reach anyone).
    #[serde(default)]
    #[allow(dead_code)]
    notes: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoRole {
    /// A built-in role key or a role name.
    role: String,
    members: Vec<String>,
}

/// A demo company as offered on the start screen and by `orgdesk demo list`.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct DemoInfo {
    pub id: String,
    pub name: String,
    pub title: Localized,
    pub story: Localized,
    pub platform: Platform,
    pub departments: u32,
    pub members: u32,
}

fn demos() -> Result<Vec<DemoFile>> {
    DEMOS
        .iter()
        .map(|text| {
            serde_json::from_str(text).map_err(|e| Error::internal(format!("demo file: {e}")))
        })
        .collect()
}

pub fn list() -> Result<Vec<DemoInfo>> {
    Ok(demos()?
        .into_iter()
        .map(|d| DemoInfo {
            departments: d.departments.len() as u32,
            members: d.members.len() as u32,
            id: d.id,
            name: d.name,
            title: d.title,
            story: d.story,
            platform: d.platform,
        })
        .collect())
}

/// Creates a new workspace file at `path` holding the demo company `id`.
pub fn create(id: &str, path: &Path, source: Source) -> Result<Workspace> {
    let all = demos()?;
    let Some(demo) = all.iter().find(|d| d.id == id) else {
        let known: Vec<&str> = all.iter().map(|d| d.id.as_str()).collect();
        return Err(Error::new(ErrorCode::InvalidValue, "value_invalid")
            .with("field", "demo")
            .with("value", id)
            .with("allowed", known.join(", ")));
    };
    let mut ws = Workspace::create(path, &demo.name, demo.platform, source)?;
    let filled = fill(&mut ws, demo, source)
        .and_then(|()| crate::snapshots::save_kind(&mut ws, crate::snapshots::INITIAL, "initial"));
    if let Err(e) = filled {
        drop(ws);
        crate::db::remove_with_sidecars(path);
        return Err(e);
    }
    Ok(ws)
}

/// Opens the demo's workspace in `dir` (`<dir>/<id>.orgdesk`), creating it the first time.
pub fn open_or_create(id: &str, dir: &Path, source: Source) -> Result<Workspace> {
    std::fs::create_dir_all(dir).map_err(|e| crate::db::io_error(dir, e))?;
    let path = dir.join(format!("{id}.{}", crate::WORKSPACE_EXTENSION));
    if path.exists() {
        Workspace::open(&path, source)
    } else {
        create(id, &path, source)
    }
}

/// Puts a demo workspace back as it was created (its initial snapshot), as one undoable action.
pub fn reset(ws: &mut Workspace) -> Result<crate::snapshots::SnapshotInfo> {
    crate::snapshots::restore(ws, crate::snapshots::INITIAL).map_err(|e| {
        if e.code == ErrorCode::SnapshotNotFound {
            Error::new(ErrorCode::SnapshotNotFound, "demo_no_initial_snapshot")
        } else {
            e
        }
    })
}

/// Writes the demo's departments and members in one transaction. Loading a demo is the
/// workspace's starting point, so it is logged but not undoable.
fn fill(ws: &mut Workspace, demo: &DemoFile, source: Source) -> Result<()> {
    let conn = ws.connection();
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let mut tree = Tree::load(&tx)?;
    for path in &demo.departments {
        departments::ensure_path(&tx, &mut tree, &departments::parse_path(path)?)?;
    }
    for m in &demo.members {
        members::add(&tx, m)?;
    }
    for r in &demo.roles {
        for userid in &r.members {
            crate::roles::assign(&tx, &crate::roles::RoleRef::Name(r.role.clone()), userid)?;
        }
    }
    for need in &demo.needs {
        crate::compare::needs::set(&tx, need)?;
    }
    for path in &demo.sensitive_departments {
        let id = departments::resolve(&Tree::load(&tx)?, &path.as_str().into())?;
        departments::set_sensitive(&tx, id, true)?;
    }
    if let Some(profile) = &demo.profile {
        crate::org::profile::update(&tx, profile)?;
    }
    if let Some(c) = &demo.certification {
        crate::setup::certification::set(&tx, c)?;
    }
    if !demo.security.is_empty() {
        crate::setup::security::set(&tx, &demo.security)?;
    }
    for d in &demo.devices {
        crate::setup::hardware::add_device(&tx, d)?;
    }
    for e in &demo.device_events {
        crate::setup::hardware::add_event(&tx, e)?;
    }
    history::log_marker(
        &tx,
        source,
        "demo_create",
        &demo.name,
        Some(
            serde_json::json!({ "demo": demo.id, "departments": demo.departments.len(), "members": demo.members.len() }),
        ),
    )?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_or_create_makes_the_file_once_and_keeps_changes() {
        let dir = tempfile::TempDir::new().unwrap();
        let id = list().unwrap()[0].id.clone();
        let mut ws = open_or_create(&id, &dir.path().join("demos"), Source::Ui).unwrap();
        ws.add_department("示例科技/新部门").unwrap();
        drop(ws);
        let ws = open_or_create(&id, &dir.path().join("demos"), Source::Ui).unwrap();
        assert!(ws
            .departments()
            .unwrap()
            .iter()
            .any(|d| d.path == "示例科技/新部门"));
    }

    #[test]
    fn every_demo_passes_the_checks_and_its_platform_rules() {
        for d in list().unwrap() {
            let dir = tempfile::TempDir::new().unwrap();
            let ws = create(&d.id, &dir.path().join("d.orgdesk"), Source::Cli).unwrap();
            let errors: Vec<_> = ws
                .check_permissions(crate::Lang::EnUs)
                .unwrap()
                .into_iter()
                .filter(|f| f.severity == crate::roles::checks::Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", d.id);
            assert!(ws
                .roles()
                .unwrap()
                .iter()
                .any(|r| r.key.as_deref() == Some("super_admin") && r.holders.len() == 2));
            // Nothing in it breaks its platform's limits or its import file's rules.
            let platform = d.platform.as_str();
            let limits = crate::compare::limits::check(
                &ws,
                platform,
                crate::compare::Dataset::builtin(),
                crate::Lang::EnUs,
            )
            .unwrap();
            assert!(limits.is_empty(), "{}: {limits:?}", d.id);
            let problems = crate::exports::preflight(&ws, platform, crate::Lang::EnUs).unwrap();
            let errors: Vec<_> = problems.iter().filter(|p| p.is_error()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", d.id);
        }
    }

    #[test]
    fn every_demo_file_is_complete() {
        for d in demos().unwrap() {
            assert!(
                !d.story.zh_cn.is_empty() && !d.story.en_us.is_empty(),
                "{}",
                d.id
            );
            assert!(
                d.members.len() >= 30,
                "{} has {} members",
                d.id,
                d.members.len()
            );
        }
    }
}
