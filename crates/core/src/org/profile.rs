//! The organisation profile (one row per workspace).

use crate::error::{Error, Result};
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

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct OrgProfile {
    pub name: String,
    pub platform: Platform,
    pub created_at: String,
}

pub(crate) fn load(conn: &Connection) -> Result<OrgProfile> {
    Ok(conn.query_row(
        "SELECT name, platform, created_at FROM organization WHERE id = 1",
        [],
        |r| {
            Ok(OrgProfile {
                name: r.get(0)?,
                platform: r.get::<_, String>(1)?.parse().unwrap_or_default(),
                created_at: r.get(2)?,
            })
        },
    )?)
}

pub(crate) fn insert(conn: &Connection, name: &str, platform: Platform) -> Result<()> {
    conn.execute(
        "INSERT INTO organization (id, name, platform, created_at) VALUES (1, ?1, ?2, ?3)",
        rusqlite::params![name, platform.as_str(), crate::history::now()],
    )?;
    Ok(())
}
