//! Undo, redo and the audit log.

use super::S;
use crate::state::Res;
use orgdesk_core::{AuditEntry, HistoryStatus};

#[tauri::command(async)]
#[specta::specta]
pub fn undo(state: S) -> Res<AuditEntry> {
    state.with_reindex(|ws, _| ws.undo())
}

#[tauri::command(async)]
#[specta::specta]
pub fn redo(state: S) -> Res<AuditEntry> {
    state.with_reindex(|ws, _| ws.redo())
}

#[tauri::command(async)]
#[specta::specta]
pub fn history(state: S) -> Res<HistoryStatus> {
    state.with(|ws, _| ws.history())
}

#[tauri::command(async)]
#[specta::specta]
pub fn audit_log(state: S, limit: Option<u32>) -> Res<Vec<AuditEntry>> {
    state.with(|ws, _| ws.log(limit))
}
