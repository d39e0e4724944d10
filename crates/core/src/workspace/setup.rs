//! The façade's setup journey: certification, checklist, security, hardware.

use super::Workspace;
use crate::error::{Error, Result};
use crate::history::{Action, Change};
use crate::i18n::Lang;
use crate::setup;
use std::path::Path;

impl Workspace {
    pub fn certification_plan(
        &self,
        lang: Lang,
    ) -> Result<setup::certification::CertificationPlan> {
        let conn = self.db.conn();
        setup::certification::plan(conn, &self.profile()?, crate::members::count(conn)?, lang)
    }

    pub fn set_certification(
        &mut self,
        input: &setup::certification::CertificationInput,
        lang: Lang,
    ) -> Result<setup::certification::CertificationPlan> {
        self.db.record(Action::CertificationSet, |tx| {
            setup::certification::set(tx, input)
        })?;
        self.certification_plan(lang)
    }

    pub fn checklist(&self, lang: Lang) -> Result<setup::checklist::Checklist> {
        setup::checklist::checklist(self.db.conn(), lang)
    }

    /// Ticks (or unticks) a checklist item by hand.
    pub fn tick(&mut self, tick: &setup::checklist::Tick) -> Result<setup::checklist::Tick> {
        self.db
            .record(Action::ChecklistTick, |tx| setup::checklist::tick(tx, tick))
    }

    pub fn security(&self, lang: Lang) -> Result<setup::security::SecurityReport> {
        setup::security::report(self.db.conn(), self.profile()?.platform.as_str(), lang)
    }

    /// Sets security settings (null clears one).
    pub fn set_security(
        &mut self,
        values: &std::collections::BTreeMap<String, serde_json::Value>,
        lang: Lang,
    ) -> Result<setup::security::SecurityReport> {
        self.db
            .record(Action::SecuritySet, |tx| setup::security::set(tx, values))?;
        self.security(lang)
    }

    pub fn devices(&self) -> Result<Vec<setup::hardware::Device>> {
        setup::hardware::list(self.db.conn())
    }

    pub fn add_device(
        &mut self,
        input: &setup::hardware::DeviceInput,
    ) -> Result<setup::hardware::Device> {
        self.db.record(Action::DeviceAdd, |tx| {
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
        self.db.record(Action::DeviceDelete, |tx| {
            setup::hardware::delete_device(tx, serial)
        })
    }

    /// Logs an offline or failure event of a device.
    pub fn add_device_event(&mut self, input: &setup::hardware::EventInput) -> Result<()> {
        self.db.record(Action::DeviceEvent, |tx| {
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
        setup::hardware::flags(self.db.conn(), lang)
    }

    /// Imports an inventory and/or an offline log from a spreadsheet, all rows or none.
    pub fn import_hardware(
        &mut self,
        file: &Path,
        lang: Lang,
    ) -> Result<setup::hardware::HardwareImport> {
        let bytes = std::fs::read(file).map_err(|e| Error::io(file, &e))?;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parsed = setup::hardware::read(bytes, &name, lang)?;
        if !parsed.problems.is_empty() {
            return Ok(parsed.report(false));
        }
        let written = self
            .db
            .record_or_roll_back(Action::HardwareImport, |tx, _| {
                setup::hardware::write(tx, &parsed, &name, lang)
            })?;
        Ok(match written {
            Ok(_) => parsed.report(true),
            Err(problems) => setup::hardware::HardwareImport {
                problems,
                ..parsed.report(false)
            },
        })
    }
}
