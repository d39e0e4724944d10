//! The mass-message planner (guide §5): campaigns on a day, sent by members to their own
//! customers that match the campaign's tags, RFM segments or owners (all of them when it names
//! none), checked against today's rules (`assets/customers/mass-messages.json`): each customer
//! receives at most as many mass messages a month as the month has days (every planned send that
//! reaches them counts), a member sends one mass message a day, one send reaches at most the
//! dataset's group-send size, and the organisation must be verified.

use crate::error::{Error, ErrorCode, Result};
use crate::history::Tx;
use crate::i18n::{t, Lang, Localized};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

#[derive(Deserialize)]
struct Rules {
    current: Current,
    old: Old,
}

#[derive(Deserialize)]
struct Current {
    per_member_day: u32,
    needs_certification: bool,
    source: String,
    checked: String,
}

#[derive(Deserialize)]
struct Old {
    per_customer_month: u32,
    note: Localized,
}

fn rules() -> &'static Rules {
    static R: OnceLock<Rules> = OnceLock::new();
    R.get_or_init(|| {
        serde_json::from_str(include_str!(
            "../../../../assets/customers/mass-messages.json"
        ))
        .expect("customers/mass-messages.json is valid")
    })
}

/// A campaign as added.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct CampaignInput {
    /// YYYY-MM-DD.
    pub date: String,
    /// The senders' accounts.
    pub senders: Vec<String>,
    /// Tags (`group:tag` or a unique name), segment keys, owners' accounts: a customer that
    /// matches any of them is in the audience; none at all: every customer of the senders.
    pub tags: Vec<String>,
    pub segments: Vec<String>,
    pub owners: Vec<String>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Campaign {
    #[specta(type = f64)]
    pub id: i64,
    #[serde(flatten)]
    pub input: CampaignInput,
}

fn day_of(text: &str) -> Result<String> {
    crate::validate::normalize_date(text)
        .ok_or_else(|| Error::invalid_value("date", text, "YYYY-MM-DD"))
}

pub(crate) fn add(tx: &Tx, c: &CampaignInput) -> Result<i64> {
    let day = day_of(&c.date)?;
    let text = crate::validate::clean(&c.text)
        .ok_or_else(|| Error::new(ErrorCode::MissingRequired, "campaign_text_required"))?;
    if c.senders.is_empty() {
        return Err(Error::new(
            ErrorCode::MissingRequired,
            "campaign_senders_required",
        ));
    }
    for t in &c.tags {
        super::find_tag(tx, t)?;
    }
    let keys: Vec<String> = super::rfm::segment_keys();
    for s in &c.segments {
        if !keys.contains(s) {
            return Err(Error::invalid_value("segment", s, &keys.join(", ")));
        }
    }
    tx.execute(
        "INSERT INTO campaigns (day, text) VALUES (?1, ?2)",
        params![day, text],
    )?;
    let id = tx.last_insert_rowid();
    for u in &c.senders {
        let m = super::member_id(tx, u)?;
        tx.execute(
            "INSERT OR IGNORE INTO campaign_senders (campaign_id, member_id) VALUES (?1, ?2)",
            params![id, m],
        )?;
    }
    for u in &c.owners {
        super::member_id(tx, u)?;
    }
    for (kind, values) in [
        ("tag", &c.tags),
        ("segment", &c.segments),
        ("owner", &c.owners),
    ] {
        for v in values {
            tx.execute(
                "INSERT OR IGNORE INTO campaign_audience (campaign_id, kind, value) VALUES (?1, ?2, ?3)",
                params![id, kind, v.trim()],
            )?;
        }
    }
    Ok(id)
}

pub(crate) fn delete(tx: &Tx, id: i64) -> Result<()> {
    tx.execute("DELETE FROM campaign_senders WHERE campaign_id = ?1", [id])?;
    tx.execute("DELETE FROM campaign_audience WHERE campaign_id = ?1", [id])?;
    if tx.execute("DELETE FROM campaigns WHERE id = ?1", [id])? == 0 {
        return Err(Error::new(ErrorCode::InvalidValue, "campaign_not_found").with("id", id));
    }
    Ok(())
}

/// Every campaign, by day.
pub fn list(conn: &Connection) -> Result<Vec<Campaign>> {
    let mut out: Vec<Campaign> = conn
        .prepare("SELECT id, day, text FROM campaigns ORDER BY day, id")?
        .query_map([], |r| {
            Ok(Campaign {
                id: r.get(0)?,
                input: CampaignInput {
                    date: r.get(1)?,
                    text: r.get(2)?,
                    ..Default::default()
                },
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let index: HashMap<i64, usize> = out.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut stmt = conn.prepare(
        "SELECT s.campaign_id, m.userid FROM campaign_senders s JOIN members m ON m.id = s.member_id
         ORDER BY m.userid",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(i) = index.get(&r.get::<_, i64>(0)?) {
            out[*i].input.senders.push(r.get(1)?);
        }
    }
    let mut stmt =
        conn.prepare("SELECT campaign_id, kind, value FROM campaign_audience ORDER BY value")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let Some(i) = index.get(&r.get::<_, i64>(0)?) else {
            continue;
        };
        let kind: String = r.get(1)?;
        let v: String = r.get(2)?;
        let c = &mut out[*i].input;
        match kind.as_str() {
            "tag" => c.tags.push(v),
            "segment" => c.segments.push(v),
            _ => c.owners.push(v),
        }
    }
    Ok(out)
}

/// A rule a plan breaks.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Violation {
    /// `customer_month`, `member_day`, `send_size`, `needs_certification`.
    pub code: String,
    pub message: String,
    /// The month (`customer_month`) or day (`member_day`) it is about.
    pub period: String,
    #[specta(type = Vec<f64>)]
    pub campaigns: Vec<i64>,
    /// Customers affected (names; the first 20, `affected` counts them all).
    pub customers: Vec<String>,
    /// Members affected (accounts).
    pub members: Vec<String>,
    pub affected: u32,
    pub limit: u32,
    pub source: String,
}

/// What a month's plan sends and breaks.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct CampaignCheck {
    /// YYYY-MM, or empty for every month.
    pub month: String,
    pub campaigns: Vec<CampaignReach>,
    pub violations: Vec<Violation>,
    /// The guide's old "4 a month", for comparison.
    pub old_rule: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct CampaignReach {
    #[specta(type = f64)]
    pub id: i64,
    pub date: String,
    /// Customers reached (once per sender that reaches them).
    pub sends: u32,
    pub customers: u32,
}

fn days_in_month(month: &str) -> u32 {
    let y: i32 = month.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2000);
    let m: u8 = month.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    time::Month::try_from(m).map_or(31, |m| u32::from(time::util::days_in_month(m, y)))
}

/// Checks the campaigns of `month` (YYYY-MM; all when None).
pub fn check(
    conn: &Connection,
    month: Option<&str>,
    verified: bool,
    platform: &str,
    lang: Lang,
) -> Result<CampaignCheck> {
    let rules = rules();
    let month = match month {
        Some(m) => {
            let m = m.trim();
            crate::validate::normalize_date(&format!("{m}-01"))
                .map(|d| d[..7].to_string())
                .ok_or_else(|| Error::invalid_value("month", m, "YYYY-MM"))?
        }
        None => String::new(),
    };
    let campaigns: Vec<Campaign> = list(conn)?
        .into_iter()
        .filter(|c| month.is_empty() || c.input.date.starts_with(&month))
        .collect();
    let source = format!("{} ({})", rules.current.source, rules.current.checked);
    // Owners of every customer, names, and the sends each campaign makes.
    let mut owners: HashMap<i64, Vec<String>> = HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT o.customer_id, m.userid FROM customer_owners o JOIN members m ON m.id = o.member_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            owners.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
    }
    let names: HashMap<i64, String> = conn
        .prepare("SELECT id, name FROM customers")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut tagged: HashMap<String, HashSet<i64>> = HashMap::new();
    let mut segments: HashMap<String, HashMap<i64, String>> = HashMap::new();
    let mut reach = Vec::new();
    // (month, customer) → sends; (day, member) → campaigns.
    let mut per_customer: BTreeMap<(String, i64), (u32, Vec<i64>)> = BTreeMap::new();
    let mut per_member: BTreeMap<(String, String), Vec<i64>> = BTreeMap::new();
    let mut violations = Vec::new();
    let group_send = crate::dataset::Dataset::builtin()
        .row("group_send_size")
        .and_then(|r| r.current(platform))
        .and_then(|c| match c.value.as_ref()? {
            crate::dataset::CellValue::Number { value, .. } => Some(*value as u32),
            _ => None,
        });
    for c in &campaigns {
        let i = &c.input;
        let mut sets: Vec<HashSet<i64>> = Vec::new();
        for tag in &i.tags {
            if !tagged.contains_key(tag) {
                let set = match super::find_tag(conn, tag) {
                    Ok(id) => conn
                        .prepare("SELECT customer_id FROM customer_tags WHERE tag_id = ?1")?
                        .query_map([id], |r| r.get(0))?
                        .collect::<rusqlite::Result<_>>()?,
                    Err(_) => HashSet::new(),
                };
                tagged.insert(tag.clone(), set);
            }
            sets.push(tagged[tag].clone());
        }
        if !i.segments.is_empty() {
            let of = match segments.get(&i.date) {
                Some(of) => of.clone(),
                None => {
                    let r = super::rfm::compute(
                        conn,
                        Some(&i.date),
                        None,
                        super::rfm::Scoring::Mean,
                        lang,
                    )?;
                    let of = super::rfm::segment_of(&r);
                    segments.insert(i.date.clone(), of.clone());
                    of
                }
            };
            sets.push(
                of.iter()
                    .filter(|(_, s)| i.segments.contains(s))
                    .map(|(id, _)| *id)
                    .collect(),
            );
        }
        if !i.owners.is_empty() {
            sets.push(
                owners
                    .iter()
                    .filter(|(_, o)| o.iter().any(|u| i.owners.contains(u)))
                    .map(|(id, _)| *id)
                    .collect(),
            );
        }
        let filtered = !sets.is_empty();
        let audience: HashSet<i64> = sets.into_iter().flatten().collect();
        let mut sends = 0u32;
        let mut reached: HashSet<i64> = HashSet::new();
        for sender in &i.senders {
            let mine: Vec<i64> = owners
                .iter()
                .filter(|(id, o)| o.contains(sender) && (!filtered || audience.contains(id)))
                .map(|(id, _)| *id)
                .collect();
            if let Some(cap) = group_send.filter(|cap| mine.len() as u32 > *cap) {
                violations.push(Violation {
                    code: "send_size".into(),
                    message: t(
                        lang,
                        "customers.campaign_send_size",
                        &[
                            ("member", sender.clone()),
                            ("count", mine.len().to_string()),
                            ("limit", cap.to_string()),
                            ("date", i.date.clone()),
                        ],
                    ),
                    period: i.date.clone(),
                    campaigns: vec![c.id],
                    customers: Vec::new(),
                    members: vec![sender.clone()],
                    affected: mine.len() as u32,
                    limit: cap,
                    source: source.clone(),
                });
            }
            for id in &mine {
                let e = per_customer
                    .entry((i.date[..7].to_string(), *id))
                    .or_insert((0, Vec::new()));
                e.0 += 1;
                if !e.1.contains(&c.id) {
                    e.1.push(c.id);
                }
                reached.insert(*id);
            }
            sends += mine.len() as u32;
            per_member
                .entry((i.date.clone(), sender.clone()))
                .or_default()
                .push(c.id);
        }
        reach.push(CampaignReach {
            id: c.id,
            date: i.date.clone(),
            sends,
            customers: reached.len() as u32,
        });
    }
    // Per customer per month: at most as many as the month has days.
    let mut by_month: BTreeMap<String, Vec<(i64, u32, Vec<i64>)>> = BTreeMap::new();
    for ((m, id), (n, cs)) in per_customer {
        let limit = days_in_month(&m);
        if n > limit {
            by_month.entry(m).or_default().push((id, n, cs));
        }
    }
    for (m, over) in by_month {
        let limit = days_in_month(&m);
        let mut campaigns: Vec<i64> = over.iter().flat_map(|o| o.2.clone()).collect();
        campaigns.sort_unstable();
        campaigns.dedup();
        let most = over.iter().map(|o| o.1).max().unwrap_or(0);
        violations.push(Violation {
            code: "customer_month".into(),
            message: t(
                lang,
                "customers.campaign_customer_month",
                &[
                    ("month", m.clone()),
                    ("count", over.len().to_string()),
                    ("most", most.to_string()),
                    ("limit", limit.to_string()),
                ],
            ),
            period: m,
            campaigns,
            customers: over
                .iter()
                .take(20)
                .map(|o| names.get(&o.0).cloned().unwrap_or_default())
                .collect(),
            members: Vec::new(),
            affected: over.len() as u32,
            limit,
            source: source.clone(),
        });
    }
    // Per member per day.
    for ((day, member), cs) in per_member {
        if cs.len() as u32 > rules.current.per_member_day {
            violations.push(Violation {
                code: "member_day".into(),
                message: t(
                    lang,
                    "customers.campaign_member_day",
                    &[
                        ("member", member.clone()),
                        ("date", day.clone()),
                        ("count", cs.len().to_string()),
                        ("limit", rules.current.per_member_day.to_string()),
                    ],
                ),
                period: day,
                campaigns: cs,
                customers: Vec::new(),
                members: vec![member],
                affected: 1,
                limit: rules.current.per_member_day,
                source: source.clone(),
            });
        }
    }
    if rules.current.needs_certification && !verified && !campaigns.is_empty() {
        violations.push(Violation {
            code: "needs_certification".into(),
            message: t(lang, "customers.campaign_needs_certification", &[]),
            period: month.clone(),
            campaigns: campaigns.iter().map(|c| c.id).collect(),
            customers: Vec::new(),
            members: Vec::new(),
            affected: campaigns.len() as u32,
            limit: 0,
            source: source.clone(),
        });
    }
    Ok(CampaignCheck {
        month,
        campaigns: reach,
        violations,
        old_rule: format!(
            "{} ({})",
            rules.old.note.get(lang),
            rules.old.per_customer_month
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_have_their_days() {
        assert_eq!(days_in_month("2026-02"), 28);
        assert_eq!(days_in_month("2028-02"), 29);
        assert_eq!(days_in_month("2026-04"), 30);
        assert_eq!(days_in_month("2026-12"), 31);
    }
}
