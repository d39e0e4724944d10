//! Who approves: a template's route for one applicant (the simulator) and for every active
//! member (the workspace-wide check). Read once into memory ([`Org`]), then routed without SQL.

use super::{Approver, Bounds, Mode, RankBounds, Template, When};
use crate::error::{Error, ErrorCode, Result};
use crate::i18n::{t, Lang};
use crate::org::departments::{parse_path, Tree};
use crate::roles::{self, Role, RoleRef};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// A member as routing sees them.
struct Person {
    id: i64,
    userid: String,
    name: String,
    status: String,
    rank: Option<String>,
    manager: Option<i64>,
    main: Option<i64>,
}

impl Person {
    fn active(&self) -> bool {
        self.status == "active"
    }
}

/// The workspace as routing needs it: members, the tree, heads per department, ranks, roles.
pub(crate) struct Org {
    people: Vec<Person>,
    by_id: HashMap<i64, usize>,
    by_userid: HashMap<String, usize>,
    tree: Tree,
    /// Heads of each department, in their order in the department.
    heads: HashMap<i64, Vec<usize>>,
    ranks: HashMap<String, usize>,
    roles: Vec<Role>,
    /// Department paths of `when` conditions, resolved once each (the check asks for every member).
    paths: std::cell::RefCell<HashMap<String, Option<i64>>>,
}

impl Org {
    pub(crate) fn load(conn: &Connection) -> Result<Org> {
        let mut people = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT m.id, m.userid, m.name, m.status, m.rank, m.manager_id,
                    (SELECT department_id FROM member_departments d WHERE d.member_id = m.id
                     ORDER BY d.is_main DESC, d.sort_order, d.department_id LIMIT 1)
             FROM members m ORDER BY m.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            people.push(Person {
                id: r.get(0)?,
                userid: r.get(1)?,
                name: r.get(2)?,
                status: r.get(3)?,
                rank: r
                    .get::<_, Option<String>>(4)?
                    .filter(|s| !s.trim().is_empty()),
                manager: r.get(5)?,
                main: r.get(6)?,
            });
        }
        let by_id: HashMap<i64, usize> =
            people.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
        let by_userid = people
            .iter()
            .enumerate()
            .map(|(i, p)| (p.userid.to_lowercase(), i))
            .collect();
        let mut heads: HashMap<i64, Vec<usize>> = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT department_id, member_id FROM member_departments WHERE is_leader = 1
             ORDER BY department_id, sort_order, member_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(i) = by_id.get(&r.get::<_, i64>(1)?) {
                heads.entry(r.get(0)?).or_default().push(*i);
            }
        }
        let ranks = super::ranks(conn)?
            .into_iter()
            .enumerate()
            .map(|(i, n)| (n, i))
            .collect();
        Ok(Org {
            people,
            by_id,
            by_userid,
            tree: Tree::load(conn)?,
            heads,
            ranks,
            roles: roles::list(conn)?,
            paths: Default::default(),
        })
    }

    fn find(&self, userid: &str) -> Option<usize> {
        self.by_userid.get(&userid.trim().to_lowercase()).copied()
    }

    fn leads(&self, who: usize, dept: i64) -> bool {
        self.heads.get(&dept).is_some_and(|h| h.contains(&who))
    }

    fn rank_of(&self, who: usize) -> Option<usize> {
        self.people[who]
            .rank
            .as_deref()
            .and_then(|r| self.ranks.get(r.trim()).copied())
    }

    /// The department whose head is `who`'s head: the main one, or above it for its heads
    /// (`skip_all`: above every department `who` heads, as a manager is never oneself).
    fn own_level(&self, who: usize, skip_all: bool) -> Option<i64> {
        let mut d = self.people[who].main?;
        if self.leads(who, d) {
            d = self.tree.parent(d)?;
            while skip_all && self.leads(who, d) {
                d = self.tree.parent(d)?;
            }
        }
        Some(d)
    }

    /// `who`'s direct manager: the manager field, else the head of their department.
    fn manager_of(&self, who: usize) -> Option<usize> {
        if let Some(m) = self.people[who].manager {
            return self.by_id.get(&m).copied();
        }
        let d = self.own_level(who, true)?;
        self.heads.get(&d)?.iter().find(|h| **h != who).copied()
    }

    fn in_subtree(&self, who: usize, path: &str) -> bool {
        let Some(main) = self.people[who].main else {
            return false;
        };
        let root = *self
            .paths
            .borrow_mut()
            .entry(path.to_string())
            .or_insert_with(|| parse_path(path).ok().and_then(|s| self.tree.find(&s)));
        root.is_some_and(|root| self.tree.in_subtree(main, root))
    }

    fn rank_holds(&self, who: usize, b: &RankBounds) -> bool {
        let Some(mine) = self.rank_of(who) else {
            return false;
        };
        let at = |r: &Option<String>| r.as_deref().map(|r| self.ranks.get(r.trim()).copied());
        let cmp = |r: &Option<String>, f: fn(usize, usize) -> bool| match at(r) {
            None => true,
            Some(Some(other)) => f(mine, other),
            Some(None) => false,
        };
        cmp(&b.lt, |a, b| a < b)
            && cmp(&b.lte, |a, b| a <= b)
            && cmp(&b.gt, |a, b| a > b)
            && cmp(&b.gte, |a, b| a >= b)
    }

    fn matches(&self, w: &When, who: usize, input: &Input) -> bool {
        let number = |b: &Option<Bounds>, v: Option<f64>| match b {
            None => true,
            Some(b) => v.is_some_and(|v| b.holds(v)),
        };
        number(&w.amount, input.amount)
            && number(&w.days, input.days)
            && w.department
                .as_deref()
                .is_none_or(|d| self.in_subtree(who, d))
            && w.rank.as_ref().is_none_or(|r| self.rank_holds(who, r))
            && w.all.iter().all(|x| self.matches(x, who, input))
            && (w.any.is_empty() || w.any.iter().any(|x| self.matches(x, who, input)))
    }

    fn shown(&self, who: usize, reason: String) -> Approval {
        let p = &self.people[who];
        Approval {
            userid: p.userid.clone(),
            name: p.name.clone(),
            reason,
        }
    }
}

/// What the applicant fills in that routes look at.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Input {
    pub amount: Option<f64>,
    pub days: Option<f64>,
}

/// An approver (or a person copied) and why they are in the chain.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Approval {
    pub userid: String,
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The approver is the applicant.
    #[serde(rename = "self")]
    Own,
    /// The approver already approved in an earlier step.
    Duplicate,
}

/// One step of a chain as it runs.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ChainStep {
    pub approvers: Vec<Approval>,
    pub mode: Mode,
    pub skipped: bool,
    pub skip_reason: Option<SkipReason>,
    /// Approvers this step would have had but skips, with why.
    pub skipped_approvers: Vec<SkippedApproval>,
    /// The template step it comes from (0-based; a manager chain gives several steps).
    pub template_step: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct SkippedApproval {
    pub userid: String,
    pub name: String,
    pub reason: SkipReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    NoApprover,
    InactiveApprover,
    ManagerLoop,
    RankUnreached,
    NoRoute,
}

impl ProblemCode {
    fn as_str(self) -> &'static str {
        match self {
            ProblemCode::NoApprover => "no_approver",
            ProblemCode::InactiveApprover => "inactive_approver",
            ProblemCode::ManagerLoop => "manager_loop",
            ProblemCode::RankUnreached => "rank_unreached",
            ProblemCode::NoRoute => "no_route",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct RouteProblem {
    pub code: ProblemCode,
    /// The chain step (0-based) it concerns; none for the route as a whole.
    pub step: Option<u32>,
    pub message: String,
}

/// The simulator's answer: the route taken and its chain.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Chain {
    pub template: String,
    pub template_name: String,
    pub applicant: String,
    pub applicant_name: String,
    /// The route taken (0-based), none when no `when` matched.
    pub route: Option<u32>,
    pub steps: Vec<ChainStep>,
    pub cc: Vec<Approval>,
    pub problems: Vec<RouteProblem>,
}

impl Chain {
    pub fn sound(&self) -> bool {
        self.problems.is_empty()
    }
}

/// People a kind of approver names, before the skip rules, and what went wrong finding them.
struct Resolved {
    /// One group per chain step (a manager chain gives one per manager).
    groups: Vec<Vec<(usize, String)>>,
    problems: Vec<(ProblemCode, String)>,
}

/// A walk up the reporting line that notices when it comes back to someone.
struct ReportingLine {
    seen: BTreeSet<usize>,
    lang: Lang,
}

impl ReportingLine {
    fn new(applicant: usize, lang: Lang) -> ReportingLine {
        ReportingLine {
            seen: BTreeSet::from([applicant]),
            lang,
        }
    }

    /// `cur`'s manager; `Err(None)` at the top of the line, `Err(Some(problem))` on a loop.
    fn next(&mut self, org: &Org, cur: usize) -> Result<usize, Option<(ProblemCode, String)>> {
        let next = org.manager_of(cur).ok_or(None)?;
        if !self.seen.insert(next) {
            let member = org.people[next].name.clone();
            return Err(Some((
                ProblemCode::ManagerLoop,
                t(self.lang, "approvals.problem.loop", &[("member", member)]),
            )));
        }
        Ok(next)
    }
}

fn resolve(org: &Org, a: &Approver, applicant: usize, lang: Lang) -> Resolved {
    let tr = |key: &str, params: &[(&str, String)]| t(lang, &format!("approvals.{key}"), params);
    let mut out = Resolved {
        groups: Vec::new(),
        problems: Vec::new(),
    };
    let name = |i: usize| org.people[i].name.clone();
    match a {
        Approver::DepartmentHead { level } => {
            let mut dept = org.own_level(applicant, false);
            for _ in 1..*level {
                dept = dept.and_then(|d| org.tree.parent(d));
            }
            match dept {
                None => out.problems.push((
                    ProblemCode::NoApprover,
                    tr("problem.no_department", &[("level", level.to_string())]),
                )),
                Some(d) => {
                    let heads = org.heads.get(&d).cloned().unwrap_or_default();
                    if heads.is_empty() {
                        out.problems.push((
                            ProblemCode::NoApprover,
                            tr("problem.no_head", &[("department", org.tree.path(d))]),
                        ));
                    }
                    let reason = tr("reason.head", &[("department", org.tree.path(d))]);
                    out.groups
                        .push(heads.into_iter().map(|h| (h, reason.clone())).collect());
                }
            }
        }
        Approver::Manager { levels } => {
            let mut line = ReportingLine::new(applicant, lang);
            let mut cur = applicant;
            for level in 1..=*levels {
                match line.next(org, cur) {
                    Ok(next) => cur = next,
                    Err(None) => {
                        let params = [("member", name(cur)), ("level", level.to_string())];
                        out.problems
                            .push((ProblemCode::NoApprover, tr("problem.no_manager", &params)));
                        return out;
                    }
                    Err(Some(looped)) => {
                        out.problems.push(looped);
                        return out;
                    }
                }
            }
            let reason = if *levels == 1 {
                tr("reason.manager", &[])
            } else {
                tr("reason.manager_n", &[("levels", levels.to_string())])
            };
            out.groups.push(vec![(cur, reason)]);
        }
        Approver::ManagerChain { until_rank } => {
            let Some(&target) = org.ranks.get(until_rank.trim()) else {
                out.problems.push((
                    ProblemCode::RankUnreached,
                    tr("problem.rank_unknown", &[("rank", until_rank.clone())]),
                ));
                return out;
            };
            let mut line = ReportingLine::new(applicant, lang);
            let mut cur = applicant;
            for level in 1.. {
                match line.next(org, cur) {
                    Ok(next) => {
                        let reason = tr("reason.chain", &[("level", level.to_string())]);
                        out.groups.push(vec![(next, reason)]);
                        if org.rank_of(next).is_some_and(|r| r >= target) {
                            break;
                        }
                        cur = next;
                    }
                    Err(None) => {
                        let params = [("rank", until_rank.clone()), ("member", name(cur))];
                        out.problems.push((
                            ProblemCode::RankUnreached,
                            tr("problem.rank_unreached", &params),
                        ));
                        break;
                    }
                    Err(Some(looped)) => {
                        out.problems.push(looped);
                        break;
                    }
                }
            }
        }
        Approver::Role { role } => {
            let found = roles::find_in(&org.roles, &RoleRef::Name(role.clone()));
            let holders: Vec<usize> = found
                .map(|r| r.holders.iter().filter_map(|u| org.find(u)).collect())
                .unwrap_or_default();
            if holders.is_empty() {
                let (key, shown) = match found {
                    Some(r) => ("problem.role_empty", r.label(lang)),
                    None => ("problem.role_unknown", role.clone()),
                };
                out.problems
                    .push((ProblemCode::NoApprover, tr(key, &[("role", shown)])));
            }
            let label = found.map_or(role.clone(), |r| r.label(lang));
            let reason = tr("reason.role", &[("role", label)]);
            out.groups
                .push(holders.into_iter().map(|h| (h, reason.clone())).collect());
        }
        Approver::Member { userid } => match org.find(userid) {
            None => out.problems.push((
                ProblemCode::NoApprover,
                tr("problem.member_unknown", &[("userid", userid.clone())]),
            )),
            Some(i) => out.groups.push(vec![(i, tr("reason.member", &[]))]),
        },
    }
    out
}

fn route_for(org: &Org, template: &Template, applicant: usize, input: &Input) -> Option<usize> {
    template
        .routes
        .iter()
        .position(|r| org.matches(&r.when, applicant, input))
}

/// The chain of one route for one applicant, with the skip rules applied step by step.
fn chain_of(
    org: &Org,
    template: &Template,
    route: usize,
    applicant: usize,
    lang: Lang,
) -> (Vec<ChainStep>, Vec<Approval>, Vec<RouteProblem>) {
    let mut steps = Vec::new();
    let mut problems = Vec::new();
    let mut approved: BTreeSet<usize> = BTreeSet::new();
    for (si, step) in template.routes[route].steps.iter().enumerate() {
        let r = resolve(org, &step.approver, applicant, lang);
        let first = steps.len() as u32;
        for (code, message) in r.problems {
            problems.push(RouteProblem {
                code,
                step: Some(first),
                message,
            });
        }
        // A step whose approvers could not be found stays in the chain, empty, where it breaks.
        let groups = if r.groups.is_empty() {
            vec![Vec::new()]
        } else {
            r.groups
        };
        for group in groups {
            let at = steps.len() as u32;
            let mut kept = Vec::new();
            let mut skipped = Vec::new();
            for (who, reason) in &group {
                let p = &org.people[*who];
                let skip = if *who == applicant {
                    Some(SkipReason::Own)
                } else if approved.contains(who) {
                    Some(SkipReason::Duplicate)
                } else {
                    None
                };
                if let Some(reason) = skip {
                    skipped.push(SkippedApproval {
                        userid: p.userid.clone(),
                        name: p.name.clone(),
                        reason,
                    });
                } else if !p.active() {
                    problems.push(RouteProblem {
                        code: ProblemCode::InactiveApprover,
                        step: Some(at),
                        message: t(
                            lang,
                            "approvals.problem.inactive",
                            &[
                                ("member", format!("{}（{}）", p.name, p.userid)),
                                ("status", t(lang, &format!("statuses.{}", p.status), &[])),
                            ],
                        ),
                    });
                } else if !kept.iter().any(|k: &Approval| k.userid == p.userid) {
                    kept.push(org.shown(*who, reason.clone()));
                }
            }
            // The same person twice in one group counts once.
            for k in &kept {
                if let Some(i) = org.find(&k.userid) {
                    approved.insert(i);
                }
            }
            let all_skipped = kept.is_empty() && !skipped.is_empty();
            let skip_reason = all_skipped.then(|| {
                if skipped.iter().any(|s| s.reason == SkipReason::Own) {
                    SkipReason::Own
                } else {
                    SkipReason::Duplicate
                }
            });
            steps.push(ChainStep {
                approvers: kept,
                mode: step.mode,
                skipped: all_skipped,
                skip_reason,
                skipped_approvers: skipped,
                template_step: si as u32,
            });
        }
    }
    let mut cc: Vec<Approval> = Vec::new();
    for a in &template.cc {
        let r = resolve(org, a, applicant, lang);
        for (who, reason) in r.groups.into_iter().flatten() {
            let p = &org.people[who];
            if who != applicant && p.active() && !cc.iter().any(|c| c.userid == p.userid) {
                cc.push(org.shown(who, reason));
            }
        }
    }
    (steps, cc, problems)
}

/// Routes `template` for `applicant` with what they fill in.
pub(crate) fn simulate(
    org: &Org,
    template: &Template,
    applicant: &str,
    input: Input,
    lang: Lang,
) -> Result<Chain> {
    let who = org.find(applicant).ok_or_else(|| {
        Error::new(ErrorCode::MemberNotFound, "member_not_found").with("userid", applicant.trim())
    })?;
    let p = &org.people[who];
    let mut chain = Chain {
        template: template.key.clone(),
        template_name: template.label(lang).to_string(),
        applicant: p.userid.clone(),
        applicant_name: p.name.clone(),
        route: None,
        steps: Vec::new(),
        cc: Vec::new(),
        problems: Vec::new(),
    };
    match route_for(org, template, who, &input) {
        None => chain.problems.push(RouteProblem {
            code: ProblemCode::NoRoute,
            step: None,
            message: no_route_message(&input, lang),
        }),
        Some(r) => {
            let (steps, cc, problems) = chain_of(org, template, r, who, lang);
            chain.route = Some(r as u32);
            chain.steps = steps;
            chain.cc = cc;
            chain.problems = problems;
        }
    }
    Ok(chain)
}

fn no_route_message(input: &Input, lang: Lang) -> String {
    let shown = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| format!("{v}"));
    t(
        lang,
        "approvals.problem.no_route",
        &[("amount", shown(input.amount)), ("days", shown(input.days))],
    )
}

/// A place where a template's chain breaks for an applicant.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Break {
    pub template: String,
    /// The route (0-based); none for `no_route`.
    pub route: Option<u32>,
    pub applicant: String,
    pub applicant_name: String,
    pub code: ProblemCode,
    pub message: String,
}

/// Values worth trying for a number the routes compare: zero, and each bound and its two sides.
fn samples(template: &Template, pick: fn(&When) -> Option<&Bounds>, step: f64) -> Vec<Option<f64>> {
    fn collect(w: &When, pick: fn(&When) -> Option<&Bounds>, out: &mut Vec<f64>) {
        if let Some(b) = pick(w) {
            out.extend(b.limits());
        }
        for x in w.all.iter().chain(&w.any) {
            collect(x, pick, out);
        }
    }
    let mut limits = Vec::new();
    for r in &template.routes {
        collect(&r.when, pick, &mut limits);
    }
    if limits.is_empty() {
        return vec![None];
    }
    let mut out: Vec<f64> = vec![0.0];
    for l in limits {
        out.extend([l - step, l, l + step].into_iter().filter(|v| *v >= 0.0));
    }
    out.sort_by(f64::total_cmp);
    out.dedup();
    out.into_iter().map(Some).collect()
}

/// Every template for every active member and every route band they can reach: the breaks.
pub(crate) fn check(org: &Org, templates: &[Template], lang: Lang) -> Vec<Break> {
    let mut out = Vec::new();
    each_break(org, templates, lang, |b| {
        out.push(b);
        true
    });
    out
}

/// The breaks counted (in all and per code), the first `keep` of them listed: what a page shows
/// of a workspace where every member's chain may break.
#[derive(Debug, Clone, Default, Serialize, specta::Type)]
pub struct BreakSummary {
    pub total: u32,
    pub by_code: Vec<(ProblemCode, u32)>,
    pub breaks: Vec<Break>,
}

pub(crate) fn summary(org: &Org, templates: &[Template], lang: Lang, keep: usize) -> BreakSummary {
    let mut counts: std::collections::BTreeMap<ProblemCode, u32> = Default::default();
    let mut out = BreakSummary::default();
    each_break(org, templates, lang, |b| {
        out.total += 1;
        *counts.entry(b.code).or_default() += 1;
        if out.breaks.len() < keep {
            out.breaks.push(b);
        }
        true
    });
    out.by_code = counts.into_iter().collect();
    out
}

/// Whether any chain breaks (stops at the first).
pub(crate) fn any_break(org: &Org, templates: &[Template], lang: Lang) -> bool {
    let mut found = false;
    each_break(org, templates, lang, |_| {
        found = true;
        false
    });
    found
}

/// Calls `f` with each break until it returns false.
fn each_break(org: &Org, templates: &[Template], lang: Lang, mut f: impl FnMut(Break) -> bool) {
    for template in templates {
        let amounts = samples(template, |w| w.amount.as_ref(), 0.01);
        let days = samples(template, |w| w.days.as_ref(), 0.5);
        for (who, p) in org.people.iter().enumerate() {
            if !p.active() {
                continue;
            }
            let mut routes = BTreeSet::new();
            let mut unrouted: Option<Input> = None;
            for a in &amounts {
                for d in &days {
                    let input = Input {
                        amount: *a,
                        days: *d,
                    };
                    match route_for(org, template, who, &input) {
                        Some(r) => {
                            routes.insert(r);
                        }
                        None => {
                            unrouted.get_or_insert(input);
                        }
                    }
                }
            }
            let shown = |route: Option<u32>, code, message| Break {
                template: template.key.clone(),
                route,
                applicant: p.userid.clone(),
                applicant_name: p.name.clone(),
                code,
                message,
            };
            if let Some(input) = unrouted {
                let message = no_route_message(&input, lang);
                if !f(shown(None, ProblemCode::NoRoute, message)) {
                    return;
                }
            }
            for r in routes {
                let (_, _, problems) = chain_of(org, template, r, who, lang);
                let mut seen = BTreeSet::new();
                for pr in problems {
                    if seen.insert((pr.code, pr.message.clone()))
                        && !f(shown(Some(r as u32), pr.code, pr.message))
                    {
                        return;
                    }
                }
            }
        }
    }
}

impl std::fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
