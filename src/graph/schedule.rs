//! Free/busy: `POST /me/calendar/getSchedule` (app-only: `/users/{id}/calendar/getSchedule`), at
//! most 20 schedules a request. Each schedule in the answer is read on its own: one that cannot be
//! read, or that carries an `error` (a calendar not shared, an unknown address), leaves the others
//! intact. Calendar reads wait at their own Retry-After gate (`Lane::Calendar`), so a throttled
//! schedule read never holds up presence.

mod wire;

use bytes::Bytes;
use http::Method;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Value, json};

use crate::graph::client::{Calls, GraphClient, Lane, decode};
use crate::graph::error::GraphError;
use crate::graph::model::UserId;
use crate::graph::origin::segment;

pub use wire::{parse_answer, parse_view};

/// Graph's documented limit of schedules per request (users, or members of a list).
pub const MAX_SCHEDULES: usize = 20;
/// Minutes per availability-view slot asked for.
pub const SLOT_MINS: i64 = 15;

/// One slot of an availability view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Slot {
    Free,
    /// Working elsewhere: free for a call, away from the usual place.
    WorkingElsewhere,
    Tentative,
    Busy,
    OutOfOffice,
    /// A character Graph did not document, or a slot past the end of the view.
    Unknown,
}

impl Slot {
    /// Someone can be reached in this slot: free or working elsewhere.
    pub fn is_free(self) -> bool {
        matches!(self, Self::Free | Self::WorkingElsewhere)
    }
}

/// When and where someone works, as their mailbox settings say.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkingHours {
    /// Bit n set: weekday n works (0 = Sunday).
    pub days: u8,
    /// Seconds after local midnight; an end at or before the start runs past midnight.
    pub start_secs: u32,
    pub end_secs: u32,
    /// `None` when the zone could not be understood (then working hours say nothing).
    pub zone: Option<TimeZone>,
    /// The zone's name as Graph sent it (untrusted: sanitize to show).
    pub zone_name: String,
}

/// Why a schedule came back without free/busy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unavailable {
    /// The calendar is not shared with you (or the permission was refused).
    NotShared,
    /// No such mailbox.
    NotFound,
    /// Anything else, with Graph's message (untrusted).
    Other(String),
}

/// One person's schedule for the window asked.
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    /// The address asked for, as Graph echoes it.
    pub schedule_id: String,
    /// One slot per `SLOT_MINS` from the window's start.
    pub slots: Vec<Slot>,
    pub working_hours: Option<WorkingHours>,
}

/// What Graph said for one address.
pub type ScheduleAnswer = Result<Schedule, Unavailable>;

/// The window one read covers: whole slots from `start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl GraphClient {
    /// One `getSchedule` request for at most `MAX_SCHEDULES` addresses (more is a bug of the caller:
    /// the rest are left out). `app_user`: in app-only mode, the user whose calendar path is used.
    /// Answers come back paired with the address asked, in the order asked; an address Graph left
    /// out is absent. A 403 for the whole request means no calendar is shared: every address gets
    /// `NotShared`.
    pub async fn schedules(
        &self,
        addresses: &[String],
        window: Window,
        app_user: Option<&UserId>,
    ) -> Result<Vec<(String, ScheduleAnswer)>, GraphError> {
        self.check_fresh_in(Lane::Calendar)?;
        let asked = &addresses[..addresses.len().min(MAX_SCHEDULES)];
        if asked.is_empty() {
            return Ok(Vec::new());
        }
        let path = match app_user {
            Some(id) => format!("/users/{}/calendar/getSchedule", segment(id.as_str())),
            None => "/me/calendar/getSchedule".to_owned(),
        };
        let body = json!({
            "schedules": asked,
            "startTime": {"dateTime": civil_utc(window.start), "timeZone": "UTC"},
            "endTime": {"dateTime": civil_utc(window.end), "timeZone": "UTC"},
            "availabilityViewInterval": SLOT_MINS,
        });
        let url = self.inner.base.join(&path);
        let sent = self
            .send_in(
                Lane::Calendar,
                Method::POST,
                &url,
                Some(Bytes::from(body.to_string())),
                &Calls::default(),
            )
            .await;
        let response = match sent {
            Ok(r) => r,
            Err(e) if e.status() == Some(403) => {
                return Ok(asked
                    .iter()
                    .map(|a| (a.clone(), Err(Unavailable::NotShared)))
                    .collect());
            }
            Err(e) => return Err(e),
        };
        let answer: Value = decode(response.body())?;
        parse_answer(&answer, asked, window).ok_or_else(|| {
            GraphError::Malformed("a schedule answer without its `value` list".into())
        })
    }
}

/// A timestamp as Graph's zone-less `dateTime` in UTC.
fn civil_utc(at: Timestamp) -> String {
    at.to_zoned(TimeZone::UTC)
        .strftime("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

#[cfg(test)]
mod tests;
