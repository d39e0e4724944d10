//! The capability dataset in use: fit scores on needs profiles, limits read from the dataset,
//! and the comparison workbook.

use calamine::{open_workbook, Reader, Xlsx};
use orgdesk_core::compare::needs::{Importance, Need};
use orgdesk_core::compare::{self, limits, Dataset};
use orgdesk_core::{ErrorCode, Lang, Platform, Source, Workspace};
use std::path::Path;
use tempfile::TempDir;

fn workspace(dir: &TempDir) -> Workspace {
    Workspace::create(
        &dir.path().join("c.orgdesk"),
        "示例",
        Platform::Undecided,
        Source::Cli,
    )
    .unwrap()
}

fn must(key: &str) -> Need {
    Need {
        key: key.into(),
        importance: Importance::Must,
        weight: 5,
        value: None,
    }
}

fn nice(key: &str, weight: u8) -> Need {
    Need {
        key: key.into(),
        importance: Importance::Nice,
        weight,
        value: None,
    }
}

#[test]
fn no_needs_give_a_neutral_comparison_not_a_score() {
    let dir = TempDir::new().unwrap();
    let ws = workspace(&dir);
    let fit = ws.fit(Lang::EnUs).unwrap();
    assert_eq!(fit.len(), 3);
    assert!(fit
        .values()
        .all(|f| f.score.is_none() && f.reasons.is_empty() && f.ruled_out_by.is_empty()));
}

#[test]
fn a_must_have_only_one_platform_meets_rules_the_others_out_or_flags_them() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    ws.set_need(&must("personal_wechat")).unwrap();
    let fit = ws.fit(Lang::EnUs).unwrap();
    assert_eq!(fit["wecom"].score, Some(100));
    assert!(fit["wecom"].ruled_out_by.is_empty());
    // DingTalk's external contacts are not personal WeChat: ruled out, and the reason says so.
    assert_eq!(fit["dingtalk"].ruled_out_by, ["personal_wechat"]);
    assert!(fit["dingtalk"].reasons[0].message.contains("ruled out"));
    assert_eq!(fit["dingtalk"].reasons[0].effect, "rules_out");
    // Feishu has no source either way: not ruled out, scored zero, flagged unknown.
    assert!(fit["feishu"].ruled_out_by.is_empty());
    assert_eq!(
        (
            fit["feishu"].score,
            fit["feishu"].reasons[0].effect.as_str()
        ),
        (Some(0), "unknown")
    );
}

#[test]
fn weights_partial_support_and_ties() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    // Custom approvals: all three support it; a tie at 100.
    ws.set_need(&nice("custom_approvals", 3)).unwrap();
    let fit = ws.fit(Lang::EnUs).unwrap();
    assert!(fit.values().all(|f| f.score == Some(100)), "{fit:?}");
    // An audit log: Feishu yes, DingTalk partly (free edition lacks it), WeCom unknown.
    ws.set_need(&nice("audit_log", 3)).unwrap();
    let fit = ws.fit(Lang::EnUs).unwrap();
    assert_eq!(fit["feishu"].score, Some(100));
    assert_eq!(fit["dingtalk"].score, Some(75));
    assert_eq!(fit["wecom"].score, Some(50));
    let reason = fit["dingtalk"]
        .reasons
        .iter()
        .find(|r| r.need == "audit_log")
        .unwrap();
    assert_eq!(
        (reason.effect.as_str(), reason.points, reason.max),
        ("partial", 1.5, 3.0)
    );
    assert!(reason.source.is_some());
}

#[test]
fn number_needs_compare_with_the_rows_numbers() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    ws.set_need(&Need {
        key: "headcount".into(),
        importance: Importance::Nice,
        weight: 3,
        value: Some(300.0),
    })
    .unwrap();
    let fit = ws.fit(Lang::EnUs).unwrap();
    // A cap is a note, not a score: 300 people exceed WeCom's 200 before certification and
    // stay within Feishu's 500 (feishu.cn/hc/zh-CN/articles/360043180534).
    assert!(fit.values().all(|f| f.score.is_none()));
    assert!(
        fit["wecom"].reasons[0].message.contains("certify"),
        "{:?}",
        fit["wecom"].reasons
    );
    assert!(
        fit["feishu"].reasons[0].message.contains("within"),
        "{:?}",
        fit["feishu"].reasons
    );
    let e = ws
        .set_need(&Need {
            key: "headcount".into(),
            importance: Importance::Nice,
            weight: 3,
            value: None,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::MissingRequired);
    assert_eq!(
        ws.set_need(&nice("teleportation", 3)).unwrap_err().code,
        ErrorCode::InvalidValue
    );
    assert_eq!(
        ws.set_need(&nice("watermark", 9)).unwrap_err().code,
        ErrorCode::InvalidValue
    );
}

#[test]
fn needs_are_audited_and_undoable() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    ws.set_need(&must("watermark")).unwrap();
    ws.set_need(&nice("watermark", 2)).unwrap();
    assert_eq!(ws.needs().unwrap()[0].importance, Importance::Nice);
    ws.undo().unwrap();
    assert_eq!(ws.needs().unwrap()[0].importance, Importance::Must);
    ws.unset_need("watermark").unwrap();
    assert!(ws.needs().unwrap().is_empty());
    assert_eq!(
        ws.unset_need("watermark").unwrap_err().code,
        ErrorCode::InvalidValue
    );
    ws.undo().unwrap();
    assert_eq!(ws.needs().unwrap().len(), 1);
}

fn copy_dataset(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/capabilities");
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn validation_limits_come_from_the_dataset() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    ws.add_department("示例/一/二/三").unwrap();
    let builtin = Dataset::builtin();
    let departments = ws.departments().unwrap();
    assert!(limits::check_departments(&departments, "wecom", builtin, Lang::EnUs).is_empty());
    assert!(ws.check_limits("wecom", Lang::EnUs).unwrap().is_empty());
    // A copy of the dataset where WeCom allows only 2 levels: the same workspace now breaks it.
    let copy = dir.path().join("capabilities");
    copy_dataset(&copy);
    let path = copy.join("directory.json");
    let text =
        std::fs::read_to_string(&path)
            .unwrap()
            .replacen("\"value\": 15,", "\"value\": 2,", 1);
    std::fs::write(&path, text).unwrap();
    let changed = Dataset::from_dir(&copy).unwrap();
    assert_eq!(changed.limit("wecom", "department_depth"), Some(2.0));
    let problems = limits::check_departments(&departments, "wecom", &changed, Lang::EnUs);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(
        (problems[0].rule.as_str(), problems[0].target.as_str()),
        ("department_depth", "示例/一/二")
    );
    assert!(
        problems[0]
            .message
            .contains("deeper than WeCom's limit of 2"),
        "{}",
        problems[0].message
    );
    // Feishu keeps its own limit.
    assert!(limits::check_departments(&departments, "feishu", &changed, Lang::EnUs).is_empty());
}

#[test]
fn the_comparison_workbook_has_every_row_and_the_fit() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    ws.set_need(&must("personal_wechat")).unwrap();
    let out = dir.path().join("compare.xlsx");
    let fit = ws.fit(Lang::ZhCn).unwrap();
    let rows = compare::export::write(&out, Lang::ZhCn, Dataset::builtin(), Some(&fit)).unwrap();
    assert_eq!(rows, Dataset::builtin().rows().count());
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names(), ["平台对比", "适配评分"]);
    let sheet = book.worksheet_range("平台对比").unwrap();
    assert_eq!(sheet.height(), rows + 1);
    let header: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(&header[..3], ["分类", "能力", "企业微信"]);
    let depth = sheet.rows().find(|r| r[1] == "部门层级上限").unwrap();
    assert_eq!(depth[2].to_string(), "15 级");
    assert!(
        depth[3]
            .to_string()
            .contains("developer.work.weixin.qq.com")
            && depth[3].to_string().contains("官方")
    );
    let fit_sheet = book.worksheet_range("适配评分").unwrap();
    assert!(fit_sheet
        .rows()
        .any(|r| r[0] == "钉钉" && r[2] == "personal_wechat"));
}
