//! The fake served in Feishu's spelling: `POST /open-apis/auth/v3/tenant_access_token/internal`,
//! the token as `Authorization: Bearer`, REST paths under `/open-apis/contact/v3`, `{code, msg,
//! data}`, departments by `open_department_id` ("0" the root, "od-N" the others), paging by
//! `page_token`, HTTP 429 with `x-ogw-ratelimit-reset` when called too often. A department's
//! leader is its `leader_user_id`. Calls are logged under WeCom's endpoint names
//! (`user/create` …), as the other flavours are.

use super::{id_of, issue, leads, members_of, record, same_user, serve, set_leaders, write};
use super::{Answer, Flavor, Shared};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;

type Q = Query<HashMap<String, String>>;

pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/open-apis/auth/v3/tenant_access_token/internal",
            post(token),
        )
        .route("/open-apis/contact/v3/departments", post(create_department))
        .route(
            "/open-apis/contact/v3/departments/{id}",
            get(get_department)
                .patch(update_department)
                .delete(delete_department),
        )
        .route(
            "/open-apis/contact/v3/departments/{id}/children",
            get(children),
        )
        .route("/open-apis/contact/v3/users", post(create_user))
        .route(
            "/open-apis/contact/v3/users/find_by_department",
            get(find_by_department),
        )
        .route(
            "/open-apis/contact/v3/users/{id}",
            get(get_user).patch(update_user).delete(delete_user),
        )
}

/// The platform id of a WeCom-shaped department id, and back.
fn open_id(id: i64) -> String {
    if id == 1 {
        "0".into()
    } else {
        format!("od-{id}")
    }
}

fn inner_id(open: &str) -> i64 {
    if open == "0" {
        1
    } else {
        open.strip_prefix("od-")
            .and_then(|x| x.parse().ok())
            .unwrap_or(-1)
    }
}

fn bearer(h: &HeaderMap) -> String {
    h.get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
        .to_string()
}

/// Feishu's envelope, HTTP status and rate-limit headers around an answer.
fn envelope(s: &Shared, answer: Answer) -> Response {
    match answer {
        Ok(data) => Json(json!({ "code": 0, "msg": "success", "data": data })).into_response(),
        Err((code, msg)) if code == Flavor::Feishu.too_frequent() => {
            let reset = super::lock(s).reset_seconds.to_string();
            let body = Json(json!({ "code": code, "msg": msg }));
            (
                StatusCode::TOO_MANY_REQUESTS,
                [
                    ("x-ogw-ratelimit-limit", "50".to_string()),
                    ("x-ogw-ratelimit-reset", reset),
                ],
                body,
            )
                .into_response()
        }
        Err((code, msg)) => (
            StatusCode::BAD_REQUEST,
            Json(json!({ "code": code, "msg": msg })),
        )
            .into_response(),
    }
}

async fn token(State(s): State<Shared>, Json(b): Json<Value>) -> Response {
    let id = b["app_id"].as_str().map(String::from);
    let secret = b["app_secret"].as_str().map(String::from);
    let answer = issue(&mut super::lock(&s), id.as_ref(), secret.as_ref());
    record(&s, "gettoken", &answer);
    match answer {
        Ok(t) => Json(
            json!({ "code": 0, "msg": "ok", "tenant_access_token": t["token"], "expire": 7200 }),
        )
        .into_response(),
        Err(e) => envelope(&s, Err(e)),
    }
}

fn department(d: &super::Directory, x: &Value) -> Value {
    let id = id_of(x);
    let leader = d
        .users
        .iter()
        .find(|u| leads(u, id))
        .map(|u| u["userid"].clone());
    json!({
        "name": x["name"],
        "open_department_id": open_id(id),
        "parent_department_id": x["parentid"].as_i64().filter(|p| *p != 0).map(open_id),
        "leader_user_id": leader,
        "order": x["order"].to_string(),
    })
}

fn user(u: &Value) -> Value {
    let departments: Vec<String> = u["department"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).map(open_id).collect())
        .unwrap_or_default();
    json!({
        "user_id": u["userid"], "name": u["name"], "mobile": u["mobile"], "email": u["email"],
        "job_title": u["position"], "department_ids": departments,
        "status": { "is_activated": u["status"] == 1 },
        "is_tenant_manager": u["admin"].is_string(),
    })
}

/// A page of `items` from `page_token` (an offset).
fn page(items: Vec<Value>, q: &HashMap<String, String>) -> Value {
    let from: usize = q
        .get("page_token")
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let size: usize = q
        .get("page_size")
        .and_then(|t| t.parse().ok())
        .unwrap_or(50);
    let more = from + size < items.len();
    json!({
        "has_more": more,
        "page_token": if more { json!((from + size).to_string()) } else { Value::Null },
        "items": items.into_iter().skip(from).take(size).collect::<Vec<_>>(),
    })
}

async fn get_department(State(s): State<Shared>, Path(id): Path<String>, h: HeaderMap) -> Response {
    let answer = serve(
        &s,
        Flavor::Feishu,
        "department/get",
        &bearer(&h),
        |d| match d.departments.iter().find(|x| id_of(x) == inner_id(&id)) {
            Some(x) => Ok(json!({ "department": department(d, x) })),
            None => Err((40003, "department not found".into())),
        },
    )
    .await;
    envelope(&s, answer)
}

async fn children(
    State(s): State<Shared>,
    Path(id): Path<String>,
    Query(q): Q,
    h: HeaderMap,
) -> Response {
    let answer = serve(
        &s,
        Flavor::Feishu,
        "department/children",
        &bearer(&h),
        |d| {
            let recursive = q.get("fetch_child").map(String::as_str) == Some("true");
            let mut parents = vec![inner_id(&id)];
            let mut found = Vec::new();
            while let Some(p) = parents.pop() {
                for x in d
                    .departments
                    .iter()
                    .filter(|x| x["parentid"].as_i64() == Some(p))
                {
                    found.push(department(d, x));
                    if recursive {
                        parents.push(id_of(x));
                    }
                }
            }
            Ok(page(found, &q))
        },
    )
    .await;
    envelope(&s, answer)
}

/// A WeCom-shaped department write from Feishu's body; a leader change applied after it.
fn department_write(
    d: &mut super::Directory,
    endpoint: &str,
    id: Option<i64>,
    b: &Value,
) -> Answer {
    let mut w = json!({});
    if let Some(id) = id {
        w["id"] = json!(id);
    }
    if !b["name"].is_null() {
        w["name"] = b["name"].clone();
    }
    if let Some(p) = b["parent_department_id"].as_str() {
        w["parentid"] = json!(inner_id(p));
    }
    if let Some(o) = b["order"].as_str().and_then(|o| o.parse::<i64>().ok()) {
        w["order"] = json!(o);
    }
    let done = write(d, endpoint, &HashMap::new(), &w)?;
    let id = id.unwrap_or_else(|| done["id"].as_i64().unwrap_or(0));
    if let Some(l) = b["leader_user_id"].as_str() {
        let leaders: Vec<String> = [l]
            .iter()
            .filter(|x| !x.is_empty())
            .map(|x| x.to_string())
            .collect();
        set_leaders(d, id, &leaders);
    }
    let x = d
        .departments
        .iter()
        .find(|x| id_of(x) == id)
        .cloned()
        .unwrap_or_default();
    Ok(json!({ "department": department(d, &x) }))
}

async fn create_department(
    State(s): State<Shared>,
    h: HeaderMap,
    Json(b): Json<Value>,
) -> Response {
    let answer = serve(&s, Flavor::Feishu, "department/create", &bearer(&h), |d| {
        department_write(d, "department/create", None, &b)
    })
    .await;
    envelope(&s, answer)
}

async fn update_department(
    State(s): State<Shared>,
    Path(id): Path<String>,
    h: HeaderMap,
    Json(b): Json<Value>,
) -> Response {
    let answer = serve(&s, Flavor::Feishu, "department/update", &bearer(&h), |d| {
        department_write(d, "department/update", Some(inner_id(&id)), &b)
    })
    .await;
    envelope(&s, answer)
}

async fn delete_department(
    State(s): State<Shared>,
    Path(id): Path<String>,
    h: HeaderMap,
) -> Response {
    let answer = serve(&s, Flavor::Feishu, "department/delete", &bearer(&h), |d| {
        let q = HashMap::from([("id".to_string(), inner_id(&id).to_string())]);
        write(d, "department/delete", &q, &Value::Null)
    })
    .await;
    envelope(&s, answer)
}

async fn find_by_department(State(s): State<Shared>, Query(q): Q, h: HeaderMap) -> Response {
    let answer = serve(&s, Flavor::Feishu, "user/list", &bearer(&h), |d| {
        let id = inner_id(q.get("department_id").map(String::as_str).unwrap_or(""));
        Ok(page(members_of(d, id).iter().map(user).collect(), &q))
    })
    .await;
    envelope(&s, answer)
}

async fn get_user(State(s): State<Shared>, Path(id): Path<String>, h: HeaderMap) -> Response {
    let answer = serve(&s, Flavor::Feishu, "user/get", &bearer(&h), |d| {
        match d.users.iter().find(|u| same_user(u, &id)) {
            Some(u) => Ok(json!({ "user": user(u) })),
            None => Err((41050, "user not found".into())),
        }
    })
    .await;
    envelope(&s, answer)
}

/// A WeCom-shaped member write from Feishu's body.
fn user_write(d: &mut super::Directory, endpoint: &str, userid: &str, b: &Value) -> Answer {
    let mut w = json!({ "userid": userid });
    for (from, to) in [
        ("name", "name"),
        ("mobile", "mobile"),
        ("email", "email"),
        ("job_title", "position"),
    ] {
        if !b[from].is_null() {
            w[to] = b[from].clone();
        }
    }
    if let Some(ids) = b["department_ids"].as_array() {
        w["department"] = json!(ids
            .iter()
            .filter_map(Value::as_str)
            .map(inner_id)
            .collect::<Vec<_>>());
    }
    write(d, endpoint, &HashMap::new(), &w)?;
    let u = d
        .users
        .iter()
        .find(|u| same_user(u, userid))
        .cloned()
        .unwrap_or_default();
    Ok(json!({ "user": user(&u) }))
}

async fn create_user(State(s): State<Shared>, h: HeaderMap, Json(b): Json<Value>) -> Response {
    let userid = b["user_id"].as_str().unwrap_or("").to_string();
    let answer = serve(&s, Flavor::Feishu, "user/create", &bearer(&h), |d| {
        user_write(d, "user/create", &userid, &b)
    })
    .await;
    envelope(&s, answer)
}

async fn update_user(
    State(s): State<Shared>,
    Path(id): Path<String>,
    h: HeaderMap,
    Json(b): Json<Value>,
) -> Response {
    let answer = serve(&s, Flavor::Feishu, "user/update", &bearer(&h), |d| {
        user_write(d, "user/update", &id, &b)
    })
    .await;
    envelope(&s, answer)
}

async fn delete_user(State(s): State<Shared>, Path(id): Path<String>, h: HeaderMap) -> Response {
    let answer = serve(&s, Flavor::Feishu, "user/delete", &bearer(&h), |d| {
        let q = HashMap::from([("userid".to_string(), id.clone())]);
        write(d, "user/delete", &q, &Value::Null)
    })
    .await;
    envelope(&s, answer)
}
