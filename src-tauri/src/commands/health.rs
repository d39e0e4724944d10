//! Operations health: activity imports and the indicators.

use super::{off_ui_thread, S};
use crate::state::{Res, TaskFlag, TaskProgress};
use orgdesk_core::health::Health;
use orgdesk_core::imports::activity::{ActivityImport, ActivityKind};
use tauri::ipc::Channel;
use tauri::AppHandle;

/// Imports an activity file off the UI thread, streaming progress; `import_cancel` stops it.
#[tauri::command]
#[specta::specta]
pub async fn import_activity(
    app: AppHandle,
    path: String,
    kind: Option<ActivityKind>,
    skip_invalid: bool,
    dry_run: bool,
    on_progress: Channel<TaskProgress>,
) -> Res<ActivityImport> {
    off_ui_thread(
        app,
        TaskFlag::Import,
        on_progress,
        move |state, progress| {
            state.with(|ws, lang| {
                ws.import_activity(path.as_ref(), kind, skip_invalid, dry_run, lang, progress)
            })
        },
    )
    .await
}

/// Imports the bytes of an activity file dropped on the page.
#[tauri::command(async)]
#[specta::specta]
pub fn import_activity_bytes(
    state: S,
    file_name: String,
    bytes: Vec<u8>,
    kind: Option<ActivityKind>,
    skip_invalid: bool,
) -> Res<ActivityImport> {
    state.with(|ws, lang| {
        ws.import_activity_bytes(
            bytes,
            &file_name,
            kind,
            skip_invalid,
            false,
            lang,
            &orgdesk_core::progress::Silent,
        )
    })
}

/// The indicators over `from..=to` (YYYY-MM-DD; by default the eight weeks up to the last day
/// with activity data).
#[tauri::command(async)]
#[specta::specta]
pub fn health(state: S, from: Option<String>, to: Option<String>) -> Res<Health> {
    state.read(|ws, lang| ws.health(from.as_deref(), to.as_deref(), lang))
}
