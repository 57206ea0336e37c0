//! Load generator and fake provider for the gateway benchmark
//! (`bench/gateway.sh`; results in docs/benchmarks.md).
//!
//! ```text
//! loadgen fake --listen 127.0.0.1:9100
//!     An OpenAI-style provider that answers every POST with a fixed chat
//!     completion at once (no think time): the floor of every measurement.
//!     `GET /stats` returns and resets {served, leaked}: how many bodies
//!     arrived and how many still held the planted GitHub token.
//! loadgen rate --url URL --rate 1000 --secs 15 [--body FILE]
//!     Open loop: request i is sent at start + i/rate whatever happened to
//!     the others (no coordinated omission: a slow answer does not delay
//!     the next request); its latency runs from sending to the last byte of
//!     the answer. `sched_lag_p99_ms` says how late the generator itself
//!     was (tokio's timer has 1 ms resolution). Prints one JSON line.
//! loadgen max --url URL --conns 32 --secs 10 [--body FILE]
//!     Closed loop: `conns` workers send back to back; the highest
//!     sustained throughput. Prints one JSON line.
//! loadgen body
//!     Prints the default 8 KB chat-completion body (log text carrying a
//!     GitHub token in a URL, an AWS key pair, a bearer JWT, a Postgres URL
//!     with a password, an email and a card number).
//! ```
//!
//! Written here rather than using an off-the-shelf HTTP load tool because
//! none in the allowed registries is installable offline with open-loop
//! scheduling measured from the due time; it is ~300 lines on the crates
//! the gateway already uses.

use axum::body::Body;
use axum::response::Response;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn num(args: &[String], name: &str, default: f64) -> f64 {
    arg(args, name)
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| die(&format!("{name}: not a number")))
        })
        .unwrap_or(default)
}

fn die(msg: &str) -> ! {
    eprintln!("loadgen: {msg}");
    std::process::exit(2)
}

/// An ~8 KB OpenAI chat body: a debugging question over a log excerpt
/// with secrets and personal data in it, as an IDE assistant sends it.
fn default_body() -> String {
    let mut log = String::new();
    let lines = [
        "2026-12-04T10:15:02.114Z INFO  http: GET /api/v2/orders?page=3 200 14ms req_id=7f3a9c2e",
        "2026-12-04T10:15:02.231Z DEBUG db: pool checkout wait=0.4ms active=12 idle=4",
        "2026-12-04T10:15:02.398Z INFO  worker: job=invoice-sync batch=512 done in 88ms",
        "2026-12-04T10:15:02.402Z WARN  cache: miss ratio 0.31 above 0.25 for key prefix orders:",
    ];
    let secrets = [
        "2026-12-04T10:15:03.007Z ERROR git: clone failed: https://x-access-token:ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789@github.com/acme/api.git",
        "2026-12-04T10:15:03.112Z DEBUG aws: using AWS_ACCESS_KEY_ID=AKIAQ4R7Z3NFQWJ2M5XT AWS_SECRET_ACCESS_KEY=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",
        "2026-12-04T10:15:03.250Z DEBUG http: > Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1LTQyIn0.c2lnbmF0dXJlLXZhbHVlLWhlcmU",
        "2026-12-04T10:15:03.391Z ERROR db: connect postgres://orders:S3cr3t-Pa55w0rd@db.internal:5432/orders failed: timeout",
        "2026-12-04T10:15:03.420Z INFO  billing: charge failed for jane.doe@acme-corp.io card=4111 1111 1111 1111",
    ];
    let mut i = 0;
    while log.len() < 7700 {
        log.push_str(lines[i % lines.len()]);
        log.push('\n');
        if i % 9 == 4 {
            log.push_str(secrets[(i / 9) % secrets.len()]);
            log.push('\n');
        }
        i += 1;
    }
    serde_json::json!({
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "system", "content": "You are a senior SRE helping debug production incidents. Answer briefly."},
            {"role": "user", "content": format!("Why are orders failing? Log:\n{log}")},
        ],
        "temperature": 0,
    })
    .to_string()
}

const ANSWER: &str = r#"{"id":"chatcmpl-bench","object":"chat.completion","created":1764844800,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"The database connection times out: check the pool size and the network path to db.internal."},"finish_reason":"stop"}],"usage":{"prompt_tokens":2100,"completion_tokens":20,"total_tokens":2120}}"#;

/// Planted in the default body; the fake provider counts bodies that
/// still carry it (`GET /stats`), so a run shows whether the path scanned.
const PLANTED: &[u8] = b"ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";

async fn fake(listen: &str) {
    let served = Arc::new(AtomicU64::new(0));
    let leaked = Arc::new(AtomicU64::new(0));
    let (s2, l2) = (served.clone(), leaked.clone());
    let app = axum::Router::new()
        .route(
            "/stats",
            axum::routing::get(move || {
                let (s, l) = (s2.clone(), l2.clone());
                async move {
                    format!(
                        "{{\"served\":{},\"leaked\":{}}}\n",
                        s.swap(0, Ordering::Relaxed),
                        l.swap(0, Ordering::Relaxed)
                    )
                }
            }),
        )
        .fallback(move |req: axum::extract::Request| {
            let (served, leaked) = (served.clone(), leaked.clone());
            async move {
                // Read the whole body, as a provider would.
                let body = axum::body::to_bytes(req.into_body(), 64 << 20)
                    .await
                    .unwrap_or_default();
                served.fetch_add(1, Ordering::Relaxed);
                if memchr::memmem::find(&body, PLANTED).is_some() {
                    leaked.fetch_add(1, Ordering::Relaxed);
                }
                Response::builder()
                    .header("content-type", "application/json")
                    .body(Body::from(ANSWER))
                    .unwrap_or_default()
            }
        });
    let l = tokio::net::TcpListener::bind(listen)
        .await
        .unwrap_or_else(|e| die(&format!("bind {listen}: {e}")));
    eprintln!(
        "loadgen: fake provider on {}",
        l.local_addr().map(|a| a.to_string()).unwrap_or_default()
    );
    if let Err(e) = axum::serve(l, app).await {
        die(&format!("serve: {e}"));
    }
}

fn client(pool: usize) -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(pool)
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_else(|e| die(&format!("client: {e}")))
}

/// One request: Ok(()) on a 2xx answer read to the end.
async fn once(c: &reqwest::Client, url: &str, body: &bytes::Bytes) -> Result<(), String> {
    let auth = AUTH
        .get()
        .map_or("Bearer sk-bench-not-a-real-key", String::as_str);
    let r = c
        .post(url)
        .header("content-type", "application/json")
        .header("authorization", auth)
        .body(body.clone())
        .send()
        .await
        .map_err(|e| format!("send: {e}"))?;
    let ok = r.status().is_success();
    let status = r.status();
    let _ = r.bytes().await.map_err(|e| format!("body: {e}"))?;
    if ok {
        Ok(())
    } else {
        Err(format!("status {status}"))
    }
}

/// `--auth VALUE`: the authorization header sent (a gateway key, a peer's
/// master key); default a dummy provider key.
static AUTH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

#[derive(Default)]
struct Stats {
    lat_us: Mutex<Vec<u64>>,
    errors: AtomicU64,
    first_error: Mutex<Option<String>>,
}

impl Stats {
    fn error(&self, e: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let mut f = self.first_error.lock().unwrap_or_else(|p| p.into_inner());
        if f.is_none() {
            *f = Some(e);
        }
    }

    fn report(&self, mode: &str, url: &str, wall: Duration, extra: serde_json::Value) {
        let mut v = self
            .lat_us
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        v.sort_unstable();
        let q = |p: f64| -> f64 {
            if v.is_empty() {
                return f64::NAN;
            }
            let i = ((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1;
            v[i] as f64 / 1000.0
        };
        let ok = v.len();
        let mut out = serde_json::json!({
            "mode": mode,
            "url": url,
            "ok": ok,
            "errors": self.errors.load(Ordering::Relaxed),
            "first_error": *self.first_error.lock().unwrap_or_else(|p| p.into_inner()),
            "rps": ok as f64 / wall.as_secs_f64(),
            "p50_ms": q(0.50),
            "p90_ms": q(0.90),
            "p99_ms": q(0.99),
            "p999_ms": q(0.999),
            "max_ms": v.last().map(|x| *x as f64 / 1000.0),
        });
        if let (Some(o), serde_json::Value::Object(e)) = (out.as_object_mut(), extra) {
            o.extend(e);
        }
        println!("{out}");
    }
}

async fn rate(url: String, rate: f64, secs: f64, body: bytes::Bytes, max_in_flight: usize) {
    let c = client(256);
    let stats = Arc::new(Stats::default());
    let in_flight = Arc::new(AtomicUsize::new(0));
    let shed = Arc::new(AtomicU64::new(0));
    let total = (rate * secs).round() as u64;
    let start = Instant::now() + Duration::from_millis(50);
    let mut tasks = Vec::with_capacity(total as usize);
    let mut lag = Vec::with_capacity(total as usize);
    for i in 0..total {
        let due = start + Duration::from_secs_f64(i as f64 / rate);
        tokio::time::sleep_until(due.into()).await;
        let sent = Instant::now();
        lag.push(sent.saturating_duration_since(due).as_micros() as u64);
        if in_flight.load(Ordering::Relaxed) >= max_in_flight {
            // The target is hopelessly behind: count, do not pile on.
            shed.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        in_flight.fetch_add(1, Ordering::Relaxed);
        let (c, url, body, stats, in_flight) = (
            c.clone(),
            url.clone(),
            body.clone(),
            stats.clone(),
            in_flight.clone(),
        );
        tasks.push(tokio::spawn(async move {
            match once(&c, &url, &body).await {
                Ok(()) => {
                    let us = sent.elapsed().as_micros() as u64;
                    stats
                        .lat_us
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(us);
                }
                Err(e) => stats.error(e),
            }
            in_flight.fetch_sub(1, Ordering::Relaxed);
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let wall = start.elapsed();
    lag.sort_unstable();
    let lag_p99 = lag
        .get((lag.len() * 99 / 100).min(lag.len().saturating_sub(1)))
        .map_or(0.0, |x| *x as f64 / 1000.0);
    stats.report(
        "rate",
        &url,
        wall,
        serde_json::json!({"target_rps": rate, "secs": secs, "shed": shed.load(Ordering::Relaxed), "sched_lag_p99_ms": lag_p99}),
    );
}

async fn max(url: String, conns: usize, secs: f64, body: bytes::Bytes) {
    let c = client(conns);
    let stats = Arc::new(Stats::default());
    let start = Instant::now();
    let end = start + Duration::from_secs_f64(secs);
    let mut tasks = Vec::new();
    for _ in 0..conns {
        let (c, url, body, stats) = (c.clone(), url.clone(), body.clone(), stats.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < end {
                let t = Instant::now();
                match once(&c, &url, &body).await {
                    Ok(()) => stats
                        .lat_us
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(t.elapsed().as_micros() as u64),
                    Err(e) => stats.error(e),
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    stats.report(
        "max",
        &url,
        start.elapsed(),
        serde_json::json!({"conns": conns, "secs": secs}),
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let body = || -> bytes::Bytes {
        match arg(&args, "--body") {
            Some(f) => std::fs::read(&f)
                .unwrap_or_else(|e| die(&format!("--body {f}: {e}")))
                .into(),
            None => default_body().into(),
        }
    };
    let url = || arg(&args, "--url").unwrap_or_else(|| die("--url URL is needed"));
    let threads = num(&args, "--threads", 1.0) as usize;
    if let Some(a) = arg(&args, "--auth") {
        let _ = AUTH.set(a);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .enable_all()
        .build()
        .unwrap_or_else(|e| die(&format!("runtime: {e}")));
    match args.first().map(String::as_str) {
        Some("fake") => rt.block_on(fake(
            &arg(&args, "--listen").unwrap_or_else(|| "127.0.0.1:9100".into()),
        )),
        Some("rate") => rt.block_on(rate(
            url(),
            num(&args, "--rate", 1000.0),
            num(&args, "--secs", 15.0),
            body(),
            num(&args, "--max-in-flight", 2000.0) as usize,
        )),
        Some("max") => rt.block_on(max(
            url(),
            num(&args, "--conns", 32.0) as usize,
            num(&args, "--secs", 10.0),
            body(),
        )),
        Some("body") => println!("{}", default_body()),
        _ => die("usage: loadgen fake|rate|max|body [options] (see the source's header)"),
    }
}
