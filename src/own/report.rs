//! The one line that says what is set now, as Graph reports it after the change.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::change::{Change, LocationChange};
use crate::expiry::Ends;
use crate::graph::model::{LocationSourceKind, Presence};
use crate::text::SafeText;
use crate::time_zone::{Expiry, expiry};

/// Said whenever Graph shows you Offline after another availability was set.
pub const NO_SESSION: &str = "Graph shows you Offline: a presence you set takes effect only while you are signed in to Teams somewhere (a presence session); it shows once you are";

/// "now Busy (Busy), until 15:00 today", "status message \"Focus\" until 09:00 tomorrow",
/// "work location Office (manual)". When Graph does not show the change yet, it says so.
pub fn report(change: &Change, presence: &Presence, tz: &TimeZone, now: Timestamp) -> String {
    let shown = change.shown_by(presence);
    let later = "Graph does not show it yet (changes can take a few minutes to appear)";
    let availability = || {
        format!(
            "{} ({})",
            SafeText::line(presence.availability.raw()),
            SafeText::line(presence.activity.raw())
        )
    };
    match change {
        // The summary already says until when.
        Change::Presence { .. } if change.needs_session(presence) => {
            format!("set {}; {NO_SESSION}", change.summary())
        }
        Change::Presence { until, preferred } if shown => {
            let until = match until {
                Some(e) => format!(" until {e}"),
                None => format!(
                    " for Graph's default of {}",
                    if preferred.default_expiry().as_secs() > 86_400 {
                        "7 days"
                    } else {
                        "1 day"
                    }
                ),
            };
            format!("now {}{until}", availability())
        }
        Change::Reset => format!("presence back to automatic: now {}", availability()),
        Change::Message { text, .. } if shown && text.trim().is_empty() => {
            "status message cleared".to_owned()
        }
        Change::Message { .. } if shown => {
            let message = presence.status_message.as_ref();
            let content = message
                .and_then(|m| m.message.as_ref())
                .and_then(|b| b.content.as_deref())
                .unwrap_or("");
            let until = match message
                .and_then(|m| m.expiry_date_time.as_ref())
                .map(expiry)
            {
                Some(Expiry::At(at)) => {
                    format!(" until {}", Ends::from_timestamp(at, tz, now))
                }
                Some(Expiry::Never) | None => ", no expiry".to_owned(),
                Some(Expiry::Unknown(raw)) => format!(" until {}", SafeText::line(&raw)),
            };
            format!("status message \"{}\"{until}", SafeText::line(content))
        }
        Change::Location(LocationChange::Clear) if shown => match &presence.work_location {
            Some(w) if w.source.kind() != LocationSourceKind::None => format!(
                "manual work location cleared: now {} ({})",
                SafeText::line(w.work_location_type.raw()),
                SafeText::line(w.source.raw())
            ),
            _ => "work location cleared".to_owned(),
        },
        Change::Location(_) if shown => {
            let location = presence.work_location.as_ref();
            let place = match change {
                Change::Location(LocationChange::Set {
                    place: Some((_, name)),
                    ..
                }) => format!(" · {name}"),
                _ => String::new(),
            };
            format!(
                "work location {}{place} ({})",
                location.map_or_else(String::new, |w| SafeText::line(w.work_location_type.raw())
                    .to_string()),
                location.map_or_else(String::new, |w| SafeText::line(w.source.raw()).to_string()),
            )
        }
        _ => format!("set {}; {later}", change.summary()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::own::{ManualLocation, Preferred};

    fn presence(json: serde_json::Value) -> Presence {
        let mut value = json;
        value["id"] = "me".into();
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn each_change_reports_what_graph_shows() {
        let tz = TimeZone::UTC;
        let now: Timestamp = "2026-11-30T13:00:00Z".parse().unwrap();
        let zoned = now.to_zoned(tz.clone());
        let busy = Change::Presence {
            preferred: Preferred::Busy,
            until: crate::expiry::parse_until("15:00", &zoned).ok(),
        };
        let shown = presence(serde_json::json!({"availability":"Busy","activity":"Busy"}));
        assert_eq!(
            report(&busy, &shown, &tz, now),
            "now Busy (Busy) until 15:00 today"
        );
        let offline = presence(serde_json::json!({"availability":"Offline","activity":"OffWork"}));
        let line = report(&busy, &offline, &tz, now);
        assert!(
            line.contains("presence session") && line.starts_with("set Busy"),
            "{line}"
        );
        assert_eq!(line.matches("until").count(), 1, "said once: {line}");
        let old = presence(serde_json::json!({"availability":"Available","activity":"Available"}));
        assert!(report(&busy, &old, &tz, now).contains("does not show it yet"));

        let message = Change::Message {
            text: "Focus".into(),
            until: None,
        };
        let with = presence(
            serde_json::json!({"statusMessage":{"message":{"content":"Focus","contentType":"text"},
            "expiryDateTime":{"dateTime":"2026-12-01T09:00:00.0000000","timeZone":"UTC"}}}),
        );
        assert_eq!(
            report(&message, &with, &tz, now),
            "status message \"Focus\" until 09:00 tomorrow"
        );
        let office = Change::Location(LocationChange::Set {
            location: ManualLocation::Office,
            place: None,
        });
        let manual = presence(
            serde_json::json!({"workLocation":{"workLocationType":"office","source":"manual"}}),
        );
        assert_eq!(
            report(&office, &manual, &tz, now),
            "work location office (manual)"
        );
    }
}
