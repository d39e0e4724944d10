//! `orgdesk-bench customers [--customers N] [--orders M] [--runs K]`: the customer and order
//! imports against a bare read+insert of the same files, and RFM over the orders; each run in
//! its own process.

use orgdesk_core::customers::rfm::Scoring;
use orgdesk_core::progress::Silent;
use orgdesk_core::{Lang, Source, Workspace};
use std::io::{BufRead, Write};
use std::path::Path;

/// Customers owned by the bench workspace's members (`user0000000` …), each with a mobile.
fn generate(dir: &Path, customers: u32, orders: u32, members: u32) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("customers.csv")).unwrap());
    writeln!(w, "客户名称,添加人账号,添加时间,标签,手机").unwrap();
    for i in 0..customers {
        writeln!(
            w,
            "客户{i},user{:07},2026-01-01 10:00,地区:{},{}",
            i % members,
            ["杭州", "宁波", "温州", "绍兴"][i as usize % 4],
            15_000_000_000u64 + u64::from(i)
        )
        .unwrap();
    }
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("orders.csv")).unwrap());
    writeln!(w, "订单号,客户手机,下单时间,金额").unwrap();
    let start = time::Date::from_calendar_date(2025, time::Month::December, 1).unwrap();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for n in 0..orders {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let customer = (state % u64::from(customers)) as u32;
        let day = start + time::Duration::days((state >> 20) as i64 % 365);
        let amount = (state >> 40) % 50_000;
        writeln!(
            w,
            "D{n:08},{},{day} 12:00,{}.{:02}",
            15_000_000_000u64 + u64::from(customer),
            amount / 100,
            amount % 100
        )
        .unwrap();
    }
}

/// The bare path: read the lines, split them, insert the cells.
pub(crate) fn baseline(file: &Path, db: &Path) -> usize {
    let mut conn = rusqlite::Connection::open(db).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    conn.execute_batch("CREATE TABLE raw (id INTEGER PRIMARY KEY, c0, c1, c2, c3, c4)")
        .unwrap();
    let tx = conn.transaction().unwrap();
    let mut n = 0;
    {
        let mut stmt = tx
            .prepare("INSERT INTO raw (c0, c1, c2, c3, c4) VALUES (?1, ?2, ?3, ?4, ?5)")
            .unwrap();
        let reader = std::io::BufReader::new(std::fs::File::open(file).unwrap());
        for line in reader.lines().skip(1) {
            let line = line.unwrap();
            let mut c = line.split(',');
            stmt.execute(rusqlite::params![
                c.next(),
                c.next(),
                c.next(),
                c.next(),
                c.next()
            ])
            .unwrap();
            n += 1;
        }
    }
    tx.commit().unwrap();
    n
}

pub(crate) fn import(file: &Path, ws: &Path) -> usize {
    let mut w = Workspace::open(ws, Source::Cli).unwrap();
    let orders = file.file_name().is_some_and(|n| n == "orders.csv");
    let r = if orders {
        w.import_orders(file, false, false, Lang::ZhCn, &Silent)
    } else {
        w.import_customers(file, false, false, Lang::ZhCn, &Silent)
    }
    .unwrap();
    assert!(r.committed, "{:?}", r.problems.first());
    r.written as usize
}

pub(crate) fn rfm(ws: &Path) -> usize {
    let w = Workspace::open(ws, Source::Cli).unwrap();
    w.rfm(Some("2026-11-30"), None, Scoring::Mean, Lang::ZhCn)
        .unwrap()
        .customers
        .len()
}

pub(crate) fn run(customers: u32, orders: u32, runs: u32) {
    let dir = tempfile::TempDir::new().unwrap();
    let members = 10_000;
    let ws = dir.path().join("members.orgdesk");
    crate::search::workspace(&ws, members, 500);
    generate(dir.path(), customers, orders, members);
    println!("{customers} customers and {orders} orders (CSV) for {members} members");
    let mut t: [Vec<f64>; 5] = Default::default();
    let mut peak: [Vec<f64>; 3] = Default::default();
    for run in 0..runs {
        for (i, name) in ["customers.csv", "orders.csv"].iter().enumerate() {
            let db = dir.path().join(format!("bare{run}{i}.sqlite"));
            let (s, _, _) =
                crate::child_with("run-customers-baseline", &dir.path().join(name), &db);
            t[i * 2].push(s);
            let _ = std::fs::remove_file(db);
        }
        let copy = dir.path().join(format!("ws{run}.orgdesk"));
        std::fs::copy(&ws, &copy).unwrap();
        for (i, name) in ["customers.csv", "orders.csv"].iter().enumerate() {
            let (s, m, n) = crate::child_with("run-customers", &dir.path().join(name), &copy);
            assert_eq!(n as u32, if i == 0 { customers } else { orders });
            t[i * 2 + 1].push(s);
            peak[i].push(m);
        }
        let (s, m, _) = crate::child_with("run-rfm", &copy, &copy);
        t[4].push(s);
        peak[2].push(m);
    }
    let [bc, ic, bo, io, r] = t.map(crate::median);
    let [pc, po, pr] = peak.map(crate::median);
    println!("customers: bare read+insert {bc:.2}s; import {ic:.2}s ({:.2}x, target <= 1.5x), peak {pc:.0} MB", ic / bc);
    println!("orders: bare read+insert {bo:.2}s; import {io:.2}s ({:.2}x, target <= 1.5x), peak {po:.0} MB", io / bo);
    println!("RFM over {orders} orders: {r:.2}s (target < 1 s), peak {pr:.0} MB");
}
