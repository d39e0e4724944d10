//! A leaver's customers handed over (guide §5: 离职员工客户资源自动转接指定同事): for a frozen or
//! departed member, a successor for each of their customers — the one given; else the successor
//! recorded when they were offboarded; else the head of their main department; else the active
//! colleague there with the fewest customers — within the platform's rules
//! (`assets/customers/handover.json`: customers per transfer, the leaver's window). Other
//! members' customers never move; a customer the successor already has keeps one owner.

use crate::error::{Error, ErrorCode, Result};
use crate::history::Tx;
use crate::i18n::{t, Lang};
use crate::members::MemberStatus;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

#[derive(Deserialize)]
struct Rules {
    source: String,
    per_transfer: u32,
    leaver_window_days: i32,
}

fn rules() -> &'static Rules {
    static R: OnceLock<Rules> = OnceLock::new();
    R.get_or_init(|| {
        serde_json::from_str(include_str!("../../../../assets/customers/handover.json"))
            .expect("customers/handover.json is valid")
    })
}

/// How the successor was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ChosenBy {
    Given,
    Offboarding,
    DepartmentHead,
    FewestCustomers,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct HandoverItem {
    #[specta(type = f64)]
    pub id: i64,
    pub name: String,
    pub mobile: Option<String>,
    /// 1, 2 …: the transfer call it goes in (the platform takes so many customers per call).
    pub batch: u32,
    /// Whether the successor already has this customer (then only the leaver's link goes).
    pub already_theirs: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct HandoverProblem {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct HandoverPlan {
    pub from: String,
    pub from_name: String,
    pub status: MemberStatus,
    /// The leaving date recorded at offboarding.
    pub leaving_on: Option<String>,
    pub to: Option<String>,
    pub to_name: Option<String>,
    pub chosen_by: Option<ChosenBy>,
    pub customers: Vec<HandoverItem>,
    pub batches: u32,
    pub per_transfer: u32,
    pub problems: Vec<HandoverProblem>,
    pub source: String,
}

struct Who {
    id: i64,
    userid: String,
    name: String,
    status: MemberStatus,
}

fn who(conn: &Connection, userid: &str) -> Result<Who> {
    conn.query_row(
        "SELECT id, userid, name, status FROM members WHERE userid = ?1",
        [userid.trim()],
        |r| {
            Ok(Who {
                id: r.get(0)?,
                userid: r.get(1)?,
                name: r.get(2)?,
                status: r.get::<_, String>(3)?.parse().unwrap_or_default(),
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error::new(ErrorCode::MemberNotFound, "member_not_found").with("userid", userid))
}

fn by_id(conn: &Connection, id: i64) -> Result<Who> {
    let userid: String = conn.query_row("SELECT userid FROM members WHERE id = ?1", [id], |r| {
        r.get(0)
    })?;
    who(conn, &userid)
}

/// The plan for `from`'s customers (to `to` when given), as of `today` (YYYY-MM-DD).
pub fn plan(
    conn: &Connection,
    from: &str,
    to: Option<&str>,
    today: &str,
    lang: Lang,
) -> Result<HandoverPlan> {
    let rules = rules();
    let leaver = who(conn, from)?;
    if !matches!(leaver.status, MemberStatus::Frozen | MemberStatus::Departed) {
        return Err(Error::new(ErrorCode::InvalidValue, "handover_not_leaving")
            .with("userid", &leaver.userid));
    }
    let (leaving_on, recorded): (Option<String>, Option<i64>) = conn
        .query_row(
            "SELECT leaving_on, successor_id FROM leavers WHERE member_id = ?1",
            [leaver.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .map_or((None, None), |(d, s)| (Some(d), s));
    let main: Option<i64> = conn
        .query_row(
            "SELECT department_id FROM member_departments WHERE member_id = ?1 AND is_main = 1",
            [leaver.id],
            |r| r.get(0),
        )
        .optional()?;
    let active = |w: &Who| w.status == MemberStatus::Active && w.id != leaver.id;
    let mut problems = Vec::new();
    let problem = |code: &str, params: &[(&str, String)]| HandoverProblem {
        code: code.to_string(),
        message: t(lang, &format!("customers.{code}"), params),
    };
    let successor: Option<(Who, ChosenBy)> = if let Some(u) = to {
        let w = who(conn, u)?;
        if !active(&w) {
            return Err(
                Error::new(ErrorCode::InvalidValue, "handover_successor_inactive")
                    .with("userid", &w.userid),
            );
        }
        Some((w, ChosenBy::Given))
    } else {
        let mut found = None;
        if let Some(id) = recorded {
            let w = by_id(conn, id)?;
            if active(&w) {
                found = Some((w, ChosenBy::Offboarding));
            }
        }
        if let (None, Some(d)) = (&found, main) {
            let heads: Vec<i64> = conn
                .prepare(
                    "SELECT md.member_id FROM member_departments md JOIN members m ON m.id = md.member_id
                     WHERE md.department_id = ?1 AND md.is_leader = 1 AND m.status = 'active' AND m.id <> ?2
                     ORDER BY m.userid",
                )?
                .query_map([d, leaver.id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if let Some(h) = heads.first() {
                found = Some((by_id(conn, *h)?, ChosenBy::DepartmentHead));
            } else {
                let fewest: Option<i64> = conn
                    .query_row(
                        "SELECT m.id FROM member_departments md JOIN members m ON m.id = md.member_id
                         WHERE md.department_id = ?1 AND m.status = 'active' AND m.id <> ?2
                         ORDER BY (SELECT count(*) FROM customer_owners o WHERE o.member_id = m.id), m.userid
                         LIMIT 1",
                        [d, leaver.id],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(id) = fewest {
                    found = Some((by_id(conn, id)?, ChosenBy::FewestCustomers));
                }
            }
        }
        found
    };
    if successor.is_none() {
        problems.push(problem(
            "handover_no_successor",
            &[("userid", leaver.userid.clone())],
        ));
    }
    if let (Some(left), Some(now)) = (
        leaving_on.as_deref().and_then(crate::validate::day_number),
        crate::validate::day_number(today),
    ) {
        if now - left > rules.leaver_window_days {
            problems.push(problem(
                "handover_window_passed",
                &[
                    ("date", leaving_on.clone().unwrap_or_default()),
                    ("days", rules.leaver_window_days.to_string()),
                ],
            ));
        }
    }
    let to_id = successor.as_ref().map(|(w, _)| w.id);
    let mut stmt = conn.prepare(
        "SELECT c.id, c.name, c.mobile,
                EXISTS (SELECT 1 FROM customer_owners x WHERE x.customer_id = c.id AND x.member_id = ?2)
         FROM customer_owners o JOIN customers c ON c.id = o.customer_id
         WHERE o.member_id = ?1 ORDER BY o.added_at, c.name, c.id",
    )?;
    let customers: Vec<HandoverItem> = stmt
        .query_map(params![leaver.id, to_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .enumerate()
        .map(|(i, row)| {
            row.map(|(id, name, mobile, already_theirs)| HandoverItem {
                id,
                name,
                mobile,
                batch: i as u32 / rules.per_transfer + 1,
                already_theirs,
            })
        })
        .collect::<rusqlite::Result<_>>()?;
    Ok(HandoverPlan {
        from: leaver.userid,
        from_name: leaver.name,
        status: leaver.status,
        leaving_on,
        batches: customers.len().div_ceil(rules.per_transfer as usize) as u32,
        customers,
        per_transfer: rules.per_transfer,
        to: successor.as_ref().map(|(w, _)| w.userid.clone()),
        to_name: successor.as_ref().map(|(w, _)| w.name.clone()),
        chosen_by: successor.map(|(_, c)| c),
        problems,
        source: rules.source.clone(),
    })
}

/// Moves the plan's customers from the leaver to the successor (the leaver's remark and source
/// stay); returns how many moved.
pub(crate) fn apply(tx: &Tx, plan: &HandoverPlan, today: &str) -> Result<u32> {
    let Some(to) = &plan.to else {
        return Err(
            Error::new(ErrorCode::InvalidValue, "handover_no_successor").with("userid", &plan.from)
        );
    };
    let from = who(tx, &plan.from)?.id;
    let to = who(tx, to)?.id;
    let mut moved = 0;
    for c in &plan.customers {
        tx.execute(
            "INSERT OR IGNORE INTO customer_owners (customer_id, member_id, added_at, source, remark)
             SELECT customer_id, ?3, ?4, source, remark FROM customer_owners
             WHERE customer_id = ?1 AND member_id = ?2",
            params![c.id, from, to, format!("{today} 00:00:00")],
        )?;
        moved += tx.execute(
            "DELETE FROM customer_owners WHERE customer_id = ?1 AND member_id = ?2",
            params![c.id, from],
        )?;
    }
    Ok(moved as u32)
}

/// A frozen or departed member who still owns customers.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Leaver {
    pub userid: String,
    pub name: String,
    pub status: MemberStatus,
    pub customers: u32,
}

/// Frozen or departed members who still own customers, by account.
pub fn leavers(conn: &Connection) -> Result<Vec<Leaver>> {
    let mut stmt = conn.prepare(
        "SELECT m.userid, m.name, m.status, count(*) FROM customer_owners o JOIN members m ON m.id = o.member_id
         WHERE m.status IN ('frozen', 'departed') GROUP BY m.id ORDER BY m.userid",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Leaver {
            userid: r.get(0)?,
            name: r.get(1)?,
            status: r.get::<_, String>(2)?.parse().unwrap_or_default(),
            customers: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many frozen or departed members still own customers.
pub(crate) fn leavers_with_customers(conn: &Connection) -> Result<u32> {
    Ok(leavers(conn)?.len() as u32)
}

/// Writes the plan as a handover sheet (customer, mobile, from, to, batch) to `path`.
pub fn write_sheet(plan: &HandoverPlan, path: &std::path::Path, lang: Lang) -> Result<()> {
    crate::files::output_folder(path)?;
    let fail = crate::xlsx::fail(path);
    let mut book = crate::xlsx::workbook().map_err(&fail)?;
    let sheet = book.add_worksheet();
    sheet
        .set_name(t(lang, "customers.handover_sheet", &[]))
        .map_err(fail)?;
    let header = crate::xlsx::header();
    let text = crate::xlsx::text();
    for (c, key) in [
        "customers.handover_customer",
        "customers.handover_mobile",
        "customers.handover_from",
        "customers.handover_to",
        "customers.handover_batch",
    ]
    .iter()
    .enumerate()
    {
        sheet
            .write_string_with_format(0, c as u16, t(lang, key, &[]), &header)
            .map_err(fail)?;
        sheet.set_column_width(c as u16, 22).map_err(fail)?;
    }
    let from = format!("{} ({})", plan.from_name, plan.from);
    let to = match (&plan.to_name, &plan.to) {
        (Some(n), Some(u)) => format!("{n} ({u})"),
        _ => String::new(),
    };
    for (i, c) in plan.customers.iter().enumerate() {
        let r = i as u32 + 1;
        for (col, v) in [
            c.name.as_str(),
            c.mobile.as_deref().unwrap_or(""),
            from.as_str(),
            to.as_str(),
        ]
        .iter()
        .enumerate()
        {
            sheet
                .write_string_with_format(r, col as u16, crate::files::neutralise(v), &text)
                .map_err(fail)?;
        }
        sheet.write_number(r, 4, f64::from(c.batch)).map_err(fail)?;
    }
    crate::xlsx::save(&mut book, path)
}
