//! Snapshots kept inside the workspace file: save, list, restore (atomic, undoable), delete, the
//! demo reset, consistency while another connection writes, and "save a copy as".

use orgdesk_core::{
    DepartmentRef, ErrorCode, MemberFields, MemberInput, MemberQuery, Source, Workspace,
};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tempfile::TempDir;

fn paths(ws: &Workspace) -> Vec<String> {
    ws.departments()
        .unwrap()
        .into_iter()
        .map(|d| d.path)
        .collect()
}

/// Whatever happened, the workspace is valid: foreign keys hold and every member has exactly
/// one main department.
fn assert_consistent(ws: &Workspace) {
    let conn = ws.raw_connection();
    let fk: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0, "foreign keys");
    let bad: i64 = conn
        .query_row(
            "SELECT count(*) FROM members m WHERE (SELECT count(*) FROM member_departments d
             WHERE d.member_id = m.id AND d.is_main = 1) <> 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(bad, 0, "members without exactly one main department");
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

#[test]
fn a_demo_resets_to_its_initial_state_and_the_reset_can_be_undone() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("retail.orgdesk");
    let mut ws = Workspace::create_demo("xianguo-lingshou", &path, Source::Cli).unwrap();
    let initial = paths(&ws);
    let list = ws.snapshots().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].name.as_str(), list[0].kind.as_str()),
        ("initial", "initial")
    );
    assert_eq!(list[0].members, 30);

    let store = "鲜果时光/门店/西湖文化广场店";
    ws.rename_department(&DepartmentRef::from(store), "湖滨银泰店")
        .unwrap();
    ws.delete_member("fanxiuying").ok();
    let changed = paths(&ws);
    assert_ne!(changed, initial);

    ws.reset_demo().unwrap();
    assert_eq!(paths(&ws), initial);
    assert_consistent(&ws);
    // The snapshots and the history survive a restore; the restore itself is one action.
    assert_eq!(ws.snapshots().unwrap().len(), 1);
    let entry = ws.undo().unwrap();
    assert_eq!(entry.action.as_str(), "snapshot_restore");
    assert_eq!(paths(&ws), changed);
    ws.redo().unwrap();
    assert_eq!(paths(&ws), initial);

    // Reopened from disk, it is still the initial state.
    drop(ws);
    let ws = Workspace::open(&path, Source::Cli).unwrap();
    assert_eq!(paths(&ws), initial);
}

#[test]
fn named_snapshots_save_list_restore_and_delete() {
    let mut ws = Workspace::in_memory("公司", orgdesk_core::Platform::Wecom).unwrap();
    ws.add_department("公司/销售部").unwrap();
    let before = ws.save_snapshot("上课前").unwrap();
    assert_eq!((before.members, before.departments), (0, 2));
    ws.add_department("公司/市场部").unwrap();
    ws.add_member(&MemberInput {
        fields: MemberFields {
            name: "张伟".into(),
            mobile: Some("14100000001".into()),
            ..Default::default()
        },
        departments: vec!["公司/市场部".into()],
        ..Default::default()
    })
    .unwrap();
    ws.save_snapshot("加了市场部").unwrap();
    let e = ws.save_snapshot("上课前").unwrap_err();
    assert_eq!(e.code, ErrorCode::SnapshotExists);
    let e = ws.save_snapshot("  ").unwrap_err();
    assert_eq!(e.code, ErrorCode::MissingRequired);

    let names: Vec<String> = ws
        .snapshots()
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["加了市场部", "上课前"]);

    ws.restore_snapshot("上课前").unwrap();
    assert_eq!(paths(&ws), ["公司", "公司/销售部"]);
    assert!(ws.members(&MemberQuery::default()).unwrap().is_empty());
    ws.restore_snapshot(&format!("#{}", 2)).unwrap();
    assert_eq!(ws.members(&MemberQuery::default()).unwrap().len(), 1);

    ws.delete_snapshot("上课前").unwrap();
    let e = ws.restore_snapshot("上课前").unwrap_err();
    assert_eq!(e.code, ErrorCode::SnapshotNotFound);
    assert!(e.message(orgdesk_core::Lang::ZhCn).contains("上课前"));
}

#[test]
fn a_damaged_snapshot_is_refused_and_changes_nothing() {
    let mut ws = Workspace::in_memory("公司", orgdesk_core::Platform::Wecom).unwrap();
    ws.add_department("公司/销售部").unwrap();
    ws.save_snapshot("坏的").unwrap();
    ws.add_department("公司/市场部").unwrap();
    ws.raw_execute("UPDATE snapshots SET data = x'00010203' WHERE name = '坏的'")
        .unwrap();
    let before = paths(&ws);
    let undo_before = ws.history().unwrap().undo.map(|e| e.id);
    let e = ws.restore_snapshot("坏的").unwrap_err();
    // Named by its name, not by a temporary file.
    assert_eq!(e.key, "snapshot_damaged");
    let message = e.message(orgdesk_core::Lang::ZhCn);
    assert!(
        message.contains("坏的") && !message.contains(".orgdesk-"),
        "{message}"
    );
    assert_eq!(paths(&ws), before);
    assert_eq!(ws.history().unwrap().undo.map(|e| e.id), undo_before);
}

#[test]
fn snapshots_taken_and_restored_while_another_connection_writes_are_consistent() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("busy.orgdesk");
    let mut ws = Workspace::create_demo("shili-keji", &path, Source::Cli).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (path, stop) = (path.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut other = Workspace::open(&path, Source::Cli).unwrap();
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) && n < 400 {
                n += 1;
                other
                    .add_member(&MemberInput {
                        userid: Some(format!("writer{n}")),
                        fields: MemberFields {
                            name: format!("写入者{n}"),
                            mobile: Some(format!("1410099{n:04}")),
                            ..Default::default()
                        },
                        departments: vec![
                            DepartmentRef::from(format!("示例科技/并发部{}", n % 7).as_str()),
                            "示例科技/总经办".into(),
                        ],
                        ..Default::default()
                    })
                    .unwrap();
            }
            n
        })
    };
    let mut counts = Vec::new();
    for i in 0..8 {
        let s = ws.save_snapshot(&format!("第{i}次")).unwrap();
        counts.push(s.members);
    }
    // Restoring while the writer keeps going: each restore is one transaction.
    ws.restore_snapshot("第3次").unwrap();
    assert_consistent(&ws);
    stop.store(true, Ordering::SeqCst);
    let written = writer.join().unwrap();
    assert!(written > 0);
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    // Every snapshot is a consistent state: restore each and check.
    for i in 0..8 {
        let s = ws.restore_snapshot(&format!("第{i}次")).unwrap();
        assert_consistent(&ws);
        let n = ws.members(&MemberQuery::default()).unwrap().len() as u32;
        assert_eq!(n, s.members);
    }
}

#[test]
fn a_copy_is_a_complete_workspace_and_appears_only_when_written() {
    let dir = TempDir::new().unwrap();
    let ws =
        Workspace::create_demo("yunzhan-keji", &dir.path().join("w.orgdesk"), Source::Cli).unwrap();
    let copy = dir.path().join("副本.orgdesk");
    std::fs::write(&copy, b"an older copy").unwrap();
    ws.save_copy(&copy).unwrap();
    let opened = Workspace::open(&copy, Source::Cli).unwrap();
    assert_eq!(
        opened.members(&MemberQuery::default()).unwrap().len(),
        ws.members(&MemberQuery::default()).unwrap().len()
    );
    assert_eq!(opened.snapshots().unwrap().len(), 1, "snapshots travel");
    drop(opened);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.starts_with(".orgdesk-").then_some(name)
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let e = ws
        .save_copy(Path::new("/nonexistent-dir/x.orgdesk"))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::FileNotFound);
}

/// A restore keeps the content it replaced; undo and redo replace the content again whole, in
/// bulk (the indexes dropped and rebuilt), as many times as asked.
#[test]
fn a_large_restore_is_undone_and_redone_whole() {
    let mut ws = Workspace::in_memory("公司", orgdesk_core::Platform::Wecom).unwrap();
    ws.add_department("公司/销售部").unwrap();
    ws.save_snapshot("空").unwrap();
    ws.raw_execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
         INSERT INTO members (id, userid, name, mobile, manager_id, created_at, updated_at)
         SELECT i, 'u' || i, '员工' || i, '139' || printf('%08d', i), nullif(i / 10, 0), '', '' FROM n;
         INSERT INTO member_departments (member_id, department_id, is_main)
         SELECT id, (SELECT max(id) FROM departments), 1 FROM members;",
    )
    .unwrap();
    ws.add_department("公司/市场部").unwrap();
    let state = |ws: &Workspace| -> (Vec<String>, usize, String, String) {
        let indexes: String = ws
            .raw_connection()
            .query_row(
                "SELECT group_concat(name) FROM (SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let members = ws.members(&MemberQuery::default()).unwrap();
        (paths(ws), members.len(), format!("{members:?}"), indexes)
    };
    let full = state(&ws);
    assert_eq!(full.1, 6000);
    ws.restore_snapshot("空").unwrap();
    let empty = state(&ws);
    assert_eq!(
        (empty.0.clone(), empty.1),
        (vec!["公司".to_string(), "公司/销售部".into()], 0)
    );
    for _ in 0..2 {
        assert_eq!(ws.undo().unwrap().action.as_str(), "snapshot_restore");
        assert_eq!(state(&ws), full);
        assert_consistent(&ws);
        ws.redo().unwrap();
        assert_eq!(state(&ws), empty);
        assert_consistent(&ws);
    }
    ws.undo().unwrap();
    // Undone, it is the department added before the restore that undo reverts next.
    assert_eq!(ws.undo().unwrap().action.as_str(), "department_add");
    assert_eq!(state(&ws).0, ["公司", "公司/销售部"]);
    assert_eq!(state(&ws).1, 6000);
}
