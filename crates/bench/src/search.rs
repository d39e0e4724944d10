//! Large workspaces for the search and UI benches (`scripts/bench-ui.sh`):
//! - `orgdesk-bench workspace OUT --rows N [--departments D]` writes a workspace of N members
//!   spread over D leaf departments (imported from a generated CSV, the search index built);
//! - `orgdesk-bench search WS... [--runs K]` runs the CLI's `members list WS --search Q --limit 50`
//!   for a set of queries as a person types them, K times each (after one untimed pass), and
//!   prints medians per size.

use super::{GIVEN, SURNAMES};
use orgdesk_core::{Source, Workspace};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The department path of leaf `d`: 集团 / 10 divisions / 30 regions each / teams.
fn department(d: u32) -> String {
    format!(
        "示例集团/事业部{}/区域{}/组{}",
        d % 10,
        (d / 10) % 30,
        d / 300
    )
}

/// Member `i`'s name: a surname, a given name and a number (`张伟12`).
pub(crate) fn name(i: u32) -> String {
    let i = i as usize;
    format!("{}{}{}", SURNAMES[i % 20], GIVEN[(i / 20) % 20], i / 400)
}

pub(crate) fn workspace(out: &Path, rows: u32, departments: u32) {
    let dir = tempfile::TempDir::new().unwrap();
    let csv = dir.path().join("roster.csv");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&csv).unwrap());
    writeln!(w, "姓名,账号,手机,邮箱,部门,职务").unwrap();
    for i in 0..rows {
        writeln!(
            w,
            "{},user{i:07},{},user{i:07}@example.com,{},工程师",
            name(i),
            13_000_000_000u64 + u64::from(i),
            department(i % departments)
        )
        .unwrap();
    }
    drop(w);
    let _ = std::fs::remove_file(out);
    let start = Instant::now();
    super::full_import(&csv, out);
    let imported = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let ws = Workspace::open(out, Source::Cli).unwrap();
    ws.refresh_search().unwrap();
    println!(
        "{}: {rows} members in {} departments; import {imported:.1}s, search index {:.1}s",
        out.display(),
        ws.departments().unwrap().len(),
        start.elapsed().as_secs_f64()
    );
}

/// What a person types, keystroke by keystroke, when looking for 张伟1 or an account.
const TYPED: &[&str] = &[
    "z", "zh", "zha", "zhan", "zhang", "zhangw", "zhangwe", "zhangwei", "张", "张伟", "张伟1", "u",
    "us", "use", "user", "user0", "user00", "user001", "1", "13", "130", "1300001",
];

/// `orgdesk members list WS --search Q --limit 50 --json`, which must succeed.
fn search_once(cli: &Path, ws: &Path, q: &str) {
    super::run_ok(
        Command::new(cli)
            .args(["members", "list"])
            .arg(ws)
            .args(["--search", q, "--limit", "50", "--json"]),
    );
}

pub(crate) fn search(workspaces: &[PathBuf], runs: u32) {
    let cli = std::env::current_exe().unwrap().with_file_name("orgdesk");
    println!("CLI `members list WS --search Q --limit 50 --json`, {runs} runs per query:");
    let mut medians = Vec::new();
    for ws in workspaces {
        let mut all = Vec::new();
        // One pass untimed first: the file is then in the OS cache, as after any first use (a
        // release build just before can have pushed it out, and a first read from the disk
        // would time the disk).
        for q in TYPED {
            search_once(&cli, ws, q);
        }
        for q in TYPED {
            for _ in 0..runs {
                let start = Instant::now();
                search_once(&cli, ws, q);
                all.push(start.elapsed().as_secs_f64() * 1000.0);
            }
        }
        all.sort_by(f64::total_cmp);
        let at = |p: f64| all[((all.len() - 1) as f64 * p).round() as usize];
        println!(
            "  {}: p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms ({} searches)",
            ws.display(),
            at(0.5),
            at(0.95),
            at(1.0),
            all.len()
        );
        medians.push(at(0.5));
    }
    if let (Some(first), Some(last)) = (medians.first(), medians.last()) {
        println!(
            "  median search time, largest over smallest workspace: {:.2}×",
            last / first
        );
    }
}
