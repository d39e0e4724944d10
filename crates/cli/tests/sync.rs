//! `orgdesk connect / connection / pull / plan / disconnect` against the local fake of WeCom's
//! API, with the secret in the real OS keyring (a private D-Bus session with gnome-keyring: see
//! scripts/test.sh). The secret never shows in any output, the workspace file or the audit log.

use assert_cmd::Command;
use orgdesk_platform::fake::{Directory, Fake};
use serde_json::{json, Value};
use std::path::Path;
use tempfile::TempDir;

const SECRET: &str = "cli-s3cr3t-1234567890-abcdef";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn orgdesk(api: &str, args: &[&str], stdin: &str) -> Run {
    let out = Command::cargo_bin("orgdesk")
        .unwrap()
        .env("LANG", "C.UTF-8")
        .env_remove("ORGDESK_LANG")
        .env("ORGDESK_WECOM_API", api)
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    let run = Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    assert!(
        !run.stdout.contains(SECRET) && !run.stderr.contains(SECRET),
        "{args:?} printed the secret"
    );
    run
}

fn json(r: &Run) -> Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

fn holds_secret(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().flatten().any(|f| {
        let bytes = std::fs::read(f.path()).unwrap_or_default();
        bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes())
    })
}

#[test]
fn connect_pull_plan_and_disconnect_keep_the_secret_in_the_keyring_only() {
    let fake = Fake::start(Directory {
        corp_id: "ww42".into(),
        secret: SECRET.into(),
        departments: vec![
            json!({ "id": 1, "name": "鲜果", "parentid": 0, "order": 1 }),
            json!({ "id": 2, "name": "门店部", "parentid": 1, "order": 1 }),
        ],
        users: vec![
            json!({ "userid": "zhangsan", "name": "张三", "department": [2], "mobile": "+86 13800000001", "status": 1 }),
            json!({ "userid": "ghost", "name": "赵六", "department": [2], "mobile": "13900000009", "status": 1 }),
        ],
        ..Default::default()
    });
    let api = fake.url.as_str();
    let dir = TempDir::new().unwrap();
    let ws = dir.path().join("c.orgdesk");
    let w = ws.to_str().unwrap();
    assert_eq!(
        orgdesk(
            api,
            &["init", w, "--name", "鲜果", "--platform", "wecom"],
            ""
        )
        .code,
        0
    );
    let roster = dir.path().join("r.csv");
    std::fs::write(&roster, "姓名,账号,手机,部门\n张三,zhangsan,13800000001,鲜果/门店\n李四,lisi,13800000002,鲜果/门店\n").unwrap();
    assert_eq!(
        orgdesk(api, &["import", "members", w, roster.to_str().unwrap()], "").code,
        0
    );

    // Before connecting: nothing to pull from, a clear error (exit 2).
    let r = orgdesk(api, &["pull", w, "--json"], "");
    assert_eq!(r.code, 2);
    assert_eq!(json(&r)["error"]["code"], "not_connected");
    // The secret only on standard input.
    let r = orgdesk(
        api,
        &["connect", w, "--platform", "wecom", "--id", "ww42"],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let r = orgdesk(
        api,
        &[
            "connect",
            w,
            "--platform",
            "wecom",
            "--id",
            "ww42",
            "--secret-stdin",
            "--json",
        ],
        SECRET,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c = json(&r);
    assert_eq!(
        (c["platform"].as_str(), c["client_id"].as_str()),
        (Some("wecom"), Some("ww42"))
    );
    let c = json(&orgdesk(api, &["connection", w, "--json"], ""));
    assert_eq!(c["client_id"], "ww42");

    let r = orgdesk(api, &["pull", w, "--json"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let p = json(&r);
    assert_eq!(
        (p["departments"].as_u64(), p["members"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(p["withheld"], json!(["email"]));

    // 门店部 is the workspace's 门店 renamed; 李四 is missing; ghost is not planned.
    let r = orgdesk(api, &["plan", w, "--allow-deletes", "1", "--json"], "");
    assert_eq!(r.code, 0, "{}", r.stdout);
    let plan = json(&r);
    let ops: Vec<(String, String)> = plan["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["op"].as_str().unwrap().into(),
                o["target"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            ("update_department", "鲜果/门店"),
            ("create_member", "lisi"),
            ("delete_member", "ghost")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    for key in ["id", "platform", "pulled_at", "summary", "blocked"] {
        assert!(plan.get(key).is_some(), "{key} missing");
    }
    assert_eq!(
        plan["operations"][0]["fields"]["name"],
        json!({ "from": "门店部", "to": "门店" })
    );
    // Without accepting the delete, one of two members is over 20 %: blocked, exit 1.
    let r = orgdesk(api, &["plan", w, "--json"], "");
    assert_eq!(r.code, 1);
    assert_eq!(json(&r)["blocked"][0]["code"], "too_many_deletes");
    // The audit log names the connection, never the secret.
    let log = orgdesk(api, &["log", w, "--json"], "");
    assert!(log.stdout.contains("connect"));

    assert_eq!(orgdesk(api, &["disconnect", w], "").code, 0);
    assert_eq!(
        json(&orgdesk(api, &["connection", w, "--json"], "")),
        Value::Null
    );
    assert!(
        !holds_secret(dir.path()),
        "the secret is in a workspace file"
    );
}
