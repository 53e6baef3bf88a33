//! The order people are shown in: availability then name (default), name, most recent change, or
//! free soonest (calendars on: see `Soon`);
//! optionally in sections by availability; names in the user's locale's order. Recomputed when data,
//! filter or sort change, never per frame.

use std::cmp::Reverse;

use jiff::Timestamp;

use crate::config::{GroupBy, SortOrder};
use crate::graph::model::Status;

use super::person::Person;

/// The next order `s` moves to; "free soonest" only when calendars are on.
pub fn next(order: SortOrder, calendars: bool) -> SortOrder {
    match order {
        SortOrder::Availability => SortOrder::Name,
        SortOrder::Name => SortOrder::Recent,
        SortOrder::Recent if calendars => SortOrder::Free,
        SortOrder::Recent | SortOrder::Free => SortOrder::Availability,
    }
}

/// A word for the footer and header.
pub fn label(order: SortOrder) -> &'static str {
    match order {
        SortOrder::Availability => "availability",
        SortOrder::Name => "name",
        SortOrder::Recent => "recent",
        SortOrder::Free => "free soonest",
    }
}

/// How soon someone is free, for "free soonest": 0 for available now, then minutes until their
/// calendar's next free slot, `u64::MAX` when unknown.
pub type Soon = u64;

/// Section a person falls in when grouped by availability (an index into `Status::ALL`).
pub fn section(person: &Person) -> usize {
    Status::ALL
        .iter()
        .position(|s| *s == person.status)
        .unwrap_or(Status::ALL.len() - 1)
}

/// `arrange_by` with nobody free soon.
#[cfg(test)]
pub fn arrange(
    people: &[Person],
    names: &[u32],
    keep: &mut [usize],
    order: SortOrder,
    group: GroupBy,
) -> Vec<usize> {
    arrange_by(people, names, keep, order, group, &|_| Soon::MAX)
}

/// Orders `keep` (indices into `people`) in place and returns how many fall in each section:
/// one section when not grouped, one per `Status` when grouped by availability. `names` holds each
/// person's place in the locale's order of names (`Collation::ranks`, computed when names arrive), so
/// sorting compares numbers, never text; `soon` tells how soon each person (by index) is free, for
/// "free soonest".
pub fn arrange_by(
    people: &[Person],
    names: &[u32],
    keep: &mut [usize],
    order: SortOrder,
    group: GroupBy,
    soon: &dyn Fn(usize) -> Soon,
) -> Vec<usize> {
    let grouped = group == GroupBy::Availability;
    let name = |i: usize| names.get(i).copied().unwrap_or(u32::MAX);
    let mut keyed: Vec<(Key, u32, usize)> = keep
        .iter()
        .map(|&i| {
            let mut k = key(&people[i], order, grouped);
            if order == SortOrder::Free {
                k.1 = soon(i);
            }
            (k, name(i), i)
        })
        .collect();
    keyed.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.cmp(&b.1))
            .then_with(|| people[a.2].id.cmp(&people[b.2].id))
    });
    for (slot, (_, _, i)) in keep.iter_mut().zip(&keyed) {
        *slot = *i;
    }
    if grouped {
        let mut counts = vec![0; Status::ALL.len()];
        for &i in keep.iter() {
            counts[section(&people[i])] += 1;
        }
        counts
    } else {
        vec![keep.len()]
    }
}

/// (section, how soon free, availability, out of office, most recent change first); then the name.
type Key = (usize, Soon, Status, bool, Reverse<Option<Timestamp>>);

fn key(p: &Person, order: SortOrder, grouped: bool) -> Key {
    let section = if grouped { section(p) } else { 0 };
    match order {
        SortOrder::Availability => (section, 0, p.status, p.out_of_office, Reverse(None)),
        SortOrder::Name => (section, 0, Status::Available, false, Reverse(None)),
        // Most recent first; never-changed last.
        SortOrder::Recent => (section, 0, Status::Available, false, Reverse(p.changed_at)),
        // Soonest first (filled in by `arrange_by`), then as by availability.
        SortOrder::Free => (section, Soon::MAX, p.status, p.out_of_office, Reverse(None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::{Presence, User, UserId};

    fn person(id: &str, name: &str, availability: &str, changed: Option<i64>) -> Person {
        let mut p = Person::from_user(&User {
            id: UserId::new(id),
            display_name: Some(name.into()),
            user_principal_name: None,
            mail: None,
            job_title: None,
            department: None,
        });
        let mut presence = Presence::unknown(UserId::new(id));
        presence.availability = crate::graph::model::Availability::parse(availability);
        p.set_presence(presence);
        p.changed_at = changed.map(|s| jiff::Timestamp::from_second(s).unwrap());
        p
    }

    fn names(people: &[Person], order: &[usize]) -> Vec<String> {
        order.iter().map(|&i| people[i].name.to_string()).collect()
    }

    fn ranks(people: &[Person]) -> Vec<u32> {
        crate::collation::Collation::root().ranks(people.iter().map(|p| p.name.as_str()))
    }

    #[test]
    fn three_orders_and_sections() {
        let people = vec![
            person("1", "bob", "Busy", Some(10)),
            person("2", "Alice", "Away", Some(30)),
            person("3", "carol", "Available", None),
            person("4", "dave", "Busy", Some(20)),
        ];
        let r = ranks(&people);
        let mut keep: Vec<usize> = (0..4).collect();
        assert_eq!(
            arrange(
                &people,
                &r,
                &mut keep,
                SortOrder::Availability,
                GroupBy::None
            ),
            vec![4]
        );
        assert_eq!(names(&people, &keep), ["carol", "bob", "dave", "Alice"]);
        arrange(&people, &r, &mut keep, SortOrder::Name, GroupBy::None);
        assert_eq!(
            names(&people, &keep),
            ["Alice", "bob", "carol", "dave"],
            "case-insensitive"
        );
        arrange(&people, &r, &mut keep, SortOrder::Recent, GroupBy::None);
        assert_eq!(names(&people, &keep), ["Alice", "dave", "bob", "carol"]);
        let counts = arrange(
            &people,
            &r,
            &mut keep,
            SortOrder::Name,
            GroupBy::Availability,
        );
        assert_eq!(counts, vec![1, 2, 0, 1, 0, 0]);
        assert_eq!(names(&people, &keep), ["carol", "bob", "dave", "Alice"]);
        assert_eq!(
            next(next(next(SortOrder::Availability, false), false), false),
            SortOrder::Availability
        );
        // With calendars on, "free soonest" comes after "recent".
        assert_eq!(next(SortOrder::Recent, true), SortOrder::Free);
        assert_eq!(next(SortOrder::Free, true), SortOrder::Availability);
    }

    #[test]
    fn names_sort_by_the_locale_not_by_code_point() {
        let people = vec![
            person("1", "Zoë", "Busy", None),
            person("2", "Łukasz", "Busy", None),
            person("3", "Ángel", "Busy", None),
            person("4", "Åsa", "Busy", None),
            person("5", "adam", "Busy", None),
        ];
        let mut keep: Vec<usize> = (0..5).collect();
        arrange(
            &people,
            &ranks(&people),
            &mut keep,
            SortOrder::Name,
            GroupBy::None,
        );
        assert_eq!(
            names(&people, &keep),
            ["adam", "Ángel", "Åsa", "Łukasz", "Zoë"]
        );
        let swedish = crate::collation::Collation::for_locale("sv_SE")
            .ranks(people.iter().map(|p| p.name.as_str()));
        arrange(&people, &swedish, &mut keep, SortOrder::Name, GroupBy::None);
        assert_eq!(
            names(&people, &keep),
            ["adam", "Ángel", "Łukasz", "Zoë", "Åsa"]
        );
    }
}
