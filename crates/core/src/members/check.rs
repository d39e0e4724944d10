//! Checking a member a form or the CLI gives, field by field as the schema says: every error
//! names its field (`field` parameter), so a form can point at it.

use super::schema::{field_error, FieldKey, FieldKind, MemberFields, FIELDS};
use super::{userid, Member, MemberInput};
use crate::error::{Error, ErrorCode, Result};
use crate::history::Tx;
use crate::org::departments::{self, DepartmentRef, Tree};
use crate::validate;
use rusqlite::{params, Connection, OptionalExtension};

/// A member after cleaning and checking, ready to write.
pub(super) struct Checked {
    pub userid: String,
    pub fields: MemberFields,
    /// (department, leader), the main department first.
    pub departments: Vec<(i64, bool)>,
}

/// The name of another member (not `except`) whose `column` is `value`.
fn other_member_with(
    conn: &Connection,
    column: &str,
    value: &str,
    except: Option<i64>,
) -> Result<Option<String>> {
    let sql = format!("SELECT name FROM members WHERE \"{column}\" = ?1 AND id IS NOT ?2");
    Ok(conn
        .query_row(&sql, params![value, except], |r| r.get(0))
        .optional()?)
}

/// Cleans and checks one field's text; None when empty.
fn checked_text(
    conn: &Connection,
    key: FieldKey,
    text: Option<&str>,
    member: (&str, &str, Option<i64>),
) -> Result<Option<String>> {
    let spec = key.spec();
    let Some(value) = validate::clean_opt(text) else {
        return Ok(None);
    };
    let value = hygienic(value, key)?;
    let (name, userid, except) = member;
    let value =
        match spec.kind {
            FieldKind::Mobile => validate::normalize_mobile(&value).ok_or_else(|| {
                field_error(ErrorCode::InvalidMobile, "mobile_invalid", key).with("mobile", &value)
            })?,
            FieldKind::Email if !validate::is_valid_email(&value) => {
                return Err(field_error(ErrorCode::InvalidEmail, "email_invalid", key)
                    .with("email", &value));
            }
            FieldKind::Date => validate::normalize_date(&value).ok_or_else(|| {
                field_error(ErrorCode::InvalidDate, "date_invalid", key).with("value", &value)
            })?,
            FieldKind::Member => {
                if value.eq_ignore_ascii_case(userid) {
                    return Err(field_error(ErrorCode::InvalidValue, "manager_self", key)
                        .with("name", name));
                }
                let found: Option<String> = conn
                    .query_row(
                        "SELECT userid FROM members WHERE userid = ?1",
                        [&value],
                        |r| r.get(0),
                    )
                    .optional()?;
                found.ok_or_else(|| {
                    field_error(ErrorCode::MemberNotFound, "manager_not_found", key)
                        .with("userid", &value)
                })?
            }
            _ => value,
        };
    if let Some(limit) = spec.limit {
        let max = limit.max();
        if value.chars().count() > max {
            return Err(field_error(ErrorCode::TooLong, "field_too_long", key)
                .with("value", &value)
                .with("max", max));
        }
    }
    if spec.unique {
        if let Some(other) = other_member_with(conn, spec.column, &value, except)? {
            let (code, message) = match spec.kind {
                FieldKind::Mobile => (ErrorCode::DuplicateMobile, "mobile_duplicate"),
                _ => (ErrorCode::DuplicateEmail, "email_duplicate"),
            };
            return Err(field_error(code, message, key)
                .with(key.code(), &value)
                .with("name", other));
        }
    }
    Ok(Some(value))
}

/// `value` refused for a control character (tabs and line breaks only where the field spans
/// lines) and without invisible ones (bidi controls, zero-width characters).
fn hygienic(value: String, key: FieldKey) -> Result<String> {
    if let Some(c) = validate::forbidden_control(&value, key.spec().lines) {
        return Err(validate::invalid_character(key.code(), c));
    }
    Ok(validate::without_invisible(&value).unwrap_or(value))
}

/// Cleans and checks `input`. `existing` is the member being updated. Missing department levels
/// given by path are created (inside the caller's transaction); their paths are returned.
pub(super) fn check(
    tx: &Tx,
    input: &MemberInput,
    existing: Option<&Member>,
) -> Result<(Checked, Vec<String>)> {
    let given = &input.fields;
    let name = validate::clean(&given.name).ok_or_else(|| {
        field_error(
            ErrorCode::MissingRequired,
            "member_name_empty",
            FieldKey::Name,
        )
    })?;
    let name = hygienic(name, FieldKey::Name)?;
    let userid = match (existing, validate::clean_opt(input.userid.as_deref())) {
        (Some(m), Some(u)) if !u.eq_ignore_ascii_case(&m.userid) => {
            return Err(
                Error::new(ErrorCode::InvalidUserid, "userid_immutable").with("userid", &m.userid)
            );
        }
        (Some(m), _) => m.userid.clone(),
        (None, Some(u)) => {
            if !validate::is_valid_userid(&u) {
                return Err(
                    Error::new(ErrorCode::InvalidUserid, "userid_invalid").with("userid", &u)
                );
            }
            if let Some(other) = other_member_with(tx, "userid", &u, None)? {
                return Err(Error::new(ErrorCode::DuplicateUserid, "userid_duplicate")
                    .with("userid", &u)
                    .with("name", other));
            }
            u
        }
        (None, None) => userid::generate(tx, &name, &[])?,
    };
    let mut fields = given.clone();
    let except = existing.map(|m| m.id);
    for spec in FIELDS {
        match spec.kind {
            // Typed already: nothing to clean.
            FieldKind::Gender | FieldKind::Status => {}
            _ => {
                let text = given.text(spec.key);
                let value = checked_text(tx, spec.key, text.as_deref(), (&name, &userid, except))?;
                fields.set_text(spec.key, value.as_deref())?;
            }
        }
    }

    let mut tree = Tree::load(tx)?;
    let mut created = Vec::new();
    let mut dept_ids: Vec<i64> = Vec::new();
    for r in &input.departments {
        let id = match r {
            DepartmentRef::Path(p) => {
                let (id, made) =
                    departments::ensure_path(tx, &mut tree, &departments::parse_path(p)?)?;
                created.extend(made);
                id
            }
            DepartmentRef::Id(_) => departments::resolve(&tree, r)?,
        };
        if dept_ids.contains(&id) {
            return Err(
                Error::new(ErrorCode::InvalidDepartment, "member_department_duplicate")
                    .with("field", "departments")
                    .with("name", &name)
                    .with("path", tree.path(id)),
            );
        }
        dept_ids.push(id);
    }
    if dept_ids.is_empty() {
        return Err(
            Error::new(ErrorCode::MissingRequired, "member_department_required")
                .with("field", "departments")
                .with("name", &name),
        );
    }
    let mut leaders = Vec::new();
    for r in &input.leader_of {
        let id = departments::resolve(&tree, r)?;
        if !dept_ids.contains(&id) {
            return Err(Error::new(
                ErrorCode::InvalidDepartment,
                "member_leader_not_in_department",
            )
            .with("field", "leader_of")
            .with("name", &name)
            .with("path", tree.path(id)));
        }
        leaders.push(id);
    }
    let checked = Checked {
        userid,
        fields,
        departments: dept_ids
            .into_iter()
            .map(|d| (d, leaders.contains(&d)))
            .collect(),
    };
    Ok((checked, created))
}
