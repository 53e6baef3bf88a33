//! The simulated tenant's own costs: building a 10,000-person tenant, and answering requests
//! in-process (`RouterTransport`) and over real HTTP on 127.0.0.1, one at a time and 32 at once.
//! Requests per second = 1 / (time per request) for the concurrent groups.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use teamboard::graph::transport::Transport;
use teamboard::sim::{RouterTransport, Scenario, Sim, SimOptions, serve};

const PEOPLE: u32 = 10_000;
const CONCURRENCY: u64 = 32;

fn tenant() -> Arc<Sim> {
    let mut options = SimOptions::new(PEOPLE, Scenario::Workday);
    options.presence_limit = None; // measure the server, not Graph's rate limit
    Sim::new(options)
}

fn batch_body(sim: &Sim) -> Bytes {
    let ids: Vec<String> = (0..650).map(|i| sim.user_id(i * 15)).collect();
    Bytes::from(serde_json::json!({ "ids": ids }).to_string())
}

fn request(sim: &Sim, method: &str, url: &str, body: Bytes) -> http::Request<Bytes> {
    http::Request::builder()
        .method(method)
        .uri(url)
        .header("authorization", format!("Bearer {}", sim.token()))
        .header("content-type", "application/json")
        .body(body)
        .unwrap()
}

fn startup(c: &mut Criterion) {
    c.bench_function("sim/new 10,000 people", |b| b.iter(|| black_box(tenant())));
}

fn in_process(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let sim = tenant();
    let transport = RouterTransport::new(sim.router());
    let body = batch_body(&sim);
    let user = format!(
        "http://sim.test/v1.0/users/{}?$select=id,displayName,mail",
        sim.user_id(4_321)
    );
    let mut group = c.benchmark_group("sim/in-process");
    group.bench_function("getPresencesByUserId 650 ids", |b| {
        b.iter(|| {
            let r = request(
                &sim,
                "POST",
                "http://sim.test/v1.0/communications/getPresencesByUserId",
                body.clone(),
            );
            rt.block_on(transport.send(r)).unwrap()
        });
    });
    group.bench_function("GET /users/{id}", |b| {
        b.iter(|| {
            rt.block_on(transport.send(request(&sim, "GET", &user, Bytes::new())))
                .unwrap()
        });
    });
    group.finish();
}

fn over_http(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let sim = tenant();
    let running = rt.block_on(serve(sim.clone(), 0)).unwrap();
    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let body = batch_body(&sim);
    let batch_url = format!("{}/communications/getPresencesByUserId", running.base_url);
    let presence_url = format!("{}/users/{}/presence", running.base_url, sim.user_id(77));
    let token = sim.token().to_owned();

    let send_batch = {
        let (client, url, token, body) = (
            client.clone(),
            batch_url.clone(),
            token.clone(),
            body.clone(),
        );
        move || {
            let (client, url, token, body) =
                (client.clone(), url.clone(), token.clone(), body.clone());
            async move {
                let r = client
                    .post(url)
                    .bearer_auth(token)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                assert!(r.status().is_success());
                r.bytes().await.unwrap().len()
            }
        }
    };
    let send_presence = {
        let (client, url, token) = (client.clone(), presence_url.clone(), token.clone());
        move || {
            let (client, url, token) = (client.clone(), url.clone(), token.clone());
            async move {
                let r = client.get(url).bearer_auth(token).send().await.unwrap();
                assert!(r.status().is_success());
                r.bytes().await.unwrap().len()
            }
        }
    };

    let mut group = c.benchmark_group("sim/http");
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("getPresencesByUserId 650 ids, one at a time", |b| {
        b.iter(|| rt.block_on(send_batch()));
    });
    group.bench_function("GET /users/{id}/presence, one at a time", |b| {
        b.iter(|| rt.block_on(send_presence()));
    });
    group.throughput(Throughput::Elements(1));
    for (name, batch) in [
        ("getPresencesByUserId 650 ids, 32 at once", true),
        ("GET /users/{id}/presence, 32 at once", false),
    ] {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let per_task = iters.div_ceil(CONCURRENCY);
                    let started = Instant::now();
                    let tasks: Vec<_> = (0..CONCURRENCY)
                        .map(|_| {
                            let (send_batch, send_presence) =
                                (send_batch.clone(), send_presence.clone());
                            tokio::spawn(async move {
                                for _ in 0..per_task {
                                    if batch {
                                        send_batch().await
                                    } else {
                                        send_presence().await
                                    };
                                }
                            })
                        })
                        .collect();
                    for t in tasks {
                        t.await.unwrap();
                    }
                    started
                        .elapsed()
                        .mul_f64(iters as f64 / (per_task * CONCURRENCY) as f64)
                })
            });
        });
    }
    group.finish();
    drop(running);
}

criterion_group!(benches, startup, in_process, over_http);
criterion_main!(benches);
