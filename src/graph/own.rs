//! Writing your own presence (delegated Presence.ReadWrite): the five actions Graph documents under
//! `/users/{id}/presence/`, with your own id, and their request bodies exactly as Graph takes them.
//! Graph answers them with an empty 200 or 204; what changed shows in the next presence read.

use std::time::Duration;

use bytes::Bytes;
use http::Method;
use serde::Serialize;

use crate::graph::client::{Calls, GraphClient};
use crate::graph::error::GraphError;
use crate::graph::model::{DateTimeTimeZone, UserId};
use crate::graph::origin::segment;

/// The permission every write needs (delegated; users can consent to it themselves).
pub const WRITE_PERMISSION: &str = "Presence.ReadWrite";

/// An availability you can set, with the one activity Graph pairs it with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Preferred {
    Available,
    Busy,
    DoNotDisturb,
    BeRightBack,
    Away,
    /// "Appear offline".
    Offline,
}

impl Preferred {
    pub const ALL: [Preferred; 6] = [
        Preferred::Available,
        Preferred::Busy,
        Preferred::DoNotDisturb,
        Preferred::BeRightBack,
        Preferred::Away,
        Preferred::Offline,
    ];

    /// (availability, activity) as Graph's body spells them.
    pub fn pair(self) -> (&'static str, &'static str) {
        match self {
            Preferred::Available => ("Available", "Available"),
            Preferred::Busy => ("Busy", "Busy"),
            Preferred::DoNotDisturb => ("DoNotDisturb", "DoNotDisturb"),
            Preferred::BeRightBack => ("BeRightBack", "BeRightBack"),
            Preferred::Away => ("Away", "Away"),
            Preferred::Offline => ("Offline", "OffWork"),
        }
    }

    /// As a person reads it.
    pub fn words(self) -> &'static str {
        match self {
            Preferred::Available => "Available",
            Preferred::Busy => "Busy",
            Preferred::DoNotDisturb => "Do not disturb",
            Preferred::BeRightBack => "Be right back",
            Preferred::Away => "Away",
            Preferred::Offline => "Appear offline",
        }
    }

    /// Graph's expiry when none is given: a day for Busy and Do not disturb, a week otherwise.
    pub fn default_expiry(self) -> Duration {
        let days = if matches!(self, Preferred::Busy | Preferred::DoNotDisturb) {
            1
        } else {
            7
        };
        Duration::from_secs(days * 86_400)
    }
}

/// A work location you can set by hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ManualLocation {
    Office,
    Remote,
    TimeOff,
}

impl ManualLocation {
    /// `workLocationType` as Graph spells it.
    pub fn wire(self) -> &'static str {
        match self {
            ManualLocation::Office => "office",
            ManualLocation::Remote => "remote",
            ManualLocation::TimeOff => "timeOff",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            ManualLocation::Office => "Office",
            ManualLocation::Remote => "Remote",
            ManualLocation::TimeOff => "Time off",
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PreferredBody {
    availability: &'static str,
    activity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiration_duration: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusBody<'a> {
    status_message: StatusMessageBody<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusMessageBody<'a> {
    message: MessageBody<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiry_date_time: Option<&'a DateTimeTimeZone>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MessageBody<'a> {
    content: &'a str,
    content_type: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LocationBody<'a> {
    work_location_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    place_id: Option<&'a str>,
}

/// A `dateTimeTimeZone` in UTC with Graph's seven fractional digits.
pub fn utc_date_time(at: jiff::Timestamp) -> DateTimeTimeZone {
    DateTimeTimeZone {
        date_time: at
            .to_zoned(jiff::tz::TimeZone::UTC)
            .strftime("%Y-%m-%dT%H:%M:%S.0000000")
            .to_string(),
        time_zone: Some("UTC".to_owned()),
    }
}

impl GraphClient {
    /// `POST /users/{id}/presence/setUserPreferredPresence`; without `expiry`, Graph's default.
    pub async fn set_preferred_presence(
        &self,
        me: &UserId,
        preferred: Preferred,
        expiry: Option<Duration>,
    ) -> Result<(), GraphError> {
        let (availability, activity) = preferred.pair();
        let body = PreferredBody {
            availability,
            activity,
            expiration_duration: expiry.map(crate::expiry::iso_duration),
        };
        self.presence_action(me, "setUserPreferredPresence", &body)
            .await
    }

    /// `POST /users/{id}/presence/clearUserPreferredPresence`: presence goes back to automatic.
    pub async fn clear_preferred_presence(&self, me: &UserId) -> Result<(), GraphError> {
        self.presence_action(me, "clearUserPreferredPresence", &serde_json::json!({}))
            .await
    }

    /// `POST /users/{id}/presence/setStatusMessage` as plain text; empty `content` clears it (Graph
    /// has no clear action).
    pub async fn set_status_message(
        &self,
        me: &UserId,
        content: &str,
        expiry: Option<&DateTimeTimeZone>,
    ) -> Result<(), GraphError> {
        let body = StatusBody {
            status_message: StatusMessageBody {
                message: MessageBody {
                    content,
                    content_type: "text",
                },
                expiry_date_time: expiry,
            },
        };
        self.presence_action(me, "setStatusMessage", &body).await
    }

    /// `POST /users/{id}/presence/setManualLocation`: overrides automatic and scheduled locations.
    pub async fn set_manual_location(
        &self,
        me: &UserId,
        location: ManualLocation,
        place_id: Option<&str>,
    ) -> Result<(), GraphError> {
        let body = LocationBody {
            work_location_type: location.wire(),
            place_id,
        };
        self.presence_action(me, "setManualLocation", &body).await
    }

    /// `POST /users/{id}/presence/clearLocation`: the manual location goes; automatic or scheduled
    /// ones show again.
    pub async fn clear_location(&self, me: &UserId) -> Result<(), GraphError> {
        self.presence_action(me, "clearLocation", &serde_json::json!({}))
            .await
    }

    async fn presence_action(
        &self,
        me: &UserId,
        action: &str,
        body: &impl Serialize,
    ) -> Result<(), GraphError> {
        self.check_fresh()?;
        let body = serde_json::to_vec(body)
            .map_err(|e| GraphError::Malformed(format!("could not write the request: {e}")))?;
        let url = self.inner.base.join(&format!(
            "/users/{}/presence/{action}",
            segment(me.as_str())
        ));
        self.send(
            Method::POST,
            &url,
            Some(Bytes::from(body)),
            &Calls::default(),
        )
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_graphs_own_shapes() {
        let body = PreferredBody {
            availability: "Busy",
            activity: "Busy",
            expiration_duration: Some(crate::expiry::iso_duration(Duration::from_secs(3_600))),
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"availability":"Busy","activity":"Busy","expirationDuration":"PT1H"})
        );
        let expiry = utc_date_time("2026-11-30T16:30:00Z".parse().unwrap());
        let status = StatusBody {
            status_message: StatusMessageBody {
                message: MessageBody {
                    content: "Focus",
                    content_type: "text",
                },
                expiry_date_time: Some(&expiry),
            },
        };
        assert_eq!(
            serde_json::to_value(&status).unwrap(),
            serde_json::json!({"statusMessage":{"message":{"content":"Focus","contentType":"text"},
                "expiryDateTime":{"dateTime":"2026-11-30T16:30:00.0000000","timeZone":"UTC"}}})
        );
        let location = LocationBody {
            work_location_type: ManualLocation::TimeOff.wire(),
            place_id: None,
        };
        assert_eq!(
            serde_json::to_value(&location).unwrap(),
            serde_json::json!({"workLocationType":"timeOff"})
        );
        assert_eq!(Preferred::Offline.pair(), ("Offline", "OffWork"));
        assert_eq!(
            Preferred::Busy.default_expiry(),
            Duration::from_secs(86_400)
        );
        assert_eq!(
            Preferred::Away.default_expiry(),
            Duration::from_secs(7 * 86_400)
        );
    }
}
