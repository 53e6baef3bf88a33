//! Graph's answers as they go on the wire: gzip when the client asks (as Graph does), and the bytes
//! and compressed answers counted, so a test or a measurement sees what a poll costs in transfer.

use std::sync::Arc;

use axum::body::{Body, HttpBody as _};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use futures::StreamExt;
use http::header::CONTENT_ENCODING;
use tower_http::compression::CompressionLayer;

use super::Sim;

/// Compresses answers for clients that send `Accept-Encoding: gzip` (small ones stay as they are).
pub(crate) fn compression() -> CompressionLayer {
    CompressionLayer::new().gzip(true)
}

/// Counts each answer's body bytes as sent, after compression. A body of known size is counted at
/// once and left untouched (it keeps its Content-Length); a streamed one is counted as it goes.
pub(crate) async fn count(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response
        .headers()
        .get(CONTENT_ENCODING)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"gzip"))
    {
        sim.counters.compressed();
    }
    if let Some(n) = response.body().size_hint().exact() {
        sim.counters.body_bytes(n as usize);
        return response;
    }
    let (parts, body) = response.into_parts();
    let counted = body.into_data_stream().map(move |chunk| {
        if let Ok(bytes) = &chunk {
            sim.counters.body_bytes(bytes.len());
        }
        chunk
    });
    Response::from_parts(parts, Body::from_stream(counted))
}
