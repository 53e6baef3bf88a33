//! `wait` against the simulated tenant in-process, under paused time: the tenant's day moves as the
//! runtime's clock does, so hours pass in an instant and every request is counted.

use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::auth::{Secret, StaticToken};
use crate::graph::client::ClientOptions;
use crate::graph::model::UserId;
use crate::sim::{RouterTransport, Scenario, Sim, SimOptions};

/// A Tuesday, 09:00 in the office's zone.
const TUESDAY_MORNING: &str = "2025-03-04T08:00:00Z";

fn tenant(scenario: Scenario) -> Arc<Sim> {
    let mut options = SimOptions::new(24, scenario);
    options.start = Some(TUESDAY_MORNING.parse().unwrap());
    Sim::new(options)
}

fn client(sim: &Arc<Sim>, token: &str) -> GraphClient {
    GraphClient::new(
        ClientOptions::new("http://127.0.0.1/v1.0", Duration::from_secs(5)),
        Arc::new(RouterTransport::new(sim.router())),
        Arc::new(StaticToken::new(Secret::new(token))),
    )
    .unwrap()
}

fn person(sim: &Sim, index: u32) -> User {
    User {
        id: UserId::new(sim.user_id(index)),
        display_name: sim.display_name(index).map(Into::into),
        user_principal_name: Some(sim.upn(index).into()),
        mail: None,
        job_title: None,
        department: None,
    }
}

fn waiting(people: Vec<User>, target: &str, timeout: Option<Duration>) -> Waiting {
    Waiting {
        people,
        target: parse_target(target).unwrap(),
        interval: Duration::from_secs(30),
        timeout,
    }
}

/// Each person's state now, as Graph answers it.
async fn states(client: &GraphClient, sim: &Sim) -> Vec<(u32, Seen)> {
    let ids: Vec<UserId> = (1..sim.team_size())
        .map(|i| UserId::new(sim.user_id(i)))
        .collect();
    let read = client.presences(&ids).await.unwrap();
    (1..sim.team_size())
        .filter_map(|i| {
            let p = read
                .presences
                .iter()
                .find(|p| p.id.as_str() == sim.user_id(i))?;
            Some((i, Seen::of(p)))
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_workday_person_who_becomes_available_ends_the_wait_with_one_line() {
    let sim = tenant(Scenario::Workday);
    let c = client(&sim, sim.token());
    let available = parse_target("Available").unwrap();
    let busy = states(&c, &sim)
        .await
        .into_iter()
        .find(|(_, s)| !available.holds(*s) && !s.out_of_office)
        .map(|(i, _)| i)
        .expect("someone is not available on a Tuesday morning");
    let ann = person(&sim, busy);
    let started = tokio::time::Instant::now();
    let before = sim.counts().presence_batch;
    let line = wait(
        &c,
        &waiting(
            vec![ann.clone()],
            "available",
            Some(Duration::from_secs(8 * 3600)),
        ),
    )
    .await
    .unwrap();
    let name = ann.shown_name();
    assert_eq!(line, format!("{name} is Available"));
    // They are Available now, and were not when the wait began: it took polls, each 30 s apart.
    let now = states(&c, &sim).await;
    assert!(available.holds(now.iter().find(|(i, _)| *i == busy).unwrap().1));
    let polls = sim.counts().presence_batch - before - 1;
    let waited = started.elapsed();
    assert!(polls >= 2, "{polls} polls");
    assert!(
        waited >= Duration::from_secs(30) * u32::try_from(polls - 2).unwrap(),
        "{polls} polls in {waited:?}: never faster than the interval"
    );
}

#[tokio::test(start_paused = true)]
async fn someone_already_there_ends_the_wait_at_once() {
    let sim = tenant(Scenario::Static);
    let c = client(&sim, sim.token());
    let states = states(&c, &sim).await;
    let target = parse_target("Available").unwrap();
    let (free, _) = *states.iter().find(|(_, s)| target.holds(*s)).unwrap();
    let (busy, _) = *states.iter().find(|(_, s)| !target.holds(*s)).unwrap();
    let before = sim.counts().presence_batch;
    let started = tokio::time::Instant::now();
    let people = vec![person(&sim, busy), person(&sim, free)];
    let line = wait(&c, &waiting(people, "Available", None)).await.unwrap();
    assert_eq!(
        line,
        format!("{} is Available", person(&sim, free).shown_name())
    );
    assert_eq!(sim.counts().presence_batch - before, 1, "one read");
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn nobody_reaching_the_state_times_out_with_5_after_120_reads_an_hour() {
    let sim = tenant(Scenario::Static);
    let c = client(&sim, sim.token());
    let target = parse_target("Available").unwrap();
    let (busy, _) = *states(&c, &sim)
        .await
        .iter()
        .find(|(_, s)| !target.holds(*s))
        .unwrap();
    let before = sim.counts();
    let started = tokio::time::Instant::now();
    let e = wait(
        &c,
        &waiting(
            vec![person(&sim, busy)],
            "Available",
            Some(Duration::from_secs(3600)),
        ),
    )
    .await
    .unwrap_err();
    assert_eq!(e.exit, Exit::TimedOut);
    assert_eq!(e.exit as u8, 5);
    assert!(
        e.message.as_str().starts_with("timed out: "),
        "{}",
        e.message
    );
    assert_eq!(started.elapsed(), Duration::from_secs(3600));
    let after = sim.counts();
    // The figure in the report: one read every 30 s, nothing else.
    assert_eq!(after.presence_batch - before.presence_batch, 120);
    assert_eq!(after.total - before.total, 120);
}

#[tokio::test(start_paused = true)]
async fn transient_errors_are_retried_and_a_refused_token_ends_with_3() {
    let mut options = SimOptions::new(24, Scenario::Static);
    options.start = Some(TUESDAY_MORNING.parse().unwrap());
    options.faults.fail_rate = 1.0;
    let sim = Sim::new(options);
    let c = client(&sim, sim.token());
    let e = wait(
        &c,
        &waiting(
            vec![person(&sim, 1)],
            "Available",
            Some(Duration::from_secs(300)),
        ),
    )
    .await
    .unwrap_err();
    assert_eq!(e.exit, Exit::TimedOut, "503s are waited out: {}", e.message);
    assert!(sim.counts().server_errors > 5);

    let sim = tenant(Scenario::Static);
    let c = client(&sim, "not-a-token");
    let e = wait(&c, &waiting(vec![person(&sim, 1)], "Available", None))
        .await
        .unwrap_err();
    assert_eq!(e.exit, Exit::SignIn, "{}", e.message);
}

#[test]
fn durations_and_states_are_read_as_written() {
    assert_eq!(parse_duration("90s").unwrap(), Duration::from_secs(90));
    assert_eq!(parse_duration("2h").unwrap(), Duration::from_secs(7200));
    assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
    assert_eq!(parse_duration("45").unwrap(), Duration::from_secs(45));
    for bad in [
        "",
        "2 hours",
        "h",
        "0m",
        "-5s",
        "1.5h",
        "99999999999999999999d",
    ] {
        assert_eq!(parse_duration(bad).unwrap_err().exit, Exit::Usage, "{bad}");
    }
    assert_eq!(parse_target("BACK").unwrap(), Target::Back);
    let e = parse_target("free\x1b]0;x\x07").unwrap_err();
    assert_eq!(e.exit, Exit::Usage);
    assert!(!e.message.as_str().contains('\x1b'), "{:?}", e.message);
}
