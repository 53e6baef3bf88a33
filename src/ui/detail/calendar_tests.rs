//! The details' calendar part: the documented custom zone in words, today's strip, and a calendar
//! that is not shared.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::Detail;
use crate::app::calendar::free::{FreeAt, Runs};
use crate::app::calendar::{CalendarView, Facts, Reading};
use crate::app::person::Person;
use crate::config::Symbols;
use crate::graph::model::{User, UserId, parse_single_presence};
use crate::graph::schedule::{WorkingHours, parse_view};
use crate::ui::theme::Theme;

/// Wednesday 2024-07-03 16:10 UTC: 09:10 in Redmond.
const NOW: &str = "2024-07-03T16:10:00Z";

fn megan() -> Person {
    let mut p = Person::from_user(&User {
        id: UserId::new("m1"),
        display_name: Some("Megan Bowen".into()),
        user_principal_name: Some("meganb@contoso.com".into()),
        mail: None,
        job_title: None,
        department: None,
    });
    p.set_presence(
        parse_single_presence(br#"{"id":"m1","availability":"Busy","activity":"InAMeeting"}"#)
            .unwrap(),
    );
    p
}

/// Graph's documented custom zone (Pacific time) with Monday-to-Friday 08:00-17:00.
fn pacific_hours() -> WorkingHours {
    let answer: serde_json::Value = serde_json::from_str(include_str!(
        "../../../tests/fixtures/getschedule-two-users.json"
    ))
    .unwrap();
    let asked = ["meganb@contoso.onmicrosoft.com".to_owned()];
    let start: Timestamp = "2024-07-03T00:00:00Z".parse().unwrap();
    let window = crate::graph::schedule::Window {
        start,
        end: start + jiff::SignedDuration::from_hours(24),
    };
    let read = crate::graph::schedule::parse_answer(&answer, &asked, window).unwrap();
    read[0].1.clone().unwrap().working_hours.unwrap()
}

fn rendered(
    view: CalendarView<'_>,
    tz: &TimeZone,
    symbols: Symbols,
) -> (String, Terminal<TestBackend>) {
    let p = megan();
    let now: Timestamp = NOW.parse().unwrap();
    let mut detail = Detail::new(&p, Theme::new(false, symbols), tz, now);
    detail.model.calendar = Some(view);
    let mut term = Terminal::new(TestBackend::new(80, 30)).unwrap();
    term.draw(|f| f.render_widget(&detail, f.area())).unwrap();
    (term.backend().to_string(), term)
}

#[test]
fn the_strip_shows_today_in_your_hours_with_now_marked() {
    let hours = pacific_hours();
    // From your midnight (Berlin, 22:00 UTC the day before): free until 16:00 Berlin, tentative,
    // busy 18:00-19:00 (now), free, out of office from 22:00 (after the strip's evening).
    let start: Timestamp = "2024-07-02T22:00:00Z".parse().unwrap();
    let view = format!(
        "{}{}{}{}{}",
        "0".repeat(16 * 4),
        "1".repeat(8),
        "2".repeat(4),
        "0".repeat(12),
        "3".repeat(4 * 4)
    );
    let reading = Reading::Known {
        runs: Runs::from_view(start, &parse_view(&view)),
        hours: Some(0),
    };
    let facts = Facts {
        free: Some(FreeAt::At("2024-07-03T17:00:00Z".parse().unwrap())),
        out_until: None,
        outside_hours: false,
    };
    let berlin = TimeZone::get("Europe/Berlin").unwrap();
    let calendar = CalendarView {
        reading: &reading,
        stale: false,
        facts,
        hours: Some(&hours),
    };
    let (text, term) = rendered(calendar, &berlin, Symbols::Unicode);
    for want in [
        "Free          19:00",
        "Their time    09:10",
        "Hours         Mon–Fri 08:00–17:00, Customized Time Zone (UTC-07 now)",
        "Today         ····································▒▒▒▒▒▒▒▒████····",
        "^ now 18:10",
        "· free ▒ tentative █ busy ▓ out of office ~ elsewhere",
    ] {
        assert!(text.contains(want), "{want:?} missing:\n{text}");
    }
    insta::assert_snapshot!("detail_calendar_strip", term.backend());
    // Without colour or Unicode the strip still reads.
    let reading_again = reading.clone();
    let ascii = CalendarView {
        reading: &reading_again,
        stale: true,
        facts,
        hours: Some(&hours),
    };
    let (text, _) = rendered(ascii, &berlin, Symbols::Ascii);
    assert!(text.contains("tttttttt####....  "), "{text}");
    assert!(text.contains("The last calendar read failed"), "{text}");
}

#[test]
fn a_calendar_not_shared_says_so_and_nothing_else() {
    let reading = Reading::NotShared;
    let view = CalendarView {
        reading: &reading,
        stale: false,
        facts: Facts::default(),
        hours: None,
    };
    let (text, _) = rendered(view, &TimeZone::UTC, Symbols::Unicode);
    assert!(text.contains("calendar not shared"), "{text}");
    assert!(!text.contains("Today"), "{text}");
}
