//! Connecting to the platform: the secret into the OS keyring, a test, a pull of the live
//! directory, the plan from it to the workspace.

use super::{off_ui_thread, S};
use crate::state::{Res, TaskFlag, TaskProgress};
use orgdesk_core::sync::journal::{ApplyReport, JournalEntry};
use orgdesk_core::sync::plan::Plan;
use orgdesk_core::sync::{PlatformConnection, Pulled};
use orgdesk_core::Platform;
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::AppHandle;

/// What the last pull read, in figures.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PullSummary {
    pub platform: Platform,
    pub pulled_at: String,
    #[specta(type = f64)]
    pub departments: usize,
    #[specta(type = f64)]
    pub members: usize,
    pub withheld: Vec<String>,
}

fn summary(p: Pulled) -> PullSummary {
    PullSummary {
        platform: p.platform,
        pulled_at: p.pulled_at,
        departments: p.state.departments.len(),
        members: p.state.members.len(),
        withheld: p.state.withheld,
    }
}

#[tauri::command(async)]
#[specta::specta]
pub fn platform_connection(state: S) -> Res<Option<PlatformConnection>> {
    state.with(|ws, _| ws.platform_connection())
}

/// Connects: the id into the workspace, the secret into the OS keyring only.
#[tauri::command(async)]
#[specta::specta]
pub fn connect_platform(state: S, platform: Platform, id: String, secret: String) -> Res<()> {
    state.with(|ws, _| Ok(orgdesk_platform::connect(ws, platform, &id, &secret)?))
}

#[tauri::command(async)]
#[specta::specta]
pub fn disconnect_platform(state: S) -> Res<()> {
    state.with(|ws, _| Ok(orgdesk_platform::disconnect(ws)?))
}

/// Fetches a token with the connection's id and secret; writes nothing.
#[tauri::command(async)]
#[specta::specta]
pub fn test_connection(state: S) -> Res<()> {
    state.with(|ws, _| Ok(orgdesk_platform::test_connection(ws)?))
}

/// Reads the live directory off the UI thread, with progress (`cancel_sync` stops it), and
/// keeps it beside the plan.
#[tauri::command]
#[specta::specta]
pub async fn pull_platform(app: AppHandle, on_progress: Channel<TaskProgress>) -> Res<PullSummary> {
    off_ui_thread(app, TaskFlag::Sync, on_progress, |state, progress| {
        state.with(|ws, _| Ok(summary(orgdesk_platform::pull(ws, progress)?)))
    })
    .await
}

/// The last pull, in figures (None before the first).
#[tauri::command(async)]
#[specta::specta]
pub fn last_pull(state: S) -> Res<Option<PullSummary>> {
    state.with(|ws, _| Ok(ws.pulled()?.map(summary)))
}

/// The operations from the last pull to the workspace.
#[tauri::command(async)]
#[specta::specta]
pub fn sync_plan(state: S, allow_deletes: u32) -> Res<Plan> {
    state.with(|ws, lang| ws.sync_plan(allow_deletes, lang))
}

/// Applies the saved plan `id` off the UI thread, with progress; `cancel_sync` stops it
/// between two operations (the journal keeps what was done, `resume` goes on).
#[tauri::command]
#[specta::specta]
pub async fn apply_plan(
    app: AppHandle,
    id: String,
    allow_deletes: u32,
    resume: bool,
    dry_run: bool,
    on_progress: Channel<TaskProgress>,
) -> Res<ApplyReport> {
    let options = orgdesk_platform::ApplyOptions {
        dry_run,
        allow_deletes,
        resume,
    };
    off_ui_thread(app, TaskFlag::Sync, on_progress, move |state, progress| {
        state.with(|ws, lang| Ok(orgdesk_platform::apply(ws, &id, options, lang, progress)?))
    })
    .await
}

/// Stops a pull (nothing is kept) or an apply (between two operations).
#[tauri::command(async)]
#[specta::specta]
pub fn cancel_sync(state: S) {
    state.cancel(TaskFlag::Sync);
}

/// The plan that ran last and its journal (None before the first run).
#[tauri::command(async)]
#[specta::specta]
pub fn last_run(state: S) -> Res<Option<(Plan, Vec<JournalEntry>)>> {
    state.with(|ws, _| ws.last_run())
}
