//! Open enums: a value from a set Graph may extend, kept as its known kind plus the exact text sent.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::in_place::with_str;

/// The known values of an open enum: matched case-insensitively, anything else is kept verbatim.
pub trait Known: Sized + Copy + Eq + 'static {
    const ALL: &'static [(Self, &'static str)];
    const UNKNOWN: Self;
}

/// A value from an open set: the known kind (or `UNKNOWN`) plus the exact string Graph sent.
#[derive(Clone, PartialEq, Eq)]
pub struct Open<K> {
    kind: K,
    /// The string as sent, kept only when it is not the known name spelled exactly (almost never):
    /// a board of 10,000 people would otherwise hold 40,000 copies of "Available" and friends.
    spelled: Option<Box<str>>,
}

impl<K: Known> Open<K> {
    pub fn parse(raw: &str) -> Self {
        // Graph spells them as documented nearly always: an exact match first, then any case.
        let kind = K::ALL
            .iter()
            .find(|(_, name)| *name == raw)
            .or_else(|| {
                K::ALL
                    .iter()
                    .find(|(_, name)| name.eq_ignore_ascii_case(raw))
            })
            .map_or(K::UNKNOWN, |(k, _)| *k);
        let spelled = (Self::name_of(kind) != Some(raw)).then(|| raw.into());
        Self { kind, spelled }
    }
    pub fn known(kind: K) -> Self {
        Self {
            kind,
            spelled: Self::name_of(kind).is_none().then(Box::default),
        }
    }
    fn name_of(kind: K) -> Option<&'static str> {
        K::ALL
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, name)| *name)
    }
    pub fn kind(&self) -> K {
        self.kind
    }
    /// The string exactly as Graph sent it (untrusted).
    pub fn raw(&self) -> &str {
        match &self.spelled {
            Some(raw) => raw,
            None => Self::name_of(self.kind).unwrap_or_default(),
        }
    }
    /// True when the value is not one of the known names.
    pub fn is_unrecognised(&self) -> bool {
        self.kind == K::UNKNOWN
    }
}

impl<K: Known + fmt::Debug> fmt::Debug for Open<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}({:?})", self.kind, self.raw())
    }
}

impl<K: Known> Serialize for Open<K> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.raw())
    }
}

impl<'de, K: Known> Deserialize<'de> for Open<K> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Read in place: the known spelling costs no allocation at all.
        with_str(d, Self::parse)
    }
}

/// Declares the known values of an open set: an enum with one extra variant for anything else.
macro_rules! known_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),* $(,)? } unknown = $unknown:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant,)* $unknown }
        impl Known for $name {
            const ALL: &'static [(Self, &'static str)] = &[$((Self::$variant, $text)),*];
            const UNKNOWN: Self = Self::$unknown;
        }
    };
}
pub(super) use known_enum;
