//! Where bearer tokens come from: `TEAMBOARD_ACCESS_TOKEN`, the simulated tenant's static token, a
//! signed-in account (browser or device-code sign-in, kept in the keyring or a file and renewed
//! before it expires), or an app registration's client secret (app-only mode for wall displays).
//! A shared service: callers never hold tokens for long.

pub mod app_only;
pub mod browser;
pub mod device_code;
pub mod entra;
pub mod error;
pub mod flow;
pub mod id_token;
pub mod scopes;
pub mod session;
pub mod sources;
pub mod token_store;

use std::fmt;
use std::sync::Arc;

pub use error::{AuthError, EntraFailure};

use crate::graph::transport::BoxFuture;
use crate::text::SafeText;

/// A bearer token, refresh token, code or verifier. Its `Debug` never shows the value, and it has no
/// `Display`, so it cannot reach a log, an error or the terminal by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    pub fn new(value: impl Into<Arc<str>>) -> Self {
        Self(value.into())
    }
    /// The value, for an `Authorization` header, a token request or the store, and nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
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

/// The variable that, when set, is used as the bearer token with no sign-in and nothing stored.
pub const TOKEN_VAR: &str = "TEAMBOARD_ACCESS_TOKEN";

impl StaticToken {
    pub fn new(token: Secret) -> Self {
        Self(token)
    }
    /// `TEAMBOARD_ACCESS_TOKEN`, when set and not empty.
    pub fn from_env() -> Option<Self> {
        std::env::var(TOKEN_VAR)
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
            Err(AuthError::Refused(SafeText::line(
                "a fixed token (TEAMBOARD_ACCESS_TOKEN) was rejected; set a fresh one",
            )))
        })
    }
}

/// The token source when there is no token at all: every call fails with "sign in", so the board
/// shows its sign-in panel and `status` its one line, instead of crashing.
pub struct NoToken;

impl TokenSource for NoToken {
    fn bearer(&self) -> BoxFuture<'_, Result<Secret, AuthError>> {
        Box::pin(async { Err(AuthError::SignInNeeded) })
    }

    fn refresh_after_401<'a>(
        &'a self,
        _rejected: &'a Secret,
    ) -> BoxFuture<'a, Result<Secret, AuthError>> {
        Box::pin(async { Err(AuthError::SignInNeeded) })
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
