//! Reading a staff list into grids of cells. The format is decided by the bytes, not by the file
//! name: .xlsx/.xlsm, .xls, .ods through calamine; anything else that is text is CSV, in UTF-8
//! (with or without BOM), UTF-16 (with BOM) or GBK/GB18030 as Chinese Excel and WPS save it.

use super::guard::{self, CellCount};
use crate::error::{Error, ErrorCode, Result};
use calamine::{Data, DataRef, Dimensions, Ods, Range, Reader, Xls, Xlsx};
use std::io::Cursor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xls,
    Ods,
    Csv,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Csv => "csv",
        }
    }
}

/// One sheet: its rows from the first row and column with a value, each up to its last cell
/// with a value (rows are as long as they need to be, not as wide as the sheet: a stray cell far
/// to the right costs one long row, not a long row for every row).
pub struct Sheet {
    pub name: String,
    /// Absolute position (row, column) of the grid's first row and column.
    start: (u32, u32),
    grid: Vec<Vec<Data>>,
    /// CSV only: the file line on which each record starts (records may span lines).
    lines: Option<Vec<u32>>,
}

impl Sheet {
    /// Number of grid rows (from the first used row).
    pub fn height(&self) -> usize {
        self.grid.len()
    }

    /// The row number a user sees for grid row `i`: Excel's row number, or the CSV line.
    pub fn display_row(&self, i: usize) -> u32 {
        match &self.lines {
            Some(lines) => lines.get(i).copied().unwrap_or(i as u32 + 1),
            None => self.start.0 + i as u32 + 1,
        }
    }

    /// The grid row whose display number is `n`, if any.
    pub fn row_for_display(&self, n: u32) -> Option<usize> {
        (0..self.height()).find(|&i| self.display_row(i) == n)
    }

    /// The grid rows in order, each from the grid's first column.
    pub fn rows(&self) -> impl Iterator<Item = &[Data]> {
        self.grid.iter().map(Vec::as_slice)
    }

    /// Absolute position (row, column) of the grid's first row and column.
    pub fn start(&self) -> (u32, u32) {
        self.start
    }

    /// A sheet of the rows given (absolute row index from 0, cells from column A, in order).
    pub fn from_rows(name: &str, rows: Vec<(u32, Vec<Data>)>) -> Sheet {
        let filled = |cells: &[Data]| cells.iter().position(|v| *v != Data::Empty);
        let first_column = rows
            .iter()
            .filter_map(|(_, cells)| filled(cells))
            .min()
            .unwrap_or(0);
        let first_row = rows
            .iter()
            .filter(|(_, cells)| filled(cells).is_some())
            .map(|(r, _)| *r)
            .min()
            .unwrap_or(0);
        let mut grid: Vec<Vec<Data>> = Vec::new();
        for (r, mut cells) in rows {
            if r < first_row {
                continue;
            }
            let at = (r - first_row) as usize;
            if grid.len() <= at {
                grid.resize_with(at + 1, Vec::new);
            }
            cells.drain(..first_column.min(cells.len()));
            trim(&mut cells);
            grid[at] = cells;
        }
        while grid.last().is_some_and(Vec::is_empty) {
            grid.pop();
        }
        Sheet {
            name: name.to_string(),
            start: (first_row, first_column as u32),
            grid,
            lines: None,
        }
    }

    /// A sheet of a reader's grid.
    fn from_range(name: String, cells: Range<Data>) -> Sheet {
        let start = cells.start().unwrap_or((0, 0));
        let grid = cells
            .rows()
            .map(|row| {
                let mut cells = row.to_vec();
                trim(&mut cells);
                cells
            })
            .collect();
        Sheet {
            name,
            start,
            grid,
            lines: None,
        }
    }

    /// Cells with a value, and cells held.
    fn count(&self) -> CellCount {
        let mut count = CellCount::default();
        for row in &self.grid {
            count.real += row.iter().filter(|v| **v != Data::Empty).count() as u64;
            count.spread += row.len() as u64;
        }
        count
    }

    /// Fills merged regions with their top-left cell's value, as a reader of the sheet sees it.
    /// Regions are clipped to the grid, and every cell they fill counts against the sheet's
    /// [`guard::cell_budget`]: a crafted file cannot make this run long.
    fn fill_merges(&mut self, merged: &[Dimensions], file: &str) -> Result<()> {
        let mut count = self.count();
        let width = self.grid.iter().map(Vec::len).max().unwrap_or(0) as u32;
        let (top, left) = self.start;
        for region in merged {
            let (Some(r0), Some(c0)) = (
                region.start.0.checked_sub(top),
                region.start.1.checked_sub(left),
            ) else {
                continue;
            };
            let value = match self
                .grid
                .get(r0 as usize)
                .and_then(|row| row.get(c0 as usize))
            {
                Some(v) if *v != Data::Empty => v.clone(),
                _ => continue,
            };
            let r1 = region
                .end
                .0
                .saturating_sub(top)
                .min(self.grid.len() as u32 - 1);
            let c1 = region.end.1.saturating_sub(left).min(width - 1);
            if r1 < r0 || c1 < c0 {
                continue; // a region that ends before it starts (a damaged file)
            }
            let area = u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1);
            count.add(0, area, file, &self.name)?;
            for r in r0..=r1 {
                let row = &mut self.grid[r as usize];
                if row.len() <= c1 as usize {
                    row.resize(c1 as usize + 1, Data::Empty);
                }
                for c in c0..=c1 {
                    if (r, c) != (r0, c0) {
                        row[c as usize] = value.clone();
                    }
                }
            }
        }
        Ok(())
    }
}

/// Drops a row's trailing empty cells.
fn trim(cells: &mut Vec<Data>) {
    let end = cells
        .iter()
        .rposition(|v| *v != Data::Empty)
        .map_or(0, |e| e + 1);
    cells.truncate(end);
}

/// Builds the rows of a sheet from its cells in order (as an .xlsx reader gives them), counting
/// what they hold against the sheet's [`guard::cell_budget`]. Cells right of `columns` (when
/// given) are left out: nothing reads them.
struct Rows<'a> {
    file: &'a str,
    sheet: &'a str,
    columns: Option<u32>,
    count: CellCount,
    row: Vec<Data>,
    at: Option<u32>,
}

impl<'a> Rows<'a> {
    fn new(file: &'a str, sheet: &'a str, columns: Option<u32>) -> Rows<'a> {
        Rows {
            file,
            sheet,
            columns,
            count: CellCount::default(),
            row: Vec::new(),
            at: None,
        }
    }

    /// Adds a cell with a value; hands back the previous row when this one starts a new row.
    fn push(&mut self, (r, c): (u32, u32), value: Data) -> Result<Option<(u32, Vec<Data>)>> {
        if self.columns.is_some_and(|n| c >= n) {
            return Ok(None);
        }
        let (mut done, mut skipped) = (None, 0);
        if self.at != Some(r) {
            if let Some(previous) = self.at {
                // The next row is about as wide: make room once.
                let next = Vec::with_capacity(self.row.len());
                done = Some((previous, std::mem::replace(&mut self.row, next)));
                // Rows skipped between the two still take room in a sheet's grid.
                skipped = u64::from(r.abs_diff(previous)).saturating_sub(1);
            }
            self.at = Some(r);
        }
        let c = c as usize;
        let grown = (c + 1).saturating_sub(self.row.len()) as u64;
        self.count.add(1, grown + skipped, self.file, self.sheet)?;
        if grown > 0 {
            self.row.resize(c + 1, Data::Empty);
        }
        self.row[c] = value;
        Ok(done)
    }

    /// The last row.
    fn finish(&mut self) -> Option<(u32, Vec<Data>)> {
        self.at.take().map(|r| (r, std::mem::take(&mut self.row)))
    }
}

/// A file's bytes, shared by the readers that try them (not copied for each).
#[derive(Clone)]
struct Shared(std::sync::Arc<Vec<u8>>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

enum Book {
    /// The reader, and whether a worksheet has merged regions (found by [`guard::check_zip`]).
    Xlsx(Xlsx<Cursor<Shared>>, bool),
    Xls(Xls<Cursor<Vec<u8>>>),
    Ods(Ods<Cursor<Shared>>),
    /// The text, read into rows only when needed (streamed, or parsed whole), and its number of
    /// lines (counted once: a streamed import reads the file twice, first its top rows).
    Csv(String, u32),
    /// Read to the end and let go (see [`Workbook::close`]).
    Closed,
}

/// An opened file whose sheets are read when first needed.
pub struct Workbook {
    pub format: Format,
    /// For CSV: the detected text encoding.
    pub encoding: Option<&'static str>,
    pub sheet_names: Vec<String>,
    book: Book,
}

fn unreadable(file: &str, key: &'static str) -> Error {
    Error::new(ErrorCode::UnreadableFile, key).with("file", file)
}

const XLS_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

impl Workbook {
    /// Opens `bytes`; `file` names the file in messages.
    pub fn open(bytes: Vec<u8>, file: &str) -> Result<Workbook> {
        if bytes.is_empty() {
            return Err(unreadable(file, "import_empty_file"));
        }
        if bytes.starts_with(b"PK\x03\x04") {
            // What the parts claim is checked before a reader believes it.
            let scanned = guard::check_zip(&bytes, file)?;
            // A ZIP is a workbook only if one of the readers finds sheets in it.
            let bytes = Shared(std::sync::Arc::new(bytes));
            if let Ok(x) = Xlsx::new(Cursor::new(bytes.clone())) {
                let names = x.sheet_names();
                if !names.is_empty() {
                    return Ok(Workbook {
                        format: Format::Xlsx,
                        encoding: None,
                        sheet_names: names,
                        book: Book::Xlsx(x, scanned.merges),
                    });
                }
            }
            guard::check_ods(bytes.as_ref(), file)?;
            return match Ods::new(Cursor::new(bytes)) {
                Ok(o) if !o.sheet_names().is_empty() => {
                    let names = o.sheet_names();
                    Ok(Workbook {
                        format: Format::Ods,
                        encoding: None,
                        sheet_names: names,
                        book: Book::Ods(o),
                    })
                }
                _ => Err(unreadable(file, "import_bad_zip")),
            };
        }
        if bytes.starts_with(&XLS_MAGIC) {
            let bytes = guard::check_cfb(bytes, file)?;
            return match Xls::new(Cursor::new(bytes)) {
                Ok(x) => {
                    let names = x.sheet_names();
                    Ok(Workbook {
                        format: Format::Xls,
                        encoding: None,
                        sheet_names: names,
                        book: Book::Xls(x),
                    })
                }
                Err(_) => Err(unreadable(file, "import_bad_xls")),
            };
        }
        let (text, encoding) =
            decode_owned(bytes).ok_or_else(|| unreadable(file, "import_not_a_spreadsheet"))?;
        let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count() as u32 + 1;
        Ok(Workbook {
            format: Format::Csv,
            encoding: Some(encoding),
            sheet_names: vec![CSV_SHEET.to_string()],
            book: Book::Csv(text, lines),
        })
    }

    /// Reads sheet `index` with merged cells filled from their top-left cell.
    pub fn sheet(&mut self, index: usize, file: &str) -> Result<Sheet> {
        let name = self.sheet_names.get(index).cloned().unwrap_or_default();
        let damaged = || unreadable(file, "import_damaged_sheet").with("sheet", &name);
        let (mut sheet, merged) = match &mut self.book {
            Book::Xlsx(x, merges) => {
                let mut cells = x.worksheet_cells_reader(&name).map_err(|_| damaged())?;
                let mut rows = Rows::new(file, &name, None);
                let mut read = Vec::new();
                while let Some(cell) = cells.next_cell().map_err(|_| damaged())? {
                    if matches!(cell.get_value(), DataRef::Empty) {
                        continue;
                    }
                    let value = cell.get_value().clone().into();
                    read.extend(rows.push(cell.get_position(), value)?);
                }
                read.extend(rows.finish());
                drop(cells);
                let sheet = Sheet::from_rows(&name, read);
                // Merged regions need a second pass over the sheet's XML: only when there are.
                let merged = if *merges {
                    x.merge_cells_by_sheet_name(&name).unwrap_or_default()
                } else {
                    Vec::new()
                };
                (sheet, merged)
            }
            Book::Xls(x) => {
                let cells = x.worksheet_range(&name).map_err(|_| damaged())?;
                let merged = x.merge_cells_by_sheet_name(&name).unwrap_or_default();
                (Sheet::from_range(name, cells), merged)
            }
            Book::Ods(o) => {
                let cells = o.worksheet_range(&name).map_err(|_| damaged())?;
                (Sheet::from_range(name, cells), Vec::new())
            }
            Book::Csv(text, _) => return parse_csv(text, file),
            Book::Closed => return Err(Error::internal("a sheet read after its file was closed")),
        };
        sheet.fill_merges(&merged, file)?;
        Ok(sheet)
    }
}

impl Workbook {
    /// Lets go of the file's bytes once nothing will read them again (a streamed import, read to
    /// the end, holds neither a 100 MB CSV nor the workbook while it finishes).
    pub fn close(&mut self) {
        self.book = Book::Closed;
    }
}

/// Rows handed over by [`Workbook::stream`] at a time, after a first batch of [`FIRST_BATCH`].
const STREAM_BATCH: usize = 2048;
const FIRST_BATCH: usize = 64;

/// Rows of a sheet as [`Workbook::stream`] hands them over: (row index from 0, the row's
/// cells from column A).
pub type RowBatch = Vec<(u32, Vec<Data>)>;

impl Workbook {
    /// Reads sheet `index` of an .xlsx file on another thread, where each batch of rows is
    /// also given to `prepare`, and hands what it returns to `f` while the rest is still being
    /// read; `f` also gets the number of rows the sheet declares, and returns `Ok(false)` to stop
    /// reading. Cells right of `columns` (when given) are left out. Returns the sheet's merged
    /// regions when `merges` (they are written after the cells, so known only at the end; else
    /// none), or None when the file is not an .xlsx workbook.
    pub fn stream<T: Send>(
        &mut self,
        index: usize,
        file: &str,
        merges: bool,
        columns: Option<u32>,
        prepare: impl Fn(RowBatch) -> T + Sync,
        mut f: impl FnMut(u32, T) -> Result<bool>,
    ) -> Result<Option<Vec<Dimensions>>> {
        if !matches!(self.book, Book::Xlsx(..) | Book::Csv(..)) {
            return Ok(None);
        }
        let name = self.sheet_names.get(index).cloned().unwrap_or_default();
        let book = &mut self.book;
        let (send, receive) = std::sync::mpsc::sync_channel::<(u32, T)>(4);
        let stop = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|scope| {
            let reader = scope.spawn(|| -> Result<Option<Vec<Dimensions>>> {
                let mut out = Batcher {
                    send,
                    prepare: &prepare,
                    stop: &stop,
                    // A small first batch: the header is in the first rows, and the other
                    // thread can start on them sooner.
                    size: FIRST_BATCH,
                    batch: Vec::with_capacity(FIRST_BATCH),
                    height: 0,
                };
                match book {
                    Book::Xlsx(x, may_merge) => {
                        let damaged =
                            || unreadable(file, "import_damaged_sheet").with("sheet", &name);
                        let mut cells = x.worksheet_cells_reader(&name).map_err(|_| damaged())?;
                        out.height = cells.dimensions().end.0 + 1;
                        let mut rows = Rows::new(file, &name, columns);
                        while let Some(cell) = cells.next_cell().map_err(|_| damaged())? {
                            if matches!(cell.get_value(), DataRef::Empty) {
                                continue;
                            }
                            let value = cell.get_value().clone().into();
                            let Some(done) = rows.push(cell.get_position(), value)? else {
                                continue;
                            };
                            if !out.push(done) {
                                return Ok(None); // the receiver stopped reading
                            }
                        }
                        if !out.finish(rows.finish()) {
                            return Ok(None);
                        }
                        drop(cells);
                        // The other thread is still busy with the last rows: read the merges
                        // meanwhile.
                        if merges && *may_merge {
                            return Ok(Some(
                                x.merge_cells_by_sheet_name(&name).map_err(|_| damaged())?,
                            ));
                        }
                    }
                    Book::Csv(text, lines) => {
                        // Rows are numbered by the line they start on (a record may span lines).
                        out.height = *lines;
                        for record in csv_records(text, file) {
                            let (line, mut cells) = record?;
                            if let Some(n) = columns {
                                cells.truncate(n as usize);
                            }
                            if !out.push((line - 1, cells)) {
                                return Ok(None);
                            }
                        }
                        if !out.finish(None) {
                            return Ok(None);
                        }
                    }
                    _ => return Ok(None),
                }
                Ok(Some(Vec::new()))
            });
            let mut failed = None;
            for (height, batch) in receive.iter() {
                match f(height, batch) {
                    Ok(true) => {}
                    Ok(false) => {
                        stop.store(true, std::sync::atomic::Ordering::Relaxed);
                        break;
                    }
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            drop(receive);
            let merges = reader
                .join()
                .map_err(|_| Error::internal("sheet reader panicked"))?;
            if let Some(e) = failed {
                return Err(e);
            }
            Ok(Some(merges?.unwrap_or_default()))
        })
    }
}

/// Hands the rows [`Workbook::stream`] reads to the other thread a batch at a time.
struct Batcher<'a, T, P> {
    send: std::sync::mpsc::SyncSender<(u32, T)>,
    prepare: &'a P,
    stop: &'a std::sync::atomic::AtomicBool,
    size: usize,
    batch: RowBatch,
    /// The number of rows the sheet declares.
    height: u32,
}

impl<T, P: Fn(RowBatch) -> T> Batcher<'_, T, P> {
    /// Adds a row; false when the receiver stopped reading.
    fn push(&mut self, row: (u32, Vec<Data>)) -> bool {
        if self.stop.load(std::sync::atomic::Ordering::Relaxed) {
            return false;
        }
        self.batch.push(row);
        if self.batch.len() < self.size {
            return true;
        }
        self.size = STREAM_BATCH;
        let full = std::mem::replace(&mut self.batch, Vec::with_capacity(STREAM_BATCH));
        self.send.send((self.height, (self.prepare)(full))).is_ok()
    }

    /// Sends what is left, with the `last` row if any; false when the receiver stopped reading.
    fn finish(mut self, last: Option<(u32, Vec<Data>)>) -> bool {
        self.batch.extend(last);
        self.batch.is_empty()
            || self
                .send
                .send((self.height, (self.prepare)(self.batch)))
                .is_ok()
    }
}

/// Text of a CSV file and the encoding it was in; None for binary data.
fn decode(bytes: &[u8]) -> Option<(String, &'static str)> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return Some((String::from_utf8_lossy(rest).into_owned(), "UTF-8 (BOM)"));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, encoding, _) = encoding_rs::UTF_16LE.decode(bytes);
        return Some((text.into_owned(), encoding.name()));
    }
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n'))
        .count();
    if controls > 0 {
        return None;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Some((text.to_string(), "UTF-8")),
        Err(_) => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            // Binary data "decodes" as GB18030 too, but with replacement characters all over.
            let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
            if had_errors && bad * 50 > text.chars().count() {
                return None;
            }
            Some((text.into_owned(), "GB18030"))
        }
    }
}

/// [`decode`] without a copy when the text is UTF-8 already (a large CSV is not held twice).
pub(crate) fn decode_owned(bytes: Vec<u8>) -> Option<(String, &'static str)> {
    let utf8 = std::str::from_utf8(&bytes).is_ok();
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    let controls = sample
        .iter()
        .any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n'));
    if utf8 && !controls {
        let mut text = String::from_utf8(bytes).ok()?;
        if text.starts_with('\u{feff}') {
            text.drain(..3);
            return Some((text, "UTF-8 (BOM)"));
        }
        return Some((text, "UTF-8"));
    }
    decode(&bytes)
}

/// The delimiter used most often in the first lines: comma, tab, semicolon or bar.
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    let head: String = text.lines().take(20).collect::<Vec<_>>().join("\n");
    [b',', b'\t', b';', b'|']
        .into_iter()
        .max_by_key(|d| head.bytes().filter(|b| b == d).count())
        .unwrap_or(b',')
}

/// The name a CSV file's one sheet goes by.
const CSV_SHEET: &str = "CSV";

/// The records of a CSV text, each with the file line it starts on and its cells (without
/// trailing empty ones).
fn csv_records<'t>(
    text: &'t str,
    file: &'t str,
) -> impl Iterator<Item = Result<(u32, Vec<Data>)>> + 't {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    // The file line a record starts on, counted from the record's byte offset: the reader's own
    // line count is one short in CRLF files (as Excel and WPS save CSV on Windows).
    let (mut counted_to, mut line, mut records) = (0usize, 1u32, 0usize);
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed {
            return None;
        }
        match reader.read_record(&mut record) {
            Ok(false) => None,
            Ok(true) => {
                let mut start = record
                    .position()
                    .map_or(counted_to, |p| p.byte() as usize)
                    .min(text.len());
                // After a CRLF record the reader's offset points at its `\n`: the record
                // itself starts after the line break.
                while text
                    .as_bytes()
                    .get(start)
                    .is_some_and(|b| matches!(b, b'\r' | b'\n'))
                {
                    start += 1;
                }
                line += memchr::memchr_iter(b'\n', &text.as_bytes()[counted_to.min(start)..start])
                    .count() as u32;
                counted_to = start;
                records += 1;
                let mut cells: Vec<Data> = record
                    .iter()
                    .map(|v| {
                        if v.is_empty() {
                            Data::Empty
                        } else {
                            Data::String(v.to_string())
                        }
                    })
                    .collect();
                trim(&mut cells);
                Some(Ok((line, cells)))
            }
            Err(_) => {
                failed = true;
                Some(Err(
                    unreadable(file, "import_bad_csv").with("line", records + 1)
                ))
            }
        }
    })
}

fn parse_csv(text: &str, file: &str) -> Result<Sheet> {
    let mut grid = Vec::new();
    let mut lines = Vec::new();
    for record in csv_records(text, file) {
        let (line, cells) = record?;
        lines.push(line);
        grid.push(cells);
    }
    Ok(Sheet {
        name: CSV_SHEET.to_string(),
        start: (0, 0),
        grid,
        lines: Some(lines),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_encodings_chinese_excel_writes() {
        let gbk = encoding_rs::GBK
            .encode("姓名,手机\n张伟,13800138000\n")
            .0
            .into_owned();
        assert_eq!(
            decode(&gbk).unwrap(),
            ("姓名,手机\n张伟,13800138000\n".to_string(), "GB18030")
        );
        let bom = [&[0xEF, 0xBB, 0xBF][..], "姓名".as_bytes()].concat();
        assert_eq!(decode(&bom).unwrap().0, "姓名");
        assert_eq!(decode("姓名".as_bytes()).unwrap().1, "UTF-8");
        assert!(decode(&[0u8, 1, 2, 3, 255, 254, 7]).is_none());
    }

    #[test]
    fn sniffs_the_delimiter() {
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2\t3"), b'\t');
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3"), b';');
        assert_eq!(sniff_delimiter("a,b\n1,2"), b',');
    }

    #[test]
    fn csv_records_keep_their_line_numbers() {
        let sheet = parse_csv("姓名,备注\n张伟,\"两行\n备注\"\n李娜,x\n", "t.csv").unwrap();
        assert_eq!(sheet.height(), 3);
        assert_eq!((sheet.display_row(1), sheet.display_row(2)), (2, 4));
        assert_eq!(sheet.rows().nth(2).unwrap()[0], Data::String("李娜".into()));
    }

    #[test]
    fn merged_regions_are_clipped_to_the_grid() {
        let text = |t: &str| Data::String(t.into());
        let rows = vec![
            (0, vec![text("部门"), text("姓名")]),
            (1, vec![text("销售部"), text("张伟")]),
            (2, vec![Data::Empty, text("李娜")]),
        ];
        let mut sheet = Sheet::from_rows("S", rows);
        let region = |start: (u32, u32), end: (u32, u32)| Dimensions { start, end };
        let merged = [
            region((1, 0), (1_048_575, 16_383)), // to the end of the sheet: clipped
            region((2, 1), (0, 0)),              // ends before it starts: ignored
        ];
        sheet.fill_merges(&merged, "f.xlsx").unwrap();
        let rows: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
        assert_eq!(rows[1], [text("销售部"), text("销售部")]);
        assert_eq!(rows[2], [text("销售部"), text("销售部")]);
        assert_eq!(rows.len(), 3);
    }
}
