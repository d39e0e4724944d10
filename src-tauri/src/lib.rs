//! The OrgDesk desktop app: a Tauri 2 shell. Commands are one-line adapters over
//! `orgdesk_core::Workspace`; state, dialogs and capabilities live here, domain logic does not.

mod commands;
pub mod logging;
pub mod rendering;
mod state;

pub use state::AppState;

use specta_typescript::Typescript;
use tauri::Manager;

/// The typed command set, shared by the app and by the bindings generator.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(commands::all())
        .events(tauri_specta::collect_events![
            FilesDropped,
            WorkspaceHandedOver
        ])
        // The member fields, so the member form is built from the one schema.
        .typ::<orgdesk_core::members::FieldSpec>()
        .constant("MEMBER_FIELDS", orgdesk_core::members::FIELDS)
        .dangerously_cast_bigints_to_number()
        .disable_serde_phases()
}

/// Writes the TypeScript bindings (`ui/src/api/bindings.ts`).
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    specta_builder()
        .export(
            Typescript::default().header("// Generated from the Rust commands and types by tauri-specta: do not edit.\n// Regenerate with scripts/gen-bindings.sh.\n"),
            path,
        )
        .map_err(|e| e.to_string())
}

/// Files dropped onto the window (a workspace to open, a staff list to import).
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
pub struct FilesDropped {
    pub paths: Vec<String>,
}

impl tauri_specta::Event for FilesDropped {
    const NAME: &'static str = "files-dropped";
}

/// A workspace that a second start (a double-click while the app runs) opened in this window.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
pub struct WorkspaceHandedOver {
    pub workspace: Option<orgdesk_core::WorkspaceInfo>,
    /// Why it could not be opened.
    pub error: Option<orgdesk_core::ErrorDto>,
}

impl tauri_specta::Event for WorkspaceHandedOver {
    const NAME: &'static str = "workspace-handed-over";
}

/// Takes the files of a second start: a workspace is opened here and now (the page may still be
/// loading: it reads the open workspace when it starts, or hears of it), other files go to the
/// page as if dropped onto the window.
fn handed_over(app: &tauri::AppHandle, paths: Vec<String>) {
    use tauri_specta::Event;
    let (workspaces, others): (Vec<String>, Vec<String>) = paths.into_iter().partition(|p| {
        std::path::Path::new(p)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(orgdesk_core::WORKSPACE_EXTENSION))
    });
    if let Some(path) = workspaces.into_iter().next() {
        let opened = app.state::<AppState>().open(path.into());
        let _ = WorkspaceHandedOver {
            workspace: opened.as_ref().ok().cloned(),
            error: opened.err(),
        }
        .emit(app);
    }
    if !others.is_empty() {
        let _ = FilesDropped { paths: others }.emit(app);
    }
}

/// The workspace files among a start's arguments (options left out), relative ones resolved
/// against `cwd`.
fn file_arguments(args: &[String], cwd: &std::path::Path) -> Vec<String> {
    args.iter()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .map(|a| cwd.join(a).display().to_string())
        .collect()
}

pub fn run() {
    logging::launched();
    rendering::choose();
    let builder = specta_builder();
    tauri::Builder::default()
        // First: a second start (a workspace double-clicked while the app runs) hands its files
        // to this window, as if they were dropped onto it, and ends.
        .plugin(tauri_plugin_single_instance::init(|app, args, cwd| {
            let paths = file_arguments(&args, std::path::Path::new(&cwd));
            tracing::info!(files = paths.len(), "second start handed over");
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
            handed_over(app, paths);
        }))
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(builder.invoke_handler())
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                use tauri_specta::Event;
                let paths = paths.iter().map(|p| p.display().to_string()).collect();
                let _ = FilesDropped { paths }.emit(window.app_handle());
            }
        })
        .setup(move |app| {
            builder.mount_events(app);
            let data_dir = match std::env::var_os("ORGDESK_DATA_DIR") {
                Some(dir) => dir.into(),
                None => app.path().app_data_dir()?,
            };
            logging::init(data_dir.join("logs"));
            let state = AppState::new(data_dir);
            // A workspace given on the command line (file association, "open with", tests).
            if let Some(path) = std::env::args_os()
                .skip(1)
                .find(|a| !a.to_string_lossy().starts_with('-'))
            {
                state.open_at_startup(path.into());
            }
            app.manage(state);
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running OrgDesk");
}

#[cfg(test)]
mod tests {
    use super::file_arguments;
    use std::path::Path;

    #[test]
    fn a_second_start_hands_over_its_files_not_its_options() {
        let args: Vec<String> = ["orgdesk-app", "--flag", "a.orgdesk", "/abs/b.orgdesk"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            file_arguments(&args, Path::new("/home/u")),
            ["/home/u/a.orgdesk", "/abs/b.orgdesk"]
        );
    }
}
