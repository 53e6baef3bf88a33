//! The network half of `status`: the roster (from the cache while younger than `roster_ttl_hours`),
//! one presence read in ceil(N/650) requests, and a snapshot that keeps the last known state of
//! anyone this read could not bring back.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::auth::sources;
use crate::config::Config;
use crate::exit::{Exit, Failure};
use crate::graph::model::{Presence, UserId};
use crate::graph::{GraphClient, GraphError, PresenceRead};
use crate::roster::{self, Roster};
use crate::store::{Snapshot, Store};
use crate::text::SafeText;

/// What one fetch brought back, and what the user should hear about it.
pub struct Fetched {
    pub snapshot: Snapshot,
    /// Some people's presence could not be read (a batch failed after retries): the one line why.
    pub partial: Option<GraphError>,
    pub failed: usize,
    /// Requests this run sent (resolution included).
    pub requests: u64,
}

pub fn graph_failure(e: &GraphError) -> Failure {
    Failure::new(e.exit(), e.command_line())
}

/// Fetches everyone's presence now, with the stored sign-in (renewed if due), app-only
/// credentials or `TEAMBOARD_ACCESS_TOKEN`. Never prompts: without a sign-in it says how to get one.
pub async fn fetch(config: &Config, store: Option<&Store>) -> Result<Fetched, Failure> {
    let client = client(config)?;
    let roster = roster(config, store, &client).await?;
    let read = client
        .presences_of(&roster.query())
        .await
        .map_err(|e| graph_failure(&e))?;
    let previous = store
        .and_then(Store::load_snapshot)
        .filter(|s| s.roster.source == roster.source);
    let failed = read.failed.len();
    let partial = read.partial_error.clone();
    let snapshot = merge(roster, read, previous.as_ref(), jiff::Timestamp::now());
    if let Err(e) = store.map_or(Ok(()), |s| s.save_snapshot(&snapshot)) {
        tracing::warn!(error = %SafeText::line(&e.to_string()), "could not save the snapshot");
    }
    Ok(Fetched {
        snapshot,
        partial,
        failed,
        requests: client.requests_sent(),
    })
}

/// A Graph client with the stored sign-in (renewed if due), app-only credentials or
/// `TEAMBOARD_ACCESS_TOKEN`. Never prompts: without a sign-in it says how to get one (exit 3).
pub fn client(config: &Config) -> Result<GraphClient, Failure> {
    let tokens = sources::for_config(config, &crate::paths::ProcessEnv);
    if let Some(e) = tokens.unusable {
        return Err(Failure::new(
            Exit::SignIn,
            format!("not signed in: {e}; or set TEAMBOARD_ACCESS_TOKEN to a Graph token"),
        ));
    }
    GraphClient::over_http(&config.graph, tokens.source).map_err(|e| graph_failure(&e))
}

/// The cached roster while it is younger than `roster_ttl` and was resolved from this `[team]`;
/// otherwise resolved now (and cached).
pub async fn roster(
    config: &Config,
    store: Option<&Store>,
    client: &GraphClient,
) -> Result<Roster, Failure> {
    let cached = store.and_then(|s| {
        let bytes = s.read_roster()?;
        s.decode_roster_aged(&bytes, config.team.roster_ttl)
    });
    let by_ids_refused_at = match cached {
        Some((roster, true)) if roster.matches(&config.team) => return Ok(roster),
        // An outdated roster still says whether getByIds was refused.
        Some((roster, _)) => roster.by_ids_refused_at,
        None => None,
    };
    let how = roster::Resolve {
        by_ids_refused_at,
        progress: None,
    };
    let roster = roster::resolve_with(client, &config.team, how)
        .await
        .map_err(|e| graph_failure(&e))?;
    if let Err(e) = store.map_or(Ok(()), |s| s.save_roster(&roster)) {
        tracing::warn!(error = %SafeText::line(&e.to_string()), "could not cache the roster");
    }
    Ok(roster)
}

/// The new snapshot: fresh presences where the read brought them; for people whose batch failed or
/// whose element was unreadable, their last known presence (never lost to a bad answer); people Graph
/// left out are unknown. A change of availability or activity restarts that person's age.
pub fn merge(
    roster: Roster,
    read: PresenceRead,
    previous: Option<&Snapshot>,
    now: jiff::Timestamp,
) -> Snapshot {
    let old: HashMap<&UserId, &Presence> = previous
        .map(|s| s.presences.iter().map(|p| (&p.id, &**p)).collect())
        .unwrap_or_default();
    let old_times: HashMap<&UserId, jiff::Timestamp> = previous
        .map(|s| s.last_changed.iter().map(|(id, t)| (id, *t)).collect())
        .unwrap_or_default();
    let mut presences: Vec<Arc<Presence>> = read.presences;
    let mut answered: HashSet<UserId> = presences.iter().map(|p| p.id.clone()).collect();
    let kept = read
        .failed
        .iter()
        .chain(read.bad.iter().filter_map(|b| b.id.as_ref()));
    for id in kept {
        if !answered.insert(id.clone()) {
            continue;
        }
        if let Some(p) = old.get(id) {
            presences.push(Arc::new((*p).clone()));
        }
    }
    let last_changed = presences
        .iter()
        .map(|p| {
            let same = old.get(&p.id).is_some_and(|o| {
                o.availability.raw() == p.availability.raw() && o.activity.raw() == p.activity.raw()
            });
            let since = old_times
                .get(&p.id)
                .copied()
                .filter(|_| same)
                .unwrap_or(now);
            (p.id.clone(), since)
        })
        .collect();
    // The board's order of names outlives a `status` run that found the same people by the same names.
    let name_order = previous
        .filter(|s| s.roster.same_names(&roster))
        .map(|s| s.name_order.clone())
        .unwrap_or_default();
    Snapshot {
        saved_at: now,
        roster: Arc::new(roster),
        presences,
        last_changed,
        // The board's place names outlive a `status` run.
        places: previous.map(|s| s.places.clone()).unwrap_or_default(),
        name_order,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::{Availability, BadElement};
    use crate::roster::RosterSource;

    fn presence(id: &str, availability: &str) -> Presence {
        let mut p = Presence::unknown(UserId::new(id));
        p.availability = Availability::parse(availability);
        p
    }

    fn roster() -> Roster {
        Roster {
            me: None,
            members: Vec::new(),
            unresolved: Vec::new(),
            source: RosterSource::default(),
            resolved_at: None,
            by_ids_refused_at: None,
        }
    }

    #[test]
    fn failed_and_unreadable_people_keep_their_last_state_and_ages_follow_changes() {
        let t0: jiff::Timestamp = "2025-01-01T09:00:00Z".parse().unwrap();
        let t1: jiff::Timestamp = "2025-01-01T10:00:00Z".parse().unwrap();
        let previous = Snapshot {
            name_order: crate::store::NameOrder::default(),
            places: Vec::new(),
            saved_at: t0,
            roster: Arc::new(roster()),
            presences: vec![
                presence("same", "Busy").into(),
                presence("moved", "Busy").into(),
                presence("failed", "Away").into(),
                presence("bad", "Offline").into(),
            ],
            last_changed: ["same", "moved", "failed", "bad"]
                .iter()
                .map(|id| (UserId::new(*id), t0))
                .collect(),
        };
        let read = PresenceRead {
            presences: vec![
                presence("same", "Busy").into(),
                presence("moved", "Available").into(),
                presence("new", "Busy").into(),
            ],
            bad: vec![BadElement {
                index: 3,
                id: Some(UserId::new("bad")),
                reason: "x".into(),
            }],
            failed: vec![UserId::new("failed")],
            ..PresenceRead::default()
        };
        let s = merge(roster(), read, Some(&previous), t1);
        let get = |id: &str| {
            s.presences
                .iter()
                .find(|p| p.id.as_str() == id)
                .map(|p| p.availability.raw().to_owned())
        };
        assert_eq!(get("failed").as_deref(), Some("Away"));
        assert_eq!(get("bad").as_deref(), Some("Offline"));
        assert_eq!(get("moved").as_deref(), Some("Available"));
        let age = |id: &str| {
            s.last_changed
                .iter()
                .find(|(i, _)| i.as_str() == id)
                .map(|(_, t)| *t)
        };
        assert_eq!(age("same"), Some(t0));
        assert_eq!(age("moved"), Some(t1));
        assert_eq!(age("new"), Some(t1));
        assert_eq!(age("failed"), Some(t0));
        assert_eq!(s.saved_at, t1);
    }
}
