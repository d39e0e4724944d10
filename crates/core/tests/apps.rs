//! The app plan on real workspace files: catalogue apps and described ones, visibility with
//! audiences, every check with its code, what deletes and undo do to it, the checklist's step 4.

use orgdesk_core::apps::{AppCheck, AppInput, AppKind, AppVisibility, Facing};
use orgdesk_core::roles::RoleRef;
use orgdesk_core::{DepartmentRef, Lang, MemberFields, MemberInput, Platform, Source, Workspace};
use tempfile::TempDir;

fn p(path: &str) -> DepartmentRef {
    DepartmentRef::Path(path.into())
}

/// 公司 ─ 销售部 (s1, s2), 财务部 (f1, sensitive), 研发部 (d1).
fn workspace() -> (TempDir, Workspace) {
    let dir = TempDir::new().unwrap();
    let mut ws = Workspace::create(
        &dir.path().join("apps.orgdesk"),
        "公司",
        Platform::Wecom,
        Source::Cli,
    )
    .unwrap();
    for (u, d) in [
        ("s1", "公司/销售部"),
        ("s2", "公司/销售部"),
        ("f1", "公司/财务部"),
        ("d1", "公司/研发部"),
    ] {
        ws.add_member(&MemberInput {
            userid: Some(u.into()),
            fields: MemberFields {
                name: u.into(),
                ..Default::default()
            },
            departments: vec![p(d)],
            ..Default::default()
        })
        .unwrap();
    }
    ws.set_department_sensitive(&p("公司/财务部"), true)
        .unwrap();
    (dir, ws)
}

fn codes(ws: &Workspace) -> Vec<(AppCheck, Option<String>)> {
    ws.check_apps(Lang::EnUs)
        .unwrap()
        .into_iter()
        .map(|f| (f.code, f.app))
        .collect()
}

fn third_party(key: &str) -> AppInput {
    AppInput {
        key: key.into(),
        name: Some("CRM".into()),
        kind: Some(AppKind::ThirdParty),
        facing: Some(Facing::Customer),
        reads: Some(vec!["contacts".into(), "customers".into()]),
    }
}

#[test]
fn catalogue_apps_and_described_ones() {
    let (_d, mut ws) = workspace();
    assert!(Workspace::app_catalogue(Some("wecom"))
        .iter()
        .any(|(_, a)| a.key == "customer_contact" && a.certification.required));
    for (_, a) in Workspace::app_catalogue(None) {
        // Every fact has a confidence; a source unless it is marked unsourced.
        let unsourced = a.confidence == orgdesk_core::dataset::Confidence::Unsourced;
        assert_eq!(a.source.is_none(), unsourced, "{}", a.key);
    }
    let approval = ws
        .add_app(
            &AppInput {
                key: "approval".into(),
                ..Default::default()
            },
            Lang::ZhCn,
        )
        .unwrap();
    assert_eq!(
        (approval.kind, approval.name.as_str(), approval.everyone),
        (AppKind::Native, "审批", true)
    );
    assert_eq!(approval.audience, 4);
    let crm = ws.add_app(&third_party("crm"), Lang::ZhCn).unwrap();
    assert_eq!((crm.kind, crm.audience), (AppKind::ThirdParty, 0));
    // Not in the catalogue and said to be native; twice the same; unknown data.
    let e = ws
        .add_app(
            &AppInput {
                key: "nope".into(),
                kind: Some(AppKind::Native),
                ..Default::default()
            },
            Lang::EnUs,
        )
        .unwrap_err();
    assert_eq!(e.key, "app_not_in_catalogue");
    assert_eq!(
        ws.add_app(&third_party("crm"), Lang::EnUs).unwrap_err().key,
        "app_exists"
    );
    let mut bad = third_party("x");
    bad.reads = Some(vec!["souls".into()]);
    assert_eq!(
        ws.add_app(&bad, Lang::EnUs).unwrap_err().key,
        "app_reads_unknown"
    );
}

#[test]
fn every_check_with_its_code() {
    let (_d, mut ws) = workspace();
    ws.add_app(&third_party("crm"), Lang::EnUs).unwrap();
    let c = codes(&ws);
    assert!(
        c.contains(&(AppCheck::VisibleToNobody, Some("crm".into()))),
        "{c:?}"
    );
    assert!(c.contains(&(AppCheck::PiplPurposeMissing, Some("crm".into()))));
    // Visible to sales only: no sensitive department exposed.
    let sales = AppVisibility {
        departments: vec![p("公司/销售部")],
        ..Default::default()
    };
    let app = ws
        .set_app_visibility("crm", &sales, Some(&["s1".into()]), Lang::EnUs)
        .unwrap();
    assert_eq!(
        (app.audience, app.admins.clone()),
        (2, vec!["s1".to_string()])
    );
    assert!(!codes(&ws)
        .iter()
        .any(|(c, _)| *c == AppCheck::SensitiveExposed));
    // The whole company, a finance member, or a role a finance member holds: exposed.
    for v in [
        AppVisibility {
            departments: vec![p("公司")],
            ..Default::default()
        },
        AppVisibility {
            members: vec!["f1".into()],
            ..Default::default()
        },
        AppVisibility {
            everyone: true,
            ..Default::default()
        },
    ] {
        ws.set_app_visibility("crm", &v, None, Lang::EnUs).unwrap();
        assert!(
            codes(&ws)
                .iter()
                .any(|(c, _)| *c == AppCheck::SensitiveExposed),
            "{v:?}"
        );
    }
    ws.assign_role(&RoleRef::Name("it_admin".into()), "f1")
        .unwrap();
    let by_role = AppVisibility {
        roles: vec![RoleRef::Name("it_admin".into())],
        ..Default::default()
    };
    let app = ws
        .set_app_visibility("crm", &by_role, None, Lang::EnUs)
        .unwrap();
    assert_eq!(app.audience, 1);
    assert!(codes(&ws)
        .iter()
        .any(|(c, _)| *c == AppCheck::SensitiveExposed));
    // Certification: customer contact needs it until the organisation is certified.
    ws.add_app(
        &AppInput {
            key: "customer_contact".into(),
            ..Default::default()
        },
        Lang::EnUs,
    )
    .unwrap();
    assert!(codes(&ws).contains(&(
        AppCheck::CertificationRequired,
        Some("customer_contact".into())
    )));
    // The PIPL purpose written: that finding goes.
    let purpose = [(
        "pipl_purpose".to_string(),
        serde_json::json!("客户服务与订单履约"),
    )];
    ws.set_security(&purpose.into_iter().collect(), Lang::EnUs)
        .unwrap();
    assert!(!codes(&ws)
        .iter()
        .any(|(c, _)| *c == AppCheck::PiplPurposeMissing));
}

#[test]
fn more_apps_than_the_platform_allows() {
    let (_d, mut ws) = workspace();
    for i in 0..301 {
        let mut a = third_party(&format!("app{i}"));
        a.reads = Some(vec![]);
        ws.add_app(&a, Lang::EnUs).unwrap();
    }
    let f = ws.check_apps(Lang::EnUs).unwrap();
    let cap = f.iter().find(|f| f.code == AppCheck::TooManyApps).unwrap();
    assert!(
        cap.app.is_none() && cap.message.contains("300"),
        "{}",
        cap.message
    );
}

#[test]
fn deletes_take_visibility_with_them_and_undo_brings_it_back() {
    let (_d, mut ws) = workspace();
    ws.add_app(&third_party("crm"), Lang::EnUs).unwrap();
    let v = AppVisibility {
        departments: vec![p("公司/研发部")],
        members: vec!["s1".into()],
        ..Default::default()
    };
    ws.set_app_visibility("crm", &v, Some(&["d1".into()]), Lang::EnUs)
        .unwrap();
    ws.delete_member("d1").unwrap();
    ws.delete_member("s1").unwrap();
    ws.delete_department(&p("公司/研发部")).unwrap();
    let app = &ws.apps(Lang::EnUs).unwrap()[0];
    assert!(app.departments.is_empty() && app.members.is_empty() && app.admins.is_empty());
    ws.undo().unwrap();
    ws.undo().unwrap();
    ws.undo().unwrap();
    let app = &ws.apps(Lang::EnUs).unwrap()[0];
    assert_eq!(app.departments, vec!["公司/研发部".to_string()]);
    assert_eq!(
        (app.members.clone(), app.admins.clone()),
        (vec!["s1".to_string()], vec!["d1".to_string()])
    );
    ws.remove_app("crm", Lang::EnUs).unwrap();
    assert!(ws.apps(Lang::EnUs).unwrap().is_empty());
    ws.undo().unwrap();
    assert_eq!(ws.apps(Lang::EnUs).unwrap().len(), 1);
}

#[test]
fn step_4_of_the_checklist_is_computed() {
    let (_d, mut ws) = workspace();
    let step = |ws: &Workspace| {
        let c = ws.checklist(Lang::EnUs).unwrap();
        let s = c.steps.into_iter().find(|s| s.key == "apps").unwrap();
        s.items
            .into_iter()
            .map(|i| (i.key, i.done, i.computed))
            .collect::<Vec<_>>()
    };
    assert!(step(&ws)
        .iter()
        .all(|(_, done, computed)| !done && *computed));
    ws.add_app(
        &AppInput {
            key: "approval".into(),
            ..Default::default()
        },
        Lang::EnUs,
    )
    .unwrap();
    let s = step(&ws);
    assert!(s[0].1 && s[2].1, "{s:?}");
    // A template whose chains break is not done; one that routes everyone is.
    ws.add_approval_template("overtime").unwrap();
    assert!(!step(&ws)[1].1);
    for (u, d) in [
        ("s1", "公司/销售部"),
        ("f1", "公司/财务部"),
        ("d1", "公司/研发部"),
    ] {
        let mut m = ws.member(u).unwrap().to_input();
        m.leader_of = vec![p(d)];
        ws.update_member(u, &m).unwrap();
    }
    let s2 = ws.member("s2").unwrap();
    assert_eq!(s2.main_department.as_deref(), Some("公司/销售部"));
    // The heads themselves: their department head is above, in 公司, which has none.
    assert!(!step(&ws)[1].1);
    let mut ceo = MemberInput {
        userid: Some("ceo".into()),
        departments: vec![p("公司")],
        leader_of: vec![p("公司")],
        ..Default::default()
    };
    ceo.fields.name = "ceo".into();
    ws.add_member(&ceo).unwrap();
    // The ceo's own head would be above 公司: still one break, for the ceo.
    let breaks = ws.approval_check(Lang::EnUs).unwrap();
    assert_eq!(
        breaks
            .iter()
            .map(|b| b.applicant.as_str())
            .collect::<Vec<_>>(),
        vec!["ceo"]
    );
    // A template that routes everyone (s1 approves; s1's own step is skipped): done.
    ws.delete_approval_template("overtime").unwrap();
    let t = orgdesk_core::approvals::parse(
        r#"{"key":"m","name":{"zh-CN":"m","en-US":"m"},"routes":[{"steps":[{"approver":{"kind":"member","userid":"s1"}}]}]}"#,
    )
    .unwrap();
    ws.save_approval_template(&t).unwrap();
    assert!(step(&ws)[1].1);
}

#[test]
fn the_report_has_an_apps_and_approvals_sheet() {
    use calamine::{open_workbook, Reader, Xlsx};
    let dir = TempDir::new().unwrap();
    let ws = Workspace::create_demo(
        "xianguo-lingshou",
        &dir.path().join("x.orgdesk"),
        Source::Cli,
    )
    .unwrap();
    let out = dir.path().join("report.xlsx");
    let summary = ws
        .export_report(&out, Lang::ZhCn, None, &orgdesk_core::progress::Silent)
        .unwrap();
    // The apps sheet comes before the health sheet (the demo has activity).
    let apps = summary
        .sheets
        .iter()
        .position(|s| s == "应用与审批")
        .unwrap();
    assert_eq!(summary.sheets[apps + 1], "运营健康");
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let range = book.worksheet_range("应用与审批").unwrap();
    let cells: Vec<String> = range.rows().flatten().map(|c| c.to_string()).collect();
    for wanted in [
        "应用计划",
        "客户联系",
        "有赞微商城",
        "门店采购 (purchase)",
        "审批链断点",
        "审批效率（目标：部门前 30%）",
    ] {
        assert!(cells.iter().any(|c| c == wanted), "{wanted} missing");
    }
    // The customer-contact app's certification finding is on its row.
    assert!(cells.iter().any(|c| c.contains("需要企业认证")));
}

#[test]
fn a_native_app_is_named_in_the_language_asked_unless_renamed() {
    let (_d, mut ws) = workspace();
    ws.add_app(
        &AppInput {
            key: "approval".into(),
            ..Default::default()
        },
        Lang::ZhCn,
    )
    .unwrap();
    ws.add_app(
        &AppInput {
            key: "checkin".into(),
            name: Some("门店打卡".into()),
            ..Default::default()
        },
        Lang::ZhCn,
    )
    .unwrap();
    let names: Vec<String> = ws
        .apps(Lang::EnUs)
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["Approvals", "门店打卡"]);
}
