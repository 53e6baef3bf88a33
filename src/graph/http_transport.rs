//! The production `Transport`: one reqwest client (rustls with the system's certificates, proxies from
//! the environment but never for loopback, no redirects), refusing plain http off loopback per request.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::Url;

use crate::graph::error::GraphError;
use crate::graph::origin::{BaseUrl, check_scheme};
use crate::graph::spares::Spares;
pub use crate::graph::transport::MAX_BODY;
use crate::graph::transport::{BoxFuture, Transport, TransportError};

/// How long a TCP + TLS connection may take to set up; the whole exchange is bounded by the client.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Idle connections kept between polls: one for each batch a poll has in flight. Over HTTP/2
/// (Graph) one connection carries every request anyway; over HTTP/1.1 (a local tenant, some
/// proxies) a poll that found fewer opened the rest anew every 30 s, each with its handshake and
/// read buffers grown again from nothing (a tenth of an idle 10,000-person poll's CPU), while the
/// connections kept cost no resident memory that could be measured.
const IDLE_CONNECTIONS: usize = crate::graph::client::BATCH_CONCURRENCY;

pub struct HttpTransport {
    client: reqwest::Client,
    /// Bodies handed back by `recycle`, read into again until `release`.
    spare: Spares<BytesMut>,
}

/// Spare bodies kept at most: one per batch in flight is all a read reuses.
const SPARE_BODIES: usize = 8;

impl HttpTransport {
    /// A transport for `base_url` (validated like the client does). Proxies come from `HTTPS_PROXY` /
    /// `NO_PROXY`, except that a loopback base URL (the simulator) never goes through a proxy.
    pub fn new(base_url: &str) -> Result<Self, GraphError> {
        let base = BaseUrl::parse(base_url).map_err(GraphError::BadBaseUrl)?;
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .pool_max_idle_per_host(IDLE_CONNECTIONS)
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
        Ok(Self {
            client,
            spare: Spares::new(SPARE_BODIES),
        })
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
            // one allocation instead of a doubling series of copies. One declared too large is
            // refused before a byte of it is read.
            let declared = response.content_length().unwrap_or(0);
            if declared > MAX_BODY as u64 {
                return Err(TransportError::TooLarge);
            }
            let mut body = self.spare.take();
            body.reserve(declared as usize);
            while let Some(chunk) = response.chunk().await.map_err(map_error)? {
                if body.len() + chunk.len() > MAX_BODY {
                    return Err(TransportError::TooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            head.body(body.freeze())
                .map_err(|e| TransportError::Io(e.to_string()))
        })
    }

    fn recycle(&self, body: Bytes) {
        self.spare.recycle(body);
    }

    fn release(&self) {
        self.spare.clear();
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

    /// A server on loopback that answers every request with an endless chunked body (or, with
    /// `declared`, a Content-Length that large); counts the requests.
    async fn flood(
        declared: Option<u64>,
    ) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let count = std::sync::Arc::new(AtomicUsize::new(0));
        let seen = count.clone();
        tokio::spawn(async move {
            while let Ok((mut conn, _)) = listener.accept().await {
                let seen = seen.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match conn.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    seen.fetch_add(1, Ordering::SeqCst);
                    let header = match declared {
                        Some(n) => format!("HTTP/1.1 200 OK\r\nContent-Length: {n}\r\n\r\n"),
                        None => "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".into(),
                    };
                    if conn.write_all(header.as_bytes()).await.is_err() {
                        return;
                    }
                    let chunk = vec![b' '; 1 << 20];
                    let framed = [
                        format!("{:x}\r\n", chunk.len()).into_bytes(),
                        chunk,
                        b"\r\n".to_vec(),
                    ]
                    .concat();
                    loop {
                        let piece: &[u8] = if declared.is_some() {
                            &framed[..1 << 20]
                        } else {
                            &framed
                        };
                        if conn.write_all(piece).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        (format!("http://{addr}/v1.0"), count)
    }

    #[tokio::test]
    async fn an_answer_over_the_cap_is_too_large_at_once_and_not_retried() {
        use std::sync::Arc;
        use std::sync::atomic::Ordering;

        use crate::auth::{Secret, StaticToken};
        use crate::graph::client::{ClientOptions, GraphClient};
        for declared in [None, Some(MAX_BODY as u64 + 1)] {
            let (base, count) = flood(declared).await;
            let client = GraphClient::new(
                ClientOptions::new(&base, Duration::from_secs(30)),
                Arc::new(HttpTransport::new(&base).unwrap()),
                Arc::new(StaticToken::new(Secret::new("t"))),
            )
            .unwrap();
            let e = client.my_presence().await.unwrap_err();
            assert_eq!(e, GraphError::TooLarge, "{declared:?}");
            assert_eq!(count.load(Ordering::SeqCst), 1, "{declared:?}: not retried");
            let line = e.user_line();
            assert!(
                line.starts_with("Microsoft Graph sent an answer larger than 16 MB;"),
                "{line}"
            );
            assert!(
                !line.contains("network") && !line.contains("proxy (HTTPS_PROXY)"),
                "{line}"
            );
        }
    }

    #[tokio::test]
    async fn a_recycled_body_is_read_into_again_until_released() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut conn, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    // One request per read is enough for this client's small GETs.
                    while let Ok(n) = conn.read(&mut buf).await {
                        if n == 0 {
                            return;
                        }
                        let mut answer =
                            b"HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n".to_vec();
                        answer.resize(answer.len() + 4096, b'x');
                        if conn.write_all(&answer).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        let base = format!("http://{addr}/v1.0");
        let t = HttpTransport::new(&base).unwrap();
        let get = || {
            http::Request::get(format!("{base}/me"))
                .body(Bytes::new())
                .unwrap()
        };
        let first = t.send(get()).await.unwrap().into_body();
        let at = first.as_ptr();
        t.recycle(first);
        let second = t.send(get()).await.unwrap().into_body();
        assert_eq!(second.as_ptr(), at, "read into the body handed back");
        assert_eq!(second.len(), 4096);
        // A body still shared elsewhere is not written into.
        t.recycle(second.clone());
        assert!(t.spare.is_empty());
        t.recycle(second);
        assert_eq!(t.spare.len(), 1);
        t.release();
        assert!(t.spare.is_empty());
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
