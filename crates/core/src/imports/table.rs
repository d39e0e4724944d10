//! Reading the rows of a table with a small, fixed set of columns (activity statistics,
//! customers, orders) from a workbook or a CSV file: the header is looked for in the first rows
//! of each sheet, each row's values are handed to a [`Sink`] in the order of the table's
//! columns, and a row the sink refuses becomes a [`SheetProblem`] with its sheet and row.
//!
//! A CSV file is held as text once (without a copy when it is UTF-8) and parsed as a stream of
//! records; a large one without quoted fields is split at line breaks and parsed on every core,
//! each part into its own sink, merged in file order.

use super::header::cell_text;
use super::read::Workbook;
use super::SheetProblem;
use crate::error::{Error, ErrorCode, Result};
use crate::i18n::Lang;
use crate::progress::Progress;
use calamine::Data;
use rustc_hash::FxHashMap;

/// Problems listed in a report; the rest are counted.
pub(crate) const PROBLEMS_LISTED: usize = 1000;

/// Columns a table may have.
pub(crate) const MAX_COLUMNS: usize = 24;

/// Bodies smaller than this are read on one thread.
const PARALLEL_BYTES: usize = 1 << 20;

/// Takes the rows of a table. A file read in parts has a sink per part, made in file order;
/// each later part's is merged into the first.
pub(crate) trait Sink: Send + Sized {
    /// One row's values in the order of the table's columns (None: no such column or cell).
    fn take(&mut self, values: &[Option<&str>]) -> Result<()>;
    /// Adds what a later part of the file read.
    fn merge(&mut self, later: Self);
    /// About `rows` rows are coming (what the sheet declares).
    fn reserve(&mut self, _rows: usize) {}
}

/// A header found: what kind of table it starts, the cell index of each of the table's columns
/// (`usize::MAX`: not in the file) and which columns hold dates or times (an Excel date there
/// is read as `YYYY-MM-DD HH:MM:SS`).
pub(crate) struct Header<K> {
    pub kind: K,
    pub at: Vec<usize>,
    pub dated: Vec<bool>,
}

/// What a file gave: rows read, the first problems (and how many in all), and the sink.
pub(crate) struct Table<S> {
    pub rows: u64,
    pub problems: Vec<SheetProblem>,
    pub problem_count: u64,
    /// The values of the rows with the listed problems, in the table's column order.
    pub bad_rows: Vec<Vec<String>>,
    pub sink: S,
}

impl<S: Sink> Table<S> {
    fn new(sink: S) -> Self {
        Table {
            rows: 0,
            problems: Vec::new(),
            problem_count: 0,
            bad_rows: Vec::new(),
            sink,
        }
    }

    /// Hands a row to the sink (an empty row is skipped); what it refuses.
    fn row(&mut self, values: &[Option<&str>]) -> Option<Error> {
        if values.iter().all(|v| v.is_none_or(|v| v.trim().is_empty())) {
            return None;
        }
        self.rows += 1;
        self.sink.take(values).err()
    }

    /// Takes a workbook row's cells in the order of `header`'s columns.
    fn take_cells<K>(
        &mut self,
        header: &Header<K>,
        row: &[Data],
        lang: Lang,
        sheet: &str,
        at: u32,
    ) {
        let texts: Vec<Option<std::borrow::Cow<str>>> = header
            .at
            .iter()
            .zip(&header.dated)
            .map(|(c, dated)| row.get(*c).map(|cell| cell_value(cell, *dated)))
            .collect();
        let values: Vec<Option<&str>> = texts.iter().map(|t| t.as_deref()).collect();
        if let Some(e) = self.row(&values) {
            self.problem(sheet, at, &values, e, lang);
        }
    }

    fn problem(&mut self, sheet: &str, row: u32, values: &[Option<&str>], e: Error, lang: Lang) {
        self.problem_count += 1;
        if self.problems.len() < PROBLEMS_LISTED {
            self.bad_rows
                .push(values.iter().map(|v| v.unwrap_or("").to_string()).collect());
            self.problems.push(SheetProblem {
                sheet: sheet.to_string(),
                row,
                code: e.key.to_string(),
                message: e.message(lang),
            });
        }
    }

    fn merge(&mut self, later: Table<S>) {
        self.rows += later.rows;
        self.problem_count += later.problem_count;
        let room = PROBLEMS_LISTED.saturating_sub(self.problems.len());
        self.problems.extend(later.problems.into_iter().take(room));
        self.bad_rows.extend(later.bad_rows.into_iter().take(room));
        self.sink.merge(later.sink);
    }
}

/// A cell's text; an Excel date or time in a dated column as `YYYY-MM-DD HH:MM:SS`.
fn cell_value(cell: &Data, dated: bool) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    match cell {
        // Most cells: their text, trimmed, without a copy.
        Data::String(s) => Cow::Borrowed(s.trim()),
        Data::DateTime(_) | Data::DateTimeIso(_) => Cow::Owned(
            super::approval_records::datetime_of(cell).unwrap_or_else(|| cell_text(cell)),
        ),
        Data::Float(f) if dated && *f > 1.0 => Cow::Owned(
            super::approval_records::datetime_of(cell).unwrap_or_else(|| cell_text(cell)),
        ),
        _ => Cow::Owned(cell_text(cell)),
    }
}

/// Reads `bytes` (named `name` in messages): `find` is given the first rows' texts and says
/// which is the header (its index) and what it starts; `sink` makes an empty sink for that kind
/// of table. None when no sheet has a header `find` accepts.
pub(crate) fn read<K: Copy + Send + Sync, S: Sink>(
    bytes: Vec<u8>,
    name: &str,
    find: impl Fn(&[Vec<String>]) -> Option<(usize, Header<K>)>,
    sink: impl Fn(K) -> S + Sync,
    lang: Lang,
    progress: &dyn Progress,
) -> Result<Option<(K, Table<S>)>> {
    let total = bytes.len() as u64;
    let workbook = bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let found = if workbook {
        let mut book = Workbook::open(bytes, name)?;
        let mut found = None;
        for index in 0..book.sheet_names.len() {
            if let Some(streamed) =
                stream_sheet(&mut book, index, name, &find, &sink, lang, progress)?
            {
                // An .xlsx sheet: read on another thread while its rows are taken here.
                if let Some(t) = streamed {
                    found = Some(t);
                    break;
                }
                continue;
            }
            let sheet = book.sheet(index, name)?;
            let head: Vec<Vec<String>> = sheet
                .rows()
                .take(super::HEADER_SCAN_ROWS)
                .map(|r| r.iter().map(cell_text).collect())
                .collect();
            let Some((at_row, header)) = find(&head) else {
                continue;
            };
            let mut table = Table::new(sink(header.kind));
            for (i, row) in sheet.rows().enumerate().skip(at_row + 1) {
                table.take_cells(&header, row, lang, &sheet.name, sheet.display_row(i));
            }
            found = Some((header.kind, table));
            break;
        }
        found
    } else {
        let (text, _) = super::read::decode_owned(bytes).ok_or_else(|| {
            Error::new(ErrorCode::UnreadableFile, "import_not_a_spreadsheet").with("file", name)
        })?;
        let csv = Csv {
            delimiter: super::read::sniff_delimiter(&text),
            file: name,
            sheet: name
                .rsplit_once('.')
                .map_or(name, |(stem, _)| stem)
                .to_string(),
            lang,
            progress,
            total,
        };
        match csv.header(&text, &find)? {
            Some((header, start, line)) => {
                let table = csv.body(&text, start, line, &header.at, || sink(header.kind))?;
                Some((header.kind, table))
            }
            None => None,
        }
    };
    progress.update(total, total);
    Ok(found)
}

/// What a file gave: the kind of table and what was read of it.
type Read<K, S> = (K, Table<S>);

/// Reads sheet `index` of an .xlsx workbook as a stream: the header is looked for in its first
/// rows, then each row is taken while the rest is still being parsed on another thread. None
/// when the workbook is not an .xlsx one (read it whole); Some(None) when the sheet has no header
/// `find` accepts.
fn stream_sheet<K: Copy, S: Sink>(
    book: &mut Workbook,
    index: usize,
    file: &str,
    find: &impl Fn(&[Vec<String>]) -> Option<(usize, Header<K>)>,
    sink: &impl Fn(K) -> S,
    lang: Lang,
    progress: &dyn Progress,
) -> Result<Option<Option<Read<K, S>>>> {
    let sheet = book.sheet_names.get(index).cloned().unwrap_or_default();
    let mut head: Vec<(u32, Vec<Data>)> = Vec::new();
    let mut taking: Option<(Header<K>, Table<S>)> = None;
    let mut no_header = false;
    // Looks for the header in the rows so far; takes the rows after it.
    let decide = |head: &mut Vec<(u32, Vec<Data>)>,
                  taking: &mut Option<(Header<K>, Table<S>)>,
                  no_header: &mut bool| {
        let texts: Vec<Vec<String>> = head
            .iter()
            .map(|(_, r)| r.iter().map(cell_text).collect())
            .collect();
        match find(&texts) {
            Some((at, header)) => {
                let mut table = Table::new(sink(header.kind));
                for (i, row) in head.drain(..).skip(at + 1) {
                    table.take_cells(&header, &row, lang, &sheet, i + 1);
                }
                *taking = Some((header, table));
            }
            None => *no_header = true,
        }
    };
    let streamed = book.stream(
        index,
        file,
        false,
        None,
        |batch| batch,
        |height, batch| {
            if progress.cancelled() {
                return Err(Error::new(ErrorCode::Cancelled, "import_cancelled"));
            }
            if let Some((last, _)) = batch.last() {
                progress.update(u64::from(*last) + 1, u64::from(height));
            }
            let reserve = taking.is_none();
            for (i, row) in batch {
                if let Some((header, table)) = &mut taking {
                    table.take_cells(header, &row, lang, &sheet, i + 1);
                    continue;
                }
                // Rows further down than the header scan reaches count as scanned.
                head.push((i, row));
                if head.len() >= super::HEADER_SCAN_ROWS {
                    decide(&mut head, &mut taking, &mut no_header);
                    if no_header {
                        return Ok(false);
                    }
                    if let Some((_, table)) = taking.as_mut().filter(|_| reserve) {
                        table.sink.reserve(height as usize);
                    }
                }
            }
            Ok(true)
        },
    )?;
    if streamed.is_none() {
        return Ok(None);
    }
    if taking.is_none() && !no_header && !head.is_empty() {
        decide(&mut head, &mut taking, &mut no_header);
    }
    Ok(Some(taking.map(|(header, table)| (header.kind, table))))
}

/// A CSV file being read.
struct Csv<'a> {
    delimiter: u8,
    file: &'a str,
    sheet: String,
    lang: Lang,
    progress: &'a dyn Progress,
    total: u64,
}

impl Csv<'_> {
    fn reader<'t>(&self, text: &'t str) -> csv::Reader<&'t [u8]> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .from_reader(text.as_bytes())
    }

    fn bad(&self, line: u64) -> Error {
        Error::new(ErrorCode::UnreadableFile, "import_bad_csv")
            .with("file", self.file)
            .with("line", line)
    }

    /// The header among the first records, where the data starts (byte offset) and the
    /// header's line.
    fn header<K>(
        &self,
        text: &str,
        find: &impl Fn(&[Vec<String>]) -> Option<(usize, Header<K>)>,
    ) -> Result<Option<(Header<K>, usize, u32)>> {
        let mut reader = self.reader(text);
        let mut record = csv::StringRecord::new();
        let mut head: Vec<Vec<String>> = Vec::new();
        while head.len() < super::HEADER_SCAN_ROWS {
            let more = reader
                .read_record(&mut record)
                .map_err(|e| self.bad(e.position().map_or(0, |p| p.line())))?;
            if !more {
                break;
            }
            head.push(record.iter().map(str::to_string).collect());
            if let Some((at_row, header)) = find(&head) {
                if at_row + 1 != head.len() {
                    // A header above the last row read: not how `find` is used (it is asked
                    // after every row), but read on from the right place anyway.
                    continue;
                }
                let line = record.position().map_or(0, |p| p.line() as u32);
                // After a CRLF record the reader's offset may point at its line break.
                let mut start = reader.position().byte() as usize;
                for b in [b'\r', b'\n'] {
                    if text.as_bytes().get(start) == Some(&b) {
                        start += 1;
                    }
                }
                return Ok(Some((header, start, line)));
            }
        }
        Ok(None)
    }

    /// Reads the data from byte `start` on (after line `line`): split at line breaks over the
    /// threads when it is large and has no quoted fields (which could hold line breaks).
    fn body<S: Sink>(
        &self,
        text: &str,
        start: usize,
        line: u32,
        at: &[usize],
        sink: impl Fn() -> S + Sync,
    ) -> Result<Table<S>> {
        let body = &text[start.min(text.len())..];
        let parts = rayon::current_num_threads().max(1);
        if parts == 1
            || body.len() < PARALLEL_BYTES
            || memchr::memchr(b'"', body.as_bytes()).is_some()
        {
            return self.chunk(body, start as u64, line, at, sink());
        }
        // Parts that end just after a line break, and the line each starts after.
        let mut bounds = vec![0usize];
        for i in 1..parts {
            let guess = (body.len() * i / parts).max(*bounds.last().unwrap_or(&0));
            let cut = memchr::memchr(b'\n', &body.as_bytes()[guess..])
                .map_or(body.len(), |p| guess + p + 1);
            bounds.push(cut);
        }
        bounds.push(body.len());
        let mut lines = vec![line];
        for w in bounds.windows(2).take(parts - 1) {
            let breaks = memchr::memchr_iter(b'\n', &body.as_bytes()[w[0]..w[1]]).count() as u32;
            lines.push(lines.last().copied().unwrap_or(line) + breaks);
        }
        let parts: Vec<Result<Table<S>>> = {
            use rayon::prelude::*;
            // Sinks made in file order (see `Sink`).
            let sinks: Vec<S> = lines.iter().map(|_| sink()).collect();
            bounds
                .windows(2)
                .zip(lines)
                .zip(sinks)
                .collect::<Vec<_>>()
                .into_par_iter()
                .map(|((w, first), sink)| {
                    self.chunk(&body[w[0]..w[1]], (start + w[0]) as u64, first, at, sink)
                })
                .collect()
        };
        let mut parts = parts.into_iter();
        let mut out = parts.next().unwrap_or_else(|| Ok(Table::new(sink())))?;
        for p in parts {
            out.merge(p?);
        }
        Ok(out)
    }

    /// Reads the records of `text` (which starts at byte `offset` of the file, after line
    /// `line`).
    fn chunk<S: Sink>(
        &self,
        text: &str,
        offset: u64,
        line: u32,
        at: &[usize],
        sink: S,
    ) -> Result<Table<S>> {
        let mut out = Table::new(sink);
        let mut reader = self.reader(text);
        let mut record = csv::StringRecord::new();
        let bytes = text.as_bytes();
        let (mut counted_to, mut row) = (0usize, line + 1);
        loop {
            let more = reader
                .read_record(&mut record)
                .map_err(|e| self.bad(u64::from(line) + e.position().map_or(0, |p| p.line())))?;
            if !more {
                break;
            }
            let mut cells = [None; MAX_COLUMNS];
            for (slot, c) in cells.iter_mut().zip(at) {
                *slot = record.get(*c);
            }
            let values = &cells[..at.len()];
            if let Some(e) = out.row(values) {
                // The row, from the line breaks before the record's first byte (the reader's
                // own count is one short in CRLF files).
                let mut first = record.position().map_or(counted_to, |p| p.byte() as usize);
                while matches!(bytes.get(first), Some(b'\r' | b'\n')) {
                    first += 1;
                }
                let first = first.min(bytes.len()).max(counted_to);
                row += memchr::memchr_iter(b'\n', &bytes[counted_to..first]).count() as u32;
                counted_to = first;
                out.problem(&self.sheet, row, values, e, self.lang);
            }
            if out.rows.is_multiple_of(65_536) {
                if self.progress.cancelled() {
                    return Err(Error::new(ErrorCode::Cancelled, "import_cancelled"));
                }
                let done = offset + record.position().map_or(0, |p| p.byte());
                self.progress.update(done, self.total);
            }
        }
        Ok(out)
    }
}

/// Members by account and by name, for rows that name a member either way.
pub(crate) struct MemberIndex {
    by_account: FxHashMap<String, i64>,
    by_name: FxHashMap<String, Option<i64>>,
}

/// Who a row names.
pub(crate) enum Found {
    One(i64),
    /// A name two members share.
    Ambiguous(String),
    /// Neither an account nor a name of anyone.
    Unknown(String),
    /// Nothing to go by.
    Missing,
}

impl MemberIndex {
    pub(crate) fn load(conn: &rusqlite::Connection) -> Result<MemberIndex> {
        let mut by_account = FxHashMap::default();
        let mut by_name: FxHashMap<String, Option<i64>> = FxHashMap::default();
        let mut stmt = conn.prepare("SELECT id, userid, name FROM members")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            by_account.insert(r.get::<_, String>(1)?.to_lowercase(), id);
            by_name
                .entry(r.get(2)?)
                .and_modify(|e| *e = None)
                .or_insert(Some(id));
        }
        Ok(MemberIndex {
            by_account,
            by_name,
        })
    }

    /// The member a row names: by account, else by a name no one else has (a name column may
    /// also hold an account).
    pub(crate) fn find(&self, account: Option<&str>, name: Option<&str>) -> Found {
        let account = account.map(str::trim).filter(|a| !a.is_empty());
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        let by_account = |a: &str| {
            if a.bytes().any(|b| !b.is_ascii() || b.is_ascii_uppercase()) {
                self.by_account.get(&a.to_lowercase()).copied()
            } else {
                self.by_account.get(a).copied()
            }
        };
        if let Some(id) = account.and_then(by_account) {
            return Found::One(id);
        }
        if let Some(n) = name {
            match self.by_name.get(n) {
                Some(Some(id)) => return Found::One(*id),
                Some(None) => return Found::Ambiguous(n.to_string()),
                None => {
                    if let Some(id) = by_account(n) {
                        return Found::One(id);
                    }
                }
            }
        }
        match account.or(name) {
            Some(who) => Found::Unknown(who.to_string()),
            None => Found::Missing,
        }
    }
}

/// Writes the rows with problems to `path` as the file had them (`columns` are their headers)
/// with the reason, for the user to fix and import again; returns the rows written.
pub(crate) fn write_problem_rows(
    path: &std::path::Path,
    columns: &[String],
    problems: &[SheetProblem],
    rows: &[Vec<String>],
    lang: Lang,
) -> Result<u32> {
    use crate::i18n::t;
    crate::files::output_folder(path)?;
    let fail = crate::xlsx::fail(path);
    let mut book = crate::xlsx::workbook().map_err(&fail)?;
    let sheet = book.add_worksheet();
    sheet
        .set_name(t(lang, "imports.error_sheet", &[]))
        .map_err(fail)?;
    let header = crate::xlsx::header();
    let text = crate::xlsx::text();
    let mut heads: Vec<String> = vec![t(lang, "imports.row_column", &[])];
    heads.extend(columns.iter().cloned());
    heads.push(t(lang, "imports.reason_column", &[]));
    for (c, h) in heads.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, h, &header)
            .map_err(fail)?;
        // The row number narrow, values wide enough for a time or a mobile, the reason wide
        // enough to read.
        let width = match c {
            0 => 8,
            _ if c + 1 == heads.len() => 60,
            _ => 16,
        };
        sheet.set_column_width(c as u16, width).map_err(fail)?;
    }
    for (i, (p, values)) in problems.iter().zip(rows).enumerate() {
        let r = i as u32 + 1;
        sheet.write_number(r, 0, f64::from(p.row)).map_err(fail)?;
        for (c, v) in values.iter().enumerate() {
            sheet
                .write_string_with_format(r, c as u16 + 1, crate::files::neutralise(v), &text)
                .map_err(fail)?;
        }
        sheet
            .write_string(r, values.len() as u16 + 1, &p.message)
            .map_err(fail)?;
    }
    crate::xlsx::save(&mut book, path)?;
    Ok(problems.len() as u32)
}
