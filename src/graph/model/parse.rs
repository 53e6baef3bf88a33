//! Presence answers parsed element by element: one bad element costs only that person.

use serde::Deserialize;

use super::id::UserId;
use super::presence::Presence;
use crate::graph::elements::{self, Element, Split};

/// One element of a batch answer that could not be parsed: that person keeps their last known state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadElement {
    pub index: usize,
    /// The element's id when it had a readable one.
    pub id: Option<UserId>,
    pub reason: String,
}

/// A `{"value":[...]}` body parsed element by element.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PresenceList {
    pub presences: Vec<Presence>,
    pub bad: Vec<BadElement>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("the answer is not JSON: {0}")]
    NotJson(String),
    #[error("the answer has no \"value\" list and is not a presence")]
    UnexpectedShape,
}

/// Parses a `getPresencesByUserId` (or `communications/presences`) body. The `value` list is split
/// into elements without needing them to be valid JSON, and every element is parsed on its own, its
/// bytes decoded lossily: a broken escape, a lone surrogate, bad UTF-8 or absurd nesting in one element
/// costs only that person. A bare presence object (the single-read shape) is accepted too.
pub fn parse_presence_list(body: &[u8]) -> Result<PresenceList, ParseError> {
    // The usual answer, well-formed: one typed pass with no `Value` tree (at 10,000 people the tree
    // was most of a poll's CPU). Anything off falls through to the element-by-element path below.
    #[derive(Deserialize)]
    struct List {
        value: Vec<Presence>,
    }
    // UTF-8 checked once for the whole body (word at a time), not string by string as `from_slice` does.
    if let Ok(List { value }) = std::str::from_utf8(body)
        .map_err(|_| ())
        .and_then(|text| serde_json::from_str::<List>(text).map_err(|_| ()))
    {
        return Ok(PresenceList {
            presences: value,
            bad: Vec::new(),
        });
    }
    match elements::value_list(body) {
        Ok(Split::List(items)) => {
            let mut out = PresenceList::default();
            for (index, element) in items.into_iter().enumerate() {
                match parse_element(element) {
                    Ok(p) => out.presences.push(p),
                    Err(bad) => out.bad.push(bad.at(index)),
                }
            }
            Ok(out)
        }
        Ok(Split::NoValue) => {
            let text = String::from_utf8_lossy(body);
            serde_json::from_str::<Presence>(&text)
                .map(|presence| PresenceList {
                    presences: vec![presence],
                    bad: Vec::new(),
                })
                .map_err(|_| not_json_or_shape(&text))
        }
        Ok(Split::NotAList) => Err(ParseError::UnexpectedShape),
        Err(_) => Err(not_json_or_shape(&String::from_utf8_lossy(body))),
    }
}

/// Why a body without a usable `value` list was refused: not JSON at all, or JSON of another shape.
fn not_json_or_shape(text: &str) -> ParseError {
    match serde_json::from_str::<serde::de::IgnoredAny>(text) {
        Ok(_) => ParseError::UnexpectedShape,
        Err(e) => ParseError::NotJson(e.to_string()),
    }
}

/// One element of a list, parsed on its own (lossily decoded). `Err` carries the element's id when
/// it has a plain one (`index` is filled in by the caller).
pub fn parse_element(element: Element<'_>) -> Result<Presence, BadElement> {
    let failed = |reason: String| BadElement {
        index: 0,
        id: elements::plain_string_member(element.bytes, b"id")
            .map(|id| UserId::new(String::from_utf8_lossy(id))),
        reason,
    };
    if element.too_deep {
        return Err(failed(format!(
            "nested deeper than {} levels",
            elements::MAX_DEPTH
        )));
    }
    serde_json::from_str(&String::from_utf8_lossy(element.bytes)).map_err(|e| failed(e.to_string()))
}

impl BadElement {
    /// The same, at position `index` of its list.
    #[must_use]
    pub fn at(self, index: usize) -> Self {
        Self { index, ..self }
    }
}

/// Parses a single-presence body (`/me/presence`, `/users/{id}/presence`), or the
/// `{"value":[one]}` shape that `/communications/presences/{id}`'s documentation shows.
pub fn parse_single_presence(body: &[u8]) -> Result<Presence, ParseError> {
    let mut list = parse_presence_list(body)?;
    if list.presences.len() == 1 {
        Ok(list.presences.swap_remove(0))
    } else {
        Err(ParseError::UnexpectedShape)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::*;

    const ME: &str = include_str!("../../../tests/fixtures/seed-me-presence.json");
    const USER: &str = include_str!("../../../tests/fixtures/seed-user-presence.json");
    const COMMS: &str = include_str!("../../../tests/fixtures/seed-communications-presences.json");

    #[test]
    fn seed_fixtures_parse_as_they_are() {
        let me = parse_single_presence(ME.as_bytes()).unwrap();
        assert_eq!(me.id.as_str(), "fa8bf3dc-eca7-46b7-bad1-db199b62afc3");
        assert_eq!(me.availability.kind(), AvailabilityKind::Available);
        let loc = me.work_location.unwrap();
        assert_eq!(loc.work_location_type.kind(), WorkLocationKind::Office);
        assert_eq!(loc.source.kind(), LocationSourceKind::Automatic);
        assert_eq!(
            loc.place_id.as_deref(),
            Some("eb706f15-137e-4722-b4d1-b601481d9251")
        );

        let user = parse_single_presence(USER.as_bytes()).unwrap();
        assert_eq!(user.availability.kind(), AvailabilityKind::DoNotDisturb);
        assert_eq!(user.activity.kind(), ActivityKind::Presenting);
        assert_eq!(user.availability.status(), Status::DoNotDisturb);
        assert!(user.work_location.is_none());

        let comms = parse_single_presence(COMMS.as_bytes()).unwrap();
        assert_eq!(comms.availability.status(), Status::Away);
        assert_eq!(comms.activity.kind(), ActivityKind::BeRightBack);
        assert_eq!(comms.sequence_number.as_deref(), Some("A0129311063"));
    }

    #[test]
    fn one_bad_element_costs_only_that_person() {
        let body = br#"{"@odata.context":"x","value":[
            {"id":"a","availability":"Busy","activity":"InACall","extra":{"deep":[1,2]}},
            {"id":"b","availability":42,"activity":"Away"},
            {"availability":"Away"},
            {"id":"c","availability":"Teleporting","activity":"Beaming","workLocation":{"workLocationType":"moon","source":"psychic","placeId":null}}
        ]}"#;
        let list = parse_presence_list(body).unwrap();
        let ids: Vec<_> = list.presences.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        assert_eq!(list.bad.len(), 2);
        assert_eq!(list.bad[0].id, Some(UserId::new("b")));
        assert_eq!(list.bad[1].id, None);
        let c = &list.presences[1];
        assert_eq!(c.availability.raw(), "Teleporting");
        assert_eq!(
            c.work_location.as_ref().unwrap().work_location_type.kind(),
            WorkLocationKind::Other
        );
    }

    #[test]
    fn bad_utf8_is_decoded_lossily() {
        let mut body = br#"{"value":[{"id":"a","availability":"Busy","activity":"Busy","statusMessage":{"message":{"content":"caf"#.to_vec();
        body.extend_from_slice(&[0xff, 0xfe]);
        body.extend_from_slice(br#"","contentType":"text"}}}]}"#);
        let list = parse_presence_list(&body).unwrap();
        let msg = list.presences[0]
            .status_message
            .as_ref()
            .unwrap()
            .message
            .as_ref()
            .unwrap();
        assert!(msg.content.as_deref().unwrap().starts_with("caf"));
    }

    /// `n` nested brackets, as one element's value.
    fn nested(n: usize) -> String {
        format!("{}{}", "[".repeat(n), "]".repeat(n))
    }

    #[test]
    fn one_elements_bytes_never_cost_another_person_their_presence() {
        let good = |id: &str| format!(r#"{{"id":"{id}","availability":"Busy","activity":"Busy"}}"#);
        // An invalid escape in one element.
        let body = format!(
            r#"{{"value":[{},{{"id":"q","availability":"Bu\qsy"}},{}]}}"#,
            good("a"),
            good("b")
        );
        // A lone surrogate in one element and invalid UTF-8 in another, in the same answer.
        let mut mixed = format!(
            r#"{{"value":[{},{{"id":"s","availability":"\ud800","activity":"Busy"}},{{"id":"u","availability":"Away","activity":"Away","statusMessage":{{"message":{{"content":"caf"#,
            good("a")
        )
        .into_bytes();
        mixed.extend_from_slice(&[0xff, 0xfe]);
        mixed.extend_from_slice(
            format!(r#"","contentType":"text"}}}}}},{}]}}"#, good("b")).as_bytes(),
        );
        // 100,000 nested brackets in one element, beside an invalid escape in another.
        let deep = format!(
            r#"{{"value":[{},{{"id":"d","x":{}}},{{"id":"q","activity":"\q"}},{}]}}"#,
            good("a"),
            nested(100_000),
            good("b")
        );
        for (what, body, bad_ids, want) in [
            (
                "invalid escape",
                body.into_bytes(),
                vec!["q"],
                vec!["a", "b"],
            ),
            (
                "surrogate and bad UTF-8",
                mixed,
                vec!["s"],
                vec!["a", "u", "b"],
            ),
            (
                "deep nesting",
                deep.into_bytes(),
                vec!["d", "q"],
                vec!["a", "b"],
            ),
        ] {
            let list = parse_presence_list(&body).unwrap_or_else(|e| panic!("{what}: {e}"));
            let ids: Vec<_> = list.presences.iter().map(|p| p.id.as_str()).collect();
            assert_eq!(ids, want, "{what}");
            let bad: Vec<_> = list
                .bad
                .iter()
                .map(|b| b.id.as_ref().unwrap().as_str())
                .collect();
            assert_eq!(bad, bad_ids, "{what}");
        }
    }

    #[test]
    fn not_json_and_wrong_shapes_are_errors() {
        assert!(matches!(
            parse_presence_list(b"<html>oops</html>"),
            Err(ParseError::NotJson(_))
        ));
        assert!(matches!(
            parse_presence_list(b""),
            Err(ParseError::NotJson(_))
        ));
        assert_eq!(
            parse_presence_list(b"[1,2]"),
            Err(ParseError::UnexpectedShape)
        );
        assert_eq!(
            parse_presence_list(br#"{"value":3}"#),
            Err(ParseError::UnexpectedShape)
        );
    }

    #[test]
    fn status_message_with_expiry_and_null_ooo_parses() {
        let body = br#"{"id":"x","availability":"Away","activity":"Away",
          "outOfOfficeSettings":{"message":"<p>Back &amp; ready</p>","isOutOfOffice":true},
          "statusMessage":{"message":{"content":"Lunch","contentType":"text"},
            "expiryDateTime":{"dateTime":"9999-12-31T23:59:59.9999999","timeZone":"UTC"},
            "publishedDateTime":"2024-01-01T10:00:00Z"}}"#;
        let p = parse_single_presence(body).unwrap();
        assert!(p.is_out_of_office());
        let sm = p.status_message.unwrap();
        assert_eq!(
            sm.expiry_date_time.unwrap().time_zone.as_deref(),
            Some("UTC")
        );
        let null_ooo = parse_single_presence(
            br#"{"id":"y","outOfOfficeSettings":{"isOutOfOffice":null,"message":null}}"#,
        )
        .unwrap();
        assert!(!null_ooo.is_out_of_office());
        assert_eq!(
            null_ooo.availability.kind(),
            AvailabilityKind::PresenceUnknown
        );
    }

    #[test]
    fn older_sequence_numbers_never_replace_newer_ones() {
        let mut old = Presence::unknown(UserId::new("a"));
        old.sequence_number = Some("A9".into());
        let mut new = old.clone();
        new.sequence_number = Some("A10".into());
        assert!(new.supersedes(&old));
        assert!(!old.supersedes(&new));
        assert!(old.supersedes(&old.clone()));
    }

    #[test]
    fn serializes_back_with_graph_names_and_raw_values() {
        let p = parse_single_presence(
            br#"{"id":"x","availability":"busy","activity":"inACall","sequenceNumber":"7"}"#,
        )
        .unwrap();
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["availability"], "busy");
        assert_eq!(v["activity"], "inACall");
        assert_eq!(v["sequenceNumber"], "7");
        assert!(v.get("workLocation").is_none());
    }
}
