//! The known values of Graph's open sets (availability, activity, work location and its source), and
//! Teams' grouping of availability.

use super::open::{Known, Open, known_enum};

known_enum! {
    /// The documented availability values, old `PascalCase` and newer `camelCase` alike (matched case-insensitively).
    AvailabilityKind {
        Available = "Available",
        AvailableIdle = "AvailableIdle",
        Away = "Away",
        BeRightBack = "BeRightBack",
        Busy = "Busy",
        BusyIdle = "BusyIdle",
        DoNotDisturb = "DoNotDisturb",
        Offline = "Offline",
        PresenceUnknown = "PresenceUnknown",
        Focusing = "Focusing",
        InACall = "InACall",
        InAMeeting = "InAMeeting",
        Presenting = "Presenting",
    } unknown = Other
}

known_enum! {
    ActivityKind {
        Available = "Available",
        Away = "Away",
        BeRightBack = "BeRightBack",
        Busy = "Busy",
        DoNotDisturb = "DoNotDisturb",
        InACall = "InACall",
        InAConferenceCall = "InAConferenceCall",
        Inactive = "Inactive",
        InAMeeting = "InAMeeting",
        Offline = "Offline",
        OffWork = "OffWork",
        OutOfOffice = "OutOfOffice",
        PresenceUnknown = "PresenceUnknown",
        Presenting = "Presenting",
        UrgentInterruptionsOnly = "UrgentInterruptionsOnly",
        Focusing = "Focusing",
    } unknown = Other
}

known_enum! {
    WorkLocationKind {
        Unspecified = "unspecified",
        Office = "office",
        Remote = "remote",
        TimeOff = "timeOff",
        UnknownFutureValue = "unknownFutureValue",
    } unknown = Other
}

known_enum! {
    LocationSourceKind {
        None = "none",
        Manual = "manual",
        Scheduled = "scheduled",
        Automatic = "automatic",
        UnknownFutureValue = "unknownFutureValue",
    } unknown = Other
}

pub type Availability = Open<AvailabilityKind>;
pub type Activity = Open<ActivityKind>;
pub type WorkLocationType = Open<WorkLocationKind>;
pub type LocationSource = Open<LocationSourceKind>;

/// Teams' grouping of availability for colour, symbol, counts and sorting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Available,
    Busy,
    DoNotDisturb,
    Away,
    Offline,
    Unknown,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Available,
        Status::Busy,
        Status::DoNotDisturb,
        Status::Away,
        Status::Offline,
        Status::Unknown,
    ];
}

impl Availability {
    /// How Teams draws this availability (colour and symbol follow it).
    pub fn status(&self) -> Status {
        use AvailabilityKind as A;
        match self.kind() {
            A::Available | A::AvailableIdle => Status::Available,
            A::Busy | A::BusyIdle | A::InACall | A::InAMeeting => Status::Busy,
            A::DoNotDisturb | A::Presenting | A::Focusing => Status::DoNotDisturb,
            A::Away | A::BeRightBack => Status::Away,
            A::Offline => Status::Offline,
            A::PresenceUnknown | A::Other => Status::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_enums_match_case_insensitively_and_keep_the_raw_text() {
        let a = Availability::parse("inAMeeting");
        assert_eq!(a.kind(), AvailabilityKind::InAMeeting);
        assert_eq!(a.raw(), "inAMeeting");
        assert_eq!(a.status(), Status::Busy);
        let odd = Availability::parse("Sleeping");
        assert_eq!(odd.kind(), AvailabilityKind::Other);
        assert_eq!(odd.raw(), "Sleeping");
        assert_eq!(odd.status(), Status::Unknown);
        assert_eq!(
            WorkLocationType::parse("TIMEOFF").kind(),
            WorkLocationKind::TimeOff
        );
    }

    #[test]
    fn every_documented_value_is_known() {
        for v in [
            "Available",
            "AvailableIdle",
            "Away",
            "BeRightBack",
            "Busy",
            "BusyIdle",
            "DoNotDisturb",
            "Offline",
            "PresenceUnknown",
            "focusing",
            "inACall",
            "inAMeeting",
            "presenting",
        ] {
            assert_ne!(
                Availability::parse(v).kind(),
                AvailabilityKind::Other,
                "{v}"
            );
        }
        for v in [
            "Available",
            "Away",
            "BeRightBack",
            "Busy",
            "DoNotDisturb",
            "InACall",
            "InAConferenceCall",
            "Inactive",
            "InAMeeting",
            "Offline",
            "OffWork",
            "OutOfOffice",
            "PresenceUnknown",
            "Presenting",
            "UrgentInterruptionsOnly",
        ] {
            assert_ne!(Activity::parse(v).kind(), ActivityKind::Other, "{v}");
        }
        for v in [
            "none",
            "manual",
            "scheduled",
            "automatic",
            "unknownFutureValue",
        ] {
            assert_ne!(
                LocationSource::parse(v).kind(),
                LocationSourceKind::Other,
                "{v}"
            );
        }
    }
}
