use super::*;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn id(n: usize) -> UserId {
    UserId::new(format!("u{n:04}"))
}

/// Runs the schedule for `hours` of simulated time with `people` on the board, `changes` presence
/// changes into or out of meetings a minute, and every read answering at once. Returns the
/// requests sent: ceil(people/20) for a read of everyone, one for an early read.
fn requests_in(hours: u64, people: usize, changes_per_minute: usize) -> (usize, usize) {
    let t0 = Instant::now();
    let mut r = Refresh::new(secs(600));
    r.start(t0);
    let (mut all, mut early) = (0, 0);
    let mut next_change = 0usize;
    let mut t = t0;
    let end = t0 + secs(hours * 3600);
    let mut minute = t0;
    while t < end {
        if t >= minute {
            for _ in 0..changes_per_minute {
                r.changed(&id(next_change % people));
                next_change += 1;
            }
            minute += secs(60);
        }
        match r.due(t) {
            Some(Read::All) => {
                all += people.div_ceil(MAX_SCHEDULES);
                r.succeeded(t, true);
            }
            Some(Read::Early(ids)) => {
                assert!(ids.len() <= MAX_SCHEDULES);
                early += 1;
                r.succeeded(t, false);
            }
            None => {}
        }
        let next = r.next_deadline(t).unwrap_or(end).max(t + secs(1));
        t = next.min(minute.max(t + secs(1)));
    }
    (all, early)
}

#[test]
fn everyone_every_period_and_early_reads_within_their_budget() {
    // 40 people, a busy afternoon (five meeting changes a minute): 6 reads of everyone (2 requests
    // each) and at most 60 early requests an hour.
    let (all, early) = requests_in(1, 40, 5);
    assert_eq!(all, 6 * 2);
    assert!(early <= EARLY_PER_HOUR, "{early}");
    assert!(
        early >= 50,
        "changes are read early, about once a minute: {early}"
    );
    // 1,000 people: 50 requests per period.
    let (all, early) = requests_in(3, 1000, 30);
    assert_eq!(all, 3 * 6 * 50);
    assert!(early <= 3 * EARLY_PER_HOUR, "{early}");
    // Nothing changing: no early reads at all.
    assert_eq!(requests_in(1, 40, 0), (12, 0));
}

#[test]
fn early_reads_take_twenty_at_most_a_minute_apart_and_a_full_read_clears_them() {
    let t0 = Instant::now();
    let mut r = Refresh::new(secs(600));
    r.start(t0);
    assert_eq!(r.due(t0), Some(Read::All));
    assert_eq!(r.due(t0), None, "one read in flight");
    r.succeeded(t0, true);
    for n in 0..45 {
        r.changed(&id(n));
    }
    r.changed(&id(3));
    let Some(Read::Early(first)) = r.due(t0 + secs(1)) else {
        panic!("an early read")
    };
    assert_eq!(first.len(), 20);
    assert_eq!(first[0], id(0));
    r.succeeded(t0 + secs(2), false);
    assert_eq!(r.due(t0 + secs(30)), None, "a minute between early reads");
    assert_eq!(r.next_deadline(t0 + secs(30)), Some(t0 + secs(61)));
    let Some(Read::Early(second)) = r.due(t0 + secs(61)) else {
        panic!("the next twenty")
    };
    assert_eq!(second.len(), 20);
    r.succeeded(t0 + secs(62), false);
    // The period comes before the last five: everyone is read, the queue with them.
    assert_eq!(r.due(t0 + secs(600)), Some(Read::All));
    r.succeeded(t0 + secs(600), true);
    assert_eq!(r.due(t0 + secs(700)), None);
    assert_eq!(r.next_deadline(t0 + secs(700)), Some(t0 + secs(1200)));
}

#[test]
fn throttling_and_failures_hold_calendar_reads_only() {
    let t0 = Instant::now();
    let mut r = Refresh::new(secs(600));
    r.start(t0);
    assert_eq!(r.due(t0), Some(Read::All));
    r.throttled(t0, Some(secs(120)), true);
    assert_eq!(r.held_until(t0), Some(t0 + secs(120)));
    r.changed(&id(1));
    assert_eq!(r.due(t0 + secs(119)), None, "held, early reads too");
    assert_eq!(r.next_deadline(t0 + secs(5)), Some(t0 + secs(120)));
    assert_eq!(r.due(t0 + secs(120)), Some(Read::All));
    r.succeeded(t0 + secs(120), true);
    // Failures back off from a minute, doubling, never past the period.
    let t1 = t0 + secs(720);
    assert_eq!(r.due(t1), Some(Read::All));
    r.failed(t1, true);
    assert_eq!(r.next_deadline(t1), Some(t1 + secs(60)));
    assert_eq!(r.due(t1 + secs(60)), Some(Read::All));
    r.failed(t1 + secs(60), true);
    assert_eq!(r.next_deadline(t1 + secs(60)), Some(t1 + secs(180)));
    for _ in 0..10 {
        let at = r.next_deadline(t0).unwrap();
        assert_eq!(r.due(at), Some(Read::All));
        r.failed(at, true);
        assert!(r.next_deadline(at).unwrap() - at <= secs(600));
    }
    let at = r.next_deadline(t0).unwrap();
    assert_eq!(r.due(at), Some(Read::All));
    r.succeeded(at, true);
    assert_eq!(r.held_until(at), None);
    assert_eq!(r.next_deadline(at), Some(at + secs(600)));
}
