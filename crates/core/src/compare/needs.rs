//! What the business needs of its platform, and the fit score each platform gets for it, with
//! the reasons (which rows raised or lowered it, which must-haves rule a platform out).

use super::{CellValue, Confidence, Dataset, PLATFORMS};
use crate::error::{Error, ErrorCode, Result};
use crate::history::{Change, Tx};
use crate::i18n::{t, Lang, Localized};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct NeedDefinition {
    pub key: String,
    /// `bool` (judged on the row's yes/partial/no) or `number` (compared with the row's number).
    #[serde(rename = "type")]
    pub kind: String,
    /// The capability row the need is judged on.
    pub row: String,
    /// For numbers: `max` (the platform's number must not exceed the need's) or `cap` (above the
    /// platform's number a step is needed, which is noted only).
    #[serde(default)]
    pub rule: Option<String>,
    #[serde(default)]
    pub unit: Option<Localized>,
    pub name: Localized,
}

#[derive(Deserialize)]
struct NeedsFile {
    needs: Vec<NeedDefinition>,
}

/// The needs a business can state (`assets/capabilities/needs.json`).
pub fn definitions() -> &'static [NeedDefinition] {
    static DEFS: OnceLock<Vec<NeedDefinition>> = OnceLock::new();
    DEFS.get_or_init(|| {
        serde_json::from_str::<NeedsFile>(include_str!(
            "../../../../assets/capabilities/needs.json"
        ))
        .expect("needs.json is valid")
        .needs
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Importance {
    /// A platform without it is ruled out.
    Must,
    /// Weighted in the score.
    Nice,
}

/// A need the business stated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Need {
    pub key: String,
    pub importance: Importance,
    /// 1–5, for nice-to-haves.
    pub weight: u8,
    /// For number needs (headcount, budget per seat).
    pub value: Option<f64>,
}

fn definition(key: &str) -> Result<&'static NeedDefinition> {
    definitions().iter().find(|d| d.key == key).ok_or_else(|| {
        let known: Vec<&str> = definitions().iter().map(|d| d.key.as_str()).collect();
        Error::invalid_value("need", key, &known.join(", "))
    })
}

pub(crate) fn list(conn: &Connection) -> Result<Vec<Need>> {
    let mut stmt = conn.prepare_cached("SELECT key, importance, weight, value FROM needs")?;
    let mut needs: Vec<Need> = stmt
        .query_map([], |r| {
            Ok(Need {
                key: r.get(0)?,
                importance: if r.get::<_, String>(1)? == "must" {
                    Importance::Must
                } else {
                    Importance::Nice
                },
                weight: r.get(2)?,
                value: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let order = |k: &str| {
        definitions()
            .iter()
            .position(|d| d.key == k)
            .unwrap_or(usize::MAX)
    };
    needs.sort_by_key(|n| order(&n.key));
    Ok(needs)
}

pub(crate) fn set(tx: &Tx, need: &Need) -> Result<Change<Need>> {
    let def = definition(&need.key)?;
    if !(1..=5).contains(&need.weight) {
        return Err(Error::invalid_value(
            "weight",
            &need.weight.to_string(),
            "1–5",
        ));
    }
    if def.kind == "number" && need.value.is_none_or(|v| !v.is_finite() || v < 0.0) {
        return Err(
            Error::new(ErrorCode::MissingRequired, "need_value_required")
                .with("need", def.name.zh_cn.clone()),
        );
    }
    let before: Option<Need> = list(tx)?.into_iter().find(|n| n.key == need.key);
    let importance = if need.importance == Importance::Must {
        "must"
    } else {
        "nice"
    };
    let value = if def.kind == "number" {
        need.value
    } else {
        None
    };
    tx.execute(
        "INSERT INTO needs (key, importance, weight, value) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (key) DO UPDATE SET importance = excluded.importance, weight = excluded.weight, value = excluded.value",
        params![need.key, importance, need.weight, value],
    )?;
    let after = Need {
        value,
        ..need.clone()
    };
    Ok(Change {
        target: need.key.clone(),
        before: before.map(|b| serde_json::to_value(b).unwrap_or_default()),
        after: Some(serde_json::to_value(&after).unwrap_or_default()),
        value: after,
    })
}

pub(crate) fn unset(tx: &Tx, key: &str) -> Result<Change<()>> {
    definition(key)?;
    let before: Option<String> = tx
        .query_row("SELECT key FROM needs WHERE key = ?1", [key], |r| r.get(0))
        .optional()?;
    if before.is_none() {
        return Err(Error::new(ErrorCode::InvalidValue, "need_not_set").with("need", key));
    }
    tx.execute("DELETE FROM needs WHERE key = ?1", [key])?;
    Ok(Change {
        target: key.to_string(),
        before: Some(serde_json::json!({ "key": key })),
        after: None,
        value: (),
    })
}

/// How one need moved one platform's score.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Reason {
    pub need: String,
    pub row: String,
    /// `plus`, `partial`, `minus`, `unknown`, `rules_out` or `note` (informational, not scored).
    pub effect: String,
    pub points: f64,
    pub max: f64,
    pub message: String,
    pub source: Option<String>,
    pub confidence: Confidence,
}

/// A platform's fit for the stated needs.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Fit {
    /// 0–100; null when no scored need is stated (a neutral comparison, not a made-up score).
    pub score: Option<u32>,
    /// The must-have needs this platform fails.
    pub ruled_out_by: Vec<String>,
    pub reasons: Vec<Reason>,
}

/// Each platform's fit for `needs`, judged on the dataset's current claims.
pub fn fit(dataset: &Dataset, needs: &[Need], lang: Lang) -> BTreeMap<String, Fit> {
    let mut out = BTreeMap::new();
    for platform in PLATFORMS {
        let mut reasons = Vec::new();
        let mut ruled_out_by = Vec::new();
        let (mut points, mut max) = (0.0, 0.0);
        for need in needs {
            let Some(def) = definitions().iter().find(|d| d.key == need.key) else {
                continue;
            };
            let Some(row) = dataset.row(&def.row) else {
                continue;
            };
            let claim = row.current(platform);
            let value = claim.and_then(|c| c.value.as_ref());
            let must = need.importance == Importance::Must;
            let weight = if must { 5.0 } else { need.weight as f64 };
            let shown = value
                .map(|v| v.text(lang))
                .unwrap_or_else(|| t(lang, "values.unknown", &[]));
            let (effect, got, counted) = match (def.kind.as_str(), value) {
                ("bool", Some(CellValue::Yes)) => ("plus", weight, true),
                ("bool", Some(CellValue::Partial)) => ("partial", weight / 2.0, true),
                ("bool", Some(CellValue::No | CellValue::Na)) => {
                    (if must { "rules_out" } else { "minus" }, 0.0, true)
                }
                ("bool", Some(CellValue::Text { .. } | CellValue::Number { .. })) => {
                    ("plus", weight, true)
                }
                ("number", Some(CellValue::Number { value: limit, .. })) => {
                    match def.rule.as_deref() {
                        Some("cap") => ("note", 0.0, false),
                        _ if need.value.is_some_and(|v| *limit <= v) => ("plus", weight, true),
                        _ => (if must { "rules_out" } else { "minus" }, 0.0, true),
                    }
                }
                (_, _) if def.rule.as_deref() == Some("cap") => ("note", 0.0, false),
                _ => ("unknown", 0.0, true),
            };
            if effect == "rules_out" {
                ruled_out_by.push(need.key.clone());
            }
            if counted {
                points += got;
                max += weight;
            }
            let mut params = vec![("need", def.name.get(lang).to_string()), ("value", shown)];
            if let (Some(CellValue::Number { value: limit, .. }), Some(v)) = (value, need.value) {
                params.push(("limit", limit.to_string()));
                params.push(("wanted", v.to_string()));
            }
            let key = if effect == "note" {
                match (value, need.value) {
                    (Some(CellValue::Number { value: limit, .. }), Some(v)) if v > *limit => {
                        "fit.cap_exceeded".to_string()
                    }
                    (Some(_), _) => "fit.cap_ok".to_string(),
                    _ => "fit.cap_unknown".to_string(),
                }
            } else {
                format!("fit.{effect}")
            };
            reasons.push(Reason {
                need: need.key.clone(),
                row: row.id.clone(),
                effect: effect.to_string(),
                points: got,
                max: if counted { weight } else { 0.0 },
                message: t(lang, &key, &params),
                source: claim.and_then(|c| c.source.clone()),
                confidence: claim.map_or(Confidence::Unsourced, |c| c.confidence),
            });
        }
        let score = (max > 0.0).then(|| (points / max * 100.0).round() as u32);
        out.insert(
            platform.to_string(),
            Fit {
                score,
                ruled_out_by,
                reasons,
            },
        );
    }
    out
}
