//! Serving the tenant over real HTTP on 127.0.0.1 (`--demo`, end-to-end tests), and the
//! `teamboard sim` command.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::{DeviceOutcome, RetryAfter, SignInError, Sim, SimOptions};
use crate::cli::{Scenario, SimArgs};
use crate::exit::{Exit, Failure};

/// A tenant being served. Dropping it stops the server.
#[derive(Debug)]
pub struct Running {
    /// Graph's base URL, e.g. `http://127.0.0.1:PORT/v1.0`.
    pub base_url: String,
    /// The sign-in authority, e.g. `http://127.0.0.1:PORT`.
    pub authority: String,
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Running {
    /// Stops serving (open connections are dropped).
    pub fn stop(self) {}
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Binds 127.0.0.1:`port` (0 = any free port) and serves the tenant on the current runtime.
pub async fn serve(sim: Arc<Sim>, port: u16) -> std::io::Result<Running> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
    let addr = listener.local_addr()?;
    let router = sim.router();
    let task = tokio::spawn(async move {
        // Only fails if accepting fails for good; the server then simply stops answering.
        let _ = axum::serve(listener, router).await;
    });
    Ok(Running {
        base_url: format!("http://{addr}/v1.0"),
        authority: format!("http://{addr}"),
        addr,
        task,
    })
}

fn options(args: &SimArgs) -> Result<SimOptions, Failure> {
    if !(0.0..=1.0).contains(&args.fail_rate) {
        return Err(Failure::new(
            Exit::Usage,
            format!(
                "--fail-rate {} is out of range: give a fraction from 0.0 to 1.0",
                args.fail_rate
            ),
        ));
    }
    let mut options = SimOptions::new(args.tenant.team_size, args.tenant.scenario);
    options.calendar_on_wall_clock = true;
    options.faults.fail_rate = args.fail_rate;
    options.faults.throttle_every = args.throttle_every;
    options.faults.retry_after = RetryAfter::parse(&args.retry_after);
    options.faults.latency = Duration::from_millis(args.latency_ms);
    let identity = &mut options.identity;
    identity.access_token_lifetime = Duration::from_secs(args.access_ttl);
    identity.strict_rotation = args.strict_rotation;
    identity.client_secret.clone_from(&args.client_secret);
    identity.sign_in_error = match args.sign_in_error.as_deref() {
        None => None,
        Some(code) => Some(
            code.parse()
                .ok()
                .and_then(SignInError::from_code)
                .ok_or_else(|| {
                    usage(format!(
                        "--sign-in-error {code} is not one the tenant gives"
                    ))
                })?,
        ),
    };
    identity.device_outcome = DeviceOutcome::from_name(&args.device_outcome).ok_or_else(|| {
        usage(format!(
            "--device-outcome {} is unknown: give one of {}",
            args.device_outcome,
            DeviceOutcome::NAMES.join(", ")
        ))
    })?;
    Ok(options)
}

fn usage(message: String) -> Failure {
    Failure::new(Exit::Usage, message)
}

/// What `--sign-in-error` does, for the banner.
fn sign_in_error_line(error: Option<SignInError>) -> String {
    let what = match error {
        None => return String::new(),
        Some(SignInError::PublicClientFlowsOff) => "token requests without a client secret",
        Some(SignInError::SingleTenantApp) => "sign-ins through organizations or common",
        Some(SignInError::ConsentRequired) => "interactive sign-ins and refreshes (no consent)",
        Some(SignInError::UnknownClient) => "every client id",
        Some(SignInError::ConditionalAccess) => "device-code sign-ins, once approved",
        Some(SignInError::MfaRequired) => "refreshes",
    };
    format!(
        "Refusing: {what}, with AADSTS{}\n",
        error.map_or(0, SignInError::code)
    )
}

fn scenario_name(scenario: Scenario) -> &'static str {
    match scenario {
        Scenario::Workday => "workday",
        Scenario::Static => "static",
        Scenario::Hostile => "hostile",
    }
}

/// What `teamboard sim` prints: where it is, a config that signs in to it for real, and the token
/// it accepts. Everything here is generated ASCII (ids, UPNs, URLs), never a display name.
pub(crate) fn banner(sim: &Sim, running: &Running) -> String {
    let options = sim.options();
    let identity = sim.identity_options();
    let members: Vec<String> = (0..sim.team_size().min(3))
        .map(|i| format!("\"{}\"", sim.upn(i)))
        .collect();
    format!(
        "teamboard simulated tenant: {people} people, scenario {scenario}, seed {seed}\n\
         Graph:   {base}\n\
         Sign-in: {auth}/organizations/v2.0/.well-known/openid-configuration\n\
         \x20        signs in {upn}; device codes are approved after {polls} polls\n\
         {refusing}\
         \n\
         # A config for this tenant: save it as sim.toml, run `teamboard login --config sim.toml`,\n\
         # then `teamboard --config sim.toml`\n\
         [graph]\n\
         base_url = \"{base}\"\n\
         # this tenant grants Place.Read.All\n\
         place_names = true\n\
         \n\
         [auth]\n\
         authority = \"{auth}\"\n\
         tenant = \"organizations\"\n\
         client_id = \"{client_id}\"\n\
         # App-only (a wall display, no user): add these two lines and export the secret\n\
         # mode = \"app\"\n\
         # client_secret_env = \"TEAMBOARD_CLIENT_SECRET\"\n\
         # export TEAMBOARD_CLIENT_SECRET={secret}\n\
         \n\
         [team]\n\
         groups = [\"{group}\"]\n\
         # or people by UPN or object id:\n\
         # members = [{members}]\n\
         \n\
         # Or skip sign-in: this tenant accepts this token\n\
         export TEAMBOARD_ACCESS_TOKEN={token}\n\
         \n\
         Serving until Ctrl-C.\n",
        people = sim.team_size(),
        scenario = scenario_name(options.scenario),
        seed = options.seed,
        base = running.base_url,
        auth = running.authority,
        upn = sim.me_upn(),
        polls = identity.approve_after_polls,
        refusing = sign_in_error_line(identity.sign_in_error),
        client_id = sim.client_id(),
        secret = sim.client_secret(),
        group = sim.team_group_id(),
        members = members.join(", "),
        token = sim.token(),
    )
}

/// Ctrl-C and SIGTERM, listened for from the moment this returns. Both are taken over before the
/// banner is printed: a script that reads the banner and stops the server at once must still get the
/// summary, not a process killed by the signal's default action.
#[cfg(unix)]
fn listen_for_shutdown() -> std::io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

#[cfg(not(unix))]
fn listen_for_shutdown() -> std::io::Result<impl Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// `teamboard sim`: serve the tenant until Ctrl-C or SIGTERM.
pub async fn run(args: &SimArgs) -> Result<(), Failure> {
    let sim = Sim::new(options(args)?);
    let shutdown = listen_for_shutdown().map_err(|e| {
        Failure::new(
            Exit::Unexpected,
            format!("could not listen for Ctrl-C and SIGTERM: {e}"),
        )
    })?;
    let running = serve(sim.clone(), args.port).await.map_err(|e| {
        Failure::new(
            Exit::Usage,
            format!(
                "could not listen on 127.0.0.1:{}: {e}; choose another --port (0 picks a free one)",
                args.port
            ),
        )
    })?;
    let mut out = std::io::stdout().lock();
    // A closed stdout (piped into `head`) must not stop the server.
    let _ = out.write_all(banner(&sim, &running).as_bytes());
    let _ = out.flush();
    drop(out);
    shutdown.await;
    drop(running);
    // Scripts (the soak test, measurements) read this line to count what a client asked for.
    eprintln!("{}", summary(&sim.counts()));
    Ok(())
}

/// One line of what was served, written when `teamboard sim` stops.
pub(crate) fn summary(c: &super::RequestCounts) -> String {
    format!(
        "served {} requests: presence_batch={} presence_single={} me_presence={} me={} users={} batch={} \
         groups={} places={} token={} throttled={} server_errors={} unauthorized={} device_code={} \
         authorize={} discovery={}",
        c.total,
        c.presence_batch,
        c.presence_single,
        c.me_presence,
        c.me,
        c.users,
        c.batch,
        c.groups,
        c.places,
        c.token,
        c.throttled,
        c.server_errors,
        c.unauthorized,
        c.device_code,
        c.authorize,
        c.discovery
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::TenantArgs;

    fn args(fail_rate: f64) -> SimArgs {
        SimArgs {
            port: 0,
            tenant: TenantArgs {
                team_size: 12,
                scenario: Scenario::Hostile,
            },
            fail_rate,
            throttle_every: 4,
            retry_after: "1.5".into(),
            latency_ms: 20,
            access_ttl: 60,
            strict_rotation: true,
            client_secret: None,
            sign_in_error: Some("53003".into()),
            device_outcome: "bad-code".into(),
        }
    }

    #[test]
    fn flags_become_faults() {
        let options = options(&args(0.25)).unwrap();
        assert!((options.faults.fail_rate - 0.25).abs() < f64::EPSILON);
        assert_eq!(options.faults.throttle_every, 4);
        assert_eq!(options.faults.retry_after, RetryAfter::Fractional(1.5));
        assert_eq!(options.faults.latency, Duration::from_millis(20));
        assert_eq!(
            options.identity.access_token_lifetime,
            Duration::from_secs(60)
        );
        assert!(options.identity.strict_rotation);
        assert_eq!(
            options.identity.sign_in_error,
            Some(SignInError::ConditionalAccess)
        );
        assert_eq!(options.identity.device_outcome, DeviceOutcome::BadCode);
        let bad = options_error(&args(1.5));
        assert_eq!(bad.exit, Exit::Usage);
        assert!(bad.message.contains("--fail-rate"));
    }

    fn options_error(args: &SimArgs) -> Failure {
        match options(args) {
            Err(e) => e,
            Ok(_) => panic!("accepted"),
        }
    }

    #[tokio::test]
    async fn the_banner_is_a_ready_config_in_ascii() {
        let sim = Sim::new(options(&args(0.0)).unwrap());
        let running = serve(sim.clone(), 0).await.unwrap();
        let text = banner(&sim, &running);
        assert!(text.is_ascii(), "hostile names never reach the banner");
        assert!(text.contains(&format!("base_url = \"{}\"", running.base_url)));
        assert!(text.contains(&format!("authority = \"{}\"", running.authority)));
        assert!(text.contains(&sim.team_group_id()));
        assert!(text.contains(&format!("export TEAMBOARD_ACCESS_TOKEN={}", sim.token())));
        assert!(text.contains("tenant = \"organizations\""));
        assert!(text.contains(&format!("client_id = \"{}\"", sim.client_id())));
        assert!(!text.contains("00000000-0000-0000-0000-000000000000"));
        assert!(text.contains(&format!("TEAMBOARD_CLIENT_SECRET={}", sim.client_secret())));
        assert!(text.contains("teamboard login --config sim.toml"));
        assert!(
            text.contains("AADSTS53003"),
            "the refusal in force is named"
        );
    }
}
