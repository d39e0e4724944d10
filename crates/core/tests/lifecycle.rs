//! Member lifecycle: activation figures, joiners' and leavers' steps, offboarding and undo, hand
//! ticks — on hand-made orgs in real workspace files.

use calamine::{open_workbook, Data, Reader, Xlsx};
use orgdesk_core::lifecycle::{Kind, LifecycleTick};
use orgdesk_core::roles::{Level, RoleRef};
use orgdesk_core::{
    DepartmentRef, ErrorCode, Lang, MemberFields, MemberInput, MemberStatus, Platform, Source,
    Workspace,
};
use tempfile::TempDir;

mod support;
use support::{row, sheet, write_gbk, write_xlsx, C};

fn p(path: &str) -> DepartmentRef {
    DepartmentRef::Path(path.into())
}

struct M<'a> {
    userid: &'a str,
    name: &'a str,
    dept: &'a str,
    status: MemberStatus,
    mobile: Option<&'a str>,
    email: Option<&'a str>,
    manager: Option<&'a str>,
    leads: bool,
}

fn add(ws: &mut Workspace, m: M) {
    ws.add_member(&MemberInput {
        userid: Some(m.userid.into()),
        fields: MemberFields {
            name: m.name.into(),
            status: m.status,
            mobile: m.mobile.map(Into::into),
            email: m.email.map(Into::into),
            manager: m.manager.map(Into::into),
            ..Default::default()
        },
        departments: vec![p(m.dept)],
        leader_of: if m.leads { vec![p(m.dept)] } else { vec![] },
    })
    .unwrap();
}

fn m<'a>(userid: &'a str, name: &'a str, dept: &'a str, status: MemberStatus) -> M<'a> {
    M {
        userid,
        name,
        dept,
        status,
        mobile: None,
        email: None,
        manager: None,
        leads: false,
    }
}

/// 公司/销售部 (customer-facing) ─ 华东区; 公司/研发部.
fn workspace(dir: &TempDir) -> Workspace {
    let mut ws = Workspace::create(
        &dir.path().join("l.orgdesk"),
        "公司",
        Platform::Wecom,
        Source::Cli,
    )
    .unwrap();
    use MemberStatus::*;
    add(
        &mut ws,
        M {
            mobile: Some("13800000001"),
            leads: true,
            ..m("boss", "王总", "公司/销售部", Active)
        },
    );
    add(
        &mut ws,
        M {
            mobile: Some("13800000002"),
            manager: Some("boss"),
            ..m("east", "华东甲", "公司/销售部/华东区", Unverified)
        },
    );
    add(
        &mut ws,
        M {
            email: Some("new@example.com"),
            manager: Some("boss"),
            ..m("sales2", "销售乙", "公司/销售部", Invited)
        },
    );
    add(&mut ws, m("dev1", "研发丙", "公司/研发部", Invited));
    add(
        &mut ws,
        M {
            mobile: Some("13800000005"),
            ..m("dev2", "研发丁", "公司/研发部", Active)
        },
    );
    add(
        &mut ws,
        M {
            mobile: Some("13800000006"),
            ..m("gone", "离职戊", "公司/研发部", Departed)
        },
    );
    ws.set_department_customer_facing(&p("公司/销售部"), true)
        .unwrap();
    ws
}

#[test]
fn activation_counts_channels_and_customer_facing_members() {
    let dir = TempDir::new().unwrap();
    let ws = workspace(&dir);
    let a = ws.activation(Lang::ZhCn).unwrap();
    // The departed member is not counted; 2 of 5 are active.
    assert_eq!((a.overall.active, a.overall.total), (2, 5));
    assert!((a.overall.rate - 0.4).abs() < 1e-9);
    let rates: Vec<(&str, u32, u32)> = a
        .departments
        .iter()
        .map(|r| (r.department.as_str(), r.active, r.total))
        .collect();
    assert_eq!(
        rates,
        [
            ("公司/销售部", 1, 2),
            ("公司/销售部/华东区", 0, 1),
            ("公司/研发部", 1, 2)
        ]
    );
    let pending: Vec<(&str, &str, Option<&str>, bool)> = a
        .pending
        .iter()
        .map(|p| {
            (
                p.userid.as_str(),
                p.channel.as_str(),
                p.contact.as_deref(),
                p.customer_facing,
            )
        })
        .collect();
    assert_eq!(
        pending,
        [
            ("east", "sms", Some("13800000002"), true),
            ("sales2", "email", Some("new@example.com"), true),
            ("dev1", "none", None, false)
        ]
    );
    let findings: Vec<(&str, &str)> = a
        .findings
        .iter()
        .map(|f| (f.code.as_str(), f.userid.as_str()))
        .collect();
    assert_eq!(
        findings,
        [
            ("customer_facing_not_active", "east"),
            ("customer_facing_not_active", "sales2"),
            ("no_invite_channel", "dev1")
        ]
    );
    assert!(a.findings[0].message.contains("不能使用客户联系"));

    // The invitation list, as Excel reads it.
    let out = dir.path().join("邀请.xlsx");
    assert_eq!(ws.export_invitations(&out, Lang::ZhCn).unwrap(), 3);
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let range = book.worksheet_range("激活邀请").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0], ["姓名", "账号", "邀请方式", "联系方式", "部门"]);
    assert_eq!(
        rows[1],
        [
            "华东甲",
            "east",
            "短信",
            "13800000002",
            "公司/销售部/华东区"
        ]
    );
    assert_eq!(rows[3][2], "无法邀请（缺手机和邮箱）");
    assert!(matches!(range.get((1, 3)), Some(Data::String(_))));
}

#[test]
fn joiners_steps_follow_the_workspace() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    let l = ws.lifecycle(Lang::EnUs).unwrap();
    let joiners: Vec<&str> = l.joiners.iter().map(|c| c.userid.as_str()).collect();
    // Not yet active, or with a joining date in the last 30 days (none is set here).
    assert_eq!(joiners, ["east", "sales2", "dev1"]);
    let dev1 = ws.lifecycle_case("dev1", Kind::Joiner, Lang::EnUs).unwrap();
    let step = |c: &orgdesk_core::lifecycle::Case, k: &str| {
        c.steps.iter().find(|s| s.key == k).unwrap().clone()
    };
    assert!(step(&dev1, "account_created").done);
    let placed = step(&dev1, "placed");
    assert!(!placed.done && placed.computed);
    assert_eq!(placed.detail.as_deref(), Some("No manager yet"));
    assert!(!step(&dev1, "activated").done);
    // A manager and activation close both.
    let mut input = MemberInput {
        userid: Some("dev1".into()),
        fields: ws.member("dev1").unwrap().fields,
        departments: vec![p("公司/研发部")],
        ..Default::default()
    };
    input.fields.manager = Some("dev2".into());
    input.fields.status = MemberStatus::Active;
    ws.update_member("dev1", &input).unwrap();
    let dev1 = ws.lifecycle_case("dev1", Kind::Joiner, Lang::EnUs).unwrap();
    assert!(step(&dev1, "placed").done && step(&dev1, "activated").done);
    // Hand steps: ticked with a date and note, refused for computed ones.
    let c = ws
        .lifecycle_tick(
            &LifecycleTick {
                userid: "dev1".into(),
                kind: Some(Kind::Joiner),
                step: "device_assigned".into(),
                done: true,
                on: Some("2026/11/2".into()),
                note: Some("  ThinkPad T14  ".into()),
            },
            Lang::EnUs,
        )
        .unwrap();
    let d = step(&c, "device_assigned");
    assert!(d.done && !d.computed);
    assert_eq!(
        (d.done_on.as_deref(), d.note.as_deref()),
        (Some("2026-11-02"), Some("ThinkPad T14"))
    );
    let e = ws
        .lifecycle_tick(
            &LifecycleTick {
                userid: "dev1".into(),
                kind: Some(Kind::Joiner),
                step: "activated".into(),
                done: true,
                ..Default::default()
            },
            Lang::ZhCn,
        )
        .unwrap_err();
    assert_eq!(e.key, "step_computed");
    let e = ws
        .lifecycle_tick(
            &LifecycleTick {
                userid: "dev1".into(),
                step: "no_such_step".into(),
                done: true,
                ..Default::default()
            },
            Lang::ZhCn,
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidValue);
    ws.undo().unwrap();
    let c = ws.lifecycle_case("dev1", Kind::Joiner, Lang::EnUs).unwrap();
    assert!(!step(&c, "device_assigned").done);
}

#[test]
fn every_computed_leaver_step_flips_when_its_cause_is_fixed_and_offboarding_undoes() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    ws.add_role("销售管理员", Level::Admin).unwrap();
    ws.assign_role(&RoleRef::Name("销售管理员".into()), "boss")
        .unwrap();
    // The boss leaves today, handing over to dev2.
    let today = time::OffsetDateTime::now_utc().date();
    let date = format!(
        "{}-{:02}-{:02}",
        today.year(),
        today.month() as u8,
        today.day()
    );
    let c = ws
        .offboard("boss", &date, Some("dev2"), Lang::ZhCn)
        .unwrap();
    assert_eq!(c.status, MemberStatus::Departed);
    assert_eq!(c.successor.as_deref(), Some("dev2"));
    assert_eq!(c.since.as_deref(), Some(date.as_str()));
    let step = |c: &orgdesk_core::lifecycle::Case, k: &str| {
        c.steps.iter().find(|s| s.key == k).unwrap().clone()
    };
    assert!(step(&c, "frozen").done);
    let roles = step(&c, "roles_revoked");
    assert!(!roles.done);
    assert_eq!(roles.detail.as_deref(), Some("销售管理员"));
    assert_eq!(
        step(&c, "leadership_handed_over").detail.as_deref(),
        Some("公司/销售部")
    );
    assert_eq!(
        step(&c, "reports_reassigned").detail.as_deref(),
        Some("2 名成员以此人为直属上级")
    );
    let chats = step(&c, "chats_retained");
    assert!(!chats.done && !chats.computed && !chats.overdue);
    assert_eq!(
        chats.due,
        Some({
            let d = today + time::Duration::days(30);
            format!("{}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
        })
    );
    let l = ws.lifecycle(Lang::ZhCn).unwrap();
    let leavers: Vec<&str> = l.leavers.iter().map(|c| c.userid.as_str()).collect();
    assert_eq!(leavers, ["boss", "gone"]);

    // Fix each cause: the step it holds open is done.
    ws.unassign_role(&RoleRef::Name("销售管理员".into()), "boss")
        .unwrap();
    let mut input = MemberInput {
        userid: Some("boss".into()),
        fields: ws.member("boss").unwrap().fields,
        departments: vec![p("公司/销售部")],
        ..Default::default()
    };
    input.leader_of.clear();
    ws.update_member("boss", &input).unwrap();
    for u in ["east", "sales2"] {
        let mut i = MemberInput {
            userid: Some(u.into()),
            fields: ws.member(u).unwrap().fields,
            departments: ws
                .member(u)
                .unwrap()
                .departments
                .iter()
                .map(|d| p(d))
                .collect(),
            ..Default::default()
        };
        i.fields.manager = Some("dev2".into());
        ws.update_member(u, &i).unwrap();
    }
    let c = ws.lifecycle_case("boss", Kind::Leaver, Lang::ZhCn).unwrap();
    for k in [
        "frozen",
        "roles_revoked",
        "leadership_handed_over",
        "reports_reassigned",
    ] {
        assert!(step(&c, k).done, "{k}");
    }
    // Undo back to before the offboarding: active again, no leaving date.
    for _ in 0..5 {
        ws.undo().unwrap();
    }
    let boss = ws.member("boss").unwrap();
    assert_eq!(boss.fields.status, MemberStatus::Active);
    let l = ws.lifecycle(Lang::ZhCn).unwrap();
    assert!(l.leavers.iter().all(|c| c.userid != "boss"));
}

#[test]
fn offboarding_refuses_a_bad_date_or_successor_and_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    let e = ws
        .offboard("dev2", "2026-13-40", None, Lang::ZhCn)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidDate);
    for bad in ["dev2", "gone"] {
        let e = ws
            .offboard("dev2", "2030-01-01", Some(bad), Lang::ZhCn)
            .unwrap_err();
        assert_eq!(e.key, "successor_invalid", "{bad}");
    }
    assert_eq!(
        ws.offboard("nobody", "2030-01-01", None, Lang::ZhCn)
            .unwrap_err()
            .code,
        ErrorCode::MemberNotFound
    );
    assert_eq!(
        ws.member("dev2").unwrap().fields.status,
        MemberStatus::Active
    );
    // A future date: frozen now, the steps due then.
    let c = ws
        .offboard("dev2", "2030-01-01", Some("boss"), Lang::EnUs)
        .unwrap();
    assert_eq!(c.status, MemberStatus::Frozen);
    assert!(c.steps.iter().all(|s| !s.overdue));
}

#[test]
fn a_leavers_sheet_offboards_all_rows_or_none_and_can_skip_invalid_ones() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    // Account or mobile, a date cell or text, the successor; one unknown member.
    let file = write_xlsx(
        &dir.path().join("离职名单.xlsx"),
        vec![sheet(
            "离职",
            vec![
                row(&["离职人员名单（2030 年 1 月）"]),
                row(&["账号", "手机", "离职日期", "交接人", "备注"]),
                row(&["boss", "", "2030-01-31", "dev2", ""]),
                vec![C::E, C::S("+86 138-0000-0005"), C::D(47150.0), C::E, C::E],
                row(&["nobody", "", "2030-01-01", "", "写错了"]),
            ],
        )],
    );
    let r = ws.import_leavers(&file, false, false, Lang::ZhCn).unwrap();
    assert!(!r.committed);
    assert_eq!(r.rows, 3);
    assert_eq!(r.problems.len(), 1);
    assert_eq!(
        (r.problems[0].row, r.problems[0].code.as_str()),
        (5, "member_not_found")
    );
    assert!(r.problems[0].message.contains("nobody"));
    assert_eq!(
        ws.member("boss").unwrap().fields.status,
        MemberStatus::Active
    );
    // A dry run says what would happen and writes nothing.
    let r = ws.import_leavers(&file, true, true, Lang::ZhCn).unwrap();
    assert_eq!(
        (r.offboarded.clone(), r.committed),
        (vec!["boss".to_string(), "dev2".to_string()], false)
    );
    assert_eq!(
        ws.member("dev2").unwrap().fields.status,
        MemberStatus::Active
    );
    // Skipping the invalid row: two leavers, in one undoable action.
    let r = ws.import_leavers(&file, true, false, Lang::ZhCn).unwrap();
    assert!(r.committed);
    let boss = ws.lifecycle_case("boss", Kind::Leaver, Lang::ZhCn).unwrap();
    assert_eq!(
        (
            boss.status,
            boss.since.as_deref(),
            boss.successor.as_deref()
        ),
        (MemberStatus::Frozen, Some("2030-01-31"), Some("dev2"))
    );
    // Excel serial 47150 is 2029-02-01.
    let dev2 = ws.lifecycle_case("dev2", Kind::Leaver, Lang::ZhCn).unwrap();
    assert_eq!(dev2.since.as_deref(), Some("2029-02-01"));
    ws.undo().unwrap();
    for u in ["boss", "dev2"] {
        assert_eq!(
            ws.member(u).unwrap().fields.status,
            MemberStatus::Active,
            "{u}"
        );
    }
}

#[test]
fn a_leavers_csv_in_gbk_with_a_bad_date_is_refused_row_by_row() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    let file = write_gbk(
        &dir.path().join("leavers.csv"),
        "手机,离职日期,交接人\r\n13800000001,2030年3月1日,dev2\r\n13800000005,下个月,\r\n",
    );
    let r = ws.import_leavers(&file, false, false, Lang::EnUs).unwrap();
    assert!(!r.committed);
    assert_eq!(r.problems.len(), 1);
    assert_eq!(
        (r.problems[0].row, r.problems[0].code.as_str()),
        (3, "date_invalid"),
        "{:?}",
        r.problems
    );
    let r = ws.import_leavers(&file, true, false, Lang::EnUs).unwrap();
    assert_eq!(r.offboarded, ["boss"]);
    assert_eq!(
        ws.lifecycle_case("boss", Kind::Leaver, Lang::EnUs)
            .unwrap()
            .since
            .as_deref(),
        Some("2030-03-01")
    );
    // A sheet without the columns says what it needs.
    let bad = write_gbk(&dir.path().join("x.csv"), "姓名,部门\r\n张三,销售部\r\n");
    let e = ws
        .import_leavers(&bad, false, false, Lang::ZhCn)
        .unwrap_err();
    assert_eq!(e.key, "leavers_no_header");
}
