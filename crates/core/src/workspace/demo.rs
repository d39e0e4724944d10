//! The façade's demo companies: a new workspace filled from `assets/demos`, and its reset.

use super::Workspace;
use crate::demo;
use crate::error::{Error, ErrorCode, Result};
use crate::history::{Action, Source};
use crate::snapshots::{SnapshotInfo, SnapshotKind, INITIAL};
use std::path::Path;

impl Workspace {
    /// Creates a new workspace file at `path` holding the demo company `id`, with its `initial`
    /// snapshot. Loading a demo is the workspace's starting point: logged, not undoable.
    pub fn create_demo(id: &str, path: &Path, source: Source) -> Result<Workspace> {
        let demo = demo::find(id)?;
        let mut ws = Workspace::create(path, &demo.name, demo.platform, source)?;
        let filled = ws
            .db
            .unrecorded(Action::DemoCreate, |tx| demo::fill(tx, &demo))
            .and_then(|()| ws.save_snapshot_as(INITIAL, SnapshotKind::Initial));
        if let Err(e) = filled {
            drop(ws);
            crate::db::remove_with_sidecars(path);
            return Err(e);
        }
        Ok(ws)
    }

    /// Opens the demo's workspace in `dir` (`<dir>/<id>.orgdesk`), creating it the first time.
    pub fn open_demo(id: &str, dir: &Path, source: Source) -> Result<Workspace> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, &e))?;
        let path = dir.join(format!("{id}.{}", crate::WORKSPACE_EXTENSION));
        if path.exists() {
            Workspace::open(&path, source)
        } else {
            Workspace::create_demo(id, &path, source)
        }
    }

    /// Puts a demo workspace back as it was created (its initial snapshot), as one undoable
    /// action.
    pub fn reset_demo(&mut self) -> Result<SnapshotInfo> {
        self.restore_snapshot(INITIAL).map_err(|e| {
            if e.code == ErrorCode::SnapshotNotFound {
                Error::new(ErrorCode::SnapshotNotFound, "demo_no_initial_snapshot")
            } else {
                e
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::list;

    #[test]
    fn open_or_create_makes_the_file_once_and_keeps_changes() {
        let dir = tempfile::TempDir::new().unwrap();
        let id = list().unwrap()[0].id.clone();
        let mut ws = Workspace::open_demo(&id, &dir.path().join("demos"), Source::Ui).unwrap();
        ws.add_department("示例科技/新部门").unwrap();
        drop(ws);
        let ws = Workspace::open_demo(&id, &dir.path().join("demos"), Source::Ui).unwrap();
        assert!(ws
            .departments()
            .unwrap()
            .iter()
            .any(|d| d.path == "示例科技/新部门"));
    }

    #[test]
    fn every_demo_passes_the_checks_and_its_platform_rules() {
        for d in list().unwrap() {
            let dir = tempfile::TempDir::new().unwrap();
            let ws =
                Workspace::create_demo(&d.id, &dir.path().join("d.orgdesk"), Source::Cli).unwrap();
            let errors: Vec<_> = ws
                .check_permissions(crate::Lang::EnUs)
                .unwrap()
                .into_iter()
                .filter(|f| f.severity == crate::roles::checks::Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", d.id);
            assert!(ws
                .roles()
                .unwrap()
                .iter()
                .any(|r| r.key.as_deref() == Some("super_admin") && r.holders.len() == 2));
            // Nothing in it breaks its platform's limits or its import file's rules.
            let platform = d.platform.as_str();
            let limits = ws.check_limits(platform, crate::Lang::EnUs).unwrap();
            assert!(limits.is_empty(), "{}: {limits:?}", d.id);
            let problems = ws.preflight(platform, crate::Lang::EnUs).unwrap();
            let errors: Vec<_> = problems.iter().filter(|p| p.is_error()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", d.id);
        }
    }
}
