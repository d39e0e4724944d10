//! The member as forms give it ([`MemberInput`]) and as it is shown and exported ([`Member`]):
//! both are the account and departments around the one [`MemberFields`].

use super::schema::MemberFields;
use crate::error::{Error, Result};
use crate::org::departments::DepartmentRef;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, strum::IntoStaticStr,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl rusqlite::ToSql for Gender {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

impl FromStr for Gender {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "male" | "m" | "男" | "1" => Ok(Gender::Male),
            "female" | "f" | "女" | "2" => Ok(Gender::Female),
            _ => Err(Error::invalid_value("gender", s, "male / 男, female / 女")),
        }
    }
}

/// Lifecycle of a member: invited → unverified → active → frozen → departed.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    specta::Type,
    Default,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum MemberStatus {
    Invited,
    Unverified,
    #[default]
    Active,
    Frozen,
    Departed,
}

impl MemberStatus {
    pub const ALL: &'static [MemberStatus] = <MemberStatus as strum::VariantArray>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl rusqlite::ToSql for MemberStatus {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

impl FromStr for MemberStatus {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let lower = s.trim().to_ascii_lowercase();
        MemberStatus::ALL
            .iter()
            .copied()
            .find(|m| m.as_str() == lower)
            .ok_or_else(|| {
                Error::invalid_value("status", s, "invited, unverified, active, frozen, departed")
            })
    }
}

/// What a form, the CLI or a demo file gives for a member. Text is cleaned and checked by the
/// core; departments are ids or full paths, the first one is the main department.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, specta::Type)]
#[serde(default)]
pub struct MemberInput {
    /// Generated from the name's pinyin when empty.
    pub userid: Option<String>,
    #[serde(flatten)]
    pub fields: MemberFields,
    pub departments: Vec<DepartmentRef>,
    /// Departments (among `departments`) this member leads.
    pub leader_of: Vec<DepartmentRef>,
}

/// A member as shown and exported.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Member {
    pub id: i64,
    pub userid: String,
    #[serde(flatten)]
    pub fields: MemberFields,
    /// Department paths, the main department first.
    pub departments: Vec<String>,
    /// Department ids, in the same order as `departments`.
    pub department_ids: Vec<i64>,
    pub main_department: Option<String>,
    pub leader_of: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl Member {
    /// The form input that reproduces this member (for editing).
    pub fn to_input(&self) -> MemberInput {
        let leader_ids = self
            .department_ids
            .iter()
            .zip(&self.departments)
            .filter(|(_, p)| self.leader_of.contains(p))
            .map(|(id, _)| DepartmentRef::Id(*id))
            .collect();
        MemberInput {
            userid: Some(self.userid.clone()),
            fields: self.fields.clone(),
            departments: self
                .department_ids
                .iter()
                .map(|id| DepartmentRef::Id(*id))
                .collect(),
            leader_of: leader_ids,
        }
    }
}

/// Which members to list.
#[derive(Debug, Clone, Default, Deserialize, Serialize, specta::Type)]
#[serde(default)]
pub struct MemberQuery {
    /// Only members of this department (and, unless `direct_only`, of its sub-departments).
    pub department: Option<DepartmentRef>,
    pub direct_only: bool,
    /// Matches name (also by its pinyin, full or initials), account, mobile, alias and email,
    /// in either case: anywhere in a value from three characters on, at its start or end for one
    /// or two (see `members::search`).
    pub search: Option<String>,
    /// Members skipped (in the order they were added).
    pub offset: u32,
    /// At most this many members (all when absent).
    pub limit: Option<u32>,
}

/// One page of a member list.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct MemberPage {
    /// How many members the query finds in all.
    pub total: u32,
    pub offset: u32,
    pub members: Vec<Member>,
}

/// What adding or updating a member did.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct MemberSaved {
    #[serde(flatten)]
    pub member: Member,
    /// Department paths created on the way.
    pub created_departments: Vec<String>,
}
