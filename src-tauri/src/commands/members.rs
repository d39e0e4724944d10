//! Members.

use super::S;
use crate::state::Res;
use orgdesk_core::{Member, MemberInput, MemberPage, MemberQuery, MemberSaved};

/// The member with account `userid`.
#[tauri::command(async)]
#[specta::specta]
pub fn get_member(state: S, userid: String) -> Res<Member> {
    state.with(|ws, _| ws.member(&userid))
}

/// One page of the members a query finds, with their number: what the member table shows.
#[tauri::command(async)]
#[specta::specta]
pub fn member_page(state: S, query: MemberQuery) -> Res<MemberPage> {
    state.with(|ws, _| ws.member_page(&query))
}

#[tauri::command(async)]
#[specta::specta]
pub fn add_member(state: S, input: MemberInput) -> Res<MemberSaved> {
    state.with(|ws, _| ws.add_member(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn update_member(state: S, userid: String, input: MemberInput) -> Res<MemberSaved> {
    state.with(|ws, _| ws.update_member(&userid, &input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn delete_member(state: S, userid: String) -> Res<Member> {
    state.with(|ws, _| ws.delete_member(&userid))
}
