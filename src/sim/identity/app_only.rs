//! The client credentials grant (app-only, for wall displays): the app's secret for a Graph token
//! that carries application permissions (`roles`) and no user.

use axum::response::Response;
use serde_json::json;

use super::scopes::{self, APP_ROLES};
use super::tokens::{Grant, jwt, unix_now};
use super::{Identity, json_response};
use crate::sim::errors::OAuthError;
use crate::sim::faults::lock;
use crate::sim::ids::opaque;
use crate::sim::query;

impl Identity {
    pub(super) fn client_credentials(
        &self,
        client_id: &str,
        form: &[(String, String)],
    ) -> Result<Response, OAuthError> {
        let options = self.options();
        let secret = query::get(form, "client_secret")
            .ok_or_else(super::refusals::public_client_flows_off)?;
        if secret != self.client_secret(&options) {
            return Err(OAuthError::new(
                "invalid_client",
                7_000_215,
                format!(
                    "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'."
                ),
            ));
        }
        let scope = query::get(form, "scope").ok_or_else(|| OAuthError::missing("scope"))?;
        if !scopes::is_graph_default(scope) {
            return Err(OAuthError::new(
                "invalid_scope",
                1_002_012,
                format!(
                    "The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."
                ),
            ));
        }
        let lifetime = options.access_token_lifetime.as_secs();
        let iat = unix_now();
        let access = {
            let mut s = lock(&self.stream);
            let uti = opaque(&mut s, 22);
            jwt(
                &mut s,
                &json!({
                    "aud": "https://graph.microsoft.com",
                    "iss": format!("https://sts.windows.net/{}/", self.tenant_id),
                    "iat": iat,
                    "nbf": iat,
                    "exp": iat.saturating_add(i64::try_from(lifetime).unwrap_or(i64::MAX)),
                    "appid": client_id,
                    "appidacr": "1",
                    "idtyp": "app",
                    "oid": self.app_object_id,
                    "roles": APP_ROLES,
                    "sub": self.app_object_id,
                    "tid": self.tenant_id,
                    "uti": uti,
                    "ver": "1.0",
                }),
            )
        };
        self.remember(
            &access,
            Grant {
                permissions: APP_ROLES.to_vec(),
                app_only: true,
            },
            &options,
        );
        Ok(json_response(&json!({
            "token_type": "Bearer",
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": access,
        })))
    }
}
