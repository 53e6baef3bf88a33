//! A `GraphClient` on the simulated tenant in-process (through `RouterTransport`, so paused time
//! costs nothing), and the tenant's people as ids.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use teamboard::auth::{Secret, StaticToken, TokenSource};
use teamboard::graph::model::UserId;
use teamboard::graph::{ClientOptions, GraphClient};
use teamboard::sim::{RouterTransport, Sim};

pub const BASE: &str = "http://127.0.0.1/v1.0";

/// A client of `sim` signed in through `tokens`.
pub fn client_with(sim: &Arc<Sim>, tokens: Arc<dyn TokenSource>) -> GraphClient {
    let options = ClientOptions {
        base_url: BASE.into(),
        timeout: Duration::from_secs(15),
        seed: 7,
        max_retries: 3,
    };
    GraphClient::new(
        options,
        Arc::new(RouterTransport::new(sim.router())),
        tokens,
    )
    .unwrap()
}

/// A client of `sim` with the tenant's static token.
pub fn client(sim: &Arc<Sim>) -> GraphClient {
    client_with(sim, Arc::new(StaticToken::new(Secret::new(sim.token()))))
}

/// Everyone on the tenant, as ids.
pub fn ids(sim: &Sim) -> Vec<UserId> {
    sim.user_ids().into_iter().map(UserId::new).collect()
}
