//! `[watch]`: who is watched from the start, which changes alert, and how an alert reaches the user.

use std::time::Duration;

use toml::Spanned;

use super::TeamConfig;
use super::error::quote;
use super::raw::RawWatch;
use super::validate::{Check, Invalid};
use crate::app::watch::quiet;
use crate::app::watch::{Rules, Target};
use crate::notify::Desktop;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchConfig {
    /// UPNs or object ids, as written.
    pub people: Vec<String>,
    pub rules: Rules,
    pub desktop: Desktop,
    /// The program and its arguments, placeholders unfilled; empty: none.
    pub command: Vec<String>,
}

impl Default for WatchConfig {
    fn default() -> Self {
        Self {
            people: Vec::new(),
            rules: Rules::default(),
            desktop: Desktop::Auto,
            command: Vec::new(),
        }
    }
}

/// Checks `[watch]`; errors carry their line (`Check`).
pub(super) fn validate(raw: RawWatch, c: &Check<'_>) -> Result<WatchConfig, Invalid> {
    let mut watch = WatchConfig::default();
    let RawWatch {
        people,
        alert_on,
        cooldown_mins,
        desktop,
        command,
        quiet,
        quiet_days,
    } = raw;
    if let Some(v) = people {
        for item in v.get_ref() {
            let name = item.get_ref().trim();
            if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(c.invalid(
                    item.span(),
                    format!(
                        "{} in [watch] people is not a UPN or id; use e.g. \"adele@contoso.com\"",
                        quote(name)
                    ),
                ));
            }
            watch.people.push(name.to_owned());
        }
    }
    if let Some(v) = alert_on {
        let mut targets = Vec::new();
        for item in v.get_ref() {
            let Some(target) = Target::parse(item.get_ref()) else {
                let names: Vec<String> = Target::names().map(|n| format!("\"{n}\"")).collect();
                return Err(c.invalid(
                    item.span(),
                    format!(
                        "{} in [watch] alert_on is not an availability; use {}",
                        quote(item.get_ref()),
                        names.join(", ")
                    ),
                ));
            };
            if !targets.contains(&target) {
                targets.push(target);
            }
        }
        if targets.is_empty() {
            return Err(c.invalid(
                v.span(),
                "\"alert_on\" in [watch] is empty, so nothing would ever alert; use e.g. [\"Available\"]"
                    .to_owned(),
            ));
        }
        watch.rules.alert_on = targets;
    }
    if let Some(v) = cooldown_mins {
        let mins = c.number(&v, "watch", "cooldown_mins", (0, 1440), "minutes")?;
        watch.rules.cooldown = Duration::from_secs(mins * 60);
    }
    if let Some(v) = desktop {
        let kinds = [
            ("auto", Desktop::Auto),
            ("osc9", Desktop::Osc9),
            ("osc777", Desktop::Osc777),
            ("off", Desktop::Off),
        ];
        watch.desktop = c.choice(&v, "watch", "desktop", &kinds)?;
    }
    if let Some(v) = command {
        let argv: Vec<String> = v.get_ref().iter().map(|a| a.get_ref().clone()).collect();
        if argv.first().is_some_and(|p| p.trim().is_empty()) {
            return Err(c.invalid(
                v.span(),
                "\"command\" in [watch] starts with an empty program name; use e.g. [\"notify-send\", \"teamboard\", \"{name} is {availability}\"]"
                    .to_owned(),
            ));
        }
        watch.command = argv;
    }
    if let Some(v) = quiet.as_ref().filter(|v| !v.get_ref().trim().is_empty()) {
        let span = quiet::parse_span(v.get_ref()).map_err(|why| {
            c.invalid(
                v.span(),
                format!("\"quiet\" in [watch] is {}: {why}", quote(v.get_ref())),
            )
        })?;
        watch.rules.quiet.span = Some(span);
    }
    if let Some(v) = quiet_days {
        watch.rules.quiet.days = days(&v, c)?;
    }
    Ok(watch)
}

fn days(
    v: &Spanned<Vec<Spanned<String>>>,
    c: &Check<'_>,
) -> Result<Vec<jiff::civil::Weekday>, Invalid> {
    let mut out = Vec::new();
    for item in v.get_ref() {
        let day = quiet::parse_day(item.get_ref()).ok_or_else(|| {
            c.invalid(
                item.span(),
                format!(
                    "{} in [watch] quiet_days is not a day; use \"Mon\" … \"Sun\"",
                    quote(item.get_ref())
                ),
            )
        })?;
        if !out.contains(&day) {
            out.push(day);
        }
    }
    Ok(out)
}

/// The team as polled: `team` plus the watched people it does not name, so someone watched from
/// outside the team is read in the same requests (and shown on the board).
pub fn polled_team(team: &TeamConfig, watched: &[String]) -> TeamConfig {
    let mut polled = team.clone();
    for name in watched {
        if !team
            .members
            .iter()
            .any(|m| m.trim().eq_ignore_ascii_case(name.trim()))
        {
            polled.members.push(name.clone());
        }
    }
    polled
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn watched_people_outside_the_team_are_polled_with_it_once() {
        let mut team = Config::default().team;
        team.members = vec!["Ann@contoso.com".into(), "bob@contoso.com".into()];
        let polled = polled_team(
            &team,
            &["ann@contoso.com".into(), "carol@contoso.com".into()],
        );
        assert_eq!(
            polled.members,
            ["Ann@contoso.com", "bob@contoso.com", "carol@contoso.com"]
        );
        assert_eq!(polled_team(&team, &[]), team);
    }

    #[test]
    fn every_key_is_read_and_checked() {
        let c = Config::parse(
            "[watch]\npeople = [\"a@b.c\"]\nalert_on = [\"busy\", \"BACK\", \"busy\"]\ncooldown_mins = 0\n\
             desktop = \"osc9\"\ncommand = [\"x\", \"{name}\"]\nquiet = \"22:00-06:30\"\nquiet_days = [\"sat\"]\n",
            "c.toml",
        )
        .unwrap();
        let w = &c.watch;
        assert_eq!(w.people, ["a@b.c"]);
        assert_eq!(
            w.rules.alert_on,
            [
                Target::Availability(crate::graph::model::AvailabilityKind::Busy),
                Target::Back
            ]
        );
        assert_eq!(w.rules.cooldown, Duration::ZERO);
        assert_eq!(w.desktop, Desktop::Osc9);
        assert_eq!(w.command, ["x", "{name}"]);
        assert_eq!(w.rules.quiet.span, Some((22 * 60, 6 * 60 + 30)));
        assert_eq!(w.rules.quiet.days, [jiff::civil::Weekday::Saturday]);
        let e = Config::parse("[watch]\nalert_on = []\n", "c.toml").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(
            e.message.as_str().contains("nothing would ever alert"),
            "{e}"
        );
        let e = Config::parse("[watch]\ncommand = [\"\"]\n", "c.toml").unwrap_err();
        assert!(e.message.as_str().contains("empty program name"), "{e}");
    }
}
