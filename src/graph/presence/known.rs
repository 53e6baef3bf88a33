//! Presence elements already parsed, by a hash of their exact bytes. An idle team answers the same
//! bytes poll after poll: an element identical to one in the last read is not parsed again, and the
//! board gets the very same `Arc` back, which it recognises without comparing fields. At 10,000
//! people, parsing was most of an idle poll's CPU.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, PoisonError};

use crate::graph::elements::{self, Element, Split};
use crate::graph::model::{BadElement, Presence, UserId, parse_element, parse_presence_list};

/// The elements of the last read and of the one under way. Only what the last read saw is kept, so
/// it never holds more than one team's presences (and those are shared with the board's people).
#[derive(Default)]
pub struct Known {
    seen: Mutex<Seen>,
    /// Seeded per process: nobody outside can aim two elements at one hash.
    hasher: foldhash::fast::RandomState,
}

#[derive(Default)]
struct Seen {
    last: HashMap<u64, Entry, foldhash::fast::RandomState>,
    this: HashMap<u64, Entry, foldhash::fast::RandomState>,
    /// Whole answers, by a hash of their bytes: an idle team's batch comes back byte for byte, and
    /// then not even its elements are looked at.
    last_bodies: HashMap<u64, Vec<(u64, Entry)>, foldhash::fast::RandomState>,
    these_bodies: HashMap<u64, Vec<(u64, Entry)>, foldhash::fast::RandomState>,
}

/// A presence parsed from an element, and where in the element's text its id stands quoted: an
/// element with the same hash is that presence's only if it quotes the same id at the same place,
/// which is checked without searching the text (a 64-bit hash could in theory collide, and one
/// person must never be handed another's presence).
#[derive(Clone)]
struct Entry {
    presence: Arc<Presence>,
    id_at: usize,
}

impl Entry {
    fn matches(&self, text: &str) -> bool {
        let id = self.presence.id.as_str();
        let bytes = text.as_bytes();
        self.id_at
            .checked_sub(1)
            .and_then(|before| bytes.get(before..self.id_at + id.len() + 1))
            .is_some_and(|quoted| {
                quoted.first() == Some(&b'"')
                    && quoted.last() == Some(&b'"')
                    && quoted.get(1..=id.len()) == Some(id.as_bytes())
            })
    }
}

/// One batch's answer: presences (shared) and the elements that could not be read.
pub struct Parsed {
    pub presences: Vec<Arc<Presence>>,
    pub bad: Vec<BadElement>,
}

impl Known {
    /// A new read begins: what the previous one saw becomes what is looked up.
    pub fn begin(&self) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let (people, bodies) = (seen.this.len(), seen.these_bodies.len());
        seen.last = std::mem::take(&mut seen.this);
        seen.last_bodies = std::mem::take(&mut seen.these_bodies);
        // Sized for as many as last time: grown from empty, 10,000 entries were rehashed on every read.
        seen.this.reserve(people);
        seen.these_bodies.reserve(bodies);
    }

    /// The read is over: what it looked up is no longer needed (about 0.5 MB at 10,000 people).
    pub fn end(&self) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.last = HashMap::default();
        seen.last_bodies = HashMap::default();
    }

    /// Parses a batch answer, reusing what the last read parsed from the same bytes. `asked` are the
    /// ids this batch asked for: a presence for one of them takes that id's shared string.
    pub fn parse(
        &self,
        body: &[u8],
        asked: &[UserId],
    ) -> Result<Parsed, crate::graph::model::ParseError> {
        let body_hash = self.hasher.hash_one(body);
        {
            let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(elements) = seen.last_bodies.get(&body_hash).cloned() {
                // The elements are kept too, for the next answer that differs in a few of them.
                let presences = elements
                    .iter()
                    .map(|(_, e)| Arc::clone(&e.presence))
                    .collect();
                for (hash, entry) in &elements {
                    seen.this.insert(*hash, entry.clone());
                }
                seen.these_bodies.insert(body_hash, elements);
                return Ok(Parsed {
                    presences,
                    bad: Vec::new(),
                });
            }
        }
        // The elements' text, split by a scanner that does not need valid JSON (and skips a string
        // in one jump, where a full parse checks every byte): an element seen in the last read is not
        // looked at again, and a new one is parsed on its own, decoded lossily, so one element's
        // bytes never cost anyone else their presence.
        let texts: Vec<(Cow<'_, str>, bool)> = if let Ok(Split::List(items)) =
            elements::value_list(body)
        {
            // UTF-8 checked once for the whole answer (a word at a time) when it is all valid; the
            // elements are then slices of that text.
            let whole = std::str::from_utf8(body).ok();
            items
                .iter()
                .map(|e| {
                    let start = (e.bytes.as_ptr() as usize).wrapping_sub(body.as_ptr() as usize);
                    let text =
                        match whole.and_then(|w| w.get(start..start.checked_add(e.bytes.len())?)) {
                            Some(text) => Cow::Borrowed(text),
                            None => String::from_utf8_lossy(e.bytes),
                        };
                    (text, e.too_deep)
                })
                .collect()
        } else {
            // Not a list (a bare presence) or not readable at all: the careful path says which.
            let list = parse_presence_list(body)?;
            return Ok(Parsed {
                presences: list.presences.into_iter().map(Arc::new).collect(),
                bad: list.bad,
            });
        };
        let mut parsed = Parsed {
            presences: Vec::with_capacity(texts.len()),
            bad: Vec::new(),
        };
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let mut elements = Vec::with_capacity(texts.len());
        let mut shared = super::asked::Asked::new(asked);
        for (index, (text, too_deep)) in texts.iter().enumerate() {
            let text: &str = text;
            let hash = self.hasher.hash_one(text);
            let entry = match seen.last.get(&hash) {
                Some(known) if known.matches(text) => known.clone(),
                _ => {
                    let element = Element {
                        bytes: text.as_bytes(),
                        too_deep: *too_deep,
                    };
                    match parse_element(element) {
                        Ok(mut p) => {
                            // Everyone's presence stays in memory: it takes the id string the
                            // roster already holds.
                            if let Some(id) = shared.equal(&p.id, index) {
                                p.id = id.clone();
                            }
                            let id_at = quoted_at(text, p.id.as_str());
                            let presence = Arc::new(p);
                            // An id written with escapes is not found as sent: such an element is
                            // taken, and parsed afresh every time.
                            let Some(id_at) = id_at else {
                                parsed.presences.push(presence);
                                continue;
                            };
                            Entry { presence, id_at }
                        }
                        Err(bad) => {
                            parsed.bad.push(bad.at(index));
                            continue;
                        }
                    }
                }
            };
            parsed.presences.push(Arc::clone(&entry.presence));
            seen.this.insert(hash, entry.clone());
            elements.push((hash, entry));
        }
        // Only a wholly readable answer is reused whole (a bad element is reported every time).
        if parsed.bad.is_empty() {
            seen.these_bodies.insert(body_hash, elements);
        }
        Ok(parsed)
    }
}

/// Where `text` holds `id` as a whole JSON string (`"id"`), as the element it was parsed from does.
fn quoted_at(text: &str, id: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    text.match_indices(id).map(|(at, _)| at).find(|&at| {
        at.checked_sub(1).and_then(|i| bytes.get(i)) == Some(&b'"')
            && bytes.get(at + id.len()) == Some(&b'"')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = r#"{"value":[
        {"id":"a","availability":"Busy","activity":"InACall","sequenceNumber":"1"},
        {"id":"b","availability":"Away","activity":"Away","sequenceNumber":"1"}
    ]}"#;

    fn ids() -> Vec<UserId> {
        vec![UserId::new("a"), UserId::new("b")]
    }

    #[test]
    fn the_same_bytes_give_the_same_presence_and_changed_bytes_a_new_one() {
        let known = Known::default();
        known.begin();
        let first = known.parse(BODY.as_bytes(), &ids()).unwrap();
        assert_eq!(first.presences.len(), 2);
        known.begin();
        let changed = BODY.replace(
            r#""Away","activity":"Away","sequenceNumber":"1""#,
            r#""Available","activity":"Available","sequenceNumber":"2""#,
        );
        let second = known.parse(changed.as_bytes(), &ids()).unwrap();
        assert!(
            Arc::ptr_eq(&first.presences[0], &second.presences[0]),
            "a: unchanged, not parsed again"
        );
        assert!(!Arc::ptr_eq(&first.presences[1], &second.presences[1]));
        assert_eq!(second.presences[1].availability.raw(), "Available");
        // Only the last read is remembered: two reads later, everything is parsed afresh.
        known.begin();
        known.begin();
        let third = known.parse(changed.as_bytes(), &ids()).unwrap();
        assert!(!Arc::ptr_eq(&second.presences[0], &third.presences[0]));
        assert_eq!(*second.presences[0], *third.presences[0]);
    }

    #[test]
    fn an_identical_answer_is_reused_whole_and_keeps_its_elements_known() {
        let known = Known::default();
        known.begin();
        let first = known.parse(BODY.as_bytes(), &ids()).unwrap();
        known.begin();
        let same = known.parse(BODY.as_bytes(), &ids()).unwrap();
        assert!(
            first
                .presences
                .iter()
                .zip(&same.presences)
                .all(|(a, b)| Arc::ptr_eq(a, b))
        );
        // The next answer differs in b only: a is still known from the reused answer.
        known.begin();
        let changed = BODY.replace(r#""Away","activity":"Away""#, r#""Busy","activity":"Busy""#);
        let next = known.parse(changed.as_bytes(), &ids()).unwrap();
        assert!(Arc::ptr_eq(&first.presences[0], &next.presences[0]));
        assert_eq!(next.presences[1].availability.raw(), "Busy");
    }

    #[test]
    fn a_hash_that_names_someone_else_is_not_trusted() {
        let known = Known::default();
        known.begin();
        known.parse(BODY.as_bytes(), &ids()).unwrap();
        {
            // As if a's and b's bytes had hashed alike: each hash now holds the other's presence.
            let mut seen = known.seen.lock().unwrap();
            let mut entries: Vec<(u64, Entry)> = seen.this.drain().collect();
            let swapped = entries[0].1.clone();
            entries[0].1 = entries[1].1.clone();
            entries[1].1 = swapped;
            seen.this.extend(entries);
            seen.these_bodies.clear();
        }
        known.begin();
        let parsed = known.parse(BODY.as_bytes(), &ids()).unwrap();
        let got: Vec<&str> = parsed.presences.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(got, ["a", "b"]);
        assert_eq!(parsed.presences[0].availability.raw(), "Busy");
        assert_eq!(quoted_at(r#"{"id":"b"}"#, "b"), Some(7));
        assert_eq!(
            quoted_at(r#"{"sequenceNumber":"1","xb":"b"}"#, "b"),
            Some(28)
        );
        assert_eq!(quoted_at(r#"{"sequenceNumber":"1"}"#, "b"), None);
    }

    #[test]
    fn ids_are_shared_with_the_ids_asked() {
        let known = Known::default();
        let asked = ids();
        let parsed = known.parse(BODY.as_bytes(), &asked).unwrap();
        assert!(std::ptr::eq(
            parsed.presences[0].id.as_str(),
            asked[0].as_str()
        ));
        // Answered in another order than asked: still shared, found by id.
        let reversed: Vec<UserId> = asked.iter().rev().cloned().collect();
        let parsed = Known::default().parse(BODY.as_bytes(), &reversed).unwrap();
        assert!(std::ptr::eq(
            parsed.presences[0].id.as_str(),
            reversed[1].as_str()
        ));
    }

    #[test]
    fn broken_escapes_surrogates_bad_utf8_and_deep_nesting_cost_only_their_element() {
        let known = Known::default();
        let asked: Vec<UserId> = ["a", "x", "b"].into_iter().map(UserId::new).collect();
        let good = |id: &str| format!(r#"{{"id":"{id}","availability":"Busy","activity":"Busy"}}"#);
        let mut surrogate_and_utf8 = format!(
            r#"{{"value":[{},{{"id":"x","availability":"\udc00"}},{{"id":"b","availability":"Away","activity":"Away","statusMessage":{{"message":{{"content":"caf"#,
            good("a")
        )
        .into_bytes();
        surrogate_and_utf8.extend_from_slice(&[0xff]);
        surrogate_and_utf8.extend_from_slice(br#"","contentType":"text"}}}]}"#);
        let bodies = [
            format!(
                r#"{{"value":[{},{{"id":"x","activity":"\q"}},{}]}}"#,
                good("a"),
                good("b")
            )
            .into_bytes(),
            surrogate_and_utf8,
            format!(
                r#"{{"value":[{},{{"id":"x","activity":"\q","deep":{}{}}},{}]}}"#,
                good("a"),
                "{\"k\":[".repeat(50_000),
                "]}".repeat(50_000),
                good("b")
            )
            .into_bytes(),
        ];
        for body in bodies {
            known.begin();
            let parsed = known.parse(&body, &asked).unwrap();
            let got: Vec<&str> = parsed.presences.iter().map(|p| p.id.as_str()).collect();
            assert_eq!(got, ["a", "b"]);
            assert_eq!(parsed.bad.len(), 1);
            assert_eq!(parsed.bad[0].id, Some(UserId::new("x")));
        }
    }

    #[test]
    fn a_bad_element_costs_only_that_person_and_odd_bodies_take_the_lossy_path() {
        let known = Known::default();
        let body = r#"{"value":[{"id":"a","availability":5},{"id":"b","availability":"Away"}]}"#;
        let parsed = known.parse(body.as_bytes(), &ids()).unwrap();
        assert_eq!(parsed.presences.len(), 1);
        assert_eq!(parsed.bad.len(), 1);
        assert_eq!(parsed.bad[0].id, Some(UserId::new("a")));
        let mut broken = BODY.as_bytes().to_vec();
        let at = BODY.find("Busy").unwrap();
        broken[at] = 0xff;
        let lossy = known.parse(&broken, &ids()).unwrap();
        assert_eq!(
            lossy.presences.len(),
            2,
            "bad UTF-8 spoils only its characters"
        );
        assert!(known.parse(b"<html>", &ids()).is_err());
    }
}
