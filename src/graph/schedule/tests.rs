use serde_json::{Value, json};

use super::*;

const TWO_USERS: &str = include_str!("../../../tests/fixtures/getschedule-two-users.json");
const ONE_USER: &str = include_str!("../../../tests/fixtures/getschedule-one-user.json");

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn window(start: &str, hours: i64) -> Window {
    let start = ts(start);
    Window {
        start,
        end: start + jiff::SignedDuration::from_hours(hours),
    }
}

#[test]
fn the_view_reads_every_documented_digit_and_marks_the_rest_unknown() {
    use Slot::*;
    assert_eq!(
        parse_view("01234x9 \u{1b}"),
        [
            Free,
            Tentative,
            Busy,
            OutOfOffice,
            WorkingElsewhere,
            Unknown,
            Unknown,
            Unknown,
            Unknown
        ]
    );
    assert!(WorkingElsewhere.is_free() && Free.is_free());
    assert!(!Tentative.is_free() && !Unknown.is_free());
    assert_eq!(parse_view(&"2".repeat(1_000_000)).len(), 62 * 24 * 12);
}

#[test]
fn the_api_pages_example_reads_both_people_and_both_zone_kinds() {
    let answer: Value = serde_json::from_str(TWO_USERS).unwrap();
    let asked = [
        "AdeleV@contoso.onmicrosoft.com".to_owned(),
        "meganb@contoso.onmicrosoft.com".to_owned(),
    ];
    // 09:00 PDT on 2019-03-15 is 16:00 UTC.
    let read = parse_answer(&answer, &asked, window("2019-03-15T16:00:00Z", 9)).unwrap();
    assert_eq!(read.len(), 2);
    assert_eq!(read[0].0, asked[0], "matched case-insensitively");
    let adele = read[0].1.as_ref().unwrap();
    assert_eq!(adele.slots, parse_view("000220000"));
    let hours = adele.working_hours.as_ref().unwrap();
    assert_eq!(hours.days, 0b0011_1110, "Monday to Friday");
    assert_eq!((hours.start_secs, hours.end_secs), (8 * 3600, 17 * 3600));
    assert_eq!(hours.zone_name, "Pacific Standard Time");
    let la = TimeZone::get("America/Los_Angeles").unwrap();
    let at = ts("2019-03-15T16:00:00Z");
    assert_eq!(hours.zone.as_ref().unwrap().to_offset(at), la.to_offset(at));
    let megan = read[1].1.as_ref().unwrap();
    let custom = megan.working_hours.as_ref().unwrap();
    assert_eq!(custom.zone_name, "Customized Time Zone");
    assert_eq!(
        custom.zone.as_ref().unwrap().to_offset(at),
        la.to_offset(at),
        "the documented custom zone is Pacific daylight time in March"
    );
}

#[test]
fn the_concept_pages_example_reads_with_capitalised_statuses() {
    let answer: Value = serde_json::from_str(ONE_USER).unwrap();
    let asked = ["AlexW@contoso.com".to_owned()];
    let w = window("2018-08-06T16:00:00Z", 9);
    let read = parse_answer(&answer, &asked, w).unwrap();
    let alex = read[0].1.as_ref().unwrap();
    assert_eq!(alex.slots.len(), 36);
    assert_eq!(&alex.slots[..8], &parse_view("11111100")[..]);
    // The same answer without its view: the items give the same picture.
    let mut stripped = answer.clone();
    stripped["value"][0]["availabilityView"] = json!("");
    let read = parse_answer(&stripped, &asked, w).unwrap();
    let from_items = &read[0].1.as_ref().unwrap().slots;
    assert_eq!(from_items, &alex.slots, "items and view agree");
}

#[test]
fn errors_per_schedule_and_broken_elements_leave_the_others() {
    let answer = json!({"value": [
        {"scheduleId": "a@x", "availabilityView": "",
         "error": {"message": "no access", "responseCode": "ErrorNoFreeBusyAccess"}},
        {"scheduleId": "b@x", "error": {"message": "who?", "responseCode": "ErrorMailRecipientNotFound"}},
        "not an object",
        {"scheduleId": "c@x", "error": {"message": "m\u{1b}]0;x", "responseCode": "ErrorProxyRequestProcessingFailed"}},
        {"scheduleId": "d@x", "availabilityView": "0", "workingHours": {"daysOfWeek": "monday"}},
        {"scheduleId": "stranger@x", "availabilityView": "2"},
    ]});
    let asked: Vec<String> = ["a@x", "b@x", "c@x", "d@x"].map(String::from).to_vec();
    let read = parse_answer(&answer, &asked, window("2024-01-01T00:00:00Z", 1)).unwrap();
    assert_eq!(read.len(), 4, "{read:?}");
    assert_eq!(read[0].1, Err(Unavailable::NotShared));
    assert_eq!(read[1].1, Err(Unavailable::NotFound));
    assert!(matches!(&read[2].1, Err(Unavailable::Other(m)) if m.starts_with('m')));
    let d = read[3].1.as_ref().unwrap();
    assert_eq!(d.slots, [Slot::Free]);
    assert_eq!(
        d.working_hours, None,
        "unreadable working hours say nothing"
    );
    assert!(
        parse_answer(
            &json!({"error": {}}),
            &asked,
            window("2024-01-01T00:00:00Z", 1)
        )
        .is_none()
    );
}
