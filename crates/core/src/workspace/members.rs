//! The façade's members.

use super::Workspace;
use crate::error::Result;
use crate::history::Action;
use crate::members::{self, Member, MemberInput, MemberQuery, MemberSaved};

impl Workspace {
    /// Calls `f` with every member in turn (constant memory, whatever the size).
    pub fn each_member(&self, f: impl FnMut(Member) -> Result<()>) -> Result<()> {
        members::each(self.db.conn(), f)
    }

    pub fn members(&self, query: &MemberQuery) -> Result<Vec<Member>> {
        members::list(self.db.conn(), query)
    }

    pub fn member(&self, userid: &str) -> Result<Member> {
        members::get(self.db.conn(), userid)
    }

    pub fn add_member(&mut self, input: &MemberInput) -> Result<MemberSaved> {
        self.db
            .record(Action::MemberAdd, |tx| members::add(tx, input))
    }

    /// Replaces the member's fields with `input` (the account id cannot change).
    pub fn update_member(&mut self, userid: &str, input: &MemberInput) -> Result<MemberSaved> {
        self.db.record(Action::MemberUpdate, |tx| {
            members::update(tx, userid, input)
        })
    }

    pub fn delete_member(&mut self, userid: &str) -> Result<Member> {
        self.db
            .record(Action::MemberDelete, |tx| members::delete(tx, userid))
    }
}
