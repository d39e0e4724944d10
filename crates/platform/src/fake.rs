//! A local fake of WeCom's contacts API as documented (gettoken, department/list, user/list),
//! for tests: it checks the corp id and secret, issues tokens, and can answer the next calls
//! with an expired token (42001) or "too frequent" (45009), as the real one does.

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
