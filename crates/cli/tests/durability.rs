//! Durability: the CLI killed (SIGKILL) at moments spread over an import, an undo, a rollback,
//! a snapshot restore and an export, again and again. After every kill the workspace passes
//! SQLite's integrity and foreign-key checks and holds either everything it held before or
//! everything the finished command leaves, never part of it; an export's file is absent or
//! complete, and what the killed writer left behind is swept by the next run.
//!
//! Small by default; `scripts/durability.sh` runs it bench-sized (ORGDESK_DURABILITY_ROWS
//! members, ORGDESK_DURABILITY_KILLS kills per command).

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;
use tempfile::TempDir;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn orgdesk(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_orgdesk"));
    c.args(args)
        .env("LANG", "C.UTF-8")
        .env_remove("ORGDESK_LANG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

fn ok(args: &[&str]) {
    let out = orgdesk(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A staff list of `rows` members (rust_xlsxwriter), each in one of 30 departments.
fn staff(path: &Path, rows: u32, first: u32) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["姓名", "账号", "手机", "部门"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=rows {
        let i = first + r;
        sheet.write_string(r, 0, format!("员工{i}")).unwrap();
        sheet.write_string(r, 1, format!("u{i}")).unwrap();
        sheet.write_string(r, 2, format!("139{i:08}")).unwrap();
        sheet
            .write_string(r, 3, format!("示例科技/部门{}", i % 30))
            .unwrap();
    }
    book.save(path).unwrap();
}

/// What a workspace holds: every table's row count and a checksum of the members' text, and
/// SQLite's verdict on the file.
fn state(ws: &Path) -> String {
    let conn = Connection::open(ws).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok", "{}", ws.display());
    let broken: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(broken, 0, "foreign keys of {}", ws.display());
    conn.query_row(
        "SELECT (SELECT count(*) FROM members) || ' ' || (SELECT count(*) FROM member_departments)
          || ' ' || (SELECT count(*) FROM departments) || ' ' || (SELECT count(*) FROM audit_log)
          || ' ' || (SELECT ifnull(group_concat(state), '') FROM audit_log)
          || ' ' || (SELECT total(length(name) * id + length(ifnull(mobile, ''))) FROM members)",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// Copies a closed workspace (its journal is folded back on close: there is none to copy).
fn copy(from: &Path, to: &Path) {
    assert!(!PathBuf::from(format!("{}-wal", from.display())).exists());
    std::fs::copy(from, to).unwrap();
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", to.display()));
    }
}

/// Runs `args` (with `{ws}` standing for the workspace) on copies of `base`: once to the end
/// (timed), then killed `kills` times at moments spread over that time (and a little past it). `check` sees each
/// killed copy.
fn killed(dir: &Path, name: &str, base: &Path, args: &[&str], kills: u64, check: &dyn Fn(&Path)) {
    let before = state(base);
    let ws = dir.join(format!("{name}.orgdesk"));
    let command = |ws: &Path| -> Vec<String> {
        args.iter()
            .map(|a| a.replace("{ws}", s(ws)))
            .collect::<Vec<_>>()
    };
    copy(base, &ws);
    let full: Vec<String> = command(&ws);
    let started = Instant::now();
    ok(&full.iter().map(String::as_str).collect::<Vec<_>>());
    let took = started.elapsed();
    let after = state(&ws);
    assert_ne!(before, after, "{name} changes the workspace");
    let (mut old, mut new) = (0, 0);
    for k in 0..kills {
        copy(base, &ws);
        check(&ws);
        // From the start to a little past the time it takes (the commit is at the end).
        let at = took.mul_f64(1.2 * (k + 1) as f64 / kills as f64);
        let mut child = orgdesk(&full.iter().map(String::as_str).collect::<Vec<_>>())
            .spawn()
            .unwrap();
        std::thread::sleep(at); // the moment of the kill, the thing varied here
        let _ = child.kill();
        child.wait().unwrap();
        let now = state(&ws);
        match now {
            ref s if *s == before => old += 1,
            ref s if *s == after => new += 1,
            other => panic!("{name}: killed after {at:?}, the workspace is neither as before nor as after: {other}\nbefore: {before}\nafter:  {after}"),
        }
        check(&ws);
    }
    eprintln!(
        "{name:<9} {:>6.2}s to the end; {kills} kills: {old} left it as before, {new} as after",
        took.as_secs_f64()
    );
}

#[test]
fn killed_commands_leave_the_workspace_old_or_new() {
    let rows = setting("ORGDESK_DURABILITY_ROWS", 3000) as u32;
    let kills = setting("ORGDESK_DURABILITY_KILLS", 5);
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let (first, second) = (d.join("staff.xlsx"), d.join("more.xlsx"));
    staff(&first, rows, 0);
    staff(&second, rows, rows);

    // Bases: empty (with a snapshot), imported, imported then changed.
    let empty = d.join("empty.orgdesk");
    ok(&[
        "init",
        s(&empty),
        "--name",
        "示例科技",
        "--platform",
        "wecom",
    ]);
    ok(&["departments", "add", s(&empty), "示例科技/总部"]);
    ok(&["snapshot", "save", s(&empty), "开始"]);
    let imported = d.join("imported.orgdesk");
    copy(&empty, &imported);
    ok(&["import", "members", s(&imported), s(&first)]);
    let changed = d.join("changed.orgdesk");
    copy(&imported, &changed);
    ok(&["departments", "add", s(&changed), "示例科技/新部门"]);
    let batch = {
        let conn = Connection::open(&changed).unwrap();
        conn.query_row(
            "SELECT id FROM audit_log WHERE action = 'import'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
        .to_string()
    };

    let none = |_: &Path| {};
    killed(
        d,
        "import",
        &empty,
        &["import", "members", "{ws}", s(&first)],
        kills,
        &none,
    );
    killed(
        d,
        "import-2",
        &imported,
        &["import", "members", "{ws}", s(&second)],
        kills,
        &none,
    );
    killed(d, "undo", &imported, &["undo", "{ws}"], kills, &none);
    killed(
        d,
        "rollback",
        &changed,
        &["imports", "rollback", "{ws}", &batch],
        kills,
        &none,
    );
    killed(
        d,
        "restore",
        &imported,
        &["snapshot", "restore", "{ws}", "开始"],
        kills,
        &none,
    );

    // An export: its file is absent or complete, and the next run leaves no temporary file.
    let out = d.join("export").join("wecom.xlsx");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let temporary = || -> Vec<String> {
        std::fs::read_dir(out.parent().unwrap())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".orgdesk-"))
            .collect()
    };
    let complete = |ws: &Path| {
        if out.exists() {
            use calamine::Reader;
            let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
            let first = book.sheet_names()[0].clone();
            let sheet = book.worksheet_range(&first).unwrap();
            let members = state(ws)
                .split(' ')
                .next()
                .unwrap()
                .parse::<usize>()
                .unwrap();
            assert!(
                sheet.height() > members,
                "{} rows for {members} members",
                sheet.height()
            );
            std::fs::remove_file(&out).unwrap();
        }
    };
    let ws = d.join("export.orgdesk");
    copy(&imported, &ws);
    let export: Vec<String> = ["export", "members", s(&ws), s(&out), "--format", "wecom"]
        .iter()
        .map(|a| a.to_string())
        .collect();
    let export: Vec<&str> = export.iter().map(String::as_str).collect();
    let started = Instant::now();
    ok(&export);
    let took = started.elapsed();
    complete(&ws);
    for k in 0..kills {
        let mut child = orgdesk(&export).spawn().unwrap();
        std::thread::sleep(took.mul_f64(1.2 * (k + 1) as f64 / kills as f64));
        let _ = child.kill();
        child.wait().unwrap();
        complete(&ws);
        assert_eq!(state(&ws), state(&imported), "an export changes nothing");
    }
    ok(&export);
    assert!(temporary().is_empty(), "left behind: {:?}", temporary());
    complete(&ws);
}
