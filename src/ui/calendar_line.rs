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
use crate::app::popup::detail::off_hours_mark;
use crate::config::Symbols;
use crate::graph::model::Status;

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

#[cfg(test)]
mod tests {
    use jiff::Timestamp;
    use jiff::tz::TimeZone;

    use super::*;
    use crate::app::calendar::free::Runs;
    use crate::app::calendar::{Facts, Reading};
    use crate::graph::model::{User, UserId, parse_single_presence};
    use crate::graph::schedule::WorkingHours;

    fn person(availability: &str) -> Person {
        let mut p = Person::from_user(&User {
            id: UserId::new("p"),
            display_name: Some("P".into()),
            user_principal_name: None,
            mail: None,
            job_title: None,
            department: None,
        });
        let json =
            format!(r#"{{"id":"p","availability":"{availability}","activity":"{availability}"}}"#);
        p.set_presence(parse_single_presence(json.as_bytes()).unwrap());
        p
    }

    fn hours(zone: &str) -> WorkingHours {
        WorkingHours {
            days: 0b0011_1110,
            start_secs: 9 * 3600,
            end_secs: 17 * 3600,
            zone: crate::time_zone::time_zone(zone),
            zone_name: zone.into(),
        }
    }

    #[test]
    fn words_for_busy_cards_and_local_times_for_other_zones() {
        // Monday 2024-07-01 15:05 UTC; you are in UTC.
        let now: Timestamp = "2024-07-01T15:05:00Z".parse().unwrap();
        let reading = Reading::Known {
            runs: Runs::from_view(now, &[]),
            hours: None,
        };
        let tomorrow = Facts {
            free: Some(FreeAt::At("2024-07-02T09:00:00Z".parse().unwrap())),
            out_until: None,
            outside_hours: true,
        };
        let india = hours("India Standard Time");
        let view = CalendarView {
            reading: &reading,
            stale: false,
            facts: tomorrow,
            hours: Some(&india),
        };
        let busy = CalendarLine::of(
            &view,
            &person("Busy"),
            now,
            &TimeZone::UTC,
            Symbols::Unicode,
        );
        assert_eq!(busy.when.as_deref(), Some("free Tue 09:00"));
        assert_eq!(busy.local.as_deref(), Some("20:35☾"), "India is 5:30 ahead");
        assert_eq!(
            busy.fitted(40, " · ").as_deref(),
            Some("free Tue 09:00 · 20:35☾")
        );
        assert_eq!(busy.fitted(15, " · ").as_deref(), Some("free Tue 09:00"));
        assert_eq!(busy.fitted(8, " · ").as_deref(), Some("20:35☾"));
        assert_eq!(busy.fitted(3, " · "), None);
        // An available card needs no "free at"; the same zone as yours needs no local time.
        let utc = hours("UTC");
        let same_zone = CalendarView {
            hours: Some(&utc),
            ..view
        };
        let available = CalendarLine::of(
            &same_zone,
            &person("Available"),
            now,
            &TimeZone::UTC,
            Symbols::Ascii,
        );
        assert_eq!((available.when, available.local), (None, None));
        // Out of office wins over free, on any card.
        let out = CalendarView {
            facts: Facts {
                out_until: Some("2024-07-04T00:00:00Z".parse().unwrap()),
                ..tomorrow
            },
            hours: Some(&india),
            ..view
        };
        let line = CalendarLine::of(
            &out,
            &person("Available"),
            now,
            &TimeZone::UTC,
            Symbols::Ascii,
        );
        assert_eq!(line.when.as_deref(), Some("out until Thu 00:00"));
        assert_eq!(line.local.as_deref(), Some("20:35~"));
    }
}
