//! How an alert leaves the board: the terminal bell, a desktop notification through the terminal
//! (OSC 9 or OSC 777, through tmux's passthrough when tmux allows it), and the user's own command.

pub mod command;
pub mod osc;

pub use osc::{Desktop, Sequence};
