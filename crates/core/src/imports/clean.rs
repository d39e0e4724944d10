//! Cleaning the cells of a row as users expect (spaces, full-width characters, mobiles stored as
//! numbers, Excel dates, department paths), each clean-up noted and each problem reported with
//! its row and column. Member fields are cleaned as their kind in the schema says.

use super::department_ids::DepartmentIds;
use super::header::{cell_text, Column, Field};
use super::issue::{Issue, NO_COLUMN};
use super::plan::{PlannedRow, RowAction, Values};
use crate::error::{Error, ErrorCode};
use crate::files::unneutralise;
use crate::members::{FieldKey, FieldKind, Gender, MemberFields, FIELDS};
use crate::org::departments::{self, DepthLimit};
use crate::validate::{self, half_width, trimmed};
use calamine::{Data, ExcelDateTime, ExcelDateTimeType};
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::sync::Arc;

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
    depth: DepthLimit,
    /// Department ids of an API-style file → paths.
    ids: Option<&'a DepartmentIds>,
    warnings: Vec<Issue>,
    errors: Vec<Issue>,
    contact_rejected: bool,
}

impl Cleaner<'_> {
    fn warn<const N: usize>(
        &mut self,
        column: u16,
        code: &'static str,
        params: [(&'static str, String); N],
    ) {
        self.warnings
            .push(Issue::warning(self.line, column, code, params));
    }

    fn fail(&mut self, column: u16, e: Error) {
        self.errors.push(Issue::error(self.line, column, e));
    }

    /// A cell's text: a control character is an error (tabs and line breaks are allowed only
    /// where `lines`), invisible characters (bidi controls, zero-width) are removed and noted.
    fn raw<'c>(&mut self, column: u16, cell: &'c Data, lines: bool) -> Option<Cow<'c, str>> {
        let raw = raw_text(cell)?;
        // Around the value, tabs and line breaks are spaces that trimming removes.
        let inner = trimmed(&raw).unwrap_or_default();
        if let Some(c) = validate::forbidden_control(inner, lines) {
            self.fail(
                column,
                Error::new(ErrorCode::InvalidCharacter, "import_invalid_character")
                    .with("char", format!("U+{:04X}", c as u32)),
            );
            return None;
        }
        match validate::without_invisible(&raw) {
            Some(visible) => {
                self.warn(column, "invisible_removed", [("value", visible.clone())]);
                Some(Cow::Owned(visible))
            }
            None => Some(raw),
        }
    }

    /// Trimmed text (with half-width conversion `convert`), noting each clean-up.
    fn text(&mut self, column: u16, cell: &Data, convert: fn(&str) -> String) -> Option<String> {
        self.text_lines(column, cell, convert, false)
    }

    /// [`Cleaner::text`] of a field that may span lines when `lines`.
    fn text_lines(
        &mut self,
        column: u16,
        cell: &Data,
        convert: fn(&str) -> String,
        lines: bool,
    ) -> Option<String> {
        let raw = self.raw(column, cell, lines)?;
        let trimmed = trimmed(&raw)?;
        if trimmed.len() != raw.len() {
            self.warn(column, "trimmed", [("value", trimmed.to_string())]);
        }
        if !has_full_width(trimmed) {
            return Some(trimmed.to_string());
        }
        let converted = convert(trimmed);
        if converted != trimmed {
            self.warn(
                column,
                "full_width",
                [("from", trimmed.to_string()), ("to", converted.clone())],
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
            self.warn(column, "leader_unknown", [("value", text)]);
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
                [("from", name), ("to", squeezed.clone())],
            );
        }
        Some(squeezed)
    }

    /// One member field's cell, cleaned as its kind says and checked against its limit
    /// (`max`, precomputed); an empty cell leaves the field empty.
    fn field(
        &mut self,
        key: FieldKey,
        column: u16,
        cell: &Data,
        max: Option<usize>,
        fields: &mut MemberFields,
    ) {
        let value = match key.spec().kind {
            FieldKind::Name => self.name(column, cell),
            FieldKind::Text => self.text_lines(column, cell, half_width_alnum, key.spec().lines),
            FieldKind::Code => self.text(column, cell, half_width),
            FieldKind::Mobile => self.mobile(column, cell),
            FieldKind::Email => self.email(column, cell),
            FieldKind::Date => self.date(column, cell, key),
            FieldKind::Gender => match self.text(column, cell, half_width) {
                Some(g) if g.parse::<Gender>().is_err() => {
                    self.warn(column, "unknown_gender", [("value", g)]);
                    None
                }
                g => g,
            },
            // Not read by imports (see `FieldSpec::import`).
            FieldKind::Status | FieldKind::Member => None,
        };
        if let (Some(v), Some(max)) = (&value, max) {
            if v.chars().count() > max {
                self.fail(
                    column,
                    Error::new(ErrorCode::TooLong, "field_too_long")
                        .with("field", key.code())
                        .with("value", v)
                        .with("max", max),
                );
            }
        }
        // Cleaned values of the kinds read here always parse (a gender was checked above).
        let _ = fields.set_owned(key, value);
    }

    fn mobile(&mut self, column: u16, cell: &Data) -> Option<String> {
        let raw = self.raw(column, cell, false)?;
        if matches!(cell, Data::Float(_) | Data::Int(_)) {
            self.warn(column, "mobile_was_number", [("value", raw.to_string())]);
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
                        [("from", raw.to_string()), ("to", m.clone())],
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

    fn date(&mut self, column: u16, cell: &Data, key: FieldKey) -> Option<String> {
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
                        [("from", from), ("to", iso.clone())],
                    );
                }
                Some(iso)
            }
            None => {
                self.fail(
                    column,
                    Error::new(ErrorCode::InvalidDate, "date_invalid")
                        .with("field", key.code())
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
                        [("path", given), ("root", root.to_string())],
                    );
                }
            }
            if let Err(e) = self.depth.check(levels.len(), || levels.join("/")) {
                self.fail(column, e);
                continue;
            }
            let path = levels.join("/");
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
        if spaced {
            self.warn(column, "department_normalized", [("to", paths.join(";"))]);
        }
        paths
    }
}

fn is_blank(cell: &Data) -> bool {
    raw_text(cell).is_none_or(|t| trimmed(&t).is_none())
}

/// The mapped columns of a sheet, and where each field is.
#[derive(Clone)]
pub(crate) struct Mapping {
    /// (cell index, field, column index in the plan).
    fields: Vec<(usize, Field, u16)>,
    /// Department level columns, level order: (level, cell index, column index).
    levels: Vec<(u8, usize, u16)>,
}

impl Mapping {
    pub(crate) fn new(columns: &[Column]) -> Mapping {
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
    pub(crate) fn column(&self, field: Field) -> u16 {
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
        depth: cleaning.depth,
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
            Field::Member(key) => cl.field(key, h, cell, cleaning.max[key as usize], &mut v.fields),
            Field::Userid => v.userid = cl.text(h, cell, half_width),
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
    // (A name refused for its characters is not missing as well.)
    let name_column = map.column(Field::Member(FieldKey::Name));
    if v.fields.name.is_empty() && !cl.errors.iter().any(|e| e.column == name_column) {
        cl.fail(
            name_column,
            Error::new(ErrorCode::MissingRequired, "import_missing_name"),
        );
    }
    if let Some(u) = &v.userid {
        if !validate::is_valid_userid(u) {
            cl.fail(
                map.column(Field::Userid),
                Error::new(ErrorCode::InvalidUserid, "userid_invalid").with("userid", u),
            );
        }
    }
    // The guide asks for a position with every member: a mapped but empty one is pointed out.
    let position = Field::Member(FieldKey::Position);
    if map.has(position) && !v.fields.is_set(FieldKey::Position) {
        cl.warn(map.column(position), "missing_position", []);
    }
    if v.departments.is_empty()
        && !cl
            .errors
            .iter()
            .any(|e| matches!(e.code, "invalid_department" | "invalid_character"))
    {
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
    let action = if invalid {
        RowAction::Invalid
    } else {
        RowAction::Create
    };
    let row = PlannedRow::new(line, v, action, cl.contact_rejected);
    (row, cl.warnings, cl.errors)
}

/// A row as cleaned: the planned row, its clean-ups and its problems so far.
pub(crate) type Cleaned = (PlannedRow, Vec<Issue>, Vec<Issue>);

/// Cleans rows, each on its own (on any thread).
pub(crate) struct Cleaning<'a> {
    pub(crate) map: Mapping,
    /// Each member field's limit ([`FieldKey`] as index), looked up once.
    pub(crate) max: Vec<Option<usize>>,
    pub(crate) root_name: Option<String>,
    /// How deep department paths may go.
    pub(crate) depth: DepthLimit,
    pub(crate) ids: Option<&'a DepartmentIds>,
    /// Department cells already read without a note, and their paths: most rows repeat one.
    pub(crate) paths: std::sync::Mutex<HashMap<String, Arc<[String]>>>,
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

impl<'a> Cleaning<'a> {
    /// The cleaning of rows under `columns`; `root_name` is the workspace's one top-level
    /// department (paths that leave it out are put under it).
    pub(crate) fn new(
        columns: &[Column],
        root_name: Option<String>,
        depth: DepthLimit,
        ids: Option<&'a DepartmentIds>,
    ) -> Cleaning<'a> {
        Cleaning {
            map: Mapping::new(columns),
            max: FIELDS.iter().map(|s| s.limit.map(|l| l.max())).collect(),
            root_name,
            depth,
            ids,
            paths: Default::default(),
        }
    }
}
