//! Applying a saved plan: a fresh read first (nothing runs when the rows the plan touches
//! changed on the platform since its pull), then each operation journaled in the workspace
//! before the call (pending) and after it (done or failed), so a run killed in the middle is
//! resumed without repeating what was done. The first failure stops the run.

use crate::error::{Error, Result};
use crate::{DepartmentWrite, Directory, MemberWrite};
use orgdesk_core::progress::Progress;
use orgdesk_core::sync::journal::{self, ApplyReport, Departments, OpStatus, Outcome};
use orgdesk_core::sync::plan::{Op, Operation};
use orgdesk_core::sync::LiveState;
use orgdesk_core::{ErrorCode, Lang, Workspace};

/// How `apply` runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Check and report, call nothing that writes, journal nothing.
    pub dry_run: bool,
    /// Deletes accepted beyond the safety share.
    pub allow_deletes: u32,
    /// Go on with a run that was started (done operations are not repeated).
    pub resume: bool,
}

/// Runs plan `id` against the platform `client` speaks to.
pub(crate) async fn run<C: Directory>(
    ws: &mut Workspace,
    client: &C,
    id: &str,
    options: Options,
    lang: Lang,
    progress: &dyn Progress,
) -> Result<ApplyReport> {
    let before = ws.journal(id)?;
    let already_done = before.iter().filter(|e| e.status == OpStatus::Done).count() as u32;
    if !before.is_empty() && already_done as usize == before.len() {
        let mut r = report(id, options.dry_run, 0, already_done, before);
        // Killed after its last operation, before reading the platform again: read it now.
        let pulled = ws.pulled_id()?;
        let saved = ws.saved_plan(id)?;
        if !options.dry_run && saved.is_some_and(|p| Some(p.pull_id) == pulled) {
            r.left_after = Some(pull_again(ws, client, lang).await?);
        }
        return Ok(r);
    }
    let saved = ws.plan_to_apply(id, options.allow_deletes, lang)?;
    let plan = saved.plan;
    if !options.resume && before.iter().any(|e| e.status != OpStatus::Queued) {
        return Err(
            orgdesk_core::Error::new(ErrorCode::PlanBlocked, "plan_running")
                .with("id", id)
                .with("done", already_done)
                .into(),
        );
    }
    let then: LiveState = ws.pulled()?.map(|p| p.state).unwrap_or_default();
    let now = client.pull().await?;
    let drifted = journal::drifted(&plan, &before, &then, &now);
    if !drifted.is_empty() {
        let mut targets: Vec<String> = drifted.iter().take(10).cloned().collect();
        if drifted.len() > 10 {
            targets.push(format!("… ({})", drifted.len()));
        }
        return Err(
            orgdesk_core::Error::new(ErrorCode::LiveChanged, "live_changed")
                .with("targets", targets.join(", "))
                .into(),
        );
    }
    if options.dry_run {
        let journal = if before.is_empty() {
            queued(&plan)
        } else {
            before
        };
        return Ok(report(id, true, 0, already_done, journal));
    }
    let journal = ws.journal_start(&plan)?;
    let mut ids = Departments::new(&plan, &journal);
    let total = plan.operations.len() as u64;
    let mut done = 0u32;
    let mut cancelled = false;
    let mut stopped = None;
    for (seq, o) in plan.operations.iter().enumerate() {
        let seq = seq as u32;
        if journal[seq as usize].status == OpStatus::Done {
            continue;
        }
        if progress.cancelled() {
            cancelled = true;
            break;
        }
        ws.journal_mark(id, seq, o, &Outcome::Pending, &[])?;
        match execute(client, o, &ids, &now).await {
            Ok(created) => {
                if let Some(new_id) = created {
                    ids.created(&o.target, new_id);
                }
                ws.journal_mark(id, seq, o, &Outcome::Done(created), &client.take_calls())?;
                done += 1;
            }
            Err(Error::Platform { code, message }) => {
                let failed = Outcome::Failed {
                    errcode: code,
                    message,
                };
                ws.journal_mark(id, seq, o, &failed, &client.take_calls())?;
                stopped = Some(seq);
                break;
            }
            // No answer (the network went): whether the platform did it is unknown, so the
            // operation stays pending and a resumed run finds out.
            Err(e) => return Err(e),
        }
        progress.update((already_done + done) as u64, total);
    }
    let journal = ws.journal(id)?;
    let mut r = report(id, false, done, already_done, journal);
    r.cancelled = cancelled;
    r.failed = stopped.and_then(|seq| r.journal.get(seq as usize).cloned());
    if r.remaining == 0 && r.failed.is_none() {
        r.left_after = Some(pull_again(ws, client, lang).await?);
    }
    Ok(r)
}

/// Keeps the live directory as it is now, so the next plan starts from it; the operations that
/// plan still has (0 after a complete run).
async fn pull_again<C: Directory>(ws: &mut Workspace, client: &C, lang: Lang) -> Result<u32> {
    let state = client.pull().await?;
    let platform = ws
        .platform_connection()?
        .map_or(orgdesk_core::Platform::Wecom, |c| c.platform);
    ws.store_pull(platform, &state, &client.take_calls())?;
    Ok(ws.sync_plan(0, lang)?.operations.len() as u32)
}

fn queued(plan: &orgdesk_core::sync::plan::Plan) -> Vec<journal::JournalEntry> {
    plan.operations
        .iter()
        .enumerate()
        .map(|(seq, o)| journal::JournalEntry {
            seq: seq as u32,
            op: o.op,
            target: o.target.clone(),
            status: OpStatus::Queued,
            live_id: None,
            errcode: None,
            message: None,
            updated_at: String::new(),
        })
        .collect()
}

fn report(
    id: &str,
    dry_run: bool,
    done: u32,
    already_done: u32,
    journal: Vec<journal::JournalEntry>,
) -> ApplyReport {
    ApplyReport {
        plan_id: id.to_string(),
        dry_run,
        done,
        already_done,
        failed: None,
        cancelled: false,
        remaining: journal
            .iter()
            .filter(|e| e.status != OpStatus::Done)
            .count() as u32,
        left_after: None,
        journal,
    }
}

/// Makes one operation's call; a created department's id.
async fn execute<C: Directory>(
    client: &C,
    o: &Operation,
    ids: &Departments,
    now: &LiveState,
) -> Result<Option<i64>> {
    let parent = |o: &Operation| -> Result<Option<i64>> {
        journal::text(o, "parent")
            .map(|p| ids.id(&p))
            .transpose()
            .map_err(Error::from)
    };
    match o.op {
        Op::CreateDepartment => {
            let name = journal::text(o, "name").unwrap_or_default();
            let parent = parent(o)?.ok_or_else(|| {
                Error::from(
                    orgdesk_core::Error::new(ErrorCode::PlanBlocked, "sync_department_unknown")
                        .with("path", &o.target),
                )
            })?;
            client
                .create_department(&name, parent, position(o))
                .await
                .map(Some)
        }
        Op::UpdateDepartment => {
            let change = DepartmentWrite {
                name: o
                    .fields
                    .contains_key("name")
                    .then(|| journal::text(o, "name"))
                    .flatten(),
                parent: parent(o)?,
                position: position(o),
            };
            client
                .update_department(live_id(o)?, &change)
                .await
                .map(|_| None)
        }
        Op::DeleteDepartment => client.delete_department(live_id(o)?).await.map(|_| None),
        Op::CreateMember => {
            let m = member(o, ids, now)?;
            client.create_member(&o.target, &m).await.map(|_| None)
        }
        Op::UpdateMember => {
            let m = member(o, ids, now)?;
            client.update_member(&o.target, &m).await.map(|_| None)
        }
        Op::DeleteMember => client.delete_member(&o.target).await.map(|_| None),
    }
}

/// The position (from 1) an operation gives a department among its siblings.
fn position(o: &Operation) -> Option<i64> {
    o.fields
        .get("order")
        .and_then(|c| c.to.as_ref())
        .and_then(|v| v.as_i64())
}

fn live_id(o: &Operation) -> Result<i64> {
    o.live_id.ok_or_else(|| {
        orgdesk_core::Error::new(ErrorCode::PlanBlocked, "sync_department_unknown")
            .with("path", &o.target)
            .into()
    })
}

/// The fields an operation writes, departments as the platform's ids. A change of leader flags
/// alone sends the member's departments as the platform has them (the flags go with them).
fn member(o: &Operation, ids: &Departments, now: &LiveState) -> Result<MemberWrite> {
    let resolve = |paths: Vec<String>| -> Result<Vec<i64>> {
        paths
            .iter()
            .map(|p| ids.id(p).map_err(Error::from))
            .collect()
    };
    let set = |k: &str| {
        o.fields
            .contains_key(k)
            .then(|| journal::text(o, k).unwrap_or_default())
    };
    let mut departments = journal::paths(o, "departments").map(resolve).transpose()?;
    let leader_in = journal::paths(o, "leader_in").map(resolve).transpose()?;
    if leader_in.is_some() && departments.is_none() {
        departments = now
            .members
            .iter()
            .find(|m| m.userid.eq_ignore_ascii_case(&o.target))
            .map(|m| m.departments.clone());
    }
    let main_department = journal::text(o, "main_department")
        .map(|p| ids.id(&p))
        .transpose()?;
    Ok(MemberWrite {
        new_userid: (o.op == Op::UpdateMember)
            .then(|| journal::text(o, "userid"))
            .flatten(),
        name: set("name"),
        mobile: set("mobile").filter(|m| !(o.op == Op::CreateMember && m.is_empty())),
        email: set("email").filter(|m| !(o.op == Op::CreateMember && m.is_empty())),
        position: set("position"),
        departments,
        main_department,
        leader_in,
    })
}
