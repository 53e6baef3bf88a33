//! The device-code flow: Entra gives a short code and a URL; the user enters the code in any
//! browser (another machine will do, which is why it suits ssh); teamboard polls until it is
//! approved, declined or expired (`authorization_pending` keeps polling, `slow_down` adds 5 s).

use jiff::Timestamp;
use oauth2::Scope;
use oauth2::StandardDeviceAuthorizationResponse;

use super::AuthError;
use super::entra::{Entra, Granted, token_error};
use crate::text::SafeText;

/// A device code waiting for the user. The device code itself never leaves this value.
pub struct DeviceLogin {
    /// Where to enter the code, made safe to show.
    pub verification_uri: SafeText,
    /// What to type there: shown on screen, never logged.
    pub user_code: SafeText,
    /// When the code stops working.
    pub expires_at: Timestamp,
    details: StandardDeviceAuthorizationResponse,
}

impl std::fmt::Debug for DeviceLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceLogin")
            .field("verification_uri", &self.verification_uri)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl DeviceLogin {
    /// The URL to open, when it is one a browser should be sent to (https, or http on loopback).
    pub fn openable_uri(&self) -> Option<&str> {
        let uri = self.details.verification_uri().as_str();
        super::browser::is_openable(uri).then_some(uri)
    }
}

/// Asks Entra for a device code for these scopes.
pub async fn start(entra: &Entra, scopes: &[String]) -> Result<DeviceLogin, AuthError> {
    let details: StandardDeviceAuthorizationResponse = entra
        .device_client()?
        .exchange_device_code()
        .add_scopes(scopes.iter().map(|s| Scope::new(s.clone())))
        .request_async(entra)
        .await
        .map_err(|e| token_error(e, false))?;
    let lifetime = jiff::SignedDuration::try_from(details.expires_in())
        .unwrap_or(jiff::SignedDuration::from_secs(900));
    Ok(DeviceLogin {
        verification_uri: SafeText::line(details.verification_uri().as_str()),
        user_code: SafeText::line(details.user_code().secret()),
        expires_at: Timestamp::now()
            .checked_add(lifetime)
            .unwrap_or_else(|_| Timestamp::now()),
        details,
    })
}

/// Polls until the user approves (the tokens), declines, or the code expires.
pub async fn finish(entra: &Entra, login: &DeviceLogin) -> Result<Granted, AuthError> {
    let answer = entra
        .device_client()?
        .exchange_device_access_token(&login.details)
        .add_extra_param("client_info", "1")
        .request_async(entra, tokio::time::sleep, None)
        .await
        .map_err(|e| token_error(e, false))?;
    Ok(Granted::from_answer(&answer))
}
