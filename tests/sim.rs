//! The simulated tenant against Graph's and the identity platform's documented shapes, limits and
//! quirks, called in-process through `RouterTransport` (paused time where time matters) and over
//! real HTTP where the connection itself is the point.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method};
use serde_json::{Value, json};
use teamboard::graph::transport::{Transport, TransportError};
use teamboard::sim::{RouterTransport, Scenario, Sim, SimOptions};

/// A Tuesday, 09:00 in the office's zone.
const TUESDAY_MORNING: &str = "2025-03-04T08:00:00Z";

fn options(size: u32, scenario: Scenario) -> SimOptions {
    let mut o = SimOptions::new(size, scenario);
    o.start = Some(TUESDAY_MORNING.parse().unwrap());
    o
}

fn tenant(size: u32, scenario: Scenario) -> Arc<Sim> {
    Sim::new(options(size, scenario))
}

struct Answer {
    status: u16,
    headers: HeaderMap,
    bytes: Bytes,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text()))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

struct Client {
    transport: RouterTransport,
    token: Option<String>,
}

impl Client {
    fn new(sim: &Arc<Sim>) -> Self {
        Self {
            transport: RouterTransport::new(sim.router()),
            token: Some(sim.token().to_owned()),
        }
    }

    async fn try_send(
        &self,
        method: Method,
        path: &str,
        body: Bytes,
        content_type: &str,
    ) -> Result<Answer, TransportError> {
        let mut request = http::Request::builder()
            .method(method)
            .uri(format!("http://sim.test{path}"))
            .header("content-type", content_type)
            .header("client-request-id", "11111111-2222-3333-4444-555555555555");
        if let Some(token) = &self.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let response = self.transport.send(request.body(body).unwrap()).await?;
        let (parts, bytes) = response.into_parts();
        Ok(Answer {
            status: parts.status.as_u16(),
            headers: parts.headers,
            bytes,
        })
    }

    async fn get(&self, path: &str) -> Answer {
        self.try_send(Method::GET, path, Bytes::new(), "application/json")
            .await
            .unwrap()
    }

    async fn post(&self, path: &str, body: &Value) -> Answer {
        self.try_send(
            Method::POST,
            path,
            Bytes::from(body.to_string()),
            "application/json",
        )
        .await
        .unwrap()
    }

    async fn form(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        let body: Vec<String> = form
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    v.replace('%', "%25")
                        .replace(' ', "+")
                        .replace(':', "%3A")
                        .replace('/', "%2F")
                )
            })
            .collect();
        self.try_send(
            Method::POST,
            path,
            Bytes::from(body.join("&")),
            "application/x-www-form-urlencoded",
        )
        .await
        .unwrap()
    }

    async fn presences(&self, ids: &[String]) -> Answer {
        self.post(
            "/v1.0/communications/getPresencesByUserId",
            &json!({ "ids": ids }),
        )
        .await
    }
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every field of the fixture is in `actual` with the same JSON type (null may stand for a string
/// the fixture has, and the reverse), recursively.
fn assert_shape(fixture: &Value, actual: &Value, at: &str) {
    match (fixture, actual) {
        (Value::Object(f), Value::Object(a)) => {
            for (k, fv) in f {
                let av = a
                    .get(k)
                    .unwrap_or_else(|| panic!("{at}.{k} missing in {actual}"));
                assert_shape(fv, av, &format!("{at}.{k}"));
            }
        }
        (Value::Array(f), Value::Array(a)) => {
            if let (Some(f0), Some(a0)) = (f.first(), a.first()) {
                assert_shape(f0, a0, &format!("{at}[0]"));
            }
        }
        (Value::Null, Value::String(_)) | (Value::String(_), Value::Null) => {}
        (f, a) => assert_eq!(kind(f), kind(a), "{at}: {a}"),
    }
}

/// A Graph error body: exactly `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`.
fn assert_graph_error(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.text());
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let body = answer.json();
    let error = body["error"].as_object().unwrap();
    let mut keys: Vec<&str> = error.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["code", "innerError", "message"]);
    assert_eq!(error["code"], code);
    assert!(error["message"].is_string());
    let inner = error["innerError"].as_object().unwrap();
    let mut inner_keys: Vec<&str> = inner.keys().map(String::as_str).collect();
    inner_keys.sort_unstable();
    assert_eq!(inner_keys, ["client-request-id", "date", "request-id"]);
    assert_eq!(
        inner["client-request-id"],
        "11111111-2222-3333-4444-555555555555"
    );
    assert_eq!(answer.header("request-id"), inner["request-id"].as_str());
}

/// The fields of an OAuth v2.0 error body.
fn assert_oauth_error(answer: &Answer, error: &str, code: u64) {
    assert_eq!(answer.status, 400, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(body["error_codes"], json!([code]));
    let description = body["error_description"].as_str().unwrap();
    assert!(
        description.starts_with(&format!("AADSTS{code}: ")),
        "{description}"
    );
    assert!(description.contains("\r\nTrace ID: "));
    for key in ["timestamp", "trace_id", "correlation_id"] {
        assert!(body[key].is_string(), "{key} in {body}");
    }
}

fn seq(v: &Value) -> String {
    v["sequenceNumber"].as_str().unwrap().to_owned()
}

/// Each Graph endpoint's shape, limits and errors.
mod graph {
    use super::*;

    #[tokio::test]
    async fn presence_reads_have_the_documented_shapes() {
        let sim = tenant(24, Scenario::Workday);
        let c = Client::new(&sim);
        let me = c.get("/v1.0/me/presence").await;
        assert_eq!(me.status, 200);
        assert!(
            me.header("content-type")
                .unwrap()
                .starts_with("application/json;odata.metadata=minimal")
        );
        let me = me.json();
        let mut expected = fixture("seed-me-presence.json");
        if me.get("workLocation").is_none() {
            expected.as_object_mut().unwrap().remove("workLocation");
        }
        assert_shape(&expected, &me, "me");
        assert_eq!(me["id"], sim.me_id());
        let sequence = seq(&me);
        assert_eq!(sequence.len(), "A0129311063".len());
        assert!(sequence.starts_with('A') && sequence[1..].bytes().all(|b| b.is_ascii_digit()));

        let other = sim.user_id(5);
        let user = c.get(&format!("/v1.0/users/{other}/presence")).await.json();
        assert_shape(&fixture("seed-user-presence.json"), &user, "user");
        assert_eq!(user["id"], other);

        // The documentation's example wraps this one in {"value": [...]}: the quirk clients must accept.
        let wrapped = c
            .get(&format!("/v1.0/communications/presences/{other}"))
            .await
            .json();
        assert_shape(
            &fixture("seed-communications-presences.json"),
            &wrapped,
            "communications",
        );
        assert_eq!(wrapped["value"].as_array().unwrap().len(), 1);
        assert_eq!(wrapped["value"][0]["id"], other);
    }

    #[tokio::test]
    async fn only_your_own_status_message_shows_expiry_and_published() {
        let sim = tenant(8, Scenario::Static);
        let c = Client::new(&sim);
        let me = sim.me_id();
        let set = c
            .post(
                &format!("/v1.0/users/{me}/presence/setStatusMessage"),
                &json!({ "statusMessage": {
                    "message": { "content": "Hey I'm currently in a meeting.", "contentType": "text" },
                    "expiryDateTime": { "dateTime": "2025-03-04T17:05:33.2079781", "timeZone": "Pacific Standard Time" }
                }}),
            )
            .await;
        assert_eq!(set.status, 200, "{}", set.text());
        let mine = c.get("/v1.0/me/presence").await.json();
        let status = &mine["statusMessage"];
        assert_eq!(
            status["message"],
            json!({ "content": "Hey I'm currently in a meeting.", "contentType": "text" })
        );
        assert_eq!(
            status["expiryDateTime"]["timeZone"],
            "Pacific Standard Time"
        );
        assert_eq!(
            status["expiryDateTime"]["dateTime"],
            "2025-03-04T17:05:33.2079781"
        );
        assert!(status["publishedDateTime"].as_str().unwrap().ends_with('Z'));
        let seen_by_others = c.get(&format!("/v1.0/users/{me}/presence")).await.json();
        assert_eq!(
            seen_by_others["statusMessage"],
            json!({ "message": { "content": "Hey I'm currently in a meeting.", "contentType": "text" } })
        );
        // No expiry given: the never-expires value comes back.
        c.post("/v1.0/me/presence/setStatusMessage", &json!({ "statusMessage": { "message": { "content": "forever", "contentType": "text" } } }))
            .await;
        let mine = c.get("/v1.0/me/presence").await.json();
        assert_eq!(
            mine["statusMessage"]["expiryDateTime"],
            json!({ "dateTime": "9999-12-31T23:59:59.9999999", "timeZone": "UTC" })
        );
        let never = json!({ "statusMessage": {
            "message": { "content": "never", "contentType": "text" },
            "expiryDateTime": { "dateTime": "9999-12-31T23:59:59.9999999", "timeZone": "UTC" }
        }});
        assert_eq!(
            c.post("/v1.0/me/presence/setStatusMessage", &never)
                .await
                .status,
            200
        );
        let mine = c.get("/v1.0/me/presence").await.json();
        assert_eq!(mine["statusMessage"]["message"]["content"], "never");
        let mars = json!({ "statusMessage": {
            "message": { "content": "x", "contentType": "text" },
            "expiryDateTime": { "dateTime": "2025-03-04T17:00:00", "timeZone": "Mars Standard Time" }
        }});
        assert_graph_error(
            &c.post("/v1.0/me/presence/setStatusMessage", &mars).await,
            400,
            "BadRequest",
        );
    }

    #[tokio::test]
    async fn set_presence_changes_state_and_bumps_the_sequence_number() {
        let sim = tenant(8, Scenario::Static);
        let c = Client::new(&sim);
        let id = sim.user_id(2);
        let before = c.get(&format!("/v1.0/users/{id}/presence")).await.json();
        let set = c
            .post(
                &format!("/v1.0/users/{id}/presence/setUserPreferredPresence"),
                &json!({ "availability": "DoNotDisturb", "activity": "DoNotDisturb", "expirationDuration": "PT8H" }),
            )
            .await;
        assert_eq!(set.status, 200);
        let after = c.get(&format!("/v1.0/users/{id}/presence")).await.json();
        assert_eq!(
            (after["availability"].as_str(), after["activity"].as_str()),
            (Some("DoNotDisturb"), Some("DoNotDisturb"))
        );
        assert!(
            seq(&after) > seq(&before),
            "{} !> {}",
            seq(&after),
            seq(&before)
        );
        c.post(
            &format!("/v1.0/users/{id}/presence/clearUserPreferredPresence"),
            &json!({}),
        )
        .await;
        let cleared = c.get(&format!("/v1.0/users/{id}/presence")).await.json();
        assert_eq!(cleared["availability"], before["availability"]);
        assert!(seq(&cleared) > seq(&after));
        let bad = c
            .post(
                &format!("/v1.0/users/{id}/presence/setUserPreferredPresence"),
                &json!({ "availability": "Busy", "activity": "Presenting" }),
            )
            .await;
        assert_graph_error(&bad, 400, "BadRequest");
    }

    #[tokio::test]
    async fn get_presences_by_user_id_answers_known_ids_and_keeps_limits() {
        let sim = tenant(700, Scenario::Workday);
        let c = Client::new(&sim);
        let mut ids: Vec<String> = (0..648).map(|i| sim.user_id(i)).collect();
        ids.push("66825e03-7ef5-42da-9069-724602c31f6b".into()); // not in this tenant
        ids.push(sim.user_id(5)); // asked twice
        let answer = c.presences(&ids).await;
        assert_eq!(answer.status, 200);
        let body = answer.json();
        assert_eq!(
            body["@odata.context"],
            "https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.presence)"
        );
        let value = body["value"].as_array().unwrap();
        assert_eq!(
            value.len(),
            648,
            "unknown id omitted, duplicate answered once"
        );
        let mut answered: Vec<&str> = value.iter().map(|p| p["id"].as_str().unwrap()).collect();
        assert_ne!(
            answered,
            ids[..648].iter().map(String::as_str).collect::<Vec<_>>(),
            "answer order is Graph's own"
        );
        answered.sort_unstable();
        let mut asked: Vec<&str> = ids[..648].iter().map(String::as_str).collect();
        asked.sort_unstable();
        assert_eq!(answered, asked);
        for p in value {
            for key in [
                "availability",
                "activity",
                "outOfOfficeSettings",
                "sequenceNumber",
            ] {
                assert!(p.get(key).is_some(), "{key} missing in {p}");
            }
        }

        let too_many: Vec<String> = (0..651).map(|i| sim.user_id(i)).collect();
        assert_graph_error(&c.presences(&too_many).await, 400, "BadRequest");
        assert_eq!(c.presences(&too_many[..650]).await.status, 200);
        assert_graph_error(
            &c.presences(&["adele@contoso.com".to_owned()]).await,
            400,
            "BadRequest",
        );
        let garbage = c
            .try_send(
                Method::POST,
                "/v1.0/communications/getPresencesByUserId",
                Bytes::from("{\"ids\":"),
                "application/json",
            )
            .await
            .unwrap();
        assert_graph_error(&garbage, 400, "BadRequest");
    }

    #[tokio::test]
    async fn the_bearer_token_is_checked_on_every_graph_call() {
        let sim = tenant(4, Scenario::Static);
        let mut c = Client::new(&sim);
        c.token = None;
        let missing = c.get("/v1.0/me").await;
        assert_graph_error(&missing, 401, "InvalidAuthenticationToken");
        assert!(
            missing
                .header("www-authenticate")
                .unwrap()
                .starts_with("Bearer ")
        );
        c.token = Some("garbage".into());
        assert_graph_error(
            &c.get("/v1.0/me/presence").await,
            401,
            "InvalidAuthenticationToken",
        );
        c.token = Some("eyJ0eXAi.eyJhdWQi.c2lnbmF0dXJl".into());
        assert_graph_error(
            &c.presences(&[sim.user_id(1)]).await,
            401,
            "InvalidAuthenticationToken",
        );
        assert_eq!(sim.counts().unauthorized, 3);
    }

    #[tokio::test]
    async fn users_by_id_or_upn_honour_select() {
        let sim = tenant(24, Scenario::Workday);
        let c = Client::new(&sim);
        let id = sim.user_id(7);
        let full = c.get(&format!("/v1.0/users/{id}")).await.json();
        assert_eq!(
            full["@odata.context"],
            "https://graph.microsoft.com/v1.0/$metadata#users/$entity"
        );
        for key in [
            "businessPhones",
            "displayName",
            "givenName",
            "jobTitle",
            "mail",
            "mobilePhone",
            "officeLocation",
            "preferredLanguage",
            "surname",
            "userPrincipalName",
            "id",
        ] {
            assert!(full.get(key).is_some(), "{key} missing in {full}");
        }
        assert!(
            full.get("department").is_none(),
            "department is not a default property"
        );

        let upn = sim.upn(7);
        let selected = c.get(&format!("/v1.0/users/{upn}?$select=id,displayName,userPrincipalName,mail,jobTitle,department")).await.json();
        assert_eq!(selected["id"], id);
        let mut keys: Vec<&str> = selected
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "@odata.context",
                "department",
                "displayName",
                "id",
                "jobTitle",
                "mail",
                "userPrincipalName"
            ]
        );
        assert_eq!(
            selected["@odata.context"],
            "https://graph.microsoft.com/v1.0/$metadata#users(id,displayName,userPrincipalName,mail,jobTitle,department)/$entity"
        );

        // A guest's UPN carries '#', which travels as %23.
        let guest = sim.upn(3);
        assert!(guest.contains("#EXT#"));
        let encoded = guest.replace('#', "%23");
        let found = c
            .get(&format!(
                "/v1.0/users/{encoded}?%24select=id,userPrincipalName"
            ))
            .await
            .json();
        assert_eq!(found["userPrincipalName"], guest);

        assert_graph_error(
            &c.get("/v1.0/users/nobody@contoso.com").await,
            404,
            "Request_ResourceNotFound",
        );
        assert_graph_error(
            &c.get(&format!("/v1.0/users/{id}?$select=id,shoeSize"))
                .await,
            400,
            "BadRequest",
        );
        assert_graph_error(&c.get("/v1.0/teleport").await, 400, "BadRequest");
        let me = c.get("/v1.0/me").await.json();
        assert_eq!(me["id"], sim.me_id());
    }

    async fn all_members(c: &Client, first: &str) -> (Vec<Value>, usize) {
        let mut url = first.to_owned();
        let mut members = Vec::new();
        let mut pages = 0;
        loop {
            let page = c.get(&url).await;
            assert_eq!(page.status, 200, "{}", page.text());
            let page = page.json();
            pages += 1;
            members.extend(page["value"].as_array().unwrap().iter().cloned());
            match page["@odata.nextLink"].as_str() {
                Some(next) => {
                    assert!(next.starts_with("http://sim.test/v1.0/groups/"), "{next}");
                    next.trim_start_matches("http://sim.test")
                        .clone_into(&mut url);
                }
                None => return (members, pages),
            }
        }
    }

    #[tokio::test]
    async fn group_members_page_to_the_end() {
        let sim = tenant(250, Scenario::Workday);
        let c = Client::new(&sim);
        let group = sim.team_group_id();
        let (members, pages) = all_members(&c, &format!("/v1.0/groups/{group}/members")).await;
        assert_eq!(pages, 3, "default page size is 100");
        let users = members
            .iter()
            .filter(|m| m["@odata.type"] == "#microsoft.graph.user")
            .count();
        let groups = members
            .iter()
            .filter(|m| m["@odata.type"] == "#microsoft.graph.group")
            .count();
        assert_eq!(
            (users, groups),
            (250, 1),
            "Graph lists nested groups among members"
        );

        let (members, pages) = all_members(
            &c,
            &format!("/v1.0/groups/{group}/members?$top=7&$select=id,displayName"),
        )
        .await;
        assert_eq!(members.len(), 251);
        assert_eq!(pages, 36);
        assert!(members[0].get("mail").is_none() && members[0].get("displayName").is_some());

        let (users_only, _) = all_members(
            &c,
            &format!("/v1.0/groups/{group}/members/microsoft.graph.user?$top=999"),
        )
        .await;
        assert_eq!(users_only.len(), 250);
        assert_eq!(
            c.get(&format!("/v1.0/groups/{group}/members?$top=999"))
                .await
                .json()["value"]
                .as_array()
                .unwrap()
                .len(),
            251
        );
        assert_graph_error(
            &c.get(&format!("/v1.0/groups/{group}/members?$top=1000"))
                .await,
            400,
            "Request_UnsupportedQuery",
        );
        assert_graph_error(
            &c.get(&format!("/v1.0/groups/{}/members", sim.user_id(1)))
                .await,
            404,
            "Request_ResourceNotFound",
        );
        let department = sim.group_ids()[1].clone();
        let (members, _) =
            all_members(&c, &format!("/v1.0/groups/{department}/members?$top=5")).await;
        assert!(!members.is_empty() && members.len() < 250);
    }

    #[tokio::test]
    async fn places_name_work_locations() {
        let sim = tenant(4, Scenario::Static);
        let c = Client::new(&sim);
        for id in sim.place_ids() {
            let place = c.get(&format!("/v1.0/places/{id}")).await.json();
            assert_eq!(place["id"], id);
            assert!(!place["displayName"].as_str().unwrap().is_empty());
        }
        let missing = c.get(&format!("/v1.0/places/{}", sim.user_id(0))).await;
        assert_eq!(missing.status, 404);
        assert_eq!(missing.json()["error"]["code"], "ErrorItemNotFound");
    }

    #[tokio::test]
    async fn batch_answers_in_any_order_with_inner_errors() {
        let sim = tenant(40, Scenario::Workday);
        let c = Client::new(&sim);
        let mut requests: Vec<Value> = (0..18)
            .map(|i| json!({ "id": format!("{i}"), "method": "GET", "url": format!("/users/{}?$select=id,displayName", sim.user_id(i)) }))
            .collect();
        requests
            .push(json!({ "id": "missing", "method": "GET", "url": "/users/nobody@contoso.com" }));
        requests.push(json!({ "id": "presence", "method": "GET", "url": format!("users/{}/presence", sim.user_id(1)) }));
        let answer = c
            .post("/v1.0/$batch", &json!({ "requests": requests }))
            .await;
        assert_eq!(answer.status, 200);
        let responses = answer.json()["responses"].as_array().unwrap().clone();
        assert_eq!(responses.len(), 20);
        let order: Vec<&str> = responses
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        let asked: Vec<&str> = requests.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_ne!(order, asked, "answers come in any order");
        let by_id = |id: &str| responses.iter().find(|r| r["id"] == id).unwrap().clone();
        let missing = by_id("missing");
        assert_eq!(missing["status"], 404);
        assert_eq!(missing["body"]["error"]["code"], "Request_ResourceNotFound");
        assert_eq!(by_id("presence")["body"]["id"], sim.user_id(1));
        let seven = by_id("7");
        assert_eq!(seven["status"], 200);
        assert_eq!(seven["body"]["id"], sim.user_id(7));
        assert!(
            seven["headers"]["Content-Type"]
                .as_str()
                .unwrap()
                .starts_with("application/json")
        );

        requests.push(json!({ "id": "21", "method": "GET", "url": "/me" }));
        assert_graph_error(
            &c.post("/v1.0/$batch", &json!({ "requests": requests }))
                .await,
            400,
            "BadRequest",
        );
        let counts = sim.counts();
        assert_eq!(counts.batch, 2);
        assert_eq!(counts.users, 19);
    }

    #[tokio::test(start_paused = true)]
    async fn presence_is_limited_to_1500_requests_per_30_seconds() {
        let sim = tenant(4, Scenario::Static);
        let c = Client::new(&sim);
        let path = format!("/v1.0/users/{}/presence", sim.user_id(1));
        for _ in 0..1_499 {
            assert_eq!(c.get(&path).await.status, 200);
        }
        assert_eq!(c.presences(&[sim.user_id(2)]).await.status, 200);
        let throttled = c.get(&path).await;
        assert_graph_error(&throttled, 429, "TooManyRequests");
        let wait: u64 = throttled.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=30).contains(&wait), "{wait}");
        assert_eq!(
            c.get("/v1.0/me").await.status,
            200,
            "other calls are not limited"
        );
        tokio::time::advance(Duration::from_secs(wait)).await;
        assert_eq!(c.get(&path).await.status, 200);
        assert_eq!(sim.counts().throttled, 1);
        assert_eq!(sim.counts().presence_single, 1_501);
    }
}

/// The v2.0 sign-in endpoints: the device flow and refresh-token rotation.
mod identity {
    use super::*;
    use teamboard::sim::{DeviceOutcome, IdentityOptions};

    const CLIENT: &str = "7b0a3c55-1d3e-4c1e-9a6a-0c1d2e3f4a5b";
    const SCOPE: &str = "https://graph.microsoft.com/Presence.Read.All https://graph.microsoft.com/User.ReadBasic.All offline_access openid profile";
    const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

    async fn start(c: &Client) -> (String, String) {
        let answer = c
            .form(
                "/organizations/oauth2/v2.0/devicecode",
                &[("client_id", CLIENT), ("scope", SCOPE)],
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        let body = answer.json();
        assert_eq!(body["expires_in"], 900);
        assert_eq!(body["interval"], 5);
        let user_code = body["user_code"].as_str().unwrap().to_owned();
        assert_eq!(user_code.len(), 9);
        assert!(
            body["verification_uri"]
                .as_str()
                .unwrap()
                .ends_with("/devicelogin")
        );
        assert!(body["message"].as_str().unwrap().contains(&user_code));
        (body["device_code"].as_str().unwrap().to_owned(), user_code)
    }

    async fn poll(c: &Client, device_code: &str) -> Answer {
        c.form(
            "/organizations/oauth2/v2.0/token",
            &[
                ("grant_type", DEVICE_GRANT),
                ("client_id", CLIENT),
                ("device_code", device_code),
            ],
        )
        .await
    }

    async fn refresh(c: &Client, token: &str) -> Answer {
        c.form(
            "/organizations/oauth2/v2.0/token",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT),
                ("refresh_token", token),
                ("scope", SCOPE),
            ],
        )
        .await
    }

    #[tokio::test(start_paused = true)]
    async fn device_flow_is_pending_then_slow_down_then_approved() {
        let sim = tenant(4, Scenario::Static);
        let c = Client::new(&sim);
        let (device_code, _) = start(&c).await;
        assert_oauth_error(
            &poll(&c, &device_code).await,
            "authorization_pending",
            70_016,
        );
        assert_oauth_error(&poll(&c, &device_code).await, "slow_down", 70_016);
        tokio::time::advance(Duration::from_secs(5)).await;
        // slow_down added 5 s to the interval: 5 s is now too soon.
        assert_oauth_error(&poll(&c, &device_code).await, "slow_down", 70_016);
        tokio::time::advance(Duration::from_secs(15)).await;
        assert_oauth_error(
            &poll(&c, &device_code).await,
            "authorization_pending",
            70_016,
        );
        tokio::time::advance(Duration::from_secs(15)).await;
        let granted = poll(&c, &device_code).await;
        assert_eq!(granted.status, 200, "{}", granted.text());
        let body = granted.json();
        assert_eq!(body["token_type"], "Bearer");
        assert!(
            body["expires_in"].is_u64(),
            "v2.0 sends expires_in as a number"
        );
        // Entra lists Graph's permissions in the form they were asked for, and the OpenID scopes.
        assert_eq!(
            body["scope"],
            "https://graph.microsoft.com/Presence.Read.All https://graph.microsoft.com/User.ReadBasic.All profile openid email offline_access"
        );
        assert!(body["refresh_token"].is_string() && body["id_token"].is_string());
        let mut graph = Client::new(&sim);
        graph.token = Some(body["access_token"].as_str().unwrap().to_owned());
        assert_eq!(graph.get("/v1.0/me").await.status, 200);
        // The code is spent.
        tokio::time::advance(Duration::from_secs(15)).await;
        assert_oauth_error(&poll(&c, &device_code).await, "invalid_grant", 54_005);
        assert_eq!(sim.counts().token, 6);
        assert_eq!(sim.counts().device_code, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn refresh_rotates_and_the_old_token_stays_valid() {
        let sim = tenant(4, Scenario::Static);
        sim.set_identity_options(IdentityOptions {
            approve_after_polls: 0,
            ..IdentityOptions::default()
        });
        let c = Client::new(&sim);
        let (device_code, _) = start(&c).await;
        let first = poll(&c, &device_code).await.json();
        let first_refresh = first["refresh_token"].as_str().unwrap().to_owned();
        let second = refresh(&c, &first_refresh).await;
        assert_eq!(second.status, 200);
        let second = second.json();
        let second_refresh = second["refresh_token"].as_str().unwrap().to_owned();
        assert_ne!(second_refresh, first_refresh);
        assert_ne!(second["access_token"], first["access_token"]);
        // As Entra: the replaced refresh token stays valid until it expires.
        assert_eq!(refresh(&c, &first_refresh).await.status, 200);
        assert_eq!(refresh(&c, &second_refresh).await.status, 200);
        assert_oauth_error(
            &refresh(&c, "1.AXkAnot-a-token").await,
            "invalid_grant",
            9_002_313,
        );
    }

    #[tokio::test(start_paused = true)]
    async fn declined_expired_and_bad_codes_stop_the_flow() {
        let sim = tenant(4, Scenario::Static);
        let c = Client::new(&sim);
        let (code, user_code) = start(&c).await;
        assert!(sim.decline_device_code(&user_code));
        assert_oauth_error(&poll(&c, &code).await, "authorization_declined", 70_000);

        let (code, user_code) = start(&c).await;
        assert!(sim.approve_device_code(&user_code));
        assert_eq!(poll(&c, &code).await.status, 200, "approved at once");

        let (code, _) = start(&c).await;
        tokio::time::advance(Duration::from_secs(901)).await;
        assert_oauth_error(&poll(&c, &code).await, "expired_token", 70_019);

        for (outcome, error, number) in [
            (DeviceOutcome::Decline, "authorization_declined", 70_000),
            (DeviceOutcome::Expire, "expired_token", 70_019),
            (DeviceOutcome::BadCode, "bad_verification_code", 70_000),
        ] {
            sim.set_identity_options(IdentityOptions {
                approve_after_polls: 0,
                device_outcome: outcome,
                ..IdentityOptions::default()
            });
            let (code, _) = start(&c).await;
            assert_oauth_error(&poll(&c, &code).await, error, number);
        }
        assert_oauth_error(
            &poll(&c, "DAQABIQEAAADnot-issued").await,
            "bad_verification_code",
            70_000,
        );
    }

    #[tokio::test(start_paused = true)]
    async fn short_lived_and_expired_access_tokens_are_refused() {
        let sim = tenant(4, Scenario::Static);
        sim.set_identity_options(IdentityOptions {
            approve_after_polls: 0,
            access_token_lifetime: Duration::from_secs(60),
            ..IdentityOptions::default()
        });
        let c = Client::new(&sim);
        let (code, _) = start(&c).await;
        let tokens = poll(&c, &code).await.json();
        assert_eq!(tokens["expires_in"], 60);
        let mut graph = Client::new(&sim);
        graph.token = Some(tokens["access_token"].as_str().unwrap().to_owned());
        assert_eq!(graph.get("/v1.0/me/presence").await.status, 200);
        tokio::time::advance(Duration::from_secs(61)).await;
        let expired = graph.get("/v1.0/me/presence").await;
        assert_graph_error(&expired, 401, "InvalidAuthenticationToken");
        assert!(
            expired.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("expired")
        );
        let fresh = refresh(&c, tokens["refresh_token"].as_str().unwrap())
            .await
            .json();
        graph.token = Some(fresh["access_token"].as_str().unwrap().to_owned());
        assert_eq!(graph.get("/v1.0/me/presence").await.status, 200);

        // "Expire all tokens now": the static token and this one both stop working; new ones work.
        sim.faults().expire_tokens_now();
        assert_eq!(graph.get("/v1.0/me").await.status, 401);
        assert_eq!(Client::new(&sim).get("/v1.0/me").await.status, 401);
        tokio::time::advance(Duration::from_millis(1)).await;
        let newer = refresh(&c, fresh["refresh_token"].as_str().unwrap())
            .await
            .json();
        graph.token = Some(newer["access_token"].as_str().unwrap().to_owned());
        assert_eq!(graph.get("/v1.0/me").await.status, 200);
    }

    #[tokio::test]
    async fn bad_requests_get_v2_error_bodies() {
        let sim = tenant(4, Scenario::Static);
        let c = Client::new(&sim);
        let no_client = c
            .form("/organizations/oauth2/v2.0/devicecode", &[("scope", SCOPE)])
            .await;
        assert_oauth_error(&no_client, "invalid_request", 900_144);
        let grant = c
            .form(
                "/organizations/oauth2/v2.0/token",
                &[("grant_type", "password"), ("client_id", CLIENT)],
            )
            .await;
        assert_oauth_error(&grant, "unsupported_grant_type", 70_003);
        let tenant = c
            .form(
                "/fabrikam.example/oauth2/v2.0/devicecode",
                &[("client_id", CLIENT), ("scope", SCOPE)],
            )
            .await;
        assert_oauth_error(&tenant, "invalid_tenant", 90_002);
        let by_id = c
            .form(
                &format!("/{}/oauth2/v2.0/devicecode", sim.tenant_id()),
                &[("client_id", CLIENT), ("scope", SCOPE)],
            )
            .await;
        assert_eq!(by_id.status, 200);
        // No offline_access, no refresh token (as Entra does).
        sim.set_identity_options(IdentityOptions {
            approve_after_polls: 0,
            ..IdentityOptions::default()
        });
        let answer = c
            .form(
                "/organizations/oauth2/v2.0/devicecode",
                &[
                    ("client_id", CLIENT),
                    ("scope", "https://graph.microsoft.com/Presence.Read.All"),
                ],
            )
            .await
            .json();
        let tokens = poll(&c, answer["device_code"].as_str().unwrap())
            .await
            .json();
        assert!(tokens.get("refresh_token").is_none() && tokens["access_token"].is_string());
    }
}

/// Every fault, as a client would meet it.
mod faults {
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
            location.starts_with("https://")
                && !location.starts_with("https://graph.microsoft.com/"),
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
        let lossy: Value =
            serde_json::from_str(&raw.text()).expect("still JSON once decoded lossily");
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
}

/// Scenarios over sim time: determinism, `static`, `workday`, `hostile`, and a 10,000-person tenant.
mod scenarios {
    use super::*;

    async fn sorted_presences(c: &Client, ids: &[String]) -> Vec<Value> {
        let mut value = c.presences(ids).await.json()["value"]
            .as_array()
            .unwrap()
            .clone();
        value.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
        value
    }

    #[tokio::test]
    async fn the_same_seed_gives_the_same_tenant() {
        let (a, b) = (tenant(60, Scenario::Workday), tenant(60, Scenario::Workday));
        let (ca, cb) = (Client::new(&a), Client::new(&b));
        assert_eq!(a.user_ids(), b.user_ids());
        assert_eq!(a.token(), b.token());
        for i in 0..60 {
            let path = format!("/v1.0/users/{}", a.user_id(i));
            assert_eq!(ca.get(&path).await.json(), cb.get(&path).await.json());
        }
        assert_eq!(
            sorted_presences(&ca, &a.user_ids()).await,
            sorted_presences(&cb, &b.user_ids()).await
        );

        let mut other = options(60, Scenario::Workday);
        other.seed = 2;
        let other = Sim::new(other);
        assert_ne!(other.user_ids(), a.user_ids());
        assert_ne!(other.display_name(0), a.display_name(0));
    }

    #[tokio::test]
    async fn names_come_from_several_cultures_and_ids_are_guids() {
        let sim = tenant(200, Scenario::Workday);
        let names: Vec<String> = (0..200).map(|i| sim.display_name(i).unwrap()).collect();
        let has = |pred: fn(char) -> bool| names.iter().any(|n| n.chars().any(pred));
        assert!(has(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "CJK");
        assert!(has(|c| ('\u{0600}'..='\u{06ff}').contains(&c)), "Arabic");
        assert!(has(|c| ('\u{0400}'..='\u{04ff}').contains(&c)), "Cyrillic");
        assert!(
            has(|c| ('\u{0900}'..='\u{097f}').contains(&c)),
            "Devanagari"
        );
        assert!(has(|c| "éüøñçåł".contains(c)), "accents");
        for i in 0..200 {
            let id = sim.user_id(i);
            assert_eq!(id.len(), 36);
            assert_eq!(sim.user_index(&id), Some(i));
            assert_eq!(sim.user_index(&sim.upn(i)), Some(i));
            assert!(sim.upn(i).is_ascii());
        }
    }

    #[tokio::test(start_paused = true)]
    async fn static_never_changes() {
        let sim = tenant(40, Scenario::Static);
        let c = Client::new(&sim);
        let before = sorted_presences(&c, &sim.user_ids()).await;
        for _ in 0..10 {
            tokio::time::advance(Duration::from_secs(3_600)).await;
            assert_eq!(sorted_presences(&c, &sim.user_ids()).await, before);
        }
    }

    /// A 24-person demo polled every 30 s at the demo's time scale: something changes most polls,
    /// and sequence numbers only grow.
    #[tokio::test(start_paused = true)]
    async fn workday_moves_and_sequence_numbers_grow() {
        let sim = tenant(24, Scenario::Workday);
        let c = Client::new(&sim);
        let mut last = sorted_presences(&c, &sim.user_ids()).await;
        let (mut polls, mut changed_polls) = (0, 0);
        let mut states = std::collections::HashSet::new();
        // 08:00 UTC to 20:00 UTC of sim time is 12 real minutes at 60x.
        for _ in 0..24 {
            tokio::time::advance(Duration::from_secs(30)).await;
            let now = sorted_presences(&c, &sim.user_ids()).await;
            let mut changed = false;
            for (old, new) in last.iter().zip(&now) {
                assert_eq!(old["id"], new["id"]);
                assert!(
                    seq(new) >= seq(old),
                    "sequence number went back: {} < {}",
                    seq(new),
                    seq(old)
                );
                if (&old["availability"], &old["activity"])
                    != (&new["availability"], &new["activity"])
                {
                    assert!(
                        seq(new) > seq(old),
                        "a change without a newer sequence number"
                    );
                    changed = true;
                }
                states
                    .insert(format!("{}/{}", new["availability"], new["activity"]).to_lowercase());
            }
            polls += 1;
            changed_polls += usize::from(changed);
            last = now;
        }
        assert!(
            changed_polls * 10 >= polls * 8,
            "only {changed_polls} of {polls} polls changed"
        );
        for state in [
            "\"busy\"/\"inameeting\"",
            "\"available\"/\"available\"",
            "\"offline\"/\"offwork\"",
        ] {
            assert!(states.contains(state), "{state} never seen in {states:?}");
        }
        let sim_hours = (sim.sim_time().as_second()
            - TUESDAY_MORNING
                .parse::<jiff::Timestamp>()
                .unwrap()
                .as_second())
            / 3_600;
        assert_eq!(sim_hours, 12);
    }

    #[tokio::test]
    async fn ten_thousand_people_cost_nothing_until_asked() {
        let sim = tenant(10_000, Scenario::Workday);
        let c = Client::new(&sim);
        let last = sim.user_id(9_999);
        assert_eq!(
            c.get(&format!("/v1.0/users/{last}")).await.json()["id"],
            last
        );
        let upn = sim.upn(9_999);
        assert_eq!(
            c.get(&format!("/v1.0/users/{upn}")).await.json()["userPrincipalName"],
            upn
        );
        let ids: Vec<String> = (9_350..10_000).map(|i| sim.user_id(i)).collect();
        assert_eq!(
            c.presences(&ids).await.json()["value"]
                .as_array()
                .unwrap()
                .len(),
            650
        );
        assert_eq!(
            c.get(&format!("/v1.0/users/{}", sim.user_id(10_000)))
                .await
                .status,
            404
        );
    }

    /// Not an assertion: the figures for the report (`cargo test --test sim -- --nocapture footprint`).
    #[tokio::test]
    async fn footprint_of_a_ten_thousand_person_tenant() {
        fn rss_kib() -> u64 {
            std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| {
                    s.lines().find(|l| l.starts_with("VmRSS:")).map(|l| {
                        l.split_whitespace()
                            .nth(1)
                            .unwrap_or("0")
                            .parse()
                            .unwrap_or(0)
                    })
                })
                .unwrap_or(0)
        }
        // A first tenant pays for one-time set-up (lazy statics, allocator arenas) outside the figure.
        drop(tenant(1, Scenario::Workday));
        let before = rss_kib();
        let started = std::time::Instant::now();
        let sim = tenant(10_000, Scenario::Workday);
        let created = started.elapsed();
        let after_new = rss_kib();
        let c = Client::new(&sim);
        let ids = sim.user_ids();
        let started = std::time::Instant::now();
        for chunk in ids.chunks(650) {
            assert_eq!(c.presences(chunk).await.status, 200);
        }
        let polled = started.elapsed();
        println!(
            "10,000-person tenant: created in {created:?}, RSS {before} KiB before, {after_new} KiB after creating; \
             one full poll (16 batches) in {polled:?}, RSS {} KiB after it",
            rss_kib()
        );
    }

    #[tokio::test]
    async fn hostile_people_carry_every_attack() {
        let sim = tenant(24, Scenario::Hostile);
        let c = Client::new(&sim);
        let names: Vec<String> = (0..24).map(|i| sim.display_name(i).unwrap()).collect();
        let any_name = |needle: &str| names.iter().any(|n| n.contains(needle));
        for needle in [
            "\u{1b}]0;",
            "\u{1b}]52;c;",
            "\u{1b}[2J",
            "\u{1b}P",
            "\u{1b}_",
            "\u{9b}",
            "\u{9d}",
            "\u{202e}",
            "\u{2066}",
        ] {
            assert!(any_name(needle), "no name carries {needle:?}");
        }
        assert!(
            names
                .iter()
                .any(|n| n.chars().filter(|c| *c == '\u{301}').count() == 5_000)
        );
        assert!(names.iter().any(|n| !n.is_empty()
            && n.chars().all(|c| matches!(
                c,
                '\u{200b}' | '\u{feff}' | '\u{200e}' | '\u{200f}' | '\u{e0000}'..='\u{e007f}'
            ))));
        let invisible = (0..24)
            .find(|i| sim.display_name(*i).unwrap().starts_with('\u{200b}'))
            .unwrap();
        let user = c
            .get(&format!(
                "/v1.0/users/{}?$select=displayName,mail",
                sim.user_id(invisible)
            ))
            .await
            .json();
        assert!(
            user["mail"].as_str().unwrap().is_ascii(),
            "a mail to fall back to"
        );

        let raw = c.presences(&sim.user_ids()).await;
        assert_eq!(raw.status, 200);
        let value = raw.json()["value"].as_array().unwrap().clone();
        let messages: Vec<String> = value
            .iter()
            .filter_map(|p| {
                p["statusMessage"]["message"]["content"]
                    .as_str()
                    .map(str::to_owned)
            })
            .collect();
        for needle in [
            "\u{1b}]8;;",
            "\u{1b}[21t",
            "\u{1b}[c",
            "\u{1b}^",
            "\u{1b}X",
            "\u{85}",
            "\u{2028}",
            "🎉",
        ] {
            assert!(
                messages.iter().any(|m| m.contains(needle)),
                "no message carries {needle:?}"
            );
        }
        assert!(
            messages.iter().any(|m| m.len() >= 1_000_000),
            "a 1 MB message"
        );
        assert!(
            messages.iter().any(|m| m.matches('\n').count() == 10_000),
            "10,000 newlines"
        );
        assert!(value.iter().any(|p| p["availability"] == "Teleporting"
            && p["activity"] == "InTheMultiverse"
            && p["futureProperty"].is_object()));
        assert!(
            value
                .iter()
                .any(|p| p["workLocation"]["workLocationType"] == "moonBase")
        );
        assert_eq!(
            value
                .iter()
                .filter(|p| !p["availability"].is_string())
                .count(),
            1,
            "one malformed element"
        );
        assert!(value.iter().any(|p| {
            p["outOfOfficeSettings"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("&#27;]0;"))
        }));
        let evil_place = value
            .iter()
            .find_map(|p| {
                p["workLocation"]["placeId"]
                    .as_str()
                    .filter(|_| p["workLocation"]["workLocationType"] == "moonBase")
            })
            .unwrap()
            .to_owned();
        let place = c.get(&format!("/v1.0/places/{evil_place}")).await.json();
        assert!(place["displayName"].as_str().unwrap().contains('\u{1b}'));
    }
}

/// Over real HTTP on 127.0.0.1: the connection-level behaviour.
mod served {
    use super::*;
    use teamboard::sim::{BodyFault, FaultConfig, serve};

    fn http() -> reqwest::Client {
        reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(2))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn serves_graph_and_sign_in_on_loopback() {
        let sim = tenant(30, Scenario::Workday);
        let running = serve(sim.clone(), 0).await.unwrap();
        assert!(
            running.base_url.starts_with("http://127.0.0.1:")
                && running.base_url.ends_with("/v1.0")
        );
        assert_eq!(running.authority, format!("http://{}", running.addr));
        let client = http();
        let me = client
            .get(format!("{}/me", running.base_url))
            .bearer_auth(sim.token())
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), 200);
        let page: Value = client
            .get(format!(
                "{}/groups/{}/members?$top=10",
                running.base_url,
                sim.team_group_id()
            ))
            .bearer_auth(sim.token())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let next = page["@odata.nextLink"].as_str().unwrap();
        assert!(
            next.starts_with(&format!("{}/groups/", running.base_url)),
            "{next}"
        );
        let follow = client
            .get(next)
            .bearer_auth(sim.token())
            .send()
            .await
            .unwrap();
        assert_eq!(follow.status(), 200);
        let code = client
            .post(format!(
                "{}/organizations/oauth2/v2.0/devicecode",
                running.authority
            ))
            .form(&[("client_id", sim.client_id()), ("scope", "offline_access")])
            .send()
            .await
            .unwrap();
        assert_eq!(code.status(), 200);
        assert_eq!(sim.counts().total, 4);
    }

    #[tokio::test]
    async fn resets_and_stalls_break_the_connection() {
        let sim = tenant(30, Scenario::Workday);
        let running = serve(sim.clone(), 0).await.unwrap();
        let client = http();
        sim.faults().set(FaultConfig {
            body: Some(BodyFault::Reset),
            ..FaultConfig::default()
        });
        let reset = client
            .get(format!("{}/me", running.base_url))
            .bearer_auth(sim.token())
            .send()
            .await;
        let failed = match reset {
            Err(_) => true,
            Ok(response) => response.bytes().await.is_err(),
        };
        assert!(failed, "a reset connection delivered a whole body");

        sim.faults().set(FaultConfig {
            body: Some(BodyFault::Stall),
            ..FaultConfig::default()
        });
        let stalled = client
            .get(format!("{}/me", running.base_url))
            .bearer_auth(sim.token())
            .timeout(Duration::from_millis(300))
            .send()
            .await
            .unwrap();
        assert_eq!(stalled.status(), 200, "headers arrive");
        assert!(
            stalled.bytes().await.unwrap_err().is_timeout(),
            "the body never does"
        );

        sim.faults().set(FaultConfig {
            redirect: true,
            ..FaultConfig::default()
        });
        let moved = client
            .get(format!("{}/me", running.base_url))
            .bearer_auth(sim.token())
            .send()
            .await
            .unwrap();
        assert_eq!(moved.status(), 302);
        drop(running);
    }
}
