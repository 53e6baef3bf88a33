//! Over real HTTP on 127.0.0.1: the connection-level behaviour.

use super::*;
use teamboard::sim::{BodyFault, FaultConfig, serve};

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(2))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn serves_graph_and_sign_in_on_loopback() {
    let sim = tenant(30, Scenario::Workday);
    let running = serve(sim.clone(), 0).await.unwrap();
    assert!(
        running.base_url.starts_with("http://127.0.0.1:") && running.base_url.ends_with("/v1.0")
    );
    assert_eq!(running.authority, format!("http://{}", running.addr));
    let client = http();
    let me = client
        .get(format!("{}/me", running.base_url))
        .bearer_auth(sim.token())
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let page: Value = client
        .get(format!(
            "{}/groups/{}/members?$top=10",
            running.base_url,
            sim.team_group_id()
        ))
        .bearer_auth(sim.token())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let next = page["@odata.nextLink"].as_str().unwrap();
    assert!(
        next.starts_with(&format!("{}/groups/", running.base_url)),
        "{next}"
    );
    let follow = client
        .get(next)
        .bearer_auth(sim.token())
        .send()
        .await
        .unwrap();
    assert_eq!(follow.status(), 200);
    let code = client
        .post(format!(
            "{}/organizations/oauth2/v2.0/devicecode",
            running.authority
        ))
        .form(&[("client_id", sim.client_id()), ("scope", "offline_access")])
        .send()
        .await
        .unwrap();
    assert_eq!(code.status(), 200);
    assert_eq!(sim.counts().total, 4);
}

#[tokio::test]
async fn resets_and_stalls_break_the_connection() {
    let sim = tenant(30, Scenario::Workday);
    let running = serve(sim.clone(), 0).await.unwrap();
    let client = http();
    sim.faults().set(FaultConfig {
        body: Some(BodyFault::Reset),
        ..FaultConfig::default()
    });
    let reset = client
        .get(format!("{}/me", running.base_url))
        .bearer_auth(sim.token())
        .send()
        .await;
    let failed = match reset {
        Err(_) => true,
        Ok(response) => response.bytes().await.is_err(),
    };
    assert!(failed, "a reset connection delivered a whole body");

    sim.faults().set(FaultConfig {
        body: Some(BodyFault::Stall),
        ..FaultConfig::default()
    });
    let stalled = client
        .get(format!("{}/me", running.base_url))
        .bearer_auth(sim.token())
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .unwrap();
    assert_eq!(stalled.status(), 200, "headers arrive");
    assert!(
        stalled.bytes().await.unwrap_err().is_timeout(),
        "the body never does"
    );

    sim.faults().set(FaultConfig {
        redirect: true,
        ..FaultConfig::default()
    });
    let moved = client
        .get(format!("{}/me", running.base_url))
        .bearer_auth(sim.token())
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 302);
    drop(running);
}
