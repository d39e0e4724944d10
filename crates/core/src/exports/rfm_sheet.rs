//! The report's "客户 RFM" sheet: the period and thresholds, the eight segments with whether
//! R, F and M are high, their customers, share and revenue, and a native chart of them
//! (customers as columns, revenue as a line on a second axis). No customer is named.

use crate::customers::rfm::{self, Rfm};
use crate::i18n::{t, Lang};
use crate::xlsx::{self, FONT};
use rust_xlsxwriter::{Chart, ChartFont, ChartType, Format, Worksheet, XlsxError};

/// Whether the sheet has anything to show: some customer had an order in the window.
pub(crate) fn has_data(r: &Rfm) -> bool {
    r.thresholds.is_some()
}

fn font(bold: bool) -> ChartFont {
    let mut f = ChartFont::new();
    f.set_name(FONT);
    if bold {
        f.set_bold();
    }
    f
}

pub(crate) fn write(
    sheet: &mut Worksheet,
    name: &str,
    lang: Lang,
    r: &Rfm,
) -> Result<(), XlsxError> {
    let tr = |key: &str| t(lang, key, &[]);
    sheet.set_name(name)?;
    for (c, w) in [24.0, 11.0, 11.0, 11.0, 12.0, 10.0, 16.0]
        .iter()
        .enumerate()
    {
        sheet.set_column_width(c as u16, *w)?;
    }
    let heading = t(
        lang,
        "report.rfm_title",
        &[
            ("as_of", r.as_of.clone()),
            ("days", r.window_days.to_string()),
        ],
    );
    sheet.write_string_with_format(0, 0, &heading, &Format::new().set_bold().set_font_size(15))?;
    if let Some(th) = &r.thresholds {
        let line = t(
            lang,
            "report.rfm_thresholds",
            &[
                ("r", format!("{:.1}", th.r)),
                ("f", format!("{:.2}", th.f)),
                ("m", format!("{:.2}", th.m)),
                (
                    "scoring",
                    tr(&format!("customers_ui.scoring.{}", scoring(r))),
                ),
            ],
        );
        sheet.write_string(1, 0, &line)?;
    }
    let header = xlsx::header();
    for (c, k) in [
        "report.rfm_segment",
        "report.rfm_r",
        "report.rfm_f",
        "report.rfm_m",
        "report.rfm_customers",
        "report.rfm_share",
        "report.rfm_revenue",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(3, c as u16, tr(k), &header)?;
    }
    let total: u32 = r.segments.iter().map(|s| s.count).sum();
    let share = Format::new().set_num_format("0.0%");
    let money = Format::new().set_num_format("#,##0.00");
    let (high, low) = (tr("report.rfm_high"), tr("report.rfm_low"));
    let first = 4;
    for (i, s) in r.segments.iter().enumerate() {
        let row = first + i as u32;
        sheet.write_string(row, 0, &s.name)?;
        for (c, h) in rfm::levels(&s.key).unwrap_or_default().iter().enumerate() {
            sheet.write_string(row, 1 + c as u16, if *h { &high } else { &low })?;
        }
        sheet.write_number(row, 4, f64::from(s.count))?;
        let part = if total == 0 {
            0.0
        } else {
            f64::from(s.count) / f64::from(total)
        };
        sheet.write_number_with_format(row, 5, part, &share)?;
        sheet.write_number_with_format(row, 6, s.revenue, &money)?;
    }
    let last = first + r.segments.len() as u32 - 1;
    let total_row = last + 1;
    sheet.write_string_with_format(total_row, 0, tr("report.rfm_total"), &header)?;
    sheet.write_number_with_format(total_row, 4, f64::from(total), &header)?;
    let revenue: f64 = r.segments.iter().map(|s| s.revenue).sum();
    sheet.write_number_with_format(total_row, 6, revenue, &money)?;

    let mut chart = Chart::new(ChartType::Column);
    chart
        .add_series()
        .set_name(&tr("report.rfm_customers"))
        .set_categories((name, first, 0, last, 0))
        .set_values((name, first, 4, last, 4));
    let mut line = Chart::new(ChartType::Line);
    line.add_series()
        .set_name(&tr("report.rfm_revenue"))
        .set_categories((name, first, 0, last, 0))
        .set_values((name, first, 6, last, 6))
        .set_secondary_axis(true);
    chart.combine(&line);
    chart
        .title()
        .set_name(&tr("report.rfm_chart"))
        .set_font(&font(true));
    chart.x_axis().set_font(&font(false));
    chart.y_axis().set_font(&font(false));
    chart.legend().set_font(&font(false));
    chart.set_width(620).set_height(340);
    sheet.insert_chart(3, 8, &chart)?;
    Ok(())
}

fn scoring(r: &Rfm) -> &'static str {
    match r.scoring {
        rfm::Scoring::Mean => "mean",
        rfm::Scoring::Quintile => "quintile",
    }
}
