//! The id everything is keyed by, shared rather than copied, and the hasher its maps use.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::in_place::with_str;

/// A directory object id (a GUID for real tenants). Everything is keyed by it. Shared, not copied:
/// the roster, the board's people, its index and the cache all hold the same id (10,000 of them).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(Arc<str>);

impl UserId {
    pub fn new(id: impl Into<Arc<str>>) -> Self {
        Self(id.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The very same shared string (equal ids in different strings are not).
    pub fn same(&self, other: &UserId) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The hasher for maps and sets of ids: 10,000 ids are hashed several times a poll, and `SipHash`
/// was a visible part of a poll's CPU. foldhash is seeded per process.
pub type IdHasher = foldhash::fast::RandomState;
/// A map keyed by id (see `IdHasher`).
pub type IdMap<V> = std::collections::HashMap<UserId, V, IdHasher>;

impl Serialize for UserId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for UserId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Read in place, so the only allocation is the shared one.
        with_str(d, |raw| Self(Arc::from(raw)))
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
