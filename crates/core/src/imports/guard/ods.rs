//! OpenDocument spreadsheets: repeated rows and columns, and well-formed content.

use super::{cell_budget, refused, too_many_cells, MAX_RUN};
use crate::error::Result;
use std::io::Cursor;

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
