//! Talking to the platforms' servers, beside the core (which stays synchronous and offline): a
//! connection's secret in the OS keyring, never in the workspace; an async client per platform
//! with the token cached and refreshed, and retries on the documented "too
//! frequent" answers; a pull that reads the live directory and hands it to the core. The core
//! computes the plan and keeps the journal; [`apply`] makes the calls. One module per platform
//! ([`wecom`], [`dingtalk`], [`feishu`]) behind the [`Directory`] trait, over [`http`].
//!
//! With the `fake` feature, [`fake`] serves the three platforms' documented contacts APIs on
//! localhost for tests; `ORGDESK_WECOM_API`, `ORGDESK_DINGTALK_API` and `ORGDESK_FEISHU_API`
//! point the clients at it (or at a private deployment).

mod apply;
pub mod dingtalk;
pub mod error;
#[cfg(feature = "fake")]
pub mod fake;
pub mod feishu;
pub mod http;
pub mod secret;
pub mod wecom;

pub use apply::Options as ApplyOptions;
pub use error::{Error, Result};
use orgdesk_core::progress::Progress;
use orgdesk_core::sync::journal::ApplyReport;
use orgdesk_core::sync::{ApiCall, LiveDepartment, LiveMember, LiveState, Pulled};
use orgdesk_core::{Lang, Platform, Workspace};

/// A member's fields as a create or an update writes them (None: not written; an empty text
/// clears the field). Departments are the platform's ids.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemberWrite {
    /// A new account for the member (an update that renames the account).
    pub new_userid: Option<String>,
    pub name: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub position: Option<String>,
    pub departments: Option<Vec<i64>>,
    pub main_department: Option<i64>,
    /// Of `departments`, those the member leads.
    pub leader_in: Option<Vec<i64>>,
}

/// A department's fields as an update writes them (None: not written).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DepartmentWrite {
    pub name: Option<String>,
    pub parent: Option<i64>,
    /// Its position (from 1) among its siblings.
    pub position: Option<i64>,
}

impl MemberWrite {
    /// Sets the text fields this write changes in `body`, under the platform's name for the
    /// position (`position`, `title`, `job_title`).
    pub(crate) fn put_texts(&self, body: &mut serde_json::Value, position: &str) {
        for (k, v) in [
            ("name", &self.name),
            ("mobile", &self.mobile),
            ("email", &self.email),
            (position, &self.position),
        ] {
            if let Some(v) = v {
                body[k] = v.clone().into();
            }
        }
    }
}

/// What OrgDesk asks of a platform's contacts API, one implementation per platform. Creates
/// and deletes are idempotent: a create the platform did already ("already exists") and a
/// delete of what is gone are answered as done, so a resumed run repeats nothing.
#[allow(async_fn_in_trait)]
pub trait Directory {
    /// Whether the id and secret are right.
    async fn check(&self) -> Result<()>;
    /// The live directory, reporting the departments read so far to `progress` and stopping
    /// (an error, nothing kept) when it is cancelled.
    async fn pull_with(&self, progress: &dyn Progress) -> Result<LiveState>;
    /// The live directory.
    async fn pull(&self) -> Result<LiveState> {
        self.pull_with(&orgdesk_core::progress::Silent).await
    }
    /// The calls answered since the last time (and forgets them), for the API log.
    fn take_calls(&self) -> Vec<ApiCall>;
    /// The new department's id; `position` (from 1) among its siblings, when the plan sets it.
    async fn create_department(
        &self,
        name: &str,
        parent: i64,
        position: Option<i64>,
    ) -> Result<i64>;
    async fn update_department(&self, id: i64, change: &DepartmentWrite) -> Result<()>;
    async fn delete_department(&self, id: i64) -> Result<()>;
    async fn create_member(&self, userid: &str, m: &MemberWrite) -> Result<()>;
    async fn update_member(&self, userid: &str, m: &MemberWrite) -> Result<()>;
    async fn delete_member(&self, userid: &str) -> Result<()>;
}

/// The live state a pull read, with the fields the platform withheld named: since 2022 WeCom
/// gives new self-built apps no mobile or email, and the others leave out what the app may not
/// read — no member with one means it was withheld.
pub(crate) fn live_state(departments: Vec<LiveDepartment>, members: Vec<LiveMember>) -> LiveState {
    let mut withheld = Vec::new();
    if !members.is_empty() {
        if members.iter().all(|m| m.mobile.is_none()) {
            withheld.push("mobile".to_string());
        }
        if members.iter().all(|m| m.email.is_none()) {
            withheld.push("email".to_string());
        }
    }
    LiveState {
        departments,
        members,
        withheld,
    }
}

/// The base URL of `platform`'s API: the documented one, or the environment's override
/// (`ORGDESK_WECOM_API`, `ORGDESK_DINGTALK_API`, `ORGDESK_FEISHU_API`).
pub fn base_url(platform: Platform) -> String {
    let (var, default) = match platform {
        Platform::Dingtalk => ("ORGDESK_DINGTALK_API", "https://oapi.dingtalk.com"),
        Platform::Feishu => ("ORGDESK_FEISHU_API", "https://open.feishu.cn"),
        _ => ("ORGDESK_WECOM_API", "https://qyapi.weixin.qq.com"),
    };
    std::env::var(var)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_string())
        .trim_end_matches('/')
        .to_string()
}

/// Connects `ws` to `platform`: the id in the workspace, the secret in the OS keyring (checked
/// to be there before the workspace is changed). A keyring that cannot be reached is an error;
/// the secret is never written anywhere else.
pub fn connect(ws: &mut Workspace, platform: Platform, id: &str, secret: &str) -> Result<()> {
    // A wrong id is said before the keyring is touched.
    orgdesk_core::sync::check_client_id(id)?;
    let secret = secret.trim();
    if secret.is_empty() {
        return Err(Error::Input("secret_required".into()));
    }
    let user = secret::new_user(platform);
    secret::store(&user, secret)?;
    let old = ws.platform_connection()?;
    if let Err(e) = ws.connect(platform, id, &user) {
        let _ = secret::delete(&user);
        return Err(e.into());
    }
    if let Some(old) = old {
        let _ = secret::delete(&old.keyring_user);
    }
    Ok(())
}

/// Disconnects `ws` and removes the secret from the keyring.
pub fn disconnect(ws: &mut Workspace) -> Result<()> {
    let c = ws.disconnect()?;
    secret::delete(&c.keyring_user)
}

/// The platform `ws` is connected to, its id and the secret from the keyring.
fn credentials(ws: &Workspace) -> Result<(Platform, String, String)> {
    let c = ws.platform_connection()?.ok_or_else(|| {
        Error::Core(orgdesk_core::Error::new(
            orgdesk_core::ErrorCode::NotConnected,
            "not_connected",
        ))
    })?;
    let secret = secret::load(&c.keyring_user)?;
    Ok((c.platform, c.client_id, secret))
}

/// Runs `$body` with `$c` bound to the client of the platform `$ws` is connected to (and
/// `$platform` to the platform): the trait's methods are async, so the client is chosen here
/// rather than boxed.
macro_rules! with_client {
    ($ws:expr, |$platform:ident, $c:ident| $body:expr) => {{
        let ($platform, id, secret) = credentials($ws)?;
        let base = base_url($platform);
        match $platform {
            Platform::Wecom => {
                let $c = wecom::Client::new(&base, &id, &secret)?;
                $body
            }
            Platform::Dingtalk => {
                let $c = dingtalk::Client::new(&base, &id, &secret)?;
                $body
            }
            Platform::Feishu => {
                let $c = feishu::Client::new(&base, &id, &secret)?;
                $body
            }
            other => Err(Error::Unsupported(other.as_str().to_string())),
        }
    }};
}

/// Reads the live directory of the platform `ws` is connected to (with progress, cancellable)
/// and keeps it beside the plan, with every call's answer in the API log the health view
/// reads — a failed pull's calls too.
pub fn pull(ws: &mut Workspace, progress: &dyn Progress) -> Result<Pulled> {
    with_client!(ws, |platform, c| {
        match block_on(Directory::pull_with(&c, progress))? {
            Ok(state) => Ok(ws.store_pull(platform, &state, &Directory::take_calls(&c))?),
            Err(e) => {
                ws.log_failed_pull(platform, &Directory::take_calls(&c), &e.code())?;
                Err(e)
            }
        }
    })
}

/// The error of a cancelled pull.
pub(crate) fn cancelled() -> Error {
    orgdesk_core::Error::new(orgdesk_core::ErrorCode::Cancelled, "pull_cancelled").into()
}

/// Checks the connection's id and secret with the platform (a token is fetched); nothing is
/// written.
pub fn test_connection(ws: &Workspace) -> Result<()> {
    with_client!(ws, |_platform, c| block_on(Directory::check(&c))?)
}

/// Applies the saved plan `id` to the platform `ws` is connected to (see [`ApplyOptions`]):
/// nothing when the live rows it touches changed since its pull; each operation journaled
/// before and after its call; the first failure stops the run; a complete run reads the live
/// directory again.
pub fn apply(
    ws: &mut Workspace,
    id: &str,
    options: ApplyOptions,
    lang: Lang,
    progress: &dyn Progress,
) -> Result<ApplyReport> {
    with_client!(ws, |_platform, c| block_on(apply::run(
        ws, &c, id, options, lang, progress
    ))?)
}

/// Runs `f` to completion on a runtime of its own, on a thread of its own: callable from plain
/// code (the CLI) and from inside another runtime (the app's commands) alike.
fn block_on<F: std::future::Future + Send>(f: F) -> Result<F::Output>
where
    F::Output: Send,
{
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map(|rt| rt.block_on(f))
                    .map_err(|e| Error::Network(e.to_string()))
            })
            .join()
            .unwrap_or_else(|_| Err(Error::Network("the platform client stopped".into())))
    })
}
