//! The client's exchange rules over a scripted transport, under paused time.

use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::time::Instant;

use super::fake::{BASE, Script, Step, Tokens, client, presence_json, reply, reply_with};
use crate::auth::AuthError;
use crate::graph::error::GraphError;
use crate::graph::model::{AvailabilityKind, UserId};
use crate::graph::transport::TransportError;

const ME: &str = r#"{"id":"me-1","availability":"Available","activity":"Available"}"#;

#[tokio::test(start_paused = true)]
async fn requests_carry_token_accept_and_request_id() {
    let script = Script::new(|_, _| reply(200, ME));
    let c = client(&script, Tokens::new(false));
    let p = c.my_presence().await.unwrap();
    assert_eq!(p.availability.kind(), AvailabilityKind::Available);
    let seen = &script.seen()[0];
    assert_eq!(seen.uri, format!("{BASE}/me/presence"));
    assert_eq!(seen.headers["authorization"], "Bearer t1");
    assert!(seen.headers["authorization"].is_sensitive());
    assert_eq!(seen.headers["accept"], "application/json");
    assert_eq!(seen.headers["client-request-id"].len(), 36);
    assert!(seen.headers.get("retry-attempt").is_none());
    assert_eq!(c.requests_sent(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_503_is_retried_with_backoff_and_a_retry_attempt_header() {
    let script = Script::new(|_, n| {
        if n == 0 {
            reply(503, "")
        } else {
            reply(200, ME)
        }
    });
    let c = client(&script, Tokens::new(false));
    c.my_presence().await.unwrap();
    let seen = script.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].headers["retry-attempt"], "1");
    assert_ne!(
        seen[0].headers["client-request-id"],
        seen[1].headers["client-request-id"]
    );
}

#[tokio::test(start_paused = true)]
async fn retries_are_bounded_and_only_for_429_503_504_and_connection_errors() {
    for (step, want_requests) in [(503, 4), (504, 4), (500, 1), (502, 1), (403, 1), (404, 1)] {
        let script =
            Script::new(move |_, _| reply(step, r#"{"error":{"code":"x","message":"y"}}"#));
        let c = client(&script, Tokens::new(false));
        let e = c.my_presence().await.unwrap_err();
        assert_eq!(script.count(), want_requests, "status {step}");
        assert_eq!(e.status(), Some(step));
    }
    let script =
        Script::new(|_, _| Step::Fail(TransportError::Io("connection reset by peer".into())));
    let c = client(&script, Tokens::new(false));
    let started = Instant::now();
    let e = c.my_presence().await.unwrap_err();
    assert!(matches!(e, GraphError::Transport(_)), "{e:?}");
    assert_eq!(script.count(), 4);
    // Three backoffs, each at most its ceiling (0.5 + 1 + 2 s).
    assert!(started.elapsed() <= Duration::from_millis(3500));
}

#[tokio::test(start_paused = true)]
async fn a_short_retry_after_is_waited_out_and_pauses_every_call() {
    let script = Script::new(|_, n| {
        if n == 0 {
            reply_with(429, &[("Retry-After", "1.5")], "")
        } else {
            reply(200, ME)
        }
    });
    let c = client(&script, Tokens::new(false));
    let started = Instant::now();
    let (first, paused) = tokio::join!(c.my_presence(), async {
        tokio::task::yield_now().await;
        c.paused_until()
    });
    first.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(1500));
    assert_eq!(paused, Some(started + Duration::from_millis(1500)));
    assert_eq!(script.count(), 2);
    assert_eq!(c.paused_until(), None);
}

#[tokio::test(start_paused = true)]
async fn a_long_retry_after_ends_the_call_and_fresh_calls_send_nothing_until_it_passes() {
    let script = Script::new(|_, n| {
        if n == 0 {
            reply_with(429, &[("Retry-After", "120")], "")
        } else {
            reply(200, ME)
        }
    });
    let c = client(&script, Tokens::new(false));
    let started = Instant::now();
    let e = c.my_presence().await.unwrap_err();
    assert_eq!(e.paused_until(), Some(started + Duration::from_secs(120)));
    assert_eq!(e.retry_after(), Some(Duration::from_secs(120)));
    // Another call, even another endpoint, waits too: it is refused without a request.
    let again = c.user_presence(&UserId::new("x")).await.unwrap_err();
    assert!(again.is_throttled());
    assert_eq!(script.count(), 1);
    tokio::time::advance(Duration::from_secs(120)).await;
    c.my_presence().await.unwrap();
    assert_eq!(script.count(), 2);
}

#[tokio::test(start_paused = true)]
async fn unusable_retry_after_values_fall_back_to_backoff() {
    for value in ["-1", "garbage", ""] {
        let script = Script::new(move |_, n| {
            if n == 0 {
                reply_with(429, &[("Retry-After", value)], "")
            } else {
                reply(200, ME)
            }
        });
        let c = client(&script, Tokens::new(false));
        let started = Instant::now();
        c.my_presence().await.unwrap();
        assert_eq!(script.count(), 2, "{value:?}");
        assert!(started.elapsed() <= Duration::from_millis(500), "{value:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn persistent_429s_without_retry_after_get_one_retry_and_no_until_time() {
    let script = Script::new(|_, _| {
        reply(
            429,
            r#"{"error":{"code":"TooManyRequests","message":"slow"}}"#,
        )
    });
    let c = client(&script, Tokens::new(false));
    let e = c.my_presence().await.unwrap_err();
    assert!(e.is_throttled(), "{e:?}");
    assert_eq!(script.count(), 2);
    assert_eq!(e.paused_until(), None);
    assert_eq!(
        c.paused_until(),
        None,
        "nothing Graph said pauses other calls"
    );
}

#[tokio::test(start_paused = true)]
async fn persistent_429s_with_a_short_retry_after_are_retried_three_times() {
    let script = Script::new(|_, _| reply_with(429, &[("Retry-After", "2")], ""));
    let c = client(&script, Tokens::new(false));
    let e = c.my_presence().await.unwrap_err();
    assert!(e.is_throttled(), "{e:?}");
    assert_eq!(script.count(), 4);
    assert!(e.paused_until().is_some());
}

#[tokio::test(start_paused = true)]
async fn a_401_refreshes_once_then_retries() {
    let script = Script::new(|seen, _| {
        if seen.headers["authorization"] == "Bearer t1" {
            reply(
                401,
                r#"{"error":{"code":"InvalidAuthenticationToken","message":"expired"}}"#,
            )
        } else {
            reply(200, ME)
        }
    });
    let tokens = Tokens::new(false);
    let c = client(&script, tokens.clone());
    c.my_presence().await.unwrap();
    assert_eq!(tokens.refreshes.load(Ordering::SeqCst), 1);
    assert_eq!(script.count(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_failed_refresh_is_an_auth_error_and_a_second_401_is_not_retried() {
    let script =
        Script::new(|_, _| reply(401, r#"{"error":{"code":"InvalidAuthenticationToken"}}"#));
    let c = client(&script, Tokens::new(true));
    let e = c.my_presence().await.unwrap_err();
    assert!(
        matches!(e, GraphError::Auth(AuthError::Refused(_))),
        "{e:?}"
    );
    assert_eq!(e.exit(), crate::exit::Exit::SignIn);
    assert_eq!(script.count(), 1);

    let tokens = Tokens::new(false);
    let c = client(&script, tokens.clone());
    let e = c.my_presence().await.unwrap_err();
    assert_eq!(e.status(), Some(401));
    assert_eq!(e.exit(), crate::exit::Exit::SignIn);
    assert_eq!(tokens.refreshes.load(Ordering::SeqCst), 1);
    assert_eq!(script.count(), 3);
}

#[tokio::test(start_paused = true)]
async fn redirects_are_not_followed() {
    for status in [301, 302, 303, 307, 308] {
        for location in [
            "https://evil.example/steal",
            "https://graph.test@evil.example/v1.0/me/presence",
            "//evil.example/v1.0/me/presence",
            "https://graph.test:8443/v1.0/me/presence",
            "/v1.0/me/presence",
        ] {
            let script = Script::new(move |_, _| reply_with(status, &[("Location", location)], ""));
            let c = client(&script, Tokens::new(false));
            assert_eq!(
                c.my_presence().await.unwrap_err(),
                GraphError::Redirect { status },
                "{status} {location}"
            );
            assert_eq!(script.count(), 1, "{status} {location}");
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_token_holding_cr_or_lf_is_refused_before_anything_is_sent() {
    struct Smuggler;
    impl crate::auth::TokenSource for Smuggler {
        fn bearer(
            &self,
        ) -> crate::graph::transport::BoxFuture<'_, Result<crate::auth::Secret, AuthError>>
        {
            Box::pin(async { Ok(crate::auth::Secret::new("t1\r\nX-Smuggled: secret-part")) })
        }
        fn refresh_after_401<'a>(
            &'a self,
            _rejected: &'a crate::auth::Secret,
        ) -> crate::graph::transport::BoxFuture<'a, Result<crate::auth::Secret, AuthError>>
        {
            Box::pin(async { Err(AuthError::SignInNeeded) })
        }
    }
    let script = Script::new(|_, _| reply(200, ME));
    let options = super::ClientOptions::new(super::fake::BASE, Duration::from_secs(5));
    let c =
        super::GraphClient::new(options, script.clone(), std::sync::Arc::new(Smuggler)).unwrap();
    let e = c.my_presence().await.unwrap_err();
    assert!(
        matches!(e, GraphError::Auth(AuthError::Refused(_))),
        "{e:?}"
    );
    assert_eq!(script.count(), 0, "nothing sent");
    let shown = format!("{e} {e:?}");
    assert!(
        !shown.contains("secret-part") && !shown.contains("Smuggled"),
        "{shown}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_stalled_answer_times_out_without_retrying() {
    let script = Script::new(|_, _| Step::Stall);
    let c = client(&script, Tokens::new(false));
    let started = Instant::now();
    assert_eq!(c.my_presence().await.unwrap_err(), GraphError::Timeout);
    assert_eq!(started.elapsed(), Duration::from_secs(15));
    assert_eq!(script.count(), 1);
}

#[tokio::test(start_paused = true)]
async fn an_answer_too_large_is_final_with_its_own_message() {
    let script = Script::new(|_, _| Step::Fail(TransportError::TooLarge));
    let c = client(&script, Tokens::new(false));
    let e = c.my_presence().await.unwrap_err();
    assert_eq!(e, GraphError::TooLarge);
    assert_eq!(script.count(), 1);
    assert!(
        e.user_line().contains("larger than 16 MB"),
        "{}",
        e.user_line()
    );
    let e = c.presences(&[UserId::new("a")]).await.unwrap_err();
    assert_eq!(e, GraphError::TooLarge);
    assert_eq!(script.count(), 2);
}

#[tokio::test(start_paused = true)]
async fn unreadable_bodies_are_malformed() {
    for (body, want) in [
        ("", "empty"),
        ("<html><body>Bad gateway</body></html>", "HTML"),
        (r#"{"value":[{"id":"a""#, "JSON"),
    ] {
        let script = Script::new(move |_, _| reply(200, body));
        let c = client(&script, Tokens::new(false));
        let e = c.my_presence().await.unwrap_err();
        match &e {
            GraphError::Malformed(what) => assert!(what.contains(want), "{what}"),
            other => panic!("{other:?}"),
        }
        let e = c.presences(&[UserId::new("a")]).await.unwrap_err();
        assert!(matches!(e, GraphError::Malformed(_)), "{e:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn one_broken_element_costs_only_its_person_in_a_read() {
    let script = Script::new(|_, _| {
        let mut body = format!(
            r#"{{"value":[{},{{"id":"q","activity":"\q"}},{{"id":"s","availability":"\ud800"}},{{"id":"u","availability":"Away","activity":"Away","statusMessage":{{"message":{{"content":"caf"#,
            presence_json("a", "Busy")
        )
        .into_bytes();
        body.push(0xff);
        body.extend_from_slice(br#"","contentType":"text"}}}]}"#);
        Step::Reply(
            http::Response::builder()
                .status(200)
                .body(bytes::Bytes::from(body))
                .unwrap(),
        )
    });
    let c = client(&script, Tokens::new(false));
    let ids: Vec<UserId> = ["a", "q", "s", "u"].into_iter().map(UserId::new).collect();
    let read = c.presences(&ids).await.unwrap();
    let got: Vec<&str> = read.presences.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(got, ["a", "u"]);
    let bad: Vec<&str> = read
        .bad
        .iter()
        .map(|b| b.id.as_ref().unwrap().as_str())
        .collect();
    assert_eq!(bad, ["q", "s"]);
    assert!(
        read.missing.is_empty(),
        "the unreadable are not missing: they keep their state"
    );
}

#[tokio::test(start_paused = true)]
async fn an_html_error_page_is_malformed_not_graph_speaking() {
    let script = Script::new(|_, _| {
        reply_with(
            502,
            &[("Content-Type", "text/html")],
            "<html>Bad Gateway</html>",
        )
    });
    let c = client(&script, Tokens::new(false));
    let e = c.my_presence().await.unwrap_err();
    assert!(
        matches!(&e, GraphError::Malformed(w) if w.contains("HTML page with status 502")),
        "{e:?}"
    );
    assert_eq!(script.count(), 1);
}

#[tokio::test(start_paused = true)]
async fn batches_of_650_are_merged_by_id() {
    let script = Script::new(|seen, _| {
        let body: serde_json::Value = serde_json::from_slice(&seen.body).unwrap();
        let ids: Vec<&str> = body["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(ids.len() <= 650);
        // Answer in reverse order, leaving out ids ending in 7.
        let items: Vec<String> = ids
            .iter()
            .rev()
            .filter(|id| !id.ends_with('7'))
            .map(|id| presence_json(id, "Busy"))
            .collect();
        reply(200, &format!(r#"{{"value":[{}]}}"#, items.join(",")))
    });
    let c = client(&script, Tokens::new(false));
    let ids: Vec<UserId> = (0..2_000).map(|i| UserId::new(format!("u{i}"))).collect();
    let read = c.presences(&ids).await.unwrap();
    assert_eq!(script.count(), 4);
    assert!(script.seen().iter().all(|s| s.method == http::Method::POST));
    assert_eq!(read.requests, 4);
    assert_eq!(read.presences.len(), 1_800);
    assert_eq!(read.missing.len(), 200);
    assert_eq!(read.presences[0].id, UserId::new("u0"));
    assert!(read.missing.iter().all(|id| id.as_str().ends_with('7')));
    assert!(!read.fallback_used);
}

#[tokio::test(start_paused = true)]
async fn where_the_batch_call_is_not_offered_people_are_read_one_by_one_from_then_on() {
    let script = Script::new(|seen, _| {
        if seen.uri.ends_with("getPresencesByUserId") {
            reply(
                404,
                r#"{"error":{"code":"Request_ResourceNotFound","message":"Resource not found for the segment"}}"#,
            )
        } else if seen.uri.ends_with("/ghost") {
            reply(404, r#"{"error":{"code":"NotFound"}}"#)
        } else {
            let id = seen.uri.rsplit('/').next().unwrap().to_owned();
            reply(
                200,
                &format!(r#"{{"value":[{}]}}"#, presence_json(&id, "Away")),
            )
        }
    });
    let c = client(&script, Tokens::new(false));
    let ids = [UserId::new("a"), UserId::new("ghost"), UserId::new("b")];
    let read = c.presences(&ids).await.unwrap();
    assert!(read.fallback_used);
    assert_eq!(read.presences.len(), 2);
    assert_eq!(read.missing, [UserId::new("ghost")]);
    assert_eq!(read.requests, 4);
    let before = script.count();
    let again = c.presences(&ids).await.unwrap();
    assert_eq!(
        script.count() - before,
        3,
        "no second try of the batch call"
    );
    assert!(again.fallback_used);
    assert!(c.min_refresh_interval(3) >= Duration::from_millis(120));
}

#[tokio::test(start_paused = true)]
async fn a_base_url_off_loopback_over_http_is_refused() {
    let script = Script::new(|_, _| reply(200, ME));
    let options =
        super::ClientOptions::new("http://graph.example.com/v1.0", Duration::from_secs(5));
    let e = super::GraphClient::new(options, script.clone(), Tokens::new(false)).unwrap_err();
    assert!(matches!(e, GraphError::BadBaseUrl(_)));
    assert_eq!(e.exit(), crate::exit::Exit::Usage);
}

#[tokio::test(start_paused = true)]
async fn the_client_is_shared_across_tasks() {
    fn shareable<T: Send + Sync + Clone + 'static>(_: &T) {}
    let script = Script::new(|_, _| reply(200, r#"{"value":[]}"#));
    let c = client(&script, Tokens::new(false));
    shareable(&c);
    let tasks: Vec<_> = (0..4)
        .map(|i| {
            let c = c.clone();
            tokio::spawn(async move { c.presences(&[UserId::new(format!("p{i}"))]).await })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap().missing.len(), 1);
    }
    assert_eq!(c.requests_sent(), 4);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_on_a_503_pauses_every_call_too() {
    let script = Script::new(|_, _| reply_with(503, &[("Retry-After", "30")], ""));
    let c = client(&script, Tokens::new(false));
    let started = Instant::now();
    let e = c.my_presence().await.unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(c.paused_until(), Some(started + Duration::from_secs(30)));
    assert!(c.me().await.unwrap_err().is_throttled());
    assert_eq!(script.count(), 1);
}
