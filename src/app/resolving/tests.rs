//! A cold start's resolution as the core sees it: people as they are found, and the progress line.

use std::sync::Arc;

use ratatui::layout::Rect;

use super::*;
use crate::app::state::tests::{options, polled, t0, user};
use crate::app::{FailureKind, Msg, PollFailure};
use crate::graph::model::User;
use crate::roster::{Roster, RosterSource};
use crate::text::SafeText;

/// Person `i` of a large team: `u00042`, "Person 00042".
fn person(i: usize) -> User {
    user(&format!("u{i:05}"), &format!("Person {i:05}"))
}

/// The first `n` people, resolved: the roster a poll brings.
fn resolved(n: usize) -> Arc<Roster> {
    Arc::new(Roster {
        me: None,
        members: (0..n).map(person).collect(),
        unresolved: Vec::new(),
        source: RosterSource::default(),
        resolved_at: None,
        by_ids_refused_at: None,
    })
}

fn found(range: std::ops::Range<usize>, resolved: usize, total: Option<usize>) -> Msg {
    Msg::Resolving(Box::new(Progress {
        users: range.map(person).collect(),
        resolved,
        total,
    }))
}

#[test]
fn counts_are_grouped_by_thousands() {
    for (n, shown) in [
        (0, "0"),
        (999, "999"),
        (1_000, "1,000"),
        (4_200, "4,200"),
        (10_000, "10,000"),
        (1_234_567, "1,234,567"),
    ] {
        assert_eq!(grouped(n), shown);
    }
}

#[test]
fn people_appear_as_they_resolve_with_a_progress_line() {
    let now = t0();
    let mut app = App::new(options(), Rect::new(0, 0, 120, 40), now);
    assert_eq!(app.resolving(), None);
    app.update(found(0..300, 300, Some(10_000)), now);
    assert_eq!(
        app.resolving().map(Resolving::line).as_deref(),
        Some("resolving 300 of 10,000")
    );
    assert_eq!(app.people().len(), 300);
    assert_eq!(app.visible().len(), 300, "shown at once, not held back");
    // A later answer may repeat someone (an id and a UPN naming one person): shown once.
    app.update(found(250..4_200, 4_200, Some(10_000)), now);
    assert_eq!(
        app.resolving().map(Resolving::line).as_deref(),
        Some("resolving 4,200 of 10,000")
    );
    assert_eq!(app.people().len(), 4_200);
    assert!(app.people().iter().all(|p| p.presence.is_none()));
    // Then a group's pages, whose size is not known beforehand.
    app.update(found(4_200..5_199, 5_199, None), now);
    assert_eq!(
        app.resolving().map(Resolving::line).as_deref(),
        Some("resolving 5,199")
    );
    assert_eq!(app.people().len(), 5_199);
}

#[test]
fn the_poll_that_ends_the_resolution_takes_over() {
    let now = t0();
    let mut app = App::new(options(), Rect::new(0, 0, 120, 40), now);
    app.update(found(0..3, 3, Some(5)), now);
    let roster = resolved(5);
    app.update(polled(&roster, Vec::new()), now);
    assert_eq!(app.resolving(), None);
    assert_eq!(app.people().len(), 5);

    // A resolution that fails says so through the poll's error, not a frozen progress line.
    let mut app = App::new(options(), Rect::new(0, 0, 120, 40), now);
    app.update(found(0..3, 3, Some(5)), now);
    app.update(
        Msg::Polled(Box::new(Err(PollFailure {
            kind: FailureKind::Failed,
            message: SafeText::line("Graph is unavailable (503); retrying"),
        }))),
        now,
    );
    assert_eq!(app.resolving(), None);
    assert_eq!(app.people().len(), 3, "who was found stays on the board");
}

#[test]
fn the_board_opens_at_its_first_card_once_presence_sorts_it() {
    let now = t0();
    let mut app = App::new(options(), Rect::new(0, 0, 120, 12), now);
    app.update(found(0..60, 60, Some(60)), now);
    // Sorted by name while nobody has a presence: the first found by name is selected.
    assert_eq!(app.selected().unwrap().id.as_str(), "u00000");
    let roster = resolved(60);
    // Everyone available but the first by name, who is offline and now sorts last.
    let presences = (0..60)
        .map(|i| {
            let id = format!("u{i:05}");
            let (a, b) = if i == 0 {
                ("Offline", "OffWork")
            } else {
                ("Available", "Available")
            };
            crate::app::state::tests::presence(&id, a, b, None)
        })
        .collect();
    app.update(polled(&roster, presences), now);
    assert_eq!(
        app.cursor(),
        Some(0),
        "from the top, not scrolled after u00000"
    );
    assert_ne!(app.selected().unwrap().id.as_str(), "u00000");
}
