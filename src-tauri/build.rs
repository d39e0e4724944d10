/// The app's own commands. Each needs `allow-<name>` in `capabilities/main.json`; a test checks
/// that this list, the capability and the registered commands agree.
const COMMANDS: &[&str] = &[
    "app_info",
    "set_language",
    "mark_welcomed",
    "create_workspace",
    "open_workspace",
    "open_demo",
    "close_workspace",
    "list_departments",
    "add_department",
    "rename_department",
    "move_department",
    "delete_department",
    "list_members",
    "add_member",
    "update_member",
    "delete_member",
    "undo",
    "redo",
    "history",
    "audit_log",
    "import_open_bytes",
    "import_open_path",
    "import_plan",
    "import_columns",
    "import_commit",
    "import_cancel",
    "import_error_workbook",
    "import_rollback",
    "import_close",
    "import_field_choices",
    "list_imports",
    "set_department_sensitive",
    "permission_matrix",
    "role_add",
    "role_delete",
    "role_grant",
    "role_revoke",
    "role_assign",
    "role_unassign",
    "effective_permissions",
    "who_can",
    "check_permissions",
    "role_mapping",
    "export_permissions",
    "compare_rows",
    "need_definitions",
    "list_needs",
    "set_need",
    "unset_need",
    "platform_fit",
    "export_comparison",
];

fn main() {
    println!(
        "cargo:rustc-env=ORGDESK_APP_COMMANDS={}",
        COMMANDS.join(",")
    );
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
