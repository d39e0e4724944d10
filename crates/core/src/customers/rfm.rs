//! RFM value segments (guide §5, the value layer of tags): for each customer with orders in the
//! window, R = days since the last order as of a date, F = orders, M = their total amount; each
//! high or low against the mean over those customers (or by quintile scores), which names one
//! of the eight segments of `assets/customers/segments.json`.

use crate::error::{Error, Result};
use crate::history::Tx;
use crate::i18n::{Lang, Localized};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Deserialize)]
pub(crate) struct Rules {
    pub window_days: u32,
    pub value_group: Localized,
    segments: Vec<SegmentRule>,
}

#[derive(Deserialize)]
struct SegmentRule {
    key: String,
    r: Level,
    f: Level,
    m: Level,
    name: Localized,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Level {
    High,
    Low,
}

pub(crate) fn rules() -> &'static Rules {
    static R: OnceLock<Rules> = OnceLock::new();
    R.get_or_init(|| {
        serde_json::from_str(include_str!("../../../../assets/customers/segments.json"))
            .expect("customers/segments.json is valid")
    })
}

/// Whether R, F and M are high in segment `key`.
pub(crate) fn levels(key: &str) -> Option<[bool; 3]> {
    let s = rules().segments.iter().find(|s| s.key == key)?;
    Some([s.r, s.f, s.m].map(|l| l == Level::High))
}

/// The segments' keys, in the dataset's order.
pub fn segment_keys() -> Vec<String> {
    rules().segments.iter().map(|s| s.key.clone()).collect()
}

/// How R, F and M are judged high or low.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Scoring {
    /// Against the mean over the customers with orders (the default).
    #[default]
    Mean,
    /// Scores 1–5 by quintile; 4 and 5 are high.
    Quintile,
}

/// As of when, over how many days and how the segments are computed (defaults: today, 365
/// days, against the mean).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, specta::Type)]
#[serde(default)]
pub struct RfmOptions {
    pub as_of: Option<String>,
    pub window_days: Option<u32>,
    pub scoring: Scoring,
}

/// What high means for each of R, F and M: R high below `r` days, F and M high above `f`, `m`.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Thresholds {
    pub r: f64,
    pub f: f64,
    pub m: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Segment {
    pub key: String,
    pub name: String,
    pub count: u32,
    pub revenue: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct CustomerRfm {
    #[specta(type = f64)]
    pub id: i64,
    pub name: String,
    /// Owners' accounts.
    pub owners: Vec<String>,
    /// Days since the last order.
    pub r: u32,
    pub f: u32,
    pub m: f64,
    pub segment: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Rfm {
    pub as_of: String,
    pub window_days: u32,
    pub scoring: Scoring,
    /// None when no customer has an order in the window.
    pub thresholds: Option<Thresholds>,
    pub segments: Vec<Segment>,
    pub customers: Vec<CustomerRfm>,
}

impl Rfm {
    /// The segments and thresholds without the per-customer rows (what a chart needs).
    pub fn summary(mut self) -> Rfm {
        self.customers = Vec::new();
        self
    }
}

/// A quantile of sorted values (linear between neighbours, as Excel's PERCENTILE.INC).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let pos = p * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Computes the segments as of `as_of` (YYYY-MM-DD; default today) over the orders of the
/// `window_days` days up to it (default 365): orders after `as_of` or before the window are
/// left out.
pub fn compute(
    conn: &Connection,
    as_of: Option<&str>,
    window_days: Option<u32>,
    scoring: Scoring,
    lang: Lang,
) -> Result<Rfm> {
    let rules = rules();
    let as_of = match as_of {
        Some(d) => crate::validate::normalize_date(d)
            .ok_or_else(|| Error::invalid_value("as_of", d, "YYYY-MM-DD"))?,
        None => crate::validate::day_text(time::OffsetDateTime::now_utc().date().to_julian_day()),
    };
    let end = crate::validate::day_number(&as_of)
        .ok_or_else(|| Error::invalid_value("as_of", &as_of, "YYYY-MM-DD"))?;
    let window = window_days.unwrap_or(rules.window_days);
    if window == 0 {
        return Err(Error::invalid_value("window_days", "0", "1 or more"));
    }
    let start = end - window as i32 + 1;
    // Per customer: last order day, orders, amount.
    let mut per: HashMap<i64, (i32, u32, f64)> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT customer_id, substr(ordered_at, 1, 10), amount FROM orders
         WHERE substr(ordered_at, 1, 10) BETWEEN ?1 AND ?2",
    )?;
    let mut rows = stmt.query([
        crate::validate::day_text(start),
        crate::validate::day_text(end),
    ])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let day: String = r.get(1)?;
        let amount: f64 = r.get(2)?;
        let Some(d) = crate::validate::day_number(&day) else {
            continue;
        };
        let e = per.entry(id).or_insert((d, 0, 0.0));
        e.0 = e.0.max(d);
        e.1 += 1;
        e.2 += amount;
    }
    let mut out = Rfm {
        as_of,
        window_days: window,
        scoring,
        thresholds: None,
        segments: rules
            .segments
            .iter()
            .map(|s| Segment {
                key: s.key.clone(),
                name: s.name.get(lang).to_string(),
                count: 0,
                revenue: 0.0,
            })
            .collect(),
        customers: Vec::new(),
    };
    if per.is_empty() {
        return Ok(out);
    }
    let values: Vec<(i64, f64, f64, f64)> = per
        .iter()
        .map(|(id, (last, f, m))| (*id, (end - last) as f64, *f as f64, *m))
        .collect();
    let n = values.len() as f64;
    // High: R below `r`, F above `f`, M above `m`.
    let thresholds = match scoring {
        Scoring::Mean => Thresholds {
            r: values.iter().map(|v| v.1).sum::<f64>() / n,
            f: values.iter().map(|v| v.2).sum::<f64>() / n,
            m: values.iter().map(|v| v.3).sum::<f64>() / n,
        },
        Scoring::Quintile => {
            let sorted = |k: fn(&(i64, f64, f64, f64)) -> f64| {
                let mut v: Vec<f64> = values.iter().map(k).collect();
                v.sort_by(f64::total_cmp);
                v
            };
            // A score of 4 or 5: above the 60th percentile (F, M); R below the 40th.
            Thresholds {
                r: quantile(&sorted(|v| v.1), 0.4),
                f: quantile(&sorted(|v| v.2), 0.6),
                m: quantile(&sorted(|v| v.3), 0.6),
            }
        }
    };
    let level = |high: bool| if high { Level::High } else { Level::Low };
    let names = names(conn)?;
    let owners = owners(conn)?;
    for (id, r, f, m) in values {
        let (lr, lf, lm) = (
            level(r < thresholds.r),
            level(f > thresholds.f),
            level(m > thresholds.m),
        );
        let Some(i) = rules
            .segments
            .iter()
            .position(|s| s.r == lr && s.f == lf && s.m == lm)
        else {
            continue;
        };
        out.segments[i].count += 1;
        out.segments[i].revenue += m;
        out.customers.push(CustomerRfm {
            id,
            name: names.get(&id).cloned().unwrap_or_default(),
            owners: owners.get(&id).cloned().unwrap_or_default(),
            r: r as u32,
            f: f as u32,
            m: round2(m),
            segment: rules.segments[i].key.clone(),
        });
    }
    for s in &mut out.segments {
        s.revenue = round2(s.revenue);
    }
    out.customers
        .sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    out.thresholds = Some(Thresholds {
        r: round2(thresholds.r),
        f: round2(thresholds.f),
        m: round2(thresholds.m),
    });
    Ok(out)
}

fn names(conn: &Connection) -> Result<HashMap<i64, String>> {
    let mut stmt = conn.prepare("SELECT id, name FROM customers")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn owners(conn: &Connection) -> Result<HashMap<i64, Vec<String>>> {
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT o.customer_id, m.userid FROM customer_owners o JOIN members m ON m.id = o.member_id
         ORDER BY o.customer_id, m.userid",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?).or_default().push(r.get(1)?);
    }
    Ok(out)
}

/// Makes each customer's segment their tag in the value layer (replacing the value tags they
/// had); returns how many customers were tagged.
pub(crate) fn apply(tx: &Tx, rfm: &Rfm, lang: Lang) -> Result<u32> {
    let group = super::ensure_group(tx, &super::value_group_name(lang), super::Layer::Value)?;
    tx.execute(
        "DELETE FROM customer_tags WHERE tag_id IN
           (SELECT t.id FROM tags t JOIN tag_groups g ON g.id = t.group_id WHERE g.layer = 'value')",
        [],
    )?;
    let mut ids: HashMap<&str, i64> = HashMap::new();
    for s in &rfm.segments {
        ids.insert(s.key.as_str(), super::ensure_tag(tx, group, &s.name)?);
    }
    let mut insert =
        tx.prepare("INSERT OR IGNORE INTO customer_tags (customer_id, tag_id) VALUES (?1, ?2)")?;
    for c in &rfm.customers {
        if let Some(tag) = ids.get(c.segment.as_str()) {
            insert.execute([c.id, *tag])?;
        }
    }
    Ok(rfm.customers.len() as u32)
}

/// The segment key of each customer that has one, by customer id.
pub(crate) fn segment_of(rfm: &Rfm) -> HashMap<i64, String> {
    rfm.customers
        .iter()
        .map(|c| (c.id, c.segment.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_segments_cover_every_combination() {
        let r = rules();
        assert_eq!(r.segments.len(), 8);
        for lr in [Level::High, Level::Low] {
            for lf in [Level::High, Level::Low] {
                for lm in [Level::High, Level::Low] {
                    assert_eq!(
                        r.segments
                            .iter()
                            .filter(|s| s.r == lr && s.f == lf && s.m == lm)
                            .count(),
                        1
                    );
                }
            }
        }
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.6), 3.4);
    }
}
