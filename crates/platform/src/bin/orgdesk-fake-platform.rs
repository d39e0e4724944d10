//! `orgdesk-fake-platform [wecom|dingtalk|feishu]`: the local fake of the platform's contacts
//! API, for demos and trying the Sync page by hand (`scripts/fake-platform.sh`). Prints the
//! variable that points OrgDesk at it and a test id and secret, then serves until stopped.

use orgdesk_platform::fake::{Directory, Fake};
use serde_json::json;

const SECRET: &str = "orgdesk-demo-secret";

fn main() {
    let platform = std::env::args().nth(1).unwrap_or_else(|| "wecom".into());
    let (var, id) = match platform.as_str() {
        "wecom" => ("ORGDESK_WECOM_API", "ww-orgdesk-demo"),
        "dingtalk" => ("ORGDESK_DINGTALK_API", "ding-orgdesk-demo"),
        "feishu" => ("ORGDESK_FEISHU_API", "cli_orgdesk_demo"),
        other => {
            eprintln!("error: unknown platform {other:?}: use wecom, dingtalk or feishu");
            std::process::exit(2);
        }
    };
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
                    "mobile": "14100010025", "position": "店长", "status": 1, "admin": "creator" }),
            json!({ "userid": "lina", "name": "李娜", "department": [3], "is_leader_in_dept": [0],
                    "mobile": "14100019999", "position": "会计", "status": 1 }),
        ],
        ..Default::default()
    });
    println!("export {var}={}", fake.url);
    println!("{platform} id: {id}");
    println!("secret: {SECRET}");
    println!("(serving until stopped: Ctrl+C)");
    loop {
        std::thread::park();
    }
}
