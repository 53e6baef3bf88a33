//! Polls: when they run, what a success, a failure or throttling does to the board, and what
//! wakes it between them.

use super::*;

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
            name_order: crate::store::NameOrder::default(),
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

#[test]
fn the_very_presences_held_answered_again_change_nothing_but_staleness() {
    let (mut app, r, now) = ready(3);
    let ids = r.ids();
    let held: Vec<Arc<Presence>> = ids
        .iter()
        .map(|id| Arc::clone(app.person(id).unwrap().presence.as_ref().unwrap()))
        .collect();
    let shared = |presences: Vec<Arc<Presence>>| {
        Msg::Polled(Box::new(Ok(PollData {
            roster: Arc::clone(&r),
            presences,
            malformed: 0,
            problem: None,
            min_interval: Duration::ZERO,
        })))
    };
    // u01 left out: stale. Then everyone's very presence again, u01's included.
    let without: Vec<_> = held
        .iter()
        .filter(|p| p.id.as_str() != "u01")
        .cloned()
        .collect();
    app.update(shared(without), now);
    assert!(app.person(&UserId::new("u01")).unwrap().stale);
    let effects = app.update(shared(held.clone()), now);
    for (id, presence) in ids.iter().zip(&held) {
        let person = app.person(id).unwrap();
        assert!(!person.stale, "{id}");
        assert!(Arc::ptr_eq(person.presence.as_ref().unwrap(), presence));
    }
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Save(_))),
        "nothing to save: {effects:?}"
    );
    // Answered in reverse, each is still found by id and kept.
    let reversed: Vec<_> = held.iter().rev().cloned().collect();
    app.update(shared(reversed), now);
    for (id, presence) in ids.iter().zip(&held) {
        assert!(Arc::ptr_eq(
            app.person(id).unwrap().presence.as_ref().unwrap(),
            presence
        ));
    }
}

#[test]
fn a_poll_starting_alone_keeps_the_frame_and_anything_else_due_with_it_does_not() {
    let (mut app, r, now) = ready(2);
    let due = app.next_deadline().unwrap();
    let at_poll = Now {
        instant: due,
        utc: now.utc,
    };
    assert!(has_poll(&app.update(Msg::Deadline, at_poll)));
    assert!(app.frame_kept(), "a poll runs out of sight");
    app.update(key('j'), at_poll);
    assert!(!app.frame_kept(), "a key may change the screen");

    // A change flashes; the flash ends at the same deadline as the next poll starts.
    let mut answer = everyone_available(&r);
    answer[1] = presence("u00", "Busy", "InAMeeting", Some("2"));
    app.update(polled(&r, answer), at_poll);
    let later = Now {
        instant: at_poll.instant + Duration::from_secs(60),
        utc: at_poll.utc,
    };
    assert!(has_poll(&app.update(Msg::Deadline, later)));
    assert!(!app.frame_kept(), "the flash ended: the cards change");
    // u00 changes back: a flash, then an age that ticks a minute after the change. Each of
    // those is drawn; the poll between them is not.
    let mut back = everyone_available(&r);
    back[1] = presence("u00", "Available", "Available", Some("3"));
    app.update(polled(&r, back), later);
    let at = |instant: Instant| Now {
        instant,
        utc: later.utc + jiff::SignedDuration::try_from(instant - later.instant).unwrap(),
    };
    let flash_end = app.next_deadline().unwrap();
    assert!(!has_poll(&app.update(Msg::Deadline, at(flash_end))));
    assert!(!app.frame_kept(), "the flash ended");
    let poll = app.next_deadline().unwrap();
    assert!(has_poll(&app.update(Msg::Deadline, at(poll))));
    assert!(app.frame_kept());
    let age = app.next_deadline().unwrap();
    assert!(!has_poll(&app.update(Msg::Deadline, at(age))));
    assert!(!app.frame_kept(), "the age on u00's card ticked");
}
