//! Customer contact on hand-made data in a real workspace file: a customer export written by a
//! real spreadsheet writer, owners (leavers too), orders matched by mobile, name or id, tags in
//! three layers, and RFM segments by the mean and by quintile.

use orgdesk_core::customers::rfm::{Rfm, RfmOptions, Scoring};
use orgdesk_core::customers::{CustomerFilter, Layer, TagEdit};
use orgdesk_core::progress::Silent;
use orgdesk_core::{
    DepartmentRef, Lang, MemberFields, MemberInput, MemberStatus, Platform, Source, Workspace,
};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// 门店 with 店长 (boss), 导购 (s1, s2) and a leaver (gone, departed).
fn workspace() -> (TempDir, Workspace) {
    let dir = TempDir::new().unwrap();
    let mut ws = Workspace::create(
        &dir.path().join("c.orgdesk"),
        "鲜果",
        Platform::Wecom,
        Source::Cli,
    )
    .unwrap();
    for (userid, name, status) in [
        ("boss", "店长甲", MemberStatus::Active),
        ("s1", "导购一", MemberStatus::Active),
        ("s2", "导购二", MemberStatus::Active),
        ("gone", "已离职", MemberStatus::Departed),
    ] {
        ws.add_member(&MemberInput {
            userid: Some(userid.into()),
            fields: MemberFields {
                name: name.into(),
                status,
                ..Default::default()
            },
            departments: vec![DepartmentRef::Path("鲜果/门店".into())],
            leader_of: vec![],
        })
        .unwrap();
    }
    (dir, ws)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The columns of `wecom_export`.
const WECOM_EXPORT_HEADER: [&str; 8] = [
    "客户名称",
    "客户类型",
    "添加人",
    "添加人账号",
    "添加时间",
    "标签",
    "企业名称",
    "手机号",
];

/// A customer export as WeCom writes it: a title row, then the header, one row per owner.
fn wecom_export(path: &Path, rows: &[[&str; 8]]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .write_string(0, 0, "客户列表（导出时间 2026-11-30）")
        .unwrap();
    for (c, h) in WECOM_EXPORT_HEADER.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 2, c as u16, *v).unwrap();
        }
    }
    book.save(path).unwrap();
}

#[test]
fn a_customer_added_by_two_members_is_one_customer_with_two_owners() {
    let (dir, mut ws) = workspace();
    let file = dir.path().join("客户.xlsx");
    wecom_export(
        &file,
        &[
            [
                "王小明",
                "微信",
                "导购一",
                "s1",
                "2026-09-01 10:00",
                "高意向，购买偏好:车厘子",
                "",
                "139 1234 5678",
            ],
            [
                "王小明",
                "微信",
                "导购二",
                "s2",
                "2026-09-05 11:00",
                "地区:杭州",
                "",
                "+86 13912345678",
            ],
            [
                "李华",
                "企业微信",
                "已离职",
                "",
                "2026/10/1 9:30",
                "",
                "杭州某公司",
                "",
            ],
            [
                "张三",
                "微信",
                "谁也不是",
                "nobody",
                "2026-10-01",
                "",
                "",
                "",
            ],
        ],
    );
    let r = ws
        .import_customers(&file, false, false, Lang::ZhCn, &Silent)
        .unwrap();
    assert!(!r.committed);
    let codes: Vec<(u32, &str)> = r
        .problems
        .iter()
        .map(|p| (p.row, p.code.as_str()))
        .collect();
    assert_eq!(codes, [(6, "customer_owner_unknown")]);
    assert!(ws
        .customers(&CustomerFilter::default(), None, Lang::ZhCn)
        .unwrap()
        .is_empty());
    // The error workbook has the row as the file had it and the reason.
    let errors = dir.path().join("errors.xlsx");
    assert_eq!(r.write_errors(&errors, Lang::ZhCn).unwrap(), 1);
    let mut book = calamine::open_workbook_auto(&errors).unwrap();
    use calamine::Reader;
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<String> = sheet.cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(cells.contains(&"nobody".to_string()) && cells.iter().any(|c| c.contains("nobody")));
    // Only the file's own columns, in its words, between the row and the reason.
    let header: Vec<String> = (0..sheet.width())
        .map(|c| sheet.get((0, c)).unwrap().to_string())
        .collect();
    assert_eq!(header[1..header.len() - 1], WECOM_EXPORT_HEADER);

    let r = ws
        .import_customers(&file, true, false, Lang::ZhCn, &Silent)
        .unwrap();
    assert!(r.committed);
    assert_eq!((r.added, r.owners_added, r.tags_added), (2, 3, 3));
    let all = ws
        .customers(&CustomerFilter::default(), None, Lang::ZhCn)
        .unwrap();
    assert_eq!(all.len(), 2);
    let wang = all.iter().find(|c| c.name == "王小明").unwrap();
    assert_eq!(wang.mobile.as_deref(), Some("13912345678"));
    let owners: Vec<&str> = wang.owners.iter().map(|o| o.userid.as_str()).collect();
    assert_eq!(owners, ["s1", "s2"]);
    let layers: Vec<(&str, Layer)> = wang
        .tags
        .iter()
        .map(|t| (t.name.as_str(), t.layer))
        .collect();
    assert!(layers.contains(&("车厘子", Layer::Behaviour)));
    assert!(layers.contains(&("杭州", Layer::Basic)));
    // A leaver's customers exist: 李华 stays with 已离职 until handed over.
    let li = all.iter().find(|c| c.name == "李华").unwrap();
    assert_eq!(li.owners[0].status, MemberStatus::Departed);
    // Filters by owner and tag.
    let of = |owner: Option<&str>, tag: Option<&str>| {
        ws.customers(
            &CustomerFilter {
                owner: owner.map(Into::into),
                tag: tag.map(Into::into),
                ..Default::default()
            },
            None,
            Lang::ZhCn,
        )
        .unwrap()
        .len()
    };
    assert_eq!(of(Some("s2"), None), 1);
    assert_eq!(of(Some("gone"), None), 1);
    assert_eq!(of(None, Some("购买偏好:车厘子")), 1);
    assert_eq!(of(None, Some("杭州")), 1);
    // One undo takes the import back, tags made by it too; redo brings the same back.
    let before = ws
        .customers(&CustomerFilter::default(), None, Lang::ZhCn)
        .unwrap();
    ws.undo().unwrap();
    assert!(ws
        .customers(&CustomerFilter::default(), None, Lang::ZhCn)
        .unwrap()
        .is_empty());
    assert!(ws.tag_groups().unwrap().is_empty());
    ws.redo().unwrap();
    assert_eq!(
        ws.customers(&CustomerFilter::default(), None, Lang::ZhCn)
            .unwrap(),
        before
    );
    // Importing again adds no one: the same customers and owners.
    let r = ws
        .import_customers(&file, true, false, Lang::ZhCn, &Silent)
        .unwrap();
    assert_eq!((r.added, r.owners_added, r.tags_added), (0, 0, 0));
    assert_eq!(
        ws.customers(&CustomerFilter::default(), None, Lang::ZhCn)
            .unwrap()
            .len(),
        2
    );
}

fn customers_csv(dir: &Path, names: &[(&str, &str)]) -> PathBuf {
    let mut text = String::from("客户名称,手机,添加人账号\n");
    for (name, mobile) in names {
        text.push_str(&format!("{name},{mobile},s1\n"));
    }
    write(dir, "customers.csv", &text)
}

#[test]
fn orders_find_their_customer_by_mobile_name_or_id() {
    let (dir, mut ws) = workspace();
    let file = customers_csv(
        dir.path(),
        &[
            ("甲", "13900000001"),
            ("乙", ""),
            ("同名", "13900000003"),
            ("同名", "13900000004"),
        ],
    );
    assert!(
        ws.import_customers(&file, false, false, Lang::ZhCn, &Silent)
            .unwrap()
            .committed
    );
    let all = ws
        .customers(&CustomerFilter::default(), None, Lang::ZhCn)
        .unwrap();
    let id_of = |n: &str, m: &str| {
        all.iter()
            .find(|c| c.name == n && c.mobile.as_deref().unwrap_or("") == m)
            .unwrap()
            .id
    };
    let orders = write(
        dir.path(),
        "orders.csv",
        &format!(
            "订单号,客户,客户手机,客户ID,下单时间,金额\n\
             O1,,139-0000-0001,,2026-11-01 10:00,100\n\
             O2,乙,,,2026-11-02 10:00,¥50.5\n\
             O3,同名,13900000004,,2026-11-03 10:00,30\n\
             O4,,,{},2026-11-04 10:00,20\n\
             O5,同名,,,2026-11-05 10:00,10\n\
             O6,丙,,,2026-11-06 10:00,10\n",
            id_of("同名", "13900000003")
        ),
    );
    let r = ws
        .import_orders(&orders, false, false, Lang::ZhCn, &Silent)
        .unwrap();
    assert!(!r.committed);
    let codes: Vec<(u32, &str)> = r
        .problems
        .iter()
        .map(|p| (p.row, p.code.as_str()))
        .collect();
    assert_eq!(
        codes,
        [(6, "order_customer_ambiguous"), (7, "unmatched_customer")]
    );
    let r = ws
        .import_orders(&orders, true, false, Lang::ZhCn, &Silent)
        .unwrap();
    assert_eq!((r.added, r.updated), (4, 0));
    let count = |ws: &Workspace, n: &str, m: &str| {
        ws.customers(&CustomerFilter::default(), None, Lang::ZhCn)
            .unwrap()
            .into_iter()
            .find(|c| c.name == n && c.mobile.as_deref().unwrap_or("") == m)
            .unwrap()
            .orders
    };
    assert_eq!(count(&ws, "甲", "13900000001"), 1);
    assert_eq!(count(&ws, "乙", ""), 1);
    assert_eq!(count(&ws, "同名", "13900000003"), 1);
    assert_eq!(count(&ws, "同名", "13900000004"), 1);
    // The same orders again replace themselves by number.
    let r = ws
        .import_orders(&orders, true, false, Lang::ZhCn, &Silent)
        .unwrap();
    assert_eq!((r.added, r.updated), (0, 4));
    assert_eq!(count(&ws, "甲", "13900000001"), 1);
    // Undo puts the replaced orders back; undo again removes them.
    ws.undo().unwrap();
    assert_eq!(count(&ws, "甲", "13900000001"), 1);
    ws.undo().unwrap();
    assert_eq!(count(&ws, "甲", "13900000001"), 0);
    ws.redo().unwrap();
    assert_eq!(count(&ws, "同名", "13900000004"), 1);
}

/// Eight customers, one per segment: R 10 or 100 days, F 1 or 5 orders, M 100 or 1,000.
fn eight(dir: &Path, ws: &mut Workspace) {
    let names: Vec<String> = (0..8).map(|i| format!("客户{i}")).collect();
    let list: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "")).collect();
    ws.import_customers(
        &customers_csv(dir, &list),
        false,
        false,
        Lang::ZhCn,
        &Silent,
    )
    .unwrap();
    let as_of = time::Date::from_calendar_date(2026, time::Month::December, 31).unwrap();
    let mut text = String::from("客户,下单时间,金额\n");
    for (i, name) in names.iter().enumerate() {
        let r = if i & 1 == 0 { 10 } else { 100 };
        let f = if i & 2 == 0 { 5 } else { 1 };
        let m = if i & 4 == 0 { 1000.0 } else { 100.0 };
        for k in 0..f {
            let day = as_of - time::Duration::days(r + k);
            text.push_str(&format!("{name},{day} 12:00,{}\n", m / f as f64));
        }
    }
    // Outside the window or after the as-of date: left out.
    text.push_str("客户0,2025-12-01 10:00,99999\n客户0,2027-01-01 10:00,99999\n");
    let r = ws
        .import_orders(
            &write(dir, "orders.csv", &text),
            false,
            false,
            Lang::ZhCn,
            &Silent,
        )
        .unwrap();
    assert!(r.committed, "{:?}", r.problems);
}

fn segment(r: &Rfm, name: &str) -> String {
    r.customers
        .iter()
        .find(|c| c.name == name)
        .unwrap()
        .segment
        .clone()
}

#[test]
fn rfm_names_every_segment_against_the_mean() {
    let (dir, mut ws) = workspace();
    eight(dir.path(), &mut ws);
    let r = ws
        .rfm(Some("2026-12-31"), None, Scoring::Mean, Lang::ZhCn)
        .unwrap();
    assert_eq!(r.window_days, 365);
    let t = r.thresholds.as_ref().unwrap();
    assert_eq!((t.r, t.f, t.m), (55.0, 3.0, 550.0));
    for (i, key) in [
        "important_value",
        "important_retention",
        "important_development",
        "important_winback",
        "general_value",
        "general_retention",
        "general_development",
        "general_winback",
    ]
    .iter()
    .enumerate()
    {
        assert_eq!(segment(&r, &format!("客户{i}")), *key, "客户{i}");
    }
    assert!(r.segments.iter().all(|s| s.count == 1));
    let c0 = r.customers.iter().find(|c| c.name == "客户0").unwrap();
    assert_eq!((c0.r, c0.f, c0.m), (10, 5, 1000.0));
    assert_eq!(c0.owners, ["s1"]);
    let value = r
        .segments
        .iter()
        .find(|s| s.key == "important_value")
        .unwrap();
    assert_eq!(
        (value.name.as_str(), value.revenue),
        ("重要价值客户", 1000.0)
    );
    // A shorter window leaves out the customers whose orders are older.
    let r = ws
        .rfm(Some("2026-12-31"), Some(50), Scoring::Mean, Lang::ZhCn)
        .unwrap();
    assert_eq!(r.customers.len(), 4);
    // The segment becomes the value tag; the list filters by it.
    ws.apply_rfm(Some("2026-12-31"), None, Scoring::Mean, Lang::ZhCn)
        .unwrap();
    let groups = ws.tag_groups().unwrap();
    let value = groups.iter().find(|g| g.layer == Layer::Value).unwrap();
    assert_eq!(value.tags.len(), 8);
    assert!(value.tags.iter().all(|t| t.customers == 1));
    let tagged = ws
        .customers(
            &CustomerFilter {
                tag: Some("重要价值客户".into()),
                ..Default::default()
            },
            None,
            Lang::ZhCn,
        )
        .unwrap();
    assert_eq!(tagged[0].name, "客户0");
}

#[test]
fn rfm_by_quintile_scores() {
    let (dir, mut ws) = workspace();
    let names: Vec<String> = (1..=10).map(|i| format!("顾客{i:02}")).collect();
    let list: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "")).collect();
    ws.import_customers(
        &customers_csv(dir.path(), &list),
        false,
        false,
        Lang::ZhCn,
        &Silent,
    )
    .unwrap();
    // Customer i: i orders of 10 each, the last i days before the as-of date.
    let mut text = String::from("客户,下单时间,金额\n");
    let as_of = time::Date::from_calendar_date(2026, time::Month::June, 30).unwrap();
    for (i, name) in names.iter().enumerate() {
        let n = i as i64 + 1;
        for k in 0..n {
            text.push_str(&format!(
                "{name},{} 09:00,10\n",
                as_of - time::Duration::days(n + k)
            ));
        }
    }
    ws.import_orders(
        &write(dir.path(), "o.csv", &text),
        false,
        false,
        Lang::ZhCn,
        &Silent,
    )
    .unwrap();
    let r = ws
        .rfm(Some("2026-06-30"), None, Scoring::Quintile, Lang::ZhCn)
        .unwrap();
    let t = r.thresholds.as_ref().unwrap();
    // F and M high above the 60th percentile (6.4 orders, 64); R high below the 40th (4.6 days).
    assert_eq!((t.r, t.f, t.m), (4.6, 6.4, 64.0));
    assert_eq!(segment(&r, "顾客01"), "general_development");
    assert_eq!(segment(&r, "顾客06"), "general_winback");
    assert_eq!(segment(&r, "顾客07"), "important_retention");
    // Against the mean (5.5) the same customers split differently.
    let r = ws
        .rfm(Some("2026-06-30"), None, Scoring::Mean, Lang::ZhCn)
        .unwrap();
    assert_eq!(segment(&r, "顾客06"), "important_retention");
}

#[test]
fn tags_are_added_renamed_merged_and_deleted() {
    let (dir, mut ws) = workspace();
    let file = write(
        dir.path(),
        "c.csv",
        "客户名称,添加人账号,标签\n甲,s1,地区:杭州\n乙,s1,地区:杭州市\n丙,s2,兴趣:水果\n",
    );
    ws.import_customers(&file, false, false, Lang::ZhCn, &Silent)
        .unwrap();
    ws.edit_tags(&TagEdit::Merge {
        from: "杭州市".into(),
        into: "地区:杭州".into(),
    })
    .unwrap();
    let groups = ws.tag_groups().unwrap();
    let region = groups.iter().find(|g| g.name == "地区").unwrap();
    assert_eq!(region.tags.len(), 1);
    assert_eq!(region.tags[0].customers, 2);
    assert_eq!(
        groups.iter().find(|g| g.name == "兴趣").unwrap().layer,
        Layer::Behaviour
    );
    ws.edit_tags(&TagEdit::Rename {
        target: "地区".into(),
        to: "城市".into(),
        group: true,
    })
    .unwrap();
    ws.edit_tags(&TagEdit::AddTag {
        group: "城市".into(),
        name: "宁波".into(),
    })
    .unwrap();
    let e = ws
        .edit_tags(&TagEdit::AddTag {
            group: "城市".into(),
            name: "宁波".into(),
        })
        .unwrap_err();
    assert_eq!(e.key, "tag_exists");
    let e = ws
        .edit_tags(&TagEdit::AddGroup {
            name: "价值".into(),
            layer: Layer::Value,
        })
        .unwrap_err();
    assert_eq!(e.key, "tag_value_layer_computed");
    ws.edit_tags(&TagEdit::Delete {
        target: "城市".into(),
        group: true,
    })
    .unwrap();
    let groups = ws.tag_groups().unwrap();
    assert_eq!(groups.len(), 1);
    // Each edit is undoable.
    ws.undo().unwrap();
    assert_eq!(ws.tag_groups().unwrap().len(), 2);
}

#[test]
fn limits_are_findings_with_the_member_and_the_figure() {
    let (dir, mut ws) = workspace();
    let rows = |owner: &str, from: u32, count: u32| -> String {
        (from..from + count)
            .map(|i| format!("客户{i},139{i:08},{owner}\n"))
            .collect()
    };
    let file = write(
        dir.path(),
        "many.csv",
        &format!(
            "客户名称,手机,添加人账号\n{}{}",
            rows("s1", 0, 2001),
            rows("s2", 10_000, 2000)
        ),
    );
    let r = ws
        .import_customers(&file, false, false, Lang::EnUs, &Silent)
        .unwrap();
    assert!(r.committed);
    let codes = |ws: &Workspace| -> Vec<(String, Option<String>, u32, u32)> {
        ws.customer_findings(Lang::EnUs)
            .unwrap()
            .into_iter()
            .map(|f| (f.code, f.member, f.count, f.limit))
            .collect()
    };
    // s1 just over 2,000 is asked to group; s2 at exactly 2,000 is not; 4,001 customers are over
    // an unverified organisation's 200.
    assert_eq!(
        codes(&ws),
        [
            (
                "group_customers".to_string(),
                Some("s1".to_string()),
                2001,
                2000
            ),
            ("unverified_over_cap".to_string(), None, 4001, 200),
        ]
    );
    let findings = ws.customer_findings(Lang::ZhCn).unwrap();
    assert!(findings[0].message.contains("导购一"));
    assert!(!findings[0].source.is_empty());
    ws.set_certification(
        &orgdesk_core::setup::certification::CertificationInput {
            method: "corporate_account".into(),
            submitted_on: Some("2026-10-01".into()),
            approved_on: Some("2026-10-03".into()),
            ready: vec![],
        },
        Lang::ZhCn,
    )
    .unwrap();
    assert_eq!(codes(&ws).len(), 1);
    // Over 5,000: over the member's cap too.
    let more = write(
        dir.path(),
        "more.csv",
        &format!("客户名称,手机,添加人账号\n{}", rows("s1", 20_000, 3000)),
    );
    ws.import_customers(&more, false, false, Lang::EnUs, &Silent)
        .unwrap();
    let found = codes(&ws);
    assert_eq!(
        found[0],
        (
            "member_over_cap".to_string(),
            Some("s1".to_string()),
            5001,
            5000
        )
    );
    assert_eq!(found.len(), 2);
    // The checklist's item follows.
    let c = ws.checklist(Lang::EnUs).unwrap();
    let item = c
        .steps
        .iter()
        .flat_map(|s| &s.items)
        .find(|i| i.key == "customer_limits")
        .unwrap();
    assert!(!item.done);
}

/// 门店: boss (the head, `boss_status`), s1, s2; gone has left. gone owns 250 customers, s1 two,
/// s2 one; s1 also owns gone's first customer.
fn handover_workspace(boss_status: MemberStatus) -> (TempDir, Workspace) {
    let dir = TempDir::new().unwrap();
    let mut ws = Workspace::create(
        &dir.path().join("h.orgdesk"),
        "鲜果",
        Platform::Wecom,
        Source::Cli,
    )
    .unwrap();
    for (userid, status, head) in [
        ("boss", boss_status, true),
        ("s1", MemberStatus::Active, false),
        ("s2", MemberStatus::Active, false),
        ("gone", MemberStatus::Departed, false),
    ] {
        ws.add_member(&MemberInput {
            userid: Some(userid.into()),
            fields: MemberFields {
                name: format!("名{userid}"),
                status,
                ..Default::default()
            },
            departments: vec![DepartmentRef::Path("鲜果/门店".into())],
            leader_of: if head {
                vec![DepartmentRef::Path("鲜果/门店".into())]
            } else {
                vec![]
            },
        })
        .unwrap();
    }
    let mut text = String::from("客户名称,添加人账号,添加时间\n");
    for i in 0..250 {
        text.push_str(&format!("老客{i:03},gone,2026-01-01 10:{:02}\n", i % 60));
    }
    text.push_str("老客000,s1,2026-02-01\n甲,s1,2026-02-01\n乙,s1,2026-02-01\n丙,s2,2026-02-01\n");
    let file = write(dir.path(), "c.csv", &text);
    assert!(
        ws.import_customers(&file, false, false, Lang::ZhCn, &Silent)
            .unwrap()
            .committed
    );
    (dir, ws)
}

#[test]
fn a_leavers_customers_go_to_the_head_else_the_colleague_with_the_fewest() {
    use orgdesk_core::customers::handover::ChosenBy;
    let (dir, mut ws) = handover_workspace(MemberStatus::Active);
    let plan = ws.handover_plan("gone", None, Lang::ZhCn).unwrap();
    assert_eq!(
        (plan.to.as_deref(), plan.chosen_by),
        (Some("boss"), Some(ChosenBy::DepartmentHead))
    );
    assert_eq!(
        (plan.customers.len(), plan.batches, plan.per_transfer),
        (250, 3, 100)
    );
    assert_eq!(plan.customers[249].batch, 3);
    let given = ws.handover_plan("gone", Some("s1"), Lang::ZhCn).unwrap();
    assert_eq!(given.chosen_by, Some(ChosenBy::Given));
    assert!(
        given
            .customers
            .iter()
            .find(|c| c.name == "老客000")
            .unwrap()
            .already_theirs
    );
    assert_eq!(
        ws.handover_plan("s1", None, Lang::ZhCn).unwrap_err().key,
        "handover_not_leaving"
    );
    assert_eq!(
        ws.handover_plan("gone", Some("gone"), Lang::ZhCn)
            .unwrap_err()
            .key,
        "handover_successor_inactive"
    );
    // The sheet, and the move: only gone's customers change hands.
    let sheet = dir.path().join("交接.xlsx");
    orgdesk_core::customers::handover::write_sheet(&given, &sheet, Lang::ZhCn).unwrap();
    assert!(sheet.exists());
    let leaver_item = |ws: &Workspace| {
        ws.checklist(Lang::ZhCn)
            .unwrap()
            .steps
            .iter()
            .flat_map(|s| s.items.clone())
            .find(|i| i.key == "leaver_transfer")
            .unwrap()
    };
    assert!(leaver_item(&ws).detail.is_some_and(|d| d.contains("1 位")));
    ws.apply_handover("gone", Some("s1"), Lang::ZhCn).unwrap();
    let owned = |ws: &Workspace, u: &str| {
        ws.customers(
            &CustomerFilter {
                owner: Some(u.into()),
                ..Default::default()
            },
            None,
            Lang::ZhCn,
        )
        .unwrap()
        .len()
    };
    assert_eq!(
        (owned(&ws, "gone"), owned(&ws, "s1"), owned(&ws, "s2")),
        (0, 252, 1)
    );
    assert!(leaver_item(&ws).detail.is_none());
    ws.undo().unwrap();
    assert_eq!(owned(&ws, "gone"), 250);

    // With the head frozen, the colleague with the fewest customers takes over.
    let (_dir, ws) = handover_workspace(MemberStatus::Frozen);
    let plan = ws.handover_plan("gone", None, Lang::ZhCn).unwrap();
    assert_eq!(
        (plan.to.as_deref(), plan.chosen_by),
        (Some("s2"), Some(ChosenBy::FewestCustomers))
    );
}

#[test]
fn campaigns_follow_the_month_length_and_one_send_a_day_per_member() {
    use orgdesk_core::customers::campaigns::CampaignInput;
    let (dir, mut ws) = workspace();
    let file = write(
        dir.path(),
        "c.csv",
        "客户名称,添加人账号,标签\n老王,s1,地区:杭州\n老王,s2,\n小李,s2,地区:宁波\n",
    );
    assert!(
        ws.import_customers(&file, false, false, Lang::ZhCn, &Silent)
            .unwrap()
            .committed
    );
    let send = |ws: &mut Workspace, date: String, sender: &str, tags: &[&str]| {
        ws.add_campaign(&CampaignInput {
            date,
            senders: vec![sender.into()],
            tags: tags.iter().map(|t| t.to_string()).collect(),
            text: "新品到店".into(),
            ..Default::default()
        })
        .unwrap();
    };
    let codes = |ws: &Workspace, month: &str| -> Vec<(String, u32, Vec<String>)> {
        ws.check_campaigns(Some(month), Lang::ZhCn)
            .unwrap()
            .violations
            .into_iter()
            .map(|v| {
                (
                    v.code,
                    v.limit,
                    v.customers.into_iter().chain(v.members).collect(),
                )
            })
            .collect()
    };
    // February 2026 has 28 days: s1 every day reaches 老王 28 times, within the rule.
    for d in 1..=28 {
        send(&mut ws, format!("2026-02-{d:02}"), "s1", &[]);
    }
    // Not verified yet: every campaign needs certification.
    assert_eq!(codes(&ws, "2026-02")[0].0, "needs_certification");
    ws.set_certification(
        &orgdesk_core::setup::certification::CertificationInput {
            method: "corporate_account".into(),
            submitted_on: Some("2026-01-05".into()),
            approved_on: Some("2026-01-07".into()),
            ready: vec![],
        },
        Lang::ZhCn,
    )
    .unwrap();
    assert!(codes(&ws, "2026-02").is_empty());
    // s2's send to 杭州 customers reaches 老王 (s2 owns him too) a 29th time; 小李 (宁波) is not
    // in that audience.
    send(&mut ws, "2026-02-10".into(), "s2", &["地区:杭州"]);
    assert_eq!(
        codes(&ws, "2026-02"),
        [("customer_month".to_string(), 28, vec!["老王".to_string()])]
    );
    let check = ws.check_campaigns(Some("2026-02"), Lang::ZhCn).unwrap();
    let last = check.campaigns.last().unwrap();
    assert_eq!((last.customers, last.sends), (1, 1));
    // March has 31 days: 31 sends are fine, 32 are not; April's 30 are the limit there.
    for d in 1..=31 {
        send(&mut ws, format!("2026-03-{d:02}"), "s1", &[]);
    }
    assert!(codes(&ws, "2026-03").is_empty());
    send(&mut ws, "2026-03-15".into(), "s2", &[]);
    assert_eq!(codes(&ws, "2026-03")[0].1, 31);
    for d in 1..=30 {
        send(&mut ws, format!("2026-04-{d:02}"), "s1", &[]);
    }
    send(&mut ws, "2026-04-30".into(), "s2", &["杭州"]);
    assert_eq!(codes(&ws, "2026-04")[0].1, 30);
    // One member, two mass messages on one day.
    send(&mut ws, "2026-05-01".into(), "s2", &[]);
    send(&mut ws, "2026-05-01".into(), "s2", &["宁波"]);
    assert_eq!(
        codes(&ws, "2026-05"),
        [("member_day".to_string(), 1, vec!["s2".to_string()])]
    );
    // The old "4 a month" is shown for comparison, not applied.
    assert!(ws
        .check_campaigns(Some("2026-05"), Lang::ZhCn)
        .unwrap()
        .old_rule
        .contains('4'));
    assert_eq!(ws.campaigns().unwrap().len(), 28 + 1 + 31 + 1 + 30 + 1 + 2);
}

#[test]
fn welcome_messages_reach_members_by_the_narrowest_scope_and_are_checked() {
    use orgdesk_core::customers::welcome::WelcomeScope;
    let (dir, mut ws) = workspace();
    let file = write(dir.path(), "c.csv", "客户名称,添加人账号\n甲,s1\n乙,s2\n");
    ws.import_customers(&file, false, false, Lang::ZhCn, &Silent)
        .unwrap();
    let item = |ws: &Workspace| {
        ws.checklist(Lang::ZhCn)
            .unwrap()
            .steps
            .iter()
            .flat_map(|s| s.items.clone())
            .find(|i| i.key == "welcome_message")
            .unwrap()
    };
    assert!(!item(&ws).done && item(&ws).computed);
    // A department's message covers both; s2 has one of their own.
    ws.set_welcome(
        &WelcomeScope {
            department: Some("鲜果/门店".into()),
            member: None,
        },
        "{客户名称}您好，我是门店的{成员姓名}。",
    )
    .unwrap();
    ws.set_welcome(
        &WelcomeScope {
            department: None,
            member: Some("s2".into()),
        },
        "Hi {customer_name}, this is {member_name}.",
    )
    .unwrap();
    assert_eq!(
        ws.welcome_preview("s1", "王先生").unwrap().as_deref(),
        Some("王先生您好，我是门店的导购一。")
    );
    assert_eq!(
        ws.welcome_preview("s2", "Wang").unwrap().as_deref(),
        Some("Hi Wang, this is 导购二.")
    );
    let check = ws.welcome_check(Lang::ZhCn).unwrap();
    assert_eq!(check.limit, Some(4000));
    assert!(check.uncovered.is_empty() && check.too_long.is_empty());
    assert!(item(&ws).done);
    // Too long for WeCom: 1,334 Chinese characters are 4,002 bytes.
    ws.set_welcome(
        &WelcomeScope {
            department: None,
            member: Some("s1".into()),
        },
        &"欢".repeat(1334),
    )
    .unwrap();
    let check = ws.welcome_check(Lang::ZhCn).unwrap();
    assert_eq!(check.too_long.len(), 1);
    assert!(!item(&ws).done);
    // Without the department's message, s1's is gone too once deleted: s1 is uncovered.
    for w in ws.welcome_messages().unwrap() {
        if w.scope.member.as_deref() != Some("s2") {
            ws.delete_welcome(w.id).unwrap();
        }
    }
    let check = ws.welcome_check(Lang::ZhCn).unwrap();
    let uncovered: Vec<&str> = check.uncovered.iter().map(|u| u.userid.as_str()).collect();
    assert_eq!(uncovered, ["s1"]);
    let e = ws
        .set_welcome(
            &WelcomeScope {
                department: Some("鲜果/门店".into()),
                member: Some("s1".into()),
            },
            "x",
        )
        .unwrap_err();
    assert_eq!(e.key, "welcome_one_scope");
}

#[test]
fn customer_pages_are_the_filtered_list_cut_by_offset_and_limit() {
    let (dir, mut ws) = workspace();
    eight(dir.path(), &mut ws);
    let options = RfmOptions {
        as_of: Some("2026-12-31".into()),
        ..Default::default()
    };
    let all = ws
        .customers(&CustomerFilter::default(), None, Lang::ZhCn)
        .unwrap();
    // Every page, in the list's order, and the total whatever the page.
    let mut paged = Vec::new();
    for offset in (0..10).step_by(3) {
        let p = ws
            .customer_page(
                &CustomerFilter::default(),
                None,
                &options,
                offset,
                3,
                Lang::ZhCn,
            )
            .unwrap();
        assert_eq!(p.total, 8);
        paged.extend(p.customers);
    }
    assert_eq!(paged, all);
    // Search by part of the name; a segment computed as of the options' date.
    let search = |text: &str| CustomerFilter {
        search: Some(text.into()),
        ..Default::default()
    };
    let p = ws
        .customer_page(&search("客户3"), None, &options, 0, 50, Lang::ZhCn)
        .unwrap();
    assert_eq!(p.total, 1);
    assert_eq!(p.customers[0].orders, 1);
    let p = ws
        .customer_page(
            &CustomerFilter::default(),
            Some("important_value"),
            &options,
            0,
            50,
            Lang::ZhCn,
        )
        .unwrap();
    assert_eq!(p.total, 1);
    assert_eq!(p.customers[0].name, "客户0");
    // An unknown segment is named in the error.
    let e = ws
        .customer_page(
            &CustomerFilter::default(),
            Some("vip"),
            &options,
            0,
            50,
            Lang::ZhCn,
        )
        .unwrap_err();
    assert!(e.to_string().contains("vip"), "{e}");
}

#[test]
fn the_report_gains_a_customer_rfm_sheet_with_the_segment_table() {
    use calamine::{open_workbook_auto, Data, Reader};
    let (dir, mut ws) = workspace();
    ws.import_customers(
        &customers_csv(
            dir.path(),
            &[("老客", "13900000001"), ("新客", "13900000002")],
        ),
        false,
        false,
        Lang::ZhCn,
        &Silent,
    )
    .unwrap();
    // The report counts as of today: 老客 bought three times lately, 新客 once long ago.
    let today = time::OffsetDateTime::now_utc().date();
    let mut text = String::from("客户,下单时间,金额\n");
    for ago in [1, 3, 5] {
        text.push_str(&format!(
            "老客,{} 10:00,500\n",
            today - time::Duration::days(ago)
        ));
    }
    text.push_str(&format!(
        "新客,{} 10:00,20\n",
        today - time::Duration::days(300)
    ));
    ws.import_orders(
        &write(dir.path(), "orders.csv", &text),
        false,
        false,
        Lang::ZhCn,
        &Silent,
    )
    .unwrap();
    let out = dir.path().join("report.xlsx");
    let summary = ws.export_report(&out, Lang::ZhCn, None, &Silent).unwrap();
    assert_eq!(summary.sheets.last().unwrap(), "客户 RFM");
    let mut book = open_workbook_auto(&out).unwrap();
    let range = book.worksheet_range("客户 RFM").unwrap();
    let row_of = |name: &str| {
        range
            .rows()
            .find(|r| r.first() == Some(&Data::String(name.into())))
            .unwrap_or_else(|| panic!("{name} missing"))
            .to_vec()
    };
    let value = row_of("重要价值客户");
    assert_eq!(value[1], Data::String("高".into()));
    assert_eq!(value[4], Data::Float(1.0));
    assert_eq!(value[6], Data::Float(1500.0));
    assert_eq!(row_of("一般挽留客户")[4], Data::Float(1.0));
    assert_eq!(row_of("合计")[4], Data::Float(2.0));
    // No customer is named on the sheet.
    assert!(!range
        .rows()
        .flatten()
        .any(|c| matches!(c, Data::String(s) if s.contains("老客"))));
    // Without orders there is no such sheet.
    let (_dir2, empty) = workspace();
    let out = dir.path().join("empty.xlsx");
    let summary = empty
        .export_report(&out, Lang::ZhCn, None, &Silent)
        .unwrap();
    assert!(!summary.sheets.iter().any(|s| s == "客户 RFM"));
}

#[test]
fn a_large_customer_and_order_import_is_written_in_bulk_and_undone_whole() {
    let (dir, mut ws) = workspace();
    let mut text = String::from("客户名称,手机,添加人账号,标签\n");
    for i in 0..6_000 {
        text.push_str(&format!("客户{i},139{i:08},s{},地区:杭州\n", 1 + i % 2));
    }
    let customers = write(dir.path(), "many.csv", &text);
    let r = ws
        .import_customers(&customers, false, false, Lang::ZhCn, &Silent)
        .unwrap();
    assert_eq!((r.added, r.owners_added), (6_000, 6_000));
    let mut text = String::from("订单号,客户手机,下单时间,金额\n");
    for i in 0..12_000 {
        text.push_str(&format!("N{i},139{:08},2026-11-01 10:00,10\n", i % 6_000));
    }
    let orders = write(dir.path(), "orders.csv", &text);
    let r = ws
        .import_orders(&orders, false, false, Lang::ZhCn, &Silent)
        .unwrap();
    assert_eq!(r.added, 12_000);
    let count = |ws: &Workspace| {
        ws.customers(&CustomerFilter::default(), None, Lang::ZhCn)
            .unwrap()
            .iter()
            .map(|c| c.orders as usize + c.owners.len() * 100_000)
            .sum::<usize>()
    };
    assert_eq!(count(&ws), 12_000 + 6_000 * 100_000);
    // The indexes are back: the same list again is recognised, customer by customer.
    let again = ws
        .import_customers(&customers, false, false, Lang::ZhCn, &Silent)
        .unwrap();
    assert_eq!((again.added, again.updated), (0, 6_000));
    let tagged = ws
        .customers(
            &CustomerFilter {
                tag: Some("地区:杭州".into()),
                ..Default::default()
            },
            None,
            Lang::ZhCn,
        )
        .unwrap();
    assert_eq!(tagged.len(), 6_000);
    // Undo takes each import back whole (the second list changed nothing, so it is no
    // action); redo brings them back.
    ws.undo().unwrap();
    assert_eq!(count(&ws), 6_000 * 100_000);
    ws.undo().unwrap();
    assert_eq!(count(&ws), 0);
    ws.redo().unwrap();
    ws.redo().unwrap();
    assert_eq!(count(&ws), 12_000 + 6_000 * 100_000);
}

/// A list large enough to be read in parts on every core and written batch by batch while it
/// is read: a customer whose second owner comes in another part is still one customer, ids
/// follow the file's order, and one bad row keeps the whole list out unless invalid rows are
/// skipped.
#[test]
fn a_list_read_in_parts_is_written_in_file_order_and_whole_or_not_at_all() {
    let (dir, mut ws) = workspace();
    let rows = 30_000;
    let list = |bad_at: Option<usize>| {
        let mut text = String::from("客户名称,手机,添加人账号,备注\n");
        for i in 0..rows {
            let owner = if bad_at == Some(i) { "nobody" } else { "s1" };
            text.push_str(&format!(
                "客户{i},139{i:08},{owner},第一次到店购买了水果礼盒\n"
            ));
        }
        // Two customers again, each with a second owner, from the far end of the file.
        text.push_str("客户0,13900000000,s2,\n客户15000,13900015000,s2,\n");
        text
    };
    let text = list(Some(20_000));
    assert!(text.len() > 1 << 20, "big enough to be read in parts");
    let bad = write(dir.path(), "bad.csv", &text);
    let r = ws
        .import_customers(&bad, false, false, Lang::ZhCn, &Silent)
        .unwrap();
    assert!(!r.committed);
    assert_eq!((r.problem_count, r.problems[0].row), (1, 20_002));
    assert!(ws
        .customers(&CustomerFilter::default(), None, Lang::ZhCn)
        .unwrap()
        .is_empty());
    let r = ws
        .import_customers(&bad, true, false, Lang::ZhCn, &Silent)
        .unwrap();
    assert!(r.committed);
    assert_eq!(
        (r.added, r.owners_added),
        (rows as u32 - 1, rows as u32 + 1)
    );
    ws.undo().unwrap();
    let good = write(dir.path(), "good.csv", &list(None));
    let dry = ws
        .import_customers(&good, false, true, Lang::ZhCn, &Silent)
        .unwrap();
    assert!(!dry.committed && dry.problem_count == 0);
    let r = ws
        .import_customers(&good, false, false, Lang::ZhCn, &Silent)
        .unwrap();
    assert_eq!((r.added, r.owners_added), (rows as u32, rows as u32 + 2));
    let all = ws
        .customers(&CustomerFilter::default(), None, Lang::ZhCn)
        .unwrap();
    assert_eq!(all.len(), rows);
    let mut by_id: Vec<(i64, &str)> = all.iter().map(|c| (c.id, c.name.as_str())).collect();
    by_id.sort();
    let names: Vec<String> = (0..rows).map(|i| format!("客户{i}")).collect();
    assert!(by_id
        .iter()
        .map(|(_, n)| *n)
        .eq(names.iter().map(String::as_str)));
    for name in ["客户0", "客户15000"] {
        let c = all.iter().find(|c| c.name == name).unwrap();
        assert_eq!(c.owners.len(), 2, "{name}");
    }
    assert!(all.iter().filter(|c| c.owners.len() == 2).count() == 2);
}

/// Counts progress reports; cancels from the `cancel_at`-th on.
struct Watch {
    reports: std::sync::atomic::AtomicU64,
    last: std::sync::atomic::AtomicU64,
    cancel_at: u64,
}

impl orgdesk_core::progress::Progress for Watch {
    fn update(&self, done: u64, total: u64) {
        use std::sync::atomic::Ordering::Relaxed;
        self.reports.fetch_add(1, Relaxed);
        assert!(done <= total, "{done} of {total}");
        self.last.store(done * 100 / total.max(1), Relaxed);
    }
    fn cancelled(&self) -> bool {
        self.reports.load(std::sync::atomic::Ordering::Relaxed) >= self.cancel_at
    }
}

/// An .xlsx list reports its progress as it is read, reaches the end, and a cancel stops it with
/// nothing written.
#[test]
fn an_xlsx_list_reports_progress_and_a_cancel_leaves_nothing() {
    let (dir, mut ws) = workspace();
    let path = dir.path().join("many.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["客户名称", "添加人账号", "手机"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..20_000u32 {
        sheet.write_string(i + 1, 0, format!("客户{i}")).unwrap();
        sheet.write_string(i + 1, 1, "s1").unwrap();
        sheet.write_string(i + 1, 2, format!("139{i:08}")).unwrap();
    }
    book.save(&path).unwrap();
    let watch = |cancel_at| Watch {
        reports: Default::default(),
        last: Default::default(),
        cancel_at,
    };
    let cancel = watch(2);
    let e = ws
        .import_customers(&path, false, false, Lang::ZhCn, &cancel)
        .unwrap_err();
    assert_eq!(e.code, orgdesk_core::ErrorCode::Cancelled);
    assert!(ws
        .customers(&CustomerFilter::default(), None, Lang::ZhCn)
        .unwrap()
        .is_empty());
    let all = watch(u64::MAX);
    let r = ws
        .import_customers(&path, false, false, Lang::ZhCn, &all)
        .unwrap();
    assert_eq!(r.added, 20_000);
    use std::sync::atomic::Ordering::Relaxed;
    assert!(all.reports.load(Relaxed) > 5);
    assert_eq!(all.last.load(Relaxed), 100);
}
