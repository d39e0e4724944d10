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

mod ods;
mod xls;
mod zip;

pub use ods::check_ods;
pub use xls::check_cfb;
pub use zip::{check_zip, Scanned};

use crate::error::{Error, ErrorCode, Result};

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

fn refused(file: &str, key: &'static str) -> Error {
    Error::new(ErrorCode::UnreadableFile, key).with("file", file)
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
