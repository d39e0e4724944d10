//! The app plan: the catalogue, the apps chosen, who sees each, the checks.

use super::S;
use crate::state::Res;
use orgdesk_core::apps::{App, AppFinding, AppInput, AppVisibility, CatalogueApp};
use orgdesk_core::Workspace;

/// The native apps of `platform` (all three when none), each with its platform.
#[tauri::command]
#[specta::specta]
pub fn app_catalogue(platform: Option<String>) -> Vec<(String, CatalogueApp)> {
    Workspace::app_catalogue(platform.as_deref())
}

#[tauri::command(async)]
#[specta::specta]
pub fn apps(state: S) -> Res<Vec<App>> {
    state.read(|ws, lang| ws.apps(lang))
}

#[tauri::command(async)]
#[specta::specta]
pub fn add_app(state: S, input: AppInput) -> Res<App> {
    state.with(|ws, lang| ws.add_app(&input, lang))
}

#[tauri::command(async)]
#[specta::specta]
pub fn remove_app(state: S, key: String) -> Res<App> {
    state.with(|ws, lang| ws.remove_app(&key, lang))
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_app_visibility(
    state: S,
    key: String,
    visibility: AppVisibility,
    admins: Option<Vec<String>>,
) -> Res<App> {
    state.with(|ws, lang| ws.set_app_visibility(&key, &visibility, admins.as_deref(), lang))
}

#[tauri::command(async)]
#[specta::specta]
pub fn check_apps(state: S) -> Res<Vec<AppFinding>> {
    state.read(|ws, lang| ws.check_apps(lang))
}
