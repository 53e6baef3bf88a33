//! A config file edited while the board runs: what can change in place does (team, keys, the UI,
//! refresh intervals); `[graph]`, `[auth]` and `[calendar]` wait for a restart; a broken edit changes nothing.

use super::effect::Effect;
use super::keymap::Keymap;
use super::state::App;
use crate::config::{Config, ConfigError};
use crate::text::SafeText;

impl App {
    /// Takes a config read again by the loader (the same checks as at start), or the reason it could
    /// not be used, which the footer then shows while the running config stays in force.
    pub(super) fn on_config(
        &mut self,
        loaded: Result<Config, ConfigError>,
        effects: &mut Vec<Effect>,
    ) {
        let mut config = match loaded {
            Ok(config) => config,
            Err(e) => {
                self.freshness.config = Some(broken(&e.to_string()));
                return;
            }
        };
        // The loader checked `[keys]` already; a refusal here is still the file's fault, not ours.
        let keymap = match Keymap::with_overrides(&config.keys, config.source.as_deref()) {
            Ok(keymap) => keymap,
            Err(e) => {
                self.freshness.config = Some(broken(&e.to_string()));
                return;
            }
        };
        let running = &self.options.config;
        // Graph and sign-in are built once, before the first poll: these take a restart. They stay as
        // running, so the footer says so until the file and the board agree again.
        let waiting: Vec<&str> = [
            ("[graph]", running.graph != config.graph),
            ("[auth]", running.auth != config.auth),
            // Calendars change what sign-in asks for and what is polled: read at start only.
            ("[calendar]", running.calendar != config.calendar),
        ]
        .into_iter()
        .filter_map(|(table, changed)| changed.then_some(table))
        .collect();
        config.graph = running.graph.clone();
        config.auth = running.auth.clone();
        config.calendar = running.calendar.clone();
        if config.ui.sort == crate::config::SortOrder::Free && !config.calendar.enabled {
            // "free" arrived with calendars that wait for a restart: the order stays until then.
            config.ui.sort = running.ui.sort;
        }
        self.freshness.config = (!waiting.is_empty()).then(|| {
            SafeText::line(&format!(
                "{} changed in the config: restart teamboard to apply",
                waiting.join(" and ")
            ))
        });

        if config.ui.mouse != running.ui.mouse {
            effects.push(Effect::Mouse(config.ui.mouse));
        }
        let team_changed = config.team != running.team;
        let watched_changed = config.watch.people != running.watch.people;
        let desktop_changed = config.watch.desktop != running.watch.desktop;
        let interval_changed = config.refresh != running.refresh;
        let options = &mut self.options;
        options.keymap = keymap;
        options.symbols = config.ui.symbols;
        options.sort = config.ui.sort;
        options.group_by = config.ui.group_by;
        options.mouse = config.ui.mouse;
        options.interval = config.refresh.interval;
        options.unfocused_interval = config.refresh.unfocused_interval;
        options.roster_ttl = config.team.roster_ttl;
        self.pending.clear();
        if interval_changed {
            self.schedule.set_interval(config.refresh.interval);
        }
        self.watch
            .reconfigure(config.watch.rules.clone(), config.watch.people.clone());
        if watched_changed {
            effects.push(Effect::Watched(config.watch.people.clone()));
        }
        if desktop_changed {
            effects.push(Effect::Desktop(config.watch.desktop));
        }
        if team_changed || watched_changed {
            self.roster = None;
            self.schedule.request_now(self.now.instant);
        }
        if team_changed {
            // Another team is another roster: resolved (or read from its own cache) by the poll
            // just asked for.
            effects.push(Effect::Team(Box::new(config.team.clone())));
        }
        self.options.config = config;
        self.resolve_watches();
        self.rearrange();
    }
}

/// One footer line for a config that could not be used.
fn broken(error: &str) -> SafeText {
    SafeText::line(&format!(
        "config not applied, the running one is kept: {error}"
    ))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::Duration;

    use ratatui::layout::Rect;

    use super::*;
    use crate::app::Msg;
    use crate::app::state::tests::{options, polled, roster, t0};
    use crate::config::{GroupBy, SortOrder, Symbols};

    fn file(text: &str) -> Result<Config, ConfigError> {
        let mut config = Config::parse(text, "~/.config/teamboard/config.toml")?;
        config.source = Some(PathBuf::from("/home/u/.config/teamboard/config.toml"));
        Ok(config)
    }

    fn ready() -> App {
        let now = t0();
        let mut app = App::new(options(), Rect::new(0, 0, 80, 24), now);
        app.update(Msg::Deadline, now);
        let r = roster(3);
        app.update(polled(&r, Vec::new()), now);
        app
    }

    fn reload(app: &mut App, loaded: Result<Config, ConfigError>) -> Vec<Effect> {
        let now = app.now();
        app.update(Msg::ConfigChanged(Box::new(loaded)), now)
    }

    #[test]
    fn polls_and_focus_look_at_the_file_and_nothing_else_does() {
        let mut app = ready();
        let now = app.now();
        let effects = app.update(Msg::FocusGained, now);
        assert!(effects.iter().any(|e| matches!(e, Effect::CheckConfig)));
        let effects = app.update(Msg::Deadline, now);
        assert!(!effects.iter().any(|e| matches!(e, Effect::CheckConfig)));
    }

    #[test]
    fn ui_keys_and_intervals_apply_at_once() {
        let mut app = ready();
        let effects = reload(
            &mut app,
            file(
                "[ui]\nsymbols = \"ascii\"\nsort = \"name\"\ngroup_by = \"availability\"\nmouse = true\n\
                 [keys]\n\"x\" = \"quit\"\n[refresh]\ninterval_secs = 60\n",
            ),
        );
        let o = app.options();
        assert_eq!(o.symbols, Symbols::Ascii);
        assert_eq!(o.sort, SortOrder::Name);
        assert_eq!(o.group_by, GroupBy::Availability);
        assert!(o.mouse);
        assert_eq!(o.interval, Duration::from_secs(60));
        assert_eq!(
            o.unfocused_interval,
            Duration::from_secs(120),
            "never below the interval"
        );
        assert!(effects.iter().any(|e| matches!(e, Effect::Mouse(true))));
        assert!(!effects.iter().any(|e| matches!(e, Effect::Team(_))));
        assert_eq!(app.freshness().config, None);
        let now = app.now();
        let quit = app.update(
            Msg::Key(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char('x'),
                crossterm::event::KeyModifiers::NONE,
            )),
            now,
        );
        assert!(
            quit.iter().any(|e| matches!(e, Effect::Quit)),
            "the new key"
        );
    }

    #[test]
    fn a_broken_edit_keeps_the_running_config_and_says_where() {
        let mut app = ready();
        reload(&mut app, file("[ui]\nsort = \"name\"\n"));
        reload(
            &mut app,
            file("[ui]\nsort = \"name\"\nsymbols = \"emoji\"\n"),
        );
        let shown = app.freshness().config.clone().unwrap();
        assert!(
            shown
                .as_str()
                .contains("~/.config/teamboard/config.toml:3: \"symbols\" in [ui] is \"emoji\""),
            "{shown}"
        );
        assert_eq!(
            app.options().sort,
            SortOrder::Name,
            "the running config stays"
        );
        assert_eq!(app.options().symbols, Symbols::Unicode);
        // Fixed: applied, and the footer clears.
        reload(&mut app, file("[ui]\nsymbols = \"ascii\"\n"));
        assert_eq!(app.freshness().config, None);
        assert_eq!(app.options().symbols, Symbols::Ascii);
        assert_eq!(app.options().sort, SortOrder::Availability);
    }

    #[test]
    fn graph_and_auth_changes_wait_for_a_restart() {
        let mut app = ready();
        reload(
            &mut app,
            file(
                "[graph]\ntimeout_secs = 60\n[auth]\ntenant = \"contoso.com\"\n[ui]\nsort = \"recent\"\n",
            ),
        );
        let shown = app.freshness().config.clone().unwrap();
        assert_eq!(
            shown.as_str(),
            "[graph] and [auth] changed in the config: restart teamboard to apply"
        );
        assert_eq!(
            app.options().config.graph,
            Config::default().graph,
            "not applied"
        );
        assert_eq!(app.options().sort, SortOrder::Recent, "the rest is");
        // Put back as running: nothing waits any more.
        reload(&mut app, file("[ui]\nsort = \"recent\"\n"));
        assert_eq!(app.freshness().config, None);
    }

    #[test]
    fn calendars_turned_on_wait_for_a_restart_and_so_does_their_sort() {
        let mut app = ready();
        reload(
            &mut app,
            file("[calendar]\nenabled = true\n[ui]\nsort = \"free\"\n"),
        );
        let shown = app.freshness().config.clone().unwrap();
        assert_eq!(
            shown.as_str(),
            "[calendar] changed in the config: restart teamboard to apply"
        );
        assert!(!app.calendar().enabled());
        assert_eq!(
            app.options().sort,
            SortOrder::Availability,
            "no free sort without calendars"
        );
    }

    #[test]
    fn another_team_polls_at_once_with_a_fresh_roster() {
        let mut app = ready();
        let now = app.now();
        assert!(
            !app.update(Msg::Deadline, now)
                .iter()
                .any(|e| matches!(e, Effect::Poll(_)))
        );
        let effects = reload(
            &mut app,
            file("[team]\nmembers = [\"adele@contoso.com\"]\n"),
        );
        let team = effects.iter().find_map(|e| match e {
            Effect::Team(team) => Some(team.members.clone()),
            _ => None,
        });
        assert_eq!(team, Some(vec!["adele@contoso.com".to_owned()]));
        assert!(
            effects.iter().any(|e| matches!(e, Effect::Poll(None))),
            "a poll now, resolving the new team: {effects:?}"
        );
    }
}
