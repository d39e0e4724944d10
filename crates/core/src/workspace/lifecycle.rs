//! The façade's member lifecycle: activation, joiners' and leavers' checklists, offboarding.

use super::Workspace;
use crate::error::Result;
use crate::history::Action;
use crate::i18n::Lang;
use crate::imports::leavers::{self, LeaversImport};
use crate::lifecycle::activation::{self, Activation};
use crate::lifecycle::{self, Case, Kind, Lifecycle, LifecycleTick};
use crate::org::departments::{self, Department, DepartmentRef, Tree};
use std::path::Path;

impl Workspace {
    /// Members not yet active, with how each can be invited, and the activation rates.
    pub fn activation(&self, lang: Lang) -> Result<Activation> {
        activation::activation(self.db.conn(), lang)
    }

    /// Writes the invitation list (members not yet active) to an .xlsx file; returns its rows.
    pub fn export_invitations(&self, path: &Path, lang: Lang) -> Result<usize> {
        activation::write_invitations(&self.activation(lang)?, path, lang)
    }

    /// Marks a department as facing customers (its members must be activated), or not.
    pub fn set_department_customer_facing(
        &mut self,
        r: &DepartmentRef,
        on: bool,
    ) -> Result<Department> {
        self.db.record(Action::DepartmentCustomerFacing, |tx| {
            let id = departments::resolve(&Tree::load(tx)?, r)?;
            departments::set_customer_facing(tx, id, on)
        })
    }

    /// Joiners and leavers with their steps, and the overdue steps.
    pub fn lifecycle(&self, lang: Lang) -> Result<Lifecycle> {
        lifecycle::overview(self.db.conn(), lang)
    }

    /// One member's joiner or leaver checklist.
    pub fn lifecycle_case(&self, userid: &str, kind: Kind, lang: Lang) -> Result<Case> {
        lifecycle::member_case(self.db.conn(), userid, kind, lang)
    }

    /// Offboards a member in one undoable action: frozen now (departed once `date` has come),
    /// the leaving date and successor recorded; returns what the leaver still holds.
    pub fn offboard(
        &mut self,
        userid: &str,
        date: &str,
        successor: Option<&str>,
        lang: Lang,
    ) -> Result<Case> {
        self.db.record(Action::MemberOffboard, |tx| {
            lifecycle::offboard(tx, userid, date, successor, lang)
        })
    }

    /// Unassigns every role a leaver still holds, in one undoable action.
    pub fn revoke_all_roles(&mut self, userid: &str, lang: Lang) -> Result<Case> {
        self.db.record(Action::RoleUnassign, |tx| {
            lifecycle::revoke_roles(tx, userid, lang)
        })
    }

    /// Offboards the leavers of a sheet (account or mobile, 离职日期, 交接人) in one undoable
    /// action: every row or none, unless `skip_invalid`; a dry run writes nothing.
    pub fn import_leavers(
        &mut self,
        file: &Path,
        skip_invalid: bool,
        dry_run: bool,
        lang: Lang,
    ) -> Result<LeaversImport> {
        let bytes = std::fs::read(file).map_err(|e| crate::error::Error::io(file, &e))?;
        let rows = leavers::read(bytes, &super::file_name(file))?;
        let done = self
            .db
            .record_or_roll_back(Action::MemberOffboard, |tx, _| {
                leavers::write(tx, &rows, skip_invalid, dry_run, lang)
            })?;
        Ok(match done {
            Ok((report, _)) => report,
            Err(report) => report,
        })
    }

    /// Ticks or unticks a step that is done by hand.
    pub fn lifecycle_tick(&mut self, tick: &LifecycleTick, lang: Lang) -> Result<Case> {
        self.db
            .record(Action::LifecycleTick, |tx| lifecycle::tick(tx, tick, lang))
    }
}
