//! The façade's imports: plan, commit or run an [`ImportSession`]; list and roll back batches.

use super::Workspace;
use crate::error::Result;
use crate::i18n::Lang;
use crate::imports::{
    self, ImportBatch, ImportOptions, ImportPreview, ImportReport, ImportSession,
};
use crate::progress::Progress;

impl Workspace {
    /// Reads, cleans and checks every row of the session's file against the workspace with
    /// `options`, writing nothing: the wizard's preview. The plan stays in the session.
    pub fn plan_import(
        &self,
        session: &mut ImportSession,
        options: &ImportOptions,
        lang: Lang,
    ) -> Result<ImportPreview> {
        let plan = session.file()?.plan(self.db.conn(), options)?;
        Ok(session.set_plan(plan).preview_data(lang))
    }

    /// Writes the session's latest plan: every valid row in one undoable batch, or nothing when
    /// rows are invalid and `skip_invalid` is not given.
    pub fn commit_import(
        &mut self,
        session: &ImportSession,
        skip_invalid: bool,
        lang: Lang,
        progress: &dyn Progress,
    ) -> Result<ImportReport> {
        let plan = session.plan()?;
        let outcome = imports::commit(&mut self.db, plan, skip_invalid, progress)?;
        // The new members are indexed for search now, while the import's progress shows, not at
        // the first keystroke; the import stands if this fails (the next search tries again).
        let _ = self.refresh_search();
        Ok(plan.report(lang, outcome))
    }

    /// Reads, checks and (unless `dry_run`) writes the session's file in one go, as the CLI
    /// does; an .xlsx file is written while it is read. The plan stays in the session.
    pub fn run_import(
        &mut self,
        session: &mut ImportSession,
        options: &ImportOptions,
        dry_run: bool,
        lang: Lang,
        progress: &dyn Progress,
    ) -> Result<ImportReport> {
        let file = session.take_file()?;
        let (report, plan) = imports::run(&mut self.db, file, options, dry_run, lang, progress)?;
        session.set_plan(plan);
        Ok(report)
    }

    /// Every committed import, newest first.
    pub fn imports(&self) -> Result<Vec<ImportBatch>> {
        imports::batches(&self.db)
    }

    /// Undoes a whole import batch, even when other actions came after it, as long as they did
    /// not touch what it wrote.
    pub fn rollback_import(&mut self, batch: i64) -> Result<ImportBatch> {
        imports::rollback(&mut self.db, batch)
    }
}
