//! Error bodies exactly as the services send them: Graph's `{"error":{code,message,innerError}}` and
//! the identity platform's v2.0 OAuth error JSON.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::json;

/// Graph answers successes with this `OData` content type, errors with plain `application/json`.
pub(crate) const ODATA_JSON: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/// The ids Graph puts in every answer's headers and in each error's `innerError`.
#[derive(Clone, Debug)]
pub(crate) struct RequestIds {
    pub request_id: String,
    pub client_request_id: String,
}

/// A Graph failure a handler returns; the gate renders it with the request's ids.
#[derive(Clone, Debug)]
pub(crate) struct GraphError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub retry_after: Option<String>,
}

impl GraphError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    pub(crate) fn user_not_found(key: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
            format!(
                "Resource '{key}' does not exist or one of its queried reference-property objects are not present."
            ),
        )
    }

    /// A value that is not an object id, where Graph wants one.
    pub(crate) fn invalid_object_id(id: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
            format!("Invalid object identifier '{id}'."),
        )
    }

    pub(crate) fn with_retry_after(mut self, value: Option<String>) -> Self {
        self.retry_after = value;
        self
    }

    /// The full answer, body and headers, as Graph sends it.
    pub(crate) fn render(&self, ids: &RequestIds) -> Response {
        let date = jiff::Timestamp::now()
            .strftime("%Y-%m-%dT%H:%M:%S")
            .to_string();
        let body = json!({
            "error": {
                "code": self.code,
                "message": self.message,
                "innerError": {
                    "date": date,
                    "request-id": ids.request_id,
                    "client-request-id": ids.client_request_id,
                }
            }
        });
        let mut response = (self.status, Body::from(body.to_string())).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Some(value) = self
            .retry_after
            .as_deref()
            .and_then(|v| HeaderValue::from_str(v).ok())
        {
            headers.insert(header::RETRY_AFTER, value);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(
                    "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"",
                ),
            );
        }
        response
    }
}

/// Handlers return the error as a marker; the gate, which knows the request ids, renders it.
impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// A JSON success body with Graph's content type.
pub(crate) fn odata_json(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut response = (status, Body::from(body.to_string())).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ODATA_JSON));
    response
}

/// A failure of a v2.0 sign-in endpoint.
#[derive(Clone, Debug)]
pub(crate) struct OAuthError {
    pub error: &'static str,
    pub code: u32,
    pub description: String,
    /// Entra's hint for what kind of interaction fixes it (`consent_required`, `basic_action`, ...).
    pub suberror: Option<&'static str>,
}

impl OAuthError {
    pub(crate) fn new(error: &'static str, code: u32, description: impl Into<String>) -> Self {
        Self {
            error,
            code,
            description: description.into(),
            suberror: None,
        }
    }

    pub(crate) fn with_suberror(mut self, suberror: &'static str) -> Self {
        self.suberror = Some(suberror);
        self
    }

    /// `AADSTS{code}: {description}` and the ids, as the service writes `error_description`.
    pub(crate) fn full_description(
        &self,
        trace_id: &str,
        correlation_id: &str,
        stamp: &str,
    ) -> String {
        format!(
            "AADSTS{}: {}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {stamp}",
            self.code, self.description
        )
    }

    pub(crate) fn error_uri(&self) -> String {
        format!("https://login.microsoftonline.com/error?code={}", self.code)
    }

    pub(crate) fn missing(parameter: &str) -> Self {
        Self::new(
            "invalid_request",
            900_144,
            format!("The request body must contain the following parameter: '{parameter}'."),
        )
    }

    /// The body as login.microsoftonline.com sends it, status 400 (401 for a client failure).
    pub(crate) fn render(&self, trace_id: &str, correlation_id: &str) -> Response {
        let now = jiff::Timestamp::now();
        let stamp = now.strftime("%Y-%m-%d %H:%M:%SZ").to_string();
        let mut body = json!({
            "error": self.error,
            "error_description": self.full_description(trace_id, correlation_id, &stamp),
            "error_codes": [self.code],
            "timestamp": stamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": self.error_uri(),
        });
        if let Some(suberror) = self.suberror {
            body["suberror"] = suberror.into();
        }
        let status = match self.error {
            "invalid_client" => StatusCode::UNAUTHORIZED,
            "temporarily_unavailable" => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        };
        let mut response = (status, Body::from(body.to_string())).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        response
    }
}

/// What Graph says of a request body it cannot read as JSON.
const BAD_JSON: &str = "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.";

/// A request's body, read up to `limit` bytes, as JSON; an empty body is `{}` when `empty_is_object`
/// (the presence actions that take no parameters), else unreadable like any other.
pub(crate) async fn json_request(
    request: axum::extract::Request,
    limit: usize,
    empty_is_object: bool,
) -> Result<serde_json::Value, GraphError> {
    let body = axum::body::to_bytes(request.into_body(), limit)
        .await
        .map_err(|_| GraphError::bad_request(BAD_JSON))?;
    if empty_is_object && body.is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_slice(&body).map_err(|_| GraphError::bad_request(BAD_JSON))
}
