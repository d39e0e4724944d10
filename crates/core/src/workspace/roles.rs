//! The façade's roles and permissions.

use super::Workspace;
use crate::error::Result;
use crate::history::Action;
use crate::i18n::Lang;
use crate::org::departments::DepartmentRef;
use crate::org::profile::Platform;
use crate::roles::{self, Level, Role, RoleRef, Scope};
use std::path::Path;

impl Workspace {
    pub fn roles(&self) -> Result<Vec<Role>> {
        roles::list(self.db.conn())
    }

    pub fn role(&self, r: &RoleRef) -> Result<Role> {
        roles::find(self.db.conn(), r)
    }

    pub fn add_role(&mut self, name: &str, level: Level) -> Result<Role> {
        self.db
            .record(Action::RoleAdd, |tx| roles::add(tx, name, level))
    }

    /// Deletes a custom role with its grants and assignments.
    pub fn delete_role(&mut self, r: &RoleRef) -> Result<Role> {
        self.db
            .record(Action::RoleDelete, |tx| roles::delete(tx, r))
    }

    /// Grants `permission` on a role with a scope (chosen departments for `Scope::Departments`;
    /// no scope: [`Scope::default_for`] the role).
    pub fn grant(
        &mut self,
        r: &RoleRef,
        permission: &str,
        scope: Option<Scope>,
        departments: &[DepartmentRef],
    ) -> Result<Role> {
        self.db.record(Action::RoleGrant, |tx| {
            roles::grant(tx, r, permission, scope, departments)
        })
    }

    pub fn revoke(&mut self, r: &RoleRef, permission: &str) -> Result<Role> {
        self.db
            .record(Action::RoleRevoke, |tx| roles::revoke(tx, r, permission))
    }

    pub fn assign_role(&mut self, r: &RoleRef, userid: &str) -> Result<Role> {
        self.db
            .record(Action::RoleAssign, |tx| roles::assign(tx, r, userid))
    }

    pub fn unassign_role(&mut self, r: &RoleRef, userid: &str) -> Result<Role> {
        self.db
            .record(Action::RoleUnassign, |tx| roles::unassign(tx, r, userid))
    }

    pub fn permission_matrix(&self) -> Result<roles::Matrix> {
        roles::matrix(self.db.conn())
    }

    /// What a member can do, where, and through which role.
    pub fn can(&self, userid: &str) -> Result<roles::effective::MemberPermissions> {
        roles::effective::can(self.db.conn(), userid)
    }

    /// Who holds `permission` (in `department`, with its parents' grants, when given).
    pub fn who_can(
        &self,
        permission: &str,
        department: Option<&DepartmentRef>,
    ) -> Result<Vec<roles::effective::Holder>> {
        roles::effective::who_can(self.db.conn(), permission, department)
    }

    /// Every member's effective permissions.
    pub fn effective_permissions(&self) -> Result<Vec<roles::effective::MemberPermissions>> {
        roles::effective::all(self.db.conn())
    }

    /// The effective permissions of one page of the members `query` finds.
    pub fn effective_permissions_page(
        &self,
        query: &crate::MemberQuery,
    ) -> Result<roles::effective::PermissionsPage> {
        self.ready_to_search(query)?;
        roles::effective::page(self.db.conn(), query)
    }

    /// One page of [`Workspace::who_can`].
    pub fn who_can_page(
        &self,
        permission: &str,
        department: Option<&DepartmentRef>,
        offset: u32,
        limit: u32,
    ) -> Result<roles::effective::HoldersPage> {
        roles::effective::who_can_page(self.db.conn(), permission, department, offset, limit)
    }

    /// The least-privilege checks, errors first.
    pub fn check_permissions(&self, lang: Lang) -> Result<Vec<roles::checks::Finding>> {
        roles::checks::run(self.db.conn(), lang)
    }

    /// How the roles would be set up on `platforms` (none given: the default,
    /// [`roles::mapping::default_platforms`]).
    pub fn role_mapping(
        &self,
        platforms: &[Platform],
    ) -> Result<Vec<roles::mapping::RoleOnPlatform>> {
        let platforms = match platforms {
            [] => roles::mapping::default_platforms(self.profile()?.platform),
            given => given.to_vec(),
        };
        roles::mapping::mapping(self.db.conn(), &platforms)
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
}
