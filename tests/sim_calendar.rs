//! Calendars on the simulated tenant: `getSchedule` answered in Graph's documented shapes (checked
//! against Microsoft's two example bodies, kept verbatim in `tests/fixtures/`), its limits and
//! per-schedule errors, free/busy that agrees with presence, working hours in every zone form, and
//! the board's calendar reads counted against the tenant for an hour of a working day.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use serde_json::{Value, json};
use teamboard::graph::schedule::{MAX_SCHEDULES, Unavailable, Window};
use teamboard::graph::transport::Transport;
use teamboard::sim::{RouterTransport, Scenario, Sim, SimOptions};

mod support {
    pub mod answer;
    pub mod graph;
}
use support::answer::{fixture, kind};
use support::graph::{client, ids};

/// A Tuesday, 09:00 in the office's zone.
const TUESDAY_MORNING: &str = "2025-03-04T08:00:00Z";

fn tenant(size: u32, scenario: Scenario) -> Arc<Sim> {
    let mut o = SimOptions::new(size, scenario);
    o.start = Some(TUESDAY_MORNING.parse().unwrap());
    Sim::new(o)
}

async fn post(sim: &Arc<Sim>, path: &str, body: &Value, prefer: Option<&str>) -> (u16, Value) {
    let transport = RouterTransport::new(sim.router());
    let mut request = http::Request::builder()
        .method(Method::POST)
        .uri(format!("http://sim.test/v1.0{path}"))
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {}", sim.token()));
    if let Some(zone) = prefer {
        request = request.header("prefer", format!("outlook.timezone=\"{zone}\""));
    }
    let response = transport
        .send(request.body(Bytes::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = serde_json::from_slice(response.body()).unwrap_or(Value::Null);
    (status, body)
}

fn ask(addresses: &[String], start: &str, end: &str, interval: &Value) -> Value {
    json!({
        "schedules": addresses,
        "startTime": {"dateTime": start, "timeZone": "UTC"},
        "endTime": {"dateTime": end, "timeZone": "UTC"},
        "availabilityViewInterval": interval,
    })
}

/// Every field of `fixture` is in `actual` with the same JSON type, recursively; `skip` names
/// fields the simulated calendar leaves out, as Graph does for a reader without access to details.
fn assert_shape(fixture: &Value, actual: &Value, at: &str, skip: &[&str]) {
    match (fixture, actual) {
        (Value::Object(f), Value::Object(a)) => {
            for (k, fv) in f {
                if skip.contains(&k.as_str()) {
                    continue;
                }
                let av = a
                    .get(k)
                    .unwrap_or_else(|| panic!("{at}.{k} missing in {actual}"));
                assert_shape(fv, av, &format!("{at}.{k}"), skip);
            }
        }
        (Value::Array(f), Value::Array(a)) => {
            if let (Some(f0), Some(a0)) = (f.first(), a.first()) {
                assert_shape(f0, a0, &format!("{at}[0]"), skip);
            }
        }
        (f, a) => assert_eq!(kind(f), kind(a), "{at}: {a}"),
    }
}

fn everyone(sim: &Sim, n: u32) -> Vec<String> {
    (0..n).map(|i| sim.upn(i)).collect()
}

#[tokio::test(start_paused = true)]
async fn answers_have_the_documented_shapes_in_every_zone_form() {
    let sim = tenant(200, Scenario::Static);
    let two = fixture("getschedule-two-users.json");
    let one = fixture("getschedule-one-user.json");
    let windows_named = &two["value"][0];
    let custom = &two["value"][1];
    let mut seen = (false, false, false, false);
    for chunk in everyone(&sim, 200).chunks(MAX_SCHEDULES) {
        let body = ask(
            chunk,
            "2025-03-04T00:00:00",
            "2025-03-05T00:00:00",
            &json!(15),
        );
        let (status, answer) = post(&sim, "/me/calendar/getSchedule", &body, None).await;
        assert_eq!(status, 200, "{answer}");
        assert_shape(&two, &answer, "answer", &["value"]);
        let value = answer["value"].as_array().unwrap();
        assert_eq!(
            value.len(),
            chunk.len(),
            "one answer per schedule, in order"
        );
        for (item, address) in value.iter().zip(chunk) {
            assert_eq!(item["scheduleId"], json!(address));
            if item.get("error").is_some() {
                assert_eq!(item["error"]["responseCode"], "ErrorNoFreeBusyAccess");
                assert!(item["error"]["message"].is_string());
                seen.3 = true;
                continue;
            }
            assert_eq!(item["availabilityView"].as_str().unwrap().len(), 96);
            let zone = &item["workingHours"]["timeZone"];
            if zone.get("bias").is_some() {
                assert_shape(
                    custom,
                    item,
                    "custom",
                    &["isPrivate", "subject", "location"],
                );
                assert_eq!(zone["@odata.type"], "#microsoft.graph.customTimeZone");
                seen.2 = true;
            } else {
                assert_shape(
                    windows_named,
                    item,
                    "named",
                    &["isPrivate", "subject", "location"],
                );
                let name = zone["name"].as_str().unwrap();
                if name.contains('/') {
                    seen.1 = true;
                } else {
                    seen.0 = true;
                }
                assert!(
                    teamboard::time_zone::time_zone(name).is_some(),
                    "{name} resolves"
                );
            }
            if let Some(first) = item["scheduleItems"].as_array().and_then(|a| a.first()) {
                assert_shape(&one["value"][0]["scheduleItems"][0], first, "item", &[]);
                assert_eq!(first["start"]["timeZone"], "UTC", "UTC unless asked");
            }
        }
    }
    assert_eq!(
        seen,
        (true, true, true, true),
        "Windows names, IANA names, custom zones and unshared calendars all appear"
    );
}

#[tokio::test(start_paused = true)]
async fn limits_and_errors_as_graph_documents_them() {
    let sim = tenant(40, Scenario::Static);
    let people = everyone(&sim, 21);
    let day = ("2025-03-04T00:00:00", "2025-03-05T00:00:00");
    let (status, _) = post(
        &sim,
        "/me/calendar/getSchedule",
        &ask(&people[..20], day.0, day.1, &json!(15)),
        None,
    )
    .await;
    assert_eq!(status, 200, "20 schedules are allowed");
    let (status, body) = post(
        &sim,
        "/me/calendar/getSchedule",
        &ask(&people, day.0, day.1, &json!(15)),
        None,
    )
    .await;
    assert_eq!(status, 400, "21 are not");
    assert_eq!(body["error"]["code"], "ErrorInvalidParameter");
    // The window must be shorter than 62 days; the interval 5 to 1440 minutes.
    let (status, _) = post(
        &sim,
        "/me/calendar/getSchedule",
        &ask(
            &people[..1],
            "2025-03-01T00:00:00",
            "2025-05-02T00:00:00",
            &json!(60),
        ),
        None,
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = post(
        &sim,
        "/me/calendar/getSchedule",
        &ask(&people[..1], day.0, day.1, &json!(4)),
        None,
    )
    .await;
    assert_eq!(status, 400);
    // The concepts page's request: capitalised names, the interval as a string, a Prefer zone.
    let body = json!({
        "Schedules": [people[1]],
        "StartTime": {"dateTime": "2025-03-04T09:00:00", "timeZone": "Pacific Standard Time"},
        "EndTime": {"dateTime": "2025-03-04T18:00:00", "timeZone": "Pacific Standard Time"},
        "availabilityViewInterval": "15"
    });
    let (status, answer) = post(
        &sim,
        "/me/calendar/getSchedule",
        &body,
        Some("Pacific Standard Time"),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["value"][0]["availabilityView"]
            .as_str()
            .unwrap()
            .len(),
        36
    );
    if let Some(item) = answer["value"][0]["scheduleItems"]
        .as_array()
        .and_then(|a| a.first())
    {
        assert_eq!(item["start"]["timeZone"], "Pacific Standard Time");
    }
    // An unknown address is an error item, not a failed request.
    let (status, answer) = post(
        &sim,
        "/me/calendar/getSchedule",
        &ask(
            &["nobody@nowhere.example".to_owned()],
            day.0,
            day.1,
            &json!(15),
        ),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        answer["value"][0]["error"]["responseCode"],
        "ErrorMailRecipientNotFound"
    );
    // App-only: the user's own path; an unknown user is 404.
    let (status, _) = post(
        &sim,
        "/users/nobody@nowhere.example/calendar/getSchedule",
        &ask(&people[..1], day.0, day.1, &json!(15)),
        None,
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test(start_paused = true)]
async fn a_meeting_in_presence_is_a_busy_slot_in_the_calendar() {
    let sim = tenant(60, Scenario::Static);
    let c = client(&sim);
    let now = sim.sim_time();
    let start = jiff::Timestamp::from_second(now.as_second() / 900 * 900).unwrap();
    let window = Window {
        start,
        end: start + jiff::SignedDuration::from_hours(1),
    };
    let ids = ids(&sim);
    let presences = c.presences(&ids).await.unwrap().presences;
    let mut meetings = 0;
    for chunk in (0..60u32).collect::<Vec<_>>().chunks(MAX_SCHEDULES) {
        let addresses: Vec<String> = chunk.iter().map(|&i| sim.upn(i)).collect();
        let read = c.schedules(&addresses, window, None).await.unwrap();
        assert_eq!(read.len(), addresses.len());
        for ((address, answer), &i) in read.iter().zip(chunk) {
            assert_eq!(*address, addresses[(i as usize) % MAX_SCHEDULES]);
            let presence = presences
                .iter()
                .find(|p| p.id.as_str() == sim.user_id(i))
                .unwrap();
            let meeting = matches!(
                presence.activity.raw().to_ascii_lowercase().as_str(),
                "inameeting" | "presenting"
            );
            match answer {
                Ok(schedule) if meeting => {
                    meetings += 1;
                    assert_eq!(
                        schedule.slots[0],
                        teamboard::graph::schedule::Slot::Busy,
                        "{address} is in a meeting"
                    );
                }
                Ok(_) | Err(Unavailable::NotShared) => {}
                Err(other) => panic!("{address}: {other:?}"),
            }
        }
    }
    assert!(meetings > 0, "someone is in a meeting on a Tuesday morning");
}

#[tokio::test(start_paused = true)]
async fn someone_is_out_of_office_for_the_week() {
    let sim = tenant(200, Scenario::Static);
    let c = client(&sim);
    let start: jiff::Timestamp = "2025-03-03T00:00:00Z".parse().unwrap();
    let window = Window {
        start,
        end: start + jiff::SignedDuration::from_hours(24 * 7),
    };
    let mut out = 0;
    for chunk in everyone(&sim, 200).chunks(MAX_SCHEDULES) {
        for (_, answer) in c.schedules(chunk, window, None).await.unwrap() {
            if let Ok(s) = answer
                && s.slots
                    .contains(&teamboard::graph::schedule::Slot::OutOfOffice)
            {
                out += 1;
            }
        }
    }
    assert!(out > 0, "a week on leave shows as out of office");
}

/// The board's core and refresher against the tenant for `hours` of a compressed working day
/// (paused time: deadlines are jumped to), every effect carried out the way the loop does. Returns
/// the getSchedule requests the tenant served.
async fn board_hours(people: u32, hours: u64) -> u64 {
    use teamboard::app::keymap::Keymap;
    use teamboard::app::{App, Effect, Msg, Now, Options};
    use teamboard::config::Config;
    use teamboard::refresh::Refresher;

    let mut o = SimOptions::new(people, Scenario::Workday);
    o.start = Some(TUESDAY_MORNING.parse().unwrap());
    // Real time: an hour of the board is an hour of the tenant's day.
    o.time_scale = 1.0;
    o.presence_limit = None;
    let sim = Sim::new(o);
    let mut config = Config::default();
    config.calendar.enabled = true;
    config.team.groups = vec![sim.team_group_id()];
    let start = Now {
        instant: tokio::time::Instant::now().into_std(),
        utc: TUESDAY_MORNING.parse().unwrap(),
    };
    let now = || {
        let elapsed = tokio::time::Instant::now().into_std() - start.instant;
        start.after(elapsed)
    };
    let options = Options::from_config(
        &config,
        Keymap::default(),
        jiff::tz::TimeZone::UTC,
        false,
        7,
    );
    let mut app = App::new(options, ratatui::layout::Rect::new(0, 0, 200, 60), now());
    let refresher = Refresher::new(client(&sim), None, config.team.clone());
    let end = start.instant + Duration::from_secs(hours * 3600);
    let mut queue = vec![Msg::Deadline];
    loop {
        while let Some(msg) = queue.pop() {
            for effect in app.update(msg, now()) {
                match effect {
                    Effect::Poll(roster) => {
                        let outcome = refresher.poll(roster, &|_| {}).await;
                        queue.push(Msg::Polled(Box::new(outcome)));
                    }
                    Effect::ReadSchedules(ask) => {
                        let outcome = refresher.schedules(*ask).await;
                        queue.push(Msg::Schedules(Box::new(outcome)));
                    }
                    _ => {}
                }
            }
        }
        let Some(at) = app.next_deadline() else { break };
        if at >= end {
            break;
        }
        tokio::time::advance(at.saturating_duration_since(tokio::time::Instant::now().into_std()))
            .await;
        queue.push(Msg::Deadline);
    }
    sim.counts().schedule
}

#[tokio::test(start_paused = true)]
async fn calendar_requests_per_hour_stay_in_budget_at_40_and_1000_people() {
    for people in [40u32, 1000] {
        // You are on the board too.
        let budget = u64::from((people + 1).div_ceil(20)) * 6 + 60;
        let served = board_hours(people, 1).await;
        eprintln!("calendar requests in one hour at {people} people: {served}");
        // Everyone every 10 minutes (ceil(N/20) requests), and at most 60 early reads an hour.
        assert!(
            served <= budget,
            "{served} requests at {people} people, budget {budget}"
        );
        assert!(
            served >= u64::from(people.div_ceil(20)) * 6,
            "{served}: everyone is read every period"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_throttled_schedule_read_pauses_calendars_only() {
    use teamboard::sim::{EndpointKind, RetryAfter};
    let sim = tenant(40, Scenario::Static);
    sim.faults().update(|f| {
        f.only = Some(EndpointKind::Schedule);
        f.throttle_every = 1;
        f.retry_after = RetryAfter::Seconds(120);
    });
    let c = client(&sim);
    let start: jiff::Timestamp = "2025-03-04T00:00:00Z".parse().unwrap();
    let window = Window {
        start,
        end: start + jiff::SignedDuration::from_hours(24),
    };
    let err = c
        .schedules(&everyone(&sim, 3), window, None)
        .await
        .expect_err("throttled");
    assert!(err.is_throttled(), "{err:?}");
    // Presence is read at once, without waiting for the calendar's two minutes.
    let before = tokio::time::Instant::now();
    let ids = ids(&sim);
    let read = c.presences(&ids).await.expect("presence is not paused");
    assert_eq!(read.presences.len(), 40);
    assert!(tokio::time::Instant::now() - before < Duration::from_secs(1));
    assert_eq!(c.paused_until(), None, "the shared gate stays open");
    // The next calendar read does not even reach the tenant while its own gate is shut.
    let sent = sim.counts().schedule;
    assert!(c.schedules(&everyone(&sim, 3), window, None).await.is_err());
    assert_eq!(sim.counts().schedule, sent);
}
