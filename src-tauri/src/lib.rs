//! The OrgDesk desktop app: a Tauri 2 shell. Commands are one-line adapters over
//! `orgdesk_core::Workspace`; state, dialogs and capabilities live here, domain logic does not.

mod commands;
mod state;

pub use state::AppState;

use specta_typescript::Typescript;
use tauri::Manager;

/// The typed command set, shared by the app and by the bindings generator.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(commands::all())
        .events(tauri_specta::collect_events![FilesDropped])
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

pub fn run() {
    let builder = specta_builder();
    tauri::Builder::default()
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
