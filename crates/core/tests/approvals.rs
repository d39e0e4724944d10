//! Approval routing on a hand-made org in a real workspace file: each approver kind, the skip
//! rules, the problem codes, the workspace-wide check; templates saved, exported, undone; a
//! property test on random orgs; efficiency from records written by a real spreadsheet writer.

use orgdesk_core::approvals::route::{Chain, Input, ProblemCode, SkipReason};
use orgdesk_core::approvals::{self, Template};
use orgdesk_core::roles::RoleRef;
use orgdesk_core::{
    DepartmentRef, Lang, MemberFields, MemberInput, MemberStatus, Platform, Source, Workspace,
};
use tempfile::TempDir;

fn p(path: &str) -> DepartmentRef {
    DepartmentRef::Path(path.into())
}

struct M<'a> {
    userid: &'a str,
    dept: &'a str,
    leads: bool,
    manager: Option<&'a str>,
    rank: Option<&'a str>,
    status: MemberStatus,
}

fn m<'a>(userid: &'a str, dept: &'a str) -> M<'a> {
    M {
        userid,
        dept,
        leads: false,
        manager: None,
        rank: None,
        status: MemberStatus::Active,
    }
}

impl<'a> M<'a> {
    fn head(mut self) -> Self {
        self.leads = true;
        self
    }
    fn rank(mut self, r: &'a str) -> Self {
        self.rank = Some(r);
        self
    }
    fn manager(mut self, u: &'a str) -> Self {
        self.manager = Some(u);
        self
    }
    fn status(mut self, s: MemberStatus) -> Self {
        self.status = s;
        self
    }
}

fn add(ws: &mut Workspace, x: M) {
    ws.add_member(&MemberInput {
        userid: Some(x.userid.into()),
        fields: MemberFields {
            name: format!("名{}", x.userid),
            manager: x.manager.map(Into::into),
            rank: x.rank.map(Into::into),
            status: x.status,
            ..Default::default()
        },
        departments: vec![p(x.dept)],
        leader_of: if x.leads { vec![p(x.dept)] } else { vec![] },
    })
    .unwrap();
}

/// 公司 (ceo M3) ─ 销售部 (sales M2) ─ 华东区 (east M1): rep1 P2, rep2 P1 (manager: sales)
///              ├ 研发部 (no head): dev1 P2
///              └ 财务部 (fin, departed head): fin1 P1, gone (frozen)
fn workspace() -> (TempDir, Workspace) {
    let dir = TempDir::new().unwrap();
    let mut ws = Workspace::create(
        &dir.path().join("a.orgdesk"),
        "公司",
        Platform::Dingtalk,
        Source::Cli,
    )
    .unwrap();
    for x in [
        m("ceo", "公司").head().rank("M3"),
        m("sales", "公司/销售部").head().rank("M2"),
        m("east", "公司/销售部/华东区").head().rank("M1"),
        m("rep1", "公司/销售部/华东区").rank("P2"),
        m("rep2", "公司/销售部/华东区").rank("P1").manager("sales"),
        m("dev1", "公司/研发部").rank("P2"),
        m("fin", "公司/财务部")
            .head()
            .rank("M2")
            .status(MemberStatus::Departed),
        m("fin1", "公司/财务部").rank("P1"),
        m("gone", "公司/财务部").status(MemberStatus::Frozen),
    ] {
        add(&mut ws, x);
    }
    ws.set_ranks(&["P1", "P2", "P3", "M1", "M2", "M3"].map(String::from))
        .unwrap();
    (dir, ws)
}

fn template(routes: &str) -> Template {
    approvals::parse(&format!(
        r#"{{"key":"t","name":{{"zh-CN":"测试","en-US":"Test"}},"routes":{routes}}}"#
    ))
    .unwrap()
}

fn one_step(approver: &str) -> Template {
    template(&format!(r#"[{{"steps":[{{"approver":{approver}}}]}}]"#))
}

fn route(ws: &mut Workspace, t: &Template, applicant: &str, input: Input) -> Chain {
    ws.save_approval_template(t).unwrap();
    ws.approval_route(&t.key, applicant, input, Lang::EnUs)
        .unwrap()
}

/// The approvers of each step, skipped steps as "-".
fn who(c: &Chain) -> Vec<String> {
    c.steps
        .iter()
        .map(|s| {
            if s.skipped {
                "-".to_string()
            } else {
                s.approvers
                    .iter()
                    .map(|a| a.userid.as_str())
                    .collect::<Vec<_>>()
                    .join("+")
            }
        })
        .collect()
}

fn codes(c: &Chain) -> Vec<ProblemCode> {
    c.problems.iter().map(|p| p.code).collect()
}

#[test]
fn department_heads_by_level() {
    let (_d, mut ws) = workspace();
    let none = Input::default();
    for (level, applicant, want, problem) in [
        (1, "rep1", vec!["east"], None),
        (2, "rep1", vec!["sales"], None),
        (3, "rep1", vec!["ceo"], None),
        (4, "rep1", vec![], Some(ProblemCode::NoApprover)),
        // A head starts one level up.
        (1, "east", vec!["sales"], None),
        (2, "east", vec!["ceo"], None),
        // No head: no silent escalation.
        (1, "dev1", vec![], Some(ProblemCode::NoApprover)),
        (2, "dev1", vec!["ceo"], None),
        // A departed head cannot approve.
        (1, "fin1", vec![], Some(ProblemCode::InactiveApprover)),
    ] {
        let t = one_step(&format!(r#"{{"kind":"department_head","level":{level}}}"#));
        let c = route(&mut ws, &t, applicant, none);
        let got: Vec<String> = c
            .steps
            .iter()
            .flat_map(|s| &s.approvers)
            .map(|a| a.userid.clone())
            .collect();
        assert_eq!(got, want, "level {level} for {applicant}: {c:?}");
        assert_eq!(
            codes(&c).first().copied(),
            problem,
            "level {level} for {applicant}"
        );
        assert_eq!(c.sound(), problem.is_none());
    }
}

#[test]
fn managers_follow_the_manager_field_then_the_department_head() {
    let (_d, mut ws) = workspace();
    let none = Input::default();
    for (levels, applicant, want) in [
        (1, "rep1", Some("east")),
        (1, "rep2", Some("sales")),
        (2, "rep1", Some("sales")),
        (2, "rep2", Some("ceo")),
        (3, "rep1", Some("ceo")),
        (4, "rep1", None),
        (1, "ceo", None),
    ] {
        let t = one_step(&format!(r#"{{"kind":"manager","levels":{levels}}}"#));
        let c = route(&mut ws, &t, applicant, none);
        match want {
            Some(u) => assert_eq!(who(&c), vec![u], "{levels} for {applicant}"),
            None => assert_eq!(
                codes(&c),
                vec![ProblemCode::NoApprover],
                "{levels} for {applicant}"
            ),
        }
    }
}

#[test]
fn manager_chains_stop_at_the_rank_in_the_rank_order() {
    let (_d, mut ws) = workspace();
    let none = Input::default();
    let chain = |ws: &mut Workspace, rank: &str, applicant: &str| {
        let t = one_step(&format!(
            r#"{{"kind":"manager_chain","until_rank":"{rank}"}}"#
        ));
        route(ws, &t, applicant, none)
    };
    assert_eq!(who(&chain(&mut ws, "M1", "rep1")), vec!["east"]);
    assert_eq!(who(&chain(&mut ws, "M2", "rep1")), vec!["east", "sales"]);
    assert_eq!(
        who(&chain(&mut ws, "M3", "rep1")),
        vec!["east", "sales", "ceo"]
    );
    // P3 is below M1 in the order (not in string order): the first manager already reaches it.
    assert_eq!(who(&chain(&mut ws, "P3", "rep1")), vec!["east"]);
    // A manager field skips a level.
    assert_eq!(who(&chain(&mut ws, "M3", "rep2")), vec!["sales", "ceo"]);
    // The top is reached without the rank; an unknown rank.
    let c = chain(&mut ws, "M3", "dev1");
    assert_eq!(codes(&c), vec![ProblemCode::RankUnreached], "{c:?}");
    let c = chain(&mut ws, "X9", "rep1");
    assert_eq!(codes(&c), vec![ProblemCode::RankUnreached]);
    // The rank order decides: reversed, M1 is now above M3.
    ws.set_ranks(&["M3", "M2", "M1", "P3", "P2", "P1"].map(String::from))
        .unwrap();
    assert_eq!(who(&chain(&mut ws, "M3", "rep1")), vec!["east"]);
}

#[test]
fn loops_in_the_reporting_line_are_found() {
    let (_d, mut ws) = workspace();
    add(&mut ws, m("a", "公司/研发部").rank("P1"));
    add(&mut ws, m("b", "公司/研发部").rank("P1").manager("a"));
    let mut input = ws.member("a").unwrap().to_input();
    input.fields.manager = Some("b".into());
    ws.update_member("a", &input).unwrap();
    let c = route(
        &mut ws,
        &one_step(r#"{"kind":"manager","levels":2}"#),
        "a",
        Input::default(),
    );
    assert_eq!(codes(&c), vec![ProblemCode::ManagerLoop]);
    let c = route(
        &mut ws,
        &one_step(r#"{"kind":"manager_chain","until_rank":"M3"}"#),
        "a",
        Input::default(),
    );
    assert_eq!(codes(&c), vec![ProblemCode::ManagerLoop]);
}

#[test]
fn roles_members_and_the_skip_rules() {
    let (_d, mut ws) = workspace();
    ws.assign_role(&RoleRef::Name("super_admin".into()), "ceo")
        .unwrap();
    ws.assign_role(&RoleRef::Name("super_admin".into()), "sales")
        .unwrap();
    let none = Input::default();
    let c = route(
        &mut ws,
        &one_step(r#"{"kind":"role","role":"super_admin"}"#),
        "rep1",
        none,
    );
    assert_eq!(who(&c), vec!["ceo+sales"]);
    let c = route(
        &mut ws,
        &one_step(r#"{"kind":"role","role":"nobody"}"#),
        "rep1",
        none,
    );
    assert_eq!(codes(&c), vec![ProblemCode::NoApprover]);
    let c = route(
        &mut ws,
        &one_step(r#"{"kind":"member","userid":"fin"}"#),
        "rep1",
        none,
    );
    assert_eq!(codes(&c), vec![ProblemCode::InactiveApprover]);
    // The applicant is skipped in their own chain; an approver of an earlier step is skipped.
    let t = template(
        r#"[{"steps":[{"approver":{"kind":"manager"}},
                      {"approver":{"kind":"department_head","level":2}},
                      {"approver":{"kind":"member","userid":"rep2"}},
                      {"approver":{"kind":"role","role":"super_admin"},"mode":"any"}]}]"#,
    );
    let c = route(&mut ws, &t, "rep2", none);
    assert_eq!(who(&c), vec!["sales", "-", "-", "ceo"], "{c:?}");
    assert_eq!(c.steps[1].skip_reason, Some(SkipReason::Duplicate));
    assert_eq!(c.steps[2].skip_reason, Some(SkipReason::Own));
    assert!(c.sound());
    // The JSON speaks the issue's words.
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["steps"][2]["skip_reason"], "self");
    assert_eq!(json["steps"][3]["mode"], "any");
}

#[test]
fn the_first_matching_route_is_taken() {
    let (_d, mut ws) = workspace();
    let t = template(
        r#"[{"when":{"department":"公司/研发部"},"steps":[{"approver":{"kind":"member","userid":"ceo"}}]},
            {"when":{"amount":{"lt":5000}},"steps":[{"approver":{"kind":"department_head","level":1}}]},
            {"when":{"amount":{"gte":5000},"days":{"lte":3}},"steps":[{"approver":{"kind":"manager_chain","until_rank":"M2"}}]}]"#,
    );
    let at = |ws: &mut Workspace, u: &str, amount: Option<f64>, days: Option<f64>| {
        route(ws, &t, u, Input { amount, days })
    };
    assert_eq!(at(&mut ws, "dev1", None, None).route, Some(0));
    assert_eq!(at(&mut ws, "rep1", Some(4999.0), None).route, Some(1));
    let c = at(&mut ws, "rep1", Some(5000.0), Some(2.0));
    assert_eq!(
        (c.route, who(&c)),
        (Some(2), vec!["east".into(), "sales".into()])
    );
    // 5,000 over more than 3 days, or no amount at all: no route.
    for c in [
        at(&mut ws, "rep1", Some(5000.0), Some(4.0)),
        at(&mut ws, "rep1", None, None),
    ] {
        assert_eq!((c.route, codes(&c)), (None, vec![ProblemCode::NoRoute]));
    }
}

#[test]
fn the_check_runs_every_band_for_active_members_only() {
    let (_d, mut ws) = workspace();
    ws.save_approval_template(&template(
        r#"[{"when":{"amount":{"lt":1000}},"steps":[{"approver":{"kind":"department_head"}}]},
            {"when":{"amount":{"gte":2000}},"steps":[{"approver":{"kind":"manager_chain","until_rank":"M2"}}]}]"#,
    ))
    .unwrap();
    let breaks = ws.approval_check(Lang::ZhCn).unwrap();
    let of = |u: &str| -> Vec<(Option<u32>, ProblemCode)> {
        breaks
            .iter()
            .filter(|b| b.applicant == u)
            .map(|b| (b.route, b.code))
            .collect()
    };
    // The gap 1,000–2,000 has no route, for everyone.
    assert!(of("rep1").contains(&(None, ProblemCode::NoRoute)));
    assert_eq!(of("rep1").len(), 1, "{breaks:?}");
    assert!(of("dev1").contains(&(Some(0), ProblemCode::NoApprover)));
    assert!(of("fin1").contains(&(Some(0), ProblemCode::InactiveApprover)));
    // The ceo has no head above, nor anyone of M2 above.
    assert!(of("ceo").contains(&(Some(1), ProblemCode::RankUnreached)));
    // Departed and frozen members never apply.
    assert!(of("fin").is_empty() && of("gone").is_empty());
    // What the app gets: the same breaks counted, per code, and only the first few listed.
    let summary = ws.approval_check_summary(3, Lang::ZhCn).unwrap();
    assert_eq!(summary.total as usize, breaks.len());
    assert_eq!(summary.breaks, breaks[..3].to_vec());
    let no_route = breaks
        .iter()
        .filter(|b| b.code == ProblemCode::NoRoute)
        .count() as u32;
    assert!(summary.by_code.contains(&(ProblemCode::NoRoute, no_route)));
    assert_eq!(
        summary.by_code.iter().map(|(_, n)| n).sum::<u32>(),
        summary.total
    );
}

#[test]
fn templates_round_trip_and_every_change_is_undoable() {
    let (dir, mut ws) = workspace();
    let builtin = ws.approval_templates(Lang::ZhCn).unwrap();
    assert!(builtin.iter().all(|t| !t.in_workspace) && builtin.len() >= 6);
    let added = ws.add_approval_template("purchase").unwrap();
    let out = dir.path().join("purchase.json");
    ws.export_approval_template("purchase", &out).unwrap();
    ws.delete_approval_template("purchase").unwrap();
    let back = ws.add_approval_template(out.to_str().unwrap()).unwrap();
    assert_eq!(added, back);
    assert!(ws.approval_templates(Lang::ZhCn).unwrap()[0].in_workspace);
    ws.undo().unwrap();
    assert!(ws
        .approval_templates(Lang::ZhCn)
        .unwrap()
        .iter()
        .all(|t| !t.in_workspace));
    ws.undo().unwrap(); // the delete
    assert!(ws.approval_templates(Lang::ZhCn).unwrap()[0].in_workspace);
    // Ranks are undone too.
    ws.set_ranks(&["A".to_string()]).unwrap();
    ws.undo().unwrap();
    assert_eq!(ws.ranks().unwrap().ranks.len(), 6);
    // An export never lands on a workspace.
    let e = ws
        .export_approval_template("purchase", &dir.path().join("a.orgdesk"))
        .unwrap_err();
    assert_eq!(e.code, orgdesk_core::ErrorCode::UnsafeOutput);
}

mod random {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// On random trees with random heads, managers (loops allowed) and ranks, every chain
        /// ends, never has the applicant as an approver and never repeats one.
        #[test]
        fn chains_end_without_the_applicant_or_repeats(
            parents in proptest::collection::vec(0usize..100, 1..8),
            people in proptest::collection::vec((0usize..100, any::<bool>(), 0usize..100, 0usize..4), 2..14),
        ) {
            let dir = TempDir::new().unwrap();
            let mut ws = Workspace::create(&dir.path().join("r.orgdesk"), "R", Platform::Wecom, Source::Cli).unwrap();
            let mut paths = vec!["R".to_string()];
            for (i, parent) in parents.iter().enumerate() {
                let path = format!("{}/D{i}", paths[parent % paths.len()]);
                paths.push(path);
            }
            let ranks = ["P1", "P2", "M1", "M2"];
            for (i, (dept, leads, _, rank)) in people.iter().enumerate() {
                let path = paths[dept % paths.len()].clone();
                add(&mut ws, M { userid: &format!("u{i}"), dept: &path, leads: *leads, manager: None, rank: Some(ranks[*rank]), status: MemberStatus::Active });
            }
            for (i, (_, _, manager, _)) in people.iter().enumerate() {
                let target = manager % (people.len() + 1);
                if target < people.len() && target != i {
                    let mut input = ws.member(&format!("u{i}")).unwrap().to_input();
                    input.fields.manager = Some(format!("u{target}"));
                    ws.update_member(&format!("u{i}"), &input).unwrap();
                }
            }
            ws.set_ranks(&ranks.map(String::from)).unwrap();
            for (i, (_, _, _, rank)) in people.iter().enumerate() {
                if *rank == 3 {
                    ws.assign_role(&RoleRef::Name("super_admin".into()), &format!("u{i}")).unwrap();
                }
            }
            let t = template(
                r#"[{"steps":[{"approver":{"kind":"department_head","level":1}},
                              {"approver":{"kind":"manager","levels":2}},
                              {"approver":{"kind":"manager_chain","until_rank":"M2"}},
                              {"approver":{"kind":"department_head","level":2},"mode":"any"},
                              {"approver":{"kind":"role","role":"super_admin"}}]}]"#,
            );
            ws.save_approval_template(&t).unwrap();
            for i in 0..people.len() {
                let u = format!("u{i}");
                let c = ws.approval_route("t", &u, Input::default(), Lang::EnUs).unwrap();
                let approvers: Vec<&str> = c.steps.iter().flat_map(|s| &s.approvers).map(|a| a.userid.as_str()).collect();
                prop_assert!(!approvers.contains(&u.as_str()), "{u} approves their own: {c:?}");
                let mut unique = approvers.clone();
                unique.sort();
                unique.dedup();
                prop_assert_eq!(unique.len(), approvers.len(), "a repeated approver: {:?}", c);
                prop_assert!(c.steps.len() <= people.len() + 3);
            }
            ws.approval_check(Lang::EnUs).unwrap();
        }
    }
}

mod efficiency {
    use super::*;
    use rust_xlsxwriter::Workbook;

    /// Records of three departments written as a console export would (a title row above the
    /// header, Excel date-times, statuses in words).
    fn records_file(dir: &TempDir) -> std::path::PathBuf {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write(0, 0, "审批数据导出 2026-10").unwrap();
        let header = [
            "审批编号",
            "审批类型",
            "申请人",
            "申请人部门",
            "提交时间",
            "完成时间",
            "状态",
            "审批人",
        ];
        for (c, h) in header.iter().enumerate() {
            sheet.write(1, c as u16, *h).unwrap();
        }
        let fmt = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm");
        // (number, template, applicant, department, submitted day 1 + hours, duration hours, status, approvers)
        type Row<'a> = (
            &'a str,
            &'a str,
            &'a str,
            &'a str,
            f64,
            Option<f64>,
            &'a str,
            &'a str,
        );
        let rows: Vec<Row> = vec![
            (
                "A1",
                "采购",
                "rep1",
                "华东区",
                0.0,
                Some(2.0),
                "已通过",
                "east",
            ),
            (
                "A2",
                "采购",
                "rep1",
                "华东区",
                1.0,
                Some(4.0),
                "已通过",
                "east",
            ),
            (
                "A3",
                "报销",
                "rep2",
                "华东区",
                2.0,
                Some(6.0),
                "已拒绝",
                "east,sales",
            ),
            (
                "B1",
                "采购",
                "dev1",
                "公司/研发部",
                0.0,
                Some(10.0),
                "已通过",
                "ceo",
            ),
            (
                "B2",
                "报销",
                "dev1",
                "公司/研发部",
                0.0,
                Some(30.0),
                "已通过",
                "ceo",
            ),
            (
                "C1",
                "报销",
                "fin1",
                "财务部",
                0.0,
                Some(48.0),
                "通过",
                "名ceo",
            ),
            ("C2", "报销", "fin1", "财务部", 0.0, None, "审批中", ""),
            ("C3", "报销", "fin1", "财务部", 0.0, None, "已撤销", ""),
        ];
        let base = 46296.375; // 2026-10-01 09:00
        for (i, r) in rows.iter().enumerate() {
            let row = i as u32 + 2;
            sheet.write(row, 0, r.0).unwrap();
            sheet.write(row, 1, r.1).unwrap();
            sheet.write(row, 2, r.2).unwrap();
            sheet.write(row, 3, r.3).unwrap();
            let submitted = base + r.4 / 24.0;
            sheet
                .write_number_with_format(row, 4, submitted, &fmt)
                .unwrap();
            if let Some(h) = r.5 {
                sheet
                    .write_number_with_format(row, 5, submitted + h / 24.0, &fmt)
                    .unwrap();
            }
            sheet.write(row, 6, r.6).unwrap();
            sheet.write(row, 7, r.7).unwrap();
        }
        let path = dir.path().join("records.xlsx");
        book.save(&path).unwrap();
        path
    }

    #[test]
    fn medians_percentiles_and_the_top_30() {
        let (dir, mut ws) = workspace();
        let file = records_file(&dir);
        let r = ws
            .import_approval_records(&file, false, false, Lang::ZhCn)
            .unwrap();
        assert!(r.committed && r.problems.is_empty(), "{r:?}");
        assert_eq!((r.added, r.replaced), (8, 0));
        let e = ws.approval_efficiency(None, None, Lang::EnUs).unwrap();
        assert_eq!((e.records, e.completed, e.pending), (8, 6, 1));
        let d: Vec<(&str, u32, f64, f64, u32, f64, bool)> = e
            .departments
            .iter()
            .map(|d| {
                (
                    d.department.as_str(),
                    d.timing.count,
                    d.timing.median_hours,
                    d.timing.p90_hours,
                    d.rank,
                    d.percentile,
                    d.top30,
                )
            })
            .collect();
        // Leaf names unique in the tree become full paths.
        assert_eq!(
            d,
            vec![
                ("公司/销售部/华东区", 3, 4.0, 5.6, 1, 0.0, true),
                ("公司/研发部", 2, 20.0, 28.0, 2, 33.33, false),
                ("公司/财务部", 1, 48.0, 48.0, 3, 66.67, false),
            ]
        );
        assert!(e.departments[0].remedy.is_none() && e.departments[1].remedy.is_some());
        // Approvers named by account or by a unique name are matched to members.
        let slow = &e.slowest_approvers[0];
        assert_eq!(
            (slow.approver.as_str(), slow.userid.as_deref()),
            ("名ceo", Some("ceo"))
        );
        let purchase = e.templates.iter().find(|t| t.template == "采购").unwrap();
        assert_eq!(
            (purchase.timing.count, purchase.timing.median_hours),
            (3, 4.0)
        );
        // A re-import replaces instead of double counting; undo takes it back.
        let again = ws
            .import_approval_records(&file, false, false, Lang::ZhCn)
            .unwrap();
        assert_eq!((again.added, again.replaced), (0, 8));
        assert_eq!(
            ws.approval_efficiency(None, None, Lang::EnUs)
                .unwrap()
                .records,
            8
        );
        ws.undo().unwrap();
        ws.undo().unwrap();
        assert_eq!(
            ws.approval_efficiency(None, None, Lang::EnUs)
                .unwrap()
                .records,
            0
        );
    }

    #[test]
    fn bad_rows_are_named_and_nothing_is_written_unless_skipped() {
        let (dir, mut ws) = workspace();
        let path = dir.path().join("records.csv");
        std::fs::write(
            &path,
            "单号,发起人,发起时间,结束时间,审批结果\n\
             X1,rep1,2026-10-01 09:00,2026-10-01 11:00,同意\n\
             X2,rep1,昨天,2026-10-01 11:00,同意\n\
             X3,rep1,2026-10-02 09:00,2026-10-01 11:00,同意\n\
             X4,rep1,2026-10-02 09:00,,maybe\n\
             X1,rep1,2026-10-01 09:00,2026-10-01 12:00,同意\n",
        )
        .unwrap();
        let r = ws
            .import_approval_records(&path, false, false, Lang::EnUs)
            .unwrap();
        assert!(!r.committed);
        let codes: Vec<(u32, &str)> = r
            .problems
            .iter()
            .map(|p| (p.row, p.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            vec![
                (3, "record_time_invalid"),
                (4, "record_finished_before"),
                (5, "record_status_unknown"),
                (6, "record_number_twice"),
            ]
        );
        assert_eq!(
            ws.approval_efficiency(None, None, Lang::EnUs)
                .unwrap()
                .records,
            0
        );
        let r = ws
            .import_approval_records(&path, true, false, Lang::EnUs)
            .unwrap();
        assert!(r.committed && r.added == 1);
        let e =
            ws.import_approval_records(&dir.path().join("missing.xlsx"), false, false, Lang::EnUs);
        assert!(e.is_err());
        std::fs::write(&path, "a,b\n1,2\n").unwrap();
        let e = ws
            .import_approval_records(&path, false, false, Lang::EnUs)
            .unwrap_err();
        assert_eq!(e.key, "records_no_header");
    }
}
