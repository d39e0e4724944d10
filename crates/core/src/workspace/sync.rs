//! The façade's platform connection: the non-secret id, the live directory a pull read, and
//! the plan from it to the workspace.

use super::Workspace;
use crate::error::{Error, ErrorCode, Result};
use crate::history::{Action, Change};
use crate::i18n::Lang;
use crate::org::profile::Platform;
use crate::sync::{self, plan, ApiCall, LiveState, PlatformConnection, Pulled};

impl Workspace {
    /// The workspace's connection, if any (never the secret: that is in the OS keyring).
    pub fn platform_connection(&self) -> Result<Option<PlatformConnection>> {
        sync::connection(self.db.conn())
    }

    /// Keeps a connection's non-secret id and the name of its keyring entry.
    pub fn connect(
        &mut self,
        platform: Platform,
        client_id: &str,
        keyring_user: &str,
    ) -> Result<PlatformConnection> {
        let c = PlatformConnection {
            platform,
            client_id: client_id.trim().to_string(),
            keyring_user: keyring_user.to_string(),
            connected_at: crate::history::now(),
        };
        self.db.record(Action::Connect, |tx| {
            sync::connect(tx, &c)?;
            Ok(Change::after(
                (),
                c.platform.as_str().to_string(),
                Some(serde_json::json!({ "id": c.client_id })),
            ))
        })?;
        Ok(c)
    }

    /// Forgets the connection; returns it (its keyring entry is for the caller to remove).
    pub fn disconnect(&mut self) -> Result<PlatformConnection> {
        self.db.record(Action::Disconnect, |tx| {
            let c = sync::disconnect(tx)?;
            Ok(Change::after(
                c.clone(),
                c.platform.as_str().to_string(),
                None,
            ))
        })
    }

    /// Keeps what a pull read as the live state and its calls in the API log (one undoable
    /// action).
    pub fn store_pull(
        &mut self,
        platform: Platform,
        state: &LiveState,
        calls: &[ApiCall],
    ) -> Result<Pulled> {
        let at = crate::history::now();
        self.db.record(Action::Pull, |tx| {
            sync::store(tx, platform, &at, state, calls)?;
            Ok(Change::after(
                (),
                platform.as_str().to_string(),
                Some(serde_json::json!({
                    "departments": state.departments.len(),
                    "members": state.members.len(),
                    "withheld": state.withheld,
                })),
            ))
        })?;
        self.pulled()?
            .ok_or_else(|| Error::internal("the pull just stored is missing"))
    }

    /// The last pull, if any.
    pub fn pulled(&self) -> Result<Option<Pulled>> {
        sync::pulled(self.db.conn())
    }

    /// The operations that make the live directory what the workspace says.
    pub fn sync_plan(&self, allow_deletes: u32, lang: Lang) -> Result<plan::Plan> {
        let pulled = self
            .pulled()?
            .ok_or_else(|| Error::new(ErrorCode::NotConnected, "nothing_pulled"))?;
        plan::compute(self.db.conn(), &pulled, allow_deletes, lang)
    }
}
