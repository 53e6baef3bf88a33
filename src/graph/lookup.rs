//! Finding users by object id or UPN in the fewest requests the permissions allow:
//! `POST /directoryObjects/getByIds` (1,000 ids a request, Directory.Read.All) when there are many
//! ids and it has not been refused; otherwise `GET /users?$filter=id in (...)` and
//! `userPrincipalName in (...)`, 15 values a filter (Graph's limit) and 20 filters a `$batch`: 300
//! people a request with User.ReadBasic.All. Only a name no filter can express (neither an id nor a
//! UPN, or one a filter was refused for) is read on its own, `GET /users/{name}`, still 20 a `$batch`.

use std::sync::atomic::Ordering;

use bytes::Bytes;
use futures::StreamExt;
use http::Method;
use serde::Deserialize;
use tracing::{info, warn};

use crate::graph::batch::BATCH_LIMIT;
use crate::graph::client::{BATCH_CONCURRENCY, Calls, GraphClient, USER_SELECT, decode};
use crate::graph::error::GraphError;
use crate::graph::model::User;
use crate::graph::origin::segment;

/// Graph's default limit on the values of one `in` filter.
pub const FILTER_VALUES: usize = 15;
/// Ids `getByIds` takes in one request.
pub const BY_IDS_MAX: usize = 1_000;
/// `getByIds` is worth trying only above what one `$batch` of filters resolves (300 people): below,
/// filters take one request too, and need no admin-consented permission.
pub const BY_IDS_FROM: usize = FILTER_VALUES * BATCH_LIMIT;

/// How one name was looked up.
#[derive(Clone, Debug)]
pub enum Found {
    User(User),
    /// The directory has no user by that id or UPN.
    Missing,
    /// Its request failed (the caller decides whether that concerns this name or everyone).
    Failed(GraphError),
}

/// Whether `getByIds` may be tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByIds {
    Try,
    /// It was refused before (403): filters only.
    Skip,
}

/// What a lookup found, one per name in the order given, and whether `getByIds` was refused.
#[derive(Debug, Default)]
pub struct Lookup {
    pub found: Vec<Found>,
    pub by_ids_refused: bool,
}

/// How a configured name can be asked for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Id,
    Upn,
    Other,
}

fn kind(name: &str) -> Kind {
    if is_object_id(name) {
        Kind::Id
    } else if name.contains('@') {
        Kind::Upn
    } else {
        Kind::Other
    }
}

/// An object id: a GUID in its usual 8-4-4-4-12 hex form.
pub fn is_object_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// One request of the filter round: a filter over some names, or one name read on its own.
enum Ask {
    Filter(Kind, Vec<usize>),
    Single(usize),
}

/// A value inside an `OData` string literal: its quotes doubled.
fn quoted(value: &str) -> String {
    value.replace('\'', "''")
}

/// A query-string value with everything a URL could misread percent-encoded (a guest UPN's `#`,
/// `&`, `+`, spaces); quotes, parentheses and commas stay readable.
fn query_encode(text: &str) -> String {
    crate::graph::origin::percent_encode(text, b"-._~'(),@")
}

fn filter_url(kind: Kind, names: &[&str]) -> String {
    let property = if kind == Kind::Id {
        "id"
    } else {
        "userPrincipalName"
    };
    let values: Vec<String> = names.iter().map(|n| format!("'{}'", quoted(n))).collect();
    let filter = format!("{property} in ({})", values.join(","));
    format!(
        "/users?$filter={}&$select={USER_SELECT}",
        query_encode(&filter)
    )
}

/// Users out of a list answer (`value`), skipping what is not a user.
fn users_of(value: serde_json::Value) -> Result<Vec<User>, GraphError> {
    #[derive(Deserialize)]
    struct List {
        #[serde(default)]
        value: Vec<serde_json::Value>,
    }
    let list: List =
        serde_json::from_value(value).map_err(|e| GraphError::Malformed(e.to_string()))?;
    Ok(list
        .value
        .into_iter()
        .filter(|item| {
            item.get("@odata.type")
                .and_then(serde_json::Value::as_str)
                .is_none_or(|t| t.eq_ignore_ascii_case("#microsoft.graph.user"))
        })
        .filter_map(|item| serde_json::from_value::<User>(item).ok())
        .collect())
}

/// Settles the names of one answer: each gets the user whose id or UPN it names, or `Missing`.
fn settle(
    names: &[String],
    group: &[usize],
    kind: Kind,
    users: Vec<User>,
    found: &mut [Option<Found>],
) -> Vec<User> {
    /// What a filter of `kind` matched a user on.
    fn key(u: &User, kind: Kind) -> Option<&str> {
        match kind {
            Kind::Id => Some(u.id.as_str()),
            _ => u.user_principal_name.as_deref(),
        }
    }
    let mut matched = Vec::with_capacity(users.len());
    for user in users {
        let Some(i) = key(&user, kind).and_then(|k| {
            group
                .iter()
                .copied()
                .find(|&i| found[i].is_none() && names[i].eq_ignore_ascii_case(k))
        }) else {
            continue;
        };
        matched.push(user.clone());
        found[i] = Some(Found::User(user));
    }
    for &i in group {
        found[i].get_or_insert(Found::Missing);
    }
    matched
}

impl GraphClient {
    /// Whether `getByIds` was refused to this client (remembered for the process).
    pub fn by_ids_refused(&self) -> bool {
        self.inner.by_ids_refused.load(Ordering::Relaxed)
    }

    /// Looks up every name (object id, UPN, or anything `/users/{name}` takes), handing each batch
    /// of users found to `progress` with how many names are settled so far. An outer failure
    /// (auth, throttling, network) fails the lookup; a failed inner request is that name's `Failed`.
    pub async fn find_users(
        &self,
        names: &[String],
        by_ids: ByIds,
        mut progress: impl FnMut(&[User], usize),
    ) -> Result<Lookup, GraphError> {
        self.check_fresh()?;
        let mut found: Vec<Option<Found>> = vec![None; names.len()];
        let ids: Vec<usize> = (0..names.len())
            .filter(|&i| kind(&names[i]) == Kind::Id)
            .collect();
        let mut refused = false;
        let mut settled = 0;
        if by_ids == ByIds::Try && !self.by_ids_refused() && ids.len() > BY_IDS_FROM {
            refused = self
                .by_ids(names, &ids, &mut found, &mut settled, &mut progress)
                .await?;
        }
        // Everything `getByIds` did not settle goes to filters (or single reads).
        let mut asks = Vec::new();
        for k in [Kind::Id, Kind::Upn] {
            let open: Vec<usize> = (0..names.len())
                .filter(|&i| found[i].is_none() && kind(&names[i]) == k)
                .collect();
            asks.extend(
                open.chunks(FILTER_VALUES)
                    .map(|group| Ask::Filter(k, group.to_vec())),
            );
        }
        asks.extend(
            (0..names.len())
                .filter(|&i| found[i].is_none() && kind(&names[i]) == Kind::Other)
                .map(Ask::Single),
        );
        let refused_filters = self
            .ask(names, &asks, &mut found, &mut settled, &mut progress)
            .await?;
        // A filter Graph would not take (a value it cannot express): each of its names on its own.
        if !refused_filters.is_empty() {
            let singles: Vec<Ask> = refused_filters.into_iter().map(Ask::Single).collect();
            self.ask(names, &singles, &mut found, &mut settled, &mut progress)
                .await?;
        }
        Ok(Lookup {
            found: found
                .into_iter()
                .map(|f| {
                    f.unwrap_or_else(|| {
                        Found::Failed(GraphError::Malformed("no answer for this name".into()))
                    })
                })
                .collect(),
            by_ids_refused: refused,
        })
    }

    /// The `getByIds` round: the first request alone (a refusal then costs one request), the rest
    /// `BATCH_CONCURRENCY` at a time. Returns whether it was refused; ids it could not settle are
    /// left for the filters.
    async fn by_ids(
        &self,
        names: &[String],
        ids: &[usize],
        found: &mut [Option<Found>],
        settled: &mut usize,
        progress: &mut impl FnMut(&[User], usize),
    ) -> Result<bool, GraphError> {
        let calls = Calls::default();
        let chunks: Vec<&[usize]> = ids.chunks(BY_IDS_MAX).collect();
        let Some((first, rest)) = chunks.split_first() else {
            return Ok(self.by_ids_refused());
        };
        // The first chunk alone: a refusal (no Directory.Read.All) costs one request, not all.
        let answer = self.by_ids_chunk(names, first, &calls).await;
        if matches!(&answer, Err(e) if e.status() == Some(403)) {
            self.refuse_by_ids();
            return Ok(true);
        }
        let calls = &calls;
        // Over indices, as `batch_get` does, so the future stays provably `Send`.
        let mut stream = futures::stream::iter(0..rest.len())
            .map(|k| self.tagged_by_ids(names, rest[k], calls))
            .buffer_unordered(BATCH_CONCURRENCY);
        self.take_by_ids(names, first, answer, found, settled, progress)?;
        while let Some((chunk, answer)) = stream.next().await {
            self.take_by_ids(names, chunk, answer, found, settled, progress)?;
        }
        Ok(self.by_ids_refused())
    }

    fn refuse_by_ids(&self) {
        if !self.inner.by_ids_refused.swap(true, Ordering::Relaxed) {
            info!(
                "directoryObjects/getByIds refused (Directory.Read.All not granted); resolving with filters"
            );
        }
    }

    fn take_by_ids(
        &self,
        names: &[String],
        chunk: &[usize],
        answer: Result<Vec<User>, GraphError>,
        found: &mut [Option<Found>],
        settled: &mut usize,
        progress: &mut impl FnMut(&[User], usize),
    ) -> Result<(), GraphError> {
        match answer {
            Ok(users) => {
                let matched = settle(names, chunk, Kind::Id, users, found);
                *settled += chunk.len();
                progress(&matched, *settled);
                Ok(())
            }
            Err(e) if e.status() == Some(403) => {
                self.refuse_by_ids();
                Ok(())
            }
            // Not offered here, or not taken: the filters will do.
            Err(e) if matches!(e.status(), Some(400 | 404)) => {
                warn!(
                    status = e.status(),
                    "directoryObjects/getByIds not usable; resolving with filters"
                );
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    async fn tagged_by_ids<'a>(
        &'a self,
        names: &'a [String],
        chunk: &'a [usize],
        calls: &'a Calls,
    ) -> (&'a [usize], Result<Vec<User>, GraphError>) {
        (chunk, self.by_ids_chunk(names, chunk, calls).await)
    }

    async fn by_ids_chunk(
        &self,
        names: &[String],
        chunk: &[usize],
        calls: &Calls,
    ) -> Result<Vec<User>, GraphError> {
        #[derive(serde::Serialize)]
        struct Body<'a> {
            ids: Vec<&'a str>,
            types: [&'static str; 1],
        }
        let body = Body {
            ids: chunk.iter().map(|&i| names[i].as_str()).collect(),
            types: ["user"],
        };
        let body = serde_json::to_vec(&body).map_err(|e| GraphError::Malformed(e.to_string()))?;
        let url = self.inner.base.join("/directoryObjects/getByIds");
        let response = self
            .send(Method::POST, &url, Some(Bytes::from(body)), calls)
            .await?;
        users_of(decode(response.body())?)
    }

    /// One round of filters and single reads through `$batch`. Returns the names of filters Graph
    /// refused as a bad request, for single reads.
    async fn ask(
        &self,
        names: &[String],
        asks: &[Ask],
        found: &mut [Option<Found>],
        settled: &mut usize,
        progress: &mut impl FnMut(&[User], usize),
    ) -> Result<Vec<usize>, GraphError> {
        if asks.is_empty() {
            return Ok(Vec::new());
        }
        let urls: Vec<String> = asks
            .iter()
            .map(|ask| match ask {
                Ask::Filter(k, group) => {
                    let group: Vec<&str> = group.iter().map(|&i| names[i].trim()).collect();
                    filter_url(*k, &group)
                }
                Ask::Single(i) => {
                    format!("/users/{}?$select={USER_SELECT}", segment(names[*i].trim()))
                }
            })
            .collect();
        let mut refused = Vec::new();
        self.batch_get_as_answered(&urls, |offset, answers| {
            let mut matched = Vec::new();
            for (k, answer) in answers.into_iter().enumerate() {
                match (&asks[offset + k], answer) {
                    // An unreadable list is `Malformed`, never a 400: only Graph's refusals go
                    // to single reads.
                    (Ask::Filter(kind, group), answer) => match answer.and_then(users_of) {
                        Ok(users) => {
                            matched.extend(settle(names, group, *kind, users, found));
                            *settled += group.len();
                        }
                        Err(e) if e.status() == Some(400) => refused.extend_from_slice(group),
                        Err(e) => {
                            for &i in group {
                                found[i] = Some(Found::Failed(e.clone()));
                            }
                            *settled += group.len();
                        }
                    },
                    (Ask::Single(i), Ok(value)) => {
                        match serde_json::from_value::<User>(value) {
                            Ok(user) => {
                                matched.push(user.clone());
                                found[*i] = Some(Found::User(user));
                            }
                            Err(e) => {
                                found[*i] =
                                    Some(Found::Failed(GraphError::Malformed(e.to_string())));
                            }
                        }
                        *settled += 1;
                    }
                    (Ask::Single(i), Err(e)) => {
                        found[*i] = Some(if e.status() == Some(404) {
                            Found::Missing
                        } else {
                            Found::Failed(e)
                        });
                        *settled += 1;
                    }
                }
            }
            progress(&matched, *settled);
        })
        .await?;
        Ok(refused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sorted_by_how_they_can_be_asked_for() {
        assert!(kind("66825e03-7ef5-42da-9069-724602c31f6b") == Kind::Id);
        assert!(kind("adele@contoso.com") == Kind::Upn);
        assert!(kind("adele") == Kind::Other);
        assert!(kind("66825e03-7ef5-42da-9069-724602c31f6") == Kind::Other);
    }

    #[test]
    fn filters_quote_and_encode_what_a_url_or_odata_would_misread() {
        let url = filter_url(
            Kind::Upn,
            &[
                "o'brien@x.com",
                "guest_f.com#EXT#@x.onmicrosoft.com",
                "a+b@x.com",
            ],
        );
        assert_eq!(
            url,
            format!(
                "/users?$filter=userPrincipalName%20in%20('o''brien@x.com','guest_f.com%23EXT%23@x.onmicrosoft.com','a%2Bb@x.com')&$select={USER_SELECT}"
            )
        );
        assert!(filter_url(Kind::Id, &["a"]).starts_with("/users?$filter=id%20in%20('a')&"));
    }
}
