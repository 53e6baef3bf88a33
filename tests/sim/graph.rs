//! Each Graph endpoint's shape, limits and errors.

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
    c.post(
        "/v1.0/me/presence/setStatusMessage",
        &json!({ "statusMessage": { "message": { "content": "forever", "contentType": "text" } } }),
    )
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
    let selected = c
        .get(&format!(
            "/v1.0/users/{upn}?$select=id,displayName,userPrincipalName,mail,jobTitle,department"
        ))
        .await
        .json();
    assert_eq!(selected["id"], id);
    assert_eq!(
        sorted_keys(&selected),
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
    let (members, _) = all_members(&c, &format!("/v1.0/groups/{department}/members?$top=5")).await;
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
    requests.push(json!({ "id": "missing", "method": "GET", "url": "/users/nobody@contoso.com" }));
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
