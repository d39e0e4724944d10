//! Per-user app preferences (language, recent workspaces), kept in one JSON file outside any
//! workspace. Written atomically: a crash while saving leaves the previous file intact.

use crate::error::Result;
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// How many recent workspaces are remembered.
pub const RECENT_MAX: usize = 10;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct Settings {
    /// None until the user picks a language (then the UI follows it).
    pub language: Option<Lang>,
    pub recent: Vec<RecentWorkspace>,
    /// Whether the first-run welcome (with the demo offer) was shown.
    pub welcomed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RecentWorkspace {
    pub path: String,
    pub name: String,
    /// UTC, RFC 3339.
    pub opened_at: String,
}

impl Settings {
    /// Reads the settings; a missing or unreadable file gives the defaults (never an error:
    /// preferences must not stop the app from starting).
    pub fn load(path: &Path) -> Settings {
        std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| crate::Error::io(dir, &e))?;
        let tmp: PathBuf = path.with_extension("json.tmp");
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&serde_json::to_vec_pretty(self).unwrap_or_default())?;
            f.sync_all()?;
            std::fs::rename(&tmp, path)
        };
        write().map_err(|e| crate::Error::io(path, &e))
    }

    /// Puts `path` first in the recent list.
    pub fn remember(&mut self, path: &str, name: &str) {
        self.recent.retain(|r| r.path != path);
        self.recent.insert(
            0,
            RecentWorkspace {
                path: path.to_string(),
                name: name.to_string(),
                opened_at: crate::history::now(),
            },
        );
        self.recent.truncate(RECENT_MAX);
    }

    pub fn forget(&mut self, path: &str) {
        self.recent.retain(|r| r.path != path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_recent_order() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("sub/settings.json");
        assert_eq!(Settings::load(&path), Settings::default());
        let mut s = Settings {
            language: Some(Lang::EnUs),
            ..Default::default()
        };
        for i in 0..12 {
            s.remember(&format!("/w/{i}.orgdesk"), &format!("W{i}"));
        }
        s.remember("/w/5.orgdesk", "W5");
        assert_eq!(s.recent.len(), RECENT_MAX);
        assert_eq!(s.recent[0].path, "/w/5.orgdesk");
        assert_eq!(
            s.recent.iter().filter(|r| r.path == "/w/5.orgdesk").count(),
            1
        );
        s.forget("/w/5.orgdesk");
        s.save(&path).unwrap();
        assert_eq!(Settings::load(&path), s);
        std::fs::write(&path, b"{ broken").unwrap();
        assert_eq!(Settings::load(&path), Settings::default());
    }
}
