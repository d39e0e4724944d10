//! The contract between the Rust app and the UI: generated TypeScript bindings and the
//! capability that lets the window call the commands.

use std::collections::BTreeSet;
use std::path::Path;

fn committed_bindings() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/api/bindings.ts")
}

fn generated() -> String {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("bindings.ts");
    orgdesk_app::export_bindings(&path).unwrap();
    std::fs::read_to_string(path).unwrap()
}

/// Fails when the UI's generated types drift from the Rust types. With
/// ORGDESK_UPDATE_BINDINGS=1 it rewrites the file instead (scripts/gen-bindings.sh).
#[test]
fn typescript_bindings_are_up_to_date() {
    let fresh = generated();
    if std::env::var_os("ORGDESK_UPDATE_BINDINGS").is_some() {
        std::fs::write(committed_bindings(), &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(committed_bindings()).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/api/bindings.ts is stale: run scripts/gen-bindings.sh and commit the result"
    );
}

#[test]
fn the_capability_grants_exactly_the_registered_commands() {
    let declared: BTreeSet<String> = env!("ORGDESK_APP_COMMANDS")
        .split(',')
        .map(str::to_string)
        .collect();
    assert!(declared.len() > 50, "build.rs found the commands");
    // Every command the bindings invoke is one build.rs found in src/commands, and the other
    // way round.
    let bindings = generated();
    let invoked: BTreeSet<String> = bindings
        .split("__TAURI_INVOKE")
        .skip(2) // the import line
        .filter_map(|rest| {
            rest.split_once("(\"")
                .and_then(|(_, r)| r.split('"').next())
        })
        .map(str::to_string)
        .collect();
    assert_eq!(
        invoked, declared,
        "the registered commands differ from those build.rs found"
    );
    // The permission set the window gets holds exactly those commands.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let set = std::fs::read_to_string(dir.join("permissions/commands.toml")).unwrap();
    let granted: BTreeSet<String> = set
        .lines()
        .filter_map(|l| l.trim().strip_prefix("\"allow-"))
        .map(|p| p.trim_end_matches(['"', ',']).replace('-', "_"))
        .collect();
    assert_eq!(
        granted, declared,
        "permissions/commands.toml must grant exactly the app's commands"
    );
    let cap: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("capabilities/main.json")).unwrap())
            .unwrap();
    let permissions: Vec<String> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(
        permissions,
        [
            "\"app-commands\"",
            "\"dialog:allow-open\"",
            "\"dialog:allow-save\"",
            r#"{"allow":[{"url":"https://*"}],"identifier":"opener:allow-open-url"}"#,
            "\"opener:allow-reveal-item-in-dir\"",
            "\"core:event:allow-listen\"",
            "\"core:event:allow-unlisten\""
        ],
        "the app's commands, and no plugin permission beyond the file dialogs, opening https links, showing an export and hearing about dropped files"
    );
}
