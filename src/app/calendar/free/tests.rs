use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::*;
use crate::graph::schedule::parse_view;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// A view of 15-minute slots from `start`: one character per slot, as Graph writes it.
fn runs(start: &str, view: &str) -> Runs {
    Runs::from_view(ts(start), &parse_view(view))
}

fn hours(zone: &str, days: u8, start: &str, end: &str) -> WorkingHours {
    let secs = |t: &str| crate::time_zone::custom::time_of_day_secs(t).unwrap();
    WorkingHours {
        days,
        start_secs: secs(start),
        end_secs: secs(end),
        zone: crate::time_zone::time_zone(zone),
        zone_name: zone.into(),
    }
}

const WEEKDAYS: u8 = 0b0011_1110;

fn utc_hours(from: &str, to: &str) -> Hours {
    Hours::of(&hours("UTC", WEEKDAYS, "09:00", "17:00"), ts(from), ts(to))
}

#[test]
fn free_now_when_the_current_slot_starts_a_long_enough_stretch() {
    // Monday 2024-07-01, from 09:00 UTC: busy, busy, free, free, busy...
    let r = runs("2024-07-01T09:00:00Z", "22002222");
    let h = Hours::always();
    assert_eq!(
        next_free(&r, &h, ts("2024-07-01T09:20:00Z"), 1),
        Some(FreeAt::At(ts("2024-07-01T09:30:00Z")))
    );
    // On the boundary itself, the free slot is the current one.
    assert_eq!(
        next_free(&r, &h, ts("2024-07-01T09:30:00Z"), 1),
        Some(FreeAt::Now)
    );
    // The last minute of a busy slot still waits for the next one.
    assert_eq!(
        next_free(&r, &h, ts("2024-07-01T09:29:59Z"), 1),
        Some(FreeAt::At(ts("2024-07-01T09:30:00Z")))
    );
    // Partway through the free stretch, only what is left counts: 15 minutes, not 30.
    assert_eq!(next_free(&r, &h, ts("2024-07-01T09:45:00Z"), 2), None);
    assert_eq!(
        next_free(&r, &h, ts("2024-07-01T09:45:00Z"), 1),
        Some(FreeAt::Now)
    );
}

#[test]
fn tentative_counts_as_taken_and_working_elsewhere_as_free() {
    let h = Hours::always();
    let r = runs("2024-07-01T09:00:00Z", "1110");
    assert_eq!(
        next_free(&r, &h, ts("2024-07-01T09:00:00Z"), 1),
        Some(FreeAt::At(ts("2024-07-01T09:45:00Z")))
    );
    // Working elsewhere (4) and free (0) join into one stretch.
    let r = runs("2024-07-01T09:00:00Z", "2402");
    assert_eq!(
        next_free(&r, &h, ts("2024-07-01T09:00:00Z"), 2),
        Some(FreeAt::At(ts("2024-07-01T09:15:00Z")))
    );
}

#[test]
fn a_gap_shorter_than_the_minimum_is_skipped() {
    let r = runs("2024-07-01T09:00:00Z", "2022200022");
    let h = Hours::always();
    assert_eq!(
        next_free(&r, &h, ts("2024-07-01T09:00:00Z"), 2),
        Some(FreeAt::At(ts("2024-07-01T10:15:00Z"))),
        "the 15-minute gap at 09:15 is too short for 30 minutes"
    );
    assert_eq!(
        next_free(&r, &h, ts("2024-07-01T09:00:00Z"), 4),
        None,
        "nothing long enough before the end of what was read"
    );
    // Unknown characters are not free.
    let r = runs("2024-07-01T09:00:00Z", "2??0");
    assert_eq!(
        next_free(&r, &h, ts("2024-07-01T09:00:00Z"), 1),
        Some(FreeAt::At(ts("2024-07-01T09:45:00Z")))
    );
}

#[test]
fn free_time_after_working_hours_waits_for_the_next_working_day() {
    // Friday 2024-07-05 16:00 UTC: busy until 17:00, then free all weekend and Monday.
    let view = format!("{}{}", "2222", "0".repeat(4 * 24 * 4));
    let r = runs("2024-07-05T16:00:00Z", &view);
    let h = utc_hours("2024-07-05T00:00:00Z", "2024-07-09T00:00:00Z");
    assert_eq!(
        next_free(&r, &h, ts("2024-07-05T16:05:00Z"), 1),
        Some(FreeAt::At(ts("2024-07-08T09:00:00Z"))),
        "end of day: Monday 09:00, not Friday 17:00 or the weekend"
    );
    // A stretch straddling the end of the day counts only its working part.
    let r = runs("2024-07-05T16:30:00Z", &format!("0{}", "0".repeat(400)));
    assert_eq!(
        next_free(&r, &h, ts("2024-07-05T16:30:00Z"), 2),
        Some(FreeAt::Now)
    );
    assert_eq!(
        next_free(&r, &h, ts("2024-07-05T16:31:00Z"), 3),
        Some(FreeAt::At(ts("2024-07-08T09:00:00Z"))),
        "only 30 minutes of Friday are left"
    );
}

#[test]
fn working_hours_in_half_hour_zones_and_across_dst() {
    // India, 09:00-17:00 IST is 03:30-11:30 UTC.
    let india = Hours::of(
        &hours("India Standard Time", WEEKDAYS, "09:00", "17:00"),
        ts("2024-07-01T00:00:00Z"),
        ts("2024-07-02T00:00:00Z"),
    );
    assert!(!india.contains(slot_of(ts("2024-07-01T03:15:00Z"))));
    assert!(india.contains(slot_of(ts("2024-07-01T03:30:00Z"))));
    assert!(india.contains(slot_of(ts("2024-07-01T11:15:00Z"))));
    assert!(!india.contains(slot_of(ts("2024-07-01T11:30:00Z"))));
    // Newfoundland (UTC-2:30 in summer, -3:30 in winter), IANA name.
    let nf = hours("America/St_Johns", WEEKDAYS, "09:00", "17:00");
    let summer = Hours::of(&nf, ts("2024-07-01T00:00:00Z"), ts("2024-07-02T00:00:00Z"));
    assert!(summer.contains(slot_of(ts("2024-07-01T11:30:00Z"))));
    assert!(!summer.contains(slot_of(ts("2024-07-01T11:15:00Z"))));
    let winter = Hours::of(&nf, ts("2024-01-15T00:00:00Z"), ts("2024-01-16T00:00:00Z"));
    assert!(winter.contains(slot_of(ts("2024-01-15T12:30:00Z"))));
    assert!(!winter.contains(slot_of(ts("2024-01-15T12:15:00Z"))));
    // Berlin across the spring change (Sunday 2024-03-31): Monday 09:00 is 07:00 UTC, Friday's
    // 09:00 was 08:00 UTC.
    let berlin = Hours::of(
        &hours("W. Europe Standard Time", WEEKDAYS, "09:00", "17:00"),
        ts("2024-03-29T00:00:00Z"),
        ts("2024-04-02T00:00:00Z"),
    );
    assert!(berlin.contains(slot_of(ts("2024-03-29T08:00:00Z"))));
    assert!(!berlin.contains(slot_of(ts("2024-03-29T07:45:00Z"))));
    assert!(berlin.contains(slot_of(ts("2024-04-01T07:00:00Z"))));
    assert!(
        !berlin.contains(slot_of(ts("2024-03-30T10:00:00Z"))),
        "Saturday"
    );
    // Pacific, the week the US changes clocks and Europe does not.
    let la = TimeZone::get("America/Los_Angeles").unwrap();
    let berlin_tz = crate::time_zone::time_zone("W. Europe Standard Time").unwrap();
    assert!(differs(&la, &berlin_tz, ts("2024-03-12T12:00:00Z")));
    assert!(!differs(&la, &la, ts("2024-03-12T12:00:00Z")));
}

#[test]
fn overnight_hours_and_unknown_zones() {
    let night = Hours::of(
        &hours("UTC", WEEKDAYS, "22:00", "06:00"),
        ts("2024-07-01T00:00:00Z"),
        ts("2024-07-03T00:00:00Z"),
    );
    assert!(
        night.contains(slot_of(ts("2024-07-01T23:00:00Z"))),
        "Monday night"
    );
    assert!(
        night.contains(slot_of(ts("2024-07-02T05:45:00Z"))),
        "into Tuesday"
    );
    assert!(!night.contains(slot_of(ts("2024-07-02T12:00:00Z"))));
    let mut unknown = hours("UTC", WEEKDAYS, "09:00", "17:00");
    unknown.zone = None;
    assert_eq!(
        Hours::of(
            &unknown,
            ts("2024-07-01T00:00:00Z"),
            ts("2024-07-02T00:00:00Z")
        ),
        Hours::always()
    );
}

#[test]
fn out_of_office_lasts_until_the_run_ends_within_what_was_read() {
    let r = runs("2024-07-01T09:00:00Z", "33332");
    assert_eq!(
        out_until(&r, ts("2024-07-01T09:10:00Z")),
        Some(ts("2024-07-01T10:00:00Z"))
    );
    assert_eq!(out_until(&r, ts("2024-07-01T10:00:00Z")), None);
    let open_ended = runs("2024-07-01T09:00:00Z", "3333");
    assert_eq!(out_until(&open_ended, ts("2024-07-01T09:10:00Z")), None);
    assert_eq!(r.at(slot_of(ts("2024-07-01T08:00:00Z"))), Slot::Unknown);
    assert_eq!(r.at(slot_of(ts("2024-07-01T11:00:00Z"))), Slot::Unknown);
}
