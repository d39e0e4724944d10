//! The fake served in DingTalk's spelling (the `oapi` line): `/gettoken?appkey&appsecret`,
//! `POST /topapi/v2/…` with the token in the query, `{errcode, errmsg, result}`; id lists
//! written as "1,2". Its calls are logged by the endpoint after `topapi/v2/`.

use super::{id_of, issue, leads, members_of, record, serve, set_leaders, write, Answer};
use super::{Flavor, Shared};
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;

type Q = Query<HashMap<String, String>>;

pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/gettoken", get(gettoken))
        .route("/topapi/v2/{group}/{verb}", post(call))
        .route("/topapi/user/listadmin", post(admins))
}

fn envelope(answer: Answer) -> Json<Value> {
    Json(match answer {
        Ok(result) => json!({ "errcode": 0, "errmsg": "ok", "result": result }),
        Err((code, msg)) => json!({ "errcode": code, "errmsg": msg }),
    })
}

async fn gettoken(State(s): State<Shared>, Query(q): Q) -> Json<Value> {
    let answer = issue(&mut super::lock(&s), q.get("appkey"), q.get("appsecret"));
    record(&s, "gettoken", &answer);
    Json(match answer {
        Ok(t) => {
            json!({ "errcode": 0, "errmsg": "ok", "access_token": t["token"], "expires_in": 7200 })
        }
        Err((code, msg)) => json!({ "errcode": code, "errmsg": msg }),
    })
}

/// The admins: the creator as the main admin (sys_level 1), the others as sub-admins (2).
async fn admins(State(s): State<Shared>, Query(q): Q) -> Json<Value> {
    let token = q.get("access_token").cloned().unwrap_or_default();
    let answer = serve(&s, Flavor::DingTalk, "user/listadmin", &token, |d| {
        Ok(json!(d
            .users
            .iter()
            .filter(|u| u["admin"].is_string())
            .map(|u| json!({ "userid": u["userid"], "sys_level": if u["admin"] == "creator" { 1 } else { 2 } }))
            .collect::<Vec<_>>()))
    })
    .await;
    envelope(answer)
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_str()
        .unwrap_or("")
        .split(',')
        .filter_map(|x| x.trim().parse().ok())
        .collect()
}

/// DingTalk's codes where WeCom's differ: "department not found" and "user not found".
fn renamed(answer: Answer) -> Answer {
    answer.map_err(|(code, msg)| match code {
        60123 => (60003, msg),
        60111 => (60121, msg),
        other => (other, msg),
    })
}

/// A member as `user/list` gives it.
fn user(u: &Value) -> Value {
    let departments: Vec<i64> = u["department"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    json!({
        "userid": u["userid"], "name": u["name"], "mobile": u["mobile"], "email": u["email"],
        "title": u["position"], "active": u["status"] == 1,
        "leader_in_dept": departments.iter().map(|d| json!({ "dept_id": d, "leader": leads(u, *d) })).collect::<Vec<_>>(),
        "dept_id_list": departments,
    })
}

async fn call(
    State(s): State<Shared>,
    Path((group, verb)): Path<(String, String)>,
    Query(q): Q,
    Json(b): Json<Value>,
) -> Json<Value> {
    let endpoint = format!("{group}/{verb}");
    let token = q.get("access_token").cloned().unwrap_or_default();
    let no_query = HashMap::new();
    let answer = serve(&s, Flavor::DingTalk, &endpoint, &token, |d| {
        let dept = b["dept_id"].as_i64().unwrap_or(0);
        match endpoint.as_str() {
            "department/listsub" => {
                // As the platform shows them: by order, then by id.
                let mut children: Vec<&Value> = d
                    .departments
                    .iter()
                    .filter(|x| x["parentid"].as_i64() == Some(dept))
                    .collect();
                children.sort_by_key(|x| (x["order"].as_i64().unwrap_or(0), id_of(x)));
                Ok(json!(children
                    .iter()
                    .map(|x| json!({ "dept_id": x["id"], "name": x["name"],
                                     "parent_id": x["parentid"], "order": x["order"] }))
                    .collect::<Vec<_>>()))
            }
            "department/get" => {
                let Some(x) = d.departments.iter().find(|x| id_of(x) == dept) else {
                    return Err((60003, "department not found".into()));
                };
                let managers: Vec<&Value> = d
                    .users
                    .iter()
                    .filter(|u| leads(u, dept))
                    .map(|u| &u["userid"])
                    .collect();
                Ok(
                    json!({ "dept_id": dept, "name": x["name"], "parent_id": x["parentid"],
                           "dept_manager_userid_list": managers }),
                )
            }
            "user/list" => {
                let all = members_of(d, dept);
                let cursor = b["cursor"].as_u64().unwrap_or(0) as usize;
                let size = b["size"].as_u64().unwrap_or(100) as usize;
                let page: Vec<Value> = all.iter().skip(cursor).take(size).map(user).collect();
                let more = cursor + size < all.len();
                Ok(json!({ "has_more": more, "next_cursor": cursor + size, "list": page }))
            }
            "department/create" => write(
                d,
                &endpoint,
                &no_query,
                &json!({ "name": b["name"], "parentid": b["parent_id"], "order": b["order"] }),
            )
            .map(|r| json!({ "dept_id": r["id"] })),
            "department/update" => {
                let mut w = json!({ "id": dept });
                for (from, to) in [
                    ("name", "name"),
                    ("parent_id", "parentid"),
                    ("order", "order"),
                ] {
                    if !b[from].is_null() {
                        w[to] = b[from].clone();
                    }
                }
                let done = renamed(write(d, &endpoint, &no_query, &w));
                if done.is_ok() && !b["dept_manager_userid_list"].is_null() {
                    let leaders: Vec<String> = b["dept_manager_userid_list"]
                        .as_str()
                        .unwrap_or("")
                        .split(',')
                        .filter(|x| !x.is_empty())
                        .map(String::from)
                        .collect();
                    set_leaders(d, dept, &leaders);
                }
                done
            }
            "department/delete" => {
                let q = HashMap::from([("id".to_string(), dept.to_string())]);
                renamed(write(d, &endpoint, &q, &Value::Null))
            }
            "user/create" | "user/update" => {
                let mut w = json!({ "userid": b["userid"] });
                for (from, to) in [
                    ("name", "name"),
                    ("mobile", "mobile"),
                    ("email", "email"),
                    ("title", "position"),
                ] {
                    if !b[from].is_null() {
                        w[to] = b[from].clone();
                    }
                }
                if !b["dept_id_list"].is_null() {
                    w["department"] = json!(ids(&b["dept_id_list"]));
                }
                renamed(write(d, &endpoint, &no_query, &w))
                    .map(|_| json!({ "userid": b["userid"] }))
            }
            "user/delete" => {
                let q = HashMap::from([(
                    "userid".to_string(),
                    b["userid"].as_str().unwrap_or("").to_string(),
                )]);
                renamed(write(d, &endpoint, &q, &Value::Null))
            }
            _ => Err((404, "unknown endpoint".into())),
        }
    })
    .await;
    envelope(answer)
}
