//! The sign-in endpoints over HTTP: routes under `/{tenant}/oauth2/v2.0/`, with counting and faults.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::{HeaderValue, StatusCode, Uri, header};

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

async fn endpoint(sim: Arc<Sim>, request: Request, device: bool) -> Response {
    let origin = gate::origin_of(&request);
    let tenant = tenant_segment(request.uri());
    let (trace, correlation) = (sim.next_guid(), sim.next_guid());
    let body: Bytes = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let form = query::pairs(&String::from_utf8_lossy(&body), true);
    let answer = if sim.identity.tenant_known(&tenant) {
        if device {
            sim.identity.device_code(&origin, &form)
        } else {
            sim.identity.token(&form)
        }
    } else {
        Err(OAuthError::new(
            "invalid_tenant",
            90_002,
            format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
            ),
        ))
    };
    answer.unwrap_or_else(|e| e.render(&trace, &correlation))
}

async fn device_code(State(sim): State<Arc<Sim>>, request: Request) -> Response {
    endpoint(sim, request, true).await
}

async fn token(State(sim): State<Arc<Sim>>, request: Request) -> Response {
    endpoint(sim, request, false).await
}

/// The page `verification_uri` points at: there is no browser sign-in to do here.
async fn device_login() -> Response {
    let mut response = (
        StatusCode::OK,
        "<!DOCTYPE html><html><head><title>teamboard simulated tenant</title></head><body><h1>Simulated sign-in</h1><p>Codes are approved automatically after a few polls. Nothing to do here.</p></body></html>",
    )
        .into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// Counting and faults for the sign-in endpoints (faults only when aimed at them).
async fn identity_gate(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let kind = if path.ends_with("/oauth2/v2.0/devicecode") {
        EndpointKind::DeviceCode
    } else if path.ends_with("/oauth2/v2.0/token") {
        EndpointKind::Token
    } else {
        EndpointKind::Other
    };
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
        .route("/devicelogin", get(device_login))
        .layer(from_fn_with_state(sim.clone(), identity_gate))
        .with_state(sim.clone())
}
