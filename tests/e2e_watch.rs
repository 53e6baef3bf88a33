//! Watching in a real terminal: the board in tmux, its tenant served in this process; a watched
//! person becomes Available and the bell reaches tmux (the window's bell flag) while the footer
//! names them. Without tmux it prints a loud SKIPPED line and passes, unless `TEAMBOARD_E2E=require`.
#![cfg(feature = "sim")]

mod support {
    pub mod tmux;
}

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use support::tmux::{BIN, Pane, tmux_installed};
use teamboard::graph::transport::Transport;
use teamboard::sim::{RouterTransport, Running, Scenario, Sim, SimOptions, serve};

/// A tenant where nothing moves by itself, served on 127.0.0.1.
async fn tenant() -> (Arc<Sim>, Running) {
    let sim = Sim::new(SimOptions::new(12, Scenario::Static));
    let running = serve(sim.clone(), 0).await.unwrap();
    (sim, running)
}

/// Someone who is not Available now (the static tenant keeps them so until told).
async fn someone_busy(sim: &Arc<Sim>) -> u32 {
    for i in 1..sim.team_size() {
        let p = call(
            sim,
            "GET",
            &format!("/v1.0/users/{}/presence", sim.user_id(i)),
            "",
        )
        .await;
        let v: serde_json::Value = serde_json::from_slice(&p).unwrap();
        let ooo = v["outOfOfficeSettings"]["isOutOfOffice"].as_bool() == Some(true);
        if v["availability"] != "Available" && v["availability"] != "AvailableIdle" && !ooo {
            return i;
        }
    }
    panic!("everyone is available");
}

async fn call(sim: &Arc<Sim>, method: &str, path: &str, body: &str) -> Bytes {
    let request = http::Request::builder()
        .method(method)
        .uri(format!("http://sim.test{path}"))
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {}", sim.token()))
        .body(Bytes::from(body.to_owned()))
        .unwrap();
    let answer = RouterTransport::new(sim.router())
        .send(request)
        .await
        .unwrap();
    assert!(
        answer.status().is_success(),
        "{method} {path}: {}",
        answer.status()
    );
    answer.into_body()
}

/// Teams' own way a person becomes Available: their preferred presence set.
async fn becomes_available(sim: &Arc<Sim>, index: u32) {
    let path = format!(
        "/v1.0/users/{}/presence/setUserPreferredPresence",
        sim.user_id(index)
    );
    let body = r#"{"availability":"Available","activity":"Available","expirationDuration":"PT8H"}"#;
    call(sim, "POST", &path, body).await;
}

/// The board in tmux on `running`, watching `watched` with `[refresh] interval_secs = interval`.
fn board(sim: &Arc<Sim>, running: &Running, watched: u32, interval: Option<u32>) -> Pane {
    let members: Vec<String> = (1..4).map(|i| format!("{:?}", sim.upn(i))).collect();
    let refresh = interval.map_or(String::new(), |s| {
        format!("[refresh]\ninterval_secs = {s}\n")
    });
    let config = format!(
        "[graph]\nbase_url = \"{}\"\n{refresh}[team]\nmembers = [{}]\n[watch]\npeople = [{:?}]\ndesktop = \"off\"\n",
        running.base_url,
        members.join(", "),
        sim.upn(watched)
    );
    let command = format!(
        "TEAMBOARD_ACCESS_TOKEN={} {BIN} --config {{dir}}/teamboard.toml",
        sim.token()
    );
    Pane::prepared(&command, 100, 30, |dir| {
        std::fs::write(dir.join("teamboard.toml"), config).unwrap();
    })
}

/// Time from the tenant's change (made `offset` after the first poll landed) until tmux saw the bell.
async fn bell_after_change(
    sim: &Arc<Sim>,
    pane: &Pane,
    watched: u32,
    offset: Duration,
    limit: Duration,
) -> Duration {
    let name = sim.display_name(watched).unwrap();
    // The first poll landed: only a change seen after it can alert.
    pane.wait_for("the first poll", |s| {
        s.contains("updated") && s.contains(name.as_str())
    });
    assert_eq!(pane.format("#{window_bell_flag}"), "0");
    tokio::time::sleep(offset).await;
    becomes_available(sim, watched).await;
    let changed = Instant::now();
    loop {
        if pane.format("#{window_bell_flag}") == "1" {
            return changed.elapsed();
        }
        assert!(
            changed.elapsed() < limit,
            "no bell; screen:\n{}",
            pane.screen()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watched_person_becoming_available_rings_tmux_and_names_them_in_the_footer() {
    if !tmux_installed() {
        return;
    }
    let (sim, running) = tenant().await;
    let watched = someone_busy(&sim).await;
    let pane = board(&sim, &running, watched, Some(5));
    let name = sim.display_name(watched).unwrap();
    let took = bell_after_change(
        &sim,
        &pane,
        watched,
        Duration::ZERO,
        Duration::from_secs(30),
    )
    .await;
    eprintln!("bell {took:?} after the change at interval_secs = 5");
    let screen = pane.wait_for("the footer line", |s| {
        s.lines()
            .last()
            .is_some_and(|l| l.contains(&format!("{name} is Available ·")))
    });
    // Marked as watched (the mark before the name) and counted in the header.
    assert!(screen.contains(&format!("⚑ {name}")), "{screen}");
    assert!(screen.lines().next().unwrap().contains("⚑1"), "{screen}");
    // The line stays until the next key.
    pane.keys(&["l"]);
    pane.wait_for("the footer line to go", |s| {
        !s.contains(&format!("{name} is Available ·"))
    });
    drop(running);
}

/// The figures in the report: seconds from the tenant's change to the bell, at `interval_secs = 5`
/// and at the default refresh (30 s). Runs the real binary; `cargo test --test e2e_watch -- --ignored
/// --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: about three minutes"]
async fn measure_bell_latency() {
    if !tmux_installed() {
        return;
    }
    for interval in [Some(5), None] {
        let mut took = Vec::new();
        let period = f64::from(interval.unwrap_or(30));
        // Changes made at a quarter, a half and three quarters of the way to the next poll.
        for quarter in 1..=3 {
            let (sim, running) = tenant().await;
            let watched = someone_busy(&sim).await;
            let pane = board(&sim, &running, watched, interval);
            let offset = Duration::from_secs_f64(period * f64::from(quarter) / 4.0);
            took.push(
                bell_after_change(&sim, &pane, watched, offset, Duration::from_secs(60)).await,
            );
            drop(pane);
            drop(running);
        }
        let secs: Vec<String> = took
            .iter()
            .map(|d| format!("{:.1}", d.as_secs_f64()))
            .collect();
        eprintln!(
            "interval_secs = {}: bell after {} s",
            interval.map_or("30 (default)".to_owned(), |s| s.to_string()),
            secs.join(", ")
        );
    }
}
