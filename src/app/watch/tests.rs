//! The alert rules: into a state alerts once; the first answer, a stale period, repeats, flapping
//! and the cooldown do not.

use std::time::{Duration, Instant};

use super::*;
use crate::graph::model::AvailabilityKind as A;

fn seen(availability: A) -> Seen {
    Seen {
        availability,
        out_of_office: false,
    }
}

fn ann() -> UserId {
    UserId::new("ann")
}

fn watching_ann() -> Watch {
    Watch::new(Rules::default(), Vec::new(), vec![ann()])
}

#[test]
fn into_available_alerts_once_and_never_on_the_first_answer() {
    let mut w = watching_ann();
    let t = Instant::now();
    assert_eq!(
        w.observe(&ann(), seen(A::Available), t),
        None,
        "first answer"
    );
    assert_eq!(
        w.observe(&ann(), seen(A::Busy), t + Duration::from_secs(30)),
        None
    );
    let alert = w.observe(&ann(), seen(A::Available), t + Duration::from_secs(60));
    assert_eq!(
        alert,
        Some(Alert {
            id: ann(),
            target: Target::Availability(A::Available)
        })
    );
    // The same state answered again (another poll, a repeated answer) is not a new transition.
    assert_eq!(
        w.observe(&ann(), seen(A::Available), t + Duration::from_secs(90)),
        None
    );
    assert_eq!(
        w.observe(&ann(), seen(A::AvailableIdle), t + Duration::from_secs(900)),
        None
    );
}

#[test]
fn a_state_already_shown_before_a_stale_period_does_not_alert() {
    let mut w = watching_ann();
    let t = Instant::now();
    w.observe(&ann(), seen(A::Available), t);
    // Polls failed or left Ann out for ten minutes: nothing observed. Back in the same state.
    assert_eq!(
        w.observe(&ann(), seen(A::Available), t + Duration::from_secs(600)),
        None
    );
}

#[test]
fn flapping_is_one_alert_per_cooldown() {
    let mut w = watching_ann();
    let t = Instant::now();
    w.observe(&ann(), seen(A::Busy), t);
    let mut alerts = 0;
    // Busy and Available every 30 s for four minutes: inside the 5-minute cooldown.
    for n in 1..=8u64 {
        let state = if n % 2 == 1 { A::Available } else { A::Busy };
        alerts += usize::from(
            w.observe(&ann(), seen(state), t + Duration::from_secs(30 * n))
                .is_some(),
        );
    }
    assert_eq!(alerts, 1);
    // After the cooldown, a new arrival alerts again.
    w.observe(&ann(), seen(A::Busy), t + Duration::from_secs(330));
    assert!(
        w.observe(&ann(), seen(A::Available), t + Duration::from_secs(360))
            .is_some()
    );
}

#[test]
fn only_watched_people_and_the_chosen_states_alert() {
    let mut w = Watch::new(
        Rules {
            alert_on: vec![Target::Back, Target::Availability(A::Away)],
            cooldown: Duration::ZERO,
            quiet: Quiet::default(),
        },
        vec!["BOB@contoso.com".into()],
        Vec::new(),
    );
    let t = Instant::now();
    let bob = User {
        id: UserId::new("bob-id"),
        display_name: Some("Bob".into()),
        user_principal_name: Some("bob@contoso.com".into()),
        mail: None,
        job_title: None,
        department: None,
    };
    assert!(
        !w.is_watched(&bob.id),
        "not until the roster says who bob is"
    );
    w.resolve([&bob]);
    assert!(w.is_watched(&bob.id));
    assert_eq!(w.count(), 1);
    assert_eq!(w.toggle(&bob.id), Toggle::InConfig);
    let ooo = Seen {
        availability: A::Offline,
        out_of_office: true,
    };
    w.observe(&bob.id, ooo, t);
    assert_eq!(
        w.observe(&bob.id, seen(A::Offline), t).map(|a| a.target),
        Some(Target::Back)
    );
    assert_eq!(
        w.observe(&bob.id, seen(A::Available), t),
        None,
        "not in alert_on"
    );
    assert!(w.observe(&bob.id, seen(A::Away), t).is_some());
    // Someone nobody watches never alerts.
    let carol = UserId::new("carol");
    w.observe(&carol, seen(A::Busy), t);
    assert_eq!(w.observe(&carol, seen(A::Away), t), None);
}

#[test]
fn w_marks_and_unmarks_and_forgets_what_it_saw() {
    let mut w = Watch::new(Rules::default(), Vec::new(), Vec::new());
    let t = Instant::now();
    assert!(!w.is_active());
    assert_eq!(w.toggle(&ann()), Toggle::Added);
    assert!(w.is_active());
    assert_eq!(w.marked(), [ann()]);
    w.observe(&ann(), seen(A::Busy), t);
    assert_eq!(w.toggle(&ann()), Toggle::Removed);
    assert!(w.marked().is_empty());
    w.toggle(&ann());
    // Watched again: its first answer is a first answer again.
    assert_eq!(w.observe(&ann(), seen(A::Available), t), None);
}
