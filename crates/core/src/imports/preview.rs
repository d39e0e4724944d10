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

impl Plan {
    /// Rows for the wizard's preview table (`only_problems`: rows with errors or warnings).
    pub fn preview(&self, lang: Lang, only_problems: bool) -> Vec<PreviewRow> {
        let headers = self.headers();
        let mut by_row: BTreeMap<u32, (Vec<RowIssue>, Vec<RowIssue>)> = BTreeMap::new();
        for e in &self.errors {
            by_row
                .entry(e.row)
                .or_default()
                .0
                .push(e.render(lang, &headers));
        }
        for w in &self.warnings {
            by_row
                .entry(w.row)
                .or_default()
                .1
                .push(w.render(lang, &headers));
        }
        let fields: Vec<Field> = self.columns.iter().filter_map(|c| c.field).collect();
        self.rows
            .iter()
            .filter_map(|r| {
                let (problems, notes) = by_row.remove(&r.line).unwrap_or_default();
                if only_problems && problems.is_empty() && notes.is_empty() {
                    return None;
                }
                Some(PreviewRow {
                    row: r.line,
                    action: r.action.into(),
                    values: fields.iter().map(|f| r.values.display(*f)).collect(),
                    problems,
                    notes,
                })
            })
            .collect()
    }
}
