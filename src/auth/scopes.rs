//! The permissions teamboard asks for: only what the config uses, on the Graph resource the config
//! points at (national clouds have their own).

use crate::config::Config;

/// Sign-in scopes every delegated sign-in asks for: a refresh token and who signed in.
const OPENID: [&str; 3] = ["offline_access", "openid", "profile"];

/// The Graph resource for `[graph] base_url`: its origin for Microsoft's national clouds, the global
/// Graph otherwise (the simulated tenant answers as the global cloud does).
pub fn resource(base_url: &str) -> &'static str {
    const CLOUDS: [&str; 3] = [
        "https://graph.microsoft.us",
        "https://dod-graph.microsoft.us",
        "https://microsoftgraph.chinacloudapi.cn",
    ];
    CLOUDS
        .into_iter()
        .find(|cloud| {
            base_url
                .strip_prefix(cloud)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
        .unwrap_or("https://graph.microsoft.com")
}

/// Graph permissions asked for only when a feature first needs them (writing your own presence),
/// then kept: renewals ask for each one the stored sign-in holds.
pub const OPTIONAL: [&str; 1] = [crate::graph::own::WRITE_PERMISSION];

/// The Graph permissions (short names) this config needs.
pub fn graph_permissions(config: &Config) -> Vec<&'static str> {
    let mut scopes = vec!["Presence.Read.All", "User.ReadBasic.All"];
    if !config.team.groups.is_empty() {
        scopes.push("GroupMember.Read.All");
    }
    if config.graph.place_names {
        scopes.push("Place.Read.All");
    }
    if config.calendar.enabled {
        scopes.push("Calendars.ReadBasic");
    }
    scopes
}

/// Everything a delegated sign-in asks for, as the token endpoint takes them.
pub fn delegated(config: &Config) -> Vec<String> {
    let resource = resource(&config.graph.base_url);
    graph_permissions(config)
        .into_iter()
        .map(|p| format!("{resource}/{p}"))
        .chain(OPENID.iter().map(|s| (*s).to_owned()))
        .collect()
}

/// The Graph permissions of `wanted` that `granted` (short names, as stored) lacks.
pub fn missing<'a>(wanted: &[&'a str], granted: &[String]) -> Vec<&'a str> {
    wanted
        .iter()
        .filter(|w| !granted.iter().any(|g| g.eq_ignore_ascii_case(w)))
        .copied()
        .collect()
}

/// App-only mode asks for the application permissions granted to the registration.
pub fn app_only(config: &Config) -> String {
    format!("{}/.default", resource(&config.graph.base_url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_the_config_uses_is_asked_for() {
        let mut config = Config::default();
        let base = delegated(&config);
        assert_eq!(
            base,
            [
                "https://graph.microsoft.com/Presence.Read.All",
                "https://graph.microsoft.com/User.ReadBasic.All",
                "offline_access",
                "openid",
                "profile"
            ]
        );
        config.team.groups = vec!["g".into()];
        config.graph.place_names = true;
        let more = graph_permissions(&config);
        assert!(more.contains(&"GroupMember.Read.All") && more.contains(&"Place.Read.All"));
        assert!(
            !more.contains(&"Calendars.ReadBasic"),
            "calendars are asked for only when turned on"
        );
        config.calendar.enabled = true;
        assert!(graph_permissions(&config).contains(&"Calendars.ReadBasic"));
    }

    #[test]
    fn national_clouds_ask_their_own_graph() {
        assert_eq!(
            resource("https://graph.microsoft.us/v1.0"),
            "https://graph.microsoft.us"
        );
        assert_eq!(
            resource("https://dod-graph.microsoft.us/v1.0"),
            "https://dod-graph.microsoft.us"
        );
        assert_eq!(
            resource("http://127.0.0.1:4000/v1.0"),
            "https://graph.microsoft.com"
        );
        assert_eq!(
            resource("https://graph.microsoft.us.evil.example/v1.0"),
            "https://graph.microsoft.com"
        );
        let mut config = Config::default();
        config.graph.base_url = "https://graph.microsoft.us/v1.0".into();
        assert_eq!(app_only(&config), "https://graph.microsoft.us/.default");
    }

    #[test]
    fn missing_permissions_compare_without_case() {
        let granted = vec!["presence.read.all".to_owned()];
        assert_eq!(
            missing(&["Presence.Read.All", "Place.Read.All"], &granted),
            ["Place.Read.All"]
        );
    }
}
