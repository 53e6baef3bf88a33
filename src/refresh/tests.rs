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
    let data = r.poll(None).await.unwrap();
    assert!(data.roster.me.is_some());
    let ids = data.roster.ids();
    assert!(ids.len() >= 24, "{}", ids.len());
    assert_eq!(data.presences.len(), ids.len());
    let resolution = sim.counts().me + sim.counts().groups;
    assert!(resolution > 0);

    // The core hands the roster back: no resolution, one presence request.
    let before = sim.counts();
    let again = r.poll(Some(Arc::clone(&data.roster))).await.unwrap();
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
    r.poll(None).await.unwrap();
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
    let failed = r.poll(None).await.unwrap_err();
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
        until: tokio::time::Instant::now() + Duration::from_secs(90),
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
