//! A cold start (no roster cache) of 40, 1,000 and 10,000 people against the simulated tenant:
//! the requests it takes to resolve everyone and read their presence once, counted by the tenant;
//! `getByIds` tried and its refusal remembered; unknown members reported. In-process under paused
//! time, so the simulated latency costs no real time and the figures printed are exact.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use teamboard::config::TeamConfig;
use teamboard::graph::model::UserId;
use teamboard::roster::{self, Progress, Resolve, Roster};
use teamboard::sim::{RequestCounts, Scenario, Sim, SimOptions};
use tokio::time::Instant;

mod support {
    pub mod graph;
}
use support::graph::client;

const LATENCY: Duration = Duration::from_millis(50);

fn tenant(size: u32, directory_read_all: bool) -> Arc<Sim> {
    let mut options = SimOptions::new(size, Scenario::Static);
    options.faults.latency = LATENCY;
    options.directory_read_all = directory_read_all;
    // Load, not Graph's rate limit, is what these measure.
    options.presence_limit = None;
    Sim::new(options)
}

fn team(members: Vec<String>) -> TeamConfig {
    TeamConfig {
        members,
        groups: Vec::new(),
        include_me: true,
        roster_ttl: Duration::from_secs(24 * 3600),
    }
}

/// Everyone but "me" (person 0, who comes from `/me`), by object id or by UPN.
fn members(sim: &Sim, by_upn: bool) -> Vec<String> {
    (1..sim.team_size())
        .map(|i| if by_upn { sim.upn(i) } else { sim.user_id(i) })
        .collect()
}

struct Start {
    roster: Roster,
    counts: RequestCounts,
    took: Duration,
    updates: usize,
}

/// Resolves the team, then reads everyone's presence once: the board's first poll without a cache.
async fn cold_start(sim: &Arc<Sim>, team: &TeamConfig, how: Resolve<'_>) -> Start {
    let c = client(sim);
    let started = Instant::now();
    let roster = roster::resolve_with(&c, team, how).await.unwrap();
    let read = c.presences(&roster.ids()).await.unwrap();
    assert_eq!(read.presences.len(), roster.ids().len());
    Start {
        roster,
        counts: sim.counts(),
        took: started.elapsed(),
        updates: 0,
    }
}

async fn cold_start_telling(sim: &Arc<Sim>, team: &TeamConfig) -> (Start, Vec<Progress>) {
    let told = Mutex::new(Vec::new());
    let tell = |p: Progress| told.lock().unwrap().push(p);
    let how = Resolve {
        by_ids_refused_at: None,
        progress: Some(&tell),
    };
    let mut start = cold_start(sim, team, how).await;
    let told = told.into_inner().unwrap();
    start.updates = told.len();
    (start, told)
}

#[tokio::test(start_paused = true)]
async fn forty_a_thousand_and_ten_thousand_people_by_id() {
    // (people, most requests: resolution + /me + presence).
    for (people, budget) in [(40, 3), (1_000, 8), (10_000, 55)] {
        let sim = tenant(people, false);
        let t = team(members(&sim, false));
        let (start, told) = cold_start_telling(&sim, &t).await;
        let c = start.counts;
        eprintln!(
            "FIGURE cold start by id, {people} people, 50 ms latency: {} requests \
             ({} $batch of {} filters, {} getByIds, {} presence), {:.2} s simulated, {} progress updates",
            c.total,
            c.batch,
            c.user_list,
            c.directory_objects,
            c.presence_batch,
            start.took.as_secs_f64(),
            start.updates
        );
        assert!(c.total <= budget, "{people}: {c:?}");
        assert_eq!(start.roster.members.len(), people as usize - 1);
        assert!(start.roster.unresolved.is_empty());
        assert_eq!(c.users, 0, "no single reads for ids: {c:?}");
        // Progress ends with everyone settled, and names each member once.
        let last = told.last().unwrap();
        assert_eq!(
            (last.resolved, last.total),
            (people as usize - 1, Some(people as usize - 1))
        );
        let shown: usize = told.iter().map(|p| p.users.len()).sum();
        assert_eq!(shown, people as usize - 1);
        assert!(told.windows(2).all(|w| w[0].resolved <= w[1].resolved));
    }
}

#[tokio::test(start_paused = true)]
async fn ten_thousand_by_id_is_34_batches_and_16_reads_after_one_refused_get_by_ids() {
    let sim = tenant(10_000, false);
    let t = team(members(&sim, false));
    let start = cold_start(&sim, &t, Resolve::default()).await;
    let c = start.counts;
    assert_eq!(c.directory_objects, 1, "tried once, refused");
    assert_eq!(c.batch, 34);
    assert_eq!(c.user_list, 667, "9,999 ids in filters of 15");
    assert_eq!(c.presence_batch, 16);
    assert_eq!(c.total, 1 + 34 + 1 + 16);
    assert!(start.roster.by_ids_refused_at.is_some());
}

#[tokio::test(start_paused = true)]
async fn with_directory_read_all_ten_thousand_ids_take_ten_get_by_ids() {
    let sim = tenant(10_000, true);
    let t = team(members(&sim, false));
    let start = cold_start(&sim, &t, Resolve::default()).await;
    let c = start.counts;
    eprintln!(
        "FIGURE cold start by id with Directory.Read.All, 10000 people, 50 ms latency: {} requests, {:.2} s simulated",
        c.total,
        start.took.as_secs_f64()
    );
    assert_eq!(c.directory_objects, 10);
    assert_eq!((c.batch, c.user_list), (0, 0));
    assert_eq!(c.total, 10 + 1 + 16);
    assert_eq!(start.roster.members.len(), 9_999);
    assert_eq!(start.roster.by_ids_refused_at, None);
}

#[tokio::test(start_paused = true)]
async fn by_upn_a_thousand_and_ten_thousand_people() {
    for (people, budget) in [(40, 3), (1_000, 7), (10_000, 51)] {
        let sim = tenant(people, false);
        let t = team(members(&sim, true));
        let start = cold_start(&sim, &t, Resolve::default()).await;
        let c = start.counts;
        eprintln!(
            "FIGURE cold start by UPN, {people} people, 50 ms latency: {} requests, {:.2} s simulated",
            c.total,
            start.took.as_secs_f64()
        );
        assert!(c.total <= budget, "{people}: {c:?}");
        assert_eq!(c.directory_objects, 0, "UPNs are not ids");
        assert_eq!(start.roster.members.len(), people as usize - 1);
    }
}

#[tokio::test(start_paused = true)]
async fn a_refused_get_by_ids_is_not_asked_again_for_a_week() {
    let sim = tenant(1_000, false);
    let t = team(members(&sim, false));
    let first = cold_start(&sim, &t, Resolve::default()).await;
    let refused_at = first.roster.by_ids_refused_at.expect("remembered");
    assert_eq!(first.counts.directory_objects, 1);
    // The next start (a new process: a new client) knows it from the roster cache.
    let how = Resolve {
        by_ids_refused_at: Some(refused_at),
        progress: None,
    };
    let second = cold_start(&sim, &t, how).await;
    assert_eq!(second.counts.directory_objects, 1, "not asked again");
    assert_eq!(
        second.roster.by_ids_refused_at,
        Some(refused_at),
        "still remembered from when it was refused"
    );
    // A week on, an administrator may have granted it: asked once more.
    let how = Resolve {
        by_ids_refused_at: Some(refused_at - jiff::SignedDuration::from_hours(8 * 24)),
        progress: None,
    };
    let third = cold_start(&sim, &t, how).await;
    assert_eq!(third.counts.directory_objects, 2);
    assert!(third.roster.by_ids_refused_at.is_some(), "refused again");
}

#[tokio::test(start_paused = true)]
async fn a_client_that_was_refused_does_not_ask_again() {
    let sim = tenant(700, false);
    let c = client(&sim);
    let t = team(members(&sim, false));
    roster::resolve(&c, &t).await.unwrap();
    roster::resolve(&c, &t).await.unwrap();
    assert_eq!(sim.counts().directory_objects, 1);
    assert!(c.by_ids_refused());
}

#[tokio::test(start_paused = true)]
async fn members_nobody_matches_are_reported_as_before() {
    let sim = tenant(1_000, true);
    let mut names = members(&sim, false);
    names.truncate(600);
    names.extend((601..701).map(|i| sim.upn(i)));
    let unknown_id = "00000000-0000-4000-8000-00000000beef".to_owned();
    names.push(unknown_id.clone());
    names.push("nobody@contoso.com".into());
    names.push("not-an-id-nor-a-upn".into());
    let start = cold_start(&sim, &team(names), Resolve::default()).await;
    assert_eq!(start.roster.members.len(), 700);
    let unresolved: Vec<(&str, &str)> = start
        .roster
        .unresolved
        .iter()
        .map(|u| (u.configured.as_str(), u.reason.as_str()))
        .collect();
    assert_eq!(
        unresolved,
        [
            (unknown_id.as_str(), "not found in the directory"),
            ("nobody@contoso.com", "not found in the directory"),
            ("not-an-id-nor-a-upn", "not found in the directory"),
        ]
    );
    // Config order is kept: ids first here, then UPNs.
    assert_eq!(start.roster.members[0].id, UserId::new(sim.user_id(1)));
    assert_eq!(start.roster.members[699].id, UserId::new(sim.user_id(700)));
    // The name neither form can express was read on its own.
    assert_eq!(start.counts.users, 1);
}

#[tokio::test(start_paused = true)]
async fn a_group_is_shown_a_page_at_a_time() {
    let sim = tenant(2_500, false);
    let t = TeamConfig {
        members: Vec::new(),
        groups: vec![sim.team_group_id()],
        include_me: false,
        roster_ttl: Duration::from_secs(24 * 3600),
    };
    let (start, told) = cold_start_telling(&sim, &t).await;
    assert_eq!(start.roster.members.len(), 2_500);
    // Pages of 999: 999, 999, then 502 and the nested group, which is not a user.
    let pages: Vec<usize> = told.iter().map(|p| p.users.len()).collect();
    assert_eq!(pages, [999, 999, 502]);
    assert!(
        told.iter().all(|p| p.total.is_none()),
        "a group's size is not known"
    );
    assert_eq!(told.last().unwrap().resolved, 2_500);
}
