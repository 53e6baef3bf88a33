//! Work-location place names: `GET /places/{id}` (Place.Read.All) for the `placeId`s presence carries,
//! asked through `$batch`. Opt-in: a tenant that refuses (403) is not asked again by the caller.

use std::collections::HashSet;

use serde_json::Value;
use tracing::debug;

use crate::graph::client::GraphClient;
use crate::graph::error::GraphError;
use crate::graph::origin::segment;

/// What Graph said about the place ids asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlaceLookup {
    /// (placeId, displayName) exactly as Graph sent them (untrusted; the caller sanitizes).
    pub named: Vec<(String, String)>,
    /// Ids Graph does not know (404), or whose answer has no usable string displayName: not asked again.
    pub unknown: Vec<String>,
    /// Graph refused (403: Place.Read.All not granted): the caller stops asking.
    pub denied: bool,
}

/// How one inner answer counts.
enum Outcome {
    Named(String),
    Unknown,
    Denied,
    /// Anything else (a 5xx or 429 that outlived the retries, a broken answer): asked again next time.
    Failed,
}

fn outcome(answer: Result<Value, GraphError>) -> Outcome {
    match answer {
        // An empty or blank name names nothing: the caller would show an empty label.
        Ok(body) => match body.get("displayName").and_then(Value::as_str) {
            Some(name) if !name.trim().is_empty() => Outcome::Named(name.to_owned()),
            _ => Outcome::Unknown,
        },
        Err(e) => match e.status() {
            Some(404) => Outcome::Unknown,
            Some(403) => Outcome::Denied,
            _ => Outcome::Failed,
        },
    }
}

impl GraphClient {
    /// Looks up display names through `$batch` (20 per request, `batch_get`), each inner request
    /// `GET /places/{id}` with the id percent-encoded as one path segment. Duplicates are asked once;
    /// an empty id is unknown without asking (no place has one). Inner 404, or a 2xx without a usable
    /// string `displayName`: `unknown`. Any inner 403: `denied` (names already found are kept).
    /// Other inner failures land in no list, so they are asked again. An outer failure (auth,
    /// throttle, network) is `Err`.
    pub async fn place_names(&self, ids: &[String]) -> Result<PlaceLookup, GraphError> {
        let mut lookup = PlaceLookup::default();
        let mut seen = HashSet::with_capacity(ids.len());
        let mut asked = Vec::with_capacity(ids.len());
        for id in ids {
            if !seen.insert(id.as_str()) {
                continue;
            }
            if id.is_empty() {
                lookup.unknown.push(id.clone());
            } else {
                asked.push(id);
            }
        }
        if asked.is_empty() {
            return Ok(lookup);
        }
        let urls: Vec<String> = asked
            .iter()
            .map(|id| format!("/places/{}", segment(id)))
            .collect();
        let answers = self.batch_get(&urls).await?;
        let mut failed = 0usize;
        for (id, answer) in asked.into_iter().zip(answers) {
            match outcome(answer) {
                Outcome::Named(name) => lookup.named.push((id.clone(), name)),
                Outcome::Unknown => lookup.unknown.push(id.clone()),
                Outcome::Denied => lookup.denied = true,
                Outcome::Failed => failed += 1,
            }
        }
        // Counts only: names and ids are Graph's words.
        debug!(
            named = lookup.named.len(),
            unknown = lookup.unknown.len(),
            denied = lookup.denied,
            failed,
            "place names looked up"
        );
        Ok(lookup)
    }
}

#[cfg(test)]
mod tests;
