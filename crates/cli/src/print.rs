//! Output: one JSON document with `--json`, otherwise text in the user's language.

use orgdesk_core::compare::{
    self, export::value_text, needs::Fit, needs::Importance, needs::Need, CompareRow,
};
use orgdesk_core::demo::DemoInfo;
use orgdesk_core::exports::report::ReportSummary;
use orgdesk_core::exports::{ExportReport, Problem};
use orgdesk_core::i18n::t;
use orgdesk_core::imports::leavers::LeaversImport;
use orgdesk_core::imports::{ImportBatch, ImportReport};
use orgdesk_core::lifecycle::activation::Activation;
use orgdesk_core::lifecycle::{Case, Kind, Lifecycle};
use orgdesk_core::members::{FieldKind, FIELDS};
use orgdesk_core::org::visibility::platform_mapping;
use orgdesk_core::roles::checks::Finding;
use orgdesk_core::roles::effective::{EffectiveGrant, Holder, MemberPermissions};
use orgdesk_core::roles::export::scope_text;
use orgdesk_core::roles::mapping::RoleOnPlatform;
use orgdesk_core::roles::{catalogue::catalogue, Matrix, Role};
use orgdesk_core::setup::certification::{CertificationPlan, FeeInfo};
use orgdesk_core::setup::checklist::Checklist;
use orgdesk_core::setup::hardware::{BatchQuarter, Device, HardwareImport};
use orgdesk_core::setup::security::SecurityReport;
use orgdesk_core::snapshots::{SnapshotInfo, SnapshotKind};
use orgdesk_core::ActionState;
use orgdesk_core::MemberPage;
use orgdesk_core::OrgProfile;
use orgdesk_core::{
    Audience, AuditEntry, Department, DepartmentAdded, Error, Lang, Member, MemberSaved, Platform,
    Sight, WorkspaceInfo,
};
use serde::Serialize;
use std::collections::BTreeMap;
use unicode_width::UnicodeWidthStr;

/// The rows a small import refused, one per line: where, the code, the message.
pub(crate) fn sheet_problems(problems: &[orgdesk_core::imports::SheetProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("\n  {} · {}: [{}] {}", p.sheet, p.row, p.code, p.message))
        .collect()
}

/// Pre-flight problems of one rule printed before the rest are only counted.
const SHOWN_PER_RULE: usize = 3;

pub struct Out {
    pub json: bool,
    pub lang: Lang,
}

pub(crate) type R = Result<(), Error>;

impl Out {
    pub(crate) fn tr(&self, key: &str, params: &[(&str, String)]) -> String {
        t(self.lang, key, params)
    }

    /// Prints `value` as JSON, or `text()` otherwise.
    pub(crate) fn emit<T: Serialize + ?Sized>(
        &self,
        value: &T,
        text: impl FnOnce() -> String,
    ) -> R {
        if self.json {
            // Written as it is serialised: a million-row report is never held as one text. A
            // closed pipe (`| head`) ends the output quietly, as it does for text.
            use std::io::Write;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            return match serde_json::to_writer_pretty(&mut out, value) {
                Ok(()) => {
                    let _ = writeln!(out).and_then(|_| out.flush());
                    Ok(())
                }
                Err(e) if e.is_io() => Ok(()),
                Err(e) => {
                    Err(Error::new(orgdesk_core::ErrorCode::Internal, "internal").with("detail", e))
                }
            };
        }
        let out = text().trim_end().to_string();
        if !out.is_empty() {
            write_stdout(&out);
        }
        Ok(())
    }

    pub fn error(&self, e: &Error) {
        if self.json {
            let doc = serde_json::json!({ "error": e.to_dto(self.lang) });
            write_stdout(&serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        eprintln!(
            "{}: {}",
            self.tr("cli.error_prefix", &[]),
            e.message(self.lang)
        );
    }

    pub fn created(&self, info: &WorkspaceInfo) -> R {
        self.emit(info, || {
            let platform = self.tr(&format!("platforms.{}", info.profile.platform), &[]);
            self.tr(
                "cli.created_workspace",
                &[
                    ("path", info.path.clone().unwrap_or_default()),
                    ("name", info.profile.name.clone()),
                    ("platform", platform),
                ],
            )
        })
    }

    pub fn department_added(&self, d: &DepartmentAdded) -> R {
        self.emit(d, || {
            self.tr(
                "cli.created_departments",
                &[("paths", d.created.join("、"))],
            )
        })
    }

    pub fn department_changed(&self, key: &str, from: &str, d: &Department) -> R {
        self.emit(d, || {
            self.tr(
                key,
                &[("from", from.trim().to_string()), ("to", d.path.clone())],
            )
        })
    }

    /// A department's visibility, who sees it, and where the platform sets it.
    pub fn visibility(
        &self,
        d: &Department,
        audience: &Audience,
        platform: Platform,
        changed: bool,
    ) -> R {
        let mapping = platform_mapping();
        let platforms: Vec<&str> = match platform {
            Platform::Undecided => vec!["wecom", "dingtalk", "feishu"],
            p => vec![p.as_str()],
        };
        let doc = serde_json::json!({
            "department": d,
            "audience": audience,
            "platforms": platforms.iter().map(|p| (*p, &mapping[*p])).collect::<BTreeMap<_, _>>(),
        });
        self.emit(&doc, || {
            let mut lines = Vec::new();
            if changed {
                lines.push(self.tr("cli.visibility_changed", &[("path", d.path.clone())]));
            }
            lines.push(format!("{}: {}", d.path, d.visibility.describe(self.lang)));
            lines.push(self.tr(
                "cli.visibility_audience",
                &[
                    ("count", audience.count.to_string()),
                    ("total", audience.members_total.to_string()),
                ],
            ));
            let used: Vec<&str> = [
                (d.visibility.hidden, "hidden"),
                (
                    !d.visibility.departments.is_empty() || !d.visibility.members.is_empty(),
                    "viewers",
                ),
                (d.visibility.only_own, "only_own"),
            ]
            .into_iter()
            .filter_map(|(on, key)| on.then_some(key))
            .collect();
            for p in &platforms {
                let settings: Vec<_> = mapping[*p]
                    .iter()
                    .filter(|s| used.is_empty() || used.contains(&s.setting.as_str()))
                    .collect();
                lines.push(self.tr(
                    "cli.visibility_on_platform",
                    &[("platform", self.tr(&format!("platforms.{p}"), &[]))],
                ));
                for s in settings {
                    let api = s
                        .api
                        .as_ref()
                        .map(|a| format!(" [API: {a}]"))
                        .unwrap_or_default();
                    lines.push(format!(
                        "  {}: {}{api} ({}, {})",
                        self.tr(&format!("cli.visibility_setting_{}", s.setting), &[]),
                        s.console
                            .get(self.lang.tag())
                            .map(String::as_str)
                            .unwrap_or(""),
                        self.tr(&format!("confidences.{}", s.confidence), &[]),
                        s.source,
                    ));
                }
            }
            lines.join("\n")
        })
    }

    /// Activation rates, who is not active yet and how to invite them, what to fix first.
    pub fn activation(&self, a: &Activation, invitations: Option<&std::path::Path>) -> R {
        let pct = |r: f64| format!("{:.0}%", r * 100.0);
        self.emit(a, || {
            let mut lines = vec![self.tr(
                "cli.activation_overall",
                &[
                    ("active", a.overall.active.to_string()),
                    ("total", a.overall.total.to_string()),
                    ("rate", pct(a.overall.rate)),
                ],
            )];
            let none = self.tr("cli.no_department", &[]);
            let rows: Vec<Vec<String>> = a
                .departments
                .iter()
                .map(|r| {
                    vec![
                        if r.department.is_empty() {
                            none.clone()
                        } else {
                            r.department.clone()
                        },
                        format!("{} / {}", r.active, r.total),
                        pct(r.rate),
                    ]
                })
                .collect();
            lines.push(table_rows_text(
                &[
                    self.tr("fields.department", &[]),
                    self.tr("cli.activation_count", &[]),
                    self.tr("cli.activation_rate", &[]),
                ],
                &rows,
            ));
            if !a.pending.is_empty() {
                lines.push(self.tr(
                    "cli.activation_pending",
                    &[("count", a.pending.len().to_string())],
                ));
                let rows: Vec<Vec<String>> = a
                    .pending
                    .iter()
                    .map(|p| {
                        vec![
                            p.name.clone(),
                            p.userid.clone(),
                            self.tr(&format!("statuses.{}", p.status.as_str()), &[]),
                            self.tr(&format!("lifecycle_ui.channel_{}", p.channel.as_str()), &[]),
                            p.contact.clone().unwrap_or_default(),
                            p.department.clone().unwrap_or_default(),
                        ]
                    })
                    .collect();
                lines.push(table_rows_text(
                    &[
                        "fields.name",
                        "fields.userid",
                        "fields.status",
                        "lifecycle_ui.channel",
                        "lifecycle_ui.contact",
                        "fields.department",
                    ]
                    .map(|k| self.tr(k, &[])),
                    &rows,
                ));
            }
            lines.extend(a.findings.iter().map(|f| format!("! {}", f.message)));
            if let Some(path) = invitations {
                lines.push(self.tr(
                    "cli.invitations_written",
                    &[
                        ("path", path.display().to_string()),
                        ("count", a.pending.len().to_string()),
                    ],
                ));
            }
            lines.join("\n")
        })
    }

    fn case_text(&self, c: &Case) -> String {
        let mut head = format!("{} ({})", c.name, c.userid);
        if let Some(since) = &c.since {
            let key = match c.kind {
                Kind::Joiner => "cli.case_joined",
                Kind::Leaver => "cli.case_leaving",
            };
            head.push_str(&format!(" · {}", self.tr(key, &[("date", since.clone())])));
        }
        if let Some(s) = &c.successor {
            head.push_str(&format!(
                " · {}",
                self.tr("cli.case_successor", &[("userid", s.clone())])
            ));
        }
        let mut lines = vec![head];
        for s in &c.steps {
            let mut line = format!("  [{}] {}", if s.done { "x" } else { " " }, s.title);
            if let Some(d) = &s.detail {
                line.push_str(&format!(" — {d}"));
            }
            if !s.done {
                if let Some(due) = &s.due {
                    let key = if s.overdue {
                        "cli.step_overdue"
                    } else {
                        "cli.step_due"
                    };
                    line.push_str(&format!("  {}", self.tr(key, &[("date", due.clone())])));
                }
            }
            if let Some(on) = &s.done_on {
                line.push_str(&format!("  {on}"));
            }
            if let Some(n) = &s.note {
                line.push_str(&format!("  {n}"));
            }
            lines.push(line);
        }
        lines.join("\n")
    }

    /// One joiner's or leaver's checklist.
    pub fn case(&self, c: &Case) -> R {
        self.emit(c, || self.case_text(c))
    }

    /// Joiners, leavers and the overdue steps.
    pub fn lifecycle(&self, l: &Lifecycle) -> R {
        self.emit(l, || {
            let mut parts = Vec::new();
            for (key, cases) in [("cli.joiners", &l.joiners), ("cli.leavers", &l.leavers)] {
                parts.push(self.tr(key, &[("count", cases.len().to_string())]));
                parts.extend(cases.iter().map(|c| self.case_text(c)));
            }
            if !l.overdue.is_empty() {
                parts.push(self.tr("cli.overdue", &[("count", l.overdue.len().to_string())]));
                parts.extend(
                    l.overdue
                        .iter()
                        .map(|o| format!("  {} ({}) · {} · {}", o.name, o.userid, o.title, o.due)),
                );
            }
            parts.join("\n")
        })
    }

    /// What one member sees of the directory.
    pub fn sight(&self, s: &Sight) -> R {
        self.emit(s, || {
            let mut lines = vec![self.tr(
                "cli.sees",
                &[
                    ("name", s.name.clone()),
                    ("userid", s.userid.clone()),
                    ("departments", s.departments.len().to_string()),
                    (
                        "departments_total",
                        (s.departments.len() + s.hidden.len()).to_string(),
                    ),
                    ("members", s.members_seen.to_string()),
                    ("members_total", s.members_total.to_string()),
                ],
            )];
            if s.only_own {
                lines.push(self.tr("cli.sees_only_own", &[]));
            }
            if !s.hidden.is_empty() {
                lines.push(self.tr("cli.sees_hidden", &[]));
                lines.extend(s.hidden.iter().map(|p| format!("  {p}")));
            }
            lines.join("\n")
        })
    }

    pub fn department_deleted(&self, d: &Department) -> R {
        self.emit(d, || {
            self.tr("cli.deleted_department", &[("path", d.path.clone())])
        })
    }

    pub fn departments(&self, list: &[Department]) -> R {
        self.emit(list, || {
            if list.is_empty() {
                return self.tr("cli.no_departments", &[]);
            }
            list.iter()
                .map(|d| {
                    let counts = self.tr(
                        "cli.dept_counts",
                        &[
                            ("direct", d.member_count.to_string()),
                            ("total", d.total_member_count.to_string()),
                        ],
                    );
                    format!(
                        "{}{}  ({counts})\n",
                        "  ".repeat(d.depth.saturating_sub(1) as usize),
                        d.name
                    )
                })
                .collect()
        })
    }

    pub fn member_saved(&self, key: &str, saved: &MemberSaved) -> R {
        self.emit(saved, || {
            let m = &saved.member;
            let mut text = self.tr(
                key,
                &[
                    ("name", m.fields.name.clone()),
                    ("userid", m.userid.clone()),
                    ("departments", m.departments.join("；")),
                ],
            );
            if !saved.created_departments.is_empty() {
                text.push('\n');
                text.push_str(&self.tr(
                    "cli.created_departments",
                    &[("paths", saved.created_departments.join("、"))],
                ));
            }
            text
        })
    }

    pub fn member_deleted(&self, m: &Member) -> R {
        self.emit(m, || {
            self.tr(
                "cli.deleted_member",
                &[
                    ("name", m.fields.name.clone()),
                    ("userid", m.userid.clone()),
                ],
            )
        })
    }

    pub fn member(&self, m: &Member) -> R {
        self.emit(m, || {
            let field = |code: &str| self.tr(&format!("fields.{code}"), &[]);
            let mut rows = vec![[field("userid"), m.userid.clone()]];
            for spec in FIELDS {
                let Some(text) = m.fields.text(spec.key) else {
                    continue;
                };
                let shown = match spec.kind {
                    FieldKind::Gender => self.tr(&format!("genders.{text}"), &[]),
                    FieldKind::Status => self.tr(&format!("statuses.{text}"), &[]),
                    _ => text.into_owned(),
                };
                rows.push([field(spec.key.code()), shown]);
            }
            rows.push([field("departments"), m.departments.join("；")]);
            if let Some(main) = &m.main_department {
                rows.push([field("main_department"), main.clone()]);
            }
            table(&rows, false)
        })
    }

    pub fn members(&self, list: &[Member]) -> R {
        self.emit(list, || {
            if list.is_empty() {
                return self.tr("cli.no_members", &[]);
            }
            let mut text = self.members_table(list);
            text.push_str(&self.tr("cli.members_count", &[("count", list.len().to_string())]));
            text
        })
    }

    pub fn member_page(&self, page: &MemberPage) -> R {
        self.emit(page, || {
            if page.members.is_empty() {
                return self.tr(
                    "cli.members_none_here",
                    &[("total", page.total.to_string())],
                );
            }
            let mut text = self.members_table(&page.members);
            let from = page.offset as usize + 1;
            let params = [
                ("from", from.to_string()),
                ("to", (from + page.members.len() - 1).to_string()),
                ("total", page.total.to_string()),
            ];
            text.push_str(&self.tr("cli.members_page", &params));
            text
        })
    }

    fn members_table(&self, list: &[Member]) -> String {
        let head = [
            "userid",
            "name",
            "mobile",
            "email",
            "position",
            "main_department",
            "status",
        ]
        .map(|f| self.tr(&format!("fields.{f}"), &[]));
        let mut rows = vec![head];
        for m in list {
            rows.push([
                m.userid.clone(),
                m.fields.name.clone(),
                m.fields.mobile.clone().unwrap_or_default(),
                m.fields.email.clone().unwrap_or_default(),
                m.fields.position.clone().unwrap_or_default(),
                m.main_department.clone().unwrap_or_default(),
                self.tr(&format!("statuses.{}", m.fields.status.as_str()), &[]),
            ]);
        }
        table(&rows, true)
    }

    pub fn history_step(&self, key: &str, entry: &AuditEntry) -> R {
        self.emit(entry, || {
            let action = self.tr(&format!("actions.{}", entry.action.as_str()), &[]);
            self.tr(key, &[("action", action), ("target", entry.target.clone())])
        })
    }

    pub fn log(&self, entries: &[AuditEntry]) -> R {
        self.emit(entries, || {
            if entries.is_empty() {
                return self.tr("cli.log_empty", &[]);
            }
            let rows: Vec<[String; 5]> = entries
                .iter()
                .map(|e| {
                    let mut action = self.tr(&format!("actions.{}", e.action.as_str()), &[]);
                    if e.state == Some(ActionState::Undone) {
                        action.push(' ');
                        action.push_str(&self.tr("cli.undone_mark", &[]));
                    }
                    [
                        format!("#{}", e.id),
                        e.at.replace('T', " ").replace('Z', ""),
                        self.tr(&format!("sources.{}", e.source.as_str()), &[]),
                        action,
                        e.target.clone(),
                    ]
                })
                .collect();
            table(&rows, false)
        })
    }

    pub fn import(
        &self,
        r: &ImportReport,
        errors_out: Option<&std::path::Path>,
        dry_run: bool,
    ) -> R {
        self.emit(r, || {
            let n = |v: u32| v.to_string();
            let mut lines = vec![self.tr(
                "cli.import_file",
                &[
                    ("file", r.file.clone()),
                    ("format", r.format.clone()),
                    (
                        "encoding",
                        r.encoding
                            .as_ref()
                            .map(|e| format!(", {e}"))
                            .unwrap_or_default(),
                    ),
                    ("sheet", r.sheet.clone()),
                    ("row", n(r.header_row)),
                ],
            )];
            let mapped: Vec<String> = r
                .columns
                .iter()
                .filter_map(|c| {
                    Some(format!(
                        "{}→{}",
                        c.header,
                        self.field_name(c.field.as_deref()?)
                    ))
                })
                .collect();
            lines.push(self.tr("cli.import_mapping", &[("mapping", mapped.join(", "))]));
            let unmapped: Vec<&str> = r
                .columns
                .iter()
                .filter(|c| c.field.is_none() && !c.header.is_empty())
                .map(|c| c.header.as_str())
                .collect();
            if !unmapped.is_empty() {
                lines.push(self.tr("cli.import_unmapped", &[("columns", unmapped.join(", "))]));
            }
            lines.push(self.tr(
                "cli.import_counts",
                &[
                    ("rows", n(r.rows)),
                    ("valid", n(r.valid)),
                    ("invalid", n(r.invalid)),
                ],
            ));
            if r.committed || dry_run {
                lines.push(self.tr(
                    "cli.import_plan",
                    &[
                        ("created", n(r.created.members)),
                        ("departments", n(r.created.departments)),
                        ("updated", n(r.updated.members)),
                        ("unchanged", n(r.unchanged)),
                    ],
                ));
            }
            for (key, issues, max) in [
                ("cli.import_errors", &r.errors, 50),
                ("cli.import_warnings", &r.warnings, 10),
            ] {
                if issues.is_empty() {
                    continue;
                }
                lines.push(self.tr(key, &[("count", issues.len().to_string())]));
                for i in issues.iter().take(max) {
                    let params = [
                        ("row", n(i.row)),
                        ("column", i.column.to_string()),
                        ("message", i.message.clone()),
                    ];
                    let key = if i.column.is_empty() {
                        "cli.import_issue_row"
                    } else {
                        "cli.import_issue"
                    };
                    lines.push(self.tr(key, &params));
                }
                if issues.len() > max {
                    lines.push(self.tr(
                        "cli.import_more",
                        &[("count", (issues.len() - max).to_string())],
                    ));
                }
            }
            lines.push(match (dry_run, r.committed, r.batch) {
                (true, _, _) => self.tr("cli.import_dry_run", &[]),
                (_, true, Some(b)) => self.tr("cli.import_committed", &[("batch", b.to_string())]),
                (_, true, None) => self.tr("cli.import_nothing", &[]),
                _ => self.tr("cli.import_refused", &[("invalid", n(r.invalid))]),
            });
            if let Some(p) = errors_out {
                lines.push(self.tr(
                    "cli.import_errors_written",
                    &[("path", p.display().to_string())],
                ));
            }
            lines.join("\n")
        })
    }

    fn field_name(&self, code: &str) -> String {
        let base = code
            .strip_prefix("department_level_")
            .map(|_| "department_level")
            .unwrap_or(code);
        let name = self.tr(&format!("fields.{base}"), &[]);
        match code.strip_prefix("department_level_") {
            Some(level) => format!("{name} {level}"),
            None => name,
        }
    }

    pub fn batches(&self, batches: &[ImportBatch]) -> R {
        self.emit(batches, || {
            if batches.is_empty() {
                return self.tr("cli.imports_empty", &[]);
            }
            let rows: Vec<[String; 6]> = batches
                .iter()
                .map(|b| {
                    [
                        format!("#{}", b.batch),
                        b.at.replace('T', " ").replace('Z', ""),
                        b.file.clone(),
                        format!("+{} / ~{}", b.created.members, b.updated.members),
                        self.tr(&format!("batch_states.{}", b.state.as_str()), &[]),
                        b.sheet.clone(),
                    ]
                })
                .collect();
            table(&rows, false)
        })
    }

    pub fn rolled_back(&self, b: &ImportBatch) -> R {
        self.emit(b, || {
            self.tr(
                "cli.rolled_back",
                &[("batch", b.batch.to_string()), ("file", b.file.clone())],
            )
        })
    }

    fn permission_name(&self, key: &str) -> String {
        catalogue()
            .permission(key)
            .map(|p| p.name.get(self.lang).to_string())
            .unwrap_or_else(|| key.to_string())
    }

    fn grant_cell(&self, g: &EffectiveGrant) -> String {
        format!(
            "{} ← {}",
            scope_text(self.lang, g.scope, &g.departments),
            g.role.get(self.lang)
        )
    }

    pub fn roles(&self, roles: &[Role]) -> R {
        self.emit(roles, || {
            let head = ["role", "level", "holders", "grants"]
                .map(|k| self.tr(&format!("cli.roles_head_{k}"), &[]));
            let mut rows = vec![head];
            for r in roles {
                let holders = if r.everyone {
                    self.tr("permissions_ui.everyone", &[])
                } else {
                    r.holders.join(", ")
                };
                let grants: Vec<String> = r
                    .grants
                    .iter()
                    .map(|g| {
                        format!(
                            "{}（{}）",
                            self.permission_name(&g.permission),
                            scope_text(self.lang, g.scope, &g.departments)
                        )
                    })
                    .collect();
                let name = match &r.key {
                    Some(k) => format!("{} [{k}]", r.label(self.lang)),
                    None => r.label(self.lang),
                };
                rows.push([
                    name,
                    self.tr(&format!("levels.{}", r.level.as_str()), &[]),
                    holders,
                    grants.join("、"),
                ]);
            }
            table(&rows, true)
        })
    }

    pub fn role_changed(&self, key: &str, r: &Role) -> R {
        self.emit(r, || self.tr(key, &[("role", r.label(self.lang))]))
    }

    pub fn matrix(&self, m: &Matrix) -> R {
        self.emit(m, || {
            let mut out = String::new();
            let mut head = vec![self.tr("permissions_ui.permission", &[])];
            head.extend(m.roles.iter().map(|r| r.label(self.lang)));
            let mut rows = vec![head];
            for p in &m.permissions {
                let mut row = vec![p.name.get(self.lang).to_string()];
                row.extend(m.roles.iter().map(|r| {
                    r.grant(&p.key)
                        .map(|g| scope_text(self.lang, g.scope, &g.departments))
                        .unwrap_or_else(|| "-".into())
                }));
                rows.push(row);
            }
            out.push_str(&table_rows(&rows));
            out
        })
    }

    pub fn holders(&self, permission: &str, holders: &[Holder]) -> R {
        self.emit(holders, || {
            if holders.is_empty() {
                return self.tr(
                    "cli.nobody_can",
                    &[("permission", self.permission_name(permission))],
                );
            }
            let mut text = self.tr(
                "cli.who_can",
                &[
                    ("permission", self.permission_name(permission)),
                    ("count", holders.len().to_string()),
                ],
            );
            text.push('\n');
            let rows: Vec<[String; 3]> = holders
                .iter()
                .map(|h| {
                    [
                        h.userid.clone(),
                        h.name.clone(),
                        h.via
                            .iter()
                            .map(|g| self.grant_cell(g))
                            .collect::<Vec<_>>()
                            .join("；"),
                    ]
                })
                .collect();
            text.push_str(&table(&rows, false));
            text
        })
    }

    pub fn can(&self, m: &MemberPermissions) -> R {
        self.emit(m, || {
            if !m.active {
                return self.tr(
                    "cli.holds_nothing",
                    &[
                        ("userid", m.userid.clone()),
                        (
                            "status",
                            self.tr(&format!("statuses.{}", m.status.as_str()), &[]),
                        ),
                    ],
                );
            }
            let rows: Vec<[String; 2]> = m
                .grants
                .iter()
                .map(|g| [self.permission_name(&g.permission), self.grant_cell(g)])
                .collect();
            table(&rows, false)
        })
    }

    pub fn findings(&self, findings: &[Finding]) -> R {
        self.emit(findings, || {
            if findings.is_empty() {
                return self.tr("cli.checks_clean", &[]);
            }
            findings
                .iter()
                .map(|f| {
                    let severity = self.tr(
                        &format!(
                            "severities.{}",
                            serde_json::to_value(f.severity)
                                .unwrap_or_default()
                                .as_str()
                                .unwrap_or("")
                        ),
                        &[],
                    );
                    format!(
                        "[{severity}] {} · {}\n    {}\n    → {}\n",
                        f.code, f.target, f.message, f.fix
                    )
                })
                .collect()
        })
    }

    pub fn mapping(&self, items: &[RoleOnPlatform]) -> R {
        self.emit(items, || {
            let mut out = String::new();
            for m in items {
                let admin = m
                    .admin_type
                    .as_ref()
                    .map(|a| a.get(self.lang).to_string())
                    .unwrap_or_else(|| "-".into());
                out.push_str(&format!(
                    "{} · {} → {admin}\n",
                    self.tr(&format!("platforms.{}", m.platform), &[]),
                    m.role.get(self.lang)
                ));
                if let Some(scope) = &m.scope {
                    out.push_str(&format!("    {}\n", scope.get(self.lang)));
                }
                for p in &m.permissions {
                    let setting = p
                        .setting
                        .as_ref()
                        .map(|s| s.get(self.lang).to_string())
                        .unwrap_or_default();
                    out.push_str(&format!(
                        "    ✓ {}：{setting} [{}]\n",
                        p.name.get(self.lang),
                        self.tr(&format!("confidences.{}", p.confidence.as_str()), &[])
                    ));
                }
                for u in &m.unsupported {
                    let what = u
                        .permission
                        .as_deref()
                        .map(|k| self.permission_name(k))
                        .unwrap_or_else(|| self.tr("fields.scope", &[]));
                    out.push_str(&format!("    ✗ {what}：{}\n", u.reason.get(self.lang)));
                }
                for n in &m.notes {
                    out.push_str(&format!("    ! {}\n", n.get(self.lang)));
                }
            }
            out
        })
    }

    fn problems_text(&self, problems: &[Problem]) -> String {
        let errors = problems.iter().filter(|p| p.is_error()).count();
        if problems.is_empty() {
            return self.tr("cli.preflight_clean", &[]);
        }
        let mut text = self.tr(
            "cli.preflight_head",
            &[
                ("errors", errors.to_string()),
                ("warnings", (problems.len() - errors).to_string()),
            ],
        );
        text.push('\n');
        // Errors first; at most a few of each rule, the rest counted (all of them with --json).
        let mut sorted: Vec<&Problem> = problems.iter().collect();
        sorted.sort_by_key(|p| !p.is_error());
        let mut shown: std::collections::HashMap<&str, usize> = Default::default();
        for p in sorted {
            let n = shown.entry(p.rule.as_str()).or_default();
            *n += 1;
            if *n > SHOWN_PER_RULE {
                continue;
            }
            let severity = self.tr(&format!("severities.{}", p.severity.as_str()), &[]);
            let at = match (&p.row, &p.name) {
                (Some(row), Some(name)) => self.tr(
                    "cli.preflight_at_row",
                    &[("row", row.to_string()), ("name", name.clone())],
                ),
                _ => p.department.clone().unwrap_or_default(),
            };
            text.push_str(&format!(
                "[{severity}] {at} · {}\n    {}\n    → {}\n",
                p.rule, p.message, p.fix
            ));
        }
        for (rule, n) in shown.into_iter().filter(|(_, n)| *n > SHOWN_PER_RULE) {
            text.push_str(&self.tr(
                "cli.preflight_more",
                &[
                    ("rule", rule.to_string()),
                    ("count", (n - SHOWN_PER_RULE).to_string()),
                ],
            ));
            text.push('\n');
        }
        text
    }

    /// Pre-flight only (`export members --check`).
    pub fn preflight(&self, problems: &[Problem]) -> R {
        self.emit(problems, || self.problems_text(problems))
    }

    fn export_text(&self, r: &ExportReport) -> String {
        let mut text = self.problems_text(&r.problems);
        text.push('\n');
        if r.written {
            text.push_str(&self.tr(
                "cli.export_written",
                &[
                    ("members", r.members.to_string()),
                    ("files", r.files.join("\n  ")),
                ],
            ));
        } else {
            text.push_str(&self.tr("cli.export_refused", &[]));
        }
        text
    }

    pub fn export(&self, r: &ExportReport) -> R {
        self.emit(r, || self.export_text(r))
    }

    /// `migrate`: the import, then the export (absent when the import was refused).
    pub fn migrated(&self, imported: &ImportReport, export: Option<&ExportReport>) -> R {
        let doc = serde_json::json!({ "import": imported, "export": export });
        self.emit(&doc, || {
            let mut text = self.tr(
                "cli.migrate_imported",
                &[
                    ("file", imported.file.clone()),
                    ("rows", imported.valid.to_string()),
                    ("departments", imported.created.departments.to_string()),
                ],
            );
            text.push('\n');
            match export {
                Some(r) => text.push_str(&self.export_text(r)),
                None => {
                    for e in imported.errors.iter().take(20) {
                        text.push_str(&self.tr(
                            "cli.import_issue",
                            &[
                                ("row", e.row.to_string()),
                                ("column", e.column.to_string()),
                                ("message", e.message.clone()),
                            ],
                        ));
                        text.push('\n');
                    }
                    text.push_str(&self.tr("cli.migrate_refused", &[]));
                }
            }
            text
        })
    }

    fn snapshot_name(&self, s: &SnapshotInfo) -> String {
        if s.kind == SnapshotKind::Initial {
            self.tr("cli.snapshot_initial", &[])
        } else {
            s.name.clone()
        }
    }

    pub fn snapshot(&self, key: &str, s: &SnapshotInfo) -> R {
        self.emit(s, || {
            self.tr(
                key,
                &[
                    ("name", self.snapshot_name(s)),
                    ("members", s.members.to_string()),
                    ("departments", s.departments.to_string()),
                ],
            )
        })
    }

    pub fn snapshots(&self, list: &[SnapshotInfo]) -> R {
        self.emit(list, || {
            if list.is_empty() {
                return self.tr("cli.snapshots_empty", &[]);
            }
            list.iter()
                .map(|s| {
                    format!(
                        "#{:<4} {}  {}  {}\n",
                        s.id,
                        s.created_at.replace('T', " ").trim_end_matches('Z'),
                        self.snapshot_name(s),
                        self.tr(
                            "cli.snapshot_counts",
                            &[
                                ("departments", s.departments.to_string()),
                                ("members", s.members.to_string())
                            ]
                        )
                    )
                })
                .collect()
        })
    }

    pub fn profile(&self, p: &OrgProfile) -> R {
        self.emit(p, || {
            let none = || self.tr("common.none", &[]);
            let rows = [
                ("fields.org_name", p.name.clone()),
                (
                    "fields.legal_name",
                    p.legal_name.clone().unwrap_or_else(none),
                ),
                (
                    "fields.credit_code",
                    p.credit_code.clone().unwrap_or_else(none),
                ),
                (
                    "fields.entity_type",
                    self.tr(&format!("entity_types.{}", p.entity_type.as_str()), &[]),
                ),
                ("fields.industry", p.industry.clone().unwrap_or_else(none)),
                ("fields.region", p.region.clone().unwrap_or_else(none)),
                (
                    "fields.headcount",
                    p.headcount.map(|h| h.to_string()).unwrap_or_else(none),
                ),
                (
                    "fields.platform",
                    self.tr(&format!("platforms.{}", p.platform), &[]),
                ),
            ];
            rows.iter()
                .map(|(k, v)| format!("{}: {v}\n", self.tr(k, &[])))
                .collect()
        })
    }

    pub fn certification(&self, p: &CertificationPlan) -> R {
        self.emit(p, || {
            let mut text = String::new();
            for m in &p.methods {
                let mark = if p.method.as_deref() == Some(m.key.as_str()) {
                    "▶"
                } else {
                    " "
                };
                text.push_str(&format!(
                    "{mark} {} ({})  {}–{} {}  [{}]\n",
                    m.name,
                    m.key,
                    m.review_min_days,
                    m.review_max_days,
                    self.tr("cli.working_days", &[]),
                    self.tr(&format!("confidences.{}", m.confidence.as_str()), &[])
                ));
                if let Some(f) = &m.fee {
                    text.push_str(&format!("    {}\n", fee_text(self, f)));
                }
            }
            if let Some(note) = &p.entity_note {
                text.push_str(&format!("{note}\n"));
            }
            for m in &p.materials {
                text.push_str(&format!(
                    "  [{}] {}\n",
                    if m.ready { "x" } else { " " },
                    m.name
                ));
            }
            if let (Some(s), Some(a), Some(b)) =
                (&p.submitted_on, &p.expected_earliest, &p.expected_latest)
            {
                text.push_str(&self.tr(
                    "cli.certification_window",
                    &[
                        ("submitted", s.clone()),
                        ("earliest", a.clone()),
                        ("latest", b.clone()),
                    ],
                ));
                text.push('\n');
            }
            if !p.holidays_known {
                text.push_str(&self.tr("cli.holidays_unknown", &[]));
                text.push('\n');
            }
            if let Some(r) = &p.next_review {
                text.push_str(&self.tr("cli.next_review", &[("date", r.clone())]));
                text.push('\n');
            }
            if let Some(h) = &p.headcount {
                text.push_str(&h.message);
                text.push('\n');
            }
            text
        })
    }

    pub fn checklist(&self, c: &Checklist) -> R {
        self.emit(c, || {
            let mut text = self.tr(
                "cli.checklist_total",
                &[
                    ("done", c.done.to_string()),
                    ("total", c.total.to_string()),
                    ("percent", c.percent.to_string()),
                ],
            );
            text.push('\n');
            for s in &c.steps {
                text.push_str(&format!("{}  {}/{}\n", s.title, s.done, s.total));
                for i in &s.items {
                    let detail = i
                        .detail
                        .as_ref()
                        .or(i.reason.as_ref())
                        .map(|d| format!(" — {d}"))
                        .unwrap_or_default();
                    text.push_str(&format!(
                        "  [{}] {} ({}){detail}\n",
                        if i.done { "x" } else { " " },
                        i.title,
                        i.key
                    ));
                }
            }
            text
        })
    }

    pub fn security(&self, r: &SecurityReport) -> R {
        self.emit(r, || {
            let mut text = self.tr("cli.security_score", &[("score", r.score.to_string())]);
            text.push('\n');
            for s in &r.settings {
                let value = match &s.value {
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::String(v) => v.clone(),
                    v => v.to_string(),
                };
                text.push_str(&format!(
                    "  [{}] {} {value}\n",
                    if s.done { "x" } else { " " },
                    s.name
                ));
                if !s.done {
                    text.push_str(&format!("      {}\n", s.why));
                    if let Some(c) = &s.console {
                        text.push_str(&format!("      → {c}\n"));
                    }
                }
            }
            text
        })
    }

    pub fn devices(&self, list: &[Device]) -> R {
        self.emit(list, || {
            list.iter()
                .map(|d| {
                    format!(
                        "{}  {:?}  {}  {}  {}\n",
                        d.serial,
                        d.kind,
                        d.site,
                        d.batch,
                        self.tr("cli.device_events", &[("count", d.events.to_string())])
                    )
                })
                .collect()
        })
    }

    pub fn hardware_flags(&self, list: &[BatchQuarter]) -> R {
        self.emit(list, || {
            if list.is_empty() {
                return self.tr("cli.hardware_no_events", &[]);
            }
            list.iter()
                .map(|b| format!("[{}] {}\n", if b.flagged { "!" } else { " " }, b.message))
                .collect()
        })
    }

    pub fn hardware_import(&self, r: &HardwareImport) -> R {
        self.emit(r, || {
            let mut text = if r.committed {
                self.tr(
                    "cli.hardware_imported",
                    &[
                        ("devices", r.devices.to_string()),
                        ("events", r.events.to_string()),
                    ],
                )
            } else {
                self.tr("cli.hardware_refused", &[])
            };
            for p in &r.problems {
                text.push_str(&format!("\n  {} · {}: {}", p.sheet, p.row, p.message));
            }
            text
        })
    }

    pub fn leavers_import(&self, r: &LeaversImport, dry_run: bool) -> R {
        self.emit(r, || {
            let key = match (r.committed, dry_run) {
                (true, _) => "cli.leavers_imported",
                (false, true) => "cli.leavers_dry_run",
                (false, false) => "cli.leavers_refused",
            };
            let text = self.tr(
                key,
                &[
                    ("count", r.offboarded.len().to_string()),
                    ("rows", r.rows.to_string()),
                ],
            );
            text + &sheet_problems(&r.problems)
        })
    }

    pub fn report(&self, r: &ReportSummary) -> R {
        self.emit(r, || {
            self.tr(
                "cli.report_written",
                &[
                    ("path", r.file.clone()),
                    ("sheets", r.sheets.join("、")),
                    ("members", r.members.to_string()),
                    ("checks", r.failing_checks.to_string()),
                ],
            )
        })
    }

    /// A file written; `key` says what its rows are (`cli.exported` members, `cli.exported_rows`).
    pub fn exported(&self, key: &str, path: &std::path::Path, rows: usize) -> R {
        let doc = serde_json::json!({ "path": path.display().to_string(), "rows": rows });
        self.emit(&doc, || {
            self.tr(
                key,
                &[
                    ("path", path.display().to_string()),
                    ("rows", rows.to_string()),
                ],
            )
        })
    }

    pub fn need_saved(&self, need: &Need) -> R {
        self.emit(need, || {
            self.tr("cli.need_saved", &[("need", need.key.clone())])
        })
    }

    pub fn comparison(&self, rows: &[CompareRow]) -> R {
        self.emit(rows, || {
            let mut out = String::new();
            let mut head = vec![self.tr("compare_ui.capability", &[])];
            head.extend(
                compare::PLATFORMS
                    .iter()
                    .map(|p| self.tr(&format!("platforms.{p}"), &[])),
            );
            let mut last = String::new();
            let mut table_rows = Vec::new();
            for r in rows {
                if r.category != last {
                    if !table_rows.is_empty() {
                        out.push_str(&table_rows_text(&head, &table_rows));
                        table_rows.clear();
                    }
                    out.push_str(&format!("\n【{}】\n", r.category_name.get(self.lang)));
                    last = r.category.clone();
                }
                let name = if self.lang == Lang::ZhCn {
                    &r.name.zh
                } else {
                    &r.name.en
                };
                let mut row = vec![name.clone()];
                for p in compare::PLATFORMS {
                    row.push(
                        r.cells
                            .get(p)
                            .map(|c| value_text(self.lang, &c.claim))
                            .unwrap_or_default(),
                    );
                }
                table_rows.push(row);
            }
            if !table_rows.is_empty() {
                out.push_str(&table_rows_text(&head, &table_rows));
            }
            out
        })
    }

    pub fn needs(&self, needs: &[Need]) -> R {
        self.emit(needs, || {
            let defs = compare::needs::definitions();
            let mut out = String::new();
            for n in needs {
                let name = defs
                    .iter()
                    .find(|d| d.key == n.key)
                    .map(|d| d.name.get(self.lang).to_string())
                    .unwrap_or_default();
                let how = match n.importance {
                    Importance::Must => self.tr("cli.need_must", &[]),
                    Importance::Nice => {
                        self.tr("cli.need_nice", &[("weight", n.weight.to_string())])
                    }
                };
                let value = n.value.map(|v| format!(" = {v}")).unwrap_or_default();
                out.push_str(&format!("{}  {name}{value}  ({how})\n", n.key));
            }
            if needs.is_empty() {
                out.push_str(&self.tr("cli.needs_empty", &[]));
                out.push('\n');
            }
            out.push_str(
                &self.tr(
                    "cli.needs_available",
                    &[(
                        "keys",
                        defs.iter()
                            .map(|d| d.key.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    )],
                ),
            );
            out
        })
    }

    pub fn fit(&self, fit: &std::collections::BTreeMap<String, Fit>) -> R {
        self.emit(fit, || {
            let mut out = String::new();
            for p in compare::PLATFORMS {
                let Some(f) = fit.get(p) else { continue };
                let score = match f.score {
                    Some(s) => self.tr("cli.fit_score", &[("score", s.to_string())]),
                    None => self.tr("cli.fit_neutral", &[]),
                };
                let ruled = if f.ruled_out_by.is_empty() {
                    String::new()
                } else {
                    format!(
                        "  {}",
                        self.tr("cli.fit_ruled_out", &[("needs", f.ruled_out_by.join(", "))])
                    )
                };
                out.push_str(&format!(
                    "{}: {score}{ruled}\n",
                    self.tr(&format!("platforms.{p}"), &[])
                ));
                for r in &f.reasons {
                    out.push_str(&format!("    {}\n", r.message));
                }
            }
            out
        })
    }

    pub fn demos(&self, demos: &[DemoInfo]) -> R {
        self.emit(demos, || {
            demos
                .iter()
                .map(|d| {
                    format!(
                        "{}  {}\n    {}\n",
                        d.id,
                        d.title.get(self.lang),
                        d.story.get(self.lang)
                    )
                })
                .collect()
        })
    }
}

fn table_rows_text(head: &[String], rows: &[Vec<String>]) -> String {
    let mut all = vec![head.to_vec()];
    all.extend(rows.iter().cloned());
    table_rows(&all)
}

/// [`table`] for rows of any width (the first row is the header).
fn table_rows(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; width];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.width())))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
        if i == 0 {
            out.push_str(
                &widths
                    .iter()
                    .map(|w| "-".repeat(*w))
                    .collect::<Vec<_>>()
                    .join("  "),
            );
            out.push('\n');
        }
    }
    out
}

/// Prints a line; a reader that went away (`orgdesk … | head`) is not an error.
fn write_stdout(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}").and_then(|_| out.flush());
}

/// Left-aligned columns, measured in terminal cells so Chinese text lines up.
fn table<const N: usize>(rows: &[[String; N]], header: bool) -> String {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell}{}", " ".repeat(w - cell.width())))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
        if header && i == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            out.push_str(&rule.join("  "));
            out.push('\n');
        }
    }
    out
}

/// "300 元/年：…" for a certification fee.
fn fee_text(out: &Out, f: &FeeInfo) -> String {
    let amount = match (f.yuan, f.per_year) {
        (0, _) => out.tr("cert_ui.fee_exempt", &[]),
        (y, true) => out.tr("cert_ui.fee_per_year", &[("yuan", y.to_string())]),
        (y, false) => out.tr("cert_ui.fee_once", &[("yuan", y.to_string())]),
    };
    format!("{amount}: {}", f.note)
}
