//! Activation (guide §3): who has not joined yet, how each can be invited (mobile → SMS, email →
//! email, neither → fix the member first), the rate per department and overall, and the members
//! who face customers but are not active ("unverified members cannot use external contact").

use crate::error::Result;
use crate::i18n::{t, Lang};
use crate::members::MemberStatus;
use crate::org::departments::Tree;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// How a member can be invited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type, strum::IntoStaticStr)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum InviteChannel {
    Sms,
    Email,
    /// Neither a mobile nor an email: fix the member before inviting.
    None,
}

impl InviteChannel {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A member who has not joined yet.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Pending {
    pub userid: String,
    pub name: String,
    pub status: MemberStatus,
    /// Main department (full path).
    pub department: Option<String>,
    pub channel: InviteChannel,
    /// The mobile or email the invitation goes to.
    pub contact: Option<String>,
    pub customer_facing: bool,
}

/// Active members of a department (its main members) against all who should be.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Rate {
    /// Department path; empty for the overall figure and for members without a department.
    pub department: String,
    pub active: u32,
    /// Members who are invited, unverified or active (frozen and departed are not counted).
    pub total: u32,
    /// active / total, 1 when there is nobody to activate.
    pub rate: f64,
}

/// Something to act on, with its code.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ActivationFinding {
    pub code: String,
    pub userid: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Activation {
    pub overall: Rate,
    /// Per main department, in tree order (members without a department last).
    pub departments: Vec<Rate>,
    /// Members not yet active, in member order.
    pub pending: Vec<Pending>,
    pub findings: Vec<ActivationFinding>,
}

fn rate(department: String, active: u32, total: u32) -> Rate {
    Rate {
        department,
        active,
        total,
        rate: if total == 0 {
            1.0
        } else {
            active as f64 / total as f64
        },
    }
}

pub(crate) fn activation(conn: &Connection, lang: Lang) -> Result<Activation> {
    let tree = Tree::load(conn)?;
    let mut stmt = conn.prepare(
        "SELECT m.userid, m.name, m.status, m.mobile, m.email, d.department_id
         FROM members m LEFT JOIN member_departments d ON d.member_id = m.id AND d.is_main = 1
         WHERE m.status IN ('invited', 'unverified', 'active') ORDER BY m.id",
    )?;
    let mut rows = stmt.query([])?;
    let (mut active, mut total) = (0u32, 0u32);
    let mut per: BTreeMap<Option<i64>, (u32, u32)> = BTreeMap::new();
    let mut pending = Vec::new();
    let mut findings = Vec::new();
    while let Some(r) = rows.next()? {
        let status: MemberStatus = r.get::<_, String>(2)?.parse().unwrap_or_default();
        let department: Option<i64> = r.get(5)?;
        let counts = per.entry(department).or_default();
        counts.1 += 1;
        total += 1;
        if status == MemberStatus::Active {
            counts.0 += 1;
            active += 1;
            continue;
        }
        let (mobile, email): (Option<String>, Option<String>) = (r.get(3)?, r.get(4)?);
        let (channel, contact) = match (mobile, email) {
            (Some(m), _) => (InviteChannel::Sms, Some(m)),
            (None, Some(e)) => (InviteChannel::Email, Some(e)),
            (None, None) => (InviteChannel::None, None),
        };
        let p = Pending {
            userid: r.get(0)?,
            name: r.get(1)?,
            status,
            department: department.map(|d| tree.path(d)),
            channel,
            contact,
            customer_facing: department.is_some_and(|d| tree.customer_facing(d)),
        };
        let params = [
            ("name", p.name.clone()),
            ("userid", p.userid.clone()),
            ("department", p.department.clone().unwrap_or_default()),
        ];
        if p.customer_facing {
            findings.push(ActivationFinding {
                code: "customer_facing_not_active".into(),
                userid: p.userid.clone(),
                message: t(lang, "lifecycle_ui.customer_facing_not_active", &params),
            });
        }
        if p.channel == InviteChannel::None {
            findings.push(ActivationFinding {
                code: "no_invite_channel".into(),
                userid: p.userid.clone(),
                message: t(lang, "lifecycle_ui.no_invite_channel", &params),
            });
        }
        pending.push(p);
    }
    let order: BTreeMap<i64, usize> = tree
        .preorder()
        .into_iter()
        .enumerate()
        .map(|(i, d)| (d, i))
        .collect();
    let mut departments: Vec<(usize, Rate)> = per
        .into_iter()
        .map(|(d, (a, n))| {
            (
                d.map_or(usize::MAX, |d| order.get(&d).copied().unwrap_or(usize::MAX)),
                rate(d.map(|d| tree.path(d)).unwrap_or_default(), a, n),
            )
        })
        .collect();
    departments.sort_by_key(|(i, _)| *i);
    Ok(Activation {
        overall: rate(String::new(), active, total),
        departments: departments.into_iter().map(|(_, r)| r).collect(),
        pending,
        findings,
    })
}

/// Writes the invitation list: one row per member not yet active (name, account, channel,
/// contact, department), the ones who cannot be invited marked. Returns the rows written.
pub(crate) fn write_invitations(a: &Activation, path: &Path, lang: Lang) -> Result<usize> {
    use crate::xlsx;
    let fail = xlsx::fail(path);
    let mut book = xlsx::workbook().map_err(fail)?;
    let sheet = book.add_worksheet();
    sheet
        .set_name(t(lang, "lifecycle_ui.invitations_sheet", &[]))
        .map_err(fail)?;
    let headers = [
        ("fields.name", 12.0),
        ("fields.userid", 18.0),
        ("lifecycle_ui.channel", 12.0),
        ("lifecycle_ui.contact", 28.0),
        ("fields.department", 36.0),
    ]
    .map(|(k, w)| (t(lang, k, &[]), w));
    xlsx::table_header(sheet, &headers, 1, a.pending.len() as u32).map_err(fail)?;
    let text = xlsx::text();
    for (i, p) in a.pending.iter().enumerate() {
        let row = i as u32 + 1;
        let cells = [
            p.name.clone(),
            p.userid.clone(),
            t(
                lang,
                &format!("lifecycle_ui.channel_{}", p.channel.as_str()),
                &[],
            ),
            p.contact.clone().unwrap_or_default(),
            p.department.clone().unwrap_or_default(),
        ];
        for (c, value) in cells.iter().enumerate() {
            sheet
                .write_string_with_format(row, c as u16, crate::files::neutralise(value), &text)
                .map_err(fail)?;
        }
    }
    xlsx::save(&mut book, path)?;
    Ok(a.pending.len())
}
