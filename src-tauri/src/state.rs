//! App state: the open workspace and the user's settings.

use orgdesk_core::demo;
use orgdesk_core::settings::Settings;
use orgdesk_core::{
    Error, ErrorCode, ErrorDto, Lang, Source, Workspace, WorkspaceInfo, WORKSPACE_EXTENSION,
};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

pub type Res<T> = Result<T, ErrorDto>;

pub struct AppState {
    workspace: Mutex<Option<Workspace>>,
    settings: Mutex<Settings>,
    settings_path: PathBuf,
    data_dir: PathBuf,
    /// Why the workspace given on the command line could not be opened.
    startup_error: Mutex<Option<ErrorDto>>,
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
}
