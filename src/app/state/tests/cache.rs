//! The board from the cache at start, and the roster changing under it.

use super::*;
use crate::collation::Collation;

#[test]
fn the_cache_fills_the_board_marked_stale_until_the_first_poll() {
    let now = t0();
    let r = roster(3);
    let snapshot = Snapshot {
        name_order: crate::store::NameOrder::default(),
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
        name_order: crate::store::NameOrder::default(),
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
        name_order: crate::store::NameOrder::default(),
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
            name_order: crate::store::NameOrder::default(),
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
fn the_order_of_names_is_saved_and_taken_back_only_when_it_fits() {
    let now = t0();
    let r = Arc::new(Roster {
        me: None,
        members: ["Zoë", "Ångström", "Ángel", "bob"]
            .iter()
            .enumerate()
            .map(|(i, name)| user(&format!("u{i}"), name))
            .collect(),
        ..Roster::default()
    });
    let names = |app: &App| -> Vec<String> {
        app.visible()
            .iter()
            .map(|&i| app.people()[i].name.as_str().to_owned())
            .collect()
    };
    let mut sorted_by_name = options();
    sorted_by_name.sort = SortOrder::Name;
    let mut app = App::new(sorted_by_name.clone(), Rect::new(0, 0, 80, 24), now);
    app.update(polled(&r, everyone_available(&r)), now);
    let saved = app.snapshot();
    assert_eq!(saved.name_order.collation, Collation::root().key());
    assert_eq!(saved.name_order.ranks.len(), 4);
    assert_eq!(names(&app), ["Ángel", "Ångström", "bob", "Zoë"]);

    // The same collation takes the saved ranks: made-up ones show they are used, not made again.
    let mut taken = saved.clone();
    taken.name_order.ranks = vec![0, 1, 2, 3];
    let mut app = App::new(sorted_by_name.clone(), Rect::new(0, 0, 80, 24), now);
    load(&mut app, taken);
    assert_eq!(names(&app), ["Zoë", "Ångström", "Ángel", "bob"]);

    // Another collation, or ranks for another number of people, are made again.
    let mut swedish = sorted_by_name.clone();
    swedish.collation = Collation::for_locale("sv_SE");
    let mut app = App::new(swedish, Rect::new(0, 0, 80, 24), now);
    load(&mut app, saved.clone());
    assert_eq!(names(&app), ["Ángel", "bob", "Zoë", "Ångström"]);
    let mut short = saved;
    short.name_order.ranks = vec![3, 2, 1];
    let mut app = App::new(sorted_by_name, Rect::new(0, 0, 80, 24), now);
    load(&mut app, short);
    assert_eq!(names(&app), ["Ángel", "Ångström", "bob", "Zoë"]);
}

#[test]
fn an_answer_equal_to_the_cache_is_kept_in_its_place_so_the_next_is_known_by_address() {
    let now = t0();
    let r = roster(2);
    let cached: Vec<Arc<Presence>> = everyone_available(&r).into_iter().map(Arc::new).collect();
    let snapshot = Snapshot {
        name_order: crate::store::NameOrder::default(),
        places: Vec::new(),
        saved_at: now.utc - jiff::SignedDuration::from_mins(5),
        roster: Arc::clone(&r),
        presences: cached.clone(),
        last_changed: Vec::new(),
    };
    let mut app = App::new(options(), Rect::new(0, 0, 80, 24), now);
    load(&mut app, snapshot);
    app.update(key('j'), now);
    let answer: Vec<Arc<Presence>> = everyone_available(&r).into_iter().map(Arc::new).collect();
    let msg = Msg::Polled(Box::new(Ok(PollData {
        roster: Arc::clone(&r),
        presences: answer.clone(),
        malformed: 0,
        problem: None,
        min_interval: std::time::Duration::ZERO,
    })));
    app.update(msg, now);
    for (cached, answered) in cached.iter().zip(&answer) {
        let person = app.person(&cached.id).unwrap();
        let held = person.presence.as_ref().unwrap();
        assert!(
            Arc::ptr_eq(held, answered),
            "{}: the answer's copy",
            cached.id
        );
        assert!(!person.is_flashing(now.instant), "nothing changed");
        assert_eq!(Arc::strong_count(cached), 1, "the cache's copy is freed");
    }
}
