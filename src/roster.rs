//! Who the teammates are: `[team]` members (object ids or UPNs) looked up in the fewest requests the
//! permissions allow (see `graph::lookup`), groups expanded to their user members, and yourself. The
//! result is cached by the store (serde), keyed by the config it came from, so a warm start makes no
//! resolution requests.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use tracing::{info, warn};

use crate::config::TeamConfig;
use crate::graph::client::{Calls, GraphClient, USER_SELECT, decode};
use crate::graph::error::GraphError;
use crate::graph::lookup::{ByIds, Found};
use crate::graph::model::{User, UserId};
use crate::graph::origin::segment;
use crate::graph::presence::PresenceQuery;
use crate::text::SafeText;

/// Pages of a group's members followed at most (999 each), in case a server links in circles.
pub const MAX_PAGES: usize = 200;
/// How long a refused `getByIds` is remembered: an administrator may grant Directory.Read.All since.
pub const BY_IDS_REFUSAL_KEPT: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Roster {
    /// The signed-in user (`include_me`), when `/me` could be read.
    pub me: Option<User>,
    /// Members then group members, each id once, in config order.
    pub members: Vec<User>,
    /// Configured names, ids or groups that could not be resolved, and why.
    pub unresolved: Vec<Unresolved>,
    /// The `[team]` settings this was resolved from: a changed config invalidates a cached roster.
    #[serde(default)]
    pub source: RosterSource,
    /// When Graph was asked. The snapshot carries the roster too, so with this a warm start knows the
    /// roster's age without reading the roster file as well.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<jiff::Timestamp>,
    /// When `directoryObjects/getByIds` was refused (403: no Directory.Read.All), so resolutions
    /// within `BY_IDS_REFUSAL_KEPT` use filters without asking again. Kept with the roster cache,
    /// and forgotten with it (`teamboard logout`) or once that time has passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_ids_refused_at: Option<jiff::Timestamp>,
}

/// How far a resolution has come: the users just found, and how many people are settled (found or
/// not) of how many there are, when that is known (a group's size is not, until its last page).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub users: Vec<User>,
    pub resolved: usize,
    pub total: Option<usize>,
}

/// What a resolution may know from an earlier one, and whom to tell how it goes.
#[derive(Clone, Copy, Default)]
pub struct Resolve<'a> {
    /// An earlier roster's `by_ids_refused_at` (from the cache, however old the roster).
    pub by_ids_refused_at: Option<jiff::Timestamp>,
    pub progress: Option<&'a (dyn Fn(Progress) + Sync)>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    /// As written in the config (untrusted: show through `SafeText`).
    pub configured: String,
    /// Our words, one line, e.g. "not found in the directory".
    pub reason: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct RosterSource {
    pub members: Vec<String>,
    pub groups: Vec<String>,
    pub include_me: bool,
}

impl RosterSource {
    pub fn of(team: &TeamConfig) -> Self {
        Self {
            members: team.members.clone(),
            groups: team.groups.clone(),
            include_me: team.include_me,
        }
    }
}

impl Roster {
    /// Everyone on the board: me first, then members, each id once (the order people are built in).
    pub fn everyone(&self) -> impl Iterator<Item = &User> {
        // Sized at the first person: grown by doubling, the set rehashed 10,000 ids several times per
        // call (and a walk never started allocates nothing).
        let mut seen = HashSet::with_hasher(crate::graph::model::IdHasher::default());
        let people = self.members.len() + 1;
        self.entries().filter(move |u| {
            if seen.is_empty() {
                seen.reserve(people);
            }
            seen.insert(&u.id)
        })
    }

    /// Me, then the members, as stored: an id may come twice (you among the members, or a hand-edited
    /// cache). `everyone` is this with each id once.
    pub fn entries(&self) -> impl Iterator<Item = &User> {
        self.me.iter().chain(&self.members)
    }

    /// The `i`th of `entries`, found without walking them.
    pub fn entry(&self, i: usize) -> Option<&User> {
        match (&self.me, i) {
            (Some(me), 0) => Some(me),
            (Some(_), i) => self.members.get(i - 1),
            (None, i) => self.members.get(i),
        }
    }

    /// Whether `other` lists the same people, in the same order, under the same names (what the
    /// order of names depends on).
    pub fn same_names(&self, other: &Roster) -> bool {
        fn named(u: &User) -> (&UserId, Option<&str>, Option<&str>, Option<&str>) {
            (
                &u.id,
                u.display_name.as_deref(),
                u.mail.as_deref(),
                u.user_principal_name.as_deref(),
            )
        }
        self.entries().map(named).eq(other.entries().map(named))
    }

    /// Everyone to poll: `everyone`'s ids.
    pub fn ids(&self) -> Vec<UserId> {
        self.everyone().map(|u| u.id.clone()).collect()
    }

    /// Whom a read of everyone's presence asks for: each id once, told apart by the query itself
    /// rather than by `everyone` and then again.
    pub fn query(&self) -> PresenceQuery {
        PresenceQuery::new(self.entries().map(|u| &u.id))
    }

    /// Whether this roster was resolved from `team` as configured now (`roster_ttl` is the store's).
    pub fn matches(&self, team: &TeamConfig) -> bool {
        self.source == RosterSource::of(team)
    }

    /// The user with this id, me included.
    pub fn user(&self, id: &UserId) -> Option<&User> {
        self.entries().find(|u| &u.id == id)
    }
}

/// Tells `progress`, if anyone listens, of the users just found.
fn tell(
    progress: Option<&(dyn Fn(Progress) + Sync)>,
    users: &[User],
    resolved: usize,
    total: Option<usize>,
) {
    if let Some(tell) = progress {
        tell(Progress {
            users: users.to_vec(),
            resolved,
            total,
        });
    }
}

/// Resolves `team` with nothing known beforehand and no one to tell how it goes.
pub async fn resolve(client: &GraphClient, team: &TeamConfig) -> Result<Roster, GraphError> {
    resolve_with(client, team, Resolve::default()).await
}

/// Resolves `team`: members looked up in bulk (`getByIds` or filters, 300 or more people a request),
/// one paged read per group, `/me` when `include_me`. What cannot be found goes to `unresolved`;
/// auth, throttling and network failures fail the whole resolution (the caller keeps its cached
/// roster).
pub async fn resolve_with(
    client: &GraphClient,
    team: &TeamConfig,
    how: Resolve<'_>,
) -> Result<Roster, GraphError> {
    let now = jiff::Timestamp::now();
    let remembered = how.by_ids_refused_at.filter(|at| {
        now.duration_since(*at)
            .try_into()
            .is_ok_and(|age: std::time::Duration| age < BY_IDS_REFUSAL_KEPT)
    });
    let mut roster = Roster {
        me: None,
        members: Vec::new(),
        unresolved: Vec::new(),
        source: RosterSource::of(team),
        resolved_at: Some(now),
        by_ids_refused_at: remembered,
    };
    if team.include_me {
        match client.me().await {
            Ok(me) => roster.me = Some(me),
            Err(e) if is_local(&e) => roster.unresolved.push(Unresolved {
                configured: "me".into(),
                reason: reason(&e),
            }),
            Err(e) => return Err(e),
        }
    }
    // You among the members (or a group) would otherwise be stored twice, and a roster whose entries
    // repeat an id no longer lines up with the people built from it.
    let mut seen: HashSet<UserId> = roster.me.iter().map(|me| me.id.clone()).collect();
    let by_ids = if remembered.is_some() {
        ByIds::Skip
    } else {
        ByIds::Try
    };
    if resolve_members(client, team, &mut roster, &mut seen, by_ids, how.progress).await? {
        roster.by_ids_refused_at = Some(now);
    }
    // Group members come a page at a time, with no total known beforehand.
    let mut found = roster.members.len();
    let mut page_found = |users: &[User]| {
        found += users.len();
        tell(how.progress, users, found, None);
    };
    for group in dedup_names(&team.groups) {
        match group_members(client, &group, &mut page_found).await {
            Ok(users) => {
                for user in users {
                    if seen.insert(user.id.clone()) {
                        roster.members.push(user);
                    }
                }
            }
            Err(e) if is_local(&e) => roster.unresolved.push(Unresolved {
                configured: group,
                reason: reason(&e),
            }),
            Err(e) => return Err(e),
        }
    }
    info!(
        members = roster.members.len(),
        unresolved = roster.unresolved.len(),
        "roster resolved"
    );
    Ok(roster)
}

/// Returns whether `getByIds` was refused on the way.
async fn resolve_members(
    client: &GraphClient,
    team: &TeamConfig,
    roster: &mut Roster,
    seen: &mut HashSet<UserId>,
    by_ids: ByIds,
    progress: Option<&(dyn Fn(Progress) + Sync)>,
) -> Result<bool, GraphError> {
    let names = dedup_names(&team.members);
    if names.is_empty() {
        return Ok(false);
    }
    let total = names.len();
    let lookup = client
        .find_users(&names, by_ids, |users, resolved| {
            tell(progress, users, resolved, Some(total));
        })
        .await?;
    for (name, found) in names.into_iter().zip(lookup.found) {
        match found {
            Found::User(user) => {
                if seen.insert(user.id.clone()) {
                    roster.members.push(user);
                }
            }
            Found::Missing => roster.unresolved.push(Unresolved {
                configured: name,
                reason: "not found in the directory".into(),
            }),
            Found::Failed(e) if is_local(&e) => roster.unresolved.push(Unresolved {
                configured: name,
                reason: reason(&e),
            }),
            Found::Failed(e) => return Err(e),
        }
    }
    Ok(lookup.by_ids_refused)
}

/// A group's user members, following `@odata.nextLink` only on the configured origin; each page's
/// users are handed to `page_found` as they come.
async fn group_members(
    client: &GraphClient,
    group: &str,
    page_found: &mut impl FnMut(&[User]),
) -> Result<Vec<User>, GraphError> {
    #[derive(Deserialize)]
    struct Page {
        #[serde(default)]
        value: Vec<serde_json::Value>,
        #[serde(default, rename = "@odata.nextLink")]
        next_link: Option<String>,
    }
    let calls = Calls::default();
    client.check_fresh()?;
    let first = format!(
        "/groups/{}/members?$select={USER_SELECT}&$top=999",
        segment(group.trim())
    );
    let mut page: Page = client.get_json(&first, &calls).await?;
    let mut users = Vec::new();
    let mut visited = HashSet::new();
    for _ in 0..MAX_PAGES {
        let before = users.len();
        for item in page.value {
            let kind = item.get("@odata.type").and_then(serde_json::Value::as_str);
            // Without a type annotation, an element that reads as a user is taken as one.
            if kind.is_some_and(|k| !k.eq_ignore_ascii_case("#microsoft.graph.user")) {
                continue;
            }
            match serde_json::from_value::<User>(item) {
                Ok(u) => users.push(u),
                Err(e) => {
                    warn!(error = %SafeText::line(&e.to_string()), "skipped an unreadable group member");
                }
            }
        }
        page_found(&users[before..]);
        let Some(next) = page.next_link else { break };
        if let Err(why) = client.inner.base.allows(&next) {
            warn!(why = %SafeText::line(&why), "not following a nextLink off the configured Graph origin");
            break;
        }
        if !visited.insert(next.clone()) {
            warn!("a group's nextLink points back to a page already read; stopping");
            break;
        }
        let response = client.send(http::Method::GET, &next, None, &calls).await?;
        page = decode(response.body())?;
    }
    Ok(users)
}

/// Errors that concern one member or group (gone, not permitted, unreadable), not the whole tenant.
fn is_local(e: &GraphError) -> bool {
    matches!(e, GraphError::Http { status, .. } if matches!(status, 400 | 403 | 404))
        || matches!(e, GraphError::Malformed(_))
}

fn reason(e: &GraphError) -> String {
    match e {
        GraphError::Http { status: 404, .. } => "not found in the directory".into(),
        GraphError::Http { status: 403, .. } => {
            "not permitted to read it (needs User.ReadBasic.All / GroupMember.Read.All)".into()
        }
        GraphError::Http {
            status: 400, code, ..
        } => format!(
            "Graph refused the request ({}); check the id or UPN",
            SafeText::line(code.as_deref().unwrap_or("400"))
        ),
        GraphError::Malformed(_) => "Graph's answer could not be read".into(),
        other => other.user_line(),
    }
}

/// Names as configured, each once (UPNs compare case-insensitively), empty ones dropped.
fn dedup_names(names: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty() && seen.insert(n.to_lowercase()))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod unit {
    use super::*;
    use std::time::Duration;

    fn user(id: &str) -> User {
        User {
            id: UserId::new(id),
            display_name: Some(format!("User {id}").into()),
            user_principal_name: None,
            mail: None,
            job_title: None,
            department: None,
        }
    }

    fn team(members: &[&str]) -> TeamConfig {
        TeamConfig {
            members: members.iter().map(|s| (*s).to_owned()).collect(),
            groups: vec![],
            include_me: true,
            roster_ttl: Duration::from_secs(3600),
        }
    }

    #[test]
    fn ids_put_me_first_once() {
        let r = Roster {
            me: Some(user("me")),
            members: vec![user("a"), user("me"), user("b")],
            unresolved: vec![],
            source: RosterSource::default(),
            resolved_at: None,
            by_ids_refused_at: None,
        };
        assert_eq!(
            r.ids(),
            [UserId::new("me"), UserId::new("a"), UserId::new("b")]
        );
        assert_eq!(
            r.user(&UserId::new("b")).unwrap().display_name.as_deref(),
            Some("User b")
        );
    }

    #[test]
    fn round_trips_through_json_and_notices_a_changed_config() {
        let t = team(&["a@contoso.com"]);
        let r = Roster {
            me: None,
            members: vec![user("a")],
            unresolved: vec![Unresolved {
                configured: "gone@contoso.com".into(),
                reason: "not found in the directory".into(),
            }],
            source: RosterSource::of(&t),
            resolved_at: None,
            by_ids_refused_at: None,
        };
        let back: Roster = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back, r);
        assert!(back.matches(&t));
        assert!(!back.matches(&team(&["b@contoso.com"])));
        let mut no_me = t.clone();
        no_me.include_me = false;
        assert!(!back.matches(&no_me));
    }

    #[test]
    fn names_are_deduplicated_case_insensitively() {
        let names = [
            "A@x.com".to_owned(),
            " a@x.com ".to_owned(),
            String::new(),
            "b".to_owned(),
        ];
        assert_eq!(dedup_names(&names), ["A@x.com", "b"]);
    }
}

#[cfg(test)]
mod tests;
