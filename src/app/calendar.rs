//! Calendars (opt-in, `[calendar] enabled`): whose free/busy to read and when (`refresh`), what came
//! back, and the facts cards, filter and sort read — next free slot, out of office until, outside
//! working hours — derived when schedules arrive and again when the clock enters a new slot, never
//! per frame or per keystroke.

mod drive;
pub use self::drive::{keeps, soon_of};
pub mod free;
pub mod refresh;

use std::time::{Duration, Instant};

use jiff::Timestamp;
use jiff::tz::TimeZone;

use self::free::{FreeAt, Hours, Runs, slot_of, slot_start};
use self::refresh::{Read, Refresh};
use super::msg::{FailureKind, Now, PollFailure};
use crate::config::CalendarConfig;
use crate::graph::model::{IdMap, User, UserId};
use crate::graph::schedule::{SLOT_MINS, ScheduleAnswer, Unavailable, Window, WorkingHours};
use crate::text::SafeText;

/// Days a read covers from your local midnight: today, and far enough for the next working day
/// after a long weekend, in any zone.
const WINDOW_DAYS: i64 = 5;

/// What the core asks the loop to read: these people (id and mail), for this window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleAsk {
    pub window: Window,
    pub people: Vec<(UserId, String)>,
    /// A read of everyone (else an early read of a few).
    pub all: bool,
}

/// What came back: an answer per person Graph answered for, and how the read ended when it did
/// not finish (the people it did not reach keep their last schedule, marked stale).
#[derive(Clone, Debug)]
pub struct ScheduleOutcome {
    pub ask: ScheduleAsk,
    pub answers: Vec<(UserId, ScheduleAnswer)>,
    pub failure: Option<PollFailure>,
}

/// One person's calendar as last read.
#[derive(Clone, Debug, PartialEq)]
pub enum Reading {
    Known {
        runs: Runs,
        /// Index into the shared working hours (`None`: Graph gave none).
        hours: Option<u16>,
    },
    /// The calendar is not shared with you.
    NotShared,
    NotFound,
    /// Graph's words (sanitized).
    Failed(SafeText),
}

/// The facts derived for the current slot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    pub free: Option<FreeAt>,
    pub out_until: Option<Timestamp>,
    /// Known to be outside their working hours (or on a day off) now.
    pub outside_hours: bool,
}

#[derive(Clone, Debug)]
struct Entry {
    reading: Reading,
    /// The last read that should have brought this person failed.
    stale: bool,
    facts: Facts,
}

/// What the UI reads about one person's calendar.
#[derive(Clone, Copy)]
pub struct CalendarView<'a> {
    pub reading: &'a Reading,
    pub stale: bool,
    pub facts: Facts,
    pub hours: Option<&'a WorkingHours>,
}

impl<'a> CalendarView<'a> {
    /// Their working hours' zone, when known.
    pub fn zone(&self) -> Option<&'a TimeZone> {
        self.hours?.zone.as_ref()
    }

    /// The slot kind at `at` (`Unknown` when not read).
    pub fn slot_at(&self, at: Timestamp) -> crate::graph::schedule::Slot {
        match self.reading {
            Reading::Known { runs, .. } => runs.at(slot_of(at)),
            _ => crate::graph::schedule::Slot::Unknown,
        }
    }
}

#[derive(Debug)]
pub struct Calendars {
    enabled: bool,
    min_slots: i64,
    refresh: Refresh,
    book: IdMap<Entry>,
    /// Distinct working hours, shared by everyone who has them (a team has few), with their slot
    /// ranges over `hours_from`..`hours_to`.
    hours: Vec<(WorkingHours, Hours)>,
    hours_span: Option<(Timestamp, Timestamp)>,
    /// The slot the facts were derived for.
    facts_slot: Option<i64>,
    /// The read in flight, to know what its answer covers.
    asked: Option<bool>,
    /// The last read's failure, for the details view.
    trouble: Option<SafeText>,
}

impl Calendars {
    pub fn new(config: &CalendarConfig) -> Self {
        Self {
            enabled: config.enabled,
            min_slots: (i64::from(config.min_free_mins) + SLOT_MINS - 1) / SLOT_MINS,
            refresh: Refresh::new(config.refresh),
            book: IdMap::default(),
            hours: Vec::new(),
            hours_span: None,
            facts_slot: None,
            asked: None,
            trouble: None,
        }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// A read finished with this problem (throttled, failed); cleared by the next good read.
    pub fn trouble(&self) -> Option<&SafeText> {
        self.trouble.as_ref()
    }

    /// Someone's presence moved into or out of a meeting: their calendar is read early.
    pub fn presence_moved(&mut self, id: &UserId) {
        if self.enabled {
            self.refresh.changed(id);
        }
    }

    /// The read due now, if any, for these people (`mail` finds each one's address).
    pub fn ask<'u>(
        &mut self,
        now: Now,
        tz: &TimeZone,
        everyone: impl Iterator<Item = &'u User>,
    ) -> Option<ScheduleAsk> {
        if !self.enabled {
            return None;
        }
        let mut everyone = everyone.peekable();
        everyone.peek()?;
        self.refresh.start(now.instant);
        let read = self.refresh.due(now.instant)?;
        let window = window(now.utc, tz);
        let people: Vec<(UserId, String)> = match &read {
            Read::All => everyone.filter_map(address).collect(),
            Read::Early(ids) => everyone
                .filter(|u| ids.contains(&u.id))
                .filter_map(address)
                .collect(),
        };
        let all = read == Read::All;
        if people.is_empty() {
            // Nobody with an address: nothing to send, but the schedule moves on.
            self.refresh.succeeded(now.instant, all);
            return None;
        }
        self.asked = Some(all);
        Some(ScheduleAsk {
            window,
            people,
            all,
        })
    }

    /// A read came back. Returns whether anything a card, the filter or the sort reads changed.
    pub fn answered(&mut self, outcome: ScheduleOutcome, now: Now) -> bool {
        self.asked = None;
        let ScheduleOutcome {
            ask,
            answers,
            failure,
        } = outcome;
        let mut changed = false;
        let mut answered: std::collections::HashSet<UserId, crate::graph::model::IdHasher> =
            std::collections::HashSet::default();
        for (id, answer) in answers {
            let reading = match answer {
                Ok(schedule) => Reading::Known {
                    runs: Runs::from_view(ask.window.start, &schedule.slots),
                    hours: schedule.working_hours.and_then(|h| self.intern(h)),
                },
                Err(Unavailable::NotShared) => Reading::NotShared,
                Err(Unavailable::NotFound) => Reading::NotFound,
                Err(Unavailable::Other(message)) => Reading::Failed(SafeText::line(&message)),
            };
            answered.insert(id.clone());
            let entry = Entry {
                reading,
                stale: false,
                facts: Facts::default(),
            };
            match self.book.get_mut(&id) {
                Some(old) if old.reading == entry.reading && !old.stale => {}
                Some(old) => {
                    *old = entry;
                    changed = true;
                }
                None => {
                    self.book.insert(id, entry);
                    changed = true;
                }
            }
        }
        // Asked, not answered: the last schedule stays, marked stale.
        for (id, _) in &ask.people {
            if !answered.contains(id)
                && let Some(entry) = self.book.get_mut(id)
                && !entry.stale
            {
                entry.stale = true;
                changed = true;
            }
        }
        match failure {
            None => {
                self.refresh.succeeded(now.instant, ask.all);
                changed |= self.trouble.take().is_some();
            }
            Some(f) => {
                match f.kind {
                    FailureKind::Throttled { retry_after } => {
                        self.refresh.throttled(now.instant, retry_after, ask.all);
                    }
                    FailureKind::SignedOut | FailureKind::Failed => {
                        self.refresh.failed(now.instant, ask.all);
                    }
                }
                self.trouble = Some(f.message);
                changed = true;
            }
        }
        self.facts_slot = None;
        changed | self.derive(now.utc, &ask.window)
    }

    /// The clock moved: facts are derived again when it entered a new slot. Returns whether any
    /// changed.
    pub fn tick(&mut self, now: Now, tz: &TimeZone) -> bool {
        if !self.enabled || self.book.is_empty() || self.facts_slot == Some(slot_of(now.utc)) {
            return false;
        }
        self.derive(now.utc, &window(now.utc, tz))
    }

    /// When the core must next look: a read coming due, or the next slot's facts.
    pub fn next_deadline(&self, now: Now) -> Option<Instant> {
        if !self.enabled {
            return None;
        }
        let facts = (!self.book.is_empty()).then(|| {
            let next = slot_start(slot_of(now.utc) + 1);
            let wait = now.utc.duration_until(next).unsigned_abs();
            now.instant + wait + Duration::from_millis(20)
        });
        [self.refresh.next_deadline(now.instant), facts]
            .into_iter()
            .flatten()
            .min()
    }

    pub fn view(&self, id: &UserId) -> Option<CalendarView<'_>> {
        if !self.enabled {
            return None;
        }
        let entry = self.book.get(id)?;
        let hours = match &entry.reading {
            Reading::Known { hours: Some(i), .. } => self.hours.get(usize::from(*i)).map(|h| &h.0),
            _ => None,
        };
        Some(CalendarView {
            reading: &entry.reading,
            stale: entry.stale,
            facts: entry.facts,
            hours,
        })
    }

    /// Facts only (filter and sort: no borrow of the rest).
    pub fn facts(&self, id: &UserId) -> Option<Facts> {
        self.book.get(id).map(|e| e.facts)
    }

    /// People whose calendars are held (memory measurements, tests).
    pub fn len(&self) -> usize {
        self.book.len()
    }

    pub fn is_empty(&self) -> bool {
        self.book.is_empty()
    }

    fn intern(&mut self, hours: WorkingHours) -> Option<u16> {
        if let Some(i) = self.hours.iter().position(|(h, _)| *h == hours) {
            return u16::try_from(i).ok();
        }
        let i = u16::try_from(self.hours.len()).ok()?;
        let ranges = match self.hours_span {
            Some((from, to)) => Hours::of(&hours, from, to),
            None => Hours::always(),
        };
        self.hours.push((hours, ranges));
        Some(i)
    }

    /// Facts for everyone at `now`; working-hour ranges follow `window`.
    fn derive(&mut self, now: Timestamp, window: &Window) -> bool {
        let span = (window.start, window.end);
        if self.hours_span != Some(span) {
            self.hours_span = Some(span);
            for (h, ranges) in &mut self.hours {
                *ranges = Hours::of(h, span.0, span.1);
            }
        }
        let slot = slot_of(now);
        self.facts_slot = Some(slot);
        let always = Hours::always();
        let mut changed = false;
        for entry in self.book.values_mut() {
            let facts = match &entry.reading {
                Reading::Known { runs, hours } => {
                    let ranges = hours
                        .and_then(|i| self.hours.get(usize::from(i)))
                        .map(|(_, r)| r);
                    Facts {
                        free: free::next_free(runs, ranges.unwrap_or(&always), now, self.min_slots),
                        out_until: free::out_until(runs, now),
                        outside_hours: ranges.is_some_and(|r| !r.contains(slot)),
                    }
                }
                _ => Facts::default(),
            };
            if entry.facts != facts {
                entry.facts = facts;
                changed = true;
            }
        }
        changed
    }
}

/// The address to ask for: the mail, else the UPN.
fn address(user: &User) -> Option<(UserId, String)> {
    let mail = user
        .mail
        .as_deref()
        .or(user.user_principal_name.as_deref())
        .map(str::trim)
        .filter(|m| !m.is_empty())?;
    Some((user.id.clone(), mail.to_owned()))
}

/// From your local midnight today for `WINDOW_DAYS`, on slot boundaries.
pub fn window(now: Timestamp, tz: &TimeZone) -> Window {
    let midnight = now
        .to_zoned(tz.clone())
        .start_of_day()
        .map_or(now, |z| z.timestamp());
    let start = slot_start(slot_of(midnight));
    let end = start
        .checked_add(jiff::SignedDuration::from_hours(24 * WINDOW_DAYS))
        .unwrap_or(start);
    Window { start, end }
}

/// Presence says they are in a meeting (or presenting, or in a conference call).
pub fn in_meeting(presence: Option<&crate::graph::model::Presence>) -> bool {
    use crate::graph::model::{ActivityKind, AvailabilityKind};
    presence.is_some_and(|p| {
        matches!(
            p.activity.kind(),
            ActivityKind::InAMeeting | ActivityKind::Presenting | ActivityKind::InAConferenceCall
        ) || matches!(
            p.availability.kind(),
            AvailabilityKind::InAMeeting | AvailabilityKind::Presenting
        )
    })
}

#[cfg(test)]
mod tests;
