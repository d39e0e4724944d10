//! Finding the header row and mapping its columns to member fields.

use super::read::Sheet;
use crate::validate::half_width;
use calamine::Data;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// A member field a column can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Name,
    Userid,
    Alias,
    Position,
    Department,
    Gender,
    Mobile,
    Telephone,
    Email,
    BizEmail,
    Address,
    EmployeeNo,
    JoinDate,
    EmploymentType,
    /// Whether the member leads their departments (`是否部门内领导`: `1;0` per department, or one
    /// yes/no for the main department).
    Leader,
    /// One level of the department path in roster exports ("1级部门" … "7级部门"), from 1.
    DepartmentLevel(u8),
}

const SIMPLE: [(Field, &str); 15] = [
    (Field::Name, "name"),
    (Field::Userid, "userid"),
    (Field::Alias, "alias"),
    (Field::Position, "position"),
    (Field::Department, "department"),
    (Field::Gender, "gender"),
    (Field::Mobile, "mobile"),
    (Field::Telephone, "telephone"),
    (Field::Email, "email"),
    (Field::BizEmail, "biz_email"),
    (Field::Address, "address"),
    (Field::EmployeeNo, "employee_no"),
    (Field::JoinDate, "join_date"),
    (Field::EmploymentType, "employment_type"),
    (Field::Leader, "leader"),
];

const MAX_LEVELS: u8 = 15;

impl Field {
    /// The stable code used in mappings (`name`, `mobile`, `department_level_2` …).
    pub fn code(self) -> String {
        match self {
            Field::DepartmentLevel(n) => format!("department_level_{n}"),
            f => SIMPLE
                .iter()
                .find(|(x, _)| *x == f)
                .map(|(_, c)| c.to_string())
                .unwrap_or_default(),
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
        SIMPLE.iter().find(|(_, c)| *c == code).map(|(f, _)| *f)
    }

    /// Every field code, for help texts.
    pub fn codes() -> Vec<String> {
        let mut codes: Vec<String> = SIMPLE.iter().map(|(_, c)| c.to_string()).collect();
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
    fields.contains(&Field::Name) && fields.len() >= 2
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_their_fields_whatever_the_spelling() {
        for (h, f) in [
            ("姓名", Field::Name),
            ("姓名*", Field::Name),
            (" 姓 名 ", Field::Name),
            ("*账号", Field::Userid),
            ("帐号", Field::Userid),
            ("用户 ID", Field::Userid),
            ("userid", Field::Userid),
            ("员工UserID", Field::Userid),
            ("手机（必填）", Field::Mobile),
            ("Mobile", Field::Mobile),
            ("E-mail", Field::Email),
            ("企业邮箱", Field::BizEmail),
            ("Employee ID", Field::EmployeeNo),
            ("入职时间", Field::JoinDate),
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
        for (f, _) in SIMPLE {
            assert_eq!(Field::parse(&f.code()), Some(f));
        }
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
            [None, Some(Field::Mobile), None, None]
        );
        assert!(!is_header(&cols));
        o.insert("员工".into(), "name".into());
        o.insert("备注".into(), "position".into());
        o.insert("手机".into(), "ignore".into());
        let cols = map_columns(&row, &o);
        assert_eq!(
            cols.iter().map(|c| c.field).collect::<Vec<_>>(),
            [
                Some(Field::Name),
                None,
                Some(Field::Mobile),
                Some(Field::Position)
            ]
        );
        assert!(is_header(&cols));
    }
}
