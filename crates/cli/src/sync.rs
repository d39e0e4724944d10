//! Connecting to the platform: the secret into the OS keyring, a pull of the live directory,
//! and the plan from it to the workspace.

use crate::print::Out;
use crate::{open, Exit};
use orgdesk_core::sync::journal::OpStatus;
use orgdesk_core::{Error, ErrorCode, Platform};
use std::io::Read;
use std::path::Path;

pub fn connect(
    workspace: &Path,
    platform: &str,
    id: &str,
    secret_stdin: bool,
    out: &Out,
) -> Result<Exit, Error> {
    let platform: Platform = platform
        .parse()
        .ok()
        .filter(|p| *p != Platform::Undecided)
        .ok_or_else(|| Error::invalid_value("platform", platform, "wecom, dingtalk, feishu"))?;
    if !secret_stdin {
        return Err(Error::new(ErrorCode::MissingRequired, "secret_required"));
    }
    let mut secret = String::new();
    std::io::stdin()
        .read_to_string(&mut secret)
        .map_err(|e| Error::new(ErrorCode::IoError, "secret_required").with("detail", e))?;
    let mut ws = open(workspace)?;
    orgdesk_platform::connect(&mut ws, platform, id, &secret)?;
    connection(workspace, out)
}

pub fn connection(workspace: &Path, out: &Out) -> Result<Exit, Error> {
    let c = open(workspace)?.platform_connection()?;
    out.emit(&c, || match &c {
        Some(c) => out.tr(
            "cli.connected",
            &[
                (
                    "platform",
                    out.tr(&format!("platforms.{}", c.platform.as_str()), &[]),
                ),
                ("id", c.client_id.clone()),
                ("at", c.connected_at.clone()),
            ],
        ),
        None => out.tr("cli.not_connected", &[]),
    })?;
    Ok(Exit::Done)
}

pub fn disconnect(workspace: &Path, out: &Out) -> Result<Exit, Error> {
    let mut ws = open(workspace)?;
    orgdesk_platform::disconnect(&mut ws)?;
    out.emit(&serde_json::json!({ "disconnected": true }), || {
        out.tr("cli.disconnected", &[])
    })?;
    Ok(Exit::Done)
}

pub fn pull(workspace: &Path, out: &Out) -> Result<Exit, Error> {
    let mut ws = open(workspace)?;
    let p = orgdesk_platform::pull(&mut ws, &Counter)?;
    let summary = serde_json::json!({
        "platform": p.platform,
        "pulled_at": p.pulled_at,
        "departments": p.state.departments.len(),
        "members": p.state.members.len(),
        "withheld": p.state.withheld,
    });
    out.emit(&summary, || {
        let mut text = out.tr(
            "cli.pulled",
            &[
                ("departments", p.state.departments.len().to_string()),
                ("members", p.state.members.len().to_string()),
            ],
        );
        if !p.state.withheld.is_empty() {
            text.push('\n');
            text.push_str(&out.tr("cli.withheld", &[("fields", p.state.withheld.join(", "))]));
        }
        text
    })?;
    Ok(Exit::Done)
}

/// The plan; exit 1 when a guard blocks it.
pub fn plan(workspace: &Path, allow_deletes: u32, out: &Out) -> Result<Exit, Error> {
    let plan = open(workspace)?.sync_plan(allow_deletes, out.lang)?;
    out.emit(&plan, || {
        let mut lines = vec![out.tr(
            "cli.plan_head",
            &[
                ("id", plan.id.clone()),
                ("count", plan.operations.len().to_string()),
                ("at", plan.pulled_at.clone()),
            ],
        )];
        for o in &plan.operations {
            let op = o.op.as_str();
            let fields: Vec<String> = o
                .fields
                .iter()
                .map(|(k, v)| {
                    let show = |x: &Option<serde_json::Value>| {
                        x.as_ref().map_or("—".to_string(), |v| match v {
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                    };
                    format!("{k}: {} → {}", show(&v.from), show(&v.to))
                })
                .collect();
            lines.push(format!("  {op:<18} {}  {}", o.target, fields.join("; ")));
        }
        for b in &plan.blocked {
            lines.push(format!("[{}] {}", b.code, b.message));
        }
        lines.join("\n")
    })?;
    Ok(if plan.blocked.is_empty() {
        Exit::Done
    } else {
        Exit::Rejected
    })
}

/// Counts applied operations on standard error as they are done.
struct Counter;

impl orgdesk_core::progress::Progress for Counter {
    fn update(&self, done: u64, total: u64) {
        use std::io::IsTerminal;
        if std::io::stderr().is_terminal() {
            eprint!("\r{done}/{total}");
        }
    }
    fn cancelled(&self) -> bool {
        false
    }
}

/// Applies a saved plan; exit 1 when an operation failed.
pub fn apply(
    workspace: &Path,
    id: &str,
    options: orgdesk_platform::ApplyOptions,
    out: &Out,
) -> Result<Exit, Error> {
    let mut ws = open(workspace)?;
    let r = orgdesk_platform::apply(&mut ws, id, options, out.lang, &Counter)?;
    out.emit(&r, || {
        let mut lines = Vec::new();
        if r.dry_run {
            lines.push(out.tr(
                "cli.apply_dry_run",
                &[
                    ("count", r.remaining.to_string()),
                    ("id", r.plan_id.clone()),
                ],
            ));
            for e in r.journal.iter().filter(|e| e.status != OpStatus::Done) {
                lines.push(format!("  {:<18} {}", e.op.as_str(), e.target));
            }
            return lines.join("\n");
        }
        lines.push(out.tr(
            "cli.applied",
            &[
                ("done", r.done.to_string()),
                ("already", r.already_done.to_string()),
                ("remaining", r.remaining.to_string()),
            ],
        ));
        if let Some(f) = &r.failed {
            lines.push(out.tr(
                "cli.apply_failed",
                &[
                    ("op", f.op.as_str().to_string()),
                    ("target", f.target.clone()),
                    ("code", f.errcode.unwrap_or_default().to_string()),
                    ("message", f.message.clone().unwrap_or_default()),
                ],
            ));
        }
        if let Some(n) = r.left_after {
            lines.push(out.tr("cli.apply_left", &[("count", n.to_string())]));
        }
        lines.join("\n")
    })?;
    Ok(if r.failed.is_some() {
        Exit::Rejected
    } else {
        Exit::Done
    })
}
