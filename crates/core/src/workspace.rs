//! [`Workspace`]: one open `.orgdesk` file and every operation on it. The CLI and the app call
//! these methods and nothing else, so both behave the same.

use crate::compare;
use crate::db;
use crate::error::Result;
use crate::history::{self, AuditEntry, Change, HistoryStatus, Source};
use crate::i18n::Lang;
use crate::members::{self, Member, MemberInput, MemberQuery, MemberSaved};
use crate::org::departments::{self, Department, DepartmentAdded, DepartmentRef, Tree};
use crate::org::profile::{self, OrgProfile, Platform};
use crate::roles::{self, Level, Role, RoleRef, Scope};
use crate::setup;
use rusqlite::{Connection, TransactionBehavior};
use serde::Serialize;
use std::path::{Path, PathBuf};

pub struct Workspace {
    conn: Connection,
    path: Option<PathBuf>,
    source: Source,
}

/// What the app shows about the open workspace.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct WorkspaceInfo {
    pub path: Option<String>,
    pub profile: OrgProfile,
    pub schema_version: u32,
}

impl Workspace {
    /// Creates a new workspace file; refuses to overwrite an existing one.
    pub fn create(
        path: &Path,
        name: &str,
        platform: Platform,
        source: Source,
    ) -> Result<Workspace> {
        let conn = db::create(path, db::latest_version())?;
        let mut ws = Workspace {
            conn,
            path: Some(path.to_path_buf()),
            source,
        };
        if let Err(e) = ws.initialise(name, platform) {
            drop(ws);
            db::remove_with_sidecars(path);
            return Err(e);
        }
        Ok(ws)
    }

    /// An in-memory workspace built by the real migrations (tests, previews).
    pub fn in_memory(name: &str, platform: Platform) -> Result<Workspace> {
        let mut ws = Workspace {
            conn: db::in_memory()?,
            path: None,
            source: Source::Cli,
        };
        ws.initialise(name, platform)?;
        Ok(ws)
    }

    fn initialise(&mut self, name: &str, platform: Platform) -> Result<()> {
        let name =
            crate::validate::clean(name).unwrap_or_else(|| default_name(self.path.as_deref()));
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        profile::insert(&tx, &name, platform)?;
        history::log_marker(
            &tx,
            self.source,
            "init",
            &name,
            Some(serde_json::json!({ "name": name, "platform": platform })),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Opens an existing workspace file, upgrading an older schema.
    pub fn open(path: &Path, source: Source) -> Result<Workspace> {
        Ok(Workspace {
            conn: db::open(path)?,
            path: Some(path.to_path_buf()),
            source,
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn source(&self) -> Source {
        self.source
    }

    /// The database connection, for reads by other core modules and tests.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn connection_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn info(&self) -> Result<WorkspaceInfo> {
        Ok(WorkspaceInfo {
            path: self.path.as_ref().map(|p| p.display().to_string()),
            profile: self.profile()?,
            schema_version: self
                .conn
                .pragma_query_value(None, "user_version", |r| r.get(0))?,
        })
    }

    pub fn profile(&self) -> Result<OrgProfile> {
        profile::load(&self.conn)
    }

    // ----- departments -----

    pub fn departments(&self) -> Result<Vec<Department>> {
        departments::list(&self.conn)
    }

    pub fn department(&self, r: &DepartmentRef) -> Result<Department> {
        departments::find(&self.conn, r)
    }

    /// Creates the department at `path`, with every missing level above it.
    pub fn add_department(&mut self, path: &str) -> Result<DepartmentAdded> {
        history::record(&mut self.conn, self.source, "department_add", |tx| {
            departments::add_path(tx, path)
        })
    }

    /// Creates `name` as the last child of `parent` (None: a top-level department).
    pub fn add_child_department(
        &mut self,
        parent: Option<&DepartmentRef>,
        name: &str,
    ) -> Result<Department> {
        history::record(&mut self.conn, self.source, "department_add", |tx| {
            let parent = parent
                .map(|p| departments::resolve(&Tree::load(tx)?, p))
                .transpose()?;
            departments::add_child(tx, parent, name)
        })
    }

    pub fn rename_department(&mut self, r: &DepartmentRef, name: &str) -> Result<Department> {
        history::record(&mut self.conn, self.source, "department_rename", |tx| {
            let id = departments::resolve(&Tree::load(tx)?, r)?;
            departments::rename(tx, id, name)
        })
    }

    /// Moves a department under `parent` (None: to the top level) at `position` among its new
    /// siblings (None: last). Moving under itself or a descendant is refused.
    pub fn move_department(
        &mut self,
        r: &DepartmentRef,
        parent: Option<&DepartmentRef>,
        position: Option<u32>,
    ) -> Result<Department> {
        history::record(&mut self.conn, self.source, "department_move", |tx| {
            let tree = Tree::load(tx)?;
            let id = departments::resolve(&tree, r)?;
            let parent = parent.map(|p| departments::resolve(&tree, p)).transpose()?;
            departments::move_to(tx, id, parent, position)
        })
    }

    /// Moves a department to `position` among its current siblings.
    pub fn reorder_department(&mut self, r: &DepartmentRef, position: u32) -> Result<Department> {
        let parent = self.department(r)?.parent_id.map(DepartmentRef::Id);
        self.move_department(r, parent.as_ref(), Some(position))
    }

    /// Deletes an empty department (no sub-departments, no members).
    pub fn delete_department(&mut self, r: &DepartmentRef) -> Result<Department> {
        history::record(&mut self.conn, self.source, "department_delete", |tx| {
            let id = departments::resolve(&Tree::load(tx)?, r)?;
            departments::delete(tx, id)
        })
    }

    /// Marks a department as sensitive (visibility isolated) or not.
    pub fn set_department_sensitive(
        &mut self,
        r: &DepartmentRef,
        sensitive: bool,
    ) -> Result<Department> {
        history::record(&mut self.conn, self.source, "department_sensitive", |tx| {
            let id = departments::resolve(&Tree::load(tx)?, r)?;
            departments::set_sensitive(tx, id, sensitive)
        })
    }

    // ----- roles -----

    pub fn roles(&self) -> Result<Vec<Role>> {
        roles::list(&self.conn)
    }

    pub fn role(&self, r: &RoleRef) -> Result<Role> {
        roles::find(&self.conn, r)
    }

    pub fn add_role(&mut self, name: &str, level: Level) -> Result<Role> {
        history::record(&mut self.conn, self.source, "role_add", |tx| {
            roles::add(tx, name, level)
        })
    }

    /// Deletes a custom role with its grants and assignments.
    pub fn delete_role(&mut self, r: &RoleRef) -> Result<Role> {
        history::record(&mut self.conn, self.source, "role_delete", |tx| {
            roles::delete(tx, r)
        })
    }

    /// Grants `permission` on a role with a scope (chosen departments for `Scope::Departments`).
    pub fn grant(
        &mut self,
        r: &RoleRef,
        permission: &str,
        scope: Scope,
        departments: &[DepartmentRef],
    ) -> Result<Role> {
        history::record(&mut self.conn, self.source, "role_grant", |tx| {
            roles::grant(tx, r, permission, scope, departments)
        })
    }

    pub fn revoke(&mut self, r: &RoleRef, permission: &str) -> Result<Role> {
        history::record(&mut self.conn, self.source, "role_revoke", |tx| {
            roles::revoke(tx, r, permission)
        })
    }

    pub fn assign_role(&mut self, r: &RoleRef, userid: &str) -> Result<Role> {
        history::record(&mut self.conn, self.source, "role_assign", |tx| {
            roles::assign(tx, r, userid)
        })
    }

    pub fn unassign_role(&mut self, r: &RoleRef, userid: &str) -> Result<Role> {
        history::record(&mut self.conn, self.source, "role_unassign", |tx| {
            roles::unassign(tx, r, userid)
        })
    }

    pub fn permission_matrix(&self) -> Result<roles::Matrix> {
        roles::matrix(&self.conn)
    }

    /// What a member can do, where, and through which role.
    pub fn can(&self, userid: &str) -> Result<roles::effective::MemberPermissions> {
        roles::effective::can(&self.conn, userid)
    }

    /// Who holds `permission` (in `department`, with its parents' grants, when given).
    pub fn who_can(
        &self,
        permission: &str,
        department: Option<&DepartmentRef>,
    ) -> Result<Vec<roles::effective::Holder>> {
        roles::effective::who_can(&self.conn, permission, department)
    }

    /// Every member's effective permissions.
    pub fn effective_permissions(&self) -> Result<Vec<roles::effective::MemberPermissions>> {
        roles::effective::all(&self.conn)
    }

    /// The least-privilege checks, errors first.
    pub fn check_permissions(&self, lang: Lang) -> Result<Vec<roles::checks::Finding>> {
        roles::checks::run(&self.conn, lang)
    }

    /// How the roles would be set up on `platforms`.
    pub fn role_mapping(
        &self,
        platforms: &[Platform],
    ) -> Result<Vec<roles::mapping::RoleOnPlatform>> {
        roles::mapping::mapping(&self.conn, platforms)
    }

    /// Writes the matrix, the effective permissions and the checks to an .xlsx workbook.
    pub fn export_permissions(&self, path: &Path, lang: Lang) -> Result<usize> {
        roles::export::write(
            path,
            lang,
            &self.roles()?,
            &self.effective_permissions()?,
            &self.check_permissions(lang)?,
        )
    }

    // ----- platform fit -----

    /// The needs the business stated, in catalogue order.
    pub fn needs(&self) -> Result<Vec<compare::needs::Need>> {
        compare::needs::list(&self.conn)
    }

    /// States (or changes) a need.
    pub fn set_need(&mut self, need: &compare::needs::Need) -> Result<compare::needs::Need> {
        history::record(&mut self.conn, self.source, "need_set", |tx| {
            compare::needs::set(tx, need)
        })
    }

    pub fn unset_need(&mut self, key: &str) -> Result<()> {
        history::record(&mut self.conn, self.source, "need_unset", |tx| {
            compare::needs::unset(tx, key)
        })
    }

    /// Each platform's fit for the stated needs, from the shipped dataset.
    pub fn fit(
        &self,
        lang: Lang,
    ) -> Result<std::collections::BTreeMap<String, compare::needs::Fit>> {
        Ok(compare::needs::fit(
            compare::Dataset::builtin(),
            &self.needs()?,
            lang,
        ))
    }

    // ----- setup journey -----

    /// Changes the organisation profile (name, platform, legal details).
    pub fn update_profile(&mut self, input: &profile::ProfileInput) -> Result<OrgProfile> {
        history::record(&mut self.conn, self.source, "profile_update", |tx| {
            profile::update(tx, input)
        })
    }

    fn member_count(&self) -> Result<u32> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM members", [], |r| r.get(0))?)
    }

    pub fn certification_plan(
        &self,
        lang: Lang,
    ) -> Result<setup::certification::CertificationPlan> {
        setup::certification::plan(&self.conn, &self.profile()?, self.member_count()?, lang)
    }

    pub fn set_certification(
        &mut self,
        input: &setup::certification::CertificationInput,
        lang: Lang,
    ) -> Result<setup::certification::CertificationPlan> {
        history::record(&mut self.conn, self.source, "certification_set", |tx| {
            setup::certification::set(tx, input)
        })?;
        self.certification_plan(lang)
    }

    pub fn checklist(&self, lang: Lang) -> Result<setup::checklist::Checklist> {
        setup::checklist::checklist(self, lang)
    }

    /// Ticks (or unticks) a checklist item by hand.
    pub fn tick(&mut self, tick: &setup::checklist::Tick) -> Result<setup::checklist::Tick> {
        history::record(&mut self.conn, self.source, "checklist_tick", |tx| {
            setup::checklist::tick(tx, tick)
        })
    }

    pub fn security(&self, lang: Lang) -> Result<setup::security::SecurityReport> {
        setup::security::report(&self.conn, self.profile()?.platform.as_str(), lang)
    }

    /// Sets security settings (null clears one).
    pub fn set_security(
        &mut self,
        values: &std::collections::BTreeMap<String, serde_json::Value>,
        lang: Lang,
    ) -> Result<setup::security::SecurityReport> {
        history::record(&mut self.conn, self.source, "security_set", |tx| {
            setup::security::set(tx, values)
        })?;
        self.security(lang)
    }

    pub fn devices(&self) -> Result<Vec<setup::hardware::Device>> {
        setup::hardware::list(&self.conn)
    }

    pub fn add_device(
        &mut self,
        input: &setup::hardware::DeviceInput,
    ) -> Result<setup::hardware::Device> {
        history::record(&mut self.conn, self.source, "device_add", |tx| {
            let d = setup::hardware::add_device(tx, input)?;
            Ok(Change {
                target: d.serial.clone(),
                before: None,
                after: serde_json::to_value(&d).ok(),
                value: d,
            })
        })
    }

    pub fn delete_device(&mut self, serial: &str) -> Result<String> {
        history::record(&mut self.conn, self.source, "device_delete", |tx| {
            setup::hardware::delete_device(tx, serial)
        })
    }

    /// Logs an offline or failure event of a device.
    pub fn add_device_event(&mut self, input: &setup::hardware::EventInput) -> Result<()> {
        history::record(&mut self.conn, self.source, "device_event", |tx| {
            setup::hardware::add_event(tx, input)?;
            Ok(Change {
                value: (),
                target: input.serial.clone(),
                before: None,
                after: serde_json::to_value(input).ok(),
            })
        })
    }

    pub fn hardware_flags(&self, lang: Lang) -> Result<Vec<setup::hardware::BatchQuarter>> {
        setup::hardware::flags(&self.conn, lang)
    }

    /// Imports an inventory and/or an offline log from a spreadsheet, all rows or none.
    pub fn import_hardware(
        &mut self,
        bytes: Vec<u8>,
        name: &str,
        lang: Lang,
    ) -> Result<setup::hardware::HardwareImport> {
        let parsed = setup::hardware::read(bytes, name, lang)?;
        let mut report = setup::hardware::HardwareImport {
            devices: parsed.devices.len() as u32,
            events: parsed.events.len() as u32,
            problems: parsed.problems,
            committed: false,
        };
        if !report.problems.is_empty() {
            return Ok(report);
        }
        let mut problems = Vec::new();
        let result = history::record(&mut self.conn, self.source, "hardware_import", |tx| {
            for (row, sheet, d) in &parsed.devices {
                if let Err(e) = setup::hardware::add_device(tx, d) {
                    problems.push(setup::hardware::RowProblem {
                        sheet: sheet.clone(),
                        row: *row,
                        message: e.message(lang),
                    });
                }
            }
            for (row, sheet, e) in &parsed.events {
                if let Err(err) = setup::hardware::add_event(tx, e) {
                    problems.push(setup::hardware::RowProblem {
                        sheet: sheet.clone(),
                        row: *row,
                        message: err.message(lang),
                    });
                }
            }
            if !problems.is_empty() {
                // Nothing is written when a row is refused.
                return Err(crate::Error::new(
                    crate::ErrorCode::InvalidValue,
                    "invalid_argument",
                ));
            }
            Ok(Change {
                value: (),
                target: name.to_string(),
                before: None,
                after: Some(
                    serde_json::json!({ "devices": parsed.devices.len(), "events": parsed.events.len() }),
                ),
            })
        });
        if problems.is_empty() {
            result?;
            report.committed = true;
        } else {
            report.problems = problems;
        }
        Ok(report)
    }

    // ----- members -----

    /// Calls `f` with every member in turn (constant memory, whatever the size).
    pub fn each_member(&self, f: impl FnMut(Member) -> Result<()>) -> Result<()> {
        members::each(&self.conn, f)
    }

    pub fn members(&self, query: &MemberQuery) -> Result<Vec<Member>> {
        members::list(&self.conn, query)
    }

    pub fn member(&self, userid: &str) -> Result<Member> {
        members::get(&self.conn, userid)
    }

    pub fn add_member(&mut self, input: &MemberInput) -> Result<MemberSaved> {
        history::record(&mut self.conn, self.source, "member_add", |tx| {
            members::add(tx, input)
        })
    }

    /// Replaces the member's fields with `input` (the account id cannot change).
    pub fn update_member(&mut self, userid: &str, input: &MemberInput) -> Result<MemberSaved> {
        history::record(&mut self.conn, self.source, "member_update", |tx| {
            members::update(tx, userid, input)
        })
    }

    pub fn delete_member(&mut self, userid: &str) -> Result<Member> {
        history::record(&mut self.conn, self.source, "member_delete", |tx| {
            members::delete(tx, userid)
        })
    }

    // ----- history -----

    /// Reverts the last action; returns it.
    pub fn undo(&mut self) -> Result<AuditEntry> {
        history::undo(&mut self.conn, self.source)
    }

    /// Re-applies the last undone action; returns it.
    pub fn redo(&mut self) -> Result<AuditEntry> {
        history::redo(&mut self.conn, self.source)
    }

    /// The audit log, newest first.
    pub fn log(&self, limit: Option<u32>) -> Result<Vec<AuditEntry>> {
        history::log(&self.conn, limit)
    }

    pub fn history(&self) -> Result<HistoryStatus> {
        history::status(&self.conn)
    }
}

fn default_name(path: Option<&Path>) -> String {
    path.and_then(|p| p.file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "OrgDesk".to_string())
}
