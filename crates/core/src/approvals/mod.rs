//! Approvals (guide §4): templates as JSON documents (built-in ones are data under
//! `assets/approvals/`, the workspace's own in `approval_templates`), the workspace's rank order,
//! the route simulator and the workspace-wide check (`route`), and approval efficiency from the
//! records the consoles export (`records`).

pub mod records;
pub mod route;

use crate::error::{Error, ErrorCode, Result};
use crate::history::{Change, Tx};
use crate::i18n::{t, Lang, Localized};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// An approval template: its fields, its routes (the first whose `when` matches is taken) and
/// who is copied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub key: String,
    pub name: Localized,
    #[serde(default)]
    pub fields: Vec<TemplateField>,
    pub routes: Vec<TemplateRoute>,
    #[serde(default)]
    pub cc: Vec<Approver>,
}

impl Template {
    pub fn label(&self, lang: Lang) -> &str {
        self.name.get(lang)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct TemplateField {
    pub key: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Localized>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Number,
    Date,
    Choice,
    Bool,
}

/// One band of a template: when it applies and its steps in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct TemplateRoute {
    #[serde(default)]
    pub when: When,
    pub steps: Vec<ApprovalStep>,
}

/// A route's condition; every part given must hold (an empty one matches everything).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct When {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Bounds>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<Bounds>,
    /// The applicant's main department is this one or under it (a full path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// The applicant's rank, compared in the workspace's rank order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<RankBounds>,
    /// Every one of these holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub all: Vec<When>,
    /// At least one of these holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any: Vec<When>,
}

impl When {
    pub fn is_empty(&self) -> bool {
        *self == When::default()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lt: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lte: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gt: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gte: Option<f64>,
}

impl Bounds {
    pub fn holds(&self, v: f64) -> bool {
        self.lt.is_none_or(|b| v < b)
            && self.lte.is_none_or(|b| v <= b)
            && self.gt.is_none_or(|b| v > b)
            && self.gte.is_none_or(|b| v >= b)
    }

    fn limits(&self) -> impl Iterator<Item = f64> {
        [self.lt, self.lte, self.gt, self.gte].into_iter().flatten()
    }

    fn is_empty(&self) -> bool {
        self.limits().next().is_none()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct RankBounds {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lte: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gte: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct ApprovalStep {
    pub approver: Approver,
    #[serde(default)]
    pub mode: Mode,
}

/// 会签 (everyone approves) or 或签 (the first answer decides).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    #[default]
    All,
    Any,
}

fn one() -> u32 {
    1
}

/// Who approves a step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Approver {
    /// The head of the applicant's main department (level 1), of its parent (level 2) …
    DepartmentHead {
        #[serde(default = "one")]
        level: u32,
    },
    /// The manager `levels` up the reporting line.
    Manager {
        #[serde(default = "one")]
        levels: u32,
    },
    /// Each manager up the line until and including the first of at least this rank.
    ManagerChain {
        until_rank: String,
    },
    /// The holders of a role (key, name or `#id`).
    Role {
        role: String,
    },
    Member {
        userid: String,
    },
}

/// An approver in words (`第 1 级部门负责人`, `Managers up to M2` …).
pub fn approver_text(a: &Approver, lang: Lang) -> String {
    let (key, param, value) = match a {
        Approver::DepartmentHead { level } => ("department_head", "level", level.to_string()),
        Approver::Manager { levels } => ("manager", "levels", levels.to_string()),
        Approver::ManagerChain { until_rank } => ("manager_chain", "rank", until_rank.clone()),
        Approver::Role { role } => ("role", "role", role.clone()),
        Approver::Member { userid } => ("member", "userid", userid.clone()),
    };
    t(
        lang,
        &format!("approvals.approver.{key}"),
        &[(param, value)],
    )
}

/// A route's condition in words (`金额 ≥ 5000 且 < 20000`); "otherwise" when empty.
pub fn when_text(w: &When, lang: Lang) -> String {
    if w.is_empty() {
        return t(lang, "approvals.when.always", &[]);
    }
    fn bounds<V: std::fmt::Display>(b: [(&str, &Option<V>); 4]) -> String {
        b.iter()
            .filter_map(|(sign, v)| v.as_ref().map(|v| format!("{sign} {v}")))
            .collect::<Vec<_>>()
            .join(" ")
    }
    let and = t(lang, "approvals.when.and", &[]);
    let mut parts = Vec::new();
    for (field, b) in [("amount", &w.amount), ("days", &w.days)] {
        if let Some(b) = b {
            let text = bounds([("<", &b.lt), ("≤", &b.lte), (">", &b.gt), ("≥", &b.gte)]);
            parts.push(format!(
                "{} {text}",
                t(lang, &format!("approvals.when.{field}"), &[])
            ));
        }
    }
    if let Some(r) = &w.rank {
        let text = bounds([("<", &r.lt), ("≤", &r.lte), (">", &r.gt), ("≥", &r.gte)]);
        parts.push(format!("{} {text}", t(lang, "approvals.when.rank", &[])));
    }
    if let Some(d) = &w.department {
        parts.push(t(lang, "approvals.when.department", &[("path", d.clone())]));
    }
    parts.extend(w.all.iter().map(|x| format!("({})", when_text(x, lang))));
    if !w.any.is_empty() {
        let or = t(lang, "approvals.when.or", &[]);
        let any: Vec<String> = w
            .any
            .iter()
            .map(|x| format!("({})", when_text(x, lang)))
            .collect();
        parts.push(format!("({})", any.join(&or)));
    }
    parts.join(&and)
}

/// A route in words: its condition and its steps.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct RouteText {
    pub when: String,
    pub steps: Vec<String>,
}

fn invalid(key: &'static str) -> Error {
    Error::new(ErrorCode::InvalidValue, key)
}

/// Reads a template document and checks what the JSON cannot say.
pub fn parse(text: &str) -> Result<Template> {
    let t: Template = serde_json::from_str(text)
        .map_err(|e| invalid("approval_template_invalid").with("reason", e.to_string()))?;
    validate(&t)?;
    Ok(t)
}

fn validate(t: &Template) -> Result<()> {
    let key_ok = !t.key.is_empty()
        && t.key.len() <= 64
        && t.key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !key_ok {
        return Err(invalid("approval_template_key").with("key", &t.key));
    }
    if t.name.zh_cn.trim().is_empty() && t.name.en_us.trim().is_empty() {
        return Err(invalid("approval_template_name").with("key", &t.key));
    }
    let mut seen = std::collections::BTreeSet::new();
    for f in &t.fields {
        if !seen.insert(f.key.as_str()) {
            return Err(invalid("approval_field_twice").with("field_key", &f.key));
        }
    }
    if t.routes.is_empty() {
        return Err(invalid("approval_no_routes").with("key", &t.key));
    }
    for (i, r) in t.routes.iter().enumerate() {
        let at = (i + 1).to_string();
        if r.steps.is_empty() {
            return Err(invalid("approval_route_no_steps").with("route", &at));
        }
        check_when(&r.when, &at)?;
        for s in &r.steps {
            check_approver(&s.approver, &at)?;
        }
    }
    for a in &t.cc {
        check_approver(a, "cc")?;
    }
    Ok(())
}

fn check_when(w: &When, route: &str) -> Result<()> {
    for b in [&w.amount, &w.days].into_iter().flatten() {
        if b.is_empty() || b.limits().any(|v| !v.is_finite()) {
            return Err(invalid("approval_bounds_empty").with("route", route));
        }
    }
    if let Some(r) = &w.rank {
        if [&r.lt, &r.lte, &r.gt, &r.gte].iter().all(|b| b.is_none()) {
            return Err(invalid("approval_bounds_empty").with("route", route));
        }
    }
    if let Some(d) = &w.department {
        crate::org::departments::parse_path(d)?;
    }
    for inner in w.all.iter().chain(&w.any) {
        check_when(inner, route)?;
    }
    Ok(())
}

fn check_approver(a: &Approver, route: &str) -> Result<()> {
    let bad = match a {
        Approver::DepartmentHead { level } => *level == 0 || *level > 32,
        Approver::Manager { levels } => *levels == 0 || *levels > 32,
        Approver::ManagerChain { until_rank } => until_rank.trim().is_empty(),
        Approver::Role { role } => role.trim().is_empty(),
        Approver::Member { userid } => userid.trim().is_empty(),
    };
    if bad {
        return Err(invalid("approval_approver_invalid").with("route", route));
    }
    Ok(())
}

/// The built-in templates (`assets/approvals/templates.json`).
pub fn builtin() -> &'static [Template] {
    static FILE: OnceLock<Vec<Template>> = OnceLock::new();
    FILE.get_or_init(|| {
        #[derive(Deserialize)]
        struct File {
            templates: Vec<Template>,
        }
        let f: File =
            serde_json::from_str(include_str!("../../../../assets/approvals/templates.json"))
                .expect("approvals/templates.json is valid");
        f.templates
    })
}

/// A template as listed: the workspace's own, or a built-in one not yet added.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct TemplateInfo {
    pub template: Template,
    /// Its routes in words, in the language asked.
    pub routes_text: Vec<RouteText>,
    /// In the workspace (else a built-in one to start from).
    pub in_workspace: bool,
    pub builtin: bool,
}

/// The workspace's templates in their order.
pub(crate) fn workspace_templates(conn: &Connection) -> Result<Vec<Template>> {
    let mut stmt =
        conn.prepare_cached("SELECT body FROM approval_templates ORDER BY sort_order, key")?;
    let bodies = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    bodies
        .iter()
        .map(|b| {
            serde_json::from_str(b)
                .map_err(|e| invalid("approval_template_invalid").with("reason", e.to_string()))
        })
        .collect()
}

/// The workspace's templates, then the built-in ones it has not added.
pub(crate) fn templates(conn: &Connection, lang: Lang) -> Result<Vec<TemplateInfo>> {
    let own = workspace_templates(conn)?;
    let is_builtin = |k: &str| builtin().iter().any(|b| b.key == k);
    let words = |t: &Template| -> Vec<RouteText> {
        t.routes
            .iter()
            .map(|r| RouteText {
                when: when_text(&r.when, lang),
                steps: r
                    .steps
                    .iter()
                    .map(|s| approver_text(&s.approver, lang))
                    .collect(),
            })
            .collect()
    };
    let mut out: Vec<TemplateInfo> = own
        .iter()
        .map(|t| TemplateInfo {
            builtin: is_builtin(&t.key),
            routes_text: words(t),
            template: t.clone(),
            in_workspace: true,
        })
        .collect();
    out.extend(
        builtin()
            .iter()
            .filter(|b| !own.iter().any(|t| t.key == b.key))
            .map(|b| TemplateInfo {
                routes_text: words(b),
                template: b.clone(),
                in_workspace: false,
                builtin: true,
            }),
    );
    Ok(out)
}

/// A template by key: the workspace's, else a built-in one.
pub(crate) fn find(conn: &Connection, key: &str) -> Result<Template> {
    let key = key.trim();
    let body: Option<String> = conn
        .query_row(
            "SELECT body FROM approval_templates WHERE key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(b) = body {
        return serde_json::from_str(&b)
            .map_err(|e| invalid("approval_template_invalid").with("reason", e.to_string()));
    }
    builtin()
        .iter()
        .find(|t| t.key == key)
        .cloned()
        .ok_or_else(|| {
            Error::new(ErrorCode::TemplateNotFound, "approval_template_not_found").with("key", key)
        })
}

/// Adds a template, or replaces the workspace's template with the same key.
pub(crate) fn save(tx: &Tx, t: &Template) -> Result<Change<Template>> {
    validate(t)?;
    let before: Option<String> = tx
        .query_row(
            "SELECT body FROM approval_templates WHERE key = ?1",
            [&t.key],
            |r| r.get(0),
        )
        .optional()?;
    let body = serde_json::to_string(t).expect("a template serialises");
    let order: i64 = tx.query_row(
        "SELECT coalesce(max(sort_order), -1) + 1 FROM approval_templates",
        [],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO approval_templates (key, body, sort_order) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET body = excluded.body",
        rusqlite::params![t.key, body, order],
    )?;
    Ok(Change {
        target: t.key.clone(),
        before: before.and_then(|b| serde_json::from_str(&b).ok()),
        after: serde_json::to_value(t).ok(),
        value: t.clone(),
    })
}

/// Removes one of the workspace's templates.
pub(crate) fn delete(tx: &Tx, key: &str) -> Result<Change<Template>> {
    let key = key.trim();
    let body: Option<String> = tx
        .query_row(
            "SELECT body FROM approval_templates WHERE key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?;
    let Some(body) = body else {
        return Err(
            Error::new(ErrorCode::TemplateNotFound, "approval_template_not_found").with("key", key),
        );
    };
    tx.execute("DELETE FROM approval_templates WHERE key = ?1", [key])?;
    let t: Template = serde_json::from_str(&body)
        .map_err(|e| invalid("approval_template_invalid").with("reason", e.to_string()))?;
    Ok(Change {
        target: key.to_string(),
        before: serde_json::to_value(&t).ok(),
        after: None,
        value: t,
    })
}

/// The workspace's ranks, lowest first.
pub(crate) fn ranks(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT name FROM ranks ORDER BY position")?;
    let out = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(out)
}

/// The ranks and how many members hold each, and the ranks members hold that the list lacks.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Ranks {
    /// Lowest first.
    pub ranks: Vec<RankCount>,
    /// Ranks on members that are not in the list (they never reach a `until_rank`).
    pub unlisted: Vec<RankCount>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct RankCount {
    pub name: String,
    pub members: u32,
}

pub(crate) fn rank_overview(conn: &Connection) -> Result<Ranks> {
    let listed = ranks(conn)?;
    let mut stmt = conn.prepare_cached(
        "SELECT rank, count(*) FROM members WHERE coalesce(rank, '') <> '' GROUP BY rank ORDER BY rank",
    )?;
    let used = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let count = |n: &str| used.iter().find(|(r, _)| r == n).map_or(0, |(_, c)| *c);
    Ok(Ranks {
        ranks: listed
            .iter()
            .map(|n| RankCount {
                name: n.clone(),
                members: count(n),
            })
            .collect(),
        unlisted: used
            .iter()
            .filter(|(r, _)| !listed.contains(r))
            .map(|(r, c)| RankCount {
                name: r.clone(),
                members: *c,
            })
            .collect(),
    })
}

/// Replaces the rank order (lowest first).
pub(crate) fn set_ranks(tx: &Tx, names: &[String]) -> Result<Change<Vec<String>>> {
    let mut clean: Vec<String> = Vec::new();
    for n in names {
        let n = n.trim();
        if n.is_empty() {
            return Err(invalid("rank_empty"));
        }
        if clean.iter().any(|c| c == n) {
            return Err(invalid("rank_twice").with("rank", n));
        }
        clean.push(n.to_string());
    }
    let before = ranks(tx)?;
    tx.execute("DELETE FROM ranks", [])?;
    for (i, n) in clean.iter().enumerate() {
        tx.execute(
            "INSERT INTO ranks (position, name) VALUES (?1, ?2)",
            rusqlite::params![i as i64, n],
        )?;
    }
    Ok(Change {
        target: "ranks".into(),
        before: Some(serde_json::json!(before)),
        after: Some(serde_json::json!(clean)),
        value: clean,
    })
}

/// What one platform can express of a feature a template uses, from the capability dataset.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct FitCell {
    pub platform: String,
    /// The value in words; none when unsourced.
    pub text: Option<String>,
    pub note: Option<String>,
    pub source: Option<String>,
    pub confidence: crate::dataset::Confidence,
}

/// A feature a template uses (a row of the capability dataset) and each platform's answer.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct FitFeature {
    /// The dataset row (`approval_manager_chain` …).
    pub feature: String,
    pub name: String,
    pub platforms: Vec<FitCell>,
}

/// The features `t` uses and what each platform can express of them.
pub fn fit(t: &Template, lang: Lang) -> Vec<FitFeature> {
    let steps = || t.routes.iter().flat_map(|r| &r.steps);
    let approvers = || steps().map(|s| &s.approver).chain(&t.cc);
    let uses = |f: fn(&Approver) -> bool| approvers().any(f);
    let mut features = Vec::new();
    if t.routes.iter().any(|r| !r.when.is_empty()) {
        features.push("approval_conditions");
    }
    if uses(|a| matches!(a, Approver::DepartmentHead { .. })) {
        features.push("approval_department_heads");
    }
    if uses(|a| matches!(a, Approver::Manager { .. } | Approver::ManagerChain { .. })) {
        features.push("approval_manager_chain");
    }
    if uses(|a| matches!(a, Approver::Role { .. })) {
        features.push("approval_role_approvers");
    }
    if steps().any(|s| s.mode == Mode::Any) {
        features.push("approval_sign_modes");
    }
    features.push("approval_skip_rules");
    let data = crate::dataset::Dataset::builtin();
    features
        .into_iter()
        .filter_map(|id| data.row(id))
        .map(|row| FitFeature {
            feature: row.id.clone(),
            name: row.name.get(lang).to_string(),
            platforms: ["wecom", "dingtalk", "feishu"]
                .into_iter()
                .map(|p| {
                    let claim = row.current(p);
                    FitCell {
                        platform: p.to_string(),
                        text: claim.and_then(|c| c.value.as_ref()).map(|v| v.text(lang)),
                        note: claim
                            .and_then(|c| c.note.as_ref())
                            .map(|n| n.get(lang).to_string()),
                        source: claim.and_then(|c| c.source.clone()),
                        confidence: claim
                            .map_or(crate::dataset::Confidence::Unsourced, |c| c.confidence),
                    }
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_templates_are_valid_and_cover_the_guide() {
        let keys: Vec<&str> = builtin().iter().map(|t| t.key.as_str()).collect();
        for k in ["leave", "expense", "purchase", "travel", "overtime", "seal"] {
            assert!(keys.contains(&k), "{k} missing from {keys:?}");
        }
        for t in builtin() {
            validate(t).unwrap();
        }
        let expense = builtin().iter().find(|t| t.key == "expense").unwrap();
        assert!(expense
            .fields
            .iter()
            .any(|f| f.key == "e_invoice_verified" && f.kind == FieldType::Bool));
    }

    #[test]
    fn documents_are_checked_with_a_reason() {
        let ok = r#"{"key":"p","name":{"zh-CN":"采购","en-US":"Purchase"},
            "routes":[{"when":{"amount":{"lt":1000}},"steps":[{"approver":{"kind":"manager"}}]},
                      {"steps":[{"approver":{"kind":"manager_chain","until_rank":"M2"},"mode":"any"}]}]}"#;
        let t = parse(ok).unwrap();
        assert_eq!(
            t.routes[0].steps[0].approver,
            Approver::Manager { levels: 1 }
        );
        assert_eq!(t.routes[1].steps[0].mode, Mode::Any);
        assert!(t.routes[1].when.is_empty());
        for (bad, key) in [
            (
                r#"{"key":"p","name":{"zh-CN":"a","en-US":"a"},"routes":[]}"#,
                "approval_no_routes",
            ),
            (
                r#"{"key":"p q","name":{"zh-CN":"a","en-US":"a"},"routes":[{"steps":[{"approver":{"kind":"manager"}}]}]}"#,
                "approval_template_key",
            ),
            (
                r#"{"key":"p","name":{"zh-CN":"a","en-US":"a"},"routes":[{"when":{"amount":{}},"steps":[{"approver":{"kind":"manager"}}]}]}"#,
                "approval_bounds_empty",
            ),
            (
                r#"{"key":"p","name":{"zh-CN":"a","en-US":"a"},"routes":[{"when":{"amout":{"lt":1}},"steps":[{"approver":{"kind":"manager"}}]}]}"#,
                "approval_template_invalid",
            ),
            (
                r#"{"key":"p","name":{"zh-CN":"a","en-US":"a"},"routes":[{"steps":[{"approver":{"kind":"boss"}}]}]}"#,
                "approval_template_invalid",
            ),
            (
                r#"{"key":"p","name":{"zh-CN":"a","en-US":"a"},"routes":[{"steps":[{"approver":{"kind":"department_head","level":0}}]}]}"#,
                "approval_approver_invalid",
            ),
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e.key, key, "{bad}");
        }
        // serde's own words say where: the unknown field is named.
        let e = parse(r#"{"key":"p","name":{"zh-CN":"a","en-US":"a"},"routes":[{"when":{"amout":{"lt":1}},"steps":[]}]}"#).unwrap_err();
        assert!(
            e.message(Lang::EnUs).contains("amout"),
            "{}",
            e.message(Lang::EnUs)
        );
    }

    #[test]
    fn the_fit_names_each_feature_a_template_uses() {
        let purchase = builtin().iter().find(|t| t.key == "purchase").unwrap();
        let f = fit(purchase, Lang::ZhCn);
        let ids: Vec<&str> = f.iter().map(|x| x.feature.as_str()).collect();
        assert_eq!(
            ids,
            [
                "approval_conditions",
                "approval_department_heads",
                "approval_role_approvers",
                "approval_sign_modes",
                "approval_skip_rules"
            ]
        );
        let heads = &f[1].platforms;
        assert_eq!(heads[1].platform, "dingtalk");
        assert!(heads[1].source.as_deref().unwrap().contains("dingtalk.com"));
        assert_eq!(heads[0].confidence, crate::dataset::Confidence::Unsourced);
        assert!(heads[0].text.is_none());
    }

    #[test]
    fn routes_in_words() {
        let purchase = builtin().iter().find(|t| t.key == "purchase").unwrap();
        let w = |i: usize, lang| when_text(&purchase.routes[i].when, lang);
        assert_eq!(w(0, Lang::ZhCn), "金额 < 5000");
        assert_eq!(w(2, Lang::EnUs), "otherwise");
        let both = When {
            amount: Some(Bounds {
                gte: Some(1000.0),
                lt: Some(5000.0),
                ..Default::default()
            }),
            department: Some("公司/销售部".into()),
            any: vec![When {
                days: Some(Bounds {
                    gt: Some(3.0),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(
            when_text(&both, Lang::EnUs),
            "amount < 5000 ≥ 1000 and applicant under 公司/销售部 and ((days > 3))"
        );
        assert_eq!(
            approver_text(
                &Approver::ManagerChain {
                    until_rank: "M2".into()
                },
                Lang::ZhCn
            ),
            "连续多级上级（直到 M2）"
        );
    }

    #[test]
    fn bounds() {
        let b = Bounds {
            gte: Some(1000.0),
            lt: Some(5000.0),
            ..Default::default()
        };
        assert!(!b.holds(999.99) && b.holds(1000.0) && b.holds(4999.0) && !b.holds(5000.0));
    }
}
