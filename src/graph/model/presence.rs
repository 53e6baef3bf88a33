//! Graph's `presence` object and its parts, as sent; unknown properties are ignored.

use std::cmp::Ordering;

use serde::{Deserialize, Deserializer, Serialize};

use super::id::UserId;
use super::kinds::{
    Activity, ActivityKind, Availability, AvailabilityKind, LocationSource, LocationSourceKind,
    WorkLocationKind, WorkLocationType,
};

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
