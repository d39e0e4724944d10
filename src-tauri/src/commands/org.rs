//! The department tree and the organisation profile.

use super::S;
use crate::state::Res;
use orgdesk_core::org::profile::ProfileInput;
use orgdesk_core::org::visibility::{platform_mapping, PlatformSetting};
use orgdesk_core::{Audience, Department, DepartmentRef, OrgProfile, Sight, Visibility};
use std::collections::HashMap;

#[tauri::command(async)]
#[specta::specta]
pub fn list_departments(state: S) -> Res<Vec<Department>> {
    state.with(|ws, _| ws.departments())
}

#[tauri::command(async)]
#[specta::specta]
pub fn add_department(state: S, parent: Option<i64>, name: String) -> Res<Department> {
    state.with(|ws, _| ws.add_child_department(parent.map(DepartmentRef::Id).as_ref(), &name))
}

#[tauri::command(async)]
#[specta::specta]
pub fn rename_department(state: S, id: i64, name: String) -> Res<Department> {
    state.with(|ws, _| ws.rename_department(&DepartmentRef::Id(id), &name))
}

#[tauri::command(async)]
#[specta::specta]
pub fn move_department(
    state: S,
    id: i64,
    parent: Option<i64>,
    position: Option<u32>,
) -> Res<Department> {
    state.with(|ws, _| {
        ws.move_department(
            &DepartmentRef::Id(id),
            parent.map(DepartmentRef::Id).as_ref(),
            position,
        )
    })
}

#[tauri::command(async)]
#[specta::specta]
pub fn delete_department(state: S, id: i64) -> Res<Department> {
    state.with(|ws, _| ws.delete_department(&DepartmentRef::Id(id)))
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_department_sensitive(state: S, id: i64, sensitive: bool) -> Res<Department> {
    state.with(|ws, _| ws.set_department_sensitive(&DepartmentRef::Id(id), sensitive))
}

/// Replaces a department's visibility in the directory.
#[tauri::command(async)]
#[specta::specta]
pub fn set_department_visibility(state: S, id: i64, visibility: Visibility) -> Res<Department> {
    state.with(|ws, _| ws.set_department_visibility(&DepartmentRef::Id(id), &visibility))
}

/// Who sees a department in the directory.
#[tauri::command(async)]
#[specta::specta]
pub fn department_audience(state: S, id: i64) -> Res<Audience> {
    state.read(|ws, _| ws.department_audience(&DepartmentRef::Id(id)))
}

/// What a member sees of the directory.
#[tauri::command(async)]
#[specta::specta]
pub fn member_sight(state: S, userid: String) -> Res<Sight> {
    state.read(|ws, _| ws.sees(&userid))
}

/// Where each platform sets each visibility setting, keyed by platform.
#[tauri::command]
#[specta::specta]
pub fn visibility_mapping() -> HashMap<String, Vec<PlatformSetting>> {
    platform_mapping().clone()
}

#[tauri::command(async)]
#[specta::specta]
pub fn profile_update(state: S, input: ProfileInput) -> Res<OrgProfile> {
    state.with(|ws, _| ws.update_profile(&input))
}
