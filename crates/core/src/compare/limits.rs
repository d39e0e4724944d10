//! Checks a workspace against one platform's limits, read from the capability dataset (the one
//! source of truth for limits): department depth and count, name and field lengths.

use super::Dataset;
use crate::error::Result;
use crate::i18n::{t, Lang};
use crate::members::Member;
use crate::org::departments::Department;
use crate::workspace::Workspace;
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

/// Everything in `ws` that breaks `platform`'s known limits.
pub fn check(
    ws: &Workspace,
    platform: &str,
    dataset: &Dataset,
    lang: Lang,
) -> Result<Vec<LimitProblem>> {
    let mut out = check_departments(&ws.departments()?, platform, dataset, lang);
    let members = MemberLimits::new(platform, dataset);
    ws.each_member(|m| {
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

/// The per-member limits of one platform.
pub struct MemberLimits<'a> {
    platform: &'a str,
    name: Option<f64>,
    position: Option<f64>,
    userid: Option<f64>,
}

impl<'a> MemberLimits<'a> {
    pub fn new(platform: &'a str, dataset: &Dataset) -> Self {
        MemberLimits {
            platform,
            name: dataset.limit(platform, "member_name_length"),
            position: dataset.limit(platform, "position_length"),
            userid: dataset.limit(platform, "userid_length"),
        }
    }

    /// Name, position and account length of one member.
    pub fn check(&self, m: &Member, lang: Lang) -> Vec<LimitProblem> {
        let checks = [
            ("member_name_length", self.name, m.name.chars().count()),
            (
                "position_length",
                self.position,
                m.position.as_deref().map_or(0, |p| p.chars().count()),
            ),
            ("userid_length", self.userid, m.userid.len()),
        ];
        checks
            .into_iter()
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
