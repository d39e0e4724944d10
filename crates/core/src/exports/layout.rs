//! Platform file layouts, read from `assets/exports/*.json`: headers, instruction rows, notes,
//! separators, which columns are text and the platform's file rules. A changed template is fixed
//! by editing the data file, not the code.

use crate::dataset::Confidence;
use crate::i18n::{Lang, Localized};
use crate::members::FieldKey;
use crate::org::profile::Platform;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// Always empty (a template column OrgDesk has no data for).
    Empty,
    /// A member field, by its code in the schema (`name`, `mobile`, `employee_no` …).
    Field(FieldKey),
    Userid,
    /// Every department path, the main one first, joined by the list separator.
    Departments,
    /// One level (from 1) of the main department's path.
    DepartmentLevel(u8),
    /// Numeric department ids (API files), the main one first.
    DepartmentIds,
    /// `1`/`0` per department in `DepartmentIds` order: leads that department.
    LeaderFlags,
    /// `1` for a member who cannot sign in (frozen or departed), else `0`.
    Disabled,
    // Department file columns.
    DeptId,
    DeptParentId,
    DeptOrder,
}

impl Value {
    fn parse(code: &str) -> Option<Value> {
        if let Some(n) = code.strip_prefix("department_level_") {
            return n
                .parse::<u8>()
                .ok()
                .filter(|n| *n >= 1)
                .map(Value::DepartmentLevel);
        }
        Some(match code {
            "" => Value::Empty,
            "userid" => Value::Userid,
            "departments" => Value::Departments,
            "department_ids" => Value::DepartmentIds,
            "leader_flags" => Value::LeaderFlags,
            "disabled" => Value::Disabled,
            "id" => Value::DeptId,
            "parent_id" => Value::DeptParentId,
            "order" => Value::DeptOrder,
            field => Value::Field(FieldKey::parse(field)?),
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Column {
    pub header: String,
    #[serde(rename = "value", deserialize_with = "value")]
    pub value: Value,
    #[serde(default)]
    pub required: bool,
    /// Written with the text number format `@`, so Excel keeps typed values as text too.
    #[serde(default)]
    pub text: bool,
    #[serde(default = "default_width")]
    pub width: f64,
}

fn default_width() -> f64 {
    14.0
}

fn value<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
    let code = String::deserialize(d)?;
    Value::parse(&code)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown column value `{code}`")))
}

fn field_keys<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<FieldKey>, D::Error> {
    Vec::<String>::deserialize(d)?
        .iter()
        .map(|code| {
            FieldKey::parse(code)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown member field `{code}`")))
        })
        .collect()
}

#[derive(Debug, Clone, Deserialize)]
pub struct SideFile {
    pub suffix: String,
    #[serde(default)]
    pub extension: Option<String>,
    #[serde(default)]
    pub columns: Vec<Column>,
}

impl SideFile {
    /// `dir/stem{suffix}.{ext}` next to `file`.
    pub fn next_to(&self, file: &Path, default_ext: &str) -> PathBuf {
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext = self.extension.as_deref().unwrap_or(default_ext);
        file.with_file_name(format!("{stem}{}.{ext}", self.suffix))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Contact {
    /// A mobile or an email.
    MobileOrEmail,
    /// A mobile.
    Mobile,
}

/// The platform's rules for this file, checked before writing.
#[derive(Debug, Clone, Deserialize)]
pub struct Rules {
    pub contact: Contact,
    /// Characters no value may contain.
    #[serde(default)]
    pub forbidden_in_values: Vec<String>,
    /// Characters department names may not contain on this platform or in this file.
    #[serde(default)]
    pub department_name_forbidden: Vec<String>,
    /// Capability dataset limit key for the length of the whole department cell.
    #[serde(default)]
    pub department_cell_limit: Option<String>,
    #[serde(default)]
    pub max_departments: Option<usize>,
    /// Fields that must be different for every member.
    #[serde(default, deserialize_with = "field_keys")]
    pub unique: Vec<FieldKey>,
    /// Fields the platform may ask for: missing ones are warned about.
    #[serde(default, deserialize_with = "field_keys")]
    pub recommended: Vec<FieldKey>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Xlsx,
    Csv,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Genders {
    pub male: String,
    pub female: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Layout {
    pub format: String,
    pub platform: Platform,
    pub kind: Kind,
    pub extension: String,
    pub name: Localized,
    pub confidence: Confidence,
    pub source: String,
    pub checked: String,
    #[serde(default)]
    pub sheet: Option<String>,
    #[serde(default)]
    pub bom: bool,
    /// Rows above the header (the template's filling notes).
    pub instructions: Vec<String>,
    /// Notes about this file: a sheet of its own (`notes_sheet`) or a text file (`notes_file`).
    pub notes: Vec<String>,
    #[serde(default)]
    pub notes_sheet: Option<String>,
    #[serde(default)]
    pub notes_file: Option<SideFile>,
    pub columns: Vec<Column>,
    #[serde(default)]
    pub departments_file: Option<SideFile>,
    pub path_separator: String,
    pub list_separator: String,
    pub gender: Genders,
    pub rules: Rules,
}

impl Layout {
    /// The file row (1-based, as the spreadsheet shows it) of the header.
    pub fn header_row(&self) -> u32 {
        self.instructions.len() as u32 + 1
    }

    /// Department level columns, deepest level.
    pub fn level_columns(&self) -> u8 {
        self.columns
            .iter()
            .filter_map(|c| match c.value {
                Value::DepartmentLevel(n) => Some(n),
                _ => None,
            })
            .max()
            .unwrap_or(0)
    }

    /// The department file written next to `out`, if the layout has one.
    pub fn departments_path(&self, out: &Path) -> Option<PathBuf> {
        let side = self.departments_file.as_ref()?;
        Some(side.next_to(out, &self.extension))
    }

    /// The notes file written next to `out`, if the layout has one.
    pub fn notes_path(&self, out: &Path) -> Option<PathBuf> {
        Some(self.notes_file.as_ref()?.next_to(out, "txt"))
    }

    /// Every file an export to `out` writes: `out` and its side files.
    pub fn outputs(&self, out: &Path) -> Vec<PathBuf> {
        std::iter::once(out.to_path_buf())
            .chain(self.departments_path(out))
            .chain(self.notes_path(out))
            .collect()
    }

    pub fn title(&self, lang: Lang) -> &str {
        self.name.get(lang)
    }
}

const SOURCES: [&str; 4] = [
    include_str!("../../../../assets/exports/wecom.json"),
    include_str!("../../../../assets/exports/wecom-api.json"),
    include_str!("../../../../assets/exports/dingtalk.json"),
    include_str!("../../../../assets/exports/feishu.json"),
];

/// Every built-in layout, in menu order.
pub fn layouts() -> &'static [Layout] {
    static LAYOUTS: OnceLock<Vec<Layout>> = OnceLock::new();
    LAYOUTS.get_or_init(|| {
        SOURCES
            .iter()
            .map(|s| serde_json::from_str(s).expect("assets/exports layouts are valid"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layout_is_complete() {
        let all = layouts();
        let formats: Vec<&str> = all.iter().map(|l| l.format.as_str()).collect();
        assert_eq!(formats, ["wecom", "wecom-api", "dingtalk", "feishu"]);
        for l in all {
            assert!(
                l.columns
                    .iter()
                    .any(|c| c.value == Value::Field(FieldKey::Name) && c.required),
                "{}",
                l.format
            );
            assert!(l.columns.iter().any(|c| c.value == Value::Userid));
            assert!(!l.source.is_empty() && l.checked.len() == 10);
            match l.kind {
                Kind::Xlsx => assert!(l.sheet.is_some()),
                Kind::Csv => assert!(l.notes_file.is_some() && !l.notes.is_empty()),
            }
            // Uncertain layouts say so in the file.
            if l.confidence == Confidence::Uncertain {
                assert!(l.notes_sheet.is_some() && !l.notes.is_empty());
            }
        }
    }

    #[test]
    fn the_wecom_header_is_the_documented_one() {
        let wecom = &layouts()[0];
        let headers: Vec<&str> = wecom.columns.iter().map(|c| c.header.as_str()).collect();
        assert_eq!(
            headers,
            [
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
                "视频号"
            ]
        );
        assert_eq!(wecom.header_row(), 9);
        assert_eq!(wecom.path_separator, "/");
    }
}
