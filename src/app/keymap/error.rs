//! A bad `[keys]` entry: one line naming the file, the line, the key and the fix (exit 2).

use std::fmt;
use std::path::PathBuf;

use super::command::{Command, UNBIND};
use super::notation::NotationError;
use crate::exit::{Exit, Failure};
use crate::text::SafeText;

/// What is wrong with one `[keys]` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The command name is not one of `Command::names()`.
    UnknownCommand(String),
    /// The key could not be read.
    BadKey(NotationError),
    /// Ctrl-c always quits; it cannot be bound or used in a sequence.
    Interrupt,
    /// The key is bound alone and is also the start of a longer sequence (or the other way round):
    /// one of them would wait for, or hide, the other.
    Conflict {
        other: String,
        other_command: Command,
    },
}

/// A `[keys]` entry the keymap refused. Its `Display` is the one line a user reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeymapError {
    pub file: Option<PathBuf>,
    pub line: usize,
    /// The key as written (untrusted: shown through `SafeText`).
    pub key: String,
    pub problem: Problem,
}

impl fmt::Display for KeymapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(path) => write!(
                f,
                "{}:{}: ",
                SafeText::line(&path.display().to_string()),
                self.line
            )?,
            None => write!(f, "config line {}: ", self.line)?,
        }
        f.write_str(&self.message())
    }
}

impl KeymapError {
    /// What is wrong and the fix, without the file and line (the config's errors add their own).
    pub fn message(&self) -> String {
        Message(self).to_string()
    }
}

struct Message<'a>(&'a KeymapError);

impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = SafeText::line(&self.0.key);
        write!(f, "[keys] \"{key}\": ")?;
        match &self.0.problem {
            Problem::UnknownCommand(name) => {
                let names: Vec<&str> = Command::names().chain([UNBIND]).collect();
                write!(
                    f,
                    "unknown command \"{}\"; use one of {}",
                    SafeText::line(name),
                    names.join(", ")
                )
            }
            Problem::BadKey(e) => write!(f, "{}", SafeText::line(&e.to_string())),
            Problem::Interrupt => {
                f.write_str("ctrl-c always quits and cannot be bound; choose another key")
            }
            Problem::Conflict {
                other,
                other_command,
            } => write!(
                f,
                "\"{key}\" and \"{}\" ({}) start the same way, so one would hide the other; choose another key, \
                 or remove the other with \"{}\" = \"{UNBIND}\"",
                SafeText::line(other),
                other_command.name(),
                SafeText::line(other),
            ),
        }
    }
}

impl std::error::Error for KeymapError {}

impl From<KeymapError> for Failure {
    fn from(e: KeymapError) -> Self {
        Failure::new(Exit::Usage, e.to_string())
    }
}
