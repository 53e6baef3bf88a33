//! Seeded hashing and GUID-shaped object ids that encode their index, so nothing has to be stored.
//!
//! An id's last 32 bits are a keyed, invertible scramble of the index; the other 96 bits are a hash
//! of (seed, kind, index). Decoding inverts the scramble and regenerates the id to check it, so a
//! lookup by id is O(1) and only ids this tenant issued are accepted.

/// What an object id names; keeps user, group and place ids apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IdKind {
    User = 1,
    Group = 2,
    Place = 3,
    Request = 4,
    Tenant = 5,
    /// The app registration, its service principal and its session.
    Application = 6,
}

/// `SplitMix64`'s finaliser: a good 64-bit mix, cheap enough to call per field.
pub(crate) const fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash of a few numbers; the same inputs give the same value on every machine.
pub(crate) fn hash(parts: &[u64]) -> u64 {
    parts
        .iter()
        .fold(0x243F_6A88_85A3_08D3, |acc, &p| mix(acc ^ mix(p)))
}

/// A small deterministic stream of numbers (`SplitMix64`), for plans built from one hash.
pub(crate) struct Stream(u64);

impl Stream {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }
    /// A number in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// True with the given chance in percent.
    pub(crate) fn percent(&mut self, chance: u64) -> bool {
        self.below(100) < chance
    }
}

const M1: u32 = 0x9E37_79B1;
const M2: u32 = 0x85EB_CA6B;

/// The inverse of an odd number modulo 2^32 (Newton's iteration doubles the correct bits each step).
const fn inverse(a: u32) -> u32 {
    let mut x = a;
    let mut i = 0;
    while i < 5 {
        x = x.wrapping_mul(2u32.wrapping_sub(a.wrapping_mul(x)));
        i += 1;
    }
    x
}

const M1_INV: u32 = inverse(M1);
const M2_INV: u32 = inverse(M2);

fn scramble(key: u32, index: u32) -> u32 {
    let mut x = (index ^ key).wrapping_mul(M1);
    x ^= x >> 16;
    x = x.wrapping_mul(M2);
    x ^ (x >> 16)
}

fn unscramble(key: u32, value: u32) -> u32 {
    // x ^ (x >> 16) is its own inverse on 32 bits.
    let mut x = value ^ (value >> 16);
    x = x.wrapping_mul(M2_INV);
    x ^= x >> 16;
    x.wrapping_mul(M1_INV) ^ key
}

fn key(seed: u64, kind: IdKind) -> u32 {
    hash(&[seed, kind as u64, 0x1D]) as u32
}

/// The GUID-shaped (version 4 layout) object id of `index`.
pub(crate) fn object_id(seed: u64, kind: IdKind, index: u32) -> String {
    let h1 = hash(&[seed, kind as u64, u64::from(index), 1]);
    let h2 = hash(&[seed, kind as u64, u64::from(index), 2]);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:04x}{:08x}",
        h1 >> 32,
        (h1 >> 16) & 0xFFFF,
        h1 & 0x0FFF,
        0x8000 | ((h2 >> 48) & 0x3FFF),
        (h2 >> 32) & 0xFFFF,
        scramble(key(seed, kind), index),
    )
}

/// True when `s` has the 8-4-4-4-12 hex shape of a GUID.
pub(crate) fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// The index an id of this tenant encodes, or `None` for anything this tenant never issued.
pub(crate) fn object_index(seed: u64, kind: IdKind, id: &str) -> Option<u32> {
    if !is_guid(id) {
        return None;
    }
    let tail = u32::from_str_radix(&id[28..], 16).ok()?;
    let index = unscramble(key(seed, kind), tail);
    object_id(seed, kind, index)
        .eq_ignore_ascii_case(id)
        .then_some(index)
}

const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Unpadded base64url, for the JWT-shaped tokens the sign-in endpoints issue.
pub(crate) fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 3);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(B64URL[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// `len` characters of base64url alphabet from a stream: opaque-looking codes and signatures.
pub(crate) fn opaque(stream: &mut Stream, len: usize) -> String {
    (0..len)
        .map(|_| B64URL[stream.below(64) as usize] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_strangers() {
        for index in [0u32, 1, 2, 23, 650, 9_999, 99_999, u32::MAX] {
            let id = object_id(7, IdKind::User, index);
            assert!(is_guid(&id), "{id}");
            assert_eq!(&id[14..15], "4");
            assert_eq!(object_index(7, IdKind::User, &id), Some(index));
            assert_eq!(
                object_index(7, IdKind::User, &id.to_uppercase()),
                Some(index)
            );
            assert_eq!(object_index(8, IdKind::User, &id), None);
            assert_eq!(object_index(7, IdKind::Group, &id), None);
        }
        assert_eq!(
            object_index(7, IdKind::User, "66825e03-7ef5-42da-9069-724602c31f6b"),
            None
        );
        assert_eq!(object_index(7, IdKind::User, "not-a-guid"), None);
    }

    #[test]
    fn base64url_matches_known_values() {
        assert_eq!(base64url(b"{\"typ\":\"JWT\"}"), "eyJ0eXAiOiJKV1QifQ");
        assert_eq!(base64url(b"ab"), "YWI");
        assert_eq!(base64url(b""), "");
    }
}
