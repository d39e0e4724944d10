//! The import wizard: open a file, preview it, change the mapping, commit, save the rejected
//! rows; import batches and their rollback.

use super::{off_ui_thread, S};
use crate::state::{Res, TaskFlag, TaskProgress};
use orgdesk_core::imports::{
    self, ImportBatch, ImportColumn, ImportOptions, ImportPreview, ImportReport, ImportSession,
    PreviewPage, RowFilter,
};
use tauri::ipc::Channel;
use tauri::AppHandle;

/// Reads a file the user dropped or picked in the page (its bytes) and previews the import.
#[tauri::command(async)]
#[specta::specta]
pub fn import_open_bytes(
    state: S,
    file_name: String,
    bytes: Vec<u8>,
    options: ImportOptions,
) -> Res<ImportPreview> {
    state.import_open(ImportSession::from_bytes(bytes, &file_name), &options)
}

/// Reads a file chosen in the native dialog and previews the import.
#[tauri::command(async)]
#[specta::specta]
pub fn import_open_path(state: S, path: String, options: ImportOptions) -> Res<ImportPreview> {
    state.import_open(ImportSession::open(path.as_ref()), &options)
}

#[tauri::command(async)]
#[specta::specta]
pub fn import_plan(state: S, options: ImportOptions) -> Res<ImportPreview> {
    state.with_import(|ws, session, lang| ws.plan_import(session, &options, lang))
}

/// One page of the preview table (rows of the latest plan that `filter` shows).
#[tauri::command(async)]
#[specta::specta]
pub fn import_preview_rows(
    state: S,
    filter: RowFilter,
    offset: u32,
    limit: u32,
) -> Res<PreviewPage> {
    state.with_import(|_, session, lang| session.preview_page(lang, filter, offset, limit))
}

#[tauri::command(async)]
#[specta::specta]
pub fn import_columns(state: S, options: ImportOptions) -> Res<Vec<ImportColumn>> {
    state.with_import(|_, session, _| session.columns(&options))
}

/// Writes the previewed import off the UI thread, streaming progress; cancellable.
#[tauri::command]
#[specta::specta]
pub async fn import_commit(
    app: AppHandle,
    skip_invalid: bool,
    on_progress: Channel<TaskProgress>,
) -> Res<ImportReport> {
    off_ui_thread(
        app,
        TaskFlag::Import,
        on_progress,
        move |state, progress| {
            state.with_import(|ws, session, lang| {
                ws.commit_import(session, skip_invalid, lang, progress)
            })
        },
    )
    .await
}

#[tauri::command(async)]
#[specta::specta]
pub fn import_cancel(state: S) -> Res<()> {
    state.cancel(TaskFlag::Import);
    Ok(())
}

/// Writes the rows the latest preview rejects, with their reasons, to `path`.
#[tauri::command(async)]
#[specta::specta]
pub fn import_error_workbook(state: S, path: String) -> Res<u32> {
    state.with_import(|_, session, lang| session.write_errors(path.as_ref(), lang))
}

#[tauri::command(async)]
#[specta::specta]
pub fn import_close(state: S) -> Res<()> {
    state.import_close();
    Ok(())
}

#[tauri::command(async)]
#[specta::specta]
pub fn import_field_choices() -> Res<Vec<String>> {
    Ok(imports::field_choices())
}

#[tauri::command(async)]
#[specta::specta]
pub fn list_imports(state: S) -> Res<Vec<ImportBatch>> {
    state.with(|ws, _| ws.imports())
}

#[tauri::command(async)]
#[specta::specta]
pub fn import_rollback(state: S, batch: i64) -> Res<ImportBatch> {
    state.with_reindex(|ws, _| ws.rollback_import(batch))
}
