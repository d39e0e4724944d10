//! Excel out: platform import files (WeCom console and API, DingTalk, Feishu) checked before
//! writing, and the report workbook. Files appear only when complete; values are always text.

mod apps_sheet;
mod health_sheet;
pub mod layout;
pub mod mask;
mod platform;
pub mod preflight;
pub mod report;
mod rfm_sheet;

use crate::dataset::{Confidence, Dataset};
use crate::error::{Error, ErrorCode, Result};
use crate::i18n::Lang;
use crate::org::profile::Platform;
use crate::progress::Progress;
use layout::{layouts, Layout};
use platform::DepartmentIds;
pub use preflight::Problem;
use rusqlite::Connection;
use serde::Serialize;
use std::path::Path;

/// A platform file format, as the Reports page and `--format` list them.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct FormatInfo {
    /// `wecom`, `wecom-api`, `dingtalk`, `feishu` (the layouts in `assets/exports`).
    pub format: String,
    pub platform: Platform,
    pub name: String,
    /// `xlsx` or `csv`.
    pub extension: String,
    /// `uncertain`: the layout is the best documented, not verified.
    pub confidence: Confidence,
    pub checked: String,
}

pub fn formats(lang: Lang) -> Vec<FormatInfo> {
    layouts()
        .iter()
        .map(|l| FormatInfo {
            format: l.format.clone(),
            platform: l.platform,
            name: l.title(lang).to_string(),
            extension: l.extension.clone(),
            confidence: l.confidence,
            checked: l.checked.clone(),
        })
        .collect()
}

/// The layout of `format`.
pub fn layout(format: &str) -> Result<&'static Layout> {
    layouts()
        .iter()
        .find(|l| l.format == format.trim().to_ascii_lowercase())
        .ok_or_else(|| {
            Error::new(ErrorCode::InvalidArgument, "export_format_unknown")
                .with("format", format)
                .with(
                    "formats",
                    layouts()
                        .iter()
                        .map(|l| l.format.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                )
        })
}

/// What an export did (`orgdesk export members --json`).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ExportReport {
    pub format: String,
    /// Every file written (the member file first), empty when nothing was written.
    pub files: Vec<String>,
    pub members: u32,
    pub departments: u32,
    pub errors: u32,
    pub warnings: u32,
    pub problems: Vec<Problem>,
    /// False when pre-flight found errors and the export was not forced.
    pub written: bool,
    /// Personal data was masked (presentation mode); the file says so in its notes.
    pub masked: bool,
}

/// Pre-flight only: what exporting `ws` as `format` would run into.
pub(crate) fn preflight(conn: &Connection, format: &str, lang: Lang) -> Result<Vec<Problem>> {
    preflight::check(conn, layout(format)?, Dataset::builtin(), lang)
}

/// Checks and writes `out` (and the format's side files) in one pass; the files are kept only
/// when the checks found no error, or with `force`.
pub(crate) fn export_members(
    conn: &Connection,
    format: &str,
    out: &Path,
    force: bool,
    lang: Lang,
    mask: Option<mask::Mask>,
    progress: &dyn Progress,
) -> Result<ExportReport> {
    let layout = layout(format)?;
    for path in layout.outputs(out) {
        crate::files::output_folder(&path)?;
    }
    let dataset = Dataset::builtin();
    let departments = crate::org::departments::list(conn)?;
    let mut checker = preflight::Checker::new(layout, dataset, lang);
    checker.departments(&departments, dataset);
    let ids = layout
        .departments_file
        .as_ref()
        .map(|_| crate::org::profile::load(conn).map(|p| DepartmentIds::new(&departments, &p.name)))
        .transpose()?;
    let members = crate::members::count(conn)? as u64;
    let report = |found: preflight::Found| ExportReport {
        format: layout.format.clone(),
        files: Vec::new(),
        members: members as u32,
        departments: departments.len() as u32,
        errors: found.errors,
        warnings: found.warnings,
        problems: found.problems,
        written: false,
        masked: mask.is_some(),
    };
    // A file that cannot hold everyone is not started (not even with `force`).
    if !checker.fits(members) {
        return Ok(report(checker.finish()));
    }
    let mut ticker = platform::Ticker::new(members, progress);
    let written = platform::write(
        conn,
        layout,
        out,
        ids.as_ref(),
        mask,
        &mut ticker,
        &mut |m, row, cells| checker.member_row(m, row, cells),
    )?;
    let mut report = report(checker.finish());
    if report.errors == 0 || force {
        report.files = written
            .finish()?
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        report.written = true;
    }
    ticker.finish();
    Ok(report)
}
