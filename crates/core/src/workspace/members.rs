//! The façade's members.

use super::Workspace;
use crate::error::Result;
use crate::history::{Action, Source};
use crate::members::{
    self, search, Count, Member, MemberInput, MemberPage, MemberQuery, MemberSaved,
};

impl Workspace {
    /// Calls `f` with every member in turn (constant memory, whatever the size).
    pub fn each_member(&self, f: impl FnMut(Member) -> Result<()>) -> Result<()> {
        members::each(self.db.conn(), f)
    }

    /// The members `query` finds (all of them, or the page `offset`/`limit` asks for).
    pub fn members(&self, query: &MemberQuery) -> Result<Vec<Member>> {
        self.ready_to_search(query)?;
        members::list(self.db.conn(), query)
    }

    /// A page of the members `query` finds, with how many it finds in all.
    pub fn member_page(&self, query: &MemberQuery) -> Result<MemberPage> {
        self.ready_to_search(query)?;
        let count = match self.db.source() {
            Source::Cli => Count::InParts,
            _ => Count::Here,
        };
        members::page(self.db.conn(), query, count)
    }

    /// Brings the search index up to date (after a bulk change it is built again, which a caller
    /// can do ahead of the first search, e.g. while an import's progress is showing).
    pub fn refresh_search(&self) -> Result<()> {
        if search::is_current(self.db.conn())? {
            return Ok(());
        }
        self.db.derived(search::catch_up)
    }

    /// Whether a search would answer at once: the search index holds every change.
    pub fn search_ready(&self) -> Result<bool> {
        search::is_current(self.db.conn())
    }

    pub(super) fn ready_to_search(&self, query: &MemberQuery) -> Result<()> {
        match query.search.as_deref() {
            Some(s) if !s.trim().is_empty() => self.refresh_search(),
            _ => Ok(()),
        }
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
