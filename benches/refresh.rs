//! One full presence refresh against the simulated tenant through `RouterTransport` (no sockets):
//! 10,000 teammates in 16 batch requests, and 650 in one. Measures the client and the tenant together
//! (request building, JSON both ways, lossy parsing, merge by id), then the client alone, with the
//! tenant's answers recorded once and replayed.

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use teamboard::auth::{Secret, StaticToken};
use teamboard::graph::model::UserId;
use teamboard::graph::transport::{BoxFuture, Transport, TransportError};
use teamboard::graph::{ClientOptions, GraphClient};
use teamboard::sim::{RouterTransport, Scenario, Sim, SimOptions};

/// Records the tenant's answers by request body, then replays them: the client's share of a refresh.
struct Replay {
    inner: RouterTransport,
    answers: Mutex<HashMap<Bytes, http::Response<Bytes>>>,
}

impl Transport for Replay {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>> {
        Box::pin(async move {
            let key = request.body().clone();
            if let Some(answer) = self.answers.lock().unwrap().get(&key) {
                let mut copy = http::Response::new(answer.body().clone());
                *copy.status_mut() = answer.status();
                return Ok(copy);
            }
            let answer = self.inner.send(request).await?;
            let mut copy = http::Response::new(answer.body().clone());
            *copy.status_mut() = answer.status();
            self.answers.lock().unwrap().insert(key, copy);
            Ok(answer)
        })
    }
}

fn refresh(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("refresh");
    group.sample_size(20);
    for n in [650u32, 10_000] {
        let mut options = SimOptions::new(n, Scenario::Static);
        // Load measurement: the tenant's rate limit would otherwise throttle repeated refreshes.
        options.presence_limit = None;
        let sim = Sim::new(options);
        let client = GraphClient::new(
            ClientOptions::new("http://127.0.0.1/v1.0", Duration::from_secs(15)),
            Arc::new(RouterTransport::new(sim.router())),
            Arc::new(StaticToken::new(Secret::new(sim.token()))),
        )
        .unwrap();
        let ids: Vec<UserId> = sim.user_ids().into_iter().map(UserId::new).collect();
        let first = runtime.block_on(client.presences(&ids)).unwrap();
        assert_eq!(first.presences.len(), n as usize);
        group.bench_with_input(BenchmarkId::new("teammates", n), &ids, |b, ids| {
            b.iter(|| {
                let read = runtime.block_on(client.presences(black_box(ids))).unwrap();
                black_box(read.presences.len())
            });
        });
        eprintln!("{n} teammates: {} requests per refresh", first.requests);
        assert_eq!(sim.counts().presence_batch, sim.counts().total);

        let replay = Arc::new(Replay {
            inner: RouterTransport::new(sim.router()),
            answers: Mutex::new(HashMap::new()),
        });
        let client_only = GraphClient::new(
            ClientOptions::new("http://127.0.0.1/v1.0", Duration::from_secs(15)),
            replay,
            Arc::new(StaticToken::new(Secret::new(sim.token()))),
        )
        .unwrap();
        assert_eq!(
            runtime
                .block_on(client_only.presences(&ids))
                .unwrap()
                .presences
                .len(),
            n as usize
        );
        group.bench_with_input(BenchmarkId::new("client_only", n), &ids, |b, ids| {
            b.iter(|| {
                let read = runtime
                    .block_on(client_only.presences(black_box(ids)))
                    .unwrap();
                black_box(read.presences.len())
            });
        });
    }
    group.finish();
}

criterion_group!(benches, refresh);
criterion_main!(benches);
