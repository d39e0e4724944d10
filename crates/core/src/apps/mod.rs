//! Apps (guide §4): each platform's native apps as data (`assets/apps/catalogue.json`), the
//! workspace's app plan (native, self-built and third-party apps, who sees each, its admins),
//! and the plan's checks.

use crate::dataset::Confidence;
use crate::error::{Error, ErrorCode, Result};
use crate::history::{Change, Tx};
use crate::i18n::{t, Lang, Localized};
use crate::org::departments::{self, DepartmentRef, Tree};
use crate::roles::{self, RoleRef};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum AppKind {
    Native,
    SelfBuilt,
    ThirdParty,
}

impl AppKind {
    fn as_str(self) -> &'static str {
        match self {
            AppKind::Native => "native",
            AppKind::SelfBuilt => "self_built",
            AppKind::ThirdParty => "third_party",
        }
    }

    fn parse(s: &str) -> AppKind {
        match s {
            "native" => AppKind::Native,
            "self_built" => AppKind::SelfBuilt,
            _ => AppKind::ThirdParty,
        }
    }
}

/// For the organisation's own staff, or facing its customers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Facing {
    #[default]
    Internal,
    Customer,
}

impl Facing {
    fn as_str(self) -> &'static str {
        match self {
            Facing::Internal => "internal",
            Facing::Customer => "customer",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct CertificationNeed {
    pub required: bool,
    pub source: Option<String>,
    pub confidence: Confidence,
    #[serde(default)]
    pub note: Option<Localized>,
}

/// A native app of a platform, as the catalogue describes it.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct CatalogueApp {
    pub key: String,
    pub name: Localized,
    pub purpose: Localized,
    pub facing: Facing,
    /// What data it reads: contacts, customers, approvals, attendance, messages, files.
    pub reads: Vec<String>,
    pub source: Option<String>,
    pub checked: String,
    pub confidence: Confidence,
    pub certification: CertificationNeed,
}

#[derive(Debug, Deserialize)]
struct Catalogue {
    personal_data: Vec<String>,
    platforms: BTreeMap<String, Vec<CatalogueApp>>,
}

fn data() -> &'static Catalogue {
    static C: OnceLock<Catalogue> = OnceLock::new();
    C.get_or_init(|| {
        serde_json::from_str(include_str!("../../../../assets/apps/catalogue.json"))
            .expect("apps/catalogue.json is valid")
    })
}

/// The catalogue of one platform, or of all three (platform, app).
pub fn catalogue(platform: Option<&str>) -> Vec<(String, CatalogueApp)> {
    data()
        .platforms
        .iter()
        .filter(|(p, _)| platform.is_none_or(|x| x == p.as_str()))
        .flat_map(|(p, apps)| apps.iter().map(move |a| (p.clone(), a.clone())))
        .collect()
}

/// The catalogue entry of `key` on the workspace's platform (the first platform that has it
/// while the platform is undecided).
fn catalogue_app(platform: &str, key: &str) -> Option<&'static CatalogueApp> {
    let d = data();
    match d.platforms.get(platform) {
        Some(apps) => apps.iter().find(|a| a.key == key),
        None => d.platforms.values().flatten().find(|a| a.key == key),
    }
}

fn platform(conn: &Connection) -> Result<String> {
    Ok(crate::org::profile::load(conn)?
        .platform
        .as_str()
        .to_string())
}

/// An app the user adds: a catalogue key alone, or a self-built / third-party app described.
#[derive(Debug, Clone, Default, Serialize, Deserialize, specta::Type)]
pub struct AppInput {
    pub key: String,
    pub name: Option<String>,
    pub kind: Option<AppKind>,
    pub facing: Option<Facing>,
    pub reads: Option<Vec<String>>,
}

/// Who sees an app: everyone, or departments (with their subtrees), roles and members.
#[derive(Debug, Clone, Default, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct AppVisibility {
    pub everyone: bool,
    pub departments: Vec<DepartmentRef>,
    pub roles: Vec<RoleRef>,
    pub members: Vec<String>,
}

/// An app of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct App {
    pub key: String,
    pub name: String,
    pub kind: AppKind,
    pub facing: Facing,
    pub reads: Vec<String>,
    pub everyone: bool,
    pub departments: Vec<String>,
    pub department_ids: Vec<i64>,
    /// Role labels and ids.
    pub roles: Vec<String>,
    pub role_ids: Vec<i64>,
    pub members: Vec<String>,
    pub admins: Vec<String>,
    /// Members who see it.
    pub audience: u32,
    /// From the catalogue (native apps).
    pub certification_required: bool,
    pub purpose: Option<String>,
}

const READS: [&str; 6] = [
    "contacts",
    "customers",
    "approvals",
    "attendance",
    "messages",
    "files",
];

fn invalid(key: &'static str) -> Error {
    Error::new(ErrorCode::InvalidValue, key)
}

fn not_found(key: &str) -> Error {
    Error::new(ErrorCode::AppNotFound, "app_not_found").with("app", key)
}

/// The plan's apps with their visibility, admins and audience.
pub(crate) fn list(conn: &Connection, lang: Lang) -> Result<Vec<App>> {
    list_in(conn, &Context::load(conn)?, lang)
}

fn list_in(conn: &Connection, ctx: &Context, lang: Lang) -> Result<Vec<App>> {
    let platform = platform(conn)?;
    let (tree, all_roles) = (&ctx.tree, &ctx.roles);
    let mut stmt = conn.prepare(
        "SELECT key, name, kind, facing, reads, everyone FROM apps ORDER BY sort_order, key",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, bool>(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for (key, name, kind, facing, reads, everyone) in rows {
        let mut app = App {
            kind: AppKind::parse(&kind),
            facing: if facing == "customer" {
                Facing::Customer
            } else {
                Facing::Internal
            },
            reads: serde_json::from_str(&reads).unwrap_or_default(),
            everyone,
            departments: Vec::new(),
            department_ids: Vec::new(),
            roles: Vec::new(),
            role_ids: Vec::new(),
            members: Vec::new(),
            admins: Vec::new(),
            audience: 0,
            certification_required: false,
            purpose: None,
            name,
            key,
        };
        if app.kind == AppKind::Native {
            if let Some(c) = catalogue_app(&platform, &app.key) {
                app.certification_required = c.certification.required;
                app.purpose = Some(c.purpose.get(lang).to_string());
                // A catalogue name is shown in the interface's language; a name of one's own stays.
                if [&c.name.zh_cn, &c.name.en_us].contains(&&app.name) {
                    app.name = c.name.get(lang).to_string();
                }
            }
        }
        let mut v = conn.prepare_cached(
            "SELECT v.department_id, v.role_id, m.userid FROM app_visibility v
             LEFT JOIN members m ON m.id = v.member_id WHERE v.app_key = ?1 ORDER BY v.id",
        )?;
        let mut rows = v.query([&app.key])?;
        while let Some(r) = rows.next()? {
            if let Some(d) = r.get::<_, Option<i64>>(0)? {
                app.departments.push(tree.path(d));
                app.department_ids.push(d);
            }
            if let Some(id) = r.get::<_, Option<i64>>(1)? {
                if let Some(role) = all_roles.iter().find(|x| x.id == id) {
                    app.roles.push(role.label(lang));
                    app.role_ids.push(id);
                }
            }
            if let Some(u) = r.get::<_, Option<String>>(2)? {
                app.members.push(u);
            }
        }
        let mut a = conn.prepare_cached(
            "SELECT m.userid FROM app_admins a JOIN members m ON m.id = a.member_id
             WHERE a.app_key = ?1 ORDER BY m.userid",
        )?;
        app.admins = a
            .query_map([&app.key], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        app.audience = ctx.audience(&app).len() as u32;
        out.push(app);
    }
    Ok(out)
}

/// What the audiences are computed from: the tree, the roles with their holders, and each
/// member's departments (departed members left out), read once, and only when there is an app
/// (they are all of a large directory: a second at 1,000,000 members).
struct Context {
    tree: Tree,
    roles: Vec<roles::Role>,
    members: BTreeMap<String, Vec<i64>>,
}

impl Context {
    fn load(conn: &Connection) -> Result<Context> {
        let mut members: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        let apps: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM apps)", [], |r| r.get(0))?;
        if apps {
            let mut stmt = conn.prepare(
                "SELECT m.userid, d.department_id FROM members m
                 LEFT JOIN member_departments d ON d.member_id = m.id WHERE m.status <> 'departed'",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let entry = members.entry(r.get(0)?).or_default();
                if let Some(d) = r.get::<_, Option<i64>>(1)? {
                    entry.push(d);
                }
            }
        }
        Ok(Context {
            tree: Tree::load(conn)?,
            roles: roles::list(conn)?,
            members,
        })
    }

    /// The members who see `app`.
    fn audience(&self, app: &App) -> HashSet<&str> {
        if app.everyone {
            return self.members.keys().map(String::as_str).collect();
        }
        let named: HashSet<&str> = app
            .members
            .iter()
            .map(String::as_str)
            .chain(
                self.roles
                    .iter()
                    .filter(|r| app.role_ids.contains(&r.id))
                    .flat_map(|r| r.holders.iter().map(String::as_str)),
            )
            .collect();
        self.members
            .iter()
            .filter(|(u, depts)| {
                named.contains(u.as_str())
                    || depts.iter().any(|d| {
                        app.department_ids
                            .iter()
                            .any(|root| self.tree.in_subtree(*d, *root))
                    })
            })
            .map(|(u, _)| u.as_str())
            .collect()
    }
}

fn snapshot(conn: &Connection, key: &str, lang: Lang) -> Result<Option<App>> {
    Ok(list(conn, lang)?.into_iter().find(|a| a.key == key))
}

/// Adds an app to the plan: a catalogue key (native), or a described self-built or third-party
/// app.
pub(crate) fn add(tx: &Tx, input: &AppInput, lang: Lang) -> Result<Change<App>> {
    let key = input.key.trim();
    if key.is_empty() || key.chars().count() > 64 {
        return Err(invalid("app_key_invalid").with("app", key));
    }
    let exists: Option<i64> = tx
        .query_row("SELECT 1 FROM apps WHERE key = ?1", [key], |r| r.get(0))
        .optional()?;
    if exists.is_some() {
        return Err(invalid("app_exists").with("app", key));
    }
    let platform = platform(tx)?;
    let from_catalogue = catalogue_app(&platform, key);
    let kind = input.kind.unwrap_or(if from_catalogue.is_some() {
        AppKind::Native
    } else {
        AppKind::SelfBuilt
    });
    let (name, facing, reads) = match (kind, from_catalogue) {
        (AppKind::Native, Some(c)) => (
            input
                .name
                .clone()
                .unwrap_or_else(|| c.name.get(lang).to_string()),
            input.facing.unwrap_or(c.facing),
            input.reads.clone().unwrap_or_else(|| c.reads.clone()),
        ),
        (AppKind::Native, None) => {
            return Err(invalid("app_not_in_catalogue")
                .with("app", key)
                .with("platform", &platform))
        }
        _ => (
            input
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| key.to_string()),
            input.facing.unwrap_or_default(),
            input.reads.clone().unwrap_or_default(),
        ),
    };
    for r in &reads {
        if !READS.contains(&r.as_str()) {
            return Err(invalid("app_reads_unknown")
                .with("value", r)
                .with("allowed", READS.join(", ")));
        }
    }
    let order: i64 = tx.query_row(
        "SELECT coalesce(max(sort_order), -1) + 1 FROM apps",
        [],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO apps (key, name, kind, facing, reads, everyone, sort_order)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            key,
            name.trim(),
            kind.as_str(),
            facing.as_str(),
            serde_json::to_string(&reads).expect("a list serialises"),
            // Native apps start visible to everyone, as the consoles add them; others to nobody
            // until their scope is chosen.
            kind == AppKind::Native,
            order
        ],
    )?;
    let app = snapshot(tx, key, lang)?.expect("just added");
    Ok(Change {
        target: key.to_string(),
        before: None,
        after: serde_json::to_value(&app).ok(),
        value: app,
    })
}

fn find_key(conn: &Connection, key: &str) -> Result<String> {
    let key = key.trim();
    conn.query_row(
        "SELECT key FROM apps WHERE key = ?1 OR name = ?1 ORDER BY key = ?1 DESC LIMIT 1",
        [key],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| not_found(key))
}

/// Removes an app (its visibility and admins with it).
pub(crate) fn remove(tx: &Tx, key: &str, lang: Lang) -> Result<Change<App>> {
    let key = find_key(tx, key)?;
    let before = snapshot(tx, &key, lang)?.expect("found");
    tx.execute("DELETE FROM app_visibility WHERE app_key = ?1", [&key])?;
    tx.execute("DELETE FROM app_admins WHERE app_key = ?1", [&key])?;
    tx.execute("DELETE FROM apps WHERE key = ?1", [&key])?;
    Ok(Change {
        target: key,
        before: serde_json::to_value(&before).ok(),
        after: None,
        value: before,
    })
}

fn member_id(conn: &Connection, userid: &str) -> Result<i64> {
    crate::members::id_of(conn, userid)
}

/// Replaces who sees an app, and (when given) its admins.
pub(crate) fn set_visibility(
    tx: &Tx,
    key: &str,
    v: &AppVisibility,
    admins: Option<&[String]>,
    lang: Lang,
) -> Result<Change<App>> {
    let key = find_key(tx, key)?;
    let before = snapshot(tx, &key, lang)?.expect("found");
    let tree = Tree::load(tx)?;
    let depts: BTreeSet<i64> = v
        .departments
        .iter()
        .map(|d| departments::resolve(&tree, d))
        .collect::<Result<_>>()?;
    let role_ids: BTreeSet<i64> = v
        .roles
        .iter()
        .map(|r| roles::find(tx, r).map(|x| x.id))
        .collect::<Result<_>>()?;
    let members: BTreeSet<i64> = v
        .members
        .iter()
        .map(|u| member_id(tx, u))
        .collect::<Result<_>>()?;
    tx.execute("DELETE FROM app_visibility WHERE app_key = ?1", [&key])?;
    tx.execute(
        "UPDATE apps SET everyone = ?2 WHERE key = ?1",
        params![key, v.everyone],
    )?;
    for d in depts {
        tx.execute(
            "INSERT INTO app_visibility (app_key, department_id) VALUES (?1, ?2)",
            params![key, d],
        )?;
    }
    for r in role_ids {
        tx.execute(
            "INSERT INTO app_visibility (app_key, role_id) VALUES (?1, ?2)",
            params![key, r],
        )?;
    }
    for m in members {
        tx.execute(
            "INSERT INTO app_visibility (app_key, member_id) VALUES (?1, ?2)",
            params![key, m],
        )?;
    }
    if let Some(admins) = admins {
        let ids: BTreeSet<i64> = admins
            .iter()
            .map(|u| member_id(tx, u))
            .collect::<Result<_>>()?;
        tx.execute("DELETE FROM app_admins WHERE app_key = ?1", [&key])?;
        for m in ids {
            tx.execute(
                "INSERT INTO app_admins (app_key, member_id) VALUES (?1, ?2)",
                params![key, m],
            )?;
        }
    }
    let after = snapshot(tx, &key, lang)?.expect("found");
    Ok(Change {
        target: key,
        before: serde_json::to_value(&before).ok(),
        after: serde_json::to_value(&after).ok(),
        value: after,
    })
}

/// What the checks need to know from elsewhere in the workspace.
#[derive(Debug, Clone, Default)]
pub struct AppFacts {
    pub certified: bool,
    pub pipl_purpose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum AppCheck {
    VisibleToNobody,
    SensitiveExposed,
    CertificationRequired,
    TooManyApps,
    PiplPurposeMissing,
}

impl AppCheck {
    fn key(self) -> &'static str {
        match self {
            AppCheck::VisibleToNobody => "visible_to_nobody",
            AppCheck::SensitiveExposed => "sensitive_exposed",
            AppCheck::CertificationRequired => "certification_required",
            AppCheck::TooManyApps => "too_many_apps",
            AppCheck::PiplPurposeMissing => "pipl_purpose_missing",
        }
    }
}

/// A finding of the app checks: a code, the app, what is wrong and how to fix it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AppFinding {
    pub code: AppCheck,
    /// None for the plan as a whole (too many apps).
    pub app: Option<String>,
    pub message: String,
    pub fix: String,
}

/// The plan's checks.
pub(crate) fn check(conn: &Connection, facts: &AppFacts, lang: Lang) -> Result<Vec<AppFinding>> {
    let ctx = Context::load(conn)?;
    let apps = list_in(conn, &ctx, lang)?;
    let (tree, member_depts) = (&ctx.tree, &ctx.members);
    let sensitive: Vec<(i64, String)> = crate::org::departments::list(conn)?
        .into_iter()
        .filter(|d| d.sensitive)
        .map(|d| (d.id, d.path))
        .collect();
    let platform = platform(conn)?;
    let mut out = Vec::new();
    let mut push = |code: AppCheck, app: Option<&App>, params: &[(&str, String)]| {
        let mut p: Vec<(&str, String)> = params.to_vec();
        if let Some(a) = app {
            p.push(("app", a.name.clone()));
        }
        out.push(AppFinding {
            code,
            app: app.map(|a| a.key.clone()),
            message: t(lang, &format!("apps.check.{}", code.key()), &p),
            fix: t(lang, &format!("apps.fix.{}", code.key()), &p),
        });
    };
    let personal = &data().personal_data;
    for app in &apps {
        let seen = ctx.audience(app);
        if seen.is_empty() {
            push(AppCheck::VisibleToNobody, Some(app), &[]);
        }
        if app.kind == AppKind::ThirdParty && app.reads.iter().any(|r| r == "contacts") {
            for (id, path) in &sensitive {
                let exposed = app.everyone
                    || app
                        .department_ids
                        .iter()
                        .any(|d| tree.in_subtree(*d, *id) || tree.in_subtree(*id, *d))
                    || seen.iter().any(|u| {
                        member_depts
                            .get(*u)
                            .is_some_and(|ds| ds.iter().any(|d| tree.in_subtree(*d, *id)))
                    });
                if exposed {
                    push(
                        AppCheck::SensitiveExposed,
                        Some(app),
                        &[("department", path.clone())],
                    );
                }
            }
        }
        if app.certification_required && !facts.certified {
            push(AppCheck::CertificationRequired, Some(app), &[]);
        }
        if !facts.pipl_purpose && app.reads.iter().any(|r| personal.contains(r)) {
            push(AppCheck::PiplPurposeMissing, Some(app), &[]);
        }
    }
    let cap = crate::dataset::Dataset::builtin()
        .row("app_count")
        .and_then(|r| r.current(&platform))
        .and_then(|c| match &c.value {
            Some(crate::dataset::CellValue::Number { value, .. }) => Some(*value as usize),
            _ => None,
        });
    if let Some(cap) = cap.filter(|c| apps.len() > *c) {
        push(
            AppCheck::TooManyApps,
            None,
            &[
                ("count", apps.len().to_string()),
                ("max", cap.to_string()),
                ("platform", t(lang, &format!("platforms.{platform}"), &[])),
            ],
        );
    }
    Ok(out)
}
