//! The platform comparison: a sourced, dated capability dataset (`assets/capabilities/*.json`),
//! the limits validators and checks read from it, and the fit score for a business's needs.

pub mod export;
pub mod limits;
pub mod needs;

use crate::error::{Error, Result};
use crate::i18n::Localized;
use serde::Serialize;
use std::collections::BTreeMap;

pub use crate::dataset::{Capability, Category, CellValue, Claim, Confidence, Dataset, PLATFORMS};

/// A row as `orgdesk compare --json` prints it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CompareRow {
    pub id: String,
    pub category: String,
    pub category_name: Localized,
    pub name: Names,
    /// Platform → the current claim, with the others kept under `history`.
    pub cells: BTreeMap<String, CompareCell>,
    pub differs: bool,
}

/// Names with short language keys (`zh`, `en`), as the CLI contract spells them.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Names {
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CompareCell {
    #[serde(flatten)]
    pub claim: Claim,
    /// Older or disputed claims, with their dates.
    pub history: Vec<Claim>,
}

/// Rows of the comparison, optionally of one category and only where the platforms differ.
pub fn compare(
    dataset: &Dataset,
    category: Option<&str>,
    only_diff: bool,
) -> Result<Vec<CompareRow>> {
    if let Some(c) = category {
        if !dataset.categories.iter().any(|x| x.category == c) {
            let known: Vec<&str> = dataset
                .categories
                .iter()
                .map(|x| x.category.as_str())
                .collect();
            return Err(Error::invalid_value("category", c, &known.join(", ")));
        }
    }
    Ok(dataset
        .rows()
        .filter(|(c, r)| category.is_none_or(|x| x == c.category) && (!only_diff || r.differs()))
        .map(|(c, r)| CompareRow {
            id: r.id.clone(),
            category: c.category.clone(),
            category_name: c.name.clone(),
            name: Names {
                zh: r.name.zh_cn.clone(),
                en: r.name.en_us.clone(),
            },
            cells: PLATFORMS
                .iter()
                .filter_map(|p| {
                    let claims = r.cells.get(*p)?;
                    let current = claims.iter().find(|c| c.current)?.clone();
                    let history = claims.iter().filter(|c| !c.current).cloned().collect();
                    Some((
                        p.to_string(),
                        CompareCell {
                            claim: current,
                            history,
                        },
                    ))
                })
                .collect(),
            differs: r.differs(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dataset's schema rules: every platform has a value or an explicit `unsourced`, every
    /// sourced value names its source, one current claim per cell.
    pub(crate) fn validate(d: &Dataset) -> Vec<String> {
        let mut problems = Vec::new();
        let mut ids = std::collections::HashSet::new();
        for (c, r) in d.rows() {
            if !ids.insert(r.id.clone()) {
                problems.push(format!("{}: duplicate id", r.id));
            }
            if r.name.zh_cn.is_empty() || r.name.en_us.is_empty() {
                problems.push(format!("{}: names", r.id));
            }
            for p in PLATFORMS {
                let Some(claims) = r.cells.get(p) else {
                    problems.push(format!("{}/{} {p}: no cell", c.category, r.id));
                    continue;
                };
                if claims.iter().filter(|x| x.current).count() != 1 {
                    problems.push(format!("{} {p}: exactly one current claim", r.id));
                }
                for claim in claims {
                    if claim.confidence == Confidence::Guide {
                        problems.push(format!("{} {p}: the guide is not a source here", r.id));
                    }
                    let unsourced = claim.confidence == Confidence::Unsourced;
                    match (&claim.value, &claim.source, unsourced) {
                        (None, _, false) => problems
                            .push(format!("{} {p}: no value and not marked unsourced", r.id)),
                        (Some(_), None, false) => {
                            problems.push(format!("{} {p}: a sourced value needs its source", r.id))
                        }
                        (Some(_), None, true)
                        | (None, None, true)
                        | (None, Some(_), true)
                        | (Some(_), Some(_), _) => {}
                    }
                    if claim.checked != "undated"
                        && time::Date::parse(
                            &claim.checked,
                            time::macros::format_description!("[year]-[month]-[day]"),
                        )
                        .is_err()
                    {
                        problems.push(format!("{} {p}: checked date {}", r.id, claim.checked));
                    }
                }
            }
        }
        problems
    }

    #[test]
    fn the_dataset_is_complete_and_sourced() {
        let d = Dataset::builtin();
        assert!(d.rows().count() >= 40);
        assert_eq!(d.categories.len(), 10);
        let problems = validate(d);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn the_schema_check_catches_missing_values_and_sources() {
        let mut d = Dataset::builtin().clone();
        let row = &mut d.categories[0].rows[0];
        row.cells.get_mut("dingtalk").unwrap()[0] = Claim {
            value: None,
            note: None,
            source: Some("x".into()),
            checked: "2026-01-01".into(),
            confidence: Confidence::Official,
            current: true,
        };
        row.cells.get_mut("feishu").unwrap()[0].source = None;
        row.cells.remove("wecom");
        let problems = validate(&d);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("no value and not marked unsourced")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("needs its source")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("no cell")),
            "{problems:?}"
        );
    }

    #[test]
    fn disputed_facts_keep_both_claims_with_the_current_one_marked() {
        let d = Dataset::builtin();
        let mass = d.row("mass_messages").unwrap();
        let claims = &mass.cells["wecom"];
        assert_eq!(claims.len(), 2);
        assert!(claims
            .iter()
            .any(|c| c.current && c.confidence == Confidence::Official));
        assert!(claims.iter().any(|c| !c.current
            && c.value
                == Some(CellValue::Number {
                    value: 4.0,
                    unit: "per month".into()
                })));
    }

    #[test]
    fn the_rows_added_after_the_outside_review_are_sourced() {
        let d = Dataset::builtin();
        let row = |id: &str| d.rows().map(|(_, r)| r).find(|r| r.id == id).unwrap();
        for (id, platform, confidence) in [
            ("webhook_bot_rate", "wecom", Confidence::Official),
            ("webhook_bot_rate", "dingtalk", Confidence::ThirdParty),
            ("webhook_bot_rate", "feishu", Confidence::Official),
            ("customer_handover_limits", "wecom", Confidence::Official),
            ("company_customer_cap", "wecom", Confidence::ThirdParty),
            ("group_size", "wecom", Confidence::ThirdParty),
            ("group_size", "dingtalk", Confidence::ThirdParty),
            ("user_groups", "feishu", Confidence::Official),
            ("operator_region", "feishu", Confidence::ThirdParty),
            ("visibility_controls", "wecom", Confidence::ThirdParty),
            ("department_size", "dingtalk", Confidence::Official),
        ] {
            let claim = row(id).current(platform).unwrap();
            assert_eq!(claim.confidence, confidence, "{id} {platform}");
            assert!(
                claim.value.is_some() && claim.source.is_some(),
                "{id} {platform}"
            );
        }
        let text = |id: &str, p: &str| match &row(id).current(p).unwrap().value {
            Some(CellValue::Text { text }) => text.zh_cn.clone(),
            other => panic!("{id} {p}: {other:?}"),
        };
        assert!(text("webhook_bot_rate", "feishu").contains("100 次/分钟、5 次/秒"));
        assert!(text("webhook_bot_rate", "dingtalk").contains("10 分钟"));
        assert!(text("customer_handover_limits", "wecom").contains("90 天内最多 2 次"));
        assert!(text("customer_handover_limits", "wecom").contains("24 小时"));
        // Feishu's cap before certification: 500, the old 100 kept as history.
        let cap = &row("unverified_headcount").cells["feishu"];
        assert_eq!(d.limit("feishu", "unverified_headcount"), Some(500.0));
        assert!(cap.iter().any(|c| !c.current
            && c.value
                == Some(CellValue::Number {
                    value: 100.0,
                    unit: "members".into()
                })));
    }

    #[test]
    fn limits_come_from_the_dataset() {
        let d = Dataset::builtin();
        assert_eq!(d.limit("wecom", "department_depth"), Some(15.0));
        assert_eq!(d.limit("feishu", "department_depth"), Some(25.0));
        // DingTalk's help centre: 20 levels (dingtalk.com/qidian/help-detail-1061042006.html).
        assert_eq!(d.limit("dingtalk", "department_depth"), Some(20.0));
        assert_eq!(d.limit("dingtalk", "department_count"), None);
        assert_eq!(d.strictest("member_name_length", 1.0), 64.0);
        assert_eq!(d.strictest("no_such_limit", 7.0), 7.0);
    }

    #[test]
    fn compare_filters_by_category_and_differences() {
        let d = Dataset::builtin();
        let all = compare(d, None, false).unwrap();
        let diff = compare(d, None, true).unwrap();
        assert!(diff.len() < all.len() && !diff.is_empty());
        assert!(diff.iter().all(|r| r.differs));
        let sec = compare(d, Some("security"), false).unwrap();
        assert!(sec.iter().all(|r| r.category == "security"));
        assert!(compare(d, Some("nope"), false).is_err());
    }
}
