//! The setup journey: profile and credit code, certification plan over holidays, checklist items
//! flipping as the workspace changes, security settings and score, the hardware inventory with
//! its offline log and the 10% replacement flag.

use orgdesk_core::org::profile::{EntityType, ProfileInput};
use orgdesk_core::setup::certification::CertificationInput;
use orgdesk_core::setup::checklist::{Checklist, Tick};
use orgdesk_core::setup::hardware::{DeviceInput, DeviceKind, EventInput, EventKind};
use orgdesk_core::{ErrorCode, Lang, MemberFields, MemberInput, Platform, Source, Workspace};
use serde_json::json;
use std::collections::BTreeMap;
use tempfile::TempDir;

fn item(c: &Checklist, key: &str) -> bool {
    c.steps
        .iter()
        .flat_map(|s| &s.items)
        .find(|i| i.key == key)
        .unwrap_or_else(|| panic!("no item {key}"))
        .done
}

#[test]
fn the_profile_takes_a_valid_credit_code_and_refuses_a_typo_without_changing_anything() {
    let mut ws = Workspace::in_memory("恒力", Platform::Dingtalk).unwrap();
    let p = ws
        .update_profile(&ProfileInput {
            legal_name: Some("宁波恒力精工机械有限公司".into()),
            credit_code: Some("9135 0100 m000 100y43".into()),
            entity_type: Some(EntityType::Overseas),
            headcount: Some(120),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(p.credit_code.as_deref(), Some("91350100M000100Y43"));
    assert_eq!(p.entity_type, EntityType::Overseas);
    let e = ws
        .update_profile(&ProfileInput {
            credit_code: Some("91350100M000100Y44".into()),
            industry: Some("制造业".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidValue);
    assert!(e.message(Lang::ZhCn).contains("应为“3”"));
    let p = ws.profile().unwrap();
    assert_eq!(p.credit_code.as_deref(), Some("91350100M000100Y43"));
    assert_eq!(p.industry, None, "nothing of a refused change is kept");
    // Undoable like any edit.
    ws.undo().unwrap();
    assert_eq!(ws.profile().unwrap().credit_code, None);
}

#[test]
fn the_certification_plan_counts_working_days_across_the_spring_festival() {
    let mut ws = Workspace::in_memory("公司", Platform::Wecom).unwrap();
    let plan = ws
        .set_certification(
            &CertificationInput {
                method: "special_org".into(),
                submitted_on: Some("2026/2/12".into()),
                ready: vec!["org_code_certificate".into()],
                ..Default::default()
            },
            Lang::ZhCn,
        )
        .unwrap();
    // 5–10 working days from Thursday Feb 12: Fri 13, Sat 14 (worked), the holiday Feb 15–23,
    // Tue 24, Wed 25, Thu 26 (5th) … Sat 28 (worked), Mon 2, Tue 3, Wed Mar 4 (10th).
    assert_eq!(plan.submitted_on.as_deref(), Some("2026-02-12"));
    assert_eq!(plan.expected_earliest.as_deref(), Some("2026-02-26"));
    assert_eq!(plan.expected_latest.as_deref(), Some("2026-03-04"));
    assert!(plan.holidays_known);
    // Every WeCom certification lasts a year, special organisations' too (the guide's "two
    // years" is corrected from public sources); government bodies are exempt from the fee only.
    assert_eq!(plan.next_review.as_deref(), Some("2027-03-04"));
    let special = plan
        .methods
        .iter()
        .find(|m| m.key == "special_org")
        .unwrap();
    assert_eq!(special.renewal_months, Some(12));
    assert_eq!(special.fee.as_ref().map(|f| f.yuan), Some(0));
    let wechat = plan.methods.iter().find(|m| m.key == "wechat").unwrap();
    let fee = wechat.fee.as_ref().unwrap();
    assert!(fee.per_year && fee.yuan == 300, "{fee:?}");
    assert!(fee.note.contains("300 元"), "{}", fee.note);
    assert!(plan.missing.is_empty());
    // Approved: the review counts from the approval.
    let plan = ws
        .set_certification(
            &CertificationInput {
                method: "wechat".into(),
                submitted_on: Some("2026-02-12".into()),
                approved_on: Some("2026-02-27".into()),
                ready: vec![],
            },
            Lang::EnUs,
        )
        .unwrap();
    assert_eq!(plan.next_review.as_deref(), Some("2027-02-27"));
    assert_eq!(plan.missing.len(), 2);
    let e = ws
        .set_certification(
            &CertificationInput {
                method: "wechat".into(),
                submitted_on: Some("2026-02-12".into()),
                approved_on: Some("2026-02-01".into()),
                ready: vec![],
            },
            Lang::EnUs,
        )
        .unwrap_err();
    assert_eq!(e.key, "certification_approved_before_submitted");
    assert!(ws
        .set_certification(
            &CertificationInput {
                method: "fax".into(),
                ..Default::default()
            },
            Lang::EnUs
        )
        .is_err());
    // An overseas company needs its mainland subsidiary's licence too.
    ws.update_profile(&ProfileInput {
        entity_type: Some(EntityType::Overseas),
        ..Default::default()
    })
    .unwrap();
    let plan = ws.certification_plan(Lang::EnUs).unwrap();
    assert!(plan.materials.iter().any(|m| m.key == "subsidiary_licence"));
    assert!(plan.entity_note.unwrap().contains("subsidiary"));
}

#[test]
fn the_unverified_headcount_cap_comes_from_the_dataset() {
    let dir = TempDir::new().unwrap();
    let mut ws = Workspace::create_demo(
        "hengli-jinggong",
        &dir.path().join("f.orgdesk"),
        Source::Cli,
    )
    .unwrap();
    let headcount = |ws: &Workspace| {
        ws.certification_plan(Lang::EnUs)
            .unwrap()
            .headcount
            .unwrap()
    };
    // The demo plant is certified: 120 people are past the cap without a warning.
    let h = headcount(&ws);
    assert_eq!(
        (h.platform.as_str(), h.cap, h.members, h.over),
        ("dingtalk", 50, 120, false)
    );
    assert!(h.message.contains("Certified"), "{}", h.message);
    // Not yet approved: the roster is over DingTalk's cap for unverified organisations.
    ws.set_certification(
        &CertificationInput {
            method: "corporate_account".into(),
            submitted_on: Some("2026-03-02".into()),
            ..Default::default()
        },
        Lang::EnUs,
    )
    .unwrap();
    assert!(headcount(&ws).over);
    assert!(!item(
        &ws.checklist(Lang::EnUs).unwrap(),
        "headcount_within_cap"
    ));
}

#[test]
fn feishus_cap_for_unverified_organisations_is_500() {
    // Feishu's help centre (feishu.cn/hc/zh-CN/articles/360043180534): 500 before certification.
    let ws = Workspace::in_memory("公司", Platform::Feishu).unwrap();
    let h = ws
        .certification_plan(Lang::ZhCn)
        .unwrap()
        .headcount
        .unwrap();
    assert_eq!((h.platform.as_str(), h.cap, h.over), ("feishu", 500, false));
    assert!(h.message.contains("500"), "{}", h.message);
}

#[test]
fn checklist_items_flip_as_the_workspace_changes() {
    let mut ws = Workspace::in_memory("公司", Platform::Undecided).unwrap();
    let c = ws.checklist(Lang::ZhCn).unwrap();
    assert_eq!(c.steps.len(), 9);
    assert!(!item(&c, "members_imported") && !item(&c, "platform_chosen"));
    let before = c.done;

    ws.add_member(&MemberInput {
        fields: MemberFields {
            name: "张伟".into(),
            ..Default::default()
        },
        departments: vec!["公司/销售部".into()],
        ..Default::default()
    })
    .unwrap();
    let c = ws.checklist(Lang::ZhCn).unwrap();
    assert!(item(&c, "members_imported"));
    assert!(!item(&c, "contact_complete"), "a member without contact");
    ws.update_member(
        "zhangwei",
        &MemberInput {
            fields: MemberFields {
                name: "张伟".into(),
                mobile: Some("13800138000".into()),
                ..Default::default()
            },
            departments: vec!["公司/销售部".into()],
            ..Default::default()
        },
    )
    .unwrap();
    assert!(item(&ws.checklist(Lang::ZhCn).unwrap(), "contact_complete"));
    assert!(item(
        &ws.checklist(Lang::ZhCn).unwrap(),
        "members_activated"
    ));
    // An invited member is not activated yet: the item links to the lifecycle page.
    ws.add_member(&MemberInput {
        fields: MemberFields {
            name: "李娜".into(),
            mobile: Some("13800138001".into()),
            status: orgdesk_core::MemberStatus::Invited,
            ..Default::default()
        },
        departments: vec!["公司/销售部".into()],
        ..Default::default()
    })
    .unwrap();
    let c = ws.checklist(Lang::ZhCn).unwrap();
    assert!(!item(&c, "members_activated"));
    let i = c
        .steps
        .iter()
        .flat_map(|s| &s.items)
        .find(|i| i.key == "members_activated")
        .unwrap();
    assert_eq!(i.link, "lifecycle");
    assert!(
        i.detail.as_deref().unwrap().contains("1 名成员"),
        "{:?}",
        i.detail
    );
    ws.undo().unwrap();

    // A deep tree fails until a reason is given.
    ws.add_department("公司/A/B/C").unwrap();
    assert!(!item(&ws.checklist(Lang::ZhCn).unwrap(), "tree_depth"));
    let e = ws
        .tick(&Tick {
            item: "tree_depth".into(),
            done: true,
            reason: None,
        })
        .unwrap_err();
    assert_eq!(e.key, "checklist_reason_required");
    ws.tick(&Tick {
        item: "tree_depth".into(),
        done: true,
        reason: Some("车间按班次再分一级".into()),
    })
    .unwrap();
    assert!(item(&ws.checklist(Lang::ZhCn).unwrap(), "tree_depth"));
    // Computed items without a reason option cannot be ticked.
    assert_eq!(
        ws.tick(&Tick {
            item: "watermark".into(),
            done: true,
            reason: None
        })
        .unwrap_err()
        .key,
        "checklist_computed"
    );

    // Security settings flip their items.
    let mut values = BTreeMap::new();
    values.insert("watermark".to_string(), json!(true));
    values.insert("overseas_access".to_string(), json!("allowlist"));
    ws.set_security(&values, Lang::ZhCn).unwrap();
    let c = ws.checklist(Lang::ZhCn).unwrap();
    assert!(item(&c, "watermark"));
    assert!(!item(&c, "overseas_access"), "allowlist chosen but empty");
    values.clear();
    values.insert("ip_allowlist".to_string(), json!(["203.0.113.0/24"]));
    ws.set_security(&values, Lang::ZhCn).unwrap();
    assert!(item(&ws.checklist(Lang::ZhCn).unwrap(), "overseas_access"));

    // Manual items are ticked by hand; the platform item by the profile.
    ws.tick(&Tick {
        item: "customer_tags".into(),
        done: true,
        reason: None,
    })
    .unwrap();
    ws.update_profile(&ProfileInput {
        platform: Some(Platform::Wecom),
        ..Default::default()
    })
    .unwrap();
    let c = ws.checklist(Lang::ZhCn).unwrap();
    assert!(item(&c, "customer_tags") && item(&c, "platform_chosen"));
    assert!(c.done > before + 5, "{} → {}", before, c.done);
    assert_eq!(c.percent, c.done * 100 / c.total);
    // Undo takes the last change back.
    ws.undo().unwrap();
    assert!(!item(&ws.checklist(Lang::ZhCn).unwrap(), "platform_chosen"));
}

#[test]
fn security_settings_are_checked_and_scored() {
    let mut ws = Workspace::in_memory("公司", Platform::Feishu).unwrap();
    let empty = ws.security(Lang::EnUs).unwrap();
    assert_eq!(empty.score, 0);
    assert_eq!(
        empty.missing[0], "Two-step verification",
        "most important first"
    );
    assert!(empty.settings[0]
        .console
        .as_deref()
        .unwrap()
        .contains("管理后台"));

    let mut values = BTreeMap::new();
    values.insert(
        "ip_allowlist".to_string(),
        json!(["10.0.0.0/8", "192.168.1.5/24"]),
    );
    let e = ws.set_security(&values, Lang::ZhCn).unwrap_err();
    assert_eq!(e.key, "cidr_host_bits");
    assert!(ws
        .security(Lang::EnUs)
        .unwrap()
        .settings
        .iter()
        .all(|s| s.value.is_null()));

    values.insert(
        "ip_allowlist".to_string(),
        json!(["10.0.0.0/8", "2001:db8::/32", "10.0.0.0/8"]),
    );
    values.insert("two_step".to_string(), json!(true));
    values.insert("overseas_access".to_string(), json!("allowlist"));
    let r = ws.set_security(&values, Lang::EnUs).unwrap();
    let list = &r
        .settings
        .iter()
        .find(|s| s.key == "ip_allowlist")
        .unwrap()
        .value;
    assert_eq!(list, &json!(["10.0.0.0/8", "2001:db8::/32"]));
    assert_eq!(r.score, 40);
    let mut bad = BTreeMap::new();
    bad.insert("overseas_access".to_string(), json!("sometimes"));
    assert!(ws.set_security(&bad, Lang::EnUs).is_err());
    bad.clear();
    bad.insert("firewall".to_string(), json!(true));
    assert!(ws.set_security(&bad, Lang::EnUs).is_err());
}

fn device(ws: &mut Workspace, serial: &str, batch: &str) {
    ws.add_device(&DeviceInput {
        serial: serial.into(),
        kind: Some(DeviceKind::Attendance),
        site: "一车间".into(),
        batch: batch.into(),
        connectivity: Some("蓝牙+WiFi".into()),
        face_recognition: true,
        ..Default::default()
    })
    .unwrap();
}

fn offline(ws: &mut Workspace, serial: &str, day: &str) {
    ws.add_device_event(&EventInput {
        serial: serial.into(),
        day: day.into(),
        kind: Some(EventKind::Offline),
        ..Default::default()
    })
    .unwrap();
}

#[test]
fn a_batch_is_flagged_only_over_ten_percent_in_a_quarter() {
    let mut ws = Workspace::in_memory("公司", Platform::Dingtalk).unwrap();
    for i in 0..10 {
        device(&mut ws, &format!("A{i:02}"), "2025-A");
        device(&mut ws, &format!("B{i:02}"), "2025-B");
    }
    // Batch A: exactly 1 of 10 in Q3 (10%, not over); batch B: 2 of 10 (20%).
    offline(&mut ws, "A00", "2026-07-03");
    offline(&mut ws, "A00", "2026-08-03"); // the same device again does not count twice
    offline(&mut ws, "B00", "2026-07-10");
    offline(&mut ws, "B01", "2026-09-30");
    offline(&mut ws, "B02", "2026-10-01"); // next quarter
    let flags = ws.hardware_flags(Lang::ZhCn).unwrap();
    let get = |b: &str, q: &str| {
        flags
            .iter()
            .find(|f| f.batch == b && f.quarter == q)
            .unwrap_or_else(|| panic!("{b} {q}"))
    };
    let a = get("2025-A", "2026-Q3");
    assert_eq!((a.affected, a.devices, a.flagged), (1, 10, false));
    assert!((a.rate - 0.10).abs() < 1e-9);
    let b = get("2025-B", "2026-Q3");
    assert_eq!((b.affected, b.flagged), (2, true));
    assert!(b.message.contains("超过 10%"));
    assert!(!get("2025-B", "2026-Q4").flagged);
    // The checklist looks at the latest quarter in the log and the one before it (the latest
    // may still be running): B's third quarter still counts while the fourth has begun.
    assert!(!item(
        &ws.checklist(Lang::ZhCn).unwrap(),
        "no_flagged_batches"
    ));
    // Two quarters on, B's bad quarter is history and A's one failure is within 10%.
    offline(&mut ws, "A00", "2027-04-02");
    assert!(item(
        &ws.checklist(Lang::ZhCn).unwrap(),
        "no_flagged_batches"
    ));
    offline(&mut ws, "A01", "2027-05-02");
    offline(&mut ws, "A02", "2027-05-03");
    assert!(!item(
        &ws.checklist(Lang::ZhCn).unwrap(),
        "no_flagged_batches"
    ));

    let e = ws
        .add_device_event(&EventInput {
            serial: "Z99".into(),
            day: "2026-11-03".into(),
            kind: Some(EventKind::Failure),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.key, "device_not_found");
}

#[test]
fn an_inventory_and_log_import_all_rows_or_none() {
    use rust_xlsxwriter::Workbook;
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("设备.xlsx");
    let mut book = Workbook::new();
    let inv = book.add_worksheet();
    inv.set_name("设备清单").unwrap();
    for (c, h) in [
        "设备编号",
        "类型",
        "型号",
        "场地",
        "批次",
        "连接方式",
        "人脸识别",
    ]
    .iter()
    .enumerate()
    {
        inv.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [
        ["KQ-001", "考勤机", "M1", "一车间", "2024-03", "双模", "是"],
        ["KQ-002", "考勤机", "M1", "一车间", "2024-03", "蓝牙", "否"],
        ["HY-001", "会议屏", "S86", "总部", "2025-01", "WiFi", ""],
        ["PB-001", "工业平板", "T10", "二车间", "2025-02", "有线", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                inv.write_string(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
    }
    let log = book.add_worksheet();
    log.set_name("离线记录").unwrap();
    for (c, h) in ["设备编号", "日期", "事件", "时长（小时）"]
        .iter()
        .enumerate()
    {
        log.write_string(0, c as u16, *h).unwrap();
    }
    log.write_string(1, 0, "KQ-001").unwrap();
    log.write_string(1, 1, "2026/10/08").unwrap();
    log.write_string(1, 2, "离线").unwrap();
    log.write_number(1, 3, 3.5).unwrap();
    book.save(&path).unwrap();

    let mut ws = Workspace::in_memory("公司", Platform::Dingtalk).unwrap();
    let r = ws.import_hardware(&path, Lang::ZhCn).unwrap();
    assert!(r.committed, "{:?}", r.problems);
    assert_eq!((r.devices, r.events), (4, 1));
    let devices = ws.devices().unwrap();
    let kq = devices.iter().find(|d| d.serial == "KQ-001").unwrap();
    assert_eq!(
        (kq.connectivity.as_deref(), kq.face_recognition, kq.events),
        (Some("dual"), true, 1)
    );
    assert_eq!(
        devices.iter().find(|d| d.serial == "PB-001").unwrap().kind,
        DeviceKind::Tablet
    );

    // A second file with a duplicate serial and an unknown device: nothing is written.
    let csv = dir.path().join("bad.csv");
    std::fs::write(
        &csv,
        "设备编号,类型,场地,批次\nKQ-003,考勤机,一车间,2024-03\nKQ-001,考勤机,一车间,2024-03\n",
    )
    .unwrap();
    let r = ws.import_hardware(&csv, Lang::ZhCn).unwrap();
    assert!(!r.committed);
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].row, 3);
    assert!(r.problems[0].message.contains("KQ-001"));
    assert!(!ws.devices().unwrap().iter().any(|d| d.serial == "KQ-003"));
    let e = ws
        .import_hardware(
            &{
                let x = dir.path().join("x.csv");
                std::fs::write(&x, "a,b\n1,2\n").unwrap();
                x
            },
            Lang::EnUs,
        )
        .unwrap_err();
    assert_eq!(e.key, "hardware_no_header");
    // Unknown kinds are reported with the row.
    std::fs::write(&csv, "设备编号,类型,场地,批次\nX-1,咖啡机,一车间,2024-03\n").unwrap();
    let r = ws.import_hardware(&csv, Lang::ZhCn).unwrap();
    assert_eq!((r.committed, r.problems[0].row), (false, 2));
}

#[test]
fn a_log_exported_by_a_device_console_reads_with_date_cells_and_times() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let dir = TempDir::new().unwrap();
    let mut ws = Workspace::in_memory("工厂", Platform::Dingtalk).unwrap();
    for serial in ["SN-01", "SN-02", "SN-03"] {
        device(&mut ws, serial, "2024-A");
    }
    // As consoles export it: a title row, "SN码", a 类型 column holding the event, real
    // date-time cells, a date-time as text, and durations with units.
    let path = dir.path().join("离线记录.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "考勤机离线记录（导出）").unwrap();
    for (c, h) in ["SN码", "离线时间", "类型", "离线时长", "原因"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    let when = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let dt = ExcelDateTime::from_ymd(2026, 8, 14)
        .unwrap()
        .and_hms(9, 30, 0)
        .unwrap();
    sheet.write_string(2, 0, "SN-01").unwrap();
    sheet.write_datetime_with_format(2, 1, &dt, &when).unwrap();
    sheet.write_string(2, 2, "掉线").unwrap();
    sheet.write_string(2, 3, "3.5小时").unwrap();
    sheet.write_string(2, 4, "断电").unwrap();
    sheet.write_string(3, 0, "SN-02").unwrap();
    sheet.write_string(3, 1, "2026/9/3 18:05:00").unwrap();
    sheet.write_string(3, 2, "故障").unwrap();
    sheet.write_string(3, 3, "48h").unwrap();
    book.save(&path).unwrap();

    let r = ws.import_hardware(&path, Lang::ZhCn).unwrap();
    assert!(r.committed, "{:?}", r.problems);
    assert_eq!((r.devices, r.events), (0, 2));
    let flags = ws.hardware_flags(Lang::ZhCn).unwrap();
    let q3 = flags.iter().find(|f| f.quarter == "2026-Q3").unwrap();
    // Two of three devices in the quarter: flagged.
    assert_eq!((q3.affected, q3.devices, q3.flagged), (2, 3, true));

    // An unreadable date names its row and leaves the workspace as it was.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "SN码,离线时间\nSN-03,2026-08-15\nSN-03,上周三\n").unwrap();
    let r = ws.import_hardware(&bad, Lang::ZhCn).unwrap();
    assert!(!r.committed);
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].row, 3);
    assert!(
        r.problems[0].message.contains("上周三"),
        "{}",
        r.problems[0].message
    );
    assert_eq!(
        ws.devices()
            .unwrap()
            .iter()
            .find(|d| d.serial == "SN-03")
            .unwrap()
            .events,
        0
    );
}
