//! Secrets in the OS keyring (Secret Service on Linux, Keychain, Credential Manager), under the
//! service "OrgDesk" and a user name made when connecting (`wecom:` and random hex). The
//! workspace keeps only that name.

use crate::error::{Error, Result};
use orgdesk_core::Platform;

const SERVICE: &str = "OrgDesk";

fn entry(user: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, user).map_err(|e| Error::Keyring(e.to_string()))
}

/// A fresh entry name for a connection to `platform`.
pub fn new_user(platform: Platform) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.write_u32(std::process::id());
    format!("{}:{:016x}", platform.as_str(), h.finish())
}

pub fn store(user: &str, secret: &str) -> Result<()> {
    entry(user)?
        .set_password(secret)
        .map_err(|e| Error::Keyring(e.to_string()))
}

pub fn load(user: &str) -> Result<String> {
    match entry(user)?.get_password() {
        Ok(s) => Ok(s),
        Err(keyring::Error::NoEntry) => Err(Error::NoSecret),
        Err(e) => Err(Error::Keyring(e.to_string())),
    }
}

/// Removes the entry (gone already is fine).
pub fn delete(user: &str) -> Result<()> {
    match entry(user)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(Error::Keyring(e.to_string())),
    }
}
