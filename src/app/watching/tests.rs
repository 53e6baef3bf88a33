//! Watching on the board, through `App::update`: alerts from polls, quiet hours, `w`, the facet,
//! the focus rule, today'"'"'s transitions and the reach-out keys.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use crate::app::state::tests::{key, options, polled, presence, roster, t0};
use crate::app::{App, Effect, Msg, Now, Options, Outgoing};
use crate::graph::model::{Presence, UserId};
use crate::roster::Roster;

/// Everyone available except `u01`, whose availability is `ann`; sequence `seq`.
fn answer(roster: &Roster, ann: &str, seq: u32) -> Vec<Presence> {
    roster
        .ids()
        .iter()
        .map(|id| {
            let a = if id.as_str() == "u01" {
                ann
            } else {
                "Available"
            };
            presence(id.as_str(), a, a, Some(&format!("{seq:04}")))
        })
        .collect()
}

/// A board whose config watches `u01` (with `configure`), first poll taken with u01 Busy.
fn watching(configure: impl FnOnce(&mut Options)) -> (App, Arc<Roster>, Now) {
    let mut o = options();
    o.config.watch.people = vec!["u01@example.com".into()];
    configure(&mut o);
    let now = t0();
    let mut app = App::new(o, Rect::new(0, 0, 100, 30), now);
    let r = roster(4);
    app.update(Msg::Deadline, now);
    let first = app.update(polled(&r, answer(&r, "Busy", 1)), now);
    assert!(
        !first.iter().any(|e| matches!(e, Effect::Alert(_))),
        "never on the first poll"
    );
    (app, r, now)
}

fn alerts(effects: &[Effect]) -> Vec<&Outgoing> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Alert(a) => Some(&**a),
            _ => None,
        })
        .collect()
}

#[test]
fn a_watched_person_becoming_available_alerts_once_with_a_footer_line() {
    let (mut app, r, now) = watching(|_| {});
    assert_eq!(app.watch().count(), 1);
    let later = now.after(Duration::from_secs(30));
    let effects = app.update(polled(&r, answer(&r, "Available", 2)), later);
    let sent = alerts(&effects);
    assert_eq!(sent.len(), 1, "{effects:?}");
    assert_eq!(sent[0].text, "Person 01 is Available");
    assert!(sent[0].command.is_empty());
    assert_eq!(
        app.notice().unwrap().as_str(),
        "Person 01 is Available · 12:01"
    );
    let ann = app.person(&UserId::new("u01")).unwrap();
    assert!(ann.is_flashing(later.instant));
    // The same answer again: nothing new.
    let again = app.update(
        polled(&r, answer(&r, "Available", 2)),
        later.after(Duration::from_secs(30)),
    );
    assert!(alerts(&again).is_empty());
    // The footer line stays until the next key.
    app.update(key('l'), later);
    assert!(app.notice().is_none());
}

#[test]
fn quiet_hours_keep_the_footer_and_drop_the_bell_and_command() {
    let (mut app, r, now) = watching(|o| {
        // t0 is 12:00 UTC, a Monday.
        o.config.watch.rules.quiet.span =
            Some(crate::app::watch::quiet::parse_span("11:00-13:00").unwrap());
        o.config.watch.command = vec!["notify-send".into(), "{name}".into()];
    });
    let effects = app.update(
        polled(&r, answer(&r, "Available", 2)),
        now.after(Duration::from_secs(30)),
    );
    assert!(alerts(&effects).is_empty(), "{effects:?}");
    assert!(app.notice().unwrap().as_str().ends_with("(quiet hours)"));
}

#[test]
fn the_command_is_filled_in_per_argument() {
    let (mut app, r, now) = watching(|o| {
        o.config.watch.command = vec![
            "notify-send".into(),
            "teamboard".into(),
            "{name} is {availability}".into(),
            "{mail}".into(),
        ];
    });
    let effects = app.update(
        polled(&r, answer(&r, "Available", 2)),
        now.after(Duration::from_secs(30)),
    );
    assert_eq!(
        alerts(&effects)[0].command,
        [
            "notify-send",
            "teamboard",
            "Person 01 is Available",
            "u01@example.com"
        ]
    );
}

#[test]
fn while_watching_losing_focus_never_slows_the_board() {
    let (mut app, _r, now) = watching(|_| {});
    assert!(!app.stretch_allowed());
    let mut idle = App::new(options(), Rect::new(0, 0, 100, 30), now);
    assert!(idle.stretch_allowed());
    // Watching through `w` counts too.
    let r = roster(2);
    idle.update(Msg::Deadline, now);
    idle.update(polled(&r, answer(&r, "Busy", 1)), now);
    idle.update(key('w'), now);
    assert!(!idle.stretch_allowed());
    // And focus lost does not move the next poll out.
    let before = app.next_deadline();
    app.update(Msg::FocusLost, now);
    assert_eq!(app.next_deadline(), before);
}

#[test]
fn w_toggles_a_watch_saves_it_and_the_filter_finds_the_watched() {
    let now = t0();
    let mut app = App::new(options(), Rect::new(0, 0, 100, 30), now);
    let r = roster(4);
    app.update(Msg::Deadline, now);
    app.update(polled(&r, answer(&r, "Busy", 1)), now);
    let selected = app.selected().unwrap().id.clone();
    let effects = app.update(key('w'), now);
    assert!(
        effects.iter().any(
            |e| matches!(e, Effect::SaveWatched(ids) if ids == std::slice::from_ref(&selected))
        ),
        "{effects:?}"
    );
    assert!(app.notice().unwrap().as_str().starts_with("watching "));
    assert_eq!(app.watch().count(), 1);
    app.update(key('/'), now);
    for c in "is:watched".chars() {
        app.update(key(c), now);
    }
    assert_eq!(app.visible().len(), 1);
    assert_eq!(app.shown(0).unwrap().id, selected);
    app.update(
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        now,
    );
    let effects = app.update(key('w'), now);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::SaveWatched(ids) if ids.is_empty()))
    );
    assert!(
        app.notice()
            .unwrap()
            .as_str()
            .starts_with("no longer watching")
    );
    assert_eq!(app.visible().len(), 0, "the filter follows");
}

#[test]
fn a_person_watched_with_w_alerts_on_the_next_poll_that_finds_them_available() {
    let now = t0();
    let mut app = App::new(options(), Rect::new(0, 0, 100, 30), now);
    let r = roster(4);
    app.update(Msg::Deadline, now);
    app.update(polled(&r, answer(&r, "Busy", 1)), now);
    let at = app
        .visible()
        .iter()
        .position(|&i| app.people()[i].id.as_str() == "u01")
        .unwrap();
    app.select(at);
    app.update(key('w'), now);
    let effects = app.update(
        polled(&r, answer(&r, "Available", 2)),
        now.after(Duration::from_secs(30)),
    );
    assert_eq!(alerts(&effects).len(), 1, "{effects:?}");
}

#[test]
fn w_on_a_config_watch_says_it_lives_in_the_config() {
    let (mut app, _r, now) = watching(|_| {});
    // Select u01 (sorted by availability: the busy one comes after the available ones).
    let at = app
        .visible()
        .iter()
        .position(|&i| app.people()[i].id.as_str() == "u01")
        .unwrap();
    app.select(at);
    let effects = app.update(key('w'), now);
    assert!(!effects.iter().any(|e| matches!(e, Effect::SaveWatched(_))));
    assert_eq!(
        app.notice().unwrap().as_str(),
        "Person 01 is watched through [watch] people in the config; remove them there to stop"
    );
}

#[test]
fn marks_kept_from_an_earlier_run_watch_again() {
    let now = t0();
    let mut app = App::new(options(), Rect::new(0, 0, 100, 30), now);
    app.load_watched(vec![UserId::new("u02")]);
    let r = roster(4);
    app.update(Msg::Deadline, now);
    app.update(polled(&r, answer(&r, "Busy", 1)), now);
    assert!(app.watch().is_watched(&UserId::new("u02")));
    assert_eq!(app.watch().count(), 1);
}

#[test]
fn details_show_todays_transitions() {
    let (mut app, r, now) = watching(|_| {});
    let at = |mins: u64| now.after(Duration::from_secs(60 * mins));
    app.update(polled(&r, answer(&r, "Available", 2)), at(12));
    app.update(polled(&r, answer(&r, "Busy", 3)), at(60));
    let line = app
        .history()
        .line(&UserId::new("u01"), at(61).utc, app.tz())
        .unwrap();
    assert_eq!(line, "Available 12:12 · Busy 13:00");
    // Someone who never changed has no entry at all.
    assert_eq!(
        app.history()
            .line(&UserId::new("u02"), at(61).utc, app.tz()),
        None
    );
}

#[test]
fn reach_out_keys_copy_or_open_and_say_what_they_did() {
    let (mut app, _r, now) = watching(|_| {});
    let copy = app.update(key('y'), now);
    let mail = app
        .selected()
        .map(|p| format!("{}@example.com", p.id))
        .unwrap();
    assert!(
        copy.iter()
            .any(|e| matches!(e, Effect::Copy(t) if *t == mail)),
        "{copy:?}"
    );
    assert_eq!(app.notice().unwrap().as_str(), format!("copied {mail}"));
    let named = app.update(key('Y'), now);
    let name = app.selected().unwrap().name.to_string();
    assert!(
        named
            .iter()
            .any(|e| matches!(e, Effect::Copy(t) if *t == format!("{name} <{mail}>")))
    );
    // No browser here: the chat link is copied and the footer says so.
    let chat = app.update(key('o'), now);
    let link = format!(
        "https://teams.microsoft.com/l/chat/0/0?users={}",
        mail.replace('@', "%40")
    );
    assert!(
        chat.iter()
            .any(|e| matches!(e, Effect::Copy(t) if *t == link)),
        "{chat:?}"
    );
    assert!(
        app.notice()
            .unwrap()
            .as_str()
            .starts_with("no browser can be opened here")
    );
    // With one: opened.
    app.options.reach.can_open = true;
    let call = app.update(key('c'), now);
    assert!(
        call.iter()
            .any(|e| matches!(e, Effect::Open(t) if t.contains("/l/call/0/0?users=")))
    );
    let mailto = app.update(key('e'), now);
    assert!(
        mailto
            .iter()
            .any(|e| matches!(e, Effect::Open(t) if *t == format!("mailto:{mail}")))
    );
}

#[test]
fn a_reloaded_watch_list_applies_at_once() {
    let (mut app, _r, now) = watching(|_| {});
    let mut config = app.options().config.clone();
    config.watch.people = vec!["u02@example.com".into(), "outsider@example.com".into()];
    config.watch.desktop = crate::notify::Desktop::Off;
    let effects = app.update(Msg::ConfigChanged(Box::new(Ok(config))), now);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Watched(p) if p.len() == 2)),
        "{effects:?}"
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Desktop(crate::notify::Desktop::Off)))
    );
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Poll(None))),
        "polled at once, the roster resolved again: {effects:?}"
    );
    assert!(app.watch().is_watched(&UserId::new("u02")));
    assert!(!app.watch().is_watched(&UserId::new("u01")));
}

#[test]
fn a_link_no_browser_could_open_is_copied_instead() {
    let (mut app, _r, now) = watching(|_| {});
    let url = "https://teams.microsoft.com/l/chat/0/0?users=u01%40example.com".to_owned();
    let effects = app.update(Msg::OpenFailed(url.clone()), now);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Copy(t) if *t == url)),
        "{effects:?}"
    );
    assert!(
        app.notice()
            .unwrap()
            .as_str()
            .starts_with("no browser could be started (set BROWSER): copied the link https://")
    );
}
