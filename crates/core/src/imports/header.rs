//! Finding the header row and mapping its columns to member fields.

use super::read::Sheet;
use crate::i18n::{t, Lang};
use crate::members::{FieldKey, FIELDS};
use crate::validate::half_width;
use calamine::Data;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// What a column can hold: a member field of the schema that imports read, or one of the
/// import's own columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Member(FieldKey),
    /// The account; matched case-insensitively, generated from the name when empty.
    Userid,
    /// Department paths (`A/B/C`), several separated by `;`, the main one first.
    Department,
    /// Whether the member leads their departments (`是否部门内领导`: `1;0` per department, or one
    /// yes/no for the main department).
    Leader,
    /// One level of the department path in roster exports ("1级部门" … "7级部门"), from 1.
    DepartmentLevel(u8),
}

const MAX_LEVELS: u8 = 15;

impl Field {
    /// The stable code used in mappings (`name`, `mobile`, `department_level_2` …).
    pub fn code(self) -> String {
        match self {
            Field::Member(key) => key.code().to_string(),
            Field::Userid => "userid".into(),
            Field::Department => "department".into(),
            Field::Leader => "leader".into(),
            Field::DepartmentLevel(n) => format!("department_level_{n}"),
        }
    }

    pub fn parse(code: &str) -> Option<Field> {
        let code = code.trim().to_ascii_lowercase();
        if let Some(n) = code
            .strip_prefix("department_level_")
            .and_then(|n| n.parse::<u8>().ok())
        {
            return (1..=MAX_LEVELS)
                .contains(&n)
                .then_some(Field::DepartmentLevel(n));
        }
        match code.as_str() {
            "userid" => Some(Field::Userid),
            "department" => Some(Field::Department),
            "leader" => Some(Field::Leader),
            _ => FieldKey::parse(&code)
                .filter(|k| k.spec().import)
                .map(Field::Member),
        }
    }

    /// Every field an import reads, in the order the wizard offers them: the name and the
    /// account, the other member fields, the departments.
    pub fn all() -> Vec<Field> {
        let mut all = vec![Field::Member(FieldKey::Name), Field::Userid];
        all.extend(
            FIELDS
                .iter()
                .filter(|s| s.import && s.key != FieldKey::Name)
                .map(|s| Field::Member(s.key)),
        );
        all.extend([Field::Department, Field::Leader]);
        all
    }

    /// Every field code, for help texts.
    pub fn codes() -> Vec<String> {
        let mut codes: Vec<String> = Field::all().into_iter().map(Field::code).collect();
        codes.push("department_level_N".into());
        codes
    }
}

/// Header text as compared: half-width, lower case, no spaces, no `*`, no trailing note in brackets.
pub fn normalize(header: &str) -> String {
    let mut s: String = half_width(header)
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if s.ends_with(')') {
        if let Some(open) = s.rfind('(') {
            if open > 0 {
                s.truncate(open);
            }
        }
    }
    s.trim_matches('*').to_string()
}

struct Aliases {
    exact: HashMap<String, Field>,
    level_patterns: Vec<(String, String)>,
}

fn aliases() -> &'static Aliases {
    static ALIASES: OnceLock<Aliases> = OnceLock::new();
    ALIASES.get_or_init(|| {
        #[derive(serde::Deserialize)]
        struct File {
            fields: BTreeMap<String, Vec<String>>,
            department_levels: Vec<String>,
        }
        let file: File = serde_json::from_str(include_str!(
            "../../../../assets/imports/member-headers.json"
        ))
        .expect("member-headers.json is valid");
        let mut exact = HashMap::new();
        for (code, names) in file.fields {
            let field = Field::parse(&code)
                .unwrap_or_else(|| panic!("unknown field {code} in member-headers.json"));
            for n in names {
                exact.entry(normalize(&n)).or_insert(field);
            }
        }
        // Each member field is also known by its name in either language.
        for spec in FIELDS.iter().filter(|s| s.import) {
            for lang in Lang::ALL {
                let label = t(lang, &format!("fields.{}", spec.key.code()), &[]);
                exact
                    .entry(normalize(&label))
                    .or_insert(Field::Member(spec.key));
            }
        }
        let level_patterns = file
            .department_levels
            .iter()
            .map(|p| {
                let p = normalize(p);
                let (a, b) = p.split_once("{n}").unwrap_or((&p, ""));
                (a.to_string(), b.to_string())
            })
            .collect();
        Aliases {
            exact,
            level_patterns,
        }
    })
}

/// The field a header names, if any.
pub fn field_for(header: &str) -> Option<Field> {
    let n = normalize(header);
    if n.is_empty() {
        return None;
    }
    let a = aliases();
    if let Some(f) = a.exact.get(&n) {
        return Some(*f);
    }
    a.level_patterns.iter().find_map(|(prefix, suffix)| {
        let level = n
            .strip_prefix(prefix.as_str())?
            .strip_suffix(suffix.as_str())?;
        let level: u8 = level.parse().ok()?;
        (1..=MAX_LEVELS)
            .contains(&level)
            .then_some(Field::DepartmentLevel(level))
    })
}

/// One column of the header row.
#[derive(Debug, Clone)]
pub struct Column {
    /// Position within the sheet's rows.
    pub index: usize,
    pub header: String,
    pub field: Option<Field>,
}

/// Plain text of a header cell.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Empty => String::new(),
        other => other.to_string().trim().to_string(),
    }
}

/// Text of a data cell exactly as stored (no trimming).
pub fn cell_text_raw(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        other => cell_text(other),
    }
}

/// Maps the cells of a header row. `overrides` maps header text (as written, or normalised) to
/// a field code or `ignore`; a field taken by an earlier column is not given to a later one.
pub fn map_columns(cells: &[Data], overrides: &BTreeMap<String, String>) -> Vec<Column> {
    let normalized: HashMap<String, &str> = overrides
        .iter()
        .map(|(k, v)| (normalize(k), v.as_str()))
        .collect();
    let mut taken = Vec::new();
    cells
        .iter()
        .enumerate()
        .map(|(index, cell)| {
            let header = cell_text(cell);
            let field = match normalized.get(&normalize(&header)) {
                Some(code) => Field::parse(code),
                None => field_for(&header),
            };
            let field = field.filter(|f| !taken.contains(f));
            if let Some(f) = field {
                taken.push(f);
            }
            Column {
                index,
                header,
                field,
            }
        })
        .collect()
}

/// Whether mapped columns make a usable header: a name and at least one other field.
pub fn is_header(columns: &[Column]) -> bool {
    let fields: Vec<Field> = columns.iter().filter_map(|c| c.field).collect();
    fields.contains(&Field::Member(FieldKey::Name)) && fields.len() >= 2
}

/// The first row among the first `scan` rows of `sheet` that is a header, with its columns.
pub fn find_header(
    sheet: &Sheet,
    overrides: &BTreeMap<String, String>,
    scan: usize,
) -> Option<(usize, Vec<Column>)> {
    sheet.rows().take(scan).enumerate().find_map(|(i, row)| {
        let columns = map_columns(row, overrides);
        is_header(&columns).then_some((i, columns))
    })
}

/// Header aliases of a small import (`assets/imports/*-headers.json`: `{"fields": {code:
/// [header, …]}}`), normalised as [`normalize`] does, each to one of `columns`.
pub(crate) fn column_aliases(
    json: &str,
    columns: &[&'static str],
    file: &str,
) -> std::collections::HashMap<String, &'static str> {
    #[derive(serde::Deserialize)]
    struct File {
        fields: std::collections::BTreeMap<String, Vec<String>>,
    }
    let parsed: File =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{file} is not valid: {e}"));
    let mut map = std::collections::HashMap::new();
    for (code, names) in parsed.fields {
        let column = columns
            .iter()
            .copied()
            .find(|c| *c == code)
            .unwrap_or_else(|| panic!("unknown column {code} in {file}"));
        for n in names {
            map.insert(normalize(&n), column);
        }
    }
    map
}

/// The header row of a small import within the first 30 rows of `sheet`: the first whose
/// columns (index, code by `column_of`) satisfy `enough`.
pub(crate) fn find_small_header(
    sheet: &super::read::Sheet,
    column_of: fn(&str) -> Option<&'static str>,
    enough: impl Fn(&[(usize, &'static str)]) -> bool,
) -> Option<(usize, Vec<(usize, &'static str)>)> {
    sheet.rows().take(30).enumerate().find_map(|(i, row)| {
        let cols: Vec<(usize, &'static str)> = row
            .iter()
            .enumerate()
            .filter_map(|(c, cell)| column_of(&cell_text(cell)).map(|f| (c, f)))
            .collect();
        enough(&cols).then_some((i, cols))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_their_fields_whatever_the_spelling() {
        for (h, f) in [
            ("姓名", Field::Member(FieldKey::Name)),
            ("姓名*", Field::Member(FieldKey::Name)),
            (" 姓 名 ", Field::Member(FieldKey::Name)),
            ("*账号", Field::Userid),
            ("帐号", Field::Userid),
            ("用户 ID", Field::Userid),
            ("userid", Field::Userid),
            ("员工UserID", Field::Userid),
            ("手机（必填）", Field::Member(FieldKey::Mobile)),
            ("Mobile", Field::Member(FieldKey::Mobile)),
            ("E-mail", Field::Member(FieldKey::Email)),
            ("企业邮箱", Field::Member(FieldKey::BizEmail)),
            ("Employee ID", Field::Member(FieldKey::EmployeeNo)),
            ("入职时间", Field::Member(FieldKey::JoinDate)),
            ("１级部门", Field::DepartmentLevel(1)),
            ("7级部门", Field::DepartmentLevel(7)),
            ("Level 3 department", Field::DepartmentLevel(3)),
        ] {
            assert_eq!(field_for(h), Some(f), "{h}");
        }
        assert_eq!(field_for("备注"), None);
        assert_eq!(field_for(""), None);
        assert_eq!(field_for("99级部门"), None);
    }

    #[test]
    fn codes_round_trip() {
        for f in Field::all() {
            assert_eq!(Field::parse(&f.code()), Some(f));
        }
        // A member field imports do not read is not offered.
        assert_eq!(Field::parse("status"), None);
        assert_eq!(Field::parse("rank"), Some(Field::Member(FieldKey::Rank)));
        assert_eq!(
            Field::parse("department_level_4"),
            Some(Field::DepartmentLevel(4))
        );
        assert_eq!(Field::parse("nope"), None);
    }

    #[test]
    fn overrides_and_first_column_wins() {
        let row: Vec<Data> = ["员工", "手机", "手机号", "备注"]
            .iter()
            .map(|s| Data::String(s.to_string()))
            .collect();
        let mut o = BTreeMap::new();
        let cols = map_columns(&row, &o);
        assert_eq!(
            cols.iter().map(|c| c.field).collect::<Vec<_>>(),
            [None, Some(Field::Member(FieldKey::Mobile)), None, None]
        );
        assert!(!is_header(&cols));
        o.insert("员工".into(), "name".into());
        o.insert("备注".into(), "position".into());
        o.insert("手机".into(), "ignore".into());
        let cols = map_columns(&row, &o);
        assert_eq!(
            cols.iter().map(|c| c.field).collect::<Vec<_>>(),
            [
                Some(Field::Member(FieldKey::Name)),
                None,
                Some(Field::Member(FieldKey::Mobile)),
                Some(Field::Member(FieldKey::Position))
            ]
        );
        assert!(is_header(&cols));
    }
}
