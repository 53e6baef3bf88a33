//! The system keyring (Secret Service over D-Bus, the macOS Keychain) behind a small trait, so the
//! store's logic is tested with an in-memory keyring and the real one only where a test starts one.

use std::collections::HashMap;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, LazyLock, OnceLock};
use std::thread;
use std::time::Duration;

use crate::text::SafeText;

/// Every entry's service; its user is `<profile key>/<tenant_id>.<object_id>`.
pub(crate) const SERVICE: &str = "teamboard";
/// Long enough for a person to type the keyring's password at an unlock prompt; a keyring that
/// answers nothing (a prompt shown on a desktop nobody is at) must not hold the process forever.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Why the keyring could not be used: one line, safe to show (D-Bus errors come from other processes).
#[derive(Debug, Clone)]
pub(crate) struct KeyringError(pub SafeText);

impl KeyringError {
    fn new(reason: &str) -> Self {
        Self(SafeText::line(reason))
    }
}

/// Blocking calls; "no such entry" is `Ok(None)` / `Ok(false)`, never an error.
pub(crate) trait Keyring: Send + Sync + 'static {
    fn get(&self, user: &str) -> Result<Option<Vec<u8>>, KeyringError>;
    /// Creates the entry or replaces its secret.
    fn set(&self, user: &str, secret: &[u8]) -> Result<(), KeyringError>;
    /// `true` when there was an entry.
    fn delete(&self, user: &str) -> Result<bool, KeyringError>;
    /// The users of every entry of [`SERVICE`] (empty where the keyring cannot list).
    fn users(&self) -> Result<Vec<String>, KeyringError>;
}

/// The platform's keyring, shared by every store in the process: the `keyring` crate connects once
/// per process, and a keyring that stopped answering stays skipped for the rest of it.
pub(crate) fn system() -> Arc<dyn Keyring> {
    static SYSTEM: LazyLock<Arc<SystemKeyring>> = LazyLock::new(|| {
        Arc::new(SystemKeyring {
            calls: Bounded::new(TIMEOUT),
        })
    });
    SYSTEM.clone()
}

struct SystemKeyring {
    calls: Bounded,
}

impl Keyring for SystemKeyring {
    fn get(&self, user: &str) -> Result<Option<Vec<u8>>, KeyringError> {
        let user = user.to_owned();
        self.calls.run(move || match entry(&user)?.get_secret() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(reason(&e)),
        })
    }

    fn set(&self, user: &str, secret: &[u8]) -> Result<(), KeyringError> {
        let (user, secret) = (user.to_owned(), secret.to_vec());
        self.calls.run(move || {
            let entry = entry(&user)?;
            match entry.set_secret(&secret) {
                // Two items answer to this user (another tool wrote one): remove them all, then write ours.
                Err(keyring::Error::Ambiguous(found)) => {
                    for item in found {
                        item.delete_credential().map_err(|e| reason(&e))?;
                    }
                    entry.set_secret(&secret).map_err(|e| reason(&e))
                }
                other => other.map_err(|e| reason(&e)),
            }
        })
    }

    fn delete(&self, user: &str) -> Result<bool, KeyringError> {
        let user = user.to_owned();
        self.calls
            .run(move || match entry(&user)?.delete_credential() {
                Ok(()) => Ok(true),
                Err(keyring::Error::NoEntry) => Ok(false),
                Err(keyring::Error::Ambiguous(found)) => {
                    for item in found {
                        item.delete_credential().map_err(|e| reason(&e))?;
                    }
                    Ok(true)
                }
                Err(e) => Err(reason(&e)),
            })
    }

    fn users(&self) -> Result<Vec<String>, KeyringError> {
        self.calls.run(|| {
            ready()?;
            let spec = HashMap::from([("service", SERVICE)]);
            let found = match keyring_core::Entry::search(&spec) {
                Ok(found) => found,
                Err(keyring::Error::NotSupportedByStore(_)) => return Ok(Vec::new()),
                Err(e) => return Err(reason(&e)),
            };
            Ok(found
                .iter()
                .filter_map(|e| e.get_attributes().ok())
                .filter(|a| a.get("service").is_some_and(|s| s == SERVICE))
                .filter_map(|mut a| a.remove("username"))
                .collect())
        })
    }
}

/// The keyring crate connects to the platform store on first use and keeps the outcome; its error
/// says why (no session bus, no Secret Service), which `Entry::new` alone would not.
fn ready() -> Result<(), KeyringError> {
    keyring::Entry::store_status()
        .as_ref()
        .map_err(reason)
        .copied()
}

fn entry(user: &str) -> Result<keyring::Entry, KeyringError> {
    ready()?;
    keyring::Entry::new(SERVICE, user).map_err(|e| reason(&e))
}

/// The keyring's error in words. The variants that carry the stored bytes are described, never shown.
fn reason(e: &keyring::Error) -> KeyringError {
    match e {
        keyring::Error::BadEncoding(_) | keyring::Error::BadDataFormat(..) => {
            KeyringError::new("an entry is not in the expected format")
        }
        keyring::Error::Ambiguous(found) => {
            KeyringError::new(&format!("{} entries answer to one account", found.len()))
        }
        keyring::Error::NoDefaultStore => KeyringError::new("no keyring on this system"),
        other => KeyringError::new(&other.to_string()),
    }
}

/// Runs blocking calls on a thread of their own and waits at most `timeout` for each. After one
/// times out, later calls fail at once: the keyring crate's connection is behind a lock that the
/// stuck call still holds.
pub(crate) struct Bounded {
    timeout: Duration,
    stuck: OnceLock<SafeText>,
}

impl Bounded {
    pub(crate) fn new(timeout: Duration) -> Self {
        Self {
            timeout,
            stuck: OnceLock::new(),
        }
    }

    pub(crate) fn run<T: Send + 'static>(
        &self,
        call: impl FnOnce() -> Result<T, KeyringError> + Send + 'static,
    ) -> Result<T, KeyringError> {
        if let Some(why) = self.stuck.get() {
            return Err(KeyringError(why.clone()));
        }
        let (tx, rx) = mpsc::sync_channel(1);
        thread::Builder::new()
            .name("keyring".into())
            .spawn(move || {
                let _ = tx.send(call());
            })
            .map_err(|e| KeyringError::new(&format!("no thread to ask it on: {e}")))?;
        match rx.recv_timeout(self.timeout) {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout) => {
                let why = SafeText::line(&format!(
                    "it did not answer within {} s; is it waiting to be unlocked?",
                    self.timeout.as_secs()
                ));
                Err(KeyringError(self.stuck.get_or_init(|| why).clone()))
            }
            Err(RecvTimeoutError::Disconnected) => {
                Err(KeyringError::new("the keyring call failed"))
            }
        }
    }
}
