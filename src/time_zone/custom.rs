//! Graph's `customTimeZone`: a bias and the yearly rules for switching between standard and
//! daylight time, as Windows and Exchange write them. Turned into a jiff zone through a POSIX TZ
//! rule, which describes exactly this shape ("the second Sunday of March at 02:00").

use jiff::tz::{Offset, TimeZone};

/// One yearly switch: the `week`th `weekday` of `month` (week 5 = the last one) at `time_secs`
/// after local midnight, in the time in force before the switch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Switch {
    /// 1 to 12.
    pub month: u8,
    /// 1 to 5; 5 is the last such weekday of the month.
    pub week: u8,
    /// 0 = Sunday to 6 = Saturday.
    pub weekday: u8,
    pub time_secs: u32,
}

/// A custom zone. `bias_mins` follows the Windows convention that Graph's documented examples
/// use: minutes to add to local time to get UTC, so Pacific time is 480 and India is -330.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CustomZone {
    pub bias_mins: i32,
    /// Daylight time: when it starts, when it ends, and the bias it adds (usually -60).
    pub daylight: Option<Daylight>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Daylight {
    pub starts: Switch,
    pub ends: Switch,
    pub bias_mins: i32,
}

/// Biases beyond a day are not time zones (the widest real offsets are -12 h and +14 h).
const MOST_BIAS_MINS: i32 = 24 * 60;

impl CustomZone {
    /// The jiff zone these rules describe; `None` when a value is out of range.
    pub fn to_time_zone(&self) -> Option<TimeZone> {
        if self.bias_mins.abs() > MOST_BIAS_MINS {
            return None;
        }
        let Some(daylight) = self.daylight else {
            let offset = Offset::from_seconds(-self.bias_mins * 60).ok()?;
            return Some(TimeZone::fixed(offset));
        };
        let summer = self.bias_mins.checked_add(daylight.bias_mins)?;
        if summer.abs() > MOST_BIAS_MINS || daylight.bias_mins == 0 {
            let offset = Offset::from_seconds(-self.bias_mins * 60).ok()?;
            return Some(TimeZone::fixed(offset));
        }
        let rule = format!(
            "STD{}DST{},{},{}",
            posix_offset(self.bias_mins),
            posix_offset(summer),
            posix_switch(daylight.starts)?,
            posix_switch(daylight.ends)?,
        );
        TimeZone::posix(&rule).ok()
    }
}

/// POSIX offsets count westward like Windows biases: "8" is UTC-8, "-5:30" is UTC+5:30.
fn posix_offset(bias_mins: i32) -> String {
    let sign = if bias_mins < 0 { "-" } else { "" };
    let (h, m) = (bias_mins.abs() / 60, bias_mins.abs() % 60);
    if m == 0 {
        format!("{sign}{h}")
    } else {
        format!("{sign}{h}:{m:02}")
    }
}

fn posix_switch(s: Switch) -> Option<String> {
    let valid = (1..=12).contains(&s.month)
        && (1..=5).contains(&s.week)
        && s.weekday <= 6
        && s.time_secs < 48 * 3600;
    if !valid {
        return None;
    }
    let (h, m, sec) = (s.time_secs / 3600, s.time_secs / 60 % 60, s.time_secs % 60);
    Some(format!(
        "M{}.{}.{}/{h}:{m:02}:{sec:02}",
        s.month, s.week, s.weekday
    ))
}

/// "02:00:00.0000000" (Graph's `time`, fractions ignored) as seconds after midnight.
pub fn time_of_day_secs(text: &str) -> Option<u32> {
    let whole = text.trim().split('.').next()?;
    let mut parts = whole.split(':');
    let h: u32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next().map_or(Some(0), |p| p.parse().ok())?;
    let s: u32 = parts.next().map_or(Some(0), |p| p.parse().ok())?;
    if parts.next().is_some() || h > 24 || m > 59 || s > 59 {
        return None;
    }
    Some(h * 3600 + m * 60 + s)
}

/// "sunday" (any case) as 0 to 6.
pub fn weekday_number(name: &str) -> Option<u8> {
    const DAYS: [&str; 7] = [
        "sunday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
    ];
    let name = name.trim();
    DAYS.iter()
        .position(|d| d.eq_ignore_ascii_case(name))
        .and_then(|i| u8::try_from(i).ok())
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;

    use super::*;

    fn pacific_as_documented() -> CustomZone {
        CustomZone {
            bias_mins: 480,
            daylight: Some(Daylight {
                starts: Switch {
                    month: 3,
                    week: 2,
                    weekday: 0,
                    time_secs: 7200,
                },
                ends: Switch {
                    month: 11,
                    week: 1,
                    weekday: 0,
                    time_secs: 7200,
                },
                bias_mins: -60,
            }),
        }
    }

    #[test]
    fn the_documented_custom_zone_is_pacific_time_across_both_switches() {
        let custom = pacific_as_documented().to_time_zone().expect("a zone");
        let la = TimeZone::get("America/Los_Angeles").unwrap();
        for at in [
            "2019-03-10T09:59:00Z", // 01:59 PST, a minute before the spring switch
            "2019-03-10T10:00:00Z", // 03:00 PDT
            "2019-03-15T16:00:00Z",
            "2019-11-03T08:59:00Z", // 01:59 PDT
            "2019-11-03T09:00:00Z", // 01:00 PST again
            "2024-01-15T12:00:00Z",
            "2024-07-01T12:00:00Z",
        ] {
            let ts: Timestamp = at.parse().unwrap();
            assert_eq!(
                custom.to_offset(ts),
                la.to_offset(ts),
                "{at}: the custom rule and the tz database disagree"
            );
        }
    }

    #[test]
    fn half_hour_and_fixed_custom_zones() {
        let india = CustomZone {
            bias_mins: -330,
            daylight: None,
        }
        .to_time_zone()
        .unwrap();
        let ts: Timestamp = "2024-07-01T06:30:00Z".parse().unwrap();
        assert_eq!(ts.to_zoned(india).strftime("%H:%M").to_string(), "12:00");
        // Newfoundland, written as Windows would: UTC-3:30, daylight from March to November.
        let mut newfoundland = pacific_as_documented();
        newfoundland.bias_mins = 210;
        let zone = newfoundland.to_time_zone().unwrap();
        let st_johns = TimeZone::get("America/St_Johns").unwrap();
        for at in ["2024-01-15T12:00:00Z", "2024-07-01T12:00:00Z"] {
            let ts: Timestamp = at.parse().unwrap();
            assert_eq!(zone.to_offset(ts), st_johns.to_offset(ts), "{at}");
        }
    }

    #[test]
    fn rules_out_of_range_are_refused_not_guessed() {
        let mut zone = pacific_as_documented();
        zone.bias_mins = 100_000;
        assert!(zone.to_time_zone().is_none());
        let mut zone = pacific_as_documented();
        if let Some(d) = &mut zone.daylight {
            d.starts.month = 13;
        }
        assert!(zone.to_time_zone().is_none());
        assert_eq!(time_of_day_secs("02:00:00.0000000"), Some(7200));
        assert_eq!(time_of_day_secs("17:30"), Some(63_000));
        assert_eq!(time_of_day_secs("25:00:00"), None);
        assert_eq!(time_of_day_secs("noon"), None);
        assert_eq!(weekday_number("Sunday"), Some(0));
        assert_eq!(weekday_number("saturday"), Some(6));
        assert_eq!(weekday_number("funday"), None);
    }
}
