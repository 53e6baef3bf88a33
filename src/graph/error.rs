//! What can go wrong talking to Graph, as a typed error a user sees as one line that says what to do.

use std::time::Duration;

use serde::Deserialize;
use tokio::time::Instant;

use crate::auth::AuthError;
use crate::exit::Exit;
use crate::graph::transport::{MAX_BODY, TransportError};
use crate::text::SafeText;

/// A failed Graph call. Fields holding Graph's own words (`code`, `message`) are untrusted: `user_line`
/// passes them through `SafeText`. Branch on `status` and `code`, never on `message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// Graph answered with an error status (not 401-after-refresh, not a throttle).
    #[error("{}", self.user_line())]
    Http {
        status: u16,
        code: Option<String>,
        message: Option<String>,
        request_id: Option<String>,
    },
    /// Graph asked us to slow down. With a usable Retry-After every call is paused until `until` (the
    /// shared gate); without one (`None`) nobody knows for how long, and the caller backs off.
    #[error("{}", self.user_line())]
    Throttled {
        retry_after: Option<Duration>,
        until: Option<Instant>,
    },
    /// Nothing (or nothing whole) came back, after the retries connection errors get.
    #[error("{}", self.user_line())]
    Transport(TransportError),
    /// The answer was larger than the cap (`transport::MAX_BODY`). Not retried: it would come again.
    #[error("{}", self.user_line())]
    TooLarge,
    /// No whole answer within `[graph] timeout_secs` (a stalled body or a silent server). Not retried.
    #[error("{}", self.user_line())]
    Timeout,
    /// The answer was not what Graph sends: not JSON, an HTML page, empty, or the wrong shape.
    #[error("{}", self.user_line())]
    Malformed(String),
    /// The token was refused and could not be refreshed, or there is none.
    #[error("{}", self.user_line())]
    Auth(AuthError),
    /// A URL we will not send a token to (plain http off loopback, another origin).
    #[error("{}", self.user_line())]
    Refused(String),
    /// `[graph] base_url` is not usable; a configuration error.
    #[error("{}", self.user_line())]
    BadBaseUrl(String),
    /// Graph answered with a redirect; redirects are never followed (the token would go with them).
    #[error("{}", self.user_line())]
    Redirect { status: u16 },
}

impl GraphError {
    /// How long Graph asked to wait: its Retry-After, else what is left of the pause it imposed.
    pub fn wait_hint(&self) -> Option<std::time::Duration> {
        self.retry_after().or_else(|| {
            self.paused_until()
                .map(|until| until.saturating_duration_since(Instant::now()))
        })
    }

    /// One line: what happened and what to do. Anything Graph wrote goes through `SafeText::line`.
    pub fn user_line(&self) -> String {
        match self {
            GraphError::Http {
                status,
                code,
                message,
                request_id,
            } => {
                let mut line = format!("Microsoft Graph answered {status}");
                if let Some(code) = code {
                    line.push(' ');
                    line.push_str(SafeText::line(&short(code, 80)).as_str());
                }
                if let Some(message) = message {
                    line.push_str(": ");
                    line.push_str(SafeText::line(&short(message, 200)).as_str());
                }
                line.push_str("; ");
                line.push_str(http_advice(*status));
                if let Some(id) = request_id {
                    line.push_str(" (request-id ");
                    line.push_str(SafeText::line(&short(id, 64)).as_str());
                    line.push(')');
                }
                line
            }
            GraphError::Throttled { until: None, .. } => {
                "Microsoft Graph is throttling this app without saying for how long; polling backs off and resumes by itself".into()
            }
            GraphError::Throttled { retry_after, until: Some(until) } => {
                let left = until.saturating_duration_since(Instant::now()).max(retry_after.unwrap_or_default());
                format!(
                    "Microsoft Graph is throttling this app; polling is paused for {}, then resumes by itself",
                    human_duration(left)
                )
            }
            GraphError::Transport(e) => format!(
                "could not reach Microsoft Graph ({}); check the network, proxy (HTTPS_PROXY) and [graph] base_url",
                SafeText::line(&short(&e.to_string(), 200))
            ),
            GraphError::TooLarge => format!(
                "Microsoft Graph sent an answer larger than {} MB; no presence answer is that large: check [graph] base_url points at Graph, or whether a proxy rewrites answers",
                MAX_BODY >> 20
            ),
            GraphError::Timeout => "Microsoft Graph did not answer in time; check the network, or raise [graph] timeout_secs".into(),
            GraphError::Malformed(what) => format!(
                "Microsoft Graph sent an unreadable answer ({}); try again, and check [graph] base_url points at Graph",
                SafeText::line(&short(what, 200))
            ),
            GraphError::Auth(e) => SafeText::line(&short(&e.to_string(), 300)).to_string(),
            GraphError::Refused(what) => format!(
                "refused to send the token to {}; only https (or http to this machine) on the configured Graph origin is used",
                SafeText::line(&short(what, 200))
            ),
            GraphError::BadBaseUrl(why) => format!(
                "[graph] base_url is not usable: {}; use https://graph.microsoft.com/v1.0 (or http://127.0.0.1 for the simulator)",
                SafeText::line(&short(why, 200))
            ),
            GraphError::Redirect { status } => format!(
                "Microsoft Graph answered with a redirect ({status}), which is never followed; check [graph] base_url"
            ),
        }
    }

    /// One line for a one-shot command (`status`): as `user_line`, except that a throttle says when
    /// to try again instead of how the board's polling resumes.
    pub fn command_line(&self) -> String {
        let GraphError::Throttled { retry_after, until } = self else {
            return self.user_line();
        };
        let wait = until
            .map(|until| until.saturating_duration_since(Instant::now()))
            .or(*retry_after);
        match wait {
            None => "Microsoft Graph is throttling this app and did not say for how long; try again in a few minutes".into(),
            Some(wait) if wait < Duration::from_secs(60) => format!(
                "Microsoft Graph is throttling this app; try again in about {}",
                human_duration(wait)
            ),
            Some(wait) => {
                let at = jiff::SignedDuration::try_from(wait)
                    .ok()
                    .and_then(|d| jiff::Zoned::now().checked_add(d).ok())
                    .map(|at| at.strftime("%H:%M").to_string())
                    .unwrap_or_default();
                format!(
                    "Microsoft Graph is throttling this app; try again after {at} (in about {})",
                    human_duration(wait)
                )
            }
        }
    }

    /// The exit status a command ends with: 3 when signing in (or consent) is the fix, 2 for a bad
    /// base URL, 4 for everything on the network or Graph side.
    pub fn exit(&self) -> Exit {
        match self {
            GraphError::Auth(_)
            | GraphError::Http {
                status: 401 | 403, ..
            } => Exit::SignIn,
            GraphError::BadBaseUrl(_) => Exit::Usage,
            _ => Exit::Network,
        }
    }

    /// How long Graph asked us to wait, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            GraphError::Throttled { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    pub fn is_throttled(&self) -> bool {
        matches!(self, GraphError::Throttled { .. })
    }

    /// The time every call is paused until, when throttled.
    pub fn paused_until(&self) -> Option<Instant> {
        match self {
            GraphError::Throttled { until, .. } => *until,
            _ => None,
        }
    }

    /// Graph's error code, when it sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            GraphError::Http { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status, for errors that carry one.
    pub fn status(&self) -> Option<u16> {
        match self {
            GraphError::Http { status, .. } | GraphError::Redirect { status } => Some(*status),
            GraphError::Throttled { .. } => Some(429),
            _ => None,
        }
    }

    /// An error answer: its body parsed when it is Graph's error shape, else status alone.
    pub fn from_response(status: u16, body: &[u8], header_request_id: Option<&str>) -> Self {
        let parsed = parse_error_body(body);
        let request_id = parsed
            .as_ref()
            .and_then(|e| e.request_id.clone())
            .or_else(|| header_request_id.map(str::to_owned));
        let (code, message) = parsed.map_or((None, None), |e| (e.code, e.message));
        GraphError::Http {
            status,
            code,
            message,
            request_id,
        }
    }
}

fn http_advice(status: u16) -> &'static str {
    match status {
        401 => "sign in again (`teamboard login`) or set a fresh TEAMBOARD_ACCESS_TOKEN",
        403 => {
            "the account lacks a permission (Presence.Read.All, User.ReadBasic.All): ask an admin to consent, then sign in again"
        }
        404 => "check the ids in [team] and [graph] base_url",
        400..=499 => "check the configuration; if it persists, report it with the request-id",
        _ => "Graph is having trouble; teamboard tries again on its next refresh",
    }
}

/// The parts of Graph's error body teamboard uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorBody {
    pub code: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
    pub client_request_id: Option<String>,
}

#[derive(Deserialize)]
struct Envelope {
    error: Inner,
}

#[derive(Deserialize)]
struct Inner {
    #[serde(default)]
    code: Option<serde_json::Value>,
    #[serde(default)]
    message: Option<serde_json::Value>,
    #[serde(default, rename = "innerError", alias = "innererror")]
    details: Option<serde_json::Value>,
}

/// Parses `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`,
/// tolerating odd types (a non-string message is dropped, not fatal). `None` when it is not that shape.
pub fn parse_error_body(body: &[u8]) -> Option<ErrorBody> {
    let text = String::from_utf8_lossy(body);
    let env: Envelope = serde_json::from_str(&text).ok()?;
    let as_string = |v: Option<serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => Some(s),
        _ => None,
    };
    let inner_field = |name: &str| {
        env.error
            .details
            .as_ref()
            .and_then(|i| i.get(name))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
    };
    let request_id = inner_field("request-id");
    let client_request_id = inner_field("client-request-id");
    Some(ErrorBody {
        code: as_string(env.error.code),
        message: as_string(env.error.message),
        request_id,
        client_request_id,
    })
}

/// At most `max` characters, so one hostile message cannot flood a line.
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

/// "45 s", "2 min", "1 h 5 min": rounded up, so "0 s" is never shown for a wait still to come.
pub fn human_duration(d: Duration) -> String {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    if secs < 60 {
        format!("{secs} s")
    } else if secs < 3600 {
        format!("{} min", secs.div_ceil(60))
    } else {
        format!("{} h {} min", secs / 3600, (secs % 3600).div_ceil(60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_error_bodies_parse_into_the_typed_error() {
        let body = br#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2024-05-01T10:00:00","request-id":"r-1","client-request-id":"c-1"}}}"#;
        let e = GraphError::from_response(403, body, Some("header-id"));
        assert_eq!(
            e,
            GraphError::Http {
                status: 403,
                code: Some("Authorization_RequestDenied".into()),
                message: Some("Insufficient privileges to complete the operation.".into()),
                request_id: Some("r-1".into()),
            }
        );
        assert_eq!(e.exit(), Exit::SignIn);
        let line = e.user_line();
        assert!(line.contains("403 Authorization_RequestDenied"), "{line}");
        assert!(line.contains("request-id r-1"), "{line}");
        assert!(!line.contains('\n'));
    }

    #[test]
    fn odd_error_bodies_keep_the_status() {
        let e = GraphError::from_response(503, b"<html>Service Unavailable</html>", Some("h-2"));
        assert_eq!(e.status(), Some(503));
        assert_eq!(e.code(), None);
        assert!(e.user_line().contains("request-id h-2"));
        assert_eq!(e.exit(), Exit::Network);
        let odd = parse_error_body(
            br#"{"error":{"code":7,"message":{"x":1},"innererror":{"request-id":"r"}}}"#,
        )
        .unwrap();
        assert_eq!(odd.code, None);
        assert_eq!(odd.request_id.as_deref(), Some("r"));
        assert!(parse_error_body(b"").is_none());
        assert!(parse_error_body(br#"{"value":[]}"#).is_none());
    }

    #[test]
    fn hostile_messages_are_one_safe_line() {
        let body = "{\"error\":{\"code\":\"Bad\\u001b]0;pwned\\u0007\",\"message\":\"line1\\nline2\\u001b[2J\"}}";
        let line = GraphError::from_response(400, body.as_bytes(), None).user_line();
        assert!(!line.contains('\u{1b}'), "{line:?}");
        assert!(!line.contains('\n'), "{line:?}");
    }

    #[test]
    fn exits_follow_the_contract() {
        assert_eq!(
            GraphError::Auth(AuthError::SignInNeeded).exit(),
            Exit::SignIn
        );
        assert_eq!(GraphError::Timeout.exit(), Exit::Network);
        assert_eq!(GraphError::BadBaseUrl("x".into()).exit(), Exit::Usage);
        let t = GraphError::Throttled {
            retry_after: Some(Duration::from_secs(120)),
            until: Some(Instant::now() + Duration::from_secs(120)),
        };
        assert!(t.is_throttled());
        assert_eq!(t.retry_after(), Some(Duration::from_secs(120)));
        assert!(t.user_line().contains("2 min"), "{}", t.user_line());
    }

    #[test]
    fn a_command_hears_when_to_try_again_not_how_the_board_polls() {
        let later = GraphError::Throttled {
            retry_after: Some(Duration::from_secs(120)),
            until: Some(Instant::now() + Duration::from_secs(120)),
        };
        let line = later.command_line();
        assert!(
            line.starts_with("Microsoft Graph is throttling this app; try again after "),
            "{line}"
        );
        assert!(line.ends_with("(in about 2 min)"), "{line}");
        assert!(later.user_line().contains("polling is paused"));
        let soon = GraphError::Throttled {
            retry_after: Some(Duration::from_secs(20)),
            until: None,
        };
        assert!(soon.command_line().ends_with("try again in about 20 s"));
        let unknown = GraphError::Throttled {
            retry_after: None,
            until: None,
        };
        assert!(
            unknown
                .command_line()
                .ends_with("try again in a few minutes")
        );
        assert_eq!(
            GraphError::Timeout.command_line(),
            GraphError::Timeout.user_line()
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(Duration::from_millis(1500)), "2 s");
        assert_eq!(human_duration(Duration::from_secs(120)), "2 min");
        assert_eq!(human_duration(Duration::from_secs(3900)), "1 h 5 min");
    }
}
