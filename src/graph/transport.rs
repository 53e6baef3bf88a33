//! The seam below `GraphClient`: one HTTP exchange, request in, whole response out.
//!
//! Production sends through reqwest; tests call the simulated tenant's axum `Router` directly, so they
//! run under paused time with no sockets. Timeouts are the client's job (it wraps `send` in
//! `tokio::time::timeout`), so they work the same on both.

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An answer larger than this is refused: 650 presences are well under 1 MB.
pub const MAX_BODY: usize = 16 * 1024 * 1024;

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
    /// The answer is larger than `MAX_BODY`: the same request would bring the same answer again.
    #[error("the answer is larger than {} MB", MAX_BODY >> 20)]
    TooLarge,
}

pub trait Transport: Send + Sync + 'static {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>>;

    /// Takes back an answer's body the caller is done with, to read a later answer into: a read of
    /// many batches then writes into memory already in use instead of fresh pages, each of which
    /// costs a page fault. A transport that keeps none drops it.
    fn recycle(&self, _body: Bytes) {}

    /// Drops the bodies kept by `recycle`: a read is over, and until the next one they would only
    /// add to the resident size.
    fn release(&self) {}
}
