//! Limits on what a spreadsheet may claim and inflate to, checked before a reader allocates
//! anything for it: a small crafted file must be refused with a message naming the limit, not
//! exhaust memory, hang or crash the process. The limits sit far above real files (whose
//! contents compress 5 to 20 times and whose cells hold at most 32,767 characters) and are
//! relative to what a file really holds, so that large real data still reads if memory allows:
//!
//! - a ZIP part (.xlsx, .ods) may inflate to at most [`INFLATE_RATIO`] times its compressed
//!   size once over [`INFLATE_FLOOR`] (ZIP readers stop at the declared size, so the declared
//!   size bounds what any reader gets);
//! - no stretch of an XML part between two `<` (a tag and the text after it) may exceed
//!   [`MAX_RUN`] bytes (an XML reader buffers one at a time, whole);
//! - a shared-string table may declare no more strings than its size can hold;
//! - a legacy .xls container must hold together (chains inside the file, none looping);
//! - a sheet may spread into at most [`CELL_FLOOR`] plus [`CELL_FACTOR`] times its real cells
//!   (cells with a value, as written in the file, each paid for by its bytes): repeated rows
//!   and columns, far-apart cells and merged regions cannot make a reader materialise more.

use crate::error::{Error, ErrorCode, Result};
use std::io::{Cursor, Read};

/// From this size on, a ZIP part's inflation is checked.
pub const INFLATE_FLOOR: u64 = 16 << 20;
/// How many times its compressed size a part over [`INFLATE_FLOOR`] may inflate to.
pub const INFLATE_RATIO: u64 = 100;
/// The longest text or tag an XML part may hold, in bytes (Excel's 32,767 characters per cell,
/// escaped, are far less).
pub const MAX_RUN: usize = 1 << 20;
/// Cells a sheet may always spread into, whatever it holds (about 128 MB of cells).
pub const CELL_FLOOR: u64 = 4_000_000;
/// Cells a sheet may spread into per real cell, beyond [`CELL_FLOOR`].
pub const CELL_FACTOR: u64 = 8;

/// What the checks of a ZIP workbook found on the way.
#[derive(Debug, Default, Clone, Copy)]
pub struct Scanned {
    /// A worksheet mentions merged cells (reading their regions costs a second pass).
    pub merges: bool,
}

fn refused(file: &str, key: &'static str) -> Error {
    Error::new(ErrorCode::UnreadableFile, key).with("file", file)
}

/// Checks every part of a ZIP workbook (.xlsx, .ods) before a reader opens it. A ZIP that
/// cannot be listed passes: the readers refuse it in their own words.
pub fn check_zip(bytes: &[u8], file: &str) -> Result<Scanned> {
    let mut scanned = Scanned::default();
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(scanned);
    };
    for i in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(i) else {
            continue;
        };
        let name = entry.name().unwrap_or_default().to_string();
        let (size, packed) = (entry.size(), entry.compressed_size());
        if size > INFLATE_FLOOR && size / packed.max(1) > INFLATE_RATIO {
            return Err(refused(file, "import_file_inflates")
                .with("part", &name)
                .with("size", size >> 20)
                .with("compressed", packed.div_ceil(1024))
                .with("ratio", INFLATE_RATIO));
        }
        let lower = name.to_ascii_lowercase();
        if !(lower.ends_with(".xml") || lower.ends_with(".rels")) {
            continue;
        }
        let sheet = lower.contains("worksheets/");
        let strings = lower.ends_with("sharedstrings.xml");
        let scan = scan_xml(&mut entry, sheet, strings);
        match scan {
            Ok(found) => {
                scanned.merges |= found.merges;
                if let Some(claimed) = found.unique_strings {
                    // The smallest string entry, `<si><t/></si>`, takes 12 bytes.
                    let possible = size / 12 + 1;
                    if claimed > possible {
                        return Err(refused(file, "import_strings_claimed")
                            .with("part", &name)
                            .with("claimed", claimed)
                            .with("possible", possible));
                    }
                }
            }
            Err(Refusal::LongRun) => {
                return Err(refused(file, "import_cell_too_long")
                    .with("part", &name)
                    .with("limit", MAX_RUN >> 20));
            }
            // A part that does not inflate is the readers' to report.
            Err(Refusal::Unreadable) => {}
        }
    }
    Ok(scanned)
}

#[derive(Debug)]
enum Refusal {
    LongRun,
    Unreadable,
}

#[derive(Default)]
struct XmlScan {
    merges: bool,
    /// The `uniqueCount` a shared-string table declares (saturating).
    unique_strings: Option<u64>,
}

/// One pass over an XML part: the longest stretch between two `<`, whether a worksheet
/// mentions `mergeCell`, and the shared-string count a table declares in its first tag.
fn scan_xml(
    part: &mut impl Read,
    sheet: bool,
    strings: bool,
) -> std::result::Result<XmlScan, Refusal> {
    const WORD: &[u8] = b"mergeCell";
    let finder = memchr::memmem::Finder::new(WORD);
    let mut found = XmlScan::default();
    let mut buffer = vec![0u8; 1 << 16];
    // The bytes kept from the previous read (the end of it), so that a word is found across
    // two reads too; and the length of the run that reached the end of the previous read.
    let (mut kept, mut run) = (0usize, 0usize);
    let mut head = strings.then(Vec::<u8>::new);
    loop {
        let n = match part.read(&mut buffer[kept..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(_) => return Err(Refusal::Unreadable),
        };
        let (fresh, end) = (&buffer[kept..kept + n], kept + n);
        let mut last = 0;
        for at in memchr::memchr_iter(b'<', fresh) {
            run += at - last;
            if run > MAX_RUN {
                return Err(Refusal::LongRun);
            }
            run = 0;
            last = at + 1;
        }
        run += fresh.len() - last;
        if run > MAX_RUN {
            return Err(Refusal::LongRun);
        }
        if sheet && !found.merges && finder.find(&buffer[..end]).is_some() {
            found.merges = true;
        }
        if let Some(h) = head.as_mut() {
            h.extend_from_slice(fresh);
            if let Some(count) = declared_unique_count(h) {
                found.unique_strings = Some(count);
                head = None;
            } else if h.len() > 1 << 16 {
                head = None;
            }
        }
        kept = (WORD.len() - 1).min(end);
        buffer.copy_within(end - kept..end, 0);
    }
    Ok(found)
}

/// The `uniqueCount` of the `<sst …>` tag, once the tag is complete in `head`.
fn declared_unique_count(head: &[u8]) -> Option<u64> {
    let start = memchr::memmem::find(head, b"<sst")?;
    let tag_end = start + memchr::memchr(b'>', &head[start..])?;
    let tag = &head[start..tag_end];
    let at = memchr::memmem::find(tag, b"uniqueCount=")? + "uniqueCount=".len();
    let digits = tag[at..]
        .iter()
        .skip(1) // the quote
        .take_while(|b| b.is_ascii_digit())
        .fold(0u64, |n, d| {
            n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
        });
    Some(digits)
}

/// The cells a sheet may spread into, given how many real cells it holds.
pub fn cell_budget(real: u64) -> u64 {
    CELL_FLOOR.saturating_add(real.saturating_mul(CELL_FACTOR))
}

/// Counts the cells a sheet reader materialises against [`cell_budget`] of the real ones.
#[derive(Debug, Default)]
pub struct CellCount {
    pub real: u64,
    pub spread: u64,
}

impl CellCount {
    /// Adds `real` cells with a value and `spread` materialised ones; refuses once over budget.
    pub fn add(&mut self, real: u64, spread: u64, file: &str, sheet: &str) -> Result<()> {
        self.real = self.real.saturating_add(real);
        self.spread = self.spread.saturating_add(spread);
        if self.spread > cell_budget(self.real) {
            return Err(too_many_cells(file, sheet, self.spread, self.real));
        }
        Ok(())
    }
}

pub fn too_many_cells(file: &str, sheet: &str, spread: u64, real: u64) -> Error {
    refused(file, "import_sheet_spreads")
        .with("sheet", sheet)
        .with("cells", spread)
        .with("real", real)
        .with("limit", cell_budget(real))
}

/// Checks the container of a legacy .xls file (OLE compound file) before the reader walks it,
/// and returns the file as the reader may take it: every chain within the file and none looping,
/// every stream readable to its end, the records the reader parses without checking their
/// length long enough, and the formulas' token lists emptied (the import reads the values
/// formulas left in the cells, never the formulas, whose parser trusts the tokens). The file is
/// padded to whole sectors (a last sector cut short reads as zeros, as Excel does). A file that
/// fails is refused as a damaged .xls.
pub fn check_cfb(mut bytes: Vec<u8>, file: &str) -> Result<Vec<u8>> {
    let damaged = || refused(file, "import_bad_xls");
    let sector = match bytes.get(30..32) {
        Some([9, 0]) => 512,
        Some([12, 0]) => 4096,
        _ => return Err(damaged()),
    };
    let padded = bytes.len().max(sector).next_multiple_of(sector);
    bytes.resize(padded, 0);
    let mut book = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|_| damaged())?;
    let streams: Vec<std::path::PathBuf> = book
        .walk()
        .filter(|e| e.is_stream())
        .map(|e| e.path().to_path_buf())
        .collect();
    let mut workbook = None;
    for path in streams {
        let mut stream = book.open_stream(&path).map_err(|_| damaged())?;
        let name = path.to_string_lossy().to_ascii_lowercase();
        if workbook.is_none() && (name == "/workbook" || name == "/book") {
            let mut bytes = Vec::new();
            stream.read_to_end(&mut bytes).map_err(|_| damaged())?;
            workbook = Some((path, bytes));
        } else {
            std::io::copy(&mut stream, &mut std::io::sink()).map_err(|_| damaged())?;
        }
    }
    let Some((path, mut stream)) = workbook else {
        return Err(damaged());
    };
    if check_biff(&mut stream, file)? {
        // Written back in place: the same length, so nothing else in the container moves.
        let mut out = book.open_stream(&path).map_err(|_| damaged())?;
        std::io::Write::write_all(&mut out, &stream).map_err(|_| damaged())?;
        std::io::Write::flush(&mut out).map_err(|_| damaged())?;
        drop(out);
        book.flush().map_err(|_| damaged())?;
    }
    Ok(book.into_inner().into_inner())
}

/// The records of a BIFF stream from `at`: (type, where its data starts, its length), stopping
/// at the first that does not fit.
fn records(stream: &[u8], at: usize) -> impl Iterator<Item = (u16, usize, usize)> + '_ {
    let mut next = at;
    std::iter::from_fn(move || {
        let head = stream.get(next..next + 4)?;
        let typ = u16::from_le_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
        let start = next + 4;
        stream.get(start..start + len)?;
        next = start + len;
        Some((typ, start, len))
    })
}

const EOF: u16 = 0x000A;
const BOF: u16 = 0x0809;

/// Makes a BIFF workbook stream safe for the .xls reader, or refuses it: each sheet must start
/// inside the stream; the records the reader indexes into must be long enough; formula and
/// name token lists are emptied; and the size a sheet declares (its DIMENSIONS record, which
/// the reader reserves room for) must stay within [`cell_budget`] of the cells it holds. The
/// reader walks the records from the start and from each sheet's position, so both walks are
/// checked. Returns whether anything was changed.
fn check_biff(stream: &mut [u8], file: &str) -> Result<bool> {
    let damaged = || refused(file, "import_bad_xls");
    let mut sheets = Vec::new();
    for (typ, at, len) in records(stream, 0) {
        match typ {
            // BoundSheet8: the sheet's position, its state and type, then its name.
            0x0085 if len >= 6 => {
                let data = &stream[at..at + len];
                let pos = u32::from_le_bytes([data[0], data[1], data[2], data[3]]) as usize;
                let name =
                    biff_sheet_name(data).unwrap_or_else(|| format!("#{}", sheets.len() + 1));
                sheets.push((pos, name));
            }
            EOF => break,
            _ => {}
        }
    }
    let starts: Vec<usize> = std::iter::once(0)
        .chain(sheets.iter().map(|s| s.0))
        .collect();
    if starts.iter().any(|&at| at >= stream.len().max(1)) {
        return Err(damaged());
    }
    let mut changed = false;
    // A change made on one walk may touch a record another walk sees differently (in a
    // crafted file): walk until nothing changes.
    for round in 0..4 {
        let mut changes = 0;
        for &start in &starts {
            let walk: Vec<(u16, usize, usize)> = records(stream, start).collect();
            for (i, &(typ, at, len)) in walk.iter().enumerate() {
                if typ == 0x00FC {
                    // The shared strings run on into the CONTINUE records after them.
                    let parts: Vec<&[u8]> = walk[i..]
                        .iter()
                        .take_while(|(t, ..)| *t == 0x00FC || *t == 0x003C)
                        .enumerate()
                        .take_while(|(k, (t, ..))| *k == 0 || *t == 0x003C)
                        .map(|(_, &(_, at, len))| &stream[at..at + len])
                        .collect();
                    if !sst_reads_safely(&parts) {
                        return Err(damaged());
                    }
                    continue;
                }
                let data = &mut stream[at..at + len];
                let short = match typ {
                    0x0085 => len < 6,                                               // BoundSheet8
                    0x0017 => len < 2,                                               // ExternSheet
                    0x00E5 => len < 2 || len < 2 + 8 * usize::from(u16_le(data, 0)), // MergeCells
                    0x0018 => len < 14,                                              // Lbl
                    0x0006 => (20..22).contains(&len),                               // Formula
                    _ => false,
                };
                if short {
                    return Err(damaged());
                }
                // The token list's length: a name's at 4, a formula's at 20.
                let tokens = match typ {
                    0x0018 => Some(4),
                    0x0006 if len >= 22 => Some(20),
                    _ => None,
                };
                if let Some(i) = tokens {
                    if data[i..i + 2] != [0, 0] {
                        data[i..i + 2].copy_from_slice(&[0, 0]);
                        changes += 1;
                    }
                }
            }
        }
        changed |= changes > 0;
        if changes == 0 {
            break;
        }
        if round == 3 {
            return Err(damaged());
        }
    }
    for (at, name) in sheets {
        let (mut claimed, mut real, mut depth) = (0u64, 0u64, 0usize);
        for (i, (typ, data_at, len)) in records(stream, at).enumerate() {
            let data = &stream[data_at..data_at + len];
            match typ {
                BOF if i > 0 => depth += 1,
                EOF if depth == 0 => break,
                EOF => depth -= 1,
                _ if depth > 0 => {}
                0x0200 => claimed = claimed.max(biff_dimensions(data)),
                // Number, Label, RString, BoolErr, String, RK, LabelSst, Formula.
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x0207 | 0x027E | 0x00FD | 0x0006 => real += 1,
                // MulRk: six bytes per cell after the row, the first column and the last.
                0x00BD => real += (len.saturating_sub(6) / 6) as u64,
                _ => {}
            }
        }
        if claimed > cell_budget(real) {
            return Err(too_many_cells(file, &name, claimed, real));
        }
    }
    Ok(changed)
}

/// Whether the .xls reader can read a shared-string table (the SST record's data, then its
/// CONTINUE records') without indexing past the end of a record, as it would in a crafted
/// file: its steps, mirrored with the checks it lacks.
fn sst_reads_safely(parts: &[&[u8]]) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return true;
    };
    let Some(mut data) = first.get(8..) else {
        return true; // the reader refuses a short SST record
    };
    let mut rest = rest.iter();
    loop {
        if data.is_empty() {
            match rest.next() {
                Some(next) => {
                    data = next;
                    continue;
                }
                None => return true,
            }
        }
        if data.len() < 3 {
            return true; // refused by the reader
        }
        let (count, flags) = (usize::from(u16_le(data, 0)), data[2]);
        data = &data[3..];
        let mut skip = 0usize;
        if flags & 0x8 != 0 {
            let Some(runs) = data.get(..2) else {
                return false;
            };
            skip += usize::from(u16_le(runs, 0)) * 4;
            data = &data[2..];
        }
        if flags & 0x4 != 0 {
            let Some(ext) = data.get(..4) else {
                return false;
            };
            skip =
                skip.saturating_add(i32::from_le_bytes([ext[0], ext[1], ext[2], ext[3]]) as usize);
            data = &data[4..];
        }
        // The characters, one or two bytes each, continuing in the next record after a byte
        // of flags.
        let (mut left, mut wide) = (count, flags & 0x1 != 0);
        while left > 0 {
            let taken = if wide {
                (data.len() / 2).min(left)
            } else {
                data.len().min(left)
            };
            data = &data[if wide { 2 * taken } else { taken }..];
            left -= taken;
            if left > 0 {
                match rest.next() {
                    Some([]) => return false,
                    Some(next) => {
                        wide = next[0] & 0x1 != 0;
                        data = &next[1..];
                    }
                    None => return true, // refused by the reader
                }
            }
        }
        // The formatting runs and the phonetic block, skipped across records.
        while skip > 0 {
            if data.is_empty() {
                match rest.next() {
                    Some(next) => data = next,
                    None => return true, // refused by the reader
                }
            }
            let n = skip.min(data.len());
            data = &data[n..];
            skip -= n;
        }
    }
}

fn u16_le(data: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([data[i], data[i + 1]])
}

/// The cells a DIMENSIONS record makes the reader reserve, computed as it does (a last row or
/// column before the first wraps around to a huge count).
fn biff_dimensions(r: &[u8]) -> u64 {
    let u16_at = |i: usize| u32::from(u16::from_le_bytes([r[i], r[i + 1]]));
    let u32_at = |i: usize| u32::from_le_bytes([r[i], r[i + 1], r[i + 2], r[i + 3]]);
    let (rf, rl, mut cf, cl) = match r.len() {
        10 => (u16_at(0), u16_at(2), u16_at(4), u16_at(6)),
        14 | 16 => (u32_at(0), u32_at(4), u16_at(8), u16_at(10)),
        _ => return 0,
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    let (end_row, end_column) = if rl >= 1 && cl >= 1 {
        (rl - 1, cl - 1)
    } else {
        (rf, cf)
    };
    let rows = u64::from(end_row.wrapping_sub(rf).wrapping_add(1));
    let columns = u64::from(end_column.wrapping_sub(cf).wrapping_add(1));
    rows.saturating_mul(columns)
}

/// The name in a BoundSheet8 record (BIFF8: a character count, a flag, then Latin-1 or UTF-16).
fn biff_sheet_name(r: &[u8]) -> Option<String> {
    let count = usize::from(*r.get(6)?);
    match r.get(7)? & 1 {
        0 => Some(
            r.get(8..8 + count)?
                .iter()
                .map(|&b| char::from(b))
                .collect(),
        ),
        _ => {
            let units: Vec<u16> = r
                .get(8..8 + 2 * count)?
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            Some(String::from_utf16_lossy(&units))
        }
    }
}

/// Checks the sheets of an .ods file (its `content.xml`, after [`check_zip`]) against
/// [`cell_budget`]: repeated rows and columns are what an OpenDocument reader expands.
pub fn check_ods(bytes: &[u8], file: &str) -> Result<()> {
    use quick_xml::events::Event;
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let Ok(content) = zip.by_name("content.xml") else {
        return Ok(());
    };
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let mut buf = Vec::new();
    let mut table = OdsTable::default();
    let mut cell: Option<(u64, bool)> = None; // (columns repeated, has a value) of an open cell
                                              // Elements open, and spaces asked for so far (`<text:s text:c="n"/>`, which a reader
                                              // writes out one by one).
    let (mut depth, mut spaces) = (0usize, 0u64);
    loop {
        buf.clear();
        // Not well-formed (an end tag that does not match, say) is refused here: the reader
        // is more lenient and may then wait for an end that never comes.
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|_| refused(file, "import_bad_zip"))?;
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        match event {
            // An element left open makes a reader wait for its end forever.
            Event::Eof if depth > 0 => return Err(refused(file, "import_bad_zip")),
            Event::Eof => return Ok(()),
            Event::Start(ref e) | Event::Empty(ref e) if e.name().into_inner() == "text:s" => {
                spaces = spaces.saturating_add(repeats(e, "text:c"));
                if spaces > MAX_RUN as u64 {
                    return Err(refused(file, "import_cell_too_long")
                        .with("part", "content.xml")
                        .with("limit", MAX_RUN >> 20));
                }
            }
            Event::Start(e) | Event::Empty(e) if matches!(e.name().into_inner(), "table:table") => {
                table = OdsTable {
                    name: attribute(&e, "table:name").unwrap_or_default(),
                    ..Default::default()
                };
            }
            Event::Start(ref e) | Event::Empty(ref e)
                if e.name().into_inner() == "table:table-row" =>
            {
                let repeated = repeats(e, "table:number-rows-repeated");
                table.start_row(repeated);
                if matches!(event, Event::Empty(_)) {
                    table.end_row();
                }
            }
            Event::End(e) if e.name().into_inner() == "table:table-row" => {
                table.end_row();
                table.check(file)?;
            }
            Event::Start(ref e) | Event::Empty(ref e)
                if matches!(
                    e.name().into_inner(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                let columns = repeats(e, "table:number-columns-repeated");
                let valued = attribute(e, "office:value-type").is_some();
                if matches!(event, Event::Empty(_)) {
                    table.cell(columns, valued);
                } else {
                    cell = Some((columns, valued));
                }
            }
            Event::Text(t) if cell.is_some() && !t.as_ref().trim_ascii().is_empty() => {
                if let Some((_, valued)) = cell.as_mut() {
                    *valued = true;
                }
            }
            Event::End(e)
                if matches!(
                    e.name().into_inner(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                if let Some((columns, valued)) = cell.take() {
                    table.cell(columns, valued);
                }
            }
            _ => {}
        }
    }
}

fn attribute(e: &quick_xml::events::BytesStart, name: &str) -> Option<String> {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .map(|a| a.value.into_owned())
}

/// A repeat count (1 when absent or unreadable; saturating).
fn repeats(e: &quick_xml::events::BytesStart, name: &str) -> u64 {
    attribute(e, name)
        .and_then(|v| {
            v.trim().bytes().try_fold(0u64, |n, d| {
                d.is_ascii_digit()
                    .then(|| n.saturating_mul(10).saturating_add(u64::from(d - b'0')))
            })
        })
        .unwrap_or(1)
        .max(1)
}

/// What an OpenDocument reader materialises for one table, as [`check_ods`] counts it: each
/// row element up to its last cell with a value (columns repeated), then the rectangle from
/// the first to the last row with a value (rows repeated) and column.
#[derive(Default)]
struct OdsTable {
    name: String,
    real: u64,
    /// Cells of the row elements, before rows are repeated.
    pushed: u64,
    /// Rows so far (repeats counted, capped as readers cap them).
    rows: u64,
    /// The open row: its repeat count, the next column, the first and the end of its values.
    row: Option<(u64, u64, Option<u64>, u64)>,
    /// First and last row and column with a value.
    first_row: Option<u64>,
    last_row: u64,
    first_column: u64,
    end_column: u64,
}

const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

impl OdsTable {
    fn start_row(&mut self, repeated: u64) {
        self.row = Some((repeated, 0, None, 0));
    }

    fn cell(&mut self, columns: u64, valued: bool) {
        let Some((_, next, first, end)) = self.row.as_mut() else {
            return;
        };
        let at = *next;
        *next = (at + columns).min(MAX_COLUMNS);
        if valued {
            self.real += 1;
            first.get_or_insert(at);
            *end = *next;
        }
    }

    fn end_row(&mut self) {
        let Some((repeated, _, first, end)) = self.row.take() else {
            return;
        };
        let repeated = repeated.min(MAX_ROWS.saturating_sub(self.rows)).max(1);
        self.pushed += end;
        if let Some(first) = first {
            if self.first_row.is_none() {
                self.first_row = Some(self.rows);
                self.first_column = first;
            }
            self.first_column = self.first_column.min(first);
            self.end_column = self.end_column.max(end);
            self.last_row = self.rows + repeated - 1;
        }
        self.rows += repeated;
    }

    fn check(&self, file: &str) -> Result<()> {
        let grid = self.first_row.map_or(0, |first| {
            (self.last_row - first + 1)
                .saturating_mul(self.end_column.saturating_sub(self.first_column))
        });
        let spread = grid.max(self.pushed);
        if spread > cell_budget(self.real) {
            return Err(too_many_cells(file, &self.name, spread, self.real));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_declared_string_count_is_read_from_the_first_tag() {
        let head = br#"<?xml version="1.0"?><sst xmlns="x" count="10" uniqueCount="7"><si>"#;
        assert_eq!(declared_unique_count(head), Some(7));
        assert_eq!(declared_unique_count(br#"<sst count="10" uniq"#), None);
        let huge = br#"<sst uniqueCount="18446744073709551615999">"#;
        assert_eq!(declared_unique_count(huge), Some(u64::MAX));
    }

    #[test]
    fn runs_are_measured_across_reads() {
        // From the first `<` (not counted) to the next: "a>" and the text.
        let mut xml = b"<a>".to_vec();
        xml.extend(std::iter::repeat_n(b'x', MAX_RUN - 2));
        xml.extend(b"</a>");
        assert!(scan_xml(&mut xml.as_slice(), false, false).is_ok());
        xml.insert(10, b'y');
        assert!(matches!(
            scan_xml(&mut xml.as_slice(), false, false),
            Err(Refusal::LongRun)
        ));
        let merged = b"<worksheet><mergeCells><mergeCell ref=\"A1:B2\"/></mergeCells></worksheet>";
        assert!(
            scan_xml(&mut merged.as_slice(), true, false)
                .unwrap()
                .merges
        );
    }
}
