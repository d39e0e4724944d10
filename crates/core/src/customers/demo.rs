//! A demo company's customers, generated when the demo is created: customers spread over the
//! members who add them (a frozen member's too, for the handover), tags of the basic and
//! behaviour layers, months of orders with every RFM segment present, welcome messages and
//! campaigns as the demo file gives them. The same file always gives the same customers;
//! their mobiles are in the demo's unreachable block.

use super::campaigns::CampaignInput;
use super::welcome::WelcomeScope;
use super::Layer;
use crate::error::{Error, ErrorCode, Result};
use crate::history::Tx;
use crate::validate::{day_number, day_text};
use rusqlite::{params, OptionalExtension};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct DemoCustomers {
    /// The last day with orders (YYYY-MM-DD).
    end: String,
    count: u32,
    /// Months of orders up to `end`.
    months: u32,
    /// The first seven digits of the mobiles (the last four are the customer's number).
    mobile_prefix: String,
    /// Accounts of the members who add customers, with how many shares of them each adds.
    owners: BTreeMap<String, u32>,
    surnames: Vec<String>,
    /// Where customers come from (添加渠道).
    sources: Vec<String>,
    /// Basic-layer groups and their tags; each customer gets one tag of each.
    basic: BTreeMap<String, Vec<String>>,
    /// Behaviour-layer groups and their tags; about half the customers get one of each.
    behaviour: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    welcome: Vec<DemoWelcome>,
    #[serde(default)]
    campaigns: Vec<CampaignInput>,
}

#[derive(Debug, Clone, Deserialize)]
struct DemoWelcome {
    #[serde(default)]
    scope: WelcomeScope,
    text: String,
}

/// A repeatable stream of numbers in [0, 1) (SplitMix64).
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut x = self.0;
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^= x >> 31;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }

    fn pick<'a, T>(&mut self, list: &'a [T]) -> &'a T {
        &list[((self.next() * list.len() as f64) as usize).min(list.len() - 1)]
    }
}

pub(crate) fn fill(tx: &Tx, d: &DemoCustomers) -> Result<()> {
    let end = day_number(&d.end)
        .ok_or_else(|| Error::invalid_value("customers.end", &d.end, "YYYY-MM-DD"))?;
    let span = (d.months * 365 / 12) as i32;
    let mut owners: Vec<i64> = Vec::new();
    for (userid, shares) in &d.owners {
        let id: i64 = tx
            .query_row("SELECT id FROM members WHERE userid = ?1", [userid], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| {
                Error::new(ErrorCode::MemberNotFound, "member_not_found").with("userid", userid)
            })?;
        owners.extend(std::iter::repeat_n(id, *shares as usize));
    }
    if owners.is_empty() || d.surnames.is_empty() || d.sources.is_empty() {
        return Err(Error::invalid_value(
            "customers",
            "owners, surnames, sources",
            "not empty",
        ));
    }
    let mut groups: Vec<Vec<i64>> = Vec::new();
    let mut behaviour_groups = 0;
    for (layer, set) in [(Layer::Basic, &d.basic), (Layer::Behaviour, &d.behaviour)] {
        for (group, tags) in set {
            let g = super::ensure_group(tx, group, layer)?;
            groups.push(
                tags.iter()
                    .map(|t| super::ensure_tag(tx, g, t))
                    .collect::<Result<_>>()?,
            );
            if layer == Layer::Behaviour {
                behaviour_groups += 1;
            }
        }
    }
    let basic_groups = groups.len() - behaviour_groups;
    let mut dice = Dice(0x5EED_C0FF_EE00_0001);
    let mut customer =
        tx.prepare("INSERT INTO customers (name, mobile, kind) VALUES (?1, ?2, '微信')")?;
    let mut owner = tx.prepare(
        "INSERT INTO customer_owners (customer_id, member_id, added_at, source) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut tag = tx.prepare("INSERT INTO customer_tags (customer_id, tag_id) VALUES (?1, ?2)")?;
    let mut order = tx.prepare(
        "INSERT INTO orders (customer_id, number, ordered_at, amount) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut number = 0u32;
    for i in 0..d.count {
        let title = if dice.next() < 0.6 {
            "女士"
        } else {
            "先生"
        };
        let name = format!("{}{title}", dice.pick(&d.surnames));
        let mobile = format!("{}{:04}", d.mobile_prefix, i);
        customer.execute(params![name, mobile])?;
        let id = tx.last_insert_rowid();
        let added = end - span + (dice.next() * span as f64 * 0.5) as i32;
        owner.execute(params![
            id,
            dice.pick(&owners),
            format!("{} 10:00:00", day_text(added)),
            dice.pick(&d.sources)
        ])?;
        for (g, tags) in groups.iter().enumerate() {
            if g < basic_groups || dice.next() < 0.5 {
                tag.execute(params![id, dice.pick(tags)])?;
            }
        }
        // Most customers buy: how often and how much varies widely, and some stopped buying
        // long ago, so every segment has customers.
        if dice.next() < 0.1 {
            continue;
        }
        let orders = 1 + (dice.next().powi(2) * 24.0) as i32;
        let basket = 30.0 + dice.next().powi(2) * 400.0;
        let last = end - (dice.next().powi(2) * (span - 1) as f64) as i32;
        for k in 0..orders {
            let day = (last - (k * (span / 26).max(1)) - (dice.next() * 6.0) as i32).max(added);
            let amount = (basket * (0.6 + dice.next() * 0.8) * 100.0).round() / 100.0;
            number += 1;
            order.execute(params![
                id,
                format!("XG{number:07}"),
                format!(
                    "{} {:02}:{:02}:00",
                    day_text(day),
                    9 + (k % 12),
                    (k * 7) % 60
                ),
                amount
            ])?;
        }
    }
    for w in &d.welcome {
        super::welcome::set(tx, &w.scope, &w.text)?;
    }
    for c in &d.campaigns {
        super::campaigns::add(tx, c)?;
    }
    Ok(())
}
