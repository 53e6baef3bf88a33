//! The pure rules of a calendar: free/busy kept as runs of slots, working hours as slot ranges,
//! the next free slot, being outside working hours, and how long an out-of-office lasts. Slots are
//! counted from the Unix epoch in `SLOT_MINS` steps, so answers for different windows line up.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

use crate::graph::schedule::{SLOT_MINS, Slot, WorkingHours};

const SLOT_SECS: i64 = SLOT_MINS * 60;

/// The slot `at` falls in.
pub fn slot_of(at: Timestamp) -> i64 {
    at.as_second().div_euclid(SLOT_SECS)
}

/// When slot `n` starts.
pub fn slot_start(n: i64) -> Timestamp {
    Timestamp::from_second(n.saturating_mul(SLOT_SECS)).unwrap_or(Timestamp::MAX)
}

/// A schedule as runs: each run starts at a slot and lasts until the next one; the last lasts until
/// `end`. A run is two bytes (its offset from `base` and its kind), a handful of runs a day: at
/// 10,000 people a five-day window costs about 1.5 MB.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Runs {
    base: u32,
    packed: Box<[u16]>,
    /// Slots read, from `base`.
    end: u16,
}

/// Bits of a run that hold its kind; the offset sits above them.
const KIND_BITS: u16 = 3;
/// The most slots a schedule keeps: 85 days of 15-minute slots, more than Graph's 62-day window.
const MOST_SLOTS: usize = (1 << (16 - KIND_BITS)) - 1;

fn kind_code(slot: Slot) -> u16 {
    match slot {
        Slot::Free => 0,
        Slot::WorkingElsewhere => 1,
        Slot::Tentative => 2,
        Slot::Busy => 3,
        Slot::OutOfOffice => 4,
        Slot::Unknown => 5,
    }
}

fn kind_of(run: u16) -> Slot {
    match run & ((1 << KIND_BITS) - 1) {
        0 => Slot::Free,
        1 => Slot::WorkingElsewhere,
        2 => Slot::Tentative,
        3 => Slot::Busy,
        4 => Slot::OutOfOffice,
        _ => Slot::Unknown,
    }
}

impl Runs {
    /// From an availability view whose first slot starts at `start` (a slot boundary).
    pub fn from_view(start: Timestamp, view: &[Slot]) -> Self {
        let base = u32::try_from(slot_of(start)).unwrap_or(0);
        let view = &view[..view.len().min(MOST_SLOTS)];
        let mut runs: Vec<u16> = Vec::new();
        let mut last = None;
        for (offset, &slot) in view.iter().enumerate() {
            if last != Some(slot) {
                let offset = u16::try_from(offset).unwrap_or(u16::MAX >> KIND_BITS);
                runs.push((offset << KIND_BITS) | kind_code(slot));
                last = Some(slot);
            }
        }
        Self {
            base,
            packed: runs.into_boxed_slice(),
            end: u16::try_from(view.len()).unwrap_or(0),
        }
    }

    /// The slot at `n` (`Unknown` outside what was read).
    pub fn at(&self, n: i64) -> Slot {
        self.spans()
            .find(|(a, b, _)| (*a..*b).contains(&n))
            .map_or(Slot::Unknown, |(_, _, slot)| slot)
    }

    /// Runs as (first slot, end slot, kind).
    fn spans(&self) -> impl Iterator<Item = (i64, i64, Slot)> + '_ {
        let base = i64::from(self.base);
        let start = move |run: u16| base + i64::from(run >> KIND_BITS);
        self.packed.iter().enumerate().map(move |(i, run)| {
            let end = self
                .packed
                .get(i + 1)
                .map_or(base + i64::from(self.end), |next| start(*next));
            (start(*run), end, kind_of(*run))
        })
    }

    /// The end of the run holding slot `from` (adjacent runs always differ in kind), when it ends
    /// within what was read.
    fn end_of_run(&self, from: i64) -> Option<i64> {
        let end = i64::from(self.base) + i64::from(self.end);
        self.spans()
            .find(|(a, b, _)| (*a..*b).contains(&from))
            .map(|(_, b, _)| b)
            .filter(|b| *b < end)
    }
}

/// Where someone works, as slot ranges (whole slots inside their hours) over a span of days.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hours {
    ranges: Vec<(i64, i64)>,
}

impl Hours {
    /// Every slot counts (no working hours known).
    pub fn always() -> Self {
        Self {
            ranges: vec![(i64::MIN, i64::MAX)],
        }
    }

    /// The working ranges of `hours` on each of their local days from a day before `from` to a day
    /// after `to`. Hours in a zone that could not be read say nothing: `always`.
    pub fn of(hours: &WorkingHours, from: Timestamp, to: Timestamp) -> Self {
        let Some(zone) = &hours.zone else {
            return Self::always();
        };
        let mut ranges = Vec::new();
        let first = from.to_zoned(zone.clone()).date().yesterday().ok();
        let last = to.to_zoned(zone.clone()).date().tomorrow().ok();
        let (Some(mut day), Some(last)) = (first, last) else {
            return Self::always();
        };
        let overnight = hours.end_secs <= hours.start_secs;
        while day <= last {
            let weekday = day.weekday().to_sunday_zero_offset();
            if hours.days & (1 << weekday) != 0 {
                let start = at_local(zone, day, hours.start_secs);
                let end_day = if overnight {
                    day.tomorrow().ok()
                } else {
                    Some(day)
                };
                let end = end_day.and_then(|d| at_local(zone, d, hours.end_secs));
                if let (Some(start), Some(end)) = (start, end) {
                    // Whole slots only: a start inside a slot counts from the next one.
                    let a = slot_of(start) + i64::from(start.as_second() % SLOT_SECS != 0);
                    let b = slot_of(end);
                    if b > a {
                        ranges.push((a, b));
                    }
                }
            }
            let Ok(next) = day.tomorrow() else { break };
            day = next;
        }
        Self { ranges }
    }

    /// Whether slot `n` lies inside working hours.
    pub fn contains(&self, n: i64) -> bool {
        self.ranges.iter().any(|(a, b)| (*a..*b).contains(&n))
    }
}

/// `secs` after local midnight of `day` in `zone` (24:00 is the next midnight); a time a DST change
/// skips resolves later, a repeated one earlier.
fn at_local(zone: &TimeZone, day: jiff::civil::Date, secs: u32) -> Option<Timestamp> {
    let midnight = day.to_datetime(jiff::civil::Time::midnight());
    let civil = midnight.checked_add(i64::from(secs).seconds()).ok()?;
    zone.to_ambiguous_timestamp(civil).compatible().ok()
}

/// When someone is next reachable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FreeAt {
    /// The current slot starts a free stretch long enough.
    Now,
    At(Timestamp),
}

/// The start of the first free stretch of at least `min_slots` whole slots inside working hours,
/// from the slot `now` falls in. Tentative counts as taken (they may well go). `None` when there
/// is none before the end of what was read.
pub fn next_free(runs: &Runs, hours: &Hours, now: Timestamp, min_slots: i64) -> Option<FreeAt> {
    let here = slot_of(now);
    let min_slots = min_slots.max(1);
    let fits = |a: i64, b: i64| -> Option<i64> {
        hours.ranges.iter().find_map(|(s, e)| {
            let (lo, hi) = (a.max(*s), b.min(*e));
            (hi - lo >= min_slots).then_some(lo)
        })
    };
    // Free stretches (adjacent free kinds merged), clipped to start no earlier than now.
    let mut stretch: Option<(i64, i64)> = None;
    let mut found = None;
    for (a, b, slot) in runs.spans().filter(|(_, b, _)| *b > here) {
        let a = a.max(here);
        if slot.is_free() {
            stretch = Some(stretch.map_or((a, b), |(s, _)| (s, b)));
            continue;
        }
        if let Some((s, e)) = stretch.take() {
            found = fits(s, e);
            if found.is_some() {
                break;
            }
        }
    }
    if found.is_none()
        && let Some((s, e)) = stretch
    {
        found = fits(s, e);
    }
    found.map(|n| {
        if n == here {
            FreeAt::Now
        } else {
            FreeAt::At(slot_start(n))
        }
    })
}

/// Until when the out-of-office `now` falls in lasts, when the calendar says (it ends within what
/// was read). `None` when the current slot is not out of office.
pub fn out_until(runs: &Runs, now: Timestamp) -> Option<Timestamp> {
    let here = slot_of(now);
    if runs.at(here) != Slot::OutOfOffice {
        return None;
    }
    runs.end_of_run(here).map(slot_start)
}

/// Someone's local time is worth showing: their zone's offset differs from yours now.
pub fn differs(theirs: &TimeZone, yours: &TimeZone, now: Timestamp) -> bool {
    theirs.to_offset(now) != yours.to_offset(now)
}

/// Minutes from `now` until `at` (0 when past).
pub fn minutes_until(now: Timestamp, at: Timestamp) -> i64 {
    now.duration_until(at).max(SignedDuration::ZERO).as_mins()
}

#[cfg(test)]
mod tests;
