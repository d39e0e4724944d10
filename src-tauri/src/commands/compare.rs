//! The platform comparison, the needs a business states and each platform's fit.

use super::S;
use crate::state::Res;
use orgdesk_core::compare::{
    self,
    needs::{Fit, Need, NeedDefinition},
    CompareRow,
};
use std::collections::BTreeMap;

#[tauri::command(async)]
#[specta::specta]
pub fn compare_rows(state: S) -> Res<Vec<CompareRow>> {
    state.run(|_| compare::compare(compare::Dataset::builtin(), None, false))
}

#[tauri::command(async)]
#[specta::specta]
pub fn need_definitions() -> Res<Vec<NeedDefinition>> {
    Ok(compare::needs::definitions().to_vec())
}

#[tauri::command(async)]
#[specta::specta]
pub fn list_needs(state: S) -> Res<Vec<Need>> {
    state.with(|ws, _| ws.needs())
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_need(state: S, need: Need) -> Res<Need> {
    state.with(|ws, _| ws.set_need(&need))
}

#[tauri::command(async)]
#[specta::specta]
pub fn unset_need(state: S, key: String) -> Res<()> {
    state.with(|ws, _| ws.unset_need(&key))
}

#[tauri::command(async)]
#[specta::specta]
pub fn platform_fit(state: S) -> Res<BTreeMap<String, Fit>> {
    state.with(|ws, lang| ws.fit(lang))
}

/// Writes the comparison and, for the open workspace, its fit score.
#[tauri::command(async)]
#[specta::specta]
pub fn export_comparison(state: S, path: String) -> Res<u32> {
    state.with(|ws, lang| ws.export_comparison(path.as_ref(), lang).map(|n| n as u32))
}
