//! The browser flow: `GET /authorize` approves at once and sends the browser back to the app's
//! loopback address with a code; `grant_type=authorization_code` redeems it once, with PKCE (S256).

use std::time::Duration;

use axum::response::Response;
use sha2::{Digest, Sha256};
use tokio::time::Instant;

use super::options::SignInError;
use super::scopes::{self, Requested};
use super::tokens::Issue;
use super::{Identity, consent, refusals};
use crate::sim::errors::OAuthError;
use crate::sim::faults::lock;
use crate::sim::ids::{base64url, opaque};
use crate::sim::query;

mod answer;

pub(crate) use answer::Answer;
use answer::{Mode, Target};

/// How long an authorization code can be redeemed.
const CODE_LIFETIME: Duration = Duration::from_secs(600);

pub(crate) struct Code {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    requested: Requested,
    nonce: Option<String>,
    expires: Instant,
    redeemed: bool,
}

/// A native app's redirect: `http://localhost`, `http://127.0.0.1` or `http://[::1]`, any port,
/// any path; nothing else can be trusted with a code.
pub(crate) fn is_loopback(uri: &str) -> bool {
    let Some(rest) = uri
        .get(..7)
        .filter(|scheme| scheme.eq_ignore_ascii_case("http://"))
        .map(|_| &uri[7..])
    else {
        return false;
    };
    if uri.contains('#') || uri.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return false;
    }
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some(split) => split,
            None => return false,
        },
        None => authority
            .find(':')
            .map_or((authority, ""), |at| authority.split_at(at)),
    };
    let port_ok = port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok());
    port_ok
        && ["localhost", "127.0.0.1", "::1"]
            .iter()
            .any(|h| h.eq_ignore_ascii_case(host))
}

/// True when BASE64URL(SHA-256(verifier)) is the challenge (RFC 7636, S256).
fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    base64url(&Sha256::digest(verifier.as_bytes())) == challenge
}

fn redirect_mismatch(redirect_uri: &str, client_id: &str) -> OAuthError {
    OAuthError::new(
        "invalid_request",
        50_011,
        format!(
            "The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this."
        ),
    )
}

fn pkce_required() -> OAuthError {
    OAuthError::new(
        "invalid_request",
        9_002_325,
        "Proof Key for Code Exchange is required for cross-origin authorization code redemption.",
    )
}

impl Identity {
    /// The authorize endpoint: checks the request as Entra does, then approves at once.
    pub(crate) fn authorize(&self, tenant: &str, params: &[(String, String)]) -> Answer {
        let options = self.options();
        let client_id = match self.client(params, &options) {
            Ok(id) => id,
            Err(e) => return Answer::Page(e),
        };
        let Some(redirect_uri) = query::get(params, "redirect_uri") else {
            return Answer::Page(OAuthError::missing("redirect_uri"));
        };
        if !is_loopback(redirect_uri) {
            return Answer::Page(redirect_mismatch(redirect_uri, client_id));
        }
        let mode = match query::get(params, "response_mode") {
            None | Some("query") => Some(Mode::Query),
            Some("fragment") => Some(Mode::Fragment),
            Some("form_post") => Some(Mode::FormPost),
            Some(_) => None,
        };
        let target = Target {
            redirect_uri: redirect_uri.to_owned(),
            state: query::get(params, "state").map(str::to_owned),
            mode: mode.unwrap_or(Mode::Query),
        };
        if let Some(refusal) = super::tenant_refusal(tenant, client_id, &options) {
            return Answer::Refused(target, refusal);
        }
        if !self.tenant_known(tenant) {
            return Answer::Page(super::discovery::invalid_tenant(tenant));
        }
        match self.approve(client_id, params, mode.is_some()) {
            Ok(code) => Answer::Approved(target, code),
            Err(e) => Answer::Refused(target, e),
        }
    }

    /// Everything that is the app's to hear about, then the code.
    fn approve(
        &self,
        client_id: &str,
        params: &[(String, String)],
        mode_ok: bool,
    ) -> Result<String, OAuthError> {
        let options = self.options();
        if !mode_ok {
            return Err(OAuthError::new(
                "invalid_request",
                90_017,
                "The provided value for the input parameter 'response_mode' is not valid.",
            ));
        }
        let response_type = query::get(params, "response_type")
            .ok_or_else(|| OAuthError::missing("response_type"))?;
        if response_type != "code" {
            return Err(OAuthError::new(
                "unsupported_response_type",
                700_054,
                format!("response_type '{response_type}' is not enabled for the application."),
            ));
        }
        let scope = query::get(params, "scope")
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| OAuthError::missing("scope"))?;
        let requested = scopes::parse(scope)?;
        let challenge = query::get(params, "code_challenge").ok_or_else(pkce_required)?;
        // Entra takes a missing method for `plain`; this public client must use S256.
        if query::get(params, "code_challenge_method") != Some("S256") {
            return Err(OAuthError::new(
                "invalid_request",
                5_002_302,
                "The code_challenge_method provided is not supported for this application. Use 'S256'.",
            ));
        }
        if challenge.len() != 43
            || !challenge
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(OAuthError::new(
                "invalid_request",
                501_491,
                "Invalid size of Code_Challenge parameter.",
            ));
        }
        if options.sign_in_error == Some(SignInError::ConsentRequired) {
            return Err(consent::required(client_id, None));
        }
        self.consent.interactive(
            client_id,
            &requested.graph,
            &options.admin_only_scopes,
            None,
        )?;
        let code = {
            let mut s = lock(&self.stream);
            format!("1.AXkA{}", opaque(&mut s, 200))
        };
        lock(&self.codes).insert(
            code.clone(),
            Code {
                client_id: client_id.to_owned(),
                redirect_uri: query::get(params, "redirect_uri")
                    .unwrap_or_default()
                    .to_owned(),
                challenge: challenge.to_owned(),
                requested,
                nonce: query::get(params, "nonce").map(str::to_owned),
                expires: Instant::now() + CODE_LIFETIME,
                redeemed: false,
            },
        );
        Ok(code)
    }

    /// `grant_type=authorization_code`: the code once, from the same redirect URI, with the
    /// verifier whose hash was the challenge.
    pub(super) fn code_grant(
        &self,
        client_id: &str,
        form: &[(String, String)],
        origin: &str,
    ) -> Result<Response, OAuthError> {
        let code = query::get(form, "code").ok_or_else(|| OAuthError::missing("code"))?;
        let redirect_uri =
            query::get(form, "redirect_uri").ok_or_else(|| OAuthError::missing("redirect_uri"))?;
        let options = self.options();
        let (requested, nonce) = {
            let mut codes = lock(&self.codes);
            let entry = codes.get_mut(code).ok_or_else(refusals::malformed_grant)?;
            if entry.redeemed {
                return Err(refusals::code_redeemed());
            }
            if !entry.client_id.eq_ignore_ascii_case(client_id) {
                return Err(refusals::grant_of_another_client());
            }
            if Instant::now() >= entry.expires {
                return Err(OAuthError::new(
                    "invalid_grant",
                    70_008,
                    "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
                ));
            }
            if entry.redirect_uri != redirect_uri {
                return Err(OAuthError::new(
                    "invalid_grant",
                    500_112,
                    format!(
                        "The reply address '{redirect_uri}' does not match the reply address '{}' provided when requesting Authorization code.",
                        entry.redirect_uri
                    ),
                ));
            }
            let verifier = query::get(form, "code_verifier").unwrap_or_default();
            if !pkce_matches(verifier, &entry.challenge) {
                return Err(OAuthError::new(
                    "invalid_grant",
                    501_481,
                    "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
                ));
            }
            entry.redeemed = true;
            (entry.requested.clone(), entry.nonce.clone())
        };
        let issue = Issue {
            client_id,
            requested: &requested,
            nonce: nonce.as_deref(),
            client_info: query::get(form, "client_info") == Some("1"),
            origin,
        };
        Ok(self.issue(&issue, requested.offline_access, &options))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_redirects_are_trusted() {
        for good in [
            "http://localhost",
            "http://localhost:8400",
            "http://localhost:8400/callback?x=1",
            "http://127.0.0.1:53123/",
            "http://[::1]:8080/auth",
            "HTTP://LOCALHOST/",
        ] {
            assert!(is_loopback(good), "{good}");
        }
        for bad in [
            "https://localhost:8400",
            "http://localhost.evil.example/",
            "http://evil.example/?localhost",
            "http://localhost@evil.example/",
            "http://localhost:99999/",
            "http://localhost:/",
            "http://127.0.0.2/",
            "http://localhost/#frag",
            "http://localhost/\r\nSet-Cookie: x",
            "urn:ietf:wg:oauth:2.0:oob",
            "",
        ] {
            assert!(!is_loopback(bad), "{bad}");
        }
    }

    #[test]
    fn pkce_is_s256() {
        // Computed apart: BASE64URL(SHA-256(verifier)), unpadded.
        let verifier = "teamboard-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
        assert!(pkce_matches(
            verifier,
            "vUcsDnyWpruNs11Zr6NPzRdupvMhK-4QqIPeRkp8fnw"
        ));
        assert!(!pkce_matches(
            "another-verifier",
            "vUcsDnyWpruNs11Zr6NPzRdupvMhK-4QqIPeRkp8fnw"
        ));
    }
}
