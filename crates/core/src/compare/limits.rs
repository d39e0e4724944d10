//! Checks a workspace against one platform's limits, read from the capability dataset (the one
//! source of truth for limits): department depth and count, name and field lengths.

use super::Dataset;
use crate::error::Result;
use crate::i18n::{t, Lang};
use crate::members::MemberQuery;
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
    let mut out = Vec::new();
    let departments = ws.departments()?;
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
    for d in &departments {
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
        if name_len.is_some_and(|max| len > max) {
            out.push(problem(
                lang,
                "department_name_length",
                d.path.clone(),
                name_len.unwrap_or_default(),
                len,
                platform,
            ));
        }
    }
    let name_max = dataset.limit(platform, "member_name_length");
    let position_max = dataset.limit(platform, "position_length");
    let userid_max = dataset.limit(platform, "userid_length");
    for m in ws.members(&MemberQuery::default())? {
        let checks = [
            ("member_name_length", name_max, m.name.chars().count()),
            (
                "position_length",
                position_max,
                m.position.as_deref().map_or(0, |p| p.chars().count()),
            ),
            ("userid_length", userid_max, m.userid.len()),
        ];
        for (rule, max, actual) in checks {
            if let Some(max) = max {
                if actual as f64 > max {
                    out.push(problem(
                        lang,
                        rule,
                        m.userid.clone(),
                        max,
                        actual as f64,
                        platform,
                    ));
                }
            }
        }
    }
    Ok(out)
}
