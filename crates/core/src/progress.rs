//! Long work (imports, exports, reports, restores) reports how far it got and can be cancelled.

/// Cancels a long operation and reports how far it got.
pub trait Progress: Sync {
    /// `done` of `total` units (rows, members) processed.
    fn update(&self, done: u64, total: u64);
    fn cancelled(&self) -> bool;
}

/// No progress reporting, never cancelled.
pub struct Silent;

impl Progress for Silent {
    fn update(&self, _: u64, _: u64) {}
    fn cancelled(&self) -> bool {
        false
    }
}
