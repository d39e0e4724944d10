//! `orgdesk`: the headless twin of the OrgDesk app. Parsing and printing only; every operation
//! is a call into `orgdesk_core`.
//!
//! Exit codes: 0 done, 1 input rejected by a rule, 2 could not run (bad arguments, missing,
//! corrupt or newer file).

/// mimalloc: imports parse on one thread and check on another; glibc's allocator spent a sixth
/// of an import freeing across threads.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod customers;
mod print;
mod print_approvals;
mod print_customers;
mod print_health;
mod sync;

use clap::{Args, Parser, Subcommand};
use orgdesk_core::compare::{
    self,
    needs::{Importance, Need},
};
use orgdesk_core::i18n::t;
use orgdesk_core::imports::activity::ActivityKind;
use orgdesk_core::lifecycle::{Kind, LifecycleTick};
use orgdesk_core::members::{FieldKind, FIELDS};
use orgdesk_core::org::profile::{EntityType, ProfileInput};
use orgdesk_core::progress::Silent;
use orgdesk_core::roles::checks::Severity;
use orgdesk_core::roles::{Level, RoleRef, Scope};
use orgdesk_core::setup::certification::CertificationInput;
use orgdesk_core::setup::checklist::Tick;
use orgdesk_core::setup::hardware::{DeviceKind, EventKind};
use orgdesk_core::setup::security::{self, SettingKind};
use orgdesk_core::Visibility;
use orgdesk_core::{
    demo, exports, imports, DepartmentRef, Error, ErrorKind, FieldKey, Lang, MemberFields,
    MemberInput, MemberQuery, Platform, Source, Workspace,
};
use print::Out;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "orgdesk",
    version,
    about = "OrgDesk workspace tool: departments, members, history (offline, one .orgdesk file per workspace)"
)]
struct Cli {
    /// Print one JSON document instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Language of messages: zh-CN or en-US (default: from ORGDESK_LANG / LANG).
    #[arg(long, global = true, env = "ORGDESK_LANG")]
    lang: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new workspace file (never overwrites an existing file).
    Init {
        workspace: PathBuf,
        /// Organisation name (default: the file name).
        #[arg(long)]
        name: Option<String>,
        /// Target platform: wecom, dingtalk, feishu or undecided.
        #[arg(long, default_value = "undecided")]
        platform: Platform,
    },
    /// Department tree: add, rename, move, reorder, delete, list.
    #[command(subcommand, alias = "department", alias = "dept")]
    Departments(DeptCommand),
    /// Members: add, update, delete, show, list.
    #[command(subcommand, alias = "member")]
    Members(Box<MemberCommand>),
    /// What a member sees of the directory, given the departments' visibility settings.
    Sees { workspace: PathBuf, userid: String },
    /// Members not yet active per department, how each can be invited, and what to fix first.
    Activation {
        workspace: PathBuf,
        /// Also write the invitation list (name, account, channel, contact, department).
        #[arg(long, value_name = "OUT.xlsx")]
        invitations: Option<PathBuf>,
    },
    /// Joiners and leavers with their checklists and the overdue steps (tick hand steps with
    /// `lifecycle tick`).
    Lifecycle {
        #[command(subcommand)]
        action: Option<LifecycleAction>,
        workspace: Option<PathBuf>,
    },
    /// The rank order, lowest first (`ranks set WS P1 P2 P3 M1 M2`), and the members per rank.
    #[command(args_conflicts_with_subcommands = true)]
    Ranks {
        #[command(subcommand)]
        action: Option<RanksAction>,
        workspace: Option<PathBuf>,
    },
    /// The app plan (guide §4): the platforms' native apps, the apps chosen, who sees each, checks.
    #[command(subcommand, alias = "app")]
    Apps(AppsCommand),
    /// Approval templates, the route simulator ("who approves this?"), the workspace-wide
    /// check, and approval efficiency from the consoles' records.
    #[command(subcommand, alias = "approval")]
    Approvals(ApprovalsCommand),
    /// Customers (guide §5) as the customer export lists them, each owned by the members who
    /// added them.
    #[command(subcommand, alias = "customer")]
    Customers(customers::CustomersCommand),
    /// Orders, matched to customers, for the RFM value segments.
    #[command(subcommand, alias = "order")]
    Orders(customers::OrdersCommand),
    /// The mass-message planner: campaigns checked against today's rules.
    #[command(subcommand, alias = "campaign")]
    Campaigns(customers::CampaignsCommand),
    /// Welcome messages for new customers, per organisation, department or member.
    #[command(subcommand)]
    Welcome(customers::WelcomeCommand),
    /// A leaver's customers handed over to a colleague.
    #[command(subcommand)]
    Handover(customers::HandoverCommand),
    /// Customer tags in three layers (basic, behaviour, value): `tags WS` lists them.
    #[command(args_conflicts_with_subcommands = true)]
    Tags {
        #[command(subcommand)]
        action: Option<customers::TagsCommand>,
        workspace: Option<PathBuf>,
    },
    /// RFM value segments: R = days since the last order, F = orders, M = amount, within the
    /// window up to --as-of; each high or low against the mean (or by quintile). --apply makes
    /// each customer's segment their value tag (undoable).
    Rfm {
        workspace: PathBuf,
        /// YYYY-MM-DD (default: today).
        #[arg(long)]
        as_of: Option<String>,
        /// Days up to --as-of whose orders count (default 365).
        #[arg(long)]
        window_days: Option<u32>,
        /// Scores 1–5 by quintile (4 and 5 high) instead of the mean.
        #[arg(long)]
        quintile: bool,
        #[arg(long)]
        apply: bool,
    },
    /// Activity exported from the consoles (member activity, customer contact statistics, an
    /// API call log), for the health view.
    #[command(subcommand)]
    Activity(ActivityCommand),
    /// Operations health (the guide's epilogue): login rate, first reply, approval speed, the
    /// customer funnel, API errors and device batches against the guide's thresholds, with the
    /// trend, who pulls each down and what to do. Exit 0 whatever the statuses.
    Health {
        workspace: PathBuf,
        /// First day (YYYY-MM-DD; default: eight weeks before --to, from a Monday).
        #[arg(long)]
        from: Option<String>,
        /// Last day (default: the last day with activity data).
        #[arg(long)]
        to: Option<String>,
    },
    /// Connect the workspace to its platform: the id (WeCom corp id, DingTalk app key, Feishu
    /// app id) is kept in the workspace, the secret, read from standard input, only in the OS
    /// keyring. No keyring: an error, never a plain-text fallback.
    Connect {
        workspace: PathBuf,
        /// wecom, dingtalk or feishu.
        #[arg(long)]
        platform: String,
        #[arg(long)]
        id: String,
        /// Read the secret from standard input (the only way to give it).
        #[arg(long)]
        secret_stdin: bool,
    },
    /// The workspace's connection (never the secret).
    Connection { workspace: PathBuf },
    /// Forget the connection and remove its secret from the OS keyring.
    Disconnect { workspace: PathBuf },
    /// Read the live departments and members from the platform into the workspace, beside the
    /// plan (one undoable action). ORGDESK_WECOM_API, ORGDESK_DINGTALK_API and
    /// ORGDESK_FEISHU_API override the servers (private deployments, tests).
    Pull { workspace: PathBuf },
    /// The operations that make the platform's directory what the workspace says, from the last
    /// pull. Exit 1 when a guard blocks it (more than 20 % deletes without --allow-deletes N, a
    /// value the platform refuses).
    Plan {
        workspace: PathBuf,
        /// How many deletes you accept.
        #[arg(long, default_value_t = 0)]
        allow_deletes: u32,
    },
    /// Carry out a saved plan (its id from `plan`) on the platform, only if a fresh read shows
    /// the rows it touches still as they were pulled. Each operation is journaled before and
    /// after its call; the first failure stops the run (exit 1). A run killed or cut off in the
    /// middle goes on with --resume, repeating nothing that was done.
    Apply {
        workspace: PathBuf,
        plan_id: String,
        /// Check against a fresh read and list what would run; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// How many deletes you accept.
        #[arg(long, default_value_t = 0)]
        allow_deletes: u32,
        /// Go on with a run that was started.
        #[arg(long)]
        resume: bool,
    },
    /// Revert the last action.
    Undo { workspace: PathBuf },
    /// Re-apply the last undone action.
    Redo { workspace: PathBuf },
    /// Show the audit log, newest first.
    Log {
        workspace: PathBuf,
        #[arg(long)]
        limit: Option<u32>,
    },
    /// Demo companies.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// The organisation profile: legal name, credit code (validated), entity type, industry …
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Certification planner: method, materials, submission, decision window, next review.
    #[command(subcommand)]
    Certification(CertificationCommand),
    /// The readiness checklist across the guide's eight steps (tick manual items with `tick`).
    #[command(args_conflicts_with_subcommands = true)]
    Checklist {
        #[command(subcommand)]
        action: Option<ChecklistAction>,
        workspace: Option<PathBuf>,
    },
    /// Security and compliance settings, with a score and what is missing.
    #[command(subcommand)]
    Security(SecurityCommand),
    /// Hardware plan: devices by site and batch, offline/failure log, batches to replace.
    #[command(subcommand)]
    Hardware(HardwareCommand),
    /// Named snapshots kept inside the workspace file: save, list, restore, delete.
    #[command(subcommand, alias = "snapshots")]
    Snapshot(SnapshotCommand),
    /// Import members from an Excel (.xlsx/.xlsm/.xls/.ods) or CSV file.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Committed imports: list, roll back.
    #[command(subcommand)]
    Imports(ImportsCommand),
    /// Write platform import files (members for WeCom, DingTalk, Feishu).
    #[command(subcommand)]
    Export(ExportCommand),
    /// Turn a staff list or another platform's roster export (DingTalk, Feishu) into an import
    /// file for the platform given by --to, in one go.
    Migrate {
        file: PathBuf,
        out: PathBuf,
        /// Target format: wecom, wecom-api, dingtalk or feishu.
        #[arg(long = "to", value_name = "FORMAT")]
        to: String,
        /// Import into this workspace (kept) instead of a temporary one.
        #[arg(long)]
        workspace: Option<PathBuf>,
        /// Write the file even when pre-flight finds errors.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        read: ReadOptions,
    },
    /// Write the report workbook: overview with charts, roster, org chart, permission matrix
    /// (sheet names and headers in --lang).
    Report {
        workspace: PathBuf,
        out: PathBuf,
        #[command(flatten)]
        mask: MaskOptions,
    },
    /// Roles and permissions: list, add, delete, grant, revoke, assign, unassign, matrix, export.
    #[command(subcommand, alias = "role")]
    Roles(RolesCommand),
    /// Who holds a permission (in a department, when given).
    WhoCan {
        workspace: PathBuf,
        permission: String,
        #[arg(long)]
        department: Option<String>,
    },
    /// What a member can do, where, and through which role.
    Can { workspace: PathBuf, userid: String },
    /// Least-privilege checks; exits 1 when one of them is an error.
    Check { workspace: PathBuf },
    /// Compare WeCom, DingTalk and Feishu (sourced, dated capability dataset).
    #[command(args_conflicts_with_subcommands = true)]
    Compare {
        #[command(subcommand)]
        action: Option<CompareAction>,
        /// Only this category (directory, admin, customers, approvals, meetings, security, api,
        /// limits, editions, deployment).
        #[arg(long)]
        category: Option<String>,
        /// Only rows where the platforms differ.
        #[arg(long)]
        only_diff: bool,
    },
    /// What the business needs of its platform (for the fit score).
    #[command(subcommand)]
    Needs(NeedsCommand),
    /// Each platform's fit for the workspace's needs, with the reasons.
    Fit { workspace: PathBuf },
}

#[derive(Subcommand)]
enum CompareAction {
    /// Write the comparison (and, given a workspace, its fit score) to .xlsx: `export [WS] OUT.xlsx`.
    Export {
        #[arg(num_args = 1..=2, value_name = "[WS] OUT.xlsx")]
        paths: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum NeedsCommand {
    /// State a need: a must-have (--must) rules out platforms without it; a nice-to-have is
    /// weighted (--weight 1–5).
    Set {
        workspace: PathBuf,
        need: String,
        #[arg(long, conflicts_with = "nice")]
        must: bool,
        #[arg(long)]
        nice: bool,
        #[arg(long, default_value_t = 3)]
        weight: u8,
        /// For number needs: headcount, budget_per_seat.
        #[arg(long)]
        value: Option<f64>,
    },
    /// List the stated needs and the needs that can be stated.
    List { workspace: PathBuf },
    /// Remove a need.
    Clear { workspace: PathBuf, need: String },
}

#[derive(Subcommand)]
enum RolesCommand {
    /// List the roles with their grants and holders.
    List { workspace: PathBuf },
    /// Add a custom role.
    Add {
        workspace: PathBuf,
        name: String,
        /// admin, department or employee.
        #[arg(long, default_value = "admin")]
        level: Level,
    },
    /// Delete a custom role (built-in roles stay).
    Delete { workspace: PathBuf, role: String },
    /// Grant a permission to a role: on the whole organisation (default), on the holder's own
    /// departments (--scope own_subtree), or on chosen departments (--department PATH ...).
    Grant {
        workspace: PathBuf,
        role: String,
        permission: String,
        /// organization, own_subtree or departments (default: departments when --department is
        /// given, else own_subtree for a department-level role, else organization).
        #[arg(long)]
        scope: Option<Scope>,
        #[arg(long = "department", value_name = "PATH")]
        departments: Vec<String>,
    },
    /// Take a permission away from a role.
    Revoke {
        workspace: PathBuf,
        role: String,
        permission: String,
    },
    /// Give a role to a member.
    Assign {
        workspace: PathBuf,
        role: String,
        userid: String,
    },
    /// Take a role away from a member.
    Unassign {
        workspace: PathBuf,
        role: String,
        userid: String,
    },
    /// Roles × permissions.
    Matrix { workspace: PathBuf },
    /// Write the matrix, every member's effective permissions and the checks to .xlsx.
    Export { workspace: PathBuf, out: PathBuf },
    /// How each role would be set up on a platform (default: the workspace's target, or all).
    Mapping {
        workspace: PathBuf,
        #[arg(long)]
        platform: Option<Platform>,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// Members as a platform import file: wecom (console .xlsx), wecom-api (batch sync CSV +
    /// department CSV), dingtalk, feishu. Checked against the platform first: nothing is written
    /// when a check fails (exit 1) unless --force.
    Members {
        workspace: PathBuf,
        out: PathBuf,
        #[arg(long)]
        format: String,
        /// Write even when pre-flight finds errors.
        #[arg(long)]
        force: bool,
        /// Run the pre-flight checks only; write nothing.
        #[arg(long, conflicts_with = "force")]
        check: bool,
        #[command(flatten)]
        mask: MaskOptions,
    },
}

/// Presentation mode for files: hide personal data (the file says so).
#[derive(Args)]
struct MaskOptions {
    /// Mask mobiles and emails (138****8000, z***@domain), as presentation mode shows them.
    #[arg(long)]
    mask: bool,
    /// Mask given names too (张*); implies --mask.
    #[arg(long)]
    mask_names: bool,
}

impl MaskOptions {
    fn get(&self) -> Option<exports::mask::Mask> {
        (self.mask || self.mask_names).then_some(exports::mask::Mask {
            names: self.mask_names,
        })
    }
}

/// How to read a member file (shared by import and migrate).
#[derive(Args)]
struct ReadOptions {
    /// Sheet to read (default: the first with a header row).
    #[arg(long)]
    sheet: Option<String>,
    /// Row number of the header as the spreadsheet shows it (CSV: line).
    #[arg(long)]
    header_row: Option<u32>,
    /// Column meaning, "表头=field" (field: name, userid, mobile, email, department, … or ignore).
    #[arg(long = "map", value_name = "HEADER=FIELD")]
    map: Vec<String>,
    /// Department file of a WeCom batch sync CSV (部门名称, 部门ID, 父部门ID), when the member
    /// file lists department ids (default: FILE_departments.csv next to it, if present).
    #[arg(long, value_name = "FILE")]
    departments: Option<PathBuf>,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Import a staff list: every row is checked first; all valid rows are written in one
    /// transaction, or nothing when a row is invalid (unless --skip-invalid).
    Members(MembersImport),
    /// Offboard the leavers of a sheet (账号 or 手机, 离职日期, optional 交接人) in one undoable
    /// action: every row or none (unless --skip-invalid).
    Leavers {
        workspace: PathBuf,
        file: PathBuf,
        /// Check and report only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Offboard the valid rows even if some rows are invalid.
        #[arg(long)]
        skip_invalid: bool,
    },
}

#[derive(clap::Args)]
struct MembersImport {
    workspace: PathBuf,
    file: PathBuf,
    #[command(flatten)]
    read: ReadOptions,
    /// Check and report only; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Write the valid rows even if some rows are invalid.
    #[arg(long)]
    skip_invalid: bool,
    /// Write the rows that were not imported, with the reasons, to this .xlsx file.
    #[arg(long, value_name = "ERRORS.xlsx")]
    errors_out: Option<PathBuf>,
}

#[derive(Subcommand)]
enum ImportsCommand {
    /// List committed imports, newest first.
    List { workspace: PathBuf },
    /// Undo a whole import batch (also when other changes came after it).
    Rollback { workspace: PathBuf, batch: i64 },
}

#[derive(Subcommand)]
enum DeptCommand {
    /// Create a department by full path; missing levels are created (示例科技/销售部/华东区).
    Add { workspace: PathBuf, path: String },
    /// Rename the department at PATH.
    Rename {
        workspace: PathBuf,
        path: String,
        new_name: String,
    },
    /// Move the department at PATH under PARENT (or to the top level with --top).
    Move {
        workspace: PathBuf,
        path: String,
        /// New parent department path.
        #[arg(conflicts_with_all = ["to", "top"])]
        parent: Option<String>,
        /// New parent department path (same as the positional PARENT).
        #[arg(long, conflicts_with = "top")]
        to: Option<String>,
        /// Move to the top level.
        #[arg(long)]
        top: bool,
        /// Position among the new siblings, from 0 (default: last).
        #[arg(long)]
        position: Option<u32>,
    },
    /// Move the department at PATH to POSITION among its siblings (from 0).
    Reorder {
        workspace: PathBuf,
        path: String,
        position: u32,
    },
    /// Delete an empty department.
    Delete { workspace: PathBuf, path: String },
    /// List every department in tree order.
    List { workspace: PathBuf },
    /// Mark a department as holding sensitive data, or not with --off.
    Sensitive {
        workspace: PathBuf,
        path: String,
        #[arg(long)]
        off: bool,
    },
    /// Mark a department as facing customers (its members must be activated), or not with --off.
    CustomerFacing {
        workspace: PathBuf,
        path: String,
        #[arg(long)]
        off: bool,
    },
    /// Show who sees the department at PATH, or set its visibility: the options given replace
    /// the whole setting (--everyone alone resets it).
    Visibility {
        workspace: PathBuf,
        path: String,
        /// Hidden from the directory except to its own members (and the viewers below).
        #[arg(long)]
        hidden: bool,
        /// A department (with those under it) that still sees it; implies --hidden. Repeatable.
        #[arg(long = "visible-to", value_name = "PATH")]
        visible_to: Vec<String>,
        /// A member (account) who still sees it; implies --hidden. Repeatable.
        #[arg(long = "visible-to-member", value_name = "USERID")]
        visible_to_member: Vec<String>,
        /// Its members (and those of the departments under it) see only their own departments.
        #[arg(long)]
        only_own: bool,
        /// Visible to everyone again, no restriction on its members.
        #[arg(long, conflicts_with_all = ["hidden", "visible_to", "visible_to_member", "only_own"])]
        everyone: bool,
    },
}

/// The options of `members add|update`: departments, leader flags, and one `--<field>` per
/// member field of the schema (so a new field is an option without touching this file).
#[derive(Default)]
struct MemberOptions {
    departments: Vec<String>,
    leader_of: Vec<String>,
    fields: Vec<(FieldKey, String)>,
}

/// `employee_no` → `--employee-no`.
fn flag(key: FieldKey) -> String {
    key.code().replace('_', "-")
}

/// What to type for a field of `kind`.
fn hint(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Gender => "male / 男 or female / 女",
        FieldKind::Status => "invited, unverified, active, frozen or departed",
        FieldKind::Date => "2023-05-01, 2023/5/1 or 2023年5月1日",
        FieldKind::Member => "the account of another member",
        FieldKind::Mobile => "13800138000, +86 138-0013-8000 or +85261234567",
        _ => "",
    }
}

impl clap::FromArgMatches for MemberOptions {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let mut options = MemberOptions::default();
        options.update_from_arg_matches(matches)?;
        Ok(options)
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        let all = |id: &str| -> Vec<String> {
            matches
                .get_many::<String>(id)
                .map(|v| v.cloned().collect())
                .unwrap_or_default()
        };
        self.departments = all("department");
        self.leader_of = all("leader_of");
        self.fields = FIELDS
            .iter()
            .filter_map(|spec| {
                let value = matches.get_one::<String>(spec.key.code())?;
                Some((spec.key, value.clone()))
            })
            .collect();
        Ok(())
    }
}

impl Args for MemberOptions {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        use clap::{Arg, ArgAction};
        let mut cmd = cmd
            .arg(
                Arg::new("department")
                    .long("department")
                    .value_name("PATH")
                    .action(ArgAction::Append)
                    .help("Department path; repeat for several, the first is the main department."),
            )
            .arg(
                Arg::new("leader_of")
                    .long("leader-of")
                    .value_name("PATH")
                    .action(ArgAction::Append)
                    .help("Departments this member leads (must be among --department)."),
            );
        for spec in FIELDS {
            let key = spec.key;
            let name = t(Lang::EnUs, &format!("fields.{}", key.code()), &[]);
            let help = match hint(spec.kind) {
                "" => name,
                hint => format!("{name}: {hint}."),
            };
            cmd = cmd.arg(
                Arg::new(key.code())
                    .long(flag(key))
                    .value_name(flag(key).to_uppercase())
                    .help(help)
                    // Typed fields are checked as the options are read (bad input: exit 2).
                    .value_parser(move |text: &str| {
                        MemberFields::check_text(key, text)
                            .map(|()| text.to_string())
                            .map_err(|e| e.message(Lang::EnUs))
                    }),
            );
        }
        cmd
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

#[derive(Subcommand)]
enum MemberCommand {
    /// Add a member (the account is generated from the name when --userid is not given).
    Add {
        workspace: PathBuf,
        #[arg(long)]
        userid: Option<String>,
        #[command(flatten)]
        fields: MemberOptions,
    },
    /// Change a member's fields; options not given keep their value.
    Update {
        workspace: PathBuf,
        userid: String,
        #[command(flatten)]
        fields: MemberOptions,
    },
    /// Delete a member.
    Delete { workspace: PathBuf, userid: String },
    /// Offboard a member: frozen now (departed once the date has come), the leaving date and
    /// successor recorded; prints what the leaver still holds. Undo restores everything.
    Offboard {
        workspace: PathBuf,
        userid: String,
        /// Leaving date (YYYY-MM-DD).
        #[arg(long)]
        date: String,
        /// The colleague who takes over (account).
        #[arg(long = "handover-to", value_name = "USERID")]
        handover_to: Option<String>,
    },
    /// Show one member.
    Show { workspace: PathBuf, userid: String },
    /// List members, optionally of one department (with its sub-departments unless --direct).
    List {
        workspace: PathBuf,
        #[arg(long)]
        department: Option<String>,
        /// Only members directly in --department, not in its sub-departments.
        #[arg(long, requires = "department")]
        direct: bool,
        /// Match name (also its pinyin: zw, zhangwei), account, mobile, alias or email: anywhere
        /// from three characters on, at the start or end of a value for one or two.
        #[arg(long)]
        search: Option<String>,
        /// At most N members; the JSON is then {"total","offset","members"}.
        #[arg(long, value_name = "N")]
        limit: Option<u32>,
        /// Skip the first N members found.
        #[arg(long, value_name = "N", default_value_t = 0)]
        offset: u32,
    },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// List the demo companies.
    List,
    /// Create a new workspace file holding a demo company.
    Create { name: String, workspace: PathBuf },
    /// Put a demo workspace back as it was created (undoable).
    Reset { workspace: PathBuf },
}

#[derive(Subcommand)]
enum ProfileCommand {
    Show {
        workspace: PathBuf,
    },
    /// Change profile fields; an empty value clears one.
    Set {
        workspace: PathBuf,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        legal_name: Option<String>,
        /// Unified social credit code (18 characters, GB 32100-2015 check character).
        #[arg(long)]
        credit_code: Option<String>,
        /// enterprise, education, non_profit, government or overseas.
        #[arg(long)]
        entity_type: Option<EntityType>,
        #[arg(long)]
        industry: Option<String>,
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        headcount: Option<u32>,
        #[arg(long)]
        platform: Option<Platform>,
    },
}

#[derive(Subcommand)]
enum CertificationCommand {
    /// Show the plan; with --method (and the other options) save it first.
    Plan {
        workspace: PathBuf,
        /// corporate_account, wechat or special_org.
        #[arg(long)]
        method: Option<String>,
        /// Submission date (YYYY-MM-DD).
        #[arg(long)]
        submitted: Option<String>,
        /// Approval date, once certified.
        #[arg(long)]
        approved: Option<String>,
        /// A material ready to submit (repeat): business_licence, corporate_account, …
        #[arg(long = "ready", value_name = "MATERIAL")]
        ready: Vec<String>,
    },
}

#[derive(Subcommand)]
enum ChecklistAction {
    /// Tick a manual item (or, with --reason, confirm a computed one that allows it).
    Tick {
        workspace: PathBuf,
        item: String,
        #[arg(long)]
        reason: Option<String>,
        /// Untick.
        #[arg(long)]
        off: bool,
    },
}

#[derive(Subcommand)]
enum RanksAction {
    /// Replace the rank order; give the ranks from the lowest to the highest.
    Set {
        workspace: PathBuf,
        #[arg(required = true)]
        ranks: Vec<String>,
    },
}

#[derive(Subcommand)]
enum AppsCommand {
    /// The native apps of each platform: purpose, data read, certification, source.
    Catalogue {
        /// wecom, dingtalk or feishu (default: all three).
        #[arg(long)]
        platform: Option<String>,
    },
    /// The apps chosen, with who sees each.
    List { workspace: PathBuf },
    /// Add an app: a native app by its catalogue key, or a self-built / third-party one.
    Add {
        workspace: PathBuf,
        app: String,
        #[arg(long)]
        name: Option<String>,
        /// native, self_built or third_party (default: native for catalogue keys).
        #[arg(long)]
        kind: Option<String>,
        /// internal or customer.
        #[arg(long)]
        facing: Option<String>,
        /// What it reads, comma-separated: contacts, customers, approvals, attendance, messages, files.
        #[arg(long, value_delimiter = ',')]
        reads: Option<Vec<String>>,
    },
    /// Remove an app from the plan.
    Remove { workspace: PathBuf, app: String },
    /// Set who sees an app (replaces what was set): everyone, or departments (with their
    /// subtrees), roles and members; and its admins.
    Visibility {
        workspace: PathBuf,
        app: String,
        #[arg(long = "department", value_name = "PATH")]
        departments: Vec<String>,
        #[arg(long = "role", value_name = "ROLE")]
        roles: Vec<String>,
        #[arg(long = "member", value_name = "USERID")]
        members: Vec<String>,
        /// Everyone in the organisation.
        #[arg(long)]
        all: bool,
        /// The app's admins (replaces them when given).
        #[arg(long = "admin", value_name = "USERID")]
        admins: Vec<String>,
    },
    /// The plan's checks, each with a code, the app and a fix (exit 1 when any).
    Check { workspace: PathBuf },
}

#[derive(Subcommand)]
enum ApprovalsCommand {
    /// The workspace's templates, then the built-in ones not added yet.
    Templates { workspace: PathBuf },
    /// One template with its routes and what each platform can express of it.
    Show { workspace: PathBuf, key: String },
    /// Add a template from a JSON file (or a built-in one by its key); one with the same key is
    /// replaced.
    Add { workspace: PathBuf, file: String },
    /// Write a template as JSON (the format `add` reads).
    Export {
        workspace: PathBuf,
        key: String,
        out: PathBuf,
    },
    /// Remove one of the workspace's templates.
    Delete { workspace: PathBuf, key: String },
    /// Who approves: the chain a template routes an applicant through (exit 1 when it breaks).
    Route {
        workspace: PathBuf,
        template: String,
        #[arg(long)]
        applicant: String,
        #[arg(long)]
        amount: Option<f64>,
        #[arg(long)]
        days: Option<f64>,
    },
    /// Every template, route band and active member: where chains break (exit 1 when any).
    Check { workspace: PathBuf },
    /// Approval records exported from the consoles.
    #[command(subcommand)]
    Records(RecordsCommand),
    /// Hours from submission to completion per department and template, each department's
    /// place among the departments (top 30 %?), and the slowest approvers.
    Efficiency {
        workspace: PathBuf,
        /// First submission day counted (YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        /// Last submission day counted (YYYY-MM-DD).
        #[arg(long)]
        to: Option<String>,
    },
}

#[derive(Subcommand)]
enum ActivityCommand {
    /// Import an activity file (.xlsx, .xls, .csv): member activity (账号/姓名, 日期, 是否活跃 or
    /// 最后活跃时间), customer contact statistics (成员, 日期, 聊天总数, 发送消息数, 已回复聊天占比,
    /// 平均首次回复时长, 新增客户数, …) or an API call log (时间, 接口, 错误码). The kind is found from
    /// the header unless given. Re-importing a period replaces it. Every row or none (unless
    /// --skip-invalid), in one undoable action.
    Import {
        workspace: PathBuf,
        file: PathBuf,
        /// members, customers or api.
        #[arg(long, value_parser = ["members", "customers", "api"])]
        kind: Option<String>,
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        skip_invalid: bool,
    },
}

#[derive(Subcommand)]
enum RecordsCommand {
    /// Import approval records (审批编号, 模板, 申请人, 申请人部门, 提交时间, 完成时间, 状态,
    /// optional 审批人); records with a number already imported are replaced. Every row or
    /// none (unless --skip-invalid), in one undoable action.
    Import {
        workspace: PathBuf,
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        skip_invalid: bool,
    },
}

#[derive(Subcommand)]
enum LifecycleAction {
    /// Tick a step that is done by hand (or untick it with --off).
    Tick {
        workspace: PathBuf,
        userid: String,
        step: String,
        /// joiner or leaver (default: leaver for a member who is leaving, else joiner).
        #[arg(long)]
        kind: Option<String>,
        /// When it was done (YYYY-MM-DD; default today).
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        off: bool,
    },
}

#[derive(Subcommand)]
enum SecurityCommand {
    Show {
        workspace: PathBuf,
    },
    /// Change settings: on/off switches, choices, texts, the IP allowlist.
    Set {
        workspace: PathBuf,
        #[command(flatten)]
        settings: SecurityOptions,
    },
}

/// The options of `security set`: one per setting of `assets/security/settings.json`, named by
/// its `flag` (a list setting is repeated).
#[derive(Default)]
struct SecurityOptions {
    /// (setting key, the texts given).
    given: Vec<(String, Vec<String>)>,
}

impl clap::FromArgMatches for SecurityOptions {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let mut options = SecurityOptions::default();
        options.update_from_arg_matches(matches)?;
        Ok(options)
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        self.given = security::settings()
            .iter()
            .filter_map(|s| {
                let texts: Vec<String> = matches.get_many::<String>(&s.key)?.cloned().collect();
                Some((s.key.clone(), texts))
            })
            .collect();
        Ok(())
    }
}

impl Args for SecurityOptions {
    fn augment_args(mut cmd: clap::Command) -> clap::Command {
        use clap::{Arg, ArgAction};
        for s in security::settings() {
            let (value, help) = match s.kind {
                SettingKind::Bool => ("on|off".to_string(), s.name.en_us.clone()),
                SettingKind::Choice => (s.choices.join("|"), s.name.en_us.clone()),
                SettingKind::Days => ("DAYS".into(), s.name.en_us.clone()),
                SettingKind::Text => ("TEXT".into(), s.name.en_us.clone()),
                SettingKind::CidrList => (
                    "CIDR".into(),
                    format!("{}: one entry, e.g. 203.0.113.0/24 or 2001:db8::/32 (repeat; replaces the list)", s.name.en_us),
                ),
            };
            let arg = Arg::new(s.key.clone())
                .long(s.flag.clone())
                .value_name(value)
                .help(help);
            cmd = cmd.arg(match s.kind {
                SettingKind::CidrList => arg.action(ArgAction::Append),
                _ => arg,
            });
        }
        cmd
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

#[derive(Subcommand)]
enum HardwareCommand {
    /// Import an inventory and/or an offline log (.xlsx/.xls/.ods/.csv): all rows or none.
    Import { workspace: PathBuf, file: PathBuf },
    /// List the devices.
    List { workspace: PathBuf },
    /// Quarterly offline/failure rate per batch; batches over 10% flagged.
    Flags { workspace: PathBuf },
    /// Register a device.
    Add {
        workspace: PathBuf,
        #[arg(long)]
        serial: String,
        /// attendance, display or tablet.
        #[arg(long)]
        kind: DeviceKind,
        #[arg(long)]
        site: String,
        #[arg(long)]
        batch: String,
        #[arg(long)]
        model: Option<String>,
        /// bluetooth, wifi, dual or wired.
        #[arg(long)]
        connectivity: Option<String>,
        #[arg(long)]
        face: bool,
    },
    /// Log an outage or failure of a device.
    Log {
        workspace: PathBuf,
        serial: String,
        #[arg(long)]
        day: String,
        /// offline (default) or failure.
        #[arg(long, default_value = "offline")]
        kind: EventKind,
        #[arg(long)]
        hours: Option<f64>,
    },
}

#[derive(Subcommand)]
enum SnapshotCommand {
    /// Save the workspace as it is now under NAME.
    Save { workspace: PathBuf, name: String },
    /// List the snapshots, newest first.
    List { workspace: PathBuf },
    /// Put the workspace back as it was in snapshot NAME (or #ID); undoable.
    Restore { workspace: PathBuf, name: String },
    /// Delete snapshot NAME (or #ID).
    Delete { workspace: PathBuf, name: String },
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("orgdesk: internal error: {info}. Nothing was changed; please report this.");
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let out = Out {
        json: cli.json,
        lang: language(cli.lang.as_deref()),
    };
    match std::panic::catch_unwind(|| run(cli.command, &out)) {
        Ok(Ok(Exit::Done)) => ExitCode::SUCCESS,
        Ok(Ok(Exit::Rejected)) => ExitCode::from(1),
        Ok(Err(e)) => {
            out.error(&e);
            ExitCode::from(match e.kind() {
                ErrorKind::Rejected => 1,
                ErrorKind::Unusable => 2,
            })
        }
        Err(_) => ExitCode::from(2),
    }
}

/// `--lang`/ORGDESK_LANG, else the POSIX locale; Chinese for zh*, English otherwise.
fn language(flag: Option<&str>) -> Lang {
    if let Some(lang) = flag.and_then(Lang::parse) {
        return lang;
    }
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .next()
        .and_then(|l| Lang::parse(&l))
        .unwrap_or(Lang::EnUs)
}

fn open(path: &Path) -> Result<Workspace, Error> {
    Workspace::open(path, Source::Cli)
}

fn dept(path: &str) -> DepartmentRef {
    DepartmentRef::Path(path.to_string())
}

/// The files a command is about to write that exist already: afterwards the CLI says it
/// replaced them (the core writes each file whole, then moves it into place).
struct Replacing(Vec<PathBuf>);

impl Replacing {
    fn new(paths: impl IntoIterator<Item = PathBuf>) -> Replacing {
        Replacing(paths.into_iter().filter(|p| p.is_file()).collect())
    }

    /// Notes the replaced files on stderr (stdout keeps the command's text or JSON document).
    fn say(self, out: &Out) {
        for path in self.0 {
            eprintln!(
                "{}",
                t(
                    out.lang,
                    "cli.replaced_file",
                    &[("path", path.display().to_string())]
                )
            );
        }
    }
}

/// How a command that ran ended.
enum Exit {
    Done,
    /// The input was read and rejected; the output says why (exit 1).
    Rejected,
}

fn run(command: Command, out: &Out) -> Result<Exit, Error> {
    match command {
        Command::Init {
            workspace,
            name,
            platform,
        } => {
            let ws = Workspace::create(
                &workspace,
                name.as_deref().unwrap_or(""),
                platform,
                Source::Cli,
            )?;
            out.created(&ws.info()?)?
        }
        Command::Departments(cmd) => departments(cmd, out)?,
        Command::Sees { workspace, userid } => out.sight(&open(&workspace)?.sees(&userid)?)?,
        Command::Activation {
            workspace,
            invitations,
        } => {
            let ws = open(&workspace)?;
            if let Some(path) = &invitations {
                ws.export_invitations(path, out.lang)?;
            }
            out.activation(&ws.activation(out.lang)?, invitations.as_deref())?
        }
        Command::Lifecycle {
            action: None,
            workspace: Some(workspace),
        } => out.lifecycle(&open(&workspace)?.lifecycle(out.lang)?)?,
        Command::Lifecycle {
            action: None,
            workspace: None,
        } => return Err(workspace_missing("orgdesk lifecycle WS")),
        Command::Lifecycle {
            action:
                Some(LifecycleAction::Tick {
                    workspace,
                    userid,
                    step,
                    kind,
                    on,
                    note,
                    off,
                }),
            ..
        } => {
            let kind = match kind {
                None => None,
                Some(k) => Some(
                    k.parse::<Kind>()
                        .map_err(|_| Error::invalid_value("kind", &k, "joiner, leaver"))?,
                ),
            };
            let c = open(&workspace)?.lifecycle_tick(
                &LifecycleTick {
                    userid,
                    kind,
                    step,
                    done: !off,
                    on,
                    note,
                },
                out.lang,
            )?;
            out.case(&c)?
        }
        Command::Members(cmd) => members(*cmd, out)?,
        Command::Ranks {
            action: None,
            workspace: Some(workspace),
        } => out.ranks(&open(&workspace)?.ranks()?)?,
        Command::Ranks {
            action: None,
            workspace: None,
        } => return Err(workspace_missing("orgdesk ranks WS")),
        Command::Ranks {
            action: Some(RanksAction::Set { workspace, ranks }),
            ..
        } => {
            let mut ws = open(&workspace)?;
            ws.set_ranks(&ranks)?;
            out.ranks(&ws.ranks()?)?
        }
        Command::Approvals(cmd) => return approvals(cmd, out),
        Command::Customers(cmd) => return customers::customers(cmd, out),
        Command::Orders(cmd) => return customers::orders(cmd, out),
        Command::Handover(cmd) => return customers::handover(cmd, out),
        Command::Campaigns(cmd) => return customers::campaigns(cmd, out),
        Command::Welcome(cmd) => return customers::welcome(cmd, out),
        Command::Tags { action, workspace } => return customers::tags(workspace, action, out),
        Command::Rfm {
            workspace,
            as_of,
            window_days,
            quintile,
            apply,
        } => return customers::rfm(workspace, as_of, window_days, quintile, apply, out),
        Command::Activity(ActivityCommand::Import {
            workspace,
            file,
            kind,
            dry_run,
            skip_invalid,
        }) => {
            let kind = kind
                .map(|k| {
                    k.parse::<ActivityKind>()
                        .map_err(|_| Error::invalid_value("kind", &k, "members, customers, api"))
                })
                .transpose()?;
            let r = open(&workspace)?.import_activity(
                &file,
                kind,
                skip_invalid,
                dry_run,
                out.lang,
                &Silent,
            )?;
            out.activity_import(&r, dry_run)?;
            if !dry_run && !r.committed {
                return Ok(Exit::Rejected);
            }
        }
        Command::Health {
            workspace,
            from,
            to,
        } => {
            let h = open(&workspace)?.health(from.as_deref(), to.as_deref(), out.lang)?;
            out.health(&h)?;
        }
        Command::Apps(cmd) => return apps(cmd, out),
        Command::Connect {
            workspace,
            platform,
            id,
            secret_stdin,
        } => return sync::connect(&workspace, &platform, &id, secret_stdin, out),
        Command::Connection { workspace } => return sync::connection(&workspace, out),
        Command::Disconnect { workspace } => return sync::disconnect(&workspace, out),
        Command::Pull { workspace } => return sync::pull(&workspace, out),
        Command::Plan {
            workspace,
            allow_deletes,
        } => return sync::plan(&workspace, allow_deletes, out),
        Command::Apply {
            workspace,
            plan_id,
            dry_run,
            allow_deletes,
            resume,
        } => {
            let options = orgdesk_platform::ApplyOptions {
                dry_run,
                allow_deletes,
                resume,
            };
            return sync::apply(&workspace, &plan_id, options, out);
        }
        Command::Undo { workspace } => {
            out.history_step("cli.undone", &open(&workspace)?.undo()?)?
        }
        Command::Redo { workspace } => {
            out.history_step("cli.redone", &open(&workspace)?.redo()?)?
        }
        Command::Log { workspace, limit } => out.log(&open(&workspace)?.log(limit)?)?,
        Command::Demo(DemoCommand::List) => out.demos(&demo::list()?)?,
        Command::Demo(DemoCommand::Create { name, workspace }) => {
            let ws = Workspace::create_demo(&name, &workspace, Source::Cli)?;
            out.created(&ws.info()?)?
        }
        Command::Import(cmd) => return import(cmd, out),
        Command::Demo(DemoCommand::Reset { workspace }) => {
            out.snapshot("cli.demo_reset", &open(&workspace)?.reset_demo()?)?
        }
        Command::Snapshot(cmd) => snapshot(cmd, out)?,
        Command::Profile(cmd) => profile(cmd, out)?,
        Command::Certification(CertificationCommand::Plan {
            workspace,
            method,
            submitted,
            approved,
            ready,
        }) => {
            let mut ws = open(&workspace)?;
            let plan = match method {
                Some(method) => ws.set_certification(
                    &CertificationInput {
                        method,
                        submitted_on: submitted,
                        approved_on: approved,
                        ready,
                    },
                    out.lang,
                )?,
                None => ws.certification_plan(out.lang)?,
            };
            out.certification(&plan)?
        }
        Command::Checklist {
            action: None,
            workspace: Some(workspace),
        } => out.checklist(&open(&workspace)?.checklist(out.lang)?)?,
        Command::Checklist {
            action: None,
            workspace: None,
        } => return Err(workspace_missing("orgdesk checklist WS")),
        Command::Checklist {
            action:
                Some(ChecklistAction::Tick {
                    workspace,
                    item,
                    reason,
                    off,
                }),
            ..
        } => {
            let mut ws = open(&workspace)?;
            ws.tick(&Tick {
                item,
                done: !off,
                reason,
            })?;
            out.checklist(&ws.checklist(out.lang)?)?
        }
        Command::Security(cmd) => security(cmd, out)?,
        Command::Hardware(cmd) => return hardware(cmd, out),
        Command::Export(ExportCommand::Members {
            workspace,
            out: path,
            format,
            force,
            check,
            mask,
        }) => {
            let ws = open(&workspace)?;
            if check {
                let problems = ws.preflight(&format, out.lang)?;
                out.preflight(&problems)?;
                if problems.iter().any(|p| p.is_error()) {
                    return Ok(Exit::Rejected);
                }
            } else {
                let replacing = Replacing::new(exports::layout(&format)?.outputs(&path));
                let report =
                    ws.export_members(&format, &path, force, out.lang, mask.get(), &Silent)?;
                out.export(&report)?;
                if report.written {
                    replacing.say(out);
                }
                if report.errors > 0 {
                    return Ok(Exit::Rejected);
                }
            }
        }
        Command::Migrate {
            file,
            out: path,
            to,
            workspace,
            force,
            read,
        } => return migrate(file, path, &to, workspace, force, read, out),
        Command::Report {
            workspace,
            out: path,
            mask,
        } => {
            let replacing = Replacing::new([path.clone()]);
            let summary = open(&workspace)?.export_report(&path, out.lang, mask.get(), &Silent)?;
            out.report(&summary)?;
            replacing.say(out)
        }
        Command::Roles(cmd) => roles(cmd, out)?,
        Command::WhoCan {
            workspace,
            permission,
            department,
        } => {
            let holders =
                open(&workspace)?.who_can(&permission, department.as_deref().map(dept).as_ref())?;
            out.holders(&permission, &holders)?
        }
        Command::Can { workspace, userid } => out.can(&open(&workspace)?.can(&userid)?)?,
        Command::Compare {
            action: None,
            category,
            only_diff,
        } => out.comparison(&compare::compare(
            compare::Dataset::builtin(),
            category.as_deref(),
            only_diff,
        )?)?,
        Command::Compare {
            action: Some(CompareAction::Export { paths }),
            ..
        } => {
            let (ws, path) = match paths.as_slice() {
                [out_path] => (None, out_path.clone()),
                [ws, out_path] => (Some(open(ws)?), out_path.clone()),
                _ => unreachable!("clap takes 1 or 2 paths"),
            };
            let fit = ws.as_ref().map(|w| w.fit(out.lang)).transpose()?;
            let replacing = Replacing::new([path.clone()]);
            let rows =
                compare::export::write(&path, out.lang, compare::Dataset::builtin(), fit.as_ref())?;
            out.exported("cli.exported_rows", &path, rows)?;
            replacing.say(out)
        }
        Command::Needs(NeedsCommand::Set {
            workspace,
            need,
            must,
            nice: _,
            weight,
            value,
        }) => {
            let importance = if must {
                Importance::Must
            } else {
                Importance::Nice
            };
            out.need_saved(&open(&workspace)?.set_need(&Need {
                key: need,
                importance,
                weight,
                value,
            })?)?
        }
        Command::Needs(NeedsCommand::List { workspace }) => {
            out.needs(&open(&workspace)?.needs()?)?
        }
        Command::Needs(NeedsCommand::Clear { workspace, need }) => {
            open(&workspace)?.unset_need(&need)?;
            out.needs(&open(&workspace)?.needs()?)?
        }
        Command::Fit { workspace } => out.fit(&open(&workspace)?.fit(out.lang)?)?,
        Command::Check { workspace } => {
            let findings = open(&workspace)?.check_permissions(out.lang)?;
            out.findings(&findings)?;
            if findings.iter().any(|f| f.severity == Severity::Error) {
                return Ok(Exit::Rejected);
            }
        }
        Command::Imports(ImportsCommand::List { workspace }) => {
            out.batches(&open(&workspace)?.imports()?)?
        }
        Command::Imports(ImportsCommand::Rollback { workspace, batch }) => {
            out.rolled_back(&open(&workspace)?.rollback_import(batch)?)?
        }
    }
    Ok(Exit::Done)
}

fn roles(cmd: RolesCommand, out: &Out) -> Result<(), Error> {
    let role = |r: &str| RoleRef::Name(r.to_string());
    match cmd {
        RolesCommand::List { workspace } => out.roles(&open(&workspace)?.roles()?),
        RolesCommand::Add {
            workspace,
            name,
            level,
        } => out.role_changed("cli.role_added", &open(&workspace)?.add_role(&name, level)?),
        RolesCommand::Delete { workspace, role: r } => out.role_changed(
            "cli.role_deleted",
            &open(&workspace)?.delete_role(&role(&r))?,
        ),
        RolesCommand::Grant {
            workspace,
            role: r,
            permission,
            scope,
            departments,
        } => {
            let chosen: Vec<DepartmentRef> = departments.iter().map(|d| dept(d)).collect();
            out.role_changed(
                "cli.role_granted",
                &open(&workspace)?.grant(&role(&r), &permission, scope, &chosen)?,
            )
        }
        RolesCommand::Revoke {
            workspace,
            role: r,
            permission,
        } => out.role_changed(
            "cli.role_revoked",
            &open(&workspace)?.revoke(&role(&r), &permission)?,
        ),
        RolesCommand::Assign {
            workspace,
            role: r,
            userid,
        } => out.role_changed(
            "cli.role_assigned",
            &open(&workspace)?.assign_role(&role(&r), &userid)?,
        ),
        RolesCommand::Unassign {
            workspace,
            role: r,
            userid,
        } => out.role_changed(
            "cli.role_unassigned",
            &open(&workspace)?.unassign_role(&role(&r), &userid)?,
        ),
        RolesCommand::Matrix { workspace } => out.matrix(&open(&workspace)?.permission_matrix()?),
        RolesCommand::Export {
            workspace,
            out: path,
        } => {
            let replacing = Replacing::new([path.clone()]);
            let rows = open(&workspace)?.export_permissions(&path, out.lang)?;
            out.exported("cli.exported", &path, rows)?;
            replacing.say(out);
            Ok(())
        }
        RolesCommand::Mapping {
            workspace,
            platform,
        } => {
            let platforms: Vec<Platform> = platform.into_iter().collect();
            out.mapping(&open(&workspace)?.role_mapping(&platforms)?)
        }
    }
}

/// The import options for `file`; a department file is looked for next to it.
fn read_options(
    read: ReadOptions,
    file: &Path,
    skip_invalid: bool,
) -> Result<imports::ImportOptions, Error> {
    let mut mapping = std::collections::BTreeMap::new();
    for m in &read.map {
        let (header, field) = m.rsplit_once('=').ok_or_else(|| {
            Error::new(
                orgdesk_core::ErrorCode::InvalidArgument,
                "import_bad_mapping",
            )
            .with("value", m)
            .with("fields", imports::header::Field::codes().join(", "))
        })?;
        mapping.insert(header.trim().to_string(), field.trim().to_string());
    }
    let departments_file = read
        .departments
        .or_else(|| imports::department_ids::sibling(file))
        .map(|p| p.display().to_string());
    Ok(imports::ImportOptions {
        sheet: read.sheet,
        header_row: read.header_row,
        mapping,
        skip_invalid,
        departments_file,
    })
}

/// A snake_case word of the core's (`third_party`) as its type, or a clear error.
fn word<T: serde::de::DeserializeOwned>(
    name: &str,
    value: &str,
    allowed: &str,
) -> Result<T, Error> {
    serde_json::from_value(serde_json::Value::String(value.trim().to_lowercase()))
        .map_err(|_| Error::invalid_value(name, value, allowed))
}

fn apps(cmd: AppsCommand, out: &Out) -> Result<Exit, Error> {
    use orgdesk_core::apps::{AppInput, AppVisibility};
    let lang = out.lang;
    match cmd {
        AppsCommand::Catalogue { platform } => {
            out.app_catalogue(&Workspace::app_catalogue(platform.as_deref()))?
        }
        AppsCommand::List { workspace } => out.apps(&open(&workspace)?.apps(lang)?)?,
        AppsCommand::Add {
            workspace,
            app,
            name,
            kind,
            facing,
            reads,
        } => {
            let input = AppInput {
                key: app,
                name,
                kind: kind
                    .map(|k| word("kind", &k, "native, self_built, third_party"))
                    .transpose()?,
                facing: facing
                    .map(|f| word("facing", &f, "internal, customer"))
                    .transpose()?,
                reads,
            };
            out.app_saved("cli.app_added", &open(&workspace)?.add_app(&input, lang)?)?
        }
        AppsCommand::Remove { workspace, app } => out.app_saved(
            "cli.app_removed",
            &open(&workspace)?.remove_app(&app, lang)?,
        )?,
        AppsCommand::Visibility {
            workspace,
            app,
            departments,
            roles,
            members,
            all,
            admins,
        } => {
            let v = AppVisibility {
                everyone: all,
                departments: departments.iter().map(|d| dept(d)).collect(),
                roles: roles.into_iter().map(RoleRef::Name).collect(),
                members,
            };
            let admins = (!admins.is_empty()).then_some(admins.as_slice());
            let saved = open(&workspace)?.set_app_visibility(&app, &v, admins, lang)?;
            out.app_saved("cli.app_visibility_set", &saved)?
        }
        AppsCommand::Check { workspace } => {
            let findings = open(&workspace)?.check_apps(lang)?;
            out.app_findings(&findings)?;
            if !findings.is_empty() {
                return Ok(Exit::Rejected);
            }
        }
    }
    Ok(Exit::Done)
}

fn approvals(cmd: ApprovalsCommand, out: &Out) -> Result<Exit, Error> {
    let lang = out.lang;
    match cmd {
        ApprovalsCommand::Templates { workspace } => {
            out.templates(&open(&workspace)?.approval_templates(out.lang)?)?
        }
        ApprovalsCommand::Show { workspace, key } => {
            let ws = open(&workspace)?;
            let t = ws.approval_template(&key)?;
            out.template(&t, &ws.approval_fit(&key, lang)?)?
        }
        ApprovalsCommand::Add { workspace, file } => {
            out.template_saved(&open(&workspace)?.add_approval_template(&file)?)?
        }
        ApprovalsCommand::Export {
            workspace,
            key,
            out: path,
        } => {
            let replacing = Replacing::new([path.clone()]);
            open(&workspace)?.export_approval_template(&key, &path)?;
            out.exported("cli.template_exported", &path, 1)?;
            replacing.say(out);
        }
        ApprovalsCommand::Delete { workspace, key } => {
            let t = open(&workspace)?.delete_approval_template(&key)?;
            out.template_deleted(&t)?
        }
        ApprovalsCommand::Route {
            workspace,
            template,
            applicant,
            amount,
            days,
        } => {
            let input = orgdesk_core::approvals::route::Input { amount, days };
            let chain = open(&workspace)?.approval_route(&template, &applicant, input, lang)?;
            out.chain(&chain)?;
            if !chain.sound() {
                return Ok(Exit::Rejected);
            }
        }
        ApprovalsCommand::Check { workspace } => {
            let breaks = open(&workspace)?.approval_check(lang)?;
            out.breaks(&breaks)?;
            if !breaks.is_empty() {
                return Ok(Exit::Rejected);
            }
        }
        ApprovalsCommand::Records(RecordsCommand::Import {
            workspace,
            file,
            dry_run,
            skip_invalid,
        }) => {
            let r =
                open(&workspace)?.import_approval_records(&file, skip_invalid, dry_run, lang)?;
            out.records_import(&r, dry_run)?;
            if !dry_run && !r.committed {
                return Ok(Exit::Rejected);
            }
        }
        ApprovalsCommand::Efficiency {
            workspace,
            from,
            to,
        } => {
            let e = open(&workspace)?.approval_efficiency(from.as_deref(), to.as_deref(), lang)?;
            out.efficiency(&e)?
        }
    }
    Ok(Exit::Done)
}

fn import(cmd: ImportCommand, out: &Out) -> Result<Exit, Error> {
    match cmd {
        ImportCommand::Members(args) => import_members(args, out),
        ImportCommand::Leavers {
            workspace,
            file,
            dry_run,
            skip_invalid,
        } => {
            let r = open(&workspace)?.import_leavers(&file, skip_invalid, dry_run, out.lang)?;
            out.leavers_import(&r, dry_run)?;
            Ok(if !dry_run && !r.committed {
                Exit::Rejected
            } else {
                Exit::Done
            })
        }
    }
}

fn import_members(args: MembersImport, out: &Out) -> Result<Exit, Error> {
    let MembersImport {
        workspace,
        file,
        read,
        dry_run,
        skip_invalid,
        errors_out,
    } = args;
    let options = read_options(read, &file, skip_invalid)?;
    let mut ws = open(&workspace)?;
    let mut session = imports::ImportSession::open(&file)?;
    if let Some(path) = &errors_out {
        session.check_errors_path(path)?;
    }
    let replacing = Replacing::new(errors_out.clone());
    let report = ws.run_import(&mut session, &options, dry_run, out.lang, &Silent)?;
    if let Some(path) = &errors_out {
        session.write_errors(path, out.lang)?;
    }
    out.import(&report, errors_out.as_deref(), dry_run)?;
    replacing.say(out);
    Ok(if report.invalid > 0 && !report.committed {
        Exit::Rejected
    } else {
        Exit::Done
    })
}

fn migrate(
    file: PathBuf,
    path: PathBuf,
    to: &str,
    workspace: Option<PathBuf>,
    force: bool,
    read: ReadOptions,
    out: &Out,
) -> Result<Exit, Error> {
    let options = read_options(read, &file, false)?;
    let mut ws = workspace.as_deref().map(open).transpose()?;
    let replacing = Replacing::new(exports::layout(to)?.outputs(&path));
    let done = orgdesk_core::migrate(&file, &path, to, ws.as_mut(), &options, force, out.lang)?;
    out.migrated(&done.import, done.export.as_ref())?;
    if done.export.as_ref().is_some_and(|e| e.written) {
        replacing.say(out);
    }
    Ok(match &done.export {
        Some(export) if export.errors == 0 => Exit::Done,
        _ => Exit::Rejected,
    })
}

fn profile(cmd: ProfileCommand, out: &Out) -> Result<(), Error> {
    match cmd {
        ProfileCommand::Show { workspace } => out.profile(&open(&workspace)?.profile()?),
        ProfileCommand::Set {
            workspace,
            name,
            legal_name,
            credit_code,
            entity_type,
            industry,
            region,
            headcount,
            platform,
        } => out.profile(&open(&workspace)?.update_profile(&ProfileInput {
            name,
            platform,
            legal_name,
            credit_code,
            entity_type,
            industry,
            region,
            headcount,
        })?),
    }
}

fn security(cmd: SecurityCommand, out: &Out) -> Result<(), Error> {
    match cmd {
        SecurityCommand::Show { workspace } => out.security(&open(&workspace)?.security(out.lang)?),
        SecurityCommand::Set {
            workspace,
            settings,
        } => {
            let mut values = std::collections::BTreeMap::new();
            for (key, texts) in settings.given {
                values.insert(key.clone(), security::value_of_texts(&key, &texts)?);
            }
            out.security(&open(&workspace)?.set_security(&values, out.lang)?)
        }
    }
}

fn hardware(cmd: HardwareCommand, out: &Out) -> Result<Exit, Error> {
    use orgdesk_core::setup::hardware::{DeviceInput, EventInput};
    match cmd {
        HardwareCommand::Import { workspace, file } => {
            let report = open(&workspace)?.import_hardware(&file, out.lang)?;
            out.hardware_import(&report)?;
            if !report.committed {
                return Ok(Exit::Rejected);
            }
        }
        HardwareCommand::List { workspace } => out.devices(&open(&workspace)?.devices()?)?,
        HardwareCommand::Flags { workspace } => {
            out.hardware_flags(&open(&workspace)?.hardware_flags(out.lang)?)?
        }
        HardwareCommand::Add {
            workspace,
            serial,
            kind,
            site,
            batch,
            model,
            connectivity,
            face,
        } => {
            let d = open(&workspace)?.add_device(&DeviceInput {
                serial,
                kind: Some(kind),
                model,
                site,
                batch,
                connectivity,
                face_recognition: face,
            })?;
            out.devices(&[d])?
        }
        HardwareCommand::Log {
            workspace,
            serial,
            day,
            kind,
            hours,
        } => {
            let mut ws = open(&workspace)?;
            ws.add_device_event(&EventInput {
                serial,
                day,
                kind: Some(kind),
                hours,
                note: None,
            })?;
            out.hardware_flags(&ws.hardware_flags(out.lang)?)?
        }
    }
    Ok(Exit::Done)
}

fn snapshot(cmd: SnapshotCommand, out: &Out) -> Result<(), Error> {
    match cmd {
        SnapshotCommand::Save { workspace, name } => out.snapshot(
            "cli.snapshot_saved",
            &open(&workspace)?.save_snapshot(&name)?,
        ),
        SnapshotCommand::List { workspace } => out.snapshots(&open(&workspace)?.snapshots()?),
        SnapshotCommand::Restore { workspace, name } => out.snapshot(
            "cli.snapshot_restored",
            &open(&workspace)?.restore_snapshot(&name)?,
        ),
        SnapshotCommand::Delete { workspace, name } => out.snapshot(
            "cli.snapshot_deleted",
            &open(&workspace)?.delete_snapshot(&name)?,
        ),
    }
}

fn departments(cmd: DeptCommand, out: &Out) -> Result<(), Error> {
    match cmd {
        DeptCommand::Add { workspace, path } => {
            out.department_added(&open(&workspace)?.add_department(&path)?)
        }
        DeptCommand::Rename {
            workspace,
            path,
            new_name,
        } => {
            let d = open(&workspace)?.rename_department(&dept(&path), &new_name)?;
            out.department_changed("cli.renamed_department", &path, &d)
        }
        DeptCommand::Move {
            workspace,
            path,
            parent,
            to,
            top,
            position,
        } => {
            let parent = parent.or(to);
            if parent.is_none() && !top {
                return Err(Error::new(
                    orgdesk_core::ErrorCode::InvalidArgument,
                    "cli_move_target_missing",
                ));
            }
            let d = open(&workspace)?.move_department(
                &dept(&path),
                parent.as_deref().map(dept).as_ref(),
                position,
            )?;
            out.department_changed("cli.moved_department", &path, &d)
        }
        DeptCommand::Reorder {
            workspace,
            path,
            position,
        } => {
            let d = open(&workspace)?.reorder_department(&dept(&path), position)?;
            out.department_changed("cli.moved_department", &path, &d)
        }
        DeptCommand::Delete { workspace, path } => {
            out.department_deleted(&open(&workspace)?.delete_department(&dept(&path))?)
        }
        DeptCommand::List { workspace } => out.departments(&open(&workspace)?.departments()?),
        DeptCommand::Sensitive {
            workspace,
            path,
            off,
        } => {
            let d = open(&workspace)?.set_department_sensitive(&dept(&path), !off)?;
            out.department_changed("cli.sensitive_department", &path, &d)
        }
        DeptCommand::CustomerFacing {
            workspace,
            path,
            off,
        } => {
            let d = open(&workspace)?.set_department_customer_facing(&dept(&path), !off)?;
            out.department_changed("cli.customer_facing_department", &path, &d)
        }
        DeptCommand::Visibility {
            workspace,
            path,
            hidden,
            visible_to,
            visible_to_member,
            only_own,
            everyone,
        } => {
            let mut ws = open(&workspace)?;
            let setting = Visibility {
                hidden,
                departments: visible_to,
                members: visible_to_member,
                only_own,
            };
            let changed = if everyone || !setting.is_default() {
                Some(ws.set_department_visibility(&dept(&path), &setting)?)
            } else {
                None
            };
            let d = ws.department(&dept(&path))?;
            let audience = ws.department_audience(&dept(&path))?;
            out.visibility(&d, &audience, ws.profile()?.platform, changed.is_some())
        }
    }
}

/// A command that needs a workspace was given none.
fn workspace_missing(command: &str) -> Error {
    Error::new(
        orgdesk_core::ErrorCode::InvalidArgument,
        "cli_workspace_missing",
    )
    .with("command", command)
}

/// Overlays the options that were given on `base`.
fn apply(options: MemberOptions, mut base: MemberInput) -> Result<MemberInput, Error> {
    for (key, text) in &options.fields {
        base.fields.set_text(*key, Some(text))?;
    }
    if !options.departments.is_empty() {
        base.departments = options.departments.iter().map(|d| dept(d)).collect();
        base.leader_of.clear();
    }
    if !options.leader_of.is_empty() {
        base.leader_of = options.leader_of.iter().map(|d| dept(d)).collect();
    }
    Ok(base)
}

fn members(cmd: MemberCommand, out: &Out) -> Result<(), Error> {
    match cmd {
        MemberCommand::Add {
            workspace,
            userid,
            fields,
        } => {
            let input = apply(
                fields,
                MemberInput {
                    userid,
                    ..Default::default()
                },
            )?;
            out.member_saved("cli.added_member", &open(&workspace)?.add_member(&input)?)
        }
        MemberCommand::Update {
            workspace,
            userid,
            fields,
        } => {
            let mut ws = open(&workspace)?;
            let input = apply(fields, ws.member(&userid)?.to_input())?;
            out.member_saved("cli.updated_member", &ws.update_member(&userid, &input)?)
        }
        MemberCommand::Delete { workspace, userid } => {
            out.member_deleted(&open(&workspace)?.delete_member(&userid)?)
        }
        MemberCommand::Offboard {
            workspace,
            userid,
            date,
            handover_to,
        } => out.case(&open(&workspace)?.offboard(
            &userid,
            &date,
            handover_to.as_deref(),
            out.lang,
        )?),
        MemberCommand::Show { workspace, userid } => {
            out.member(&open(&workspace)?.member(&userid)?)
        }
        MemberCommand::List {
            workspace,
            department,
            direct,
            search,
            limit,
            offset,
        } => {
            let query = MemberQuery {
                department: department.as_deref().map(dept),
                direct_only: direct,
                search,
                offset,
                limit,
            };
            let ws = open(&workspace)?;
            match limit {
                Some(_) => out.member_page(&ws.member_page(&query)?),
                None => out.members(&ws.members(&query)?),
            }
        }
    }
}
