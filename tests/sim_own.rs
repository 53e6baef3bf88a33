//! Setting your own presence, status message and work location end to end against the simulated
//! tenant, in-process under paused time: each of Graph's five actions set, read back through
//! `/me/presence` and `getPresencesByUserId`, expired on the tenant's clock and cleared; Graph's
//! validation answers; the "no presence session, so Offline" rule; and the missing-permission path
//! (consent asked for once, the sign-in kept, the permission remembered).
#![cfg(feature = "sim")]

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use jiff::Zoned;
use serde_json::{Value, json};
use teamboard::auth::entra::Entra;
use teamboard::auth::session::Session;
use teamboard::auth::token_store::{Profile, TokenStore};
use teamboard::auth::{TokenSource, device_code};
use teamboard::config::{AuthConfig, Config, TokenStoreKind};
use teamboard::expiry;
use teamboard::graph::GraphClient;
use teamboard::graph::model::{Presence, UserId};
use teamboard::graph::own::{ManualLocation, Preferred, WRITE_PERMISSION};
use teamboard::graph::transport::Transport;
use teamboard::own::{self, Change, LocationChange, OwnError};
use teamboard::sim::{RouterTransport, Scenario, Sim, SimOptions};

mod support {
    pub mod graph;
}
use support::graph::{BASE, client, client_with};

const AUTHORITY: &str = "http://127.0.0.1:9";

/// A working-day tenant whose clock runs at real speed from a fixed Monday morning, so paused
/// time moves it minute by minute.
fn options() -> SimOptions {
    let mut options = SimOptions::new(12, Scenario::Workday);
    options.time_scale = 1.0;
    options.start = Some("2026-11-30T09:00:00Z".parse().unwrap());
    options.identity.interval = Duration::from_secs(1);
    options
}

/// Now on the tenant's clock, in UTC (the expiry parser's "now").
fn sim_now(sim: &Sim) -> Zoned {
    sim.sim_time().to_zoned(jiff::tz::TimeZone::UTC)
}

/// Your presence through both reads a client uses: `/me/presence`, and your id in the batch call.
async fn both_reads(c: &GraphClient, me: &UserId) -> (Presence, Presence) {
    let mine = c.my_presence().await.unwrap();
    let batch = c.presences(std::slice::from_ref(me)).await.unwrap();
    let in_batch = batch
        .presences
        .first()
        .expect("your id is answered")
        .as_ref()
        .clone();
    (mine, in_batch)
}

/// One raw request with the tenant's static token: (status, body).
async fn post(sim: &Arc<Sim>, path: &str, body: &Value) -> (u16, Value) {
    let request = http::Request::post(format!("{BASE}{path}"))
        .header("Authorization", format!("Bearer {}", sim.token()))
        .header("Content-Type", "application/json")
        .body(Bytes::from(body.to_string()))
        .unwrap();
    let answer = RouterTransport::new(sim.router())
        .send(request)
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let body = serde_json::from_slice(answer.body()).unwrap_or(Value::Null);
    (status, body)
}

fn content(p: &Presence) -> Option<&str> {
    p.status_message
        .as_ref()?
        .message
        .as_ref()?
        .content
        .as_deref()
        .filter(|c| !c.is_empty())
}

#[tokio::test(start_paused = true)]
async fn a_preferred_presence_shows_in_both_reads_until_it_expires_or_is_reset() {
    let sim = Sim::new(options());
    // The same tenant with nothing set: what Teams would show by itself at every moment.
    let twin = Sim::new(options());
    let c = client(&sim);
    let base = client(&twin);
    let me = UserId::new(sim.me_id());
    let change = Change::Presence {
        preferred: Preferred::DoNotDisturb,
        until: Some(expiry::parse_for("30m", &sim_now(&sim)).unwrap()),
    };
    let written = own::write(&c, None, &change, None, sim.sim_time())
        .await
        .unwrap();
    assert_eq!(written.me, me, "your id comes from /me");
    assert_eq!(written.presence.availability.raw(), "DoNotDisturb");
    assert_eq!(written.presence.activity.raw(), "DoNotDisturb");
    let (mine, batch) = both_reads(&c, &me).await;
    assert_eq!(
        (mine.availability.raw(), batch.availability.raw()),
        ("DoNotDisturb", "DoNotDisturb")
    );
    assert!(change.shown_by(&batch));

    // 31 minutes later on the tenant's clock it has expired: presence is Teams' own again.
    tokio::time::advance(Duration::from_secs(31 * 60)).await;
    let (mine, batch) = both_reads(&c, &me).await;
    let own_choice = base.my_presence().await.unwrap();
    assert_eq!(mine.availability, own_choice.availability);
    assert_eq!(batch.availability, own_choice.availability);

    // Set again without an end (Graph's default: a day), then reset by hand.
    let busy = Change::Presence {
        preferred: Preferred::Busy,
        until: None,
    };
    own::write(&c, Some(me.clone()), &busy, None, sim.sim_time())
        .await
        .unwrap();
    tokio::time::advance(Duration::from_secs(3 * 3_600)).await;
    assert_eq!(c.my_presence().await.unwrap().availability.raw(), "Busy");
    let reset = own::write(&c, Some(me.clone()), &Change::Reset, None, sim.sim_time())
        .await
        .unwrap();
    let own_choice = base.my_presence().await.unwrap();
    assert_eq!(reset.presence.availability, own_choice.availability);
    let (_, batch) = both_reads(&c, &me).await;
    assert_eq!(batch.availability, own_choice.availability);
}

#[tokio::test(start_paused = true)]
async fn a_status_message_shows_with_its_expiry_then_goes_and_empty_content_clears_it() {
    let sim = Sim::new(options());
    let c = client(&sim);
    let me = UserId::new(sim.me_id());
    // 10:00 is an hour ahead on the tenant's clock (09:00 UTC).
    let ends = expiry::parse_until("10:00", &sim_now(&sim)).unwrap();
    assert_eq!(ends.to_string(), "10:00 today");
    let change = Change::Message {
        text: "Focus time, ping if urgent".into(),
        until: Some(ends),
    };
    let written = own::write(&c, Some(me.clone()), &change, None, sim.sim_time())
        .await
        .unwrap();
    let message = written.presence.status_message.as_ref().unwrap();
    assert_eq!(
        content(&written.presence),
        Some("Focus time, ping if urgent")
    );
    let expiry = message.expiry_date_time.as_ref().unwrap();
    assert_eq!(
        (expiry.date_time.as_str(), expiry.time_zone.as_deref()),
        ("2026-11-30T10:00:00.0000000", Some("UTC"))
    );
    let line = own::report(
        &change,
        &written.presence,
        &jiff::tz::TimeZone::UTC,
        sim.sim_time(),
    );
    assert_eq!(
        line,
        "status message \"Focus time, ping if urgent\" until 10:00 today"
    );
    let (_, batch) = both_reads(&c, &me).await;
    assert_eq!(content(&batch), Some("Focus time, ping if urgent"));
    // Others (and the batch) see no expiry: only you do.
    assert!(
        batch
            .status_message
            .as_ref()
            .unwrap()
            .expiry_date_time
            .is_none()
    );

    tokio::time::advance(Duration::from_secs(61 * 60)).await;
    let (mine, batch) = both_reads(&c, &me).await;
    assert_ne!(content(&mine), Some("Focus time, ping if urgent"));
    assert_ne!(content(&batch), Some("Focus time, ping if urgent"));

    let set = Change::Message {
        text: "Back at 3".into(),
        until: None,
    };
    own::write(&c, Some(me.clone()), &set, None, sim.sim_time())
        .await
        .unwrap();
    let clear = Change::Message {
        text: String::new(),
        until: None,
    };
    let cleared = own::write(&c, Some(me.clone()), &clear, None, sim.sim_time())
        .await
        .unwrap();
    assert_eq!(content(&cleared.presence), None);
    assert!(clear.shown_by(&cleared.presence));
    let (_, batch) = both_reads(&c, &me).await;
    assert_eq!(content(&batch), None);
}

#[tokio::test(start_paused = true)]
async fn a_manual_location_overrides_until_cleared() {
    let sim = Sim::new(options());
    let twin = Sim::new(options());
    let c = client(&sim);
    let me = UserId::new(sim.me_id());
    let place = sim.place_ids()[0].clone();
    let office = Change::Location(LocationChange::Set {
        location: ManualLocation::Office,
        place: Some((
            place.clone(),
            teamboard::text::SafeText::line("Building 40"),
        )),
    });
    let written = own::write(&c, Some(me.clone()), &office, None, sim.sim_time())
        .await
        .unwrap();
    let (mine, batch) = both_reads(&c, &me).await;
    for p in [&written.presence, &mine, &batch] {
        let w = p.work_location.as_ref().unwrap();
        assert_eq!(
            (
                w.work_location_type.raw(),
                w.source.raw(),
                w.place_id.as_deref()
            ),
            ("office", "manual", Some(place.as_str()))
        );
    }
    let timeoff = Change::Location(LocationChange::Set {
        location: ManualLocation::TimeOff,
        place: None,
    });
    let written = own::write(&c, Some(me.clone()), &timeoff, None, sim.sim_time())
        .await
        .unwrap();
    assert_eq!(
        own::report(
            &timeoff,
            &written.presence,
            &jiff::tz::TimeZone::UTC,
            sim.sim_time()
        ),
        "work location timeOff (manual)"
    );
    // A manual location does not expire with the day's hours: still there hours later.
    tokio::time::advance(Duration::from_secs(4 * 3_600)).await;
    assert!(timeoff.shown_by(&c.my_presence().await.unwrap()));
    let cleared = own::write(
        &c,
        Some(me.clone()),
        &Change::Location(LocationChange::Clear),
        None,
        sim.sim_time(),
    )
    .await
    .unwrap();
    let untouched = client(&twin).my_presence().await.unwrap();
    assert_eq!(cleared.presence.work_location, untouched.work_location);
}

#[tokio::test(start_paused = true)]
async fn the_tenant_answers_and_validates_as_graph_does() {
    let sim = Sim::new(options());
    let me = sim.me_id();
    let at = |action: &str| format!("/users/{me}/presence/{action}");
    let ok = [
        (
            "setUserPreferredPresence",
            json!({"availability":"Away","activity":"Away","expirationDuration":"PT1H"}),
            200,
        ),
        ("clearUserPreferredPresence", json!({}), 200),
        (
            "setStatusMessage",
            json!({"statusMessage":{"message":{"content":"hi","contentType":"text"}}}),
            200,
        ),
        (
            "setManualLocation",
            json!({"workLocationType":"remote"}),
            204,
        ),
        ("clearLocation", json!({}), 204),
    ];
    for (action, body, status) in ok {
        let (answer, _) = post(&sim, &at(action), &body).await;
        assert_eq!(answer, status, "{action}");
    }
    assert_eq!(
        post(
            &sim,
            "/me/presence/setManualLocation",
            &json!({"workLocationType":"office"})
        )
        .await
        .0,
        204
    );
    let refused = [
        (
            "setUserPreferredPresence",
            json!({"availability":"Busy","activity":"Away"}),
        ),
        (
            "setUserPreferredPresence",
            json!({"availability":"Busy","activity":"Presenting"}),
        ),
        ("setUserPreferredPresence", json!({"activity":"Busy"})),
        (
            "setUserPreferredPresence",
            json!({"availability":"Busy","activity":"Busy","expirationDuration":"soon"}),
        ),
        (
            "setUserPreferredPresence",
            json!({"availability":"Busy","activity":"Busy","expirationDuration":"-PT1H"}),
        ),
        ("setStatusMessage", json!({"message":"hi"})),
        (
            "setStatusMessage",
            json!({"statusMessage":{"message":{"content":"hi","contentType":"markdown"}}}),
        ),
        (
            "setStatusMessage",
            json!({"statusMessage":{"message":{"content":"x"},"expiryDateTime":{"dateTime":"2026-11-30T10:00:00"}}}),
        ),
        ("setManualLocation", json!({})),
        ("setManualLocation", json!({"workLocationType":"moon"})),
        (
            "setManualLocation",
            json!({"workLocationType":"office","placeId":7}),
        ),
        ("setPresenceOnTheMoon", json!({})),
    ];
    for (action, body) in refused {
        let (status, answer) = post(&sim, &at(action), &body).await;
        assert_eq!(status, 400, "{action} {body}");
        assert_eq!(answer["error"]["code"], "BadRequest", "{answer}");
        assert!(answer["error"]["innerError"]["request-id"].is_string());
    }
    let (status, answer) = post(&sim, "/users/not-a-guid/presence/clearLocation", &json!({})).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (400, Some("BadRequest"))
    );
}

#[tokio::test(start_paused = true)]
async fn without_a_teams_session_you_show_offline_and_are_told_why() {
    let mut o = options();
    o.presence_session = false;
    let sim = Sim::new(o);
    let c = client(&sim);
    let change = Change::Presence {
        preferred: Preferred::Available,
        until: None,
    };
    let written = own::write(&c, None, &change, None, sim.sim_time())
        .await
        .unwrap();
    assert_eq!(
        (
            written.presence.availability.raw(),
            written.presence.activity.raw()
        ),
        ("Offline", "OffWork")
    );
    assert!(change.needs_session(&written.presence));
    let line = own::report(
        &change,
        &written.presence,
        &jiff::tz::TimeZone::UTC,
        sim.sim_time(),
    );
    assert!(line.contains("signed in to Teams"), "{line}");
    // Everyone else is unaffected.
    let other = UserId::new(sim.user_id(3));
    let batch = c.presences(&[other]).await.unwrap();
    assert_ne!(batch.presences[0].activity.raw(), "");
}

fn session(sim: &Arc<Sim>, dir: &std::path::Path) -> Session {
    let auth = AuthConfig {
        authority: AUTHORITY.into(),
        client_id: sim.client_id().to_owned(),
        ..Config::default().auth
    };
    let entra = Entra::new(&auth, Arc::new(RouterTransport::new(sim.router()))).unwrap();
    Session::new(
        entra,
        Arc::new(TokenStore::new(TokenStoreKind::File, dir.to_path_buf())),
        Profile::new(AUTHORITY, sim.client_id()),
        "organizations".into(),
        teamboard::auth::scopes::delegated(&Config::default()),
    )
}

async fn device_sign_in(s: &Session, scopes: &[String]) {
    let login = device_code::start(s.entra(), scopes).await.unwrap();
    let granted = device_code::finish(s.entra(), &login).await.unwrap();
    s.remember(granted).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn the_write_permission_is_asked_for_once_and_kept() {
    let sim = Sim::new(options());
    let dir = tempfile::tempdir().unwrap();
    let s = Arc::new(session(&sim, dir.path()));
    device_sign_in(&s, s.scopes()).await;
    assert!(
        !s.granted()
            .await
            .unwrap()
            .iter()
            .any(|p| p == WRITE_PERMISSION)
    );
    let c = client_with(&sim, s.clone());
    let busy = Change::Presence {
        preferred: Preferred::Busy,
        until: None,
    };

    // Without the permission Graph refuses, and says which one is missing.
    let refused = own::write(&c, None, &busy, Some(false), sim.sim_time())
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            OwnError::Forbidden {
                granted: Some(false)
            }
        ),
        "{refused:?}"
    );
    assert_eq!(refused.exit(), teamboard::exit::Exit::SignIn);
    assert!(refused.to_string().contains(WRITE_PERMISSION));

    // Nobody has consented: a renewal cannot add it; Entra's consent_required keeps the sign-in.
    let token_requests = sim.counts().token;
    let e = own::prepare(Some(&s)).await.unwrap_err();
    assert!(matches!(e, OwnError::Consent(_)), "{e:?}");
    assert!(sim.counts().token > token_requests, "a renewal asked Entra");
    let kept = session(&sim, dir.path()).bearer().await;
    assert!(kept.is_ok(), "the stored sign-in is kept: {kept:?}");
    assert!(c.my_presence().await.is_ok(), "reading still works");

    // An interactive sign-in asking for it gets the consent; then the write goes through.
    device_sign_in(&s, &s.scopes_with(WRITE_PERMISSION)).await;
    assert_eq!(own::prepare(Some(&s)).await.unwrap(), Some(true));
    let written = own::write(&c, None, &busy, Some(true), sim.sim_time())
        .await
        .unwrap();
    assert_eq!(written.presence.availability.raw(), "Busy");

    // Remembered: a new process renewing later still holds it, with no consent asked again.
    let later = Arc::new(session(&sim, dir.path()));
    let first = later.bearer().await.unwrap();
    let renewed = later.refresh_after_401(&first).await.unwrap();
    assert_ne!(renewed, first);
    assert!(
        later
            .granted()
            .await
            .unwrap()
            .iter()
            .any(|p| p == WRITE_PERMISSION)
    );
    let again = own::write(
        &client_with(&sim, later.clone()),
        None,
        &Change::Reset,
        Some(true),
        sim.sim_time(),
    )
    .await;
    assert!(again.is_ok(), "{again:?}");

    // Consent withdrawn by an administrator: renewals drop the permission rather than stop
    // reading, and the next write asks for consent again.
    sim.revoke_consent(sim.client_id());
    sim.grant_consent(sim.client_id(), "Presence.Read.All User.ReadBasic.All");
    let token = later.bearer().await.unwrap();
    let renewed = later.refresh_after_401(&token).await;
    assert!(renewed.is_ok(), "{renewed:?}");
    assert!(matches!(
        own::prepare(Some(&later)).await,
        Err(OwnError::Consent(_))
    ));
}
