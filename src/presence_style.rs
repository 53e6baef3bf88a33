//! How each availability is shown, as Teams shows it: colour, symbol and words, so colour is never the
//! only signal.
//! Shared by the board and `status --line`; colours live in `ui::theme`, because only the board paints.

use std::borrow::Cow;

use crate::config::Symbols;
use crate::graph::model::{
    Activity, ActivityKind, Availability, AvailabilityKind, Status, WorkLocationKind,
};

/// The symbol for a state. Out of office overrides the symbol (Teams' purple arrow); the underlying
/// state is then drawn with `hollow_symbol`. Every symbol is one terminal column wide.
pub fn symbol(status: Status, out_of_office: bool, symbols: Symbols) -> &'static str {
    if out_of_office {
        return match symbols {
            Symbols::Unicode => "⇠",
            Symbols::Ascii => "<",
        };
    }
    match symbols {
        Symbols::Unicode => match status {
            Status::Available => "✓",
            Status::Busy => "●",
            Status::DoNotDisturb => "⊖",
            Status::Away => "◷",
            Status::Offline => "⊗",
            Status::Unknown => "○",
        },
        Symbols::Ascii => match status {
            Status::Available => "+",
            Status::Busy => "*",
            Status::DoNotDisturb => "-",
            Status::Away => "~",
            Status::Offline => "x",
            Status::Unknown => "?",
        },
    }
}

/// The underlying state drawn "hollow" next to an out-of-office arrow.
pub fn hollow_symbol(status: Status, symbols: Symbols) -> &'static str {
    match symbols {
        Symbols::Unicode => match status {
            Status::Available => "✓",
            Status::DoNotDisturb => "⊖",
            Status::Away => "◷",
            Status::Busy | Status::Offline | Status::Unknown => "○",
        },
        Symbols::Ascii => match status {
            Status::Available => "+",
            Status::Busy => "o",
            Status::DoNotDisturb => "-",
            Status::Away => "~",
            Status::Offline => "x",
            Status::Unknown => "?",
        },
    }
}

/// The icon for a work location (office, remote, time off); none in ascii, where the word says it.
pub fn location_symbol(kind: WorkLocationKind, symbols: Symbols) -> Option<&'static str> {
    if symbols == Symbols::Ascii {
        return None;
    }
    match kind {
        WorkLocationKind::Office => Some("▣"),
        WorkLocationKind::Remote => Some("⌂"),
        WorkLocationKind::TimeOff => Some("✈"),
        _ => None,
    }
}

/// The word for a whole status group (header counts, `status --line`).
pub fn status_word(status: Status) -> &'static str {
    match status {
        Status::Available => "Available",
        Status::Busy => "Busy",
        Status::DoNotDisturb => "Do not disturb",
        Status::Away => "Away",
        Status::Offline => "Offline",
        Status::Unknown => "Unknown",
    }
}

/// Short word for a status group where space is scarce (header counts).
pub fn status_short(status: Status) -> &'static str {
    match status {
        Status::Available => "free",
        Status::Busy => "busy",
        Status::DoNotDisturb => "dnd",
        Status::Away => "away",
        Status::Offline => "off",
        Status::Unknown => "unknown",
    }
}

/// The words for an availability value. An unknown value is humanized from its raw text; the caller
/// makes it a `SafeText` (it came from Graph).
pub fn availability_words(availability: &Availability) -> Cow<'static, str> {
    use AvailabilityKind as A;
    Cow::Borrowed(match availability.kind() {
        A::Available | A::AvailableIdle => "Available",
        A::Away => "Away",
        A::BeRightBack => "Be right back",
        A::Busy | A::BusyIdle => "Busy",
        A::DoNotDisturb => "Do not disturb",
        A::Offline => "Offline",
        A::PresenceUnknown => "Unknown",
        A::Focusing => "Focusing",
        A::InACall => "In a call",
        A::InAMeeting => "In a meeting",
        A::Presenting => "Presenting",
        A::Other => return Cow::Owned(humanize(availability.raw())),
    })
}

/// The words for an activity value ("In a meeting"); unknown values are humanized from their raw text.
pub fn activity_words(activity: &Activity) -> Cow<'static, str> {
    use ActivityKind as A;
    Cow::Borrowed(match activity.kind() {
        A::Available => "Available",
        A::Away => "Away",
        A::BeRightBack => "Be right back",
        A::Busy => "Busy",
        A::DoNotDisturb => "Do not disturb",
        A::InACall => "In a call",
        A::InAConferenceCall => "In a conference call",
        A::Inactive => "Inactive",
        A::InAMeeting => "In a meeting",
        A::Offline => "Offline",
        A::OffWork => "Off work",
        A::OutOfOffice => "Out of office",
        A::PresenceUnknown => "Unknown",
        A::Presenting => "Presenting",
        A::UrgentInterruptionsOnly => "Urgent interruptions only",
        A::Focusing => "Focusing",
        A::Other => return Cow::Owned(humanize(activity.raw())),
    })
}

/// `inAFooBar` / `InAFooBar` → "In a foo bar". Bounded: an absurdly long value costs little.
pub fn humanize(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len().min(64) + 8);
    for (i, c) in raw.chars().take(64).enumerate() {
        if c == '_' || c == '-' {
            out.push(' ');
        } else if i == 0 {
            out.extend(c.to_uppercase());
        } else if c.is_uppercase() {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The mark of a watched person, before the name (and in the header's count).
pub fn watch_mark(symbols: Symbols) -> &'static str {
    match symbols {
        Symbols::Unicode => "⚑",
        Symbols::Ascii => "*",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humanizes_camel_case() {
        assert_eq!(humanize("inAFooBar"), "In a foo bar");
        assert_eq!(humanize("Sleeping"), "Sleeping");
        assert_eq!(
            activity_words(&Activity::parse("inAMeeting")),
            "In a meeting"
        );
        assert_eq!(activity_words(&Activity::parse("OffWork")), "Off work");
        assert_eq!(
            availability_words(&Availability::parse("beamingUp")),
            "Beaming up"
        );
    }

    #[test]
    fn every_symbol_is_one_column() {
        use unicode_width::UnicodeWidthStr;
        for symbols in [Symbols::Unicode, Symbols::Ascii] {
            for s in Status::ALL {
                assert_eq!(symbol(s, false, symbols).width(), 1);
                assert_eq!(hollow_symbol(s, symbols).width(), 1);
            }
            assert_eq!(symbol(Status::Busy, true, symbols).width(), 1);
            for kind in [
                WorkLocationKind::Office,
                WorkLocationKind::Remote,
                WorkLocationKind::TimeOff,
            ] {
                assert!(location_symbol(kind, symbols).is_none_or(|s| s.width() == 1));
            }
        }
    }
}
