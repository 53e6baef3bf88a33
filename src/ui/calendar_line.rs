//! The calendar's few words on a card or a list row: "free 14:30" (or "free Tue 09:00") on a busy,
//! do-not-disturb or away card, "out until Thu 09:00" while the calendar says out of office, and
//! their local time by the minute ("18:05") when their zone differs from yours, marked when it is
//! outside their working hours or on a day they do not work.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::detail::local_time;
use crate::app::calendar::CalendarView;
use crate::app::calendar::free::{FreeAt, differs};
use crate::app::person::Person;
use crate::config::Symbols;
use crate::graph::model::Status;

/// The mark after a local time outside working hours.
pub fn off_hours_mark(symbols: Symbols) -> &'static str {
    match symbols {
        Symbols::Unicode => "☾",
        Symbols::Ascii => "~",
    }
}

/// The parts, most telling first: when they are free (or back), then their local time.
pub struct CalendarLine {
    pub when: Option<String>,
    pub local: Option<String>,
}

impl CalendarLine {
    pub fn of(
        view: &CalendarView<'_>,
        person: &Person,
        now: Timestamp,
        tz: &TimeZone,
        symbols: Symbols,
    ) -> Self {
        let facts = view.facts;
        let waiting = matches!(
            person.status,
            Status::Busy | Status::DoNotDisturb | Status::Away
        );
        let when = match (facts.out_until, facts.free) {
            (Some(until), _) => Some(format!("out until {}", local_time(until, now, tz))),
            (None, Some(FreeAt::At(at))) if waiting => {
                Some(format!("free {}", local_time(at, now, tz)))
            }
            _ => None,
        };
        let local = view.zone().filter(|z| differs(z, tz, now)).map(|zone| {
            let clock = now.to_zoned(zone.clone()).strftime("%H:%M").to_string();
            if facts.outside_hours {
                format!("{clock}{}", off_hours_mark(symbols))
            } else {
                clock
            }
        });
        Self { when, local }
    }

    /// The longest form that fits `room` columns: both parts, else the first alone, else the
    /// local time alone.
    pub fn fitted(&self, room: usize, separator: &str) -> Option<String> {
        let fits = |s: &str| crate::text::width(s) <= room;
        if let (Some(when), Some(local)) = (&self.when, &self.local) {
            let both = format!("{when}{separator}{local}");
            if fits(&both) {
                return Some(both);
            }
        }
        [&self.when, &self.local]
            .into_iter()
            .flatten()
            .find(|s| fits(s))
            .cloned()
    }
}
