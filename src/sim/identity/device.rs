//! The device-code flow: the code, then polls answered pending, `slow_down`, declined, expired or
//! bad code until the user (or the configured outcome) decides.

use std::time::Duration;

use axum::response::Response;
use serde_json::json;
use tokio::time::Instant;

use super::options::{DeviceOutcome, SignInError};
use super::scopes::{self, Requested};
use super::tokens::Issue;
use super::{Identity, consent, json_response, later, refusals};
use crate::sim::errors::OAuthError;
use crate::sim::faults::lock;
use crate::sim::query;

pub(crate) struct Device {
    user_code: String,
    client_id: String,
    requested: Requested,
    expires: Instant,
    interval: Duration,
    last_poll: Option<Instant>,
    polls: u32,
    decided: Option<bool>,
    redeemed: bool,
}

fn expired() -> OAuthError {
    OAuthError::new("expired_token", 70_019, "Verification code expired.")
}

impl Identity {
    pub(crate) fn resolve_user_code(&self, user_code: &str, approve: bool) -> bool {
        let mut devices = lock(&self.devices);
        match devices
            .values_mut()
            .find(|d| d.user_code.eq_ignore_ascii_case(user_code))
        {
            Some(device) if device.decided.is_none() && !device.redeemed => {
                device.decided = Some(approve);
                true
            }
            _ => false,
        }
    }

    pub(super) fn device_code(
        &self,
        client_id: &str,
        origin: &str,
        form: &[(String, String)],
    ) -> Result<Response, OAuthError> {
        let scope = query::get(form, "scope")
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| OAuthError::missing("scope"))?;
        let requested = scopes::parse(scope)?;
        let options = self.options();
        let (device_code, user_code) = {
            let mut s = lock(&self.stream);
            let code = format!("DAQABIQEAAAD{}", crate::sim::ids::opaque(&mut s, 180));
            let user: String = (0..9)
                .map(|_| b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[s.below(32) as usize] as char)
                .collect();
            (code, user)
        };
        lock(&self.devices).insert(
            device_code.clone(),
            Device {
                user_code: user_code.clone(),
                client_id: client_id.to_owned(),
                requested,
                expires: later(Instant::now(), options.device_code_lifetime),
                interval: options.interval,
                last_poll: None,
                polls: 0,
                decided: None,
                redeemed: false,
            },
        );
        let uri = format!("{origin}/devicelogin");
        Ok(json_response(&json!({
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": uri,
            "expires_in": options.device_code_lifetime.as_secs(),
            "interval": options.interval.as_secs(),
            "message": format!("To sign in, use a web browser to open the page {uri} and enter the code {user_code} to authenticate."),
        })))
    }

    pub(super) fn device_grant(
        &self,
        client_id: &str,
        form: &[(String, String)],
        origin: &str,
    ) -> Result<Response, OAuthError> {
        let code =
            query::get(form, "device_code").ok_or_else(|| OAuthError::missing("device_code"))?;
        let options = self.options();
        let now = Instant::now();
        let requested = {
            let mut devices = lock(&self.devices);
            let bad = || {
                OAuthError::new(
                    "bad_verification_code",
                    70_000,
                    "The provided value for the input parameter 'device_code' is not valid.",
                )
            };
            let device = devices.get_mut(code).ok_or_else(bad)?;
            if !device.client_id.eq_ignore_ascii_case(client_id)
                || options.device_outcome == DeviceOutcome::BadCode
            {
                return Err(bad());
            }
            if device.redeemed {
                return Err(refusals::code_redeemed());
            }
            if now >= device.expires {
                return Err(expired());
            }
            let too_soon = device
                .last_poll
                .is_some_and(|last| now.duration_since(last) < device.interval);
            device.last_poll = Some(now);
            if too_soon {
                // RFC 8628: the client must add 5 seconds to its interval from now on.
                device.interval += Duration::from_secs(5);
                return Err(OAuthError::new(
                    "slow_down",
                    70_016,
                    "OAuth 2.0 device flow error. Polling too fast: slow down.",
                ));
            }
            device.polls += 1;
            let decided = device.decided.or_else(|| {
                (device.polls > options.approve_after_polls)
                    .then_some(options.device_outcome == DeviceOutcome::Approve)
            });
            match (decided, options.device_outcome) {
                (None, _) => {
                    return Err(OAuthError::new(
                        "authorization_pending",
                        70_016,
                        "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
                    ));
                }
                (Some(false), DeviceOutcome::Expire) if device.decided.is_none() => {
                    return Err(expired());
                }
                (Some(false), _) => {
                    return Err(OAuthError::new(
                        "authorization_declined",
                        70_000,
                        "The end user declined the authorization request.",
                    ));
                }
                (Some(true), _) => {}
            }
            // The user signed in at the browser; what the tenant thinks of it comes now.
            match options.sign_in_error {
                Some(SignInError::ConditionalAccess) => {
                    return Err(refusals::conditional_access());
                }
                Some(SignInError::ConsentRequired) => {
                    return Err(consent::required(client_id, Some("consent_required")));
                }
                _ => {}
            }
            self.consent.interactive(
                client_id,
                &device.requested.graph,
                &options.admin_only_scopes,
                Some("consent_required"),
            )?;
            device.redeemed = true;
            device.requested.clone()
        };
        let issue = Issue {
            client_id,
            requested: &requested,
            nonce: None,
            client_info: query::get(form, "client_info") == Some("1"),
            origin,
        };
        Ok(self.issue(&issue, requested.offline_access, &options))
    }
}
