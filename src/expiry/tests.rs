use super::*;

fn at(text: &str) -> Zoned {
    text.parse().unwrap()
}

fn local(ends: &Ends, zone: &str) -> String {
    ends.at
        .to_zoned(jiff::tz::TimeZone::get(zone).unwrap())
        .strftime("%Y-%m-%d %H:%M %Z")
        .to_string()
}

#[test]
fn lengths_read_as_people_write_them() {
    let now = at("2026-11-30T13:00:00[Europe/Berlin]");
    for (text, minutes) in [
        ("30m", 30),
        ("90m", 90),
        ("90 min", 90),
        ("2h", 120),
        ("1h30m", 90),
        ("1h 30m", 90),
        ("1 hour", 60),
        ("1d", 1_440),
        ("2H", 120),
    ] {
        let ends = parse_for(text, &now).unwrap();
        assert_eq!(
            ends.at,
            now.timestamp() + SignedDuration::from_mins(minutes),
            "{text}"
        );
    }
    for bad in [
        "",
        "90",
        "h",
        "2 weeks",
        "1h30",
        "-5m",
        "0m",
        "400d",
        "99999999999999999999h",
    ] {
        let e = parse_for(bad, &now).unwrap_err();
        assert!(!e.to_string().is_empty(), "{bad}");
    }
    assert!(
        parse_for("90", &now)
            .unwrap_err()
            .to_string()
            .contains("30m, 90m")
    );
}

#[test]
fn a_time_past_today_means_tomorrow_and_says_so() {
    let now = at("2026-11-30T13:00:00[Europe/Berlin]");
    let later = parse_until("17:30", &now).unwrap();
    assert_eq!(later.to_string(), "17:30 today");
    assert_eq!(local(&later, "Europe/Berlin"), "2026-11-30 17:30 CET");
    let passed = parse_until("09:00", &now).unwrap();
    assert_eq!(passed.to_string(), "09:00 tomorrow");
    assert_eq!(local(&passed, "Europe/Berlin"), "2026-12-01 09:00 CET");
    // The very minute that is now has passed too.
    assert_eq!(parse_until("13:00", &now).unwrap().day, Day::Tomorrow);
    assert_eq!(parse_until("5pm", &now).unwrap().to_string(), "17:00 today");
    assert_eq!(
        parse_until("5:30pm", &now).unwrap().to_string(),
        "17:30 today"
    );
    assert_eq!(
        parse_until("12am", &now).unwrap().to_string(),
        "00:00 tomorrow"
    );
    assert_eq!(
        parse_until("tomorrow 09:00", &now).unwrap().to_string(),
        "09:00 tomorrow"
    );
    assert_eq!(
        parse_until("2026-12-02 09:00", &now).unwrap().to_string(),
        "09:00 on Wed 2 Dec"
    );
    // Said explicitly, a past time is an error rather than a guess.
    assert!(
        parse_until("today 09:00", &now)
            .unwrap_err()
            .to_string()
            .contains("already passed")
    );
    assert!(parse_until("2026-11-01 09:00", &now).is_err());
    for bad in [
        "", "tomorrow", "25:00", "17:60", "1730", "13pm", "noonish", "17:3",
    ] {
        assert!(parse_until(bad, &now).is_err(), "{bad}");
    }
}

#[test]
fn the_day_boundary_is_the_local_midnight() {
    let late = at("2026-11-30T23:50:00[Europe/Berlin]");
    let soon = parse_for("20m", &late).unwrap();
    assert_eq!(soon.to_string(), "00:10 tomorrow");
    assert_eq!(
        parse_until("23:55", &late).unwrap().to_string(),
        "23:55 today"
    );
    assert_eq!(
        parse_until("00:05", &late).unwrap().to_string(),
        "00:05 tomorrow"
    );
    let early = at("2026-12-01T00:05:00[Europe/Berlin]");
    assert_eq!(
        parse_until("23:55", &early).unwrap().to_string(),
        "23:55 today"
    );
    assert_eq!(
        end_of_day(&late).unwrap().left(late.timestamp()),
        Duration::from_secs(600)
    );
}

#[test]
fn daylight_saving_changes_follow_the_wall_clock() {
    // Spring forward in Berlin: 02:00 becomes 03:00 on 29 March 2026.
    let before = at("2026-03-28T12:00:00[Europe/Berlin]");
    let next_morning = parse_until("tomorrow 09:00", &before).unwrap();
    assert_eq!(
        local(&next_morning, "Europe/Berlin"),
        "2026-03-29 09:00 CEST"
    );
    assert_eq!(
        next_morning.left(before.timestamp()),
        Duration::from_secs(20 * 3_600)
    );
    let night = at("2026-03-29T01:30:00[Europe/Berlin]");
    // Two hours of elapsed time read 04:30 on the clock.
    assert_eq!(parse_for("2h", &night).unwrap().to_string(), "04:30 today");
    // 02:30 does not exist that night: the same time after the jump.
    let skipped = parse_until("02:30", &night).unwrap();
    assert_eq!(local(&skipped, "Europe/Berlin"), "2026-03-29 03:30 CEST");
    assert_eq!(
        end_of_day(&before).unwrap().left(before.timestamp()),
        Duration::from_secs(12 * 3_600)
    );
    let short_day = at("2026-03-29T00:00:00[Europe/Berlin]");
    assert_eq!(
        end_of_day(&short_day).unwrap().left(short_day.timestamp()),
        Duration::from_secs(23 * 3_600)
    );

    // Fall back: 03:00 becomes 02:00 on 25 October 2026; 02:30 happens twice, the first is taken.
    let autumn = at("2026-10-25T01:00:00[Europe/Berlin]");
    let twice = parse_until("02:30", &autumn).unwrap();
    assert_eq!(local(&twice, "Europe/Berlin"), "2026-10-25 02:30 CEST");
    assert_eq!(twice.left(autumn.timestamp()), Duration::from_secs(90 * 60));
    let long_day = at("2026-10-25T00:00:00[Europe/Berlin]");
    assert_eq!(
        end_of_day(&long_day).unwrap().left(long_day.timestamp()),
        Duration::from_secs(25 * 3_600)
    );
    // New York changes on another date: 8 March 2026.
    let ny = at("2026-03-07T18:00:00[America/New_York]");
    let morning = parse_until("09:00", &ny).unwrap();
    assert_eq!(local(&morning, "America/New_York"), "2026-03-08 09:00 EDT");
    assert_eq!(
        morning.left(ny.timestamp()),
        Duration::from_secs(14 * 3_600)
    );
}

#[test]
fn phrases_take_either_form_with_or_without_their_word() {
    let now = at("2026-11-30T13:00:00[UTC]");
    assert_eq!(parse_phrase("  ", &now).unwrap(), None);
    let two_hours = Some(parse_for("2h", &now).unwrap());
    assert_eq!(parse_phrase("for 2h", &now).unwrap(), two_hours);
    assert_eq!(parse_phrase("2h", &now).unwrap(), two_hours);
    assert_eq!(parse_phrase("FOR 2h", &now).unwrap(), two_hours);
    let five = Some(parse_until("17:00", &now).unwrap());
    assert_eq!(parse_phrase("until 17:00", &now).unwrap(), five);
    assert_eq!(parse_phrase("till 17:00", &now).unwrap(), five);
    assert_eq!(parse_phrase("17:00", &now).unwrap(), five);
    assert_eq!(
        parse_phrase("tomorrow 09:00", &now)
            .unwrap()
            .unwrap()
            .to_string(),
        "09:00 tomorrow"
    );
    let e = parse_phrase("whenever \u{1b}]0;x\u{7}", &now)
        .unwrap_err()
        .to_string();
    assert!(e.contains("for 2h") && !e.contains('\u{1b}'), "{e}");
}

#[test]
fn graph_durations_are_iso_8601() {
    assert_eq!(iso_duration(Duration::from_secs(3_600)), "PT1H");
    assert_eq!(iso_duration(Duration::from_secs(5_400)), "PT1H30M");
    assert_eq!(iso_duration(Duration::from_secs(1_800)), "PT30M");
    assert_eq!(iso_duration(Duration::from_secs(90_061)), "PT25H1M1S");
    assert_eq!(iso_duration(Duration::ZERO), "PT0S");
}
