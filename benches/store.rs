//! Snapshot load time (the board's first frame and `status --max-age` read it) at 40 and 10,000 people,
//! the roster file read with it, and the save that follows a poll.
//! Budget: first frame ≤ 20 ms at 40, ≤ 50 ms at 10,000.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use teamboard::graph::model::{Presence, User, UserId, parse_single_presence};
use teamboard::roster::{Roster, RosterSource};
use teamboard::store::{Snapshot, Store};

fn person(i: usize) -> (User, Presence) {
    let id = format!("{i:08x}-7ef5-42da-9069-724602c31f6b");
    let user = User {
        id: UserId::new(id.clone()),
        display_name: Some(format!("Person Number {i}").into()),
        user_principal_name: Some(format!("person.{i}@contoso.com").into()),
        mail: Some(format!("person.{i}@contoso.com").into()),
        job_title: Some("Senior Engineer".into()),
        department: Some("Platform".into()),
    };
    let body = format!(
        r#"{{"id":"{id}","availability":"Busy","activity":"InAMeeting","sequenceNumber":"A{i:010}",
        "outOfOfficeSettings":{{"isOutOfOffice":false,"message":null}},
        "statusMessage":{{"message":{{"content":"Planning the quarter, back at 3","contentType":"text"}},
          "expiryDateTime":{{"dateTime":"9999-12-31T23:59:59.9999999","timeZone":"UTC"}}}},
        "workLocation":{{"workLocationType":"office","source":"automatic","placeId":null}}}}"#
    );
    (user, parse_single_presence(body.as_bytes()).unwrap())
}

fn snapshot(n: usize) -> Snapshot {
    let (members, presences): (Vec<User>, Vec<Presence>) = (0..n).map(person).unzip();
    let now = jiff::Timestamp::now();
    Snapshot {
        name_order: teamboard::store::NameOrder::default(),
        places: Vec::new(),
        saved_at: now,
        last_changed: presences.iter().map(|p| (p.id.clone(), now)).collect(),
        roster: std::sync::Arc::new(Roster {
            me: None,
            members,
            unresolved: Vec::new(),
            source: RosterSource::default(),
            resolved_at: None,
            by_ids_refused_at: None,
        }),
        presences: presences.into_iter().map(std::sync::Arc::new).collect(),
    }
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("store");
    for n in [40, 10_000] {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().to_path_buf());
        let s = snapshot(n);
        store.save_snapshot(&s).unwrap();
        let bytes = std::fs::metadata(store.snapshot_path()).unwrap().len();
        eprintln!("snapshot of {n} people: {bytes} bytes");
        group.bench_with_input(BenchmarkId::new("load_snapshot", n), &store, |b, store| {
            b.iter(|| black_box(store.load_snapshot().unwrap()));
        });
        group.bench_with_input(BenchmarkId::new("save_snapshot", n), &store, |b, store| {
            b.iter(|| store.save_snapshot(black_box(&s)).unwrap());
        });
        // The board reads the roster file too before its first frame.
        store.save_roster(&s.roster).unwrap();
        let day = std::time::Duration::from_secs(24 * 3600);
        group.bench_with_input(BenchmarkId::new("load_roster", n), &store, |b, store| {
            b.iter(|| black_box(store.load_roster(day).unwrap()));
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
