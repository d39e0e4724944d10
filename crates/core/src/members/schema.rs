//! The member fields, defined once. Every list of member fields in OrgDesk is derived from the
//! table in [`member_fields!`] below:
//!
//! - the model: [`MemberFields`], which [`super::Member`] and [`super::MemberInput`] flatten, and
//!   its TypeScript type (through tauri-specta), with [`FieldKey`] as a union of codes;
//! - the checks of forms and the CLI ([`super::check`]) and the cleaning of imports, by kind;
//! - the one `INSERT INTO members`, the updates and the reads ([`super::store`], [`super::query`]);
//! - the import's field list (`crate::imports::header::Field`), whose header synonyms are
//!   `assets/imports/member-headers.json` plus each field's name in both catalogues;
//! - the export columns: a layout in `assets/exports/*.json` names a field by its code;
//! - the report's roster, the CLI's `--<field>` options and `members show`, presentation mode's
//!   masking, and the member form of the app ([`FIELDS`] is exported to TypeScript).
//!
//! A new field is one line here, a numbered migration adding its column, and its name under
//! `fields.` in `assets/i18n/*.json` (a test checks all three agree); `ARCHITECTURE.md` has
//! the checklist.

use super::{Gender, MemberStatus};
use crate::error::{Error, ErrorCode, Result};
use rusqlite::types::ValueRef;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// How a field's value is checked, cleaned and stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// A person's name: required; spaces padding a Chinese name (`张　伟`) are removed on import.
    Name,
    /// Words (a position, an address): full-width letters and digits become half-width.
    Text,
    /// A code (a phone extension, an employee number): every full-width ASCII form becomes
    /// half-width.
    Code,
    /// A mobile number, normalised (`+86 138-0013-8000` → `13800138000`).
    Mobile,
    /// An email address, compared without case.
    Email,
    /// A date, stored as `YYYY-MM-DD` (Excel serials and Chinese dates are read).
    Date,
    Gender,
    Status,
    /// Another member, given by account and stored as a reference to them.
    Member,
}

/// Where the member form shows a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FieldGroup {
    Basic,
    Contact,
    Work,
}

/// How presentation mode hides a field on the projector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Personal {
    /// `138****8000`, always.
    Phone,
    /// `z***@domain`, always.
    Email,
    /// `张*`, when names are hidden too.
    Name,
}

/// The longest value a field may hold, in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Limit {
    /// The strictest platform's limit in the capability dataset (`fallback` when none says).
    Dataset {
        key: &'static str,
        fallback: u32,
    },
    Fixed {
        max: u32,
    },
}

impl Limit {
    /// The limit in characters.
    pub fn max(self) -> usize {
        match self {
            Limit::Dataset { key, fallback } => {
                crate::validate::strictest_limit(key, fallback as usize)
            }
            Limit::Fixed { max } => max as usize,
        }
    }
}

/// The other free-text fields' limit.
const TEXT: Limit = Limit::Fixed {
    max: crate::validate::TEXT_FIELD_MAX as u32,
};

/// What OrgDesk knows about a member field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub struct FieldSpec {
    pub key: FieldKey,
    pub kind: FieldKind,
    pub group: FieldGroup,
    pub limit: Option<Limit>,
    /// No two members may share a value (an account, a mobile, an email identify a member).
    pub unique: bool,
    /// Hidden in presentation mode.
    pub personal: Option<Personal>,
    /// Read from imported files (a reference to another member and the lifecycle status are
    /// not, yet: imported members are active).
    pub import: bool,
    /// May span lines: tabs and line breaks are allowed (no other control character is, in any
    /// field).
    pub lines: bool,
    /// The column in the `members` table.
    #[serde(skip)]
    pub column: &'static str,
}

impl FieldSpec {
    const fn new(key: FieldKey, kind: FieldKind, group: FieldGroup) -> FieldSpec {
        FieldSpec {
            key,
            kind,
            group,
            limit: None,
            unique: false,
            personal: None,
            import: !matches!(kind, FieldKind::Member | FieldKind::Status),
            lines: false,
            column: key.code(),
        }
    }
    const fn limit(mut self, limit: Limit) -> FieldSpec {
        self.limit = Some(limit);
        self
    }
    const fn lines(mut self) -> FieldSpec {
        self.lines = true;
        self
    }
    const fn unique(mut self) -> FieldSpec {
        self.unique = true;
        self
    }
    const fn personal(mut self, personal: Personal) -> FieldSpec {
        self.personal = Some(personal);
        self
    }
    const fn column(mut self, column: &'static str) -> FieldSpec {
        self.column = column;
        self
    }
}

/// A value of a member field: what each field type can do.
pub trait FieldValue: Sized {
    /// The value as text (None when empty).
    fn text(&self) -> Option<Cow<'_, str>>;
    /// Reads a value given as text (a form, a CLI option): None or blank is empty.
    fn parse(key: FieldKey, text: Option<&str>) -> Result<Self>;
    /// Takes a value already cleaned (an import's cell): moved, not copied, where it is text.
    fn from_clean(key: FieldKey, text: Option<String>) -> Result<Self> {
        Self::parse(key, text.as_deref())
    }
    /// Reads the value stored in the database.
    fn stored(v: ValueRef) -> Self;
    /// Whether the value is empty (a file that leaves it empty leaves the member's as it is).
    fn is_empty(&self) -> bool {
        self.text().is_none()
    }
}

fn stored_text(v: ValueRef) -> Option<String> {
    match v {
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Integer(i) => Some(i.to_string()),
        _ => None,
    }
}

impl FieldValue for String {
    fn text(&self) -> Option<Cow<'_, str>> {
        (!self.is_empty()).then_some(Cow::Borrowed(self.as_str()))
    }
    fn from_clean(_: FieldKey, text: Option<String>) -> Result<Self> {
        Ok(text.unwrap_or_default())
    }
    fn parse(_: FieldKey, text: Option<&str>) -> Result<Self> {
        Ok(text.unwrap_or_default().to_string())
    }
    fn stored(v: ValueRef) -> Self {
        stored_text(v).unwrap_or_default()
    }
}

impl FieldValue for Option<String> {
    fn text(&self) -> Option<Cow<'_, str>> {
        self.as_deref().map(Cow::Borrowed)
    }
    fn from_clean(_: FieldKey, text: Option<String>) -> Result<Self> {
        Ok(text)
    }
    fn parse(_: FieldKey, text: Option<&str>) -> Result<Self> {
        Ok(crate::validate::clean_opt(text))
    }
    fn stored(v: ValueRef) -> Self {
        stored_text(v)
    }
}

impl FieldValue for Option<Gender> {
    fn text(&self) -> Option<Cow<'_, str>> {
        self.map(|g| Cow::Borrowed(g.as_str()))
    }
    fn parse(_: FieldKey, text: Option<&str>) -> Result<Self> {
        crate::validate::clean_opt(text)
            .map(|t| t.parse())
            .transpose()
    }
    fn stored(v: ValueRef) -> Self {
        stored_text(v).and_then(|g| g.parse().ok())
    }
}

impl FieldValue for MemberStatus {
    fn text(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self.as_str()))
    }
    fn parse(_: FieldKey, text: Option<&str>) -> Result<Self> {
        crate::validate::clean_opt(text)
            .map(|t| t.parse())
            .unwrap_or(Ok(MemberStatus::default()))
    }
    fn stored(v: ValueRef) -> Self {
        stored_text(v)
            .and_then(|s| s.parse().ok())
            .unwrap_or_default()
    }
    fn is_empty(&self) -> bool {
        false
    }
}

/// Declares the member fields: `name: type = Key, spec;` in the order forms, rosters and the
/// CLI list them.
macro_rules! member_fields {
    ($( $(#[doc = $doc:literal])* $field:ident : $ty:ty = $key:ident, $spec:expr; )*) => {
        /// A member's fields (everything but the account, departments and leader flags). Given
        /// as JSON, every field is present (an empty one is null); [`MemberFields::from_partial`]
        /// reads a document that leaves some out.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
        pub struct MemberFields {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        /// A member field, by its code (`mobile`, `biz_email` …).
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            specta::Type, strum::EnumString, strum::VariantArray,
        )]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        pub enum FieldKey {
            $( $key, )*
        }

        impl FieldKey {
            /// The field's stable code, as stored and mapped (`employee_no`).
            pub const fn code(self) -> &'static str {
                match self {
                    $( FieldKey::$key => stringify!($field), )*
                }
            }
        }

        /// Every member field with what OrgDesk knows about it, in display order.
        pub const FIELDS: &[FieldSpec] = &[
            $( {
                use FieldGroup::*;
                use FieldKind::*;
                $spec
            }, )*
        ];

        impl MemberFields {
            /// The value of `key` as text (None when empty).
            pub fn text(&self, key: FieldKey) -> Option<Cow<'_, str>> {
                match key {
                    $( FieldKey::$key => FieldValue::text(&self.$field), )*
                }
            }

            /// Whether `key` holds a value.
            pub fn is_set(&self, key: FieldKey) -> bool {
                match key {
                    $( FieldKey::$key => !FieldValue::is_empty(&self.$field), )*
                }
            }

            /// Sets `key` from text (a form field, a CLI option, a cleaned cell).
            pub fn set_text(&mut self, key: FieldKey, text: Option<&str>) -> Result<()> {
                match key {
                    $( FieldKey::$key => self.$field = FieldValue::parse(key, text)?, )*
                }
                Ok(())
            }

            /// Sets `key` to a value already cleaned (see [`FieldValue::from_clean`]).
            pub fn set_owned(&mut self, key: FieldKey, text: Option<String>) -> Result<()> {
                match key {
                    $( FieldKey::$key => self.$field = FieldValue::from_clean(key, text)?, )*
                }
                Ok(())
            }

            /// Copies `key` from `other`.
            pub fn take(&mut self, key: FieldKey, other: &MemberFields) {
                match key {
                    $( FieldKey::$key => self.$field = other.$field.clone(), )*
                }
            }

            /// Binds `key`'s value to parameter `index` of `stmt`.
            pub(crate) fn bind(
                &self,
                key: FieldKey,
                stmt: &mut rusqlite::Statement,
                index: usize,
            ) -> rusqlite::Result<()> {
                match key {
                    $( FieldKey::$key => stmt.raw_bind_parameter(index, &self.$field), )*
                }
            }

            /// Reads the fields from `row`, one column per field in [`FIELDS`] order from
            /// column `first`.
            pub(crate) fn read(row: &rusqlite::Row, first: usize) -> rusqlite::Result<MemberFields> {
                let mut column = first;
                let mut next = || -> rusqlite::Result<ValueRef> {
                    column += 1;
                    row.get_ref(column - 1)
                };
                Ok(MemberFields {
                    $( $field: FieldValue::stored(next()?), )*
                })
            }
        }
    };
}

member_fields! {
    /// The name as the platforms show it.
    name: String = Name, FieldSpec::new(FieldKey::Name, Name, Basic)
        .limit(Limit::Dataset { key: "member_name_length", fallback: 64 })
        .personal(Personal::Name);
    position: Option<String> = Position, FieldSpec::new(FieldKey::Position, Text, Work)
        .limit(Limit::Dataset { key: "position_length", fallback: 128 });
    mobile: Option<String> = Mobile, FieldSpec::new(FieldKey::Mobile, Mobile, Contact)
        .unique()
        .personal(Personal::Phone);
    email: Option<String> = Email, FieldSpec::new(FieldKey::Email, Email, Contact)
        .unique()
        .personal(Personal::Email);
    telephone: Option<String> = Telephone, FieldSpec::new(FieldKey::Telephone, Code, Contact)
        .limit(TEXT)
        .personal(Personal::Phone);
    biz_email: Option<String> = BizEmail, FieldSpec::new(FieldKey::BizEmail, Email, Contact)
        .personal(Personal::Email);
    employee_no: Option<String> = EmployeeNo, FieldSpec::new(FieldKey::EmployeeNo, Code, Work)
        .limit(TEXT);
    gender: Option<Gender> = Gender, FieldSpec::new(FieldKey::Gender, Gender, Basic);
    join_date: Option<String> = JoinDate, FieldSpec::new(FieldKey::JoinDate, Date, Work);
    employment_type: Option<String> = EmploymentType,
        FieldSpec::new(FieldKey::EmploymentType, Text, Work).limit(TEXT);
    /// Invited → unverified → active → frozen → departed.
    status: MemberStatus = Status, FieldSpec::new(FieldKey::Status, Status, Work);
    address: Option<String> = Address, FieldSpec::new(FieldKey::Address, Text, Work).limit(TEXT).lines();
    alias: Option<String> = Alias, FieldSpec::new(FieldKey::Alias, Text, Basic)
        .limit(TEXT)
        .personal(Personal::Name);
    /// The manager's account.
    manager: Option<String> = Manager, FieldSpec::new(FieldKey::Manager, Member, Work)
        .column("manager_id");
    rank: Option<String> = Rank, FieldSpec::new(FieldKey::Rank, Text, Work).limit(TEXT);
}

impl FieldKey {
    /// What OrgDesk knows about this field.
    pub fn spec(self) -> &'static FieldSpec {
        &FIELDS[self as usize]
    }

    /// The field with code `code` (`mobile`), if any.
    pub fn parse(code: &str) -> Option<FieldKey> {
        code.trim().to_ascii_lowercase().parse().ok()
    }
}

impl MemberFields {
    /// Completes a JSON object that gives only some fields (a demo file's member) with the
    /// defaults of the others.
    pub fn complete(given: serde_json::Value) -> serde_json::Value {
        let mut all = serde_json::to_value(MemberFields::default()).unwrap_or_default();
        if let (Some(all), serde_json::Value::Object(given)) = (all.as_object_mut(), given) {
            all.extend(given);
        }
        all
    }

    /// Checks that `key` can be given as `text` (used by the CLI's options before anything
    /// runs): the parse errors of typed fields, worded.
    pub fn check_text(key: FieldKey, text: &str) -> Result<()> {
        MemberFields::default().set_text(key, Some(text))
    }
}

/// An error about a member field that names it (so forms can point at it).
pub(crate) fn field_error(code: ErrorCode, key: &'static str, field: FieldKey) -> Error {
    Error::new(code, key).with("field", field.code())
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[test]
    fn the_table_is_in_key_order_and_each_key_has_its_code() {
        for (i, key) in FieldKey::VARIANTS.iter().enumerate() {
            assert_eq!(FIELDS[i].key, *key, "FIELDS is in declaration order");
            assert_eq!(FieldKey::parse(key.code()), Some(*key));
            let json = serde_json::to_value(key).unwrap();
            assert_eq!(json, key.code());
        }
        assert_eq!(FieldKey::Manager.spec().column, "manager_id");
        assert!(!FieldKey::Status.spec().import && FieldKey::Rank.spec().import);
    }

    #[test]
    fn values_go_to_text_and_back() {
        let mut f = MemberFields::default();
        f.set_text(FieldKey::Gender, Some("女")).unwrap();
        f.set_text(FieldKey::Status, Some("frozen")).unwrap();
        f.set_text(FieldKey::Alias, Some("  ")).unwrap();
        assert_eq!(f.text(FieldKey::Gender).as_deref(), Some("female"));
        assert_eq!(f.text(FieldKey::Status).as_deref(), Some("frozen"));
        assert!(!f.is_set(FieldKey::Alias));
        let e = f.set_text(FieldKey::Gender, Some("x")).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidValue);
    }
}
