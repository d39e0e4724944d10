//! The façade's department tree and organisation profile.

use super::Workspace;
use crate::error::Result;
use crate::history::Action;
use crate::org::departments::{self, Department, DepartmentAdded, DepartmentRef, Tree};
use crate::org::profile::{self, OrgProfile};
use crate::org::visibility::{self, Audience, Sight, Visibility};

impl Workspace {
    pub fn departments(&self) -> Result<Vec<Department>> {
        departments::list(self.db.conn())
    }

    pub fn department(&self, r: &DepartmentRef) -> Result<Department> {
        departments::find(self.db.conn(), r)
    }

    /// Creates the department at `path`, with every missing level above it.
    pub fn add_department(&mut self, path: &str) -> Result<DepartmentAdded> {
        self.db
            .record(Action::DepartmentAdd, |tx| departments::add_path(tx, path))
    }

    /// Creates `name` as the last child of `parent` (None: a top-level department).
    pub fn add_child_department(
        &mut self,
        parent: Option<&DepartmentRef>,
        name: &str,
    ) -> Result<Department> {
        self.db.record(Action::DepartmentAdd, |tx| {
            let parent = parent
                .map(|p| departments::resolve(&Tree::load(tx)?, p))
                .transpose()?;
            departments::add_child(tx, parent, name)
        })
    }

    pub fn rename_department(&mut self, r: &DepartmentRef, name: &str) -> Result<Department> {
        self.db.record(Action::DepartmentRename, |tx| {
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
        self.db.record(Action::DepartmentMove, |tx| {
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
        self.db.record(Action::DepartmentDelete, |tx| {
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
        self.db.record(Action::DepartmentSensitive, |tx| {
            let id = departments::resolve(&Tree::load(tx)?, r)?;
            departments::set_sensitive(tx, id, sensitive)
        })
    }

    /// Replaces a department's visibility in the directory (hidden, its viewers, members who see
    /// only their own departments).
    pub fn set_department_visibility(
        &mut self,
        r: &DepartmentRef,
        visibility: &Visibility,
    ) -> Result<Department> {
        self.db.record(Action::DepartmentVisibility, |tx| {
            let id = departments::resolve(&Tree::load(tx)?, r)?;
            visibility::set(tx, id, visibility)
        })
    }

    /// What the member with account `userid` sees of the directory.
    pub fn sees(&self, userid: &str) -> Result<Sight> {
        visibility::sight(self.db.conn(), userid)
    }

    /// Who sees a department in the directory.
    pub fn department_audience(&self, r: &DepartmentRef) -> Result<Audience> {
        let id = departments::resolve(&Tree::load(self.db.conn())?, r)?;
        visibility::audience(self.db.conn(), id)
    }

    /// Changes the organisation profile (name, platform, legal details).
    pub fn update_profile(&mut self, input: &profile::ProfileInput) -> Result<OrgProfile> {
        self.db
            .record(Action::ProfileUpdate, |tx| profile::update(tx, input))
    }
}
