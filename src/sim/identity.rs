//! The Microsoft identity platform v2.0 endpoints a public client uses: device code, the
//! device-code grant (pending, `slow_down`, declined, expired, bad code) and refresh-token rotation.
//! Also checks the bearer tokens it issued when Graph is called.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::json;
use tokio::time::Instant;

use super::errors::OAuthError;
use super::faults::lock;
use super::ids::{Stream, hash, is_guid, opaque};
use super::names::DOMAIN;
use super::query;

mod endpoints;
mod tokens;

pub(crate) use endpoints::routes;
pub(crate) use tokens::static_token;

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

#[derive(Clone, Debug, PartialEq)]
pub struct IdentityOptions {
    pub approve_after_polls: u32,
    pub device_outcome: DeviceOutcome,
    /// How long issued access tokens live (real: about an hour).
    pub access_token_lifetime: Duration,
    pub device_code_lifetime: Duration,
    /// The `interval` the device-code answer asks for.
    pub interval: Duration,
}

impl Default for IdentityOptions {
    fn default() -> Self {
        Self {
            approve_after_polls: 2,
            device_outcome: DeviceOutcome::Approve,
            access_token_lifetime: Duration::from_secs(3_599),
            device_code_lifetime: Duration::from_secs(900),
            interval: Duration::from_secs(5),
        }
    }
}

struct Device {
    user_code: String,
    client_id: String,
    scope: String,
    expires: Instant,
    interval: Duration,
    last_poll: Option<Instant>,
    polls: u32,
    decided: Option<bool>,
    redeemed: bool,
}

struct Refresh {
    client_id: String,
    scope: String,
    spent: bool,
}

struct Access {
    issued: Instant,
    expires: Instant,
}

pub(crate) struct Identity {
    options: Mutex<IdentityOptions>,
    tenant_id: String,
    devices: Mutex<HashMap<String, Device>>,
    refresh: Mutex<HashMap<String, Refresh>>,
    access: Mutex<HashMap<String, Access>>,
    stream: Mutex<Stream>,
    created: Instant,
}

impl Identity {
    pub(crate) fn new(options: IdentityOptions, seed: u64, tenant_id: String) -> Self {
        Self {
            options: Mutex::new(options),
            tenant_id,
            devices: Mutex::new(HashMap::new()),
            refresh: Mutex::new(HashMap::new()),
            access: Mutex::new(HashMap::new()),
            stream: Mutex::new(Stream::new(hash(&[seed, 0x1D]))),
            created: Instant::now(),
        }
    }

    pub(crate) fn tenant_id(&self) -> &str {
        &self.tenant_id
    }

    pub(crate) fn options(&self) -> IdentityOptions {
        lock(&self.options).clone()
    }

    pub(crate) fn set_options(&self, options: IdentityOptions) {
        *lock(&self.options) = options;
    }

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

    pub(crate) fn tenant_known(&self, tenant: &str) -> bool {
        ["organizations", "common", DOMAIN, "contoso.onmicrosoft.com"]
            .iter()
            .any(|t| t.eq_ignore_ascii_case(tenant))
            || tenant.eq_ignore_ascii_case(&self.tenant_id)
    }

    pub(crate) fn device_code(
        &self,
        origin: &str,
        form: &[(String, String)],
    ) -> Result<Response, OAuthError> {
        let client_id = client_id(form)?;
        let scope = query::get(form, "scope")
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| OAuthError::missing("scope"))?;
        let options = self.options();
        let (device_code, user_code) = {
            let mut s = lock(&self.stream);
            let code = format!("DAQABIQEAAAD{}", opaque(&mut s, 180));
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
                scope: scope.to_owned(),
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

    pub(crate) fn token(&self, form: &[(String, String)]) -> Result<Response, OAuthError> {
        let grant =
            query::get(form, "grant_type").ok_or_else(|| OAuthError::missing("grant_type"))?;
        let client_id = client_id(form)?;
        match grant {
            "urn:ietf:params:oauth:grant-type:device_code" => self.device_grant(client_id, form),
            "refresh_token" => self.refresh_grant(client_id, form),
            other => Err(OAuthError::new(
                "unsupported_grant_type",
                70_003,
                format!("The app requested an unsupported grant type '{other}'."),
            )),
        }
    }

    fn device_grant(
        &self,
        client_id: &str,
        form: &[(String, String)],
    ) -> Result<Response, OAuthError> {
        let code =
            query::get(form, "device_code").ok_or_else(|| OAuthError::missing("device_code"))?;
        let options = self.options();
        let now = Instant::now();
        let scope = {
            let mut devices = lock(&self.devices);
            let bad = || {
                OAuthError::new(
                    "bad_verification_code",
                    70_000,
                    "The provided value for the input parameter 'device_code' is not valid.",
                )
            };
            let device = devices.get_mut(code).ok_or_else(bad)?;
            if device.client_id != client_id || options.device_outcome == DeviceOutcome::BadCode {
                return Err(bad());
            }
            if device.redeemed {
                return Err(OAuthError::new(
                    "invalid_grant",
                    54_005,
                    "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
                ));
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
            device.redeemed = true;
            device.scope.clone()
        };
        Ok(self.issue(client_id, &scope, &options))
    }
}

/// `now + lifetime`, for any lifetime a test may configure (a century stands for "forever").
pub(crate) fn later(now: Instant, lifetime: Duration) -> Instant {
    now.checked_add(lifetime)
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 86_400)))
        .unwrap_or(now)
}

pub(crate) fn expired() -> OAuthError {
    OAuthError::new("expired_token", 70_019, "Verification code expired.")
}

pub(crate) fn client_id(form: &[(String, String)]) -> Result<&str, OAuthError> {
    let id = query::get(form, "client_id").ok_or_else(|| OAuthError::missing("client_id"))?;
    if is_guid(id) {
        Ok(id)
    } else {
        Err(OAuthError::new(
            "unauthorized_client",
            700_016,
            format!("Application with identifier '{id}' was not found in the directory 'Contoso'."),
        ))
    }
}

pub(crate) fn json_response(body: &serde_json::Value) -> Response {
    let mut response = (StatusCode::OK, Body::from(body.to_string())).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache"),
    );
    response
}
