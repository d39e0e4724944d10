//! Writing real spreadsheet files for the import tests (rust_xlsxwriter, encoding_rs).
#![allow(dead_code)]

use rust_xlsxwriter::{Format, Workbook};
use std::path::{Path, PathBuf};

/// The WeCom console template's header row as WeCom documents it (row 9, under 8 rows of notes).
pub const WECOM_HEADER: [&str; 12] = [
    "姓名",
    "账号",
    "别名",
    "职务",
    "部门",
    "性别",
    "手机",
    "座机",
    "邮箱",
    "地址",
    "企业邮箱",
    "视频号",
];

/// A cell to write.
#[derive(Clone, Debug)]
pub enum C {
    S(&'static str),
    Owned(String),
    N(f64),
    /// An Excel date (serial number shown with a date format).
    D(f64),
    E,
}

pub use C::*;

/// Row helper: text cells.
pub fn row(cells: &[&'static str]) -> Vec<C> {
    cells
        .iter()
        .map(|c| if c.is_empty() { E } else { S(c) })
        .collect()
}

pub struct SheetSpec {
    pub name: &'static str,
    /// First row and column written (0-based), to place a table away from A1.
    pub origin: (u32, u16),
    pub rows: Vec<Vec<C>>,
    /// (first_row, first_col, last_row, last_col, text), absolute 0-based.
    pub merges: Vec<(u32, u16, u32, u16, &'static str)>,
}

pub fn sheet(name: &'static str, rows: Vec<Vec<C>>) -> SheetSpec {
    SheetSpec {
        name,
        origin: (0, 0),
        rows,
        merges: Vec::new(),
    }
}

/// Writes an .xlsx file with rust_xlsxwriter.
pub fn write_xlsx(path: &Path, sheets: Vec<SheetSpec>) -> PathBuf {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy/m/d");
    for spec in sheets {
        let ws = book.add_worksheet();
        ws.set_name(spec.name).unwrap();
        for (r, cells) in spec.rows.iter().enumerate() {
            for (c, cell) in cells.iter().enumerate() {
                let (r, c) = (spec.origin.0 + r as u32, spec.origin.1 + c as u16);
                match cell {
                    S(s) => drop(ws.write_string(r, c, *s).unwrap()),
                    Owned(s) => drop(ws.write_string(r, c, s.as_str()).unwrap()),
                    N(n) => drop(ws.write_number(r, c, *n).unwrap()),
                    D(n) => drop(ws.write_number_with_format(r, c, *n, &date).unwrap()),
                    E => {}
                }
            }
        }
        for (r1, c1, r2, c2, text) in &spec.merges {
            ws.merge_range(*r1, *c1, *r2, *c2, text, &Format::new())
                .unwrap();
        }
    }
    book.save(path).unwrap();
    path.to_path_buf()
}

/// Writes CSV text in GBK, as Chinese Excel's "CSV (逗号分隔)" does.
pub fn write_gbk(path: &Path, text: &str) -> PathBuf {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    std::fs::write(path, bytes).unwrap();
    path.to_path_buf()
}

/// The committed fixtures made by LibreOffice (see fixtures/README.md).
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The staff list behind the .xls/.ods fixtures (and written as .xlsx for comparison).
pub fn legacy_staff() -> Vec<SheetSpec> {
    vec![sheet(
        "通讯录",
        vec![
            row(&["姓名", "账号", "职务", "部门", "手机", "邮箱", "入职日期"]),
            vec![
                S("张伟"),
                S("zhangwei"),
                S("经理"),
                S("示例科技/销售部"),
                N(13800138000.0),
                S("zw@example.com"),
                D(45047.0),
            ],
            vec![
                S("李娜"),
                E,
                S("工程师"),
                S("示例科技/研发中心；示例科技/销售部"),
                S("139 0013 9000"),
                E,
                S("2023/5/1"),
            ],
            vec![
                S("王芳"),
                S("wangfang"),
                E,
                S("示例科技/研发中心"),
                E,
                S("wf@example.com"),
                E,
            ],
        ],
    )]
}
