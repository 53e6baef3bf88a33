//! Forgetting accounts: one profile's (`remove`), or everything teamboard stored (`remove_all`,
//! `teamboard logout`), including what a lost index no longer names.

use super::error::shown;
use super::index::{self, AccountEntry, Index};
use super::keyring::KeyringError;
use super::record;
use super::{Profile, Removed, StoreError, StoreKind, TokenStore};
use crate::config::TokenStoreKind;
use crate::text::SafeText;

impl TokenStore {
    /// Forgets the profile: the tokens of its accounts, in both stores, and its index entry.
    pub fn remove(&self, profile: &Profile) -> Result<Vec<Removed>, StoreError> {
        let key = profile.key();
        let _lock = index::lock(&self.dir)?;
        let mut index = Index::read(&self.dir);
        let Some(mut entry) = index.profiles.remove(&key) else {
            return Ok(Vec::new());
        };
        let mut removed = Vec::new();
        let failed = self.forget_accounts(&key, &mut entry.accounts, &mut removed);
        if !entry.accounts.is_empty() {
            index.profiles.insert(key, entry);
        }
        index.write(&self.dir)?;
        failed.map_or(Ok(removed), Err)
    }

    /// `teamboard logout`: every account in the index, in both stores, then any token file or
    /// keyring entry of teamboard's that the index does not name (a lost or corrupt index).
    pub fn remove_all(&self) -> Result<Vec<Removed>, StoreError> {
        let _lock = index::lock(&self.dir)?;
        let mut index = Index::read(&self.dir);
        let mut removed = Vec::new();
        let mut failed = None;
        let mut keyring_named = false;
        for (key, entry) in &mut index.profiles {
            keyring_named |= entry.accounts.iter().any(|a| a.store == StoreKind::Keyring);
            let result = self.forget_accounts(key, &mut entry.accounts, &mut removed);
            failed = failed.or(result);
        }
        index.profiles.retain(|_, e| !e.accounts.is_empty());
        let look_in_keyring = self.kind != TokenStoreKind::File || keyring_named;
        if look_in_keyring && let Err(e) = self.remove_stray_entries(&mut removed) {
            if self.kind == TokenStoreKind::Keyring {
                failed = failed.or(Some(e));
            } else {
                tracing::info!(error = %e, "no keyring to look for stray entries in");
            }
        }
        for stray in self.files().remove_strays()? {
            let username = stray.bytes.as_deref().and_then(record::username);
            removed.push(Removed {
                username: unknown_if_none(username.as_deref()),
                kind: StoreKind::File,
                location: SafeText::line(&format!("file {}", shown(&stray.path))),
            });
        }
        index.write(&self.dir)?;
        failed.map_or(Ok(removed), Err)
    }

    /// Removes each account's tokens from both stores; the accounts left in `accounts` are those whose
    /// keyring entry could not be removed, with the first such error.
    fn forget_accounts(
        &self,
        key: &str,
        accounts: &mut Vec<AccountEntry>,
        removed: &mut Vec<Removed>,
    ) -> Option<StoreError> {
        let mut failed = None;
        accounts.retain(|account| match self.forget(key, account, removed) {
            Ok(()) => false,
            Err(e) => {
                failed.get_or_insert(e);
                true
            }
        });
        failed
    }

    fn forget(
        &self,
        key: &str,
        account: &AccountEntry,
        removed: &mut Vec<Removed>,
    ) -> Result<(), StoreError> {
        let Some(id) = account.id() else {
            return Ok(());
        };
        let username = SafeText::line(&account.username);
        if self.files().remove(key, &id)? {
            removed.push(Removed {
                username: username.clone(),
                kind: StoreKind::File,
                location: self.file_location(key, &id),
            });
        }
        // `file` users chose not to have the keyring opened (it may prompt): only an entry the index
        // says is there is removed for them.
        if self.kind == TokenStoreKind::File && account.store != StoreKind::Keyring {
            return Ok(());
        }
        match self.keyring.delete(&id.keyring_user(key)) {
            Ok(true) => removed.push(Removed {
                username,
                kind: StoreKind::Keyring,
                location: self.location(StoreKind::Keyring),
            }),
            Ok(false) => {}
            Err(e) if account.store == StoreKind::Keyring => {
                return Err(StoreError::Keyring {
                    action: "remove the tokens from",
                    reason: e.0,
                });
            }
            Err(e) => tracing::debug!(why = %e.0, "keyring not checked for a copy"),
        }
        Ok(())
    }

    fn remove_stray_entries(&self, removed: &mut Vec<Removed>) -> Result<(), StoreError> {
        let failed = |e: KeyringError| StoreError::Keyring {
            action: "remove the tokens from",
            reason: e.0,
        };
        for user in self.keyring.users().map_err(failed)? {
            let Some((key, ids)) = user.split_once('/') else {
                continue;
            };
            let ours = record::is_profile_key(key)
                && ids
                    .split_once('.')
                    .is_some_and(|(t, o)| record::is_plain_id(t) && record::is_plain_id(o));
            if !ours {
                continue;
            }
            let username = self
                .keyring
                .get(&user)
                .ok()
                .flatten()
                .and_then(|b| record::username(&b));
            if self.keyring.delete(&user).map_err(failed)? {
                removed.push(Removed {
                    username: unknown_if_none(username.as_deref()),
                    kind: StoreKind::Keyring,
                    location: self.location(StoreKind::Keyring),
                });
            }
        }
        Ok(())
    }
}

fn unknown_if_none(username: Option<&str>) -> SafeText {
    username
        .map(SafeText::line)
        .filter(SafeText::is_visible)
        .unwrap_or_else(|| SafeText::line("an unknown account"))
}
