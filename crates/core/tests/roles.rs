//! Roles, scopes, effective permissions, checks, platform mapping and the permission workbook.

use calamine::{open_workbook, Reader, Xlsx};
use orgdesk_core::roles::checks::Severity;
use orgdesk_core::roles::{Level, RoleRef, Scope};
use orgdesk_core::{
    DepartmentRef, ErrorCode, Lang, MemberFields, MemberInput, MemberQuery, MemberStatus, Platform,
    Source, Workspace,
};
use tempfile::TempDir;

fn p(path: &str) -> DepartmentRef {
    DepartmentRef::Path(path.into())
}

fn role(name: &str) -> RoleRef {
    RoleRef::Name(name.into())
}

fn add(ws: &mut Workspace, name: &str, userid: &str, depts: &[&str]) {
    ws.add_member(&MemberInput {
        userid: Some(userid.into()),
        fields: MemberFields {
            name: name.into(),
            ..Default::default()
        },
        departments: depts.iter().map(|d| p(d)).collect(),
        ..Default::default()
    })
    .unwrap();
}

/// 公司 ─ 销售部 ─ 华东区 / 华南区, 研发部, 财务部; a few people.
fn company() -> (TempDir, Workspace) {
    let dir = TempDir::new().unwrap();
    let mut ws = Workspace::create(
        &dir.path().join("r.orgdesk"),
        "公司",
        Platform::Wecom,
        Source::Cli,
    )
    .unwrap();
    for d in [
        "公司/销售部/华东区",
        "公司/销售部/华南区",
        "公司/研发部",
        "公司/财务部",
    ] {
        ws.add_department(d).unwrap();
    }
    add(&mut ws, "老板", "boss", &["公司"]);
    add(&mut ws, "副总", "vice", &["公司"]);
    add(&mut ws, "销售总监", "sales_head", &["公司/销售部"]);
    add(&mut ws, "华东经理", "east", &["公司/销售部/华东区"]);
    add(&mut ws, "工程师", "dev", &["公司/研发部", "公司/财务部"]);
    (dir, ws)
}

fn holders(ws: &Workspace, permission: &str, dept: Option<&str>) -> Vec<String> {
    let d = dept.map(p);
    let mut ids: Vec<String> = ws
        .who_can(permission, d.as_ref())
        .unwrap()
        .into_iter()
        .map(|h| h.userid)
        .collect();
    ids.sort();
    ids
}

fn codes(ws: &Workspace) -> Vec<(String, String)> {
    ws.check_permissions(Lang::EnUs)
        .unwrap()
        .into_iter()
        .map(|f| (f.code, f.target))
        .collect()
}

#[test]
fn a_new_workspace_has_the_guides_built_in_roles() {
    let (_d, ws) = company();
    let roles = ws.roles().unwrap();
    let keys: Vec<&str> = roles.iter().filter_map(|r| r.key.as_deref()).collect();
    assert_eq!(
        keys,
        ["super_admin", "it_admin", "department_head", "employee"]
    );
    let sa = &roles[0];
    assert_eq!(
        (sa.name.zh_cn.as_str(), sa.level, sa.grants.len()),
        ("超级管理员", Level::Admin, 12)
    );
    let employee = ws.role(&role("employee")).unwrap();
    assert!(employee.everyone);
    assert_eq!(
        employee
            .grants
            .iter()
            .map(|g| g.permission.as_str())
            .collect::<Vec<_>>(),
        ["contacts.view"]
    );
    let head = ws.role(&role("部门负责人")).unwrap();
    assert!(head.grants.iter().all(|g| g.scope == Scope::OwnSubtree));
    // Everyone views the directory through the employee role.
    assert_eq!(holders(&ws, "contacts.view", None).len(), 5);
    assert!(holders(&ws, "data.export", None).is_empty());
}

#[test]
fn scopes_resolve_on_the_tree_and_follow_department_moves() {
    let (_d, mut ws) = company();
    ws.assign_role(&role("department_head"), "sales_head")
        .unwrap();
    ws.assign_role(&role("department_head"), "dev").unwrap();
    // Own subtree: the head of 销售部 manages 华东区, not 研发部.
    assert_eq!(
        holders(&ws, "contacts.manage", Some("公司/销售部/华东区")),
        ["sales_head"]
    );
    assert!(holders(&ws, "contacts.manage", Some("公司")).is_empty());
    // A member of two departments manages both subtrees.
    assert_eq!(
        holders(&ws, "contacts.manage", Some("公司/研发部")),
        ["dev"]
    );
    assert_eq!(
        holders(&ws, "contacts.manage", Some("公司/财务部")),
        ["dev"]
    );
    // Chosen departments: a custom auditor role on 销售部.
    ws.add_role("审计员", Level::Admin).unwrap();
    ws.grant(
        &role("审计员"),
        "data.export",
        Some(Scope::Departments),
        &[p("公司/销售部")],
    )
    .unwrap();
    ws.assign_role(&role("审计员"), "vice").unwrap();
    assert_eq!(
        holders(&ws, "data.export", Some("公司/销售部/华南区")),
        ["vice"]
    );
    // Moving 华南区 out of 销售部 takes it out of the grant; moving 研发部 in brings it in.
    ws.move_department(&p("公司/销售部/华南区"), Some(&p("公司")), None)
        .unwrap();
    assert!(holders(&ws, "data.export", Some("公司/华南区")).is_empty());
    ws.move_department(&p("公司/研发部"), Some(&p("公司/销售部")), None)
        .unwrap();
    assert_eq!(
        holders(&ws, "data.export", Some("公司/销售部/研发部")),
        ["vice"]
    );
    // What one member can do, with the source of each grant.
    let can = ws.can("vice").unwrap();
    let export = can
        .grants
        .iter()
        .find(|g| g.permission == "data.export")
        .unwrap();
    assert_eq!(
        (
            export.scope,
            export.departments.clone(),
            export.role.zh_cn.as_str()
        ),
        (
            Scope::Departments,
            vec!["公司/销售部".to_string()],
            "审计员"
        )
    );
    assert!(can
        .grants
        .iter()
        .any(|g| g.permission == "contacts.view" && g.role.zh_cn == "普通员工"));
}

#[test]
fn frozen_and_departed_members_hold_nothing() {
    let (_d, mut ws) = company();
    ws.assign_role(&role("super_admin"), "boss").unwrap();
    assert_eq!(holders(&ws, "billing.manage", None), ["boss"]);
    for status in [MemberStatus::Frozen, MemberStatus::Departed] {
        let mut input = ws.member("boss").unwrap().to_input();
        input.fields.status = status;
        ws.update_member("boss", &input).unwrap();
        assert!(holders(&ws, "billing.manage", None).is_empty());
        let can = ws.can("boss").unwrap();
        assert!(!can.active && can.grants.is_empty());
    }
}

#[test]
fn grants_assignments_and_roles_are_undoable() {
    let (_d, mut ws) = company();
    let before = ws.roles().unwrap();
    ws.add_role("财务主管", Level::Admin).unwrap();
    ws.grant(
        &role("财务主管"),
        "billing.manage",
        Some(Scope::Organization),
        &[],
    )
    .unwrap();
    ws.assign_role(&role("财务主管"), "dev").unwrap();
    assert_eq!(holders(&ws, "billing.manage", None), ["dev"]);
    ws.undo().unwrap();
    assert!(holders(&ws, "billing.manage", None).is_empty());
    ws.undo().unwrap();
    assert!(ws.role(&role("财务主管")).unwrap().grants.is_empty());
    ws.redo().unwrap();
    ws.revoke(&role("财务主管"), "billing.manage").unwrap();
    ws.undo().unwrap();
    assert_eq!(ws.role(&role("财务主管")).unwrap().grants.len(), 1);
    ws.delete_role(&role("财务主管")).unwrap();
    assert_eq!(ws.roles().unwrap(), before);
    ws.undo().unwrap();
    assert!(ws.role(&role("财务主管")).is_ok());
    // Deleting a member or a department takes their assignments and grant scopes with them.
    ws.assign_role(&role("财务主管"), "east").unwrap();
    ws.grant(
        &role("财务主管"),
        "data.export",
        Some(Scope::Departments),
        &[p("公司/财务部")],
    )
    .unwrap();
    ws.delete_member("east").unwrap();
    ws.delete_department(&p("公司/财务部")).unwrap_err(); // dev is still in it
    assert!(ws.role(&role("财务主管")).unwrap().holders.is_empty());
}

#[test]
fn refused_role_changes() {
    let (_d, mut ws) = company();
    let cases = [
        ws.grant(
            &role("nobody"),
            "contacts.view",
            Some(Scope::Organization),
            &[],
        )
        .unwrap_err()
        .code,
        ws.grant(
            &role("it_admin"),
            "contacts.fly",
            Some(Scope::Organization),
            &[],
        )
        .unwrap_err()
        .code,
        ws.grant(
            &role("it_admin"),
            "data.export",
            Some(Scope::Departments),
            &[],
        )
        .unwrap_err()
        .code,
        ws.delete_role(&role("super_admin")).unwrap_err().code,
        ws.assign_role(&role("employee"), "dev").unwrap_err().code,
        ws.assign_role(&role("it_admin"), "ghost").unwrap_err().code,
        ws.unassign_role(&role("it_admin"), "dev").unwrap_err().code,
        ws.add_role("超级管理员", Level::Admin).unwrap_err().code,
        ws.add_role(" ", Level::Admin).unwrap_err().code,
    ];
    assert_eq!(
        cases,
        [
            ErrorCode::RoleNotFound,
            ErrorCode::UnknownPermission,
            ErrorCode::MissingRequired,
            ErrorCode::InvalidValue,
            ErrorCode::InvalidValue,
            ErrorCode::MemberNotFound,
            ErrorCode::InvalidValue,
            ErrorCode::DuplicateRole,
            ErrorCode::MissingRequired,
        ]
    );
}

#[test]
fn every_check_fires_and_clears() {
    let (_d, mut ws) = company();
    let has = |ws: &Workspace, code: &str| codes(ws).iter().any(|(c, _)| c == code);
    // No super admin, then one (no backup), then two: fine.
    assert!(has(&ws, "no_super_admin"));
    ws.assign_role(&role("super_admin"), "boss").unwrap();
    assert!(!has(&ws, "no_super_admin") && has(&ws, "single_super_admin"));
    ws.assign_role(&role("super_admin"), "vice").unwrap();
    assert!(!has(&ws, "single_super_admin"));
    // More than three.
    ws.assign_role(&role("super_admin"), "sales_head").unwrap();
    assert!(!has(&ws, "too_many_super_admins"));
    ws.assign_role(&role("super_admin"), "east").unwrap();
    let found = ws.check_permissions(Lang::EnUs).unwrap();
    let too_many = found
        .iter()
        .find(|f| f.code == "too_many_super_admins")
        .unwrap();
    assert_eq!(too_many.severity, Severity::Error);
    assert!(too_many.message.contains("4 super admins") && !too_many.fix.is_empty());
    ws.unassign_role(&role("super_admin"), "east").unwrap();
    ws.unassign_role(&role("super_admin"), "sales_head")
        .unwrap();
    // A super admin who is not an active member.
    let mut input = ws.member("vice").unwrap().to_input();
    input.fields.status = MemberStatus::Invited;
    ws.update_member("vice", &input).unwrap();
    assert!(codes(&ws).contains(&("inactive_super_admin".into(), "Super admin · vice".into())));
    input.fields.status = MemberStatus::Active;
    ws.update_member("vice", &input).unwrap();
    assert!(!has(&ws, "inactive_super_admin"));
    // An employee-level role with a high-risk permission.
    ws.grant(
        &role("employee"),
        "data.export",
        Some(Scope::Organization),
        &[],
    )
    .unwrap();
    assert!(codes(&ws).contains(&("employee_high_risk".into(), "Employee · data.export".into())));
    ws.revoke(&role("employee"), "data.export").unwrap();
    assert!(!has(&ws, "employee_high_risk"));
    // A department head scoped to the whole organisation.
    ws.grant(
        &role("department_head"),
        "contacts.manage",
        Some(Scope::Organization),
        &[],
    )
    .unwrap();
    assert!(codes(&ws).contains(&(
        "broad_scope".into(),
        "Department head · contacts.manage".into()
    )));
    ws.grant(
        &role("department_head"),
        "contacts.manage",
        Some(Scope::OwnSubtree),
        &[],
    )
    .unwrap();
    assert!(!has(&ws, "broad_scope"));
    // Roles nobody holds (it_admin, department_head).
    assert!(codes(&ws).contains(&("unused_role".into(), "IT admin".into())));
    ws.assign_role(&role("it_admin"), "dev").unwrap();
    assert!(!codes(&ws).contains(&("unused_role".into(), "IT admin".into())));
    // An admin of chosen departments who is not in them.
    ws.add_role("销售管理员", Level::Department).unwrap();
    ws.grant(
        &role("销售管理员"),
        "contacts.manage",
        Some(Scope::Departments),
        &[p("公司/销售部")],
    )
    .unwrap();
    ws.assign_role(&role("销售管理员"), "dev").unwrap();
    assert!(has(&ws, "admin_outside_department"));
    ws.unassign_role(&role("销售管理员"), "dev").unwrap();
    ws.assign_role(&role("销售管理员"), "east").unwrap();
    assert!(!has(&ws, "admin_outside_department"));
    // A sensitive department that a broad role can still manage.
    ws.set_department_sensitive(&p("公司/财务部"), true)
        .unwrap();
    assert!(!has(&ws, "sensitive_department_exposed"));
    ws.add_role("人事", Level::Admin).unwrap();
    ws.grant(
        &role("人事"),
        "contacts.manage",
        Some(Scope::Organization),
        &[],
    )
    .unwrap();
    ws.assign_role(&role("人事"), "sales_head").unwrap();
    let f = ws.check_permissions(Lang::ZhCn).unwrap();
    let exposed = f
        .iter()
        .find(|f| f.code == "sensitive_department_exposed")
        .unwrap();
    assert!(
        exposed.message.contains("敏感部门“公司/财务部”"),
        "{}",
        exposed.message
    );
    assert_eq!(
        (exposed.department.as_deref(), exposed.permission.as_deref()),
        (Some("公司/财务部"), Some("contacts.manage"))
    );
    ws.set_department_sensitive(&p("公司/财务部"), false)
        .unwrap();
    assert!(!has(&ws, "sensitive_department_exposed"));
    // Errors come first.
    let all = ws.check_permissions(Lang::EnUs).unwrap();
    assert!(all.windows(2).all(|w| w[0].severity <= w[1].severity));
}

#[test]
fn platform_mapping_says_what_to_click_and_what_cannot_be_expressed() {
    let (_d, ws) = company();
    let map = ws
        .role_mapping(&[Platform::Wecom, Platform::Dingtalk, Platform::Feishu])
        .unwrap();
    let find = |platform: Platform, key: &str| {
        map.iter()
            .find(|m| m.platform == platform && m.role.en_us == key)
            .unwrap_or_else(|| panic!("{key}"))
    };
    let sa = find(Platform::Wecom, "Super admin");
    assert_eq!(sa.admin_type.as_ref().unwrap().zh_cn, "超级管理员");
    assert!(sa
        .unsupported
        .iter()
        .any(|u| u.permission.as_deref() == Some("data.export")));
    // DingTalk has one main admin: super admins become sub-admins over the whole company.
    let sa = find(Platform::Dingtalk, "Super admin");
    assert_eq!(sa.admin_type.as_ref().unwrap().zh_cn, "子管理员");
    assert!(!sa.notes.is_empty());
    // Feishu cannot scope an admin to "own department".
    let head = find(Platform::Feishu, "Department head");
    assert!(head.unsupported.iter().any(|u| u.permission.is_none()));
    let head = find(Platform::Wecom, "Department head");
    assert_eq!(
        head.scope.as_ref().unwrap().zh_cn,
        "管理范围：所在部门及下级"
    );
    assert!(head
        .permissions
        .iter()
        .any(|p| p.permission == "contacts.manage" && p.setting.is_some()));
    assert!(find(Platform::Wecom, "Employee").admin_type.is_none());
}

#[test]
fn defaults_are_the_cores_whoever_asks() {
    let (_d, mut ws) = company();
    // A grant without a scope: own subtree for a department-level role, the chosen departments
    // when some are given, else the whole organisation.
    let head = ws
        .grant(&role("department_head"), "data.export", None, &[])
        .unwrap();
    assert_eq!(head.grant("data.export").unwrap().scope, Scope::OwnSubtree);
    let it = ws
        .grant(&role("it_admin"), "data.export", None, &[])
        .unwrap();
    assert_eq!(it.grant("data.export").unwrap().scope, Scope::Organization);
    let it = ws
        .grant(&role("it_admin"), "audit.view", None, &[p("公司/财务部")])
        .unwrap();
    assert_eq!(it.grant("audit.view").unwrap().scope, Scope::Departments);
    // The mapping of a workspace that has a platform shows that platform; undecided, all three.
    let platforms = |ws: &Workspace| {
        let mut p: Vec<Platform> = ws
            .role_mapping(&[])
            .unwrap()
            .iter()
            .map(|m| m.platform)
            .collect();
        p.dedup();
        p
    };
    assert_eq!(platforms(&ws), [Platform::Wecom]);
    ws.update_profile(&orgdesk_core::org::profile::ProfileInput {
        platform: Some(Platform::Undecided),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        platforms(&ws),
        [Platform::Wecom, Platform::Dingtalk, Platform::Feishu]
    );
}

#[test]
fn the_permission_workbook_matches_the_matrix() {
    let (dir, mut ws) = company();
    ws.assign_role(&role("department_head"), "sales_head")
        .unwrap();
    ws.grant(
        &role("it_admin"),
        "data.export",
        Some(Scope::Departments),
        &[p("公司/销售部"), p("公司/研发部")],
    )
    .unwrap();
    let out = dir.path().join("permissions.xlsx");
    assert_eq!(ws.export_permissions(&out, Lang::ZhCn).unwrap(), 5);
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names(), ["权限矩阵", "成员权限", "检查结果"]);
    let matrix = book.worksheet_range("权限矩阵").unwrap();
    let header: Vec<String> = matrix
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(&header[..4], ["分类", "权限", "风险", "超级管理员\n(0)"]);
    assert_eq!(header[5], "部门负责人\n(1)");
    let export_row = matrix.rows().find(|r| r[1] == "导出数据").unwrap();
    assert_eq!(export_row[2].to_string(), "高");
    assert_eq!(export_row[3].to_string(), "全公司");
    assert_eq!(
        export_row[4].to_string(),
        "指定部门：公司/研发部、公司/销售部"
    );
    let effective = book.worksheet_range("成员权限").unwrap();
    let sales = effective.rows().find(|r| r[0] == "sales_head").unwrap();
    assert!(sales
        .iter()
        .any(|c| c.to_string().contains("本部门及下级（部门负责人）")));
    let checks = book.worksheet_range("检查结果").unwrap();
    assert!(checks.rows().any(|r| r[1] == "no_super_admin"));
}

#[test]
fn an_older_workspace_gets_the_built_in_roles_when_upgraded() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("v3.orgdesk");
    {
        let conn = orgdesk_core::db::create(&path, 3).unwrap();
        conn.execute("INSERT INTO organization (id, name, platform, created_at) VALUES (1, 'x', 'wecom', 'now')", []).unwrap();
    }
    let ws = Workspace::open(&path, Source::Cli).unwrap();
    assert_eq!(ws.roles().unwrap().len(), 4);
    assert!(!ws.departments().unwrap().iter().any(|d| d.sensitive));
}

#[test]
fn a_page_of_effective_permissions_is_that_page_of_everyones() {
    let (_d, mut ws) = company();
    ws.assign_role(&role("department_head"), "east").unwrap();
    ws.assign_role(&role("department_head"), "dev").unwrap();
    let everyone = ws.effective_permissions().unwrap();
    let page = |query: MemberQuery| ws.effective_permissions_page(&query).unwrap();
    for offset in 0..6 {
        let got = page(MemberQuery {
            offset,
            limit: Some(2),
            ..Default::default()
        });
        assert_eq!(got.total, 5);
        let want: Vec<_> = everyone
            .iter()
            .skip(offset as usize)
            .take(2)
            .cloned()
            .collect();
        assert_eq!(got.members, want, "offset {offset}");
    }
    // A search and a department narrow it as in the member list.
    let found = page(MemberQuery {
        search: Some("east".into()),
        limit: Some(10),
        ..Default::default()
    });
    assert_eq!(found.total, 1);
    assert_eq!(found.members[0], everyone[3]);
    let sales = page(MemberQuery {
        department: Some(p("公司/销售部")),
        limit: Some(10),
        ..Default::default()
    });
    let ids: Vec<_> = sales.members.iter().map(|m| m.userid.as_str()).collect();
    assert_eq!(ids, ["sales_head", "east"]);
}

#[test]
fn who_can_pages_through_the_holders() {
    let (_d, mut ws) = company();
    ws.assign_role(&role("department_head"), "east").unwrap();
    let everyone = ws.who_can("contacts.view", None).unwrap();
    assert!(everyone.len() >= 5, "every employee views contacts");
    for offset in 0..=everyone.len() as u32 {
        let page = ws.who_can_page("contacts.view", None, offset, 2).unwrap();
        assert_eq!(page.total as usize, everyone.len());
        let want: Vec<_> = everyone
            .iter()
            .skip(offset as usize)
            .take(2)
            .cloned()
            .collect();
        assert_eq!(page.members, want, "offset {offset}");
    }
    let narrowed = ws
        .who_can_page("contacts.manage", Some(&p("公司/销售部/华东区")), 0, 10)
        .unwrap();
    assert_eq!(narrowed.total, 1);
    assert_eq!(narrowed.members[0].userid, "east");
    assert!(ws.who_can_page("no.such", None, 0, 10).is_err());
}
