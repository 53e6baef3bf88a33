//! Data arriving: the cached snapshot at start, poll answers merged by id, failures that keep the last
//! good state, and the snapshot written back.

use std::collections::hash_map::Entry;
use std::sync::Arc;

use super::effect::Effect;
use super::msg::{FailureKind, PollData, PollFailure};
use super::person::{Change, Person};
use super::state::{App, FLASH};
use crate::graph::model::{IdHasher, IdMap, Presence, User, UserId};
use crate::graph::places::PlaceLookup;
use crate::roster::Roster;
use crate::store::Snapshot;
use crate::text::SafeText;

impl App {
    /// Fills the board from the cache, before any network: drawn at once, marked stale until a poll lands.
    /// A roster resolved less than `roster_ttl` ago goes to the first poll, so the refresher does not
    /// read and decode the roster file as well (2 MB at 10,000 people); one of unknown age does not.
    pub fn load_snapshot(&mut self, snapshot: Snapshot) {
        let Snapshot {
            saved_at,
            roster,
            presences,
            last_changed,
            places,
        } = snapshot;
        self.places.load(places);
        // The snapshot lists presences and ages in roster order (see `snapshot`): walk them along,
        // and look up by id only for what is out of order.
        let mut presences = InOrder::new(presences, |p: &Arc<Presence>| &p.id);
        let mut ages = InOrder::new(last_changed, |(id, _): &(UserId, jiff::Timestamp)| id);
        // The index is built as people are (one hash per person: at 10,000 people every pass counts
        // before the first frame); a repeated id is skipped.
        let everyone = roster.me.iter().chain(&roster.members);
        let mut index =
            IdMap::with_capacity_and_hasher(roster.members.len() + 1, IdHasher::default());
        let mut users: Vec<&User> = Vec::with_capacity(roster.members.len() + 1);
        for user in everyone {
            if let Entry::Vacant(slot) = index.entry(user.id.clone()) {
                slot.insert(users.len());
                users.push(user);
            }
        }
        self.index = index;
        self.people = users
            .iter()
            .map(|u| {
                Person::from_cache(u, presences.take(&u.id), ages.take(&u.id).map(|(_, at)| at))
            })
            .collect();
        for presence in presences.rest() {
            if let Some(&i) = self.index.get(&presence.id)
                && self.people[i].presence.is_none()
            {
                self.people[i].set_presence(presence);
                self.people[i].from_cache = true;
            }
        }
        for (id, at) in ages.rest() {
            if let Some(&i) = self.index.get(&id) {
                self.people[i].changed_at.get_or_insert(at);
            }
        }
        self.order_names();
        self.me = roster.me.as_ref().map(|u| u.id.clone());
        self.sync.warning = unresolved_warning(&roster).or_else(|| self.lasting_warning());
        self.sync.cached_at = Some(saved_at);
        self.recount();
        self.rearrange();
        // The first screen (and you, in the header) complete before the first frame.
        let on_screen: Vec<usize> = self
            .geometry()
            .on_screen()
            .map(|n| self.visible[n])
            .collect();
        let me = self.me.as_ref().and_then(|id| self.index.get(id).copied());
        for i in on_screen.into_iter().chain(me) {
            self.people[i].finish(users[i]);
        }
        self.places.fill(&mut self.people);
        drop(users);
        self.loading = true;
        if let Some(since) = self.resolved_instant(&roster) {
            self.roster = Some((Arc::clone(&roster), since));
        }
        self.profiles = Some(roster);
    }

    /// Completes what the cache load left out (out-of-office text, search data). Called right after
    /// the first frame, and by anything that needs it first (the filter, a poll).
    pub fn finish_loading(&mut self) {
        if !std::mem::take(&mut self.loading) {
            return;
        }
        let Some(roster) = self.profiles.clone() else {
            return;
        };
        // `people` was built from these users in this order.
        for (person, user) in self.people.iter_mut().zip(roster.everyone()) {
            person.finish(user);
        }
        self.places.fill(&mut self.people);
    }

    /// Makes the people list match the roster: new people added (unknown), those gone dropped,
    /// everyone else's profile refreshed and presence kept.
    fn set_roster(&mut self, roster: &Roster) {
        let users: Vec<&User> = roster.everyone().collect();
        let same_people = users.len() == self.people.len()
            && users.iter().zip(&self.people).all(|(u, p)| u.id == p.id);
        if same_people {
            // Profiles changed, people did not: in place (no second copy of 10,000 people).
            for (person, user) in self.people.iter_mut().zip(&users) {
                person.set_profile(user);
            }
        } else {
            let mut old: Vec<Option<Person>> = self.people.drain(..).map(Some).collect();
            let people = users
                .iter()
                .map(|user| {
                    match self
                        .index
                        .get(&user.id)
                        .and_then(|&i| old.get_mut(i)?.take())
                    {
                        Some(mut p) => {
                            p.set_profile(user);
                            p
                        }
                        None => Person::from_user(user),
                    }
                })
                .collect();
            self.people = people;
            self.reindex();
        }
        self.order_names();
        self.me = roster.me.as_ref().map(|u| u.id.clone());
    }

    /// When `roster` was resolved, on the monotonic clock; `None` when that is unknown, in the future
    /// (clock skew) or before the clock can say.
    fn resolved_instant(&self, roster: &Roster) -> Option<std::time::Instant> {
        let age = self.now.utc.duration_since(roster.resolved_at?);
        let age = std::time::Duration::try_from(age).ok()?;
        self.now.instant.checked_sub(age)
    }

    /// Places everyone's name in the locale's order, once per roster (names come with it).
    fn order_names(&mut self) {
        self.name_order = self
            .options
            .collation
            .ranks(self.people.iter().map(|p| p.name.as_str()));
    }

    /// People are found by id (merges, selection) through this map; rebuilt whenever `people` is.
    fn reindex(&mut self) {
        let mut index = IdMap::with_capacity_and_hasher(self.people.len(), IdHasher::default());
        index.extend(
            self.people
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id.clone(), i)),
        );
        self.index = index;
    }

    pub(super) fn on_poll_data(&mut self, data: PollData, effects: &mut Vec<Effect>) {
        self.finish_loading();
        let now = self.now;
        self.schedule.stretch_to(data.min_interval);
        self.schedule.succeeded(now.instant);
        let roster_changed = self
            .profiles
            .as_ref()
            .is_none_or(|r| !Arc::ptr_eq(r, &data.roster) && **r != *data.roster);
        if roster_changed {
            self.set_roster(&data.roster);
        }
        self.profiles = Some(Arc::clone(&data.roster));
        if self
            .roster
            .as_ref()
            .is_none_or(|(r, _)| !Arc::ptr_eq(r, &data.roster))
        {
            self.roster = Some((data.roster, now.instant));
        }
        let mut answered = vec![false; self.people.len()];
        let mut saved_changed = roster_changed;
        let mut visible_changed = roster_changed;
        for presence in data.presences {
            let Some(&i) = self.index.get(&presence.id) else {
                continue;
            };
            answered[i] = true;
            let person = &mut self.people[i];
            let was_stale = person.stale;
            let was_meeting = super::calendar::in_meeting(person.presence.as_deref());
            let change = person.apply(presence, now.utc);
            if change != Change::FirstSeen
                && was_meeting != super::calendar::in_meeting(person.presence.as_deref())
            {
                self.calendar.presence_moved(&person.id);
            }
            visible_changed |= was_stale || change != Change::None;
            saved_changed |= change != Change::None;
            if matches!(change, Change::Presence | Change::Details) {
                person.flash_until = Some(now.instant + FLASH);
                self.flash_end = Some(now.instant + FLASH);
            }
        }
        // Left out of the answer: keep what we knew, marked stale. Never seen: stays unknown.
        for (person, answered) in self.people.iter_mut().zip(answered) {
            if !answered && person.presence.is_some() && !person.stale {
                person.stale = true;
                visible_changed = true;
            }
        }
        self.sync.updated_at = Some(now.utc);
        self.sync.refreshing = false;
        self.sync.cached_at = None;
        self.sync.error = None;
        self.sync.throttled_until = None;
        self.sync.signed_out = false;
        // Each poll says afresh what is wrong: a warning an earlier poll raised goes with the first
        // poll that does not raise it again.
        self.sync.warning = data
            .problem
            .or_else(|| {
                (data.malformed > 0).then(|| {
                    SafeText::line(&format!(
                        "{} presence answer(s) could not be read; those people keep their last known state",
                        data.malformed
                    ))
                })
            })
            .or_else(|| unresolved_warning(self.profiles.as_deref()?))
            .or_else(|| self.lasting_warning());
        if saved_changed || visible_changed {
            self.places.fill(&mut self.people);
        }
        if visible_changed {
            self.recount();
            self.rearrange();
        }
        if saved_changed {
            effects.push(Effect::Save(Box::new(self.snapshot())));
        }
        if let Some(ids) = self
            .places
            .to_ask(&self.people, saved_changed || visible_changed)
        {
            effects.push(Effect::LookUpPlaces(ids));
        }
    }

    /// Place names arrived (or the lookup failed): shown at once, and kept in the snapshot.
    pub(super) fn on_places(&mut self, answer: Option<PlaceLookup>, effects: &mut Vec<Effect>) {
        let Some(lookup) = answer else {
            self.places.failed();
            return;
        };
        let denied = lookup.denied;
        if self.places.answered(lookup) {
            self.places.fill(&mut self.people);
            effects.push(Effect::Save(Box::new(self.snapshot())));
        }
        if denied {
            self.sync.warning = self.lasting_warning();
        }
    }

    /// What the start found wrong with teamboard's files (others could change the config or the
    /// cache, the log is off): shown in the footer whenever no poll has something to say, until the
    /// board ends.
    pub fn warn_at_start(&mut self, warnings: &[SafeText]) {
        let joined: Vec<&str> = warnings.iter().map(SafeText::as_str).collect();
        self.start_warning = (!joined.is_empty()).then(|| SafeText::line(&joined.join("; ")));
        if self.sync.warning.is_none() {
            self.sync.warning = self.lasting_warning();
        }
    }

    /// What stays true from one poll to the next: a permission Graph refused, what the start found.
    fn lasting_warning(&self) -> Option<SafeText> {
        let denied = self.places.is_denied().then(|| {
            SafeText::line(
                "place names need the Place.Read.All permission; showing Office / Remote only \
                 (or set place_names = false under [graph])",
            )
        });
        denied.or_else(|| self.start_warning.clone())
    }

    pub(super) fn on_poll_failure(&mut self, failure: PollFailure) {
        let now = self.now;
        self.sync.refreshing = false;
        match failure.kind {
            FailureKind::Throttled { retry_after } => {
                self.schedule.throttled(now.instant, retry_after);
                self.sync.throttled_until =
                    self.schedule.throttled_until(now.instant).map(|until| {
                        let wait = until.saturating_duration_since(now.instant);
                        now.utc
                            + jiff::SignedDuration::try_from(wait)
                                .unwrap_or(jiff::SignedDuration::ZERO)
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
        let roster = self
            .roster
            .as_ref()
            .map_or_else(Arc::default, |(r, _)| Arc::clone(r));
        Snapshot {
            saved_at: self.now.utc,
            roster,
            presences: self
                .people
                .iter()
                .filter_map(|p| p.presence.clone())
                .collect::<Vec<Arc<Presence>>>(),
            last_changed: self
                .people
                .iter()
                .filter_map(|p| Some((p.id.clone(), p.changed_at?)))
                .collect(),
            places: self.places.cached(),
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

/// Items expected in the people's order, each present or not: a walk that takes the next item when
/// it belongs to this person. Whatever the walk could not place is left for `rest` (an edited cache).
struct InOrder<T, F> {
    items: std::iter::Peekable<std::vec::IntoIter<T>>,
    id: F,
}

impl<T, F: Fn(&T) -> &UserId> InOrder<T, F> {
    fn new(items: Vec<T>, id: F) -> Self {
        Self {
            items: items.into_iter().peekable(),
            id,
        }
    }

    fn take(&mut self, id: &UserId) -> Option<T> {
        let key = &self.id;
        self.items.next_if(|item| key(item) == id)
    }

    fn rest(self) -> impl Iterator<Item = T> {
        self.items
    }
}
