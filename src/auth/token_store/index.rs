//! `accounts.json`: who is signed in for each sign-in configuration and where their tokens are, with
//! no secret in it, so `teamboard login --status` and `logout` need not open the keyring to know.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::error::shown;
use super::record::{self, AccountId, is_profile_key};
use super::{Profile, StoreError, StoreKind, StoreLock, StoredSignIn};
use crate::store::file::{self as private_file, ReadError};

pub(super) const FILE: &str = "accounts.json";
const VERSION: u32 = 1;
/// The index is read and rewritten under this lock, held for milliseconds (or a logout's keyring calls).
const LOCK: &str = "accounts.lock";
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Serialises read-modify-write of the index across processes (profiles have locks of their own).
pub(super) fn lock(dir: &Path) -> Result<StoreLock, StoreError> {
    super::lock::acquire(dir, LOCK, LOCK_WAIT)
}

#[derive(Serialize, Deserialize, Default)]
pub(super) struct Index {
    version: u32,
    /// By profile key.
    #[serde(default)]
    pub profiles: BTreeMap<String, ProfileEntry>,
}

#[derive(Serialize)]
struct IndexOut<'a> {
    version: u32,
    profiles: &'a BTreeMap<String, ProfileEntry>,
}

#[derive(Serialize, Deserialize, Clone)]
pub(super) struct ProfileEntry {
    pub authority: String,
    pub client_id: String,
    /// The current account first; the others signed in through this profile before, kept so that
    /// `logout` finds their tokens.
    pub accounts: Vec<AccountEntry>,
}

#[derive(Serialize, Deserialize, Clone)]
pub(super) struct AccountEntry {
    pub tenant_id: String,
    pub object_id: String,
    pub username: String,
    pub store: StoreKind,
    pub tenant: String,
    #[serde(default)]
    pub scopes: Vec<String>,
    pub expires_at: Timestamp,
    pub obtained_at: Timestamp,
}

impl AccountEntry {
    /// Checked again on every use: the index is a file anyone with the user's rights can edit.
    pub fn id(&self) -> Option<AccountId> {
        AccountId::new(&self.tenant_id, &self.object_id).ok()
    }
}

impl Index {
    fn path(dir: &Path) -> PathBuf {
        dir.join(FILE)
    }

    /// The index in `dir`. A missing one is empty; a corrupt, oversized or hostile one is logged and
    /// read as empty (signed out), and its entries with impossible keys or ids are dropped.
    pub fn read(dir: &Path) -> Self {
        let path = Self::path(dir);
        let bytes = match private_file::read_private(&path) {
            Ok(bytes) => bytes,
            Err(ReadError::Missing) => return Self::default(),
            Err(e) => {
                tracing::warn!(file = %shown(&path), why = %e, "account index ignored");
                return Self::default();
            }
        };
        if bytes.len() > record::MAX_BYTES {
            tracing::warn!(file = %shown(&path), "account index ignored: too large");
            return Self::default();
        }
        let mut index: Self = match serde_json::from_slice(&bytes) {
            Ok(index) => index,
            Err(e) => {
                tracing::warn!(file = %shown(&path), why = %record::quiet(&e), "account index ignored");
                return Self::default();
            }
        };
        if index.version != VERSION {
            tracing::warn!(file = %shown(&path), version = index.version, "account index of another version ignored");
            return Self::default();
        }
        let before = index.profiles.len();
        index.profiles.retain(|key, entry| {
            entry.accounts.retain(|a| a.id().is_some());
            is_profile_key(key) && !entry.accounts.is_empty()
        });
        if index.profiles.len() != before {
            tracing::warn!(file = %shown(&path), "account index entries with impossible keys or ids ignored");
        }
        index
    }

    /// Writes the index atomically, or removes the file when no profile is left.
    pub fn write(&self, dir: &Path) -> Result<(), StoreError> {
        let path = Self::path(dir);
        if self.profiles.is_empty() {
            return private_file::remove_if_present(&path)
                .map_err(|e| StoreError::file("remove", &path, &e));
        }
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(StoreError::symlink(&path));
        }
        let out = IndexOut {
            version: VERSION,
            profiles: &self.profiles,
        };
        // Plain strings and timestamps: serde_json has no error to give for these.
        let bytes = serde_json::to_vec_pretty(&out).expect("the index always serializes");
        private_file::write_atomic(dir, FILE, &bytes)
            .map_err(|e| StoreError::file("write", &path, &e))
    }

    /// The profile's current account.
    pub fn current(&self, profile_key: &str) -> Option<&AccountEntry> {
        self.profiles.get(profile_key)?.accounts.first()
    }

    /// Makes `signin`'s account the profile's current one, kept in `store`.
    pub fn put(&mut self, profile: &Profile, signin: &StoredSignIn, store: StoreKind) {
        let id = AccountId::of(&signin.account).ok();
        let entry = self
            .profiles
            .entry(profile.key())
            .or_insert_with(|| ProfileEntry {
                authority: String::new(),
                client_id: String::new(),
                accounts: Vec::new(),
            });
        entry.authority = profile.normalized_authority();
        entry.client_id.clone_from(&profile.client_id);
        entry.accounts.retain(|a| a.id() != id);
        entry.accounts.insert(
            0,
            AccountEntry {
                tenant_id: signin.account.tenant_id.to_ascii_lowercase(),
                object_id: signin.account.object_id.to_ascii_lowercase(),
                username: signin.account.username.clone(),
                store,
                tenant: signin.tenant.clone(),
                scopes: signin.scopes.clone(),
                expires_at: signin.expires_at,
                obtained_at: signin.obtained_at,
            },
        );
    }
}
