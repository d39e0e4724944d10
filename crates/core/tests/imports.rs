//! Member import from real files: every reader, cleaning rule, error code and commit guarantee.

mod support;

use calamine::{open_workbook, Data, Reader, Xlsx};
use orgdesk_core::imports::{self, ImportOptions, ImportReport, ImportSession};
use orgdesk_core::progress::{Progress, Silent};
use orgdesk_core::{
    ErrorCode, Lang, MemberFields, MemberInput, MemberQuery, Platform, Source, Workspace,
};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use support::*;
use tempfile::TempDir;

fn workspace(dir: &TempDir) -> Workspace {
    Workspace::create(
        &dir.path().join("ws.orgdesk"),
        "示例科技",
        Platform::Wecom,
        Source::Cli,
    )
    .unwrap()
}

fn run(
    ws: &mut Workspace,
    path: &Path,
    options: &ImportOptions,
    dry_run: bool,
) -> orgdesk_core::Result<ImportReport> {
    let mut session = ImportSession::open(path)?;
    ws.run_import(&mut session, options, dry_run, Lang::EnUs, &Silent)
}

fn import(ws: &mut Workspace, path: &Path) -> ImportReport {
    run(ws, path, &ImportOptions::default(), false).unwrap()
}

fn codes(issues: &imports::RowIssues) -> Vec<(u32, String)> {
    issues.iter().map(|i| (i.row, i.code.to_string())).collect()
}

fn dump(ws: &Workspace) -> Vec<String> {
    let mut out: Vec<String> = ws
        .departments()
        .unwrap()
        .into_iter()
        .map(|d| d.path)
        .collect();
    out.extend(
        ws.members(&MemberQuery::default())
            .unwrap()
            .into_iter()
            .map(|m| format!("{m:?}")),
    );
    out
}

/// The WeCom console template: instruction rows (merged cells) above the header on row 9.
fn wecom_template(dir: &TempDir) -> std::path::PathBuf {
    let mut rows = vec![vec![E]; 8];
    rows.push(row(&WECOM_HEADER));
    rows.push(vec![
        S("张伟"),
        S("zhangwei"),
        E,
        S("华东区经理"),
        S("示例科技/销售部/华东区"),
        S("男"),
        N(13800138000.0),
        E,
        S("zhangwei@example.com"),
        E,
        E,
        E,
    ]);
    rows.push(vec![
        S("李娜"),
        S("lina"),
        S("Lina"),
        S("工程师"),
        S("示例科技/研发中心；示例科技/销售部"),
        S("女"),
        S("+86 139 0013 9000"),
        S("021-12345678"),
        E,
        S("上海"),
        E,
        E,
    ]);
    rows.push(vec![
        S("王芳"),
        S("wangfang"),
        E,
        S("销售代表"),
        S("示例科技/销售部/华东区"),
        S("女"),
        E,
        E,
        S("wangfang@example.com"),
        E,
        E,
        E,
    ]);
    let mut spec = sheet("Sheet1", rows);
    spec.merges = vec![
        (0, 0, 0, 11, "填写须知："),
        (1, 0, 7, 11, "1. 请勿修改表头；2. 红色字段为必填；3. 手机和邮箱至少填写一项；4. 部门请从顶级部门写起，用 / 分隔，多个部门用；分隔"),
    ];
    write_xlsx(&dir.path().join("企业微信通讯录模板.xlsx"), vec![spec])
}

#[test]
fn wecom_template_with_instruction_rows_and_merged_cells() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    let r = import(&mut ws, &wecom_template(&dir));
    assert_eq!(
        (r.format.as_str(), r.header_row, r.rows, r.valid, r.invalid),
        ("xlsx", 9, 3, 3, 0)
    );
    assert_eq!(r.mapping["姓名"], "name");
    assert_eq!(r.mapping["企业邮箱"], "biz_email");
    assert!(!r.mapping.contains_key("视频号"));
    assert_eq!(
        (r.created.members, r.created.departments, r.committed),
        (3, 4, true)
    );
    assert!(r.batch.is_some());
    let lina = ws.member("lina").unwrap();
    assert_eq!(lina.fields.mobile.as_deref(), Some("13900139000"));
    assert_eq!(lina.departments, ["示例科技/研发中心", "示例科技/销售部"]);
    assert_eq!(lina.main_department.as_deref(), Some("示例科技/研发中心"));
    assert_eq!(lina.fields.gender, Some(orgdesk_core::Gender::Female));
    assert_eq!(
        ws.member("zhangwei").unwrap().fields.mobile.as_deref(),
        Some("13800138000")
    );
}

#[test]
fn a_two_sheet_workbook_skips_the_instruction_sheet_and_honours_the_position_of_the_table() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    let notes = sheet(
        "说明",
        vec![row(&["本表用于导入成员"]), row(&["请在第二个工作表填写"])],
    );
    let mut staff = sheet(
        "成员",
        vec![
            row(&["员工花名册"]),
            row(&["姓名", "手机号", "所在部门", "职位"]),
            row(&["张伟", "13800138000", "示例科技/销售部", "经理"]),
            row(&["李娜", "", "示例科技/销售部", "助理"]),
        ],
    );
    staff.origin = (2, 1); // the table starts at B3
    let path = write_xlsx(&dir.path().join("two-sheets.xlsx"), vec![notes, staff]);
    let r = run(&mut ws, &path, &ImportOptions::default(), true).unwrap();
    assert_eq!(
        (r.sheet.as_str(), r.header_row, r.sheets.len()),
        ("成员", 4, 2)
    );
    // Errors point at the row numbers Excel shows.
    assert_eq!(codes(&r.errors), [(6, "missing_contact".to_string())]);
    assert_eq!(&*r.errors.to_vec()[0].column, "手机号");
    assert!(!r.committed);
    assert_eq!(
        ws.members(&MemberQuery::default()).unwrap().len(),
        0,
        "a dry run writes nothing"
    );
}

#[test]
fn gbk_csv_from_chinese_excel_is_detected() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    let path = write_gbk(
        &dir.path().join("staff.csv"),
        "姓名,手机,部门,职务,邮箱\r\n张伟,138-0013-8000,示例科技/销售部,经理,\r\n欧阳娜娜,139 0013 9000,示例科技/市场部,专员,oy@example.com\r\n",
    );
    let r = import(&mut ws, &path);
    assert_eq!(
        (r.format.as_str(), r.encoding.as_deref(), r.rows, r.invalid),
        ("csv", Some("GB18030"), 2, 0)
    );
    let names: Vec<String> = ws
        .members(&MemberQuery::default())
        .unwrap()
        .into_iter()
        .map(|m| format!("{}:{}", m.userid, m.fields.name))
        .collect();
    assert_eq!(names, ["zhangwei:张伟", "ouyangnana:欧阳娜娜"]);
    // UTF-8 with a BOM and tab separators, as other tools write.
    let path = dir.path().join("bom.csv");
    std::fs::write(
        &path,
        "\u{feff}姓名\t手机\t部门\n王芳\t13700137000\t示例科技/销售部\n",
    )
    .unwrap();
    let r = import(&mut ws, &path);
    assert_eq!(
        (r.encoding.as_deref(), r.created.members),
        (Some("UTF-8 (BOM)"), 1)
    );
}

#[test]
fn legacy_xls_and_ods_files_read_like_xlsx() {
    for name in ["staff.xls", "staff.ods"] {
        let dir = TempDir::new().unwrap();
        let mut ws = workspace(&dir);
        let r = import(&mut ws, &fixture(name));
        assert_eq!(
            (r.rows, r.invalid, r.created.members),
            (3, 0, 3),
            "{name}: {:?}",
            r.errors
        );
        assert_eq!(r.format, &name[6..]);
        let zw = ws.member("zhangwei").unwrap();
        assert_eq!(
            (zw.fields.mobile.as_deref(), zw.fields.join_date.as_deref()),
            (Some("13800138000"), Some("2023-05-01")),
            "{name}"
        );
        let lina = ws.member("lina").unwrap();
        assert_eq!(
            lina.departments,
            ["示例科技/研发中心", "示例科技/销售部"],
            "{name}"
        );
        assert_eq!(lina.fields.join_date.as_deref(), Some("2023-05-01"));
    }
}

/// Writes the .xls and .ods fixtures with LibreOffice (run by hand; needs `soffice`).
#[test]
#[ignore]
fn make_legacy_fixtures() {
    let dir = TempDir::new().unwrap();
    let xlsx = write_xlsx(&dir.path().join("staff.xlsx"), legacy_staff());
    for format in ["xls", "ods"] {
        let status = std::process::Command::new("soffice")
            .args(["--headless", "--convert-to", format, "--outdir"])
            .arg(fixture(""))
            .arg(&xlsx)
            .status()
            .expect("soffice");
        assert!(status.success());
    }
}

#[test]
fn every_cleaning_rule_is_applied_and_reported() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    let path = write_xlsx(
        &dir.path().join("messy.xlsx"),
        vec![sheet(
            "Sheet1",
            vec![
                row(&[
                    "姓名*",
                    "手机号码",
                    "部门",
                    "职务",
                    "邮箱",
                    "入职时间",
                    "工号",
                    "性别",
                ]),
                // Non-breaking and full-width spaces; a mobile as a number; an Excel date cell.
                vec![
                    S("\u{a0}张伟\u{3000}"),
                    N(13800138000.0),
                    S("示例科技 / 销售部 / 华东区"),
                    S("经理"),
                    E,
                    D(45047.0),
                    S("ＳＫ００１"),
                    S("男"),
                ],
                // Full-width digits; +86 with dashes; a date serial stored as a plain number.
                vec![
                    S("张薇"),
                    S("＋86-139-0013-9000"),
                    S("示例科技/研发中心;示例科技/销售部"),
                    S("Ｐ７工程师"),
                    E,
                    N(45048.0),
                    E,
                    S("女"),
                ],
                // 86 prefix with spaces; 2023年5月1日; several departments with a full-width semicolon.
                vec![
                    S("章伟"),
                    S("86 137 0013 7000"),
                    S("示例科技/销售部；示例科技/市场部"),
                    E,
                    E,
                    S("2023年5月1日"),
                    E,
                    S("robot"),
                ],
                // An international number; 2023/5/1; the account generated must skip zhangwei/zhangwei2.
                vec![
                    S("张卫"),
                    S("+852 6123 4567"),
                    S("示例科技/销售部"),
                    S("顾问"),
                    S(" zw@example.com "),
                    S("2023/5/1"),
                    E,
                    E,
                ],
            ],
        )],
    );
    let r = import(&mut ws, &path);
    assert_eq!((r.invalid, r.created.members), (0, 4), "{:?}", r.errors);
    let m = |u: &str| ws.member(u).unwrap();
    assert_eq!(
        (
            m("zhangwei").fields.name.as_str(),
            m("zhangwei").fields.mobile.as_deref()
        ),
        ("张伟", Some("13800138000"))
    );
    assert_eq!(m("zhangwei").departments, ["示例科技/销售部/华东区"]);
    assert_eq!(
        m("zhangwei").fields.join_date.as_deref(),
        Some("2023-05-01")
    );
    assert_eq!(m("zhangwei").fields.employee_no.as_deref(), Some("SK001"));
    assert_eq!(m("zhangwei2").fields.mobile.as_deref(), Some("13900139000"));
    assert_eq!(m("zhangwei2").fields.position.as_deref(), Some("P7工程师"));
    assert_eq!(
        m("zhangwei2").fields.join_date.as_deref(),
        Some("2023-05-02")
    );
    assert_eq!(
        m("zhangwei2").departments,
        ["示例科技/研发中心", "示例科技/销售部"]
    );
    assert_eq!(m("zhangwei3").fields.mobile.as_deref(), Some("13700137000"));
    assert_eq!(
        m("zhangwei3").departments,
        ["示例科技/销售部", "示例科技/市场部"]
    );
    assert_eq!(m("zhangwei3").fields.gender, None);
    assert_eq!(
        m("zhangwei4").fields.mobile.as_deref(),
        Some("+85261234567")
    );
    assert_eq!(
        m("zhangwei4").fields.email.as_deref(),
        Some("zw@example.com")
    );
    assert_eq!(
        m("zhangwei4").fields.join_date.as_deref(),
        Some("2023-05-01")
    );
    let warned = codes(&r.warnings);
    for expected in [
        (2, "trimmed"),
        (2, "mobile_was_number"),
        (2, "department_normalized"),
        (2, "full_width"),
        (2, "userid_generated"),
        (3, "full_width"),
        (3, "mobile_normalized"),
        (3, "date_normalized"),
        (4, "date_normalized"),
        (4, "missing_position"),
        (4, "unknown_gender"),
        (5, "trimmed"),
        (5, "userid_generated"),
    ] {
        assert!(
            warned.contains(&(expected.0, expected.1.to_string())),
            "missing warning {expected:?} in {warned:?}"
        );
    }
    let generated: Vec<String> = r
        .warnings
        .iter()
        .filter(|w| w.code == "userid_generated")
        .map(|w| w.message)
        .collect();
    assert!(generated[3].contains("zhangwei4"), "{generated:?}");
}

#[test]
fn names_padded_to_line_up_and_dates_saved_as_digits_are_cleaned() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    // As a roster saved to CSV often is: two-character names padded with a full-width space,
    // a date column that lost its format (Excel serials and 20230501), an English name.
    let path = dir.path().join("padded.csv");
    std::fs::write(
        &path,
        "姓名,账号,部门,入职日期,邮箱\n\
         张　伟,zhangwei,示例科技/销售部,45047,zw@example.com\n\
         王 小 明,wxm,示例科技/销售部,20230502,wxm@example.com\n\
         John  Smith,jsmith,示例科技/销售部,2023-05-03 09:00:00,js@example.com\n\
         李娜,lina,示例科技/销售部,2023,ln@example.com\n",
    )
    .unwrap();
    let r = run(&mut ws, &path, &ImportOptions::default(), false).unwrap();
    assert_eq!(codes(&r.errors), [(5, "invalid_date".to_string())]);
    let warned = codes(&r.warnings);
    for expected in [(2, "name_spaces"), (3, "name_spaces"), (4, "name_spaces")] {
        assert!(
            warned.contains(&(expected.0, expected.1.to_string())),
            "missing warning {expected:?} in {warned:?}"
        );
    }
    let r = run(
        &mut ws,
        &path,
        &ImportOptions {
            skip_invalid: true,
            ..Default::default()
        },
        false,
    )
    .unwrap();
    assert!(r.committed);
    let m = |id: &str| ws.member(id).unwrap();
    assert_eq!(m("zhangwei").fields.name, "张伟");
    assert_eq!(
        m("zhangwei").fields.join_date.as_deref(),
        Some("2023-05-01")
    );
    assert_eq!(m("wxm").fields.name, "王小明");
    assert_eq!(m("wxm").fields.join_date.as_deref(), Some("2023-05-02"));
    assert_eq!(m("jsmith").fields.name, "John Smith");
    assert_eq!(m("jsmith").fields.join_date.as_deref(), Some("2023-05-03"));
}

#[test]
fn leader_flags_are_read_per_department_and_reimports_change_them() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    let path = dir.path().join("leaders.csv");
    let write = |rows: &str| {
        std::fs::write(
            &path,
            format!("姓名,帐号,邮箱,所在部门,是否部门内领导\n{rows}"),
        )
        .unwrap();
    };
    // WeCom's files: one flag per department; a single yes/no is for the main department.
    write(
        "张伟,zhangwei,zw@example.com,示例科技/销售部;示例科技/市场部,0;1\n\
         李娜,lina,ln@example.com,示例科技/销售部;示例科技/市场部,是\n\
         王芳,wangfang,wf@example.com,示例科技/销售部,不知道\n",
    );
    let r = run(&mut ws, &path, &ImportOptions::default(), false).unwrap();
    assert!(r.committed, "{:?}", r.errors);
    assert!(codes(&r.warnings).contains(&(4, "leader_unknown".to_string())));
    assert_eq!(
        ws.member("zhangwei").unwrap().leader_of,
        ["示例科技/市场部"]
    );
    assert_eq!(ws.member("lina").unwrap().leader_of, ["示例科技/销售部"]);
    assert!(ws.member("wangfang").unwrap().leader_of.is_empty());

    // The same file again changes nothing; a changed flag updates that member only.
    let r = run(&mut ws, &path, &ImportOptions::default(), true).unwrap();
    assert_eq!((r.updated.members, r.unchanged), (0, 3));
    write(
        "张伟,zhangwei,zw@example.com,示例科技/销售部;示例科技/市场部,1;1\n\
         李娜,lina,ln@example.com,示例科技/销售部;示例科技/市场部,是\n\
         王芳,wangfang,wf@example.com,示例科技/销售部,\n",
    );
    let r = run(&mut ws, &path, &ImportOptions::default(), false).unwrap();
    assert_eq!((r.updated.members, r.unchanged), (1, 2));
    let mut leads = ws.member("zhangwei").unwrap().leader_of;
    leads.sort();
    assert_eq!(leads, ["示例科技/市场部", "示例科技/销售部"]);
    // Undo puts the flags back.
    ws.undo().unwrap();
    assert_eq!(
        ws.member("zhangwei").unwrap().leader_of,
        ["示例科技/市场部"]
    );
}

#[test]
fn every_error_code_with_its_row_and_column() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    ws.add_member(&MemberInput {
        userid: Some("laoyuangong".into()),
        fields: MemberFields {
            name: "老员工".into(),
            mobile: Some("13600136000".into()),
            email: Some("old@example.com".into()),
            ..Default::default()
        },
        departments: vec!["示例科技/行政部".into()],
        ..Default::default()
    })
    .unwrap();
    let before = dump(&ws);
    let long_name = "名".repeat(65);
    let long_position = "职".repeat(129);
    let long_dept = format!("示例科技/{}", "部".repeat(65));
    let rows = vec![
        row(&["姓名", "账号", "手机", "邮箱", "部门", "职务", "入职日期"]),
        row(&[
            "张伟",
            "zhangwei",
            "13800138000",
            "",
            "示例科技/销售部",
            "经理",
            "",
        ]), // 2 ok
        row(&["", "noname", "13800138001", "", "示例科技/销售部", "x", ""]), // 3 missing_required (name)
        row(&["李娜", "lina", "13800138002", "", "", "x", ""]), // 4 missing_required (department)
        row(&["王芳", "wangfang", "", "", "示例科技/销售部", "x", ""]), // 5 missing_contact
        row(&[
            "赵磊",
            "zhaolei",
            "1380013800",
            "",
            "示例科技/销售部",
            "x",
            "",
        ]), // 6 invalid_mobile
        row(&["孙丽", "sunli", "", "sunli@", "示例科技/销售部", "x", ""]), // 7 invalid_email
        row(&[
            "周杰",
            "-zhoujie",
            "13800138003",
            "",
            "示例科技/销售部",
            "x",
            "",
        ]), // 8 invalid_userid
        row(&[
            "吴敏",
            "ZhangWei",
            "13800138004",
            "",
            "示例科技/销售部",
            "x",
            "",
        ]), // 9 duplicate_userid (row 2)
        row(&[
            "郑浩",
            "zhenghao",
            "13800138000",
            "",
            "示例科技/销售部",
            "x",
            "",
        ]), // 10 duplicate_mobile (row 2)
        row(&[
            "冯婷",
            "fengting",
            "13600136000",
            "",
            "示例科技/销售部",
            "x",
            "",
        ]), // 11 duplicate_mobile (existing)
        row(&[
            "何俊",
            "hejun",
            "",
            "OLD@example.com",
            "示例科技/销售部",
            "x",
            "",
        ]), // 12 duplicate_email (existing)
        vec![
            Owned(long_name),
            S("longname"),
            S("13800138005"),
            E,
            S("示例科技/销售部"),
            S("x"),
            E,
        ], // 13 too_long
        vec![
            S("马超"),
            S("machao"),
            S("13800138006"),
            E,
            S("示例科技/销售部"),
            Owned(long_position),
            E,
        ], // 14 too_long
        row(&[
            "朱琳",
            "zhulin",
            "13800138007",
            "",
            "示例科技//销售部",
            "x",
            "",
        ]), // 15 invalid_department
        row(&[
            "胡斌",
            "hubin",
            "13800138008",
            "",
            "示例科技/销售*部",
            "x",
            "",
        ]), // 16 invalid_department
        vec![
            S("郭晓"),
            S("guoxiao"),
            S("13800138009"),
            E,
            Owned(long_dept),
            S("x"),
            E,
        ], // 17 invalid_department
        row(&[
            "林峰",
            "linfeng",
            "13800138010",
            "",
            "示例科技/销售部",
            "x",
            "2023-13-45",
        ]), // 18 invalid_date
        row(&[
            "高雪",
            "gaoxue",
            "1.38001E+10",
            "",
            "示例科技/销售部",
            "x",
            "",
        ]), // 19 invalid_mobile (scientific)
        row(&[
            "罗鹏",
            "luopeng",
            "13800138011",
            "lp@example.com",
            "示例科技/销售部",
            "x",
            "",
        ]), // 20 ok
        row(&[
            "梁雨",
            "liangyu",
            "13800138012",
            "LP@example.com",
            "示例科技/销售部",
            "x",
            "",
        ]), // 21 duplicate_email (row 20)
    ];
    let path = write_xlsx(&dir.path().join("errors.xlsx"), vec![sheet("Sheet1", rows)]);
    let r = run(&mut ws, &path, &ImportOptions::default(), false).unwrap();
    let expected: Vec<(u32, &str, &str)> = vec![
        (3, "missing_required", "姓名"),
        (4, "missing_required", "部门"),
        (5, "missing_contact", "手机"),
        (6, "invalid_mobile", "手机"),
        (7, "invalid_email", "邮箱"),
        (8, "invalid_userid", "账号"),
        (9, "duplicate_userid", "账号"),
        (10, "duplicate_mobile", "手机"),
        (11, "duplicate_mobile", "手机"),
        (12, "duplicate_email", "邮箱"),
        (13, "too_long", "姓名"),
        (14, "too_long", "职务"),
        (15, "invalid_department", "部门"),
        (16, "invalid_department", "部门"),
        (17, "invalid_department", "部门"),
        (18, "invalid_date", "入职日期"),
        (19, "invalid_mobile", "手机"),
        (21, "duplicate_email", "邮箱"),
    ];
    let errors = r.errors.to_vec();
    let got: Vec<(u32, &str, &str)> = errors.iter().map(|e| (e.row, e.code, &*e.column)).collect();
    assert_eq!(got, expected);
    assert!(r
        .errors
        .iter()
        .all(|e| !e.message.is_empty() && !e.message.starts_with("errors.")));
    let find = |row: u32| &errors.iter().find(|e| e.row == row).unwrap().message;
    assert!(find(9).contains("row 2"), "{}", find(9));
    assert!(find(11).contains("老员工"), "{}", find(11));
    assert!(find(19).contains("scientific notation"), "{}", find(19));
    assert_eq!(
        (r.rows, r.valid, r.invalid, r.committed),
        (20, 2, 18, false)
    );
    assert_eq!(
        (r.created.members, r.updated.members),
        (0, 0),
        "nothing was created"
    );
    assert_eq!(dump(&ws), before, "invalid rows: nothing written");

    // Chosen explicitly, exactly the valid rows are written.
    let options = ImportOptions {
        skip_invalid: true,
        ..Default::default()
    };
    let r = run(&mut ws, &path, &options, false).unwrap();
    assert_eq!((r.committed, r.created.members), (true, 2));
    let ids: Vec<String> = ws
        .members(&MemberQuery::default())
        .unwrap()
        .into_iter()
        .map(|m| m.userid)
        .collect();
    assert_eq!(ids, ["laoyuangong", "zhangwei", "luopeng"]);
}

#[test]
fn the_error_workbook_holds_the_rejected_rows_as_they_came_and_the_reasons() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    let path = write_xlsx(
        &dir.path().join("in.xlsx"),
        vec![sheet(
            "Sheet1",
            vec![
                row(&["姓名", "手机", "部门", "备注"]),
                vec![S("张伟"), N(13800138000.0), S("示例科技/销售部"), S("ok")],
                vec![
                    S("李娜"),
                    S("12345"),
                    S("示例科技/销售部"),
                    S("=HYPERLINK(\"x\")"),
                ],
                vec![E, N(13900139000.0), S("示例科技/销售部"), E],
            ],
        )],
    );
    let mut session = ImportSession::open(&path).unwrap();
    ws.plan_import(&mut session, &ImportOptions::default(), Lang::ZhCn)
        .unwrap();
    let out = dir.path().join("errors.xlsx");
    assert_eq!(session.write_errors(&out, Lang::ZhCn).unwrap(), 2);
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names(), ["未导入的行"]);
    let range = book.worksheet_range("未导入的行").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    assert_eq!(
        rows[0],
        ["姓名", "手机", "部门", "备注", "未导入原因"].map(|s| Data::String(s.into()))
    );
    assert_eq!(
        rows[1][0..4],
        [
            S_("李娜"),
            S_("12345"),
            S_("示例科技/销售部"),
            S_("=HYPERLINK(\"x\")")
        ]
    );
    assert!(
        matches!(&rows[1][4], Data::String(s) if s.contains("第 3 行“手机”") && s.contains("12345"))
    );
    // Its row is tall enough for the reason's wrapped lines.
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip::ZipArchive::new(std::fs::File::open(&out).unwrap())
            .unwrap()
            .by_name("xl/worksheets/sheet1.xml")
            .unwrap(),
        &mut xml,
    )
    .unwrap();
    let second = xml
        .split("<row ")
        .find(|r| r.starts_with("r=\"2\""))
        .unwrap();
    assert!(second.contains("customHeight=\"1\""), "{second}");
    assert_eq!(
        rows[2][1],
        Data::Float(13900139000.0),
        "numbers stay numbers"
    );
    assert!(matches!(&rows[2][4], Data::String(s) if s.contains("姓名为空")));
    // The formula-looking note was written as text, not as a formula.
    let formulas = book.worksheet_formula("未导入的行").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    // Fixed and imported again, that file is accepted.
    ws.commit_import(&session, true, Lang::ZhCn, &Silent)
        .unwrap();
    assert_eq!(ws.members(&MemberQuery::default()).unwrap().len(), 1);
}

#[allow(non_snake_case)]
fn S_(s: &str) -> Data {
    Data::String(s.into())
}

#[test]
fn reimporting_changes_nothing_with_or_without_the_account_column() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    let first = write_gbk(
        &dir.path().join("a.csv"),
        "姓名,手机,邮箱,部门,职务\n张伟,13800138000,,示例科技/销售部,经理\n李娜,,ln@example.com,示例科技/研发中心,工程师\n",
    );
    let r = import(&mut ws, &first);
    assert_eq!(r.created.members, 2);
    let before = dump(&ws);
    let log = ws.log(None).unwrap().len();
    let again = import(&mut ws, &first);
    assert_eq!(
        (
            again.created.members,
            again.updated.members,
            again.unchanged,
            again.batch
        ),
        (0, 0, 2, None)
    );
    assert_eq!(dump(&ws), before);
    assert_eq!(ws.log(None).unwrap().len(), log, "no empty batch is logged");
    // The same people with their accounts, and one change: 张伟 becomes 总监.
    let with_ids = write_gbk(
        &dir.path().join("b.csv"),
        "账号,姓名,手机,邮箱,部门,职务\nzhangwei,张伟,13800138000,,示例科技/销售部,总监\nlina,李娜,,LN@example.com,示例科技/研发中心,工程师\n",
    );
    let r = import(&mut ws, &with_ids);
    assert_eq!(
        (r.created.members, r.updated.members, r.unchanged),
        (0, 1, 1)
    );
    assert_eq!(ws.members(&MemberQuery::default()).unwrap().len(), 2);
    assert_eq!(
        ws.member("zhangwei").unwrap().fields.position.as_deref(),
        Some("总监")
    );
    // Matched by mobile: a row without account updates that member and keeps what the file omits.
    let partial = write_gbk(
        &dir.path().join("c.csv"),
        "姓名,手机,部门\n张伟,138 0013 8000,示例科技/市场部\n",
    );
    let r = import(&mut ws, &partial);
    assert_eq!((r.updated.members, r.created.members), (1, 0));
    let zw = ws.member("zhangwei").unwrap();
    assert_eq!(
        (zw.fields.position.as_deref(), zw.departments.clone()),
        (Some("总监"), vec!["示例科技/市场部".to_string()])
    );
}

#[test]
fn a_mobile_or_email_of_another_member_is_refused() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    for (name, id, mobile) in [
        ("张伟", "zhangwei", "13800138000"),
        ("李娜", "lina", "13900139000"),
    ] {
        ws.add_member(&MemberInput {
            userid: Some(id.into()),
            fields: MemberFields {
                name: name.into(),
                mobile: Some(mobile.into()),
                ..Default::default()
            },
            departments: vec!["示例科技".into()],
            ..Default::default()
        })
        .unwrap();
    }
    let path = write_gbk(
        &dir.path().join("x.csv"),
        "账号,姓名,手机,部门\nlina,李娜,13800138000,示例科技\n",
    );
    let r = run(&mut ws, &path, &ImportOptions::default(), true).unwrap();
    assert_eq!(codes(&r.errors), [(2, "duplicate_mobile".to_string())]);
    assert!(r.errors.to_vec()[0].message.contains("张伟"));
}

#[test]
fn an_import_is_one_batch_that_undo_and_rollback_revert() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    let empty = dump(&ws);
    let r = import(&mut ws, &wecom_template(&dir));
    let batch = r.batch.unwrap();
    let imported = dump(&ws);
    // Undo reverts the whole batch; redo brings it back.
    assert_eq!(ws.undo().unwrap().action.as_str(), "import");
    assert_eq!(dump(&ws), empty);
    ws.redo().unwrap();
    assert_eq!(dump(&ws), imported);
    // A later, unrelated change does not stop a rollback of the batch.
    ws.add_department("另一家公司/财务部").unwrap();
    let listed = ws.imports().unwrap();
    assert_eq!(
        (
            listed[0].batch,
            listed[0].created.members,
            listed[0].state.as_str()
        ),
        (batch, 3, "done")
    );
    assert_eq!(
        (listed[0].file.as_str(), listed[0].sheet.as_str()),
        ("企业微信通讯录模板.xlsx", "Sheet1")
    );
    assert_eq!(
        ws.log(Some(20))
            .unwrap()
            .iter()
            .find(|e| e.id == batch)
            .unwrap()
            .target,
        "企业微信通讯录模板.xlsx"
    );
    let rolled = ws.rollback_import(batch).unwrap();
    assert_eq!(rolled.state.as_str(), "rolled_back");
    assert_eq!(ws.members(&MemberQuery::default()).unwrap().len(), 0);
    let paths: Vec<String> = ws
        .departments()
        .unwrap()
        .into_iter()
        .map(|d| d.path)
        .collect();
    assert_eq!(paths, ["另一家公司", "另一家公司/财务部"]);
    assert_eq!(ws.imports().unwrap()[0].state.as_str(), "rolled_back");
    assert_eq!(
        ws.rollback_import(batch).unwrap_err().code,
        ErrorCode::BatchNotFound
    );
    // The later change can still be undone on its own.
    assert_eq!(ws.undo().unwrap().action.as_str(), "department_add");
    assert_eq!(dump(&ws), empty);
}

#[test]
fn a_rollback_that_would_lose_later_edits_is_refused() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    let batch = import(&mut ws, &wecom_template(&dir)).batch.unwrap();
    let mut input = ws.member("lina").unwrap().to_input();
    input.fields.position = Some("架构师".into());
    ws.update_member("lina", &input).unwrap();
    let before = dump(&ws);
    let e = ws.rollback_import(batch).unwrap_err();
    assert_eq!(e.code, ErrorCode::RollbackConflict);
    assert_eq!(dump(&ws), before);
    // So is one after a snapshot restore, which replaced everything (even with the same content).
    ws.undo().unwrap();
    ws.save_snapshot("导入后").unwrap();
    ws.restore_snapshot("导入后").unwrap();
    let before = dump(&ws);
    let e = ws.rollback_import(batch).unwrap_err();
    assert_eq!(e.code, ErrorCode::RollbackConflict);
    assert_eq!(dump(&ws), before);
}

/// A large undo applies its changes with the indexes dropped and builds them again after: a
/// unique index that no longer holds then is a conflict, exactly as it is row by row, and the
/// workspace stays as it was, indexes included.
#[test]
fn a_large_undo_that_breaks_a_unique_index_is_a_conflict() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    let write = |name: &str, prefix: &str| {
        let mut csv = String::from("姓名,账号,手机,部门\n");
        for i in 0..6000 {
            csv.push_str(&format!(
                "员工{i},u{i},{prefix}{i:08},示例科技/部门{}\n",
                i % 9
            ));
        }
        let path = dir.path().join(name);
        std::fs::write(&path, csv).unwrap();
        path
    };
    import(&mut ws, &write("old.csv", "139"));
    // Every member gets a new number: 6,000 updates the session records.
    let r = import(&mut ws, &write("new.csv", "137"));
    assert_eq!(r.updated.members, 6000);
    let before = (dump(&ws), indexes(&ws));
    // Someone else took an old number since (behind the history's back).
    ws.raw_execute(
        "INSERT INTO members (id, userid, name, mobile, created_at, updated_at)
         VALUES (100000, 'other', '别人', '13900000042', '', '')",
    )
    .unwrap();
    let taken = (dump(&ws), indexes(&ws));
    let e = ws.undo().unwrap_err();
    assert_eq!(e.code, ErrorCode::HistoryConflict, "{e:?}");
    assert_eq!((dump(&ws), indexes(&ws)), taken);
    // Once the number is free again, the undo goes through.
    ws.raw_execute("DELETE FROM members WHERE id = 100000")
        .unwrap();
    assert_eq!((dump(&ws), indexes(&ws)), before);
    ws.undo().unwrap();
    assert_eq!(
        ws.member("u42").unwrap().fields.mobile.as_deref(),
        Some("13900000042")
    );
    assert_eq!(indexes(&ws), before.1);
}

#[test]
fn a_failure_in_the_middle_of_the_commit_leaves_the_workspace_as_it_was() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    ws.add_department("示例科技/行政部").unwrap();
    let before = dump(&ws);
    let mut csv = String::from("姓名,手机,部门\n");
    for i in 0..1000 {
        csv.push_str(&format!("员工{i},1380000{i:04},示例科技/部门{}\n", i % 7));
    }
    let path = dir.path().join("big.csv");
    std::fs::write(&path, csv).unwrap();
    // The database itself fails on the 600th member (an .xlsx file is written while it is read).
    ws.raw_execute("CREATE TEMP TRIGGER boom BEFORE INSERT ON members WHEN NEW.name = '员工600' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END")
        .unwrap();
    for path in [as_xlsx(&path), path] {
        let e = run(&mut ws, &path, &ImportOptions::default(), false).unwrap_err();
        assert_eq!(e.code, ErrorCode::DatabaseError);
        assert_eq!(dump(&ws), before);
        assert!(ws.imports().unwrap().is_empty());
    }
}

/// The same rows as an .xlsx file (text cells) next to a comma-separated CSV file.
fn as_xlsx(csv: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(csv).unwrap();
    let rows = text
        .lines()
        .map(|l| {
            l.split(',')
                .map(|c| {
                    if c.is_empty() {
                        E
                    } else {
                        Owned(c.to_string())
                    }
                })
                .collect()
        })
        .collect();
    write_xlsx(&csv.with_extension("xlsx"), vec![sheet("Sheet1", rows)])
}

fn indexes(ws: &Workspace) -> Vec<String> {
    let mut stmt = ws
        .raw_connection()
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn a_bulk_import_rebuilds_the_indexes_and_undoes_like_any_other() {
    let dir = TempDir::new().unwrap();
    let mut ws = with_old_member(&dir);
    let (before, before_indexes) = (dump(&ws), indexes(&ws));
    // Enough rows for the bulk path, one of them updating the existing member.
    let mut csv = String::from(
        "姓名,账号,手机,部门\n老员工,old,13900000000,示例科技/行政部;示例科技/新部门\n",
    );
    for i in 0..6000 {
        csv.push_str(&format!(
            "员工{i},u{i},1380000{i:04},示例科技/部门{}\n",
            i % 9
        ));
    }
    let path = dir.path().join("bulk.csv");
    std::fs::write(&path, csv).unwrap();
    let xlsx = as_xlsx(&path);

    // A failure after the indexes were dropped leaves everything as it was, indexes included.
    ws.raw_execute("CREATE TEMP TRIGGER boom BEFORE INSERT ON members WHEN NEW.name = '员工5999' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END")
        .unwrap();
    for path in [&xlsx, &path] {
        assert!(run(&mut ws, path, &ImportOptions::default(), false).is_err());
        assert_eq!(
            (dump(&ws), indexes(&ws)),
            (before.clone(), before_indexes.clone())
        );
    }
    ws.raw_execute("DROP TRIGGER boom").unwrap();
    // So does an invalid row at the end of a streamed file (nothing is kept without --skip-invalid).
    let mut bad = std::fs::read_to_string(&path).unwrap();
    bad.push_str("坏行,u-bad,12345,示例科技/部门1\n");
    let bad_path = dir.path().join("bad.csv");
    std::fs::write(&bad_path, bad).unwrap();
    let r = run(
        &mut ws,
        &as_xlsx(&bad_path),
        &ImportOptions::default(),
        false,
    )
    .unwrap();
    assert_eq!((r.invalid, r.created.members, r.committed), (1, 0, false));
    assert_eq!(codes(&r.errors), [(6003, "invalid_mobile".to_string())]);
    assert_eq!(
        (dump(&ws), indexes(&ws)),
        (before.clone(), before_indexes.clone())
    );

    let r = import(&mut ws, &xlsx);
    assert_eq!((r.created.members, r.updated.members), (6000, 1));
    assert_eq!(indexes(&ws), before_indexes);
    // The new members are listed in the audit entry, not copied into its changeset (until undo).
    let entry = |ws: &Workspace| -> (i64, Option<String>, Option<i64>) {
        ws.raw_connection()
            .query_row(
                "SELECT length(changeset), inserted, length(described) FROM audit_log WHERE action = 'import'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap()
    };
    let (size, listed, described) = entry(&ws);
    assert!(size < 10_000 && described.is_none(), "{size}");
    assert_eq!(
        listed.as_deref(),
        Some(r#"[["members","id",2,6001],["member_departments","member_id",2,6001]]"#)
    );
    let imported = dump(&ws);
    // The rebuilt unique indexes hold: a second member with a taken mobile is refused by SQLite.
    assert!(ws
        .raw_execute("INSERT INTO members (userid, name, mobile, created_at, updated_at) VALUES ('x', 'x', '13800000042', '', '')")
        .is_err());
    assert_eq!(ws.undo().unwrap().action.as_str(), "import");
    assert_eq!(dump(&ws), before);
    // Undo deletes the listed rows in bulk and keeps what they held beside the list for redo.
    let (size_after_undo, listed_after_undo, described) = entry(&ws);
    assert!(size_after_undo < 10_000, "{size_after_undo}");
    assert_eq!(listed_after_undo, listed);
    assert!(described.unwrap_or(0) > 100_000, "{described:?}");
    assert_eq!(indexes(&ws), before_indexes);
    ws.redo().unwrap();
    assert_eq!(dump(&ws), imported);
    assert_eq!(entry(&ws), (size, listed, None));
    assert_eq!(indexes(&ws), before_indexes);
    // And round again.
    ws.undo().unwrap();
    assert_eq!(dump(&ws), before);
    ws.redo().unwrap();
    assert_eq!(dump(&ws), imported);
    assert_eq!(ws.member("old").unwrap().departments.len(), 2);
}

struct CancelAt(u64, AtomicU64);

impl Progress for CancelAt {
    fn update(&self, done: u64, _total: u64) {
        self.1.store(done, Ordering::SeqCst);
    }
    fn cancelled(&self) -> bool {
        self.1.load(Ordering::SeqCst) >= self.0
    }
}

#[test]
fn a_cancelled_import_leaves_the_workspace_as_it_was() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    let before = dump(&ws);
    let mut csv = String::from("姓名,手机,部门\n");
    for i in 0..2000 {
        csv.push_str(&format!("员工{i},1390000{i:04},示例科技/部门{}\n", i % 5));
    }
    let path = dir.path().join("big.csv");
    std::fs::write(&path, csv).unwrap();
    for path in [as_xlsx(&path), path] {
        let mut session = ImportSession::open(&path).unwrap();
        let progress = CancelAt(1000, AtomicU64::new(0));
        let e = ws
            .run_import(
                &mut session,
                &ImportOptions::default(),
                false,
                Lang::EnUs,
                &progress,
            )
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Cancelled);
        assert!(progress.1.load(Ordering::SeqCst) >= 1000);
        assert_eq!(dump(&ws), before);
    }
}

/// A workspace with one member: 老员工 (`old`, 13900000000, 示例科技/行政部).
fn with_old_member(dir: &TempDir) -> Workspace {
    let mut ws = workspace(dir);
    ws.add_member(&MemberInput {
        userid: Some("old".into()),
        fields: MemberFields {
            name: "老员工".into(),
            mobile: Some("13900000000".into()),
            ..Default::default()
        },
        departments: vec!["示例科技/行政部".into()],
        ..Default::default()
    })
    .unwrap();
    ws
}

/// A workspace with one member, and a file that updates her, adds members with and without an
/// account, repeats a mobile and leaves a row blank, under two rows of notes.
fn mixed_file(dir: &TempDir) -> (Workspace, std::path::PathBuf) {
    let ws = with_old_member(dir);
    let rows = vec![
        row(&["员工名单（2026 年 11 月）"]),
        row(&["说明：手机和邮箱至少填写一项"]),
        row(&["姓名", "账号", "手机", "部门", "职务"]),
        row(&["老员工", "old", "13900000000", "示例科技/行政部", "主管"]),
        row(&["张伟", "", "138 0013 8000", "示例科技/销售部", "销售"]),
        row(&["", "", "", "", ""]),
        row(&["李娜", "lina", "13700137000", "示例科技 / 研发部", ""]),
        row(&[
            "王芳",
            "wangfang",
            "13700137000",
            "示例科技/研发部",
            "工程师",
        ]),
        row(&["张伟", "", "13600136000", "示例科技/销售部", "销售"]),
    ];
    let path = write_xlsx(&dir.path().join("mixed.xlsx"), vec![sheet("名单", rows)]);
    (ws, path)
}

#[test]
fn a_streamed_import_ends_as_the_wizard_preview_and_commit_do() {
    let report = |r: ImportReport| {
        let mut v = serde_json::to_value(r).unwrap();
        v["batch"] = serde_json::Value::Null;
        v
    };
    for skip_invalid in [false, true] {
        let options = ImportOptions {
            skip_invalid,
            ..Default::default()
        };
        // The CLI's path: written while it is read.
        let a = TempDir::new().unwrap();
        let (mut streamed, path) = mixed_file(&a);
        let r = streamed
            .run_import(
                &mut ImportSession::open(&path).unwrap(),
                &options,
                false,
                Lang::ZhCn,
                &Silent,
            )
            .unwrap();
        // The wizard's path: the whole sheet planned, then committed.
        let b = TempDir::new().unwrap();
        let (mut planned, path) = mixed_file(&b);
        let mut session = ImportSession::open(&path).unwrap();
        planned
            .plan_import(&mut session, &options, Lang::ZhCn)
            .unwrap();
        let committed = planned
            .commit_import(&session, skip_invalid, Lang::ZhCn, &Silent)
            .unwrap();
        assert_eq!(report(r.clone()), report(committed));
        // The same members (those without an account are created last when streamed, so
        // their ids may differ; the two imports may also fall in different seconds).
        let members = |ws: &Workspace| {
            let mut all: Vec<String> = dump(ws)
                .into_iter()
                .map(|m| {
                    let m = m
                        .split_once(", userid")
                        .map_or(m.as_str(), |(_, rest)| rest);
                    m.split_once(", created_at")
                        .map_or(m, |(kept, _)| kept)
                        .to_string()
                })
                .collect();
            all.sort();
            all
        };
        assert_eq!(members(&streamed), members(&planned));
        assert_eq!((r.header_row, r.rows, r.invalid), (3, 5, 1));
        assert_eq!(codes(&r.errors), [(8, "duplicate_mobile".to_string())]);
        if skip_invalid {
            assert_eq!((r.created.members, r.updated.members), (3, 1));
            assert_eq!(
                streamed
                    .member("zhangwei2")
                    .unwrap()
                    .fields
                    .mobile
                    .as_deref(),
                Some("13600136000")
            );
            assert_eq!(streamed.undo().unwrap().action.as_str(), "import");
            assert_eq!(streamed.members(&MemberQuery::default()).unwrap().len(), 1);
        } else {
            assert!(!r.committed);
            assert_eq!(streamed.members(&MemberQuery::default()).unwrap().len(), 1);
        }
    }
}

#[test]
fn a_large_csv_is_streamed_and_its_generated_accounts_match_the_wizards() {
    // 6,001 张伟 without an account (a bulk import), the first with a note over two lines, and
    // a last row that takes `zhangwei3` itself: the generated accounts must skip it, though
    // the rows before it are written before it is read.
    let mut csv = String::from(
        "姓名,账号,手机,部门,备注\n张伟,,13000000000,示例科技/销售部,\"两行\n备注\"\n",
    );
    for i in 1..6_001u64 {
        csv.push_str(&format!("张伟,,{},示例科技/销售部,\n", 13_000_000_000 + i));
    }
    csv.push_str("另一位,zhangwei3,13999999999,示例科技/研发部,\n");
    let members = |ws: &Workspace| {
        let mut all: Vec<String> = dump(ws)
            .into_iter()
            .map(|m| {
                m.split_once(", created_at")
                    .map_or(m.as_str(), |(kept, _)| kept)
                    .to_string()
            })
            .collect();
        all.sort();
        all
    };
    let report = |r: &ImportReport| {
        let mut v = serde_json::to_value(r).unwrap();
        v["batch"] = serde_json::Value::Null;
        v
    };
    // The CLI's path: written while it is read.
    let a = TempDir::new().unwrap();
    let path = a.path().join("staff.csv");
    std::fs::write(&path, &csv).unwrap();
    let mut streamed = workspace(&a);
    let r = import(&mut streamed, &path);
    // The wizard's path: the whole file planned, then committed.
    let b = TempDir::new().unwrap();
    let mut planned = workspace(&b);
    let mut session = ImportSession::open(&path).unwrap();
    planned
        .plan_import(&mut session, &ImportOptions::default(), Lang::EnUs)
        .unwrap();
    let committed = planned
        .commit_import(&session, false, Lang::EnUs, &Silent)
        .unwrap();
    assert_eq!(report(&r), report(&committed));
    assert_eq!(members(&streamed), members(&planned));

    assert_eq!(
        (r.format.as_str(), r.rows, r.created.members),
        ("csv", 6_002, 6_002)
    );
    let generated: Vec<(u32, String)> = r
        .warnings
        .iter()
        .filter(|w| w.code == "userid_generated")
        .map(|w| (w.row, w.message))
        .collect();
    assert_eq!(generated.len(), 6_001);
    // Lines as the file has them: the second record starts on line 4.
    assert_eq!(generated[1].0, 4);
    assert!(generated[2].1.contains("zhangwei4"), "{:?}", generated[2]);
    let all = streamed.members(&MemberQuery::default()).unwrap();
    assert!(all.iter().all(|m| !m.userid.starts_with('\u{1}')));
    assert_eq!(streamed.member("zhangwei3").unwrap().fields.name, "另一位");
    assert_eq!(
        streamed
            .member("zhangwei6002")
            .unwrap()
            .fields
            .mobile
            .as_deref(),
        Some("13000006000")
    );
    assert_eq!(streamed.undo().unwrap().action.as_str(), "import");
    assert!(streamed
        .members(&MemberQuery::default())
        .unwrap()
        .is_empty());
    streamed.redo().unwrap();
    assert_eq!(members(&streamed), members(&planned));
}

#[test]
fn merged_department_cells_in_the_data_are_filled_from_their_first_cell() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    let mut spec = sheet(
        "Sheet1",
        vec![
            row(&["姓名", "手机", "部门"]),
            row(&["张伟", "13800138000", ""]),
            row(&["李娜", "13900139000", ""]),
            row(&["王芳", "13700137000", ""]),
        ],
    );
    spec.merges = vec![(1, 2, 3, 2, "示例科技/销售部")];
    let path = write_xlsx(&dir.path().join("merged.xlsx"), vec![spec]);
    let r = import(&mut ws, &path);
    assert_eq!((r.created.members, r.invalid), (3, 0));
    for m in ws.members(&MemberQuery::default()).unwrap() {
        assert_eq!(m.departments, ["示例科技/销售部"], "{}", m.fields.name);
    }
}

#[test]
fn broken_files_are_refused_with_the_reason() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    let good = std::fs::read(wecom_template(&dir)).unwrap();
    let zip_not_workbook;
    {
        let mut w = rust_xlsxwriter::Workbook::new();
        w.add_worksheet();
        let mut bytes = w.save_to_buffer().unwrap();
        // A valid ZIP, but with its workbook part renamed away (same length, so offsets hold).
        let (from, to) = (b"xl/workbook.xml", b"xl/notebook.xml");
        let mut i = 0;
        while i + from.len() <= bytes.len() {
            if &bytes[i..i + from.len()] == from {
                bytes[i..i + from.len()].copy_from_slice(to);
            }
            i += 1;
        }
        zip_not_workbook = bytes;
    }
    let random: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.xlsx", vec![], "import_empty_file"),
        (
            "truncated.xlsx",
            good[..good.len() / 2].to_vec(),
            "import_bad_zip",
        ),
        ("random.xlsx", random, "import_not_a_spreadsheet"),
        ("notebook.xlsx", zip_not_workbook, "import_bad_zip"),
        (
            "header-only.csv",
            "姓名,手机,部门\n".as_bytes().to_vec(),
            "import_no_data",
        ),
        (
            "no-header.csv",
            "a,b,c\n1,2,3\n".as_bytes().to_vec(),
            "import_no_header",
        ),
        (
            "fake.xls",
            [
                &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..],
                &[0u8; 100][..],
            ]
            .concat(),
            "import_bad_xls",
        ),
    ];
    for (name, bytes, key) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let e = run(&mut ws, &path, &ImportOptions::default(), false).unwrap_err();
        assert_eq!((e.code, e.key), (ErrorCode::UnreadableFile, key), "{name}");
        assert!(
            e.message(Lang::EnUs).contains(name),
            "{name}: {}",
            e.message(Lang::EnUs)
        );
    }
    let missing = run(
        &mut ws,
        &dir.path().join("nope.xlsx"),
        &ImportOptions::default(),
        false,
    )
    .unwrap_err();
    assert_eq!(missing.code, ErrorCode::FileNotFound);
    assert!(ws.members(&MemberQuery::default()).unwrap().is_empty());
}

#[test]
fn sheet_header_row_and_mapping_can_be_given() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    let path = write_xlsx(
        &dir.path().join("custom.xlsx"),
        vec![
            sheet(
                "A",
                vec![
                    row(&["姓名", "手机", "部门"]),
                    row(&["甲", "13800138000", "示例科技"]),
                ],
            ),
            sheet(
                "B",
                vec![
                    row(&["员工", "联系方式", "组织", "备注"]),
                    row(&["乙", "13900139000", "示例科技/销售部", "不导入"]),
                ],
            ),
        ],
    );
    let mut options = ImportOptions {
        sheet: Some("B".into()),
        ..Default::default()
    };
    let e = run(&mut ws, &path, &options, true).unwrap_err();
    assert_eq!(e.key, "import_no_header");
    for (h, f) in [
        ("员工", "name"),
        ("联系方式", "mobile"),
        ("组织", "department"),
        ("备注", "ignore"),
    ] {
        options.mapping.insert(h.into(), f.into());
    }
    options.header_row = Some(1);
    let r = run(&mut ws, &path, &options, false).unwrap();
    assert_eq!((r.sheet.as_str(), r.created.members), ("B", 1));
    assert_eq!(
        r.mapping.get("联系方式").map(String::as_str),
        Some("mobile")
    );
    assert!(!r.mapping.contains_key("备注"));
    options.mapping.insert("员工".into(), "boss".into());
    assert_eq!(
        run(&mut ws, &path, &options, true).unwrap_err().key,
        "import_bad_mapping"
    );
    let bad_sheet = ImportOptions {
        sheet: Some("C".into()),
        ..Default::default()
    };
    assert_eq!(
        run(&mut ws, &path, &bad_sheet, true).unwrap_err().key,
        "import_sheet_not_found"
    );
    let bad_row = ImportOptions {
        header_row: Some(2),
        ..Default::default()
    };
    assert_eq!(
        run(&mut ws, &path, &bad_row, true).unwrap_err().key,
        "import_header_row_invalid"
    );
}

#[test]
fn roster_exports_with_department_levels_are_recognised() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    ws.add_department("示例科技").unwrap();
    let path = write_xlsx(
        &dir.path().join("钉钉花名册.xlsx"),
        vec![sheet(
            "花名册",
            vec![
                row(&[
                    "员工UserID",
                    "姓名",
                    "邮箱",
                    "工号",
                    "部门主管",
                    "1级部门",
                    "2级部门",
                    "3级部门",
                    "主部门ID",
                ]),
                row(&[
                    "manager7731",
                    "刘洋",
                    "ly@example.com",
                    "D001",
                    "是",
                    "销售部",
                    "华东区",
                    "",
                    "123",
                ]),
                row(&[
                    "user8842",
                    "赵磊",
                    "zl@example.com",
                    "D002",
                    "否",
                    "研发部",
                    "",
                    "",
                    "456",
                ]),
            ],
        )],
    );
    let r = import(&mut ws, &path);
    assert_eq!(r.invalid, 0, "{:?}", r.errors);
    assert_eq!(r.mapping["1级部门"], "department_level_1");
    assert_eq!(
        ws.member("manager7731").unwrap().departments,
        ["示例科技/销售部/华东区"]
    );
    assert_eq!(
        ws.member("user8842").unwrap().departments,
        ["示例科技/研发部"]
    );
    assert!(r.warnings.iter().any(|w| w.code == "department_under_root"));
}

/// A column headed by a member field's name, in either language, is that field: a new field of
/// the schema is importable without a synonym list.
#[test]
fn a_header_that_is_a_fields_name_maps_to_it() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    for (header, rank) in [("职级", "P7"), ("Rank", "M2")] {
        let path = dir.path().join(format!("{header}.csv"));
        std::fs::write(
            &path,
            format!("姓名,手机,部门,{header}\n张伟,13800138000,示例科技/销售部,{rank}\n"),
        )
        .unwrap();
        let r = import(&mut ws, &path);
        assert_eq!(r.mapping[header], "rank", "{header}");
        assert!(r.committed);
        assert_eq!(
            ws.member("zhangwei").unwrap().fields.rank.as_deref(),
            Some(rank)
        );
    }
}

/// Control characters are errors in every import (NUL from an .xlsx cell, which Excel writes
/// as `_x0000_`); invisible characters (bidi controls, zero-width) are removed with a warning;
/// line breaks inside a value are errors except in a field that spans lines (the address).
#[test]
fn control_characters_are_refused_and_invisible_ones_removed() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    let file = write_xlsx(
        &dir.path().join("hostile.xlsx"),
        vec![sheet(
            "Sheet1",
            vec![
                row(&["姓名", "账号", "手机", "部门", "地址"]),
                row(&[
                    "张\u{0}伟",
                    "zhangwei",
                    "13800000001",
                    "示例科技/销售部",
                    "",
                ]),
                row(&[
                    "\u{202E}李娜\u{200B}",
                    "lina",
                    "13800000002",
                    "示例科技/销\u{200D}售部",
                    "北京\n朝阳区",
                ]),
                row(&[
                    "王芳",
                    "wang\u{7}fang",
                    "13800000003",
                    "示例科技/销售部",
                    "",
                ]),
                row(&["赵\n强", "zhaoqiang", "13800000004", "示例科技/销售部", ""]),
            ],
        )],
    );
    let r = run(&mut ws, &file, &ImportOptions::default(), false).unwrap();
    assert_eq!(
        codes(&r.errors),
        [
            (2, "invalid_character".to_string()),
            (4, "invalid_character".to_string()),
            (5, "invalid_character".to_string())
        ]
    );
    assert!(!r.committed);
    assert!(
        r.errors.to_vec()[0].message.contains("U+0000"),
        "{}",
        r.errors.to_vec()[0].message
    );
    assert!(
        r.errors.to_vec()[0].message.contains("姓名"),
        "{}",
        r.errors.to_vec()[0].message
    );
    // Skipped, the invalid rows are not stored; the other one is, without its invisible marks.
    let options = ImportOptions {
        skip_invalid: true,
        ..Default::default()
    };
    let r = run(&mut ws, &file, &options, false).unwrap();
    assert_eq!((r.created.members, r.invalid), (1, 3));
    assert!(r
        .warnings
        .iter()
        .any(|w| w.code == "invisible_removed" && w.row == 3));
    let members = ws.members(&MemberQuery::default()).unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].fields.name, "李娜");
    assert_eq!(members[0].fields.address.as_deref(), Some("北京\n朝阳区"));
    assert_eq!(members[0].departments, ["示例科技/销售部"]);
}

/// A department path deeper than the platform allows is an error of its row, found while the
/// rows are checked (a 10,000-level path included), before anything is written.
#[test]
fn department_paths_deeper_than_the_platform_allows_are_row_errors() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    ws.add_department("示例科技").unwrap();
    let before = dump(&ws);
    let deep = |levels: usize| {
        (1..levels)
            .map(|i| format!("L{i}"))
            .collect::<Vec<_>>()
            .join("/")
    };
    // With the workspace's one top-level department put in front: 15 and 16 levels.
    let csv = format!(
        "姓名,手机,部门\n张伟,13800000001,{}\n李娜,13800000002,{}\n王芳,13800000003,{}\n",
        deep(15),
        deep(16),
        deep(10_000)
    );
    let path = dir.path().join("deep.csv");
    std::fs::write(&path, csv).unwrap();
    let r = run(&mut ws, &path, &ImportOptions::default(), false).unwrap();
    assert_eq!(
        codes(&r.errors),
        [
            (3, "invalid_department".to_string()),
            (4, "invalid_department".to_string())
        ]
    );
    assert!(
        r.errors.to_vec()[0].message.contains("16"),
        "{}",
        r.errors.to_vec()[0].message
    );
    assert!(!r.committed);
    assert_eq!(dump(&ws), before);
}

#[test]
fn the_preview_comes_a_page_at_a_time_with_counts_per_filter() {
    use orgdesk_core::imports::{PreviewAction, RowFilter};
    let dir = TempDir::new().unwrap();
    let ws = workspace(&dir);
    let csv = dir.path().join("p.csv");
    // Lines 2–13: every third mobile is invalid, every fourth name is padded (a clean-up note).
    let mut text = String::from("姓名,账号,手机,部门\n");
    for i in 0..12 {
        let name = if i % 4 == 0 {
            format!(" 成员{i} ")
        } else {
            format!("成员{i}")
        };
        let mobile = if i % 3 == 0 {
            "123".to_string()
        } else {
            format!("138{i:08}")
        };
        text.push_str(&format!("{name},m{i},{mobile},示例科技\n"));
    }
    std::fs::write(&csv, text).unwrap();
    let mut session = ImportSession::open(&csv).unwrap();
    let preview = ws
        .plan_import(&mut session, &ImportOptions::default(), Lang::ZhCn)
        .unwrap();
    assert_eq!(
        (
            preview.counts.all,
            preview.counts.invalid,
            preview.counts.problems
        ),
        (12, 4, 6)
    );
    let page = |filter, offset, limit| {
        session
            .preview_page(Lang::ZhCn, filter, offset, limit)
            .unwrap()
    };
    let lines = |p: &orgdesk_core::imports::PreviewPage| -> Vec<u32> {
        p.members.iter().map(|r| r.row).collect()
    };
    let all = page(RowFilter::All, 10, 5);
    assert_eq!((all.total, lines(&all)), (12, vec![12, 13]));
    let invalid = page(RowFilter::Invalid, 0, 10);
    assert_eq!(lines(&invalid), [2, 5, 8, 11]);
    assert!(invalid
        .members
        .iter()
        .all(|r| r.action == PreviewAction::Invalid && r.problems[0].code == "invalid_mobile"));
    let problems = page(RowFilter::Problems, 1, 3);
    assert_eq!((problems.total, lines(&problems)), (6, vec![5, 6, 8]));
    assert_eq!(problems.members[1].notes.len(), 1, "line 6 was trimmed");
}

#[test]
fn row_numbers_in_a_crlf_csv_are_the_file_lines() {
    // Excel and WPS save CSV with CRLF; a quoted cell may span lines.
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    let path = dir.path().join("windows.csv");
    std::fs::write(
        &path,
        "姓名,账号,部门,邮箱\r\n\
         张三,zhangsan,示例科技/销售部,a@example.com\r\n\
         \"王\r\n五\",wangwu,示例科技/销售部,b@example.com\r\n\
         李四,lisi,示例科技/销售部,not-an-email\r\n",
    )
    .unwrap();
    let r = run(&mut ws, &path, &ImportOptions::default(), false).unwrap();
    let errors = codes(&r.errors);
    assert!(
        errors.contains(&(5, "invalid_email".to_string())),
        "{errors:?}"
    );
    assert!(
        errors.iter().all(|(row, _)| [3, 5].contains(row)),
        "{errors:?}"
    );
}
