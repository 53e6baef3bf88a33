//! The browser flow: authorization code with PKCE (S256) and a loopback redirect. teamboard listens
//! on `http://localhost:{port}` (127.0.0.1 and `::1`, a port the system picks), opens the sign-in page
//! in a browser, serves the one redirect that carries its `state`, and trades the code for tokens.

mod listener;
mod opener;

use std::time::Duration;

use oauth2::{
    AuthorizationCode, CsrfToken, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
};

pub use listener::Redirect;
pub use opener::{Opened, is_openable, open};

use super::AuthError;
use super::entra::{Entra, Granted, token_error};
use super::error::EntraFailure;
use crate::text::SafeText;

/// How long to wait for the browser to come back before giving up.
pub const WAIT: Duration = Duration::from_secs(300);

/// A sign-in page waiting for the user. The PKCE verifier and `state` never leave this value.
pub struct BrowserLogin {
    /// The sign-in page, made safe to show (in case the browser did not open).
    pub url: SafeText,
    raw_url: String,
    redirect_uri: String,
    state: CsrfToken,
    verifier: PkceCodeVerifier,
    listener: listener::Listener,
}

impl std::fmt::Debug for BrowserLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrowserLogin")
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

impl BrowserLogin {
    /// The sign-in page's URL, for opening it.
    pub fn raw_url(&self) -> &str {
        &self.raw_url
    }
}

/// Listens on loopback and builds the sign-in page's URL for these scopes.
pub async fn start(entra: &Entra, scopes: &[String]) -> Result<BrowserLogin, AuthError> {
    let listener = listener::Listener::bind().await.map_err(|e| {
        AuthError::Setup(SafeText::line(&format!(
            "could not listen on localhost for the browser's answer ({e}); run `teamboard login --device-code`"
        )))
    })?;
    let redirect_uri = format!("http://localhost:{}", listener.port());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let redirect = RedirectUrl::new(redirect_uri.clone())
        .map_err(|_| AuthError::Setup(SafeText::line("could not build the loopback address")))?;
    let (url, state) = entra
        .browser_client()?
        .set_redirect_uri(redirect)
        .authorize_url(CsrfToken::new_random)
        .add_scopes(scopes.iter().map(|s| Scope::new(s.clone())))
        .set_pkce_challenge(challenge)
        .add_extra_param("prompt", "select_account")
        .url();
    Ok(BrowserLogin {
        url: SafeText::line(url.as_str()),
        raw_url: url.to_string(),
        redirect_uri,
        state,
        verifier,
        listener,
    })
}

/// Waits (at most `wait`) for the browser to come back, then trades the code for tokens.
pub async fn finish(
    entra: &Entra,
    login: BrowserLogin,
    wait: Duration,
) -> Result<Granted, AuthError> {
    let BrowserLogin {
        redirect_uri,
        state,
        verifier,
        listener,
        ..
    } = login;
    let redirect = tokio::time::timeout(wait, listener.serve_one(state.secret()))
        .await
        .map_err(|_| {
            AuthError::Entra(SafeText::line(&format!(
                "no answer from the browser within {} minutes; run `teamboard login` again, or \
                 `teamboard login --device-code` where no browser can reach this machine",
                wait.as_secs() / 60
            )))
        })?;
    let code = match redirect {
        Redirect::Code(code) => code,
        Redirect::Error { error, description } => {
            return Err(EntraFailure {
                error,
                description,
                codes: Vec::new(),
                suberror: None,
            }
            .into_error(false));
        }
    };
    let redirect = RedirectUrl::new(redirect_uri)
        .map_err(|_| AuthError::Setup(SafeText::line("could not build the loopback address")))?;
    let answer = entra
        .browser_client()?
        .set_redirect_uri(redirect)
        .exchange_code(AuthorizationCode::new(code.expose().to_owned()))
        .set_pkce_verifier(verifier)
        .add_extra_param("client_info", "1")
        .request_async(entra)
        .await
        .map_err(|e| token_error(e, false))?;
    Ok(Granted::from_answer(&answer))
}
