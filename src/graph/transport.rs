//! The seam below `GraphClient`: one HTTP exchange, request in, whole response out.
//!
//! Production sends through reqwest; tests call the simulated tenant's axum `Router` directly, so they
//! run under paused time with no sockets. Timeouts are the client's job (it wraps `send` in
//! `tokio::time::timeout`), so they work the same on both.

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A failure below HTTP: nothing (or nothing whole) came back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("the connection broke: {0}")]
    Io(String),
    #[error("timed out")]
    Timeout,
    #[error("refused to send: {0}")]
    Refused(String),
}

pub trait Transport: Send + Sync + 'static {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>>;
}
