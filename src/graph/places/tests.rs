//! Place lookups against the simulated tenant in-process (and one scripted `$batch` for mixed answers).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::auth::{Secret, StaticToken};
use crate::graph::client::ClientOptions;
use crate::graph::client::fake::{Script, Tokens, client, reply};
use crate::graph::model::UserId;
use crate::sim::{
    EndpointKind, FaultConfig, RetryAfter, RouterTransport, Scenario, Sim, SimOptions,
};
use crate::text::SafeText;

/// A Monday morning, so work locations are reported.
fn options(size: u32, scenario: Scenario) -> SimOptions {
    let mut o = SimOptions::new(size, scenario);
    o.start = Some("2024-05-06T08:30:00Z".parse().unwrap());
    o
}

fn sim_client(sim: &Arc<Sim>, token: &str) -> GraphClient {
    GraphClient::new(
        ClientOptions::new("http://127.0.0.1/v1.0", Duration::from_secs(5)),
        Arc::new(RouterTransport::new(sim.router())),
        Arc::new(StaticToken::new(Secret::new(token))),
    )
    .unwrap()
}

/// The place ids the given people's presence points at, each once.
async fn presence_place_ids(client: &GraphClient, people: &[String]) -> Vec<String> {
    let ids: Vec<UserId> = people.iter().map(|id| UserId::new(id.as_str())).collect();
    let read = client.presences(&ids).await.unwrap();
    let places: BTreeSet<String> = read
        .presences
        .iter()
        .filter_map(|p| p.work_location.as_ref()?.place_id.clone())
        .collect();
    places.into_iter().collect()
}

#[tokio::test(start_paused = true)]
async fn names_come_back_for_the_places_presence_points_at() {
    let sim = Sim::new(options(40, Scenario::Static));
    let c = sim_client(&sim, sim.token());
    let mut ids = presence_place_ids(&c, &sim.user_ids()).await;
    assert!(!ids.is_empty(), "nobody is at a place on a Monday morning");
    let distinct = ids.len() as u64;
    ids.push(ids[0].clone()); // duplicates are asked once
    let before = sim.counts();
    let lookup = c.place_names(&ids).await.unwrap();
    let after = sim.counts();
    assert!(!lookup.denied);
    assert!(lookup.unknown.is_empty(), "{:?}", lookup.unknown);
    let named: BTreeSet<&str> = lookup.named.iter().map(|(id, _)| id.as_str()).collect();
    let asked: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    assert_eq!(named, asked);
    assert_eq!(lookup.named.len() as u64, distinct);
    assert!(lookup.named.iter().all(|(_, name)| !name.trim().is_empty()));
    assert_eq!(after.batch - before.batch, 1);
    assert_eq!(after.places - before.places, distinct);

    // Names are matched to their ids, not to the order the answers came in.
    let all = c.place_names(&sim.place_ids()).await.unwrap();
    assert_eq!(all.named.len(), sim.place_ids().len());
    assert_eq!(
        all.named[0],
        (
            sim.place_ids()[0].clone(),
            "Contoso HQ · Building 40".to_owned()
        )
    );
    assert_eq!(all.named[1].1, "London Paddington");
}

#[tokio::test(start_paused = true)]
async fn places_graph_does_not_know_are_unknown() {
    let sim = Sim::new(options(4, Scenario::Static));
    let c = sim_client(&sim, sim.token());
    let stranger = "00000000-0000-4000-8000-000000000000".to_owned();
    let ids = vec!["not-a-place".to_owned(), stranger.clone(), String::new()];
    let lookup = c.place_names(&ids).await.unwrap();
    assert!(lookup.named.is_empty());
    assert!(!lookup.denied);
    assert_eq!(lookup.unknown.len(), 3);
    assert!(lookup.unknown.contains(&stranger));
    // The empty id is not asked: no place has one.
    assert_eq!(sim.counts().places, 2);
}

#[tokio::test(start_paused = true)]
async fn ids_with_reserved_characters_stay_one_path_segment() {
    let sim = Sim::new(options(4, Scenario::Static));
    let c = sim_client(&sim, sim.token());
    let real = sim.place_ids()[0].clone();
    // Sent unencoded, the query and fragment forms would name place 0, the `/` form another path.
    let ids = vec![
        format!("{real}?$select=displayName"),
        format!("{real}#frag"),
        format!("{real}/x"),
        "a/b?c#d e%".to_owned(),
    ];
    let lookup = c.place_names(&ids).await.unwrap();
    assert!(lookup.named.is_empty(), "{:?}", lookup.named);
    assert_eq!(lookup.unknown, ids);
    let counts = sim.counts();
    assert_eq!(counts.places, 4);
    assert_eq!(counts.other, 0);
}

#[tokio::test(start_paused = true)]
async fn twenty_five_ids_take_two_batches() {
    let sim = Sim::new(options(4, Scenario::Static));
    let c = sim_client(&sim, sim.token());
    let mut ids = sim.place_ids();
    let real = ids.len();
    ids.extend((ids.len()..25).map(|i| format!("unknown-place-{i}")));
    assert_eq!(ids.len(), 25);
    let lookup = c.place_names(&ids).await.unwrap();
    assert_eq!(lookup.named.len(), real);
    assert_eq!(lookup.unknown.len(), 25 - real);
    assert_eq!(c.requests_sent(), 2);
    let counts = sim.counts();
    assert_eq!((counts.total, counts.batch, counts.places), (2, 2, 25));
}

#[tokio::test(start_paused = true)]
async fn without_place_read_all_the_lookup_is_denied() {
    let mut o = options(4, Scenario::Static);
    o.places_denied = true;
    let sim = Sim::new(o);
    let c = sim_client(&sim, sim.token());
    let lookup = c.place_names(&sim.place_ids()).await.unwrap();
    assert_eq!(
        lookup,
        PlaceLookup {
            named: vec![],
            unknown: vec![],
            denied: true,
        }
    );
}

#[tokio::test(start_paused = true)]
async fn the_denied_sim_answers_graphs_403() {
    let mut o = options(4, Scenario::Static);
    o.places_denied = true;
    let sim = Sim::new(o);
    let c = sim_client(&sim, sim.token());
    let urls = vec![format!("/places/{}", sim.place_ids()[0])];
    let answer = c.batch_get(&urls).await.unwrap().remove(0).unwrap_err();
    assert_eq!(answer.status(), Some(403));
    assert_eq!(answer.code(), Some("ErrorAccessDenied"));
}

#[tokio::test(start_paused = true)]
async fn the_hostile_place_name_comes_back_raw() {
    let sim = Sim::new(options(20, Scenario::Hostile));
    let c = sim_client(&sim, sim.token());
    let ids = presence_place_ids(&c, &[sim.user_id(11)]).await;
    assert_eq!(ids.len(), 1);
    assert!(!sim.place_ids().contains(&ids[0]));
    let lookup = c.place_names(&ids).await.unwrap();
    let [(id, name)] = lookup.named.as_slice() else {
        panic!("{lookup:?}");
    };
    assert_eq!(id, &ids[0]);
    // Raw: the caller sanitizes, and sanitizing removes the attack.
    assert!(name.contains('\u{1b}'));
    let safe = SafeText::line(name);
    assert!(!safe.as_str().contains('\u{1b}'), "{safe:?}");
    assert!(!safe.as_str().contains('\u{7}'), "{safe:?}");
    assert!(safe.as_str().contains("Evil Tower"), "{safe:?}");
}

#[tokio::test(start_paused = true)]
async fn outer_failures_fail_the_lookup() {
    // A token Graph refuses, which cannot be refreshed.
    let sim = Sim::new(options(4, Scenario::Static));
    let c = sim_client(&sim, "not-the-token");
    let e = c.place_names(&sim.place_ids()).await.unwrap_err();
    assert!(matches!(e, GraphError::Auth(_)), "{e:?}");
    assert_eq!(sim.counts().places, 0);

    // The outer `$batch` throttled for two minutes: no inner request reaches places.
    let sim = Sim::new(options(4, Scenario::Static));
    sim.faults().set(FaultConfig {
        throttle_every: 1,
        retry_after: RetryAfter::Seconds(120),
        only: Some(EndpointKind::Batch),
        ..FaultConfig::default()
    });
    let c = sim_client(&sim, sim.token());
    let e = c.place_names(&sim.place_ids()).await.unwrap_err();
    assert!(e.is_throttled(), "{e:?}");
    assert_eq!(sim.counts().places, 0);
}

#[tokio::test(start_paused = true)]
async fn inner_server_errors_are_asked_again_next_time() {
    let sim = Sim::new(options(4, Scenario::Static));
    sim.faults().set(FaultConfig {
        fail_rate: 1.0,
        only: Some(EndpointKind::Places),
        ..FaultConfig::default()
    });
    let c = sim_client(&sim, sim.token());
    let id = sim.place_ids()[0].clone();
    let lookup = c.place_names(std::slice::from_ref(&id)).await.unwrap();
    assert_eq!(lookup, PlaceLookup::default());
    // batch_get retried the inner 503 three times before giving up.
    assert_eq!(sim.counts().places, 4);

    sim.faults().clear();
    let lookup = c.place_names(&[id]).await.unwrap();
    assert_eq!(lookup.named.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn mixed_answers_sort_into_named_unknown_and_denied() {
    // One batch: a name, a 404, a 200 without a name, a numeric name, a blank name, a 403, a 500.
    let script = Script::new(|seen, _| {
        let req: Value = serde_json::from_slice(&seen.body).unwrap();
        let responses: Vec<Value> = req["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let id = r["id"].clone();
                let place = r["url"].as_str().unwrap().trim_start_matches("/places/");
                let (status, body) = match place {
                    "named" => (
                        200,
                        serde_json::json!({"id": "named", "displayName": "Room 1"}),
                    ),
                    "gone" => (
                        404,
                        serde_json::json!({"error": {"code": "ErrorItemNotFound"}}),
                    ),
                    "nameless" => (200, serde_json::json!({"id": "nameless"})),
                    "numeric" => (200, serde_json::json!({"displayName": 7})),
                    "blank" => (200, serde_json::json!({"displayName": "  "})),
                    "refused" => (
                        403,
                        serde_json::json!({"error": {"code": "ErrorAccessDenied"}}),
                    ),
                    _ => (
                        500,
                        serde_json::json!({"error": {"code": "generalException"}}),
                    ),
                };
                serde_json::json!({"id": id, "status": status, "body": body})
            })
            .rev()
            .collect();
        reply(
            200,
            &serde_json::json!({ "responses": responses }).to_string(),
        )
    });
    let c = client(&script, Tokens::new(false));
    let ids: Vec<String> = [
        "named", "gone", "nameless", "numeric", "blank", "refused", "broken",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    let lookup = c.place_names(&ids).await.unwrap();
    assert_eq!(lookup.named, [("named".to_owned(), "Room 1".to_owned())]);
    assert_eq!(lookup.unknown, ["gone", "nameless", "numeric", "blank"]);
    assert!(lookup.denied);
    assert_eq!(script.count(), 1);
}

#[tokio::test(start_paused = true)]
async fn no_ids_send_nothing() {
    let script = Script::new(|_, _| reply(500, ""));
    let c = client(&script, Tokens::new(false));
    assert_eq!(c.place_names(&[]).await.unwrap(), PlaceLookup::default());
    assert_eq!(script.count(), 0);
}
