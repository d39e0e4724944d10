//! Output of the approvals commands (ranks, templates, routes, the check, efficiency).

use crate::print::{Out, R};
use orgdesk_core::approvals::records::{Efficiency, Timing};
use orgdesk_core::approvals::route::{Break, Chain, SkipReason};
use orgdesk_core::approvals::{
    approver_text, when_text, FitFeature, Mode, Ranks, Template, TemplateInfo,
};
use orgdesk_core::apps::{App, AppFinding, AppKind, CatalogueApp};
use orgdesk_core::imports::approval_records::RecordsImport;
use unicode_width::UnicodeWidthStr;

/// Breaks printed per template before the rest are only counted.
const SHOWN_BREAKS: usize = 20;

impl Out {
    pub fn ranks(&self, r: &Ranks) -> R {
        self.emit(r, || {
            let mut text = if r.ranks.is_empty() {
                self.tr("cli.ranks_none", &[])
            } else {
                self.tr("cli.ranks_title", &[])
            };
            for (i, rank) in r.ranks.iter().enumerate() {
                text.push_str(&format!(
                    "\n  {}. {}  {}",
                    i + 1,
                    rank.name,
                    self.tr("cli.rank_members", &[("count", rank.members.to_string())])
                ));
            }
            if !r.unlisted.is_empty() {
                let names: Vec<String> = r
                    .unlisted
                    .iter()
                    .map(|u| format!("{} ({})", u.name, u.members))
                    .collect();
                text.push('\n');
                text.push_str(&self.tr("cli.ranks_unlisted", &[("ranks", names.join(", "))]));
            }
            text
        })
    }

    pub fn templates(&self, list: &[TemplateInfo]) -> R {
        self.emit(list, || {
            let mut text = String::new();
            for info in list {
                let t = &info.template;
                let status = if info.in_workspace {
                    self.tr("cli.template_in_workspace", &[])
                } else {
                    self.tr("cli.template_builtin", &[])
                };
                text.push_str(&format!(
                    "{:<12} {}  [{}]  {}\n",
                    t.key,
                    t.label(self.lang),
                    status,
                    self.tr(
                        "cli.template_routes",
                        &[("count", t.routes.len().to_string())]
                    )
                ));
            }
            text
        })
    }

    pub fn template(&self, t: &Template, fit: &[FitFeature]) -> R {
        let doc = serde_json::json!({ "template": t, "fit": fit });
        self.emit(&doc, || {
            let mut text = format!("{} ({})", t.label(self.lang), t.key);
            for (i, r) in t.routes.iter().enumerate() {
                text.push_str(&format!(
                    "\n  {} {}: {}",
                    self.tr("cli.route", &[("index", (i + 1).to_string())]),
                    when_text(&r.when, self.lang),
                    r.steps
                        .iter()
                        .map(|s| approver_text(&s.approver, self.lang))
                        .collect::<Vec<_>>()
                        .join(" → ")
                ));
            }
            if !t.cc.is_empty() {
                let cc: Vec<String> = t.cc.iter().map(|a| approver_text(a, self.lang)).collect();
                text.push_str(&format!(
                    "\n  {}: {}",
                    self.tr("cli.cc", &[]),
                    cc.join("、")
                ));
            }
            for f in fit {
                text.push_str(&format!("\n{}", f.name));
                for c in &f.platforms {
                    let confidence =
                        self.tr(&format!("confidences.{}", c.confidence.as_str()), &[]);
                    let value = match &c.text {
                        Some(v) => format!("{v} ({confidence})"),
                        None => confidence,
                    };
                    let name = self.tr(&format!("platforms.{}", c.platform), &[]);
                    let pad = " ".repeat(10usize.saturating_sub(name.width()));
                    text.push_str(&format!("\n  {name}{pad}{value}"));
                }
            }
            text
        })
    }

    pub fn template_saved(&self, t: &Template) -> R {
        self.emit(t, || {
            self.tr(
                "cli.template_saved",
                &[("key", t.key.clone()), ("name", t.label(self.lang).into())],
            )
        })
    }

    pub fn template_deleted(&self, t: &Template) -> R {
        self.emit(t, || {
            self.tr("cli.template_deleted", &[("key", t.key.clone())])
        })
    }

    pub fn chain(&self, c: &Chain) -> R {
        self.emit(c, || {
            let route = match c.route {
                Some(r) => self.tr("cli.route", &[("index", (r + 1).to_string())]),
                None => self.tr("cli.no_route", &[]),
            };
            let mut text = format!(
                "{} · {}（{}） · {}",
                c.template_name, c.applicant_name, c.applicant, route
            );
            for (i, s) in c.steps.iter().enumerate() {
                let who = if s.skipped {
                    let why = match s.skip_reason {
                        Some(SkipReason::Own) => "cli.skipped_self",
                        _ => "cli.skipped_duplicate",
                    };
                    let names: Vec<String> =
                        s.skipped_approvers.iter().map(|a| a.name.clone()).collect();
                    format!("({}: {})", self.tr(why, &[]), names.join("、"))
                } else if s.approvers.is_empty() {
                    self.tr("cli.step_nobody", &[])
                } else {
                    let names: Vec<String> = s
                        .approvers
                        .iter()
                        .map(|a| format!("{}（{}） {}", a.name, a.userid, a.reason))
                        .collect();
                    let mode = if s.approvers.len() > 1 {
                        {
                            let key = match s.mode {
                                Mode::All => "cli.mode_all",
                                Mode::Any => "cli.mode_any",
                            };
                            format!(" [{}]", self.tr(key, &[]))
                        }
                    } else {
                        String::new()
                    };
                    format!("{}{mode}", names.join("、"))
                };
                text.push_str(&format!("\n  {}. {who}", i + 1));
            }
            if !c.cc.is_empty() {
                let cc: Vec<String> = c.cc.iter().map(|a| a.name.clone()).collect();
                text.push_str(&format!(
                    "\n  {}: {}",
                    self.tr("cli.cc", &[]),
                    cc.join("、")
                ));
            }
            for p in &c.problems {
                let at = p
                    .step
                    .map(|s| {
                        format!(
                            " {}",
                            self.tr("cli.at_step", &[("step", (s + 1).to_string())])
                        )
                    })
                    .unwrap_or_default();
                text.push_str(&format!("\n  ✗ [{}]{at} {}", p.code, p.message));
            }
            if c.sound() {
                text.push_str(&format!("\n{}", self.tr("cli.chain_sound", &[])));
            }
            text
        })
    }

    pub fn breaks(&self, breaks: &[Break]) -> R {
        self.emit(breaks, || {
            if breaks.is_empty() {
                return self.tr("cli.approvals_clean", &[]);
            }
            let mut text = self.tr(
                "cli.approvals_breaks",
                &[("count", breaks.len().to_string())],
            );
            let mut shown: std::collections::BTreeMap<&str, usize> = Default::default();
            for b in breaks {
                let n = shown.entry(b.template.as_str()).or_default();
                *n += 1;
                if *n > SHOWN_BREAKS {
                    continue;
                }
                let route = b
                    .route
                    .map(|r| self.tr("cli.route", &[("index", (r + 1).to_string())]))
                    .unwrap_or_default();
                text.push_str(&format!(
                    "\n  {} {route} · {}（{}） [{}] {}",
                    b.template, b.applicant_name, b.applicant, b.code, b.message
                ));
            }
            for (template, n) in shown {
                if n > SHOWN_BREAKS {
                    text.push_str(&format!(
                        "\n  {}",
                        self.tr(
                            "cli.approvals_more",
                            &[
                                ("template", template.into()),
                                ("count", (n - SHOWN_BREAKS).to_string())
                            ]
                        )
                    ));
                }
            }
            text
        })
    }

    pub fn records_import(&self, r: &RecordsImport, dry_run: bool) -> R {
        self.emit(r, || {
            let key = match (r.committed, dry_run) {
                (true, _) => "cli.records_imported",
                (false, true) => "cli.records_dry_run",
                (false, false) => "cli.records_refused",
            };
            let text = self.tr(
                key,
                &[
                    ("added", r.added.to_string()),
                    ("replaced", r.replaced.to_string()),
                    ("rows", r.rows.to_string()),
                ],
            );
            text + &crate::print::sheet_problems(&r.problems)
        })
    }

    fn timing_text(&self, t: &Timing) -> String {
        self.tr(
            "cli.timing",
            &[
                ("count", t.count.to_string()),
                ("median", format!("{:.1}", t.median_hours)),
                ("p90", format!("{:.1}", t.p90_hours)),
            ],
        )
    }

    pub fn efficiency(&self, e: &Efficiency) -> R {
        self.emit(e, || {
            if e.completed == 0 {
                return self.tr("cli.efficiency_none", &[("records", e.records.to_string())]);
            }
            let mut text = self.tr(
                "cli.efficiency_title",
                &[
                    ("from", e.from.clone().unwrap_or_default()),
                    ("to", e.to.clone().unwrap_or_default()),
                    ("completed", e.completed.to_string()),
                    ("pending", e.pending.to_string()),
                    ("share", e.top_share_percent.to_string()),
                ],
            );
            for d in &e.departments {
                let mark = if d.top30 { "✓" } else { "✗" };
                text.push_str(&format!(
                    "\n  {mark} {}. {}  {}  {}",
                    d.rank,
                    d.department,
                    self.timing_text(&d.timing),
                    self.tr(
                        "cli.percentile",
                        &[("value", format!("{:.0}", d.percentile))]
                    )
                ));
                if let Some(slow) = d.slowest_approvers.first() {
                    text.push_str(&format!(
                        "\n      {}",
                        self.tr(
                            "cli.slowest",
                            &[
                                ("name", slow.approver.clone()),
                                ("median", format!("{:.1}", slow.timing.median_hours))
                            ]
                        )
                    ));
                }
                if let Some(r) = &d.remedy {
                    text.push_str(&format!("\n      {r}"));
                }
            }
            text.push_str(&format!("\n{}", self.tr("cli.by_template", &[])));
            for t in &e.templates {
                text.push_str(&format!(
                    "\n  {}  {}",
                    t.template,
                    self.timing_text(&t.timing)
                ));
            }
            text
        })
    }
}

impl Out {
    pub fn app_catalogue(&self, list: &[(String, CatalogueApp)]) -> R {
        #[derive(serde::Serialize)]
        struct Row<'a> {
            platform: &'a str,
            #[serde(flatten)]
            app: &'a CatalogueApp,
        }
        let rows: Vec<Row> = list
            .iter()
            .map(|(platform, app)| Row { platform, app })
            .collect();
        self.emit(&rows, || {
            let mut text = String::new();
            let mut last = "";
            for r in &rows {
                if r.platform != last {
                    text.push_str(&format!(
                        "{}\n",
                        self.tr(&format!("platforms.{}", r.platform), &[])
                    ));
                    last = r.platform;
                }
                let cert = if r.app.certification.required {
                    format!(" [{}]", self.tr("cli.app_needs_certification", &[]))
                } else {
                    String::new()
                };
                text.push_str(&format!(
                    "  {:<17} {}{cert} — {}  ({})\n",
                    r.app.key,
                    r.app.name.get(self.lang),
                    r.app.purpose.get(self.lang),
                    self.tr(&format!("confidences.{}", r.app.confidence.as_str()), &[])
                ));
            }
            text
        })
    }

    fn app_line(&self, a: &App) -> String {
        let seen = if a.everyone {
            self.tr("cli.app_everyone", &[])
        } else {
            let mut parts: Vec<String> = a.departments.clone();
            parts.extend(a.roles.iter().cloned());
            parts.extend(a.members.iter().cloned());
            if parts.is_empty() {
                self.tr("cli.app_nobody", &[])
            } else {
                parts.join("、")
            }
        };
        let admins = if a.admins.is_empty() {
            String::new()
        } else {
            format!(
                " · {}: {}",
                self.tr("cli.app_admins", &[]),
                a.admins.join("、")
            )
        };
        format!(
            "{:<17} {} [{}] → {} ({}){admins}",
            a.key,
            a.name,
            self.tr(&format!("cli.app_kind_{}", kind_word(a.kind)), &[]),
            seen,
            self.tr("cli.rank_members", &[("count", a.audience.to_string())])
        )
    }

    pub fn apps(&self, list: &[App]) -> R {
        self.emit(list, || {
            if list.is_empty() {
                return self.tr("cli.apps_none", &[]);
            }
            list.iter()
                .map(|a| self.app_line(a))
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    pub fn app_saved(&self, key: &str, a: &App) -> R {
        self.emit(a, || {
            format!(
                "{}\n{}",
                self.tr(key, &[("app", a.name.clone())]),
                self.app_line(a)
            )
        })
    }

    pub fn app_findings(&self, list: &[AppFinding]) -> R {
        self.emit(list, || {
            if list.is_empty() {
                return self.tr("cli.apps_clean", &[]);
            }
            list.iter()
                .map(|f| {
                    let code = serde_json::to_value(f.code)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default();
                    format!("✗ [{code}] {}\n    {}", f.message, f.fix)
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    }
}

fn kind_word(k: AppKind) -> &'static str {
    match k {
        AppKind::Native => "native",
        AppKind::SelfBuilt => "self_built",
        AppKind::ThirdParty => "third_party",
    }
}
