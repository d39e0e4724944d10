//! The plan of an import: every row of the file cleaned, checked and matched, with what will
//! happen to it, computed without writing; its report; the one rule that refuses it.

use super::header::{Column, Field};
use super::issue::Issue;
use super::{Created, ImportColumn, ImportReport, RowIssues, Updated};
use crate::history::Change;
use crate::i18n::Lang;
use crate::members::MemberFields;
use calamine::Data;
use std::sync::Arc;

/// What committing will do with a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAction {
    Create,
    /// Update the member with this id.
    Update(i64),
    /// The row matches this member and changes nothing.
    Unchanged(i64),
    Invalid,
}

/// Cleaned values of one row; an empty field means the file gives no value (an update keeps
/// the member's).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values {
    pub userid: Option<String>,
    pub fields: MemberFields,
    /// Full paths, the main department first (shared by the rows that name the same ones).
    pub departments: Arc<[String]>,
    /// Leader flags as the file gave them (`None`: no leader column or an empty cell).
    pub leader: Option<Vec<bool>>,
}

impl Values {
    /// The departments this row says the member leads: one flag per department, or a single
    /// flag for the main department. `None` when the file says nothing about leaders.
    pub fn leads(&self) -> Option<Vec<&str>> {
        let flags = self.leader.as_ref()?;
        Some(
            self.departments
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    if flags.len() == self.departments.len() {
                        flags[*i]
                    } else {
                        *i == 0 && flags.first() == Some(&true)
                    }
                })
                .map(|(_, d)| d.as_str())
                .collect(),
        )
    }

    /// The value shown for `field` in a preview.
    pub fn display(&self, field: Field) -> String {
        match field {
            Field::Member(key) => self.fields.text(key).unwrap_or_default().into_owned(),
            Field::Userid => self.userid.clone().unwrap_or_default(),
            Field::Leader => self.leads().map(|l| l.join(";")).unwrap_or_default(),
            Field::Department => self.departments.join(";"),
            Field::DepartmentLevel(n) => {
                let main = self.departments.first().map(String::as_str).unwrap_or("");
                main.split('/')
                    .nth(n as usize - 1)
                    .unwrap_or("")
                    .to_string()
            }
        }
    }
}
/// One data row of the file and what will happen to it.
#[derive(Debug, Clone)]
pub struct PlannedRow {
    /// Row number as the spreadsheet shows it (CSV: line).
    pub line: u32,
    pub action: RowAction,
    /// The row's values (and cells), until a streaming import has written or counted the row
    /// and keeps only its outcome: a 1,000,000-row import does not hold every row.
    held: Option<Box<Held>>,
}

/// What a [`PlannedRow`] holds while it may still be needed.
#[derive(Debug, Clone)]
pub(crate) struct Held {
    /// A mobile or email was given but rejected (so "no contact" is not reported on top).
    contact_rejected: bool,
    values: Values,
    /// The cells as read, kept for invalid rows (the error workbook).
    raw: Option<Vec<Data>>,
}

impl PlannedRow {
    pub(crate) fn new(
        line: u32,
        values: Values,
        action: RowAction,
        contact_rejected: bool,
    ) -> Self {
        PlannedRow {
            line,
            action,
            held: Some(Box::new(Held {
                contact_rejected,
                values,
                raw: None,
            })),
        }
    }

    /// The cleaned values; None once the row was released.
    pub fn values(&self) -> Option<&Values> {
        self.held.as_ref().map(|h| &h.values)
    }

    pub(crate) fn values_mut(&mut self) -> Option<&mut Values> {
        self.held.as_mut().map(|h| &mut h.values)
    }

    /// The cells as read, for an invalid row.
    pub fn raw(&self) -> Option<&[Data]> {
        self.held.as_ref()?.raw.as_deref()
    }

    pub(crate) fn keep_raw(&mut self, cells: &[Data]) {
        if let Some(h) = &mut self.held {
            h.raw = Some(cells.to_vec());
        }
    }

    pub(crate) fn contact_rejected(&self) -> bool {
        self.held.as_ref().is_some_and(|h| h.contact_rejected)
    }

    /// Keeps only the row's outcome; what it held is handed back (to be freed where it was
    /// made).
    pub(crate) fn release(&mut self) -> Option<Box<Held>> {
        self.held.take()
    }
}

/// Everything an import will do, computed without writing.
#[derive(Debug)]
pub struct Plan {
    pub file: String,
    pub format: &'static str,
    pub encoding: Option<&'static str>,
    pub sheets: Vec<String>,
    pub sheet: String,
    /// Header row number as the spreadsheet shows it.
    pub header_row: u32,
    pub columns: Vec<Column>,
    pub header_cells: Vec<Data>,
    pub rows: Vec<PlannedRow>,
    /// The accounts generated for new members without one: (position in `rows`, index into
    /// `bases`, number; see [`Plan::generated`]).
    pub(crate) generated: Vec<(usize, u32, u32)>,
    pub(crate) bases: Vec<String>,
    pub warnings: Arc<Vec<Issue>>,
    pub errors: Arc<Vec<Issue>>,
    /// Department paths that will be created (for the valid rows), parents first.
    pub new_departments: Vec<String>,
}

impl Plan {
    /// The accounts generated for new members without one: (position in `rows`, account), in
    /// file order.
    pub(crate) fn generated(&self) -> impl Iterator<Item = (usize, String)> + '_ {
        self.generated.iter().map(|&(k, b, n)| {
            let base = self.bases.get(b as usize).map_or("", String::as_str);
            (k, super::matching::account(base, n))
        })
    }

    pub fn invalid(&self) -> u32 {
        self.rows
            .iter()
            .filter(|r| r.action == RowAction::Invalid)
            .count() as u32
    }

    pub(crate) fn count(&self, f: impl Fn(RowAction) -> bool) -> u32 {
        self.rows.iter().filter(|r| f(r.action)).count() as u32
    }

    /// The report of this plan: `batch` when it was committed, the planned numbers for a dry run,
    /// zero created/updated when it was refused.
    /// The headers of the columns, as issues name them.
    pub fn headers(&self) -> Vec<Arc<str>> {
        self.columns
            .iter()
            .map(|c| Arc::from(c.header.as_str()))
            .collect()
    }

    pub fn report(&self, lang: Lang, outcome: Outcome) -> ImportReport {
        let headers: Arc<[Arc<str>]> = self.headers().into();
        let list = |issues: &Arc<Vec<Issue>>| RowIssues {
            issues: issues.clone(),
            headers: headers.clone(),
            lang,
        };
        let (warnings, errors) = (list(&self.warnings), list(&self.errors));
        let (created, updated) = match outcome {
            Outcome::Refused => (Created::default(), Updated::default()),
            _ => (
                Created {
                    members: self.count(|a| a == RowAction::Create),
                    departments: self.new_departments.len() as u32,
                },
                Updated {
                    members: self.count(|a| matches!(a, RowAction::Update(_))),
                },
            ),
        };
        let columns: Vec<ImportColumn> = self
            .columns
            .iter()
            .map(|c| ImportColumn {
                index: c.index as u32,
                header: c.header.clone(),
                field: c.field.map(Field::code),
            })
            .collect();
        ImportReport {
            file: self.file.clone(),
            format: self.format.to_string(),
            encoding: self.encoding.map(str::to_string),
            sheet: self.sheet.clone(),
            sheets: self.sheets.clone(),
            header_row: self.header_row,
            mapping: self
                .columns
                .iter()
                .filter_map(|c| Some((c.header.clone(), c.field?.code())))
                .collect(),
            columns,
            rows: self.rows.len() as u32,
            valid: self.rows.len() as u32 - self.invalid(),
            invalid: self.invalid(),
            created,
            updated,
            unchanged: self.count(|a| matches!(a, RowAction::Unchanged(_))),
            warnings,
            errors,
            committed: matches!(outcome, Outcome::Committed(_)),
            batch: match outcome {
                Outcome::Committed(b) => b,
                _ => None,
            },
        }
    }
}

/// What became of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    DryRun,
    /// Invalid rows and no permission to skip them: nothing written.
    Refused,
    /// Written; the batch is None when there was nothing to change.
    Committed(Option<i64>),
}

/// Whether an import with `invalid` invalid rows is refused: nothing is written unless the
/// user chose to skip them. Every way an import commits asks this.
pub(crate) fn refuses(invalid: usize, skip_invalid: bool) -> bool {
    invalid > 0 && !skip_invalid
}

impl Plan {
    /// Whether committing this plan is refused (see [`refuses`]).
    pub fn refused(&self, skip_invalid: bool) -> bool {
        refuses(self.invalid() as usize, skip_invalid)
    }

    /// Whether committing this plan would write anything.
    pub fn writes(&self) -> bool {
        self.rows
            .iter()
            .any(|r| matches!(r.action, RowAction::Create | RowAction::Update(_)))
    }
}

impl Plan {
    /// The audit entry of this plan's import.
    pub(crate) fn change(&self) -> Change<()> {
        Change {
            value: (),
            target: self.file.clone(),
            before: None,
            after: Some(serde_json::json!({
                "file": self.file,
                "sheet": self.sheet,
                "rows": self.rows.len(),
                "created_members": self.count(|a| a == RowAction::Create),
                "updated_members": self.count(|a| matches!(a, RowAction::Update(_))),
                "created_departments": self.new_departments.len(),
            })),
        }
    }
}
