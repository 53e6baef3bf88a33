//! `RouterTransport`: the client's `Transport` answered by the simulated tenant's router in-process,
//! with no sockets, so tests run under `tokio::time::pause()`.

use axum::Router;
use axum::body::Body;
use bytes::Bytes;
use tower::ServiceExt;

use crate::graph::transport::{BoxFuture, Transport, TransportError};

/// Sends each request straight into an axum `Router` and collects the whole answer.
#[derive(Clone)]
pub struct RouterTransport {
    router: Router,
}

impl RouterTransport {
    pub fn new(router: Router) -> Self {
        Self { router }
    }
}

impl Transport for RouterTransport {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>> {
        let router = self.router.clone();
        Box::pin(async move {
            let Ok(response) = router.oneshot(request.map(Body::from)).await;
            let (parts, body) = response.into_parts();
            // A body that breaks off (the "connection reset" fault) is a broken connection here too.
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .map_err(|e| TransportError::Io(e.to_string()))?;
            Ok(http::Response::from_parts(parts, bytes))
        })
    }
}
