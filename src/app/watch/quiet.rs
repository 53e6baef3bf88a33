//! Quiet hours: a daily span of local time (it may cross midnight, "18:00-08:00") and whole days
//! ("Sat", "Sun") when alerts make no sound, send no notification and run no command.

use jiff::civil::{DateTime, Weekday};

/// `[watch] quiet` and `quiet_days`. Empty: never quiet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Quiet {
    /// From and until, in minutes after midnight; `until` before `from` crosses midnight.
    pub span: Option<(u16, u16)>,
    pub days: Vec<Weekday>,
}

impl Quiet {
    /// Whether `local` (the user's local time) falls in quiet hours or on a quiet day. A span that
    /// crosses midnight belongs to the day it starts on only for the day test, not the hours: a quiet
    /// Friday night is "18:00-08:00" on its own.
    pub fn holds(&self, local: DateTime) -> bool {
        if self.days.contains(&local.weekday()) {
            return true;
        }
        let Some((from, until)) = self.span else {
            return false;
        };
        let minute =
            u16::try_from(i32::from(local.hour()) * 60 + i32::from(local.minute())).unwrap_or(0);
        if from <= until {
            (from..until).contains(&minute)
        } else {
            minute >= from || minute < until
        }
    }
}

/// Reads "HH:MM-HH:MM" (24-hour clock); the same time twice is refused (empty or all day?).
pub fn parse_span(raw: &str) -> Result<(u16, u16), String> {
    let (from, until) = raw
        .split_once('-')
        .ok_or_else(|| "use two times like \"18:00-08:00\"".to_owned())?;
    let from = parse_time(from.trim())?;
    let until = parse_time(until.trim())?;
    if from == until {
        return Err("starts and ends at the same time; use quiet_days for whole days".to_owned());
    }
    Ok((from, until))
}

fn parse_time(raw: &str) -> Result<u16, String> {
    let bad = || format!("\"{raw}\" is not a time; use a 24-hour time like \"08:00\"");
    let (h, m) = raw.split_once(':').ok_or_else(bad)?;
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || m.len() != 2 || !digits(m) {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Reads a day as "Sat", "saturday" or "SAT".
pub fn parse_day(raw: &str) -> Option<Weekday> {
    const DAYS: [(&str, Weekday); 7] = [
        ("mon", Weekday::Monday),
        ("tue", Weekday::Tuesday),
        ("wed", Weekday::Wednesday),
        ("thu", Weekday::Thursday),
        ("fri", Weekday::Friday),
        ("sat", Weekday::Saturday),
        ("sun", Weekday::Sunday),
    ];
    let lower = raw.trim().to_ascii_lowercase();
    DAYS.iter()
        .find(|(short, day)| lower == *short || lower == format!("{day:?}").to_ascii_lowercase())
        .map(|(_, day)| *day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str, time: &str) -> DateTime {
        format!("{date}T{time}").parse().unwrap()
    }

    #[test]
    fn a_span_across_midnight_covers_the_evening_and_the_morning() {
        let quiet = Quiet {
            span: Some(parse_span("18:00-08:00").unwrap()),
            days: Vec::new(),
        };
        // 2025-03-04 is a Tuesday.
        assert!(quiet.holds(at("2025-03-04", "18:00")));
        assert!(quiet.holds(at("2025-03-04", "23:59")));
        assert!(quiet.holds(at("2025-03-05", "00:00")));
        assert!(quiet.holds(at("2025-03-05", "07:59")));
        assert!(!quiet.holds(at("2025-03-05", "08:00")));
        assert!(!quiet.holds(at("2025-03-04", "12:30")));
        assert!(!quiet.holds(at("2025-03-04", "17:59")));
    }

    #[test]
    fn a_span_within_a_day_and_quiet_days() {
        let quiet = Quiet {
            span: Some(parse_span("12:00-13:30").unwrap()),
            days: vec![parse_day("Sat").unwrap(), parse_day("sunday").unwrap()],
        };
        assert!(quiet.holds(at("2025-03-04", "12:00")));
        assert!(quiet.holds(at("2025-03-04", "13:29")));
        assert!(!quiet.holds(at("2025-03-04", "13:30")));
        assert!(!quiet.holds(at("2025-03-04", "11:59")));
        // Saturday and Sunday, all day.
        assert!(quiet.holds(at("2025-03-08", "10:00")));
        assert!(quiet.holds(at("2025-03-09", "23:00")));
        assert!(!quiet.holds(at("2025-03-10", "10:00")));
        assert!(!Quiet::default().holds(at("2025-03-08", "10:00")));
    }

    #[test]
    fn bad_spans_and_days_are_refused() {
        for bad in [
            "18:00",
            "25:00-08:00",
            "18:00-8",
            "6pm-8am",
            "18:00-18:00",
            "18:60-08:00",
        ] {
            assert!(parse_span(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_span("8:05-9:00"), Ok((485, 540)));
        assert_eq!(parse_day("Funday"), None);
        assert_eq!(parse_day("FRI"), Some(Weekday::Friday));
    }
}
