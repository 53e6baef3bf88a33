//! The loopback listener the browser is redirected to. It answers each request with a short page
//! and gives back the first redirect that carries the expected `state`; anything else (a favicon
//! request, a stray or forged redirect) gets a page of its own and the wait goes on.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::auth::Secret;

/// The most a request head may hold; the redirect's URL is well under 4 KiB.
const MAX_HEAD: usize = 16 * 1024;
/// How long one connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// What the browser brought back.
#[derive(Debug)]
pub enum Redirect {
    Code(Secret),
    Error {
        error: String,
        description: Option<String>,
    },
}

pub struct Listener {
    v4: TcpListener,
    v6: Option<TcpListener>,
    port: u16,
}

impl Listener {
    /// 127.0.0.1 on a port the system picks, and `::1` on the same port where the system has IPv6:
    /// `localhost` may resolve to either.
    pub async fn bind() -> io::Result<Self> {
        let v4 = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let port = v4.local_addr()?.port();
        let v6 = TcpListener::bind((Ipv6Addr::LOCALHOST, port)).await.ok();
        Ok(Self { v4, v6, port })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves requests until one is the redirect for `state`.
    pub async fn serve_one(self, state: &str) -> Redirect {
        loop {
            let accepted = match &self.v6 {
                Some(v6) => tokio::select! {
                    a = self.v4.accept() => a,
                    a = v6.accept() => a,
                },
                None => self.v4.accept().await,
            };
            let Ok((stream, _)) = accepted else { continue };
            if let Some(redirect) = answer(stream, state).await {
                return redirect;
            }
        }
    }
}

/// Reads one request and answers it; the redirect, when it is the one awaited.
async fn answer(mut stream: TcpStream, state: &str) -> Option<Redirect> {
    let head = tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream))
        .await
        .ok()?
        .ok()?;
    let (status, page, redirect) = match judge(&head, state) {
        Judged::Redirect(r @ Redirect::Code(_)) => (200, SIGNED_IN, Some(r)),
        Judged::Redirect(r @ Redirect::Error { .. }) => (200, FAILED, Some(r)),
        Judged::WrongState => (400, WRONG_STATE, None),
        Judged::Other => (404, NOT_HERE, None),
    };
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        _ => "Not Found",
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
    redirect
}

async fn read_head(stream: &mut TcpStream) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_HEAD {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&chunk[..n]);
    }
    Ok(head)
}

enum Judged {
    Redirect(Redirect),
    WrongState,
    Other,
}

fn judge(head: &[u8], state: &str) -> Judged {
    let text = String::from_utf8_lossy(head);
    let mut parts = text.lines().next().unwrap_or("").split(' ');
    let (Some("GET"), Some(target)) = (parts.next(), parts.next()) else {
        return Judged::Other;
    };
    if !target.starts_with('/') {
        return Judged::Other;
    }
    let Ok(url) = oauth2::url::Url::parse(&format!("http://localhost{target}")) else {
        return Judged::Other;
    };
    let get = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let (code, error) = (get("code"), get("error"));
    if code.is_none() && error.is_none() {
        return Judged::Other;
    }
    // Compared whole; a forged redirect without our state must not end the wait.
    if get("state").as_deref() != Some(state) {
        return Judged::WrongState;
    }
    match (code, error) {
        (_, Some(error)) => Judged::Redirect(Redirect::Error {
            error,
            description: get("error_description"),
        }),
        (Some(code), None) => Judged::Redirect(Redirect::Code(Secret::new(code))),
        (None, None) => Judged::Other,
    }
}

const SIGNED_IN: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>teamboard</title></head>\
<body style=\"font-family:sans-serif\"><h1>Signed in to teamboard</h1><p>You can close this tab and go back to the terminal.</p></body></html>";
const FAILED: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>teamboard</title></head>\
<body style=\"font-family:sans-serif\"><h1>Sign-in did not complete</h1><p>The terminal says why and what to do. You can close this tab.</p></body></html>";
const WRONG_STATE: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>teamboard</title></head>\
<body style=\"font-family:sans-serif\"><h1>Not the sign-in teamboard is waiting for</h1><p>This answer belongs to another sign-in. Start again with <code>teamboard login</code>.</p></body></html>";
const NOT_HERE: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>teamboard</title></head>\
<body style=\"font-family:sans-serif\"><p>Nothing here.</p></body></html>";

#[cfg(test)]
mod tests {
    use super::*;

    fn head(target: &str) -> Vec<u8> {
        format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n").into_bytes()
    }

    #[test]
    fn only_a_redirect_with_our_state_counts() {
        match judge(&head("/?code=abc&state=s1&session_state=x"), "s1") {
            Judged::Redirect(Redirect::Code(code)) => assert_eq!(code.expose(), "abc"),
            _ => panic!("the code was not taken"),
        }
        assert!(matches!(
            judge(&head("/?code=abc&state=forged"), "s1"),
            Judged::WrongState
        ));
        assert!(matches!(
            judge(&head("/?code=abc"), "s1"),
            Judged::WrongState
        ));
        assert!(matches!(judge(&head("/favicon.ico"), "s1"), Judged::Other));
        assert!(matches!(
            judge(b"POST /?code=a&state=s1 HTTP/1.1\r\n\r\n", "s1"),
            Judged::Other
        ));
        assert!(matches!(judge(b"\xff\xfe garbage", "s1"), Judged::Other));
    }

    #[test]
    fn an_error_redirect_carries_entras_words() {
        let judged = judge(
            &head("/?error=access_denied&error_description=AADSTS65004%3A+declined&state=s1"),
            "s1",
        );
        match judged {
            Judged::Redirect(Redirect::Error { error, description }) => {
                assert_eq!(error, "access_denied");
                assert_eq!(description.as_deref(), Some("AADSTS65004: declined"));
            }
            _ => panic!("the error was not taken"),
        }
    }

    #[tokio::test]
    async fn the_listener_answers_strays_and_returns_the_redirect() {
        let listener = Listener::bind().await.unwrap();
        let port = listener.port();
        let waiting = tokio::spawn(listener.serve_one("s1"));
        let ask = |target: &'static str| async move {
            let mut s = TcpStream::connect((Ipv4Addr::LOCALHOST, port))
                .await
                .unwrap();
            s.write_all(&head(target)).await.unwrap();
            let mut answer = String::new();
            s.read_to_string(&mut answer).await.unwrap();
            answer
        };
        assert!(ask("/favicon.ico").await.starts_with("HTTP/1.1 404"));
        assert!(
            ask("/?code=x&state=forged")
                .await
                .starts_with("HTTP/1.1 400")
        );
        let page = ask("/?code=good&state=s1").await;
        assert!(page.contains("Signed in to teamboard"), "{page}");
        match waiting.await.unwrap() {
            Redirect::Code(code) => assert_eq!(code.expose(), "good"),
            Redirect::Error { .. } => panic!("expected the code"),
        }
    }
}
