//! Searching members through an index instead of a scan (migration 11).
//!
//! `member_search` holds, per member, the values people search by: the name, its full pinyin
//! and its initials (`张伟` → `zhangwei`, `zw`), the account, mobile, alias and email, each
//! between two `\x02` and two `\x03`, cut into trigrams. A query of three characters or more
//! matches anywhere in a value; a query of one or two characters matches the start or the end of
//! a value (`张`, `伟`, `zw`, `13`): a trigram of a marker and the query finds exactly those.
//! Letters match in either case.
//!
//! The index is derived data kept up to date lazily: triggers note the members that changed
//! (`member_search_pending`), bulk writes drop the triggers and note everything
//! (`db::drop_indexes`), and the next search indexes what is noted first ([`catch_up`]).

use super::userid::syllables;
use crate::error::Result;
use rusqlite::Connection;
use std::collections::BTreeSet;

const START: &str = "\u{2}\u{2}";
const END: &str = "\u{3}\u{3}";

/// The values of a member a search looks at, as stored: name, account, mobile, alias, email.
pub struct Searchable<'a> {
    pub name: &'a str,
    pub userid: &'a str,
    pub mobile: Option<&'a str>,
    pub alias: Option<&'a str>,
    pub email: Option<&'a str>,
}

impl Searchable<'_> {
    /// Every value a query is matched against: the stored ones and the name's pinyin, full and
    /// initials.
    pub fn values(&self) -> Vec<String> {
        let syllables = syllables(self.name);
        let initials: String = syllables.iter().filter_map(|s| s.chars().next()).collect();
        let mut out = vec![self.name.to_string(), syllables.concat(), initials];
        out.push(self.userid.to_string());
        out.extend(
            [self.mobile, self.alias, self.email]
                .into_iter()
                .flatten()
                .map(str::to_string),
        );
        out.retain(|v| !v.is_empty());
        // The same text twice (an account that is the pinyin) finds nothing more.
        let mut seen = std::collections::HashSet::new();
        out.retain(|v| seen.insert(v.to_lowercase()));
        out
    }

    pub(super) fn text(&self) -> String {
        let mut text = String::new();
        for v in self.values() {
            text.push_str(START);
            text.push_str(&v);
            text.push_str(END);
        }
        text
    }
}

/// The FTS5 expression that finds `query` (trimmed; None when empty).
pub(crate) fn match_expr(query: &str) -> Option<String> {
    let q = query.trim();
    let phrase = |s: String| format!("\"{}\"", s.replace('"', "\"\""));
    match q.chars().count() {
        0 => None,
        1 => Some(format!(
            "{} OR {}",
            phrase(format!("{START}{q}")),
            phrase(format!("{q}{END}"))
        )),
        2 => Some(format!(
            "{} OR {}",
            phrase(format!("\u{2}{q}")),
            phrase(format!("{q}\u{3}"))
        )),
        _ => Some(phrase(q.to_string())),
    }
}

/// Whether `values` (see [`Searchable::values`]) match `query` as the index matches them: the
/// plain rule the index implements, for checking it.
pub fn matches(values: &[String], query: &str) -> bool {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return true;
    }
    let short = q.chars().count() < 3;
    values.iter().any(|v| {
        let v = v.to_lowercase();
        if short {
            v.starts_with(&q) || v.ends_with(&q)
        } else {
            v.contains(&q)
        }
    })
}

/// Whether the index is up to date.
pub(crate) fn is_current(conn: &Connection) -> Result<bool> {
    Ok(!conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM member_search_pending)",
        [],
        |r| r.get::<_, bool>(0),
    )?)
}

/// From this many noted members on, the whole index is built again.
const REBUILD_FROM: i128 = 20_000;

/// Indexes the members noted as changed (inside a write transaction).
pub(crate) fn catch_up(conn: &Connection) -> Result<()> {
    let ranges = conn
        .prepare("SELECT lo, hi FROM member_search_pending")?
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if ranges.is_empty() {
        return Ok(());
    }
    let noted: i128 = ranges
        .iter()
        .map(|&(lo, hi)| i128::from(hi) - i128::from(lo) + 1)
        .sum();
    let mut insert = conn.prepare("INSERT INTO member_search (rowid, text) VALUES (?1, ?2)")?;
    let mut add = |r: &rusqlite::Row| -> Result<()> {
        let (name, userid): (String, String) = (r.get(1)?, r.get(2)?);
        let (mobile, alias, email): (Option<String>, Option<String>, Option<String>) =
            (r.get(3)?, r.get(4)?, r.get(5)?);
        let text = Searchable {
            name: &name,
            userid: &userid,
            mobile: mobile.as_deref(),
            alias: alias.as_deref(),
            email: email.as_deref(),
        }
        .text();
        insert.execute(rusqlite::params![r.get::<_, i64>(0)?, text])?;
        Ok(())
    };
    const COLUMNS: &str = "SELECT id, name, userid, mobile, alias, email FROM members";
    if noted >= REBUILD_FROM {
        conn.execute(
            "INSERT INTO member_search (member_search) VALUES ('delete-all')",
            [],
        )?;
        let mut stmt = conn.prepare(COLUMNS)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            add(r)?;
        }
    } else {
        let ids: BTreeSet<i64> = ranges.iter().flat_map(|&(lo, hi)| lo..=hi).collect();
        let mut delete = conn.prepare("DELETE FROM member_search WHERE rowid = ?1")?;
        let mut one = conn.prepare(&format!("{COLUMNS} WHERE id = ?1"))?;
        for id in ids {
            delete.execute([id])?;
            let mut rows = one.query([id])?;
            if let Some(r) = rows.next()? {
                add(r)?;
            }
        }
    }
    conn.execute("DELETE FROM member_search_pending", [])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(name: &str, userid: &str) -> Vec<String> {
        Searchable {
            name,
            userid,
            mobile: Some("13800138000"),
            alias: None,
            email: Some("Wei.Zhang@Example.com"),
        }
        .values()
    }

    #[test]
    fn values_carry_the_pinyin() {
        assert_eq!(
            values("张伟", "zhangwei"),
            [
                "张伟",
                "zhangwei",
                "zw",
                "13800138000",
                "Wei.Zhang@Example.com"
            ]
        );
        assert_eq!(values("单雄信", "x")[1..3], ["shanxiongxin", "sxx"]);
    }

    #[test]
    fn short_queries_match_the_ends_long_ones_anywhere() {
        let v = values("张伟明", "u1");
        for q in [
            "张", "明", "张伟", "伟明", "zw", "zwm", "weiming", "0138", "EXAMPLE", " zh ",
        ] {
            assert!(matches(&v, q), "{q}");
        }
        for q in ["伟", "zm", "x", "zhangsan"] {
            assert!(!matches(&v, q), "{q}");
        }
    }

    #[test]
    fn expressions_quote_the_query() {
        assert_eq!(match_expr("  "), None);
        assert_eq!(match_expr("a\"bc").unwrap(), "\"a\"\"bc\"");
        assert_eq!(match_expr("zw").unwrap(), "\"\u{2}zw\" OR \"zw\u{3}\"");
    }
}
