//! `GraphClient`: every Graph call goes through `send`, which adds the token, times the exchange out,
//! retries what may be retried, honours Retry-After through a gate shared by all calls, and turns
//! error answers into `GraphError`. Presence reads live in `presence.rs`, `$batch` in `batch.rs`.
//!
//! Decisions:
//! - Retried (at most `max_retries`, backoff with full jitter, or Graph's Retry-After): 429, 503, 504
//!   and connection errors (refused, reset). Not retried: a timeout (a stalled body or a silent server
//!   already cost `timeout`; the next refresh comes soon), an answer over the size cap (it would come
//!   again), other statuses, redirects (never followed).
//! - A Retry-After pauses every call of this client, except that calendar reads (`Lane::Calendar`)
//!   have a gate of their own: a throttled schedule read never delays a presence poll. A call that starts while paused returns
//!   `Throttled { until }` at once, sending nothing, so the board can show "throttled until hh:mm".
//!   Inside a call, a pause of up to `MAX_INLINE_WAIT` (10 s) is waited out; a longer one ends the
//!   call as `Throttled`. A single wait is capped at `MAX_WAIT` (5 min).
//! - A 429 without a usable Retry-After (missing, negative, garbage) gets one retry per logical read
//!   (`Calls`) after a short jittered wait; the next one ends the read as `Throttled` with no time.
//!   Our own short wait is never passed off as Graph's: the board then backs off from its refresh
//!   interval, instead of polling again within seconds.
//! - 401: the token source refreshes once (single-flight there), the request is sent once more; a
//!   failed refresh is `GraphError::Auth`, a second 401 is `Http { status: 401 }` (both exit 3).
//! - Every URL is checked against the configured origin before the token is attached.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use http::{Method, StatusCode};
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::{debug, warn};

use crate::auth::{AuthError, Secret, TokenSource};
use crate::graph::error::GraphError;
use crate::graph::model::{Presence, User, UserId, parse_single_presence};
use crate::graph::origin::{BaseUrl, segment};
use crate::graph::retry::{Backoff, Gate, Jitter, MAX_INLINE_WAIT};
use crate::graph::transport::{Transport, TransportError};
use crate::text::SafeText;
pub(crate) use answer::{decode, malformed};
use answer::{error_of, retry_after_of};

/// Requests of one logical read in flight at once (`$batch` chunks, presence batches, user lookups):
/// enough to hide latency, few enough to stay polite to a tenant's shared rate budget.
pub const BATCH_CONCURRENCY: usize = 4;

/// The `$select` for every user read: what the board shows, nothing more.
pub const USER_SELECT: &str = "id,displayName,userPrincipalName,mail,jobTitle,department";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientOptions {
    /// `[graph] base_url`, e.g. `https://graph.microsoft.com/v1.0`.
    pub base_url: String,
    /// Per exchange: a stalled body or a silent server fails after this (`[graph] timeout_secs`).
    pub timeout: Duration,
    /// Seeds the jitter RNG (and client-request-ids), so tests and benches are reproducible.
    pub seed: u64,
    /// Retries after the first attempt, for 429, 503, 504 and connection errors. Microsoft's SDKs use 3.
    pub max_retries: u32,
}

impl ClientOptions {
    pub fn new(base_url: impl Into<String>, timeout: Duration) -> Self {
        Self {
            base_url: base_url.into(),
            timeout,
            seed: 0x7ea3_b0a2,
            max_retries: 3,
        }
    }

    pub fn from_config(graph: &crate::config::GraphConfig) -> Self {
        Self::new(graph.base_url.clone(), graph.timeout)
    }
}

/// What one logical read (a team's presence, a resolution, a group's pages) has spent, shared by its
/// concurrent requests.
#[derive(Debug, Default)]
pub(crate) struct Calls {
    sent: AtomicU32,
    /// The read's one retry after a 429 without a usable Retry-After is used up.
    untimed_retry_used: AtomicBool,
    /// Ask for the answers uncompressed (see `Calls::uncompressed`).
    uncompressed: bool,
}

impl Calls {
    /// A read whose answers are asked for uncompressed. Presence polls: inflating 3 MB of a
    /// 10,000-person answer every 30 s cost the idle board more CPU (about 12 ms a poll) than
    /// reading the plain bytes, which kept it out of its idle budget; everything else comes gzipped.
    pub(crate) fn uncompressed() -> Self {
        Self {
            uncompressed: true,
            ..Self::default()
        }
    }

    /// Requests this read handed to the transport, retries included.
    pub(crate) fn sent(&self) -> u32 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Takes the read's one retry after an untimed 429; `false` once it is taken.
    pub(crate) fn take_untimed_retry(&self) -> bool {
        !self.untimed_retry_used.swap(true, Ordering::Relaxed)
    }
}

/// Which Retry-After gate a call waits at and closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lane {
    /// Presence, directory, places: one gate for all of them.
    Shared,
    /// Free/busy reads, throttled by their own service limits.
    Calendar,
}

/// The Microsoft Graph client. Cheap to clone; safe to call from several tasks at once.
#[derive(Clone)]
pub struct GraphClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) base: BaseUrl,
    pub(crate) timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) backoff: Backoff,
    pub(crate) transport: Arc<dyn Transport>,
    tokens: Arc<dyn TokenSource>,
    pub(crate) jitter: Jitter,
    pub(crate) gate: Gate,
    /// Retry-After from a calendar read pauses calendar reads only.
    pub(crate) calendar_gate: Gate,
    requests: AtomicU64,
    /// Set once the batch presence call was found not offered (the China cloud); kept for later calls.
    pub(crate) fallback: AtomicBool,
    /// Paces per-person fallback reads inside the rate budget.
    pub(crate) pacer: crate::graph::presence::Pacer,
    /// Presence elements the last read parsed, so identical ones are not parsed again.
    pub(crate) known: crate::graph::presence::known::Known,
    /// `directoryObjects/getByIds` answered 403 (no Directory.Read.All): not asked again.
    pub(crate) by_ids_refused: AtomicBool,
}

impl std::fmt::Debug for GraphClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphClient")
            .field("base_url", &self.inner.base.as_str())
            .field("requests_sent", &self.requests_sent())
            .finish_non_exhaustive()
    }
}

impl GraphClient {
    /// A client for `[graph]` over HTTP (the board, `status`, `set`).
    pub fn over_http(
        graph: &crate::config::GraphConfig,
        tokens: Arc<dyn TokenSource>,
    ) -> Result<Self, GraphError> {
        let transport = crate::graph::http_transport::HttpTransport::new(&graph.base_url)?;
        Self::new(
            ClientOptions::from_config(graph),
            Arc::new(transport),
            tokens,
        )
    }

    /// Fails with `GraphError::BadBaseUrl` unless `base_url` is https, or http to loopback.
    pub fn new(
        options: ClientOptions,
        transport: Arc<dyn Transport>,
        tokens: Arc<dyn TokenSource>,
    ) -> Result<Self, GraphError> {
        let ClientOptions {
            base_url,
            timeout,
            seed,
            max_retries,
        } = options;
        let base = BaseUrl::parse(&base_url).map_err(GraphError::BadBaseUrl)?;
        Ok(Self {
            inner: Arc::new(Inner {
                base,
                timeout,
                max_retries,
                backoff: Backoff::default(),
                transport,
                tokens,
                jitter: Jitter::new(seed),
                gate: Gate::default(),
                calendar_gate: Gate::default(),
                requests: AtomicU64::new(0),
                fallback: AtomicBool::new(false),
                pacer: crate::graph::presence::Pacer::default(),
                known: crate::graph::presence::known::Known::default(),
                by_ids_refused: AtomicBool::new(false),
            }),
        })
    }

    /// Requests handed to the transport so far (every attempt counts).
    pub fn requests_sent(&self) -> u64 {
        self.inner.requests.load(Ordering::Relaxed)
    }

    /// While Graph has us throttled: the instant every call waits for.
    pub fn paused_until(&self) -> Option<Instant> {
        self.inner.gate.paused_at(Instant::now())
    }

    /// Whether presence reads have switched to per-person reads (the batch call is not offered).
    pub fn fallback_active(&self) -> bool {
        self.inner.fallback.load(Ordering::Relaxed)
    }

    pub fn base_url(&self) -> &str {
        self.inner.base.as_str()
    }

    /// `GET /me/presence` (delegated tokens only).
    pub async fn my_presence(&self) -> Result<Presence, GraphError> {
        self.check_fresh()?;
        self.get_presence("/me/presence").await
    }

    /// `GET /users/{id}/presence`.
    pub async fn user_presence(&self, id: &UserId) -> Result<Presence, GraphError> {
        self.check_fresh()?;
        self.get_presence(&format!("/users/{}/presence", segment(id.as_str())))
            .await
    }

    /// `GET /communications/presences/{id}`: a bare presence or `{"value":[one]}`, both accepted.
    pub async fn communications_presence(&self, id: &UserId) -> Result<Presence, GraphError> {
        self.check_fresh()?;
        self.comms_presence(id, &Calls::default()).await
    }

    /// `GET /me` with the board's `$select`.
    pub async fn me(&self) -> Result<User, GraphError> {
        self.check_fresh()?;
        self.get_json(&format!("/me?$select={USER_SELECT}"), &Calls::default())
            .await
    }

    pub(crate) async fn comms_presence(
        &self,
        id: &UserId,
        calls: &Calls,
    ) -> Result<Presence, GraphError> {
        let url = self.inner.base.join(&format!(
            "/communications/presences/{}",
            segment(id.as_str())
        ));
        let response = self.send(Method::GET, &url, None, calls).await?;
        parse_single_presence(response.body())
            .map_err(|e| malformed(response.body(), &e.to_string()))
    }

    async fn get_presence(&self, path: &str) -> Result<Presence, GraphError> {
        let response = self
            .send(
                Method::GET,
                &self.inner.base.join(path),
                None,
                &Calls::default(),
            )
            .await?;
        parse_single_presence(response.body())
            .map_err(|e| malformed(response.body(), &e.to_string()))
    }

    /// GET a path under the base URL and decode its JSON.
    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        calls: &Calls,
    ) -> Result<T, GraphError> {
        let response = self
            .send(Method::GET, &self.inner.base.join(path), None, calls)
            .await?;
        decode(response.body())
    }

    /// A fresh call while paused does not wait: it says until when, so the board can show it.
    pub(crate) fn check_fresh(&self) -> Result<(), GraphError> {
        self.check_fresh_in(Lane::Shared)
    }

    pub(crate) fn check_fresh_in(&self, lane: Lane) -> Result<(), GraphError> {
        match self.gate(lane).paused_at(Instant::now()) {
            Some(until) => Err(GraphError::Throttled {
                retry_after: Some(until.saturating_duration_since(Instant::now())),
                until: Some(until),
            }),
            None => Ok(()),
        }
    }

    fn gate(&self, lane: Lane) -> &Gate {
        match lane {
            Lane::Shared => &self.inner.gate,
            Lane::Calendar => &self.inner.calendar_gate,
        }
    }

    /// Inside a call, a short pause is waited out; a long one ends the call as `Throttled`.
    async fn wait_gate(&self, lane: Lane) -> Result<(), GraphError> {
        let now = Instant::now();
        if let Some(until) = self.gate(lane).paused_at(now) {
            let left = until - now;
            if left > MAX_INLINE_WAIT {
                return Err(GraphError::Throttled {
                    retry_after: Some(left),
                    until: Some(until),
                });
            }
            tokio::time::sleep_until(until).await;
        }
        Ok(())
    }

    /// One logical request: sends `url` (absolute, on the configured origin) and returns a 2xx answer.
    /// Retries 429/503/504 and connection errors (at most `max_retries`), refreshes the token once on
    /// 401, never follows a redirect. A timeout is not retried: it already cost `timeout`, and the next
    /// refresh comes soon.
    pub(crate) async fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<Bytes>,
        calls: &Calls,
    ) -> Result<http::Response<Bytes>, GraphError> {
        self.send_in(Lane::Shared, method, url, body, calls).await
    }

    /// `send`, waiting at and closing the gate of `lane`.
    pub(crate) async fn send_in(
        &self,
        lane: Lane,
        method: Method,
        url: &str,
        body: Option<Bytes>,
        calls: &Calls,
    ) -> Result<http::Response<Bytes>, GraphError> {
        let inner = &*self.inner;
        let gate = self.gate(lane);
        let checked = inner.base.allows(url).map_err(GraphError::Refused)?;
        let uri: http::Uri = checked
            .as_str()
            .parse()
            .map_err(|_| GraphError::Refused("a URL that cannot be sent".into()))?;
        let path = SafeText::line(uri.path()).to_string();
        let mut token = inner.tokens.bearer().await.map_err(GraphError::Auth)?;
        let mut retries = 0u32;
        let mut refreshed = false;
        loop {
            self.wait_gate(lane).await?;
            let request = self.build(&method, &uri, body.clone(), &token, retries)?;
            let request = if calls.uncompressed {
                identity_encoding(request)
            } else {
                request
            };
            inner.requests.fetch_add(1, Ordering::Relaxed);
            calls.sent.fetch_add(1, Ordering::Relaxed);
            let started = Instant::now();
            let outcome = tokio::time::timeout(inner.timeout, inner.transport.send(request)).await;
            let elapsed_ms = started.elapsed().as_millis();
            let response = match outcome {
                Err(_) | Ok(Err(TransportError::Timeout)) => {
                    warn!(%method, %path, elapsed_ms, "Graph request timed out");
                    return Err(GraphError::Timeout);
                }
                Ok(Err(TransportError::Refused(why))) => return Err(GraphError::Refused(why)),
                Ok(Err(TransportError::TooLarge)) => {
                    warn!(%method, %path, "Graph's answer is over the size cap; not retried");
                    return Err(GraphError::TooLarge);
                }
                Ok(Err(e)) => {
                    if retries >= inner.max_retries {
                        warn!(%method, %path, error = %SafeText::line(&e.to_string()), "Graph unreachable, giving up");
                        return Err(GraphError::Transport(e));
                    }
                    let wait = inner.jitter.backoff(&inner.backoff, retries);
                    warn!(%method, %path, error = %SafeText::line(&e.to_string()), wait_ms = wait.as_millis(), "connection error, retrying");
                    retries += 1;
                    tokio::time::sleep(wait).await;
                    continue;
                }
                Ok(Ok(response)) => response,
            };
            let status = response.status();
            debug!(%method, %path, status = status.as_u16(), elapsed_ms, "Graph exchange");
            if status.is_success() {
                return Ok(response);
            }
            if status == StatusCode::UNAUTHORIZED && !refreshed {
                warn!(%method, %path, "token rejected (401), refreshing once");
                refreshed = true;
                token = inner
                    .tokens
                    .refresh_after_401(&token)
                    .await
                    .map_err(GraphError::Auth)?;
                continue;
            }
            if status.is_redirection() {
                warn!(%method, %path, status = status.as_u16(), "redirect not followed");
                return Err(GraphError::Redirect {
                    status: status.as_u16(),
                });
            }
            if matches!(status.as_u16(), 429 | 503 | 504) {
                let told = retry_after_of(&response);
                let give_up = retries >= inner.max_retries;
                if status == StatusCode::TOO_MANY_REQUESTS && told.is_none() {
                    // Graph is throttling without saying for how long: one short retry per read,
                    // then the caller backs off on its own scale (the board: its refresh interval).
                    if give_up || !calls.take_untimed_retry() {
                        warn!(%method, %path, "throttled (429) without a usable Retry-After; giving up this read");
                        return Err(GraphError::Throttled {
                            retry_after: None,
                            until: None,
                        });
                    }
                    let wait = inner.jitter.backoff(&inner.backoff, retries);
                    warn!(%method, %path, wait_ms = wait.as_millis(), "throttled (429) without a usable Retry-After; retrying once");
                    retries += 1;
                    tokio::time::sleep(wait).await;
                    continue;
                }
                let wait = told.unwrap_or_else(|| inner.jitter.backoff(&inner.backoff, retries));
                let until = Instant::now() + wait;
                // Graph's word pauses every call.
                if told.is_some() {
                    gate.pause_until(until);
                }
                if status == StatusCode::TOO_MANY_REQUESTS && (give_up || wait > MAX_INLINE_WAIT) {
                    warn!(%method, %path, wait_ms = wait.as_millis(), "throttled (429), pausing all calls");
                    return Err(GraphError::Throttled {
                        retry_after: told,
                        until: Some(gate.paused_at(Instant::now()).unwrap_or(until)),
                    });
                }
                if give_up || wait > MAX_INLINE_WAIT {
                    return Err(error_of(status, &response));
                }
                warn!(%method, %path, status = status.as_u16(), wait_ms = wait.as_millis(), attempt = retries + 1, "retrying");
                retries += 1;
                tokio::time::sleep_until(until).await;
                continue;
            }
            return Err(error_of(status, &response));
        }
    }

    fn build(
        &self,
        method: &Method,
        uri: &http::Uri,
        body: Option<Bytes>,
        token: &Secret,
        retries: u32,
    ) -> Result<http::Request<Bytes>, GraphError> {
        let mut auth =
            HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
                GraphError::Auth(AuthError::Refused(crate::text::SafeText::line(
                    "the access token holds characters that cannot be sent; set a fresh one",
                )))
            })?;
        auth.set_sensitive(true);
        let mut builder = http::Request::builder()
            .method(method.clone())
            .uri(uri.clone())
            .header(AUTHORIZATION, auth)
            .header(ACCEPT, "application/json")
            .header("client-request-id", self.inner.jitter.request_id());
        if retries > 0 {
            builder = builder.header("Retry-Attempt", retries.to_string());
        }
        if body.is_some() {
            builder = builder.header(CONTENT_TYPE, "application/json");
        }
        builder
            .body(body.unwrap_or_default())
            .map_err(|_| GraphError::Refused("a request that cannot be built".into()))
    }
}

/// Asks for the answer as it is: no `Accept-Encoding: gzip` added below, nothing to inflate.
fn identity_encoding(mut request: http::Request<Bytes>) -> http::Request<Bytes> {
    request.headers_mut().insert(
        http::header::ACCEPT_ENCODING,
        HeaderValue::from_static("identity"),
    );
    request
}

mod answer;

#[cfg(test)]
pub(crate) mod fake;
#[cfg(test)]
mod tests;
