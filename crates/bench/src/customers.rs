//! `orgdesk-bench customers [--customers N] [--orders M] [--runs K]`: the customer and order
//! imports against a bare read+insert of the same .xlsx files (calamine, as the member bench), and RFM over the orders; each run in
//! its own process.

use orgdesk_core::customers::rfm::Scoring;
use orgdesk_core::progress::Silent;
use orgdesk_core::{Lang, Source, Workspace};
use rust_xlsxwriter::Workbook;
use std::path::Path;

/// Customers owned by the bench workspace's members (`user0000000` …), each with a mobile, and
/// their orders: .xlsx as WeCom's export and a shop system write them (the member bench's method).
fn generate(dir: &Path, customers: u32, orders: u32, members: u32) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory().unwrap();
    for (c, h) in ["客户名称", "添加人账号", "添加时间", "标签", "手机"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..customers {
        let r = i + 1;
        sheet.write_string(r, 0, format!("客户{i}")).unwrap();
        sheet
            .write_string(r, 1, format!("user{:07}", i % members))
            .unwrap();
        sheet.write_string(r, 2, "2026-01-01 10:00").unwrap();
        sheet
            .write_string(
                r,
                3,
                format!("地区:{}", ["杭州", "宁波", "温州", "绍兴"][i as usize % 4]),
            )
            .unwrap();
        sheet
            .write_string(r, 4, (15_000_000_000u64 + u64::from(i)).to_string())
            .unwrap();
    }
    book.save(dir.join("customers.xlsx")).unwrap();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory().unwrap();
    for (c, h) in ["订单号", "客户手机", "下单时间", "金额"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let start = time::Date::from_calendar_date(2025, time::Month::December, 1).unwrap();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for n in 0..orders {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let customer = (state % u64::from(customers)) as u32;
        let day = start + time::Duration::days((state >> 20) as i64 % 365);
        let amount = (state >> 40) % 50_000;
        let r = n + 1;
        sheet.write_string(r, 0, format!("D{n:08}")).unwrap();
        sheet
            .write_string(r, 1, (15_000_000_000u64 + u64::from(customer)).to_string())
            .unwrap();
        sheet.write_string(r, 2, format!("{day} 12:00")).unwrap();
        sheet.write_number(r, 3, amount as f64 / 100.0).unwrap();
    }
    book.save(dir.join("orders.xlsx")).unwrap();
}

pub(crate) fn import(file: &Path, ws: &Path) -> usize {
    let mut w = Workspace::open(ws, Source::Cli).unwrap();
    let orders = file.file_name().is_some_and(|n| n == "orders.xlsx");
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
    println!("{customers} customers and {orders} orders (.xlsx) for {members} members");
    let mut t: [Vec<f64>; 5] = Default::default();
    let mut peak: [Vec<f64>; 3] = Default::default();
    for run in 0..runs {
        for (i, name) in ["customers.xlsx", "orders.xlsx"].iter().enumerate() {
            let db = dir.path().join(format!("bare{run}{i}.sqlite"));
            let (s, _, _) =
                crate::child_with("run-customers-baseline", &dir.path().join(name), &db);
            t[i * 2].push(s);
            let _ = std::fs::remove_file(db);
        }
        let copy = dir.path().join(format!("ws{run}.orgdesk"));
        std::fs::copy(&ws, &copy).unwrap();
        for (i, name) in ["customers.xlsx", "orders.xlsx"].iter().enumerate() {
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
    // ORGDESK_BENCH_KEEP=1 keeps the files, to profile one step on them.
    if std::env::var_os("ORGDESK_BENCH_KEEP").is_some() {
        println!("files kept in {}", dir.keep().display());
    }
}
