//! Member lifecycle: activation, joiners' and leavers' checklists, offboarding.

use super::S;
use crate::state::Res;
use orgdesk_core::lifecycle::activation::Activation;
use orgdesk_core::lifecycle::{Case, Lifecycle, LifecycleTick};
use orgdesk_core::{Department, DepartmentRef};

#[tauri::command(async)]
#[specta::specta]
pub fn activation(state: S) -> Res<Activation> {
    state.read(|ws, lang| ws.activation(lang))
}

/// Writes the invitation list (members not yet active) to `path`; returns its rows.
#[tauri::command(async)]
#[specta::specta]
pub fn export_invitations(state: S, path: String) -> Res<u32> {
    state.read(|ws, lang| Ok(ws.export_invitations(path.as_ref(), lang)? as u32))
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_department_customer_facing(state: S, id: i64, on: bool) -> Res<Department> {
    state.with(|ws, _| ws.set_department_customer_facing(&DepartmentRef::Id(id), on))
}

#[tauri::command(async)]
#[specta::specta]
pub fn lifecycle(state: S) -> Res<Lifecycle> {
    state.read(|ws, lang| ws.lifecycle(lang))
}

/// Offboards a member (frozen now, departed on `date`); returns what they still hold.
#[tauri::command(async)]
#[specta::specta]
pub fn offboard(state: S, userid: String, date: String, successor: Option<String>) -> Res<Case> {
    state.with(|ws, lang| ws.offboard(&userid, &date, successor.as_deref(), lang))
}

#[tauri::command(async)]
#[specta::specta]
pub fn lifecycle_tick(state: S, tick: LifecycleTick) -> Res<Case> {
    state.with(|ws, lang| ws.lifecycle_tick(&tick, lang))
}

/// Unassigns every role a leaver still holds.
#[tauri::command(async)]
#[specta::specta]
pub fn revoke_all_roles(state: S, userid: String) -> Res<Case> {
    state.with(|ws, lang| ws.revoke_all_roles(&userid, lang))
}
