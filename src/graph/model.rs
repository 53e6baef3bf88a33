//! Presence and user types as Graph sends them: open enums, optional parts, raw strings kept verbatim.
//!
//! Everything here is *untrusted*: strings are stored exactly as they arrived so `status --json` can
//! write them back losslessly. Anything shown on a terminal goes through `crate::text::SafeText` first.

mod id;
mod in_place;
mod kinds;
mod open;
mod parse;
mod presence;
mod user;
mod warm;

pub use id::{IdHasher, IdMap, UserId};
pub use kinds::{
    Activity, ActivityKind, Availability, AvailabilityKind, LocationSource, LocationSourceKind,
    Status, WorkLocationKind, WorkLocationType,
};
pub use open::{Known, Open};
pub use parse::{
    BadElement, ParseError, PresenceList, parse_element, parse_presence_list, parse_single_presence,
};
pub use presence::{
    DateTimeTimeZone, ItemBody, OutOfOfficeSettings, Presence, StatusMessage, WorkLocation,
    compare_sequence,
};
pub use user::User;
pub use warm::{WARM_AHEAD, warm};
