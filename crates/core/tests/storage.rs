//! The workspace file: creation, migrations, and refusal of files it must not touch.

use orgdesk_core::db::{self, APPLICATION_ID};
use orgdesk_core::{ErrorCode, MemberQuery, Platform, Source, Workspace};
use std::path::Path;
use tempfile::TempDir;

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_fresh_file_is_at_the_latest_version_in_wal_mode() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("fresh.orgdesk");
    let ws = Workspace::create(&path, "示例科技", Platform::Feishu, Source::Cli).unwrap();
    let conn = ws.raw_connection();
    let get = |pragma: &str| {
        conn.pragma_query_value(None, pragma, |r| r.get::<_, rusqlite::types::Value>(0))
            .unwrap()
    };
    assert_eq!(
        get("application_id"),
        rusqlite::types::Value::Integer(APPLICATION_ID.into())
    );
    assert_eq!(
        get("user_version"),
        rusqlite::types::Value::Integer(db::latest_version().into())
    );
    assert_eq!(
        get("journal_mode"),
        rusqlite::types::Value::Text("wal".into())
    );
    assert_eq!(get("foreign_keys"), rusqlite::types::Value::Integer(1));
    assert_eq!(get("page_size"), rusqlite::types::Value::Integer(16384));
    assert_ne!(get("busy_timeout"), rusqlite::types::Value::Integer(0));
    let info = ws.info().unwrap();
    assert_eq!(
        (info.profile.name.as_str(), info.profile.platform),
        ("示例科技", Platform::Feishu)
    );
    drop(ws);
    let ws = Workspace::open(&path, Source::Cli).unwrap();
    assert_eq!(ws.profile().unwrap().name, "示例科技");
}

#[test]
fn create_refuses_an_existing_file_and_leaves_it_alone() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("taken.orgdesk");
    std::fs::write(&path, b"precious").unwrap();
    let e = Workspace::create(&path, "X", Platform::Wecom, Source::Cli)
        .err()
        .unwrap();
    assert_eq!(e.code, ErrorCode::FileExists);
    assert_eq!(bytes(&path), b"precious");
}

#[test]
fn an_older_file_is_upgraded_on_open_with_its_data() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("old.orgdesk");
    {
        // A file as the first release wrote it: schema version 1, no audit log.
        let conn = db::create(&path, 1).unwrap();
        conn.execute_batch(
            "INSERT INTO organization (id, name, platform, created_at) VALUES (1, '老公司', 'dingtalk', '2024-01-01T00:00:00Z');
             INSERT INTO departments (id, parent_id, name, sort_order) VALUES (1, NULL, '老公司', 0), (2, 1, '销售部', 0);
             INSERT INTO members (id, userid, name, status, created_at, updated_at) VALUES (1, 'lisi', '李四', 'active', 'x', 'x');
             INSERT INTO member_departments (member_id, department_id, is_main) VALUES (1, 2, 1);",
        )
        .unwrap();
        let v: u32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, 1);
        let has_log: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'audit_log'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(has_log, 0);
    }
    let mut ws = Workspace::open(&path, Source::Cli).unwrap();
    assert_eq!(ws.info().unwrap().schema_version, db::latest_version());
    assert_eq!(ws.profile().unwrap().platform, Platform::Dingtalk);
    let members = ws.members(&MemberQuery::default()).unwrap();
    assert_eq!(members[0].departments, vec!["老公司/销售部"]);
    // The upgraded file takes part in the history like any other.
    ws.rename_department(&"老公司/销售部".into(), "营销部")
        .unwrap();
    ws.undo().unwrap();
    assert_eq!(ws.departments().unwrap()[1].path, "老公司/销售部");
}

#[test]
fn a_file_from_a_newer_version_is_refused_and_not_touched() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("newer.orgdesk");
    {
        let ws = Workspace::create(&path, "未来", Platform::Wecom, Source::Cli).unwrap();
        ws.raw_execute(&format!(
            "PRAGMA user_version = {}",
            db::latest_version() + 1
        ))
        .unwrap();
    }
    let before = bytes(&path);
    let e = Workspace::open(&path, Source::Cli).err().unwrap();
    assert_eq!(e.code, ErrorCode::NewerVersion);
    assert_eq!(
        e.param("found"),
        Some((db::latest_version() + 1).to_string().as_str())
    );
    assert!(e
        .message(orgdesk_core::Lang::EnUs)
        .contains("newer OrgDesk"));
    assert_eq!(bytes(&path), before, "the newer file must not be modified");
}

#[test]
fn files_that_are_not_workspaces_are_refused_clearly() {
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("missing.orgdesk");
    assert_eq!(
        Workspace::open(&missing, Source::Cli).err().unwrap().code,
        ErrorCode::FileNotFound
    );
    assert!(!missing.exists(), "opening must not create a file");

    let empty = dir.path().join("empty.orgdesk");
    std::fs::write(&empty, b"").unwrap();
    let e = Workspace::open(&empty, Source::Cli).err().unwrap();
    assert_eq!(e.code, ErrorCode::NotAWorkspace);
    assert_eq!(bytes(&empty), b"");

    let text = dir.path().join("notes.orgdesk");
    std::fs::write(&text, "姓名,手机\n张伟,13800138000\n".repeat(50)).unwrap();
    assert_eq!(
        Workspace::open(&text, Source::Cli).err().unwrap().code,
        ErrorCode::NotAWorkspace
    );

    let other = dir.path().join("other.sqlite");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    let before = bytes(&other);
    let e = Workspace::open(&other, Source::Cli).err().unwrap();
    assert_eq!(e.code, ErrorCode::NotAWorkspace);
    assert_eq!(bytes(&other), before);

    assert_eq!(
        Workspace::open(dir.path(), Source::Cli).err().unwrap().code,
        ErrorCode::NotAWorkspace
    );
}

#[test]
fn a_damaged_workspace_is_reported_as_corrupt() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("damaged.orgdesk");
    {
        let mut ws = Workspace::create(&path, "X", Platform::Wecom, Source::Cli).unwrap();
        ws.add_department("A/B").unwrap();
        ws.raw_execute("PRAGMA journal_mode = DELETE").unwrap();
    }
    let mut data = bytes(&path);
    // Keep the 100-byte header, scribble over the schema page.
    for b in &mut data[100..4096] {
        *b = 0xA5;
    }
    std::fs::write(&path, &data).unwrap();
    let e = Workspace::open(&path, Source::Cli).err().unwrap();
    assert_eq!(e.code, ErrorCode::CorruptFile, "{e}");
    assert_eq!(bytes(&path), data);
}

#[test]
fn a_version_2_file_keeps_its_history_through_the_audit_log_rebuild() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("v2.orgdesk");
    {
        // A file as version 2 wrote it: one department added through the audited path.
        let conn = db::create(&path, 2).unwrap();
        conn.execute(
            "INSERT INTO organization (id, name, platform, created_at) VALUES (1, '二版', 'wecom', '2025-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
        let mut session = rusqlite::session::Session::new(&conn).unwrap();
        session.attach::<&str>(Some("departments")).unwrap();
        conn.execute(
            "INSERT INTO departments (id, parent_id, name, sort_order) VALUES (1, NULL, '二版', 0)",
            [],
        )
        .unwrap();
        let mut changeset = Vec::new();
        session.changeset_strm(&mut changeset).unwrap();
        drop(session);
        conn.execute(
            "INSERT INTO audit_log (at, source, actor, action, target, changeset, state)
             VALUES ('2025-01-01T00:00:00Z', 'cli', '', 'department_add', '二版', ?1, 'done')",
            [changeset],
        )
        .unwrap();
    }
    let mut ws = Workspace::open(&path, Source::Cli).unwrap();
    assert_eq!(ws.info().unwrap().schema_version, db::latest_version());
    let log = ws.log(None).unwrap();
    assert_eq!(
        (
            log.len(),
            log[0].action.as_str(),
            log[0].state.map(|s| s.as_str())
        ),
        (1, "department_add", Some("done"))
    );
    assert_eq!(ws.undo().unwrap().target, "二版");
    assert!(ws.departments().unwrap().is_empty());
    ws.redo().unwrap();
    assert_eq!(ws.departments().unwrap().len(), 1);
}

/// Every foreign key has an index starting with its columns (a primary key counts): deleting a
/// row otherwise scans the child table once per deleted row.
#[test]
fn every_foreign_key_is_indexed() {
    let ws = Workspace::in_memory("x", Platform::Undecided).unwrap();
    let conn = ws.raw_connection();
    // (An index on an expression has no column name: it counts as none.)
    let strings = |sql: &str, arg: &str| -> Vec<String> {
        conn.prepare(sql)
            .unwrap()
            .query_map([arg], |r| {
                Ok(r.get::<_, Option<String>>(0)?.unwrap_or_default())
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let tables = strings(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> ?1",
        "",
    );
    let mut checked = 0;
    for table in &tables {
        // Each foreign key's columns, in order.
        let mut keys: std::collections::BTreeMap<i64, Vec<String>> = Default::default();
        let mut stmt = conn
            .prepare("SELECT id, \"from\" FROM pragma_foreign_key_list(?1) ORDER BY id, seq")
            .unwrap();
        for row in stmt
            .query_map([table], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })
            .unwrap()
        {
            let (id, column) = row.unwrap();
            keys.entry(id).or_default().push(column);
        }
        // The leading columns of every index, and of the primary key.
        let mut leads: Vec<Vec<String>> = strings("SELECT name FROM pragma_index_list(?1)", table)
            .iter()
            .map(|index| {
                strings(
                    "SELECT name FROM pragma_index_info(?1) ORDER BY seqno",
                    index,
                )
            })
            .collect();
        leads.push(strings(
            "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk",
            table,
        ));
        for columns in keys.values() {
            checked += 1;
            assert!(
                leads.iter().any(|lead| lead.starts_with(columns)),
                "{table} ({}) has no index",
                columns.join(", ")
            );
        }
    }
    assert!(checked >= 10, "{checked} foreign keys");
}

/// A file whose version number was changed behind OrgDesk's back gets the product's message,
/// not SQL, and is left as it was.
#[test]
fn a_lowered_schema_version_is_refused_with_a_message_and_left_alone() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("lowered.orgdesk");
    {
        let ws = Workspace::create(&path, "X", Platform::Wecom, Source::Cli).unwrap();
        ws.raw_execute("PRAGMA user_version = 3").unwrap();
    }
    let before = bytes(&path);
    let e = Workspace::open(&path, Source::Cli).err().unwrap();
    assert_eq!((e.code, e.key), (ErrorCode::CorruptFile, "schema_mismatch"));
    let message = e.message(orgdesk_core::Lang::EnUs);
    assert!(message.contains("schema version 3"), "{message}");
    assert!(!message.to_lowercase().contains("sql"), "{message}");
    assert!(bytes(&path) == before, "the file was changed");
}

/// A long read nobody waits for any more is called off from another thread: its statements stop
/// with a "cancelled" error while the flag is set, and the connection works again once it is not.
#[test]
fn reads_stop_while_asked_to_and_the_connection_goes_on() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("stop.orgdesk");
    let mut ws = Workspace::create(&path, "示例科技", Platform::Wecom, Source::Cli).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    ws.stop_reads_when(stop.clone()).unwrap();
    let everyone = MemberQuery::default();
    ws.member_page(&everyone).unwrap();

    // A statement that would count for half a minute, stopped by another thread (whether the
    // flag is set before it starts or while it runs, it stops).
    let setter = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            stop.store(true, Ordering::SeqCst);
        })
    };
    let counted = ws.raw_connection().query_row(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000000) SELECT count(*) FROM n",
        [],
        |r| r.get::<_, i64>(0),
    );
    setter.join().unwrap();
    let e = orgdesk_core::Error::from(counted.unwrap_err());
    assert_eq!((e.code, e.key), (ErrorCode::Cancelled, "read_stopped"));
    assert!(e.message(orgdesk_core::Lang::ZhCn).contains("已停止"));

    // The flag cleared, statements run to their end again.
    stop.store(false, Ordering::SeqCst);
    let counted: i64 = ws
        .raw_connection()
        .query_row(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) SELECT count(*) FROM n",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(counted, 100_000);
    assert_eq!(ws.member_page(&everyone).unwrap().total, 0);
}
