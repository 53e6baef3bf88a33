//! A signed-in account as a token source. The access token is renewed 5 minutes before it expires
//! (never before half its lifetime, so short-lived tokens are not renewed on every call), and once
//! after a 401. Renewal is single-flight inside the process (one lock around it) and across
//! processes (the store's lock, then the store read again: a token another teamboard stored while
//! this one waited is used instead of refreshing again, so a rotated refresh token never strands
//! anyone). A network failure keeps the stored sign-in and retries; `invalid_grant` forgets it;
//! a consent request keeps it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use jiff::Timestamp;
use oauth2::{RefreshToken, Scope};
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::entra::{Entra, Granted, token_error};
use super::token_store::{Profile, Saved, StoredSignIn, TokenStore};
use super::{AuthError, Secret, TokenSource};
use crate::graph::transport::BoxFuture;
use crate::text::SafeText;

/// Renew this long before expiry...
const AHEAD: Duration = Duration::from_secs(300);
/// How long to wait for another process that is renewing the same sign-in.
const LOCK_WAIT: Duration = Duration::from_secs(30);
/// Network failures of one renewal are retried this often, waiting 1 s, 2 s, 4 s.
const RETRIES: u32 = 3;

/// The sign-in in memory, with its deadlines on the runtime's clock.
struct Held {
    signin: StoredSignIn,
    renew_at: Instant,
    expires_at: Instant,
}

impl Held {
    /// From a token answer that has just arrived.
    fn fresh(signin: StoredSignIn, lifetime: Duration) -> Self {
        let now = Instant::now();
        Self {
            signin,
            renew_at: now + renew_after(lifetime),
            expires_at: now + lifetime,
        }
    }

    /// From the store: its UTC times, placed on the runtime's clock.
    fn stored(signin: StoredSignIn) -> Self {
        let now_utc = Timestamp::now();
        let now = Instant::now();
        let from_now = |at: Timestamp| {
            Duration::try_from(at.duration_since(now_utc)).unwrap_or(Duration::ZERO)
        };
        let lifetime = Duration::try_from(signin.expires_at.duration_since(signin.obtained_at))
            .unwrap_or(Duration::ZERO);
        let left = from_now(signin.expires_at);
        // Time already spent of the lifetime counts against the renewal point.
        let renew = renew_after(lifetime).saturating_sub(lifetime.saturating_sub(left));
        Self {
            renew_at: now + renew,
            expires_at: now + left,
            signin,
        }
    }
}

/// When to renew a token that lives `lifetime`: 5 minutes before it expires, but not before half
/// its lifetime (an hour-long token is renewed after 55 minutes, a 3-second one after 1.5 s).
pub fn renew_after(lifetime: Duration) -> Duration {
    lifetime.saturating_sub(AHEAD).max(lifetime / 2)
}

pub struct Session {
    entra: Entra,
    store: Arc<TokenStore>,
    profile: Profile,
    /// The configured tenant, recorded with each sign-in.
    tenant: String,
    /// What a refresh asks for: the scopes this config uses.
    scopes: Vec<String>,
    held: Mutex<Option<Held>>,
    token_requests: AtomicU64,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("profile", &self.profile.key())
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Nothing is read until the first token is asked for (the keyring is touched after the
    /// board's first frame).
    pub fn new(
        entra: Entra,
        store: Arc<TokenStore>,
        profile: Profile,
        tenant: String,
        scopes: Vec<String>,
    ) -> Self {
        Self {
            entra,
            store,
            profile,
            tenant,
            scopes,
            held: Mutex::new(None),
            token_requests: AtomicU64::new(0),
        }
    }

    pub fn entra(&self) -> &Entra {
        &self.entra
    }

    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// Refresh requests sent so far.
    pub fn token_requests(&self) -> u64 {
        self.token_requests.load(Ordering::Relaxed)
    }

    /// Keeps a new sign-in (from `login` or the board's panel): stored, then used from now on.
    pub async fn remember(&self, granted: Granted) -> Result<(StoredSignIn, Saved), AuthError> {
        let lifetime = granted.expires_in;
        let Some(account) = granted.account.clone() else {
            return Err(AuthError::Entra(SafeText::line(
                "the sign-in answer named no account (no id token); check that the app registration \
                 allows the openid and profile scopes",
            )));
        };
        let signin = signin_from(granted, account, &self.tenant);
        let saved = self.save(&signin).await?;
        *self.held.lock().await = Some(Held::fresh(signin.clone(), lifetime));
        Ok((signin, saved))
    }

    async fn save(&self, signin: &StoredSignIn) -> Result<Saved, AuthError> {
        let (store, profile, signin) = (self.store.clone(), self.profile.clone(), signin.clone());
        blocking(move || store.save(&profile, &signin)).await
    }

    async fn load(&self) -> Result<Option<StoredSignIn>, AuthError> {
        let (store, profile) = (self.store.clone(), self.profile.clone());
        Ok(blocking(move || store.load(&profile))
            .await?
            .map(|(signin, _)| signin))
    }

    async fn forget(&self) {
        let (store, profile) = (self.store.clone(), self.profile.clone());
        if let Err(e) = blocking(move || store.remove(&profile)).await {
            tracing::warn!(error = %e, "could not remove the ended sign-in");
        }
    }

    /// The held sign-in, locked; read from the store first when none is held yet.
    async fn held(&self) -> Result<tokio::sync::MutexGuard<'_, Option<Held>>, AuthError> {
        let mut held = self.held.lock().await;
        if held.is_none() {
            *held = self.load().await?.map(Held::stored);
        }
        Ok(held)
    }

    async fn current(&self) -> Result<Secret, AuthError> {
        let mut held = self.held().await?;
        let Some(h) = held.as_ref() else {
            return Err(AuthError::SignInNeeded);
        };
        if Instant::now() < h.renew_at {
            return Ok(h.signin.access_token.clone());
        }
        let still_valid = Instant::now() + Duration::from_secs(30) < h.expires_at;
        let kept = h.signin.access_token.clone();
        match self.renew(&mut held, None).await {
            Err(AuthError::Network(why)) if still_valid => {
                // Renewal is early on purpose: the current token still works, try again later.
                tracing::warn!(error = %why, "could not renew the access token yet; using the current one");
                Ok(kept)
            }
            other => other,
        }
    }

    async fn after_401(&self, rejected: &Secret) -> Result<Secret, AuthError> {
        let mut held = self.held.lock().await;
        if let Some(h) = held.as_ref()
            && h.signin.access_token != *rejected
        {
            // Another caller renewed while this one waited: its token is the answer.
            return Ok(h.signin.access_token.clone());
        }
        if held.is_none() {
            *held = self.load().await?.map(Held::stored);
        }
        if let Some(h) = held.as_mut() {
            // Whatever the clock says, this token is refused: renew it.
            h.renew_at = Instant::now();
        }
        self.renew(&mut held, None).await
    }

    /// Renews under the cross-process lock, asking for `adding` (a permission being added) too. On
    /// return `held` is the sign-in to use, or `None` when it has ended.
    async fn renew(
        &self,
        held: &mut Option<Held>,
        adding: Option<&str>,
    ) -> Result<Secret, AuthError> {
        let (store, profile) = (self.store.clone(), self.profile.clone());
        let _lock = blocking(move || store.lock(&profile, LOCK_WAIT)).await?;
        let Some(stored) = self.load().await? else {
            // Signed out elsewhere (`teamboard logout`) while this one ran.
            *held = None;
            return Err(AuthError::SignInNeeded);
        };
        let ours = held.as_ref().map(|h| h.signin.access_token.clone());
        if ours.as_ref() != Some(&stored.access_token) {
            let candidate = Held::stored(stored.clone());
            if Instant::now() < candidate.renew_at {
                tracing::debug!("using the token another teamboard renewed");
                let token = candidate.signin.access_token.clone();
                *held = Some(candidate);
                return Ok(token);
            }
        }
        let Some(refresh) = stored.refresh_token.clone() else {
            *held = None;
            return Err(AuthError::SignInNeeded);
        };
        let extra = self.extra_scopes(&stored.scopes, adding);
        let mut answer = self.refresh(&refresh, &extra).await;
        if matches!(answer, Err(AuthError::ConsentNeeded(_)))
            && !extra.is_empty()
            && adding.is_none()
        {
            // A permission granted once was withdrawn since: reading must not stop for it.
            answer = self.refresh(&refresh, &[]).await;
        }
        match answer {
            Ok(granted) => {
                let lifetime = granted.expires_in;
                let account = granted
                    .account
                    .clone()
                    .unwrap_or_else(|| stored.account.clone());
                let mut signin = signin_from(granted, account, &stored.tenant);
                if signin.refresh_token.is_none() {
                    signin.refresh_token = Some(refresh);
                }
                if signin.scopes.is_empty() {
                    signin.scopes.clone_from(&stored.scopes);
                }
                if let Err(e) = self.save(&signin).await {
                    // The new token still works in this process; the next renewal saves again.
                    tracing::warn!(error = %e, "could not store the renewed token");
                }
                let token = signin.access_token.clone();
                *held = Some(Held::fresh(signin, lifetime));
                tracing::info!(lifetime_s = lifetime.as_secs(), "access token renewed");
                Ok(token)
            }
            Err(e) if e.needs_sign_in() => {
                tracing::warn!(error = %e, "the sign-in has ended; it was removed");
                self.forget().await;
                *held = None;
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    /// One refresh, retried with backoff while the network fails. `extra`: scopes asked for beyond
    /// the config's.
    async fn refresh(&self, refresh: &Secret, extra: &[String]) -> Result<Granted, AuthError> {
        let client = self.entra.client()?;
        let mut attempt = 0;
        loop {
            self.token_requests.fetch_add(1, Ordering::Relaxed);
            let token = RefreshToken::new(refresh.expose().to_owned());
            let answer = client
                .exchange_refresh_token(&token)
                .add_scopes(
                    self.scopes
                        .iter()
                        .chain(extra)
                        .map(|s| Scope::new(s.clone())),
                )
                .add_extra_param("client_info", "1")
                .request_async(&self.entra)
                .await;
            match answer.map_err(|e| token_error(e, true)) {
                Ok(answer) => return Ok(Granted::from_answer(&answer)),
                Err(AuthError::Network(why)) if attempt < RETRIES => {
                    let wait = Duration::from_secs(1 << attempt);
                    tracing::warn!(error = %why, wait_s = wait.as_secs(), "token refresh failed, retrying");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

impl Session {
    /// The Graph permissions the held (or stored) sign-in was granted, short names.
    pub async fn granted(&self) -> Result<Vec<String>, AuthError> {
        let held = self.held().await?;
        held.as_ref()
            .map(|h| h.signin.scopes.clone())
            .ok_or(AuthError::SignInNeeded)
    }

    /// Adds a Graph permission (short name) to the sign-in by renewing with it asked for too:
    /// incremental consent without a new sign-in, when the user (or an administrator) has already
    /// consented. `ConsentNeeded` when nobody has: the sign-in is kept, and an interactive sign-in
    /// asking for it (`flow::start` with `scopes_with`) gets the consent. Once granted, every later
    /// renewal asks for it again (`extra_scopes`), so it is remembered with the stored sign-in.
    pub async fn widen(&self, permission: &str) -> Result<(), AuthError> {
        let has = |held: &Option<Held>| {
            held.as_ref().is_some_and(|h| {
                h.signin
                    .scopes
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(permission))
            })
        };
        let mut held = self.held().await?;
        if held.is_none() {
            return Err(AuthError::SignInNeeded);
        }
        if has(&held) {
            return Ok(());
        }
        let qualified = self.qualified(permission);
        // Twice at most: the first renewal may only pick up a token another process stored.
        let mut outcome = Ok(());
        for _ in 0..2 {
            if let Some(h) = held.as_mut() {
                h.renew_at = Instant::now();
            }
            outcome = self.renew(&mut held, Some(&qualified)).await.map(drop);
            if outcome.is_err() || has(&held) {
                break;
            }
        }
        match outcome {
            Ok(()) if has(&held) => Ok(()),
            Ok(()) => Err(AuthError::ConsentNeeded(SafeText::line(&format!(
                "Entra did not grant {permission}; sign in again to consent to it"
            )))),
            Err(e) => Err(e),
        }
    }

    /// The config's scopes plus `permission` (short name), for an interactive sign-in that asks for it.
    pub fn scopes_with(&self, permission: &str) -> Vec<String> {
        let mut scopes = self.scopes.clone();
        let qualified = self.qualified(permission);
        if !scopes.contains(&qualified) {
            scopes.push(qualified);
        }
        scopes
    }

    /// `permission` with the Graph resource this config's scopes name.
    fn qualified(&self, permission: &str) -> String {
        let resource = self
            .scopes
            .iter()
            .find_map(|s| s.rsplit_once('/').filter(|(r, _)| r.contains("://")))
            .map_or("https://graph.microsoft.com", |(r, _)| r);
        format!("{resource}/{permission}")
    }

    /// Scopes a renewal asks for beyond the config's: one being added, and the optional ones the
    /// stored sign-in already holds (granted once, asked for from then on).
    fn extra_scopes(&self, stored: &[String], adding: Option<&str>) -> Vec<String> {
        let mut extra: Vec<String> = adding.map(str::to_owned).into_iter().collect();
        for optional in super::scopes::OPTIONAL {
            let qualified = self.qualified(optional);
            if stored.iter().any(|s| s.eq_ignore_ascii_case(optional))
                && !extra.contains(&qualified)
                && !self.scopes.contains(&qualified)
            {
                extra.push(qualified);
            }
        }
        extra
    }
}

impl TokenSource for Session {
    fn bearer(&self) -> BoxFuture<'_, Result<Secret, AuthError>> {
        Box::pin(self.current())
    }

    fn refresh_after_401<'a>(
        &'a self,
        rejected: &'a Secret,
    ) -> BoxFuture<'a, Result<Secret, AuthError>> {
        Box::pin(self.after_401(rejected))
    }
}

/// What a token answer leaves in the store.
fn signin_from(
    granted: Granted,
    account: super::token_store::Account,
    tenant: &str,
) -> StoredSignIn {
    let obtained_at = Timestamp::now();
    let lifetime = jiff::SignedDuration::try_from(granted.expires_in)
        .unwrap_or(jiff::SignedDuration::from_secs(3_600));
    StoredSignIn {
        account,
        access_token: granted.access_token,
        refresh_token: granted.refresh_token,
        expires_at: obtained_at.checked_add(lifetime).unwrap_or(obtained_at),
        obtained_at,
        scopes: granted.scopes,
        tenant: tenant.to_owned(),
    }
}

/// Runs a store call on a blocking thread (keyring calls and file locks block).
async fn blocking<T: Send + 'static, E: std::fmt::Display + Send + 'static>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, AuthError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result.map_err(|e| AuthError::Store(SafeText::line(&e.to_string()))),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(AuthError::Store(SafeText::line(
            "the token store was interrupted",
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renewal_waits_for_five_minutes_before_expiry_or_half_the_lifetime() {
        assert_eq!(
            renew_after(Duration::from_secs(3_600)),
            Duration::from_secs(3_300)
        );
        assert_eq!(
            renew_after(Duration::from_secs(3)),
            Duration::from_millis(1_500)
        );
        assert_eq!(
            renew_after(Duration::from_secs(400)),
            Duration::from_secs(200)
        );
        assert_eq!(renew_after(Duration::ZERO), Duration::ZERO);
    }
}
