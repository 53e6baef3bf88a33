//! The watch list and its alert rules: who is watched (the config's `[watch] people`, and people
//! marked with `w`, kept in the state directory), and when a change of theirs is worth telling the
//! user about: a move into one of `alert_on`, never on the first answer of a session, never twice
//! for one transition, at most once per person per cooldown. Pure: the caller brings the time.

pub mod history;
pub mod quiet;
pub mod target;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

pub use history::History;
pub use quiet::Quiet;
pub use target::{Seen, Target};

use crate::graph::model::{IdMap, User, UserId};

/// The alert rules, from `[watch]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    pub alert_on: Vec<Target>,
    pub cooldown: Duration,
    pub quiet: Quiet,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            alert_on: vec![Target::Availability(
                crate::graph::model::AvailabilityKind::Available,
            )],
            cooldown: Duration::from_secs(5 * 60),
            quiet: Quiet::default(),
        }
    }
}

/// A watched person entered a state the user asked to hear about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    pub id: UserId,
    pub target: Target,
}

/// What `w` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toggle {
    Added,
    Removed,
    /// Watched through `[watch] people`: only the config can stop it.
    InConfig,
}

#[derive(Debug, Default)]
pub struct Watch {
    rules: Rules,
    /// `[watch] people` as written (UPNs or ids).
    configured: Vec<String>,
    /// Their ids, found in the roster (`resolve`).
    from_config: BTreeSet<UserId>,
    /// Marked with `w`; what the state file keeps.
    marked: BTreeSet<UserId>,
    /// The last state each watched person was answered in, this session (never the cache's).
    last: IdMap<Seen>,
    /// When each person last alerted.
    alerted: IdMap<Instant>,
}

impl Watch {
    /// `configured`: `[watch] people`; `marked`: the ids the state file kept.
    pub fn new(rules: Rules, configured: Vec<String>, marked: Vec<UserId>) -> Self {
        Self {
            rules,
            configured,
            marked: marked.into_iter().collect(),
            ..Self::default()
        }
    }

    /// New rules and config entries (a reloaded config); what was seen and marked stays.
    pub fn reconfigure(&mut self, rules: Rules, configured: Vec<String>) {
        self.rules = rules;
        self.configured = configured;
    }

    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// Finds the config's entries among `users` by id, UPN or mail (case-insensitively).
    pub fn resolve<'u>(&mut self, users: impl IntoIterator<Item = &'u User>) {
        if self.configured.is_empty() {
            // Nobody to look for: the 10,000-person walk is skipped (it runs before the first frame).
            self.from_config.clear();
            return;
        }
        self.from_config = users
            .into_iter()
            .filter(|u| self.configured.iter().any(|c| names(c, u)))
            .map(|u| u.id.clone())
            .collect();
    }

    pub fn is_watched(&self, id: &UserId) -> bool {
        self.marked.contains(id) || self.from_config.contains(id)
    }

    /// Everyone watched, through the config or `w`.
    pub fn ids(&self) -> impl Iterator<Item = &UserId> {
        self.marked.union(&self.from_config)
    }

    /// Whether anyone is watched (then the board never slows its refresh).
    pub fn is_active(&self) -> bool {
        !self.marked.is_empty() || !self.from_config.is_empty() || !self.configured.is_empty()
    }

    /// How many people are watched, for the header: each once, config and `w` together.
    pub fn count(&self) -> usize {
        self.marked.union(&self.from_config).count()
    }

    /// `w` on this person.
    pub fn toggle(&mut self, id: &UserId) -> Toggle {
        if self.from_config.contains(id) {
            return Toggle::InConfig;
        }
        if self.marked.remove(id) {
            self.last.remove(id);
            Toggle::Removed
        } else {
            self.marked.insert(id.clone());
            Toggle::Added
        }
    }

    /// The ids marked with `w`, for the state file.
    pub fn marked(&self) -> Vec<UserId> {
        self.marked.iter().cloned().collect()
    }

    /// A watched person was answered in `seen` at `now`. Returns the alert due, if any: the first
    /// answer only sets where they are; the same state again is nothing new; a person who alerted
    /// less than the cooldown ago stays quiet (Teams flaps between Busy and Available).
    pub fn observe(&mut self, id: &UserId, seen: Seen, now: Instant) -> Option<Alert> {
        if !self.is_watched(id) {
            return None;
        }
        let before = self.last.insert(id.clone(), seen)?;
        let target = self
            .rules
            .alert_on
            .iter()
            .copied()
            .find(|t| t.entered(before, seen))?;
        let cooling = self
            .alerted
            .get(id)
            .is_some_and(|at| now.saturating_duration_since(*at) < self.rules.cooldown);
        if cooling {
            return None;
        }
        self.alerted.insert(id.clone(), now);
        Some(Alert {
            id: id.clone(),
            target,
        })
    }
}

/// Whether a configured name stands for this user: the id, the UPN or the mail.
fn names(configured: &str, user: &User) -> bool {
    let c = configured.trim();
    c == user.id.as_str()
        || user
            .user_principal_name
            .as_deref()
            .is_some_and(|u| u.eq_ignore_ascii_case(c))
        || user
            .mail
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case(c))
}
