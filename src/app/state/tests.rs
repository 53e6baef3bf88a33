//! `App::update` for every message, with time under the test's control.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::layout::Rect;

use crate::app::keymap::Keymap;
use crate::app::{
    App, Effect, FailureKind, Mode, Msg, Now, Options, PollData, PollFailure, Signal,
};
use crate::config::{GroupBy, SortOrder, Symbols, ThemeName};
use crate::graph::model::{Availability, Presence, User, UserId};
use crate::roster::{Roster, RosterSource};
use crate::store::Snapshot;
use crate::text::SafeText;

const MIN: Duration = Duration::from_secs(60);

pub(crate) fn options() -> Options {
    Options {
        interval: Duration::from_secs(30),
        unfocused_interval: Duration::from_secs(120),
        roster_ttl: Duration::from_secs(24 * 3600),
        sort: SortOrder::Availability,
        group_by: GroupBy::None,
        symbols: Symbols::Unicode,
        color: true,
        theme: ThemeName::Dark,
        mouse: true,
        keymap: Keymap::default(),
        place_names: false,
        tz: TimeZone::UTC,
        collation: crate::collation::Collation::root(),
        seed: 1,
        sign_in: crate::app::SignInOffer::Fixed,
        config: crate::config::Config::default(),
    }
}

/// 2024-05-06 12:00:30 UTC, half a minute past the minute.
pub(crate) fn t0() -> Now {
    Now {
        instant: Instant::now(),
        utc: Timestamp::from_second(1_714_996_830).unwrap(),
    }
}

pub(crate) fn user(id: &str, name: &str) -> User {
    User {
        id: UserId::new(id),
        display_name: Some(name.into()),
        user_principal_name: Some(format!("{id}@example.com")),
        mail: Some(format!("{id}@example.com")),
        job_title: None,
        department: None,
    }
}

pub(crate) fn roster(n: usize) -> Arc<Roster> {
    Arc::new(Roster {
        me: Some(user("me", "Me Myself")),
        members: (0..n)
            .map(|i| user(&format!("u{i:02}"), &format!("Person {i:02}")))
            .collect(),
        unresolved: Vec::new(),
        source: RosterSource::default(),
        resolved_at: None,
    })
}

pub(crate) fn presence(
    id: &str,
    availability: &str,
    activity: &str,
    seq: Option<&str>,
) -> Presence {
    let mut p = Presence::unknown(UserId::new(id));
    p.availability = Availability::parse(availability);
    p.activity = crate::graph::model::Activity::parse(activity);
    p.sequence_number = seq.map(str::to_owned);
    p
}

fn polled(roster: &Arc<Roster>, presences: Vec<Presence>) -> Msg {
    Msg::Polled(Box::new(Ok(PollData {
        roster: Arc::clone(roster),
        presences: presences.into_iter().map(Arc::new).collect(),
        malformed: 0,
        problem: None,
        min_interval: std::time::Duration::ZERO,
    })))
}

fn failed(kind: FailureKind) -> Msg {
    Msg::Polled(Box::new(Err(PollFailure {
        kind,
        message: SafeText::line("Graph is unavailable (503); retrying"),
    })))
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn everyone_available(roster: &Roster) -> Vec<Presence> {
    roster
        .ids()
        .iter()
        .map(|id| presence(id.as_str(), "Available", "Available", Some("1")))
        .collect()
}

/// A board at 80x24 that has taken its first poll: the roster, everyone available.
fn ready(n: usize) -> (App, Arc<Roster>, Now) {
    let now = t0();
    let mut app = App::new(options(), Rect::new(0, 0, 80, 24), now);
    let effects = app.update(
        Msg::Resize {
            width: 80,
            height: 24,
        },
        now,
    );
    assert!(
        matches!(effects.as_slice(), [Effect::Poll(None)]),
        "first poll at once: {effects:?}"
    );
    let r = roster(n);
    let presences = everyone_available(&r);
    app.update(polled(&r, presences), now);
    (app, r, now)
}

fn selected_id(app: &App) -> String {
    app.selected().unwrap().id.to_string()
}

fn has_poll(effects: &[Effect]) -> bool {
    effects.iter().any(|e| matches!(e, Effect::Poll(_)))
}

#[test]
fn the_first_poll_is_due_at_once_and_only_one_runs() {
    let now = t0();
    let mut app = App::new(options(), Rect::new(0, 0, 80, 24), now);
    assert_eq!(app.next_deadline(), Some(now.instant));
    assert!(has_poll(&app.update(Msg::Deadline, now)));
    assert!(app.poll_in_flight());
    assert_eq!(
        app.next_deadline(),
        None,
        "nothing to wait for while the poll runs and no card shows an age"
    );
    assert!(!has_poll(&app.update(Msg::Deadline, now.after(MIN))));
    assert!(
        !has_poll(&app.update(key('r'), now.after(MIN))),
        "r waits for the poll in flight"
    );
    assert_eq!(
        app.notice().unwrap().as_str(),
        "a refresh is already running"
    );
}

#[test]
fn a_successful_poll_schedules_the_next_within_the_jitter() {
    let (app, _, now) = ready(3);
    let next = app.next_deadline().unwrap();
    let wait = next - now.instant;
    assert!(
        wait >= Duration::from_secs(27) && wait <= Duration::from_secs(33),
        "{wait:?}"
    );
    assert_eq!(app.people().len(), 4);
    assert!(!app.freshness().is_stale());
    assert_eq!(app.freshness().updated_at, Some(now.utc));
}

#[test]
fn the_deadline_starts_the_next_poll_and_r_starts_one_now() {
    let (mut app, _, now) = ready(3);
    let next = app.next_deadline().unwrap();
    let early = Now {
        instant: next.checked_sub(Duration::from_millis(1)).unwrap(),
        ..now
    };
    assert!(
        !has_poll(&app.update(Msg::Deadline, early)),
        "an early wake-up does nothing"
    );
    let at = Now {
        instant: next,
        ..now
    };
    assert!(has_poll(&app.update(Msg::Deadline, at)));
    let (mut app, _, now) = ready(3);
    let later = now.after(Duration::from_secs(3));
    assert!(has_poll(&app.update(key('r'), later)));
}

#[test]
fn the_warm_roster_goes_back_with_the_next_poll_until_it_expires() {
    let (mut app, r, now) = ready(3);
    let effects = app.update(key('r'), now.after(Duration::from_secs(1)));
    match effects.as_slice() {
        [Effect::Poll(Some(held))] => assert!(Arc::ptr_eq(held, &r)),
        other => panic!("{other:?}"),
    }
    app.update(
        polled(&r, everyone_available(&r)),
        now.after(Duration::from_secs(2)),
    );
    let day = now.after(Duration::from_secs(24 * 3600 + 5));
    assert!(matches!(
        app.update(Msg::Deadline, day).as_slice(),
        [Effect::Poll(None)]
    ));
}

#[test]
fn failures_back_off_and_keep_the_last_good_data() {
    let (mut app, _, now) = ready(3);
    let before: Vec<String> = app
        .people()
        .iter()
        .map(|p| p.availability.to_string())
        .collect();
    app.update(key('r'), now);
    app.update(failed(FailureKind::Failed), now);
    assert!(app.freshness().is_stale());
    assert!(app.freshness().error.is_some());
    let after: Vec<String> = app
        .people()
        .iter()
        .map(|p| p.availability.to_string())
        .collect();
    assert_eq!(
        before, after,
        "a failed poll changes only the staleness shown"
    );
    let wait = app.next_deadline().unwrap() - now.instant;
    assert!(
        wait >= Duration::from_secs(27) && wait <= Duration::from_secs(33),
        "first backoff ≈ interval: {wait:?}"
    );
    let t1 = Now {
        instant: app.next_deadline().unwrap(),
        ..now
    };
    assert!(has_poll(&app.update(Msg::Deadline, t1)));
    app.update(failed(FailureKind::Failed), t1);
    let wait = app.next_deadline().unwrap() - t1.instant;
    assert!(
        wait >= Duration::from_secs(54) && wait <= Duration::from_secs(66),
        "second backoff doubles: {wait:?}"
    );
}

#[test]
fn throttling_pauses_polling_shows_until_when_and_refuses_r() {
    let (mut app, r, now) = ready(3);
    app.update(key('r'), now);
    app.update(
        failed(FailureKind::Throttled {
            retry_after: Some(Duration::from_secs(120)),
        }),
        now,
    );
    let until = app.freshness().throttled_until.unwrap();
    let told = until.duration_since(now.utc).as_secs();
    assert!((120..=121).contains(&told), "{told}");
    let next = app.next_deadline().unwrap();
    assert!(next - now.instant >= Duration::from_secs(120));
    assert!(
        !has_poll(&app.update(key('r'), now.after(MIN))),
        "r does not break a throttle"
    );
    assert!(
        app.notice()
            .unwrap()
            .as_str()
            .starts_with("Graph asked us to wait: throttled until 12:0")
    );
    let at = Now {
        instant: next,
        utc: until,
    };
    assert!(has_poll(&app.update(Msg::Deadline, at)));
    app.update(polled(&r, everyone_available(&r)), at);
    assert_eq!(app.freshness().throttled_until, None);
    assert!(!app.freshness().is_stale());
}

#[test]
fn throttled_without_retry_after_backs_off_from_the_interval_without_an_until_time() {
    let (mut app, _, now) = ready(3);
    app.update(key('r'), now);
    let mut at = now;
    for base in [30, 60, 120] {
        app.update(failed(FailureKind::Throttled { retry_after: None }), at);
        assert_eq!(
            app.freshness().throttled_until,
            None,
            "no time without Graph's word"
        );
        let next = app.schedule.next_poll().unwrap();
        let wait = next - at.instant;
        assert!(
            wait >= Duration::from_secs(base) && wait <= Duration::from_secs(base).mul_f64(1.1),
            "{wait:?} for {base} s"
        );
        assert!(
            !has_poll(&app.update(key('r'), at.after(Duration::from_secs(1)))),
            "r does not cut the backoff short"
        );
        at = Now {
            instant: next,
            utc: at.utc + jiff::SignedDuration::try_from(wait).unwrap(),
        };
        assert!(has_poll(&app.update(Msg::Deadline, at)));
    }
}

#[test]
fn a_clean_poll_clears_an_earlier_polls_warning_but_keeps_what_is_still_true() {
    let (mut app, r, now) = ready(3);
    let warning = |app: &App| {
        app.freshness()
            .warning
            .as_ref()
            .map(|w| w.as_str().to_owned())
    };
    let with_malformed = |roster: &Arc<Roster>, malformed: usize| {
        Msg::Polled(Box::new(Ok(PollData {
            roster: Arc::clone(roster),
            presences: everyone_available(roster)
                .into_iter()
                .map(Arc::new)
                .collect(),
            malformed,
            problem: None,
            min_interval: Duration::ZERO,
        })))
    };
    let mut at = now;
    let mut next = |app: &mut App| {
        at = at.after(Duration::from_secs(31));
        app.update(Msg::Deadline, at);
        at
    };
    let t = next(&mut app);
    app.update(with_malformed(&r, 1), t);
    assert!(
        warning(&app)
            .unwrap()
            .starts_with("1 presence answer(s) could not be read")
    );
    let t = next(&mut app);
    app.update(with_malformed(&r, 0), t);
    assert_eq!(warning(&app), None, "the first clean poll clears it");

    // A member the roster could not resolve is re-reported by every poll: that warning stays.
    let mut unresolved = (*r).clone();
    unresolved.unresolved = vec![crate::roster::Unresolved {
        configured: "ghost@example.com".into(),
        reason: "not found in the directory".into(),
    }];
    let unresolved = Arc::new(unresolved);
    let t = next(&mut app);
    app.update(with_malformed(&unresolved, 2), t);
    assert!(warning(&app).unwrap().starts_with("2 presence answer(s)"));
    for _ in 0..2 {
        let t = next(&mut app);
        app.update(with_malformed(&unresolved, 0), t);
        assert!(
            warning(&app).unwrap().contains("ghost@example.com"),
            "{:?}",
            warning(&app)
        );
    }
    let t = next(&mut app);
    app.update(with_malformed(&r, 0), t);
    assert_eq!(warning(&app), None, "resolved now: nothing left to say");
}

#[test]
fn a_warning_from_the_start_stays_in_the_footer_behind_the_polls_own() {
    let now = t0();
    let mut app = App::new(options(), Rect::new(0, 0, 80, 24), now);
    app.warn_at_start(&[
        SafeText::line("~/.config/teamboard/config.toml is writable by others"),
        SafeText::line("~/.cache/teamboard is writable by others"),
    ]);
    let warning = |app: &App| {
        app.freshness()
            .warning
            .as_ref()
            .map(|w| w.as_str().to_owned())
    };
    let start = warning(&app).unwrap();
    assert!(
        start.contains("config.toml") && start.contains(".cache"),
        "{start}"
    );
    app.update(Msg::Deadline, now);
    let r = roster(2);
    let bad = Msg::Polled(Box::new(Ok(PollData {
        roster: Arc::clone(&r),
        presences: everyone_available(&r).into_iter().map(Arc::new).collect(),
        malformed: 1,
        problem: None,
        min_interval: Duration::ZERO,
    })));
    app.update(bad, now);
    assert!(warning(&app).unwrap().starts_with("1 presence answer(s)"));
    let later = now.after(Duration::from_secs(40));
    app.update(Msg::Deadline, later);
    app.update(polled(&r, everyone_available(&r)), later);
    assert_eq!(warning(&app), Some(start), "still true: still shown");
}

#[test]
fn signed_out_stops_polling_until_r() {
    let now = t0();
    let mut app = App::new(options(), Rect::new(0, 0, 80, 24), now);
    app.update(Msg::Deadline, now);
    app.update(failed(FailureKind::SignedOut), now);
    assert!(app.freshness().signed_out);
    assert_eq!(app.next_deadline(), None);
    assert!(has_poll(&app.update(key('r'), now.after(MIN))));
}

#[test]
fn an_older_sequence_number_never_replaces_a_newer_one() {
    let (mut app, r, now) = ready(2);
    let newer = presence("u00", "Busy", "InACall", Some("A10"));
    app.update(key('r'), now);
    app.update(polled(&r, vec![newer]), now);
    let older = presence("u00", "Away", "Away", Some("A9"));
    app.update(key('r'), now);
    let effects = app.update(polled(&r, vec![older]), now);
    let p = app.person(&UserId::new("u00")).unwrap();
    assert_eq!(p.availability.as_str(), "Busy");
    assert_eq!(p.activity.as_str(), "In a call");
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Save(_))),
        "nothing new, nothing saved"
    );
}

#[test]
fn the_first_poll_replaces_a_cached_presence_whatever_its_sequence_number() {
    // A snapshot written by another run (a restarted demo numbers its changes from the start of
    // its day again) holds higher sequence numbers than this run's first answers.
    let now = t0();
    let r = roster(2);
    let mut app = App::new(options(), Rect::new(0, 0, 80, 24), now);
    let effects = load(
        &mut app,
        Snapshot {
            places: Vec::new(),
            saved_at: now.utc - jiff::SignedDuration::from_mins(2),
            roster: Arc::clone(&r),
            presences: vec![
                presence("u00", "Busy", "InAMeeting", Some("A900")).into(),
                // Out of roster order: loaded by the walk's second pass.
                presence("me", "Away", "Away", Some("A900")).into(),
            ],
            last_changed: Vec::new(),
        },
    );
    assert!(has_poll(&effects), "the cache load starts the first poll");
    let first = vec![
        presence("u00", "Available", "Available", Some("A1")),
        presence("me", "Available", "Available", Some("A1")),
    ];
    let effects = app.update(polled(&r, first), now);
    for id in ["u00", "me"] {
        let p = app.person(&UserId::new(id)).unwrap();
        assert_eq!(p.availability.as_str(), "Available", "{id}: the poll wins");
    }
    assert_eq!(app.counts().0[0], 2, "the header counts follow");
    assert!(effects.iter().any(|e| matches!(e, Effect::Save(_))));
    // From then on, this session's numbers order its answers again.
    app.update(key('r'), now);
    app.update(
        polled(&r, vec![presence("u00", "Busy", "InACall", Some("A0"))]),
        now,
    );
    let p = app.person(&UserId::new("u00")).unwrap();
    assert_eq!(
        p.availability.as_str(),
        "Available",
        "an older answer is dropped"
    );
}

#[test]
fn someone_left_out_keeps_their_presence_marked_stale_and_the_never_seen_stay_unknown() {
    let (mut app, r, now) = ready(2);
    app.update(key('r'), now);
    let only_me = vec![presence("me", "Busy", "Busy", Some("2"))];
    app.update(polled(&r, only_me), now);
    let u0 = app.person(&UserId::new("u00")).unwrap();
    assert!(u0.stale);
    assert_eq!(u0.availability.as_str(), "Available");
    assert!(!app.person(&UserId::new("me")).unwrap().stale);

    let now = t0();
    let mut fresh = App::new(options(), Rect::new(0, 0, 80, 24), now);
    fresh.update(Msg::Deadline, now);
    fresh.update(polled(&r, Vec::new()), now);
    let never = fresh.person(&UserId::new("u00")).unwrap();
    assert!(!never.stale);
    assert_eq!(never.availability.as_str(), "Unknown");
}

#[test]
fn a_change_flashes_and_starts_the_age_and_the_flash_end_is_a_deadline() {
    let (mut app, r, now) = ready(2);
    let t1 = now.after(Duration::from_secs(5));
    app.update(key('r'), t1);
    let mut answer = everyone_available(&r);
    answer[1] = presence("u00", "Busy", "InAMeeting", Some("2"));
    let effects = app.update(polled(&r, answer), t1);
    assert!(effects.iter().any(|e| matches!(e, Effect::Save(_))));
    let p = app.person(&UserId::new("u00")).unwrap();
    assert!(p.is_flashing(t1.instant));
    assert_eq!(p.changed_at, Some(t1.utc));
    assert_eq!(
        app.next_deadline(),
        Some(t1.instant + Duration::from_secs(2)),
        "the flash ends first"
    );
    let t2 = Now {
        instant: t1.instant + Duration::from_secs(2),
        ..t1
    };
    app.update(Msg::Deadline, t2);
    assert!(
        !app.person(&UserId::new("u00"))
            .unwrap()
            .is_flashing(t2.instant)
    );
    // Now the next minute boundary (12:01:00, 25 s after 12:00:35) comes before the next poll.
    let next = app.next_deadline().unwrap();
    let wait = next - t2.instant;
    assert!(
        wait > Duration::from_secs(24) && wait < Duration::from_secs(26),
        "{wait:?}"
    );
}

#[test]
fn ages_wake_the_board_only_when_a_label_on_screen_changes() {
    let (mut app, r, now) = ready(1);
    let mut snapshot = app.snapshot();
    // Changed two hours ago: the label reads "2h" until 3h; the next poll comes first.
    snapshot.last_changed = vec![(
        UserId::new("u00"),
        now.utc - jiff::SignedDuration::from_hours(2),
    )];
    load(&mut app, snapshot);
    let next = app.next_deadline().unwrap();
    assert!(
        next - now.instant > Duration::from_secs(26),
        "no minute wake-ups for an hour label"
    );
    app.update(key('r'), now);
    app.update(failed(FailureKind::SignedOut), now);
    let next = app.next_deadline().unwrap();
    assert_eq!(
        next - now.instant,
        Duration::from_secs(3600 - 30) + Duration::from_millis(20)
    );
    let _ = r;
}

#[test]
fn selection_follows_the_person_across_refreshes_sorts_and_filters() {
    let (mut app, r, now) = ready(8);
    app.update(key('l'), now);
    app.update(key('l'), now);
    let chosen = selected_id(&app);
    // Everyone else turns busy: the order changes, the selection stays on the same person.
    app.update(key('r'), now);
    let mut answer: Vec<Presence> = r
        .ids()
        .iter()
        .map(|id| presence(id.as_str(), "Busy", "Busy", Some("5")))
        .collect();
    let idx = answer.iter().position(|p| p.id.as_str() == chosen).unwrap();
    answer[idx] = presence(&chosen, "Offline", "OffWork", Some("5"));
    app.update(polled(&r, answer), now);
    assert_eq!(selected_id(&app), chosen);
    assert_eq!(
        app.cursor(),
        Some(app.visible().len() - 1),
        "offline sorts last"
    );
    app.update(key('s'), now);
    assert_eq!(app.sort(), SortOrder::Name);
    assert_eq!(selected_id(&app), chosen);
    app.update(key('/'), now);
    for c in chosen.chars() {
        app.update(key(c), now);
    }
    assert_eq!(app.visible().len(), 1);
    assert_eq!(selected_id(&app), chosen);
    app.update(code(KeyCode::Esc), now);
    assert_eq!(app.visible().len(), 9);
    assert_eq!(selected_id(&app), chosen);
    app.update(
        Msg::Resize {
            width: 30,
            height: 8,
        },
        now,
    );
    assert_eq!(selected_id(&app), chosen);
}

#[test]
fn vim_moves_follow_the_grid() {
    let (mut app, _, now) = ready(20); // 21 people, three columns at 80x24
    assert_eq!(app.cursor(), Some(0));
    app.update(key('j'), now);
    assert_eq!(app.cursor(), Some(3));
    app.update(key('l'), now);
    assert_eq!(app.cursor(), Some(4));
    app.update(code(KeyCode::Down), now);
    assert_eq!(app.cursor(), Some(7));
    app.update(key('k'), now);
    app.update(key('h'), now);
    assert_eq!(app.cursor(), Some(3));
    app.update(key('G'), now);
    assert_eq!(app.cursor(), Some(20));
    let effects = app.update(key('g'), now);
    assert!(effects.is_empty());
    assert_eq!(app.pending().keys_text(), "g");
    assert_eq!(
        app.next_deadline().unwrap(),
        now.instant + crate::app::keymap::SEQUENCE_TIMEOUT
    );
    app.update(key('g'), now);
    assert_eq!(app.cursor(), Some(0));
    app.update(ctrl('d'), now);
    assert_eq!(app.cursor(), Some(6), "half of four rows is two rows");
    app.update(ctrl('u'), now);
    assert_eq!(app.cursor(), Some(0));
    // A lone g that times out does nothing and clears the prefix.
    app.update(key('g'), now);
    app.update(Msg::Deadline, now.after(Duration::from_secs(2)));
    assert!(app.pending().is_empty());
    assert_eq!(app.cursor(), Some(0));
}

#[test]
fn quit_suspend_resume_and_signals() {
    let (mut app, _, now) = ready(2);
    assert!(matches!(
        app.update(key('q'), now).as_slice(),
        [Effect::Quit]
    ));
    assert!(matches!(
        app.update(ctrl('c'), now).as_slice(),
        [Effect::Quit]
    ));
    assert!(matches!(
        app.update(ctrl('z'), now).as_slice(),
        [Effect::Suspend]
    ));
    assert!(matches!(
        app.update(Msg::Resumed, now).as_slice(),
        [Effect::Redraw]
    ));
    assert!(matches!(
        app.update(Msg::Terminate(Signal::Terminate), now)
            .as_slice(),
        [Effect::Terminate(143)]
    ));
    assert!(matches!(
        app.update(Msg::Terminate(Signal::Hangup), now).as_slice(),
        [Effect::Terminate(129)]
    ));
    assert!(matches!(
        app.update(Msg::Terminate(Signal::Interrupt), now)
            .as_slice(),
        [Effect::Terminate(130)]
    ));
    assert!(matches!(
        app.update(Msg::Terminate(Signal::Quit), now).as_slice(),
        [Effect::Terminate(131)]
    ));
    let release = KeyEvent::new_with_kind(
        KeyCode::Char('q'),
        KeyModifiers::NONE,
        KeyEventKind::Release,
    );
    assert!(
        app.update(Msg::Key(release), now).is_empty(),
        "only presses count"
    );
}

#[test]
fn a_paste_goes_only_to_the_filter_and_never_quits() {
    let (mut app, _, now) = ready(5);
    assert!(app.update(Msg::Paste("q".into()), now).is_empty());
    assert!(
        !app.filter().is_active(),
        "outside the filter a paste is dropped"
    );
    app.update(key('/'), now);
    assert_eq!(app.mode(), Mode::Filter);
    let effects = app.update(
        Msg::Paste("q\u{3}\x1b[2J\x1b]52;c;aGk=\x07Person 01".into()),
        now,
    );
    assert!(effects.is_empty(), "{effects:?}");
    let value = app.filter().input.value().to_owned();
    assert!(
        !value.contains('\x1b') && !value.contains('\u{3}'),
        "{value:?}"
    );
    assert!(value.ends_with("Person 01"));
    assert_eq!(app.mode(), Mode::Filter);
}

#[test]
fn filter_keeps_with_enter_clears_with_esc_and_says_when_no_one_matches() {
    let (mut app, _, now) = ready(5);
    app.update(key('/'), now);
    for c in "zzzz".chars() {
        app.update(key(c), now);
    }
    assert!(app.visible().is_empty());
    assert_eq!(app.selected().map(|p| p.id.clone()), None);
    app.update(ctrl('w'), now);
    assert_eq!(app.visible().len(), 6, "ctrl-w deletes the word");
    app.update(key('0'), now);
    app.update(key('3'), now);
    app.update(code(KeyCode::Enter), now);
    assert_eq!(app.mode(), Mode::Board);
    assert!(app.filter().is_active());
    let kept = app.visible().len();
    assert!((1..6).contains(&kept));
    assert!(
        matches!(app.update(key('q'), now).as_slice(), [Effect::Quit]),
        "q quits again after Enter"
    );
    app.update(code(KeyCode::Esc), now);
    assert!(!app.filter().is_active());
    assert_eq!(app.visible().len(), 6);
}

#[test]
fn details_and_help_open_and_close() {
    let (mut app, _, now) = ready(3);
    app.update(code(KeyCode::Enter), now);
    assert_eq!(app.mode(), Mode::Details);
    app.update(key('l'), now);
    assert_eq!(
        app.mode(),
        Mode::Details,
        "moving keeps details open on the next person"
    );
    assert_eq!(app.cursor(), Some(1));
    app.update(code(KeyCode::Esc), now);
    assert_eq!(app.mode(), Mode::Board);
    app.update(key('?'), now);
    assert_eq!(app.mode(), Mode::Help);
    app.update(key('?'), now);
    assert_eq!(app.mode(), Mode::Board);
}

#[test]
fn mouse_clicks_select_and_the_wheel_moves_by_rows() {
    let (mut app, _, now) = ready(8);
    let click = |column, row| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    app.update(click(30, 7), now);
    assert_eq!(app.cursor(), Some(4));
    let wheel = Msg::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 0,
        row: 0,
        modifiers: KeyModifiers::NONE,
    });
    app.update(wheel, now);
    assert_eq!(app.cursor(), Some(7));
    let mut off = options();
    off.mouse = false;
    let mut app = App::new(off, Rect::new(0, 0, 80, 24), now);
    app.update(polled(&roster(8), everyone_available(&roster(8))), now);
    app.update(click(30, 7), now);
    assert_eq!(app.cursor(), Some(0), "mouse off: clicks do nothing");
}

#[test]
fn the_cache_fills_the_board_marked_stale_until_the_first_poll() {
    let now = t0();
    let r = roster(3);
    let snapshot = Snapshot {
        places: Vec::new(),
        saved_at: now.utc - jiff::SignedDuration::from_mins(5),
        roster: Arc::clone(&r),
        presences: vec![presence("u01", "Busy", "InAMeeting", Some("9")).into()],
        last_changed: vec![(
            UserId::new("u01"),
            now.utc - jiff::SignedDuration::from_mins(3),
        )],
    };
    let mut app = App::new(options(), Rect::new(0, 0, 80, 24), now);
    load(&mut app, snapshot);
    assert_eq!(app.people().len(), 4);
    assert!(app.freshness().is_stale());
    assert_eq!(
        app.freshness().cached_at,
        Some(now.utc - jiff::SignedDuration::from_mins(5))
    );
    let u1 = app.person(&UserId::new("u01")).unwrap();
    assert_eq!(u1.activity.as_str(), "In a meeting");
    assert!(!u1.is_flashing(now.instant), "the cache does not flash");
    // Search data is built after the first frame, or by the filter itself when it comes first.
    app.update(key('/'), now);
    for c in "person 01".chars() {
        app.update(key(c), now);
    }
    assert_eq!(app.visible().len(), 1);
    app.update(code(KeyCode::Esc), now);
    assert!(
        app.poll_in_flight(),
        "the first key's update started the poll that was due"
    );
    let mut answer = everyone_available(&r);
    answer[2].sequence_number = Some("10".into());
    app.update(polled(&r, answer), now);
    assert!(!app.freshness().is_stale());
    assert_eq!(app.freshness().cached_at, None);
    assert!(
        app.person(&UserId::new("u01"))
            .unwrap()
            .is_flashing(now.instant),
        "changed since the cache"
    );
}

#[test]
fn grouping_by_availability_orders_by_section() {
    let now = t0();
    let mut opts = options();
    opts.group_by = GroupBy::Availability;
    let mut app = App::new(opts, Rect::new(0, 0, 80, 40), now);
    let r = roster(3);
    let answer = vec![
        presence("me", "Offline", "OffWork", None),
        presence("u00", "Away", "Away", None),
        presence("u01", "Available", "Available", None),
        presence("u02", "Busy", "Busy", None),
    ];
    app.update(polled(&r, answer), now);
    let order: Vec<&str> = app
        .visible()
        .iter()
        .map(|&i| app.people()[i].id.as_str())
        .collect();
    assert_eq!(order, ["u01", "u02", "u00", "me"]);
    assert_eq!(app.geometry().sections.len(), 4);
}

#[test]
fn a_cache_in_another_order_still_loads_everyone() {
    let now = t0();
    let r = roster(4);
    let mut presences: Vec<Arc<Presence>> = r
        .ids()
        .iter()
        .map(|id| presence(id.as_str(), "Busy", "InACall", Some("3")).into())
        .collect();
    presences.reverse();
    presences.remove(1);
    let snapshot = Snapshot {
        places: Vec::new(),
        saved_at: now.utc,
        roster: Arc::clone(&r),
        presences,
        last_changed: vec![
            (UserId::new("u03"), now.utc),
            (
                UserId::new("me"),
                now.utc - jiff::SignedDuration::from_mins(3),
            ),
        ],
    };
    let mut app = App::new(options(), Rect::new(0, 0, 80, 24), now);
    load(&mut app, snapshot);
    let busy = app
        .people()
        .iter()
        .filter(|p| p.activity.as_str() == "In a call")
        .count();
    assert_eq!(busy, 4, "one of five had no presence cached");
    assert!(app.person(&UserId::new("me")).unwrap().changed_at.is_some());
    assert!(
        app.person(&UserId::new("u03"))
            .unwrap()
            .changed_at
            .is_some()
    );
}

#[test]
fn a_cache_load_completes_the_first_screen_now_and_everyone_after_finish_loading() {
    let now = t0();
    let r = roster(40);
    let snapshot = Snapshot {
        places: Vec::new(),
        saved_at: now.utc,
        roster: Arc::clone(&r),
        presences: r
            .ids()
            .iter()
            .map(|id| presence(id.as_str(), "Busy", "InAMeeting", Some("3")).into())
            .collect(),
        last_changed: Vec::new(),
    };
    let mut app = App::new(options(), Rect::new(0, 0, 80, 24), now);
    load(&mut app, snapshot);
    let shown = app.geometry().on_screen();
    assert_eq!(shown, 0..12);
    for n in shown {
        let p = app.shown(n).unwrap();
        assert!(!p.is_pending());
        assert_eq!(p.activity.as_str(), "In a meeting");
        assert_ne!(
            p.search,
            crate::app::filter::SearchEntry::default(),
            "search data built"
        );
    }
    assert!(app.shown(30).unwrap().is_pending());
    assert_eq!(
        app.counts().0[1],
        41,
        "counts are right before everyone is complete"
    );
    let now = app.now();
    app.update(Msg::FirstFrame, now);
    assert!(
        app.people()
            .iter()
            .all(|p| !p.is_pending() && p.activity.as_str() == "In a meeting")
    );
}

#[test]
fn a_changed_roster_keeps_presence_by_id_renames_drops_and_adds() {
    let (mut app, r, now) = ready(3);
    let busy = vec![presence("u01", "Busy", "InAMeeting", Some("2"))];
    app.update(polled(&r, busy), now.after(Duration::from_secs(30)));
    // u01 renamed and moved to the front, u00 gone, u07 new; the same ids in another order.
    let mut changed = (*r).clone();
    changed.members = vec![
        user("u01", "Renamed Person"),
        user("u02", "Person 02"),
        user("u07", "Newcomer"),
    ];
    let changed = Arc::new(changed);
    app.update(
        polled(&changed, Vec::new()),
        now.after(Duration::from_secs(60)),
    );
    let ids: Vec<&str> = app.people().iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["me", "u01", "u02", "u07"]);
    let renamed = app.person(&UserId::new("u01")).unwrap();
    assert_eq!(renamed.name.as_str(), "Renamed Person");
    assert_eq!(
        renamed.activity.as_str(),
        "In a meeting",
        "presence kept by id"
    );
    assert!(renamed.stale, "left out of the last answer");
    let newcomer = app.person(&UserId::new("u07")).unwrap();
    assert!(newcomer.presence.is_none());
    assert!(app.person(&UserId::new("u00")).is_none());
    // Only a profile changes: the same people, renamed in place.
    let mut renamed_again = (*changed).clone();
    renamed_again.members[1] = user("u02", "Second Name");
    app.update(
        polled(&Arc::new(renamed_again), Vec::new()),
        now.after(Duration::from_secs(90)),
    );
    assert_eq!(
        app.person(&UserId::new("u02")).unwrap().name.as_str(),
        "Second Name"
    );
    assert_eq!(app.people().len(), 4);
}

mod place_names {
    use super::*;
    use crate::graph::model::{LocationSource, WorkLocation, WorkLocationType};
    use crate::graph::places::PlaceLookup;

    fn at(id: &str, place: &str) -> Presence {
        let mut p = presence(id, "Available", "Available", Some("1"));
        p.work_location = Some(WorkLocation {
            work_location_type: WorkLocationType::parse("office"),
            source: LocationSource::parse("manual"),
            place_id: Some(place.into()),
        });
        p
    }

    fn app(place_names: bool) -> (App, Arc<Roster>, Now) {
        let now = t0();
        let mut o = options();
        o.place_names = place_names;
        (App::new(o, Rect::new(0, 0, 80, 24), now), roster(3), now)
    }

    fn asked(effects: &[Effect]) -> Option<Vec<String>> {
        effects.iter().find_map(|e| match e {
            Effect::LookUpPlaces(ids) => Some(ids.clone()),
            _ => None,
        })
    }

    fn place_of<'a>(app: &'a App, id: &str) -> Option<&'a str> {
        app.person(&UserId::new(id))?
            .location
            .as_ref()?
            .place_name
            .as_ref()
            .map(SafeText::as_str)
    }

    fn placed() -> Vec<Presence> {
        vec![at("u00", "p1"), at("u01", "p1"), at("u02", "p2")]
    }

    #[test]
    fn each_place_is_asked_once_then_shown_sanitized_and_cached() {
        let (mut app, r, now) = app(true);
        let effects = app.update(polled(&r, placed()), now);
        assert_eq!(asked(&effects), Some(vec!["p1".into(), "p2".into()]));
        // Not again while the first lookup is in flight.
        let later = now.after(Duration::from_secs(30));
        assert_eq!(asked(&app.update(polled(&r, placed()), later)), None);
        let answer = PlaceLookup {
            named: vec![("p1".into(), "\u{1b}]0;pwned\u{7}Building 40".into())],
            unknown: vec!["p2".into()],
            denied: false,
        };
        let effects = app.update(Msg::Places(Box::new(Some(answer))), later);
        assert!(effects.iter().any(|e| matches!(e, Effect::Save(_))));
        assert_eq!(place_of(&app, "u00"), Some("Building 40"));
        assert_eq!(place_of(&app, "u01"), Some("Building 40"));
        assert_eq!(place_of(&app, "u02"), None, "Graph does not know p2");
        // Named or unknown: nothing left to ask.
        let again = now.after(Duration::from_secs(60));
        assert_eq!(asked(&app.update(polled(&r, placed()), again)), None);
        // A warm start has the names at once and asks nothing.
        let snapshot = app.snapshot();
        assert_eq!(snapshot.places, vec![("p1".into(), "Building 40".into())]);
        let (mut warm, _, _) = self::app(true);
        load(&mut warm, snapshot);
        assert_eq!(place_of(&warm, "u00"), Some("Building 40"));
        assert_eq!(
            asked(&warm.update(polled(&r, placed()), again)),
            Some(vec!["p2".into()]),
            "only the place this session has not heard of"
        );
    }

    #[test]
    fn a_refusal_stops_asking_and_says_why_a_failure_asks_again_later() {
        let (mut app, r, now) = app(true);
        assert!(asked(&app.update(polled(&r, placed()), now)).is_some());
        app.update(Msg::Places(Box::new(None)), now);
        let later = now.after(Duration::from_secs(30));
        assert!(
            asked(&app.update(polled(&r, placed()), later)).is_some(),
            "a failed lookup is tried again after the next poll"
        );
        let denied = PlaceLookup {
            denied: true,
            ..PlaceLookup::default()
        };
        app.update(Msg::Places(Box::new(Some(denied))), later);
        assert!(
            app.freshness()
                .warning
                .as_ref()
                .is_some_and(|w| w.as_str().contains("Place.Read.All"))
        );
        let again = now.after(Duration::from_secs(60));
        assert_eq!(asked(&app.update(polled(&r, placed()), again)), None);
        assert_eq!(place_of(&app, "u00"), None, "Office alone");
    }

    #[test]
    fn off_by_default_nothing_is_asked() {
        let (mut app, r, now) = app(false);
        assert_eq!(asked(&app.update(polled(&r, placed()), now)), None);
    }
}

#[test]
fn the_filter_still_finds_the_profile_after_a_presence_change() {
    let mut r = (*roster(3)).clone();
    r.members[1].job_title = Some("Platform Engineer".into());
    let r = Arc::new(r);
    let now = t0();
    let mut app = App::new(options(), Rect::new(0, 0, 80, 24), now);
    app.update(polled(&r, everyone_available(&r)), now);
    let mut changed = presence("u01", "Busy", "InACall", Some("2"));
    changed.status_message = Some(Box::new(crate::graph::model::StatusMessage {
        message: Some(crate::graph::model::ItemBody {
            content: Some("Migrating the database".into()),
            content_type: Some("text".into()),
        }),
        ..Default::default()
    }));
    app.update(
        polled(&r, vec![changed]),
        now.after(Duration::from_secs(30)),
    );
    let find = |app: &mut App, words: &str| {
        app.update(code(KeyCode::Esc), now);
        app.update(key('/'), now);
        for c in words.chars() {
            app.update(key(c), now);
        }
        app.visible()
            .iter()
            .map(|&i| app.people()[i].id.as_str().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(find(&mut app, "platform"), ["u01"], "job title kept");
    assert_eq!(find(&mut app, "u01"), ["u01"], "mail kept");
    assert_eq!(find(&mut app, "migrating"), ["u01"], "new status message");
    assert_eq!(find(&mut app, "is:busy"), ["u01"], "new availability");
}

#[test]
fn a_cached_roster_of_known_age_goes_to_the_first_poll_until_it_expires() {
    let now = t0();
    let first_poll = |resolved: Option<jiff::SignedDuration>| {
        let mut r = (*roster(3)).clone();
        r.resolved_at = resolved.map(|ago| now.utc - ago);
        let r = Arc::new(r);
        let snapshot = Snapshot {
            saved_at: now.utc,
            roster: Arc::clone(&r),
            presences: Vec::new(),
            last_changed: Vec::new(),
            places: Vec::new(),
        };
        let mut app = App::new(options(), Rect::new(0, 0, 80, 24), now);
        let effects = load(&mut app, snapshot);
        match effects.as_slice() {
            [Effect::Poll(Some(held))] => Some(Arc::ptr_eq(held, &r)),
            [Effect::Poll(None)] => None,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(
        first_poll(Some(jiff::SignedDuration::from_hours(2))),
        Some(true),
        "no roster file read"
    );
    assert_eq!(
        first_poll(Some(jiff::SignedDuration::from_hours(25))),
        None,
        "older than roster_ttl"
    );
    assert_eq!(
        first_poll(Some(jiff::SignedDuration::from_hours(-1))),
        None,
        "from the future"
    );
    assert_eq!(first_poll(None), None, "age unknown: the store decides");
}

#[test]
fn q_closes_a_popup_and_quits_only_from_the_board() {
    let (mut app, _, now) = ready(3);
    app.update(code(KeyCode::Enter), now);
    assert_eq!(app.mode(), Mode::Details);
    assert!(
        app.update(key('q'), now).is_empty(),
        "q in details does not quit"
    );
    assert_eq!(app.mode(), Mode::Board);
    app.update(key('?'), now);
    assert_eq!(app.mode(), Mode::Help);
    assert!(
        app.update(key('q'), now).is_empty(),
        "q in help does not quit"
    );
    assert_eq!(app.mode(), Mode::Board);
    app.update(key('?'), now);
    assert!(
        matches!(app.update(ctrl('c'), now).as_slice(), [Effect::Quit]),
        "ctrl-c quits from a popup"
    );
    app.update(key('q'), now);
    assert!(matches!(
        app.update(key('q'), now).as_slice(),
        [Effect::Quit]
    ));
}

#[test]
fn vim_pages_and_row_ends_work_by_default() {
    let (mut app, _, now) = ready(40);
    let g = app.geometry();
    let cols = usize::from(g.columns);
    assert!(cols > 1, "a grid of several columns");
    app.update(ctrl('f'), now);
    let page = app.cursor().unwrap();
    assert!(page >= cols, "ctrl-f moves a page down");
    app.update(ctrl('b'), now);
    assert_eq!(app.cursor(), Some(0), "ctrl-b moves a page up");
    app.update(key('j'), now);
    app.update(key('l'), now);
    assert_eq!(app.cursor(), Some(cols + 1));
    app.update(key('$'), now);
    assert_eq!(app.cursor(), Some(2 * cols - 1), "$ goes to the row's end");
    app.update(key('0'), now);
    assert_eq!(app.cursor(), Some(cols), "0 goes to the row's start");
    // On the last, short row, $ stops at the last person.
    app.update(key('G'), now);
    app.update(key('0'), now);
    let start = app.cursor().unwrap();
    app.update(key('$'), now);
    assert_eq!(app.cursor(), Some(40));
    assert!(start <= 40 && 40 - start < cols);
}

#[test]
fn r_says_a_refresh_is_under_way_until_it_lands_and_scheduled_polls_say_nothing() {
    let (mut app, r, now) = ready(3);
    // A scheduled poll is silent.
    let due = Now {
        instant: app.next_deadline().unwrap(),
        ..now
    };
    assert!(has_poll(&app.update(Msg::Deadline, due)));
    assert!(!app.freshness().refreshing);
    app.update(polled(&r, everyone_available(&r)), due);
    // `r` starts a poll and says so until it lands.
    let asked = due.after(Duration::from_secs(5));
    assert!(has_poll(&app.update(key('r'), asked)));
    assert!(app.freshness().refreshing);
    let landed = asked.after(Duration::from_secs(61));
    app.update(polled(&r, everyone_available(&r)), landed);
    assert!(!app.freshness().refreshing);
    assert_eq!(
        app.freshness().updated_at,
        Some(landed.utc),
        "updated hh:mm moves"
    );
    // `r` while a scheduled poll runs: that poll is the refresh.
    let due = Now {
        instant: app.next_deadline().unwrap(),
        ..landed
    };
    app.update(Msg::Deadline, due);
    assert!(!app.freshness().refreshing);
    app.update(key('r'), due);
    assert!(app.freshness().refreshing);
    app.update(failed(FailureKind::Failed), due);
    assert!(!app.freshness().refreshing, "a failure ends it too");
}

#[test]
fn tilde_goes_to_your_own_card_or_says_why_not() {
    let (mut app, _, now) = ready(20);
    app.update(key('G'), now);
    assert_ne!(selected_id(&app), "me");
    app.update(key('~'), now);
    assert_eq!(selected_id(&app), "me");
    app.update(key('G'), now);
    app.update(key('/'), now);
    for c in "Person 1".chars() {
        app.update(key(c), now);
    }
    app.update(code(KeyCode::Enter), now);
    let before = app.cursor();
    app.update(key('~'), now);
    assert_eq!(app.cursor(), before, "hidden by the filter: stays");
    assert!(
        app.notice().is_some_and(|n| n.as_str().contains("filter")),
        "{:?}",
        app.notice()
    );
}

#[test]
fn losing_focus_stretches_the_refresh_and_focus_refreshes_at_once() {
    let (mut app, r, now) = ready(3);
    let next = app.next_deadline().unwrap();
    assert!(
        next <= now.instant + Duration::from_secs(33),
        "30 s ± jitter"
    );
    app.update(Msg::FocusLost, now);
    let stretched = app.next_deadline().unwrap();
    assert!(
        stretched >= now.instant + Duration::from_secs(108),
        "120 s ± jitter: {:?}",
        stretched - now.instant
    );
    let t40 = now.after(Duration::from_secs(40));
    assert!(
        !has_poll(&app.update(Msg::Deadline, t40)),
        "no poll while unfocused"
    );
    // Back in focus: a poll at once, since the last is 40 s old.
    assert!(has_poll(&app.update(Msg::FocusGained, t40)));
    app.update(polled(&r, everyone_available(&r)), t40);
    let next = app.next_deadline().unwrap();
    assert!(
        next <= t40.instant + Duration::from_secs(33),
        "focused: 30 s again"
    );
}

#[test]
fn focus_right_after_a_poll_or_during_one_does_not_poll_again() {
    let (mut app, r, now) = ready(3);
    app.update(Msg::FocusLost, now);
    let t2 = now.after(Duration::from_secs(2));
    assert!(
        !has_poll(&app.update(Msg::FocusGained, t2)),
        "the last poll is 2 s old"
    );
    assert!(app.next_deadline().unwrap() <= now.instant + Duration::from_secs(33));
    // A poll in flight: focus coming back starts no second one.
    let t40 = now.after(Duration::from_secs(40));
    assert!(has_poll(&app.update(Msg::Deadline, t40)));
    app.update(Msg::FocusLost, t40);
    assert!(!has_poll(&app.update(Msg::FocusGained, t40)));
    assert!(app.poll_in_flight());
    app.update(polled(&r, everyone_available(&r)), t40);
    assert!(app.stretch_allowed());
}

/// The cache read at start, handed to the board as the loop does.
pub(crate) fn load(app: &mut App, snapshot: Snapshot) -> Vec<Effect> {
    let now = app.now();
    app.update(Msg::Cached(Box::new(snapshot)), now)
}
