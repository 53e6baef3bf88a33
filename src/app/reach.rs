//! Reaching the selected person: the Teams chat and call links, `mailto:`, and the text copied for
//! them. Links are built from the directory's UPN and mail, percent-encoded, so nothing in them can
//! add a parameter or leave the address.

use oauth2::url::form_urlencoded::byte_serialize;

/// How links are opened here, decided once at start from the environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reach {
    /// A browser can be opened (`BROWSER` set, or a desktop session not reached over ssh); otherwise a
    /// link is copied instead.
    pub can_open: bool,
    /// Teams' web address for the cloud the config points at.
    pub teams: &'static str,
}

impl Default for Reach {
    fn default() -> Self {
        Self {
            can_open: false,
            teams: TEAMS,
        }
    }
}

const TEAMS: &str = "https://teams.microsoft.com";

/// Teams' host for the Graph the config reads: the US government clouds have their own.
pub fn teams_host(graph_base_url: &str) -> &'static str {
    let host = graph_base_url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', ':']).next())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match host.as_str() {
        "graph.microsoft.us" => "https://teams.microsoft.us",
        "dod-graph.microsoft.us" => "https://dod.teams.microsoft.us",
        _ => TEAMS,
    }
}

fn encode(text: &str) -> String {
    byte_serialize(text.as_bytes()).collect()
}

/// A chat with `upn`.
pub fn chat(teams: &str, upn: &str) -> String {
    format!("{teams}/l/chat/0/0?users={}", encode(upn))
}

/// A call to `upn`.
pub fn call(teams: &str, upn: &str) -> String {
    format!("{teams}/l/call/0/0?users={}", encode(upn))
}

/// A new mail to `mail`.
pub fn mailto(mail: &str) -> String {
    // `@` stays readable; everything that could start a header (`?`, `&`) or break out is encoded.
    format!("mailto:{}", encode(mail).replace("%40", "@"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_encode_what_could_change_their_meaning() {
        assert_eq!(
            chat(TEAMS, "ann@contoso.com"),
            "https://teams.microsoft.com/l/chat/0/0?users=ann%40contoso.com"
        );
        assert_eq!(
            call(TEAMS, "guest_x.com#EXT#@contoso.onmicrosoft.com"),
            "https://teams.microsoft.com/l/call/0/0?users=guest_x.com%23EXT%23%40contoso.onmicrosoft.com"
        );
        assert_eq!(
            mailto("a@b.c?cc=evil@x.y&body=hi"),
            "mailto:a@b.c%3Fcc%3Devil@x.y%26body%3Dhi"
        );
    }

    #[test]
    fn government_clouds_have_their_own_teams() {
        assert_eq!(teams_host("https://graph.microsoft.com/v1.0"), TEAMS);
        assert_eq!(
            teams_host("https://graph.microsoft.us/v1.0"),
            "https://teams.microsoft.us"
        );
        assert_eq!(
            teams_host("https://DOD-GRAPH.microsoft.us/v1.0"),
            "https://dod.teams.microsoft.us"
        );
        assert_eq!(teams_host("http://127.0.0.1:4000/v1.0"), TEAMS);
    }
}
