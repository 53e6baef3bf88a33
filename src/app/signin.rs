//! The sign-in panel: with no usable sign-in the board does not exit, it shows a modal panel over the
//! last known board (marked stale) and signs in there, by browser or device code, then goes on to
//! the team. `y` copies the device code and `o` opens the page, only while the panel is open.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;

use super::effect::Effect;
use super::state::App;
use crate::text::SafeText;

/// Whether the board can sign in by itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignInOffer {
    /// A sign-in can be started from the board.
    Available,
    /// The token is fixed (`TEAMBOARD_ACCESS_TOKEN`, app-only mode): nothing to sign in to.
    Fixed,
    /// No sign-in is possible with this config; the panel says why and what to do.
    Unusable(SafeText),
}

/// What the user is asked to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignInPrompt {
    /// A browser was (or could not be) opened on the sign-in page.
    Browser {
        url: SafeText,
        raw_url: String,
        opened: bool,
    },
    /// A code to enter at a URL, until `expires_at`.
    DeviceCode {
        url: SafeText,
        /// Present when the URL may be opened (https, or loopback).
        raw_url: Option<String>,
        code: SafeText,
        expires_at: Timestamp,
    },
}

/// News from the sign-in under way.
#[derive(Clone, Debug)]
pub enum SignInEvent {
    Prompt(SignInPrompt),
    Done {
        account: SafeText,
        /// Said once, e.g. that no keyring could be used.
        warning: Option<SafeText>,
    },
    Failed(SafeText),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignInPanel {
    /// Waiting for the listener or the device code.
    Starting,
    Waiting(SignInPrompt),
    /// The sign-in failed or its code expired: a key starts again.
    Failed(SafeText),
    /// Nothing to do here but quit and fix the config.
    Unusable(SafeText),
}

impl SignInPanel {
    /// A sign-in is under way (no second one is started).
    fn in_progress(&self) -> bool {
        matches!(self, SignInPanel::Starting | SignInPanel::Waiting(_))
    }
}

impl App {
    /// The panel, while it is open.
    pub fn sign_in_panel(&self) -> Option<&SignInPanel> {
        self.signin.as_ref()
    }

    /// A poll found no usable sign-in: open the panel, starting a sign-in when one is possible.
    pub(super) fn offer_sign_in(&mut self, effects: &mut Vec<Effect>) {
        match &self.options.sign_in {
            SignInOffer::Fixed => {}
            SignInOffer::Unusable(why) => self.signin = Some(SignInPanel::Unusable(why.clone())),
            SignInOffer::Available => {
                if !self.signin.as_ref().is_some_and(SignInPanel::in_progress) {
                    self.signin = Some(SignInPanel::Starting);
                    effects.push(Effect::SignIn);
                }
            }
        }
    }

    pub(super) fn on_sign_in(&mut self, event: SignInEvent, effects: &mut Vec<Effect>) {
        match event {
            SignInEvent::Prompt(prompt) => {
                if self.signin.is_some() {
                    self.signin = Some(SignInPanel::Waiting(prompt));
                }
            }
            SignInEvent::Failed(why) => self.signin = Some(SignInPanel::Failed(why)),
            SignInEvent::Done { account, warning } => {
                self.signin = None;
                self.freshness.signed_out = false;
                self.freshness.error = None;
                self.notice = Some(SafeText::line(&match warning {
                    Some(w) => format!("signed in as {account}; {w}"),
                    None => format!("signed in as {account}"),
                }));
                if self.schedule.request_now(self.now.instant) {
                    self.schedule.begin();
                    effects.push(Effect::Poll(None));
                }
            }
        }
    }

    /// Keys while the panel is open. Everything else waits until it closes.
    pub(super) fn on_sign_in_key(&mut self, key: KeyEvent, effects: &mut Vec<Effect>) {
        let Some(panel) = &self.signin else { return };
        let plain = key.modifiers.difference(KeyModifiers::SHIFT).is_empty();
        if !plain {
            return;
        }
        match (key.code, panel) {
            (KeyCode::Char('q'), _) => effects.push(Effect::Quit),
            (KeyCode::Char('y'), SignInPanel::Waiting(SignInPrompt::DeviceCode { code, .. })) => {
                effects.push(Effect::Copy(code.to_string()));
                self.notice = Some(SafeText::line(
                    "copied the code (OSC 52; in tmux this needs `set-clipboard on`); it is on screen too",
                ));
            }
            (KeyCode::Char('o'), SignInPanel::Waiting(prompt)) => {
                let url = match prompt {
                    SignInPrompt::Browser { raw_url, .. } => Some(raw_url.clone()),
                    SignInPrompt::DeviceCode { raw_url, .. } => raw_url.clone(),
                };
                if let Some(url) = url {
                    effects.push(Effect::Open(url));
                }
            }
            (KeyCode::Enter | KeyCode::Char('r' | ' '), SignInPanel::Failed(_)) => {
                self.signin = Some(SignInPanel::Starting);
                effects.push(Effect::SignIn);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
