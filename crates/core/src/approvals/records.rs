//! Approval records as the consoles export them (审批编号, 模板, 申请人, 申请人部门, 提交时间,
//! 完成时间, 状态, optionally 审批人), and the efficiency the guide asks for: hours from
//! submission to completion per department and template, each department's place among the
//! departments, and whether it is in the top 30 % (`assets/approvals/efficiency.json`).

use crate::error::{Error, ErrorCode, Result};
use crate::history::{Change, Decision, Tx};
use crate::i18n::{t, Lang, Localized};
use crate::imports::header::{cell_text, column_aliases, find_small_header, normalize};
use crate::imports::read::Workbook;
use crate::org::departments::Tree;
use calamine::Data;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

const COLUMNS: [&str; 8] = [
    "number",
    "template",
    "applicant",
    "department",
    "submitted",
    "finished",
    "status",
    "approvers",
];
const HEADERS: &str = include_str!("../../../../assets/approvals/record-headers.json");

fn column_of(header: &str) -> Option<&'static str> {
    static ALIASES: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    ALIASES
        .get_or_init(|| column_aliases(HEADERS, &COLUMNS, "record-headers.json"))
        .get(&normalize(header))
        .copied()
}

fn status_of(text: &str) -> Option<&'static str> {
    static MAP: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        #[derive(Deserialize)]
        struct File {
            statuses: BTreeMap<String, Vec<String>>,
        }
        let f: File = serde_json::from_str(HEADERS).expect("record-headers.json is valid");
        let mut map = HashMap::new();
        for (code, words) in f.statuses {
            let code: &'static str = match code.as_str() {
                "approved" => "approved",
                "rejected" => "rejected",
                "pending" => "pending",
                "withdrawn" => "withdrawn",
                other => panic!("unknown status {other} in record-headers.json"),
            };
            for w in words {
                map.insert(normalize(&w), code);
            }
        }
        map
    })
    .get(&normalize(text))
    .copied()
}

#[derive(Deserialize)]
struct Rules {
    top_share_percent: f64,
    slowest_approvers: usize,
    remedy: Localized,
}

fn rules() -> &'static Rules {
    static R: OnceLock<Rules> = OnceLock::new();
    R.get_or_init(|| {
        serde_json::from_str(include_str!("../../../../assets/approvals/efficiency.json"))
            .expect("approvals/efficiency.json is valid")
    })
}

/// One record as read, before it is checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct RecordRow {
    sheet: String,
    row: u32,
    values: BTreeMap<&'static str, String>,
}

/// A row that cannot be imported: where, a stable code, and what to do.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct RecordProblem {
    pub sheet: String,
    pub row: u32,
    pub code: String,
    pub message: String,
}

/// What an approval records import read and did.
#[derive(Debug, Clone, Default, Serialize, specta::Type)]
pub struct RecordsImport {
    pub rows: u32,
    /// Records new to the workspace.
    pub added: u32,
    /// Records already there (same number), replaced by the file's.
    pub replaced: u32,
    pub problems: Vec<RecordProblem>,
    pub committed: bool,
}

/// A date-time cell as `YYYY-MM-DD HH:MM:SS`: an Excel date, or text such as
/// `2026-10-01 09:15`, `2026/10/1 9:15:30`, `2026年10月1日 09:15`.
fn datetime_of(cell: &Data) -> Option<String> {
    let serial = match cell {
        Data::DateTime(d) => Some(d.as_f64()),
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    };
    if let Some(s) = serial.filter(|s| (1.0..2_958_466.0).contains(s)) {
        let dt = calamine::ExcelDateTime::new(s, calamine::ExcelDateTimeType::DateTime, false);
        let (y, mo, d, h, mi, se, _) = dt.to_ymd_hms_milli();
        return Some(format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{se:02}"));
    }
    let text = crate::validate::half_width(&cell_text(cell));
    let text = text.trim().replace('T', " ");
    let (date, time) = match text.split_once(' ') {
        Some((d, t)) => (d.trim(), t.trim()),
        None => (text.as_str(), ""),
    };
    let date = crate::validate::normalize_date(date)?;
    let mut parts = time
        .trim_end_matches('Z')
        .split(':')
        .filter(|p| !p.is_empty())
        .map(|p| p.split('.').next().unwrap_or(p).trim().parse::<u8>());
    let mut next = |max: u8| match parts.next() {
        None => Some(0),
        Some(Ok(v)) if v <= max => Some(v),
        _ => None,
    };
    let (h, m, s) = (next(23)?, next(59)?, next(59)?);
    Some(format!("{date} {h:02}:{m:02}:{s:02}"))
}

fn parse_datetime(s: &str) -> Option<time::PrimitiveDateTime> {
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(s, f).ok()
}

/// Reads the records of every sheet whose header has a number, a submission time and an
/// applicant.
pub(crate) fn read(bytes: Vec<u8>, name: &str) -> Result<Vec<RecordRow>> {
    let mut book = Workbook::open(bytes, name)?;
    let mut out = Vec::new();
    let mut found = false;
    for index in 0..book.sheet_names.len() {
        let sheet = book.sheet(index, name)?;
        let Some((header, cols)) = find_small_header(&sheet, column_of, |cols| {
            let has = |f: &str| cols.iter().any(|(_, c)| *c == f);
            has("number") && has("submitted") && has("applicant")
        }) else {
            continue;
        };
        found = true;
        for (i, row) in sheet.rows().enumerate().skip(header + 1) {
            let mut values = BTreeMap::new();
            for (c, f) in &cols {
                let Some(cell) = row.get(*c) else { continue };
                let text = match *f {
                    "submitted" | "finished" => {
                        datetime_of(cell).unwrap_or_else(|| format!("\u{0}{}", cell_text(cell)))
                    }
                    _ => cell_text(cell),
                };
                let text = text.trim().to_string();
                if !text.is_empty() && text != "\u{0}" {
                    values.insert(*f, text);
                }
            }
            if values.is_empty() {
                continue;
            }
            out.push(RecordRow {
                sheet: sheet.name.clone(),
                row: sheet.display_row(i),
                values,
            });
        }
    }
    if !found {
        return Err(Error::new(ErrorCode::UnreadableFile, "records_no_header").with("file", name));
    }
    Ok(out)
}

/// A checked record.
struct Record {
    number: String,
    template: String,
    applicant: String,
    department: Option<String>,
    submitted: String,
    finished: Option<String>,
    status: &'static str,
    approvers: Option<String>,
}

fn row_error(key: &'static str) -> Error {
    Error::new(ErrorCode::InvalidValue, key)
}

fn check(r: &RecordRow) -> Result<Record> {
    let get = |k: &str| r.values.get(k).cloned();
    let time_of = |k: &'static str, key: &'static str| -> Result<Option<String>> {
        match get(k) {
            None => Ok(None),
            Some(v) if v.starts_with('\u{0}') => {
                Err(row_error(key).with("value", v.trim_start_matches('\u{0}')))
            }
            Some(v) => Ok(Some(v)),
        }
    };
    let number = get("number").ok_or_else(|| row_error("record_number_missing"))?;
    let applicant = get("applicant").ok_or_else(|| row_error("record_applicant_missing"))?;
    let submitted = time_of("submitted", "record_time_invalid")?
        .ok_or_else(|| row_error("record_submitted_missing"))?;
    let finished = time_of("finished", "record_time_invalid")?;
    let status = match get("status") {
        Some(s) => {
            status_of(&s).ok_or_else(|| row_error("record_status_unknown").with("value", s))?
        }
        None if finished.is_some() => "approved",
        None => "pending",
    };
    if let Some(f) = &finished {
        if f < &submitted {
            return Err(row_error("record_finished_before")
                .with("submitted", &submitted)
                .with("finished", f));
        }
    }
    if matches!(status, "approved" | "rejected") && finished.is_none() {
        return Err(row_error("record_finished_missing"));
    }
    Ok(Record {
        number,
        template: get("template").unwrap_or_default(),
        applicant,
        department: get("department"),
        submitted,
        finished,
        status,
        approvers: get("approvers"),
    })
}

/// A department as a file names it (a path, or a name unique in the tree) → its full path.
fn department_path(tree: &Tree, text: &str) -> String {
    if let Ok(segments) = crate::org::departments::parse_path(text) {
        if let Some(id) = tree.find(&segments) {
            return tree.path(id);
        }
        if segments.len() == 1 {
            let named: Vec<i64> = tree
                .preorder()
                .into_iter()
                .filter(|d| tree.path(*d).rsplit('/').next() == Some(segments[0].as_str()))
                .collect();
            if let [one] = named.as_slice() {
                return tree.path(*one);
            }
        }
    }
    text.trim().to_string()
}

/// Writes the records (replacing those with the same number); rolls back, returning the
/// report, when a row fails and invalid rows are not skipped, when nothing would be written,
/// or in a dry run.
pub(crate) fn write(
    tx: &Tx,
    rows: &[RecordRow],
    skip_invalid: bool,
    dry_run: bool,
    lang: Lang,
) -> Result<Decision<RecordsImport, RecordsImport>> {
    let tree = Tree::load(tx)?;
    let mut report = RecordsImport {
        rows: rows.len() as u32,
        ..Default::default()
    };
    let mut seen: HashMap<String, u32> = HashMap::new();
    for r in rows {
        let checked = check(r).and_then(|rec| match seen.get(&rec.number) {
            Some(first) => Err(row_error("record_number_twice")
                .with("number", &rec.number)
                .with("row", first.to_string())),
            None => Ok(rec),
        });
        let rec = match checked {
            Ok(rec) => rec,
            Err(e) => {
                report.problems.push(RecordProblem {
                    sheet: r.sheet.clone(),
                    row: r.row,
                    code: e.key.to_string(),
                    message: e.message(lang),
                });
                continue;
            }
        };
        seen.insert(rec.number.clone(), r.row);
        let department = rec.department.as_deref().map(|d| department_path(&tree, d));
        let changed = tx.execute(
            "DELETE FROM approval_records WHERE number = ?1",
            [&rec.number],
        )?;
        tx.execute(
            "INSERT INTO approval_records
               (number, template, applicant, department, submitted_at, finished_at, status, approvers)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![
                rec.number,
                rec.template,
                rec.applicant,
                department,
                rec.submitted,
                rec.finished,
                rec.status,
                rec.approvers
            ],
        )?;
        if changed > 0 {
            report.replaced += 1;
        } else {
            report.added += 1;
        }
    }
    let written = report.added + report.replaced;
    if dry_run || written == 0 || (!report.problems.is_empty() && !skip_invalid) {
        return Ok(Decision::RollBack(report));
    }
    report.committed = true;
    let after = serde_json::json!({ "added": report.added, "replaced": report.replaced });
    Ok(Decision::Commit(Change::after(
        report,
        "approval_records",
        Some(after),
    )))
}

/// Count, median and P90 hours of a group of completed approvals.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Timing {
    pub count: u32,
    pub median_hours: f64,
    pub p90_hours: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct DepartmentEfficiency {
    pub department: String,
    #[serde(flatten)]
    pub timing: Timing,
    /// Approvals still waiting.
    pub pending: u32,
    /// 1 = the fastest (by median); ties share a rank.
    pub rank: u32,
    /// The share of departments faster than this one, in percent (0 for the fastest).
    pub percentile: f64,
    pub top30: bool,
    pub slowest_approvers: Vec<ApproverTiming>,
    /// The guide's remedy, for departments outside the top share.
    pub remedy: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct TemplateEfficiency {
    pub template: String,
    #[serde(flatten)]
    pub timing: Timing,
}

/// An approver named in the records, with the approvals they took part in.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ApproverTiming {
    /// As the file names them.
    pub approver: String,
    /// The member it is, when the workspace knows them.
    pub userid: Option<String>,
    #[serde(flatten)]
    pub timing: Timing,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Efficiency {
    pub records: u32,
    pub completed: u32,
    pub pending: u32,
    /// The first and last submission among the records.
    pub from: Option<String>,
    pub to: Option<String>,
    /// The top share the guide asks for, in percent (30).
    pub top_share_percent: f64,
    /// Fastest first.
    pub departments: Vec<DepartmentEfficiency>,
    pub templates: Vec<TemplateEfficiency>,
    /// The slowest approvers over all records.
    pub slowest_approvers: Vec<ApproverTiming>,
}

/// The `p`-th quantile (0–1) of sorted values, interpolated between neighbours (as Excel's
/// PERCENTILE.INC and the usual median).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = p * (sorted.len() - 1) as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo as f64)
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn timing(mut hours: Vec<f64>) -> Timing {
    hours.sort_by(f64::total_cmp);
    Timing {
        count: hours.len() as u32,
        median_hours: round2(quantile(&hours, 0.5)),
        p90_hours: round2(quantile(&hours, 0.9)),
    }
}

fn split_approvers(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', '，', '、', ';', '；', '|', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn slowest(
    by: HashMap<String, Vec<f64>>,
    members: &HashMap<String, String>,
    n: usize,
) -> Vec<ApproverTiming> {
    let mut out: Vec<ApproverTiming> = by
        .into_iter()
        .map(|(approver, hours)| ApproverTiming {
            userid: members.get(&approver.to_lowercase()).cloned(),
            approver,
            timing: timing(hours),
        })
        .collect();
    out.sort_by(|a, b| {
        b.timing
            .median_hours
            .total_cmp(&a.timing.median_hours)
            .then_with(|| a.approver.cmp(&b.approver))
    });
    out.truncate(n);
    out
}

/// Efficiency over the records submitted between `from` and `to` (dates, inclusive).
pub(crate) fn efficiency(
    conn: &Connection,
    from: Option<&str>,
    to: Option<&str>,
    lang: Lang,
) -> Result<Efficiency> {
    let rules = rules();
    // Accounts and names (when unique) of members, for approvers named in the file.
    let mut members: HashMap<String, String> = HashMap::new();
    let mut names: HashMap<String, Vec<String>> = HashMap::new();
    {
        let mut stmt = conn.prepare("SELECT userid, name FROM members")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (u, n): (String, String) = (r.get(0)?, r.get(1)?);
            members.insert(u.to_lowercase(), u.clone());
            names.entry(n.to_lowercase()).or_default().push(u);
        }
    }
    for (n, us) in names {
        if let [one] = us.as_slice() {
            members.entry(n).or_insert_with(|| one.clone());
        }
    }
    let mut stmt = conn.prepare(
        "SELECT template, coalesce(department, ''), submitted_at, finished_at, status, approvers
         FROM approval_records
         WHERE (?1 IS NULL OR substr(submitted_at, 1, 10) >= ?1)
           AND (?2 IS NULL OR substr(submitted_at, 1, 10) <= ?2)",
    )?;
    let mut rows = stmt.query(rusqlite::params![from, to])?;
    let mut out = Efficiency {
        records: 0,
        completed: 0,
        pending: 0,
        from: None,
        to: None,
        top_share_percent: rules.top_share_percent,
        departments: Vec::new(),
        templates: Vec::new(),
        slowest_approvers: Vec::new(),
    };
    let mut by_dept: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut pending_by_dept: BTreeMap<String, u32> = BTreeMap::new();
    let mut by_template: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut approvers_by_dept: HashMap<String, HashMap<String, Vec<f64>>> = HashMap::new();
    let mut approvers: HashMap<String, Vec<f64>> = HashMap::new();
    while let Some(r) = rows.next()? {
        let (template, dept, submitted, finished, status, named): (
            String,
            String,
            String,
            Option<String>,
            String,
            Option<String>,
        ) = (
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
        );
        out.records += 1;
        let day = submitted.chars().take(10).collect::<String>();
        if out.from.as_ref().is_none_or(|f| &day < f) {
            out.from = Some(day.clone());
        }
        if out.to.as_ref().is_none_or(|t| &day > t) {
            out.to = Some(day);
        }
        let dept = if dept.is_empty() {
            t(lang, "approvals.no_department", &[])
        } else {
            dept
        };
        if status == "pending" {
            out.pending += 1;
            *pending_by_dept.entry(dept).or_default() += 1;
            continue;
        }
        if status == "withdrawn" {
            continue;
        }
        let (Some(s), Some(f)) = (
            parse_datetime(&submitted),
            finished.as_deref().and_then(parse_datetime),
        ) else {
            continue;
        };
        let hours = (f - s).as_seconds_f64() / 3600.0;
        out.completed += 1;
        by_dept.entry(dept.clone()).or_default().push(hours);
        by_template.entry(template).or_default().push(hours);
        for a in named.as_deref().map(split_approvers).into_iter().flatten() {
            approvers.entry(a.to_string()).or_default().push(hours);
            approvers_by_dept
                .entry(dept.clone())
                .or_default()
                .entry(a.to_string())
                .or_default()
                .push(hours);
        }
    }
    let mut departments: Vec<DepartmentEfficiency> = by_dept
        .into_iter()
        .map(|(department, hours)| DepartmentEfficiency {
            pending: pending_by_dept.remove(&department).unwrap_or(0),
            slowest_approvers: slowest(
                approvers_by_dept.remove(&department).unwrap_or_default(),
                &members,
                rules.slowest_approvers,
            ),
            department,
            timing: timing(hours),
            rank: 0,
            percentile: 0.0,
            top30: false,
            remedy: None,
        })
        .collect();
    departments.sort_by(|a, b| {
        a.timing
            .median_hours
            .total_cmp(&b.timing.median_hours)
            .then_with(|| a.department.cmp(&b.department))
    });
    let n = departments.len() as f64;
    let medians: Vec<f64> = departments.iter().map(|d| d.timing.median_hours).collect();
    for d in &mut departments {
        let faster = medians
            .iter()
            .filter(|m| **m < d.timing.median_hours)
            .count();
        d.rank = faster as u32 + 1;
        d.percentile = round2(faster as f64 * 100.0 / n);
        d.top30 = d.percentile < rules.top_share_percent;
        if !d.top30 {
            d.remedy = Some(rules.remedy.get(lang).to_string());
        }
    }
    out.departments = departments;
    out.templates = by_template
        .into_iter()
        .map(|(template, hours)| TemplateEfficiency {
            template,
            timing: timing(hours),
        })
        .collect();
    out.slowest_approvers = slowest(approvers, &members, rules.slowest_approvers);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_excel() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.5), 2.5);
        assert!((quantile(&v, 0.9) - 3.7).abs() < 1e-9);
        assert_eq!(quantile(&[5.0], 0.9), 5.0);
    }

    #[test]
    fn date_times_in_the_shapes_exports_write() {
        for (text, want) in [
            ("2026-10-01 09:15", "2026-10-01 09:15:00"),
            ("2026/10/1 9:15:30", "2026-10-01 09:15:30"),
            ("2026年10月1日 09:15", "2026-10-01 09:15:00"),
            ("2026-10-01T09:15:00Z", "2026-10-01 09:15:00"),
            ("2026-10-01", "2026-10-01 00:00:00"),
        ] {
            assert_eq!(
                datetime_of(&Data::String(text.into())).as_deref(),
                Some(want),
                "{text}"
            );
        }
        assert_eq!(datetime_of(&Data::String("昨天".into())), None);
        assert_eq!(datetime_of(&Data::String("2026-10-01 25:00".into())), None);
        // 2026-10-01 12:00 as an Excel serial.
        assert_eq!(
            datetime_of(&Data::Float(46296.5)).as_deref(),
            Some("2026-10-01 12:00:00")
        );
    }

    #[test]
    fn statuses_in_either_language() {
        for (w, s) in [
            ("已通过", "approved"),
            ("审批通过", "approved"),
            ("已拒绝", "rejected"),
            ("审批中", "pending"),
            ("已撤销", "withdrawn"),
            ("Approved", "approved"),
        ] {
            assert_eq!(status_of(w), Some(s), "{w}");
        }
        assert_eq!(status_of("maybe"), None);
    }
}
