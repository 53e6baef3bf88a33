//! When a change to your own presence or status message ends, as people write it: a length of time
//! (`90m`, `2h`, `1h30m`, `for 2h`) or a moment (`17:30`, `5pm`, `until 17:00`, `tomorrow 09:00`,
//! `2026-12-01 09:00`). One parser for the board's prompts and `teamboard set`, so both read the
//! same words the same way. A time of day already past today means tomorrow; the answer says which
//! day it chose. Local times come from the zone handed in (the user's), so daylight-saving changes
//! fall where the wall clock says: a time the clock skips is read as the same time after the jump.

use std::fmt::{self, Write as _};
use std::time::Duration;

use jiff::civil::{Date, DateTime, Time};
use jiff::{SignedDuration, Timestamp, Zoned};

/// The longest change accepted, so nobody sets "busy for 9999d" by a slip of the keyboard.
pub const LONGEST: Duration = Duration::from_secs(365 * 86_400);

/// A moment a change ends, with the words that say it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ends {
    pub at: Timestamp,
    /// The wall-clock time at `at` in the user's zone.
    pub time: Time,
    pub day: Day,
}

/// Which day a moment falls on, seen from now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Day {
    Today,
    Tomorrow,
    On(Date),
}

impl Ends {
    fn at(at: &Zoned, now: &Zoned) -> Self {
        let date = at.date();
        let day = if date == now.date() {
            Day::Today
        } else if now.date().tomorrow().ok() == Some(date) {
            Day::Tomorrow
        } else {
            Day::On(date)
        };
        Self {
            at: at.timestamp(),
            time: at.time(),
            day,
        }
    }

    /// A moment Graph reported, in the user's words ("17:30 today").
    pub fn from_timestamp(at: Timestamp, tz: &jiff::tz::TimeZone, now: Timestamp) -> Ends {
        Ends::at(&at.to_zoned(tz.clone()), &now.to_zoned(tz.clone()))
    }

    /// How long from `now` until this moment (zero when it has passed).
    pub fn left(&self, now: Timestamp) -> Duration {
        Duration::try_from(self.at.duration_since(now)).unwrap_or(Duration::ZERO)
    }
}

/// "17:30 today", "09:00 tomorrow", "09:00 on Wed 2 Dec".
impl fmt::Display for Ends {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02} ", self.time.hour(), self.time.minute())?;
        match self.day {
            Day::Today => f.write_str("today"),
            Day::Tomorrow => f.write_str("tomorrow"),
            Day::On(date) => write!(f, "on {}", date.strftime("%a %-d %b")),
        }
    }
}

/// Words that could not be read as a length of time or a moment; says what would be.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ExpiryError(String);

const FOR_EXAMPLES: &str = "write a length of time like 30m, 90m, 2h or 1h30m";
const UNTIL_EXAMPLES: &str = "write a time like 17:30, 5pm, tomorrow 09:00 or 2026-12-01 09:00";

/// A length of time (`--for`): `30m`, `90 min`, `2h`, `1h30m`, `1d`. Ends that long after `now`.
pub fn parse_for(text: &str, now: &Zoned) -> Result<Ends, ExpiryError> {
    let length = parse_length(text)?;
    let span = SignedDuration::try_from(length).map_err(|_| too_long())?;
    let at = now.checked_add(span).map_err(|_| too_long())?;
    Ok(Ends::at(&at, now))
}

/// A moment (`--until`): `17:30`, `5pm`, `5:30pm`, `today 17:30`, `tomorrow 09:00`,
/// `2026-12-01 09:00`. A bare time already past today means tomorrow.
pub fn parse_until(text: &str, now: &Zoned) -> Result<Ends, ExpiryError> {
    let words = text.trim().to_ascii_lowercase();
    let unreadable = || {
        ExpiryError(format!(
            "cannot read \"{}\" as a time: {UNTIL_EXAMPLES}",
            crate::text::SafeText::line(text.trim())
        ))
    };
    if words.is_empty() {
        return Err(ExpiryError(format!("no time given: {UNTIL_EXAMPLES}")));
    }
    let today = now.date();
    let (day, clock) = match words.split_once(char::is_whitespace) {
        Some(("today", rest)) => (Some(today), rest.trim()),
        Some(("tomorrow", rest)) => (Some(today.tomorrow().map_err(|_| too_long())?), rest.trim()),
        _ if words == "tomorrow" || words == "today" => {
            return Err(ExpiryError(format!(
                "say when {words}: for example `{words} 09:00`"
            )));
        }
        _ => match words.split_once([' ', 'T', 't']) {
            Some((date, rest)) if date.contains('-') => (
                Some(date.parse::<Date>().map_err(|_| unreadable())?),
                rest.trim(),
            ),
            _ => (None, words.as_str()),
        },
    };
    let time = parse_clock(clock).ok_or_else(unreadable)?;
    let on = |date: Date| {
        DateTime::from_parts(date, time)
            .to_zoned(now.time_zone().clone())
            .map_err(|_| unreadable())
    };
    let at = if let Some(date) = day {
        let at = on(date)?;
        if at.timestamp() <= now.timestamp() {
            return Err(ExpiryError(format!(
                "{} has already passed; give a time still to come",
                Ends::at(&at, now)
            )));
        }
        at
    } else {
        let at = on(today)?;
        if at.timestamp() > now.timestamp() {
            at
        } else {
            on(today.tomorrow().map_err(|_| too_long())?)?
        }
    };
    let ends = Ends::at(&at, now);
    if ends.left(now.timestamp()) > LONGEST {
        return Err(too_long());
    }
    Ok(ends)
}

/// What a prompt holds: empty (no end), `for 2h`, `until 17:00`, or either without its word
/// (`2h`, `17:00`, `tomorrow 09:00`).
pub fn parse_phrase(text: &str, now: &Zoned) -> Result<Option<Ends>, ExpiryError> {
    let words = text.trim();
    if words.is_empty() {
        return Ok(None);
    }
    let lower = words.to_ascii_lowercase();
    for word in ["for ", "until ", "till "] {
        if lower.starts_with(word) {
            let rest = &words[word.len()..];
            return if word == "for " {
                parse_for(rest, now)
            } else {
                parse_until(rest, now)
            }
            .map(Some);
        }
    }
    match parse_length(words) {
        Ok(_) => parse_for(words, now).map(Some),
        Err(_) => parse_until(words, now).map(Some).map_err(|_| {
            ExpiryError(format!(
                "cannot read \"{}\": write for 2h, until 17:00 or tomorrow 09:00 (or leave it empty)",
                crate::text::SafeText::line(words)
            ))
        }),
    }
}

/// The end of today in the user's zone: the start of tomorrow (23 or 25 hours after midnight on a
/// daylight-saving day, as the clock says).
pub fn end_of_day(now: &Zoned) -> Result<Ends, ExpiryError> {
    let midnight = now
        .date()
        .tomorrow()
        .ok()
        .and_then(|d| d.to_zoned(now.time_zone().clone()).ok())
        .ok_or_else(too_long)?;
    Ok(Ends {
        at: midnight.timestamp(),
        time: Time::midnight(),
        day: Day::Tomorrow,
    })
}

/// A length as ISO 8601 (`PT1H30M`), as Graph's `expirationDuration` takes it. Whole minutes are
/// kept; seconds only when there are some.
pub fn iso_duration(length: Duration) -> String {
    let secs = length.as_secs();
    let (h, m, s) = (secs / 3_600, secs % 3_600 / 60, secs % 60);
    let mut out = String::from("PT");
    if h > 0 {
        let _ = write!(out, "{h}H");
    }
    if m > 0 {
        let _ = write!(out, "{m}M");
    }
    if s > 0 || (h == 0 && m == 0) {
        let _ = write!(out, "{s}S");
    }
    out
}

/// `90m`, `2h`, `1h30m`, `1h 30m`, `45 min`, `1d`: numbers each followed by a unit.
fn parse_length(text: &str) -> Result<Duration, ExpiryError> {
    let unreadable = || {
        ExpiryError(format!(
            "cannot read \"{}\" as a length of time: {FOR_EXAMPLES}",
            crate::text::SafeText::line(text.trim())
        ))
    };
    let lower = text.trim().to_ascii_lowercase();
    let mut rest = lower.as_str();
    if rest.is_empty() {
        return Err(ExpiryError(format!("no length given: {FOR_EXAMPLES}")));
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return Err(unreadable());
        }
        let number: u64 = rest[..digits].parse().map_err(|_| too_long())?;
        rest = rest[digits..].trim_start();
        let letters = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .len();
        let unit = match &rest[..letters] {
            "d" | "day" | "days" => 86_400,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3_600,
            "m" | "min" | "mins" | "minute" | "minutes" => 60,
            _ => return Err(unreadable()),
        };
        rest = rest[letters..].trim_start();
        total = number
            .checked_mul(unit)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(too_long)?;
    }
    let length = Duration::from_secs(total);
    if length.is_zero() {
        return Err(ExpiryError(
            "a length of zero ends at once: give at least a minute".into(),
        ));
    }
    if length > LONGEST {
        return Err(too_long());
    }
    Ok(length)
}

/// `17:30`, `9:05`, `17`, `5pm`, `5:30pm`, `12am`.
fn parse_clock(text: &str) -> Option<Time> {
    let text = text.trim();
    let (text, meridiem) = if let Some(t) = text.strip_suffix("am") {
        (t.trim_end(), Some(false))
    } else if let Some(t) = text.strip_suffix("pm") {
        (t.trim_end(), Some(true))
    } else {
        (text, None)
    };
    let (hour, minute) = match text.split_once([':', '.']) {
        Some((h, m)) if m.len() == 2 => (h, m),
        None if meridiem.is_some() || text.len() <= 2 => (text, "00"),
        Some(_) | None => return None,
    };
    if hour.is_empty()
        || hour.len() > 2
        || !(hour.bytes().chain(minute.bytes())).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut hour: i8 = hour.parse().ok()?;
    let minute: i8 = minute.parse().ok()?;
    if let Some(pm) = meridiem {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = match (hour, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
    }
    Time::new(hour, minute, 0, 0).ok()
}

fn too_long() -> ExpiryError {
    ExpiryError("that is too far away: at most a year".into())
}

#[cfg(test)]
mod tests;
