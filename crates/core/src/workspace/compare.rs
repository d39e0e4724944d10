//! The façade's platform fit: the needs a business states and each platform's score.

use super::Workspace;
use crate::compare;
use crate::error::Result;
use crate::history::Action;
use crate::i18n::Lang;

impl Workspace {
    /// The needs the business stated, in catalogue order.
    pub fn needs(&self) -> Result<Vec<compare::needs::Need>> {
        compare::needs::list(self.db.conn())
    }

    /// States (or changes) a need.
    pub fn set_need(&mut self, need: &compare::needs::Need) -> Result<compare::needs::Need> {
        self.db
            .record(Action::NeedSet, |tx| compare::needs::set(tx, need))
    }

    pub fn unset_need(&mut self, key: &str) -> Result<()> {
        self.db
            .record(Action::NeedUnset, |tx| compare::needs::unset(tx, key))
    }

    /// Each platform's fit for the stated needs, from the shipped dataset.
    pub fn fit(
        &self,
        lang: Lang,
    ) -> Result<std::collections::BTreeMap<String, compare::needs::Fit>> {
        Ok(compare::needs::fit(
            compare::Dataset::builtin(),
            &self.needs()?,
            lang,
        ))
    }

    /// Writes the comparison workbook with this workspace's fit score to `path`; returns the
    /// number of rows.
    pub fn export_comparison(&self, path: &std::path::Path, lang: Lang) -> Result<usize> {
        let fit = self.fit(lang)?;
        compare::export::write(path, lang, compare::Dataset::builtin(), Some(&fit))
    }
}
