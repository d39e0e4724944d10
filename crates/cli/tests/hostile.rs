//! The hostile corpus: small crafted files that claim or inflate to far more than they hold,
//! generated here (the large ones are never committed). Each runs through `import --dry-run`,
//! `import` and `migrate` in a child process capped in memory (address space) and CPU time; a
//! reader that allocates what a file claims, loops or panics fails the test. Every case must
//! answer with exit 2 and the message naming its limit; a real file runs under the same caps.
//! `scripts/hostile.sh` runs this with the figures printed (time and peak memory per case).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use tempfile::TempDir;
use zip::write::SimpleFileOptions;

/// The caps: address space (peak memory stays far below: threads reserve address space they
/// never touch) and CPU seconds.
const ADDRESS_SPACE: u64 = 1 << 30;
const CPU_SECONDS: u64 = 30;

struct Outcome {
    code: Option<i32>,
    stderr: String,
    peak_mb: i64,
    seconds: f64,
}

/// Runs the CLI under the caps and reports its exit, stderr, peak resident memory and time.
// The child is reaped by wait4 (which gives its own peak memory), not by `Child::wait`.
#[allow(clippy::zombie_processes)]
fn capped(args: &[&str]) -> Outcome {
    let mut command = Command::new("prlimit");
    command
        .arg(format!("--as={ADDRESS_SPACE}"))
        .arg(format!("--cpu={CPU_SECONDS}"))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_orgdesk"))
        .args(args)
        .env("LANG", "C.UTF-8")
        .env_remove("ORGDESK_LANG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().expect("prlimit (util-linux) runs");
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    // wait4 gives this child's own peak (prlimit execs the CLI in the same process).
    let (mut status, mut usage) = (0, unsafe { std::mem::zeroed::<libc::rusage>() });
    let pid = child.id() as libc::pid_t;
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Outcome {
        code,
        stderr,
        peak_mb: usage.ru_maxrss / 1024,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// Every command that reads a staff list, on `file`: each exits 2 saying `expected`.
fn refused(dir: &Path, name: &str, file: &Path, expected: &str) {
    let ws = dir.join(format!("{name}.orgdesk"));
    let ws = ws.to_str().unwrap();
    let init = capped(&["init", ws, "--name", "示例科技", "--platform", "wecom"]);
    assert_eq!(init.code, Some(0), "{}", init.stderr);
    let f = file.to_str().unwrap();
    let out = dir.join(format!("{name}-out.xlsx"));
    for args in [
        vec!["import", "members", ws, f, "--dry-run"],
        vec!["import", "members", ws, f],
        vec!["migrate", f, out.to_str().unwrap(), "--to", "wecom"],
    ] {
        let o = capped(&args);
        eprintln!(
            "{name:<22} {:<8} exit {:?} in {:5.2}s, peak {:4} MB",
            args[0], o.code, o.seconds, o.peak_mb
        );
        assert_eq!(o.code, Some(2), "{name} {args:?}: {}", o.stderr);
        assert!(
            o.stderr.contains(expected),
            "{name} {args:?}: expected “{expected}” in {}",
            o.stderr
        );
        assert!(!out.exists(), "{name}: migrate wrote a file");
    }
}

/// An .xlsx file: the given parts around a minimal workbook with one sheet.
fn xlsx(path: &Path, sheet: &mut dyn FnMut(&mut dyn Write), extra: &[(&str, &[u8])]) -> PathBuf {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let deflate = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(true);
    let parts: [(&str, &str); 4] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
        ),
    ];
    for (name, text) in parts {
        zip.start_file(name, deflate).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    for (name, bytes) in extra {
        zip.start_file(*name, deflate).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", deflate).unwrap();
    sheet(&mut zip);
    zip.finish().unwrap();
    path.to_path_buf()
}

const SHEET_START: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
const HEADER: &str = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>手机</t></is></c><c r="C1" t="inlineStr"><is><t>部门</t></is></c></row>"#;

fn sheet_of<'a>(rows: &'a str, tail: &'a str) -> impl FnMut(&mut dyn Write) + 'a {
    move |w: &mut dyn Write| {
        write!(
            w,
            "{SHEET_START}{HEADER}{rows}</sheetData>{tail}</worksheet>"
        )
        .unwrap();
    }
}

/// `n` bytes of `unit` repeated, written in chunks.
fn repeat(w: &mut dyn Write, unit: &[u8], n: usize) {
    let chunk: Vec<u8> = unit.iter().copied().cycle().take(1 << 20).collect();
    let mut left = n;
    while left > 0 {
        let k = left.min(chunk.len());
        w.write_all(&chunk[..k]).unwrap();
        left -= k;
    }
}

#[test]
fn crafted_spreadsheets_are_refused_within_caps() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let strings = |count: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="{count}"><si><t>张伟</t></si></sst>"#
        )
    };

    // Shared-string tables that declare more strings than they can hold.
    for (name, count) in [
        ("sst-1.2e10", "12000000000"),
        ("sst-u64max", "18446744073709551615"),
    ] {
        let table = strings(count);
        let file = xlsx(
            &d.join(format!("{name}.xlsx")),
            &mut sheet_of("", ""),
            &[("xl/sharedStrings.xml", table.as_bytes())],
        );
        refused(d, name, &file, "shared strings");
    }

    // One cell of `unit` repeated up to `bytes`.
    let one_cell = |name: &str, unit: &[u8], bytes: usize| {
        let cell = |w: &mut dyn Write| {
            let start = r#"<row r="2"><c r="A2" t="inlineStr"><is><t>"#;
            write!(w, "{SHEET_START}{HEADER}{start}").unwrap();
            repeat(w, unit, bytes);
            write!(w, "</t></is></c></row></sheetData></worksheet>").unwrap();
        };
        xlsx(&d.join(name), &mut { cell }, &[])
    };
    // One that inflates to 64 MB from a few dozen KB.
    let file = one_cell("cell-bomb.xlsx", b"a", 64 << 20);
    refused(d, "cell-bomb", &file, "inflates to 64 MB");
    // A text over the limit in a part too small for the inflation rule.
    let file = one_cell("long-cell.xlsx", "张伟".as_bytes(), 3 << 20);
    refused(d, "long-cell", &file, "longer than 1 MB");

    // Rows that inflate to 64 MB (the same row over and over, as no real writer saves them).
    let file = xlsx(
        &d.join("row-bomb.xlsx"),
        &mut |w: &mut dyn Write| {
            write!(w, "{SHEET_START}{HEADER}").unwrap();
            let row =
                r#"<row><c t="inlineStr"><is><t>张伟</t></is></c><c><v>13800138000</v></c></row>"#;
            repeat(w, row.as_bytes(), (64 << 20) / row.len() * row.len());
            write!(w, "</sheetData></worksheet>").unwrap();
        },
        &[],
    );
    refused(d, "row-bomb", &file, "inflates to");

    // Merged regions over the whole sheet, ten times.
    let merges: String = std::iter::repeat_n(r#"<mergeCell ref="A1:XFD1048576"/>"#, 10).collect();
    let tail = format!(r#"<mergeCells count="10">{merges}</mergeCells>"#);
    let far = r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>远处</t></is></c></row>"#;
    let file = xlsx(&d.join("merges.xlsx"), &mut sheet_of(far, &tail), &[]);
    refused(d, "merges", &file, "would spread over");

    // Every row with one cell in the last column.
    let mut wide = String::new();
    for r in 2..2000 {
        wide.push_str(&format!(r#"<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>"#));
    }
    let file = xlsx(&d.join("wide.xlsx"), &mut sheet_of(&wide, ""), &[]);
    refused(d, "wide-rows", &file, "would spread over");

    // OpenDocument rows and columns repeated two billion times.
    let file = d.join("repeats.ods");
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&file).unwrap());
        let stored =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        zip.start_file("content.xml", SimpleFileOptions::default())
            .unwrap();
        write!(
            zip,
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Sheet1"><table:table-row><table:table-cell office:value-type="string"><text:p>姓名</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>手机</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="2000000000"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>张伟</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
        )
        .unwrap();
        zip.start_file("META-INF/manifest.xml", SimpleFileOptions::default())
            .unwrap();
        write!(zip, r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
        zip.finish().unwrap();
    }
    assert!(std::fs::metadata(&file).unwrap().len() < 2000);
    refused(d, "ods-repeats", &file, "would spread over");

    // Legacy .xls files cut short.
    let xls = std::fs::read(fixture("staff.xls")).unwrap();
    for n in [609, 900, 4683, 5071] {
        let file = d.join(format!("cut-{n}.xls"));
        std::fs::write(&file, &xls[..n]).unwrap();
        refused(d, &format!("xls-cut-{n}"), &file, "damaged");
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/fixtures")
        .join(name)
}

/// The caps leave room for real work: the fixtures import under them.
#[test]
fn real_files_import_under_the_same_caps() {
    let dir = TempDir::new().unwrap();
    let ws = dir.path().join("w.orgdesk");
    let ws = ws.to_str().unwrap();
    assert_eq!(
        capped(&["init", ws, "--name", "示例科技", "--platform", "wecom"]).code,
        Some(0)
    );
    for name in ["staff.xls", "staff.ods"] {
        let f = fixture(name);
        let o = capped(&["import", "members", ws, f.to_str().unwrap(), "--dry-run"]);
        assert_eq!(o.code, Some(0), "{name}: {}", o.stderr);
    }
    // A generated sheet with merged department cells and a stray far cell still reads.
    let mut rows = String::new();
    for r in 2..500 {
        rows.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>员工{r}</t></is></c><c r="B{r}"><v>138{r:08}</v></c><c r="C{r}" t="inlineStr"><is><t>示例科技/销售部</t></is></c></row>"#
        ));
    }
    rows.push_str(r#"<row r="600"><c r="AZ600" t="inlineStr"><is><t>备注</t></is></c></row>"#);
    let tail = r#"<mergeCells count="1"><mergeCell ref="C2:C499"/></mergeCells>"#;
    let file = xlsx(
        &dir.path().join("merged.xlsx"),
        &mut sheet_of(&rows, tail),
        &[],
    );
    let o = capped(&["import", "members", ws, file.to_str().unwrap(), "--dry-run"]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
}
