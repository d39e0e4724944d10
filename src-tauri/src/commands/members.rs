//! Members.

use super::S;
use crate::state::Res;
use orgdesk_core::{Member, MemberInput, MemberQuery, MemberSaved};

#[tauri::command(async)]
#[specta::specta]
pub fn list_members(state: S, query: MemberQuery) -> Res<Vec<Member>> {
    state.with(|ws, _| ws.members(&query))
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
