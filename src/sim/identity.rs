//! The Microsoft identity platform v2.0 as standard clients (MSAL) use it: `OpenID` discovery, the
//! browser flow with PKCE, the device-code flow, refresh-token rotation, client credentials and
//! consent, with Entra's refusals on demand. Also checks the bearer tokens it issued when Graph is
//! called, and what each allows.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use tokio::time::Instant;

use super::errors::OAuthError;
use super::faults::lock;
use super::ids::{IdKind, Stream, hash, is_guid, object_id, opaque};
use super::names::DOMAIN;
use super::query;

mod app_only;
mod authorize;
mod consent;
mod device;
mod discovery;
mod endpoints;
mod options;
mod refresh;
mod refusals;
mod scopes;
mod tokens;

pub(crate) use endpoints::routes;
pub use options::{DeviceOutcome, IdentityOptions, SignInError};
pub(crate) use scopes::graph_name;
pub(crate) use tokens::{Grant, static_token};

/// The configuration's placeholder client id: never a registered app.
const PLACEHOLDER_CLIENT: &str = "00000000-0000-0000-0000-000000000000";

/// Tenant segments that stand for "any tenant"; a single-tenant app cannot use them.
const MULTI_TENANT: [&str; 3] = ["organizations", "common", "consumers"];

/// The user every sign-in signs in (person 0).
pub(crate) struct SignedIn {
    pub oid: String,
    pub upn: String,
    pub name: String,
}

pub(crate) struct Identity {
    options: Mutex<IdentityOptions>,
    seed: u64,
    tenant_id: String,
    /// The app registration the banner's config names.
    client_id: String,
    /// That registration's service principal: the `oid` of app-only tokens.
    app_object_id: String,
    generated_secret: String,
    session_state: String,
    me: SignedIn,
    devices: Mutex<HashMap<String, device::Device>>,
    codes: Mutex<HashMap<String, authorize::Code>>,
    refresh: Mutex<HashMap<String, refresh::Refresh>>,
    access: Mutex<HashMap<String, tokens::Access>>,
    consent: consent::Consent,
    /// When `revoke_refresh_tokens` last ran, for Entra's message.
    revoked_at: Mutex<Option<jiff::Timestamp>>,
    /// The next refresh fails the sign-in frequency check.
    sign_in_frequency: AtomicBool,
    stream: Mutex<Stream>,
    created: Instant,
}

impl Identity {
    pub(crate) fn new(
        options: IdentityOptions,
        seed: u64,
        tenant_id: String,
        me: SignedIn,
    ) -> Self {
        let mut secret = Stream::new(hash(&[seed, 0x5EC]));
        // The shape of an Entra secret value: three characters, a digit, "Q~", then 34 more.
        let generated_secret = format!(
            "{}{}Q~{}",
            opaque(&mut secret, 3),
            secret.below(10),
            opaque(&mut secret, 34)
        );
        Self {
            options: Mutex::new(options),
            seed,
            client_id: object_id(seed, IdKind::Application, 0),
            app_object_id: object_id(seed, IdKind::Application, 1),
            session_state: object_id(seed, IdKind::Application, 2),
            generated_secret,
            tenant_id,
            me,
            devices: Mutex::new(HashMap::new()),
            codes: Mutex::new(HashMap::new()),
            refresh: Mutex::new(HashMap::new()),
            access: Mutex::new(HashMap::new()),
            consent: consent::Consent::default(),
            revoked_at: Mutex::new(None),
            sign_in_frequency: AtomicBool::new(false),
            stream: Mutex::new(Stream::new(hash(&[seed, 0x1D]))),
            created: Instant::now(),
        }
    }

    pub(crate) fn tenant_id(&self) -> &str {
        &self.tenant_id
    }

    pub(crate) fn client_id(&self) -> &str {
        &self.client_id
    }

    pub(crate) fn client_secret(&self, options: &IdentityOptions) -> String {
        options
            .client_secret
            .clone()
            .unwrap_or_else(|| self.generated_secret.clone())
    }

    pub(crate) fn options(&self) -> IdentityOptions {
        lock(&self.options).clone()
    }

    pub(crate) fn set_options(&self, options: IdentityOptions) {
        *lock(&self.options) = options;
    }

    pub(crate) fn consent(&self) -> &consent::Consent {
        &self.consent
    }

    pub(crate) fn tenant_known(&self, tenant: &str) -> bool {
        ["organizations", "common", DOMAIN, "contoso.onmicrosoft.com"]
            .iter()
            .any(|t| t.eq_ignore_ascii_case(tenant))
            || tenant.eq_ignore_ascii_case(&self.tenant_id)
    }

    /// The `client_id` parameter, if it names a registered app.
    fn client<'a>(
        &self,
        form: &'a [(String, String)],
        options: &IdentityOptions,
    ) -> Result<&'a str, OAuthError> {
        let id = query::get(form, "client_id").ok_or_else(|| OAuthError::missing("client_id"))?;
        let registered = is_guid(id)
            && id != PLACEHOLDER_CLIENT
            && (!options.registered_client_only || id.eq_ignore_ascii_case(&self.client_id));
        if registered && options.sign_in_error != Some(SignInError::UnknownClient) {
            Ok(id)
        } else {
            Err(refusals::unknown_client(id))
        }
    }

    /// `POST /{tenant}/oauth2/v2.0/devicecode` (`device`) or `.../token`.
    pub(crate) fn sign_in(
        &self,
        tenant: &str,
        origin: &str,
        form: &[(String, String)],
        device: bool,
    ) -> Result<Response, OAuthError> {
        let options = self.options();
        let named = query::get(form, "client_id").unwrap_or_default();
        if let Some(refusal) = tenant_refusal(tenant, named, &options) {
            return Err(refusal);
        }
        if !self.tenant_known(tenant) {
            return Err(discovery::invalid_tenant(tenant));
        }
        if device {
            let client_id = self.client(form, &options)?;
            return self.device_code(client_id, origin, form);
        }
        let grant =
            query::get(form, "grant_type").ok_or_else(|| OAuthError::missing("grant_type"))?;
        let client_id = self.client(form, &options)?;
        let public = matches!(
            grant,
            "urn:ietf:params:oauth:grant-type:device_code" | "authorization_code" | "refresh_token"
        );
        if public
            && query::get(form, "client_secret").is_none()
            && options.sign_in_error == Some(SignInError::PublicClientFlowsOff)
        {
            return Err(refusals::public_client_flows_off());
        }
        match grant {
            "urn:ietf:params:oauth:grant-type:device_code" => {
                self.device_grant(client_id, form, origin)
            }
            "authorization_code" => self.code_grant(client_id, form, origin),
            "refresh_token" => self.refresh_grant(client_id, form, origin),
            "client_credentials" => self.client_credentials(client_id, form),
            other => Err(OAuthError::new(
                "unsupported_grant_type",
                70_003,
                format!("The app requested an unsupported grant type '{other}'."),
            )),
        }
    }
}

/// AADSTS50194 when the app is single-tenant and the request names no tenant.
fn tenant_refusal(tenant: &str, client_id: &str, options: &IdentityOptions) -> Option<OAuthError> {
    (options.sign_in_error == Some(SignInError::SingleTenantApp)
        && MULTI_TENANT.iter().any(|m| m.eq_ignore_ascii_case(tenant)))
    .then(|| refusals::single_tenant_app(client_id))
}

/// `now + lifetime`, for any lifetime a test may configure (a century stands for "forever").
pub(crate) fn later(now: Instant, lifetime: Duration) -> Instant {
    now.checked_add(lifetime)
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 86_400)))
        .unwrap_or(now)
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
