//! Department visibility: the setting, "what does M see?", "who sees D?", the sensitive
//! department check, undo — on hand-made trees in real workspace files.

use orgdesk_core::{
    DepartmentRef, ErrorCode, Lang, MemberFields, MemberInput, Platform, Source, Visibility,
    Workspace,
};
use tempfile::TempDir;

fn p(path: &str) -> DepartmentRef {
    DepartmentRef::Path(path.into())
}

/// 公司 ─ 研发部 ─ 后端组
///      ├ 财务部
///      └ 销售部 ─ 华东区
/// dev (研发部), backend (后端组), cfo (财务部), east (华东区), sales (销售部),
/// both (财务部 and 销售部).
fn workspace() -> (TempDir, Workspace) {
    let dir = TempDir::new().unwrap();
    let mut ws = Workspace::create(
        &dir.path().join("v.orgdesk"),
        "公司",
        Platform::Dingtalk,
        Source::Cli,
    )
    .unwrap();
    for (userid, name, depts) in [
        ("dev", "研发甲", vec!["公司/研发部"]),
        ("backend", "后端乙", vec!["公司/研发部/后端组"]),
        ("cfo", "财务丙", vec!["公司/财务部"]),
        ("east", "华东丁", vec!["公司/销售部/华东区"]),
        ("sales", "销售戊", vec!["公司/销售部"]),
        ("both", "兼职己", vec!["公司/财务部", "公司/销售部"]),
    ] {
        ws.add_member(&MemberInput {
            userid: Some(userid.into()),
            fields: MemberFields {
                name: name.into(),
                ..Default::default()
            },
            departments: depts.into_iter().map(p).collect(),
            ..Default::default()
        })
        .unwrap();
    }
    (dir, ws)
}

fn sees(ws: &Workspace, userid: &str) -> Vec<String> {
    ws.sees(userid).unwrap().departments
}

fn audience(ws: &Workspace, path: &str) -> u32 {
    ws.department_audience(&p(path)).unwrap().count
}

const ALL: [&str; 6] = [
    "公司",
    "公司/研发部",
    "公司/研发部/后端组",
    "公司/财务部",
    "公司/销售部",
    "公司/销售部/华东区",
];

#[test]
fn by_default_everyone_sees_everything() {
    let (_d, ws) = workspace();
    for u in ["dev", "cfo", "east"] {
        assert_eq!(sees(&ws, u), ALL);
        let s = ws.sees(u).unwrap();
        assert_eq!((s.members_seen, s.members_total), (6, 6));
        assert!(!s.only_own && s.hidden.is_empty());
    }
    let a = ws.department_audience(&p("公司/财务部")).unwrap();
    assert!(a.everyone);
    assert_eq!((a.count, a.members_total), (6, 6));
    assert!(a.hidden_by.is_empty());
    assert_eq!(a.sample[0], "研发甲 (dev)");
    assert!(ws.departments().unwrap()[3].visibility.is_default());
}

#[test]
fn a_hidden_department_shows_to_its_own_members_and_its_viewers() {
    let (_d, mut ws) = workspace();
    let d = ws
        .set_department_visibility(
            &p("公司/财务部"),
            &Visibility {
                hidden: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert!(d.visibility.hidden);
    // Its own members (also one who is in another department too) see it; nobody else does.
    assert_eq!(sees(&ws, "cfo"), ALL);
    assert_eq!(sees(&ws, "both"), ALL);
    let dev = ws.sees("dev").unwrap();
    assert_eq!(dev.hidden, ["公司/财务部"]);
    // cfo is seen by nobody else; both is still seen through 销售部.
    assert_eq!((dev.members_seen, dev.members_total), (5, 6));
    let a = ws.department_audience(&p("公司/财务部")).unwrap();
    assert!(!a.everyone);
    assert_eq!(a.count, 2);
    assert_eq!(a.sample, ["财务丙 (cfo)", "兼职己 (both)"]);
    assert_eq!(a.hidden_by, ["公司/财务部"]);

    // Viewers: a department counts with the departments under it; a member by name.
    let d = ws
        .set_department_visibility(
            &p("公司/财务部"),
            &Visibility {
                hidden: false, // listing viewers hides it anyway
                departments: vec!["公司/销售部".into(), " 公司 / 销售部 ".into()],
                members: vec!["backend".into()],
                only_own: false,
            },
        )
        .unwrap();
    assert!(d.visibility.hidden);
    assert_eq!(d.visibility.departments, ["公司/销售部"]);
    assert_eq!(d.visibility.members, ["backend"]);
    assert_eq!(sees(&ws, "east"), ALL);
    assert_eq!(sees(&ws, "backend"), ALL);
    assert!(!sees(&ws, "dev").contains(&"公司/财务部".to_string()));
    assert_eq!(audience(&ws, "公司/财务部"), 5);
}

#[test]
fn hiding_a_department_hides_everything_under_it() {
    let (_d, mut ws) = workspace();
    ws.set_department_visibility(
        &p("公司/销售部"),
        &Visibility {
            hidden: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        ws.sees("dev").unwrap().hidden,
        ["公司/销售部", "公司/销售部/华东区"]
    );
    // A member below it sees it (they are inside), and their own region.
    assert_eq!(sees(&ws, "east"), ALL);
    assert_eq!(audience(&ws, "公司/销售部/华东区"), 3);
    assert_eq!(
        ws.department_audience(&p("公司/销售部/华东区"))
            .unwrap()
            .hidden_by,
        ["公司/销售部"]
    );
}

#[test]
fn only_own_keeps_members_to_their_departments_and_below() {
    let (_d, mut ws) = workspace();
    ws.set_department_visibility(
        &p("公司/研发部"),
        &Visibility {
            only_own: true,
            ..Default::default()
        },
    )
    .unwrap();
    let dev = ws.sees("dev").unwrap();
    assert!(dev.only_own);
    assert_eq!(dev.departments, ["公司/研发部", "公司/研发部/后端组"]);
    assert_eq!((dev.members_seen, dev.members_total), (2, 6));
    // The setting reaches the members of the departments under it.
    assert_eq!(sees(&ws, "backend"), ["公司/研发部/后端组"]);
    // Others are not restricted, and still see 研发部.
    assert_eq!(sees(&ws, "sales"), ALL);
    assert_eq!(audience(&ws, "公司/财务部"), 4);
}

#[test]
fn bad_viewers_are_refused_and_nothing_changes() {
    let (_d, mut ws) = workspace();
    let e = ws
        .set_department_visibility(
            &p("公司/财务部"),
            &Visibility {
                departments: vec!["公司/不存在".into()],
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::DepartmentNotFound);
    let e = ws
        .set_department_visibility(
            &p("公司/财务部"),
            &Visibility {
                members: vec!["nobody".into()],
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::MemberNotFound);
    assert_eq!(
        ws.sees("nobody").unwrap_err().code,
        ErrorCode::MemberNotFound
    );
    assert!(ws
        .department(&p("公司/财务部"))
        .unwrap()
        .visibility
        .is_default());
}

#[test]
fn deleting_a_viewer_removes_it_from_the_setting_and_undo_restores_everything() {
    let (_d, mut ws) = workspace();
    ws.add_department("公司/临时组").unwrap();
    ws.set_department_visibility(
        &p("公司/财务部"),
        &Visibility {
            departments: vec!["公司/临时组".into()],
            members: vec!["east".into()],
            ..Default::default()
        },
    )
    .unwrap();
    ws.delete_department(&p("公司/临时组")).unwrap();
    ws.delete_member("east").unwrap();
    let v = ws.department(&p("公司/财务部")).unwrap().visibility;
    assert!(v.hidden && v.departments.is_empty() && v.members.is_empty());
    ws.undo().unwrap();
    ws.undo().unwrap();
    let v = ws.department(&p("公司/财务部")).unwrap().visibility;
    assert_eq!(
        (v.departments, v.members),
        (vec!["公司/临时组".to_string()], vec!["east".to_string()])
    );
    ws.undo().unwrap();
    assert!(ws
        .department(&p("公司/财务部"))
        .unwrap()
        .visibility
        .is_default());
}

#[test]
fn a_sensitive_department_in_everyones_directory_is_a_finding_until_hidden() {
    let (_d, mut ws) = workspace();
    let visible = |ws: &Workspace| {
        ws.check_permissions(Lang::ZhCn)
            .unwrap()
            .into_iter()
            .filter(|f| f.code == "sensitive_department_visible")
            .map(|f| f.department.unwrap())
            .collect::<Vec<_>>()
    };
    assert!(visible(&ws).is_empty());
    ws.set_department_sensitive(&p("公司/销售部/华东区"), true)
        .unwrap();
    assert_eq!(visible(&ws), ["公司/销售部/华东区"]);
    // Hiding the department above it is enough.
    ws.set_department_visibility(
        &p("公司/销售部"),
        &Visibility {
            members: vec!["cfo".into()],
            ..Default::default()
        },
    )
    .unwrap();
    assert!(visible(&ws).is_empty());
    ws.undo().unwrap();
    assert_eq!(visible(&ws), ["公司/销售部/华东区"]);
}
