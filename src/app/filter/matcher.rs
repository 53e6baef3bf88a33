//! Matching a query against precomputed per-person search entries, fast enough for every keystroke.

use nucleo_matcher::{Config, Matcher, Utf32String};

use super::fold;
use super::parse::{Atom, Facet, Query, Word};
use crate::graph::model::{Status, WorkLocationKind};

/// What a person is searched by, borrowed from their view model when their data arrives.
#[derive(Clone, Copy, Debug)]
pub struct SearchFields<'a> {
    pub name: &'a str,
    pub mail: &'a str,
    pub job_title: Option<&'a str>,
    pub department: Option<&'a str>,
    pub status_message: Option<&'a str>,
    pub status: Status,
    pub out_of_office: bool,
    pub location: Option<WorkLocationKind>,
}

/// One person's search data, built when their data arrives, never per keystroke.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchEntry {
    /// Name, mail, then job title, department and status message, each folded (lowercase, accents
    /// removed, newlines as spaces) and joined by `\n`. One allocation per person keeps a scan over
    /// thousands of people in cache; a needle never holds `\n`, so no match spans two fields.
    folded: Box<str>,
    name_end: u32,
    mail_end: u32,
    /// Where the profile's part of `folded` ends (the status message follows).
    profile_end: u32,
    /// nucleo's view of the folded name and mail, kept only when they hold non-ASCII characters
    /// (an ASCII haystack cannot match a non-ASCII needle, and ASCII needles never need nucleo).
    /// Boxed: most names are ASCII, and 10,000 entries are held at once.
    wide: Option<Box<[Utf32String]>>,
    /// Which ASCII characters each part holds (`char_mask`): a word whose characters are not all
    /// there is rejected without reading the text at all.
    name_chars: u64,
    mail_chars: u64,
    text_chars: u64,
    /// `Facet::bit`s this person carries.
    facets: u16,
}

impl SearchEntry {
    pub fn new(f: &SearchFields<'_>) -> Self {
        let mut folded = String::with_capacity(f.name.len() + f.mail.len() + 64);
        push_folded(&mut folded, f.name);
        let name_end = folded.len();
        folded.push('\n');
        push_folded(&mut folded, f.mail);
        let mail_end = folded.len();
        for part in [f.job_title, f.department].into_iter().flatten() {
            folded.push('\n');
            push_folded(&mut folded, part);
        }
        let profile_end = folded.len();
        if let Some(message) = f.status_message {
            folded.push('\n');
            push_folded(&mut folded, message);
        }
        let wide = |s: &str| (!s.is_ascii()).then(|| Utf32String::Unicode(s.chars().collect()));
        let facets = facets(f);
        Self {
            wide: {
                let parts: Box<[Utf32String]> =
                    [&folded[..name_end], &folded[name_end + 1..mail_end]]
                        .into_iter()
                        .filter_map(wide)
                        .collect();
                (!parts.is_empty()).then_some(parts)
            },
            name_chars: char_mask(&folded[..name_end]),
            mail_chars: char_mask(&folded[name_end + 1..mail_end]),
            text_chars: char_mask(folded.get(mail_end + 1..).unwrap_or_default()),
            // Status messages are capped at 8,192 characters by SafeText, so offsets fit easily.
            name_end: name_end as u32,
            mail_end: mail_end as u32,
            profile_end: profile_end as u32,
            folded: folded.into_boxed_str(),
            facets,
        }
    }

    /// The same person's entry after a presence change: the profile's part is kept as it was folded
    /// (the board holds no second copy of mail, job title and department to fold again).
    #[must_use]
    pub fn with_presence(&self, f: &SearchFields<'_>) -> Self {
        let profile = self
            .folded
            .get(..self.profile_end as usize)
            .unwrap_or_default();
        let mut folded = String::with_capacity(profile.len() + 64);
        folded.push_str(profile);
        if let Some(message) = f.status_message {
            folded.push('\n');
            push_folded(&mut folded, message);
        }
        let mail_end = self.mail_end as usize;
        Self {
            text_chars: char_mask(folded.get(mail_end + 1..).unwrap_or_default()),
            folded: folded.into_boxed_str(),
            facets: facets(f),
            wide: self.wide.clone(),
            ..*self
        }
    }

    fn name(&self) -> &str {
        &self.folded[..self.name_end as usize]
    }

    fn mail(&self) -> &str {
        &self.folded[self.name_end as usize + 1..self.mail_end as usize]
    }

    /// Job title, department and status message (empty when there are none).
    fn text(&self) -> &str {
        self.folded
            .get(self.mail_end as usize + 1..)
            .unwrap_or_default()
    }
}

/// The `Facet::bit`s of a person's presence.
fn facets(f: &SearchFields<'_>) -> u16 {
    let status = match f.status {
        Status::Available => Facet::Available,
        Status::Busy => Facet::Busy,
        Status::DoNotDisturb => Facet::DoNotDisturb,
        Status::Away => Facet::Away,
        Status::Offline => Facet::Offline,
        Status::Unknown => Facet::Unknown,
    };
    let mut bits = status.bit();
    if f.out_of_office {
        bits |= Facet::OutOfOffice.bit();
    }
    bits | match f.location {
        Some(WorkLocationKind::Office) => Facet::Office.bit(),
        Some(WorkLocationKind::Remote) => Facet::Remote.bit(),
        Some(WorkLocationKind::TimeOff) => Facet::TimeOff.bit(),
        _ => 0,
    }
}

fn push_folded(out: &mut String, text: &str) {
    out.extend(fold(text).chars().map(|c| if c == '\n' { ' ' } else { c }));
}

/// Runs queries. Owns nucleo's `Matcher` (about 135 KB of scratch space), so keep one and reuse it.
pub struct Filter {
    matcher: Matcher,
}

impl Default for Filter {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Filter").finish_non_exhaustive()
    }
}

impl Filter {
    pub fn new() -> Self {
        // Case- and accent-insensitive; needles and haystacks are folded the same way beforehand.
        Self {
            matcher: Matcher::new(Config::DEFAULT),
        }
    }

    /// Whether `entry` satisfies every term of `query`. An empty query matches everyone.
    pub fn matches(&mut self, query: &Query, entry: &SearchEntry) -> bool {
        query.terms().iter().all(|term| {
            let hit = match &term.atom {
                Atom::Facet(f) => entry.facets & f.mask() != 0,
                Atom::Word(w) if term.negated || w.phrase => {
                    let all = entry.name_chars | entry.mail_chars | entry.text_chars;
                    all & w.chars == w.chars && contains(&entry.folded, &w.folded)
                }
                Atom::Word(w) => self.word(entry, w),
            };
            hit != term.negated
        })
    }

    /// Writes into `out` (cleared first) the index of every entry that matches, in iteration order.
    /// `out` is the caller's, reused across keystrokes.
    pub fn apply<'e>(
        &mut self,
        query: &Query,
        entries: impl Iterator<Item = (usize, &'e SearchEntry)>,
        out: &mut Vec<usize>,
    ) {
        out.clear();
        if query.is_empty() {
            out.extend(entries.map(|(i, _)| i));
            return;
        }
        out.extend(
            entries
                .filter(|(_, e)| self.matches(query, e))
                .map(|(i, _)| i),
        );
    }

    /// A free word: fuzzy on name and mail, substring on title, department and status message.
    fn word(&mut self, entry: &SearchEntry, w: &Word) -> bool {
        if w.folded.is_ascii() {
            // Needle and haystack are folded exactly as nucleo folds them, so for an ASCII needle
            // "fuzzy match" is "the needle's bytes appear in order" (UTF-8 continuation bytes are never
            // ASCII): decided here in a few nanoseconds, for the keystrokes nearly everyone types.
            let needle = w.folded.as_bytes();
            let has = |chars: u64| chars & w.chars == w.chars;
            return (has(entry.name_chars) && is_subsequence(needle, entry.name().as_bytes()))
                || (has(entry.mail_chars) && is_subsequence(needle, entry.mail().as_bytes()))
                || (has(entry.text_chars) && contains(entry.text(), &w.folded));
        }
        // Other scripts and symbols: nucleo, on haystacks that hold non-ASCII characters at all.
        let needle = w.needle.slice(..);
        entry.wide.iter().flat_map(|parts| parts.iter()).any(|hay| {
            self.matcher
                .fuzzy_match_greedy(hay.slice(..), needle)
                .is_some()
        }) || (entry.text_chars & w.chars == w.chars && contains(entry.text(), &w.folded))
    }
}

/// One bit per ASCII letter and digit, the rest of ASCII sharing 28 bits; non-ASCII bytes set
/// none. A word can only match text whose mask holds all of the word's bits.
pub(crate) fn char_mask(text: &str) -> u64 {
    text.bytes().fold(0, |mask, b| {
        let bit = match b {
            b'a'..=b'z' => b - b'a',
            b'0'..=b'9' => 26 + (b - b'0'),
            0..=0x7f => 36 + b % 28,
            _ => return mask,
        };
        mask | 1 << bit
    })
}

/// The first `b` in `hay`, eight bytes at a time (the fields are scanned for every person).
fn find_byte(hay: &[u8], b: u8) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let pattern = LO * u64::from(b);
    let mut chunks = hay.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ pattern;
        // A zero byte in x is a match; this sets the high bit of the first one (exact for the lowest).
        let found = x.wrapping_sub(LO) & !x & HI;
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&h| h == b)
        .map(|i| at + i)
}

/// `needle`'s bytes in order, gaps allowed.
fn is_subsequence(needle: &[u8], haystack: &[u8]) -> bool {
    let mut rest = haystack;
    for &b in needle {
        match find_byte(rest, b) {
            Some(i) => rest = &rest[i + 1..],
            None => return false,
        }
    }
    true
}

/// Plain substring search. The fields are short and the needles shorter, so a scan for the first
/// byte beats building a two-way searcher (what `str::contains` does) for each of thousands of people.
fn contains(haystack: &str, needle: &str) -> bool {
    let (hay, needle) = (haystack.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    if needle.len() > hay.len() {
        return false;
    }
    let last_start = hay.len() - needle.len();
    let mut at = 0;
    while at <= last_start {
        match find_byte(&hay[at..=last_start], first) {
            Some(i) => {
                at += i;
                if &hay[at + 1..at + needle.len()] == rest {
                    return true;
                }
                at += 1;
            }
            None => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use nucleo_matcher::Utf32Str;

    use super::*;

    #[test]
    fn find_byte_agrees_with_position() {
        let hay: Vec<u8> = (0..40u8)
            .map(|i| b"abcxyz\x80\xffa.@ "[usize::from(i) % 12])
            .collect();
        for len in 0..hay.len() {
            for b in [b'a', b'z', b'.', b' ', 0x80, 0xff, 0x01, b'q'] {
                assert_eq!(
                    find_byte(&hay[len..], b),
                    hay[len..].iter().position(|&h| h == b),
                    "{len} {b}"
                );
            }
        }
    }

    #[test]
    fn char_masks_reject_only_impossible_words() {
        assert_eq!(char_mask("ab") & char_mask("a"), char_mask("a"));
        assert_ne!(char_mask("ab") & char_mask("x"), char_mask("x"));
        assert_eq!(char_mask("\u{738b}"), 0, "non-ASCII bytes set nothing");
        assert_ne!(char_mask("a1"), char_mask("a"));
    }

    #[test]
    fn substring_search() {
        assert!(contains("hello world", "o w"));
        assert!(contains("hello", "hello"));
        assert!(contains("hello", ""));
        assert!(!contains("hello", "hello!"));
        assert!(!contains("hel\nlo", "hello"));
        assert!(contains("aaab", "aab"));
        assert!(contains("zürich", "rich"));
        assert!(!contains("", "a"));
    }

    /// The ASCII fast path must agree with nucleo itself on the original (unfolded) text.
    #[test]
    fn the_ascii_fast_path_agrees_with_nucleo() {
        let haystacks = [
            "José Álvarez",
            "Zoë Ng",
            "Bjorn Olbrecht",
            "ANN LEE",
            "Søren Ødegaard",
            "François",
            "王芳 Wang",
            "Yılmaz",
            "Straße",
            "Ångström",
            "e\u{301}clair",
            "O'Brien-Smith",
        ];
        let needles = [
            "jose", "alv", "zoe", "bob", "ann", "soren", "odegaard", "francois", "wang", "yilmaz",
            "strasse", "angstrom", "eclair", "obrien", "o'b", "a", "z", "x",
        ];
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut buf = Vec::new();
        for hay in haystacks {
            let folded = fold(hay);
            for needle in needles {
                let ours = is_subsequence(needle.as_bytes(), folded.as_bytes());
                let theirs = matcher
                    .fuzzy_match_greedy(
                        Utf32Str::new(hay, &mut buf),
                        Utf32Str::new(needle, &mut Vec::new()),
                    )
                    .is_some();
                assert_eq!(ours, theirs, "{needle:?} in {hay:?}");
            }
        }
    }
}
