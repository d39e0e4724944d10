//! The façade's platform connection: the non-secret id, the live directory a pull read, and
//! the plan from it to the workspace.

use super::Workspace;
use crate::error::{Error, ErrorCode, Result};
use crate::history::{Action, Change};
use crate::i18n::Lang;
use crate::org::profile::Platform;
use crate::sync::journal::{self, JournalEntry, Outcome, SavedPlan};
use crate::sync::plan::Operation;
use crate::sync::{self, plan, ApiCall, LiveState, PlatformConnection, Pulled};

impl Workspace {
    /// The workspace's connection, if any (never the secret: that is in the OS keyring).
    pub fn platform_connection(&self) -> Result<Option<PlatformConnection>> {
        sync::connection(self.db.conn())
    }

    /// Keeps a connection's non-secret id and the name of its keyring entry.
    pub fn connect(
        &mut self,
        platform: Platform,
        client_id: &str,
        keyring_user: &str,
    ) -> Result<PlatformConnection> {
        let c = PlatformConnection {
            platform,
            client_id: client_id.trim().to_string(),
            keyring_user: keyring_user.to_string(),
            connected_at: crate::history::now(),
        };
        self.db.record(Action::Connect, |tx| {
            sync::connect(tx, &c)?;
            Ok(Change::after(
                (),
                c.platform.as_str().to_string(),
                Some(serde_json::json!({ "id": c.client_id })),
            ))
        })?;
        Ok(c)
    }

    /// Forgets the connection; returns it (its keyring entry is for the caller to remove).
    pub fn disconnect(&mut self) -> Result<PlatformConnection> {
        self.db.record(Action::Disconnect, |tx| {
            let c = sync::disconnect(tx)?;
            Ok(Change::after(
                c.clone(),
                c.platform.as_str().to_string(),
                None,
            ))
        })
    }

    /// Keeps what a pull read as the live state and its calls in the API log (one undoable
    /// action).
    pub fn store_pull(
        &mut self,
        platform: Platform,
        state: &LiveState,
        calls: &[ApiCall],
    ) -> Result<Pulled> {
        let at = crate::history::now();
        self.db.record(Action::Pull, |tx| {
            sync::store(tx, platform, &at, state, calls)?;
            Ok(Change::after(
                (),
                platform.as_str().to_string(),
                Some(serde_json::json!({
                    "departments": state.departments.len(),
                    "members": state.members.len(),
                    "withheld": state.withheld,
                })),
            ))
        })?;
        self.pulled()?
            .ok_or_else(|| Error::internal("the pull just stored is missing"))
    }

    /// Keeps the calls of a pull that failed in the API log (the health view counts failed
    /// calls too); the live state stays as it was. A marker in the audit log, not undoable.
    pub fn log_failed_pull(
        &mut self,
        platform: Platform,
        calls: &[ApiCall],
        error: &str,
    ) -> Result<()> {
        if calls.is_empty() {
            return Ok(());
        }
        self.db.unrecorded(Action::PullFailed, |tx| {
            sync::log_calls(tx, calls)?;
            Ok(Change::after(
                (),
                platform.as_str().to_string(),
                Some(serde_json::json!({ "error": error, "calls": calls.len() })),
            ))
        })
    }

    /// The last pull, if any.
    pub fn pulled(&self) -> Result<Option<Pulled>> {
        sync::pulled(self.db.conn())
    }

    /// The operations that make the live directory what the workspace says, saved under the
    /// plan's id for `apply` (not an undoable action: nothing in the workspace changes).
    pub fn sync_plan(&mut self, allow_deletes: u32, lang: Lang) -> Result<plan::Plan> {
        let pulled = self
            .pulled()?
            .ok_or_else(|| Error::new(ErrorCode::NotConnected, "nothing_pulled"))?;
        let plan = plan::compute(self.db.conn(), &pulled, allow_deletes, lang)?;
        let at = crate::history::now();
        self.db
            .bookkeeping(|tx| journal::save(tx, &plan, pulled.id, &at))?;
        Ok(plan)
    }

    /// The saved plan `id` as `apply` may run it: computed from the last pull, and not blocked by a guard, deletes beyond the safety share allowed up to
    /// `allow_deletes`.
    pub fn plan_to_apply(&self, id: &str, allow_deletes: u32, lang: Lang) -> Result<SavedPlan> {
        let saved = journal::load(self.db.conn(), id)?
            .ok_or_else(|| Error::new(ErrorCode::PlanNotFound, "plan_unknown").with("id", id))?;
        let Some((_, members, departments)) =
            sync::last_pull(self.db.conn())?.filter(|(id, _, _)| *id == saved.pull_id)
        else {
            return Err(Error::new(ErrorCode::PlanBlocked, "plan_stale").with("id", id));
        };
        let blocked: Vec<String> = saved
            .plan
            .blocked
            .iter()
            .filter(|b| b.code != "too_many_deletes")
            .cloned()
            .chain(plan::delete_guard(
                &saved.plan.operations,
                (members, departments),
                allow_deletes,
                lang,
            ))
            .map(|b| b.message)
            .collect();
        if !blocked.is_empty() {
            let sep = match lang {
                Lang::ZhCn => "；",
                Lang::EnUs => "; ",
            };
            return Err(Error::new(ErrorCode::PlanBlocked, "plan_blocked")
                .with("reasons", blocked.join(sep)));
        }
        Ok(saved)
    }

    /// The last pull's id (without reading what it read).
    pub fn pulled_id(&self) -> Result<Option<i64>> {
        Ok(sync::last_pull(self.db.conn())?.map(|(id, _, _)| id))
    }

    /// The plan saved under `id`, whatever became of it.
    pub fn saved_plan(&self, id: &str) -> Result<Option<SavedPlan>> {
        journal::load(self.db.conn(), id)
    }

    /// The journal of plan `id` (empty when it never ran).
    pub fn journal(&self, id: &str) -> Result<Vec<JournalEntry>> {
        journal::entries(self.db.conn(), id)
    }

    /// The plan that ran last and its journal.
    pub fn last_run(&self) -> Result<Option<(plan::Plan, Vec<JournalEntry>)>> {
        let Some(id) = journal::last_run(self.db.conn())? else {
            return Ok(None);
        };
        let saved = journal::load(self.db.conn(), &id)?
            .ok_or_else(|| Error::internal(format!("journal of an unknown plan {id}")))?;
        Ok(Some((saved.plan, self.journal(&id)?)))
    }

    /// Queues every operation of `plan` in the journal (once: a resumed run keeps it).
    pub fn journal_start(&mut self, plan: &plan::Plan) -> Result<Vec<JournalEntry>> {
        let at = crate::history::now();
        self.db.bookkeeping(|tx| journal::start(tx, plan, &at))?;
        self.journal(&plan.id)
    }

    /// Writes what became of operation `seq` of `plan_id`: pending before the call; after it,
    /// done or failed as an audit entry from the platform, with the calls made meanwhile in
    /// the API log.
    pub fn journal_mark(
        &mut self,
        plan_id: &str,
        seq: u32,
        o: &Operation,
        outcome: &Outcome,
        calls: &[ApiCall],
    ) -> Result<()> {
        let at = crate::history::now();
        if *outcome == Outcome::Pending {
            return self
                .db
                .bookkeeping(|tx| journal::mark(tx, plan_id, seq, outcome, &at));
        }
        self.db.unrecorded(Action::SyncApply, |tx| {
            journal::mark(tx, plan_id, seq, outcome, &at)?;
            sync::log_calls(tx, calls)?;
            let mut after = serde_json::json!({
                "plan": plan_id,
                "op": o.op,
                "fields": o.fields,
            });
            match outcome {
                Outcome::Done(id) => after["live_id"] = serde_json::json!(id.or(o.live_id)),
                Outcome::Failed { errcode, message } => {
                    after["errcode"] = serde_json::json!(errcode);
                    after["message"] = serde_json::json!(message);
                }
                Outcome::Pending => {}
            }
            Ok(Change::after((), o.target.clone(), Some(after)))
        })
    }
}
