//! Live filtering of the board: free words and `is:`/`at:` facets over search data precomputed per
//! person, so a keystroke never walks raw presence.
//!
//! - Free words match the name and the mail's local part **fuzzily** (see `fuzzy`: letters in order
//!   with a real run among them, or initials; the mail's domain, which everyone shares, never), and as
//!   **substrings** the job title, department and what the card says: availability and activity in
//!   words ("meeting"), status message, out-of-office reply, work location and place ("office",
//!   "München"). Matching ignores case and accents (`jose` finds José, and so does `josé`).
//! - `"a phrase"` is a substring of any field, never fuzzy.
//! - Facets: `is:available is:busy is:dnd is:away is:offline is:unknown is:ooo at:office
//!   at:remote at:timeoff`. `is:busy` includes do-not-disturb (Teams draws both red); `is:dnd`
//!   alone selects it.
//! - `!` negates a word, phrase or facet: exactly those the term without `!` leaves out.
//! - Calendar facets (`[calendar] enabled`): `free:30` (available, or free by their calendar now or
//!   within 30 minutes) and `is:outside-hours`. They read facts the core derives from calendars, so
//!   the search entry leaves them out and the core applies them after it (`Query::calendar_terms`).
//! - Terms are AND-ed. An unknown facet (`is:free`) is left out of the matching and reported by
//!   `Query::problem` for the prompt; a facet still being typed (`is:bu`) is ignored until it is
//!   complete. The empty query matches everyone.
//!
//! Hold one `Filter` and one `Vec<usize>` of results, build each person's `SearchEntry` when their data
//! arrives, and per keystroke: `Query::parse` + `Filter::apply`.

mod fuzzy;
mod matcher;
mod parse;
#[cfg(test)]
mod tests;

use nucleo_matcher::chars;

pub use matcher::{Filter, SearchEntry, SearchFields};
pub use parse::{Atom, CalendarFacet, Facet, Query, Term, Word};

use crate::app::person::{Person, Profile};
use crate::graph::model::User;
use crate::text::SafeText;

/// The comparison form of a text: first char of each grapheme, accents removed, lowercase — the
/// same folding nucleo applies, so the prefilter and nucleo agree.
pub(crate) fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    chars::graphemes(text)
        .map(|c| chars::to_lower_case(chars::normalize(c)))
        .collect()
}

impl SearchEntry {
    /// The search data of one person: their card's name and presence, and their profile (sanitized
    /// here; the board keeps no copy of mail, job title and department besides this folded one).
    pub fn for_person(p: &Person, user: &User) -> SearchEntry {
        let profile = Profile::of(user);
        SearchEntry::new(&SearchFields {
            mail: profile.mail.as_ref().map_or("", SafeText::as_str),
            job_title: profile.job_title.as_ref().map(SafeText::as_str),
            department: profile.department.as_ref().map(SafeText::as_str),
            ..presence_fields(p)
        })
    }

    /// `p`'s entry after their presence (or their place's name) changed, the profile's part kept.
    pub fn for_presence(p: &Person) -> SearchEntry {
        p.search.with_presence(&presence_fields(p))
    }
}

/// The fields of a person's card that search reads; the profile's are left empty.
fn presence_fields(p: &Person) -> SearchFields<'_> {
    SearchFields {
        name: p.name.as_str(),
        mail: "",
        job_title: None,
        department: None,
        availability: p.availability.as_str(),
        activity: p.activity.as_str(),
        status_message: p.status_full().map(SafeText::as_str),
        ooo_message: p.ooo_full().map(SafeText::as_str),
        status: p.status,
        out_of_office: p.out_of_office,
        location: p.location.as_ref().map(|l| l.kind),
        place: p
            .location
            .as_ref()
            .and_then(|l| l.place_name.as_ref())
            .map(SafeText::as_str),
    }
}
