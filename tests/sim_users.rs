//! The simulated tenant's `GET /users` (filters, `$select`, `$top`, `$count`, paging) and
//! `POST /directoryObjects/getByIds`, against Graph's documented shapes, limits and errors.

use std::sync::Arc;

use bytes::Bytes;
use http::Method;
use serde_json::{Value, json};
use teamboard::graph::transport::Transport;
use teamboard::sim::{RouterTransport, Scenario, Sim, SimOptions};

fn tenant(size: u32) -> Arc<Sim> {
    Sim::new(SimOptions::new(size, Scenario::Static))
}

fn admin_consented(size: u32) -> Arc<Sim> {
    let mut options = SimOptions::new(size, Scenario::Static);
    options.directory_read_all = true;
    Sim::new(options)
}

struct Answer {
    status: u16,
    body: Value,
}

async fn send(sim: &Arc<Sim>, method: Method, path: &str, body: Option<Value>) -> Answer {
    send_with(sim, method, path, body, &[]).await
}

async fn send_with(
    sim: &Arc<Sim>,
    method: Method,
    path: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> Answer {
    let transport = RouterTransport::new(sim.router());
    let mut request = http::Request::builder()
        .method(method)
        .uri(format!("http://sim.test/v1.0{path}"))
        .header("authorization", format!("Bearer {}", sim.token()))
        .header("content-type", "application/json");
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let body = body.map_or_else(Bytes::new, |b| Bytes::from(b.to_string()));
    let response = transport
        .send(request.body(body).unwrap())
        .await
        .expect("answered");
    let (parts, bytes) = response.into_parts();
    Answer {
        status: parts.status.as_u16(),
        body: serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes))),
    }
}

/// `$filter` as a client sends it: spaces and quotes percent-encoded.
fn filtered(filter: &str, rest: &str) -> String {
    let encoded: String = filter
        .bytes()
        .map(|b| match b {
            b' ' => "%20".to_owned(),
            b'#' => "%23".to_owned(),
            b'\'' => "%27".to_owned(),
            b => char::from(b).to_string(),
        })
        .collect();
    format!("/users?$filter={encoded}{rest}")
}

fn in_list(property: &str, values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
    format!("{property} in ({})", quoted.join(","))
}

fn ids_of(answer: &Answer) -> Vec<String> {
    answer.body["value"]
        .as_array()
        .unwrap_or_else(|| panic!("no value: {}", answer.body))
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect()
}

fn assert_error(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.body["error"]["code"], code, "{}", answer.body);
    assert!(
        answer.body["error"]["innerError"]["request-id"].is_string(),
        "Graph's error shape: {}",
        answer.body
    );
}

#[tokio::test]
async fn id_in_takes_fifteen_values_and_leaves_out_unknown_ones() {
    let sim = tenant(40);
    let mut ids: Vec<String> = (0..14).map(|i| sim.user_id(i)).collect();
    ids.push("00000000-0000-4000-8000-000000000000".into());
    let answer = send(
        &sim,
        Method::GET,
        &filtered(
            &in_list("id", &ids),
            "&$select=id,displayName,userPrincipalName",
        ),
        None,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let mut got = ids_of(&answer);
    got.sort();
    let mut want: Vec<String> = ids[..14].to_vec();
    want.sort();
    assert_eq!(got, want);
    let first = answer.body["value"][0].as_object().unwrap();
    let mut keys: Vec<&str> = first.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["displayName", "id", "userPrincipalName"]);
    assert!(
        answer.body["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("$metadata#users(id,displayName,userPrincipalName)")
    );
    assert_eq!(sim.counts().user_list, 1);
}

#[tokio::test]
async fn sixteen_values_are_refused_as_graph_refuses_them() {
    let sim = tenant(40);
    let ids: Vec<String> = (0..16).map(|i| sim.user_id(i)).collect();
    let answer = send(&sim, Method::GET, &filtered(&in_list("id", &ids), ""), None).await;
    assert_error(&answer, 400, "Request_UnsupportedQuery");
    assert_eq!(
        answer.body["error"]["message"],
        "Too many child clauses specified in search filter expression containing 'OR' operators: 16. Max allowed: 15."
    );
    // `or`-joined clauses count the same way.
    let clauses: Vec<String> = ids.iter().map(|id| format!("id eq '{id}'")).collect();
    let answer = send(
        &sim,
        Method::GET,
        &filtered(&clauses.join(" or "), ""),
        None,
    )
    .await;
    assert_error(&answer, 400, "Request_UnsupportedQuery");
}

#[tokio::test]
async fn upns_match_in_any_case_guests_included() {
    let sim = tenant(40);
    // Person 3 is the guest, whose UPN holds `#EXT#`.
    let upns: Vec<String> = (0..5).map(|i| sim.upn(i).to_uppercase()).collect();
    assert!(upns[3].contains("#EXT#"), "{}", upns[3]);
    let answer = send(
        &sim,
        Method::GET,
        &filtered(&in_list("userPrincipalName", &upns), ""),
        None,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let mut got = ids_of(&answer);
    got.sort();
    let mut want: Vec<String> = (0..5).map(|i| sim.user_id(i)).collect();
    want.sort();
    assert_eq!(got, want);
    // Without `$select`, Graph's default set of properties.
    assert!(answer.body["value"][0].get("businessPhones").is_some());
}

#[tokio::test]
async fn eq_forms_and_quotes_inside_values() {
    let sim = tenant(40);
    let one = send(
        &sim,
        Method::GET,
        &filtered(&format!("id eq '{}'", sim.user_id(7)), ""),
        None,
    )
    .await;
    assert_eq!(ids_of(&one), [sim.user_id(7)]);
    let by_upn = send(
        &sim,
        Method::GET,
        &filtered(
            &format!(
                "userPrincipalName eq '{}' or userPrincipalName eq 'o''brien@nowhere.example'",
                sim.upn(9)
            ),
            "",
        ),
        None,
    )
    .await;
    assert_eq!(ids_of(&by_upn), [sim.user_id(9)]);
    let mail = one.body["value"][0]["mail"].as_str().unwrap().to_owned();
    let by_mail = send(
        &sim,
        Method::GET,
        &filtered(&format!("mail eq '{mail}'"), ""),
        None,
    )
    .await;
    assert_eq!(ids_of(&by_mail), [sim.user_id(7)]);
}

#[tokio::test]
async fn unsupported_filters_get_graphs_errors() {
    let sim = tenant(10);
    let answer = send(&sim, Method::GET, &filtered("jobTitle eq 'x'", ""), None).await;
    assert_error(&answer, 400, "Request_UnsupportedQuery");
    assert_eq!(
        answer.body["error"]["message"],
        "Unsupported or invalid query filter clause specified for property 'jobTitle' of resource 'User'."
    );
    let answer = send(&sim, Method::GET, &filtered("shoeSize eq '9'", ""), None).await;
    assert_error(&answer, 400, "BadRequest");
    assert!(
        answer.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("'shoeSize'")
    );
    for broken in ["id in ('a'", "id eq", "id inn ('a')"] {
        let answer = send(&sim, Method::GET, &filtered(broken, ""), None).await;
        assert_error(&answer, 400, "BadRequest");
    }
    let answer = send(
        &sim,
        Method::GET,
        &filtered("id in ('not-a-guid')", ""),
        None,
    )
    .await;
    assert_error(&answer, 400, "Request_BadRequest");
    let answer = send(&sim, Method::GET, "/users?$top=1000", None).await;
    assert_error(&answer, 400, "Request_UnsupportedQuery");
    let answer = send(&sim, Method::GET, "/users?$select=id,shoeSize", None).await;
    assert_error(&answer, 400, "BadRequest");
}

/// Follows `@odata.nextLink` from `first` and returns every id listed, and the pages it took.
async fn all_pages(sim: &Arc<Sim>, first: &str) -> (Vec<String>, usize) {
    let mut ids = Vec::new();
    let mut path = first.to_owned();
    let mut pages = 0;
    loop {
        let answer = send(sim, Method::GET, &path, None).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        ids.extend(ids_of(&answer));
        pages += 1;
        let Some(next) = answer.body["@odata.nextLink"].as_str() else {
            break;
        };
        next.split_once("/v1.0")
            .expect("a link under the version")
            .1
            .clone_into(&mut path);
        assert!(pages < 50, "the links go round in circles");
    }
    (ids, pages)
}

#[tokio::test]
async fn lists_page_through_next_links_with_the_query_kept() {
    let sim = tenant(20);
    let (ids, pages) = all_pages(&sim, "/users?$top=7&$select=id,displayName").await;
    assert_eq!(pages, 3);
    let mut want = sim.user_ids();
    let mut got = ids.clone();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    // A filter's pages keep the filter: 12 of 20, five at a time.
    let picked: Vec<String> = (0..12).map(|i| sim.user_id(i * 3 % 20)).collect();
    let (ids, pages) = all_pages(
        &sim,
        &filtered(&in_list("id", &picked), "&$top=5&$select=id"),
    )
    .await;
    assert_eq!(pages, 3);
    let mut got = ids;
    let mut want = picked;
    got.sort();
    want.sort();
    want.dedup();
    assert_eq!(got, want);
}

#[tokio::test]
async fn count_is_an_advanced_query() {
    let sim = tenant(30);
    let answer = send(&sim, Method::GET, "/users?$count=true&$top=5", None).await;
    assert_error(&answer, 400, "Request_BadRequest");
    let answer = send_with(
        &sim,
        Method::GET,
        "/users?$count=true&$top=5",
        None,
        &[("ConsistencyLevel", "eventual")],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["@odata.count"], 30);
    assert_eq!(ids_of(&answer).len(), 5);
}

#[tokio::test]
async fn twenty_filters_fit_one_batch_for_three_hundred_people() {
    let sim = tenant(400);
    let requests: Vec<Value> = (0..20)
        .map(|k| {
            let ids: Vec<String> = (0..15).map(|i| sim.user_id(k * 15 + i)).collect();
            json!({
                "id": k.to_string(),
                "method": "GET",
                "url": filtered(&in_list("id", &ids), "&$select=id,displayName"),
            })
        })
        .collect();
    let answer = send(
        &sim,
        Method::POST,
        "/$batch",
        Some(json!({ "requests": requests })),
    )
    .await;
    assert_eq!(answer.status, 200);
    let mut found = 0;
    for inner in answer.body["responses"].as_array().unwrap() {
        assert_eq!(inner["status"], 200, "{inner}");
        found += inner["body"]["value"].as_array().unwrap().len();
    }
    assert_eq!(found, 300);
    let counts = sim.counts();
    assert_eq!((counts.total, counts.batch, counts.user_list), (1, 1, 20));
}

#[tokio::test]
async fn get_by_ids_needs_directory_read_all() {
    let sim = tenant(10);
    let body = json!({ "ids": [sim.user_id(1)], "types": ["user"] });
    let answer = send(&sim, Method::POST, "/directoryObjects/getByIds", Some(body)).await;
    assert_error(&answer, 403, "Authorization_RequestDenied");
    assert_eq!(sim.counts().directory_objects, 1);
}

#[tokio::test]
async fn get_by_ids_answers_up_to_a_thousand_users() {
    let sim = admin_consented(1_200);
    let mut ids: Vec<String> = (0..999).map(|i| sim.user_id(i)).collect();
    ids.push("00000000-0000-4000-8000-000000000000".into());
    let answer = send(
        &sim,
        Method::POST,
        "/directoryObjects/getByIds",
        Some(json!({ "ids": ids, "types": ["user"] })),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let value = answer.body["value"].as_array().unwrap();
    assert_eq!(value.len(), 999, "the unknown id is left out");
    assert!(
        value
            .iter()
            .all(|u| u["@odata.type"] == "#microsoft.graph.user" && u["displayName"].is_string())
    );
    let mut too_many = ids.clone();
    too_many.push(sim.user_id(1_000));
    too_many.push(sim.user_id(1_001));
    let answer = send(
        &sim,
        Method::POST,
        "/directoryObjects/getByIds",
        Some(json!({ "ids": too_many })),
    )
    .await;
    assert_error(&answer, 400, "Request_BadRequest");
    // Asked for groups only, users are not answered.
    let answer = send(
        &sim,
        Method::POST,
        "/directoryObjects/getByIds",
        Some(json!({ "ids": [sim.user_id(1), sim.team_group_id()], "types": ["group"] })),
    )
    .await;
    let value = answer.body["value"].as_array().unwrap();
    assert_eq!(value.len(), 1);
    assert_eq!(value[0]["@odata.type"], "#microsoft.graph.group");
}
