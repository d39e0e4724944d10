//! DingTalk's contacts API, the `oapi.dingtalk.com` line (platforms.md §3; its endpoints come
//! from third-party mirrors of the official text: docs.rs/dingtalk-rs, apifox): the token from
//! `gettoken?appkey&appsecret`, departments read from the root down with
//! `topapi/v2/department/listsub`, members a page at a time with `topapi/v2/user/list`. "Too
//! frequent" (90002, 90018) is retried with a growing pause. Leaders are the department's
//! `dept_manager_userid_list`, so a member's leader flags are written on their departments.
//! `topapi/user/listadmin` names the admins, whom a plan may not delete.

use crate::error::{Error, Result};
use crate::http::{self, refused, Dialect};
use crate::{DepartmentWrite, MemberWrite};
use orgdesk_core::progress::Progress;
use orgdesk_core::sync::{ApiCall, LiveDepartment, LiveMember, LiveState};
use orgdesk_core::Platform;
use reqwest::RequestBuilder;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The root department's id.
const ROOT: i64 = 1;
/// Members per `user/list` page (the documented maximum).
const PAGE: i64 = 100;
/// "A department of that name exists under the parent".
const DEPARTMENT_EXISTS: i64 = 60008;
/// "Department not found".
const DEPARTMENT_NOT_FOUND: i64 = 60003;
/// "UserID already exists".
const USER_EXISTS: i64 = 60102;
/// "User not found".
const USER_NOT_FOUND: i64 = 60121;

pub struct DingTalk;

impl Dialect for DingTalk {
    const PLATFORM: Platform = Platform::Dingtalk;
    const TOKEN_ENDPOINT: &'static str = "gettoken";
    const EXPIRED: &'static [i64] = &[40014, 42001];
    const THROTTLED: &'static [i64] = &[90002, 90018];

    fn token_request(http: &reqwest::Client, base: &str, id: &str, secret: &str) -> RequestBuilder {
        http.get(format!("{base}/gettoken"))
            .query(&[("appkey", id), ("appsecret", secret)])
    }
    fn url(base: &str, path: &str) -> String {
        format!("{base}/{path}")
    }
}

pub type Client = http::Client<DingTalk>;

#[derive(Deserialize)]
struct Department {
    dept_id: i64,
    name: String,
    #[serde(default)]
    parent_id: Option<i64>,
    /// Smaller first; when not given, the list's own order stands.
    order: Option<i64>,
}

#[derive(Deserialize)]
struct Leader {
    dept_id: i64,
    #[serde(default)]
    leader: bool,
}

#[derive(Deserialize)]
struct User {
    userid: String,
    name: String,
    mobile: Option<String>,
    email: Option<String>,
    title: Option<String>,
    #[serde(default)]
    dept_id_list: Vec<i64>,
    #[serde(default)]
    leader_in_dept: Vec<Leader>,
    active: Option<bool>,
}

fn parse<T: serde::de::DeserializeOwned>(endpoint: &str, v: &Value) -> Result<T> {
    serde_json::from_value(v.clone()).map_err(|e| Error::Network(format!("{endpoint}: {e}")))
}

/// A list of ids as DingTalk writes them: "1,2,3".
fn joined(ids: impl IntoIterator<Item = impl ToString>) -> String {
    ids.into_iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

async fn children(c: &Client, id: i64) -> Result<Vec<Department>> {
    let body = c
        .post("topapi/v2/department/listsub", &json!({ "dept_id": id }))
        .await?;
    parse("department/listsub", &body["result"])
}

async fn pull(c: &Client, progress: &dyn Progress) -> Result<LiveState> {
    let root = c
        .post("topapi/v2/department/get", &json!({ "dept_id": ROOT }))
        .await?;
    let mut departments = vec![LiveDepartment {
        id: ROOT,
        parent_id: None,
        name: root["result"]["name"].as_str().unwrap_or("").to_string(),
        order: 0,
    }];
    let mut queue = vec![ROOT];
    while let Some(id) = queue.pop() {
        for (order, d) in children(c, id).await?.into_iter().enumerate() {
            queue.push(d.dept_id);
            departments.push(LiveDepartment {
                id: d.dept_id,
                parent_id: Some(d.parent_id.unwrap_or(id)),
                name: d.name,
                order: d.order.unwrap_or(order as i64),
            });
        }
    }
    let mut members: BTreeMap<String, LiveMember> = BTreeMap::new();
    for (done, d) in departments.iter().enumerate() {
        if progress.cancelled() {
            return Err(crate::cancelled());
        }
        progress.update(done as u64, departments.len() as u64);
        let mut cursor = 0;
        loop {
            let body = c
                .post(
                    "topapi/v2/user/list",
                    &json!({ "dept_id": d.id, "cursor": cursor, "size": PAGE }),
                )
                .await?;
            let r = &body["result"];
            let users: Vec<User> = parse("user/list", &r["list"])?;
            for u in users {
                members.entry(u.userid.clone()).or_insert(LiveMember {
                    leader_in: u
                        .leader_in_dept
                        .iter()
                        .filter(|l| l.leader)
                        .map(|l| l.dept_id)
                        .collect(),
                    main_department: u.dept_id_list.first().copied(),
                    departments: u.dept_id_list,
                    userid: u.userid,
                    name: u.name,
                    mobile: u.mobile.filter(|m| !m.is_empty()),
                    email: u.email.filter(|m| !m.is_empty()),
                    position: u.title.filter(|m| !m.is_empty()),
                    status: u.active.map(|a| if a { 1 } else { 4 }),
                    admin: None,
                });
            }
            match (r["has_more"].as_bool(), r["next_cursor"].as_i64()) {
                (Some(true), Some(next)) => cursor = next,
                _ => break,
            }
        }
    }
    // The main admin (sys_level 1) and the sub-admins (2), whom a plan may not delete.
    let admins = c.post("topapi/user/listadmin", &json!({})).await?;
    for a in admins["result"].as_array().into_iter().flatten() {
        let role = match a["sys_level"].as_i64() {
            Some(1) => "creator",
            Some(2) => "super_admin",
            _ => continue,
        };
        if let Some(m) = a["userid"].as_str().and_then(|u| members.get_mut(u)) {
            m.admin = Some(role.into());
        }
    }
    Ok(crate::live_state(
        departments,
        members.into_values().collect(),
    ))
}

/// Makes `userid` a manager of exactly the departments in `lead` among `departments`.
async fn set_leader(c: &Client, userid: &str, departments: &[i64], lead: &[i64]) -> Result<()> {
    for d in departments {
        let body = c
            .post("topapi/v2/department/get", &json!({ "dept_id": d }))
            .await?;
        let mut managers: Vec<String> = parse(
            "department/get",
            &body["result"]["dept_manager_userid_list"],
        )
        .unwrap_or_default();
        let is = managers.iter().any(|m| m == userid);
        let should = lead.contains(d);
        if is == should {
            continue;
        }
        if should {
            managers.push(userid.to_string());
        } else {
            managers.retain(|m| m != userid);
        }
        c.post(
            "topapi/v2/department/update",
            &json!({ "dept_id": d, "dept_manager_userid_list": joined(&managers) }),
        )
        .await?;
    }
    Ok(())
}

fn member_body(userid: &str, m: &MemberWrite) -> Value {
    let mut body = json!({ "userid": userid });
    m.put_texts(&mut body, "title");
    if let Some(d) = &m.departments {
        body["dept_id_list"] = joined(d).into();
    }
    body
}

impl crate::Directory for Client {
    async fn check(&self) -> Result<()> {
        http::Client::check(self).await
    }

    async fn pull_with(&self, progress: &dyn Progress) -> Result<LiveState> {
        pull(self, progress).await
    }

    fn take_calls(&self) -> Vec<ApiCall> {
        http::Client::take_calls(self)
    }

    async fn create_department(
        &self,
        name: &str,
        parent: i64,
        position: Option<i64>,
    ) -> Result<i64> {
        let mut body = json!({ "name": name, "parent_id": parent });
        if let Some(p) = position {
            body["order"] = p.into();
        }
        match self.post("topapi/v2/department/create", &body).await {
            Ok(b) => b["result"]["dept_id"]
                .as_i64()
                .ok_or_else(|| Error::Network("department/create gave no id".into())),
            Err(e) if refused(&e) == Some(DEPARTMENT_EXISTS) => children(self, parent)
                .await?
                .into_iter()
                .find(|d| d.name == name)
                .map(|d| d.dept_id)
                .ok_or(e),
            Err(e) => Err(e),
        }
    }

    async fn update_department(&self, id: i64, change: &DepartmentWrite) -> Result<()> {
        let mut body = json!({ "dept_id": id });
        if let Some(n) = &change.name {
            body["name"] = n.clone().into();
        }
        if let Some(p) = change.parent {
            body["parent_id"] = p.into();
        }
        if let Some(p) = change.position {
            body["order"] = p.into();
        }
        self.post("topapi/v2/department/update", &body)
            .await
            .map(drop)
    }

    async fn delete_department(&self, id: i64) -> Result<()> {
        match self
            .post("topapi/v2/department/delete", &json!({ "dept_id": id }))
            .await
        {
            Err(e) if refused(&e) == Some(DEPARTMENT_NOT_FOUND) => Ok(()),
            other => other.map(drop),
        }
    }

    async fn create_member(&self, userid: &str, m: &MemberWrite) -> Result<()> {
        match self
            .post("topapi/v2/user/create", &member_body(userid, m))
            .await
        {
            Err(e) if refused(&e) == Some(USER_EXISTS) => {}
            other => drop(other?),
        }
        if let (Some(d), Some(lead)) = (&m.departments, &m.leader_in) {
            set_leader(self, userid, d, lead).await?;
        }
        Ok(())
    }

    async fn update_member(&self, userid: &str, m: &MemberWrite) -> Result<()> {
        if m.new_userid.is_some() {
            // DingTalk keeps an account for life.
            return Err(Error::Platform {
                code: -1,
                message: "DingTalk cannot change a member's userid".into(),
            });
        }
        self.post("topapi/v2/user/update", &member_body(userid, m))
            .await?;
        if let (Some(d), Some(lead)) = (&m.departments, &m.leader_in) {
            set_leader(self, userid, d, lead).await?;
        }
        Ok(())
    }

    async fn delete_member(&self, userid: &str) -> Result<()> {
        match self
            .post("topapi/v2/user/delete", &json!({ "userid": userid }))
            .await
        {
            Err(e) if refused(&e) == Some(USER_NOT_FOUND) => Ok(()),
            other => other.map(drop),
        }
    }
}
