//! Tokens: the JWT-shaped access tokens this tenant issues and checks, and refresh-token rotation.

use axum::response::Response;
use http::{HeaderMap, StatusCode, header};
use serde_json::json;
use tokio::time::Instant;

use super::{Access, Identity, IdentityOptions, Refresh, json_response, later};
use crate::sim::errors::{GraphError, OAuthError};
use crate::sim::faults::lock;
use crate::sim::ids::{Stream, base64url, hash, opaque};
use crate::sim::query;

/// The static token the sim accepts: JWT-shaped, like a real one, but signed by nobody.
pub(crate) fn static_token(seed: u64, tenant_id: &str, me_id: &str) -> String {
    let mut s = Stream::new(hash(&[seed, 0x70]));
    jwt(
        &mut s,
        &json!({
            "aud": "https://graph.microsoft.com",
            "iss": format!("https://sts.windows.net/{tenant_id}/"),
            "tid": tenant_id,
            "oid": me_id,
            "name": "teamboard simulated tenant",
            "scp": "Presence.Read.All User.ReadBasic.All GroupMember.Read.All Place.Read.All",
        }),
    )
}

fn jwt(s: &mut Stream, claims: &serde_json::Value) -> String {
    let head = base64url(br#"{"typ":"JWT","alg":"RS256","kid":"teamboard-sim"}"#);
    let body = base64url(claims.to_string().as_bytes());
    format!("{head}.{body}.{}", opaque(s, 86))
}

impl Identity {
    /// Graph's bearer check: 401 `InvalidAuthenticationToken` with the message Graph gives.
    pub(crate) fn check_bearer(
        &self,
        headers: &HeaderMap,
        static_token: &str,
        expired_before: Option<Instant>,
    ) -> Result<(), GraphError> {
        let refuse = |message: &str| {
            GraphError::new(
                StatusCode::UNAUTHORIZED,
                "InvalidAuthenticationToken",
                message,
            )
        };
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| refuse("Access token is empty."))?;
        if !token.contains('.') {
            return Err(refuse(
                "IDX14100: JWT is not well formed, there are no dots (.).",
            ));
        }
        let issued = if token == static_token {
            self.created
        } else {
            let access = lock(&self.access);
            let found = access
                .get(token)
                .ok_or_else(|| refuse("Access token validation failure. Invalid audience."))?;
            if Instant::now() >= found.expires {
                return Err(refuse("Lifetime validation failed, the token is expired."));
            }
            found.issued
        };
        if expired_before.is_some_and(|at| issued <= at) {
            return Err(refuse("Lifetime validation failed, the token is expired."));
        }
        Ok(())
    }

    pub(super) fn refresh_grant(
        &self,
        client_id: &str,
        form: &[(String, String)],
    ) -> Result<Response, OAuthError> {
        let presented = query::get(form, "refresh_token")
            .ok_or_else(|| OAuthError::missing("refresh_token"))?;
        let scope = {
            let mut tokens = lock(&self.refresh);
            let token = tokens.get_mut(presented).ok_or_else(|| {
                OAuthError::new(
                    "invalid_grant",
                    9_002_313,
                    "Invalid request. Request is malformed or invalid.",
                )
            })?;
            if token.spent {
                return Err(OAuthError::new(
                    "invalid_grant",
                    50_173,
                    "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on a refresh token that has since been replaced.",
                ));
            }
            if token.client_id != client_id {
                return Err(OAuthError::new(
                    "invalid_grant",
                    70_000,
                    "Provided grant is invalid or malformed.",
                ));
            }
            token.spent = true;
            query::get(form, "scope").map_or_else(|| token.scope.clone(), str::to_owned)
        };
        Ok(self.issue(client_id, &scope, &self.options()))
    }

    /// A token answer; a refresh token only when `offline_access` was asked for (as Entra does).
    pub(super) fn issue(
        &self,
        client_id: &str,
        scope: &str,
        options: &IdentityOptions,
    ) -> Response {
        let now = Instant::now();
        let (access, refresh, id_token) = {
            let mut s = lock(&self.stream);
            let jti = opaque(&mut s, 22);
            let access = jwt(
                &mut s,
                &json!({
                    "aud": "https://graph.microsoft.com",
                    "iss": format!("https://sts.windows.net/{}/", self.tenant_id),
                    "tid": self.tenant_id,
                    "appid": client_id,
                    "scp": granted(scope),
                    "uti": jti,
                }),
            );
            let refresh = format!("1.AXkA{}", opaque(&mut s, 300));
            let id_token = jwt(
                &mut s,
                &json!({ "aud": client_id, "tid": self.tenant_id, "ver": "2.0" }),
            );
            (access, refresh, id_token)
        };
        lock(&self.access).insert(
            access.clone(),
            Access {
                issued: now,
                expires: later(now, options.access_token_lifetime),
            },
        );
        let lifetime = options.access_token_lifetime.as_secs();
        let mut body = json!({
            "token_type": "Bearer",
            "scope": granted(scope),
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": access,
        });
        let wants = |s: &str| scope.split_whitespace().any(|w| w.eq_ignore_ascii_case(s));
        if wants("offline_access") {
            lock(&self.refresh).insert(
                refresh.clone(),
                Refresh {
                    client_id: client_id.to_owned(),
                    scope: scope.to_owned(),
                    spent: false,
                },
            );
            body["refresh_token"] = refresh.into();
        }
        if wants("openid") {
            body["id_token"] = id_token.into();
        }
        json_response(&body)
    }
}

/// The Graph scopes granted, as the token answer lists them (`OpenID` scopes are not echoed).
fn granted(scope: &str) -> String {
    scope
        .split_whitespace()
        .filter(|s| {
            !["offline_access", "openid", "profile", "email"]
                .contains(&s.to_ascii_lowercase().as_str())
        })
        .collect::<Vec<_>>()
        .join(" ")
}
