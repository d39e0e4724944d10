//! The façade's operations health: activity imports and the indicators.

use super::Workspace;
use crate::error::{Error, Result};
use crate::health::{self, BatchRate, Health};
use crate::history::Action;
use crate::i18n::Lang;
use crate::imports::activity::{self, ActivityImport, ActivityKind};
use crate::progress::Progress;
use std::path::Path;

impl Workspace {
    /// Imports an activity file (member activity, customer contact statistics or an API call
    /// log; the kind is found from the header unless given) in one undoable action: every row
    /// or none, unless `skip_invalid`; a dry run writes nothing. An overlapping period replaces
    /// what was there.
    pub fn import_activity(
        &mut self,
        file: &Path,
        kind: Option<ActivityKind>,
        skip_invalid: bool,
        dry_run: bool,
        lang: Lang,
        progress: &dyn Progress,
    ) -> Result<ActivityImport> {
        let bytes = std::fs::read(file).map_err(|e| Error::io(file, &e))?;
        self.import_activity_bytes(
            bytes,
            &super::file_name(file),
            kind,
            skip_invalid,
            dry_run,
            lang,
            progress,
        )
    }

    /// [`Workspace::import_activity`] for a file's bytes (dropped on the app), named `name`.
    #[allow(clippy::too_many_arguments)]
    pub fn import_activity_bytes(
        &mut self,
        bytes: Vec<u8>,
        name: &str,
        kind: Option<ActivityKind>,
        skip_invalid: bool,
        dry_run: bool,
        lang: Lang,
        progress: &dyn Progress,
    ) -> Result<ActivityImport> {
        let checked = activity::check(self.db.conn(), bytes, name, kind, lang, progress)?;
        let done = self
            .db
            .record_or_roll_back(Action::ActivityImport, |tx, _| {
                checked.write(tx, skip_invalid, dry_run)
            })?;
        Ok(match done {
            Ok((report, _)) => report,
            Err(report) => report,
        })
    }

    /// The health indicators over `from..=to` (by default the eight weeks up to the last day
    /// with activity data).
    pub fn health(&self, from: Option<&str>, to: Option<&str>, lang: Lang) -> Result<Health> {
        let conn = self.db.conn();
        let batches: Vec<BatchRate> = crate::setup::hardware::flags(conn, lang)?
            .into_iter()
            .map(|b| BatchRate {
                batch: b.batch,
                quarter: b.quarter,
                rate: b.rate,
            })
            .collect();
        health::compute(conn, from, to, &batches, lang)
    }
}
