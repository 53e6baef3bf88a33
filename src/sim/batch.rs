//! `POST /$batch`: up to 20 inner requests run through the same routes (and the same throttling),
//! answered in any order; the outer status is 200 even when inner ones fail.

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use http::{HeaderName, Method, StatusCode, header};
use rand::seq::SliceRandom;
use serde_json::{Map, Value, json};
use tower::ServiceExt;

use super::errors::{GraphError, odata_json};
use super::faults::lock;
use super::gate::{Inner, Origin};
use super::{Sim, graph_routes};

/// Graph's limit on inner requests per batch.
pub(crate) const MAX_REQUESTS: usize = 20;

struct Step {
    id: String,
    method: Method,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Value>,
}

fn invalid(message: impl Into<String>) -> GraphError {
    GraphError::bad_request(message)
}

fn parse(body: &Value) -> Result<Vec<Step>, GraphError> {
    let requests = body
        .get("requests")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("Invalid batch payload format: 'requests' is missing."))?;
    if requests.len() > MAX_REQUESTS {
        return Err(invalid(format!(
            "Invalid batch payload format: the number of requests exceeds the limit of {MAX_REQUESTS}."
        )));
    }
    let mut ids = HashSet::new();
    requests
        .iter()
        .map(|r| {
            let field = |k: &str| r.get(k).and_then(Value::as_str);
            let id = field("id")
                .ok_or_else(|| invalid("Invalid batch payload format: a request has no 'id'."))?;
            if !ids.insert(id.to_owned()) {
                return Err(invalid(format!(
                    "Invalid batch payload format: duplicate request id '{id}'."
                )));
            }
            let method = field("method")
                .and_then(|m| Method::from_bytes(m.to_ascii_uppercase().as_bytes()).ok())
                .ok_or_else(|| {
                    invalid(format!(
                        "Invalid batch payload format: request '{id}' has no valid 'method'."
                    ))
                })?;
            let url = field("url").ok_or_else(|| {
                invalid(format!(
                    "Invalid batch payload format: request '{id}' has no 'url'."
                ))
            })?;
            let headers = r
                .get("headers")
                .and_then(Value::as_object)
                .map(|h| {
                    h.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                        .collect()
                })
                .unwrap_or_default();
            Ok(Step {
                id: id.to_owned(),
                method,
                url: url.to_owned(),
                headers,
                body: r.get("body").cloned(),
            })
        })
        .collect()
}

/// Header names as Graph writes them in inner answers.
fn header_name(name: &HeaderName) -> String {
    match name.as_str() {
        "content-type" => "Content-Type".into(),
        "retry-after" => "Retry-After".into(),
        "location" => "Location".into(),
        "cache-control" => "Cache-Control".into(),
        other => other.into(),
    }
}

async fn run_step(routes: axum::Router, step: Step, outer: &Request<()>) -> Value {
    let inner_error = |status: StatusCode, code: &str, message: String| {
        json!({
            "id": step.id,
            "status": status.as_u16(),
            "headers": { "Content-Type": "application/json" },
            "body": { "error": { "code": code, "message": message } },
        })
    };
    if !step.url.starts_with('/') && step.url.contains("://") {
        return inner_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "Invalid request URL: batch URLs are relative to the version, like '/users/{id}'."
                .into(),
        );
    }
    if step.body.is_some()
        && !step
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
    {
        return inner_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "Content type header is required for requests with a body.".into(),
        );
    }
    let url = if step.url.starts_with('/') {
        step.url.clone()
    } else {
        format!("/{}", step.url)
    };
    let mut builder = Request::builder().method(step.method.clone()).uri(&url);
    for name in [header::AUTHORIZATION, header::HOST] {
        if let Some(v) = outer.headers().get(&name) {
            builder = builder.header(name, v);
        }
    }
    for (k, v) in &step.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    let body = step
        .body
        .as_ref()
        .map_or_else(Body::empty, |b| Body::from(b.to_string()));
    let Ok(mut request) = builder.body(body) else {
        return inner_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            format!("Invalid request URL '{}'.", step.url),
        );
    };
    request.extensions_mut().insert(Inner);
    if let Some(origin) = outer.extensions().get::<Origin>() {
        request.extensions_mut().insert(origin.clone());
    }
    let Ok(response) = routes.oneshot(request).await;
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let mut headers = Map::new();
    for (name, value) in &parts.headers {
        if matches!(
            name.as_str(),
            "content-type" | "retry-after" | "location" | "cache-control"
        ) && let Ok(v) = value.to_str()
        {
            headers.insert(header_name(name), v.into());
        }
    }
    let mut answer = json!({ "id": step.id, "status": parts.status.as_u16(), "headers": headers });
    if !bytes.is_empty() {
        answer["body"] = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    }
    answer
}

pub(crate) async fn batch(
    State(sim): State<Arc<Sim>>,
    request: Request,
) -> Result<Response, GraphError> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 4 << 20)
        .await
        .map_err(|_| invalid("Invalid batch payload format."))?;
    let body: Value =
        serde_json::from_slice(&body).map_err(|_| invalid("Invalid batch payload format."))?;
    let steps = parse(&body)?;
    let outer = Request::from_parts(parts, ());
    // Inner requests go through the same routes and gate (auth, throttling, counting).
    let routes = graph_routes::routes(&sim);
    let mut responses = futures::future::join_all(
        steps
            .into_iter()
            .map(|s| run_step(routes.clone(), s, &outer)),
    )
    .await;
    responses.shuffle(&mut *lock(&sim.rng));
    Ok(odata_json(
        StatusCode::OK,
        &json!({ "responses": responses }),
    ))
}
