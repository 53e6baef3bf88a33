//! The core with calendars on: reads asked through effects, answers turned into facts, facets and
//! the free-soonest sort, and calendar trouble kept apart from presence polling.

use std::sync::Arc;
use std::time::Duration;

use ratatui::layout::Rect;

use super::free::FreeAt;
use super::{Reading, ScheduleAsk, ScheduleOutcome};
use crate::app::state::tests::{options, polled, presence, roster, t0};
use crate::app::{App, Effect, FailureKind, Msg, Now, PollFailure};
use crate::config::SortOrder;
use crate::graph::model::{Presence, UserId};
use crate::graph::schedule::{Schedule, Unavailable, WorkingHours, parse_view};
use crate::roster::Roster;
use crate::text::SafeText;

fn calendar_app(sort: SortOrder) -> App {
    let mut o = options();
    o.config.calendar.enabled = true;
    o.sort = sort;
    App::new(o, Rect::new(0, 0, 120, 40), t0())
}

fn asks(effects: &[Effect]) -> Vec<&ScheduleAsk> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::ReadSchedules(ask) => Some(&**ask),
            _ => None,
        })
        .collect()
}

fn polls(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::Poll(_)))
        .count()
}

/// Everyone but `u00` busy in a meeting; `u00` available.
fn team() -> (Arc<Roster>, Vec<Presence>) {
    let r = roster(3);
    let mut p = vec![presence("me", "Available", "Available", Some("1"))];
    p.push(presence("u00", "Available", "Available", Some("1")));
    p.push(presence("u01", "Busy", "InAMeeting", Some("1")));
    p.push(presence("u02", "Busy", "InAMeeting", Some("1")));
    (r, p)
}

/// UTC working hours, Monday to Friday 09:00-17:00 (t0 is Monday 2024-05-06 12:00:30 UTC).
fn office_hours() -> WorkingHours {
    WorkingHours {
        days: 0b0011_1110,
        start_secs: 9 * 3600,
        end_secs: 17 * 3600,
        zone: crate::time_zone::time_zone("UTC"),
        zone_name: "UTC".into(),
    }
}

/// A schedule for the window `ask` covers (from your midnight), free all morning, then
/// `view_from_noon`.
fn schedule(ask: &ScheduleAsk, view_from_noon: &str, hours: Option<WorkingHours>) -> Schedule {
    assert_eq!(ask.window.start.to_string(), "2024-05-06T00:00:00Z");
    let morning = "0".repeat(12 * 4);
    Schedule {
        schedule_id: String::new(),
        slots: parse_view(&format!("{morning}{view_from_noon}")),
        working_hours: hours,
    }
}

/// Starts the board, lands the first poll, and returns the first calendar read asked for.
fn started(app: &mut App) -> ScheduleAsk {
    let (r, p) = team();
    let effects = app.update(polled(&r, p), t0());
    let asked = asks(&effects);
    assert_eq!(asked.len(), 1, "the first roster starts a read of everyone");
    asked[0].clone()
}

fn answer(
    app: &mut App,
    ask: ScheduleAsk,
    at: Now,
    answers: Vec<(&str, Result<Schedule, Unavailable>)>,
) -> Vec<Effect> {
    let answers = answers
        .into_iter()
        .map(|(id, a)| (UserId::new(id), a))
        .collect();
    app.update(
        Msg::Schedules(Box::new(ScheduleOutcome {
            ask,
            answers,
            failure: None,
        })),
        at,
    )
}

/// Types `text` as the filter, from an empty one.
fn filter_at(app: &mut App, text: &str, at: Now) {
    use crossterm::event::{KeyCode, KeyEvent};
    app.update(Msg::Key(KeyEvent::from(KeyCode::Esc)), at);
    app.update(Msg::Key(KeyEvent::from(KeyCode::Char('/'))), at);
    app.update(Msg::Paste(text.into()), at);
}

fn filter(app: &mut App, text: &str) {
    filter_at(app, text, t0());
}

#[test]
fn calendars_off_ask_nothing_and_say_how_to_turn_facets_on() {
    let mut app = App::new(options(), Rect::new(0, 0, 120, 40), t0());
    let (r, p) = team();
    let effects = app.update(polled(&r, p), t0());
    assert!(asks(&effects).is_empty());
    assert!(app.calendar_view(&UserId::new("u01")).is_none());
    filter(&mut app, "free:30 is:outside-hours");
    let problem = app
        .filter()
        .problem()
        .expect("a problem shown in the prompt");
    assert!(
        problem.contains("enabled = true under [calendar]"),
        "{problem}"
    );
    assert_eq!(
        app.visible().len(),
        4,
        "the facets filter nothing while off"
    );
}

#[test]
fn a_read_asks_everyone_with_an_address_for_a_window_from_local_midnight() {
    let mut app = calendar_app(SortOrder::Availability);
    let ask = started(&mut app);
    assert!(ask.all);
    assert_eq!(ask.people.len(), 4);
    assert_eq!(
        ask.people[1],
        (UserId::new("u00"), "u00@example.com".into())
    );
    assert_eq!(ask.window.start.to_string(), "2024-05-06T00:00:00Z");
    assert_eq!(ask.window.end.to_string(), "2024-05-11T00:00:00Z");
    // One read in flight: nothing more until it answers, however long the presence polls go on.
    let later = t0().after(Duration::from_secs(30 * 60));
    let (r, p) = team();
    assert!(asks(&app.update(polled(&r, p), later)).is_empty());
}

#[test]
fn answers_become_facts_cards_filter_and_sort_read() {
    let mut app = calendar_app(SortOrder::Free);
    let ask = started(&mut app);
    let at = t0();
    // u01: in a meeting until 12:30, then free. u02: busy until 14:00, free after.
    answer(
        &mut app,
        ask.clone(),
        at,
        vec![
            ("u01", Ok(schedule(&ask, "22000000", Some(office_hours())))),
            (
                "u02",
                Ok(schedule(&ask, "2222222200", Some(office_hours()))),
            ),
            ("u00", Err(Unavailable::NotShared)),
        ],
    );
    let u01 = app.calendar_view(&UserId::new("u01")).unwrap();
    assert_eq!(
        u01.facts.free,
        Some(FreeAt::At("2024-05-06T12:30:00Z".parse().unwrap()))
    );
    assert!(!u01.facts.outside_hours);
    assert_eq!(
        app.calendar_view(&UserId::new("u00")).unwrap().reading,
        &Reading::NotShared
    );
    // Free soonest: the available first (you, then u00), then u01 (12:30), then u02 (14:00).
    let order: Vec<&str> = app
        .visible()
        .iter()
        .map(|&i| app.people()[i].id.as_str())
        .collect();
    assert_eq!(order, ["me", "u00", "u01", "u02"]);
    // free:30 keeps the available and u01; !free:30 the rest.
    filter(&mut app, "free:30");
    let kept: Vec<&str> = app
        .visible()
        .iter()
        .map(|&i| app.people()[i].id.as_str())
        .collect();
    assert_eq!(kept, ["me", "u00", "u01"]);
    filter(&mut app, "!free:30");
    let kept: Vec<&str> = app
        .visible()
        .iter()
        .map(|&i| app.people()[i].id.as_str())
        .collect();
    assert_eq!(kept, ["u02"]);
}

#[test]
fn facts_move_with_the_slot_and_outside_hours_after_five() {
    let mut app = calendar_app(SortOrder::Availability);
    let ask = started(&mut app);
    answer(
        &mut app,
        ask.clone(),
        t0(),
        vec![(
            "u01",
            Ok(schedule(
                &ask,
                &format!("{}{}", "2".repeat(4 * 12), "0".repeat(4 * 96)),
                Some(office_hours()),
            )),
        )],
    );
    // Busy until midnight: the next free working slot is Tuesday 09:00.
    let u01 = app.calendar_view(&UserId::new("u01")).unwrap();
    assert_eq!(
        u01.facts.free,
        Some(FreeAt::At("2024-05-07T09:00:00Z".parse().unwrap()))
    );
    // The next slot boundary is a deadline; at 17:00 the card is outside working hours.
    let deadline = app.next_deadline().expect("a deadline for the next slot");
    assert!(deadline <= t0().instant + Duration::from_secs(15 * 60));
    let evening = t0().after(Duration::from_secs(5 * 3600));
    app.update(Msg::Deadline, evening);
    assert!(
        app.calendar_view(&UserId::new("u01"))
            .unwrap()
            .facts
            .outside_hours
    );
    filter_at(&mut app, "is:outside-hours", evening);
    let kept: Vec<&str> = app
        .visible()
        .iter()
        .map(|&i| app.people()[i].id.as_str())
        .collect();
    assert_eq!(kept, ["u01"], "only people whose hours are known");
}

#[test]
fn a_meeting_change_reads_that_person_early_and_throttling_never_holds_presence() {
    let mut app = calendar_app(SortOrder::Availability);
    let ask = started(&mut app);
    answer(&mut app, ask, t0(), vec![]);
    // u01 leaves the meeting.
    let (r, mut p) = team();
    p[2] = presence("u01", "Available", "Available", Some("2"));
    let at = t0().after(Duration::from_secs(30));
    let effects = app.update(polled(&r, p.clone()), at);
    let early = asks(&effects);
    assert_eq!(early.len(), 1);
    assert!(!early[0].all);
    assert_eq!(
        early[0].people,
        [(UserId::new("u01"), "u01@example.com".into())]
    );
    // That read is throttled for ten minutes: calendars wait, presence polls keep their interval.
    let throttled = ScheduleOutcome {
        ask: early[0].clone(),
        answers: vec![],
        failure: Some(PollFailure {
            kind: FailureKind::Throttled {
                retry_after: Some(Duration::from_secs(600)),
            },
            message: SafeText::line("throttled"),
        }),
    };
    app.update(Msg::Schedules(Box::new(throttled)), at);
    assert!(app.calendar().trouble().is_some());
    let next_poll = app.next_deadline().unwrap();
    assert!(
        next_poll <= at.instant + Duration::from_secs(35),
        "the presence poll is still due within its interval"
    );
    let poll_at = t0().after(Duration::from_secs(75));
    let effects = app.update(Msg::Deadline, poll_at);
    assert_eq!(polls(&effects), 1, "presence polls on");
    assert!(
        asks(&effects).is_empty(),
        "calendars wait for their throttle"
    );
    p[2] = presence("u01", "Busy", "InAMeeting", Some("3"));
    let effects = app.update(polled(&r, p), poll_at);
    assert!(asks(&effects).is_empty(), "still held");
    let effects = app.update(Msg::Deadline, at.after(Duration::from_secs(601)));
    assert_eq!(
        asks(&effects).len(),
        1,
        "after the throttle: everyone, u01 with them"
    );
}

#[test]
fn a_failed_read_keeps_the_last_schedule_marked_stale() {
    let mut app = calendar_app(SortOrder::Availability);
    let ask = started(&mut app);
    answer(
        &mut app,
        ask.clone(),
        t0(),
        vec![("u01", Ok(schedule(&ask, "22000000", None)))],
    );
    let later = t0().after(Duration::from_secs(601));
    let effects = app.update(Msg::Deadline, later);
    let again = asks(&effects)[0].clone();
    app.update(
        Msg::Schedules(Box::new(ScheduleOutcome {
            ask: again,
            answers: vec![],
            failure: Some(PollFailure {
                kind: FailureKind::Failed,
                message: SafeText::line("Graph is unavailable (503)"),
            }),
        })),
        later,
    );
    let u01 = app.calendar_view(&UserId::new("u01")).unwrap();
    assert!(u01.stale);
    assert!(matches!(u01.reading, Reading::Known { .. }), "kept");
}

#[test]
fn local_times_on_screen_tick_by_the_minute_and_nothing_else_wakes_between_slots() {
    let mut app = calendar_app(SortOrder::Availability);
    let ask = started(&mut app);
    let mut india = office_hours();
    india.zone = crate::time_zone::time_zone("India Standard Time");
    india.zone_name = "India Standard Time".into();
    let at = t0();
    answer(
        &mut app,
        ask.clone(),
        at,
        vec![("u01", Ok(schedule(&ask, "0", Some(office_hours()))))],
    );
    // Everyone on screen shares your zone: the calendar's next wake-up is its next read, ten
    // minutes on (before the next slot, 12:15); nothing in between.
    let read = at.instant + Duration::from_secs(600);
    assert_eq!(app.calendar_deadline(), Some(read));
    // Someone whose local time shows: the next minute (12:01:00), not sooner.
    answer(
        &mut app,
        ask.clone(),
        at,
        vec![("u01", Ok(schedule(&ask, "0", Some(india))))],
    );
    let minute = at.instant + Duration::from_secs(30) + Duration::from_millis(20);
    assert_eq!(app.calendar_deadline(), Some(minute));
}
