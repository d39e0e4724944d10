//! A fuzzer for the spreadsheet readers on stable Rust: real files (the test fixtures, and
//! workbooks written by rust_xlsxwriter) are mutated — inside the ZIP, part by part, where the
//! readers parse, or as raw bytes — and each result is imported (dry run, then for real) into a
//! workspace in memory. Errors are what a bad file should get; a panic anywhere (on any
//! thread, even one the import catches) is a crash. [`one`] is the target a coverage-guided
//! fuzzer (cargo-fuzz) can call as it is.

use orgdesk_core::imports::{ImportOptions, ImportSession};
use orgdesk_core::progress::Silent;
use orgdesk_core::{Lang, Platform, Workspace};
use std::io::{Cursor, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Panics seen since the hook was installed, on any thread.
static PANICS: AtomicUsize = AtomicUsize::new(0);

/// The input being tried and since when (for a watchdog that catches hangs).
pub static CURRENT: std::sync::Mutex<Option<(std::time::Instant, Vec<u8>)>> =
    std::sync::Mutex::new(None);

/// Counts every panic (keeping the default report), including those on threads whose panic
/// the import turns into an error.
pub fn count_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        default(info);
    }));
}

pub fn panics() -> usize {
    PANICS.load(Ordering::SeqCst)
}

/// The fuzz target: `data` imported as a staff list, dry run then for real.
pub fn one(ws: &mut Workspace, data: &[u8]) {
    for dry_run in [true, false] {
        let Ok(mut session) = ImportSession::from_bytes(data.to_vec(), "fuzz.xlsx") else {
            return;
        };
        let options = ImportOptions {
            skip_invalid: true,
            ..Default::default()
        };
        let _ = ws.run_import(&mut session, &options, dry_run, Lang::ZhCn, &Silent);
    }
}

/// A workspace for the target (in memory; start a new one now and then, as imports fill it).
pub fn workspace() -> Workspace {
    Workspace::in_memory("示例科技", Platform::Wecom).expect("a workspace in memory")
}

/// The seeds: real files of every format the import reads.
pub fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/");
    let read = |name: &str| std::fs::read(format!("{fixtures}{name}")).expect("a fixture");
    let csv = "姓名,账号,手机,邮箱,部门,职务,入职日期\n张伟,zhangwei,13800138000,zw@example.com,示例科技/销售部,经理,2024-03-01\n李娜,lina,13900139000,,示例科技/销售部;示例科技/市场部,,2023/7/15\n";
    vec![
        ("staff.xls", read("staff.xls")),
        ("staff.ods", read("staff.ods")),
        ("roster.xlsx", roster(false)),
        ("merged.xlsx", roster(true)),
        ("utf8.csv", csv.as_bytes().to_vec()),
        ("gbk.csv", encoding_rs::GBK.encode(csv).0.into_owned()),
    ]
}

/// A roster as Excel writes it: shared strings, numbers, dates, and merged department cells.
fn roster(merged: bool) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in ["姓名", "账号", "手机", "部门", "入职日期", "性别"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..40u32 {
        sheet.write_string(r, 0, format!("员工{r}")).unwrap();
        sheet.write_string(r, 1, format!("u{r}")).unwrap();
        sheet
            .write_number(r, 2, 13800000000.0 + f64::from(r))
            .unwrap();
        sheet
            .write_string(r, 3, format!("示例科技/部门{}", r % 3))
            .unwrap();
        let day = ExcelDateTime::from_ymd(2024, 1, (r % 28 + 1) as u8).unwrap();
        sheet.write_datetime_with_format(r, 4, &day, &date).unwrap();
        sheet
            .write_string(r, 5, if r % 2 == 0 { "男" } else { "女" })
            .unwrap();
    }
    if merged {
        let f = Format::new();
        sheet
            .merge_range(1, 3, 10, 3, "示例科技/销售部", &f)
            .unwrap();
    }
    book.save_to_buffer().unwrap()
}

/// Interesting values to put where numbers were.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "4294967295",
    "18446744073709551615",
    "99999999999999999999999",
    "1048576",
    "16384",
    "2000000000",
    "XFD1048576",
    "A1:XFD1048576",
    "NaN",
];

/// One mutation of `seed`: inside a ZIP (a part's XML changed, dropped or duplicated) or of
/// the raw bytes (flips, cuts, splices, insertions).
pub fn mutate(rng: &mut fastrand::Rng, seed: &[u8]) -> Vec<u8> {
    if seed.starts_with(b"PK") && rng.u8(..4) != 0 {
        if let Some(out) = mutate_zip(rng, seed) {
            return out;
        }
    }
    let mut out = seed.to_vec();
    for _ in 0..rng.usize(1..4) {
        mutate_bytes(rng, &mut out);
    }
    out
}

fn mutate_bytes(rng: &mut fastrand::Rng, out: &mut Vec<u8>) {
    if out.is_empty() {
        out.push(rng.u8(..));
        return;
    }
    let at = rng.usize(..out.len());
    match rng.u8(..7) {
        0 => out[at] ^= 1 << rng.u8(..8),
        1 => out[at] = rng.u8(..),
        2 => out.truncate(at),
        3 => {
            let len = rng.usize(..(out.len() - at).min(4096) + 1);
            let chunk = out[at..at + len].to_vec();
            let to = rng.usize(..=out.len());
            out.splice(to..to, chunk);
        }
        4 => {
            let len = rng.usize(..(out.len() - at).min(64) + 1);
            out.drain(at..at + len);
        }
        5 => {
            let n = NUMBERS[rng.usize(..NUMBERS.len())];
            out.splice(at..at, n.bytes());
        }
        _ => {
            // Replace a run of digits with an interesting number.
            if let Some(start) = out[at..].iter().position(u8::is_ascii_digit) {
                let start = at + start;
                let end = start
                    + out[start..]
                        .iter()
                        .position(|b| !b.is_ascii_digit())
                        .unwrap_or(out.len() - start);
                let n = NUMBERS[rng.usize(..NUMBERS.len())];
                out.splice(start..end, n.bytes());
            }
        }
    }
}

fn mutate_zip(rng: &mut fastrand::Rng, seed: &[u8]) -> Option<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(seed)).ok()?;
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).ok()?;
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).ok()?;
        parts.push((entry.name().ok()?.to_string(), bytes));
    }
    let target = rng.usize(..parts.len());
    match rng.u8(..10) {
        0 => {
            parts.remove(target);
        }
        1 => {
            let copy = parts[target].clone();
            parts.push(copy);
        }
        _ => {
            for _ in 0..rng.usize(1..4) {
                mutate_bytes(rng, &mut parts[target].1);
            }
        }
    }
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for (name, bytes) in parts {
        out.start_file(name, options).ok()?;
        out.write_all(&bytes).ok()?;
    }
    Some(out.finish().ok()?.into_inner())
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Report {
    pub inputs: u64,
    pub crashes: Vec<Vec<u8>>,
    /// The slowest input and its time.
    pub slowest: (f64, Vec<u8>),
}

/// Runs `inputs` mutated inputs (or until `deadline`) from `seed`, reproducibly.
pub fn run(seed: u64, inputs: u64, deadline: Option<std::time::Instant>) -> Report {
    let mut rng = fastrand::Rng::with_seed(seed);
    let seeds = seeds();
    let mut ws = workspace();
    let mut report = Report::default();
    while report.inputs < inputs && deadline.is_none_or(|d| std::time::Instant::now() < d) {
        let (_, base) = &seeds[rng.usize(..seeds.len())];
        let input = mutate(&mut rng, base);
        let before = panics();
        let started = std::time::Instant::now();
        if let Ok(mut current) = CURRENT.lock() {
            *current = Some((started, input.clone()));
        }
        let caught =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| one(&mut ws, &input)));
        let took = started.elapsed().as_secs_f64();
        if caught.is_err() || panics() > before {
            report.crashes.push(input.clone());
            ws = workspace();
        }
        if took > report.slowest.0 {
            report.slowest = (took, input);
        }
        report.inputs += 1;
        if report.inputs % 200 == 0 {
            ws = workspace();
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A short run with a fixed seed, in every test run: no input makes a reader panic.
    #[test]
    fn mutated_files_never_make_a_reader_panic() {
        count_panics();
        for (name, data) in seeds() {
            let mut ws = workspace();
            let mut session = ImportSession::from_bytes(data, name).unwrap();
            let r = ws
                .run_import(
                    &mut session,
                    &ImportOptions::default(),
                    true,
                    Lang::ZhCn,
                    &Silent,
                )
                .unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert!(r.created.members >= 2, "{name}: the seed imports");
        }
        let report = run(20261130, 300, None);
        assert_eq!(report.inputs, 300);
        assert!(
            report.crashes.is_empty(),
            "{} of 300 inputs crashed a reader",
            report.crashes.len()
        );
    }
}
