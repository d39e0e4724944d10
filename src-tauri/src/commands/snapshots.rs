//! Snapshots kept inside the workspace, the demo reset, and "save a copy as…".

use super::S;
use crate::state::Res;
use orgdesk_core::snapshots::SnapshotInfo;

#[tauri::command(async)]
#[specta::specta]
pub fn snapshot_list(state: S) -> Res<Vec<SnapshotInfo>> {
    state.with(|ws, _| ws.snapshots())
}

#[tauri::command(async)]
#[specta::specta]
pub fn snapshot_save(state: S, name: String) -> Res<SnapshotInfo> {
    state.with(|ws, _| ws.save_snapshot(&name))
}

#[tauri::command(async)]
#[specta::specta]
pub fn snapshot_restore(state: S, id: i64) -> Res<SnapshotInfo> {
    state.with_reindex(|ws, _| ws.restore_snapshot(&format!("#{id}")))
}

#[tauri::command(async)]
#[specta::specta]
pub fn snapshot_delete(state: S, id: i64) -> Res<SnapshotInfo> {
    state.with(|ws, _| ws.delete_snapshot(&format!("#{id}")))
}

/// Puts a demo workspace back as it was created.
#[tauri::command(async)]
#[specta::specta]
pub fn demo_reset(state: S) -> Res<SnapshotInfo> {
    state.with(|ws, _| ws.reset_demo())
}

/// Writes a copy of the open workspace to `path` (complete or not at all).
#[tauri::command(async)]
#[specta::specta]
pub fn save_copy(state: S, path: String) -> Res<()> {
    state.with(|ws, _| ws.save_copy(path.as_ref()))
}
