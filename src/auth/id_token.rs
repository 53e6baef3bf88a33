//! Who signed in: the claims of the id token Entra sends with a sign-in (`tid`, `oid`,
//! `preferred_username`). Read, not verified: it came straight from the token endpoint, and it
//! only names the account the tokens are stored under.

use base64::Engine as _;
use serde::Deserialize;

use super::token_store::Account;

#[derive(Deserialize)]
struct Claims {
    tid: Option<String>,
    oid: Option<String>,
    preferred_username: Option<String>,
    name: Option<String>,
}

/// The account an id token names; `None` when it is not a JWT or lacks `tid`/`oid`.
pub fn account(id_token: &str) -> Option<Account> {
    let payload = id_token.split('.').nth(1)?;
    // Base64url without padding, though some issuers pad: accept both.
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: Claims = serde_json::from_slice(&bytes).ok()?;
    let tenant_id = claims.tid.filter(|t| !t.is_empty())?;
    let object_id = claims.oid.filter(|o| !o.is_empty())?;
    let username = claims
        .preferred_username
        .or(claims.name)
        .unwrap_or_else(|| object_id.clone());
    Some(Account {
        tenant_id,
        object_id,
        username,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        let b = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.sig", b(r#"{"alg":"RS256"}"#), b(claims))
    }

    #[test]
    fn the_account_comes_from_tid_oid_and_preferred_username() {
        let a = account(&jwt(
            r#"{"tid":"t-1","oid":"o-1","preferred_username":"adele@contoso.com","name":"Adele"}"#,
        ))
        .unwrap();
        assert_eq!(
            (
                a.tenant_id.as_str(),
                a.object_id.as_str(),
                a.username.as_str()
            ),
            ("t-1", "o-1", "adele@contoso.com")
        );
    }

    #[test]
    fn a_token_without_ids_or_not_a_jwt_names_no_account() {
        assert!(account(&jwt(r#"{"preferred_username":"x"}"#)).is_none());
        assert!(account("not a jwt").is_none());
        assert!(account("a.%%%.c").is_none());
        assert!(account(&jwt("[1,2]")).is_none());
    }
}
