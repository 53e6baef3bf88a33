//! `GraphClient` and roster resolution against the simulated tenant: in-process through
//! `RouterTransport` under paused time, plus one pass over real HTTP on 127.0.0.1.

mod support {
    use std::sync::Arc;

    use teamboard::sim::{Scenario, Sim, SimOptions};

    pub mod graph;
    pub use graph::{client, client_with, ids};

    pub fn sim(n: u32) -> Arc<Sim> {
        Sim::new(SimOptions::new(n, Scenario::Static))
    }
}

mod batching {
    use std::collections::HashSet;

    use teamboard::graph::model::UserId;
    use teamboard::graph::presence::requests_per_refresh;

    use super::support::{client, ids, sim};

    #[tokio::test(start_paused = true)]
    async fn two_thousand_people_take_four_presence_requests() {
        let sim = sim(2_000);
        let c = client(&sim);
        let read = c.presences(&ids(&sim)).await.unwrap();
        assert_eq!(sim.counts().presence_batch, 4);
        assert_eq!(sim.counts().total, 4);
        assert_eq!(read.requests, 4);
        assert_eq!(read.presences.len(), 2_000);
        assert!(read.missing.is_empty() && read.bad.is_empty() && read.failed.is_empty());
        let distinct: HashSet<_> = read.presences.iter().map(|p| &p.id).collect();
        assert_eq!(distinct.len(), 2_000);
    }

    #[tokio::test(start_paused = true)]
    async fn requests_per_refresh_for_10_650_651_and_10000() {
        for (n, want) in [(10, 1), (650, 1), (651, 2), (10_000, 16)] {
            let sim = sim(n);
            let c = client(&sim);
            let read = c.presences(&ids(&sim)).await.unwrap();
            let sent = sim.counts().presence_batch;
            eprintln!("FIGURE requests per refresh: {n} teammates -> {sent}");
            assert_eq!(sent, want, "{n}");
            assert_eq!(requests_per_refresh(n as usize, false) as u64, want);
            assert_eq!(read.presences.len(), n as usize);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn ids_graph_leaves_out_are_missing() {
        let sim = sim(20);
        let c = client(&sim);
        let mut asked = ids(&sim);
        let strangers = [
            UserId::new("00000000-0000-4000-8000-00000000dead"),
            UserId::new("00000000-0000-4000-8000-00000000beef"),
        ];
        asked.insert(5, strangers[0].clone());
        asked.push(strangers[1].clone());
        let read = c.presences(&asked).await.unwrap();
        assert_eq!(read.presences.len(), 20);
        assert_eq!(read.missing, strangers);
    }

    #[tokio::test(start_paused = true)]
    async fn one_malformed_element_costs_only_that_person() {
        for fault in [
            teamboard::sim::MalformedElement::WrongType,
            teamboard::sim::MalformedElement::BadUtf8,
        ] {
            let sim = sim(50);
            sim.faults().update(|f| f.malformed_element = Some(fault));
            let c = client(&sim);
            let read = c.presences(&ids(&sim)).await.unwrap();
            // A wrong type costs that one element; bad UTF-8 only the characters it spoils.
            let want_bad = usize::from(fault == teamboard::sim::MalformedElement::WrongType);
            assert_eq!(read.bad.len(), want_bad, "{fault:?}");
            assert_eq!(read.presences.len(), 50 - want_bad, "{fault:?}");
        }
    }
}

mod throttling {
    use std::time::Duration;

    use teamboard::graph::GraphError;
    use teamboard::sim::RetryAfter;
    use tokio::time::Instant;

    use super::support::{client, ids, sim};

    /// Every second request is answered 429 with `retry_after`; returns what the second poll did.
    async fn second_poll(retry_after: RetryAfter) -> (Result<(), GraphError>, Duration, u64) {
        let sim = sim(10);
        sim.faults().update(|f| {
            f.throttle_every = 2;
            f.retry_after = retry_after;
        });
        let c = client(&sim);
        let people = ids(&sim);
        c.presences(&people).await.unwrap();
        let started = Instant::now();
        let outcome = c.presences(&people).await.map(drop);
        (outcome, started.elapsed(), sim.counts().throttled)
    }

    #[tokio::test(start_paused = true)]
    async fn a_fractional_retry_after_is_waited_out() {
        for value in [RetryAfter::Fractional(1.5), RetryAfter::Raw("2.128".into())] {
            let (outcome, took, throttled) = second_poll(value.clone()).await;
            outcome.unwrap();
            assert_eq!(throttled, 1);
            assert!(
                took >= Duration::from_millis(1500) && took < Duration::from_millis(2200),
                "{value:?}: {took:?}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn unusable_retry_after_values_fall_back_to_jittered_backoff() {
        for value in [
            RetryAfter::Raw("-1".into()),
            RetryAfter::Raw("soon".into()),
            RetryAfter::Missing,
        ] {
            let (outcome, took, throttled) = second_poll(value.clone()).await;
            outcome.unwrap();
            assert_eq!(throttled, 1);
            assert!(took <= Duration::from_millis(500), "{value:?}: {took:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_without_a_usable_retry_after_gets_one_retry_then_fails_without_a_time() {
        for value in [
            RetryAfter::Missing,
            RetryAfter::Raw("-1".into()),
            RetryAfter::Raw("garbage".into()),
        ] {
            let sim = sim(10);
            sim.faults().update(|f| {
                f.throttle_every = 1;
                f.retry_after = value.clone();
            });
            let c = client(&sim);
            let e = c.presences(&ids(&sim)).await.unwrap_err();
            assert!(e.is_throttled(), "{value:?}: {e:?}");
            assert_eq!(sim.counts().total, 2, "{value:?}: one request, one retry");
            // Only Graph's own word sets a time: our short backoff is not passed off as one.
            assert_eq!(e.retry_after(), None, "{value:?}");
            assert_eq!(e.paused_until(), None, "{value:?}");
            assert_eq!(c.paused_until(), None, "{value:?}");
            let line = e.user_line();
            assert!(!line.contains("paused for"), "{value:?}: {line}");
            assert!(line.contains("throttling"), "{value:?}: {line}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn minutes_and_http_dates_pause_every_call_until_they_pass() {
        for (value, want) in [
            (RetryAfter::Seconds(120), Duration::from_secs(120)),
            (
                RetryAfter::HttpDateIn(Duration::from_secs(90)),
                Duration::from_secs(90),
            ),
        ] {
            let sim = sim(10);
            sim.faults().update(|f| {
                f.throttle_every = 2;
                f.retry_after = value.clone();
            });
            let c = client(&sim);
            let people = ids(&sim);
            c.presences(&people).await.unwrap();
            let started = Instant::now();
            let e = c.presences(&people).await.unwrap_err();
            let until = e.paused_until().expect("throttled");
            let pause = until - started;
            // An HTTP date has whole seconds: allow the one it loses.
            assert!(
                pause <= want && pause + Duration::from_secs(1) >= want,
                "{value:?}: {pause:?}"
            );
            assert_eq!(c.paused_until(), Some(until));
            assert!(e.user_line().contains("paused"), "{}", e.user_line());
            // Everything waits: presence, single reads and /me send nothing while paused.
            let sent = sim.counts().total;
            assert!(c.presences(&people).await.unwrap_err().is_throttled());
            assert!(
                c.user_presence(&people[1])
                    .await
                    .unwrap_err()
                    .is_throttled()
            );
            assert!(c.me().await.unwrap_err().is_throttled());
            assert_eq!(sim.counts().total, sent);
            tokio::time::sleep_until(until).await;
            sim.faults().clear();
            assert_eq!(c.presences(&people).await.unwrap().presences.len(), 10);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_reaches_batches_already_under_way() {
        // 2,000 people, 4 batches in flight; the second request is throttled for 5 s: every batch
        // sent after it waits for the gate, so nothing reaches the tenant during the pause.
        let sim = sim(2_000);
        sim.faults().update(|f| {
            f.throttle_every = 2;
            f.retry_after = RetryAfter::Seconds(5);
            f.latency = Duration::from_millis(100);
        });
        let c = client(&sim);
        let started = Instant::now();
        let read = c.presences(&ids(&sim)).await.unwrap();
        assert_eq!(read.presences.len(), 2_000);
        assert!(started.elapsed() >= Duration::from_secs(5));
        assert!(sim.counts().throttled >= 1);
    }
}

mod faults {
    use std::time::Duration;

    use teamboard::graph::GraphError;
    use teamboard::sim::{BodyFault, NotOffered, ServerError};
    use tokio::time::Instant;

    use super::support::{client, ids, sim};

    #[tokio::test(start_paused = true)]
    async fn half_the_requests_failing_costs_bounded_retries_and_no_storm() {
        for kind in [
            ServerError::ServiceUnavailable,
            ServerError::GatewayTimeout,
            ServerError::Mixed,
        ] {
            let sim = sim(2_000);
            sim.faults().update(|f| {
                f.fail_rate = 0.5;
                f.server_error = kind;
            });
            let c = client(&sim);
            let people = ids(&sim);
            let polls = 30;
            let mut complete = 0;
            for _ in 0..polls {
                let started = Instant::now();
                let before = sim.counts().total;
                if let Ok(read) = c.presences(&people).await {
                    complete += u32::from(read.failed.is_empty());
                }
                // At most 4 attempts per batch, and backoff keeps each poll short.
                assert!(sim.counts().total - before <= 16);
                assert!(started.elapsed() <= Duration::from_millis(3_500));
            }
            let total = sim.counts().total;
            eprintln!(
                "FIGURE 50% {kind:?}: {polls} polls of 4 batches sent {total} requests, {complete} complete"
            );
            assert!(total <= u64::from(polls) * 16);
            assert!(complete > polls / 2, "{kind:?}: {complete}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_connection_reset_is_retried_a_bounded_number_of_times() {
        let sim = sim(10);
        sim.faults().update(|f| f.body = Some(BodyFault::Reset));
        let c = client(&sim);
        let e = c.presences(&ids(&sim)).await.unwrap_err();
        assert!(matches!(e, GraphError::Transport(_)), "{e:?}");
        assert_eq!(sim.counts().total, 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_stalled_body_or_silent_server_times_out() {
        for fault in [BodyFault::Stall, BodyFault::NeverAnswer] {
            let sim = sim(10);
            sim.faults().update(|f| f.body = Some(fault));
            let c = client(&sim);
            let started = Instant::now();
            assert_eq!(
                c.presences(&ids(&sim)).await.unwrap_err(),
                GraphError::Timeout,
                "{fault:?}"
            );
            assert_eq!(started.elapsed(), Duration::from_secs(15));
            assert_eq!(sim.counts().total, 1, "{fault:?}: a timeout is not retried");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn unreadable_answers_are_typed_malformed_errors() {
        for fault in [
            BodyFault::Malformed,
            BodyFault::Truncated,
            BodyFault::HtmlPage,
            BodyFault::Empty,
        ] {
            let sim = sim(10);
            sim.faults().update(|f| f.body = Some(fault));
            let c = client(&sim);
            let e = c.presences(&ids(&sim)).await.unwrap_err();
            assert!(matches!(e, GraphError::Malformed(_)), "{fault:?}: {e:?}");
            assert!(!e.user_line().contains('\n'));
            assert_eq!(sim.counts().total, 1);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn redirects_are_not_followed() {
        let sim = sim(10);
        sim.faults().update(|f| f.redirect = true);
        let c = client(&sim);
        let e = c.presences(&ids(&sim)).await.unwrap_err();
        assert!(matches!(e, GraphError::Redirect { .. }), "{e:?}");
        assert_eq!(sim.counts().total, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn where_the_batch_call_is_not_offered_people_are_read_one_by_one() {
        for how in [NotOffered::NotFound, NotOffered::BadRequest] {
            let sim = sim(100);
            sim.faults().update(|f| f.batch_not_offered = Some(how));
            let c = client(&sim);
            let people = ids(&sim);
            let started = Instant::now();
            let read = c.presences(&people).await.unwrap();
            assert!(read.fallback_used);
            assert_eq!(read.presences.len(), 100, "{how:?}");
            assert_eq!(sim.counts().presence_batch, 1);
            assert_eq!(sim.counts().presence_single, 100);
            assert_eq!(sim.counts().throttled, 0, "paced inside the budget");
            // Paced at one request per 40 ms: half the tenant's budget.
            assert!(started.elapsed() >= Duration::from_millis(99 * 40));
            // Remembered: the next refresh goes straight to per-person reads.
            c.presences(&people).await.unwrap();
            assert_eq!(sim.counts().presence_batch, 1);
            assert_eq!(sim.counts().presence_single, 200);
            assert_eq!(c.min_refresh_interval(100), Duration::from_secs(4));
        }
    }
}

mod budget {
    use std::time::Duration;

    use teamboard::graph::min_interval_for;
    use teamboard::sim::NotOffered;
    use tokio::time::Instant;

    use super::support::{client, ids, sim};

    #[tokio::test(start_paused = true)]
    async fn ten_thousand_people_read_one_by_one_stay_inside_the_tenants_rate_limit() {
        // The tenant enforces Graph's 1,500 requests per 30 s; the fallback paces itself to half.
        let sim = sim(10_000);
        sim.faults()
            .update(|f| f.batch_not_offered = Some(NotOffered::NotFound));
        let c = client(&sim);
        let started = Instant::now();
        let read = c.presences(&ids(&sim)).await.unwrap();
        let took = started.elapsed();
        eprintln!(
            "FIGURE fallback: 10000 teammates -> {} requests in {took:?} (sim time), {} throttled",
            read.requests,
            sim.counts().throttled
        );
        assert_eq!(read.presences.len(), 10_000);
        // Only the batches already in flight (at most 4) meet the 404; the rest are not sent.
        assert!(sim.counts().presence_batch <= 4);
        assert_eq!(sim.counts().presence_single, 10_000);
        assert_eq!(sim.counts().throttled, 0);
        assert!(took >= Duration::from_secs(399));
        assert_eq!(c.min_refresh_interval(10_000), min_interval_for(10_000));
        assert_eq!(min_interval_for(10_000), Duration::from_secs(400));
    }
}

mod auth {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use bytes::Bytes;
    use teamboard::auth::{AuthError, Secret, StaticToken, TokenSource};
    use teamboard::graph::GraphError;
    use teamboard::graph::transport::{BoxFuture, Transport};
    use teamboard::sim::{RouterTransport, Sim};

    use super::support::{client_with, ids, sim};

    /// Signs in through the tenant's device-code endpoints on every refresh.
    struct DeviceCodeTokens {
        sim: Arc<Sim>,
        current: std::sync::Mutex<Secret>,
        refreshes: AtomicUsize,
    }

    async fn form(t: &RouterTransport, path: &str, body: &str) -> serde_json::Value {
        let request =
            http::Request::post(format!("http://127.0.0.1/organizations/oauth2/v2.0/{path}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Bytes::from(body.to_owned()))
                .unwrap();
        serde_json::from_slice(t.send(request).await.unwrap().body()).unwrap()
    }

    impl DeviceCodeTokens {
        async fn sign_in(&self) -> Secret {
            let t = RouterTransport::new(self.sim.router());
            let client = "client_id=11111111-1111-1111-1111-111111111111";
            let start = form(
                &t,
                "devicecode",
                &format!("{client}&scope=Presence.Read.All"),
            )
            .await;
            self.sim
                .approve_device_code(start["user_code"].as_str().unwrap());
            let code = start["device_code"].as_str().unwrap();
            loop {
                tokio::time::sleep(Duration::from_secs(start["interval"].as_u64().unwrap())).await;
                let answer = form(
                    &t,
                    "token",
                    &format!("{client}&grant_type=urn:ietf:params:oauth:grant-type:device_code&device_code={code}"),
                )
                .await;
                if let Some(token) = answer["access_token"].as_str() {
                    return Secret::new(token);
                }
            }
        }
    }

    impl TokenSource for DeviceCodeTokens {
        fn bearer(&self) -> BoxFuture<'_, Result<Secret, AuthError>> {
            let token = self.current.lock().unwrap().clone();
            Box::pin(async move { Ok(token) })
        }
        fn refresh_after_401<'a>(
            &'a self,
            _rejected: &'a Secret,
        ) -> BoxFuture<'a, Result<Secret, AuthError>> {
            Box::pin(async move {
                self.refreshes.fetch_add(1, Ordering::SeqCst);
                let fresh = self.sign_in().await;
                *self.current.lock().unwrap() = fresh.clone();
                Ok(fresh)
            })
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_401_mid_session_refreshes_once_then_retries() {
        let sim = sim(2_000);
        let tokens = Arc::new(DeviceCodeTokens {
            sim: sim.clone(),
            current: std::sync::Mutex::new(Secret::new(sim.token())),
            refreshes: AtomicUsize::new(0),
        });
        let c = client_with(&sim, tokens.clone());
        let people = ids(&sim);
        c.presences(&people).await.unwrap();
        sim.faults().expire_tokens_now();
        let read = c.presences(&people).await.unwrap();
        assert_eq!(read.presences.len(), 2_000);
        assert!(sim.counts().unauthorized >= 1);
        // Four batches may all have met the 401; each refreshed once (the token source is the one
        // that makes concurrent refreshes single-flight).
        assert!((1..=4).contains(&tokens.refreshes.load(Ordering::SeqCst)));
        c.presences(&people).await.unwrap();
        assert!((1..=4).contains(&tokens.refreshes.load(Ordering::SeqCst)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_refresh_is_an_auth_error_that_asks_for_sign_in() {
        let sim = sim(10);
        let c = client_with(&sim, Arc::new(StaticToken::new(Secret::new(sim.token()))));
        sim.faults().expire_tokens_now();
        let e = c.presences(&ids(&sim)).await.unwrap_err();
        assert!(matches!(e, GraphError::Auth(_)), "{e:?}");
        assert_eq!(e.exit(), teamboard::exit::Exit::SignIn);
        assert_eq!(sim.counts().total, 1);
        assert!(!e.user_line().contains(sim.token()));
    }
}

mod roster {
    use teamboard::config::TeamConfig;
    use teamboard::graph::model::UserId;
    use teamboard::roster::resolve;
    use teamboard::sim::{EndpointKind, RetryAfter};
    use tokio::time::Instant;

    use super::support::{client, sim};

    fn team(members: Vec<String>, groups: Vec<String>, include_me: bool) -> TeamConfig {
        TeamConfig {
            members,
            groups,
            include_me,
            roster_ttl: std::time::Duration::from_secs(24 * 3600),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn members_by_upn_and_id_resolve_and_the_unknown_are_listed() {
        let sim = sim(60);
        let c = client(&sim);
        let mut members: Vec<String> = (1..=25).map(|i| sim.upn(i)).collect();
        members.extend((26..=40).map(|i| sim.user_id(i)));
        members.push("nobody@contoso.com".into());
        members.push(sim.upn(3).to_uppercase());
        let roster = resolve(&c, &team(members, vec![], true)).await.unwrap();
        assert_eq!(roster.me.as_ref().unwrap().id, UserId::new(sim.me_id()));
        assert_eq!(roster.members.len(), 40);
        assert_eq!(roster.members[0].id, UserId::new(sim.user_id(1)));
        assert!(roster.members.iter().all(|u| u.display_name.is_some()));
        assert_eq!(roster.unresolved.len(), 1);
        assert_eq!(roster.unresolved[0].configured, "nobody@contoso.com");
        // 41 distinct names: two UPN filters and one id filter of at most 15, in one $batch; one /me.
        assert_eq!(sim.counts().batch, 1);
        assert_eq!(sim.counts().user_list, 3);
        assert_eq!(sim.counts().total, 2);
        assert_eq!(roster.ids().len(), 41);
    }

    #[tokio::test(start_paused = true)]
    async fn guests_with_a_hash_in_their_upn_resolve() {
        let sim = sim(300);
        let guests: Vec<String> = (0..300)
            .map(|i| sim.upn(i))
            .filter(|u| u.contains('#'))
            .collect();
        assert!(!guests.is_empty(), "the tenant has guests");
        let c = client(&sim);
        let roster = resolve(&c, &team(guests.clone(), vec![], false))
            .await
            .unwrap();
        assert_eq!(roster.members.len(), guests.len());
        assert!(roster.unresolved.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn inner_429s_are_retried_after_their_own_retry_after() {
        let sim = sim(40);
        sim.faults().update(|f| {
            f.throttle_every = 2;
            f.retry_after = RetryAfter::Seconds(2);
            f.only = Some(EndpointKind::UserList);
        });
        let c = client(&sim);
        // Three filters of at most 15 in one $batch; the second is throttled and asked again.
        let members: Vec<String> = (1..=39).map(|i| sim.upn(i)).collect();
        let started = Instant::now();
        let roster = resolve(&c, &team(members, vec![], false)).await.unwrap();
        assert_eq!(roster.members.len(), 39);
        assert!(roster.unresolved.is_empty());
        assert!(sim.counts().throttled >= 1);
        assert!(sim.counts().batch >= 2);
        assert!(started.elapsed() >= std::time::Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn groups_expand_to_their_users_following_next_links_on_the_origin() {
        let sim = sim(1_200);
        let c = client(&sim);
        let roster = resolve(&c, &team(vec![sim.upn(5)], vec![sim.team_group_id()], true))
            .await
            .unwrap();
        // Everyone, once (the nested group is not a user), over two pages of 999: you are in the
        // group too, and kept as `me` only.
        assert_eq!(roster.members.len(), 1_199);
        assert!(roster.members.iter().all(|u| u.id.as_str() != sim.me_id()));
        assert_eq!(sim.counts().groups, 2);
        assert_eq!(roster.ids().len(), 1_200);
        assert_eq!(roster.ids()[0], UserId::new(sim.me_id()));
    }

    #[tokio::test(start_paused = true)]
    async fn a_next_link_to_another_host_is_not_followed() {
        let sim = sim(1_200);
        sim.faults().update(|f| f.foreign_next_link = true);
        let c = client(&sim);
        let roster = resolve(&c, &team(vec![], vec![sim.team_group_id()], false))
            .await
            .unwrap();
        assert_eq!(roster.members.len(), 999);
        assert_eq!(sim.counts().groups, 1);
        assert_eq!(sim.counts().total, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn an_unknown_group_is_unresolved_not_fatal() {
        let sim = sim(10);
        let c = client(&sim);
        let roster = resolve(
            &c,
            &team(
                vec![sim.upn(1)],
                vec!["00000000-0000-4000-8000-0000000000aa".into()],
                false,
            ),
        )
        .await
        .unwrap();
        assert_eq!(roster.members.len(), 1);
        assert_eq!(roster.unresolved.len(), 1);
        assert_eq!(roster.unresolved[0].reason, "not found in the directory");
    }
}

mod over_http {
    use std::sync::Arc;
    use std::time::Duration;

    use teamboard::auth::{Secret, StaticToken};
    use teamboard::graph::model::UserId;
    use teamboard::graph::{ClientOptions, GraphClient, GraphError, HttpTransport};
    use teamboard::sim::serve;

    use super::support::{ids, sim};

    /// A body that comes one byte a second never finishes inside `timeout_secs`: the whole exchange is
    /// bounded, not each read, and it is not retried.
    #[tokio::test]
    async fn a_body_trickling_one_byte_a_second_times_out_within_the_timeout() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}/v1.0", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let seen = requests.clone();
        tokio::spawn(async move {
            while let Ok((mut conn, _)) = listener.accept().await {
                seen.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    let _ = conn.read(&mut buf).await;
                    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
                    if conn.write_all(head.as_bytes()).await.is_err() {
                        return;
                    }
                    loop {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        if conn.write_all(b" ").await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        let timeout = Duration::from_secs(2);
        let c = GraphClient::new(
            ClientOptions::new(base.clone(), timeout),
            Arc::new(HttpTransport::new(&base).unwrap()),
            Arc::new(StaticToken::new(Secret::new("t"))),
        )
        .unwrap();
        // The bound is the client's; this outer one only keeps a broken client from hanging the test.
        let outcome = tokio::time::timeout(timeout * 5, c.my_presence()).await;
        assert_eq!(outcome.expect("never timed out"), Err(GraphError::Timeout));
        assert_eq!(
            requests.load(Ordering::SeqCst),
            1,
            "a timeout is not retried"
        );
    }

    #[tokio::test]
    async fn the_reqwest_transport_reads_the_tenant_and_refuses_redirects() {
        let sim = sim(700);
        let running = serve(sim.clone(), 0).await.unwrap();
        let transport = Arc::new(HttpTransport::new(&running.base_url).unwrap());
        let tokens = Arc::new(StaticToken::new(Secret::new(sim.token())));
        let c = GraphClient::new(
            ClientOptions::new(running.base_url.clone(), Duration::from_secs(10)),
            transport,
            tokens,
        )
        .unwrap();
        let people = ids(&sim);
        let read = c.presences(&people).await.unwrap();
        assert_eq!(read.presences.len(), 700);
        assert_eq!(sim.counts().presence_batch, 2);
        assert_eq!(c.me().await.unwrap().id, UserId::new(sim.me_id()));
        sim.faults().update(|f| f.redirect = true);
        assert!(matches!(
            c.my_presence().await,
            Err(GraphError::Redirect { .. })
        ));
    }
}
