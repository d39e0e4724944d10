//! The comparison workbook: every row with each platform's value, note and source, and — for a
//! workspace with needs — the fit score with its reasons.

use super::needs::Fit;
use super::{CellValue, Claim, Dataset, PLATFORMS};
use crate::error::Result;
use crate::i18n::{t, Lang};
use crate::xlsx::{self, fail};

use std::collections::BTreeMap;
use std::path::Path;

/// A claim's value as a cell shows it.
pub fn value_text(lang: Lang, claim: &Claim) -> String {
    match &claim.value {
        None => t(lang, "values.unknown", &[]),
        Some(CellValue::Yes) => t(lang, "values.yes", &[]),
        Some(CellValue::No) => t(lang, "values.no", &[]),
        Some(CellValue::Partial) => t(lang, "values.partial", &[]),
        Some(CellValue::Na) => t(lang, "values.na", &[]),
        Some(CellValue::Number { value, unit }) => {
            let key = format!("units.{unit}");
            let u = t(lang, &key, &[]);
            format!("{value} {}", if u == key { unit.clone() } else { u })
        }
        Some(CellValue::Text { text }) => text.get(lang).to_string(),
    }
}

/// Writes the comparison (and the fit, when given) to `path`; returns the number of rows.
pub fn write(
    path: &Path,
    lang: Lang,
    dataset: &Dataset,
    fit: Option<&BTreeMap<String, Fit>>,
) -> Result<usize> {
    let fail = fail(path);
    let mut book = crate::xlsx::workbook().map_err(&fail)?;
    let text = xlsx::text().set_text_wrap();
    let sheet = book.add_worksheet();
    sheet
        .set_name(t(lang, "compare_ui.sheet_compare", &[]))
        .map_err(&fail)?;
    let mut headers = vec![
        (t(lang, "compare_ui.category", &[]), 14.0),
        (t(lang, "compare_ui.capability", &[]), 26.0),
    ];
    for p in PLATFORMS {
        let name = t(lang, &format!("platforms.{p}"), &[]);
        headers.push((name.clone(), 26.0));
        headers.push((
            format!("{name} · {}", t(lang, "compare_ui.source", &[])),
            34.0,
        ));
    }
    let rows: Vec<_> = dataset.rows().collect();
    xlsx::table_header(sheet, &headers, 2, rows.len() as u32).map_err(&fail)?;
    for (i, (category, row)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet
            .write_string_with_format(r, 0, category.name.get(lang), &text)
            .map_err(&fail)?;
        sheet
            .write_string_with_format(r, 1, row.name.get(lang), &text)
            .map_err(&fail)?;
        for (j, p) in PLATFORMS.iter().enumerate() {
            let Some(claim) = row.current(p) else {
                continue;
            };
            let mut value = value_text(lang, claim);
            if let Some(n) = &claim.note {
                value.push_str(&format!("\n{}", n.get(lang)));
            }
            let source = format!(
                "{} · {} · {}",
                claim.source.as_deref().unwrap_or("-"),
                t(
                    lang,
                    &format!("confidences.{}", claim.confidence.as_str()),
                    &[]
                ),
                claim.checked
            );
            sheet
                .write_string_with_format(r, 2 + 2 * j as u16, value, &text)
                .map_err(&fail)?;
            sheet
                .write_string_with_format(r, 3 + 2 * j as u16, source, &text)
                .map_err(&fail)?;
        }
    }
    if let Some(fit) = fit {
        let sheet = book.add_worksheet();
        sheet
            .set_name(t(lang, "compare_ui.sheet_fit", &[]))
            .map_err(&fail)?;
        let headers = vec![
            (t(lang, "compare_ui.platform", &[]), 12.0),
            (t(lang, "compare_ui.score", &[]), 8.0),
            (t(lang, "compare_ui.ruled_out_by", &[]), 24.0),
            (t(lang, "compare_ui.reason", &[]), 70.0),
            (t(lang, "compare_ui.source", &[]), 40.0),
        ];
        let count: usize = fit.values().map(|f| f.reasons.len().max(1)).sum();
        xlsx::table_header(sheet, &headers, 1, count as u32).map_err(&fail)?;
        let mut r = 1u32;
        for p in PLATFORMS {
            let Some(f) = fit.get(p) else { continue };
            let name = t(lang, &format!("platforms.{p}"), &[]);
            let score = f.score.map(|s| s.to_string()).unwrap_or_else(|| "-".into());
            let ruled = f.ruled_out_by.join(", ");
            if f.reasons.is_empty() {
                for (c, v) in [&name, &score, &ruled].into_iter().enumerate() {
                    sheet
                        .write_string_with_format(r, c as u16, v.as_str(), &text)
                        .map_err(&fail)?;
                }
                r += 1;
            }
            for reason in &f.reasons {
                let source = reason.source.clone().unwrap_or_else(|| "-".into());
                for (c, v) in [&name, &score, &ruled, &reason.message, &source]
                    .into_iter()
                    .enumerate()
                {
                    sheet
                        .write_string_with_format(r, c as u16, v.as_str(), &text)
                        .map_err(&fail)?;
                }
                r += 1;
            }
        }
    }
    xlsx::save(&mut book, path)?;
    Ok(rows.len())
}
