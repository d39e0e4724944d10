//! The error workbook: the rejected rows exactly as they came, with a column of reasons, so the
//! user fixes them and imports that file again.

use super::plan::Plan;
use crate::error::Result;
use crate::i18n::{t, Lang};
use calamine::Data;
use rust_xlsxwriter::{Color, Format};
use std::path::Path;

/// Writes the invalid rows of `plan` (header row first) to `path` as .xlsx.
pub fn write_error_workbook(plan: &Plan, lang: Lang, path: &Path) -> Result<u32> {
    let fail = crate::xlsx::fail(path);
    let mut book = crate::xlsx::workbook().map_err(&fail)?;
    let sheet = book.add_worksheet();
    sheet
        .set_name(t(lang, "imports.error_sheet", &[]))
        .map_err(fail)?;
    let bold = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xF2F2F2));
    let text = Format::new().set_num_format("@");
    let reason_format = Format::new()
        .set_font_color(Color::RGB(0xC00000))
        .set_text_wrap();
    let width = plan.header_cells.len() as u16;
    for (c, cell) in plan.header_cells.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, super::header::cell_text(cell), &bold)
            .map_err(fail)?;
    }
    sheet
        .write_string_with_format(0, width, t(lang, "imports.reason_column", &[]), &bold)
        .map_err(fail)?;
    let mut by_row: std::collections::HashMap<u32, Vec<&super::issue::Issue>> =
        std::collections::HashMap::new();
    for e in plan.errors.iter() {
        by_row.entry(e.row).or_default().push(e);
    }
    let mut out_row = 1u32;
    let headers = plan.headers();
    for (line, cells) in plan.rows.iter().filter_map(|r| Some((r.line, r.raw()?))) {
        for (c, cell) in cells.iter().enumerate() {
            let c = c as u16;
            match cell {
                Data::Empty => {}
                Data::Float(f) => {
                    sheet.write_number(out_row, c, *f).map_err(fail)?;
                }
                Data::Int(i) => {
                    sheet.write_number(out_row, c, *i as f64).map_err(fail)?;
                }
                Data::Bool(b) => {
                    sheet.write_boolean(out_row, c, *b).map_err(fail)?;
                }
                Data::DateTime(d) => {
                    let date_format = Format::new().set_num_format("yyyy-mm-dd");
                    sheet
                        .write_number_with_format(out_row, c, d.as_f64(), &date_format)
                        .map_err(fail)?;
                }
                other => {
                    // Text stays text (a value like "=1+1" must not become a formula).
                    sheet
                        .write_string_with_format(
                            out_row,
                            c,
                            super::header::cell_text_raw(other),
                            &text,
                        )
                        .map_err(fail)?;
                }
            }
        }
        let reasons: Vec<String> = by_row
            .get(&line)
            .into_iter()
            .flatten()
            .map(|e| {
                let r = e.render(lang, &headers);
                let prefix = t(
                    lang,
                    "imports.reason_at",
                    &[("row", line.to_string()), ("column", r.column.to_string())],
                );
                format!("{prefix}{}", r.message)
            })
            .collect();
        sheet
            .write_string_with_format(out_row, width, reasons.join("\n"), &reason_format)
            .map_err(fail)?;
        // Tall enough for every reason (a spreadsheet does not grow a row to its wrapped text
        // on its own): the column is 60 characters wide, a Chinese character takes two.
        let lines: usize = reasons
            .iter()
            .map(|r| {
                let width: usize = r.chars().map(|c| if c >= '\u{2E80}' { 2 } else { 1 }).sum();
                width.div_ceil(50).max(1)
            })
            .sum();
        if lines > 1 {
            sheet
                .set_row_height(out_row, 15.0 * lines as f64)
                .map_err(fail)?;
        }
        out_row += 1;
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    for c in 0..width {
        sheet.set_column_width(c, 16).map_err(fail)?;
    }
    sheet.set_column_width(width, 60).map_err(fail)?;
    crate::xlsx::save(&mut book, path)?;
    Ok(out_row - 1)
}
