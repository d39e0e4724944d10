//! The import as the CLI runs it on an .xlsx or CSV file: the sheet is read on one thread while the
//! rows read so far are cleaned, checked and written on the others, inside the import's one
//! transaction. The outcome is the one [`super::ImportFile::plan`] and [`super::commit`] give:
//! nothing is kept when a row is invalid (unless invalid rows are skipped), when the user
//! cancels, or when anything fails.
//!
//! Merged regions are known only once the whole sheet is read. When one reaches into the header
//! or the data, the transaction is rolled back and the caller falls back to reading the whole
//! sheet first.

use super::clean::Cleaned;
use super::department_ids::DepartmentIds;
use super::issue::Issue;
use super::matching::Analyser;
use super::plan::{refuses, Held, Outcome, Plan, PlannedRow, RowAction};
use super::read::{RowBatch, Sheet};
use super::writer::{Writer, BULK_ROWS};
use super::{header_of, ImportFile, ImportOptions, HEADER_SCAN_ROWS};
use crate::error::{Error, Result};
use crate::history::{Action, Change, Db, Decision, Recorder, Tx};
use crate::progress::Progress;
use calamine::Data;
use rusqlite::Connection;

/// Reads and (unless `dry_run`) writes `file` as [`super::run`] does. None: the file is not an
/// .xlsx workbook, or it needs the whole-sheet path (merged cells in the data, no header, no data,
/// a header row the user gave that is not one; that path also words the error).
pub(super) fn run(
    db: &mut Db,
    file: &mut ImportFile,
    options: &ImportOptions,
    ids: Option<&DepartmentIds>,
    dry_run: bool,
    progress: &dyn Progress,
) -> Result<Option<(Plan, Outcome)>> {
    let candidates: Vec<usize> = match file.chosen_sheet(options)? {
        Some(i) => vec![i],
        None => (0..file.sheet_names().len()).collect(),
    };
    for index in candidates {
        let tried = if dry_run {
            match read_sheet(file, index, options, ids, db.conn(), None)? {
                Read::Rows(plan, _) => Tried::Done(plan, Outcome::DryRun),
                Read::NoHeader => Tried::NoHeader,
                Read::Fallback => Tried::Fallback,
            }
        } else {
            write_sheet(db, file, index, options, ids, progress)?
        };
        match tried {
            Tried::Done(plan, outcome) => return Ok(Some((plan, outcome))),
            Tried::NoHeader => continue,
            Tried::Fallback => return Ok(None),
        }
    }
    Ok(None)
}

/// What became of a sheet (one value per sheet: its size does not matter).
#[allow(clippy::large_enum_variant)]
enum Tried {
    /// The plan, and what became of it.
    Done(Plan, Outcome),
    /// Not the sheet with the members: try the next one.
    NoHeader,
    /// The whole-sheet path must read this one.
    Fallback,
}

/// One sheet read and written in one transaction, which is rolled back when the sheet is not
/// the members' one, must be read whole first, or has invalid rows that may not be skipped.
fn write_sheet(
    db: &mut Db,
    file: &mut ImportFile,
    index: usize,
    options: &ImportOptions,
    ids: Option<&DepartmentIds>,
    progress: &dyn Progress,
) -> Result<Tried> {
    let written = db.record_or_roll_back(Action::Import, |tx, recorder| {
        let write = Write {
            tx,
            recorder,
            progress,
            skip_invalid: options.skip_invalid,
        };
        let (plan, writer) = match read_sheet(file, index, options, ids, tx, Some(write))? {
            Read::Rows(plan, writer) => (plan, writer),
            Read::NoHeader => return Ok(Decision::RollBack(Tried::NoHeader)),
            Read::Fallback => return Ok(Decision::RollBack(Tried::Fallback)),
        };
        if plan.refused(options.skip_invalid) {
            return Ok(Decision::RollBack(Tried::Done(plan, Outcome::Refused)));
        }
        // Every batch of the sheet came through the writer, so there is one when rows are.
        let Some((mut w, pending)) = writer else {
            return Err(Error::internal("import rows without a writer"));
        };
        // Updates.
        for row in plan.rows.iter() {
            if let (RowAction::Update(id), Some(v)) = (row.action, row.values()) {
                w.update(id, v)?;
            }
        }
        // The new members written without an account get the one generated for them (both
        // lists are of the same rows, in file order).
        if !pending
            .iter()
            .map(|p| p.0)
            .eq(plan.generated.iter().map(|g| g.0))
        {
            return Err(Error::internal("import accounts generated for other rows"));
        }
        recorder.pause(true);
        for (&(_, id), (_, userid)) in pending.iter().zip(plan.generated()) {
            w.name(id, &userid)?;
        }
        recorder.pause(false);
        w.finish(recorder)?;
        let change = plan.change();
        Ok(Decision::Commit(Change {
            value: plan,
            target: change.target,
            before: change.before,
            after: change.after,
        }))
    })?;
    Ok(match written {
        Ok((plan, batch)) => Tried::Done(plan, Outcome::Committed(batch)),
        Err(tried) => tried,
    })
}

/// What the rows of a batch leave behind, freed on the reading thread: each row's cells and
/// emptied list of clean-ups, and what the rows released held.
type Unused = (Vec<(Vec<Data>, Vec<Issue>)>, Vec<Box<Held>>);

/// Where a streaming import writes.
struct Write<'t, 'r, 's> {
    tx: &'t Tx<'t>,
    recorder: &'r mut Recorder<'s>,
    progress: &'t dyn Progress,
    skip_invalid: bool,
}

/// What was read (and written) of a sheet (one value per sheet: its size does not matter).
#[allow(clippy::large_enum_variant)]
enum Read<'t> {
    /// The plan, and (when writing) the writer with the new members written under a stand-in
    /// account (position in the plan's rows, member id).
    Rows(Plan, Option<(Writer<'t>, Vec<(usize, i64)>)>),
    NoHeader,
    Fallback,
}

/// Reads sheet `index`: first its top rows, to find the header; then all of it, the rows
/// being cleaned on the reading thread and analysed here, where the new members with an
/// account are written as soon as their batch is analysed.
fn read_sheet<'t>(
    file: &mut ImportFile,
    index: usize,
    options: &ImportOptions,
    ids: Option<&'t DepartmentIds>,
    conn: &'t Connection,
    mut write: Option<Write<'t, '_, '_>>,
) -> Result<Read<'t>> {
    let name = file.sheet_names()[index].clone();
    let file_name = file.name.clone();
    let mut head: RowBatch = Vec::new();
    let mut limit = u32::MAX;
    let read = file.workbook.stream(
        index,
        &file_name,
        false,
        None,
        |b| b,
        |_, batch| {
            head.extend(batch);
            limit = head[0].0 + (HEADER_SCAN_ROWS as u32).max(options.header_row.unwrap_or(0));
            Ok(head.last().is_some_and(|(r, _)| *r < limit))
        },
    )?;
    if read.is_none() {
        return Ok(Read::Fallback);
    }
    head.retain(|(r, _)| *r < limit);
    if head.is_empty() {
        return Ok(Read::NoHeader);
    }
    let sheet = Sheet::from_rows(&name, head);
    let (row, columns) = match header_of(&sheet, options) {
        Ok(Some(found)) => found,
        Ok(None) => return Ok(Read::NoHeader),
        Err(_) => return Ok(Read::Fallback),
    };
    let (start_row, column) = sheet.start();
    let header = start_row + row as u32;
    let header_cells = sheet
        .rows()
        .nth(row)
        .map(<[Data]>::to_vec)
        .unwrap_or_default();
    drop(sheet);
    // Cells right of the header are read by nothing: the reader leaves them out.
    let width = column + header_cells.len() as u32;
    let column = column as usize;

    let (cleaning, mut analyser) = Analyser::new(conn, columns, ids)?;
    let mut writer: Option<Writer> = None;
    let mut pending = Vec::new();
    // What the rows leave behind is freed on the reading thread, which allocated it (freeing
    // another thread's allocations costs more, and this thread has the more work).
    let (recycle, recycled) = std::sync::mpsc::channel::<Unused>();
    let recycled = std::sync::Mutex::new(recycled);
    let prepare = |batch: RowBatch| -> Vec<(Cleaned, Vec<Data>)> {
        if let Ok(recycled) = recycled.lock() {
            recycled.try_iter().for_each(drop);
        }
        batch
            .into_iter()
            .filter(|(r, _)| *r > header)
            .filter_map(|(r, mut cells)| {
                cells.drain(..column.min(cells.len()));
                Some((cleaning.row(r + 1, &cells)?, cells))
            })
            .collect()
    };
    let merges = file.workbook.stream(
        index,
        &file_name,
        true,
        Some(width),
        prepare,
        |height, rows| {
            if analyser.rows.is_empty() {
                // The size the sheet declares, up to Excel's limit: growing by doubling would
                // hold the old and the new tables at once. (Room a file declares but does not
                // fill is never touched, so it costs no memory.)
                analyser.reserve((height as usize).min(1 << 20));
            }
            let mut unused = Vec::with_capacity(rows.len());
            let start = analyser.take(rows, |cells, issues| unused.push((cells, issues)));
            if let Some(w) = write.as_mut() {
                let writer = match &mut writer {
                    Some(writer) => writer,
                    None => {
                        let mut new = Writer::new(
                            w.tx,
                            height as usize >= BULK_ROWS,
                            w.progress,
                            height as usize,
                        )?;
                        new.departments(ids.map(|i| i.order.as_slice()).unwrap_or_default())?;
                        writer.insert(new)
                    }
                };
                // Once an import is refused nothing more is written: the transaction will be
                // rolled back.
                if !refuses(analyser.invalid(), w.skip_invalid) {
                    let rows = &analyser.rows[start..];
                    writer.departments(
                        rows.iter()
                            .filter(|r| r.action != RowAction::Invalid)
                            .filter_map(|r| r.values())
                            .flat_map(|v| v.departments.iter()),
                    )?;
                    w.recorder.pause(true);
                    for (k, row) in (start..).zip(rows) {
                        if row.action != RowAction::Create {
                            continue;
                        }
                        match row.values() {
                            Some(v) if v.userid.is_some() => {
                                writer.create(v)?;
                            }
                            Some(v) => pending.push((k, writer.create_unnamed(row.line, v)?)),
                            None => {}
                        }
                    }
                    w.recorder.pause(false);
                }
            }
            // Only the outcome of a row written (or, in a dry run, counted) is kept. Updates
            // and invalid rows (their cells go to the error workbook) keep what they hold.
            let released = analyser.rows[start..]
                .iter_mut()
                .filter(|r| matches!(r.action, RowAction::Create | RowAction::Unchanged(_)))
                .filter_map(PlannedRow::release)
                .collect();
            let _ = recycle.send((unused, released));
            Ok(true)
        },
    )?;
    let Some(merges) = merges else {
        return Ok(Read::Fallback);
    };
    if merges.iter().any(|m| m.end.0 >= header) {
        return Ok(Read::Fallback);
    }
    if analyser.rows.is_empty() {
        return Ok(Read::Fallback);
    }
    // Every row is read: the file's bytes are not needed again.
    file.workbook.close();
    let plan = file.about(analyser.finish(name, header + 1, header_cells));
    Ok(Read::Rows(plan, writer.map(|w| (w, pending))))
}
