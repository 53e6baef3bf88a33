//! teamboard: a terminal board of your teammates' Microsoft Teams presence.

pub mod app;
pub mod auth;
pub mod board;
pub mod cli;
pub mod collation;
pub mod config;
pub mod exit;
pub mod exposure;
pub mod graph;
pub mod logging;
pub mod login;
pub mod paths;
pub mod presence_style;
pub mod refresh;
pub mod regular_file;
pub mod roster;
#[cfg(feature = "sim")]
pub mod sim;
pub mod status;
pub mod store;
pub mod text;
pub mod time_zone;
pub mod tui;
pub mod ui;
