//! Department tree invariants, on real workspace files.

use orgdesk_core::{
    DepartmentRef, ErrorCode, MemberFields, MemberInput, Platform, Source, Workspace,
};
use tempfile::TempDir;

fn workspace() -> (TempDir, Workspace) {
    let dir = TempDir::new().unwrap();
    let ws = Workspace::create(
        &dir.path().join("t.orgdesk"),
        "示例科技",
        Platform::Wecom,
        Source::Cli,
    )
    .unwrap();
    (dir, ws)
}

fn p(path: &str) -> DepartmentRef {
    DepartmentRef::Path(path.into())
}

fn paths(ws: &Workspace) -> Vec<String> {
    ws.departments()
        .unwrap()
        .into_iter()
        .map(|d| d.path)
        .collect()
}

#[test]
fn a_full_path_creates_every_missing_level() {
    let (_d, mut ws) = workspace();
    let added = ws.add_department("示例科技/销售部/华东区").unwrap();
    assert_eq!(added.path, "示例科技/销售部/华东区");
    assert_eq!(
        added.created,
        vec!["示例科技", "示例科技/销售部", "示例科技/销售部/华东区"]
    );
    let added = ws.add_department(" 示例科技 / 销售部 / 华南区 ").unwrap();
    assert_eq!(added.created, vec!["示例科技/销售部/华南区"]);
    assert_eq!(
        paths(&ws),
        vec![
            "示例科技",
            "示例科技/销售部",
            "示例科技/销售部/华东区",
            "示例科技/销售部/华南区"
        ]
    );
    let list = ws.departments().unwrap();
    assert_eq!(list[1].depth, 2);
    assert_eq!(list[2].parent_id, Some(list[1].id));
    assert_eq!((list[2].order, list[3].order), (0, 1));
}

#[test]
fn adding_an_existing_path_is_refused() {
    let (_d, mut ws) = workspace();
    ws.add_department("A/B").unwrap();
    let e = ws.add_department("A/B").unwrap_err();
    assert_eq!(e.code, ErrorCode::DepartmentExists);
    assert_eq!(
        ws.log(None).unwrap().len(),
        2,
        "init + one add; the refused add is not logged"
    );
}

#[test]
fn names_are_validated() {
    let (_d, mut ws) = workspace();
    for (bad, key) in [
        ("A//B", "department_name_empty"),
        ("  ", "department_path_empty"),
        ("A/销售:部", "department_name_forbidden_char"),
        ("A/B*", "department_name_forbidden_char"),
        ("A/\"q\"", "department_name_forbidden_char"),
        ("A/a<b", "department_name_forbidden_char"),
        ("A/a|b", "department_name_forbidden_char"),
        ("A/a\\b", "department_name_forbidden_char"),
    ] {
        let e = ws.add_department(bad).unwrap_err();
        assert_eq!(
            (e.code, e.key),
            (ErrorCode::InvalidDepartment, key),
            "{bad}"
        );
    }
    let long = "部".repeat(65);
    let e = ws.add_department(&format!("A/{long}")).unwrap_err();
    assert_eq!(e.key, "department_name_too_long");
    assert_eq!(e.param("length"), Some("65"));
    ws.add_department(&format!("A/{}", "部".repeat(64)))
        .unwrap();
    assert!(ws.add_child_department(None, "x?y").is_err());
    assert!(ws.rename_department(&p("A"), "").is_err());
    assert!(ws.rename_department(&p("A"), "a/b").is_err());
}

#[test]
fn sibling_names_are_unique_but_cousins_may_share_a_name() {
    let (_d, mut ws) = workspace();
    ws.add_department("A/销售部").unwrap();
    ws.add_department("A/市场部/销售部").unwrap();
    let e = ws
        .add_child_department(Some(&p("A")), "销售部")
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::DuplicateDepartment);
    assert_eq!(e.param("parent"), Some("A"));
    let e = ws.rename_department(&p("A/市场部"), "销售部").unwrap_err();
    assert_eq!(e.code, ErrorCode::DuplicateDepartment);
    // Moving 市场部/销售部 up next to A/销售部 would create twins.
    let e = ws
        .move_department(&p("A/市场部/销售部"), Some(&p("A")), None)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::DuplicateDepartment);
    // Renaming to its own name is not an error (and changes nothing).
    ws.rename_department(&p("A/销售部"), "销售部").unwrap();
}

#[test]
fn rename_keeps_the_subtree() {
    let (_d, mut ws) = workspace();
    ws.add_department("A/销售部/华东区").unwrap();
    let d = ws.rename_department(&p("A/销售部"), "营销中心").unwrap();
    assert_eq!(d.path, "A/营销中心");
    assert_eq!(paths(&ws), vec!["A", "A/营销中心", "A/营销中心/华东区"]);
}

#[test]
fn moving_under_itself_or_a_descendant_is_refused_and_changes_nothing() {
    let (_d, mut ws) = workspace();
    ws.add_department("A/B/C/D").unwrap();
    let before = ws.departments().unwrap();
    for target in ["A/B", "A/B/C", "A/B/C/D"] {
        let e = ws
            .move_department(&p("A/B"), Some(&p(target)), None)
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::CyclicMove, "{target}");
        assert_eq!(e.param("department"), Some("A/B"));
    }
    assert_eq!(ws.departments().unwrap(), before);
}

#[test]
fn move_to_another_parent_and_to_the_top_level() {
    let (_d, mut ws) = workspace();
    ws.add_department("A/B/B1").unwrap();
    ws.add_department("A/C").unwrap();
    ws.add_department("A/D").unwrap();
    let moved = ws
        .move_department(&p("A/B"), Some(&p("A/C")), None)
        .unwrap();
    assert_eq!(moved.path, "A/C/B");
    assert_eq!(paths(&ws), vec!["A", "A/C", "A/C/B", "A/C/B/B1", "A/D"]);
    // Old siblings were renumbered.
    let list = ws.departments().unwrap();
    let order = |path: &str| list.iter().find(|d| d.path == path).unwrap().order;
    assert_eq!((order("A/C"), order("A/D")), (0, 1));
    let top = ws.move_department(&p("A/C/B"), None, Some(0)).unwrap();
    assert_eq!(
        (top.path.as_str(), top.parent_id, top.depth),
        ("B", None, 1)
    );
    assert_eq!(paths(&ws), vec!["B", "B/B1", "A", "A/C", "A/D"]);
}

#[test]
fn reorder_siblings() {
    let (_d, mut ws) = workspace();
    for n in ["甲", "乙", "丙", "丁"] {
        ws.add_department(&format!("A/{n}")).unwrap();
    }
    ws.reorder_department(&p("A/丁"), 0).unwrap();
    assert_eq!(paths(&ws)[1..], ["A/丁", "A/甲", "A/乙", "A/丙"]);
    ws.reorder_department(&p("A/丁"), 3).unwrap();
    assert_eq!(paths(&ws)[1..], ["A/甲", "A/乙", "A/丙", "A/丁"]);
    ws.move_department(&p("A/甲"), Some(&p("A")), Some(2))
        .unwrap();
    assert_eq!(paths(&ws)[1..], ["A/乙", "A/丙", "A/甲", "A/丁"]);
    let orders: Vec<i64> = ws.departments().unwrap()[1..]
        .iter()
        .map(|d| d.order)
        .collect();
    assert_eq!(orders, [0, 1, 2, 3]);
    let e = ws.reorder_department(&p("A/甲"), 4).unwrap_err();
    assert_eq!(e.key, "department_position_invalid");
}

#[test]
fn delete_is_refused_while_there_are_children_or_members() {
    let (_d, mut ws) = workspace();
    ws.add_department("A/B/C").unwrap();
    let e = ws.delete_department(&p("A/B")).unwrap_err();
    assert_eq!(
        (e.code, e.key),
        (ErrorCode::DepartmentNotEmpty, "department_has_children")
    );
    ws.add_member(&MemberInput {
        fields: MemberFields {
            name: "张伟".into(),
            ..Default::default()
        },
        departments: vec![p("A/B/C")],
        ..Default::default()
    })
    .unwrap();
    let e = ws.delete_department(&p("A/B/C")).unwrap_err();
    assert_eq!(
        (e.code, e.key),
        (ErrorCode::DepartmentNotEmpty, "department_has_members")
    );
    assert_eq!(e.param("count"), Some("1"));
    ws.delete_member("zhangwei").unwrap();
    ws.delete_department(&p("A/B/C")).unwrap();
    ws.delete_department(&p("A/B")).unwrap();
    assert_eq!(paths(&ws), vec!["A"]);
    let e = ws.delete_department(&p("A/B")).unwrap_err();
    assert_eq!(e.code, ErrorCode::DepartmentNotFound);
}

#[test]
fn member_counts_are_direct_and_for_the_subtree() {
    let (_d, mut ws) = workspace();
    let add = |ws: &mut Workspace, name: &str, depts: &[&str]| {
        ws.add_member(&MemberInput {
            fields: MemberFields {
                name: name.into(),
                ..Default::default()
            },
            departments: depts.iter().map(|d| p(d)).collect(),
            ..Default::default()
        })
        .unwrap();
    };
    add(&mut ws, "甲", &["A/B"]);
    add(&mut ws, "乙", &["A/B/C", "A/B"]);
    add(&mut ws, "丙", &["A/D"]);
    let list = ws.departments().unwrap();
    let counts: Vec<(&str, u32, u32)> = list
        .iter()
        .map(|d| (d.path.as_str(), d.member_count, d.total_member_count))
        .collect();
    assert_eq!(
        counts,
        vec![("A", 0, 3), ("A/B", 2, 2), ("A/B/C", 1, 1), ("A/D", 1, 1)]
    );
    let b = ws.department(&p("A/B")).unwrap();
    assert_eq!(
        (b.member_count, b.total_member_count, b.child_count),
        (2, 2, 1)
    );
}

#[test]
fn unknown_departments_are_reported_with_their_path() {
    let (_d, mut ws) = workspace();
    ws.add_department("A/B").unwrap();
    let e = ws.rename_department(&p("A/X"), "Y").unwrap_err();
    assert_eq!(e.code, ErrorCode::DepartmentNotFound);
    assert_eq!(e.param("path"), Some("A/X"));
    let e = ws
        .move_department(&p("A/B"), Some(&DepartmentRef::Id(999)), None)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::DepartmentNotFound);
}

/// Departments nest no deeper than the platform allows (WeCom: 15 levels, from the capability
/// dataset), nor deeper than 32 levels while the platform is undecided: adding, moving and a
/// member's new department path are refused, and nothing is written.
#[test]
fn departments_nest_no_deeper_than_the_platform_allows() {
    let (_dir, mut ws) = workspace();
    let path = |levels: usize| {
        let mut p = String::from("示例科技");
        for i in 2..=levels {
            p.push_str(&format!("/L{i}"));
        }
        p
    };
    ws.add_department(&path(15)).unwrap();
    let before = paths(&ws);
    let e = ws.add_department(&path(16)).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidDepartment);
    let message = e.message(orgdesk_core::Lang::ZhCn);
    assert!(
        message.contains("16 层") && message.contains("企业微信") && message.contains("15"),
        "{message}"
    );
    assert_eq!(paths(&ws), before);
    // A member's department path is held to the same limit.
    let input = MemberInput {
        fields: MemberFields {
            name: "张伟".into(),
            mobile: Some("13800000001".into()),
            ..Default::default()
        },
        departments: vec![p(&path(16))],
        ..Default::default()
    };
    assert_eq!(
        ws.add_member(&input).unwrap_err().code,
        ErrorCode::InvalidDepartment
    );
    assert_eq!(paths(&ws), before);
    // Moving a branch counts the levels below it.
    ws.add_department("示例科技/销售部/华东/上海").unwrap();
    let e = ws
        .move_department(&p("示例科技/销售部"), Some(&p(&path(13))), None)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidDepartment);
    ws.move_department(&p("示例科技/销售部"), Some(&p(&path(12))), None)
        .unwrap();

    // Undecided: the absolute cap.
    let dir = TempDir::new().unwrap();
    let mut ws = Workspace::create(
        &dir.path().join("u.orgdesk"),
        "示例科技",
        Platform::Undecided,
        Source::Cli,
    )
    .unwrap();
    ws.add_department(&path(32)).unwrap();
    assert_eq!(
        ws.add_department(&path(33)).unwrap_err().code,
        ErrorCode::InvalidDepartment
    );
}

#[test]
fn dingtalk_departments_nest_at_most_20_levels() {
    // DingTalk's help centre: at most 20 levels (dingtalk.com/qidian/help-detail-1061042006.html).
    let dir = TempDir::new().unwrap();
    let mut ws = Workspace::create(
        &dir.path().join("d.orgdesk"),
        "钉钉公司",
        Platform::Dingtalk,
        Source::Cli,
    )
    .unwrap();
    let levels: Vec<String> = (1..=21).map(|i| format!("L{i}")).collect();
    ws.add_department(&levels[..20].join("/")).unwrap();
    let e = ws.add_department(&levels.join("/")).unwrap_err();
    assert_eq!(
        (e.code, e.key),
        (ErrorCode::InvalidDepartment, "department_too_deep")
    );
    assert_eq!(paths(&ws).len(), 20);
}
