//! Rows: cleaning, validation, matching against the workspace, and the one-transaction commit.

use super::department_ids::DepartmentIds;
use super::header::{cell_text, Column, Field};
use super::read::Sheet;
use super::{Created, ImportColumn, ImportReport, Progress, RowIssue, Updated};
use crate::error::{Error, ErrorCode, Result};
use crate::exports::safe::unneutralise;
use crate::history::{self, Change, Source};
use crate::i18n::{t_fields, Lang};
use crate::members::{self, userid, Gender, Member, MemberQuery};
use crate::org::departments::{self, Tree};
use crate::validate::{self, half_width, trimmed, TEXT_FIELD_MAX};
use crate::workspace::Workspace;
use calamine::{Data, ExcelDateTime, ExcelDateTimeType};
use rusqlite::{params, Connection};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Column index used for issues that concern the row as a whole.
pub const NO_COLUMN: u16 = u16::MAX;

/// A cleaning note or a problem, before it is put into words.
#[derive(Debug, Clone)]
pub struct Issue {
    pub row: u32,
    /// Index into the plan's columns, or [`NO_COLUMN`].
    pub column: u16,
    pub code: &'static str,
    /// Key under `errors.` (problems) or `import_warnings.` (clean-ups).
    key: &'static str,
    warning: bool,
    params: Vec<(&'static str, String)>,
}

impl Issue {
    fn error(row: u32, column: u16, e: Error) -> Issue {
        Issue {
            row,
            column,
            code: e.code.as_str(),
            key: e.key,
            warning: false,
            params: e.params,
        }
    }

    fn warning(
        row: u32,
        column: u16,
        code: &'static str,
        params: Vec<(&'static str, String)>,
    ) -> Issue {
        Issue {
            row,
            column,
            code,
            key: code,
            warning: true,
            params,
        }
    }

    /// Puts the issue into words; `headers` are the plan's [`Plan::headers`].
    pub fn render(&self, lang: Lang, headers: &[Arc<str>]) -> RowIssue {
        let section = if self.warning {
            "import_warnings"
        } else {
            "errors"
        };
        RowIssue {
            row: self.row,
            column: headers
                .get(self.column as usize)
                .cloned()
                .unwrap_or_else(|| Arc::from("")),
            code: self.code,
            message: t_fields(lang, &format!("{section}.{}", self.key), &self.params),
        }
    }
}

/// What committing will do with a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAction {
    Create,
    /// Update the member with this id.
    Update(i64),
    /// The row matches this member and changes nothing.
    Unchanged(i64),
    Invalid,
}

impl RowAction {
    pub fn as_str(self) -> &'static str {
        match self {
            RowAction::Create => "create",
            RowAction::Update(_) => "update",
            RowAction::Unchanged(_) => "unchanged",
            RowAction::Invalid => "invalid",
        }
    }
}

/// Cleaned values of one row; `None` means the file gives no value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values {
    pub userid: Option<String>,
    pub name: Option<String>,
    pub alias: Option<String>,
    pub position: Option<String>,
    pub gender: Option<Gender>,
    pub mobile: Option<String>,
    pub telephone: Option<String>,
    pub email: Option<String>,
    pub biz_email: Option<String>,
    pub address: Option<String>,
    pub employee_no: Option<String>,
    pub join_date: Option<String>,
    pub employment_type: Option<String>,
    /// Full paths, the main department first (shared by the rows that name the same ones).
    pub departments: Arc<[String]>,
    /// Leader flags as the file gave them (`None`: no leader column or an empty cell).
    pub leader: Option<Vec<bool>>,
}

impl Values {
    /// The departments this row says the member leads: one flag per department, or a single
    /// flag for the main department. `None` when the file says nothing about leaders.
    pub fn leads(&self) -> Option<Vec<&str>> {
        let flags = self.leader.as_ref()?;
        Some(
            self.departments
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    if flags.len() == self.departments.len() {
                        flags[*i]
                    } else {
                        *i == 0 && flags.first() == Some(&true)
                    }
                })
                .map(|(_, d)| d.as_str())
                .collect(),
        )
    }

    /// The value shown for `field` in a preview.
    pub fn display(&self, field: Field) -> String {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        match field {
            Field::Name => s(&self.name),
            Field::Userid => s(&self.userid),
            Field::Alias => s(&self.alias),
            Field::Position => s(&self.position),
            Field::Gender => self
                .gender
                .map(|g| g.as_str().to_string())
                .unwrap_or_default(),
            Field::Mobile => s(&self.mobile),
            Field::Telephone => s(&self.telephone),
            Field::Email => s(&self.email),
            Field::BizEmail => s(&self.biz_email),
            Field::Address => s(&self.address),
            Field::EmployeeNo => s(&self.employee_no),
            Field::JoinDate => s(&self.join_date),
            Field::EmploymentType => s(&self.employment_type),
            Field::Leader => self.leads().map(|l| l.join(";")).unwrap_or_default(),
            Field::Department => self.departments.join(";"),
            Field::DepartmentLevel(n) => {
                let main = self.departments.first().map(String::as_str).unwrap_or("");
                main.split('/')
                    .nth(n as usize - 1)
                    .unwrap_or("")
                    .to_string()
            }
        }
    }
}

/// One data row of the file and what will happen to it.
#[derive(Debug, Clone)]
pub struct PlannedRow {
    /// Row number as the spreadsheet shows it (CSV: line).
    pub line: u32,
    /// A mobile or email was given but rejected (so "no contact" is not reported on top).
    contact_rejected: bool,
    pub values: Values,
    pub action: RowAction,
    /// The cells as read, kept for invalid rows (the error workbook).
    pub raw: Option<Vec<Data>>,
}

/// Everything an import will do, computed without writing.
#[derive(Debug)]
pub struct Plan {
    pub file: String,
    pub format: &'static str,
    pub encoding: Option<&'static str>,
    pub sheets: Vec<String>,
    pub sheet: String,
    /// Header row number as the spreadsheet shows it.
    pub header_row: u32,
    pub columns: Vec<Column>,
    pub header_cells: Vec<Data>,
    pub rows: Vec<PlannedRow>,
    pub warnings: Vec<Issue>,
    pub errors: Vec<Issue>,
    /// Department paths that will be created (for the valid rows), parents first.
    pub new_departments: Vec<String>,
}

impl Plan {
    pub fn invalid(&self) -> u32 {
        self.rows
            .iter()
            .filter(|r| r.action == RowAction::Invalid)
            .count() as u32
    }

    fn count(&self, f: impl Fn(RowAction) -> bool) -> u32 {
        self.rows.iter().filter(|r| f(r.action)).count() as u32
    }

    /// The report of this plan: `batch` when it was committed, the planned numbers for a dry run,
    /// zero created/updated when it was refused.
    /// The headers of the columns, as issues name them.
    pub fn headers(&self) -> Vec<Arc<str>> {
        self.columns
            .iter()
            .map(|c| Arc::from(c.header.as_str()))
            .collect()
    }

    pub fn report(&self, lang: Lang, outcome: Outcome) -> ImportReport {
        use rayon::prelude::*;
        let headers = self.headers();
        let render = |issues: &[Issue]| {
            issues
                .par_iter()
                .map(|i| i.render(lang, &headers))
                .collect()
        };
        self.report_with((render(&self.warnings), render(&self.errors)), outcome)
    }

    /// The warnings and errors put into words, one after the other (for a thread of its own).
    pub(crate) fn issues(&self, lang: Lang) -> Rendered {
        let headers = self.headers();
        let render = |issues: &[Issue]| issues.iter().map(|i| i.render(lang, &headers)).collect();
        (render(&self.warnings), render(&self.errors))
    }

    /// [`Plan::report`] with the warnings and errors already put into words.
    pub(crate) fn report_with(
        &self,
        (warnings, errors): Rendered,
        outcome: Outcome,
    ) -> ImportReport {
        let (created, updated) = match outcome {
            Outcome::Refused => (Created::default(), Updated::default()),
            _ => (
                Created {
                    members: self.count(|a| a == RowAction::Create),
                    departments: self.new_departments.len() as u32,
                },
                Updated {
                    members: self.count(|a| matches!(a, RowAction::Update(_))),
                },
            ),
        };
        let columns: Vec<ImportColumn> = self
            .columns
            .iter()
            .map(|c| ImportColumn {
                index: c.index as u32,
                header: c.header.clone(),
                field: c.field.map(Field::code),
            })
            .collect();
        ImportReport {
            file: self.file.clone(),
            format: self.format.to_string(),
            encoding: self.encoding.map(str::to_string),
            sheet: self.sheet.clone(),
            sheets: self.sheets.clone(),
            header_row: self.header_row,
            mapping: self
                .columns
                .iter()
                .filter_map(|c| Some((c.header.clone(), c.field?.code())))
                .collect(),
            columns,
            rows: self.rows.len() as u32,
            valid: self.rows.len() as u32 - self.invalid(),
            invalid: self.invalid(),
            created,
            updated,
            unchanged: self.count(|a| matches!(a, RowAction::Unchanged(_))),
            warnings,
            errors,
            committed: matches!(outcome, Outcome::Committed(_)),
            batch: match outcome {
                Outcome::Committed(b) => b,
                _ => None,
            },
        }
    }
}

/// A plan's warnings and errors, put into words.
pub(crate) type Rendered = (Vec<RowIssue>, Vec<RowIssue>);

/// What became of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    DryRun,
    /// Invalid rows and no permission to skip them: nothing written.
    Refused,
    /// Written; the batch is None when there was nothing to change.
    Committed(Option<i64>),
}

/// The members already in the workspace, indexed the ways a row can match them.
struct Existing {
    members: Vec<Member>,
    by_userid: HashMap<String, usize>,
    by_mobile: HashMap<String, usize>,
    by_email: HashMap<String, usize>,
}

impl Existing {
    fn load(conn: &Connection) -> Result<Existing> {
        let members = members::list(conn, &MemberQuery::default())?;
        let mut e = Existing {
            by_userid: HashMap::default(),
            by_mobile: HashMap::default(),
            by_email: HashMap::default(),
            members,
        };
        for (i, m) in e.members.iter().enumerate() {
            e.by_userid.insert(m.userid.to_lowercase(), i);
            if let Some(x) = &m.mobile {
                e.by_mobile.insert(x.clone(), i);
            }
            if let Some(x) = &m.email {
                e.by_email.insert(x.to_lowercase(), i);
            }
        }
        Ok(e)
    }
}

/// Text of a data cell; numbers without a fraction print as integers (mobiles stored as numbers).
fn raw_text(cell: &Data) -> Option<Cow<'_, str>> {
    let text = match cell {
        Data::Empty | Data::Error(_) => return None,
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
            return Some(Cow::Owned(format!("{}", *f as i64)))
        }
        // A `'` that another tool (or our CSV export) put before `=`, `+`, `-`, `@` so that
        // spreadsheets do not run the value as a formula is not part of the value.
        Data::String(s) => Cow::Borrowed(unneutralise(s)),
        other => Cow::Owned(unneutralise(&cell_text(other)).to_string()),
    };
    (!text.is_empty()).then_some(text)
}

/// Whether `text` has a character the half-width conversions change (full-width ASCII forms
/// and the ideographic space): most cells have none and are not copied again.
fn has_full_width(text: &str) -> bool {
    text.contains(|c: char| c == '\u{3000}' || ('\u{FF01}'..='\u{FF5E}').contains(&c))
}

/// Half-width letters and digits only (Chinese punctuation in names and titles stays).
fn half_width_alnum(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .collect()
}

/// The ISO date of a date, date-time or serial-number cell (`None` for text and others).
pub(crate) fn date_of_cell(cell: &Data) -> Option<String> {
    match cell {
        Data::DateTime(dt) => serial_to_iso(dt.as_f64()),
        Data::DateTimeIso(s) => Some(s.chars().take(10).collect()),
        Data::Float(f) => serial_to_iso(*f),
        Data::Int(i) => serial_to_iso(*i as f64),
        _ => None,
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}' | '·')
}

/// Drops spaces between two Chinese characters and collapses other runs of spaces to one.
fn squeeze_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            let between_cjk =
                start > 0 && i < chars.len() && is_cjk(chars[start - 1]) && is_cjk(chars[i]);
            if !between_cjk {
                out.push(' ');
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// A date written as digits only: `20230501`, or an Excel serial saved into a CSV as text
/// (`45047`; read only between 1950 and 2099, so that a year or a code is not taken for one).
fn date_of_digits(text: &str) -> Option<String> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match text.len() {
        8 => validate::normalize_date(&format!("{}-{}-{}", &text[..4], &text[4..6], &text[6..])),
        5 => {
            let serial: f64 = text.parse().ok()?;
            (18_264.0..=73_050.0)
                .contains(&serial)
                .then(|| serial_to_iso(serial))
                .flatten()
        }
        _ => None,
    }
}

fn serial_to_iso(serial: f64) -> Option<String> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let (y, m, d, ..) =
        ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, false).to_ymd_hms_milli();
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// Cleans one row. Problems go to `errors`, clean-ups to `warnings`.
struct Cleaner<'a> {
    line: u32,
    single_root: Option<&'a str>,
    /// Department ids of an API-style file → paths.
    ids: Option<&'a DepartmentIds>,
    warnings: Vec<Issue>,
    errors: Vec<Issue>,
    contact_rejected: bool,
}

impl Cleaner<'_> {
    fn warn(&mut self, column: u16, code: &'static str, params: Vec<(&'static str, String)>) {
        self.warnings
            .push(Issue::warning(self.line, column, code, params));
    }

    fn fail(&mut self, column: u16, e: Error) {
        self.errors.push(Issue::error(self.line, column, e));
    }

    /// Trimmed text (with half-width conversion `convert`), noting each clean-up.
    fn text(&mut self, column: u16, cell: &Data, convert: fn(&str) -> String) -> Option<String> {
        let raw = raw_text(cell)?;
        let trimmed = trimmed(&raw)?;
        if trimmed.len() != raw.len() {
            self.warn(column, "trimmed", vec![("value", trimmed.to_string())]);
        }
        if !has_full_width(trimmed) {
            return Some(trimmed.to_string());
        }
        let converted = convert(trimmed);
        if converted != trimmed {
            self.warn(
                column,
                "full_width",
                vec![("from", trimmed.to_string()), ("to", converted.clone())],
            );
        }
        Some(converted)
    }

    /// Leader flags: `1;0` (one per department, as WeCom's files), or 是/否, yes/no, √.
    fn leader(&mut self, column: u16, cell: &Data) -> Option<Vec<bool>> {
        let text = self.text(column, cell, half_width)?;
        let flags: Option<Vec<bool>> = text
            .split([';', '；', ',', '，', '、'])
            .map(validate::yes_no)
            .collect();
        if flags.is_none() {
            self.warn(column, "leader_unknown", vec![("value", text)]);
        }
        flags
    }

    /// A name: as [`Cleaner::text`], and spaces padding a Chinese name to line up in a column
    /// (`张　伟`) removed; other runs of spaces inside a name become one.
    fn name(&mut self, column: u16, cell: &Data) -> Option<String> {
        let name = self.text(column, cell, half_width_alnum)?;
        if !name.contains(char::is_whitespace) {
            return Some(name);
        }
        let squeezed = squeeze_name(&name);
        if squeezed != name {
            self.warn(
                column,
                "name_spaces",
                vec![("from", name), ("to", squeezed.clone())],
            );
        }
        Some(squeezed)
    }

    fn limited(
        &mut self,
        column: u16,
        field: &'static str,
        value: Option<String>,
        max: usize,
    ) -> Option<String> {
        let v = value?;
        if v.chars().count() > max {
            self.fail(
                column,
                Error::new(ErrorCode::TooLong, "field_too_long")
                    .with("field", field)
                    .with("max", max),
            );
        }
        Some(v)
    }

    fn mobile(&mut self, column: u16, cell: &Data) -> Option<String> {
        let raw = raw_text(cell)?;
        if matches!(cell, Data::Float(_) | Data::Int(_)) {
            self.warn(
                column,
                "mobile_was_number",
                vec![("value", raw.to_string())],
            );
        }
        let trimmed = trimmed(&raw)?;
        if (trimmed.contains("E+") || trimmed.contains("e+")) && trimmed.contains('.') {
            self.fail(
                column,
                Error::new(ErrorCode::InvalidMobile, "mobile_scientific").with("value", trimmed),
            );
            self.contact_rejected = true;
            return None;
        }
        match validate::normalize_mobile(trimmed) {
            Some(m) => {
                if m != *raw {
                    self.warn(
                        column,
                        "mobile_normalized",
                        vec![("from", raw.to_string()), ("to", m.clone())],
                    );
                }
                Some(m)
            }
            None => {
                self.fail(
                    column,
                    Error::new(ErrorCode::InvalidMobile, "mobile_invalid").with("mobile", trimmed),
                );
                self.contact_rejected = true;
                None
            }
        }
    }

    fn email(&mut self, column: u16, cell: &Data) -> Option<String> {
        let e = self.text(column, cell, half_width)?;
        if !validate::is_valid_email(&e) {
            self.fail(
                column,
                Error::new(ErrorCode::InvalidEmail, "email_invalid").with("email", &e),
            );
            self.contact_rejected = true;
            return None;
        }
        Some(e)
    }

    fn date(&mut self, column: u16, cell: &Data) -> Option<String> {
        let (from, iso) = match cell {
            Data::DateTime(_) | Data::DateTimeIso(_) => return date_of_cell(cell),
            Data::Float(f) => (f.to_string(), date_of_cell(cell)),
            Data::Int(i) => (i.to_string(), date_of_cell(cell)),
            _ => {
                let text = self.text(column, cell, half_width)?;
                let iso = validate::normalize_date(&text).or_else(|| date_of_digits(&text));
                (text, iso)
            }
        };
        match iso {
            Some(iso) => {
                if iso != from {
                    self.warn(
                        column,
                        "date_normalized",
                        vec![("from", from), ("to", iso.clone())],
                    );
                }
                Some(iso)
            }
            None => {
                self.fail(
                    column,
                    Error::new(ErrorCode::InvalidDate, "date_invalid")
                        .with("field", "join_date")
                        .with("value", from),
                );
                None
            }
        }
    }

    /// A department cell: paths separated by `;`/`；`, levels by `/`; the first path is the main one.
    fn departments(&mut self, column: u16, text: &str) -> Vec<String> {
        let mut paths: Vec<String> = Vec::new();
        let mut spaced = false;
        for part in text.split([';', '；', '\n']) {
            if validate::clean(part).is_none() {
                continue;
            }
            let mut part = part.trim();
            if let Some(ids) = self.ids {
                if part.chars().all(|c| c.is_ascii_digit()) {
                    match ids.paths.get(part) {
                        Some(path) => part = path,
                        None => {
                            self.fail(
                                column,
                                Error::new(
                                    ErrorCode::InvalidDepartment,
                                    "import_department_id_unknown",
                                )
                                .with("id", part),
                            );
                            continue;
                        }
                    }
                }
            }
            let mut levels = Vec::new();
            let mut ok = true;
            for level in part.trim_matches(['/', '／']).split(['/', '／']) {
                spaced |= level != level.trim();
                match departments::validate_name(level) {
                    Ok(name) => levels.push(name),
                    Err(e) => {
                        self.fail(column, e);
                        ok = false;
                    }
                }
            }
            if !ok {
                continue;
            }
            if let Some(root) = self.single_root {
                if levels.first().map(String::as_str) != Some(root) {
                    let given = levels.join("/");
                    levels.insert(0, root.to_string());
                    self.warn(
                        column,
                        "department_under_root",
                        vec![("path", given), ("root", root.to_string())],
                    );
                }
            }
            let path = levels.join("/");
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
        if spaced {
            self.warn(
                column,
                "department_normalized",
                vec![("to", paths.join(";"))],
            );
        }
        paths
    }
}

fn is_blank(cell: &Data) -> bool {
    raw_text(cell).is_none_or(|t| trimmed(&t).is_none())
}

/// The mapped columns of a sheet, and where each field is.
#[derive(Clone)]
struct Mapping {
    /// (cell index, field, column index in the plan).
    fields: Vec<(usize, Field, u16)>,
    /// Department level columns, level order: (level, cell index, column index).
    levels: Vec<(u8, usize, u16)>,
}

impl Mapping {
    fn new(columns: &[Column]) -> Mapping {
        let fields: Vec<(usize, Field, u16)> = columns
            .iter()
            .enumerate()
            .filter_map(|(k, c)| c.field.map(|f| (c.index, f, k as u16)))
            .collect();
        let mut levels: Vec<(u8, usize, u16)> = fields
            .iter()
            .filter_map(|&(i, f, k)| match f {
                Field::DepartmentLevel(n) => Some((n, i, k)),
                _ => None,
            })
            .collect();
        levels.sort();
        Mapping { fields, levels }
    }

    /// The column of `field`, or [`NO_COLUMN`].
    fn column(&self, field: Field) -> u16 {
        self.fields
            .iter()
            .find(|(_, f, _)| *f == field)
            .map(|(_, _, k)| *k)
            .unwrap_or(NO_COLUMN)
    }

    fn has(&self, field: Field) -> bool {
        self.column(field) != NO_COLUMN
    }
}

/// Cleans one data row and applies the rules that concern the row alone.
fn clean_row(
    line: u32,
    cells: &[Data],
    cleaning: &Cleaning,
) -> (PlannedRow, Vec<Issue>, Vec<Issue>) {
    let map = &cleaning.map;
    let mut cl = Cleaner {
        line,
        single_root: cleaning.root_name.as_deref(),
        ids: cleaning.ids,
        warnings: Vec::new(),
        errors: Vec::new(),
        contact_rejected: false,
    };
    let mut v = Values::default();
    let empty = Data::Empty;
    for &(i, field, h) in &map.fields {
        let cell = cells.get(i).unwrap_or(&empty);
        match field {
            Field::Name => v.name = cl.name(h, cell),
            Field::Userid => v.userid = cl.text(h, cell, half_width),
            Field::Alias => {
                let x = cl.text(h, cell, half_width_alnum);
                v.alias = cl.limited(h, "alias", x, TEXT_FIELD_MAX);
            }
            Field::Position => v.position = cl.text(h, cell, half_width_alnum),
            Field::Gender => {
                if let Some(g) = cl.text(h, cell, half_width) {
                    match g.parse::<Gender>() {
                        Ok(g) => v.gender = Some(g),
                        Err(_) => cl.warn(h, "unknown_gender", vec![("value", g)]),
                    }
                }
            }
            Field::Mobile => v.mobile = cl.mobile(h, cell),
            Field::Telephone => {
                let x = cl.text(h, cell, half_width);
                v.telephone = cl.limited(h, "telephone", x, TEXT_FIELD_MAX);
            }
            Field::Email => v.email = cl.email(h, cell),
            Field::BizEmail => v.biz_email = cl.email(h, cell),
            Field::Address => {
                let x = cl.text(h, cell, half_width_alnum);
                v.address = cl.limited(h, "address", x, TEXT_FIELD_MAX);
            }
            Field::EmployeeNo => {
                let x = cl.text(h, cell, half_width);
                v.employee_no = cl.limited(h, "employee_no", x, TEXT_FIELD_MAX);
            }
            Field::JoinDate => v.join_date = cl.date(h, cell),
            Field::EmploymentType => {
                let x = cl.text(h, cell, half_width_alnum);
                v.employment_type = cl.limited(h, "employment_type", x, TEXT_FIELD_MAX);
            }
            Field::Department => {
                if let Some(text) = cl.text(h, cell, half_width_alnum) {
                    v.departments = match cleaning.known_paths(&text) {
                        Some(paths) => paths,
                        None => {
                            let noted = (cl.warnings.len(), cl.errors.len());
                            let paths: Arc<[String]> = cl.departments(h, &text).into();
                            if noted == (cl.warnings.len(), cl.errors.len()) {
                                cleaning.remember_paths(text, &paths);
                            }
                            paths
                        }
                    };
                }
            }
            Field::Leader => v.leader = cl.leader(h, cell),
            Field::DepartmentLevel(_) => {}
        }
    }
    if v.departments.is_empty() && !map.levels.is_empty() {
        let parts: Vec<String> = map
            .levels
            .iter()
            .filter_map(|&(_, i, h)| cl.text(h, cells.get(i).unwrap_or(&empty), half_width_alnum))
            .collect();
        if !parts.is_empty() {
            v.departments = cl.departments(map.levels[0].2, &parts.join("/")).into();
        }
    }
    let name_col = map.column(Field::Name);
    match &v.name {
        None => cl.fail(
            name_col,
            Error::new(ErrorCode::MissingRequired, "import_missing_name"),
        ),
        Some(n) if n.chars().count() > validate::member_name_max() => cl.fail(
            name_col,
            Error::new(ErrorCode::TooLong, "member_name_too_long")
                .with("name", n)
                .with("max", validate::member_name_max()),
        ),
        _ => {}
    }
    if let Some(u) = &v.userid {
        if !validate::is_valid_userid(u) {
            cl.fail(
                map.column(Field::Userid),
                Error::new(ErrorCode::InvalidUserid, "userid_invalid").with("userid", u),
            );
        }
    }
    let position_col = map.column(Field::Position);
    match &v.position {
        None if map.has(Field::Position) => cl.warn(position_col, "missing_position", vec![]),
        Some(p) if p.chars().count() > validate::position_max() => cl.fail(
            position_col,
            Error::new(ErrorCode::TooLong, "position_too_long")
                .with("value", p)
                .with("max", validate::position_max()),
        ),
        _ => {}
    }
    if v.departments.is_empty() && !cl.errors.iter().any(|e| e.code == "invalid_department") {
        let column = map
            .levels
            .first()
            .map(|l| l.2)
            .unwrap_or_else(|| map.column(Field::Department));
        cl.fail(
            column,
            Error::new(ErrorCode::MissingRequired, "import_missing_department"),
        );
    }
    let invalid = !cl.errors.is_empty();
    let row = PlannedRow {
        line,
        contact_rejected: cl.contact_rejected,
        values: v,
        action: if invalid {
            RowAction::Invalid
        } else {
            RowAction::Create
        },
        raw: None,
    };
    (row, cl.warnings, cl.errors)
}

/// Reads every data row below the header and decides what to do with it.
pub(crate) fn analyse(
    conn: &Connection,
    sheet: &Sheet,
    header_row: usize,
    columns: Vec<Column>,
    ids: Option<&DepartmentIds>,
) -> Result<Plan> {
    let header_cells = sheet
        .rows()
        .nth(header_row)
        .map(<[Data]>::to_vec)
        .unwrap_or_default();
    let (cleaning, mut analyser) = Analyser::new(conn, columns, ids)?;
    let data: Vec<(u32, &[Data])> = sheet
        .rows()
        .enumerate()
        .skip(header_row + 1)
        .map(|(i, cells)| (sheet.display_row(i), cells))
        .collect();
    analyser.push(&cleaning, &data);
    Ok(analyser.finish(
        sheet.name.clone(),
        sheet.display_row(header_row),
        header_cells,
    ))
}

/// The values of one field seen so far in a file, each with the first row that has it. The
/// table holds row positions, hashed and compared through the rows' own values (no copies).
#[derive(Default)]
struct Seen(hashbrown::HashTable<usize>);

impl Seen {
    /// Makes room for `n` values while the table is empty (growing it later hashes every value
    /// again).
    fn reserve(&mut self, n: usize) {
        if self.0.is_empty() {
            self.0.reserve(n, |_| 0);
        }
    }

    /// The position of the first earlier row whose `field` equals row `k`'s (without case when
    /// `fold`); None when there is none, and then row `k` is the first with its value.
    fn first(
        &mut self,
        rows: &[PlannedRow],
        k: usize,
        field: impl Fn(&Values) -> Option<&str>,
        fold: bool,
    ) -> Option<usize> {
        let value = field(&rows[k].values)?;
        let hash = |v: &str| {
            use std::hash::{BuildHasher, Hasher};
            let mut h = rustc_hash::FxBuildHasher.build_hasher();
            if !fold {
                h.write(v.as_bytes());
                return h.finish();
            }
            // The lowered text's bytes, fed 64 at a time (plain ASCII is lowered byte by byte,
            // which gives the same bytes).
            let mut buffer = [0u8; 64];
            let mut n = 0;
            let mut push = |b: u8| {
                buffer[n] = b;
                n += 1;
                if n == buffer.len() {
                    h.write(&buffer);
                    n = 0;
                }
            };
            if v.is_ascii() {
                v.bytes().for_each(|b| push(b.to_ascii_lowercase()));
            } else {
                for c in v.chars().flat_map(char::to_lowercase) {
                    c.encode_utf8(&mut [0; 4]).bytes().for_each(&mut push);
                }
            }
            h.write(&buffer[..n]);
            h.finish()
        };
        let same = |a: &str, b: &str| match (fold, a.is_ascii() && b.is_ascii()) {
            (false, _) => a == b,
            (true, true) => a.eq_ignore_ascii_case(b),
            (true, false) => a
                .chars()
                .flat_map(char::to_lowercase)
                .eq(b.chars().flat_map(char::to_lowercase)),
        };
        let of = |i: usize| field(&rows[i].values).unwrap_or_default();
        let h = hash(value);
        if let Some(&first) = self.0.find(h, |&i| same(of(i), value)) {
            return Some(first);
        }
        self.0.insert_unique(h, k, |&i| hash(of(i)));
        None
    }
}

/// A row as cleaned: the planned row, its clean-ups and its problems so far.
pub(crate) type Cleaned = (PlannedRow, Vec<Issue>, Vec<Issue>);

/// Cleans rows, each on its own (on any thread).
pub(crate) struct Cleaning<'a> {
    map: Mapping,
    root_name: Option<String>,
    ids: Option<&'a DepartmentIds>,
    /// Department cells already read without a note, and their paths: most rows repeat one.
    paths: std::sync::Mutex<HashMap<String, Arc<[String]>>>,
}

/// How many distinct department cells [`Cleaning`] remembers.
const KNOWN_PATHS: usize = 4096;

impl Cleaning<'_> {
    /// The paths of a department cell read before without a note (None when it was not, or
    /// when another thread is looking meanwhile).
    fn known_paths(&self, text: &str) -> Option<Arc<[String]>> {
        self.paths.try_lock().ok()?.get(text).cloned()
    }

    fn remember_paths(&self, text: String, paths: &Arc<[String]>) {
        if let Ok(mut known) = self.paths.try_lock() {
            if known.len() < KNOWN_PATHS {
                known.insert(text, paths.clone());
            }
        }
    }

    /// Row `line`, cleaned; None when every mapped cell is blank.
    pub(crate) fn row(&self, line: u32, cells: &[Data]) -> Option<Cleaned> {
        if self
            .map
            .fields
            .iter()
            .all(|(c, _, _)| cells.get(*c).is_none_or(is_blank))
        {
            return None;
        }
        Some(clean_row(line, cells, self))
    }
}

/// Analyses cleaned rows in file order: duplicates, matches with the workspace, conflicts. A
/// row's action is final once it is taken (only generated accounts wait for
/// [`Analyser::finish`], which must know every account in the file), so an import can write rows
/// while the file is still being read.
pub(crate) struct Analyser<'a> {
    existing: Existing,
    tree: Tree,
    map: Mapping,
    columns: Vec<Column>,
    ids: Option<&'a DepartmentIds>,
    first_userid: Seen,
    first_mobile: Seen,
    first_email: Seen,
    pub rows: Vec<PlannedRow>,
    warnings: Vec<Issue>,
    errors: Vec<Issue>,
    invalid: usize,
}

impl<'a> Analyser<'a> {
    /// The cleaning and the analysis of rows under `columns` for the workspace `conn`.
    pub(crate) fn new(
        conn: &Connection,
        columns: Vec<Column>,
        ids: Option<&'a DepartmentIds>,
    ) -> Result<(Cleaning<'a>, Analyser<'a>)> {
        let tree = Tree::load(conn)?;
        let roots = tree.children(None);
        let map = Mapping::new(&columns);
        let cleaning = Cleaning {
            map: map.clone(),
            root_name: (roots.len() == 1).then(|| tree.path(roots[0])),
            ids,
            paths: Default::default(),
        };
        Ok((
            cleaning,
            Analyser {
                existing: Existing::load(conn)?,
                tree,
                map,
                columns,
                ids,
                first_userid: Seen::default(),
                first_mobile: Seen::default(),
                first_email: Seen::default(),
                rows: Vec::new(),
                warnings: Vec::new(),
                errors: Vec::new(),
                invalid: 0,
            },
        ))
    }

    /// Makes room for `rows` more rows (a streaming import knows the sheet's size up front).
    pub(crate) fn reserve(&mut self, rows: usize) {
        self.rows.reserve(rows);
        for seen in [
            &mut self.first_userid,
            &mut self.first_mobile,
            &mut self.first_email,
        ] {
            seen.reserve(rows);
        }
    }

    /// Rows found invalid so far.
    pub(crate) fn invalid(&self) -> usize {
        self.invalid
    }

    /// Cleans (on every core) and analyses a batch of rows (display number, cells).
    pub(crate) fn push<C: AsRef<[Data]> + Sync>(
        &mut self,
        cleaning: &Cleaning,
        batch: &[(u32, C)],
    ) {
        use rayon::prelude::*;
        self.reserve(batch.len());
        let cleaned: Vec<(Cleaned, &C)> = batch
            .par_iter()
            .filter_map(|(line, cells)| Some((cleaning.row(*line, cells.as_ref())?, cells)))
            .collect();
        self.take(cleaned, |_, _| {});
    }

    /// Analyses cleaned rows, each with its cells as read (kept for the error workbook when
    /// the row is invalid). Returns where they start in [`Analyser::rows`].
    /// What is left of each row (its cells, its emptied list of clean-ups) goes to `unused`:
    /// a streaming import hands it back to the thread that allocated it.
    pub(crate) fn take<C: AsRef<[Data]>>(
        &mut self,
        rows: impl IntoIterator<Item = (Cleaned, C)>,
        mut unused: impl FnMut(C, Vec<Issue>),
    ) -> usize {
        let start = self.rows.len();
        for ((row, mut warnings, errors), cells) in rows {
            let k = self.rows.len();
            self.rows.push(row);
            self.warnings.append(&mut warnings);
            self.errors.extend(errors);
            let mut found = Vec::new();
            self.match_row(k, &mut found);
            self.errors.extend(found);
            if self.rows[k].action == RowAction::Invalid {
                self.invalid += 1;
                self.rows[k].raw = Some(cells.as_ref().to_vec());
            }
            unused(cells, warnings);
        }
        start
    }

    /// Duplicates within the file, the match with an existing member, conflicts: row `k`'s
    /// action. A new member without an account gets one in [`Analyser::finish`].
    fn match_row(&mut self, k: usize, errors: &mut Vec<Issue>) {
        let existing = &self.existing;
        let (userid_col, mobile_col, email_col) = (
            self.map.column(Field::Userid),
            self.map.column(Field::Mobile),
            self.map.column(Field::Email),
        );
        // Within the file the first row with a value keeps it; later rows are flagged.
        let rows = &self.rows;
        let earlier = [
            self.first_userid
                .first(rows, k, |v| v.userid.as_deref(), true),
            self.first_mobile
                .first(rows, k, |v| v.mobile.as_deref(), false),
            self.first_email
                .first(rows, k, |v| v.email.as_deref(), true),
        ]
        .map(|first| first.map(|f| rows[f].line));
        let r = &mut self.rows[k];
        let line = r.line;
        let mut invalid = r.action == RowAction::Invalid;
        let mut fail = |column: u16, e: Error| {
            errors.push(Issue::error(line, column, e));
            invalid = true;
        };
        let v = &r.values;
        // Accounts and emails compare without case (lowered only to look up existing members).
        let lower = |s: &Option<String>| {
            s.as_ref()
                .filter(|_| !existing.members.is_empty())
                .map(|s| s.to_lowercase())
        };
        let (userid_key, email_key) = (lower(&v.userid), lower(&v.email));
        // A row matches by account; without one, by mobile, then by email.
        let mobile_owner = v.mobile.as_ref().and_then(|m| existing.by_mobile.get(m));
        let email_owner = email_key.as_ref().and_then(|e| existing.by_email.get(e));
        let target = match &v.userid {
            Some(_) => userid_key.as_ref().and_then(|u| existing.by_userid.get(u)),
            None => mobile_owner.or(email_owner),
        }
        .copied();
        let owner_conflict = |owner: Option<&usize>| {
            owner
                .is_some_and(|&o| Some(o) != target)
                .then(|| &existing.members[*owner.unwrap()].name)
        };
        let (mobile_conflict, email_conflict) =
            (owner_conflict(mobile_owner), owner_conflict(email_owner));
        let duplicates = [
            (
                v.userid.as_ref().map(|u| u.to_lowercase()),
                userid_col,
                ErrorCode::DuplicateUserid,
                "import_duplicate_userid",
            ),
            (
                v.mobile.clone(),
                mobile_col,
                ErrorCode::DuplicateMobile,
                "import_duplicate_mobile",
            ),
            (
                v.email.as_ref().map(|e| e.to_lowercase()),
                email_col,
                ErrorCode::DuplicateEmail,
                "import_duplicate_email",
            ),
        ];
        for (first, (value, column, code, key)) in earlier.into_iter().zip(duplicates) {
            if let (Some(first), Some(value)) = (first, value) {
                fail(
                    column,
                    Error::new(code, key)
                        .with("value", value)
                        .with("first_row", first),
                );
            }
        }
        if let (Some(m), Some(name)) = (&v.mobile, mobile_conflict) {
            fail(
                mobile_col,
                Error::new(ErrorCode::DuplicateMobile, "mobile_duplicate")
                    .with("mobile", m)
                    .with("name", name),
            );
        }
        if let (Some(e), Some(name)) = (&v.email, email_conflict) {
            fail(
                email_col,
                Error::new(ErrorCode::DuplicateEmail, "email_duplicate")
                    .with("email", e)
                    .with("name", name),
            );
        }
        let current = target.map(|t| &existing.members[t]);
        let has_contact = v.mobile.is_some()
            || v.email.is_some()
            || current.is_some_and(|m| m.mobile.is_some() || m.email.is_some());
        if !has_contact && !r.contact_rejected {
            let column = if mobile_col != NO_COLUMN {
                mobile_col
            } else {
                email_col
            };
            fail(
                column,
                Error::new(ErrorCode::MissingContact, "import_missing_contact"),
            );
        }
        r.action = if invalid {
            RowAction::Invalid
        } else {
            match current {
                Some(m) if changes(v, m) => RowAction::Update(m.id),
                Some(m) => RowAction::Unchanged(m.id),
                None => RowAction::Create,
            }
        };
    }

    /// The plan: accounts generated for new members without one (from the name's pinyin, unique
    /// among the workspace's and the file's accounts), problems in row order, new departments.
    pub(crate) fn finish(
        mut self,
        sheet: String,
        header_row: u32,
        header_cells: Vec<Data>,
    ) -> Plan {
        let userid_col = self.map.column(Field::Userid);
        let unnamed = |r: &PlannedRow| r.action == RowAction::Create && r.values.userid.is_none();
        let mut taken: HashSet<String> = HashSet::default();
        if self.rows.iter().any(unnamed) {
            taken.extend(self.existing.by_userid.keys().cloned());
            taken.extend(
                self.rows
                    .iter()
                    .filter_map(|r| r.values.userid.as_ref().map(|u| u.to_lowercase())),
            );
        }
        for r in self.rows.iter_mut().filter(|r| unnamed(r)) {
            let base = userid::base_from_name(r.values.name.as_deref().unwrap_or_default());
            let id = std::iter::once(base.clone())
                .chain((2..).map(|n| format!("{base}{n}")))
                .find(|c| !taken.contains(c))
                .unwrap_or(base);
            taken.insert(id.clone());
            self.warnings.push(Issue::warning(
                r.line,
                userid_col,
                "userid_generated",
                vec![("userid", id.clone())],
            ));
            r.values.userid = Some(id);
        }
        self.errors.sort_by_key(|e| e.row);
        self.warnings.sort_by_key(|w| w.row);

        // Departments that valid rows will create, parents first.
        let tree = &self.tree;
        let known: HashSet<String> = tree
            .preorder()
            .into_iter()
            .map(|id| tree.path(id))
            .collect();
        let mut new_departments: Vec<String> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::default();
        // A department file brings every department, members or not, in its order.
        let listed = self.ids.map(|ids| ids.order.as_slice()).unwrap_or_default();
        let member_paths = self
            .rows
            .iter()
            .filter(|r| r.action != RowAction::Invalid)
            .flat_map(|r| r.values.departments.iter());
        let mut paths: HashSet<&str> = HashSet::default();
        for path in listed.iter().chain(member_paths) {
            // Most rows repeat a department: each path is split once.
            if !paths.insert(path) {
                continue;
            }
            for (end, _) in path
                .match_indices('/')
                .chain(std::iter::once((path.len(), "")))
            {
                let prefix = &path[..end];
                if !known.contains(prefix) && seen.insert(prefix) {
                    new_departments.push(prefix.to_string());
                }
            }
        }

        Plan {
            file: String::new(),
            format: "",
            encoding: None,
            sheets: Vec::new(),
            sheet,
            header_row,
            columns: self.columns,
            header_cells,
            rows: self.rows,
            warnings: self.warnings,
            errors: self.errors,
            new_departments,
        }
    }
}

/// Whether writing `v` over `m` changes anything (fields the file leaves empty are kept).
fn changes(v: &Values, m: &Member) -> bool {
    let differs = |new: &Option<String>, old: &Option<String>| new.is_some() && new != old;
    v.name.as_ref() != Some(&m.name)
        || differs(&v.alias, &m.alias)
        || differs(&v.mobile, &m.mobile)
        || differs(&v.telephone, &m.telephone)
        || v.email
            .as_ref()
            .is_some_and(|e| !m.email.as_ref().is_some_and(|o| o.eq_ignore_ascii_case(e)))
        || differs(&v.biz_email, &m.biz_email)
        || (v.gender.is_some() && v.gender != m.gender)
        || differs(&v.position, &m.position)
        || differs(&v.employee_no, &m.employee_no)
        || differs(&v.join_date, &m.join_date)
        || differs(&v.address, &m.address)
        || differs(&v.employment_type, &m.employment_type)
        || (!v.departments.is_empty() && *v.departments != *m.departments)
        || v.leads().is_some_and(|leads| {
            let mut old: Vec<&str> = m.leader_of.iter().map(String::as_str).collect();
            let mut new = leads;
            old.sort_unstable();
            new.sort_unstable();
            old != new
        })
}

/// Writes the plan's valid rows in one transaction recorded as one undoable batch.
pub(crate) fn commit(
    ws: &mut Workspace,
    plan: &Plan,
    progress: &dyn Progress,
) -> Result<Option<i64>> {
    let updates: Vec<&PlannedRow> = plan
        .rows
        .iter()
        .filter(|r| matches!(r.action, RowAction::Update(_)))
        .collect();
    let creates: Vec<&PlannedRow> = plan
        .rows
        .iter()
        .filter(|r| r.action == RowAction::Create)
        .collect();
    if updates.is_empty() && creates.is_empty() {
        return Ok(None);
    }
    let total = updates.len() + creates.len();
    let (_, batch) = history::record_bulk(
        ws.connection_mut(),
        Source::Import,
        "import",
        |tx, recorder| {
            let mut w = Writer::new(tx, creates.len() >= BULK_ROWS, progress, total)?;
            // New departments first, in the file's order, so siblings keep it; then every other
            // path the rows name.
            w.departments(
                plan.new_departments.iter().chain(
                    updates
                        .iter()
                        .chain(&creates)
                        .flat_map(|r| r.values.departments.iter()),
                ),
            )?;
            // Updates first: a create may take a mobile or email an update gives up.
            for row in &updates {
                w.update(row)?;
            }
            recorder.pause(true);
            for row in &creates {
                w.create(row)?;
            }
            recorder.pause(false);
            w.finish(recorder)?;
            Ok(plan.change())
        },
    )?;
    Ok(batch)
}

impl Plan {
    /// The audit entry of this plan's import.
    pub(crate) fn change(&self) -> Change<()> {
        Change {
            value: (),
            target: self.file.clone(),
            before: None,
            after: Some(serde_json::json!({
                "file": self.file,
                "sheet": self.sheet,
                "rows": self.rows.len(),
                "created_members": self.count(|a| a == RowAction::Create),
                "updated_members": self.count(|a| matches!(a, RowAction::Update(_))),
                "created_departments": self.new_departments.len(),
            })),
        }
    }
}

/// Writes the rows of an import inside its transaction. Departments are created while the
/// session records; new members are inserted while it is paused and listed, as one range of
/// ids above every existing member, by [`Writer::finish`].
pub(crate) struct Writer<'t> {
    tx: &'t rusqlite::Transaction<'t>,
    tree: Tree,
    dept_ids: HashMap<String, i64>,
    now: String,
    /// Indexes of the member tables dropped for a bulk insert, rebuilt by `finish`.
    rebuild: Vec<(String, String)>,
    /// Ids of the first and last new member.
    created: Option<(i64, i64)>,
    progress: &'t dyn Progress,
    done: usize,
    total: usize,
    /// The two statements run for every new member.
    insert: rusqlite::Statement<'t>,
    link: rusqlite::Statement<'t>,
}

impl<'t> Writer<'t> {
    /// `bulk`: many new members are coming (see [`BULK_ROWS`]); `total`: rows to be written,
    /// for progress.
    pub(crate) fn new(
        tx: &'t rusqlite::Transaction<'t>,
        bulk: bool,
        progress: &'t dyn Progress,
        total: usize,
    ) -> Result<Writer<'t>> {
        let mut rebuild = Vec::new();
        if bulk {
            let mut stmt = tx.prepare(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
                 AND tbl_name IN ('members', 'member_departments')",
            )?;
            rebuild = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<(String, String)>>>()?;
            for (name, _) in &rebuild {
                tx.execute_batch(&format!("DROP INDEX \"{name}\""))?;
            }
        }
        Ok(Writer {
            tx,
            tree: Tree::load(tx)?,
            dept_ids: HashMap::default(),
            now: history::now(),
            rebuild,
            created: None,
            progress,
            done: 0,
            total,
            insert: tx.prepare(
                "INSERT INTO members (userid, name, alias, mobile, telephone, email, biz_email, gender,
                                      position, employee_no, join_date, address, employment_type,
                                      created_at, updated_at, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, 'active')",
            )?,
            link: tx.prepare(
                "INSERT INTO member_departments (member_id, department_id, is_main, is_leader, sort_order)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
        })
    }

    /// Makes sure every department path exists (the session must be recording).
    pub(crate) fn departments<'p>(
        &mut self,
        paths: impl IntoIterator<Item = &'p String>,
    ) -> Result<()> {
        for path in paths {
            if !self.dept_ids.contains_key(path) {
                let segments: Vec<String> = path.split('/').map(str::to_string).collect();
                let (id, _) = departments::ensure_path(self.tx, &mut self.tree, &segments)?;
                self.dept_ids.insert(path.clone(), id);
            }
        }
        Ok(())
    }

    fn tick(&mut self) -> Result<()> {
        if self.done.is_multiple_of(256) {
            self.progress.update(self.done as u64, self.total as u64);
            if self.progress.cancelled() {
                return Err(Error::new(ErrorCode::Cancelled, "import_cancelled"));
            }
        }
        self.done += 1;
        Ok(())
    }

    fn link(&mut self, member: i64, v: &Values, leads: &[i64]) -> Result<()> {
        let Writer { link, dept_ids, .. } = self;
        for (i, path) in v.departments.iter().enumerate() {
            let dept = dept_ids[path];
            link.execute(params![
                member,
                dept,
                i == 0,
                leads.contains(&dept),
                i as i64
            ])?;
        }
        Ok(())
    }

    /// Updates an existing member (the session must be recording).
    pub(crate) fn update(&mut self, row: &PlannedRow) -> Result<()> {
        self.tick()?;
        let RowAction::Update(id) = row.action else {
            return Ok(());
        };
        let v = &row.values;
        let mut update = self.tx.prepare_cached(
            "UPDATE members SET name = ?2, alias = coalesce(?3, alias), mobile = coalesce(?4, mobile),
                    telephone = coalesce(?5, telephone), email = coalesce(?6, email), biz_email = coalesce(?7, biz_email),
                    gender = coalesce(?8, gender), position = coalesce(?9, position), employee_no = coalesce(?10, employee_no),
                    join_date = coalesce(?11, join_date), address = coalesce(?12, address),
                    employment_type = coalesce(?13, employment_type), updated_at = ?14
             WHERE id = ?1",
        )?;
        if update.execute(member_values(&id, v, &self.now))? == 0 {
            return Err(Error::new(
                ErrorCode::HistoryConflict,
                "import_workspace_changed",
            ));
        }
        if v.departments.is_empty() {
            return Ok(());
        }
        // Leaders as the file says, or as they were when it says nothing.
        let kept: Vec<i64> = match v.leads() {
            Some(leads) => leads.iter().map(|p| self.dept_ids[*p]).collect(),
            None => self
                .tx
                .prepare_cached(
                    "SELECT department_id FROM member_departments WHERE member_id = ?1 AND is_leader = 1",
                )?
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
        };
        self.tx
            .prepare_cached("DELETE FROM member_departments WHERE member_id = ?1")?
            .execute([id])?;
        self.link(id, v, &kept)
    }

    /// Inserts a new member (the session must be paused).
    pub(crate) fn create(&mut self, row: &PlannedRow) -> Result<()> {
        self.tick()?;
        let v = &row.values;
        self.insert
            .execute(member_values(&v.userid, v, &self.now))?;
        let id = self.tx.last_insert_rowid();
        self.created = Some((self.created.map_or(id, |c| c.0), id));
        let leads: Vec<i64> = v
            .leads()
            .unwrap_or_default()
            .iter()
            .map(|p| self.dept_ids[*p])
            .collect();
        self.link(id, v, &leads)
    }

    /// Rebuilds the dropped indexes and lists the new members for the action's changeset.
    pub(crate) fn finish(self, recorder: &mut history::Recorder) -> Result<()> {
        for (_, sql) in &self.rebuild {
            self.tx.execute_batch(sql)?;
        }
        if let Some((first, last)) = self.created {
            recorder.inserted("members", "id", first, last);
            recorder.inserted("member_departments", "member_id", first, last);
        }
        self.progress.update(self.total as u64, self.total as u64);
        Ok(())
    }
}

/// From this many new members on, the import builds the indexes of the member tables after
/// writing the rows (one sort) instead of updating them row by row.
pub(crate) const BULK_ROWS: usize = 5_000;

/// A member's values in the order the import's INSERT and UPDATE take them: `first` (the
/// account, or the member's id), the name and the other fields, the time of the change.
fn member_values<'a>(
    first: &'a dyn rusqlite::ToSql,
    v: &'a Values,
    now: &'a dyn rusqlite::ToSql,
) -> [&'a dyn rusqlite::ToSql; 14] {
    [
        first,
        &v.name,
        &v.alias,
        &v.mobile,
        &v.telephone,
        &v.email,
        &v.biz_email,
        &v.gender,
        &v.position,
        &v.employee_no,
        &v.join_date,
        &v.address,
        &v.employment_type,
        now,
    ]
}

/// The preview of one row for the import wizard.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
pub struct PreviewRow {
    pub row: u32,
    /// `create`, `update`, `unchanged` or `invalid`.
    pub action: String,
    /// Cleaned values of the mapped columns, in column order.
    pub values: Vec<String>,
    pub problems: Vec<RowIssue>,
    pub notes: Vec<RowIssue>,
}

impl Plan {
    /// Rows for the wizard's preview table (`only_problems`: rows with errors or warnings).
    pub fn preview(&self, lang: Lang, only_problems: bool) -> Vec<PreviewRow> {
        let headers = self.headers();
        let mut by_row: BTreeMap<u32, (Vec<RowIssue>, Vec<RowIssue>)> = BTreeMap::new();
        for e in &self.errors {
            by_row
                .entry(e.row)
                .or_default()
                .0
                .push(e.render(lang, &headers));
        }
        for w in &self.warnings {
            by_row
                .entry(w.row)
                .or_default()
                .1
                .push(w.render(lang, &headers));
        }
        let fields: Vec<Field> = self.columns.iter().filter_map(|c| c.field).collect();
        self.rows
            .iter()
            .filter_map(|r| {
                let (problems, notes) = by_row.remove(&r.line).unwrap_or_default();
                if only_problems && problems.is_empty() && notes.is_empty() {
                    return None;
                }
                Some(PreviewRow {
                    row: r.line,
                    action: r.action.as_str().to_string(),
                    values: fields.iter().map(|f| r.values.display(*f)).collect(),
                    problems,
                    notes,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(userid: &str) -> PlannedRow {
        PlannedRow {
            line: 0,
            contact_rejected: false,
            values: Values {
                userid: Some(userid.into()),
                ..Default::default()
            },
            action: RowAction::Create,
            raw: None,
        }
    }

    #[test]
    fn values_seen_before_are_found_without_case() {
        let rows: Vec<PlannedRow> = [
            "ZhangWei",
            "zhangwei",
            "李娜",
            "Ｌｉｎａ",
            "ｌｉｎａ",
            "\u{212A}ai",
            "kai",
            "other",
        ]
        .into_iter()
        .map(row)
        .collect();
        let mut seen = Seen::default();
        let firsts: Vec<Option<usize>> = (0..rows.len())
            .map(|k| seen.first(&rows, k, |v| v.userid.as_deref(), true))
            .collect();
        // The Kelvin sign lowers to an ASCII k: the same account as "kai" once lowered.
        assert_eq!(
            firsts,
            [None, Some(0), None, None, Some(3), None, Some(5), None]
        );
        let mut exact = Seen::default();
        assert_eq!(exact.first(&rows, 0, |v| v.userid.as_deref(), false), None);
        assert_eq!(exact.first(&rows, 1, |v| v.userid.as_deref(), false), None);
    }
}
