//! Serving the tenant over real HTTP on 127.0.0.1 (`--demo`, end-to-end tests), and the
//! `teamboard sim` command.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::{Scenario, SignInError, Sim, SimOptions};
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

/// `teamboard sim`: serve the tenant until Ctrl-C or SIGTERM.
pub async fn run(options: SimOptions, port: u16) -> Result<(), Failure> {
    let sim = Sim::new(options);
    let shutdown = listen_for_shutdown().map_err(|e| {
        Failure::new(
            Exit::Unexpected,
            format!("could not listen for Ctrl-C and SIGTERM: {e}"),
        )
    })?;
    let running = serve(sim.clone(), port).await.map_err(|e| {
        Failure::new(
            Exit::Usage,
            format!(
                "could not listen on 127.0.0.1:{port}: {e}; choose another --port (0 picks a free one)"
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

    /// A tenant refusing Conditional Access, with a fault or two.
    fn options() -> SimOptions {
        let mut options = SimOptions::new(12, Scenario::Hostile);
        options.faults.throttle_every = 4;
        options.identity.sign_in_error = Some(SignInError::ConditionalAccess);
        options
    }

    #[tokio::test]
    async fn the_banner_is_a_ready_config_in_ascii() {
        let sim = Sim::new(options());
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
