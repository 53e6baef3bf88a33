//! One change to your own presence, status message or work location, and whether a presence Graph
//! reports shows it (Graph can take minutes, so the board shows a change as pending until then).

use jiff::Timestamp;

use crate::expiry::Ends;
use crate::graph::model::{LocationSourceKind, Presence};
use crate::graph::own::{ManualLocation, Preferred};
use crate::text::SafeText;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// `setUserPreferredPresence`; without an end, Graph's default (a day or a week).
    Presence {
        preferred: Preferred,
        until: Option<Ends>,
    },
    /// `clearUserPreferredPresence`: back to what Teams decides.
    Reset,
    /// `setStatusMessage`; empty text clears the message.
    Message { text: String, until: Option<Ends> },
    /// `setManualLocation` or `clearLocation`.
    Location(LocationChange),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocationChange {
    Set {
        location: ManualLocation,
        /// A place's id and its name as the board knows it (Office only).
        place: Option<(String, SafeText)>,
    },
    Clear,
}

impl Change {
    /// What is asked for, in a few words: "Busy until 15:00 today", "status message cleared".
    pub fn summary(&self) -> String {
        let until = |ends: &Option<Ends>| {
            ends.as_ref()
                .map(|e| format!(" until {e}"))
                .unwrap_or_default()
        };
        match self {
            Change::Presence {
                preferred,
                until: ends,
            } => {
                format!("{}{}", preferred.words(), until(ends))
            }
            Change::Reset => "presence reset to automatic".to_owned(),
            Change::Message { text, .. } if text.trim().is_empty() => {
                "status message cleared".to_owned()
            }
            Change::Message { text, until: ends } => {
                format!("status message \"{}\"{}", SafeText::line(text), until(ends))
            }
            Change::Location(LocationChange::Set { location, place }) => match place {
                Some((_, name)) => format!("work location {} · {name}", location.words()),
                None => format!("work location {}", location.words()),
            },
            Change::Location(LocationChange::Clear) => "work location cleared".to_owned(),
        }
    }

    /// Whether `presence` (read after the change was written) shows it. A reset shows as whatever
    /// Teams decides, so any read after it counts.
    pub fn shown_by(&self, presence: &Presence) -> bool {
        match self {
            Change::Presence { preferred, .. } => presence
                .availability
                .raw()
                .eq_ignore_ascii_case(preferred.pair().0),
            Change::Reset => true,
            Change::Message { text, .. } => {
                let content = presence
                    .status_message
                    .as_ref()
                    .and_then(|m| m.message.as_ref())
                    .and_then(|b| b.content.as_deref())
                    .unwrap_or("");
                content.trim() == text.trim()
            }
            Change::Location(change) => {
                let manual = presence
                    .work_location
                    .as_ref()
                    .filter(|w| w.source.kind() == LocationSourceKind::Manual);
                match change {
                    LocationChange::Set { location, .. } => manual.is_some_and(|w| {
                        w.work_location_type
                            .raw()
                            .eq_ignore_ascii_case(location.wire())
                    }),
                    LocationChange::Clear => manual.is_none(),
                }
            }
        }
    }

    /// Graph shows you Offline though another availability was set: with no presence session (no
    /// Teams client signed in anywhere) a preferred presence does not take effect.
    pub fn needs_session(&self, presence: &Presence) -> bool {
        matches!(self, Change::Presence { preferred, .. } if *preferred != Preferred::Offline)
            && presence.availability.raw().eq_ignore_ascii_case("Offline")
    }

    /// When the change ends, if it said.
    pub fn until(&self) -> Option<Timestamp> {
        match self {
            Change::Presence { until, .. } | Change::Message { until, .. } => {
                until.as_ref().map(|e| e.at)
            }
            Change::Reset | Change::Location(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::UserId;

    fn presence(json: serde_json::Value) -> Presence {
        let mut value = json;
        value["id"] = "me".into();
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_read_shows_a_change_only_when_it_carries_it() {
        let busy = Change::Presence {
            preferred: Preferred::Busy,
            until: None,
        };
        assert!(busy.shown_by(&presence(
            serde_json::json!({"availability":"Busy","activity":"Busy"})
        )));
        assert!(busy.shown_by(&presence(serde_json::json!({"availability":"busy"}))));
        assert!(!busy.shown_by(&presence(serde_json::json!({"availability":"Available"}))));
        let offline = presence(serde_json::json!({"availability":"Offline","activity":"OffWork"}));
        assert!(busy.needs_session(&offline));
        let appear_offline = Change::Presence {
            preferred: Preferred::Offline,
            until: None,
        };
        assert!(appear_offline.shown_by(&offline) && !appear_offline.needs_session(&offline));

        let message = Change::Message {
            text: "Focus time".into(),
            until: None,
        };
        let with = presence(
            serde_json::json!({"statusMessage":{"message":{"content":"Focus time","contentType":"text"}}}),
        );
        assert!(message.shown_by(&with));
        let cleared = Change::Message {
            text: String::new(),
            until: None,
        };
        assert!(!cleared.shown_by(&with));
        assert!(cleared.shown_by(&presence(serde_json::json!({"statusMessage":null}))));

        let office = Change::Location(LocationChange::Set {
            location: ManualLocation::Office,
            place: None,
        });
        let manual = presence(
            serde_json::json!({"workLocation":{"workLocationType":"office","source":"manual"}}),
        );
        let scheduled = presence(
            serde_json::json!({"workLocation":{"workLocationType":"office","source":"scheduled"}}),
        );
        assert!(office.shown_by(&manual) && !office.shown_by(&scheduled));
        let clear = Change::Location(LocationChange::Clear);
        assert!(clear.shown_by(&scheduled) && !clear.shown_by(&manual));
        assert!(Change::Reset.shown_by(&Presence::unknown(UserId::new("me"))));
    }

    #[test]
    fn summaries_are_one_safe_line() {
        let now: jiff::Zoned = "2026-11-30T13:00:00[UTC]".parse().unwrap();
        let until = crate::expiry::parse_until("15:00", &now).ok();
        let busy = Change::Presence {
            preferred: Preferred::DoNotDisturb,
            until,
        };
        assert_eq!(busy.summary(), "Do not disturb until 15:00 today");
        let message = Change::Message {
            text: "a\u{1b}]0;x\u{7}\nb".into(),
            until: None,
        };
        assert!(!message.summary().contains('\u{1b}') && !message.summary().contains('\n'));
        assert_eq!(
            Change::Message {
                text: " ".into(),
                until: None
            }
            .summary(),
            "status message cleared"
        );
    }
}
