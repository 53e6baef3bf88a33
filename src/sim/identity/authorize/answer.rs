//! How the authorize endpoint's answer reaches the browser: a redirect by the response mode asked
//! for (query, fragment or a self-submitting form), or Entra's own error page.

use std::fmt::Write as _;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};

use crate::sim::errors::OAuthError;
use crate::sim::query::percent_encode;

/// How the answer travels back to the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Query,
    Fragment,
    FormPost,
}

/// Where the answer goes.
pub(crate) struct Target {
    pub redirect_uri: String,
    pub state: Option<String>,
    pub mode: Mode,
}

/// What the authorize endpoint does with a request.
pub(crate) enum Answer {
    /// Entra's own error page: the redirect URI cannot be trusted with the answer.
    Page(OAuthError),
    /// Back to the app with an error.
    Refused(Target, OAuthError),
    /// Back to the app with a code.
    Approved(Target, String),
}

impl Answer {
    /// The answer as the browser gets it, with the request's trace ids in any error.
    pub(crate) fn render(
        self,
        trace_id: &str,
        correlation_id: &str,
        session_state: &str,
    ) -> Response {
        let stamp = jiff::Timestamp::now()
            .strftime("%Y-%m-%d %H:%M:%SZ")
            .to_string();
        match self {
            Self::Page(error) => page(&error, trace_id, correlation_id, &stamp),
            Self::Refused(target, error) => {
                let description = error.full_description(trace_id, correlation_id, &stamp);
                let error_uri = error.error_uri();
                target.send(&[
                    ("error", error.error),
                    ("error_description", &description),
                    ("error_uri", &error_uri),
                ])
            }
            Self::Approved(target, code) => {
                target.send(&[("code", &code), ("session_state", session_state)])
            }
        }
    }
}

impl Target {
    /// `fields`, then `state` when the app sent one, by the response mode asked for.
    fn send(&self, fields: &[(&str, &str)]) -> Response {
        let mut fields: Vec<(&str, &str)> = fields.to_vec();
        if let Some(state) = &self.state {
            fields.insert(1.min(fields.len()), ("state", state));
        }
        let encoded: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", percent_encode(v)))
            .collect();
        let location = match self.mode {
            Mode::Query => {
                let join = if self.redirect_uri.contains('?') {
                    '&'
                } else {
                    '?'
                };
                format!("{}{join}{}", self.redirect_uri, encoded.join("&"))
            }
            Mode::Fragment => format!("{}#{}", self.redirect_uri, encoded.join("&")),
            Mode::FormPost => return form_post(&self.redirect_uri, &fields),
        };
        let mut response = (StatusCode::FOUND, Body::empty()).into_response();
        if let Ok(value) = HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, value);
        }
        no_store(response)
    }
}

fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache"),
    );
    response
}

fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, Body::from(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    no_store(response)
}

/// The page Entra's `form_post` mode answers with: a form the browser submits to the app at once.
fn form_post(action: &str, fields: &[(&str, &str)]) -> Response {
    let mut inputs = String::new();
    for (k, v) in fields {
        let _ = write!(
            inputs,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\" />",
            html_escape(k),
            html_escape(v)
        );
    }
    html(
        StatusCode::OK,
        format!(
            "<html><head><title>Working...</title></head><body><form method=\"POST\" name=\"hiddenform\" action=\"{}\">{inputs}<noscript><p>Script is disabled. Click Submit to continue.</p><input type=\"submit\" value=\"Submit\" /></noscript></form><script language=\"javascript\">document.forms[0].submit();</script></body></html>",
            html_escape(action)
        ),
    )
}

/// Entra's sign-in error page: the user reads it; the app never hears back.
fn page(error: &OAuthError, trace_id: &str, correlation_id: &str, stamp: &str) -> Response {
    html(
        StatusCode::BAD_REQUEST,
        format!(
            "<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body><h1>Sorry, but we're having trouble signing you in.</h1><p>AADSTS{}: {}</p><p>Request Id: {trace_id}<br>Correlation Id: {correlation_id}<br>Timestamp: {stamp}</p></body></html>",
            error.code,
            html_escape(&error.description)
        ),
    )
}
