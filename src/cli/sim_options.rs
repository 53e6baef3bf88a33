//! The simulated tenant's flags, turned into its own options: the tenant knows nothing of the
//! command line.

use std::time::Duration;

use super::{SimArgs, TenantArgs};
use crate::exit::{Exit, Failure};
use crate::sim::{DeviceOutcome, RetryAfter, SignInError, SimOptions};

impl TenantArgs {
    /// The tenant these flags describe, with no faults. Boards on a real clock read it (the demo,
    /// `teamboard sim`), so calendars follow the caller's clock.
    pub fn options(&self) -> SimOptions {
        let mut options = SimOptions::new(self.team_size, self.scenario);
        options.on_wall_clock = true;
        options
    }
}

impl SimArgs {
    /// The tenant, its faults and its sign-in behaviour; a value out of range is a usage error.
    pub fn options(&self) -> Result<SimOptions, Failure> {
        options(self)
    }
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
    let mut options = args.tenant.options();
    options.faults.fail_rate = args.fail_rate;
    options.faults.throttle_every = args.throttle_every;
    options.faults.retry_after = RetryAfter::parse(&args.retry_after);
    options.faults.latency = Duration::from_millis(args.latency_ms);
    options.compress = !args.no_compression;
    options.presence_session = !args.no_teams_session;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Scenario;

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
            no_compression: true,
            access_ttl: 60,
            strict_rotation: true,
            client_secret: None,
            sign_in_error: Some("53003".into()),
            device_outcome: "bad-code".into(),
            no_teams_session: true,
        }
    }

    #[test]
    fn flags_become_faults() {
        let options = options(&args(0.25)).unwrap();
        assert!((options.faults.fail_rate - 0.25).abs() < f64::EPSILON);
        assert_eq!(options.faults.throttle_every, 4);
        assert_eq!(options.faults.retry_after, RetryAfter::Fractional(1.5));
        assert_eq!(options.faults.latency, Duration::from_millis(20));
        assert!(!options.compress);
        assert!(!options.presence_session);
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
        assert!(bad.message.as_str().contains("--fail-rate"));
    }

    fn options_error(args: &SimArgs) -> Failure {
        match options(args) {
            Err(e) => e,
            Ok(_) => panic!("accepted"),
        }
    }
}
