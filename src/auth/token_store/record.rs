//! One sign-in as stored bytes (the same JSON in the keyring and in a token file), and the account id
//! that names its keyring entry and file.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Account, StoreError, StoredSignIn};
use crate::auth::Secret;

/// The format written; a record of any other version is ignored (as if signed out).
const VERSION: u32 = 1;
/// A record larger than this is not ours: tokens are a few kilobytes.
pub(super) const MAX_BYTES: usize = 1 << 20;

/// A tenant id and object id, checked to be plain ids (they name files and keyring entries, and may
/// come back from a hand-edited index), lowercased so one account always gets one name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AccountId {
    pub tenant_id: String,
    pub object_id: String,
}

impl AccountId {
    pub fn new(tenant_id: &str, object_id: &str) -> Result<Self, StoreError> {
        if !is_plain_id(tenant_id) {
            return Err(StoreError::Account { what: "tenant id" });
        }
        if !is_plain_id(object_id) {
            return Err(StoreError::Account { what: "object id" });
        }
        Ok(Self {
            tenant_id: tenant_id.to_ascii_lowercase(),
            object_id: object_id.to_ascii_lowercase(),
        })
    }

    pub fn of(account: &Account) -> Result<Self, StoreError> {
        Self::new(&account.tenant_id, &account.object_id)
    }

    /// `<tenant_id>.<object_id>`.
    pub fn name(&self) -> String {
        format!("{}.{}", self.tenant_id, self.object_id)
    }

    /// The keyring entry's user: `<profile key>/<tenant_id>.<object_id>`.
    pub fn keyring_user(&self, profile_key: &str) -> String {
        format!("{profile_key}/{}", self.name())
    }

    /// The token file's name: `<profile key>-<tenant_id>.<object_id>.json`.
    pub fn file_name(&self, profile_key: &str) -> String {
        format!("{profile_key}-{}.json", self.name())
    }

    fn matches(&self, tenant_id: &str, object_id: &str) -> bool {
        self.tenant_id.eq_ignore_ascii_case(tenant_id)
            && self.object_id.eq_ignore_ascii_case(object_id)
    }
}

/// Entra ids are GUIDs; allowing only ASCII letters, digits and `-` (at most 64) keeps `/`, `..` and
/// NUL out of paths built from them.
pub(super) fn is_plain_id(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// 16 lowercase hex digits, as [`super::Profile::key`] makes them.
pub(super) fn is_profile_key(s: &str) -> bool {
    s.len() == 16 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[derive(Serialize)]
struct RecordOut<'a> {
    version: u32,
    profile: &'a str,
    tenant_id: &'a str,
    object_id: &'a str,
    username: &'a str,
    access_token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    expires_at: Timestamp,
    obtained_at: Timestamp,
    scopes: &'a [String],
    tenant: &'a str,
}

#[derive(Deserialize)]
struct RecordIn {
    version: u32,
    profile: String,
    tenant_id: String,
    object_id: String,
    username: String,
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    expires_at: Timestamp,
    obtained_at: Timestamp,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    tenant: String,
}

/// Only the username, for naming a stray entry being removed; everything else is left unread.
#[derive(Deserialize)]
struct UsernameOnly {
    username: String,
}

/// The record's bytes: the only place a token is ever serialized.
pub(super) fn encode(profile_key: &str, signin: &StoredSignIn) -> Vec<u8> {
    let record = RecordOut {
        version: VERSION,
        profile: profile_key,
        tenant_id: &signin.account.tenant_id,
        object_id: &signin.account.object_id,
        username: &signin.account.username,
        access_token: signin.access_token.expose(),
        refresh_token: signin.refresh_token.as_ref().map(Secret::expose),
        expires_at: signin.expires_at,
        obtained_at: signin.obtained_at,
        scopes: &signin.scopes,
        tenant: &signin.tenant,
    };
    // Strings, a slice of strings and timestamps: serde_json has no error to give for these.
    serde_json::to_vec(&record).expect("a sign-in record always serializes")
}

/// The sign-in in `bytes`, if they are a record of this profile and account. The reason it is not is
/// safe to log: serde's own messages can quote the offending value, which may be a token, so only
/// the error's category and position are kept.
pub(super) fn decode(
    bytes: &[u8],
    profile_key: &str,
    id: &AccountId,
) -> Result<StoredSignIn, String> {
    if bytes.len() > MAX_BYTES {
        return Err(format!("larger than {} KiB", MAX_BYTES >> 10));
    }
    let record: RecordIn = serde_json::from_slice(bytes).map_err(|e| quiet(&e))?;
    if record.version != VERSION {
        return Err(format!(
            "format version {} is not {VERSION}",
            record.version
        ));
    }
    if record.profile != profile_key {
        return Err("it belongs to another sign-in configuration".into());
    }
    if !id.matches(&record.tenant_id, &record.object_id) {
        return Err("it belongs to another account".into());
    }
    if record.access_token.is_empty() {
        return Err("it holds no access token".into());
    }
    Ok(StoredSignIn {
        account: Account {
            tenant_id: record.tenant_id,
            object_id: record.object_id,
            username: record.username,
        },
        access_token: Secret::new(record.access_token),
        refresh_token: record
            .refresh_token
            .filter(|t| !t.is_empty())
            .map(Secret::new),
        expires_at: record.expires_at,
        obtained_at: record.obtained_at,
        scopes: record.scopes,
        tenant: record.tenant,
    })
}

/// The username in a record, when it has one (untrusted: show it through `SafeText`).
pub(super) fn username(bytes: &[u8]) -> Option<String> {
    if bytes.len() > MAX_BYTES {
        return None;
    }
    serde_json::from_slice::<UsernameOnly>(bytes)
        .ok()
        .map(|u| u.username)
}

/// A serde error without its message: `{:?}` of the category, and where.
pub(super) fn quiet(e: &serde_json::Error) -> String {
    format!(
        "not valid JSON of the expected shape ({:?} error at line {} column {})",
        e.classify(),
        e.line(),
        e.column()
    )
}
