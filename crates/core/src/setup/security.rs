//! Security and compliance settings (guide §6) with a score: which settings are in place, what is
//! missing and why it matters, and where each one is in the platform's console. Settings, weights
//! and console paths are data (`assets/security/settings.json`).

use crate::error::{Error, ErrorCode, Result};
use crate::history::{Change, Tx};
use crate::i18n::{Lang, Localized};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::OnceLock;

/// What kind of value a setting holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SettingKind {
    /// On or off.
    Bool,
    /// One of the setting's choices.
    Choice,
    /// A number of days (more than 0).
    Days,
    Text,
    /// IP networks (`203.0.113.0/24`, `2001:db8::/32`).
    CidrList,
}

/// A setting as `assets/security/settings.json` declares it.
#[derive(Debug, Clone, Deserialize)]
pub struct Setting {
    pub key: String,
    /// The option of `orgdesk security set` (`--two-step`).
    pub flag: String,
    pub kind: SettingKind,
    #[serde(default)]
    pub choices: Vec<String>,
    pub weight: u32,
    pub name: Localized,
    pub why: Localized,
    console: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
struct File {
    settings: Vec<Setting>,
}

/// Every setting, in the order the Security page lists them.
pub fn settings() -> &'static [Setting] {
    static FILE: OnceLock<File> = OnceLock::new();
    &FILE
        .get_or_init(|| {
            serde_json::from_str(include_str!("../../../../assets/security/settings.json"))
                .expect("security/settings.json is valid")
        })
        .settings
}

fn setting(key: &str) -> Result<&'static Setting> {
    settings().iter().find(|s| s.key == key).ok_or_else(|| {
        let keys: Vec<&str> = settings().iter().map(|s| s.key.as_str()).collect();
        Error::invalid_value("setting", key, &keys.join(", "))
    })
}

/// Checks one IP allowlist entry (`10.0.0.0/8`, `2001:db8::/32`, or one address) and returns it
/// normalised; the error names the problem (bad address, prefix out of range, host bits set).
pub fn validate_cidr(raw: &str) -> Result<String> {
    let entry = raw.trim();
    let bad = |key: &'static str| Error::new(ErrorCode::InvalidValue, key).with("entry", entry);
    let (addr, prefix) = match entry.split_once('/') {
        Some((a, p)) => (a.trim(), Some(p.trim())),
        None => (entry, None),
    };
    let ip: IpAddr = addr.parse().map_err(|_| bad("cidr_address"))?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let prefix: u32 = match prefix {
        Some(p) => p
            .parse()
            .ok()
            .filter(|n| *n <= max)
            .ok_or_else(|| bad("cidr_prefix").with("max", max))?,
        None => max,
    };
    let (bits, network) = match ip {
        IpAddr::V4(v4) => {
            let n = u32::from(v4) as u128;
            let mask = if prefix == 0 {
                0
            } else {
                (u32::MAX << (32 - prefix)) as u128
            };
            (n, IpAddr::V4(std::net::Ipv4Addr::from((n & mask) as u32)))
        }
        IpAddr::V6(v6) => {
            let n = u128::from(v6);
            let mask = if prefix == 0 {
                0
            } else {
                u128::MAX << (128 - prefix)
            };
            (n, IpAddr::V6(std::net::Ipv6Addr::from(n & mask)))
        }
    };
    let network_bits = match network {
        IpAddr::V4(v4) => u32::from(v4) as u128,
        IpAddr::V6(v6) => u128::from(v6),
    };
    if bits != network_bits {
        return Err(bad("cidr_host_bits").with("network", format!("{network}/{prefix}")));
    }
    Ok(format!("{ip}/{prefix}"))
}

/// A setting's value given as text (`orgdesk security set --two-step on`; a list setting takes
/// several texts): what [`Workspace::set_security`](crate::Workspace::set_security) takes.
pub fn value_of_texts(key: &str, texts: &[String]) -> Result<Value> {
    let s = setting(key)?;
    let text = texts.first().map(String::as_str).unwrap_or_default();
    let wrong = || {
        Error::new(ErrorCode::InvalidValue, "security_value")
            .with_localized("setting", &s.name)
            .with("value", text)
    };
    Ok(match s.kind {
        SettingKind::Bool => {
            let on = match text.trim().to_ascii_lowercase().as_str() {
                "on" | "yes" | "true" | "1" => Some(true),
                "off" | "no" | "false" | "0" => Some(false),
                other => crate::validate::yes_no(other),
            };
            Value::Bool(on.ok_or_else(wrong)?)
        }
        SettingKind::Days => Value::from(text.trim().parse::<u64>().map_err(|_| wrong())?),
        SettingKind::CidrList => Value::from(texts.to_vec()),
        SettingKind::Choice | SettingKind::Text => Value::String(text.to_string()),
    })
}

/// Checks a value for `key` and returns it as stored.
fn checked(s: &Setting, value: &Value) -> Result<Value> {
    let wrong = || {
        Error::new(ErrorCode::InvalidValue, "security_value")
            .with_localized("setting", &s.name)
            .with("value", value.to_string())
    };
    Ok(match s.kind {
        SettingKind::Bool => Value::Bool(value.as_bool().ok_or_else(wrong)?),
        SettingKind::Choice => {
            let c = value.as_str().ok_or_else(wrong)?;
            if !s.choices.iter().any(|x| x == c) {
                return Err(Error::invalid_value(&s.key, c, &s.choices.join(", ")));
            }
            Value::String(c.into())
        }
        SettingKind::Days => Value::from(value.as_u64().filter(|d| *d > 0).ok_or_else(wrong)?),
        SettingKind::Text => Value::String(
            crate::validate::clean(value.as_str().ok_or_else(wrong)?).unwrap_or_default(),
        ),
        SettingKind::CidrList => {
            let items = value.as_array().ok_or_else(wrong)?;
            let mut out = Vec::new();
            for item in items {
                let v = validate_cidr(item.as_str().ok_or_else(wrong)?)?;
                if !out.contains(&v) {
                    out.push(v);
                }
            }
            Value::from(out)
        }
    })
}

pub(crate) fn load(conn: &Connection) -> Result<BTreeMap<String, Value>> {
    let mut stmt = conn.prepare("SELECT key, value FROM security_settings")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (k, v) = row?;
        out.insert(k, serde_json::from_str(&v).unwrap_or(Value::Null));
    }
    Ok(out)
}

/// Sets several settings at once (inside the caller's recorded transaction). A null value clears
/// a setting.
pub(crate) fn set(tx: &Tx, values: &BTreeMap<String, Value>) -> Result<Change<()>> {
    let before = load(tx)?;
    for (key, value) in values {
        let s = setting(key)?;
        if value.is_null() {
            tx.execute("DELETE FROM security_settings WHERE key = ?1", [key])?;
            continue;
        }
        let v = checked(s, value)?;
        tx.execute(
            "INSERT INTO security_settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = ?2",
            [key, &v.to_string()],
        )?;
    }
    Ok(Change {
        value: (),
        target: values.keys().cloned().collect::<Vec<_>>().join(", "),
        before: serde_json::to_value(before).ok(),
        after: serde_json::to_value(values).ok(),
    })
}

/// One setting as the Security page shows it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SettingState {
    pub key: String,
    pub kind: SettingKind,
    pub choices: Vec<String>,
    pub name: String,
    pub why: String,
    /// Where it is in the target platform's console (unverified; see the data file).
    pub console: Option<String>,
    pub value: Value,
    pub done: bool,
    pub weight: u32,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SecurityReport {
    /// 0–100: the weight of the settings in place.
    pub score: u32,
    pub settings: Vec<SettingState>,
    /// Names of the settings still missing, most important first.
    pub missing: Vec<String>,
}

/// Whether a setting counts as in place.
fn done(key: &str, value: &Value, all: &BTreeMap<String, Value>) -> bool {
    match key {
        // An allowlist matters when overseas access is allowed through it; blocked is fine too.
        "ip_allowlist" => {
            value.as_array().is_some_and(|a| !a.is_empty())
                || all.get("overseas_access").and_then(Value::as_str) == Some("blocked")
        }
        "overseas_access" => matches!(value.as_str(), Some("blocked" | "allowlist")),
        "pipl_cross_border" => matches!(value.as_str(), Some("none" | "assessed")),
        _ => match value {
            Value::Bool(b) => *b,
            Value::String(s) => !s.is_empty(),
            Value::Number(_) => true,
            _ => false,
        },
    }
}

pub(crate) fn report(conn: &Connection, platform: &str, lang: Lang) -> Result<SecurityReport> {
    let all = load(conn)?;
    let mut total = 0;
    let mut got = 0;
    let mut states = Vec::new();
    for s in settings() {
        let value = all.get(&s.key).cloned().unwrap_or(Value::Null);
        let ok = done(&s.key, &value, &all);
        total += s.weight;
        if ok {
            got += s.weight;
        }
        states.push(SettingState {
            key: s.key.clone(),
            kind: s.kind,
            choices: s.choices.clone(),
            name: s.name.get(lang).to_string(),
            why: s.why.get(lang).to_string(),
            console: s.console.get(platform).cloned(),
            value,
            done: ok,
            weight: s.weight,
        });
    }
    let mut missing: Vec<&SettingState> = states.iter().filter(|s| !s.done).collect();
    missing.sort_by_key(|s| std::cmp::Reverse(s.weight));
    Ok(SecurityReport {
        score: (got * 100).checked_div(total).unwrap_or(0),
        missing: missing.iter().map(|s| s.name.clone()).collect(),
        settings: states,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_entries_are_checked_precisely() {
        for (given, stored) in [
            ("10.0.0.0/8", "10.0.0.0/8"),
            (" 192.168.1.0/24 ", "192.168.1.0/24"),
            ("203.0.113.7", "203.0.113.7/32"),
            ("0.0.0.0/0", "0.0.0.0/0"),
            ("2001:db8::/32", "2001:db8::/32"),
            ("2001:DB8:0:0::/48", "2001:db8::/48"),
            ("::1", "::1/128"),
        ] {
            assert_eq!(validate_cidr(given).unwrap(), stored, "{given}");
        }
        let key = |s: &str| validate_cidr(s).unwrap_err().key;
        assert_eq!(key("192.168.1.0/33"), "cidr_prefix");
        assert_eq!(key("2001:db8::/129"), "cidr_prefix");
        assert_eq!(key("192.168.1.0/x"), "cidr_prefix");
        assert_eq!(key("192.168.1.256/24"), "cidr_address");
        assert_eq!(key("192.168.1/24"), "cidr_address");
        assert_eq!(key("例子"), "cidr_address");
        let e = validate_cidr("192.168.1.5/24").unwrap_err();
        assert_eq!(e.key, "cidr_host_bits");
        assert!(
            e.message(Lang::ZhCn).contains("192.168.1.0/24"),
            "{}",
            e.message(Lang::ZhCn)
        );
        assert_eq!(key("2001:db8::1/32"), "cidr_host_bits");
    }

    #[test]
    fn options_given_as_text_become_values_and_errors_name_the_setting_in_each_language() {
        let texts = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            value_of_texts("two_step", &texts(&["on"])).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            value_of_texts("watermark", &texts(&["否"])).unwrap(),
            Value::Bool(false)
        );
        assert_eq!(
            value_of_texts("pipl_retention_days", &texts(&["30"])).unwrap(),
            Value::from(30)
        );
        assert_eq!(
            value_of_texts("ip_allowlist", &texts(&["10.0.0.0/8", "::1"])).unwrap(),
            serde_json::json!(["10.0.0.0/8", "::1"])
        );
        let e = value_of_texts("two_step", &texts(&["maybe"])).unwrap_err();
        assert!(e.message(Lang::EnUs).contains("Two-step verification"));
        assert!(e.message(Lang::ZhCn).contains("二次验证"));
        // Every setting has an option of its own.
        let flags: std::collections::BTreeSet<&str> =
            settings().iter().map(|s| s.flag.as_str()).collect();
        assert_eq!(flags.len(), settings().len());
    }
}
