//! Excel out: platform member files (checked first) and the report workbook.

use super::{off_ui_thread, S};
use crate::state::{Res, TaskFlag, TaskProgress};
use orgdesk_core::exports::{
    self, mask::Mask, report::ReportSummary, ExportReport, FormatInfo, Problem,
};
use orgdesk_core::Lang;
use tauri::ipc::Channel;
use tauri::AppHandle;

#[tauri::command(async)]
#[specta::specta]
pub fn export_formats(state: S) -> Res<Vec<FormatInfo>> {
    state.run(|lang| Ok(exports::formats(lang)))
}

/// What exporting the workspace as `format` would run into (nothing is written).
#[tauri::command(async)]
#[specta::specta]
pub fn export_preflight(state: S, format: String) -> Res<Vec<Problem>> {
    state.read_cached(&preflight(&format), |ws, lang| ws.preflight(&format, lang))
}

/// Calls off a pre-flight of `format` still being computed (seconds at a million members): the
/// page was left or another format chosen, nobody waits for it.
#[tauri::command(async)]
#[specta::specta]
pub fn stop_preflight(state: S, format: String) {
    state.stop_read(&preflight(&format))
}

/// The question a pre-flight of `format` answers (see `AppState::read_cached`).
fn preflight(format: &str) -> String {
    format!("preflight/{format}")
}

/// Writes a platform member file off the UI thread, streaming progress; cancellable.
#[tauri::command]
#[specta::specta]
pub async fn export_members(
    app: AppHandle,
    format: String,
    path: String,
    force: bool,
    mask: Option<Mask>,
    on_progress: Channel<TaskProgress>,
) -> Res<ExportReport> {
    off_ui_thread(
        app,
        TaskFlag::Export,
        on_progress,
        move |state, progress| {
            state.with(|ws, lang| {
                ws.export_members(&format, path.as_ref(), force, lang, mask, progress)
            })
        },
    )
    .await
}

/// Writes the report workbook in `language` (which may differ from the interface's) off the
/// UI thread, streaming progress; cancellable.
#[tauri::command]
#[specta::specta]
pub async fn export_report(
    app: AppHandle,
    path: String,
    language: Lang,
    mask: Option<Mask>,
    on_progress: Channel<TaskProgress>,
) -> Res<ReportSummary> {
    off_ui_thread(
        app,
        TaskFlag::Export,
        on_progress,
        move |state, progress| {
            state.with(|ws, _| ws.export_report(path.as_ref(), language, mask, progress))
        },
    )
    .await
}

#[tauri::command(async)]
#[specta::specta]
pub fn export_cancel(state: S) -> Res<()> {
    state.cancel(TaskFlag::Export);
    Ok(())
}
