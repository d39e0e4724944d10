//! The façade's app plan: the catalogue, the plan's apps, their visibility and admins, checks.

use super::Workspace;
use crate::apps::{self, App, AppFinding, AppInput, AppVisibility, CatalogueApp};
use crate::error::Result;
use crate::history::Action;
use crate::i18n::Lang;

impl Workspace {
    /// The native apps of one platform (or of all three), as the catalogue describes them.
    pub fn app_catalogue(platform: Option<&str>) -> Vec<(String, CatalogueApp)> {
        apps::catalogue(platform)
    }

    /// The plan's apps with who sees each.
    pub fn apps(&self, lang: Lang) -> Result<Vec<App>> {
        apps::list(self.db.conn(), lang)
    }

    /// Adds an app: a catalogue key, or a self-built or third-party app described.
    pub fn add_app(&mut self, input: &AppInput, lang: Lang) -> Result<App> {
        self.db
            .record(Action::AppAdd, |tx| apps::add(tx, input, lang))
    }

    /// Removes an app from the plan.
    pub fn remove_app(&mut self, key: &str, lang: Lang) -> Result<App> {
        self.db
            .record(Action::AppRemove, |tx| apps::remove(tx, key, lang))
    }

    /// Replaces who sees an app, and its admins when given.
    pub fn set_app_visibility(
        &mut self,
        key: &str,
        visibility: &AppVisibility,
        admins: Option<&[String]>,
        lang: Lang,
    ) -> Result<App> {
        self.db.record(Action::AppVisibility, |tx| {
            apps::set_visibility(tx, key, visibility, admins, lang)
        })
    }

    /// The plan's checks (visible to nobody, sensitive departments exposed, certification,
    /// the platform's app cap, the PIPL purpose).
    pub fn check_apps(&self, lang: Lang) -> Result<Vec<AppFinding>> {
        let conn = self.db.conn();
        apps::check(conn, &crate::setup::app_facts(conn)?, lang)
    }
}
