//! Reading an answer: its Retry-After, its error, its JSON, and what it was when it was not JSON.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::StatusCode;
use http::header::{CONTENT_TYPE, RETRY_AFTER};
use serde::de::DeserializeOwned;

use crate::graph::error::GraphError;
use crate::graph::retry::{MAX_WAIT, parse_retry_after};

pub(super) fn retry_after_of(response: &http::Response<Bytes>) -> Option<Duration> {
    let value = response.headers().get(RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, SystemTime::now()).map(|d| d.min(MAX_WAIT))
}

/// An error answer as a typed error. An HTML page (a proxy's or a gateway's) is `Malformed`: it is
/// not Graph speaking, and the fix is on the network side.
pub(super) fn error_of(status: StatusCode, response: &http::Response<Bytes>) -> GraphError {
    if looks_like_html(response) {
        return GraphError::Malformed(format!(
            "an HTML page with status {} instead of JSON; a proxy may be in the way",
            status.as_u16()
        ));
    }
    let header_id = response
        .headers()
        .get("request-id")
        .and_then(|v| v.to_str().ok());
    GraphError::from_response(status.as_u16(), response.body(), header_id)
}

fn looks_like_html(response: &http::Response<Bytes>) -> bool {
    let typed = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("text/html"));
    typed || response.body().trim_ascii_start().first() == Some(&b'<')
}

/// Decodes a JSON answer, naming what came instead when it is not JSON.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, GraphError> {
    let text = String::from_utf8_lossy(body);
    serde_json::from_str(&text).map_err(|e| malformed(body, &e.to_string()))
}

/// A `Malformed` error that says what the body looked like.
pub(crate) fn malformed(body: &[u8], detail: &str) -> GraphError {
    let trimmed = body.trim_ascii_start();
    let what = if trimmed.is_empty() {
        "an empty answer".to_owned()
    } else if trimmed.first() == Some(&b'<') {
        "an HTML page instead of JSON".to_owned()
    } else {
        format!("not the expected JSON: {detail}")
    };
    GraphError::Malformed(what)
}
