//! The certification planner (guide §1): methods and their facts as data
//! (`assets/certification/methods.json`), the chosen method, materials ticked as ready, the
//! submission date, the decision window in working days and the next review.

use super::calendar::{self, add_months, add_working_days, format_date, parse_date};
use crate::dataset::Confidence;
use crate::error::{Error, ErrorCode, Result};
use crate::history::{Change, Tx};
use crate::i18n::{Lang, Localized};
use crate::org::profile::{EntityType, OrgProfile};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Deserialize)]
pub struct Days {
    pub min: u32,
    pub max: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PlatformNote {
    pub confidence: Confidence,
    #[serde(default)]
    pub note: Option<Localized>,
    /// What certifying this way costs on this platform, where a source says.
    #[serde(default)]
    pub fee: Option<Fee>,
}

/// A certification fee, with its own source.
#[derive(Debug, Clone, Deserialize)]
pub struct Fee {
    /// In RMB; 0 when exempt.
    pub yuan: u32,
    /// Paid again at every yearly renewal.
    pub per_year: bool,
    pub note: Localized,
    pub source: String,
    pub confidence: Confidence,
}

/// A fee as the planner shows it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct FeeInfo {
    pub yuan: u32,
    pub per_year: bool,
    pub note: String,
    pub source: String,
    pub confidence: Confidence,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Method {
    pub key: String,
    pub name: Localized,
    pub description: Localized,
    pub materials: Vec<String>,
    pub review_days: Days,
    pub renewal_months: Option<u32>,
    pub source: String,
    pub confidence: Confidence,
    pub platforms: BTreeMap<String, PlatformNote>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EntityRules {
    pub name: Localized,
    pub extra_materials: Vec<String>,
    #[serde(default)]
    pub note: Option<Localized>,
    #[serde(default)]
    pub suggested_method: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Facts {
    pub checked: String,
    pub methods: Vec<Method>,
    pub materials: BTreeMap<String, Localized>,
    pub entity_types: BTreeMap<String, EntityRules>,
}

pub fn facts() -> &'static Facts {
    static FACTS: OnceLock<Facts> = OnceLock::new();
    FACTS.get_or_init(|| {
        serde_json::from_str(include_str!(
            "../../../../assets/certification/methods.json"
        ))
        .expect("certification/methods.json is valid")
    })
}

fn method(key: &str) -> Result<&'static Method> {
    facts()
        .methods
        .iter()
        .find(|m| m.key == key)
        .ok_or_else(|| {
            let known: Vec<&str> = facts().methods.iter().map(|m| m.key.as_str()).collect();
            Error::invalid_value("method", key, &known.join(", "))
        })
}

/// What the owner has entered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct CertificationInput {
    pub method: String,
    /// `YYYY-MM-DD` (other common spellings are accepted); empty clears it.
    pub submitted_on: Option<String>,
    pub approved_on: Option<String>,
    /// Material keys ready to submit.
    pub ready: Vec<String>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Material {
    pub key: String,
    pub name: String,
    pub ready: bool,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct MethodInfo {
    pub key: String,
    pub name: String,
    pub description: String,
    pub review_min_days: u32,
    pub review_max_days: u32,
    /// Null when no renewal is needed.
    pub renewal_months: Option<u32>,
    pub source: String,
    /// For the workspace's platform.
    pub confidence: Confidence,
    pub note: Option<String>,
    /// On the workspace's platform; null where no source gives it.
    pub fee: Option<FeeInfo>,
}

/// Headcount against the platform's cap for unverified organisations.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct HeadcountCheck {
    pub platform: String,
    pub cap: u32,
    pub members: u32,
    pub over: bool,
    pub message: String,
}

/// The plan as the Certification page and `orgdesk certification plan --json` show it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CertificationPlan {
    pub methods: Vec<MethodInfo>,
    /// The chosen method (null until one is chosen).
    pub method: Option<String>,
    pub entity_type: String,
    pub entity_note: Option<String>,
    pub materials: Vec<Material>,
    pub missing: Vec<String>,
    pub submitted_on: Option<String>,
    pub approved_on: Option<String>,
    /// Decision window: earliest and latest expected dates (working days after submission).
    pub expected_earliest: Option<String>,
    pub expected_latest: Option<String>,
    /// False when the window crosses a year without holiday data (weekends only counted).
    pub holidays_known: bool,
    pub next_review: Option<String>,
    pub headcount: Option<HeadcountCheck>,
    pub checked: String,
}

struct Stored {
    method: String,
    submitted_on: Option<String>,
    approved_on: Option<String>,
    ready: Vec<String>,
}

fn stored(conn: &Connection) -> Result<Option<Stored>> {
    Ok(conn
        .query_row(
            "SELECT method, submitted_on, approved_on, ready FROM certification WHERE id = 1",
            [],
            |r| {
                Ok(Stored {
                    method: r.get(0)?,
                    submitted_on: r.get(1)?,
                    approved_on: r.get(2)?,
                    ready: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default(),
                })
            },
        )
        .optional()?)
}

fn materials_for(method: &Method, entity: EntityType) -> Vec<String> {
    let mut keys = method.materials.clone();
    if let Some(rules) = facts().entity_types.get(entity.as_str()) {
        keys.extend(rules.extra_materials.iter().cloned());
    }
    keys
}

fn date_or_none(v: &Option<String>, field: &str) -> Result<Option<String>> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Ok(Some(format_date(calendar::parse_date_of(s, field)?))),
        None => Ok(None),
    }
}

/// Saves the owner's choices (inside the caller's recorded transaction).
pub(crate) fn set(tx: &Tx, input: &CertificationInput) -> Result<Change<CertificationInput>> {
    let m = method(input.method.trim())?;
    let known = &facts().materials;
    for key in &input.ready {
        if !known.contains_key(key) {
            return Err(Error::invalid_value(
                "material",
                key,
                &known.keys().cloned().collect::<Vec<_>>().join(", "),
            ));
        }
    }
    let submitted = date_or_none(&input.submitted_on, "submitted_on")?;
    let approved = date_or_none(&input.approved_on, "approved_on")?;
    if let (Some(s), Some(a)) = (&submitted, &approved) {
        if a < s {
            return Err(Error::new(
                ErrorCode::InvalidDate,
                "certification_approved_before_submitted",
            )
            .with("submitted", s)
            .with("approved", a));
        }
    }
    let saved = CertificationInput {
        method: m.key.clone(),
        submitted_on: submitted,
        approved_on: approved,
        ready: input.ready.clone(),
    };
    tx.execute(
        "INSERT INTO certification (id, method, submitted_on, approved_on, ready) VALUES (1, ?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET method = ?1, submitted_on = ?2, approved_on = ?3, ready = ?4",
        params![
            saved.method,
            saved.submitted_on,
            saved.approved_on,
            serde_json::to_string(&saved.ready).unwrap_or_else(|_| "[]".into())
        ],
    )?;
    Ok(Change {
        target: m.name.zh_cn.clone(),
        before: None,
        after: serde_json::to_value(&saved).ok(),
        value: saved,
    })
}

/// The plan for the workspace, in `lang`.
pub(crate) fn plan(
    conn: &Connection,
    profile: &OrgProfile,
    members: u32,
    lang: Lang,
) -> Result<CertificationPlan> {
    let f = facts();
    let platform = profile.platform.as_str();
    let methods = f
        .methods
        .iter()
        .map(|m| {
            let on = m.platforms.get(platform);
            MethodInfo {
                key: m.key.clone(),
                name: m.name.get(lang).to_string(),
                description: m.description.get(lang).to_string(),
                review_min_days: m.review_days.min,
                review_max_days: m.review_days.max,
                renewal_months: m.renewal_months,
                source: m.source.clone(),
                confidence: on.map_or(m.confidence, |p| p.confidence),
                note: on
                    .and_then(|p| p.note.as_ref())
                    .map(|n| n.get(lang).to_string()),
                fee: on.and_then(|p| p.fee.as_ref()).map(|f| FeeInfo {
                    yuan: f.yuan,
                    per_year: f.per_year,
                    note: f.note.get(lang).to_string(),
                    source: f.source.clone(),
                    confidence: f.confidence,
                }),
            }
        })
        .collect();
    let entity = f.entity_types.get(profile.entity_type.as_str());
    let state = stored(conn)?;
    let mut out = CertificationPlan {
        methods,
        method: None,
        entity_type: profile.entity_type.as_str().to_string(),
        entity_note: entity
            .and_then(|e| e.note.as_ref())
            .map(|n| n.get(lang).to_string()),
        materials: Vec::new(),
        missing: Vec::new(),
        submitted_on: None,
        approved_on: None,
        expected_earliest: None,
        expected_latest: None,
        holidays_known: true,
        next_review: None,
        headcount: headcount(
            profile,
            members,
            state.as_ref().is_some_and(|s| s.approved_on.is_some()),
            lang,
        ),
        checked: f.checked.clone(),
    };
    let Some(state) = state else {
        return Ok(out);
    };
    let m = method(&state.method)?;
    out.method = Some(m.key.clone());
    for key in materials_for(m, profile.entity_type) {
        let name = f
            .materials
            .get(&key)
            .map(|n| n.get(lang).to_string())
            .unwrap_or_else(|| key.clone());
        let ready = state.ready.contains(&key);
        if !ready {
            out.missing.push(name.clone());
        }
        out.materials.push(Material { key, name, ready });
    }
    if let Some(s) = &state.submitted_on {
        let day = parse_date(s)?;
        let (earliest, k1) = add_working_days(day, m.review_days.min);
        let (latest, k2) = add_working_days(day, m.review_days.max);
        out.expected_earliest = Some(format_date(earliest));
        out.expected_latest = Some(format_date(latest));
        out.holidays_known = k1 && k2;
    }
    // The next review counts from the approval, else from the latest expected decision.
    let base = state
        .approved_on
        .as_deref()
        .or(out.expected_latest.as_deref())
        .map(calendar::parse_date)
        .transpose()?;
    if let (Some(base), Some(months)) = (base, m.renewal_months) {
        out.next_review = Some(format_date(add_months(base, months)));
    }
    out.submitted_on = state.submitted_on;
    out.approved_on = state.approved_on;
    Ok(out)
}

/// The unverified-organisation cap against the roster; a certified organisation is past it.
fn headcount(
    profile: &OrgProfile,
    members: u32,
    certified: bool,
    lang: Lang,
) -> Option<HeadcountCheck> {
    let platform = profile.platform.as_str();
    let cap = crate::dataset::Dataset::builtin().limit(platform, "unverified_headcount")? as u32;
    let over = !certified && members > cap;
    let platform_name = crate::i18n::t(lang, &format!("platforms.{platform}"), &[]);
    let params = [
        ("platform", platform_name),
        ("cap", cap.to_string()),
        ("members", members.to_string()),
    ];
    Some(HeadcountCheck {
        platform: platform.to_string(),
        cap,
        members,
        over,
        message: crate::i18n::t(
            lang,
            if certified {
                "certification.headcount_certified"
            } else if over {
                "certification.headcount_over"
            } else {
                "certification.headcount_ok"
            },
            &params,
        ),
    })
}
