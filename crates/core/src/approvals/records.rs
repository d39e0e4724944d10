//! Approval efficiency (the guide's epilogue: 审批效率在部门前30%): hours from submission to
//! completion per department and template over the imported records
//! (`imports::approval_records`), each department's place among the departments, and whether it
//! is in the top 30 % (`assets/approvals/efficiency.json`).

use crate::error::Result;
use crate::i18n::{t, Lang, Localized};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

#[derive(Deserialize)]
struct Rules {
    top_share_percent: f64,
    slowest_approvers: usize,
    remedy: Localized,
}

fn rules() -> &'static Rules {
    static R: OnceLock<Rules> = OnceLock::new();
    R.get_or_init(|| {
        serde_json::from_str(include_str!("../../../../assets/approvals/efficiency.json"))
            .expect("approvals/efficiency.json is valid")
    })
}

fn parse_datetime(s: &str) -> Option<time::PrimitiveDateTime> {
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(s, f).ok()
}

/// The submission day and hours to completion of every completed approval submitted within
/// `from..=to` (YYYY-MM-DD).
pub fn completed_hours(conn: &Connection, from: &str, to: &str) -> Result<Vec<(String, f64)>> {
    let mut stmt = conn.prepare(
        "SELECT submitted_at, finished_at FROM approval_records
         WHERE status IN ('approved', 'rejected') AND finished_at IS NOT NULL
           AND substr(submitted_at, 1, 10) BETWEEN ?1 AND ?2",
    )?;
    let mut rows = stmt.query([from, to])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let (s, f): (String, String) = (r.get(0)?, r.get(1)?);
        if let (Some(a), Some(b)) = (parse_datetime(&s), parse_datetime(&f)) {
            out.push((s[..10].to_string(), (b - a).as_seconds_f64() / 3600.0));
        }
    }
    Ok(out)
}

/// The median of some hours (none: None).
pub fn median_hours(hours: &mut [f64]) -> Option<f64> {
    hours.sort_by(f64::total_cmp);
    (!hours.is_empty()).then(|| round2(quantile(hours, 0.5)))
}

/// Count, median and P90 hours of a group of completed approvals.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Timing {
    pub count: u32,
    pub median_hours: f64,
    pub p90_hours: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct DepartmentEfficiency {
    pub department: String,
    #[serde(flatten)]
    pub timing: Timing,
    /// Approvals still waiting.
    pub pending: u32,
    /// 1 = the fastest (by median); ties share a rank.
    pub rank: u32,
    /// The share of departments faster than this one, in percent (0 for the fastest).
    pub percentile: f64,
    pub top30: bool,
    pub slowest_approvers: Vec<ApproverTiming>,
    /// The guide's remedy, for departments outside the top share.
    pub remedy: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct TemplateEfficiency {
    pub template: String,
    #[serde(flatten)]
    pub timing: Timing,
}

/// An approver named in the records, with the approvals they took part in.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ApproverTiming {
    /// As the file names them.
    pub approver: String,
    /// The member it is, when the workspace knows them.
    pub userid: Option<String>,
    #[serde(flatten)]
    pub timing: Timing,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Efficiency {
    pub records: u32,
    pub completed: u32,
    pub pending: u32,
    /// The first and last submission among the records.
    pub from: Option<String>,
    pub to: Option<String>,
    /// The top share the guide asks for, in percent (30).
    pub top_share_percent: f64,
    /// Fastest first.
    /// All completed approvals of the period together.
    pub overall: Option<Timing>,
    pub departments: Vec<DepartmentEfficiency>,
    pub templates: Vec<TemplateEfficiency>,
    /// The slowest approvers over all records.
    pub slowest_approvers: Vec<ApproverTiming>,
}

/// The `p`-th quantile (0–1) of sorted values, interpolated between neighbours (as Excel's
/// PERCENTILE.INC and the usual median).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = p * (sorted.len() - 1) as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo as f64)
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn timing(mut hours: Vec<f64>) -> Timing {
    hours.sort_by(f64::total_cmp);
    Timing {
        count: hours.len() as u32,
        median_hours: round2(quantile(&hours, 0.5)),
        p90_hours: round2(quantile(&hours, 0.9)),
    }
}

fn split_approvers(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', '，', '、', ';', '；', '|', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn slowest(
    by: HashMap<String, Vec<f64>>,
    members: &HashMap<String, String>,
    n: usize,
) -> Vec<ApproverTiming> {
    let mut out: Vec<ApproverTiming> = by
        .into_iter()
        .map(|(approver, hours)| ApproverTiming {
            userid: members.get(&approver.to_lowercase()).cloned(),
            approver,
            timing: timing(hours),
        })
        .collect();
    out.sort_by(|a, b| {
        b.timing
            .median_hours
            .total_cmp(&a.timing.median_hours)
            .then_with(|| a.approver.cmp(&b.approver))
    });
    out.truncate(n);
    out
}

/// Efficiency over the records submitted between `from` and `to` (dates, inclusive).
pub(crate) fn efficiency(
    conn: &Connection,
    from: Option<&str>,
    to: Option<&str>,
    lang: Lang,
) -> Result<Efficiency> {
    let rules = rules();
    // Accounts and names (when unique) of members, for approvers named in the file.
    let mut members: HashMap<String, String> = HashMap::new();
    let mut names: HashMap<String, Vec<String>> = HashMap::new();
    {
        let mut stmt = conn.prepare("SELECT userid, name FROM members")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (u, n): (String, String) = (r.get(0)?, r.get(1)?);
            members.insert(u.to_lowercase(), u.clone());
            names.entry(n.to_lowercase()).or_default().push(u);
        }
    }
    for (n, us) in names {
        if let [one] = us.as_slice() {
            members.entry(n).or_insert_with(|| one.clone());
        }
    }
    let mut stmt = conn.prepare(
        "SELECT template, coalesce(department, ''), submitted_at, finished_at, status, approvers
         FROM approval_records
         WHERE (?1 IS NULL OR substr(submitted_at, 1, 10) >= ?1)
           AND (?2 IS NULL OR substr(submitted_at, 1, 10) <= ?2)",
    )?;
    let mut rows = stmt.query(rusqlite::params![from, to])?;
    let mut out = Efficiency {
        records: 0,
        completed: 0,
        pending: 0,
        from: None,
        to: None,
        top_share_percent: rules.top_share_percent,
        overall: None,
        departments: Vec::new(),
        templates: Vec::new(),
        slowest_approvers: Vec::new(),
    };
    let mut by_dept: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut pending_by_dept: BTreeMap<String, u32> = BTreeMap::new();
    let mut by_template: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut approvers_by_dept: HashMap<String, HashMap<String, Vec<f64>>> = HashMap::new();
    let mut approvers: HashMap<String, Vec<f64>> = HashMap::new();
    let mut all: Vec<f64> = Vec::new();
    while let Some(r) = rows.next()? {
        let (template, dept, submitted, finished, status, named): (
            String,
            String,
            String,
            Option<String>,
            String,
            Option<String>,
        ) = (
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
        );
        out.records += 1;
        let day = submitted.chars().take(10).collect::<String>();
        if out.from.as_ref().is_none_or(|f| &day < f) {
            out.from = Some(day.clone());
        }
        if out.to.as_ref().is_none_or(|t| &day > t) {
            out.to = Some(day);
        }
        let dept = if dept.is_empty() {
            t(lang, "approvals.no_department", &[])
        } else {
            dept
        };
        if status == "pending" {
            out.pending += 1;
            *pending_by_dept.entry(dept).or_default() += 1;
            continue;
        }
        if status == "withdrawn" {
            continue;
        }
        let (Some(s), Some(f)) = (
            parse_datetime(&submitted),
            finished.as_deref().and_then(parse_datetime),
        ) else {
            continue;
        };
        let hours = (f - s).as_seconds_f64() / 3600.0;
        out.completed += 1;
        all.push(hours);
        by_dept.entry(dept.clone()).or_default().push(hours);
        by_template.entry(template).or_default().push(hours);
        for a in named.as_deref().map(split_approvers).into_iter().flatten() {
            approvers.entry(a.to_string()).or_default().push(hours);
            approvers_by_dept
                .entry(dept.clone())
                .or_default()
                .entry(a.to_string())
                .or_default()
                .push(hours);
        }
    }
    out.overall = (!all.is_empty()).then(|| timing(all));
    let mut departments: Vec<DepartmentEfficiency> = by_dept
        .into_iter()
        .map(|(department, hours)| DepartmentEfficiency {
            pending: pending_by_dept.remove(&department).unwrap_or(0),
            slowest_approvers: slowest(
                approvers_by_dept.remove(&department).unwrap_or_default(),
                &members,
                rules.slowest_approvers,
            ),
            department,
            timing: timing(hours),
            rank: 0,
            percentile: 0.0,
            top30: false,
            remedy: None,
        })
        .collect();
    departments.sort_by(|a, b| {
        a.timing
            .median_hours
            .total_cmp(&b.timing.median_hours)
            .then_with(|| a.department.cmp(&b.department))
    });
    let n = departments.len() as f64;
    let medians: Vec<f64> = departments.iter().map(|d| d.timing.median_hours).collect();
    for d in &mut departments {
        let faster = medians
            .iter()
            .filter(|m| **m < d.timing.median_hours)
            .count();
        d.rank = faster as u32 + 1;
        d.percentile = round2(faster as f64 * 100.0 / n);
        d.top30 = d.percentile < rules.top_share_percent;
        if !d.top30 {
            d.remedy = Some(rules.remedy.get(lang).to_string());
        }
    }
    out.departments = departments;
    out.templates = by_template
        .into_iter()
        .map(|(template, hours)| TemplateEfficiency {
            template,
            timing: timing(hours),
        })
        .collect();
    out.slowest_approvers = slowest(approvers, &members, rules.slowest_approvers);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_excel() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.5), 2.5);
        assert!((quantile(&v, 0.9) - 3.7).abs() < 1e-9);
        assert_eq!(quantile(&[5.0], 0.9), 5.0);
    }
}
