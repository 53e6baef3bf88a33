//! Graph's presence rate limit: 1,500 requests per 30 s per app per tenant, a sliding window.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::faults::lock;

/// At most `requests` presence requests in any `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub window: Duration,
}

impl RateLimit {
    /// The documented limit: 1,500 requests in 30 seconds.
    pub const GRAPH_PRESENCE: Self = Self {
        requests: 1_500,
        window: Duration::from_secs(30),
    };
}

pub(crate) struct Limiter {
    limit: RateLimit,
    admitted: Mutex<VecDeque<Instant>>,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            admitted: Mutex::new(VecDeque::new()),
        }
    }

    /// Admits one request, or says how long until one would be admitted. Refused requests do not
    /// count, so a client that waits as told gets in.
    pub(crate) fn admit(&self) -> Result<(), Duration> {
        let now = Instant::now();
        let mut admitted = lock(&self.admitted);
        while admitted
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.limit.window)
        {
            admitted.pop_front();
        }
        if admitted.len() >= self.limit.requests as usize {
            let oldest = admitted.front().copied().unwrap_or(now);
            return Err(self.limit.window.saturating_sub(now.duration_since(oldest)));
        }
        admitted.push_back(now);
        Ok(())
    }
}
