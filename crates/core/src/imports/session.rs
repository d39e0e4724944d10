//! The import as a use case both faces share: a file read once, planned against the workspace
//! as often as the user changes the options, then committed (or simply dropped); the rows it
//! rejects can be written to an error workbook. The app keeps one session per wizard, the CLI one
//! per command; the workspace façade plans, commits and runs it.

use super::{ImportColumn, ImportFile, ImportOptions, Plan, PreviewPage, RowFilter};
use crate::error::{Error, ErrorCode, Result};
use crate::i18n::Lang;
use std::path::{Path, PathBuf};

pub struct ImportSession {
    name: String,
    /// The file read, when it was read from disk (outputs must not overwrite it).
    path: Option<PathBuf>,
    /// None once a one-go import has consumed it (its cells are freed before writing).
    file: Option<ImportFile>,
    plan: Option<Plan>,
}

impl ImportSession {
    /// Reads the file at `path`.
    pub fn open(path: &Path) -> Result<ImportSession> {
        Ok(ImportSession {
            path: Some(path.to_path_buf()),
            ..ImportSession::new(ImportFile::open(path)?)
        })
    }

    /// Reads a file's bytes (dropped onto the window or picked in the browser); `name` is how
    /// messages refer to it.
    pub fn from_bytes(bytes: Vec<u8>, name: &str) -> Result<ImportSession> {
        Ok(ImportSession::new(ImportFile::read(bytes, name)?))
    }

    fn new(file: ImportFile) -> ImportSession {
        ImportSession {
            name: file.name.clone(),
            path: None,
            file: Some(file),
            plan: None,
        }
    }

    /// The file's name, as messages show it.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn file(&mut self) -> Result<&mut ImportFile> {
        self.file
            .as_mut()
            .ok_or_else(|| Error::new(ErrorCode::InvalidArgument, "import_file_consumed"))
    }

    pub(crate) fn take_file(&mut self) -> Result<ImportFile> {
        self.file()?;
        Ok(self.file.take().expect("checked"))
    }

    pub(crate) fn set_plan(&mut self, plan: Plan) -> &Plan {
        self.plan.insert(plan)
    }

    /// The latest plan; an error when nothing was planned yet.
    pub fn plan(&self) -> Result<&Plan> {
        self.plan
            .as_ref()
            .ok_or_else(|| Error::new(ErrorCode::InvalidArgument, "import_not_planned"))
    }

    /// One page of the preview table of the latest plan.
    pub fn preview_page(
        &self,
        lang: Lang,
        filter: RowFilter,
        offset: u32,
        limit: u32,
    ) -> Result<PreviewPage> {
        Ok(self.plan()?.preview_page(lang, filter, offset, limit))
    }

    /// The columns of the header row the options point at, mapped as far as they are
    /// recognised: what the wizard offers for mapping by hand.
    pub fn columns(&mut self, options: &ImportOptions) -> Result<Vec<ImportColumn>> {
        self.file()?.columns_at(options)
    }

    /// Checks, before anything runs, that the error workbook may be written to `path`: not a
    /// workspace, not a folder, not the file being imported.
    pub fn check_errors_path(&self, path: &Path) -> Result<()> {
        crate::files::output_folder(path)?;
        if let Some(input) = &self.path {
            crate::files::check_not_input(path, input)?;
        }
        Ok(())
    }

    /// Writes the rows the latest plan rejects, exactly as they came and with their reasons, to
    /// `path`; returns how many.
    pub fn write_errors(&self, path: &Path, lang: Lang) -> Result<u32> {
        self.check_errors_path(path)?;
        super::write_error_workbook(self.plan()?, lang, path)
    }

    /// The file read from disk, if it was.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
}
