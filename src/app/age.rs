//! Ages by the wall-clock minute ("now", "3m", "2h", "4d"): every card changes together on the minute,
//! and the core knows the next moment any label changes, so it wakes only then.

use std::borrow::Cow;

use jiff::Timestamp;

const HOUR: i64 = 60;
const DAY: i64 = 24 * 60;

/// Whole wall-clock minutes between the minute of `since` and the minute of `now` (never negative).
pub fn minutes(since: Timestamp, now: Timestamp) -> i64 {
    (now.as_second().div_euclid(60) - since.as_second().div_euclid(60)).max(0)
}

/// The label shown for an age.
pub fn label(since: Timestamp, now: Timestamp) -> Cow<'static, str> {
    match minutes(since, now) {
        0 => Cow::Borrowed("now"),
        m if m < HOUR => Cow::Owned(format!("{m}m")),
        m if m < DAY => Cow::Owned(format!("{}h", m / HOUR)),
        m => Cow::Owned(format!("{}d", m / DAY)),
    }
}

/// The first wall-clock moment after `now` at which `label(since, ..)` reads differently.
pub fn next_change(since: Timestamp, now: Timestamp) -> Timestamp {
    let m = minutes(since, now);
    let next_m = if m < HOUR {
        m + 1
    } else if m < DAY {
        (m / HOUR + 1) * HOUR
    } else {
        (m / DAY + 1) * DAY
    };
    // `since`'s minute plus `next_m` minutes; never before the next minute from now.
    let since_minute = since.as_second().div_euclid(60);
    let now_minute = now.as_second().div_euclid(60);
    let at_minute = (since_minute + next_m).max(now_minute + 1);
    Timestamp::from_second(at_minute.saturating_mul(60)).unwrap_or(Timestamp::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 / 60 * 60 + s).unwrap()
    }

    #[test]
    fn labels_follow_the_wall_clock_minute() {
        assert_eq!(label(at(59), at(59)), "now");
        // 12:00:59 → 12:01:00 is one minute by the clock, though only a second passed.
        assert_eq!(label(at(59), at(60)), "1m");
        assert_eq!(label(at(0), at(60 * 59 + 59)), "59m");
        assert_eq!(label(at(0), at(60 * 60)), "1h");
        assert_eq!(label(at(0), at(60 * 60 * 25)), "1d");
        assert_eq!(
            label(at(100), at(0)),
            "now",
            "a change in the future (skew) is now"
        );
    }

    #[test]
    fn next_change_is_the_next_minute_then_the_next_hour_then_the_next_day() {
        assert_eq!(next_change(at(30), at(40)), at(60));
        assert_eq!(next_change(at(0), at(60 * 5 + 1)), at(60 * 6));
        assert_eq!(next_change(at(0), at(60 * 90)), at(60 * 120));
        assert_eq!(next_change(at(0), at(60 * 60 * 30)), at(60 * 60 * 48));
        assert_eq!(
            next_change(at(600), at(0)),
            at(660),
            "a future change reads \"now\" until a minute after it"
        );
        for now in [at(0), at(61), at(3599), at(86_399)] {
            let next = next_change(at(0), now);
            assert!(next > now);
            assert_ne!(label(at(0), next), label(at(0), now));
        }
    }
}
