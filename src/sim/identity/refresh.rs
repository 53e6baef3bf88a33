//! The refresh-token grant: rotation as Entra does it (the replaced token stays valid until it
//! expires), expiry, revocation, sign-in frequency, and consent for newly asked scopes.

use std::sync::atomic::Ordering;

use axum::response::Response;
use tokio::time::Instant;

use super::consent;
use super::options::SignInError;
use super::refusals;
use super::scopes::{self, Requested};
use super::tokens::Issue;
use super::{Identity, later};
use crate::sim::errors::OAuthError;
use crate::sim::faults::lock;
use crate::sim::query;

pub(crate) struct Refresh {
    client_id: String,
    /// What the sign-in asked for; a refresh without `scope` asks for it again.
    requested: Requested,
    issued: Instant,
    /// The same moment on the wall clock, for Entra's messages.
    issued_at: jiff::Timestamp,
    /// A newer refresh token came from this one.
    replaced: bool,
    revoked: bool,
    /// Refused once for sign-in frequency: refused from then on.
    frequency_failed: bool,
}

impl Refresh {
    pub(super) fn new(client_id: &str, requested: Requested) -> Self {
        Self {
            client_id: client_id.to_owned(),
            requested,
            issued: Instant::now(),
            issued_at: jiff::Timestamp::now(),
            replaced: false,
            revoked: false,
            frequency_failed: false,
        }
    }
}

impl Identity {
    pub(super) fn refresh_grant(
        &self,
        client_id: &str,
        form: &[(String, String)],
        origin: &str,
    ) -> Result<Response, OAuthError> {
        let presented = query::get(form, "refresh_token")
            .ok_or_else(|| OAuthError::missing("refresh_token"))?;
        let options = self.options();
        let requested = {
            let mut tokens = lock(&self.refresh);
            let token = tokens
                .get_mut(presented)
                .ok_or_else(refusals::malformed_grant)?;
            if !token.client_id.eq_ignore_ascii_case(client_id) {
                return Err(refusals::grant_of_another_client());
            }
            if token.revoked {
                let valid_from = (*lock(&self.revoked_at)).unwrap_or_else(jiff::Timestamp::now);
                return Err(refusals::revoked(token.issued_at, valid_from));
            }
            if self.sign_in_frequency.swap(false, Ordering::Relaxed) {
                token.frequency_failed = true;
            }
            if token.frequency_failed {
                return Err(refusals::sign_in_frequency(token.issued_at));
            }
            if Instant::now() >= later(token.issued, options.refresh_token_lifetime) {
                return Err(refusals::inactive(
                    token.issued_at,
                    options.refresh_token_lifetime,
                ));
            }
            if token.replaced && options.strict_rotation {
                return Err(refusals::replaced(token.issued_at));
            }
            match options.sign_in_error {
                Some(SignInError::ConsentRequired) => {
                    return Err(consent::required(client_id, Some("consent_required")));
                }
                Some(SignInError::MfaRequired) => return Err(refusals::mfa_required()),
                _ => {}
            }
            let requested = match query::get(form, "scope") {
                Some(scope) => scopes::parse(scope)?,
                None => token.requested.clone(),
            };
            // A scope never consented needs the user: the token presented stays as it was.
            if !self.consent.missing(client_id, &requested.graph).is_empty() {
                return Err(consent::required(client_id, Some("consent_required")));
            }
            token.replaced = true;
            requested
        };
        let issue = Issue {
            client_id,
            requested: &requested,
            nonce: None,
            client_info: query::get(form, "client_info") == Some("1"),
            origin,
        };
        Ok(self.issue(&issue, true, &options))
    }

    /// Every refresh token issued so far is revoked (the user signed out everywhere, or an
    /// administrator revoked their sessions); new sign-ins work.
    pub(crate) fn revoke_refresh_tokens(&self) {
        *lock(&self.revoked_at) = Some(jiff::Timestamp::now());
        for token in lock(&self.refresh).values_mut() {
            token.revoked = true;
        }
    }

    /// The next refresh fails the sign-in frequency check (AADSTS70043), and its token for good.
    pub(crate) fn fail_next_refresh(&self) {
        self.sign_in_frequency.store(true, Ordering::Relaxed);
    }
}
