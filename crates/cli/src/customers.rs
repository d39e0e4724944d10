//! The customer contact commands (guide §5): customers, orders, tags, RFM segments.

use crate::print::Out;
use crate::{open, word, Exit};
use clap::Subcommand;
use orgdesk_core::customers::rfm::Scoring;
use orgdesk_core::customers::{CustomerFilter, TagEdit};
use orgdesk_core::imports::customers::CustomersImport;
use orgdesk_core::progress::Silent;
use orgdesk_core::Error;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum CustomersCommand {
    /// Import a customer list as WeCom's customer export writes it (客户名称, 客户类型, 添加人,
    /// 添加人账号, 添加时间, 标签, 备注, 描述, 企业, 手机 …) or a plain sheet with those columns;
    /// one row per customer and owner. Every row or none (unless --skip-invalid), undoable.
    Import {
        workspace: PathBuf,
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        skip_invalid: bool,
        /// Write the rows with problems and why to this .xlsx.
        #[arg(long)]
        errors_out: Option<PathBuf>,
    },
    /// The platform's customer limits the workspace goes over: per member for the organisation's
    /// certification state, "group your customers" above 2,000, the unverified organisation's
    /// cap. Exit 1 when any.
    Check { workspace: PathBuf },
    /// The customers with their owners, tags and order counts.
    List {
        workspace: PathBuf,
        /// An owner's account.
        #[arg(long)]
        owner: Option<String>,
        /// A tag (`group:tag`, or a tag name).
        #[arg(long)]
        tag: Option<String>,
        /// An RFM segment key (important_value …), as of today.
        #[arg(long)]
        segment: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum OrdersCommand {
    /// Import orders (客户 or 客户手机, 下单时间, 金额, optional 订单号 and 客户ID): each is matched to
    /// a customer by mobile, else by a name only one customer has, else by id; an unmatched row is
    /// an error (unmatched_customer). An order whose number is there already is replaced.
    Import {
        workspace: PathBuf,
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        skip_invalid: bool,
        #[arg(long)]
        errors_out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum CampaignsCommand {
    /// Plan a mass message: on --date, by the --sender members, to their own customers with any
    /// of the --tag tags, --segment segments or --owner owners (none: all their customers).
    Add {
        workspace: PathBuf,
        #[arg(long)]
        date: String,
        #[arg(long = "sender", required = true)]
        senders: Vec<String>,
        #[arg(long = "tag")]
        tags: Vec<String>,
        #[arg(long = "segment")]
        segments: Vec<String>,
        #[arg(long = "owner")]
        owners: Vec<String>,
        #[arg(long)]
        text: String,
    },
    /// The campaigns planned.
    List { workspace: PathBuf },
    /// Delete a campaign by its number.
    Delete { workspace: PathBuf, id: i64 },
    /// The month's campaigns (all when no --month) against today's rules: per customer at most as
    /// many a month as the month has days, one a day per member, the per-send audience cap, a
    /// verified organisation. Exit 1 when any rule breaks.
    Check {
        workspace: PathBuf,
        /// YYYY-MM.
        #[arg(long)]
        month: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum WelcomeCommand {
    /// Set the welcome message of the organisation, a department (with its subtree) or a member;
    /// {客户名称}/{customer_name} and {成员姓名}/{member_name} are filled in when sent.
    Set {
        workspace: PathBuf,
        #[arg(long, conflicts_with = "member")]
        department: Option<String>,
        #[arg(long)]
        member: Option<String>,
        #[arg(long)]
        text: String,
    },
    /// The welcome messages.
    List { workspace: PathBuf },
    /// Delete a welcome message by its number.
    Delete { workspace: PathBuf, id: i64 },
    /// The message a member's new customer would get.
    Preview {
        workspace: PathBuf,
        #[arg(long)]
        member: String,
        #[arg(long, default_value = "王先生")]
        customer: String,
    },
    /// Messages over the platform's length limit and members with customers none reaches; exit
    /// 1 when any.
    Check { workspace: PathBuf },
}

#[derive(Subcommand)]
pub enum HandoverCommand {
    /// Who takes over a frozen or departed member's customers: --to, else the successor named
    /// at offboarding, else the head of their main department, else the active colleague there
    /// with the fewest customers; in transfers of the platform's size. --out writes the
    /// handover sheet.
    Plan {
        workspace: PathBuf,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Move the leaver's customers to the successor in the workspace (undoable), as the plan says.
    Apply {
        workspace: PathBuf,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum TagsCommand {
    /// Add a tag group (basic or behaviour; the value layer is RFM's).
    AddGroup {
        workspace: PathBuf,
        name: String,
        #[arg(long, value_parser = ["basic", "behaviour"])]
        layer: String,
    },
    /// Add a tag to a group.
    Add {
        workspace: PathBuf,
        group: String,
        name: String,
    },
    /// Rename a tag (`group:tag` or a unique name) or, with --group, a group.
    Rename {
        workspace: PathBuf,
        target: String,
        to: String,
        #[arg(long)]
        group: bool,
    },
    /// Move every customer of one tag to another and delete the first.
    Merge {
        workspace: PathBuf,
        from: String,
        into: String,
    },
    /// Delete a tag or, with --group, a group with its tags (taken off the customers).
    Delete {
        workspace: PathBuf,
        target: String,
        #[arg(long)]
        group: bool,
    },
}

fn imported(
    out: &Out,
    r: &CustomersImport,
    dry_run: bool,
    errors_out: Option<PathBuf>,
    orders: bool,
) -> Result<Exit, Error> {
    if let Some(path) = errors_out {
        if !r.problems.is_empty() {
            r.write_errors(&path, out.lang)?;
        }
    }
    out.customers_import(r, dry_run, orders)?;
    Ok(if !dry_run && !r.committed {
        Exit::Rejected
    } else {
        Exit::Done
    })
}

pub fn customers(cmd: CustomersCommand, out: &Out) -> Result<Exit, Error> {
    match cmd {
        CustomersCommand::Import {
            workspace,
            file,
            dry_run,
            skip_invalid,
            errors_out,
        } => {
            let r = open(&workspace)?.import_customers(
                &file,
                skip_invalid,
                dry_run,
                out.lang,
                &Silent,
            )?;
            imported(out, &r, dry_run, errors_out, false)
        }
        CustomersCommand::Check { workspace } => {
            let findings = open(&workspace)?.customer_findings(out.lang)?;
            out.customer_findings(&findings)?;
            Ok(if findings.is_empty() {
                Exit::Done
            } else {
                Exit::Rejected
            })
        }
        CustomersCommand::List {
            workspace,
            owner,
            tag,
            segment,
        } => {
            let filter = CustomerFilter {
                owner,
                tag,
                search: None,
            };
            let list = open(&workspace)?.customers(&filter, segment.as_deref(), out.lang)?;
            out.customers(&list)?;
            Ok(Exit::Done)
        }
    }
}

pub fn orders(cmd: OrdersCommand, out: &Out) -> Result<Exit, Error> {
    match cmd {
        OrdersCommand::Import {
            workspace,
            file,
            dry_run,
            skip_invalid,
            errors_out,
        } => {
            let r =
                open(&workspace)?.import_orders(&file, skip_invalid, dry_run, out.lang, &Silent)?;
            imported(out, &r, dry_run, errors_out, true)
        }
    }
}

pub fn tags(
    workspace: Option<PathBuf>,
    cmd: Option<TagsCommand>,
    out: &Out,
) -> Result<Exit, Error> {
    let (workspace, edit) = match cmd {
        None => {
            let ws = workspace
                .ok_or_else(|| Error::invalid_value("workspace", "", "a workspace file"))?;
            out.tag_groups(&open(&ws)?.tag_groups()?)?;
            return Ok(Exit::Done);
        }
        Some(TagsCommand::AddGroup {
            workspace,
            name,
            layer,
        }) => (
            workspace,
            TagEdit::AddGroup {
                name,
                layer: word("layer", &layer, "basic, behaviour")?,
            },
        ),
        Some(TagsCommand::Add {
            workspace,
            group,
            name,
        }) => (workspace, TagEdit::AddTag { group, name }),
        Some(TagsCommand::Rename {
            workspace,
            target,
            to,
            group,
        }) => (workspace, TagEdit::Rename { target, to, group }),
        Some(TagsCommand::Merge {
            workspace,
            from,
            into,
        }) => (workspace, TagEdit::Merge { from, into }),
        Some(TagsCommand::Delete {
            workspace,
            target,
            group,
        }) => (workspace, TagEdit::Delete { target, group }),
    };
    let mut ws = open(&workspace)?;
    ws.edit_tags(&edit)?;
    out.tag_groups(&ws.tag_groups()?)?;
    Ok(Exit::Done)
}

pub fn rfm(
    workspace: PathBuf,
    as_of: Option<String>,
    window_days: Option<u32>,
    quintile: bool,
    apply: bool,
    out: &Out,
) -> Result<Exit, Error> {
    let scoring = if quintile {
        Scoring::Quintile
    } else {
        Scoring::Mean
    };
    let mut ws = open(&workspace)?;
    let r = if apply {
        ws.apply_rfm(as_of.as_deref(), window_days, scoring, out.lang)?
    } else {
        ws.rfm(as_of.as_deref(), window_days, scoring, out.lang)?
    };
    out.rfm(&r)?;
    Ok(Exit::Done)
}

pub fn handover(cmd: HandoverCommand, out: &Out) -> Result<Exit, Error> {
    let plan = match cmd {
        HandoverCommand::Plan {
            workspace,
            from,
            to,
            out: sheet,
        } => {
            let plan = open(&workspace)?.handover_plan(&from, to.as_deref(), out.lang)?;
            if let Some(path) = sheet {
                orgdesk_core::customers::handover::write_sheet(&plan, &path, out.lang)?;
            }
            plan
        }
        HandoverCommand::Apply {
            workspace,
            from,
            to,
        } => open(&workspace)?.apply_handover(&from, to.as_deref(), out.lang)?,
    };
    out.handover(&plan)?;
    Ok(if plan.to.is_none() {
        Exit::Rejected
    } else {
        Exit::Done
    })
}

pub fn campaigns(cmd: CampaignsCommand, out: &Out) -> Result<Exit, Error> {
    use orgdesk_core::customers::campaigns::CampaignInput;
    match cmd {
        CampaignsCommand::Add {
            workspace,
            date,
            senders,
            tags,
            segments,
            owners,
            text,
        } => {
            let mut ws = open(&workspace)?;
            ws.add_campaign(&CampaignInput {
                date,
                senders,
                tags,
                segments,
                owners,
                text,
            })?;
            out.campaigns(&ws.campaigns()?)?;
        }
        CampaignsCommand::List { workspace } => out.campaigns(&open(&workspace)?.campaigns()?)?,
        CampaignsCommand::Delete { workspace, id } => {
            let mut ws = open(&workspace)?;
            ws.delete_campaign(id)?;
            out.campaigns(&ws.campaigns()?)?;
        }
        CampaignsCommand::Check { workspace, month } => {
            let check = open(&workspace)?.check_campaigns(month.as_deref(), out.lang)?;
            out.campaign_check(&check)?;
            if !check.violations.is_empty() {
                return Ok(Exit::Rejected);
            }
        }
    }
    Ok(Exit::Done)
}

pub fn welcome(cmd: WelcomeCommand, out: &Out) -> Result<Exit, Error> {
    use orgdesk_core::customers::welcome::WelcomeScope;
    match cmd {
        WelcomeCommand::Set {
            workspace,
            department,
            member,
            text,
        } => {
            let mut ws = open(&workspace)?;
            ws.set_welcome(&WelcomeScope { department, member }, &text)?;
            out.welcome_list(&ws.welcome_messages()?)?;
        }
        WelcomeCommand::List { workspace } => {
            out.welcome_list(&open(&workspace)?.welcome_messages()?)?
        }
        WelcomeCommand::Delete { workspace, id } => {
            let mut ws = open(&workspace)?;
            ws.delete_welcome(id)?;
            out.welcome_list(&ws.welcome_messages()?)?;
        }
        WelcomeCommand::Preview {
            workspace,
            member,
            customer,
        } => {
            let text = open(&workspace)?.welcome_preview(&member, &customer)?;
            out.welcome_preview(&text)?;
            if text.is_none() {
                return Ok(Exit::Rejected);
            }
        }
        WelcomeCommand::Check { workspace } => {
            let check = open(&workspace)?.welcome_check(out.lang)?;
            out.welcome_check(&check)?;
            if !check.too_long.is_empty() || !check.uncovered.is_empty() {
                return Ok(Exit::Rejected);
            }
        }
    }
    Ok(Exit::Done)
}
