//! Where an answered id stands in the list of ids asked. Graph may answer in any order, so the
//! place an answer would have if it kept the order is tried first, and maps are made only at the
//! first answer that is not there.

use std::collections::HashMap;

use crate::graph::model::{IdHasher, UserId};

pub struct Asked<'a> {
    ids: &'a [UserId],
    /// By the address of the shared string: answers that took an asked id's string are found by a
    /// word, which hashes faster than 36 bytes.
    by_string: Option<HashMap<usize, usize, IdHasher>>,
    by_id: Option<HashMap<&'a UserId, usize, IdHasher>>,
}

impl<'a> Asked<'a> {
    pub fn new(ids: &'a [UserId]) -> Self {
        Self {
            ids,
            by_string: None,
            by_id: None,
        }
    }

    /// Where the asked id equal to `id` stands, and that id, expected at `expected` (a freshly
    /// parsed answer, whose string is its own).
    pub fn equal(&mut self, id: &UserId, expected: usize) -> Option<(usize, &'a UserId)> {
        if let Some(same) = self.ids.get(expected).filter(|a| *a == id) {
            return Some((expected, same));
        }
        let i = self.by_id(id)?;
        Some((i, self.ids.get(i)?))
    }

    /// The place of `id`, an answer that normally shares an asked id's string: the very same string
    /// at `expected`, else by the string's address, else by value.
    pub fn place(&mut self, id: &UserId, expected: Option<usize>) -> Option<usize> {
        if let Some(i) = expected.filter(|&i| self.ids.get(i).is_some_and(|a| a.same(id))) {
            return Some(i);
        }
        let ids = self.ids;
        let by_string = self.by_string.get_or_insert_with(|| {
            ids.iter()
                .enumerate()
                .map(|(i, id)| (address(id), i))
                .collect()
        });
        by_string
            .get(&address(id))
            .copied()
            .or_else(|| self.by_id(id))
    }

    fn by_id(&mut self, id: &UserId) -> Option<usize> {
        let ids = self.ids;
        self.by_id
            .get_or_insert_with(|| ids.iter().enumerate().map(|(i, id)| (id, i)).collect())
            .get(id)
            .copied()
    }
}

/// Where an id's shared string lives: equal for two ids only when they share it.
fn address(id: &UserId) -> usize {
    id.as_str().as_ptr() as usize
}
