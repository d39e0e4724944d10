//! Demo companies, declared as data in `assets/demos/*.json`.

use crate::error::{Error, ErrorCode, Result};
use crate::history::{Change, Tx};
use crate::i18n::Localized;
use crate::members::{self, MemberInput};
use crate::org::departments::{self, Tree};
use crate::org::profile::Platform;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const DEMOS: &[&str] = &[
    include_str!("../../../assets/demos/shili-keji.json"),
    include_str!("../../../assets/demos/xianguo-lingshou.json"),
    include_str!("../../../assets/demos/hengli-jinggong.json"),
    include_str!("../../../assets/demos/yunzhan-keji.json"),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DemoFile {
    pub id: String,
    /// The organisation's name (Chinese, as registered).
    pub name: String,
    title: Localized,
    story: Localized,
    pub platform: Platform,
    /// Departments in display order; members' departments are created too if missing.
    departments: Vec<String>,
    /// Members giving only the fields they have (the others take their defaults).
    #[serde(deserialize_with = "partial_members")]
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
    /// The rank order, lowest first.
    #[serde(default)]
    ranks: Vec<String>,
    /// Approval templates (the format `orgdesk approvals add` reads).
    #[serde(default)]
    approvals: Vec<crate::approvals::Template>,
    /// The app plan: apps with who sees them and their admins.
    #[serde(default)]
    apps: Vec<DemoApp>,
    /// Eight weeks or so of activity, generated when the demo is created.
    #[serde(default)]
    activity: Option<crate::imports::activity::DemoActivity>,
    /// Customers with months of orders, welcome messages and campaigns, generated.
    #[serde(default)]
    customers: Option<crate::customers::demo::DemoCustomers>,
    /// Notes for whoever edits the file (e.g. why the mobiles cannot reach anyone).
    #[serde(default)]
    #[allow(dead_code)]
    notes: BTreeMap<String, String>,
}

fn partial_members<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<MemberInput>, D::Error> {
    Vec::<serde_json::Value>::deserialize(d)?
        .into_iter()
        .map(|m| serde_json::from_value(crate::members::MemberFields::complete(m)))
        .collect::<std::result::Result<_, _>>()
        .map_err(serde::de::Error::custom)
}

#[derive(Debug, Clone, Deserialize)]
struct DemoApp {
    #[serde(flatten)]
    app: crate::apps::AppInput,
    #[serde(default)]
    visibility: crate::apps::AppVisibility,
    #[serde(default)]
    admins: Vec<String>,
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

/// The demo company `id`.
pub(crate) fn find(id: &str) -> Result<DemoFile> {
    let all = demos()?;
    let known: Vec<String> = all.iter().map(|d| d.id.clone()).collect();
    all.into_iter().find(|d| d.id == id).ok_or_else(|| {
        Error::new(ErrorCode::InvalidValue, "value_invalid")
            .with("field", "demo")
            .with("value", id)
            .with("allowed", known.join(", "))
    })
}

/// Writes the demo's departments, members, roles and setup into a new workspace.
pub(crate) fn fill(tx: &Tx, demo: &DemoFile) -> Result<Change<()>> {
    let mut tree = Tree::load(tx)?;
    for path in &demo.departments {
        departments::ensure_path(tx, &mut tree, &departments::parse_path(path)?)?;
    }
    for m in &demo.members {
        members::add(tx, m)?;
    }
    for r in &demo.roles {
        for userid in &r.members {
            crate::roles::assign(tx, &crate::roles::RoleRef::Name(r.role.clone()), userid)?;
        }
    }
    for need in &demo.needs {
        crate::compare::needs::set(tx, need)?;
    }
    for path in &demo.sensitive_departments {
        let id = departments::resolve(&Tree::load(tx)?, &path.as_str().into())?;
        departments::set_sensitive(tx, id, true)?;
    }
    if let Some(profile) = &demo.profile {
        crate::org::profile::update(tx, profile)?;
    }
    if let Some(c) = &demo.certification {
        crate::setup::certification::set(tx, c)?;
    }
    if !demo.security.is_empty() {
        crate::setup::security::set(tx, &demo.security)?;
    }
    for d in &demo.devices {
        crate::setup::hardware::add_device(tx, d)?;
    }
    for e in &demo.device_events {
        crate::setup::hardware::add_event(tx, e)?;
    }
    if !demo.ranks.is_empty() {
        crate::approvals::set_ranks(tx, &demo.ranks)?;
    }
    for t in &demo.approvals {
        crate::approvals::save(tx, t)?;
    }
    for a in &demo.apps {
        crate::apps::add(tx, &a.app, crate::Lang::ZhCn)?;
        let admins = (!a.admins.is_empty()).then_some(a.admins.as_slice());
        crate::apps::set_visibility(tx, &a.app.key, &a.visibility, admins, crate::Lang::ZhCn)?;
    }
    if let Some(a) = &demo.activity {
        crate::imports::activity::fill_demo(tx, a)?;
    }
    if let Some(c) = &demo.customers {
        crate::customers::demo::fill(tx, c)?;
    }
    Ok(Change::after(
        (),
        demo.name.clone(),
        Some(
            serde_json::json!({ "demo": demo.id, "departments": demo.departments.len(), "members": demo.members.len() }),
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

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
