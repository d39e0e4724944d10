//! The app's log: one file a day in `<data folder>/logs` (`orgdesk.YYYY-MM-DD.log`), the last
//! [`KEPT`] kept. It says what the app did and how long it took, never about whom: start and
//! version, the start screen's timing, workspaces opened and closed (their schema version and
//! size, not their path or name), command failures by error code and key (not the message,
//! which quotes values), panics by source location (not their message).

use orgdesk_core::Error;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;
use tracing_appender::rolling::{Builder, Rotation};

/// Days of logs kept.
pub const KEPT: usize = 7;

static LAUNCH: OnceLock<Instant> = OnceLock::new();
static DIR: OnceLock<PathBuf> = OnceLock::new();

/// Notes the launch time; call first thing.
pub fn launched() {
    LAUNCH.get_or_init(Instant::now);
}

/// Milliseconds since [`launched`].
pub fn since_launch_ms() -> u128 {
    LAUNCH.get_or_init(Instant::now).elapsed().as_millis()
}

/// The log folder, once [`init`] ran.
pub fn dir() -> Option<&'static Path> {
    DIR.get().map(PathBuf::as_path)
}

/// Starts writing the log into `dir`. A log that cannot be written is not a reason to stop the
/// app: it runs without one and says so on stderr.
pub fn init(dir: PathBuf) {
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("OrgDesk: no log file in {}: {e}", dir.display());
        return;
    }
    let appender = match Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix("orgdesk")
        .filename_suffix("log")
        .max_log_files(KEPT)
        .build(&dir)
    {
        Ok(a) => a,
        Err(e) => {
            eprintln!("OrgDesk: no log file in {}: {e}", dir.display());
            return;
        }
    };
    let subscriber = tracing_subscriber::fmt()
        .with_writer(appender)
        .with_ansi(false)
        .with_target(false)
        .finish();
    if tracing::subscriber::set_global_default(subscriber).is_err() {
        return;
    }
    let _ = DIR.set(dir);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // The location only: a panic's message may quote a value from the workspace.
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(at, "panic");
        previous(info);
    }));
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        os = std::env::consts::OS,
        arch = std::env::consts::ARCH,
        rendering = ?crate::rendering::choose(),
        "started"
    );
}

/// Notes a failed command: its error code and message key, nothing it quotes.
pub fn failed(e: &Error) {
    tracing::warn!(code = ?e.code, key = e.key, "command failed");
}
