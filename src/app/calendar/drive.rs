//! How the core drives calendars: asking for reads, taking answers, the facts' own deadline, the
//! minute local times tick on, and the calendar facets and sort applied to the board.

use std::time::{Duration, Instant};

use super::free::FreeAt;
use super::{CalendarView, Calendars, ScheduleOutcome};
use crate::app::effect::Effect;
use crate::app::filter::CalendarFacet;
use crate::app::person::Person;
use crate::app::sort::Soon;
use crate::app::state::App;
use crate::config::SortOrder;
use crate::graph::model::Status;

/// Wake a little after a minute boundary, so the wall clock has surely passed it.
const MARGIN: Duration = Duration::from_millis(20);

impl App {
    pub(in crate::app) fn on_schedules(&mut self, outcome: ScheduleOutcome) {
        if self.calendar.answered(outcome, self.now) && self.calendar_orders() {
            self.rearrange();
        }
    }

    /// After every message: facts for a new slot, and the read that is due, if any.
    pub(in crate::app) fn calendar_step(&mut self, effects: &mut Vec<Effect>) {
        // Before the first frame (a cache load) nothing is asked: the request would wait for the
        // loop anyway, and building it for 10,000 people would delay the frame.
        if !self.calendar.enabled() || self.team.is_loading() {
            return;
        }
        if self.calendar.tick(self.now, &self.options.tz) && self.calendar_orders() {
            self.rearrange();
        }
        let Some(roster) = self.team.profiles() else {
            return;
        };
        if let Some(ask) = self
            .calendar
            .ask(self.now, &self.options.tz, roster.everyone())
        {
            effects.push(Effect::ReadSchedules(Box::new(ask)));
        }
    }

    /// The sort or the filter reads calendar facts.
    fn calendar_orders(&self) -> bool {
        self.options.sort == SortOrder::Free || self.filter.query.calendar_terms().next().is_some()
    }

    /// A calendar read coming due, new facts at the next slot, or — while a card on screen shows
    /// someone's local time — the next minute.
    pub(in crate::app) fn calendar_deadline(&self) -> Option<Instant> {
        if !self.calendar.enabled() {
            return None;
        }
        let now = self.now;
        let (people, visible) = (self.team.people(), self.view.visible());
        let ticking = self.view.geometry().on_screen().any(|n| {
            self.calendar_view(&people[visible[n]].id)
                .and_then(|v| v.zone())
                .is_some_and(|zone| super::free::differs(zone, &self.options.tz, now.utc))
        });
        let minute = ticking.then(|| {
            let into = now.utc.as_millisecond().rem_euclid(60_000);
            let wait = Duration::from_millis(u64::try_from(60_000 - into).unwrap_or(60_000));
            now.instant + wait + MARGIN
        });
        [self.calendar.next_deadline(now), minute]
            .into_iter()
            .flatten()
            .min()
    }

    /// The query's calendar facets, with calendars on (off, the prompt says how to turn them on
    /// and they filter nothing).
    pub(in crate::app) fn calendar_terms(&self) -> Vec<(bool, CalendarFacet)> {
        if !self.calendar.enabled() {
            return Vec::new();
        }
        self.filter.query.calendar_terms().collect()
    }

    pub fn calendar(&self) -> &Calendars {
        &self.calendar
    }

    /// Someone's calendar, when calendars are on and it has been read.
    pub fn calendar_view(&self, id: &crate::graph::model::UserId) -> Option<CalendarView<'_>> {
        self.calendar.view(id)
    }
}

/// Whether every one of `terms` (negated or not) holds for `person` now.
pub fn keeps(
    calendar: &Calendars,
    person: &Person,
    terms: &[(bool, CalendarFacet)],
    now: jiff::Timestamp,
) -> bool {
    terms
        .iter()
        .all(|(negated, facet)| accepts(calendar, person, *facet, now) != *negated)
}

/// Whether `facet` holds for `person` now.
fn accepts(
    calendar: &Calendars,
    person: &Person,
    facet: CalendarFacet,
    now: jiff::Timestamp,
) -> bool {
    let facts = calendar.facts(&person.id).unwrap_or_default();
    match facet {
        CalendarFacet::OutsideHours => facts.outside_hours,
        CalendarFacet::FreeWithin(mins) => {
            person.status == Status::Available
                || match facts.free {
                    Some(FreeAt::Now) => true,
                    Some(FreeAt::At(at)) => super::free::minutes_until(now, at) <= i64::from(mins),
                    None => false,
                }
        }
    }
}

/// 0 for available now (or free now by the calendar), then minutes until free; unknown last.
pub fn soon_of(calendar: &Calendars, person: &Person, now: jiff::Timestamp) -> Soon {
    if person.status == Status::Available {
        return 0;
    }
    match calendar.facts(&person.id).and_then(|f| f.free) {
        Some(FreeAt::Now) => 1,
        Some(FreeAt::At(at)) => 2 + super::free::minutes_until(now, at).unsigned_abs(),
        None => Soon::MAX,
    }
}
