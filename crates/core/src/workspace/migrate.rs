//! Migrating a roster between platforms in one go: a file any import reads (a DingTalk 花名册, a
//! Feishu export …) becomes another platform's import file, through a workspace.

use super::Workspace;
use crate::error::Result;
use crate::exports::{self, ExportReport};
use crate::files;
use crate::i18n::Lang;
use crate::imports::{ImportOptions, ImportReport, ImportSession};
use crate::progress::Silent;
use serde::Serialize;
use std::path::Path;

/// What a migration did: the import and, unless it was refused, the export.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Migration {
    pub import: ImportReport,
    pub export: Option<ExportReport>,
}

/// Imports `file` into `workspace` (or, without one, into a temporary in-memory workspace for
/// the target platform) and writes it as `format` to `out`. Nothing is exported when the import
/// is refused; the export follows the pre-flight rules of `export_members` (`force`).
pub fn migrate(
    file: &Path,
    out: &Path,
    format: &str,
    workspace: Option<&mut Workspace>,
    options: &ImportOptions,
    force: bool,
    lang: Lang,
) -> Result<Migration> {
    let layout = exports::layout(format)?;
    // What is written must not overwrite what is read: the file, its department file, or the
    // workspace (checked as any output is).
    let outputs = layout.outputs(out);
    let inputs = std::iter::once(file).chain(options.departments_file.as_deref().map(Path::new));
    for input in inputs {
        for output in &outputs {
            files::check_output(output)?;
            files::check_not_input(output, input)?;
        }
    }
    let mut session = ImportSession::open(file)?;
    let mut temporary;
    let ws = match workspace {
        Some(ws) => ws,
        None => {
            let name = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            temporary = Workspace::in_memory(&name, layout.platform)?;
            &mut temporary
        }
    };
    let import = ws.run_import(&mut session, options, false, lang, &Silent)?;
    if import.invalid > 0 && !import.committed {
        return Ok(Migration {
            import,
            export: None,
        });
    }
    let export = ws.export_members(format, out, force, lang, None, &Silent)?;
    Ok(Migration {
        import,
        export: Some(export),
    })
}
