//! Live filtering of the board: DESIGN.md's query language over search data precomputed per person.
//!
//! - Free words match the name and mail **fuzzily** (nucleo) and the job title, department and
//!   status message as **substrings**; matching ignores case and accents (`jose` finds José, and so
//!   does `josé`).
//! - `"a phrase"` is a substring of any field, never fuzzy.
//! - Facets: `is:available is:busy is:dnd is:away is:offline is:unknown is:ooo at:office
//!   at:remote at:timeoff`. `is:busy` includes do-not-disturb (Teams draws both red); `is:dnd`
//!   alone selects it.
//! - `!` negates a word (`!bob`: no field contains "bob"; negation is a substring test, never fuzzy)
//!   or a facet (`!is:offline`).
//! - Terms are AND-ed. An unknown facet (`is:sleepy`) is matched as a plain word; a facet still
//!   being typed (`is:bu`) is ignored until it is complete. The empty query matches everyone.
//!
//! Hold one `Filter` (it owns nucleo's scratch space) and one `Vec<usize>` of results, build each
//! person's `SearchEntry` when their data arrives, and per keystroke: `Query::parse` + `Filter::apply`.

mod matcher;
mod parse;
#[cfg(test)]
mod tests;

use nucleo_matcher::chars;

pub use matcher::{Filter, SearchEntry, SearchFields};
pub use parse::{Atom, Facet, Query, Term, Word};

use crate::app::person::Person;
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
    /// The search data of one person, from the fields their card shows.
    pub fn for_person(p: &Person) -> SearchEntry {
        SearchEntry::new(&SearchFields {
            name: p.name.as_str(),
            mail: p.mail.as_str(),
            job_title: p.job_title.as_ref().map(SafeText::as_str),
            department: p.department.as_ref().map(SafeText::as_str),
            status_message: p.status_full().map(SafeText::as_str),
            status: p.status,
            out_of_office: p.out_of_office,
            location: p.location.as_ref().map(|l| l.kind),
        })
    }
}
