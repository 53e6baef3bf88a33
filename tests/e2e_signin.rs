//! The board's sign-in panel in a real terminal (tmux): with no sign-in stored the board shows a
//! device code, `y` copies it through OSC 52 (a tmux buffer with `set-clipboard on`), and once the
//! code is approved the board goes on to the team.
//!
//! Without tmux this prints a loud SKIPPED line and passes, unless `TEAMBOARD_E2E=require`.
#![cfg(feature = "sim")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use support::tenant::{Tenant, signin_config};
use support::tmux::{BIN, Pane, WAIT, tmux_installed};
use teamboard::sim::{Scenario, SimOptions};

mod support {
    pub mod tenant;
    pub mod tmux;
}

/// Waits on a blocking thread, so the tenant served on this runtime keeps answering.
async fn wait(
    pane: &Arc<Pane>,
    what: &'static str,
    ok: fn(&str, &str) -> bool,
    arg: String,
) -> String {
    let pane = pane.clone();
    tokio::task::spawn_blocking(move || pane.wait_for(what, |s| ok(s, &arg)))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_panel_shows_a_code_copies_it_and_goes_on_to_the_team() {
    if !tmux_installed() {
        return;
    }
    let mut options = SimOptions::new(6, Scenario::Static);
    // Approved only when the test says so, after it has read the code.
    options.identity.approve_after_polls = u32::MAX;
    options.identity.interval = Duration::from_secs(1);
    let tenant = Tenant::serve_with(options, |running, sim| {
        signin_config(running, sim, "", [1, 2])
    })
    .await;
    let sim = &tenant.sim;
    let line = format!(
        "env -u TEAMBOARD_ACCESS_TOKEN -u BROWSER -u DISPLAY -u WAYLAND_DISPLAY sh -c '{BIN} --config {cfg}; echo EXIT=$?; exec sleep 600'",
        cfg = tenant.config.display()
    );
    let pane = Arc::new(Pane::start(&line, 100, 30));
    assert!(
        pane.tmux(&["set", "-g", "set-clipboard", "on"])
            .status
            .success()
    );

    let screen = wait(
        &pane,
        "the device code",
        |s, _| s.contains("enter the code"),
        String::new(),
    )
    .await;
    assert!(screen.contains("Sign in to Microsoft 365"), "{screen}");
    let code = screen
        .lines()
        .skip_while(|l| !l.contains("enter the code"))
        .skip(1)
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .find(|l| !l.is_empty())
        .unwrap()
        .to_owned();
    assert!(
        code.len() >= 6 && code.chars().all(|c| c.is_ascii_alphanumeric()),
        "{code:?}"
    );

    assert!(pane.tmux(&["send-keys", "-t", "t", "y"]).status.success());
    let deadline = Instant::now() + WAIT;
    let copied = loop {
        let out = pane.tmux(&["show-buffer"]);
        let buffer = String::from_utf8_lossy(&out.stdout).into_owned();
        if out.status.success() && !buffer.is_empty() {
            break buffer;
        }
        assert!(Instant::now() < deadline, "y copied nothing");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(copied.trim(), code);

    assert!(sim.approve_device_code(&code), "the tenant knows the code");
    let name = sim.display_name(1).unwrap();
    let screen = wait(
        &pane,
        "the team",
        |s, name| s.contains(name) && !s.contains("enter the code"),
        name,
    )
    .await;
    assert!(screen.contains("signed in as"), "{screen}");
    assert!(pane.tmux(&["send-keys", "-t", "t", "q"]).status.success());
    wait(&pane, "exit", |s, _| s.contains("EXIT=0"), String::new()).await;
}
