//! Harness for driving the real OrgDesk app over WebDriver: tauri-driver + WebKitWebDriver, run
//! under Xvfb and a private D-Bus (see scripts/test.sh). Every process a test starts is stopped
//! when its [`App`] is dropped.

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;
use thirtyfour::error::WebDriverErrorInner;
use thirtyfour::prelude::*;

pub use thirtyfour;

pub type Result<T = (), E = Box<dyn std::error::Error + Send + Sync>> = std::result::Result<T, E>;

/// How long a condition may take before a test fails.
pub const TIMEOUT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(100);

/// Fails the test flow with `msg` unless `cond` holds.
pub fn check(cond: bool, msg: impl Into<String>) -> Result {
    if cond {
        Ok(())
    } else {
        Err(msg.into().into())
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

/// A built binary: the debug build, or the profile `ORGDESK_E2E_PROFILE` names (the UI bench
/// runs the release app).
fn binary(name: &str) -> PathBuf {
    let profile = std::env::var("ORGDESK_E2E_PROFILE").unwrap_or_else(|_| "debug".into());
    let path = target_dir().join(profile).join(name);
    assert!(
        path.exists(),
        "{} is missing: build it first (scripts/test.sh does)",
        path.display()
    );
    path.canonicalize().unwrap()
}

/// Starts the app binary directly (not through WebDriver) with `args` and `data_dir`, as a
/// second start would, and waits for it to end; returns whether it ended well within 30 s.
pub fn second_start(args: &[&str], data_dir: &Path) -> Result<bool> {
    let mut child = Command::new(binary("orgdesk-app"))
        .args(args)
        .env("ORGDESK_DATA_DIR", data_dir)
        .stdout(Stdio::null())
        .spawn()?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait()? {
            return Ok(status.success());
        }
        std::thread::sleep(POLL);
    }
    let _ = child.kill();
    let _ = child.wait();
    Ok(false)
}

/// Runs the `orgdesk` CLI; returns (exit code, stdout, stderr).
pub fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(binary("orgdesk"))
        .args(args)
        .env("LANG", "C.UTF-8")
        .output()
        .expect("run orgdesk");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs the CLI with `--json` and parses its document; panics on a non-zero exit.
pub fn cli_json(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.push("--json");
    let (code, out, err) = cli(&all);
    assert_eq!(code, 0, "orgdesk {args:?} failed: {err}");
    serde_json::from_str(&out).expect("one JSON document")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Whether a process runs with `var` (`NAME=value`) in its environment.
fn running_with(var: &str) -> bool {
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return false;
    };
    procs.flatten().any(|p| {
        std::fs::read(p.path().join("environ"))
            .is_ok_and(|env| env.split(|b| *b == 0).any(|v| v == var.as_bytes()))
    })
}

/// tauri-driver and everything it starts (WebKitWebDriver, the app), in one process group.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM lets tauri-driver stop WebKitWebDriver; SIGKILL would leave it on its port.
        let group = -(self.0.id() as i32);
        unsafe { libc::kill(group, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                break;
            }
            std::thread::sleep(POLL);
        }
        unsafe { libc::kill(group, libc::SIGKILL) };
        let _ = self.0.wait();
    }
}

/// The running app and its WebDriver session.
pub struct App {
    pub driver: WebDriver,
    /// The app's data folder (settings, demo workspaces); fresh for every launch.
    pub data_dir: TempDir,
    _process: Driver,
}

impl App {
    /// Starts the app with `args` (e.g. a workspace path) and a fresh data folder.
    pub async fn launch(args: &[&str]) -> Result<App> {
        let data_dir = TempDir::new()?;
        let (port, native) = (free_port(), free_port());
        let mut cmd = Command::new("tauri-driver");
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        .env("ORGDESK_DATA_DIR", data_dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .process_group(0);
        let process =
            Driver(cmd.spawn().map_err(|e| {
                format!("cannot start tauri-driver (cargo install tauri-driver): {e}")
            })?);
        let deadline = Instant::now() + TIMEOUT;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            check(
                Instant::now() < deadline,
                "tauri-driver did not start listening",
            )?;
            tokio::time::sleep(POLL).await;
        }
        let mut caps = Capabilities::new();
        caps.set("browserName", "wry")?;
        caps.set(
            "tauri:options",
            serde_json::json!({ "application": binary("orgdesk-app"), "args": args }),
        )?;
        let driver = WebDriver::new(format!("http://127.0.0.1:{port}"), caps).await?;
        Ok(App {
            driver,
            data_dir,
            _process: process,
        })
    }

    /// Ends the session (closing the app) and stops the drivers.
    pub async fn quit(self) {
        let App {
            driver,
            data_dir,
            _process,
        } = self;
        let _ = driver.quit().await;
        drop(_process);
        // Wait until the app itself is gone, or the next launch finds it still holding the
        // single-instance name on the session bus and hands its arguments to a process that is
        // exiting. It is known by its data folder, which is this launch's own.
        let mark = format!("ORGDESK_DATA_DIR={}", data_dir.path().display());
        let deadline = Instant::now() + Duration::from_secs(10);
        while running_with(&mark) && Instant::now() < deadline {
            tokio::time::sleep(POLL).await;
        }
        drop(data_dir);
    }

    /// The first element matching `css`, waiting until it is displayed.
    pub async fn find(&self, css: &str) -> Result<WebElement, WebDriverError> {
        self.first(By::Css(css)).await
    }

    /// The first displayed match, waiting for it; an element that React replaces while it is
    /// being looked at (stale) is looked up again.
    async fn first(&self, by: By) -> Result<WebElement, WebDriverError> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let found = self
                .driver
                .query(by.clone())
                .wait(TIMEOUT, POLL)
                .and_displayed()
                .first()
                .await;
            match found {
                Err(e)
                    if matches!(e.as_inner(), WebDriverErrorInner::StaleElementReference(_))
                        && Instant::now() < deadline =>
                {
                    tokio::time::sleep(POLL).await
                }
                other => return other,
            }
        }
    }

    /// Clicks the element matching `css` once it can be clicked (not covered by a closing
    /// dialog or a running animation).
    pub async fn click(&self, css: &str) -> Result {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let el = self.find(css).await?;
            // Wide tables scroll inside their own container, which WebKitWebDriver does not
            // always scroll for us: bring the element to the middle of its scroll parents.
            let _ = self
                .driver
                .execute(
                    "arguments[0].scrollIntoView({block: 'center', inline: 'center'});",
                    vec![el.to_json()?],
                )
                .await;
            // A drawer or popover sliding in moves its contents: a click computed mid-way may
            // land on the mask behind and close it. Click once the element stands still.
            if let Err(e) = self.settled(&el).await {
                if Instant::now() > deadline {
                    return Err(e);
                }
                continue;
            }
            match el.click().await {
                Ok(()) => return Ok(()),
                Err(e)
                    if matches!(
                        e.as_inner(),
                        WebDriverErrorInner::ElementClickIntercepted(_)
                            | WebDriverErrorInner::ElementNotInteractable(_)
                            | WebDriverErrorInner::StaleElementReference(_)
                    ) =>
                {
                    if Instant::now() > deadline {
                        return Err(e.into());
                    }
                    tokio::time::sleep(POLL).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Waits until `el` keeps the same position and size for one poll.
    async fn settled(&self, el: &WebElement) -> Result {
        let deadline = Instant::now() + TIMEOUT;
        let mut last = el.rect().await?;
        loop {
            tokio::time::sleep(POLL).await;
            let now = el.rect().await?;
            let same = (now.x - last.x).abs() < 0.5
                && (now.y - last.y).abs() < 0.5
                && (now.width - last.width).abs() < 0.5
                && (now.height - last.height).abs() < 0.5;
            if same {
                return Ok(());
            }
            check(Instant::now() < deadline, "the element kept moving")?;
            last = now;
        }
    }

    /// Waits until some displayed element's text contains `text`.
    pub async fn find_text(&self, text: &str) -> Result<WebElement> {
        let xpath = format!("//*[contains(normalize-space(.), '{text}') and not(*[contains(normalize-space(.), '{text}')])]");
        Ok(self.first(By::XPath(xpath)).await?)
    }

    /// Whether something matching `css` is displayed right now (no waiting).
    pub async fn shown(&self, css: &str) -> Result<bool> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match self
                .driver
                .query(By::Css(css))
                .nowait()
                .and_displayed()
                .exists()
                .await
            {
                // Replaced between being found and being checked: look again.
                Err(e)
                    if matches!(e.as_inner(), WebDriverErrorInner::StaleElementReference(_))
                        && Instant::now() < deadline =>
                {
                    tokio::time::sleep(POLL).await
                }
                other => return Ok(other?),
            }
        }
    }

    /// Waits until nothing matches `css`.
    pub async fn gone(&self, css: &str) -> Result {
        self.until(&format!("{css} to be gone"), || async {
            Ok(!self.shown(css).await?)
        })
        .await
    }

    /// Waits until `f` returns true.
    pub async fn until<F, Fut>(&self, what: &str, mut f: F) -> Result
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<bool>>,
    {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match f().await {
                Ok(true) => return Ok(()),
                Ok(false) => {}
                // An element read by `f` was re-rendered meanwhile: not a failure, look again.
                Err(e)
                    if e.downcast_ref::<WebDriverError>().is_some_and(|e| {
                        matches!(e.as_inner(), WebDriverErrorInner::StaleElementReference(_))
                    }) => {}
                Err(e) => return Err(e),
            }
            check(
                Instant::now() < deadline,
                format!("timed out waiting for {what}"),
            )?;
            tokio::time::sleep(POLL).await;
        }
    }

    /// Replaces the text of the input matching `css` (again from the start if React re-renders
    /// the input meanwhile).
    pub async fn type_into(&self, css: &str, text: &str) -> Result {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            self.click(css).await?;
            let attempt = async {
                let input = self.find(css).await?;
                input.send_keys(Key::Control + "a").await?;
                input.send_keys(Key::Backspace).await?;
                if !text.is_empty() {
                    input.send_keys(text).await?;
                }
                Ok::<(), WebDriverError>(())
            };
            match attempt.await {
                Ok(()) => return Ok(()),
                Err(e)
                    if matches!(e.as_inner(), WebDriverErrorInner::StaleElementReference(_))
                        && Instant::now() < deadline =>
                {
                    tokio::time::sleep(POLL).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Saves a screenshot under tests/e2e/artifacts (for looking at failures).
    pub async fn screenshot(&self, name: &str) -> Result {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts");
        std::fs::create_dir_all(&dir)?;
        self.driver
            .screenshot(&dir.join(format!("{name}.png")))
            .await?;
        Ok(())
    }
}

/// Accepts the native save dialog titled `title` as it opens (the file name and folder it
/// proposes), by pressing Enter in it with xdotool: WebDriver cannot reach native windows.
pub async fn accept_save_dialog(title: &str) -> Result {
    let deadline = Instant::now() + TIMEOUT;
    let window = loop {
        let out = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", title])
            .output()
            .map_err(|e| format!("xdotool is needed to answer native dialogs: {e}"))?;
        let ids = String::from_utf8_lossy(&out.stdout);
        if let Some(id) = ids.split_whitespace().next() {
            break id.to_string();
        }
        check(
            Instant::now() < deadline,
            format!("no dialog “{title}” appeared"),
        )?;
        tokio::time::sleep(POLL).await;
    };
    // The dialog takes a moment to be ready for keys once mapped: retry until it is gone.
    while Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", title])
        .output()?
        .stdout
        .iter()
        .any(|b| !b.is_ascii_whitespace())
    {
        check(
            Instant::now() < deadline,
            format!("the dialog “{title}” did not close"),
        )?;
        let _ = Command::new("xdotool")
            .args(["windowfocus", "--sync", &window])
            .status();
        let _ = Command::new("xdotool").args(["key", "Return"]).status();
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    Ok(())
}

/// Runs a test flow against a launched app; quits the app whatever happens, then reports.
#[macro_export]
macro_rules! with_app {
    ($args:expr, |$app:ident| $body:block) => {{
        let $app = $crate::App::launch($args).await.expect("launch the app");
        let outcome: $crate::Result = async { $body }.await;
        if outcome.is_err() {
            let _ = $app
                .screenshot(&format!("failure-{}", std::process::id()))
                .await;
        }
        $app.quit().await;
        outcome.unwrap();
    }};
}
