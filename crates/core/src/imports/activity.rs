//! Activity files as the consoles export them, for the health view (`crate::health`): member
//! activity (who logged in on which day), customer contact statistics per member and day
//! (WeCom's 联系客户统计) and an API call log. Headers are data
//! (`assets/health/activity-headers.json`); a file's kind is found from its header unless given.
//!
//! Rows are checked first (problems per row with a code), then written in one undoable action:
//! all or nothing unless invalid rows are skipped; a dry run writes nothing. A re-import of an
//! overlapping period replaces it: a member's day, a member's statistics of a day (and source),
//! or the API calls between the file's first and last time.
//!
//! A CSV file is read as a stream of records (a 9,000,000-row activity export is ordinary);
//! member activity is packed per member and week before it is written.

use super::header::normalize;
use super::table::{self, Found, MemberIndex};
use super::SheetProblem;
use crate::error::{Error, ErrorCode, Result};
use crate::history::{Change, Decision, Tx};
use crate::i18n::Lang;
use crate::progress::Progress;
use crate::validate::{day_number, day_text, weekday};
use rusqlite::Connection;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

const HEADERS: &str = include_str!("../../../../assets/health/activity-headers.json");

/// What an activity file holds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, strum::EnumString,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum ActivityKind {
    /// Member activity: account or name, date, active.
    Members,
    /// Customer contact statistics per member and day.
    Customers,
    /// An API call log: time, endpoint, error code.
    Api,
}

impl ActivityKind {
    fn columns(self) -> &'static [&'static str] {
        match self {
            ActivityKind::Members => &[
                "member",
                "name",
                "department",
                "date",
                "active",
                "last_active",
            ],
            ActivityKind::Customers => &[
                "member",
                "name",
                "date",
                "source",
                "chats",
                "sent",
                "replied_share",
                "first_reply",
                "added",
                "lost",
                "quick_replies",
            ],
            ActivityKind::Api => &["time", "endpoint", "errcode"],
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            ActivityKind::Members => "members",
            ActivityKind::Customers => "customers",
            ActivityKind::Api => "api",
        }
    }

    /// Whether a header with these columns is one of this kind.
    fn enough(self, cols: &[(usize, &'static str)]) -> bool {
        let has = |f: &str| cols.iter().any(|(_, c)| *c == f);
        let who = has("member") || has("name");
        match self {
            ActivityKind::Api => has("time") && has("endpoint") && has("errcode"),
            ActivityKind::Customers => {
                who && has("date")
                    && [
                        "chats",
                        "sent",
                        "replied_share",
                        "first_reply",
                        "added",
                        "lost",
                    ]
                    .iter()
                    .any(|f| has(f))
            }
            ActivityKind::Members => who && ((has("date") && has("active")) || has("last_active")),
        }
    }
}

#[derive(Deserialize)]
struct HeaderFile {
    members: BTreeMap<String, Vec<String>>,
    customers: BTreeMap<String, Vec<String>>,
    api: BTreeMap<String, Vec<String>>,
    active_words: BTreeMap<String, Vec<String>>,
}

fn header_file() -> &'static HeaderFile {
    static F: OnceLock<HeaderFile> = OnceLock::new();
    F.get_or_init(|| serde_json::from_str(HEADERS).expect("activity-headers.json is valid"))
}

/// The column a header names in a file of `kind`.
fn column_of(kind: ActivityKind, header: &str) -> Option<&'static str> {
    static MAPS: OnceLock<HashMap<ActivityKind, HashMap<String, &'static str>>> = OnceLock::new();
    MAPS.get_or_init(|| {
        let f = header_file();
        let mut maps = HashMap::new();
        for (kind, fields) in [
            (ActivityKind::Members, &f.members),
            (ActivityKind::Customers, &f.customers),
            (ActivityKind::Api, &f.api),
        ] {
            let mut map = HashMap::new();
            for (code, names) in fields {
                let column = kind
                    .columns()
                    .iter()
                    .copied()
                    .find(|c| c == code)
                    .unwrap_or_else(|| panic!("unknown column {code} in activity-headers.json"));
                for n in names {
                    map.insert(normalize(n), column);
                }
            }
            maps.insert(kind, map);
        }
        maps
    })
    .get(&kind)
    .and_then(|m| m.get(&normalize(header)))
    .copied()
}

/// Yes or no as activity files write it.
fn active_word(text: &str) -> Option<bool> {
    // The spellings of nearly every row, without normalising.
    match text.trim() {
        "是" | "1" => return Some(true),
        "否" | "0" => return Some(false),
        _ => {}
    }
    static MAP: OnceLock<HashMap<String, bool>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = HashMap::new();
        for (code, words) in &header_file().active_words {
            let yes = match code.as_str() {
                "yes" => true,
                "no" => false,
                other => panic!("unknown active word group {other} in activity-headers.json"),
            };
            for w in words {
                map.insert(normalize(w), yes);
            }
        }
        map
    })
    .get(&normalize(text))
    .copied()
}

/// Columns of a header: (index, column code).
type Columns = Vec<(usize, &'static str)>;

/// The header row among the first rows: the first whose columns meet a kind's needs (only
/// `kind`'s when given), with its kind and columns.
fn find_header(
    rows: &[Vec<String>],
    kind: Option<ActivityKind>,
) -> Option<(usize, ActivityKind, Columns)> {
    let kinds: Vec<ActivityKind> = match kind {
        Some(k) => vec![k],
        None => vec![
            ActivityKind::Api,
            ActivityKind::Customers,
            ActivityKind::Members,
        ],
    };
    rows.iter()
        .take(super::HEADER_SCAN_ROWS)
        .enumerate()
        .find_map(|(i, row)| {
            kinds.iter().find_map(|k| {
                let mut cols: Vec<(usize, &'static str)> = Vec::new();
                for (c, text) in row.iter().enumerate() {
                    if let Some(f) = column_of(*k, text) {
                        // A column named twice keeps its first place.
                        if !cols.iter().any(|(_, g)| *g == f) {
                            cols.push((c, f));
                        }
                    }
                }
                k.enough(&cols).then_some((i, *k, cols))
            })
        })
}

/// What an activity import read and did.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ActivityImport {
    pub kind: ActivityKind,
    /// Data rows read (after the header).
    #[specta(type = f64)]
    pub rows: u64,
    /// Rows taken (valid).
    #[specta(type = f64)]
    pub written: u64,
    /// Member-days, statistics rows or API calls already there that the file's replaced.
    #[specta(type = f64)]
    pub replaced: u64,
    /// The first and last day the file covers (YYYY-MM-DD).
    pub from: Option<String>,
    pub to: Option<String>,
    /// The first problems (at most 1,000); `problem_count` counts them all.
    pub problems: Vec<SheetProblem>,
    #[specta(type = f64)]
    pub problem_count: u64,
    pub committed: bool,
}

fn row_error(key: &'static str) -> Error {
    Error::new(ErrorCode::InvalidValue, key)
}

/// A whole number as statistics write it (`1,234`, `12.0`); `-` and empty are none.
fn count_of(text: &str) -> Result<Option<i64>> {
    let t = text.trim().replace([',', ','], "");
    if t.is_empty() || t == "-" || t == "--" {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(v) if v >= 0.0 && v.fract() == 0.0 && v < 1e12 => Ok(Some(v as i64)),
        _ => Err(row_error("activity_count_invalid").with("value", text.trim())),
    }
}

/// A share as `85%`, `85.5 %`, `0.855` (at most 1: a fraction) or `85` (a percentage), 0–1.
fn share_of(text: &str) -> Result<Option<f64>> {
    let t = crate::validate::half_width(text.trim());
    let t = t.trim();
    if t.is_empty() || t == "-" || t == "--" {
        return Ok(None);
    }
    let bad = || row_error("activity_share_invalid").with("value", text.trim());
    let (number, percent) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let v: f64 = number.parse().map_err(|_| bad())?;
    let v = if percent || v > 1.0 { v / 100.0 } else { v };
    if !(0.0..=1.0).contains(&v) {
        return Err(bad());
    }
    Ok(Some(v))
}

/// A duration in seconds from the spellings statistics use: `1分30秒`, `2分钟`, `45秒`,
/// `1小时2分`, `1m30s`, `90s`, `00:01:30` or `1:30` (minutes and seconds), or a plain number
/// (minutes, as the consoles' columns count them).
pub(crate) fn duration_seconds(text: &str) -> Option<f64> {
    let t = crate::validate::half_width(text.trim()).to_lowercase();
    let t = t.replace(' ', "");
    if t.is_empty() {
        return None;
    }
    if let Ok(minutes) = t.parse::<f64>() {
        return (minutes >= 0.0).then_some(minutes * 60.0);
    }
    if t.contains(':') {
        let parts: Vec<f64> = t
            .split(':')
            .map(|p| p.parse::<f64>().ok().filter(|v| *v >= 0.0))
            .collect::<Option<_>>()?;
        return match parts.as_slice() {
            [m, s] => Some(m * 60.0 + s),
            [h, m, s] => Some(h * 3600.0 + m * 60.0 + s),
            _ => None,
        };
    }
    // Number-unit pairs.
    let mut total = 0.0;
    let mut number = String::new();
    let mut rest = t.as_str();
    let mut any = false;
    while !rest.is_empty() {
        let c = rest.chars().next()?;
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let units: [(&str, f64); 12] = [
            ("小时", 3600.0),
            ("时", 3600.0),
            ("分钟", 60.0),
            ("分", 60.0),
            ("秒钟", 1.0),
            ("秒", 1.0),
            ("hours", 3600.0),
            ("hour", 3600.0),
            ("h", 3600.0),
            ("min", 60.0),
            ("m", 60.0),
            ("s", 1.0),
        ];
        let (unit, factor) = units.iter().find(|(u, _)| rest.starts_with(u))?;
        let n: f64 = number.parse().ok()?;
        total += n * factor;
        any = true;
        number.clear();
        rest = &rest[unit.len()..];
        // The rest of a spelled-out English unit (`mins`, `minutes`, `sec`, `seconds`).
        rest = rest.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    }
    (any && number.is_empty()).then_some(total)
}

/// The path of an endpoint without host and query (a logged URL may carry an access token in
/// its query: it is never kept).
fn endpoint_of(text: &str) -> String {
    let t = text.trim();
    let t = t.split(['?', '#']).next().unwrap_or(t);
    let t = match t.find("://") {
        Some(i) => {
            let rest = &t[i + 3..];
            rest.find('/').map_or("/", |j| &rest[j..])
        }
        None => t,
    };
    t.to_string()
}

/// The member a row names, or the row's error.
fn member(members: &MemberIndex, account: Option<&str>, name: Option<&str>) -> Result<i64> {
    match members.find(account, name) {
        Found::One(id) => Ok(id),
        Found::Ambiguous(n) => Err(row_error("activity_member_ambiguous").with("name", n)),
        Found::Unknown(who) => Err(row_error("activity_member_unknown").with("member", who)),
        Found::Missing => Err(row_error("activity_member_missing")),
    }
}

/// One row's values by column.
type Values<'r> = [Option<&'r str>];

fn value<'r>(cols: &[&'static str], values: &Values<'r>, field: &str) -> Option<&'r str> {
    cols.iter()
        .position(|c| *c == field)
        .and_then(|i| values[i])
        .filter(|v| !v.trim().is_empty())
}

/// One day of the rows read.
fn day_of(text: &str) -> Result<i32> {
    crate::validate::normalize_date(text)
        .and_then(|d| day_number(&d))
        .ok_or_else(|| row_error("activity_date_invalid").with("value", text.trim()))
}

/// What was read: packed member activity, statistics rows or calls, and the problems.
#[derive(Default)]
struct Read {
    weeks: FxHashMap<(i32, i64), (u8, u8)>,
    /// The last date text read and its day (rows come day by day or member by member).
    last_date: Option<(String, i32)>,
    stats: BTreeMap<(i64, i32, String), Stats>,
    calls: Vec<(String, String, i64)>,
    days: Option<(i32, i32)>,
}

#[derive(Clone, Copy, Default)]
struct Stats {
    chats: Option<i64>,
    sent: Option<i64>,
    replied_share: Option<f64>,
    first_reply_seconds: Option<f64>,
    added: Option<i64>,
    lost: Option<i64>,
    quick_replies: Option<i64>,
}

impl Read {
    /// [`day_of`], remembering the last text.
    fn day(&mut self, text: &str) -> Result<i32> {
        if let Some((last, day)) = &self.last_date {
            if last == text {
                return Ok(*day);
            }
        }
        let day = day_of(text)?;
        self.last_date = Some((text.to_string(), day));
        Ok(day)
    }

    fn covers(&mut self, day: i32) {
        self.days = Some(match self.days {
            None => (day, day),
            Some((a, b)) => (a.min(day), b.max(day)),
        });
    }

    /// Adds what a later part of the file read (its days replace this part's).
    fn merge(&mut self, other: Read) {
        for (key, (reported, active)) in other.weeks {
            let e = self.weeks.entry(key).or_insert((0, 0));
            e.1 = (e.1 & !reported) | active;
            e.0 |= reported;
        }
        self.stats.extend(other.stats);
        self.calls.extend(other.calls);
        if let Some((a, b)) = other.days {
            self.covers(a);
            self.covers(b);
        }
    }

    /// Checks one row and keeps what it says.
    fn take(&mut self, kind: ActivityKind, members: &MemberIndex, values: &Values) -> Result<()> {
        let cols = kind.columns();
        let get = |f: &str| value(cols, values, f);
        match kind {
            ActivityKind::Members => {
                let member = member(members, get("member"), get("name"))?;
                let last = get("last_active")
                    .map(|t| {
                        crate::validate::normalize_date(t)
                            .and_then(|d| day_number(&d))
                            .ok_or_else(|| row_error("activity_date_invalid").with("value", t))
                    })
                    .transpose()?;
                let (day, active) = match (get("date"), get("active")) {
                    (Some(d), Some(a)) => {
                        let day = self.day(d)?;
                        let active = match active_word(a) {
                            Some(yes) => yes,
                            // A last-active time in the active column: active that day.
                            None => match crate::validate::normalize_date(a)
                                .and_then(|x| day_number(&x))
                            {
                                Some(l) => l == day,
                                None => {
                                    return Err(
                                        row_error("activity_active_invalid").with("value", a)
                                    )
                                }
                            },
                        };
                        (day, active)
                    }
                    (Some(d), None) => {
                        let day = self.day(d)?;
                        (day, last == Some(day))
                    }
                    (None, _) => match last {
                        Some(l) => (l, true),
                        None => return Err(row_error("activity_date_missing")),
                    },
                };
                let monday = day - weekday(day) as i32;
                let bit = 1u8 << weekday(day);
                let e = self.weeks.entry((monday, member)).or_insert((0, 0));
                e.0 |= bit;
                if active {
                    e.1 |= bit;
                } else {
                    e.1 &= !bit;
                }
                self.covers(day);
            }
            ActivityKind::Customers => {
                let member = member(members, get("member"), get("name"))?;
                let day = day_of(get("date").ok_or_else(|| row_error("activity_date_missing"))?)?;
                let first_reply_seconds = match get("first_reply") {
                    None => None,
                    Some(t) if matches!(t.trim(), "-" | "--") => None,
                    Some(t) => Some(duration_seconds(t).ok_or_else(|| {
                        row_error("activity_duration_invalid").with("value", t.trim())
                    })?),
                };
                let count = |f: &str| get(f).map(count_of).transpose().map(Option::flatten);
                let stats = Stats {
                    chats: count("chats")?,
                    sent: count("sent")?,
                    replied_share: get("replied_share").map(share_of).transpose()?.flatten(),
                    first_reply_seconds,
                    added: count("added")?,
                    lost: count("lost")?,
                    quick_replies: count("quick_replies")?,
                };
                let source = get("source").unwrap_or("").trim().to_string();
                self.stats.insert((member, day, source), stats);
                self.covers(day);
            }
            ActivityKind::Api => {
                let time = get("time").ok_or_else(|| row_error("activity_time_missing"))?;
                let at = super::approval_records::datetime_text(time)
                    .ok_or_else(|| row_error("activity_time_invalid").with("value", time))?;
                let endpoint = get("endpoint")
                    .map(endpoint_of)
                    .filter(|e| !e.is_empty())
                    .ok_or_else(|| row_error("activity_endpoint_missing"))?;
                let code = get("errcode").ok_or_else(|| row_error("activity_errcode_missing"))?;
                let errcode: i64 = code
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.fract() == 0.0)
                    .map(|v| v as i64)
                    .ok_or_else(|| row_error("activity_errcode_invalid").with("value", code))?;
                if let Some(d) = day_number(&at[..10]) {
                    self.covers(d);
                }
                self.calls.push((at, endpoint, errcode));
            }
        }
        Ok(())
    }
}

/// Hands the rows of a file to [`Read::take`].
struct ActivitySink<'m> {
    kind: ActivityKind,
    members: &'m MemberIndex,
    read: Read,
}

impl table::Sink for ActivitySink<'_> {
    fn take(&mut self, values: &[Option<&str>]) -> Result<()> {
        self.read.take(self.kind, self.members, values)
    }

    fn merge(&mut self, later: Self) {
        self.read.merge(later.read);
    }
}

/// Reads and checks `bytes` (named `name` in messages) before anything is written.
pub(crate) fn check(
    conn: &Connection,
    bytes: Vec<u8>,
    name: &str,
    kind: Option<ActivityKind>,
    lang: Lang,
    progress: &dyn Progress,
) -> Result<Checked> {
    let members = MemberIndex::load(conn)?;
    let find = |rows: &[Vec<String>]| {
        find_header(rows, kind).map(|(i, k, cols)| {
            let columns = k.columns();
            let header = table::Header {
                kind: k,
                at: columns
                    .iter()
                    .map(|f| {
                        cols.iter()
                            .find(|(_, c)| c == f)
                            .map_or(usize::MAX, |(c, _)| *c)
                    })
                    .collect(),
                dated: columns
                    .iter()
                    .map(|f| matches!(*f, "date" | "time" | "last_active"))
                    .collect(),
            };
            (i, header)
        })
    };
    let sink = |k| ActivitySink {
        kind: k,
        members: &members,
        read: Read::default(),
    };
    let (kind, t) = table::read(bytes, name, find, sink, lang, progress)?.ok_or_else(|| {
        Error::new(ErrorCode::UnreadableFile, "activity_no_header")
            .with("file", name)
            .with("kind", kind.map_or("", ActivityKind::key))
    })?;
    Ok(Checked {
        kind,
        rows: t.rows,
        problems: t.problems,
        problem_count: t.problem_count,
        read: t.sink.read,
    })
}

/// A file read and checked, ready to write.
pub(crate) struct Checked {
    kind: ActivityKind,
    rows: u64,
    problems: Vec<SheetProblem>,
    problem_count: u64,
    read: Read,
}

impl Checked {
    /// Writes what the file holds (see the module); rolls back, returning the report, when a
    /// row failed and invalid rows are not skipped, when nothing would be written, or in a dry
    /// run.
    pub(crate) fn write(
        self,
        tx: &Tx,
        skip_invalid: bool,
        dry_run: bool,
    ) -> Result<Decision<ActivityImport, ActivityImport>> {
        let Checked {
            kind,
            rows,
            problems,
            problem_count,
            read,
        } = self;
        let mut report = ActivityImport {
            kind,
            rows,
            written: rows - problem_count,
            replaced: 0,
            from: read.days.map(|(a, _)| day_text(a)),
            to: read.days.map(|(_, b)| day_text(b)),
            problems,
            problem_count,
            committed: false,
        };
        if dry_run || report.written == 0 || (report.problem_count > 0 && !skip_invalid) {
            return Ok(Decision::RollBack(report));
        }
        match kind {
            ActivityKind::Members => {
                report.replaced = write_weeks(tx, &read.weeks)?;
            }
            ActivityKind::Customers => {
                let mut exists = tx.prepare(
                    "SELECT 1 FROM contact_stats WHERE member_id = ?1 AND day = ?2 AND source = ?3",
                )?;
                let mut insert = tx.prepare(
                    "INSERT OR REPLACE INTO contact_stats (member_id, day, source, chats, sent,
                       replied_share, first_reply_seconds, added, lost, quick_replies)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?;
                for ((member, day, source), s) in &read.stats {
                    if exists.exists(rusqlite::params![member, day, source])? {
                        report.replaced += 1;
                    }
                    insert.execute(rusqlite::params![
                        member,
                        day,
                        source,
                        s.chats,
                        s.sent,
                        s.replied_share,
                        s.first_reply_seconds,
                        s.added,
                        s.lost,
                        s.quick_replies
                    ])?;
                }
            }
            ActivityKind::Api => {
                let first = read.calls.iter().map(|c| &c.0).min();
                let last = read.calls.iter().map(|c| &c.0).max();
                if let (Some(first), Some(last)) = (first, last) {
                    report.replaced = tx.execute(
                        "DELETE FROM api_calls WHERE at BETWEEN ?1 AND ?2",
                        [first, last],
                    )? as u64;
                }
                let mut insert = tx
                    .prepare("INSERT INTO api_calls (at, endpoint, errcode) VALUES (?1, ?2, ?3)")?;
                for (at, endpoint, errcode) in &read.calls {
                    insert.execute(rusqlite::params![at, endpoint, errcode])?;
                }
            }
        }
        report.committed = true;
        let after = serde_json::json!({
            "kind": kind.key(),
            "rows": report.written,
            "replaced": report.replaced,
            "from": report.from,
            "to": report.to,
        });
        Ok(Decision::Commit(Change::after(
            report,
            "activity",
            Some(after),
        )))
    }
}

/// Writes packed member activity, a day of the file replacing the same member's day; returns
/// how many member-days were already there.
fn write_weeks(tx: &Tx, weeks: &FxHashMap<(i32, i64), (u8, u8)>) -> Result<u64> {
    let mut by_week: BTreeMap<i32, Vec<(i64, u8, u8)>> = BTreeMap::new();
    for ((week, member), (reported, active)) in weeks {
        by_week
            .entry(*week)
            .or_default()
            .push((*member, *reported, *active));
    }
    let mut replaced = 0u64;
    let mut existing =
        tx.prepare("SELECT member_id, reported FROM activity_weeks WHERE week = ?1")?;
    let mut upsert = tx.prepare(
        "INSERT INTO activity_weeks (week, member_id, reported, active) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (week, member_id) DO UPDATE SET
           active = (active & ~excluded.reported) | excluded.active,
           reported = reported | excluded.reported",
    )?;
    for (week, mut rows) in by_week {
        let mut before: HashMap<i64, u8> = HashMap::new();
        let mut q = existing.query([week])?;
        while let Some(r) = q.next()? {
            before.insert(r.get(0)?, r.get(1)?);
        }
        rows.sort_unstable_by_key(|r| r.0);
        for (member, reported, active) in rows {
            if let Some(b) = before.get(&member) {
                replaced += u64::from((b & reported).count_ones());
            }
            upsert.execute(rusqlite::params![week, member, reported, active])?;
        }
    }
    Ok(replaced)
}

/// A demo company's activity, generated (deterministically) when the demo is created: `weeks`
/// weeks up to `end` of logins for the active members, lower in `low_departments` (path → rate,
/// with their subtrees), and customer contact statistics for `contacts` with their usual
/// average first reply (`reply_minutes`), slower for the members in `slow` (account → minutes).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DemoActivity {
    end: String,
    weeks: u32,
    login_rate: f64,
    #[serde(default)]
    low_departments: BTreeMap<String, f64>,
    #[serde(default)]
    contacts: Vec<String>,
    #[serde(default)]
    reply_minutes: f64,
    #[serde(default)]
    slow: BTreeMap<String, f64>,
    #[serde(default)]
    sources: Vec<String>,
}

/// A number in 0..1 from a member and a day, the same on every machine.
fn noise(member: i64, day: i32, salt: u64) -> f64 {
    let mut x = (member as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((day as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9))
        .wrapping_add(salt);
    x ^= x >> 31;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 29;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

pub(crate) fn fill_demo(tx: &Tx, a: &DemoActivity) -> Result<()> {
    let tree = crate::org::departments::Tree::load(tx)?;
    let end = day_number(&a.end)
        .ok_or_else(|| Error::invalid_value("activity.end", &a.end, "YYYY-MM-DD"))?;
    let start = end - 7 * a.weeks as i32 + 1;
    let mut stmt = tx.prepare(
        "SELECT m.id, m.userid, md.department_id FROM members m
         JOIN member_departments md ON md.member_id = m.id AND md.is_main = 1
         WHERE m.status = 'active' ORDER BY m.id",
    )?;
    let people: Vec<(i64, String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut read = Read::default();
    for (id, _, department) in &people {
        let path = tree.path(*department);
        let rate = a
            .low_departments
            .iter()
            .find(|(p, _)| path == **p || path.starts_with(&format!("{p}/")))
            .map_or(a.login_rate, |(_, r)| *r);
        for day in start..=end {
            let monday = day - weekday(day) as i32;
            let bit = 1u8 << weekday(day);
            let e = read.weeks.entry((monday, *id)).or_insert((0, 0));
            e.0 |= bit;
            if noise(*id, day, 1) < rate {
                e.1 |= bit;
            }
        }
    }
    write_weeks(tx, &read.weeks)?;
    let mut insert = tx.prepare(
        "INSERT INTO contact_stats (member_id, day, source, chats, sent, replied_share,
           first_reply_seconds, added, lost, quick_replies)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for (i, userid) in a.contacts.iter().enumerate() {
        let Some((id, _, _)) = people.iter().find(|p| p.1 == *userid) else {
            return Err(
                Error::new(ErrorCode::InvalidValue, "member_not_found").with("userid", userid)
            );
        };
        let minutes = a.slow.get(userid).copied().unwrap_or(a.reply_minutes);
        let source = a
            .sources
            .get(i % a.sources.len().max(1))
            .cloned()
            .unwrap_or_default();
        for day in start..=end {
            let chats = 4 + (noise(*id, day, 2) * 12.0) as i64;
            let replied = (0.88 + noise(*id, day, 3) * 0.12).min(1.0);
            let seconds = (minutes * 60.0 * (0.8 + noise(*id, day, 4) * 0.4)).round();
            let added = (noise(*id, day, 5) * 4.0) as i64;
            let lost = i64::from(noise(*id, day, 6) < 0.1);
            let sent = chats * 3;
            insert.execute(rusqlite::params![
                id,
                day,
                source,
                chats,
                sent,
                (replied * 100.0).round() / 100.0,
                seconds,
                added,
                lost,
                sent / 4
            ])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_the_spellings_statistics_use() {
        for (text, want) in [
            ("1分30秒", 90.0),
            ("2分钟", 120.0),
            ("45秒", 45.0),
            ("1小时2分", 3720.0),
            ("1m30s", 90.0),
            ("90s", 90.0),
            ("2 min", 120.0),
            ("3 mins", 180.0),
            ("30 sec", 30.0),
            ("00:01:30", 90.0),
            ("1:30", 90.0),
            ("2", 120.0),
            ("1.5", 90.0),
            ("0分0秒", 0.0),
            ("２分１０秒", 130.0),
        ] {
            assert_eq!(duration_seconds(text), Some(want), "{text}");
        }
        for bad in ["", "快", "1分30", "分钟", "-1", "1:2:3:4"] {
            assert_eq!(duration_seconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn shares_counts_and_endpoints() {
        assert_eq!(share_of("85%").unwrap(), Some(0.85));
        assert_eq!(share_of("85.5 %").unwrap(), Some(0.855));
        assert_eq!(share_of("0.9").unwrap(), Some(0.9));
        assert_eq!(share_of("90").unwrap(), Some(0.9));
        assert_eq!(share_of("-").unwrap(), None);
        assert!(share_of("120%").is_err());
        assert!(share_of("high").is_err());
        assert_eq!(count_of("1,234").unwrap(), Some(1234));
        assert_eq!(count_of("").unwrap(), None);
        assert!(count_of("1.5").is_err());
        assert_eq!(
            endpoint_of(
                "https://qyapi.weixin.qq.com/cgi-bin/user/get?access_token=SECRET&userid=a"
            ),
            "/cgi-bin/user/get"
        );
        assert_eq!(
            endpoint_of("/cgi-bin/department/list"),
            "/cgi-bin/department/list"
        );
        assert_eq!(endpoint_of("user/get"), "user/get");
    }

    #[test]
    fn a_files_kind_is_found_from_its_header() {
        let row = |cells: &[&str]| vec![cells.iter().map(|c| c.to_string()).collect::<Vec<_>>()];
        let kind = |cells: &[&str]| find_header(&row(cells), None).map(|(_, k, _)| k);
        assert_eq!(
            kind(&["账号", "日期", "是否活跃"]),
            Some(ActivityKind::Members)
        );
        assert_eq!(kind(&["姓名", "最后活跃时间"]), Some(ActivityKind::Members));
        assert_eq!(
            kind(&[
                "成员",
                "日期",
                "聊天总数",
                "发送消息数",
                "已回复聊天占比",
                "平均首次回复时长"
            ]),
            Some(ActivityKind::Customers)
        );
        assert_eq!(kind(&["时间", "接口", "错误码"]), Some(ActivityKind::Api));
        assert_eq!(kind(&["姓名", "手机"]), None);
        assert!(active_word("是").unwrap());
        assert!(!active_word("否").unwrap());
        assert!(active_word("1").unwrap());
        assert!(!active_word("0").unwrap());
    }
}
