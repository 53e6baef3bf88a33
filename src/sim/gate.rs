//! What every Graph request goes through before and after its handler: counting, faults, the bearer
//! check, the presence rate limit, and Graph's error rendering and response headers.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode, header};

use super::errors::{GraphError, ODATA_JSON, RequestIds};
use super::faults::{BodyFault, NotOffered, Plan, StatusFault};
use super::{EndpointKind, Sim, permissions};

/// Marks the inner requests of a `$batch`: no connection-level faults, not counted in `total`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Inner;

/// Where nextLinks point: the origin the request came to.
#[derive(Clone, Debug)]
pub(crate) struct Origin(pub String);

const DIAGNOSTIC: &str = r#"{"ServerInfo":{"DataCenter":"West Europe","Slice":"E","Ring":"5","ScaleUnit":"001","RoleInstance":"AM2PEPF0000SIM"}}"#;

impl Sim {
    pub(crate) fn request_ids(&self, headers: &HeaderMap) -> RequestIds {
        let request_id = self.next_guid();
        let client_request_id = headers
            .get("client-request-id")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty() && v.len() <= 100)
            .map_or_else(|| request_id.clone(), str::to_owned);
        RequestIds {
            request_id,
            client_request_id,
        }
    }
}

/// The origin a request was addressed to (absolute URI first, then `Host`). Behind a proxy that
/// terminates TLS (clients such as MSAL accept only https authorities), `X-Forwarded-Proto: https`
/// makes every URL the tenant hands out an https one.
pub(crate) fn origin_of(request: &Request) -> String {
    let uri = request.uri();
    if let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) {
        return format!("{scheme}://{authority}");
    }
    let headers = request.headers();
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
    {
        Some(proto) if proto.eq_ignore_ascii_case("https") => "https",
        _ => "http",
    };
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map_or_else(
            || "https://graph.microsoft.com".to_owned(),
            |h| format!("{scheme}://{h}"),
        )
}

pub(crate) async fn graph_gate(
    State(sim): State<Arc<Sim>>,
    mut request: Request,
    next: Next,
) -> Response {
    let inner = request.extensions().get::<Inner>().is_some();
    let kind = EndpointKind::of_graph_path(request.method(), request.uri().path());
    sim.counters.request(kind, inner);
    let ids = sim.request_ids(request.headers());
    let plan = sim.faults.plan(kind, inner);
    if request.extensions().get::<Origin>().is_none() {
        let origin = Origin(origin_of(&request));
        request.extensions_mut().insert(origin);
    }

    let target = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let response = match before(&sim, request.headers(), &target, kind, &plan).await {
        Err(Refusal::Error(error)) => error.render(&ids),
        Err(Refusal::Redirect(location)) => redirect(&location),
        Ok(()) => {
            request.extensions_mut().insert(plan.clone());
            let response = next.run(request).await;
            match response.extensions().get::<GraphError>() {
                Some(error) => error.render(&ids),
                None => response,
            }
        }
    };
    let mut response = match plan.body {
        Some(fault) => body_fault(fault, response).await,
        None => response,
    };
    sim.counters.answer(response.status());
    let headers = response.headers_mut();
    for (name, value) in [
        ("request-id", &ids.request_id),
        ("client-request-id", &ids.client_request_id),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    }
    headers.insert("x-ms-ags-diagnostic", HeaderValue::from_static(DIAGNOSTIC));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

enum Refusal {
    Error(GraphError),
    Redirect(String),
}

impl From<GraphError> for Refusal {
    fn from(error: GraphError) -> Self {
        Self::Error(error)
    }
}

fn redirect(location: &str) -> Response {
    let mut response = (StatusCode::FOUND, Body::empty()).into_response();
    if let Ok(location) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// Everything that can refuse a request before its handler runs, in Graph's order.
async fn before(
    sim: &Sim,
    headers: &HeaderMap,
    target: &str,
    kind: EndpointKind,
    plan: &Plan,
) -> Result<(), Refusal> {
    if !plan.latency.is_zero() {
        tokio::time::sleep(plan.latency).await;
    }
    if plan.body == Some(BodyFault::NeverAnswer) {
        std::future::pending::<()>().await;
    }
    if plan.redirect {
        return Err(Refusal::Redirect(format!(
            "https://graph.microsoft.com.redirect.example/v1.0{target}"
        )));
    }
    let mut grant = sim
        .identity
        .check_bearer(headers, &sim.token, sim.faults.expired_before())?;
    if sim.options.directory_read_all && !grant.permissions.contains(&"Directory.Read.All") {
        grant.permissions.push("Directory.Read.All");
    }
    let me = target.trim_start_matches('/').split(['/', '?']).next() == Some("me");
    permissions::check(kind, me, &grant)?;
    match &plan.status {
        Some(StatusFault::Throttled(retry_after)) => {
            return Err(GraphError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                "Too many requests, please try again later.",
            )
            .with_retry_after(retry_after.clone())
            .into());
        }
        Some(StatusFault::ServerError(status, retry_after)) => {
            let (status, code, message) = if *status == 504 {
                (
                    StatusCode::GATEWAY_TIMEOUT,
                    "GatewayTimeout",
                    "The gateway did not receive a response in time.",
                )
            } else {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "serviceNotAvailable",
                    "The service is temporarily unavailable. Please retry later.",
                )
            };
            return Err(GraphError::new(status, code, message)
                .with_retry_after(retry_after.clone())
                .into());
        }
        None => {}
    }
    if kind.is_presence_read()
        && let Some(limiter) = &sim.limiter
        && let Err(wait) = limiter.admit()
    {
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        return Err(GraphError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "TooManyRequests",
                    "Too many requests. The presence request limit for this application in this tenant was exceeded.",
                )
                .with_retry_after(Some(secs.max(1).to_string()))
                .into());
    }
    match plan.not_offered {
        Some(NotOffered::NotFound) => {
            Err(GraphError::new(StatusCode::NOT_FOUND, "UnknownError", "").into())
        }
        Some(NotOffered::BadRequest) => Err(GraphError::bad_request(
            "Resource not found for the segment 'getPresencesByUserId'.",
        )
        .into()),
        None => Ok(()),
    }
}

const HTML_PAGE: &str = "<!DOCTYPE html>\r\n<html><head><title>502 Bad Gateway</title></head>\r\n<body><h1>Bad Gateway</h1><p>The proxy server received an invalid response from an upstream server.</p><hr><address>corporate-proxy</address></body></html>\r\n";

pub(crate) async fn body_fault(fault: BodyFault, response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let whole = || async {
        axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default()
    };
    let new_body = match fault {
        BodyFault::Stall => {
            Body::from_stream(futures::stream::pending::<Result<Bytes, std::io::Error>>())
        }
        BodyFault::NeverAnswer => Body::empty(),
        BodyFault::Malformed => {
            parts.status = StatusCode::OK;
            parts
                .headers
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(ODATA_JSON));
            Body::from(
                r#"{"value":[{"id":"00000000-0000-0000-0000-000000000000","availability":"Available",,"activity":}]"#,
            )
        }
        BodyFault::Truncated => {
            let bytes = whole().await;
            let cut = bytes.len() / 2;
            Body::from(bytes.slice(..cut))
        }
        BodyFault::HtmlPage => {
            parts.status = StatusCode::BAD_GATEWAY;
            parts
                .headers
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            Body::from(HTML_PAGE)
        }
        BodyFault::Empty => {
            parts.status = StatusCode::OK;
            Body::empty()
        }
        BodyFault::Reset => {
            let bytes = whole().await;
            let cut = bytes.len() / 2;
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(bytes.slice(..cut)),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "connection reset by peer",
                )),
            ];
            Body::from_stream(futures::stream::iter(chunks))
        }
    };
    Response::from_parts(parts, new_body)
}
