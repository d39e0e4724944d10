//! Writing an import inside its transaction: departments first, then updates, then the new
//! members in bulk (indexes rebuilt by one sort, rows listed for undo instead of recorded twice).

use super::plan::{Plan, RowAction, Values};
use crate::error::{Error, ErrorCode, Result};
use crate::history::{self, Change, Recorder, Tx};
use crate::members::store;
use crate::org::departments::{self, Tree};
use crate::progress::Progress;
use rusqlite::params;
use rustc_hash::FxHashMap as HashMap;

/// Writes the plan's valid rows inside the import's transaction (see [`Writer`]).
pub(crate) fn write(
    tx: &Tx,
    recorder: &mut Recorder,
    plan: &Plan,
    progress: &dyn Progress,
) -> Result<Change<()>> {
    let held = |f: fn(RowAction) -> bool| -> Vec<(RowAction, &Values)> {
        plan.rows
            .iter()
            .filter(|r| f(r.action))
            .filter_map(|r| Some((r.action, r.values()?)))
            .collect()
    };
    let updates = held(|a| matches!(a, RowAction::Update(_)));
    let creates = held(|a| a == RowAction::Create);
    let total = updates.len() + creates.len();
    let mut w = Writer::new(tx, creates.len() >= BULK_ROWS, progress, total)?;
    // New departments first, in the file's order, so siblings keep it; then every other
    // path the rows name.
    w.departments(
        plan.new_departments.iter().chain(
            updates
                .iter()
                .chain(&creates)
                .flat_map(|(_, v)| v.departments.iter()),
        ),
    )?;
    // Updates first: a create may take a mobile or email an update gives up.
    for &(action, v) in &updates {
        if let RowAction::Update(id) = action {
            w.update(id, v)?;
        }
    }
    recorder.pause(true);
    for &(_, v) in &creates {
        w.create(v)?;
    }
    recorder.pause(false);
    w.finish(recorder)?;
    Ok(plan.change())
}

/// Writes the rows of an import inside its transaction. Departments are created while the
/// session records; new members are inserted while it is paused and listed, as one range of
/// ids above every existing member, by [`Writer::finish`].
pub(crate) struct Writer<'t> {
    tx: &'t Tx<'t>,
    tree: Tree,
    dept_ids: HashMap<String, i64>,
    now: String,
    /// Indexes of the member tables dropped for a bulk insert, rebuilt by `finish`.
    rebuild: Vec<String>,
    /// Ids of the first and last new member.
    created: Option<(i64, i64)>,
    progress: &'t dyn Progress,
    done: usize,
    total: usize,
    /// The two statements run for every new member.
    insert: rusqlite::Statement<'t>,
    link: rusqlite::Statement<'t>,
}

impl<'t> Writer<'t> {
    /// `bulk`: many new members are coming (see [`BULK_ROWS`]); `total`: rows to be written,
    /// for progress.
    pub(crate) fn new(
        tx: &'t Tx<'t>,
        bulk: bool,
        progress: &'t dyn Progress,
        total: usize,
    ) -> Result<Writer<'t>> {
        let rebuild = if bulk {
            crate::db::drop_indexes(tx, &["members", "member_departments"], false)?
        } else {
            Vec::new()
        };
        Ok(Writer {
            tx,
            tree: Tree::load(tx)?,
            dept_ids: HashMap::default(),
            now: history::now(),
            rebuild,
            created: None,
            progress,
            done: 0,
            total,
            insert: tx.prepare(store::insert_sql())?,
            link: tx.prepare(store::LINK_INSERT)?,
        })
    }

    /// Makes sure every department path exists (the session must be recording).
    pub(crate) fn departments<'p>(
        &mut self,
        paths: impl IntoIterator<Item = &'p String>,
    ) -> Result<()> {
        for path in paths {
            if !self.dept_ids.contains_key(path) {
                let segments: Vec<String> = path.split('/').map(str::to_string).collect();
                let (id, _) = departments::ensure_path(self.tx, &mut self.tree, &segments)?;
                self.dept_ids.insert(path.clone(), id);
            }
        }
        Ok(())
    }

    fn tick(&mut self) -> Result<()> {
        if self.done.is_multiple_of(256) {
            self.progress.update(self.done as u64, self.total as u64);
            if self.progress.cancelled() {
                return Err(Error::new(ErrorCode::Cancelled, "import_cancelled"));
            }
        }
        self.done += 1;
        Ok(())
    }

    fn link(&mut self, member: i64, v: &Values, leads: &[i64]) -> Result<()> {
        let Writer { link, dept_ids, .. } = self;
        for (i, path) in v.departments.iter().enumerate() {
            let dept = dept_ids[path];
            link.execute(params![
                member,
                dept,
                i == 0,
                leads.contains(&dept),
                i as i64
            ])?;
        }
        Ok(())
    }

    /// Updates an existing member (the session must be recording).
    pub(crate) fn update(&mut self, id: i64, v: &Values) -> Result<()> {
        self.tick()?;
        let mut update = self
            .tx
            .prepare_cached(store::update_sql(store::Update::Imported))?;
        if store::execute(&mut update, &id, &v.fields, &self.now)? == 0 {
            return Err(Error::new(
                ErrorCode::HistoryConflict,
                "import_workspace_changed",
            ));
        }
        if v.departments.is_empty() {
            return Ok(());
        }
        // Leaders as the file says, or as they were when it says nothing.
        let kept: Vec<i64> = match v.leads() {
            Some(leads) => leads.iter().map(|p| self.dept_ids[*p]).collect(),
            None => self
                .tx
                .prepare_cached(
                    "SELECT department_id FROM member_departments WHERE member_id = ?1 AND is_leader = 1",
                )?
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
        };
        self.tx
            .prepare_cached("DELETE FROM member_departments WHERE member_id = ?1")?
            .execute([id])?;
        self.link(id, v, &kept)
    }

    /// Inserts a new member (the session must be paused).
    pub(crate) fn create(&mut self, v: &Values) -> Result<i64> {
        self.insert_as(&v.userid, v)
    }

    /// Inserts a new member whose account is generated only once the whole file is read: a
    /// stand-in (`\u{1}` and the line: no account holds a control character) until
    /// [`Writer::name`] gives the real one. Returns the member's id.
    pub(crate) fn create_unnamed(&mut self, line: u32, v: &Values) -> Result<i64> {
        self.insert_as(&format!("\u{1}{line}"), v)
    }

    /// Gives member `id`, written by [`Writer::create_unnamed`], its account.
    pub(crate) fn name(&mut self, id: i64, userid: &str) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE members SET userid = ?1 WHERE id = ?2")?
            .execute(params![userid, id])?;
        Ok(())
    }

    fn insert_as(&mut self, userid: &dyn rusqlite::ToSql, v: &Values) -> Result<i64> {
        self.tick()?;
        store::execute(&mut self.insert, userid, &v.fields, &self.now)?;
        let id = self.tx.last_insert_rowid();
        self.created = Some((self.created.map_or(id, |c| c.0), id));
        let leads: Vec<i64> = v
            .leads()
            .unwrap_or_default()
            .iter()
            .map(|p| self.dept_ids[*p])
            .collect();
        self.link(id, v, &leads)?;
        Ok(id)
    }

    /// Rebuilds the dropped indexes and lists the new members for the action's changeset.
    pub(crate) fn finish(self, recorder: &mut Recorder) -> Result<()> {
        for sql in &self.rebuild {
            self.tx.execute_batch(sql)?;
        }
        if let Some((first, last)) = self.created {
            recorder.inserted("members", "id", first, last);
            recorder.inserted("member_departments", "member_id", first, last);
        }
        self.progress.update(self.total as u64, self.total as u64);
        Ok(())
    }
}

/// From this many new members on, the import builds the indexes of the member tables after
/// writing the rows (one sort) instead of updating them row by row.
pub(crate) const BULK_ROWS: usize = 5_000;
