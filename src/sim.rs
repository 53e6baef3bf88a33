//! The simulated tenant: a faithful local Microsoft Graph and Microsoft identity (sign-in) server.
//!
//! People are generated on demand from (seed, index) and presence is a pure function of (seed,
//! index, sim time), so a 10,000-person tenant costs almost nothing; only what a client changed
//! (set-presence calls, issued tokens) is stored. Graph lives under `/v1.0/...`, sign-in under
//! `/{tenant}/oauth2/v2.0/...`. Tests call the router in-process through `RouterTransport`; the
//! demo and `teamboard sim` serve it on 127.0.0.1.

mod batch;
mod clock;
mod directory;
mod dynamics;
mod errors;
mod faults;
mod gate;
mod graph_routes;
mod hostile;
mod identity;
mod ids;
mod limits;
mod names;
mod presence;
mod query;
mod serve;
mod tenant;
mod transport;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use rand::SeedableRng;
use rand::rngs::SmallRng;

pub use crate::cli::Scenario;
pub use faults::{
    BodyFault, FaultConfig, Faults, MalformedElement, NotOffered, RetryAfter, ServerError,
};
pub use identity::{DeviceOutcome, IdentityOptions};
pub use limits::RateLimit;
pub use serve::{Running, run, serve};
pub use transport::RouterTransport;

use faults::lock;
use ids::IdKind;

/// How to build a tenant. `SimOptions::new` gives sensible defaults; change fields as needed.
#[derive(Clone, Debug)]
pub struct SimOptions {
    pub team_size: u32,
    pub scenario: Scenario,
    pub seed: u64,
    pub faults: FaultConfig,
    /// Sim seconds per real second in `workday` (the demo uses 60: a working day in 9 minutes).
    pub time_scale: f64,
    /// Sim time at start; `None` is 08:40 today in the office's zone (Monday on weekends).
    pub start: Option<jiff::Timestamp>,
    pub identity: IdentityOptions,
    /// Graph's presence limit; `None` for load measurements.
    pub presence_limit: Option<RateLimit>,
    /// `GET /places/{id}` answers 403, as when Place.Read.All is not granted.
    pub places_denied: bool,
}

impl SimOptions {
    pub fn new(team_size: u32, scenario: Scenario) -> Self {
        Self {
            team_size,
            scenario,
            seed: 1,
            faults: FaultConfig::default(),
            time_scale: 60.0,
            start: None,
            identity: IdentityOptions::default(),
            presence_limit: Some(RateLimit::GRAPH_PRESENCE),
            places_denied: false,
        }
    }
}

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
    /// `POST /$batch`
    Batch,
    /// `GET /groups/{id}/members`
    Groups,
    /// `GET /places/{id}`
    Places,
    /// `setUserPreferredPresence`, `clearUserPreferredPresence`, `setStatusMessage`
    SetPresence,
    /// `POST /{tenant}/oauth2/v2.0/devicecode`
    DeviceCode,
    /// `POST /{tenant}/oauth2/v2.0/token`
    Token,
    /// Anything else.
    Other,
}

const KINDS: usize = 12;

impl EndpointKind {
    pub fn is_graph(self) -> bool {
        !matches!(self, Self::DeviceCode | Self::Token | Self::Other)
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
            ["users", _] => Self::Users,
            ["users", _, "presence"] | ["communications", "presences", _] => Self::PresenceSingle,
            ["communications", "getPresencesByUserId"] => Self::PresenceBatch,
            ["$batch"] => Self::Batch,
            ["groups", _, "members", ..] => Self::Groups,
            ["places", _] => Self::Places,
            _ => Self::Other,
        }
    }
}

/// Requests served so far. `total` counts HTTP requests received; the per-kind counts include the
/// inner requests of `$batch` calls. `throttled`, `server_errors` and `unauthorized` count answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestCounts {
    pub total: u64,
    pub presence_batch: u64,
    pub presence_single: u64,
    pub me_presence: u64,
    pub me: u64,
    pub users: u64,
    pub batch: u64,
    pub groups: u64,
    pub places: u64,
    pub set_presence: u64,
    pub device_code: u64,
    pub token: u64,
    pub other: u64,
    pub throttled: u64,
    pub server_errors: u64,
    pub unauthorized: u64,
}

#[derive(Default)]
struct Counters {
    total: AtomicU64,
    kinds: [AtomicU64; KINDS],
    throttled: AtomicU64,
    server_errors: AtomicU64,
    unauthorized: AtomicU64,
}

impl Counters {
    fn request(&self, kind: EndpointKind, inner: bool) {
        if !inner {
            self.total.fetch_add(1, Ordering::Relaxed);
        }
        self.kinds[kind as usize].fetch_add(1, Ordering::Relaxed);
    }

    fn answer(&self, status: http::StatusCode) {
        let counter = match status.as_u16() {
            429 => &self.throttled,
            401 => &self.unauthorized,
            500..=599 => &self.server_errors,
            _ => return,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn snapshot(&self) -> RequestCounts {
        let k = |kind: EndpointKind| self.kinds[kind as usize].load(Ordering::Relaxed);
        RequestCounts {
            total: self.total.load(Ordering::Relaxed),
            presence_batch: k(EndpointKind::PresenceBatch),
            presence_single: k(EndpointKind::PresenceSingle),
            me_presence: k(EndpointKind::MePresence),
            me: k(EndpointKind::Me),
            users: k(EndpointKind::Users),
            batch: k(EndpointKind::Batch),
            groups: k(EndpointKind::Groups),
            places: k(EndpointKind::Places),
            set_presence: k(EndpointKind::SetPresence),
            device_code: k(EndpointKind::DeviceCode),
            token: k(EndpointKind::Token),
            other: k(EndpointKind::Other),
            throttled: self.throttled.load(Ordering::Relaxed),
            server_errors: self.server_errors.load(Ordering::Relaxed),
            unauthorized: self.unauthorized.load(Ordering::Relaxed),
        }
    }
}

/// The simulated tenant. Shared (`Arc`); all state that changes sits behind its own lock.
pub struct Sim {
    options: SimOptions,
    tenant: tenant::Tenant,
    clock: clock::Clock,
    token: String,
    faults: Faults,
    counters: Counters,
    overrides: Mutex<HashMap<u32, presence::Override>>,
    limiter: Option<limits::Limiter>,
    identity: identity::Identity,
    rng: Mutex<SmallRng>,
}

impl Sim {
    pub fn new(options: SimOptions) -> Arc<Sim> {
        let seed = options.seed;
        let start = options
            .start
            .unwrap_or_else(|| clock::default_start(jiff::Timestamp::now()));
        let scale = match options.scenario {
            Scenario::Static => 0.0,
            Scenario::Workday | Scenario::Hostile => options.time_scale,
        };
        let tenant = tenant::Tenant::new(seed, options.team_size);
        let me_id = tenant.user_id(0);
        let tenant_id = ids::object_id(seed, IdKind::Tenant, 0);
        Arc::new(Sim {
            tenant,
            clock: clock::Clock::new(start, scale),
            token: identity::static_token(seed, &tenant_id, &me_id),
            faults: Faults::new(options.faults.clone(), seed),
            counters: Counters::default(),
            overrides: Mutex::new(HashMap::new()),
            limiter: options.presence_limit.map(limits::Limiter::new),
            identity: identity::Identity::new(options.identity.clone(), seed, tenant_id),
            rng: Mutex::new(SmallRng::seed_from_u64(seed ^ 0x5EED)),
            options,
        })
    }

    /// Graph under `/v1.0/...`, sign-in under `/{tenant}/oauth2/v2.0/...`.
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .merge(identity::routes(self))
            .nest("/v1.0", graph_routes::routes(self))
    }

    /// The bearer token every Graph call accepts (besides tokens issued by the sign-in endpoints).
    pub fn token(&self) -> &str {
        &self.token
    }

    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    pub fn counts(&self) -> RequestCounts {
        self.counters.snapshot()
    }

    pub fn options(&self) -> &SimOptions {
        &self.options
    }

    pub fn team_size(&self) -> u32 {
        self.tenant.size()
    }

    pub fn user_id(&self, index: u32) -> String {
        self.tenant.user_id(index)
    }

    /// Every user's object id, in index order.
    pub fn user_ids(&self) -> Vec<String> {
        (0..self.tenant.size())
            .map(|i| self.tenant.user_id(i))
            .collect()
    }

    pub fn upn(&self, index: u32) -> String {
        self.tenant.upn(index)
    }

    /// The display name Graph reports for a person (untrusted in the hostile scenario).
    pub fn display_name(&self, index: u32) -> Option<String> {
        self.person(index).map(|p| p.display_name)
    }

    /// The index of a user given by object id or UPN.
    pub fn user_index(&self, id_or_upn: &str) -> Option<u32> {
        self.tenant.resolve(id_or_upn)
    }

    /// The signed-in user ("me") is person 0.
    pub fn me_index(&self) -> u32 {
        0
    }

    pub fn me_id(&self) -> String {
        self.tenant.user_id(0)
    }

    /// A group whose members are everyone (plus one nested group, as Graph lists them).
    pub fn team_group_id(&self) -> String {
        self.tenant.group_id(0)
    }

    /// Every group: everyone, one per department, "Leadership".
    pub fn group_ids(&self) -> Vec<String> {
        (0..tenant::Tenant::group_count())
            .map(|i| self.tenant.group_id(i))
            .collect()
    }

    /// Place ids that work locations point at.
    pub fn place_ids(&self) -> Vec<String> {
        (0..names::PLACES.len())
            .map(|i| self.tenant.place_id(i))
            .collect()
    }

    /// The tenant's id (a GUID), accepted in sign-in URLs like `organizations`.
    pub fn tenant_id(&self) -> &str {
        self.identity.tenant_id()
    }

    /// The sim's clock when it started: with the seed, it says which run of the tenant this is.
    pub fn started_at(&self) -> jiff::Timestamp {
        jiff::Timestamp::from_millisecond(self.clock.start_ms())
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    /// The sim's clock now.
    pub fn sim_time(&self) -> jiff::Timestamp {
        jiff::Timestamp::from_millisecond(self.clock.now_ms())
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    pub fn identity_options(&self) -> IdentityOptions {
        self.identity.options()
    }

    pub fn set_identity_options(&self, options: IdentityOptions) {
        self.identity.set_options(options);
    }

    /// Approve a pending device code by its user code (as a person at the browser would).
    pub fn approve_device_code(&self, user_code: &str) -> bool {
        self.identity.resolve_user_code(user_code, true)
    }

    /// Decline a pending device code by its user code.
    pub fn decline_device_code(&self, user_code: &str) -> bool {
        self.identity.resolve_user_code(user_code, false)
    }

    fn person(&self, index: u32) -> Option<tenant::Person> {
        let mut person = self.tenant.person(index)?;
        if let Some(name) = self.hostile(index).and_then(|h| h.name) {
            name.clone_into(&mut person.display_name);
        }
        Some(person)
    }

    fn hostile(&self, index: u32) -> Option<hostile::Hostile> {
        (self.options.scenario == Scenario::Hostile && index < self.tenant.size())
            .then(|| hostile::hostile(index))
            .flatten()
    }

    fn next_guid(&self) -> String {
        use rand::Rng;
        let n: u32 = lock(&self.rng).random();
        ids::object_id(self.tenant.seed(), IdKind::Request, n)
    }
}
