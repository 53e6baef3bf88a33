//! JSON `$batch`: up to 20 GETs in one request; answers matched by inner id (they come in any order),
//! inner 429/503/504 retried after their own Retry-After (which pauses every call, like any other).

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures::StreamExt;
use http::Method;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;
use tracing::warn;

use crate::graph::client::{BATCH_CONCURRENCY, Calls, GraphClient, decode};
use crate::graph::error::GraphError;
use crate::graph::retry::parse_retry_after;

/// Graph's limit on inner requests per `$batch`.
pub const BATCH_LIMIT: usize = 20;

#[derive(Serialize, Debug)]
pub struct BatchRequest<'a> {
    pub requests: Vec<InnerRequest<'a>>,
}

#[derive(Serialize, Debug)]
pub struct InnerRequest<'a> {
    pub id: String,
    pub method: &'static str,
    pub url: &'a str,
}

#[derive(Deserialize, Debug)]
pub struct BatchResponse {
    #[serde(default)]
    pub responses: Vec<InnerResponse>,
}

#[derive(Deserialize, Debug)]
pub struct InnerResponse {
    pub id: String,
    pub status: u16,
    #[serde(default)]
    pub headers: HashMap<String, serde_json::Value>,
    #[serde(default)]
    pub body: Option<serde_json::Value>,
}

impl InnerResponse {
    fn retry_after(&self) -> Option<Duration> {
        let value = self
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("retry-after"))
            .map(|(_, v)| v)?;
        let text = match value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => return None,
        };
        parse_retry_after(&text, SystemTime::now())
    }

    fn into_result(self) -> Result<serde_json::Value, GraphError> {
        if (200..300).contains(&self.status) {
            return Ok(self.body.unwrap_or(serde_json::Value::Null));
        }
        let body = self.body.map(|b| b.to_string()).unwrap_or_default();
        Err(GraphError::from_response(
            self.status,
            body.as_bytes(),
            None,
        ))
    }
}

impl GraphClient {
    /// GETs every relative `url` (e.g. `/users/x?$select=...`) through `$batch`, 20 per request, and
    /// returns one result per url, in the order given. An outer failure (auth, throttle, network)
    /// fails the whole call: those concern every inner request alike.
    pub async fn batch_get(
        &self,
        urls: &[String],
    ) -> Result<Vec<Result<serde_json::Value, GraphError>>, GraphError> {
        let mut results: Vec<Option<Result<serde_json::Value, GraphError>>> =
            vec![None; urls.len()];
        self.batch_get_as_answered(urls, |offset, answers| {
            for (i, r) in answers.into_iter().enumerate() {
                results[offset + i] = Some(r);
            }
        })
        .await?;
        Ok(unanswered_as_errors(results))
    }

    /// `batch_get`, handing each `$batch`'s answers to `each` as they come (with the position of the
    /// first of them in `urls`), so a caller can show what is known before the last answer.
    pub async fn batch_get_as_answered(
        &self,
        urls: &[String],
        mut each: impl FnMut(usize, Vec<Result<serde_json::Value, GraphError>>),
    ) -> Result<(), GraphError> {
        self.check_fresh()?;
        let calls = Calls::default();
        let calls = &calls;
        // Over indices, not borrowed chunks: with a closure over borrowed chunks the compiler cannot
        // prove the future `Send`, and callers spawn it.
        let mut stream = futures::stream::iter(0..urls.len().div_ceil(BATCH_LIMIT))
            .map(|k| {
                let offset = k * BATCH_LIMIT;
                self.tagged_chunk(
                    offset,
                    &urls[offset..urls.len().min(offset + BATCH_LIMIT)],
                    calls,
                )
            })
            .buffer_unordered(BATCH_CONCURRENCY);
        while let Some((offset, outcome)) = stream.next().await {
            each(offset, outcome?);
        }
        Ok(())
    }

    async fn tagged_chunk<'a>(
        &'a self,
        offset: usize,
        urls: &'a [String],
        calls: &'a Calls,
    ) -> (
        usize,
        Result<Vec<Result<serde_json::Value, GraphError>>, GraphError>,
    ) {
        (offset, self.batch_chunk(urls, calls).await)
    }

    /// One `$batch` of at most 20, with rounds for inner requests Graph asked us to retry.
    async fn batch_chunk(
        &self,
        urls: &[String],
        calls: &Calls,
    ) -> Result<Vec<Result<serde_json::Value, GraphError>>, GraphError> {
        let mut results: Vec<Option<Result<serde_json::Value, GraphError>>> =
            vec![None; urls.len()];
        let mut pending: Vec<usize> = (0..urls.len()).collect();
        let mut round = 0u32;
        while !pending.is_empty() {
            let body = BatchRequest {
                requests: pending
                    .iter()
                    .map(|&i| InnerRequest {
                        id: i.to_string(),
                        method: "GET",
                        url: &urls[i],
                    })
                    .collect(),
            };
            let body =
                serde_json::to_vec(&body).map_err(|e| GraphError::Malformed(e.to_string()))?;
            let url = self.inner.base.join("/$batch");
            let response = self
                .send(Method::POST, &url, Some(Bytes::from(body)), calls)
                .await?;
            let answer: BatchResponse = decode(response.body())?;
            let mut again = Vec::new();
            let mut wait: Option<Duration> = None;
            let mut told = false;
            for inner in answer.responses {
                let Some(i) = inner
                    .id
                    .parse::<usize>()
                    .ok()
                    .filter(|i| pending.contains(i))
                else {
                    continue;
                };
                if results[i].is_some() {
                    continue;
                }
                // An inner 429 without a usable Retry-After gets one round, as an outer one gets one retry.
                let untimed_429 = inner.status == 429 && inner.retry_after().is_none();
                if matches!(inner.status, 429 | 503 | 504)
                    && round < self.inner.max_retries
                    && !(untimed_429 && round > 0)
                {
                    let ra = inner.retry_after();
                    told |= ra.is_some();
                    let w =
                        ra.unwrap_or_else(|| self.inner.jitter.backoff(&self.inner.backoff, round));
                    wait = Some(wait.map_or(w, |held| held.max(w)));
                    again.push(i);
                    continue;
                }
                if inner.status == 429 {
                    let ra = inner.retry_after();
                    results[i] = Some(Err(GraphError::Throttled {
                        retry_after: ra,
                        until: ra.map(|wait| Instant::now() + wait),
                    }));
                    continue;
                }
                results[i] = Some(inner.into_result());
            }
            // Inner requests Graph did not answer at all are retried too (bounded by the rounds).
            for &i in &pending {
                if results[i].is_none() && !again.contains(&i) {
                    if round < self.inner.max_retries {
                        again.push(i);
                    } else {
                        results[i] = Some(Err(GraphError::Malformed(
                            "no answer for a $batch request".into(),
                        )));
                    }
                }
            }
            if let Some(w) = wait {
                warn!(
                    retrying = again.len(),
                    wait_ms = w.as_millis(),
                    "inner $batch requests throttled"
                );
                let until = Instant::now() + w;
                if told {
                    self.inner.gate.pause_until(until);
                }
                tokio::time::sleep_until(until).await;
            }
            round += 1;
            pending = again;
        }
        Ok(unanswered_as_errors(results))
    }
}

/// Inner requests `$batch` never answered become errors of their own: the caller matches by position.
fn unanswered_as_errors(
    results: Vec<Option<Result<serde_json::Value, GraphError>>>,
) -> Vec<Result<serde_json::Value, GraphError>> {
    results
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|| {
                Err(GraphError::Malformed(
                    "no answer for a $batch request".into(),
                ))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_bodies_have_graphs_shape() {
        let urls = ["/users/a?$select=id".to_owned()];
        let body = BatchRequest {
            requests: vec![InnerRequest {
                id: "0".into(),
                method: "GET",
                url: &urls[0],
            }],
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"requests":[{"id":"0","method":"GET","url":"/users/a?$select=id"}]})
        );
    }

    #[test]
    fn inner_answers_read_their_status_retry_after_and_error() {
        let answer: BatchResponse = serde_json::from_str(
            r#"{"responses":[
                {"id":"1","status":404,"headers":{"Content-Type":"application/json"},"body":{"error":{"code":"Request_ResourceNotFound","message":"gone"}}},
                {"id":"0","status":429,"headers":{"retry-after":"2.5"}},
                {"id":"2","status":200,"body":{"id":"u2"}}
            ]}"#,
        )
        .unwrap();
        let mut by_id: HashMap<String, InnerResponse> = answer
            .responses
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
        assert_eq!(by_id["0"].retry_after(), Some(Duration::from_millis(2500)));
        let missing = by_id.remove("1").unwrap().into_result().unwrap_err();
        assert_eq!(missing.code(), Some("Request_ResourceNotFound"));
        assert_eq!(missing.status(), Some(404));
        assert_eq!(
            by_id.remove("2").unwrap().into_result().unwrap()["id"],
            "u2"
        );
    }
}
