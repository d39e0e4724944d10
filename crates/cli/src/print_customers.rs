//! Output of the customer contact commands.

use crate::print::{Out, R};
use orgdesk_core::customers::campaigns::{Campaign, CampaignCheck};
use orgdesk_core::customers::handover::HandoverPlan;
use orgdesk_core::customers::limits::CustomerFinding;
use orgdesk_core::customers::rfm::Rfm;
use orgdesk_core::customers::welcome::{Welcome, WelcomeCheck};
use orgdesk_core::customers::{Customer, TagGroup};
use orgdesk_core::imports::customers::CustomersImport;

/// Customers printed before the rest are only counted.
const SHOWN: usize = 50;

impl Out {
    pub fn customers_import(&self, r: &CustomersImport, dry_run: bool, orders: bool) -> R {
        self.emit(r, || {
            let what = if orders { "orders" } else { "customers" };
            let key = match (r.committed, dry_run) {
                (true, _) => format!("cli.{what}_imported"),
                (false, true) => format!("cli.{what}_dry_run"),
                (false, false) => format!("cli.{what}_refused"),
            };
            let mut text = self.tr(
                &key,
                &[
                    ("rows", r.rows.to_string()),
                    ("written", r.written.to_string()),
                    ("added", r.added.to_string()),
                    ("updated", r.updated.to_string()),
                    ("owners", r.owners_added.to_string()),
                    ("tags", r.tags_added.to_string()),
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

    pub fn customers(&self, list: &[Customer]) -> R {
        self.emit(&list, || {
            let mut text = self.tr("cli.customers_title", &[("count", list.len().to_string())]);
            for c in list.iter().take(SHOWN) {
                let owners: Vec<String> = c
                    .owners
                    .iter()
                    .map(|o| format!("{} ({})", o.name, o.userid))
                    .collect();
                let tags: Vec<String> = c
                    .tags
                    .iter()
                    .map(|t| format!("{}:{}", t.group, t.name))
                    .collect();
                text.push_str(&format!(
                    "\n  {}  {}  {}  [{}]  {}",
                    c.name,
                    c.mobile.as_deref().unwrap_or("—"),
                    owners.join(", "),
                    tags.join(", "),
                    self.tr("cli.customer_orders", &[("count", c.orders.to_string())])
                ));
            }
            if list.len() > SHOWN {
                text.push_str(&format!(
                    "\n  {}",
                    self.tr(
                        "cli.more_problems",
                        &[("count", (list.len() - SHOWN).to_string())]
                    )
                ));
            }
            text
        })
    }

    pub fn customer_findings(&self, findings: &[CustomerFinding]) -> R {
        self.emit(&findings, || {
            if findings.is_empty() {
                return self.tr("cli.customer_limits_ok", &[]);
            }
            findings
                .iter()
                .map(|f| format!("[{}] {}\n    {}", f.code, f.message, f.source))
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    pub fn handover(&self, p: &HandoverPlan) -> R {
        self.emit(p, || {
            let to = match (&p.to_name, &p.to) {
                (Some(n), Some(u)) => format!("{n} ({u})"),
                _ => "—".into(),
            };
            let mut text = self.tr(
                "cli.handover_title",
                &[
                    ("from", format!("{} ({})", p.from_name, p.from)),
                    ("to", to),
                    ("count", p.customers.len().to_string()),
                    ("batches", p.batches.to_string()),
                    ("per", p.per_transfer.to_string()),
                ],
            );
            for c in p.customers.iter().take(SHOWN) {
                text.push_str(&format!(
                    "\n  {}  {}  #{}",
                    c.name,
                    c.mobile.as_deref().unwrap_or("—"),
                    c.batch
                ));
            }
            for problem in &p.problems {
                text.push_str(&format!("\n[{}] {}", problem.code, problem.message));
            }
            text
        })
    }

    pub fn campaigns(&self, list: &[Campaign]) -> R {
        self.emit(&list, || {
            if list.is_empty() {
                return self.tr("cli.campaigns_none", &[]);
            }
            list.iter()
                .map(|c| {
                    let i = &c.input;
                    let audience: Vec<String> = i
                        .tags
                        .iter()
                        .chain(&i.segments)
                        .chain(&i.owners)
                        .cloned()
                        .collect();
                    self.tr(
                        "cli.campaign_line",
                        &[
                            ("id", c.id.to_string()),
                            ("date", i.date.clone()),
                            ("senders", i.senders.join(", ")),
                            (
                                "audience",
                                if audience.is_empty() {
                                    self.tr("cli.campaign_everyone", &[])
                                } else {
                                    audience.join(", ")
                                },
                            ),
                            ("text", i.text.clone()),
                        ],
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    pub fn campaign_check(&self, c: &CampaignCheck) -> R {
        self.emit(c, || {
            let mut lines: Vec<String> = c
                .campaigns
                .iter()
                .map(|r| {
                    self.tr(
                        "cli.campaign_reach",
                        &[
                            ("id", r.id.to_string()),
                            ("date", r.date.clone()),
                            ("customers", r.customers.to_string()),
                            ("sends", r.sends.to_string()),
                        ],
                    )
                })
                .collect();
            if c.violations.is_empty() {
                lines.push(self.tr(
                    "cli.campaigns_ok",
                    &[
                        ("count", c.campaigns.len().to_string()),
                        ("old", c.old_rule.clone()),
                    ],
                ));
            }
            for v in &c.violations {
                let who: Vec<String> = v.customers.iter().chain(&v.members).cloned().collect();
                lines.push(format!(
                    "[{}] {}\n    {}\n    {}",
                    v.code,
                    v.message,
                    who.join(", "),
                    v.source
                ));
            }
            lines.join("\n")
        })
    }

    pub fn welcome_list(&self, list: &[Welcome]) -> R {
        self.emit(&list, || {
            if list.is_empty() {
                return self.tr("cli.welcome_none", &[]);
            }
            list.iter()
                .map(|w| {
                    let scope = w
                        .scope
                        .department
                        .clone()
                        .or_else(|| w.scope.member.clone())
                        .unwrap_or_else(|| self.tr("cli.welcome_everyone", &[]));
                    format!("#{} [{}] {} ({} B)", w.id, scope, w.text, w.bytes)
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    pub fn welcome_preview(&self, text: &Option<String>) -> R {
        self.emit(text, || {
            text.clone()
                .unwrap_or_else(|| self.tr("cli.welcome_preview_none", &[]))
        })
    }

    pub fn welcome_check(&self, c: &WelcomeCheck) -> R {
        self.emit(c, || {
            let mut lines = Vec::new();
            if c.limit.is_none() {
                lines.push(self.tr("cli.welcome_unsourced", &[]));
            }
            for id in &c.too_long {
                lines.push(self.tr(
                    "cli.welcome_too_long",
                    &[
                        ("id", id.to_string()),
                        ("limit", c.limit.unwrap_or(0).to_string()),
                        ("source", c.limit_source.clone().unwrap_or_default()),
                    ],
                ));
            }
            for u in &c.uncovered {
                lines.push(self.tr(
                    "cli.welcome_uncovered",
                    &[
                        ("name", u.name.clone()),
                        ("userid", u.userid.clone()),
                        ("count", u.customers.to_string()),
                    ],
                ));
            }
            if c.too_long.is_empty() && c.uncovered.is_empty() {
                lines.push(self.tr("cli.welcome_ok", &[]));
            }
            lines.join("\n")
        })
    }

    pub fn tag_groups(&self, groups: &[TagGroup]) -> R {
        self.emit(&groups, || {
            if groups.is_empty() {
                return self.tr("cli.tags_none", &[]);
            }
            let mut text = String::new();
            for g in groups {
                text.push_str(&format!(
                    "{} [{}]\n",
                    g.name,
                    self.tr(&format!("customers_ui.layers.{}", g.layer.as_str()), &[])
                ));
                for t in &g.tags {
                    text.push_str(&format!(
                        "  {}  {}\n",
                        t.name,
                        self.tr("cli.tag_customers", &[("count", t.customers.to_string())])
                    ));
                }
            }
            text.trim_end().to_string()
        })
    }

    pub fn rfm(&self, r: &Rfm) -> R {
        self.emit(r, || {
            let mut text = self.tr(
                "cli.rfm_title",
                &[
                    ("as_of", r.as_of.clone()),
                    ("window", r.window_days.to_string()),
                    ("customers", r.customers.len().to_string()),
                ],
            );
            let Some(t) = &r.thresholds else {
                return text + "\n" + &self.tr("cli.rfm_none", &[]);
            };
            text.push_str(&format!(
                "\n{}",
                self.tr(
                    "cli.rfm_thresholds",
                    &[
                        ("r", format!("{:.1}", t.r)),
                        ("f", format!("{:.2}", t.f)),
                        ("m", format!("{:.2}", t.m)),
                    ]
                )
            ));
            for s in &r.segments {
                text.push_str(&format!(
                    "\n  {:<24} {:>6}  {:>12.2}",
                    s.name, s.count, s.revenue
                ));
            }
            text
        })
    }
}
