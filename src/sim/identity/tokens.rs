//! Tokens: the JWT-shaped access and id tokens this tenant issues, the token answer, and the bearer
//! check Graph makes with what each token allows.

use axum::response::Response;
use http::{HeaderMap, StatusCode, header};
use serde_json::json;
use tokio::time::Instant;

use super::refresh::Refresh;
use super::scopes::{self, REGISTERED, Requested};
use super::{Identity, IdentityOptions, json_response, later};
use crate::sim::errors::GraphError;
use crate::sim::faults::lock;
use crate::sim::ids::{Stream, base64url, hash, opaque};

/// The signing key's id: the header of every token names it and the key set serves it.
pub(crate) const KEY_ID: &str = "sim-kBq3x7LwJ0pTf2YvN9cR4eHd6uA";

/// The static token the sim accepts: JWT-shaped, like a real one, but signed by nobody. It holds
/// every permission the app registration has, so the demo can read and write everything.
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
            "scp": REGISTERED.join(" "),
            "idtyp": "user",
            "ver": "1.0",
        }),
    )
}

/// A JWT with a placeholder signature: clients read the claims, only Graph checks the token.
pub(super) fn jwt(s: &mut Stream, claims: &serde_json::Value) -> String {
    let head = base64url(format!(r#"{{"typ":"JWT","alg":"RS256","kid":"{KEY_ID}"}}"#).as_bytes());
    let body = base64url(claims.to_string().as_bytes());
    format!("{head}.{body}.{}", opaque(s, 342))
}

/// Seconds since the epoch on the wall clock: clients check `exp` and `nbf` against theirs.
pub(super) fn unix_now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// A stable hash of some text (client ids), for ids derived from it.
pub(super) fn text_hash(seed: u64, text: &str) -> u64 {
    text.to_ascii_lowercase()
        .bytes()
        .fold(hash(&[seed]), |acc, b| hash(&[acc, u64::from(b)]))
}

/// What a bearer token allows, read back when Graph is called.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Grant {
    /// Delegated scopes (`scp`) or, for an app-only token, application permissions (`roles`).
    pub permissions: Vec<&'static str>,
    pub app_only: bool,
}

pub(crate) struct Access {
    pub issued: Instant,
    pub expires: Instant,
    pub grant: Grant,
}

/// One token answer to build.
pub(super) struct Issue<'a> {
    pub client_id: &'a str,
    pub requested: &'a Requested,
    /// Echoed in the id token, as sent to the authorize endpoint.
    pub nonce: Option<&'a str>,
    /// The request sent `client_info=1`.
    pub client_info: bool,
    /// Where the request came: the id token's issuer is this origin.
    pub origin: &'a str,
}

impl Identity {
    /// Graph's bearer check: 401 `InvalidAuthenticationToken` with the message Graph gives, else
    /// what the token allows.
    pub(crate) fn check_bearer(
        &self,
        headers: &HeaderMap,
        static_token: &str,
        expired_before: Option<Instant>,
    ) -> Result<Grant, GraphError> {
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
        let (issued, grant) = if token == static_token {
            let grant = Grant {
                permissions: REGISTERED.to_vec(),
                app_only: false,
            };
            (self.created, grant)
        } else {
            let access = lock(&self.access);
            let found = access
                .get(token)
                .ok_or_else(|| refuse("Access token validation failure. Invalid audience."))?;
            if Instant::now() >= found.expires {
                return Err(refuse("Lifetime validation failed, the token is expired."));
            }
            (found.issued, found.grant.clone())
        };
        if expired_before.is_some_and(|at| issued <= at) {
            return Err(refuse("Lifetime validation failed, the token is expired."));
        }
        Ok(grant)
    }

    /// Remembers an access token for the bearer check.
    pub(super) fn remember(&self, token: &str, grant: Grant, options: &IdentityOptions) {
        let now = Instant::now();
        lock(&self.access).insert(
            token.to_owned(),
            Access {
                issued: now,
                expires: later(now, options.access_token_lifetime),
                grant,
            },
        );
    }

    /// A delegated token answer: every Graph permission consented for the client, an id token when
    /// `openid` was asked, a refresh token when `offline_access` was (or on a refresh), and
    /// `client_info` when asked for.
    pub(super) fn issue(
        &self,
        request: &Issue<'_>,
        with_refresh: bool,
        options: &IdentityOptions,
    ) -> Response {
        let granted = self.consent.granted(request.client_id);
        let scope = scopes::answer(&granted, request.requested);
        let scp = scopes::scp(&granted, request.requested);
        let lifetime = options.access_token_lifetime.as_secs();
        let iat = unix_now();
        let exp = iat.saturating_add(i64::try_from(lifetime).unwrap_or(i64::MAX));
        let me = &self.me;
        let (access, refresh, id_token) = {
            let mut s = lock(&self.stream);
            let (sub, uti) = (opaque(&mut s, 43), opaque(&mut s, 22));
            let access = jwt(
                &mut s,
                &json!({
                    "aud": "https://graph.microsoft.com",
                    "iss": format!("https://sts.windows.net/{}/", self.tenant_id),
                    "iat": iat,
                    "nbf": iat,
                    "exp": exp,
                    "acct": 0,
                    "amr": ["pwd"],
                    "appid": request.client_id,
                    "appidacr": "0",
                    "idtyp": "user",
                    "name": me.name,
                    "oid": me.oid,
                    "scp": scp,
                    "sub": sub,
                    "tid": self.tenant_id,
                    "unique_name": me.upn,
                    "upn": me.upn,
                    "uti": uti,
                    "ver": "1.0",
                }),
            );
            let refresh = format!("1.AXkA{}", opaque(&mut s, 300));
            let id_token = request.requested.openid.then(|| {
                let (aio, rh, uti) = (opaque(&mut s, 48), opaque(&mut s, 40), opaque(&mut s, 22));
                let mut claims = json!({
                    "aud": request.client_id,
                    "iss": format!("{}/{}/v2.0", request.origin, self.tenant_id),
                    "iat": iat,
                    "nbf": iat,
                    "exp": iat + 3_600,
                    "aio": aio,
                    "name": me.name,
                    "oid": me.oid,
                    "preferred_username": me.upn,
                    "rh": format!("1.AXkA{rh}."),
                    "sub": self.pairwise_sub(request.client_id),
                    "tid": self.tenant_id,
                    "uti": uti,
                    "ver": "2.0",
                });
                if let Some(nonce) = request.nonce {
                    claims["nonce"] = nonce.into();
                }
                jwt(&mut s, &claims)
            });
            (access, refresh, id_token)
        };
        self.remember(
            &access,
            Grant {
                permissions: granted,
                app_only: false,
            },
            options,
        );
        let mut body = json!({
            "token_type": "Bearer",
            "scope": scope,
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": access,
        });
        if with_refresh {
            lock(&self.refresh).insert(
                refresh.clone(),
                Refresh::new(request.client_id, request.requested.clone()),
            );
            body["refresh_token"] = refresh.into();
        }
        if let Some(id_token) = id_token {
            body["id_token"] = id_token.into();
        }
        if request.client_info {
            let info = json!({ "uid": me.oid, "utid": self.tenant_id });
            body["client_info"] = base64url(info.to_string().as_bytes()).into();
        }
        json_response(&body)
    }

    /// `sub` is pairwise: the same user has a different, stable `sub` in each app.
    fn pairwise_sub(&self, client_id: &str) -> String {
        let mut s = Stream::new(hash(&[text_hash(self.seed, client_id), 0x5B]));
        opaque(&mut s, 43)
    }
}
