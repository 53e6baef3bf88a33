//! Where sign-in tokens are kept between runs: the system keyring, or a private file when there is
//! none (`[auth] token_store`), with an index of who is signed in and a lock shared across processes.
//!
//! All calls block (file I/O, D-Bus): run them in `spawn_blocking`.

mod error;
mod file;
mod index;
mod keyring;
mod lock;
mod record;
mod remove;
#[cfg(test)]
mod tests;

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use self::file::FileStore;
use self::index::{AccountEntry, Index};
use self::keyring::Keyring;
use self::record::AccountId;
use crate::auth::Secret;
use crate::config::{AuthConfig, TokenStoreKind};
use crate::store::key::Fnv;
use crate::text::SafeText;

pub use self::error::StoreError;
pub use self::lock::StoreLock;

/// Which sign-in configuration: tokens of two configs never overwrite each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// e.g. `https://login.microsoftonline.com`.
    pub authority: String,
    pub client_id: String,
}

impl Profile {
    pub fn new(authority: &str, client_id: &str) -> Self {
        Self {
            authority: authority.trim().trim_end_matches('/').to_owned(),
            client_id: client_id.trim().to_owned(),
        }
    }

    /// 16 hex digits naming this profile's files and keyring entries. FNV, not std's hasher, which may
    /// change between Rust releases; the authority and the client id (a GUID) ignore case, spaces
    /// and a trailing `/`.
    pub fn key(&self) -> String {
        let mut h = Fnv::new();
        h.field("teamboard-profile-v1");
        h.field(&self.normalized_authority());
        h.field(&self.client_id.trim().to_lowercase());
        format!("{:016x}", h.0)
    }

    fn normalized_authority(&self) -> String {
        self.authority.trim().trim_end_matches('/').to_lowercase()
    }
}

impl From<&AuthConfig> for Profile {
    fn from(auth: &AuthConfig) -> Self {
        Self::new(&auth.authority, &auth.client_id)
    }
}

/// Who is signed in, from the id token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// `tid`: a GUID.
    pub tenant_id: String,
    /// `oid`: a GUID.
    pub object_id: String,
    /// `preferred_username`. Untrusted when read back: show it through `SafeText`.
    pub username: String,
}

/// What one sign-in leaves behind. `Debug` shows no token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSignIn {
    pub account: Account,
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    /// The access token's expiry.
    pub expires_at: jiff::Timestamp,
    /// When this token answer arrived: renewal at half-life uses it, and it tells a newer save apart.
    pub obtained_at: jiff::Timestamp,
    /// As the token answer's `scope` granted them.
    pub scopes: Vec<String>,
    /// The configured `[auth] tenant` it was signed in through.
    pub tenant: String,
}

/// Where one account's tokens are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    Keyring,
    File,
}

impl fmt::Display for StoreKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Keyring => "the system keyring",
            Self::File => "a token file",
        })
    }
}

/// Where a save went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub kind: StoreKind,
    /// "the system keyring", or "file ~/.local/share/teamboard/tokens/….json".
    pub location: SafeText,
    /// Set when `auto` found no usable keyring and kept the tokens in a file.
    pub warning: Option<SafeText>,
}

/// Tokens removed from one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    /// The account's username as stored ("an unknown account" when a stray entry had none).
    pub username: SafeText,
    pub kind: StoreKind,
    /// "the system keyring", or "file ~/.local/share/teamboard/tokens/….json".
    pub location: SafeText,
}

impl fmt::Display for Removed {
    /// "the tokens of adele@contoso.com from the system keyring".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the tokens of {} from {}", self.username, self.location)
    }
}

/// Who is signed in for a profile and where, from the index alone (no keyring call, no token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountStatus {
    pub username: SafeText,
    /// Plain ids (letters, digits, `-`): checked when read.
    pub tenant_id: String,
    pub object_id: String,
    pub tenant: SafeText,
    pub scopes: Vec<SafeText>,
    pub expires_at: jiff::Timestamp,
    pub obtained_at: jiff::Timestamp,
    pub kind: StoreKind,
    pub location: SafeText,
}

/// The token store of one data directory.
pub struct TokenStore {
    kind: TokenStoreKind,
    dir: PathBuf,
    keyring: Arc<dyn Keyring>,
}

impl fmt::Debug for TokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenStore")
            .field("kind", &self.kind)
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl TokenStore {
    /// `kind` from `[auth] token_store`; `dir` is `paths::data_dir`. Cheap: touches neither the
    /// keyring nor the disk.
    pub fn new(kind: TokenStoreKind, dir: PathBuf) -> Self {
        Self::with_keyring(kind, dir, keyring::system())
    }

    pub(crate) fn with_keyring(
        kind: TokenStoreKind,
        dir: PathBuf,
        keyring: Arc<dyn Keyring>,
    ) -> Self {
        Self { kind, dir, keyring }
    }

    fn files(&self) -> FileStore {
        FileStore::new(&self.dir)
    }

    /// "the system keyring", or "file ~/.local/share/teamboard/tokens/" (the directory).
    pub fn location(&self, kind: StoreKind) -> SafeText {
        match kind {
            StoreKind::Keyring => SafeText::line("the system keyring"),
            StoreKind::File => {
                let shown = error::shown(self.files().dir());
                SafeText::line(&format!("file {shown}/"))
            }
        }
    }

    fn file_location(&self, profile_key: &str, id: &AccountId) -> SafeText {
        let shown = error::shown(&self.files().path(profile_key, id));
        SafeText::line(&format!("file {shown}"))
    }

    fn location_of(&self, kind: StoreKind, profile_key: &str, id: &AccountId) -> SafeText {
        match kind {
            StoreKind::Keyring => self.location(kind),
            StoreKind::File => self.file_location(profile_key, id),
        }
    }

    /// The profile's signed-in account and where its tokens are, from the index only.
    pub fn status(&self, profile: &Profile) -> Option<AccountStatus> {
        let key = profile.key();
        let index = Index::read(&self.dir);
        let entry = index.current(&key)?;
        let id = entry.id()?;
        Some(AccountStatus {
            username: SafeText::line(&entry.username),
            tenant_id: id.tenant_id.clone(),
            object_id: id.object_id.clone(),
            tenant: SafeText::line(&entry.tenant),
            scopes: entry.scopes.iter().map(|s| SafeText::line(s)).collect(),
            expires_at: entry.expires_at,
            obtained_at: entry.obtained_at,
            kind: entry.store,
            location: self.location_of(entry.store, &key, &id),
        })
    }

    /// The profile's signed-in account (from the index) and its tokens, from whichever store holds
    /// them. `Ok(None)` when not signed in, or when what is stored is unreadable (logged).
    pub fn load(&self, profile: &Profile) -> Result<Option<(StoredSignIn, StoreKind)>, StoreError> {
        let key = profile.key();
        let index = Index::read(&self.dir);
        let Some(id) = index.current(&key).and_then(AccountEntry::id) else {
            return Ok(None);
        };
        let recorded = index.current(&key).map(|e| e.store);
        // `file` never opens the keyring (it may prompt); a copy in a file is looked for either way.
        let places: &[StoreKind] = match (recorded, self.kind) {
            (Some(StoreKind::Keyring), TokenStoreKind::Auto | TokenStoreKind::Keyring) => {
                &[StoreKind::Keyring, StoreKind::File]
            }
            _ => &[StoreKind::File],
        };
        for &place in places {
            let bytes = match place {
                StoreKind::Keyring => {
                    self.keyring
                        .get(&id.keyring_user(&key))
                        .map_err(|e| StoreError::Keyring {
                            action: "read the tokens from",
                            reason: e.0,
                        })?
                }
                StoreKind::File => self.files().read(&key, &id)?,
            };
            let Some(bytes) = bytes else { continue };
            match record::decode(&bytes, &key, &id) {
                Ok(signin) => return Ok(Some((signin, place))),
                Err(why) => {
                    let at = self.location_of(place, &key, &id);
                    tracing::warn!(place = %at, why = %SafeText::line(&why), "stored tokens ignored");
                }
            }
        }
        Ok(None)
    }

    /// Saves the sign-in (keyring: one entry replaced; file: temp, fsync, rename) and makes its
    /// account the profile's current one. With `auto` and no usable keyring, the tokens go to a file
    /// and `warning` says so.
    pub fn save(&self, profile: &Profile, signin: &StoredSignIn) -> Result<Saved, StoreError> {
        let key = profile.key();
        let id = AccountId::of(&signin.account)?;
        let bytes = record::encode(&key, signin);
        let user = id.keyring_user(&key);
        let (kind, warning) = match self.kind {
            TokenStoreKind::File => {
                self.files().write(&key, &id, &bytes)?;
                (StoreKind::File, None)
            }
            TokenStoreKind::Keyring => {
                self.keyring_save(&user, &bytes)
                    .map_err(|e| StoreError::KeyringUnavailable { reason: e.0 })?;
                (StoreKind::Keyring, None)
            }
            TokenStoreKind::Auto => match self.keyring_save(&user, &bytes) {
                Ok(()) => (StoreKind::Keyring, None),
                Err(e) => {
                    self.files().write(&key, &id, &bytes)?;
                    let warning = SafeText::line(&format!(
                        "no usable keyring ({}); tokens are kept in {}, readable only by you",
                        e.0,
                        error::shown(&self.files().path(&key, &id))
                    ));
                    tracing::warn!(%warning, "token store");
                    (StoreKind::File, Some(warning))
                }
            },
        };
        {
            let _lock = index::lock(&self.dir)?;
            let mut index = Index::read(&self.dir);
            index.put(profile, signin, kind);
            index.write(&self.dir)?;
        }
        if kind == StoreKind::Keyring {
            // A file copy from an earlier fallback is stale now; one place holds the tokens.
            if let Err(e) = self.files().remove(&key, &id) {
                tracing::warn!(error = %e, "an older token file was not removed");
            }
        }
        Ok(Saved {
            kind,
            location: self.location_of(kind, &key, &id),
            warning,
        })
    }

    /// Writes, then reads back: a keyring that accepts a secret and returns another is no keyring.
    fn keyring_save(&self, user: &str, bytes: &[u8]) -> Result<(), keyring::KeyringError> {
        self.keyring.set(user, bytes)?;
        match self.keyring.get(user)? {
            Some(back) if back == bytes => Ok(()),
            _ => Err(keyring::KeyringError(SafeText::line(
                "it did not return what was saved",
            ))),
        }
    }

    /// Serialises refresh-and-store across processes: an exclusive lock on `<dir>/<profile key>.lock`,
    /// waited for up to `timeout`, released on drop or when the process ends.
    pub fn lock(&self, profile: &Profile, timeout: Duration) -> Result<StoreLock, StoreError> {
        lock::acquire(&self.dir, &format!("{}.lock", profile.key()), timeout)
    }
}
