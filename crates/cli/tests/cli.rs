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
    assert_eq!(ids(&["--search", "zw"]), ["zhangwei"]);
    assert_eq!(ids(&["--search", "lina"]), ["lina"]);
    // With --limit: a page and the total.
    let page = ok(&[
        "members",
        "list",
        s(&ws),
        "--limit",
        "1",
        "--offset",
        "1",
        "--json",
    ])
    .json();
    assert_eq!(page["total"], 2);
    assert_eq!(page["offset"], 1);
    assert_eq!(page["members"].as_array().unwrap().len(), 1);
    assert_eq!(page["members"][0]["userid"], "lina");
    let text = ok(&["members", "list", s(&ws), "--limit", "1"]).stdout;
    assert!(text.contains("Members 1–1 of 2"), "{text}");
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

fn cells(path: &Path, sheet: usize) -> Vec<Vec<String>> {
    use calamine::{open_workbook_auto, Reader};
    let mut book = open_workbook_auto(path).unwrap();
    let name = book.sheet_names()[sheet].clone();
    let range = book.worksheet_range(&name).unwrap();
    let (r0, _) = range.start().unwrap();
    let mut rows = vec![Vec::new(); r0 as usize];
    rows.extend(
        range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>()),
    );
    rows
}

#[test]
fn export_members_checks_first_and_writes_platform_files() {
    let dir = TempDir::new().unwrap();
    let ws = dir.path().join("demo.orgdesk");
    ok(&["demo", "create", "shili-keji", s(&ws)]);
    let out = dir.path().join("企业微信导入.xlsx");
    let r = ok(&[
        "export",
        "members",
        s(&ws),
        s(&out),
        "--format",
        "wecom",
        "--json",
    ])
    .json();
    assert_eq!(r["written"], true);
    assert_eq!(r["members"], 41);
    assert_eq!(r["files"][0], s(&out));
    let rows = cells(&out, 0);
    assert_eq!(rows[8][..5], ["姓名", "账号", "别名", "职务", "部门"]);

    // The API files import back, the department file found next to the member file.
    let csv = dir.path().join("sync.csv");
    ok(&[
        "export",
        "members",
        s(&ws),
        s(&csv),
        "--format",
        "wecom-api",
    ]);
    assert!(dir.path().join("sync_departments.csv").is_file());
    let back = dir.path().join("back.orgdesk");
    ok(&["init", s(&back)]);
    let r = ok(&["import", "members", s(&back), s(&csv), "--json"]).json();
    assert_eq!(r["created"]["members"], 41);
    assert_eq!(r["created"]["departments"], 15);

    // A problem the platform would refuse: exit 1, nothing written, the row and the fix shown.
    ok(&[
        "members",
        "add",
        s(&ws),
        "--name",
        "无联系",
        "--department",
        "示例科技/财务部",
    ]);
    let refused = dir.path().join("refused.xlsx");
    let r = orgdesk(&[
        "export",
        "members",
        s(&ws),
        s(&refused),
        "--format",
        "wecom",
    ]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(!refused.exists());
    assert!(
        r.stdout.contains("contact_missing") && r.stdout.contains("row 51"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("--force"));
    let r = orgdesk(&[
        "export",
        "members",
        s(&ws),
        s(&refused),
        "--format",
        "wecom",
        "--check",
        "--json",
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(r.json()[0]["rule"], "contact_missing");
    assert!(!refused.exists());
    let r = orgdesk(&[
        "export",
        "members",
        s(&ws),
        s(&refused),
        "--format",
        "wecom",
        "--force",
    ]);
    assert_eq!(r.code, 1, "problems still reported");
    assert!(refused.is_file());

    let r = orgdesk(&[
        "export",
        "members",
        s(&ws),
        s(&refused),
        "--format",
        "excel",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("wecom, wecom-api, dingtalk, feishu"),
        "{}",
        r.stderr
    );
}

#[test]
fn report_writes_one_workbook_in_the_chosen_language() {
    let dir = TempDir::new().unwrap();
    let ws = dir.path().join("demo.orgdesk");
    ok(&["demo", "create", "shili-keji", s(&ws)]);
    let out = dir.path().join("report.xlsx");
    let r = ok(&["report", s(&ws), s(&out), "--lang", "zh-CN", "--json"]).json();
    assert_eq!(
        r["sheets"],
        serde_json::json!([
            "概览",
            "通讯录",
            "组织架构",
            "权限矩阵",
            "入离职",
            "运营健康"
        ])
    );
    let r = ok(&["report", s(&ws), s(&out), "--lang", "en-US"]);
    assert!(r.stdout.contains("Overview"), "{}", r.stdout);
    assert_eq!(cells(&out, 1)[0][0], "Name");
}

#[test]
fn a_dingtalk_roster_migrates_to_a_wecom_file_in_one_go() {
    let dir = TempDir::new().unwrap();
    // A DingTalk roster export: UserID, level columns, mobiles stored as numbers.
    let roster = dir.path().join("钉钉花名册.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let header = [
        "员工UserID",
        "姓名",
        "手机号",
        "邮箱",
        "工号",
        "职位",
        "部门主管",
        "1级部门",
        "2级部门",
        "3级部门",
        "4级部门",
        "5级部门",
        "6级部门",
        "7级部门",
        "主部门ID",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let people = [
        (
            "0123456",
            "张伟",
            13800138001.0,
            "钉钉科技",
            "销售部",
            "华东区",
        ),
        ("0123457", "李娜", 13800138002.0, "钉钉科技", "研发部", ""),
        ("0123458", "王芳", 13800138003.0, "钉钉科技", "", ""),
    ];
    for (i, (id, name, mobile, l1, l2, l3)) in people.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, *id).unwrap();
        sheet.write_string(r, 1, *name).unwrap();
        sheet.write_number(r, 2, *mobile).unwrap();
        sheet.write_string(r, 4, format!("NO{r}")).unwrap();
        sheet.write_string(r, 5, "专员").unwrap();
        for (c, l) in [(7, l1), (8, l2), (9, l3)] {
            if !l.is_empty() {
                sheet.write_string(r, c, *l).unwrap();
            }
        }
        sheet.write_number(r, 14, 1000.0 + r as f64).unwrap();
    }
    book.save(&roster).unwrap();

    let out = dir.path().join("企业微信导入.xlsx");
    let r = ok(&["migrate", s(&roster), s(&out), "--to", "wecom", "--json"]).json();
    assert_eq!(r["import"]["created"]["members"], 3);
    assert_eq!(r["export"]["written"], true);
    let rows = cells(&out, 0);
    assert_eq!(rows[8][0], "姓名");
    let data: Vec<(&str, &str, &str, &str)> = rows[9..]
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[4].as_str(), r[6].as_str()))
        .collect();
    assert_eq!(
        data,
        [
            ("张伟", "0123456", "钉钉科技/销售部/华东区", "13800138001"),
            ("李娜", "0123457", "钉钉科技/研发部", "13800138002"),
            ("王芳", "0123458", "钉钉科技", "13800138003"),
        ]
    );

    // Into a kept workspace, to DingTalk's own layout and back to Feishu's.
    let ws = dir.path().join("迁移.orgdesk");
    ok(&["init", s(&ws), "--platform", "feishu"]);
    let feishu = dir.path().join("飞书导入.xlsx");
    let r = orgdesk(&[
        "migrate",
        s(&roster),
        s(&feishu),
        "--to",
        "feishu",
        "--workspace",
        s(&ws),
    ]);
    assert_eq!(r.code, 0, "warnings do not block: {}", r.stdout);
    assert!(r.stdout.contains("recommended_missing"));
    assert_eq!(
        ok(&["members", "list", s(&ws), "--json"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn a_feishu_roster_csv_migrates_and_a_member_without_contact_stops_it() {
    let dir = TempDir::new().unwrap();
    let roster = dir.path().join("飞书成员.csv");
    std::fs::write(
        &roster,
        "\u{feff}姓名,用户ID,手机号码,邮箱,部门,职务,工号,人员类型,入职时间\n\
         陈静,chenjing,+86 139 0000 0001,,飞书科技/市场部,经理,F1,正式,2021/3/1\n\
         赵磊,zhaolei,,zhaolei@example.com,飞书科技/市场部;飞书科技/销售部,专员,F2,实习,2024-07-15\n",
    )
    .unwrap();
    let out = dir.path().join("wecom.xlsx");
    let r = ok(&["migrate", s(&roster), s(&out), "--to", "wecom", "--json"]).json();
    assert_eq!(r["export"]["members"], 2);
    let rows = cells(&out, 0);
    assert_eq!(rows[9][6], "13900000001");
    assert_eq!(rows[10][4], "飞书科技/市场部；飞书科技/销售部");

    // A member the target platform would refuse (no mobile for DingTalk): exit 1, no file.
    let dingtalk = dir.path().join("dingtalk.xlsx");
    let r = orgdesk(&["migrate", s(&roster), s(&dingtalk), "--to", "dingtalk"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("mobile_missing"), "{}", r.stdout);
    assert!(!dingtalk.exists());
}

#[test]
fn demos_of_each_shape_snapshot_and_reset() {
    let list = ok(&["demo", "list", "--json"]).json();
    let shapes: Vec<(String, String, u64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap().to_string(),
                d["platform"].as_str().unwrap().to_string(),
                d["members"].as_u64().unwrap(),
            )
        })
        .collect();
    for expected in [
        ("xianguo-lingshou", "wecom", 30),
        ("hengli-jinggong", "dingtalk", 120),
        ("yunzhan-keji", "feishu", 60),
    ] {
        assert!(
            shapes.contains(&(expected.0.into(), expected.1.into(), expected.2)),
            "{expected:?} not in {shapes:?}"
        );
    }
    assert!(list[1]["story"]["zh-CN"].as_str().unwrap().len() > 100);

    let dir = TempDir::new().unwrap();
    let ws = dir.path().join("factory.orgdesk");
    ok(&["demo", "create", "hengli-jinggong", s(&ws)]);
    let snaps = ok(&["snapshot", "list", s(&ws), "--json"]).json();
    assert_eq!(snaps[0]["kind"], "initial");
    assert_eq!(snaps[0]["members"], 120);
    ok(&["departments", "rename", s(&ws), "恒力精工/质量部", "品质部"]);
    let saved = ok(&["snapshot", "save", s(&ws), "改名后", "--json"]).json();
    assert_eq!(saved["name"], "改名后");
    assert_eq!(orgdesk(&["snapshot", "save", s(&ws), "改名后"]).code, 1);

    ok(&["demo", "reset", s(&ws)]);
    let has = |path: &str| {
        departments(&ws)
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"] == path)
    };
    assert!(has("恒力精工/质量部") && !has("恒力精工/品质部"));
    ok(&["undo", s(&ws)]);
    assert!(has("恒力精工/品质部"));
    ok(&["snapshot", "restore", s(&ws), "#1"]);
    assert!(has("恒力精工/质量部"));
    ok(&["snapshot", "delete", s(&ws), "改名后"]);
    let r = orgdesk(&["snapshot", "restore", s(&ws), "改名后"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("改名后"), "{}", r.stderr);
    assert_eq!(
        ok(&["snapshot", "list", s(&ws), "--json"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // A workspace that did not come from a demo has nothing to reset to.
    let (_d, plain) = new_ws();
    let r = orgdesk(&["demo", "reset", s(&plain)]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("initial snapshot"), "{}", r.stderr);
}

#[test]
fn the_setup_journey_from_the_command_line() {
    let (dir, ws) = new_ws();
    // Profile: a typo in the credit code is refused with the reason, exit 1.
    let r = orgdesk(&[
        "profile",
        "set",
        s(&ws),
        "--credit-code",
        "91110000600037341X",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("should be “L”"), "{}", r.stderr);
    let p = ok(&[
        "profile",
        "set",
        s(&ws),
        "--credit-code",
        "91110000600037341L",
        "--legal-name",
        "示例科技有限公司",
        "--entity-type",
        "education",
        "--json",
    ])
    .json();
    assert_eq!(p["credit_code"], "91110000600037341L");
    assert_eq!(p["entity_type"], "education");

    // Certification: the window in working days and the next review.
    let plan = ok(&[
        "certification",
        "plan",
        s(&ws),
        "--method",
        "wechat",
        "--submitted",
        "2026-09-29",
        "--ready",
        "business_licence",
        "--json",
    ])
    .json();
    // 3–7 working days after Tue Sep 29: Wed 30, (Oct 1–7 off), Thu 8, Fri 9, Sat 10 (worked) …
    assert_eq!(plan["expected_earliest"], "2026-10-09");
    assert_eq!(plan["expected_latest"], "2026-10-14");
    assert_eq!(plan["next_review"], "2027-10-14");
    assert!(plan["materials"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["key"] == "education_licence" && m["ready"] == false));
    assert_eq!(
        orgdesk(&["certification", "plan", s(&ws), "--method", "fax"]).code,
        1
    );

    // Checklist: computed and manual items, ticks.
    let c = ok(&["checklist", s(&ws), "--json"]).json();
    assert_eq!(c["steps"].as_array().unwrap().len(), 9);
    let before = c["done"].as_u64().unwrap();
    ok(&["checklist", "tick", s(&ws), "migration_plan"]);
    let c = ok(&["checklist", s(&ws), "--json"]).json();
    assert_eq!(c["done"].as_u64().unwrap(), before + 1);
    assert_eq!(orgdesk(&["checklist", "tick", s(&ws), "watermark"]).code, 1);

    // Security: CIDR entries checked, score reported.
    let r = orgdesk(&["security", "set", s(&ws), "--allow-ip", "10.1.2.3/8"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("10.0.0.0/8"), "{}", r.stderr);
    let sec = ok(&[
        "security",
        "set",
        s(&ws),
        "--watermark",
        "on",
        "--two-step",
        "on",
        "--overseas",
        "allowlist",
        "--allow-ip",
        "203.0.113.0/24",
        "--allow-ip",
        "2001:db8::/32",
        "--json",
    ])
    .json();
    assert_eq!(sec["score"], 55);
    let c = ok(&["checklist", s(&ws), "--json"]).json();
    assert!(c["done"].as_u64().unwrap() >= before + 4);

    // Hardware: import, flags at the boundary.
    let inv = dir.path().join("devices.csv");
    let mut text = String::from("设备编号,类型,场地,批次\n");
    for i in 0..10 {
        text.push_str(&format!("KQ-{i},考勤机,一车间,B1\n"));
    }
    std::fs::write(&inv, text).unwrap();
    let r = ok(&["hardware", "import", s(&ws), s(&inv), "--json"]).json();
    assert_eq!(r["devices"], 10);
    ok(&["hardware", "log", s(&ws), "KQ-0", "--day", "2026-10-20"]);
    let flags = ok(&["hardware", "flags", s(&ws), "--json"]).json();
    assert_eq!(flags[0]["flagged"], false, "1 of 10 is not over 10%");
    ok(&[
        "hardware",
        "log",
        s(&ws),
        "KQ-1",
        "--day",
        "2026-11-02",
        "--kind",
        "failure",
    ]);
    let flags = ok(&["hardware", "flags", s(&ws), "--json"]).json();
    assert_eq!(flags[0]["flagged"], true);
    assert_eq!(flags[0]["quarter"], "2026-Q4");
    assert_eq!(
        orgdesk(&["hardware", "log", s(&ws), "NOPE", "--day", "2026-11-02"]).code,
        1
    );
    let list = ok(&["hardware", "list", s(&ws), "--json"]).json();
    assert_eq!(list.as_array().unwrap().len(), 10);
}

/// No output is ever written over a workspace (also through a link, or its journal), a folder
/// or the command's own input: exit 2, a message that says why, every file as it was.
#[test]
fn outputs_never_overwrite_a_workspace_or_the_input() {
    let dir = TempDir::new().unwrap();
    let ws = dir.path().join("w.orgdesk");
    ok(&["demo", "create", "shili-keji", s(&ws)]);
    let roster = dir.path().join("roster.xlsx");
    ok(&["export", "members", s(&ws), s(&roster), "--format", "wecom"]);
    let link = dir.path().join("link.xlsx");
    std::os::unix::fs::symlink(&ws, &link).unwrap();
    let other = dir.path().join("other.orgdesk");
    ok(&["init", s(&other)]);
    let wal = format!("{}-wal", s(&ws));
    let before = |p: &Path| std::fs::read(p).unwrap();
    let (ws_bytes, roster_bytes, other_bytes) = (before(&ws), before(&roster), before(&other));
    let w = s(&ws);
    let cases: Vec<Vec<&str>> = vec![
        vec!["export", "members", w, w, "--format", "wecom"],
        vec!["export", "members", w, w, "--format", "wecom-api"],
        vec!["export", "members", w, w, "--format", "dingtalk"],
        vec!["export", "members", w, w, "--format", "feishu"],
        vec!["export", "members", w, s(&link), "--format", "wecom"],
        vec!["export", "members", w, s(&other), "--format", "wecom"],
        vec!["export", "members", w, &wal, "--format", "wecom"],
        vec!["export", "members", w, s(dir.path()), "--format", "wecom"],
        vec!["report", w, w],
        vec!["roles", "export", w, w],
        vec!["compare", "export", w, w],
        vec!["import", "members", w, s(&roster), "--errors-out", w],
        vec![
            "import",
            "members",
            w,
            s(&roster),
            "--errors-out",
            s(&roster),
        ],
        vec!["migrate", s(&roster), w, "--to", "wecom", "--workspace", w],
        vec!["migrate", s(&roster), s(&roster), "--to", "wecom"],
    ];
    for args in cases {
        let r = orgdesk(&args);
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("nothing was written") || r.stderr.contains("is a folder"),
            "{args:?}: {}",
            r.stderr
        );
        assert_eq!(before(&ws), ws_bytes, "{args:?} changed the workspace");
        assert_eq!(before(&roster), roster_bytes, "{args:?} changed the roster");
        assert_eq!(
            before(&other),
            other_bytes,
            "{args:?} changed another workspace"
        );
    }
    // The workspace still opens, unchanged: no import ran for the refused --errors-out.
    assert_eq!(
        ok(&["members", "list", w, "--json"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        41
    );
    // An ordinary file is replaced whole, and the CLI says so.
    let r = ok(&["report", w, s(&roster)]);
    assert!(
        r.stderr.contains("Replaced the existing file"),
        "{}",
        r.stderr
    );
    assert_ne!(before(&roster), roster_bytes);
}

#[test]
fn department_visibility_is_set_shown_and_queried_per_member() {
    let (_d, ws) = new_ws();
    for (name, userid, mobile, dept) in [
        ("财务甲", "cw", "13800000001", "示例科技/财务部"),
        ("研发乙", "yf", "13800000002", "示例科技/研发部"),
        ("销售丙", "xs", "13800000003", "示例科技/销售部"),
    ] {
        ok(&[
            "members",
            "add",
            s(&ws),
            "--name",
            name,
            "--userid",
            userid,
            "--mobile",
            mobile,
            "--department",
            dept,
        ]);
    }
    // Without options: shown, not changed.
    let shown = ok(&[
        "departments",
        "visibility",
        s(&ws),
        "示例科技/财务部",
        "--json",
    ])
    .json();
    assert_eq!(shown["department"]["visibility"]["hidden"], false);
    assert_eq!(shown["audience"]["count"], 3);
    assert!(shown["platforms"]["wecom"].as_array().unwrap().len() == 3);
    let set = ok(&[
        "departments",
        "visibility",
        s(&ws),
        "示例科技/财务部",
        "--visible-to",
        "示例科技/研发部",
        "--json",
    ])
    .json();
    assert_eq!(set["department"]["visibility"]["hidden"], true);
    assert_eq!(
        set["department"]["visibility"]["departments"],
        serde_json::json!(["示例科技/研发部"])
    );
    assert_eq!(set["audience"]["count"], 2);
    let text = ok(&["departments", "visibility", s(&ws), "示例科技/财务部"]).stdout;
    assert!(
        text.contains("Hidden (its own members and 示例科技/研发部)"),
        "{text}"
    );
    assert!(text.contains("Members who see it: 2 of 3"), "{text}");
    let xs = ok(&["sees", s(&ws), "xs", "--json"]).json();
    assert_eq!(xs["hidden"], serde_json::json!(["示例科技/财务部"]));
    assert_eq!(
        (xs["members_seen"].as_u64(), xs["members_total"].as_u64()),
        (Some(2), Some(3))
    );
    let yf = ok(&["sees", s(&ws), "yf"]).stdout;
    assert!(
        yf.contains("sees 4 of 4 departments and 3 of 3 members"),
        "{yf}"
    );
    // Restricted to their own department.
    ok(&[
        "departments",
        "visibility",
        s(&ws),
        "示例科技/销售部",
        "--only-own",
    ]);
    let xs = ok(&["sees", s(&ws), "xs", "--json"]).json();
    assert_eq!(xs["only_own"], true);
    assert_eq!(xs["departments"], serde_json::json!(["示例科技/销售部"]));
    // Errors say what is wrong and change nothing.
    let r = orgdesk(&[
        "departments",
        "visibility",
        s(&ws),
        "示例科技/财务部",
        "--visible-to-member",
        "nobody",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("“nobody”"), "{}", r.stderr);
    assert_eq!(orgdesk(&["sees", s(&ws), "nobody"]).code, 1);
    assert_eq!(
        orgdesk(&[
            "departments",
            "visibility",
            s(&ws),
            "示例科技/财务部",
            "--everyone",
            "--hidden"
        ])
        .code,
        2
    );
    ok(&[
        "departments",
        "visibility",
        s(&ws),
        "示例科技/财务部",
        "--everyone",
    ]);
    assert_eq!(
        ok(&["sees", s(&ws), "yf", "--json"]).json()["hidden"],
        serde_json::json!([])
    );
    // Undoable like any change.
    ok(&["undo", s(&ws)]);
    assert_eq!(
        ok(&["sees", s(&ws), "yf", "--json"]).json()["hidden"],
        serde_json::json!([])
    );
    let back = ok(&[
        "departments",
        "visibility",
        s(&ws),
        "示例科技/财务部",
        "--json",
    ])
    .json();
    assert_eq!(back["department"]["visibility"]["hidden"], true);
}

#[test]
fn activation_offboarding_and_the_lifecycle_overview() {
    let dir = TempDir::new().unwrap();
    let ws = dir.path().join("demo.orgdesk");
    ok(&["demo", "create", "shili-keji", s(&ws)]);
    ok(&[
        "departments",
        "customer-facing",
        s(&ws),
        "示例科技/人事行政部",
    ]);
    let out = dir.path().join("邀请名单.xlsx");
    let a = ok(&["activation", s(&ws), "--invitations", s(&out), "--json"]).json();
    assert_eq!(
        (
            a["overall"]["active"].as_u64(),
            a["overall"]["total"].as_u64()
        ),
        (Some(39), Some(40))
    );
    assert_eq!(a["pending"][0]["userid"], "yuanfang");
    assert_eq!(a["pending"][0]["channel"], "sms");
    assert_eq!(a["findings"][0]["code"], "customer_facing_not_active");
    assert!(out.exists());
    // Offboard a department head who holds a role: what they still hold is open.
    let c = ok(&[
        "members",
        "offboard",
        s(&ws),
        "liuyang",
        "--date",
        "2030-06-30",
        "--handover-to",
        "zhangwei",
        "--json",
    ])
    .json();
    assert_eq!(c["status"], "frozen");
    assert_eq!(c["since"], "2030-06-30");
    let open: Vec<&str> = c["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["done"] == false && s["computed"] == true)
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        open,
        [
            "roles_revoked",
            "leadership_handed_over",
            "reports_reassigned"
        ]
    );
    let chats = c["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "chats_retained")
        .unwrap();
    assert_eq!(chats["due"], "2030-07-30");
    // A hand step, then the overview in the documented shape.
    ok(&[
        "lifecycle",
        "tick",
        s(&ws),
        "liuyang",
        "devices_returned",
        "--on",
        "2030-06-30",
        "--note",
        "笔记本已交回",
    ]);
    let r = orgdesk(&["lifecycle", "tick", s(&ws), "liuyang", "frozen"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let l = ok(&["lifecycle", s(&ws), "--json"]).json();
    for key in ["joiners", "leavers", "overdue"] {
        assert!(l[key].is_array(), "{key}");
    }
    let leaver = l["leavers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["userid"] == "liuyang")
        .unwrap();
    let devices = leaver["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "devices_returned")
        .unwrap();
    assert_eq!(
        (&devices["done"], &devices["done_on"], &devices["note"]),
        (
            &Value::Bool(true),
            &Value::from("2030-06-30"),
            &Value::from("笔记本已交回")
        )
    );
    // Undo the tick and the offboarding: active again.
    ok(&["undo", s(&ws)]);
    ok(&["undo", s(&ws)]);
    let m = ok(&["members", "show", s(&ws), "liuyang", "--json"]).json();
    assert_eq!(m["status"], "active");
    let r = orgdesk(&[
        "members",
        "offboard",
        s(&ws),
        "liuyang",
        "--date",
        "someday",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("someday"), "{}", r.stderr);
}

#[test]
fn a_leavers_sheet_imports_all_or_nothing_and_exits_1_on_a_bad_row() {
    let dir = TempDir::new().unwrap();
    let ws = dir.path().join("demo.orgdesk");
    ok(&["demo", "create", "shili-keji", s(&ws)]);
    let sheet = dir.path().join("leavers.csv");
    std::fs::write(
        &sheet,
        "账号,离职日期,交接人\r\nliuyang,2030-06-30,zhangwei\r\nnobody,2030-06-30,\r\n",
    )
    .unwrap();
    let r = orgdesk(&["import", "leavers", s(&ws), s(&sheet), "--json"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let j = r.json();
    assert_eq!(j["committed"], false);
    assert_eq!(j["problems"][0]["row"], 3);
    assert_eq!(j["problems"][0]["code"], "member_not_found");
    let m = ok(&["members", "show", s(&ws), "liuyang", "--json"]).json();
    assert_eq!(m["status"], "active");
    let r = ok(&["import", "leavers", s(&ws), s(&sheet), "--skip-invalid"]);
    assert!(r.stdout.contains("Offboarded 1 members"), "{}", r.stdout);
    let m = ok(&["members", "show", s(&ws), "liuyang", "--json"]).json();
    assert_eq!(m["status"], "frozen");
    ok(&["undo", s(&ws)]);
    let m = ok(&["members", "show", s(&ws), "liuyang", "--json"]).json();
    assert_eq!(m["status"], "active");
}

/// 公司 (ceo M3) ─ 销售部 (sales M2): rep P1; 研发部 (no head): dev P2.
fn approvals_ws() -> (TempDir, PathBuf) {
    let (dir, ws) = new_ws();
    for (userid, dept, lead, manager, rank) in [
        ("ceo", "示例科技", true, None, "M3"),
        ("sales", "示例科技/销售部", true, None, "M2"),
        ("rep", "示例科技/销售部", false, None, "P1"),
        ("dev", "示例科技/研发部", false, Some("ceo"), "P2"),
    ] {
        let mut args = vec![
            "members",
            "add",
            s(&ws),
            "--userid",
            userid,
            "--name",
            userid,
            "--department",
            dept,
            "--rank",
            rank,
        ];
        if lead {
            args.extend(["--leader-of", dept]);
        }
        if let Some(m) = manager {
            args.extend(["--manager", m]);
        }
        ok(&args);
    }
    ok(&["ranks", "set", s(&ws), "P1", "P2", "M1", "M2", "M3"]);
    (dir, ws)
}

#[test]
fn approvals_route_check_and_templates() {
    let (dir, ws) = approvals_ws();
    let ranks = ok(&["ranks", s(&ws), "--json"]).json();
    assert_eq!(ranks["ranks"][4]["name"], "M3");
    assert_eq!(ranks["ranks"][0]["members"], 1);
    let file = dir.path().join("purchase.json");
    std::fs::write(
        &file,
        r#"{"key":"buy","name":{"zh-CN":"采购","en-US":"Purchase"},
            "fields":[{"key":"amount","type":"number","required":true}],
            "routes":[{"when":{"amount":{"lt":5000}},"steps":[{"approver":{"kind":"department_head","level":1}}]},
                      {"when":{"amount":{"gte":5000}},"steps":[{"approver":{"kind":"manager_chain","until_rank":"M3"}}]}],
            "cc":[{"kind":"member","userid":"ceo"}]}"#,
    )
    .unwrap();
    ok(&["approvals", "add", s(&ws), s(&file)]);
    let chain = |applicant: &str, amount: &str| {
        orgdesk(&[
            "approvals",
            "route",
            s(&ws),
            "buy",
            "--applicant",
            applicant,
            "--amount",
            amount,
            "--json",
        ])
    };
    let r = chain("rep", "6000");
    assert_eq!(r.code, 0, "{}", r.stdout);
    let j = r.json();
    assert_eq!(j["route"], 1);
    let approvers: Vec<&str> = j["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["approvers"][0]["userid"].as_str().unwrap())
        .collect();
    assert_eq!(approvers, ["sales", "ceo"]);
    assert_eq!(j["cc"][0]["userid"], "ceo");
    // dev's department has no head: exit 1 with the problem's code.
    let r = chain("dev", "100");
    assert_eq!(r.code, 1);
    assert_eq!(r.json()["problems"][0]["code"], "no_approver");
    // The text says the same in words.
    let r = orgdesk(&[
        "approvals",
        "route",
        s(&ws),
        "buy",
        "--applicant",
        "dev",
        "--amount",
        "100",
        "--lang",
        "zh-CN",
    ]);
    assert!(r.stdout.contains("没有负责人"), "{}", r.stdout);
    // The check lists every break, and exits 1.
    let r = orgdesk(&["approvals", "check", s(&ws), "--json"]);
    assert_eq!(r.code, 1);
    let breaks = r.json();
    assert!(breaks
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b["applicant"] == "dev" && b["code"] == "no_approver" && b["route"] == 0));
    // Give 研发部 a head: dev's chain mends.
    ok(&[
        "members",
        "add",
        s(&ws),
        "--userid",
        "cto",
        "--name",
        "cto",
        "--department",
        "示例科技/研发部",
        "--leader-of",
        "示例科技/研发部",
        "--rank",
        "M2",
    ]);
    assert_eq!(chain("dev", "100").code, 0);
    // Export, delete, add back; an unknown template or applicant is an error with a code.
    let out = dir.path().join("out.json");
    ok(&["approvals", "export", s(&ws), "buy", s(&out)]);
    ok(&["approvals", "delete", s(&ws), "buy"]);
    let r = orgdesk(&[
        "approvals",
        "route",
        s(&ws),
        "buy",
        "--applicant",
        "rep",
        "--json",
    ]);
    assert_eq!(
        (r.code, r.json()["error"]["key"].as_str()),
        (1, Some("approval_template_not_found"))
    );
    ok(&["approvals", "add", s(&ws), s(&out)]);
    let r = orgdesk(&[
        "approvals",
        "route",
        s(&ws),
        "buy",
        "--applicant",
        "nobody",
        "--amount",
        "1",
    ]);
    assert_eq!(r.code, 1);
    let list = ok(&["approvals", "templates", s(&ws), "--json"]).json();
    assert_eq!(list[0]["template"]["key"], "buy");
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["template"]["key"] == "expense" && t["in_workspace"] == false));
    // A broken document names what is wrong.
    std::fs::write(&file, r#"{"key":"x","name":{"zh-CN":"x","en-US":"x"},"routes":[{"steps":[{"approver":{"kind":"boss"}}]}]}"#).unwrap();
    let r = orgdesk(&["approvals", "add", s(&ws), s(&file)]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("boss"), "{}", r.stderr);
}

#[test]
fn approval_records_and_efficiency() {
    let (dir, ws) = approvals_ws();
    let file = dir.path().join("records.csv");
    std::fs::write(
        &file,
        "审批编号,审批类型,申请人,申请人部门,提交时间,完成时间,状态,审批人\n\
         1,采购,rep,销售部,2026-10-01 09:00,2026-10-01 10:00,已通过,sales\n\
         2,采购,rep,销售部,2026-10-02 09:00,2026-10-02 12:00,已通过,sales\n\
         3,采购,dev,研发部,2026-10-01 09:00,2026-10-03 09:00,已通过,ceo\n\
         4,采购,dev,研发部,2026-10-01 09:00,,审批中,ceo\n",
    )
    .unwrap();
    let r = ok(&[
        "approvals",
        "records",
        "import",
        s(&ws),
        s(&file),
        "--dry-run",
        "--json",
    ])
    .json();
    assert_eq!(
        (r["added"].as_u64(), r["committed"].as_bool()),
        (Some(4), Some(false))
    );
    ok(&["approvals", "records", "import", s(&ws), s(&file)]);
    let e = ok(&["approvals", "efficiency", s(&ws), "--json"]).json();
    assert_eq!(e["completed"], 3);
    let d = &e["departments"];
    assert_eq!(d[0]["department"], "示例科技/销售部");
    assert_eq!(d[0]["median_hours"], 2.0);
    assert_eq!(d[0]["top30"], true);
    assert_eq!(d[1]["department"], "示例科技/研发部");
    assert_eq!(
        (d[1]["percentile"].as_f64(), d[1]["top30"].as_bool()),
        (Some(50.0), Some(false))
    );
    assert!(d[1]["remedy"].as_str().unwrap().contains("training"));
    // A bad row: nothing written, exit 1, the row named.
    std::fs::write(
        &file,
        "审批编号,申请人,提交时间,状态\n9,rep,someday,已通过\n",
    )
    .unwrap();
    let r = orgdesk(&["approvals", "records", "import", s(&ws), s(&file)]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("record_time_invalid"), "{}", r.stdout);
}

#[test]
fn apps_catalogue_plan_and_checks() {
    let (_dir, ws) = approvals_ws();
    let cat = ok(&["apps", "catalogue", "--platform", "feishu", "--json"]).json();
    assert!(cat
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["platform"] == "feishu"));
    ok(&["apps", "add", s(&ws), "approval"]);
    ok(&[
        "apps",
        "add",
        s(&ws),
        "crm",
        "--kind",
        "third_party",
        "--reads",
        "contacts,customers",
    ]);
    // A third-party app for nobody: the check names it, exit 1.
    let r = orgdesk(&["apps", "check", s(&ws), "--json"]);
    assert_eq!(r.code, 1);
    let f = r.json();
    assert!(f
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["code"] == "visible_to_nobody" && x["app"] == "crm"));
    let r = ok(&[
        "apps",
        "visibility",
        s(&ws),
        "crm",
        "--department",
        "示例科技/销售部",
        "--member",
        "dev",
        "--admin",
        "rep",
        "--json",
    ])
    .json();
    assert_eq!(r["audience"], 3);
    assert_eq!(r["admins"][0], "rep");
    let list = ok(&["apps", "list", s(&ws), "--json"]).json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    let r = orgdesk(&["apps", "add", s(&ws), "x", "--kind", "alien"]);
    assert_eq!(r.code, 1);
    ok(&["apps", "remove", s(&ws), "crm"]);
    ok(&["undo", s(&ws)]);
    assert_eq!(
        ok(&["apps", "list", s(&ws), "--json"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn activity_import_and_health_json_shape_and_exit_codes() {
    let dir = TempDir::new().unwrap();
    let ws = dir.path().join("鲜果.orgdesk");
    ok(&["demo", "create", "xianguo-lingshou", s(&ws)]);
    // The demo's own activity: 萧山万象汇店 below 85 %, 周勇 slow to reply.
    let h = ok(&["health", s(&ws), "--json"]).json();
    assert_eq!(h["period"]["to"], "2026-11-29");
    let keys: Vec<&str> = h["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "login_rate",
            "first_reply",
            "approval_speed",
            "customer_funnel",
            "api_error_rate",
            "device_offline"
        ]
    );
    for i in h["indicators"].as_array().unwrap() {
        for field in [
            "value",
            "unit",
            "threshold",
            "status",
            "trend",
            "worst",
            "remedy",
        ] {
            assert!(i.get(field).is_some(), "{} has no {field}", i["key"]);
        }
    }
    let login = &h["indicators"][0];
    assert_eq!(login["unit"], "%");
    assert_eq!(login["threshold"], 85.0);
    assert_eq!(login["worst"][0]["kind"], "department");
    assert_eq!(login["worst"][0]["name"], "鲜果时光/门店/萧山万象汇店");
    assert_eq!(h["indicators"][2]["status"], "no_data");
    // A log with one endpoint at 10 % errors: the indicator says bad, the exit code stays 0.
    let log = dir.path().join("api.csv");
    let mut text = String::from("时间,接口,错误码\n");
    for i in 0..10 {
        text.push_str(&format!(
            "2026-11-29 09:00:0{i},/cgi-bin/user/get,{}\n",
            if i == 0 { 45009 } else { 0 }
        ));
    }
    std::fs::write(&log, text).unwrap();
    let r = ok(&["activity", "import", s(&ws), s(&log), "--json"]).json();
    assert_eq!(
        (r["kind"].as_str(), r["written"].as_f64()),
        (Some("api"), Some(10.0))
    );
    let h = ok(&[
        "health",
        s(&ws),
        "--json",
        "--from",
        "2026-11-23",
        "--to",
        "2026-11-29",
    ])
    .json();
    let api = &h["indicators"][4];
    assert_eq!(
        (api["value"].as_f64(), api["status"].as_str()),
        (Some(10.0), Some("bad"))
    );
    assert_eq!(api["worst"][0]["id"], "/cgi-bin/user/get");
    // A file with an unknown member: exit 1, nothing written; a wrong kind: exit 2.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "账号,日期,是否活跃\nnobody,2026-11-30,是\n").unwrap();
    let r = orgdesk(&["activity", "import", s(&ws), s(&bad)]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("nobody"), "{}", r.stdout);
    let r = orgdesk(&["activity", "import", s(&ws), s(&bad), "--kind", "logins"]);
    assert_eq!(r.code, 2);
    let r = orgdesk(&["health", s(&ws), "--from", "yesterday"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("yesterday"), "{}", r.stderr);
}

#[test]
fn customers_orders_and_rfm_json_shape_and_exit_codes() {
    let dir = TempDir::new().unwrap();
    let ws = dir.path().join("鲜果.orgdesk");
    ok(&["demo", "create", "xianguo-lingshou", s(&ws)]);
    let customers = dir.path().join("customers.csv");
    std::fs::write(
        &customers,
        "客户名称,添加人,添加人账号,标签,手机\n\
         老王,邹金凤,zoujinfeng,地区:西湖,13900000001\n\
         老王,严宇航,yanyuhang,,13900000001\n\
         小李,周勇,zhouyong,,13900000002\n\
         小赵,侯建军,houjianjun,,13900000005\n\
         无主,某人,nobody,,\n",
    )
    .unwrap();
    let errors = dir.path().join("errors.xlsx");
    let r = orgdesk(&[
        "customers",
        "import",
        s(&ws),
        s(&customers),
        "--errors-out",
        s(&errors),
        "--json",
    ]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.json()["problems"][0]["code"], "customer_owner_unknown");
    assert!(errors.exists());
    let r = ok(&[
        "customers",
        "import",
        s(&ws),
        s(&customers),
        "--skip-invalid",
        "--json",
    ])
    .json();
    assert_eq!(
        (r["added"].as_u64(), r["owners_added"].as_u64()),
        (Some(3), Some(4))
    );
    // The frozen 侯建军's customer goes to the head of his store, 方家豪.
    let sheet = dir.path().join("handover.xlsx");
    let plan = ok(&[
        "handover",
        "plan",
        s(&ws),
        "--from",
        "houjianjun",
        "--out",
        s(&sheet),
        "--json",
    ])
    .json();
    assert_eq!(
        (plan["to"].as_str(), plan["chosen_by"].as_str()),
        (Some("fangjiahao"), Some("department_head"))
    );
    assert_eq!(plan["customers"][0]["name"], "小赵");
    assert!(sheet.exists());
    assert_eq!(
        orgdesk(&["handover", "plan", s(&ws), "--from", "zhouyong"]).code,
        1
    );
    ok(&["handover", "apply", s(&ws), "--from", "houjianjun"]);
    let list = ok(&[
        "customers",
        "list",
        s(&ws),
        "--owner",
        "fangjiahao",
        "--json",
    ])
    .json();
    let named = |list: &serde_json::Value, name: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .cloned()
    };
    // The demo's own customers are there too.
    assert!(named(&list, "小赵").is_some());
    let list = ok(&[
        "customers",
        "list",
        s(&ws),
        "--owner",
        "yanyuhang",
        "--json",
    ])
    .json();
    let wang = named(&list, "老王").unwrap();
    assert_eq!(wang["owners"].as_array().unwrap().len(), 2);
    let orders = dir.path().join("orders.csv");
    std::fs::write(
        &orders,
        "订单号,客户手机,下单时间,金额\nA1,13900000001,2026-11-20 10:00,300\nA2,13900000001,2026-11-25 10:00,200\nA3,13900000002,2026-05-01 10:00,20\n",
    )
    .unwrap();
    ok(&["orders", "import", s(&ws), s(&orders)]);
    let r = ok(&["rfm", s(&ws), "--as-of", "2026-11-30", "--json"]).json();
    assert_eq!(r["as_of"], "2026-11-30");
    assert_eq!(r["window_days"], 365);
    for k in ["r", "f", "m"] {
        assert!(r["thresholds"][k].is_number());
    }
    let keys: Vec<&str> = r["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys.len(), 8);
    let wang = r["customers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "老王")
        .unwrap();
    assert_eq!(
        (wang["r"].as_u64(), wang["f"].as_u64(), wang["m"].as_f64()),
        (Some(5), Some(2), Some(500.0))
    );
    // Against the means over the demo's customers too: recent, but few orders and little spent.
    let t = &r["thresholds"];
    assert!(5.0 < t["r"].as_f64().unwrap() && 2.0 < t["f"].as_f64().unwrap());
    assert!(500.0 < t["m"].as_f64().unwrap());
    assert_eq!(wang["segment"], "general_development");
    assert_eq!(
        wang["owners"],
        serde_json::json!(["yanyuhang", "zoujinfeng"])
    );
    // An order for nobody: exit 1, nothing written.
    std::fs::write(&orders, "客户,下单时间,金额\n谁,2026-11-01,10\n").unwrap();
    let r = orgdesk(&["orders", "import", s(&ws), s(&orders), "--json"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.json()["problems"][0]["code"], "unmatched_customer");
    // Tags: list, merge, and a bad layer is a usage error.
    ok(&["tags", "add", s(&ws), "地区", "滨江"]);
    ok(&["tags", "merge", s(&ws), "地区:西湖", "地区:滨江"]);
    let tags = ok(&["tags", s(&ws), "--json"]).json();
    let region = tags
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "地区")
        .unwrap();
    let binjiang = named(&region["tags"], "滨江").unwrap();
    assert_eq!(binjiang["customers"], 1);
    assert!(named(&region["tags"], "西湖").is_none());
    assert_eq!(
        orgdesk(&["tags", "add-group", s(&ws), "X", "--layer", "value"]).code,
        2
    );
    // Welcome messages: the stores' message covers every store member who has customers.
    ok(&[
        "welcome",
        "set",
        s(&ws),
        "--department",
        "鲜果时光/门店",
        "--text",
        "{客户名称}您好，我是{成员姓名}",
    ]);
    let p = ok(&[
        "welcome",
        "preview",
        s(&ws),
        "--member",
        "zoujinfeng",
        "--customer",
        "老王",
        "--json",
    ]);
    assert_eq!(p.json(), "老王您好，我是邹金凤");
    assert_eq!(orgdesk(&["welcome", "check", s(&ws)]).code, 0);
    // Two mass messages by one member on one day break the one-a-day rule.
    for text in ["新品到店", "周末团购"] {
        ok(&[
            "campaigns",
            "add",
            s(&ws),
            "--date",
            "2026-12-01",
            "--sender",
            "zoujinfeng",
            "--text",
            text,
        ]);
    }
    let r = orgdesk(&["campaigns", "check", s(&ws), "--month", "2026-12", "--json"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let codes: Vec<String> = r.json()["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["code"].as_str().unwrap().to_string())
        .collect();
    assert!(codes.contains(&"member_day".to_string()), "{codes:?}");
    let ours = r.json()["violations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["code"] == "member_day" && v["period"] == "2026-12-01");
    assert!(ours, "{}", r.stdout);
}
