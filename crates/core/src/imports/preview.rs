//! The import wizard's preview: each row with what will happen to it, its cleaned values and
//! its problems and clean-ups in words.

use super::header::Field;
use super::plan::{Plan, RowAction};
use super::RowIssue;
use crate::i18n::Lang;
use std::collections::BTreeMap;

/// What committing will do with a row, as the preview shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PreviewAction {
    Create,
    Update,
    Unchanged,
    Invalid,
}

impl From<RowAction> for PreviewAction {
    fn from(a: RowAction) -> PreviewAction {
        match a {
            RowAction::Create => PreviewAction::Create,
            RowAction::Update(_) => PreviewAction::Update,
            RowAction::Unchanged(_) => PreviewAction::Unchanged,
            RowAction::Invalid => PreviewAction::Invalid,
        }
    }
}

/// The preview of one row for the import wizard.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
pub struct PreviewRow {
    pub row: u32,
    pub action: PreviewAction,
    /// Cleaned values of the mapped columns, in column order.
    pub values: Vec<String>,
    pub problems: Vec<RowIssue>,
    pub notes: Vec<RowIssue>,
}

/// Which rows the wizard's preview table shows.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize, specta::Type,
)]
#[serde(rename_all = "snake_case")]
pub enum RowFilter {
    #[default]
    All,
    /// Rows with errors or warnings.
    Problems,
    /// Rows that will not be imported.
    Invalid,
}

/// How many rows each filter shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, specta::Type)]
pub struct RowCounts {
    pub all: u32,
    pub problems: u32,
    pub invalid: u32,
}

/// One page of the preview table.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
pub struct PreviewPage {
    /// How many rows the filter shows in all.
    pub total: u32,
    pub offset: u32,
    /// Named like a member page's, so that tables page both the same way.
    pub members: Vec<PreviewRow>,
}

impl Plan {
    /// The file lines of rows with errors or warnings.
    fn lines_with_issues(&self) -> std::collections::BTreeSet<u32> {
        self.errors
            .iter()
            .chain(self.warnings.iter())
            .map(|i| i.row)
            .collect()
    }

    /// How many rows each preview filter shows.
    pub fn row_counts(&self) -> RowCounts {
        let issues = self.lines_with_issues();
        let count = |f: &dyn Fn(&super::plan::PlannedRow) -> bool| {
            self.rows.iter().filter(|r| f(r)).count() as u32
        };
        RowCounts {
            all: self.rows.len() as u32,
            problems: count(&|r| issues.contains(&r.line)),
            invalid: count(&|r| matches!(r.action, RowAction::Invalid)),
        }
    }

    /// One page of the preview table: only its rows are put into words, so a million-row file
    /// previews as fast as a small one.
    pub fn preview_page(
        &self,
        lang: Lang,
        filter: RowFilter,
        offset: u32,
        limit: u32,
    ) -> PreviewPage {
        let issues = self.lines_with_issues();
        let shown = |r: &&super::plan::PlannedRow| match filter {
            RowFilter::All => true,
            RowFilter::Problems => issues.contains(&r.line),
            RowFilter::Invalid => matches!(r.action, RowAction::Invalid),
        };
        let total = self.rows.iter().filter(shown).count() as u32;
        let page: Vec<_> = self
            .rows
            .iter()
            .filter(shown)
            .skip(offset as usize)
            .take(limit as usize)
            .collect();
        let wanted: std::collections::BTreeSet<u32> = page.iter().map(|r| r.line).collect();
        let headers = self.headers();
        let mut by_row: BTreeMap<u32, (Vec<RowIssue>, Vec<RowIssue>)> = BTreeMap::new();
        for e in self.errors.iter().filter(|e| wanted.contains(&e.row)) {
            by_row
                .entry(e.row)
                .or_default()
                .0
                .push(e.render(lang, &headers));
        }
        for w in self.warnings.iter().filter(|w| wanted.contains(&w.row)) {
            by_row
                .entry(w.row)
                .or_default()
                .1
                .push(w.render(lang, &headers));
        }
        let fields: Vec<Field> = self.columns.iter().filter_map(|c| c.field).collect();
        let members = page
            .into_iter()
            .map(|r| {
                let (problems, notes) = by_row.remove(&r.line).unwrap_or_default();
                PreviewRow {
                    row: r.line,
                    action: r.action.into(),
                    values: match r.values() {
                        Some(v) => fields.iter().map(|f| v.display(*f)).collect(),
                        None => Vec::new(),
                    },
                    problems,
                    notes,
                }
            })
            .collect();
        PreviewPage {
            total,
            offset,
            members,
        }
    }
}
