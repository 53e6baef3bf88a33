//! Config errors as a user reads them: one line naming the file, the line, the key and the fix.

use std::fmt;
use std::ops::Range;

use crate::exit::{Exit, Failure};
use crate::text::SafeText;

use super::raw::{SCHEMA, table_keys};
use super::spans::{KeyPath, SpanIndex};

/// A config file that cannot be used: where, and what to do about it. Both texts are sanitized as
/// the error is made (`ConfigError::new`), since they quote the file's name and its contents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    /// The file as a user reads it (`~` for home).
    pub file: SafeText,
    /// 1-based line, when the fault has one.
    pub line: Option<usize>,
    pub message: SafeText,
}

impl ConfigError {
    pub fn new(file: &str, line: Option<usize>, message: &str) -> Self {
        Self {
            file: SafeText::line(file),
            line,
            message: SafeText::line(message),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        Failure::new(Exit::Usage, e.to_string())
    }
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].split(|b| *b == b'\n').count()
}

/// Untrusted text (a key or value from the file) made safe and short enough for one line.
pub fn quote(raw: &str) -> String {
    let safe = SafeText::line(raw);
    let mut out: String = safe.as_str().chars().take(40).collect();
    if safe.as_str().chars().nth(40).is_some() {
        out.push('…');
    }
    format!("\"{out}\"")
}

/// `"interval_secs" in [refresh]`, or `[graph]` for a table.
pub fn name(path: &KeyPath) -> String {
    match path.as_slice() {
        [] => "the file".to_owned(),
        [table] => format!("[{}]", SafeText::line(table)),
        [table, key] => format!("{} in [{}]", quote(key), SafeText::line(table)),
        [table, rest @ ..] => format!("{} in [{}]", quote(&rest.join(".")), SafeText::line(table)),
    }
}

/// What the value at `path` must be, in words.
fn expected(path: &KeyPath) -> String {
    match path.as_slice() {
        [table] if table_keys(table).is_some() => {
            format!("a table, written [{table}] on its own line")
        }
        [table, _] if table == "keys" => "a command name in quotes, e.g. \"page_down\"".to_owned(),
        [table, key] => table_keys(table)
            .and_then(|keys| keys.iter().find(|(k, _)| k == key))
            .map_or_else(
                || "something else".to_owned(),
                |(_, what)| (*what).to_owned(),
            ),
        _ => "something else".to_owned(),
    }
}

/// serde's "invalid type: string \"x\", expected ..." reduced to the kind of value found.
fn found_kind(message: &str) -> &'static str {
    let found = message.strip_prefix("invalid type: ").unwrap_or("");
    [
        ("string", "text"),
        ("integer", "a number"),
        ("floating point", "a decimal number"),
        ("boolean", "true/false"),
        ("sequence", "a list"),
        ("map", "a table"),
    ]
    .iter()
    .find(|(prefix, _)| found.starts_with(prefix))
    .map_or("another kind of value", |(_, kind)| kind)
}

/// Turns a serde error from reading the raw structs into our one-line message.
pub fn from_serde(
    text: &str,
    index: &SpanIndex,
    message: &str,
    span: Option<Range<usize>>,
) -> (Option<usize>, String) {
    let line = span.as_ref().map(|s| line_of(text, s.start));
    let path = span.and_then(|s| index.path_at(s.start));
    let Some(path) = path else {
        return (
            line,
            format!("{} (see config.example.toml)", SafeText::line(message)),
        );
    };
    let text = if message.starts_with("unknown field") {
        unknown_key(&path)
    } else if message.starts_with("invalid type") {
        format!(
            "{} must be {}, not {}",
            name(&path),
            expected(&path),
            found_kind(message)
        )
    } else {
        format!(
            "{}: {} (expected {})",
            name(&path),
            SafeText::line(message),
            expected(&path)
        )
    };
    (line, text)
}

fn unknown_key(path: &KeyPath) -> String {
    let tables: Vec<&str> = SCHEMA.iter().map(|(t, _)| *t).collect();
    match path.as_slice() {
        [key] => {
            if let Some((table, _)) = SCHEMA
                .iter()
                .find(|(_, keys)| keys.iter().any(|(k, _)| k == key))
            {
                return format!(
                    "{} must be inside a table: move it under [{table}]",
                    quote(key)
                );
            }
            match suggest(key, &tables) {
                Some(t) => format!(
                    "unknown table [{}] (did you mean [{t}]?)",
                    SafeText::line(key)
                ),
                None => format!(
                    "unknown table [{}] (tables are: {})",
                    SafeText::line(key),
                    tables.join(", ")
                ),
            }
        }
        [table, key] => {
            let keys: Vec<&str> = table_keys(table)
                .unwrap_or(&[])
                .iter()
                .map(|(k, _)| *k)
                .collect();
            let elsewhere = SCHEMA
                .iter()
                .find(|(t, ks)| t != table && ks.iter().any(|(k, _)| k == key))
                .map(|(t, _)| *t);
            let hint = match (suggest(key, &keys), elsewhere) {
                (Some(k), _) => format!("did you mean \"{k}\"?"),
                (None, Some(t)) => format!("it belongs in [{t}]"),
                (None, None) if keys.is_empty() => "this table takes no keys".to_owned(),
                (None, None) => format!("keys here are: {}", keys.join(", ")),
            };
            format!(
                "unknown key {} in [{}] ({hint})",
                quote(key),
                SafeText::line(table)
            )
        }
        _ => format!("unknown key {} (see config.example.toml)", name(path)),
    }
}

/// The known name closest to `typed`, if it is close enough to be a typo.
/// Unit suffixes are ignored, so `intervall` finds `interval_secs` and `timeout` finds `timeout_secs`.
pub fn suggest<'a>(typed: &str, known: &[&'a str]) -> Option<&'a str> {
    let typed = typed.to_ascii_lowercase();
    known
        .iter()
        .map(|k| {
            let stem = k.trim_end_matches("_secs").trim_end_matches("_hours");
            (
                strsim::levenshtein(&typed, k).min(strsim::levenshtein(&typed, stem)),
                *k,
            )
        })
        .filter(|(d, k)| *d <= (k.len() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_find_typos_and_ignore_units() {
        assert_eq!(
            suggest("intervall", &["interval_secs"]),
            Some("interval_secs")
        );
        assert_eq!(
            suggest("timeout", &["base_url", "timeout_secs"]),
            Some("timeout_secs")
        );
        assert_eq!(
            suggest("membres", &["members", "groups", "include_me"]),
            Some("members")
        );
        assert_eq!(
            suggest("colour", &["symbols", "sort", "group_by", "mouse"]),
            None
        );
        assert_eq!(suggest("UI", &["graph", "ui"]), Some("ui"));
    }

    #[test]
    fn lines_count_from_one() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }

    #[test]
    fn quoted_text_is_sanitized_and_short() {
        assert!(
            !quote("a\u{1b}]0;x\u{7}b\u{202e}")
                .chars()
                .any(|c| c.is_control() || c == '\u{202e}')
        );
        assert!(quote(&"x".repeat(500)).chars().count() < 50);
    }
}
