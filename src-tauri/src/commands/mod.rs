//! Tauri commands, one file per domain: each is one call into the core (through the
//! `Workspace` façade), run in the interface's language. Errors reach the UI as
//! `{code, key, message, params}`.
//!
//! Adding a command is writing it in the file of its domain with `#[tauri::command]` and
//! `#[specta::specta]`: `build.rs` finds it there and registers it, grants it to the window and
//! lists it for the TypeScript bindings (`scripts/gen-bindings.sh`).

pub mod app;
pub mod approvals;
pub mod apps;
pub mod compare;
pub mod customers;
pub mod exports;
pub mod health;
pub mod history;
pub mod imports;
pub mod lifecycle;
pub mod members;
pub mod org;
pub mod roles;
pub mod setup;
pub mod snapshots;
pub mod sync;

use crate::state::{AppState, Res, TaskFlag, TaskProgress};
use orgdesk_core::progress::Progress;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

type S<'a> = State<'a, AppState>;

/// Every command, as `build.rs` found them in this folder.
pub fn all() -> tauri_specta::Commands<tauri::Wry> {
    include!(concat!(env!("OUT_DIR"), "/commands.rs"))
}

/// Runs long work on a worker thread, streaming its progress to `channel`; `cancel` with the
/// same `flag` stops it.
async fn off_ui_thread<T: Send + 'static>(
    app: AppHandle,
    flag: TaskFlag,
    channel: Channel<TaskProgress>,
    task: impl FnOnce(&AppState, &dyn Progress) -> Res<T> + Send + 'static,
) -> Res<T> {
    let send = move |done, total| drop(channel.send(TaskProgress { done, total }));
    let worker = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        worker
            .state::<AppState>()
            .cancellable(flag, &send, |state, progress| task(state, progress))
    })
    .await
    .unwrap_or_else(|e| {
        let state = app.state::<AppState>();
        Err(state.dto(
            orgdesk_core::Error::new(orgdesk_core::ErrorCode::Internal, "internal")
                .with("detail", e),
        ))
    })
}
