//! The view model of one teammate: every field a card shows, made safe and derived once, when the
//! data arrives (never at render time). What only the detail view shows for one person at a time
//! (mail, job title, department, place and sequence ids) is sanitized there instead of kept for all.

use jiff::Timestamp;
use std::sync::Arc;
use std::time::Instant;

use super::filter::SearchEntry;
use crate::graph::model::{LocationSourceKind, Presence, Status, User, UserId, WorkLocationKind};
use crate::text::SafeText;

/// Where someone works today, from `workLocation`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub kind: WorkLocationKind,
    pub source: LocationSourceKind,
    /// The place's display name, when `/places/{id}` is allowed and answered. `None` shows the kind alone.
    /// (The `placeId` itself stays in `Person::presence`; details sanitize it when they show it.)
    pub place_name: Option<SafeText>,
}

impl Location {
    /// "Office", "Remote", "Time off"; `None` when the kind says nothing (unspecified, future values).
    pub fn word(&self) -> Option<&'static str> {
        location_word(self.kind)
    }
}

/// A work location's kind in the card's words (see `Location::word`).
pub fn location_word(kind: WorkLocationKind) -> Option<&'static str> {
    match kind {
        WorkLocationKind::Office => Some("Office"),
        WorkLocationKind::Remote => Some("Remote"),
        WorkLocationKind::TimeOff => Some("Time off"),
        _ => None,
    }
}

/// What a roster entry says beyond the name, each part sanitized and `None` when it shows nothing.
/// Built where it is used (search data, the detail view), never kept for everyone.
pub struct Profile {
    /// The mail, else the UPN.
    pub mail: Option<SafeText>,
    pub job_title: Option<SafeText>,
    pub department: Option<SafeText>,
}

impl Profile {
    pub fn of(user: &User) -> Self {
        let line = |s: Option<&str>| s.map(SafeText::line).filter(SafeText::is_visible);
        Self {
            mail: line(user.mail.as_deref().or(user.user_principal_name.as_deref())),
            job_title: line(user.job_title.as_deref()),
            department: line(user.department.as_deref()),
        }
    }
}

/// One teammate as the board shows them. Everything textual is `SafeText`, built on arrival.
#[derive(Clone, Debug)]
pub struct Person {
    pub id: UserId,
    /// Display name; falls back to the mail (then the id) when it is missing or sanitizes to nothing.
    /// Mail, job title and department are not kept: the roster has them, the filter its folded copy,
    /// and details sanitize them for the one person shown (at 10,000 people they cost 1.6 MB).
    pub name: SafeText,
    /// The last known presence exactly as Graph sent it (untrusted; render only the derived fields).
    /// Shared with the snapshot the store writes, so saving copies no presence.
    pub presence: Option<Arc<Presence>>,
    /// Teams' colour/symbol group; `Unknown` when never seen.
    pub status: Status,
    /// The availability in words ("In a meeting"); unknown values humanized.
    pub availability: SafeText,
    /// The activity in words ("In a call"), empty when never seen.
    pub activity: SafeText,
    pub out_of_office: bool,
    /// Status and out-of-office messages; `None` when there are none (most people, most of the time).
    messages: Option<Box<Messages>>,
    pub location: Option<Location>,
    /// Graph left this person out of the last answer (or the last poll failed): the presence shown is old.
    pub stale: bool,
    /// When the presence (availability or activity) last changed, as far as we know.
    pub changed_at: Option<Timestamp>,
    /// The card is drawn highlighted until then, after a change.
    pub flash_until: Option<Instant>,
    /// What the filter matches against, rebuilt whenever the fields it reads change.
    pub search: SearchEntry,
    /// Loaded from the cache with only name and status derived (see `from_cache`, `finish`).
    pending: bool,
    /// The presence held was read from the cache, not answered in this session (see `apply`).
    pub(super) from_cache: bool,
}

impl Person {
    /// Someone on the roster, never seen yet: shown as unknown. The name falls back to the mail, the UPN,
    /// then the id when it is missing or shows nothing.
    pub fn from_user(user: &User) -> Self {
        let mut person = Self::named(user);
        person.search = SearchEntry::for_person(&person, user);
        person
    }

    /// Someone from the cached snapshot, with only what ordering and counting need: name, status and
    /// the out-of-office flag. Everything else is derived by `finish`, which the App runs for the first
    /// screen before the first frame and for everyone else right after it (10,000 people at start).
    pub fn from_cache(
        user: &User,
        presence: Option<Arc<Presence>>,
        changed_at: Option<Timestamp>,
    ) -> Self {
        let mut person = Self::named(user);
        if let Some(presence) = &presence {
            person.status = presence.availability.status();
            person.out_of_office = presence.is_out_of_office();
        }
        person.from_cache = presence.is_some();
        person.presence = presence;
        person.changed_at = changed_at;
        person.pending = true;
        person
    }

    /// Completes what `from_cache` left out (`user` is the same roster entry). Does nothing twice.
    pub fn finish(&mut self, user: &User) {
        if !self.pending {
            return;
        }
        self.pending = false;
        if let Some(presence) = self.presence.take() {
            self.derive(presence);
        }
        self.search = SearchEntry::for_person(self, user);
    }

    /// Whether `finish` is still to run (see `from_cache`).
    pub fn is_pending(&self) -> bool {
        self.pending
    }

    /// Id and name only (the name falls back to the mail, the UPN, then the id).
    fn named(user: &User) -> Self {
        let name = user.shown_name();
        Self {
            id: user.id.clone(),
            name,
            presence: None,
            status: Status::Unknown,
            availability: words::unknown(),
            activity: SafeText::default(),
            out_of_office: false,
            messages: None,
            location: None,
            stale: false,
            changed_at: None,
            flash_until: None,
            search: SearchEntry::default(),
            pending: false,
            from_cache: false,
        }
    }

    /// Takes a new profile from the roster (names change), keeping the presence.
    pub fn set_profile(&mut self, user: &User) {
        self.name = Self::named(user).name;
        self.search = SearchEntry::for_person(self, user);
    }

    /// Whether `presence` is the very one this person holds (an element the read recognised as
    /// unchanged): then, as `apply` would, they are no longer stale, and nothing else changes.
    /// Decided without reading the presence.
    pub fn keeps(&mut self, presence: &Arc<Presence>) -> bool {
        let same = self
            .presence
            .as_ref()
            .is_some_and(|held| Arc::ptr_eq(held, presence));
        if same {
            self.stale = false;
            self.from_cache = false;
        }
        same
    }

    /// Takes a presence Graph sent, unless it is older (by sequence number) than one this session took.
    /// Returns what changed for the user to see. `stale` is cleared either way: Graph answered for them.
    pub fn apply(&mut self, presence: Arc<Presence>, at: Timestamp) -> Change {
        // The same bytes as last time come back as the same presence (`graph::presence::known`).
        if self.keeps(&presence) {
            return Change::None;
        }
        self.stale = false;
        // Sequence numbers order the answers of one session (an out-of-order answer is dropped); a
        // cached presence was written by another run, maybe against another tenant or a restarted
        // simulated one whose numbers start again, so the first answer replaces it whatever its number.
        let from_cache = std::mem::take(&mut self.from_cache);
        if let Some(held) = &self.presence {
            if !from_cache && !presence.supersedes(held) {
                return Change::None;
            }
            if **held == *presence {
                // Equal but not the same allocation (the first answer after a start from the
                // cache): the answer's is kept, so the next poll recognises it by address and the
                // cache's copy is freed instead of living beside the poll's for the whole session.
                self.presence = Some(presence);
                return Change::None;
            }
        }
        let before = self.visible_key();
        let first = self.presence.is_none();
        self.set_presence(presence);
        let after = self.visible_key();
        if first {
            // When they last changed is unknown: no age is shown until a change is seen.
            Change::FirstSeen
        } else if before.0 != after.0 {
            self.changed_at = Some(at);
            Change::Presence
        } else if before != after {
            Change::Details
        } else {
            Change::Quiet
        }
    }

    /// Sets the presence and recomputes every derived field and the search data.
    pub fn set_presence(&mut self, presence: impl Into<Arc<Presence>>) {
        self.derive(presence.into());
        self.search = SearchEntry::for_presence(self);
    }

    /// Every field derived from a presence, each piece of untrusted text sanitized once.
    fn derive(&mut self, mut presence: Arc<Presence>) {
        // Everyone's presence stays in memory: share the id the roster already holds.
        if let Some(p) = Arc::get_mut(&mut presence) {
            p.id = self.id.clone();
        }
        self.status = presence.availability.status();
        self.availability = words::availability(&presence.availability);
        self.activity = words::activity(&presence.activity);
        let body = presence
            .status_message
            .as_ref()
            .and_then(|m| m.message.as_ref())
            .and_then(|b| Some((b.content.as_deref()?, b.content_type.as_deref())));
        // Sanitized once; a second copy only when the first line is not the whole message.
        let status_full =
            body.and_then(|(content, kind)| non_empty(SafeText::body_multiline(content, kind)));
        let status_first = status_full.as_ref().and_then(first_line);
        self.out_of_office = presence.is_out_of_office();
        // The place's name is the App's to fill in (`Places::fill`): it knows the names.
        self.location = presence.work_location.as_ref().map(|w| Location {
            kind: w.work_location_type.kind(),
            source: w.source.kind(),
            place_name: None,
        });
        let raw_ooo = presence
            .out_of_office_settings
            .as_ref()
            .filter(|o| o.is_out_of_office)
            .and_then(|o| o.message.as_deref())
            .filter(|m| !m.trim().is_empty());
        // HTML is reduced once (it is the costly part); the card's line is the full text on one line.
        let ooo_full = raw_ooo.and_then(|m| non_empty(SafeText::message_multiline(m)));
        let ooo_one_line = ooo_full
            .as_ref()
            .filter(|full| full.as_str().contains('\n'))
            .and_then(|full| non_empty(SafeText::line(full.as_str())));
        let messages = Messages {
            status_first,
            status_full,
            ooo_one_line,
            ooo_full,
        };
        self.messages = (messages != Messages::default()).then(|| Box::new(messages));
        self.presence = Some(presence);
    }

    /// The whole status message with paragraphs, for details.
    pub fn status_full(&self) -> Option<&SafeText> {
        self.messages.as_ref()?.status_full.as_ref()
    }

    /// The out-of-office message with paragraphs, for details.
    pub fn ooo_full(&self) -> Option<&SafeText> {
        self.messages.as_ref()?.ooo_full.as_ref()
    }

    /// The status message's first line, for cards.
    pub fn status_line(&self) -> Option<&SafeText> {
        let m = self.messages.as_ref()?;
        m.status_first.as_ref().or(m.status_full.as_ref())
    }

    /// The out-of-office message on one line, for cards.
    pub fn ooo_line(&self) -> Option<&SafeText> {
        let m = self.messages.as_ref()?;
        m.ooo_one_line.as_ref().or(m.ooo_full.as_ref())
    }

    /// Sets the status message shown, as if Graph had sent it (tests of layouts with odd text).
    #[cfg(test)]
    pub fn set_status_full(&mut self, text: SafeText) {
        self.messages.get_or_insert_default().status_full = Some(text);
    }

    /// Whether the card would look different: (presence words, everything else shown).
    fn visible_key(&self) -> (VisiblePresence, VisibleRest) {
        (
            (
                self.status,
                self.availability.clone(),
                self.activity.clone(),
            ),
            (
                self.status_line().cloned(),
                self.out_of_office,
                self.ooo_line().cloned(),
                self.location.as_ref().map(|l| l.kind),
            ),
        )
    }

    pub fn is_flashing(&self, now: Instant) -> bool {
        self.flash_until.is_some_and(|t| t > now)
    }
}

/// The texts derived from a presence's messages, each sanitized once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Messages {
    /// First line of the status message when it is not the whole message (see `status_line`).
    status_first: Option<SafeText>,
    status_full: Option<SafeText>,
    /// The out-of-office message on one line when that differs from `ooo_full` (see `ooo_line`).
    ooo_one_line: Option<SafeText>,
    ooo_full: Option<SafeText>,
}

type VisiblePresence = (Status, SafeText, SafeText);
type VisibleRest = (
    Option<SafeText>,
    bool,
    Option<SafeText>,
    Option<WorkLocationKind>,
);

/// What an applied presence changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Dropped (older sequence number) or identical.
    None,
    /// Accepted, but nothing shown differs (e.g. only the sequence number moved).
    Quiet,
    /// The first presence ever seen for this person.
    FirstSeen,
    /// Availability or activity changed: the card flashes and its age restarts.
    Presence,
    /// Status message, out of office or location changed.
    Details,
}

/// The words for known availability and activity values, sanitized once per process (they are ours);
/// unknown values are humanized and sanitized each time (they are Graph's).
mod words {
    use std::sync::LazyLock;

    use crate::graph::model::{Activity, ActivityKind, Availability, AvailabilityKind, Known};
    use crate::presence_style;
    use crate::text::SafeText;

    fn table<K: Known>(
        words: impl Fn(&crate::graph::model::Open<K>) -> std::borrow::Cow<'static, str>,
    ) -> Vec<(K, SafeText)> {
        K::ALL
            .iter()
            .map(|(kind, _)| {
                (
                    *kind,
                    SafeText::line(&words(&crate::graph::model::Open::known(*kind))),
                )
            })
            .collect()
    }

    static AVAILABILITY: LazyLock<Vec<(AvailabilityKind, SafeText)>> =
        LazyLock::new(|| table(presence_style::availability_words));
    static ACTIVITY: LazyLock<Vec<(ActivityKind, SafeText)>> =
        LazyLock::new(|| table(presence_style::activity_words));
    static UNKNOWN: LazyLock<SafeText> = LazyLock::new(|| SafeText::line("Unknown"));

    pub fn unknown() -> SafeText {
        UNKNOWN.clone()
    }

    pub fn availability(value: &Availability) -> SafeText {
        match AVAILABILITY.iter().find(|(k, _)| *k == value.kind()) {
            Some((_, words)) if value.kind() != AvailabilityKind::Other => words.clone(),
            _ => SafeText::line(&presence_style::availability_words(value)),
        }
    }

    pub fn activity(value: &Activity) -> SafeText {
        match ACTIVITY.iter().find(|(k, _)| *k == value.kind()) {
            Some((_, words)) if value.kind() != ActivityKind::Other => words.clone(),
            _ => SafeText::line(&presence_style::activity_words(value)),
        }
    }
}

/// The first non-blank line of a multi-line text, when that is not the whole text.
fn first_line(text: &SafeText) -> Option<SafeText> {
    if !text.as_str().contains('\n') {
        return None;
    }
    let line = text
        .as_str()
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())?;
    non_empty(SafeText::line(line))
}

fn non_empty(text: SafeText) -> Option<SafeText> {
    text.is_visible().then_some(text)
}
