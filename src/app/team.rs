//! The people on the board and what must stay true between them: one person per id, found through
//! an index kept in step with the list, a rank per person in the locale's order of names, and the
//! header's counts.

use std::collections::hash_map::Entry;
use std::sync::Arc;

use jiff::Timestamp;

use super::person::Person;
use super::sort;
use crate::collation::Collation;
use crate::graph::model::{IdHasher, IdMap, Presence, Status, User, UserId};
use crate::roster::Roster;
use crate::store::NameOrder;

#[derive(Debug)]
pub struct Team {
    people: Vec<Person>,
    /// Each person's position in `people`; rebuilt whenever the list is.
    index: IdMap<usize>,
    /// Each person's place in the locale's order of names (see `sort::arrange_by`); rebuilt with
    /// `people` whenever names may have changed, never per keystroke.
    name_order: Vec<u32>,
    me: Option<UserId>,
    /// People per availability over the whole team (header counts).
    counts: [usize; Status::ALL.len()],
    out_of_office: usize,
    /// The roster the people's profiles were built from (the cache's, then each poll's). One copy:
    /// when a poll brings the same roster, this becomes that roster and the cache's is dropped.
    profiles: Option<Arc<Roster>>,
    /// Built from the cache with only the first screen complete: `finish` completes the rest.
    loading: bool,
    /// `people[i]` was built from `profiles`' `entries()[i]` (no repeated id was skipped), so a
    /// person's roster entry is found by position, without hashing.
    aligned: bool,
}

impl Default for Team {
    fn default() -> Self {
        Self {
            people: Vec::new(),
            index: IdMap::default(),
            name_order: Vec::new(),
            me: None,
            counts: [0; Status::ALL.len()],
            out_of_office: 0,
            profiles: None,
            loading: false,
            aligned: false,
        }
    }
}

impl Team {
    /// The team as the cache left it: the roster's people in order, each with the presence and the
    /// time of change saved for them. Only the people `complete` picks (the first screen, you) get
    /// their out-of-office text and search data now; `finish` does the rest after the first frame.
    pub fn from_cache(
        roster: Arc<Roster>,
        presences: Vec<Arc<Presence>>,
        last_changed: Vec<(UserId, Timestamp)>,
        collation: &Collation,
        name_order: NameOrder,
    ) -> Self {
        // The snapshot lists presences and ages in roster order: walk them along, and look up by id
        // only for what is out of order.
        let mut presences = InOrder::new(presences, |p: &Arc<Presence>| &p.id);
        let mut ages = InOrder::new(last_changed, |(id, _): &(UserId, Timestamp)| id);
        // The index is built as people are (one hash per person: at 10,000 people every pass counts
        // before the first frame); a repeated id is skipped.
        let mut index =
            IdMap::with_capacity_and_hasher(roster.members.len() + 1, IdHasher::default());
        let mut people = Vec::with_capacity(roster.members.len() + 1);
        let mut aligned = true;
        for user in roster.entries() {
            if let Entry::Vacant(slot) = index.entry(user.id.clone()) {
                slot.insert(people.len());
                people.push(Person::from_cache(
                    user,
                    presences.take(&user.id),
                    ages.take(&user.id).map(|(_, at)| at),
                ));
            } else {
                aligned = false;
            }
        }
        let mut team = Self {
            people,
            index,
            me: roster.me.as_ref().map(|u| u.id.clone()),
            loading: true,
            aligned,
            ..Self::default()
        };
        for presence in presences.rest() {
            if let Some(person) = team.get_mut(&presence.id)
                && person.presence.is_none()
            {
                person.set_presence(presence);
                person.from_cache = true;
            }
        }
        for (id, at) in ages.rest() {
            if let Some(person) = team.get_mut(&id) {
                person.changed_at.get_or_insert(at);
            }
        }
        // Ranks saved with the snapshot are taken when they were made the same way for as many people.
        match name_order.for_collation(collation, team.people.len()) {
            Some(ranks) => team.name_order = ranks,
            None => team.order_names(collation),
        }
        team.recount();
        team.profiles = Some(roster);
        team
    }

    /// Completes these people's profiles from the roster (out-of-office text, search data), ahead of
    /// the rest: the first screen, before the first frame.
    pub fn finish_some(&mut self, positions: impl IntoIterator<Item = usize>) {
        let Some(roster) = self.profiles.clone() else {
            return;
        };
        let users = Users::of(&roster, self.aligned);
        for i in positions {
            if let Some(person) = self.people.get_mut(i)
                && let Some(user) = users.at(i, &person.id)
            {
                person.finish(user);
            }
        }
    }

    /// Completes everyone a cache load left out. Returns whether there was anything to do.
    pub fn finish(&mut self) -> bool {
        if !std::mem::take(&mut self.loading) || self.profiles.is_none() {
            return false;
        }
        self.finish_some(0..self.people.len());
        true
    }

    /// Takes the roster a poll brought. When it differs from the one the people were built from, the
    /// people are made to match it: new people added (unknown), those gone dropped, everyone else's
    /// profile refreshed and presence kept. Returns whether it differed.
    pub fn set_roster(&mut self, roster: &Arc<Roster>, collation: &Collation) -> bool {
        let changed = self
            .profiles
            .as_ref()
            .is_none_or(|r| !Arc::ptr_eq(r, roster) && **r != **roster);
        if changed {
            self.rebuild(roster, collation);
        }
        self.profiles = Some(Arc::clone(roster));
        changed
    }

    fn rebuild(&mut self, roster: &Roster, collation: &Collation) {
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
        self.aligned = self.people.len() == roster.entries().count();
        self.order_names(collation);
        self.me = roster.me.as_ref().map(|u| u.id.clone());
    }

    /// Places everyone's name in the locale's order, once per roster (names come with it).
    fn order_names(&mut self, collation: &Collation) {
        self.name_order = collation.ranks(self.people.iter().map(|p| p.name.as_str()));
    }

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

    /// Recounts the header's figures after presences changed.
    pub fn recount(&mut self) {
        self.counts = [0; Status::ALL.len()];
        self.out_of_office = 0;
        for p in &self.people {
            self.counts[sort::section(p)] += 1;
            self.out_of_office += usize::from(p.out_of_office);
        }
    }

    pub fn people(&self) -> &[Person] {
        &self.people
    }

    /// The people, to change what each knows; never who they are or how many (that is `set_roster`),
    /// so the index stays true.
    pub fn people_mut(&mut self) -> &mut [Person] {
        &mut self.people
    }

    /// Where someone is in `people`.
    pub fn position(&self, id: &UserId) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Where someone is, trying `expected` first (the place after the last person found, when
    /// walking people in order).
    pub fn position_from(&self, id: &UserId, expected: usize) -> Option<usize> {
        // Only the very same string counts as found (as the poll's answers share the roster's);
        // anything else is looked up rather than compared, since answers may come in any order.
        match self.people.get(expected) {
            Some(p) if p.id.same(id) => Some(expected),
            _ => self.position(id),
        }
    }

    pub fn get(&self, id: &UserId) -> Option<&Person> {
        self.position(id).map(|i| &self.people[i])
    }

    pub fn get_mut(&mut self, id: &UserId) -> Option<&mut Person> {
        self.position(id).map(|i| &mut self.people[i])
    }

    /// Built from the cache, with what `finish` completes still to do.
    pub fn is_loading(&self) -> bool {
        self.loading
    }

    pub fn name_order(&self) -> &[u32] {
        &self.name_order
    }

    pub fn me(&self) -> Option<&UserId> {
        self.me.as_ref()
    }

    pub fn counts(&self) -> (&[usize; Status::ALL.len()], usize) {
        (&self.counts, self.out_of_office)
    }

    /// The roster the people were built from.
    pub fn profiles(&self) -> Option<&Arc<Roster>> {
        self.profiles.as_ref()
    }

    /// Someone's roster entry (mail, job title, department: raw, sanitize to show).
    /// Found by the person's position, not by walking the roster: details ask on every frame.
    pub fn profile(&self, id: &UserId) -> Option<&User> {
        let roster = self.profiles.as_ref()?;
        match self.position(id) {
            Some(i) if self.aligned => Users::Aligned(roster).at(i, id),
            _ => roster.user(id),
        }
    }
}

/// The roster entries the people were built from, by the people's positions.
enum Users<'a> {
    /// People and entries line up one to one.
    Aligned(&'a Roster),
    /// A repeated id was skipped: `everyone`, listed once, lines up instead.
    Listed(Vec<&'a User>, &'a Roster),
}

impl<'a> Users<'a> {
    fn of(roster: &'a Roster, aligned: bool) -> Self {
        if aligned {
            Self::Aligned(roster)
        } else {
            Self::Listed(roster.everyone().collect(), roster)
        }
    }

    /// The entry of the person at `i`, whose id is `id` (looked up by id should they not line up).
    fn at(&self, i: usize, id: &UserId) -> Option<&'a User> {
        let (found, roster) = match self {
            Self::Aligned(roster) => (roster.entry(i), *roster),
            Self::Listed(users, roster) => (users.get(i).copied(), *roster),
        };
        found.filter(|u| &u.id == id).or_else(|| roster.user(id))
    }
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

mod found;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::state::tests::roster;

    #[test]
    fn the_index_follows_the_people_through_roster_changes() {
        let collation = Collation::root();
        let mut team = Team::default();
        assert!(team.set_roster(&roster(3), &collation));
        let fewer = roster(2);
        assert!(team.set_roster(&fewer, &collation));
        assert_eq!(team.people().len(), fewer.everyone().count());
        for (i, p) in team.people().iter().enumerate() {
            assert_eq!(team.position(&p.id), Some(i));
        }
        assert_eq!(team.name_order().len(), team.people().len());
        // The same roster again is no change, and keeps the people as they are.
        assert!(!team.set_roster(&Arc::new((*fewer).clone()), &collation));
    }
}
