//! What can go wrong signing in or renewing a token, as one line that says what to do. Entra's
//! AADSTS codes become advice naming the config key or the admin step that fixes them.

use crate::exit::Exit;
use crate::text::SafeText;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No stored sign-in, and no `TEAMBOARD_ACCESS_TOKEN`.
    #[error(
        "not signed in: run `teamboard login` (or set TEAMBOARD_ACCESS_TOKEN to a Graph token)"
    )]
    SignInNeeded,
    /// Entra no longer accepts the stored sign-in (expired, revoked, sign-in frequency): it was
    /// removed, and only a new sign-in helps.
    #[error("the sign-in has ended ({0}); run `teamboard login` to sign in again")]
    SignInEnded(SafeText),
    /// A permission was asked for that has not been consented to. The sign-in is kept.
    #[error("{0}")]
    ConsentNeeded(SafeText),
    /// A token that cannot be refreshed was refused.
    #[error("the access token was refused and cannot be refreshed: {0}")]
    Refused(SafeText),
    /// Entra refused the request; the text says what to change.
    #[error("{0}")]
    Entra(SafeText),
    /// The sign-in service could not be reached or did not answer properly.
    #[error(
        "could not reach the sign-in service ({0}); check the network or proxy, then try again"
    )]
    Network(SafeText),
    /// The configuration cannot sign in (placeholder client id, missing secret).
    #[error("{0}")]
    Setup(SafeText),
    /// The token store could not be read or written.
    #[error("{0}")]
    Store(SafeText),
}

impl AuthError {
    pub fn exit(&self) -> Exit {
        match self {
            AuthError::Network(_) => Exit::Network,
            AuthError::Setup(_) => Exit::Usage,
            AuthError::Store(_) => Exit::Unexpected,
            _ => Exit::SignIn,
        }
    }

    /// Entra's word that only a new sign-in helps (the stored one is gone).
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, AuthError::SignInNeeded | AuthError::SignInEnded(_))
    }
}

/// An error answer of the token, device-code or authorize endpoint, as Entra sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntraFailure {
    pub error: String,
    pub description: Option<String>,
    pub codes: Vec<u32>,
    pub suberror: Option<String>,
}

impl EntraFailure {
    /// The AADSTS number: from `error_codes`, else from the description's `AADSTS50194:` prefix.
    pub fn code(&self) -> Option<u32> {
        self.codes.first().copied().or_else(|| {
            let text = self.description.as_deref()?;
            let start = text.find("AADSTS")? + "AADSTS".len();
            let digits: String = text[start..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
    }

    /// The first line of Entra's description, without its trace and correlation ids.
    fn summary(&self) -> SafeText {
        let text = self.description.as_deref().unwrap_or(&self.error);
        let first = text.lines().next().unwrap_or("");
        let short: String = first.chars().take(200).collect();
        SafeText::line(&short)
    }

    /// What the user should do about this answer. `during_refresh` tells a refresh (where
    /// `invalid_grant` means the sign-in has ended) from a sign-in (where it means this attempt failed).
    pub fn into_error(self, during_refresh: bool) -> AuthError {
        let code = self.code();
        if let Some(advice) = code.and_then(advice) {
            return match code {
                Some(65_001) => AuthError::ConsentNeeded(SafeText::line(advice)),
                _ => AuthError::Entra(SafeText::line(&format!(
                    "{advice} (AADSTS{})",
                    code.unwrap_or_default()
                ))),
            };
        }
        if self.suberror.as_deref() == Some("consent_required") {
            return AuthError::ConsentNeeded(SafeText::line(CONSENT));
        }
        match self.error.as_str() {
            "invalid_grant" if during_refresh => AuthError::SignInEnded(self.summary()),
            "authorization_declined" | "access_denied" => AuthError::Entra(SafeText::line(
                "the sign-in was declined; run `teamboard login` to try again",
            )),
            "expired_token" => AuthError::Entra(SafeText::line(
                "the sign-in code expired before it was used; run `teamboard login` for a new one",
            )),
            "bad_verification_code" => AuthError::Entra(SafeText::line(
                "Entra did not recognise the sign-in code; run `teamboard login` to start again",
            )),
            "temporarily_unavailable" => AuthError::Network(SafeText::line(
                "the sign-in service is busy; try again in a minute",
            )),
            _ => AuthError::Entra(SafeText::line(&format!(
                "Entra refused the sign-in: {} ({}); check [auth] in the config",
                self.summary(),
                SafeText::line(&self.error.chars().take(60).collect::<String>()),
            ))),
        }
    }
}

const CONSENT: &str = "the app has not been granted a permission it asked for: an administrator must grant \
     it (Entra portal: App registrations, your app, API permissions, Grant admin consent), or you \
     consent yourself by running `teamboard login`; the sign-in is kept";

/// The AADSTS codes a user can act on, and what to do.
fn advice(code: u32) -> Option<&'static str> {
    Some(match code {
        7_000_218 => {
            "the app registration does not allow public client flows: in the Entra portal open App \
             registrations, your app, Authentication, and set \"Allow public client flows\" to Yes \
             (or run `az ad app update --id <client id> --is-fallback-public-client true`)"
        }
        50_194 => {
            "the app registration is single-tenant, so it cannot sign in through \"organizations\": set \
             [auth] tenant to your tenant's id or domain (e.g. \"contoso.onmicrosoft.com\")"
        }
        65_001 => CONSENT,
        700_016 => {
            "Entra does not know [auth] client_id in this tenant: check client_id, and for a \
             single-tenant app set [auth] tenant to its tenant"
        }
        53_003 => {
            "Conditional Access blocked this sign-in (many tenants block device-code sign-in): run \
             `teamboard login --browser`"
        }
        50_076 | 50_079 => {
            "this sign-in needs multi-factor authentication: run `teamboard login --browser` and \
             follow the browser's prompts"
        }
        90_002 => {
            "Entra does not know the tenant in [auth] tenant: use your tenant's id or domain, or \
             \"organizations\""
        }
        7_000_215 | 7_000_222 => {
            "the client secret was refused (wrong or expired): create a new one under App \
             registrations, Certificates & secrets, and put it in the variable [auth] \
             client_secret_env names"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(error: &str, description: &str) -> EntraFailure {
        EntraFailure {
            error: error.into(),
            description: Some(description.into()),
            ..EntraFailure::default()
        }
    }

    #[test]
    fn the_code_comes_from_error_codes_or_the_description() {
        let mut f = failure(
            "invalid_request",
            "AADSTS50194: Application 'x' is not configured as a multi-tenant application.\r\nTrace ID: 1",
        );
        assert_eq!(f.code(), Some(50_194));
        f.codes = vec![7_000_218];
        assert_eq!(f.code(), Some(7_000_218));
        assert_eq!(failure("x", "no code here").code(), None);
    }

    #[test]
    fn every_known_code_names_its_fix() {
        let cases = [
            (7_000_218, "Allow public client flows"),
            (50_194, "[auth] tenant"),
            (700_016, "[auth] client_id"),
            (53_003, "--browser"),
            (50_076, "--browser"),
            (50_079, "--browser"),
        ];
        for (code, fix) in cases {
            let f = EntraFailure {
                error: "invalid_grant".into(),
                codes: vec![code],
                ..EntraFailure::default()
            };
            let e = f.into_error(false);
            assert!(e.to_string().contains(fix), "{code}: {e}");
            assert!(e.to_string().contains(&format!("AADSTS{code}")), "{e}");
            assert_eq!(e.exit(), Exit::SignIn);
        }
    }

    #[test]
    fn consent_is_never_a_reason_to_forget_the_sign_in() {
        let f = EntraFailure {
            error: "invalid_grant".into(),
            suberror: Some("consent_required".into()),
            ..EntraFailure::default()
        };
        let e = f.clone().into_error(true);
        assert!(matches!(e, AuthError::ConsentNeeded(_)), "{e:?}");
        assert!(!e.needs_sign_in());
        let with_code = EntraFailure {
            codes: vec![65_001],
            ..f
        };
        assert!(matches!(
            with_code.into_error(true),
            AuthError::ConsentNeeded(_)
        ));
    }

    #[test]
    fn invalid_grant_ends_a_sign_in_only_during_refresh() {
        let f = failure(
            "invalid_grant",
            "AADSTS700082: The refresh token has expired due to inactivity.",
        );
        let refresh = f.clone().into_error(true);
        assert!(refresh.needs_sign_in(), "{refresh:?}");
        assert!(refresh.to_string().contains("AADSTS700082"));
        assert!(!f.into_error(false).needs_sign_in());
    }

    #[test]
    fn hostile_descriptions_are_made_safe() {
        let f = failure("weird\x1b]0;pwned\x07", "\x1b[2Jgone\u{202e}\nTrace ID: 1");
        let text = f.into_error(false).to_string();
        assert!(
            !text.contains('\x1b') && !text.contains('\u{202e}'),
            "{text:?}"
        );
    }
}
