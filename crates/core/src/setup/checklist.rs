//! The readiness checklist (home page): the guide's eight steps, each item computed from the
//! workspace where it can be and ticked by hand where it cannot. Steps and items are data
//! (`assets/checklist/steps.json`); the rules that compute items are here.

use crate::error::{Error, ErrorCode, Result};
use crate::history::{Change, Tx};
use crate::i18n::{t, Lang};
use rusqlite::params;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Deserialize)]
struct ItemDef {
    key: String,
    #[serde(default)]
    rule: Option<String>,
    #[serde(default)]
    reason: bool,
    link: String,
}

#[derive(Debug, Clone, Deserialize)]
struct StepDef {
    key: String,
    guide: u8,
    items: Vec<ItemDef>,
}

#[derive(Debug, Clone, Deserialize)]
struct File {
    steps: Vec<StepDef>,
}

fn steps() -> &'static [StepDef] {
    static FILE: OnceLock<File> = OnceLock::new();
    &FILE
        .get_or_init(|| {
            serde_json::from_str(include_str!("../../../../assets/checklist/steps.json"))
                .expect("checklist/steps.json is valid")
        })
        .steps
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ChecklistItem {
    pub key: String,
    pub title: String,
    /// What is missing, or what was found.
    pub detail: Option<String>,
    pub done: bool,
    /// Computed from the workspace (else ticked by hand).
    pub computed: bool,
    /// A computed item may be ticked by hand with a reason.
    pub accepts_reason: bool,
    /// Why it was ticked by hand.
    pub reason: Option<String>,
    /// The page where it is fixed.
    pub link: String,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ChecklistStep {
    pub key: String,
    /// The step's number in the guide (1–8).
    pub guide: u8,
    pub title: String,
    pub done: u32,
    pub total: u32,
    pub items: Vec<ChecklistItem>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Checklist {
    pub steps: Vec<ChecklistStep>,
    pub done: u32,
    pub total: u32,
    /// 0–100.
    pub percent: u32,
}

/// A hand tick (or untick), with an optional reason.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct Tick {
    pub item: String,
    pub done: bool,
    pub reason: Option<String>,
}

pub(crate) fn tick(tx: &Tx, tick: &Tick) -> Result<Change<Tick>> {
    let def = steps()
        .iter()
        .flat_map(|s| &s.items)
        .find(|i| i.key == tick.item)
        .ok_or_else(|| {
            let keys: Vec<&str> = steps()
                .iter()
                .flat_map(|s| &s.items)
                .map(|i| i.key.as_str())
                .collect();
            Error::invalid_value("item", &tick.item, &keys.join(", "))
        })?;
    let reason = crate::validate::clean_opt(tick.reason.as_deref());
    if def.rule.is_some() && !def.reason {
        return Err(
            Error::new(ErrorCode::InvalidValue, "checklist_computed").with("item", &def.key)
        );
    }
    if def.rule.is_some() && tick.done && reason.is_none() {
        return Err(
            Error::new(ErrorCode::MissingRequired, "checklist_reason_required")
                .with("item", &def.key),
        );
    }
    if tick.done || reason.is_some() {
        tx.execute(
            "INSERT INTO checklist_ticks (item, done, reason) VALUES (?1, ?2, ?3)
             ON CONFLICT (item) DO UPDATE SET done = ?2, reason = ?3",
            params![def.key, tick.done, reason],
        )?;
    } else {
        tx.execute("DELETE FROM checklist_ticks WHERE item = ?1", [&def.key])?;
    }
    let saved = Tick {
        item: def.key.clone(),
        done: tick.done,
        reason,
    };
    Ok(Change {
        target: def.key.clone(),
        before: None,
        after: serde_json::to_value(&saved).ok(),
        value: saved,
    })
}

/// The workspace facts the rules look at, gathered once.
struct Facts {
    profile: crate::OrgProfile,
    members: u32,
    without_contact: u32,
    not_active: u32,
    max_depth: u32,
    sensitive: u32,
    super_admins: u32,
    permission_errors: u32,
    preflight_errors: Option<u32>,
    certification: super::certification::CertificationPlan,
    security: BTreeMap<String, Value>,
    devices: u32,
    flagged: Vec<String>,
    apps: u32,
    app_findings: Vec<crate::apps::AppFinding>,
    templates: u32,
    approvals_break: bool,
    /// Indicators with data, and the names of those below target.
    health: (usize, Vec<String>),
    /// Customers, and the customer limits they go over.
    customers: (u32, usize),
    /// Frozen or departed members who still own customers.
    leavers_with_customers: u32,
    /// Welcome messages, those over the length limit, and members with customers none reaches.
    welcome: (usize, usize, usize),
}

fn facts(conn: &Connection, lang: Lang) -> Result<Facts> {
    let profile = crate::org::profile::load(conn)?;
    let (members, without_contact, not_active): (u32, u32, u32) = conn.query_row(
        "SELECT count(*), count(*) FILTER (WHERE coalesce(mobile, '') = '' AND coalesce(email, '') = ''),
                count(*) FILTER (WHERE status IN ('invited', 'unverified'))
         FROM members",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let departments = crate::org::departments::list(conn)?;
    let findings = crate::roles::checks::run(conn, lang)?;
    let platform = profile.platform;
    let preflight_errors = if platform == crate::Platform::Undecided {
        None
    } else {
        Some(
            crate::exports::preflight(conn, platform.as_str(), lang)?
                .iter()
                .filter(|p| p.is_error())
                .count() as u32,
        )
    };
    let super_admins = crate::roles::list(conn)?
        .iter()
        .find(|r| r.key.as_deref() == Some("super_admin"))
        .map_or(0, |r| r.holders.len() as u32);
    let flags = super::hardware::flags(conn, lang)?;
    let batches: Vec<crate::health::BatchRate> = flags
        .iter()
        .map(|b| crate::health::BatchRate {
            batch: b.batch.clone(),
            quarter: b.quarter.clone(),
            rate: b.rate,
        })
        .collect();
    let health = crate::health::compute(conn, None, None, &batches, lang)?;
    let health = (
        health
            .indicators
            .iter()
            .filter(|i| i.status != crate::health::Status::NoData)
            .count(),
        health
            .indicators
            .iter()
            .filter(|i| i.status == crate::health::Status::Bad)
            .map(|i| i.name.clone())
            .collect(),
    );
    // The latest quarter in the log may still be running: the one before it counts too.
    let recent: Vec<String> = flags
        .iter()
        .map(|f| f.quarter.clone())
        .max()
        .map(|q| vec![super::hardware::previous_quarter(&q), q])
        .unwrap_or_default();
    let apps = conn.query_row("SELECT count(*) FROM apps", [], |r| r.get(0))?;
    let app_findings = crate::apps::check(conn, &super::app_facts(conn)?, lang)?;
    let templates = crate::approvals::workspace_templates(conn)?;
    // Whether any chain breaks is enough here (the Approvals page lists them): a scan that
    // stops at the first break.
    let approvals_break = !templates.is_empty() && {
        let org = crate::approvals::route::Org::load(conn)?;
        crate::approvals::route::any_break(&org, &templates, lang)
    };
    let customers = (
        conn.query_row("SELECT count(*) FROM customers", [], |r| r.get(0))?,
        crate::customers::limits::check(
            conn,
            profile.platform.as_str(),
            crate::customers::limits::verified(conn)?,
            lang,
        )?
        .len(),
    );
    let check = crate::customers::welcome::check(conn, profile.platform.as_str(), lang)?;
    let welcome = (
        crate::customers::welcome::list(conn)?.len(),
        check.too_long.len(),
        check.uncovered.len(),
    );
    Ok(Facts {
        welcome,
        leavers_with_customers: crate::customers::handover::leavers_with_customers(conn)?,
        customers,
        health,
        apps,
        app_findings,
        templates: templates.len() as u32,
        approvals_break,
        certification: super::certification::plan(conn, &profile, members, lang)?,
        profile,
        members,
        without_contact,
        not_active,
        max_depth: departments.iter().map(|d| d.depth).max().unwrap_or(0),
        sensitive: departments.iter().filter(|d| d.sensitive).count() as u32,
        super_admins,
        permission_errors: findings
            .iter()
            .filter(|f| f.severity == crate::roles::checks::Severity::Error)
            .count() as u32,
        preflight_errors,
        security: super::security::load(conn)?,
        devices: conn.query_row("SELECT count(*) FROM devices", [], |r| r.get(0))?,
        flagged: flags
            .into_iter()
            .filter(|f| f.flagged && recent.contains(&f.quarter))
            .map(|f| f.batch)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
    })
}

/// Whether a computed item holds, and a detail for the owner.
fn rule(f: &Facts, rule: &str, lang: Lang) -> (bool, Option<String>) {
    let d = |key: &str, params: &[(&str, String)]| {
        Some(t(lang, &format!("checklist.detail.{key}"), params))
    };
    let on = |key: &str| {
        f.security
            .get(key)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    match rule {
        "profile_complete" => {
            let ok = f.profile.legal_name.is_some() && f.profile.credit_code.is_some();
            (ok, (!ok).then(|| d("profile_incomplete", &[])).flatten())
        }
        "certification_method" => (f.certification.method.is_some(), None),
        "certification_materials" => {
            let missing = &f.certification.missing;
            let ok = f.certification.method.is_some() && missing.is_empty();
            (
                ok,
                (!missing.is_empty())
                    .then(|| d("materials_missing", &[("materials", missing.join("、"))]))
                    .flatten(),
            )
        }
        "certification_submitted" => (
            f.certification.submitted_on.is_some(),
            match (
                &f.certification.approved_on,
                &f.certification.expected_latest,
            ) {
                (Some(day), _) => d("approved_on", &[("date", day.clone())]),
                (None, Some(latest)) => d("decision_by", &[("date", latest.clone())]),
                (None, None) => None,
            },
        ),
        "headcount_within_cap" => match &f.certification.headcount {
            Some(h) => (!h.over, Some(h.message.clone())),
            None => (true, None),
        },
        "tree_depth" => (
            f.max_depth <= 3,
            d("depth", &[("depth", f.max_depth.to_string())]),
        ),
        "super_admins" => (
            (1..=3).contains(&f.super_admins),
            d("super_admins", &[("count", f.super_admins.to_string())]),
        ),
        "permission_checks" => (
            f.permission_errors == 0,
            (f.permission_errors > 0)
                .then(|| {
                    d(
                        "permission_errors",
                        &[("count", f.permission_errors.to_string())],
                    )
                })
                .flatten(),
        ),
        "sensitive_departments" => (
            f.sensitive > 0,
            d("sensitive", &[("count", f.sensitive.to_string())]),
        ),
        "members_imported" => (
            f.members > 0,
            d("members", &[("count", f.members.to_string())]),
        ),
        "members_activated" => (
            f.members > 0 && f.not_active == 0,
            (f.not_active > 0)
                .then(|| d("not_active", &[("count", f.not_active.to_string())]))
                .flatten(),
        ),
        "contact_complete" => (
            f.members > 0 && f.without_contact == 0,
            (f.without_contact > 0)
                .then(|| {
                    d(
                        "without_contact",
                        &[("count", f.without_contact.to_string())],
                    )
                })
                .flatten(),
        ),
        "preflight_clean" => match f.preflight_errors {
            Some(n) => (
                f.members > 0 && n == 0,
                (n > 0)
                    .then(|| d("preflight_errors", &[("count", n.to_string())]))
                    .flatten(),
            ),
            None => (false, d("no_platform", &[])),
        },
        "leaver_transfer" => match f.leavers_with_customers {
            0 => (on("leaver_chat_retention"), None),
            n => (
                false,
                d("leavers_with_customers", &[("count", n.to_string())]),
            ),
        },
        "watermark" => (on("watermark"), None),
        "two_step" => (on("two_step"), None),
        "audit_sensitive" => (on("audit_sensitive"), None),
        "overseas_access" => {
            let policy = f.security.get("overseas_access").and_then(Value::as_str);
            let list = f
                .security
                .get("ip_allowlist")
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty());
            (
                policy == Some("blocked") || (policy == Some("allowlist") && list),
                (policy == Some("allowlist") && !list)
                    .then(|| d("allowlist_empty", &[]))
                    .flatten(),
            )
        }
        "pipl" => {
            let purpose = f
                .security
                .get("pipl_purpose")
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty());
            (purpose && on("pipl_consent"), None)
        }
        "devices_registered" => (
            f.devices > 0,
            d("devices", &[("count", f.devices.to_string())]),
        ),
        "no_flagged_batches" => (
            f.flagged.is_empty(),
            (!f.flagged.is_empty())
                .then(|| d("flagged", &[("batches", f.flagged.join("、"))]))
                .flatten(),
        ),
        "apps_chosen" => (f.apps > 0, d("apps", &[("count", f.apps.to_string())])),
        "approval_templates" => (
            f.templates > 0 && !f.approvals_break,
            d(
                if f.approvals_break {
                    "approvals_break"
                } else {
                    "approvals"
                },
                &[("count", f.templates.to_string())],
            ),
        ),
        "app_visibility" => {
            let open = f
                .app_findings
                .iter()
                .filter(|x| {
                    matches!(
                        x.code,
                        crate::apps::AppCheck::VisibleToNobody
                            | crate::apps::AppCheck::SensitiveExposed
                    )
                })
                .count();
            (
                f.apps > 0 && open == 0,
                (open > 0)
                    .then(|| d("app_findings", &[("count", open.to_string())]))
                    .flatten(),
            )
        }
        "platform_chosen" => (f.profile.platform != crate::Platform::Undecided, None),
        "welcome_message" => match f.welcome {
            (0, _, _) => (false, d("welcome_none", &[])),
            (_, 0, 0) => (true, d("welcome_ok", &[("count", f.welcome.0.to_string())])),
            (_, long, uncovered) => (
                false,
                d(
                    "welcome_problems",
                    &[
                        ("long", long.to_string()),
                        ("uncovered", uncovered.to_string()),
                    ],
                ),
            ),
        },
        "customer_limits" => match f.customers {
            (0, _) => (false, d("customers_none", &[])),
            (n, 0) => (true, d("customers_within", &[("count", n.to_string())])),
            (_, findings) => (
                false,
                d("customer_findings", &[("count", findings.to_string())]),
            ),
        },
        "operations_healthy" => match &f.health {
            (0, _) => (false, d("health_no_data", &[])),
            (_, bad) if !bad.is_empty() => (
                false,
                d(
                    "health_bad",
                    &[(
                        "indicators",
                        bad.join(if lang == Lang::ZhCn { "、" } else { ", " }),
                    )],
                ),
            ),
            (n, _) => (true, d("health_ok", &[("count", n.to_string())])),
        },
        _ => (false, None),
    }
}

pub(crate) fn checklist(conn: &Connection, lang: Lang) -> Result<Checklist> {
    let f = facts(conn, lang)?;
    let mut ticks: BTreeMap<String, (bool, Option<String>)> = BTreeMap::new();
    {
        let mut stmt = conn.prepare("SELECT item, done, reason FROM checklist_ticks")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?)))? {
            let (item, done, reason) = row?;
            ticks.insert(item, (done, reason));
        }
    }
    let mut out = Checklist {
        steps: Vec::new(),
        done: 0,
        total: 0,
        percent: 0,
    };
    for s in steps() {
        let mut step = ChecklistStep {
            key: s.key.clone(),
            guide: s.guide,
            title: t(lang, &format!("checklist.steps.{}", s.key), &[]),
            done: 0,
            total: 0,
            items: Vec::new(),
        };
        for i in &s.items {
            let tick = ticks.get(&i.key);
            let (mut done, detail) = match &i.rule {
                Some(r) => rule(&f, r, lang),
                None => (tick.is_some_and(|(d, _)| *d), None),
            };
            let reason = tick.and_then(|(_, r)| r.clone());
            if i.rule.is_some() && i.reason && tick.is_some_and(|(d, r)| *d && r.is_some()) {
                done = true;
            }
            step.total += 1;
            step.done += u32::from(done);
            step.items.push(ChecklistItem {
                key: i.key.clone(),
                title: t(lang, &format!("checklist.items.{}", i.key), &[]),
                detail,
                done,
                computed: i.rule.is_some(),
                accepts_reason: i.rule.is_some() && i.reason,
                reason,
                link: i.link.clone(),
            });
        }
        out.done += step.done;
        out.total += step.total;
        out.steps.push(step);
    }
    out.percent = (out.done * 100).checked_div(out.total).unwrap_or(0);
    Ok(out)
}
