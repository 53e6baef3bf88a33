//! `POST /directoryObjects/getByIds`: up to 1,000 objects by id in one request, for callers holding
//! Directory.Read.All (the gate refuses the others, as Graph does). Unknown ids are left out, and
//! the answer comes in no particular order.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::response::Response;
use http::StatusCode;
use rand::seq::SliceRandom;
use serde_json::{Map, Value};

use super::Sim;
use super::directory::{GRAPH, group_object, user_object};
use super::errors::{GraphError, json_request, odata_json};
use super::faults::lock;
use super::ids::is_guid;

/// Graph's limit on ids per call.
pub(crate) const MAX_IDS: usize = 1_000;

pub(crate) async fn get_by_ids(
    State(sim): State<Arc<Sim>>,
    request: Request,
) -> Result<Response, GraphError> {
    let body = json_request(request, 4 << 20, false).await?;
    let ids = body.get("ids").and_then(Value::as_array).ok_or_else(|| {
        GraphError::bad_request("The request body must contain 'ids', a list of object ids.")
    })?;
    if ids.len() > MAX_IDS {
        return Err(GraphError::new(
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
            format!(
                "Too many ids: at most {MAX_IDS} are supported per request, {} were given.",
                ids.len()
            ),
        ));
    }
    let types: Option<Vec<String>> = body.get("types").and_then(Value::as_array).map(|t| {
        t.iter()
            .filter_map(Value::as_str)
            .map(str::to_ascii_lowercase)
            .collect()
    });
    let wanted = |kind: &str| types.as_ref().is_none_or(|t| t.iter().any(|k| k == kind));
    let mut value = Vec::with_capacity(ids.len());
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        let id = id
            .as_str()
            .filter(|s| is_guid(s))
            .ok_or_else(|| GraphError::invalid_object_id(id.as_str().unwrap_or_default()))?;
        if !seen.insert(id.to_ascii_lowercase()) {
            continue;
        }
        if wanted("user")
            && let Some(person) = sim.tenant.resolve(id).and_then(|i| sim.person(i))
        {
            let mut object = Map::new();
            object.insert("@odata.type".into(), "#microsoft.graph.user".into());
            object.extend(user_object(&person, None));
            value.push(Value::Object(object));
        } else if wanted("group")
            && let Some(group) = sim.tenant.group_index(id)
        {
            value.push(Value::Object(group_object(&sim, group, None)));
        }
    }
    value.shuffle(&mut *lock(&sim.rng));
    let mut answer = Map::new();
    answer.insert(
        "@odata.context".into(),
        format!("{GRAPH}/$metadata#directoryObjects").into(),
    );
    answer.insert("value".into(), Value::Array(value));
    Ok(odata_json(StatusCode::OK, &Value::Object(answer)))
}
