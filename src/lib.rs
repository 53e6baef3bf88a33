//! teamboard: a terminal board of your teammates' Microsoft Teams presence.

// Private files (modes, owners, no-follow opens), the token store's lock and the signal handling are
// written against Unix: a Windows build would compile into something that does not keep its promises.
#[cfg(not(unix))]
compile_error!(
    "teamboard supports Linux and macOS only: its private files, token store and signal handling use Unix APIs"
);

pub mod app;
pub mod auth;
pub mod board;
pub mod cli;
pub mod collation;
pub mod config;
pub mod exit;
pub mod expiry;
pub mod exposure;
pub mod graph;
pub mod logging;
pub mod login;
pub mod lookup;
pub mod notify;
pub mod own;
pub mod paths;
pub mod presence_style;
pub mod refresh;
pub mod regular_file;
pub mod roster;
pub mod set;
#[cfg(feature = "sim")]
pub mod sim;
pub mod status;
pub mod store;
pub mod text;
pub mod time_zone;
pub mod tui;
pub mod ui;
pub mod wait;
pub mod watch_file;
