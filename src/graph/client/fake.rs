//! A scripted `Transport` and `TokenSource` for the client's unit tests: each request is answered by a
//! closure, and every request is recorded.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;

use crate::auth::{AuthError, Secret, TokenSource};
use crate::graph::client::{ClientOptions, GraphClient};
use crate::graph::transport::{BoxFuture, Transport, TransportError};

pub enum Step {
    Reply(http::Response<Bytes>),
    Fail(TransportError),
    /// Never answers (a stalled body or a silent server).
    Stall,
}

pub fn reply(status: u16, body: &str) -> Step {
    Step::Reply(
        http::Response::builder()
            .status(status)
            .body(Bytes::from(body.to_owned()))
            .unwrap(),
    )
}

pub fn reply_with(status: u16, headers: &[(&str, &str)], body: &str) -> Step {
    let mut b = http::Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    Step::Reply(b.body(Bytes::from(body.to_owned())).unwrap())
}

#[derive(Clone, Debug)]
pub struct Seen {
    pub method: http::Method,
    pub uri: String,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

type Handler = Box<dyn FnMut(&Seen, usize) -> Step + Send>;

pub struct Script {
    handler: Mutex<Handler>,
    pub seen: Mutex<Vec<Seen>>,
}

impl Script {
    pub fn new(handler: impl FnMut(&Seen, usize) -> Step + Send + 'static) -> Arc<Self> {
        Arc::new(Self {
            handler: Mutex::new(Box::new(handler)),
            seen: Mutex::new(Vec::new()),
        })
    }
    pub fn count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Transport for Script {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>> {
        let seen = Seen {
            method: request.method().clone(),
            uri: request.uri().to_string(),
            headers: request.headers().clone(),
            body: request.body().clone(),
        };
        let n = {
            let mut all = self.seen.lock().unwrap();
            all.push(seen.clone());
            all.len() - 1
        };
        let step = (self.handler.lock().unwrap())(&seen, n);
        Box::pin(async move {
            match step {
                Step::Reply(r) => Ok(r),
                Step::Fail(e) => Err(e),
                Step::Stall => std::future::pending().await,
            }
        })
    }
}

/// Gives "t1"; a refresh gives "t2" unless told to fail. Counts refreshes.
pub struct Tokens {
    pub refreshes: AtomicUsize,
    pub refresh_fails: bool,
}

impl Tokens {
    pub fn new(refresh_fails: bool) -> Arc<Self> {
        Arc::new(Self {
            refreshes: AtomicUsize::new(0),
            refresh_fails,
        })
    }
}

impl TokenSource for Tokens {
    fn bearer(&self) -> BoxFuture<'_, Result<Secret, AuthError>> {
        Box::pin(async { Ok(Secret::new("t1")) })
    }
    fn refresh_after_401<'a>(
        &'a self,
        _rejected: &'a Secret,
    ) -> BoxFuture<'a, Result<Secret, AuthError>> {
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        let fails = self.refresh_fails;
        Box::pin(async move {
            if fails {
                Err(AuthError::Refused(crate::text::SafeText::line(
                    "refresh token expired",
                )))
            } else {
                Ok(Secret::new("t2"))
            }
        })
    }
}

pub const BASE: &str = "https://graph.test/v1.0";

pub fn client(script: &Arc<Script>, tokens: Arc<Tokens>) -> GraphClient {
    let options = ClientOptions {
        base_url: BASE.into(),
        timeout: std::time::Duration::from_secs(15),
        seed: 42,
        max_retries: 3,
    };
    GraphClient::new(options, script.clone(), tokens).unwrap()
}

pub fn presence_json(id: &str, availability: &str) -> String {
    format!(r#"{{"id":"{id}","availability":"{availability}","activity":"{availability}"}}"#)
}
