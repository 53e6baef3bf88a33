//! Writing a user's own presence, as Graph takes it under `/users/{id}/presence/` (and `/me/presence/`):
//! `setUserPreferredPresence` and `clearUserPreferredPresence` (200), `setStatusMessage` (200; empty
//! content clears), `setManualLocation` and `clearLocation` (204). Request bodies and validation
//! follow Graph's pages; what changed shows in the next presence read, and ends on the tenant's clock.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde_json::Value;

use super::Sim;
use super::directory::segment;
use super::errors::{GraphError, json_request};
use super::graph_routes::presence_index;

/// The pairs `setUserPreferredPresence` accepts (Graph's documented combinations).
const PREFERRED: &[(&str, &str)] = &[
    ("Available", "Available"),
    ("Busy", "Busy"),
    ("DoNotDisturb", "DoNotDisturb"),
    ("BeRightBack", "BeRightBack"),
    ("Away", "Away"),
    ("Offline", "OffWork"),
];

/// The work locations `setManualLocation` sets.
const LOCATIONS: &[&str] = &["office", "remote", "timeOff"];

/// A work location set by hand: shown with source `manual` until cleared (it overrides automatic
/// and scheduled ones).
#[derive(Clone, Debug)]
pub(crate) struct ManualLocation {
    pub kind: &'static str,
    pub place_id: Option<String>,
}

/// ISO 8601 duration to milliseconds ("PT8H", "P1D"); `None` when unreadable or negative.
fn duration_ms(text: &str) -> Option<i64> {
    // ISO 8601 only (jiff would also read "1 hour").
    if !text.trim_start_matches(['-', '+']).starts_with(['P', 'p']) {
        return None;
    }
    let span: jiff::Span = text.parse().ok()?;
    let secs = span
        .total((
            jiff::Unit::Second,
            jiff::SpanRelativeTo::days_are_24_hours(),
        ))
        .ok()?;
    (secs >= 0.0).then_some((secs * 1000.0) as i64)
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// `POST /me/presence/{action}` and `POST /users/{id}/presence/{action}`.
pub(crate) async fn action(
    State(sim): State<Arc<Sim>>,
    request: Request,
) -> Result<Response, GraphError> {
    let (index, action) = if segment(&request, 0) == "me" {
        (sim.me_index(), segment(&request, 2))
    } else {
        let index = presence_index(&sim, &segment(&request, 1), "changed")?;
        (index, segment(&request, 3))
    };
    let body = json_request(request, 1 << 20, true).await?;
    match action.as_str() {
        "setUserPreferredPresence" => {
            set_preferred(&sim, index, &body)?;
            Ok(StatusCode::OK.into_response())
        }
        "clearUserPreferredPresence" => {
            sim.clear_preferred(index);
            Ok(StatusCode::OK.into_response())
        }
        "setStatusMessage" => {
            set_status(&sim, index, &body)?;
            Ok(StatusCode::OK.into_response())
        }
        "setManualLocation" => {
            let kind = text(&body, "workLocationType").ok_or_else(|| {
                GraphError::bad_request("The parameter 'workLocationType' is required.")
            })?;
            let kind = LOCATIONS
                .iter()
                .copied()
                .find(|k| k.eq_ignore_ascii_case(&kind))
                .ok_or_else(|| {
                    GraphError::bad_request(format!(
                        "Invalid workLocationType '{kind}': expected one of office, remote, timeOff."
                    ))
                })?;
            let place_id = match body.get("placeId") {
                None | Some(Value::Null) => None,
                Some(Value::String(id)) if !id.trim().is_empty() => Some(id.clone()),
                Some(_) => {
                    return Err(GraphError::bad_request(
                        "Invalid placeId: expected a place's id as a string.",
                    ));
                }
            };
            sim.set_location(index, Some(ManualLocation { kind, place_id }));
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        "clearLocation" => {
            sim.set_location(index, None);
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        other => Err(GraphError::bad_request(format!(
            "Resource not found for the segment '{other}'."
        ))),
    }
}

fn set_preferred(sim: &Sim, index: u32, body: &Value) -> Result<(), GraphError> {
    let availability = text(body, "availability")
        .ok_or_else(|| GraphError::bad_request("The parameter 'availability' is required."))?;
    let activity = text(body, "activity")
        .ok_or_else(|| GraphError::bad_request("The parameter 'activity' is required."))?;
    let (availability, activity) = PREFERRED
        .iter()
        .find(|(a, b)| a.eq_ignore_ascii_case(&availability) && b.eq_ignore_ascii_case(&activity))
        .copied()
        .ok_or_else(|| {
            GraphError::bad_request(format!(
                "The availability '{availability}' and activity '{activity}' cannot be set as a preferred presence."
            ))
        })?;
    // Without an expiration: Busy and DoNotDisturb last a day, the others a week.
    let default_days = if matches!(availability, "Busy" | "DoNotDisturb") {
        1
    } else {
        7
    };
    let duration = match body.get("expirationDuration") {
        None | Some(Value::Null) => default_days * 86_400_000,
        Some(Value::String(d)) => duration_ms(d).ok_or_else(|| {
            GraphError::bad_request(format!(
                "Invalid expirationDuration '{d}': expected an ISO 8601 duration such as PT1H."
            ))
        })?,
        Some(other) => {
            return Err(GraphError::bad_request(format!(
                "Invalid expirationDuration {other}: expected an ISO 8601 duration such as PT1H."
            )));
        }
    };
    sim.set_preferred(index, availability, activity, duration);
    Ok(())
}

fn set_status(sim: &Sim, index: u32, body: &Value) -> Result<(), GraphError> {
    let status = body
        .get("statusMessage")
        .filter(|s| s.is_object())
        .ok_or_else(|| GraphError::bad_request("The parameter 'statusMessage' is required."))?;
    let message = status.get("message");
    let content = message.and_then(|m| text(m, "content")).unwrap_or_default();
    let content_type = message
        .and_then(|m| text(m, "contentType"))
        .unwrap_or_else(|| "text".into());
    if !["text", "html"].contains(&content_type.to_ascii_lowercase().as_str()) {
        return Err(GraphError::bad_request(format!(
            "Invalid contentType '{content_type}': expected text or html."
        )));
    }
    let expiry = match status.get("expiryDateTime") {
        None | Some(Value::Null) => None,
        Some(e) => Some(
            text(e, "dateTime")
                .zip(text(e, "timeZone"))
                .ok_or_else(|| {
                    GraphError::bad_request(
                        "Invalid expiryDateTime: both dateTime and timeZone are required.",
                    )
                })?,
        ),
    };
    sim.set_status(index, &content, &content_type, expiry)
}

impl Sim {
    /// Whether the signed-in user has a Teams presence session; without one Graph shows them
    /// Offline, whatever they set.
    pub(crate) fn has_presence_session(&self, index: u32) -> bool {
        index != self.me_index() || self.options.presence_session
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_iso_8601_and_never_negative() {
        assert_eq!(duration_ms("PT1H"), Some(3_600_000));
        assert_eq!(duration_ms("P1D"), Some(86_400_000));
        assert_eq!(duration_ms("PT1H30M"), Some(5_400_000));
        assert_eq!(duration_ms("-PT1H"), None);
        assert_eq!(duration_ms("1 hour"), None);
    }
}
