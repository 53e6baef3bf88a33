//! Faults on demand: set at start (`FaultConfig`) and changed at run time (`Faults`), drawn from a
//! seeded RNG so a test sees the same sequence every run.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use tokio::time::Instant;

use super::EndpointKind;

/// How a 429 (or a 5xx) says when to come back.
#[derive(Clone, Debug, PartialEq)]
pub enum RetryAfter {
    /// No header at all: the client backs off on its own.
    Missing,
    /// Whole seconds, "120".
    Seconds(u64),
    /// Fractional seconds, "1.5".
    Fractional(f64),
    /// An HTTP date this far from now.
    HttpDateIn(Duration),
    /// Sent as written: "-1", "soon", or an HTTP date text.
    Raw(String),
}

impl RetryAfter {
    /// The `teamboard sim --retry-after` syntax: seconds (fractional too), "none", or any text.
    pub fn parse(text: &str) -> Self {
        let text = text.trim();
        if text.eq_ignore_ascii_case("none") {
            Self::Missing
        } else if let Ok(secs) = text.parse::<u64>() {
            Self::Seconds(secs)
        } else if let Ok(secs) = text.parse::<f64>().map_err(drop).and_then(|v| {
            if v.is_finite() && v >= 0.0 {
                Ok(v)
            } else {
                Err(())
            }
        }) {
            Self::Fractional(secs)
        } else {
            Self::Raw(text.to_owned())
        }
    }

    /// The header value, if one is sent.
    pub(crate) fn header_value(&self) -> Option<String> {
        match self {
            Self::Missing => None,
            Self::Seconds(s) => Some(s.to_string()),
            Self::Fractional(s) => Some(s.to_string()),
            Self::HttpDateIn(d) => Some(httpdate::fmt_http_date(SystemTime::now() + *d)),
            Self::Raw(s) => Some(s.clone()),
        }
    }
}

/// Which 5xx a failing request gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerError {
    /// 503 `serviceNotAvailable`.
    ServiceUnavailable,
    /// 504 `GatewayTimeout`.
    GatewayTimeout,
    /// Either, at random.
    Mixed,
}

/// What happens to a whole answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyFault {
    /// Status and headers, then a body that never comes.
    Stall,
    /// Nothing at all: the request never completes.
    NeverAnswer,
    /// 200 with JSON that does not parse.
    Malformed,
    /// 200 with the real body cut in half.
    Truncated,
    /// 502 with a proxy's HTML error page (`text/html`).
    HtmlPage,
    /// 200 with an empty body.
    Empty,
    /// Part of the body, then the connection breaks.
    Reset,
}

/// One element of a getPresencesByUserId answer is broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MalformedElement {
    /// `availability` is a number, `outOfOfficeSettings` a string.
    WrongType,
    /// Invalid UTF-8 bytes inside one element's strings.
    BadUtf8,
}

/// How a cloud without getPresencesByUserId answers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotOffered {
    NotFound,
    BadRequest,
}

/// The faults a tenant starts with. Status and body faults hit every Graph call, or only `only`
/// (the sign-in endpoints only when `only` names one of them).
#[derive(Clone, Debug, PartialEq)]
pub struct FaultConfig {
    /// Fraction (0.0-1.0) of requests answered with a 5xx.
    pub fail_rate: f64,
    pub server_error: ServerError,
    pub server_error_retry_after: RetryAfter,
    /// Every Kth request is answered 429 (0 = never).
    pub throttle_every: u32,
    pub retry_after: RetryAfter,
    pub latency: Duration,
    pub body: Option<BodyFault>,
    pub batch_not_offered: Option<NotOffered>,
    /// Answer with a 302 to another host.
    pub redirect: bool,
    /// Group member pages link to another host.
    pub foreign_next_link: bool,
    pub malformed_element: Option<MalformedElement>,
    pub only: Option<EndpointKind>,
}

impl Default for FaultConfig {
    fn default() -> Self {
        Self {
            fail_rate: 0.0,
            server_error: ServerError::ServiceUnavailable,
            server_error_retry_after: RetryAfter::Missing,
            throttle_every: 0,
            retry_after: RetryAfter::Seconds(2),
            latency: Duration::ZERO,
            body: None,
            batch_not_offered: None,
            redirect: false,
            foreign_next_link: false,
            malformed_element: None,
            only: None,
        }
    }
}

/// A status a fault answers with instead of the real one.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum StatusFault {
    Throttled(Option<String>),
    ServerError(u16, Option<String>),
}

/// What the faults do to one request.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Plan {
    pub latency: Duration,
    pub redirect: bool,
    pub status: Option<StatusFault>,
    pub body: Option<BodyFault>,
    pub not_offered: Option<NotOffered>,
    pub foreign_next_link: bool,
    pub malformed_element: Option<MalformedElement>,
}

/// The faults in force, changeable while the tenant runs (from tests, through `Sim::faults`).
pub struct Faults {
    config: Mutex<FaultConfig>,
    state: Mutex<(SmallRng, u64)>,
    expired_before: Mutex<Option<Instant>>,
}

impl Faults {
    pub(crate) fn new(config: FaultConfig, seed: u64) -> Self {
        Self {
            config: Mutex::new(config),
            state: Mutex::new((SmallRng::seed_from_u64(seed ^ 0xFA17), 0)),
            expired_before: Mutex::new(None),
        }
    }

    pub fn config(&self) -> FaultConfig {
        lock(&self.config).clone()
    }

    pub fn set(&self, config: FaultConfig) {
        *lock(&self.config) = config;
    }

    pub fn update(&self, change: impl FnOnce(&mut FaultConfig)) {
        change(&mut lock(&self.config));
    }

    /// No faults; tokens valid again; the request counter for `throttle_every` restarts.
    pub fn clear(&self) {
        self.set(FaultConfig::default());
        lock(&self.state).1 = 0;
        *lock(&self.expired_before) = None;
    }

    /// Every access token issued so far (the static one too) is now expired; new ones work.
    pub fn expire_tokens_now(&self) {
        *lock(&self.expired_before) = Some(Instant::now());
    }

    pub(crate) fn expired_before(&self) -> Option<Instant> {
        *lock(&self.expired_before)
    }

    /// Decide what happens to one request. Inner requests of a `$batch` only get status faults.
    pub(crate) fn plan(&self, kind: EndpointKind, inner: bool) -> Plan {
        let config = lock(&self.config);
        let applies = match config.only {
            Some(only) => only == kind,
            None => kind.is_graph(),
        };
        if !applies {
            return Plan::default();
        }
        let mut plan = Plan {
            foreign_next_link: config.foreign_next_link,
            malformed_element: config.malformed_element,
            not_offered: config
                .batch_not_offered
                .filter(|_| kind == EndpointKind::PresenceBatch),
            ..Plan::default()
        };
        let mut state = lock(&self.state);
        state.1 += 1;
        let count = state.1;
        if config.throttle_every > 0 && count.is_multiple_of(u64::from(config.throttle_every)) {
            plan.status = Some(StatusFault::Throttled(config.retry_after.header_value()));
        } else if config.fail_rate > 0.0 && state.0.random_bool(config.fail_rate.clamp(0.0, 1.0)) {
            let status = match config.server_error {
                ServerError::ServiceUnavailable => 503,
                ServerError::GatewayTimeout => 504,
                ServerError::Mixed => {
                    if state.0.random_bool(0.5) {
                        503
                    } else {
                        504
                    }
                }
            };
            plan.status = Some(StatusFault::ServerError(
                status,
                config.server_error_retry_after.header_value(),
            ));
        }
        if !inner {
            plan.latency = config.latency;
            plan.redirect = config.redirect;
            plan.body = config.body;
        }
        plan
    }
}

/// A poisoned lock only means another request panicked; the data is still usable.
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_parses_the_cli_forms() {
        assert_eq!(RetryAfter::parse("120"), RetryAfter::Seconds(120));
        assert_eq!(RetryAfter::parse("1.5"), RetryAfter::Fractional(1.5));
        assert_eq!(RetryAfter::parse("none"), RetryAfter::Missing);
        assert_eq!(RetryAfter::parse("-1"), RetryAfter::Raw("-1".into()));
        assert_eq!(RetryAfter::parse("soon"), RetryAfter::Raw("soon".into()));
        assert_eq!(
            RetryAfter::Fractional(1.5).header_value().as_deref(),
            Some("1.5")
        );
        let date = RetryAfter::HttpDateIn(Duration::from_secs(60))
            .header_value()
            .unwrap();
        assert!(httpdate::parse_http_date(&date).is_ok());
    }

    #[test]
    fn throttle_every_k_hits_exactly_every_kth() {
        let faults = Faults::new(
            FaultConfig {
                throttle_every: 3,
                ..FaultConfig::default()
            },
            1,
        );
        let hits: Vec<bool> = (0..9)
            .map(|_| {
                faults
                    .plan(EndpointKind::PresenceBatch, false)
                    .status
                    .is_some()
            })
            .collect();
        assert_eq!(
            hits,
            [false, false, true, false, false, true, false, false, true]
        );
        assert_eq!(faults.plan(EndpointKind::Token, false), Plan::default());
    }
}
