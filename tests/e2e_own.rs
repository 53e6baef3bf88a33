//! Setting your own status message from the board in a real terminal (tmux): `m` opens the editor,
//! the message typed and Enter write it to the simulated tenant, and the header shows it as Graph
//! reports it; an empty message clears it again.
//!
//! Without tmux this prints a loud SKIPPED line and passes, unless `TEAMBOARD_E2E=require`.
#![cfg(feature = "sim")]

use support::tmux::{Pane, tmux_installed};

mod support {
    pub mod tmux;
}

/// The header: the screen's first line.
fn header(screen: &str) -> &str {
    screen.lines().next().unwrap_or_default()
}

#[test]
fn m_sets_a_status_message_and_the_header_shows_it() {
    if !tmux_installed() {
        return;
    }
    let pane = Pane::board("--demo --scenario static --team-size 8", 140, 30);
    pane.wait_for("the board with you in the header", |s| {
        header(s).contains(" you ") && s.contains("updated")
    });
    pane.keys(&["m"]);
    pane.wait_for("the status message editor", |s| {
        s.contains("Your status message") && s.contains("Message")
    });
    // Whatever the demo's message was, replace it.
    pane.keys(&["C-u"]);
    pane.keys(&["-l", "Focus time, ping if urgent"]);
    pane.keys(&["Tab"]);
    pane.keys(&["-l", "for 2h"]);
    pane.wait_for("the end read back", |s| s.contains("→ until"));
    pane.keys(&["Enter"]);
    let screen = pane.wait_for("the message in the header, as Graph reports it", |s| {
        header(s).contains("· Focus time, ping if urgent") && !s.contains("Your status message")
    });
    assert!(
        !header(&screen).contains('→'),
        "no longer pending:\n{screen}"
    );
    assert!(!pane.exited());

    // An empty message clears it.
    pane.keys(&["m"]);
    pane.wait_for("the editor with the message filled in", |s| {
        s.contains("Message Focus time, ping if urgent")
    });
    pane.keys(&["C-u"]);
    pane.keys(&["Enter"]);
    pane.wait_for("the message gone from the header", |s| {
        !header(s).contains("Focus time") && !s.contains("Your status message")
    });
    pane.keys(&["q"]);
    assert_eq!(pane.wait_exit(), "0");
}
