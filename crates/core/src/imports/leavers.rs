//! A leavers sheet (guide §3): who leaves (account or mobile), when (离职日期), and who takes over
//! (交接人). Read like the other imports (headers as data, row problems with codes); written in
//! one undoable action, all rows or none unless the invalid ones are skipped.

use super::header::{cell_text, normalize};
use super::read::Workbook;
use super::SheetProblem;
use crate::error::{Error, ErrorCode, Result};
use crate::history::{Change, Decision, Tx};
use crate::i18n::Lang;
use crate::lifecycle::offboard;
use rusqlite::OptionalExtension;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

const COLUMNS: [&str; 5] = ["userid", "mobile", "name", "date", "successor"];

fn column_of(header: &str) -> Option<&'static str> {
    static ALIASES: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    ALIASES
        .get_or_init(|| {
            super::header::column_aliases(
                include_str!("../../../../assets/imports/leaver-headers.json"),
                &COLUMNS,
                "leaver-headers.json",
            )
        })
        .get(&normalize(header))
        .copied()
}

/// One row of a leavers sheet.
#[derive(Debug, Clone)]
pub(crate) struct LeaverRow {
    sheet: String,
    row: u32,
    userid: Option<String>,
    mobile: Option<String>,
    date: String,
    successor: Option<String>,
}

/// What a leavers import read and did.
#[derive(Debug, Clone, Default, Serialize, specta::Type)]
pub struct LeaversImport {
    pub rows: u32,
    /// Accounts offboarded (or, in a dry run, that would be).
    pub offboarded: Vec<String>,
    pub problems: Vec<SheetProblem>,
    pub committed: bool,
}

/// Reads the leavers of every sheet whose header has a leaving date and an account or mobile.
pub(crate) fn read(bytes: Vec<u8>, name: &str) -> Result<Vec<LeaverRow>> {
    let mut book = Workbook::open(bytes, name)?;
    let mut out = Vec::new();
    let mut found = false;
    for index in 0..book.sheet_names.len() {
        let sheet = book.sheet(index, name)?;
        let Some((header, cols)) = super::header::find_small_header(&sheet, column_of, |cols| {
            let has = |f: &str| cols.iter().any(|(_, c)| *c == f);
            has("date") && (has("userid") || has("mobile"))
        }) else {
            continue;
        };
        found = true;
        for (i, row) in sheet.rows().enumerate().skip(header + 1) {
            let mut v: BTreeMap<&str, String> = BTreeMap::new();
            for (c, f) in &cols {
                let text = row
                    .get(*c)
                    .map(|cell| match *f {
                        "date" => super::date_of_cell(cell).unwrap_or_else(|| cell_text(cell)),
                        _ => cell_text(cell),
                    })
                    .unwrap_or_default();
                let text = text.trim().to_string();
                if !text.is_empty() {
                    v.insert(f, text);
                }
            }
            if v.is_empty() {
                continue;
            }
            out.push(LeaverRow {
                sheet: sheet.name.clone(),
                row: sheet.display_row(i),
                userid: v.get("userid").cloned(),
                mobile: v.get("mobile").cloned(),
                date: v.get("date").cloned().unwrap_or_default(),
                successor: v.get("successor").cloned(),
            });
        }
    }
    if !found {
        return Err(Error::new(ErrorCode::UnreadableFile, "leavers_no_header").with("file", name));
    }
    Ok(out)
}

/// The account of the member a row names, by account, else by mobile.
fn who(tx: &Tx, r: &LeaverRow) -> Result<String> {
    if let Some(u) = &r.userid {
        let found: Option<String> = tx
            .query_row(
                "SELECT userid FROM members WHERE userid = ?1",
                [u.trim()],
                |x| x.get(0),
            )
            .optional()?;
        if let Some(u) = found {
            return Ok(u);
        }
    }
    if let Some(m) = &r.mobile {
        let digits: String = m.chars().filter(char::is_ascii_digit).collect();
        let digits = digits
            .strip_prefix("86")
            .filter(|d| d.len() == 11)
            .unwrap_or(&digits);
        let found: Option<String> = tx
            .query_row(
                "SELECT userid FROM members WHERE mobile = ?1",
                [digits],
                |x| x.get(0),
            )
            .optional()?;
        if let Some(u) = found {
            return Ok(u);
        }
    }
    let given = r.userid.clone().or(r.mobile.clone()).unwrap_or_default();
    Err(Error::new(ErrorCode::MemberNotFound, "member_not_found").with("userid", given))
}

/// Offboards every row; rolls back (returning the report) when a row fails and invalid rows are
/// not skipped, when nothing would be written, or in a dry run.
pub(crate) fn write(
    tx: &Tx,
    rows: &[LeaverRow],
    skip_invalid: bool,
    dry_run: bool,
    lang: Lang,
) -> Result<Decision<LeaversImport, LeaversImport>> {
    let mut report = LeaversImport {
        rows: rows.len() as u32,
        ..Default::default()
    };
    for r in rows {
        let done = who(tx, r).and_then(|u| {
            offboard(tx, &u, &r.date, r.successor.as_deref(), lang).map(|c| c.value.userid)
        });
        match done {
            Ok(u) => report.offboarded.push(u),
            Err(e) => report.problems.push(SheetProblem {
                sheet: r.sheet.clone(),
                row: r.row,
                code: e.key.to_string(),
                message: e.message(lang),
            }),
        }
    }
    if dry_run || report.offboarded.is_empty() || (!report.problems.is_empty() && !skip_invalid) {
        return Ok(Decision::RollBack(report));
    }
    report.committed = true;
    let after = serde_json::json!({ "offboarded": report.offboarded });
    Ok(Decision::Commit(Change::after(
        report,
        "leavers",
        Some(after),
    )))
}
