//! Operations health on hand-made activity in a real workspace file: each indicator at, just
//! above and just below its threshold; week boundaries; the duration spellings of contact
//! statistics in a real .xlsx; overlapping re-imports; row problems, dry runs and undo.

use orgdesk_core::health::{Health, Indicator, Status};
use orgdesk_core::imports::activity::{ActivityImport, ActivityKind};
use orgdesk_core::progress::Silent;
use orgdesk_core::setup::hardware::{DeviceInput, DeviceKind, EventInput, EventKind};
use orgdesk_core::{DepartmentRef, Lang, MemberFields, MemberInput, Platform, Source, Workspace};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// 公司 / 门店A (a01…a20), 门店B (b01…b25), 门店C (c01…c20), 客服部 (s1, s2, s3).
fn workspace() -> (TempDir, Workspace) {
    let dir = TempDir::new().unwrap();
    let mut ws = Workspace::create(
        &dir.path().join("h.orgdesk"),
        "公司",
        Platform::Wecom,
        Source::Cli,
    )
    .unwrap();
    let mut add = |userid: String, dept: &str| {
        ws.add_member(&MemberInput {
            userid: Some(userid.clone()),
            fields: MemberFields {
                name: format!("名{userid}"),
                ..Default::default()
            },
            departments: vec![DepartmentRef::Path(format!("公司/{dept}"))],
            leader_of: vec![],
        })
        .unwrap();
    };
    for i in 1..=20 {
        add(format!("a{i:02}"), "门店A");
        add(format!("c{i:02}"), "门店C");
    }
    for i in 1..=25 {
        add(format!("b{i:02}"), "门店B");
    }
    for s in ["s1", "s2", "s3"] {
        add(s.to_string(), "客服部");
    }
    (dir, ws)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn import(ws: &mut Workspace, file: &Path) -> ActivityImport {
    ws.import_activity(file, None, false, false, Lang::ZhCn, &Silent)
        .unwrap()
}

fn indicator<'h>(h: &'h Health, key: &str) -> &'h Indicator {
    h.indicators.iter().find(|i| i.key == key).unwrap()
}

/// Two weeks (Mon 2026-11-16 … Sun 2026-11-29) of logins: 门店A 17 of 20 a day (85 %),
/// 门店B 21 of 25 (84 %), 门店C 15 of 20 (75 %).
fn logins() -> String {
    let mut csv = String::from("账号,日期,是否活跃\n");
    for day in 16..=29 {
        for (prefix, members, active) in [("a", 20, 17), ("b", 25, 21), ("c", 20, 15)] {
            for i in 1..=members {
                let yes = if i <= active { "是" } else { "否" };
                csv.push_str(&format!("{prefix}{i:02},2026-11-{day},{yes}\n"));
            }
        }
    }
    csv
}

#[test]
fn login_rate_per_department_at_just_below_and_well_below_85_percent() {
    let (dir, mut ws) = workspace();
    let r = import(&mut ws, &write(dir.path(), "logins.csv", &logins()));
    assert!(r.committed);
    assert_eq!(r.kind, ActivityKind::Members);
    assert_eq!((r.rows, r.written, r.replaced), (910, 910, 0));
    assert_eq!(
        (r.from.as_deref(), r.to.as_deref()),
        (Some("2026-11-16"), Some("2026-11-29"))
    );
    let h = ws.health(None, None, Lang::ZhCn).unwrap();
    assert_eq!(h.period.to, "2026-11-29");
    let login = indicator(&h, "login_rate");
    // (17 + 21 + 15) / 65
    assert_eq!(login.value, Some(81.54));
    assert_eq!(login.status, Status::Warn);
    let rate = |path: &str| {
        h.details
            .login_departments
            .iter()
            .find(|g| g.name == path)
            .map(|g| g.value)
    };
    assert_eq!(rate("公司/门店A"), Some(85.0));
    assert_eq!(rate("公司/门店B"), Some(84.0));
    assert_eq!(rate("公司/门店C"), Some(75.0));
    let worst: Vec<(&str, &str, f64)> = login
        .worst
        .iter()
        .map(|w| (w.kind.as_str(), w.name.as_str(), w.value))
        .collect();
    assert_eq!(
        worst,
        [
            ("department", "公司/门店C", 75.0),
            ("department", "公司/门店B", 84.0)
        ]
    );
    assert!(login.remedy.contains("85%"));
    // Two weekly points with data, the rest of the eight weeks without.
    let with_data: Vec<&str> = login
        .trend
        .iter()
        .filter(|p| p.value.is_some())
        .map(|p| p.period.as_str())
        .collect();
    assert_eq!(with_data, ["2026-W47", "2026-W48"]);
    assert_eq!(login.trend.len(), 8);
    assert_eq!(h.details.login_days.len(), 14);
    assert!(h.details.login_days.iter().all(|d| d.count == 65));
    // Only the department at exactly 85 % stays off the list.
    let (dir2, mut ws2) = workspace();
    let just_at: String = logins()
        .lines()
        .filter(|l| l.starts_with('a') || l.starts_with('账'))
        .map(|l| format!("{l}\n"))
        .collect();
    import(&mut ws2, &write(dir2.path(), "a.csv", &just_at));
    let h = ws2.health(None, None, Lang::ZhCn).unwrap();
    let login = indicator(&h, "login_rate");
    assert_eq!((login.value, login.status), (Some(85.0), Status::Ok));
    assert!(login.worst.is_empty());
}

#[test]
fn a_week_runs_monday_to_sunday() {
    let (dir, mut ws) = workspace();
    // Sunday 2026-11-29: everyone in; Monday 2026-11-30: half of 门店A.
    let mut csv = String::from("UserID,Date,Active\n");
    for i in 1..=20 {
        csv.push_str(&format!("a{i:02},2026-11-29,yes\n"));
        let yes = if i <= 10 { "yes" } else { "no" };
        csv.push_str(&format!("a{i:02},2026/11/30,{yes}\n"));
    }
    import(&mut ws, &write(dir.path(), "edge.csv", &csv));
    let h = ws
        .health(Some("2026-11-23"), Some("2026-12-06"), Lang::EnUs)
        .unwrap();
    let login = indicator(&h, "login_rate");
    let points: Vec<(&str, Option<f64>)> = login
        .trend
        .iter()
        .rev()
        .take(2)
        .map(|p| (p.period.as_str(), p.value))
        .collect();
    assert_eq!(
        points,
        [("2026-W49", Some(50.0)), ("2026-W48", Some(100.0))]
    );
    assert_eq!(login.value, Some(75.0));
    // A period that ends on the Sunday leaves Monday out.
    let h = ws
        .health(Some("2026-11-23"), Some("2026-11-29"), Lang::EnUs)
        .unwrap();
    assert_eq!(indicator(&h, "login_rate").value, Some(100.0));
}

#[test]
fn a_re_import_of_an_overlapping_period_replaces_it() {
    let (dir, mut ws) = workspace();
    let days = |from: u32, to: u32, active: &str| {
        let mut csv = String::from("账号,日期,是否活跃\n");
        for d in from..=to {
            for i in 1..=20 {
                csv.push_str(&format!("a{i:02},2026-11-{d:02},{active}\n"));
            }
        }
        csv
    };
    // Week 1 and 2 all in, then week 2 and 3 all out: week 2 is replaced, not added.
    import(&mut ws, &write(dir.path(), "1.csv", &days(2, 15, "1")));
    let r = import(&mut ws, &write(dir.path(), "2.csv", &days(9, 22, "0")));
    assert_eq!(r.replaced, 7 * 20);
    let h = ws
        .health(Some("2026-11-02"), Some("2026-11-22"), Lang::ZhCn)
        .unwrap();
    let login = indicator(&h, "login_rate");
    assert_eq!(login.value, Some(33.33));
    assert_eq!(
        h.details.login_days.iter().map(|d| d.count).sum::<u32>(),
        21 * 20
    );
    // Undo brings week 2 back.
    ws.undo().unwrap();
    let h = ws
        .health(Some("2026-11-02"), Some("2026-11-22"), Lang::ZhCn)
        .unwrap();
    assert_eq!(indicator(&h, "login_rate").value, Some(100.0));
}

#[test]
fn bad_rows_are_refused_with_codes_unless_skipped_and_a_dry_run_writes_nothing() {
    let (dir, mut ws) = workspace();
    let csv = "账号,日期,是否活跃\n\
               a01,2026-11-02,是\n\
               nobody,2026-11-02,是\n\
               a02,2026-13-40,是\n\
               a03,2026-11-02,也许\n\
               a04,2026-11-02,否\n";
    let file = write(dir.path(), "bad.csv", csv);
    let r = import(&mut ws, &file);
    assert!(!r.committed);
    let codes: Vec<(u32, &str)> = r
        .problems
        .iter()
        .map(|p| (p.row, p.code.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            (3, "activity_member_unknown"),
            (4, "activity_date_invalid"),
            (5, "activity_active_invalid")
        ]
    );
    assert!(r.problems[0].message.contains("nobody"));
    // Saved with Windows line breaks, the rows are the same.
    let crlf = write(dir.path(), "crlf.csv", &csv.replace('\n', "\r\n"));
    let rows: Vec<u32> = import(&mut ws, &crlf)
        .problems
        .iter()
        .map(|p| p.row)
        .collect();
    assert_eq!(rows, [3, 4, 5]);
    let h = ws.health(None, None, Lang::ZhCn).unwrap();
    assert_eq!(indicator(&h, "login_rate").status, Status::NoData);
    let dry = ws
        .import_activity(&file, None, true, true, Lang::ZhCn, &Silent)
        .unwrap();
    assert!(!dry.committed);
    assert_eq!(dry.written, 2);
    assert_eq!(
        indicator(&ws.health(None, None, Lang::ZhCn).unwrap(), "login_rate").status,
        Status::NoData
    );
    let r = ws
        .import_activity(&file, None, true, false, Lang::ZhCn, &Silent)
        .unwrap();
    assert!(r.committed);
    assert_eq!((r.written, r.problem_count), (2, 3));
    let h = ws.health(None, None, Lang::ZhCn).unwrap();
    assert_eq!(indicator(&h, "login_rate").value, Some(50.0));
    // Not an activity file at all.
    let e = ws
        .import_activity(
            &write(dir.path(), "roster.csv", "姓名,手机\n张三,13800000000\n"),
            None,
            false,
            false,
            Lang::ZhCn,
            &Silent,
        )
        .unwrap_err();
    assert_eq!(e.key, "activity_no_header");
}

/// Contact statistics as WeCom's 联系客户统计 export writes them, in a real .xlsx.
fn contact_statistics(path: &Path, rows: &[(&str, &str, u32, &str, &str, u32)]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "联系客户统计").unwrap();
    for (c, h) in [
        "成员",
        "日期",
        "聊天总数",
        "发送消息数",
        "已回复聊天占比",
        "平均首次回复时长",
        "新增客户数",
        "删除/拉黑成员的客户数",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (r, (member, day, chats, replied, reply, added)) in rows.iter().enumerate() {
        let r = r as u32 + 3;
        sheet.write_string(r, 0, *member).unwrap();
        let d = rust_xlsxwriter::ExcelDateTime::parse_from_str(day).unwrap();
        sheet.write_datetime_with_format(r, 1, &d, &date).unwrap();
        sheet.write_number(r, 2, *chats).unwrap();
        sheet.write_number(r, 3, chats * 3).unwrap();
        sheet.write_string(r, 4, *replied).unwrap();
        sheet.write_string(r, 5, *reply).unwrap();
        sheet.write_number(r, 6, *added).unwrap();
        sheet.write_number(r, 7, 0).unwrap();
    }
    book.save(path).unwrap();
}

#[test]
fn first_reply_and_the_funnel_from_contact_statistics() {
    let (dir, mut ws) = workspace();
    let file = dir.path().join("联系客户统计.xlsx");
    contact_statistics(
        &file,
        &[
            ("名s1", "2026-11-16", 10, "100%", "1分30秒", 4),
            ("名s1", "2026-11-17", 10, "90%", "00:01:30", 2),
            ("名s2", "2026-11-16", 20, "95%", "2分钟", 5),
            ("s3", "2026-11-16", 10, "80%", "2分1秒", 1),
        ],
    );
    let r = import(&mut ws, &file);
    assert!(r.committed, "{:?}", r.problems);
    assert_eq!(r.kind, ActivityKind::Customers);
    let h = ws.health(None, None, Lang::ZhCn).unwrap();
    let reply = indicator(&h, "first_reply");
    // (20 × 1.5 + 20 × 2 + 10 × 121/60) / 50
    assert_eq!(reply.value, Some(1.8));
    assert_eq!(reply.status, Status::Ok);
    let members: Vec<(&str, f64)> = h
        .details
        .reply_members
        .iter()
        .map(|g| (g.id.as_str(), g.value))
        .collect();
    assert_eq!(members, [("s3", 2.02), ("s2", 2.0), ("s1", 1.5)]);
    // s3 just over 2 minutes is listed; s2 at exactly 2 is not.
    let worst: Vec<(&str, &str)> = reply
        .worst
        .iter()
        .map(|w| (w.kind.as_str(), w.id.as_str()))
        .collect();
    assert_eq!(worst, [("member", "s3")]);
    let funnel = indicator(&h, "customer_funnel");
    // replied: 10 + 9 + 19 + 8 = 46 of 50 chats
    assert_eq!(funnel.value, Some(92.0));
    assert_eq!(funnel.status, Status::Ok);
    let total = h.details.funnel.as_ref().unwrap();
    assert_eq!((total.added, total.chats, total.replied), (12, 50, 46));
    // s3 at 80 % is just at the warn band's edge (threshold 90, margin 10).
    let worst: Vec<(&str, f64)> = funnel
        .worst
        .iter()
        .map(|w| (w.id.as_str(), w.value))
        .collect();
    assert_eq!(worst, [("s3", 80.0)]);
}

#[test]
fn api_error_rate_per_day_and_endpoint() {
    let (dir, mut ws) = workspace();
    let mut csv = String::from("时间,接口,错误码\n");
    for i in 0..100 {
        // user/get: 5 of 100 fail (5 %, ok); department/list: 6 of 100 (6 %, warn).
        let e1 = if i < 5 { 45009 } else { 0 };
        let e2 = if i < 6 { 60011 } else { 0 };
        csv.push_str(&format!(
            "2026-11-20 10:{:02}:{:02},https://qyapi.weixin.qq.com/cgi-bin/user/get?access_token=TOKEN123,{e1}\n",
            i / 60,
            i % 60
        ));
        csv.push_str(&format!(
            "2026-11-20 11:{:02}:{:02},/cgi-bin/department/list,{e2}\n",
            i / 60,
            i % 60
        ));
    }
    let r = import(&mut ws, &write(dir.path(), "api.csv", &csv));
    assert_eq!((r.kind, r.written), (ActivityKind::Api, 200));
    let h = ws.health(None, None, Lang::ZhCn).unwrap();
    let api = indicator(&h, "api_error_rate");
    assert_eq!((api.value, api.status), (Some(6.0), Status::Warn));
    let worst: Vec<&str> = api.worst.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(worst, ["/cgi-bin/department/list"]);
    assert_eq!(h.details.api_days[0].value, 5.5);
    // The token in the logged URL is not kept.
    let bytes = std::fs::read(dir.path().join("h.orgdesk")).unwrap();
    assert!(!bytes.windows(8).any(|w| w == b"TOKEN123"));
    // Re-importing the same log replaces it.
    let r = import(&mut ws, &write(dir.path(), "api2.csv", &csv));
    assert_eq!(r.replaced, 200);
    let h = ws.health(None, None, Lang::ZhCn).unwrap();
    assert_eq!(h.details.api_days[0].count, 200);
}

#[test]
fn device_batches_and_approval_speed() {
    let (dir, mut ws) = workspace();
    for (serial, batch) in (0..10)
        .map(|i| (format!("A{i}"), "2025-A"))
        .chain((0..10).map(|i| (format!("B{i}"), "2025-B")))
    {
        ws.add_device(&DeviceInput {
            serial,
            site: "门店".into(),
            batch: batch.into(),
            kind: Some(DeviceKind::Attendance),
            ..Default::default()
        })
        .unwrap();
    }
    // 2025-A: 1 of 10 (10 %, ok); 2025-B: 2 of 10 (20 %, bad).
    for serial in ["A0", "B0", "B1"] {
        ws.add_device_event(&EventInput {
            serial: serial.into(),
            day: "2026-11-03".into(),
            kind: Some(EventKind::Offline),
            ..Default::default()
        })
        .unwrap();
    }
    // Approvals: four departments, medians 1, 2, 3 and 4 hours.
    let mut csv = String::from("审批编号,申请人,申请人部门,提交时间,完成时间,状态\n");
    for (n, (dept, hours)) in [("D1", 1), ("D2", 2), ("D3", 3), ("D4", 4)]
        .iter()
        .enumerate()
    {
        csv.push_str(&format!(
            "SP{n},a01,{dept},2026-11-10 09:00,2026-11-10 {:02}:00,已通过\n",
            9 + hours
        ));
    }
    let records = write(dir.path(), "records.csv", &csv);
    ws.import_approval_records(&records, false, false, Lang::ZhCn)
        .unwrap();
    let h = ws
        .health(Some("2026-11-01"), Some("2026-11-30"), Lang::ZhCn)
        .unwrap();
    let devices = indicator(&h, "device_offline");
    assert_eq!((devices.value, devices.status), (Some(20.0), Status::Bad));
    let worst: Vec<&str> = devices.worst.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(worst, ["2025-B"]);
    let approvals = indicator(&h, "approval_speed");
    // The top 30 %: D1 and D2 (no more than 30 % faster): boundary 2 h; all: median 2.5 h.
    assert_eq!(approvals.threshold, Some(2.0));
    assert_eq!(
        (approvals.value, approvals.status),
        (Some(2.5), Status::Warn)
    );
    let worst: Vec<&str> = approvals.worst.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(worst, ["D4", "D3"]);
    assert_eq!(approvals.trend.last().unwrap().value, Some(2.5));
}

#[test]
fn two_demos_have_a_department_below_85_percent_and_a_slow_member_to_find() {
    let dir = TempDir::new().unwrap();
    for (demo, department, member) in [
        ("xianguo-lingshou", "鲜果时光/门店/萧山万象汇店", "zhouyong"),
        ("shili-keji", "示例科技/销售部/华北区", "hubin"),
    ] {
        let path = dir.path().join(format!("{demo}.orgdesk"));
        let ws = Workspace::create_demo(demo, &path, Source::Cli).unwrap();
        let h = ws.health(None, None, Lang::ZhCn).unwrap();
        let login = indicator(&h, "login_rate");
        assert_eq!(login.status, Status::Ok, "{demo}");
        let low: Vec<&str> = login.worst.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(low, [department], "{demo}");
        let reply = indicator(&h, "first_reply");
        assert_eq!(reply.worst[0].id, member, "{demo}");
        assert!(reply.worst[0].value > 3.0, "{demo}");
        assert_eq!(login.trend.iter().filter(|p| p.value.is_some()).count(), 8);
        assert!(h.details.funnel_sources.len() == 3, "{demo}");
        // Generated the same way every time.
        let again = Workspace::create_demo(demo, &dir.path().join("again.orgdesk"), Source::Cli)
            .unwrap()
            .health(None, None, Lang::ZhCn)
            .unwrap();
        assert_eq!(indicator(&again, "login_rate").value, login.value);
        std::fs::remove_file(dir.path().join("again.orgdesk")).unwrap();
    }
}

#[test]
fn the_report_gains_an_operations_health_sheet_with_native_charts() {
    use calamine::Reader;
    let dir = TempDir::new().unwrap();
    let ws =
        Workspace::create_demo("shili-keji", &dir.path().join("s.orgdesk"), Source::Cli).unwrap();
    let out = dir.path().join("报告.xlsx");
    let summary = ws.export_report(&out, Lang::ZhCn, None, &Silent).unwrap();
    assert_eq!(summary.sheets.last().map(String::as_str), Some("运营健康"));
    let mut book = calamine::open_workbook_auto(&out).unwrap();
    let sheet = book.worksheet_range("运营健康").unwrap();
    let text: Vec<String> = sheet.cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(text.iter().any(|c| c.contains("示例科技/销售部/华北区")));
    assert!(text.iter().any(|c| c == "日登录率"));
    assert!(text.iter().any(|c| c.contains("胡斌")));
    // Login per day, reply per member, the funnel: three charts on the sheet (plus the
    // overview's two).
    let zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let charts = zip
        .file_names()
        .filter(|n| n.as_ref().is_ok_and(|n| n.starts_with("xl/charts/chart")))
        .count();
    assert_eq!(charts, 5);
    // Presentation mode masks the members' names.
    let masked = dir.path().join("masked.xlsx");
    ws.export_report(
        &masked,
        Lang::ZhCn,
        Some(orgdesk_core::exports::mask::Mask { names: true }),
        &Silent,
    )
    .unwrap();
    let mut book = calamine::open_workbook_auto(&masked).unwrap();
    let sheet = book.worksheet_range("运营健康").unwrap();
    assert!(!sheet
        .cells()
        .any(|(_, _, c)| c.to_string().contains("胡斌")));
}

#[test]
fn the_checklist_item_follows_the_indicators() {
    let (dir, mut ws) = workspace();
    let item = |ws: &Workspace| {
        let c = ws.checklist(Lang::EnUs).unwrap();
        let step = c.steps.iter().find(|s| s.key == "operate").unwrap();
        let i = step.items[0].clone();
        assert_eq!(i.link, "health");
        (i.done, i.detail.unwrap_or_default())
    };
    let (done, detail) = item(&ws);
    assert!(!done && detail.contains("No activity"), "{detail}");
    import(&mut ws, &write(dir.path(), "logins.csv", &logins()));
    // 81.5 %: close to the target, not below the warn band.
    assert!(item(&ws).0);
    let mut csv = String::from("时间,接口,错误码\n");
    for i in 0..10 {
        csv.push_str(&format!(
            "2026-11-29 09:00:0{i},/cgi-bin/user/get,{}\n",
            i % 2
        ));
    }
    import(&mut ws, &write(dir.path(), "api.csv", &csv));
    let (done, detail) = item(&ws);
    assert!(!done && detail.contains("API error rate"), "{detail}");
}

#[test]
fn a_large_csv_read_in_parts_gives_the_same_rows_and_figures() {
    let (dir, mut ws) = workspace();
    let members: Vec<String> = (1..=20)
        .map(|i| format!("a{i:02}"))
        .chain((1..=25).map(|i| format!("b{i:02}")))
        .chain((1..=20).map(|i| format!("c{i:02}")))
        .collect();
    // 3,000 days × 65 members (over 1 MB): three days in four active; one unknown member near
    // the end.
    let start = time::Date::from_calendar_date(2019, time::Month::January, 7).unwrap();
    let mut csv = String::from("账号,日期,是否活跃\n");
    let mut bad_line = 0;
    let mut line = 1;
    for d in 0..3000i64 {
        let day = start + time::Duration::days(d);
        for (i, m) in members.iter().enumerate() {
            line += 1;
            let who = if d == 2900 && i == 3 {
                bad_line = line;
                "nobody"
            } else {
                m.as_str()
            };
            let yes = if (i as i64 + d) % 4 == 0 {
                "否"
            } else {
                "是"
            };
            csv.push_str(&format!("{who},{day},{yes}\n"));
        }
    }
    assert!(csv.len() > 1 << 20);
    let file = write(dir.path(), "big.csv", &csv);
    let r = import(&mut ws, &file);
    assert!(!r.committed);
    let rows: Vec<(u32, &str)> = r
        .problems
        .iter()
        .map(|p| (p.row, p.code.as_str()))
        .collect();
    assert_eq!(rows, [(bad_line, "activity_member_unknown")]);
    let r = ws
        .import_activity(&file, None, true, false, Lang::ZhCn, &Silent)
        .unwrap();
    assert_eq!(r.written, 3000 * 65 - 1);
    assert_eq!(
        (r.from.as_deref(), r.to.as_deref()),
        (Some("2019-01-07"), Some("2027-03-25"))
    );
    let h = ws
        .health(Some("2019-01-07"), Some("2019-02-03"), Lang::ZhCn)
        .unwrap();
    assert_eq!(indicator(&h, "login_rate").value, Some(75.0));
}
