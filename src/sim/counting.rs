//! What each request was for, and how many of each the tenant has served.

use std::sync::atomic::{AtomicU64, Ordering};

/// What a request was for; counted, and the unit faults can be aimed at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EndpointKind {
    /// `POST /communications/getPresencesByUserId`
    PresenceBatch,
    /// `GET /users/{id}/presence`, `GET /communications/presences/{id}`
    PresenceSingle,
    /// `GET /me/presence`
    MePresence,
    /// `GET /me`
    Me,
    /// `GET /users/{id or UPN}`
    Users,
    /// `GET /users` (listed or filtered)
    UserList,
    /// `POST /directoryObjects/getByIds`
    DirectoryObjects,
    /// `POST /$batch`
    Batch,
    /// `GET /groups/{id}/members`
    Groups,
    /// `GET /places/{id}`
    Places,
    /// `POST /me/calendar/getSchedule`, `POST /users/{id}/calendar/getSchedule`
    Schedule,
    /// `setUserPreferredPresence`, `clearUserPreferredPresence`, `setStatusMessage`,
    /// `setManualLocation`, `clearLocation`
    SetPresence,
    /// `POST /{tenant}/oauth2/v2.0/devicecode`
    DeviceCode,
    /// `POST /{tenant}/oauth2/v2.0/token`
    Token,
    /// `GET /{tenant}/oauth2/v2.0/authorize`
    Authorize,
    /// `OpenID` configuration, signing keys and instance discovery
    Discovery,
    /// Anything else.
    Other,
}

const KINDS: usize = 17;

impl EndpointKind {
    pub fn is_graph(self) -> bool {
        !matches!(
            self,
            Self::DeviceCode | Self::Token | Self::Authorize | Self::Discovery | Self::Other
        )
    }

    pub(crate) fn is_presence_read(self) -> bool {
        matches!(
            self,
            Self::PresenceBatch | Self::PresenceSingle | Self::MePresence
        )
    }

    /// Classifies a Graph path (below `/v1.0`).
    pub(crate) fn of_graph_path(method: &http::Method, path: &str) -> Self {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let post = method == http::Method::POST;
        match segments.as_slice() {
            ["me"] => Self::Me,
            ["me", "presence"] => Self::MePresence,
            ["me" | "users", .., "presence", _] if post => Self::SetPresence,
            ["users"] => Self::UserList,
            ["users", _] => Self::Users,
            ["directoryObjects", "getByIds"] if post => Self::DirectoryObjects,
            ["users", _, "presence"] | ["communications", "presences", _] => Self::PresenceSingle,
            ["communications", "getPresencesByUserId"] => Self::PresenceBatch,
            ["$batch"] => Self::Batch,
            ["groups", _, "members", ..] => Self::Groups,
            ["places", _] => Self::Places,
            ["me", "calendar", "getSchedule"] | ["users", _, "calendar", "getSchedule"] if post => {
                Self::Schedule
            }
            _ => Self::Other,
        }
    }
}

/// Requests served so far. `total` counts HTTP requests received; the per-kind counts include the
/// inner requests of `$batch` calls. `throttled`, `server_errors` and `unauthorized` count answers;
/// `body_bytes` and `compressed` count Graph's answers as they went on the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestCounts {
    pub total: u64,
    pub presence_batch: u64,
    pub presence_single: u64,
    pub me_presence: u64,
    pub me: u64,
    pub users: u64,
    pub user_list: u64,
    pub directory_objects: u64,
    pub batch: u64,
    pub groups: u64,
    pub places: u64,
    /// getSchedule requests (calendars).
    pub schedule: u64,
    pub set_presence: u64,
    pub device_code: u64,
    pub token: u64,
    pub authorize: u64,
    pub discovery: u64,
    pub other: u64,
    pub throttled: u64,
    pub server_errors: u64,
    pub unauthorized: u64,
    /// Bytes of Graph answer bodies sent, after compression.
    pub body_bytes: u64,
    /// Graph answers sent gzip-compressed (the client asked for it).
    pub compressed: u64,
}

#[derive(Default)]
pub(crate) struct Counters {
    total: AtomicU64,
    kinds: [AtomicU64; KINDS],
    throttled: AtomicU64,
    server_errors: AtomicU64,
    unauthorized: AtomicU64,
    body_bytes: AtomicU64,
    compressed: AtomicU64,
}

impl Counters {
    pub(crate) fn body_bytes(&self, n: usize) {
        self.body_bytes.fetch_add(n as u64, Ordering::Relaxed);
    }

    pub(crate) fn compressed(&self) {
        self.compressed.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn request(&self, kind: EndpointKind, inner: bool) {
        if !inner {
            self.total.fetch_add(1, Ordering::Relaxed);
        }
        self.kinds[kind as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn answer(&self, status: http::StatusCode) {
        let counter = match status.as_u16() {
            429 => &self.throttled,
            401 => &self.unauthorized,
            500..=599 => &self.server_errors,
            _ => return,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> RequestCounts {
        let k = |kind: EndpointKind| self.kinds[kind as usize].load(Ordering::Relaxed);
        RequestCounts {
            total: self.total.load(Ordering::Relaxed),
            presence_batch: k(EndpointKind::PresenceBatch),
            presence_single: k(EndpointKind::PresenceSingle),
            me_presence: k(EndpointKind::MePresence),
            me: k(EndpointKind::Me),
            users: k(EndpointKind::Users),
            user_list: k(EndpointKind::UserList),
            directory_objects: k(EndpointKind::DirectoryObjects),
            batch: k(EndpointKind::Batch),
            groups: k(EndpointKind::Groups),
            places: k(EndpointKind::Places),
            schedule: k(EndpointKind::Schedule),
            set_presence: k(EndpointKind::SetPresence),
            device_code: k(EndpointKind::DeviceCode),
            token: k(EndpointKind::Token),
            authorize: k(EndpointKind::Authorize),
            discovery: k(EndpointKind::Discovery),
            other: k(EndpointKind::Other),
            throttled: self.throttled.load(Ordering::Relaxed),
            server_errors: self.server_errors.load(Ordering::Relaxed),
            unauthorized: self.unauthorized.load(Ordering::Relaxed),
            body_bytes: self.body_bytes.load(Ordering::Relaxed),
            compressed: self.compressed.load(Ordering::Relaxed),
        }
    }
}
