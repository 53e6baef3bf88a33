//! When to try again: Retry-After parsing, exponential backoff with full jitter from a seeded RNG, and
//! the shared gate that pauses every call while Graph is throttling us.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use tokio::time::Instant;

/// The longest single wait honoured from a Retry-After. Minutes have been observed; more than this is
/// more likely a bad clock or a bad header, and the board shows the pause either way.
pub const MAX_WAIT: Duration = Duration::from_secs(5 * 60);

/// A throttle wait longer than this is not slept through inside a call: the call returns
/// `GraphError::Throttled` so the board can show "throttled until hh:mm" instead of a poll that hangs.
pub const MAX_INLINE_WAIT: Duration = Duration::from_secs(10);

/// Reads a `Retry-After` header: delta seconds (fractional too: "1.5", "2.128") or an HTTP date.
/// `None` for unusable values ("-1", garbage, NaN): the caller backs off instead. A date in the past
/// means "now". Capped at `MAX_WAIT`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let secs: f64 = value.parse().ok()?;
        if !secs.is_finite() || secs < 0.0 {
            return None;
        }
        let capped = secs.min(MAX_WAIT.as_secs_f64());
        return Some(Duration::from_secs_f64(capped));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(
        date.duration_since(now)
            .unwrap_or(Duration::ZERO)
            .min(MAX_WAIT),
    )
}

/// Exponential backoff with full jitter (AWS's "full jitter"): attempt n waits a uniform random time
/// in `[0, min(cap, base * 2^n)]`. Spreads retries of many clients so they do not storm together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_millis(500),
            cap: Duration::from_secs(30),
        }
    }
}

impl Backoff {
    /// The ceiling for retry `attempt` (0 for the first retry).
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(20)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }

    pub fn delay(&self, attempt: u32, rng: &mut impl Rng) -> Duration {
        let ceiling = self.ceiling(attempt).as_millis() as u64;
        Duration::from_millis(rng.random_range(0..=ceiling))
    }
}

/// The seeded random source behind jitter and client-request-ids, shared by concurrent calls.
pub struct Jitter(Mutex<SmallRng>);

impl Jitter {
    pub fn new(seed: u64) -> Self {
        Self(Mutex::new(SmallRng::seed_from_u64(seed)))
    }

    pub fn backoff(&self, backoff: &Backoff, attempt: u32) -> Duration {
        let mut rng = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        backoff.delay(attempt, &mut *rng)
    }

    /// A UUID-v4-shaped id for `client-request-id`, so a failure can be traced in Graph's logs.
    pub fn request_id(&self) -> String {
        let mut rng = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let hi: u64 = rng.random();
        let lo: u64 = rng.random();
        let hi = (hi & 0xffff_ffff_ffff_0fff) | 0x4000;
        let lo = (lo & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            hi >> 32,
            (hi >> 16) & 0xffff,
            hi & 0xffff,
            lo >> 48,
            lo & 0xffff_ffff_ffff
        )
    }
}

/// "Paused until": a Retry-After on any call pauses every call of this client until it has passed.
#[derive(Default)]
pub struct Gate(Mutex<Option<Instant>>);

impl Gate {
    /// Pauses until `until`, or later if already paused longer.
    pub fn pause_until(&self, until: Instant) {
        let mut held = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if held.is_none_or(|h| h < until) {
            *held = Some(until);
        }
    }

    /// The end of the pause, when one is still running at `now`.
    pub fn paused_at(&self, now: Instant) -> Option<Instant> {
        let held = *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        held.filter(|until| *until > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_values_as_graph_sends_them() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let in_90s = httpdate::fmt_http_date(now + Duration::from_secs(90));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(90));
        let table: &[(&str, Option<Duration>)] = &[
            ("1.5", Some(Duration::from_millis(1500))),
            ("2.128", Some(Duration::from_millis(2128))),
            ("120", Some(Duration::from_secs(120))),
            (" 7 ", Some(Duration::from_secs(7))),
            ("0", Some(Duration::ZERO)),
            (&in_90s, Some(Duration::from_secs(90))),
            (&past, Some(Duration::ZERO)),
            ("3600", Some(MAX_WAIT)),
            ("-1", None),
            ("garbage", None),
            ("1.2.3", None),
            ("", None),
            ("NaN", None),
            ("inf", None),
        ];
        for (value, want) in table {
            assert_eq!(parse_retry_after(value, now), *want, "{value:?}");
        }
    }

    #[test]
    fn backoff_stays_within_its_ceiling_and_is_reproducible() {
        let b = Backoff::default();
        assert_eq!(b.ceiling(0), Duration::from_millis(500));
        assert_eq!(b.ceiling(3), Duration::from_secs(4));
        assert_eq!(b.ceiling(40), Duration::from_secs(30));
        let a = Jitter::new(7);
        let c = Jitter::new(7);
        let mut seen_nonzero = false;
        for attempt in 0..8 {
            for _ in 0..50 {
                let d = a.backoff(&b, attempt);
                assert!(d <= b.ceiling(attempt));
                seen_nonzero |= d > Duration::ZERO;
                assert_eq!(d, c.backoff(&b, attempt));
            }
        }
        assert!(seen_nonzero);
    }

    #[test]
    fn request_ids_look_like_uuids() {
        let j = Jitter::new(1);
        let id = j.request_id();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert_ne!(id, j.request_id());
    }

    #[tokio::test(start_paused = true)]
    async fn the_gate_only_moves_later() {
        let gate = Gate::default();
        let now = Instant::now();
        assert_eq!(gate.paused_at(now), None);
        gate.pause_until(now + Duration::from_secs(10));
        gate.pause_until(now + Duration::from_secs(5));
        assert_eq!(gate.paused_at(now), Some(now + Duration::from_secs(10)));
        assert_eq!(gate.paused_at(now + Duration::from_secs(10)), None);
    }
}
