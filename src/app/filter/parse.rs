//! The filter query language: words, `"quoted phrases"`, `is:`/`at:` facets and `!` negation.

use super::fuzzy::Pattern;
use super::matcher::Needle;

/// A facet: a fact about a person's presence, matched exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Facet {
    Available,
    /// Busy, in a call, in a meeting — and do not disturb (see `Facet::mask`).
    Busy,
    DoNotDisturb,
    Away,
    Offline,
    Unknown,
    OutOfOffice,
    Office,
    Remote,
    TimeOff,
    /// On the watch list: set by the App (`SearchEntry::set_watched`), not derived from presence.
    Watched,
}

impl Facet {
    /// Every facet with the text that selects it (lowercase; typed in any case).
    pub const ALL: [(Facet, &'static str); 11] = [
        (Facet::Available, "is:available"),
        (Facet::Busy, "is:busy"),
        (Facet::DoNotDisturb, "is:dnd"),
        (Facet::Away, "is:away"),
        (Facet::Offline, "is:offline"),
        (Facet::Unknown, "is:unknown"),
        (Facet::OutOfOffice, "is:ooo"),
        (Facet::Office, "at:office"),
        (Facet::Remote, "at:remote"),
        (Facet::TimeOff, "at:timeoff"),
        (Facet::Watched, "is:watched"),
    ];

    pub fn text(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("", |(_, t)| t)
    }

    /// The facet bit a person carries (see `SearchEntry`).
    pub(crate) fn bit(self) -> u16 {
        1 << (self as u16)
    }

    /// The bits this facet accepts. `is:busy` accepts do-not-disturb too: Teams draws both red and
    /// both mean "not now"; `is:dnd` selects do-not-disturb alone.
    pub(crate) fn mask(self) -> u16 {
        match self {
            Facet::Busy => Facet::Busy.bit() | Facet::DoNotDisturb.bit(),
            f => f.bit(),
        }
    }

    fn parse(token: &str) -> Option<Facet> {
        Self::ALL
            .iter()
            .find(|(_, text)| text.eq_ignore_ascii_case(token))
            .map(|(f, _)| *f)
    }
}

/// A fact from someone's calendar (`[calendar] enabled`), matched by the core against the facts it
/// derived, not against the search entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CalendarFacet {
    /// `free:30`: available now, free now by their calendar, or free within this many minutes.
    FreeWithin(u16),
    /// `is:outside-hours`: outside their working hours, or on a day they do not work.
    OutsideHours,
}

impl CalendarFacet {
    /// The calendar facets as the prompt lists them.
    pub const HELP: &'static str = "free:MINUTES is:outside-hours";
    const OUTSIDE: &'static str = "is:outside-hours";
    const FREE: &'static str = "free:";

    fn parse(token: &str) -> Option<Self> {
        if token.eq_ignore_ascii_case(Self::OUTSIDE) {
            return Some(Self::OutsideHours);
        }
        let mins = token
            .get(..Self::FREE.len())
            .filter(|p| p.eq_ignore_ascii_case(Self::FREE))
            .and_then(|_| token.get(Self::FREE.len()..))?;
        if mins.is_empty() || !mins.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        mins.parse::<u16>()
            .ok()
            .filter(|m| *m <= 24 * 60)
            .map(Self::FreeWithin)
    }
}

/// A word or phrase, folded once at parse time (lowercase, accents removed) for every comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// As typed (untrusted: the filter input went through `SafeText` before it got here).
    pub text: String,
    /// A quoted phrase is matched as a substring everywhere, never fuzzily.
    pub phrase: bool,
    /// The folded word, searched for as a substring.
    pub(crate) needle: Needle,
    /// For fuzzy matching; `None` for a phrase and a word too long to match fuzzily.
    pub(crate) pattern: Option<Pattern>,
    /// `char_mask` of `folded`.
    pub(crate) chars: u64,
}

impl Word {
    fn new(text: &str, phrase: bool) -> Self {
        let folded = super::fold(text);
        Self {
            text: text.to_string(),
            phrase,
            pattern: if phrase { None } else { Pattern::new(&folded) },
            chars: super::matcher::char_mask(&folded),
            needle: Needle::new(&folded),
        }
    }
}

/// What one term tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Atom {
    Word(Word),
    Facet(Facet),
    Calendar(CalendarFacet),
}

/// One term of a query; all terms must hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub negated: bool,
    pub atom: Atom,
}

/// A parsed filter. Parsing never fails: anything unrecognised is a word.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// Facets first (cheapest), then words, each in typed order.
    terms: Vec<Term>,
    /// `is:`/`at:` tokens that look like a facet but are none: left out of the matching and shown
    /// as an error in the prompt (see `problem`), never as "no one matches".
    unknown_facets: Vec<String>,
    /// Tokens that are the start of a facet being typed (`is:bu`): ignored until complete, so the
    /// board does not flash "no one matches" at every keystroke.
    incomplete: Vec<String>,
}

impl Query {
    /// Parses the filter text. Whitespace separates terms; `"..."` is one phrase (an unclosed quote
    /// runs to the end); a leading `!` negates; `is:busy`-style tokens are facets.
    pub fn parse(text: &str) -> Query {
        let mut query = Query::default();
        let mut words = Vec::new();
        let mut rest = text.trim_start();
        while !rest.is_empty() {
            let (negated, after) = match rest.strip_prefix('!') {
                Some(after) => (true, after),
                None => (false, rest),
            };
            let (token, phrase, next) = if let Some(quoted) = after.strip_prefix('"') {
                match quoted.find('"') {
                    Some(end) => (&quoted[..end], true, &quoted[end + 1..]),
                    None => (quoted, true, ""),
                }
            } else {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (&after[..end], false, &after[end..])
            };
            rest = next.trim_start();
            if token.trim().is_empty() {
                continue;
            }
            if !phrase {
                if let Some(facet) = Facet::parse(token) {
                    query.terms.push(Term {
                        negated,
                        atom: Atom::Facet(facet),
                    });
                    continue;
                }
                if let Some(facet) = CalendarFacet::parse(token) {
                    query.terms.push(Term {
                        negated,
                        atom: Atom::Calendar(facet),
                    });
                    continue;
                }
                if looks_like_facet(token) {
                    if is_facet_prefix(token) {
                        query.incomplete.push(token.to_string());
                    } else {
                        query.unknown_facets.push(token.to_string());
                    }
                    continue;
                }
            }
            words.push(Term {
                negated,
                atom: Atom::Word(Word::new(token.trim(), phrase)),
            });
        }
        query.terms.extend(words);
        query
    }

    /// True when the query keeps everyone (no term that filters).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// Facet-like tokens that are not facets (`is:sleepy`), left out of the matching.
    pub fn unknown_facets(&self) -> &[String] {
        &self.unknown_facets
    }

    /// What is wrong with the query, for the prompt: the first facet that does not exist, and the
    /// ones that do. (The text is the user's own typing, already one safe line.)
    pub fn problem(&self) -> Option<String> {
        let unknown = self.unknown_facets.first()?;
        let valid: Vec<&str> = Facet::ALL.iter().map(|(_, text)| *text).collect();
        Some(format!(
            "no facet \"{unknown}\"; use {} {}",
            valid.join(" "),
            CalendarFacet::HELP
        ))
    }

    /// The calendar terms, each with whether it is negated.
    pub fn calendar_terms(&self) -> impl Iterator<Item = (bool, CalendarFacet)> + '_ {
        self.terms.iter().filter_map(|t| match t.atom {
            Atom::Calendar(f) => Some((t.negated, f)),
            _ => None,
        })
    }

    /// Facets still being typed (`is:bu`), ignored for now.
    pub fn incomplete(&self) -> &[String] {
        &self.incomplete
    }
}

fn looks_like_facet(token: &str) -> bool {
    let lower = token.get(..3).map(str::to_ascii_lowercase);
    matches!(lower.as_deref(), Some("is:" | "at:"))
        || token
            .get(..CalendarFacet::FREE.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(CalendarFacet::FREE))
}

fn is_facet_prefix(token: &str) -> bool {
    let texts = Facet::ALL
        .iter()
        .map(|(_, text)| *text)
        .chain([CalendarFacet::OUTSIDE]);
    let typing = |text: &str| {
        text.len() > token.len()
            && text.as_bytes()[..token.len()].eq_ignore_ascii_case(token.as_bytes())
    };
    texts.into_iter().any(typing) || token.eq_ignore_ascii_case(CalendarFacet::FREE)
}
