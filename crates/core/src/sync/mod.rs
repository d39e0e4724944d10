//! The platform's live directory beside the plan: a connection's non-secret id (the secret is
//! in the OS keyring, kept by the platform crate, never here), the departments and members a
//! pull read, and the plan: what it takes to make the live directory what the workspace says.
//! Talking to the platform is not this module's business (see `crates/platform`): it stores what
//! was read and computes the operations, offline.

pub mod journal;
pub mod plan;

use crate::error::{Error, ErrorCode, Result};
use crate::history::Tx;
use crate::org::profile::Platform;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// A workspace's connection to its platform (never the secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct PlatformConnection {
    pub platform: Platform,
    /// WeCom corp id, DingTalk app key, Feishu app id.
    pub client_id: String,
    /// The OS keyring entry's user name (service "OrgDesk") that holds the secret.
    pub keyring_user: String,
    pub connected_at: String,
}

/// A department as the platform has it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct LiveDepartment {
    #[specta(type = f64)]
    pub id: i64,
    /// None for the root.
    #[specta(type = Option<f64>)]
    pub parent_id: Option<i64>,
    pub name: String,
    #[specta(type = f64)]
    pub order: i64,
}

/// A member as the platform has it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct LiveMember {
    pub userid: String,
    pub name: String,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub position: Option<String>,
    #[specta(type = Vec<f64>)]
    pub departments: Vec<i64>,
    #[specta(type = Option<f64>)]
    pub main_department: Option<i64>,
    #[specta(type = Vec<f64>)]
    pub leader_in: Vec<i64>,
    /// The platform's own status code (WeCom: 1 active, 2 disabled, 4 not joined).
    pub status: Option<i32>,
    /// `creator` or `super_admin` when the platform says the member is one (DingTalk, Feishu;
    /// WeCom's contact API does not say, and refuses to delete its creator itself: 301005).
    #[serde(default)]
    pub admin: Option<String>,
}

/// What a pull read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct LiveState {
    pub departments: Vec<LiveDepartment>,
    pub members: Vec<LiveMember>,
    /// Fields the platform did not give (WeCom hides mobile and email from some apps).
    pub withheld: Vec<String>,
}

/// One call to the platform's API and its answer's code (0: success), kept in the API log that
/// the health view reads.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiCall {
    /// When it was made, in seconds since 1970 (UTC).
    pub unix_seconds: i64,
    /// The endpoint's path (`department/list`), never its query (which holds the token).
    pub endpoint: String,
    pub errcode: i64,
}

/// The last pull: when, and what it read.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Pulled {
    #[specta(type = f64)]
    pub id: i64,
    pub platform: Platform,
    pub pulled_at: String,
    pub state: LiveState,
}

pub(crate) fn connection(conn: &Connection) -> Result<Option<PlatformConnection>> {
    Ok(conn
        .query_row(
            "SELECT platform, client_id, keyring_user, connected_at FROM connections",
            [],
            |r| {
                Ok(PlatformConnection {
                    platform: r.get::<_, String>(0)?.parse().unwrap_or(Platform::Wecom),
                    client_id: r.get(1)?,
                    keyring_user: r.get(2)?,
                    connected_at: r.get(3)?,
                })
            },
        )
        .optional()?)
}

/// A platform's id as given (trimmed), or why it cannot be one.
pub fn check_client_id(id: &str) -> Result<&str> {
    let trimmed = id.trim();
    if trimmed.is_empty() || trimmed.len() > 128 || trimmed.chars().any(char::is_whitespace) {
        return Err(Error::new(ErrorCode::InvalidValue, "client_id_invalid").with("value", id));
    }
    Ok(trimmed)
}

/// Keeps `c` as the workspace's one connection (a new one replaces the old).
pub(crate) fn connect(tx: &Tx, c: &PlatformConnection) -> Result<()> {
    if c.platform == Platform::Undecided {
        return Err(Error::invalid_value(
            "platform",
            c.platform.as_str(),
            "wecom, dingtalk, feishu",
        ));
    }
    let id = check_client_id(&c.client_id)?;
    tx.execute("DELETE FROM connections", [])?;
    tx.execute(
        "INSERT INTO connections (platform, client_id, keyring_user, connected_at) VALUES (?1, ?2, ?3, ?4)",
        params![c.platform.as_str(), id, c.keyring_user, c.connected_at],
    )?;
    Ok(())
}

pub(crate) fn disconnect(tx: &Tx) -> Result<PlatformConnection> {
    let c = connection(tx)?.ok_or_else(|| Error::new(ErrorCode::NotConnected, "not_connected"))?;
    tx.execute("DELETE FROM connections", [])?;
    Ok(c)
}

/// Replaces the live state with what a pull read, and adds its calls to the API log (in
/// Beijing time, as the platforms' consoles and their exports show it).
pub(crate) fn store(
    tx: &Tx,
    platform: Platform,
    at: &str,
    state: &LiveState,
    calls: &[ApiCall],
) -> Result<i64> {
    log_calls(tx, calls)?;
    tx.execute_batch(
        "DELETE FROM live_members; DELETE FROM live_departments; DELETE FROM live_pulls;",
    )?;
    tx.execute(
        "INSERT INTO live_pulls (platform, pulled_at, withheld) VALUES (?1, ?2, ?3)",
        params![platform.as_str(), at, json(&state.withheld)],
    )?;
    let id = tx.last_insert_rowid();
    let mut d = tx.prepare(
        "INSERT INTO live_departments (id, parent_id, name, sort_order) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for x in &state.departments {
        d.execute(params![x.id, x.parent_id, x.name, x.order])?;
    }
    let mut m = tx.prepare(
        "INSERT INTO live_members (userid, name, mobile, email, position, departments,
           main_department, leader_in, status, admin)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for x in &state.members {
        m.execute(params![
            x.userid,
            x.name,
            x.mobile,
            x.email,
            x.position,
            json(&x.departments),
            x.main_department,
            json(&x.leader_in),
            x.status,
            x.admin
        ])?;
    }
    Ok(id)
}

/// Adds `calls` to the API log, in Beijing time (as the platforms' consoles and their exports
/// show it).
pub(crate) fn log_calls(tx: &Tx, calls: &[ApiCall]) -> Result<()> {
    let mut log =
        tx.prepare("INSERT INTO api_calls (at, endpoint, errcode) VALUES (?1, ?2, ?3)")?;
    for c in calls {
        let beijing = time::OffsetDateTime::from_unix_timestamp(c.unix_seconds)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
            .to_offset(time::macros::offset!(+8));
        let text = format!(
            "{} {:02}:{:02}:{:02}",
            beijing.date(),
            beijing.hour(),
            beijing.minute(),
            beijing.second()
        );
        log.execute(params![text, c.endpoint, c.errcode])?;
    }
    Ok(())
}

/// JSON text of a small list kept in one column.
fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn list<T: serde::de::DeserializeOwned>(text: String) -> Vec<T> {
    serde_json::from_str(&text).unwrap_or_default()
}

/// The last pull's id and how many members and departments it read, without reading them.
pub(crate) fn last_pull(conn: &Connection) -> Result<Option<(i64, usize, usize)>> {
    let Some(id) = conn.query_row("SELECT max(id) FROM live_pulls", [], |r| {
        r.get::<_, Option<i64>>(0)
    })?
    else {
        return Ok(None);
    };
    let count = |table: &str| -> Result<usize> {
        Ok(
            conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| {
                r.get::<_, i64>(0)
            })? as usize,
        )
    };
    Ok(Some((
        id,
        count("live_members")?,
        count("live_departments")?,
    )))
}

/// The last pull, if any.
pub(crate) fn pulled(conn: &Connection) -> Result<Option<Pulled>> {
    let Some((id, platform, pulled_at, withheld)) = conn
        .query_row(
            "SELECT id, platform, pulled_at, withheld FROM live_pulls ORDER BY id DESC LIMIT 1",
            [],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            },
        )
        .optional()?
    else {
        return Ok(None);
    };
    let mut stmt =
        conn.prepare("SELECT id, parent_id, name, sort_order FROM live_departments ORDER BY id")?;
    let departments = stmt
        .query_map([], |r| {
            Ok(LiveDepartment {
                id: r.get(0)?,
                parent_id: r.get(1)?,
                name: r.get(2)?,
                order: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare(
        "SELECT userid, name, mobile, email, position, departments, main_department, leader_in,
           status, admin
         FROM live_members ORDER BY userid",
    )?;
    let members = stmt
        .query_map([], |r| {
            Ok(LiveMember {
                userid: r.get(0)?,
                name: r.get(1)?,
                mobile: r.get(2)?,
                email: r.get(3)?,
                position: r.get(4)?,
                departments: list(r.get(5)?),
                main_department: r.get(6)?,
                leader_in: list(r.get(7)?),
                status: r.get(8)?,
                admin: r.get(9)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(Pulled {
        id,
        platform: platform.parse().unwrap_or(Platform::Wecom),
        pulled_at,
        state: LiveState {
            departments,
            members,
            withheld: list(withheld),
        },
    }))
}
