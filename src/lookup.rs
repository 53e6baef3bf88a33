//! People named on the command line (`wait`, `status PERSON...`): a UPN, an object id, or a unique
//! part of a display name from the roster. Anyone in the directory can be named by UPN or id, in
//! the config or not (one `$batch` read for those the roster does not hold).

use crate::config::Config;
use crate::exit::{Exit, Failure};
use crate::graph::client::{GraphClient, USER_SELECT};
use crate::graph::error::GraphError;
use crate::graph::model::User;
use crate::graph::origin::segment;
use crate::status::graph_failure;
use crate::store::Store;
use crate::text::{SafeText, fit};

/// Candidates listed when a name fits several people.
const LISTED: usize = 5;

/// What a name may stand for among `users`: `Ok(None)` when it names nobody there.
pub fn in_roster<'u>(name: &str, users: &[&'u User]) -> Result<Option<&'u User>, Failure> {
    let name = name.trim();
    let exact = users.iter().find(|u| {
        u.id.as_str() == name
            || u.user_principal_name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
            || u.mail
                .as_deref()
                .is_some_and(|m| m.eq_ignore_ascii_case(name))
    });
    if let Some(user) = exact {
        return Ok(Some(user));
    }
    if looks_like_key(name) {
        return Ok(None);
    }
    let part = crate::app::filter::fold(name);
    let mut found: Vec<&User> = users
        .iter()
        .copied()
        .filter(|u| {
            u.display_name
                .as_deref()
                .is_some_and(|d| crate::app::filter::fold(d).contains(&part))
        })
        .collect();
    found.dedup_by(|a, b| a.id == b.id);
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => Err(ambiguous(name, many)),
    }
}

/// A UPN or an object id, looked up as such; anything else is a part of a name.
pub fn looks_like_key(name: &str) -> bool {
    name.contains('@') || crate::graph::lookup::is_object_id(name)
}

fn shown(user: &User) -> String {
    let name = user.shown_name();
    match user
        .user_principal_name
        .as_deref()
        .or(user.mail.as_deref())
        .map(SafeText::line)
    {
        Some(upn) if upn != name => format!("{} ({upn})", fit(name.as_str(), 40)),
        _ => fit(name.as_str(), 40).into_owned(),
    }
}

fn ambiguous(name: &str, many: &[&User]) -> Failure {
    let mut listed: Vec<String> = many.iter().take(LISTED).map(|u| shown(u)).collect();
    if many.len() > LISTED {
        listed.push(format!("{} more", many.len() - LISTED));
    }
    Failure::new(
        Exit::Usage,
        format!(
            "\"{}\" fits {} people: {}; name one by more of the name, or by UPN",
            fit(SafeText::line(name).as_str(), 40),
            many.len(),
            listed.join(", ")
        ),
    )
}

/// The people `names` name. A part of a name needs the team to look in (the cached roster, else
/// resolved now); UPNs and ids are looked up in the cached roster when it is fresh, else in the
/// directory.
pub async fn named_people(
    config: &Config,
    store: Option<&Store>,
    client: &GraphClient,
    names: &[String],
) -> Result<Vec<User>, Failure> {
    let team = if names.iter().all(|n| looks_like_key(n)) {
        store
            .and_then(|s| s.load_roster(config.team.roster_ttl))
            .filter(|r| r.matches(&config.team))
    } else {
        Some(crate::status::roster(config, store, client).await?)
    };
    let known: Vec<&User> = team
        .as_ref()
        .map(|r| r.everyone().collect())
        .unwrap_or_default();
    resolve(client, names, &known).await
}

/// Finds every name: in `roster` first, then in the directory by UPN or id (one `$batch` for all
/// of those). A name that fits nobody is an error naming it.
pub async fn resolve(
    client: &GraphClient,
    names: &[String],
    roster: &[&User],
) -> Result<Vec<User>, Failure> {
    let mut found: Vec<Option<User>> = Vec::with_capacity(names.len());
    let mut ask: Vec<(usize, String)> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let user = in_roster(name, roster)?.cloned();
        if user.is_none() {
            ask.push((i, name.trim().to_owned()));
        }
        found.push(user);
    }
    if !ask.is_empty() {
        let urls: Vec<String> = ask
            .iter()
            .map(|(_, n)| format!("/users/{}?$select={USER_SELECT}", segment(n)))
            .collect();
        let answers = client
            .batch_get(&urls)
            .await
            .map_err(|e| graph_failure(&e))?;
        for ((i, name), answer) in ask.into_iter().zip(answers) {
            let user = answer.and_then(|v| {
                serde_json::from_value::<User>(v).map_err(|e| GraphError::Malformed(e.to_string()))
            });
            match user {
                Ok(user) => found[i] = Some(user),
                Err(GraphError::Http {
                    status: 404 | 400, ..
                }) => {
                    return Err(Failure::new(
                        Exit::Usage,
                        format!(
                            "nobody is named \"{}\" in the team or the directory; use a UPN, an object id or part of a teammate's name",
                            fit(SafeText::line(&name).as_str(), 60)
                        ),
                    ));
                }
                Err(e) => return Err(graph_failure(&e)),
            }
        }
    }
    let mut users: Vec<User> = found.into_iter().flatten().collect();
    let mut seen = std::collections::HashSet::new();
    users.retain(|u| seen.insert(u.id.clone()));
    Ok(users)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::UserId;

    fn user(id: &str, name: &str, upn: &str) -> User {
        User {
            id: UserId::new(id),
            display_name: Some(name.into()),
            user_principal_name: Some(upn.into()),
            mail: None,
            job_title: None,
            department: None,
        }
    }

    #[test]
    fn upns_ids_and_unique_name_parts_find_one_person() {
        let people = [
            user("1", "Ann Lee", "ann@contoso.com"),
            user("2", "Johanna Berg", "johanna@contoso.com"),
            user("3", "Bob Stone", "bob@contoso.com"),
        ];
        let roster: Vec<&User> = people.iter().collect();
        let find = |n: &str| {
            in_roster(n, &roster)
                .unwrap()
                .map(|u| u.id.as_str().to_owned())
        };
        assert_eq!(find("ANN@contoso.com").as_deref(), Some("1"));
        assert_eq!(find("3").as_deref(), Some("3"));
        assert_eq!(find("stone").as_deref(), Some("3"));
        assert_eq!(find("ann lee").as_deref(), Some("1"));
        assert_eq!(find("carol"), None);
        assert_eq!(
            find("carol@contoso.com"),
            None,
            "looked up in the directory"
        );
    }

    #[test]
    fn an_ambiguous_part_lists_the_candidates_sanitized() {
        let people = [
            user("1", "Ann Lee", "ann@contoso.com"),
            user("2", "Johanna\x1b]0;pwned\x07 Berg", "johanna@contoso.com"),
        ];
        let roster: Vec<&User> = people.iter().collect();
        let e = in_roster("ann", &roster).unwrap_err();
        assert_eq!(e.exit, Exit::Usage);
        assert_eq!(
            e.message.as_str(),
            "\"ann\" fits 2 people: Ann Lee (ann@contoso.com), Johanna Berg (johanna@contoso.com); \
             name one by more of the name, or by UPN"
        );
    }

    #[test]
    fn guids_and_upns_are_keys() {
        assert!(looks_like_key("66825e03-7ef5-42da-9069-724602c31f6b"));
        assert!(looks_like_key("a@b"));
        assert!(!looks_like_key("ann"));
        assert!(!looks_like_key("66825e03-7ef5"));
    }
}
