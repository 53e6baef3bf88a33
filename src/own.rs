//! Your own presence, status message and work location: what a change is, how it is written to Graph
//! and read back, and what the user is told. Shared by the board's keys and `teamboard set`.

mod change;
mod report;
mod write;

pub use change::{Change, LocationChange};
pub use report::{NO_SESSION, report};
pub use write::{OwnError, Written, prepare, write};
