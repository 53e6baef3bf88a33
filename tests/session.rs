//! A signed-in session against the simulated tenant, in-process under paused time: device-code
//! sign-in, renewal across many expiries with rotation, a 401 mid-session, an ended sign-in, a
//! consent request, a restart that reuses the stored sign-in, two processes renewing at once, and
//! how many token requests a day costs.
#![cfg(feature = "sim")]

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use teamboard::auth::entra::{Entra, Granted};
use teamboard::auth::session::Session;
use teamboard::auth::token_store::{Profile, TokenStore};
use teamboard::auth::{AuthError, Secret, TokenSource, device_code, flow};
use teamboard::config::{AuthConfig, Config, TokenStoreKind};
use teamboard::graph::transport::Transport;
use teamboard::sim::{RouterTransport, Scenario, Sim, SimOptions};

const AUTHORITY: &str = "http://127.0.0.1:9";

fn sim() -> Arc<Sim> {
    let mut options = SimOptions::new(8, Scenario::Static);
    options.identity.interval = Duration::from_secs(1);
    Sim::new(options)
}

fn auth(sim: &Sim) -> AuthConfig {
    AuthConfig {
        authority: AUTHORITY.into(),
        client_id: sim.client_id().to_owned(),
        ..Config::default().auth
    }
}

fn scopes() -> Vec<String> {
    teamboard::auth::scopes::delegated(&Config::default())
}

fn entra(sim: &Arc<Sim>) -> Entra {
    Entra::new(&auth(sim), Arc::new(RouterTransport::new(sim.router()))).unwrap()
}

/// A session over `dir`'s file store, as a fresh process would open it.
fn session(sim: &Arc<Sim>, dir: &std::path::Path) -> Session {
    Session::new(
        entra(sim),
        Arc::new(TokenStore::new(TokenStoreKind::File, dir.to_path_buf())),
        Profile::new(AUTHORITY, sim.client_id()),
        "organizations".into(),
        scopes(),
    )
}

async fn device_sign_in(sim: &Arc<Sim>) -> Granted {
    let entra = entra(sim);
    let login = device_code::start(&entra, &scopes()).await.unwrap();
    device_code::finish(&entra, &login).await.unwrap()
}

/// A Graph call with `token`: the status the tenant answers.
async fn graph_status(sim: &Arc<Sim>, token: &Secret) -> u16 {
    let request = http::Request::get(format!("{AUTHORITY}/v1.0/me"))
        .header("Authorization", format!("Bearer {}", token.expose()))
        .body(Bytes::new())
        .unwrap();
    RouterTransport::new(sim.router())
        .send(request)
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(start_paused = true)]
async fn a_device_code_sign_in_is_stored_and_reused_after_a_restart() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    let granted = device_sign_in(&sim).await;
    let account = granted.account.clone().unwrap();
    assert_eq!(account.username, sim.me_upn());
    assert_eq!(account.object_id, sim.me_id());
    assert!(granted.refresh_token.is_some());
    assert!(
        granted.scopes.iter().any(|s| s == "Presence.Read.All"),
        "{:?}",
        granted.scopes
    );

    let first = session(&sim, dir.path());
    let (signin, saved) = first.remember(granted).await.unwrap();
    assert_eq!(saved.kind, teamboard::auth::token_store::StoreKind::File);
    drop(first);

    // A new process: nothing in memory, the stored sign-in is used without any token request.
    let before = sim.counts().token;
    let second = session(&sim, dir.path());
    let token = second.bearer().await.unwrap();
    assert_eq!(token, signin.access_token);
    assert_eq!(graph_status(&sim, &token).await, 200);
    assert_eq!(sim.counts().token, before, "a restart asks nothing");
}

#[tokio::test(start_paused = true)]
async fn a_day_with_hour_long_tokens_costs_about_one_renewal_an_hour() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    let s = session(&sim, dir.path());
    s.remember(device_sign_in(&sim).await).await.unwrap();
    let before = sim.counts().token;
    // A poll every 30 s for 24 hours, each with a token the tenant accepts.
    for _ in 0..(24 * 120) {
        let token = s.bearer().await.unwrap();
        assert_eq!(graph_status(&sim, &token).await, 200);
        tokio::time::sleep(Duration::from_secs(30)).await;
    }
    let renewals = sim.counts().token - before;
    eprintln!("token requests over 24 h with 1 h tokens: {renewals}");
    assert!(
        (24..=28).contains(&renewals),
        "{renewals} renewals in a day"
    );
    assert_eq!(s.token_requests(), renewals);
}

#[tokio::test(start_paused = true)]
async fn short_tokens_rotate_and_the_newest_refresh_token_is_always_kept() {
    let sim = sim();
    let mut identity = sim.identity_options();
    identity.access_token_lifetime = Duration::from_secs(3);
    identity.strict_rotation = true;
    sim.set_identity_options(identity);
    let dir = tempfile::tempdir().unwrap();
    let s = session(&sim, dir.path());
    s.remember(device_sign_in(&sim).await).await.unwrap();
    for _ in 0..40 {
        let token = s.bearer().await.unwrap();
        assert_eq!(graph_status(&sim, &token).await, 200);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // Strict rotation refuses a replaced refresh token: a fresh process renewing with the stored
    // one proves the newest was stored every time.
    let last = s.bearer().await.unwrap();
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(graph_status(&sim, &last).await, 401);
    let restarted = session(&sim, dir.path());
    let token = restarted.refresh_after_401(&last).await.unwrap();
    assert_eq!(graph_status(&sim, &token).await, 200);
}

#[tokio::test(start_paused = true)]
async fn a_401_mid_session_costs_one_renewal_for_a_burst() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    let s = Arc::new(session(&sim, dir.path()));
    s.remember(device_sign_in(&sim).await).await.unwrap();
    let old = s.bearer().await.unwrap();
    sim.faults().expire_tokens_now();
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert_eq!(graph_status(&sim, &old).await, 401);
    let before = sim.counts().token;
    let renewed = futures::future::join_all((0..16).map(|_| {
        let s = s.clone();
        let old = old.clone();
        async move { s.refresh_after_401(&old).await.unwrap() }
    }))
    .await;
    assert_eq!(sim.counts().token - before, 1, "sixteen 401s, one renewal");
    assert!(renewed.iter().all(|t| *t == renewed[0] && *t != old));
    assert_eq!(graph_status(&sim, &renewed[0]).await, 200);
}

#[tokio::test(start_paused = true)]
async fn an_ended_sign_in_is_forgotten_once_and_asks_for_sign_in() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    let s = session(&sim, dir.path());
    let (signin, _) = s.remember(device_sign_in(&sim).await).await.unwrap();
    sim.revoke_refresh_tokens();
    let e = s.refresh_after_401(&signin.access_token).await.unwrap_err();
    assert!(matches!(e, AuthError::SignInEnded(_)), "{e:?}");
    assert!(e.to_string().contains("teamboard login"), "{e}");
    // Nothing left to retry with: no loop of token requests.
    let before = sim.counts().token;
    assert_eq!(s.bearer().await.unwrap_err(), AuthError::SignInNeeded);
    assert_eq!(
        session(&sim, dir.path()).bearer().await.unwrap_err(),
        AuthError::SignInNeeded
    );
    assert_eq!(sim.counts().token, before);
}

#[tokio::test(start_paused = true)]
async fn a_refresh_that_needs_consent_keeps_the_sign_in() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    let s = session(&sim, dir.path());
    let (signin, _) = s.remember(device_sign_in(&sim).await).await.unwrap();
    // The config now uses groups: the same sign-in asks for one more permission.
    let mut config = Config::default();
    config.team.groups = vec!["g".into()];
    let wider = Session::new(
        entra(&sim),
        Arc::new(TokenStore::new(
            TokenStoreKind::File,
            dir.path().to_path_buf(),
        )),
        Profile::new(AUTHORITY, sim.client_id()),
        "organizations".into(),
        teamboard::auth::scopes::delegated(&config),
    );
    let e = wider
        .refresh_after_401(&signin.access_token)
        .await
        .unwrap_err();
    assert!(matches!(e, AuthError::ConsentNeeded(_)), "{e:?}");
    assert!(!e.needs_sign_in());
    // The stored sign-in still works for what was granted.
    let token = session(&sim, dir.path())
        .refresh_after_401(&signin.access_token)
        .await
        .unwrap();
    assert_eq!(graph_status(&sim, &token).await, 200);
}

#[tokio::test(start_paused = true)]
async fn two_processes_renewing_at_once_cost_one_refresh_and_both_get_a_token() {
    let sim = sim();
    let mut identity = sim.identity_options();
    identity.strict_rotation = true;
    sim.set_identity_options(identity);
    let dir = tempfile::tempdir().unwrap();
    let a = session(&sim, dir.path());
    let (signin, _) = a.remember(device_sign_in(&sim).await).await.unwrap();
    let b = session(&sim, dir.path());
    assert_eq!(b.bearer().await.unwrap(), signin.access_token);
    let before = sim.counts().token;
    let (ta, tb) = tokio::join!(
        a.refresh_after_401(&signin.access_token),
        b.refresh_after_401(&signin.access_token)
    );
    let (ta, tb) = (ta.unwrap(), tb.unwrap());
    assert_eq!(
        sim.counts().token - before,
        1,
        "the second used what the first stored"
    );
    assert_eq!(ta, tb);
    assert_eq!(graph_status(&sim, &tb).await, 200);
}

// Real sockets (the loopback listener): paused time would let the wait's timeout fire early.
#[tokio::test]
async fn the_browser_flow_signs_in_through_the_loopback_redirect() {
    let sim = sim();
    let sim_for_browser = sim.clone();
    let entra = entra(&sim);
    let pending = flow::start(flow::Flow::Browser, &entra, &scopes())
        .await
        .unwrap();
    let flow::Pending::Browser(login) = &pending else {
        panic!("expected the browser flow");
    };
    // A stand-in browser: follows /authorize's redirect to the loopback listener.
    let url = login.raw_url().to_owned();
    let browser = tokio::spawn(async move {
        let path = url.strip_prefix(AUTHORITY).unwrap().to_owned();
        let request = http::Request::get(path).body(Bytes::new()).unwrap();
        let answer = RouterTransport::new(sim_for_browser.router())
            .send(request)
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 302, "{:?}", answer.body());
        let location = answer.headers()["location"].to_str().unwrap().to_owned();
        let target = location.replace("localhost", "127.0.0.1");
        tokio::task::spawn_blocking(move || ureq_like_get(&target))
            .await
            .unwrap()
    });
    let granted = flow::finish(&entra, pending).await.unwrap();
    let page = browser.await.unwrap();
    assert!(page.contains("Signed in to teamboard"), "{page}");
    assert_eq!(granted.account.unwrap().username, sim.me_upn());
}

/// A plain HTTP GET over a socket, as a browser would follow the redirect.
fn ureq_like_get(url: &str) -> String {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    let path = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}
