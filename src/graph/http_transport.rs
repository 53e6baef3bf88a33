//! The production `Transport`: one reqwest client (rustls with the system's certificates, proxies from
//! the environment but never for loopback, no redirects), refusing plain http off loopback per request.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::Url;

use crate::graph::error::GraphError;
use crate::graph::origin::{BaseUrl, check_scheme};
use crate::graph::transport::{BoxFuture, Transport, TransportError};

/// How long a TCP + TLS connection may take to set up; the whole exchange is bounded by the client.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// An answer larger than this is refused: 650 presences are well under 1 MB.
pub const MAX_BODY: usize = 16 * 1024 * 1024;

pub struct HttpTransport {
    client: reqwest::Client,
}

impl HttpTransport {
    /// A transport for `base_url` (validated like the client does). Proxies come from `HTTPS_PROXY` /
    /// `NO_PROXY`, except that a loopback base URL (the simulator) never goes through a proxy.
    pub fn new(base_url: &str) -> Result<Self, GraphError> {
        let base = BaseUrl::parse(base_url).map_err(GraphError::BadBaseUrl)?;
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("teamboard/", env!("CARGO_PKG_VERSION")))
            .https_only(!base.origin().is_loopback());
        if base.origin().is_loopback() {
            builder = builder.no_proxy();
        }
        let client = builder.build().map_err(|e| {
            GraphError::BadBaseUrl(format!(
                "the HTTP client could not start: {}",
                e.without_url()
            ))
        })?;
        Ok(Self { client })
    }
}

impl Transport for HttpTransport {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>> {
        Box::pin(async move {
            let url = Url::parse(&request.uri().to_string())
                .map_err(|_| TransportError::Refused("a URL that is not absolute".into()))?;
            check_scheme(&url).map_err(TransportError::Refused)?;
            let request = reqwest::Request::try_from(request)
                .map_err(|e| TransportError::Refused(e.without_url().to_string()))?;
            let mut response = self.client.execute(request).await.map_err(map_error)?;
            let mut head = http::Response::builder()
                .status(response.status())
                .version(response.version());
            if let Some(headers) = head.headers_mut() {
                headers.extend(
                    response
                        .headers()
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone())),
                );
            }
            // Sized from Content-Length when Graph sends one (a 650-person answer is 200 KB):
            // one allocation instead of a doubling series of copies.
            let expected = response
                .content_length()
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(0)
                .min(MAX_BODY);
            let mut body = BytesMut::with_capacity(expected);
            while let Some(chunk) = response.chunk().await.map_err(map_error)? {
                if body.len() + chunk.len() > MAX_BODY {
                    return Err(TransportError::Io("the answer is too large".into()));
                }
                body.extend_from_slice(&chunk);
            }
            head.body(body.freeze())
                .map_err(|e| TransportError::Io(e.to_string()))
        })
    }
}

fn map_error(e: reqwest::Error) -> TransportError {
    let e = e.without_url();
    if e.is_timeout() {
        TransportError::Timeout
    } else if e.is_connect() {
        TransportError::Connect(e.to_string())
    } else {
        TransportError::Io(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn plain_http_off_loopback_is_refused_per_request() {
        let t = HttpTransport::new("http://127.0.0.1:9/v1.0").unwrap();
        let req = http::Request::get("http://graph.example.com/v1.0/me")
            .body(Bytes::new())
            .unwrap();
        assert!(matches!(t.send(req).await, Err(TransportError::Refused(_))));
        assert!(HttpTransport::new("http://graph.example.com/v1.0").is_err());
    }

    #[tokio::test]
    async fn a_closed_port_is_a_connection_error() {
        // Port 9 (discard) on loopback is closed on test machines; nothing leaves the machine.
        let t = HttpTransport::new("http://127.0.0.1:9/v1.0").unwrap();
        let req = http::Request::get("http://127.0.0.1:9/v1.0/me")
            .body(Bytes::new())
            .unwrap();
        assert!(matches!(
            t.send(req).await,
            Err(TransportError::Connect(_) | TransportError::Io(_))
        ));
    }
}
