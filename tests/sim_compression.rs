//! Bytes on the wire: the simulated tenant gzips Graph's answers when asked, as Graph does, and the
//! production client asks and decodes. Over real HTTP on 127.0.0.1, where compression happens.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use teamboard::auth::{Secret, StaticToken};
use teamboard::config::TeamConfig;
use teamboard::graph::model::UserId;
use teamboard::graph::{ClientOptions, GraphClient, HttpTransport};
use teamboard::roster;
use teamboard::sim::{Scenario, Sim, SimOptions, serve};

fn tenant(size: u32, compress: bool) -> Arc<Sim> {
    let mut options = SimOptions::new(size, Scenario::Static);
    options.compress = compress;
    options.presence_limit = None;
    Sim::new(options)
}

fn client(sim: &Arc<Sim>, base_url: &str) -> GraphClient {
    GraphClient::new(
        ClientOptions::new(base_url, Duration::from_secs(30)),
        Arc::new(HttpTransport::new(base_url).unwrap()),
        Arc::new(StaticToken::new(Secret::new(sim.token()))),
    )
    .unwrap()
}

#[tokio::test]
async fn gzip_is_sent_only_when_asked_and_decodes_to_the_same_answer() {
    let sim = tenant(1_000, true);
    let running = serve(sim.clone(), 0).await.unwrap();
    let url = format!("{}/communications/getPresencesByUserId", running.base_url);
    let ids: Vec<String> = sim.user_ids().into_iter().take(650).collect();
    // A client that leaves bodies as they came, to see the wire.
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let ask = |gzip: bool| {
        let mut request = raw
            .post(&url)
            .bearer_auth(sim.token())
            .json(&json!({ "ids": ids }));
        if gzip {
            request = request.header("accept-encoding", "gzip");
        }
        request.send()
    };
    let plain = ask(false).await.unwrap();
    assert_eq!(plain.headers().get("content-encoding"), None);
    let plain = plain.bytes().await.unwrap();
    let plain: Value = serde_json::from_slice(&plain).expect("plain JSON");
    let zipped = ask(true).await.unwrap();
    assert_eq!(
        zipped
            .headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok()),
        Some("gzip")
    );
    let wire = zipped.bytes().await.unwrap();
    assert_eq!(&wire[..2], &[0x1f, 0x8b], "a gzip stream");
    assert!(
        serde_json::from_slice::<Value>(&wire).is_err(),
        "not JSON as it is"
    );
    assert_eq!(sim.counts().compressed, 1);

    // The production client asks for gzip and hands up the decoded body: a resolution comes
    // compressed and reads right.
    let c = client(&sim, &running.base_url);
    let team = TeamConfig {
        members: sim.user_ids()[1..].to_vec(),
        groups: Vec::new(),
        include_me: true,
        roster_ttl: Duration::from_secs(3600),
    };
    let before = sim.counts();
    let roster = roster::resolve(&c, &team).await.unwrap();
    assert_eq!(roster.members.len(), 999);
    assert!(roster.members.iter().all(|u| u.display_name.is_some()));
    let after = sim.counts();
    assert_eq!(
        after.compressed - before.compressed,
        after.total - before.total,
        "every answer of the resolution came compressed: {after:?}"
    );
    // Presence polls are asked for plain: inflating every poll would cost the idle board more CPU
    // than reading the bytes.
    let everyone: Vec<UserId> = sim.user_ids().into_iter().map(UserId::new).collect();
    let read = c.presences(&everyone).await.unwrap();
    assert_eq!(read.presences.len(), 1_000);
    assert!(read.bad.is_empty());
    assert_eq!(
        sim.counts().compressed,
        after.compressed,
        "polls came plain"
    );
    let first = &plain["value"][0];
    let same = read
        .presences
        .iter()
        .find(|p| p.id.as_str() == first["id"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        serde_json::to_value(&**same).unwrap()["availability"],
        first["availability"]
    );
}

#[tokio::test]
async fn bytes_per_poll_with_and_without_compression() {
    for people in [40u32, 1_000, 10_000] {
        let sim = tenant(people, true);
        let running = serve(sim.clone(), 0).await.unwrap();
        let url = format!("{}/communications/getPresencesByUserId", running.base_url);
        let raw = reqwest::Client::builder().no_gzip().build().unwrap();
        let ids = sim.user_ids();
        let mut sent = [0usize; 2];
        for (k, encoding) in ["gzip", "identity"].into_iter().enumerate() {
            for chunk in ids.chunks(650) {
                let answer = raw
                    .post(&url)
                    .bearer_auth(sim.token())
                    .header("accept-encoding", encoding)
                    .json(&json!({ "ids": chunk }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(answer.status(), 200);
                sent[k] += answer.bytes().await.unwrap().len();
            }
        }
        let [gzip, plain] = sent;
        eprintln!(
            "FIGURE bytes per poll, {people} people: {plain} plain, {gzip} gzip ({:.1}x smaller)",
            plain as f64 / gzip as f64
        );
        assert!(gzip * 4 < plain, "{people}: {gzip} gzip vs {plain} plain");
    }
}
