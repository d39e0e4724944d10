//! Feishu's contact API v3 (platforms.md §3; open.larkoffice.com contact-v3): the tenant token
//! from `auth/v3/tenant_access_token/internal`, sent as `Authorization: Bearer`; departments
//! read from the root ("0") down in one paged `children?fetch_child=true`, members a page at a
//! time per department; HTTP 429 / 99991400 waits as long as `x-ogw-ratelimit-reset` says.
//! Feishu's department ids are text (`open_department_id`): the client gives each a stable
//! number (the workspace keeps numbers) and keeps the way back. A department's leader is its
//! `leader_user_id`. Where a write's answer was lost, what the platform holds is read back
//! (Feishu's "already exists" and "not found" codes are not in our sources).

use crate::error::{Error, Result};
use crate::http::{self, Dialect};
use crate::{DepartmentWrite, MemberWrite};
use orgdesk_core::progress::Progress;
use orgdesk_core::sync::{ApiCall, LiveDepartment, LiveMember, LiveState};
use orgdesk_core::Platform;
use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

/// The root department's id on Feishu.
const ROOT: &str = "0";
/// Items per page (the documented maximum for these lists).
const PAGE: &str = "50";
/// Departments and members named by `open_department_id` and `user_id`.
const IDS: [(&str, &str); 2] = [
    ("department_id_type", "open_department_id"),
    ("user_id_type", "user_id"),
];

pub struct Feishu;

impl Dialect for Feishu {
    const PLATFORM: Platform = Platform::Feishu;
    const TOKEN_ENDPOINT: &'static str = "auth/v3/tenant_access_token/internal";
    /// Invalid or expired tenant token (Feishu's code list; not in platforms.md).
    const EXPIRED: &'static [i64] = &[99991661, 99991663];
    const THROTTLED: &'static [i64] = &[99991400];

    fn token_request(http: &reqwest::Client, base: &str, id: &str, secret: &str) -> RequestBuilder {
        http.post(format!(
            "{base}/open-apis/auth/v3/tenant_access_token/internal"
        ))
        .json(&json!({ "app_id": id, "app_secret": secret }))
    }
    fn token_of(body: &Value) -> Option<String> {
        body["tenant_access_token"].as_str().map(str::to_string)
    }
    fn url(base: &str, path: &str) -> String {
        format!("{base}/open-apis/{path}")
    }
    fn authorize(request: RequestBuilder, token: &str) -> RequestBuilder {
        request.bearer_auth(token)
    }
    fn code(body: &Value) -> i64 {
        body["code"].as_i64().unwrap_or(0)
    }
    fn message(body: &Value) -> String {
        body["msg"].as_str().unwrap_or("").to_string()
    }
}

/// Feishu's client: the shared HTTP client and the numbers given to department ids.
pub struct Client {
    pub api: http::Client<Feishu>,
    ids: std::sync::Mutex<HashMap<i64, String>>,
}

/// A stable number for a Feishu department id (FNV-1a, kept within what a JavaScript number
/// holds exactly); the root is 0.
pub fn number(open_id: &str) -> i64 {
    if open_id == ROOT {
        return 0;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in open_id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    ((h & ((1 << 52) - 1)) as i64).max(1)
}

impl Client {
    pub fn new(base: &str, id: &str, secret: &str) -> Result<Client> {
        Ok(Client {
            api: http::Client::new(base, id, secret)?,
            ids: Default::default(),
        })
    }

    /// The number of a Feishu department id, remembered for the way back.
    fn known(&self, open_id: &str) -> i64 {
        let n = number(open_id);
        self.ids
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(n, open_id.to_string());
        n
    }

    /// The Feishu id of a department number read or created before.
    fn open_id(&self, n: i64) -> Result<String> {
        if n == 0 {
            return Ok(ROOT.into());
        }
        self.ids
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&n)
            .cloned()
            .ok_or_else(|| {
                orgdesk_core::Error::new(
                    orgdesk_core::ErrorCode::PlanBlocked,
                    "sync_department_unknown",
                )
                .with("path", n)
                .into()
            })
    }

    async fn call(
        &self,
        method: Method,
        endpoint: &str,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Value> {
        let mut q: Vec<(&str, String)> = IDS.iter().map(|(k, v)| (*k, v.to_string())).collect();
        q.extend(query.iter().cloned());
        self.api.call(method, endpoint, path, &q, body).await
    }

    /// Every item of a paged list.
    async fn pages(
        &self,
        endpoint: &str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Vec<Value>> {
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut q = query.to_vec();
            q.push(("page_size", PAGE.into()));
            if let Some(t) = &token {
                q.push(("page_token", t.clone()));
            }
            let body = self.call(Method::GET, endpoint, path, &q, None).await?;
            let data = &body["data"];
            items.extend(data["items"].as_array().cloned().unwrap_or_default());
            match (data["has_more"].as_bool(), data["page_token"].as_str()) {
                (Some(true), Some(t)) => token = Some(t.to_string()),
                _ => return Ok(items),
            }
        }
    }

    async fn department(&self, open_id: &str) -> Result<Value> {
        let body = self
            .call(
                Method::GET,
                "contact/v3/departments/:id",
                &format!("contact/v3/departments/{open_id}"),
                &[],
                None,
            )
            .await?;
        Ok(body["data"]["department"].clone())
    }

    async fn children(&self, open_id: &str, all: bool) -> Result<Vec<Value>> {
        self.pages(
            "contact/v3/departments/:id/children",
            &format!("contact/v3/departments/{open_id}/children"),
            &[("fetch_child", all.to_string())],
        )
        .await
    }

    async fn user_exists(&self, userid: &str) -> Result<bool> {
        match self
            .call(
                Method::GET,
                "contact/v3/users/:id",
                &format!("contact/v3/users/{userid}"),
                &[],
                None,
            )
            .await
        {
            Ok(_) => Ok(true),
            Err(Error::Platform { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn read(&self, progress: &dyn Progress) -> Result<LiveState> {
        let root = self.department(ROOT).await?;
        let mut raw = vec![(ROOT.to_string(), root)];
        for d in self.children(ROOT, true).await? {
            let id = d["open_department_id"].as_str().unwrap_or("").to_string();
            raw.push((id, d));
        }
        let mut departments = Vec::new();
        let mut leaders: HashMap<String, Vec<i64>> = HashMap::new();
        for (order, (open_id, d)) in raw.iter().enumerate() {
            let id = self.known(open_id);
            if let Some(l) = d["leader_user_id"].as_str().filter(|l| !l.is_empty()) {
                leaders.entry(l.to_lowercase()).or_default().push(id);
            }
            departments.push(LiveDepartment {
                id,
                parent_id: (open_id != ROOT)
                    .then(|| number(d["parent_department_id"].as_str().unwrap_or(ROOT))),
                name: d["name"].as_str().unwrap_or("").to_string(),
                order: d["order"]
                    .as_str()
                    .and_then(|o| o.parse().ok())
                    .unwrap_or(order as i64),
            });
        }
        let mut members: BTreeMap<String, LiveMember> = BTreeMap::new();
        for (done, (open_id, _)) in raw.iter().enumerate() {
            if progress.cancelled() {
                return Err(crate::cancelled());
            }
            progress.update(done as u64, raw.len() as u64);
            let users = self
                .pages(
                    "contact/v3/users/find_by_department",
                    "contact/v3/users/find_by_department",
                    &[("department_id", open_id.clone())],
                )
                .await?;
            for u in users {
                let text = |k: &str| u[k].as_str().filter(|x| !x.is_empty()).map(String::from);
                let Some(userid) = text("user_id") else {
                    continue;
                };
                let departments: Vec<i64> = u["department_ids"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).map(number).collect())
                    .unwrap_or_default();
                members.entry(userid.clone()).or_insert(LiveMember {
                    leader_in: leaders
                        .get(&userid.to_lowercase())
                        .cloned()
                        .unwrap_or_default(),
                    main_department: departments.first().copied(),
                    departments,
                    name: text("name").unwrap_or_default(),
                    mobile: text("mobile"),
                    email: text("email"),
                    position: text("job_title"),
                    status: u["status"]["is_activated"]
                        .as_bool()
                        .map(|a| if a { 1 } else { 4 }),
                    admin: (u["is_tenant_manager"] == true).then(|| "super_admin".into()),
                    userid,
                });
            }
        }
        Ok(crate::live_state(
            departments,
            members.into_values().collect(),
        ))
    }

    fn member_body(&self, userid: Option<&str>, m: &MemberWrite) -> Result<Value> {
        let mut body = json!({});
        if let Some(u) = userid {
            body["user_id"] = u.into();
            body["employee_type"] = 1.into();
        }
        m.put_texts(&mut body, "job_title");
        if let Some(d) = &m.departments {
            let ids = d
                .iter()
                .map(|n| self.open_id(*n))
                .collect::<Result<Vec<_>>>()?;
            body["department_ids"] = json!(ids);
        }
        Ok(body)
    }

    /// Makes `userid` the leader of exactly the departments in `lead` among `departments`.
    async fn set_leader(&self, userid: &str, departments: &[i64], lead: &[i64]) -> Result<()> {
        for n in departments {
            let open_id = self.open_id(*n)?;
            let d = self.department(&open_id).await?;
            let is = d["leader_user_id"]
                .as_str()
                .is_some_and(|l| l.eq_ignore_ascii_case(userid));
            let should = lead.contains(n);
            if is != should {
                let leader = if should { userid } else { "" };
                self.call(
                    Method::PATCH,
                    "contact/v3/departments/:id",
                    &format!("contact/v3/departments/{open_id}"),
                    &[],
                    Some(&json!({ "leader_user_id": leader })),
                )
                .await?;
            }
        }
        Ok(())
    }
}

impl crate::Directory for Client {
    async fn check(&self) -> Result<()> {
        self.api.check().await
    }

    async fn pull_with(&self, progress: &dyn Progress) -> Result<LiveState> {
        self.read(progress).await
    }

    fn take_calls(&self) -> Vec<ApiCall> {
        self.api.take_calls()
    }

    /// Creates a department; when refused, one of that name already under the parent (a
    /// create whose answer was lost) is taken as it.
    async fn create_department(
        &self,
        name: &str,
        parent: i64,
        position: Option<i64>,
    ) -> Result<i64> {
        let parent_id = self.open_id(parent)?;
        let mut body = json!({ "name": name, "parent_department_id": parent_id });
        if let Some(p) = position {
            body["order"] = p.to_string().into();
        }
        match self
            .call(
                Method::POST,
                "contact/v3/departments",
                "contact/v3/departments",
                &[],
                Some(&body),
            )
            .await
        {
            Ok(b) => Ok(self.known(
                b["data"]["department"]["open_department_id"]
                    .as_str()
                    .unwrap_or(""),
            )),
            Err(e @ Error::Platform { .. }) => self
                .children(&parent_id, false)
                .await?
                .iter()
                .find(|d| d["name"] == name)
                .and_then(|d| d["open_department_id"].as_str())
                .map(|id| self.known(id))
                .ok_or(e),
            Err(e) => Err(e),
        }
    }

    async fn update_department(&self, id: i64, change: &DepartmentWrite) -> Result<()> {
        let mut body = json!({});
        if let Some(n) = &change.name {
            body["name"] = n.clone().into();
        }
        if let Some(p) = change.parent {
            body["parent_department_id"] = self.open_id(p)?.into();
        }
        if let Some(p) = change.position {
            body["order"] = p.to_string().into();
        }
        let open_id = self.open_id(id)?;
        self.call(
            Method::PATCH,
            "contact/v3/departments/:id",
            &format!("contact/v3/departments/{open_id}"),
            &[],
            Some(&body),
        )
        .await
        .map(drop)
    }

    /// Deletes a department; when refused and the platform no longer has it, it is deleted.
    async fn delete_department(&self, id: i64) -> Result<()> {
        let open_id = self.open_id(id)?;
        match self
            .call(
                Method::DELETE,
                "contact/v3/departments/:id",
                &format!("contact/v3/departments/{open_id}"),
                &[],
                None,
            )
            .await
        {
            Err(e @ Error::Platform { .. }) => match self.department(&open_id).await {
                Err(Error::Platform { .. }) => Ok(()),
                _ => Err(e),
            },
            other => other.map(drop),
        }
    }

    /// Creates a member; when refused and the platform has the account (a create whose answer
    /// was lost), it is created.
    async fn create_member(&self, userid: &str, m: &MemberWrite) -> Result<()> {
        let body = self.member_body(Some(userid), m)?;
        match self
            .call(
                Method::POST,
                "contact/v3/users",
                "contact/v3/users",
                &[],
                Some(&body),
            )
            .await
        {
            Err(e @ Error::Platform { .. }) => {
                if !self.user_exists(userid).await? {
                    return Err(e);
                }
            }
            other => drop(other?),
        }
        if let (Some(d), Some(lead)) = (&m.departments, &m.leader_in) {
            self.set_leader(userid, d, lead).await?;
        }
        Ok(())
    }

    async fn update_member(&self, userid: &str, m: &MemberWrite) -> Result<()> {
        if m.new_userid.is_some() {
            return Err(Error::Platform {
                code: -1,
                message: "OrgDesk does not change a Feishu member's user_id".into(),
            });
        }
        let body = self.member_body(None, m)?;
        self.call(
            Method::PATCH,
            "contact/v3/users/:id",
            &format!("contact/v3/users/{userid}"),
            &[],
            Some(&body),
        )
        .await?;
        if let (Some(d), Some(lead)) = (&m.departments, &m.leader_in) {
            self.set_leader(userid, d, lead).await?;
        }
        Ok(())
    }

    /// Deletes a member; when refused and the platform no longer has them, they are deleted.
    async fn delete_member(&self, userid: &str) -> Result<()> {
        match self
            .call(
                Method::DELETE,
                "contact/v3/users/:id",
                &format!("contact/v3/users/{userid}"),
                &[],
                None,
            )
            .await
        {
            Err(e @ Error::Platform { .. }) if self.user_exists(userid).await? => Err(e),
            Err(Error::Platform { .. }) => Ok(()),
            other => other.map(drop),
        }
    }
}
