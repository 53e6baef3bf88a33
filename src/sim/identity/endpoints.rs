//! The sign-in endpoints over HTTP: routes under `/{tenant}/...`, with counting and faults.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::{HeaderValue, StatusCode, Uri, header};

use super::Identity;
use super::authorize::is_loopback;
use crate::sim::errors::OAuthError;
use crate::sim::faults::{BodyFault, StatusFault};
use crate::sim::{EndpointKind, Sim, gate, query};

fn tenant_segment(uri: &Uri) -> String {
    query::percent_decode(
        uri.path()
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or(""),
        false,
    )
}

/// The query string's parameters (`+` is a space, as browsers and MSAL send it).
fn query_params(uri: &Uri) -> Vec<(String, String)> {
    query::pairs(uri.query().unwrap_or(""), true)
}

async fn form_endpoint(sim: Arc<Sim>, request: Request, device: bool) -> Response {
    let origin = gate::origin_of(&request);
    let tenant = tenant_segment(request.uri());
    let (trace, correlation) = (sim.next_guid(), sim.next_guid());
    let body: Bytes = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let form = query::pairs(&String::from_utf8_lossy(&body), true);
    sim.identity
        .sign_in(&tenant, &origin, &form, device)
        .unwrap_or_else(|e| e.render(&trace, &correlation))
}

async fn device_code(State(sim): State<Arc<Sim>>, request: Request) -> Response {
    form_endpoint(sim, request, true).await
}

async fn token(State(sim): State<Arc<Sim>>, request: Request) -> Response {
    form_endpoint(sim, request, false).await
}

async fn authorize(State(sim): State<Arc<Sim>>, request: Request) -> Response {
    let tenant = tenant_segment(request.uri());
    let params = query_params(request.uri());
    let (trace, correlation) = (sim.next_guid(), sim.next_guid());
    let identity: &Identity = &sim.identity;
    identity
        .authorize(&tenant, &params)
        .render(&trace, &correlation, &identity.session_state)
}

async fn openid_configuration(State(sim): State<Arc<Sim>>, request: Request) -> Response {
    let origin = gate::origin_of(&request);
    let tenant = tenant_segment(request.uri());
    sim.identity
        .openid_configuration(&origin, &tenant)
        .unwrap_or_else(|e| e.render(&sim.next_guid(), &sim.next_guid()))
}

async fn keys(State(sim): State<Arc<Sim>>, request: Request) -> Response {
    let origin = gate::origin_of(&request);
    let tenant = tenant_segment(request.uri());
    sim.identity
        .keys(&origin, &tenant)
        .unwrap_or_else(|e| e.render(&sim.next_guid(), &sim.next_guid()))
}

async fn instance_discovery(State(sim): State<Arc<Sim>>, request: Request) -> Response {
    let origin = gate::origin_of(&request);
    Identity::instance_discovery(&origin, &query_params(request.uri()))
        .unwrap_or_else(|e| e.render(&sim.next_guid(), &sim.next_guid()))
}

fn html_page(body: &'static str) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// The end-session endpoint: back to the app when it named a loopback address, else a page.
async fn logout(request: Request) -> Response {
    let params = query_params(request.uri());
    match query::get(&params, "post_logout_redirect_uri")
        .filter(|uri| is_loopback(uri))
        .and_then(|uri| HeaderValue::from_str(uri).ok())
    {
        Some(location) => {
            let mut response = (StatusCode::FOUND, Body::empty()).into_response();
            response.headers_mut().insert(header::LOCATION, location);
            response
        }
        None => html_page(
            "<!DOCTYPE html><html><head><title>Sign out</title></head><body><h1>You signed out of your account</h1><p>It's a good idea to close all browser windows.</p></body></html>",
        ),
    }
}

/// The page `verification_uri` points at: there is no browser sign-in to do here.
async fn device_login() -> Response {
    html_page(
        "<!DOCTYPE html><html><head><title>teamboard simulated tenant</title></head><body><h1>Simulated sign-in</h1><p>Codes are approved automatically after a few polls. Nothing to do here.</p></body></html>",
    )
}

fn kind_of(path: &str) -> EndpointKind {
    if path.ends_with("/oauth2/v2.0/devicecode") {
        EndpointKind::DeviceCode
    } else if path.ends_with("/oauth2/v2.0/token") {
        EndpointKind::Token
    } else if path.ends_with("/oauth2/v2.0/authorize") {
        EndpointKind::Authorize
    } else if path.ends_with("/.well-known/openid-configuration")
        || path.ends_with("/discovery/v2.0/keys")
        || path.ends_with("/discovery/instance")
    {
        EndpointKind::Discovery
    } else {
        EndpointKind::Other
    }
}

/// Counting and faults for the sign-in endpoints (faults only when aimed at them).
async fn identity_gate(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    let kind = kind_of(request.uri().path());
    sim.counters.request(kind, false);
    let plan = sim.faults.plan(kind, false);
    if !plan.latency.is_zero() {
        tokio::time::sleep(plan.latency).await;
    }
    if plan.body == Some(BodyFault::NeverAnswer) {
        std::future::pending::<()>().await;
    }
    let response = match plan.status {
        Some(StatusFault::Throttled(_) | StatusFault::ServerError(..)) => OAuthError::new(
            "temporarily_unavailable",
            50_196,
            "The server is temporarily too busy to handle the request. Please try again later.",
        )
        .render(&sim.next_guid(), &sim.next_guid()),
        None => next.run(request).await,
    };
    let response = match plan.body {
        Some(fault) => gate::body_fault(fault, response).await,
        None => response,
    };
    sim.counters.answer(response.status());
    response
}

pub(crate) fn routes(sim: &Arc<Sim>) -> Router {
    Router::new()
        .route("/{tenant}/oauth2/v2.0/devicecode", post(device_code))
        .route("/{tenant}/oauth2/v2.0/token", post(token))
        .route("/{tenant}/oauth2/v2.0/authorize", get(authorize))
        .route("/{tenant}/oauth2/v2.0/logout", get(logout))
        .route(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(openid_configuration),
        )
        .route("/{tenant}/discovery/v2.0/keys", get(keys))
        .route("/{tenant}/discovery/instance", get(instance_discovery))
        .route("/devicelogin", get(device_login))
        .layer(from_fn_with_state(sim.clone(), identity_gate))
        .with_state(sim.clone())
}
