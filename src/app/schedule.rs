//! When the next poll is due: interval with seeded jitter, backoff after failures, Retry-After, one in flight.

use std::time::Duration;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;

/// The shortest refresh interval allowed: below 5 s a team burns the tenant's shared rate budget.
pub const MIN_INTERVAL: Duration = Duration::from_secs(5);
/// Backoff never waits longer than this between failed polls.
pub const MAX_BACKOFF: Duration = Duration::from_secs(600);
/// A Retry-After is honoured up to this long; anything longer is treated as this.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);
/// Jitter spreads polls of many boards in one tenant (they share one rate budget): ±10 %.
const JITTER: f64 = 0.10;

#[derive(Debug)]
pub struct Schedule {
    interval: Duration,
    rng: SmallRng,
    next_poll: Option<Instant>,
    in_flight: bool,
    failures: u32,
    /// Throttled: no poll before this, not even on `r`.
    held_until: Option<Instant>,
    /// When Graph said the throttle ends (a usable Retry-After): "throttled until hh:mm".
    throttled_until: Option<Instant>,
    /// The rate budget's floor under the configured interval (see `stretch_to`).
    floor: Duration,
    /// The longer interval in force while the terminal is not focused (see `unfocused`).
    unfocused: Option<Duration>,
    /// When the last poll succeeded.
    last_success: Option<Instant>,
}

impl Schedule {
    /// The first poll is due at once; `seed` makes the jitter reproducible in tests.
    pub fn new(interval: Duration, seed: u64, now: Instant) -> Self {
        Self {
            interval: interval.max(MIN_INTERVAL),
            rng: SmallRng::seed_from_u64(seed),
            next_poll: Some(now),
            in_flight: false,
            failures: 0,
            held_until: None,
            throttled_until: None,
            floor: Duration::ZERO,
            unfocused: None,
            last_success: None,
        }
    }

    /// A new configured interval (a reloaded config), from the next poll on.
    pub fn set_interval(&mut self, interval: Duration) {
        self.interval = interval.max(MIN_INTERVAL);
    }

    /// The terminal lost focus: polls are spaced by `interval` (never less than the configured one)
    /// until `focused`; the poll already planned moves out to match.
    pub fn unfocused(&mut self, interval: Duration) {
        let interval = interval.max(self.interval);
        self.unfocused = Some(interval);
        if let (Some(next), Some(last)) = (self.next_poll, self.last_success)
            && self.is_healthy()
        {
            let later = last + self.jittered(interval.max(self.floor));
            self.next_poll = Some(next.max(later));
        }
    }

    /// The terminal has focus again: the configured interval, and a poll at once unless the last one
    /// is younger than `fresh` (or one is in flight, or Graph asked us to wait).
    pub fn focused(&mut self, now: Instant, fresh: Duration) {
        if self.unfocused.take().is_none() {
            return;
        }
        let recent = self
            .last_success
            .filter(|last| now.saturating_duration_since(*last) < fresh);
        match (recent, self.next_poll) {
            (Some(last), Some(next)) if self.is_healthy() => {
                let due = last + self.jittered(self.interval.max(self.floor));
                self.next_poll = Some(next.min(due));
            }
            (Some(_), _) => {}
            (None, _) => {
                self.request_now(now);
            }
        }
    }

    /// No failure or throttling is deciding when the next poll is.
    fn is_healthy(&self) -> bool {
        !self.in_flight && self.failures == 0 && self.throttled_until.is_none()
    }

    /// The interval between successful polls now in force.
    fn current_interval(&self) -> Duration {
        self.unfocused.unwrap_or(self.interval).max(self.floor)
    }

    /// Never poll more often than `floor`: when Graph's batch call is not offered, a refresh costs one
    /// request per person and the interval stretches to stay inside the tenant's shared rate budget.
    pub fn stretch_to(&mut self, floor: Duration) {
        self.floor = floor;
    }

    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// When the next poll starts; `None` while one is in flight or polling is stopped.
    pub fn next_poll(&self) -> Option<Instant> {
        if self.in_flight { None } else { self.next_poll }
    }

    pub fn in_flight(&self) -> bool {
        self.in_flight
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// When Graph said its throttle ends, while that is still ahead.
    pub fn throttled_until(&self, now: Instant) -> Option<Instant> {
        self.throttled_until.filter(|t| *t > now)
    }

    /// Throttled (with or without a time from Graph), and the next poll is still to come.
    pub fn is_throttled(&self, now: Instant) -> bool {
        self.held_until.is_some_and(|t| t > now)
    }

    pub fn is_due(&self, now: Instant) -> bool {
        self.next_poll().is_some_and(|t| t <= now)
    }

    /// A poll starts now.
    pub fn begin(&mut self) {
        self.in_flight = true;
        self.next_poll = None;
    }

    pub fn succeeded(&mut self, now: Instant) {
        self.in_flight = false;
        self.failures = 0;
        self.held_until = None;
        self.throttled_until = None;
        self.last_success = Some(now);
        let next = self.jittered(self.current_interval());
        self.next_poll = Some(now + next);
    }

    /// Network, server or malformed answer: exponential backoff from the interval, jittered.
    pub fn failed(&mut self, now: Instant) {
        self.in_flight = false;
        self.failures = self.failures.saturating_add(1);
        let wait = self.backoff();
        self.next_poll = Some(now + wait);
    }

    /// Throttled: wait as told, but never less than the interval (plus a little jitter, never less).
    /// Without a usable Retry-After, back off exponentially from the interval. Only Graph's own time
    /// is shown as "throttled until".
    pub fn throttled(&mut self, now: Instant, retry_after: Option<Duration>) {
        self.in_flight = false;
        self.failures = self.failures.saturating_add(1);
        let floor = self.interval.max(self.floor);
        let told = retry_after.map(|told| told.clamp(Duration::from_secs(1), MAX_RETRY_AFTER));
        self.throttled_until = told.map(|told| now + told);
        let base = told.unwrap_or_else(|| self.backoff_ceiling()).max(floor);
        let extra = self.rng.random_range(0.0..=JITTER) * base.as_secs_f64().min(10.0);
        let wait = base + Duration::from_secs_f64(extra);
        self.held_until = Some(now + wait);
        self.next_poll = Some(now + wait);
    }

    /// Signed out: no more polls until the user asks (`r`).
    pub fn stopped(&mut self) {
        self.in_flight = false;
        self.next_poll = None;
    }

    /// `r`: poll now, unless one is in flight or we are throttled. Returns whether a poll was scheduled.
    pub fn request_now(&mut self, now: Instant) -> bool {
        if self.in_flight || self.is_throttled(now) {
            return false;
        }
        self.next_poll = Some(now);
        true
    }

    fn backoff(&mut self) -> Duration {
        let wait = self.backoff_ceiling();
        self.jittered(wait)
    }

    /// The interval doubled for each failure in a row after the first, up to `MAX_BACKOFF`.
    fn backoff_ceiling(&self) -> Duration {
        let exponent = self.failures.saturating_sub(1).min(16);
        self.interval
            .saturating_mul(1 << exponent)
            .min(MAX_BACKOFF.max(self.interval))
    }

    fn jittered(&mut self, base: Duration) -> Duration {
        let factor = self.rng.random_range((1.0 - JITTER)..=(1.0 + JITTER));
        base.mul_f64(factor).max(MIN_INTERVAL.min(base))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    fn within(actual: Instant, start: Instant, base: Duration) {
        let d = actual - start;
        assert!(
            d >= base.mul_f64(0.9) && d <= base.mul_f64(1.1),
            "{d:?} not within 10% of {base:?}"
        );
    }

    #[test]
    fn first_poll_is_due_at_once_and_the_next_after_a_jittered_interval() {
        let t0 = Instant::now();
        let mut s = Schedule::new(secs(30), 7, t0);
        assert!(s.is_due(t0));
        s.begin();
        assert_eq!(s.next_poll(), None);
        assert!(!s.is_due(t0 + secs(3600)));
        s.succeeded(t0);
        within(s.next_poll().unwrap(), t0, secs(30));
    }

    #[test]
    fn jitter_stays_in_bounds_and_varies() {
        let t0 = Instant::now();
        let mut s = Schedule::new(secs(30), 1, t0);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..200 {
            s.begin();
            s.succeeded(t0);
            let next = s.next_poll().unwrap();
            within(next, t0, secs(30));
            seen.insert(next - t0);
        }
        assert!(seen.len() > 50, "jitter should vary");
    }

    #[test]
    fn same_seed_same_schedule() {
        let t0 = Instant::now();
        let mut a = Schedule::new(secs(30), 42, t0);
        let mut b = Schedule::new(secs(30), 42, t0);
        a.succeeded(t0);
        b.succeeded(t0);
        assert_eq!(a.next_poll(), b.next_poll());
    }

    #[test]
    fn the_rate_budget_stretches_the_interval_and_never_shrinks_it() {
        let t0 = Instant::now();
        let mut s = Schedule::new(secs(30), 3, t0);
        s.stretch_to(secs(400)); // 10,000 people read one by one
        s.succeeded(t0);
        within(s.next_poll().unwrap(), t0, secs(400));
        s.stretch_to(Duration::from_millis(40)); // batches again: the configured interval rules
        s.succeeded(t0);
        within(s.next_poll().unwrap(), t0, secs(30));
    }

    #[test]
    fn interval_has_a_floor_of_five_seconds() {
        let t0 = Instant::now();
        let mut s = Schedule::new(secs(1), 3, t0);
        assert_eq!(s.interval(), secs(5));
        s.succeeded(t0);
        within(s.next_poll().unwrap(), t0, secs(5));
    }

    #[test]
    fn failures_back_off_exponentially_up_to_a_cap_and_reset_on_success() {
        let t0 = Instant::now();
        let mut s = Schedule::new(secs(30), 9, t0);
        for (n, base) in [
            (1, 30),
            (2, 60),
            (3, 120),
            (4, 240),
            (5, 480),
            (6, 600),
            (7, 600),
        ] {
            s.begin();
            s.failed(t0);
            assert_eq!(s.failures(), n);
            within(s.next_poll().unwrap(), t0, secs(base));
        }
        s.begin();
        s.succeeded(t0);
        assert_eq!(s.failures(), 0);
        within(s.next_poll().unwrap(), t0, secs(30));
    }

    #[test]
    fn retry_after_is_honoured_and_pauses_refresh_requests() {
        let t0 = Instant::now();
        let mut s = Schedule::new(secs(30), 5, t0);
        s.begin();
        s.throttled(t0, Some(secs(120)));
        let next = s.next_poll().unwrap();
        assert!(
            next - t0 >= secs(120) && next - t0 <= secs(121),
            "{:?}",
            next - t0
        );
        assert_eq!(
            s.throttled_until(t0),
            Some(t0 + secs(120)),
            "Graph's time shown"
        );
        assert!(!s.request_now(t0 + secs(60)), "r must not break a throttle");
        assert!(s.request_now(next), "after the throttle r works again");
        assert_eq!(s.next_poll(), Some(next));
    }

    #[test]
    fn absurd_or_missing_retry_after_is_bounded() {
        let t0 = Instant::now();
        let mut s = Schedule::new(secs(30), 5, t0);
        s.throttled(t0, Some(secs(10_000_000)));
        assert!(s.next_poll().unwrap() - t0 <= MAX_RETRY_AFTER + secs(1));
        s.throttled(t0, Some(Duration::ZERO));
        assert!(s.next_poll().unwrap() - t0 >= secs(1));
        let mut s = Schedule::new(secs(30), 5, t0);
        s.throttled(t0, None);
        within(s.next_poll().unwrap(), t0, secs(30));
    }

    #[test]
    fn throttled_without_a_time_backs_off_from_the_interval_and_never_sooner() {
        let t0 = Instant::now();
        let mut s = Schedule::new(secs(30), 5, t0);
        let mut at = t0;
        for base in [30, 60, 120, 240, 480, 600, 600] {
            s.begin();
            s.throttled(at, None);
            let wait = s.next_poll().unwrap() - at;
            assert!(
                wait >= secs(base) && wait <= secs(base).mul_f64(1.1),
                "{wait:?} for {base} s"
            );
            assert_eq!(s.throttled_until(at), None, "no time without Graph's word");
            assert!(!s.request_now(at + secs(1)), "r waits for the backoff too");
            at = s.next_poll().unwrap();
        }
        s.begin();
        s.succeeded(at);
        assert!(s.request_now(at + secs(1)));
    }

    #[test]
    fn a_throttled_board_never_polls_sooner_than_its_interval() {
        let t0 = Instant::now();
        let mut s = Schedule::new(secs(30), 5, t0);
        s.begin();
        s.throttled(t0, Some(secs(12)));
        assert!(s.next_poll().unwrap() - t0 >= secs(30));
        assert_eq!(
            s.throttled_until(t0),
            Some(t0 + secs(12)),
            "Graph's time shown"
        );
    }

    #[test]
    fn refresh_now_waits_for_the_poll_in_flight() {
        let t0 = Instant::now();
        let mut s = Schedule::new(secs(30), 5, t0);
        s.begin();
        assert!(!s.request_now(t0));
        s.succeeded(t0 + secs(1));
        assert!(s.request_now(t0 + secs(2)));
        assert!(s.is_due(t0 + secs(2)));
    }

    #[test]
    fn losing_focus_stretches_the_interval_and_focus_polls_at_once() {
        let t0 = Instant::now();
        let mut s = Schedule::new(secs(30), 5, t0);
        s.begin();
        s.succeeded(t0);
        s.unfocused(secs(120));
        within(s.next_poll().unwrap(), t0, secs(120));
        s.begin();
        s.succeeded(t0 + secs(120));
        within(s.next_poll().unwrap(), t0 + secs(120), secs(120));
        // Back: at once, since the last poll is older than a few seconds.
        s.focused(t0 + secs(150), secs(5));
        assert!(s.is_due(t0 + secs(150)));
        s.begin();
        s.succeeded(t0 + secs(150));
        within(s.next_poll().unwrap(), t0 + secs(150), secs(30));
    }

    #[test]
    fn focus_after_a_fresh_poll_or_during_one_waits_for_the_usual_interval() {
        let t0 = Instant::now();
        let mut s = Schedule::new(secs(30), 5, t0);
        s.begin();
        s.succeeded(t0);
        s.unfocused(secs(120));
        s.focused(t0 + secs(2), secs(5));
        assert!(!s.is_due(t0 + secs(2)), "the last poll is 2 s old");
        within(s.next_poll().unwrap(), t0, secs(30));
        s.unfocused(secs(120));
        s.begin();
        s.focused(t0 + secs(60), secs(5));
        assert_eq!(s.next_poll(), None, "one poll in flight at a time");
        s.succeeded(t0 + secs(61));
        within(s.next_poll().unwrap(), t0 + secs(61), secs(30));
        // Never shorter than the configured interval, and no second focus gain polls again.
        s.unfocused(secs(10));
        within(s.next_poll().unwrap(), t0 + secs(61), secs(30));
        s.focused(t0 + secs(62), secs(5));
        s.focused(t0 + secs(63), secs(5));
        assert!(!s.is_due(t0 + secs(63)));
    }

    #[test]
    fn signed_out_stops_polling_until_asked() {
        let t0 = Instant::now();
        let mut s = Schedule::new(secs(30), 5, t0);
        s.begin();
        s.stopped();
        assert_eq!(s.next_poll(), None);
        assert!(s.request_now(t0));
        assert!(s.is_due(t0));
    }
}
