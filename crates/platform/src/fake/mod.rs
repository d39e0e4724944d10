//! Local fakes of the three platforms' contacts APIs as documented, for tests: one directory
//! with the platforms' rules (unique accounts and mobiles, unique names among siblings, only
//! empty departments deleted), served in WeCom's spelling under `/cgi-bin` ([`wecom`]),
//! DingTalk's under `/gettoken` and `/topapi` ([`dingtalk`]) and Feishu's under `/open-apis`
//! ([`feishu`]). Each checks the id and secret, issues tokens, and can answer the next calls
//! with an expired token, "too frequent" (in the platform's own code; Feishu with HTTP 429 and
//! `x-ogw-ratelimit-reset`), a chosen refusal, or not at all (a lost answer).

mod dingtalk;
mod feishu;
mod wecom;

use axum::Router;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What the fake platform holds and how it should misbehave next. The directory is kept in
/// WeCom's shape whichever platform it is served as.
#[derive(Default)]
pub struct Directory {
    /// The id the token call must give (WeCom corp id, DingTalk app key, Feishu app id).
    pub corp_id: String,
    pub secret: String,
    /// `{id, name, parentid, order}`; the root is id 1.
    pub departments: Vec<Value>,
    /// `{userid, name, department: [..], is_leader_in_dept: [..], mobile, email, position,
    /// main_department, status}`, and `admin: "creator" | "super_admin"` for the platform's
    /// admins (which DingTalk and Feishu tell, WeCom does not).
    pub users: Vec<Value>,
    /// The next call with a token answers that the token expired.
    pub expire_next: bool,
    /// The next so many calls answer "too frequent".
    pub throttle_next: u32,
    /// Seconds Feishu's "too frequent" asks to wait (`x-ogw-ratelimit-reset`).
    pub reset_seconds: u32,
    /// The next call to the endpoint refuses with the code (`("user/create", 60104)`).
    pub refuse_next: Vec<(String, i64)>,
    /// A call to this endpoint is carried out and then never answered (the answer is lost, as
    /// when the network goes or the caller is killed).
    pub hang_on: Option<String>,
    /// How long each call with a token takes to answer (a slow platform, for tests that kill a
    /// run part way).
    pub delay: std::time::Duration,
    /// Every call's endpoint and code, in the order the fake carried them out (answered or not).
    pub calls: Vec<(String, i64)>,
    /// Tokens issued and still valid.
    pub tokens: Vec<String>,
}

type Shared = Arc<Mutex<Directory>>;

fn lock(s: &Shared) -> std::sync::MutexGuard<'_, Directory> {
    s.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a call answers: what a success adds to the platform's envelope, or a refusal.
pub(crate) type Answer = Result<Value, (i64, String)>;

fn refuse(code: i64, msg: &str) -> Answer {
    Err((code, msg.to_string()))
}

/// How a platform spells the gate's refusals.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Flavor {
    WeCom,
    DingTalk,
    Feishu,
}

impl Flavor {
    fn too_frequent(self) -> i64 {
        match self {
            Flavor::WeCom => 45009,
            Flavor::DingTalk => 90018,
            Flavor::Feishu => 99991400,
        }
    }
    fn bad_token(self) -> i64 {
        match self {
            Flavor::Feishu => 99991663,
            _ => 40014,
        }
    }
    fn expired(self) -> i64 {
        match self {
            Flavor::Feishu => 99991663,
            _ => 42001,
        }
    }
}

/// Issues a token when the id and secret are right.
fn issue(d: &mut Directory, id: Option<&String>, secret: Option<&String>) -> Answer {
    if id != Some(&d.corp_id) {
        return refuse(40013, "invalid id");
    }
    if secret != Some(&d.secret) {
        return refuse(40001, "invalid credential");
    }
    let token = format!("token-{}", d.tokens.len() + d.calls.len());
    d.tokens.push(token.clone());
    Ok(json!({ "token": token }))
}

/// One call with a token: the misbehaviour asked for and the token checked, then `f`; the
/// answer is recorded, or withheld for ever when the fake was told to lose it.
async fn serve(
    s: &Shared,
    flavor: Flavor,
    endpoint: &str,
    token: &str,
    f: impl FnOnce(&mut Directory) -> Answer,
) -> Answer {
    let (answer, hang) = {
        let mut d = lock(s);
        let answer = if let Some(i) = d.refuse_next.iter().position(|(p, _)| p == endpoint) {
            let (_, code) = d.refuse_next.remove(i);
            refuse(code, "refused as asked")
        } else if d.throttle_next > 0 {
            d.throttle_next -= 1;
            refuse(flavor.too_frequent(), "request trigger frequency limit")
        } else if !d.tokens.iter().any(|t| t == token) {
            refuse(flavor.bad_token(), "invalid access token")
        } else if d.expire_next {
            d.expire_next = false;
            d.tokens.clear();
            refuse(flavor.expired(), "access token expired")
        } else {
            f(&mut d)
        };
        let hang = answer.is_ok() && d.hang_on.as_deref() == Some(endpoint);
        (answer, hang)
    };
    // Logged as the platform did it, whether or not the answer reaches the caller.
    record(s, endpoint, &answer);
    if hang {
        std::future::pending::<()>().await;
    }
    let delay = lock(s).delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    answer
}

fn record(s: &Shared, endpoint: &str, answer: &Answer) {
    let code = answer.as_ref().err().map_or(0, |(c, _)| *c);
    lock(s).calls.push((endpoint.to_string(), code));
}

/// The members of department `id`.
fn members_of(d: &Directory, id: i64) -> Vec<Value> {
    d.users
        .iter()
        .filter(|u| {
            u["department"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x.as_i64() == Some(id)))
        })
        .cloned()
        .collect()
}

/// Whether `u` leads department `id`.
fn leads(u: &Value, id: i64) -> bool {
    let departments = u["department"].as_array().cloned().unwrap_or_default();
    let flags = u["is_leader_in_dept"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    departments
        .iter()
        .zip(flags.iter())
        .any(|(d, l)| d.as_i64() == Some(id) && l.as_i64() == Some(1))
}

/// Makes exactly `leaders` the leaders of department `id`.
fn set_leaders(d: &mut Directory, id: i64, leaders: &[String]) {
    for u in &mut d.users {
        let departments = u["department"].as_array().cloned().unwrap_or_default();
        let mine = leaders.iter().any(|l| same_user(u, l));
        let mut flags: Vec<i64> = departments
            .iter()
            .enumerate()
            .map(|(i, _)| u["is_leader_in_dept"][i].as_i64().unwrap_or(0))
            .collect();
        for (i, x) in departments.iter().enumerate() {
            if x.as_i64() == Some(id) {
                flags[i] = i64::from(mine);
            }
        }
        u["is_leader_in_dept"] = json!(flags);
    }
}

pub(crate) fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or(0)
}

pub(crate) fn same_user(u: &Value, userid: &str) -> bool {
    u["userid"]
        .as_str()
        .is_some_and(|x| x.eq_ignore_ascii_case(userid))
}

/// Carries out one write as WeCom would (the other flavours translate to it): what the answer
/// adds to a success, or the refusal. `q` holds the id of a delete.
pub(crate) fn write(
    d: &mut Directory,
    path: &str,
    q: &HashMap<String, String>,
    body: &Value,
) -> Answer {
    let ok = || Ok(json!({}));
    let has_department = |d: &Directory, id: i64| d.departments.iter().any(|x| id_of(x) == id);
    match path {
        "department/create" => {
            let name = body["name"].as_str().unwrap_or("").to_string();
            let parent = body["parentid"].as_i64().unwrap_or(0);
            if name.is_empty() || name.chars().count() > 64 {
                return refuse(60001, "department name length invalid");
            }
            if !has_department(d, parent) {
                return refuse(60004, "parent department not found");
            }
            if d.departments
                .iter()
                .any(|x| x["parentid"].as_i64() == Some(parent) && x["name"] == name.as_str())
            {
                return refuse(60008, "department name already exists");
            }
            let id = d.departments.iter().map(id_of).max().unwrap_or(0) + 1;
            let order = body["order"].as_i64().unwrap_or(0);
            d.departments
                .push(json!({ "id": id, "name": name, "parentid": parent, "order": order }));
            Ok(json!({ "id": id }))
        }
        "department/update" => {
            let id = body["id"].as_i64().unwrap_or(0);
            if let Some(p) = body["parentid"].as_i64() {
                if !has_department(d, p) {
                    return refuse(60004, "parent department not found");
                }
            }
            let Some(x) = d.departments.iter_mut().find(|x| id_of(x) == id) else {
                return refuse(60123, "invalid department id");
            };
            for k in ["name", "parentid", "order"] {
                if !body[k].is_null() {
                    x[k] = body[k].clone();
                }
            }
            ok()
        }
        "department/delete" => {
            let id: i64 = q.get("id").and_then(|v| v.parse().ok()).unwrap_or(0);
            if !has_department(d, id) {
                return refuse(60123, "invalid department id");
            }
            if d.departments
                .iter()
                .any(|x| x["parentid"].as_i64() == Some(id))
            {
                return refuse(60006, "department contains sub-departments");
            }
            if d.users.iter().any(|u| {
                u["department"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|x| x.as_i64() == Some(id)))
            }) {
                return refuse(60005, "department contains members");
            }
            d.departments.retain(|x| id_of(x) != id);
            ok()
        }
        "user/create" => {
            let userid = body["userid"].as_str().unwrap_or("").to_string();
            if userid.is_empty() || body["name"].as_str().unwrap_or("").is_empty() {
                return refuse(40003, "invalid userid or name");
            }
            if d.users.iter().any(|u| same_user(u, &userid)) {
                return refuse(60102, "userid existed");
            }
            if let Some(m) = body["mobile"].as_str().filter(|m| !m.is_empty()) {
                if d.users.iter().any(|u| u["mobile"] == m) {
                    return refuse(60104, "mobile existed");
                }
            }
            let departments = body["department"].as_array().cloned().unwrap_or_default();
            if departments
                .iter()
                .any(|x| !has_department(d, x.as_i64().unwrap_or(0)))
            {
                return refuse(60003, "department not found");
            }
            let mut user = body.clone();
            user["status"] = json!(4);
            d.users.push(user);
            ok()
        }
        "user/update" => {
            let userid = body["userid"].as_str().unwrap_or("").to_string();
            let Some(i) = d.users.iter().position(|u| same_user(u, &userid)) else {
                return refuse(60111, "userid not found");
            };
            if let Some(new) = body["new_userid"].as_str() {
                if d.users.iter().any(|u| same_user(u, new)) {
                    return refuse(60102, "userid existed");
                }
            }
            let user = &mut d.users[i];
            for (k, v) in body.as_object().into_iter().flatten() {
                match k.as_str() {
                    "userid" => {}
                    "new_userid" => user["userid"] = v.clone(),
                    _ => user[k.as_str()] = v.clone(),
                }
            }
            ok()
        }
        "user/delete" => {
            let userid = q.get("userid").cloned().unwrap_or_default();
            let before = d.users.len();
            d.users.retain(|u| !same_user(u, &userid));
            if d.users.len() == before {
                return refuse(60111, "userid not found");
            }
            ok()
        }
        _ => refuse(404, "unknown path"),
    }
}

/// A running fake: its base URL (for `ORGDESK_WECOM_API`, `ORGDESK_DINGTALK_API` and
/// `ORGDESK_FEISHU_API` alike) and its state.
pub struct Fake {
    pub url: String,
    pub directory: Shared,
    _thread: std::thread::JoinHandle<()>,
}

impl Fake {
    /// Serves `directory` on a free localhost port from a thread of its own (so a test or a
    /// CLI under test may block meanwhile); it stops with the process.
    pub fn start(directory: Directory) -> Fake {
        let shared: Shared = Arc::new(Mutex::new(directory));
        let state = shared.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for the fake platform");
            rt.block_on(async move {
                let app = Router::new()
                    .merge(wecom::routes())
                    .merge(dingtalk::routes())
                    .merge(feishu::routes())
                    .with_state(state);
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("a localhost port");
                let _ = tx.send(listener.local_addr().expect("an address"));
                let _ = axum::serve(listener, app).await;
            });
        });
        let addr = rx.recv().expect("the fake platform started");
        Fake {
            url: format!("http://{addr}"),
            directory: shared,
            _thread: thread,
        }
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut Directory) -> T) -> T {
        f(&mut lock(&self.directory))
    }
}
