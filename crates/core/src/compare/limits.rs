//! Checks a workspace against one platform's limits, read from the capability dataset (the one
//! source of truth for limits): department depth and count, name and field lengths.

use super::Dataset;
use crate::error::Result;
use crate::i18n::{t, Lang};
use crate::members::schema::Limit;
use crate::members::{FieldKey, Member, FIELDS};
use crate::org::departments::Department;
use rusqlite::Connection;
use serde::Serialize;

/// One thing in the workspace the platform would refuse.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct LimitProblem {
    /// The limit key (`department_depth`, `member_name_length` …).
    pub rule: String,
    /// The department path or member account concerned.
    pub target: String,
    pub limit: f64,
    pub actual: f64,
    pub message: String,
    pub fix: String,
}

fn problem(
    lang: Lang,
    rule: &str,
    target: String,
    limit: f64,
    actual: f64,
    platform: &str,
) -> LimitProblem {
    let params = [
        ("target", target.clone()),
        ("limit", limit.to_string()),
        ("actual", actual.to_string()),
        ("platform", t(lang, &format!("platforms.{platform}"), &[])),
    ];
    LimitProblem {
        rule: rule.to_string(),
        message: t(lang, &format!("limits.{rule}.message"), &params),
        fix: t(lang, &format!("limits.{rule}.fix"), &params),
        target,
        limit,
        actual,
    }
}

/// Everything in the workspace that breaks `platform`'s known limits.
pub(crate) fn check(
    conn: &Connection,
    platform: &str,
    dataset: &Dataset,
    lang: Lang,
) -> Result<Vec<LimitProblem>> {
    let mut out = check_departments(
        &crate::org::departments::list(conn)?,
        platform,
        dataset,
        lang,
    );
    let members = MemberLimits::new(platform, dataset);
    crate::members::each(conn, |m| {
        out.extend(members.check(&m, lang));
        Ok(())
    })?;
    Ok(out)
}

/// Department count, depth and name length.
pub fn check_departments(
    departments: &[Department],
    platform: &str,
    dataset: &Dataset,
    lang: Lang,
) -> Vec<LimitProblem> {
    let mut out = Vec::new();
    if let Some(max) = dataset.limit(platform, "department_count") {
        if departments.len() as f64 > max {
            out.push(problem(
                lang,
                "department_count",
                String::new(),
                max,
                departments.len() as f64,
                platform,
            ));
        }
    }
    let depth = dataset.limit(platform, "department_depth");
    let name_len = dataset.limit(platform, "department_name_length");
    for d in departments {
        if let Some(max) = depth {
            // Report the first level beyond the limit, not every department below it.
            if d.depth as f64 == max + 1.0 {
                out.push(problem(
                    lang,
                    "department_depth",
                    d.path.clone(),
                    max,
                    d.depth as f64,
                    platform,
                ));
            }
        }
        let len = d.name.chars().count() as f64;
        if let Some(max) = name_len.filter(|max| len > *max) {
            out.push(problem(
                lang,
                "department_name_length",
                d.path.clone(),
                max,
                len,
                platform,
            ));
        }
    }
    out
}

/// The per-member limits of one platform: the account's, and those of the fields whose limit
/// the schema takes from the dataset.
pub struct MemberLimits<'a> {
    platform: &'a str,
    /// (field, limit key, the platform's limit).
    fields: Vec<(FieldKey, &'static str, f64)>,
    userid: Option<f64>,
}

impl<'a> MemberLimits<'a> {
    pub fn new(platform: &'a str, dataset: &Dataset) -> Self {
        MemberLimits {
            platform,
            fields: FIELDS
                .iter()
                .filter_map(|spec| match spec.limit {
                    Some(Limit::Dataset { key, .. }) => {
                        Some((spec.key, key, dataset.limit(platform, key)?))
                    }
                    _ => None,
                })
                .collect(),
            userid: dataset.limit(platform, "userid_length"),
        }
    }

    /// The length of each limited field (and the account) of one member.
    pub fn check(&self, m: &Member, lang: Lang) -> Vec<LimitProblem> {
        let length = |key: FieldKey| m.fields.text(key).map_or(0, |v| v.chars().count());
        let checks = self
            .fields
            .iter()
            .map(|&(key, rule, max)| (rule, Some(max), length(key)))
            .chain([("userid_length", self.userid, m.userid.len())]);
        checks
            .filter_map(|(rule, max, actual)| {
                let max = max.filter(|max| actual as f64 > *max)?;
                Some(problem(
                    lang,
                    rule,
                    m.userid.clone(),
                    max,
                    actual as f64,
                    self.platform,
                ))
            })
            .collect()
    }
}
