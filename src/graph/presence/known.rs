//! Presence elements already parsed, by a hash of their exact bytes. An idle team answers the same
//! bytes poll after poll: an element identical to one in the last read is not parsed again, and the
//! board gets the very same `Arc` back, which it recognises without comparing fields. At 10,000
//! people, parsing was most of an idle poll's CPU.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};

use crate::graph::elements::{self, Split};
use crate::graph::model::{
    BadElement, Presence, UserId, WARM_AHEAD, parse_element, parse_presence_list, warm,
};

/// The elements of the last read and of the one under way, in one map: each remembers the last read
/// that saw it, and those the finished read did not see are dropped. An idle team's read thus
/// changes a number in each entry instead of building a second map of 10,000.
#[derive(Default)]
pub struct Known {
    seen: Mutex<Seen>,
    /// Both seeded per process: nobody outside can aim two elements at one hash. The second hash
    /// tells apart two elements whose first hashes collide (one person must never be handed
    /// another's presence), without reading the presence an entry holds, which at 10,000 people
    /// meant two cache misses an element.
    hasher: foldhash::fast::RandomState,
    check: foldhash::fast::RandomState,
}

#[derive(Default)]
struct Seen {
    /// The read under way (wraps after four billion reads).
    read: u32,
    elements: HashMap<u64, Entry, foldhash::fast::RandomState>,
    /// Whole answers, by a hash of their bytes, with their elements' hashes: an idle team's batch
    /// may come back byte for byte, and then not even its elements are looked at.
    bodies: HashMap<u64, Body, foldhash::fast::RandomState>,
    /// Room for an answer's likely elements and what each turned out to be, kept from answer to
    /// answer: allocated afresh, their pages were faulted in and handed back for every batch.
    pieces: Vec<Range<usize>>,
    looked_up: Vec<LookedUp>,
}

/// A likely element's two hashes, and whether the last read (or this one) saw its bytes.
struct LookedUp {
    hash: u64,
    check: u64,
    known: bool,
}

/// A presence parsed from an element.
struct Entry {
    presence: Arc<Presence>,
    /// The element's second hash.
    check: u64,
    /// Where its id stood among the ids its batch asked for (`u32::MAX`: not among them): the next
    /// answer is merged there without looking the id up.
    asked_at: u32,
    /// The last read that saw it.
    read: u32,
}

struct Body {
    elements: Vec<u64>,
    read: u32,
}

/// Whether something last seen by read `seen` may be used by read `now`: seen by the last read or by
/// this one.
fn fresh(seen: u32, now: u32) -> bool {
    seen == now || seen == now.wrapping_sub(1)
}

impl Seen {
    /// The element with this hash (and second hash, when given), when fresh; marked seen by this
    /// read.
    fn mark(&mut self, hash: u64, check: Option<u64>) -> Option<&Entry> {
        let read = self.read;
        let entry = self.elements.get_mut(&hash)?;
        if !fresh(entry.read, read) || check.is_some_and(|check| check != entry.check) {
            return None;
        }
        entry.read = read;
        Some(entry)
    }

    /// Appends the presences of elements `mark` took, by hash, each with its place among `asked`
    /// when the presence holds that very id; false, with nothing appended, when one is not there.
    /// A stretch is looked up first and shared after: taking each presence's count as it is found
    /// made every element of the answer wait for a cache miss of its own.
    fn answers(&self, hashes: &[u64], asked: &[UserId], into: &mut Vec<Answer>) -> bool {
        let start = into.len();
        into.reserve(hashes.len());
        let mut found: [Option<&Entry>; WARM_AHEAD] = [None; WARM_AHEAD];
        for stretch in hashes.chunks(WARM_AHEAD) {
            let found = &mut found[..stretch.len()];
            for (entry, hash) in found.iter_mut().zip(stretch) {
                *entry = self.elements.get(hash);
            }
            if found.iter().any(Option::is_none) {
                into.truncate(start);
                return false;
            }
            warm(found.iter().flatten().map(|e| &e.presence));
            into.extend(found.iter().flatten().map(|e| e.answer(asked)));
        }
        true
    }
}

impl Entry {
    fn answer(&self, asked: &[UserId]) -> Answer {
        let at = self.asked_at as usize;
        Answer {
            presence: Arc::clone(&self.presence),
            asked_at: asked
                .get(at)
                .is_some_and(|id| id.same(&self.presence.id))
                .then_some(at),
        }
    }
}

/// One presence from an answer.
pub struct Answer {
    pub presence: Arc<Presence>,
    /// Where its id stands among the ids the batch asked for, when the presence holds that very id
    /// string (so the place is certain without reading the presence).
    pub asked_at: Option<usize>,
}

/// One batch's answer: presences (shared) and the elements that could not be read.
pub struct Parsed {
    pub presences: Vec<Answer>,
    pub bad: Vec<BadElement>,
}

impl Known {
    /// A new read begins: what the previous one saw is what it may reuse.
    pub fn begin(&self) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.read = seen.read.wrapping_add(1);
    }

    /// The read is over: what it did not see is forgotten, so the map never holds more than one
    /// team's presences (and those are shared with the board's people).
    pub fn end(&self) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let read = seen.read;
        seen.elements.retain(|_, e| e.read == read);
        seen.bodies.retain(|_, b| b.read == read);
    }

    /// Parses a batch answer, reusing what the last read parsed from the same bytes. `asked` are the
    /// ids this batch asked for: a presence for one of them takes that id's shared string. The
    /// presences go into `presences` (emptied first), a list the caller may have used before.
    pub fn parse(
        &self,
        body: &[u8],
        asked: &[UserId],
        mut presences: Vec<Answer>,
    ) -> Result<Parsed, crate::graph::model::ParseError> {
        presences.clear();
        let body_hash = self.hasher.hash_one(body);
        if self.known_body(body_hash, asked, &mut presences) {
            return Ok(Parsed {
                presences,
                bad: Vec::new(),
            });
        }
        // The elements, split by a scanner that does not need valid JSON (and skips a string in one
        // jump, where a full parse checks every byte). An element seen in the last read is taken by
        // its bytes, without being scanned or parsed; a new one is parsed on its own, decoded
        // lossily, so one element's bytes never cost anyone else their presence.
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let read = seen.read;
        // Where the elements most likely are, hashed and looked up in two loops of their own:
        // lookups that do not wait on one another overlap their cache misses, where a lookup
        // between the hashing of each element and the next waited for its own.
        let mut pieces = std::mem::take(&mut seen.pieces);
        let mut looked_up = std::mem::take(&mut seen.looked_up);
        elements::likely_elements(body, &mut pieces);
        looked_up.clear();
        looked_up.extend(pieces.iter().map(|piece| {
            let (hash, check) = self.hashes(&body[piece.clone()]);
            LookedUp {
                hash,
                check,
                known: false,
            }
        }));
        for piece in &mut looked_up {
            piece.known = seen.mark(piece.hash, Some(piece.check)).is_some();
        }
        let mut hashes = Vec::with_capacity(asked.len());
        let mut next = 0;
        let split = elements::value_list_known(body, &pieces, |_, bytes| {
            let start = bytes.as_ptr() as usize - body.as_ptr() as usize;
            while pieces.get(next).is_some_and(|piece| piece.start < start) {
                next += 1;
            }
            let foreseen = pieces
                .get(next)
                .is_some_and(|piece| *piece == (start..start + bytes.len()));
            let hash = if foreseen {
                let piece = &looked_up[next];
                piece.known.then_some(piece.hash)
            } else {
                // The split found an element where none was foreseen (a guess that ended inside
                // a string moved it on): decided on its own.
                let (hash, check) = self.hashes(bytes);
                seen.mark(hash, Some(check)).map(|_| hash)
            };
            hashes.extend(hash);
            hash.is_some()
        });
        // Kept for the next answer.
        seen.pieces = pieces;
        seen.looked_up = looked_up;
        let Ok(Split::List(items)) = split else {
            drop(seen);
            // Not a list (a bare presence) or not readable at all: the careful path says which.
            let list = parse_presence_list(body)?;
            return Ok(Parsed {
                presences: list
                    .presences
                    .into_iter()
                    .map(|p| Answer {
                        presence: Arc::new(p),
                        asked_at: None,
                    })
                    .collect(),
                bad: list.bad,
            });
        };
        // Each was marked seen just now, so each is there.
        seen.answers(&hashes, asked, &mut presences);
        let mut parsed = Parsed {
            presences,
            bad: Vec::new(),
        };
        let mut whole = true;
        let mut shared = super::asked::Asked::new(asked);
        for element in items {
            let (hash, check) = self.hashes(element.bytes);
            if let Some(entry) = seen.mark(hash, Some(check)) {
                parsed.presences.push(entry.answer(asked));
                hashes.push(hash);
                continue;
            }
            match parse_element(element) {
                Ok(mut p) => {
                    // Everyone's presence stays in memory: it takes the id string the roster
                    // already holds.
                    let asked_at = shared.equal(&p.id, element.index).map(|(at, id)| {
                        p.id = id.clone();
                        at
                    });
                    let presence = Arc::new(p);
                    seen.elements.insert(
                        hash,
                        Entry {
                            presence: Arc::clone(&presence),
                            check,
                            asked_at: asked_at
                                .and_then(|at| u32::try_from(at).ok())
                                .unwrap_or(u32::MAX),
                            read,
                        },
                    );
                    parsed.presences.push(Answer { presence, asked_at });
                    hashes.push(hash);
                }
                Err(bad) => {
                    parsed.bad.push(bad.at(element.index));
                    whole = false;
                }
            }
        }
        // Only a wholly readable answer is reused whole (a bad element is reported every time).
        if whole {
            seen.bodies.insert(
                body_hash,
                Body {
                    elements: hashes,
                    read,
                },
            );
        }
        Ok(parsed)
    }

    /// An element's two hashes.
    fn hashes(&self, bytes: &[u8]) -> (u64, u64) {
        (self.hasher.hash_one(bytes), self.check.hash_one(bytes))
    }

    /// Appends the presences of an answer seen byte for byte in the last read (or this one), when
    /// each of its elements is still known; false, with nothing appended, otherwise.
    fn known_body(&self, body_hash: u64, asked: &[UserId], presences: &mut Vec<Answer>) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let seen = &mut *seen;
        let read = seen.read;
        let Some(body) = seen.bodies.get_mut(&body_hash) else {
            return false;
        };
        if !fresh(body.read, read) {
            return false;
        }
        body.read = read;
        let hashes = std::mem::take(&mut body.elements);
        // Every element must still be known (an element is forgotten when a read does not see it).
        let known = hashes.iter().all(|&hash| seen.mark(hash, None).is_some())
            && seen.answers(&hashes, asked, presences);
        if let Some(body) = seen.bodies.get_mut(&body_hash) {
            body.elements = hashes;
        }
        known
    }
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

    /// The ids answered, in the order parsed.
    fn answered(parsed: &Parsed) -> Vec<&str> {
        parsed
            .presences
            .iter()
            .map(|a| a.presence.id.as_str())
            .collect()
    }

    /// Whether the `i`th answers of two reads are one shared presence.
    fn shared(a: &Parsed, b: &Parsed, i: usize) -> bool {
        Arc::ptr_eq(&a.presences[i].presence, &b.presences[i].presence)
    }

    #[test]
    fn the_same_bytes_give_the_same_presence_and_changed_bytes_a_new_one() {
        let known = Known::default();
        known.begin();
        let first = known.parse(BODY.as_bytes(), &ids(), Vec::new()).unwrap();
        assert_eq!(first.presences.len(), 2);
        known.begin();
        let changed = BODY.replace(
            r#""Away","activity":"Away","sequenceNumber":"1""#,
            r#""Available","activity":"Available","sequenceNumber":"2""#,
        );
        let second = known.parse(changed.as_bytes(), &ids(), Vec::new()).unwrap();
        assert!(shared(&first, &second, 0), "a: unchanged, not parsed again");
        assert!(!shared(&first, &second, 1));
        assert_eq!(second.presences[1].presence.availability.raw(), "Available");
        // Only the last read is remembered: two reads later, everything is parsed afresh.
        known.begin();
        known.begin();
        let third = known.parse(changed.as_bytes(), &ids(), Vec::new()).unwrap();
        assert!(!shared(&second, &third, 0));
        assert_eq!(*second.presences[0].presence, *third.presences[0].presence);
    }

    #[test]
    fn an_identical_answer_is_reused_whole_and_keeps_its_elements_known() {
        let known = Known::default();
        known.begin();
        let first = known.parse(BODY.as_bytes(), &ids(), Vec::new()).unwrap();
        known.begin();
        let same = known.parse(BODY.as_bytes(), &ids(), Vec::new()).unwrap();
        assert!(shared(&first, &same, 0) && shared(&first, &same, 1));
        // The next answer differs in b only: a is still known from the reused answer.
        known.begin();
        let changed = BODY.replace(r#""Away","activity":"Away""#, r#""Busy","activity":"Busy""#);
        let next = known.parse(changed.as_bytes(), &ids(), Vec::new()).unwrap();
        assert!(shared(&first, &next, 0));
        assert_eq!(next.presences[1].presence.availability.raw(), "Busy");
    }

    #[test]
    fn a_hash_that_names_someone_else_is_not_trusted() {
        let known = Known::default();
        known.begin();
        known.parse(BODY.as_bytes(), &ids(), Vec::new()).unwrap();
        {
            // As if a's and b's first hashes had collided: each now holds the other's presence
            // (and the other's second hash).
            let mut seen = known.seen.lock().unwrap();
            let hashes: Vec<u64> = seen.elements.keys().copied().collect();
            let first = seen.elements.remove(&hashes[0]).unwrap();
            let second = seen.elements.remove(&hashes[1]).unwrap();
            seen.elements.insert(hashes[0], second);
            seen.elements.insert(hashes[1], first);
            seen.bodies.clear();
        }
        known.begin();
        let parsed = known.parse(BODY.as_bytes(), &ids(), Vec::new()).unwrap();
        assert_eq!(answered(&parsed), ["a", "b"]);
        assert_eq!(parsed.presences[0].presence.availability.raw(), "Busy");
    }

    #[test]
    fn what_a_finished_read_did_not_see_is_forgotten() {
        let known = Known::default();
        known.begin();
        known.parse(BODY.as_bytes(), &ids(), Vec::new()).unwrap();
        known.end();
        let only_a = r#"{"value":[{"id":"a","availability":"Busy","activity":"InACall","sequenceNumber":"1"}]}"#;
        known.begin();
        known.parse(only_a.as_bytes(), &ids(), Vec::new()).unwrap();
        known.end();
        let seen = known.seen.lock().unwrap();
        assert_eq!(seen.elements.len(), 1, "b was not seen by the last read");
        assert_eq!(seen.bodies.len(), 1);
    }

    #[test]
    fn ids_are_shared_with_the_ids_asked() {
        let known = Known::default();
        let asked = ids();
        let parsed = known.parse(BODY.as_bytes(), &asked, Vec::new()).unwrap();
        assert!(std::ptr::eq(
            parsed.presences[0].presence.id.as_str(),
            asked[0].as_str()
        ));
        // Answered in another order than asked: still shared, found by id.
        let reversed: Vec<UserId> = asked.iter().rev().cloned().collect();
        let known = Known::default();
        known.begin();
        let parsed = known.parse(BODY.as_bytes(), &reversed, Vec::new()).unwrap();
        assert!(std::ptr::eq(
            parsed.presences[0].presence.id.as_str(),
            reversed[1].as_str()
        ));
        // Each answer says where its id was asked, the first time and when known from then on.
        let places = |p: &Parsed| p.presences.iter().map(|a| a.asked_at).collect::<Vec<_>>();
        assert_eq!(places(&parsed), [Some(1), Some(0)]);
        known.begin();
        let changed = BODY.replace(r#""Away","activity":"Away""#, r#""Busy","activity":"Busy""#);
        assert_eq!(
            places(
                &known
                    .parse(changed.as_bytes(), &reversed, Vec::new())
                    .unwrap()
            ),
            [Some(1), Some(0)]
        );
    }

    #[test]
    fn a_place_is_vouched_for_only_where_the_presence_s_own_id_was_asked() {
        let places = |p: &Parsed| p.presences.iter().map(|a| a.asked_at).collect::<Vec<_>>();
        let known = Known::default();
        let asked = ids();
        known.begin();
        let first = known.parse(BODY.as_bytes(), &asked, Vec::new()).unwrap();
        assert_eq!(places(&first), [Some(0), Some(1)]);
        // Asked in another order (the roster changed): the remembered places now hold someone
        // else, so none is given, for a whole answer seen before and for an element of a new one.
        let swapped = vec![asked[1].clone(), asked[0].clone()];
        known.begin();
        let same = known.parse(BODY.as_bytes(), &swapped, Vec::new()).unwrap();
        assert!(shared(&first, &same, 0) && shared(&first, &same, 1));
        assert_eq!(places(&same), [None, None]);
        known.begin();
        let changed = BODY.replace(r#""Away","activity":"Away""#, r#""Busy","activity":"Busy""#);
        let next = known
            .parse(changed.as_bytes(), &swapped, Vec::new())
            .unwrap();
        assert!(shared(&first, &next, 0));
        assert_eq!(
            places(&next),
            [None, Some(0)],
            "b parsed afresh, found by id"
        );
        // Equal text in other strings is not the presence's own id either.
        known.begin();
        assert_eq!(
            places(&known.parse(changed.as_bytes(), &ids(), Vec::new()).unwrap()),
            [None, None]
        );
    }

    #[test]
    fn elements_that_fool_the_guess_are_still_found_and_known() {
        let known = Known::default();
        let asked: Vec<UserId> = ["a", "b", "c", "d"].into_iter().map(UserId::new).collect();
        // b's message holds `},{` (the guess ends inside it); d follows a list, where no guess
        // foresaw an element.
        let body = |a: &str| {
            format!(
                r#"{{"value":[{{"id":"a","availability":"{a}"}},{{"id":"b","availability":"Away","m":"x}},{{y"}},{{"id":"c","availability":"Busy"}},[1],{{"id":"d","availability":"Away"}}]}}"#
            )
        };
        known.begin();
        let first = known
            .parse(body("Busy").as_bytes(), &asked, Vec::new())
            .unwrap();
        assert_eq!(answered(&first), ["a", "b", "c", "d"]);
        assert_eq!(first.bad.len(), 1, "the list element is no presence");
        known.begin();
        let second = known
            .parse(body("Away").as_bytes(), &asked, Vec::new())
            .unwrap();
        let mut ids = answered(&second);
        ids.sort_unstable();
        assert_eq!(ids, ["a", "b", "c", "d"]);
        for (i, id) in answered(&second).into_iter().enumerate() {
            let before = first
                .presences
                .iter()
                .position(|p| p.presence.id.as_str() == id);
            let same = Arc::ptr_eq(
                &second.presences[i].presence,
                &first.presences[before.unwrap()].presence,
            );
            assert_eq!(same, id != "a", "{id}");
        }
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
            let parsed = known.parse(&body, &asked, Vec::new()).unwrap();
            assert_eq!(answered(&parsed), ["a", "b"]);
            assert_eq!(parsed.bad.len(), 1);
            assert_eq!(parsed.bad[0].id, Some(UserId::new("x")));
        }
    }

    #[test]
    fn a_bad_element_costs_only_that_person_and_odd_bodies_take_the_lossy_path() {
        let known = Known::default();
        let body = r#"{"value":[{"id":"a","availability":5},{"id":"b","availability":"Away"}]}"#;
        let parsed = known.parse(body.as_bytes(), &ids(), Vec::new()).unwrap();
        assert_eq!(parsed.presences.len(), 1);
        assert_eq!(parsed.bad.len(), 1);
        assert_eq!(parsed.bad[0].id, Some(UserId::new("a")));
        let mut broken = BODY.as_bytes().to_vec();
        let at = BODY.find("Busy").unwrap();
        broken[at] = 0xff;
        let lossy = known.parse(&broken, &ids(), Vec::new()).unwrap();
        assert_eq!(
            lossy.presences.len(),
            2,
            "bad UTF-8 spoils only its characters"
        );
        assert!(known.parse(b"<html>", &ids(), Vec::new()).is_err());
    }
}
