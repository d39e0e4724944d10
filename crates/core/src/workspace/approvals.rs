//! The façade's approvals: ranks, templates, the route simulator, the workspace-wide check and
//! approval efficiency.

use super::Workspace;
use crate::approvals::records::{self, Efficiency};
use crate::approvals::route::{self, Break, BreakSummary, Chain, Input, Org};
use crate::approvals::{self, Ranks, Template, TemplateInfo};
use crate::error::{Error, Result};
use crate::history::Action;
use crate::i18n::Lang;
use crate::imports::approval_records::{self, RecordsImport};
use std::path::Path;

impl Workspace {
    /// The rank order (lowest first), how many members hold each, and unlisted ranks in use.
    pub fn ranks(&self) -> Result<Ranks> {
        approvals::rank_overview(self.db.conn())
    }

    /// Replaces the rank order (lowest first).
    pub fn set_ranks(&mut self, names: &[String]) -> Result<Vec<String>> {
        self.db
            .record(Action::RankSet, |tx| approvals::set_ranks(tx, names))
    }

    /// The workspace's templates, then the built-in ones not added yet.
    pub fn approval_templates(&self, lang: Lang) -> Result<Vec<TemplateInfo>> {
        approvals::templates(self.db.conn(), lang)
    }

    /// One template by key (the workspace's, else a built-in one).
    pub fn approval_template(&self, key: &str) -> Result<Template> {
        approvals::find(self.db.conn(), key)
    }

    /// What each platform can express of a template's features.
    pub fn approval_fit(&self, key: &str, lang: Lang) -> Result<Vec<approvals::FitFeature>> {
        Ok(approvals::fit(&self.approval_template(key)?, lang))
    }

    /// Adds a template (replacing the workspace's one with the same key).
    pub fn save_approval_template(&mut self, template: &Template) -> Result<Template> {
        self.db.record(Action::ApprovalTemplateSave, |tx| {
            approvals::save(tx, template)
        })
    }

    /// Adds a template from a JSON file, or a built-in one by its key.
    pub fn add_approval_template(&mut self, file_or_key: &str) -> Result<Template> {
        let path = Path::new(file_or_key);
        let template = if path.exists() {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, &e))?;
            approvals::parse(text.trim_start_matches('\u{feff}'))?
        } else {
            match approvals::builtin()
                .iter()
                .find(|t| t.key == file_or_key.trim())
            {
                Some(t) => t.clone(),
                None => {
                    return Err(Error::io(path, &std::io::ErrorKind::NotFound.into()));
                }
            }
        };
        self.save_approval_template(&template)
    }

    /// Writes a template as JSON (the format `add_approval_template` reads).
    pub fn export_approval_template(&self, key: &str, out: &Path) -> Result<Template> {
        let t = self.approval_template(key)?;
        crate::files::check_output(out)?;
        let text = serde_json::to_string_pretty(&t).expect("a template serialises");
        let mut staged = crate::files::Staged::new(out)?;
        std::io::Write::write_all(staged.writer(), text.as_bytes())
            .map_err(|e| Error::io(out, &e))?;
        staged.finish()?;
        Ok(t)
    }

    /// Removes one of the workspace's templates.
    pub fn delete_approval_template(&mut self, key: &str) -> Result<Template> {
        self.db.record(Action::ApprovalTemplateDelete, |tx| {
            approvals::delete(tx, key)
        })
    }

    /// The chain a template routes `applicant` through for what they fill in.
    pub fn approval_route(
        &self,
        key: &str,
        applicant: &str,
        input: Input,
        lang: Lang,
    ) -> Result<Chain> {
        let template = self.approval_template(key)?;
        let org = Org::load(self.db.conn())?;
        route::simulate(&org, &template, applicant, input, lang)
    }

    /// Every workspace template, every route band, every active member: where chains break.
    pub fn approval_check(&self, lang: Lang) -> Result<Vec<Break>> {
        let conn = self.db.conn();
        let templates = approvals::workspace_templates(conn)?;
        Ok(route::check(&Org::load(conn)?, &templates, lang))
    }

    /// The breaks counted, in all and per code, and the first `keep` listed (for the app, where
    /// a workspace without department heads breaks for every member).
    pub fn approval_check_summary(&self, keep: usize, lang: Lang) -> Result<BreakSummary> {
        let conn = self.db.conn();
        let templates = approvals::workspace_templates(conn)?;
        Ok(route::summary(&Org::load(conn)?, &templates, lang, keep))
    }

    /// Imports approval records (replacing those with the same number) in one undoable action:
    /// every row or none, unless `skip_invalid`; a dry run writes nothing.
    pub fn import_approval_records(
        &mut self,
        file: &Path,
        skip_invalid: bool,
        dry_run: bool,
        lang: Lang,
    ) -> Result<RecordsImport> {
        let bytes = std::fs::read(file).map_err(|e| Error::io(file, &e))?;
        let rows = approval_records::read(bytes, &super::file_name(file))?;
        let done = self
            .db
            .record_or_roll_back(Action::ApprovalRecordsImport, |tx, _| {
                approval_records::write(tx, &rows, skip_invalid, dry_run, lang)
            })?;
        Ok(match done {
            Ok((report, _)) => report,
            Err(report) => report,
        })
    }

    /// Approval speed per department and template over the records (dates inclusive).
    pub fn approval_efficiency(
        &self,
        from: Option<&str>,
        to: Option<&str>,
        lang: Lang,
    ) -> Result<Efficiency> {
        records::efficiency(self.db.conn(), from, to, lang)
    }
}
