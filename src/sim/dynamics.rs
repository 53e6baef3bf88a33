//! Presence that moves like a working day: a pure function of (seed, index, zone, sim time).
//!
//! Each person's day is a plan of non-overlapping segments (arrive, meetings, calls, presenting,
//! focus, lunch, away, be-right-back, leave) built from one hash, so any moment is O(plan) to
//! evaluate and the start of the current segment is known: that start is the change time the
//! sequence number is made from, so it only grows.

use super::ids::{Stream, hash};
use super::names::{OOF_REPLIES, PLACES, STATUS_MESSAGES};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    OffWork,
    Available,
    Meeting,
    Call,
    Presenting,
    Focus,
    Away,
    BeRightBack,
    OutOfOfficeAvailable,
}

impl State {
    /// The documented availability/activity pair; a few people's clients send the newer camelCase
    /// values (and "focusing"), which a reader must treat case-insensitively.
    pub(crate) fn pair(self, modern: bool) -> (&'static str, &'static str) {
        match (self, modern) {
            (Self::OffWork, false) => ("Offline", "OffWork"),
            (Self::OffWork, true) => ("offline", "offWork"),
            (Self::Available, false) => ("Available", "Available"),
            (Self::Available, true) => ("available", "available"),
            (Self::Meeting, false) => ("Busy", "InAMeeting"),
            (Self::Meeting, true) => ("busy", "inAMeeting"),
            (Self::Call, false) => ("Busy", "InACall"),
            (Self::Call, true) => ("busy", "inACall"),
            (Self::Presenting, false) => ("DoNotDisturb", "Presenting"),
            (Self::Presenting, true) => ("doNotDisturb", "presenting"),
            (Self::Focus, false) => ("DoNotDisturb", "DoNotDisturb"),
            (Self::Focus, true) => ("focusing", "focusing"),
            (Self::Away, false) => ("Away", "Away"),
            (Self::Away, true) => ("away", "away"),
            (Self::BeRightBack, false) => ("BeRightBack", "BeRightBack"),
            (Self::BeRightBack, true) => ("beRightBack", "beRightBack"),
            (Self::OutOfOfficeAvailable, false) => ("Available", "OutOfOffice"),
            (Self::OutOfOfficeAvailable, true) => ("available", "outOfOffice"),
        }
    }
}

/// A generated status message. `expires_ms` None means "never expires".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct GenStatus {
    pub text: &'static str,
    pub published_ms: i64,
    pub expires_ms: Option<i64>,
    /// Expiry written in UTC rather than the person's zone.
    pub utc: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct GenLocation {
    pub kind: &'static str,
    pub source: &'static str,
    pub place: Option<usize>,
}

/// Everything about a person's presence at one moment, before overrides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Base {
    pub state: State,
    pub modern: bool,
    /// When what is shown last changed (sim ms); the sequence number derives from it.
    pub changed_ms: i64,
    pub out_of_office: Option<&'static str>,
    pub status: Option<GenStatus>,
    pub location: Option<GenLocation>,
}

pub(super) const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
const MIN: i64 = 60;

/// Days as a person in a zone `offset_minutes` from UTC lives them: presence and calendars agree
/// on when a day, a weekday and a week begin.
#[derive(Clone, Copy)]
pub(super) struct Local {
    /// Seconds from UTC.
    off: i64,
}

impl Local {
    pub(super) fn new(offset_minutes: i32) -> Self {
        Self {
            off: i64::from(offset_minutes) * MIN,
        }
    }

    /// The local day (days since 1970-01-01) at sim time `t_ms`.
    pub(super) fn day(self, t_ms: i64) -> i64 {
        (t_ms.div_euclid(1000) + self.off).div_euclid(DAY)
    }

    /// When local `day` begins, in sim ms.
    pub(super) fn day_start_ms(self, day: i64) -> i64 {
        (day * DAY - self.off) * 1000
    }
}

/// 0 = Monday (1970-01-01 was a Thursday).
pub(super) fn weekday(day: i64) -> i64 {
    (day + 3).rem_euclid(7)
}

/// Weeks since the week of 1970-01-01, Monday to Sunday.
pub(super) fn week(day: i64) -> i64 {
    (day + 3).div_euclid(7)
}

pub(super) struct Plan {
    pub start: i64,
    pub end: i64,
    /// (start second of day, state), sorted; each lasts until the next.
    pub segments: Vec<(i64, State)>,
}

fn push(segments: &mut Vec<(i64, State)>, at: i64, state: State) {
    match segments.last() {
        Some((_, last)) if *last == state => {}
        _ => segments.push((at, state)),
    }
}

/// The working day of person `index` on local day `day` (days since 1970-01-01 in their zone).
pub(super) fn plan(seed: u64, index: u32, day: i64) -> Plan {
    let mut s = Stream::new(hash(&[seed, u64::from(index), day as u64, 0xDA]));
    let start = 7 * HOUR + s.below(36) as i64 * 5 * MIN;
    let end = start + 7 * HOUR + 30 * MIN + s.below(19) as i64 * 5 * MIN;
    let lunch = 12 * HOUR + s.below(7) as i64 * 10 * MIN;
    let lunch_end = lunch + 30 * MIN + s.below(4) as i64 * 10 * MIN;
    let mut segments = Vec::with_capacity(32);
    push(&mut segments, 0, State::OffWork);
    let mut at = start;
    while at < end {
        if at >= lunch && at < lunch_end {
            push(&mut segments, at, State::Away);
            at = lunch_end;
            continue;
        }
        let half_hour = (at + 30 * MIN - 1) / (30 * MIN) * (30 * MIN);
        let roll = s.below(100);
        let (state, len) = if roll < 40 && at % (30 * MIN) != 0 {
            // Meetings and presentations start on the half hour; until then, people are around.
            (State::Available, half_hour - at)
        } else {
            match roll {
                0..=33 => (State::Meeting, [30, 30, 45, 60][s.below(4) as usize] * MIN),
                34..=39 => (State::Presenting, [30, 60][s.below(2) as usize] * MIN),
                40..=49 => (State::Call, (10 + s.below(16) as i64) * MIN),
                50..=55 => (State::Focus, (60 + s.below(5) as i64 * 15) * MIN),
                56..=62 => (State::BeRightBack, (5 + s.below(6) as i64) * MIN),
                63..=70 => (State::Away, (10 + s.below(11) as i64) * MIN),
                _ => (State::Available, (15 + s.below(4) as i64 * 10) * MIN),
            }
        };
        push(&mut segments, at, state);
        let mut next = (at + len.max(MIN)).min(end);
        if at < lunch {
            next = next.min(lunch);
        }
        at = next;
    }
    push(&mut segments, end, State::OffWork);
    Plan {
        start,
        end,
        segments,
    }
}

fn location(seed: u64, index: u32, day: i64, ooo: bool) -> Option<GenLocation> {
    if hash(&[seed, u64::from(index), 0x10]).is_multiple_of(5) {
        return None; // this person's tenant never reports a work location
    }
    if ooo {
        return Some(GenLocation {
            kind: "timeOff",
            source: "scheduled",
            place: None,
        });
    }
    let mut s = Stream::new(hash(&[seed, u64::from(index), day as u64, 0x1C]));
    let home_place = (hash(&[seed, u64::from(index), 0x11]) % PLACES.len() as u64) as usize;
    Some(match s.below(100) {
        0..=44 => GenLocation {
            kind: "office",
            source: ["automatic", "automatic", "manual", "scheduled"][s.below(4) as usize],
            place: Some(home_place),
        },
        45..=89 => GenLocation {
            kind: "remote",
            source: ["scheduled", "manual"][s.below(2) as usize],
            place: None,
        },
        _ => GenLocation {
            kind: "unspecified",
            source: "none",
            place: None,
        },
    })
}

/// Whether person `index` is on leave all of week `week` (weeks since the Monday before 1970-01-01).
pub(super) fn on_leave(seed: u64, index: u32, week: i64) -> bool {
    hash(&[seed, u64::from(index), week as u64, 0x00F]) % 100 < 6
}

/// A person's presence at sim time `t_ms` (Unix ms), in their zone (`offset_minutes` from UTC).
pub(crate) fn base(seed: u64, index: u32, offset_minutes: i32, t_ms: i64) -> Base {
    let zone = Local::new(offset_minutes);
    let day = zone.day(t_ms);
    let day_start_ms = zone.day_start_ms(day);
    let sod = (t_ms - day_start_ms).div_euclid(1000);
    let at = |second: i64| day_start_ms + second * 1000;
    let weekday = weekday(day);
    let week = week(day);
    let idx = u64::from(index);
    let modern = hash(&[seed, idx, 0x30]).is_multiple_of(8);
    let week_hash = hash(&[seed, idx, week as u64, 0x00F]);
    let ooo = on_leave(seed, index, week);
    let week_start_ms = at(-weekday * DAY);

    let mut base = Base {
        state: State::OffWork,
        modern,
        changed_ms: day_start_ms,
        out_of_office: ooo.then(|| OOF_REPLIES[(week_hash >> 8) as usize % OOF_REPLIES.len()]),
        status: None,
        location: if weekday < 5 {
            location(seed, index, day, ooo)
        } else {
            None
        },
    };
    // A few people keep one never-expiring message all week.
    let weekly = hash(&[seed, idx, week as u64, 0x58]);
    if weekly % 100 < 12 {
        base.status = Some(GenStatus {
            text: STATUS_MESSAGES[(weekly >> 8) as usize % STATUS_MESSAGES.len()],
            published_ms: week_start_ms,
            expires_ms: None,
            utc: true,
        });
    }
    if weekday >= 5 {
        return base;
    }
    if ooo {
        // On leave, but some check mail for a while in the morning.
        let window = (10 * HOUR, 10 * HOUR + 45 * MIN);
        if hash(&[seed, idx, day as u64, 0xC4]).is_multiple_of(3) && sod >= window.0 {
            let inside = sod < window.1;
            if inside {
                base.state = State::OutOfOfficeAvailable;
            }
            base.changed_ms = at(if inside { window.0 } else { window.1 });
        }
        return base;
    }
    let plan = plan(seed, index, day);
    let (start, state) = plan
        .segments
        .iter()
        .rev()
        .find(|(start, _)| *start <= sod)
        .copied()
        .unwrap_or((0, State::OffWork));
    base.state = state;
    base.changed_ms = at(start);
    let daily = hash(&[seed, idx, day as u64, 0x57]);
    if daily % 100 < 35 && sod >= plan.start && sod < plan.end {
        base.status = Some(GenStatus {
            text: STATUS_MESSAGES[(daily >> 8) as usize % STATUS_MESSAGES.len()],
            published_ms: at(plan.start),
            expires_ms: Some(at(plan.end)),
            utc: (daily >> 20).is_multiple_of(4),
        });
    }
    base
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2025-03-04 (a Tuesday) 00:00 UTC.
    const TUESDAY: i64 = 1_741_046_400_000;

    #[test]
    fn a_workday_moves_and_nights_and_weekends_are_offline() {
        let mut changes = 0;
        let mut last = base(1, 5, 0, TUESDAY);
        assert_eq!(last.state, State::OffWork);
        for minute in (0..24 * 60).step_by(5) {
            let now = base(1, 5, 0, TUESDAY + minute * 60_000);
            assert!(
                now.changed_ms >= last.changed_ms,
                "change time went back at {minute}"
            );
            assert!(now.changed_ms <= TUESDAY + minute * 60_000);
            if now.state != last.state {
                changes += 1;
            }
            last = now;
        }
        assert!(changes >= 6, "only {changes} changes in a day");
        let saturday = TUESDAY + 4 * DAY * 1000 + 12 * HOUR * 1000;
        assert_eq!(base(1, 5, 0, saturday).state, State::OffWork);
    }

    #[test]
    fn the_same_inputs_give_the_same_presence() {
        for i in 0..50 {
            assert_eq!(
                base(9, i, 60, TUESDAY + 11 * HOUR * 1000),
                base(9, i, 60, TUESDAY + 11 * HOUR * 1000)
            );
        }
    }
}
