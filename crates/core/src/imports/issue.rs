//! A problem or a clean-up of one row, tied to a column, kept as a code and parameters until
//! it is put into words (a 100,000-row report is worded once, in the language asked for).

use super::RowIssue;
use crate::error::Error;
use crate::i18n::{t_fields, Arg, Lang};
use std::sync::Arc;

/// Column index used for issues that concern the row as a whole.
pub const NO_COLUMN: u16 = u16::MAX;

/// A cleaning note or a problem, before it is put into words.
#[derive(Debug, Clone)]
pub struct Issue {
    pub row: u32,
    /// Index into the plan's columns, or [`NO_COLUMN`].
    pub column: u16,
    pub code: &'static str,
    /// Key under `errors.` (problems) or `import_warnings.` (clean-ups).
    key: &'static str,
    warning: bool,
    params: Vec<(&'static str, Arg)>,
}

impl Issue {
    pub(crate) fn error(row: u32, column: u16, e: Error) -> Issue {
        Issue {
            row,
            column,
            code: e.code.as_str(),
            key: e.key,
            warning: false,
            params: e.params,
        }
    }

    pub(crate) fn warning<const N: usize>(
        row: u32,
        column: u16,
        code: &'static str,
        params: [(&'static str, String); N],
    ) -> Issue {
        Issue {
            row,
            column,
            code,
            key: code,
            warning: true,
            params: params.into_iter().map(|(k, v)| (k, Arg::Text(v))).collect(),
        }
    }

    /// Puts the issue into words; `headers` are the plan's [`Plan::headers`].
    pub fn render(&self, lang: Lang, headers: &[Arc<str>]) -> RowIssue {
        let section = if self.warning {
            "import_warnings"
        } else {
            "errors"
        };
        let column = headers
            .get(self.column as usize)
            .cloned()
            .unwrap_or_else(|| Arc::from(""));
        // Every message may name its column.
        let mut params = self.params.clone();
        params.push(("column", Arg::Text(column.to_string())));
        RowIssue {
            row: self.row,
            column,
            code: self.code,
            message: t_fields(lang, &format!("{section}.{}", self.key), &params),
        }
    }
}
