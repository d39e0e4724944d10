//! The setup journey: certification, checklist, security, hardware.

use super::S;
use crate::state::Res;
use orgdesk_core::setup::certification::{CertificationInput, CertificationPlan};
use orgdesk_core::setup::checklist::{Checklist, Tick};
use orgdesk_core::setup::hardware::{
    BatchQuarter, Device, DeviceInput, EventInput, HardwareImport,
};
use orgdesk_core::setup::security::SecurityReport;
use std::collections::BTreeMap;

#[tauri::command(async)]
#[specta::specta]
pub fn certification_plan(state: S) -> Res<CertificationPlan> {
    state.with(|ws, lang| ws.certification_plan(lang))
}

#[tauri::command(async)]
#[specta::specta]
pub fn certification_set(state: S, input: CertificationInput) -> Res<CertificationPlan> {
    state.with(|ws, lang| ws.set_certification(&input, lang))
}

#[tauri::command(async)]
#[specta::specta]
pub fn checklist(state: S) -> Res<Checklist> {
    state.read_cached(CHECKLIST, |ws, lang| ws.checklist(lang))
}

const CHECKLIST: &str = "checklist";

/// Calls off a checklist still being computed: the home page was left, nobody waits for it.
#[tauri::command(async)]
#[specta::specta]
pub fn stop_checklist(state: S) {
    state.stop_read(CHECKLIST)
}

#[tauri::command(async)]
#[specta::specta]
pub fn checklist_tick(state: S, tick: Tick) -> Res<Tick> {
    state.with(|ws, _| ws.tick(&tick))
}

#[tauri::command(async)]
#[specta::specta]
pub fn security_report(state: S) -> Res<SecurityReport> {
    state.with(|ws, lang| ws.security(lang))
}

/// Sets security settings (a null value clears one).
#[tauri::command(async)]
#[specta::specta]
pub fn security_set(state: S, values: BTreeMap<String, serde_json::Value>) -> Res<SecurityReport> {
    state.with(|ws, lang| ws.set_security(&values, lang))
}

#[tauri::command(async)]
#[specta::specta]
pub fn devices(state: S) -> Res<Vec<Device>> {
    state.with(|ws, _| ws.devices())
}

#[tauri::command(async)]
#[specta::specta]
pub fn device_add(state: S, input: DeviceInput) -> Res<Device> {
    state.with(|ws, _| ws.add_device(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn device_delete(state: S, serial: String) -> Res<String> {
    state.with(|ws, _| ws.delete_device(&serial))
}

#[tauri::command(async)]
#[specta::specta]
pub fn device_event(state: S, input: EventInput) -> Res<()> {
    state.with(|ws, _| ws.add_device_event(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn hardware_flags(state: S) -> Res<Vec<BatchQuarter>> {
    state.with(|ws, lang| ws.hardware_flags(lang))
}

/// Imports an inventory and/or offline log chosen in the open dialog.
#[tauri::command(async)]
#[specta::specta]
pub fn hardware_import(state: S, path: String) -> Res<HardwareImport> {
    state.with(|ws, lang| ws.import_hardware(path.as_ref(), lang))
}
