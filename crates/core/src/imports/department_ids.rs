//! The department file of an API-style member list (WeCom batch sync: `部门名称, 部门ID,
//! 父部门ID`), so that numeric ids in the member file's department column become paths.

use super::header::{cell_text, normalize};
use super::read::Workbook;
use super::HEADER_SCAN_ROWS;
use crate::error::{Error, ErrorCode, Result};
use crate::files::unneutralise;
use rustc_hash::FxHashMap as HashMap;
use std::path::Path;

/// Id → full path, and every path in file order (parents first).
#[derive(Debug, Default)]
pub struct DepartmentIds {
    pub paths: HashMap<String, String>,
    pub order: Vec<String>,
}

fn invalid(file: &str, key: &'static str) -> Error {
    Error::new(ErrorCode::UnreadableFile, key).with("file", file)
}

/// The department file our API export writes next to `members` (`members_departments.csv`),
/// if it is there.
pub fn sibling(members: &Path) -> Option<std::path::PathBuf> {
    crate::exports::layout::layouts()
        .iter()
        .filter_map(|l| {
            let side = l.departments_file.as_ref()?;
            let ext = members.extension()?.to_str()?;
            ext.eq_ignore_ascii_case(&l.extension)
                .then(|| side.next_to(members, &l.extension))
        })
        .find(|p| p.is_file())
}

impl DepartmentIds {
    pub fn open(path: &Path) -> Result<DepartmentIds> {
        let file = super::ImportFile::open(path)?;
        let name = file.name.clone();
        Self::read(file.workbook, &name)
    }

    fn read(mut book: Workbook, file: &str) -> Result<DepartmentIds> {
        let sheet = book.sheet(0, file)?;
        let wanted = |h: &str| match normalize(h).as_str() {
            "部门名称" | "departmentname" | "name" => Some(0),
            "部门id" | "departmentid" | "id" => Some(1),
            "父部门id" | "parentid" | "parentdepartmentid" => Some(2),
            _ => None,
        };
        let mut found = None;
        for (i, row) in sheet.rows().take(HEADER_SCAN_ROWS).enumerate() {
            let mut cols = [None; 3];
            for (c, cell) in row.iter().enumerate() {
                if let Some(k) = wanted(&cell_text(cell)) {
                    cols[k].get_or_insert(c);
                }
            }
            if let [Some(n), Some(id), Some(parent)] = cols {
                found = Some((i, n, id, parent));
                break;
            }
        }
        let Some((header, name_col, id_col, parent_col)) = found else {
            return Err(invalid(file, "import_departments_file_header"));
        };
        // (id, name, parent id) in file order.
        let mut rows: Vec<(String, String, String, u32)> = Vec::new();
        for (i, row) in sheet.rows().enumerate().skip(header + 1) {
            let get = |c: usize| {
                row.get(c)
                    .map(|d| unneutralise(cell_text(d).trim()).to_string())
                    .unwrap_or_default()
            };
            let (name, id, parent) = (get(name_col), get(id_col), get(parent_col));
            if name.is_empty() && id.is_empty() {
                continue;
            }
            if name.is_empty() || id.is_empty() {
                return Err(
                    invalid(file, "import_departments_file_row").with("row", sheet.display_row(i))
                );
            }
            rows.push((id, name, parent, sheet.display_row(i)));
        }
        let by_id: HashMap<&str, (&str, &str, u32)> = rows
            .iter()
            .map(|(id, name, parent, line)| (id.as_str(), (name.as_str(), parent.as_str(), *line)))
            .collect();
        let mut out = DepartmentIds::default();
        for (id, ..) in &rows {
            let mut levels = Vec::new();
            let mut cur = id.as_str();
            // Walk up to a parent the file does not list (0, empty: the top).
            while let Some((name, parent, line)) = by_id.get(cur) {
                if levels.len() > rows.len() {
                    return Err(invalid(file, "import_departments_file_cycle").with("row", line));
                }
                levels.push(*name);
                cur = parent;
            }
            levels.reverse();
            let path = levels.join("/");
            out.order.push(path.clone());
            out.paths.insert(id.clone(), path);
        }
        Ok(out)
    }
}
