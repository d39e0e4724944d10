//! `orgdesk-bench activity [--members N] [--days D] [--runs K]`: the activity import (one row
//! per member and day, CSV) against a bare read+insert of the same file, and the health view on
//! the imported data. Each run in its own process (peak memory is the run's own).
//!
//! Baseline: read the file line by line, split each line at its commas and insert the three
//! cells into a plain SQLite table in one transaction. Import: `Workspace::import_activity`
//! (header, member lookup, date and flag parsing, packing per week, the undoable write).

use orgdesk_core::progress::Silent;
use orgdesk_core::{Lang, Source, Workspace};
use std::io::{BufRead, Write};
use std::path::Path;
use std::time::Instant;

/// Writes `members` × `days` rows of member activity (accounts as `search::workspace` makes
/// them), about 90 % active, deterministic.
fn generate(path: &Path, members: u32, days: u32) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(w, "账号,日期,是否活跃").unwrap();
    let start = time::Date::from_calendar_date(2026, time::Month::August, 3).unwrap();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for d in 0..days {
        let day = start + time::Duration::days(i64::from(d));
        let text = format!(
            "{:04}-{:02}-{:02}",
            day.year(),
            day.month() as u8,
            day.day()
        );
        for i in 0..members {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let active = if state.is_multiple_of(10) {
                "否"
            } else {
                "是"
            };
            writeln!(w, "user{i:07},{text},{active}").unwrap();
        }
    }
}

/// The bare path: read and insert the cells as they are.
pub(crate) fn baseline(file: &Path, db: &Path) -> usize {
    let mut conn = rusqlite::Connection::open(db).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    conn.execute_batch("CREATE TABLE raw (id INTEGER PRIMARY KEY, c0, c1, c2)")
        .unwrap();
    let tx = conn.transaction().unwrap();
    let mut n = 0;
    {
        let mut stmt = tx
            .prepare("INSERT INTO raw (c0, c1, c2) VALUES (?1, ?2, ?3)")
            .unwrap();
        let reader = std::io::BufReader::new(std::fs::File::open(file).unwrap());
        for line in reader.lines().skip(1) {
            let line = line.unwrap();
            let mut cells = line.split(',');
            let (a, b, c) = (cells.next(), cells.next(), cells.next());
            stmt.execute(rusqlite::params![a, b, c]).unwrap();
            n += 1;
        }
    }
    tx.commit().unwrap();
    n
}

/// The import into a copy of the member workspace.
pub(crate) fn import(file: &Path, ws: &Path) -> usize {
    let mut w = Workspace::open(ws, Source::Cli).unwrap();
    let r = w
        .import_activity(file, None, false, false, Lang::ZhCn, &Silent)
        .unwrap();
    assert!(r.committed, "{:?}", r.problems.first());
    r.written as usize
}

pub(crate) fn health(ws: &Path) -> usize {
    let w = Workspace::open(ws, Source::Cli).unwrap();
    let h = w.health(None, None, Lang::ZhCn).unwrap();
    h.details.login_days.len()
}

pub(crate) fn run(members: u32, days: u32, runs: u32) {
    let dir = tempfile::TempDir::new().unwrap();
    let ws = dir.path().join("members.orgdesk");
    crate::search::workspace(&ws, members, 2_000);
    let file = dir.path().join("activity.csv");
    let start = Instant::now();
    generate(&file, members, days);
    let size = std::fs::metadata(&file).unwrap().len() as f64 / 1e6;
    println!(
        "activity file: {} rows ({members} members × {days} days), {size:.0} MB, written in {:.1}s",
        u64::from(members) * u64::from(days),
        start.elapsed().as_secs_f64()
    );
    let (mut bt, mut bm, mut it, mut im, mut ht, mut hm) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for run in 0..runs {
        let db = dir.path().join(format!("bare{run}.sqlite"));
        let (t, m, n) = crate::child_with("run-activity-baseline", &file, &db);
        assert_eq!(n as u64, u64::from(members) * u64::from(days));
        bt.push(t);
        bm.push(m);
        let _ = std::fs::remove_file(&db);
        let copy = dir.path().join(format!("ws{run}.orgdesk"));
        std::fs::copy(&ws, &copy).unwrap();
        let (t, m, n) = crate::child_with("run-activity", &file, &copy);
        assert_eq!(n as u64, u64::from(members) * u64::from(days));
        it.push(t);
        im.push(m);
        let (t, m, _) = crate::child_with("run-health", &copy, &copy);
        ht.push(t);
        hm.push(m);
        for f in [copy.clone(), copy.with_extension("orgdesk-wal")] {
            let _ = std::fs::remove_file(f);
        }
    }
    let (b, i, h) = (crate::median(bt), crate::median(it), crate::median(ht));
    println!(
        "baseline (read lines, split, insert 3 cells per row, one transaction): {b:.2}s, peak {:.0} MB",
        crate::median(bm)
    );
    println!(
        "activity import (header, members, dates, flags, weekly packing, undoable write): {i:.2}s, peak {:.0} MB, {:.2}x the baseline (target <= 1.5x)",
        crate::median(im),
        i / b
    );
    println!(
        "health on that data (open, all six indicators): {h:.2}s, peak {:.0} MB (target < 1 s)",
        crate::median(hm)
    );
}
