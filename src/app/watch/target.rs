//! What a watch waits for: an availability (`"Available"`, `"busy"`, any case) or `"back"`, the end
//! of an out-of-office period; and whether a move between two states enters it.

use crate::graph::model::{AvailabilityKind, Known, Presence};

/// One entry of `[watch] alert_on` (and `teamboard wait --until`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// Reaching this availability. `Available` takes in Available-idle but not Available while out
    /// of office (the person is away from work, whatever Teams says); `Busy` takes in Busy-idle.
    Availability(AvailabilityKind),
    /// Out of office ended.
    Back,
}

/// What the watch rules look at in a presence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seen {
    pub availability: AvailabilityKind,
    pub out_of_office: bool,
}

impl Seen {
    pub fn of(presence: &Presence) -> Self {
        Self {
            availability: presence.availability.kind(),
            out_of_office: presence.is_out_of_office(),
        }
    }
}

impl Target {
    /// Reads a name as written in the config or on the command line, ignoring case.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        if raw.eq_ignore_ascii_case("back") {
            return Some(Target::Back);
        }
        AvailabilityKind::ALL
            .iter()
            .find(|(_, name)| name.eq_ignore_ascii_case(raw))
            .map(|(kind, _)| Target::Availability(*kind))
    }

    /// Every name `parse` takes, for error messages.
    pub fn names() -> impl Iterator<Item = &'static str> {
        AvailabilityKind::ALL
            .iter()
            .map(|(_, name)| *name)
            .chain(std::iter::once("back"))
    }

    /// The target's name as a user writes it.
    pub fn name(self) -> &'static str {
        match self {
            Target::Back => "back",
            Target::Availability(kind) => AvailabilityKind::ALL
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or("PresenceUnknown", |(_, name)| *name),
        }
    }

    /// Whether `seen` is in this state (for `Back`: not out of office).
    pub fn holds(self, seen: Seen) -> bool {
        use AvailabilityKind as A;
        match self {
            Target::Back => !seen.out_of_office,
            Target::Availability(A::Available) => {
                matches!(seen.availability, A::Available | A::AvailableIdle) && !seen.out_of_office
            }
            Target::Availability(A::Busy) => {
                matches!(seen.availability, A::Busy | A::BusyIdle)
            }
            Target::Availability(kind) => seen.availability == kind,
        }
    }

    /// Whether moving from `before` to `after` enters this state. `Back` needs an out-of-office
    /// period to end; an availability needs to be reached from outside it.
    pub fn entered(self, before: Seen, after: Seen) -> bool {
        match self {
            Target::Back => before.out_of_office && !after.out_of_office,
            Target::Availability(_) => !self.holds(before) && self.holds(after),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AvailabilityKind as A;

    fn seen(availability: AvailabilityKind, out_of_office: bool) -> Seen {
        Seen {
            availability,
            out_of_office,
        }
    }

    #[test]
    fn names_are_read_in_any_case_and_unknown_ones_refused() {
        assert_eq!(
            Target::parse("available"),
            Some(Target::Availability(A::Available))
        );
        assert_eq!(
            Target::parse("DoNotDisturb"),
            Some(Target::Availability(A::DoNotDisturb))
        );
        assert_eq!(Target::parse(" BACK "), Some(Target::Back));
        assert_eq!(Target::parse("free"), None);
        assert!(Target::names().any(|n| n == "BeRightBack"));
        assert_eq!(Target::Availability(A::Away).name(), "Away");
    }

    #[test]
    fn available_takes_idle_but_not_out_of_office() {
        let t = Target::Availability(A::Available);
        assert!(t.entered(seen(A::Busy, false), seen(A::AvailableIdle, false)));
        assert!(!t.entered(seen(A::Busy, false), seen(A::Available, true)));
        assert!(
            !t.entered(seen(A::AvailableIdle, false), seen(A::Available, false)),
            "idle to active is not a new arrival"
        );
        // Out of office ending while Available is arriving.
        assert!(t.entered(seen(A::Available, true), seen(A::Available, false)));
        let busy = Target::Availability(A::Busy);
        assert!(!busy.entered(seen(A::BusyIdle, false), seen(A::Busy, false)));
        assert!(busy.entered(seen(A::Away, false), seen(A::BusyIdle, false)));
    }

    #[test]
    fn back_is_the_end_of_out_of_office_only() {
        assert!(Target::Back.entered(seen(A::Offline, true), seen(A::Offline, false)));
        assert!(!Target::Back.entered(seen(A::Busy, false), seen(A::Available, false)));
        assert!(!Target::Back.entered(seen(A::Away, false), seen(A::Away, true)));
    }
}
