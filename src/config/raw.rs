//! The config file as written: serde structs that reject unknown keys and keep every value's span.
//!
//! Numbers are read as `i64` and choices as strings so that range and choice errors get our own
//! message (with the allowed values) instead of serde's.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

pub type S<T> = Option<Spanned<T>>;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub graph: Option<RawGraph>,
    pub auth: Option<RawAuth>,
    pub team: Option<RawTeam>,
    pub refresh: Option<RawRefresh>,
    pub ui: Option<RawUi>,
    pub watch: Option<RawWatch>,
    pub calendar: Option<RawCalendar>,
    pub keys: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGraph {
    pub base_url: S<String>,
    pub timeout_secs: S<i64>,
    pub place_names: S<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAuth {
    pub authority: S<String>,
    pub tenant: S<String>,
    pub client_id: S<String>,
    pub token_store: S<String>,
    pub mode: S<String>,
    pub client_secret_env: S<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTeam {
    pub members: S<Vec<Spanned<String>>>,
    pub groups: S<Vec<Spanned<String>>>,
    pub include_me: S<bool>,
    pub roster_ttl_hours: S<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRefresh {
    pub interval_secs: S<i64>,
    pub unfocused_interval_secs: S<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUi {
    pub symbols: S<String>,
    pub theme: S<String>,
    pub sort: S<String>,
    pub group_by: S<String>,
    pub mouse: S<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWatch {
    pub people: S<Vec<Spanned<String>>>,
    pub alert_on: S<Vec<Spanned<String>>>,
    pub cooldown_mins: S<i64>,
    pub desktop: S<String>,
    pub command: S<Vec<Spanned<String>>>,
    pub quiet: S<String>,
    pub quiet_days: S<Vec<Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCalendar {
    pub enabled: S<bool>,
    pub min_free_mins: S<i64>,
    pub refresh_mins: S<i64>,
}

/// Every table and key the file may hold, for "did you mean" and for naming what a value must be.
pub const SCHEMA: &[(&str, &[(&str, &str)])] = &[
    (
        "graph",
        &[
            (
                "base_url",
                "a URL in quotes, e.g. \"https://graph.microsoft.com/v1.0\"",
            ),
            ("timeout_secs", "a whole number of seconds, e.g. 15"),
            ("place_names", "true or false"),
        ],
    ),
    (
        "auth",
        &[
            (
                "authority",
                "a URL in quotes, e.g. \"https://login.microsoftonline.com\"",
            ),
            (
                "tenant",
                "a tenant id or domain in quotes, e.g. \"organizations\"",
            ),
            (
                "client_id",
                "an application id in quotes, e.g. \"00000000-0000-0000-0000-000000000000\"",
            ),
            ("token_store", "one of \"auto\", \"keyring\", \"file\""),
            ("mode", "one of \"user\", \"app\""),
            (
                "client_secret_env",
                "the name of an environment variable in quotes, e.g. \"TEAMBOARD_CLIENT_SECRET\"",
            ),
        ],
    ),
    (
        "team",
        &[
            (
                "members",
                "a list of UPNs or object ids, e.g. [\"adele@contoso.com\"]",
            ),
            ("groups", "a list of group object ids, e.g. []"),
            ("include_me", "true or false"),
            ("roster_ttl_hours", "a whole number of hours, e.g. 24"),
        ],
    ),
    (
        "refresh",
        &[
            (
                "interval_secs",
                "a whole number of seconds, 5 or more, e.g. 30",
            ),
            (
                "unfocused_interval_secs",
                "a whole number of seconds, at least interval_secs, e.g. 120",
            ),
        ],
    ),
    (
        "ui",
        &[
            ("symbols", "one of \"unicode\", \"ascii\""),
            (
                "sort",
                "one of \"availability\", \"name\", \"recent\", \"free\"",
            ),
            ("group_by", "one of \"none\", \"availability\""),
            ("mouse", "true or false"),
            ("theme", "one of \"dark\", \"light\", \"mono\""),
        ],
    ),
    (
        "calendar",
        &[
            ("enabled", "true or false"),
            (
                "min_free_mins",
                "a whole number of minutes, 5 to 480, e.g. 15",
            ),
            (
                "refresh_mins",
                "a whole number of minutes, 5 to 1440, e.g. 10",
            ),
        ],
    ),
    ("keys", &[]),
    (
        "watch",
        &[
            (
                "people",
                "a list of UPNs or object ids, e.g. [\"adele@contoso.com\"]",
            ),
            (
                "alert_on",
                "a list of availabilities or \"back\", e.g. [\"Available\"]",
            ),
            ("cooldown_mins", "a whole number of minutes, e.g. 5"),
            ("desktop", "one of \"auto\", \"osc9\", \"osc777\", \"off\""),
            (
                "command",
                "a program and its arguments, e.g. [\"notify-send\", \"teamboard\", \"{name} is {availability}\"]",
            ),
            ("quiet", "two times in quotes, e.g. \"18:00-08:00\""),
            ("quiet_days", "a list of days, e.g. [\"Sat\", \"Sun\"]"),
        ],
    ),
];

pub fn table_keys(table: &str) -> Option<&'static [(&'static str, &'static str)]> {
    SCHEMA.iter().find(|(t, _)| *t == table).map(|(_, k)| *k)
}
