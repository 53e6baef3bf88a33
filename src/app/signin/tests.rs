//! The sign-in panel in the core: opened by a lost sign-in, fed by the sign-in task, its keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use super::*;
use crate::app::state::tests::{key, options, t0};
use crate::app::{FailureKind, Msg, PollFailure};

fn board(offer: SignInOffer) -> App {
    let mut o = options();
    o.sign_in = offer;
    App::new(o, Rect::new(0, 0, 80, 24), t0())
}

fn signed_out() -> Msg {
    Msg::Polled(Box::new(Err(PollFailure {
        kind: FailureKind::SignedOut,
        message: SafeText::line("not signed in: run `teamboard login`"),
    })))
}

/// How many sign-ins these effects start.
fn sign_ins(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::SignIn))
        .count()
}

fn device_prompt() -> Msg {
    Msg::SignIn(SignInEvent::Prompt(SignInPrompt::DeviceCode {
        url: SafeText::line("https://microsoft.com/devicelogin"),
        raw_url: Some("https://microsoft.com/devicelogin".into()),
        code: SafeText::line("ABCD2345K"),
        expires_at: "2024-05-06T12:15:00Z".parse().unwrap(),
    }))
}

#[test]
fn a_lost_sign_in_opens_the_panel_and_starts_one_sign_in() {
    let now = t0();
    let mut app = board(SignInOffer::Available);
    app.update(Msg::Deadline, now);
    let effects = app.update(signed_out(), now);
    assert_eq!(sign_ins(&effects), 1, "{effects:?}");
    assert_eq!(app.sign_in_panel(), Some(&SignInPanel::Starting));
    // A second failure while one is under way starts nothing new.
    assert!(
        !app.update(signed_out(), now)
            .iter()
            .any(|e| matches!(e, Effect::SignIn))
    );
    app.update(device_prompt(), now);
    assert!(
        !app.update(signed_out(), now)
            .iter()
            .any(|e| matches!(e, Effect::SignIn))
    );
}

#[test]
fn a_fixed_token_shows_no_panel_and_an_unusable_config_says_why() {
    let now = t0();
    let mut fixed = board(SignInOffer::Fixed);
    assert_eq!(sign_ins(&fixed.update(signed_out(), now)), 0);
    assert!(fixed.sign_in_panel().is_none());
    let why = SafeText::line("[auth] client_id is the placeholder");
    let mut unusable = board(SignInOffer::Unusable(why.clone()));
    assert!(
        !unusable
            .update(signed_out(), now)
            .iter()
            .any(|e| matches!(e, Effect::SignIn))
    );
    assert_eq!(unusable.sign_in_panel(), Some(&SignInPanel::Unusable(why)));
    assert!(matches!(
        unusable.update(key('q'), now).as_slice(),
        [Effect::Quit]
    ));
}

#[test]
fn y_copies_the_code_and_o_opens_the_page_only_while_the_panel_is_open() {
    let now = t0();
    let mut app = board(SignInOffer::Available);
    app.update(signed_out(), now);
    app.update(device_prompt(), now);
    let effects = app.update(key('y'), now);
    assert!(
        matches!(effects.as_slice(), [Effect::Copy(code)] if code == "ABCD2345K"),
        "{effects:?}"
    );
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.as_str().contains("copied"))
    );
    let effects = app.update(key('o'), now);
    assert!(matches!(effects.as_slice(), [Effect::Open(url)] if url.starts_with("https://")));
    // Board keys do nothing while the panel is up; paste goes nowhere.
    assert!(app.update(key('j'), now).is_empty());
    app.update(Msg::Paste("q".into()), now);
    assert!(app.sign_in_panel().is_some());

    let effects = app.update(
        Msg::SignIn(SignInEvent::Done {
            account: SafeText::line("adele@contoso.com"),
            warning: None,
        }),
        now,
    );
    assert!(app.sign_in_panel().is_none());
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Poll(_))),
        "{effects:?}"
    );
    assert!(!app.freshness().signed_out);
    // Closed: `y` and `o` are the board's again (unbound there by default).
    assert!(
        !app.update(key('y'), now)
            .iter()
            .any(|e| matches!(e, Effect::Copy(_)))
    );
}

#[test]
fn a_failed_or_expired_sign_in_waits_for_a_key_to_start_again() {
    let now = t0();
    let mut app = board(SignInOffer::Available);
    app.update(signed_out(), now);
    app.update(device_prompt(), now);
    let why = SafeText::line("the sign-in code expired before it was used");
    app.update(Msg::SignIn(SignInEvent::Failed(why.clone())), now);
    assert_eq!(app.sign_in_panel(), Some(&SignInPanel::Failed(why)));
    assert!(
        app.update(key('y'), now).is_empty(),
        "no code to copy any more"
    );
    let effects = app.update(
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        now,
    );
    assert!(matches!(effects.as_slice(), [Effect::SignIn]));
    assert_eq!(app.sign_in_panel(), Some(&SignInPanel::Starting));
}

#[test]
fn an_ended_sign_in_mid_session_brings_the_panel_back_over_the_stale_board() {
    let now = t0();
    let mut app = board(SignInOffer::Available);
    app.update(signed_out(), now);
    app.update(
        Msg::SignIn(SignInEvent::Done {
            account: SafeText::line("adele@contoso.com"),
            warning: None,
        }),
        now,
    );
    assert!(app.sign_in_panel().is_none());
    let effects = app.update(signed_out(), now);
    assert_eq!(sign_ins(&effects), 1, "{effects:?}");
    assert!(app.freshness().is_stale());
    assert_eq!(app.sign_in_panel(), Some(&SignInPanel::Starting));
}
