//! The façade's snapshots (kept inside the workspace file) and "save a copy as…".

use super::Workspace;
use crate::error::Result;
use crate::history::Action;
use crate::snapshots::{self, SnapshotInfo, SnapshotKind};
use std::path::Path;

impl Workspace {
    /// The snapshots, newest first.
    pub fn snapshots(&self) -> Result<Vec<SnapshotInfo>> {
        snapshots::list(self.db.conn())
    }

    /// Saves the workspace as it is now under `name` (not an undoable action: it changes no
    /// content).
    pub fn save_snapshot(&mut self, name: &str) -> Result<SnapshotInfo> {
        self.save_snapshot_as(name, SnapshotKind::Manual)
    }

    pub(super) fn save_snapshot_as(
        &mut self,
        name: &str,
        kind: SnapshotKind,
    ) -> Result<SnapshotInfo> {
        let taken = snapshots::take(self.db.conn(), name)?;
        self.db.unrecorded(Action::SnapshotSave, |tx| {
            snapshots::insert(tx, taken, kind)
        })
    }

    pub fn delete_snapshot(&mut self, name: &str) -> Result<SnapshotInfo> {
        self.db
            .unrecorded(Action::SnapshotDelete, |tx| snapshots::delete(tx, name))
    }

    /// Puts the workspace back as it was in snapshot `name` (or `#id`), in one undoable action.
    pub fn restore_snapshot(&mut self, name: &str) -> Result<SnapshotInfo> {
        let (found, file) = snapshots::extract(self.db.conn(), name)?;
        self.db.record_replacing(
            Action::SnapshotRestore,
            file.path(),
            snapshots::ATTACHED,
            |tx| snapshots::restore(tx, &found),
        )?;
        Ok(found)
    }

    /// Writes a consistent copy of the workspace to `dest`; the file appears only when complete.
    pub fn save_copy(&self, dest: &Path) -> Result<()> {
        snapshots::save_copy(self.db.conn(), dest)
    }
}
