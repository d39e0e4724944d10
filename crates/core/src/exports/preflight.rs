//! Pre-flight: everything in a workspace the target platform would refuse in this file, found
//! before a byte is written. Limits come from the capability dataset, file rules from the layout.

use super::layout::{Contact, Kind, Layout, Value};
use super::platform::row_cells;
use crate::compare::limits::{check_departments, LimitProblem, MemberLimits};
use crate::dataset::Dataset;
use crate::error::{Result, Severity};
use crate::i18n::{t, Lang};
use crate::members::{FieldKey, Member};
use crate::org::departments::Department;
use rusqlite::Connection;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use std::borrow::Cow;

/// One problem, tied to the file row and member (or department) it concerns.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Problem {
    /// `error` (nothing is written without `--force`) or `warning`.
    pub severity: Severity,
    /// Stable rule code (`contact_missing`, `department_cell_too_long`, `member_name_length` …).
    pub rule: String,
    /// The row the member would have in the file, as the spreadsheet shows it.
    pub row: Option<u32>,
    pub userid: Option<String>,
    pub name: Option<String>,
    /// The department concerned (department rules).
    pub department: Option<String>,
    pub message: String,
    pub fix: String,
}

impl Problem {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Builds the problems of one export, in file order.
pub(crate) struct Checker<'a> {
    layout: &'a Layout,
    lang: Lang,
    platform_name: String,
    limits: MemberLimits<'a>,
    cell_limit: Option<f64>,
    /// Unique fields: value → first member's name.
    seen: Vec<(FieldKey, HashMap<String, String>)>,
    problems: Vec<Problem>,
    /// Problems found per rule, and whether the rule is an error.
    counts: HashMap<String, (u32, bool)>,
}

/// Rows of an .xlsx sheet.
const XLSX_ROWS: u64 = 1_048_576;

/// Problems listed per rule; the rest are counted in one summary line (a warning on every row
/// of a 100,000-member workspace must not become 100,000 lines).
const LISTED_PER_RULE: u32 = 200;

/// What pre-flight found.
pub(crate) struct Found {
    pub problems: Vec<Problem>,
    pub errors: u32,
    pub warnings: u32,
}

impl<'a> Checker<'a> {
    pub fn new(layout: &'a Layout, dataset: &'a Dataset, lang: Lang) -> Self {
        Checker {
            layout,
            lang,
            platform_name: t(
                lang,
                &format!("platforms.{}", layout.platform.as_str()),
                &[],
            ),
            limits: MemberLimits::new(layout.platform.as_str(), dataset),
            cell_limit: layout
                .rules
                .department_cell_limit
                .as_deref()
                .and_then(|key| dataset.limit(layout.platform.as_str(), key)),
            seen: layout
                .rules
                .unique
                .iter()
                .map(|f| (*f, HashMap::default()))
                .collect(),
            problems: Vec::new(),
            counts: HashMap::default(),
        }
    }

    fn push(&mut self, p: Problem) {
        let entry = self
            .counts
            .entry(p.rule.clone())
            .or_insert((0, p.is_error()));
        entry.0 += 1;
        if entry.0 <= LISTED_PER_RULE {
            self.problems.push(p);
        }
    }

    /// The listed problems, a summary line per rule with more, and the full counts.
    pub fn finish(mut self) -> Found {
        let (mut errors, mut warnings) = (0, 0);
        let mut rules: Vec<(String, (u32, bool))> = self.counts.drain().collect();
        rules.sort();
        for (rule, (n, error)) in rules {
            if error {
                errors += n;
            } else {
                warnings += n;
            }
            if n > LISTED_PER_RULE {
                let params = [
                    ("rule", rule.clone()),
                    ("count", (n - LISTED_PER_RULE).to_string()),
                ];
                self.problems.push(Problem {
                    severity: if error {
                        Severity::Error
                    } else {
                        Severity::Warning
                    },
                    rule: "more".into(),
                    row: None,
                    userid: None,
                    name: None,
                    department: None,
                    message: t(self.lang, "preflight.more.message", &params),
                    fix: t(self.lang, "preflight.more.fix", &params),
                });
            }
        }
        Found {
            problems: self.problems,
            errors,
            warnings,
        }
    }

    fn words(&self, rule: &str, params: &[(&str, String)]) -> (String, String) {
        let mut all: Vec<(&str, String)> = params.to_vec();
        all.push(("platform", self.platform_name.clone()));
        (
            t(self.lang, &format!("preflight.{rule}.message"), &all),
            t(self.lang, &format!("preflight.{rule}.fix"), &all),
        )
    }

    fn member(&mut self, error: bool, rule: &str, row: u32, m: &Member, params: &[(&str, String)]) {
        let mut params = params.to_vec();
        params.push(("name", m.fields.name.clone()));
        params.push(("userid", m.userid.clone()));
        let (message, fix) = self.words(rule, &params);
        self.push(Problem {
            severity: if error {
                Severity::Error
            } else {
                Severity::Warning
            },
            rule: rule.into(),
            row: Some(row),
            userid: Some(m.userid.clone()),
            name: Some(m.fields.name.clone()),
            department: m.main_department.clone(),
            message,
            fix,
        });
    }

    fn department(&mut self, error: bool, rule: &str, path: &str, params: &[(&str, String)]) {
        let mut params = params.to_vec();
        params.push(("department", path.to_string()));
        let (message, fix) = self.words(rule, &params);
        self.push(Problem {
            severity: if error {
                Severity::Error
            } else {
                Severity::Warning
            },
            rule: rule.into(),
            row: None,
            userid: None,
            name: None,
            department: Some(path.to_string()),
            message,
            fix,
        });
    }

    fn limit(&mut self, p: LimitProblem, row: Option<u32>, member: Option<&Member>) {
        self.push(Problem {
            severity: Severity::Error,
            rule: p.rule,
            row,
            userid: member.map(|m| m.userid.clone()),
            name: member.map(|m| m.fields.name.clone()),
            department: match member {
                Some(m) => m.main_department.clone(),
                None => (!p.target.is_empty()).then_some(p.target),
            },
            message: p.message,
            fix: p.fix,
        });
    }

    /// Whether the file can hold `members` rows at all (an .xlsx sheet holds 1,048,576 rows,
    /// the header and the notes above it included); an error when it cannot, found before
    /// anything is written.
    pub fn fits(&mut self, members: u64) -> bool {
        let rows = u64::from(self.layout.header_row()) + members;
        if self.layout.kind != Kind::Xlsx || rows <= XLSX_ROWS {
            return true;
        }
        let params = [
            ("count", members.to_string()),
            (
                "max",
                (XLSX_ROWS - u64::from(self.layout.header_row())).to_string(),
            ),
        ];
        let (message, fix) = self.words("too_many_rows", &params);
        self.push(Problem {
            severity: Severity::Error,
            rule: "too_many_rows".into(),
            row: None,
            userid: None,
            name: None,
            department: None,
            message,
            fix,
        });
        false
    }

    /// Rules about the tree: the dataset's limits, forbidden characters, departments the file
    /// cannot carry.
    pub fn departments(&mut self, departments: &[Department], dataset: &Dataset) {
        for p in check_departments(
            departments,
            self.layout.platform.as_str(),
            dataset,
            self.lang,
        ) {
            self.limit(p, None, None);
        }
        let forbidden = self.layout.rules.department_name_forbidden.clone();
        for d in departments {
            if let Some(c) = forbidden.iter().find(|c| d.name.contains(c.as_str())) {
                self.department(
                    true,
                    "department_name_char",
                    &d.path,
                    &[("char", c.clone())],
                );
            }
        }
        if self.layout.departments_file.is_none() {
            for d in departments.iter().filter(|d| d.total_member_count == 0) {
                // Only the top of an empty branch: its sub-departments are empty too.
                let parent_empty = d.parent_id.is_some_and(|p| {
                    departments
                        .iter()
                        .any(|x| x.id == p && x.total_member_count == 0)
                });
                if !parent_empty {
                    self.department(false, "department_without_members", &d.path, &[]);
                }
            }
        } else {
            let roots = departments.iter().filter(|d| d.parent_id.is_none()).count();
            if roots > 1 {
                self.department(false, "several_roots", "", &[("count", roots.to_string())]);
            }
        }
    }

    /// Rules about one member, written at file row `row` as `cells` (one per layout column).
    pub fn member_row(&mut self, m: &Member, row: u32, cells: &[Cow<str>]) {
        for p in self.limits.check(m, self.lang) {
            self.limit(p, Some(row), Some(m));
        }
        let layout = self.layout;
        match layout.rules.contact {
            Contact::MobileOrEmail
                if !m.fields.is_set(FieldKey::Mobile) && !m.fields.is_set(FieldKey::Email) =>
            {
                self.member(true, "contact_missing", row, m, &[]);
            }
            Contact::Mobile if !m.fields.is_set(FieldKey::Mobile) => {
                self.member(true, "mobile_missing", row, m, &[]);
            }
            _ => {}
        }
        if let Some(max) = layout.rules.max_departments {
            if m.departments.len() > max {
                self.member(
                    true,
                    "too_many_departments",
                    row,
                    m,
                    &[
                        ("count", m.departments.len().to_string()),
                        ("max", max.to_string()),
                    ],
                );
            }
        }
        let levels = layout.level_columns();
        if levels > 0 {
            let depth = m
                .main_department
                .as_deref()
                .map_or(0, |p| p.split('/').count());
            if depth > levels as usize {
                self.member(
                    false,
                    "deeper_than_level_columns",
                    row,
                    m,
                    &[("depth", depth.to_string()), ("levels", levels.to_string())],
                );
            }
        }
        for (col, text) in layout.columns.iter().zip(cells) {
            if col.value == Value::Departments {
                if let Some(max) = self.cell_limit {
                    let len = text.chars().count();
                    if len as f64 > max {
                        self.member(
                            true,
                            "department_cell_too_long",
                            row,
                            m,
                            &[
                                ("column", col.header.clone()),
                                ("value", text.to_string()),
                                ("length", len.to_string()),
                                ("max", max.to_string()),
                            ],
                        );
                    }
                }
            }
            // Text from before imports and forms refused these: never written raw into a file.
            // (Tabs and line breaks are safe in every format: cells and quoted CSV fields.)
            if let Some(c) = crate::validate::forbidden_control(text, true) {
                let code = format!("U+{:04X}", c as u32);
                let rule = "text_control_character";
                self.member(
                    true,
                    rule,
                    row,
                    m,
                    &[("column", col.header.clone()), ("char", code)],
                );
            } else if text.contains(crate::validate::is_invisible) {
                let rule = "text_invisible_character";
                self.member(false, rule, row, m, &[("column", col.header.clone())]);
            }
            if layout.rules.forbidden_in_values.is_empty() {
                continue;
            }
            if let Some(c) = layout
                .rules
                .forbidden_in_values
                .iter()
                .find(|c| text.contains(c.as_str()))
            {
                self.member(
                    true,
                    "forbidden_char",
                    row,
                    m,
                    &[
                        ("column", col.header.clone()),
                        ("value", text.to_string()),
                        ("char", c.clone()),
                    ],
                );
            }
        }
        for &key in &layout.rules.recommended {
            if !m.fields.is_set(key) {
                let header = header_of(layout, key);
                self.member(false, "recommended_missing", row, m, &[("column", header)]);
            }
        }
        for k in 0..self.seen.len() {
            let key = self.seen[k].0;
            let Some(v) = m.fields.text(key).filter(|v| !v.trim().is_empty()) else {
                continue;
            };
            match self.seen[k].1.get(v.as_ref()).cloned() {
                Some(first) => {
                    let header = header_of(layout, key);
                    self.member(
                        true,
                        "duplicate_value",
                        row,
                        m,
                        &[
                            ("column", header),
                            ("value", v.to_string()),
                            ("other", first),
                        ],
                    );
                }
                None => {
                    self.seen[k].1.insert(v.to_string(), m.fields.name.clone());
                }
            }
        }
    }
}

/// The header of the column holding `key` in `layout`.
fn header_of(layout: &Layout, key: FieldKey) -> String {
    layout
        .columns
        .iter()
        .find(|c| c.value == Value::Field(key))
        .map(|c| c.header.clone())
        .unwrap_or_else(|| key.code().to_string())
}

/// Every problem of exporting `ws` with `layout`, without writing anything.
pub(crate) fn check(
    conn: &Connection,
    layout: &Layout,
    dataset: &Dataset,
    lang: Lang,
) -> Result<Vec<Problem>> {
    let mut checker = Checker::new(layout, dataset, lang);
    checker.departments(&crate::org::departments::list(conn)?, dataset);
    if !checker.fits(crate::members::count(conn)? as u64) {
        return Ok(checker.finish().problems);
    }
    let mut row = layout.header_row();
    crate::members::each(conn, |m| {
        row += 1;
        checker.member_row(&m, row, &row_cells(layout, &m, None));
        Ok(())
    })?;
    Ok(checker.finish().problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An .xlsx sheet holds 1,048,576 rows with the header and its notes: more members are a
    /// pre-flight error before anything is written; a CSV file has no such limit.
    #[test]
    fn a_sheet_that_cannot_hold_everyone_is_an_error_up_front() {
        let layout = super::super::layout("wecom").unwrap();
        let room = XLSX_ROWS - u64::from(layout.header_row());
        let mut checker = Checker::new(layout, Dataset::builtin(), Lang::EnUs);
        assert!(checker.fits(room));
        assert!(!checker.fits(room + 1));
        let found = checker.finish();
        assert_eq!(found.errors, 1);
        assert_eq!(found.problems[0].rule, "too_many_rows");
        assert!(found.problems[0].message.contains(&room.to_string()));
        let csv = super::super::layout("wecom-api").unwrap();
        assert!(Checker::new(csv, Dataset::builtin(), Lang::EnUs).fits(10_000_000));
    }
}
