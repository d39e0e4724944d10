//! The plan from a pull to the workspace, on a real workspace file: matching by path, rename,
//! account, mobile and email; the order of operations; the delete guard; and an empty plan once
//! the live directory is what the workspace says.

use orgdesk_core::sync::{LiveDepartment, LiveMember, LiveState};
use orgdesk_core::{DepartmentRef, Lang, MemberFields, MemberInput, Platform, Source, Workspace};
use tempfile::TempDir;

fn member(userid: &str, name: &str, mobile: &str, dept: &str) -> MemberInput {
    MemberInput {
        userid: Some(userid.into()),
        fields: MemberFields {
            name: name.into(),
            mobile: Some(mobile.into()),
            ..Default::default()
        },
        departments: vec![DepartmentRef::Path(dept.into())],
        leader_of: vec![],
    }
}

/// 鲜果 with 门店 (two members) and 财务部 (one).
fn workspace() -> (TempDir, Workspace) {
    let dir = TempDir::new().unwrap();
    let mut ws = Workspace::create(
        &dir.path().join("s.orgdesk"),
        "鲜果",
        Platform::Wecom,
        Source::Cli,
    )
    .unwrap();
    for m in [
        member("zhangsan", "张三", "13800000001", "鲜果/门店"),
        member("lisi", "李四", "13800000002", "鲜果/门店"),
        member("wangwu", "王五", "13800000003", "鲜果/财务部"),
    ] {
        ws.add_member(&m).unwrap();
    }
    (dir, ws)
}

fn dept(id: i64, parent: Option<i64>, name: &str) -> LiveDepartment {
    LiveDepartment {
        id,
        parent_id: parent,
        name: name.into(),
        order: id,
    }
}

fn live(userid: &str, name: &str, mobile: &str, departments: &[i64]) -> LiveMember {
    LiveMember {
        userid: userid.into(),
        name: name.into(),
        mobile: Some(mobile.into()),
        departments: departments.to_vec(),
        main_department: departments.first().copied(),
        status: Some(1),
        ..Default::default()
    }
}

fn ops(plan: &orgdesk_core::sync::plan::Plan) -> Vec<(String, String)> {
    plan.operations
        .iter()
        .map(|o| {
            (
                serde_json::to_value(o.op)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string(),
                o.target.clone(),
            )
        })
        .collect()
}

#[test]
fn a_plan_renames_creates_and_deletes_in_order_and_is_empty_once_applied() {
    let (_dir, mut ws) = workspace();
    // The platform: the root (id 1, named as the company there), 门店部 (the workspace's 门店
    // renamed), a department the plan does not have, 张三 by account, 李四 under another account
    // but the same mobile written with +86, and someone the plan does not have.
    let state = LiveState {
        departments: vec![
            dept(1, None, "鲜果时光"),
            dept(2, Some(1), "门店部"),
            dept(3, Some(1), "旧仓库"),
        ],
        members: vec![
            live("zhangsan", "张三", "13800000001", &[2]),
            live("lisi_old", "李四", "+86 138-0000-0002", &[2]),
            live("ghost", "赵六", "13900000009", &[3]),
        ],
        withheld: vec![],
    };
    ws.store_pull(Platform::Wecom, &state, &[]).unwrap();
    let plan = ws.sync_plan(10, Lang::ZhCn).unwrap();
    assert_eq!(
        ops(&plan),
        [
            ("update_department", "鲜果/门店"),
            ("create_department", "鲜果/财务部"),
            ("update_member", "lisi_old"),
            ("create_member", "wangwu"),
            ("delete_member", "ghost"),
            ("delete_department", "鲜果/旧仓库"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    // The rename is one update with the name's before and after.
    let rename = &plan.operations[0].fields["name"];
    assert_eq!(rename.from, Some(serde_json::json!("门店部")));
    assert_eq!(rename.to, Some(serde_json::json!("门店")));
    // 李四 was matched by mobile: only the account differs.
    let lisi: Vec<&String> = plan.operations[2].fields.keys().collect();
    assert_eq!(lisi, ["userid"]);
    assert_eq!(plan.summary["create_member"], 1);
    // Deleting one of three members and one of three departments is over 20 %: blocked unless
    // the deletes are accepted.
    assert!(plan.blocked.is_empty(), "{:?}", plan.blocked);
    // Whoever accepts the deletes, the platform's creator or an admin is never deleted.
    let mut with_admin = state.clone();
    with_admin.members[2].admin = Some("creator".into());
    ws.store_pull(Platform::Wecom, &with_admin, &[]).unwrap();
    let guarded = ws.sync_plan(10, Lang::ZhCn).unwrap();
    assert_eq!(guarded.blocked.len(), 1, "{:?}", guarded.blocked);
    assert_eq!(guarded.blocked[0].code, "deletes_admin");
    assert!(guarded.blocked[0].message.contains("赵六（ghost）"));
    assert!(guarded.blocked[0].message.contains("创建者"));
    ws.undo().unwrap();
    let guarded = ws.sync_plan(0, Lang::ZhCn).unwrap();
    assert_eq!(guarded.blocked[0].code, "too_many_deletes");
    assert!(guarded.blocked[0].message.contains("--allow-deletes 2"));

    // Once the platform is as planned, the plan is empty.
    let state = LiveState {
        departments: vec![
            dept(1, None, "鲜果"),
            dept(2, Some(1), "门店"),
            dept(4, Some(1), "财务部"),
        ],
        members: vec![
            live("zhangsan", "张三", "13800000001", &[2]),
            live("lisi", "李四", "13800000002", &[2]),
            live("wangwu", "王五", "13800000003", &[4]),
        ],
        withheld: vec![],
    };
    ws.store_pull(Platform::Wecom, &state, &[]).unwrap();
    let plan = ws.sync_plan(0, Lang::ZhCn).unwrap();
    assert!(plan.operations.is_empty(), "{:?}", plan.operations);
    // The pull is one undoable action: undo brings the earlier live state back.
    ws.undo().unwrap();
    assert_eq!(ws.pulled().unwrap().unwrap().state.members.len(), 3);
    assert!(ws
        .pulled()
        .unwrap()
        .unwrap()
        .state
        .members
        .iter()
        .any(|m| m.userid == "ghost"));
}

#[test]
fn withheld_fields_are_not_planned_and_no_pull_is_a_clear_error() {
    let (_dir, mut ws) = workspace();
    let e = ws.sync_plan(0, Lang::ZhCn).unwrap_err();
    assert_eq!(e.code.as_str(), "not_connected");
    // WeCom withheld mobiles: an empty mobile there is no difference.
    let mut state = LiveState {
        departments: vec![
            dept(1, None, "鲜果"),
            dept(2, Some(1), "门店"),
            dept(3, Some(1), "财务部"),
        ],
        members: vec![
            live("zhangsan", "张三", "", &[2]),
            live("lisi", "李四", "", &[2]),
            live("wangwu", "王五", "", &[3]),
        ],
        withheld: vec!["mobile".into()],
    };
    ws.store_pull(Platform::Wecom, &state, &[]).unwrap();
    assert!(ws.sync_plan(0, Lang::ZhCn).unwrap().operations.is_empty());
    state.withheld.clear();
    ws.store_pull(Platform::Wecom, &state, &[]).unwrap();
    let plan = ws.sync_plan(0, Lang::ZhCn).unwrap();
    assert_eq!(plan.operations.len(), 3);
    assert!(plan
        .operations
        .iter()
        .all(|o| o.fields.contains_key("mobile")));
}

#[test]
fn a_saved_plan_is_journaled_checked_for_drift_and_outlives_undo() {
    use orgdesk_core::sync::journal::{drifted, Departments, OpStatus, Outcome};
    let (_dir, mut ws) = workspace();
    let state = LiveState {
        departments: vec![
            dept(1, None, "鲜果"),
            dept(2, Some(1), "门店部"),
            dept(3, Some(1), "旧仓库"),
        ],
        members: vec![
            live("zhangsan", "张三", "13800000001", &[2]),
            live("lisi", "李四", "13800000002", &[2]),
            live("ghost", "赵六", "13900000009", &[3]),
        ],
        withheld: vec![],
    };
    ws.store_pull(Platform::Wecom, &state, &[]).unwrap();
    let plan = ws.sync_plan(0, Lang::ZhCn).unwrap();
    assert_eq!(
        ops(&plan),
        [
            ("update_department", "鲜果/门店"),
            ("create_department", "鲜果/财务部"),
            ("create_member", "wangwu"),
            ("delete_member", "ghost"),
            ("delete_department", "鲜果/旧仓库"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    // Saved by id: unknown ids and unaccepted deletes are refused, whatever `plan` was given.
    let code = |r: orgdesk_core::Result<_>| r.map(|_| ()).unwrap_err().key;
    assert_eq!(code(ws.plan_to_apply("1-x", 2, Lang::ZhCn)), "plan_unknown");
    assert_eq!(
        code(ws.plan_to_apply(&plan.id, 1, Lang::ZhCn)),
        "plan_blocked"
    );
    let saved = ws.plan_to_apply(&plan.id, 2, Lang::ZhCn).unwrap();
    assert_eq!(saved.plan, plan);

    // Nothing ran: a fresh read where 赵六 was renamed drifts on 赵六 only.
    let mut now = state.clone();
    now.members[2].name = "赵六六".into();
    now.members[0].status = Some(4); // activation is the platform's business
    assert_eq!(drifted(&plan, &[], &state, &now), ["ghost"]);
    // A department created meanwhile where the plan creates one drifts too.
    now.departments.push(dept(9, Some(1), "财务部"));
    assert_eq!(drifted(&plan, &[], &state, &now), ["鲜果/财务部", "ghost"]);

    let journal = ws.journal_start(&plan).unwrap();
    assert!(journal.iter().all(|e| e.status == OpStatus::Queued));
    let o = &plan.operations;
    ws.journal_mark(&plan.id, 0, &o[0], &Outcome::Pending, &[])
        .unwrap();
    ws.journal_mark(&plan.id, 0, &o[0], &Outcome::Done(None), &[])
        .unwrap();
    ws.journal_mark(&plan.id, 1, &o[1], &Outcome::Done(Some(7)), &[])
        .unwrap();
    ws.journal_mark(&plan.id, 2, &o[2], &Outcome::Pending, &[])
        .unwrap();
    ws.journal_mark(
        &plan.id,
        2,
        &o[2],
        &Outcome::Failed {
            errcode: 60104,
            message: "mobile existed".into(),
        },
        &[],
    )
    .unwrap();
    // The journal is not undone with the workspace: undo takes back the pull, not the run.
    ws.undo().unwrap();
    let journal = ws.journal(&plan.id).unwrap();
    let statuses: Vec<OpStatus> = journal.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses,
        [
            OpStatus::Done,
            OpStatus::Done,
            OpStatus::Failed,
            OpStatus::Queued,
            OpStatus::Queued
        ]
    );
    assert_eq!(journal[2].errcode, Some(60104));
    // Members go to departments by their platform ids, created ones included.
    let ids = Departments::new(&plan, &journal);
    assert_eq!(ids.id("鲜果/门店").unwrap(), 2);
    assert_eq!(ids.id("鲜果/财务部").unwrap(), 7);
    assert!(ids.id("鲜果/无").is_err());
    // Done operations are no longer checked for drift.
    let mut now = state.clone();
    now.departments[1].name = "门店".into();
    assert!(drifted(&plan, &journal, &state, &now).is_empty());
    // Each finished operation is an audit entry from the platform.
    let applied: Vec<_> = ws
        .log(None)
        .unwrap()
        .into_iter()
        .filter(|e| e.source == Source::Platform)
        .collect();
    assert_eq!(applied.len(), 3);
    assert_eq!(applied[0].after.as_ref().unwrap()["errcode"], 60104);
    let (last, _) = ws.last_run().unwrap().unwrap();
    assert_eq!(last.id, plan.id);
    // With the pull it was computed from gone, the plan is stale.
    assert_eq!(
        code(ws.plan_to_apply(&plan.id, 2, Lang::ZhCn)),
        "plan_stale"
    );
}

#[test]
fn siblings_out_of_order_on_the_platform_are_put_in_the_workspaces_order() {
    let (_dir, mut ws) = workspace();
    let members = vec![
        live("zhangsan", "张三", "13800000001", &[2]),
        live("lisi", "李四", "13800000002", &[2]),
        live("wangwu", "王五", "13800000003", &[3]),
    ];
    // The workspace has 门店 before 财务部; the platform the other way round.
    let mut state = LiveState {
        departments: vec![
            dept(1, None, "鲜果"),
            LiveDepartment {
                order: 5,
                ..dept(2, Some(1), "门店")
            },
            LiveDepartment {
                order: 1,
                ..dept(3, Some(1), "财务部")
            },
        ],
        members,
        withheld: vec![],
    };
    ws.store_pull(Platform::Wecom, &state, &[]).unwrap();
    let plan = ws.sync_plan(0, Lang::ZhCn).unwrap();
    let orders: Vec<(String, serde_json::Value)> = plan
        .operations
        .iter()
        .map(|o| {
            let c = &o.fields["order"];
            (o.target.clone(), serde_json::json!([c.from, c.to]))
        })
        .collect();
    assert_eq!(
        orders,
        [
            ("鲜果/门店".to_string(), serde_json::json!([2, 1])),
            ("鲜果/财务部".to_string(), serde_json::json!([1, 2]))
        ]
    );
    // In order on the platform: nothing to do, whatever the platform's numbers are.
    state.departments[1].order = -7;
    ws.store_pull(Platform::Wecom, &state, &[]).unwrap();
    assert!(ws.sync_plan(0, Lang::ZhCn).unwrap().operations.is_empty());
}

#[test]
fn an_account_match_wins_over_a_mobile_one_and_accounts_change_only_on_wecom() {
    let (_dir, mut ws) = workspace();
    let departments = vec![
        dept(1, None, "鲜果"),
        dept(2, Some(1), "门店"),
        dept(3, Some(1), "财务部"),
    ];
    // 李四's live account has 张三's mobile: 张三 (first in the workspace) must not take it.
    let state = LiveState {
        departments: departments.clone(),
        members: vec![
            live("lisi", "李四", "13800000001", &[2]),
            live("wangwu", "王五", "13800000003", &[3]),
        ],
        withheld: vec![],
    };
    ws.store_pull(Platform::Wecom, &state, &[]).unwrap();
    let plan = ws.sync_plan(0, Lang::ZhCn).unwrap();
    assert_eq!(
        ops(&plan),
        [("update_member", "lisi"), ("create_member", "zhangsan")]
            .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(
        plan.operations[0].fields.keys().collect::<Vec<_>>(),
        ["mobile"]
    );
    // On DingTalk an account found by mobile keeps its userid: nothing to plan for it.
    let state = LiveState {
        departments,
        members: vec![
            live("zhangsan", "张三", "13800000001", &[2]),
            live("lisi_old", "李四", "13800000002", &[2]),
            live("wangwu", "王五", "13800000003", &[3]),
        ],
        withheld: vec![],
    };
    ws.store_pull(Platform::Dingtalk, &state, &[]).unwrap();
    assert!(ws.sync_plan(0, Lang::ZhCn).unwrap().operations.is_empty());
    ws.store_pull(Platform::Wecom, &state, &[]).unwrap();
    let plan = ws.sync_plan(0, Lang::ZhCn).unwrap();
    assert_eq!(
        ops(&plan),
        [("update_member".to_string(), "lisi_old".to_string())]
    );
}
