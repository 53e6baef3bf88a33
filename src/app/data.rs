//! Data arriving: the cached snapshot at start, poll answers merged by id, failures that keep the last
//! good state, and the snapshot written back.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::effect::Effect;
use super::msg::{FailureKind, PollData, PollFailure};
use super::person::{Change, Person};
use super::state::{App, FLASH};
use crate::graph::model::{Presence, UserId};
use crate::roster::Roster;
use crate::store::Snapshot;
use crate::text::SafeText;

impl App {
    /// Fills the board from the cache, before any network: drawn at once, marked stale until a poll lands.
    /// The roster is not reused for polling (its age is unknown here; the store checks it).
    pub fn load_snapshot(&mut self, snapshot: Snapshot) {
        // Indices, not moves: a presence is large, and 10,000 of them are read here before the first frame.
        let mut presences: Vec<Option<Presence>> = snapshot.presences.into_iter().map(Some).collect();
        let by_id: HashMap<UserId, usize> = presences
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some((p.as_ref()?.id.clone(), i)))
            .collect();
        let changed: HashMap<&UserId, jiff::Timestamp> = snapshot.last_changed.iter().map(|(id, at)| (id, *at)).collect();
        let roster = &snapshot.roster;
        let mut seen = HashSet::new();
        self.people = roster
            .me
            .iter()
            .chain(&roster.members)
            .filter(|u| seen.insert(&u.id))
            .map(|u| {
                let presence = by_id.get(&u.id).and_then(|&i| presences[i].take());
                Person::from_cache(u, presence, changed.get(&u.id).copied())
            })
            .collect();
        self.search_ready = false;
        self.index = self.people.iter().enumerate().map(|(i, p)| (p.id.clone(), i)).collect();
        self.me = roster.me.as_ref().map(|u| u.id.clone());
        self.sync.warning = unresolved_warning(roster);
        self.sync.cached_at = Some(snapshot.saved_at);
        self.recount();
        self.rearrange();
    }

    /// Builds the search data the cache load left out. Called right after the first frame (and by the
    /// filter itself if a query comes first).
    pub fn build_search(&mut self) {
        if !self.search_ready {
            for person in &mut self.people {
                person.build_search();
            }
            self.search_ready = true;
        }
    }

    /// Makes the people list match the roster: new people added (unknown), those gone dropped,
    /// everyone else's profile refreshed and presence kept.
    fn set_roster(&mut self, roster: &Roster) {
        let mut old: HashMap<UserId, Person> = self.people.drain(..).map(|p| (p.id.clone(), p)).collect();
        let mut seen = HashSet::new();
        for user in roster.me.iter().chain(&roster.members) {
            if !seen.insert(user.id.clone()) {
                continue;
            }
            let person = match old.remove(&user.id) {
                Some(mut p) => {
                    p.set_profile(user);
                    p
                }
                None => Person::from_user(user),
            };
            self.people.push(person);
        }
        self.index = self.people.iter().enumerate().map(|(i, p)| (p.id.clone(), i)).collect();
        self.me = roster.me.as_ref().map(|u| u.id.clone());
        self.sync.warning = unresolved_warning(roster);
    }

    pub(super) fn on_poll_data(&mut self, data: PollData, effects: &mut Vec<Effect>) {
        let now = self.now;
        self.schedule.succeeded(now.instant);
        let roster_changed = self.roster.as_ref().is_none_or(|(r, _)| !Arc::ptr_eq(r, &data.roster) && **r != *data.roster);
        if roster_changed {
            self.set_roster(&data.roster);
        }
        if self.roster.as_ref().is_none_or(|(r, _)| !Arc::ptr_eq(r, &data.roster)) {
            self.roster = Some((data.roster, now.instant));
        }
        let mut answered = HashSet::with_capacity(data.presences.len());
        let mut saved_changed = roster_changed;
        let mut visible_changed = roster_changed;
        for presence in data.presences {
            let Some(&i) = self.index.get(&presence.id) else { continue };
            answered.insert(i);
            let person = &mut self.people[i];
            let was_stale = person.stale;
            let change = person.apply(presence, now.utc);
            visible_changed |= was_stale || change != Change::None;
            saved_changed |= change != Change::None;
            if matches!(change, Change::Presence | Change::Details) {
                person.flash_until = Some(now.instant + FLASH);
                self.flash_end = Some(now.instant + FLASH);
            }
        }
        // Left out of the answer: keep what we knew, marked stale. Never seen: stays unknown.
        for (i, person) in self.people.iter_mut().enumerate() {
            if !answered.contains(&i) && person.presence.is_some() && !person.stale {
                person.stale = true;
                visible_changed = true;
            }
        }
        self.sync.updated_at = Some(now.utc);
        self.sync.cached_at = None;
        self.sync.error = None;
        self.sync.throttled_until = None;
        self.sync.signed_out = false;
        if let Some(problem) = data.problem {
            self.sync.warning = Some(problem);
        } else if data.malformed > 0 {
            self.sync.warning = Some(SafeText::line(&format!(
                "{} presence answer(s) could not be read; those people keep their last known state",
                data.malformed
            )));
        }
        if visible_changed {
            self.recount();
            self.rearrange();
        }
        if saved_changed {
            effects.push(Effect::Save(Box::new(self.snapshot())));
        }
    }

    pub(super) fn on_poll_failure(&mut self, failure: PollFailure) {
        let now = self.now;
        match failure.kind {
            FailureKind::Throttled { retry_after } => {
                self.schedule.throttled(now.instant, retry_after);
                self.sync.throttled_until = self.schedule.throttled_until(now.instant).map(|until| {
                    let wait = until.saturating_duration_since(now.instant);
                    now.utc + jiff::SignedDuration::try_from(wait).unwrap_or(jiff::SignedDuration::ZERO)
                });
            }
            FailureKind::SignedOut => {
                self.schedule.stopped();
                self.sync.signed_out = true;
            }
            FailureKind::Failed => self.schedule.failed(now.instant),
        }
        self.sync.error = Some(failure);
    }

    /// What the cache keeps: the roster, every known presence as Graph sent it, and when each changed.
    pub fn snapshot(&self) -> Snapshot {
        let roster = self.roster.as_ref().map_or_else(
            || Roster {
                me: None,
                members: Vec::new(),
                unresolved: Vec::new(),
                source: crate::roster::RosterSource::default(),
            },
            |(r, _)| (**r).clone(),
        );
        Snapshot {
            saved_at: self.now.utc,
            roster,
            presences: self.people.iter().filter_map(|p| p.presence.clone()).collect::<Vec<Presence>>(),
            last_changed: self
                .people
                .iter()
                .filter_map(|p| Some((p.id.clone(), p.changed_at?)))
                .collect(),
        }
    }
}

/// Roster members that could not be resolved, in one footer line.
fn unresolved_warning(roster: &Roster) -> Option<SafeText> {
    let first = roster.unresolved.first()?;
    Some(SafeText::line(&format!(
        "{} teammate(s) not found (first: {}: {}); check [team] in the config",
        roster.unresolved.len(),
        first.configured,
        first.reason
    )))
}
