//! The UI bench that `scripts/bench-ui.sh` runs: not a test (ignored unless asked for), as
//! timings depend on the machine. For each workspace in `ORGDESK_BENCH_WS` (paths joined by `:`,
//! made by `orgdesk-bench workspace`), the app is opened on it and each interaction is timed
//! inside the web view, from the action (a click, a keystroke) to the moment its answer is on
//! screen, `ORGDESK_BENCH_RUNS` times (default 5); medians and 95th percentiles are printed.

use orgdesk_e2e::{cli_json, App, Result};
use std::time::Instant;

/// Performs an action in the page and resolves, with the milliseconds it took, once an element
/// matches `selector` (when given), else once the member count reads `count`, (when given) the
/// first row's name is `name` and the count of rows read reads `shown`. Actions: `search` types
/// `target` into the search box as a keystroke would; `click` clicks the element `target`
/// selects; `scroll` scrolls the member table to the end of the rows it holds; `wait` does
/// nothing (an earlier action's answer is still coming).
const MEASURE: &str = r#"
const [action, target, count, name, shown, selector] = arguments;
const done = arguments[arguments.length - 1];
const start = performance.now();
if (action === "search") {
  const input = document.querySelector('input[data-testid="member-search"]');
  const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
  set.call(input, target);
  input.dispatchEvent(new Event("input", { bubbles: true }));
} else if (action === "wait") {
  // Nothing to do: the answer to an earlier action is still coming.
} else if (action === "scroll") {
  const holder = document.querySelector('[data-testid="member-table"] [data-testid="virtual-rows"]');
  holder.scrollTop = holder.scrollHeight;
} else {
  document.querySelector(target).click();
}
const ready = () => {
  if (selector) return document.querySelector(selector) !== null;
  const total = document.querySelector('[data-testid="member-count"]');
  const first = document.querySelector('[data-testid="member-name"]');
  const read = document.querySelector('[data-testid="member-shown"]');
  // A search is answered when the rows shown are those of the text typed (the count and first
  // name may be the same as for the text before).
  const rows = document.querySelector('[data-testid="member-rows"]');
  if (action === "search" && !(rows && rows.dataset.filter && JSON.parse(rows.dataset.filter)[2] === target)) return false;
  return total && total.textContent === count && (name === null || (first && first.textContent === name))
    && (shown === null || (read && read.textContent === shown));
};
// Every change to the page is looked at as it happens (animation frames may be throttled in a
// window nobody watches, so they are not used).
let finished = false;
const finish = (ms) => {
  if (finished) return;
  finished = true;
  observer.disconnect();
  done(ms);
};
const look = () => {
  if (ready()) finish(performance.now() - start);
  else if (performance.now() - start > 60000) finish(-1);
};
const observer = new MutationObserver(look);
observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
const tick = () => { look(); if (!finished) setTimeout(tick, 20); };
tick();
"#;

/// Milliseconds from an action to its answer on screen.
async fn measure(
    app: &App,
    action: &str,
    target: &str,
    count: u64,
    name: Option<&str>,
    shown: Option<&str>,
) -> Result<f64> {
    let answer = serde_json::json!([format!("共 {count} 人"), name, shown, null]);
    timed(app, action, target, answer, &count.to_string()).await
}

/// Milliseconds from clicking `target` (or nothing, `None`) to an element matching `selector` on
/// screen.
async fn measure_until(app: &App, target: Option<&str>, selector: &str) -> Result<f64> {
    let answer = serde_json::json!([null, null, null, selector]);
    let action = if target.is_some() { "click" } else { "wait" };
    timed(app, action, target.unwrap_or(""), answer, selector).await
}

/// [`MEASURE`] with the answer waited for (count, first name, rows shown, selector).
async fn timed(
    app: &App,
    action: &str,
    target: &str,
    answer: serde_json::Value,
    what: &str,
) -> Result<f64> {
    let mut args = vec![serde_json::json!(action), serde_json::json!(target)];
    args.extend(answer.as_array().into_iter().flatten().cloned());
    let ms: f64 = app.driver.execute_async(MEASURE, args).await?.convert()?;
    eprintln!("  {action} {target} → {what}: {ms:.0} ms");
    orgdesk_e2e::check(
        ms >= 0.0,
        format!("{action} {target}: the answer never showed"),
    )?;
    Ok(ms)
}

/// The total and first name the CLI gives for a query (what the screen must show).
fn expect(ws: &str, args: &[&str]) -> (u64, Option<String>) {
    let mut all = vec!["members", "list", ws, "--limit", "1"];
    all.extend_from_slice(args);
    let page = cli_json(&all);
    let name = page["members"][0]["name"].as_str().map(str::to_string);
    (page["total"].as_u64().unwrap(), name)
}

/// The account and name of the first member the CLI lists for `args`.
fn first_member(ws: &str, args: &[&str]) -> (String, String) {
    let mut all = vec!["members", "list", ws, "--limit", "1"];
    all.extend_from_slice(args);
    let m = &cli_json(&all)["members"][0];
    let text = |k: &str| m[k].as_str().expect("a first member").to_string();
    (text("userid"), text("name"))
}

struct Timings(Vec<(String, Vec<f64>)>);

impl Timings {
    fn add(&mut self, what: &str, ms: f64) {
        match self.0.iter_mut().find(|(w, _)| w == what) {
            Some((_, v)) => v.push(ms),
            None => self.0.push((what.to_string(), vec![ms])),
        }
    }

    fn print(&self, ws: &str) {
        println!("{ws}");
        for (what, v) in &self.0 {
            let mut v = v.clone();
            v.sort_by(f64::total_cmp);
            let at = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
            println!(
                "  {what:<36} p50 {:>6.0} ms   p95 {:>6.0} ms   ({} times)",
                at(0.5),
                at(0.95),
                v.len()
            );
        }
    }
}

/// What a person types looking for 张伟1, keystroke by keystroke.
const TYPED: &[&str] = &[
    "z",
    "zh",
    "zha",
    "zhan",
    "zhang",
    "zhangw",
    "zhangwe",
    "zhangwei",
    "zhangwei1",
];

#[tokio::test]
#[ignore = "a benchmark: scripts/bench-ui.sh runs it"]
async fn ui_bench() {
    let list = std::env::var("ORGDESK_BENCH_WS").expect("ORGDESK_BENCH_WS: workspaces to open");
    let runs: usize = std::env::var("ORGDESK_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    for ws in list.split(':') {
        let mut t = Timings(Vec::new());
        let everyone = expect(ws, &[]);
        // A division: the first department on the second level (in view without scrolling).
        let departments = cli_json(&["departments", "list", ws]);
        let division = departments
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["depth"] == 2)
            .expect("a department on the second level")["path"]
            .as_str()
            .unwrap()
            .to_string();
        let division = division.as_str();
        let in_division = expect(ws, &["--department", division]);
        let (userid, name) = first_member(ws, &["--department", division]);
        let renamed = format!("{name}改");
        let typed: Vec<_> = TYPED.iter().map(|q| expect(ws, &["--search", q])).collect();
        for _ in 0..runs {
            let start = Instant::now();
            let app = App::launch(&[ws]).await.expect("launch the app");
            let outcome: Result = async {
                app.find("[data-testid=\"nav-organization\"]").await?;
                t.add(
                    "app start → home page",
                    start.elapsed().as_secs_f64() * 1000.0,
                );
                t.add(
                    "open Organization → first rows",
                    measure(
                        &app,
                        "click",
                        "[data-testid=\"nav-organization\"]",
                        everyone.0,
                        everyone.1.as_deref(),
                        None,
                    )
                    .await?,
                );
                t.add(
                    "scroll to the end → next rows",
                    measure(
                        &app,
                        "scroll",
                        "",
                        everyone.0,
                        None,
                        Some("已显示 200 人，向下滚动显示更多"),
                    )
                    .await?,
                );
                for (q, (count, name)) in TYPED.iter().zip(&typed) {
                    t.add(
                        "search keystroke → results",
                        measure(&app, "search", q, *count, name.as_deref(), None).await?,
                    );
                }
                measure(&app, "search", "", everyone.0, None, None).await?;
                t.add(
                    "department click → rows",
                    measure(
                        &app,
                        "click",
                        &format!("[data-path=\"{division}\"]"),
                        in_division.0,
                        in_division.1.as_deref(),
                        None,
                    )
                    .await?,
                );
                // An edit: the first member renamed in the form, then undone (the workspace
                // stays as generated), each until the row shows it.
                app.click(&format!("[data-testid=\"edit-{userid}\"]"))
                    .await?;
                app.type_into("[data-testid=\"member-name-input\"]", &renamed)
                    .await?;
                t.add(
                    "an edit → list updated",
                    measure(
                        &app,
                        "click",
                        "[data-testid=\"member-save\"]",
                        in_division.0,
                        Some(&renamed),
                        None,
                    )
                    .await?,
                );
                t.add(
                    "undo → list updated",
                    measure(
                        &app,
                        "click",
                        "[data-testid=\"undo\"]",
                        in_division.0,
                        Some(&name),
                        None,
                    )
                    .await?,
                );
                // The home page after those edits: the checklist last shown at once, then the
                // one checked again.
                let shown = measure_until(
                    &app,
                    Some("[data-testid=\"nav-home\"]"),
                    "[data-testid^=\"item-\"]",
                )
                .await?;
                let checked = measure_until(
                    &app,
                    None,
                    "[data-testid=\"checklist\"][data-updating=\"false\"]",
                )
                .await?;
                t.add("home page after an edit → checklist", shown);
                t.add("home page after an edit → checked again", shown + checked);
                Ok(())
            }
            .await;
            app.quit().await;
            outcome.unwrap();
        }
        t.print(ws);
    }
}
