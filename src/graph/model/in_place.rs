//! Reading a JSON string in place, so a value made from it costs no intermediate copy.

use std::fmt;

use serde::Deserializer;

/// Hands a JSON string to `f` without copying it first (serde's `Cow<str>` always copies).
pub(super) fn with_str<'de, D: Deserializer<'de>, T>(
    d: D,
    f: impl FnOnce(&str) -> T,
) -> Result<T, D::Error> {
    struct Visit<F>(F);
    impl<T, F: FnOnce(&str) -> T> serde::de::Visitor<'_> for Visit<F> {
        type Value = T;
        fn expecting(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
            out.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            Ok((self.0)(v))
        }
    }
    d.deserialize_str(Visit(f))
}
