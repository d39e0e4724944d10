//! The fake served in WeCom's spelling: `/cgi-bin/gettoken?corpid&corpsecret`, the token in
//! the query, `{errcode, errmsg, …}`.

use super::{issue, members_of, record, serve, write, Answer, Flavor, Shared};
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;

type Q = Query<HashMap<String, String>>;

pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/cgi-bin/gettoken", get(gettoken))
        .route("/cgi-bin/{group}/{verb}", get(call).post(call))
}

/// WeCom's envelope around an answer.
fn envelope(answer: Answer) -> Json<Value> {
    Json(match answer {
        Ok(mut v) => {
            v["errcode"] = json!(0);
            v["errmsg"] = json!("ok");
            v
        }
        Err((code, msg)) => json!({ "errcode": code, "errmsg": msg }),
    })
}

async fn gettoken(State(s): State<Shared>, Query(q): Q) -> Json<Value> {
    let answer = issue(&mut super::lock(&s), q.get("corpid"), q.get("corpsecret"))
        .map(|t| json!({ "access_token": t["token"], "expires_in": 7200 }));
    record(&s, "gettoken", &answer);
    envelope(answer)
}

async fn call(
    State(s): State<Shared>,
    Path((group, verb)): Path<(String, String)>,
    Query(q): Q,
    body: Option<Json<Value>>,
) -> Json<Value> {
    let endpoint = format!("{group}/{verb}");
    let body = body.map(|Json(b)| b).unwrap_or(Value::Null);
    let token = q.get("access_token").cloned().unwrap_or_default();
    let answer = serve(&s, Flavor::WeCom, &endpoint, &token, |d| {
        match endpoint.as_str() {
            "department/list" => Ok(json!({ "department": d.departments })),
            "user/list" => {
                let id = q
                    .get("department_id")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                Ok(json!({ "userlist": members_of(d, id) }))
            }
            "user/get" => {
                let userid = q.get("userid").cloned().unwrap_or_default();
                d.users
                    .iter()
                    .find(|u| super::same_user(u, &userid))
                    .cloned()
                    .ok_or((60111, "userid not found".into()))
            }
            _ => write(d, &endpoint, &q, &body),
        }
    })
    .await;
    envelope(answer)
}
