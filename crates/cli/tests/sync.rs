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
        .env("ORGDESK_DINGTALK_API", api)
        .env("ORGDESK_FEISHU_API", api)
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

/// `orgdesk args` started and left running (to be killed), pointed at the fake `api`.
fn in_background(api: &str, args: &[&str]) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("orgdesk"))
        .env("ORGDESK_WECOM_API", api)
        .env("ORGDESK_DINGTALK_API", api)
        .env("ORGDESK_FEISHU_API", api)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
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

/// A workspace connected to `fake` with `roster` imported and pulled.
fn connected(api: &str, dir: &TempDir, platform: &str, roster: &str) -> String {
    let ws = dir.path().join("c.orgdesk");
    let w = ws.to_str().unwrap().to_string();
    let ok = |args: &[&str], stdin: &str| {
        let r = orgdesk(api, args, stdin);
        assert_eq!(r.code, 0, "{args:?}: {}{}", r.stdout, r.stderr);
    };
    ok(&["init", &w, "--name", "鲜果", "--platform", platform], "");
    let file = dir.path().join("r.csv");
    std::fs::write(&file, roster).unwrap();
    ok(&["import", "members", &w, file.to_str().unwrap()], "");
    let connect = [
        "connect",
        &w,
        "--platform",
        platform,
        "--id",
        "ww42",
        "--secret-stdin",
    ];
    ok(&connect, SECRET);
    ok(&["pull", &w], "");
    w
}

fn writes(fake: &Fake) -> Vec<String> {
    fake.with(|d| {
        d.calls
            .iter()
            .map(|(p, _)| p.clone())
            .filter(|p| {
                ["create", "update", "delete"]
                    .iter()
                    .any(|w| p.ends_with(w))
            })
            .collect()
    })
}

#[test]
fn apply_runs_the_saved_plan_only_while_the_live_rows_are_as_pulled_and_leaves_nothing_to_plan() {
    for platform in ["wecom", "dingtalk", "feishu"] {
        apply_end_to_end(platform);
    }
}

/// A plan with every kind of operation (a rename, new departments, a member's position and
/// leader flag, new members, a delete) applied to `platform`'s fake.
fn apply_end_to_end(platform: &str) {
    let fake = Fake::start(Directory {
        corp_id: "ww42".into(),
        secret: SECRET.into(),
        departments: vec![
            json!({ "id": 1, "name": "鲜果", "parentid": 0, "order": 1 }),
            json!({ "id": 2, "name": "门店部", "parentid": 1, "order": 1 }),
        ],
        users: vec![
            json!({ "userid": "zhangsan", "name": "张三", "department": [2], "mobile": "13800000001", "position": "店员", "status": 1 }),
            json!({ "userid": "ghost", "name": "赵六", "department": [2], "mobile": "13900000009", "status": 1 }),
        ],
        ..Default::default()
    });
    let api = fake.url.as_str();
    let dir = TempDir::new().unwrap();
    let w = connected(
        api,
        &dir,
        platform,
        "姓名,账号,手机,部门,职务,是否部门负责人\n张三,zhangsan,13800000001,鲜果/门店,店长,是\n李四,lisi,13800000002,鲜果/门店/一店,,否\n王五,wangwu,13800000003,鲜果/仓库,,否\n",
    );
    let plan = json(&orgdesk(
        api,
        &["plan", &w, "--allow-deletes", "1", "--json"],
        "",
    ));
    let id = plan["id"].as_str().unwrap().to_string();
    let count = plan["operations"].as_array().unwrap().len();
    assert_eq!(count, 7, "{plan}");

    // An unknown plan, a plan whose deletes are not accepted: clear errors, nothing called.
    let r = orgdesk(api, &["apply", &w, "nope", "--json"], "");
    assert_eq!(
        (r.code, json(&r)["error"]["code"].as_str()),
        (1, Some("plan_not_found"))
    );
    let r = orgdesk(api, &["apply", &w, &id, "--json"], "");
    assert_eq!(
        (r.code, json(&r)["error"]["code"].as_str()),
        (1, Some("plan_blocked"))
    );
    // A dry run checks against a fresh read and lists the operations; it writes nothing.
    let r = orgdesk(
        api,
        &[
            "apply",
            &w,
            &id,
            "--allow-deletes",
            "1",
            "--dry-run",
            "--json",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(json(&r)["remaining"], count);
    let text = orgdesk(
        api,
        &["apply", &w, &id, "--allow-deletes", "1", "--dry-run"],
        "",
    );
    assert!(
        text.stdout.contains(&id) && text.stdout.contains("delete_member      ghost"),
        "{}",
        text.stdout
    );
    // Someone renamed the member to delete on the platform meanwhile: nothing is applied.
    fake.with(|d| d.users[1]["name"] = json!("赵六六"));
    let r = orgdesk(
        api,
        &["apply", &w, &id, "--allow-deletes", "1", "--json"],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(json(&r)["error"]["code"], "live_changed");
    assert!(json(&r)["error"]["message"]
        .as_str()
        .unwrap()
        .contains("ghost"));
    assert_eq!(writes(&fake), Vec::<String>::new());
    fake.with(|d| d.users[1]["name"] = json!("赵六"));
    // The token expires and the platform says "too frequent" twice on the way: both got over.
    fake.with(|d| {
        d.expire_next = true;
        d.throttle_next = 2;
    });

    let r = orgdesk(
        api,
        &["apply", &w, &id, "--allow-deletes", "1", "--json"],
        "",
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let report = json(&r);
    assert_eq!(
        (report["done"].as_u64(), report["left_after"].as_u64()),
        (Some(7), Some(0))
    );
    assert!(report["journal"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["status"] == "done"));
    // The platform's own API was read (each flavour of the fake logs its own reads).
    let read = match platform {
        "wecom" => "department/list",
        "dingtalk" => "department/listsub",
        _ => "department/children",
    };
    assert!(
        fake.with(|d| d.calls.iter().any(|(p, _)| p == read)),
        "{platform}"
    );
    // WeCom takes each operation in one call (DingTalk and Feishu write leaders on the
    // department, so one more there).
    if platform == "wecom" {
        assert_eq!(
            writes(&fake),
            [
                "department/update",
                "department/create",
                "department/create",
                "user/update",
                "user/create",
                "user/create",
                "user/delete"
            ]
        );
    }
    // The platform now holds the plan: 一店 under the renamed 门店, 李四 in it.
    let (yidian, lisi) = fake.with(|d| {
        let yidian = d
            .departments
            .iter()
            .find(|x| x["name"] == "一店")
            .cloned()
            .unwrap();
        let lisi = d
            .users
            .iter()
            .find(|u| u["userid"] == "lisi")
            .cloned()
            .unwrap();
        assert_eq!(
            d.departments.iter().find(|x| x["id"] == 2).unwrap()["name"],
            "门店"
        );
        assert!(d.users.iter().all(|u| u["userid"] != "ghost"));
        assert_eq!(
            d.users.iter().find(|u| u["userid"] == "zhangsan").unwrap()["position"],
            "店长"
        );
        let zhang = d.users.iter().find(|u| u["userid"] == "zhangsan").unwrap();
        assert_eq!(
            (&zhang["department"], &zhang["is_leader_in_dept"]),
            (&json!([2]), &json!([1])),
            "{platform}: 张三 should lead 门店"
        );
        (yidian, lisi)
    });
    assert_eq!(yidian["parentid"], 2);
    assert_eq!(lisi["department"], json!([yidian["id"]]));
    // Each operation is an audit entry from the platform.
    let log = json(&orgdesk(api, &["log", &w, "--json"], ""));
    let applied = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "sync_apply" && e["source"] == "platform")
        .count();
    assert_eq!(applied, count);
    // Applying it again repeats nothing; the next plan is empty.
    let again = json(&orgdesk(api, &["apply", &w, &id, "--json"], ""));
    assert_eq!(
        (again["done"].as_u64(), again["already_done"].as_u64()),
        (Some(0), Some(7))
    );
    let next = json(&orgdesk(api, &["plan", &w, "--json"], ""));
    assert_eq!(next["operations"], json!([]));
    assert!(
        !holds_secret(dir.path()),
        "the secret is in a workspace file"
    );
}

#[test]
fn a_failed_or_killed_apply_resumes_without_repeating_or_duplicating_anything() {
    for platform in ["wecom", "dingtalk", "feishu"] {
        resume_after_failure_and_kill(platform);
    }
}

fn resume_after_failure_and_kill(platform: &str) {
    let fake = Fake::start(Directory {
        corp_id: "ww42".into(),
        secret: SECRET.into(),
        departments: vec![json!({ "id": 1, "name": "鲜果", "parentid": 0, "order": 1 })],
        ..Default::default()
    });
    let api = fake.url.as_str();
    let dir = TempDir::new().unwrap();
    let w = connected(
        api,
        &dir,
        platform,
        "姓名,账号,手机,部门\n甲,jia,13800000011,鲜果/甲组\n乙,yi,13800000012,鲜果/乙组\n",
    );
    let id = json(&orgdesk(api, &["plan", &w, "--json"], ""))["id"]
        .as_str()
        .unwrap()
        .to_string();

    // The platform refuses the first member: the run stops there, the journal says so.
    fake.with(|d| d.refuse_next.push(("user/create".into(), 60104)));
    let r = orgdesk(api, &["apply", &w, &id, "--json"], "");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let report = json(&r);
    assert_eq!(
        (report["done"].as_u64(), report["remaining"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(report["failed"]["target"], "jia");
    assert_eq!(report["failed"]["errcode"], 60104);
    let statuses: Vec<&str> = report["journal"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["done", "done", "failed", "queued"]);

    // Resumed, the member is created but its answer is lost, and the run is killed (-9).
    fake.with(|d| d.hang_on = Some("user/create".into()));
    let mut child = in_background(api, &["apply", &w, &id, "--resume"]);
    let started = std::time::Instant::now();
    while fake.with(|d| d.users.is_empty()) {
        assert!(
            started.elapsed().as_secs() < 60,
            "the resumed run never created jia"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    fake.with(|d| d.hang_on = None);

    // Started before: a plain apply refuses, --resume goes on.
    let r = orgdesk(api, &["apply", &w, &id, "--json"], "");
    assert_eq!(
        (r.code, json(&r)["error"]["key"].as_str()),
        (1, Some("plan_running"))
    );
    let r = orgdesk(api, &["apply", &w, &id, "--resume", "--json"], "");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let report = json(&r);
    assert_eq!(
        (
            report["done"].as_u64(),
            report["already_done"].as_u64(),
            report["left_after"].as_u64()
        ),
        (Some(2), Some(2), Some(0))
    );
    let users: Vec<String> = fake.with(|d| {
        d.users
            .iter()
            .map(|u| u["userid"].as_str().unwrap().to_string())
            .collect()
    });
    assert_eq!(
        users,
        ["jia", "yi"],
        "a member was created twice or not at all"
    );
    // The departments were created once each, before the failure.
    assert_eq!(
        writes(&fake)
            .iter()
            .filter(|p| *p == "department/create")
            .count(),
        2
    );
}

#[test]
fn apply_killed_at_random_points_twenty_times_resumes_to_the_plan_without_duplicates() {
    let fake = Fake::start(Directory {
        corp_id: "ww42".into(),
        secret: SECRET.into(),
        departments: vec![
            json!({ "id": 1, "name": "鲜果", "parentid": 0, "order": 1 }),
            json!({ "id": 2, "name": "旧部门", "parentid": 1, "order": 2 }),
        ],
        users: vec![
            json!({ "userid": "m00", "name": "旧名", "department": [1], "mobile": "13800001000", "status": 1 }),
            json!({ "userid": "ghost", "name": "赵六", "department": [2], "mobile": "13900000009", "status": 1 }),
        ],
        // A slow platform, so that the kills land all through the run.
        delay: std::time::Duration::from_millis(15),
        ..Default::default()
    });
    let api = fake.url.as_str();
    let dir = TempDir::new().unwrap();
    let groups = [
        "鲜果/一店",
        "鲜果/一店/早班",
        "鲜果/二店",
        "鲜果/二店/晚班",
        "鲜果/仓储",
    ];
    let mut roster = String::from("姓名,账号,手机,部门\n");
    for i in 0..24 {
        let dept = if i == 0 {
            "鲜果"
        } else {
            groups[i % groups.len()]
        };
        roster.push_str(&format!("成员{i},m{i:02},138000010{i:02},{dept}\n"));
    }
    let w = connected(api, &dir, "wecom", &roster);
    let plan = json(&orgdesk(
        api,
        &["plan", &w, "--allow-deletes", "2", "--json"],
        "",
    ));
    let id = plan["id"].as_str().unwrap().to_string();
    let ops = plan["operations"].as_array().unwrap().len();
    // 5 departments and 23 members to create, m00 renamed, ghost and 旧部门 deleted.
    assert_eq!(ops, 5 + 23 + 1 + 2, "{plan}");

    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    println!("seed {seed}");
    let run_ms = (ops as u64) * 40;
    for _ in 0..20 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut child = in_background(api, &["apply", &w, &id, "--allow-deletes", "2", "--resume"]);
        std::thread::sleep(std::time::Duration::from_millis(seed % run_ms));
        let _ = child.kill();
        child.wait().unwrap();
    }
    let r = orgdesk(
        api,
        &[
            "apply",
            &w,
            &id,
            "--allow-deletes",
            "2",
            "--resume",
            "--json",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let report = json(&r);
    assert_eq!(report["remaining"], 0, "{report}");
    assert_eq!(report["left_after"], 0, "{report}");
    // Each department and member was created exactly once (a create retried after its answer
    // was lost was answered "already exists"), and the platform holds the plan.
    let created = |endpoint: &str| {
        fake.with(|d| {
            d.calls
                .iter()
                .filter(|(p, code)| p == endpoint && *code == 0)
                .count()
        })
    };
    assert_eq!(
        (created("department/create"), created("user/create")),
        (5, 23)
    );
    let retried = fake.with(|d| {
        d.calls
            .iter()
            .filter(|(_, code)| [60008, 60102].contains(code))
            .count()
    });
    println!("creates answered \"already exists\" after a kill: {retried}");
    fake.with(|d| {
        let mut ids: Vec<&str> = d
            .users
            .iter()
            .map(|u| u["userid"].as_str().unwrap())
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 24);
        assert!(d.users.iter().all(|u| u["userid"] != "ghost"));
        assert!(d.departments.iter().all(|x| x["name"] != "旧部门"));
        let m00 = d.users.iter().find(|u| u["userid"] == "m00").unwrap();
        assert_eq!(m00["name"], "成员0");
    });
    let next = json(&orgdesk(api, &["plan", &w, "--json"], ""));
    assert_eq!(next["operations"], json!([]));
}

#[test]
fn the_fruit_chain_demo_applied_to_each_platform_leaves_nothing_to_plan() {
    for (platform, id) in [
        ("wecom", "ww42"),
        ("dingtalk", "ding42"),
        ("feishu", "cli_42"),
    ] {
        // The platform has two departments out of the demo's order and one member of it.
        let fake = Fake::start(Directory {
            corp_id: id.into(),
            secret: SECRET.into(),
            departments: vec![
                json!({ "id": 1, "name": "鲜果时光", "parentid": 0, "order": 3 }),
                json!({ "id": 2, "name": "门店运营部", "parentid": 1, "order": 2 }),
                json!({ "id": 3, "name": "财务部", "parentid": 1, "order": 1 }),
            ],
            users: vec![
                json!({ "userid": "zhouyong", "name": "周勇", "department": [2], "is_leader_in_dept": [1],
                        "mobile": "14100010025", "status": 1 }),
            ],
            ..Default::default()
        });
        let api = fake.url.as_str();
        let dir = TempDir::new().unwrap();
        let w = dir.path().join("d.orgdesk").to_str().unwrap().to_string();
        let ok = |args: &[&str], stdin: &str| {
            let r = orgdesk(api, args, stdin);
            assert_eq!(r.code, 0, "{platform} {args:?}: {}{}", r.stdout, r.stderr);
            r
        };
        ok(&["demo", "create", "xianguo-lingshou", &w], "");
        let connect = [
            "connect",
            &w,
            "--platform",
            platform,
            "--id",
            id,
            "--secret-stdin",
        ];
        ok(&connect, SECRET);
        ok(&["pull", &w], "");
        let plan = json(&ok(&["plan", &w, "--allow-deletes", "1", "--json"], ""));
        let id = plan["id"].as_str().unwrap();
        let r = json(&ok(
            &["apply", &w, id, "--allow-deletes", "1", "--json"],
            "",
        ));
        assert_eq!(r["left_after"], 0, "{platform}: {r}");
        assert_eq!(r["done"], plan["operations"].as_array().unwrap().len());
    }
}
