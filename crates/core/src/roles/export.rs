//! The permission workbook: the roles × permissions matrix, every member's effective permissions
//! with their source, and the checks.

use super::catalogue::catalogue;
use super::checks::Finding;
use super::effective::MemberPermissions;
use super::{Grant, Role, Scope};
use crate::error::Result;
use crate::i18n::{t, Lang};
use crate::xlsx::{self, fail};
use rust_xlsxwriter::{Workbook, XlsxError};
use std::path::Path;

/// How a grant's scope is written in cells.
pub fn scope_text(lang: Lang, scope: Scope, departments: &[String]) -> String {
    match scope {
        Scope::Departments => t(
            lang,
            "scopes.departments",
            &[("departments", departments.join("、"))],
        ),
        s => t(lang, &format!("scopes.{}", s.as_str()), &[]),
    }
}

fn grant_text(lang: Lang, g: &Grant) -> String {
    scope_text(lang, g.scope, &g.departments)
}

/// Writes the roles × permissions matrix, as the app shows it, on a sheet of its own.
pub fn write_matrix_sheet(
    book: &mut Workbook,
    name: &str,
    lang: Lang,
    roles: &[Role],
) -> std::result::Result<(), XlsxError> {
    let c = catalogue();
    let text = xlsx::text();
    let sheet = book.add_worksheet();
    sheet.set_name(name)?;
    let mut headers = vec![
        (t(lang, "permissions_ui.category", &[]), 12.0),
        (t(lang, "permissions_ui.permission", &[]), 22.0),
        (t(lang, "permissions_ui.risk", &[]), 8.0),
    ];
    for r in roles {
        let title = format!(
            "{}\n({})",
            r.label(lang),
            if r.everyone {
                t(lang, "permissions_ui.everyone", &[])
            } else {
                r.holders.len().to_string()
            }
        );
        headers.push((title, 18.0));
    }
    xlsx::table_header(sheet, &headers, 2, c.permissions.len() as u32)?;
    sheet.set_row_height(0, 32)?;
    for (i, p) in c.permissions.iter().enumerate() {
        let row = i as u32 + 1;
        let category = c
            .categories
            .iter()
            .find(|x| x.key == p.category)
            .map(|x| x.name.get(lang))
            .unwrap_or_default();
        sheet.write_string_with_format(row, 0, category, &text)?;
        sheet.write_string_with_format(row, 1, p.name.get(lang), &text)?;
        let risk = serde_json::to_value(p.risk).unwrap_or_default();
        let risk = t(
            lang,
            &format!("risks.{}", risk.as_str().unwrap_or("low")),
            &[],
        );
        sheet.write_string_with_format(row, 2, risk, &text)?;
        for (j, r) in roles.iter().enumerate() {
            if let Some(g) = r.grant(&p.key) {
                sheet.write_string_with_format(row, 3 + j as u16, grant_text(lang, g), &text)?;
            }
        }
    }
    Ok(())
}

/// Writes the workbook; returns the number of member rows.
pub fn write(
    path: &Path,
    lang: Lang,
    roles: &[Role],
    members: &[MemberPermissions],
    findings: &[Finding],
) -> Result<usize> {
    let c = catalogue();
    let fail = fail(path);
    let mut book = crate::xlsx::workbook().map_err(&fail)?;
    let text = xlsx::text();
    write_matrix_sheet(
        &mut book,
        &t(lang, "permissions_ui.sheet_matrix", &[]),
        lang,
        roles,
    )
    .map_err(&fail)?;

    // Sheet 2: members × permissions (effective), with the role that gives each one.
    let sheet = book.add_worksheet_with_constant_memory().map_err(&fail)?;
    sheet
        .set_name(t(lang, "permissions_ui.sheet_effective", &[]))
        .map_err(&fail)?;
    let mut headers = vec![
        (t(lang, "fields.userid", &[]), 14.0),
        (t(lang, "fields.name", &[]), 10.0),
        (t(lang, "fields.status", &[]), 8.0),
    ];
    headers.extend(
        c.permissions
            .iter()
            .map(|p| (p.name.get(lang).to_string(), 24.0)),
    );
    xlsx::table_header(sheet, &headers, 2, members.len() as u32).map_err(&fail)?;
    for (i, m) in members.iter().enumerate() {
        let row = i as u32 + 1;
        sheet
            .write_string_with_format(row, 0, &m.userid, &text)
            .map_err(&fail)?;
        sheet
            .write_string_with_format(row, 1, &m.name, &text)
            .map_err(&fail)?;
        sheet
            .write_string_with_format(
                row,
                2,
                t(lang, &format!("statuses.{}", m.status.as_str()), &[]),
                &text,
            )
            .map_err(&fail)?;
        for (j, p) in c.permissions.iter().enumerate() {
            let cells: Vec<String> = m
                .grants
                .iter()
                .filter(|g| g.permission == p.key)
                .map(|g| {
                    format!(
                        "{}（{}）",
                        scope_text(lang, g.scope, &g.departments),
                        g.role.get(lang)
                    )
                })
                .collect();
            if !cells.is_empty() {
                sheet
                    .write_string_with_format(row, 3 + j as u16, cells.join("；"), &text)
                    .map_err(&fail)?;
            }
        }
    }

    // Sheet 3: the checks.
    let sheet = book.add_worksheet();
    sheet
        .set_name(t(lang, "permissions_ui.sheet_checks", &[]))
        .map_err(&fail)?;
    let headers = vec![
        (t(lang, "permissions_ui.severity", &[]), 8.0),
        (t(lang, "permissions_ui.code", &[]), 26.0),
        (t(lang, "permissions_ui.target", &[]), 28.0),
        (t(lang, "permissions_ui.problem", &[]), 60.0),
        (t(lang, "permissions_ui.fix", &[]), 60.0),
    ];
    xlsx::table_header(sheet, &headers, 0, findings.len() as u32).map_err(&fail)?;
    let wrap = xlsx::text().set_text_wrap();
    for (i, f) in findings.iter().enumerate() {
        let row = i as u32 + 1;
        let severity = t(
            lang,
            &format!(
                "severities.{}",
                serde_json::to_value(f.severity)
                    .unwrap_or_default()
                    .as_str()
                    .unwrap_or("info")
            ),
            &[],
        );
        for (col, value) in [severity.as_str(), &f.code, &f.target, &f.message, &f.fix]
            .into_iter()
            .enumerate()
        {
            sheet
                .write_string_with_format(row, col as u16, value, &wrap)
                .map_err(&fail)?;
        }
    }
    xlsx::save(&mut book, path)?;
    Ok(members.len())
}
