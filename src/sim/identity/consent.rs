//! Consent: which Graph permissions the signed-in user has granted each client id, and Entra's
//! AADSTS65001 when a request goes beyond them.

use std::collections::HashMap;
use std::sync::Mutex;

use super::scopes;
use crate::sim::errors::OAuthError;
use crate::sim::faults::lock;

/// The app's display name in Entra's messages.
pub(crate) const APP_NAME: &str = "teamboard";

#[derive(Default)]
pub(crate) struct Consent {
    grants: Mutex<HashMap<String, Vec<&'static str>>>,
}

impl Consent {
    /// What the user has consented to for `client_id`, in the order granted.
    pub(crate) fn granted(&self, client_id: &str) -> Vec<&'static str> {
        lock(&self.grants)
            .get(&client_id.to_ascii_lowercase())
            .cloned()
            .unwrap_or_default()
    }

    pub(crate) fn grant(&self, client_id: &str, scopes: &[&'static str]) {
        let mut grants = lock(&self.grants);
        let held = grants.entry(client_id.to_ascii_lowercase()).or_default();
        for scope in scopes {
            if !held.contains(scope) {
                held.push(scope);
            }
        }
    }

    pub(crate) fn revoke(&self, client_id: &str) {
        lock(&self.grants).remove(&client_id.to_ascii_lowercase());
    }

    /// The scopes of `wanted` not consented yet.
    pub(crate) fn missing(&self, client_id: &str, wanted: &[&'static str]) -> Vec<&'static str> {
        let held = self.granted(client_id);
        wanted
            .iter()
            .copied()
            .filter(|s| !held.contains(s))
            .collect()
    }

    /// An interactive sign-in consents to what it asks for, unless one of those needs an
    /// administrator and none has consented yet.
    pub(crate) fn interactive(
        &self,
        client_id: &str,
        wanted: &[&'static str],
        admin_only: &[String],
        suberror: Option<&'static str>,
    ) -> Result<(), OAuthError> {
        let missing = self.missing(client_id, wanted);
        let needs_admin = missing
            .iter()
            .any(|s| admin_only.iter().any(|a| scopes::graph_name(a) == Some(*s)));
        if needs_admin {
            return Err(required(client_id, suberror));
        }
        self.grant(client_id, &missing);
        Ok(())
    }
}

/// AADSTS65001 as Entra words it. On the token endpoint it comes as `invalid_grant` with
/// `suberror: consent_required`; the authorize endpoint sends `error=consent_required`.
pub(crate) fn required(client_id: &str, suberror: Option<&'static str>) -> OAuthError {
    let error = OAuthError::new(
        if suberror.is_some() {
            "invalid_grant"
        } else {
            "consent_required"
        },
        65_001,
        format!(
            "The user or administrator has not consented to use the application with ID '{client_id}' named '{APP_NAME}'. Send an interactive authorization request for this user and resource."
        ),
    );
    match suberror {
        Some(s) => error.with_suberror(s),
        None => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "7b0a3c55-1d3e-4c1e-9a6a-0c1d2e3f4a5b";

    #[test]
    fn interactive_consent_grows_and_admin_only_scopes_refuse() {
        let consent = Consent::default();
        let admin = vec!["https://graph.microsoft.com/GroupMember.Read.All".to_owned()];
        consent
            .interactive(APP, &["Presence.Read.All"], &admin, None)
            .unwrap();
        assert_eq!(consent.granted(&APP.to_uppercase()), ["Presence.Read.All"]);
        let refused = consent
            .interactive(
                APP,
                &["GroupMember.Read.All"],
                &admin,
                Some("consent_required"),
            )
            .unwrap_err();
        assert_eq!((refused.error, refused.code), ("invalid_grant", 65_001));
        assert_eq!(refused.suberror, Some("consent_required"));
        consent.grant(APP, &["GroupMember.Read.All"]);
        assert!(
            consent
                .interactive(APP, &["GroupMember.Read.All"], &admin, None)
                .is_ok(),
            "an administrator consented"
        );
        consent.revoke(APP);
        assert!(consent.granted(APP).is_empty());
    }
}
