//! Legacy .xls files: the compound-file container and the BIFF records the reader indexes into
//! without checking.

use super::{cell_budget, refused, too_many_cells};
use crate::error::Result;
use std::io::{Cursor, Read};

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
