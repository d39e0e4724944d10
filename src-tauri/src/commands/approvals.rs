//! Approvals: ranks, templates, the route simulator, the workspace-wide check, efficiency.

use super::S;
use crate::state::Res;
use orgdesk_core::approvals::records::Efficiency;
use orgdesk_core::approvals::route::{BreakSummary, Chain, Input};
use orgdesk_core::approvals::{FitFeature, Ranks, Template, TemplateInfo};
use orgdesk_core::imports::approval_records::RecordsImport;

#[tauri::command(async)]
#[specta::specta]
pub fn ranks(state: S) -> Res<Ranks> {
    state.read(|ws, _| ws.ranks())
}

/// Replaces the rank order (lowest first).
#[tauri::command(async)]
#[specta::specta]
pub fn set_ranks(state: S, names: Vec<String>) -> Res<Vec<String>> {
    state.with(|ws, _| ws.set_ranks(&names))
}

#[tauri::command(async)]
#[specta::specta]
pub fn approval_templates(state: S) -> Res<Vec<TemplateInfo>> {
    state.read(|ws, lang| ws.approval_templates(lang))
}

/// Adds or replaces a template (a built-in one added, or one edited on the page).
#[tauri::command(async)]
#[specta::specta]
pub fn save_approval_template(state: S, template: Template) -> Res<Template> {
    state.with(|ws, _| ws.save_approval_template(&template))
}

/// Adds a template from a JSON file.
#[tauri::command(async)]
#[specta::specta]
pub fn import_approval_template(state: S, path: String) -> Res<Template> {
    state.with(|ws, _| ws.add_approval_template(&path))
}

#[tauri::command(async)]
#[specta::specta]
pub fn export_approval_template(state: S, key: String, path: String) -> Res<Template> {
    state.read(|ws, _| ws.export_approval_template(&key, path.as_ref()))
}

#[tauri::command(async)]
#[specta::specta]
pub fn delete_approval_template(state: S, key: String) -> Res<Template> {
    state.with(|ws, _| ws.delete_approval_template(&key))
}

#[tauri::command(async)]
#[specta::specta]
pub fn approval_fit(state: S, key: String) -> Res<Vec<FitFeature>> {
    state.read(|ws, lang| ws.approval_fit(&key, lang))
}

/// Who approves: the chain `key` routes `applicant` through.
#[tauri::command(async)]
#[specta::specta]
pub fn approval_route(
    state: S,
    key: String,
    applicant: String,
    amount: Option<f64>,
    days: Option<f64>,
) -> Res<Chain> {
    state.read(|ws, lang| ws.approval_route(&key, &applicant, Input { amount, days }, lang))
}

/// Breaks listed at most; the rest are counted.
const BREAKS_LISTED: usize = 1000;

#[tauri::command(async)]
#[specta::specta]
pub fn approval_check(state: S) -> Res<BreakSummary> {
    state.read(|ws, lang| ws.approval_check_summary(BREAKS_LISTED, lang))
}

#[tauri::command(async)]
#[specta::specta]
pub fn import_approval_records(state: S, path: String, skip_invalid: bool) -> Res<RecordsImport> {
    state.with(|ws, lang| ws.import_approval_records(path.as_ref(), skip_invalid, false, lang))
}

#[tauri::command(async)]
#[specta::specta]
pub fn approval_efficiency(state: S) -> Res<Efficiency> {
    state.read(|ws, lang| ws.approval_efficiency(None, None, lang))
}
