//! How a command ends: the exit statuses scripts rely on (the README lists them), and the one line a
//! user reads.

use std::fmt;

use crate::text::SafeText;

/// Exit statuses: 0 success; 1 unexpected; 2 usage or config; 3 sign-in; 4 Graph or network; 101 panic;
/// 128 + N when signal N ended the board (see `Signal`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Unexpected = 1,
    Usage = 2,
    SignIn = 3,
    Network = 4,
}

/// A signal that ends the board. Each takes the same path: the terminal is restored, then the process
/// exits 128 + the signal's number, as a shell reports a process the signal ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// SIGHUP: the terminal went away.
    Hangup,
    /// SIGINT from outside (`kill -INT`); Ctrl-c inside the board is a key, not a signal.
    Interrupt,
    /// SIGQUIT from outside.
    Quit,
    /// SIGTERM.
    Terminate,
}

impl Signal {
    pub const ALL: [Signal; 4] = [
        Signal::Hangup,
        Signal::Interrupt,
        Signal::Quit,
        Signal::Terminate,
    ];

    pub fn number(self) -> i32 {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
        match self {
            Signal::Hangup => SIGHUP,
            Signal::Interrupt => SIGINT,
            Signal::Quit => SIGQUIT,
            Signal::Terminate => SIGTERM,
        }
    }

    pub fn from_number(number: i32) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.number() == number)
    }

    /// 128 + the signal number.
    pub fn exit_code(self) -> i32 {
        128 + self.number()
    }
}

/// A command that could not finish, with the one line (or few) that says what happened and what to
/// do. The message is sanitized as it is made, so nothing in it can act on a terminal whatever it
/// quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub exit: Exit,
    pub message: SafeText,
}

impl Failure {
    pub fn new(exit: Exit, message: impl AsRef<str>) -> Self {
        Self {
            exit,
            message: SafeText::multiline(message.as_ref()),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message.as_str())
    }
}

impl std::error::Error for Failure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_exit_128_plus_their_number() {
        let codes: Vec<i32> = Signal::ALL.iter().map(|s| s.exit_code()).collect();
        assert_eq!(codes, [129, 130, 131, 143]);
        for signal in Signal::ALL {
            assert_eq!(Signal::from_number(signal.number()), Some(signal));
        }
        assert_eq!(Signal::from_number(signal_hook::consts::SIGCONT), None);
    }
}
