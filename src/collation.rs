//! Names in the order the user's locale expects (CLDR collation): Ángel beside Angela, not after Zoë.
//!
//! ICU4X's collator with its compiled data: the locale comes from `LC_ALL`, `LC_COLLATE` or `LANG`
//! (the first one set), and the root collation, right for most languages, serves when none is set,
//! for `C`/`POSIX`, and for a locale the data does not know.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use icu_collator::options::CollatorOptions;
use icu_collator::{CollatorBorrowed, CollatorPreferences};
use icu_locale_core::Locale;

use crate::paths::Env;

/// A collator for one locale; cheap to clone.
#[derive(Clone)]
pub struct Collation {
    collator: Arc<CollatorBorrowed<'static>>,
    /// The locale it was made for; `None`: the root collation.
    locale: Option<Locale>,
}

impl fmt::Debug for Collation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.locale {
            Some(locale) => write!(f, "Collation({locale})"),
            None => f.write_str("Collation(root)"),
        }
    }
}

impl Default for Collation {
    fn default() -> Self {
        Self::root()
    }
}

impl Collation {
    /// The root collation (CLDR's default order, which most languages use unchanged).
    pub fn root() -> Self {
        Self::new(None)
    }

    /// The collation of the locale the environment names: `LC_ALL`, else `LC_COLLATE`, else `LANG`.
    pub fn from_env(env: &dyn Env) -> Self {
        let name = ["LC_ALL", "LC_COLLATE", "LANG"]
            .into_iter()
            .filter_map(|var| env.var(var))
            .map(|v| v.to_string_lossy().into_owned())
            .find(|v| !v.trim().is_empty());
        name.map_or_else(Self::root, |name| Self::for_locale(&name))
    }

    /// The collation of a POSIX locale name (`sv_SE.UTF-8`, `de_DE@euro`) or a BCP 47 tag (`sv-SE`).
    pub fn for_locale(name: &str) -> Self {
        Self::new(parse_locale(name))
    }

    fn new(locale: Option<Locale>) -> Self {
        let prefs = locale
            .as_ref()
            .map_or_else(CollatorPreferences::default, CollatorPreferences::from);
        // Compiled data covers every locale (unknown ones fall back to root); should it still fail,
        // root, then a collator that is never missing: sorting must not stop the board.
        let collator = CollatorBorrowed::try_new(prefs, CollatorOptions::default()).or_else(|_| {
            CollatorBorrowed::try_new(CollatorPreferences::default(), CollatorOptions::default())
        });
        match collator {
            Ok(collator) => Self {
                collator: Arc::new(collator),
                locale,
            },
            Err(e) => panic!("the compiled root collation is missing: {e}"),
        }
    }

    /// The locale this collation sorts for; `None` for root.
    pub fn locale(&self) -> Option<&Locale> {
        self.locale.as_ref()
    }

    /// What names this collation orders alike: the locale, and the build (its collation data). Ranks
    /// saved under one key are valid for any collation with the same key.
    pub fn key(&self) -> String {
        let locale = self
            .locale
            .as_ref()
            .map_or_else(|| "root".to_owned(), ToString::to_string);
        format!("{locale} {}", env!("CARGO_PKG_VERSION"))
    }

    pub fn compare(&self, a: &str, b: &str) -> Ordering {
        self.collator.compare(a, b)
    }

    /// For each name, its place in collation order (equal names share one), so that sorting later
    /// compares two numbers. Sort keys are written once per name into one buffer, then dropped.
    pub fn ranks<'a>(&self, names: impl ExactSizeIterator<Item = &'a str>) -> Vec<u32> {
        let count = names.len();
        let mut keys: Vec<u8> = Vec::with_capacity(count * 24);
        let mut spans: Vec<(u32, u32)> = Vec::with_capacity(count);
        for name in names {
            let start = keys.len();
            let Ok(()) = self.collator.write_sort_key_to(name, &mut keys);
            spans.push((to_u32(start), to_u32(keys.len())));
        }
        let key = |i: usize| {
            let (start, end) = spans[i];
            keys.get(start as usize..end as usize).unwrap_or_default()
        };
        let mut order: Vec<usize> = (0..count).collect();
        order.sort_unstable_by(|a, b| key(*a).cmp(key(*b)));
        let mut ranks = vec![0u32; count];
        let mut rank = 0u32;
        for (n, &i) in order.iter().enumerate() {
            if n > 0 && key(order[n - 1]) != key(i) {
                rank += 1;
            }
            ranks[i] = rank;
        }
        ranks
    }
}

/// Offsets into the key buffer; 10,000 names of at most 1,024 characters stay far below `u32::MAX`.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// `sv_SE.UTF-8` → `sv-SE`; `C`, `POSIX` and anything unreadable → `None` (root).
fn parse_locale(name: &str) -> Option<Locale> {
    let name = name.trim();
    let name = name.split(['.', '@']).next().unwrap_or_default();
    if name.is_empty() || name.eq_ignore_ascii_case("C") || name.eq_ignore_ascii_case("POSIX") {
        return None;
    }
    name.replace('_', "-").parse().ok()
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::*;

    fn sorted(collation: &Collation, names: &[&str]) -> Vec<String> {
        let ranks = collation.ranks(names.iter().copied());
        let mut order: Vec<usize> = (0..names.len()).collect();
        order.sort_by_key(|&i| ranks[i]);
        order.into_iter().map(|i| names[i].to_owned()).collect()
    }

    const NAMES: &[&str] = &[
        "Zoë", "Łukasz", "Åsa", "Ángel", "bob", "Örjan", "Anna", "Émile",
    ];

    #[test]
    fn root_puts_accented_letters_with_their_base_letter() {
        assert_eq!(
            sorted(&Collation::root(), NAMES),
            [
                "Ángel", "Anna", "Åsa", "bob", "Émile", "Łukasz", "Örjan", "Zoë"
            ]
        );
    }

    #[test]
    fn a_locale_tailors_the_order() {
        // Swedish: å, ä and ö are letters of their own, after z.
        assert_eq!(
            sorted(&Collation::for_locale("sv_SE.UTF-8"), NAMES),
            [
                "Ángel", "Anna", "bob", "Émile", "Łukasz", "Zoë", "Åsa", "Örjan"
            ]
        );
    }

    #[test]
    fn ranks_agree_with_compare_and_ties_share_a_rank() {
        let c = Collation::root();
        let names = ["b", "a", "B", "a", "ä"];
        let ranks = c.ranks(names.iter().copied());
        for (i, a) in names.iter().enumerate() {
            for (j, b) in names.iter().enumerate() {
                assert_eq!(ranks[i].cmp(&ranks[j]), c.compare(a, b), "{a} {b}");
            }
        }
        assert_eq!(ranks[1], ranks[3]);
    }

    #[test]
    fn the_key_tells_locales_apart() {
        let sv = Collation::for_locale("sv_SE.UTF-8");
        assert_eq!(sv.key(), Collation::for_locale("sv-SE").key());
        assert_ne!(sv.key(), Collation::root().key());
        assert!(Collation::root().key().starts_with("root "));
    }

    #[test]
    fn the_locale_comes_from_lc_all_then_lc_collate_then_lang() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| OsString::from(*v))
            }
        };
        let locale = |vars| {
            Collation::from_env(&env(vars))
                .locale()
                .map(ToString::to_string)
        };
        assert_eq!(locale(&[]), None);
        assert_eq!(locale(&[("LANG", "sv_SE.UTF-8")]), Some("sv-SE".into()));
        assert_eq!(
            locale(&[("LANG", "sv_SE.UTF-8"), ("LC_COLLATE", "de_DE@euro")]),
            Some("de-DE".into())
        );
        assert_eq!(
            locale(&[("LC_ALL", "C.UTF-8"), ("LC_COLLATE", "de_DE")]),
            None,
            "LC_ALL=C is root"
        );
        assert_eq!(
            locale(&[("LC_ALL", ""), ("LANG", "fr_FR")]),
            Some("fr-FR".into())
        );
        assert_eq!(locale(&[("LANG", "POSIX")]), None);
        assert_eq!(locale(&[("LANG", "!!")]), None);
    }
}
