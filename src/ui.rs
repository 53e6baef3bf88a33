//! Drawing the board: widgets render `&App` into a buffer. No I/O, no clock.

pub mod board;
pub mod calendar_line;
pub mod card;
pub mod compact;
pub mod detail;
pub mod footer;
pub mod grid;
pub mod header;
pub mod help;
pub mod own;
pub mod paint;
pub mod popup;
pub mod signin;
pub mod theme;

pub use board::render;
