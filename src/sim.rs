//! The simulated tenant: a faithful local Microsoft Graph and Microsoft identity (sign-in) server.
//!
//! People are generated on demand from (seed, index) and presence is a pure function of (seed,
//! index, sim time), so a 10,000-person tenant costs almost nothing; only what a client changed
//! (set-presence calls, issued tokens) is stored. Graph lives under `/v1.0/...`, sign-in under
//! `/{tenant}/oauth2/v2.0/...`. Tests call the router in-process through `RouterTransport`; the
//! demo and `teamboard sim` serve it on 127.0.0.1.

mod batch;
mod calendar;
mod clock;
mod counting;
mod directory;
mod dynamics;
mod errors;
mod faults;
mod gate;
mod get_by_ids;
mod graph_routes;
mod hostile;
mod identity;
mod ids;
mod limits;
mod names;
mod own_presence;
mod permissions;
mod presence;
mod query;
mod serve;
mod tenant;
mod transport;
mod user_filter;
mod users;
mod wire;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;

use axum::Router;
use rand::SeedableRng;
use rand::rngs::SmallRng;

pub use counting::{EndpointKind, RequestCounts};
pub use faults::{
    BodyFault, FaultConfig, Faults, MalformedElement, NotOffered, RetryAfter, ServerError,
};
pub use identity::{DeviceOutcome, IdentityOptions, SignInError};
pub use limits::RateLimit;
pub use serve::{Running, run, serve};

/// How the simulated tenant's people behave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    /// Presence moves like a working day.
    Workday,
    /// Nothing changes.
    Static,
    /// Attacks in names and messages.
    Hostile,
}
pub use transport::RouterTransport;

use counting::Counters;
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
    /// Answers are gzip-compressed when the client asks, as Graph's are; off, as behind a proxy that
    /// strips compression.
    pub compress: bool,
    /// Every token the tenant accepts also holds Directory.Read.All, as when an administrator
    /// consented to it for the app (`directoryObjects/getByIds` then answers).
    pub directory_read_all: bool,
    /// The signed-in user (person 0) is signed in to Teams somewhere. Without that presence
    /// session Graph shows them Offline, whatever they set.
    pub presence_session: bool,
    /// Times the caller sends are on its wall clock and are moved onto the tenant's: getSchedule
    /// windows (and the answer back), so a board reading its own clock sees the meeting its
    /// presence shows, and a status message's expiry, so one set for 20 minutes lasts 20 minutes on
    /// a tenant whose day opened at 08:40 or stands still. Off: they are tenant time (tests that
    /// drive the clock).
    pub on_wall_clock: bool,
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
            compress: true,
            directory_read_all: false,
            presence_session: true,
            on_wall_clock: false,
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
        let me = identity::SignedIn {
            oid: me_id.clone(),
            upn: tenant.upn(0),
            name: Self::shown_name(&tenant, options.scenario, 0).unwrap_or_default(),
        };
        Arc::new(Sim {
            tenant,
            clock: clock::Clock::new(start, scale),
            token: identity::static_token(seed, &tenant_id, &me_id),
            faults: Faults::new(options.faults.clone(), seed),
            counters: Counters::default(),
            overrides: Mutex::new(HashMap::new()),
            limiter: options.presence_limit.map(limits::Limiter::new),
            identity: identity::Identity::new(options.identity.clone(), seed, tenant_id, me),
            rng: Mutex::new(SmallRng::seed_from_u64(seed ^ 0x5EED)),
            options,
        })
    }

    /// How far the tenant's clock runs ahead of the caller's wall clock, in milliseconds, when
    /// times a caller sends are on its wall clock (see `on_wall_clock`); else 0.
    pub(crate) fn wall_shift_ms(&self) -> i64 {
        if self.options.on_wall_clock {
            self.clock.now_ms() - jiff::Timestamp::now().as_millisecond()
        } else {
            0
        }
    }

    /// Graph under `/v1.0/...`, sign-in under `/{tenant}/oauth2/v2.0/...`.
    pub fn router(self: &Arc<Self>) -> Router {
        let mut graph = graph_routes::routes(self);
        if self.options.compress {
            graph = graph.layer(wire::compression());
        }
        let graph = graph.layer(axum::middleware::from_fn_with_state(
            self.clone(),
            wire::count,
        ));
        Router::new()
            .merge(identity::routes(self))
            .nest("/v1.0", graph)
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

    /// The app registration's client id: a GUID derived from the seed, registered as a public
    /// client (device code and browser flows) that also has a secret for app-only sign-in.
    pub fn client_id(&self) -> &str {
        self.identity.client_id()
    }

    /// The secret `client_credentials` accepts (`IdentityOptions::client_secret`, else one derived
    /// from the seed).
    pub fn client_secret(&self) -> String {
        self.identity.client_secret(&self.identity.options())
    }

    /// The signed-in user's UPN (person 0): `preferred_username` in id tokens.
    pub fn me_upn(&self) -> String {
        self.tenant.upn(0)
    }

    /// Every refresh token issued so far is revoked (AADSTS50173), as when the user is signed out
    /// everywhere mid-session; signing in again works.
    pub fn revoke_refresh_tokens(&self) {
        self.identity.revoke_refresh_tokens();
    }

    /// The next refresh fails Conditional Access's sign-in frequency check (AADSTS70043), and the
    /// refresh token it presented stays refused.
    pub fn fail_next_refresh(&self) {
        self.identity.fail_next_refresh();
    }

    /// Consent to Graph scopes for a client id, as an administrator would (space-separated, with or
    /// without the Graph prefix). False, and nothing granted, if one is not a Graph permission.
    pub fn grant_consent(&self, client_id: &str, scopes: &str) -> bool {
        let names: Option<Vec<&'static str>> = scopes
            .split_whitespace()
            .map(identity::graph_name)
            .collect();
        match names {
            Some(names) => {
                self.identity.consent().grant(client_id, &names);
                true
            }
            None => false,
        }
    }

    /// Withdraws every consent given to a client id.
    pub fn revoke_consent(&self, client_id: &str) {
        self.identity.consent().revoke(client_id);
    }

    /// The Graph scopes consented for a client id (short names), in the order granted.
    pub fn consented_scopes(&self, client_id: &str) -> Vec<String> {
        self.identity
            .consent()
            .granted(client_id)
            .into_iter()
            .map(str::to_owned)
            .collect()
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

    /// The display name a person is shown with (the hostile scenario's, when it has one).
    fn shown_name(tenant: &tenant::Tenant, scenario: Scenario, index: u32) -> Option<String> {
        let person = tenant.person(index)?;
        let hostile = (scenario == Scenario::Hostile)
            .then(|| hostile::hostile(index))
            .flatten()
            .and_then(|h| h.name);
        Some(hostile.map_or(person.display_name, str::to_owned))
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
