//! Setting your own presence (`p`), status message (`m`) and work location (`L`) from the board: the
//! open picker or editor, the change under way, and what the header and footer say about it.
//!
//! A change shows at once as pending, and stays so until a read of your presence shows it (Graph can
//! take minutes). It is rolled back only when the write itself fails, with the error in the footer.
//! The write permission is asked for the first time it is needed: the loop answers
//! `ConsentNeeded`, the sign-in panel opens asking for it, and the change is sent again once granted.

mod editor;
mod picker;

use std::sync::Arc;

use crossterm::event::KeyEvent;
use jiff::Zoned;

pub use editor::{Editor, Field};
pub use picker::{Picker, Step};

use super::effect::Effect;
use super::person::Change as PersonChange;
use super::state::{App, FLASH};
use crate::config::AuthMode;
use crate::graph::model::{Presence, UserId};
use crate::own::{Change, NO_SESSION};
use crate::text::SafeText;

/// What a picker or the editor did with a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Open,
    Closed,
    Chosen(Change),
}

/// The popup open for a change.
#[derive(Clone, Debug)]
pub enum Dialog {
    Presence(Picker),
    Location(Picker),
    Message(Editor),
}

/// A change for the loop to write (as `me` when the board knows who that is).
#[derive(Clone, Debug)]
pub struct OwnRequest {
    pub change: Change,
    pub me: Option<UserId>,
}

/// How a write ended.
#[derive(Clone, Debug)]
pub enum OwnOutcome {
    /// Written; `presence` is what Graph reported right after.
    Written {
        change: Change,
        presence: Box<Presence>,
    },
    /// The sign-in lacks the write permission and an interactive sign-in must ask for it.
    ConsentNeeded { change: Change },
    /// Not written: one line saying why and what to do.
    Failed { change: Change, error: SafeText },
}

/// Everything about changing your own presence.
#[derive(Clone, Debug, Default)]
pub struct Own {
    dialog: Option<Dialog>,
    /// The change under way or waiting for a read to show it.
    pending: Option<Change>,
    /// Written, not yet shown by a read (else it is still being written).
    written: bool,
    /// The change waits for the sign-in panel to get the write permission.
    awaiting_consent: bool,
}

impl Own {
    pub fn dialog(&self) -> Option<&Dialog> {
        self.dialog.as_ref()
    }

    /// The change waiting for Graph to show it, and whether it has been written yet.
    pub fn pending(&self) -> Option<(&Change, bool)> {
        self.pending.as_ref().map(|c| (c, self.written))
    }

    pub fn is_open(&self) -> bool {
        self.dialog.is_some()
    }

    /// The sign-in panel is open for the write permission, not because the sign-in ended.
    pub fn awaits_consent(&self) -> bool {
        self.awaiting_consent
    }
}

/// Which popup a key opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opens {
    Presence,
    Message,
    Location,
}

impl App {
    pub fn own(&self) -> &Own {
        &self.own
    }

    /// Now in the user's zone, for reading "17:30" and "tomorrow".
    fn local_now(&self) -> Zoned {
        self.now.utc.to_zoned(self.options.tz.clone())
    }

    /// `p`, `m`, `L`: opens the picker or editor, or says in one line why there is no "you".
    pub(super) fn open_own(&mut self, opens: Opens) {
        if self.options.config.auth.mode == AuthMode::App {
            self.notice = Some(SafeText::line(
                "app-only mode has no \"you\": setting your own presence needs a signed-in user ([auth] mode = \"user\")",
            ));
            return;
        }
        if self.own.awaiting_consent {
            return;
        }
        let me = self.me();
        self.own.dialog = Some(match opens {
            Opens::Presence => Dialog::Presence(Picker::presence()),
            Opens::Location => Dialog::Location(Picker::location(self.places.known())),
            Opens::Message => {
                // The message as Graph last reported it; a pending one, when a change is under way.
                let current = match &self.own.pending {
                    Some(Change::Message { text, .. }) => text.clone(),
                    _ => me
                        .and_then(|p| p.status_full())
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                };
                Dialog::Message(Editor::new(&current))
            }
        });
    }

    /// Keys while a picker or the editor is open.
    pub(super) fn on_own_key(&mut self, key: KeyEvent, effects: &mut Vec<Effect>) {
        let now = self.local_now();
        let Some(dialog) = self.own.dialog.as_mut() else {
            return;
        };
        let outcome = match dialog {
            Dialog::Presence(picker) | Dialog::Location(picker) => picker.key(key, &now),
            Dialog::Message(editor) => editor.key(key, &now),
        };
        match outcome {
            Outcome::Open => {}
            Outcome::Closed => self.own.dialog = None,
            Outcome::Chosen(change) => {
                self.own.dialog = None;
                self.begin_own(change, effects);
            }
        }
    }

    /// A paste while a picker or the editor is open goes there.
    pub(super) fn on_own_paste(&mut self, text: &str) {
        match self.own.dialog.as_mut() {
            Some(Dialog::Presence(picker) | Dialog::Location(picker)) => picker.paste(text),
            Some(Dialog::Message(editor)) => editor.paste(text),
            None => {}
        }
    }

    /// Shows `change` as pending at once and asks the loop to write it.
    fn begin_own(&mut self, change: Change, effects: &mut Vec<Effect>) {
        self.notice = Some(SafeText::line(&format!("setting {}…", change.summary())));
        self.own.pending = Some(change.clone());
        self.own.written = false;
        effects.push(Effect::Own(Box::new(OwnRequest {
            change,
            me: self.team.me().cloned(),
        })));
    }

    pub(super) fn on_own(&mut self, outcome: OwnOutcome, effects: &mut Vec<Effect>) {
        // An answer for a change that has since been replaced by another says nothing.
        let current = |change: &Change, own: &Own| own.pending.as_ref() == Some(change);
        match outcome {
            OwnOutcome::Written { change, presence } => {
                if !current(&change, &self.own) {
                    return;
                }
                self.own.written = true;
                let note = if change.needs_session(&presence) {
                    NO_SESSION.to_owned()
                } else if change.shown_by(&presence) {
                    format!("set {}", change.summary())
                } else {
                    format!(
                        "set {}; Graph shows it within a few minutes",
                        change.summary()
                    )
                };
                self.notice = Some(SafeText::line(&note));
                self.take_own_read(Arc::new(*presence), effects);
            }
            OwnOutcome::ConsentNeeded { change } => {
                if !current(&change, &self.own) {
                    return;
                }
                self.own.awaiting_consent = true;
                self.notice = Some(SafeText::line(&format!(
                    "changing your presence needs {}: sign in once more to grant it (Esc: leave it unchanged)",
                    crate::graph::own::WRITE_PERMISSION
                )));
                self.signin = Some(super::signin::SignInPanel::Starting);
                effects.push(Effect::Consent);
            }
            OwnOutcome::Failed { change, error } => {
                if !current(&change, &self.own) {
                    return;
                }
                // Rolled back: the header shows what Graph last reported again.
                self.own.pending = None;
                self.own.written = false;
                self.notice = Some(SafeText::line(&format!(
                    "could not set {}: {error}",
                    change.summary()
                )));
            }
        }
    }

    /// The sign-in asked for the write permission finished: send the change again.
    pub(super) fn own_consent_done(&mut self, effects: &mut Vec<Effect>) {
        if !std::mem::take(&mut self.own.awaiting_consent) {
            return;
        }
        if let Some(change) = self.own.pending.clone() {
            self.begin_own(change, effects);
        }
    }

    /// The sign-in for the write permission was given up (Esc in the panel): nothing was changed.
    pub(super) fn own_consent_dropped(&mut self) {
        if std::mem::take(&mut self.own.awaiting_consent) {
            self.signin = None;
            if let Some(change) = self.own.pending.take() {
                self.notice = Some(SafeText::line(&format!(
                    "not changed ({}): the permission to change your presence was not granted",
                    change.summary()
                )));
            }
        }
    }

    /// Your presence as Graph reported it right after a write: on your card and in the header at
    /// once (an older answer, by sequence number, changes nothing), then the pending check.
    fn take_own_read(&mut self, presence: Arc<Presence>, effects: &mut Vec<Effect>) {
        let Some(me) = self.team.me().cloned() else {
            self.own_after_read(Some(&presence));
            return;
        };
        let now = self.now;
        let Some(person) = self.team.get_mut(&me) else {
            self.own_after_read(Some(&presence));
            return;
        };
        let change = person.apply(presence, now.utc);
        if matches!(change, PersonChange::Presence | PersonChange::Details) {
            person.flash_until = Some(now.instant + FLASH);
            self.flash_end = Some(now.instant + FLASH);
        }
        let read = person.presence.clone();
        if change != PersonChange::None {
            self.places.fill(self.team.people_mut());
            self.team.recount();
            self.rearrange();
            effects.push(Effect::Save(Box::new(self.snapshot())));
        }
        self.own_after_read(read.as_deref());
    }

    /// A read of your presence (a poll, or the read after a write): a pending change it shows is
    /// no longer pending. Graph showing you Offline after another availability also ends it: with
    /// no presence session nothing else will show, and the footer has said why.
    pub(super) fn own_after_read(&mut self, presence: Option<&Presence>) {
        let (Some(change), Some(presence), true) = (&self.own.pending, presence, self.own.written)
        else {
            return;
        };
        if change.shown_by(presence) || change.needs_session(presence) {
            self.own.pending = None;
            self.own.written = false;
        }
    }

    /// After a poll: your card's presence may show the pending change.
    pub(super) fn own_after_poll(&mut self) {
        let read = self.me().and_then(|p| p.presence.clone());
        self.own_after_read(read.as_deref());
    }
}

#[cfg(test)]
mod tests;
