//! Presence and user types as Graph sends them: open enums, optional parts, raw strings kept verbatim.
//!
//! Everything here is *untrusted*: strings are stored exactly as they arrived so `status --json` can
//! write them back losslessly. Anything shown on a terminal goes through `crate::text::SafeText` first.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::graph::elements::{self, Element, Split};

/// A directory object id (a GUID for real tenants). Everything is keyed by it. Shared, not copied:
/// the roster, the board's people, its index and the cache all hold the same id (10,000 of them).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(Arc<str>);

impl UserId {
    pub fn new(id: impl Into<Arc<str>>) -> Self {
        Self(id.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The hasher for maps and sets of ids: 10,000 ids are hashed several times a poll, and `SipHash`
/// was a visible part of a poll's CPU. foldhash is seeded per process.
pub type IdHasher = foldhash::fast::RandomState;
/// A map keyed by id (see `IdHasher`).
pub type IdMap<V> = std::collections::HashMap<UserId, V, IdHasher>;

impl Serialize for UserId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for UserId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Read in place, so the only allocation is the shared one.
        with_str(d, |raw| Self(Arc::from(raw)))
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The known values of an open enum: matched case-insensitively, anything else is kept verbatim.
pub trait Known: Sized + Copy + Eq + 'static {
    const ALL: &'static [(Self, &'static str)];
    const UNKNOWN: Self;
}

/// A value from an open set: the known kind (or `UNKNOWN`) plus the exact string Graph sent.
#[derive(Clone, PartialEq, Eq)]
pub struct Open<K> {
    kind: K,
    /// The string as sent, kept only when it is not the known name spelled exactly (almost never):
    /// a board of 10,000 people would otherwise hold 40,000 copies of "Available" and friends.
    spelled: Option<Box<str>>,
}

impl<K: Known> Open<K> {
    pub fn parse(raw: &str) -> Self {
        // Graph spells them as documented nearly always: an exact match first, then any case.
        let kind = K::ALL
            .iter()
            .find(|(_, name)| *name == raw)
            .or_else(|| {
                K::ALL
                    .iter()
                    .find(|(_, name)| name.eq_ignore_ascii_case(raw))
            })
            .map_or(K::UNKNOWN, |(k, _)| *k);
        let spelled = (Self::name_of(kind) != Some(raw)).then(|| raw.into());
        Self { kind, spelled }
    }
    pub fn known(kind: K) -> Self {
        Self {
            kind,
            spelled: Self::name_of(kind).is_none().then(Box::default),
        }
    }
    fn name_of(kind: K) -> Option<&'static str> {
        K::ALL
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, name)| *name)
    }
    pub fn kind(&self) -> K {
        self.kind
    }
    /// The string exactly as Graph sent it (untrusted).
    pub fn raw(&self) -> &str {
        match &self.spelled {
            Some(raw) => raw,
            None => Self::name_of(self.kind).unwrap_or_default(),
        }
    }
    /// True when the value is not one of the known names.
    pub fn is_unrecognised(&self) -> bool {
        self.kind == K::UNKNOWN
    }
}

impl<K: Known + fmt::Debug> fmt::Debug for Open<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}({:?})", self.kind, self.raw())
    }
}

impl<K: Known> Serialize for Open<K> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.raw())
    }
}

impl<'de, K: Known> Deserialize<'de> for Open<K> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Read in place: the known spelling costs no allocation at all.
        with_str(d, Self::parse)
    }
}

/// Hands a JSON string to `f` without copying it first (serde's `Cow<str>` always copies).
fn with_str<'de, D: Deserializer<'de>, T>(d: D, f: impl FnOnce(&str) -> T) -> Result<T, D::Error> {
    struct Visit<F>(F);
    impl<T, F: FnOnce(&str) -> T> serde::de::Visitor<'_> for Visit<F> {
        type Value = T;
        fn expecting(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
            out.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            Ok((self.0)(v))
        }
    }
    d.deserialize_str(Visit(f))
}

macro_rules! known_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),* $(,)? } unknown = $unknown:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant,)* $unknown }
        impl Known for $name {
            const ALL: &'static [(Self, &'static str)] = &[$((Self::$variant, $text)),*];
            const UNKNOWN: Self = Self::$unknown;
        }
    };
}

known_enum! {
    /// The documented availability values, old `PascalCase` and newer `camelCase` alike (matched case-insensitively).
    AvailabilityKind {
        Available = "Available",
        AvailableIdle = "AvailableIdle",
        Away = "Away",
        BeRightBack = "BeRightBack",
        Busy = "Busy",
        BusyIdle = "BusyIdle",
        DoNotDisturb = "DoNotDisturb",
        Offline = "Offline",
        PresenceUnknown = "PresenceUnknown",
        Focusing = "Focusing",
        InACall = "InACall",
        InAMeeting = "InAMeeting",
        Presenting = "Presenting",
    } unknown = Other
}

known_enum! {
    ActivityKind {
        Available = "Available",
        Away = "Away",
        BeRightBack = "BeRightBack",
        Busy = "Busy",
        DoNotDisturb = "DoNotDisturb",
        InACall = "InACall",
        InAConferenceCall = "InAConferenceCall",
        Inactive = "Inactive",
        InAMeeting = "InAMeeting",
        Offline = "Offline",
        OffWork = "OffWork",
        OutOfOffice = "OutOfOffice",
        PresenceUnknown = "PresenceUnknown",
        Presenting = "Presenting",
        UrgentInterruptionsOnly = "UrgentInterruptionsOnly",
        Focusing = "Focusing",
    } unknown = Other
}

known_enum! {
    WorkLocationKind {
        Unspecified = "unspecified",
        Office = "office",
        Remote = "remote",
        TimeOff = "timeOff",
        UnknownFutureValue = "unknownFutureValue",
    } unknown = Other
}

known_enum! {
    LocationSourceKind {
        None = "none",
        Manual = "manual",
        Scheduled = "scheduled",
        Automatic = "automatic",
        UnknownFutureValue = "unknownFutureValue",
    } unknown = Other
}

pub type Availability = Open<AvailabilityKind>;
pub type Activity = Open<ActivityKind>;
pub type WorkLocationType = Open<WorkLocationKind>;
pub type LocationSource = Open<LocationSourceKind>;

/// Teams' grouping of availability for colour, symbol, counts and sorting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Available,
    Busy,
    DoNotDisturb,
    Away,
    Offline,
    Unknown,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Available,
        Status::Busy,
        Status::DoNotDisturb,
        Status::Away,
        Status::Offline,
        Status::Unknown,
    ];
}

impl Availability {
    /// How Teams draws this availability (colour and symbol follow it).
    pub fn status(&self) -> Status {
        use AvailabilityKind as A;
        match self.kind() {
            A::Available | A::AvailableIdle => Status::Available,
            A::Busy | A::BusyIdle | A::InACall | A::InAMeeting => Status::Busy,
            A::DoNotDisturb | A::Presenting | A::Focusing => Status::DoNotDisturb,
            A::Away | A::BeRightBack => Status::Away,
            A::Offline => Status::Offline,
            A::PresenceUnknown | A::Other => Status::Unknown,
        }
    }
}

/// `outOfOfficeSettings`: the message may be HTML (Outlook auto-replies).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutOfOfficeSettings {
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_out_of_office: bool,
    #[serde(default)]
    pub message: Option<String>,
}

/// `dateTimeTimeZone`: a local date-time plus a Windows zone name or "UTC".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DateTimeTimeZone {
    pub date_time: String,
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// `itemBody`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemBody {
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub content_type: Option<String>,
}

/// `presenceStatusMessage`: expiry and published time are omitted when reading another user.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusMessage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<ItemBody>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_date_time: Option<DateTimeTimeZone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_date_time: Option<String>,
}

/// `workLocation`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkLocation {
    #[serde(default = "unspecified")]
    pub work_location_type: WorkLocationType,
    #[serde(default = "source_none")]
    pub source: LocationSource,
    #[serde(default)]
    pub place_id: Option<String>,
}

fn unspecified() -> WorkLocationType {
    WorkLocationType::known(WorkLocationKind::Unspecified)
}
fn source_none() -> LocationSource {
    LocationSource::known(LocationSourceKind::None)
}

/// Graph's `presence` object. Unknown properties and `@odata.*` annotations are ignored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Presence {
    pub id: UserId,
    #[serde(default = "presence_unknown")]
    pub availability: Availability,
    #[serde(default = "activity_unknown")]
    pub activity: Activity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_of_office_settings: Option<OutOfOfficeSettings>,
    /// Boxed: most people have none, and 10,000 presences are held at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<Box<StatusMessage>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_location: Option<WorkLocation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<String>,
}

fn presence_unknown() -> Availability {
    Availability::known(AvailabilityKind::PresenceUnknown)
}
fn activity_unknown() -> Activity {
    Activity::known(ActivityKind::PresenceUnknown)
}

fn null_as_default<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(
    d: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

impl Presence {
    /// What `status --json` shows for a teammate Graph returned no presence for.
    pub fn unknown(id: UserId) -> Self {
        Self {
            id,
            availability: presence_unknown(),
            activity: activity_unknown(),
            out_of_office_settings: None,
            status_message: None,
            work_location: None,
            sequence_number: None,
        }
    }

    pub fn is_out_of_office(&self) -> bool {
        self.out_of_office_settings
            .as_ref()
            .is_some_and(|o| o.is_out_of_office)
    }

    /// Whether `self` (an update) may replace `held`: an older sequence number never replaces a newer one.
    /// Sequence numbers compare as strings; a missing one never blocks an update.
    pub fn supersedes(&self, held: &Presence) -> bool {
        match (&self.sequence_number, &held.sequence_number) {
            (Some(new), Some(old)) => compare_sequence(new, old) != Ordering::Less,
            _ => true,
        }
    }
}

/// Sequence numbers are opaque strings that grow; compare by length first so "A10" > "A9".
pub fn compare_sequence(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// A user as `/users/{id}?$select=id,displayName,userPrincipalName,mail,jobTitle,department` answers.
/// `jobTitle` and `department` need User.Read.All and may be missing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: UserId,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub user_principal_name: Option<String>,
    #[serde(default)]
    pub mail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
}

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

    const ME: &str = include_str!("../../tests/fixtures/seed-me-presence.json");
    const USER: &str = include_str!("../../tests/fixtures/seed-user-presence.json");
    const COMMS: &str = include_str!("../../tests/fixtures/seed-communications-presences.json");

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
    fn open_enums_match_case_insensitively_and_keep_the_raw_text() {
        let a = Availability::parse("inAMeeting");
        assert_eq!(a.kind(), AvailabilityKind::InAMeeting);
        assert_eq!(a.raw(), "inAMeeting");
        assert_eq!(a.status(), Status::Busy);
        let odd = Availability::parse("Sleeping");
        assert_eq!(odd.kind(), AvailabilityKind::Other);
        assert_eq!(odd.raw(), "Sleeping");
        assert_eq!(odd.status(), Status::Unknown);
        assert_eq!(
            WorkLocationType::parse("TIMEOFF").kind(),
            WorkLocationKind::TimeOff
        );
    }

    #[test]
    fn every_documented_value_is_known() {
        for v in [
            "Available",
            "AvailableIdle",
            "Away",
            "BeRightBack",
            "Busy",
            "BusyIdle",
            "DoNotDisturb",
            "Offline",
            "PresenceUnknown",
            "focusing",
            "inACall",
            "inAMeeting",
            "presenting",
        ] {
            assert_ne!(
                Availability::parse(v).kind(),
                AvailabilityKind::Other,
                "{v}"
            );
        }
        for v in [
            "Available",
            "Away",
            "BeRightBack",
            "Busy",
            "DoNotDisturb",
            "InACall",
            "InAConferenceCall",
            "Inactive",
            "InAMeeting",
            "Offline",
            "OffWork",
            "OutOfOffice",
            "PresenceUnknown",
            "Presenting",
            "UrgentInterruptionsOnly",
        ] {
            assert_ne!(Activity::parse(v).kind(), ActivityKind::Other, "{v}");
        }
        for v in [
            "none",
            "manual",
            "scheduled",
            "automatic",
            "unknownFutureValue",
        ] {
            assert_ne!(
                LocationSource::parse(v).kind(),
                LocationSourceKind::Other,
                "{v}"
            );
        }
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
