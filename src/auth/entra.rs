//! The Microsoft identity platform v2.0 as teamboard speaks to it: endpoints under
//! `{authority}/{tenant}/oauth2/v2.0/`, the oauth2 crate's client typed for Entra's answers (error
//! codes and `suberror`, id token, `client_info`), and every request sent through our own
//! `Transport`, so sign-in obeys the same rules as Graph calls (system certificates, proxies, no
//! redirects, plain http only to loopback) and tests can answer it in-process.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use oauth2::basic::{BasicTokenIntrospectionResponse, BasicTokenType};
use oauth2::{
    AsyncHttpClient, AuthUrl, ClientId, DeviceAuthorizationUrl, EndpointNotSet, EndpointSet,
    ExtraTokenFields, HttpRequest, HttpResponse, RequestTokenError, StandardRevocableToken,
    StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};

use super::error::EntraFailure;
use super::id_token;
use super::token_store::Account;
use super::{AuthError, Secret};
use crate::config::AuthConfig;
use crate::graph::http_transport::HttpTransport;
use crate::graph::transport::{BoxFuture, Transport, TransportError};
use crate::text::SafeText;

/// The config's placeholder: no app registration, so no sign-in is possible with it.
pub const PLACEHOLDER_CLIENT_ID: &str = "00000000-0000-0000-0000-000000000000";

/// How long one exchange with the sign-in service may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Entra's error answer: the standard fields plus its numeric codes and `suberror`, which tell a
/// consent request (keep the sign-in) from an ended sign-in (forget it).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct EntraError {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
    #[serde(default)]
    pub error_codes: Vec<u32>,
    #[serde(default)]
    pub suberror: Option<String>,
}

impl std::fmt::Display for EntraError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(SafeText::line(&self.error).as_str())
    }
}

impl oauth2::ErrorResponse for EntraError {}

impl From<EntraError> for EntraFailure {
    fn from(e: EntraError) -> Self {
        EntraFailure {
            error: e.error,
            description: e.error_description,
            codes: e.error_codes,
            suberror: e.suberror,
        }
    }
}

/// The id token as it came; only its claims are read (it came straight from the token endpoint over
/// the same connection rules as everything else, so its signature adds nothing here).
#[derive(Clone, Deserialize, Serialize)]
#[serde(transparent)]
pub struct RawIdToken(String);

impl std::fmt::Debug for RawIdToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RawIdToken(<redacted>)")
    }
}

/// What Entra adds to a token answer.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct EntraFields {
    #[serde(default)]
    pub id_token: Option<RawIdToken>,
}

impl ExtraTokenFields for EntraFields {}

pub type Answer = StandardTokenResponse<EntraFields, BasicTokenType>;

/// The oauth2 client for Entra, with the endpoints that are set marked in its type.
pub type Client<HasAuth = EndpointNotSet, HasDevice = EndpointNotSet> = oauth2::Client<
    EntraError,
    Answer,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    oauth2::basic::BasicRevocationErrorResponse,
    HasAuth,
    HasDevice,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// A token answer, as teamboard keeps it.
#[derive(Clone, Debug)]
pub struct Granted {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    pub expires_in: Duration,
    /// The scopes Entra granted (its `scope` field), short names (`Presence.Read.All`).
    pub scopes: Vec<String>,
    /// Who signed in, from the id token (absent in refresh answers that carry none).
    pub account: Option<Account>,
}

impl Granted {
    pub fn from_answer(answer: &Answer) -> Self {
        let scopes = answer
            .scopes()
            .map(|s| s.iter().map(|s| short_scope(s).to_owned()).collect())
            .unwrap_or_default();
        Self {
            access_token: Secret::new(answer.access_token().secret().as_str()),
            refresh_token: answer
                .refresh_token()
                .map(|t| Secret::new(t.secret().as_str())),
            // Entra always sends it; an hour is what it gives when it does not say.
            expires_in: answer
                .expires_in()
                .unwrap_or(Duration::from_secs(3_600))
                .max(Duration::from_secs(1)),
            scopes,
            account: answer
                .extra_fields()
                .id_token
                .as_ref()
                .and_then(|t| id_token::account(&t.0)),
        }
    }
}

/// `https://graph.microsoft.com/Presence.Read.All` → `Presence.Read.All`.
pub fn short_scope(scope: &str) -> &str {
    match scope.rfind('/') {
        Some(i) if scope.starts_with("https://") || scope.starts_with("http://") => &scope[i + 1..],
        _ => scope,
    }
}

/// One configured sign-in service: where it is and the transport that reaches it.
#[derive(Clone)]
pub struct Entra {
    authority: String,
    tenant: String,
    client_id: String,
    transport: Arc<dyn Transport>,
}

impl std::fmt::Debug for Entra {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entra")
            .field("authority", &self.authority)
            .field("tenant", &self.tenant)
            .finish_non_exhaustive()
    }
}

impl Entra {
    /// The sign-in service `[auth]` names, reached over HTTPS (plain http only on loopback).
    pub fn from_config(auth: &AuthConfig) -> Result<Self, AuthError> {
        let transport = HttpTransport::new(&auth.authority)
            .map_err(|e| AuthError::Setup(SafeText::line(&e.user_line())))?;
        Self::new(auth, Arc::new(transport))
    }

    /// As `from_config`, over the given transport (tests answer it in-process).
    pub fn new(auth: &AuthConfig, transport: Arc<dyn Transport>) -> Result<Self, AuthError> {
        if auth.client_id.trim() == PLACEHOLDER_CLIENT_ID {
            return Err(AuthError::Setup(SafeText::line(&format!(
                "[auth] client_id is the placeholder {PLACEHOLDER_CLIENT_ID}, so no sign-in is possible: {REGISTER_HINT}"
            ))));
        }
        Ok(Self {
            authority: auth.authority.trim_end_matches('/').to_owned(),
            tenant: auth.tenant.clone(),
            client_id: auth.client_id.trim().to_owned(),
            transport,
        })
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    fn endpoint(&self, name: &str) -> String {
        format!("{}/{}/oauth2/v2.0/{name}", self.authority, self.tenant)
    }

    fn parse<T>(
        url: String,
        make: fn(String) -> Result<T, oauth2::url::ParseError>,
    ) -> Result<T, AuthError> {
        make(url).map_err(|_| {
            AuthError::Setup(SafeText::line(
                "[auth] authority and tenant do not make a usable URL; use e.g. authority = \"https://login.microsoftonline.com\" and tenant = \"organizations\"",
            ))
        })
    }

    /// A client that can refresh and use client credentials.
    pub fn client(&self) -> Result<Client, AuthError> {
        Ok(oauth2::Client::new(ClientId::new(self.client_id.clone()))
            .set_auth_type(oauth2::AuthType::RequestBody)
            .set_token_uri(Self::parse(self.endpoint("token"), TokenUrl::new)?))
    }

    /// A client for the browser flow.
    pub fn browser_client(&self) -> Result<Client<EndpointSet>, AuthError> {
        Ok(self
            .client()?
            .set_auth_uri(Self::parse(self.endpoint("authorize"), AuthUrl::new)?))
    }

    /// A client for the device-code flow.
    pub fn device_client(&self) -> Result<Client<EndpointNotSet, EndpointSet>, AuthError> {
        Ok(self.client()?.set_device_authorization_url(Self::parse(
            self.endpoint("devicecode"),
            DeviceAuthorizationUrl::new,
        )?))
    }

    /// One exchange with the sign-in service, as the oauth2 crate hands it over.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let (parts, body) = request.into_parts();
        let request = http::Request::from_parts(parts, Bytes::from(body));
        let response = tokio::time::timeout(TIMEOUT, self.transport.send(request))
            .await
            .map_err(|_| TransportError::Timeout)??;
        let (parts, body) = response.into_parts();
        Ok(http::Response::from_parts(parts, body.to_vec()))
    }
}

/// The oauth2 crate sends its requests through `Entra` itself.
impl<'c> AsyncHttpClient<'c> for Entra {
    type Error = TransportError;
    type Future = BoxFuture<'c, Result<HttpResponse, TransportError>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

/// The registration steps in one line, for errors; the README has them in full.
pub const REGISTER_HINT: &str = "register an app (Entra portal: App registrations, New registration; \
     redirect URI \"http://localhost\" as Mobile and desktop; Allow public client flows: Yes; \
     delegated Presence.Read.All and User.ReadBasic.All), then run `teamboard init --client-id <its \
     Application (client) ID>` or set [auth] client_id";

/// A failed token request as the user reads it. `during_refresh`: see `EntraFailure::into_error`.
pub fn token_error<E: oauth2::ErrorResponse + Into<EntraFailure>>(
    e: RequestTokenError<TransportError, E>,
    during_refresh: bool,
) -> AuthError {
    match e {
        RequestTokenError::ServerResponse(e) => e.into().into_error(during_refresh),
        RequestTokenError::Request(e) => AuthError::Network(SafeText::line(&e.to_string())),
        RequestTokenError::Parse(..) => AuthError::Network(SafeText::line(
            "the sign-in service sent an answer that could not be read",
        )),
        RequestTokenError::Other(why) => AuthError::Network(SafeText::line(&why)),
    }
}

impl From<oauth2::DeviceCodeErrorResponse> for EntraFailure {
    fn from(e: oauth2::DeviceCodeErrorResponse) -> Self {
        EntraFailure {
            error: e.error().as_ref().to_owned(),
            description: e.error_description().cloned(),
            codes: Vec::new(),
            suberror: None,
        }
    }
}

impl From<oauth2::basic::BasicErrorResponse> for EntraFailure {
    fn from(e: oauth2::basic::BasicErrorResponse) -> Self {
        EntraFailure {
            error: e.error().as_ref().to_owned(),
            description: e.error_description().cloned(),
            codes: Vec::new(),
            suberror: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_lose_their_resource_prefix() {
        assert_eq!(
            short_scope("https://graph.microsoft.com/Presence.Read.All"),
            "Presence.Read.All"
        );
        assert_eq!(short_scope("User.ReadBasic.All"), "User.ReadBasic.All");
        assert_eq!(short_scope("offline_access"), "offline_access");
    }

    #[test]
    fn the_placeholder_client_id_cannot_sign_in() {
        let auth = crate::config::Config::default().auth;
        let e = Entra::from_config(&auth).unwrap_err();
        assert!(e.to_string().contains("teamboard init --client-id"), "{e}");
        assert_eq!(e.exit(), crate::exit::Exit::Usage);
    }

    #[test]
    fn entra_errors_keep_codes_and_suberror() {
        let body = r#"{"error":"invalid_grant","error_description":"AADSTS65001: The user or administrator has not consented.","error_codes":[65001],"suberror":"consent_required","timestamp":"x"}"#;
        let e: EntraError = serde_json::from_str(body).unwrap();
        let f = EntraFailure::from(e);
        assert_eq!(f.code(), Some(65_001));
        assert_eq!(f.suberror.as_deref(), Some("consent_required"));
    }

    #[test]
    fn id_tokens_never_show_in_debug() {
        let fields = EntraFields {
            id_token: Some(RawIdToken("eyJhbGciOi.secret.sig".into())),
        };
        assert!(!format!("{fields:?}").contains("secret"));
    }
}
