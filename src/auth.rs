//! Where bearer tokens come from: `TEAMBOARD_ACCESS_TOKEN`, the simulated tenant's static token, and
//! (later) the device-code sign-in with refresh. A shared service: callers never hold tokens for long.
pub mod token_store;

use std::fmt;
use std::sync::Arc;

use crate::graph::transport::BoxFuture;

/// A bearer token. Its `Debug` and `Display` never show the value, so it cannot reach a log or error.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    pub fn new(value: impl Into<Arc<str>>) -> Self {
        Self(value.into())
    }
    /// The value, for an `Authorization` header and nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("not signed in: run `teamboard login`, or set TEAMBOARD_ACCESS_TOKEN")]
    SignInNeeded,
    #[error("the access token was refused and cannot be refreshed: {0}")]
    Refused(String),
}

/// `bearer()` gives the current token; `refresh_after_401(rejected)` is single-flight: when many
/// requests are refused together, one refresh runs and every caller gets its result.
pub trait TokenSource: Send + Sync + 'static {
    fn bearer(&self) -> BoxFuture<'_, Result<Secret, AuthError>>;
    fn refresh_after_401<'a>(
        &'a self,
        rejected: &'a Secret,
    ) -> BoxFuture<'a, Result<Secret, AuthError>>;
}

/// A token used as is: `TEAMBOARD_ACCESS_TOKEN`, or the simulated tenant's. Cannot be refreshed.
pub struct StaticToken(Secret);

impl StaticToken {
    pub fn new(token: Secret) -> Self {
        Self(token)
    }
    /// `TEAMBOARD_ACCESS_TOKEN`, when set and not empty.
    pub fn from_env() -> Option<Self> {
        std::env::var("TEAMBOARD_ACCESS_TOKEN")
            .ok()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .map(|t| Self(Secret::new(t)))
    }
}

impl TokenSource for StaticToken {
    fn bearer(&self) -> BoxFuture<'_, Result<Secret, AuthError>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
    fn refresh_after_401<'a>(
        &'a self,
        _rejected: &'a Secret,
    ) -> BoxFuture<'a, Result<Secret, AuthError>> {
        Box::pin(async {
            Err(AuthError::Refused(
                "a fixed token (TEAMBOARD_ACCESS_TOKEN) was rejected; set a fresh one".into(),
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show_in_debug() {
        let s = Secret::new("eyJ0eXAi.very.secret");
        assert!(!format!("{s:?}").contains("secret"));
        assert_eq!(s.expose(), "eyJ0eXAi.very.secret");
    }
}
