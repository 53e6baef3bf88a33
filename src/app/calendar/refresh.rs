//! When to read schedules: everyone every refresh period (ceil(N/20) requests), and people whose
//! presence moved into or out of a meeting sooner, 20 to a request, at most one such request a
//! minute and 60 an hour. One read in flight at a time. A throttled read holds every calendar read
//! until Graph's time (or a backoff) has passed; presence polls have their own schedule and never
//! wait for this one.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::graph::model::{IdHasher, UserId};
use crate::graph::schedule::MAX_SCHEDULES;

/// Between two early reads for people whose meetings changed.
pub const EARLY_SPACING: Duration = Duration::from_secs(60);
/// Early reads allowed in any hour.
pub const EARLY_PER_HOUR: usize = 60;
const HOUR: Duration = Duration::from_secs(3600);
/// A failed read is tried again after this, doubling, never later than the refresh period.
const FIRST_RETRY: Duration = Duration::from_secs(60);

/// What to read now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Read {
    /// Everyone.
    All,
    /// These people (at most 20: one request).
    Early(Vec<UserId>),
}

#[derive(Debug)]
pub struct Refresh {
    period: Duration,
    /// The next read of everyone; `None` until the first roster is known.
    next_all: Option<Instant>,
    in_flight: bool,
    /// People to read early, in the order their presence changed, each once.
    queued: Vec<UserId>,
    queued_set: std::collections::HashSet<UserId, IdHasher>,
    /// When each early read of the last hour was sent.
    early_sent: VecDeque<Instant>,
    /// No read before this (throttled or failing).
    held_until: Option<Instant>,
    failures: u32,
}

impl Refresh {
    pub fn new(period: Duration) -> Self {
        Self {
            period,
            next_all: None,
            in_flight: false,
            queued: Vec::new(),
            queued_set: std::collections::HashSet::default(),
            early_sent: VecDeque::new(),
            held_until: None,
            failures: 0,
        }
    }

    /// People are known: the first read of everyone is due at `now` unless one is planned.
    pub fn start(&mut self, now: Instant) {
        self.next_all.get_or_insert(now);
    }

    /// Someone's presence moved into or out of a meeting: read them early.
    pub fn changed(&mut self, id: &UserId) {
        if self.queued_set.insert(id.clone()) {
            self.queued.push(id.clone());
        }
    }

    /// What to read at `now`, if anything; marks it in flight.
    pub fn due(&mut self, now: Instant) -> Option<Read> {
        if self.in_flight || self.held_until.is_some_and(|t| t > now) {
            return None;
        }
        if self.next_all.is_some_and(|t| t <= now) {
            self.in_flight = true;
            self.next_all = None;
            // Everyone is read: the early queue is answered too.
            self.queued.clear();
            self.queued_set.clear();
            return Some(Read::All);
        }
        if self.queued.is_empty() || self.next_early().is_some_and(|t| t > now) {
            return None;
        }
        let take = self.queued.len().min(MAX_SCHEDULES);
        let ids: Vec<UserId> = self.queued.drain(..take).collect();
        for id in &ids {
            self.queued_set.remove(id);
        }
        self.early_sent.push_back(now);
        self.in_flight = true;
        Some(Read::Early(ids))
    }

    /// When an early read may next be sent: a minute after the last, and within the hour's budget.
    fn next_early(&self) -> Option<Instant> {
        let spaced = self.early_sent.back().map(|t| *t + EARLY_SPACING);
        let budget = (self.early_sent.len() >= EARLY_PER_HOUR)
            .then(|| {
                self.early_sent
                    .iter()
                    .rev()
                    .nth(EARLY_PER_HOUR - 1)
                    .map(|t| *t + HOUR)
            })
            .flatten();
        spaced.into_iter().chain(budget).max()
    }

    /// The next time `due` may have something to say (`now` when it has already).
    pub fn next_deadline(&self, now: Instant) -> Option<Instant> {
        if self.in_flight {
            return None;
        }
        let early = (!self.queued.is_empty()).then(|| self.next_early().unwrap_or(now));
        let at = [self.next_all, early].into_iter().flatten().min()?;
        Some(self.held_until.map_or(at, |held| at.max(held)))
    }

    /// The read finished; `all` says whether it was everyone's.
    pub fn succeeded(&mut self, now: Instant, all: bool) {
        self.in_flight = false;
        self.failures = 0;
        self.held_until = None;
        if all || self.next_all.is_none() {
            self.next_all = Some(now + self.period);
        }
        self.forget_old(now);
    }

    /// The read failed (network, server): the last schedules stay, marked stale; try again later.
    pub fn failed(&mut self, now: Instant, all: bool) {
        self.in_flight = false;
        self.failures = self.failures.saturating_add(1);
        let wait = self.backoff();
        self.held_until = Some(now + wait);
        if all || self.next_all.is_none() {
            self.next_all = Some(now + wait);
        }
        self.forget_old(now);
    }

    /// Throttled: nothing before Graph's time, or a backoff when it gave none.
    pub fn throttled(&mut self, now: Instant, retry_after: Option<Duration>, all: bool) {
        self.in_flight = false;
        self.failures = self.failures.saturating_add(1);
        let wait = retry_after.map_or_else(|| self.backoff(), |d| d.max(Duration::from_secs(1)));
        self.held_until = Some(now + wait);
        if all || self.next_all.is_none() {
            self.next_all = Some(now + wait);
        }
    }

    /// Held back by a throttle or failures until then.
    #[cfg(test)]
    pub fn held_until(&self, now: Instant) -> Option<Instant> {
        self.held_until.filter(|t| *t > now)
    }

    fn backoff(&self) -> Duration {
        let exponent = self.failures.saturating_sub(1).min(10);
        FIRST_RETRY
            .saturating_mul(1 << exponent)
            .min(self.period.max(FIRST_RETRY))
    }

    fn forget_old(&mut self, now: Instant) {
        while self
            .early_sent
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= HOUR)
        {
            self.early_sent.pop_front();
        }
    }
}

#[cfg(test)]
mod tests;
