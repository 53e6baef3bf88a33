//! How the sign-in side behaves: token lifetimes, the device flow's outcome, rotation, consent, and
//! the Entra errors a client must turn into advice.

use std::fmt;
use std::time::Duration;

/// What the device-code flow does when polled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceOutcome {
    /// Approved after `approve_after_polls` pending answers.
    Approve,
    /// `authorization_declined` after `approve_after_polls` pending answers.
    Decline,
    /// `expired_token` after `approve_after_polls` pending answers.
    Expire,
    /// `bad_verification_code` on every poll.
    BadCode,
}

impl DeviceOutcome {
    /// The `teamboard sim --device-outcome` names.
    pub const NAMES: [&'static str; 4] = ["approve", "decline", "expire", "bad-code"];

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "approve" => Some(Self::Approve),
            "decline" => Some(Self::Decline),
            "expire" => Some(Self::Expire),
            "bad-code" => Some(Self::BadCode),
            _ => None,
        }
    }
}

/// An Entra refusal injected on purpose: each is one a real tenant gives and a client has to explain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInError {
    /// AADSTS7000218: the registration does not allow public client flows, so every token request
    /// without a client secret is refused (`invalid_client`).
    PublicClientFlowsOff,
    /// AADSTS50194: a single-tenant app signed in through `organizations`, `common` or `consumers`.
    SingleTenantApp,
    /// AADSTS65001: no consent; interactive sign-in and refresh are both refused.
    ConsentRequired,
    /// AADSTS700016: the client id is not registered in this tenant.
    UnknownClient,
    /// AADSTS53003: Conditional Access blocks the device-code flow (the grant fails once approved).
    ConditionalAccess,
    /// AADSTS50076: multi-factor authentication is required; a refresh cannot do it.
    MfaRequired,
}

impl SignInError {
    pub const ALL: [Self; 6] = [
        Self::PublicClientFlowsOff,
        Self::SingleTenantApp,
        Self::ConsentRequired,
        Self::UnknownClient,
        Self::ConditionalAccess,
        Self::MfaRequired,
    ];

    /// The AADSTS number.
    pub fn code(self) -> u32 {
        match self {
            Self::PublicClientFlowsOff => 7_000_218,
            Self::SingleTenantApp => 50_194,
            Self::ConsentRequired => 65_001,
            Self::UnknownClient => 700_016,
            Self::ConditionalAccess => 53_003,
            Self::MfaRequired => 50_076,
        }
    }

    pub fn from_code(code: u32) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.code() == code)
    }
}

#[derive(Clone, PartialEq)]
pub struct IdentityOptions {
    pub approve_after_polls: u32,
    pub device_outcome: DeviceOutcome,
    /// How long issued access tokens live (real: about an hour).
    pub access_token_lifetime: Duration,
    /// How long a refresh token lives from its issue (real: 90 days).
    pub refresh_token_lifetime: Duration,
    pub device_code_lifetime: Duration,
    /// The `interval` the device-code answer asks for.
    pub interval: Duration,
    /// A refresh token that has been replaced by a newer one is refused (Entra keeps it valid):
    /// proves a client always stores the newest.
    pub strict_rotation: bool,
    /// The app registration's client secret for `client_credentials`; `None` is one derived from
    /// the seed (`Sim::client_secret`).
    pub client_secret: Option<String>,
    /// Graph scopes only an administrator may consent to: interactive sign-ins asking for one that
    /// is not consented yet fail with AADSTS65001. Names with or without the Graph prefix.
    pub admin_only_scopes: Vec<String>,
    /// An Entra refusal to give where it applies.
    pub sign_in_error: Option<SignInError>,
    /// Only this tenant's own app registration (`Sim::client_id`) is known. Otherwise any GUID but
    /// the all-zero placeholder counts as a registered public client, so tests can bring their own.
    pub registered_client_only: bool,
}

impl Default for IdentityOptions {
    fn default() -> Self {
        Self {
            approve_after_polls: 2,
            device_outcome: DeviceOutcome::Approve,
            access_token_lifetime: Duration::from_secs(3_599),
            refresh_token_lifetime: Duration::from_secs(90 * 86_400),
            device_code_lifetime: Duration::from_secs(900),
            interval: Duration::from_secs(5),
            strict_rotation: false,
            client_secret: None,
            admin_only_scopes: Vec::new(),
            sign_in_error: None,
            registered_client_only: false,
        }
    }
}

/// Written by hand so the client secret never reaches a log.
impl fmt::Debug for IdentityOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentityOptions")
            .field("approve_after_polls", &self.approve_after_polls)
            .field("device_outcome", &self.device_outcome)
            .field("access_token_lifetime", &self.access_token_lifetime)
            .field("refresh_token_lifetime", &self.refresh_token_lifetime)
            .field("device_code_lifetime", &self.device_code_lifetime)
            .field("interval", &self.interval)
            .field("strict_rotation", &self.strict_rotation)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("admin_only_scopes", &self.admin_only_scopes)
            .field("sign_in_error", &self.sign_in_error)
            .field("registered_client_only", &self.registered_client_only)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_round_trip_and_the_secret_stays_out_of_debug() {
        for e in SignInError::ALL {
            assert_eq!(SignInError::from_code(e.code()), Some(e));
        }
        assert_eq!(SignInError::from_code(50_000), None);
        for name in DeviceOutcome::NAMES {
            assert!(DeviceOutcome::from_name(name).is_some(), "{name}");
        }
        let options = IdentityOptions {
            client_secret: Some("abc8Q~very-secret".into()),
            ..IdentityOptions::default()
        };
        assert!(!format!("{options:?}").contains("very-secret"));
    }
}
