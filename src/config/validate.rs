//! From the raw file to the typed `Config`: ranges, choices and URLs checked, each fault with its line.

use std::time::Duration;

use toml::Spanned;

use super::error::{line_of, quote};
use super::raw::{RawAuth, RawCalendar, RawConfig, RawGraph, RawRefresh, RawTeam, RawUi};
use super::{
    AuthMode, Config, GroupBy, KeyOverride, SortOrder, Symbols, ThemeName, TokenStoreKind,
};

/// A value that is the right type but not acceptable: where it is and what is wrong, one line.
pub struct Invalid {
    pub line: usize,
    pub message: String,
}

pub(super) struct Check<'t> {
    text: &'t str,
}

impl Check<'_> {
    fn fail<T>(&self, span: &std::ops::Range<usize>, message: String) -> Result<T, Invalid> {
        Err(self.invalid(span.clone(), message))
    }

    /// The error `message` at the line of `span`.
    pub(super) fn invalid(&self, span: std::ops::Range<usize>, message: String) -> Invalid {
        Invalid {
            line: line_of(self.text, span.start),
            message,
        }
    }

    pub(super) fn number(
        &self,
        v: &Spanned<i64>,
        table: &str,
        key: &str,
        range: (i64, i64),
        unit: &str,
    ) -> Result<u64, Invalid> {
        let n = *v.get_ref();
        if n < range.0 || n > range.1 {
            return self.fail(
                &v.span(),
                format!(
                    "\"{key}\" in [{table}] is {n}; use a number of {unit} from {} to {}",
                    range.0, range.1
                ),
            );
        }
        Ok(n.unsigned_abs())
    }

    pub(super) fn choice<T: Copy>(
        &self,
        v: &Spanned<String>,
        table: &str,
        key: &str,
        allowed: &[(&str, T)],
    ) -> Result<T, Invalid> {
        if let Some((_, t)) = allowed
            .iter()
            .find(|(name, _)| *name == v.get_ref().as_str())
        {
            return Ok(*t);
        }
        let names: Vec<String> = allowed.iter().map(|(n, _)| format!("\"{n}\"")).collect();
        self.fail(
            &v.span(),
            format!(
                "\"{key}\" in [{table}] is {}; use one of {}",
                quote(v.get_ref()),
                names.join(", ")
            ),
        )
    }

    /// An https URL, or plain http only to loopback (the bearer token must never cross a network in
    /// clear). A trailing `/` is dropped.
    fn url(
        &self,
        v: &Spanned<String>,
        table: &str,
        key: &str,
        example: &str,
    ) -> Result<String, Invalid> {
        let raw = v.get_ref().trim();
        let ok = raw.parse::<http::Uri>().ok().is_some_and(|uri| {
            let host = uri.host().unwrap_or("");
            match uri.scheme_str() {
                Some("https") => !host.is_empty(),
                Some("http") => is_loopback(host),
                _ => false,
            }
        });
        if !ok {
            return self.fail(
                &v.span(),
                format!(
                    "\"{key}\" in [{table}] is {}; use an https:// URL (http:// only to 127.0.0.1 or localhost), e.g. \"{example}\"",
                    quote(raw)
                ),
            );
        }
        Ok(raw.trim_end_matches('/').to_owned())
    }

    fn word(
        &self,
        v: &Spanned<String>,
        table: &str,
        key: &str,
        what: &str,
    ) -> Result<String, Invalid> {
        let raw = v.get_ref().trim();
        if raw.is_empty() || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return self.fail(
                &v.span(),
                format!("\"{key}\" in [{table}] is {}; use {what}", quote(raw)),
            );
        }
        Ok(raw.to_owned())
    }

    fn list(
        &self,
        v: &Spanned<Vec<Spanned<String>>>,
        key: &str,
        what: &str,
    ) -> Result<Vec<String>, Invalid> {
        v.get_ref()
            .iter()
            .map(|item| self.word(item, "team", key, what))
            .collect()
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The raw file checked and turned into a `Config` (defaults for everything left out).
pub fn validate(text: &str, raw: RawConfig) -> Result<Config, Invalid> {
    let c = Check { text };
    let mut config = Config::default();
    if let Some(RawGraph {
        base_url,
        timeout_secs,
        place_names,
    }) = raw.graph
    {
        if let Some(v) = base_url {
            config.graph.base_url =
                c.url(&v, "graph", "base_url", "https://graph.microsoft.com/v1.0")?;
        }
        if let Some(v) = timeout_secs {
            config.graph.timeout =
                Duration::from_secs(c.number(&v, "graph", "timeout_secs", (1, 300), "seconds")?);
        }
        if let Some(v) = place_names {
            config.graph.place_names = v.into_inner();
        }
    }
    if let Some(RawAuth {
        authority,
        tenant,
        client_id,
        token_store,
        mode,
        client_secret_env,
    }) = raw.auth
    {
        if let Some(v) = authority {
            config.auth.authority =
                c.url(&v, "auth", "authority", "https://login.microsoftonline.com")?;
        }
        if let Some(v) = tenant {
            config.auth.tenant = c.word(
                &v,
                "auth",
                "tenant",
                "a tenant id or domain, e.g. \"organizations\"",
            )?;
        }
        if let Some(v) = client_id {
            config.auth.client_id = c.word(
                &v,
                "auth",
                "client_id",
                "the application (client) id, a GUID",
            )?;
        }
        if let Some(v) = token_store {
            let kinds = [
                ("auto", TokenStoreKind::Auto),
                ("keyring", TokenStoreKind::Keyring),
                ("file", TokenStoreKind::File),
            ];
            config.auth.token_store = c.choice(&v, "auth", "token_store", &kinds)?;
        }
        if let Some(v) = &mode {
            let modes = [("user", AuthMode::User), ("app", AuthMode::App)];
            config.auth.mode = c.choice(v, "auth", "mode", &modes)?;
        }
        // Empty is the documented default: no secret, as a signed-in user needs none.
        if let Some(v) = client_secret_env
            .as_ref()
            .filter(|v| !v.get_ref().trim().is_empty())
        {
            let name = v.get_ref().trim();
            let valid = name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid {
                return c.fail(
                    &v.span(),
                    format!(
                        "\"client_secret_env\" in [auth] is {}; use the name of an environment variable, e.g. \"TEAMBOARD_CLIENT_SECRET\"",
                        quote(name)
                    ),
                );
            }
            if config.auth.mode != AuthMode::App {
                return c.fail(
                    &v.span(),
                    "\"client_secret_env\" in [auth] is used only with mode = \"app\"; remove it, or set mode = \"app\" for a shared screen".into(),
                );
            }
            config.auth.client_secret_env = Some(name.to_owned());
        }
        if config.auth.mode == AuthMode::App && config.auth.client_secret_env.is_none() {
            let at = mode.as_ref().map(Spanned::span).unwrap_or_default();
            return c.fail(
                &at,
                "mode = \"app\" in [auth] needs client_secret_env = \"NAME\", the environment variable that holds the app's client secret".into(),
            );
        }
    }
    if let Some(RawTeam {
        members,
        groups,
        include_me,
        roster_ttl_hours,
    }) = raw.team
    {
        if let Some(v) = members {
            config.team.members = c.list(
                &v,
                "members",
                "a UPN like \"adele@contoso.com\" or an object id",
            )?;
        }
        if let Some(v) = groups {
            config.team.groups = c.list(&v, "groups", "a group object id")?;
        }
        if let Some(v) = include_me {
            config.team.include_me = v.into_inner();
        }
        if let Some(v) = roster_ttl_hours {
            let hours = c.number(&v, "team", "roster_ttl_hours", (0, 24 * 365), "hours")?;
            config.team.roster_ttl = Duration::from_secs(hours * 3600);
        }
    }
    if let Some(RawRefresh {
        interval_secs,
        unfocused_interval_secs,
    }) = raw.refresh
    {
        if let Some(v) = interval_secs {
            config.refresh.interval = Duration::from_secs(c.number(
                &v,
                "refresh",
                "interval_secs",
                (5, 86_400),
                "seconds",
            )?);
        }
        match unfocused_interval_secs {
            Some(v) => {
                let least = config.refresh.interval.as_secs();
                let secs = c.number(
                    &v,
                    "refresh",
                    "unfocused_interval_secs",
                    (5, 86_400),
                    "seconds",
                )?;
                if secs < least {
                    return c.fail(
                        &v.span(),
                        format!(
                            "\"unfocused_interval_secs\" in [refresh] is {secs}, less than interval_secs ({least}); \
                             use {least} or more"
                        ),
                    );
                }
                config.refresh.unfocused_interval = Duration::from_secs(secs);
            }
            // Left at its default, it never asks for polls more often than the focused interval.
            None => {
                config.refresh.unfocused_interval = config
                    .refresh
                    .unfocused_interval
                    .max(config.refresh.interval);
            }
        }
    }
    let mut sort_span = None;
    if let Some(RawUi {
        symbols,
        theme,
        sort,
        group_by,
        mouse,
    }) = raw.ui
    {
        if let Some(v) = symbols {
            config.ui.symbols = c.choice(
                &v,
                "ui",
                "symbols",
                &[("unicode", Symbols::Unicode), ("ascii", Symbols::Ascii)],
            )?;
        }
        if let Some(v) = theme {
            let themes = [
                ("dark", ThemeName::Dark),
                ("light", ThemeName::Light),
                ("mono", ThemeName::Mono),
            ];
            config.ui.theme = c.choice(&v, "ui", "theme", &themes)?;
        }
        if let Some(v) = sort {
            let orders = [
                ("availability", SortOrder::Availability),
                ("name", SortOrder::Name),
                ("recent", SortOrder::Recent),
                ("free", SortOrder::Free),
            ];
            config.ui.sort = c.choice(&v, "ui", "sort", &orders)?;
            sort_span = Some(v.span());
        }
        if let Some(v) = group_by {
            config.ui.group_by = c.choice(
                &v,
                "ui",
                "group_by",
                &[
                    ("none", GroupBy::None),
                    ("availability", GroupBy::Availability),
                ],
            )?;
        }
        if let Some(v) = mouse {
            config.ui.mouse = v.into_inner();
        }
    }
    if let Some(RawCalendar {
        enabled,
        min_free_mins,
        refresh_mins,
    }) = raw.calendar
    {
        if let Some(v) = enabled {
            config.calendar.enabled = v.into_inner();
        }
        if let Some(v) = min_free_mins {
            let mins = c.number(&v, "calendar", "min_free_mins", (5, 480), "minutes")?;
            config.calendar.min_free_mins = u32::try_from(mins).unwrap_or(15);
        }
        if let Some(v) = refresh_mins {
            let mins = c.number(&v, "calendar", "refresh_mins", (5, 1440), "minutes")?;
            config.calendar.refresh = Duration::from_secs(mins * 60);
        }
    }
    // Sorting by free time needs calendars: a key that would do nothing is refused.
    if config.ui.sort == SortOrder::Free
        && !config.calendar.enabled
        && let Some(span) = sort_span
    {
        return c.fail(
            &span,
            "\"sort\" in [ui] is \"free\", which needs calendars; set enabled = true under [calendar], \
             or choose \"availability\", \"name\" or \"recent\""
                .to_owned(),
        );
    }
    if config.auth.mode == AuthMode::App && config.team.include_me {
        // App-only tokens have no user behind them: Graph refuses `/me`.
        config.team.include_me = false;
        config.warnings.push(crate::text::SafeText::line(
            "app-only mode has no signed-in user, so [team] include_me is ignored",
        ));
    }
    if let Some(watch) = raw.watch {
        config.watch = super::watch::validate(watch, &c)?;
    }
    if let Some(keys) = raw.keys {
        let mut overrides: Vec<(usize, KeyOverride)> = keys
            .into_iter()
            .map(|(key, command)| {
                let at = key.span().start;
                let line = line_of(text, at);
                (
                    at,
                    KeyOverride {
                        key: key.into_inner(),
                        command: command.into_inner(),
                        line,
                    },
                )
            })
            .collect();
        // The map is sorted by key; the keymap wants file order (a later line wins).
        overrides.sort_by_key(|(at, _)| *at);
        config.keys = overrides.into_iter().map(|(_, o)| o).collect();
        // Checked here, for every command: a file one command accepts, another must not refuse.
        crate::app::keymap::Keymap::with_overrides(&config.keys, None).map_err(|e| Invalid {
            line: e.line,
            message: e.message(),
        })?;
    }
    Ok(config)
}
