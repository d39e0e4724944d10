//! Member lifecycle (guide §3): joiners' and leavers' checklists, offboarding, activation.
//!
//! The steps are data (`assets/lifecycle/steps.json`). A step with a rule is computed from the
//! workspace (a leaver still holding a role, still heading a department …) and cannot be ticked;
//! a step without one — or whose domain is not in the workspace yet (apps, approvals,
//! customers: their rules answer once those tables exist) — is ticked by hand with a date and a
//! note.

pub mod activation;

use crate::error::{Error, ErrorCode, Result};
use crate::history::{Change, Tx};
use crate::i18n::{Lang, Localized};
use crate::members::MemberStatus;
use crate::validate::{format_date, parse_date_of};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::OnceLock;
use time::{Date, Duration};

/// Joiners are members not yet active, or whose joining date is within this many days.
pub const JOINER_DAYS: i64 = 30;

/// One step of a checklist, as defined in the data file.
#[derive(Debug, Clone, Deserialize)]
pub struct StepDef {
    pub key: String,
    pub title: Localized,
    pub hint: Localized,
    /// How it is computed; `None`: ticked by hand.
    pub rule: Option<String>,
    pub due_days: i64,
}

#[derive(Deserialize)]
struct StepsFile {
    joiner: Vec<StepDef>,
    leaver: Vec<StepDef>,
}

fn steps_file() -> &'static StepsFile {
    static STEPS: OnceLock<StepsFile> = OnceLock::new();
    STEPS.get_or_init(|| {
        serde_json::from_str(include_str!("../../../../assets/lifecycle/steps.json"))
            .expect("assets/lifecycle/steps.json is checked by its tests")
    })
}

/// Whose checklist: a joiner's or a leaver's.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    specta::Type,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Kind {
    Joiner,
    Leaver,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn steps(self) -> &'static [StepDef] {
        match self {
            Kind::Joiner => &steps_file().joiner,
            Kind::Leaver => &steps_file().leaver,
        }
    }
}

/// A step as it stands for one member.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Step {
    pub key: String,
    pub title: String,
    pub hint: String,
    pub done: bool,
    /// Follows the workspace (cannot be ticked by hand).
    pub computed: bool,
    /// `YYYY-MM-DD`; none when the joining or leaving date is unknown.
    pub due: Option<String>,
    pub overdue: bool,
    /// When it was ticked by hand, and why.
    pub done_on: Option<String>,
    pub note: Option<String>,
    /// What is still open ("超级管理员、销售管理员"), for a computed step not done.
    pub detail: Option<String>,
}

/// A joiner or a leaver with their checklist.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Case {
    pub kind: Kind,
    pub userid: String,
    pub name: String,
    pub status: MemberStatus,
    pub department: Option<String>,
    /// The joining or leaving date.
    pub since: Option<String>,
    /// A leaver's successor (account).
    pub successor: Option<String>,
    pub steps: Vec<Step>,
    /// Steps not done.
    pub open: u32,
}

/// A step past its due date.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Overdue {
    pub kind: Kind,
    pub userid: String,
    pub name: String,
    pub key: String,
    pub title: String,
    pub due: String,
}

/// Joiners and leavers with their checklists, overdue steps first.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Lifecycle {
    pub joiners: Vec<Case>,
    pub leavers: Vec<Case>,
    pub overdue: Vec<Overdue>,
}

/// A step ticked (or unticked) by hand.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct LifecycleTick {
    pub userid: String,
    pub kind: Option<Kind>,
    pub step: String,
    pub done: bool,
    /// `YYYY-MM-DD` (default: today).
    pub on: Option<String>,
    pub note: Option<String>,
}

/// What the workspace says about one member.
struct Facts {
    id: i64,
    userid: String,
    name: String,
    status: MemberStatus,
    department: Option<String>,
    departments: u32,
    has_manager: bool,
    leads: Vec<String>,
    roles: Vec<String>,
    reports: u32,
    joined: Option<Date>,
    leaving: Option<Date>,
    successor: Option<String>,
}

/// What every member's facts need, loaded once: the tree and who holds which role.
struct Context {
    tree: crate::org::departments::Tree,
    roles: std::collections::HashMap<String, Vec<String>>,
}

impl Context {
    fn load(conn: &Connection, lang: Lang) -> Result<Context> {
        let mut roles: std::collections::HashMap<String, Vec<String>> = Default::default();
        for r in crate::roles::list(conn)? {
            for h in &r.holders {
                roles
                    .entry(h.to_lowercase())
                    .or_default()
                    .push(r.label(lang));
            }
        }
        Ok(Context {
            tree: crate::org::departments::Tree::load(conn)?,
            roles,
        })
    }
}

pub(crate) fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

fn date_of(text: Option<String>) -> Option<Date> {
    text.and_then(|t| parse_date_of(&t, "date").ok())
}

fn facts(conn: &Connection, ctx: &Context, id: i64) -> Result<Facts> {
    let tree = &ctx.tree;
    struct Row {
        userid: String,
        name: String,
        status: String,
        manager: Option<i64>,
        join_date: Option<String>,
        created: String,
        leaving: Option<String>,
        successor: Option<String>,
    }
    let m = conn.query_row(
        "SELECT m.userid, m.name, m.status, m.manager_id, m.join_date, m.created_at,
                l.leaving_on, s.userid
         FROM members m LEFT JOIN leavers l ON l.member_id = m.id
         LEFT JOIN members s ON s.id = l.successor_id WHERE m.id = ?1",
        [id],
        |r| {
            Ok(Row {
                userid: r.get(0)?,
                name: r.get(1)?,
                status: r.get(2)?,
                manager: r.get(3)?,
                join_date: r.get(4)?,
                created: r.get(5)?,
                leaving: r.get(6)?,
                successor: r.get(7)?,
            })
        },
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT department_id, is_leader, is_main FROM member_departments WHERE member_id = ?1
         ORDER BY is_main DESC, sort_order",
    )?;
    let links = stmt
        .query_map([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, bool>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let roles = ctx
        .roles
        .get(&m.userid.to_lowercase())
        .cloned()
        .unwrap_or_default();
    let reports: u32 = conn.query_row(
        "SELECT count(*) FROM members WHERE manager_id = ?1",
        [id],
        |r| r.get(0),
    )?;
    Ok(Facts {
        id,
        status: m.status.parse().unwrap_or_default(),
        department: links.first().map(|(d, _)| tree.path(*d)),
        departments: links.len() as u32,
        has_manager: m.manager.is_some(),
        leads: links
            .iter()
            .filter(|(_, lead)| *lead)
            .map(|(d, _)| tree.path(*d))
            .collect(),
        roles,
        reports,
        joined: date_of(m.join_date)
            .or_else(|| date_of(Some(m.created.chars().take(10).collect()))),
        leaving: date_of(m.leaving),
        successor: m.successor,
        userid: m.userid,
        name: m.name,
    })
}

/// A rule's answer for one member: done, and what is still open. `None`: ticked by hand.
fn rule(rule: &str, f: &Facts, lang: Lang) -> Result<Option<(bool, Option<String>)>> {
    let list = |v: &[String]| (!v.is_empty()).then(|| v.join("、"));
    Ok(match rule {
        "exists" => Some((true, None)),
        "placed" => {
            let done = f.departments > 0 && (f.has_manager || !f.leads.is_empty());
            let detail = (!done).then(|| {
                crate::i18n::t(
                    lang,
                    if f.departments == 0 {
                        "lifecycle_ui.no_department"
                    } else {
                        "lifecycle_ui.no_manager"
                    },
                    &[],
                )
            });
            Some((done, detail))
        }
        "active" => Some((f.status == MemberStatus::Active, None)),
        "frozen" => Some((
            matches!(f.status, MemberStatus::Frozen | MemberStatus::Departed),
            None,
        )),
        "no_roles" => Some((f.roles.is_empty(), list(&f.roles))),
        "not_leader" => Some((f.leads.is_empty(), list(&f.leads))),
        "no_reports" => Some((
            f.reports == 0,
            (f.reports > 0).then(|| {
                crate::i18n::t(
                    lang,
                    "lifecycle_ui.reports",
                    &[("count", f.reports.to_string())],
                )
            }),
        )),
        // The domains still to come: apps (app admins, app visibility), approvals (every
        // template chain containing the member), customers (owned customers). Each brings its
        // query here with its tables; until then these steps are ticked by hand.
        "apps" | "app_admin" | "approvals" | "customers" => None,
        other => return Err(Error::internal(format!("unknown lifecycle rule {other}"))),
    })
}

/// The checklist of `kind` for the member with id `id`.
fn case(
    conn: &Connection,
    ctx: &Context,
    kind: Kind,
    id: i64,
    lang: Lang,
    today: Date,
) -> Result<Case> {
    let f = facts(conn, ctx, id)?;
    let since = match kind {
        Kind::Joiner => f.joined,
        Kind::Leaver => f.leaving,
    };
    let mut stmt = conn.prepare_cached(
        "SELECT done_on, note FROM lifecycle_ticks WHERE member_id = ?1 AND kind = ?2 AND step = ?3",
    )?;
    let mut steps = Vec::new();
    for def in kind.steps() {
        let computed = match &def.rule {
            Some(r) => rule(r, &f, lang)?,
            None => None,
        };
        let ticked: Option<(String, Option<String>)> = stmt
            .query_row(params![f.id, kind.as_str(), def.key], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let (done, detail) = match &computed {
            Some((done, detail)) => (*done, detail.clone()),
            None => (ticked.is_some(), None),
        };
        let due = since.map(|d| d + Duration::days(def.due_days));
        steps.push(Step {
            key: def.key.clone(),
            title: def.title.get(lang).to_string(),
            hint: def.hint.get(lang).to_string(),
            done,
            computed: computed.is_some(),
            due: due.map(format_date),
            overdue: !done && due.is_some_and(|d| d < today),
            done_on: ticked
                .as_ref()
                .filter(|_| computed.is_none())
                .map(|t| t.0.clone()),
            note: ticked.filter(|_| computed.is_none()).and_then(|t| t.1),
            detail: if done { None } else { detail },
        });
    }
    Ok(Case {
        kind,
        open: steps.iter().filter(|s| !s.done).count() as u32,
        userid: f.userid,
        name: f.name,
        status: f.status,
        department: f.department,
        since: since.map(format_date),
        successor: f.successor,
        steps,
    })
}

/// Joiners (not yet active, or with a joining date in the last [`JOINER_DAYS`] days) and leavers
/// (offboarded,
/// frozen or departed), each with their steps; cases with overdue steps first.
pub(crate) fn overview(conn: &Connection, lang: Lang) -> Result<Lifecycle> {
    let today = today();
    let since = format_date(today - Duration::days(JOINER_DAYS));
    let ids = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> Result<Vec<i64>> {
        let mut stmt = conn.prepare(sql)?;
        let v = stmt
            .query_map(p, |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(v)
    };
    let joiner_ids = ids(
        "SELECT id FROM members WHERE status IN ('invited', 'unverified')
            OR (status = 'active' AND join_date >= ?1)
         ORDER BY id",
        &[&since],
    )?;
    let leaver_ids = ids(
        "SELECT id FROM members WHERE status IN ('frozen', 'departed')
            OR id IN (SELECT member_id FROM leavers) ORDER BY id",
        &[],
    )?;
    let ctx = Context::load(conn, lang)?;
    let build = |kind: Kind, ids: Vec<i64>| -> Result<Vec<Case>> {
        let mut cases = ids
            .into_iter()
            .map(|id| case(conn, &ctx, kind, id, lang, today))
            .collect::<Result<Vec<_>>>()?;
        cases.sort_by_key(|c| (!c.steps.iter().any(|s| s.overdue), c.open == 0));
        Ok(cases)
    };
    let joiners = build(Kind::Joiner, joiner_ids)?;
    let leavers = build(Kind::Leaver, leaver_ids)?;
    let mut overdue: Vec<Overdue> = joiners
        .iter()
        .chain(&leavers)
        .flat_map(|c| {
            c.steps.iter().filter(|s| s.overdue).map(|s| Overdue {
                kind: c.kind,
                userid: c.userid.clone(),
                name: c.name.clone(),
                key: s.key.clone(),
                title: s.title.clone(),
                due: s.due.clone().unwrap_or_default(),
            })
        })
        .collect();
    overdue.sort_by(|a, b| a.due.cmp(&b.due));
    Ok(Lifecycle {
        joiners,
        leavers,
        overdue,
    })
}

/// One member's checklist of `kind`.
pub(crate) fn member_case(conn: &Connection, userid: &str, kind: Kind, lang: Lang) -> Result<Case> {
    let id = crate::members::id_of(conn, userid)?;
    case(conn, &Context::load(conn, lang)?, kind, id, lang, today())
}

/// Offboards a member: frozen now (departed when the date has come), the leaving date and the
/// successor recorded. Returns the leaver's checklist.
pub(crate) fn offboard(
    tx: &Tx,
    userid: &str,
    date: &str,
    successor: Option<&str>,
    lang: Lang,
) -> Result<Change<Case>> {
    let id = crate::members::id_of(tx, userid)?;
    let on = parse_date_of(date, "leaving_date")?;
    let successor_id = match successor.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            let sid = crate::members::id_of(tx, s)?;
            let status: String =
                tx.query_row("SELECT status FROM members WHERE id = ?1", [sid], |r| {
                    r.get(0)
                })?;
            if sid == id || status == "frozen" || status == "departed" {
                return Err(Error::new(ErrorCode::InvalidValue, "successor_invalid")
                    .with("userid", s)
                    .with("leaver", userid.trim()));
            }
            Some(sid)
        }
    };
    let before = leaving(tx, id)?;
    let status = if on <= today() {
        MemberStatus::Departed
    } else {
        MemberStatus::Frozen
    };
    tx.execute(
        "UPDATE members SET status = ?1 WHERE id = ?2",
        params![status, id],
    )?;
    tx.execute(
        "INSERT INTO leavers (member_id, leaving_on, successor_id) VALUES (?1, ?2, ?3)
         ON CONFLICT (member_id) DO UPDATE SET leaving_on = excluded.leaving_on,
                                               successor_id = excluded.successor_id",
        params![id, format_date(on), successor_id],
    )?;
    let value = member_case(tx, userid, Kind::Leaver, lang)?;
    Ok(Change {
        target: value.userid.clone(),
        before: Some(before),
        after: Some(leaving(tx, id)?),
        value,
    })
}

/// A member's status, leaving date and successor, as the audit log records an offboarding.
fn leaving(conn: &Connection, id: i64) -> Result<serde_json::Value> {
    Ok(conn.query_row(
        "SELECT m.status, l.leaving_on, s.userid FROM members m
         LEFT JOIN leavers l ON l.member_id = m.id LEFT JOIN members s ON s.id = l.successor_id
         WHERE m.id = ?1",
        [id],
        |r| {
            Ok(json!({
                "status": r.get::<_, String>(0)?,
                "leaving_on": r.get::<_, Option<String>>(1)?,
                "successor": r.get::<_, Option<String>>(2)?,
            }))
        },
    )?)
}

/// Unassigns every role a leaver holds (the quick fix of `roles_revoked`); returns their
/// checklist.
pub(crate) fn revoke_roles(tx: &Tx, userid: &str, lang: Lang) -> Result<Change<Case>> {
    let id = crate::members::id_of(tx, userid)?;
    let before = facts(tx, &Context::load(tx, lang)?, id)?.roles;
    tx.execute("DELETE FROM role_assignments WHERE member_id = ?1", [id])?;
    let value = member_case(tx, userid, Kind::Leaver, lang)?;
    Ok(Change {
        target: value.userid.clone(),
        before: Some(json!({ "roles": before })),
        after: Some(json!({ "roles": [] })),
        value,
    })
}

/// Ticks (or unticks) a step that is done by hand.
pub(crate) fn tick(tx: &Tx, t: &LifecycleTick, lang: Lang) -> Result<Change<Case>> {
    let id = crate::members::id_of(tx, &t.userid)?;
    let kind = match t.kind {
        Some(k) => k,
        None => {
            let leaver: bool = tx.query_row(
                "SELECT status IN ('frozen', 'departed') OR EXISTS (SELECT 1 FROM leavers WHERE member_id = ?1)
                 FROM members WHERE id = ?1",
                [id],
                |r| r.get(0),
            )?;
            if leaver {
                Kind::Leaver
            } else {
                Kind::Joiner
            }
        }
    };
    let Some(def) = kind.steps().iter().find(|s| s.key == t.step) else {
        let known: Vec<&str> = kind.steps().iter().map(|s| s.key.as_str()).collect();
        return Err(Error::invalid_value("step", &t.step, &known.join(", ")));
    };
    let facts = facts(tx, &Context::load(tx, lang)?, id)?;
    if let Some(r) = &def.rule {
        if rule(r, &facts, lang)?.is_some() {
            return Err(Error::new(ErrorCode::InvalidValue, "step_computed")
                .with("step", def.title.get(lang))
                .with("hint", def.hint.get(lang)));
        }
    }
    if t.done {
        let on = match t.on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(d) => parse_date_of(d, "done_on")?,
            None => today(),
        };
        let note = t
            .note
            .as_deref()
            .and_then(crate::validate::clean)
            .map(|n| n.chars().take(500).collect::<String>());
        tx.execute(
            "INSERT OR REPLACE INTO lifecycle_ticks (member_id, kind, step, done_on, note)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, kind.as_str(), def.key, format_date(on), note],
        )?;
    } else {
        tx.execute(
            "DELETE FROM lifecycle_ticks WHERE member_id = ?1 AND kind = ?2 AND step = ?3",
            params![id, kind.as_str(), def.key],
        )?;
    }
    let value = member_case(tx, &t.userid, kind, lang)?;
    Ok(Change {
        target: format!("{} · {}", value.userid, def.key),
        before: None,
        after: Some(json!({ "step": def.key, "done": t.done })),
        value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_steps_file_names_every_step_once_in_both_languages() {
        for kind in [Kind::Joiner, Kind::Leaver] {
            let mut keys = std::collections::HashSet::new();
            for s in kind.steps() {
                assert!(keys.insert(&s.key), "{} twice", s.key);
                assert!(!s.title.zh_cn.is_empty() && !s.title.en_us.is_empty());
                assert!(!s.hint.zh_cn.is_empty() && !s.hint.en_us.is_empty());
                assert!((0..=90).contains(&s.due_days));
            }
        }
        // The retention step is due 30 days after leaving (guide §3).
        let chats = Kind::Leaver
            .steps()
            .iter()
            .find(|s| s.key == "chats_retained")
            .unwrap();
        assert_eq!((chats.rule.as_deref(), chats.due_days), (None, 30));
    }
}
