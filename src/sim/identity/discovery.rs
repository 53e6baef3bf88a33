//! What standard clients read before signing in: the `OpenID` configuration, the signing keys, and
//! the instance discovery MSAL asks first, all in Entra's shapes and pointing back at this server.

use axum::response::Response;
use serde_json::{Value, json};

use super::tokens::KEY_ID;
use super::{Identity, json_response};
use crate::sim::errors::OAuthError;
use crate::sim::ids::{Stream, base64url, hash};
use crate::sim::query;

/// Tenants that stand for "any organization": Entra's issuer then has a `{tenantid}` placeholder.
const MULTI_TENANT: [&str; 2] = ["organizations", "common"];

pub(crate) fn invalid_tenant(tenant: &str) -> OAuthError {
    OAuthError::new(
        "invalid_tenant",
        90_002,
        format!(
            "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
        ),
    )
}

impl Identity {
    /// The tenant as the endpoints name it (the GUID for a domain) and as the issuer names it.
    fn tenant_names(&self, tenant: &str) -> Option<(String, String)> {
        if let Some(multi) = MULTI_TENANT.iter().find(|m| m.eq_ignore_ascii_case(tenant)) {
            return Some(((*multi).to_owned(), "{tenantid}".to_owned()));
        }
        self.tenant_known(tenant)
            .then(|| (self.tenant_id.clone(), self.tenant_id.clone()))
    }

    /// `GET /{tenant}/v2.0/.well-known/openid-configuration`.
    pub(crate) fn openid_configuration(
        &self,
        origin: &str,
        tenant: &str,
    ) -> Result<Response, OAuthError> {
        let (path, issuer) = self
            .tenant_names(tenant)
            .ok_or_else(|| invalid_tenant(tenant))?;
        let base = format!("{origin}/{path}");
        let region = if issuer == self.tenant_id {
            json!("NA")
        } else {
            Value::Null
        };
        Ok(json_response(&json!({
            "token_endpoint": format!("{base}/oauth2/v2.0/token"),
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": format!("{base}/discovery/v2.0/keys"),
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": format!("{origin}/{issuer}/v2.0"),
            "request_uri_parameter_supported": false,
            "authorization_endpoint": format!("{base}/oauth2/v2.0/authorize"),
            "device_authorization_endpoint": format!("{base}/oauth2/v2.0/devicecode"),
            "http_logout_supported": true,
            "frontchannel_logout_supported": true,
            "end_session_endpoint": format!("{base}/oauth2/v2.0/logout"),
            "claims_supported": [
                "sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name",
                "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username",
                "name", "tid", "ver", "at_hash", "c_hash", "email",
            ],
            "tenant_region_scope": region,
            "cloud_instance_name": "microsoftonline.com",
            "cloud_graph_host_name": "graph.windows.net",
            // This server is Graph too.
            "msgraph_host": host_of(origin),
            "rbac_url": "https://pas.windows.net",
        })))
    }

    /// `GET /{tenant}/discovery/v2.0/keys`: the one key whose id every token's header names.
    pub(crate) fn keys(&self, origin: &str, tenant: &str) -> Result<Response, OAuthError> {
        let (_, issuer) = self
            .tenant_names(tenant)
            .ok_or_else(|| invalid_tenant(tenant))?;
        // A 2048-bit modulus: top bit set and odd, as an RSA modulus is.
        let mut s = Stream::new(hash(&[self.seed, 0x4B]));
        let mut modulus: Vec<u8> = (0..32).flat_map(|_| s.next().to_be_bytes()).collect();
        modulus[0] |= 0x80;
        modulus[255] |= 1;
        Ok(json_response(&json!({
            "keys": [{
                "kty": "RSA",
                "use": "sig",
                "kid": KEY_ID,
                "x5t": KEY_ID,
                "n": base64url(&modulus),
                "e": "AQAB",
                "cloud_instance_name": "microsoftonline.com",
                "issuer": format!("{origin}/{issuer}/v2.0"),
            }],
        })))
    }

    /// `GET /common/discovery/instance?api-version=1.1&authorization_endpoint=...`: this server is
    /// the only instance it knows; any other host is `invalid_instance`. MSAL names the instance by
    /// host name alone (no port), so the port is not compared.
    pub(crate) fn instance_discovery(
        origin: &str,
        params: &[(String, String)],
    ) -> Result<Response, OAuthError> {
        let endpoint = query::get(params, "authorization_endpoint")
            .ok_or_else(|| OAuthError::missing("authorization_endpoint"))?;
        let host = host_of(origin);
        let (scheme, rest) = endpoint.split_once("://").unwrap_or(("", endpoint));
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let tenant = path.split('/').next().unwrap_or_default();
        if !hostname(authority).eq_ignore_ascii_case(hostname(host))
            || !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
            || tenant.is_empty()
        {
            return Err(OAuthError::new(
                "invalid_instance",
                50_049,
                "Unknown or invalid instance.",
            ));
        }
        Ok(json_response(&json!({
            "tenant_discovery_endpoint": format!(
                "{origin}/{tenant}/v2.0/.well-known/openid-configuration"
            ),
            "api-version": "1.1",
            "metadata": [{
                "preferred_network": host,
                "preferred_cache": host,
                "aliases": [host],
            }],
        })))
    }
}

/// `host[:port]` of an origin.
fn host_of(origin: &str) -> &str {
    origin.split_once("://").map_or(origin, |(_, host)| host)
}

/// The host name of `host[:port]` (an IPv6 literal keeps its brackets).
fn hostname(authority: &str) -> &str {
    match authority.rfind(':') {
        Some(at) if !authority[at..].contains(']') => &authority[..at],
        _ => authority,
    }
}
