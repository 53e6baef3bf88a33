//! `teamboard wait` and `teamboard status PERSON...` through the built binary against the simulated
//! tenant served on 127.0.0.1: exit codes, the one line, names that fit several people.
#![cfg(feature = "sim")]

use teamboard::sim::{Scenario, SimOptions};

mod support {
    pub mod tenant;
}
use support::tenant::{Tenant, members, text};

/// A static tenant (nobody changes) whose config names people 1..=6 at `interval_secs = 5`.
async fn tenant() -> Tenant {
    Tenant::serve_with(SimOptions::new(24, Scenario::Static), |running, sim| {
        format!(
            "[graph]\nbase_url = \"{}\"\n[refresh]\ninterval_secs = 5\n[team]\nmembers = [{}]\n",
            running.base_url,
            members(sim, 1..=6)
        )
    })
    .await
}

impl Tenant {
    /// The first of people 1..24 whose availability (per `status --json`) is or is not Available.
    async fn someone(&self, available: bool) -> u32 {
        let upns: Vec<String> = (1..24).map(|i| self.sim.upn(i)).collect();
        let mut args = vec!["status", "--json"];
        args.extend(upns.iter().map(String::as_str));
        let out = self.run_with_token(&args).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        (1..24)
            .find(|&i| {
                list.iter().any(|p| {
                    p["userPrincipalName"] == self.sim.upn(i).as_str()
                        && (p["availability"] == "Available") == available
                        && p["outOfOfficeSettings"]["isOutOfOffice"] != true
                })
            })
            .expect("someone of each kind")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_exits_0_with_one_line_at_once_when_someone_is_already_there() {
    let t = tenant().await;
    let free = t.someone(true).await;
    let busy = t.someone(false).await;
    let out = t
        .run_with_token(&["wait", &t.sim.upn(busy), &t.sim.upn(free)])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let name = t.sim.display_name(free).unwrap();
    assert_eq!(text(&out.stdout), format!("{name} is Available\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_exits_5_on_timeout_and_2_on_a_bad_state() {
    let t = tenant().await;
    let busy = t.someone(false).await;
    let out = t
        .run_with_token(&["wait", &t.sim.upn(busy), "--timeout", "6s"])
        .await;
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(err.starts_with("teamboard: timed out: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let out = t
        .run_with_token(&["wait", &t.sim.upn(busy), "--until", "free"])
        .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--until free is not a state"));
    let out = t
        .run_with_token(&["wait", &t.sim.upn(busy), "--timeout", "soon"])
        .await;
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_without_a_sign_in_exits_3() {
    let t = tenant().await;
    let mut cmd = t.binary(&["wait", "someone@contoso.com"]);
    cmd.env("TEAMBOARD_ACCESS_TOKEN", "not-the-token");
    let out = t.run(cmd).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_people_takes_upns_and_unique_name_parts_and_lists_an_ambiguous_one() {
    let t = tenant().await;
    // Someone outside [team] is found by UPN in the directory.
    let outsider = t.sim.upn(20);
    let out = t.run_with_token(&["status", "--json", &outsider]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["userPrincipalName"], outsider.as_str());
    // A teammate by a unique part of the name (the roster: you and people 1..=6).
    let names: Vec<String> = (0..=6).filter_map(|i| t.sim.display_name(i)).collect();
    let (name, part) = names
        .iter()
        .flat_map(|n| {
            n.split_whitespace()
                .map(move |w| (n.clone(), w.to_lowercase()))
        })
        .find(|(_, w)| {
            w.len() > 2
                && names
                    .iter()
                    .filter(|n| n.to_lowercase().contains(w.as_str()))
                    .count()
                    == 1
        })
        .expect("some name has a word of its own");
    let out = t.run_with_token(&["status", "--json", &part]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["displayName"], name.as_str());
    // A single letter fits many teammates: an error listing them, exit 2.
    let out = t.run_with_token(&["status", "a"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(err.contains("\"a\" fits "), "{err}");
    assert!(
        err.contains("name one by more of the name, or by UPN"),
        "{err}"
    );
    let out = t
        .run_with_token(&["status", "nobody-here@contoso.com"])
        .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("nobody is named \"nobody-here@contoso.com\""));
}
