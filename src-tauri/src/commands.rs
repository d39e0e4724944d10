//! Tauri commands: one call into the core each. Errors reach the UI as `{code, key, message, params}`.

use crate::state::TaskProgress;
use crate::state::{AppState, Res};
use orgdesk_core::compare::{
    self,
    needs::{Fit, Need, NeedDefinition},
    CompareRow,
};
use orgdesk_core::demo::{self, DemoInfo};
use orgdesk_core::exports::{
    self, mask::Mask, report::ReportSummary, ExportReport, FormatInfo, Problem,
};
use orgdesk_core::imports::{
    self, ImportBatch, ImportColumn, ImportFile, ImportOptions, ImportPreview, ImportReport,
};
use orgdesk_core::org::profile::ProfileInput;
use orgdesk_core::roles::checks::Finding;
use orgdesk_core::roles::effective::{Holder, MemberPermissions};
use orgdesk_core::roles::mapping::RoleOnPlatform;
use orgdesk_core::roles::{Level, Matrix, Role, RoleRef, Scope};
use orgdesk_core::settings::RecentWorkspace;
use orgdesk_core::setup::certification::{CertificationInput, CertificationPlan};
use orgdesk_core::setup::checklist::{Checklist, Tick};
use orgdesk_core::setup::hardware::{
    BatchQuarter, Device, DeviceInput, EventInput, HardwareImport,
};
use orgdesk_core::setup::security::SecurityReport;
use orgdesk_core::snapshots::{self, SnapshotInfo};
use orgdesk_core::OrgProfile;
use orgdesk_core::{
    AuditEntry, Department, DepartmentRef, ErrorDto, HistoryStatus, Lang, Member, MemberInput,
    MemberQuery, MemberSaved, Platform, WorkspaceInfo,
};
use serde::Serialize;
use std::collections::BTreeMap;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

type S<'a> = State<'a, AppState>;

pub fn all() -> tauri_specta::Commands<tauri::Wry> {
    tauri_specta::collect_commands![
        app_info,
        set_language,
        mark_welcomed,
        create_workspace,
        open_workspace,
        open_demo,
        close_workspace,
        list_departments,
        add_department,
        rename_department,
        move_department,
        delete_department,
        list_members,
        add_member,
        update_member,
        delete_member,
        undo,
        redo,
        history,
        audit_log,
        import_open_bytes,
        import_open_path,
        import_plan,
        import_columns,
        import_commit,
        import_cancel,
        import_error_workbook,
        import_rollback,
        import_close,
        import_field_choices,
        list_imports,
        set_department_sensitive,
        permission_matrix,
        role_add,
        role_delete,
        role_grant,
        role_revoke,
        role_assign,
        role_unassign,
        effective_permissions,
        who_can,
        check_permissions,
        role_mapping,
        export_permissions,
        compare_rows,
        need_definitions,
        list_needs,
        set_need,
        unset_need,
        platform_fit,
        export_comparison,
        export_formats,
        export_preflight,
        export_members,
        export_report,
        export_cancel,
        snapshot_list,
        snapshot_save,
        snapshot_restore,
        snapshot_delete,
        demo_reset,
        save_copy,
        profile_update,
        certification_plan,
        certification_set,
        checklist,
        checklist_tick,
        security_report,
        security_set,
        devices,
        device_add,
        device_delete,
        device_event,
        hardware_flags,
        hardware_import,
    ]
}

/// Everything the start screen needs.
#[derive(Serialize, specta::Type)]
pub struct AppInfo {
    pub version: String,
    pub language: Lang,
    /// Whether the user picked the language (else the UI may follow the system).
    pub language_chosen: bool,
    /// True until the first-run welcome was dismissed.
    pub first_run: bool,
    pub recent: Vec<RecentWorkspace>,
    pub demos: Vec<DemoInfo>,
    pub workspace: Option<WorkspaceInfo>,
    /// Why the workspace given on the command line could not be opened.
    pub startup_error: Option<ErrorDto>,
}

#[tauri::command(async)]
#[specta::specta]
pub fn app_info(state: S) -> Res<AppInfo> {
    let settings = state.settings();
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        language: settings.language.unwrap_or_default(),
        language_chosen: settings.language.is_some(),
        first_run: !settings.welcomed,
        recent: settings.recent,
        demos: demo::list().map_err(|e| e.to_dto(state.lang()))?,
        workspace: state.info(),
        startup_error: state.take_startup_error(),
    })
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_language(state: S, language: Lang) -> Res<()> {
    state
        .update_settings(|s| s.language = Some(language))
        .map(drop)
}

#[tauri::command(async)]
#[specta::specta]
pub fn mark_welcomed(state: S) -> Res<()> {
    state.update_settings(|s| s.welcomed = true).map(drop)
}

#[tauri::command(async)]
#[specta::specta]
pub fn create_workspace(
    state: S,
    path: String,
    name: String,
    platform: Platform,
) -> Res<WorkspaceInfo> {
    state.create(path.into(), &name, platform)
}

#[tauri::command(async)]
#[specta::specta]
pub fn open_workspace(state: S, path: String) -> Res<WorkspaceInfo> {
    state.open(path.into())
}

#[tauri::command(async)]
#[specta::specta]
pub fn open_demo(state: S, id: String) -> Res<WorkspaceInfo> {
    state.open_demo(&id)
}

#[tauri::command(async)]
#[specta::specta]
pub fn close_workspace(state: S) -> Res<()> {
    state.close();
    Ok(())
}

#[tauri::command(async)]
#[specta::specta]
pub fn list_departments(state: S) -> Res<Vec<Department>> {
    state.with(|ws| ws.departments())
}

#[tauri::command(async)]
#[specta::specta]
pub fn add_department(state: S, parent: Option<i64>, name: String) -> Res<Department> {
    state.with(|ws| ws.add_child_department(parent.map(DepartmentRef::Id).as_ref(), &name))
}

#[tauri::command(async)]
#[specta::specta]
pub fn rename_department(state: S, id: i64, name: String) -> Res<Department> {
    state.with(|ws| ws.rename_department(&DepartmentRef::Id(id), &name))
}

#[tauri::command(async)]
#[specta::specta]
pub fn move_department(
    state: S,
    id: i64,
    parent: Option<i64>,
    position: Option<u32>,
) -> Res<Department> {
    state.with(|ws| {
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
    state.with(|ws| ws.delete_department(&DepartmentRef::Id(id)))
}

#[tauri::command(async)]
#[specta::specta]
pub fn list_members(state: S, query: MemberQuery) -> Res<Vec<Member>> {
    state.with(|ws| ws.members(&query))
}

#[tauri::command(async)]
#[specta::specta]
pub fn add_member(state: S, input: MemberInput) -> Res<MemberSaved> {
    state.with(|ws| ws.add_member(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn update_member(state: S, userid: String, input: MemberInput) -> Res<MemberSaved> {
    state.with(|ws| ws.update_member(&userid, &input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn delete_member(state: S, userid: String) -> Res<Member> {
    state.with(|ws| ws.delete_member(&userid))
}

#[tauri::command(async)]
#[specta::specta]
pub fn undo(state: S) -> Res<AuditEntry> {
    state.with(|ws| ws.undo())
}

#[tauri::command(async)]
#[specta::specta]
pub fn redo(state: S) -> Res<AuditEntry> {
    state.with(|ws| ws.redo())
}

#[tauri::command(async)]
#[specta::specta]
pub fn history(state: S) -> Res<HistoryStatus> {
    state.with(|ws| ws.history())
}

#[tauri::command(async)]
#[specta::specta]
pub fn audit_log(state: S, limit: Option<u32>) -> Res<Vec<AuditEntry>> {
    state.with(|ws| ws.log(limit))
}

// ----- import wizard -----

/// Reads a file the user dropped or picked in the page (its bytes) and previews the import.
#[tauri::command(async)]
#[specta::specta]
pub fn import_open_bytes(
    state: S,
    file_name: String,
    bytes: Vec<u8>,
    options: ImportOptions,
) -> Res<ImportPreview> {
    state.import_open(ImportFile::read(bytes, &file_name), &options)
}

/// Reads a file chosen in the native dialog and previews the import.
#[tauri::command(async)]
#[specta::specta]
pub fn import_open_path(state: S, path: String, options: ImportOptions) -> Res<ImportPreview> {
    state.import_open(ImportFile::open(std::path::Path::new(&path)), &options)
}

#[tauri::command(async)]
#[specta::specta]
pub fn import_plan(state: S, options: ImportOptions) -> Res<ImportPreview> {
    state.import_plan(&options)
}

#[tauri::command(async)]
#[specta::specta]
pub fn import_columns(state: S, options: ImportOptions) -> Res<Vec<ImportColumn>> {
    state.import_columns(&options)
}

/// Writes the previewed import off the UI thread, streaming progress; cancellable.
#[tauri::command]
#[specta::specta]
pub async fn import_commit(
    app: AppHandle,
    skip_invalid: bool,
    on_progress: Channel<TaskProgress>,
) -> Res<ImportReport> {
    off_ui_thread(app, on_progress, move |state, send| {
        state.import_commit(skip_invalid, send)
    })
    .await
}

/// Runs a long task on a worker thread, streaming its progress to `channel`.
async fn off_ui_thread<T: Send + 'static>(
    app: AppHandle,
    channel: Channel<TaskProgress>,
    task: impl FnOnce(&AppState, &(dyn Fn(u32, u32) + Sync)) -> Res<T> + Send + 'static,
) -> Res<T> {
    let send = move |done, total| drop(channel.send(TaskProgress { done, total }));
    tauri::async_runtime::spawn_blocking(move || task(&app.state::<AppState>(), &send))
        .await
        .unwrap_or_else(|e| {
            Err(
                orgdesk_core::Error::new(orgdesk_core::ErrorCode::Internal, "internal")
                    .with("detail", e)
                    .to_dto(Lang::default()),
            )
        })
}

#[tauri::command(async)]
#[specta::specta]
pub fn import_cancel(state: S) -> Res<()> {
    state.import_cancel();
    Ok(())
}

#[tauri::command(async)]
#[specta::specta]
pub fn import_error_workbook(state: S, path: String) -> Res<u32> {
    state.import_error_workbook(path.into())
}

#[tauri::command(async)]
#[specta::specta]
pub fn import_rollback(state: S, batch: i64) -> Res<ImportBatch> {
    state.import_rollback(batch)
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
    state.with(|ws| imports::batches(ws))
}

// ----- roles and permissions -----

#[tauri::command(async)]
#[specta::specta]
pub fn set_department_sensitive(state: S, id: i64, sensitive: bool) -> Res<Department> {
    state.with(|ws| ws.set_department_sensitive(&DepartmentRef::Id(id), sensitive))
}

#[tauri::command(async)]
#[specta::specta]
pub fn permission_matrix(state: S) -> Res<Matrix> {
    state.with(|ws| ws.permission_matrix())
}

#[tauri::command(async)]
#[specta::specta]
pub fn role_add(state: S, name: String, level: Level) -> Res<Role> {
    state.with(|ws| ws.add_role(&name, level))
}

#[tauri::command(async)]
#[specta::specta]
pub fn role_delete(state: S, role: i64) -> Res<Role> {
    state.with(|ws| ws.delete_role(&RoleRef::Id(role)))
}

#[tauri::command(async)]
#[specta::specta]
pub fn role_grant(
    state: S,
    role: i64,
    permission: String,
    scope: Scope,
    departments: Vec<i64>,
) -> Res<Role> {
    let chosen: Vec<DepartmentRef> = departments.into_iter().map(DepartmentRef::Id).collect();
    state.with(|ws| ws.grant(&RoleRef::Id(role), &permission, scope, &chosen))
}

#[tauri::command(async)]
#[specta::specta]
pub fn role_revoke(state: S, role: i64, permission: String) -> Res<Role> {
    state.with(|ws| ws.revoke(&RoleRef::Id(role), &permission))
}

#[tauri::command(async)]
#[specta::specta]
pub fn role_assign(state: S, role: i64, userid: String) -> Res<Role> {
    state.with(|ws| ws.assign_role(&RoleRef::Id(role), &userid))
}

#[tauri::command(async)]
#[specta::specta]
pub fn role_unassign(state: S, role: i64, userid: String) -> Res<Role> {
    state.with(|ws| ws.unassign_role(&RoleRef::Id(role), &userid))
}

#[tauri::command(async)]
#[specta::specta]
pub fn effective_permissions(state: S) -> Res<Vec<MemberPermissions>> {
    state.with(|ws| ws.effective_permissions())
}

#[tauri::command(async)]
#[specta::specta]
pub fn who_can(state: S, permission: String, department: Option<i64>) -> Res<Vec<Holder>> {
    state.with(|ws| ws.who_can(&permission, department.map(DepartmentRef::Id).as_ref()))
}

#[tauri::command(async)]
#[specta::specta]
pub fn check_permissions(state: S) -> Res<Vec<Finding>> {
    let lang = state.lang();
    state.with(|ws| ws.check_permissions(lang))
}

#[tauri::command(async)]
#[specta::specta]
pub fn role_mapping(state: S, platforms: Vec<Platform>) -> Res<Vec<RoleOnPlatform>> {
    state.with(|ws| ws.role_mapping(&platforms))
}

#[tauri::command(async)]
#[specta::specta]
pub fn export_permissions(state: S, path: String) -> Res<u32> {
    let lang = state.lang();
    state.with(|ws| {
        ws.export_permissions(std::path::Path::new(&path), lang)
            .map(|n| n as u32)
    })
}

// ----- Excel out -----

#[tauri::command(async)]
#[specta::specta]
pub fn export_formats(state: S) -> Res<Vec<FormatInfo>> {
    Ok(exports::formats(state.lang()))
}

/// What exporting the workspace as `format` would run into (nothing is written).
#[tauri::command(async)]
#[specta::specta]
pub fn export_preflight(state: S, format: String) -> Res<Vec<Problem>> {
    let lang = state.lang();
    state.with(|ws| exports::preflight(ws, &format, lang))
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
    off_ui_thread(app, on_progress, move |state, send| {
        state.export_members(&format, path.into(), force, mask, send)
    })
    .await
}

/// Writes the report workbook in `language` off the UI thread, streaming progress; cancellable.
#[tauri::command]
#[specta::specta]
pub async fn export_report(
    app: AppHandle,
    path: String,
    language: Lang,
    mask: Option<Mask>,
    on_progress: Channel<TaskProgress>,
) -> Res<ReportSummary> {
    off_ui_thread(app, on_progress, move |state, send| {
        state.export_report(path.into(), language, mask, send)
    })
    .await
}

#[tauri::command(async)]
#[specta::specta]
pub fn export_cancel(state: S) -> Res<()> {
    state.export_cancel();
    Ok(())
}

// ----- snapshots and copies -----

#[tauri::command(async)]
#[specta::specta]
pub fn snapshot_list(state: S) -> Res<Vec<SnapshotInfo>> {
    state.with(|ws| snapshots::list(ws))
}

#[tauri::command(async)]
#[specta::specta]
pub fn snapshot_save(state: S, name: String) -> Res<SnapshotInfo> {
    state.with(|ws| snapshots::save(ws, &name))
}

#[tauri::command(async)]
#[specta::specta]
pub fn snapshot_restore(state: S, id: i64) -> Res<SnapshotInfo> {
    state.with(|ws| snapshots::restore(ws, &format!("#{id}")))
}

#[tauri::command(async)]
#[specta::specta]
pub fn snapshot_delete(state: S, id: i64) -> Res<SnapshotInfo> {
    state.with(|ws| snapshots::delete(ws, &format!("#{id}")))
}

/// Puts a demo workspace back as it was created.
#[tauri::command(async)]
#[specta::specta]
pub fn demo_reset(state: S) -> Res<SnapshotInfo> {
    state.with(demo::reset)
}

/// Writes a copy of the open workspace to `path` (complete or not at all).
#[tauri::command(async)]
#[specta::specta]
pub fn save_copy(state: S, path: String) -> Res<()> {
    state.with(|ws| snapshots::save_copy(ws, std::path::Path::new(&path)))
}

// ----- setup journey -----

#[tauri::command(async)]
#[specta::specta]
pub fn profile_update(state: S, input: ProfileInput) -> Res<OrgProfile> {
    state.with(|ws| ws.update_profile(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn certification_plan(state: S) -> Res<CertificationPlan> {
    let lang = state.lang();
    state.with(|ws| ws.certification_plan(lang))
}

#[tauri::command(async)]
#[specta::specta]
pub fn certification_set(state: S, input: CertificationInput) -> Res<CertificationPlan> {
    let lang = state.lang();
    state.with(|ws| ws.set_certification(&input, lang))
}

#[tauri::command(async)]
#[specta::specta]
pub fn checklist(state: S) -> Res<Checklist> {
    let lang = state.lang();
    state.with(|ws| ws.checklist(lang))
}

#[tauri::command(async)]
#[specta::specta]
pub fn checklist_tick(state: S, tick: Tick) -> Res<Tick> {
    state.with(|ws| ws.tick(&tick))
}

#[tauri::command(async)]
#[specta::specta]
pub fn security_report(state: S) -> Res<SecurityReport> {
    let lang = state.lang();
    state.with(|ws| ws.security(lang))
}

/// Sets security settings (a null value clears one).
#[tauri::command(async)]
#[specta::specta]
pub fn security_set(state: S, values: BTreeMap<String, serde_json::Value>) -> Res<SecurityReport> {
    let lang = state.lang();
    state.with(|ws| ws.set_security(&values, lang))
}

#[tauri::command(async)]
#[specta::specta]
pub fn devices(state: S) -> Res<Vec<Device>> {
    state.with(|ws| ws.devices())
}

#[tauri::command(async)]
#[specta::specta]
pub fn device_add(state: S, input: DeviceInput) -> Res<Device> {
    state.with(|ws| ws.add_device(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn device_delete(state: S, serial: String) -> Res<String> {
    state.with(|ws| ws.delete_device(&serial))
}

#[tauri::command(async)]
#[specta::specta]
pub fn device_event(state: S, input: EventInput) -> Res<()> {
    state.with(|ws| ws.add_device_event(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn hardware_flags(state: S) -> Res<Vec<BatchQuarter>> {
    let lang = state.lang();
    state.with(|ws| ws.hardware_flags(lang))
}

/// Imports an inventory and/or offline log chosen in the open dialog.
#[tauri::command(async)]
#[specta::specta]
pub fn hardware_import(state: S, path: String) -> Res<HardwareImport> {
    let lang = state.lang();
    state.with(|ws| {
        let path = std::path::Path::new(&path);
        let bytes = std::fs::read(path).map_err(|e| orgdesk_core::db::io_error(path, e))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        ws.import_hardware(bytes, &name, lang)
    })
}

// ----- platform comparison -----

#[tauri::command(async)]
#[specta::specta]
pub fn compare_rows(state: S) -> Res<Vec<CompareRow>> {
    compare::compare(compare::Dataset::builtin(), None, false).map_err(|e| e.to_dto(state.lang()))
}

#[tauri::command(async)]
#[specta::specta]
pub fn need_definitions() -> Res<Vec<NeedDefinition>> {
    Ok(compare::needs::definitions().to_vec())
}

#[tauri::command(async)]
#[specta::specta]
pub fn list_needs(state: S) -> Res<Vec<Need>> {
    state.with(|ws| ws.needs())
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_need(state: S, need: Need) -> Res<Need> {
    state.with(|ws| ws.set_need(&need))
}

#[tauri::command(async)]
#[specta::specta]
pub fn unset_need(state: S, key: String) -> Res<()> {
    state.with(|ws| ws.unset_need(&key))
}

#[tauri::command(async)]
#[specta::specta]
pub fn platform_fit(state: S) -> Res<BTreeMap<String, Fit>> {
    let lang = state.lang();
    state.with(|ws| ws.fit(lang))
}

/// Writes the comparison and, for the open workspace, its fit score.
#[tauri::command(async)]
#[specta::specta]
pub fn export_comparison(state: S, path: String) -> Res<u32> {
    let lang = state.lang();
    state.with(|ws| {
        let fit = ws.fit(lang)?;
        compare::export::write(
            std::path::Path::new(&path),
            lang,
            compare::Dataset::builtin(),
            Some(&fit),
        )
        .map(|n| n as u32)
    })
}
