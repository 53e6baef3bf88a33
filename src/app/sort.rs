//! The order people are shown in: availability then name (default), name, or most recent change;
//! optionally in sections by availability. Recomputed when data, filter or sort change, never per frame.

use std::cmp::Ordering;

use crate::config::{GroupBy, SortOrder};
use crate::graph::model::Status;

use super::person::Person;

/// The next order `s` moves to.
pub fn next(order: SortOrder) -> SortOrder {
    match order {
        SortOrder::Availability => SortOrder::Name,
        SortOrder::Name => SortOrder::Recent,
        SortOrder::Recent => SortOrder::Availability,
    }
}

/// A word for the footer and header.
pub fn label(order: SortOrder) -> &'static str {
    match order {
        SortOrder::Availability => "availability",
        SortOrder::Name => "name",
        SortOrder::Recent => "recent",
    }
}

/// Section a person falls in when grouped by availability (an index into `Status::ALL`).
pub fn section(person: &Person) -> usize {
    Status::ALL.iter().position(|s| *s == person.status).unwrap_or(Status::ALL.len() - 1)
}

/// Orders `keep` (indices into `people`) in place and returns how many fall in each section:
/// one section when not grouped, one per `Status` when grouped by availability.
pub fn arrange(people: &[Person], keep: &mut [usize], order: SortOrder, group: GroupBy) -> Vec<usize> {
    let grouped = group == GroupBy::Availability;
    keep.sort_unstable_by(|&a, &b| {
        let (pa, pb) = (&people[a], &people[b]);
        let by_section = if grouped { section(pa).cmp(&section(pb)) } else { Ordering::Equal };
        by_section.then_with(|| compare(pa, pb, order))
    });
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

fn compare(a: &Person, b: &Person, order: SortOrder) -> Ordering {
    let by_name = || cmp_ignore_case(a.name.as_str(), b.name.as_str()).then_with(|| a.id.cmp(&b.id));
    match order {
        SortOrder::Availability => a
            .status
            .cmp(&b.status)
            .then(a.out_of_office.cmp(&b.out_of_office))
            .then_with(by_name),
        SortOrder::Name => by_name(),
        // Most recent first; never-changed last.
        SortOrder::Recent => b.changed_at.cmp(&a.changed_at).then_with(by_name),
    }
}

/// Compares two names ignoring case, without allocating (sorting 10,000 people makes ~140,000 of these).
fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()));
    }
    a.chars().flat_map(char::to_lowercase).cmp(b.chars().flat_map(char::to_lowercase))
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

    #[test]
    fn three_orders_and_sections() {
        let people = vec![
            person("1", "bob", "Busy", Some(10)),
            person("2", "Alice", "Away", Some(30)),
            person("3", "carol", "Available", None),
            person("4", "dave", "Busy", Some(20)),
        ];
        let mut keep: Vec<usize> = (0..4).collect();
        assert_eq!(arrange(&people, &mut keep, SortOrder::Availability, GroupBy::None), vec![4]);
        assert_eq!(names(&people, &keep), ["carol", "bob", "dave", "Alice"]);
        arrange(&people, &mut keep, SortOrder::Name, GroupBy::None);
        assert_eq!(names(&people, &keep), ["Alice", "bob", "carol", "dave"], "case-insensitive");
        arrange(&people, &mut keep, SortOrder::Recent, GroupBy::None);
        assert_eq!(names(&people, &keep), ["Alice", "dave", "bob", "carol"]);
        let counts = arrange(&people, &mut keep, SortOrder::Name, GroupBy::Availability);
        assert_eq!(counts, vec![1, 2, 0, 1, 0, 0]);
        assert_eq!(names(&people, &keep), ["carol", "bob", "dave", "Alice"]);
        assert_eq!(next(next(next(SortOrder::Availability))), SortOrder::Availability);
    }
}
