//! Every fault, as a client would meet it.

use super::*;
use teamboard::sim::{
    BodyFault, EndpointKind, FaultConfig, MalformedElement, NotOffered, RetryAfter, ServerError,
};

fn with(config: FaultConfig) -> (Arc<Sim>, Client) {
    let mut o = options(30, Scenario::Workday);
    o.faults = config;
    let sim = Sim::new(o);
    let c = Client::new(&sim);
    (sim, c)
}

#[tokio::test]
async fn server_errors_at_a_rate_with_optional_retry_after() {
    let (sim, c) = with(FaultConfig {
        fail_rate: 1.0,
        server_error_retry_after: RetryAfter::Seconds(7),
        ..FaultConfig::default()
    });
    let answer = c.get("/v1.0/me").await;
    assert_graph_error(&answer, 503, "serviceNotAvailable");
    assert_eq!(answer.header("retry-after"), Some("7"));
    sim.faults().update(|f| {
        f.server_error = ServerError::Mixed;
        f.fail_rate = 0.5;
        f.server_error_retry_after = RetryAfter::Missing;
    });
    let mut statuses = std::collections::BTreeMap::new();
    for _ in 0..200 {
        *statuses.entry(c.get("/v1.0/me").await.status).or_insert(0) += 1;
    }
    assert_eq!(
        statuses.keys().copied().collect::<Vec<_>>(),
        [200, 503, 504]
    );
    assert!((60..=140).contains(&statuses[&200]), "{statuses:?}");
    assert_eq!(
        sim.counts().server_errors,
        1 + statuses[&503] + statuses[&504]
    );
    let gateway = loop {
        let a = c.get("/v1.0/me").await;
        if a.status == 504 {
            break a;
        }
    };
    assert_graph_error(&gateway, 504, "GatewayTimeout");
}

#[tokio::test]
async fn every_kth_request_is_throttled_with_each_retry_after_form() {
    let forms: [(RetryAfter, Option<&str>); 5] = [
        (RetryAfter::Seconds(120), Some("120")),
        (RetryAfter::Fractional(1.5), Some("1.5")),
        (RetryAfter::Raw("-1".into()), Some("-1")),
        (RetryAfter::Raw("soon".into()), Some("soon")),
        (RetryAfter::Missing, None),
    ];
    for (retry_after, header) in forms {
        let (sim, c) = with(FaultConfig {
            throttle_every: 3,
            retry_after,
            ..FaultConfig::default()
        });
        let one = [sim.user_id(1)];
        assert_eq!(c.presences(&one).await.status, 200);
        assert_eq!(c.presences(&one).await.status, 200);
        let throttled = c.presences(&one).await;
        assert_graph_error(&throttled, 429, "TooManyRequests");
        assert_eq!(throttled.header("retry-after"), header);
        assert_eq!(c.presences(&one).await.status, 200);
        assert_eq!(sim.counts().throttled, 1);
    }
    let (_, c) = with(FaultConfig {
        throttle_every: 1,
        retry_after: RetryAfter::HttpDateIn(Duration::from_secs(90)),
        ..FaultConfig::default()
    });
    let date = c
        .get("/v1.0/me")
        .await
        .header("retry-after")
        .unwrap()
        .to_owned();
    let at = httpdate::parse_http_date(&date).unwrap();
    assert!(at > std::time::SystemTime::now() + Duration::from_secs(60));
}

#[tokio::test]
async fn inner_batch_requests_are_throttled_with_their_own_retry_after() {
    let (sim, c) = with(FaultConfig {
        throttle_every: 2,
        retry_after: RetryAfter::Seconds(9),
        ..FaultConfig::default()
    });
    let requests: Vec<Value> = (0..4)
        .map(|i| json!({ "id": format!("{i}"), "method": "GET", "url": format!("/users/{}", sim.user_id(i)) }))
        .collect();
    // The outer request is the 1st; inner ones are 2nd to 5th: two of them get 429.
    let answer = c
        .post("/v1.0/$batch", &json!({ "requests": requests }))
        .await;
    assert_eq!(answer.status, 200);
    let body = answer.json();
    let throttled: Vec<&Value> = body["responses"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == 429)
        .collect();
    assert_eq!(throttled.len(), 2, "{body}");
    for r in throttled {
        assert_eq!(r["headers"]["Retry-After"], "9");
        assert_eq!(r["body"]["error"]["code"], "TooManyRequests");
    }
}

#[tokio::test(start_paused = true)]
async fn latency_stalls_and_silence_need_a_client_timeout() {
    let (sim, c) = with(FaultConfig {
        latency: Duration::from_millis(1_500),
        ..FaultConfig::default()
    });
    let started = tokio::time::Instant::now();
    assert_eq!(c.get("/v1.0/me").await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(1_500));
    for fault in [BodyFault::Stall, BodyFault::NeverAnswer] {
        sim.faults().set(FaultConfig {
            body: Some(fault),
            ..FaultConfig::default()
        });
        let send = c.try_send(
            Method::GET,
            "/v1.0/me/presence",
            Bytes::new(),
            "application/json",
        );
        assert!(
            tokio::time::timeout(Duration::from_secs(15), send)
                .await
                .is_err(),
            "{fault:?} answered"
        );
    }
}

#[tokio::test]
async fn broken_bodies() {
    let (sim, c) = with(FaultConfig::default());
    let whole = c.presences(&sim.user_ids()).await;
    let set = |fault| {
        sim.faults().set(FaultConfig {
            body: Some(fault),
            ..FaultConfig::default()
        });
    };

    set(BodyFault::Malformed);
    let malformed = c.presences(&sim.user_ids()).await;
    assert_eq!(malformed.status, 200);
    assert!(serde_json::from_slice::<Value>(&malformed.bytes).is_err());

    set(BodyFault::Truncated);
    let truncated = c.presences(&sim.user_ids()).await;
    assert_eq!(truncated.status, 200);
    assert!(truncated.bytes.len() < whole.bytes.len() && !truncated.bytes.is_empty());
    assert!(serde_json::from_slice::<Value>(&truncated.bytes).is_err());

    set(BodyFault::HtmlPage);
    let html = c.get("/v1.0/me").await;
    assert_eq!(html.status, 502);
    assert_eq!(html.header("content-type"), Some("text/html"));
    assert!(html.text().starts_with("<!DOCTYPE html>"));

    set(BodyFault::Empty);
    let empty = c.get("/v1.0/me").await;
    assert_eq!((empty.status, empty.bytes.len()), (200, 0));

    set(BodyFault::Reset);
    let reset = c
        .try_send(Method::GET, "/v1.0/me", Bytes::new(), "application/json")
        .await;
    assert!(
        matches!(reset, Err(TransportError::Io(_))),
        "{:?}",
        reset.map(|a| a.status)
    );
    sim.faults().clear();
    assert_eq!(c.get("/v1.0/me").await.status, 200);
}

#[tokio::test]
async fn redirects_foreign_links_and_a_missing_batch_endpoint() {
    let (sim, c) = with(FaultConfig {
        redirect: true,
        ..FaultConfig::default()
    });
    let moved = c.get("/v1.0/me/presence").await;
    assert_eq!(moved.status, 302);
    let location = moved.header("location").unwrap();
    assert!(
        location.starts_with("https://") && !location.starts_with("https://graph.microsoft.com/"),
        "{location}"
    );

    sim.faults().set(FaultConfig {
        foreign_next_link: true,
        ..FaultConfig::default()
    });
    let page = c
        .get(&format!(
            "/v1.0/groups/{}/members?$top=5",
            sim.team_group_id()
        ))
        .await
        .json();
    let next = page["@odata.nextLink"].as_str().unwrap();
    assert!(!next.starts_with("http://sim.test/"), "{next}");

    for (not_offered, status) in [(NotOffered::NotFound, 404), (NotOffered::BadRequest, 400)] {
        sim.faults().set(FaultConfig {
            batch_not_offered: Some(not_offered),
            ..FaultConfig::default()
        });
        assert_eq!(c.presences(&[sim.user_id(1)]).await.status, status);
        assert_eq!(
            c.get(&format!("/v1.0/users/{}/presence", sim.user_id(1)))
                .await
                .status,
            200
        );
    }
}

#[tokio::test]
async fn one_malformed_element_in_a_batch_answer() {
    let (sim, c) = with(FaultConfig {
        malformed_element: Some(MalformedElement::WrongType),
        ..FaultConfig::default()
    });
    let body = c.presences(&sim.user_ids()).await.json();
    let value = body["value"].as_array().unwrap();
    let broken: Vec<&Value> = value
        .iter()
        .filter(|p| !p["availability"].is_string())
        .collect();
    assert_eq!(broken.len(), 1);
    assert_eq!(value.len(), 30);

    sim.faults().set(FaultConfig {
        malformed_element: Some(MalformedElement::BadUtf8),
        ..FaultConfig::default()
    });
    let raw = c.presences(&sim.user_ids()).await;
    assert!(
        std::str::from_utf8(&raw.bytes).is_err(),
        "the body is not UTF-8"
    );
    let lossy: Value = serde_json::from_str(&raw.text()).expect("still JSON once decoded lossily");
    assert_eq!(lossy["value"].as_array().unwrap().len(), 30);
}

#[tokio::test]
async fn faults_can_aim_at_one_endpoint() {
    let (sim, c) = with(FaultConfig {
        fail_rate: 1.0,
        only: Some(EndpointKind::Token),
        ..FaultConfig::default()
    });
    assert_eq!(c.get("/v1.0/me").await.status, 200);
    let token = c
        .form(
            "/organizations/oauth2/v2.0/token",
            &[("grant_type", "refresh_token")],
        )
        .await;
    assert_eq!(token.status, 503);
    assert_eq!(token.json()["error"], "temporarily_unavailable");
    sim.faults().set(FaultConfig {
        fail_rate: 1.0,
        only: Some(EndpointKind::PresenceBatch),
        ..FaultConfig::default()
    });
    assert_eq!(c.presences(&[sim.user_id(1)]).await.status, 503);
    assert_eq!(c.get("/v1.0/me/presence").await.status, 200);
}
