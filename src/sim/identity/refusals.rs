//! Entra's refusals, worded as the service words them: the ones a client must turn into advice and
//! the ones that end a refresh token.

use std::time::Duration;

use super::consent::APP_NAME;
use super::scopes::GRAPH_APP_ID;
use crate::sim::errors::OAuthError;

/// Times inside Entra's messages.
pub(super) fn stamp(at: jiff::Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%S.0000000Z").to_string()
}

/// A lifetime as Entra writes it in messages: `90.00:00:00`.
fn span(d: Duration) -> String {
    let s = d.as_secs();
    format!(
        "{}.{:02}:{:02}:{:02}",
        s / 86_400,
        s / 3_600 % 24,
        s / 60 % 60,
        s % 60
    )
}

pub(super) fn public_client_flows_off() -> OAuthError {
    OAuthError::new(
        "invalid_client",
        7_000_218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    )
}

pub(super) fn single_tenant_app(client_id: &str) -> OAuthError {
    OAuthError::new(
        "invalid_request",
        50_194,
        format!(
            "Application '{client_id}'({APP_NAME}) is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant."
        ),
    )
}

pub(super) fn unknown_client(client_id: &str) -> OAuthError {
    OAuthError::new(
        "unauthorized_client",
        700_016,
        format!(
            "Application with identifier '{client_id}' was not found in the directory 'Contoso'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."
        ),
    )
}

pub(super) fn conditional_access() -> OAuthError {
    OAuthError::new(
        "invalid_grant",
        53_003,
        "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
    )
    .with_suberror("message_only")
}

pub(super) fn mfa_required() -> OAuthError {
    OAuthError::new(
        "invalid_grant",
        50_076,
        format!(
            "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '{GRAPH_APP_ID}'."
        ),
    )
    .with_suberror("basic_action")
}

pub(super) fn malformed_grant() -> OAuthError {
    OAuthError::new(
        "invalid_grant",
        9_002_313,
        "Invalid request. Request is malformed or invalid.",
    )
}

pub(super) fn grant_of_another_client() -> OAuthError {
    OAuthError::new(
        "invalid_grant",
        70_000,
        "Provided grant is invalid or malformed.",
    )
}

pub(super) fn revoked(issued: jiff::Timestamp, valid_from: jiff::Timestamp) -> OAuthError {
    OAuthError::new(
        "invalid_grant",
        50_173,
        format!(
            "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '{}' and the TokensValidFrom date (before which tokens are not valid) for this user is '{}'.",
            stamp(issued),
            stamp(valid_from)
        ),
    )
}

pub(super) fn replaced(issued: jiff::Timestamp) -> OAuthError {
    OAuthError::new(
        "invalid_grant",
        50_173,
        format!(
            "The provided grant has expired due to it being revoked, a fresh auth token is needed. The grant was issued on '{}' on a refresh token that has since been replaced.",
            stamp(issued)
        ),
    )
}

pub(super) fn inactive(issued: jiff::Timestamp, lifetime: Duration) -> OAuthError {
    OAuthError::new(
        "invalid_grant",
        700_082,
        format!(
            "The refresh token has expired due to inactivity. The token was issued on {} and was inactive for {}.",
            stamp(issued),
            span(lifetime)
        ),
    )
}

pub(super) fn sign_in_frequency(issued: jiff::Timestamp) -> OAuthError {
    OAuthError::new(
        "invalid_grant",
        70_043,
        format!(
            "The refresh token has expired or is invalid due to sign-in frequency checks by conditional access. The token was issued on {} and the maximum allowed lifetime for this request is 3600.",
            stamp(issued)
        ),
    )
}

pub(super) fn code_redeemed() -> OAuthError {
    OAuthError::new(
        "invalid_grant",
        54_005,
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_are_written_as_entra_does() {
        assert_eq!(span(Duration::from_secs(90 * 86_400)), "90.00:00:00");
        assert_eq!(span(Duration::from_secs(3_661)), "0.01:01:01");
        let at: jiff::Timestamp = "2025-03-04T08:00:00Z".parse().unwrap();
        assert_eq!(stamp(at), "2025-03-04T08:00:00.0000000Z");
    }
}
