//! Least-privilege checks over roles, grants and holders. Each finding has a stable code, a
//! severity, a translated message and the fix, and points at what to change.

use super::catalogue::{catalogue, Risk};
use super::effective::Resolver;
use super::{Level, Role, Scope};
use crate::error::Result;
use crate::i18n::{t, Lang};
use crate::members::MemberStatus;
use rusqlite::Connection;
use serde::Serialize;

/// The most super admins the guide allows.
pub const MAX_SUPER_ADMINS: usize = 3;

pub use crate::error::Severity;

/// One problem found by the checks.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Finding {
    pub code: String,
    pub severity: Severity,
    pub message: String,
    pub fix: String,
    /// What it is about, as text (a role, a role and permission, a member, a department).
    pub target: String,
    /// For links to the offending matrix cell or member.
    pub role_id: Option<i64>,
    pub permission: Option<String>,
    pub userid: Option<String>,
    pub department: Option<String>,
}

struct Out {
    lang: Lang,
    findings: Vec<Finding>,
}

#[derive(Default)]
struct At<'a> {
    role: Option<&'a Role>,
    permission: Option<&'a str>,
    userid: Option<&'a str>,
    department: Option<&'a str>,
}

impl Out {
    fn add(&mut self, code: &str, severity: Severity, params: &[(&str, String)], at: At) {
        let lang = self.lang;
        let role = at.role.map(|r| r.label(lang));
        let target = [
            role.clone(),
            at.permission.map(str::to_string),
            at.userid.map(str::to_string),
            at.department.map(str::to_string),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
        self.findings.push(Finding {
            code: code.to_string(),
            severity,
            message: t(lang, &format!("checks.{code}.message"), params),
            fix: t(lang, &format!("checks.{code}.fix"), params),
            target,
            role_id: at.role.map(|r| r.id),
            permission: at.permission.map(str::to_string),
            userid: at.userid.map(str::to_string),
            department: at.department.map(str::to_string),
        });
    }
}

fn permission_name(key: &str, lang: Lang) -> String {
    catalogue()
        .permission(key)
        .map(|p| p.name.get(lang).to_string())
        .unwrap_or_else(|| key.to_string())
}

/// Runs every check, errors first.
pub(crate) fn run(conn: &Connection, lang: Lang) -> Result<Vec<Finding>> {
    let r = Resolver::load_holders(conn)?;
    let mut out = Out {
        lang,
        findings: Vec::new(),
    };
    let c = catalogue();

    // Super admins: at most 3, at least 2 (a backup), all active members.
    if let Some(sa) = r
        .roles
        .iter()
        .find(|x| x.key.as_deref() == Some("super_admin"))
    {
        let holding: Vec<&String> = sa
            .holders
            .iter()
            .filter(|u| !matches!(r.status_of(u), Some(MemberStatus::Departed)))
            .collect();
        let n = holding.len();
        let at = || At {
            role: Some(sa),
            ..Default::default()
        };
        if n > MAX_SUPER_ADMINS {
            let names = holding
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            out.add(
                "too_many_super_admins",
                Severity::Error,
                &[
                    ("count", n.to_string()),
                    ("max", MAX_SUPER_ADMINS.to_string()),
                    ("holders", names),
                ],
                at(),
            );
        } else if n == 0 {
            out.add("no_super_admin", Severity::Error, &[], at());
        } else if n == 1 {
            out.add(
                "single_super_admin",
                Severity::Warning,
                &[("userid", holding[0].clone())],
                at(),
            );
        }
        for u in &sa.holders {
            let status = r.status_of(u).unwrap_or_default();
            if status != MemberStatus::Active {
                out.add(
                    "inactive_super_admin",
                    Severity::Error,
                    &[
                        ("userid", u.clone()),
                        (
                            "status",
                            t(lang, &format!("statuses.{}", status.as_str()), &[]),
                        ),
                    ],
                    At {
                        role: Some(sa),
                        userid: Some(u),
                        ..Default::default()
                    },
                );
            }
        }
    }

    for role in &r.roles {
        let name = role.label(lang);
        // Employee-level roles must not carry high-risk permissions.
        if role.level == Level::Employee {
            for g in &role.grants {
                if c.permission(&g.permission)
                    .is_some_and(|p| p.risk == Risk::High)
                {
                    out.add(
                        "employee_high_risk",
                        Severity::Error,
                        &[
                            ("role", name.clone()),
                            ("permission", permission_name(&g.permission, lang)),
                        ],
                        At {
                            role: Some(role),
                            permission: Some(&g.permission),
                            ..Default::default()
                        },
                    );
                }
            }
        }
        // Department-level roles scoped to the whole organisation.
        if role.level == Level::Department {
            for g in role
                .grants
                .iter()
                .filter(|g| g.scope == Scope::Organization)
            {
                out.add(
                    "broad_scope",
                    Severity::Warning,
                    &[
                        ("role", name.clone()),
                        ("permission", permission_name(&g.permission, lang)),
                    ],
                    At {
                        role: Some(role),
                        permission: Some(&g.permission),
                        ..Default::default()
                    },
                );
            }
        }
        if !role.everyone && role.holders.is_empty() {
            out.add(
                "unused_role",
                Severity::Info,
                &[("role", name.clone())],
                At {
                    role: Some(role),
                    ..Default::default()
                },
            );
        }
        // Holders of a role scoped to chosen departments who belong to none of them.
        if role.level != Level::Employee {
            for g in role.grants.iter().filter(|g| g.scope == Scope::Departments) {
                for u in &role.holders {
                    let depts = r.member_departments(u);
                    if !depts.is_empty() && !r.covers_any(&g.department_ids, &depts) {
                        out.add(
                            "admin_outside_department",
                            Severity::Warning,
                            &[
                                ("role", name.clone()),
                                ("userid", u.clone()),
                                ("departments", g.departments.join("、")),
                            ],
                            At {
                                role: Some(role),
                                permission: Some(&g.permission),
                                userid: Some(u),
                                ..Default::default()
                            },
                        );
                    }
                }
            }
        }
    }

    // Sensitive departments that a broad role other than the super admins can still manage.
    let mut stmt = conn.prepare_cached("SELECT id FROM departments WHERE sensitive = 1")?;
    let sensitive: Vec<i64> = stmt
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let tree = crate::org::departments::Tree::load(conn)?;
    for dept in sensitive {
        let path = tree.path(dept);
        // Shown in everyone's directory: hide it (or show it to chosen viewers only).
        if !crate::org::visibility::effectively_hidden(&tree, dept) {
            out.add(
                "sensitive_department_visible",
                Severity::Warning,
                &[("department", path.clone())],
                At {
                    department: Some(&path),
                    ..Default::default()
                },
            );
        }
        for role in r.roles.iter().filter(|x| {
            x.key.as_deref() != Some("super_admin") && (x.everyone || !x.holders.is_empty())
        }) {
            let manages = role.grants.iter().find(|g| {
                g.scope == Scope::Organization
                    && c.permission(&g.permission).is_some_and(|p| {
                        p.risk >= Risk::Medium
                            && ["contacts", "data", "customers"].contains(&p.category.as_str())
                    })
            });
            if let Some(g) = manages {
                out.add(
                    "sensitive_department_exposed",
                    Severity::Warning,
                    &[
                        ("department", path.clone()),
                        ("role", role.label(lang)),
                        ("permission", permission_name(&g.permission, lang)),
                    ],
                    At {
                        role: Some(role),
                        permission: Some(&g.permission),
                        department: Some(&path),
                        ..Default::default()
                    },
                );
            }
        }
    }
    out.findings.sort_by_key(|f| f.severity);
    Ok(out.findings)
}
