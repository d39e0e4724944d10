//! WeCom's contacts API (developer.work.weixin.qq.com/document/path/91039, 90208, 90200): the
//! token from `gettoken` (cached, fetched again when the platform says it expired: 42001,
//! 40014), the department list, and the members of each department. The platform's "too
//! frequent" answer (45009) is retried with a growing pause.

use crate::error::{Error, Result};
use crate::MemberWrite;
use orgdesk_core::sync::{ApiCall, LiveDepartment, LiveMember, LiveState};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::Mutex;

/// Answers that mean the token must be fetched again.
const TOKEN_EXPIRED: [i64; 2] = [42001, 40014];
/// "API calls too frequent".
const TOO_FREQUENT: i64 = 45009;
/// Tries of one call when the platform says it is called too often.
const TRIES: u32 = 4;

pub struct Client {
    base: String,
    corp_id: String,
    secret: String,
    http: reqwest::Client,
    token: Mutex<Option<String>>,
    /// Every answered call, for the API log.
    calls: std::sync::Mutex<Vec<ApiCall>>,
    /// The first pause after a "too frequent" answer (doubled each time).
    pub backoff: Duration,
    /// Calls per endpoint the client allows itself in `window` (the dataset's documented
    /// limit, `contacts_api_rate`, a minute), and when each endpoint's recent calls were made.
    pub per_window: usize,
    pub window: Duration,
    recent: std::sync::Mutex<
        std::collections::HashMap<String, std::collections::VecDeque<std::time::Instant>>,
    >,
}

/// WeCom's documented limit per endpoint and minute, from the capability dataset.
pub fn documented_per_minute() -> usize {
    use orgdesk_core::dataset::{CellValue, Dataset};
    Dataset::builtin()
        .row("contacts_api_rate")
        .and_then(|r| r.current("wecom"))
        .and_then(|c| match &c.value {
            Some(CellValue::Number { value, .. }) => Some(*value as usize),
            _ => None,
        })
        .unwrap_or(10_000)
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

impl Client {
    pub fn new(base: &str, corp_id: &str, secret: &str) -> Result<Client> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(Client {
            base: base.trim_end_matches('/').to_string(),
            corp_id: corp_id.to_string(),
            secret: secret.to_string(),
            http,
            token: Mutex::new(None),
            calls: std::sync::Mutex::new(Vec::new()),
            backoff: Duration::from_millis(500),
            per_window: documented_per_minute(),
            window: Duration::from_secs(60),
            recent: Default::default(),
        })
    }

    async fn fetch_token(&self) -> Result<String> {
        let url = format!("{}/cgi-bin/gettoken", self.base);
        let body: Value = self
            .http
            .get(url)
            .query(&[("corpid", &self.corp_id), ("corpsecret", &self.secret)])
            .send()
            .await?
            .json()
            .await?;
        self.log("gettoken", &body);
        check(&body)?;
        body["access_token"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| Error::Network("gettoken gave no access_token".into()))
    }

    async fn token(&self, fresh: bool) -> Result<String> {
        let mut cached = self.token.lock().await;
        if fresh || cached.is_none() {
            *cached = Some(self.fetch_token().await?);
        }
        Ok(cached.clone().unwrap_or_default())
    }

    fn log(&self, endpoint: &str, body: &Value) {
        let unix_seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let call = ApiCall {
            unix_seconds,
            endpoint: endpoint.to_string(),
            errcode: body["errcode"].as_i64().unwrap_or(0),
        };
        self.calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(call);
    }

    /// Waits, when `endpoint` had its window's calls already, until the oldest leaves it.
    async fn pace(&self, endpoint: &str) {
        let minute = self.window;
        loop {
            let wait = {
                let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
                let times = recent.entry(endpoint.to_string()).or_default();
                let now = std::time::Instant::now();
                while times
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= minute)
                {
                    times.pop_front();
                }
                if times.len() < self.per_window.max(1) {
                    times.push_back(now);
                    return;
                }
                minute - now.duration_since(times[0])
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// The calls answered so far (and forgets them).
    pub fn take_calls(&self) -> Vec<ApiCall> {
        std::mem::take(&mut *self.calls.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// GET `path` with `query`: the token added, fetched again once when it expired, and
    /// retried with a growing pause when the platform says it is called too often.
    pub async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Value> {
        self.call(path, query, None).await
    }

    /// POST `body` to `path`, as [`Client::get`] does.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value> {
        self.call(path, &[], Some(body)).await
    }

    async fn call(
        &self,
        path: &str,
        query: &[(&str, String)],
        json: Option<&Value>,
    ) -> Result<Value> {
        let mut fresh = false;
        let mut pause = self.backoff;
        let mut tries = 0;
        loop {
            let token = self.token(fresh).await?;
            self.pace(path).await;
            let url = format!("{}/cgi-bin/{path}", self.base);
            let mut q: Vec<(&str, String)> = vec![("access_token", token)];
            q.extend(query.iter().cloned());
            let request = match json {
                Some(b) => self.http.post(url).json(b),
                None => self.http.get(url),
            };
            let body: Value = request.query(&q).send().await?.json().await?;
            self.log(path, &body);
            let code = body["errcode"].as_i64().unwrap_or(0);
            tries += 1;
            if TOKEN_EXPIRED.contains(&code) && !fresh {
                fresh = true;
                continue;
            }
            if code == TOO_FREQUENT && tries < TRIES {
                tokio::time::sleep(pause).await;
                pause *= 2;
                continue;
            }
            check(&body)?;
            return Ok(body);
        }
    }

    /// Whether the id and secret are right: a token is fetched.
    pub async fn check(&self) -> Result<()> {
        self.token(true).await.map(|_| ())
    }

    /// The live directory: every department, and the members of each (a member in several
    /// departments is read once per department and kept once).
    pub async fn pull(&self) -> Result<LiveState> {
        let body = self.get("department/list", &[]).await?;
        let departments: Vec<Department> = serde_json::from_value(body["department"].clone())
            .map_err(|e| Error::Network(format!("department/list: {e}")))?;
        let ids: std::collections::BTreeSet<i64> = departments.iter().map(|d| d.id).collect();
        let mut members: BTreeMap<String, LiveMember> = BTreeMap::new();
        let (mut mobile_seen, mut email_seen) = (false, false);
        for d in &departments {
            let body = self
                .get("user/list", &[("department_id", d.id.to_string())])
                .await?;
            let users: Vec<User> = serde_json::from_value(body["userlist"].clone())
                .map_err(|e| Error::Network(format!("user/list: {e}")))?;
            for u in users {
                mobile_seen |= u.mobile.is_some();
                email_seen |= u.email.is_some();
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
                });
            }
        }
        let mut withheld = Vec::new();
        if !members.is_empty() {
            // Since 2022 WeCom gives new self-built apps no mobile or email.
            if !mobile_seen {
                withheld.push("mobile".to_string());
            }
            if !email_seen {
                withheld.push("email".to_string());
            }
        }
        Ok(LiveState {
            departments: departments
                .into_iter()
                .map(|d| LiveDepartment {
                    id: d.id,
                    parent_id: (d.parentid != 0 && ids.contains(&d.parentid)).then_some(d.parentid),
                    name: d.name,
                    order: d.order,
                })
                .collect(),
            members: members.into_values().collect(),
            withheld,
        })
    }
}

/// The platform's answer as an error when its errcode is not 0 (judged by the code only: the
/// message may change).
fn check(body: &Value) -> Result<()> {
    match body["errcode"].as_i64().unwrap_or(0) {
        0 => Ok(()),
        code => Err(Error::Platform {
            code,
            message: body["errmsg"]
                .as_str()
                .unwrap_or("")
                .chars()
                .take(200)
                .collect(),
        }),
    }
}

/// "Department name already exists" under that parent (a create that the platform did before).
const DEPARTMENT_EXISTS: i64 = 60008;
/// "UserID already exists".
const USER_EXISTS: i64 = 60102;
/// "UserID not found".
const USER_NOT_FOUND: i64 = 60111;
/// "Department not found" and "invalid department id".
const DEPARTMENT_NOT_FOUND: [i64; 2] = [60003, 60123];

fn code(e: &Error) -> Option<i64> {
    match e {
        Error::Platform { code, .. } => Some(*code),
        _ => None,
    }
}

/// A member's fields as `user/create` and `user/update` take them (None: left as it is; an
/// empty text clears it).
fn member_body(userid: &str, m: &MemberWrite) -> Value {
    let mut body = serde_json::json!({ "userid": userid });
    let mut put = |k: &str, v: Value| {
        body[k] = v;
    };
    if let Some(x) = &m.new_userid {
        put("new_userid", x.clone().into());
    }
    for (k, v) in [
        ("name", &m.name),
        ("mobile", &m.mobile),
        ("email", &m.email),
        ("position", &m.position),
    ] {
        if let Some(v) = v {
            put(k, v.clone().into());
        }
    }
    if let Some(d) = &m.departments {
        put("department", serde_json::json!(d));
        let leaders: Vec<i32> = d
            .iter()
            .map(|id| i32::from(m.leader_in.as_ref().is_some_and(|l| l.contains(id))))
            .collect();
        put("is_leader_in_dept", serde_json::json!(leaders));
    }
    if let Some(x) = m.main_department {
        put("main_department", x.into());
    }
    body
}

impl crate::Directory for Client {
    async fn check(&self) -> Result<()> {
        Client::check(self).await
    }

    async fn pull(&self) -> Result<LiveState> {
        Client::pull(self).await
    }

    fn take_calls(&self) -> Vec<ApiCall> {
        Client::take_calls(self)
    }

    /// Creates a department; when the platform says it exists already (a create that went
    /// through before a crash), finds it under its parent by name.
    async fn create_department(&self, name: &str, parent: i64) -> Result<i64> {
        let body = serde_json::json!({ "name": name, "parentid": parent });
        match self.post("department/create", &body).await {
            Ok(b) => b["id"]
                .as_i64()
                .ok_or_else(|| Error::Network("department/create gave no id".into())),
            Err(e) if code(&e) == Some(DEPARTMENT_EXISTS) => {
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

    async fn update_department(
        &self,
        id: i64,
        name: Option<&str>,
        parent: Option<i64>,
    ) -> Result<()> {
        let mut body = serde_json::json!({ "id": id });
        if let Some(n) = name {
            body["name"] = n.into();
        }
        if let Some(p) = parent {
            body["parentid"] = p.into();
        }
        self.post("department/update", &body).await.map(drop)
    }

    /// Deletes a department; one the platform no longer has is taken as deleted.
    async fn delete_department(&self, id: i64) -> Result<()> {
        match self
            .get("department/delete", &[("id", id.to_string())])
            .await
        {
            Err(e) if code(&e).is_some_and(|c| DEPARTMENT_NOT_FOUND.contains(&c)) => Ok(()),
            other => other.map(drop),
        }
    }

    /// Creates a member; "UserID already exists" (a create that went through before a crash)
    /// is taken as created.
    async fn create_member(&self, userid: &str, m: &MemberWrite) -> Result<()> {
        match self.post("user/create", &member_body(userid, m)).await {
            Err(e) if code(&e) == Some(USER_EXISTS) => Ok(()),
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
            Err(e) if code(&e) == Some(USER_NOT_FOUND) => Ok(()),
            other => other.map(drop),
        }
    }
}
