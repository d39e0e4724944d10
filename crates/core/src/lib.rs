//! OrgDesk core: the workspace model, its storage and its rules. No UI, no Tauri.
//!
//! Layers, each using only those below it (`ARCHITECTURE.md` draws them; a test checks):
//!
//! 1. foundation — `error`, `i18n`, `dataset`, `permissions` (the catalogue), `validate`, `files`,
//!    `xlsx`, `progress`, `db`, `history` (the one mutation path: [`history::Db`] and its
//!    [`history::Tx`]);
//! 2. domains — `org`, `members`, `roles`, `customers`, `sync`, `compare`, `imports`, `exports`, `setup`,
//!    `snapshots`, `demo`, `settings`: reads take a connection, writes a `Tx`; no domain sees
//!    the workspace;
//! 3. the façade — [`Workspace`] (`workspace/`): one open file and every operation on it, what
//!    the CLI and the app call.
//!
//! The façade gives no connection out: a write can only go through the history module, which
//! records, audits and makes it undoable.
//!
//! ```compile_fail
//! # fn f(ws: &orgdesk_core::Workspace) {
//! ws.connection(); // there is no such thing
//! # }
//! ```

pub mod approvals;
pub mod apps;
pub mod compare;
pub mod customers;
pub mod dataset;
pub mod db;
pub mod demo;
pub mod error;
pub mod exports;
pub mod files;
pub mod health;
pub mod history;
pub mod i18n;
pub mod imports;
pub mod lifecycle;
pub mod members;
pub mod org;
pub mod permissions;
pub mod progress;
pub mod roles;
pub mod settings;
pub mod setup;
pub mod snapshots;
pub mod sync;
pub mod validate;
mod workspace;
pub mod xlsx;

pub use error::{Error, ErrorCode, ErrorDto, ErrorKind, Result};
pub use history::{Action, ActionState, AuditEntry, HistoryStatus, Source};
pub use i18n::Lang;
pub use members::{
    FieldKey, Gender, Member, MemberFields, MemberInput, MemberPage, MemberQuery, MemberSaved,
    MemberStatus,
};
pub use org::departments::{Department, DepartmentAdded, DepartmentRef};
pub use org::profile::{OrgProfile, Platform};
pub use org::visibility::{Audience, Sight, Visibility};
pub use workspace::migrate::{migrate, Migration};
pub use workspace::{Workspace, WorkspaceInfo};

/// The file extension of workspace files.
pub const WORKSPACE_EXTENSION: &str = "orgdesk";

#[cfg(test)]
mod layers {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    /// The modules each top-level module of `src` uses (`crate::x`), comments left out.
    fn graph() -> BTreeMap<String, BTreeSet<String>> {
        fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        walk(&src, &mut files);
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for file in files {
            let relative = file.strip_prefix(&src).unwrap();
            let module = relative
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string();
            if module == "lib" {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            let used = graph.entry(module.clone()).or_default();
            for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for part in line.split("crate::").skip(1) {
                    let name: String = part
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    // `crate::Error`, `crate::Lang` …: re-exports of foundation items.
                    if !name.is_empty() && name != module && name.starts_with(char::is_lowercase) {
                        used.insert(name);
                    }
                }
                // The façade's type, as a word of its own (not `NotAWorkspace`, `RecentWorkspace`).
                let mentions = line
                    .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                    .any(|word| word == "Workspace");
                if module != "workspace" && mentions {
                    used.insert("workspace".into());
                }
            }
        }
        graph
    }

    #[test]
    fn domains_never_see_the_workspace_and_modules_have_no_cycles() {
        let graph = graph();
        let seeing: Vec<&String> = graph
            .iter()
            .filter(|(_, used)| used.contains("workspace"))
            .map(|(m, _)| m)
            .collect();
        assert!(seeing.is_empty(), "modules that use the façade: {seeing:?}");
        // No module reaches itself through the modules it uses.
        for start in graph.keys() {
            let mut seen = BTreeSet::new();
            let mut todo: Vec<&String> = graph[start].iter().collect();
            while let Some(m) = todo.pop() {
                assert!(m != start, "a cycle goes through `{start}`");
                if seen.insert(m.clone()) {
                    todo.extend(graph.get(m).into_iter().flatten());
                }
            }
        }
        // The foundation uses no domain.
        let foundation = [
            "error",
            "i18n",
            "dataset",
            "permissions",
            "validate",
            "files",
            "xlsx",
            "progress",
            "db",
            "history",
        ];
        for base in foundation {
            let used = &graph[base];
            assert!(
                used.iter().all(|u| foundation.contains(&u.as_str())),
                "{base} uses {used:?}"
            );
        }
    }
}
