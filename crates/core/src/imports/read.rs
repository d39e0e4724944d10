//! Reading a staff list into grids of cells. The format is decided by the bytes, not by the file
//! name: .xlsx/.xlsm, .xls, .ods through calamine; anything else that is text is CSV, in UTF-8
//! (with or without BOM), UTF-16 (with BOM) or GBK/GB18030 as Chinese Excel and WPS save it.

use crate::error::{Error, ErrorCode, Result};
use calamine::{Cell, Data, DataRef, Dimensions, Ods, Range, Reader, Xls, Xlsx};
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

/// One sheet: its cells at their absolute positions.
pub struct Sheet {
    pub name: String,
    pub cells: Range<Data>,
    /// CSV only: the file line on which each record starts (records may span lines).
    lines: Option<Vec<u32>>,
}

impl Sheet {
    /// Number of grid rows (from the first used row).
    pub fn height(&self) -> usize {
        self.cells.height()
    }

    /// The row number a user sees for grid row `i`: Excel's row number, or the CSV line.
    pub fn display_row(&self, i: usize) -> u32 {
        match &self.lines {
            Some(lines) => lines.get(i).copied().unwrap_or(i as u32 + 1),
            None => self.cells.start().map(|(r, _)| r).unwrap_or(0) + i as u32 + 1,
        }
    }

    /// The grid row whose display number is `n`, if any.
    pub fn row_for_display(&self, n: u32) -> Option<usize> {
        (0..self.height()).find(|&i| self.display_row(i) == n)
    }

    /// The grid rows in order, each as wide as the sheet.
    pub fn rows(&self) -> impl Iterator<Item = &[Data]> {
        self.cells.rows()
    }

    /// First column index (absolute), to name columns as Excel does.
    pub fn first_column(&self) -> u32 {
        self.cells.start().map(|(_, c)| c).unwrap_or(0)
    }
}

enum Book {
    /// The reader, and the file's bytes (to look for merged regions cheaply).
    Xlsx(Xlsx<Cursor<Vec<u8>>>, Vec<u8>),
    Xls(Xls<Cursor<Vec<u8>>>),
    Ods(Ods<Cursor<Vec<u8>>>),
    Csv(Option<Sheet>),
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
            // A ZIP is a workbook only if one of the readers finds sheets in it.
            if let Ok(x) = Xlsx::new(Cursor::new(bytes.clone())) {
                let names = x.sheet_names();
                if !names.is_empty() {
                    return Ok(Workbook {
                        format: Format::Xlsx,
                        encoding: None,
                        sheet_names: names,
                        book: Book::Xlsx(x, bytes),
                    });
                }
            }
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
            decode(&bytes).ok_or_else(|| unreadable(file, "import_not_a_spreadsheet"))?;
        let sheet = parse_csv(&text, file)?;
        Ok(Workbook {
            format: Format::Csv,
            encoding: Some(encoding),
            sheet_names: vec![sheet.name.clone()],
            book: Book::Csv(Some(sheet)),
        })
    }

    /// Reads sheet `index` with merged cells filled from their top-left cell.
    pub fn sheet(&mut self, index: usize, file: &str) -> Result<Sheet> {
        let name = self.sheet_names.get(index).cloned().unwrap_or_default();
        let damaged = || unreadable(file, "import_damaged_sheet").with("sheet", &name);
        let (mut cells, merged) = match &mut self.book {
            Book::Xlsx(x, bytes) => {
                let cells = x.worksheet_range(&name).map_err(|_| damaged())?;
                // Merged regions need a second pass over the sheet's XML: only when there are.
                let merged = if has_merges(bytes) {
                    x.merge_cells_by_sheet_name(&name).unwrap_or_default()
                } else {
                    Vec::new()
                };
                (cells, merged)
            }
            Book::Xls(x) => {
                let cells = x.worksheet_range(&name).map_err(|_| damaged())?;
                (
                    cells,
                    x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
                )
            }
            Book::Ods(o) => (o.worksheet_range(&name).map_err(|_| damaged())?, Vec::new()),
            Book::Csv(sheet) => {
                return sheet
                    .take()
                    .ok_or_else(|| Error::internal("CSV sheet read twice"))
            }
        };
        for region in merged {
            let Some(value) = cells.get_value(region.start).cloned() else {
                continue;
            };
            if value == Data::Empty {
                continue;
            }
            for r in region.start.0..=region.end.0 {
                for c in region.start.1..=region.end.1 {
                    if (r, c) != region.start && cells.get_value((r, c)).is_some() {
                        cells.set_value((r, c), value.clone());
                    }
                }
            }
        }
        Ok(Sheet {
            name,
            cells,
            lines: None,
        })
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
    /// reading. Returns the sheet's merged regions when `merges` (they are written after the
    /// cells, so known only at the end; else none), or None when the file is not an .xlsx
    /// workbook.
    pub fn stream<T: Send>(
        &mut self,
        index: usize,
        file: &str,
        merges: bool,
        prepare: impl Fn(RowBatch) -> T + Sync,
        mut f: impl FnMut(u32, T) -> Result<bool>,
    ) -> Result<Option<Vec<Dimensions>>> {
        let Book::Xlsx(x, bytes) = &mut self.book else {
            return Ok(None);
        };
        let name = self.sheet_names.get(index).cloned().unwrap_or_default();
        let damaged = || unreadable(file, "import_damaged_sheet").with("sheet", &name);
        let (send, receive) = std::sync::mpsc::sync_channel::<(u32, T)>(4);
        let stop = std::sync::atomic::AtomicBool::new(false);
        let may_merge = std::sync::OnceLock::new();
        std::thread::scope(|scope| {
            let reader = scope.spawn(
                || -> std::result::Result<Option<Vec<Dimensions>>, calamine::XlsxError> {
                    let send = send;
                    let mut cells = x.worksheet_cells_reader(&name)?;
                    let height = cells.dimensions().end.0 + 1;
                    // A small first batch: the header is in the first rows, and the other
                    // thread can start on them sooner.
                    let mut size = FIRST_BATCH;
                    let mut batch = Vec::with_capacity(size);
                    let mut row: Vec<Data> = Vec::new();
                    let mut at = None;
                    while let Some(cell) = cells.next_cell()? {
                        if matches!(cell.get_value(), DataRef::Empty) {
                            continue;
                        }
                        let (r, c) = cell.get_position();
                        if at != Some(r) {
                            if let Some(previous) = at {
                                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                                    return Ok(None); // the receiver stopped reading
                                }
                                // The next row is about as wide: make room once.
                                let next = Vec::with_capacity(row.len());
                                batch.push((previous, std::mem::replace(&mut row, next)));
                                if batch.len() == size {
                                    let full = std::mem::take(&mut batch);
                                    if send.send((height, prepare(full))).is_err() {
                                        return Ok(None); // the receiver stopped reading
                                    }
                                    size = STREAM_BATCH;
                                }
                            }
                            at = Some(r);
                        }
                        let c = c as usize;
                        if row.len() <= c {
                            row.resize(c + 1, Data::Empty);
                        }
                        row[c] = cell.get_value().clone().into();
                    }
                    if let Some(last) = at {
                        batch.push((last, row));
                    }
                    if !batch.is_empty() && send.send((height, prepare(batch))).is_err() {
                        return Ok(None);
                    }
                    drop(cells);
                    drop(send);
                    // The other thread is still busy with the last rows: read the merges meanwhile.
                    let m = if merges && *may_merge.wait() {
                        x.merge_cells_by_sheet_name(&name)?
                    } else {
                        Vec::new()
                    };
                    Ok(Some(m))
                },
            );
            // Whether there are merged regions to read at the end: found here while the reading
            // starts, before the first rows come.
            if merges {
                let _ = may_merge.set(has_merges(bytes));
            }
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
            Ok(Some(merges.map_err(|_| damaged())?.unwrap_or_default()))
        })
    }
}

impl Sheet {
    /// A sheet of the rows given (row index from 0, cells from column A), as
    /// [`Workbook::sheet`] would have read them without merged regions.
    pub fn from_rows(name: &str, rows: &[(u32, Vec<Data>)]) -> Sheet {
        let cells = rows
            .iter()
            .flat_map(|(r, cells)| {
                cells
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| **v != Data::Empty)
                    .map(|(c, v)| Cell::new((*r, c as u32), v.clone()))
            })
            .collect();
        Sheet {
            name: name.to_string(),
            cells: Range::from_sparse(cells),
            lines: None,
        }
    }
}

/// Whether a worksheet of an .xlsx file may have merged cells: its XML mentions `mergeCell`.
/// Scanning the decompressed bytes costs a fraction of parsing them, which is what reading the
/// regions takes (and only has to be done when they are there).
fn has_merges(bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return true;
    };
    const WORD: &[u8] = b"mergeCell";
    let finder = memchr::memmem::Finder::new(WORD);
    let mut buffer = vec![0u8; 1 << 16];
    for i in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(i) else {
            return true;
        };
        let name = entry
            .name()
            .map(|n| n.to_ascii_lowercase())
            .unwrap_or_default();
        if !name.contains("worksheets/") {
            continue;
        }
        // Each read is searched with the end of the previous one before it, so that the word
        // is found across two reads too.
        let mut kept = 0;
        loop {
            let n = match entry.read(&mut buffer[kept..]) {
                Ok(0) => break,
                Ok(n) => n,
                Err(_) => return true,
            };
            let end = kept + n;
            if finder.find(&buffer[..end]).is_some() {
                return true;
            }
            kept = (WORD.len() - 1).min(end);
            buffer.copy_within(end - kept..end, 0);
        }
    }
    false
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

/// The delimiter used most often in the first lines: comma, tab, semicolon or bar.
fn sniff_delimiter(text: &str) -> u8 {
    let head: String = text.lines().take(20).collect::<Vec<_>>().join("\n");
    [b',', b'\t', b';', b'|']
        .into_iter()
        .max_by_key(|d| head.bytes().filter(|b| b == d).count())
        .unwrap_or(b',')
}

fn parse_csv(text: &str, file: &str) -> Result<Sheet> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut lines = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                lines.push(
                    record
                        .position()
                        .map(|p| p.line() as u32)
                        .unwrap_or(rows.len() as u32 + 1),
                );
                rows.push(record.iter().map(str::to_string).collect());
            }
            Err(_) => return Err(unreadable(file, "import_bad_csv").with("line", lines.len() + 1)),
        }
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut cells = Range::new(
        (0, 0),
        (
            rows.len().saturating_sub(1) as u32,
            width.saturating_sub(1) as u32,
        ),
    );
    if rows.is_empty() || width == 0 {
        cells = Range::empty();
    }
    for (r, row) in rows.into_iter().enumerate() {
        for (c, value) in row.into_iter().enumerate() {
            if !value.is_empty() {
                cells.set_value((r as u32, c as u32), Data::String(value));
            }
        }
    }
    Ok(Sheet {
        name: "CSV".to_string(),
        cells,
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
}
