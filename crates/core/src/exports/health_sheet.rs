//! The report's "运营健康" sheet: every indicator against the guide's threshold with its status,
//! who pulls it down and the remedy, then native Excel charts over tables of their data: the
//! login rate per day against the 85 % line, first reply per member against 2 minutes, the
//! customer funnel and the API error rate per day against 5 %.

use crate::health::{DayValue, Health, Status};
use crate::i18n::{t, Lang};
use crate::xlsx::{self, FONT};
use rust_xlsxwriter::{Chart, ChartFont, ChartType, Format, Worksheet, XlsxError};

/// Members in the reply chart (the slowest; the table lists all).
const REPLY_BARS: usize = 20;
/// Default rows are 20 px high.
const CHART_ROWS: u32 = 16;
const CHART_HEIGHT: u32 = 300;

/// Whether the sheet has anything to show.
pub(crate) fn has_data(h: &Health) -> bool {
    h.indicators.iter().any(|i| i.status != Status::NoData)
}

/// Presentation mode: member names are masked.
pub(crate) fn mask(h: &mut Health) {
    use super::mask;
    for i in &mut h.indicators {
        for w in &mut i.worst {
            if w.kind == "member" {
                w.name = mask::name(&w.name);
            }
        }
    }
    for g in &mut h.details.reply_members {
        g.name = mask::name(&g.name);
    }
}

fn font(bold: bool) -> ChartFont {
    let mut f = ChartFont::new();
    f.set_name(FONT);
    if bold {
        f.set_bold();
    }
    f
}

fn status_key(s: Status) -> &'static str {
    match s {
        Status::Ok => "health_ui.status.ok",
        Status::Warn => "health_ui.status.warn",
        Status::Bad => "health_ui.status.bad",
        Status::NoData => "health_ui.status.no_data",
    }
}

struct Sheet<'s> {
    sheet: &'s mut Worksheet,
    name: String,
    row: u32,
    lang: Lang,
    text: Format,
    number: Format,
    header: Format,
    title: Format,
}

impl Sheet<'_> {
    fn tr(&self, key: &str) -> String {
        t(self.lang, key, &[])
    }

    fn title(&mut self, text: &str) -> Result<(), XlsxError> {
        self.row += 1;
        self.sheet
            .write_string_with_format(self.row, 0, text, &self.title)?;
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

    fn text(&mut self, col: u16, v: &str) -> Result<(), XlsxError> {
        self.sheet.write_string_with_format(
            self.row,
            col,
            crate::files::neutralise(v),
            &self.text,
        )?;
        Ok(())
    }

    fn number(&mut self, col: u16, v: f64) -> Result<(), XlsxError> {
        self.sheet
            .write_number_with_format(self.row, col, v, &self.number)?;
        Ok(())
    }

    /// A table of (label, value, target) rows and a chart of it at column `chart_col`: a
    /// line (or columns) for the values and a line for the target.
    fn chart_table(
        &mut self,
        title: &str,
        headers: &[&str; 3],
        rows: &[(String, f64)],
        target: f64,
        kind: ChartType,
    ) -> Result<(), XlsxError> {
        if rows.is_empty() {
            return Ok(());
        }
        self.title(title)?;
        self.header(headers)?;
        let first = self.row;
        for (label, value) in rows {
            self.text(0, label)?;
            self.number(1, *value)?;
            self.number(2, target)?;
            self.row += 1;
        }
        let last = self.row - 1;
        let mut chart = Chart::new(kind);
        chart
            .add_series()
            .set_name(&self.tr(headers[1]))
            .set_categories((self.name.as_str(), first, 0, last, 0))
            .set_values((self.name.as_str(), first, 1, last, 1));
        let mut line = Chart::new(ChartType::Line);
        line.add_series()
            .set_name(&self.tr(headers[2]))
            .set_categories((self.name.as_str(), first, 0, last, 0))
            .set_values((self.name.as_str(), first, 2, last, 2));
        if kind == ChartType::Line {
            chart
                .add_series()
                .set_name(&self.tr(headers[2]))
                .set_categories((self.name.as_str(), first, 0, last, 0))
                .set_values((self.name.as_str(), first, 2, last, 2));
        } else {
            chart.combine(&line);
        }
        chart.title().set_name(title).set_font(&font(true));
        chart.x_axis().set_font(&font(false));
        chart.y_axis().set_font(&font(false));
        chart.legend().set_font(&font(false));
        chart.set_width(560).set_height(CHART_HEIGHT);
        self.sheet.insert_chart(first - 2, 4, &chart)?;
        self.row = self.row.max(first - 2 + CHART_ROWS);
        Ok(())
    }
}

fn day_rows(days: &[DayValue]) -> Vec<(String, f64)> {
    days.iter().map(|d| (d.day.clone(), d.value)).collect()
}

pub(crate) fn write(
    sheet: &mut Worksheet,
    name: &str,
    lang: Lang,
    h: &Health,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    for (c, w) in [26.0, 12.0, 12.0, 10.0, 44.0, 60.0, 44.0]
        .iter()
        .enumerate()
    {
        sheet.set_column_width(c as u16, *w)?;
    }
    let mut s = Sheet {
        sheet,
        name: name.to_string(),
        row: 0,
        lang,
        text: xlsx::text(),
        number: Format::new().set_num_format("0.0"),
        header: xlsx::header(),
        title: Format::new().set_bold().set_font_size(13),
    };
    let heading = t(
        lang,
        "report.health_title",
        &[("from", h.period.from.clone()), ("to", h.period.to.clone())],
    );
    s.sheet.write_string_with_format(
        0,
        0,
        &heading,
        &Format::new().set_bold().set_font_size(15),
    )?;
    s.row = 1;
    s.title(&s.tr("report.health_indicators"))?;
    s.header(&[
        "report.health_indicator",
        "report.health_value",
        "report.health_target",
        "report.health_status",
        "report.health_worst",
        "report.health_remedy",
        "report.health_console",
    ])?;
    let bad = Format::new().set_font_color("#C00000").set_bold();
    for i in &h.indicators {
        let unit = |v: f64| format!("{v:.1} {}", i.unit);
        s.text(0, &i.name)?;
        s.text(1, &i.value.map(unit).unwrap_or_else(|| "—".into()))?;
        s.text(2, &i.threshold.map(unit).unwrap_or_else(|| "—".into()))?;
        let status = s.tr(status_key(i.status));
        if matches!(i.status, Status::Bad | Status::Warn) {
            s.sheet.write_string_with_format(s.row, 3, &status, &bad)?;
        } else {
            s.text(3, &status)?;
        }
        let worst: Vec<String> = i
            .worst
            .iter()
            .map(|w| format!("{} {:.1}", w.name, w.value))
            .collect();
        s.text(4, &worst.join("\n"))?;
        let act = matches!(i.status, Status::Bad | Status::Warn);
        s.text(5, if act { &i.remedy } else { "" })?;
        s.text(6, if act { &i.console } else { "" })?;
        s.row += 1;
    }
    let d = &h.details;
    let target = |key: &str| {
        h.indicators
            .iter()
            .find(|i| i.key == key)
            .and_then(|i| i.threshold)
            .unwrap_or(0.0)
    };
    s.chart_table(
        &s.tr("report.health_chart_login"),
        &[
            "report.health_day",
            "report.health_login_rate",
            "report.health_target",
        ],
        &day_rows(&d.login_days),
        target("login_rate"),
        ChartType::Line,
    )?;
    let reply: Vec<(String, f64)> = d
        .reply_members
        .iter()
        .take(REPLY_BARS)
        .map(|g| (g.name.clone(), g.value))
        .collect();
    s.chart_table(
        &s.tr("report.health_chart_reply"),
        &[
            "report.health_member",
            "report.health_reply_minutes",
            "report.health_target",
        ],
        &reply,
        target("first_reply"),
        ChartType::Column,
    )?;
    if let Some(f) = &d.funnel {
        s.title(&s.tr("report.health_chart_funnel"))?;
        s.header(&["report.health_stage", "report.health_count"])?;
        let first = s.row;
        for (key, v) in [
            ("report.health_added", f.added),
            ("report.health_chats", f.chats),
            ("report.health_replied", f.replied),
        ] {
            let label = s.tr(key);
            s.text(0, &label)?;
            s.number(1, f64::from(v))?;
            s.row += 1;
        }
        let mut chart = Chart::new(ChartType::Bar);
        chart
            .add_series()
            .set_name(&s.tr("report.health_count"))
            .set_categories((s.name.as_str(), first, 0, s.row - 1, 0))
            .set_values((s.name.as_str(), first, 1, s.row - 1, 1));
        chart
            .title()
            .set_name(&s.tr("report.health_chart_funnel"))
            .set_font(&font(true));
        chart.y_axis().set_reverse().set_font(&font(false));
        chart.x_axis().set_font(&font(false));
        chart.legend().set_hidden();
        chart.set_width(560).set_height(CHART_HEIGHT);
        s.sheet.insert_chart(first - 2, 4, &chart)?;
        s.row = s.row.max(first - 2 + CHART_ROWS);
    }
    s.chart_table(
        &s.tr("report.health_chart_api"),
        &[
            "report.health_day",
            "report.health_error_rate",
            "report.health_target",
        ],
        &day_rows(&d.api_days),
        target("api_error_rate"),
        ChartType::Line,
    )?;
    Ok(())
}
