//! Output: one JSON document with `--json`, otherwise text in the user's language.

use orgdesk_core::demo::DemoInfo;
use orgdesk_core::i18n::t;
use orgdesk_core::{
    AuditEntry, Department, DepartmentAdded, Error, Lang, Member, MemberSaved, WorkspaceInfo,
};
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

pub struct Out {
    pub json: bool,
    pub lang: Lang,
}

type R = Result<(), Error>;

impl Out {
    fn tr(&self, key: &str, params: &[(&str, String)]) -> String {
        t(self.lang, key, params)
    }

    /// Prints `value` as JSON, or `text()` otherwise.
    fn emit<T: Serialize + ?Sized>(&self, value: &T, text: impl FnOnce() -> String) -> R {
        if self.json {
            let doc = serde_json::to_string_pretty(value).map_err(|e| {
                Error::new(orgdesk_core::ErrorCode::Internal, "internal").with("detail", e)
            })?;
            println!("{doc}");
        } else {
            let s = text();
            if !s.is_empty() {
                println!("{}", s.trim_end());
            }
        }
        Ok(())
    }

    pub fn error(&self, e: &Error) {
        if self.json {
            let doc = serde_json::json!({ "error": e.to_dto(self.lang) });
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
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
                    ("name", m.name.clone()),
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
                &[("name", m.name.clone()), ("userid", m.userid.clone())],
            )
        })
    }

    pub fn member(&self, m: &Member) -> R {
        self.emit(m, || {
            let value = serde_json::to_value(m).unwrap_or_default();
            let fields = [
                "userid",
                "name",
                "alias",
                "mobile",
                "telephone",
                "email",
                "biz_email",
                "gender",
                "position",
                "employee_no",
                "manager",
                "rank",
                "join_date",
                "status",
                "address",
                "employment_type",
                "departments",
                "main_department",
            ];
            let rows: Vec<[String; 2]> = fields
                .iter()
                .filter_map(|f| {
                    let v = match &value[*f] {
                        serde_json::Value::Null => return None,
                        serde_json::Value::String(s) if *f == "status" => {
                            self.tr(&format!("statuses.{s}"), &[])
                        }
                        serde_json::Value::String(s) if *f == "gender" => {
                            self.tr(&format!("genders.{s}"), &[])
                        }
                        serde_json::Value::String(s) => s.clone(),
                        serde_json::Value::Array(a) => a
                            .iter()
                            .filter_map(|x| x.as_str())
                            .collect::<Vec<_>>()
                            .join("；"),
                        other => other.to_string(),
                    };
                    Some([self.tr(&format!("fields.{f}"), &[]), v])
                })
                .collect();
            table(&rows, false)
        })
    }

    pub fn members(&self, list: &[Member]) -> R {
        self.emit(list, || {
            if list.is_empty() {
                return self.tr("cli.no_members", &[]);
            }
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
                    m.name.clone(),
                    m.mobile.clone().unwrap_or_default(),
                    m.email.clone().unwrap_or_default(),
                    m.position.clone().unwrap_or_default(),
                    m.main_department.clone().unwrap_or_default(),
                    self.tr(&format!("statuses.{}", m.status.as_str()), &[]),
                ]);
            }
            let mut text = table(&rows, true);
            text.push_str(&self.tr("cli.members_count", &[("count", list.len().to_string())]));
            text
        })
    }

    pub fn history_step(&self, key: &str, entry: &AuditEntry) -> R {
        self.emit(entry, || {
            let action = self.tr(&format!("actions.{}", entry.action), &[]);
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
                    let mut action = self.tr(&format!("actions.{}", e.action), &[]);
                    if e.state.as_deref() == Some("undone") {
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
