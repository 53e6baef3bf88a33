//! Reading a whole team's presence: `getPresencesByUserId` in batches of at most 650 ids, merged by id;
//! per-person reads, paced inside the rate budget, where the batch call is not offered.

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use http::Method;
use tokio::time::Instant;
use tracing::{debug, warn};

use crate::graph::client::{BATCH_CONCURRENCY, Calls, GraphClient, malformed};
use crate::graph::error::GraphError;
use crate::graph::model::{BadElement, IdHasher, Presence, UserId};
use crate::graph::spares::Spares;
use crate::graph::transport::Transport;

/// getPresencesByUserId takes at most this many ids.
pub const BATCH_MAX: usize = 650;
/// Per-person reads in flight at once in the fallback.
pub const FALLBACK_CONCURRENCY: usize = 8;
/// Graph's presence budget: 1,500 requests per 30 s, per app per tenant, shared by every user of the
/// app registration in the tenant.
pub const BUDGET_REQUESTS: u32 = 1_500;
pub const BUDGET_WINDOW: Duration = Duration::from_secs(30);
/// One teamboard plans to use at most half the tenant's budget, leaving the rest to colleagues.
pub const BUDGET_SHARE: u32 = 2;

/// The smallest refresh interval that keeps `requests_per_refresh` inside teamboard's share of the
/// budget (half of 1,500 per 30 s, i.e. one request per 40 ms). The board stretches its interval to
/// at least this: 10,000 people read one by one need 400 s; in batches (16 requests) 0.64 s.
pub fn min_interval_for(requests_per_refresh: usize) -> Duration {
    let allowed = u64::from(BUDGET_REQUESTS / BUDGET_SHARE);
    let per_request = BUDGET_WINDOW.as_nanos() as u64 / allowed;
    Duration::from_nanos(per_request.saturating_mul(requests_per_refresh as u64))
}

/// Requests one refresh of `people` costs: ceil(n/650) in batches, n per person in the fallback.
pub fn requests_per_refresh(people: usize, fallback: bool) -> usize {
    if fallback {
        people
    } else {
        people.div_ceil(BATCH_MAX)
    }
}

/// The outcome of one read of many people's presence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PresenceRead {
    /// One per person answered, in the order asked (duplicates resolved by sequence number). Shared:
    /// an element byte-identical to the last read's is that read's very presence (see `known`).
    pub presences: Vec<Arc<Presence>>,
    /// Elements that could not be parsed: those people keep their last known state.
    pub bad: Vec<BadElement>,
    /// Asked, not answered (Graph may leave unknown ids out; 404 in the fallback).
    pub missing: Vec<UserId>,
    /// Asked, but their request failed after retries (other batches did not): keep their last state.
    pub failed: Vec<UserId>,
    /// Why `failed` is not empty (the first such error).
    pub partial_error: Option<GraphError>,
    /// Requests this read sent, retries included.
    pub requests: u32,
    /// Per-person reads were used because the batch call is not offered.
    pub fallback_used: bool,
}

/// Spaces out per-person fallback requests: each takes the next slot, one per `min_interval_for(1)`.
#[derive(Default)]
pub struct Pacer(Mutex<Option<Instant>>);

impl Pacer {
    async fn slot(&self) {
        let spacing = min_interval_for(1);
        let at = {
            let mut next = self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let now = Instant::now();
            let at = next.map_or(now, |n| n.max(now));
            *next = Some(at + spacing);
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

/// What one batch (or one person, in the fallback) brought back.
enum Part {
    Read {
        presences: Vec<known::Answer>,
        bad: Vec<BadElement>,
        /// Where the ids this answer was asked for begin in the whole read's list (a batch); `None`
        /// for one person's read.
        asked_from: Option<usize>,
    },
    /// A 404 for one person: they end up in `missing`, as anyone unanswered does.
    Missing,
    Failed(Vec<UserId>, GraphError),
}

/// Whom a read of presence asks for, each once. A board asks for the same people every 30 s: it
/// keeps one of these for as long as its roster lasts, so a poll neither copies nor hashes 10,000 ids
/// to find out whom to ask.
#[derive(Debug, Default)]
pub struct PresenceQuery {
    ids: Vec<UserId>,
}

impl PresenceQuery {
    /// `ids` in their order, each once.
    pub fn new<'a>(ids: impl Iterator<Item = &'a UserId>) -> Self {
        let (count, _) = ids.size_hint();
        let mut seen = HashSet::with_capacity_and_hasher(count, IdHasher::default());
        // Sized once: a list grown by doubling would keep up to twice the room for as long as the
        // roster lasts.
        let mut unique = Vec::with_capacity(count);
        unique.extend(ids.filter(|id| seen.insert(*id)).cloned());
        unique.shrink_to_fit();
        Self { ids: unique }
    }

    pub fn ids(&self) -> &[UserId] {
        &self.ids
    }
}

impl GraphClient {
    /// Everyone's presence in ceil(n/650) requests (at most 4 in flight), merged by id. A fresh call
    /// while throttled returns `Throttled` at once. A batch that fails after retries costs only its
    /// people (`failed`); an auth or throttle error, or every batch failing, fails the read.
    pub async fn presences(&self, ids: &[UserId]) -> Result<PresenceRead, GraphError> {
        self.presences_of(&PresenceQuery::new(ids.iter())).await
    }

    /// `presences`, for people already gathered into a query.
    pub async fn presences_of(&self, query: &PresenceQuery) -> Result<PresenceRead, GraphError> {
        self.check_fresh()?;
        let asked = query.ids();
        self.inner.known.begin();
        let _release = Release(&*self.inner.transport);
        let calls = Calls::uncompressed();
        let mut read = PresenceRead::default();
        if asked.is_empty() {
            return Ok(read);
        }
        let spare = Spare::default();
        let mut merge = Merge::new(asked);
        if self.fallback_active() {
            self.per_person(asked, &calls, &mut merge, &spare).await?;
        } else {
            let (calls, spare) = (&calls, &spare);
            // Streams over indices, not borrowed chunks: a closure taking a reference makes the
            // future not `Send` for every lifetime (rustc #64552), and callers spawn reads.
            let mut stream = futures::stream::iter(0..asked.len().div_ceil(BATCH_MAX))
                .map(|k| {
                    self.tagged_batch(
                        k * BATCH_MAX,
                        &asked[k * BATCH_MAX..asked.len().min((k + 1) * BATCH_MAX)],
                        calls,
                        spare,
                    )
                })
                .buffer_unordered(BATCH_CONCURRENCY);
            let mut not_offered = Vec::new();
            while let Some((chunk, outcome)) = stream.next().await {
                match outcome {
                    None => not_offered.extend_from_slice(chunk),
                    Some(Ok(part)) => merge.add(part, spare),
                    Some(Err(e)) if batch_not_offered(&e) => {
                        if !self.inner.fallback.swap(true, Ordering::Relaxed) {
                            warn!(
                                "getPresencesByUserId is not offered here; reading presence per person"
                            );
                        }
                        not_offered.extend_from_slice(chunk);
                    }
                    Some(Err(e)) if is_fatal(&e) => return Err(e),
                    Some(Err(e)) => merge.add(Part::Failed(chunk.to_vec(), e), spare),
                }
            }
            drop(stream);
            if !not_offered.is_empty() {
                self.per_person(&not_offered, calls, &mut merge, spare)
                    .await?;
            }
        }
        read.fallback_used = self.fallback_active();
        read.requests = calls.sent();
        self.inner.known.end();
        merge.finish(&mut read)?;
        Ok(read)
    }

    /// The smallest refresh interval for `people` that stays inside the rate budget, given whether
    /// the per-person fallback is in use.
    pub fn min_refresh_interval(&self, people: usize) -> Duration {
        min_interval_for(requests_per_refresh(people, self.fallback_active()))
    }

    async fn tagged_batch<'a>(
        &'a self,
        from: usize,
        chunk: &'a [UserId],
        calls: &'a Calls,
        spare: &'a Spare,
    ) -> (&'a [UserId], Option<Result<Part, GraphError>>) {
        // Once a batch found the call not offered, the batches not yet sent are not sent.
        if self.fallback_active() {
            return (chunk, None);
        }
        (chunk, Some(self.batch(from, chunk, calls, spare).await))
    }

    async fn paced_read<'a>(
        &'a self,
        id: &'a UserId,
        calls: &'a Calls,
    ) -> (&'a UserId, Result<Presence, GraphError>) {
        self.inner.pacer.slot().await;
        (id, self.comms_presence(id, calls).await)
    }

    async fn batch(
        &self,
        from: usize,
        chunk: &[UserId],
        calls: &Calls,
        spare: &Spare,
    ) -> Result<Part, GraphError> {
        let body = Bytes::from(ids_body(chunk, spare.bodies.take()));
        let url = self.inner.base.join("/communications/getPresencesByUserId");
        let response = self
            .send(Method::POST, &url, Some(body.clone()), calls)
            .await;
        // Sent, or given up on: nothing else holds the body now, and the next batch writes into it.
        spare.bodies.recycle(body);
        let response = response?;
        let list = self
            .inner
            .known
            .parse(response.body(), chunk, spare.answers.take())
            .map_err(|e| malformed(response.body(), &e.to_string()));
        // Read (the presences share nothing with its bytes): the next batch is read into it.
        self.inner.transport.recycle(response.into_body());
        let list = list?;
        if !list.bad.is_empty() {
            warn!(
                bad = list.bad.len(),
                "presence elements could not be read; those people keep their last state"
            );
        }
        Ok(Part::Read {
            presences: list.presences,
            bad: list.bad,
            asked_from: Some(from),
        })
    }

    async fn per_person(
        &self,
        ids: &[UserId],
        calls: &Calls,
        merge: &mut Merge<'_>,
        spare: &Spare,
    ) -> Result<(), GraphError> {
        let mut stream = futures::stream::iter(0..ids.len())
            .map(|i| self.paced_read(&ids[i], calls))
            .buffer_unordered(FALLBACK_CONCURRENCY);
        while let Some((id, outcome)) = stream.next().await {
            let part = match outcome {
                Ok(p) => Part::Read {
                    presences: vec![known::Answer {
                        presence: Arc::new(p),
                        asked_at: None,
                    }],
                    bad: Vec::new(),
                    asked_from: None,
                },
                Err(GraphError::Http { status: 404, .. }) => Part::Missing,
                Err(GraphError::Malformed(reason)) => Part::Read {
                    presences: Vec::new(),
                    bad: vec![BadElement {
                        index: 0,
                        id: Some(id.clone()),
                        reason,
                    }],
                    asked_from: None,
                },
                Err(e) if is_fatal(&e) => return Err(e),
                Err(e) => Part::Failed(vec![id.clone()], e),
            };
            merge.add(part, spare);
        }
        Ok(())
    }
}

/// Lets the transport drop the bodies it kept for a read when the read ends, however it ends.
struct Release<'a>(&'a dyn Transport);

impl Drop for Release<'_> {
    fn drop(&mut self) {
        self.0.release();
    }
}

/// `{"ids":[...]}` for `chunk`, as `serde_json` writes it, into `body` (emptied, then sized for it).
/// An id with nothing to escape (an object id, a UPN) is copied as it is: escaping byte by byte was a
/// tenth of an idle poll's writing and reading of requests.
fn ids_body(chunk: &[UserId], mut body: Vec<u8>) -> Vec<u8> {
    let size = chunk.iter().map(|id| id.as_str().len() + 3).sum::<usize>() + 10;
    body.clear();
    body.reserve(size);
    body.extend_from_slice(br#"{"ids":["#);
    for (k, id) in chunk.iter().enumerate() {
        if k > 0 {
            body.push(b',');
        }
        let id = id.as_str();
        if id.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
            body.push(b'"');
            body.extend_from_slice(id.as_bytes());
            body.push(b'"');
        } else {
            // A string always serializes.
            let _ = serde_json::to_writer(&mut body, id);
        }
    }
    body.extend_from_slice(b"]}");
    body
}

/// Buffers one read hands from batch to batch, dropped when it ends. Each batch's request body
/// (28 KB at 650 ids) and list of answers, allocated afresh, had their pages faulted in and handed
/// back sixteen times a poll at 10,000 people; kept, a read allocates one per batch in flight, and
/// keeps no more than that.
struct Spare {
    bodies: Spares<Vec<u8>>,
    answers: Spares<Vec<known::Answer>>,
}

impl Default for Spare {
    fn default() -> Self {
        Self {
            bodies: Spares::new(BATCH_CONCURRENCY),
            answers: Spares::new(BATCH_CONCURRENCY),
        }
    }
}

/// The batch call is "not offered" (China cloud, some sovereign tenants): 404, 501, or a 400 whose
/// code names an unsupported request. We never send more than 650 ids, so a 400 is not that case.
fn batch_not_offered(e: &GraphError) -> bool {
    match e {
        GraphError::Http {
            status: 404 | 501, ..
        } => true,
        GraphError::Http {
            status: 400,
            code: Some(code),
            ..
        } => {
            const NOT_OFFERED: &[&str] = &[
                "BadRequest",
                "NotSupported",
                "Request_UnsupportedQuery",
                "UnsupportedRequest",
                "UnknownError",
                "NotImplemented",
                "featureNotSupported",
            ];
            NOT_OFFERED.iter().any(|c| c.eq_ignore_ascii_case(code))
        }
        _ => false,
    }
}

/// Errors that concern every request, not one batch: stop the read.
fn is_fatal(e: &GraphError) -> bool {
    matches!(
        e,
        GraphError::Auth(_)
            | GraphError::Throttled { .. }
            | GraphError::Refused(_)
            | GraphError::BadBaseUrl(_)
            | GraphError::Http {
                status: 401 | 403,
                ..
            }
    )
}

/// Answers merged by id (never by position alone) as each batch's arrive: answers for ids not asked
/// are dropped; of two answers for one id the newer sequence number wins; asked ids without an
/// answer become `missing`. Answers go straight into one slot per id asked: at 10,000 people a map
/// of presences cost 5 MB of peak memory on every poll, and sorting them into that order 2 % of an
/// idle poll's time.
struct Merge<'a> {
    asked: &'a [UserId],
    place: asked::Asked<'a>,
    /// One slot per id asked, filled in place: the answers come in any order.
    slots: Vec<Option<Arc<Presence>>>,
    /// Asked ids answered with a broken element or whose request failed: not "missing".
    accounted: Vec<bool>,
    bad: Vec<BadElement>,
    failed: Vec<UserId>,
    first_error: Option<GraphError>,
    any_success: bool,
}

impl<'a> Merge<'a> {
    fn new(asked: &'a [UserId]) -> Self {
        Self {
            asked,
            place: asked::Asked::new(asked),
            slots: vec![None; asked.len()],
            accounted: vec![false; asked.len()],
            bad: Vec::new(),
            failed: Vec::new(),
            first_error: None,
            any_success: false,
        }
    }

    /// Takes one batch's (or one person's) outcome; its emptied list of answers goes to `spare`.
    fn add(&mut self, part: Part, spare: &Spare) {
        match part {
            Part::Read {
                mut presences,
                bad,
                asked_from,
            } => {
                self.any_success = true;
                let mut unasked = 0;
                for (j, answer) in presences.drain(..).enumerate() {
                    // A place the read vouches for is taken without reading the presence; else the
                    // id is looked for where the answer's order puts it, then everywhere.
                    let i = match (asked_from, answer.asked_at) {
                        (Some(from), Some(at)) => Some(from + at),
                        _ => self
                            .place
                            .place(&answer.presence.id, asked_from.map(|from| from + j)),
                    };
                    match i.and_then(|i| self.slots.get_mut(i)) {
                        Some(slot) => keep_newer(slot, answer.presence),
                        None => unasked += 1,
                    }
                }
                spare.answers.keep(presences);
                if unasked > 0 {
                    debug!(unasked, "dropped presences for ids that were not asked for");
                }
                for b in bad {
                    if let Some(i) = b.id.as_ref().and_then(|id| self.place.place(id, None)) {
                        self.accounted[i] = true;
                    }
                    self.bad.push(b);
                }
            }
            Part::Missing => self.any_success = true,
            Part::Failed(ids, e) => {
                warn!(people = ids.len(), error = %e.user_line(), "presence request failed; those people keep their last state");
                for id in &ids {
                    if let Some(i) = self.place.place(id, None) {
                        self.accounted[i] = true;
                    }
                }
                self.failed.extend(ids);
                self.first_error.get_or_insert(e);
            }
        }
    }

    /// The read's presences, in the order asked, and what was not answered; the first error when
    /// every request failed.
    fn finish(self, read: &mut PresenceRead) -> Result<(), GraphError> {
        if !self.any_success
            && let Some(e) = self.first_error
        {
            return Err(e);
        }
        read.partial_error = self.first_error;
        read.bad.extend(self.bad);
        read.failed.extend(self.failed);
        for ((id, slot), accounted) in self.asked.iter().zip(&self.slots).zip(&self.accounted) {
            if slot.is_none() && !accounted {
                read.missing.push(id.clone());
            }
        }
        read.presences = self.slots.into_iter().flatten().collect();
        Ok(())
    }
}

/// Of two answers for one id, the later one is kept unless it is older.
fn keep_newer(slot: &mut Option<Arc<Presence>>, answer: Arc<Presence>) {
    match slot {
        Some(kept) if !answer.supersedes(kept) => {}
        _ => *slot = Some(answer),
    }
}

mod asked;
pub mod known;

#[cfg(test)]
mod tests;
