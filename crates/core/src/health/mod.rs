//! Operations health (the guide's epilogue): the indicators of `assets/health/indicators.json`
//! computed from the imported activity (`imports::activity`), approval records and device logs,
//! each with its value, status against the guide's threshold, trend, the departments or members
//! that pull it down, and the remedy.
//!
//! Periods: a week is Monday to Sunday; the default period is the eight weeks up to the last
//! day with activity data. The device indicator judges the quarter of the period's last day,
//! the approval indicator the period itself, with a monthly trend.

use crate::error::{Error, Result};
use crate::i18n::{Lang, Localized};
use crate::org::departments::Tree;
use crate::validate::{day_number, day_text, weekday};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// Entities listed as pulling an indicator down.
const WORST_LISTED: usize = 10;

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Definition {
    key: String,
    name: Localized,
    guide: String,
    source: String,
    unit: String,
    threshold: Option<f64>,
    direction: Direction,
    warn_margin: Option<f64>,
    warn_factor: Option<f64>,
    period: String,
    trend_periods: usize,
    remedy: Localized,
    console: Localized,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The value must be at least the threshold.
    Min,
    /// The value must be at most the threshold.
    Max,
}

#[derive(Deserialize)]
struct File {
    indicators: Vec<Definition>,
}

fn definitions() -> &'static [Definition] {
    static D: OnceLock<Vec<Definition>> = OnceLock::new();
    D.get_or_init(|| {
        serde_json::from_str::<File>(include_str!("../../../../assets/health/indicators.json"))
            .expect("health/indicators.json is valid")
            .indicators
    })
}

fn definition(key: &str) -> &'static Definition {
    definitions()
        .iter()
        .find(|d| d.key == key)
        .unwrap_or_else(|| panic!("indicator {key} is in health/indicators.json"))
}

/// The guide's threshold of an indicator (the device batch rule also reads it).
pub fn threshold(key: &str) -> Option<f64> {
    definition(key).threshold
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Warn,
    Bad,
    NoData,
}

/// A value against a threshold: exactly at it is ok; a miss within the warn band is warn.
fn status_of(d: &Definition, value: Option<f64>, threshold: Option<f64>) -> Status {
    let (Some(v), Some(t)) = (value, threshold) else {
        return Status::NoData;
    };
    let (v, t) = (round2(v), round2(t));
    let meets = match d.direction {
        Direction::Min => v >= t,
        Direction::Max => v <= t,
    };
    if meets {
        return Status::Ok;
    }
    let within = match (d.warn_margin, d.warn_factor, d.direction) {
        (Some(m), _, _) => (v - t).abs() <= m + 1e-9,
        (None, Some(f), Direction::Max) => v <= t * f,
        (None, Some(f), Direction::Min) => v >= t / f,
        (None, None, _) => false,
    };
    if within {
        Status::Warn
    } else {
        Status::Bad
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// One point of a trend: a week (`2026-W40`, its Monday's date in `start`), a day, a month or
/// a quarter.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct TrendPoint {
    pub period: String,
    pub value: Option<f64>,
}

/// Something that pulls an indicator down.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Worst {
    /// `department`, `member`, `endpoint` or `batch`.
    pub kind: String,
    /// Department id, member account, endpoint path or batch name.
    pub id: String,
    pub name: String,
    pub value: f64,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Indicator {
    pub key: String,
    pub name: String,
    pub value: Option<f64>,
    pub unit: String,
    pub threshold: Option<f64>,
    pub direction: Direction,
    pub status: Status,
    /// `week`, `day`, `month` or `quarter`: what the trend's points are.
    pub period: String,
    pub trend: Vec<TrendPoint>,
    pub worst: Vec<Worst>,
    pub remedy: String,
    /// Where in the platform's console to act.
    pub console: String,
    /// The guide's words for the figure.
    pub guide: String,
    /// `guide` when the figure is the guide's, `orgdesk` when the guide gives none.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Period {
    pub from: String,
    pub to: String,
}

/// A rate or an average of a department, member, source or endpoint, for the drill-down.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Group {
    pub kind: String,
    pub id: String,
    pub name: String,
    pub value: f64,
    /// Member-days, chats or calls behind the value.
    pub weight: u32,
}

/// One day's login rate.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct DayValue {
    pub day: String,
    pub value: f64,
    /// Members reported (logins) or calls (API) that day.
    pub count: u32,
}

/// The customer funnel of a member or source: new customers, chats, chats replied.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Funnel {
    pub kind: String,
    pub id: String,
    pub name: String,
    pub added: u32,
    pub chats: u32,
    pub replied: u32,
    pub lost: u32,
    /// Quick replies used per 100 messages sent, when the export has them.
    pub quick_reply_rate: Option<f64>,
}

/// What the charts and drill-downs show besides the indicators.
#[derive(Debug, Clone, Default, Serialize, specta::Type)]
pub struct Details {
    pub login_days: Vec<DayValue>,
    pub login_departments: Vec<Group>,
    pub reply_members: Vec<Group>,
    pub reply_departments: Vec<Group>,
    pub funnel: Option<Funnel>,
    pub funnel_members: Vec<Funnel>,
    pub funnel_sources: Vec<Funnel>,
    pub api_days: Vec<DayValue>,
    pub api_endpoints: Vec<Group>,
    pub approval_departments: Vec<Group>,
    pub device_batches: Vec<Group>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Health {
    pub period: Period,
    pub indicators: Vec<Indicator>,
    pub details: Details,
}

/// A device batch's offline/failure rate in a quarter (0–1), as `setup::hardware` computes it.
pub struct BatchRate {
    pub batch: String,
    pub quarter: String,
    pub rate: f64,
}

/// Members' main departments and names.
struct People {
    department: HashMap<i64, i64>,
    names: HashMap<i64, (String, String)>,
}

impl People {
    fn load(conn: &Connection) -> Result<People> {
        let mut department = HashMap::new();
        let mut stmt = conn
            .prepare("SELECT member_id, department_id FROM member_departments WHERE is_main = 1")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            department.insert(r.get(0)?, r.get(1)?);
        }
        Ok(People {
            department,
            names: HashMap::new(),
        })
    }

    /// Accounts and names of `ids` (looked up only for those listed).
    fn name(&mut self, conn: &Connection, id: i64) -> Result<(String, String)> {
        if let Some(n) = self.names.get(&id) {
            return Ok(n.clone());
        }
        let n: (String, String) = conn
            .query_row(
                "SELECT userid, name FROM members WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap_or_else(|_| (format!("#{id}"), format!("#{id}")));
        self.names.insert(id, n.clone());
        Ok(n)
    }
}

fn week_label(monday: i32) -> String {
    match time::Date::from_julian_day(monday) {
        Ok(d) => {
            let (y, w, _) = d.to_iso_week_date();
            format!("{y}-W{w:02}")
        }
        Err(_) => String::new(),
    }
}

fn monday_of(day: i32) -> i32 {
    day - weekday(day) as i32
}

/// The last day with activity of any kind, if any.
fn last_data_day(conn: &Connection) -> Result<Option<i32>> {
    let mut last: Option<i32> = None;
    let mut keep = |d: Option<i32>| {
        if let Some(d) = d {
            last = Some(last.map_or(d, |l| l.max(d)));
        }
    };
    let week: Option<(i32, i64)> = conn.query_row(
        "SELECT week, max(reported) FROM activity_weeks
             WHERE week = (SELECT max(week) FROM activity_weeks)",
        [],
        |r| Ok(r.get::<_, Option<i32>>(0)?.zip(r.get::<_, Option<i64>>(1)?)),
    )?;
    keep(week.map(|(w, bits)| w + (63 - (bits as u64).leading_zeros()) as i32));
    keep(conn.query_row("SELECT max(day) FROM contact_stats", [], |r| r.get(0))?);
    let api: Option<String> = conn.query_row("SELECT max(at) FROM api_calls", [], |r| r.get(0))?;
    keep(api.as_deref().and_then(day_number));
    Ok(last)
}

/// The period asked for, or the eight weeks up to the last day with data (or today).
fn period(conn: &Connection, from: Option<&str>, to: Option<&str>) -> Result<(i32, i32)> {
    let parse = |s: &str, which: &str| {
        crate::validate::normalize_date(s)
            .and_then(|d| day_number(&d))
            .ok_or_else(|| Error::invalid_value(which, s, "YYYY-MM-DD"))
    };
    let to = match to {
        Some(t) => parse(t, "to")?,
        None => match last_data_day(conn)? {
            Some(d) => d,
            None => time::OffsetDateTime::now_utc().date().to_julian_day(),
        },
    };
    let from = match from {
        Some(f) => parse(f, "from")?,
        None => monday_of(to) - 7 * 7,
    };
    if from > to {
        return Err(Error::invalid_value(
            "from",
            &day_text(from),
            "a day before --to",
        ));
    }
    Ok((from, to))
}

/// Computes every indicator over `from..=to` (defaults above); `batches` are the device
/// batches' quarterly rates.
pub fn compute(
    conn: &Connection,
    from: Option<&str>,
    to: Option<&str>,
    batches: &[BatchRate],
    lang: Lang,
) -> Result<Health> {
    let (from, to) = period(conn, from, to)?;
    let tree = Tree::load(conn)?;
    let mut people = People::load(conn)?;
    let mut details = Details::default();
    // Contact statistics back to the first week either weekly trend shows.
    let first = ["first_reply", "customer_funnel"]
        .iter()
        .map(|k| trend_start(definition(k), to))
        .fold(from, i32::min);
    let stat_rows = stats(conn, first, to)?;
    let indicators = vec![
        login(conn, &tree, &people, from, to, &mut details, lang)?,
        reply(
            conn,
            &stat_rows,
            &tree,
            &mut people,
            from,
            to,
            &mut details,
            lang,
        )?,
        approvals(conn, from, to, &mut details, lang)?,
        funnel(conn, &stat_rows, &mut people, from, to, &mut details, lang)?,
        api(conn, from, to, &mut details, lang)?,
        devices(batches, to, &mut details, lang),
    ];
    Ok(Health {
        period: Period {
            from: day_text(from),
            to: day_text(to),
        },
        indicators,
        details,
    })
}

fn indicator(
    key: &str,
    value: Option<f64>,
    threshold: Option<f64>,
    trend: Vec<TrendPoint>,
    worst: Vec<Worst>,
    lang: Lang,
) -> Indicator {
    let d = definition(key);
    let value = value.map(round2);
    let status = status_of(d, value, threshold);
    Indicator {
        key: d.key.clone(),
        name: d.name.get(lang).to_string(),
        value,
        unit: d.unit.clone(),
        threshold: threshold.map(round2),
        direction: d.direction,
        status,
        period: d.period.clone(),
        trend: trend
            .into_iter()
            .map(|p| TrendPoint {
                value: p.value.map(round2),
                ..p
            })
            .collect(),
        worst: if status == Status::NoData {
            Vec::new()
        } else {
            worst
        },
        remedy: d.remedy.get(lang).to_string(),
        console: d.console.get(lang).to_string(),
        guide: d.guide.clone(),
        source: d.source.clone(),
    }
}

/// The groups that miss the threshold, worst first.
fn failing(key: &str, groups: &[Group], threshold: Option<f64>) -> Vec<Worst> {
    let d = definition(key);
    let Some(t) = threshold else {
        return Vec::new();
    };
    let mut out: Vec<&Group> = groups
        .iter()
        .filter(|g| status_of(d, Some(g.value), Some(t)) != Status::Ok)
        .collect();
    out.sort_by(|a, b| match d.direction {
        Direction::Min => a.value.total_cmp(&b.value),
        Direction::Max => b.value.total_cmp(&a.value),
    });
    out.into_iter()
        .take(WORST_LISTED)
        .map(|g| Worst {
            kind: g.kind.clone(),
            id: g.id.clone(),
            name: g.name.clone(),
            value: round2(g.value),
        })
        .collect()
}

/// The Monday of the first week a weekly indicator's trend shows.
fn trend_start(d: &Definition, to: i32) -> i32 {
    monday_of(to) - 7 * (d.trend_periods as i32 - 1)
}

/// A weekly trend: the value of each of the indicator's last weeks up to `to`.
fn weekly_trend(d: &Definition, to: i32, value: impl Fn(i32) -> Option<f64>) -> Vec<TrendPoint> {
    (0..d.trend_periods as i32)
        .map(|i| trend_start(d, to) + 7 * i)
        .map(|w| TrendPoint {
            period: week_label(w),
            value: value(w),
        })
        .collect()
}

fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// Bits of a week's days that fall within `from..=to`.
fn days_mask(monday: i32, from: i32, to: i32) -> u8 {
    (0..7)
        .filter(|d| (from..=to).contains(&(monday + d)))
        .fold(0u8, |m, d| m | (1 << d))
}

fn department_group(tree: &Tree, id: i64, value: f64, weight: u64) -> Group {
    Group {
        kind: "department".into(),
        id: id.to_string(),
        name: if tree.contains(id) {
            tree.path(id)
        } else {
            format!("#{id}")
        },
        value: round2(value),
        weight: weight.min(u32::MAX as u64) as u32,
    }
}

/// Weekly daily-login rate: logged-in member-days over reported member-days.
fn login(
    conn: &Connection,
    tree: &Tree,
    people: &People,
    from: i32,
    to: i32,
    details: &mut Details,
    lang: Lang,
) -> Result<Indicator> {
    let key = "login_rate";
    let d = definition(key);
    let mut days: BTreeMap<i32, (u64, u64)> = BTreeMap::new();
    let mut weeks: BTreeMap<i32, (u64, u64)> = BTreeMap::new();
    let mut departments: HashMap<i64, (u64, u64)> = HashMap::new();
    let (mut active_all, mut reported_all) = (0u64, 0u64);
    let first_week = monday_of(from).min(trend_start(d, to));
    let mut stmt = conn.prepare_cached(
        "SELECT week, member_id, reported, active FROM activity_weeks WHERE week BETWEEN ?1 AND ?2",
    )?;
    let mut rows = stmt.query([first_week, monday_of(to)])?;
    let mut per_day = [(0u64, 0u64); 7];
    let mut current = None;
    let flush = |week: i32, per_day: &mut [(u64, u64); 7], days: &mut BTreeMap<i32, (u64, u64)>| {
        for (i, (r, a)) in per_day.iter_mut().enumerate() {
            if *r > 0 {
                let e = days.entry(week + i as i32).or_default();
                e.0 += *r;
                e.1 += *a;
            }
            *r = 0;
            *a = 0;
        }
    };
    while let Some(r) = rows.next()? {
        let week: i32 = r.get(0)?;
        let member: i64 = r.get(1)?;
        let reported: u8 = r.get(2)?;
        let active: u8 = r.get(3)?;
        if current != Some(week) {
            if let Some(w) = current {
                flush(w, &mut per_day, &mut days);
            }
            current = Some(week);
        }
        for (bit, slot) in per_day.iter_mut().enumerate() {
            if reported & (1 << bit) != 0 {
                slot.0 += 1;
                if active & (1 << bit) != 0 {
                    slot.1 += 1;
                }
            }
        }
        let (wr, wa) = (reported.count_ones() as u64, active.count_ones() as u64);
        let e = weeks.entry(week).or_default();
        e.0 += wr;
        e.1 += wa;
        let mask = days_mask(week, from, to);
        let (r_in, a_in) = (
            (reported & mask).count_ones() as u64,
            (active & mask).count_ones() as u64,
        );
        if r_in > 0 {
            reported_all += r_in;
            active_all += a_in;
            if let Some(dep) = people.department.get(&member) {
                let e = departments.entry(*dep).or_default();
                e.0 += r_in;
                e.1 += a_in;
            }
        }
    }
    if let Some(w) = current {
        flush(w, &mut per_day, &mut days);
    }
    details.login_days = days
        .range(from..=to)
        .map(|(day, (r, a))| DayValue {
            day: day_text(*day),
            value: round2(percent(*a, *r).unwrap_or(0.0)),
            count: *r as u32,
        })
        .collect();
    let mut groups: Vec<Group> = departments
        .into_iter()
        .map(|(id, (r, a))| department_group(tree, id, percent(a, r).unwrap_or(0.0), r))
        .collect();
    groups.sort_by(|a, b| {
        a.value
            .total_cmp(&b.value)
            .then_with(|| a.name.cmp(&b.name))
    });
    let trend = weekly_trend(d, to, |w| weeks.get(&w).and_then(|(r, a)| percent(*a, *r)));
    let worst = failing(key, &groups, d.threshold);
    details.login_departments = groups;
    Ok(indicator(
        key,
        percent(active_all, reported_all),
        d.threshold,
        trend,
        worst,
        lang,
    ))
}

/// A row of customer contact statistics.
struct StatRow {
    member: i64,
    day: i32,
    source: String,
    chats: Option<i64>,
    sent: Option<i64>,
    replied_share: Option<f64>,
    first_reply: Option<f64>,
    added: Option<i64>,
    lost: Option<i64>,
    quick: Option<i64>,
}

fn stats(conn: &Connection, from: i32, to: i32) -> Result<Vec<StatRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT member_id, day, source, chats, sent, replied_share, first_reply_seconds, added,
                lost, quick_replies
         FROM contact_stats WHERE day BETWEEN ?1 AND ?2",
    )?;
    let rows = stmt.query_map([from, to], |r| {
        Ok(StatRow {
            member: r.get(0)?,
            day: r.get(1)?,
            source: r.get(2)?,
            chats: r.get(3)?,
            sent: r.get(4)?,
            replied_share: r.get(5)?,
            first_reply: r.get(6)?,
            added: r.get(7)?,
            lost: r.get(8)?,
            quick: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A weighted average in the making.
#[derive(Default, Clone, Copy)]
struct Mean {
    sum: f64,
    weight: f64,
    rows: u64,
}

impl Mean {
    fn add(&mut self, value: f64, weight: f64) {
        self.sum += value * weight;
        self.weight += weight;
        self.rows += 1;
    }
    fn get(&self) -> Option<f64> {
        (self.weight > 0.0).then(|| self.sum / self.weight)
    }
}

/// Average first reply in minutes, weighted by the day's chats.
#[allow(clippy::too_many_arguments)]
fn reply(
    conn: &Connection,
    rows: &[StatRow],
    tree: &Tree,
    people: &mut People,
    from: i32,
    to: i32,
    details: &mut Details,
    lang: Lang,
) -> Result<Indicator> {
    let key = "first_reply";
    let d = definition(key);
    let mut all = Mean::default();
    let mut weeks: BTreeMap<i32, Mean> = BTreeMap::new();
    let mut members: HashMap<i64, Mean> = HashMap::new();
    let mut departments: HashMap<i64, Mean> = HashMap::new();
    for r in rows {
        let Some(seconds) = r.first_reply else {
            continue;
        };
        let weight = r.chats.map_or(1.0, |c| c as f64);
        if weight <= 0.0 {
            continue;
        }
        let minutes = seconds / 60.0;
        weeks
            .entry(monday_of(r.day))
            .or_default()
            .add(minutes, weight);
        if r.day < from {
            continue;
        }
        all.add(minutes, weight);
        members.entry(r.member).or_default().add(minutes, weight);
        if let Some(dep) = people.department.get(&r.member) {
            departments.entry(*dep).or_default().add(minutes, weight);
        }
    }
    let mut member_groups = Vec::new();
    for (id, m) in members {
        let (account, name) = people.name(conn, id)?;
        member_groups.push(Group {
            kind: "member".into(),
            id: account,
            name,
            value: round2(m.get().unwrap_or(0.0)),
            weight: m.weight as u32,
        });
    }
    member_groups.sort_by(|a, b| b.value.total_cmp(&a.value).then_with(|| a.id.cmp(&b.id)));
    let mut department_groups: Vec<Group> = departments
        .into_iter()
        .map(|(id, m)| department_group(tree, id, m.get().unwrap_or(0.0), m.weight as u64))
        .collect();
    department_groups.sort_by(|a, b| {
        b.value
            .total_cmp(&a.value)
            .then_with(|| a.name.cmp(&b.name))
    });
    let mut worst = failing(key, &member_groups, d.threshold);
    worst.extend(failing(key, &department_groups, d.threshold));
    let trend = weekly_trend(d, to, |w| weeks.get(&w).and_then(Mean::get));
    details.reply_members = member_groups;
    details.reply_departments = department_groups;
    Ok(indicator(key, all.get(), d.threshold, trend, worst, lang))
}

#[derive(Default, Clone, Copy)]
struct FunnelSums {
    added: u64,
    chats: u64,
    replied: f64,
    lost: u64,
    sent: u64,
    quick: u64,
    has_quick: bool,
}

impl FunnelSums {
    fn add(&mut self, r: &StatRow) {
        self.added += r.added.unwrap_or(0) as u64;
        let chats = r.chats.unwrap_or(0) as u64;
        self.chats += chats;
        self.replied += chats as f64 * r.replied_share.unwrap_or(0.0);
        self.lost += r.lost.unwrap_or(0) as u64;
        self.sent += r.sent.unwrap_or(0) as u64;
        if let Some(q) = r.quick {
            self.quick += q as u64;
            self.has_quick = true;
        }
    }

    fn share(&self) -> Option<f64> {
        (self.chats > 0).then(|| self.replied * 100.0 / self.chats as f64)
    }

    fn funnel(&self, kind: &str, id: String, name: String) -> Funnel {
        Funnel {
            kind: kind.into(),
            id,
            name,
            added: self.added as u32,
            chats: self.chats as u32,
            replied: self.replied.round() as u32,
            lost: self.lost as u32,
            quick_reply_rate: (self.has_quick && self.sent > 0)
                .then(|| round2(self.quick as f64 * 100.0 / self.sent as f64)),
        }
    }
}

/// The customer funnel: added → chatted → replied; the indicator is the share of chats replied.
fn funnel(
    conn: &Connection,
    rows: &[StatRow],
    people: &mut People,
    from: i32,
    to: i32,
    details: &mut Details,
    lang: Lang,
) -> Result<Indicator> {
    let key = "customer_funnel";
    let d = definition(key);
    let mut all = FunnelSums::default();
    let mut weeks: BTreeMap<i32, FunnelSums> = BTreeMap::new();
    let mut members: BTreeMap<i64, FunnelSums> = BTreeMap::new();
    let mut sources: BTreeMap<String, FunnelSums> = BTreeMap::new();
    for r in rows {
        weeks.entry(monday_of(r.day)).or_default().add(r);
        if r.day < from {
            continue;
        }
        all.add(r);
        members.entry(r.member).or_default().add(r);
        if !r.source.is_empty() {
            sources.entry(r.source.clone()).or_default().add(r);
        }
    }
    let mut groups = Vec::new();
    let mut member_funnels = Vec::new();
    for (id, s) in &members {
        let (account, name) = people.name(conn, *id)?;
        if let Some(share) = s.share() {
            groups.push(Group {
                kind: "member".into(),
                id: account.clone(),
                name: name.clone(),
                value: round2(share),
                weight: s.chats as u32,
            });
        }
        member_funnels.push(s.funnel("member", account, name));
    }
    let worst = failing(key, &groups, d.threshold);
    details.funnel = (!rows.is_empty()).then(|| all.funnel("all", String::new(), String::new()));
    details.funnel_members = member_funnels;
    details.funnel_sources = sources
        .iter()
        .map(|(s, f)| f.funnel("source", s.clone(), s.clone()))
        .collect();
    let trend = weekly_trend(d, to, |w| weeks.get(&w).and_then(FunnelSums::share));
    Ok(indicator(key, all.share(), d.threshold, trend, worst, lang))
}

/// Errors over calls per day and endpoint; the value is the worst day of the worst endpoint.
fn api(
    conn: &Connection,
    from: i32,
    to: i32,
    details: &mut Details,
    lang: Lang,
) -> Result<Indicator> {
    let key = "api_error_rate";
    let d = definition(key);
    let trend_from = to - (d.trend_periods as i32 - 1);
    let start = day_text(from.min(trend_from));
    let end = format!("{} 23:59:59", day_text(to));
    let mut stmt = conn.prepare_cached(
        "SELECT substr(at, 1, 10), endpoint, count(*), count(*) FILTER (WHERE errcode <> 0)
         FROM api_calls WHERE at BETWEEN ?1 AND ?2 GROUP BY 1, 2",
    )?;
    let mut rows = stmt.query([start, end])?;
    let mut days: BTreeMap<i32, (u64, u64)> = BTreeMap::new();
    let mut endpoints: BTreeMap<String, (f64, u64, String)> = BTreeMap::new();
    let mut worst_cell: Option<f64> = None;
    while let Some(r) = rows.next()? {
        let day: String = r.get(0)?;
        let endpoint: String = r.get(1)?;
        let (calls, errors) = (r.get::<_, i64>(2)? as u64, r.get::<_, i64>(3)? as u64);
        let Some(n) = day_number(&day) else { continue };
        let e = days.entry(n).or_default();
        e.0 += calls;
        e.1 += errors;
        if n < from {
            continue;
        }
        let rate = percent(errors, calls).unwrap_or(0.0);
        worst_cell = Some(worst_cell.map_or(rate, |w: f64| w.max(rate)));
        let e = endpoints
            .entry(endpoint)
            .or_insert((-1.0, 0, String::new()));
        e.1 += calls;
        if rate > e.0 {
            e.0 = rate;
            e.2 = day;
        }
    }
    details.api_days = days
        .range(from..=to)
        .map(|(day, (calls, errors))| DayValue {
            day: day_text(*day),
            value: round2(percent(*errors, *calls).unwrap_or(0.0)),
            count: *calls as u32,
        })
        .collect();
    let groups: Vec<Group> = endpoints
        .into_iter()
        .map(|(endpoint, (rate, calls, day))| Group {
            kind: "endpoint".into(),
            name: format!("{endpoint} ({day})"),
            id: endpoint,
            value: round2(rate),
            weight: calls as u32,
        })
        .collect();
    let worst = failing(key, &groups, d.threshold);
    let mut sorted = groups;
    sorted.sort_by(|a, b| b.value.total_cmp(&a.value).then_with(|| a.id.cmp(&b.id)));
    details.api_endpoints = sorted;
    let trend = (0..d.trend_periods as i32)
        .rev()
        .map(|i| to - i)
        .map(|day| TrendPoint {
            period: day_text(day),
            value: days.get(&day).and_then(|(c, e)| percent(*e, *c)),
        })
        .collect();
    Ok(indicator(key, worst_cell, d.threshold, trend, worst, lang))
}

/// `YYYY-MM` of a Julian day and the first day of that month and of the months before.
fn month_starts(to: i32, count: usize) -> Vec<(String, String, String)> {
    let Ok(date) = time::Date::from_julian_day(to) else {
        return Vec::new();
    };
    let (mut y, mut m) = (date.year(), date.month() as u8);
    let mut out = Vec::new();
    for _ in 0..count {
        let month = time::Month::try_from(m).unwrap_or(time::Month::January);
        let last = time::util::days_in_month(month, y);
        out.push((
            format!("{y:04}-{m:02}"),
            format!("{y:04}-{m:02}-01"),
            format!("{y:04}-{m:02}-{last:02}"),
        ));
        if m == 1 {
            y -= 1;
            m = 12;
        } else {
            m -= 1;
        }
    }
    out.reverse();
    out
}

/// Median hours of completed approvals against the top 30 % of departments.
fn approvals(
    conn: &Connection,
    from: i32,
    to: i32,
    details: &mut Details,
    lang: Lang,
) -> Result<Indicator> {
    let key = "approval_speed";
    let d = definition(key);
    let months = month_starts(to, d.trend_periods);
    let first = months
        .first()
        .map_or_else(|| day_text(from), |m| m.1.clone());
    let hours = crate::approvals::records::completed_hours(
        conn,
        &first.min(day_text(from)),
        &day_text(to),
    )?;
    if hours.is_empty() {
        return Ok(indicator(key, None, None, Vec::new(), Vec::new(), lang));
    }
    let trend = months
        .into_iter()
        .map(|(label, first, last)| {
            let mut h: Vec<f64> = hours
                .iter()
                .filter(|(day, _)| *day >= first && *day <= last)
                .map(|(_, h)| *h)
                .collect();
            TrendPoint {
                period: label,
                value: crate::approvals::records::median_hours(&mut h),
            }
        })
        .collect();
    let e = crate::approvals::records::efficiency(
        conn,
        Some(&day_text(from)),
        Some(&day_text(to)),
        lang,
    )?;
    // The top share's boundary: the slowest median among the departments in it.
    let threshold = e
        .departments
        .iter()
        .filter(|d| d.top30)
        .map(|d| d.timing.median_hours)
        .reduce(f64::max);
    let groups: Vec<Group> = e
        .departments
        .iter()
        .map(|dep| Group {
            kind: "department".into(),
            id: dep.department.clone(),
            name: dep.department.clone(),
            value: dep.timing.median_hours,
            weight: dep.timing.count,
        })
        .collect();
    let worst = failing(key, &groups, threshold);
    details.approval_departments = groups;
    Ok(indicator(
        key,
        e.overall.map(|t| t.median_hours),
        threshold,
        trend,
        worst,
        lang,
    ))
}

fn quarter_of(day: i32) -> String {
    let text = day_text(day);
    let month: u32 = text.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    format!("{}-Q{}", &text[..4.min(text.len())], (month - 1) / 3 + 1)
}

/// The worst batch's offline rate in the period's last quarter.
fn devices(batches: &[BatchRate], to: i32, details: &mut Details, lang: Lang) -> Indicator {
    let key = "device_offline";
    let d = definition(key);
    let quarter = quarter_of(to);
    let groups: Vec<Group> = batches
        .iter()
        .filter(|b| b.quarter == quarter)
        .map(|b| Group {
            kind: "batch".into(),
            id: b.batch.clone(),
            name: format!("{} ({})", b.batch, b.quarter),
            value: round2(b.rate * 100.0),
            weight: 0,
        })
        .collect();
    let mut quarters: Vec<String> = batches.iter().map(|b| b.quarter.clone()).collect();
    quarters.sort();
    quarters.dedup();
    quarters.retain(|q| *q <= quarter);
    let start = quarters.len().saturating_sub(d.trend_periods);
    let trend = quarters[start..]
        .iter()
        .map(|q| TrendPoint {
            period: q.clone(),
            value: batches
                .iter()
                .filter(|b| &b.quarter == q)
                .map(|b| b.rate * 100.0)
                .reduce(f64::max),
        })
        .collect();
    let worst = failing(key, &groups, d.threshold);
    // Devices registered but no event this quarter: none offline.
    let value = if batches.is_empty() {
        None
    } else {
        Some(groups.iter().map(|g| g.value).fold(0.0, f64::max))
    };
    details.device_batches = groups;
    indicator(key, value, d.threshold, trend, worst, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(key: &str) -> &'static Definition {
        definition(key)
    }

    #[test]
    fn statuses_at_just_above_and_just_below_each_threshold() {
        let login = def("login_rate");
        assert_eq!(status_of(login, Some(85.0), Some(85.0)), Status::Ok);
        assert_eq!(status_of(login, Some(85.01), Some(85.0)), Status::Ok);
        assert_eq!(status_of(login, Some(84.99), Some(85.0)), Status::Warn);
        assert_eq!(status_of(login, Some(80.0), Some(85.0)), Status::Warn);
        assert_eq!(status_of(login, Some(79.99), Some(85.0)), Status::Bad);
        assert_eq!(status_of(login, None, Some(85.0)), Status::NoData);
        let reply = def("first_reply");
        assert_eq!(status_of(reply, Some(2.0), Some(2.0)), Status::Ok);
        assert_eq!(status_of(reply, Some(2.01), Some(2.0)), Status::Warn);
        assert_eq!(status_of(reply, Some(1.99), Some(2.0)), Status::Ok);
        assert_eq!(status_of(reply, Some(3.5), Some(2.0)), Status::Bad);
        let api = def("api_error_rate");
        assert_eq!(status_of(api, Some(5.0), Some(5.0)), Status::Ok);
        assert_eq!(status_of(api, Some(5.01), Some(5.0)), Status::Warn);
        assert_eq!(status_of(api, Some(7.01), Some(5.0)), Status::Bad);
        let devices = def("device_offline");
        assert_eq!(status_of(devices, Some(10.0), Some(10.0)), Status::Ok);
        assert_eq!(status_of(devices, Some(10.01), Some(10.0)), Status::Warn);
        let approvals = def("approval_speed");
        assert_eq!(status_of(approvals, Some(4.0), Some(4.0)), Status::Ok);
        assert_eq!(status_of(approvals, Some(8.0), Some(4.0)), Status::Warn);
        assert_eq!(status_of(approvals, Some(8.01), Some(4.0)), Status::Bad);
    }

    #[test]
    fn weeks_start_on_monday() {
        let monday = day_number("2026-11-30").unwrap();
        assert_eq!(weekday(monday), 0);
        assert_eq!(monday_of(day_number("2026-12-06").unwrap()), monday);
        assert_eq!(monday_of(day_number("2026-12-07").unwrap()), monday + 7);
        assert_eq!(week_label(monday), "2026-W49");
        assert_eq!(days_mask(monday, monday + 2, monday + 3), 0b1100);
    }

    #[test]
    fn every_indicator_has_a_definition_in_both_languages() {
        for key in [
            "login_rate",
            "first_reply",
            "approval_speed",
            "customer_funnel",
            "api_error_rate",
            "device_offline",
        ] {
            let d = def(key);
            assert!(!d.remedy.zh_cn.is_empty() && !d.remedy.en_us.is_empty());
            assert!(!d.console.zh_cn.is_empty() && !d.console.en_us.is_empty());
            assert!(d.trend_periods > 0);
        }
        assert_eq!(
            month_starts(day_number("2026-03-15").unwrap(), 3)[0].0,
            "2026-01"
        );
        assert_eq!(
            month_starts(day_number("2026-02-15").unwrap(), 1)[0].2,
            "2026-02-28"
        );
        assert_eq!(quarter_of(day_number("2026-10-01").unwrap()), "2026-Q4");
    }
}
