//! Resolution over a scripted transport: `$batch` matching, inner 429s, groups and their nextLinks.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use super::*;
use crate::graph::client::fake::{BASE, Script, Tokens, client, reply, reply_with};

fn team(members: &[&str], groups: &[&str], include_me: bool) -> TeamConfig {
    TeamConfig {
        members: members.iter().map(|s| (*s).to_owned()).collect(),
        groups: groups.iter().map(|s| (*s).to_owned()).collect(),
        include_me,
        roster_ttl: Duration::from_secs(3600),
    }
}

fn user_json(id: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "displayName": format!("Name {id}"), "mail": format!("{id}@contoso.com")})
}

/// The names a `userPrincipalName in (...)` filter URL asks for, decoded.
fn filter_names(url: &str) -> Vec<String> {
    let list = url
        .split_once("in%20(")
        .and_then(|(_, rest)| rest.split_once(")&"))
        .unwrap_or_else(|| panic!("not an in filter: {url}"))
        .0;
    list.split(',')
        .map(|v| {
            let v = v.trim_matches('\'').replace("''", "'");
            let mut out = Vec::new();
            let bytes = v.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'%' {
                    out.push(u8::from_str_radix(&v[i + 1..i + 3], 16).unwrap());
                    i += 3;
                } else {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
            String::from_utf8(out).unwrap()
        })
        .collect()
}

/// Answers `$batch` in reverse order: each filter with the users it names (`gone...` is nobody),
/// each resolving to `id-<name before @>`.
fn answer_batch(body: &[u8], throttle_first: Option<&AtomicUsize>) -> String {
    let req: serde_json::Value = serde_json::from_slice(body).unwrap();
    let mut responses = Vec::new();
    for r in req["requests"].as_array().unwrap().iter().rev() {
        let url = r["url"].as_str().unwrap();
        assert!(
            url.starts_with("/users?$filter=userPrincipalName%20in%20(")
                && url.contains("$select=id,displayName"),
            "{url}"
        );
        let id = r["id"].clone();
        if let Some(left) = throttle_first
            && left.load(Ordering::SeqCst) > 0
        {
            left.fetch_sub(1, Ordering::SeqCst);
            responses.push(serde_json::json!({"id": id, "status": 429, "headers": {"Retry-After": "2"}, "body": {"error": {"code": "TooManyRequests"}}}));
            continue;
        }
        let users: Vec<serde_json::Value> = filter_names(url)
            .into_iter()
            .filter(|name| !name.starts_with("gone"))
            .map(|name| {
                let short = name.split('@').next().unwrap().to_lowercase();
                let mut user = user_json(&format!("id-{short}"));
                user["userPrincipalName"] = name.into();
                user
            })
            .collect();
        responses.push(serde_json::json!({"id": id, "status": 200, "body": {"value": users}}));
    }
    serde_json::json!({ "responses": responses }).to_string()
}

/// A tenant answering `$batch` as `answer_batch` does, and `/me` with the user `me`.
fn batches_and_me(me: &'static str) -> Arc<Script> {
    Script::new(move |seen, _| {
        if seen.uri.ends_with("/$batch") {
            reply(200, &answer_batch(&seen.body, None))
        } else {
            assert!(seen.uri.starts_with(&format!("{BASE}/me?")), "{}", seen.uri);
            reply(200, &user_json(me).to_string())
        }
    })
}

#[tokio::test(start_paused = true)]
async fn members_resolve_through_batches_of_20_matched_by_inner_id() {
    let script = batches_and_me("me-id");
    let c = client(&script, Tokens::new(false));
    let mut names: Vec<String> = (0..25).map(|i| format!("p{i}@contoso.com")).collect();
    names.push("gone@contoso.com".into());
    names.push("P0@contoso.com".into());
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let roster = resolve(&c, &team(&names, &[], true)).await.unwrap();
    assert_eq!(roster.me.as_ref().unwrap().id.as_str(), "me-id");
    assert_eq!(roster.members.len(), 25);
    assert_eq!(roster.members[3].id.as_str(), "id-p3");
    assert_eq!(roster.unresolved.len(), 1);
    assert_eq!(roster.unresolved[0].configured, "gone@contoso.com");
    assert_eq!(roster.unresolved[0].reason, "not found in the directory");
    // 26 distinct names: two filters of at most 15, in one $batch; one /me.
    assert_eq!(script.count(), 2);
    assert_eq!(roster.ids()[0].as_str(), "me-id");
}

#[tokio::test(start_paused = true)]
async fn you_among_the_members_are_stored_once() {
    let script = batches_and_me("id-me");
    let c = client(&script, Tokens::new(false));
    let members = ["a@contoso.com", "me@contoso.com", "b@contoso.com"];
    let roster = resolve(&c, &team(&members, &[], true)).await.unwrap();
    assert_eq!(roster.me.as_ref().unwrap().id.as_str(), "id-me");
    let members: Vec<&str> = roster.members.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(members, ["id-a", "id-b"]);
    assert_eq!(roster.entries().count(), roster.everyone().count());
}

#[tokio::test(start_paused = true)]
async fn inner_429s_are_retried_after_their_own_retry_after() {
    let throttled = Arc::new(AtomicUsize::new(3));
    let t = throttled.clone();
    let script = Script::new(move |seen, _| reply(200, &answer_batch(&seen.body, Some(&t))));
    let c = client(&script, Tokens::new(false));
    let started = Instant::now();
    // Four filters of 15 in one $batch; three of them throttled.
    let names: Vec<String> = (0..60).map(|i| format!("p{i}@x.com")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let roster = resolve(&c, &team(&names, &[], false)).await.unwrap();
    assert_eq!(roster.members.len(), 60);
    assert!(roster.unresolved.is_empty());
    assert_eq!(script.count(), 2);
    assert!(started.elapsed() >= Duration::from_secs(2));
    // The second round carried only the three throttled requests.
    let second: serde_json::Value = serde_json::from_slice(&script.seen()[1].body).unwrap();
    assert_eq!(second["requests"].as_array().unwrap().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn guest_upns_are_sent_with_their_hash_encoded() {
    let script = Script::new(|seen, _| reply(200, &answer_batch(&seen.body, None)));
    let c = client(&script, Tokens::new(false));
    resolve(
        &c,
        &team(
            &["guest_fabrikam.com#EXT#@contoso.onmicrosoft.com"],
            &[],
            false,
        ),
    )
    .await
    .unwrap();
    let body = String::from_utf8(script.seen()[0].body.to_vec()).unwrap();
    assert!(
        body.contains("('guest_fabrikam.com%23EXT%23@contoso.onmicrosoft.com')"),
        "{body}"
    );
}

#[tokio::test(start_paused = true)]
async fn group_pages_are_followed_on_the_origin_only_and_only_users_kept() {
    let script =
        Script::new(|seen, _| {
            let uri = &seen.uri;
            if uri.contains("/groups/g1/members?") {
                assert!(uri.contains("$top=999"));
                reply(200, &serde_json::json!({
                "value": [
                    {"@odata.type": "#microsoft.graph.user", "id": "u1", "displayName": "One"},
                    {"@odata.type": "#microsoft.graph.group", "id": "g9", "displayName": "Nested"},
                    {"@odata.type": "#microsoft.graph.device", "id": "d1"}
                ],
                "@odata.nextLink": format!("{BASE}/groups/g1/members/page2?$skiptoken=abc")
            }).to_string())
            } else if uri.contains("/page2") {
                reply(200, &serde_json::json!({
                "value": [{"@odata.type": "#microsoft.graph.user", "id": "u2"}, {"id": "u1"}],
                "@odata.nextLink": "https://evil.example/v1.0/groups/g1/members/page3"
            }).to_string())
            } else if uri.contains("/groups/secret/") {
                reply(
                    403,
                    r#"{"error":{"code":"Authorization_RequestDenied","message":"no"}}"#,
                )
            } else {
                panic!("unexpected request {uri}")
            }
        });
    let c = client(&script, Tokens::new(false));
    let roster = resolve(&c, &team(&[], &["g1", "secret"], false))
        .await
        .unwrap();
    let ids: Vec<_> = roster.members.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, ["u1", "u2"]);
    assert_eq!(roster.unresolved.len(), 1);
    assert_eq!(roster.unresolved[0].configured, "secret");
    assert!(script.seen().iter().all(|s| s.uri.starts_with(BASE)));
    assert_eq!(script.count(), 3);
}

#[tokio::test(start_paused = true)]
async fn next_links_dressed_up_as_the_origin_are_never_followed_nor_sent_the_token() {
    const LOCAL: &str = "http://127.0.0.1:4000/v1.0";
    for link in [
        "http://127.0.0.1:4000@evil.example/v1.0/groups/g1/members/2",
        "http://[::ffff:127.0.0.1]:4000/v1.0/groups/g1/members/2",
        "http://127.0.0.1:4001/v1.0/groups/g1/members/2",
        "http://localhost:4000/v1.0/groups/g1/members/2",
        "//evil.example/v1.0/groups/g1/members/2",
        "https://127.0.0.1:4000/v1.0/groups/g1/members/2",
        "http://user:pw@127.0.0.1:4000/v1.0/groups/g1/members/2",
    ] {
        let script = Script::new(move |_, _| {
            reply(
                200,
                &serde_json::json!({"value": [{"id": "u1"}], "@odata.nextLink": link}).to_string(),
            )
        });
        let options = crate::graph::client::ClientOptions::new(LOCAL, Duration::from_secs(5));
        let c = crate::graph::client::GraphClient::new(options, script.clone(), Tokens::new(false))
            .unwrap();
        let roster = resolve(&c, &team(&[], &["g1"], false)).await.unwrap();
        assert_eq!(roster.members.len(), 1, "{link}");
        assert_eq!(script.count(), 1, "{link}: followed");
        assert!(script.seen()[0].uri.starts_with(LOCAL), "{link}");
    }
}

#[tokio::test(start_paused = true)]
async fn an_empty_team_costs_nothing_and_auth_failures_fail_resolution() {
    let script =
        Script::new(|_, _| reply(401, r#"{"error":{"code":"InvalidAuthenticationToken"}}"#));
    let c = client(&script, Tokens::new(true));
    let empty = resolve(&c, &team(&[], &[], false)).await.unwrap();
    assert!(empty.members.is_empty() && empty.me.is_none());
    assert_eq!(script.count(), 0);
    let e = resolve(&c, &team(&["a@x.com"], &[], true))
        .await
        .unwrap_err();
    assert!(matches!(e, GraphError::Auth(_)), "{e:?}");
}

#[tokio::test(start_paused = true)]
async fn a_throttled_batch_fails_resolution_with_the_pause() {
    let script = Script::new(|_, _| reply_with(429, &[("Retry-After", "90")], ""));
    let c = client(&script, Tokens::new(false));
    let e = resolve(&c, &team(&["a@x.com"], &[], false))
        .await
        .unwrap_err();
    assert!(e.is_throttled());
    assert!(c.paused_until().is_some());
}

#[tokio::test(start_paused = true)]
async fn resolution_can_run_in_a_spawned_task() {
    let script = Script::new(|seen, _| reply(200, &answer_batch(&seen.body, None)));
    let c = client(&script, Tokens::new(false));
    let t = team(&["a@x.com"], &[], false);
    let roster = tokio::spawn(async move { resolve(&c, &t).await })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(roster.members.len(), 1);
}
