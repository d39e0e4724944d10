//! `orgdesk-bench import [--rows N] [--runs K]`: the member import against a bare baseline,
//! measured in the same run on the same generated file, each run in its own process so that
//! peak memory (VmHWM) is the run's own.
//!
//! Baseline: read the file with calamine and insert the raw cells into SQLite in one transaction.
//! Import: the full pipeline (read, find header, clean, validate, commit with the audit batch).
//!
//! `orgdesk-bench roster FILE [--rows N]` writes the same generated roster to FILE (to import it
//! with the CLI, e.g. under `/usr/bin/time -v`).

/// The allocator the CLI and the app use.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod activity;
mod customers;
mod search;

use orgdesk_core::imports::{self, ImportOptions, ImportSession};
use orgdesk_core::progress::Silent;
use orgdesk_core::{Lang, Platform, Source, Workspace};
use rust_xlsxwriter::{Format, Workbook};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "华", "平",
];
const POSITIONS: &[&str] = &[
    "销售代表",
    "工程师",
    "经理",
    "专员",
    "主管",
    "设计师",
    "会计",
    "助理",
];

/// Writes a roster of `rows` members as .xlsx (mobiles as numbers, dates as Excel dates).
fn generate(path: &Path, rows: u32) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory().unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in [
        "姓名",
        "账号",
        "手机",
        "邮箱",
        "部门",
        "职务",
        "性别",
        "入职日期",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..rows {
        let r = i + 1;
        let name = search::name(i);
        let dept = format!(
            "示例集团/事业部{}/区域{}/组{}",
            i % 5,
            (i / 5) % 8,
            (i / 40) % 6
        );
        sheet.write_string(r, 0, &name).unwrap();
        sheet.write_string(r, 1, format!("user{i:06}")).unwrap();
        sheet
            .write_number(r, 2, 13_000_000_000.0 + i as f64)
            .unwrap();
        sheet
            .write_string(r, 3, format!("user{i:06}@example.com"))
            .unwrap();
        sheet.write_string(r, 4, &dept).unwrap();
        sheet
            .write_string(r, 5, POSITIONS[i as usize % POSITIONS.len()])
            .unwrap();
        sheet
            .write_string(r, 6, if i % 2 == 0 { "男" } else { "女" })
            .unwrap();
        sheet
            .write_number_with_format(r, 7, 43_000.0 + (i % 2000) as f64, &date)
            .unwrap();
    }
    book.save(path).unwrap();
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn baseline(file: &Path, ws: &Path) -> usize {
    use calamine::{open_workbook_auto, Reader};
    let mut book = open_workbook_auto(file).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    let mut conn = rusqlite::Connection::open(ws).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    let width = range.width();
    let cols: Vec<String> = (0..width).map(|i| format!("c{i}")).collect();
    conn.execute_batch(&format!(
        "CREATE TABLE raw (id INTEGER PRIMARY KEY, {})",
        cols.join(", ")
    ))
    .unwrap();
    let tx = conn.transaction().unwrap();
    let mut n = 0;
    {
        let marks: Vec<String> = (1..=width).map(|i| format!("?{i}")).collect();
        let mut stmt = tx
            .prepare(&format!(
                "INSERT INTO raw ({}) VALUES ({})",
                cols.join(", "),
                marks.join(", ")
            ))
            .unwrap();
        for row in range.rows().skip(1) {
            let values: Vec<String> = row.iter().map(|c| c.to_string()).collect();
            stmt.execute(rusqlite::params_from_iter(values.iter()))
                .unwrap();
            n += 1;
        }
    }
    tx.commit().unwrap();
    n
}

pub(crate) fn full_import(file: &Path, ws: &Path) -> usize {
    let mut workspace = Workspace::create(ws, "示例集团", Platform::Wecom, Source::Cli).unwrap();
    let mut session = ImportSession::open(file).unwrap();
    let report = workspace
        .run_import(
            &mut session,
            &ImportOptions::default(),
            false,
            Lang::ZhCn,
            &Silent,
        )
        .unwrap();
    assert_eq!(report.invalid, 0, "{:?}", report.errors.iter().next());
    assert!(report.committed);
    report.created.members as usize
}

/// The cells of a written sheet, as text (what the baseline writes again).
fn sheet_cells(file: &Path) -> Vec<Vec<String>> {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut book = open_workbook_auto(file).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// Baseline for the export: the same cells, already in memory, written by bare rust_xlsxwriter
/// (constant memory, no formats) at zip `level` (6 is its default). Returns the rows written.
fn bare_write(cells: &[Vec<String>], out: &Path, level: u8) -> usize {
    let mut book = Workbook::new();
    book.set_zip_compression_level(level);
    let sheet = book.add_worksheet_with_constant_memory().unwrap();
    for (r, row) in cells.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                sheet.write_string(r as u32, c as u16, v).unwrap();
            }
        }
    }
    book.save(out).unwrap();
    cells.len()
}

/// Runs one measurement in a child process; returns (seconds, peak MB, rows).
fn child(kind: &str, file: &Path) -> (f64, f64, usize) {
    let dir = tempfile::TempDir::new().unwrap();
    child_with(kind, file, &dir.path().join("ws.orgdesk"))
}

/// Runs `cmd` to its end; it must succeed (else its stderr is the panic's message).
pub(crate) fn run_ok(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub(crate) fn child_with(kind: &str, a: &Path, b: &Path) -> (f64, f64, usize) {
    let out = run_ok(Command::new(std::env::current_exe().unwrap()).args([
        kind,
        a.to_str().unwrap(),
        b.to_str().unwrap(),
    ]));
    let text = String::from_utf8_lossy(&out.stdout);
    let v: Vec<f64> = text
        .split_whitespace()
        .map(|x| x.parse().unwrap())
        .collect();
    (v[0], v[1], v[2] as usize)
}

pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// The number after `name` in the arguments, or `default`.
fn flag(args: &[String], name: &str, default: u32) -> u32 {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some(kind @ ("run-baseline" | "run-import")) => {
            let (file, ws) = (PathBuf::from(&args[2]), PathBuf::from(&args[3]));
            let start = Instant::now();
            let rows = if kind == "run-baseline" {
                baseline(&file, &ws)
            } else {
                full_import(&file, &ws)
            };
            println!(
                "{} {} {}",
                start.elapsed().as_secs_f64(),
                peak_rss_mb(),
                rows
            );
        }
        Some(kind @ ("run-activity-baseline" | "run-activity" | "run-health")) => {
            let (a, b) = (PathBuf::from(&args[2]), PathBuf::from(&args[3]));
            let start = Instant::now();
            let rows = match kind {
                "run-activity-baseline" => activity::baseline(&a, &b),
                "run-activity" => activity::import(&a, &b),
                _ => activity::health(&a),
            };
            println!(
                "{} {} {}",
                start.elapsed().as_secs_f64(),
                peak_rss_mb(),
                rows
            );
        }
        Some(kind @ ("run-customers-baseline" | "run-customers" | "run-rfm")) => {
            let (a, b) = (PathBuf::from(&args[2]), PathBuf::from(&args[3]));
            let start = Instant::now();
            let rows = match kind {
                "run-customers-baseline" => baseline(&a, &b),
                "run-customers" => customers::import(&a, &b),
                _ => customers::rfm(&a),
            };
            println!(
                "{} {} {}",
                start.elapsed().as_secs_f64(),
                peak_rss_mb(),
                rows
            );
        }
        Some("customers") => customers::run(
            flag(&args, "--customers", 100_000),
            flag(&args, "--orders", 1_000_000),
            flag(&args, "--runs", 3),
        ),
        Some("activity") => activity::run(
            flag(&args, "--members", 100_000),
            flag(&args, "--days", 90),
            flag(&args, "--runs", 3),
        ),
        Some(kind @ ("run-export-baseline" | "run-export-baseline-3")) => {
            // args: reference export (whose cells are written again), output.
            let cells = sheet_cells(Path::new(&args[2]));
            let level = if kind.ends_with("-3") { 3 } else { 6 };
            let start = Instant::now();
            let rows = bare_write(&cells, Path::new(&args[3]), level);
            println!(
                "{} {} {}",
                start.elapsed().as_secs_f64(),
                peak_rss_mb(),
                rows
            );
        }
        Some(kind @ ("run-export" | "run-report")) => {
            // args: workspace, output.
            let ws = Workspace::open(Path::new(&args[2]), Source::Cli).unwrap();
            let out = Path::new(&args[3]);
            let start = Instant::now();
            let rows = if kind == "run-export" {
                let r = ws
                    .export_members("wecom", out, true, Lang::ZhCn, None, &Silent)
                    .unwrap();
                assert!(r.written);
                r.members as usize
            } else {
                ws.export_report(out, Lang::ZhCn, None, &Silent)
                    .unwrap()
                    .members as usize
            };
            println!(
                "{} {} {}",
                start.elapsed().as_secs_f64(),
                peak_rss_mb(),
                rows
            );
        }
        Some("export") => {
            let (rows, runs) = (flag(&args, "--rows", 100_000), flag(&args, "--runs", 3));
            let dir = tempfile::TempDir::new().unwrap();
            let file = dir.path().join("roster.xlsx");
            generate(&file, rows);
            let ws = dir.path().join("ws.orgdesk");
            full_import(&file, &ws);
            println!("workspace with {rows} members ready");
            let reference = dir.path().join("reference.xlsx");
            child_with("run-export", &ws, &reference);
            let (mut bt, mut bm, mut et, mut em, mut rt, mut rm) =
                (vec![], vec![], vec![], vec![], vec![], vec![]);
            let mut b3 = vec![];
            for _ in 0..runs {
                let (t, m, n) = child_with(
                    "run-export-baseline",
                    &reference,
                    &dir.path().join("b.xlsx"),
                );
                assert_eq!(n, rows as usize + 9); // 8 instruction rows, the header
                bt.push(t);
                bm.push(m);
                let (t, _, _) = child_with(
                    "run-export-baseline-3",
                    &reference,
                    &dir.path().join("b3.xlsx"),
                );
                b3.push(t);
                let (t, m, n) = child_with("run-export", &ws, &dir.path().join("e.xlsx"));
                assert_eq!(n, rows as usize);
                et.push(t);
                em.push(m);
                let (t, m, _) = child_with("run-report", &ws, &dir.path().join("r.xlsx"));
                rt.push(t);
                rm.push(m);
            }
            let (b, b3, e) = (median(bt), median(b3), median(et));
            let mb = |f: &str| std::fs::metadata(dir.path().join(f)).unwrap().len() as f64 / 1e6;
            println!(
                "baseline (bare rust_xlsxwriter, same cells already in memory, its default zip level 6): {b:.2}s, peak {:.0} MB, {:.1} MB file",
                median(bm),
                mb("b.xlsx")
            );
            println!(
                "baseline at zip level 3 (what OrgDesk and Excel 365 use): {b3:.2}s, {:.1} MB file",
                mb("b3.xlsx")
            );
            println!(
                "WeCom member file (read workspace, pre-flight, write): {e:.2}s, peak {:.0} MB",
                median(em)
            );
            println!(
                "ratio export/baseline: {:.2}x against the default-level baseline, {:.2}x at equal zip level (target <= 1.5x); export file {:.1} MB",
                e / b,
                e / b3,
                mb("e.xlsx")
            );
            println!(
                "report workbook (overview, roster, org chart, permissions): {:.2}s, peak {:.0} MB",
                median(rt),
                median(rm)
            );
        }
        Some("export-phases") => {
            // Where the export's time goes (for tuning); makes the workspace when missing.
            let path = Path::new(&args[2]);
            if !path.exists() {
                let file = path.with_extension("xlsx");
                generate(&file, 100_000);
                full_import(&file, path);
            }
            let ws = Workspace::open(path, Source::Cli).unwrap();
            let t = Instant::now();
            let mut n = 0;
            ws.each_member(|_| {
                n += 1;
                Ok(())
            })
            .unwrap();
            println!("stream {n} members {:.3}s", t.elapsed().as_secs_f64());
            let t = Instant::now();
            let p = ws.preflight("wecom", Lang::ZhCn).unwrap();
            println!(
                "preflight {:.3}s ({} problems)",
                t.elapsed().as_secs_f64(),
                p.len()
            );
            let t = Instant::now();
            ws.departments().unwrap();
            println!("departments {:.3}s", t.elapsed().as_secs_f64());
        }
        Some("phases") => {
            // Where the import's time goes, phase by phase (for tuning).
            let rows: u32 = args.get(2).and_then(|v| v.parse().ok()).unwrap_or(100_000);
            let dir = tempfile::TempDir::new().unwrap();
            let file = dir.path().join("roster.xlsx");
            generate(&file, rows);
            let mut ws = Workspace::create(
                &dir.path().join("ws.orgdesk"),
                "示例集团",
                Platform::Wecom,
                Source::Cli,
            )
            .unwrap();
            let t = Instant::now();
            let mut session = ImportSession::open(&file).unwrap();
            println!("open      {:.3}s", t.elapsed().as_secs_f64());
            let t = Instant::now();
            let preview = ws
                .plan_import(&mut session, &ImportOptions::default(), Lang::ZhCn)
                .unwrap();
            println!(
                "plan      {:.3}s ({} warnings)",
                t.elapsed().as_secs_f64(),
                preview.warning_count
            );
            let t = Instant::now();
            ws.commit_import(&session, false, Lang::ZhCn, &Silent)
                .unwrap();
            println!("commit    {:.3}s", t.elapsed().as_secs_f64());
            let t = Instant::now();
            let report = session
                .plan()
                .unwrap()
                .report(Lang::ZhCn, imports::Outcome::DryRun);
            println!(
                "report    {:.3}s ({} rows) peak {:.0} MB",
                t.elapsed().as_secs_f64(),
                report.rows,
                peak_rss_mb()
            );
        }
        Some("roles") => {
            // Effective permissions of every member of a 100,000-member workspace.
            let rows: u32 = args.get(2).and_then(|v| v.parse().ok()).unwrap_or(100_000);
            let dir = tempfile::TempDir::new().unwrap();
            let file = dir.path().join("roster.xlsx");
            generate(&file, rows);
            let path = dir.path().join("ws.orgdesk");
            full_import(&file, &path);
            let mut ws = Workspace::open(&path, Source::Cli).unwrap();
            use orgdesk_core::roles::{Level, RoleRef, Scope};
            let role = |n: &str| RoleRef::Name(n.into());
            ws.assign_role(&role("super_admin"), "user000000").unwrap();
            ws.assign_role(&role("super_admin"), "user000001").unwrap();
            ws.add_role("区域审计", Level::Department).unwrap();
            ws.grant(
                &role("区域审计"),
                "data.export",
                Some(Scope::Departments),
                &["示例集团/事业部1".into()],
            )
            .unwrap();
            for i in (0..rows).step_by(100) {
                ws.assign_role(&role("department_head"), &format!("user{i:06}"))
                    .unwrap();
                ws.assign_role(&role("区域审计"), &format!("user{:06}", i + 1))
                    .unwrap();
            }
            let permissions = orgdesk_core::roles::catalogue::catalogue()
                .permissions
                .len();
            let mut times = Vec::new();
            for _ in 0..3 {
                let t = Instant::now();
                let all = ws.effective_permissions().unwrap();
                times.push(t.elapsed().as_secs_f64());
                assert_eq!(all.len(), rows as usize);
            }
            println!("effective permissions: {rows} members x {permissions} permissions in {:.3}s (median of 3)", median(times));
            let t = Instant::now();
            let holders = ws
                .who_can("contacts.manage", Some(&"示例集团/事业部2/区域3".into()))
                .unwrap();
            println!(
                "who-can contacts.manage in one department: {} holders in {:.3}s",
                holders.len(),
                t.elapsed().as_secs_f64()
            );
            let t = Instant::now();
            let findings = ws.check_permissions(Lang::ZhCn).unwrap();
            println!(
                "least-privilege checks: {} findings in {:.3}s",
                findings.len(),
                t.elapsed().as_secs_f64()
            );
        }
        Some("roster") => {
            let rows = flag(&args, "--rows", 100_000);
            generate(Path::new(&args[2]), rows);
        }
        Some("import") => {
            let (rows, runs) = (flag(&args, "--rows", 100_000), flag(&args, "--runs", 3));
            let dir = tempfile::TempDir::new().unwrap();
            let file = dir.path().join("roster.xlsx");
            let t = Instant::now();
            generate(&file, rows);
            let size = std::fs::metadata(&file).unwrap().len() as f64 / 1e6;
            println!(
                "generated {rows} rows ({size:.1} MB .xlsx) in {:.2}s",
                t.elapsed().as_secs_f64()
            );
            // Start from a quiet disk and warm caches: a build just before leaves hundreds of MB
            // to write back, which slows whichever run writes most; the first run of each kind
            // is not counted.
            let _ = Command::new("sync").status();
            child("run-baseline", &file);
            child("run-import", &file);
            let (mut bt, mut bm, mut it, mut im) = (vec![], vec![], vec![], vec![]);
            for _ in 0..runs {
                let (t, m, n) = child("run-baseline", &file);
                assert_eq!(n, rows as usize);
                bt.push(t);
                bm.push(m);
                let (t, m, n) = child("run-import", &file);
                assert_eq!(n, rows as usize);
                it.push(t);
                im.push(m);
            }
            let (b, i) = (median(bt), median(it));
            println!(
                "baseline (calamine read + raw insert): {b:.2}s, peak {:.0} MB",
                median(bm)
            );
            println!(
                "import (read, clean, validate, commit): {i:.2}s, peak {:.0} MB",
                median(im)
            );
            println!(
                "ratio import/baseline: {:.2}x (target <= 1.5x; peak target <= 250 MB)",
                i / b
            );
        }
        Some("history") => {
            // Undo, redo, rollback and snapshot restore of a large import, beside the import.
            let rows = flag(&args, "--rows", 100_000);
            let dir = tempfile::TempDir::new().unwrap();
            let file = dir.path().join("roster.xlsx");
            generate(&file, rows);
            let path = dir.path().join("ws.orgdesk");
            let mut ws =
                Workspace::create(&path, "示例集团", Platform::Wecom, Source::Cli).unwrap();
            let _ = Command::new("sync").status();
            let time = |f: &mut dyn FnMut()| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            };
            let import = |ws: &mut Workspace| {
                let mut session = ImportSession::open(&file).unwrap();
                let r = ws
                    .run_import(
                        &mut session,
                        &ImportOptions::default(),
                        false,
                        Lang::ZhCn,
                        &Silent,
                    )
                    .unwrap();
                assert_eq!(r.created.members, rows);
                r.batch.unwrap()
            };
            ws.save_snapshot("empty").unwrap();
            let import_t = time(&mut || {
                import(&mut ws);
            });
            let undo_t = time(&mut || {
                ws.undo().unwrap();
            });
            let redo_t = time(&mut || {
                ws.redo().unwrap();
            });
            ws.undo().unwrap();
            let batch = import(&mut ws);
            ws.add_department("另一家公司").unwrap();
            let rollback_t = time(&mut || {
                ws.rollback_import(batch).unwrap();
            });
            import(&mut ws);
            ws.save_snapshot("full").unwrap();
            let emptying_t = time(&mut || {
                ws.restore_snapshot("empty").unwrap();
            });
            let filling_t = time(&mut || {
                ws.restore_snapshot("full").unwrap();
            });
            let undo_restore_t = time(&mut || {
                ws.undo().unwrap();
            });
            println!("{rows} members: import {import_t:.2}s");
            for (what, t) in [
                ("undo of the import", undo_t),
                ("redo of the import", redo_t),
                ("rollback of the import (an action after it)", rollback_t),
                ("restore of a snapshot without them", emptying_t),
                ("restore of a snapshot with them", filling_t),
                ("undo of that restore", undo_restore_t),
            ] {
                println!(
                    "  {what}: {t:.2}s ({:.2}x the import; target <= 2x)",
                    t / import_t
                );
            }
            println!("  peak {:.0} MB", peak_rss_mb());
        }
        // An output path, not an option (`workspace --help` used to make a file named so).
        Some("workspace") if args.get(2).is_some_and(|a| !a.starts_with('-')) => search::workspace(
            Path::new(&args[2]),
            flag(&args, "--rows", 100_000),
            flag(&args, "--departments", 2_000),
        ),
        Some("search") => {
            let workspaces: Vec<PathBuf> = args[2..]
                .iter()
                .take_while(|a| !a.starts_with("--"))
                .map(PathBuf::from)
                .collect();
            search::search(&workspaces, flag(&args, "--runs", 5));
        }
        _ => {
            eprintln!(
                "usage: orgdesk-bench import|export|history [--rows N] [--runs K] | roles [N] \
                 | activity [--members N] [--days D] [--runs K] \
                 | customers [--customers N] [--orders M] [--runs K] \
                 | workspace OUT [--rows N] [--departments D] | search WS... [--runs K]"
            );
            std::process::exit(2);
        }
    }
}
