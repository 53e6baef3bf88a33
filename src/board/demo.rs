//! `--demo`: the simulated tenant started in-process on 127.0.0.1, read by the real client over real
//! HTTP, through the same code path as production. Its cache is its own: the user's is never touched.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::{Secret, StaticToken};
use crate::config::Config;
use crate::exit::{Exit, Failure};
use crate::sim::{Running, Scenario, Sim, SimOptions, serve};
use crate::store::Store;

/// Polls come faster in the demo, so something visibly changes most times (the sim's day runs at
/// 60x: ten seconds are ten minutes of a working day).
pub const DEMO_INTERVAL: Duration = Duration::from_secs(10);

/// The tenant, not yet serving, and the config pointed at its team (the group holding everyone).
pub fn prepare(config: &mut Config, options: SimOptions) -> Arc<Sim> {
    let sim = Sim::new(options);
    config.team.members.clear();
    config.team.groups = vec![sim.team_group_id()];
    config.team.include_me = true;
    // The simulated tenant grants Place.Read.All: the demo shows place names.
    config.graph.place_names = true;
    config.refresh.interval = config.refresh.interval.min(DEMO_INTERVAL);
    sim
}

/// The demo's own cache files, beside (never instead of) the user's, keyed by scenario, size, seed
/// and the sim's start: a tenant started at another time is another tenant, and its snapshot must not
/// stand in for this one's.
pub fn store(sim: &Arc<Sim>) -> Option<Store> {
    let options = sim.options();
    let scenario = match options.scenario {
        Scenario::Workday => "workday",
        Scenario::Static => "static",
        Scenario::Hostile => "hostile",
    };
    let key = format!(
        "demo-{scenario}-{}-{}-{}",
        options.team_size,
        options.seed,
        sim.started_at().as_second()
    );
    Store::default_dir().map(|dir| Store::with_key(dir, key))
}

/// Starts serving on 127.0.0.1 (any free port) and points the config at it; returns the token it takes.
pub async fn start(sim: &Arc<Sim>, config: &mut Config) -> Result<(Running, StaticToken), Failure> {
    let running = serve(Arc::clone(sim), 0).await.map_err(|e| {
        Failure::new(
            Exit::Unexpected,
            format!("could not start the simulated tenant on 127.0.0.1: {e}"),
        )
    })?;
    config.graph.base_url.clone_from(&running.base_url);
    Ok((running, StaticToken::new(Secret::new(sim.token()))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot_of(seed: u64, start: &str) -> std::path::PathBuf {
        let mut options = SimOptions::new(24, Scenario::Workday);
        options.seed = seed;
        options.start = Some(start.parse().unwrap());
        store(&Sim::new(options)).unwrap().snapshot_path()
    }

    #[test]
    fn each_run_of_the_simulated_tenant_has_its_own_cache() {
        let first = snapshot_of(1, "2025-03-10T07:40:00Z");
        assert_eq!(first, snapshot_of(1, "2025-03-10T07:40:00Z"));
        assert_ne!(first, snapshot_of(1, "2025-03-11T07:40:00Z"));
        assert_ne!(first, snapshot_of(2, "2025-03-10T07:40:00Z"));
        let name = first.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.contains("demo-workday-24"), "{name}");
    }
}
