//! CLI acceptance: real workspace files in temp folders, exit codes and JSON shapes.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not one JSON document ({e}):\n{}", self.stdout))
    }
}

fn orgdesk(args: &[&str]) -> Run {
    let out = Command::cargo_bin("orgdesk")
        .unwrap()
        .env("LANG", "C.UTF-8")
        .env_remove("ORGDESK_LANG")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().expect("exited normally, not by a signal"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn ok(args: &[&str]) -> Run {
    let r = orgdesk(args);
    assert_eq!(
        r.code, 0,
        "{args:?}\nstdout: {}\nstderr: {}",
        r.stdout, r.stderr
    );
    r
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn new_ws() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let ws = dir.path().join("示例.orgdesk");
    ok(&["init", s(&ws), "--name", "示例科技", "--platform", "wecom"]);
    (dir, ws)
}

fn departments(ws: &Path) -> Value {
    ok(&["departments", "list", s(ws), "--json"]).json()
}

#[test]
fn init_creates_a_workspace_and_refuses_to_overwrite() {
    let dir = TempDir::new().unwrap();
    let ws = dir.path().join("a.orgdesk");
    let info = ok(&[
        "init",
        s(&ws),
        "--name",
        "示例科技",
        "--platform",
        "dingtalk",
        "--json",
    ])
    .json();
    assert_eq!(info["profile"]["name"], "示例科技");
    assert_eq!(info["profile"]["platform"], "dingtalk");
    let before = std::fs::read(&ws).unwrap();
    let r = orgdesk(&["init", s(&ws)]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert_eq!(std::fs::read(&ws).unwrap(), before);
    let r = orgdesk(&[
        "init",
        s(&dir.path().join("b.orgdesk")),
        "--platform",
        "slack",
    ]);
    assert_eq!(r.code, 2, "bad argument");
    assert!(!dir.path().join("b.orgdesk").exists());
}

#[test]
fn departments_add_rename_move_delete_and_list_json() {
    let (_d, ws) = new_ws();
    let added = ok(&[
        "departments",
        "add",
        s(&ws),
        "示例科技/销售部/华东区",
        "--json",
    ])
    .json();
    assert_eq!(added["created"].as_array().unwrap().len(), 3);
    ok(&["departments", "add", s(&ws), "示例科技/研发中心"]);
    ok(&[
        "departments",
        "rename",
        s(&ws),
        "示例科技/研发中心",
        "技术中心",
    ]);
    ok(&[
        "departments",
        "move",
        s(&ws),
        "示例科技/销售部/华东区",
        "示例科技/技术中心",
    ]);
    ok(&["departments", "add", s(&ws), "示例科技/市场部"]);
    ok(&["departments", "reorder", s(&ws), "示例科技/市场部", "0"]);
    let list = departments(&ws);
    let rows = list.as_array().unwrap();
    for row in rows {
        for key in ["id", "path", "name", "parent_id", "order", "member_count"] {
            assert!(row.get(key).is_some(), "{key} missing in {row}");
        }
    }
    let paths: Vec<&str> = rows.iter().map(|r| r["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        [
            "示例科技",
            "示例科技/市场部",
            "示例科技/销售部",
            "示例科技/技术中心",
            "示例科技/技术中心/华东区"
        ]
    );
    let moved = &rows[4];
    assert_eq!(moved["parent_id"], rows[3]["id"]);
    assert_eq!(rows[0]["parent_id"], Value::Null);
    assert_eq!(
        (rows[1]["order"].as_i64(), rows[2]["order"].as_i64()),
        (Some(0), Some(1))
    );
    ok(&["departments", "delete", s(&ws), "示例科技/技术中心/华东区"]);
    assert_eq!(departments(&ws).as_array().unwrap().len(), 4);
    let moved = ok(&[
        "departments",
        "move",
        s(&ws),
        "示例科技/市场部",
        "--top",
        "--json",
    ])
    .json();
    assert_eq!(
        (moved["path"].as_str(), moved["parent_id"].clone()),
        (Some("市场部"), Value::Null)
    );
}

#[test]
fn a_cyclic_move_exits_1_and_changes_nothing() {
    let (_d, ws) = new_ws();
    ok(&["departments", "add", s(&ws), "示例科技/销售部/华东区"]);
    let before = departments(&ws);
    let log_before = ok(&["log", s(&ws), "--json"]).json();
    let r = orgdesk(&[
        "departments",
        "move",
        s(&ws),
        "示例科技/销售部",
        "示例科技/销售部/华东区",
        "--json",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.json()["error"]["code"], "cyclic_move");
    assert!(r.stderr.contains("cannot be moved under"), "{}", r.stderr);
    assert_eq!(departments(&ws), before);
    assert_eq!(ok(&["log", s(&ws), "--json"]).json(), log_before);
    let r = orgdesk(&[
        "departments",
        "move",
        s(&ws),
        "示例科技",
        "--to",
        "示例科技",
    ]);
    assert_eq!(r.code, 1);
}

#[test]
fn rule_violations_exit_1_with_a_stable_code() {
    let (_d, ws) = new_ws();
    ok(&["departments", "add", s(&ws), "示例科技/销售部/华东区"]);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["departments", "add", s(&ws), "示例科技/销售部"],
            "department_exists",
        ),
        (
            vec!["departments", "add", s(&ws), "示例科技/a:b"],
            "invalid_department",
        ),
        (
            vec!["departments", "delete", s(&ws), "示例科技/销售部"],
            "department_not_empty",
        ),
        (
            vec!["departments", "rename", s(&ws), "示例科技/无", "X"],
            "department_not_found",
        ),
        (
            vec![
                "members",
                "add",
                s(&ws),
                "--name",
                "张伟",
                "--department",
                "示例科技",
                "--mobile",
                "123",
            ],
            "invalid_mobile",
        ),
        (
            vec![
                "members",
                "add",
                s(&ws),
                "--name",
                "张伟",
                "--department",
                "示例科技",
                "--userid=-x",
            ],
            "invalid_userid",
        ),
        (
            vec!["members", "add", s(&ws), "--department", "示例科技"],
            "missing_required",
        ),
        (
            vec!["members", "delete", s(&ws), "nobody"],
            "member_not_found",
        ),
    ];
    for (args, code) in cases {
        let mut args = args.clone();
        args.push("--json");
        let r = orgdesk(&args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert_eq!(r.json()["error"]["code"], code, "{args:?}");
        assert!(!r.json()["error"]["message"].as_str().unwrap().is_empty());
    }
    ok(&["undo", s(&ws)]);
    let r = orgdesk(&["undo", s(&ws), "--json"]);
    assert_eq!(
        (r.code, r.json()["error"]["code"].as_str()),
        (1, Some("nothing_to_undo"))
    );
}

#[test]
fn members_add_list_search_and_json_shape() {
    let (_d, ws) = new_ws();
    let added = ok(&[
        "members",
        "add",
        s(&ws),
        "--name",
        "张伟",
        "--department",
        "示例科技/销售部/华东区",
        "--department",
        "示例科技/研发中心",
        "--mobile",
        "+86 138-0013-8000",
        "--email",
        "zhangwei@example.com",
        "--position",
        "华东区经理",
        "--json",
    ])
    .json();
    assert_eq!(added["userid"], "zhangwei");
    assert_eq!(added["created_departments"].as_array().unwrap().len(), 4);
    ok(&[
        "members",
        "add",
        s(&ws),
        "--name",
        "李娜",
        "--userid",
        "lina",
        "--department",
        "示例科技/研发中心",
        "--mobile",
        "13900139000",
    ]);
    let list = ok(&["members", "list", s(&ws), "--json"]).json();
    let first = &list[0];
    for key in [
        "userid",
        "name",
        "mobile",
        "email",
        "position",
        "departments",
        "main_department",
        "status",
    ] {
        assert!(first.get(key).is_some(), "{key} missing");
    }
    assert_eq!(first["mobile"], "13800138000");
    assert_eq!(
        first["departments"],
        serde_json::json!(["示例科技/销售部/华东区", "示例科技/研发中心"])
    );
    assert_eq!(first["main_department"], "示例科技/销售部/华东区");
    assert_eq!(first["status"], "active");
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["members", "list", s(&ws), "--json"];
        all.extend_from_slice(args);
        ok(&all)
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["userid"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&["--department", "示例科技/销售部"]), ["zhangwei"]);
    assert_eq!(ids(&["--department", "示例科技"]), ["zhangwei", "lina"]);
    assert_eq!(
        ids(&["--department", "示例科技", "--direct"]),
        Vec::<String>::new()
    );
    assert_eq!(ids(&["--search", "李"]), ["lina"]);
    assert_eq!(ids(&["--search", "0139"]), ["lina"]);
    assert_eq!(ids(&["--search", "ZHANG"]), ["zhangwei"]);
    let text = ok(&["members", "list", s(&ws)]).stdout;
    assert!(
        text.contains("张伟") && text.contains("2 member(s)"),
        "{text}"
    );
    let shown = ok(&[
        "members",
        "update",
        s(&ws),
        "lina",
        "--position",
        "工程师",
        "--json",
    ])
    .json();
    assert_eq!(
        (shown["position"].as_str(), shown["mobile"].as_str()),
        (Some("工程师"), Some("13900139000"))
    );
    ok(&["members", "delete", s(&ws), "lina"]);
    assert_eq!(ids(&[]), ["zhangwei"]);
}

#[test]
fn undo_redo_and_log() {
    let (_d, ws) = new_ws();
    ok(&["departments", "add", s(&ws), "示例科技/销售部"]);
    ok(&["departments", "rename", s(&ws), "示例科技/销售部", "营销部"]);
    let undone = ok(&["undo", s(&ws), "--json"]).json();
    assert_eq!(
        (undone["action"].as_str(), undone["state"].as_str()),
        (Some("department_rename"), Some("undone"))
    );
    assert_eq!(departments(&ws)[1]["path"], "示例科技/销售部");
    ok(&["redo", s(&ws)]);
    assert_eq!(departments(&ws)[1]["path"], "示例科技/营销部");
    let log = ok(&["log", s(&ws), "--json"]).json();
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "redo",
            "undo",
            "department_rename",
            "department_add",
            "init"
        ]
    );
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["source"] == "cli" && e["at"].is_string()));
    assert_eq!(log[2]["before"]["path"], "示例科技/销售部");
    assert_eq!(log[2]["after"]["path"], "示例科技/营销部");
    let text = ok(&["log", s(&ws), "--limit", "2"]).stdout;
    assert_eq!(text.lines().count(), 2, "{text}");
}

#[test]
fn unusable_files_exit_2_with_a_clear_message() {
    let dir = TempDir::new().unwrap();
    let corrupt = dir.path().join("corrupt.orgdesk");
    std::fs::write(
        &corrupt,
        b"this is not a database at all, just some bytes\n".repeat(100),
    )
    .unwrap();
    let r = orgdesk(&["departments", "list", s(&corrupt)]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("not an OrgDesk workspace"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());

    let missing = dir.path().join("missing.orgdesk");
    let r = orgdesk(&["members", "list", s(&missing), "--json"]);
    assert_eq!(
        (r.code, r.json()["error"]["code"].as_str()),
        (2, Some("file_not_found"))
    );
    assert!(!missing.exists());

    // A real workspace whose pages were damaged.
    let (_d, ws) = new_ws();
    ok(&["departments", "add", s(&ws), "示例科技/销售部"]);
    let conn = rusqlite_free_checkpoint(&ws);
    let mut data = std::fs::read(&conn).unwrap();
    data[100..4096].fill(0x5A);
    std::fs::write(&conn, &data).unwrap();
    let r = orgdesk(&["departments", "list", s(&ws), "--json"]);
    assert_eq!(
        (r.code, r.json()["error"]["code"].as_str()),
        (2, Some("corrupt_file")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("damaged"));
}

/// Makes sure everything is in the main file (the CLI checkpoints on close) and returns its path.
fn rusqlite_free_checkpoint(ws: &Path) -> PathBuf {
    let mut wal = ws.as_os_str().to_owned();
    wal.push("-wal");
    assert!(
        !Path::new(&wal).exists() || std::fs::metadata(&wal).unwrap().len() == 0,
        "WAL left behind after the CLI exited"
    );
    ws.to_path_buf()
}

#[test]
fn a_newer_file_exits_2_and_is_not_modified() {
    let (_d, ws) = new_ws();
    // Pretend a future OrgDesk wrote this file: bump user_version (offset 60, big-endian).
    let mut data = std::fs::read(&ws).unwrap();
    data[60..64].copy_from_slice(&999u32.to_be_bytes());
    std::fs::write(&ws, &data).unwrap();
    let r = orgdesk(&["members", "list", s(&ws), "--json"]);
    assert_eq!(
        (r.code, r.json()["error"]["code"].as_str()),
        (2, Some("newer_version"))
    );
    assert!(r.stderr.contains("newer OrgDesk"), "{}", r.stderr);
    assert_eq!(std::fs::read(&ws).unwrap(), data);
}

#[test]
fn bad_arguments_exit_2_and_help_exits_0() {
    assert_eq!(orgdesk(&["frobnicate"]).code, 2);
    assert_eq!(orgdesk(&["departments", "add"]).code, 2);
    let (_d, ws) = new_ws();
    assert_eq!(
        orgdesk(&["departments", "move", s(&ws), "示例科技"]).code,
        2,
        "no target given"
    );
    assert_eq!(
        orgdesk(&[
            "members",
            "add",
            s(&ws),
            "--name",
            "X",
            "--department",
            "示例科技",
            "--gender",
            "robot"
        ])
        .code,
        2
    );
    assert_eq!(orgdesk(&["--help"]).code, 0);
}

#[test]
fn chinese_messages_follow_the_locale() {
    let (_d, ws) = new_ws();
    let out = Command::cargo_bin("orgdesk")
        .unwrap()
        .env("LANG", "zh_CN.UTF-8")
        .args(["members", "delete", s(&ws), "nobody"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("找不到账号为“nobody”的成员"), "{stderr}");
    let r = orgdesk(&["--lang", "zh-CN", "members", "delete", s(&ws), "nobody"]);
    assert!(r.stderr.starts_with("错误"), "{}", r.stderr);
}

#[test]
fn demo_list_and_create() {
    let list = ok(&["demo", "list", "--json"]).json();
    let id = list[0]["id"].as_str().unwrap().to_string();
    let dir = TempDir::new().unwrap();
    let ws = dir.path().join("demo.orgdesk");
    ok(&["demo", "create", &id, s(&ws)]);
    let members = ok(&["members", "list", s(&ws), "--json"]).json();
    assert!(members.as_array().unwrap().len() >= 40);
    let depts = departments(&ws);
    assert!(depts.as_array().unwrap().iter().any(|d| d["path"]
        .as_str()
        .unwrap()
        .split('/')
        .count()
        == 3));
    assert_eq!(
        orgdesk(&[
            "demo",
            "create",
            "no-such-demo",
            s(&dir.path().join("x.orgdesk"))
        ])
        .code,
        1
    );
    assert!(!dir.path().join("x.orgdesk").exists());
}

fn write_gbk(path: &Path, text: &str) {
    let (bytes, _, _) = encoding_rs::GBK.encode(text);
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn import_members_json_shape_and_exit_codes() {
    let (dir, ws) = new_ws();
    let good = dir.path().join("staff.csv");
    write_gbk(&good, "姓名,手机,部门,职务\n张伟,138 0013 8000,示例科技/销售部,经理\n李娜,+86 139 0013 9000,示例科技/研发中心,\n");
    let r = ok(&["import", "members", s(&ws), s(&good), "--dry-run", "--json"]).json();
    for key in [
        "file",
        "sheet",
        "header_row",
        "mapping",
        "rows",
        "valid",
        "invalid",
        "created",
        "updated",
        "warnings",
        "errors",
        "committed",
        "batch",
    ] {
        assert!(r.get(key).is_some(), "{key} missing");
    }
    assert_eq!(
        (
            r["rows"].as_u64(),
            r["committed"].as_bool(),
            r["batch"].clone()
        ),
        (Some(2), Some(false), Value::Null)
    );
    assert_eq!(r["mapping"]["手机"], "mobile");
    assert_eq!(
        r["created"]["members"], 2,
        "a dry run reports what it would create"
    );
    assert!(r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["row"].is_u64() && w["code"].is_string()));
    assert_eq!(
        ok(&["members", "list", s(&ws), "--json"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let r = ok(&["import", "members", s(&ws), s(&good), "--json"]).json();
    assert_eq!(
        (r["committed"].as_bool(), r["created"]["members"].as_u64()),
        (Some(true), Some(2))
    );
    let batch = r["batch"].as_i64().unwrap();
    let listed = ok(&["imports", "list", s(&ws), "--json"]).json();
    assert_eq!(listed[0]["batch"], batch);
    ok(&["imports", "rollback", s(&ws), &batch.to_string()]);
    assert_eq!(
        ok(&["members", "list", s(&ws), "--json"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let r = orgdesk(&["imports", "rollback", s(&ws), &batch.to_string(), "--json"]);
    assert_eq!(
        (r.code, r.json()["error"]["code"].as_str()),
        (1, Some("batch_not_found"))
    );
}

#[test]
fn import_with_invalid_rows_exits_1_writes_nothing_and_can_skip_them() {
    let (dir, ws) = new_ws();
    let file = dir.path().join("bad.csv");
    std::fs::write(
        &file,
        "姓名,手机,部门\n张伟,13800138000,示例科技/销售部\n李娜,123,示例科技/销售部\n",
    )
    .unwrap();
    let errors = dir.path().join("errors.xlsx");
    let r = orgdesk(&[
        "import",
        "members",
        s(&ws),
        s(&file),
        "--json",
        "--errors-out",
        s(&errors),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc = r.json();
    assert_eq!(
        (
            doc["valid"].as_u64(),
            doc["invalid"].as_u64(),
            doc["committed"].as_bool()
        ),
        (Some(1), Some(1), Some(false))
    );
    assert_eq!(doc["errors"][0]["row"], 3);
    assert_eq!(doc["errors"][0]["column"], "手机");
    assert_eq!(doc["errors"][0]["code"], "invalid_mobile");
    assert!(errors.exists());
    assert_eq!(
        ok(&["members", "list", s(&ws), "--json"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // Dry run with invalid rows: exit 1 too.
    assert_eq!(
        orgdesk(&["import", "members", s(&ws), s(&file), "--dry-run"]).code,
        1
    );
    let r = ok(&[
        "import",
        "members",
        s(&ws),
        s(&file),
        "--skip-invalid",
        "--json",
    ])
    .json();
    assert_eq!(
        (r["committed"].as_bool(), r["created"]["members"].as_u64()),
        (Some(true), Some(1))
    );
    let text = orgdesk(&["import", "members", s(&ws), s(&file)]).stdout;
    assert!(
        text.contains("Not imported") && text.contains("row 3"),
        "{text}"
    );
}

#[test]
fn unreadable_import_files_exit_2_naming_the_file() {
    let (dir, ws) = new_ws();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.xlsx", vec![]),
        (
            "random.bin",
            (0..3000u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 11) as u8)
                .collect(),
        ),
        ("header-only.csv", "姓名,手机,部门\n".into()),
        ("no-header.csv", "x,y\n1,2\n".into()),
        (
            "truncated.xlsx",
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec(),
        ),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let r = orgdesk(&["import", "members", s(&ws), s(&path), "--json"]);
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert_eq!(r.json()["error"]["code"], "unreadable_file", "{name}");
        assert!(r.stderr.contains(name), "{name}: {}", r.stderr);
    }
    let r = orgdesk(&[
        "import",
        "members",
        s(&ws),
        s(&dir.path().join("missing.xlsx")),
    ]);
    assert_eq!(r.code, 2);
    let r = orgdesk(&[
        "import",
        "members",
        s(&ws),
        s(&dir.path().join("x.csv")),
        "--map",
        "nonsense",
    ]);
    assert_eq!(r.code, 2);
}

#[test]
fn import_map_header_row_and_sheet_options() {
    let (dir, ws) = new_ws();
    let file = dir.path().join("odd.csv");
    std::fs::write(
        &file,
        "花名册\n员工,联系电话,组织\n张伟,13800138000,示例科技/销售部\n",
    )
    .unwrap();
    let r = orgdesk(&["import", "members", s(&ws), s(&file), "--json"]);
    assert_eq!(r.code, 2, "no header is recognised without a mapping");
    let r = ok(&[
        "import",
        "members",
        s(&ws),
        s(&file),
        "--header-row",
        "2",
        "--map",
        "员工=name",
        "--map",
        "组织=department",
        "--json",
    ])
    .json();
    assert_eq!(
        (r["header_row"].as_u64(), r["created"]["members"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(r["mapping"]["联系电话"], "mobile");
}

#[test]
fn roles_grants_who_can_can_and_check() {
    let (dir, ws) = new_ws();
    for (name, id, dept) in [
        ("老板", "boss", "示例科技"),
        ("副总", "vice", "示例科技"),
        ("经理", "east", "示例科技/销售部/华东区"),
    ] {
        ok(&[
            "members",
            "add",
            s(&ws),
            "--name",
            name,
            "--userid",
            id,
            "--department",
            dept,
        ]);
    }
    let roles = ok(&["roles", "list", s(&ws), "--json"]).json();
    let keys: Vec<&str> = roles
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["key"].as_str())
        .collect();
    assert_eq!(
        keys,
        ["super_admin", "it_admin", "department_head", "employee"]
    );
    // No super admin: an error, so `check` exits 1.
    let r = orgdesk(&["check", s(&ws), "--json"]);
    assert_eq!(r.code, 1);
    let first = &r.json()[0];
    for key in ["code", "severity", "message", "target"] {
        assert!(first.get(key).is_some(), "{key}");
    }
    assert_eq!(first["code"], "no_super_admin");
    ok(&["roles", "assign", s(&ws), "super_admin", "boss"]);
    ok(&["roles", "assign", s(&ws), "超级管理员", "vice"]);
    let r = orgdesk(&["check", s(&ws), "--json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    // A custom role scoped to one department.
    ok(&["roles", "add", s(&ws), "区域审计", "--level", "department"]);
    ok(&[
        "roles",
        "grant",
        s(&ws),
        "区域审计",
        "data.export",
        "--department",
        "示例科技/销售部",
    ]);
    ok(&["roles", "assign", s(&ws), "区域审计", "east"]);
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["who-can", s(&ws)];
        all.extend_from_slice(args);
        all.push("--json");
        let mut v: Vec<String> = ok(&all)
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["userid"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        ids(&["data.export", "--department", "示例科技/销售部/华东区"]),
        ["boss", "east", "vice"]
    );
    assert_eq!(
        ids(&["data.export", "--department", "示例科技"]),
        ["boss", "vice"]
    );
    let can = ok(&["can", s(&ws), "east", "--json"]).json();
    let grant = can["grants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["permission"] == "data.export")
        .unwrap();
    assert_eq!(
        (grant["scope"].as_str(), grant["departments"][0].as_str()),
        (Some("departments"), Some("示例科技/销售部"))
    );
    // Revoking and undoing.
    ok(&["roles", "revoke", s(&ws), "区域审计", "data.export"]);
    assert_eq!(
        ids(&["data.export", "--department", "示例科技/销售部"]),
        ["boss", "vice"]
    );
    ok(&["undo", s(&ws)]);
    assert_eq!(
        ids(&["data.export", "--department", "示例科技/销售部"]),
        ["boss", "east", "vice"]
    );
    // Mistakes are refused with exit 1.
    assert_eq!(
        orgdesk(&["roles", "grant", s(&ws), "nobody", "data.export"]).code,
        1
    );
    assert_eq!(
        orgdesk(&["roles", "grant", s(&ws), "it_admin", "data.fly"]).code,
        1
    );
    assert_eq!(orgdesk(&["who-can", s(&ws), "data.fly"]).code, 1);
    assert_eq!(
        orgdesk(&[
            "roles",
            "grant",
            s(&ws),
            "it_admin",
            "data.export",
            "--scope",
            "sideways"
        ])
        .code,
        2
    );
    // The matrix, the export and the platform mapping.
    let m = ok(&["roles", "matrix", s(&ws), "--json"]).json();
    assert_eq!(m["permissions"].as_array().unwrap().len(), 12);
    let out = dir.path().join("permissions.xlsx");
    ok(&["roles", "export", s(&ws), s(&out)]);
    assert!(std::fs::metadata(&out).unwrap().len() > 0);
    let mapping = ok(&["roles", "mapping", s(&ws), "--platform", "feishu", "--json"]).json();
    assert!(mapping
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["platform"] == "feishu"));
    assert!(ok(&["roles", "matrix", s(&ws)])
        .stdout
        .contains("Export data"));
}

#[test]
fn compare_needs_and_fit() {
    let rows = ok(&["compare", "--json"]).json();
    let rows = rows.as_array().unwrap();
    assert!(rows.len() >= 40);
    let depth = rows.iter().find(|r| r["id"] == "department_depth").unwrap();
    assert_eq!(depth["name"]["zh"], "部门层级上限");
    assert_eq!(depth["cells"]["wecom"]["value"]["value"], 15.0);
    assert_eq!(depth["cells"]["wecom"]["confidence"], "official");
    for p in ["wecom", "dingtalk", "feishu"] {
        assert!(depth["cells"][p].is_object(), "{p}");
    }
    let diff = ok(&["compare", "--only-diff", "--json"]).json();
    assert!(diff.as_array().unwrap().len() < rows.len());
    let sec = ok(&["compare", "--category", "security", "--json"]).json();
    assert!(sec
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["category"] == "security"));
    assert_eq!(orgdesk(&["compare", "--category", "nope"]).code, 1);

    let (dir, ws) = new_ws();
    let fit = ok(&["fit", s(&ws), "--json"]).json();
    assert!(
        ["wecom", "dingtalk", "feishu"]
            .iter()
            .all(|p| fit[p]["score"].is_null()),
        "no needs: neutral"
    );
    ok(&["needs", "set", s(&ws), "personal_wechat", "--must"]);
    ok(&[
        "needs",
        "set",
        s(&ws),
        "custom_approvals",
        "--nice",
        "--weight",
        "2",
    ]);
    let fit = ok(&["fit", s(&ws), "--json"]).json();
    assert_eq!(
        fit["dingtalk"]["ruled_out_by"],
        serde_json::json!(["personal_wechat"])
    );
    assert_eq!(fit["wecom"]["score"], 100);
    assert!(fit["wecom"]["reasons"].as_array().unwrap().len() == 2);
    assert_eq!(
        orgdesk(&["needs", "set", s(&ws), "headcount"]).code,
        1,
        "a number need needs --value"
    );
    assert_eq!(orgdesk(&["needs", "set", s(&ws), "flying"]).code, 1);
    let listed = ok(&["needs", "list", s(&ws), "--json"]).json();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    ok(&["needs", "clear", s(&ws), "custom_approvals"]);
    let out = dir.path().join("compare.xlsx");
    ok(&["compare", "export", s(&ws), s(&out)]);
    assert!(out.exists());
    let plain = dir.path().join("plain.xlsx");
    ok(&["compare", "export", s(&plain)]);
    assert!(plain.exists());
}
