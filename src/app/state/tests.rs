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
        reach: crate::app::reach::Reach::default(),
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
        user_principal_name: Some(format!("{id}@example.com").into()),
        mail: Some(format!("{id}@example.com").into()),
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
        by_ids_refused_at: None,
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

pub(crate) fn polled(roster: &Arc<Roster>, presences: Vec<Presence>) -> Msg {
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

pub(crate) fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

pub(crate) fn code(code: KeyCode) -> Msg {
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

mod cache;
mod navigation;
mod place_names;
mod polling;

/// The cache read at start, handed to the board as the loop does.
pub(crate) fn load(app: &mut App, snapshot: Snapshot) -> Vec<Effect> {
    let now = app.now();
    app.update(Msg::Cached(Box::new(snapshot)), now)
}
