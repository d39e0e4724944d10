//! App state: the open workspace and the user's settings.

use orgdesk_core::demo;
use orgdesk_core::exports::{self, mask::Mask, report::ReportSummary, ExportReport};
use orgdesk_core::imports::{
    self, ImportBatch, ImportColumn, ImportFile, ImportOptions, ImportPreview, ImportReport, Plan,
    Progress,
};
use orgdesk_core::settings::Settings;
use orgdesk_core::{
    Error, ErrorCode, ErrorDto, Lang, Source, Workspace, WorkspaceInfo, WORKSPACE_EXTENSION,
};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

pub type Res<T> = Result<T, ErrorDto>;

pub struct AppState {
    workspace: Mutex<Option<Workspace>>,
    settings: Mutex<Settings>,
    settings_path: PathBuf,
    data_dir: PathBuf,
    /// Why the workspace given on the command line could not be opened.
    startup_error: Mutex<Option<ErrorDto>>,
    /// The file in the import wizard and its latest plan.
    import: Mutex<Option<(ImportFile, Option<Plan>)>>,
    import_cancel: AtomicBool,
    export_cancel: AtomicBool,
}

/// Progress of a running import or export (rows done of total), sent to the page.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
pub struct TaskProgress {
    pub done: u32,
    pub total: u32,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not make the workspace unreachable.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl AppState {
    pub fn new(data_dir: PathBuf) -> AppState {
        let settings_path = data_dir.join("settings.json");
        AppState {
            workspace: Mutex::new(None),
            settings: Mutex::new(Settings::load(&settings_path)),
            settings_path,
            data_dir,
            startup_error: Mutex::new(None),
            import: Mutex::new(None),
            import_cancel: AtomicBool::new(false),
            export_cancel: AtomicBool::new(false),
        }
    }

    pub fn lang(&self) -> Lang {
        lock(&self.settings).language.unwrap_or_default()
    }

    fn dto(&self, e: Error) -> ErrorDto {
        e.to_dto(self.lang())
    }

    pub fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    pub fn update_settings(&self, f: impl FnOnce(&mut Settings)) -> Res<Settings> {
        let mut s = lock(&self.settings);
        f(&mut s);
        s.save(&self.settings_path)
            .map_err(|e| e.to_dto(s.language.unwrap_or_default()))?;
        Ok(s.clone())
    }

    /// Runs `f` on the open workspace, mapping core errors for the UI.
    pub fn with<T>(&self, f: impl FnOnce(&mut Workspace) -> orgdesk_core::Result<T>) -> Res<T> {
        let mut guard = lock(&self.workspace);
        let ws = guard
            .as_mut()
            .ok_or_else(|| Error::new(ErrorCode::NoWorkspaceOpen, "no_workspace_open"));
        match ws {
            Ok(ws) => f(ws).map_err(|e| self.dto(e)),
            Err(e) => Err(self.dto(e)),
        }
    }

    /// Makes `ws` the open workspace and puts it first in the recent list.
    fn set_open(&self, ws: Workspace) -> Res<WorkspaceInfo> {
        let info = ws.info().map_err(|e| self.dto(e))?;
        if let Some(path) = &info.path {
            self.update_settings(|s| s.remember(path, &info.profile.name))?;
        }
        *lock(&self.workspace) = Some(ws);
        Ok(info)
    }

    pub fn info(&self) -> Option<WorkspaceInfo> {
        lock(&self.workspace).as_ref().and_then(|ws| ws.info().ok())
    }

    pub fn open(&self, path: PathBuf) -> Res<WorkspaceInfo> {
        match Workspace::open(&path, Source::Ui) {
            Ok(ws) => self.set_open(ws),
            Err(e) => {
                if e.code == ErrorCode::FileNotFound {
                    let p = path.display().to_string();
                    let _ = self.update_settings(|s| s.forget(&p));
                }
                Err(self.dto(e))
            }
        }
    }

    pub fn open_at_startup(&self, path: PathBuf) {
        if let Err(e) = self.open(path) {
            *lock(&self.startup_error) = Some(e);
        }
    }

    pub fn take_startup_error(&self) -> Option<ErrorDto> {
        lock(&self.startup_error).take()
    }

    pub fn create(
        &self,
        mut path: PathBuf,
        name: &str,
        platform: orgdesk_core::Platform,
    ) -> Res<WorkspaceInfo> {
        if path.extension().is_none_or(|e| e != WORKSPACE_EXTENSION) {
            path.as_mut_os_string()
                .push(format!(".{WORKSPACE_EXTENSION}"));
        }
        let ws = Workspace::create(&path, name, platform, Source::Ui).map_err(|e| self.dto(e))?;
        self.set_open(ws)
    }

    /// Opens the demo company `id`, creating its workspace in the app's data folder the first time.
    pub fn open_demo(&self, id: &str) -> Res<WorkspaceInfo> {
        let ws = demo::open_or_create(id, &self.data_dir.join("demos"), Source::Ui)
            .map_err(|e| self.dto(e))?;
        self.set_open(ws)
    }

    pub fn close(&self) {
        *lock(&self.workspace) = None;
    }

    // ----- import wizard -----

    /// Keeps `file` as the wizard's file and plans it.
    pub fn import_open(
        &self,
        file: orgdesk_core::Result<ImportFile>,
        options: &ImportOptions,
    ) -> Res<ImportPreview> {
        let file = file.map_err(|e| self.dto(e))?;
        *lock(&self.import) = Some((file, None));
        self.import_plan(options)
    }

    /// Plans the wizard's file again with `options`.
    pub fn import_plan(&self, options: &ImportOptions) -> Res<ImportPreview> {
        let mut session = lock(&self.import);
        let (file, plan) = session.as_mut().ok_or_else(|| self.dto(no_import()))?;
        *plan = None;
        let made = self.with(|ws| file.plan(ws, options))?;
        let preview = made.preview_data(self.lang());
        *plan = Some(made);
        Ok(preview)
    }

    /// The header cells the wizard can map by hand when detection failed.
    pub fn import_columns(&self, options: &ImportOptions) -> Res<Vec<ImportColumn>> {
        let mut session = lock(&self.import);
        let (file, _) = session.as_mut().ok_or_else(|| self.dto(no_import()))?;
        file.columns_at(options).map_err(|e| self.dto(e))
    }

    /// Commits the latest plan; `progress` gets the rows written and can be cancelled.
    pub fn import_commit(
        &self,
        skip_invalid: bool,
        progress: &(dyn Fn(u32, u32) + Sync),
    ) -> Res<ImportReport> {
        self.import_cancel.store(false, Ordering::SeqCst);
        let session = lock(&self.import);
        let plan = session
            .as_ref()
            .and_then(|(_, p)| p.as_ref())
            .ok_or_else(|| self.dto(no_import()))?;
        let reporter = Reporter {
            send: progress,
            cancel: &self.import_cancel,
        };
        let outcome = if plan.invalid() > 0 && !skip_invalid {
            imports::Outcome::Refused
        } else {
            imports::Outcome::Committed(
                self.with(|ws| imports::commit(ws, plan, skip_invalid, &reporter))?,
            )
        };
        Ok(plan.report(self.lang(), outcome))
    }

    pub fn import_cancel(&self) {
        self.import_cancel.store(true, Ordering::SeqCst);
    }

    /// Writes the rows the latest plan rejects, with reasons, to `path`.
    pub fn import_error_workbook(&self, path: PathBuf) -> Res<u32> {
        let session = lock(&self.import);
        let plan = session
            .as_ref()
            .and_then(|(_, p)| p.as_ref())
            .ok_or_else(|| self.dto(no_import()))?;
        imports::write_error_workbook(plan, self.lang(), &path).map_err(|e| self.dto(e))
    }

    pub fn import_rollback(&self, batch: i64) -> Res<ImportBatch> {
        self.with(|ws| imports::rollback(ws, batch))
    }

    pub fn import_close(&self) {
        *lock(&self.import) = None;
    }

    /// Writes a platform member file; `progress` gets the members written and can be cancelled.
    pub fn export_members(
        &self,
        format: &str,
        path: PathBuf,
        force: bool,
        mask: Option<Mask>,
        progress: &(dyn Fn(u32, u32) + Sync),
    ) -> Res<ExportReport> {
        let lang = self.lang();
        self.exporting(progress, |ws, p| {
            exports::export_members(ws, format, &path, force, lang, mask, p)
        })
    }

    /// Writes the report workbook in `lang`.
    pub fn export_report(
        &self,
        path: PathBuf,
        lang: Lang,
        mask: Option<Mask>,
        progress: &(dyn Fn(u32, u32) + Sync),
    ) -> Res<ReportSummary> {
        self.exporting(progress, |ws, p| {
            exports::report::write(ws, &path, lang, mask, p)
        })
    }

    /// Runs an export that reports to `progress` and stops on [`AppState::export_cancel`].
    fn exporting<T>(
        &self,
        progress: &(dyn Fn(u32, u32) + Sync),
        f: impl FnOnce(&mut Workspace, &dyn Progress) -> orgdesk_core::Result<T>,
    ) -> Res<T> {
        self.export_cancel.store(false, Ordering::SeqCst);
        let reporter = Reporter {
            send: progress,
            cancel: &self.export_cancel,
        };
        self.with(|ws| f(ws, &reporter))
    }

    pub fn export_cancel(&self) {
        self.export_cancel.store(true, Ordering::SeqCst);
    }
}

fn no_import() -> Error {
    Error::new(ErrorCode::InvalidArgument, "invalid_argument")
        .with("detail", "no file is open in the import wizard")
}

/// Bridges the core's progress callbacks to the wizard.
struct Reporter<'a> {
    send: &'a (dyn Fn(u32, u32) + Sync),
    cancel: &'a AtomicBool,
}

impl Progress for Reporter<'_> {
    fn update(&self, done: u64, total: u64) {
        (self.send)(done as u32, total as u32);
    }
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}
