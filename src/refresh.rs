//! The refresher: runs one poll when told and sends back an owned answer or a typed failure. It keeps
//! no state between polls; throttling, backoff and staleness live in `App`.

use std::sync::{Arc, Mutex, PoisonError};

use crate::app::calendar::{ScheduleAsk, ScheduleOutcome};
use crate::app::{FailureKind, PollData, PollFailure, PollOutcome};
use crate::auth::AuthError;
use crate::config::TeamConfig;
use crate::graph::client::GraphClient;
use crate::graph::error::GraphError;
use crate::graph::places::PlaceLookup;
use crate::graph::presence::PresenceQuery;
use crate::graph::schedule::MAX_SCHEDULES;
use crate::roster::{self, Progress, Resolve, Roster};
use crate::store::Store;
use crate::text::SafeText;

/// Everything one poll needs; cheap to clone into the task that runs it.
#[derive(Clone, Debug)]
pub struct Refresher {
    client: GraphClient,
    store: Option<Store>,
    team: TeamConfig,
    /// `[watch] people`: polled with the team.
    watched: Vec<String>,
    /// App-only tokens have no `/me`: calendars are read through a user's path.
    app_only: bool,
    /// Whom the last poll asked for, and the roster that said so: the next poll of the same roster
    /// asks the same people, without gathering them again. Shared by the clones each poll runs in.
    asked: Arc<Mutex<Option<LastQuery>>>,
}

#[derive(Debug)]
struct LastQuery {
    /// Held so that its address names this roster and no later one.
    roster: Arc<Roster>,
    query: Arc<PresenceQuery>,
}

impl Refresher {
    pub fn new(client: GraphClient, store: Option<Store>, team: TeamConfig) -> Self {
        Self {
            client,
            store,
            team,
            watched: Vec::new(),
            app_only: false,
            asked: Arc::default(),
        }
    }

    /// The same, polling these watched people with the team.
    #[must_use]
    pub fn with_watched(&self, watched: Vec<String>) -> Self {
        Self {
            watched,
            ..self.clone()
        }
    }

    /// Reads calendars through `/users/{id}` (app-only tokens) instead of `/me`.
    #[must_use]
    pub fn app_only(mut self, app_only: bool) -> Self {
        self.app_only = app_only;
        self
    }

    /// The same client for another team, with that team's cache files.
    #[must_use]
    pub fn with_team(&self, team: TeamConfig, store: Option<Store>) -> Self {
        Self {
            client: self.client.clone(),
            store,
            team,
            watched: self.watched.clone(),
            app_only: self.app_only,
            asked: Arc::default(),
        }
    }

    /// The Graph client polls go through (writes of your own presence share its throttling).
    pub fn client(&self) -> &GraphClient {
        &self.client
    }

    /// One poll: the roster (the one the core holds, else the roster cache, else resolved and cached,
    /// telling `progress` about the people as they are found), then everyone's presence in
    /// ceil(n/650) requests.
    pub async fn poll(
        &self,
        roster: Option<Arc<Roster>>,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> PollOutcome {
        let roster = match roster {
            Some(r) => r,
            None => self.roster(progress).await.map_err(|e| failure(&e))?,
        };
        let query = self.query_for(&roster);
        let read = self
            .client
            .presences_of(&query)
            .await
            .map_err(|e| failure(&e))?;
        let mut data = PollData {
            roster,
            presences: read.presences,
            malformed: read.bad.len(),
            problem: None,
            min_interval: self.client.min_refresh_interval(query.ids().len()),
        };
        if let Some(e) = read.partial_error {
            data.problem = Some(SafeText::line(&format!(
                "{} teammate(s) could not be read this time: {}",
                read.failed.len(),
                e.user_line()
            )));
        }
        Ok(data)
    }

    /// Whom to ask for `roster`: the last poll's query when it was made for this very roster.
    fn query_for(&self, roster: &Arc<Roster>) -> Arc<PresenceQuery> {
        let mut asked = self.asked.lock().unwrap_or_else(PoisonError::into_inner);
        match &*asked {
            Some(last) if Arc::ptr_eq(&last.roster, roster) => Arc::clone(&last.query),
            _ => {
                let query = Arc::new(roster.query());
                *asked = Some(LastQuery {
                    roster: Arc::clone(roster),
                    query: Arc::clone(&query),
                });
                query
            }
        }
    }

    /// One calendar read: the people asked, 20 to a request, one request after another (a read of
    /// 1,000 people is 50 requests spread over seconds, not a burst). The first throttled or failed
    /// request ends the read: what came back so far is kept, the rest stays as it was, marked stale.
    pub async fn schedules(&self, ask: ScheduleAsk) -> ScheduleOutcome {
        let mut answers = Vec::with_capacity(ask.people.len());
        let mut trouble = None;
        for chunk in ask.people.chunks(MAX_SCHEDULES) {
            let addresses: Vec<String> = chunk.iter().map(|(_, mail)| mail.clone()).collect();
            let app_user = self.app_only.then(|| &chunk[0].0);
            match self
                .client
                .schedules(&addresses, ask.window, app_user)
                .await
            {
                Ok(read) => {
                    for (address, answer) in read {
                        if let Some((id, _)) = chunk.iter().find(|(_, mail)| *mail == address) {
                            answers.push((id.clone(), answer));
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e.user_line(), "calendars could not be read");
                    let mut f = failure(&e);
                    f.message = SafeText::line(&format!("calendars: {}", f.message));
                    trouble = Some(f);
                    break;
                }
            }
        }
        ScheduleOutcome {
            ask,
            answers,
            failure: trouble,
        }
    }

    /// Names for these work-location places; `None` when the lookup failed as a whole (logged;
    /// the core asks again after a later poll).
    pub async fn place_names(&self, ids: &[String]) -> Option<PlaceLookup> {
        match self.client.place_names(ids).await {
            Ok(lookup) => Some(lookup),
            Err(e) => {
                tracing::warn!(error = %e.user_line(), "place names could not be looked up");
                None
            }
        }
    }

    async fn roster(
        &self,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Arc<Roster>, GraphError> {
        let team = crate::config::polled_team(&self.team, &self.watched);
        let ttl = team.roster_ttl;
        // Files are read and written on a blocking thread, but decoded and encoded here: the
        // megabytes a 10,000-person roster takes then stay in this thread's malloc arena instead of
        // staying resident in a second one.
        let mut by_ids_refused_at = None;
        if let Some(store) = self.store.clone() {
            let reader = store.clone();
            let bytes = tokio::task::spawn_blocking(move || reader.read_roster())
                .await
                .ok()
                .flatten();
            match bytes
                .as_deref()
                .and_then(|b| store.decode_roster_aged(b, ttl))
            {
                Some((roster, true)) if roster.matches(&team) => return Ok(Arc::new(roster)),
                // An outdated roster still says whether getByIds was refused.
                Some((roster, _)) => by_ids_refused_at = roster.by_ids_refused_at,
                None => {}
            }
        }
        let how = Resolve {
            by_ids_refused_at,
            progress: Some(progress),
        };
        let roster = Arc::new(roster::resolve_with(&self.client, &team, how).await?);
        if let Some(store) = self.store.clone() {
            match crate::store::encode_roster(&roster) {
                Ok(bytes) => {
                    tokio::task::spawn_blocking(move || {
                        if let Err(e) = store.write_roster(&bytes) {
                            tracing::warn!(error = %e, "could not cache the roster");
                        }
                    });
                }
                Err(e) => tracing::warn!(error = %e, "could not cache the roster"),
            }
        }
        Ok(roster)
    }
}

/// A Graph error as the core sees it: throttled (with how long), signed out, or anything else.
pub fn failure(e: &GraphError) -> PollFailure {
    let kind = if e.is_throttled() {
        FailureKind::Throttled {
            retry_after: e.wait_hint(),
        }
    } else if matches!(
        e,
        GraphError::Auth(AuthError::Network(_) | AuthError::Store(_))
    ) {
        // The sign-in is intact; only its renewal failed this time.
        FailureKind::Failed
    } else if matches!(e, GraphError::Auth(_)) || e.status() == Some(401) {
        FailureKind::SignedOut
    } else {
        FailureKind::Failed
    };
    PollFailure {
        kind,
        message: SafeText::line(&e.user_line()),
    }
}

#[cfg(all(test, feature = "sim"))]
mod tests;
