//! How a command ends: the exit status DESIGN.md fixes, and the one line a user reads.

use std::fmt;

/// Exit statuses: 0 success; 1 unexpected; 2 usage or config; 3 sign-in; 4 Graph or network; 101 panic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Unexpected = 1,
    Usage = 2,
    SignIn = 3,
    Network = 4,
}

/// A command that could not finish. `message` is already safe for a terminal (built from `SafeText`
/// where it quotes anything untrusted) and says what happened and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
}

impl Failure {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}
