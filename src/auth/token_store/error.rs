//! What can go wrong keeping tokens, each said with what to do about it. No variant ever holds a token.

use std::io;
use std::path::Path;

use crate::paths::{self, ProcessEnv};
use crate::text::SafeText;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// `token_store = "keyring"` and the keyring refused or is missing.
    #[error(
        "the system keyring cannot be used ({reason}); set [auth] token_store = \"file\" to keep tokens in a file"
    )]
    KeyringUnavailable { reason: SafeText },
    /// Reading or removing tokens the index says are in the keyring failed.
    #[error(
        "could not {action} the system keyring ({reason}); unlock it and try again, or set [auth] token_store = \"file\" and run `teamboard login`"
    )]
    Keyring {
        action: &'static str,
        reason: SafeText,
    },
    #[error("could not {action} {path} ({reason}); make sure that directory is yours and writable")]
    File {
        action: &'static str,
        path: SafeText,
        reason: SafeText,
    },
    #[error(
        "{path} is a symlink, which teamboard does not follow for tokens; remove it, then run `teamboard login`"
    )]
    Symlink { path: SafeText },
    #[error(
        "another teamboard is signing in or refreshing tokens (it holds {path}); try again when it has finished"
    )]
    Busy { path: SafeText },
    #[error(
        "the sign-in named an account whose {what} is not a plain id; run `teamboard login` again"
    )]
    Account { what: &'static str },
}

impl StoreError {
    pub(super) fn file(action: &'static str, path: &Path, error: &io::Error) -> Self {
        Self::File {
            action,
            path: shown(path),
            reason: SafeText::line(&error.to_string()),
        }
    }

    pub(super) fn symlink(path: &Path) -> Self {
        Self::Symlink { path: shown(path) }
    }
}

/// A path as the user reads it (`~/…`), safe for a terminal whatever the directory names hold.
pub(super) fn shown(path: &Path) -> SafeText {
    SafeText::line(&paths::display(path, &ProcessEnv))
}
