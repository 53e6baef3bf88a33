//! The board's side of the watch list: `w`, the marks and the `is:watched` facet kept in step,
//! alerts raised from poll answers (footer line, flash, and an `Effect::Alert` outside quiet
//! hours), today's transitions for details, and the reach-out keys (copy, chat, call, mail).

use std::fmt::Write as _;

use super::effect::{Effect, Outgoing};
use super::person::{Person, Profile};
use super::reach;
use super::state::{App, FLASH};
use super::watch::{Alert, History, Seen, Target, Toggle, Watch};
use crate::graph::model::UserId;
use crate::notify::command::{self, Fields};
use crate::text::SafeText;

/// What the reach-out keys do with the selected person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reaching {
    CopyMail,
    CopyNameAndMail,
    Chat,
    Call,
    Mail,
}

impl App {
    /// The people marked with `w` in an earlier run (the state file), at start.
    pub fn load_watched(&mut self, ids: Vec<UserId>) {
        let settings = &self.options.config.watch;
        self.watch = Watch::new(settings.rules.clone(), settings.people.clone(), ids);
        self.resolve_watches();
    }

    /// The watch list: who is watched, for the header and cards.
    pub fn watch(&self) -> &Watch {
        &self.watch
    }

    /// Today's transitions seen by this board, for details.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Finds the config's watched people in the roster, and marks everyone watched for the filter.
    pub(super) fn resolve_watches(&mut self) {
        let previous: Vec<UserId> = self.watch.ids().cloned().collect();
        if let Some(roster) = self.team.profiles().cloned() {
            self.watch.resolve(roster.everyone());
        }
        for id in previous {
            if let Some(person) = self.team.get_mut(&id) {
                person.search.set_watched(false);
            }
        }
        self.mark_watched();
    }

    /// Sets the `is:watched` facet of everyone watched (search data rebuilt from a roster starts
    /// without it). Costs the watch list's size, not the team's.
    pub(super) fn mark_watched(&mut self) {
        for id in self.watch.ids() {
            if let Some(person) = self.team.get_mut(id) {
                person.search.set_watched(true);
            }
        }
    }

    /// Answers arrived for the people flagged in `answered`: today's changes noted, and the
    /// watched ones checked for an alert.
    pub(super) fn on_answers(&mut self, answered: &[bool], effects: &mut Vec<Effect>) {
        let now = self.now;
        // Only people whose availability or activity changed in this answer (the age restarts
        // exactly then): nothing is kept for the many who never change.
        for (person, _) in self.team.people().iter().zip(answered).filter(|(_, a)| **a) {
            if person.changed_at == Some(now.utc) {
                self.history
                    .record(&person.id, &words(person), now.utc, &self.options.tz);
            }
        }
        let mut alerts: Vec<(usize, Alert)> = Vec::new();
        let watched: Vec<UserId> = self.watch.ids().cloned().collect();
        for id in watched {
            let Some(i) = self.team.position(&id) else {
                continue;
            };
            let person = &self.team.people()[i];
            let Some(presence) = person.presence.as_ref().filter(|_| answered[i]) else {
                continue;
            };
            let seen = Seen::of(presence);
            if let Some(alert) = self.watch.observe(&id, seen, now.instant) {
                alerts.push((i, alert));
            }
        }
        let Some((last, _)) = alerts.last() else {
            return;
        };
        let last = *last;
        let quiet = self
            .watch
            .rules()
            .quiet
            .holds(now.utc.to_zoned(self.options.tz.clone()).datetime());
        for (i, alert) in &alerts {
            self.team.people_mut()[*i].flash_until = Some(now.instant + FLASH);
            self.flash_end = Some(now.instant + FLASH);
            if !quiet {
                let person = &self.team.people()[*i];
                effects.push(Effect::Alert(Box::new(Outgoing {
                    text: sentence(person, alert.target),
                    command: self.command_for(person),
                })));
            }
        }
        let more = alerts.len() - 1;
        let mut line = format!(
            "{} · {}",
            sentence(&self.team.people()[last], alerts[alerts.len() - 1].1.target),
            self.clock(now.utc)
        );
        if more > 0 {
            let _ = write!(line, " (and {more} more)");
        }
        if quiet {
            line.push_str(" (quiet hours)");
        }
        self.notice = Some(SafeText::line(&line));
    }

    /// `[watch] command` filled in for `person`; empty when there is none.
    fn command_for(&self, person: &Person) -> Vec<String> {
        let template = &self.options.config.watch.command;
        if template.is_empty() {
            return Vec::new();
        }
        let mail = self
            .profile(&person.id)
            .and_then(|u| Profile::of(u).mail)
            .map(|m| m.as_str().to_owned())
            .unwrap_or_default();
        command::substitute(
            template,
            &Fields {
                name: person.name.as_str().to_owned(),
                availability: person.availability.as_str().to_owned(),
                activity: person.activity.as_str().to_owned(),
                mail,
                id: person.id.as_str().to_owned(),
            },
        )
    }

    /// `w`: watch the selected person, or stop.
    pub(super) fn toggle_watch(&mut self, effects: &mut Vec<Effect>) {
        let Some(id) = self.view.selected().cloned() else {
            self.notice = Some(SafeText::line("nobody is selected to watch"));
            return;
        };
        let Some(i) = self.team.position(&id) else {
            return;
        };
        let name = self.team.people()[i].name.clone();
        let line = match self.watch.toggle(&id) {
            Toggle::Added => {
                self.team.people_mut()[i].search.set_watched(true);
                // What the card shows now, if an answer of this session, is where they start: the
                // next poll that finds them Available is an arrival.
                let person = &self.team.people()[i];
                if let Some(presence) = person
                    .presence
                    .as_ref()
                    .filter(|_| !person.stale && !person.from_cache)
                {
                    let seen = Seen::of(presence);
                    self.watch.observe(&id, seen, self.now.instant);
                }
                effects.push(Effect::SaveWatched(self.watch.marked()));
                let on: Vec<&str> = self
                    .watch
                    .rules()
                    .alert_on
                    .iter()
                    .map(|t| t.name())
                    .collect();
                format!("watching {name}: an alert when {}", on.join(" or "))
            }
            Toggle::Removed => {
                self.team.people_mut()[i].search.set_watched(false);
                effects.push(Effect::SaveWatched(self.watch.marked()));
                format!("no longer watching {name}")
            }
            Toggle::InConfig => format!(
                "{name} is watched through [watch] people in the config; remove them there to stop"
            ),
        };
        self.notice = Some(SafeText::line(&line));
        if self.filter.is_active() {
            self.rearrange();
        }
    }

    /// `y`, `Y`, `o`, `c`, `e` on the selected person.
    pub(super) fn reach(&mut self, how: Reaching, effects: &mut Vec<Effect>) {
        let Some(person) = self.selected() else {
            self.notice = Some(SafeText::line("nobody is selected"));
            return;
        };
        let name = person.name.clone();
        let user = self.profile(&person.id);
        let mail = user.and_then(|u| Profile::of(u).mail);
        let upn = user
            .and_then(|u| u.user_principal_name.as_deref())
            .map(SafeText::line)
            .filter(SafeText::is_visible);
        let (address, what) = match how {
            Reaching::CopyMail | Reaching::CopyNameAndMail => {
                let Some(mail) = mail else {
                    self.notice =
                        Some(SafeText::line(&format!("no mail address known for {name}")));
                    return;
                };
                let text = if how == Reaching::CopyMail {
                    mail.to_string()
                } else {
                    format!("{name} <{mail}>")
                };
                self.notice = Some(SafeText::line(&format!("copied {text}")));
                effects.push(Effect::Copy(text));
                return;
            }
            Reaching::Chat | Reaching::Call => {
                let Some(upn) = upn else {
                    self.notice =
                        Some(SafeText::line(&format!("no sign-in name known for {name}")));
                    return;
                };
                let teams = self.options.reach.teams;
                if how == Reaching::Chat {
                    (reach::chat(teams, upn.as_str()), "a Teams chat")
                } else {
                    (reach::call(teams, upn.as_str()), "a Teams call")
                }
            }
            Reaching::Mail => {
                let Some(mail) = mail else {
                    self.notice =
                        Some(SafeText::line(&format!("no mail address known for {name}")));
                    return;
                };
                (reach::mailto(mail.as_str()), "a mail")
            }
        };
        let line = if self.options.reach.can_open {
            effects.push(Effect::Open(address));
            format!("opening {what} with {name}")
        } else {
            let line = format!(
                "no browser can be opened here: copied the link for {what} with {name}: {address}"
            );
            effects.push(Effect::Copy(address));
            line
        };
        self.notice = Some(SafeText::line(&line));
    }
}

impl App {
    /// No browser could be started for `url`: it is copied instead, and the footer says so.
    pub(super) fn open_failed(&mut self, url: String, effects: &mut Vec<Effect>) {
        self.notice = Some(SafeText::line(&format!(
            "no browser could be started (set BROWSER): copied the link {url}"
        )));
        effects.push(Effect::Copy(url));
    }
}

/// The state a card shows in words: the activity when it says more than the availability.
fn words(person: &Person) -> SafeText {
    if person.activity.is_visible() && person.activity != person.availability {
        person.activity.clone()
    } else {
        person.availability.clone()
    }
}

/// "Ann Smith is Available", "Ann Smith is back".
fn sentence(person: &Person, target: Target) -> String {
    match target {
        Target::Back => format!("{} is back", person.name),
        Target::Availability(_) => format!("{} is {}", person.name, person.availability),
    }
}

#[cfg(test)]
mod tests;
