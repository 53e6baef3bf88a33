//! The people, groups and places of a simulated tenant, generated on demand from (seed, index).
//!
//! Nothing per person is stored: a name is a permutation of the index over all name combinations,
//! so UPNs are unique and a UPN can be turned back into its index without a table.

use super::ids::{self, IdKind, Stream, hash, object_id, object_index};
use super::names::{
    CULTURES, Culture, DEPARTMENTS, DOMAIN, GUEST_DOMAIN, GUEST_UPN_SUFFIX, HOME_ZONE, PLACES,
    ZONES, Zone,
};

/// One generated person. Cheap to make (a few short strings); made per request, never kept.
#[derive(Clone, Debug)]
pub(crate) struct Person {
    pub id: String,
    pub given: &'static str,
    pub surname: &'static str,
    pub display_name: String,
    pub upn: String,
    pub mail: String,
    pub job_title: Option<&'static str>,
    pub department: Option<&'static str>,
    pub office_location: Option<&'static str>,
    pub language: &'static str,
    pub guest: bool,
    pub phone: Option<String>,
}

/// The groups every tenant has: everyone, one per department, and a small one nested in "everyone".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GroupKind {
    Everyone,
    Department(usize),
    Leadership,
}

pub(crate) struct Tenant {
    seed: u64,
    size: u32,
    combos: u32,
    /// Half the bits of the Feistel domain (the smallest even power of two holding `combos`).
    half_bits: u32,
    guest_index: Option<u32>,
}

/// Size of the leadership group (the first people of the tenant).
const LEADERSHIP: u32 = 3;

fn combos_of(c: &Culture) -> u32 {
    (c.given.len() * c.family.len()) as u32
}

impl Tenant {
    pub(crate) fn new(seed: u64, size: u32) -> Self {
        let combos: u32 = CULTURES.iter().map(combos_of).sum();
        let bits = 32 - (combos - 1).leading_zeros();
        Self {
            seed,
            size,
            combos,
            half_bits: bits.div_ceil(2),
            guest_index: (size > 3).then_some(3),
        }
    }

    fn round(&self, round: u32, half: u32) -> u32 {
        (hash(&[self.seed, 0xFE, u64::from(round), u64::from(half)]) as u32)
            & ((1 << self.half_bits) - 1)
    }

    fn feistel(&self, x: u32, inverse: bool) -> u32 {
        let mask = (1 << self.half_bits) - 1;
        let (mut l, mut r) = (x >> self.half_bits, x & mask);
        for i in 0..4 {
            if inverse {
                (l, r) = (r ^ self.round(3 - i, l), l);
            } else {
                (l, r) = (r, l ^ self.round(i, r));
            }
        }
        (l << self.half_bits) | r
    }

    /// A keyed, random-looking bijection on `0..combos` (a Feistel network with cycle walking), so
    /// neighbouring indices get unrelated names and the name of a UPN leads back to its index.
    fn permute(&self, x: u32, inverse: bool) -> u32 {
        let mut y = self.feistel(x, inverse);
        while y >= self.combos {
            y = self.feistel(y, inverse);
        }
        y
    }

    pub(crate) fn size(&self) -> u32 {
        self.size
    }

    pub(crate) fn seed(&self) -> u64 {
        self.seed
    }

    /// (culture, given, family, repeat) for an index: `repeat` > 0 once every combination is used.
    fn name_parts(&self, index: u32) -> (&'static Culture, usize, usize, u32) {
        let mut rest = self.permute(index % self.combos, false);
        for culture in CULTURES {
            let n = combos_of(culture);
            if rest < n {
                let g = culture.given.len() as u32;
                return (
                    culture,
                    (rest % g) as usize,
                    (rest / g) as usize,
                    index / self.combos,
                );
            }
            rest -= n;
        }
        unreachable!("combo < total combinations")
    }

    fn local_part(&self, index: u32) -> String {
        let (culture, g, f, repeat) = self.name_parts(index);
        let (given, family) = (culture.given[g].1, culture.family[f].1);
        if repeat == 0 {
            format!("{given}.{family}")
        } else {
            format!("{given}.{family}{}", repeat + 1)
        }
    }

    pub(crate) fn user_id(&self, index: u32) -> String {
        object_id(self.seed, IdKind::User, index)
    }

    pub(crate) fn upn(&self, index: u32) -> String {
        let local = self.local_part(index);
        if Some(index) == self.guest_index {
            format!("{local}{GUEST_UPN_SUFFIX}")
        } else {
            format!("{local}@{DOMAIN}")
        }
    }

    pub(crate) fn person(&self, index: u32) -> Option<Person> {
        if index >= self.size {
            return None;
        }
        let (culture, g, f, _) = self.name_parts(index);
        let (given, family) = (culture.given[g].0, culture.family[f].0);
        let display_name = if culture.family_first {
            format!("{family}{}{given}", culture.joiner)
        } else {
            format!("{given}{}{family}", culture.joiner)
        };
        let guest = Some(index) == self.guest_index;
        let local = self.local_part(index);
        let mut s = Stream::new(hash(&[self.seed, u64::from(index), 0x9E]));
        let department = self.department_of(index);
        let job_title = match department {
            Some(d) if s.percent(95) => {
                let titles = DEPARTMENTS[d].1;
                Some(titles[s.below(titles.len() as u64) as usize])
            }
            _ => None,
        };
        let office_location = s
            .percent(80)
            .then(|| PLACES[s.below(PLACES.len() as u64) as usize].1);
        let phone = s
            .percent(60)
            .then(|| format!("+1 425 555 {:04}", s.below(10_000)));
        Some(Person {
            id: self.user_id(index),
            given,
            surname: family,
            display_name: if guest {
                format!("{display_name} (Fabrikam)")
            } else {
                display_name
            },
            upn: self.upn(index),
            mail: if guest {
                format!("{local}@{GUEST_DOMAIN}")
            } else {
                format!("{local}@{DOMAIN}")
            },
            job_title,
            department: department.map(|d| DEPARTMENTS[d].0),
            office_location,
            language: culture.language,
            guest,
            phone,
        })
    }

    /// Most of a team shares one office zone; a quarter keeps the hours of where they live.
    pub(crate) fn zone_of(&self, index: u32) -> &'static Zone {
        let (culture, ..) = self.name_parts(index);
        let h = hash(&[self.seed, u64::from(index), 0x20]);
        if h % 100 < 75 {
            &ZONES[HOME_ZONE]
        } else {
            &ZONES[culture.zones[(h >> 8) as usize % culture.zones.len()]]
        }
    }

    /// A person's department (by index into `DEPARTMENTS`); a few have none.
    pub(crate) fn department_of(&self, index: u32) -> Option<usize> {
        let h = hash(&[self.seed, u64::from(index), 0xDE]);
        (h % 100 >= 4).then(|| ((h >> 8) % DEPARTMENTS.len() as u64) as usize)
    }

    /// The index of a user given by object id or UPN (case-insensitive), if it is in this tenant.
    pub(crate) fn resolve(&self, key: &str) -> Option<u32> {
        let index = if ids::is_guid(key) {
            object_index(self.seed, IdKind::User, key)?
        } else {
            self.index_of_upn(key)?
        };
        (index < self.size).then_some(index)
    }

    fn index_of_upn(&self, upn: &str) -> Option<u32> {
        let upn = upn.to_ascii_lowercase();
        let local = if let Some(local) = upn.strip_suffix(&GUEST_UPN_SUFFIX.to_ascii_lowercase()) {
            local
        } else {
            upn.strip_suffix(&format!("@{DOMAIN}"))?
        };
        let (given, family) = local.split_once('.')?;
        let digits = family.len() - family.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let (family, repeat) = family.split_at(family.len() - digits);
        let repeat = if digits == 0 {
            0
        } else {
            repeat.parse::<u32>().ok()?.checked_sub(1)?
        };
        let mut base = 0u32;
        for culture in CULTURES {
            let g = culture.given.iter().position(|(_, a)| *a == given);
            let f = culture.family.iter().position(|(_, a)| *a == family);
            if let (Some(g), Some(f)) = (g, f) {
                let combo = base + (f * culture.given.len() + g) as u32;
                let within = self.permute(combo, true);
                let index = repeat.checked_mul(self.combos)?.checked_add(within)?;
                if index < self.size && self.upn(index).eq_ignore_ascii_case(&upn) {
                    return Some(index);
                }
            }
            base += combos_of(culture);
        }
        None
    }

    pub(crate) fn group_count() -> u32 {
        DEPARTMENTS.len() as u32 + 2
    }

    pub(crate) fn group_kind(index: u32) -> Option<GroupKind> {
        let d = DEPARTMENTS.len() as u32;
        match index {
            0 => Some(GroupKind::Everyone),
            i if i <= d => Some(GroupKind::Department(i as usize - 1)),
            i if i == d + 1 => Some(GroupKind::Leadership),
            _ => None,
        }
    }

    pub(crate) fn group_id(&self, index: u32) -> String {
        object_id(self.seed, IdKind::Group, index)
    }

    pub(crate) fn group_index(&self, id: &str) -> Option<u32> {
        object_index(self.seed, IdKind::Group, id).filter(|i| *i < Self::group_count())
    }

    pub(crate) fn group_name(kind: GroupKind) -> (&'static str, String) {
        match kind {
            GroupKind::Everyone => ("All Company", "allcompany".into()),
            GroupKind::Department(d) => {
                let name = DEPARTMENTS[d].0;
                (name, name.to_ascii_lowercase().replace(' ', ""))
            }
            GroupKind::Leadership => ("Leadership", "leadership".into()),
        }
    }

    /// Is user `index` a member of the group?
    pub(crate) fn is_member(&self, kind: GroupKind, index: u32) -> bool {
        index < self.size
            && match kind {
                GroupKind::Everyone => true,
                GroupKind::Department(d) => self.department_of(index) == Some(d),
                GroupKind::Leadership => index < LEADERSHIP,
            }
    }

    /// Graph lists a nested group among a group's members: "All Company" holds "Leadership".
    pub(crate) fn nested_group(kind: GroupKind) -> Option<u32> {
        (kind == GroupKind::Everyone).then_some(DEPARTMENTS.len() as u32 + 1)
    }

    pub(crate) fn place_id(&self, index: usize) -> String {
        object_id(self.seed, IdKind::Place, index as u32)
    }

    pub(crate) fn place_index(&self, id: &str) -> Option<usize> {
        object_index(self.seed, IdKind::Place, id)
            .map(|i| i as usize)
            .filter(|i| *i < PLACES.len() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn upns_are_unique_and_resolve_back() {
        let t = Tenant::new(11, 2_500);
        let mut seen = HashSet::new();
        for i in 0..t.size() {
            let upn = t.upn(i);
            assert!(upn.is_ascii(), "{upn}");
            assert!(seen.insert(upn.clone()), "duplicate {upn}");
            assert_eq!(t.resolve(&upn), Some(i), "{upn}");
            assert_eq!(t.resolve(&upn.to_uppercase()), Some(i));
            assert_eq!(t.resolve(&t.user_id(i)), Some(i));
        }
        assert_eq!(t.resolve(&t.user_id(2_500)), None);
        assert_eq!(t.resolve("nobody@contoso.com"), None);
        assert!(t.upn(3).contains("#EXT#"));
    }

    #[test]
    fn groups_hold_the_right_people() {
        let t = Tenant::new(5, 50);
        assert_eq!(Tenant::group_kind(0), Some(GroupKind::Everyone));
        let g = t.group_id(1);
        assert_eq!(t.group_index(&g), Some(1));
        let members = (0..50)
            .filter(|i| t.is_member(GroupKind::Department(0), *i))
            .count();
        assert!(members > 0 && members < 50);
    }
}
