//! Roles, grants, assignments and what they add up to.

use super::S;
use crate::state::Res;
use orgdesk_core::roles::checks::Finding;
use orgdesk_core::roles::effective::{HoldersPage, PermissionsPage};
use orgdesk_core::roles::mapping::RoleOnPlatform;
use orgdesk_core::roles::{Level, Matrix, Role, RoleRef, Scope};
use orgdesk_core::{DepartmentRef, MemberQuery, Platform};

#[tauri::command(async)]
#[specta::specta]
pub fn permission_matrix(state: S) -> Res<Matrix> {
    state.with(|ws, _| ws.permission_matrix())
}

#[tauri::command(async)]
#[specta::specta]
pub fn role_add(state: S, name: String, level: Level) -> Res<Role> {
    state.with(|ws, _| ws.add_role(&name, level))
}

#[tauri::command(async)]
#[specta::specta]
pub fn role_delete(state: S, role: i64) -> Res<Role> {
    state.with(|ws, _| ws.delete_role(&RoleRef::Id(role)))
}

/// Grants `permission` on a role; no scope: the core's default for the role.
#[tauri::command(async)]
#[specta::specta]
pub fn role_grant(
    state: S,
    role: i64,
    permission: String,
    scope: Option<Scope>,
    departments: Vec<i64>,
) -> Res<Role> {
    let chosen: Vec<DepartmentRef> = departments.into_iter().map(DepartmentRef::Id).collect();
    state.with(|ws, _| ws.grant(&RoleRef::Id(role), &permission, scope, &chosen))
}

#[tauri::command(async)]
#[specta::specta]
pub fn role_revoke(state: S, role: i64, permission: String) -> Res<Role> {
    state.with(|ws, _| ws.revoke(&RoleRef::Id(role), &permission))
}

#[tauri::command(async)]
#[specta::specta]
pub fn role_assign(state: S, role: i64, userid: String) -> Res<Role> {
    state.with(|ws, _| ws.assign_role(&RoleRef::Id(role), &userid))
}

#[tauri::command(async)]
#[specta::specta]
pub fn role_unassign(state: S, role: i64, userid: String) -> Res<Role> {
    state.with(|ws, _| ws.unassign_role(&RoleRef::Id(role), &userid))
}

/// What one page of the members `query` finds can do (the members × permissions tab).
#[tauri::command(async)]
#[specta::specta]
pub fn effective_permissions_page(state: S, query: MemberQuery) -> Res<PermissionsPage> {
    state.with(|ws, _| ws.effective_permissions_page(&query))
}

/// One page of the members who hold `permission` (in `department`, when given).
#[tauri::command(async)]
#[specta::specta]
pub fn who_can_page(
    state: S,
    permission: String,
    department: Option<i64>,
    offset: u32,
    limit: u32,
) -> Res<HoldersPage> {
    let department = department.map(DepartmentRef::Id);
    state.read(|ws, _| ws.who_can_page(&permission, department.as_ref(), offset, limit))
}

#[tauri::command(async)]
#[specta::specta]
pub fn check_permissions(state: S) -> Res<Vec<Finding>> {
    state.read_cached("checks", |ws, lang| ws.check_permissions(lang))
}

/// How the roles would be set up on `platforms` (none given: the workspace's target platform,
/// or all three while it is undecided).
#[tauri::command(async)]
#[specta::specta]
pub fn role_mapping(state: S, platforms: Vec<Platform>) -> Res<Vec<RoleOnPlatform>> {
    state.with(|ws, _| ws.role_mapping(&platforms))
}

#[tauri::command(async)]
#[specta::specta]
pub fn export_permissions(state: S, path: String) -> Res<u32> {
    state.with(|ws, lang| ws.export_permissions(path.as_ref(), lang).map(|n| n as u32))
}
