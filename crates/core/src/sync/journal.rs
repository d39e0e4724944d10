//! Applying a plan, offline half: plans saved by id, the journal of each operation's fate
//! (queued → pending before the call → done / failed after it), the check that the live
//! directory is still as planned for the rows a run touches, and the platform ids a run
//! refers to (matched departments, and those it created). The calls themselves are made by
//! the platform crate.

use super::plan::{Op, Operation, Plan};
use super::{LiveDepartment, LiveMember, LiveState};
use crate::error::{Error, ErrorCode, Result};
use crate::history::Tx;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    specta::Type,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum OpStatus {
    /// Not started.
    Queued,
    /// The call was about to be made: whether the platform did it is unknown until resumed.
    Pending,
    Done,
    Failed,
}

/// One operation of a run and its fate.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct JournalEntry {
    pub seq: u32,
    pub op: Op,
    pub target: String,
    pub status: OpStatus,
    /// A created department's id on the platform.
    #[specta(type = Option<f64>)]
    pub live_id: Option<i64>,
    /// The platform's answer when it failed.
    #[specta(type = Option<f64>)]
    pub errcode: Option<i64>,
    pub message: Option<String>,
    pub updated_at: String,
}

/// A plan as `plan` saved it, and the pull it was computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedPlan {
    pub plan: Plan,
    pub pull_id: i64,
}

/// Keeps `plan` under its id (a plan computed again from the same pull and workspace has the
/// same id and is kept once).
pub(crate) fn save(tx: &Tx, plan: &Plan, pull_id: i64, at: &str) -> Result<()> {
    let text = serde_json::to_string(plan).map_err(|e| Error::internal(e.to_string()))?;
    tx.execute(
        "INSERT OR IGNORE INTO sync_plans (id, pull_id, created_at, plan) VALUES (?1, ?2, ?3, ?4)",
        params![plan.id, pull_id, at, text],
    )?;
    Ok(())
}

pub(crate) fn load(conn: &Connection, id: &str) -> Result<Option<SavedPlan>> {
    let row: Option<(String, i64)> = conn
        .query_row(
            "SELECT plan, pull_id FROM sync_plans WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    row.map(|(text, pull_id)| {
        let plan = serde_json::from_str(&text)
            .map_err(|e| Error::internal(format!("saved plan {id}: {e}")))?;
        Ok(SavedPlan { plan, pull_id })
    })
    .transpose()
}

/// The journal of `plan_id`'s runs, in the plan's order (empty when it never ran).
pub(crate) fn entries(conn: &Connection, plan_id: &str) -> Result<Vec<JournalEntry>> {
    let mut stmt = conn.prepare(
        "SELECT seq, op, target, status, live_id, errcode, message, updated_at
         FROM sync_journal WHERE plan_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt
        .query_map([plan_id], |r| {
            Ok((
                r.get::<_, u32>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(
            |(seq, op, target, status, live_id, errcode, message, updated_at)| {
                Ok(JournalEntry {
                    seq,
                    op: op
                        .parse()
                        .map_err(|_| Error::internal(format!("journal operation {op}")))?,
                    target,
                    status: status
                        .parse()
                        .map_err(|_| Error::internal(format!("journal status {status}")))?,
                    live_id,
                    errcode,
                    message,
                    updated_at,
                })
            },
        )
        .collect()
}

/// The plan that ran last, if any.
pub(crate) fn last_run(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT plan_id FROM sync_journal ORDER BY updated_at DESC, rowid DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?)
}

/// Queues every operation of `plan` (once).
pub(crate) fn start(tx: &Tx, plan: &Plan, at: &str) -> Result<()> {
    let mut stmt = tx.prepare(
        "INSERT OR IGNORE INTO sync_journal (plan_id, seq, op, target, status, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'queued', ?5)",
    )?;
    for (seq, o) in plan.operations.iter().enumerate() {
        stmt.execute(params![plan.id, seq as i64, o.op.as_str(), o.target, at])?;
    }
    Ok(())
}

/// What became of an operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Pending,
    /// Done; a created department's id.
    Done(Option<i64>),
    Failed {
        errcode: i64,
        message: String,
    },
}

pub(crate) fn mark(tx: &Tx, plan_id: &str, seq: u32, outcome: &Outcome, at: &str) -> Result<()> {
    let (status, live_id, errcode, message) = match outcome {
        Outcome::Pending => (OpStatus::Pending, None, None, None),
        Outcome::Done(id) => (OpStatus::Done, *id, None, None),
        Outcome::Failed { errcode, message } => (
            OpStatus::Failed,
            None,
            Some(*errcode),
            Some(message.as_str()),
        ),
    };
    let n = tx.execute(
        "UPDATE sync_journal SET status = ?3, live_id = COALESCE(?4, live_id), errcode = ?5,
           message = ?6, updated_at = ?7 WHERE plan_id = ?1 AND seq = ?2",
        params![
            plan_id,
            seq,
            <&str>::from(status),
            live_id,
            errcode,
            message,
            at
        ],
    )?;
    if n == 0 {
        return Err(Error::internal(format!(
            "operation {seq} of plan {plan_id} is not in the journal"
        )));
    }
    Ok(())
}

/// The platform ids of the departments a run refers to by path: those the plan matched, and
/// those the run created.
pub struct Departments(HashMap<String, i64>);

impl Departments {
    pub fn new(plan: &Plan, journal: &[JournalEntry]) -> Departments {
        let mut ids: HashMap<String, i64> = plan
            .departments
            .iter()
            .map(|(p, id)| (p.clone(), *id))
            .collect();
        for e in journal {
            if let (Op::CreateDepartment, Some(id)) = (e.op, e.live_id) {
                ids.insert(e.target.clone(), id);
            }
        }
        Departments(ids)
    }

    pub fn created(&mut self, path: &str, id: i64) {
        self.0.insert(path.to_string(), id);
    }

    /// The id of the department at `path`, or an error naming it.
    pub fn id(&self, path: &str) -> Result<i64> {
        self.0.get(path).copied().ok_or_else(|| {
            Error::new(ErrorCode::PlanBlocked, "sync_department_unknown").with("path", path)
        })
    }
}

/// The targets of the operations still to run whose rows the platform changed since the pull
/// the plan was computed from (`then`), as a fresh read (`now`) shows them: a department or a
/// member that changed or went, or one to create that now exists. Operations done or pending
/// (whose effect is unknown) are not checked.
pub fn drifted(
    plan: &Plan,
    journal: &[JournalEntry],
    then: &LiveState,
    now: &LiveState,
) -> Vec<String> {
    let status: BTreeMap<u32, OpStatus> = journal.iter().map(|e| (e.seq, e.status)).collect();
    let dept = |s: &LiveState| -> HashMap<i64, LiveDepartment> {
        s.departments.iter().map(|d| (d.id, d.clone())).collect()
    };
    let member = |s: &LiveState| -> HashMap<String, LiveMember> {
        s.members
            .iter()
            .map(|m| {
                // Activation is the platform's own business: it may change meanwhile.
                let m = LiveMember {
                    status: None,
                    ..m.clone()
                };
                (m.userid.to_lowercase(), m)
            })
            .collect()
    };
    let (d_then, d_now) = (dept(then), dept(now));
    let (m_then, m_now) = (member(then), member(now));
    let live_paths = |s: &LiveState| -> std::collections::HashSet<(Option<i64>, String)> {
        s.departments
            .iter()
            .map(|d| (d.parent_id, d.name.clone()))
            .collect()
    };
    let created_now = live_paths(now);
    let created_then = live_paths(then);
    let mut out = Vec::new();
    for (seq, o) in plan.operations.iter().enumerate() {
        if matches!(
            status.get(&(seq as u32)),
            Some(OpStatus::Done | OpStatus::Pending)
        ) {
            continue;
        }
        let changed = match o.op {
            Op::UpdateDepartment | Op::DeleteDepartment => o
                .live_id
                .is_some_and(|id| d_then.get(&id) != d_now.get(&id)),
            Op::UpdateMember | Op::DeleteMember => {
                let k = o.target.to_lowercase();
                m_then.get(&k) != m_now.get(&k)
            }
            Op::CreateMember => {
                let k = o.target.to_lowercase();
                !m_then.contains_key(&k) && m_now.contains_key(&k)
            }
            Op::CreateDepartment => {
                // Created meanwhile under a parent that existed: the same name appeared there.
                let name = o.target.rsplit('/').next().unwrap_or(&o.target).to_string();
                let parent = o
                    .target
                    .rsplit_once('/')
                    .and_then(|(p, _)| plan.departments.get(p).copied());
                parent.is_some_and(|p| {
                    let key = (Some(p), name);
                    created_now.contains(&key) && !created_then.contains(&key)
                })
            }
        };
        if changed {
            out.push(o.target.clone());
        }
    }
    out
}

/// The value an operation sets for `field`, as text.
pub fn text(o: &Operation, field: &str) -> Option<String> {
    o.fields
        .get(field)
        .and_then(|c| c.to.as_ref())
        .and_then(|v| v.as_str().map(String::from))
}

/// The list an operation sets for `field` (department paths), if it sets it.
pub fn paths(o: &Operation, field: &str) -> Option<Vec<String>> {
    o.fields.get(field).and_then(|c| c.to.as_ref()).map(|v| {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// What a run of `apply` did.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ApplyReport {
    pub plan_id: String,
    pub dry_run: bool,
    /// Operations done by this run.
    pub done: u32,
    /// Operations a resumed run found done already.
    pub already_done: u32,
    /// The operation that failed and stopped the run.
    pub failed: Option<JournalEntry>,
    pub cancelled: bool,
    /// Operations not run yet.
    pub remaining: u32,
    /// After a complete run, the operations a plan from a fresh pull still has (0: the live
    /// directory is what the workspace says).
    pub left_after: Option<u32>,
    pub journal: Vec<JournalEntry>,
}
