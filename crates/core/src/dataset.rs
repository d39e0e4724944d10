//! The capability dataset (`assets/capabilities/*.json`): sourced, dated facts about each
//! platform, and the limits that validators, checks and exports read from it (the one source of
//! truth for limits). Pure data: no workspace, no other domain.

use crate::error::{Error, ErrorCode, Result};
use crate::i18n::Localized;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

/// The platforms compared, in display order.
pub const PLATFORMS: [&str; 3] = ["wecom", "dingtalk", "feishu"];

/// How sure a fact is: checked against the platform's own documentation, a third party's,
/// only the setup guide's, uncertain, or not sourced at all.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    specta::Type,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Confidence {
    Official,
    ThirdParty,
    Guide,
    Uncertain,
    Unsourced,
}

impl Confidence {
    /// As the data files and the catalogues (`confidences.`) spell it.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A typed cell value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum CellValue {
    Yes,
    No,
    Partial,
    /// Not applicable on this platform.
    Na,
    Number {
        value: f64,
        unit: String,
    },
    Text {
        text: Localized,
    },
}

impl CellValue {
    /// The value in words (`是`, `200 人`, the text in `lang`).
    pub fn text(&self, lang: crate::Lang) -> String {
        use crate::i18n::t;
        match self {
            CellValue::Yes => t(lang, "values.yes", &[]),
            CellValue::No => t(lang, "values.no", &[]),
            CellValue::Partial => t(lang, "values.partial", &[]),
            CellValue::Na => t(lang, "values.na", &[]),
            CellValue::Number { value, unit } => {
                let key = format!("units.{unit}");
                let u = t(lang, &key, &[]);
                format!("{value} {}", if u == key { unit.clone() } else { u })
            }
            CellValue::Text { text } => text.get(lang).to_string(),
        }
    }
}

/// One sourced statement about a capability on a platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// None when nothing is known (`unsourced`).
    pub value: Option<CellValue>,
    #[serde(default)]
    pub note: Option<Localized>,
    /// URL or named document; None when unsourced.
    pub source: Option<String>,
    /// When the source was checked (YYYY-MM-DD), or `undated`.
    pub checked: String,
    pub confidence: Confidence,
    /// Whether this is the statement that holds now (older or disputed ones are kept, marked not current).
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct Capability {
    pub id: String,
    pub name: Localized,
    #[serde(default)]
    pub description: Option<Localized>,
    /// The limit key validators read from this row (`department_depth` …).
    #[serde(default)]
    pub limit: Option<String>,
    /// Platform → claims (the current one and any older or disputed ones).
    pub cells: BTreeMap<String, Vec<Claim>>,
}

impl Capability {
    /// The claim that holds now on `platform`.
    pub fn current(&self, platform: &str) -> Option<&Claim> {
        self.cells.get(platform)?.iter().find(|c| c.current)
    }

    /// Whether the platforms' current values differ (unknown counts as a value of its own).
    pub fn differs(&self) -> bool {
        let values: Vec<Option<&CellValue>> = PLATFORMS
            .iter()
            .map(|p| self.current(p).and_then(|c| c.value.as_ref()))
            .collect();
        values.windows(2).any(|w| w[0] != w[1])
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub category: String,
    pub order: u32,
    pub name: Localized,
    pub rows: Vec<Capability>,
}

/// The whole dataset.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Dataset {
    pub categories: Vec<Category>,
}

const FILES: &[&str] = &[
    include_str!("../../../assets/capabilities/directory.json"),
    include_str!("../../../assets/capabilities/admin.json"),
    include_str!("../../../assets/capabilities/customers.json"),
    include_str!("../../../assets/capabilities/approvals.json"),
    include_str!("../../../assets/capabilities/meetings.json"),
    include_str!("../../../assets/capabilities/security.json"),
    include_str!("../../../assets/capabilities/api.json"),
    include_str!("../../../assets/capabilities/limits.json"),
    include_str!("../../../assets/capabilities/editions.json"),
    include_str!("../../../assets/capabilities/deployment.json"),
];

impl Dataset {
    fn from_texts<'a>(texts: impl Iterator<Item = (String, &'a str)>) -> Result<Dataset> {
        let mut categories = Vec::new();
        for (name, text) in texts {
            let c: Category = serde_json::from_str(text).map_err(|e| {
                Error::new(ErrorCode::InvalidArgument, "dataset_invalid")
                    .with("file", &name)
                    .with("detail", e)
            })?;
            categories.push(c);
        }
        categories.sort_by_key(|c| c.order);
        Ok(Dataset { categories })
    }

    /// The dataset shipped with this build.
    pub fn builtin() -> &'static Dataset {
        static DATASET: OnceLock<Dataset> = OnceLock::new();
        DATASET.get_or_init(|| {
            Dataset::from_texts(
                FILES
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (format!("capabilities file {i}"), *t)),
            )
            .expect("assets/capabilities is valid")
        })
    }

    /// Reads every `*.json` file of a folder except `needs.json` (a copy of assets/capabilities).
    pub fn from_dir(dir: &Path) -> Result<Dataset> {
        let mut files: Vec<(String, String)> = Vec::new();
        let entries = std::fs::read_dir(dir).map_err(|e| crate::Error::io(dir, &e))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "json")
                && path.file_name().is_some_and(|n| n != "needs.json")
            {
                let text =
                    std::fs::read_to_string(&path).map_err(|e| crate::Error::io(&path, &e))?;
                files.push((path.display().to_string(), text));
            }
        }
        Dataset::from_texts(files.iter().map(|(n, t)| (n.clone(), t.as_str())))
    }

    pub fn rows(&self) -> impl Iterator<Item = (&Category, &Capability)> {
        self.categories
            .iter()
            .flat_map(|c| c.rows.iter().map(move |r| (c, r)))
    }

    pub fn row(&self, id: &str) -> Option<&Capability> {
        self.rows().map(|(_, r)| r).find(|r| r.id == id)
    }

    /// The number a platform sets for a limit key (`department_depth` …), when it is known.
    pub fn limit(&self, platform: &str, key: &str) -> Option<f64> {
        let row = self
            .rows()
            .map(|(_, r)| r)
            .find(|r| r.limit.as_deref() == Some(key))?;
        match row.current(platform)?.value.as_ref()? {
            CellValue::Number { value, .. } => Some(*value),
            _ => None,
        }
    }

    /// The strictest known value of a limit across the platforms (what a workspace that may go
    /// to any of them must respect), or `fallback` when no platform states it.
    pub fn strictest(&self, key: &str, fallback: f64) -> f64 {
        PLATFORMS
            .iter()
            .filter_map(|p| self.limit(p, key))
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.min(v))))
            .unwrap_or(fallback)
    }
}
