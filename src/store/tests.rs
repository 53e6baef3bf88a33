//! Round trips, and caches that are corrupted, truncated, of another version or hostile.

use std::time::Duration;

use super::*;
use crate::graph::model::{Availability, User};
use crate::roster::{RosterSource, Unresolved};

fn user(id: &str, name: &str) -> User {
    User {
        id: UserId::new(id),
        display_name: Some(name.into()),
        user_principal_name: Some(format!("{id}@contoso.com").into()),
        mail: None,
        job_title: None,
        department: None,
    }
}

fn roster() -> Roster {
    Roster {
        me: Some(user("me", "Me Myself")),
        members: vec![
            user("a", "Adele"),
            user("b", "\u{1b}]0;pwned\u{7}Bob\u{202e}"),
        ],
        unresolved: vec![Unresolved {
            configured: "ghost@contoso.com".into(),
            reason: "not found".into(),
        }],
        source: RosterSource::default(),
        resolved_at: None,
        by_ids_refused_at: None,
    }
}

fn snapshot() -> Snapshot {
    let mut a = Presence::unknown(UserId::new("a"));
    a.availability = Availability::parse("Busy");
    a.sequence_number = Some("A12".into());
    Snapshot {
        name_order: crate::store::NameOrder::default(),
        places: Vec::new(),
        saved_at: "2025-03-04T05:06:07Z".parse().unwrap(),
        roster: Arc::new(roster()),
        presences: vec![a.into(), Presence::unknown(UserId::new("b")).into()],
        last_changed: vec![(UserId::new("a"), "2025-03-04T05:00:00Z".parse().unwrap())],
    }
}

fn store() -> (tempfile::TempDir, Store) {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::new(tmp.path().join("teamboard"));
    (tmp, store)
}

#[test]
fn snapshots_and_rosters_round_trip() {
    let (_tmp, store) = store();
    assert_eq!(store.load_snapshot(), None);
    store.save_snapshot(&snapshot()).unwrap();
    assert_eq!(store.load_snapshot(), Some(snapshot()));
    store.save_roster(&roster()).unwrap();
    assert_eq!(store.load_roster(Duration::from_secs(3600)), Some(roster()));
    let text = std::fs::read_to_string(store.snapshot_path()).unwrap();
    assert!(text.starts_with("{\"version\":1,"), "{text}");
    // Graph's own names and raw values in the file.
    assert!(
        text.contains("\"availability\":\"Busy\"") && text.contains("\"sequenceNumber\":\"A12\""),
        "{text}"
    );
}

#[test]
fn a_roster_older_than_the_ttl_is_not_used() {
    let (_tmp, store) = store();
    let old = RosterFile {
        version: VERSION,
        saved_at: jiff::Timestamp::now() - jiff::SignedDuration::from_hours(25),
        roster: roster(),
    };
    file::write_atomic(
        store.dir(),
        &store.roster_name(),
        &serde_json::to_vec(&old).unwrap(),
    )
    .unwrap();
    assert_eq!(store.load_roster(Duration::from_secs(24 * 3600)), None);
    assert_eq!(
        store.load_roster(Duration::from_secs(26 * 3600)),
        Some(roster())
    );
    // Saved "tomorrow" (a clock far off, or a planted file): not trusted.
    let future = RosterFile {
        version: VERSION,
        saved_at: jiff::Timestamp::now() + jiff::SignedDuration::from_hours(2),
        roster: roster(),
    };
    file::write_atomic(
        store.dir(),
        &store.roster_name(),
        &serde_json::to_vec(&future).unwrap(),
    )
    .unwrap();
    assert_eq!(store.load_roster(Duration::from_secs(24 * 3600)), None);
    // ttl 0: always resolve again.
    store.save_roster(&roster()).unwrap();
    assert_eq!(store.load_roster(Duration::ZERO), None);
}

fn plant(store: &Store, bytes: &[u8]) {
    std::fs::create_dir_all(store.dir()).unwrap();
    std::fs::write(store.snapshot_path(), bytes).unwrap();
}

#[test]
fn corrupted_truncated_and_foreign_caches_are_ignored() {
    let (_tmp, store) = store();
    store.save_snapshot(&snapshot()).unwrap();
    let good = std::fs::read(store.snapshot_path()).unwrap();
    for cut in [0, 1, good.len() / 2, good.len() - 1] {
        plant(&store, &good[..cut]);
        assert_eq!(store.load_snapshot(), None, "truncated at {cut}");
    }
    for junk in [
        &b"\xff\xfe\x00garbage"[..],
        b"[]",
        b"null",
        b"{\"version\":1}",
        b"{}",
        b"\"x\"",
    ] {
        plant(&store, junk);
        assert_eq!(store.load_snapshot(), None, "{junk:?}");
    }
    let v2 = String::from_utf8(good.clone())
        .unwrap()
        .replacen("\"version\":1", "\"version\":2", 1);
    plant(&store, v2.as_bytes());
    assert_eq!(store.load_snapshot(), None);
    let bad_time =
        String::from_utf8(good)
            .unwrap()
            .replacen("2025-03-04T05:06:07Z", "yesterday", 1);
    plant(&store, bad_time.as_bytes());
    assert_eq!(store.load_snapshot(), None);
}

#[test]
fn bad_presence_elements_cost_only_their_person() {
    let (_tmp, store) = store();
    let mut v = serde_json::to_value(SnapshotFile {
        version: 1,
        snapshot: &snapshot(),
    })
    .unwrap();
    let list = v["presences"].as_array_mut().unwrap();
    list.push(serde_json::json!({"id": 42, "availability": "Busy"}));
    list.push(serde_json::json!("not a presence"));
    list.push(serde_json::json!({"id": "c", "availability": {"nested": true}}));
    v["last_changed"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!(["c", "not a time"]));
    plant(&store, &serde_json::to_vec(&v).unwrap());
    let loaded = store.load_snapshot().unwrap();
    assert_eq!(loaded.presences, snapshot().presences);
    assert_eq!(loaded.last_changed, snapshot().last_changed);
    assert_eq!(*loaded.roster, roster());
}

#[test]
fn hostile_strings_come_back_verbatim_for_the_sanitizer() {
    // The store keeps raw text (status --json writes it back losslessly); SafeText cleans it on display.
    let (_tmp, store) = store();
    let mut s = snapshot();
    Arc::make_mut(&mut s.presences[0]).status_message =
        Some(Box::new(crate::graph::model::StatusMessage {
            message: Some(crate::graph::model::ItemBody {
                content: Some("\u{1b}]52;c;ZXZpbA==\u{7}\u{9b}2J".into()),
                content_type: Some("text".into()),
            }),
            ..Default::default()
        }));
    store.save_snapshot(&s).unwrap();
    let text = std::fs::read(store.snapshot_path()).unwrap();
    assert!(
        !text.contains(&0x1b),
        "escapes are JSON-escaped in the file"
    );
    assert_eq!(store.load_snapshot(), Some(s));
}

#[test]
fn a_symlinked_cache_is_refused() {
    let (tmp, store) = store();
    let elsewhere = tmp.path().join("elsewhere.json");
    let mut other = Store::new(tmp.path().to_path_buf());
    other.key = "x".into();
    other.save_snapshot(&snapshot()).unwrap();
    std::fs::rename(other.snapshot_path(), &elsewhere).unwrap();
    std::fs::create_dir_all(store.dir()).unwrap();
    std::os::unix::fs::symlink(&elsewhere, store.snapshot_path()).unwrap();
    assert_eq!(store.load_snapshot(), None);
    assert!(store.save_snapshot(&snapshot()).is_err());
}

#[test]
fn clear_and_clear_all() {
    let (tmp, store) = store();
    let other = Store::with_key(store.dir().to_path_buf(), "other");
    store.save_snapshot(&snapshot()).unwrap();
    store.save_roster(&roster()).unwrap();
    other.save_snapshot(&snapshot()).unwrap();
    std::fs::write(store.dir().join("unrelated.txt"), "keep").unwrap();
    store.clear().unwrap();
    assert_eq!(store.load_snapshot(), None);
    assert!(other.load_snapshot().is_some());
    store.save_roster(&roster()).unwrap();
    assert_eq!(store.clear_all().unwrap(), 2);
    assert!(other.load_snapshot().is_none());
    assert!(store.dir().join("unrelated.txt").exists());
    assert_eq!(Store::new(tmp.path().join("none")).clear_all().unwrap(), 0);
}

#[test]
fn a_symlinked_cache_directory_is_never_written_or_cleared_through() {
    let tmp = tempfile::tempdir().unwrap();
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let theirs = elsewhere.join("snapshot-theirs.json");
    std::fs::write(&theirs, b"precious").unwrap();
    let link = tmp.path().join("teamboard");
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    // A good snapshot there is not read either: whoever made the link chose what the board shows.
    let real = Store::new(elsewhere.clone());
    real.save_snapshot(&snapshot()).unwrap();
    let store = Store::new(link);
    assert_eq!(store.load_snapshot(), None);
    std::fs::remove_file(real.snapshot_path()).unwrap();
    assert!(store.save_snapshot(&snapshot()).is_err());
    assert!(store.clear_all().is_err());
    assert_eq!(std::fs::read(&theirs).unwrap(), b"precious");
    let names: Vec<_> = std::fs::read_dir(&elsewhere).unwrap().collect();
    assert_eq!(names.len(), 1, "nothing written there");
}

#[test]
fn stores_for_different_teams_use_different_files() {
    let mut a = Config::default();
    a.team.members = vec!["a@x.com".into()];
    let mut b = a.clone();
    b.team.members.push("b@x.com".into());
    let dir = PathBuf::from("/c");
    assert_ne!(
        Store::in_dir(dir.clone(), &a).snapshot_path(),
        Store::in_dir(dir, &b).snapshot_path()
    );
}

#[test]
fn an_ignored_cache_is_logged_sanitized() {
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let (_tmp, store) = store();
    let mut v = serde_json::to_value(SnapshotFile {
        version: 1,
        snapshot: &snapshot(),
    })
    .unwrap();
    v["saved_at"] = serde_json::json!("\u{1b}]0;pwned\u{7}\u{9b}2J");
    plant(&store, &serde_json::to_vec(&v).unwrap());
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let loaded = tracing::subscriber::with_default(subscriber, || store.load_snapshot());
    assert_eq!(loaded, None);
    let log = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("cached snapshot ignored"), "{log}");
    assert!(log.contains("saved_at"), "the reason is kept: {log}");
    assert!(
        !log.contains('\u{1b}') && !log.contains('\u{7}') && !log.contains('\u{9b}'),
        "{log:?}"
    );
}

#[test]
fn a_roster_off_the_fast_path_still_gets_the_careful_reading() {
    let (_tmp, store) = store();
    store.save_roster(&roster()).unwrap();
    let good = std::fs::read(store.roster_path()).unwrap();
    // A byte that is not UTF-8 inside a name: the typed pass refuses it, the lossy one keeps the roster.
    let text = String::from_utf8(good.clone()).unwrap();
    let mut bad_utf8 = text.replacen("Adele", "Ad\u{0}le", 1).into_bytes();
    let at = bad_utf8.iter().position(|&b| b == 0).unwrap();
    bad_utf8.splice(at..=at, [0xff]);
    file::write_atomic(store.dir(), &store.roster_name(), &bad_utf8).unwrap();
    let loaded = store.load_roster(Duration::from_secs(3600)).unwrap();
    assert_eq!(
        loaded.members[0].display_name.as_deref(),
        Some("Ad\u{fffd}le")
    );
    // Well-formed but of another version, or cut short: refused either way.
    let v2 = text.replacen("\"version\":1", "\"version\":2", 1);
    file::write_atomic(store.dir(), &store.roster_name(), v2.as_bytes()).unwrap();
    assert_eq!(store.load_roster(Duration::from_secs(3600)), None);
    file::write_atomic(store.dir(), &store.roster_name(), &good[..good.len() - 1]).unwrap();
    assert_eq!(store.load_roster(Duration::from_secs(3600)), None);
}
