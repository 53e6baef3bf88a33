//! The pure core of the board: state, messages, effects and deadlines. No I/O, no clock reads.

pub mod age;
pub mod calendar;
pub mod effect;
pub mod filter;
pub mod geometry;
mod input;
pub mod keymap;
pub mod msg;
pub mod own;
pub mod person;
pub mod places;
mod poll_answer;
pub mod popup;
pub mod reach;
mod reload;
pub mod resolving;
pub mod schedule;
pub mod signin;
mod snapshot;
pub mod sort;
pub mod state;
pub mod team;
pub mod view;
pub mod watch;
mod watching;

pub use effect::{Effect, Outgoing};
pub use msg::{FailureKind, Msg, Now, PollData, PollFailure, PollOutcome, Signal};
pub use own::{OwnOutcome, OwnRequest};
pub use signin::{SignInEvent, SignInOffer, SignInPanel, SignInPrompt};
pub use state::{App, Mode, Options};
