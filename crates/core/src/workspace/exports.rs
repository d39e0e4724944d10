//! The façade's Excel out: platform member files (checked first) and the report workbook.

use super::Workspace;
use crate::compare::limits::{self, LimitProblem};
use crate::dataset::Dataset;
use crate::error::Result;
use crate::exports::{self, mask::Mask, report::ReportSummary, ExportReport, Problem};
use crate::i18n::Lang;
use crate::progress::Progress;
use std::path::Path;

impl Workspace {
    /// Pre-flight only: what exporting the members as `format` would run into.
    pub fn preflight(&self, format: &str, lang: Lang) -> Result<Vec<Problem>> {
        exports::preflight(self.db.conn(), format, lang)
    }

    /// Checks and writes the member file `out` for `format` (and its side files); they are kept
    /// only when the checks found no error, or with `force`.
    pub fn export_members(
        &self,
        format: &str,
        out: &Path,
        force: bool,
        lang: Lang,
        mask: Option<Mask>,
        progress: &dyn Progress,
    ) -> Result<ExportReport> {
        exports::export_members(self.db.conn(), format, out, force, lang, mask, progress)
    }

    /// Writes the owner's report workbook to `out`.
    pub fn export_report(
        &self,
        out: &Path,
        lang: Lang,
        mask: Option<Mask>,
        progress: &dyn Progress,
    ) -> Result<ReportSummary> {
        let conn = self.db.conn();
        let facts = crate::setup::app_facts(conn)?;
        let computed = exports::report::Computed {
            health: Some(self.health(None, None, lang)?),
            rfm: Some(self.rfm(None, None, crate::customers::rfm::Scoring::Mean, lang)?),
        };
        exports::report::write(conn, out, lang, mask, &facts, computed, progress)
    }

    /// Everything in the workspace that breaks `platform`'s known limits.
    pub fn check_limits(&self, platform: &str, lang: Lang) -> Result<Vec<LimitProblem>> {
        limits::check(self.db.conn(), platform, Dataset::builtin(), lang)
    }
}
