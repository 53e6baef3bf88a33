//! Batching, merging by id, partial failures and the rate budget, without a transport.
use super::*;
use crate::graph::model::parse_single_presence;

fn ids(n: usize) -> Vec<UserId> {
    (0..n).map(|i| UserId::new(format!("id-{i}"))).collect()
}

fn presence(id: &str, seq: &str) -> known::Answer {
    let body = format!(
        r#"{{"id":"{id}","availability":"Busy","activity":"InACall","sequenceNumber":"{seq}"}}"#
    );
    known::Answer {
        presence: parse_single_presence(body.as_bytes()).unwrap().into(),
        asked_at: None,
    }
}

#[test]
fn batches_split_at_650() {
    for (n, want) in [(1, 1), (650, 1), (651, 2), (2_000, 4), (10_000, 16)] {
        assert_eq!(ids(n).chunks(BATCH_MAX).count(), want, "{n}");
        assert_eq!(requests_per_refresh(n, false), want);
    }
    assert_eq!(requests_per_refresh(10_000, true), 10_000);
}

#[test]
fn the_budget_stretches_the_interval() {
    assert_eq!(min_interval_for(1), Duration::from_millis(40));
    assert_eq!(min_interval_for(16), Duration::from_millis(640));
    assert_eq!(min_interval_for(10_000), Duration::from_secs(400));
    assert_eq!(min_interval_for(0), Duration::ZERO);
}

/// `parts` merged one after another, as a read merges its batches' outcomes as they come.
fn merged(asked: &[UserId], parts: Vec<Part>) -> Result<PresenceRead, GraphError> {
    let spare = Spare::default();
    let mut merge = Merge::new(asked);
    for part in parts {
        merge.add(part, &spare);
    }
    let mut read = PresenceRead::default();
    merge.finish(&mut read).map(|()| read)
}

#[test]
fn answers_merge_by_id_whatever_their_order() {
    let asked = ids(5);
    // Shuffled across two parts, one unasked id, one duplicate with an older sequence number.
    let parts = vec![
        Part::Read {
            presences: vec![
                presence("id-3", "A5"),
                presence("stranger", "A1"),
                presence("id-0", "A2"),
            ],
            bad: vec![],
            // Where their batch began: the answers are not where asked, so found by id.
            asked_from: Some(0),
        },
        Part::Read {
            presences: vec![presence("id-0", "A1"), presence("id-1", "A9")],
            bad: vec![BadElement {
                index: 1,
                id: Some(UserId::new("id-4")),
                reason: "x".into(),
            }],
            asked_from: None,
        },
    ];
    let read = merged(&asked, parts).unwrap();
    let got: Vec<_> = read
        .presences
        .iter()
        .map(|p| (p.id.as_str(), p.sequence_number.as_deref().unwrap()))
        .collect();
    assert_eq!(got, [("id-0", "A2"), ("id-1", "A9"), ("id-3", "A5")]);
    assert_eq!(read.missing, [UserId::new("id-2")]);
    assert_eq!(read.bad.len(), 1);
}

#[test]
fn answers_in_the_order_asked_are_placed_and_a_gap_does_not_shift_anyone() {
    let asked = ids(6);
    // Two batches of three, answered out of turn; the second leaves id-4 out, so id-5 sits where
    // id-4 was asked.
    let parts = vec![
        Part::Read {
            presences: vec![presence("id-3", "1"), presence("id-5", "1")],
            bad: vec![],
            asked_from: Some(3),
        },
        Part::Read {
            presences: vec![
                presence("id-0", "1"),
                presence("id-1", "1"),
                presence("id-2", "1"),
            ],
            bad: vec![],
            asked_from: Some(0),
        },
    ];
    let read = merged(&asked, parts).unwrap();
    let got: Vec<_> = read.presences.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(got, ["id-0", "id-1", "id-2", "id-3", "id-5"]);
    assert_eq!(read.missing, [UserId::new("id-4")]);
}

#[test]
fn a_failed_batch_costs_only_its_people_unless_all_fail() {
    let asked = ids(3);
    let parts = vec![
        Part::Read {
            presences: vec![presence("id-0", "1")],
            bad: vec![],
            asked_from: Some(0),
        },
        Part::Failed(
            vec![UserId::new("id-1"), UserId::new("id-2")],
            GraphError::Timeout,
        ),
    ];
    let read = merged(&asked, parts).unwrap();
    assert_eq!(read.failed.len(), 2);
    assert!(read.missing.is_empty());
    assert_eq!(read.partial_error, Some(GraphError::Timeout));

    let all_failed = vec![Part::Failed(asked.clone(), GraphError::Timeout)];
    assert_eq!(merged(&asked, all_failed), Err(GraphError::Timeout));
}

#[test]
fn not_offered_is_read_from_status_and_code() {
    let http = |status, code: Option<&str>| GraphError::Http {
        status,
        code: code.map(str::to_owned),
        message: Some("Resource not found for the segment".into()),
        request_id: None,
    };
    assert!(batch_not_offered(&http(404, None)));
    assert!(batch_not_offered(&http(400, Some("BadRequest"))));
    assert!(!batch_not_offered(&http(
        400,
        Some("InvalidRequest_TooManyIds")
    )));
    assert!(!batch_not_offered(&http(400, None)));
    assert!(!batch_not_offered(&http(500, None)));
    assert!(!batch_not_offered(&GraphError::Timeout));
}

#[test]
fn duplicates_are_asked_once() {
    let query = PresenceQuery::new([UserId::new("a"), UserId::new("b"), UserId::new("a")].iter());
    assert_eq!(query.ids(), [UserId::new("a"), UserId::new("b")]);
}

#[test]
fn the_request_body_is_what_serde_json_writes() {
    for ids in [
        vec![],
        vec![UserId::new("a")],
        vec![
            UserId::new("6e0f3c3e-0000-4000-8000-000000000001"),
            UserId::new("quote\"back\\slash"),
            UserId::new("tab\tand\u{1}control"),
            UserId::new("adèle@contoso.com\u{2028}"),
        ],
    ] {
        let expected = serde_json::to_vec(&serde_json::json!({ "ids": ids })).unwrap();
        assert_eq!(
            String::from_utf8(ids_body(&ids, Vec::new())).unwrap(),
            String::from_utf8(expected).unwrap()
        );
    }
}

#[test]
fn a_body_written_before_is_written_over() {
    let before = ids_body(&ids(650), Vec::new());
    let capacity = before.capacity();
    let again = ids_body(&[UserId::new("a")], before);
    assert_eq!(again, br#"{"ids":["a"]}"#);
    assert_eq!(again.capacity(), capacity, "the same buffer, not a new one");
}

#[test]
fn a_request_body_is_kept_only_once_nothing_else_holds_it() {
    let spare = Spare::default();
    let body = Bytes::from(ids_body(&ids(3), Vec::new()));
    let held = body.clone();
    spare.bodies.recycle(body);
    assert!(
        spare.bodies.take().capacity() == 0,
        "still held elsewhere: not kept"
    );
    spare.bodies.recycle(held);
    assert!(spare.bodies.take().capacity() > 0);
}

#[test]
fn a_merged_list_of_answers_is_handed_back_empty() {
    let spare = Spare::default();
    let asked = ids(1);
    let mut merge = Merge::new(&asked);
    let mut presences = Vec::with_capacity(650);
    presences.push(presence("id-0", "1"));
    merge.add(
        Part::Read {
            presences,
            bad: vec![],
            asked_from: Some(0),
        },
        &spare,
    );
    let again = spare.answers.take();
    assert!(again.is_empty() && again.capacity() >= 650);
    let mut read = PresenceRead::default();
    merge.finish(&mut read).unwrap();
    assert_eq!(read.presences.len(), 1);
}
