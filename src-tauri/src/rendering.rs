//! How the web view draws the page. On Linux, WebKitGTK composites it with OpenGL. A machine
//! with no GPU to give it (no DRI render node: a virtual machine, a remote desktop, a container)
//! gets Mesa's software OpenGL (llvmpipe) instead, whose threads took both cores of the 2-core
//! dev machine for every frame: at 1,000,000 members a search keystroke took p50 72 / p95 130 ms
//! to show its rows with it and p50 43 / p95 90 ms without it (the UI bench). There the app turns
//! WebKit's compositing off before the web view starts; a user's own
//! `WEBKIT_DISABLE_COMPOSITING_MODE` is left as it is.

use serde::Serialize;
use std::path::Path;
use std::sync::OnceLock;

/// The variable WebKitGTK reads (any value turns compositing off).
const VARIABLE: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// How the page is drawn (shown in the diagnostics).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Rendering {
    /// As the system's web view chooses (with a GPU on Linux; always on Windows and macOS).
    Default,
    /// Compositing off: no GPU for it, only software OpenGL.
    NoGpu,
    /// As the user set `WEBKIT_DISABLE_COMPOSITING_MODE`.
    UserSet,
}

static CHOSEN: OnceLock<Rendering> = OnceLock::new();

/// What to do given whether the user set the variable, whether a DRI render node exists and
/// whether Mesa is told to draw in software (`LIBGL_ALWAYS_SOFTWARE`).
fn decide(user_set: bool, render_node: bool, software_gl: bool) -> Rendering {
    if user_set {
        Rendering::UserSet
    } else if !render_node || software_gl {
        Rendering::NoGpu
    } else {
        Rendering::Default
    }
}

/// Whether `dir` (normally `/dev/dri`) holds a render node (`renderD128`, …).
fn has_render_node(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

/// Chooses once, first thing at start (before any thread or the web view exists), and sets the
/// variable when compositing should be off; later calls return that choice. Elsewhere than on
/// Linux nothing changes.
pub fn choose() -> Rendering {
    *CHOSEN.get_or_init(|| {
        if !cfg!(target_os = "linux") {
            return Rendering::Default;
        }
        let set = |v: &str| std::env::var_os(v).is_some_and(|s| !s.is_empty() && s != "0");
        let chosen = decide(
            std::env::var_os(VARIABLE).is_some(),
            has_render_node(Path::new("/dev/dri")),
            set("LIBGL_ALWAYS_SOFTWARE"),
        );
        if chosen == Rendering::NoGpu {
            std::env::set_var(VARIABLE, "1");
        }
        chosen
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compositing_goes_off_only_without_a_gpu_and_never_against_the_users_setting() {
        assert_eq!(decide(false, true, false), Rendering::Default);
        assert_eq!(decide(false, false, false), Rendering::NoGpu);
        assert_eq!(decide(false, true, true), Rendering::NoGpu);
        assert_eq!(decide(true, false, false), Rendering::UserSet);
        assert_eq!(decide(true, true, true), Rendering::UserSet);
    }

    #[test]
    fn a_render_node_is_found_by_its_name() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_render_node(dir.path()));
        assert!(!has_render_node(&dir.path().join("missing")));
        std::fs::write(dir.path().join("card0"), "").unwrap();
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("renderD128"), "").unwrap();
        assert!(has_render_node(dir.path()));
    }
}
