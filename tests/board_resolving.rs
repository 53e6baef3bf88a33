//! A cold start drawn: the people found so far on the board, and how far the resolution has come in
//! the header, never a blank board.

use std::time::Instant;

use jiff::Timestamp;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use teamboard::app::keymap::Keymap;
use teamboard::app::{App, Msg, Now, Options};
use teamboard::config::SortOrder;
use teamboard::graph::model::{User, UserId};
use teamboard::roster::Progress;

fn options() -> Options {
    // From the defaults, as the board builds them, so a new option needs no edit here.
    let mut config = teamboard::config::Config::default();
    config.ui.sort = SortOrder::Name;
    let mut o = Options::from_config(
        &config,
        Keymap::default(),
        jiff::tz::TimeZone::UTC,
        false,
        7,
    );
    o.collation = teamboard::collation::Collation::root();
    o
}

fn now() -> Now {
    Now {
        instant: Instant::now(),
        utc: Timestamp::from_second(1_714_996_990).unwrap(),
    }
}

fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[test]
fn people_show_as_they_resolve_under_a_progress_line() {
    let mut app = App::new(options(), Rect::new(0, 0, 100, 20), now());
    let users: Vec<User> = (0..4_200)
        .map(|i| User {
            id: UserId::new(format!("u{i:05}")),
            display_name: Some(format!("Person {i:05}").into()),
            user_principal_name: None,
            mail: None,
            job_title: None,
            department: None,
        })
        .collect();
    app.update(
        Msg::Resolving(Box::new(Progress {
            users,
            resolved: 4_200,
            total: Some(10_000),
        })),
        now(),
    );
    let area = Rect::new(0, 0, 100, 20);
    let mut buf = Buffer::empty(area);
    teamboard::ui::render(&app, area, &mut buf);
    let screen = text(&buf);
    let header = screen.lines().next().unwrap();
    assert!(header.contains("resolving 4,200 of 10,000"), "{screen}");
    assert!(screen.contains("Person 00000"), "{screen}");
}
