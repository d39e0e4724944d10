//! WeCom's contacts API (developer.work.weixin.qq.com/document/path/91039, 90208, 90200): the
//! token from `gettoken` (cached, fetched again when the platform says it expired: 42001,
//! 40014), the department list, and the members of each department. The platform's "too
//! frequent" answer (45009) is retried with a growing pause.

use crate::error::{Error, Result};
use crate::http::{self, refused, Dialect};
use crate::{DepartmentWrite, MemberWrite};
use orgdesk_core::progress::Progress;
use orgdesk_core::sync::{ApiCall, LiveDepartment, LiveMember, LiveState};
use orgdesk_core::Platform;
use reqwest::RequestBuilder;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// WeCom's spelling: `gettoken?corpid&corpsecret`, the token in the query, `errcode`.
pub struct WeCom;

impl Dialect for WeCom {
    const PLATFORM: Platform = Platform::Wecom;
    const TOKEN_ENDPOINT: &'static str = "gettoken";
    const EXPIRED: &'static [i64] = &[42001, 40014];
    /// "API calls too frequent", and the concurrency refusal seen in practice (platforms.md).
    const THROTTLED: &'static [i64] = &[45009, 45033];

    fn token_request(http: &reqwest::Client, base: &str, id: &str, secret: &str) -> RequestBuilder {
        http.get(format!("{base}/cgi-bin/gettoken"))
            .query(&[("corpid", id), ("corpsecret", secret)])
    }
    fn url(base: &str, path: &str) -> String {
        format!("{base}/cgi-bin/{path}")
    }
}

pub type Client = http::Client<WeCom>;

/// WeCom's documented limit per endpoint and minute, from the capability dataset.
pub fn documented_per_minute() -> usize {
    http::documented_per_minute(Platform::Wecom)
}

#[derive(Deserialize)]
struct Department {
    id: i64,
    name: String,
    #[serde(default)]
    parentid: i64,
    #[serde(default)]
    order: i64,
}

#[derive(Deserialize)]
struct User {
    userid: String,
    name: String,
    #[serde(default)]
    department: Vec<i64>,
    position: Option<String>,
    mobile: Option<String>,
    email: Option<String>,
    #[serde(default)]
    is_leader_in_dept: Vec<i64>,
    main_department: Option<i64>,
    status: Option<i32>,
}

/// The live directory: every department, and the members of each (a member in several
/// departments is read once per department and kept once).
async fn pull(c: &Client, progress: &dyn Progress) -> Result<LiveState> {
    let body = c.get("department/list", &[]).await?;
    let departments: Vec<Department> = serde_json::from_value(body["department"].clone())
        .map_err(|e| Error::Network(format!("department/list: {e}")))?;
    let ids: std::collections::BTreeSet<i64> = departments.iter().map(|d| d.id).collect();
    let mut members: BTreeMap<String, LiveMember> = BTreeMap::new();
    for (done, d) in departments.iter().enumerate() {
        if progress.cancelled() {
            return Err(crate::cancelled());
        }
        progress.update(done as u64, departments.len() as u64);
        let body = c
            .get("user/list", &[("department_id", d.id.to_string())])
            .await?;
        let users: Vec<User> = serde_json::from_value(body["userlist"].clone())
            .map_err(|e| Error::Network(format!("user/list: {e}")))?;
        for u in users {
            let leader_in = u
                .department
                .iter()
                .zip(u.is_leader_in_dept.iter().chain(std::iter::repeat(&0)))
                .filter(|(_, l)| **l == 1)
                .map(|(d, _)| *d)
                .collect();
            members.entry(u.userid.clone()).or_insert(LiveMember {
                userid: u.userid,
                name: u.name,
                mobile: u.mobile.filter(|m| !m.is_empty()),
                email: u.email.filter(|m| !m.is_empty()),
                position: u.position.filter(|m| !m.is_empty()),
                main_department: u.main_department.or(u.department.first().copied()),
                departments: u.department,
                leader_in,
                status: u.status,
                admin: None,
            });
        }
    }
    let departments = departments
        .into_iter()
        .map(|d| LiveDepartment {
            id: d.id,
            parent_id: (d.parentid != 0 && ids.contains(&d.parentid)).then_some(d.parentid),
            name: d.name,
            order: -d.order,
        })
        .collect();
    Ok(crate::live_state(
        departments,
        members.into_values().collect(),
    ))
}

/// WeCom sorts siblings by `order`, larger first: a position (from 1) as WeCom's order, and
/// back (the core keeps smaller-first).
const ORDER_TOP: i64 = 100_000_000;

fn raw_order(position: i64) -> i64 {
    ORDER_TOP - position
}

/// "UserID not found".
const USER_NOT_FOUND: i64 = 60111;
/// "Department not found" and "invalid department id".
const DEPARTMENT_NOT_FOUND: [i64; 2] = [60003, 60123];

/// A member's fields as `user/create` and `user/update` take them (None: left as it is; an
/// empty text clears it).
fn member_body(userid: &str, m: &MemberWrite) -> Value {
    let mut body = serde_json::json!({ "userid": userid });
    if let Some(x) = &m.new_userid {
        body["new_userid"] = x.clone().into();
    }
    m.put_texts(&mut body, "position");
    if let Some(d) = &m.departments {
        body["department"] = serde_json::json!(d);
        let leaders: Vec<i32> = d
            .iter()
            .map(|id| i32::from(m.leader_in.as_ref().is_some_and(|l| l.contains(id))))
            .collect();
        body["is_leader_in_dept"] = serde_json::json!(leaders);
    }
    if let Some(x) = m.main_department {
        body["main_department"] = x.into();
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

    /// Creates a department; when the platform says it exists already (a create that went
    /// through before a crash), finds it under its parent by name.
    async fn create_department(
        &self,
        name: &str,
        parent: i64,
        position: Option<i64>,
    ) -> Result<i64> {
        let mut body = serde_json::json!({ "name": name, "parentid": parent });
        if let Some(p) = position {
            body["order"] = raw_order(p).into();
        }
        match self.post("department/create", &body).await {
            Ok(b) => b["id"]
                .as_i64()
                .ok_or_else(|| Error::Network("department/create gave no id".into())),
            // "Name exists" (60008) or any other refusal: a department of that name under the
            // parent is the one a lost answer created.
            Err(e @ Error::Platform { .. }) => {
                let list = self
                    .get("department/list", &[("id", parent.to_string())])
                    .await?;
                let found: Vec<Department> = serde_json::from_value(list["department"].clone())
                    .map_err(|e| Error::Network(format!("department/list: {e}")))?;
                found
                    .into_iter()
                    .find(|d| d.parentid == parent && d.name == name)
                    .map(|d| d.id)
                    .ok_or(e)
            }
            Err(e) => Err(e),
        }
    }

    async fn update_department(&self, id: i64, change: &DepartmentWrite) -> Result<()> {
        let mut body = serde_json::json!({ "id": id });
        if let Some(n) = &change.name {
            body["name"] = n.clone().into();
        }
        if let Some(p) = change.parent {
            body["parentid"] = p.into();
        }
        if let Some(p) = change.position {
            body["order"] = raw_order(p).into();
        }
        self.post("department/update", &body).await.map(drop)
    }

    /// Deletes a department; one the platform no longer has is taken as deleted.
    async fn delete_department(&self, id: i64) -> Result<()> {
        match self
            .get("department/delete", &[("id", id.to_string())])
            .await
        {
            Err(e) if refused(&e).is_some_and(|c| DEPARTMENT_NOT_FOUND.contains(&c)) => Ok(()),
            other => other.map(drop),
        }
    }

    /// Creates a member; when refused (UserID or mobile "already exists": a create whose answer
    /// was lost) and the platform has the account, it is created.
    async fn create_member(&self, userid: &str, m: &MemberWrite) -> Result<()> {
        match self.post("user/create", &member_body(userid, m)).await {
            Err(e @ Error::Platform { .. }) => {
                match self
                    .get("user/get", &[("userid", userid.to_string())])
                    .await
                {
                    Ok(_) => Ok(()),
                    Err(_) => Err(e),
                }
            }
            other => other.map(drop),
        }
    }

    async fn update_member(&self, userid: &str, m: &MemberWrite) -> Result<()> {
        self.post("user/update", &member_body(userid, m))
            .await
            .map(drop)
    }

    /// Deletes a member; one the platform no longer has is taken as deleted.
    async fn delete_member(&self, userid: &str) -> Result<()> {
        match self
            .get("user/delete", &[("userid", userid.to_string())])
            .await
        {
            Err(e) if refused(&e) == Some(USER_NOT_FOUND) => Ok(()),
            other => other.map(drop),
        }
    }
}
