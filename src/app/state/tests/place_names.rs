//! Work-location place names: looked up when allowed, cached, and kept across polls.

use super::*;
use crate::graph::model::{LocationSource, WorkLocation, WorkLocationType};
use crate::graph::places::PlaceLookup;

fn at(id: &str, place: &str) -> Presence {
    let mut p = presence(id, "Available", "Available", Some("1"));
    p.work_location = Some(WorkLocation {
        work_location_type: WorkLocationType::parse("office"),
        source: LocationSource::parse("manual"),
        place_id: Some(place.into()),
    });
    p
}

fn app(place_names: bool) -> (App, Arc<Roster>, Now) {
    let now = t0();
    let mut o = options();
    o.place_names = place_names;
    (App::new(o, Rect::new(0, 0, 80, 24), now), roster(3), now)
}

fn asked(effects: &[Effect]) -> Option<Vec<String>> {
    effects.iter().find_map(|e| match e {
        Effect::LookUpPlaces(ids) => Some(ids.clone()),
        _ => None,
    })
}

fn place_of<'a>(app: &'a App, id: &str) -> Option<&'a str> {
    app.person(&UserId::new(id))?
        .location
        .as_ref()?
        .place_name
        .as_ref()
        .map(SafeText::as_str)
}

fn placed() -> Vec<Presence> {
    vec![at("u00", "p1"), at("u01", "p1"), at("u02", "p2")]
}

#[test]
fn each_place_is_asked_once_then_shown_sanitized_and_cached() {
    let (mut app, r, now) = app(true);
    let effects = app.update(polled(&r, placed()), now);
    assert_eq!(asked(&effects), Some(vec!["p1".into(), "p2".into()]));
    // Not again while the first lookup is in flight.
    let later = now.after(Duration::from_secs(30));
    assert_eq!(asked(&app.update(polled(&r, placed()), later)), None);
    let answer = PlaceLookup {
        named: vec![("p1".into(), "\u{1b}]0;pwned\u{7}Building 40".into())],
        unknown: vec!["p2".into()],
        denied: false,
    };
    let effects = app.update(Msg::Places(Box::new(Some(answer))), later);
    assert!(effects.iter().any(|e| matches!(e, Effect::Save(_))));
    assert_eq!(place_of(&app, "u00"), Some("Building 40"));
    assert_eq!(place_of(&app, "u01"), Some("Building 40"));
    assert_eq!(place_of(&app, "u02"), None, "Graph does not know p2");
    // Named or unknown: nothing left to ask.
    let again = now.after(Duration::from_secs(60));
    assert_eq!(asked(&app.update(polled(&r, placed()), again)), None);
    // A warm start has the names at once and asks nothing.
    let snapshot = app.snapshot();
    assert_eq!(snapshot.places, vec![("p1".into(), "Building 40".into())]);
    let (mut warm, _, _) = self::app(true);
    load(&mut warm, snapshot);
    assert_eq!(place_of(&warm, "u00"), Some("Building 40"));
    assert_eq!(
        asked(&warm.update(polled(&r, placed()), again)),
        Some(vec!["p2".into()]),
        "only the place this session has not heard of"
    );
}

#[test]
fn a_refusal_stops_asking_and_says_why_a_failure_asks_again_later() {
    let (mut app, r, now) = app(true);
    assert!(asked(&app.update(polled(&r, placed()), now)).is_some());
    app.update(Msg::Places(Box::new(None)), now);
    let later = now.after(Duration::from_secs(30));
    assert!(
        asked(&app.update(polled(&r, placed()), later)).is_some(),
        "a failed lookup is tried again after the next poll"
    );
    let denied = PlaceLookup {
        denied: true,
        ..PlaceLookup::default()
    };
    app.update(Msg::Places(Box::new(Some(denied))), later);
    assert!(
        app.freshness()
            .warning
            .as_ref()
            .is_some_and(|w| w.as_str().contains("Place.Read.All"))
    );
    let again = now.after(Duration::from_secs(60));
    assert_eq!(asked(&app.update(polled(&r, placed()), again)), None);
    assert_eq!(place_of(&app, "u00"), None, "Office alone");
}

#[test]
fn off_by_default_nothing_is_asked() {
    let (mut app, r, now) = app(false);
    assert_eq!(asked(&app.update(polled(&r, placed()), now)), None);
}
