//! Work-location place names (opt-in, `[graph] place_names`): which `placeId`s to ask Graph about,
//! what it answered, and when to stop asking. Each place is asked once; the names are kept in the
//! snapshot, so a warm start asks nothing.

use std::collections::{HashMap, HashSet};

use super::filter::SearchEntry;
use super::person::Person;
use crate::graph::places::PlaceLookup;
use crate::text::SafeText;

/// Most ids asked in one lookup (5 `$batch` requests); a tenant has far fewer places in use.
const MOST_PER_LOOKUP: usize = 100;

#[derive(Debug, Default)]
pub struct Places {
    /// Looking names up is allowed by the config (and Graph has not refused it).
    enabled: bool,
    names: HashMap<Box<str>, SafeText>,
    /// Ids Graph does not know: not asked again this session.
    unknown: HashSet<Box<str>>,
    /// A lookup is in flight: no second one until it answers.
    asking: bool,
    /// Graph refused (403): Place.Read.All is not granted.
    denied: bool,
    /// Look for unnamed places after the next poll even if it changes nothing: at the first poll
    /// (names may come from the cache) and after each lookup, failed or answered. Otherwise only a poll that changed
    /// something can bring a new place id, and an idle poll skips the walk over everyone.
    due: bool,
}

impl Places {
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            due: true,
            ..Self::default()
        }
    }

    pub fn name(&self, place_id: &str) -> Option<&SafeText> {
        self.names.get(place_id)
    }

    /// Every place known by name, ordered by name (for choosing where you work).
    pub fn known(&self) -> Vec<(String, SafeText)> {
        let mut known: Vec<(String, SafeText)> = self
            .names
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone()))
            .collect();
        known.sort_by(|a, b| a.1.as_str().cmp(b.1.as_str()).then_with(|| a.0.cmp(&b.0)));
        known
    }

    pub fn is_denied(&self) -> bool {
        self.denied
    }

    /// Place ids people's presence points at that have no name yet and were not found unknown
    /// (`None` when there is nothing to ask, a lookup is in flight, or asking is off). `changed`:
    /// the poll just taken changed someone. Marks the lookup in flight.
    pub fn to_ask(&mut self, people: &[Person], changed: bool) -> Option<Vec<String>> {
        if !self.enabled || self.denied || self.asking || !(changed || self.due) {
            return None;
        }
        self.due = false;
        let mut wanted: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        for id in people.iter().filter_map(place_id) {
            if wanted.len() == MOST_PER_LOOKUP {
                break;
            }
            if !self.names.contains_key(id) && !self.unknown.contains(id) && seen.insert(id) {
                wanted.push(id.to_owned());
            }
        }
        self.asking = !wanted.is_empty();
        self.asking.then_some(wanted)
    }

    /// Takes what Graph answered (names sanitized here). Returns whether any name is new.
    pub fn answered(&mut self, lookup: PlaceLookup) -> bool {
        self.asking = false;
        // Polls taken while this lookup was in flight may have brought ids it did not ask for.
        self.due = true;
        self.denied |= lookup.denied;
        self.unknown
            .extend(lookup.unknown.into_iter().map(String::into_boxed_str));
        let mut new = false;
        for (id, name) in lookup.named {
            let name = SafeText::line(&name);
            if name.is_visible() {
                new |= self.names.insert(id.into_boxed_str(), name).is_none();
            }
        }
        new
    }

    /// The lookup failed (network, throttling): asked again after a later poll.
    pub fn failed(&mut self) {
        self.asking = false;
        self.due = true;
    }

    /// Names from the cached snapshot: sanitized again, like anything read back from disk.
    pub fn load(&mut self, cached: Vec<(String, String)>) {
        for (id, name) in cached {
            let name = SafeText::line(&name);
            if name.is_visible() {
                self.names.insert(id.into_boxed_str(), name);
            }
        }
    }

    /// What the snapshot keeps: (placeId, name) sorted by id, so an unchanged set saves the same.
    pub fn cached(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .names
            .iter()
            .map(|(id, name)| (id.to_string(), name.to_string()))
            .collect();
        out.sort();
        out
    }

    /// Gives everyone the name of the place their work location points at, if known.
    pub fn fill(&self, people: &mut [Person]) {
        if self.names.is_empty() {
            return;
        }
        for person in people {
            let name = place_id(person).and_then(|id| self.names.get(id)).cloned();
            let Some(location) = &mut person.location else {
                continue;
            };
            if location.place_name != name {
                location.place_name = name;
                // The filter finds people by their place too. (A person still loading gets their
                // search data whole when they are finished.)
                if !person.is_pending() {
                    person.search = SearchEntry::for_presence(person);
                }
            }
        }
    }
}

/// The `placeId` of a person's work location, as Graph sent it.
fn place_id(person: &Person) -> Option<&str> {
    person
        .presence
        .as_ref()?
        .work_location
        .as_ref()?
        .place_id
        .as_deref()
        .filter(|id| !id.is_empty())
}
