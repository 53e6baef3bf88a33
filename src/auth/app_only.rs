//! App-only mode for shared screens: the app registration's own identity (client credentials), with
//! its secret read from an environment variable the config names, never from the file. There is no
//! signed-in user, so no `/me` and no writing "your" presence.

use std::time::Duration;

use oauth2::{ClientSecret, Scope};
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::entra::{Entra, token_error};
use super::session::renew_after;
use super::{AuthError, Secret, TokenSource};
use crate::graph::transport::BoxFuture;
use crate::paths::Env;
use crate::text::SafeText;

pub struct AppOnly {
    entra: Entra,
    secret: Secret,
    scope: String,
    held: Mutex<Option<(Secret, Instant)>>,
}

impl std::fmt::Debug for AppOnly {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppOnly").finish_non_exhaustive()
    }
}

impl AppOnly {
    /// `secret_env` names the variable that holds the client secret.
    pub fn new(
        entra: Entra,
        secret_env: &str,
        scope: String,
        env: &dyn Env,
    ) -> Result<Self, AuthError> {
        let secret = env
            .var(secret_env)
            .map(|v| v.to_string_lossy().trim().to_owned())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                AuthError::Setup(SafeText::line(&format!(
                    "app-only mode needs the app's client secret in the environment variable {secret_env} \
                     ([auth] client_secret_env); set it, e.g. `export {secret_env}=...`"
                )))
            })?;
        Ok(Self {
            entra,
            secret: Secret::new(secret),
            scope,
            held: Mutex::new(None),
        })
    }

    async fn token(&self, rejected: Option<&Secret>) -> Result<Secret, AuthError> {
        let mut held = self.held.lock().await;
        if let Some((token, renew_at)) = held.as_ref() {
            let refused = rejected == Some(token);
            if !refused && (rejected.is_some() || Instant::now() < *renew_at) {
                return Ok(token.clone());
            }
        }
        let answer = self
            .entra
            .client()?
            .set_client_secret(ClientSecret::new(self.secret.expose().to_owned()))
            .exchange_client_credentials()
            .add_scope(Scope::new(self.scope.clone()))
            .request_async(&self.entra)
            .await
            .map_err(|e| token_error(e, false))?;
        let granted = super::entra::Granted::from_answer(&answer);
        let lifetime = granted.expires_in.max(Duration::from_secs(1));
        let token = granted.access_token;
        *held = Some((token.clone(), Instant::now() + renew_after(lifetime)));
        tracing::info!(lifetime_s = lifetime.as_secs(), "app-only token obtained");
        Ok(token)
    }
}

impl TokenSource for AppOnly {
    fn bearer(&self) -> BoxFuture<'_, Result<Secret, AuthError>> {
        Box::pin(self.token(None))
    }

    fn refresh_after_401<'a>(
        &'a self,
        rejected: &'a Secret,
    ) -> BoxFuture<'a, Result<Secret, AuthError>> {
        Box::pin(self.token(Some(rejected)))
    }
}
