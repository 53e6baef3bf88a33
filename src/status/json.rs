//! `status --json`: one object per teammate with Graph's own names, nesting and values, written with
//! every control, format and bidi character as a `\u` escape (lossless and inert).

use serde::Serialize;

use crate::graph::model::{
    Activity, Availability, OutOfOfficeSettings, StatusMessage, WorkLocation,
};
use crate::text::to_inert_json_pretty;

use super::rows::Row;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonRow<'a> {
    id: Option<&'a str>,
    display_name: Option<&'a str>,
    user_principal_name: Option<&'a str>,
    availability: &'a Availability,
    activity: &'a Activity,
    #[serde(skip_serializing_if = "Option::is_none")]
    out_of_office_settings: Option<&'a OutOfOfficeSettings>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_message: Option<&'a StatusMessage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    work_location: Option<&'a WorkLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sequence_number: Option<&'a str>,
}

impl<'a> From<&'a Row> for JsonRow<'a> {
    fn from(row: &'a Row) -> Self {
        let p = &row.presence;
        Self {
            id: row.id.as_deref(),
            display_name: row.display_name.as_deref(),
            user_principal_name: row.user_principal_name.as_deref(),
            availability: &p.availability,
            activity: &p.activity,
            out_of_office_settings: p.out_of_office_settings.as_ref(),
            status_message: p.status_message.as_deref(),
            work_location: p.work_location.as_ref(),
            sequence_number: p.sequence_number.as_deref(),
        }
    }
}

/// The JSON array, pretty-printed, ending in a newline.
pub fn render(rows: &[Row]) -> serde_json::Result<String> {
    let list: Vec<JsonRow<'_>> = rows.iter().map(JsonRow::from).collect();
    let mut out = to_inert_json_pretty(&list)?;
    out.push('\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::{ItemBody, Presence, UserId};
    use crate::text::SafeText;

    fn row(id: &str, presence: Presence) -> Row {
        Row {
            id: Some(id.into()),
            display_name: Some(format!("N\u{202e}{id}\u{1b}[2J")),
            user_principal_name: None,
            mail: None,
            presence,
            unresolved: false,
            name: SafeText::line(id),
        }
    }

    #[test]
    fn graph_names_raw_values_and_inert_escapes() {
        let mut p = crate::graph::model::parse_single_presence(
            br#"{"id":"a","availability":"busy","activity":"inACall","sequenceNumber":"A1",
                "outOfOfficeSettings":{"isOutOfOffice":true,"message":"<p>away</p>"},
                "workLocation":{"workLocationType":"moon","source":"manual","placeId":null}}"#,
        )
        .unwrap();
        p.status_message = Some(Box::new(StatusMessage {
            message: Some(ItemBody {
                content: Some("\u{1b}]52;c;eA==\u{7}hi".into()),
                content_type: Some("text".into()),
            }),
            ..Default::default()
        }));
        let out = render(&[row("a", p), row("b", Presence::unknown(UserId::new("b")))]).unwrap();
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        assert!(!out.contains('\u{202e}'));
        assert!(out.contains(r"\u001b]52;c;eA==\u0007hi"), "{out}");
        assert!(out.contains(r"N\u202ea\u001b[2J"), "{out}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v[0]["availability"], "busy");
        assert_eq!(v[0]["activity"], "inACall");
        assert_eq!(v[0]["sequenceNumber"], "A1");
        assert_eq!(v[0]["outOfOfficeSettings"]["isOutOfOffice"], true);
        assert_eq!(v[0]["workLocation"]["workLocationType"], "moon");
        assert_eq!(
            v[0]["statusMessage"]["message"]["content"],
            "\u{1b}]52;c;eA==\u{7}hi"
        );
        assert_eq!(v[0]["userPrincipalName"], serde_json::Value::Null);
        let unknown = v[1].as_object().unwrap();
        let keys: Vec<&str> = unknown.keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 5, "{keys:?}");
        assert_eq!(v[1]["availability"], "PresenceUnknown");
        assert_eq!(v[1]["activity"], "PresenceUnknown");
    }
}
