//! `teamboard status PERSON...`: the same output for named people, in the team or anywhere in the
//! directory. With `--max-age`, a fresh snapshot that holds every one of them is used as is.

use std::time::Duration;

use super::{Format, client, graph_failure, is_fresh, merge, print};
use crate::cli::StatusArgs;
use crate::config::Config;
use crate::exit::Failure;
use crate::graph::model::User;
use crate::lookup;
use crate::roster::{Roster, RosterSource};
use crate::store::{Snapshot, Store};

pub async fn run(config: &Config, args: &StatusArgs, format: Format) -> Result<(), Failure> {
    let store = crate::auth::sources::cache_store(config, &crate::paths::ProcessEnv);
    let previous = store.as_ref().and_then(Store::load_snapshot);
    if let (Some(max_age), Some(snapshot)) = (args.max_age.map(Duration::from_secs), &previous)
        && is_fresh(snapshot, max_age, jiff::Timestamp::now())
        && let Some(only) = only(snapshot, &args.people)?
    {
        tracing::debug!("status of named people served from a cached snapshot; no network");
        return print(config, format, &only);
    }
    let client = client(config)?;
    let users = lookup::named_people(config, store.as_ref(), &client, &args.people).await?;
    let ids: Vec<_> = users.iter().map(|u| u.id.clone()).collect();
    let read = client
        .presences(&ids)
        .await
        .map_err(|e| graph_failure(&e))?;
    let partial = read.partial_error.clone();
    let snapshot = merge(
        named(users),
        read,
        previous.as_ref(),
        jiff::Timestamp::now(),
    );
    print(config, format, &snapshot)?;
    match partial {
        Some(e) => Err(graph_failure(&e)),
        None => Ok(()),
    }
}

fn named(users: Vec<User>) -> Roster {
    Roster {
        me: None,
        members: users,
        unresolved: Vec::new(),
        source: RosterSource::default(),
        resolved_at: None,
        by_ids_refused_at: None,
    }
}

/// `snapshot` cut down to the named people, when it holds every one of them.
fn only(snapshot: &Snapshot, names: &[String]) -> Result<Option<Snapshot>, Failure> {
    let everyone: Vec<&User> = snapshot.roster.everyone().collect();
    let mut users = Vec::new();
    for name in names {
        match lookup::in_roster(name, &everyone)? {
            Some(user) => users.push(user.clone()),
            None => return Ok(None),
        }
    }
    let keep = |id: &crate::graph::model::UserId| users.iter().any(|u| &u.id == id);
    Ok(Some(Snapshot {
        saved_at: snapshot.saved_at,
        presences: snapshot
            .presences
            .iter()
            .filter(|p| keep(&p.id))
            .cloned()
            .collect(),
        last_changed: snapshot
            .last_changed
            .iter()
            .filter(|(id, _)| keep(id))
            .cloned()
            .collect(),
        places: snapshot.places.clone(),
        // Ranks are per person of the whole roster: a cut-down one has none.
        name_order: crate::store::NameOrder::default(),
        roster: std::sync::Arc::new(named(users)),
    }))
}
