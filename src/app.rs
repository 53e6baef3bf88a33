//! The pure core of the board: state, messages, effects and deadlines. No I/O, no clock reads.

pub mod age;
pub mod calendar;
mod data;
pub mod effect;
pub mod filter;
pub mod geometry;
mod input;
pub mod keymap;
pub mod msg;
pub mod person;
pub mod places;
mod reload;
pub mod schedule;
pub mod signin;
pub mod sort;
pub mod state;

pub use effect::Effect;
pub use msg::{FailureKind, Msg, Now, PollData, PollFailure, PollOutcome, Signal};
pub use signin::{SignInEvent, SignInOffer, SignInPanel, SignInPrompt};
pub use state::{App, Mode, Options};
