//! The one mutation path: audit entries, undo and redo for every action, persisted in the file.

use orgdesk_core::{
    DepartmentRef, ErrorCode, MemberFields, MemberInput, Platform, Source, Workspace,
};
use rusqlite::types::Value;
use tempfile::TempDir;

/// Every content table, row by row, as text: two equal dumps mean equal workspace content.
fn dump(ws: &Workspace) -> Vec<String> {
    let conn = ws.raw_connection();
    let mut out = Vec::new();
    for table in [
        "organization",
        "departments",
        "members",
        "member_departments",
    ] {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get::<_, Value>(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap();
        out.extend(rows.map(|r| format!("{table}: {}", r.unwrap())));
    }
    out
}

fn p(path: &str) -> DepartmentRef {
    DepartmentRef::Path(path.into())
}

fn seeded() -> (TempDir, Workspace) {
    let dir = TempDir::new().unwrap();
    let mut ws = Workspace::create(
        &dir.path().join("h.orgdesk"),
        "示例科技",
        Platform::Wecom,
        Source::Cli,
    )
    .unwrap();
    ws.add_department("示例科技/销售部/华东区").unwrap();
    ws.add_department("示例科技/研发中心").unwrap();
    ws.add_department("示例科技/空部门").unwrap();
    ws.add_member(&MemberInput {
        fields: MemberFields {
            name: "张伟".into(),
            mobile: Some("13800138000".into()),
            ..Default::default()
        },
        departments: vec![p("示例科技/销售部/华东区"), p("示例科技/研发中心")],
        leader_of: vec![p("示例科技/研发中心")],
        ..Default::default()
    })
    .unwrap();
    (dir, ws)
}

type Action = Box<dyn Fn(&mut Workspace)>;

#[test]
fn every_action_can_be_undone_and_redone() {
    let actions: Vec<(&str, Action)> = vec![
        (
            "department_add",
            Box::new(|ws| drop(ws.add_department("示例科技/市场部/品牌组").unwrap())),
        ),
        (
            "department_add",
            Box::new(|ws| {
                drop(
                    ws.add_child_department(Some(&p("示例科技")), "财务部")
                        .unwrap(),
                )
            }),
        ),
        (
            "department_rename",
            Box::new(|ws| {
                drop(
                    ws.rename_department(&p("示例科技/销售部"), "营销中心")
                        .unwrap(),
                )
            }),
        ),
        (
            "department_move",
            Box::new(|ws| {
                drop(
                    ws.move_department(&p("示例科技/销售部"), Some(&p("示例科技/研发中心")), None)
                        .unwrap(),
                )
            }),
        ),
        (
            "department_move",
            Box::new(|ws| drop(ws.reorder_department(&p("示例科技/研发中心"), 0).unwrap())),
        ),
        (
            "department_move",
            Box::new(|ws| {
                drop(
                    ws.move_department(&p("示例科技/研发中心"), None, None)
                        .unwrap(),
                )
            }),
        ),
        (
            "department_delete",
            Box::new(|ws| drop(ws.delete_department(&p("示例科技/空部门")).unwrap())),
        ),
        (
            "member_add",
            Box::new(|ws| {
                drop(
                    ws.add_member(&MemberInput {
                        fields: MemberFields {
                            name: "李娜".into(),
                            ..Default::default()
                        },
                        departments: vec![p("示例科技/新部门")],
                        ..Default::default()
                    })
                    .unwrap(),
                )
            }),
        ),
        (
            "member_update",
            Box::new(|ws| {
                let mut input = ws.member("zhangwei").unwrap().to_input();
                input.fields.mobile = Some("13900139000".into());
                input.departments.reverse();
                input.leader_of.clear();
                drop(ws.update_member("zhangwei", &input).unwrap())
            }),
        ),
        (
            "member_delete",
            Box::new(|ws| drop(ws.delete_member("zhangwei").unwrap())),
        ),
    ];
    for (action, run) in actions {
        let (_dir, mut ws) = seeded();
        let before = dump(&ws);
        run(&mut ws);
        let after = dump(&ws);
        assert_ne!(before, after, "{action} changed nothing");
        let undone = ws.undo().unwrap();
        assert_eq!(undone.action.as_str(), action);
        assert_eq!(dump(&ws), before, "undo of {action}");
        let redone = ws.redo().unwrap();
        assert_eq!(redone.id, undone.id);
        assert_eq!(dump(&ws), after, "redo of {action}");
    }
}

#[test]
fn undo_walks_back_through_several_actions_and_redo_forward() {
    let (_dir, mut ws) = seeded();
    let s0 = dump(&ws);
    ws.rename_department(&p("示例科技/销售部"), "营销中心")
        .unwrap();
    let s1 = dump(&ws);
    ws.move_department(&p("示例科技/营销中心"), Some(&p("示例科技/研发中心")), None)
        .unwrap();
    let s2 = dump(&ws);
    ws.undo().unwrap();
    assert_eq!(dump(&ws), s1);
    ws.undo().unwrap();
    assert_eq!(dump(&ws), s0);
    ws.redo().unwrap();
    assert_eq!(dump(&ws), s1);
    ws.redo().unwrap();
    assert_eq!(dump(&ws), s2);
    assert_eq!(ws.redo().unwrap_err().code, ErrorCode::NothingToRedo);
}

#[test]
fn a_new_action_clears_the_redo_stack() {
    let (_dir, mut ws) = seeded();
    ws.rename_department(&p("示例科技/销售部"), "营销中心")
        .unwrap();
    ws.undo().unwrap();
    assert!(ws.history().unwrap().redo.is_some());
    ws.add_department("示例科技/市场部").unwrap();
    assert!(ws.history().unwrap().redo.is_none());
    assert_eq!(ws.redo().unwrap_err().code, ErrorCode::NothingToRedo);
    let discarded = ws
        .log(None)
        .unwrap()
        .into_iter()
        .find(|e| e.action.as_str() == "department_rename")
        .unwrap();
    assert_eq!(discarded.state.map(|s| s.as_str()), Some("discarded"));
}

#[test]
fn nothing_to_undo_on_a_fresh_workspace() {
    let dir = TempDir::new().unwrap();
    let mut ws = Workspace::create(
        &dir.path().join("n.orgdesk"),
        "X",
        Platform::Undecided,
        Source::Cli,
    )
    .unwrap();
    let e = ws.undo().unwrap_err();
    assert_eq!(e.code, ErrorCode::NothingToUndo);
    assert_eq!(ws.log(None).unwrap().len(), 1, "only the init marker");
}

#[test]
fn the_log_records_when_source_action_target_before_and_after() {
    let (_dir, mut ws) = seeded();
    ws.rename_department(&p("示例科技/销售部"), "营销中心")
        .unwrap();
    ws.undo().unwrap();
    let log = ws.log(None).unwrap();
    let (marker, rename) = (&log[0], &log[1]);
    assert_eq!(
        (marker.action.as_str(), marker.ref_id),
        ("undo", Some(rename.id))
    );
    assert_eq!(rename.action.as_str(), "department_rename");
    assert_eq!(rename.source, Source::Cli);
    assert_eq!(rename.target, "示例科技/销售部");
    assert_eq!(rename.before.as_ref().unwrap()["path"], "示例科技/销售部");
    assert_eq!(rename.after.as_ref().unwrap()["path"], "示例科技/营销中心");
    assert_eq!(rename.state.map(|s| s.as_str()), Some("undone"));
    assert!(
        rename.at.ends_with('Z') && rename.at.len() == 20,
        "{}",
        rename.at
    );
    assert_eq!(log.last().unwrap().action.as_str(), "init");
    assert_eq!(ws.log(Some(2)).unwrap().len(), 2);
}

#[test]
fn history_survives_closing_and_reopening_the_file() {
    let (dir, mut ws) = seeded();
    let before = dump(&ws);
    ws.delete_member("zhangwei").unwrap();
    drop(ws);
    let mut ws = Workspace::open(&dir.path().join("h.orgdesk"), Source::Ui).unwrap();
    let entry = ws.undo().unwrap();
    assert_eq!(entry.action.as_str(), "member_delete");
    assert_eq!(dump(&ws), before);
    assert_eq!(ws.log(Some(1)).unwrap()[0].source, Source::Ui);
}

#[test]
fn a_refused_action_writes_nothing_and_logs_nothing() {
    let (_dir, mut ws) = seeded();
    let before = dump(&ws);
    let log_len = ws.log(None).unwrap().len();
    // The member's new department path would be created before the mobile check fails.
    let e = ws
        .add_member(&MemberInput {
            fields: MemberFields {
                name: "李娜".into(),
                mobile: Some("13800138000".into()),
                ..Default::default()
            },
            departments: vec![p("示例科技/全新部门/子部门")],
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::DuplicateMobile);
    assert_eq!(dump(&ws), before);
    assert_eq!(ws.log(None).unwrap().len(), log_len);
}
