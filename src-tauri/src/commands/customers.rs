//! Customer contact: customers and orders imported, tags, RFM segments, limits, welcome
//! messages, mass-message campaigns and leavers' handover.

use super::{off_ui_thread, S};
use crate::state::{Res, TaskFlag, TaskProgress};
use orgdesk_core::customers::campaigns::{Campaign, CampaignCheck, CampaignInput};
use orgdesk_core::customers::handover::{HandoverPlan, Leaver};
use orgdesk_core::customers::limits::CustomerFinding;
use orgdesk_core::customers::rfm::{Rfm, RfmOptions};
use orgdesk_core::customers::welcome::{Welcome, WelcomeCheck, WelcomeScope};
use orgdesk_core::customers::{CustomerFilter, CustomerPage, TagEdit, TagGroup};
use orgdesk_core::imports::customers::{CustomerFile, CustomersImport};
use orgdesk_core::progress::Silent;
use tauri::ipc::Channel;
use tauri::AppHandle;

/// Imports a customer or order file off the UI thread, streaming progress; `import_cancel`
/// stops it.
#[tauri::command]
#[specta::specta]
pub async fn import_customer_file(
    app: AppHandle,
    path: String,
    kind: CustomerFile,
    skip_invalid: bool,
    on_progress: Channel<TaskProgress>,
) -> Res<CustomersImport> {
    off_ui_thread(
        app,
        TaskFlag::Import,
        on_progress,
        move |state, progress| {
            state.with(|ws, lang| {
                let path = std::path::Path::new(&path);
                let bytes = std::fs::read(path).map_err(|e| orgdesk_core::Error::io(path, &e))?;
                let name = path
                    .file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().into());
                ws.import_customer_bytes(kind, bytes, &name, skip_invalid, false, lang, progress)
            })
        },
    )
    .await
}

/// Imports the bytes of a customer or order file dropped on the page.
#[tauri::command(async)]
#[specta::specta]
pub fn import_customer_bytes(
    state: S,
    file_name: String,
    bytes: Vec<u8>,
    kind: CustomerFile,
    skip_invalid: bool,
) -> Res<CustomersImport> {
    state.with(|ws, lang| {
        ws.import_customer_bytes(kind, bytes, &file_name, skip_invalid, false, lang, &Silent)
    })
}

/// A page of the customers the filter (and RFM segment) keep.
#[tauri::command(async)]
#[specta::specta]
pub fn customer_page(
    state: S,
    filter: CustomerFilter,
    segment: Option<String>,
    rfm: RfmOptions,
    offset: u32,
    limit: u32,
) -> Res<CustomerPage> {
    state.read(|ws, lang| ws.customer_page(&filter, segment.as_deref(), &rfm, offset, limit, lang))
}

/// The RFM segments and thresholds (without the per-customer rows).
#[tauri::command(async)]
#[specta::specta]
pub fn rfm(state: S, options: RfmOptions) -> Res<Rfm> {
    state.read(|ws, lang| ws.rfm_with(&options, lang).map(Rfm::summary))
}

/// Makes the segments the customers' value tags (undoable).
#[tauri::command(async)]
#[specta::specta]
pub fn apply_rfm(state: S, options: RfmOptions) -> Res<Rfm> {
    state.with(|ws, lang| {
        ws.apply_rfm(
            options.as_of.as_deref(),
            options.window_days,
            options.scoring,
            lang,
        )
        .map(Rfm::summary)
    })
}

#[tauri::command(async)]
#[specta::specta]
pub fn tag_groups(state: S) -> Res<Vec<TagGroup>> {
    state.read(|ws, _| ws.tag_groups())
}

#[tauri::command(async)]
#[specta::specta]
pub fn edit_tags(state: S, edit: TagEdit) -> Res<()> {
    state.with(|ws, _| ws.edit_tags(&edit))
}

#[tauri::command(async)]
#[specta::specta]
pub fn customer_findings(state: S) -> Res<Vec<CustomerFinding>> {
    state.read(|ws, lang| ws.customer_findings(lang))
}

#[tauri::command(async)]
#[specta::specta]
pub fn welcome_messages(state: S) -> Res<Vec<Welcome>> {
    state.read(|ws, _| ws.welcome_messages())
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_welcome(state: S, scope: WelcomeScope, text: String) -> Res<()> {
    state.with(|ws, _| ws.set_welcome(&scope, &text))
}

#[tauri::command(async)]
#[specta::specta]
pub fn delete_welcome(state: S, id: f64) -> Res<()> {
    state.with(|ws, _| ws.delete_welcome(id as i64))
}

/// The message `userid`'s new customer `customer` would get (None: no message reaches them).
#[tauri::command(async)]
#[specta::specta]
pub fn welcome_preview(state: S, userid: String, customer: String) -> Res<Option<String>> {
    state.read(|ws, _| ws.welcome_preview(&userid, &customer))
}

#[tauri::command(async)]
#[specta::specta]
pub fn welcome_check(state: S) -> Res<WelcomeCheck> {
    state.read(|ws, lang| ws.welcome_check(lang))
}

#[tauri::command(async)]
#[specta::specta]
pub fn campaigns(state: S) -> Res<Vec<Campaign>> {
    state.read(|ws, _| ws.campaigns())
}

#[tauri::command(async)]
#[specta::specta]
pub fn add_campaign(state: S, input: CampaignInput) -> Res<Campaign> {
    state.with(|ws, _| ws.add_campaign(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn delete_campaign(state: S, id: f64) -> Res<()> {
    state.with(|ws, _| ws.delete_campaign(id as i64))
}

/// The month's (YYYY-MM) campaigns against the mass-message rules.
#[tauri::command(async)]
#[specta::specta]
pub fn check_campaigns(state: S, month: Option<String>) -> Res<CampaignCheck> {
    state.read(|ws, lang| ws.check_campaigns(month.as_deref(), lang))
}

#[tauri::command(async)]
#[specta::specta]
pub fn leavers(state: S) -> Res<Vec<Leaver>> {
    state.read(|ws, _| ws.leavers())
}

#[tauri::command(async)]
#[specta::specta]
pub fn handover_plan(state: S, from: String, to: Option<String>) -> Res<HandoverPlan> {
    state.read(|ws, lang| ws.handover_plan(&from, to.as_deref(), lang))
}

#[tauri::command(async)]
#[specta::specta]
pub fn apply_handover(state: S, from: String, to: Option<String>) -> Res<HandoverPlan> {
    state.with(|ws, lang| ws.apply_handover(&from, to.as_deref(), lang))
}

/// Writes the handover sheet of `from`'s plan to `path`.
#[tauri::command(async)]
#[specta::specta]
pub fn export_handover(state: S, from: String, to: Option<String>, path: String) -> Res<()> {
    state.read(|ws, lang| ws.export_handover(&from, to.as_deref(), path.as_ref(), lang))
}
