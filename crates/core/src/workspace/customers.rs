//! The façade's customer contact: customers and orders imported, tags, RFM segments.

use super::Workspace;
use crate::customers::rfm::{self, Rfm, RfmOptions, Scoring};
use crate::customers::{self, Customer, CustomerFilter, CustomerPage, TagEdit, TagGroup};
use crate::error::{Error, Result};
use crate::history::{Action, Change};
use crate::i18n::Lang;
use crate::imports::customers::{self as import, CustomerFile, CustomersImport};
use crate::progress::Progress;
use std::path::Path;

impl Workspace {
    /// Imports a customer list in one undoable action: every row or none, unless
    /// `skip_invalid`; a dry run writes nothing.
    pub fn import_customers(
        &mut self,
        file: &Path,
        skip_invalid: bool,
        dry_run: bool,
        lang: Lang,
        progress: &dyn Progress,
    ) -> Result<CustomersImport> {
        let kind = CustomerFile::Customers;
        self.import_customer_file(kind, file, skip_invalid, dry_run, lang, progress)
    }

    /// Imports an order list in one undoable action (as customers are).
    pub fn import_orders(
        &mut self,
        file: &Path,
        skip_invalid: bool,
        dry_run: bool,
        lang: Lang,
        progress: &dyn Progress,
    ) -> Result<CustomersImport> {
        let kind = CustomerFile::Orders;
        self.import_customer_file(kind, file, skip_invalid, dry_run, lang, progress)
    }

    /// Imports a customer or order list from `file`.
    pub fn import_customer_file(
        &mut self,
        kind: CustomerFile,
        file: &Path,
        skip_invalid: bool,
        dry_run: bool,
        lang: Lang,
        progress: &dyn Progress,
    ) -> Result<CustomersImport> {
        let bytes = std::fs::read(file).map_err(|e| Error::io(file, &e))?;
        let name = super::file_name(file);
        self.import_customer_bytes(kind, bytes, &name, skip_invalid, dry_run, lang, progress)
    }

    /// Imports the bytes of a customer or order list named `name` (a file dropped in the app).
    #[allow(clippy::too_many_arguments)]
    pub fn import_customer_bytes(
        &mut self,
        kind: CustomerFile,
        bytes: Vec<u8>,
        name: &str,
        skip_invalid: bool,
        dry_run: bool,
        lang: Lang,
        progress: &dyn Progress,
    ) -> Result<CustomersImport> {
        let conn = self.db.conn();
        let done = match kind {
            CustomerFile::Customers => {
                self.db
                    .record_or_roll_back(Action::CustomersImport, |tx, recorder| {
                        import::import_customers(
                            tx,
                            recorder,
                            bytes,
                            name,
                            skip_invalid,
                            dry_run,
                            lang,
                            progress,
                        )
                    })?
            }
            CustomerFile::Orders => {
                let checked = import::check_orders(conn, bytes, name, lang, progress)?;
                self.db
                    .record_or_roll_back(Action::OrdersImport, |tx, recorder| {
                        checked.write(tx, recorder, skip_invalid, dry_run)
                    })?
            }
        };
        Ok(done.map_or_else(|report| report, |(report, _)| report))
    }

    /// The customers `filter` keeps; with `segment`, those in that RFM segment (as of today,
    /// over the default window).
    pub fn customers(
        &self,
        filter: &CustomerFilter,
        segment: Option<&str>,
        lang: Lang,
    ) -> Result<Vec<Customer>> {
        let ids = self.matching(filter, segment, &RfmOptions::default(), lang)?;
        customers::details(self.db.conn(), &ids)
    }

    /// A page of the customers `filter` (and `segment`, computed with `rfm`) keep, by name.
    pub fn customer_page(
        &self,
        filter: &CustomerFilter,
        segment: Option<&str>,
        rfm: &RfmOptions,
        offset: u32,
        limit: u32,
        lang: Lang,
    ) -> Result<CustomerPage> {
        let ids = self.matching(filter, segment, rfm, lang)?;
        let from = (offset as usize).min(ids.len());
        let to = from.saturating_add(limit as usize).min(ids.len());
        Ok(CustomerPage {
            total: ids.len() as u32,
            offset,
            customers: customers::details(self.db.conn(), &ids[from..to])?,
        })
    }

    fn matching(
        &self,
        filter: &CustomerFilter,
        segment: Option<&str>,
        options: &RfmOptions,
        lang: Lang,
    ) -> Result<Vec<i64>> {
        let conn = self.db.conn();
        let mut ids = customers::matching(conn, filter)?;
        if let Some(s) = segment {
            let r = self.rfm_with(options, lang)?;
            if !r.segments.iter().any(|x| x.key == s) {
                let keys: Vec<&str> = r.segments.iter().map(|x| x.key.as_str()).collect();
                return Err(Error::invalid_value("segment", s, &keys.join(", ")));
            }
            let of = rfm::segment_of(&r);
            ids.retain(|id| of.get(id).is_some_and(|k| k == s));
        }
        Ok(ids)
    }

    /// The RFM segments with `options` (see `customers::rfm`).
    pub fn rfm_with(&self, options: &RfmOptions, lang: Lang) -> Result<Rfm> {
        self.rfm(
            options.as_of.as_deref(),
            options.window_days,
            options.scoring,
            lang,
        )
    }

    /// The platform's customer limits the workspace goes over (see `customers::limits`).
    pub fn customer_findings(&self, lang: Lang) -> Result<Vec<customers::limits::CustomerFinding>> {
        let conn = self.db.conn();
        let platform = crate::org::profile::load(conn)?.platform;
        let verified = customers::limits::verified(conn)?;
        customers::limits::check(conn, platform.as_str(), verified, lang)
    }

    /// Who takes over a leaver's customers (see `customers::handover`).
    pub fn handover_plan(
        &self,
        from: &str,
        to: Option<&str>,
        lang: Lang,
    ) -> Result<customers::handover::HandoverPlan> {
        customers::handover::plan(self.db.conn(), from, to, &today(), lang)
    }

    /// Writes the handover sheet of `from`'s plan to `path`.
    pub fn export_handover(
        &self,
        from: &str,
        to: Option<&str>,
        path: &Path,
        lang: Lang,
    ) -> Result<()> {
        let plan = self.handover_plan(from, to, lang)?;
        customers::handover::write_sheet(&plan, path, lang)
    }

    /// Frozen or departed members who still own customers.
    pub fn leavers(&self) -> Result<Vec<customers::handover::Leaver>> {
        customers::handover::leavers(self.db.conn())
    }

    /// Moves a leaver's customers to the successor (undoable).
    pub fn apply_handover(
        &mut self,
        from: &str,
        to: Option<&str>,
        lang: Lang,
    ) -> Result<customers::handover::HandoverPlan> {
        let plan = self.handover_plan(from, to, lang)?;
        let day = today();
        self.db.record(Action::CustomerHandover, |tx| {
            let moved = customers::handover::apply(tx, &plan, &day)?;
            Ok(Change::after(
                (),
                plan.from.clone(),
                Some(serde_json::json!({ "to": plan.to, "customers": moved })),
            ))
        })?;
        Ok(plan)
    }

    /// Plans a mass message (undoable).
    pub fn add_campaign(
        &mut self,
        input: &customers::campaigns::CampaignInput,
    ) -> Result<customers::campaigns::Campaign> {
        let id = self.db.record(Action::CampaignAdd, |tx| {
            let id = customers::campaigns::add(tx, input)?;
            Ok(Change::after(
                id,
                input.date.clone(),
                serde_json::to_value(input).ok(),
            ))
        })?;
        customers::campaigns::list(self.db.conn())?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| Error::internal("campaign just added is missing"))
    }

    pub fn delete_campaign(&mut self, id: i64) -> Result<()> {
        self.db.record(Action::CampaignDelete, |tx| {
            customers::campaigns::delete(tx, id)?;
            Ok(Change::after((), id.to_string(), None))
        })
    }

    pub fn campaigns(&self) -> Result<Vec<customers::campaigns::Campaign>> {
        customers::campaigns::list(self.db.conn())
    }

    /// The month's campaigns (all when None) against the mass-message rules.
    pub fn check_campaigns(
        &self,
        month: Option<&str>,
        lang: Lang,
    ) -> Result<customers::campaigns::CampaignCheck> {
        let conn = self.db.conn();
        let platform = crate::org::profile::load(conn)?.platform;
        let verified = customers::limits::verified(conn)?;
        customers::campaigns::check(conn, month, verified, platform.as_str(), lang)
    }

    /// Sets the welcome message of a scope (undoable).
    pub fn set_welcome(
        &mut self,
        scope: &customers::welcome::WelcomeScope,
        text: &str,
    ) -> Result<()> {
        let target = scope
            .department
            .clone()
            .or_else(|| scope.member.clone())
            .unwrap_or_default();
        self.db.record(Action::WelcomeSet, |tx| {
            customers::welcome::set(tx, scope, text)?;
            Ok(Change::after(
                (),
                target,
                Some(serde_json::json!({ "text": text })),
            ))
        })
    }

    pub fn delete_welcome(&mut self, id: i64) -> Result<()> {
        self.db.record(Action::WelcomeDelete, |tx| {
            customers::welcome::delete(tx, id)?;
            Ok(Change::after((), id.to_string(), None))
        })
    }

    pub fn welcome_messages(&self) -> Result<Vec<customers::welcome::Welcome>> {
        customers::welcome::list(self.db.conn())
    }

    pub fn welcome_preview(&self, userid: &str, customer: &str) -> Result<Option<String>> {
        customers::welcome::preview(self.db.conn(), userid, customer)
    }

    pub fn welcome_check(&self, lang: Lang) -> Result<customers::welcome::WelcomeCheck> {
        let conn = self.db.conn();
        let platform = crate::org::profile::load(conn)?.platform;
        customers::welcome::check(conn, platform.as_str(), lang)
    }

    pub fn tag_groups(&self) -> Result<Vec<TagGroup>> {
        customers::tag_groups(self.db.conn())
    }

    /// Adds, renames, merges or deletes tags or groups (undoable).
    pub fn edit_tags(&mut self, edit: &TagEdit) -> Result<()> {
        let target = match edit {
            TagEdit::AddGroup { name, .. } | TagEdit::AddTag { name, .. } => name.clone(),
            TagEdit::Rename { target, .. } | TagEdit::Delete { target, .. } => target.clone(),
            TagEdit::Merge { from, .. } => from.clone(),
        };
        self.db.record(Action::TagEdit, |tx| {
            match edit {
                TagEdit::AddGroup { name, layer } => {
                    customers::add_group(tx, name, *layer)?;
                }
                TagEdit::AddTag { group, name } => {
                    customers::add_tag(tx, group, name)?;
                }
                TagEdit::Rename { target, to, group } => customers::rename(tx, target, to, *group)?,
                TagEdit::Merge { from, into } => {
                    customers::merge(tx, from, into)?;
                }
                TagEdit::Delete { target, group } => {
                    customers::delete(tx, target, *group)?;
                }
            }
            Ok(Change::after(
                (),
                target,
                serde_json::to_value(format!("{edit:?}")).ok(),
            ))
        })
    }

    /// The RFM segments as of `as_of` over `window_days` (see `customers::rfm`).
    pub fn rfm(
        &self,
        as_of: Option<&str>,
        window_days: Option<u32>,
        scoring: Scoring,
        lang: Lang,
    ) -> Result<Rfm> {
        rfm::compute(self.db.conn(), as_of, window_days, scoring, lang)
    }

    /// Computes the segments and makes them the customers' value tags (undoable).
    pub fn apply_rfm(
        &mut self,
        as_of: Option<&str>,
        window_days: Option<u32>,
        scoring: Scoring,
        lang: Lang,
    ) -> Result<Rfm> {
        let r = self.rfm(as_of, window_days, scoring, lang)?;
        self.db.record(Action::RfmApply, |tx| {
            let n = rfm::apply(tx, &r, lang)?;
            Ok(Change::after(
                (),
                r.as_of.clone(),
                Some(serde_json::json!({ "customers": n, "window_days": r.window_days })),
            ))
        })?;
        Ok(r)
    }
}

fn today() -> String {
    crate::validate::day_text(time::OffsetDateTime::now_utc().date().to_julian_day())
}
