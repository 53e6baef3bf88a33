//! Setting your own presence from the board, in the core: the picker, the editor, the change pending
//! until a read shows it, rollback on a failed write, the consent detour, app-only mode.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use super::*;
use crate::app::state::tests::{code, key, options, polled, presence, roster, t0};
use crate::app::{Msg, Now};
use crate::graph::own::{ManualLocation, Preferred};
use crate::own::LocationChange;

fn typed(app: &mut App, text: &str, now: Now) {
    for c in text.chars() {
        app.update(key(c), now);
    }
}

/// A board that has taken one poll: you (Available, with a status message) and three teammates.
fn board() -> (App, Now) {
    let now = t0();
    let mut app = App::new(options(), Rect::new(0, 0, 100, 30), now);
    app.update(Msg::Deadline, now);
    let roster = roster(3);
    let mut mine = presence("me", "Available", "Available", Some("A1"));
    mine.status_message = Some(Box::new(
        serde_json::from_value(
            serde_json::json!({"message":{"content":"Lunch","contentType":"text"}}),
        )
        .unwrap(),
    ));
    let mut presences = vec![mine];
    presences.extend((0..3).map(|i| presence(&format!("u{i:02}"), "Busy", "Busy", Some("A1"))));
    app.update(polled(&roster, presences), now);
    (app, now)
}

/// The one change these effects ask the loop to write.
fn request(effects: &[Effect]) -> OwnRequest {
    let requests: Vec<&OwnRequest> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Own(r) => Some(&**r),
            _ => None,
        })
        .collect();
    assert_eq!(requests.len(), 1, "{effects:?}");
    requests[0].clone()
}

fn notice(app: &App) -> String {
    app.notice().map(ToString::to_string).unwrap_or_default()
}

#[test]
fn the_picker_takes_an_availability_then_a_length() {
    let (mut app, now) = board();
    app.update(key('p'), now);
    let Some(Dialog::Presence(picker)) = app.own().dialog() else {
        panic!("no picker: {:?}", app.own().dialog());
    };
    assert_eq!(picker.rows().len(), 7);
    assert_eq!(picker.rows()[6], "Reset to automatic");
    // Busy is the second row; a length follows, "1 hour" ready.
    app.update(key('j'), now);
    app.update(code(KeyCode::Enter), now);
    let Some(Dialog::Presence(picker)) = app.own().dialog() else {
        panic!("picker closed early");
    };
    assert!(matches!(
        picker.step(),
        Step::Duration {
            preferred: Preferred::Busy,
            ..
        }
    ));
    assert_eq!(picker.rows()[picker.cursor()], "1 hour");
    let effects = app.update(code(KeyCode::Enter), now);
    let asked = request(&effects);
    assert_eq!(asked.me, Some(UserId::new("me")));
    assert_eq!(asked.change.summary(), "Busy until 13:00 today");
    assert!(app.own().dialog().is_none());
    // Shown at once as pending, in the header's words too.
    assert_eq!(app.own().pending(), Some((&asked.change, false)));
    assert!(notice(&app).contains("setting Busy"), "{}", notice(&app));
}

#[test]
fn a_custom_length_is_read_by_the_shared_parser_and_a_bad_one_says_why() {
    let (mut app, now) = board();
    app.update(key('p'), now);
    app.update(key('3'), now); // Do not disturb
    app.update(key('5'), now); // Custom…
    typed(&mut app, "soon", now);
    let effects = app.update(code(KeyCode::Enter), now);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Own(_))));
    let Some(Dialog::Presence(picker)) = app.own().dialog() else {
        panic!("closed on a bad time");
    };
    assert!(
        picker.error().is_some_and(|e| e.contains("until 17:00")),
        "{:?}",
        picker.error()
    );
    for _ in 0..4 {
        app.update(code(KeyCode::Backspace), now);
    }
    // 11:00 has passed at 12:00: tomorrow, and the change says so.
    typed(&mut app, "until 11:00", now);
    let asked = request(&app.update(code(KeyCode::Enter), now));
    assert_eq!(
        asked.change.summary(),
        "Do not disturb until 11:00 tomorrow"
    );
}

#[test]
fn esc_steps_back_and_reset_needs_no_length() {
    let (mut app, now) = board();
    app.update(key('p'), now);
    app.update(key('1'), now);
    app.update(code(KeyCode::Esc), now);
    assert!(
        matches!(app.own().dialog(), Some(Dialog::Presence(p)) if matches!(p.step(), Step::Availability))
    );
    app.update(code(KeyCode::Esc), now);
    assert!(app.own().dialog().is_none());
    // Keys reach the board again.
    assert!(
        app.update(key('q'), now)
            .iter()
            .any(|e| matches!(e, Effect::Quit))
    );
    app.update(key('p'), now);
    let asked = request(&app.update(key('7'), now));
    assert_eq!(asked.change, Change::Reset);
}

#[test]
fn the_editor_opens_with_your_message_and_takes_an_end() {
    let (mut app, now) = board();
    app.update(key('m'), now);
    let Some(Dialog::Message(editor)) = app.own().dialog() else {
        panic!("no editor");
    };
    assert_eq!(editor.message.value(), "Lunch");
    // Keys the board binds (q, p, j) are text here.
    typed(&mut app, " q", now);
    app.update(code(KeyCode::Tab), now);
    typed(&mut app, "for 2h", now);
    let asked = request(&app.update(code(KeyCode::Enter), now));
    assert_eq!(
        asked.change,
        Change::Message {
            text: "Lunch q".into(),
            until: crate::expiry::parse_for("2h", &now.utc.to_zoned(jiff::tz::TimeZone::UTC)).ok(),
        }
    );
}

#[test]
fn an_empty_message_clears_it_and_a_bad_end_keeps_the_editor_open() {
    let (mut app, now) = board();
    app.update(key('m'), now);
    for _ in 0..5 {
        app.update(code(KeyCode::Backspace), now);
    }
    app.update(code(KeyCode::Tab), now);
    typed(&mut app, "later", now);
    assert!(
        !app.update(code(KeyCode::Enter), now)
            .iter()
            .any(|e| matches!(e, Effect::Own(_)))
    );
    assert!(matches!(app.own().dialog(), Some(Dialog::Message(e)) if e.error().is_some()));
    for _ in 0..5 {
        app.update(code(KeyCode::Backspace), now);
    }
    let asked = request(&app.update(code(KeyCode::Enter), now));
    assert_eq!(asked.change.summary(), "status message cleared");
}

#[test]
fn a_paste_goes_into_the_editor_made_safe() {
    let (mut app, now) = board();
    app.update(key('m'), now);
    app.update(Msg::Paste(" \u{1b}]52;c;eA==\u{7}back\nsoon".into()), now);
    let Some(Dialog::Message(editor)) = app.own().dialog() else {
        panic!("no editor");
    };
    let value = editor.message.value();
    assert!(
        value.starts_with("Lunch") && value.contains("back soon"),
        "{value:?}"
    );
    assert!(
        !value.contains('\u{1b}') && !value.contains("52;"),
        "{value:?}"
    );
}

#[test]
fn pending_until_a_read_shows_it_and_rolled_back_only_when_the_write_failed() {
    let (mut app, now) = board();
    app.update(key('p'), now);
    app.update(key('2'), now);
    let asked = request(&app.update(key('1'), now)); // Busy for 30 minutes
    // Graph took the write but its read still shows you Available (it can take minutes).
    let stale = presence("me", "Available", "Available", Some("A2"));
    app.update(
        Msg::Own(Box::new(OwnOutcome::Written {
            change: asked.change.clone(),
            presence: Box::new(stale.clone()),
        })),
        now,
    );
    assert_eq!(app.own().pending(), Some((&asked.change, true)));
    assert!(
        notice(&app).contains("within a few minutes"),
        "{}",
        notice(&app)
    );
    // A later poll shows it: no longer pending, and the card says Busy.
    let roster = roster(3);
    let later = now.after(std::time::Duration::from_secs(30));
    app.update(
        polled(&roster, vec![presence("me", "Busy", "Busy", Some("A3"))]),
        later,
    );
    assert_eq!(app.own().pending(), None);
    assert_eq!(app.me().unwrap().availability.as_str(), "Busy");

    // A failed write rolls back at once, the error in the footer.
    app.update(key('L'), later);
    let asked = request(&app.update(key('2'), later)); // Remote
    assert!(app.own().pending().is_some());
    app.update(
        Msg::Own(Box::new(OwnOutcome::Failed {
            change: asked.change.clone(),
            error: SafeText::line("Microsoft Graph answered 503; try again"),
        })),
        later,
    );
    assert_eq!(app.own().pending(), None);
    let said = notice(&app);
    assert!(
        said.contains("could not set work location Remote") && said.contains("503"),
        "{said}"
    );
}

#[test]
fn the_read_after_a_write_shows_on_your_card_at_once() {
    let (mut app, now) = board();
    app.update(key('L'), now);
    let asked = request(&app.update(key('1'), now)); // Office (no places known)
    assert_eq!(
        asked.change,
        Change::Location(LocationChange::Set {
            location: ManualLocation::Office,
            place: None
        })
    );
    let mut read = presence("me", "Available", "Available", Some("A2"));
    read.work_location =
        serde_json::from_value(serde_json::json!({"workLocationType":"office","source":"manual"}))
            .ok();
    let effects = app.update(
        Msg::Own(Box::new(OwnOutcome::Written {
            change: asked.change,
            presence: Box::new(read),
        })),
        now,
    );
    assert_eq!(app.own().pending(), None);
    assert_eq!(
        app.me()
            .unwrap()
            .location
            .as_ref()
            .and_then(crate::app::person::Location::word),
        Some("Office")
    );
    assert!(effects.iter().any(|e| matches!(e, Effect::Save(_))));
}

#[test]
fn offline_with_no_presence_session_is_explained() {
    let (mut app, now) = board();
    app.update(key('p'), now);
    app.update(key('1'), now);
    let asked = request(&app.update(key('1'), now));
    app.update(
        Msg::Own(Box::new(OwnOutcome::Written {
            change: asked.change,
            presence: Box::new(presence("me", "Offline", "OffWork", Some("A2"))),
        })),
        now,
    );
    assert_eq!(app.own().pending(), None);
    assert!(
        notice(&app).contains("signed in to Teams"),
        "{}",
        notice(&app)
    );
}

#[test]
fn the_office_offers_the_places_the_board_knows() {
    let (mut app, now) = board();
    app.places.load(vec![
        ("p2".into(), "Building 40".into()),
        ("p1".into(), "Atrium".into()),
    ]);
    app.update(key('L'), now);
    app.update(key('1'), now);
    let Some(Dialog::Location(picker)) = app.own().dialog() else {
        panic!("no place step");
    };
    assert_eq!(picker.rows()[1], "Office · Atrium");
    let asked = request(&app.update(key('3'), now));
    assert_eq!(asked.change.summary(), "work location Office · Building 40");
}

#[test]
fn a_missing_permission_opens_the_sign_in_and_sends_the_change_again() {
    let (mut app, now) = board();
    app.update(key('p'), now);
    app.update(key('2'), now);
    let asked = request(&app.update(key('2'), now));
    let effects = app.update(
        Msg::Own(Box::new(OwnOutcome::ConsentNeeded {
            change: asked.change.clone(),
        })),
        now,
    );
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Consent)),
        "{effects:?}"
    );
    assert!(app.sign_in_panel().is_some());
    assert!(
        notice(&app).contains("Presence.ReadWrite"),
        "{}",
        notice(&app)
    );
    // Still pending while the sign-in runs; once it is done, the same change goes out again.
    assert!(app.own().pending().is_some());
    let effects = app.update(
        Msg::SignIn(crate::app::SignInEvent::Done {
            account: SafeText::line("me@example.com"),
            warning: None,
        }),
        now,
    );
    assert_eq!(request(&effects).change, asked.change);
    assert!(app.sign_in_panel().is_none());

    // Esc in that panel leaves everything as it was.
    app.update(
        Msg::Own(Box::new(OwnOutcome::ConsentNeeded {
            change: asked.change.clone(),
        })),
        now,
    );
    app.update(code(KeyCode::Esc), now);
    assert!(app.sign_in_panel().is_none());
    assert_eq!(app.own().pending(), None);
    assert!(notice(&app).contains("not changed"), "{}", notice(&app));
}

#[test]
fn an_answer_for_a_replaced_change_is_ignored() {
    let (mut app, now) = board();
    app.update(key('p'), now);
    let first = request(&app.update(key('7'), now));
    app.update(key('L'), now);
    let second = request(&app.update(key('2'), now));
    app.update(
        Msg::Own(Box::new(OwnOutcome::Failed {
            change: first.change,
            error: SafeText::line("too late"),
        })),
        now,
    );
    assert_eq!(app.own().pending(), Some((&second.change, false)));
}

#[test]
fn app_only_mode_has_no_you_and_says_so_in_one_line() {
    let now = t0();
    let mut o = options();
    o.config.auth.mode = crate::config::AuthMode::App;
    let mut app = App::new(o, Rect::new(0, 0, 80, 24), now);
    for c in ['p', 'm', 'L'] {
        let effects = app.update(key(c), now);
        assert!(app.own().dialog().is_none(), "{c}");
        assert!(!effects.iter().any(|e| matches!(e, Effect::Own(_))), "{c}");
        let said = notice(&app);
        assert!(said.contains("app-only") && !said.contains('\n'), "{said}");
    }
}

#[test]
fn the_keys_are_commands_a_user_can_rebind() {
    let now = t0();
    let mut o = options();
    let rebind = |key: &str, command: &str| crate::config::KeyOverride {
        key: key.into(),
        command: command.into(),
        line: 1,
    };
    o.keymap = crate::app::keymap::Keymap::with_overrides(
        &[rebind("ctrl-s", "set_message"), rebind("m", "none")],
        None,
    )
    .unwrap();
    let mut app = App::new(o, Rect::new(0, 0, 80, 24), now);
    app.update(key('m'), now);
    assert!(app.own().dialog().is_none(), "m no longer bound");
    app.update(
        Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
        now,
    );
    assert!(matches!(app.own().dialog(), Some(Dialog::Message(_))));
}
