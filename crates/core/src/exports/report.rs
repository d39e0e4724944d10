//! The report workbook an admin hands to the owner: overview with charts, the roster, the org
//! chart with collapsible branches, and the permission matrix. The roster is streamed (constant
//! memory); sheet names and headers follow the chosen language.

use super::mask::Mask;
use super::platform::Ticker;
use crate::compare::limits;
use crate::dataset::Dataset;
use crate::error::Result;
use crate::files::output_folder;
use crate::i18n::{t, Lang};
use crate::members::{FieldKey, FieldKind, Member, MemberStatus, FIELDS};
use crate::org::departments::Department;
use crate::org::profile::Platform;
use crate::progress::Progress;
use crate::roles::checks::Severity;
use crate::xlsx::{self, fail, FONT};
use rusqlite::Connection;
use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartFont, ChartLegendPosition, ChartType, Format, Worksheet, XlsxError,
};
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use std::path::Path;

/// Excel shows at most 7 outline levels.
const MAX_OUTLINE: u32 = 7;
/// Bars in the department chart (the largest departments; the table lists all of them).
const CHART_BARS: usize = 20;

/// What `orgdesk report` wrote.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ReportSummary {
    pub file: String,
    pub sheets: Vec<String>,
    pub members: u32,
    pub departments: u32,
    /// Checks that fail (permission checks and the target platform's limits).
    pub failing_checks: u32,
}

/// One failing check as the overview lists it.
struct Check {
    severity: String,
    area: String,
    target: String,
    message: String,
    fix: String,
}

fn tr(lang: Lang, key: &str) -> String {
    t(lang, key, &[])
}

/// The departments the chart compares: below the company when there is one top level.
fn chart_departments(departments: &[Department]) -> Vec<&Department> {
    let roots: Vec<&Department> = departments.iter().filter(|d| d.depth == 1).collect();
    let level = if roots.len() == 1 { 2 } else { 1 };
    let mut out: Vec<&Department> = departments.iter().filter(|d| d.depth == level).collect();
    if out.is_empty() {
        out = roots;
    }
    out
}

fn failing_checks(conn: &Connection, lang: Lang) -> Result<Vec<Check>> {
    let mut out = Vec::new();
    for f in crate::roles::checks::run(conn, lang)? {
        if f.severity == Severity::Info {
            continue;
        }
        let severity = serde_json::to_value(f.severity).unwrap_or_default();
        out.push(Check {
            severity: tr(
                lang,
                &format!("severities.{}", severity.as_str().unwrap_or("info")),
            ),
            area: tr(lang, "report.area_permissions"),
            target: f.target,
            message: f.message,
            fix: f.fix,
        });
    }
    let platform = crate::org::profile::load(conn)?.platform;
    if platform != Platform::Undecided {
        for p in limits::check(conn, platform.as_str(), Dataset::builtin(), lang)? {
            out.push(Check {
                severity: tr(lang, "severities.error"),
                area: t(
                    lang,
                    "report.area_limits",
                    &[("platform", tr(lang, &format!("platforms.{platform}")))],
                ),
                target: p.target,
                message: p.message,
                fix: p.fix,
            });
        }
    }
    Ok(out)
}

/// What the façade computed for the report's optional sheets.
pub(crate) struct Computed {
    pub health: Option<crate::health::Health>,
    pub rfm: Option<crate::customers::rfm::Rfm>,
}

/// Writes the report workbook to `out`.
pub(crate) fn write(
    conn: &Connection,
    out: &Path,
    lang: Lang,
    mask: Option<Mask>,
    app_facts: &crate::apps::AppFacts,
    computed: Computed,
    progress: &dyn Progress,
) -> Result<ReportSummary> {
    let fail = fail(out);
    output_folder(out)?;
    let profile = crate::org::profile::load(conn)?;
    let departments = crate::org::departments::list(conn)?;
    let roles = crate::roles::list(conn)?;
    let mut checks = failing_checks(conn, lang)?;
    if mask.is_some() {
        for c in &mut checks {
            for text in [&mut c.target, &mut c.message, &mut c.fix] {
                *text = super::mask::text(text);
            }
        }
    }
    let mut status_counts: HashMap<MemberStatus, u32> = HashMap::default();
    {
        let mut stmt = conn.prepare("SELECT status, count(*) FROM members GROUP BY status")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?;
        for row in rows {
            let (s, n) = row?;
            *status_counts
                .entry(s.parse().unwrap_or_default())
                .or_default() += n;
        }
    }
    let total: u32 = status_counts.values().sum();
    let use_roles = roles.iter().any(|r| !r.builtin || !r.holders.is_empty());

    let names = [
        tr(lang, "report.sheet_overview"),
        tr(lang, "report.sheet_roster"),
        tr(lang, "report.sheet_org"),
        tr(lang, "report.sheet_permissions"),
    ];
    let mut book = crate::xlsx::workbook().map_err(&fail)?;
    let ctx = Overview {
        lang,
        company: &profile.name,
        platform: profile.platform,
        departments: &departments,
        status_counts: &status_counts,
        total,
        roles: roles.len(),
        checks: &checks,
        masked: mask.is_some(),
    };
    ctx.write(book.add_worksheet(), &names[0]).map_err(&fail)?;

    let roster = book.add_worksheet_with_constant_memory().map_err(&fail)?;
    roster.set_name(&names[1]).map_err(&fail)?;
    let leaders = write_roster(conn, out, roster, lang, total, mask, progress)?;
    write_org(
        book.add_worksheet(),
        &names[2],
        lang,
        &departments,
        &leaders,
    )
    .map_err(&fail)?;
    let mut sheets = names[..3].to_vec();
    if use_roles {
        crate::roles::export::write_matrix_sheet(&mut book, &names[3], lang, &roles)
            .map_err(&fail)?;
        sheets.push(names[3].clone());
    }
    let life = crate::lifecycle::overview(conn, lang)?;
    if !life.joiners.is_empty() || !life.leavers.is_empty() {
        let name = tr(lang, "report.sheet_lifecycle");
        write_lifecycle(book.add_worksheet(), &name, lang, &life, mask).map_err(&fail)?;
        sheets.push(name);
    }
    let mut apps = super::apps_sheet::gather(conn, app_facts, lang)?;
    if mask.is_some() {
        apps.mask();
    }
    if !apps.is_empty() {
        let name = tr(lang, "report.sheet_apps");
        super::apps_sheet::write(book.add_worksheet(), &name, lang, &apps).map_err(&fail)?;
        sheets.push(name);
    }
    if let Some(mut h) = computed.health.filter(super::health_sheet::has_data) {
        if mask.is_some() {
            super::health_sheet::mask(&mut h);
        }
        let name = tr(lang, "report.sheet_health");
        super::health_sheet::write(book.add_worksheet(), &name, lang, &h).map_err(&fail)?;
        sheets.push(name);
    }
    if let Some(r) = computed.rfm.filter(super::rfm_sheet::has_data) {
        let name = tr(lang, "report.sheet_rfm");
        super::rfm_sheet::write(book.add_worksheet(), &name, lang, &r).map_err(&fail)?;
        sheets.push(name);
    }
    xlsx::save(&mut book, out)?;
    Ok(ReportSummary {
        file: out.display().to_string(),
        sheets,
        members: total,
        departments: departments.len() as u32,
        failing_checks: checks.len() as u32,
    })
}

struct Overview<'a> {
    lang: Lang,
    company: &'a str,
    platform: Platform,
    departments: &'a [Department],
    status_counts: &'a HashMap<MemberStatus, u32>,
    total: u32,
    roles: usize,
    checks: &'a [Check],
    masked: bool,
}

impl Overview<'_> {
    fn write(&self, sheet: &mut Worksheet, name: &str) -> std::result::Result<(), XlsxError> {
        let lang = self.lang;
        sheet.set_name(name)?;
        let title = Format::new()
            .set_font_name(FONT)
            .set_bold()
            .set_font_size(16);
        let muted = Format::new()
            .set_font_name(FONT)
            .set_font_color(rust_xlsxwriter::Color::RGB(0x595959));
        let section = Format::new()
            .set_font_name(FONT)
            .set_bold()
            .set_font_size(12);
        let head = xlsx::header();
        let text = xlsx::text();
        let wrap = xlsx::text()
            .set_text_wrap()
            .set_align(rust_xlsxwriter::FormatAlign::Top);
        let number = Format::new().set_font_name(FONT).set_num_format("0");
        sheet.set_column_width(0, 26)?;
        sheet.set_column_width(1, 14)?;
        sheet.set_column_width(2, 24)?;
        sheet.set_column_width(3, 44)?;
        sheet.set_column_width(4, 44)?;
        sheet.write_string_with_format(
            0,
            0,
            t(
                lang,
                "report.title",
                &[("company", self.company.to_string())],
            ),
            &title,
        )?;
        sheet.set_row_height(0, 26)?;
        let now = crate::history::now();
        sheet.write_string_with_format(
            1,
            0,
            t(
                lang,
                "report.generated",
                &[(
                    "at",
                    now.chars().take(16).collect::<String>().replace('T', " "),
                )],
            ),
            &muted,
        )?;
        if self.masked {
            let warn = muted
                .clone()
                .set_font_color(rust_xlsxwriter::Color::RGB(0xC00000));
            sheet.write_string_with_format(2, 0, tr(lang, "report.masked"), &warn)?;
        }

        // Key figures.
        let mut row = 3;
        sheet.write_string_with_format(row, 0, tr(lang, "report.figures"), &section)?;
        row += 1;
        let depth = self.departments.iter().map(|d| d.depth).max().unwrap_or(0);
        let figures: [(String, String); 5] = [
            (tr(lang, "report.members_total"), self.total.to_string()),
            (
                tr(lang, "report.departments_total"),
                self.departments.len().to_string(),
            ),
            (tr(lang, "report.depth"), depth.to_string()),
            (tr(lang, "report.roles_total"), self.roles.to_string()),
            (
                tr(lang, "fields.platform"),
                tr(lang, &format!("platforms.{}", self.platform)),
            ),
        ];
        for (label, value) in figures {
            sheet.write_string_with_format(row, 0, label, &text)?;
            match value.parse::<f64>() {
                Ok(n) => sheet.write_number_with_format(row, 1, n, &number)?,
                Err(_) => sheet.write_string_with_format(row, 1, value, &text)?,
            };
            row += 1;
        }

        // Members by status: the pie's data.
        row += 1;
        sheet.write_string_with_format(row, 0, tr(lang, "report.by_status"), &section)?;
        row += 1;
        sheet.write_string_with_format(row, 0, tr(lang, "fields.status"), &head)?;
        sheet.write_string_with_format(row, 1, tr(lang, "report.count"), &head)?;
        let status_first = row + 1;
        for s in MemberStatus::ALL {
            row += 1;
            sheet.write_string_with_format(
                row,
                0,
                tr(lang, &format!("statuses.{}", s.as_str())),
                &text,
            )?;
            let n = self.status_counts.get(s).copied().unwrap_or(0);
            sheet.write_number_with_format(row, 1, n, &number)?;
        }
        let status_last = row;

        // Members per department: the bars' data.
        row += 2;
        sheet.write_string_with_format(row, 0, tr(lang, "report.by_department"), &section)?;
        row += 1;
        sheet.write_string_with_format(row, 0, tr(lang, "fields.department"), &head)?;
        sheet.write_string_with_format(row, 1, tr(lang, "report.count"), &head)?;
        let mut bars = chart_departments(self.departments);
        bars.sort_by_key(|d| std::cmp::Reverse(d.total_member_count));
        let dept_first = row + 1;
        for d in &bars {
            row += 1;
            sheet.write_string_with_format(row, 0, &d.name, &text)?;
            sheet.write_number_with_format(row, 1, d.total_member_count, &number)?;
        }
        let dept_last = row.max(dept_first);

        // Charts side by side below the tables, then the failing checks.
        let font = |bold: bool| {
            let mut f = ChartFont::new();
            f.set_name(FONT);
            if bold {
                f.set_bold();
            }
            f
        };
        let mut bar = Chart::new(ChartType::Bar);
        bar.add_series()
            .set_name(&tr(lang, "report.count"))
            .set_categories((
                name,
                dept_first,
                0,
                dept_last.min(dept_first + CHART_BARS as u32 - 1),
                0,
            ))
            .set_values((
                name,
                dept_first,
                1,
                dept_last.min(dept_first + CHART_BARS as u32 - 1),
                1,
            ))
            .set_data_label(ChartDataLabel::new().show_value().set_font(&font(false)));
        bar.title()
            .set_name(&tr(lang, "report.chart_departments"))
            .set_font(&font(true));
        bar.x_axis().set_font(&font(false));
        bar.y_axis().set_font(&font(false)).set_reverse();
        bar.legend().set_hidden();
        let height = 260 + 16 * bars.len().min(CHART_BARS) as u32;
        bar.set_width(430).set_height(height);
        row += 2;
        sheet.insert_chart(row, 0, &bar)?;

        let mut pie = Chart::new(ChartType::Pie);
        pie.add_series()
            .set_name(&tr(lang, "report.chart_status"))
            .set_categories((name, status_first, 0, status_last, 0))
            .set_values((name, status_first, 1, status_last, 1))
            .set_data_label(
                ChartDataLabel::new()
                    .show_percentage()
                    .set_font(&font(false)),
            );
        pie.title()
            .set_name(&tr(lang, "report.chart_status"))
            .set_font(&font(true));
        pie.legend()
            .set_position(ChartLegendPosition::Right)
            .set_font(&font(false));
        pie.set_width(420).set_height(height);
        sheet.insert_chart(row, 3, &pie)?;
        // Default rows are 20 px high.
        row += height.div_ceil(20) + 1;

        // Checks that fail.
        row += 2;
        sheet.write_string_with_format(
            row,
            0,
            t(
                lang,
                "report.checks",
                &[("count", self.checks.len().to_string())],
            ),
            &section,
        )?;
        row += 1;
        if self.checks.is_empty() {
            sheet.write_string_with_format(row, 0, tr(lang, "report.checks_clean"), &text)?;
        } else {
            for (c, key) in [
                "report.area",
                "report.severity",
                "report.target",
                "report.problem",
                "report.fix",
            ]
            .iter()
            .enumerate()
            {
                sheet.write_string_with_format(row, c as u16, tr(lang, key), &head)?;
            }
            for check in self.checks {
                row += 1;
                for (c, v) in [
                    &check.area,
                    &check.severity,
                    &check.target,
                    &check.message,
                    &check.fix,
                ]
                .iter()
                .enumerate()
                {
                    sheet.write_string_with_format(row, c as u16, v.as_str(), &wrap)?;
                }
            }
        }

        sheet.set_landscape();
        sheet.set_print_fit_to_pages(1, 0);
        Ok(())
    }
}

/// A roster column: the account and departments, then every member field.
#[derive(Clone, Copy)]
enum RosterColumn {
    Userid,
    MainDepartment,
    OtherDepartments,
    Field(FieldKey),
}

impl RosterColumn {
    fn all() -> Vec<RosterColumn> {
        let mut all = vec![
            RosterColumn::Field(FieldKey::Name),
            RosterColumn::Userid,
            RosterColumn::MainDepartment,
            RosterColumn::OtherDepartments,
        ];
        all.extend(
            FIELDS
                .iter()
                .filter(|s| s.key != FieldKey::Name)
                .map(|s| RosterColumn::Field(s.key)),
        );
        all
    }

    fn header(self, lang: Lang) -> String {
        match self {
            RosterColumn::Userid => tr(lang, "fields.userid"),
            RosterColumn::MainDepartment => tr(lang, "fields.main_department"),
            RosterColumn::OtherDepartments => tr(lang, "report.other_departments"),
            RosterColumn::Field(key) => tr(lang, &format!("fields.{}", key.code())),
        }
    }

    /// The cell of member `m` (gender and status in words).
    fn cell(self, m: &Member, lang: Lang) -> Option<String> {
        match self {
            RosterColumn::Userid => Some(m.userid.clone()),
            RosterColumn::MainDepartment => m.departments.first().cloned(),
            RosterColumn::OtherDepartments => {
                (m.departments.len() > 1).then(|| m.departments[1..].join("；"))
            }
            RosterColumn::Field(key) => {
                let text = m.fields.text(key)?;
                Some(match key.spec().kind {
                    FieldKind::Gender => tr(lang, &format!("genders.{text}")),
                    FieldKind::Status => tr(lang, &format!("statuses.{text}")),
                    _ => text.into_owned(),
                })
            }
        }
    }
}

/// The roster, streamed; returns department path → leader names, for the org chart.
fn write_roster(
    conn: &Connection,
    out: &Path,
    sheet: &mut Worksheet,
    lang: Lang,
    total: u32,
    mask: Option<Mask>,
    progress: &dyn Progress,
) -> Result<HashMap<String, Vec<String>>> {
    let fail = fail(out);
    let columns = RosterColumn::all();
    let headers: Vec<String> = columns.iter().map(|c| c.header(lang)).collect();
    let mut widths: Vec<f64> = headers
        .iter()
        .map(|h| xlsx::fit(std::iter::once(h.as_str()), 6.0, 60.0))
        .collect();
    // Widths fit the values: set them (as Excel allows) after the rows are known.
    let cols: Vec<(String, f64)> = headers.iter().map(|h| (h.clone(), 10.0)).collect();
    xlsx::table_header(sheet, &cols, 2, total).map_err(&fail)?;
    let text = xlsx::text();
    let mut leaders: HashMap<String, Vec<String>> = HashMap::default();
    let mut ticker = Ticker::new(total as u64, progress);
    let mut row = 0;
    crate::members::each(conn, |m| {
        let m = match mask {
            Some(k) => k.member(m),
            None => m,
        };
        row += 1;
        for path in &m.leader_of {
            leaders
                .entry(path.clone())
                .or_default()
                .push(m.fields.name.clone());
        }
        for (c, column) in columns.iter().enumerate() {
            let Some(v) = column.cell(&m, lang) else {
                continue;
            };
            let w = xlsx::fit(std::iter::once(v.as_str()), 6.0, 60.0);
            if w > widths[c] {
                widths[c] = w;
            }
            sheet
                .write_string_with_format(row, c as u16, &v, &text)
                .map_err(&fail)?;
        }
        ticker.tick()
    })?;
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *w).map_err(&fail)?;
    }
    ticker.finish();
    Ok(leaders)
}

/// Joiners and leavers: one row per person with the steps still open, overdue ones marked.
fn write_lifecycle(
    sheet: &mut Worksheet,
    name: &str,
    lang: Lang,
    life: &crate::lifecycle::Lifecycle,
    mask: Option<Mask>,
) -> std::result::Result<(), XlsxError> {
    sheet.set_name(name)?;
    let headers = [
        ("lifecycle_ui.kind", 8.0),
        ("fields.name", 12.0),
        ("fields.userid", 16.0),
        ("fields.department", 30.0),
        ("report.lifecycle_date", 12.0),
        ("lifecycle_ui.successor", 14.0),
        ("report.lifecycle_open", 60.0),
        ("report.lifecycle_overdue", 40.0),
    ]
    .map(|(k, w)| (tr(lang, k), w));
    let cases: Vec<&crate::lifecycle::Case> = life.leavers.iter().chain(&life.joiners).collect();
    xlsx::table_header(sheet, &headers, 3, cases.len() as u32)?;
    let text = xlsx::text();
    for (i, c) in cases.iter().enumerate() {
        let open: Vec<&str> = c
            .steps
            .iter()
            .filter(|s| !s.done)
            .map(|s| s.title.as_str())
            .collect();
        let overdue: Vec<String> = c
            .steps
            .iter()
            .filter(|s| s.overdue)
            .map(|s| format!("{}（{}）", s.title, s.due.as_deref().unwrap_or("")))
            .collect();
        let shown_name = match mask {
            Some(m) if m.names => super::mask::name(&c.name),
            _ => c.name.clone(),
        };
        let cells = [
            tr(lang, &format!("lifecycle_ui.kind_{}", c.kind.as_str())),
            shown_name,
            c.userid.clone(),
            c.department.clone().unwrap_or_default(),
            c.since.clone().unwrap_or_default(),
            c.successor.clone().unwrap_or_default(),
            open.join("、"),
            overdue.join("、"),
        ];
        for (col, value) in cells.iter().enumerate() {
            sheet.write_string_with_format(
                i as u32 + 1,
                col as u16,
                crate::files::neutralise(value),
                &text,
            )?;
        }
    }
    Ok(())
}

/// The org chart: one row per department, indented by level, branches grouped as Excel
/// outlines so they collapse.
fn write_org(
    sheet: &mut Worksheet,
    name: &str,
    lang: Lang,
    departments: &[Department],
    leaders: &HashMap<String, Vec<String>>,
) -> std::result::Result<(), XlsxError> {
    sheet.set_name(name)?;
    let headers = vec![
        (tr(lang, "fields.department"), 40.0),
        (tr(lang, "report.org_direct"), 12.0),
        (tr(lang, "report.org_total"), 12.0),
        (tr(lang, "report.org_leaders"), 20.0),
        (tr(lang, "report.org_visibility"), 36.0),
        (tr(lang, "report.org_path"), 50.0),
    ];
    xlsx::table_header(sheet, &headers, 1, departments.len() as u32)?;
    sheet.group_symbols_above(true);
    let text = xlsx::text();
    let number = Format::new().set_font_name(FONT).set_num_format("0");
    let sensitive = tr(lang, "report.org_sensitive");
    let mut indents: Vec<Format> = Vec::new();
    for (i, d) in departments.iter().enumerate() {
        let row = i as u32 + 1;
        let level = d.depth.saturating_sub(1) as usize;
        while indents.len() <= level {
            let mut f = xlsx::text().set_indent(indents.len().min(15) as u8);
            if indents.is_empty() {
                f = f.set_bold();
            }
            indents.push(f);
        }
        sheet.write_string_with_format(row, 0, &d.name, &indents[level])?;
        sheet.write_number_with_format(row, 1, d.member_count, &number)?;
        sheet.write_number_with_format(row, 2, d.total_member_count, &number)?;
        if let Some(names) = leaders.get(&d.path) {
            sheet.write_string_with_format(row, 3, names.join("、"), &text)?;
        }
        let visibility = d.visibility.describe(lang);
        let visibility = if d.sensitive {
            format!("{sensitive} · {visibility}")
        } else {
            visibility
        };
        sheet.write_string_with_format(row, 4, visibility, &text)?;
        sheet.write_string_with_format(row, 5, &d.path, &text)?;
    }
    // Rows are in preorder: a department's branch is the rows after it that are deeper.
    for (i, d) in departments.iter().enumerate() {
        if d.depth > MAX_OUTLINE {
            continue;
        }
        let end = departments[i + 1..]
            .iter()
            .position(|x| x.depth <= d.depth)
            .map_or(departments.len(), |p| i + 1 + p);
        if end > i + 1 {
            sheet.group_rows(i as u32 + 2, end as u32)?;
        }
    }
    Ok(())
}
