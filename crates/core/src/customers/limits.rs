//! The platform's customer limits (guide §5), read from the capability dataset: the customers
//! one member may have for the organisation's certification state, "group your customers" above
//! 2,000 (exactly 2,000 is fine), and the cap of an unverified organisation. These are findings,
//! never import errors: the customers are there either way.

use crate::dataset::{CellValue, Claim, Dataset};
use crate::error::Result;
use crate::i18n::Lang;
use rusqlite::Connection;
use serde::Serialize;

/// A limit a member or the organisation goes over.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct CustomerFinding {
    /// `member_over_cap`, `group_customers`, `unverified_over_cap`.
    pub code: String,
    /// The member's account (none for the organisation).
    pub member: Option<String>,
    pub name: Option<String>,
    pub count: u32,
    pub limit: u32,
    pub message: String,
    /// Where the figure comes from (the dataset row's source and when it was checked).
    pub source: String,
}

fn number(claim: &Claim) -> Option<u32> {
    match claim.value.as_ref()? {
        CellValue::Number { value, .. } => Some(*value as u32),
        _ => None,
    }
}

/// The current claim of dataset row `id` on `platform` with its number.
fn rule<'d>(ds: &'d Dataset, id: &str, platform: &str) -> Option<(&'d Claim, u32)> {
    let claim = ds.row(id)?.current(platform)?;
    number(claim).map(|n| (claim, n))
}

fn source_of(claim: &Claim) -> String {
    format!(
        "{} ({})",
        claim.source.as_deref().unwrap_or("—"),
        claim.checked
    )
}

/// Whether the organisation's certification is approved (its customers are then not held to
/// the unverified cap).
pub(crate) fn verified(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM certification WHERE id = 1 AND approved_on IS NOT NULL)",
        [],
        |r| r.get(0),
    )?)
}

/// The findings for `platform` (`wecom` …; a platform whose limits are unsourced has none);
/// `verified`: whether the organisation's certification is approved.
pub fn check(
    conn: &Connection,
    platform: &str,
    verified: bool,
    lang: Lang,
) -> Result<Vec<CustomerFinding>> {
    let ds = Dataset::builtin();
    let mut out = Vec::new();
    let mut per_member: Vec<(String, String, u32)> = conn
        .prepare(
            "SELECT m.userid, m.name, count(*) FROM customer_owners o JOIN members m ON m.id = o.member_id
             GROUP BY o.member_id ORDER BY count(*) DESC, m.userid",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    per_member.retain(|m| m.2 > 0);
    let finding = |code: &str,
                   member: Option<&(String, String, u32)>,
                   count: u32,
                   claim: &Claim,
                   limit: u32| {
        let mut params = vec![("count", count.to_string()), ("limit", limit.to_string())];
        if let Some((u, n, _)) = member {
            params.push(("userid", u.clone()));
            params.push(("name", n.clone()));
        }
        CustomerFinding {
            code: code.to_string(),
            member: member.map(|m| m.0.clone()),
            name: member.map(|m| m.1.clone()),
            count,
            limit,
            message: crate::i18n::t(lang, &format!("customers.{code}"), &params),
            source: source_of(claim),
        }
    };
    if let Some((claim, cap)) = rule(ds, "customers_per_member", platform) {
        for m in per_member.iter().filter(|m| m.2 > cap) {
            out.push(finding("member_over_cap", Some(m), m.2, claim, cap));
        }
    }
    if let Some((claim, advised)) = rule(ds, "customer_grouping_advised", platform) {
        for m in per_member.iter().filter(|m| m.2 > advised) {
            out.push(finding("group_customers", Some(m), m.2, claim, advised));
        }
    }
    if !verified {
        if let Some((claim, cap)) = rule(ds, "unverified_customer_cap", platform) {
            let total: u32 = conn.query_row("SELECT count(*) FROM customers", [], |r| r.get(0))?;
            if total > cap {
                out.push(finding("unverified_over_cap", None, total, claim, cap));
            }
        }
    }
    Ok(out)
}
