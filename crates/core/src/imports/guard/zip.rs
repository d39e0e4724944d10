//! ZIP workbooks (.xlsx, .ods): what each part inflates to, the longest stretch of its XML,
//! the shared strings it declares, and whether a worksheet has merged regions.

use super::{refused, INFLATE_FLOOR, INFLATE_RATIO, MAX_RUN};
use crate::error::Result;
use std::io::{Cursor, Read};

/// What the checks of a ZIP workbook found on the way.
#[derive(Debug, Default, Clone, Copy)]
pub struct Scanned {
    /// A worksheet mentions merged cells (reading their regions costs a second pass).
    pub merges: bool,
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
    const READ: usize = 1 << 16;
    const _: () = assert!(READ < MAX_RUN);
    let mut buffer = vec![0u8; READ];
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
        // A read is shorter than a run to refuse: only the run into its first `<` and the one
        // out of its last can be too long.
        match memchr::memchr(b'<', fresh) {
            Some(first) => {
                if run + first > MAX_RUN {
                    return Err(Refusal::LongRun);
                }
                let last = memchr::memrchr(b'<', fresh).unwrap_or(first);
                run = fresh.len() - last - 1;
            }
            None => run += fresh.len(),
        }
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
