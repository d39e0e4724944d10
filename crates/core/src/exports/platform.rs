//! Writing a platform import file: rows streamed from the workspace straight into the file
//! (constant memory), every value as text, CSV cells neutralised.

use super::layout::{Kind, Layout, Value};
use super::mask::Mask;
use crate::error::{Error, ErrorCode, Result};
use crate::files::{io_error, neutralise, output_folder, Staged};
use crate::members::{FieldKey, Member, MemberStatus};
use crate::org::departments::Department;
use crate::progress::Progress;
use crate::xlsx::{self, fail};
use rusqlite::Connection;
use rust_xlsxwriter::{Color, Format};
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Numeric department ids for the API files: the single top-level department (the company) is
/// 1 as on WeCom; with several top-level departments, 1 is the company and they sit below it.
pub(crate) struct DepartmentIds {
    ids: HashMap<i64, i64>,
    /// (name, id, parent id, sort weight: larger comes first), parents first.
    pub rows: Vec<(String, i64, i64, i64)>,
}

impl DepartmentIds {
    pub fn new(departments: &[Department], company: &str) -> DepartmentIds {
        let roots = departments.iter().filter(|d| d.parent_id.is_none()).count();
        let mut ids = HashMap::default();
        let mut rows = Vec::with_capacity(departments.len() + 1);
        let mut next = 1;
        if roots != 1 {
            rows.push((company.to_string(), 1, 0, 0));
            next = 2;
        }
        // Siblings per parent, to turn positions into WeCom's "larger first" weights.
        let mut siblings: HashMap<Option<i64>, i64> = HashMap::default();
        for d in departments {
            *siblings.entry(d.parent_id).or_default() += 1;
        }
        for d in departments {
            ids.insert(d.id, next);
            let parent = match d.parent_id {
                Some(p) => ids[&p],
                None if roots == 1 => 0,
                None => 1,
            };
            let weight = siblings[&d.parent_id] - d.order.min(siblings[&d.parent_id] - 1);
            rows.push((d.name.clone(), next, parent, weight));
            next += 1;
        }
        DepartmentIds { ids, rows }
    }

    fn id(&self, department: i64) -> i64 {
        self.ids.get(&department).copied().unwrap_or(1)
    }
}

fn join(layout: &Layout, paths: &[String]) -> String {
    let sep = &layout.path_separator;
    let paths: Vec<Cow<str>> = paths
        .iter()
        .map(|p| {
            if sep == "/" {
                Cow::Borrowed(p.as_str())
            } else {
                Cow::Owned(p.replace('/', sep))
            }
        })
        .collect();
    paths.join(&layout.list_separator)
}

/// The text of one member cell.
pub(crate) fn cell<'m>(
    layout: &Layout,
    value: Value,
    m: &'m Member,
    ids: Option<&DepartmentIds>,
) -> Cow<'m, str> {
    match value {
        Value::Empty => Cow::Borrowed(""),
        Value::Field(FieldKey::Gender) => match m.fields.gender {
            Some(crate::members::Gender::Male) => Cow::Owned(layout.gender.male.clone()),
            Some(crate::members::Gender::Female) => Cow::Owned(layout.gender.female.clone()),
            None => Cow::Borrowed(""),
        },
        Value::Field(key) => m.fields.text(key).unwrap_or(Cow::Borrowed("")),
        Value::Userid => Cow::Borrowed(&m.userid),
        Value::Departments => Cow::Owned(join(layout, &m.departments)),
        Value::DepartmentLevel(n) => Cow::Owned(
            m.departments
                .first()
                .and_then(|p| p.split('/').nth(n as usize - 1))
                .unwrap_or("")
                .to_string(),
        ),
        Value::DepartmentIds => Cow::Owned(match ids {
            Some(ids) => m
                .department_ids
                .iter()
                .map(|d| ids.id(*d).to_string())
                .collect::<Vec<_>>()
                .join(&layout.list_separator),
            None => String::new(),
        }),
        Value::LeaderFlags => Cow::Owned(
            m.departments
                .iter()
                .map(|p| if m.leader_of.contains(p) { "1" } else { "0" })
                .collect::<Vec<_>>()
                .join(&layout.list_separator),
        ),
        Value::Disabled => Cow::Borrowed(
            if matches!(
                m.fields.status,
                MemberStatus::Frozen | MemberStatus::Departed
            ) {
                "1"
            } else {
                "0"
            },
        ),
        Value::DeptId | Value::DeptParentId | Value::DeptOrder => Cow::Borrowed(""),
    }
}

/// Counts and reports progress; fails when cancelled.
pub(crate) struct Ticker<'a> {
    pub done: u64,
    total: u64,
    progress: &'a dyn Progress,
}

impl<'a> Ticker<'a> {
    pub fn new(total: u64, progress: &'a dyn Progress) -> Self {
        progress.update(0, total);
        Ticker {
            done: 0,
            total,
            progress,
        }
    }

    pub fn tick(&mut self) -> Result<()> {
        self.done += 1;
        if self.done.is_multiple_of(512) {
            self.progress.update(self.done, self.total);
            if self.progress.cancelled() {
                return Err(Error::new(ErrorCode::Cancelled, "export_cancelled"));
            }
        }
        Ok(())
    }

    pub fn finish(&self) {
        self.progress.update(self.total, self.total);
    }
}

/// The cells of one member's row, one per layout column.
pub(crate) fn row_cells<'m>(
    layout: &Layout,
    m: &'m Member,
    ids: Option<&DepartmentIds>,
) -> Vec<Cow<'m, str>> {
    layout
        .columns
        .iter()
        .map(|c| cell(layout, c.value, m, ids))
        .collect()
}

/// The members as rows of a file, from display row `first`.
struct Rows<'a> {
    conn: &'a Connection,
    layout: &'a Layout,
    ids: Option<&'a DepartmentIds>,
    mask: Option<Mask>,
    first: u32,
}

impl Rows<'_> {
    /// Streams every member's cells to `write` (masked when asked) with its display row; the
    /// pre-flight `hook` sees the real values.
    fn each(
        &self,
        ticker: &mut Ticker,
        hook: RowHook,
        mut write: impl FnMut(u32, &[Cow<str>]) -> Result<()>,
    ) -> Result<()> {
        let mut row = self.first;
        crate::members::each(self.conn, |m| {
            let cells = row_cells(self.layout, &m, self.ids);
            hook(&m, row, &cells);
            match self.mask {
                Some(k) => write(row, &row_cells(self.layout, &k.member(m.clone()), self.ids))?,
                None => write(row, &cells)?,
            }
            row += 1;
            ticker.tick()
        })
    }
}

/// Sees every member row as it is written (the pre-flight checks run in the same pass).
pub(crate) type RowHook<'a> = &'a mut dyn FnMut(&Member, u32, &[Cow<str>]);

/// Files written but not yet in place: [`Staged::finish`] each to keep them, drop to discard.
pub(crate) struct Written {
    pub staged: Vec<Staged>,
    pub paths: Vec<PathBuf>,
}

impl Written {
    /// Every file appears, or none does.
    pub fn finish(self) -> Result<Vec<PathBuf>> {
        crate::files::finish_all(self.staged)?;
        Ok(self.paths)
    }
}

/// Writes the file (and its side files) in one pass over the members.
pub(crate) fn write(
    conn: &Connection,
    layout: &Layout,
    out: &Path,
    ids: Option<&DepartmentIds>,
    mask: Option<Mask>,
    ticker: &mut Ticker,
    hook: RowHook,
) -> Result<Written> {
    match layout.kind {
        Kind::Xlsx => write_xlsx(conn, layout, out, mask, ticker, hook),
        Kind::Csv => write_csv(conn, layout, out, ids, mask, ticker, hook),
    }
}

fn write_xlsx(
    conn: &Connection,
    layout: &Layout,
    out: &Path,
    mask: Option<Mask>,
    ticker: &mut Ticker,
    hook: RowHook,
) -> Result<Written> {
    output_folder(out)?;
    let fail = fail(out);
    let mut book = xlsx::workbook().map_err(&fail)?;
    let sheet = book.add_worksheet_with_constant_memory().map_err(&fail)?;
    sheet
        .set_name(layout.sheet.as_deref().unwrap_or("Sheet1"))
        .map_err(&fail)?;
    let note = Format::new()
        .set_font_name(xlsx::FONT)
        .set_font_size(9)
        .set_font_color(Color::RGB(0x595959));
    for (r, line) in layout.instructions.iter().enumerate() {
        sheet
            .write_string_with_format(r as u32, 0, line, &note)
            .map_err(&fail)?;
    }
    let header_row = layout.instructions.len() as u32;
    let text = xlsx::text();
    let required = xlsx::header().set_font_color(Color::RGB(0xC00000));
    let optional = xlsx::header();
    for (c, col) in layout.columns.iter().enumerate() {
        let c = c as u16;
        sheet.set_column_width(c, col.width).map_err(&fail)?;
        if col.text {
            sheet.set_column_format(c, &text).map_err(&fail)?;
        }
        let h = if col.required { &required } else { &optional };
        sheet
            .write_string_with_format(header_row, c, &col.header, h)
            .map_err(&fail)?;
    }
    sheet.set_freeze_panes(header_row + 1, 0).map_err(&fail)?;
    // Text columns carry the text format `@` (so Excel keeps what the user types there as text
    // too); the others use the workbook's default format, which has the CJK font.
    // Display rows start below the header; the sheet counts from 0.
    let first = header_row + 2;
    let rows = Rows {
        conn,
        layout,
        ids: None,
        mask,
        first,
    };
    rows.each(ticker, hook, |line, cells| {
        let row = line - 1;
        for ((c, v), col) in cells.iter().enumerate().zip(&layout.columns) {
            if v.is_empty() {
                continue;
            }
            if col.text {
                sheet.write_string_with_format(row, c as u16, v.as_ref(), &text)
            } else {
                sheet.write_string(row, c as u16, v.as_ref())
            }
            .map_err(&fail)?;
        }
        Ok(())
    })?;
    let notes_sheet = layout.notes_sheet.as_deref().or(mask.map(|_| MASKED_SHEET));
    if let Some(name) = notes_sheet {
        let notes = book.add_worksheet();
        notes.set_name(name).map_err(&fail)?;
        notes.set_column_width(0, 110).map_err(&fail)?;
        let wrap = Format::new().set_font_name(xlsx::FONT).set_text_wrap();
        for (r, line) in notes_lines(layout, out, mask).iter().enumerate() {
            notes
                .write_string_with_format(r as u32, 0, line, &wrap)
                .map_err(&fail)?;
        }
    }
    let staged = Staged::new(out)?;
    book.save(staged.path()).map_err(&fail)?;
    Ok(Written {
        staged: vec![staged],
        paths: vec![out.to_path_buf()],
    })
}

/// The notes sheet of a masked export whose layout has none.
const MASKED_SHEET: &str = "说明";

/// Said first in the notes of an export made in presentation mode.
const MASKED_NOTE: &str = "演示模式导出：手机号、邮箱（及所选的姓名）已打码，本文件只用于展示，不能用于导入。Exported in presentation mode: mobiles, emails (and names, if chosen) are masked; this file is for showing only, not for importing.";

/// The notes with file names filled in, then where the layout comes from.
fn notes_lines(layout: &Layout, out: &Path, mask: Option<Mask>) -> Vec<String> {
    let name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let departments = layout
        .departments_file
        .as_ref()
        .map(|s| name(&s.next_to(out, &layout.extension)))
        .unwrap_or_default();
    let mut lines: Vec<String> = mask.map(|_| MASKED_NOTE.to_string()).into_iter().collect();
    lines.extend(layout.notes.iter().map(|l| {
        l.replace("{members_file}", &name(out))
            .replace("{departments_file}", &departments)
    }));
    lines.push(String::new());
    lines.push(format!(
        "格式 / Layout: {} · {}",
        layout.name.zh_cn, layout.name.en_us
    ));
    lines.push(format!(
        "依据 / Source: {} ({}, {})",
        layout.source,
        layout.confidence.as_str(),
        layout.checked
    ));
    lines
}

fn csv_writer<'a>(
    staged: &'a mut Staged,
    bom: bool,
    path: &Path,
) -> Result<csv::Writer<BufWriter<&'a mut std::fs::File>>> {
    let mut w = BufWriter::with_capacity(1 << 16, staged.writer());
    if bom {
        w.write_all("\u{feff}".as_bytes())
            .map_err(|e| io_error(path, e))?;
    }
    Ok(csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(w))
}

fn csv_error(path: &Path) -> impl Fn(csv::Error) -> Error + '_ {
    move |e| io_error(path, e)
}

fn write_csv(
    conn: &Connection,
    layout: &Layout,
    out: &Path,
    ids: Option<&DepartmentIds>,
    mask: Option<Mask>,
    ticker: &mut Ticker,
    hook: RowHook,
) -> Result<Written> {
    let mut paths = vec![out.to_path_buf()];
    let mut members = Staged::new(out)?;
    {
        let err = csv_error(out);
        let mut w = csv_writer(&mut members, layout.bom, out)?;
        w.write_record(layout.columns.iter().map(|c| c.header.as_str()))
            .map_err(&err)?;
        let rows = Rows {
            conn,
            layout,
            ids,
            mask,
            first: 2,
        };
        rows.each(ticker, hook, |_, cells| {
            w.write_record(cells.iter().map(|c| neutralise(c).into_owned()))
                .map_err(&err)?;
            Ok(())
        })?;
        w.flush().map_err(|e| io_error(out, e))?;
    }
    let mut staged = vec![members];
    if let (Some(side), Some(path), Some(ids)) =
        (&layout.departments_file, layout.departments_path(out), ids)
    {
        let mut file = Staged::new(&path)?;
        {
            let err = csv_error(&path);
            let mut w = csv_writer(&mut file, layout.bom, &path)?;
            w.write_record(side.columns.iter().map(|c| c.header.as_str()))
                .map_err(&err)?;
            for (name, id, parent, order) in &ids.rows {
                let record: Vec<Cow<str>> = side
                    .columns
                    .iter()
                    .map(|c| match c.value {
                        Value::Field(FieldKey::Name) => neutralise(name),
                        Value::DeptId => Cow::Owned(id.to_string()),
                        Value::DeptParentId => Cow::Owned(parent.to_string()),
                        Value::DeptOrder => Cow::Owned(order.to_string()),
                        _ => Cow::Borrowed(""),
                    })
                    .collect();
                w.write_record(record.iter().map(|c| c.as_ref()))
                    .map_err(&err)?;
            }
            w.flush().map_err(|e| io_error(&path, e))?;
        }
        staged.push(file);
        paths.push(path);
    }
    if let Some(path) = layout.notes_path(out) {
        let mut file = Staged::new(&path)?;
        let mut text = notes_lines(layout, out, mask).join("\r\n");
        text.push_str("\r\n");
        // A BOM so that Notepad and Excel on Chinese Windows read the notes as UTF-8.
        file.writer()
            .write_all(format!("\u{feff}{text}").as_bytes())
            .map_err(|e| io_error(&path, e))?;
        staged.push(file);
        paths.push(path);
    }
    Ok(Written { staged, paths })
}
