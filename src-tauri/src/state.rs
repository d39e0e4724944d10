//! App state: the open workspace, the import wizard's session, the user's settings and the
//! language the interface shows — which is the language every core call speaks.

use orgdesk_core::imports::ImportSession;
use orgdesk_core::progress::Progress;
use orgdesk_core::settings::Settings;
use orgdesk_core::{
    Error, ErrorCode, ErrorDto, Lang, Source, Workspace, WorkspaceInfo, WORKSPACE_EXTENSION,
};
use std::any::Any;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

pub type Res<T> = Result<T, ErrorDto>;

/// A cached answer and the reader's `data_version` it was computed at.
type Cached = (i64, Arc<dyn Any + Send + Sync>);

pub struct AppState {
    workspace: Mutex<Option<Workspace>>,
    /// A second connection to the open workspace's file, for the long reads (the checklist and
    /// the checks): they read the last committed state without holding `workspace`, so the
    /// pages' other requests answer meanwhile (in WAL mode readers and the writer do not wait
    /// for each other).
    reader: Mutex<Option<(PathBuf, Workspace)>>,
    /// Results of long reads on `reader` (checklist, checks, pre-flight), by what was asked and
    /// in which language, with the reader's `data_version` they were computed at: asked again
    /// before anything was committed, they answer at once. Emptied with the reader.
    cache: Mutex<HashMap<String, Cached>>,
    /// The question (a `read_cached` key) the read running on `reader` answers, if any, and the
    /// flag that stops its statements ([`AppState::stop_read`]).
    asked: Mutex<Option<String>>,
    stop: Arc<AtomicBool>,
    settings: Mutex<Settings>,
    settings_path: PathBuf,
    data_dir: PathBuf,
    /// The interface's language (chosen, or the system's until the user chooses).
    lang: Mutex<Lang>,
    /// Why the workspace given on the command line could not be opened.
    startup_error: Mutex<Option<ErrorDto>>,
    /// The import wizard's file and its latest plan.
    import: Mutex<Option<ImportSession>>,
    import_cancel: AtomicBool,
    export_cancel: AtomicBool,
    sync_cancel: AtomicBool,
}

/// Progress of a running import or export (rows done of total), sent to the page.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
pub struct TaskProgress {
    pub done: u32,
    pub total: u32,
}

/// A core error for the UI, noted in the log (by code only).
fn report(e: Error, lang: Lang) -> ErrorDto {
    crate::logging::failed(&e);
    e.to_dto(lang)
}

/// Runs `f` in a thread of its own at the lowest CPU priority and waits for it. The long reads
/// (the checklist, the checks: seconds at a million members) then take only the CPU that the
/// web view and the other commands leave: typing in a search box stays quick while they run,
/// and on an idle machine they run as fast as before. The wait tells the async runtime that
/// this thread is taken (`block_in_place`): an `async` command runs on one of its few worker
/// threads (as many as cores), and two long reads would otherwise hold every one of them, so
/// that no other command, not even a search, could start before they end. A panic in `f` goes
/// on in the caller.
fn in_background<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    tokio::task::block_in_place(|| {
        std::thread::scope(|s| {
            s.spawn(|| {
                lowest_priority();
                f()
            })
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    })
}

/// Gives the calling thread the lowest CPU priority (nice 19): on Linux a nice value is each
/// thread's own. Elsewhere the thread keeps its priority.
fn lowest_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on the calling thread's own id; a failure changes nothing.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, 19);
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not make the workspace unreachable.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The system's language as the web view reads it (`LANG` and friends), Chinese first.
fn system_lang() -> Lang {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .find_map(|l| Lang::parse(&l))
        .unwrap_or_default()
}

impl AppState {
    pub fn new(data_dir: PathBuf) -> AppState {
        let settings_path = data_dir.join("settings.json");
        let settings = Settings::load(&settings_path);
        AppState {
            lang: Mutex::new(settings.language.unwrap_or_else(system_lang)),
            workspace: Mutex::new(None),
            reader: Mutex::new(None),
            cache: Mutex::new(HashMap::new()),
            asked: Mutex::new(None),
            stop: Arc::new(AtomicBool::new(false)),
            settings: Mutex::new(settings),
            settings_path,
            data_dir,
            startup_error: Mutex::new(None),
            import: Mutex::new(None),
            import_cancel: AtomicBool::new(false),
            export_cancel: AtomicBool::new(false),
            sync_cancel: AtomicBool::new(false),
        }
    }

    /// The interface's language: every message and document the core makes for the app.
    pub fn lang(&self) -> Lang {
        *lock(&self.lang)
    }

    /// The interface now shows `lang`; `remember` keeps it as the user's choice.
    pub fn set_lang(&self, lang: Lang, remember: bool) -> Res<()> {
        *lock(&self.lang) = lang;
        if remember {
            self.update_settings(|s| s.language = Some(lang))?;
        }
        Ok(())
    }

    pub fn dto(&self, e: Error) -> ErrorDto {
        report(e, self.lang())
    }

    pub fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    pub fn update_settings(&self, f: impl FnOnce(&mut Settings)) -> Res<()> {
        let mut s = lock(&self.settings);
        f(&mut s);
        s.save(&self.settings_path).map_err(|e| self.dto(e))
    }

    /// Runs `f` on the open workspace in the interface's language, mapping core errors for
    /// the UI.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Workspace, Lang) -> orgdesk_core::Result<T>,
    ) -> Res<T> {
        let lang = self.lang();
        let mut guard = lock(&self.workspace);
        let ws = guard
            .as_mut()
            .ok_or_else(|| Error::new(ErrorCode::NoWorkspaceOpen, "no_workspace_open"));
        ws.and_then(|ws| f(ws, lang)).map_err(|e| report(e, lang))
    }

    /// [`AppState::with`] for a change that may touch many members at once (undo, redo, a
    /// snapshot restored, an import rolled back): the search index catches up before the answer,
    /// while the change's progress still shows, not at the next keystroke. The change stands if
    /// that fails (the next search tries again).
    pub fn with_reindex<T>(
        &self,
        f: impl FnOnce(&mut Workspace, Lang) -> orgdesk_core::Result<T>,
    ) -> Res<T> {
        self.with(|ws, lang| {
            let done = f(ws, lang)?;
            let _ = ws.refresh_search();
            Ok(done)
        })
    }

    /// Runs the read-only `f` on its own connection to the open workspace (see `reader`), in a
    /// thread of its own at the lowest CPU priority ([`in_background`]); an open workspace that
    /// is not a file (none yet) is read as by [`AppState::with`].
    pub fn read<T: Send>(
        &self,
        f: impl FnOnce(&Workspace, Lang) -> orgdesk_core::Result<T> + Send,
    ) -> Res<T> {
        // The wait for another long read (the reader is one connection) is in the background
        // thread too: waiting on a runtime worker would hold it as a long read does.
        in_background(|| self.read_here(None, f))
    }

    /// Reads on `reader` (see [`AppState::read`]); `question` names what is asked, so that
    /// [`AppState::stop_read`] can call it off.
    fn read_here<T>(
        &self,
        question: Option<&str>,
        f: impl FnOnce(&Workspace, Lang) -> orgdesk_core::Result<T>,
    ) -> Res<T> {
        let path = lock(&self.workspace)
            .as_ref()
            .and_then(|ws| ws.path().map(PathBuf::from));
        let Some(path) = path else {
            return self.with(|ws, lang| f(ws, lang));
        };
        let lang = self.lang();
        let mut reader = lock(&self.reader);
        if reader.as_ref().is_none_or(|(p, _)| *p != path) {
            *reader = None;
            lock(&self.cache).clear();
            let ws = Workspace::open(&path, Source::Ui)
                .and_then(|mut ws| ws.stop_reads_when(self.stop.clone()).map(|()| ws))
                .map_err(|e| report(e, lang))?;
            *reader = Some((path, ws));
        }
        let (_, ws) = reader.as_mut().expect("opened above");
        // A new read: a stop asked for an earlier one is over.
        self.stop.store(false, Ordering::SeqCst);
        *lock(&self.asked) = question.map(str::to_string);
        let answer = f(ws, lang);
        *lock(&self.asked) = None;
        answer.map_err(|e| report(e, lang))
    }

    /// Calls off the long read answering `question` (a `read_cached` key), if one is running:
    /// its statements stop and it ends with a "cancelled" error, nothing cached. A page that is
    /// left asks for this, so that a computation nobody waits for any more (the checklist takes
    /// seconds at a million members) does not take the CPU from the page opened next. A read
    /// for another question, or one that began after this call, goes on.
    pub fn stop_read(&self, question: &str) {
        // Under `asked`'s lock: the read cannot end and the next one begin (clearing the flag)
        // between the look and the stop.
        let asked = lock(&self.asked);
        if asked.as_deref() == Some(question) {
            self.stop.store(true, Ordering::SeqCst);
        }
    }

    /// [`AppState::read`], answered from the cache when nothing was committed since the same
    /// question (`key`, in the same language) was last answered.
    pub fn read_cached<T: Clone + Send + Sync + 'static>(
        &self,
        key: &str,
        f: impl FnOnce(&Workspace, Lang) -> orgdesk_core::Result<T> + Send,
    ) -> Res<T> {
        in_background(|| {
            self.read_here(Some(key), |ws, lang| {
                if ws.path().is_none() {
                    return f(ws, lang);
                }
                // Today's date too: some answers count days (reviews due, overdue steps).
                let day = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs() / 86_400);
                let key = format!("{key}/{}/{day}", lang.tag());
                let version = ws.data_version()?;
                if let Some((at, value)) = lock(&self.cache).get(&key) {
                    if *at == version {
                        if let Some(value) = value.downcast_ref::<T>() {
                            return Ok(value.clone());
                        }
                    }
                }
                let value = f(ws, lang)?;
                lock(&self.cache).insert(key, (version, Arc::new(value.clone())));
                Ok(value)
            })
        })
    }

    /// Runs `f` (no workspace needed) in the interface's language.
    pub fn run<T>(&self, f: impl FnOnce(Lang) -> orgdesk_core::Result<T>) -> Res<T> {
        let lang = self.lang();
        f(lang).map_err(|e| report(e, lang))
    }

    /// Makes `ws` the open workspace and puts it first in the recent list.
    fn set_open(&self, ws: orgdesk_core::Result<Workspace>) -> Res<WorkspaceInfo> {
        let ws = ws.map_err(|e| self.dto(e))?;
        let info = ws.info().map_err(|e| self.dto(e))?;
        if let Some(path) = &info.path {
            self.update_settings(|s| s.remember(path, &info.profile.name))?;
        }
        *lock(&self.reader) = None;
        lock(&self.cache).clear();
        *lock(&self.workspace) = Some(ws);
        tracing::info!(
            schema = info.schema_version,
            platform = info.profile.platform.as_str(),
            "workspace opened"
        );
        Ok(info)
    }

    pub fn info(&self) -> Option<WorkspaceInfo> {
        lock(&self.workspace).as_ref().and_then(|ws| ws.info().ok())
    }

    pub fn open(&self, path: PathBuf) -> Res<WorkspaceInfo> {
        let opened = Workspace::open(&path, Source::Ui);
        if let Err(e) = &opened {
            if e.code == ErrorCode::FileNotFound {
                let p = path.display().to_string();
                let _ = self.update_settings(|s| s.forget(&p));
            }
        }
        self.set_open(opened)
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
        self.set_open(Workspace::create(&path, name, platform, Source::Ui))
    }

    /// Opens the demo company `id`, creating its workspace in the app's data folder the first time.
    pub fn open_demo(&self, id: &str) -> Res<WorkspaceInfo> {
        self.set_open(Workspace::open_demo(
            id,
            &self.data_dir.join("demos"),
            Source::Ui,
        ))
    }

    pub fn close(&self) {
        *lock(&self.reader) = None;
        lock(&self.cache).clear();
        *lock(&self.workspace) = None;
        tracing::info!("workspace closed");
    }

    /// The app's data folder (settings, logs).
    pub fn data_dir(&self) -> &std::path::Path {
        &self.data_dir
    }

    // ----- import wizard -----

    /// Makes `session` the wizard's (replacing any other) and previews it with `options`.
    pub fn import_open(
        &self,
        session: orgdesk_core::Result<ImportSession>,
        options: &orgdesk_core::imports::ImportOptions,
    ) -> Res<orgdesk_core::imports::ImportPreview> {
        *lock(&self.import) = Some(session.map_err(|e| self.dto(e))?);
        self.with_import(|ws, session, lang| ws.plan_import(session, options, lang))
    }

    /// Runs `f` on the open workspace and the wizard's session.
    pub fn with_import<T>(
        &self,
        f: impl FnOnce(&mut Workspace, &mut ImportSession, Lang) -> orgdesk_core::Result<T>,
    ) -> Res<T> {
        let mut session = lock(&self.import);
        self.with(|ws, lang| match session.as_mut() {
            Some(session) => f(ws, session, lang),
            None => Err(Error::new(ErrorCode::InvalidArgument, "import_not_open")),
        })
    }

    pub fn import_close(&self) {
        *lock(&self.import) = None;
    }

    /// Runs long work (an import commit, an export) that reports to `progress` and stops when
    /// `cancel` is called with the same `flag`.
    pub fn cancellable<T>(
        &self,
        flag: TaskFlag,
        progress: &(dyn Fn(u32, u32) + Sync),
        f: impl FnOnce(&AppState, &dyn Progress) -> Res<T>,
    ) -> Res<T> {
        let cancel = self.flag(flag);
        cancel.store(false, Ordering::SeqCst);
        let reporter = Reporter {
            send: progress,
            cancel,
        };
        f(self, &reporter)
    }

    pub fn cancel(&self, flag: TaskFlag) {
        self.flag(flag).store(true, Ordering::SeqCst);
    }

    fn flag(&self, flag: TaskFlag) -> &AtomicBool {
        match flag {
            TaskFlag::Import => &self.import_cancel,
            TaskFlag::Export => &self.export_cancel,
            TaskFlag::Sync => &self.sync_cancel,
        }
    }
}

/// Which long task a cancel button stops.
#[derive(Clone, Copy)]
pub enum TaskFlag {
    Import,
    Export,
    /// Pulling from the platform and applying a plan to it.
    Sync,
}

/// Bridges the core's progress callbacks to a page.
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;

    /// App state in a temporary folder with a new workspace `company` open (kept while the
    /// folder is).
    fn opened(company: &str) -> (tempfile::TempDir, AppState) {
        let dir = tempfile::TempDir::new().unwrap();
        let state = AppState::new(dir.path().join("data"));
        state
            .create(
                dir.path().join("w.orgdesk"),
                company,
                orgdesk_core::Platform::Wecom,
            )
            .unwrap();
        (dir, state)
    }

    /// The calling thread's nice value (Linux: each thread's own).
    #[cfg(target_os = "linux")]
    fn nice() -> i32 {
        // SAFETY: reads the calling thread's priority.
        unsafe {
            let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
            libc::getpriority(libc::PRIO_PROCESS, tid)
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_long_read_runs_at_the_lowest_priority_and_the_caller_keeps_its_own() {
        let (_dir, state) = opened("优先级公司");
        state
            .with(|ws, _| ws.add_department("优先级公司/销售部"))
            .unwrap();
        let before = nice();
        let (inside, departments) = state
            .read(|ws, _| Ok((nice(), ws.departments()?.len())))
            .unwrap();
        assert_eq!(inside, 19, "the read ran at nice 19");
        assert_eq!(departments, 2, "on the open workspace, as committed");
        assert_eq!(nice(), before, "the calling thread keeps its priority");
        // An error in the read is the caller's error.
        let e = state
            .read(|ws, _| ws.member("nobody").map(|_| ()))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::MemberNotFound);
    }

    #[test]
    fn a_long_read_nobody_waits_for_is_stopped_and_the_next_one_runs() {
        use std::sync::mpsc::channel;
        use std::time::Duration;
        let (_dir, state) = opened("停止公司");
        for i in 0..200 {
            state
                .with(|ws, _| ws.add_department(&format!("停止公司/部门{i}")))
                .unwrap();
        }
        let state = Arc::new(state);
        let (started, has_started) = channel();
        let s = state.clone();
        // A read that goes on for half a minute unless stopped: statement after statement, as a
        // checklist runs.
        let long = std::thread::spawn(move || {
            s.read_cached("checklist", move |ws, _| {
                started.send(()).unwrap();
                let until = std::time::Instant::now() + Duration::from_secs(30);
                let mut n = 0;
                while std::time::Instant::now() < until {
                    n = ws.departments()?.len();
                }
                Ok(n)
            })
        });
        has_started.recv_timeout(Duration::from_secs(20)).unwrap();
        // Another question's stop leaves it be.
        state.stop_read("activation");
        assert!(!state.stop.load(Ordering::SeqCst));
        state.stop_read("checklist");
        let e = long.join().unwrap().unwrap_err();
        assert_eq!(
            (e.code, e.key.as_str()),
            (ErrorCode::Cancelled, "read_stopped")
        );
        // Nothing was cached, and the next read (the same question) runs to its answer.
        let n = state
            .read_cached("checklist", |ws, _| Ok(ws.departments()?.len()))
            .unwrap();
        assert_eq!(n, 201);
        // A stop with nothing running changes nothing for the read after it.
        state.stop_read("checklist");
        assert_eq!(
            state.read(|ws, _| Ok(ws.departments()?.len())).unwrap(),
            201
        );
    }

    #[test]
    fn long_reads_leave_the_runtime_free_for_other_commands() {
        use std::sync::mpsc::channel;
        use std::time::Duration;
        let (_dir, state) = opened("运行时公司");
        let state = Arc::new(state);
        // One worker thread, as a two-core machine has two and two long reads take both.
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap();
        let (started, has_started) = channel();
        let (release, released) = channel::<()>();
        let s = state.clone();
        let long = rt.spawn(async move {
            s.read(move |ws, _| {
                started.send(()).unwrap();
                released.recv().unwrap();
                Ok(ws.departments()?.len())
            })
        });
        has_started.recv_timeout(Duration::from_secs(20)).unwrap();
        // A second long read, which waits for the first (the reader is one connection): its
        // wait must not hold the worker either.
        let s = state.clone();
        let second = rt.spawn(async move { s.read(|ws, _| Ok(ws.departments()?.len())) });
        // Another command while the reads go on: it must run now, not after them.
        let (done, is_done) = channel();
        let s = state.clone();
        rt.spawn(async move {
            done.send(s.with(|ws, _| ws.departments()).map(|d| d.len()))
                .unwrap();
        });
        let other = is_done.recv_timeout(Duration::from_secs(10));
        release.send(()).unwrap();
        let other = other.expect("another command ran while a long read was going on");
        assert_eq!(other.ok(), Some(0));
        assert_eq!(rt.block_on(long).unwrap().ok(), Some(0));
        assert_eq!(rt.block_on(second).unwrap().ok(), Some(0));
    }

    #[test]
    fn a_cached_read_is_answered_again_until_something_is_committed() {
        let (_dir, state) = opened("缓存公司");
        let runs = AtomicU32::new(0);
        let count = || {
            state
                .read_cached("departments", |ws, _| {
                    runs.fetch_add(1, Ordering::SeqCst);
                    Ok(ws.departments()?.len())
                })
                .unwrap()
        };
        assert_eq!((count(), count()), (0, 0));
        assert_eq!(
            runs.load(Ordering::SeqCst),
            1,
            "the second read came from the cache"
        );
        // A commit through the writing connection: the next read computes again and sees it.
        state
            .with(|ws, _| ws.add_department("缓存公司/销售部"))
            .unwrap();
        assert_eq!(count(), 2);
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        // Another language is another answer.
        state.set_lang(Lang::EnUs, false).unwrap();
        count();
        assert_eq!(runs.load(Ordering::SeqCst), 3);
        // Undo is a commit too.
        state.with(|ws, _| ws.undo()).unwrap();
        assert_eq!(count(), 0);
    }

    #[test]
    fn a_bulk_undo_or_redo_leaves_the_search_index_current() {
        use orgdesk_core::imports::{ImportOptions, ImportSession};
        let dir = tempfile::TempDir::new().unwrap();
        let state = AppState::new(dir.path().join("data"));
        let ws = dir.path().join("s.orgdesk");
        state
            .create(ws, "索引公司", orgdesk_core::Platform::Wecom)
            .unwrap();
        let csv = dir.path().join("staff.csv");
        let rows: String = (0..6_000)
            .map(|i| {
                format!(
                    "员工{i},u{i},{},索引公司/部{}\n",
                    13_000_000_000u64 + i,
                    i % 7
                )
            })
            .collect();
        std::fs::write(&csv, format!("姓名,账号,手机,部门\n{rows}")).unwrap();
        state
            .with(|ws, lang| {
                let mut session = ImportSession::open(&csv)?;
                let options = ImportOptions::default();
                ws.run_import(
                    &mut session,
                    &options,
                    false,
                    lang,
                    &orgdesk_core::progress::Silent,
                )?;
                ws.refresh_search()
            })
            .unwrap();
        let ready = || state.with(|ws, _| ws.search_ready()).unwrap();
        assert!(ready());
        // Undoing the import (6,000 members gone at once) leaves the index behind…
        state.with(|ws, _| ws.undo()).unwrap();
        assert!(!ready(), "a bulk undo marks the index for a rebuild");
        // …which redo and undo through the app bring up to date before they answer.
        state.with_reindex(|ws, _| ws.redo()).unwrap();
        assert!(ready());
        state.with_reindex(|ws, _| ws.undo()).unwrap();
        assert!(ready());
    }
}
