//! The organisation profile (one row per workspace).

use crate::error::{Error, Result};
use crate::history::Tx;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The platform the business is setting up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, Default)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Wecom,
    Dingtalk,
    Feishu,
    #[default]
    Undecided,
}

impl Platform {
    pub const ALL: [Platform; 4] = [
        Platform::Wecom,
        Platform::Dingtalk,
        Platform::Feishu,
        Platform::Undecided,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Wecom => "wecom",
            Platform::Dingtalk => "dingtalk",
            Platform::Feishu => "feishu",
            Platform::Undecided => "undecided",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Platform {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let lower = s.trim().to_ascii_lowercase();
        Platform::ALL
            .into_iter()
            .find(|p| p.as_str() == lower)
            .or(match s.trim() {
                "企业微信" => Some(Platform::Wecom),
                "钉钉" => Some(Platform::Dingtalk),
                "飞书" | "lark" => Some(Platform::Feishu),
                _ => None,
            })
            .ok_or_else(|| {
                Error::invalid_value("platform", s, "wecom, dingtalk, feishu, undecided")
            })
    }
}

/// What kind of body the organisation is (it decides the certification materials).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, Default)]
#[serde(rename_all = "snake_case")]
pub enum EntityType {
    #[default]
    Enterprise,
    Education,
    NonProfit,
    Government,
    /// An overseas company with a mainland subsidiary.
    Overseas,
}

impl EntityType {
    pub const ALL: [EntityType; 5] = [
        EntityType::Enterprise,
        EntityType::Education,
        EntityType::NonProfit,
        EntityType::Government,
        EntityType::Overseas,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Enterprise => "enterprise",
            EntityType::Education => "education",
            EntityType::NonProfit => "non_profit",
            EntityType::Government => "government",
            EntityType::Overseas => "overseas",
        }
    }
}

impl FromStr for EntityType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let lower = s.trim().to_ascii_lowercase().replace('-', "_");
        EntityType::ALL
            .into_iter()
            .find(|e| e.as_str() == lower)
            .ok_or_else(|| {
                Error::invalid_value(
                    "entity_type",
                    s,
                    "enterprise, education, non_profit, government, overseas",
                )
            })
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct OrgProfile {
    /// The name the workspace shows.
    pub name: String,
    pub platform: Platform,
    pub created_at: String,
    /// The registered (legal) name.
    pub legal_name: Option<String>,
    /// Unified social credit code, validated (GB 32100-2015).
    pub credit_code: Option<String>,
    pub entity_type: EntityType,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub headcount: Option<u32>,
}

/// Changes to the profile; fields left out stay as they are, an empty text clears one.
#[derive(Debug, Clone, Default, Deserialize, Serialize, specta::Type)]
#[serde(default)]
pub struct ProfileInput {
    pub name: Option<String>,
    pub platform: Option<Platform>,
    pub legal_name: Option<String>,
    pub credit_code: Option<String>,
    pub entity_type: Option<EntityType>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub headcount: Option<u32>,
}

pub(crate) fn load(conn: &Connection) -> Result<OrgProfile> {
    Ok(conn.query_row(
        "SELECT name, platform, created_at, legal_name, credit_code, entity_type, industry, region, headcount
         FROM organization WHERE id = 1",
        [],
        |r| {
            Ok(OrgProfile {
                name: r.get(0)?,
                platform: r.get::<_, String>(1)?.parse().unwrap_or_default(),
                created_at: r.get(2)?,
                legal_name: r.get(3)?,
                credit_code: r.get(4)?,
                entity_type: r.get::<_, String>(5)?.parse().unwrap_or_default(),
                industry: r.get(6)?,
                region: r.get(7)?,
                headcount: r.get(8)?,
            })
        },
    )?)
}

/// Checks and writes profile changes (inside the caller's recorded transaction).
pub(crate) fn update(tx: &Tx, input: &ProfileInput) -> Result<crate::history::Change<OrgProfile>> {
    use crate::validate::clean_opt;
    let before = load(tx)?;
    let mut p = before.clone();
    if let Some(name) = &input.name {
        p.name = crate::validate::clean(name).ok_or_else(|| {
            Error::new(
                crate::error::ErrorCode::MissingRequired,
                "profile_name_empty",
            )
        })?;
    }
    if let Some(platform) = input.platform {
        p.platform = platform;
    }
    if let Some(v) = &input.legal_name {
        p.legal_name = clean_opt(Some(v));
    }
    if let Some(v) = &input.credit_code {
        p.credit_code = match clean_opt(Some(v)) {
            Some(code) => Some(super::credit_code::validate(&code)?),
            None => None,
        };
    }
    if let Some(e) = input.entity_type {
        p.entity_type = e;
    }
    if let Some(v) = &input.industry {
        p.industry = clean_opt(Some(v));
    }
    if let Some(v) = &input.region {
        p.region = clean_opt(Some(v));
    }
    if let Some(n) = input.headcount {
        p.headcount = (n > 0).then_some(n);
    }
    tx.execute(
        "UPDATE organization SET name = ?1, platform = ?2, legal_name = ?3, credit_code = ?4,
                entity_type = ?5, industry = ?6, region = ?7, headcount = ?8 WHERE id = 1",
        rusqlite::params![
            p.name,
            p.platform.as_str(),
            p.legal_name,
            p.credit_code,
            p.entity_type.as_str(),
            p.industry,
            p.region,
            p.headcount
        ],
    )?;
    Ok(crate::history::Change {
        value: p.clone(),
        target: p.name.clone(),
        before: serde_json::to_value(&before).ok(),
        after: serde_json::to_value(&p).ok(),
    })
}

pub(crate) fn insert(tx: &Tx, name: &str, platform: Platform) -> Result<()> {
    tx.execute(
        "INSERT INTO organization (id, name, platform, created_at) VALUES (1, ?1, ?2, ?3)",
        rusqlite::params![name, platform.as_str(), crate::history::now()],
    )?;
    Ok(())
}
