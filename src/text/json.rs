//! Inert JSON: `serde_json` output in which every control, format and bidi character inside a string is a
//! `\u` escape, so the JSON parses back to the exact original and no byte of it can act on a terminal.

use std::io;

use serde::Serialize;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter, PrettyFormatter, Serializer};

use super::chars::needs_json_escape;

/// Writes `c` as `\uXXXX`, or as a surrogate pair of them outside the BMP (tag characters).
fn write_u_escape<W: ?Sized + io::Write>(writer: &mut W, c: char) -> io::Result<()> {
    let mut units = [0u16; 2];
    for unit in c.encode_utf16(&mut units) {
        write!(writer, "\\u{unit:04x}")?;
    }
    Ok(())
}

/// Writes the runs of `fragment` that need no escape through `plain`, and `\u` escapes for the rest.
fn escape_runs<W: ?Sized + io::Write>(
    writer: &mut W,
    fragment: &str,
    needs_escape: impl Fn(char) -> bool,
    mut plain: impl FnMut(&mut W, &str) -> io::Result<()>,
) -> io::Result<()> {
    let mut start = 0;
    for (at, c) in fragment.char_indices() {
        if needs_escape(c) {
            if start < at {
                plain(writer, &fragment[start..at])?;
            }
            write_u_escape(writer, c)?;
            start = at + c.len_utf8();
        }
    }
    if start < fragment.len() {
        plain(writer, &fragment[start..])?;
    }
    Ok(())
}

/// A formatter that lays JSON out like `F` and escapes what `serde_json` leaves raw (DEL, C1, `Cf`,
/// U+2028/2029, invisible fillers). `serde_json` escapes C0, `"` and `\` itself.
struct Inert<F>(F);

impl<F: Formatter> Formatter for Inert<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        escape_runs(writer, fragment, needs_json_escape, |w, s| {
            self.0.write_string_fragment(w, s)
        })
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        self.0.write_char_escape(writer, escape)
    }

    /// Raw JSON (`serde_json::value::RawValue`) is valid JSON already, so any character to escape is inside a
    /// string, except the whitespace between tokens.
    fn write_raw_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let needs = |c: char| needs_json_escape(c) && !matches!(c, '\n' | '\r' | '\t');
        escape_runs(writer, fragment, needs, |w, s| {
            self.0.write_raw_fragment(w, s)
        })
    }

    fn begin_string<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_string(writer)
    }
    fn end_string<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_string(writer)
    }
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }
    fn end_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_key(writer)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

fn to_string_with<F: Formatter, T: ?Sized + Serialize>(
    value: &T,
    formatter: F,
) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(128);
    value.serialize(&mut Serializer::with_formatter(&mut out, Inert(formatter)))?;
    // serde_json writes only UTF-8 (escapes are ASCII), so this never fails; no unwrap all the same.
    String::from_utf8(out).map_err(|e| serde::ser::Error::custom(e.utf8_error()))
}

/// Compact inert JSON of `value`. Fails only where `serde_json` would (e.g. a map with non-string keys).
pub fn to_inert_json<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<String> {
    to_string_with(value, CompactFormatter)
}

/// Pretty (two-space indented) inert JSON of `value`: its only control characters are the newlines of
/// the layout.
pub fn to_inert_json_pretty<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<String> {
    to_string_with(value, PrettyFormatter::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_strings_become_escapes_and_round_trip() {
        let hostile = "a\u{1b}]52;c;x\u{7}\u{7f}\u{85}\u{9b}\u{202e}\u{2066}\u{200b}\u{200d}\u{feff}\u{2028}\u{2029}\
                       \u{e0041}\u{ad}\n\t\"\\ é 中 😀";
        let json = to_inert_json(&hostile).unwrap();
        assert_eq!(
            json,
            "\"a\\u001b]52;c;x\\u0007\\u007f\\u0085\\u009b\\u202e\\u2066\\u200b\\u200d\\ufeff\\u2028\\u2029\
             \\udb40\\udc41\\u00ad\\n\\t\\\"\\\\ é 中 😀\""
        );
        let back: String = serde_json::from_str(&json).unwrap();
        assert_eq!(back, hostile);
    }

    #[test]
    fn keys_are_escaped_too_and_pretty_output_is_inert() {
        let mut map = std::collections::BTreeMap::new();
        map.insert("k\u{202e}", vec!["v\u{9d}", "w"]);
        let pretty = to_inert_json_pretty(&map).unwrap();
        assert_eq!(
            pretty,
            "{\n  \"k\\u202e\": [\n    \"v\\u009d\",\n    \"w\"\n  ]\n}"
        );
        assert!(pretty.chars().all(|c| c == '\n' || !needs_json_escape(c)));
        let back: std::collections::BTreeMap<String, Vec<String>> =
            serde_json::from_str(&pretty).unwrap();
        assert_eq!(back.get("k\u{202e}").unwrap(), &["v\u{9d}", "w"]);
    }

    #[test]
    fn non_string_keys_are_an_error_not_a_panic() {
        let mut map = std::collections::HashMap::new();
        map.insert(vec![1], 2);
        assert!(to_inert_json(&map).is_err());
    }
}
