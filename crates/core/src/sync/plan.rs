//! The plan: the operations that make the live directory (the last pull) what the workspace
//! says. Departments are matched by path from the root (the workspace's one top-level
//! department is the platform's root), then a department left over is matched with a left-over
//! sibling that shares members with it (a rename is one update, not a delete and a create).
//! Members are matched by account, then mobile (without +86, spaces and dashes), then email
//! (without case). Order: departments top-down, member updates (which may free a mobile or an
//! account), member creates, member deletes, departments bottom-up.
//! Fields the platform cannot write (activation) are never planned, so a plan after an apply
//! is empty.

use super::{LiveDepartment, LiveMember, Pulled};
use crate::error::Result;
use crate::i18n::{t, Lang};
use crate::members::FieldKey;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Share of the live members (or departments) a plan may delete without `--allow-deletes`.
pub const DELETE_SHARE: f64 = 0.2;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    specta::Type,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Op {
    CreateDepartment,
    UpdateDepartment,
    CreateMember,
    UpdateMember,
    DeleteMember,
    DeleteDepartment,
}

impl Op {
    /// The code as it is serialised (`create_member`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A field's value before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FieldChange {
    pub from: Option<serde_json::Value>,
    pub to: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Operation {
    pub op: Op,
    /// A department path or a member's account.
    pub target: String,
    /// The department's id on the platform (updates and deletes of departments).
    #[specta(type = Option<f64>)]
    pub live_id: Option<i64>,
    pub fields: BTreeMap<String, FieldChange>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Blocked {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Plan {
    pub id: String,
    pub platform: crate::org::profile::Platform,
    pub pulled_at: String,
    pub operations: Vec<Operation>,
    /// Operations per kind.
    pub summary: BTreeMap<String, u32>,
    pub blocked: Vec<Blocked>,
    /// The workspace's departments matched to the platform's: path → live id (kept with a
    /// saved plan so that apply can name the departments members go to).
    #[serde(default)]
    #[specta(type = BTreeMap<String, f64>)]
    pub departments: BTreeMap<String, i64>,
}

/// A workspace department with the members directly in it.
struct Desired {
    path: String,
    parent: Option<String>,
    name: String,
    order: i64,
}

fn value(text: Option<&str>) -> Option<serde_json::Value> {
    text.map(|t| serde_json::Value::String(t.to_string()))
}

/// A mobile as the platforms compare it: digits, without +86, spaces and dashes.
pub fn mobile_key(m: &str) -> String {
    let digits: String = crate::validate::half_width(m)
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    let d = digits.strip_prefix("+86").unwrap_or(&digits);
    d.strip_prefix("86")
        .filter(|rest| rest.len() == 11)
        .unwrap_or(d)
        .trim_start_matches('+')
        .to_string()
}

/// Why `ops` may not run when they delete more than the safety share of the live members or
/// departments (`live`: how many the platform has of each) and fewer deletes than they make
/// are accepted.
pub fn delete_guard(
    ops: &[Operation],
    live: (usize, usize),
    allow_deletes: u32,
    lang: Lang,
) -> Option<Blocked> {
    let count = |op: Op| ops.iter().filter(|o| o.op == op).count();
    let (members, departments) = (count(Op::DeleteMember), count(Op::DeleteDepartment));
    let deletes = (members + departments) as u32;
    let over = |n: usize, of: usize| of > 0 && n as f64 > DELETE_SHARE * of as f64;
    ((over(members, live.0) || over(departments, live.1)) && allow_deletes < deletes).then(|| {
        Blocked {
            code: "too_many_deletes".into(),
            message: t(
                lang,
                "sync.too_many_deletes",
                &[
                    ("members", members.to_string()),
                    ("departments", departments.to_string()),
                    ("share", format!("{:.0}", DELETE_SHARE * 100.0)),
                    ("count", deletes.to_string()),
                ],
            ),
        }
    })
}

/// The plan from the workspace to the last pull (`allow_deletes`: how many deletes the user
/// accepts beyond the safety share).
pub fn compute(conn: &Connection, pulled: &Pulled, allow_deletes: u32, lang: Lang) -> Result<Plan> {
    let live = &pulled.state;
    // Desired departments by path.
    let departments = crate::org::departments::list(conn)?;
    let desired: Vec<Desired> = departments
        .iter()
        .map(|d| Desired {
            path: d.path.clone(),
            parent: d.path.rsplit_once('/').map(|(p, _)| p.to_string()),
            name: d.name.clone(),
            order: d.order,
        })
        .collect();
    // Live departments: paths from the root, the root named as the workspace's top level.
    let by_id: HashMap<i64, &LiveDepartment> = live.departments.iter().map(|d| (d.id, d)).collect();
    let root = live
        .departments
        .iter()
        .find(|d| d.parent_id.is_none_or(|p| !by_id.contains_key(&p)))
        .map(|d| d.id);
    let top = desired
        .iter()
        .find(|d| d.parent.is_none())
        .map(|d| d.path.clone());
    let mut live_path: HashMap<i64, String> = HashMap::new();
    fn path_of(
        id: i64,
        by_id: &HashMap<i64, &LiveDepartment>,
        root: Option<i64>,
        top: &Option<String>,
        cache: &mut HashMap<i64, String>,
        depth: usize,
    ) -> String {
        if let Some(p) = cache.get(&id) {
            return p.clone();
        }
        let d = by_id[&id];
        let p = if Some(id) == root || depth > 64 {
            top.clone().unwrap_or_else(|| d.name.clone())
        } else {
            match d.parent_id.filter(|p| by_id.contains_key(p)) {
                Some(parent) => format!(
                    "{}/{}",
                    path_of(parent, by_id, root, top, cache, depth + 1),
                    d.name
                ),
                None => d.name.clone(),
            }
        };
        cache.insert(id, p.clone());
        p
    }
    for d in &live.departments {
        path_of(d.id, &by_id, root, &top, &mut live_path, 0);
    }
    // Match by path, then a renamed department by the members it shares with a left-over
    // sibling under the same (matched) parent.
    let mut matched: HashMap<String, i64> = HashMap::new(); // desired path -> live id
    let path_to_live: HashMap<&str, i64> =
        live_path.iter().map(|(id, p)| (p.as_str(), *id)).collect();
    for d in &desired {
        if let Some(id) = path_to_live.get(d.path.as_str()) {
            matched.insert(d.path.clone(), *id);
        }
    }
    let members = crate::members::list(conn, &Default::default())?;
    let mut desired_members_in: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for m in &members {
        for p in &m.departments {
            desired_members_in
                .entry(p.as_str())
                .or_default()
                .insert(m.userid.as_str());
        }
    }
    let mut live_members_in: HashMap<i64, BTreeSet<&str>> = HashMap::new();
    for m in &live.members {
        for d in &m.departments {
            live_members_in
                .entry(*d)
                .or_default()
                .insert(m.userid.as_str());
        }
    }
    // Top-down so that a renamed parent is matched before its children.
    let mut by_depth: Vec<&Desired> = desired.iter().collect();
    by_depth.sort_by_key(|d| d.path.matches('/').count());
    for d in by_depth {
        if matched.contains_key(&d.path) {
            continue;
        }
        let Some(parent_live) = d.parent.as_ref().and_then(|p| matched.get(p)).copied() else {
            continue;
        };
        let taken: BTreeSet<i64> = matched.values().copied().collect();
        let mine = desired_members_in.get(d.path.as_str());
        let best = live
            .departments
            .iter()
            .filter(|l| l.parent_id == Some(parent_live) && !taken.contains(&l.id))
            // Only a sibling no desired department has by path.
            .filter(|l| !desired.iter().any(|x| x.path == live_path[&l.id]))
            .map(|l| {
                let shared = match (mine, live_members_in.get(&l.id)) {
                    (Some(a), Some(b)) => a.intersection(b).count(),
                    _ => 0,
                };
                (shared, l.id)
            })
            .filter(|(shared, _)| *shared > 0)
            .max();
        if let Some((_, id)) = best {
            matched.insert(d.path.clone(), id);
        }
    }
    let live_of_path = |path: &str| matched.get(path).copied();
    let matched_ids: BTreeSet<i64> = matched.values().copied().collect();
    let kept_live = |id: i64| matched_ids.contains(&id);
    // What a member's department path is called on the platform side, for comparison: the
    // desired path when the live department is matched.
    let desired_of_live: HashMap<i64, &str> =
        matched.iter().map(|(p, id)| (*id, p.as_str())).collect();
    let named = |id: &i64| -> String {
        desired_of_live
            .get(id)
            .map(|p| p.to_string())
            .or_else(|| live_path.get(id).cloned())
            .unwrap_or_else(|| id.to_string())
    };

    let mut ops = Vec::new();
    let reason = |key: &str| t(lang, &format!("sync.reason.{key}"), &[]);
    // Departments: create and update, top-down.
    let mut ordered: Vec<&Desired> = desired.iter().collect();
    ordered.sort_by(|a, b| {
        a.path
            .matches('/')
            .count()
            .cmp(&b.path.matches('/').count())
            .then(a.order.cmp(&b.order))
    });
    // Sibling order (when the platform keeps one): a parent whose children stand on the
    // platform as in the workspace is left alone; otherwise (a child out of place, added or moved in) each child gets its position,
    // so that after the apply the whole group stands in order.
    let mut position: HashMap<&str, i64> = HashMap::new();
    let mut children: HashMap<Option<&str>, Vec<&Desired>> = HashMap::new();
    for d in &desired {
        children.entry(d.parent.as_deref()).or_default().push(d);
    }
    let mut reordered: BTreeSet<&str> = BTreeSet::new();
    // A platform (or a private deployment) that gives every department order 0 keeps no
    // order the plan could compare or set.
    let orders_known = live.departments.iter().any(|d| d.order != 0);
    for (parent, kids) in children.iter_mut() {
        kids.sort_by(|a, b| a.order.cmp(&b.order).then(a.name.cmp(&b.name)));
        for (i, d) in kids.iter().enumerate() {
            position.insert(d.path.as_str(), i as i64);
        }
        let Some(parent) = parent else { continue };
        let parent_live = live_of_path(parent);
        let under: Vec<&str> = kids
            .iter()
            .filter(|d| live_of_path(&d.path).is_some_and(|id| by_id[&id].parent_id == parent_live))
            .map(|d| d.path.as_str())
            .collect();
        let mut live_seq: Vec<(i64, i64, &str)> = under
            .iter()
            .map(|p| {
                let l = by_id[&live_of_path(p).unwrap_or_default()];
                (l.order, l.id, *p)
            })
            .collect();
        live_seq.sort();
        let in_place =
            under.len() == kids.len() && live_seq.iter().map(|x| x.2).eq(under.iter().copied());
        if !in_place && orders_known {
            reordered.insert(parent);
        }
    }
    let live_position = |id: i64| -> i64 {
        let l = by_id[&id];
        let mut siblings: Vec<(i64, i64)> = live
            .departments
            .iter()
            .filter(|x| x.parent_id == l.parent_id && kept_live(x.id))
            .map(|x| (x.order, x.id))
            .collect();
        siblings.sort();
        siblings.iter().position(|x| x.1 == id).unwrap_or(0) as i64
    };
    let order_change = |d: &Desired, from: Option<i64>| -> Option<FieldChange> {
        d.parent
            .as_deref()
            .filter(|p| reordered.contains(p))
            .map(|_| FieldChange {
                from: from.map(|x| serde_json::json!(x + 1)),
                to: Some(serde_json::json!(position[d.path.as_str()] + 1)),
            })
    };
    for d in &ordered {
        match live_of_path(&d.path) {
            None => {
                let mut fields = BTreeMap::new();
                if let Some(c) = order_change(d, None) {
                    fields.insert("order".into(), c);
                }
                fields.insert(
                    "name".into(),
                    FieldChange {
                        from: None,
                        to: value(Some(&d.name)),
                    },
                );
                if let Some(p) = &d.parent {
                    fields.insert(
                        "parent".into(),
                        FieldChange {
                            from: None,
                            to: value(Some(p)),
                        },
                    );
                }
                ops.push(Operation {
                    op: Op::CreateDepartment,
                    target: d.path.clone(),
                    live_id: None,
                    fields,
                    reason: reason("department_missing"),
                });
            }
            Some(id) if d.parent.is_some() => {
                let l = by_id[&id];
                let mut fields = BTreeMap::new();
                if l.name != d.name {
                    fields.insert(
                        "name".into(),
                        FieldChange {
                            from: value(Some(&l.name)),
                            to: value(Some(&d.name)),
                        },
                    );
                }
                let live_parent = l.parent_id.map(|p| named(&p));
                if live_parent != d.parent {
                    fields.insert(
                        "parent".into(),
                        FieldChange {
                            from: value(live_parent.as_deref()),
                            to: value(d.parent.as_deref()),
                        },
                    );
                }
                if let Some(c) = order_change(d, Some(live_position(id))) {
                    fields.insert("order".into(), c);
                }
                if !fields.is_empty() {
                    ops.push(Operation {
                        op: Op::UpdateDepartment,
                        target: d.path.clone(),
                        live_id: Some(id),
                        fields,
                        reason: reason("department_differs"),
                    });
                }
            }
            Some(_) => {}
        }
    }
    // Members: matched by account, then mobile, then email.
    let mut by_userid: HashMap<String, &LiveMember> = HashMap::new();
    let mut by_mobile: HashMap<String, &LiveMember> = HashMap::new();
    let mut by_email: HashMap<String, &LiveMember> = HashMap::new();
    for m in &live.members {
        by_userid.insert(m.userid.to_lowercase(), m);
        if let Some(x) = m.mobile.as_deref().filter(|x| !x.is_empty()) {
            by_mobile.insert(mobile_key(x), m);
        }
        if let Some(x) = m.email.as_deref().filter(|x| !x.is_empty()) {
            by_email.insert(x.to_lowercase(), m);
        }
    }
    // Matched in three passes, so that an account match always wins over a mobile or an email
    // one (a member whose mobile another live account has is not taken from their own account).
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut found_of: Vec<Option<&LiveMember>> = vec![None; members.len()];
    for pass in 0..3 {
        for (i, m) in members.iter().enumerate() {
            if found_of[i].is_some() {
                continue;
            }
            let f = &m.fields;
            let candidate = match pass {
                0 => by_userid.get(&m.userid.to_lowercase()),
                1 => f
                    .text(FieldKey::Mobile)
                    .and_then(|x| by_mobile.get(&mobile_key(&x))),
                _ => f
                    .text(FieldKey::Email)
                    .and_then(|x| by_email.get(&x.to_lowercase())),
            };
            if let Some(l) = candidate
                .copied()
                .filter(|l| !seen.contains(l.userid.as_str()))
            {
                seen.insert(l.userid.as_str());
                found_of[i] = Some(l);
            }
        }
    }
    // DingTalk keeps an account for life and Feishu's change of one is not in our sources: an
    // account is only planned to change on WeCom.
    let userid_writable = pulled.platform == crate::org::profile::Platform::Wecom;
    let withheld: BTreeSet<&str> = live.withheld.iter().map(String::as_str).collect();
    let member_ops = ops.len();
    for (m, found) in members.iter().zip(found_of) {
        let f = &m.fields;
        let mobile = f.text(FieldKey::Mobile).map(|c| c.to_string());
        let email = f.text(FieldKey::Email).map(|c| c.to_string());
        let want_depts: Vec<String> = m.departments.clone();
        let want_main = m.main_department.clone();
        let want_leader: BTreeSet<String> = m.leader_of.iter().cloned().collect();
        let position = f.text(FieldKey::Position).map(|c| c.to_string());
        let name = f.text(FieldKey::Name).map(|c| c.to_string());
        match found {
            None => {
                let mut fields = BTreeMap::new();
                let mut put = |k: &str, v: Option<serde_json::Value>| {
                    if v.is_some() {
                        fields.insert(k.to_string(), FieldChange { from: None, to: v });
                    }
                };
                put("name", value(name.as_deref()));
                put("mobile", value(mobile.as_deref()));
                put("email", value(email.as_deref()));
                put("position", value(position.as_deref()));
                put("departments", Some(serde_json::json!(want_depts)));
                put("main_department", value(want_main.as_deref()));
                if !want_leader.is_empty() {
                    put("leader_in", Some(serde_json::json!(want_leader)));
                }
                ops.push(Operation {
                    op: Op::CreateMember,
                    target: m.userid.clone(),
                    live_id: None,
                    fields,
                    reason: reason("member_missing"),
                });
            }
            Some(l) => {
                let mut fields = BTreeMap::new();
                let mut differ = |k: &str, from: Option<&str>, to: Option<&str>, same: bool| {
                    if !same {
                        fields.insert(
                            k.to_string(),
                            FieldChange {
                                from: value(from),
                                to: value(to),
                            },
                        );
                    }
                };
                if l.userid != m.userid && userid_writable {
                    differ("userid", Some(&l.userid), Some(&m.userid), false);
                }
                differ(
                    "name",
                    Some(&l.name),
                    name.as_deref(),
                    name.as_deref() == Some(l.name.as_str()),
                );
                if !withheld.contains("mobile") {
                    let same = mobile.as_deref().map(mobile_key)
                        == l.mobile
                            .as_deref()
                            .filter(|x| !x.is_empty())
                            .map(mobile_key);
                    differ("mobile", l.mobile.as_deref(), mobile.as_deref(), same);
                }
                if !withheld.contains("email") {
                    let same = email.as_deref().map(str::to_lowercase)
                        == l.email
                            .as_deref()
                            .filter(|x| !x.is_empty())
                            .map(str::to_lowercase);
                    differ("email", l.email.as_deref(), email.as_deref(), same);
                }
                let live_position = l.position.as_deref().filter(|x| !x.is_empty());
                differ(
                    "position",
                    live_position,
                    position.as_deref(),
                    live_position == position.as_deref(),
                );
                let have: BTreeSet<String> = l.departments.iter().map(&named).collect();
                let want: BTreeSet<String> = want_depts.iter().cloned().collect();
                if have != want {
                    fields.insert(
                        "departments".into(),
                        FieldChange {
                            from: Some(serde_json::json!(have)),
                            to: Some(serde_json::json!(want)),
                        },
                    );
                }
                let have_main = l.main_department.map(|d| named(&d));
                if want_main.is_some() && have_main != want_main && l.departments.len() > 1 {
                    fields.insert(
                        "main_department".into(),
                        FieldChange {
                            from: value(have_main.as_deref()),
                            to: value(want_main.as_deref()),
                        },
                    );
                }
                let have_leader: BTreeSet<String> = l.leader_in.iter().map(&named).collect();
                if have_leader != want_leader {
                    fields.insert(
                        "leader_in".into(),
                        FieldChange {
                            from: Some(serde_json::json!(have_leader)),
                            to: Some(serde_json::json!(want_leader)),
                        },
                    );
                }
                if !fields.is_empty() {
                    ops.push(Operation {
                        op: Op::UpdateMember,
                        target: l.userid.clone(),
                        live_id: None,
                        fields,
                        reason: reason("member_differs"),
                    });
                }
            }
        }
    }
    // Updates before creates: a mobile, an email or an account an update frees may be the one a
    // new member takes.
    ops[member_ops..].sort_by_key(|o| o.op != Op::UpdateMember);
    // Deletes: members first, then departments bottom-up.
    let member_deletes: Vec<&LiveMember> = live
        .members
        .iter()
        .filter(|l| !seen.contains(l.userid.as_str()))
        .collect();
    for l in &member_deletes {
        ops.push(Operation {
            op: Op::DeleteMember,
            target: l.userid.clone(),
            live_id: None,
            fields: BTreeMap::new(),
            reason: reason("member_not_planned"),
        });
    }
    let kept: BTreeSet<i64> = matched.values().copied().collect();
    let mut gone: Vec<&LiveDepartment> = live
        .departments
        .iter()
        .filter(|d| !kept.contains(&d.id) && Some(d.id) != root)
        .collect();
    gone.sort_by_key(|d| std::cmp::Reverse(live_path[&d.id].matches('/').count()));
    for d in &gone {
        ops.push(Operation {
            op: Op::DeleteDepartment,
            target: live_path[&d.id].clone(),
            live_id: Some(d.id),
            fields: BTreeMap::new(),
            reason: reason("department_not_planned"),
        });
    }
    // Guards.
    let mut blocked: Vec<Blocked> = delete_guard(
        &ops,
        (live.members.len(), live.departments.len()),
        allow_deletes,
        lang,
    )
    .into_iter()
    .collect();
    for l in member_deletes.iter().filter(|l| l.admin.is_some()) {
        blocked.push(Blocked {
            code: "deletes_admin".into(),
            message: t(
                lang,
                "sync.deletes_admin",
                &[
                    ("userid", l.userid.clone()),
                    ("name", l.name.clone()),
                    (
                        "role",
                        t(
                            lang,
                            &format!("sync.admins.{}", l.admin.as_deref().unwrap_or("")),
                            &[],
                        ),
                    ),
                ],
            ),
        });
    }
    if let Ok(problems) = crate::exports::preflight(conn, pulled.platform.as_str(), lang) {
        for p in problems.into_iter().filter(|p| p.is_error()) {
            blocked.push(Blocked {
                code: p.rule.clone(),
                message: p.message.clone(),
            });
        }
    }
    let mut summary: BTreeMap<String, u32> = BTreeMap::new();
    for o in &ops {
        *summary.entry(o.op.as_str().to_string()).or_default() += 1;
    }
    let id = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        serde_json::to_string(&ops).unwrap_or_default().hash(&mut h);
        format!("{}-{:012x}", pulled.id, h.finish() & 0xFFFF_FFFF_FFFF)
    };
    Ok(Plan {
        id,
        platform: pulled.platform,
        pulled_at: pulled.pulled_at.clone(),
        operations: ops,
        summary,
        blocked,
        departments: matched.into_iter().collect(),
    })
}
