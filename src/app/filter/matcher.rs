//! Matching a query against precomputed per-person search entries, fast enough for every keystroke.

use super::fold;
use super::parse::{Atom, Facet, Query, Word};
use crate::graph::model::{Status, WorkLocationKind};

/// What a person is searched by, borrowed from their view model when their data arrives.
#[derive(Clone, Copy, Debug)]
pub struct SearchFields<'a> {
    pub name: &'a str,
    /// The mail (else the UPN). Only the part before the `@` is searched: the domain is everyone's.
    pub mail: &'a str,
    pub job_title: Option<&'a str>,
    pub department: Option<&'a str>,
    /// The availability and activity in words, as the card shows them ("Busy", "In a meeting").
    pub availability: &'a str,
    pub activity: &'a str,
    pub status_message: Option<&'a str>,
    /// The out-of-office reply, as text.
    pub ooo_message: Option<&'a str>,
    pub status: Status,
    pub out_of_office: bool,
    pub location: Option<WorkLocationKind>,
    /// The name of the place the work location points at ("Building 40", "München").
    pub place: Option<&'a str>,
}

/// One person's search data, built when their data arrives, never per keystroke.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchEntry {
    /// The name, the mail's local part, then job title and department (the profile), then what the
    /// card shows (availability and activity in words, status message, out-of-office reply, work
    /// location, place), each folded (lowercase, accents removed, newlines as spaces) and joined by
    /// `\n`. One allocation per person keeps a scan over thousands of people in cache; a needle never
    /// holds `\n`, so no match spans two fields.
    folded: Box<str>,
    name_end: u32,
    mail_end: u32,
    /// Where the profile's part of `folded` ends (the card's texts follow).
    profile_end: u32,
    /// Which ASCII characters each part holds (`char_mask`): a word whose characters are not all
    /// there is rejected without reading the text at all.
    name_chars: u64,
    mail_chars: u64,
    text_chars: u64,
    /// The same of the characters starting a word of the name or the mail's local part.
    initials: u64,
    /// `Facet::bit`s this person carries.
    facets: u16,
}

impl SearchEntry {
    pub fn new(f: &SearchFields<'_>) -> Self {
        let mut folded = String::with_capacity(f.name.len() + f.mail.len() + 64);
        push_folded(&mut folded, f.name);
        let name_end = folded.len();
        folded.push('\n');
        push_folded(&mut folded, local_part(f.mail));
        let mail_end = folded.len();
        for part in [f.job_title, f.department].into_iter().flatten() {
            folded.push('\n');
            push_folded(&mut folded, part);
        }
        let profile_end = folded.len();
        push_card(&mut folded, f);
        Self {
            initials: initials_mask(&folded[..name_end])
                | initials_mask(&folded[name_end + 1..mail_end]),
            name_chars: char_mask(&folded[..name_end]),
            mail_chars: char_mask(&folded[name_end + 1..mail_end]),
            text_chars: char_mask(folded.get(mail_end + 1..).unwrap_or_default()),
            // Texts are capped by SafeText (8,192 characters a message), so offsets fit easily.
            name_end: name_end as u32,
            mail_end: mail_end as u32,
            profile_end: profile_end as u32,
            folded: folded.into_boxed_str(),
            facets: facets(f),
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
        push_card(&mut folded, f);
        let mail_end = self.mail_end as usize;
        Self {
            text_chars: char_mask(folded.get(mail_end + 1..).unwrap_or_default()),
            folded: folded.into_boxed_str(),
            facets: facets(f) | (self.facets & Facet::Watched.bit()),
            ..*self
        }
    }

    /// Marks this person as on the watch list or not (`is:watched`).
    pub fn set_watched(&mut self, watched: bool) {
        if watched {
            self.facets |= Facet::Watched.bit();
        } else {
            self.facets &= !Facet::Watched.bit();
        }
    }

    fn name(&self) -> &str {
        &self.folded[..self.name_end as usize]
    }

    fn mail(&self) -> &str {
        &self.folded[self.name_end as usize + 1..self.mail_end as usize]
    }

    /// Job title, department and the card's texts.
    fn text(&self) -> &str {
        self.folded
            .get(self.mail_end as usize + 1..)
            .unwrap_or_default()
    }
}

/// Before the `@` (the whole text without one).
fn local_part(mail: &str) -> &str {
    mail.rsplit_once('@').map_or(mail, |(local, _)| local)
}

/// The card's texts, each on its own line of the entry.
fn push_card(folded: &mut String, f: &SearchFields<'_>) {
    let location = f.location.and_then(crate::app::person::location_word);
    let activity = (f.activity != f.availability).then_some(f.activity);
    let parts = [
        Some(f.availability),
        activity,
        f.status_message,
        f.ooo_message,
        location,
        f.place,
    ];
    for part in parts.into_iter().flatten().filter(|p| !p.is_empty()) {
        folded.push('\n');
        push_folded(folded, part);
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

/// Runs queries over search entries. Holds nothing: every term was prepared when the query was parsed.
#[derive(Debug, Default)]
pub struct Filter;

impl Filter {
    pub fn new() -> Self {
        Self
    }

    /// Whether `entry` satisfies every term of `query`. An empty query matches everyone. A negated
    /// term matches exactly those its positive form does not, so a word and its negation split the
    /// team.
    pub fn matches(&self, query: &Query, entry: &SearchEntry) -> bool {
        query.terms().iter().all(|term| {
            let hit = match &term.atom {
                Atom::Facet(f) => entry.facets & f.mask() != 0,
                // Applied by the core from calendar facts, after this.
                Atom::Calendar(_) => return true,
                Atom::Word(w) if w.phrase => {
                    let all = entry.name_chars | entry.mail_chars | entry.text_chars;
                    all & w.chars == w.chars && w.needle.is_in(&entry.folded)
                }
                Atom::Word(w) => word(entry, w),
            };
            hit != term.negated
        })
    }

    /// Writes into `out` (cleared first) the index of every entry that matches, in iteration order.
    /// `out` is the caller's, reused across keystrokes.
    pub fn apply<'e>(
        &self,
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
}

/// A free word: fuzzy (with a quality floor) on the name and the mail's local part, substring on
/// everything else.
fn word(entry: &SearchEntry, w: &Word) -> bool {
    let has = |chars: u64| chars & w.chars == w.chars;
    let fuzzy = |field: &str, chars: u64| {
        has(chars)
            && w.pattern.as_ref().map_or_else(
                || w.needle.is_in(field),
                |p| p.matches(field, entry.initials),
            )
    };
    fuzzy(entry.name(), entry.name_chars)
        || fuzzy(entry.mail(), entry.mail_chars)
        || (has(entry.text_chars) && w.needle.is_in(entry.text()))
}

/// One bit per ASCII letter and digit, the rest of ASCII sharing 28 bits; non-ASCII bytes set
/// none. A word can only match text whose mask holds all of the word's bits.
pub(crate) fn char_mask(text: &str) -> u64 {
    text.bytes().fold(0, |mask, b| mask | char_bit(b))
}

fn char_bit(b: u8) -> u64 {
    let bit = match b {
        b'a'..=b'z' => b - b'a',
        b'0'..=b'9' => 26 + (b - b'0'),
        0..=0x7f => 36 + b % 28,
        _ => return 0,
    };
    1 << bit
}

/// `char_mask` of the ASCII characters that start a word in `text` (initials, for `fuzzy`).
fn initials_mask(text: &str) -> u64 {
    let mut letter_before = false;
    text.bytes().fold(0, |mask, b| {
        let starts = !letter_before;
        letter_before = !b.is_ascii() || b.is_ascii_alphanumeric();
        if starts { mask | char_bit(b) } else { mask }
    })
}

/// A folded word searched for as a plain substring. The searcher is built once, when the query is
/// parsed, and reused for every field of every person on each keystroke.
#[derive(Clone, Debug)]
pub(crate) struct Needle {
    text: Box<str>,
    /// Boxed: the searcher's tables are large beside the rest of a query term.
    finder: Box<memchr::memmem::Finder<'static>>,
}

impl Needle {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.into(),
            finder: Box::new(memchr::memmem::Finder::new(text.as_bytes()).into_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether `haystack` holds the needle.
    pub fn is_in(&self, haystack: &str) -> bool {
        self.finder.find(haystack.as_bytes()).is_some()
    }
}

impl PartialEq for Needle {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Needle {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_masks_reject_only_impossible_words() {
        assert_eq!(char_mask("ab") & char_mask("a"), char_mask("a"));
        assert_ne!(char_mask("ab") & char_mask("x"), char_mask("x"));
        assert_eq!(char_mask("\u{738b}"), 0, "non-ASCII bytes set nothing");
        assert_ne!(char_mask("a1"), char_mask("a"));
    }

    fn contains(hay: &str, needle: &str) -> bool {
        Needle::new(needle).is_in(hay)
    }

    #[test]
    fn substring_search() {
        assert!(contains("hello world", "o w"));
        assert!(contains("hello", "hello"));
        assert!(contains("hello", ""));
        assert!(!contains("hello", "hello!"));
        assert!(!contains("hel\nlo", "hello"));
        assert!(contains("zürich", "rich"));
        assert!(!contains("", "a"));
        assert_eq!(Needle::new("ab"), Needle::new("ab"));
        assert_ne!(Needle::new("ab"), Needle::new("ba"));
    }

    #[test]
    fn only_the_local_part_of_a_mail_is_kept() {
        assert_eq!(local_part("hanako.yamamoto@contoso.com"), "hanako.yamamoto");
        assert_eq!(local_part("a@b#EXT#@contoso.com"), "a@b#EXT#");
        assert_eq!(local_part("no-at-sign"), "no-at-sign");
    }
}
