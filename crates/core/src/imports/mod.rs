//! Member import from real Excel and CSV files: read → find the header → clean → validate →
//! preview → commit in one transaction (or not at all) → roll back as a batch.
//!
//! Each step reports problems per spreadsheet row and column, with a stable code and a message
//! that says how to fix it. Nothing is written until [`commit`]; a failed or cancelled commit
//! leaves the workspace as it was.

pub mod activity;
pub mod approval_records;
mod clean;
pub mod customers;
pub mod department_ids;
pub mod guard;
pub mod header;
mod issue;
pub mod leavers;
mod matching;
mod plan;
mod preview;
pub mod read;
mod session;
mod stream;
pub(crate) mod table;
mod workbook;
mod writer;

use crate::error::{Error, ErrorCode, Result};
use crate::history::{Action, ActionState, Db, Source};
use crate::i18n::Lang;
use crate::progress::Progress;
use header::{Column, Field};
use read::{Sheet, Workbook};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

pub(crate) use clean::date_of_cell;
pub use plan::{Outcome, Plan, RowAction};
pub use preview::{PreviewAction, PreviewPage, PreviewRow, RowCounts, RowFilter};
pub use session::ImportSession;
pub(crate) use workbook::write_error_workbook;

/// How many rows from the top are searched for the header row.
/// A row of a small import (leavers, approval records) that cannot be imported: where, a
/// stable code, and what to do.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct SheetProblem {
    pub sheet: String,
    pub row: u32,
    pub code: String,
    pub message: String,
}

pub const HEADER_SCAN_ROWS: usize = 30;

/// What the user chose (or the CLI was given) on top of detection.
#[derive(Debug, Clone, Default, Deserialize, Serialize, specta::Type)]
#[serde(default)]
pub struct ImportOptions {
    /// Use this sheet instead of the first one with a header.
    pub sheet: Option<String>,
    /// The header's row number as the spreadsheet shows it (CSV: line number).
    pub header_row: Option<u32>,
    /// Header text → field code (`name`, `mobile`, … or `ignore`), overriding detection.
    pub mapping: BTreeMap<String, String>,
    /// Write the valid rows even when others are invalid.
    pub skip_invalid: bool,
    /// A department file (`部门名称, 部门ID, 父部门ID`) for member files whose department column
    /// holds numeric ids (WeCom batch sync CSV). Its departments are all created.
    pub departments_file: Option<String>,
}

/// A problem or a clean-up, tied to a row and a column of the file.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct RowIssue {
    pub row: u32,
    /// The column's header (shared by every issue of the column: a report may hold 100,000).
    pub column: std::sync::Arc<str>,
    pub code: &'static str,
    pub message: String,
}

/// The problems or the clean-ups of an import, each put into words only when it is read or
/// serialised: a million-row import's notes are not all held as text at once.
#[derive(Debug, Clone, Default)]
pub struct RowIssues {
    issues: std::sync::Arc<Vec<issue::Issue>>,
    /// The plan's column headers, as issues name them.
    headers: std::sync::Arc<[std::sync::Arc<str>]>,
    lang: Lang,
}

impl RowIssues {
    pub fn len(&self) -> usize {
        self.issues.len()
    }

    pub fn is_empty(&self) -> bool {
        self.issues.is_empty()
    }

    /// The issues in row order, in words.
    pub fn iter(&self) -> impl Iterator<Item = RowIssue> + '_ {
        self.issues
            .iter()
            .map(|i| i.render(self.lang, &self.headers))
    }

    pub fn to_vec(&self) -> Vec<RowIssue> {
        self.iter().collect()
    }
}

impl Serialize for RowIssues {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, specta::Type)]
pub struct Created {
    pub members: u32,
    pub departments: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, specta::Type)]
pub struct Updated {
    pub members: u32,
}

/// A column as detected and mapped.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ImportColumn {
    pub index: u32,
    pub header: String,
    /// Field code, or null for a column that is not imported.
    pub field: Option<String>,
}

/// The outcome of an import, dry run or preview (`orgdesk import members --json`).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ImportReport {
    pub file: String,
    pub format: String,
    /// CSV only: the text encoding that was detected.
    pub encoding: Option<String>,
    pub sheet: String,
    pub sheets: Vec<String>,
    pub header_row: u32,
    /// Header → field code, for the mapped columns.
    pub mapping: BTreeMap<String, String>,
    pub columns: Vec<ImportColumn>,
    pub rows: u32,
    pub valid: u32,
    pub invalid: u32,
    pub created: Created,
    pub updated: Updated,
    /// Rows that match a member and change nothing.
    pub unchanged: u32,
    #[specta(type = Vec<RowIssue>)]
    pub warnings: RowIssues,
    #[specta(type = Vec<RowIssue>)]
    pub errors: RowIssues,
    pub committed: bool,
    /// The batch (audit entry) of a committed import, for rollback.
    pub batch: Option<i64>,
}

/// What the import wizard shows before anything is written.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ImportPreview {
    /// Counts and mapping; its `warnings` and `errors` are empty (they are in `rows`).
    pub report: ImportReport,
    pub warning_count: u32,
    pub error_count: u32,
    /// Field codes of the mapped columns, in the order of each row's `values`.
    pub fields: Vec<String>,
    /// How many rows each filter of the preview table shows (its rows come a page at a time:
    /// `Plan::preview_page`).
    pub counts: RowCounts,
    /// Department paths the import will create.
    pub new_departments: Vec<String>,
}

impl Plan {
    /// The wizard's view of this plan.
    pub fn preview_data(&self, lang: Lang) -> ImportPreview {
        let mut report = self.report(lang, Outcome::DryRun);
        let (warning_count, error_count) =
            (report.warnings.len() as u32, report.errors.len() as u32);
        report.warnings = RowIssues::default();
        report.errors = RowIssues::default();
        ImportPreview {
            report,
            warning_count,
            error_count,
            fields: self
                .columns
                .iter()
                .filter_map(|c| c.field.map(Field::code))
                .collect(),
            counts: self.row_counts(),
            new_departments: self.new_departments.clone(),
        }
    }
}

/// The field codes a column can be mapped to, for the wizard's mapping step.
pub fn field_choices() -> Vec<String> {
    let mut codes: Vec<String> = Field::codes()
        .into_iter()
        .filter(|c| !c.ends_with("_N"))
        .collect();
    codes.extend((1..=7).map(|n| Field::DepartmentLevel(n).code()));
    codes
}

/// A file that has been read, ready to be analysed against a workspace (again and again, as
/// the user changes the options).
pub(crate) struct ImportFile {
    pub name: String,
    workbook: Workbook,
    sheets: Vec<Option<Sheet>>,
}

fn unusable(key: &'static str, file: &str) -> Error {
    Error::new(ErrorCode::UnreadableFile, key).with("file", file)
}

impl ImportFile {
    /// Reads a file's bytes; `name` is how messages refer to it.
    pub fn read(bytes: Vec<u8>, name: &str) -> Result<ImportFile> {
        let workbook = Workbook::open(bytes, name)?;
        let sheets = (0..workbook.sheet_names.len()).map(|_| None).collect();
        Ok(ImportFile {
            name: name.to_string(),
            workbook,
            sheets,
        })
    }

    /// Reads a file from disk.
    pub fn open(path: &Path) -> Result<ImportFile> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = std::fs::read(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::new(ErrorCode::FileNotFound, "file_not_found").with("path", path.display())
            } else {
                crate::Error::io(path, &e)
            }
        })?;
        ImportFile::read(bytes, &name)
    }

    pub fn sheet_names(&self) -> &[String] {
        &self.workbook.sheet_names
    }

    fn sheet(&mut self, index: usize) -> Result<&Sheet> {
        if self.sheets[index].is_none() {
            self.sheets[index] = Some(self.workbook.sheet(index, &self.name)?);
        }
        Ok(self.sheets[index].as_ref().expect("loaded"))
    }

    /// The sheet the user asked for, if any.
    fn chosen_sheet(&self, options: &ImportOptions) -> Result<Option<usize>> {
        let Some(wanted) = &options.sheet else {
            return Ok(None);
        };
        let names = &self.workbook.sheet_names;
        let found = names.iter().position(|n| n == wanted.trim());
        found.map(Some).ok_or_else(|| {
            unusable("import_sheet_not_found", &self.name)
                .with("sheet", wanted)
                .with("sheets", names.join("、"))
        })
    }

    /// Finds the sheet and header row (or uses the ones given) and maps the columns.
    fn layout(&mut self, options: &ImportOptions) -> Result<(usize, usize, Vec<Column>)> {
        let names = self.workbook.sheet_names.clone();
        let candidates: Vec<usize> = match self.chosen_sheet(options)? {
            Some(i) => vec![i],
            None => (0..names.len()).collect(),
        };
        for &index in &candidates {
            let sheet = self.sheet(index)?;
            match header_of(sheet, options) {
                Ok(Some((row, columns))) => return Ok((index, row, columns)),
                Ok(None) => {}
                Err(n) => {
                    return Err(unusable("import_header_row_invalid", &self.name)
                        .with("row", n)
                        .with("sheet", &names[index]))
                }
            }
        }
        Err(unusable("import_no_header", &self.name)
            .with(
                "sheets",
                candidates
                    .iter()
                    .map(|&i| names[i].as_str())
                    .collect::<Vec<_>>()
                    .join("、"),
            )
            .with("scan", HEADER_SCAN_ROWS))
    }

    /// The columns of the row `options.header_row` of the chosen (or first) sheet, mapped as far
    /// as they are recognised: what the wizard offers for mapping by hand.
    pub fn columns_at(&mut self, options: &ImportOptions) -> Result<Vec<ImportColumn>> {
        let index = self.chosen_sheet(options)?.unwrap_or(0);
        let sheet = self.sheet(index)?;
        let row = options
            .header_row
            .and_then(|n| sheet.row_for_display(n))
            .unwrap_or(0);
        let cells = sheet.rows().nth(row).unwrap_or(&[]);
        Ok(header::map_columns(cells, &options.mapping)
            .into_iter()
            .map(|c| ImportColumn {
                index: c.index as u32,
                header: c.header,
                field: c.field.map(Field::code),
            })
            .collect())
    }

    /// Reads, cleans and validates every row against the workspace without writing anything.
    pub(crate) fn plan(&mut self, conn: &Connection, options: &ImportOptions) -> Result<Plan> {
        let ids = checked_options(options)?;
        self.plan_with(conn, options, ids.as_ref())
    }

    /// [`ImportFile::plan`] with the options' department file already read.
    fn plan_with(
        &mut self,
        conn: &Connection,
        options: &ImportOptions,
        ids: Option<&department_ids::DepartmentIds>,
    ) -> Result<Plan> {
        let (index, header_row, columns) = self.layout(options)?;
        let file = self.name.clone();
        let sheet = self.sheet(index)?;
        let plan = matching::analyse(conn, sheet, header_row, columns, ids)?;
        if plan.rows.is_empty() {
            return Err(unusable("import_no_data", &file)
                .with("sheet", &sheet.name)
                .with("row", sheet.display_row(header_row)));
        }
        Ok(self.about(plan))
    }

    /// `plan` with what it says about the file filled in.
    fn about(&self, plan: Plan) -> Plan {
        Plan {
            file: self.name.clone(),
            format: self.workbook.format.as_str(),
            encoding: self.workbook.encoding,
            sheets: self.workbook.sheet_names.clone(),
            ..plan
        }
    }
}

/// Checks the mapping the user gave, and reads the department file if one is given.
fn checked_options(options: &ImportOptions) -> Result<Option<department_ids::DepartmentIds>> {
    for (header, code) in &options.mapping {
        if code != "ignore" && Field::parse(code).is_none() {
            return Err(Error::new(ErrorCode::InvalidArgument, "import_bad_mapping")
                .with("value", format!("{header}={code}"))
                .with("fields", Field::codes().join(", ")));
        }
    }
    options
        .departments_file
        .as_deref()
        .map(|p| department_ids::DepartmentIds::open(Path::new(p)))
        .transpose()
}

/// The header of `sheet` (grid row, columns), as the user gave it or as found in its first
/// rows; None when there is none. Err(row): the row the user gave is not a header.
fn header_of(
    sheet: &Sheet,
    options: &ImportOptions,
) -> std::result::Result<Option<(usize, Vec<Column>)>, u32> {
    let Some(n) = options.header_row else {
        return Ok(header::find_header(
            sheet,
            &options.mapping,
            HEADER_SCAN_ROWS,
        ));
    };
    let Some(row) = sheet.row_for_display(n) else {
        return Err(n);
    };
    let cells = sheet.rows().nth(row).unwrap_or(&[]);
    let columns = header::map_columns(cells, &options.mapping);
    if !columns
        .iter()
        .any(|c| c.field == Some(Field::Member(crate::members::FieldKey::Name)))
    {
        return Err(n);
    }
    Ok(Some((row, columns)))
}

/// Writes a plan: all of its valid rows in one transaction recorded as one undoable batch, or
/// nothing when it is refused (see [`Plan::refused`]) or changes nothing.
pub(crate) fn commit(
    db: &mut Db,
    plan: &Plan,
    skip_invalid: bool,
    progress: &dyn Progress,
) -> Result<Outcome> {
    if plan.refused(skip_invalid) {
        return Ok(Outcome::Refused);
    }
    if !plan.writes() {
        return Ok(Outcome::Committed(None));
    }
    let (_, batch) = db.record_bulk(Action::Import, |tx, recorder| {
        writer::write(tx, recorder, plan, progress)
    })?;
    Ok(Outcome::Committed(batch))
}

/// The whole pipeline for one file, as the CLI runs it.
pub(crate) fn run(
    db: &mut Db,
    mut file: ImportFile,
    options: &ImportOptions,
    dry_run: bool,
    lang: Lang,
    progress: &dyn Progress,
) -> Result<(ImportReport, Plan)> {
    // An .xlsx file is written while it is read, unless it needs to be read whole first.
    let ids = checked_options(options)?;
    if let Some((plan, outcome)) =
        stream::run(db, &mut file, options, ids.as_ref(), dry_run, progress)?
    {
        return Ok((plan.report(lang, outcome), plan));
    }
    let plan = file.plan_with(db.conn(), options, ids.as_ref())?;
    drop(file); // the cells are no longer needed: free them before writing
    let outcome = if dry_run {
        Outcome::DryRun
    } else {
        commit(db, &plan, options.skip_invalid, progress)?
    };
    let report = plan.report(lang, outcome);
    Ok((report, plan))
}

/// A committed import, as listed by `orgdesk imports list`.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ImportBatch {
    pub batch: i64,
    pub at: String,
    pub source: Source,
    pub file: String,
    pub sheet: String,
    pub rows: u32,
    pub created: Created,
    pub updated: Updated,
    /// `done`, `undone` (by undo), `rolled_back`, or `discarded` (undone, then replaced by a
    /// newer action).
    pub state: ActionState,
}

/// Every committed import, newest first (from the audit log).
pub(crate) fn batches(db: &Db) -> Result<Vec<ImportBatch>> {
    Ok(db
        .log(Some(Action::Import), None)?
        .into_iter()
        .map(|entry| {
            let after = entry.after.unwrap_or_default();
            let n = |k: &str| after[k].as_u64().unwrap_or(0) as u32;
            ImportBatch {
                batch: entry.id,
                at: entry.at,
                source: entry.source,
                file: after["file"].as_str().unwrap_or_default().to_string(),
                sheet: after["sheet"].as_str().unwrap_or_default().to_string(),
                rows: n("rows"),
                created: Created {
                    members: n("created_members"),
                    departments: n("created_departments"),
                },
                updated: Updated {
                    members: n("updated_members"),
                },
                state: entry.state.unwrap_or(ActionState::Done),
            }
        })
        .collect())
}

/// Undoes a whole import batch, even when other actions came after it, as long as they did not
/// touch what the import wrote.
pub(crate) fn rollback(db: &mut Db, batch: i64) -> Result<ImportBatch> {
    let known = batches(db)?
        .into_iter()
        .find(|b| b.batch == batch && b.state == ActionState::Done);
    let Some(found) = known else {
        return Err(
            Error::new(ErrorCode::BatchNotFound, "import_batch_not_found").with("batch", batch),
        );
    };
    db.rollback(batch)?;
    Ok(ImportBatch {
        state: ActionState::RolledBack,
        ..found
    })
}
