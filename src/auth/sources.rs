//! Which token source a config gets: `TEAMBOARD_ACCESS_TOKEN` first (used as is, nothing stored),
//! then the app's own identity in app-only mode, else the signed-in account.

use std::sync::Arc;

use super::app_only::AppOnly;
use super::entra::Entra;
use super::session::Session;
use super::token_store::{Profile, TokenStore};
use super::{AuthError, NoToken, StaticToken, TokenSource, scopes};
use crate::config::{AuthMode, Config};
use crate::paths::{self, Env};
use crate::text::SafeText;

/// The token source, and the signed-in session behind it when there is one (the board's sign-in
/// panel hands new sign-ins to it).
pub struct Tokens {
    pub source: Arc<dyn TokenSource>,
    pub session: Option<Arc<Session>>,
    /// Why no sign-in is possible with this config (placeholder client id, no data directory).
    pub unusable: Option<AuthError>,
}

impl Tokens {
    fn fixed(source: Arc<dyn TokenSource>) -> Self {
        Self {
            source,
            session: None,
            unusable: None,
        }
    }
}

/// The profile tokens of this config are stored under.
pub fn profile(config: &Config) -> Profile {
    Profile {
        authority: config.auth.authority.trim_end_matches('/').to_owned(),
        client_id: config.auth.client_id.trim().to_owned(),
    }
}

/// The token store this config uses.
pub fn store(config: &Config, env: &dyn Env) -> Result<TokenStore, AuthError> {
    let dir = paths::data_dir(env).ok_or_else(|| {
        AuthError::Setup(SafeText::line(
            "cannot find a home directory to keep the sign-in in; set HOME or XDG_DATA_HOME",
        ))
    })?;
    Ok(TokenStore::new(config.auth.token_store, dir))
}

/// The signed-in account's session for this config (nothing is read until a token is asked for).
pub fn session(config: &Config, env: &dyn Env) -> Result<Session, AuthError> {
    let entra = Entra::from_config(&config.auth)?;
    Ok(Session::new(
        entra,
        Arc::new(store(config, env)?),
        profile(config),
        config.auth.tenant.clone(),
        scopes::delegated(config),
    ))
}

/// The token source for this config and environment.
pub fn for_config(config: &Config, env: &dyn Env) -> Tokens {
    if let Some(token) = StaticToken::from_env() {
        return Tokens::fixed(Arc::new(token));
    }
    if config.auth.mode == AuthMode::App {
        let built = Entra::from_config(&config.auth).and_then(|entra| {
            AppOnly::new(
                entra,
                config.auth.client_secret_env.as_deref().unwrap_or_default(),
                scopes::app_only(config),
                env,
            )
        });
        return match built {
            Ok(app) => Tokens::fixed(Arc::new(app)),
            Err(e) => Tokens {
                source: Arc::new(NoToken),
                session: None,
                unusable: Some(e),
            },
        };
    }
    match session(config, env) {
        Ok(session) => {
            let session = Arc::new(session);
            Tokens {
                source: session.clone(),
                session: Some(session),
                unusable: None,
            }
        }
        Err(e) => Tokens {
            source: Arc::new(NoToken),
            session: None,
            unusable: Some(e),
        },
    }
}

/// The snapshot cache for this config: per signed-in account when one is signed in (read from the
/// store's index, which holds no secret and needs no keyring), so two accounts never share a
/// snapshot. `TEAMBOARD_ACCESS_TOKEN` and app-only mode name no account.
pub fn cache_store(config: &Config, env: &dyn Env) -> Option<crate::store::Store> {
    let signed_in = StaticToken::from_env().is_none() && config.auth.mode == AuthMode::User;
    let account = signed_in
        .then(|| store(config, env).ok()?.status(&profile(config)))
        .flatten();
    crate::store::Store::for_account(
        config,
        account
            .as_ref()
            .map(|a| (a.tenant_id.as_str(), a.object_id.as_str())),
    )
}
