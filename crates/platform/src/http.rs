//! What the three platforms' clients share: a token fetched once and again when the platform
//! says it expired, each endpoint paced to the documented calls per minute (from the capability
//! dataset), the documented "too frequent" answers retried with a growing pause (or as long as
//! the platform says, Feishu's `x-ogw-ratelimit-reset`), and every answered call's code kept
//! for the API log. A [`Dialect`] says how one platform spells each of these.

use crate::error::{Error, Result};
use orgdesk_core::sync::ApiCall;
use orgdesk_core::Platform;
use reqwest::{Method, RequestBuilder};
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::marker::PhantomData;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Tries of one call when the platform says it is called too often (pauses of 0.5, 1, 2, 4 and
/// 8 s by default: WeCom's minute blocks are waited out by the pacing, not by these).
const TRIES: u32 = 6;
/// The longest pause a platform's reset header is followed for.
const LONGEST_PAUSE: Duration = Duration::from_secs(60);

/// How one platform's API spells tokens, answers and errors.
pub trait Dialect: Send + Sync + 'static {
    const PLATFORM: Platform;
    /// The token endpoint's name in the API log.
    const TOKEN_ENDPOINT: &'static str;
    /// Answer codes that mean the token must be fetched again.
    const EXPIRED: &'static [i64];
    /// Answer codes that mean "too frequent".
    const THROTTLED: &'static [i64];
    /// The request for a token with the connection's id and secret.
    fn token_request(http: &reqwest::Client, base: &str, id: &str, secret: &str) -> RequestBuilder;
    /// An endpoint's URL (`path` as the log names it).
    fn url(base: &str, path: &str) -> String;
    // The rest defaults to WeCom's and DingTalk's shared spelling: `access_token` in the answer
    // and in the query, `errcode` and `errmsg`.
    fn token_of(body: &Value) -> Option<String> {
        body["access_token"].as_str().map(str::to_string)
    }
    /// The token added to a request.
    fn authorize(request: RequestBuilder, token: &str) -> RequestBuilder {
        request.query(&[("access_token", token)])
    }
    /// The answer's code: 0 for success.
    fn code(body: &Value) -> i64 {
        body["errcode"].as_i64().unwrap_or(0)
    }
    fn message(body: &Value) -> String {
        body["errmsg"].as_str().unwrap_or("").to_string()
    }
}

/// The calls a platform documents per endpoint and minute, from the capability dataset.
pub fn documented_per_minute(platform: Platform) -> usize {
    use orgdesk_core::dataset::{CellValue, Dataset};
    Dataset::builtin()
        .row("contacts_api_rate")
        .and_then(|r| r.current(platform.as_str()))
        .and_then(|c| match &c.value {
            Some(CellValue::Number { value, .. }) => Some(*value as usize),
            _ => None,
        })
        .unwrap_or(1000)
}

pub struct Client<D: Dialect> {
    base: String,
    id: String,
    secret: String,
    http: reqwest::Client,
    token: Mutex<Option<String>>,
    calls: std::sync::Mutex<Vec<ApiCall>>,
    /// The first pause after a "too frequent" answer without a reset time (doubled each time).
    pub backoff: Duration,
    /// Calls per endpoint the client allows itself in `window` (the documented limit a minute).
    pub per_window: usize,
    pub window: Duration,
    recent: std::sync::Mutex<HashMap<String, VecDeque<Instant>>>,
    dialect: PhantomData<D>,
}

impl<D: Dialect> Client<D> {
    pub fn new(base: &str, id: &str, secret: &str) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(Client {
            base: base.trim_end_matches('/').to_string(),
            id: id.to_string(),
            secret: secret.to_string(),
            http,
            token: Mutex::new(None),
            calls: std::sync::Mutex::new(Vec::new()),
            backoff: Duration::from_millis(500),
            per_window: documented_per_minute(D::PLATFORM),
            window: Duration::from_secs(60),
            recent: Default::default(),
            dialect: PhantomData,
        })
    }

    async fn fetch_token(&self) -> Result<String> {
        let body = read(
            D::token_request(&self.http, &self.base, &self.id, &self.secret)
                .send()
                .await?,
        )
        .await?
        .1;
        self.log(D::TOKEN_ENDPOINT, D::code(&body));
        check::<D>(&body)?;
        D::token_of(&body).ok_or_else(|| Error::Network("the token answer had no token".into()))
    }

    async fn token(&self, fresh: bool) -> Result<String> {
        let mut cached = self.token.lock().await;
        if fresh || cached.is_none() {
            *cached = Some(self.fetch_token().await?);
        }
        Ok(cached.clone().unwrap_or_default())
    }

    fn log(&self, endpoint: &str, errcode: i64) {
        let unix_seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        self.calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(ApiCall {
                unix_seconds,
                endpoint: endpoint.to_string(),
                errcode,
            });
    }

    /// Waits, when `endpoint` had its window's calls already, until the oldest leaves it.
    async fn pace(&self, endpoint: &str) {
        loop {
            let wait = {
                let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
                let times = recent.entry(endpoint.to_string()).or_default();
                let now = Instant::now();
                while times
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= self.window)
                {
                    times.pop_front();
                }
                if times.len() < self.per_window.max(1) {
                    times.push_back(now);
                    return;
                }
                self.window - now.duration_since(times[0])
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// The calls answered so far (and forgets them).
    pub fn take_calls(&self) -> Vec<ApiCall> {
        std::mem::take(&mut *self.calls.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Whether the id and secret are right: a token is fetched.
    pub async fn check(&self) -> Result<()> {
        self.token(true).await.map(|_| ())
    }

    pub async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Value> {
        self.call(Method::GET, path, path, query, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Result<Value> {
        self.call(Method::POST, path, path, &[], Some(body)).await
    }

    /// One call to `path`, named `endpoint` in the log and for pacing (without ids: `users/:id`):
    /// the token added (fetched again once when it expired), retried with a pause when the
    /// platform says it is called too often; an answer with an error code is
    /// [`Error::Platform`].
    pub async fn call(
        &self,
        method: Method,
        endpoint: &str,
        path: &str,
        query: &[(&str, String)],
        json: Option<&Value>,
    ) -> Result<Value> {
        let mut fresh = false;
        let mut pause = self.backoff;
        let mut tries = 0;
        loop {
            let token = self.token(fresh).await?;
            self.pace(endpoint).await;
            let mut request = self
                .http
                .request(method.clone(), D::url(&self.base, path))
                .query(query);
            if let Some(b) = json {
                request = request.json(b);
            }
            let (reset, body) = read(D::authorize(request, &token).send().await?).await?;
            let code = D::code(&body);
            self.log(endpoint, code);
            tries += 1;
            if D::EXPIRED.contains(&code) && !fresh {
                fresh = true;
                continue;
            }
            if D::THROTTLED.contains(&code) && tries < TRIES {
                tokio::time::sleep(reset.map_or(pause, |r| r.min(LONGEST_PAUSE))).await;
                pause *= 2;
                continue;
            }
            check::<D>(&body)?;
            return Ok(body);
        }
    }
}

/// An answer's body as JSON (an HTTP 429 with the platform's code in it included) and the
/// pause the platform asked for, if it did.
async fn read(response: reqwest::Response) -> Result<(Option<Duration>, Value)> {
    let reset = response
        .headers()
        .get("x-ogw-ratelimit-reset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map(|s| Duration::from_secs_f64(s.max(0.0)));
    let status = response.status();
    let text = response.text().await?;
    let body = serde_json::from_str(&text).map_err(|_| {
        Error::Network(format!(
            "the platform answered HTTP {status} with something that is not JSON"
        ))
    })?;
    Ok((reset, body))
}

/// The platform's answer as an error when its code is not 0 (judged by the code only: the
/// message may change).
fn check<D: Dialect>(body: &Value) -> Result<()> {
    match D::code(body) {
        0 => Ok(()),
        code => Err(Error::Platform {
            code,
            message: D::message(body).chars().take(200).collect(),
        }),
    }
}

/// The code of a platform's refusal, if that is what `e` is.
pub(crate) fn refused(e: &Error) -> Option<i64> {
    match e {
        Error::Platform { code, .. } => Some(*code),
        _ => None,
    }
}
