//! The app itself: start screen, language, opening and closing workspaces.

use super::S;
use crate::state::Res;
use orgdesk_core::demo::{self, DemoInfo};
use orgdesk_core::settings::RecentWorkspace;
use orgdesk_core::{ErrorDto, Lang, Platform, WorkspaceInfo};
use serde::Serialize;

/// Everything the start screen needs.
#[derive(Serialize, specta::Type)]
pub struct AppInfo {
    pub version: String,
    pub language: Lang,
    /// Whether the user picked the language (else the UI follows the system).
    pub language_chosen: bool,
    /// True until the first-run welcome was dismissed.
    pub first_run: bool,
    pub recent: Vec<RecentWorkspace>,
    pub demos: Vec<DemoInfo>,
    pub workspace: Option<WorkspaceInfo>,
    /// Why the workspace given on the command line could not be opened.
    pub startup_error: Option<ErrorDto>,
}

#[tauri::command(async)]
#[specta::specta]
pub fn app_info(state: S) -> Res<AppInfo> {
    let settings = state.settings();
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        language: state.lang(),
        language_chosen: settings.language.is_some(),
        first_run: !settings.welcomed,
        recent: settings.recent,
        demos: state.run(|_| demo::list())?,
        workspace: state.info(),
        startup_error: state.take_startup_error(),
    })
}

/// The interface now shows `language` (the core speaks it from now on); `remember` keeps it as
/// the user's choice for the next start.
#[tauri::command(async)]
#[specta::specta]
pub fn set_language(state: S, language: Lang, remember: bool) -> Res<()> {
    state.set_lang(language, remember)
}

#[tauri::command(async)]
#[specta::specta]
pub fn mark_welcomed(state: S) -> Res<()> {
    state.update_settings(|s| s.welcomed = true)
}

#[tauri::command(async)]
#[specta::specta]
pub fn create_workspace(
    state: S,
    path: String,
    name: String,
    platform: Platform,
) -> Res<WorkspaceInfo> {
    state.create(path.into(), &name, platform)
}

#[tauri::command(async)]
#[specta::specta]
pub fn open_workspace(state: S, path: String) -> Res<WorkspaceInfo> {
    state.open(path.into())
}

#[tauri::command(async)]
#[specta::specta]
pub fn open_demo(state: S, id: String) -> Res<WorkspaceInfo> {
    state.open_demo(&id)
}

#[tauri::command(async)]
#[specta::specta]
pub fn close_workspace(state: S) -> Res<()> {
    state.close();
    Ok(())
}

/// The start screen (or a workspace) is shown: notes in the log how long the start took.
#[tauri::command]
#[specta::specta]
pub fn ui_ready(screen: String) {
    tracing::info!(
        screen = screen.as_str(),
        ms = crate::logging::since_launch_ms() as u64,
        "ready"
    );
}

/// What a bug report needs: versions, system, and where the data and the log are.
#[derive(Serialize, specta::Type)]
pub struct Diagnostics {
    pub version: String,
    pub os: String,
    pub arch: String,
    pub data_dir: String,
    /// The log folder (one file a day, the last week kept); none when it could not be written.
    pub log_dir: Option<String>,
    /// The open workspace's schema version.
    pub schema_version: Option<u32>,
    pub latest_schema_version: u32,
    /// How the web view draws the page.
    pub rendering: crate::rendering::Rendering,
}

#[tauri::command]
#[specta::specta]
pub fn diagnostics(state: S) -> Diagnostics {
    Diagnostics {
        version: env!("CARGO_PKG_VERSION").to_string(),
        os: std::env::consts::OS.to_string(),
        arch: std::env::consts::ARCH.to_string(),
        data_dir: state.data_dir().display().to_string(),
        log_dir: crate::logging::dir().map(|d| d.display().to_string()),
        schema_version: state.info().map(|i| i.schema_version),
        latest_schema_version: orgdesk_core::db::latest_version(),
        rendering: crate::rendering::choose(),
    }
}
