//! One poll against the simulated tenant, in-process (no sockets).

use std::sync::Arc;
use std::time::Duration;

use crate::app::FailureKind;
use crate::auth::{Secret, StaticToken, TokenSource};
use crate::config::Config;
use crate::graph::client::{ClientOptions, GraphClient};
use crate::graph::error::GraphError;
use crate::sim::{RouterTransport, Scenario, Sim, SimOptions};
use crate::store::Store;

use super::{Refresher, failure};
use crate::auth::NoToken;

fn refresher(sim: &Arc<Sim>, tokens: Arc<dyn TokenSource>, store: Option<Store>) -> Refresher {
    let mut config = Config::default();
    config.team.groups = vec![sim.team_group_id()];
    config.team.include_me = true;
    let options = ClientOptions::new("http://127.0.0.1/v1.0", Duration::from_secs(5));
    let client = GraphClient::new(
        options,
        Arc::new(RouterTransport::new(sim.router())),
        tokens,
    )
    .unwrap();
    Refresher::new(client, store, config.team)
}

#[tokio::test]
async fn a_poll_resolves_the_roster_once_then_reuses_it() {
    let sim = Sim::new(SimOptions::new(24, Scenario::Static));
    let tokens = Arc::new(StaticToken::new(Secret::new(sim.token())));
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path().to_path_buf());
    let r = refresher(&sim, tokens, Some(store.clone()));
    let data = r.poll(None, &|_| {}).await.unwrap();
    assert!(data.roster.me.is_some());
    let ids = data.roster.ids();
    assert!(ids.len() >= 24, "{}", ids.len());
    assert_eq!(data.presences.len(), ids.len());
    let resolution = sim.counts().me + sim.counts().groups;
    assert!(resolution > 0);

    // The core hands the roster back: no resolution, one presence request.
    let before = sim.counts();
    let again = r
        .poll(Some(Arc::clone(&data.roster)), &|_| {})
        .await
        .unwrap();
    assert_eq!(again.presences.len(), ids.len());
    let after = sim.counts();
    assert_eq!(after.me + after.groups, before.me + before.groups);
    assert_eq!(after.presence_batch, before.presence_batch + 1);

    // A fresh start with a warm roster cache: none for resolution either.
    for _ in 0..50 {
        if store.load_roster(Duration::from_secs(3600)).is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let before = sim.counts();
    r.poll(None, &|_| {}).await.unwrap();
    let after = sim.counts();
    assert_eq!(
        after.me + after.groups + after.users + after.batch,
        before.me + before.groups + before.users + before.batch
    );
}

#[tokio::test]
async fn without_a_token_the_poll_says_sign_in() {
    let sim = Sim::new(SimOptions::new(4, Scenario::Static));
    let r = refresher(&sim, Arc::new(NoToken), None);
    let failed = r.poll(None, &|_| {}).await.unwrap_err();
    assert_eq!(failed.kind, FailureKind::SignedOut);
    assert!(
        failed.message.as_str().contains("TEAMBOARD_ACCESS_TOKEN"),
        "{}",
        failed.message
    );
}

#[test]
fn throttling_carries_how_long_to_wait() {
    let e = GraphError::Throttled {
        retry_after: Some(Duration::from_secs(90)),
        until: Some(tokio::time::Instant::now() + Duration::from_secs(90)),
    };
    assert_eq!(
        failure(&e).kind,
        FailureKind::Throttled {
            retry_after: Some(Duration::from_secs(90))
        }
    );
    let e = GraphError::Timeout;
    assert_eq!(failure(&e).kind, FailureKind::Failed);
    assert!(!failure(&e).message.is_empty());
}

/// A board left running against a tenant that answers every request 429 with no usable Retry-After
/// (none, negative, garbage): over ten simulated minutes it never polls sooner than its interval, and
/// each poll costs at most two requests.
#[tokio::test(start_paused = true)]
async fn a_board_throttled_without_retry_after_polls_at_most_once_per_interval() {
    use crate::app::keymap::Keymap;
    use crate::app::{App, Effect, Msg, Now, Options};
    use crate::sim::RetryAfter;

    const MINUTES: u64 = 10;
    for value in ["none", "-1", "garbage"] {
        let sim = Sim::new(SimOptions::new(24, Scenario::Static));
        sim.faults().update(|f| {
            f.throttle_every = 1;
            f.retry_after = RetryAfter::parse(value);
        });
        let tokens = Arc::new(StaticToken::new(Secret::new(sim.token())));
        let r = refresher(&sim, tokens, None);
        let config = Config::default();
        let interval = config.refresh.interval;
        let options = Options::from_config(
            &config,
            Keymap::default(),
            jiff::tz::TimeZone::UTC,
            false,
            7,
        );
        let start = Now::read();
        let end = start.instant + Duration::from_secs(60 * MINUTES);
        let mut app = App::new(options, ratatui::layout::Rect::new(0, 0, 80, 24), start);
        let mut polls = Vec::new();
        let mut msg = Msg::Deadline;
        loop {
            let now = Now::read();
            if now.instant >= end {
                break;
            }
            let effects = app.update(msg, now);
            msg = Msg::Deadline;
            let poll = effects.into_iter().find_map(|e| match e {
                Effect::Poll(roster) => Some(roster),
                _ => None,
            });
            if let Some(roster) = poll {
                polls.push(now.instant);
                msg = Msg::Polled(Box::new(r.poll(roster, &|_| {}).await));
                continue;
            }
            let Some(at) = app.next_deadline() else { break };
            tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await;
        }
        let requests = sim.counts().total;
        eprintln!(
            "FIGURE 429 with Retry-After {value:?}: {} polls, {requests} requests in {MINUTES} simulated minutes",
            polls.len()
        );
        assert!(
            polls.windows(2).all(|w| w[1] - w[0] >= interval),
            "{value:?}: polls closer than the interval: {:?}",
            polls.windows(2).map(|w| w[1] - w[0]).collect::<Vec<_>>()
        );
        assert!(
            requests <= 2 * polls.len() as u64,
            "{value:?}: {requests} requests for {} polls",
            polls.len()
        );
    }
}

/// A refresher for `members` (object ids), with a client of its own: a new process each time.
fn by_id(sim: &Arc<Sim>, members: Vec<String>, store: &Store) -> Refresher {
    let mut config = Config::default();
    config.team.members = members;
    let options = ClientOptions::new("http://127.0.0.1/v1.0", Duration::from_secs(5));
    let client = GraphClient::new(
        options,
        Arc::new(RouterTransport::new(sim.router())),
        Arc::new(StaticToken::new(Secret::new(sim.token()))),
    )
    .unwrap();
    Refresher::new(client, Some(store.clone()), config.team)
}

#[tokio::test]
async fn a_refused_get_by_ids_is_remembered_through_the_roster_cache() {
    let sim = Sim::new(SimOptions::new(700, Scenario::Static));
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path().to_path_buf());
    let ids = sim.user_ids();
    let told = std::sync::Mutex::new(0usize);
    let count = |_| *told.lock().unwrap() += 1;
    let data = by_id(&sim, ids.clone(), &store)
        .poll(None, &count)
        .await
        .unwrap();
    assert_eq!(sim.counts().directory_objects, 1, "tried, refused");
    assert!(data.roster.by_ids_refused_at.is_some());
    assert!(*told.lock().unwrap() > 0, "progress was told");
    for _ in 0..50 {
        if store
            .load_roster(Duration::MAX)
            .is_some_and(|r| r.by_ids_refused_at.is_some())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The next start, for a team edited since (the cached roster no longer fits): filters at once.
    let edited = by_id(&sim, ids[1..].to_vec(), &store);
    let data = edited.poll(None, &|_| {}).await.unwrap();
    assert_eq!(data.roster.members.len(), 699);
    assert_eq!(sim.counts().directory_objects, 1, "not asked again");
}

#[tokio::test]
async fn watched_people_outside_the_team_are_read_in_the_same_request() {
    let sim = Sim::new(SimOptions::new(24, Scenario::Static));
    let tokens = Arc::new(StaticToken::new(Secret::new(sim.token())));
    let options = ClientOptions::new("http://127.0.0.1/v1.0", Duration::from_secs(5));
    let client = GraphClient::new(
        options,
        Arc::new(RouterTransport::new(sim.router())),
        tokens,
    )
    .unwrap();
    let mut team = Config::default().team;
    team.members = vec![sim.upn(1), sim.upn(2)];
    team.include_me = false;
    let outsider = sim.upn(20);
    let r = Refresher::new(client, None, team).with_watched(vec![outsider.clone(), sim.upn(1)]);
    let data = r.poll(None, &|_| {}).await.unwrap();
    let ids = data.roster.ids();
    assert_eq!(ids.len(), 3, "the team and the one outsider, each once");
    assert!(ids.iter().any(|id| id.as_str() == sim.user_id(20)));
    assert_eq!(data.presences.len(), 3);
    assert_eq!(
        sim.counts().presence_batch,
        1,
        "one presence request for all"
    );
}
