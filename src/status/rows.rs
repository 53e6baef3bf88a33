//! One row per teammate from a snapshot: the people in the roster with their presence (or
//! `PresenceUnknown`), unresolved members by their configured name, sorted by name case-insensitively.

use std::collections::HashMap;

use crate::graph::model::{Presence, User, UserId};
use crate::store::Snapshot;
use crate::text::SafeText;

/// A teammate as `status` prints them. Strings are raw (untrusted); each format sanitizes or escapes.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The directory object id; for an unresolved member, the configured value if it is an object id.
    pub id: Option<String>,
    pub display_name: Option<String>,
    pub user_principal_name: Option<String>,
    pub mail: Option<String>,
    pub presence: Presence,
    /// Configured in `[team]` but not found: shown with its configured name and `PresenceUnknown`.
    pub unresolved: bool,
    /// The name as shown (sanitized), for the table and for sorting.
    pub name: SafeText,
}

impl Row {
    fn of_user(user: &User, presence: Option<&Presence>) -> Self {
        Self {
            id: Some(user.id.as_str().to_owned()),
            display_name: user.display_name.as_deref().map(str::to_owned),
            user_principal_name: user.user_principal_name.as_deref().map(str::to_owned),
            mail: user.mail.as_deref().map(str::to_owned),
            presence: presence
                .cloned()
                .unwrap_or_else(|| Presence::unknown(user.id.clone())),
            unresolved: false,
            name: user.shown_name(),
        }
    }

    fn unresolved(configured: &str) -> Self {
        let id = crate::graph::lookup::is_object_id(configured.trim())
            .then(|| configured.trim().to_owned());
        Self {
            presence: Presence::unknown(UserId::new(id.clone().unwrap_or_default())),
            id,
            display_name: Some(configured.to_owned()),
            user_principal_name: None,
            mail: None,
            unresolved: true,
            name: SafeText::line(configured),
        }
    }
}

/// Everyone in the snapshot's roster (me included), then unresolved members, sorted by shown name
/// case-insensitively (ties by id, so the order is stable).
pub fn rows(snapshot: &Snapshot) -> Vec<Row> {
    let by_id: HashMap<&UserId, &Presence> =
        snapshot.presences.iter().map(|p| (&p.id, &**p)).collect();
    let roster = &snapshot.roster;
    let mut rows: Vec<Row> = roster
        .everyone()
        .map(|u| Row::of_user(u, by_id.get(&u.id).copied()))
        .collect();
    // "me" stands for the signed-in user, not a teammate to show by that name.
    rows.extend(
        roster
            .unresolved
            .iter()
            .filter(|u| u.configured != "me")
            .map(|u| Row::unresolved(&u.configured)),
    );
    let mut keyed: Vec<(String, Row)> = rows
        .into_iter()
        .map(|r| (r.name.as_str().to_lowercase(), r))
        .collect();
    keyed.sort_by(|(a, ra), (b, rb)| a.cmp(b).then_with(|| ra.id.cmp(&rb.id)));
    keyed.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::{Roster, RosterSource, Unresolved};

    fn user(id: &str, name: Option<&str>, mail: Option<&str>) -> User {
        User {
            id: UserId::new(id),
            display_name: name.map(Into::into),
            user_principal_name: Some(format!("{id}@x.com").into()),
            mail: mail.map(Into::into),
            job_title: None,
            department: None,
        }
    }

    #[test]
    fn sorted_case_insensitively_with_unknowns_and_unresolved() {
        let mut busy = Presence::unknown(UserId::new("b"));
        busy.availability = crate::graph::model::Availability::parse("Busy");
        let snapshot = Snapshot {
            name_order: crate::store::NameOrder::default(),
            places: Vec::new(),
            saved_at: jiff::Timestamp::UNIX_EPOCH,
            roster: std::sync::Arc::new(Roster {
                me: Some(user("m", Some("zed"), None)),
                members: vec![
                    user("b", Some("bob"), None),
                    user("a", Some("Alice"), None),
                    user("e", Some(" \u{200b}"), Some("Eve@x.com")),
                ],
                unresolved: vec![
                    Unresolved {
                        configured: "carol@x.com".into(),
                        reason: "not found".into(),
                    },
                    Unresolved {
                        configured: "66825e03-7ef5-42da-9069-724602c31f6b".into(),
                        reason: "not found".into(),
                    },
                    Unresolved {
                        configured: "me".into(),
                        reason: "403".into(),
                    },
                ],
                source: RosterSource::default(),
                resolved_at: None,
                by_ids_refused_at: None,
            }),
            presences: vec![busy.clone().into()],
            last_changed: Vec::new(),
        };
        let rows = rows(&snapshot);
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "66825e03-7ef5-42da-9069-724602c31f6b",
                "Alice",
                "bob",
                "carol@x.com",
                "Eve@x.com",
                "zed"
            ]
        );
        assert_eq!(rows[2].presence, busy);
        assert_eq!(rows[1].presence, Presence::unknown(UserId::new("a")));
        assert!(rows[3].unresolved && rows[3].id.is_none());
        assert_eq!(
            rows[0].id.as_deref(),
            Some("66825e03-7ef5-42da-9069-724602c31f6b")
        );
    }

    #[test]
    fn object_ids_are_recognised() {
        assert!(crate::graph::lookup::is_object_id(
            "66825e03-7ef5-42da-9069-724602c31f6b"
        ));
        assert!(!crate::graph::lookup::is_object_id("adele@contoso.com"));
        assert!(!crate::graph::lookup::is_object_id(
            "66825e03-7ef5-42da-9069-724602c31f6"
        ));
    }
}
