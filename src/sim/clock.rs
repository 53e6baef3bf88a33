//! Simulated time: a wall-clock start plus compressed elapsed time from `tokio::time::Instant`,
//! so tests under `tokio::time::pause()` move the tenant's day by advancing the runtime clock.

use jiff::civil::{Date, Weekday};
use jiff::{Timestamp, ToSpan};
use tokio::time::Instant;

use super::names::{HOME_ZONE, ZONES};

pub(crate) struct Clock {
    started: Instant,
    start_ms: i64,
    scale: f64,
}

impl Clock {
    /// `scale` sim seconds per real second; 0 freezes the clock (scenario `static`).
    pub(crate) fn new(start: Timestamp, scale: f64) -> Self {
        Self {
            started: Instant::now(),
            start_ms: start.as_millisecond(),
            scale: if scale.is_finite() {
                scale.max(0.0)
            } else {
                0.0
            },
        }
    }

    /// Sim time at start, in milliseconds since the Unix epoch.
    pub(crate) fn start_ms(&self) -> i64 {
        self.start_ms
    }

    /// Sim time in milliseconds since the Unix epoch.
    pub(crate) fn now_ms(&self) -> i64 {
        let elapsed = self.started.elapsed().as_secs_f64();
        // Capped far in the future (year ~8300) so date arithmetic downstream cannot overflow.
        self.start_ms
            .saturating_add((elapsed * self.scale * 1000.0) as i64)
            .min(200_000_000_000_000)
    }
}

/// 08:40 in the office's zone today, moved to Monday when today is a weekend: the demo opens as
/// people arrive, so the first minutes already show changes.
pub(crate) fn default_start(now: Timestamp) -> Timestamp {
    let offset_secs = ZONES[HOME_ZONE].offset_minutes * 60;
    let local_day: Date = Timestamp::from_second(now.as_second() + i64::from(offset_secs))
        .unwrap_or(now)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let day = match local_day.weekday() {
        Weekday::Saturday => local_day.checked_add(2.days()).unwrap_or(local_day),
        Weekday::Sunday => local_day.checked_add(1.days()).unwrap_or(local_day),
        _ => local_day,
    };
    let local = day.at(8, 40, 0, 0);
    local
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map_or(now, |z| z.timestamp())
        .checked_sub(i64::from(offset_secs).seconds())
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_start_is_a_weekday_morning_in_the_office() {
        let sat: Timestamp = "2025-03-08T12:00:00Z".parse().unwrap();
        let start = default_start(sat);
        assert_eq!(start.to_string(), "2025-03-10T07:40:00Z");
        let tue: Timestamp = "2025-03-04T23:30:00Z".parse().unwrap();
        assert_eq!(default_start(tue).to_string(), "2025-03-05T07:40:00Z");
    }
}
