//! Output of the activity import and the health view.

use crate::print::{Out, R};
use orgdesk_core::health::{Health, Status};
use orgdesk_core::imports::activity::ActivityImport;

impl Out {
    pub fn activity_import(&self, r: &ActivityImport, dry_run: bool) -> R {
        self.emit(r, || {
            let key = match (r.committed, dry_run) {
                (true, _) => "cli.activity_imported",
                (false, true) => "cli.activity_dry_run",
                (false, false) => "cli.activity_refused",
            };
            let mut text = self.tr(
                key,
                &[
                    (
                        "kind",
                        self.tr(&format!("health_ui.kinds.{}", r.kind.key()), &[]),
                    ),
                    ("rows", r.rows.to_string()),
                    ("written", r.written.to_string()),
                    ("replaced", r.replaced.to_string()),
                    ("from", r.from.clone().unwrap_or_default()),
                    ("to", r.to.clone().unwrap_or_default()),
                    ("problems", r.problem_count.to_string()),
                ],
            );
            text += &crate::print::sheet_problems(&r.problems);
            if r.problem_count > r.problems.len() as u64 {
                text += &format!(
                    "\n  {}",
                    self.tr(
                        "cli.more_problems",
                        &[(
                            "count",
                            (r.problem_count - r.problems.len() as u64).to_string()
                        )]
                    )
                );
            }
            text
        })
    }

    pub fn health(&self, h: &Health) -> R {
        self.emit(h, || {
            let mut text = self.tr(
                "cli.health_title",
                &[("from", h.period.from.clone()), ("to", h.period.to.clone())],
            );
            for i in &h.indicators {
                let mark = match i.status {
                    Status::Ok => "✓",
                    Status::Warn => "!",
                    Status::Bad => "✗",
                    Status::NoData => "·",
                };
                let figure = |v: Option<f64>| {
                    v.map_or_else(|| "—".to_string(), |v| format!("{v:.1}{}", unit(&i.unit)))
                };
                text.push_str(&format!(
                    "\n\n{mark} {}  {}  ({} {})  [{}]",
                    i.name,
                    figure(i.value),
                    self.tr("cli.health_threshold", &[]),
                    figure(i.threshold),
                    self.tr(&format!("health_ui.status.{}", status_key(i.status)), &[]),
                ));
                let trend: Vec<String> = i
                    .trend
                    .iter()
                    .map(|p| format!("{} {}", p.period, figure(p.value)))
                    .collect();
                if i.status != Status::NoData && !trend.is_empty() {
                    text.push_str(&format!("\n  {}", trend.join(" · ")));
                }
                for w in &i.worst {
                    text.push_str(&format!("\n  - {}  {}", w.name, figure(Some(w.value))));
                }
                if matches!(i.status, Status::Warn | Status::Bad) {
                    text.push_str(&format!("\n  → {}", i.remedy));
                    text.push_str(&format!("\n    {}", i.console));
                }
            }
            text
        })
    }
}

fn unit(unit: &str) -> &str {
    match unit {
        "%" => "%",
        "min" => " min",
        "h" => " h",
        _ => "",
    }
}

fn status_key(s: Status) -> &'static str {
    match s {
        Status::Ok => "ok",
        Status::Warn => "warn",
        Status::Bad => "bad",
        Status::NoData => "no_data",
    }
}
