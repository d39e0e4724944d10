//! Excel out: every platform file read back with calamine (headers, cells, text formats, notes,
//! neutralisation), pre-flight rules, atomic writes, the report workbook, and round trips
//! through the import pipeline (demo company and random workspaces).

mod support;

use calamine::{open_workbook, Data, Reader, Xlsx};
use orgdesk_core::exports::{self, layout::layouts, ExportReport};
use orgdesk_core::imports::{self, ImportOptions, ImportSession};
use orgdesk_core::progress::{Progress, Silent};
use orgdesk_core::{
    DepartmentRef, Gender, Lang, MemberFields, MemberInput, MemberQuery, Platform, Source,
    Workspace,
};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use support::WECOM_HEADER;
use tempfile::TempDir;

const FORMATS: [(&str, &str); 4] = [
    ("wecom", "xlsx"),
    ("wecom-api", "csv"),
    ("dingtalk", "xlsx"),
    ("feishu", "xlsx"),
];

fn demo_ws(dir: &TempDir) -> Workspace {
    Workspace::create_demo("shili-keji", &dir.path().join("demo.orgdesk"), Source::Cli).unwrap()
}

fn export(ws: &Workspace, format: &str, out: &Path, force: bool) -> ExportReport {
    ws.export_members(format, out, force, Lang::ZhCn, None, &Silent)
        .unwrap()
}

fn sheet_rows(path: &Path, sheet: usize) -> (String, Vec<Vec<Data>>) {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let name = book.sheet_names()[sheet].clone();
    let range = book.worksheet_range(&name).unwrap();
    // Rows from A1, as the spreadsheet shows them (calamine starts at the first used cell).
    let (r0, c0) = range.start().unwrap_or((0, 0));
    assert_eq!(c0, 0);
    let mut rows = vec![Vec::new(); r0 as usize];
    rows.extend(range.rows().map(|r| r.to_vec()));
    (name, rows)
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("not a text cell: {other:?}"),
    }
}

/// Imports an exported file (with its department file, if any) into an empty workspace.
fn import_back(file: &Path, format: &str) -> Workspace {
    let mut back = Workspace::in_memory("回读", Platform::Undecided).unwrap();
    let options = ImportOptions {
        departments_file: imports::department_ids::sibling(file).map(|p| p.display().to_string()),
        ..Default::default()
    };
    let report = back
        .run_import(
            &mut ImportSession::open(file).unwrap(),
            &options,
            false,
            Lang::EnUs,
            &Silent,
        )
        .unwrap();
    assert!(report.committed, "{format}: {:?}", report.errors);
    back
}

fn zip_entry(path: &Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s
}

/// The number format code of the style a cell uses (`@` is Excel's text format).
fn num_format_of(path: &Path, sheet_xml: &str, cell: &str) -> String {
    let sheet = zip_entry(path, sheet_xml);
    let at = sheet
        .find(&format!("<c r=\"{cell}\""))
        .unwrap_or_else(|| panic!("no cell {cell}"));
    let tag = &sheet[at..at + sheet[at..].find('>').unwrap()];
    let attr = |text: &str, name: &str| -> Option<String> {
        let rest = text.split(&format!(" {name}=\"")).nth(1)?;
        Some(rest[..rest.find('"')?].to_string())
    };
    let style: usize = attr(tag, "s").map_or(0, |s| s.parse().unwrap());
    let styles = zip_entry(path, "xl/styles.xml");
    let xfs = &styles[styles.find("<cellXfs").unwrap()..];
    let xf = xfs.split("<xf ").nth(style + 1).unwrap();
    let id: u32 = attr(&format!(" {xf}"), "numFmtId")
        .unwrap()
        .parse()
        .unwrap();
    match id {
        49 => "@".into(),
        0 => "General".into(),
        id => {
            let def = styles
                .split("<numFmt ")
                .find(|d| d.contains(&format!("numFmtId=\"{id}\"")))
                .unwrap();
            attr(&format!(" {def}"), "formatCode").unwrap()
        }
    }
}

#[test]
fn the_wecom_console_file_has_the_template_layout_and_text_cells() {
    let dir = TempDir::new().unwrap();
    let ws = demo_ws(&dir);
    let out = dir.path().join("企业微信.xlsx");
    let r = export(&ws, "wecom", &out, false);
    assert!(r.written && r.errors == 0, "{:?}", r.problems);
    assert_eq!(r.members, 41);

    let (name, rows) = sheet_rows(&out, 0);
    assert_eq!(name, "成员信息");
    assert_eq!(text(&rows[0][0]), "填写须知：");
    assert!(text(&rows[4][0]).contains("“/”隔开"));
    let header: Vec<String> = rows[8].iter().map(text).collect();
    assert_eq!(header, WECOM_HEADER);
    let boss = &rows[9];
    assert_eq!(text(&boss[0]), "王建国");
    assert_eq!(text(&boss[1]), "wangjianguo");
    assert_eq!(text(&boss[4]), "示例科技/总经办");
    assert_eq!(text(&boss[5]), "男");
    // Mobiles are text cells with the text format, never numbers.
    assert_eq!(boss[6], Data::String("14100000001".into()));
    assert_eq!(num_format_of(&out, "xl/worksheets/sheet1.xml", "G10"), "@");
    assert_eq!(num_format_of(&out, "xl/worksheets/sheet1.xml", "B10"), "@");
    assert_eq!(
        num_format_of(&out, "xl/worksheets/sheet1.xml", "A10"),
        "General"
    );
    assert_eq!(rows.len(), 9 + 41);
    for row in &rows[9..] {
        for cell in row {
            assert!(matches!(cell, Data::String(_) | Data::Empty), "{cell:?}");
        }
    }
    // Several departments: full paths joined by the template's separator, the main one first.
    let ws_members = ws.members(&MemberQuery::default()).unwrap();
    let multi = ws_members
        .iter()
        .find(|m| m.departments.len() > 1)
        .expect("the demo has a member in two departments");
    let row = rows.iter().find(|r| text(&r[1]) == multi.userid).unwrap();
    assert_eq!(text(&row[4]), multi.departments.join("；"));
    assert!(text(&row[4]).starts_with(multi.main_department.as_deref().unwrap()));
}

#[test]
fn the_wecom_api_files_are_utf8_csv_with_numeric_department_ids() {
    let dir = TempDir::new().unwrap();
    let ws = demo_ws(&dir);
    let out = dir.path().join("members.csv");
    let r = export(&ws, "wecom-api", &out, false);
    let names: Vec<String> = r
        .files
        .iter()
        .map(|f| {
            Path::new(f)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        ["members.csv", "members_departments.csv", "members_说明.txt"]
    );

    let bytes = std::fs::read(&out).unwrap();
    assert!(
        !bytes.starts_with(b"\xef\xbb\xbf"),
        "the API reads plain UTF-8"
    );
    let body = String::from_utf8(bytes).unwrap();
    let mut lines = body.lines();
    assert_eq!(
        lines.next().unwrap(),
        "姓名,帐号,手机号,邮箱,所在部门,职位,性别,是否部门内领导,排序,别名,地址,座机,禁用,禁用项说明：(0-启用;1-禁用)"
    );
    let depts = std::fs::read_to_string(dir.path().join("members_departments.csv")).unwrap();
    let mut dept_lines = depts.lines();
    assert_eq!(dept_lines.next().unwrap(), "部门名称,部门ID,父部门ID,排序");
    assert_eq!(dept_lines.next().unwrap(), "示例科技,1,0,1");
    let ids: BTreeMap<String, (String, String)> = dept_lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[1].to_string(), (f[0].to_string(), f[2].to_string()))
        })
        .collect();
    assert_eq!(ids.len(), 14);
    assert!(ids
        .values()
        .all(|(_, parent)| parent.parse::<u32>().is_ok()));
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let mut count = 0;
    for rec in reader.records() {
        let rec = rec.unwrap();
        count += 1;
        for id in rec[4].split(';') {
            assert!(id == "1" || ids.contains_key(id), "{id}");
        }
        assert_eq!(rec[7].split(';').count(), rec[4].split(';').count());
        assert!(matches!(&rec[12], "0" | "1"));
    }
    assert_eq!(count, 41);
    let notes = std::fs::read_to_string(dir.path().join("members_说明.txt")).unwrap();
    assert!(notes.contains("UTF-8") && notes.contains("防公式注入"));
    assert!(notes.contains("members_departments.csv"));
}

#[test]
fn uncertain_layouts_say_so_in_their_notes() {
    let dir = TempDir::new().unwrap();
    let ws = demo_ws(&dir);
    for (format, header) in [
        ("dingtalk", ["姓名", "手机号", "部门", "UserID"]),
        ("feishu", ["姓名", "别名", "用户 ID", "手机号"]),
    ] {
        let out = dir.path().join(format!("{format}.xlsx"));
        export(&ws, format, &out, true);
        let (_, rows) = sheet_rows(&out, 0);
        let got: Vec<String> = rows[0][..4].iter().map(text).collect();
        assert_eq!(got, header);
        let (notes_name, notes) = sheet_rows(&out, 1);
        assert_eq!(notes_name, "说明");
        let all: String = notes.iter().map(|r| text(&r[0])).collect();
        assert!(all.contains("未能从公开资料确认"), "{format}");
        assert!(all.contains("best-documented"), "{format}");
    }
    // DingTalk: one coherent layout (no roster-export level columns); the notes say which
    // columns are sourced.
    let (_, rows) = sheet_rows(&dir.path().join("dingtalk.xlsx"), 0);
    assert!(!rows[0]
        .iter()
        .any(|c| text(c).contains("级部门") || text(c) == "员工UserID"));
    let sales = rows.iter().find(|r| text(&r[3]) == "zhangwei").unwrap();
    assert_eq!(text(&sales[2]), "示例科技/销售部/华东区");
    let (_, notes) = sheet_rows(&dir.path().join("dingtalk.xlsx"), 1);
    let all: String = notes.iter().map(|r| text(&r[0])).collect();
    assert!(
        all.contains("有公开来源的") && all.contains("没有公开来源的"),
        "{all}"
    );
    // Feishu: 工作邮箱 is the member's email, 企业邮箱 the business (Lark Mail) address, and
    // the direct manager is there by user ID.
    let (_, rows) = sheet_rows(&dir.path().join("feishu.xlsx"), 0);
    let col = |h: &str| rows[0].iter().position(|c| text(c) == h).unwrap();
    assert!(!rows[0].iter().any(|c| text(c) == "邮箱"));
    let zhangwei = rows.iter().find(|r| text(&r[2]) == "zhangwei").unwrap();
    let member = ws.member("zhangwei").unwrap();
    assert_eq!(
        Some(text(&zhangwei[col("工作邮箱")])),
        member.fields.email.clone()
    );
    assert_eq!(
        text(&zhangwei[col("企业邮箱")]),
        member.fields.biz_email.clone().unwrap_or_default()
    );
    assert_eq!(
        text(&zhangwei[col("直属上级")]),
        member.fields.manager.clone().unwrap_or_default()
    );
}

fn add(ws: &mut Workspace, name: &str, departments: &[&str], f: impl FnOnce(&mut MemberInput)) {
    let mut input = MemberInput {
        fields: MemberFields {
            name: name.into(),
            ..Default::default()
        },
        departments: departments
            .iter()
            .map(|d| DepartmentRef::from(*d))
            .collect(),
        ..Default::default()
    };
    f(&mut input);
    ws.add_member(&input).unwrap();
}

#[test]
fn formula_looking_text_stays_text_everywhere() {
    let dir = TempDir::new().unwrap();
    let mut ws = Workspace::in_memory("公司", Platform::Wecom).unwrap();
    let nasty = [
        "=HYPERLINK(\"http://evil.example\",\"点我\")",
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
    ];
    add(&mut ws, nasty[0], &["公司/销售部"], |m| {
        m.userid = Some("a1".into());
        m.fields.mobile = Some("+85212345678".into());
        m.fields.position = Some(nasty[1].into());
        m.fields.alias = Some(nasty[2].into());
        m.fields.address = Some(nasty[3].into());
    });
    for (format, ext) in FORMATS {
        let out = dir.path().join(format!("f-{format}.{ext}"));
        export(&ws, format, &out, true);
        let values: Vec<String> = if ext == "xlsx" {
            let mut book: Xlsx<_> = open_workbook(&out).unwrap();
            let name = book.sheet_names()[0].clone();
            let formulas = book.worksheet_formula(&name).unwrap();
            assert!(
                formulas.used_cells().all(|(_, _, f)| f.is_empty()),
                "{format} wrote a formula"
            );
            let (_, rows) = sheet_rows(&out, 0);
            rows.last().unwrap().iter().map(text).collect()
        } else {
            let body = std::fs::read_to_string(&out).unwrap();
            let mut r = csv::Reader::from_reader(body.as_bytes());
            let rec = r.records().next().unwrap().unwrap();
            rec.iter().map(str::to_string).collect()
        };
        // Every layout carries the name, position and address; only WeCom's carry the alias.
        let carried: Vec<&str> = if format.starts_with("wecom") {
            nasty.to_vec()
        } else {
            vec![nasty[0], nasty[1], nasty[3]]
        };
        for v in carried {
            let expected = if ext == "csv" {
                format!("'{v}")
            } else {
                v.to_string()
            };
            assert!(
                values.contains(&expected),
                "{format}: {expected} missing in {values:?}"
            );
        }
        // The phone number is left as it is.
        assert!(values.iter().any(|c| c == "+85212345678"), "{format}");

        // And it comes back as it was.
        let back = import_back(&out, format);
        let m = back.member("a1").unwrap();
        assert_eq!(m.fields.name, nasty[0], "{format}");
        assert_eq!(m.fields.position.as_deref(), Some(nasty[1]), "{format}");
        assert_eq!(m.fields.address.as_deref(), Some(nasty[3]), "{format}");
    }
}

fn rules(r: &ExportReport) -> Vec<(Option<u32>, &str, &str)> {
    r.problems
        .iter()
        .map(|p| (p.row, p.rule.as_str(), p.severity.as_str()))
        .collect()
}

#[test]
fn preflight_lists_what_the_platform_would_refuse_and_writes_nothing() {
    let dir = TempDir::new().unwrap();
    let mut ws = Workspace::in_memory("公司", Platform::Wecom).unwrap();
    // Row 10: fine. Row 11: no contact. Row 12: a comma. Row 13: a long department cell.
    add(&mut ws, "甲", &["公司/销售部"], |m| {
        m.fields.mobile = Some("13800000001".into());
        m.fields.employee_no = Some("7".into());
    });
    add(&mut ws, "乙", &["公司/销售部"], |m| {
        m.fields.employee_no = Some("7".into())
    });
    add(&mut ws, "丙", &["公司/销售部"], |m| {
        m.fields.email = Some("bing@example.com".into());
        m.fields.position = Some("经理,华东".into());
    });
    add(
        &mut ws,
        "丁",
        &["公司/华东大区销售与市场营销事业部/上海市浦东新区张江高科技园区第一分公司"],
        |m| m.fields.mobile = Some("13800000004".into()),
    );
    ws.add_department("公司/研发-测试部").unwrap();
    // A tree planned while the platform was undecided, too deep for WeCom once it is chosen.
    to_platform(&mut ws, Platform::Undecided);
    let mut deep = String::from("公司");
    for i in 1..=15 {
        deep.push_str(&format!("/L{i}"));
    }
    ws.add_department(&deep).unwrap();
    to_platform(&mut ws, Platform::Wecom);

    let out = dir.path().join("wecom.xlsx");
    std::fs::write(&out, b"an older export").unwrap();
    let r = export(&ws, "wecom", &out, false);
    assert!(!r.written && r.files.is_empty());
    assert_eq!(
        std::fs::read(&out).unwrap(),
        b"an older export",
        "nothing written"
    );
    let found = rules(&r);
    for expected in [
        (Some(11), "contact_missing", "error"),
        (Some(12), "forbidden_char", "error"),
        (Some(13), "department_cell_too_long", "error"),
        (None, "department_depth", "error"),
        (None, "department_without_members", "warning"),
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    assert!(!found.iter().any(|(row, ..)| *row == Some(10)), "{found:?}");
    let p = r
        .problems
        .iter()
        .find(|p| p.rule == "forbidden_char")
        .unwrap();
    assert_eq!(p.name.as_deref(), Some("丙"));
    assert!(
        p.message.contains("经理,华东") && p.message.contains("职务"),
        "{}",
        p.message
    );
    assert!(p.fix.contains("、"));
    let depth = r
        .problems
        .iter()
        .find(|p| p.rule == "department_depth")
        .unwrap();
    assert!(depth.department.as_deref().unwrap().ends_with("/L15"));

    // DingTalk: mobile required, 工号 unique, no "-" in department names; no comma rule.
    let r = export(&ws, "dingtalk", &dir.path().join("d.xlsx"), false);
    let found = rules(&r);
    for expected in [
        (Some(3), "mobile_missing", "error"),
        (Some(4), "mobile_missing", "error"),
        (Some(3), "duplicate_value", "error"),
        (None, "department_name_char", "error"),
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    assert!(!found.iter().any(|(_, rule, _)| *rule == "forbidden_char"));
    let p = r
        .problems
        .iter()
        .find(|p| p.rule == "department_name_char")
        .unwrap();
    assert_eq!(p.department.as_deref(), Some("公司/研发-测试部"));

    // --force writes anyway; the same problems are reported.
    let r = export(&ws, "wecom", &out, true);
    assert!(r.written && r.errors >= 4);
    let (_, rows) = sheet_rows(&out, 0);
    assert_eq!(rows.len(), 9 + 4);
}

#[test]
fn wecom_limits_come_from_the_capability_dataset() {
    // The department cell limit is the dataset's department_path_length (32 characters).
    let d = orgdesk_core::compare::Dataset::builtin();
    assert_eq!(d.limit("wecom", "department_path_length"), Some(32.0));
    let mut ws = Workspace::in_memory("公司", Platform::Wecom).unwrap();
    let exactly = format!("公司/{}", "部".repeat(29));
    assert_eq!(exactly.chars().count(), 32);
    add(&mut ws, "甲", &[exactly.as_str()], |m| {
        m.fields.mobile = Some("13800000001".into())
    });
    let problems = ws.preflight("wecom", Lang::EnUs).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    ws.rename_department(&DepartmentRef::from(exactly.as_str()), &"部".repeat(30))
        .unwrap();
    let problems = ws.preflight("wecom", Lang::EnUs).unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].rule, "department_cell_too_long");
    assert!(problems[0].message.contains("33") && problems[0].message.contains("32"));
}

struct CancelAfter(u64);

impl Progress for CancelAfter {
    fn update(&self, _: u64, _: u64) {}
    fn cancelled(&self) -> bool {
        self.0 == 0
    }
}

#[test]
fn a_cancelled_or_failed_export_leaves_no_file_behind() {
    let dir = TempDir::new().unwrap();
    let mut ws = Workspace::in_memory("公司", Platform::Wecom).unwrap();
    for i in 0..600 {
        add(&mut ws, &format!("成员{i}"), &["公司/部门"], |m| {
            m.fields.mobile = Some(format!("138{i:08}"));
        });
    }
    for (format, ext) in FORMATS {
        let out = dir.path().join(format!("c.{ext}"));
        let e = ws
            .export_members(format, &out, false, Lang::EnUs, None, &CancelAfter(0))
            .unwrap_err();
        assert_eq!(e.code, orgdesk_core::ErrorCode::Cancelled);
    }
    let left: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // A folder that does not exist: a clear error, nothing created.
    let e = ws
        .export_members(
            "wecom",
            &dir.path().join("missing/out.xlsx"),
            false,
            Lang::EnUs,
            None,
            &Silent,
        )
        .unwrap_err();
    assert!(e.message(Lang::EnUs).contains("does not exist"));
    let e = ws
        .export_members(
            "excel",
            &dir.path().join("x.xlsx"),
            false,
            Lang::EnUs,
            None,
            &Silent,
        )
        .unwrap_err();
    assert!(e
        .message(Lang::EnUs)
        .contains("wecom, wecom-api, dingtalk, feishu"));
}

/// What a round trip must keep, per member: the fields the layout carries.
fn snapshot(ws: &Workspace, format: &str) -> BTreeMap<String, Vec<String>> {
    let layout = exports::layout(format).unwrap();
    let carries = |header_value: &str| {
        layout
            .columns
            .iter()
            .any(|c| format!("{:?}", c.value) == header_value)
    };
    ws.members(&MemberQuery::default())
        .unwrap()
        .into_iter()
        .map(|m| {
            let opt = |v: &Option<String>, field: &str| {
                if carries(field) {
                    v.clone().unwrap_or_default()
                } else {
                    "-".into()
                }
            };
            let gender = m.fields.gender.map(|g| g.as_str().to_string());
            let fields = vec![
                m.fields.name.clone(),
                m.departments.join("|"),
                m.main_department.clone().unwrap_or_default(),
                opt(&m.fields.mobile, "Mobile"),
                opt(&m.fields.email, "Email"),
                opt(&m.fields.alias, "Alias"),
                opt(&m.fields.position, "Position"),
                opt(&gender, "Gender"),
                opt(&m.fields.telephone, "Telephone"),
                opt(&m.fields.biz_email, "BizEmail"),
                opt(&m.fields.address, "Address"),
                opt(&m.fields.employee_no, "EmployeeNo"),
                opt(&m.fields.join_date, "JoinDate"),
                opt(&m.fields.employment_type, "EmploymentType"),
            ];
            (m.userid, fields)
        })
        .collect()
}

fn departments_with_members(ws: &Workspace) -> Vec<String> {
    let mut d: Vec<String> = ws
        .departments()
        .unwrap()
        .into_iter()
        .filter(|d| d.total_member_count > 0)
        .map(|d| d.path)
        .collect();
    d.sort();
    d
}

/// Exports `ws` as `format`, imports the file into an empty workspace, and compares.
fn round_trip(ws: &Workspace, format: &str, ext: &str, dir: &Path) {
    let out = dir.join(format!("rt-{format}.{ext}"));
    let r = export(ws, format, &out, true);
    assert!(r.written);
    let back = import_back(&out, format);
    assert_eq!(snapshot(&back, format), snapshot(ws, format), "{format}");
    if format == "wecom-api" {
        // Its 是否部门内领导 column brings the department heads back too.
        let leaders = |w: &Workspace| {
            let mut v: Vec<(String, Vec<String>)> = w
                .members(&MemberQuery::default())
                .unwrap()
                .into_iter()
                .map(|m| {
                    let mut l = m.leader_of.clone();
                    l.sort();
                    (m.userid, l)
                })
                .collect();
            v.sort();
            v
        };
        assert_eq!(leaders(&back), leaders(ws));
        // The department file brings every department, members or not.
        let all = |w: &Workspace| {
            let mut v: Vec<String> = w
                .departments()
                .unwrap()
                .into_iter()
                .map(|d| d.path)
                .collect();
            v.sort();
            v
        };
        assert_eq!(all(&back), all(ws));
    } else {
        assert_eq!(
            departments_with_members(&back),
            departments_with_members(ws)
        );
    }
}

#[test]
fn every_platform_file_of_the_demo_company_imports_back_the_same() {
    let dir = TempDir::new().unwrap();
    let ws = demo_ws(&dir);
    for (format, ext) in FORMATS {
        round_trip(&ws, format, ext, dir.path());
    }
}

mod random {
    use super::*;
    use proptest::prelude::*;

    const SYLLABLES: &[&str] = &[
        "销售", "研发", "市场", "华东", "华南", "北京", "上海", "产品", "前端", "后端", "财务",
        "人事", "A", "B2", "运营", "客服", "一组", "二组", "设计", "测试",
    ];
    const NAMES: &[&str] = &[
        "王", "李", "张", "刘", "陈", "杨", "欧阳", "伟", "芳", "娜", "敏", "静", "Amy", "Lee",
    ];

    #[derive(Debug, Clone)]
    struct Person {
        name: String,
        departments: Vec<usize>,
        mobile: Option<String>,
        email: Option<String>,
        position: Option<String>,
        alias: Option<String>,
        gender: Option<Gender>,
        telephone: Option<String>,
        employee_no: Option<String>,
        join_date: Option<String>,
    }

    fn word(parts: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(parts), 1..=max).prop_map(|v| v.concat())
    }

    fn person(departments: usize) -> impl Strategy<Value = Person> {
        (
            word(NAMES, 3),
            prop::collection::vec(0..departments, 1..=3),
            0u8..3,
            prop::option::of(word(SYLLABLES, 2)),
            prop::option::of(word(NAMES, 2)),
            prop::option::of(prop::bool::ANY),
            prop::option::of(0u32..99_999_999),
            prop::option::of((2000u32..2026, 1u32..=12, 1u32..=28)),
        )
            .prop_map(
                move |(name, mut depts, contact, position, alias, gender, phone, date)| {
                    let mut seen = std::collections::HashSet::new();
                    depts.retain(|d| seen.insert(*d));
                    Person {
                        name,
                        departments: depts,
                        // Filled in with unique values below.
                        // Mobile, email or both (import needs one); unique values set below.
                        mobile: (contact != 1).then(String::new),
                        email: (contact != 0).then(String::new),
                        position,
                        alias,
                        gender: gender.map(|m| if m { Gender::Male } else { Gender::Female }),
                        telephone: phone.map(|p| format!("010-{p:08}")),
                        employee_no: phone.map(|p| format!("E{p}")),
                        join_date: date.map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
                    }
                },
            )
    }

    /// A company: one top level (the company), up to 12 departments below it, and members.
    fn company() -> impl Strategy<Value = (Vec<(usize, String)>, Vec<Person>)> {
        prop::collection::vec((any::<prop::sample::Index>(), word(SYLLABLES, 2)), 1..12)
            .prop_flat_map(|tree| {
                let n = tree.len() + 1;
                (Just(tree), prop::collection::vec(person(n), 1..25))
            })
            .prop_map(|(tree, people)| {
                // Department k (from 1) hangs below one of 0..k.
                let tree = tree
                    .into_iter()
                    .enumerate()
                    .map(|(k, (parent, name))| (parent.index(k + 1), name))
                    .collect();
                (tree, people)
            })
    }

    fn build(tree: &[(usize, String)], people: &[Person]) -> Workspace {
        let mut ws = Workspace::in_memory("随机公司", Platform::Wecom).unwrap();
        let mut paths = vec!["随机公司".to_string()];
        for (k, (parent, name)) in tree.iter().enumerate() {
            // Siblings need different names.
            let mut path = format!("{}/{name}", paths[*parent]);
            if paths.contains(&path) {
                path = format!("{path}{k}");
            }
            paths.push(path);
        }
        for p in &paths {
            ws.add_department(p).unwrap();
        }
        for (i, p) in people.iter().enumerate() {
            let input = MemberInput {
                userid: Some(format!("u{i}")),
                fields: MemberFields {
                    name: p.name.clone(),
                    mobile: p.mobile.as_ref().map(|_| {
                        if i % 3 == 0 {
                            format!("+85291{i:06}")
                        } else {
                            format!("139{i:08}")
                        }
                    }),
                    email: p.email.as_ref().map(|_| format!("u{i}@example.com")),
                    position: p.position.clone(),
                    alias: p.alias.clone(),
                    gender: p.gender,
                    telephone: p.telephone.clone(),
                    employee_no: p.employee_no.as_ref().map(|e| format!("{e}-{i}")),
                    join_date: p.join_date.clone(),
                    ..Default::default()
                },
                departments: p
                    .departments
                    .iter()
                    .map(|d| DepartmentRef::from(paths[*d].as_str()))
                    .collect(),
                ..Default::default()
            };
            ws.add_member(&input).unwrap();
        }
        ws
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn random_workspaces_survive_every_platform_file((tree, people) in company()) {
            let dir = TempDir::new().unwrap();
            let ws = build(&tree, &people);
            for (format, ext) in FORMATS {
                round_trip(&ws, format, ext, dir.path());
            }
        }
    }
}

#[test]
fn the_report_workbook_has_every_sheet_with_outlines_and_charts() {
    let dir = TempDir::new().unwrap();
    let ws = demo_ws(&dir);
    for (lang, names) in [
        (
            Lang::ZhCn,
            [
                "概览",
                "通讯录",
                "组织架构",
                "权限矩阵",
                "入离职",
                "运营健康",
            ],
        ),
        (
            Lang::EnUs,
            [
                "Overview",
                "Roster",
                "Org chart",
                "Permissions",
                "Joiners & leavers",
                "Operations health",
            ],
        ),
    ] {
        let out = dir.path().join(format!("report-{}.xlsx", lang.tag()));
        let summary = ws.export_report(&out, lang, None, &Silent).unwrap();
        assert_eq!(summary.sheets, names);
        let book: Xlsx<_> = open_workbook(&out).unwrap();
        assert_eq!(book.sheet_names(), names);
    }
    let out = dir.path().join("report-zh-CN.xlsx");
    // Joiners and leavers: the demo's invited member and its frozen one, with their open steps.
    let (_, life) = sheet_rows(&out, 4);
    assert_eq!(text(&life[0][6]), "待办步骤");
    let row = |userid: &str| life.iter().find(|r| text(&r[2]) == userid).unwrap().clone();
    assert_eq!(text(&row("yuanfang")[0]), "入职");
    assert!(text(&row("yuanfang")[6]).contains("完成激活"));
    assert_eq!(text(&row("zhoujie")[0]), "离职");
    // Overview: the counts.
    let (_, overview) = sheet_rows(&out, 0);
    assert_eq!(text(&overview[0][0]), "示例科技有限公司 · 组织报告");
    let figure = |label: &str| {
        overview
            .iter()
            .find(|r| r.first().map(text).as_deref() == Some(label))
            .map(|r| r[1].clone())
    };
    assert_eq!(figure("成员总数"), Some(Data::Float(41.0)));
    assert_eq!(figure("部门数"), Some(Data::Float(15.0)));
    assert_eq!(figure("销售部"), Some(Data::Float(14.0)));
    // Roster: every member, frozen header with filters, ids and phones as text.
    let (_, roster) = sheet_rows(&out, 1);
    assert_eq!(roster.len(), 42);
    assert_eq!(text(&roster[0][0]), "姓名");
    assert_eq!(text(&roster[0][5]), "手机");
    assert_eq!(roster[1][5], Data::String("14100000001".into()));
    assert_eq!(num_format_of(&out, "xl/worksheets/sheet2.xml", "F2"), "@");
    let xml = zip_entry(&out, "xl/worksheets/sheet2.xml");
    assert!(xml.contains("<pane ") && xml.contains("state=\"frozen\""));
    // One column per member field besides the account and departments.
    let columns = roster[0].len();
    assert_eq!(columns, 4 + orgdesk_core::members::FIELDS.len() - 1);
    let last = (b'A' + columns as u8 - 1) as char;
    assert!(
        xml.contains(&format!("<autoFilter ref=\"A1:{last}42\"")),
        "filters over the table"
    );
    assert!(xml.contains("customWidth=\"1\""));
    // Org chart: one row per department, outline level = depth - 1, summary rows above.
    let (_, org) = sheet_rows(&out, 2);
    assert_eq!(org.len(), 16);
    let xml = zip_entry(&out, "xl/worksheets/sheet3.xml");
    assert!(xml.contains("summaryBelow=\"0\""));
    let departments = ws.departments().unwrap();
    for (i, d) in departments.iter().enumerate() {
        let row = format!("<row r=\"{}\"", i + 2);
        let tag = &xml[xml.find(&row).unwrap()..];
        let tag = &tag[..tag.find('>').unwrap()];
        let level = d.depth - 1;
        if level == 0 {
            assert!(!tag.contains("outlineLevel"), "{tag}");
        } else {
            assert!(tag.contains(&format!("outlineLevel=\"{level}\"")), "{tag}");
        }
    }
    // Charts: a bar chart and a pie, in the CJK font.
    let bar = zip_entry(&out, "xl/charts/chart1.xml");
    let pie = zip_entry(&out, "xl/charts/chart2.xml");
    assert!(bar.contains("<c:barChart>") && bar.contains("各部门人数"));
    assert!(pie.contains("<c:pieChart>") && pie.contains("成员状态分布"));
    assert!(bar.contains("typeface=\"等线\""));
    assert!(zip_entry(&out, "xl/styles.xml").contains("<name val=\"等线\"/>"));
}

#[test]
fn a_report_without_roles_in_use_has_no_permission_sheet_and_lists_failing_checks() {
    let dir = TempDir::new().unwrap();
    let mut ws = Workspace::in_memory("公司", Platform::Undecided).unwrap();
    let mut deep = String::from("公司");
    for i in 1..=15 {
        deep.push_str(&format!("/L{i}"));
    }
    add(&mut ws, "甲", &[deep.as_str()], |m| {
        m.fields.mobile = Some("13800000001".into())
    });
    to_platform(&mut ws, Platform::Wecom);
    let out = dir.path().join("r.xlsx");
    let summary = ws.export_report(&out, Lang::ZhCn, None, &Silent).unwrap();
    assert_eq!(summary.sheets, ["概览", "通讯录", "组织架构"]);
    // The tree is too deep for WeCom, and nobody is a super admin.
    assert_eq!(summary.failing_checks, 2);
    let (_, overview) = sheet_rows(&out, 0);
    let all: Vec<String> = overview
        .iter()
        .flat_map(|r| {
            r.iter().map(|c| match c {
                Data::String(s) => s.clone(),
                _ => String::new(),
            })
        })
        .collect();
    assert!(all.iter().any(|s| s == "未通过的检查（2 项）"));
    assert!(all.iter().any(|s| s == "没有任何超级管理员。"), "{all:?}");
    assert!(
        all.iter().any(|s| s.contains("L15") && s.contains("15 级")),
        "{all:?}"
    );
    // Excel outlines stop at 7 levels; deeper rows stay at 7.
    let xml = zip_entry(&out, "xl/worksheets/sheet3.xml");
    assert!(xml.contains("outlineLevel=\"7\"") && !xml.contains("outlineLevel=\"8\""));
}

#[test]
fn the_report_org_sheet_says_each_departments_visibility() {
    let dir = TempDir::new().unwrap();
    let mut ws = Workspace::in_memory("公司", Platform::Wecom).unwrap();
    add(&mut ws, "甲", &["公司/财务部"], |m| {
        m.fields.mobile = Some("13800000001".into())
    });
    add(&mut ws, "乙", &["公司/研发部"], |m| {
        m.fields.mobile = Some("13800000002".into())
    });
    let p = |s: &str| DepartmentRef::Path(s.into());
    ws.set_department_sensitive(&p("公司/财务部"), true)
        .unwrap();
    ws.set_department_visibility(
        &p("公司/财务部"),
        &orgdesk_core::Visibility {
            departments: vec!["公司/研发部".into()],
            only_own: true,
            ..Default::default()
        },
    )
    .unwrap();
    let out = dir.path().join("r.xlsx");
    ws.export_report(&out, Lang::ZhCn, None, &Silent).unwrap();
    let (name, rows) = sheet_rows(&out, 2);
    assert_eq!(name, "组织架构");
    assert_eq!(rows[0][4], Data::String("可见性".into()));
    let row = |path: &str| {
        rows.iter()
            .find(|r| r[5] == Data::String(path.into()))
            .unwrap()
    };
    assert_eq!(
        row("公司/财务部")[4],
        Data::String("敏感 · 隐藏（本部门成员及 公司/研发部 可见） · 成员只能看到本部门".into())
    );
    assert_eq!(row("公司/研发部")[4], Data::String("全员可见".into()));
}

#[test]
fn every_layout_file_is_listed_with_its_confidence() {
    let formats = exports::formats(Lang::EnUs);
    assert_eq!(formats.len(), layouts().len());
    let dingtalk = formats.iter().find(|f| f.format == "dingtalk").unwrap();
    assert_eq!(dingtalk.confidence.as_str(), "uncertain");
    assert!(dingtalk.name.contains("best-documented"));
}

#[test]
fn exports_made_in_presentation_mode_are_masked_and_say_so() {
    use orgdesk_core::exports::mask::Mask;
    let dir = TempDir::new().unwrap();
    let ws = demo_ws(&dir);
    let out = dir.path().join("masked.xlsx");
    let r = ws
        .export_members(
            "wecom",
            &out,
            false,
            Lang::ZhCn,
            Some(Mask { names: true }),
            &Silent,
        )
        .unwrap();
    assert!(r.written && r.masked);
    let (_, rows) = sheet_rows(&out, 0);
    let boss = &rows[9];
    assert_eq!(text(&boss[0]), "王**");
    assert_eq!(text(&boss[6]), "141****0001");
    assert_eq!(text(&boss[8]), "w***@shilikeji.example");
    let (notes_name, notes) = sheet_rows(&out, 1);
    assert_eq!(notes_name, "说明");
    assert!(text(&notes[0][0]).starts_with("演示模式导出"));
    // Nothing unmasked anywhere in the member rows.
    for row in &rows[9..] {
        for cell in row {
            let v = text(cell);
            assert!(!v.contains("1410000"), "{v}");
        }
    }

    let csv = dir.path().join("masked.csv");
    ws.export_members(
        "wecom-api",
        &csv,
        false,
        Lang::ZhCn,
        Some(Mask::default()),
        &Silent,
    )
    .unwrap();
    let body = std::fs::read_to_string(&csv).unwrap();
    assert!(
        body.contains("王建国,wangjianguo,141****0001,w***@shilikeji.example"),
        "{body}"
    );
    let notes = std::fs::read_to_string(dir.path().join("masked_说明.txt")).unwrap();
    assert!(notes.contains("演示模式导出"));

    let report_file = dir.path().join("masked-report.xlsx");
    ws.export_report(&report_file, Lang::ZhCn, Some(Mask::default()), &Silent)
        .unwrap();
    let (_, overview) = sheet_rows(&report_file, 0);
    assert!(text(&overview[2][0]).starts_with("演示模式导出"));
    let (_, roster) = sheet_rows(&report_file, 1);
    assert_eq!(text(&roster[1][0]), "王建国", "names stay unless asked");
    assert_eq!(text(&roster[1][5]), "141****0001");
}

#[test]
fn a_rule_broken_on_every_row_is_listed_a_few_hundred_times_and_counted_in_full() {
    let mut ws = Workspace::in_memory("公司", Platform::Feishu).unwrap();
    for i in 0..450 {
        add(&mut ws, &format!("成员{i}"), &["公司/部门"], |m| {
            m.fields.mobile = Some(format!("138{i:08}"))
        });
    }
    let dir = TempDir::new().unwrap();
    let r = export(&ws, "feishu", &dir.path().join("f.xlsx"), false);
    // Every member lacks 人员类型 and 入职日期 (warnings): 900 in all, 200 listed.
    assert_eq!((r.errors, r.warnings), (0, 900));
    assert!(r.written);
    let listed = r
        .problems
        .iter()
        .filter(|p| p.rule == "recommended_missing")
        .count();
    assert_eq!(listed, 200);
    let more: Vec<&str> = r
        .problems
        .iter()
        .filter(|p| p.rule == "more")
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(more.len(), 1, "{more:?}");
    assert!(more[0].contains("700"), "{more:?}");
}

/// Text stored before the imports and forms refused control characters is never written raw
/// into a platform file: pre-flight stops the export; invisible characters are pointed out.
#[test]
fn control_characters_in_old_data_stop_the_export() {
    let dir = TempDir::new().unwrap();
    let ws = demo_ws(&dir);
    let first = ws.members(&MemberQuery::default()).unwrap()[0]
        .userid
        .clone();
    ws.raw_execute(&format!(
        "UPDATE members SET name = '张' || char(0) || '伟', position = char(8238) || '经理' WHERE userid = '{first}'"
    ))
    .unwrap();
    for format in ["wecom", "wecom-api"] {
        let out = dir.path().join(format!("out-{format}.xlsx"));
        let r = export(&ws, format, &out, false);
        assert!(!r.written, "{format}");
        assert!(!out.exists());
        let rules: Vec<&str> = r
            .problems
            .iter()
            .filter(|p| p.userid.as_deref() == Some(first.as_str()))
            .map(|p| p.rule.as_str())
            .collect();
        assert!(
            rules.contains(&"text_control_character"),
            "{format}: {rules:?}"
        );
        assert!(
            rules.contains(&"text_invisible_character"),
            "{format}: {rules:?}"
        );
    }
}

/// Chooses the workspace's platform (departments planned before may then be too deep).
fn to_platform(ws: &mut Workspace, platform: Platform) {
    ws.update_profile(&orgdesk_core::org::profile::ProfileInput {
        platform: Some(platform),
        ..Default::default()
    })
    .unwrap();
}
