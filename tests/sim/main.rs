//! The simulated tenant against Graph's and the identity platform's documented shapes, limits and
//! quirks, called in-process through `RouterTransport` (paused time where time matters) and over
//! real HTTP where the connection itself is the point.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use serde_json::{Value, json};
use teamboard::graph::transport::{Transport, TransportError};
use teamboard::sim::{RouterTransport, Scenario, Sim, SimOptions};

#[path = "../support/answer.rs"]
mod answer;
use answer::{Answer, fixture, kind, sorted_keys};

/// A Tuesday, 09:00 in the office's zone.
const TUESDAY_MORNING: &str = "2025-03-04T08:00:00Z";

fn options(size: u32, scenario: Scenario) -> SimOptions {
    let mut o = SimOptions::new(size, scenario);
    o.start = Some(TUESDAY_MORNING.parse().unwrap());
    o
}

fn tenant(size: u32, scenario: Scenario) -> Arc<Sim> {
    Sim::new(options(size, scenario))
}

struct Client {
    transport: RouterTransport,
    token: Option<String>,
}

impl Client {
    fn new(sim: &Arc<Sim>) -> Self {
        Self {
            transport: RouterTransport::new(sim.router()),
            token: Some(sim.token().to_owned()),
        }
    }

    async fn try_send(
        &self,
        method: Method,
        path: &str,
        body: Bytes,
        content_type: &str,
    ) -> Result<Answer, TransportError> {
        let mut request = http::Request::builder()
            .method(method)
            .uri(format!("http://sim.test{path}"))
            .header("content-type", content_type)
            .header("client-request-id", "11111111-2222-3333-4444-555555555555");
        if let Some(token) = &self.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let response = self.transport.send(request.body(body).unwrap()).await?;
        Ok(Answer::from_response(response))
    }

    async fn get(&self, path: &str) -> Answer {
        self.try_send(Method::GET, path, Bytes::new(), "application/json")
            .await
            .unwrap()
    }

    async fn post(&self, path: &str, body: &Value) -> Answer {
        self.try_send(
            Method::POST,
            path,
            Bytes::from(body.to_string()),
            "application/json",
        )
        .await
        .unwrap()
    }

    async fn form(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        let body: Vec<String> = form
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    v.replace('%', "%25")
                        .replace(' ', "+")
                        .replace(':', "%3A")
                        .replace('/', "%2F")
                )
            })
            .collect();
        self.try_send(
            Method::POST,
            path,
            Bytes::from(body.join("&")),
            "application/x-www-form-urlencoded",
        )
        .await
        .unwrap()
    }

    async fn presences(&self, ids: &[String]) -> Answer {
        self.post(
            "/v1.0/communications/getPresencesByUserId",
            &json!({ "ids": ids }),
        )
        .await
    }
}

/// Every field of the fixture is in `actual` with the same JSON type (null may stand for a string
/// the fixture has, and the reverse), recursively.
fn assert_shape(fixture: &Value, actual: &Value, at: &str) {
    match (fixture, actual) {
        (Value::Object(f), Value::Object(a)) => {
            for (k, fv) in f {
                let av = a
                    .get(k)
                    .unwrap_or_else(|| panic!("{at}.{k} missing in {actual}"));
                assert_shape(fv, av, &format!("{at}.{k}"));
            }
        }
        (Value::Array(f), Value::Array(a)) => {
            if let (Some(f0), Some(a0)) = (f.first(), a.first()) {
                assert_shape(f0, a0, &format!("{at}[0]"));
            }
        }
        (Value::Null, Value::String(_)) | (Value::String(_), Value::Null) => {}
        (f, a) => assert_eq!(kind(f), kind(a), "{at}: {a}"),
    }
}

/// A Graph error body: exactly `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`.
fn assert_graph_error(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.text());
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let body = answer.json();
    let error = &body["error"];
    assert_eq!(sorted_keys(error), ["code", "innerError", "message"]);
    assert_eq!(error["code"], code);
    assert!(error["message"].is_string());
    let inner = &error["innerError"];
    assert_eq!(
        sorted_keys(inner),
        ["client-request-id", "date", "request-id"]
    );
    assert_eq!(
        inner["client-request-id"],
        "11111111-2222-3333-4444-555555555555"
    );
    assert_eq!(answer.header("request-id"), inner["request-id"].as_str());
}

/// The fields of an OAuth v2.0 error body.
fn assert_oauth_error(answer: &Answer, error: &str, code: u64) {
    assert_eq!(answer.status, 400, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(body["error_codes"], json!([code]));
    let description = body["error_description"].as_str().unwrap();
    assert!(
        description.starts_with(&format!("AADSTS{code}: ")),
        "{description}"
    );
    assert!(description.contains("\r\nTrace ID: "));
    for key in ["timestamp", "trace_id", "correlation_id"] {
        assert!(body[key].is_string(), "{key} in {body}");
    }
}

fn seq(v: &Value) -> String {
    v["sequenceNumber"].as_str().unwrap().to_owned()
}

mod faults;
mod graph;
mod identity;
mod scenarios;
mod served;
