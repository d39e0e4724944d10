//! Approval records as the consoles export them (审批编号, 模板, 申请人, 申请人部门, 提交时间,
//! 完成时间, 状态, optionally 审批人): headers as data, row problems with codes, written in one
//! undoable action, all rows or none unless the invalid ones are skipped; a record whose number
//! is already there is replaced. `approvals::records` computes the efficiency from them.

use super::header::{cell_text, column_aliases, find_small_header, normalize};
use super::read::Workbook;
use super::SheetProblem;
use crate::error::{Error, ErrorCode, Result};
use crate::history::{Change, Decision, Tx};
use crate::i18n::Lang;
use crate::org::departments::Tree;
use calamine::Data;
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

/// One record as read, before it is checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct RecordRow {
    sheet: String,
    row: u32,
    values: BTreeMap<&'static str, String>,
}

/// What an approval records import read and did.
#[derive(Debug, Clone, Default, Serialize, specta::Type)]
pub struct RecordsImport {
    pub rows: u32,
    /// Records new to the workspace.
    pub added: u32,
    /// Records already there (same number), replaced by the file's.
    pub replaced: u32,
    pub problems: Vec<SheetProblem>,
    pub committed: bool,
}

/// A date-time cell as `YYYY-MM-DD HH:MM:SS`: an Excel date, or text such as
/// `2026-10-01 09:15`, `2026/10/1 9:15:30`, `2026年10月1日 09:15`.
pub(crate) fn datetime_of(cell: &Data) -> Option<String> {
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
    datetime_text(&cell_text(cell))
}

/// [`datetime_of`] for text.
pub(crate) fn datetime_text(text: &str) -> Option<String> {
    if let Some(plain) = plain_datetime(text) {
        return Some(plain);
    }
    let text = crate::validate::half_width(text);
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

/// `YYYY-MM-DD HH:MM[:SS]` (or with a `T`), as programs write it: the common case of
/// [`datetime_text`], read without copies (a million orders have a million of them).
fn plain_datetime(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let num = |at: usize, len: usize| -> Option<u32> {
        b.get(at..at + len)?.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let seconds = match b.len() {
        16 => None,
        19 if b[16] == b':' => Some(num(17, 2)?),
        _ => return None,
    };
    if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b' ' | b'T') || b[13] != b':' {
        return None;
    }
    let (y, m, d, h, min) = (num(0, 4)?, num(5, 2)?, num(8, 2)?, num(11, 2)?, num(14, 2)?);
    let month = time::Month::try_from(u8::try_from(m).ok()?).ok()?;
    time::Date::from_calendar_date(y as i32, month, d as u8).ok()?;
    if !(1900..=2200).contains(&y) || h > 23 || min > 59 || seconds.unwrap_or(0) > 59 {
        return None;
    }
    let mut out = String::with_capacity(19);
    out.push_str(&text[..10]);
    out.push(' ');
    out.push_str(&text[11..16]);
    out.push_str(if seconds.is_some() {
        &text[16..]
    } else {
        ":00"
    });
    Some(out)
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
                report.problems.push(SheetProblem {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_plain_shape_reads_as_the_general_path_does() {
        for text in [
            "2026-10-01 09:15",
            "2026-10-01T09:15:59",
            "2026-02-29 10:00",
            "2028-02-29 10:00:00",
            "2026-10-01 24:00",
            "2026-10-01 09:60:00",
            "2026-10-01 09:15:61",
            "1899-12-31 00:00",
            "2026-13-01 00:00",
            "2026-10-01 09:15:0x",
            "2026/10/01 09:15",
        ] {
            let general = {
                let slow = text.replace('T', " ");
                let (d, t) = slow.split_once(' ').unwrap();
                crate::validate::normalize_date(d).and_then(|d| {
                    let p: Vec<u8> = t.split(':').map(|p| p.parse().unwrap_or(99)).collect();
                    let (h, m, s) = (p[0], p[1], p.get(2).copied().unwrap_or(0));
                    (h <= 23 && m <= 59 && s <= 59).then(|| format!("{d} {h:02}:{m:02}:{s:02}"))
                })
            };
            assert_eq!(datetime_text(text), general, "{text}");
            if text.starts_with("2026-10-01") && general.is_some() {
                assert!(plain_datetime(text).is_some(), "{text}");
            }
            if let Some(plain) = plain_datetime(text) {
                assert_eq!(Some(plain), general, "{text}");
            }
        }
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
