//! Account ids generated from names, the way WeCom accounts usually look: the name's pinyin
//! (`张伟` → `zhangwei`), made unique with a number (`zhangwei2`, `zhangwei3` …).

use crate::error::Result;
use pinyin::ToPinyin;
use rusqlite::Connection;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Surname readings of polyphonic characters (`assets/pinyin/surnames.json`).
fn surnames() -> &'static HashMap<String, String> {
    static TABLE: OnceLock<HashMap<String, String>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let raw: HashMap<String, String> =
            serde_json::from_str(include_str!("../../../../assets/pinyin/surnames.json"))
                .expect("surnames.json is valid");
        raw.into_iter()
            .filter(|(k, _)| !k.starts_with('_'))
            .collect()
    })
}

/// The syllables of a name in pinyin (lower-case ASCII; a compound or polyphonic surname read as
/// a surname), and each run of ASCII letters and digits as one piece.
pub fn syllables(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = name.trim();
    let table = surnames();
    // Compound surnames first (欧阳, 尉迟 …), then a single-character surname.
    let surname = table
        .iter()
        .filter(|(k, _)| rest.starts_with(k.as_str()))
        .max_by_key(|(k, _)| k.chars().count());
    if let Some((k, v)) = surname {
        out.push(v.clone());
        rest = &rest[k.len()..];
    }
    let mut ascii = String::new();
    for c in rest.chars() {
        if c.is_ascii_alphanumeric() {
            ascii.push(c.to_ascii_lowercase());
            continue;
        }
        if !ascii.is_empty() {
            out.push(std::mem::take(&mut ascii));
        }
        if let Some(p) = c.to_pinyin() {
            out.push(p.plain().replace('ü', "v"));
        }
    }
    if !ascii.is_empty() {
        out.push(ascii);
    }
    out
}

/// The pinyin form of a name, lower-case ASCII letters and digits only.
pub fn base_from_name(name: &str) -> String {
    let mut out = syllables(name).concat();
    out.truncate(60);
    if out.is_empty() {
        out.push_str("user");
    }
    out
}

/// A generated id not used by any member and not in `reserved` (ids given out earlier in the
/// same operation).
pub fn generate(conn: &Connection, name: &str, reserved: &[String]) -> Result<String> {
    let base = base_from_name(name);
    let mut stmt =
        conn.prepare_cached("SELECT lower(userid) FROM members WHERE userid LIKE ?1 || '%'")?;
    let mut taken: Vec<String> = stmt
        .query_map([&base], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    taken.extend(reserved.iter().map(|r| r.to_ascii_lowercase()));
    if !taken.contains(&base) {
        return Ok(base);
    }
    let n = (2..)
        .find(|n| !taken.contains(&format!("{base}{n}")))
        .unwrap_or(2);
    Ok(format!("{base}{n}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_of_names() {
        assert_eq!(base_from_name("张伟"), "zhangwei");
        assert_eq!(base_from_name("单雄"), "shanxiong");
        assert_eq!(base_from_name("曾国藩"), "zengguofan");
        assert_eq!(base_from_name("欧阳娜娜"), "ouyangnana");
        assert_eq!(base_from_name("吕布"), "lvbu");
        assert_eq!(base_from_name("Anna Li"), "annali");
        assert_eq!(base_from_name("！！"), "user");
    }
}
