//! The v2.0 sign-in endpoints: the device flow and refresh-token rotation.

use super::*;
use teamboard::sim::{DeviceOutcome, IdentityOptions};

const CLIENT: &str = "7b0a3c55-1d3e-4c1e-9a6a-0c1d2e3f4a5b";
const SCOPE: &str = "https://graph.microsoft.com/Presence.Read.All https://graph.microsoft.com/User.ReadBasic.All offline_access openid profile";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

async fn start(c: &Client) -> (String, String) {
    let answer = c
        .form(
            "/organizations/oauth2/v2.0/devicecode",
            &[("client_id", CLIENT), ("scope", SCOPE)],
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["interval"], 5);
    let user_code = body["user_code"].as_str().unwrap().to_owned();
    assert_eq!(user_code.len(), 9);
    assert!(
        body["verification_uri"]
            .as_str()
            .unwrap()
            .ends_with("/devicelogin")
    );
    assert!(body["message"].as_str().unwrap().contains(&user_code));
    (body["device_code"].as_str().unwrap().to_owned(), user_code)
}

async fn poll(c: &Client, device_code: &str) -> Answer {
    c.form(
        "/organizations/oauth2/v2.0/token",
        &[
            ("grant_type", DEVICE_GRANT),
            ("client_id", CLIENT),
            ("device_code", device_code),
        ],
    )
    .await
}

async fn refresh(c: &Client, token: &str) -> Answer {
    c.form(
        "/organizations/oauth2/v2.0/token",
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT),
            ("refresh_token", token),
            ("scope", SCOPE),
        ],
    )
    .await
}

#[tokio::test(start_paused = true)]
async fn device_flow_is_pending_then_slow_down_then_approved() {
    let sim = tenant(4, Scenario::Static);
    let c = Client::new(&sim);
    let (device_code, _) = start(&c).await;
    assert_oauth_error(
        &poll(&c, &device_code).await,
        "authorization_pending",
        70_016,
    );
    assert_oauth_error(&poll(&c, &device_code).await, "slow_down", 70_016);
    tokio::time::advance(Duration::from_secs(5)).await;
    // slow_down added 5 s to the interval: 5 s is now too soon.
    assert_oauth_error(&poll(&c, &device_code).await, "slow_down", 70_016);
    tokio::time::advance(Duration::from_secs(15)).await;
    assert_oauth_error(
        &poll(&c, &device_code).await,
        "authorization_pending",
        70_016,
    );
    tokio::time::advance(Duration::from_secs(15)).await;
    let granted = poll(&c, &device_code).await;
    assert_eq!(granted.status, 200, "{}", granted.text());
    let body = granted.json();
    assert_eq!(body["token_type"], "Bearer");
    assert!(
        body["expires_in"].is_u64(),
        "v2.0 sends expires_in as a number"
    );
    // Entra lists Graph's permissions in the form they were asked for, and the OpenID scopes.
    assert_eq!(
        body["scope"],
        "https://graph.microsoft.com/Presence.Read.All https://graph.microsoft.com/User.ReadBasic.All profile openid email offline_access"
    );
    assert!(body["refresh_token"].is_string() && body["id_token"].is_string());
    let mut graph = Client::new(&sim);
    graph.token = Some(body["access_token"].as_str().unwrap().to_owned());
    assert_eq!(graph.get("/v1.0/me").await.status, 200);
    // The code is spent.
    tokio::time::advance(Duration::from_secs(15)).await;
    assert_oauth_error(&poll(&c, &device_code).await, "invalid_grant", 54_005);
    assert_eq!(sim.counts().token, 6);
    assert_eq!(sim.counts().device_code, 1);
}

#[tokio::test(start_paused = true)]
async fn refresh_rotates_and_the_old_token_stays_valid() {
    let sim = tenant(4, Scenario::Static);
    sim.set_identity_options(IdentityOptions {
        approve_after_polls: 0,
        ..IdentityOptions::default()
    });
    let c = Client::new(&sim);
    let (device_code, _) = start(&c).await;
    let first = poll(&c, &device_code).await.json();
    let first_refresh = first["refresh_token"].as_str().unwrap().to_owned();
    let second = refresh(&c, &first_refresh).await;
    assert_eq!(second.status, 200);
    let second = second.json();
    let second_refresh = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second_refresh, first_refresh);
    assert_ne!(second["access_token"], first["access_token"]);
    // As Entra: the replaced refresh token stays valid until it expires.
    assert_eq!(refresh(&c, &first_refresh).await.status, 200);
    assert_eq!(refresh(&c, &second_refresh).await.status, 200);
    assert_oauth_error(
        &refresh(&c, "1.AXkAnot-a-token").await,
        "invalid_grant",
        9_002_313,
    );
}

#[tokio::test(start_paused = true)]
async fn declined_expired_and_bad_codes_stop_the_flow() {
    let sim = tenant(4, Scenario::Static);
    let c = Client::new(&sim);
    let (code, user_code) = start(&c).await;
    assert!(sim.decline_device_code(&user_code));
    assert_oauth_error(&poll(&c, &code).await, "authorization_declined", 70_000);

    let (code, user_code) = start(&c).await;
    assert!(sim.approve_device_code(&user_code));
    assert_eq!(poll(&c, &code).await.status, 200, "approved at once");

    let (code, _) = start(&c).await;
    tokio::time::advance(Duration::from_secs(901)).await;
    assert_oauth_error(&poll(&c, &code).await, "expired_token", 70_019);

    for (outcome, error, number) in [
        (DeviceOutcome::Decline, "authorization_declined", 70_000),
        (DeviceOutcome::Expire, "expired_token", 70_019),
        (DeviceOutcome::BadCode, "bad_verification_code", 70_000),
    ] {
        sim.set_identity_options(IdentityOptions {
            approve_after_polls: 0,
            device_outcome: outcome,
            ..IdentityOptions::default()
        });
        let (code, _) = start(&c).await;
        assert_oauth_error(&poll(&c, &code).await, error, number);
    }
    assert_oauth_error(
        &poll(&c, "DAQABIQEAAADnot-issued").await,
        "bad_verification_code",
        70_000,
    );
}

#[tokio::test(start_paused = true)]
async fn short_lived_and_expired_access_tokens_are_refused() {
    let sim = tenant(4, Scenario::Static);
    sim.set_identity_options(IdentityOptions {
        approve_after_polls: 0,
        access_token_lifetime: Duration::from_secs(60),
        ..IdentityOptions::default()
    });
    let c = Client::new(&sim);
    let (code, _) = start(&c).await;
    let tokens = poll(&c, &code).await.json();
    assert_eq!(tokens["expires_in"], 60);
    let mut graph = Client::new(&sim);
    graph.token = Some(tokens["access_token"].as_str().unwrap().to_owned());
    assert_eq!(graph.get("/v1.0/me/presence").await.status, 200);
    tokio::time::advance(Duration::from_secs(61)).await;
    let expired = graph.get("/v1.0/me/presence").await;
    assert_graph_error(&expired, 401, "InvalidAuthenticationToken");
    assert!(
        expired.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
    let fresh = refresh(&c, tokens["refresh_token"].as_str().unwrap())
        .await
        .json();
    graph.token = Some(fresh["access_token"].as_str().unwrap().to_owned());
    assert_eq!(graph.get("/v1.0/me/presence").await.status, 200);

    // "Expire all tokens now": the static token and this one both stop working; new ones work.
    sim.faults().expire_tokens_now();
    assert_eq!(graph.get("/v1.0/me").await.status, 401);
    assert_eq!(Client::new(&sim).get("/v1.0/me").await.status, 401);
    tokio::time::advance(Duration::from_millis(1)).await;
    let newer = refresh(&c, fresh["refresh_token"].as_str().unwrap())
        .await
        .json();
    graph.token = Some(newer["access_token"].as_str().unwrap().to_owned());
    assert_eq!(graph.get("/v1.0/me").await.status, 200);
}

#[tokio::test]
async fn bad_requests_get_v2_error_bodies() {
    let sim = tenant(4, Scenario::Static);
    let c = Client::new(&sim);
    let no_client = c
        .form("/organizations/oauth2/v2.0/devicecode", &[("scope", SCOPE)])
        .await;
    assert_oauth_error(&no_client, "invalid_request", 900_144);
    let grant = c
        .form(
            "/organizations/oauth2/v2.0/token",
            &[("grant_type", "password"), ("client_id", CLIENT)],
        )
        .await;
    assert_oauth_error(&grant, "unsupported_grant_type", 70_003);
    let tenant = c
        .form(
            "/fabrikam.example/oauth2/v2.0/devicecode",
            &[("client_id", CLIENT), ("scope", SCOPE)],
        )
        .await;
    assert_oauth_error(&tenant, "invalid_tenant", 90_002);
    let by_id = c
        .form(
            &format!("/{}/oauth2/v2.0/devicecode", sim.tenant_id()),
            &[("client_id", CLIENT), ("scope", SCOPE)],
        )
        .await;
    assert_eq!(by_id.status, 200);
    // No offline_access, no refresh token (as Entra does).
    sim.set_identity_options(IdentityOptions {
        approve_after_polls: 0,
        ..IdentityOptions::default()
    });
    let answer = c
        .form(
            "/organizations/oauth2/v2.0/devicecode",
            &[
                ("client_id", CLIENT),
                ("scope", "https://graph.microsoft.com/Presence.Read.All"),
            ],
        )
        .await
        .json();
    let tokens = poll(&c, answer["device_code"].as_str().unwrap())
        .await
        .json();
    assert!(tokens.get("refresh_token").is_none() && tokens["access_token"].is_string());
}
