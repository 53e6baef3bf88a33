//! Scope parameters as Entra reads them: `OpenID` scopes apart, Graph permissions with or without
//! the resource prefix, `.default`, and the `scope` the token answer gives back.

use crate::sim::errors::OAuthError;

/// Graph's application id, which also names it as a resource.
pub(crate) const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
const GRAPH_RESOURCE: &str = "https://graph.microsoft.com";

/// The Graph delegated permissions this tenant knows, in Graph's own spelling.
const KNOWN: &[&str] = &[
    "Presence.Read",
    "Presence.Read.All",
    "Presence.ReadWrite",
    "User.Read",
    "User.ReadWrite",
    "User.ReadBasic.All",
    "User.Read.All",
    "User.ReadWrite.All",
    "GroupMember.Read.All",
    "Group.Read.All",
    "Directory.Read.All",
    "Place.Read.All",
    "Calendars.ReadBasic",
    "Calendars.Read",
    "People.Read",
    "People.Read.All",
];

/// The permissions the app registration is configured with: what `.default` asks for, and what
/// the static token holds (everything the demo does, writes included).
pub(crate) const REGISTERED: &[&str] = &[
    "Presence.Read.All",
    "Presence.ReadWrite",
    "User.ReadBasic.All",
    "User.Read",
    "GroupMember.Read.All",
    "Place.Read.All",
    "Calendars.ReadBasic",
];

/// The application permissions an app-only (client credentials) token carries as `roles`.
pub(crate) const APP_ROLES: &[&str] = &["Presence.Read.All", "User.Read.All", "Calendars.Read"];

/// What a `scope` parameter asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Requested {
    /// Graph permissions, canonical spelling, each once, in the order asked.
    pub graph: Vec<&'static str>,
    pub openid: bool,
    pub offline_access: bool,
    /// Graph's permissions were named with the resource (`https://graph.microsoft.com/...`).
    pub qualified: bool,
    /// `.default` was asked for.
    pub default: bool,
}

/// A Graph permission's canonical name, given with or without the resource prefix.
pub(crate) fn graph_name(scope: &str) -> Option<&'static str> {
    let name = strip_resource(scope)?;
    KNOWN.iter().copied().find(|k| k.eq_ignore_ascii_case(name))
}

/// The part after Graph's resource prefix; the scope itself when it has none; `None` for a scope
/// of another resource.
fn strip_resource(scope: &str) -> Option<&str> {
    for prefix in [GRAPH_RESOURCE, GRAPH_APP_ID] {
        if scope.len() > prefix.len()
            && scope.is_char_boundary(prefix.len())
            && scope[..prefix.len()].eq_ignore_ascii_case(prefix)
        {
            return scope[prefix.len()..].strip_prefix('/');
        }
    }
    (!scope.contains('/')).then_some(scope)
}

/// Reads a `scope` parameter. Scopes without a resource are Graph's (Entra's default resource).
pub(crate) fn parse(scope: &str) -> Result<Requested, OAuthError> {
    let mut requested = Requested::default();
    let add = |requested: &mut Requested, name: &'static str| {
        if !requested.graph.contains(&name) {
            requested.graph.push(name);
        }
    };
    for word in scope.split_whitespace() {
        if word.contains('/') && strip_resource(word).is_some() {
            requested.qualified = true;
        }
        match word.to_ascii_lowercase().as_str() {
            "openid" => requested.openid = true,
            "offline_access" => requested.offline_access = true,
            // Consent to any scope covers these; they only shape the id token.
            "profile" | "email" => {}
            _ => match strip_resource(word) {
                Some(".default") => {
                    requested.default = true;
                    for name in REGISTERED {
                        add(&mut requested, name);
                    }
                }
                Some(name) => {
                    let known = KNOWN
                        .iter()
                        .copied()
                        .find(|k| k.eq_ignore_ascii_case(name))
                        .ok_or_else(|| invalid_scope(word))?;
                    add(&mut requested, known);
                }
                None => return Err(unknown_resource(word)),
            },
        }
    }
    Ok(requested)
}

/// True when `scope` names Graph's `.default` (the client credentials grant needs exactly that).
pub(crate) fn is_graph_default(scope: &str) -> bool {
    let mut words = scope.split_whitespace();
    matches!((words.next(), words.next()), (Some(word), None)
        if strip_resource(word) == Some(".default") && word.contains('/'))
}

pub(crate) fn invalid_scope(scope: &str) -> OAuthError {
    OAuthError::new(
        "invalid_scope",
        70_011,
        format!(
            "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope '{scope}' does not exist."
        ),
    )
}

fn unknown_resource(scope: &str) -> OAuthError {
    let resource = scope.rsplit_once('/').map_or(scope, |(r, _)| r);
    OAuthError::new(
        "invalid_resource",
        500_011,
        format!(
            "The resource principal named {resource} was not found in the tenant named Contoso. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant."
        ),
    )
}

/// The `scope` of a token answer. Entra lists every Graph permission consented for the app (not
/// only those asked for) in the form the request used: with the resource prefix when the request
/// had it (so a client's token cache finds the scopes it asked for), by short name otherwise. When
/// `openid` was asked it adds `profile openid email` (consent to any scope covers them all), and
/// `offline_access` when asked.
pub(crate) fn answer(granted: &[&'static str], requested: &Requested) -> String {
    let mut words: Vec<String> = granted
        .iter()
        .map(|name| {
            if requested.qualified {
                format!("{GRAPH_RESOURCE}/{name}")
            } else {
                (*name).to_owned()
            }
        })
        .collect();
    if requested.default && requested.qualified {
        words.push(format!("{GRAPH_RESOURCE}/.default"));
    }
    if requested.openid {
        words.extend(["profile", "openid", "email"].map(str::to_owned));
    }
    if requested.offline_access {
        words.push("offline_access".to_owned());
    }
    words.join(" ")
}

/// The access token's `scp`: Graph's permissions by short name, and the `OpenID` ones.
pub(crate) fn scp(granted: &[&'static str], requested: &Requested) -> String {
    let mut words: Vec<&str> = granted.to_vec();
    if requested.openid {
        words.extend(["profile", "openid", "email"]);
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_scopes_with_or_without_prefix_and_openid_apart() {
        let r = parse(
            "https://graph.microsoft.com/presence.read.all User.ReadBasic.All offline_access openid profile",
        )
        .unwrap();
        assert_eq!(r.graph, ["Presence.Read.All", "User.ReadBasic.All"]);
        assert!(r.openid && r.offline_access);
        let r = parse("00000003-0000-0000-c000-000000000000/.default").unwrap();
        assert_eq!(r.graph, REGISTERED);
        assert!(!r.openid);
        assert_eq!(parse("Presence.Read.Al").unwrap_err().code, 70_011);
        assert_eq!(
            parse("api://other/access_as_user").unwrap_err().code,
            500_011
        );
        assert_eq!(
            graph_name("https://graph.microsoft.com/PLACE.READ.ALL"),
            Some("Place.Read.All")
        );
        assert_eq!(graph_name("https://outlook.office.com/Mail.Read"), None);
        assert!(is_graph_default("https://graph.microsoft.com/.default"));
        assert!(!is_graph_default(".default"));
        assert!(!is_graph_default("https://graph.microsoft.com/User.Read"));
        assert_eq!(
            answer(&["User.Read"], &parse("openid User.Read").unwrap()),
            "User.Read profile openid email"
        );
        let qualified = parse("https://graph.microsoft.com/User.Read offline_access").unwrap();
        assert!(qualified.qualified && !qualified.default);
        assert_eq!(
            answer(&["User.Read", "Place.Read.All"], &qualified),
            "https://graph.microsoft.com/User.Read https://graph.microsoft.com/Place.Read.All offline_access"
        );
        assert_eq!(scp(&["User.Read"], &qualified), "User.Read");
        let default = parse("https://graph.microsoft.com/.default openid").unwrap();
        assert_eq!(
            answer(&["User.Read"], &default),
            "https://graph.microsoft.com/User.Read https://graph.microsoft.com/.default profile openid email"
        );
    }
}
