//! The board's sign-in panel in a real terminal (tmux): with no sign-in stored the board shows a
//! device code, `y` copies it through OSC 52 (a tmux buffer with `set-clipboard on`), and once the
//! code is approved the board goes on to the team.
//!
//! Without tmux this prints a loud SKIPPED line and passes, unless `TEAMBOARD_E2E=require`.
#![cfg(feature = "sim")]

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use teamboard::sim::{Scenario, Sim, SimOptions, serve};

const BIN: &str = env!("CARGO_BIN_EXE_teamboard");
const WAIT: Duration = Duration::from_secs(20);

fn tmux_installed() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var("TEAMBOARD_E2E").as_deref() != Ok("require"),
            "tmux is not installed and TEAMBOARD_E2E=require"
        );
        eprintln!("\nSKIPPED: tmux not installed (sign-in panel test)\n");
    }
    found
}

struct Pane {
    socket: String,
}

impl Pane {
    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .unwrap()
    }

    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        wait_for(&self.socket, what, ok)
    }
}

/// Polls the pane on `socket` until `ok` holds; panics with the screen after `WAIT`.
fn wait_for(socket: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let out = Command::new("tmux")
            .args(["-L", socket, "capture-pane", "-p", "-t", "t"])
            .output()
            .unwrap();
        let screen = String::from_utf8_lossy(&out.stdout).into_owned();
        {
            if ok(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < WAIT,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
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
    let sim = Sim::new(options);
    let running = serve(sim.clone(), 0).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("teamboard.toml");
    std::fs::write(
        &config,
        format!(
            "[graph]\nbase_url = \"{}\"\n\n[auth]\nauthority = \"{}\"\nclient_id = \"{}\"\ntoken_store = \"file\"\n\n[team]\nmembers = [{:?}, {:?}]\n",
            running.base_url,
            running.authority,
            sim.client_id(),
            sim.upn(1),
            sim.upn(2)
        ),
    )
    .unwrap();
    let socket = format!("tb-signin-{}", std::process::id());
    let d = home.path().display();
    let line = format!(
        "exec env -u TEAMBOARD_CONFIG -u TEAMBOARD_ACCESS_TOKEN -u BROWSER -u DISPLAY -u WAYLAND_DISPLAY \
         XDG_CACHE_HOME={d}/cache XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state XDG_DATA_HOME={d}/data \
         HOME={d} sh -c '{BIN} --config {cfg}; echo EXIT=$?; exec sleep 600'",
        cfg = config.display()
    );
    let started = Command::new("tmux")
        .args([
            "-L",
            &socket,
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "t",
        ])
        .args(["-x", "100", "-y", "30", &line])
        .status()
        .unwrap();
    assert!(started.success());
    let pane = Pane { socket };
    assert!(
        pane.tmux(&["set", "-g", "set-clipboard", "on"])
            .status
            .success()
    );

    let socket = pane.socket.clone();
    let screen = tokio::task::spawn_blocking(move || {
        wait_for(&socket, "the device code", |s| s.contains("enter the code"))
    })
    .await
    .unwrap();
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
    let socket = pane.socket.clone();
    let screen = tokio::task::spawn_blocking(move || {
        wait_for(&socket, "the team", |s| {
            s.contains(&name) && !s.contains("enter the code")
        })
    })
    .await
    .unwrap();
    assert!(screen.contains("signed in as"), "{screen}");
    assert!(pane.tmux(&["send-keys", "-t", "t", "q"]).status.success());
    pane.wait_for("exit", |s| s.contains("EXIT=0"));
}
