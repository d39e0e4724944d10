//! A local fake of WeCom's contacts API as documented (gettoken; department list, create,
//! update, delete; user list, create, update, delete), for tests: it checks the corp id and
//! secret, issues tokens, keeps the directory's rules (unique accounts and mobiles, sibling
//! names, only empty departments deleted), and can answer the next calls with an expired token
//! (42001), "too frequent" (45009), a chosen refusal, or not at all (a lost answer).

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What the fake platform holds and how it should misbehave next.
#[derive(Default)]
pub struct Directory {
    pub corp_id: String,
    pub secret: String,
    /// As `department/list` returns them: `{id, name, parentid, order}`.
    pub departments: Vec<Value>,
    /// As `user/list` returns them: `{userid, name, department: [..], mobile, …}`.
    pub users: Vec<Value>,
    /// The next call with a token answers 42001 (the token expired).
    pub expire_next: bool,
    /// The next so many calls answer 45009 (too frequent).
    pub throttle_next: u32,
    /// The next call to the path refuses with the code (`("user/create", 60104)`).
    pub refuse_next: Vec<(String, i64)>,
    /// A call to this path is carried out and then never answered (the answer is lost, as
    /// when the network goes or the caller is killed).
    pub hang_on: Option<String>,
    /// Every call's path and errcode, in order.
    pub calls: Vec<(String, i64)>,
    /// Tokens issued and still valid.
    pub tokens: Vec<String>,
}

type Shared = Arc<Mutex<Directory>>;

fn lock(s: &Shared) -> std::sync::MutexGuard<'_, Directory> {
    s.lock().unwrap_or_else(|e| e.into_inner())
}

fn answer(s: &Shared, path: &str, body: Value) -> Json<Value> {
    let code = body["errcode"].as_i64().unwrap_or(0);
    lock(s).calls.push((path.to_string(), code));
    Json(body)
}

fn refuse(code: i64, msg: &str) -> Value {
    json!({ "errcode": code, "errmsg": msg })
}

/// Checks the token and the misbehaviour asked for: None when the call may go on.
fn gate(d: &mut Directory, q: &HashMap<String, String>) -> Option<Value> {
    gate_for(d, q, "")
}

fn gate_for(d: &mut Directory, q: &HashMap<String, String>, path: &str) -> Option<Value> {
    if let Some(i) = d.refuse_next.iter().position(|(p, _)| p == path) {
        let (_, code) = d.refuse_next.remove(i);
        return Some(refuse(code, "refused as asked"));
    }
    if d.throttle_next > 0 {
        d.throttle_next -= 1;
        return Some(refuse(45009, "api freq out of limit"));
    }
    let token = q.get("access_token").cloned().unwrap_or_default();
    if !d.tokens.contains(&token) {
        return Some(refuse(40014, "invalid access_token"));
    }
    if d.expire_next {
        d.expire_next = false;
        d.tokens.clear();
        return Some(refuse(42001, "access_token expired"));
    }
    None
}

async fn gettoken(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Json<Value> {
    let body = {
        let mut d = lock(&s);
        if q.get("corpid") != Some(&d.corp_id) {
            refuse(40013, "invalid corpid")
        } else if q.get("corpsecret") != Some(&d.secret) {
            refuse(40001, "invalid credential")
        } else {
            let token = format!("token-{}", d.tokens.len() + d.calls.len());
            d.tokens.push(token.clone());
            json!({ "errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200 })
        }
    };
    answer(&s, "gettoken", body)
}

async fn departments(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Json<Value> {
    let body = {
        let mut d = lock(&s);
        gate(&mut d, &q)
            .unwrap_or_else(|| json!({ "errcode": 0, "errmsg": "ok", "department": d.departments }))
    };
    answer(&s, "department/list", body)
}

async fn users(State(s): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Json<Value> {
    let body = {
        let mut d = lock(&s);
        gate(&mut d, &q).unwrap_or_else(|| {
            let id: i64 = q
                .get("department_id")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let list: Vec<&Value> = d
                .users
                .iter()
                .filter(|u| {
                    u["department"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|x| x.as_i64() == Some(id)))
                })
                .collect();
            json!({ "errcode": 0, "errmsg": "ok", "userlist": list })
        })
    };
    answer(&s, "user/list", body)
}

fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or(0)
}

fn same_user(u: &Value, userid: &str) -> bool {
    u["userid"]
        .as_str()
        .is_some_and(|x| x.eq_ignore_ascii_case(userid))
}

/// Carries out one write as the platform would; the answer.
fn write(d: &mut Directory, path: &str, q: &HashMap<String, String>, body: &Value) -> Value {
    let ok = || json!({ "errcode": 0, "errmsg": "ok" });
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
            d.departments
                .push(json!({ "id": id, "name": name, "parentid": parent, "order": 0 }));
            json!({ "errcode": 0, "errmsg": "created", "id": id })
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
            json!({ "errcode": 0, "errmsg": "created" })
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

/// A write endpoint: the token checked, the write carried out, the answer (or none, when the
/// fake was told to lose it).
async fn writes(
    State(s): State<Shared>,
    axum::extract::Path((group, verb)): axum::extract::Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    body: Option<Json<Value>>,
) -> Json<Value> {
    let path = format!("{group}/{verb}");
    let body = body.map(|Json(b)| b).unwrap_or(Value::Null);
    let (answer_body, hang) = {
        let mut d = lock(&s);
        let answered =
            gate_for(&mut d, &q, &path).unwrap_or_else(|| write(&mut d, &path, &q, &body));
        let hang = d.hang_on.as_deref() == Some(path.as_str());
        (answered, hang)
    };
    if hang {
        std::future::pending::<()>().await;
    }
    answer(&s, &path, answer_body)
}

/// A running fake: its base URL (for `ORGDESK_WECOM_API`) and its state.
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
                    .route("/cgi-bin/gettoken", get(gettoken))
                    .route("/cgi-bin/department/list", get(departments))
                    .route("/cgi-bin/user/list", get(users))
                    .route("/cgi-bin/{group}/{verb}", get(writes).post(writes))
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
