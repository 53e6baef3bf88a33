//! `teamboard status` through the built binary against the simulated tenant served on 127.0.0.1:
//! the three formats, `--max-age`, the roster cache, unresolved members, hostile text and exit codes.
#![cfg(feature = "sim")]

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::Arc;

use teamboard::config::Config;
use teamboard::graph::model::{User, UserId};
use teamboard::sim::{RequestCounts, RetryAfter, Running, Scenario, Sim, SimOptions, serve};
use teamboard::store::Store;

struct Tenant {
    home: tempfile::TempDir,
    sim: Arc<Sim>,
    running: Running,
    config: PathBuf,
}

/// A tenant of `size` people; the config names people 1..=`members` (person 0 is "me"), plus `extra`.
async fn tenant(size: u32, scenario: Scenario, members: u32, extra: &[&str]) -> Tenant {
    let sim = Sim::new(SimOptions::new(size, scenario));
    let running = serve(sim.clone(), 0).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut list: Vec<String> = (1..=members).map(|i| format!("{:?}", sim.upn(i))).collect();
    list.extend(extra.iter().map(|e| format!("{e:?}")));
    let config = home.path().join("teamboard.toml");
    std::fs::write(
        &config,
        format!(
            "[graph]\nbase_url = \"{}\"\n\n[team]\nmembers = [{}]\n",
            running.base_url,
            list.join(", ")
        ),
    )
    .unwrap();
    Tenant {
        home,
        sim,
        running,
        config,
    }
}

impl Tenant {
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_teamboard"));
        let home = self.home.path();
        cmd.arg("--config")
            .arg(&self.config)
            .args(args)
            .env("TEAMBOARD_ACCESS_TOKEN", self.sim.token())
            .env_remove("TEAMBOARD_CONFIG")
            .env_remove("NO_COLOR")
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_DATA_HOME", home.join("data"));
        cmd
    }

    /// Runs the binary off the runtime's threads, so the served tenant keeps answering.
    async fn run(&self, args: &[&str]) -> Output {
        self.output(self.command(args)).await
    }

    async fn output(&self, mut cmd: Command) -> Output {
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap()
    }

    fn store(&self) -> Store {
        let config = Config::load(Some(&self.config)).unwrap();
        Store::in_dir(self.home.path().join("cache/teamboard"), &config)
    }

    fn counts(&self) -> RequestCounts {
        self.sim.counts()
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn json(out: &Output) -> Vec<serde_json::Value> {
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// Requests that resolve the roster (`/me`, `/users`, `$batch`, groups).
fn resolution(c: &RequestCounts) -> u64 {
    c.me + c.users + c.batch + c.groups
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_is_plain_when_piped_and_lists_everyone() {
    let t = tenant(30, Scenario::Static, 12, &[]).await;
    let out = t.run(&["status"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("NAME")
            && lines[0].contains("AVAILABILITY")
            && lines[0].contains("LOCATION")
    );
    assert_eq!(lines.len(), 1 + 13, "header, me and 12 members:\n{text}");
    assert!(
        !text.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let c = t.counts();
    assert_eq!(c.presence_batch, 1, "13 people: one presence request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_uses_graph_names_sorted_by_name() {
    let t = tenant(30, Scenario::Static, 12, &[]).await;
    let out = t.run(&["status", "--json"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list = json(&out);
    assert_eq!(list.len(), 13);
    let names: Vec<String> = list
        .iter()
        .map(|p| p["displayName"].as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "sorted case-insensitively by displayName");
    let mut ids: Vec<String> = list
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    let mut expected: Vec<String> = (0..=12).map(|i| t.sim.user_id(i)).collect();
    expected.sort();
    assert_eq!(ids, expected);
    for p in &list {
        let o = p.as_object().unwrap();
        for key in o.keys() {
            assert!(
                [
                    "id",
                    "displayName",
                    "userPrincipalName",
                    "availability",
                    "activity",
                    "outOfOfficeSettings",
                    "statusMessage",
                    "workLocation",
                    "sequenceNumber"
                ]
                .contains(&key.as_str()),
                "unexpected key {key}"
            );
        }
        assert!(p["availability"].is_string() && p["activity"].is_string());
        assert!(p["userPrincipalName"].as_str().unwrap().contains('@'));
        if let Some(ooo) = p.get("outOfOfficeSettings") {
            assert!(
                ooo["isOutOfOffice"].is_boolean(),
                "Graph's nesting kept: {ooo}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_graph_returns_nothing_for_is_presence_unknown() {
    let t = tenant(30, Scenario::Static, 3, &[]).await;
    // Warm the cache, then add someone the tenant does not know to the cached roster.
    assert_eq!(t.run(&["status"]).await.status.code(), Some(0));
    let store = t.store();
    let mut roster = store
        .load_roster(std::time::Duration::from_secs(3600))
        .unwrap();
    roster.members.push(User {
        id: UserId::new("00000000-dead-beef-0000-000000000000"),
        display_name: Some("Aaron Absent".into()),
        user_principal_name: Some("aaron@contoso.com".into()),
        mail: None,
        job_title: None,
        department: None,
    });
    store.save_roster(&roster).unwrap();
    let out = t.run(&["status", "--json"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list = json(&out);
    let absent = list
        .iter()
        .find(|p| p["displayName"] == "Aaron Absent")
        .unwrap();
    let keys: Vec<&String> = absent.as_object().unwrap().keys().collect();
    assert_eq!(
        keys.len(),
        5,
        "no presence fields but availability and activity: {absent}"
    );
    assert_eq!(absent["availability"], "PresenceUnknown");
    assert_eq!(absent["activity"], "PresenceUnknown");
    assert_eq!(absent["id"], "00000000-dead-beef-0000-000000000000");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn line_counts_everyone_and_is_tmux_safe() {
    let t = tenant(30, Scenario::Static, 12, &[]).await;
    let out = t.run(&["status", "--line"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1);
    assert!(!text.contains('\u{1b}'));
    let total: u32 = text
        .split_whitespace()
        .filter_map(|w| w.parse::<u32>().ok())
        .sum();
    assert_eq!(total, 13, "{text}");
    for symbol in ["✓", "●", "⊖", "◷", "⊗"] {
        assert!(text.contains(symbol), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warm_start_makes_no_resolution_requests_and_max_age_none_at_all() {
    let t = tenant(30, Scenario::Static, 12, &[]).await;
    let cold = t.run(&["status", "--line"]).await;
    assert_eq!(cold.status.code(), Some(0), "{}", stderr(&cold));
    let after_cold = t.counts();
    assert!(
        resolution(&after_cold) > 0,
        "a cold start resolves: {after_cold:?}"
    );

    let warm = t.run(&["status", "--line"]).await;
    assert_eq!(warm.status.code(), Some(0));
    let after_warm = t.counts();
    assert_eq!(
        resolution(&after_warm),
        resolution(&after_cold),
        "warm: no resolution requests"
    );
    assert_eq!(
        after_warm.total - after_cold.total,
        1,
        "warm: exactly one presence request"
    );
    assert_eq!(after_warm.presence_batch - after_cold.presence_batch, 1);

    // A fresh snapshot: no request at all, and no token needed (nothing is built).
    let mut cmd = t.command(&["status", "--line", "--max-age", "600"]);
    cmd.env_remove("TEAMBOARD_ACCESS_TOKEN");
    let cached = t.output(cmd).await;
    assert_eq!(cached.status.code(), Some(0), "{}", stderr(&cached));
    assert_eq!(stdout(&cached), stdout(&warm));
    assert_eq!(
        t.counts(),
        after_warm,
        "--max-age with a fresh snapshot touches nothing"
    );

    // Too old for --max-age 0: it asks Graph again.
    let fetched = t.run(&["status", "--line", "--max-age", "0"]).await;
    assert_eq!(fetched.status.code(), Some(0));
    assert_eq!(t.counts().total, after_warm.total + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unresolved_members_are_listed_and_warned_about() {
    let t = tenant(30, Scenario::Static, 2, &["ghost.person@nowhere.example"]).await;
    let out = t.run(&["status", "--json"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("could not resolve \"ghost.person@nowhere.example\""),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let list = json(&out);
    assert_eq!(list.len(), 4);
    let ghost = list
        .iter()
        .find(|p| p["displayName"] == "ghost.person@nowhere.example")
        .unwrap();
    assert_eq!(ghost["availability"], "PresenceUnknown");
    assert_eq!(ghost["id"], serde_json::Value::Null);
    // The warning repeats when served from the cache: the roster still lacks them.
    let cached = t.run(&["status", "--max-age", "600"]).await;
    assert!(stderr(&cached).contains("ghost.person@nowhere.example"));
    assert!(stdout(&cached).contains("ghost.person@nowhere.example"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_is_inert_in_every_format() {
    let t = tenant(40, Scenario::Hostile, 16, &[]).await;
    let json_out = t.run(&["status", "--json"]).await;
    assert_eq!(json_out.status.code(), Some(0), "{}", stderr(&json_out));
    let raw = stdout(&json_out);
    let bad = |c: char| {
        (c.is_control() && c != '\n')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    };
    assert!(!raw.chars().any(bad), "only \\u escapes in the JSON");
    assert!(
        raw.contains("\\u001b]0;PWNED\\u0007Mallory Title"),
        "lossless: the attack is kept, escaped"
    );
    let list = json(&json_out);
    assert!(
        list.iter()
            .any(|p| p["displayName"] == "\u{1b}]0;PWNED\u{7}Mallory Title")
    );
    assert!(
        list.iter().any(|p| p["availability"] == "Teleporting"),
        "unknown values as Graph sent them"
    );

    for args in [vec!["status"], vec!["status", "--line"]] {
        let out = t.run(&args).await;
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(!text.chars().any(bad), "{args:?}: {text:?}");
        assert!(!text.contains("PWNED\u{7}"));
        for line in text.lines() {
            assert!(
                line.chars().count() < 400,
                "cells are fitted: {}",
                line.len()
            );
        }
    }
    assert!(!stderr(&json_out).chars().any(bad));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_for_sign_in_and_network() {
    let t = tenant(10, Scenario::Static, 3, &[]).await;
    let mut cmd = t.command(&["status"]);
    cmd.env_remove("TEAMBOARD_ACCESS_TOKEN");
    let out = t.output(cmd).await;
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(stderr(&out).lines().count(), 1);
    assert!(stderr(&out).contains("TEAMBOARD_ACCESS_TOKEN"));

    let mut cmd = t.command(&["status"]);
    cmd.env("TEAMBOARD_ACCESS_TOKEN", "not-the-token");
    let out = t.output(cmd).await;
    assert_eq!(
        out.status.code(),
        Some(3),
        "a refused token: {}",
        stderr(&out)
    );
    assert!(
        !stderr(&out).contains("not-the-token"),
        "the token never shows"
    );

    // The server goes away: a network error, one line, exit 4.
    let addr = t.running.addr;
    drop(t.running);
    let config = t.home.path().join("down.toml");
    std::fs::write(
        &config,
        format!("[graph]\nbase_url = \"http://{addr}/v1.0\"\ntimeout_secs = 2\n"),
    )
    .unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_teamboard"));
    cmd.args(["--config", config.to_str().unwrap(), "status"])
        .env("TEAMBOARD_ACCESS_TOKEN", "x")
        .env("HOME", t.home.path())
        .env("XDG_CACHE_HOME", t.home.path().join("cache2"))
        .env("XDG_STATE_HOME", t.home.path().join("state"));
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("teamboard: could not reach Microsoft Graph"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_status_says_when_to_try_again_not_how_a_board_polls() {
    let t = tenant(10, Scenario::Static, 3, &[]).await;
    t.sim.faults().update(|f| {
        f.throttle_every = 1;
        f.retry_after = RetryAfter::Seconds(120);
    });
    let out = t.run(&["status"]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("teamboard: Microsoft Graph is throttling this app; try again after "),
        "{err}"
    );
    assert!(err.contains("(in about 2 min)"), "{err}");
    assert!(
        !err.contains("polling") && !err.contains("by itself"),
        "{err}"
    );

    t.sim
        .faults()
        .update(|f| f.retry_after = RetryAfter::Missing);
    let out = t.run(&["status"]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("try again in a few minutes"), "{err}");
    assert!(!err.contains("polling"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_and_roster_are_private_files() {
    use std::os::unix::fs::PermissionsExt;
    let t = tenant(10, Scenario::Static, 3, &[]).await;
    assert_eq!(t.run(&["status"]).await.status.code(), Some(0));
    let store = t.store();
    for path in [store.snapshot_path(), store.roster_path()] {
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600,
            "{}",
            path.display()
        );
    }
    assert_eq!(
        std::fs::metadata(store.dir()).unwrap().permissions().mode() & 0o777,
        0o700
    );
    // logout removes them.
    let out = t.run(&["logout"]).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(!store.snapshot_path().exists() && !store.roster_path().exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_warm_start_costs_ceil_n_over_650_requests() {
    // 1,300 members and me: 1,301 people, three presence batches.
    let t = tenant(1_400, Scenario::Static, 1_300, &[]).await;
    let cold = t.run(&["status", "--line"]).await;
    assert_eq!(cold.status.code(), Some(0), "{}", stderr(&cold));
    let after_cold = t.counts();
    let warm = t.run(&["status", "--line"]).await;
    assert_eq!(warm.status.code(), Some(0), "{}", stderr(&warm));
    let after_warm = t.counts();
    assert_eq!(
        after_warm.total - after_cold.total,
        3,
        "{after_cold:?} -> {after_warm:?}"
    );
    assert_eq!(after_warm.presence_batch - after_cold.presence_batch, 3);
    let counted: u32 = stdout(&warm)
        .split_whitespace()
        .filter_map(|w| w.parse::<u32>().ok())
        .sum();
    assert_eq!(counted, 1_301);
    eprintln!("cold start: {after_cold:?}");
}
