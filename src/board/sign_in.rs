//! The sign-in the panel asks for, run beside the board: start the flow this environment allows,
//! tell the panel what to show, wait for the user, keep the new sign-in, and report back.

use std::sync::Arc;

use base64::Engine as _;
use tokio::sync::mpsc::UnboundedSender;

use crate::app::{Msg, SignInEvent, SignInPrompt};
use crate::auth::AuthError;
use crate::auth::flow::{self, Flow, Pending};
use crate::auth::session::Session;
use crate::paths::ProcessEnv;
use crate::text::SafeText;

/// Signs in asking for `scopes` (the config's; with the write permission when the panel opened
/// for it).
pub async fn run(session: Arc<Session>, scopes: Vec<String>, tx: UnboundedSender<Msg>) {
    let send = |event| {
        let _ = tx.send(Msg::SignIn(event));
    };
    let flow = Flow::choose(false, false, &ProcessEnv);
    let entra = session.entra();
    let pending = match flow::start(flow, entra, &scopes).await {
        Ok(pending) => pending,
        Err(e) => return send(SignInEvent::Failed(SafeText::line(&e.to_string()))),
    };
    let prompt = match &pending {
        Pending::Browser(login) => {
            let opened = crate::auth::browser::open(login.raw_url(), &ProcessEnv)
                .inspect_err(|why| {
                    tracing::warn!(error = %SafeText::line(why), "could not open a browser");
                })
                .is_ok();
            SignInPrompt::Browser {
                url: login.url.clone(),
                raw_url: login.raw_url().to_owned(),
                opened,
            }
        }
        Pending::Device(login) => SignInPrompt::DeviceCode {
            url: login.verification_uri.clone(),
            raw_url: login.openable_uri().map(str::to_owned),
            code: login.user_code.clone(),
            expires_at: login.expires_at,
        },
    };
    send(SignInEvent::Prompt(prompt));
    let signed_in = match flow::finish(entra, pending).await {
        Ok(granted) => session.remember(granted).await,
        Err(e) => Err(e),
    };
    match signed_in {
        Ok((signin, saved)) => {
            tracing::info!("signed in from the board");
            send(SignInEvent::Done {
                account: SafeText::line(&signin.account.username),
                warning: saved.warning,
            });
        }
        // Asked for more than the config's permissions (to change your presence) and still
        // refused: only an administrator can grant it; the board itself stays signed in.
        Err(AuthError::ConsentNeeded(_)) if scopes.len() > session.scopes().len() => {
            send(SignInEvent::Failed(SafeText::line(
                "only an administrator can grant Presence.ReadWrite in your tenant (App registrations, your app, API permissions, Grant admin consent); Esc leaves your presence as it is",
            )));
        }
        Err(e) => send(SignInEvent::Failed(SafeText::line(&e.to_string()))),
    }
}

/// The OSC 52 sequence that puts `text` on the clipboard. Base64 keeps the payload inert whatever
/// it holds.
pub fn osc52(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\x1b]52;c;{encoded}\x07")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_carries_only_base64() {
        let s = osc52("ABCD\x1b\x07]0;x");
        assert!(s.starts_with("\x1b]52;c;") && s.ends_with('\x07'));
        let payload = &s["\x1b]52;c;".len()..s.len() - 1];
        assert!(
            payload
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        );
    }
}
