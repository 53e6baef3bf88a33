//! Time zones as Graph names them: Windows names mapped to IANA (CLDR), IANA names, and custom
//! zones with their own rules (`custom`); and Graph's `dateTimeTimeZone` read as an instant.

pub mod custom;

use std::collections::HashMap;
use std::sync::OnceLock;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use crate::graph::model::DateTimeTimeZone;

/// CLDR's Windows-to-IANA table, `Windows name = IANA [fallback ...]`, parsed at first use.
const WINDOWS_ZONES: &str = include_str!("../assets/windows-zones.txt");

/// When a status message stops showing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expiry {
    /// Graph's "never expires", 9999-12-31T23:59:59.9999999.
    Never,
    At(Timestamp),
    /// The date or zone could not be read; holds `"{dateTime} {timeZone}"` as sent (untrusted:
    /// show it through `SafeText`).
    Unknown(String),
}

/// Reads a `dateTimeTimeZone`. The zone may be a Windows name ("W. Europe Standard Time"), "UTC",
/// or an IANA name; a missing zone means UTC (what Graph writes unless asked otherwise). Up to
/// nine fractional digits are accepted (Graph sends seven). A local time that a DST change skips
/// or repeats resolves as jiff's "compatible" rule does (later for a gap, earlier for a fold).
pub fn expiry(dt: &DateTimeTimeZone) -> Expiry {
    let zone = dt.time_zone.as_deref().unwrap_or("UTC").trim();
    let unknown = || Expiry::Unknown(format!("{} {}", dt.date_time, zone).trim().to_string());
    let text = dt.date_time.trim();
    // Year 9999 is Graph's "never", in any zone; it lies past jiff's last timestamp, so it is
    // recognised before any conversion.
    if text.starts_with("9999-") {
        return Expiry::Never;
    }
    // Some producers add an offset or `Z`: then the zone is already in the text.
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Expiry::At(ts);
    }
    let Ok(civil) = text.parse::<DateTime>() else {
        return unknown();
    };
    let Some(tz) = time_zone(zone) else {
        return unknown();
    };
    match tz.to_timestamp(civil) {
        Ok(ts) => Expiry::At(ts),
        Err(_) => unknown(),
    }
}

/// The time zone a Graph zone name stands for: Windows names first, then IANA names.
pub fn time_zone(name: &str) -> Option<TimeZone> {
    let name = name.trim();
    if name.is_empty()
        || name.eq_ignore_ascii_case("UTC")
        || name.eq_ignore_ascii_case("tzone://Microsoft/Utc")
        || name.eq_ignore_ascii_case("Coordinated Universal Time")
    {
        return Some(TimeZone::UTC);
    }
    if let Some(candidates) = windows_to_iana(name) {
        return candidates.iter().find_map(|iana| TimeZone::get(iana).ok());
    }
    TimeZone::get(name).ok()
}

/// The IANA names (preferred first) for a Windows zone name, matched case-insensitively.
pub fn windows_to_iana(windows_name: &str) -> Option<&'static [&'static str]> {
    table()
        .get(windows_name.trim().to_ascii_lowercase().as_str())
        .map(Vec::as_slice)
}

fn table() -> &'static HashMap<String, Vec<&'static str>> {
    static TABLE: OnceLock<HashMap<String, Vec<&'static str>>> = OnceLock::new();
    TABLE.get_or_init(|| parse_table(WINDOWS_ZONES))
}

fn parse_table(text: &'static str) -> HashMap<String, Vec<&'static str>> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(windows, iana)| {
            (
                windows.trim().to_ascii_lowercase(),
                iana.split_whitespace().collect(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(date_time: &str, zone: Option<&str>) -> DateTimeTimeZone {
        DateTimeTimeZone {
            date_time: date_time.into(),
            time_zone: zone.map(Into::into),
        }
    }

    fn at(date_time: &str, zone: &str) -> String {
        match expiry(&dt(date_time, Some(zone))) {
            Expiry::At(ts) => ts.to_string(),
            other => panic!("{date_time} {zone}: {other:?}"),
        }
    }

    #[test]
    fn never_is_the_year_9999_in_any_zone() {
        assert_eq!(
            expiry(&dt("9999-12-31T23:59:59.9999999", Some("UTC"))),
            Expiry::Never
        );
        assert_eq!(
            expiry(&dt(
                "9999-12-31T23:59:59.9999999",
                Some("Pacific Standard Time")
            )),
            Expiry::Never
        );
        assert_eq!(
            expiry(&dt("9999-12-31T23:59:59.9999999", None)),
            Expiry::Never
        );
        assert_eq!(
            expiry(&dt("9999-12-31T23:59:59.9999999Z", None)),
            Expiry::Never
        );
    }

    #[test]
    fn zones_table_with_dst() {
        let table = [
            // UTC, with Graph's seven fractional digits.
            ("2024-07-01T12:00:00.0000000", "UTC", "2024-07-01T12:00:00Z"),
            (
                "2024-07-01T12:00:00.1234567",
                "UTC",
                "2024-07-01T12:00:00.1234567Z",
            ),
            (
                "2024-07-01T12:00:00",
                "tzone://Microsoft/Utc",
                "2024-07-01T12:00:00Z",
            ),
            // Pacific: PST (-8) in January, PDT (-7) in July.
            (
                "2024-01-15T12:00:00",
                "Pacific Standard Time",
                "2024-01-15T20:00:00Z",
            ),
            (
                "2024-07-01T12:00:00",
                "Pacific Standard Time",
                "2024-07-01T19:00:00Z",
            ),
            // Berlin: CET (+1), CEST (+2); the skipped hour resolves forward.
            (
                "2024-01-15T17:30:00",
                "W. Europe Standard Time",
                "2024-01-15T16:30:00Z",
            ),
            (
                "2024-07-05T17:30:00",
                "W. Europe Standard Time",
                "2024-07-05T15:30:00Z",
            ),
            (
                "2024-03-31T02:30:00",
                "W. Europe Standard Time",
                "2024-03-31T01:30:00Z",
            ),
            // The repeated hour at the end of DST takes the earlier (summer) offset.
            (
                "2024-10-27T02:30:00",
                "W. Europe Standard Time",
                "2024-10-27T00:30:00Z",
            ),
            // No DST, odd offsets, southern hemisphere.
            (
                "2024-07-01T09:00:00",
                "Tokyo Standard Time",
                "2024-07-01T00:00:00Z",
            ),
            (
                "2024-07-01T12:00:00",
                "India Standard Time",
                "2024-07-01T06:30:00Z",
            ),
            (
                "2024-07-01T12:00:00",
                "Nepal Standard Time",
                "2024-07-01T06:15:00Z",
            ),
            (
                "2024-01-15T12:00:00",
                "AUS Eastern Standard Time",
                "2024-01-15T01:00:00Z",
            ),
            (
                "2024-07-15T12:00:00",
                "AUS Eastern Standard Time",
                "2024-07-15T02:00:00Z",
            ),
            (
                "2024-07-01T12:00:00",
                "GMT Standard Time",
                "2024-07-01T11:00:00Z",
            ),
            (
                "2024-07-01T12:00:00",
                "Eastern Standard Time",
                "2024-07-01T16:00:00Z",
            ),
            (
                "2024-07-01T12:00:00",
                "FLE Standard Time",
                "2024-07-01T09:00:00Z",
            ),
            (
                "2024-07-01T12:00:00",
                "Dateline Standard Time",
                "2024-07-02T00:00:00Z",
            ),
            (
                "2024-07-01T12:00:00",
                "Line Islands Standard Time",
                "2024-06-30T22:00:00Z",
            ),
            // Case does not matter; IANA names are accepted as they are.
            (
                "2024-07-01T12:00:00",
                "pacific standard time",
                "2024-07-01T19:00:00Z",
            ),
            (
                "2024-07-01T12:00:00",
                "Europe/Berlin",
                "2024-07-01T10:00:00Z",
            ),
            // An offset in the text wins over the zone.
            (
                "2024-07-01T12:00:00+02:00",
                "Tokyo Standard Time",
                "2024-07-01T10:00:00Z",
            ),
        ];
        for (date_time, zone, want) in table {
            assert_eq!(at(date_time, zone), want, "{date_time} {zone}");
        }
        // A missing zone is UTC.
        assert_eq!(
            expiry(&dt("2024-07-01T12:00:00", None)),
            Expiry::At("2024-07-01T12:00:00Z".parse().unwrap())
        );
    }

    #[test]
    fn unreadable_dates_and_zones_are_unknown_not_errors() {
        assert_eq!(
            expiry(&dt("2024-07-01T12:00:00", Some("Mars Standard Time"))),
            Expiry::Unknown("2024-07-01T12:00:00 Mars Standard Time".into())
        );
        assert!(matches!(
            expiry(&dt("next tuesday", Some("UTC"))),
            Expiry::Unknown(_)
        ));
        assert!(matches!(expiry(&dt("", Some("UTC"))), Expiry::Unknown(_)));
        assert!(matches!(
            expiry(&dt("2024-13-01T00:00:00", Some("UTC"))),
            Expiry::Unknown(_)
        ));
    }

    #[test]
    fn the_table_is_complete_and_every_zone_resolves_here() {
        let table = parse_table(WINDOWS_ZONES);
        assert!(table.len() >= 140, "{} entries", table.len());
        for name in [
            "Pacific Standard Time",
            "W. Europe Standard Time",
            "UTC",
            "Tokyo Standard Time",
            "Romance Standard Time",
            "China Standard Time",
            "E. South America Standard Time",
            "New Zealand Standard Time",
        ] {
            assert!(windows_to_iana(name).is_some(), "{name}");
        }
        assert_eq!(
            windows_to_iana("Tokyo Standard Time"),
            Some(&["Asia/Tokyo"][..])
        );
        let missing: Vec<&String> = table
            .iter()
            .filter(|(_, iana)| iana.is_empty() || !iana.iter().any(|z| TimeZone::get(z).is_ok()))
            .map(|(w, _)| w)
            .collect();
        assert!(
            missing.is_empty(),
            "no zone in this system's tz database for {missing:?}"
        );
    }
}
