//! Where each key and value sits in the file, so a serde error's byte span can be named as a key.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// `["refresh", "interval_secs"]`: a table then the key inside it.
pub type KeyPath = Vec<String>;

/// Every key's path with the byte ranges of its name and its value.
#[derive(Debug, Default)]
pub struct SpanIndex {
    entries: Vec<(KeyPath, Range<usize>)>,
}

impl SpanIndex {
    pub fn new(root: &DeTable<'_>) -> Self {
        let mut index = Self::default();
        index.table(&[], root);
        index
    }

    fn table(&mut self, parent: &[String], table: &DeTable<'_>) {
        for (key, value) in table {
            let mut path = parent.to_vec();
            path.push(key.get_ref().to_string());
            self.entries.push((path.clone(), key.span()));
            self.value(&path, value);
        }
    }

    fn value(&mut self, path: &KeyPath, value: &Spanned<DeValue<'_>>) {
        self.entries.push((path.clone(), value.span()));
        match value.get_ref() {
            DeValue::Table(t) => self.table(path, t),
            DeValue::Array(items) => {
                for item in items {
                    self.value(path, item);
                }
            }
            _ => {}
        }
    }

    /// The key whose name or value most tightly holds `offset`.
    pub fn path_at(&self, offset: usize) -> Option<KeyPath> {
        self.entries
            .iter()
            .filter(|(_, r)| {
                r.start <= offset && (offset < r.end || r.is_empty() && offset == r.start)
            })
            .min_by_key(|(_, r)| r.len())
            .map(|(p, _)| p.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_tightest_key() {
        let text = "[refresh]\nintervall = 3\n[team]\nmembers = [\"a\", 3]\n";
        let root = DeTable::parse(text).unwrap();
        let index = SpanIndex::new(root.get_ref());
        let at = |needle: &str| index.path_at(text.find(needle).unwrap()).unwrap();
        assert_eq!(at("intervall"), ["refresh", "intervall"]);
        assert_eq!(at("3\n"), ["refresh", "intervall"]);
        assert_eq!(at("3]"), ["team", "members"]);
        assert_eq!(at("team"), ["team"]);
    }
}
