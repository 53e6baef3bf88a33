//! Graph's routes below `/v1.0`, and the presence reads.

use std::collections::HashSet;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::{HeaderValue, StatusCode, header};
use rand::seq::SliceRandom;
use serde_json::{Value, json};

use super::directory::{self, segment};
use super::errors::{GraphError, ODATA_JSON, json_request, odata_json};
use super::faults::{MalformedElement, Plan, lock};
use super::ids::is_guid;
use super::presence::Reader;
use super::{Sim, batch, calendar, gate, get_by_ids, own_presence, users};

/// Graph's documented limit for getPresencesByUserId.
pub(crate) const MAX_PRESENCE_IDS: usize = 650;

pub(crate) fn routes(sim: &Arc<Sim>) -> Router {
    Router::new()
        .route("/me", get(directory::me))
        .route("/me/presence", get(me_presence))
        .route("/me/presence/{action}", post(own_presence::action))
        .route("/users", get(users::list))
        .route("/users/{id}", get(directory::user))
        .route("/users/{id}/presence", get(user_presence))
        .route("/users/{id}/presence/{action}", post(own_presence::action))
        .route(
            "/communications/presences/{id}",
            get(communications_presence),
        )
        .route(
            "/communications/getPresencesByUserId",
            post(presences_by_user_id),
        )
        .route("/directoryObjects/getByIds", post(get_by_ids::get_by_ids))
        .route("/$batch", post(batch::batch))
        .route("/groups/{id}/members", get(directory::members))
        .route("/groups/{id}/members/{cast}", get(directory::members))
        .route("/places/{id}", get(directory::place))
        .route("/me/calendar/getSchedule", post(calendar::me_schedule))
        .route(
            "/users/{id}/calendar/getSchedule",
            post(calendar::user_schedule),
        )
        .fallback(unknown_segment)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn_with_state(sim.clone(), gate::graph_gate))
        .with_state(sim.clone())
}

async fn unknown_segment(request: Request) -> GraphError {
    let first = segment(&request, 0);
    GraphError::bad_request(format!("Resource not found for the segment '{first}'."))
}

async fn method_not_allowed(request: Request) -> GraphError {
    GraphError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "Request_BadRequest",
        format!(
            "The HTTP method '{}' is not allowed for this resource.",
            request.method()
        ),
    )
}

/// A presence read (`verb` "read") or changed by id: object ids only, as the documentation requires.
pub(crate) fn presence_index(sim: &Sim, key: &str, verb: &str) -> Result<u32, GraphError> {
    if !is_guid(key) {
        return Err(GraphError::bad_request(format!(
            "Invalid user id '{key}': presence is {verb} by the user's object id (a GUID)."
        )));
    }
    sim.tenant
        .resolve(key)
        .ok_or_else(|| GraphError::user_not_found(key))
}

async fn me_presence(State(sim): State<Arc<Sim>>) -> Response {
    let body = sim.presence_json(sim.me_index(), sim.clock.now_ms(), Reader::Me);
    odata_json(StatusCode::OK, &body)
}

async fn user_presence(
    State(sim): State<Arc<Sim>>,
    request: Request,
) -> Result<Response, GraphError> {
    let index = presence_index(&sim, &segment(&request, 1), "read")?;
    let body = sim.presence_json(index, sim.clock.now_ms(), Reader::Other);
    Ok(odata_json(StatusCode::OK, &body))
}

/// The documentation's example wraps this single presence in `{"value":[...]}`; so does this.
async fn communications_presence(
    State(sim): State<Arc<Sim>>,
    request: Request,
) -> Result<Response, GraphError> {
    let index = presence_index(&sim, &segment(&request, 2), "read")?;
    let mut presence = sim.presence_json(index, sim.clock.now_ms(), Reader::Other);
    if let Some(obj) = presence.as_object_mut() {
        obj.remove("@odata.context");
    }
    let body = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#communications/presences",
        "value": [presence],
    });
    Ok(odata_json(StatusCode::OK, &body))
}

const BAD_UTF8_MARK: &str = "\u{e000}bad-utf8\u{e000}";

async fn presences_by_user_id(
    State(sim): State<Arc<Sim>>,
    request: Request,
) -> Result<Response, GraphError> {
    let plan = request
        .extensions()
        .get::<Plan>()
        .cloned()
        .unwrap_or_default();
    let body = json_request(request, 4 << 20, false).await?;
    let ids = body.get("ids").and_then(Value::as_array).ok_or_else(|| {
        GraphError::bad_request("The request body must contain 'ids', a list of user object ids.")
    })?;
    if ids.is_empty() {
        return Err(GraphError::bad_request("The 'ids' list must not be empty."));
    }
    if ids.len() > MAX_PRESENCE_IDS {
        return Err(GraphError::bad_request(format!(
            "Too many user ids: at most {MAX_PRESENCE_IDS} are supported per request, {} were given.",
            ids.len()
        )));
    }
    let mut seen = HashSet::new();
    let mut indices = Vec::with_capacity(ids.len());
    for id in ids {
        let id = id.as_str().filter(|s| is_guid(s)).ok_or_else(|| {
            GraphError::bad_request(format!(
                "Invalid user id {id}: ids must be user object ids (GUIDs)."
            ))
        })?;
        // Unknown ids are simply left out of the answer.
        if let Some(index) = sim.tenant.resolve(id)
            && seen.insert(index)
        {
            indices.push(index);
        }
    }
    // Graph answers in its own order: match by id, never by position.
    indices.shuffle(&mut *lock(&sim.rng));
    let now = sim.clock.now_ms();
    let mut value: Vec<Value> = indices
        .iter()
        .map(|&i| sim.presence_json(i, now, Reader::Batch))
        .collect();
    if let (Some(fault), Some(first)) = (plan.malformed_element, value.first_mut()) {
        match fault {
            MalformedElement::WrongType => {
                first["availability"] = json!(42);
                first["outOfOfficeSettings"] = json!("yes");
            }
            MalformedElement::BadUtf8 => {
                first["statusMessage"] =
                    json!({ "message": { "content": BAD_UTF8_MARK, "contentType": "text" } });
            }
        }
    }
    let body = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.presence)",
        "value": value,
    });
    let mut bytes = body.to_string().into_bytes();
    if plan.malformed_element == Some(MalformedElement::BadUtf8) {
        replace_bad_utf8(&mut bytes);
    }
    let mut response = (StatusCode::OK, bytes).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ODATA_JSON));
    Ok(response)
}

/// Puts bytes that are not UTF-8 where the marker is (a lone continuation byte and an 0xFF).
fn replace_bad_utf8(bytes: &mut Vec<u8>) {
    let mark = BAD_UTF8_MARK.as_bytes();
    if let Some(at) = bytes.windows(mark.len()).position(|w| w == mark) {
        bytes.splice(at..at + mark.len(), *b"caf\xC3\x28 \xFF\x80");
    }
}
