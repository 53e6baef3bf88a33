//! Microsoft Graph: the presence model, the client that reads it, and the transport below.
//! Knows nothing of the UI.

pub mod batch;
pub mod client;
pub mod elements;
pub mod error;
pub mod http_transport;
pub mod lookup;
pub mod model;
pub mod origin;
pub mod own;
pub mod places;
pub mod presence;
pub mod retry;
pub mod schedule;
pub mod spares;
pub mod transport;

pub use client::{ClientOptions, GraphClient};
pub use error::GraphError;
pub use http_transport::HttpTransport;
pub use presence::{PresenceRead, min_interval_for};
