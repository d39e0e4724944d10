//! The report's "应用与审批" sheet: the app plan with who sees each app and what the checks
//! found, the approval templates with their routes, where chains break, and approval speed.

use crate::approvals::records::Efficiency;
use crate::approvals::route::BreakSummary;
use crate::approvals::Template;
use crate::apps::{App, AppFinding};
use crate::i18n::{t, Lang};
use crate::xlsx;
use rust_xlsxwriter::{Format, Worksheet, XlsxError};

/// Breaks listed before the rest are only counted.
const BREAKS_SHOWN: usize = 500;

pub(crate) struct AppsAndApprovals {
    pub apps: Vec<App>,
    pub findings: Vec<AppFinding>,
    pub templates: Vec<Template>,
    pub breaks: BreakSummary,
    pub efficiency: Efficiency,
}

impl AppsAndApprovals {
    /// Presentation mode: names and the messages that carry them are masked.
    pub(crate) fn mask(&mut self) {
        use super::mask;
        for b in &mut self.breaks.breaks {
            b.applicant_name = mask::name(&b.applicant_name);
            b.message = mask::text(&b.message);
        }
        for d in &mut self.efficiency.departments {
            for a in &mut d.slowest_approvers {
                a.approver = mask::name(&a.approver);
            }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.apps.is_empty() && self.templates.is_empty() && self.efficiency.records == 0
    }
}

struct Writer<'s> {
    sheet: &'s mut Worksheet,
    row: u32,
    lang: Lang,
    text: Format,
    header: Format,
    title: Format,
}

impl Writer<'_> {
    fn tr(&self, key: &str) -> String {
        t(self.lang, key, &[])
    }

    fn title(&mut self, key: &str) -> Result<(), XlsxError> {
        if self.row > 0 {
            self.row += 1;
        }
        let text = self.tr(key);
        self.sheet
            .write_string_with_format(self.row, 0, &text, &self.title)?;
        self.row += 1;
        Ok(())
    }

    fn header(&mut self, keys: &[&str]) -> Result<(), XlsxError> {
        for (c, k) in keys.iter().enumerate() {
            let text = self.tr(k);
            self.sheet
                .write_string_with_format(self.row, c as u16, &text, &self.header)?;
        }
        self.row += 1;
        Ok(())
    }

    fn line(&mut self, cells: &[String]) -> Result<(), XlsxError> {
        for (c, v) in cells.iter().enumerate() {
            self.sheet.write_string_with_format(
                self.row,
                c as u16,
                crate::files::neutralise(v),
                &self.text,
            )?;
        }
        self.row += 1;
        Ok(())
    }
}

/// Gathers what the sheet shows.
pub(crate) fn gather(
    conn: &rusqlite::Connection,
    facts: &crate::apps::AppFacts,
    lang: Lang,
) -> crate::Result<AppsAndApprovals> {
    let templates = crate::approvals::workspace_templates(conn)?;
    let breaks = if templates.is_empty() {
        BreakSummary::default()
    } else {
        let org = crate::approvals::route::Org::load(conn)?;
        crate::approvals::route::summary(&org, &templates, lang, BREAKS_SHOWN)
    };
    Ok(AppsAndApprovals {
        apps: crate::apps::list(conn, lang)?,
        findings: crate::apps::check(conn, facts, lang)?,
        templates,
        breaks,
        efficiency: crate::approvals::records::efficiency(conn, None, None, lang)?,
    })
}

pub(crate) fn write(
    sheet: &mut Worksheet,
    name: &str,
    lang: Lang,
    data: &AppsAndApprovals,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    for (c, w) in [18.0, 14.0, 40.0, 14.0, 50.0, 30.0, 14.0, 30.0]
        .iter()
        .enumerate()
    {
        sheet.set_column_width(c as u16, *w)?;
    }
    let mut w = Writer {
        sheet,
        row: 0,
        lang,
        text: xlsx::text(),
        header: xlsx::header(),
        title: Format::new().set_bold().set_font_size(13),
    };
    w.title("report.apps_title")?;
    w.header(&[
        "report.app",
        "report.app_kind",
        "report.app_visible_to",
        "report.app_audience",
        "report.app_findings",
        "report.app_admins",
    ])?;
    for a in &data.apps {
        let seen = if a.everyone {
            w.tr("cli.app_everyone")
        } else {
            let mut parts = a.departments.clone();
            parts.extend(a.roles.iter().cloned());
            parts.extend(a.members.iter().cloned());
            parts.join("、")
        };
        let findings: Vec<&str> = data
            .findings
            .iter()
            .filter(|f| f.app.as_deref() == Some(a.key.as_str()))
            .map(|f| f.message.as_str())
            .collect();
        let kind = serde_json::to_value(a.kind)
            .ok()
            .and_then(|v| v.as_str().map(|s| w.tr(&format!("cli.app_kind_{s}"))))
            .unwrap_or_default();
        w.line(&[
            a.name.clone(),
            kind,
            seen,
            a.audience.to_string(),
            findings.join("；"),
            a.admins.join("、"),
        ])?;
    }
    for f in data.findings.iter().filter(|f| f.app.is_none()) {
        w.line(&[
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            f.message.clone(),
        ])?;
    }

    w.title("report.templates_title")?;
    w.header(&[
        "report.template",
        "report.route",
        "report.route_when",
        "report.route_steps",
    ])?;
    for tpl in &data.templates {
        for (i, r) in tpl.routes.iter().enumerate() {
            let when = crate::approvals::when_text(&r.when, lang);
            let steps: Vec<String> = r
                .steps
                .iter()
                .map(|s| crate::approvals::approver_text(&s.approver, lang))
                .collect();
            w.line(&[
                format!("{} ({})", tpl.label(lang), tpl.key),
                (i + 1).to_string(),
                when,
                steps.join(" → "),
            ])?;
        }
    }

    w.title("report.breaks_title")?;
    if data.breaks.total == 0 {
        let none = w.tr("cli.approvals_clean");
        w.line(&[none])?;
    } else {
        w.header(&[
            "report.template",
            "report.route",
            "fields.name",
            "fields.userid",
            "report.break_code",
            "report.break_message",
        ])?;
        for b in &data.breaks.breaks {
            w.line(&[
                b.template.clone(),
                b.route.map(|r| (r + 1).to_string()).unwrap_or_default(),
                b.applicant_name.clone(),
                b.applicant.clone(),
                b.code.to_string(),
                b.message.clone(),
            ])?;
        }
        let listed = data.breaks.breaks.len() as u32;
        if data.breaks.total > listed {
            let more = t(
                lang,
                "report.breaks_more",
                &[("count", (data.breaks.total - listed).to_string())],
            );
            w.line(&[more])?;
        }
    }

    w.title("report.efficiency_title")?;
    let e = &data.efficiency;
    if e.completed == 0 {
        let none = t(
            lang,
            "cli.efficiency_none",
            &[("records", e.records.to_string())],
        );
        w.line(&[none])?;
        return Ok(());
    }
    w.header(&[
        "fields.department",
        "report.eff_count",
        "report.eff_median",
        "report.eff_p90",
        "report.eff_rank",
        "report.eff_top",
        "report.eff_slowest",
        "report.eff_remedy",
    ])?;
    let yes = w.tr("values.yes");
    let no = w.tr("values.no");
    for d in &e.departments {
        let slow: Vec<String> = d
            .slowest_approvers
            .iter()
            .map(|a| format!("{}（{:.1}h）", a.approver, a.timing.median_hours))
            .collect();
        w.line(&[
            d.department.clone(),
            d.timing.count.to_string(),
            format!("{:.1}", d.timing.median_hours),
            format!("{:.1}", d.timing.p90_hours),
            format!("{} / {}", d.rank, e.departments.len()),
            if d.top30 { yes.clone() } else { no.clone() },
            slow.join("、"),
            d.remedy.clone().unwrap_or_default(),
        ])?;
    }
    Ok(())
}
